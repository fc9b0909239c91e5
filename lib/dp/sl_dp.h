/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_dp.h — the forwarding worker: run to completion per burst,
 *   rx → parse (Ethernet, 802.1Q, IPv4 sanity) → VRF of the ingress interface
 *   → bulk LPM lookup → leaked packets looked up again as a burst in the
 *   target VRF (one redirect at most) → TTL−1 with incremental checksum →
 *   neighbour MAC, L2 rewrite (VLAN push/pop) → tx per port,
 * and the punt ring to the control thread (ARP, to-router, TTL expired, no
 * route, unresolved neighbour). No locks, no allocation, no logging per packet;
 * every drop is counted by reason in per-lcore, cache-aligned counters.
 *
 * Punted mbufs carry struct sl_dp_meta in a dynamic mbuf field (sl_dp_meta()).
 */
#ifndef SL_DP_H
#define SL_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "sl_fib.h"

#define SL_DP_BURST 32
#define SL_DP_RXQ_MAX 64 /* rx queues polled by one worker */

/* Drop reasons: names in sl_dp_drop_names[] (show, telemetry, --stats-period). */
#define SL_DP_DROPS(X)                                                                           \
	X(NO_ROUTE, "no_route") /* punted too: ICMP unreachable */                               \
	X(TTL_EXPIRED, "ttl_expired") /* punted too: ICMP time exceeded */                       \
	X(LEAK_LOOP, "leak_loop") /* a second VRF redirect; punted too: ICMP unreachable */      \
	X(BLACKHOLE, "blackhole")                                                                \
	X(BAD_CHECKSUM, "bad_checksum")                                                          \
	X(BAD_HEADER, "bad_header") /* version, IHL < 5, total length < IHL */                   \
	X(TRUNCATED, "truncated") /* shorter than its headers or total length */                 \
	X(NOT_IPV4, "not_ipv4")                                                                  \
	X(NO_IFACE, "no_iface") /* (port, VLAN) not configured or disabled */                    \
	X(IFACE_DOWN, "iface_down") /* egress interface disabled or missing */                   \
	X(NO_HEADROOM, "no_headroom") /* cannot push a VLAN tag */                               \
	X(LEAK_DENIED, "leak_denied") /* refused by the leak-point filter */                     \
	X(NEIGH_PENDING, "neigh_pending") /* next hop being resolved (first packets are held) */ \
	X(PUNT_FULL, "punt_full")                                                                \
	X(TX_FULL, "tx_full")                                                                    \
	X(MARTIAN, "martian") /* RFC 1812: source or destination 0/8, 127/8, 224/4, 240/4 */     \
	X(SRC_INVALID, "src_invalid") /* failed its interface's source validation */             \
	X(DIRECTED_BCAST, "directed_bcast") /* to a connected subnet's broadcast address */      \
	X(LOCAL_LEAK, "local_leak") /* for a router address of another VRF, through a leak */

enum sl_dp_drop {
#define SL_DP_X(e, s) SL_DP_DROP_##e,
	SL_DP_DROPS(SL_DP_X)
#undef SL_DP_X
		SL_DP_DROP__COUNT
};
extern const char *const sl_dp_drop_names[SL_DP_DROP__COUNT];

enum sl_dp_punt {
	SL_DP_PUNT_ARP = 0,
	SL_DP_PUNT_LOCAL, /* addressed to the router */
	SL_DP_PUNT_TTL, /* TTL would expire: time exceeded */
	SL_DP_PUNT_NO_ROUTE, /* destination unreachable */
	SL_DP_PUNT_UNRESOLVED, /* forwarded, TTL already decremented, neighbour unknown */
	SL_DP_PUNT_REJECT, /* refused by a leak-point `reject` rule: answer ICMP 3/13 or TCP RST */
	SL_DP_PUNT_LEAK_LOOP, /* a second VRF redirect (dropped too): answer ICMP unreachable */
	/* to 224.0.0.0/24 (OSPF's hellos) on an interface with a control-plane
	 * TAP: up the TAP, never forwarded (a martian anywhere else) */
	SL_DP_PUNT_LINK_MCAST,
	SL_DP_PUNT__COUNT
};
extern const char *const sl_dp_punt_names[SL_DP_PUNT__COUNT];

