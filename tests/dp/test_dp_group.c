/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_group.c — bursts that mix VRFs, through the whole pipeline: nine
 * VRFs of a few thousand random routes each (BGP-like lengths, four
 * gateways per VRF, leaks into other VRFs, a default route leaked into the
 * one VRF that has its own), 32 packets per burst in random order, every
 * packet's outcome (egress gateway and tag, no-route punt, leak-loop drop)
 * compared with a longest-prefix match over the routes the test installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_fixture.h"
#include "dp_test_rand.h"

#define N_VRF 9 /* VRF ids 1..9, on eth0.11 .. eth0.19 */
#define ROUTES 3000 /* per VRF */
#define GWS 4 /* gateways per VRF */
#define BURSTS 200
#define VLAN(v) (10 + (v))

static struct dpf F;
static FILE *topo; /* the routes, as topology lines, until setup applies them */
static const struct rte_ether_addr mac0 = {{0x02, 0, 0, 0, 0, 0x10}};

/* The oracle's copy of a VRF's routes: a gateway index, or a redirect. */
struct route {
	uint32_t addr;
	uint8_t len;
	int8_t gw; /* 0..GWS-1; -1: leaked into VRF `to` */
	uint8_t to;
};
static struct route routes[N_VRF + 1][ROUTES + 1];
static unsigned n_routes[N_VRF + 1];

