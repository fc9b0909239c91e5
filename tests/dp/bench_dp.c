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
 * Each VRF's frames go to its first routes, whose groups lie together; with
 * SL_DP_BENCH_DATA=DIR (scripts/gen-bench.py --scenario vrfs --out DIR) the
 * routes and frames are bench.sh's own (b2) inputs instead, destinations
 * over all of a VRF's routes, as sluiced sees them.
 * SL_DP_BENCH_PREFIX=P: EAL file prefix P-PID (default sl-dp-bench).
 * SL_DP_BENCH_REPS=N: N rounds instead of REPS (e.g. many, under perf).
 * SL_DP_BENCH_SMALL_GROUPS=N: VRF tables leave the small layout at N groups
 * instead of SL_FIB_SMALL_GROUPS_MAX (the layout's cost, measured).
 * SL_DP_BENCH_ECMP=1: every BENCH route over one ECMP group of the four
 * gateways instead of one of them (the cost of the per-flow pick).
 * SL_DP_BENCH_PEER_PORT=N: PEER's vif on port N instead of 0, so that port
 * 0 has no tagged interface, as in bench.sh's (b1).
 * The rows are repeated with each frame's source a host of another BENCH
 * route (one that no frame is sent to, as bench.sh's sources: their own
 * table entries), eth0's source validation disabled and then strict (its
 * cost).
 * Then the leak firewall and NAT (lib/fw, hooked as sluiced hooks it): a
 * 100-rule ruleset stateless (and 10 and 1,000 rules) and stateful (tracked flows established by
 * replies, or one-way: their packets stay in state new), source NAT, with 1
 * or 3 sources per frame (4,096 or 12,288 flows when all leak) and with
 * every round's flows new (flushed before it); SL_DP_BENCH_NO_FW=1 skips
 * them, SL_DP_BENCH_FW_ROW=TEXT runs only the firewall rows whose name holds
 * TEXT (for a profile), SL_DP_BENCH_BV_MAX=N sets lib/fw's bv_rules_max
 * (-1: every ruleset on rte_acl).
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
#include <rte_udp.h>

#include "../fib/fib_test_eal.h"
#include "../fw/fw_test_util.h"
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
	if (getenv("SL_DP_BENCH_PEER_PORT") != NULL)
		ifc[1].port = (uint16_t)atoi(getenv("SL_DP_BENCH_PEER_PORT"));
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

/* Firewall rows: with n_src > 1, round r's frames come from host
 * 192.168.0.(20 + r % n_src) (each source another set of flows);
 * before_round runs untimed. */
static struct {
	uint32_t n_src, src;
	void (*before_round)(int r);
} rounds = {1, 0, NULL};

/* Frames i..i+n as received: like a driver's rx, just before processing. */
static void restore(int from, int n)
{
	for (int i = from; i < from + n; i++) {
		struct rte_mbuf *m = pkts[i];
		m->ol_flags = rx_flags;
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = m->pkt_len = FRAME_LEN;
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), tmpl[i], FRAME_LEN);
		if (rounds.n_src > 1) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, void *, 14);
			ip->src_addr = rte_cpu_to_be_32(sl_test_ip4(192, 168, 0, 20) + rounds.src);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
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
		rounds.src = (uint32_t)r % rounds.n_src;
		if (rounds.before_round != NULL)
			rounds.before_round(r);
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
	rounds.src = 0;
	free(c);
	return best;
}

/* A leak-point filter that lets everything through: what the hook costs. */
static void pass_all(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	(void)ctx, (void)pkts, (void)l3, (void)from_vrf, (void)to_vrf, (void)n, (void)deny;
}

static uint8_t leaked_frame[FRAMES]; /* frame i goes to PEER */

/* The frames of a leaked share pct into tmpl[]: UDP from port 1024 + i to
 * port 9 (each frame its own flow); returns how many are leaked. */
static uint32_t frames_make(unsigned pct)
{
	static uint32_t dsts[FRAMES];
	uint32_t leaked = 0;
	rng = 0x5eed0000ull + pct; /* the same frames for a share, in every row */
	for (int i = 0; i < FRAMES; i++) {
		bool leak = rnd() % 100 < pct;
		uint32_t d = leak ? peer_dsts[rnd() % FRAMES] : 0;
		leaked += leak;
		leaked_frame[i] = leak;
		dsts[i] = d;
	}
	for (int i = 0; i < FRAMES; i++) {
		frame(tmpl[i], dsts[i] ? dsts[i] : bench_native_dst[i]);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(tmpl[i] + 14);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		udp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + i));
		udp->dst_port = rte_cpu_to_be_16(9);
		udp->dgram_len = rte_cpu_to_be_16(FRAME_LEN - 14 - 20);
		if (random_src) { /* a host of another BENCH route: routed out of eth0 */
			/* as bench.sh's (b6): not the destinations' table entries
			 * (with fewer routes, another frame's destination) */
			ip->src_addr = rte_cpu_to_be_32(
				bench_src[i] != 0 ? bench_src[i]
						  : bench_native_dst[(i * 7 + 1) % FRAMES]);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
	}
	return leaked;
}

