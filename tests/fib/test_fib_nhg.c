/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_nhg.c — ECMP next-hop groups: the LPM value encoding, sharing and
 * freeing of groups, shares by weight, consistency (a path that leaves or
 * joins moves only its own buckets), and a reader/writer stress with an
 * oracle: lcore 1 resolves flows through groups while the main lcore
 * re-points routes between path sets (groups and next-hop slots retired and
 * reused); every answer must be a gateway some path set of that route held.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "fib_test_eal.h"
#include "sl_fib.h"

#define GW(i) sl_test_ip4(192, 0, 2, 10 + (i))
#define ROUNDS 300

static struct sl_fib *fib;

static void fib_up(void)
{
	struct sl_fib_config cfg = {.socket_id = SOCKET_ID_ANY};
	fib = sl_fib_new(&cfg);
	assert_non_null(fib);
	struct sl_fib_iface_conf ifc[2] = {
		{.name = "eth1", .port = 1, .vrf_id = 0, .up = true},
		{.name = "eth2", .port = 2, .vrf_id = 0, .up = true},
	};
	assert_int_equal(sl_fib_iface_sync(fib, ifc, 2), 0);
}

/* A ROUTE_SET of addr/len in VRF 0 over gateways GW(m) for the bits m of
 * `members`, with weights w[m] (NULL: 1). Free with free(c.paths). */
static struct sl_fib_change ecmp_route(
	uint32_t addr, uint8_t len, uint32_t members, const uint32_t *w)
{
	struct sl_fib_change c = {.op = SL_FIB_ROUTE_SET, .prefix = {addr, len}};
	c.paths = calloc(1, sizeof(*c.paths) + SL_ECMP_MAX * sizeof(c.paths->p[0]));
	assert_non_null(c.paths);
	for (uint32_t m = 0; m < SL_ECMP_MAX; m++) {
		if (!(members & (1u << m)))
			continue;
		struct sl_fib_path *p = &c.paths->p[c.paths->n++];
		p->nh.type = SL_NH_GATEWAY;
		p->nh.gw = GW(m);
		snprintf(p->nh.ifname, sizeof(p->nh.ifname), "%s", m & 1 ? "eth2" : "eth1");
		p->weight = w ? w[m] : 1;
	}
	c.nh = c.paths->p[0].nh;
	return c;
}

static void apply_free(struct sl_fib_change c)
{
	assert_int_equal(sl_fib_apply(fib, &c, 1, NULL), 0);
	free(c.paths);
}

static uint32_t value_of(uint32_t ip)
{
	return sl_fib_table_lookup(sl_fib_table(fib, SL_AF_IPV4, 0), ip, UINT32_MAX);
}

/* The member (GW index) of each bucket of the group at ip. */
static void buckets(uint32_t ip, int out[SL_FIB_NHG_BUCKETS])
{
	uint32_t v = value_of(ip);
	assert_true(sl_fib_val_is_group(v));
	const struct sl_fib_nhg *g = &sl_fib_nhg_table(fib)[v & (SL_FIB_VAL_GROUP - 1)];
	for (uint32_t b = 0; b < SL_FIB_NHG_BUCKETS; b++) {
		const struct sl_fib_nh *nh = &sl_fib_nh_table(fib)[g->bucket[b]];
		assert_int_equal(nh->type, SL_FIB_NH_T_GATEWAY);
		out[b] = (int)(nh->gw - GW(0));
		assert_true(out[b] >= 0 && out[b] < SL_ECMP_MAX);
	}
}