/*
 * Punt classes the worker tells apart, cheaply (ARP; for the router: TCP
 * port 179, IP protocol 89). The control traffic has rings of its own
 * (sl_dp.punt_ctl), so a flood of other punts filling the main ring (SYNs
 * to a closed port, pings, unreachables) costs BGP, OSPF and ARP nothing.
 */
#define SL_DP_PCLASSES(X)                                                            \
	X(BGP, "bgp") /* TCP from or to port 179, for the router */                  \
	X(OSPF, "ospf") /* IP protocol 89, for the router or link-local multicast */ \
	X(ARP, "arp")                                                                \
	X(OTHER, "other") /* the main ring: everything else */
enum sl_dp_pclass {
#define SL_DP_X(e, s) SL_DP_PC_##e,
	SL_DP_PCLASSES(SL_DP_X)
#undef SL_DP_X
		SL_DP_PC__COUNT
};
extern const char *const sl_dp_pclass_names[SL_DP_PC__COUNT];
#define SL_DP_PUNT_CTL_SIZE 1024 /* each control class's ring */

/* Metadata of a punted packet. The mbuf data still starts at the received
 * Ethernet header (l2_len bytes, VLAN tag included when it was in the frame). */
struct sl_dp_meta {
	uint32_t nh_ip; /* UNRESOLVED: the neighbour to resolve (host order) */
	uint16_t in_oif; /* ingress interface */
	uint16_t out_oif; /* UNRESOLVED: egress interface */
	uint32_t vrf_id; /* ingress VRF */
	uint8_t reason; /* enum sl_dp_punt */
	uint8_t l2_len;
	uint8_t pclass; /* enum sl_dp_pclass: the ring it went to */
};

#define SL_DP_LEAK_SLOTS 64 /* power of 2 */
#define SL_DP_LEAK_PROBE 8
/* Key of a leak direction: VRF ids < 2^15, never 0 (0 marks a free slot). */
#define SL_DP_LEAK_KEY(from, to) (0x80000000u | (uint32_t)(from) << 15 | (uint32_t)(to))
#define SL_DP_LEAK_FROM(key) (((key) >> 15) & 0x7fffu)
#define SL_DP_LEAK_TO(key) ((key)&0x7fffu)

/* Packets forwarded from one VRF into another (one leak direction).
 * The owning lcore writes packets, then publishes key (release). */
struct sl_dp_leak_slot {
	uint32_t key; /* 0: free */
	uint32_t pad;
	uint64_t packets;
};

/*
 * Gaps between two ends of a worker's poll loop, since the last clear. A gap
 * is wall-clock (TSC); its on-CPU part excludes the time the kernel ran
 * something else on the worker's CPU (measured from the thread's CPU clock,
 * read every SL_DP_STALL_SAMPLE_US): only that part is sluice's own stall.
 */
#define SL_DP_STALL_SAMPLE_US 250
#define SL_DP_STALL_FLOOR_US 10 /* shorter gaps are not recorded */
struct sl_dp_stalls {
	uint64_t max_gap_ns; /* longest loop gap, wall clock */
	uint64_t max_on_cpu_ns; /* longest gap less the time off CPU */
	uint64_t gaps_over_1ms; /* wall clock */
	uint64_t on_cpu_over_1ms; /* stalls of sluice's own over 1 ms */
};

/* One VRF's packets on one lcore, by ingress VRF: 32 bytes, so a burst's
 * rx and forwarded counts land on one cache line and a line holds two VRFs. */
struct sl_dp_vrf_count {
	uint64_t ipv4_rx; /* IPv4 packets looked up */
	uint64_t forwarded; /* sent to a port */
	uint64_t punted; /* to the control thread (not ARP) */
	uint64_t pad;
};

