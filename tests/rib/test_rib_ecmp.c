/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECMP in lib/rib: which candidates become the paths of a selected route,
 * what the FIB change log carries, and how paths leave and rejoin.
 *
 * Topology: RED (table 30) owns eth1 192.0.2.1/24 and eth2 198.51.100.1/24;
 * BLUE (table 40) imports RED's routes (`import vrf RED`).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rib_test_util.h"

static struct sl_rib *base(void)
{
	struct sl_rib *rib = sl_rib_new();
	assert_non_null(rib);
	assert_int_equal(sl_rib_vrf_add(rib, "RED", 30), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "BLUE", 40), 0);
	assert_int_equal(t_iface(rib, "eth1", "RED", true, "192.0.2.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth2", "RED", true, "198.51.100.1/24", NULL), 0);
	return rib;
}

static struct sl_static_nh gw_w(const char *gw, uint8_t distance, uint8_t weight)
{
	struct sl_static_nh nh = t_gw(gw, NULL);
	nh.distance = distance;
	nh.weight = weight;
	return nh;
}

/* The statics of 10.0.0.0/24 as "S>* via A eth1 w1|S=* via B eth2 w1|..."
 * ('=' marks a further path of the selected route). */
static int render_cb(const struct sl_route *r, void *ctx)
{
	char *buf = ctx, nh[160], gw[16];
	if (r->source != SL_SRC_STATIC && r->source != SL_SRC_STATIC_LEAK &&
		r->source != SL_SRC_VRF_IMPORT)
		return 0;
	if (r->nh.type == SL_NH_GATEWAY)
		snprintf(nh, sizeof(nh), "via %s %s", sl_addr_fmt(r->nh.gw, gw), r->nh.ifname);
	else if (r->nh.type == SL_NH_VRF)
		snprintf(nh, sizeof(nh), "vrf %s", r->origin_vrf);
	else
		snprintf(nh, sizeof(nh), "type %d", (int)r->nh.type);
	snprintf(buf + strlen(buf), 1024 - strlen(buf), "%sS%c%c %s w%u", buf[0] ? "|" : "",
		r->selected    ? '>'
		: r->multipath ? '='
			       : ' ',
		r->active ? '*' : ' ', nh, r->weight);
	return 0;
}

static const char *paths(const struct sl_rib *rib, const char *vrf)
{
	static char buf[1024];
	buf[0] = '\0';
	assert_int_equal(sl_rib_route_lookup(rib, vrf, tp("10.0.0.0/24"), true, render_cb, buf), 0);
	return buf;
}

/* The last change of 10.0.0.0/24 in vrf_id: "set via A w1,via B w2" or "del". */
static const char *last_change(const struct sl_rib *rib, uint32_t vrf_id)
{
	static char buf[1024];
	const struct sl_fib_change *c;
	size_t n = sl_rib_changes(rib, &c);
	buf[0] = '\0';
	for (size_t i = n; i-- > 0;) {
		char gw[16];
		if (c[i].vrf_id != vrf_id || c[i].op == SL_FIB_VRF_ADD ||
			!sl_prefix_eq(c[i].prefix, tp("10.0.0.0/24")))
			continue;
		if (c[i].op == SL_FIB_ROUTE_DEL)
			return "del";
		if (c[i].paths == NULL) {
			snprintf(buf, sizeof(buf), "set %s %s", sl_addr_fmt(c[i].nh.gw, gw),
				c[i].nh.ifname);
			return buf;
		}
		/* the first path is also the change's nh */
		assert_memory_equal(&c[i].nh, &c[i].paths->p[0].nh, sizeof(c[i].nh));
		snprintf(buf, sizeof(buf), "set");
		for (uint32_t k = 0; k < c[i].paths->n; k++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s %s w%u",
				k ? "," : " ", sl_addr_fmt(c[i].paths->p[k].nh.gw, gw),
				c[i].paths->p[k].nh.ifname, c[i].paths->p[k].weight);
		return buf;
	}
	return "none";
}

