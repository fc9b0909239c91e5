/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slow_core.c — the punt ring's consumer: dispatch by punt reason, the
 * sl_progress hook that serves it inside long commits, and how long a
 * commit left it waiting.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "slow_priv.h"

#define UNREACH_PER_S 100 /* ICMP unreachable messages per second, burst as much */

static uint32_t or_default(uint32_t v, uint32_t dflt)
{
	return v != 0 ? v : dflt;
}

struct sl_slow *sl_slow_new(const struct sl_slow_config *cfg)
{
	if (cfg == NULL || cfg->fib == NULL || cfg->pool == NULL || cfg->tx == NULL) {
		errno = EINVAL;
		return NULL;
	}
	struct sl_slow *sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return NULL;
	sl->cfg = *cfg;
	sl->cfg.unreach_per_s = or_default(cfg->unreach_per_s, UNREACH_PER_S);
	sl->cfg.echo_per_s = or_default(cfg->echo_per_s, UNREACH_PER_S);
	sl->cfg.if_neigh_max = or_default(cfg->if_neigh_max, SL_SLOW_IF_NEIGH_MAX);
	sl->cfg.if_incomplete_max = or_default(cfg->if_incomplete_max, SL_SLOW_IF_INCOMPLETE_MAX);
	sl->cfg.if_held_max = or_default(cfg->if_held_max, SL_SLOW_IF_HELD_MAX);
	sl->cfg.if_arp_per_s = or_default(cfg->if_arp_per_s, SL_SLOW_IF_ARP_PER_S);
	sl->hz = cfg->hz ? cfg->hz : rte_get_tsc_hz();
	if (sl_dp_meta_register() < 0 || slow_neigh_init(sl) < 0) {
		sl_slow_free(sl);
		errno = ENOMEM;
		return NULL;
	}
	return sl;
}

void sl_slow_free(struct sl_slow *sl)
{
	if (sl == NULL)
		return;
	slow_ping_abort_all(sl);
	if (sl->neigh != NULL)
		for (unsigned i = 0; i < sl->neigh_hi; i++)
			for (unsigned h = 0; h < sl->neigh[i].n_hold; h++)
				rte_pktmbuf_free(sl->neigh[i].hold[h]);
	slow_neigh_fini(sl);
	free(sl);
}

