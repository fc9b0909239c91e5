/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_process.c — the per-burst forwarding pipeline (no I/O: testable on crafted mbufs). */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_prefetch.h>

#include "sl_dp.h"

#define VAL_MISS UINT32_MAX

/* Packets of a burst still being forwarded, struct-of-arrays for bulk lookups. */
struct dp_burst {
	uint16_t n;
	uint16_t slot[SL_DP_BURST]; /* index in pkts[] */
	uint32_t vrf[SL_DP_BURST];
	uint32_t dst[SL_DP_BURST]; /* host order */
	uint32_t val[SL_DP_BURST]; /* LPM value or VAL_MISS */
	uint16_t in_oif[SL_DP_BURST];
	uint8_t l2_len[SL_DP_BURST];
	uint8_t leaked[SL_DP_BURST];
	uint8_t denied[SL_DP_BURST];
};

static inline void drop(struct sl_dp_counters *c, struct sl_dp_out *out, struct rte_mbuf *m,
	enum sl_dp_drop why)
{
	c->dropped[why]++;
	out->drop[out->n_drop++] = m;
}

static inline void punt(struct sl_dp_counters *c, struct sl_dp_out *out, struct rte_mbuf *m,
	enum sl_dp_punt why, uint16_t in_oif, uint32_t vrf_id, uint8_t l2_len)
{
	struct sl_dp_meta *meta = sl_dp_meta(m);
	meta->reason = why;
	meta->in_oif = in_oif;
	meta->vrf_id = vrf_id;
	meta->l2_len = l2_len;
	meta->out_oif = SL_FIB_OIF_NONE;
	meta->nh_ip = 0;
	c->punted[why]++;
	/* per VRF: what happened to the IPv4 packets it looked up (ARP is not one) */
	if (why != SL_DP_PUNT_ARP)
		c->vrf_punted[vrf_id < SL_DP_VRF_STATS ? vrf_id : SL_DP_VRF_STATS]++;
	out->punt[out->n_punt++] = m;
}

/* One more packet that entered in VRF `from` and left through an interface
 * of VRF `to`: a short linear probe in this lcore's own table, no atomics. */
_Static_assert(SL_DP_LEAK_SLOTS == 64, "leak_count hashes to 6 bits");
static inline void leak_count(struct sl_dp_counters *c, uint32_t from, uint32_t to)
{
	uint32_t key = SL_DP_LEAK_KEY(from, to);
	uint32_t h = (key * 0x9e3779b1u) >> 26; /* 6 bits: SL_DP_LEAK_SLOTS */
	for (uint32_t i = 0; i < SL_DP_LEAK_PROBE; i++) {
		struct sl_dp_leak_slot *s = &c->leak[(h + i) & (SL_DP_LEAK_SLOTS - 1)];
		if (likely(s->key == key)) {
			s->packets++;
			return;
		}
		if (s->key == 0) {
			s->packets = 1;
			__atomic_store_n(&s->key, key, __ATOMIC_RELEASE); /* a plain store on x86 */
			return;
		}
	}
	c->leak_other++;
}

/* IPv4 header checksum check, 32 bits at a time (ones' complement sums are
 * byte-order independent): rte_raw_cksum's 16-bit loop cost ~15 cycles. */