/* Fastest round, in cycles per packet; checks every frame was forwarded. */
static double measure(struct sl_dp *dp, struct sl_dp_out *out, unsigned pct)
{
	uint32_t leaked = frames_make(pct);
	uint64_t best = fastest(dp, out);
	printf("  %3u %% leaked (%4u of %d frames)   %6.1f cycles/packet\n", pct, leaked, FRAMES,
		(double)best / FRAMES);
	return (double)best / FRAMES;
}

/* ---- the leak firewall and NAT (lib/fw) in the pipeline ------------------
 * BENCH is CUST-A and PEER is SHARED for fw_test_util.h's configurations. */

/* bench.sh's (b4) ruleset in short (scripts/gen-bench.py fw_rules): n - 1
 * seeded rules the frames (UDP 192.168.0.x:1024.. -> 100.64.0.0/10 port 9)
 * do not match, then rule 10 n that accepts them; stateful: rule 1 accepts
 * state established and related first. */
static char *fw_ruleset_text(unsigned n, bool stateful)
{
	static const uint16_t tcp_ports[] = {22, 25, 80, 443, 993, 3306, 5432, 8080};
	static const uint16_t udp_ports[] = {53, 67, 123, 161, 500, 514, 1812, 4500};
	size_t cap = (size_t)n * 400 + 1024, off = 0;
	char *t = malloc(cap);
	const char *pre = "set firewall ipv4 name OUT";
	uint64_t saved = rng;
	rng = 0xf1a3ull;
	off += (size_t)snprintf(t + off, cap - off,
		"%s default-action drop\nset vrf name CUST-A leak-firewall to SHARED name OUT\n",
		pre);
	if (stateful)
		off += (size_t)snprintf(t + off, cap - off,
			"%s rule 1 action accept\n%s rule 1 state established\n"
			"%s rule 1 state related\n",
			pre, pre, pre);
	for (unsigned k = 1; k < n; k++) {
		unsigned num = 10 * k, kind = rnd() % 6;
		char dst[32];
		snprintf(dst, sizeof(dst), "100.%u.%u.0/24", 64 + rnd() % 64, rnd() % 256);
		if (kind < 2)
			off += (size_t)snprintf(t + off, cap - off,
				"%s rule %u action %s\n%s rule %u protocol tcp\n"
				"%s rule %u destination address %s\n"
				"%s rule %u destination port %u\n",
				pre, num, kind ? "accept" : "drop", pre, num, pre, num, dst, pre,
				num, tcp_ports[rnd() % 8]);
		else if (kind < 4)
			off += (size_t)snprintf(t + off, cap - off,
				"%s rule %u action accept\n%s rule %u protocol udp\n"
				"%s rule %u destination address %s\n"
				"%s rule %u destination port %u\n",
				pre, num, pre, num, pre, num, dst, pre, num, udp_ports[rnd() % 8]);
		else if (kind == 4)
			off += (size_t)snprintf(t + off, cap - off,
				"%s rule %u action drop\n%s rule %u protocol icmp\n"
				"%s rule %u icmp type %u\n",
				pre, num, pre, num, pre, num, rnd() % 2 ? 8u : 13u);
		else
			off += (size_t)snprintf(t + off, cap - off,
				"%s rule %u action drop\n%s rule %u source address "
				"172.16.%u.0/24\n",
				pre, num, pre, num, rnd() % 256);
	}
	snprintf(t + off, cap - off,
		"%s rule %u action accept\n%s rule %u protocol udp\n"
		"%s rule %u destination address 100.64.0.0/10\n"
		"%s rule %u destination port 9\n",
		pre, 10 * n, pre, 10 * n, pre, 10 * n, pre, 10 * n);
	rng = saved;
	return t;
}

#define FW_NAT_LINE \
	"set vrf name CUST-A leak-nat to SHARED source translation address 198.51.100.0/24\n"

static struct sl_fw *bfw;

/* Publish text's firewall and install the hooks sluiced would (lib/fw/fw_module.c);
 * the caller is not an online reader meanwhile. */