void sl_slow_input(struct sl_slow *sl, struct rte_mbuf *m)
{
	struct sl_dp_meta meta = *sl_dp_meta(m);
	if (meta.reason == SL_DP_PUNT_ARP) {
		if (slow_arp_input(sl, m, &meta)) {
			rte_pktmbuf_adj(m, meta.l2_len);
			if (slow_to_local(sl, m, &meta, true))
				return;
		}
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_adj(m, meta.l2_len); /* data now at the IP header */
	m->ol_flags = 0;
	m->vlan_tci = 0;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	switch (meta.reason) {
	case SL_DP_PUNT_LOCAL:
		slow_local_input(sl, m, &meta);
		return;
	case SL_DP_PUNT_UNRESOLVED:
		slow_neigh_output(sl, meta.out_oif, meta.nh_ip, m);
		return;
	case SL_DP_PUNT_TTL:
		slow_icmp_error(sl, ip, meta.in_oif, meta.vrf_id, SL_ICMP_TIME_EXCEEDED,
			SL_ICMP_TTL_EXCEEDED);
		break;
	case SL_DP_PUNT_NO_ROUTE:
	case SL_DP_PUNT_LEAK_LOOP: /* no usable route either: the worker redirects once */
		if (slow_unreach_allowed(sl))
			slow_icmp_error(sl, ip, meta.in_oif, meta.vrf_id, SL_ICMP_DEST_UNREACH,
				SL_ICMP_NET_UNREACH);
		break;
	case SL_DP_PUNT_REJECT:
		slow_reject(sl, m, &meta);
		break;
	case SL_DP_PUNT_LINK_MCAST: /* the TAP's or nobody's: never answered here */
		if (slow_to_local(sl, m, &meta, false))
			return;
		break;
	default:
		break;
	}
	rte_pktmbuf_free(m);
}

unsigned sl_slow_poll(struct sl_slow *sl)
{
	struct rte_mbuf *pkts[SLOW_BURST];
	if (!sl->in_commit && sl->n_defer > 0)
		slow_neigh_defer_flush(sl);
	unsigned n = 0;
	/* the control classes first: a flood waiting in the main ring
	 * delays them no more than it can fill their rings */
	for (unsigned k = 0; k <= SL_DP_PC_OTHER && n < SLOW_BURST; k++) {
		struct rte_ring *r = k < SL_DP_PC_OTHER ? sl->cfg.punt_ctl[k] : sl->cfg.punt;
		if (r != NULL)
			n += rte_ring_sc_dequeue_burst(r, (void **)&pkts[n], SLOW_BURST - n, NULL);
	}
	for (unsigned i = 0; i < n; i++)
		sl_slow_input(sl, pkts[i]);
	return n;
}

void sl_slow_local_hook_set(struct sl_slow *sl, sl_slow_local_fn fn, void *ctx)
{
	sl->local = fn;
	sl->local_ctx = ctx;
}

void sl_slow_timers(struct sl_slow *sl)
{
	uint64_t now = slow_now(sl);
	slow_neigh_timers(sl, now);
	slow_ping_timers(sl, now);
}

/* The punt ring is polled now: close the stretch since the last poll. */
static void punt_wait_mark(struct sl_slow *sl)
{
	uint64_t now = rte_get_tsc_cycles(), cpu = sl_thread_cpu_ns();
	if (sl->poll_tsc != 0) {
		sl->wait_max_tsc = RTE_MAX(sl->wait_max_tsc, now - sl->poll_tsc);
		sl->wait_max_cpu_ns = RTE_MAX(sl->wait_max_cpu_ns, cpu - sl->poll_cpu_ns);
	}
	sl->poll_tsc = now;
	sl->poll_cpu_ns = cpu;
}

void sl_slow_punt_wait_start(struct sl_slow *sl)
{
	sl->poll_tsc = 0;
	sl->wait_max_tsc = sl->wait_max_cpu_ns = 0;
	punt_wait_mark(sl);
}

void sl_slow_punt_wait_end(struct sl_slow *sl, struct sl_slow_punt_wait *out)
{
	punt_wait_mark(sl);
	out->max_ms = (double)sl->wait_max_tsc * 1e3 / (double)rte_get_tsc_hz();
	out->max_cpu_ms = (double)sl->wait_max_cpu_ns / 1e6;
	sl->poll_tsc = 0;
}

void sl_slow_progress(void *arg)
{
	struct sl_slow *sl = arg;
	unsigned n;
	if (sl->in_commit) /* the slow path itself waited in the FIB: not again */
		return;
	if (sl->poll_tsc != 0)
		punt_wait_mark(sl);
	/* a packet makes at most one neighbour write: a burst fits while there
	 * is room for one; past that the ring waits for the commit's end */
	sl->in_commit = true;
	do {
		if (sl->n_defer + SLOW_BURST > SLOW_DEFER_MAX)
			break;
		n = sl_slow_poll(sl);
		sl->commit_punts += n;
	} while (n == SLOW_BURST);
	sl->in_commit = false;
	/* glibc sorts the chunks freed since into its bins at the next malloc
	 * that finds no exact fit: after a commit's 100,000 frees that was one
	 * 3-4 ms stretch without a poll (the first large allocation after the
	 * commit). A large-bin request here sorts them a slice at a time
	 * (volatile: the compiler would drop a malloc whose block is unused). */
	void *volatile probe = malloc(SLOW_SORT_PROBE);
	free(probe);
}

void sl_slow_stats_get(const struct sl_slow *sl, struct sl_slow_stats *st)
{
	*st = (struct sl_slow_stats){
		.drops = sl->drops,
		.commit_punts = sl->commit_punts,
		.icmp_limited = sl->icmp_limited,
		.neighbours = SL_SLOW_NEIGH_MAX - sl->n_neigh_free,
		.held = sl->n_held,
	};
	for (unsigned i = 0; i < SL_FIB_IFACE_MAX; i++) {
		st->incomplete += sl->ifs[i].n_incomplete;
		st->neigh_refused += sl->ifs[i].refused;
		st->arp_limited += sl->ifs[i].arp_limited;
		st->unresolved += sl->ifs[i].unresolved;
	}
}

int sl_slow_if_stats_get(const struct sl_slow *sl, uint16_t oif, struct sl_slow_stats *st)
{
	if (oif >= SL_FIB_IFACE_MAX)
		return -ENOENT;
	const struct slow_if *f = &sl->ifs[oif];
	*st = (struct sl_slow_stats){
		.neigh_refused = f->refused,
		.arp_limited = f->arp_limited,
		.unresolved = f->unresolved,
		.neighbours = f->n_neigh,
		.incomplete = f->n_incomplete,
		.held = f->n_held,
	};
	return 0;
}

void sl_slow_counters_clear(struct sl_slow *sl)
{
	sl->drops = 0;
	sl->icmp_limited = 0;
	for (unsigned i = 0; i < SL_FIB_IFACE_MAX; i++)
		sl->ifs[i].refused = sl->ifs[i].arp_limited = sl->ifs[i].unresolved = 0;
}
