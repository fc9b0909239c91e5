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

#include "../fib/fib_test_eal.h"
#include "dp_test_rand.h"
#include "sl_dp.h"

#define N_VRF 9 /* VRF ids 1..9, on eth0.11 .. eth0.19 */
#define ROUTES 3000 /* per VRF */
#define GWS 4 /* gateways per VRF */
#define BURSTS 200
#define VLAN(v) (10 + (v))

static struct rte_mempool *pool;
static struct sl_fib *fib;
static struct sl_dp *dp;
static const struct rte_ether_addr mac0 = {{0x02, 0, 0, 0, 0, 0x10}};
static const struct rte_ether_addr host_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}};

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

static uint32_t gw_ip(uint32_t v, int g)
{
	return sl_test_ip4(192, 168, v, 10 + (uint32_t)g);
}

static void ifname(uint32_t v, char *name, size_t size)
{
	snprintf(name, size, "eth0.%u", VLAN(v));
}

/* Install one route in the FIB and the oracle; false if the prefix is taken. */
static bool add_route(uint32_t v, uint32_t addr, uint8_t len, int gw, uint32_t to)
{
	addr &= mask(len);
	for (unsigned i = 0; i < n_routes[v]; i++)
		if (routes[v][i].addr == addr && routes[v][i].len == len)
			return false;
	struct sl_fib_change c;
	if (gw >= 0) {
		c = sl_test_route(v, addr, len, SL_NH_GATEWAY, NULL, gw_ip(v, gw));
		ifname(v, c.nh.ifname, sizeof(c.nh.ifname));
	} else {
		c = sl_test_route(v, addr, len, SL_NH_VRF, NULL, to);
	}
	assert_int_equal(sl_fib_apply(fib, &c, 1, NULL), 0);
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

static int setup(void **state)
{
	(void)state;
	rng = 0x243f6a8885a308d3ull;
	pool = rte_pktmbuf_pool_create(
		"test_dp_group", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fib = sl_fib_new(&(struct sl_fib_config){.socket_id = SOCKET_ID_ANY});
	if (pool == NULL || fib == NULL)
		return -1;
	dp = sl_dp_new(fib, 256, SOCKET_ID_ANY);
	if (dp == NULL)
		return -1;
	struct sl_fib_iface_conf ifc[N_VRF];
	for (uint32_t v = 1; v <= N_VRF; v++) {
		ifc[v - 1] = (struct sl_fib_iface_conf){.port = 0,
			.vlan = (uint16_t)VLAN(v),
			.vrf_id = v,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(192, 168, v, 1), 24}}};
		ifname(v, ifc[v - 1].name, sizeof(ifc[v - 1].name));
	}
	if (sl_fib_iface_sync(fib, ifc, N_VRF) < 0)
		return -1;
	for (uint32_t v = 1; v <= N_VRF; v++) {
		struct sl_fib_change c = {.op = SL_FIB_VRF_ADD, .vrf_id = v};
		if (sl_fib_apply(fib, &c, 1, NULL) < 0)
			return -1;
		for (int g = 0; g < GWS; g++) {
			struct rte_ether_addr m;
			gw_mac(v, g, &m);
			sl_fib_neigh_set(fib, (uint16_t)sl_fib_iface_index(fib, ifc[v - 1].name),
				gw_ip(v, g), &m);
		}
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
	return sl_fib_reader_register(fib, rte_lcore_id());
}

static int teardown(void **state)
{
	(void)state;
	sl_fib_reader_unregister(fib, rte_lcore_id());
	sl_dp_free(dp);
	sl_fib_free(fib);
	rte_mempool_free(pool);
	return 0;
}

static struct rte_mbuf *craft(uint32_t v, uint32_t dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	enum { len = 18 + 20 + 26 };
	uint8_t b[len];
	memset(b, 0, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = mac0;
	eth->src_addr = host_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
	vh->vlan_tci = rte_cpu_to_be_16((uint16_t)VLAN(v));
	vh->eth_proto = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(vh + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len - 18);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(sl_test_ip4(192, 168, v, 77));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	char *d = rte_pktmbuf_append(m, len);
	assert_non_null(d);
	memcpy(d, b, len);
	return m;
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
	if (rnd() % 8 == 0)
		return rnd();
	const struct route *r = &routes[v][rnd() % n_routes[v]];
	return r->addr | (rnd() & ~mask(r->len));
}

/* What a run of bursts exercised: packets per outcome, leaked packets, and
 * bursts whose leaks went to more than one VRF. */
struct seen {
	unsigned what[3], leaked, mixed_leaks;
};

/* Send bursts of 32 whose ingress VRFs come from vrf_of(), check every packet. */
static struct seen run_bursts(uint32_t (*vrf_of)(unsigned i))
{
	struct sl_dp_counters *cnt = calloc(1, sizeof(*cnt));
	struct sl_dp_out *out = calloc(1, sizeof(*out));
	assert_non_null(cnt);
	assert_non_null(out);
	cnt->vrf = dp->counters[rte_lcore_id()].vrf;
	unsigned seen[3] = {0}, leaked = 0, mixed_leaks = 0;
	for (int burst = 0; burst < BURSTS; burst++) {
		struct rte_mbuf *pk[SL_DP_BURST];
		struct want want[SL_DP_BURST];
		uint32_t first_to = 0;
		bool leak_vrfs_differ = false;
		for (unsigned i = 0; i < SL_DP_BURST; i++) {
			uint32_t v = vrf_of(i), dst = pick_dst(v);
			pk[i] = craft(v, dst);
			want[i] = oracle(v, dst);
			leaked += want[i].leaked;
			const struct route *r = match(v, dst);
			if (want[i].leaked) {
				leak_vrfs_differ |= first_to != 0 && r->to != first_to;
				first_to = r->to;
			}
		}
		mixed_leaks += leak_vrfs_differ;
		memset(out, 0, sizeof(*out));
		uint64_t leaked_before = cnt->leaked;
		sl_dp_process(dp, cnt, 0, pk, SL_DP_BURST, out);
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
			case W_LOOP:
				for (unsigned j = 0; j < out->n_drop; j++)
					found |= out->drop[j] == m;
				assert_true(found);
				break;
			}
		}
		rte_pktmbuf_free_bulk(out->tx[0], out->n_tx[0]);
		rte_pktmbuf_free_bulk(out->punt, out->n_punt);
		rte_pktmbuf_free_bulk(out->drop, out->n_drop);
	}
	assert_int_equal(cnt->dropped[SL_DP_DROP_LEAK_LOOP], seen[W_LOOP]);
	free(out);
	free(cnt);
	return (struct seen){{seen[0], seen[1], seen[2]}, leaked, mixed_leaks};
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
}

static uint32_t vrf_1(unsigned i)
{
	(void)i;
	return 1;
}

/* One ingress VRF whose leaks go to several VRFs: the second lookup is grouped. */
static void test_mixed_redirects(void **state)
{
	(void)state;
	struct seen s = run_bursts(vrf_1);
	/* VRF 1's misses take the default leaked from VRF 9: no no-route punts */
	assert_int_equal(s.what[W_NO_ROUTE], 0);
	assert_true(s.leaked > BURSTS * 2 && s.mixed_leaks > BURSTS / 2);
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

int main(int argc, char **argv)
{
	(void)argc;
	/* nine 64 MiB tables and the default VRF's: more than sl_test_eal_init's 512 MiB */
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-test-dp-group-%d", (int)getpid());
	char *eal[] = {argv[0], "-l", "0", "--no-huge", "-m", "1200", prefix, "--no-pci",
		"--log-level=5", "--no-telemetry"};
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_bursts),
		cmocka_unit_test(test_mixed_redirects),
		cmocka_unit_test(test_runs_of_vrfs),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