static inline bool ip_cksum_ok(const struct rte_ipv4_hdr *ip, unsigned ihl)
{
	const uint8_t *b = (const uint8_t *)ip;
	uint64_t sum = 0;
	for (unsigned i = 0; i < ihl; i++) {
		uint32_t w;
		memcpy(&w, b + 4 * i, sizeof(w)); /* a plain load; no alignment assumed */
		sum += w;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* Parse one frame; returns true when it joins the burst to be looked up. */
static inline bool parse(const struct sl_fib_ifmap *ifm, struct sl_dp_counters *c,
	struct sl_dp_out *out, uint16_t in_port, struct rte_mbuf *m, struct dp_burst *b,
	uint16_t slot)
{
	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN)) {
		drop(c, out, m, SL_DP_DROP_TRUNCATED);
		return false;
	}
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t type = eth->ether_type;
	uint16_t vlan = 0;
	uint8_t l2_len = RTE_ETHER_HDR_LEN;
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		vlan = m->vlan_tci & 0xfff;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)) {
			drop(c, out, m, SL_DP_DROP_TRUNCATED);
			return false;
		}
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		type = vh->eth_proto;
		l2_len += RTE_VLAN_HLEN;
	}
	uint16_t vif = in_port < SL_FIB_PORT_MAX ? ifm->vif[in_port][vlan] : 0;
	if (unlikely(vif == 0)) {
		drop(c, out, m, SL_DP_DROP_NO_IFACE);
		return false;
	}
	uint16_t oif = vif - 1;
	uint32_t vrf = ifm->ifs[oif].vrf_id;
	if (type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		punt(c, out, m, SL_DP_PUNT_ARP, oif, vrf, l2_len);
		return false;
	}
	if (unlikely(type != RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
		drop(c, out, m, SL_DP_DROP_NOT_IPV4);
		return false;
	}
	if (unlikely(m->data_len < l2_len + sizeof(struct rte_ipv4_hdr))) {
		drop(c, out, m, SL_DP_DROP_TRUNCATED);
		return false;
	}
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len);
	uint8_t ihl = ip->version_ihl & 0x0f;
	uint16_t total = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < 5 || total < ihl * 4u)) {
		drop(c, out, m, SL_DP_DROP_BAD_HEADER);
		return false;
	}
	if (unlikely(m->data_len < l2_len + ihl * 4u || m->pkt_len < (uint32_t)l2_len + total)) {
		drop(c, out, m, SL_DP_DROP_TRUNCATED);
		return false;
	}
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
		(ck == RTE_MBUF_F_RX_IP_CKSUM_BAD || !ip_cksum_ok(ip, ihl))) {
		drop(c, out, m, SL_DP_DROP_BAD_CHECKSUM);
		return false;
	}
	/* Ethernet padding past the IP total length is not forwarded */
	if (m->pkt_len > (uint32_t)l2_len + total)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - l2_len - total));
	c->vrf_ipv4_rx[vrf < SL_DP_VRF_STATS ? vrf : SL_DP_VRF_STATS]++;
	uint16_t k = b->n++;
	b->slot[k] = slot;
	b->vrf[k] = vrf;
	b->dst[k] = rte_be_to_cpu_32(ip->dst_addr);
	b->in_oif[k] = oif;
	b->l2_len[k] = l2_len;
	b->leaked[k] = 0;
	b->denied[k] = 0;
	return true;
}

/* Look up idx[0..n) of b, each in b->vrf[]; same-VRF runs go through one bulk call. */
static __rte_always_inline void lookup(const struct sl_fib *fib, struct dp_burst *b, const uint16_t *idx,
	uint16_t n)
{
	uint32_t ips[SL_DP_BURST], hops[SL_DP_BURST];
	uint16_t grp[SL_DP_BURST];
	uint32_t done = 0; /* bitmap over positions in idx */
	for (uint16_t i = 0; i < n; i++) {
		if (done & (1u << i))
			continue;
		uint32_t vrf = b->vrf[idx[i]];
		uint16_t g = 0;
		for (uint16_t j = i; j < n; j++) {
			if (!(done & (1u << j)) && b->vrf[idx[j]] == vrf) {
				done |= 1u << j;
				grp[g] = idx[j];
				ips[g++] = b->dst[idx[j]];
			}
		}
		struct rte_lpm *lpm = vrf < SL_VRF_MAX ? sl_fib_lpm(fib, vrf) : NULL;
		if (unlikely(lpm == NULL)) {
			for (uint16_t j = 0; j < g; j++)
				b->val[grp[j]] = VAL_MISS;
			continue;
		}
		rte_lpm_lookup_bulk(lpm, ips, hops, g);
		for (uint16_t j = 0; j < g; j++) {
			uint32_t h = hops[j];
			if (unlikely(!(h & RTE_LPM_LOOKUP_SUCCESS)))
				h = sl_fib_default(fib, vrf);
			b->val[grp[j]] = (h & RTE_LPM_LOOKUP_SUCCESS) ? (h & SL_FIB_VAL_MASK) : VAL_MISS;
		}
	}
}

static inline uint16_t ttl_decrement(struct rte_ipv4_hdr *ip)
{
	/* RFC 1624: TTL is the high byte of its 16-bit word, so the checksum
	 * rises by 0x0100 (ones' complement, end-around carry). */
	ip->time_to_live--;
	/* ones' complement sums do not depend on byte order: 0x0100 in network
	 * order is RTE_BE16(0x0100) in the raw field */
	uint32_t sum = (uint32_t)ip->hdr_checksum + RTE_BE16(0x0100);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = (rte_be16_t)sum;
	return 0;
}

