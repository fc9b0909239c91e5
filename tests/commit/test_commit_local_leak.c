/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_commit_local_leak.c — `set vrf name V ip answer-across-leaks` reaches
 * the typed interface view (struct sl_iface_state) that sluiced hands to
 * sl_fib_iface_sync: on for every interface of V, off elsewhere and by
 * default, off again after a delete, and kept by the canonical render.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sl_commit.h"

static const char base[] = "set vrf name CUSTOMER-A table 10\n"
			   "set vrf name SHARED table 20\n"
			   "set interfaces ethernet eth1 vrf CUSTOMER-A\n"
			   "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			   "set interfaces ethernet eth3 vrf SHARED\n"
			   "set interfaces ethernet eth3 address 10.100.0.1/24\n"
			   "set interfaces ethernet eth3 vif 30 vrf SHARED\n"
			   "set interfaces ethernet eth3 vif 30 address 10.100.30.1/24\n";

static void apply(struct sl_router *r, const char *text)
{
	struct sl_errors e = {0};
	int rc = sl_router_apply(r, text, &e, NULL);
	for (size_t i = 0; i < e.n; i++)
		fprintf(stderr, "%u: %s\n", e.v[i].line, e.v[i].msg);
	sl_errors_free(&e);
	assert_int_equal(rc, 0);
}

static bool answers(const struct sl_router *r, const char *ifname)
{
	struct sl_iface_state s;
	assert_int_equal(sl_router_iface_get(r, ifname, &s), 0);
	return s.answer_across_leaks;
}

static void test_option_reaches_iface_view(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	apply(r, base);
	assert_false(answers(r, "eth1"));
	assert_false(answers(r, "eth3"));
	apply(r, "set vrf name SHARED ip answer-across-leaks\n");
	assert_false(answers(r, "eth1"));
	assert_true(answers(r, "eth3"));
	assert_true(answers(r, "eth3.30"));
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	assert_int_equal(sl_router_render(r, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "set vrf name SHARED ip answer-across-leaks\n"));
	free(text);
	apply(r, "delete vrf name SHARED ip answer-across-leaks\n");
	assert_false(answers(r, "eth3"));
	assert_false(answers(r, "eth3.30"));
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_reaches_iface_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
