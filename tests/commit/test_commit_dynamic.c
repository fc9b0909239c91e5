/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes from a routing daemon through sl_router_dyn_apply, on the demo
 * configuration (INTERNET is table 30): a batch of 10,000 BGP routes is
 * installed with its FIB changes; unknown tables are refused per route; a
 * batch the forwarding plane refuses leaves the RIB exactly as before; a
 * configuration commit keeps the daemon's routes; withdrawing everything
 * restores the state before the first batch.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

static const char *src_dir;

struct hook {
	size_t max_sets; /* refuse a change set with more ROUTE_SETs */
	size_t calls;
};

static int prepare(const struct sl_fib_change *changes, size_t n, char *msg, size_t len, void *ctx)
{
	struct hook *h = ctx;
	size_t sets = 0;
	for (size_t i = 0; i < n; i++)
		sets += changes[i].op == SL_FIB_ROUTE_SET;
	h->calls++;
	if (sets <= h->max_sets)
		return 0;
	snprintf(msg, len, "%zu routes, room for %zu", sets, h->max_sets);
	return -ENOMEM;
}

static struct sl_router *demo(struct hook *h)
{
	char path[512];
	struct sl_errors e = {0};
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	sl_router_fib_log(r, true);
	sl_router_prepare_set(r, prepare, h);
	snprintf(path, sizeof(path), "%s/config/demo-shared-services.conf", src_dir);
	assert_int_equal(sl_router_load_file(r, path, &e), 0);
	sl_errors_free(&e);
	sl_router_changes_clear(r);
	return r;
}

enum { N = 10000 };

/* N routes 100.x.y.0/24 via the upstream, or withdrawals of them. */
static struct sl_dyn_route *batch(uint32_t table, bool withdraw)
{
	struct sl_dyn_route *v = calloc(N, sizeof(*v));
	assert_non_null(v);
	for (uint32_t i = 0; i < N; i++) {
		v[i].table = table;
		v[i].prefix = (struct sl_prefix){0x64000000u + (i << 8), 24};
		v[i].source = SL_SRC_BGP;
		if (withdraw)
			continue;
		v[i].n = 1;
		v[i].nh[0].type = SL_STATIC_GATEWAY;
		v[i].nh[0].gw = 0xcb007101; /* 203.0.113.1 */
		v[i].nh[0].distance = 20;
	}
	return v;
}

static size_t count(const enum sl_dyn_result *res, enum sl_dyn_result what)
{
	size_t k = 0;
	for (size_t i = 0; i < N; i++)
		k += res[i] == what;
	return k;
}

static void test_batch_life(void **state)
{
	(void)state;
	struct hook h = {.max_sets = 2 * N};
	struct sl_router *r = demo(&h);
	char *before = snapshot(r);
	enum sl_dyn_result *res = calloc(N, sizeof(*res));
	const struct sl_fib_change *c;

	struct sl_dyn_route *add = batch(30, false);
	assert_int_equal(sl_router_dyn_apply(r, add, N, res), 0);
	assert_int_equal(count(res, SL_DYN_OK), N);
	size_t sets = 0, n = sl_router_changes(r, &c);
	for (size_t i = 0; i < n; i++)
		sets += c[i].op == SL_FIB_ROUTE_SET;
	assert_int_equal(sets, N);
	sl_router_changes_clear(r);
	char *rt = show(r, "show ip route vrf INTERNET");
	assert_non_null(rt);
	assert_non_null(strstr(rt, "B>* 100.0.1.0/24 [20/0] via 203.0.113.1, eth4"));
	free(rt);

	/* a configuration commit keeps them */
	char *msgs = NULL;
	assert_int_equal(apply(r, "set vrf name NEW table 77\n", &msgs), 0);
	free(msgs);
	rt = show(r, "show ip route vrf INTERNET");
	assert_non_null(strstr(rt, "B>* 100.0.39.0/24"));
	free(rt);
	assert_int_equal(apply(r, "delete vrf name NEW\n", NULL), 0);
	sl_router_changes_clear(r);

	/* withdrawn: the state before the first batch */
	struct sl_dyn_route *del = batch(30, true);
	assert_int_equal(sl_router_dyn_apply(r, del, N, res), 0);
	assert_int_equal(count(res, SL_DYN_OK), N);
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(add), free(del), free(res), free(before), free(after);
	sl_router_free(r);
}

static void test_unknown_table(void **state)
{
	(void)state;
	struct hook h = {.max_sets = 2 * N};
	struct sl_router *r = demo(&h);
	char *before = snapshot(r);
	enum sl_dyn_result *res = calloc(N, sizeof(*res));
	struct sl_dyn_route *add = batch(31, false);
	assert_int_equal(sl_router_dyn_apply(r, add, N, res), 0);
	assert_int_equal(count(res, SL_DYN_NO_VRF), N);
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(add), free(res), free(before), free(after);
	sl_router_free(r);
}

/* The forwarding plane refuses: every route of the batch is undone, also
 * one that replaced an earlier route's paths. */
static void test_refused_batch_undone(void **state)
{
	(void)state;
	struct hook h = {.max_sets = 2 * N};
	struct sl_router *r = demo(&h);
	enum sl_dyn_result *res = calloc(N, sizeof(*res));
	struct sl_dyn_route one = {
		.table = 30, .prefix = {0x64000000u, 24}, .source = SL_SRC_BGP, .n = 1};
	one.nh[0] =
		(struct sl_static_nh){.type = SL_STATIC_GATEWAY, .gw = 0xcb007109, .distance = 20};
	assert_int_equal(sl_router_dyn_apply(r, &one, 1, res), 0);
	sl_router_changes_clear(r);
	char *before = snapshot(r);
	h.max_sets = N / 2;
	struct sl_dyn_route *add = batch(30, false);
	assert_int_equal(sl_router_dyn_apply(r, add, N, res), -ENOMEM);
	assert_int_equal(count(res, SL_DYN_FIB_FULL), N);
	const struct sl_fib_change *c;
	assert_int_equal(sl_router_changes(r, &c), 0);
	char *after = snapshot(r);
	assert_string_equal(before, after); /* 100.0.0.0/24 via .9 again, nothing else */
	free(add), free(res), free(before), free(after);
	sl_router_free(r);
}

int main(int argc, char **argv)
{
	src_dir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_life),
		cmocka_unit_test(test_unknown_table),
		cmocka_unit_test(test_refused_batch_undone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