static uint32_t vrf_id(const struct sl_rib *rib, const char *name)
{
	struct sl_vrf_info vi;
	assert_int_equal(sl_rib_vrf_info(rib, name, &vi), 0);
	return vi.id;
}

static void test_paths_of_one_distance(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	uint32_t red = vrf_id(rib, "RED");
	sl_rib_change_log(rib, true);
	struct sl_static_nh nhs[] = {
		gw_w("198.51.100.2", 1, 3), gw_w("192.0.2.2", 1, 0), gw_w("192.0.2.9", 5, 1)};
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), nhs, 3), 0);
	/* the tie at distance 1 is the route; the distance-5 one waits */
	assert_string_equal(paths(rib, "RED"), "S>* via 192.0.2.2 eth1 w1|"
					       "S=* via 198.51.100.2 eth2 w3|"
					       "S * via 192.0.2.9 eth1 w1");
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1 w1,198.51.100.2 eth2 w3");

	/* eth2 goes down: its path leaves, the other stays */
	sl_rib_changes_clear(rib);
	assert_int_equal(t_iface(rib, "eth2", "RED", false, "198.51.100.1/24", NULL), 0);
	assert_string_equal(paths(rib, "RED"), "S>* via 192.0.2.2 eth1 w1|"
					       "S * via 192.0.2.9 eth1 w1|"
					       "S   via 198.51.100.2  w3");
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1");
	/* and comes back */
	sl_rib_changes_clear(rib);
	assert_int_equal(t_iface(rib, "eth2", "RED", true, "198.51.100.1/24", NULL), 0);
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1 w1,198.51.100.2 eth2 w3");

	/* a weight change is a FIB change */
	sl_rib_changes_clear(rib);
	nhs[0].weight = 1;
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), nhs, 3), 0);
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1 w1,198.51.100.2 eth2 w1");
	/* the same paths again: nothing to log */
	sl_rib_changes_clear(rib);
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), nhs, 3), 0);
	assert_string_equal(last_change(rib, red), "none");
	/* removed: withdrawn */
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), NULL, 0), 0);
	assert_string_equal(last_change(rib, red), "del");
	sl_rib_free(rib);
}

static void test_limits_and_non_paths(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	uint32_t red = vrf_id(rib, "RED");
	struct sl_static_nh nhs[SL_ECMP_MAX + 2];
	char gw[SL_ECMP_MAX + 2][16];
	sl_rib_change_log(rib, true);
	for (int i = 0; i < SL_ECMP_MAX + 2; i++) {
		snprintf(gw[i], sizeof(gw[i]), "192.0.2.%d", 10 + i);
		nhs[i] = gw_w(gw[i], 1, 1);
	}
	/* past the limit (lib/conf refuses it): the first SL_ECMP_MAX paths */
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), nhs, SL_ECMP_MAX + 2), 0);
	const struct sl_fib_change *c;
	size_t n = sl_rib_changes(rib, &c);
	assert_int_equal(n, 1);
	assert_non_null(c[0].paths);
	assert_int_equal(c[0].paths->n, SL_ECMP_MAX);
	/* a blackhole of the same distance does not join a group */
	sl_rib_changes_clear(rib);
	struct sl_static_nh bh[] = {t_bh(), gw_w("192.0.2.2", 1, 1)};
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), bh, 2), 0);
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1");
	/* two next hops that resolve alike (recursive) are one path */
	sl_rib_changes_clear(rib);
	assert_int_equal(t_static1(rib, "RED", "10.9.0.0/16", t_gw("192.0.2.2", NULL)), 0);
	struct sl_static_nh same[] = {gw_w("192.0.2.2", 1, 1), gw_w("10.9.0.1", 1, 1)};
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), same, 2), 0);
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1");
	sl_rib_free(rib);
}

/* A leaked ECMP route: the importer redirects into the origin, where every
 * path is installed; the importer's own route stays one redirect. */
