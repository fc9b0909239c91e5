/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_slow.c — the punt path on the control thread: ARP (answers and
 * resolution with a small hold queue per neighbour), ICMP echo replies for
 * the router's addresses, ICMP time-exceeded and (rate-limited)
 * destination-unreachable, and output of router-originated packets.
 *
 * It also runs inside long commits, from the sl_progress hook (every 256
 * lines, routes or FIB changes): there the FIB's one writer, this same
 * thread, is mid-operation, so the slow path only reads the FIB (its tables
 * are whole between two changes, as the workers see them) and queues its
 * neighbour writes, applied at the next poll outside the commit.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "sluiced.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11

#define NEIGH_PROBE_MS 1000
#define NEIGH_PROBES 3
#define NEIGH_REACHABLE_S 300
#define UNREACH_PER_S 100 /* ICMP unreachable messages per second, burst as much */

uint16_t sd_ip_cksum(const void *hdr, size_t len)
{
	uint16_t c = (uint16_t)~rte_raw_cksum(hdr, len);
	return c;
}

void sd_tx_ctl(struct sd *s, uint16_t port, struct rte_mbuf *m)
{
	if (port >= s->n_ports || s->ctl_txq >= s->ports[port].n_txq ||
		rte_eth_tx_burst(port, s->ctl_txq, &m, 1) != 1) {
		s->slow_drops++;
		rte_pktmbuf_free(m);
	}
}

static const struct sl_fib_iface *iface(const struct sd *s, uint16_t oif)
{
	const struct sl_fib_ifmap *m = sl_fib_ifmap(s->fib);
	if (oif >= m->n_ifs || !m->ifs[oif].present)
		return NULL;
	return &m->ifs[oif];
}

uint32_t sd_iface_addr(const struct sd *s, uint16_t oif)
{
	const struct sl_fib_iface *f = iface(s, oif);
	return f != NULL && f->n_addrs > 0 ? f->addrs[0].addr : 0;
}

static bool iface_owns(const struct sl_fib_iface *f, uint32_t ip)
{
	for (uint32_t i = 0; i < f->n_addrs; i++)
		if (f->addrs[i].addr == ip)
			return true;
	return false;
}

static bool iface_on_link(const struct sl_fib_iface *f, uint32_t ip)
{
	for (uint32_t i = 0; i < f->n_addrs; i++)
		if (sl_prefix_contains(f->addrs[i], (struct sl_prefix){ip, 32}))
			return true;
	return false;
}

/* ---- neighbours ------------------------------------------------------ */

struct neigh_key {
	uint32_t ip;
	uint16_t oif;
	uint16_t zero;
};

int sd_neigh_init(struct sd *s)
{
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "sd_neigh_%d", (int)getpid());
	struct rte_hash_parameters p = {
		.name = name,
		.entries = SD_NEIGH_MAX,
		.key_len = sizeof(struct neigh_key),
		.socket_id = (int)rte_socket_id(),
		/* every one of the SD_NEIGH_MAX keys fits, whatever their buckets */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	s->neigh_ix = rte_hash_create(&p);
	if (s->neigh_ix == NULL)
		return -ENOMEM;
	/* slot 0 on top: slots are used from the lowest, keeping walks short */
	for (uint32_t i = 0; i < SD_NEIGH_MAX; i++)
		s->neigh_free[i] = SD_NEIGH_MAX - 1 - i;
	s->n_neigh_free = SD_NEIGH_MAX;
	s->neigh_hi = 0;
	return 0;
}

void sd_neigh_fini(struct sd *s)
{
	rte_hash_free(s->neigh_ix);
	s->neigh_ix = NULL;
}

static struct sd_neigh *neigh_find(struct sd *s, uint16_t oif, uint32_t ip)
{
	struct neigh_key k = {.ip = ip, .oif = oif};
	void *data;
	if (s->neigh_ix == NULL || rte_hash_lookup_data(s->neigh_ix, &k, &data) < 0)
		return NULL;
	return &s->neigh[(uintptr_t)data];
}

