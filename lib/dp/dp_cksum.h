/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_cksum.h — the fast parse's IPv4 header checksum test (a header of its own: unit-tested). */
#ifndef SL_DP_CKSUM_H
#define SL_DP_CKSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * The IPv4 header checksum test's sum of a 20-byte header whose first byte
 * is not 0 (the parse saw version 4): a multiple of 65535 exactly when the
 * checksum is good. The ones' complement sum of the ten 16-bit words is
 * 0xffff exactly when their plain sum is a non-zero multiple of 65535
 * (2^16 = 1 mod 65535); summing the header as two 64-bit words and one
 * 32-bit word in host order keeps that (each is the sum of its 16-bit parts
 * mod 65535, and a byte swap multiplies by 256, which is invertible mod
 * 65535), and so does adding a carry out of bit 63 back in (2^64 = 1 mod
 * 65535). Three loads, two adds with their carries and one divisibility
 * test: fewer instructions than five 32-bit words (callgrind).
 */
static inline uint64_t sl_dp_ip_sum5(const uint8_t *ip)
{
	uint64_t a, b;
	uint32_t c32;
	memcpy(&a, ip, sizeof(a)); /* plain loads; no alignment assumed */
	memcpy(&b, ip + 8, sizeof(b));
	memcpy(&c32, ip + 16, sizeof(c32));
	uint64_t c = c32;
	uint64_t sum = a + b;
	sum += sum < a; /* the carry: then sum < a <= UINT64_MAX, no second one */
	sum += c;
	sum += sum < c;
	return sum;
}

/* Is the checksum of the 20-byte header at ip (first byte not 0) good? */
static inline bool sl_dp_ip_cksum5_ok(const uint8_t *ip)
{
	/* the sum is not 0 (a is not, and a carry leaves at least 1); 65535
	 * is odd, so the compiler tests divisibility with one multiply by its
	 * inverse and a compare, fewer instructions than folding to 16 bits */
	return sl_dp_ip_sum5(ip) % 0xffff == 0;
}

/*
 * sl_dp_ip_cksum5_ok's test, one instruction shorter, for the fast parse
 * (whose false goes to the exact check of the slow one): true means the
 * checksum is good; false means bad, or a good one whose sum is at least
 * 0xffff << 48 (about 1 header in 65,536). Multiplying by the inverse of
 * 65535 modulo 2^64 maps the multiples of 65535 onto 0 .. UINT64_MAX /
 * 65535 (0x0001000100010001, the bound gcc compares with, one more 64-bit
 * constant); below 2^48 are exactly the multiples under 65535 << 48.
 */
static inline bool sl_dp_ip_cksum5_fast_ok(const uint8_t *ip)
{
	return (sl_dp_ip_sum5(ip) * UINT64_C(0xfffefffefffeffff)) >> 48 == 0;
}

#endif
