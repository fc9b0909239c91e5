/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/types: strict address/prefix/RT parsing and ordering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_types.h"

static void test_addr_parse(void **state)
{
	uint32_t a;
	(void)state;
	assert_int_equal(sl_addr_parse("10.100.0.1", &a), 0);
	assert_int_equal(a, 0x0a640001);
	assert_int_equal(sl_addr_parse("0.0.0.0", &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(sl_addr_parse("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffff);
	const char *bad[] = {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "", "a.b.c.d",
		"1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "1.2.3.4/24", "1000.1.1.1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sl_addr_parse(bad[i], &a), -EINVAL);
}

/* The hand-written formatters against printf, every octet width. */
static void test_addr_fmt(void **state)
{
	char buf[SL_PREFIX_STR], want[32];
	uint32_t x = 2463534242u;
	(void)state;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		uint32_t a = i < 256 ? (uint32_t)i * 0x01010101u : x;
		uint8_t len = (uint8_t)(i % 33);
		snprintf(want, sizeof(want), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
			(a >> 8) & 0xff, a & 0xff);
		assert_string_equal(sl_addr_fmt(a, buf), want);
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "/%u", len);
		assert_string_equal(sl_prefix_fmt((struct sl_prefix){a, len}, buf), want);
	}
	assert_string_equal(
		sl_prefix_fmt((struct sl_prefix){0xffffffffu, 32}, buf), "255.255.255.255/32");
	assert_string_equal(sl_prefix_fmt((struct sl_prefix){0, 0}, buf), "0.0.0.0/0");
}

static void test_prefix_parse(void **state)
{
	struct sl_prefix p;
	char buf[SL_PREFIX_STR];
	(void)state;
	assert_int_equal(sl_prefix_parse("10.100.0.0/16", &p, false), 0);
	assert_string_equal(sl_prefix_fmt(p, buf), "10.100.0.0/16");
	assert_int_equal(sl_prefix_parse("0.0.0.0/0", &p, false), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(sl_prefix_parse("10.1.0.1/24", &p, false), -EDOM);
	assert_int_equal(sl_prefix_parse("10.1.0.1/24", &p, true), 0);
	assert_int_equal(p.addr, 0x0a010001);
	assert_int_equal(sl_prefix_parse("10.0.0.0/33", &p, false), -EINVAL);
	assert_int_equal(sl_prefix_parse("10.0.0.0/", &p, false), -EINVAL);
	assert_int_equal(sl_prefix_parse("10.0.0.0", &p, false), -EINVAL);
	assert_int_equal(sl_prefix_parse("10.0.0.0/-1", &p, false), -EINVAL);
}

static void test_prefix_relations(void **state)
{
	struct sl_prefix a, b;
	(void)state;
	sl_prefix_parse("10.100.0.0/16", &a, false);
	sl_prefix_parse("10.100.3.0/24", &b, false);
	assert_true(sl_prefix_contains(a, b));
	assert_false(sl_prefix_contains(b, a));
	assert_true(sl_prefix_cmp(a, b) < 0);
	sl_prefix_parse("10.100.0.0/24", &b, false);
	assert_true(sl_prefix_cmp(a, b) < 0); /* same address: shorter first */
	assert_true(sl_prefix_cmp(b, a) > 0);
}

static void test_rt_parse(void **state)
{
	struct sl_rt rt;
	char buf[SL_RT_STR];
	(void)state;
	assert_int_equal(sl_rt_parse("65000:20", &rt), 0);
	assert_int_equal(rt.type, 0);
	assert_string_equal(sl_rt_fmt(rt, buf), "65000:20");
	assert_int_equal(sl_rt_parse("192.0.2.1:7", &rt), 0);
	assert_int_equal(rt.type, 1);
	assert_string_equal(sl_rt_fmt(rt, buf), "192.0.2.1:7");
	assert_int_equal(sl_rt_parse("4200000000:7", &rt), 0);
	assert_int_equal(rt.type, 2);
	assert_int_equal(sl_rt_parse("4200000000:70000", &rt), -ERANGE);
	assert_int_equal(sl_rt_parse("192.0.2.1:70000", &rt), -ERANGE);
	assert_int_equal(sl_rt_parse("65000", &rt), -EINVAL);
	assert_int_equal(sl_rt_parse("65000:", &rt), -EINVAL);
	assert_int_equal(sl_rt_parse("a:1", &rt), -EINVAL);
	assert_int_equal(sl_rt_parse("1:2:3", &rt), -EINVAL);
	assert_int_equal(sl_rt_parse("300.1.1.1:1", &rt), -EINVAL);
}

static void test_errors(void **state)
{
	struct sl_errors e = {0};
	(void)state;
	for (int i = 0; i < 20; i++)
		sl_errors_add(&e, (unsigned)i, "error %d", i);
	assert_int_equal(e.n, 20);
	assert_int_equal(e.v[19].line, 19);
	assert_string_equal(e.v[19].msg, "error 19");
	sl_errors_free(&e);
	assert_int_equal(e.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_addr_fmt),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_relations),
		cmocka_unit_test(test_rt_parse),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