static struct sd_neigh *neigh_new(struct sd *s, uint16_t oif, uint32_t ip)
{
	struct neigh_key k = {.ip = ip, .oif = oif};
	if (s->neigh_ix == NULL || s->n_neigh_free == 0)
		return NULL;
	uint32_t i = s->neigh_free[s->n_neigh_free - 1];
	if (rte_hash_add_key_data(s->neigh_ix, &k, (void *)(uintptr_t)i) < 0)
		return NULL;
	s->n_neigh_free--;
	if (i >= s->neigh_hi)
		s->neigh_hi = i + 1;
	struct sd_neigh *n = &s->neigh[i];
	memset(n, 0, sizeof(*n));
	n->oif = oif;
	n->ip = ip;
	n->state = SD_NB_INCOMPLETE;
	return n;
}

static void neigh_drop_held(struct sd *s, struct sd_neigh *n)
{
	for (unsigned i = 0; i < n->n_hold; i++) {
		rte_pktmbuf_free(n->hold[i]);
		s->slow_drops++;
	}
	s->n_held -= n->n_hold;
	n->n_hold = 0;
}

static void icmp_error(struct sd *s, const struct rte_ipv4_hdr *orig, uint16_t in_oif,
	uint32_t vrf_id, uint8_t type, uint8_t code);
static bool unreach_allowed(struct sd *s);

static void neigh_op_apply(struct sd *s, const struct sd_neigh_op *o)
{
	if (o->op == SD_NB_OP_PENDING)
		sl_fib_neigh_pending(s->fib, o->oif, o->ip);
	else
		sl_fib_neigh_set(s->fib, o->oif, o->ip, o->op == SD_NB_OP_SET ? &o->mac : NULL);
}

/* The slow path's only FIB writes: now, or after the commit it runs in. */
static void neigh_fib_write(
	struct sd *s, uint8_t op, uint16_t oif, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct sd_neigh_op o = {.ip = ip, .oif = oif, .op = op};
	if (mac != NULL)
		o.mac = *mac;
	if (!s->in_commit)
		neigh_op_apply(s, &o);
	else if (s->n_defer < SD_DEFER_MAX) /* sd_slow_progress keeps room */
		s->defer[s->n_defer++] = o;
}

static void neigh_defer_flush(struct sd *s)
{
	for (unsigned i = 0; i < s->n_defer; i++)
		neigh_op_apply(s, &s->defer[i]);
	s->n_defer = 0;
}

static void neigh_free(struct sd *s, struct sd_neigh *n)
{
	/* resolution failed: forwarded packets held get host-unreachable (RFC 1812) */
	for (unsigned i = 0; n->state == SD_NB_INCOMPLETE && i < n->n_hold; i++) {
		const struct sl_dp_meta *meta = sl_dp_meta(n->hold[i]);
		if (meta->in_oif != SL_FIB_OIF_NONE && unreach_allowed(s))
			icmp_error(s, rte_pktmbuf_mtod(n->hold[i], const struct rte_ipv4_hdr *),
				meta->in_oif, meta->vrf_id, ICMP_DEST_UNREACH, 1);
	}
	neigh_drop_held(s, n);
	neigh_fib_write(s, SD_NB_OP_FORGET, n->oif, n->ip, NULL);
	n->state = SD_NB_FREE;
	struct neigh_key k = {.ip = n->ip, .oif = n->oif};
	if (rte_hash_del_key(s->neigh_ix, &k) >= 0)
		s->neigh_free[s->n_neigh_free++] = (uint32_t)(n - s->neigh);
}

void sd_neigh_flush_all(struct sd *s)
{
	for (unsigned i = 0; i < s->neigh_hi; i++)
		if (s->neigh[i].state != SD_NB_FREE)
			neigh_free(s, &s->neigh[i]);
}

static void arp_send(struct sd *s, uint16_t oif, uint16_t op, const struct rte_ether_addr *tha,
	uint32_t tip, uint32_t sip)
{
	const struct sl_fib_iface *f = iface(s, oif);
	if (f == NULL || !f->up)
		return;
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	if (m == NULL) {
		s->slow_drops++;
		return;
	}
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*a));
	if (a == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
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
	sd_tx_ctl(s, f->port, m);
}

static uint32_t src_for(const struct sl_fib_iface *f, uint32_t dst)
{
	for (uint32_t i = 0; i < f->n_addrs; i++)
		if (sl_prefix_contains(f->addrs[i], (struct sl_prefix){dst, 32}))
			return f->addrs[i].addr;
	return f->n_addrs > 0 ? f->addrs[0].addr : 0;
}

