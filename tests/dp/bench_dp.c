/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_dp.c — TSC cycles per packet of sl_dp_process alone (no rx, no tx:
 * the forwarded mbufs are reset and processed again), on one core, bursts
 * of 32 over 4,096 crafted 64-byte frames, in the shape of scripts/bench.sh's
 * scenarios: VRF BENCH (untagged on port 0) with ROUTES routes through four
 * gateways, and VRF PEER (vif 100) with PEER_ROUTES routes inside
 * 100.64.0.0/10, which BENCH imports (one redirect). Leaked shares of 0 %,
 * 30 % and 100 %, frames shuffled.
 * Each figure: the fastest of REPS rounds over all frames (on a shared
 * machine the fastest round is the one nobody else disturbed).
 * `meson test --benchmark -C BUILD dp-bench`, or run the executable
 * (arguments: routes, default 100000, then optionally one leaked share in
 * % and `filter` or `strict` (that row alone); SL_DP_BENCH_NO_HUGE=1 for
 * valgrind).
 * `bench_dp vrfs [V [R]]`: bench.sh's (b2) instead, V VRFs (default 64) of
 * R routes (16,000) on vifs (V <= 4,000), frames of random VRFs, then sorted by VRF.
 * SL_DP_BENCH_REPS=N: N rounds instead of REPS (e.g. many, under perf).
 * SL_DP_BENCH_ECMP=1: every BENCH route over one ECMP group of the four
 * gateways instead of one of them (the cost of the per-flow pick).
 * The rows are repeated with each frame's source a host of another BENCH
 * route (one that no frame is sent to, as bench.sh's sources: their own
 * table entries), eth0's source validation disabled and then strict (its
 * cost).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "../fib/fib_test_eal.h"
#include "dp_test_rand.h"
#include "sl_dp.h"

#define FRAMES 4096
#define BURST 32
#define REPS 200
#define FRAME_LEN 64
#define PEER_ROUTES 16000

enum { VRF_BENCH = 1, VRF_PEER = 2 };

static uint32_t peer_dsts[FRAMES];

/* hosts of other BENCH routes than the destinations' (routes >= 2 FRAMES) */
static uint32_t bench_src[FRAMES];

static const struct rte_ether_addr mac0 = {{0x02, 0, 0, 0, 0, 0x10}};
static const struct rte_ether_addr gw_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}};

/* SL_DP_BENCH_ECMP: the four gateways as one group's paths (else NULL). */
static struct sl_fib_paths *ecmp_paths(void)
{
	if (getenv("SL_DP_BENCH_ECMP") == NULL)
		return NULL;
	struct sl_fib_paths *ps = calloc(1, sizeof(*ps) + 4 * sizeof(ps->p[0]));
	if (ps == NULL)
		return NULL;
	for (uint32_t g = 0; g < 4; g++) {
		struct sl_fib_path *p = &ps->p[ps->n++];
		p->nh.type = SL_NH_GATEWAY;
		p->nh.gw = sl_test_ip4(192, 168, 0, 10 + g);
		snprintf(p->nh.ifname, sizeof(p->nh.ifname), "eth0");
		p->weight = 1;
	}
	return ps;
}

static struct sl_fib_iface_conf ifc[2];