static void test_groups(void **state)
{
	(void)state;
	fib_up();
	uint32_t a = sl_test_ip4(10, 0, 0, 0), b = sl_test_ip4(10, 1, 0, 0);
	int before[SL_FIB_NHG_BUCKETS], after[SL_FIB_NHG_BUCKETS], count[SL_ECMP_MAX] = {0};

	/* two routes over the same paths share one group; every member is used */
	apply_free(ecmp_route(a, 16, 0x7, NULL));
	apply_free(ecmp_route(b, 16, 0x7, NULL));
	assert_int_equal(value_of(a), value_of(b));
	assert_true(value_of(a) & SL_FIB_VAL_GROUP);
	assert_false(sl_fib_val_is_redirect(value_of(a)));
	struct sl_fib_stats st;
	sl_fib_stats_get(fib, &st);
	assert_int_equal(st.groups, 1);
	buckets(a, before);
	for (int i = 0; i < (int)SL_FIB_NHG_BUCKETS; i++)
		count[before[i]]++;
	assert_true(count[0] > 0 && count[1] > 0 && count[2] > 0);

	/* path 1 leaves: only its buckets move */
	apply_free(ecmp_route(a, 16, 0x5, NULL));
	buckets(a, after);
	for (int i = 0; i < (int)SL_FIB_NHG_BUCKETS; i++)
		if (before[i] != 1)
			assert_int_equal(after[i], before[i]);
		else
			assert_true(after[i] == 0 || after[i] == 2);
	/* path 3 joins: buckets move only to it */
	apply_free(ecmp_route(a, 16, 0xd, NULL));
	int joined[SL_FIB_NHG_BUCKETS];
	buckets(a, joined);
	for (int i = 0; i < (int)SL_FIB_NHG_BUCKETS; i++)
		assert_true(joined[i] == after[i] || joined[i] == 3);
	sl_fib_stats_get(fib, &st);
	assert_int_equal(st.groups, 2); /* a's new group and b's */

	/* weights 7:1 over two paths: the heavy one holds most buckets */
	uint32_t w[SL_ECMP_MAX] = {7, 1};
	apply_free(ecmp_route(a, 16, 0x3, w));
	buckets(a, after);
	int heavy = 0;
	for (int i = 0; i < (int)SL_FIB_NHG_BUCKETS; i++)
		heavy += after[i] == 0;
	assert_true(heavy > 96 && heavy < 128); /* 112 expected */

	/* one distinct path is a plain next hop, not a group */
	struct sl_fib_change one = ecmp_route(a, 16, 0x1, NULL);
	one.paths->p[1] = one.paths->p[0];
	one.paths->n = 2;
	apply_free(one);
	assert_false(value_of(a) & SL_FIB_VAL_GROUP);
	/* the control-thread lookup answers one member of a group */
	uint32_t idx;
	assert_int_equal(
		sl_fib_lookup(fib, 0, &(struct sl_addr){.af = SL_AF_IPV4, .v4 = b + 5}, &idx, NULL),
		0);
	assert_true(sl_fib_nh_table(fib)[idx].gw - GW(0) < 3);

	/* deleted: groups and their next hops are freed */
	struct sl_fib_change del[2] = {
		{.op = SL_FIB_ROUTE_DEL, .prefix = {a, 16}},
		{.op = SL_FIB_ROUTE_DEL, .prefix = {b, 16}},
	};
	assert_int_equal(sl_fib_apply(fib, del, 2, NULL), 0);
	sl_fib_stats_get(fib, &st);
	assert_int_equal(st.groups, 0);
	assert_int_equal(st.nh_used, 1); /* the blackhole */
	/* a group path must forward: a blackhole path is refused */
	struct sl_fib_change bad = ecmp_route(a, 16, 0x3, NULL);
	bad.paths->p[1].nh.type = SL_NH_BLACKHOLE;
	assert_int_equal(sl_fib_apply(fib, &bad, 1, NULL), -EINVAL);
	free(bad.paths);
	sl_fib_stats_get(fib, &st);
	assert_int_equal(st.nh_used, 1); /* nothing leaked */
	sl_fib_free(fib);
	fib = NULL;
}

/* ---- reader/writer stress ---- */

static volatile bool stop;
static uint64_t lookups, wrong;
static char wrong_msg[128];

