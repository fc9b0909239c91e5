/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes from a routing daemon (FRR through FPM) in lib/rib: they compete
 * with statics by distance, resolve recursively, form ECMP routes, leak by
 * route target like any route and leave every importer when withdrawn; the
 * static configuration and the daemon's routes never overwrite each other.
 *
 * Topology: INTERNET (table 20) owns eth4 203.0.113.2/24 and exports by
 * route target 65000:20; CUST (table 30) owns eth1 10.1.0.1/24 and imports
 * 65000:20.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rib_test_util.h"

static struct sl_rib *base(void)
{
	struct sl_rib *rib = sl_rib_new();
	assert_non_null(rib);
	assert_int_equal(sl_rib_vrf_add(rib, "INTERNET", 20), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "CUST", 30), 0);
	assert_int_equal(t_iface(rib, "eth4", "INTERNET", true, "203.0.113.2/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth1", "CUST", true, "10.1.0.1/24", NULL), 0);
	struct t_bgp inet = {.rd = "65000:20", .rt_export = "65000:20"};
	struct t_bgp cust = {.rd = "65000:30", .rt_import = "65000:20"};
	assert_int_equal(t_bgp_set(rib, "INTERNET", &inet), 0);
	assert_int_equal(t_bgp_set(rib, "CUST", &cust), 0);
	return rib;
}

static struct sl_static_nh via(const char *gw, uint8_t distance)
{
	struct sl_static_nh nh = t_gw(gw, NULL);
	nh.distance = distance;
	return nh;
}

static int bgp1(struct sl_rib *rib, const char *vrf, const char *prefix, const char *gw)
{
	struct sl_static_nh nh = via(gw, 20);
	return sl_rib_proto_set(rib, vrf, tp(prefix), SL_SRC_BGP, &nh, 1);
}

/* The line of `prefix` in vrf's table, or "" when it has none. */
static const char *line_of(const struct sl_rib *rib, const char *vrf, const char *prefix)
{
	static char out[512];
	const char *t = t_table(rib, vrf);
	char key[64];
	snprintf(key, sizeof(key), " %s ", prefix);
	out[0] = '\0';
	for (const char *l = t; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len < sizeof(out) && memmem(l, len, key, strlen(key)) != NULL) {
			memcpy(out, l, len);
			out[len] = '\0';
			if (l[1] == '>')
				break; /* the selected one first */
		}
		l = nl ? nl + 1 : NULL;
	}
	return out;
}

static void test_installed_and_leaked(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	assert_int_equal(bgp1(rib, "INTERNET", "198.51.100.0/24", "203.0.113.1"), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"),
		"B>* 198.51.100.0/24 [20/0] via 203.0.113.1 eth4");
	/* exported by route target, imported by CUST: one redirect into INTERNET */
	assert_string_equal(line_of(rib, "CUST", "198.51.100.0/24"),
		"V>* 198.51.100.0/24 [20/0] vrf INTERNET (vrf INTERNET: via 203.0.113.1 eth4)");
	/* withdrawn: gone from both */
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, NULL, 0), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"), "");
	assert_string_equal(line_of(rib, "CUST", "198.51.100.0/24"), "");
	sl_rib_free(rib);
}

/* A path set with noexport is installed and never exported: CUST does not
 * import it; proto_get gives the flag back; set again without it, it leaks. */
static void test_noexport(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	struct sl_static_nh nh = via("203.0.113.1", 20), got[2];
	char *before = t_dump(rib);
	nh.noexport = true;
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, &nh, 1), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"),
		"B>* 198.51.100.0/24 [20/0] via 203.0.113.1 eth4");
	assert_string_equal(line_of(rib, "CUST", "198.51.100.0/24"), "");
	assert_int_equal(
		sl_rib_proto_get(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, got, 2), 1);
	assert_true(got[0].noexport);
	nh.noexport = false;
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, &nh, 1), 0);
	assert_string_not_equal(line_of(rib, "CUST", "198.51.100.0/24"), "");
	assert_int_equal(
		sl_rib_proto_get(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, got, 2), 1);
	assert_false(got[0].noexport);
	/* and withdrawn: the table as before */
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, NULL, 0), 0);
	char *after = t_dump(rib);
	assert_string_equal(before, after);
	free(before), free(after);
	sl_rib_free(rib);
}

/* A static at distance 1 beats BGP's 20; the configuration removing its
 * static leaves the BGP route (and the daemon withdrawing leaves the static). */
static void test_distance_and_separation(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	struct sl_static_nh st = via("203.0.113.9", 1);
	assert_int_equal(bgp1(rib, "INTERNET", "198.51.100.0/24", "203.0.113.1"), 0);
	assert_int_equal(sl_rib_static_set(rib, "INTERNET", tp("198.51.100.0/24"), &st, 1), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"),
		"S>* 198.51.100.0/24 [1/0] via 203.0.113.9 eth4");
	assert_int_equal(sl_rib_static_set(rib, "INTERNET", tp("198.51.100.0/24"), NULL, 0), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"),
		"B>* 198.51.100.0/24 [20/0] via 203.0.113.1 eth4");
	assert_int_equal(sl_rib_static_set(rib, "INTERNET", tp("198.51.100.0/24"), &st, 1), 0);
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, NULL, 0), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"),
		"S>* 198.51.100.0/24 [1/0] via 203.0.113.9 eth4");
	sl_rib_free(rib);
}

static int count_prefix(struct sl_prefix p, void *ctx)
{
	(void)p;
	(*(size_t *)ctx)++;
	return 0;
}