static int setup_fib(struct sl_fib *fib, uint32_t routes, uint32_t *dsts)
{
	struct sl_fib_paths *ecmp = ecmp_paths();
	struct sl_fib_iface_conf ifc_init[2] = {
		{.name = "eth0",
			.port = 0,
			.vrf_id = VRF_BENCH,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(192, 168, 0, 1), 24}}},
		{.name = "eth0.100",
			.port = 0,
			.vlan = 100,
			.vrf_id = VRF_PEER,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(192, 168, 1, 1), 24}}},
	};
	memcpy(ifc, ifc_init, sizeof(ifc));
	if (sl_fib_iface_sync(fib, ifc, 2) < 0)
		return -1;
	struct sl_fib_change ch[] = {
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_BENCH},
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_PEER},
		sl_test_route(VRF_BENCH, sl_test_ip4(100, 64, 0, 0), 10, SL_NH_VRF, NULL, VRF_PEER),
	};
	if (sl_fib_apply(fib, ch, RTE_DIM(ch), NULL) < 0)
		return -1;
	/* routes: mostly /24, some shorter and longer, outside 100.64/10 */
	for (uint32_t i = 0; i < routes; i++) {
		uint32_t a = (rnd() % 200 + 1) << 24 | (rnd() & 0xffffff);
		if ((a >> 22) == (sl_test_ip4(100, 64, 0, 0) >> 22))
			a ^= 1u << 30;
		if ((a >> 24) == 127) /* loopback: a martian, dropped before lookup */
			a ^= 1u << 24;
		uint8_t len = prefix_len();
		a &= len ? ~0u << (32 - len) : 0;
		struct sl_fib_change c = sl_test_route(VRF_BENCH, a, len, SL_NH_GATEWAY, "eth0",
			sl_test_ip4(192, 168, 0, 10 + i % 4));
		if (ecmp != NULL) {
			c.nh = ecmp->p[0].nh;
			c.paths = ecmp;
		}
		if (sl_fib_apply(fib, &c, 1, NULL) < 0)
			return -1;
		if (i < FRAMES)
			dsts[i] = a | (len < 32 ? rnd() & (~0u >> len) : 0);
		else if (i < 2 * FRAMES)
			bench_src[i - FRAMES] = a | (len < 32 ? rnd() & (~0u >> len) : 0);
	}
	/* PEER: PEER_ROUTES routes inside 100.64.0.0/10, the same mix of lengths */
	for (uint32_t i = 0; i < PEER_ROUTES; i++) {
		uint8_t len = prefix_len();
		uint32_t a = sl_test_ip4(100, 64, 0, 0) | (rnd() & 0x3fffff);
		if (len < 10)
			len = 10;
		a &= ~0u << (32 - len);
		struct sl_fib_change c = sl_test_route(
			VRF_PEER, a, len, SL_NH_GATEWAY, "eth0.100", sl_test_ip4(192, 168, 1, 2));
		if (sl_fib_apply(fib, &c, 1, NULL) < 0)
			return -1;
		if (i < FRAMES)
			peer_dsts[i] = a | (len < 32 ? rnd() & (~0u >> len) : 0);
	}
	for (uint32_t g = 0; g < 4; g++)
		sl_fib_neigh_set(fib, (uint16_t)sl_fib_iface_index(fib, "eth0"),
			sl_test_ip4(192, 168, 0, 10 + g), &gw_mac);
	sl_fib_neigh_set(fib, (uint16_t)sl_fib_iface_index(fib, "eth0.100"),
		sl_test_ip4(192, 168, 1, 2), &gw_mac);
	free(ecmp); /* the FIB keeps its own group */
	return 0;
}

static void frame(uint8_t *b, uint32_t dst)
{
	memset(b, 0, FRAME_LEN);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = mac0;
	eth->src_addr = gw_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(FRAME_LEN - 14);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(sl_test_ip4(192, 168, 0, 77));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static struct rte_mbuf *pkts[FRAMES];
static uint32_t bench_native_dst[FRAMES];
static bool random_src; /* each frame from a host of a BENCH route (bench_native_dst) */
static uint8_t tmpl[FRAMES][FRAME_LEN];

static int reps = REPS; /* SL_DP_BENCH_REPS: more, for a profile */
static uint64_t rx_flags; /* RTE_MBUF_F_RX_IP_CKSUM_GOOD: as from a NIC that checks */

/* Frames i..i+n as received: like a driver's rx, just before processing. */
static void restore(int from, int n)
{
	for (int i = from; i < from + n; i++) {
		struct rte_mbuf *m = pkts[i];
		m->ol_flags = rx_flags;
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = m->pkt_len = FRAME_LEN;
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), tmpl[i], FRAME_LEN);
	}
}

/* TSC cycles of the fastest of REPS rounds over the frames in tmpl[]; exits
 * if any frame is not forwarded (the setup is wrong). */
static uint64_t fastest(struct sl_dp *dp, struct sl_dp_out *out)
{
	struct sl_dp_counters *c = calloc(1, sizeof(*c));
	c->vrf = dp->counters[rte_lcore_id()].vrf; /* as a worker's: sl_dp_new's block */
	uint64_t best = UINT64_MAX;
	for (int r = 0; r < reps; r++) {
		uint64_t t = 0;
		for (int i = 0; i < FRAMES; i += BURST) {
			restore(i, BURST);
			uint64_t t0 = rte_rdtsc();
			sl_dp_process(dp, c, 0, &pkts[i], BURST, out);
			t += rte_rdtsc() - t0;
			memset(out->n_tx, 0, sizeof(out->n_tx));
			out->tx_ports = 0;
			if (out->n_punt || out->n_drop) {
				fprintf(stderr, "dp-bench: %u punted, %u dropped: setup is wrong\n",
					out->n_punt, out->n_drop);
				exit(1);
			}
		}
		if (t < best)
			best = t;
	}
	free(c);
	return best;
}