static void neigh_probe(struct sd *s, struct sd_neigh *n)
{
	const struct sl_fib_iface *f = iface(s, n->oif);
	if (f == NULL)
		return;
	/* STALE entries are refreshed with a unicast request, like Linux */
	arp_send(s, n->oif, RTE_ARP_OP_REQUEST, n->state == SD_NB_STALE ? &n->mac : NULL, n->ip,
		src_for(f, n->ip));
	n->probes++;
	n->next_tsc = rte_get_tsc_cycles() + s->hz * NEIGH_PROBE_MS / 1000;
}

/* Send m (data at the IP header) to the resolved neighbour, or hold it. */
static void neigh_output(struct sd *s, uint16_t oif, uint32_t nh_ip, struct rte_mbuf *m)
{
	const struct sl_fib_iface *f = iface(s, oif);
	if (f == NULL || !f->up) {
		s->slow_drops++;
		rte_pktmbuf_free(m);
		return;
	}
	struct sd_neigh *n = neigh_find(s, oif, nh_ip);
	if (n != NULL && (n->state == SD_NB_REACHABLE || n->state == SD_NB_STALE)) {
		if (sl_dp_l2_write(m, 0, f, sl_fib_mac_to_l2(&n->mac), RTE_ETHER_TYPE_IPV4) < 0) {
			rte_pktmbuf_free(m);
			return;
		}
		sd_tx_ctl(s, f->port, m);
		return;
	}
	if (n == NULL) {
		n = neigh_new(s, oif, nh_ip);
		if (n == NULL) {
			s->slow_drops++;
			rte_pktmbuf_free(m);
			return;
		}
		neigh_fib_write(s, SD_NB_OP_PENDING, oif, nh_ip, NULL);
		neigh_probe(s, n);
	}
	if (n->n_hold == SD_HOLD_MAX) { /* keep the newest */
		rte_pktmbuf_free(n->hold[0]);
		s->slow_drops++;
		memmove(&n->hold[0], &n->hold[1], (SD_HOLD_MAX - 1) * sizeof(n->hold[0]));
		n->n_hold--;
		s->n_held--;
	} else if (s->n_held >= SD_HELD_MAX) { /* the mbuf pool is for forwarding */
		s->slow_drops++;
		rte_pktmbuf_free(m);
		return;
	}
	n->hold[n->n_hold++] = m;
	s->n_held++;
}

static void neigh_learn(
	struct sd *s, uint16_t oif, uint32_t ip, const struct rte_ether_addr *mac, bool create)
{
	struct sd_neigh *n = neigh_find(s, oif, ip);
	if (n == NULL) {
		if (!create)
			return;
		n = neigh_new(s, oif, ip);
		if (n == NULL)
			return;
	}
	bool changed = n->state != SD_NB_REACHABLE || !rte_is_same_ether_addr(&n->mac, mac);
	n->mac = *mac;
	n->state = SD_NB_REACHABLE;
	n->probes = 0;
	n->next_tsc = rte_get_tsc_cycles() + s->hz * NEIGH_REACHABLE_S;
	if (changed)
		neigh_fib_write(s, SD_NB_OP_SET, oif, ip, mac);
	const struct sl_fib_iface *f = iface(s, oif);
	for (unsigned i = 0; i < n->n_hold; i++) {
		struct rte_mbuf *m = n->hold[i];
		if (f == NULL ||
			sl_dp_l2_write(m, 0, f, sl_fib_mac_to_l2(mac), RTE_ETHER_TYPE_IPV4) < 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		sd_tx_ctl(s, f->port, m);
	}
	s->n_held -= n->n_hold;
	n->n_hold = 0;
}

void sd_neigh_timers(struct sd *s)
{
	uint64_t now = rte_get_tsc_cycles();
	for (unsigned i = 0; i < s->neigh_hi; i++) {
		struct sd_neigh *n = &s->neigh[i];
		if (n->state == SD_NB_FREE || now < n->next_tsc)
			continue;
		if (n->state == SD_NB_REACHABLE) {
			n->state = SD_NB_STALE; /* still used while it is refreshed */
			n->probes = 0;
			neigh_probe(s, n);
		} else if (n->probes >= NEIGH_PROBES) {
			neigh_free(s, n);
		} else {
			neigh_probe(s, n);
		}
	}
}

static void arp_input(struct sd *s, struct rte_mbuf *m, const struct sl_dp_meta *meta)
{
	const struct sl_fib_iface *f = iface(s, meta->in_oif);
	if (f == NULL || m->data_len < meta->l2_len + sizeof(struct rte_arp_hdr))
		return;
	const struct rte_arp_hdr *a =
		rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, meta->l2_len);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
		a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
		a->arp_plen != 4)
		return;
	uint16_t op = rte_be_to_cpu_16(a->arp_opcode);
	uint32_t sip = rte_be_to_cpu_32(a->arp_data.arp_sip);
	uint32_t tip = rte_be_to_cpu_32(a->arp_data.arp_tip);
	struct rte_ether_addr sha = a->arp_data.arp_sha;
	bool for_us = iface_owns(f, tip);
	if (sip != 0 && iface_on_link(f, sip) && !rte_is_multicast_ether_addr(&sha))
		neigh_learn(s, meta->in_oif, sip, &sha, for_us);
	if (op == RTE_ARP_OP_REQUEST && for_us)
		arp_send(s, meta->in_oif, RTE_ARP_OP_REPLY, &sha, sip, tip);
}

