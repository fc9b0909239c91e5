/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slow_neigh.c — the neighbour table: ARP resolution (INCOMPLETE → probes →
 * REACHABLE → STALE → refreshed or freed), a small hold queue per
 * unresolved neighbour, answers to ARP requests for the router's addresses,
 * and the MACs pushed into lib/fib for the workers.
 *
 * Limits per interface (struct sl_slow_config): entries, entries being
 * resolved, packets held and ARP requests a second, so that a tenant
 * sweeping its subnet fills only its own share. An INCOMPLETE entry lives
 * NEIGH_PROBES probe intervals (3 s) whether or not the rate limit let its
 * requests out: a sweep's entries age fast and make room for the next.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>

#include "slow_priv.h"

#define NEIGH_PROBE_MS 1000
#define NEIGH_PROBES 3
#define NEIGH_REACHABLE_S 300

struct neigh_key {
	uint32_t ip;
	uint16_t oif;
	uint16_t zero;
};

int slow_neigh_init(struct sl_slow *sl)
{
	static unsigned seq;
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "sl_slow_nb_%d_%u", (int)getpid(), seq++);
	struct rte_hash_parameters p = {
		.name = name,
		.entries = SL_SLOW_NEIGH_MAX,
		.key_len = sizeof(struct neigh_key),
		.socket_id = (int)rte_socket_id(),
		/* every one of the SL_SLOW_NEIGH_MAX keys fits, whatever their buckets */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	sl->neigh = calloc(SL_SLOW_NEIGH_MAX, sizeof(*sl->neigh));
	sl->neigh_free = calloc(SL_SLOW_NEIGH_MAX, sizeof(*sl->neigh_free));
	sl->neigh_ix = rte_hash_create(&p);
	sl->ifs = calloc(SL_FIB_IFACE_MAX, sizeof(*sl->ifs));
	if (sl->neigh == NULL || sl->neigh_free == NULL || sl->neigh_ix == NULL || sl->ifs == NULL)
		return -ENOMEM;
	/* slot 0 on top: slots are used from the lowest, keeping walks short */
	for (uint32_t i = 0; i < SL_SLOW_NEIGH_MAX; i++)
		sl->neigh_free[i] = SL_SLOW_NEIGH_MAX - 1 - i;
	sl->n_neigh_free = SL_SLOW_NEIGH_MAX;
	return 0;
}

void slow_neigh_fini(struct sl_slow *sl)
{
	rte_hash_free(sl->neigh_ix);
	free(sl->neigh);
	free(sl->neigh_free);
	free(sl->ifs);
}

static struct slow_neigh *neigh_find(struct sl_slow *sl, uint16_t oif, uint32_t ip)
{
	struct neigh_key k = {.ip = ip, .oif = oif};
	void *data;
	if (rte_hash_lookup_data(sl->neigh_ix, &k, &data) < 0)
		return NULL;
	return &sl->neigh[(uintptr_t)data];
}

/* A new entry in state st (INCOMPLETE or REACHABLE), or NULL: refused. */
static struct slow_neigh *neigh_new(struct sl_slow *sl, uint16_t oif, uint32_t ip, uint8_t st)
{
	struct neigh_key k = {.ip = ip, .oif = oif};
	if (oif >= SL_FIB_IFACE_MAX)
		return NULL;
	struct slow_if *f = &sl->ifs[oif];
	if (sl->n_neigh_free == 0 || f->n_neigh >= sl->cfg.if_neigh_max ||
		(st == NB_INCOMPLETE && f->n_incomplete >= sl->cfg.if_incomplete_max)) {
		f->refused++;
		return NULL;
	}
	uint32_t i = sl->neigh_free[sl->n_neigh_free - 1];
	if (rte_hash_add_key_data(sl->neigh_ix, &k, (void *)(uintptr_t)i) < 0) {
		f->refused++;
		return NULL;
	}
	f->n_neigh++;
	f->n_incomplete += st == NB_INCOMPLETE;
	sl->n_neigh_free--;
	if (i >= sl->neigh_hi)
		sl->neigh_hi = i + 1;
	struct slow_neigh *n = &sl->neigh[i];
	memset(n, 0, sizeof(*n));
	n->oif = oif;
	n->ip = ip;
	n->state = st;
	return n;
}

static void neigh_drop_held(struct sl_slow *sl, struct slow_neigh *n)
{
	for (unsigned i = 0; i < n->n_hold; i++)
		slow_drop(sl, n->hold[i]);
	sl->n_held -= n->n_hold;
	sl->ifs[n->oif].n_held -= n->n_hold;
	n->n_hold = 0;
}

static void neigh_op_apply(struct sl_slow *sl, const struct slow_neigh_op *o)
{
	if (o->op == NB_OP_PENDING)
		sl_fib_neigh_pending(sl->cfg.fib, o->oif, o->ip);
	else
		sl_fib_neigh_set(sl->cfg.fib, o->oif, o->ip, o->op == NB_OP_SET ? &o->mac : NULL);
}

