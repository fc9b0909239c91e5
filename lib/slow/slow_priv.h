/* SPDX-License-Identifier: BSD-3-Clause */
/* slow_priv.h — lib/slow's state, shared by its files (one concern each). */
#ifndef SLOW_PRIV_H
#define SLOW_PRIV_H

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "sl_slow.h"

#define SLOW_BURST 64
/* a glibc large-bin size below its 64 KiB trim check (sl_slow_progress) */
#define SLOW_SORT_PROBE 4096

enum slow_neigh_state { NB_FREE = 0, NB_INCOMPLETE, NB_REACHABLE, NB_STALE };

struct slow_neigh {
	uint8_t state;
	uint8_t probes; /* requests sent without an answer */
	uint8_t n_hold;
	uint16_t oif;
	uint32_t ip;
	struct rte_ether_addr mac;
	uint64_t next_tsc; /* next probe (INCOMPLETE/STALE) or expiry (REACHABLE) */
	struct rte_mbuf *hold[SL_SLOW_HOLD_MAX]; /* data at the IP header */
};

/* A neighbour write made inside a long commit (sl_slow_progress): the FIB
 * has one writer and that writer was mid-operation, so it is applied after. */
enum slow_neigh_op_kind { NB_OP_FORGET = 0, NB_OP_SET, NB_OP_PENDING };
struct slow_neigh_op {
	uint32_t ip;
	uint16_t oif;
	uint8_t op; /* enum slow_neigh_op_kind */
	struct rte_ether_addr mac;
};
#define SLOW_DEFER_MAX 2048

struct slow_ping; /* slow_ping.c */

/* A token bucket: rate a second, as large a burst, full at first. */
struct slow_bucket {
	uint64_t tokens, last_tsc;
};
static inline bool slow_bucket_take(struct slow_bucket *b, uint64_t rate, uint64_t now, uint64_t hz)
{
	if (b->last_tsc == 0) {
		b->tokens = rate;
		b->last_tsc = now;
	}
	uint64_t add = (now - b->last_tsc) * rate / hz;
	if (add > 0) {
		b->tokens = RTE_MIN(b->tokens + add, rate);
		b->last_tsc = now;
	}
	if (b->tokens == 0)
		return false;
	b->tokens--;
	return true;
}

/* What one interface holds and was refused (the per-interface limits). */
struct slow_if {
	uint32_t n_neigh, n_incomplete, n_held;
	struct slow_bucket arp;
	uint64_t refused, arp_limited;
	uint64_t unresolved; /* next hops that never answered ARP (sluiced logs a summary) */
};

struct sl_slow {
	struct sl_slow_config cfg;
	uint64_t hz;
	struct slow_bucket unreach; /* ICMP unreachables */
	struct slow_bucket echo; /* echo replies */
	uint64_t drops, icmp_limited;

	struct slow_neigh *neigh; /* SL_SLOW_NEIGH_MAX */
	/* (oif, ip) → slot of neigh[], free slots as a stack, and one past the
	 * highest slot ever used (the timer and show walks stop there) */
	struct rte_hash *neigh_ix;
	uint32_t *neigh_free;
	uint32_t n_neigh_free, neigh_hi;
	uint32_t n_held; /* packets in every hold queue */
	struct slow_if *ifs; /* SL_FIB_IFACE_MAX */

	bool in_commit; /* in the sl_progress hook: neighbour writes are deferred */
	unsigned n_defer;
	struct slow_neigh_op defer[SLOW_DEFER_MAX];
	uint64_t commit_punts;
	uint64_t poll_tsc, poll_cpu_ns; /* last punt-ring poll in a timed commit */
	uint64_t wait_max_tsc, wait_max_cpu_ns; /* longest stretch without one */

	sl_slow_local_fn local; /* the kernel's share of the router's packets */
	void *local_ctx;

	struct slow_ping *pings[SL_SLOW_PING_MAX];
	uint16_t ping_ident;
};

static inline uint64_t slow_now(const struct sl_slow *sl)
{
	return sl->cfg.clock != NULL ? sl->cfg.clock() : rte_get_tsc_cycles();
}

static inline size_t slow_ihl(const struct rte_ipv4_hdr *ip)
{
	return (size_t)(ip->version_ihl & 0xf) * 4u;
}

/* slow_out.c: interfaces, router output */
const struct sl_fib_iface *slow_iface(const struct sl_slow *sl, uint16_t oif);
uint32_t slow_iface_addr(const struct sl_slow *sl, uint16_t oif);
bool slow_iface_owns(const struct sl_fib_iface *f, uint32_t ip);
bool slow_iface_on_link(const struct sl_fib_iface *f, uint32_t ip);
uint32_t slow_src_for(const struct sl_fib_iface *f, uint32_t dst);
void slow_tx(struct sl_slow *sl, uint16_t port, struct rte_mbuf *m);
void slow_drop(struct sl_slow *sl, struct rte_mbuf *m);
/* An mbuf of len bytes for the router to fill, data at the IP header. */
struct rte_mbuf *slow_alloc(struct sl_slow *sl, size_t len);
/* The ones' complement checksum of len bytes, to store as is (network order). */
uint16_t slow_cksum(const void *p, size_t len);

/* slow_neigh.c */
int slow_neigh_init(struct sl_slow *sl);
void slow_neigh_fini(struct sl_slow *sl);
void slow_neigh_output(struct sl_slow *sl, uint16_t oif, uint32_t nh_ip, struct rte_mbuf *m);
void slow_neigh_timers(struct sl_slow *sl, uint64_t now);
void slow_neigh_defer_flush(struct sl_slow *sl);
/* true: an ARP reply to one of the router's addresses (the kernel may want it) */
bool slow_arp_input(struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta);
const char *slow_neigh_state_name(uint8_t st);

/* slow_icmp.c */
bool slow_unreach_allowed(struct sl_slow *sl);
/* ICMP error (RFC 792/1812) about `orig` (data at its IP header). */
void slow_icmp_error(struct sl_slow *sl, const struct rte_ipv4_hdr *orig, uint16_t in_oif,
	uint32_t vrf_id, uint8_t type, uint8_t code);
void slow_local_input(struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta);
/* Offer m to the local hook; true: consumed. */
static inline bool slow_to_local(
	struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta, bool arp)
{
	return sl->local != NULL && sl->local(sl->local_ctx, m, meta, arp);
}
void slow_reject(struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta);

/* slow_ping.c */
/* An ICMP message for the router (data at the IP header); true if it
 * answered a session (m consumed). */
bool slow_ping_input(struct sl_slow *sl, struct rte_mbuf *m);
void slow_ping_timers(struct sl_slow *sl, uint64_t now);
void slow_ping_abort_all(struct sl_slow *sl);

#endif