static __rte_always_inline int l2_write(struct rte_mbuf *m, uint16_t cur_l2_len,
	const struct sl_fib_iface *ifc, uint64_t dst_l2, uint16_t ether_type)
{
	uint16_t want = ifc->vlan ? RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN : RTE_ETHER_HDR_LEN;
	if (cur_l2_len > want) {
		rte_pktmbuf_adj(m, cur_l2_len - want);
	} else if (cur_l2_len < want) {
		if (rte_pktmbuf_prepend(m, want - cur_l2_len) == NULL)
			return -ENOSPC;
	}
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	memcpy(&eth->dst_addr, &dst_l2, RTE_ETHER_ADDR_LEN); /* the l2 word is in memcpy order */
#else
	sl_fib_l2_to_mac(dst_l2, &eth->dst_addr);
#endif
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	if (ifc->vlan) {
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
		vh->vlan_tci = rte_cpu_to_be_16(ifc->vlan);
		vh->eth_proto = rte_cpu_to_be_16(ether_type);
	} else {
		eth->ether_type = rte_cpu_to_be_16(ether_type);
	}
	m->l2_len = want;
	m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
	return 0;
}

int sl_dp_l2_write(struct rte_mbuf *m, uint16_t cur_l2_len, const struct sl_fib_iface *ifc,
	uint64_t dst_l2, uint16_t ether_type)
{
	return l2_write(m, cur_l2_len, ifc, dst_l2, ether_type);
}

/* Hand the packets that cross VRFs to the leak-point filter: those whose
 * egress interface (after a redirect, or through a cross-VRF static next
 * hop) is in another VRF than their ingress interface. */
static void leak_filter(const struct sl_dp_leak_filter *lf, const struct sl_fib_ifmap *ifm,
	const struct sl_fib_nh *nht, struct dp_burst *b, struct rte_mbuf **pkts)
{
	struct rte_mbuf *fp[SL_DP_BURST];
	const uint8_t *l3[SL_DP_BURST];
	uint32_t from[SL_DP_BURST], to[SL_DP_BURST];
	uint8_t deny[SL_DP_BURST];
	uint16_t idx[SL_DP_BURST], n = 0;
	for (uint16_t k = 0; k < b->n; k++) {
		uint32_t val = b->val[k];
		if (val == VAL_MISS || sl_fib_val_is_redirect(val))
			continue;
		const struct sl_fib_nh *nh = &nht[val];
		if (nh->type < SL_FIB_NH_T_CONNECTED || nh->oif >= SL_FIB_IFACE_MAX)
			continue;
		uint32_t in_vrf = ifm->ifs[b->in_oif[k]].vrf_id;
		uint32_t out_vrf = ifm->ifs[nh->oif].vrf_id;
		if (out_vrf == in_vrf)
			continue;
		fp[n] = pkts[b->slot[k]];
		l3[n] = rte_pktmbuf_mtod_offset(fp[n], const uint8_t *, b->l2_len[k]);
		/* TTL expiry comes first, as in Linux: traceroute's router hop answers */
		if (((const struct rte_ipv4_hdr *)l3[n])->time_to_live <= 1)
			continue;
		from[n] = in_vrf;
		to[n] = out_vrf;
		deny[n] = 0;
		idx[n++] = k;
	}
	if (n == 0)
		return;
	lf->fn(lf->ctx, fp, l3, from, to, n, deny);
	for (uint16_t i = 0; i < n; i++)
		b->denied[idx[i]] = deny[i];
}

void sl_dp_process(struct sl_dp *dp, struct sl_dp_counters *c, uint16_t in_port,
	struct rte_mbuf **pkts, uint16_t n, struct sl_dp_out *out)
{
	const struct sl_fib *fib = dp->fib;
	const struct sl_fib_ifmap *ifm = sl_fib_ifmap(fib);
	struct dp_burst b;
	uint16_t idx[SL_DP_BURST], redir[SL_DP_BURST], n_redir = 0;