/* The slow path's only FIB writes: now, or after the commit it runs in. */
static void neigh_fib_write(
	struct sl_slow *sl, uint8_t op, uint16_t oif, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct slow_neigh_op o = {.ip = ip, .oif = oif, .op = op};
	if (mac != NULL)
		o.mac = *mac;
	if (!sl->in_commit)
		neigh_op_apply(sl, &o);
	else if (sl->n_defer < SLOW_DEFER_MAX) /* sl_slow_progress keeps room */
		sl->defer[sl->n_defer++] = o;
}

void slow_neigh_defer_flush(struct sl_slow *sl)
{
	for (unsigned i = 0; i < sl->n_defer; i++)
		neigh_op_apply(sl, &sl->defer[i]);
	sl->n_defer = 0;
}

static void neigh_free(struct sl_slow *sl, struct slow_neigh *n)
{
	/* resolution failed: forwarded packets held get host-unreachable (RFC 1812) */
	for (unsigned i = 0; n->state == NB_INCOMPLETE && i < n->n_hold; i++) {
		const struct sl_dp_meta *meta = sl_dp_meta(n->hold[i]);
		if (meta->in_oif != SL_FIB_OIF_NONE && slow_unreach_allowed(sl))
			slow_icmp_error(sl,
				rte_pktmbuf_mtod(n->hold[i], const struct rte_ipv4_hdr *),
				meta->in_oif, meta->vrf_id, SL_ICMP_DEST_UNREACH,
				SL_ICMP_HOST_UNREACH);
	}
	neigh_drop_held(sl, n);
	neigh_fib_write(sl, NB_OP_FORGET, n->oif, n->ip, NULL);
	sl->ifs[n->oif].n_neigh--;
	sl->ifs[n->oif].n_incomplete -= n->state == NB_INCOMPLETE;
	n->state = NB_FREE;
	struct neigh_key k = {.ip = n->ip, .oif = n->oif};
	if (rte_hash_del_key(sl->neigh_ix, &k) >= 0)
		sl->neigh_free[sl->n_neigh_free++] = (uint32_t)(n - sl->neigh);
}

void sl_slow_neigh_flush(struct sl_slow *sl)
{
	for (unsigned i = 0; i < sl->neigh_hi; i++)
		if (sl->neigh[i].state != NB_FREE)
			neigh_free(sl, &sl->neigh[i]);
}