static void test_leaked_ecmp_keeps_paths(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	uint32_t red = vrf_id(rib, "RED"), blue = vrf_id(rib, "BLUE");
	sl_rib_change_log(rib, true);
	struct t_bgp exp = {.rd = "65000:30"}, imp = {.rd = "65000:40", .import_vrf = "RED"};
	assert_int_equal(t_bgp_set(rib, "RED", &exp), 0);
	assert_int_equal(t_bgp_set(rib, "BLUE", &imp), 0);
	struct sl_static_nh nhs[] = {gw_w("192.0.2.2", 1, 1), gw_w("198.51.100.2", 1, 1)};
	assert_int_equal(sl_rib_static_set(rib, "RED", tp("10.0.0.0/24"), nhs, 2), 0);
	assert_string_equal(paths(rib, "BLUE"), "S>* vrf RED w0");
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1 w1,198.51.100.2 eth2 w1");
	const struct sl_fib_change *c;
	size_t n = sl_rib_changes(rib, &c);
	bool redirect = false;
	for (size_t i = 0; i < n; i++)
		if (c[i].vrf_id == blue && sl_prefix_eq(c[i].prefix, tp("10.0.0.0/24")))
			redirect = c[i].op == SL_FIB_ROUTE_SET && c[i].nh.type == SL_NH_VRF &&
				   c[i].nh.vrf_id == red && c[i].paths == NULL;
	assert_true(redirect);
	/* one path leaves in the origin: the importer's redirect does not change */
	sl_rib_changes_clear(rib);
	assert_int_equal(t_iface(rib, "eth2", "RED", false, "198.51.100.1/24", NULL), 0);
	assert_string_equal(last_change(rib, red), "set 192.0.2.2 eth1");
	assert_string_equal(last_change(rib, blue), "none");
	sl_rib_free(rib);
}

/* `next-hop A vrf V` lines of one distance are ECMP too, resolved in V. */
static void test_cross_vrf_paths(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	uint32_t blue = vrf_id(rib, "BLUE");
	sl_rib_change_log(rib, true);
	struct sl_static_nh nhs[] = {t_gw("192.0.2.2", "RED"), t_gw("198.51.100.2", "RED")};
	assert_int_equal(sl_rib_static_set(rib, "BLUE", tp("10.0.0.0/24"), nhs, 2), 0);
	assert_string_equal(last_change(rib, blue), "set 192.0.2.2 eth1 w1,198.51.100.2 eth2 w1");
	sl_rib_free(rib);
}

static unsigned hook_calls;

static void count_hook(void *arg)
{
	(void)arg;
	hook_calls++;
}

/* Freeing a big commit's path blocks (100,000 cold frees) breathes: the
 * thread's progress hook runs as it goes, and every block is gone. */
static void test_free_paths_breathes(void **state)
{
	(void)state;
	enum { N = 4 * SL_PROGRESS_EVERY };
	struct sl_fib_change *c = calloc(N, sizeof(*c));
	assert_non_null(c);
	for (unsigned i = 0; i < N; i++) {
		c[i].op = SL_FIB_ROUTE_SET;
		c[i].paths = calloc(1, sizeof(*c[i].paths) + 2 * sizeof(c[i].paths->p[0]));
		assert_non_null(c[i].paths);
	}
	hook_calls = 0;
	sl_progress_hook_set(count_hook, NULL);
	sl_fib_changes_free_paths(c, N);
	sl_progress_hook_set(NULL, NULL);
	assert_true(hook_calls >= N / SL_PROGRESS_EVERY - 1);
	for (unsigned i = 0; i < N; i++)
		assert_null(c[i].paths);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_of_one_distance),
		cmocka_unit_test(test_limits_and_non_paths),
		cmocka_unit_test(test_leaked_ecmp_keeps_paths),
		cmocka_unit_test(test_cross_vrf_paths),
		cmocka_unit_test(test_free_paths_breathes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