/* Route k (10.k.0.0/16, k < 8) only ever uses gateways GW(k) .. GW(k + 7);
 * 20.0.0.0/8 is a single next hop through eth2 whose slot churns too. */
static int reader(void *arg)
{
	(void)arg;
	unsigned id = rte_lcore_id();
	if (sl_fib_reader_register(fib, id) < 0)
		return -1;
	for (uint32_t i = 0; !stop; i++) {
		uint32_t k = i & 7, ip = sl_test_ip4(10, k, (i >> 3) & 0xff, i >> 11);
		uint32_t v = sl_fib_table_lookup(sl_fib_table(fib, SL_AF_IPV4, 0), ip, UINT32_MAX);
		if (v != UINT32_MAX) {
			if (sl_fib_val_is_group(v))
				v = sl_fib_nhg_pick(sl_fib_nhg_table(fib), v, i * 0x9e3779b1u);
			const struct sl_fib_nh *nh = &sl_fib_nh_table(fib)[v];
			uint32_t gw = nh->gw;
			if (nh->type != SL_FIB_NH_T_GATEWAY || gw < GW(k) || gw > GW(k + 7)) {
				if (wrong++ == 0)
					snprintf(wrong_msg, sizeof(wrong_msg),
						"10.%u/16 -> type %u gw %08x", k, nh->type, gw);
			}
		}
		lookups++;
		sl_fib_reader_quiescent(fib, id);
	}
	sl_fib_reader_unregister(fib, id);
	return 0;
}

static void test_groups_rcu(void **state)
{
	(void)state;
	fib_up();
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	assert_true(lcore < RTE_MAX_LCORE);
	stop = false;
	assert_int_equal(rte_eal_remote_launch(reader, NULL, lcore), 0);
	srand(7);
	for (int round = 0; round < ROUNDS; round++) {
		struct sl_fib_change ch[9];
		uint32_t k = (uint32_t)rand() % 8, set = (uint32_t)rand() & 0xff;
		uint32_t w[SL_ECMP_MAX];
		for (int m = 0; m < SL_ECMP_MAX; m++)
			w[m] = 1 + (uint32_t)rand() % 4;
		/* members GW(k..k+7): a group, one path, or a delete */
		if (set == 0) {
			ch[0] = (struct sl_fib_change){
				.op = SL_FIB_ROUTE_DEL, .prefix = {sl_test_ip4(10, k, 0, 0), 16}};
		} else {
			ch[0] = ecmp_route(sl_test_ip4(10, k, 0, 0), 16, set << k, w);
		}
		/* churn next-hop slots with another kind of next hop */
		ch[1] = sl_test_route(0, sl_test_ip4(20, 0, 0, 0), 8, SL_NH_CONNECTED, "eth2", 0);
		ch[2] = (struct sl_fib_change){
			.op = SL_FIB_ROUTE_DEL, .prefix = {sl_test_ip4(20, 0, 0, 0), 8}};
		struct sl_fib_apply_result r;
		sl_fib_apply(fib, ch, 3, &r); /* deleting an absent route is -ENOENT: fine */
		assert_int_equal(r.applied + r.failed, 3);
		free(ch[0].paths);
	}
	stop = true;
	assert_int_equal(rte_eal_wait_lcore(lcore), 0);
	struct sl_fib_stats st;
	sl_fib_stats_get(fib, &st);
	print_message("groups reader: %" PRIu64 " lookups over %d rounds, %u groups live\n",
		lookups, ROUNDS, st.groups);
	sl_fib_free(fib);
	fib = NULL;
	if (wrong != 0)
		fail_msg("%" PRIu64 " wrong answers, first %s", wrong, wrong_msg);
	assert_true(lookups > 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("fibnhg", "0,1") < 0) {
		fprintf(stderr, "%s: cannot start the EAL with 2 lcores\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_groups_rcu),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