static void arp_send(struct sl_slow *sl, uint16_t oif, uint16_t op,
	const struct rte_ether_addr *tha, uint32_t tip, uint32_t sip)
{
	const struct sl_fib_iface *f = slow_iface(sl, oif);
	if (f == NULL || !f->up)
		return;
	struct rte_mbuf *m = slow_alloc(sl, sizeof(struct rte_arp_hdr));
	if (m == NULL)
		return;
	struct rte_arp_hdr *a = rte_pktmbuf_mtod(m, struct rte_arp_hdr *);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&f->mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	static const struct rte_ether_addr zero, bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	rte_ether_addr_copy(tha ? tha : &zero, &a->arp_data.arp_tha);
	a->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	if (sl_dp_l2_write(m, 0, f, sl_fib_mac_to_l2(tha ? tha : &bcast), RTE_ETHER_TYPE_ARP) < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	slow_tx(sl, f->port, m);
}

/* An interface's ARP requests: if_arp_per_s, as large a burst. */
static bool arp_allowed(struct sl_slow *sl, uint16_t oif, uint64_t now)
{
	struct slow_if *f = &sl->ifs[oif];
	if (slow_bucket_take(&f->arp, sl->cfg.if_arp_per_s, now, sl->hz))
		return true;
	f->arp_limited++;
	return false;
}

static void neigh_probe(struct sl_slow *sl, struct slow_neigh *n, uint64_t now)
{
	const struct sl_fib_iface *f = slow_iface(sl, n->oif);
	if (f == NULL)
		return;
	/* STALE entries are refreshed with a unicast request, like Linux */
	if (arp_allowed(sl, n->oif, now))
		arp_send(sl, n->oif, RTE_ARP_OP_REQUEST, n->state == NB_STALE ? &n->mac : NULL,
			n->ip, slow_src_for(f, n->ip));
	n->probes++; /* a suppressed probe counts: the entry ages all the same */
	n->next_tsc = now + sl->hz * NEIGH_PROBE_MS / 1000;
}

static void send_l2(struct sl_slow *sl, const struct sl_fib_iface *f,
	const struct rte_ether_addr *mac, struct rte_mbuf *m)
{
	if (sl_dp_l2_write(m, 0, f, sl_fib_mac_to_l2(mac), RTE_ETHER_TYPE_IPV4) < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	slow_tx(sl, f->port, m);
}

/* Send m (data at the IP header) to the resolved neighbour, or hold it. */
void slow_neigh_output(struct sl_slow *sl, uint16_t oif, uint32_t nh_ip, struct rte_mbuf *m)
{
	const struct sl_fib_iface *f = slow_iface(sl, oif);
	if (f == NULL || !f->up) {
		slow_drop(sl, m);
		return;
	}
	struct slow_neigh *n = neigh_find(sl, oif, nh_ip);
	if (n != NULL && (n->state == NB_REACHABLE || n->state == NB_STALE)) {
		send_l2(sl, f, &n->mac, m);
		return;
	}
	if (n == NULL) {
		n = neigh_new(sl, oif, nh_ip, NB_INCOMPLETE);
		if (n == NULL) {
			slow_drop(sl, m);
			return;
		}
		neigh_fib_write(sl, NB_OP_PENDING, oif, nh_ip, NULL);
		neigh_probe(sl, n, slow_now(sl));
	}
	struct slow_if *fi = &sl->ifs[oif];
	if (n->n_hold == SL_SLOW_HOLD_MAX) { /* keep the newest */
		slow_drop(sl, n->hold[0]);
		memmove(&n->hold[0], &n->hold[1], (SL_SLOW_HOLD_MAX - 1) * sizeof(n->hold[0]));
		n->n_hold--;
		sl->n_held--;
		fi->n_held--;
	} else if (sl->n_held >= SL_SLOW_HELD_MAX || fi->n_held >= sl->cfg.if_held_max) {
		slow_drop(sl, m); /* the mbuf pool is for forwarding */
		return;
	}
	n->hold[n->n_hold++] = m;
	sl->n_held++;
	fi->n_held++;
}

static void neigh_learn(struct sl_slow *sl, uint16_t oif, uint32_t ip,
	const struct rte_ether_addr *mac, bool create)
{
	struct slow_neigh *n = neigh_find(sl, oif, ip);
	if (n == NULL) {
		if (!create)
			return;
		n = neigh_new(sl, oif, ip, NB_REACHABLE);
		if (n == NULL)
			return;
	}
	sl->ifs[oif].n_incomplete -= n->state == NB_INCOMPLETE;
	bool changed = n->state != NB_REACHABLE || !rte_is_same_ether_addr(&n->mac, mac);
	n->mac = *mac;
	n->state = NB_REACHABLE;
	n->probes = 0;
	n->next_tsc = slow_now(sl) + sl->hz * NEIGH_REACHABLE_S;
	if (changed)
		neigh_fib_write(sl, NB_OP_SET, oif, ip, mac);
	const struct sl_fib_iface *f = slow_iface(sl, oif);
	for (unsigned i = 0; i < n->n_hold; i++) {
		if (f == NULL)
			rte_pktmbuf_free(n->hold[i]);
		else
			send_l2(sl, f, mac, n->hold[i]);
	}
	sl->n_held -= n->n_hold;
	sl->ifs[oif].n_held -= n->n_hold;
	n->n_hold = 0;
}

void slow_neigh_timers(struct sl_slow *sl, uint64_t now)
{
	for (unsigned i = 0; i < sl->neigh_hi; i++) {
		struct slow_neigh *n = &sl->neigh[i];
		if (n->state == NB_FREE || now < n->next_tsc)
			continue;
		if (n->state == NB_REACHABLE) {
			n->state = NB_STALE; /* still used while it is refreshed */
			n->probes = 0;
			neigh_probe(sl, n, now);
		} else if (n->probes >= NEIGH_PROBES) {
			sl->ifs[n->oif].unresolved += n->state == NB_INCOMPLETE;
			neigh_free(sl, n);
		} else {
			neigh_probe(sl, n, now);
		}
	}
}

bool slow_arp_input(struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta)
{
	const struct sl_fib_iface *f = slow_iface(sl, meta->in_oif);
	if (f == NULL || m->data_len < meta->l2_len + sizeof(struct rte_arp_hdr))
		return false;
	const struct rte_arp_hdr *a =
		rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, meta->l2_len);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
		a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
		a->arp_plen != 4)
		return false;
	uint16_t op = rte_be_to_cpu_16(a->arp_opcode);
	uint32_t sip = rte_be_to_cpu_32(a->arp_data.arp_sip);
	uint32_t tip = rte_be_to_cpu_32(a->arp_data.arp_tip);
	struct rte_ether_addr sha = a->arp_data.arp_sha;
	bool for_us = slow_iface_owns(f, tip);
	if (sip != 0 && slow_iface_on_link(f, sip) && !rte_is_multicast_ether_addr(&sha))
		neigh_learn(sl, meta->in_oif, sip, &sha, for_us);
	if (op == RTE_ARP_OP_REQUEST && for_us)
		arp_send(sl, meta->in_oif, RTE_ARP_OP_REPLY, &sha, sip, tip);
	return op == RTE_ARP_OP_REPLY && for_us;
}

const char *slow_neigh_state_name(uint8_t st)
{
	switch (st) {
	case NB_INCOMPLETE:
		return "INCOMPLETE";
	case NB_REACHABLE:
		return "REACHABLE";
	case NB_STALE:
		return "STALE";
	default:
		return "?";
	}
}