	c->rx += n;
	b.n = 0;
	/* headers of a whole burst in flight at once: with many mbufs cycling
	 * the data is rarely in cache, and one-ahead prefetch left stalls */
	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++)
		parse(ifm, c, out, in_port, pkts[i], &b, i);
	if (b.n == 0)
		return;
	for (uint16_t k = 0; k < b.n; k++)
		idx[k] = k;
	lookup(fib, &b, idx, b.n);

	/* Leaks: gather the redirected packets and look them up again as a burst. */
	for (uint16_t k = 0; k < b.n; k++) {
		if (b.val[k] != VAL_MISS && sl_fib_val_is_redirect(b.val[k])) {
			b.vrf[k] = sl_fib_val_vrf(b.val[k]);
			b.leaked[k] = 1;
			redir[n_redir++] = k;
		}
	}
	if (n_redir > 0)
		lookup(fib, &b, redir, n_redir);

	const struct sl_fib_nh *nht = sl_fib_nh_table(fib);
	/* installed only while some leak direction is guarded */
	const struct sl_dp_leak_filter *lf = __atomic_load_n(&dp->leak_filter, __ATOMIC_ACQUIRE);
	if (lf != NULL)
		leak_filter(lf, ifm, nht, &b, pkts);
	for (uint16_t k = 0; k < b.n; k++) {
		struct rte_mbuf *m = pkts[b.slot[k]];
		uint32_t val = b.val[k];
		uint16_t in_oif = b.in_oif[k];
		uint32_t in_vrf = ifm->ifs[in_oif].vrf_id;
		c->leaked += b.leaked[k];
		if (unlikely(val == VAL_MISS)) {
			c->dropped[SL_DP_DROP_NO_ROUTE]++;
			punt(c, out, m, SL_DP_PUNT_NO_ROUTE, in_oif, in_vrf, b.l2_len[k]);
			continue;
		}
		if (unlikely(sl_fib_val_is_redirect(val))) {
			drop(c, out, m, SL_DP_DROP_LEAK_LOOP);
			continue;
		}
		if (unlikely(b.denied[k])) {
			if (b.denied[k] == SL_DP_DENY_REJECT) { /* the slow path answers */
				c->dropped[SL_DP_DROP_LEAK_DENIED]++;
				punt(c, out, m, SL_DP_PUNT_REJECT, in_oif, in_vrf, b.l2_len[k]);
			} else {
				drop(c, out, m, SL_DP_DROP_LEAK_DENIED);
			}
			continue;
		}
		const struct sl_fib_nh *nh = &nht[val];
		if (unlikely(nh->type < SL_FIB_NH_T_CONNECTED)) {
			if (nh->type == SL_FIB_NH_T_LOCAL)
				punt(c, out, m, SL_DP_PUNT_LOCAL, in_oif, in_vrf, b.l2_len[k]);
			else
				drop(c, out, m, SL_DP_DROP_BLACKHOLE);
			continue;
		}
		struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, b.l2_len[k]);
		if (unlikely(ip->time_to_live <= 1)) {
			c->dropped[SL_DP_DROP_TTL_EXPIRED]++;
			punt(c, out, m, SL_DP_PUNT_TTL, in_oif, in_vrf, b.l2_len[k]);
			continue;
		}
		const struct sl_fib_iface *ofc = &ifm->ifs[nh->oif];
		if (unlikely(nh->oif >= SL_FIB_IFACE_MAX || !ofc->up ||
			     ofc->port >= SL_FIB_PORT_MAX)) {
			drop(c, out, m, SL_DP_DROP_IFACE_DOWN);
			continue;
		}
		uint32_t nh_ip = nh->type == SL_FIB_NH_T_GATEWAY ? nh->gw : b.dst[k];
		uint64_t l2 = nh->type == SL_FIB_NH_T_GATEWAY ? sl_fib_nh_l2(nh)
							      : sl_fib_neigh_lookup(fib, nh->oif, nh_ip);
		if (unlikely(l2 & SL_FIB_L2_PENDING)) {
			drop(c, out, m, SL_DP_DROP_NEIGH_PENDING);
			continue;
		}
		ttl_decrement(ip);
		if (unlikely(!(l2 & SL_FIB_L2_VALID))) {
			punt(c, out, m, SL_DP_PUNT_UNRESOLVED, in_oif, in_vrf, b.l2_len[k]);
			sl_dp_meta(m)->out_oif = nh->oif;
			sl_dp_meta(m)->nh_ip = nh_ip;
			continue;
		}
		if (unlikely(l2_write(m, b.l2_len[k], ofc, l2, RTE_ETHER_TYPE_IPV4) < 0)) {
			drop(c, out, m, SL_DP_DROP_NO_HEADROOM);
			continue;
		}
		uint16_t port = ofc->port;
		out->tx[port][out->n_tx[port]++] = m;
		out->tx_ports |= 1u << port;
		c->forwarded++;
		c->vrf_forwarded[in_vrf < SL_DP_VRF_STATS ? in_vrf : SL_DP_VRF_STATS]++;
		/* a crossing: out of an interface of another VRF (by a redirect, or
		 * by a static next hop resolved in another VRF) */
		if (ofc->vrf_id != in_vrf)
			leak_count(c, in_vrf, ofc->vrf_id);
	}
}