static int fw_install(struct sl_dp *dp, const char *text)
{
	if (fwt_load(bfw, text) < 0)
		return -1;
	sl_fw_ct_flush(bfw);
	sl_fw_nat_flush(bfw);
	struct sl_fw_stats st;
	sl_fw_stats_get(bfw, &st);
	const struct sl_dp_leak_filter h = {
		.fn = st.bindings > 0 ? sl_fw_leak_filter : NULL,
		.ctx = bfw,
		.nat_out = st.nat_pools > 0 ? sl_fw_nat_out : NULL,
		.nat_in = st.nat_pools > 0 ? sl_fw_nat_in : NULL,
		.nat_in_may = st.nat_pools > 0 ? sl_fw_nat_in_may : NULL,
	};
	return sl_dp_set_leak_hooks(dp, &h);
}

/* The flows of the leaked frames of tmpl[], from each of n_src sources,
 * opened and answered (replies from PEER): tracked flows are established. */
static void fw_prime(uint32_t n_src)
{
	uint8_t q[FRAME_LEN], r[FRAME_LEN];
	uint16_t len = FRAME_LEN - 14;
	uint32_t bench = VRF_BENCH, peer = VRF_PEER;
	for (uint32_t s = 0; s < n_src; s++)
		for (int i = 0; i < FRAMES; i++) {
			if (!leaked_frame[i])
				continue;
			memcpy(q, tmpl[i] + 14, len);
			uint32_t src =
				rte_cpu_to_be_32(sl_test_ip4(192, 168, 0, n_src > 1 ? 20 : 77) + s);
			memcpy(q + 12, &src, 4);
			memcpy(r, q, len); /* the reply: addresses and ports swapped */
			memcpy(r + 12, q + 16, 4), memcpy(r + 16, q + 12, 4);
			memcpy(r + 20, q + 22, 2), memcpy(r + 22, q + 20, 2);
			const uint8_t *l3 = q, *l3r = r;
			uint8_t v;
			sl_fw_check_burst(
				bfw, rte_lcore_id(), rte_rdtsc(), &l3, &len, &bench, &peer, 1, &v);
			sl_fw_check_burst(
				bfw, rte_lcore_id(), rte_rdtsc(), &l3r, &len, &peer, &bench, 1, &v);
		}
}

static void flush_round(int r)
{
	(void)r;
	sl_fw_ct_flush(bfw);
	sl_fw_nat_flush(bfw);
}

/* One row: share pct through the installed firewall, n_src sources per
 * frame (flows), primed (established) or not, every round's flows new
 * (flushed before it, n_src = REPS: never seen before) or not; base: the
 * unfiltered figure of the share. */
static void fw_row(struct sl_dp *dp, struct sl_dp_out *out, const char *what, unsigned pct,
	uint32_t n_src, bool prime, bool fresh, double base)
{
	uint32_t leaked = frames_make(pct);
	flush_round(0); /* the flows of the row before */
	if (prime)
		fw_prime(n_src);
	struct sl_fw_stats a, b;
	sl_fw_stats_get(bfw, &a);
	rounds.n_src = n_src;
	rounds.before_round = fresh ? flush_round : NULL;
	double cpp = (double)fastest(dp, out) / FRAMES;
	rounds.n_src = 1;
	rounds.before_round = NULL;
	sl_fw_stats_get(bfw, &b);
	/* first packets: flows created in the timed rounds (conntrack or NAT) */
	uint64_t first = RTE_MAX(b.ct_created - a.ct_created, b.nat_created - a.nat_created);
	uint64_t crossed = (uint64_t)leaked * (uint64_t)reps;
	printf("  %-34s %3u %%  %6.1f  %+6.1f  %6u  %5.1f %%  %+6.1f\n", what, pct, cpp, cpp - base,
		leaked * (fresh ? 1 : n_src),
		crossed ? 100.0 * (double)first / (double)crossed : 0.0,
		leaked ? (cpp - base) * FRAMES / leaked : 0.0);
	if (b.dropped != a.dropped || b.rejected != a.rejected) {
		fprintf(stderr, "dp-bench: the firewall denied frames: setup is wrong\n");
		exit(1);
	}
}

/* The firewall rows (issue #15's benchmarks): the work a leaked packet adds
 * above the unfiltered leak, by kind of traffic. */
