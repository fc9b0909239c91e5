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
#include "sl_intent.h"

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

/* The default VRF's BGP routes leaked into a customer by route-target,
 * through an import route-map, and the customer's subnet back by `import
 * vrf` (the return path): `protocols bgp address-family` is the default
 * VRF's own. A withdrawal withdraws the leak; deleting the address-family
 * (or all of `protocols`) ends both leaks. */
static const char *DEFAULT_LEAK =
	"set vrf name CUSTOMER-B table 20\n"
	"set interfaces ethernet eth2 vrf CUSTOMER-B\n"
	"set interfaces ethernet eth2 address 10.2.0.1/24\n"
	"set interfaces ethernet eth4 address 203.0.113.2/24\n"
	"set protocols bgp system-as 65000\n"
	"set protocols bgp address-family ipv4-unicast route-target vpn export 65000:254\n"
	"set protocols bgp address-family ipv4-unicast import vrf CUSTOMER-B\n"
	"set policy prefix-list BGP-198 rule 10 action permit\n"
	"set policy prefix-list BGP-198 rule 10 prefix 198.51.100.0/24\n"
	"set policy route-map FROM-DEFAULT rule 10 action permit\n"
	"set policy route-map FROM-DEFAULT rule 10 match ip address prefix-list BGP-198\n"
	"set vrf name CUSTOMER-B protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast route-target vpn "
	"import 65000:254\n"
	"set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast route-map vpn import "
	"FROM-DEFAULT\n";

