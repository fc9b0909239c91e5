/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_commit_prepare.c — the prepare hook (sl_router_prepare_set): it sees
 * the FIB changes not yet taken, this commit's last, before the commit is
 * final; when it refuses, the configuration and the RIB are exactly as
 * before (snapshot) and no FIB change is kept; its message is the error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

struct hook {
	size_t max_routes; /* refuse a change set with more ROUTE_SETs */
	size_t calls, last_n, last_sets;
};

static int prepare(const struct sl_fib_change *changes, size_t n, char *msg, size_t len, void *ctx)
{
	struct hook *h = ctx;
	size_t sets = 0;
	for (size_t i = 0; i < n; i++)
		sets += changes[i].op == SL_FIB_ROUTE_SET;
	h->calls++;
	h->last_n = n;
	h->last_sets = sets;
	if (sets <= h->max_routes)
		return 0;
	snprintf(msg, len, "commit refused: %zu routes, room for %zu", sets, h->max_routes);
	return -ENOMEM;
}

static void test_refusal_changes_nothing(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	struct hook h = {.max_routes = 3};
	sl_router_fib_log(r, true);
	sl_router_prepare_set(r, prepare, &h);
	assert_int_equal(apply(r,
				 "set vrf name A table 100\n"
				 "set vrf name A protocols static route 10.1.0.0/16 blackhole\n"
				 "set vrf name A protocols static route 10.2.0.0/16 blackhole\n",
				 NULL),
		0);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.last_sets, 2);
	const struct sl_fib_change *ch;
	size_t taken = sl_router_changes(r, &ch);
	assert_true(taken >= 3); /* VRF_ADD and the two routes, kept for the FIB */

	/* not taken yet: the hook sees them too, then this commit's */
	char *before = snapshot(r), *msgs = NULL;
	assert_int_equal(apply(r,
				 "set vrf name A protocols static route 10.3.0.0/16 blackhole\n"
				 "set vrf name B table 101\n"
				 "set vrf name B protocols static route 10.4.0.0/16 blackhole\n",
				 &msgs),
		-EINVAL);
	assert_int_equal(h.last_sets, 4);
	assert_non_null(strstr(msgs, "commit refused: 4 routes, room for 3"));
	free(msgs);
	char *after = snapshot(r);
	assert_string_equal(before, after); /* configuration and RIB */
	free(after);
	assert_int_equal(sl_router_changes(r, &ch), taken); /* no FIB change kept */

	/* the FIB took the first commit's changes: room again */
	sl_router_changes_clear(r);
	assert_int_equal(apply(r,
				 "set vrf name A protocols static route 10.3.0.0/16 blackhole\n"
				 "set vrf name B table 101\n"
				 "set vrf name B protocols static route 10.4.0.0/16 blackhole\n",
				 NULL),
		0);
	assert_int_equal(h.last_sets, 2);
	free(before);
	before = snapshot(r);
	assert_non_null(strstr(before, "10.4.0.0/16"));
	free(before);
	sl_router_free(r);
}

/* Without the FIB change log the hook is not called (sluicectl --offline). */
static void test_no_log_no_hook(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	struct hook h = {.max_routes = 0};
	sl_router_prepare_set(r, prepare, &h);
	assert_int_equal(apply(r, "set protocols static route 10.9.0.0/16 blackhole\n", NULL), 0);
	assert_int_equal(h.calls, 0);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusal_changes_nothing),
		cmocka_unit_test(test_no_log_no_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