/* Per-lcore counters: each lcore writes only its own cache lines. */
struct sl_dp_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t forwarded;
	uint64_t leaked; /* forwarded or punted after a redirect */
	/* bursts handed to the leak filter stage (a hook installed, and a
	 * redirect, several VRFs, or a VRF with a route that leaves it) */
	uint64_t leak_scans;
	/* TSC cycles the worker spent in sl_dp_process + sl_dp_flush, estimated
	 * from one burst in 16 (a TSC read is not free): work/rx = sluice's
	 * cycles per packet beyond rx itself */
	uint64_t work_cycles;
	uint64_t punted[SL_DP_PUNT__COUNT];
	/* by punt class: handed to a ring, and dropped there as full (part of
	 * dropped[SL_DP_DROP_PUNT_FULL]) */
	uint64_t pclass_punted[SL_DP_PC__COUNT];
	uint64_t pclass_full[SL_DP_PC__COUNT];
	uint64_t dropped[SL_DP_DROP__COUNT];
	/* Telemetry (lib/tele sums these itself; sl_dp_counters_sum/clear leave
	 * them alone: they only grow). vrf: every VRF id has its slot, in a
	 * block of SL_VRF_MAX (256 KiB) per lcore that sl_dp_new allocates for
	 * each EAL lcore (NULL in other blocks; a caller running sl_dp_process
	 * on its own counters sets it, see sl_dp_vrf_counts_new). Leak
	 * directions live in a small open-addressed table (a dense VRF x VRF
	 * matrix would be 8 MiB per lcore); a direction that finds no slot within
	 * SL_DP_LEAK_PROBE probes counts in leak_other. */
	struct sl_dp_vrf_count *vrf;
	/* forwarded packets that crossed: by (ingress VRF, egress interface's VRF) */
	struct sl_dp_leak_slot leak[SL_DP_LEAK_SLOTS];
	uint64_t leak_other;
	struct sl_dp_stalls stalls; /* reset by the worker itself (sl_dp::clear_gen) */
} __rte_cache_aligned;

/*
 * Leak-point filter (the firewall's hook): called on a worker once per burst
 * with the packets that are about to be forwarded from VRF from_vrf[i] into
 * VRF to_vrf[i] (the VRF of the egress interface: after a leak redirect or
 * through a cross-VRF static next hop), and with those for a router address
 * of VRF to_vrf[i] that entered in from_vrf[i] when to_vrf[i]'s addresses
 * answer across leaks (sl_fib_iface.answer_across_leaks; otherwise they are
 * dropped as local_leak without being filtered); l3[i] points at each IPv4
 * header.
 * Set deny[i] to SL_DP_DENY_DROP to drop one (counted as leak_denied) or to
 * SL_DP_DENY_REJECT to drop it and punt it (SL_DP_PUNT_REJECT) so that the
 * slow path answers. Must not block or allocate; whatever it reads is
 * published under the FIB's QSBR (see sl_fib_synchronize).
 */
#define SL_DP_DENY_DROP 1
#define SL_DP_DENY_REJECT 2
typedef void (*sl_dp_leak_filter_fn)(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny);

/*
 * Source NAT at leak points (lib/fw's leak-nat), same shape and rules as the
 * filter; l3 headers may be rewritten in place. nat_out: after the filter,
 * the accepted packets leaving VRF a_vrf[i] into b_vrf[i] (not those for a
 * router address); nat_in: before the lookup in the VRF a redirect names,
 * the redirected packets that arrived in a_vrf[i], redirected into b_vrf[i]
 * (a reply for a NAT pool gets its destination back here, so the lookup
 * finds its host). deny[i] as the filter's. Returns how many packets it
 * rewrote or denied; 0: l3 headers and deny[] untouched, so the caller need
 * not read them back (most redirects are not replies for a pool).
 */
typedef uint16_t (*sl_dp_leak_nat_fn)(void *ctx, struct rte_mbuf **pkts, uint8_t *const *l3,
	const uint32_t *a_vrf, const uint32_t *b_vrf, uint16_t n, uint8_t *deny);