static void test_default_vrf_leaks(void **state)
{
	(void)state;
	struct hook h = {.max_sets = 4 * N};
	struct sl_router *r = sl_router_new();
	char *msgs = NULL;
	sl_router_prepare_set(r, prepare, &h);
	if (apply(r, DEFAULT_LEAK, &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	enum sl_dyn_result *res = calloc(N + 1, sizeof(*res));
	struct sl_dyn_route *add = batch(254, false);
	struct sl_dyn_route one = {
		.table = 254, .prefix = {0xc6336400u, 24}, .source = SL_SRC_BGP, .n = 1};
	one.nh[0] =
		(struct sl_static_nh){.type = SL_STATIC_GATEWAY, .gw = 0xcb007101, .distance = 20};
	assert_int_equal(sl_router_dyn_apply(r, add, N, res), 0);
	assert_int_equal(count(res, SL_DYN_OK), N);
	assert_int_equal(sl_router_dyn_apply(r, &one, 1, res), 0);
	assert_int_equal(res[0], SL_DYN_OK);

	/* only what the route-map admits: 198.51.100.0/24, none of the 10,000 */
	char *rt = show(r, "show ip route vrf CUSTOMER-B");
	assert_non_null(
		strstr(rt, "B>* 198.51.100.0/24 [20/0] via 203.0.113.1, eth4 (vrf default)"));
	assert_null(strstr(rt, "100.0.1.0/24"));
	assert_null(strstr(rt, "203.0.113.0/24"));
	free(rt);
	rt = show(r, "show ip route 10.2.0.0/24");
	assert_non_null(strstr(rt, "leaked from vrf CUSTOMER-B"));
	free(rt);
	rt = show(r, "show leak vrf CUSTOMER-B");
	assert_non_null(strstr(rt, "198.51.100.0/24    from default"));
	free(rt);

	/* intents name the default VRF too: B reaches the BGP route (and
	 * default routes back to B); denying B the default VRF is refused,
	 * naming the default VRF's export line */
	msgs = NULL;
	if (apply(r,
		    "set policy intent B-198 require from CUSTOMER-B to default address "
		    "198.51.100.1\n",
		    &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	msgs = NULL;
	assert_int_not_equal(
		apply(r, "set policy intent B-NOT-DEF deny from CUSTOMER-B to default\n", &msgs),
		0);
	assert_non_null(strstr(msgs, "made by 'set protocols bgp address-family ipv4-unicast "
				     "route-target vpn export 65000:254'"));
	free(msgs);
	assert_int_equal(apply(r, "delete policy intent B-198\n", NULL), 0);

	/* withdrawn by the daemon: gone from the customer too */
	one.n = 0;
	assert_int_equal(sl_router_dyn_apply(r, &one, 1, res), 0);
	rt = show(r, "show ip route vrf CUSTOMER-B");
	assert_null(strstr(rt, "198.51.100.0/24"));
	free(rt);
	one.n = 1;
	assert_int_equal(sl_router_dyn_apply(r, &one, 1, res), 0);

	/* the default VRF's address-family goes: both leaks end */
	assert_int_equal(apply(r, "delete protocols bgp address-family\n", NULL), 0);
	rt = show(r, "show ip route vrf CUSTOMER-B");
	assert_null(strstr(rt, "198.51.100.0/24"));
	free(rt);
	rt = show(r, "show ip route");
	assert_null(strstr(rt, "10.2.0.0/24"));
	free(rt);
	/* back, then all of `protocols` deleted at once */
	assert_int_equal(apply(r,
				 "set protocols bgp address-family ipv4-unicast route-target vpn "
				 "export 65000:254\n",
				 NULL),
		0);
	rt = show(r, "show ip route vrf CUSTOMER-B");
	assert_non_null(strstr(rt, "198.51.100.0/24"));
	free(rt);
	assert_int_equal(apply(r, "delete protocols\n", NULL), 0);
	rt = show(r, "show ip route vrf CUSTOMER-B");
	assert_null(strstr(rt, "198.51.100.0/24"));
	free(rt);
	/* an address-family without system-as is refused, as in a VRF */
	msgs = NULL;
	assert_int_not_equal(
		apply(r,
			"set protocols bgp address-family ipv4-unicast route-target vpn "
			"export 65000:254\n",
			&msgs),
		0);
	assert_non_null(
		strstr(msgs, "vrf default: bgp address-family needs 'protocols bgp system-as'"));
	free(msgs);
	free(add), free(res);
	sl_router_free(r);
}

/* `vrf default` names the default VRF where a leak names its other end:
 * a static's next hop or interface, and `import vrf`. */
static void test_vrf_default_refs(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	char *msgs = NULL;
	if (apply(r,
		    "set vrf name A table 10\n"
		    "set interfaces ethernet eth1 vrf A\n"
		    "set interfaces ethernet eth1 address 10.1.0.1/24\n"
		    "set interfaces ethernet eth4 address 203.0.113.2/24\n"
		    "set vrf name A protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf "
		    "default\n"
		    "set vrf name A protocols static route 198.51.100.0/24 interface eth4 vrf "
		    "default\n"
		    "set protocols static route 10.1.0.0/24 interface eth1 vrf A\n"
		    "set protocols static route 10.9.0.0/24 next-hop 203.0.113.1 vrf default\n"
		    "set protocols bgp system-as 65000\n"
		    "set protocols bgp address-family ipv4-unicast route-target vpn export "
		    "65000:254\n"
		    "set vrf name B table 20\n"
		    "set vrf name B protocols bgp system-as 65000\n"
		    "set vrf name B protocols bgp address-family ipv4-unicast import vrf default\n",
		    &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	char *rt = show(r, "show ip route vrf A");
	assert_non_null(strstr(rt, "S>* 0.0.0.0/0 [1/0] via 203.0.113.1, eth4 (vrf default)"));
	assert_non_null(
		strstr(rt, "S>* 198.51.100.0/24 [1/0] is directly connected, eth4 (vrf default)"));
	free(rt);
	/* the default VRF's own `vrf default` is no leak: a plain static */
	rt = show(r, "show ip route 10.9.0.0/24");
	assert_non_null(strstr(rt, "Known via \"static\""));
	free(rt);
	rt = show(r, "show ip route vrf B");
	assert_non_null(
		strstr(rt, "B>* 203.0.113.0/24 [20/0] is directly connected, eth4 (vrf default)"));
	free(rt);
	/* A's packets to 8.8.8.8 leave by eth4, in the default VRF (a next
	 * hop there); to 198.51.100.5 they continue in the default VRF's
	 * table (an interface leak is a redirect), which has no route */
	struct sl_intent_way w;
	assert_int_equal(sl_router_way(r, "A", 0x08080808u, &w), 0);
	assert_int_equal(w.fate, SL_FATE_FORWARD);
	assert_string_equal(w.egress_vrf, "default");
	assert_int_equal(sl_router_way(r, "A", 0xc6336405u, &w), 0);
	assert_int_equal(w.n_hops, 2);
	assert_string_equal(w.hop[1].vrf, "default");
	assert_int_equal(w.fate, SL_FATE_NO_ROUTE);
	/* the other reserved names stay refused */
	msgs = NULL;
	assert_int_not_equal(apply(r,
				     "set vrf name B protocols bgp address-family ipv4-unicast "
				     "import vrf main\n",
				     &msgs),
		0);
	assert_non_null(strstr(msgs, "reserved VRF name"));
	free(msgs);
	sl_router_free(r);
}

int main(int argc, char **argv)
{
	src_dir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_life),
		cmocka_unit_test(test_unknown_table),
		cmocka_unit_test(test_refused_batch_undone),
		cmocka_unit_test(test_default_vrf_leaks),
		cmocka_unit_test(test_vrf_default_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