static uint32_t mask(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

static void gw_mac(uint32_t v, int g, struct rte_ether_addr *m)
{
	*m = (struct rte_ether_addr){{0x02, 0, 0, 0, (uint8_t)v, (uint8_t)g}};
}

/* Add one route to the topology and the oracle; false if the prefix is taken. */
static bool add_route(uint32_t v, uint32_t addr, uint8_t len, int gw, uint32_t to)
{
	addr &= mask(len);
	for (unsigned i = 0; i < n_routes[v]; i++)
		if (routes[v][i].addr == addr && routes[v][i].len == len)
			return false;
	fprintf(topo, "route %u %u.%u.%u.%u/%u ", v, addr >> 24, (addr >> 16) & 0xff,
		(addr >> 8) & 0xff, addr & 0xff, len);
	if (gw >= 0)
		fprintf(topo, "via 192.168.%u.%d eth0.%u\n", v, 10 + gw, VLAN(v));
	else
		fprintf(topo, "vrf %u\n", to);
	routes[v][n_routes[v]++] = (struct route){addr, len, (int8_t)gw, (uint8_t)to};
	return true;
}

/* Longest-prefix match over the oracle's list; NULL: no route. */
static const struct route *match(uint32_t v, uint32_t dst)
{
	const struct route *best = NULL;
	for (unsigned i = 0; i < n_routes[v]; i++) {
		const struct route *r = &routes[v][i];
		if ((dst & mask(r->len)) == r->addr && (best == NULL || r->len > best->len))
			best = r;
	}
	return best;
}

/* Does dst's /16 hold exactly one route longer than /16, of /17-/24? (A
 * small table reads such a /16 from its dense record.) */
static bool dense16(uint32_t v, uint32_t dst)
{
	unsigned deeper = 0, deep = 0;
	for (unsigned i = 0; i < n_routes[v]; i++) {
		const struct route *r = &routes[v][i];
		if (r->len > 16 && (dst & mask(16)) == (r->addr & mask(16))) {
			deeper++;
			deep += r->len > 24;
		}
	}
	return deeper == 1 && deep == 0;
}

/* The same routes every time (the RNG reseeded), into tables made by cfg. */
static int setup_with(const char *name, const struct sl_fib_config *cfg)
{
	rng = 0x243f6a8885a308d3ull;
	memset(n_routes, 0, sizeof(n_routes));
	char *text = NULL;
	size_t size = 0;
	topo = open_memstream(&text, &size);
	if (topo == NULL)
		return -1;
	/* VRF v on eth0.1v (192.168.v.1/24), its gateways 192.168.v.10.. resolved */
	for (uint32_t v = 1; v <= N_VRF; v++) {
		fprintf(topo, "iface eth0.%u port 0 vlan %u vrf %u addr 192.168.%u.1/24\n", VLAN(v),
			VLAN(v), v, v);
		for (int g = 0; g < GWS; g++)
			fprintf(topo, "neigh eth0.%u 192.168.%u.%d 02:00:00:00:%02x:%02x\n",
				VLAN(v), v, 10 + g, v, g);
	}
	/* own routes first, then leaks: a tenth of each VRF's routes are another
	 * VRF's prefixes (or a part of one) redirected there */
	for (uint32_t v = 1; v <= N_VRF; v++)
		for (unsigned i = 0; i < ROUTES * 9 / 10;)
			i += add_route(v, rnd(), prefix_len(), (int)(rnd() % GWS), 0);
	for (uint32_t v = 1; v <= N_VRF; v++)
		for (unsigned i = 0; i < ROUTES / 10;) {
			uint32_t to = 1 + (v - 1 + 1 + rnd() % (N_VRF - 1)) % N_VRF;
			const struct route *r = &routes[to][rnd() % (ROUTES * 9 / 10)];
			uint32_t len = r->len + rnd() % 3; /* the whole prefix or a part */
			len = len > 32 ? 32 : len;
			i += add_route(v, r->addr | (rnd() & ~mask(r->len)), (uint8_t)len, -1, to);
		}
	/* VRF 9 has a default gateway; VRF 1's default is leaked from it, VRF 2's
	 * from VRF 1 (a second redirect: a leak loop) */
	add_route(9, 0, 0, 0, 0);
	add_route(1, 0, 0, -1, 9);
	add_route(2, 0, 0, -1, 1);
	if (fclose(topo) != 0)
		return -1;
	int rc = dpf_setup(&F, name, 0, cfg, text);
	free(text);
	return rc;
}

/* Small tables (the 16-8-8 layout). */
static int setup(void **state)
{
	(void)state;
	return setup_with("dp_group", NULL);
}

/* Every VRF table in the rte_lpm layout. */
static int setup_lpm(void **state)
{
	(void)state;
	return setup_with("dp_group_lpm",
		&(struct sl_fib_config){.small_groups_max = 1, .socket_id = SOCKET_ID_ANY});
}

/* Both layouts in one burst: the VRFs whose tables reach MIXED_GROUPS
 * groups move to the rte_lpm layout, the others stay small. */
#define MIXED_GROUPS 3003
static int setup_mixed_layouts(void **state)
{
	(void)state;
	return setup_with("dp_group_mix", &(struct sl_fib_config){.small_groups_max = MIXED_GROUPS,
						  .socket_id = SOCKET_ID_ANY});
}

static unsigned small_vrfs(void)
{
	unsigned small = 0;
	for (uint32_t v = 1; v <= N_VRF; v++) {
		struct sl_fib_vrf_stats vs;
		assert_int_equal(sl_fib_vrf_stats_get(F.fib, v, &vs), 0);
		small += vs.small;
	}
	return small;
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

static struct rte_mbuf *craft(uint32_t v, uint32_t dst)
{
	return dpf_craft(&F, &(struct dpf_pkt){.vlan = (uint16_t)VLAN(v),
				     .src = sl_test_ip4(192, 168, v, 77),
				     .dst = dst,
				     .payload = 26});
}

/* What must happen to a packet entering VRF v for dst. */
struct want {
	enum { W_FWD, W_NO_ROUTE, W_LOOP } what;
	uint32_t vrf; /* W_FWD: the egress VRF (its vif's tag) */
	int gw;
	bool leaked; /* the first lookup was a redirect */
};

static struct want oracle(uint32_t v, uint32_t dst)
{
	struct want w = {.what = W_NO_ROUTE};
	const struct route *r = match(v, dst);
	if (r != NULL && r->gw < 0) {
		w.leaked = true;
		v = r->to;
		r = match(v, dst);
		if (r != NULL && r->gw < 0) {
			w.what = W_LOOP;
			return w;
		}
	}
	if (r != NULL) {
		w.what = W_FWD;
		w.vrf = v;
		w.gw = r->gw;
	}
	return w;
}

/* A destination for a packet entering VRF v: mostly inside one of its
 * routes (own or leaked), sometimes anywhere (a miss or the default). */
static uint32_t pick_dst(uint32_t v)
{
	uint32_t d;
	do {
		if (rnd() % 8 == 0) {
			d = rnd();
		} else {
			const struct route *r = &routes[v][rnd() % n_routes[v]];
			d = r->addr | (rnd() & ~mask(r->len));
		}
	} while (martian_ip(d)); /* dropped before any lookup */
	return d;
}

/* What a run of bursts exercised: packets per outcome, leaked packets,
 * bursts whose leaks went to more than one VRF, packets whose first match is
 * longer than /24 (a small table reads three levels for them) and bursts
 * with two or more of those, and bursts where packets of dense /16s
 * (dense16) and others are interleaved (lookup_mixed resolves the two
 * apart), and leaked packets that the second lookup finds in a dense /16 of
 * the VRF all the burst's redirects name (redirect_lookup's rare path). */
struct seen {
	unsigned what[3], leaked, mixed_leaks, deep, deep_bursts, dense_mixed, dense_leaks;
};

/* Send bursts of 32 whose ingress VRFs come from vrf_of(), check every packet. */
static struct seen run_bursts(uint32_t (*vrf_of)(unsigned i))
{
	struct sl_dp_counters *cnt = &F.cnt;
	struct sl_dp_out *out = &F.out;
	dpf_reset(&F);
	unsigned seen[3] = {0}, leaked = 0, mixed_leaks = 0, deep = 0, deep_bursts = 0,
		 dense_mixed = 0, dense_leaks = 0;
	for (int burst = 0; burst < BURSTS; burst++) {
		struct rte_mbuf *pk[SL_DP_BURST];
		struct want want[SL_DP_BURST];
		uint32_t first_to = 0;
		bool leak_vrfs_differ = false;
		unsigned deep_here = 0, dense_here = 0, dense_runs = 0, dense_leaks_here = 0;
		bool dense_prev = false;
		for (unsigned i = 0; i < SL_DP_BURST; i++) {
			uint32_t v = vrf_of(i), dst = pick_dst(v);
			bool d = dense16(v, dst);
			dense_here += d;
			dense_runs += d && !dense_prev;
			dense_prev = d;
			pk[i] = craft(v, dst);
			want[i] = oracle(v, dst);
			leaked += want[i].leaked;
			const struct route *r = match(v, dst);
			deep_here += r != NULL && r->len > 24;
			if (want[i].leaked) {
				leak_vrfs_differ |= first_to != 0 && r->to != first_to;
				first_to = r->to;
				dense_leaks_here += dense16(r->to, dst);
			}
		}
		mixed_leaks += leak_vrfs_differ;
		dense_leaks += leak_vrfs_differ ? 0 : dense_leaks_here;
		deep += deep_here;
		deep_bursts += deep_here >= 2;
		dense_mixed += dense_runs >= 2 && dense_here < SL_DP_BURST;
		uint64_t leaked_before = cnt->leaked;
		dpf_run(&F, 0, pk, SL_DP_BURST);
		unsigned want_leaked = 0;
		for (unsigned i = 0; i < SL_DP_BURST; i++)
			want_leaked += want[i].leaked;
		assert_int_equal(cnt->leaked - leaked_before, want_leaked);
		assert_int_equal(out->n_tx[0] + out->n_punt + out->n_drop, SL_DP_BURST);
		for (unsigned i = 0; i < SL_DP_BURST; i++) {
			struct rte_mbuf *m = pk[i];
			bool found = false;
			seen[want[i].what]++;
			switch (want[i].what) {
			case W_FWD:
				for (unsigned j = 0; j < out->n_tx[0]; j++)
					found |= out->tx[0][j] == m;
				assert_true(found);
				const struct rte_ether_hdr *eth =
					rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
				struct rte_ether_addr gm;
				gw_mac(want[i].vrf, want[i].gw, &gm);
				assert_memory_equal(&eth->dst_addr, &gm, 6);
				assert_memory_equal(&eth->src_addr, &mac0, 6);
				assert_int_equal(
					rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_VLAN);
				const struct rte_vlan_hdr *vh =
					(const struct rte_vlan_hdr *)(eth + 1);
				assert_int_equal(
					rte_be_to_cpu_16(vh->vlan_tci) & 0xfff, VLAN(want[i].vrf));
				break;
			case W_NO_ROUTE:
				for (unsigned j = 0; j < out->n_punt; j++)
					found |= out->punt[j] == m;
				assert_true(found);
				assert_int_equal(sl_dp_meta(m)->reason, SL_DP_PUNT_NO_ROUTE);
				break;
			case W_LOOP: /* dropped, and punted for the ICMP unreachable */
				for (unsigned j = 0; j < out->n_punt; j++)
					found |= out->punt[j] == m;
				assert_true(found);
				assert_int_equal(sl_dp_meta(m)->reason, SL_DP_PUNT_LEAK_LOOP);
				break;
			}
		}
		dpf_free_out(&F);
	}
	assert_int_equal(cnt->dropped[SL_DP_DROP_LEAK_LOOP], seen[W_LOOP]);
	return (struct seen){{seen[0], seen[1], seen[2]}, leaked, mixed_leaks, deep, deep_bursts,
		dense_mixed, dense_leaks};
}

static uint32_t any_vrf(unsigned i)
{
	(void)i;
	return 1 + rnd() % N_VRF;
}

/* Every packet of a random VRF: the first lookup is grouped. */
static void test_mixed_bursts(void **state)
{
	(void)state;
	struct seen s = run_bursts(any_vrf);
	/* every outcome and bursts leaking into several VRFs were exercised */
	assert_true(s.what[W_FWD] > BURSTS * SL_DP_BURST / 2);
	assert_true(s.what[W_NO_ROUTE] > 50 && s.what[W_LOOP] > 10);
	assert_true(s.leaked > BURSTS * 2 && s.mixed_leaks > BURSTS / 2);
	/* and /25-/32s, several in one burst (three levels of a small table) */
	assert_true(s.deep > 100 && s.deep_bursts > 20);
	/* and dense /16s' packets between others' in most bursts */
	assert_true(s.dense_mixed > BURSTS / 2);
}

static uint32_t fixed_vrf_id; /* the ingress VRF of fixed_vrf's bursts */

static uint32_t fixed_vrf(unsigned i)
{
	(void)i;
	return fixed_vrf_id;
}

/* One ingress VRF whose leaks go to several VRFs: the second lookup is grouped. */
static void test_mixed_redirects(void **state)
{
	(void)state;
	fixed_vrf_id = 1;
	struct seen s = run_bursts(fixed_vrf);
	/* VRF 1's misses take the default leaked from VRF 9: no no-route punts */
	assert_int_equal(s.what[W_NO_ROUTE], 0);
	assert_true(s.leaked > BURSTS * 2 && s.mixed_leaks > BURSTS / 2);
}

/* One ingress VRF without a default route: whole bursts looked up four at
 * a time in one table (prefixes longer than /24 in tbl8 groups, misses)
 * and their no-route punts. */
static void test_one_vrf(void **state)
{
	(void)state;
	fixed_vrf_id = 3;
	struct seen s = run_bursts(fixed_vrf);
	assert_true(s.what[W_FWD] > BURSTS * SL_DP_BURST / 2 && s.what[W_NO_ROUTE] > 50);
	assert_true(s.leaked > BURSTS);
	/* and leaks into dense /16s of one exporting VRF (in small tables the
	 * second lookup's out-of-line path: sl_fib_small_entry_cold) */
	assert_true(s.dense_leaks > 10);
}

/* Runs of one VRF inside a burst (a port's tenants in bursts of a few). */
static uint32_t runs_of_vrfs(unsigned i)
{
	static uint32_t v = 1;
	if (i % 8 == 0 || rnd() % 4 == 0)
		v = 1 + rnd() % N_VRF;
	return v;
}

static void test_runs_of_vrfs(void **state)
{
	(void)state;
	struct seen s = run_bursts(runs_of_vrfs);
	assert_true(s.what[W_FWD] > BURSTS * SL_DP_BURST / 2 && s.what[W_LOOP] > 10);
}

static void test_layouts_small(void **state)
{
	(void)state;
	assert_int_equal(small_vrfs(), N_VRF);
}

static void test_layouts_lpm(void **state)
{
	(void)state;
	assert_int_equal(small_vrfs(), 0);
}

static void test_layouts_mixed(void **state)
{
	(void)state;
	unsigned small = small_vrfs();
	assert_true(small > 0 && small < N_VRF);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* nine VRF tables of a few thousand routes and the default VRF's */
	if (dpf_eal_init("dp-group", "0", 1200) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
#define BURST_TESTS(layouts)                                                                    \
	{                                                                                       \
		cmocka_unit_test(layouts), cmocka_unit_test(test_mixed_bursts),                 \
			cmocka_unit_test(test_mixed_redirects), cmocka_unit_test(test_one_vrf), \
			cmocka_unit_test(test_runs_of_vrfs),                                    \
	}
	const struct CMUnitTest small[] = BURST_TESTS(test_layouts_small);
	const struct CMUnitTest lpm[] = BURST_TESTS(test_layouts_lpm);
	const struct CMUnitTest mixed[] = BURST_TESTS(test_layouts_mixed);
	int rc = cmocka_run_group_tests_name("small tables", small, setup, teardown);
	rc += cmocka_run_group_tests_name("rte_lpm layout", lpm, setup_lpm, teardown);
	rc += cmocka_run_group_tests_name("both layouts", mixed, setup_mixed_layouts, teardown);
	rte_eal_cleanup();
	return rc;
}