static int bench_fw(struct sl_fib *fib, struct sl_dp *dp, struct sl_dp_out *out)
{
	static const unsigned shares[] = {30, 100};
	double base[101] = {0};
	struct sl_fw_config cfg = {
		.ct_max = 1 << 16, .nat_max = 1 << 16, .n_lcores = 1, .socket_id = SOCKET_ID_ANY};
	if (getenv("SL_DP_BENCH_BV_MAX") != NULL) /* -1: rte_acl only */
		cfg.bv_rules_max = atoi(getenv("SL_DP_BENCH_BV_MAX"));
	/* under valgrind: a faster "TSC" for lib/fw keeps its flow lines quiet
	 * (refresh 1/16 s of it) as at full speed, so instruction counts repeat */
	if (getenv("SL_DP_BENCH_FW_TSC_HZ") != NULL) /* 2.6e12 or 2600000000000 */
		cfg.tsc_hz = (uint64_t)strtod(getenv("SL_DP_BENCH_FW_TSC_HZ"), NULL);
	bfw = sl_fw_new(&cfg);
	char *stateless = fw_ruleset_text(100, false), *stateful = fw_ruleset_text(100, true);
	char *sl10 = fw_ruleset_text(10, false), *sl1000 = fw_ruleset_text(1000, false);
	size_t l = strlen(stateful);
	char *nat = malloc(l + sizeof(FW_NAT_LINE));
	if (bfw == NULL || stateless == NULL || stateful == NULL || nat == NULL || sl10 == NULL ||
		sl1000 == NULL)
		return -1;
	memcpy(nat, stateful, l);
	memcpy(nat + l, FW_NAT_LINE, sizeof(FW_NAT_LINE));
	printf("leak firewall and NAT (lib/fw), 100-rule rulesets: leaked share, cycles/packet,\n"
	       "+ over the unfiltered leak, leaked flows, share of leaked packets that are\n"
	       "first packets (flows made), + per leaked packet:\n");
	sl_fib_reader_unregister(fib, rte_lcore_id());
	if (sl_dp_set_leak_hooks(dp, NULL) < 0 || sl_fib_reader_register(fib, rte_lcore_id()) < 0)
		return -1;
	base[0] = measure(dp, out, 0);
	for (unsigned k = 0; k < RTE_DIM(shares); k++)
		base[shares[k]] = measure(dp, out, shares[k]);
	struct {
		const char *what, *text;
		uint32_t n_src;
		bool prime, fresh;
	} rows[] = {
		{"stateless, 100 rules", stateless, 1, false, false},
		{"stateless, 100 rules, 12,288 flows", stateless, 3, false, false},
		{"stateless, 10 rules", sl10, 1, false, false},
		{"stateless, 1,000 rules", sl1000, 1, false, false},
		{"stateful, tracked flows", stateful, 1, true, false},
		{"stateful, 12,288 tracked flows", stateful, 3, true, false},
		{"stateful, one-way flows (state new)", stateful, 1, false, false},
		{"stateful, every packet a new flow", stateful, REPS, false, true},
		{"SNAT, translated flows", FW_NAT_LINE, 1, false, false},
		{"SNAT, 12,288 flows", FW_NAT_LINE, 3, false, false},
		{"SNAT, every packet a new flow", FW_NAT_LINE, REPS, false, true},
		{"SNAT + stateful, tracked flows", nat, 1, true, false},
	};
	const char *only = getenv("SL_DP_BENCH_FW_ROW"); /* rows whose name has it, for a profile */
	static const char native[] = "native, a binding elsewhere";
	for (unsigned j = 0; j < RTE_DIM(rows); j++) {
		/* the native row goes with the first ruleset, or alone */
		bool shares_too = only == NULL || strstr(rows[j].what, only) != NULL;
		bool with_native = j == 0 && (shares_too || strstr(native, only) != NULL);
		if (!with_native && !shares_too)
			continue;
		sl_fib_reader_unregister(fib, rte_lcore_id());
		if (fw_install(dp, rows[j].text) < 0 ||
			sl_fib_reader_register(fib, rte_lcore_id()) < 0)
			return -1;
		if (with_native) /* native frames, a binding on BENCH -> PEER only */
			fw_row(dp, out, native, 0, 1, false, false, base[0]);
		for (unsigned k = 0; shares_too && k < RTE_DIM(shares); k++)
			fw_row(dp, out, rows[j].what, shares[k], rows[j].n_src, rows[j].prime,
				rows[j].fresh, base[shares[k]]);
	}
	free(stateless), free(stateful), free(nat), free(sl10), free(sl1000);
	return 0;
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

/* SL_DP_BENCH_DATA=DIR: bench.sh's own (b2) inputs, scripts/gen-bench.py
 * --scenario vrfs --out DIR: DIR/routes.txt ("VRF-INDEX PREFIX/LEN") into
 * VRF 1 + index, each VRF's routes to its one gateway. */
static int load_routes(
	struct sl_fib *fib, const char *dir, const struct sl_fib_iface_conf *ifc, uint32_t n_vrf)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/routes.txt", dir);
	FILE *f = fopen(path, "r");
	unsigned vi, a0, a1, a2, a3, len;
	if (f == NULL)
		return -1;
	while (fscanf(f, "%u %u.%u.%u.%u/%u", &vi, &a0, &a1, &a2, &a3, &len) == 6) {
		if (vi >= n_vrf || len > 32) {
			fclose(f);
			return -1;
		}
		struct sl_fib_change c = sl_test_route(1 + vi, a0 << 24 | a1 << 16 | a2 << 8 | a3,
			(uint8_t)len, SL_NH_GATEWAY, NULL, vrf_net(vi) | 10);
		memcpy(c.nh.ifname, ifc[vi].name, sizeof(ifc[vi].name));
		if (sl_fib_apply(fib, &c, 1, NULL) < 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* DIR/traffic.pcap's IPv4 frames (its ARP frames left out, the first ones
 * repeated up to FRAMES) into tmpl[], addressed to mac0; vrf_of[] from
 * their VLAN (10 + index). */
static int load_frames(const char *dir, uint32_t *vrf_of)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/traffic.pcap", dir);
	FILE *f = fopen(path, "rb");
	uint8_t gh[24], rh[16], fr[256];
	int n = 0;
	if (f == NULL || fread(gh, 1, sizeof(gh), f) != sizeof(gh)) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	while (n < FRAMES && fread(rh, 1, sizeof(rh), f) == sizeof(rh)) {
		uint32_t cap;
		memcpy(&cap, rh + 8, 4);
		if (cap > sizeof(fr) || fread(fr, 1, cap, f) != cap)
			break;
		if (cap != FRAME_LEN || fr[12] != 0x81 || fr[16] != 0x08 || fr[17] != 0x00)
			continue; /* ARP */
		memcpy(tmpl[n], fr, FRAME_LEN);
		memcpy(tmpl[n], &mac0, sizeof(mac0));
		vrf_of[n++] = (uint32_t)(fr[14] << 8 | fr[15]) - 10;
	}
	fclose(f);
	for (int i = n; n > 0 && i < FRAMES; i++) {
		memcpy(tmpl[i], tmpl[i - n], FRAME_LEN);
		vrf_of[i] = vrf_of[i - n];
	}
	return n > 0 ? 0 : -1;
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
	const char *data = getenv("SL_DP_BENCH_DATA");
	if (data != NULL && load_routes(fib, data, ifc, n_vrf) < 0)
		return -1;
	for (uint32_t v = 0; v < n_vrf; v++) {
		uint32_t next = 0; /* frames of v get the first routes of v */
		for (uint32_t i = 0; data == NULL && i < routes; i++) {
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
	struct sl_fib_stats st;
	sl_fib_stats_get(fib, &st);
	printf("  tables: %u of %u VRFs small, %u groups, %.1f MiB\n", st.vrfs_small, st.vrfs,
		st.tbl8_groups_used, (double)st.bytes_total / (1 << 20));
	if (sl_fib_reader_register(fib, rte_lcore_id()) < 0) /* loaded: now a reader */
		return -1;
	for (int sorted = 0; sorted < 2; sorted++) {
		if (data != NULL && load_frames(data, vrf_of) < 0)
			return -1;
		for (int i = 0; data == NULL && i < FRAMES; i++) {
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
	const char *pfx = getenv("SL_DP_BENCH_PREFIX"); /* e.g. a session's own */
	const char *tag = getenv("SL_TEST_TAG");
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s%s-%d", pfx != NULL ? pfx : "sl-dp-bench",
		tag != NULL ? tag : "", (int)getpid());
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
	struct sl_fib *fib = sl_fib_new(&(struct sl_fib_config){
		.max_rules = routes + PEER_ROUTES + 16,
		/* 5 % of routes are longer than /24; VRF tables grow by themselves */
		.number_tbl8s = vrfs ? 0 : routes / 10 + 4096,
		.small_groups_max =
			getenv("SL_DP_BENCH_SMALL_GROUPS") != NULL
				? (uint32_t)strtoul(getenv("SL_DP_BENCH_SMALL_GROUPS"), NULL, 10)
				: 0,
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
	if (getenv("SL_DP_BENCH_FW_ROW") != NULL) /* those firewall rows only */
		return bench_fw(fib, dp, out) < 0 ? 1 : 0;
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
	if (getenv("SL_DP_BENCH_NO_FW") == NULL && bench_fw(fib, dp, out) < 0) {
		fprintf(stderr, "dp-bench: firewall setup failed\n");
		return 1;
	}
	return 0;
}