/* ---- IP output from the router --------------------------------------- */

static int route(struct sd *s, uint32_t vrf_id, uint32_t dst, const struct sl_fib_nh **nh)
{
	uint32_t idx;
	struct sl_addr a = sl_addr_v4(dst);
	int rc = sl_fib_lookup(s->fib, vrf_id, &a, &idx, NULL);
	if (rc < 0)
		return rc;
	*nh = &sl_fib_nh_table(s->fib)[idx];
	return 0;
}

int sd_route_src(struct sd *s, uint32_t vrf_id, uint32_t dst, uint32_t *src)
{
	const struct sl_fib_nh *nh;
	int rc = route(s, vrf_id, dst, &nh);
	if (rc < 0)
		return rc;
	if (nh->type == SL_FIB_NH_T_BLACKHOLE)
		return -ENETUNREACH;
	const struct sl_fib_iface *f = iface(s, nh->oif);
	if (f == NULL || f->n_addrs == 0)
		return -EADDRNOTAVAIL;
	*src = nh->type == SL_FIB_NH_T_LOCAL ? dst : src_for(f, dst);
	return 0;
}

int sd_ip_output(struct sd *s, struct rte_mbuf *m, uint32_t vrf_id)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	const struct sl_fib_nh *nh;
	int rc = route(s, vrf_id, dst, &nh);
	if (rc == 0 && nh->type < SL_FIB_NH_T_CONNECTED)
		rc = nh->type == SL_FIB_NH_T_LOCAL ? -EHOSTUNREACH : -ENETUNREACH;
	if (rc < 0) {
		s->slow_drops++;
		rte_pktmbuf_free(m);
		return rc;
	}
	sl_dp_meta(m)->in_oif = SL_FIB_OIF_NONE; /* originated here: no ICMP errors about it */
	neigh_output(s, nh->oif, nh->type == SL_FIB_NH_T_GATEWAY ? nh->gw : dst, m);
	return 0;
}

/* ---- ICMP ------------------------------------------------------------ */

static bool is_martian_dst(uint32_t a)
{
	return a == 0 || a == 0xffffffffu || (a >> 28) == 0xe;
}

