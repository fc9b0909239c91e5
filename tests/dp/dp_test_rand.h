/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_test_rand.h — seeded xorshift and BGP-like prefix lengths for the dp tests and dp-bench. */
#ifndef SL_DP_TEST_RAND_H
#define SL_DP_TEST_RAND_H

#include <stdint.h>

static uint64_t rng = 88172645463325252ull; /* reseeded where a run must repeat */
static inline uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* BGP-like: 65 % /24, 25 % /16-/23, 5 % /8-/15, 5 % /25-/32 */
static inline uint8_t prefix_len(void)
{
	uint32_t r = rnd() % 100;
	return r < 65	? 24
	       : r < 90 ? (uint8_t)(16 + rnd() % 8)
	       : r < 95 ? (uint8_t)(8 + rnd() % 8)
			: (uint8_t)(25 + rnd() % 8);
}

/* An RFC 1812 martian (first octet 0, 127 or 224..255): the worker drops
 * it as a source or a destination (SL_DP_DROP_MARTIAN). */
static inline int martian_ip(uint32_t a)
{
	uint32_t o = a >> 24;
	return o == 0 || o == 127 || o >= 224;
}

#endif