/* A leak-point filter that lets everything through: what the hook costs. */
static void pass_all(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	(void)ctx, (void)pkts, (void)l3, (void)from_vrf, (void)to_vrf, (void)n, (void)deny;
}

/* Fastest round, in cycles per packet; checks every frame was forwarded. */
static double measure(struct sl_dp *dp, struct sl_dp_out *out, unsigned pct)
{
	static uint32_t dsts[FRAMES];
	uint32_t leaked = 0;
	rng = 0x5eed0000ull + pct; /* the same frames for a share, in every row */
	for (int i = 0; i < FRAMES; i++) {
		bool leak = rnd() % 100 < pct;
		uint32_t d = leak ? peer_dsts[rnd() % FRAMES] : 0;
		leaked += leak;
		dsts[i] = d;
	}
	for (int i = 0; i < FRAMES; i++) {
		frame(tmpl[i], dsts[i] ? dsts[i] : bench_native_dst[i]);
		if (random_src) { /* a host of another BENCH route: routed out of eth0 */
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(tmpl[i] + 14);
			/* as bench.sh's (b6): not the destinations' table entries
			 * (with fewer routes, another frame's destination) */
			ip->src_addr = rte_cpu_to_be_32(
				bench_src[i] != 0 ? bench_src[i]
						  : bench_native_dst[(i * 7 + 1) % FRAMES]);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
	}
	uint64_t best = fastest(dp, out);
	printf("  %3u %% leaked (%4u of %d frames)   %6.1f cycles/packet\n", pct, leaked, FRAMES,
		(double)best / FRAMES);
	return (double)best / FRAMES;
}

/*
 * The shape of bench.sh's (b2): V VRFs on vifs 10.. of port 0, R routes each
 * (the same mix of lengths) through one gateway per VRF, every frame of a
 * random VRF: a burst spreads over many VRFs. Prints the fastest round, and
 * the same frames sorted by VRF (bursts of one VRF) for comparison.
 */
/* VRF v's vif network: 100.64.0.0/10 holds a /24 for each of VRFS_MAX */
#define VRFS_MAX 4000
static uint32_t vrf_net(uint32_t v)
{
	return sl_test_ip4(100, (uint8_t)(64 + (v >> 8)), (uint8_t)v, 0);
}

static int bench_vrfs(struct sl_fib *fib, struct sl_dp *dp, struct sl_dp_out *out, uint32_t n_vrf,
	uint32_t routes)
{
	static struct sl_fib_iface_conf ifc[SL_FIB_IFACE_MAX];
	static uint32_t vrf_of[FRAMES], dst_of[FRAMES];
	for (uint32_t v = 0; v < n_vrf; v++) {
		ifc[v] = (struct sl_fib_iface_conf){.port = 0,
			.vlan = (uint16_t)(10 + v),
			.vrf_id = 1 + v,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{vrf_net(v) | 1, 24}}};
		snprintf(ifc[v].name, sizeof(ifc[v].name), "eth0.%u", 10 + v);
	}
	if (sl_fib_iface_sync(fib, ifc, n_vrf) < 0)
		return -1;
	for (uint32_t v = 0; v < n_vrf; v++) {
		struct sl_fib_change c = {.op = SL_FIB_VRF_ADD, .vrf_id = 1 + v};
		if (sl_fib_apply(fib, &c, 1, NULL) < 0)
			return -1;
	}
	for (int i = 0; i < FRAMES; i++)
		vrf_of[i] = rnd() % n_vrf;
	for (uint32_t v = 0; v < n_vrf; v++) {
		uint32_t next = 0; /* frames of v get the first routes of v */
		for (uint32_t i = 0; i < routes; i++) {
			uint32_t a = (rnd() % 200 + 1) << 24 | (rnd() & 0xffffff);
			if ((a >> 24) == 127) /* loopback: a martian */
				a ^= 1u << 24;
			uint8_t len = prefix_len();
			a &= ~0u << (32 - len);
			struct sl_fib_change c =
				sl_test_route(1 + v, a, len, SL_NH_GATEWAY, NULL, vrf_net(v) | 10);
			memcpy(c.nh.ifname, ifc[v].name, sizeof(ifc[v].name));
			if (sl_fib_apply(fib, &c, 1, NULL) < 0)
				return -1;
			while (next < FRAMES && vrf_of[next] != v)
				next++;
			if (next < FRAMES)
				dst_of[next++] = a | (len < 32 ? rnd() & (~0u >> len) : 0);
		}
		sl_fib_neigh_set(fib, (uint16_t)sl_fib_iface_index(fib, ifc[v].name),
			vrf_net(v) | 10, &gw_mac);
	}
	if (sl_fib_reader_register(fib, rte_lcore_id()) < 0) /* loaded: now a reader */
		return -1;
	for (int sorted = 0; sorted < 2; sorted++) {
		for (int i = 0; i < FRAMES; i++) {
			frame(tmpl[i] + 0, dst_of[i]);
			/* tag it: the frame's Ethernet header grows by 4 bytes */
			memmove(tmpl[i] + 18, tmpl[i] + 14, FRAME_LEN - 18);
			tmpl[i][12] = 0x81, tmpl[i][13] = 0x00;
			tmpl[i][14] = (uint8_t)((10 + vrf_of[i]) >> 8);
			tmpl[i][15] = (uint8_t)(10 + vrf_of[i]);
			tmpl[i][16] = 0x08, tmpl[i][17] = 0x00;
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(tmpl[i] + 18);
			ip->total_length = rte_cpu_to_be_16(FRAME_LEN - 18);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		if (sorted) /* a stable sort by VRF: bursts of one or two VRFs */
			for (int i = 1; i < FRAMES; i++)
				for (int j = i; j > 0 && vrf_of[j - 1] > vrf_of[j]; j--) {
					uint8_t t[FRAME_LEN];
					uint32_t tv = vrf_of[j];
					memcpy(t, tmpl[j], FRAME_LEN);
					memcpy(tmpl[j], tmpl[j - 1], FRAME_LEN);
					memcpy(tmpl[j - 1], t, FRAME_LEN);
					vrf_of[j] = vrf_of[j - 1];
					vrf_of[j - 1] = tv;
				}
		uint64_t best = fastest(dp, out);
		printf("  %u VRFs x %u routes, frames %s   %6.1f cycles/packet\n", n_vrf, routes,
			sorted ? "sorted by VRF " : "of random VRFs", (double)best / FRAMES);
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool vrfs = argc > 1 && strcmp(argv[1], "vrfs") == 0;
	uint32_t routes = argc > 1 && !vrfs ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
	if (routes < FRAMES)
		routes = FRAMES;
	/* hugepages, as sluiced runs: with 4 KiB pages every lookup in a 64 MiB
	 * tbl24 would also be a TLB miss */
	if (getenv("SL_DP_BENCH_REPS") != NULL && atoi(getenv("SL_DP_BENCH_REPS")) > 0)
		reps = atoi(getenv("SL_DP_BENCH_REPS"));
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-dp-bench-%d", (int)getpid());
	char *eal[] = {argv[0], "-l", "0", prefix, "--no-pci", "--no-telemetry", "--log-level=5",
		"--in-memory", NULL, NULL, NULL, NULL};
	if (getenv("SL_DP_BENCH_NO_HUGE") != NULL) { /* valgrind cannot map hugepages */
		eal[7] = "--no-huge"; /* instead of --in-memory: they exclude each other */
		eal[8] = "-m";
		eal[9] = "1024";
	}
	int n_eal = 8;
	while (eal[n_eal] != NULL)
		n_eal++;
	if (rte_eal_init(n_eal, eal) < 0) {
		fprintf(stderr,
			"dp-bench: EAL failed (hugepages reserved? scripts/hugepages.sh)\n");
		return 77;
	}
	struct rte_mempool *pool = rte_pktmbuf_pool_create(
		"dpb", FRAMES * 2, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	struct sl_fib *fib =
		sl_fib_new(&(struct sl_fib_config){.max_rules = routes + PEER_ROUTES + 16,
			/* 5 % of routes are longer than /24; VRF tables grow by themselves */
			.number_tbl8s = vrfs ? 0 : routes / 10 + 4096,
			.socket_id = SOCKET_ID_ANY});
	struct sl_dp *dp = fib ? sl_dp_new(fib, 1024, SOCKET_ID_ANY) : NULL;
	struct sl_dp_out *out = calloc(1, sizeof(*out));
	if (vrfs) {
		uint32_t n_vrf = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 64;
		uint32_t r = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 16000;
		if (pool == NULL || dp == NULL || n_vrf < 1 || n_vrf > VRFS_MAX)
			return 1;
		for (int i = 0; i < FRAMES; i++)
			pkts[i] = rte_pktmbuf_alloc(pool);
		printf("dp-bench: sl_dp_process, bursts of %d, fastest of %d rounds (TSC %.2f "
		       "GHz)\n",
			BURST, reps, (double)rte_get_tsc_hz() / 1e9);
		if (bench_vrfs(fib, dp, out, n_vrf, r) < 0) {
			fprintf(stderr, "dp-bench: vrfs setup failed\n");
			return 1;
		}
		return 0;
	}
	if (pool == NULL || dp == NULL || setup_fib(fib, routes, bench_native_dst) < 0 ||
		sl_fib_reader_register(fib, rte_lcore_id()) < 0) {
		fprintf(stderr, "dp-bench: setup failed\n");
		return 1;
	}
	/* native destinations: the first FRAMES routes, shuffled */
	for (int i = FRAMES - 1; i > 0; i--) {
		int j = (int)(rnd() % (uint32_t)(i + 1));
		uint32_t t = bench_native_dst[i];
		bench_native_dst[i] = bench_native_dst[j];
		bench_native_dst[j] = t;
	}
	for (int i = 0; i < FRAMES; i++)
		pkts[i] = rte_pktmbuf_alloc(pool);
	printf("dp-bench: sl_dp_process, %u routes, bursts of %d, fastest of %d rounds "
	       "(TSC %.2f GHz)\n",
		routes, BURST, reps, (double)rte_get_tsc_hz() / 1e9);
	/* one leaked share only, e.g. under valgrind ("filter": with the hook;
	 * "strict": random sources, eth0 validating them) */
	if (argc > 2) {
		if (argc > 3 && strcmp(argv[3], "filter") == 0) {
			sl_fib_reader_unregister(fib, rte_lcore_id());
			if (sl_dp_set_leak_filter(dp, pass_all, NULL) < 0 ||
				sl_fib_reader_register(fib, rte_lcore_id()) < 0)
				return 1;
		}
		if (argc > 3 && strcmp(argv[3], "strict") == 0) {
			random_src = true;
			ifc[0].src_valid = SL_SRC_VALID_STRICT;
			sl_fib_reader_unregister(fib, rte_lcore_id());
			if (sl_fib_iface_sync(fib, ifc, 2) < 0 ||
				sl_fib_reader_register(fib, rte_lcore_id()) < 0)
				return 1;
		}
		measure(dp, out, (unsigned)atoi(argv[2]));
		return 0;
	}
	measure(dp, out, 0);
	measure(dp, out, 30);
	measure(dp, out, 100);
	printf("with the IPv4 checksum checked by the port (RTE_MBUF_F_RX_IP_CKSUM_GOOD):\n");
	rx_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	measure(dp, out, 0);
	measure(dp, out, 30);
	measure(dp, out, 100);
	rx_flags = 0;
	random_src = true;
	for (int strict = 0; strict < 2; strict++) {
		printf("sources: hosts of other BENCH routes, eth0's source validation %s:\n",
			strict ? "strict" : "disabled");
		ifc[0].src_valid = strict ? SL_SRC_VALID_STRICT : SL_SRC_VALID_DISABLE;
		sl_fib_reader_unregister(fib, rte_lcore_id());
		if (sl_fib_iface_sync(fib, ifc, 2) < 0 ||
			sl_fib_reader_register(fib, rte_lcore_id()) < 0)
			return 1;
		measure(dp, out, 0);
		measure(dp, out, 30);
		measure(dp, out, 100);
	}
	random_src = false;
	ifc[0].src_valid = SL_SRC_VALID_DISABLE;
	/* syncing and installing wait for a grace period: not as an online reader */
	sl_fib_reader_unregister(fib, rte_lcore_id());
	if (sl_fib_iface_sync(fib, ifc, 2) < 0)
		return 1;
	printf("with a leak-point filter installed that passes everything (the hook's own "
	       "cost):\n");
	if (sl_dp_set_leak_filter(dp, pass_all, NULL) < 0 ||
		sl_fib_reader_register(fib, rte_lcore_id()) < 0)
		return 1;
	measure(dp, out, 0);
	measure(dp, out, 30);
	measure(dp, out, 100);
	return 0;
}
