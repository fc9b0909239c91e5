/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_slow.h — the router's slow path, run by the control thread (the FIB's
 * one writer): the consumer of the datapath's punt ring.
 *
 * - Neighbours: one table (interface, IPv4) → ARP state, MAC and a small
 *   hold queue; it owns the ARP state machine and pushes MACs into lib/fib
 *   (sl_fib_neigh_set / sl_fib_neigh_pending), the only writes the slow
 *   path makes to the FIB.
 * - ICMP: echo replies for the router's addresses (rate-limited),
 *   time-exceeded, destination-unreachable (rate-limited, a bucket of its
 *   own), the answers of leak-point
 *   `reject` rules (TCP RST through lib/fw's builder, else ICMP 3/13).
 * - Router output: route an IP packet the router originates in a VRF.
 * - Ping/traceroute sessions originated by the router.
 *
 * Inside a long commit the slow path runs from the sl_progress hook
 * (sl_slow_progress): the FIB's writer is mid-operation then, so neighbour
 * writes are queued and applied at the next sl_slow_poll outside it.
 * Nothing here is thread-safe: one thread calls every function.
 */
#ifndef SL_SLOW_H
#define SL_SLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>

#include "sl_dp.h"
#include "sl_fib.h"

/* Send m (a whole frame) on port; false if not sent (the caller frees). */
typedef bool (*sl_slow_tx_fn)(void *ctx, uint16_t port, struct rte_mbuf *m);
/* The name of vrf_id, for `show arp`; NULL if unknown. */
typedef const char *(*sl_slow_vrf_name_fn)(void *ctx, uint32_t vrf_id);

struct sl_slow_config {
	struct sl_fib *fib;
	struct rte_ring *punt; /* the datapath's punt ring; NULL: sl_slow_input only */
	/* its control classes' rings (sl_dp.punt_ctl), served first; NULL: none */
	struct rte_ring *punt_ctl[SL_DP_PC_OTHER];
	struct rte_mempool *pool; /* for the packets the router originates */
	sl_slow_tx_fn tx;
	void *tx_ctx;
	uint64_t hz; /* TSC frequency; 0: rte_get_tsc_hz() */
	uint64_t (*clock)(void); /* TSC now; NULL: rte_get_tsc_cycles (tests set one) */
	uint32_t unreach_per_s; /* ICMP unreachables per second; 0: 100 */
	uint32_t echo_per_s; /* echo replies from the router per second; 0: 100 */
	/* Per interface (a VRF's interfaces each have their own), so that one
	 * tenant cannot exhaust another's neighbours; 0: the default. */
	uint32_t if_neigh_max; /* entries in any state; default 4,096 */
	uint32_t if_incomplete_max; /* entries being resolved; default 256 */
	uint32_t if_held_max; /* packets held; default 256 */
	uint32_t if_arp_per_s; /* ARP requests a second, as large a burst; default 100 */
};

/* Neighbours held (one gateway per tenant at 4,096 tenants, with room for
 * ECMP paths and hosts on connected subnets); the FIB's neighbour hash
 * should hold twice as many (cuckoo inserts succeed at half load). */
#define SL_SLOW_NEIGH_MAX 16384
#define SL_SLOW_HOLD_MAX 4 /* packets held per unresolved neighbour */
#define SL_SLOW_HELD_MAX 4096 /* packets held for all of them together */
#define SL_SLOW_PING_MAX 8 /* concurrent ping/traceroute sessions */
#define SL_SLOW_IF_NEIGH_MAX 4096
#define SL_SLOW_IF_INCOMPLETE_MAX 256
#define SL_SLOW_IF_HELD_MAX 256
#define SL_SLOW_IF_ARP_PER_S 100

struct sl_slow;

/* NULL and errno (EINVAL, ENOMEM). */
struct sl_slow *sl_slow_new(const struct sl_slow_config *cfg);
/* Frees held packets and aborts ping sessions (their done callback runs). */
void sl_slow_free(struct sl_slow *sl);

/* Serve up to one burst (64) of the punt rings, the control classes'
 * first; the number served. */
unsigned sl_slow_poll(struct sl_slow *sl);
/* One punted packet (sl_dp_meta set, data at the frame); consumes m. */
void sl_slow_input(struct sl_slow *sl, struct rte_mbuf *m);
/*
 * Packets for the router that the slow path does not answer itself: TCP,
 * UDP, OSPF and other protocols, ICMP other than echo requests and ping
 * answers, ARP replies to the router's addresses (after the neighbour table
 * learnt from them), link-local multicast (SL_DP_PUNT_LINK_MCAST). Data at the L3 header (IPv4 or ARP), the received L2
 * header's meta->l2_len bytes before it. true: the hook consumed m; false:
 * the slow path goes on as without a hook (UDP: port unreachable; else
 * dropped). For control-plane interfaces (lib/cpif).
 */
typedef bool (*sl_slow_local_fn)(
	void *ctx, struct rte_mbuf *m, const struct sl_dp_meta *meta, bool arp);
void sl_slow_local_hook_set(struct sl_slow *sl, sl_slow_local_fn fn, void *ctx);

/* Neighbour probes and expiry, ping timeouts: call every few ms. */
void sl_slow_timers(struct sl_slow *sl);
/* sl_progress_fn (arg: struct sl_slow *): serve the punt ring in a commit. */
void sl_slow_progress(void *arg);
/* Forget every neighbour (the FIB's copies too) and drop held packets. */
void sl_slow_neigh_flush(struct sl_slow *sl);

/* The longest stretch a commit left the punt ring unpolled: wall and
 * on-CPU (the rest is the kernel running other threads on the CPU). */
struct sl_slow_punt_wait {
	double max_ms, max_cpu_ms;
};
void sl_slow_punt_wait_start(struct sl_slow *sl);
void sl_slow_punt_wait_end(struct sl_slow *sl, struct sl_slow_punt_wait *out);

/* Route and send an IP packet (data at the IP header) from the router in
 * vrf_id; m is consumed. 0, -ENETUNREACH, -EHOSTUNREACH. */
int sl_slow_ip_output(struct sl_slow *sl, struct rte_mbuf *m, uint32_t vrf_id);
/* The source address the router uses towards dst in vrf_id. 0,
 * -ENETUNREACH (no route, blackhole), -EADDRNOTAVAIL (no address). */
int sl_slow_route_src(struct sl_slow *sl, uint32_t vrf_id, uint32_t dst, uint32_t *src);

struct sl_slow_stats {
	uint64_t drops; /* packets the slow path could not send or hold */
	uint64_t commit_punts; /* punts served inside commits, ever */
	uint64_t icmp_limited; /* ICMP errors and echo replies not sent: rate limits */
	uint64_t neigh_refused; /* new neighbours refused: an interface's limit or a full table */
	uint64_t arp_limited; /* ARP requests not sent: an interface's rate limit */
	uint64_t unresolved; /* neighbours given up: no ARP reply to any probe */
	uint32_t neighbours, incomplete, held;
};
void sl_slow_stats_get(const struct sl_slow *sl, struct sl_slow_stats *st);
/* The same for one interface (drops and commit_punts 0); -ENOENT if unknown. */
int sl_slow_if_stats_get(const struct sl_slow *sl, uint16_t oif, struct sl_slow_stats *st);
void sl_slow_counters_clear(struct sl_slow *sl);

/* `show arp [vrf NAME]`: vrf_id SL_SLOW_ALL_VRFS for all. */
#define SL_SLOW_ALL_VRFS UINT32_MAX
void sl_slow_arp_show(const struct sl_slow *sl, FILE *out, uint32_t vrf_id, bool json,
	sl_slow_vrf_name_fn name, void *name_ctx);

/* Ping (count echo requests, one a second) or traceroute (TTL 1..30) of dst
 * in vrf_id, printing to out as ping(8)/traceroute(8) do; done(ctx, status)
 * runs once at the end (status 0: answered). 0, -EBUSY (too many
 * sessions), -ENOMEM. */
struct sl_slow_ping_req {
	uint32_t vrf_id, dst;
	unsigned count;
	bool traceroute;
	FILE *out;
	void (*done)(void *ctx, int status);
	void *ctx;
};
int sl_slow_ping_start(struct sl_slow *sl, const struct sl_slow_ping_req *req);

/* Register `show arp [vrf NAME]`, `ping ADDR vrf NAME [count N]` and
 * `traceroute ADDR vrf NAME` on the control socket (lib/ctl); r names the
 * VRFs. sl and r stay valid while the socket is served. 0 or
 * sl_ctl_register's error. */
struct sl_router;
int sl_slow_cmds_register(struct sl_slow *sl, const struct sl_router *r);

/*
 * The "slow" module (slow_module.c): the slow path on the daemon's punt
 * rings, its commands, the progress hook of long commits. The daemon wires
 * it once, before sl_module_init_all, with where its sources will be (made
 * by the modules it needs: dp, ctl; the FIB and the pool before them).
 */
struct sl_slow_wiring {
	struct sl_router *const *router;
	struct sl_fib *const *fib;
	struct sl_dp *const *dp; /* its punt rings */
	struct rte_mempool *const *pool; /* the router's own packets */
	const uint64_t *hz; /* TSC ticks a second */
	sl_slow_tx_fn tx; /* the control thread's queue of each port */
	void *tx_ctx;
	struct sl_slow **slow; /* where the module keeps the slow path (others use it) */
};
void sl_slow_module_wire(const struct sl_slow_wiring *w);

#endif