struct sl_dp_leak_filter {
	sl_dp_leak_filter_fn fn; /* NULL: no filter */
	void *ctx;
	sl_dp_leak_nat_fn nat_out, nat_in; /* NULL: no NAT */
	/* Optional, with nat_in: whether a redirect that arrived in a_vrf into
	 * b_vrf may be a reply nat_in translates. A burst whose redirects are
	 * all of one pair it says no to skips nat_in (the forward direction of
	 * leaked traffic: no per-packet lists for nothing). NULL: ask nat_in. */
	bool (*nat_in_may)(void *ctx, uint32_t a_vrf, uint32_t b_vrf);
};

/* Shared datapath state. */
struct sl_dp {
	struct sl_fib *fib;
	struct rte_ring *punt; /* multi-producer (workers), single consumer (control) */
	struct rte_ring *punt_ctl[SL_DP_PC_OTHER]; /* the control classes', the same way */
	struct sl_dp_leak_filter *leak_filter; /* atomically published; NULL: none */
	volatile bool stop;
	/* tx queues each port has: a worker whose queue is beyond drops (tx_full) */
	uint16_t n_txq[SL_FIB_PORT_MAX];
	struct sl_dp_counters counters[RTE_MAX_LCORE];
	struct sl_dp_vrf_count *vrf_counts; /* the lcores' vrf blocks, one allocation */
	struct sl_dp_counters cleared; /* sum at the last clear: workers never reset theirs */
	uint32_t clear_gen; /* bumped by a clear: workers then zero their stalls */
};

/* Dynamic-field offset of struct sl_dp_meta; valid after sl_dp_init. */
extern int sl_dp_meta_offset;

static inline struct sl_dp_meta *sl_dp_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, sl_dp_meta_offset, struct sl_dp_meta *);
}

/* Register the metadata field; 0 or a negative errno. Idempotent. */
int sl_dp_meta_register(void);

/* Allocate the shared state, the punt ring (punt_size: power of 2), the
 * control classes' rings (SL_DP_PUNT_CTL_SIZE each) and the per-VRF
 * counters of every EAL lcore. NULL, errno. */
struct sl_dp *sl_dp_new(struct sl_fib *fib, unsigned punt_size, int socket_id);
void sl_dp_free(struct sl_dp *dp);

/* A zeroed block of SL_VRF_MAX per-VRF counters (for counters outside
 * dp->counters, such as a test's); rte_free it. NULL, errno. */
struct sl_dp_vrf_count *sl_dp_vrf_counts_new(int socket_id);

/*
 * Install (fn != NULL) or remove the leak-point filter. Control thread only
 * (never an online reader: it waits for the readers); returns after a grace period, so the previous filter's ctx may be freed
 * then. 0 or -ENOMEM.
 */
int sl_dp_set_leak_filter(struct sl_dp *dp, sl_dp_leak_filter_fn fn, void *ctx);
/* The same with every hook (fn and the NAT ones; h NULL or all NULL: none). */
int sl_dp_set_leak_hooks(struct sl_dp *dp, const struct sl_dp_leak_filter *h);

/* Where the packets of one burst go; filled by sl_dp_process. */
struct sl_dp_out {
	uint16_t n_tx[SL_FIB_PORT_MAX];
	uint16_t n_punt, n_drop;
	uint32_t tx_ports; /* bitmap of ports with n_tx > 0 */
	uint32_t punt_ctl; /* bitmap of punt[] entries of a control class */
	struct rte_mbuf *punt[SL_DP_BURST];
	struct rte_mbuf *drop[SL_DP_BURST];
	struct rte_mbuf *tx[SL_FIB_PORT_MAX][SL_DP_BURST];
};

/*
 * The per-burst pipeline without I/O: classify pkts[0..n) received on
 * in_port into out (whose counts must be zero on entry), updating c.
 * n <= SL_DP_BURST. The caller's thread must be an RCU reader of dp->fib.
 */
void sl_dp_process(struct sl_dp *dp, struct sl_dp_counters *c, uint16_t in_port,
	struct rte_mbuf **pkts, uint16_t n, struct sl_dp_out *out);

