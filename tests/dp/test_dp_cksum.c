/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fast parse's IPv4 header checksum test (dp_cksum.h) against the
 * ones' complement sum of RFC 1071, folded 16 bits at a time: millions of
 * random 20-byte headers, their bytes biased towards 0x00 and 0xff (the
 * carries and the two zeroes of ones' complement), each with its checksum
 * right, then changed in one word, then set to the other zero; and the
 * fast parse's shorter test, which may call a good header bad (rarely),
 * never a bad one good.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dp_cksum.h"
#include "dp_test_rand.h"

#define HEADERS 3000000

/* RFC 1071: the ones' complement sum of the ten big-endian words. */
static uint16_t ref_sum(const uint8_t *h)
{
	uint32_t s = 0;
	for (unsigned i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint8_t biased_byte(void)
{
	uint32_t r = rnd() % 8;
	return r < 3 ? 0xff : r < 5 ? 0x00 : (uint8_t)rnd();
}

/* A random header, version 4 and IHL 5 (what the fast parse has seen),
 * with its checksum (bytes 10-11) set right. */
static void random_header(uint8_t *h)
{
	for (unsigned i = 0; i < 20; i++)
		h[i] = biased_byte();
	h[0] = 0x45;
	h[10] = h[11] = 0;
	uint16_t ck = (uint16_t)~ref_sum(h);
	h[10] = (uint8_t)(ck >> 8);
	h[11] = (uint8_t)ck;
}

static unsigned fast_missed; /* good headers sl_dp_ip_cksum5_fast_ok called bad */

static void check(const uint8_t *h, unsigned *seen)
{
	bool want = ref_sum(h) == 0xffff;
	if (sl_dp_ip_cksum5_ok(h) != want) {
		char hex[41];
		for (unsigned i = 0; i < 20; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		fail_msg("header %s: checksum %s, want %s", hex, want ? "bad" : "good",
			want ? "good" : "bad");
	}
	/* the fast parse's test: never good for a bad header; good for a good
	 * one unless its sum reaches 0xffff << 48 (counted, rare) */
	bool fast = sl_dp_ip_cksum5_fast_ok(h);
	assert_true(!fast || want);
	fast_missed += want && !fast;
	seen[want]++;
}

static void test_against_rfc1071(void **state)
{
	(void)state;
	unsigned seen[2] = {0};
	/* one byte more: a header at an odd address too */
	uint8_t buf[21];
	for (unsigned n = 0; n < HEADERS; n++) {
		uint8_t *h = buf + (n & 1);
		random_header(h);
		check(h, seen);
		/* the other zero: 0x0000 and 0xffff are both "no bits", the
		 * sum stays 0xffff */
		uint8_t c0 = h[10], c1 = h[11];
		if ((c0 == 0 && c1 == 0) || (c0 == 0xff && c1 == 0xff)) {
			h[10] = h[11] = (uint8_t)~c0;
			check(h, seen);
			h[10] = c0;
			h[11] = c1;
		}
		/* one word changed (not the first: version 4 stays) */
		unsigned w = 1 + rnd() % 9;
		uint16_t d = (uint16_t)(rnd() % 3 == 0 ? 0xffff : 1 + rnd() % 0xffff);
		uint16_t v = (uint16_t)((h[2 * w] << 8 | h[2 * w + 1]) + d);
		h[2 * w] = (uint8_t)(v >> 8);
		h[2 * w + 1] = (uint8_t)v;
		check(h, seen);
	}
	/* both answers, many times: a changed word is usually caught, and
	 * adding 0xffff (the other zero of a word) never is */
	assert_true(seen[true] > HEADERS && seen[false] > HEADERS / 2);
	print_message("%u good, %u bad headers\n", seen[true], seen[false]);
	/* bytes biased towards 0xff fill the sum's top bits: 2.7 % here, not
	 * the 1 in 65,536 of uniform ones; still only a few */
	print_message("fast test: %u good headers called bad\n", fast_missed);
	assert_true(fast_missed > 0 && fast_missed < seen[true] / 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_rfc1071),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