/* ICMP error (RFC 792/1812) about packet `orig` (data at its IP header). */
static void icmp_error(struct sd *s, const struct rte_ipv4_hdr *orig, uint16_t in_oif,
	uint32_t vrf_id, uint8_t type, uint8_t code)
{
	uint32_t osrc = rte_be_to_cpu_32(orig->src_addr);
	uint32_t odst = rte_be_to_cpu_32(orig->dst_addr);
	if (is_martian_dst(osrc) || is_martian_dst(odst) ||
		(rte_be_to_cpu_16(orig->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return;
	size_t ihl = (orig->version_ihl & 0xf) * 4u;
	if (orig->next_proto_id == IPPROTO_ICMP) {
		const struct rte_icmp_hdr *oi =
			(const struct rte_icmp_hdr *)((const uint8_t *)orig + ihl);
		if (oi->icmp_type != RTE_IP_ICMP_ECHO_REQUEST &&
			oi->icmp_type != RTE_IP_ICMP_ECHO_REPLY)
			return; /* never an error about an error */
	}
	uint32_t src = sd_iface_addr(s, in_oif);
	if (src == 0 && sd_route_src(s, vrf_id, osrc, &src) < 0)
		return;
	size_t quote = RTE_MIN(ihl + 8, (size_t)rte_be_to_cpu_16(orig->total_length));
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	if (m == NULL)
		return;
	size_t len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + quote;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);
	memset(p, 0, sizeof(*ip) + sizeof(*ic));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = orig->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic->icmp_type = type;
	ic->icmp_code = code;
	memcpy(ic + 1, orig, quote);
	ic->icmp_cksum = sd_ip_cksum(ic, sizeof(*ic) + quote);
	sd_ip_output(s, m, vrf_id);
}

static bool unreach_allowed(struct sd *s)
{
	uint64_t now = rte_get_tsc_cycles();
	uint64_t add = (now - s->unreach_last_tsc) * UNREACH_PER_S / s->hz;
	if (add > 0) {
		s->unreach_tokens = RTE_MIN(s->unreach_tokens + add, (uint64_t)UNREACH_PER_S);
		s->unreach_last_tsc = now;
	}
	if (s->unreach_tokens == 0)
		return false;
	s->unreach_tokens--;
	return true;
}

/* A packet for one of the router's addresses (data at the IP header). */
static void local_input(struct sd *s, struct rte_mbuf *m, const struct sl_dp_meta *meta)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	size_t ihl = (ip->version_ihl & 0xf) * 4u;
	size_t total = rte_be_to_cpu_16(ip->total_length);
	if (ip->next_proto_id == IPPROTO_UDP) {
		/* traceroute's UDP probe reached the router itself */
		icmp_error(s, ip, meta->in_oif, meta->vrf_id, ICMP_DEST_UNREACH, 3);
		rte_pktmbuf_free(m);
		return;
	}
	if (ip->next_proto_id != IPPROTO_ICMP || total < ihl + sizeof(struct rte_icmp_hdr) ||
		(rte_be_to_cpu_16(ip->fragment_offset) &
			(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG))) {
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST) {
		if (!sd_ping_input(s, m))
			rte_pktmbuf_free(m);
		return;
	}
	if (rte_raw_cksum(ic, total - ihl) != 0xffff) {
		rte_pktmbuf_free(m);
		return;
	}
	/* echo reply in place: swap addresses, routed back in the ingress VRF */
	uint32_t a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = sd_ip_cksum(ic, total - ihl);
	sd_ip_output(s, m, meta->vrf_id);
}

#define SLOW_BURST 64

unsigned sd_slow_poll(struct sd *s)
{
	struct rte_mbuf *pkts[SLOW_BURST];
	if (!s->in_commit && s->n_defer > 0)
		neigh_defer_flush(s);
	unsigned n = rte_ring_sc_dequeue_burst(s->dp->punt, (void **)pkts, SLOW_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct sl_dp_meta meta = *sl_dp_meta(m);
		if (meta.reason == SL_DP_PUNT_ARP) {
			arp_input(s, m, &meta);
			rte_pktmbuf_free(m);
			continue;
		}
		rte_pktmbuf_adj(m, meta.l2_len); /* data now at the IP header */
		m->ol_flags = 0;
		m->vlan_tci = 0;
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		switch (meta.reason) {
		case SL_DP_PUNT_LOCAL:
			local_input(s, m, &meta);
			continue;
		case SL_DP_PUNT_TTL:
			icmp_error(s, ip, meta.in_oif, meta.vrf_id, ICMP_TIME_EXCEEDED, 0);
			break;
		case SL_DP_PUNT_NO_ROUTE:
			if (unreach_allowed(s))
				icmp_error(s, ip, meta.in_oif, meta.vrf_id, ICMP_DEST_UNREACH, 0);
			break;
		case SL_DP_PUNT_REJECT: /* a leak-point `reject`: RST for TCP, else 3/13 */
			if (!unreach_allowed(s))
				break;
			if (ip->next_proto_id == IPPROTO_TCP)
				sd_fw_tcp_reset(s, ip, rte_pktmbuf_data_len(m), meta.vrf_id);
			else
				icmp_error(s, ip, meta.in_oif, meta.vrf_id, ICMP_DEST_UNREACH, 13);
			break;
		case SL_DP_PUNT_UNRESOLVED:
			neigh_output(s, meta.out_oif, meta.nh_ip, m);
			continue;
		default:
			break;
		}
		rte_pktmbuf_free(m);
	}
	return n;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The punt ring is polled now: close the stretch since the last poll. */
static void punt_wait_mark(struct sd *s)
{
	uint64_t now = rte_get_tsc_cycles(), cpu = thread_cpu_ns();
	if (s->poll_tsc != 0) {
		s->wait_max_tsc = RTE_MAX(s->wait_max_tsc, now - s->poll_tsc);
		s->wait_max_cpu_ns = RTE_MAX(s->wait_max_cpu_ns, cpu - s->poll_cpu_ns);
	}
	s->poll_tsc = now;
	s->poll_cpu_ns = cpu;
}

void sd_punt_wait_start(struct sd *s)
{
	s->poll_tsc = 0;
	s->wait_max_tsc = s->wait_max_cpu_ns = 0;
	punt_wait_mark(s);
}

void sd_punt_wait_end(struct sd *s, struct sd_punt_wait *out)
{
	punt_wait_mark(s);
	out->max_ms = (double)s->wait_max_tsc * 1e3 / (double)s->hz;
	out->max_cpu_ms = (double)s->wait_max_cpu_ns / 1e6;
	s->poll_tsc = 0;
}

void sd_slow_progress(void *arg)
{
	struct sd *s = arg;
	unsigned n;
	if (s->in_commit) /* the slow path itself waited in the FIB: not again */
		return;
	if (s->poll_tsc != 0)
		punt_wait_mark(s);
	/* a packet makes at most one neighbour write: a burst fits while there
	 * is room for one; past that the ring waits for the commit's end */
	s->in_commit = true;
	do {
		if (s->n_defer + SLOW_BURST > SD_DEFER_MAX)
			break;
		n = sd_slow_poll(s);
		s->commit_punts += n;
	} while (n == SLOW_BURST);
	s->in_commit = false;
}

static const char *state_name(uint8_t st)
{
	switch (st) {
	case SD_NB_INCOMPLETE:
		return "INCOMPLETE";
	case SD_NB_REACHABLE:
		return "REACHABLE";
	case SD_NB_STALE:
		return "STALE";
	default:
		return "?";
	}
}

void sd_arp_show(struct sd *s, FILE *out, const char *vrf, bool json)
{
	const struct sl_rib *rib = sl_router_rib_const(s->router);
	bool first = true;
	if (json)
		fprintf(out, "[");
	else
		fprintf(out, "%-16s %-18s %-12s %-16s %s\n", "Address", "HWaddress", "Interface",
			"VRF", "State");
	for (unsigned i = 0; i < s->neigh_hi; i++) {
		const struct sd_neigh *n = &s->neigh[i];
		if (n->state == SD_NB_FREE)
			continue;
		const struct sl_fib_iface *f = iface(s, n->oif);
		if (f == NULL)
			continue;
		const char *vname = sl_rib_vrf_name(rib, f->vrf_id);
		if (vname == NULL)
			vname = "?";
		if (vrf != NULL && strcmp(vrf, vname) != 0)
			continue;
		char a[16], mac[RTE_ETHER_ADDR_FMT_SIZE] = "(incomplete)";
		sl_addr_fmt(n->ip, a);
		if (n->state != SD_NB_INCOMPLETE)
			rte_ether_format_addr(mac, sizeof(mac), &n->mac);
		if (json)
			fprintf(out,
				"%s{\"address\":\"%s\",\"mac\":\"%s\",\"interface\":\"%s\","
				"\"vrf\":\"%s\",\"state\":\"%s\"}",
				first ? "" : ",", a, mac, f->name, vname, state_name(n->state));
		else
			fprintf(out, "%-16s %-18s %-12s %-16s %s\n", a, mac, f->name, vname,
				state_name(n->state));
		first = false;
	}
	if (json)
		fprintf(out, "]\n");
}