/* Send what sl_dp_process sorted: tx on queue txq, enqueue punts, free drops. */
void sl_dp_flush(struct sl_dp *dp, struct sl_dp_counters *c, uint16_t txq, struct sl_dp_out *out);

/*
 * Rewrite the L2 header for egress on ifc: replace the cur_l2_len bytes in
 * front of the L3 header by Ethernet (+802.1Q when ifc->vlan) with dst from
 * the l2 word, src = ifc->mac and ether_type (host order) inside.
 * 0 or -ENOSPC (no headroom).
 */
int sl_dp_l2_write(struct rte_mbuf *m, uint16_t cur_l2_len, const struct sl_fib_iface *ifc,
	uint64_t dst_l2, uint16_t ether_type);

/* A worker: the rx queues it polls and the tx queue it owns on every port. */
struct sl_dp_rxq {
	uint16_t port;
	uint16_t queue;
};

struct sl_dp_worker {
	struct sl_dp *dp;
	unsigned lcore_id; /* also its RCU thread id */
	uint16_t txq;
	uint16_t n_rxq;
	struct sl_dp_rxq rxq[SL_DP_RXQ_MAX];
};

/* lcore entry point (arg: struct sl_dp_worker *): polls until dp->stop. */
int sl_dp_worker_main(void *arg);

/*
 * The main lcore as the only forwarding thread (no worker lcore): between two
 * control tasks, sl_dp_inline_poll makes one pass over w's rx queues, an RCU
 * reader of the FIB only meanwhile (offline the rest of the time, so the
 * control thread's own grace periods never wait on it). sl_dp_inline_start
 * registers w->lcore_id as a reader (NULL and errno on failure);
 * sl_dp_inline_stop unregisters it. Both on the main lcore.
 */
struct sl_dp_inline;
struct sl_dp_inline *sl_dp_inline_start(struct sl_dp_worker *w);
void sl_dp_inline_poll(struct sl_dp_inline *in);
void sl_dp_inline_stop(struct sl_dp_inline *in);

/* Sum of every lcore's counters since the last clear (clear only snapshots). */
void sl_dp_counters_sum(const struct sl_dp *dp, struct sl_dp_counters *sum);
void sl_dp_counters_clear(struct sl_dp *dp);

/* Every worker's stalls: the longest gaps and the summed counts. */
void sl_dp_stalls_get(const struct sl_dp *dp, struct sl_dp_stalls *st);

/*
 * Stall accounting of one worker loop (sl_dp_worker_main calls it once per
 * loop; exposed for tests): now_tsc is the loop's end, cpu_ns(ctx) the
 * thread's CPU clock, read only every SL_DP_STALL_SAMPLE_US.
 */
struct sl_dp_stall_clock {
	uint64_t hz, floor_cycles, sample_cycles;
	uint64_t last_tsc, sample_tsc, sample_cpu_ns;
	uint32_t gen;
	uint64_t (*cpu_ns)(void *ctx);
	void *ctx;
};
void sl_dp_stall_start(struct sl_dp_stall_clock *k, const struct sl_dp *dp, uint64_t hz,
	uint64_t now_tsc, uint64_t (*cpu_ns)(void *ctx), void *ctx);
void sl_dp_stall_slow(struct sl_dp_stall_clock *k, const struct sl_dp *dp, struct sl_dp_stalls *st,
	uint64_t now_tsc);

static inline void sl_dp_stall_tick(struct sl_dp_stall_clock *k, const struct sl_dp *dp,
	struct sl_dp_stalls *st, uint64_t now_tsc)
{
	/* the usual loop: two compares; a gap over the floor (10 us) or the
	 * sample period reads the CPU clock */
	if (unlikely(now_tsc - k->last_tsc > k->floor_cycles ||
		     now_tsc - k->sample_tsc >= k->sample_cycles))
		sl_dp_stall_slow(k, dp, st, now_tsc);
	k->last_tsc = now_tsc;
}

#endif