/* The configuration's view (what commit sync deletes when unconfigured)
 * never includes a daemon's route. */
static void test_static_foreach_skips_proto(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	size_t n = 0;
	assert_int_equal(bgp1(rib, "INTERNET", "198.51.100.0/24", "203.0.113.1"), 0);
	assert_int_equal(sl_rib_static_foreach(rib, "INTERNET", count_prefix, &n), 0);
	assert_int_equal(n, 0);
	sl_rib_free(rib);
}

/* BGP's next hop resolves through an OSPF route (recursion), and two BGP
 * paths at the same distance are one ECMP route. */
static void test_recursion_and_ecmp(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	struct sl_static_nh o = via("203.0.113.7", 110);
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("192.0.2.0/24"), SL_SRC_OSPF, &o, 1), 0);
	assert_int_equal(bgp1(rib, "INTERNET", "198.18.0.0/15", "192.0.2.50"), 0);
	assert_string_equal(line_of(rib, "INTERNET", "192.0.2.0/24"),
		"O>* 192.0.2.0/24 [110/0] via 203.0.113.7 eth4");
	assert_string_equal(line_of(rib, "INTERNET", "198.18.0.0/15"),
		"B>* 198.18.0.0/15 [20/0] via 203.0.113.7 eth4");
	/* the OSPF route goes: the BGP route cannot resolve any more */
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("192.0.2.0/24"), SL_SRC_OSPF, NULL, 0), 0);
	assert_string_equal(line_of(rib, "INTERNET", "198.18.0.0/15"),
		"B   198.18.0.0/15 [20/0] via 192.0.2.50");

	struct sl_static_nh two[2] = {via("203.0.113.1", 20), via("203.0.113.3", 20)};
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("100.0.0.0/8"), SL_SRC_BGP, two, 2), 0);
	const struct sl_fib_change *c;
	sl_rib_change_log(rib, true);
	assert_int_equal(bgp1(rib, "INTERNET", "100.0.0.0/8", "203.0.113.1"), 0);
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("100.0.0.0/8"), SL_SRC_BGP, two, 2), 0);
	size_t n = sl_rib_changes(rib, &c);
	assert_true(n >= 1);
	assert_non_null(c[n - 1].paths);
	assert_int_equal(c[n - 1].paths->n, 2);
	sl_rib_free(rib);
}

/* Refused: other sources, a next hop into another VRF, host bits, no VRF. */
static void test_bad_input(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	struct sl_static_nh nh = via("203.0.113.1", 20), leak = t_gw("10.1.0.5", "CUST");
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_STATIC, &nh, 1),
		-EINVAL);
	assert_int_equal(
		sl_rib_proto_set(rib, "INTERNET", tp("198.51.100.0/24"), SL_SRC_BGP, &leak, 1),
		-EINVAL);
	assert_int_equal(sl_rib_proto_set(rib, "INTERNET",
				 (struct sl_prefix){ta("198.51.100.1"), 24}, SL_SRC_BGP, &nh, 1),
		-EINVAL);
	assert_int_equal(
		sl_rib_proto_set(rib, "NOPE", tp("198.51.100.0/24"), SL_SRC_BGP, &nh, 1), -ENOENT);
	assert_string_equal(line_of(rib, "INTERNET", "198.51.100.0/24"), "");
	sl_rib_free(rib);
}

static int count_route(const struct sl_route *r, void *ctx)
{
	size_t *n = ctx;
	n[r->source]++;
	return 0;
}

/* A table of 20,000 BGP routes: installed, leaked whole into CUST, and
 * withdrawn whole from both (the RIB grows and shrinks with them). */
static void test_table_at_size(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct sl_rib *rib = base();
	struct sl_static_nh nh = via("203.0.113.1", 20);
	for (uint32_t i = 0; i < N; i++) {
		struct sl_prefix p = {0x64000000u + (i << 8), 24}; /* 100.0.0.0/24 ... */
		assert_int_equal(sl_rib_proto_set(rib, "INTERNET", p, SL_SRC_BGP, &nh, 1), 0);
	}
	size_t inet[SL_SRC__COUNT] = {0}, cust[SL_SRC__COUNT] = {0};
	assert_int_equal(sl_rib_route_foreach(rib, "INTERNET", count_route, inet), 0);
	assert_int_equal(sl_rib_route_foreach(rib, "CUST", count_route, cust), 0);
	assert_int_equal(inet[SL_SRC_BGP], N);
	/* and INTERNET's connected 203.0.113.0/24, exported too */
	assert_int_equal(cust[SL_SRC_VPN_IMPORT], N + 1);
	for (uint32_t i = 0; i < N; i++) {
		struct sl_prefix p = {0x64000000u + (i << 8), 24};
		assert_int_equal(sl_rib_proto_set(rib, "INTERNET", p, SL_SRC_BGP, NULL, 0), 0);
	}
	memset(inet, 0, sizeof(inet));
	memset(cust, 0, sizeof(cust));
	assert_int_equal(sl_rib_route_foreach(rib, "INTERNET", count_route, inet), 0);
	assert_int_equal(sl_rib_route_foreach(rib, "CUST", count_route, cust), 0);
	assert_int_equal(inet[SL_SRC_BGP], 0);
	assert_int_equal(cust[SL_SRC_VPN_IMPORT], 1);
	sl_rib_free(rib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_installed_and_leaked),
		cmocka_unit_test(test_noexport),
		cmocka_unit_test(test_distance_and_separation),
		cmocka_unit_test(test_static_foreach_skips_proto),
		cmocka_unit_test(test_recursion_and_ecmp),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_table_at_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
