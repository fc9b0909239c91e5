/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_process.c — the per-burst forwarding pipeline (no I/O: testable on crafted mbufs). */
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_prefetch.h>
#include <rte_vect.h>

#include "dp_cksum.h"
#include "sl_dp.h"

/* A lookup's value: a next hop's index (below SL_FIB_VAL_GROUP), a group
 * (SL_FIB_VAL_GROUP | number), a redirect (SL_FIB_VAL_REDIRECT | VRF) or
 * VAL_MISS. Ordered so that one compare tells the common case. */
#define VAL_MISS UINT32_MAX /* all ones: its redirect bit is set too */

/* A next hop's index: not a miss, a redirect nor a group. */
static inline bool val_is_nh(uint32_t v)
{
	return v < SL_FIB_VAL_GROUP;
}

/* A miss or a redirect: neither a next hop nor a group. */
static inline bool val_is_miss_or_redirect(uint32_t v)
{
	return v >= SL_FIB_VAL_REDIRECT;
}

/* A redirect and not a miss (sl_fib_val_is_redirect is true of VAL_MISS):
 * the bits above the redirect bit are clear only in a real value. */
static inline bool val_is_leak(uint32_t v)
{
	return (v >> SL_FIB_VAL_REDIRECT_SHIFT) == 1;
}

/* The value of a VRF's default route (sl_fib_default's dflt), or VAL_MISS. */
static inline uint32_t default_val(uint32_t dflt)
{
	return (dflt & RTE_LPM_LOOKUP_SUCCESS) ? (dflt & SL_FIB_VAL_MASK) : VAL_MISS;
}

/* Byte offsets of the fields the parse reads from a frame (headers need
 * not be aligned: read with memcpy or byte by byte). */
#define ETH_TYPE_OFF offsetof(struct rte_ether_hdr, ether_type)
#define VLAN_TCI_OFF (RTE_ETHER_HDR_LEN + offsetof(struct rte_vlan_hdr, vlan_tci))
#define IP_VER_IHL_OFF offsetof(struct rte_ipv4_hdr, version_ihl)
#define IP_FRAG_OFF offsetof(struct rte_ipv4_hdr, fragment_offset)
#define IP_PROTO_OFF offsetof(struct rte_ipv4_hdr, next_proto_id)
#define IP_SRC_OFF offsetof(struct rte_ipv4_hdr, src_addr) /* the destination follows */
#define IP_DST_OFF offsetof(struct rte_ipv4_hdr, dst_addr)
#define IP_VER_IHL_PLAIN 0x45 /* version 4, no options */
#define IPPROTO_OSPF 89
#define BGP_PORT 179
#define IP_MCAST_LOCAL_NET (224u << 24) /* 224.0.0.0/24, host order */

/* The header length in bytes of IPv4 header ip. */
static inline unsigned ip_hdr_len(const uint8_t *ip)
{
	return (ip[IP_VER_IHL_OFF] & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
}

/* Packets of a burst still being forwarded, struct-of-arrays for bulk lookups. */
struct dp_burst {
	uint16_t n;
	struct rte_mbuf *m[SL_DP_BURST];
	uint32_t vrf[SL_DP_BURST]; /* VRF to look up in (the ingress VRF, then a redirect's) */
	uint32_t in_vrf[SL_DP_BURST];
	uint32_t dst[SL_DP_BURST]; /* host order */
	uint32_t src[SL_DP_BURST]; /* host order: for source validation */
	uint32_t val[SL_DP_BURST]; /* LPM value or VAL_MISS */
	uint8_t *ip[SL_DP_BURST]; /* the IPv4 header */
	uint16_t in_oif[SL_DP_BURST];
	uint8_t l2_len[SL_DP_BURST];
	uint8_t denied[SL_DP_BURST]; /* set only while a leak filter is installed */
	/* lane: every entry is an untagged frame of the port's untagged
	 * interface (plain_oif, in plain_vrf), and the parse left in_vrf[1..],
	 * in_oif[] and l2_len[] unwritten; burst_fill_plain writes them for a
	 * stage off the fast loop */
	bool lane;
	uint16_t plain_oif;
	uint32_t plain_vrf;
};

/* Entries [from, to) of b, frames of the port's untagged interface: the
 * arrays the fast parse leaves unwritten. */
static __rte_noinline void burst_fill_plain(struct dp_burst *b, unsigned from, unsigned to)
{
	for (unsigned k = from; k < to; k++) {
		b->in_vrf[k] = b->plain_vrf;
		b->in_oif[k] = b->plain_oif;
		b->l2_len[k] = RTE_ETHER_HDR_LEN;
	}
}

/* What every stage of one burst reads and writes: the tables, as loaded
 * once for the burst (nht and egt once its lookups are done), its counters
 * and its output. */
struct dp_ctx {
	const struct sl_fib *fib;
	const struct sl_fib_ifmap *ifm;
	const struct sl_fib_nh *nht;
	const struct sl_fib_egress *egt;
	struct sl_dp_counters *c;
	struct sl_dp_out *out;
};

static inline void drop(
	struct sl_dp_counters *c, struct sl_dp_out *out, struct rte_mbuf *m, enum sl_dp_drop why)
{
	c->dropped[why]++;
	out->drop[out->n_drop++] = m;
}

/* The punt class of a packet for the router (LOCAL, LINK_MCAST), whose
 * headers parse() checked: BGP's port or OSPF's protocol. */
static __rte_noinline enum sl_dp_pclass local_class(const struct rte_mbuf *m, uint8_t l2_len)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, l2_len);
	if (ip[IP_PROTO_OFF] == IPPROTO_OSPF)
		return SL_DP_PC_OSPF;
	unsigned ihl = ip_hdr_len(ip);
	uint16_t frag, ports[2]; /* source, destination */
	memcpy(&frag, ip + IP_FRAG_OFF, sizeof(frag));
	/* the ports are in the first fragment only */
	if (ip[IP_PROTO_OFF] != IPPROTO_TCP || (frag & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
		(unsigned)l2_len + ihl + sizeof(ports) > m->data_len)
		return SL_DP_PC_OTHER;
	memcpy(ports, ip + ihl, sizeof(ports));
	return ports[0] == RTE_BE16(BGP_PORT) || ports[1] == RTE_BE16(BGP_PORT) ? SL_DP_PC_BGP
										: SL_DP_PC_OTHER;
}

static inline void punt(struct sl_dp_counters *c, struct sl_dp_out *out, struct rte_mbuf *m,
	enum sl_dp_punt why, uint16_t in_oif, uint32_t vrf_id, uint8_t l2_len)
{
	struct sl_dp_meta *meta = sl_dp_meta(m);
	enum sl_dp_pclass k = SL_DP_PC_OTHER;
	if (why == SL_DP_PUNT_ARP)
		k = SL_DP_PC_ARP;
	else if (why == SL_DP_PUNT_LOCAL || why == SL_DP_PUNT_LINK_MCAST)
		k = local_class(m, l2_len);
	meta->reason = why;
	meta->in_oif = in_oif;
	meta->vrf_id = vrf_id;
	meta->l2_len = l2_len;
	meta->pclass = (uint8_t)k;
	meta->out_oif = SL_FIB_OIF_NONE;
	meta->nh_ip = 0;
	c->punted[why]++;
	c->pclass_punted[k]++;
	/* per VRF: what happened to the IPv4 packets it looked up (neither
	 * ARP nor link-local multicast is one) */
	if (why != SL_DP_PUNT_ARP && why != SL_DP_PUNT_LINK_MCAST)
		c->vrf[vrf_id].punted++;
	out->punt_ctl |= (uint32_t)(k != SL_DP_PC_OTHER) << out->n_punt;
	out->punt[out->n_punt++] = m;
}

/* More packets that entered in VRF `from` and left through an interface
 * of VRF `to`: a short linear probe in this lcore's own table, no atomics. */
_Static_assert(SL_DP_LEAK_SLOTS == 64, "leak_count hashes to 6 bits");
static inline void leak_count(
	struct sl_dp_counters *c, uint32_t from, uint32_t to, uint32_t packets)
{
	uint32_t key = SL_DP_LEAK_KEY(from, to);
	uint32_t h = (key * 0x9e3779b1u) >> 26; /* 6 bits: SL_DP_LEAK_SLOTS */
	for (uint32_t i = 0; i < SL_DP_LEAK_PROBE; i++) {
		struct sl_dp_leak_slot *s = &c->leak[(h + i) & (SL_DP_LEAK_SLOTS - 1)];
		if (likely(s->key == key)) {
			s->packets += packets;
			return;
		}
		if (s->key == 0) {
			s->packets = packets;
			__atomic_store_n(&s->key, key, __ATOMIC_RELEASE); /* a plain store on x86 */
			return;
		}
	}
	c->leak_other += packets;
}

/* IPv4 header checksum check, 32 bits at a time (ones' complement sums are
 * byte-order independent): rte_raw_cksum's 16-bit loop was slower
 * (doc/benchmarks.md, dp-bench). */
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

/* RFC 1812 5.3.7: an address whose first octet is 0, 127 or 224..255
 * (this network, loopback, multicast, reserved and the limited broadcast)
 * is no unicast address: neither forwarded to nor accepted from. By first
 * octet: two loads from one cache-resident table cost less than the range
 * tests (dp-bench). 32-bit entries: OR'd straight into the parse's 64-bit
 * verdict, no zero-extension of a byte (1 instruction a packet, callgrind). */
static const uint32_t martian_octet[256] = {
	[0] = 1,
	[127] = 1,
	[224 ... 255] = 1,
};

/* 1 when the IPv4 header's source or destination is a martian, else 0. */
static __rte_always_inline uint32_t martian(const uint8_t *ip)
{
	return martian_octet[ip[IP_SRC_OFF]] | martian_octet[ip[IP_DST_OFF]];
}

/* Parse one frame, every case and drop reason; it joins the burst as entry
 * k when it is to be looked up. Returns the burst's new length (k or k + 1).
 * The caller counts the VRFs' ipv4_rx for the burst. */
static __rte_noinline unsigned parse_slow(const struct dp_ctx *ctx, uint16_t in_port,
	struct rte_mbuf *m, struct dp_burst *b, unsigned k)
{
	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_TRUNCATED);
		return k;
	}
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t type = eth->ether_type;
	uint16_t vlan = 0;
	uint8_t l2_len = RTE_ETHER_HDR_LEN;
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		vlan = m->vlan_tci & 0xfff;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)) {
			drop(ctx->c, ctx->out, m, SL_DP_DROP_TRUNCATED);
			return k;
		}
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		type = vh->eth_proto;
		l2_len += RTE_VLAN_HLEN;
	}
	uint16_t vif = in_port < SL_FIB_PORT_MAX ? ctx->ifm->vif[in_port][vlan] : 0;
	if (unlikely(vif == 0)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_NO_IFACE);
		return k;
	}
	uint16_t oif = vif - 1;
	uint32_t vrf = ctx->ifm->ifs[oif].vrf_id;
	if (type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		punt(ctx->c, ctx->out, m, SL_DP_PUNT_ARP, oif, vrf, l2_len);
		return k;
	}
	if (unlikely(type != RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_NOT_IPV4);
		return k;
	}
	if (unlikely(m->data_len < l2_len + sizeof(struct rte_ipv4_hdr))) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_TRUNCATED);
		return k;
	}
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len);
	uint8_t ihl = ip->version_ihl & 0x0f;
	uint16_t total = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < 5 || total < ihl * 4u)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_BAD_HEADER);
		return k;
	}
	if (unlikely(m->data_len < l2_len + ihl * 4u || m->pkt_len < (uint32_t)l2_len + total)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_TRUNCATED);
		return k;
	}
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
		(ck == RTE_MBUF_F_RX_IP_CKSUM_BAD || !ip_cksum_ok(ip, ihl))) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_BAD_CHECKSUM);
		return k;
	}
	if (unlikely(martian((const uint8_t *)ip))) {
		/* 224.0.0.0/24 from a unicast source, on an interface whose
		 * control-plane TAP takes it (OSPF's hellos): up the TAP */
		uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
		if ((dst >> 8) == (IP_MCAST_LOCAL_NET >> 8) &&
			!martian_octet[rte_be_to_cpu_32(ip->src_addr) >> 24] &&
			ctx->ifm->ifs[oif].cp_tap)
			punt(ctx->c, ctx->out, m, SL_DP_PUNT_LINK_MCAST, oif, vrf, l2_len);
		else
			drop(ctx->c, ctx->out, m, SL_DP_DROP_MARTIAN);
		return k;
	}
	/* Ethernet padding past the IP total length is not forwarded */
	if (m->pkt_len > (uint32_t)l2_len + total)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - l2_len - total));
	b->m[k] = m;
	b->ip[k] = (uint8_t *)ip;
	b->in_vrf[k] = vrf;
	b->dst[k] = rte_be_to_cpu_32(ip->dst_addr);
	b->src[k] = rte_be_to_cpu_32(ip->src_addr);
	b->in_oif[k] = oif;
	b->l2_len[k] = l2_len;
	return k + 1;
}

/* The byte of ol_flags that holds RTE_MBUF_F_RX_IP_CKSUM_GOOD. */
_Static_assert(RTE_MBUF_F_RX_IP_CKSUM_GOOD == 1u << 7, "the GOOD bit in the flags' first byte");
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define OLF_CK_GOOD_BYTE 0
#else
#define OLF_CK_GOOD_BYTE 7
#endif

/* Four bytes at p, as stored (no alignment assumed). */
static __rte_always_inline uint32_t load32(const uint8_t *p)
{
	uint32_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * The usual frame's fixed fields as one 64-bit word, read from the
 * innermost EtherType on: the EtherType (2 bytes), version/IHL, TOS, total
 * length (2), identification (2). HDR_MASK keeps EtherType, version/IHL and
 * total length; HDR_WANT is IPv4 with a 20-byte header, its total length
 * 0 (hdr_len_term adds the one the frame's length calls for). Both are
 * the word as a host-order load of those bytes holds it.
 */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define HDR_MASK UINT64_C(0x0000ffff00ffffff)
#define HDR_WANT ((uint64_t)RTE_BE16(RTE_ETHER_TYPE_IPV4) | (uint64_t)IP_VER_IHL_PLAIN << 16)
#else
#define HDR_MASK UINT64_C(0xffffff00ffff0000)
#define HDR_WANT ((uint64_t)RTE_ETHER_TYPE_IPV4 << 48 | (uint64_t)IP_VER_IHL_PLAIN << 40)
#endif
/* never matches a masked word (its TOS and identification bytes are set):
 * the fast path's answer for a (port, VLAN) without an interface */
#define HDR_NEVER UINT64_MAX

/* The total length field of an IP packet filling x bytes, in place in the
 * word above, and x's bits 16-31 on its identification bytes (masked out:
 * 0 in a matching word), so that a frame of 64 KiB or more never matches.
 * Each 16-bit half of x byte-swapped: a swap, a rotate and a shift, where
 * placing bits 16-31 by the TOS and version bytes took a test of x >> 24
 * apart (2 instructions a frame more, callgrind). */
static __rte_always_inline uint64_t hdr_len_term(uint32_t x)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	uint32_t s = rte_bswap32(x);
	return (uint64_t)(s << 16 | s >> 16) << 32;
#else
	return (uint64_t)(x << 16 | x >> 16);
#endif
}

/* What every frame of a burst from one port shares: the ingress interface
 * and VRF of its untagged frames, and the fixed-field word they must have
 * (HDR_NEVER when no interface takes untagged frames on the port). */
struct parse_port {
	const uint16_t *vif_of_vlan;
	const uint16_t *vrf_of_vlan; /* the VRF of vif_of_vlan's interface */
	uint64_t want_untagged;
	uint32_t vrf_untagged;
	uint16_t oif_untagged;
};

/* Entry k was just stored whole (a tagged frame, or one parse_slow took)
 * in a burst whose plain entries are not: the plain ones since the last
 * whole entry are written now, so that entries [0, k] are whole. */
static __rte_always_inline void note_whole(struct dp_burst *b, unsigned k, unsigned *whole)
{
	if (unlikely(*whole < k))
		burst_fill_plain(b, *whole, k);
	*whole = k + 1;
}

/* parse_slow, an entry it stores noted in *whole (NULL: the parse writes
 * every entry whole). */
static __rte_always_inline size_t parse_slow_noted(const struct dp_ctx *ctx, uint16_t in_port,
	struct rte_mbuf *m, struct dp_burst *b, size_t k, unsigned *whole)
{
	size_t nk = parse_slow(ctx, in_port, m, b, (unsigned)k);
	if (whole != NULL && nk != k)
		note_whole(b, k, whole);
	return nk;
}

/*
 * The IPv4 header of a frame whose L2 header (l2_len bytes, a constant in
 * each copy) the caller has read: the fixed fields against want, lengths,
 * martians, checksum; into the burst as entry k when it passes, else
 * through parse_slow. A plain entry (the untagged copy, where the burst
 * may be a lane) leaves in_vrf, in_oif and l2_len unwritten; a whole one
 * is noted in *whole when that is not NULL. Returns the burst's new length.
 */
static __rte_always_inline size_t parse_ip(const struct dp_ctx *ctx, uint16_t in_port,
	struct rte_mbuf *m, const uint8_t *d, unsigned l2_len, uint64_t want, uint16_t oif,
	uint32_t vrf, struct dp_burst *b, size_t k, bool want_src, bool plain, unsigned *whole)
{
	const uint8_t *ip = d + l2_len;
	uint64_t w;
	memcpy(&w, ip - 2, sizeof(w)); /* from the innermost EtherType on */
	/* pkt_len >= data_len >= 38 > l2_len: a matching total length is at
	 * least 20 */
	uint32_t x = m->pkt_len - l2_len;
	uint64_t bad = ((w & HDR_MASK) ^ want ^ hdr_len_term(x)) | martian(ip);
	if (unlikely(bad != 0))
		goto slow;
	/* the port's verdict bad (or NONE) went to parse_slow: GOOD or UNKNOWN.
	 * The flags read again, not kept from the first test (gcc spilled them
	 * to the stack across the header word), and only GOOD's byte: one
	 * compare in memory, not a load and a test (callgrind) */
	if (!(((const uint8_t *)&m->ol_flags)[OLF_CK_GOOD_BYTE] &
		    (uint8_t)RTE_MBUF_F_RX_IP_CKSUM_GOOD) &&
		unlikely(!sl_dp_ip_cksum5_fast_ok(ip)))
		goto slow;
	b->m[k] = m;
	b->ip[k] = (uint8_t *)(uintptr_t)ip;
	b->dst[k] = rte_be_to_cpu_32(load32(ip + IP_DST_OFF));
	if (want_src) /* a constant: the store only where sources are validated */
		b->src[k] = rte_be_to_cpu_32(load32(ip + IP_SRC_OFF));
	if (!plain) { /* a constant: three stores fewer for a plain frame */
		b->in_vrf[k] = vrf; /* b->vrf[] is filled where a lookup needs it */
		b->in_oif[k] = oif;
		b->l2_len[k] = (uint8_t)l2_len;
		if (whole != NULL)
			note_whole(b, k, whole);
	}
	return k + 1;
slow:
	return parse_slow_noted(ctx, in_port, m, b, k, whole);
}

/*
 * The usual frame in one pass and one decision: Ethernet or one 802.1Q tag,
 * IPv4 without options, lengths consistent, no padding, no martian source or
 * destination, checksum good (or computed here). EtherType, version/IHL and
 * total length against the frame are one masked 64-bit compare; an untagged
 * frame's interface and VRF are the burst's (struct parse_port). Anything
 * else — ARP, drops, VLAN-stripped offload, a checksum the port did not
 * pass, options, padding — goes through parse_slow, which tells the reasons
 * apart.
 */
static __rte_always_inline size_t parse(const struct dp_ctx *ctx, const struct parse_port *pp,
	uint16_t in_port, struct rte_mbuf *m, struct dp_burst *b, size_t k, bool want_src,
	bool tagged, unsigned *whole)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	/* one flag test: a stripped tag, and a checksum the port found bad
	 * (its BAD bit is set in NONE too, which parse_slow checks alike) */
	if (unlikely(
		    m->data_len < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + sizeof(struct rte_ipv4_hdr) ||
		    (m->ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_IP_CKSUM_BAD))))
		return parse_slow_noted(ctx, in_port, m, b, k, whole);
	uint16_t type;
	memcpy(&type, d + ETH_TYPE_OFF, sizeof(type));
	/* interface and VRF: the burst's; laid out first (4 instructions fewer
	 * than the tagged copy first, callgrind). On a port without tagged
	 * interfaces (a constant) no test: a tagged frame fails parse_ip's
	 * EtherType compare and takes parse_slow */
	if (!tagged || likely(type != RTE_BE16(RTE_ETHER_TYPE_VLAN)))
		return parse_ip(ctx, in_port, m, d, RTE_ETHER_HDR_LEN, pp->want_untagged,
			pp->oif_untagged, pp->vrf_untagged, b, k, want_src, whole != NULL, whole);
	uint16_t tci;
	memcpy(&tci, d + VLAN_TCI_OFF, sizeof(tci));
	unsigned vlan = rte_be_to_cpu_16(tci) & 0xfff;
	uint16_t vif = pp->vif_of_vlan[vlan];
	if (unlikely(vif == 0))
		return parse_slow_noted(ctx, in_port, m, b, k, whole);
	/* the VRF by the VLAN too, not by the interface: no load waits on vif */
	return parse_ip(ctx, in_port, m, d, RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN, HDR_WANT,
		(uint16_t)(vif - 1), pp->vrf_of_vlan[vlan], b, k, want_src, false, whole);
}

/* Bit i set when vals[i] is a redirect (a miss, all ones, is not). */
static __rte_always_inline uint32_t redirect_bits4(const uint32_t *vals)
{
#ifdef RTE_ARCH_X86
	__m128i v = _mm_loadu_si128((const __m128i *)vals);
	__m128i r =
		_mm_cmpeq_epi32(_mm_srli_epi32(v, SL_FIB_VAL_REDIRECT_SHIFT), _mm_set1_epi32(1));
	return (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(r));
#else
	uint32_t m = 0;
	for (int i = 0; i < 4; i++)
		m |= (uint32_t)val_is_leak(vals[i]) << i;
	return m;
#endif
}

/* Bit i set when vals[i] is a redirect, for i < n (<= SL_DP_BURST). */
static __rte_always_inline uint32_t redirect_bits(const uint32_t *vals, uint16_t n)
{
	uint32_t redirects = 0;
	uint16_t i = 0;
	if (n > SL_DP_BURST) /* never: one bit per packet (and tells gcc's bounds check) */
		n = SL_DP_BURST;
	for (; i + 4 <= n; i += 4)
		redirects |= redirect_bits4(&vals[i]) << i;
	for (; i < n; i++)
		redirects |= (uint32_t)val_is_leak(vals[i]) << i;
	return redirects;
}

/* Bit p set when out has packets for port p. */
static __rte_always_inline uint32_t tx_port_bits(const struct sl_dp_out *out)
{
#ifdef RTE_ARCH_X86
	_Static_assert(SL_FIB_PORT_MAX == 16, "two vectors of 8 counts");
	__m128i z = _mm_setzero_si128();
	__m128i lo = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)&out->n_tx[0]), z);
	__m128i hi = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)&out->n_tx[8]), z);
	return ~(uint32_t)_mm_movemask_epi8(_mm_packs_epi16(lo, hi)) & 0xffffu;
#else
	uint32_t ports = 0;
	for (unsigned p = 0; p < SL_FIB_PORT_MAX; p++)
		ports |= (uint32_t)(out->n_tx[p] != 0) << p;
	return ports;
#endif
}

/* Look up ips[0..n) in one VRF into vals[] (LPM value or VAL_MISS), four at
 * a time with rte_lpm_lookupx4 (its default value is the VRF's default
 * route), or in bulk in a small table. Returns which of them are redirects,
 * as bits. */
static __rte_always_inline uint32_t lookup_vrf(
	const struct sl_fib *fib, uint32_t vrf, const uint32_t *ips, uint32_t *vals, uint16_t n)
{
	uintptr_t tbl = vrf < SL_VRF_MAX ? sl_fib_table(fib, SL_AF_IPV4, vrf) : 0;
	size_t i = 0; /* not 16 bits: no zero-extension each round */
	if (unlikely(tbl == 0)) {
		for (; i < n; i++)
			vals[i] = VAL_MISS;
		return 0;
	}
	uint32_t dflt = sl_fib_default(fib, SL_AF_IPV4, vrf);
	uint32_t defv = default_val(dflt);
	uint32_t redirects = 0;
	if (sl_fib_table_is_small(tbl)) { /* one branch per burst: a VRF has one layout */
		sl_fib_small_lookup_bulk(sl_fib_table_small(tbl), ips, vals, n, defv);
		return redirect_bits(vals, n);
	}
	struct rte_lpm *lpm = sl_fib_table_lpm(tbl);
	/* the bound of the fours once: i + 4 <= n had gcc work out the tail's
	 * start anew after the loop (callgrind) */
	for (size_t n4 = n & ~3u; i < n4; i += 4) {
		xmm_t x;
		memcpy(&x, &ips[i], sizeof(x));
		rte_lpm_lookupx4(lpm, x, &vals[i], defv);
		redirects |= redirect_bits4(&vals[i]) << i;
	}
	for (; i < n; i++) {
		uint32_t h;
		vals[i] = rte_lpm_lookup(lpm, ips[i], &h) == 0 ? h : defv;
		redirects |= (uint32_t)val_is_leak(vals[i]) << i;
	}
	return redirects;
}

/* v, a lookup's value in the table of vrf (which exists), or on a miss the
 * VRF's default route's value, or VAL_MISS (the default loaded only then). */
static __rte_always_inline uint32_t or_default(const struct sl_fib *fib, uint32_t vrf, uint32_t v)
{
	if (v == VAL_MISS) {
		v = default_val(sl_fib_default(fib, SL_AF_IPV4, vrf));
	}
	return v;
}

/* One address in one VRF: its LPM value, the VRF's default route's on a
 * miss, or VAL_MISS (the default loaded only on a miss). */
static __rte_always_inline uint32_t lookup_one(const struct sl_fib *fib, uint32_t vrf, uint32_t ip)
{
	uintptr_t tbl = vrf < SL_VRF_MAX ? sl_fib_table(fib, SL_AF_IPV4, vrf) : 0;
	if (unlikely(tbl == 0))
		return VAL_MISS;
	return or_default(fib, vrf, sl_fib_table_lookup(tbl, ip, VAL_MISS));
}

/* The first lookup of a burst of many ingress VRFs: b->val[k] for each
 * packet, in its VRF's table, and each VRF's ipv4_rx counted. Returns the
 * redirect bits. Three passes, so that the burst's misses overlap instead of
 * queuing behind each packet's dependent loads: the first counts (where it
 * prefetched the counter line: the add costs what the prefetch did, and the
 * third pass no longer reloads the VRF for it, 2 instructions a packet) and
 * prefetches (the table's first level: a small table's tbl16 entry,
 * rte_lpm's tbl24 entry; not the line of a small table's pool pointers,
 * one of a few dozen that stay hot: without that prefetch (b2)'s data read
 * 46.6 → 45.1 cycles a packet, its frames sorted by VRF 41.1 → 41.6); the
 * second loads the tbl16 entries, by then arriving, and prefetches the
 * group line or dense record each names; the third resolves, the dense
 * /16s' packets first from the record addresses the second kept (most of a
 * mixed burst: their entries' kind not tested again), then the rest. With
 * two (the tbl16 entry loaded in the first), a miss could hold up the
 * prefetches behind it, and
 * 64 VRFs' tables spread a burst's first-level lines over as many pages
 * (≈ 2 cycles a packet less at 64 VRFs, doc/benchmarks.md). */
static __rte_always_inline uint32_t lookup_mixed(
	const struct sl_fib *fib, struct dp_burst *b, struct sl_dp_vrf_count *vc)
{
	uintptr_t t[SL_DP_BURST];
	uint32_t e[SL_DP_BURST];
	uint16_t n = b->n > SL_DP_BURST ? SL_DP_BURST : b->n; /* never: bounds for gcc */
	for (uint16_t k = 0; k < n; k++) {
		uint32_t vrf = b->in_vrf[k], ip = b->dst[k];
		uintptr_t tbl = vrf < SL_VRF_MAX ? sl_fib_table(fib, SL_AF_IPV4, vrf) : 0;
		vc[vrf].ipv4_rx++;
		t[k] = tbl;
		if (likely(sl_fib_table_is_small(tbl))) {
			const struct sl_fib_small *st = sl_fib_table_small(tbl);
			rte_prefetch0(&st->tbl16[ip >> 16]);
		} else if (tbl != 0) {
			rte_prefetch0(&sl_fib_table_lpm(tbl)->tbl24[ip >> 8]);
		}
	}
	const uint64_t *rec[SL_DP_BURST];
	uint32_t dense = 0; /* packets whose tbl16 entry names a dense record */
	for (uint16_t k = 0; k < n; k++) {
		uint32_t ip = b->dst[k];
		uintptr_t tbl = t[k];
		e[k] = 0;
		if (likely(sl_fib_table_is_small(tbl))) {
			const struct sl_fib_small *st = sl_fib_table_small(tbl);
			uint32_t ek = __atomic_load_n(&st->tbl16[ip >> 16], __ATOMIC_ACQUIRE);
			e[k] = ek;
			if (sl_fib_ent_is_group(ek) && (ek & SL_FIB_ENT_DENSE)) {
				rec[k] = sl_fib_small_dense_rec(st, ek);
				rte_prefetch0(rec[k]);
				dense |= 1u << k;
			} else {
				sl_fib_small_prefetch_below(st, ek, ip);
			}
		}
	}
	for (uint32_t m = dense; m != 0; m &= m - 1) {
		unsigned k = (unsigned)__builtin_ctz(m);
		uint32_t ek =
			sl_fib_dense_entry(__atomic_load_n(rec[k], __ATOMIC_ACQUIRE), b->dst[k]);
		b->val[k] = or_default(fib, b->in_vrf[k], sl_fib_ent_value(ek, VAL_MISS));
	}
	for (uint32_t m = ~dense & (uint32_t)((1ull << n) - 1); m != 0; m &= m - 1) {
		unsigned k = (unsigned)__builtin_ctz(m);
		uintptr_t tbl = t[k];
		uint32_t v, ip = b->dst[k], vrf = b->in_vrf[k];
		if (likely(sl_fib_table_is_small(tbl))) {
			uint32_t ek = sl_fib_small_entry_from(sl_fib_table_small(tbl), e[k], ip);
			v = sl_fib_ent_value(ek, VAL_MISS);
		} else if (likely(tbl != 0)) {
			v = sl_fib_table_lookup(tbl, ip, VAL_MISS);
		} else {
			b->val[k] = VAL_MISS; /* no such VRF */
			continue;
		}
		b->val[k] = or_default(fib, vrf, v);
	}
	return redirect_bits(b->val, n);
}

/* Look up idx[0..n) of b, each in b->vrf[]: one run of lookupx4 when they
 * share a VRF (the usual burst), else one lookup each. Grouping a mixed
 * burst by VRF into runs of lookupx4 (a counting sort, or a bitmask per
 * VRF) measured slower: a scalar lookup costs no more than a quarter of
 * lookupx4, and the gather, scatter and loops of varying length cost more
 * than that (doc/benchmarks.md, "Bursts that mix VRFs"). */
static __rte_always_inline void lookup(
	const struct sl_fib *fib, struct dp_burst *b, const uint16_t *idx, uint16_t n)
{
	uint32_t vrf0 = b->vrf[idx[0]], mixed = 0;
	for (uint16_t i = 1; i < n; i++)
		mixed |= b->vrf[idx[i]] ^ vrf0;
	if (likely(mixed == 0)) {
		uint32_t ips[SL_DP_BURST], vals[SL_DP_BURST];
		for (uint16_t i = 0; i < n; i++)
			ips[i] = b->dst[idx[i]];
		lookup_vrf(fib, vrf0, ips, vals, n);
		for (uint16_t i = 0; i < n; i++)
			b->val[idx[i]] = vals[i];
		return;
	}
	for (uint16_t i = 0; i < n; i++)
		b->val[idx[i]] = lookup_one(fib, b->vrf[idx[i]], b->dst[idx[i]]);
}

/* Does source src (host order) pass validation mode on interface in_oif,
 * given val, its LPM value in the ingress VRF? A redirect is followed into
 * the exporting VRF once, as the leak stage does. strict: a path of the
 * route (any one of an ECMP group) leaves by the ingress interface; loose:
 * the route is neither a miss, a blackhole nor a local address of the
 * router. */
static __rte_always_inline bool src_ok(const struct sl_fib *fib, const struct sl_fib_nh *nht,
	uint16_t in_oif, uint32_t src, uint32_t val, uint8_t mode)
{
	/* a redirect, not a miss: sl_fib_val_is_redirect is true of VAL_MISS
	 * too, whose "VRF" 0x7fffff has no table to look up */
	if (unlikely(val_is_leak(val)))
		val = lookup_one(fib, sl_fib_val_vrf(val), src);
	if (unlikely(val_is_miss_or_redirect(val))) /* a miss or a second redirect */
		return false;
	if (unlikely(sl_fib_val_is_group(val))) {
		if (mode != SL_SRC_VALID_STRICT)
			return true;
		const struct sl_fib_nhg *g = &sl_fib_nhg_table(fib)[sl_fib_val_group(val)];
		for (uint32_t i = 0; i < SL_FIB_NHG_BUCKETS; i++)
			if (nht[g->bucket[i]].oif == in_oif)
				return true;
		return false;
	}
	const struct sl_fib_nh *nh = &nht[val];
	return nh->type >= SL_FIB_NH_T_CONNECTED &&
	       (mode != SL_SRC_VALID_STRICT || nh->oif == in_oif);
}

/* Drop the packets of b whose bits are set in bad (src_invalid) and move
 * the rest down to keep b dense (their lookup values too, when with_val).
 * Returns the redirect bits of the packets kept. */
static __rte_noinline uint32_t drop_invalid(
	const struct dp_ctx *ctx, struct dp_burst *b, uint32_t bad, bool with_val)
{
	uint16_t j = 0;
	uint32_t redirects = 0;
	for (uint16_t k = 0; k < b->n; k++) {
		if (bad >> k & 1) {
			drop(ctx->c, ctx->out, b->m[k], SL_DP_DROP_SRC_INVALID);
			continue;
		}
		b->m[j] = b->m[k];
		b->ip[j] = b->ip[k];
		b->dst[j] = b->dst[k];
		b->src[j] = b->src[k];
		if (!b->lane) { /* a lane's are unwritten, in_vrf[0] its VRF */
			b->in_vrf[j] = b->in_vrf[k];
			b->in_oif[j] = b->in_oif[k];
			b->l2_len[j] = b->l2_len[k];
		}
		if (with_val) {
			b->val[j] = b->val[k];
			redirects |= (uint32_t)val_is_leak(b->val[k]) << j;
		}
		j++;
	}
	b->n = j;
	return redirects;
}

/* A burst of several ingress VRFs from a port on which some interface
 * validates sources: those packets' sources looked up (in bulk when they
 * share a VRF), the ones that fail dropped. */
static __rte_noinline void validate_sources(const struct dp_ctx *ctx, struct dp_burst *b)
{
	const struct sl_fib_nh *nht = sl_fib_nh_table(ctx->fib);
	uint32_t ips[SL_DP_BURST], vals[SL_DP_BURST], invalid = 0;
	uint16_t idx[SL_DP_BURST], n = 0;
	uint8_t mode[SL_DP_BURST];
	uint32_t vrf0 = 0, mixed = 0;
	for (uint16_t k = 0; k < b->n; k++) {
		uint8_t mk = ctx->ifm->ifs[b->in_oif[k]].src_valid;
		if (mk == SL_SRC_VALID_DISABLE)
			continue;
		if (n == 0)
			vrf0 = b->in_vrf[k];
		mixed |= b->in_vrf[k] ^ vrf0;
		ips[n] = b->src[k];
		mode[n] = mk;
		idx[n++] = k;
	}
	if (mixed == 0)
		lookup_vrf(ctx->fib, vrf0, ips, vals, n);
	else
		for (uint16_t i = 0; i < n; i++)
			vals[i] = lookup_one(ctx->fib, b->in_vrf[idx[i]], ips[i]);
	for (uint16_t i = 0; i < n; i++)
		if (!src_ok(ctx->fib, nht, b->in_oif[idx[i]], ips[i], vals[i], mode[i]))
			invalid |= 1u << idx[i];
	if (unlikely(invalid != 0))
		drop_invalid(ctx, b, invalid, false);
}

/* Destinations d[0..n) into dv[] and sources s[0..n) into sv[] in one VRF,
 * interleaved four and four so that their cache misses overlap. Returns
 * the destinations' redirect bits, as lookup_vrf. */
static __rte_always_inline uint32_t lookup_vrf2(const struct sl_fib *fib, uint32_t vrf,
	const uint32_t *d, uint32_t *dv, const uint32_t *s, uint32_t *sv, uint16_t n)
{
	uintptr_t tbl = vrf < SL_VRF_MAX ? sl_fib_table(fib, SL_AF_IPV4, vrf) : 0;
	if (tbl == 0 || sl_fib_table_is_small(tbl)) {
		lookup_vrf(fib, vrf, s, sv, n);
		return lookup_vrf(fib, vrf, d, dv, n);
	}
	uint32_t dflt = sl_fib_default(fib, SL_AF_IPV4, vrf);
	uint32_t defv = default_val(dflt);
	struct rte_lpm *lpm = sl_fib_table_lpm(tbl);
	uint32_t redirects = 0;
	uint16_t i = 0;
	for (; i + 4 <= n; i += 4) {
		xmm_t x, y;
		memcpy(&x, &d[i], sizeof(x));
		memcpy(&y, &s[i], sizeof(y));
		rte_lpm_lookupx4(lpm, x, &dv[i], defv);
		rte_lpm_lookupx4(lpm, y, &sv[i], defv);
		redirects |= redirect_bits4(&dv[i]) << i;
	}
	for (; i < n; i++) {
		uint32_t h;
		dv[i] = rte_lpm_lookup(lpm, d[i], &h) == 0 ? h : defv;
		sv[i] = rte_lpm_lookup(lpm, s[i], &h) == 0 ? h : defv;
		redirects |= (uint32_t)val_is_leak(dv[i]) << i;
	}
	return redirects;
}

/*
 * Sources src[0..n) received on interfaces in_oif[] looked up in an rte_lpm
 * table: which are not surely valid, as bits. A source surely passes when
 * its tbl24 entry is final (valid, not extended: rte_lpm_lookup's own test)
 * and names a plain next hop, connected or gateway, that leaves by the
 * packet's own interface (mask 0xfeffff: valid in every mode) or any
 * (mask 0xfe0000: loose). One load of the entry and one of a word of the
 * next hop, no lookupx4 and no value stored: half the instructions of a
 * lookup then a check. An extended entry (a /25-/32 source, 5 % of
 * bench_dp's) is followed into its tbl8 entry here, off the hot path: 8
 * instructions more, not src_ok's lookup_one (about 50). The rest (misses,
 * redirects, groups, failures) are for src_ok. lane (a constant): every
 * packet came in by interface oif, in_oif[] is not read.
 */
static __rte_always_inline uint32_t sources_unsure(const struct rte_lpm *lpm,
	const struct sl_fib_nh *nht, const uint32_t *src, const uint16_t *in_oif, uint16_t n,
	uint32_t mask, bool lane, uint16_t oif)
{
	_Static_assert(offsetof(struct sl_fib_nh, type) == offsetof(struct sl_fib_nh, oif) + 2,
		"a next hop's oif (bits 0-15) and type (16-23) in one 32-bit word");
	_Static_assert(SL_FIB_NH_T_CONNECTED == 2 && SL_FIB_NH_T_GATEWAY == 3,
		"connected or gateway: (type & 0xfe) == 2");
	/* after e ^= RTE_LPM_LOOKUP_SUCCESS, an entry is valid, not extended
	 * and a plain next hop when none of these bits is set: one test, and
	 * no copy of e (its index bits are not touched) */
	const uint32_t final_nh =
		RTE_LPM_VALID_EXT_ENTRY_BITMASK | SL_FIB_VAL_REDIRECT | SL_FIB_VAL_GROUP;
	/* a tbl8 entry's bit 25 is its group's valid flag, not "extended" */
	const uint32_t final_nh8 = RTE_LPM_LOOKUP_SUCCESS | SL_FIB_VAL_REDIRECT | SL_FIB_VAL_GROUP;
	const struct rte_lpm_tbl_entry *tbl8 = lpm->tbl8;
	uint32_t unsure = 0;
	/* pointers, not an index: no index kept beside them (the cold path
	 * reads the source again through p); q: the packets' interfaces, or
	 * the lane's one */
	const uint16_t *q = lane ? &oif : in_oif;
	for (const uint32_t *p = src; p < src + n; p++, q += !lane) {
		uint32_t e, w;
		memcpy(&e, &lpm->tbl24[*p >> 8], sizeof(e));
		e ^= RTE_LPM_LOOKUP_SUCCESS;
		if (unlikely(e & final_nh)) {
			if ((e & RTE_LPM_VALID_EXT_ENTRY_BITMASK) !=
				(RTE_LPM_VALID_EXT_ENTRY_BITMASK ^ RTE_LPM_LOOKUP_SUCCESS))
				goto unsure;
			/* the source's low byte read again, volatile so that
			 * gcc keeps no copy of it in the hot path */
			uint8_t lo = *(const volatile uint8_t *)p;
			memcpy(&e, &tbl8[(e & 0xffffffu) * RTE_LPM_TBL8_GROUP_NUM_ENTRIES + lo],
				sizeof(e));
			e ^= RTE_LPM_LOOKUP_SUCCESS;
			if (e & final_nh8)
				goto unsure;
		}
		/* a plain next hop: a word of it, its oif and type */
		memcpy(&w,
			(const uint8_t *)&nht[e & (SL_FIB_VAL_GROUP - 1)] +
				offsetof(struct sl_fib_nh, oif),
			sizeof(w));
		uint16_t o = lane ? oif : *q;
		if (likely(((w ^ ((uint32_t)SL_FIB_NH_T_CONNECTED << 16 | o)) & mask) == 0))
			continue;
	unsure:
		unsure |= 1u << (p - src);
	}
	return unsure;
}

/* lookup_validate in a VRF's rte_lpm table, the first packet's interface
 * validating: the destinations by lookupx4, the sources by sources_unsure,
 * then the unsure ones each by its interface's mode. */
static __rte_always_inline uint32_t lookup_validate_lpm(const struct dp_ctx *ctx,
	struct dp_burst *b, uint32_t vrf, const struct rte_lpm *lpm, uint16_t port)
{
	const struct sl_fib_nh *nht = sl_fib_nh_table(ctx->fib);
	uint16_t n = b->n;
	/* the destinations before the sources: the other order measured 0.3
	 * cycles a packet faster at 0 % leaked but 1.5-2 slower at 30-100 %
	 * (dp-bench strict rows, doc/benchmarks.md session 18) */
	uint32_t redirects = lookup_vrf(ctx->fib, vrf, b->dst, b->val, n), bad = 0, unsure;
	if (likely(b->lane)) { /* one interface: its own mode */
		bool strict = ctx->ifm->ifs[b->plain_oif].src_valid == SL_SRC_VALID_STRICT;
		unsure = sources_unsure(lpm, nht, b->src, NULL, n, strict ? 0xfeffffu : 0xfe0000u,
			true, b->plain_oif);
	} else { /* a strict interface on the port: each source on its own interface */
		bool strict = port >= SL_FIB_PORT_MAX ||
			      (ctx->ifm->src_valid_port[port] & SL_SRC_VALID_STRICT) != 0;
		unsure = sources_unsure(
			lpm, nht, b->src, b->in_oif, n, strict ? 0xfeffffu : 0xfe0000u, false, 0);
	}
	for (; unlikely(unsure != 0); unsure &= unsure - 1) {
		uint16_t k = (uint16_t)__builtin_ctz(unsure);
		uint16_t oif = b->lane ? b->plain_oif : b->in_oif[k];
		uint8_t mode = ctx->ifm->ifs[oif].src_valid;
		if (mode != SL_SRC_VALID_DISABLE &&
			!src_ok(ctx->fib, nht, oif, b->src[k], lookup_one(ctx->fib, vrf, b->src[k]),
				mode))
			bad |= 1u << k;
	}
	if (likely(bad == 0))
		return redirects;
	return drop_invalid(ctx, b, bad, true);
}

/* The first lookup of a burst of one ingress VRF from a port on which some
 * interface validates sources: in a big table lookup_validate_lpm; in a
 * small one sources and destinations looked up together (one pass, their
 * misses overlapping), the sources checked. The failures dropped. Returns
 * the redirect bits of the packets kept. */
static __rte_noinline uint32_t lookup_validate(
	const struct dp_ctx *ctx, struct dp_burst *b, uint32_t vrf)
{
	uint16_t n = b->n, oif0 = b->lane ? b->plain_oif : b->in_oif[0], moif = 0;
	const struct sl_fib_iface *if0 = &ctx->ifm->ifs[oif0];
	uintptr_t tbl = vrf < SL_VRF_MAX ? sl_fib_table(ctx->fib, SL_AF_IPV4, vrf) : 0;
	if (likely(if0->src_valid != SL_SRC_VALID_DISABLE && tbl != 0 &&
		    !sl_fib_table_is_small(tbl)))
		return lookup_validate_lpm(ctx, b, vrf, sl_fib_table_lpm(tbl), if0->port);
	for (uint16_t k = 1; k < n && !b->lane; k++)
		moif |= b->in_oif[k] ^ oif0;
	uint8_t mode = if0->src_valid;
	if (moif == 0 && mode == SL_SRC_VALID_DISABLE)
		return lookup_vrf(ctx->fib, vrf, b->dst, b->val, n);
	uint32_t sv[SL_DP_BURST], bad = 0;
	uint32_t redirects = lookup_vrf2(ctx->fib, vrf, b->dst, b->val, b->src, sv, n);
	const struct sl_fib_nh *nht = sl_fib_nh_table(ctx->fib);
	if (likely(moif == 0)) { /* the usual burst: one ingress interface */
		bool strict = mode == SL_SRC_VALID_STRICT;
		for (uint16_t k = 0; k < n; k++) {
			uint32_t v = sv[k];
			if (unlikely(!val_is_nh(v))) { /* a miss, redirect or group */
				bad |= (uint32_t)!src_ok(ctx->fib, nht, oif0, b->src[k], v, mode)
				       << k;
				continue;
			}
			/* a branch, not a bit computed for every packet: a
			 * failure is rare unless someone spoofs */
			const struct sl_fib_nh *nh = &nht[v];
			if (unlikely(nh->type < SL_FIB_NH_T_CONNECTED ||
				     (strict && nh->oif != oif0)))
				bad |= 1u << k;
		}
	} else {
		for (uint16_t k = 0; k < n; k++) {
			uint8_t mk = ctx->ifm->ifs[b->in_oif[k]].src_valid;
			if (mk != SL_SRC_VALID_DISABLE &&
				!src_ok(ctx->fib, nht, b->in_oif[k], b->src[k], sv[k], mk))
				bad |= 1u << k;
		}
	}
	if (likely(bad == 0))
		return redirects;
	return drop_invalid(ctx, b, bad, true);
}

/* Is dst the broadcast address of a subnet of interface ifc (prefixes
 * shorter than /31 only)? */
static bool directed_bcast(const struct sl_fib_iface *ifc, uint32_t dst)
{
	for (uint32_t i = 0; i < ifc->n_addrs && i < SL_FIB_IFACE_ADDRS; i++) {
		const struct sl_prefix *p = &ifc->addrs[i];
		if (p->len >= 31)
			continue;
		uint32_t host = UINT32_MAX >> p->len;
		if ((dst | host) == dst && ((dst ^ p->addr) & ~host) == 0)
			return true;
	}
	return false;
}

/*
 * TTL - 1 with the RFC 1624 checksum update: TTL is the high byte of its
 * 16-bit word, so the checksum rises by 0x0100, ones' complement (the
 * carry out of the add goes back in). Ones' complement sums do not depend
 * on byte order: 0x0100 in network order is RTE_BE16(0x0100) in the raw
 * field. In C (not x86) gcc makes the carry an add-with-carry: 5
 * instructions, where one add on the 32-bit word of TTL, protocol and
 * checksum with its carry folded from bit 32 in registers took 7
 * (callgrind); on x86 two instructions on memory do it.
 */
static __rte_always_inline void ttl_decrement(struct rte_ipv4_hdr *ip)
{
#if defined(RTE_ARCH_X86)
	/* Both in memory, as two read-modify-writes: gcc wrote them back from
	 * registers (the TTL it had compared), 6 instructions (callgrind). TTL,
	 * protocol and checksum are one little-endian word: + 0xffff is TTL - 1
	 * (TTL >= 2: no borrow) and a carry into the checksum, + 0x0001, which
	 * is RTE_BE16(0x0100); the carry out of 0xffff is added back. */
	typedef uint32_t __attribute__((may_alias)) word_t;
	_Static_assert(offsetof(struct rte_ipv4_hdr, hdr_checksum) ==
			       offsetof(struct rte_ipv4_hdr, time_to_live) + 2,
		"TTL, protocol, checksum");
	__asm__("addl $0xffff, %0\n\tadcw $0, %1"
		: "+m"(*(word_t *)&ip->time_to_live), "+m"(ip->hdr_checksum)
		:
		: "cc");
#else
	ip->time_to_live--; /* TTL >= 1 here: no borrow */
	uint16_t ck;
	/* after a carry ck is at most 0x00ff: adding it back carries nothing */
	ip->hdr_checksum = __builtin_add_overflow(ip->hdr_checksum, (uint16_t)RTE_BE16(0x0100), &ck)
				   ? (uint16_t)(ck + 1)
				   : ck;
#endif
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

/* A flow's hash for an ECMP pick: the port's RSS hash when it gave one, else
 * a hash of the 5-tuple (addresses, protocol, and the ports of a TCP, UDP or
 * SCTP packet that is not a fragment: all fragments of a flow then hash alike
 * only when unfragmented, as in Linux's L3 policy for fragments). */
static inline uint32_t flow_hash(const struct rte_mbuf *m, const uint8_t *ip)
{
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		return m->hash.rss;
	uint64_t addrs;
	uint32_t ports = 0;
	uint16_t frag;
	uint8_t proto = ip[IP_PROTO_OFF];
	unsigned ihl = ip_hdr_len(ip);
	memcpy(&addrs, ip + IP_SRC_OFF, sizeof(addrs)); /* source and destination */
	memcpy(&frag, ip + IP_FRAG_OFF, sizeof(frag));
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP) &&
		!(frag & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) &&
		(size_t)(ip - rte_pktmbuf_mtod(m, const uint8_t *)) + ihl + 4 <= m->data_len)
		memcpy(&ports, ip + ihl, sizeof(ports));
	/* two multiply-xorshift rounds (splitmix64's): every input bit reaches
	 * the top bits, which pick the bucket */
	uint64_t h = addrs ^ ((uint64_t)ports << 8 | proto) * 0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((h ^ (h >> 31)) >> 32);
}

/* The next hop of ECMP group value val for packet m. A path whose neighbour
 * is being resolved (and not answering) hands its flows to the next bucket
 * with a ready path: only its own flows move. Unknown neighbours are left to
 * the usual punt, which starts their resolution. */
static __rte_noinline uint32_t group_pick(
	const struct dp_ctx *ctx, uint32_t val, const struct rte_mbuf *m, const uint8_t *ip)
{
	const struct sl_fib_nhg *g = &sl_fib_nhg_table(ctx->fib)[sl_fib_val_group(val)];
	uint32_t b = flow_hash(m, ip) >> (32 - SL_FIB_NHG_BITS);
	uint32_t nh = g->bucket[b];
	if (likely(sl_fib_egress_of(ctx->egt, nh)->l2_len != 0) ||
		!(sl_fib_nh_l2(&ctx->nht[nh]) & SL_FIB_L2_PENDING))
		return nh;
	for (uint32_t i = 1; i < SL_FIB_NHG_BUCKETS; i++) {
		uint32_t o = g->bucket[(b + i) & (SL_FIB_NHG_BUCKETS - 1)];
		if (sl_fib_egress_of(ctx->egt, o)->l2_len != 0)
			return o;
	}
	return nh;
}

/* An ICMP echo reply, destination unreachable or time exceeded: the answer
 * to something the router sent itself (its ping, its traceroute), which the
 * slow path matches and never answers. */
static inline bool icmp_answer(const struct rte_mbuf *m, const uint8_t *l3)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)l3;
	if (ip->next_proto_id != IPPROTO_ICMP ||
		(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return false;
	size_t off = (size_t)(l3 - rte_pktmbuf_mtod(m, const uint8_t *)) + rte_ipv4_hdr_len(ip);
	if (off >= rte_pktmbuf_data_len(m))
		return false;
	uint8_t type = l3[rte_ipv4_hdr_len(ip)];
	return type == RTE_IP_ICMP_ECHO_REPLY || type == SL_ICMP_DEST_UNREACH ||
	       type == SL_ICMP_TIME_EXCEEDED;
}

/* The interface owning the router address of LOCAL next hop nh when packet
 * k came through a leak: that address is in another VRF than k's ingress
 * VRF. NULL when the address is the ingress VRF's own, and for the answers
 * to the router's own ping and traceroute across the leak (icmp_answer):
 * those reach the slow path unfiltered, as they always did. */
static inline const struct sl_fib_iface *local_across(const struct sl_fib_ifmap *ifm,
	const struct sl_fib_nh *nh, const struct dp_burst *b, uint16_t k)
{
	if (nh->oif >= SL_FIB_IFACE_MAX || ifm->ifs[nh->oif].vrf_id == b->in_vrf[k] ||
		icmp_answer(b->m[k], b->ip[k]))
		return NULL;
	return &ifm->ifs[nh->oif];
}

/* Hand the packets that cross VRFs to the leak-point filter: those whose
 * egress interface (after a redirect, or through a cross-VRF static next
 * hop) is in another VRF than their ingress interface, and those for a
 * router address of another VRF that answers across leaks (the others are
 * dropped as local_leak, unfiltered: forward_slow). */
/* Source NAT of the accepted crossings that leave (not those for a router
 * address: the slow path answers them in their own VRF). */
static void leak_nat_out(const struct sl_dp_leak_filter *lf, struct rte_mbuf **fp,
	const uint8_t **l3, const uint32_t *from, const uint32_t *to, uint16_t n, uint8_t *deny,
	const uint8_t *local_of, uint8_t any_local)
{
	struct rte_mbuf *np[SL_DP_BURST];
	uint8_t *nl3[SL_DP_BURST];
	uint32_t nf[SL_DP_BURST], nt[SL_DP_BURST];
	uint8_t nd[SL_DP_BURST];
	uint16_t at[SL_DP_BURST], m = 0;
	if (likely(!any_local)) { /* the hook skips the denied: no second list */
		(void)lf->nat_out(lf->ctx, fp, (uint8_t *const *)(uintptr_t)l3, from, to, n, deny);
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		if (deny[i] || local_of[i])
			continue;
		np[m] = fp[i];
		nl3[m] = (uint8_t *)(uintptr_t)l3[i]; /* the mbuf's own data */
		nf[m] = from[i];
		nt[m] = to[i];
		nd[m] = 0;
		at[m++] = i;
	}
	if (m == 0)
		return;
	(void)lf->nat_out(lf->ctx, np, nl3, nf, nt, m, nd);
	for (uint16_t j = 0; j < m; j++)
		deny[at[j]] = nd[j];
}

/* Replies for a NAT pool, among the redirected packets redir[0..n): their
 * destination back (the NAT hook rewrites it in place, b->dst follows)
 * before the lookup in the VRF the redirect names; one without a flow is
 * denied. */
static void leak_nat_in(const struct sl_dp_leak_filter *lf, struct dp_burst *b,
	const uint16_t *redir, uint16_t n, bool one_pair, uint32_t target_vrf)
{
	struct rte_mbuf *np[SL_DP_BURST];
	uint8_t *nl3[SL_DP_BURST];
	uint32_t in[SL_DP_BURST], target[SL_DP_BURST];
	uint8_t nd[SL_DP_BURST];
	/* one question for a burst of one (in, target) pair, before any list */
	if (one_pair && lf->nat_in_may != NULL &&
		!lf->nat_in_may(lf->ctx, b->in_vrf[0], target_vrf))
		return;
	for (uint16_t i = 0; i < n; i++) {
		uint16_t k = redir[i];
		np[i] = b->m[k];
		nl3[i] = b->ip[k];
		in[i] = b->in_vrf[k];
		target[i] = sl_fib_val_vrf(b->val[k]);
		nd[i] = 0;
	}
	if (lf->nat_in(lf->ctx, np, nl3, in, target, n, nd) == 0)
		return; /* nothing rewritten or denied (b->denied is zeroed) */
	for (uint16_t i = 0; i < n; i++) {
		uint16_t k = redir[i];
		b->denied[k] = nd[i];
		b->dst[k] = rte_be_to_cpu_32(((const struct rte_ipv4_hdr *)b->ip[k])->dst_addr);
	}
}

/* The filter, then NAT, on crossings [0, n) (deny[] zero). */
static inline void leak_hooks(const struct sl_dp_leak_filter *lf, struct rte_mbuf **fp,
	const uint8_t **l3, const uint32_t *from, const uint32_t *to, uint16_t n, uint8_t *deny,
	const uint8_t *local_of, uint8_t any_local)
{
	if (lf->fn != NULL)
		lf->fn(lf->ctx, fp, l3, from, to, n, deny);
	if (lf->nat_out != NULL)
		leak_nat_out(lf, fp, l3, from, to, n, deny, local_of, any_local);
}

/* Whether some of d[0..n) is set (d has SL_DP_BURST bytes): a word at a
 * time. */
static inline bool any_denied(const uint8_t *d, uint16_t n)
{
	_Static_assert(SL_DP_BURST % 8 == 0, "whole words");
	uint64_t w = 0;
	for (uint16_t i = 0; i < n; i += 8) {
		uint64_t v;
		memcpy(&v, d + i, sizeof(v));
		w |= n - i >= 8 ? v : v & ((1ull << (n - i) * 8) - 1);
	}
	return w != 0;
}

/* Crossings [from, n) of a burst whose first n packets all cross (their
 * index is their own) into the hooks' arrays: returns n. */
static inline uint16_t gather_prefix(const struct dp_burst *b, struct rte_mbuf **fp,
	const uint8_t **l3, uint32_t *from, uint8_t *deny, uint16_t at, uint16_t n)
{
	for (; at < n; at++) {
		fp[at] = b->m[at];
		l3[at] = b->ip[at];
		from[at] = b->in_vrf[at];
		deny[at] = 0;
	}
	return n;
}

/* Returns whether some packet of the burst is denied: when none is, the
 * burst is forwarded as an unfiltered one (the loop without the test).
 * The crossings' arrays are gathered from the first packet that does not
 * cross on: when every packet crosses the hooks read the burst's own. */
static bool leak_filter(
	const struct dp_ctx *ctx, const struct sl_dp_leak_filter *lf, struct dp_burst *b)
{
	struct rte_mbuf *fp[SL_DP_BURST];
	const uint8_t *l3[SL_DP_BURST];
	uint32_t from[SL_DP_BURST], to[SL_DP_BURST];
	uint8_t deny[SL_DP_BURST], local_of[SL_DP_BURST];
	uint16_t idx[SL_DP_BURST], n = 0, gathered = 0;
	uint8_t any = 0, any_local = 0;
	for (uint16_t k = 0; k < b->n; k++) {
		uint32_t val = b->val[k];
		any |= b->denied[k];
		if (b->denied[k]) /* refused before (a reply for a NAT pool without its flow) */
			continue;
		if (sl_fib_val_is_group(val)) /* picked once: forwarding sees the path */
			b->val[k] = val = group_pick(ctx, val, b->m[k], b->ip[k]);
		if (val_is_miss_or_redirect(val)) /* a miss or a second redirect */
			continue;
		/* the egress VRF from the ready record; else from the next hop */
		const struct sl_fib_egress *e = sl_fib_egress_of(ctx->egt, val);
		uint32_t out_vrf, in_vrf = b->in_vrf[k];
		bool local = false;
		if (likely(e->l2_len != 0)) {
			out_vrf = e->vrf_id;
		} else {
			const struct sl_fib_nh *nh = &ctx->nht[val];
			if (nh->type == SL_FIB_NH_T_LOCAL) {
				const struct sl_fib_iface *own = local_across(ctx->ifm, nh, b, k);
				if (own == NULL || !own->answer_across_leaks)
					continue;
				local = true;
			} else if (nh->type < SL_FIB_NH_T_CONNECTED ||
				   nh->oif >= SL_FIB_IFACE_MAX) {
				continue;
			}
			out_vrf = ctx->ifm->ifs[nh->oif].vrf_id;
		}
		if (out_vrf == in_vrf)
			continue;
		/* TTL expiry comes first, as in Linux: traceroute's router hop
		 * answers (a packet for the router itself has no TTL to expire) */
		if (!local && ((const struct rte_ipv4_hdr *)b->ip[k])->time_to_live <= 1)
			continue;
		if (n != k) { /* some packet before did not cross: gather */
			gathered = gather_prefix(b, fp, l3, from, deny, gathered, n);
			fp[n] = b->m[k];
			l3[n] = b->ip[k];
			from[n] = in_vrf;
			deny[n] = 0;
			gathered++;
		}
		to[n] = out_vrf;
		local_of[n] = local;
		any_local |= local;
		idx[n++] = k;
	}
	if (n == 0)
		return any != 0;
	if (n == b->n) { /* every packet crosses (none was denied): b's own arrays */
		leak_hooks(lf, b->m, (const uint8_t **)(void *)b->ip, b->in_vrf, to, n, b->denied,
			local_of, any_local);
		return any_denied(b->denied, n);
	}
	(void)gather_prefix(b, fp, l3, from, deny, gathered, n);
	leak_hooks(lf, fp, l3, from, to, n, deny, local_of, any_local);
	for (uint16_t i = 0; i < n; i++) {
		b->denied[idx[i]] = deny[i];
		any |= deny[i];
	}
	return any != 0;
}

/* Every outcome of one looked-up packet, each check in order: the fast loop
 * below hands over whatever is not a resolved gateway on an up interface. */
static __rte_noinline void forward_slow(const struct dp_ctx *ctx, const struct dp_burst *b,
	bool filtered, uint16_t k, struct rte_mbuf *m, uint32_t val)
{
	uint16_t in_oif = b->in_oif[k];
	uint32_t in_vrf = b->in_vrf[k];
	/* a denied packet first: a reply for a NAT pool without its flow may
	 * also have missed (the firewall's denials never did) */
	if (filtered && b->denied[k]) {
		if (b->denied[k] == SL_DP_DENY_REJECT) { /* the slow path answers */
			ctx->c->dropped[SL_DP_DROP_LEAK_DENIED]++;
			punt(ctx->c, ctx->out, m, SL_DP_PUNT_REJECT, in_oif, in_vrf, b->l2_len[k]);
		} else {
			drop(ctx->c, ctx->out, m, SL_DP_DROP_LEAK_DENIED);
		}
		return;
	}
	if (unlikely(val == VAL_MISS)) {
		ctx->c->dropped[SL_DP_DROP_NO_ROUTE]++;
		punt(ctx->c, ctx->out, m, SL_DP_PUNT_NO_ROUTE, in_oif, in_vrf, b->l2_len[k]);
		return;
	}
	if (unlikely(sl_fib_val_is_redirect(val))) {
		/* dropped, and the sender told (the slow path rate-limits ICMP):
		 * silence would look like a path that works */
		ctx->c->dropped[SL_DP_DROP_LEAK_LOOP]++;
		punt(ctx->c, ctx->out, m, SL_DP_PUNT_LEAK_LOOP, in_oif, in_vrf, b->l2_len[k]);
		return;
	}
	const struct sl_fib_nh *nh = &ctx->nht[val];
	if (unlikely(nh->type < SL_FIB_NH_T_CONNECTED)) {
		const struct sl_fib_iface *own;
		if (nh->type != SL_FIB_NH_T_LOCAL)
			drop(ctx->c, ctx->out, m, SL_DP_DROP_BLACKHOLE);
		else if ((own = local_across(ctx->ifm, nh, b, k)) != NULL &&
			 !own->answer_across_leaks)
			drop(ctx->c, ctx->out, m,
				SL_DP_DROP_LOCAL_LEAK); /* another VRF's address */
		else /* its own VRF's address, or one that answers across leaks (filtered) */
			punt(ctx->c, ctx->out, m, SL_DP_PUNT_LOCAL, in_oif, in_vrf, b->l2_len[k]);
		return;
	}
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, b->l2_len[k]);
	if (unlikely(ip->time_to_live <= 1)) {
		ctx->c->dropped[SL_DP_DROP_TTL_EXPIRED]++;
		punt(ctx->c, ctx->out, m, SL_DP_PUNT_TTL, in_oif, in_vrf, b->l2_len[k]);
		return;
	}
	const struct sl_fib_iface *ofc = &ctx->ifm->ifs[nh->oif];
	if (unlikely(nh->oif >= SL_FIB_IFACE_MAX || !ofc->up || ofc->port >= SL_FIB_PORT_MAX)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_IFACE_DOWN);
		return;
	}
	if (nh->type == SL_FIB_NH_T_CONNECTED && unlikely(directed_bcast(ofc, b->dst[k]))) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_DIRECTED_BCAST);
		return;
	}
	uint32_t nh_ip = nh->type == SL_FIB_NH_T_GATEWAY ? nh->gw : b->dst[k];
	uint64_t l2 = nh->type == SL_FIB_NH_T_GATEWAY
			      ? sl_fib_nh_l2(nh)
			      : sl_fib_neigh_lookup(ctx->fib, nh->oif, nh_ip);
	if (unlikely(l2 & SL_FIB_L2_PENDING)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_NEIGH_PENDING);
		return;
	}
	ttl_decrement(ip);
	if (unlikely(!(l2 & SL_FIB_L2_VALID))) {
		punt(ctx->c, ctx->out, m, SL_DP_PUNT_UNRESOLVED, in_oif, in_vrf, b->l2_len[k]);
		sl_dp_meta(m)->out_oif = nh->oif;
		sl_dp_meta(m)->nh_ip = nh_ip;
		return;
	}
	if (unlikely(l2_write(m, b->l2_len[k], ofc, l2, RTE_ETHER_TYPE_IPV4) < 0)) {
		drop(ctx->c, ctx->out, m, SL_DP_DROP_NO_HEADROOM);
		return;
	}
	uint16_t port = ofc->port;
	ctx->out->tx[port][ctx->out->n_tx[port]++] = m;
	ctx->out->tx_ports |= 1u << port;
	ctx->c->forwarded++;
	ctx->c->vrf[in_vrf].forwarded++;
	if (ofc->vrf_id != in_vrf)
		leak_count(ctx->c, in_vrf, ofc->vrf_id, 1);
}

/* Write e's header, l2_len (e->l2_len) bytes, at h in front of the IPv4
 * header (same bytes as l2_write); m->l2_len and the rx VLAN flags are left
 * alone: nothing on the way out reads them. l2_len is the caller's: a
 * constant or a register, not a reload of e after the header's stores. */
static __rte_always_inline void egress_write(
	uint8_t *h, const struct sl_fib_egress *e, unsigned l2_len)
{
#ifdef __SSE4_1__
	if (l2_len == RTE_ETHER_HDR_LEN) {
		/* one 16-byte store, its last word the IPv4 header's own (as
		 * l3fwd): 3 instructions, not two 8-byte copies' 4 */
		__m128i p = _mm_loadu_si128((const __m128i *)h);
		__m128i r = _mm_load_si128((const __m128i *)&e->w0);
		_mm_storeu_si128((__m128i *)h, _mm_blend_epi16(p, r, 0x7f));
		return;
	}
#endif
	if (l2_len == RTE_ETHER_HDR_LEN) {
		memcpy(h, &e->w0, 8);
		memcpy(h + 8, &e->w1, 6);
		return;
	}
	memcpy(h, (const void *)e, 16); /* w0 and w1 */
	memcpy(h + 14, &e->w2, 4);
}

/* What the forwarding loop sums over a burst before touching the counters:
 * the packets it handed to forward_slow (which counts its own), so that
 * the fast path's count is the burst's length less those, no add a packet. */
struct fwd_sums {
	uint32_t n_slow;
	uint32_t cross_from, cross_to, n_cross; /* the current run of one crossing */
};

/* What forward_one reads on every packet, read once for the burst (ctx's
 * copies are reloaded after each tx store, which could alias them). */
struct fwd_regs {
	const struct sl_fib_egress *egt;
	struct sl_dp_out *out;
	struct sl_dp_vrf_count *vc; /* a mixed burst's per-VRF counters */
	uint32_t lane_vrf;
};

/* A run of crossings from VRF `from` to `to` starts: the last one counted.
 * Out of line with sum passed by address, so that the sums stay in memory
 * (an add to memory costs an add to a register) and the forwarding loop's
 * pointers keep the registers that survive calls (callgrind). */
static __rte_noinline void cross_run_start(
	const struct dp_ctx *ctx, struct fwd_sums *sum, uint32_t from, uint32_t to)
{
	if (sum->n_cross > 0)
		leak_count(ctx->c, sum->cross_from, sum->cross_to, sum->n_cross);
	sum->cross_from = from;
	sum->cross_to = to;
	sum->n_cross = 0;
}

/*
 * Forward packet k of b, whose lookup value is val: the usual packet (a
 * resolved gateway on an up interface, TTL left, headroom for a pushed tag)
 * with one egress record read; everything else (a miss, a second redirect,
 * a denied crossing) through forward_slow. In a lane (a constant) the
 * packet's ingress VRF is r->lane_vrf and its L2 header untagged Ethernet,
 * read from no array.
 */
static __rte_always_inline void forward_one(const struct dp_ctx *ctx, struct dp_burst *b,
	bool filtered, bool mixed, bool lane, const struct fwd_regs *r, unsigned k, uint32_t val,
	struct fwd_sums *sum)
{
	const struct sl_fib_egress *egt = r->egt;
	struct sl_dp_out *out = r->out;
	uint32_t lane_vrf = r->lane_vrf;
	struct sl_dp_vrf_count *vc = r->vc;
	struct rte_mbuf *m = b->m[k];
	/* one compare for a miss (VAL_MISS), a redirect and a group: each is at
	 * or above the group bit */
	if (unlikely(!val_is_nh(val) || (filtered && b->denied[k]))) {
		if (!sl_fib_val_is_group(val) || (filtered && b->denied[k]))
			goto slow;
		val = group_pick(ctx, val, m, b->ip[k]);
	}
	const struct sl_fib_egress *e = sl_fib_egress_of(egt, val);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b->ip[k];
	if (unlikely(ip->time_to_live <= 1))
		goto slow;
	unsigned l2_len = lane ? RTE_ETHER_HDR_LEN : b->l2_len[k];
	/* a packet's l2_len is 14 or 18: a record that is not ready (0) fails
	 * this test, and only the other branch tests for it */
	if (likely(e->l2_len == l2_len)) { /* in a lane, a write of constant length */
		ttl_decrement(ip);
		egress_write((uint8_t *)ip - l2_len, e, l2_len);
	} else { /* a tag pushed or popped: data_off moves */
		/* the other length of the two, which a ready record has (0 and
		 * anything else go slow): in a lane a constant, 18, and so is
		 * the move (10 instructions a tagged egress fewer, callgrind).
		 * The record's read again, not kept from the test above (which
		 * then compares in memory, no copy a packet): a live record
		 * does not change. */
		unsigned el2 = 2 * RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN - l2_len;
		int grow = (int)el2 - (int)l2_len;
		if (unlikely(__atomic_load_n(&e->l2_len, __ATOMIC_RELAXED) != el2 ||
			     grow > (int)m->data_off))
			goto slow; /* not ready, or no headroom: counted there */
		m->data_off -= grow;
		m->data_len += grow;
		m->pkt_len += grow;
		ttl_decrement(ip);
		egress_write((uint8_t *)ip - el2, e, el2);
	}
	uint16_t port = e->port;
	out->tx[port][out->n_tx[port]++] = m;
	uint32_t in_vrf = lane ? lane_vrf : b->in_vrf[k];
	if (unlikely(mixed))
		vc[in_vrf].forwarded++;
	/* a crossing: out of an interface of another VRF (by a redirect, or
	 * by a static next hop resolved in another VRF) */
	if (e->vrf_id != in_vrf) {
		/* read again, as l2_len above: the test compares in memory */
		uint32_t out_vrf = __atomic_load_n(&e->vrf_id, __ATOMIC_RELAXED);
		/* one ingress VRF (!mixed): a run changes with its egress VRF only */
		if (sum->cross_to != out_vrf || (mixed && sum->cross_from != in_vrf))
			cross_run_start(ctx, sum, in_vrf, out_vrf);
		sum->n_cross++;
	}
	return;
slow:
	if (lane) /* the entry whole, as forward_slow reads it */
		burst_fill_plain(b, k, k + 1);
	sum->n_slow++;
	forward_slow(ctx, b, filtered, (uint16_t)k, m, val);
}

/* Forward the whole burst: the packets the first lookup resolved, by the
 * bits of the rest, then the redirected ones (each run down one path). */
static __rte_always_inline void forward_all(const struct dp_ctx *ctx, struct dp_burst *b,
	bool filtered, bool mixed, bool lane, uint32_t redirects, const uint16_t *redir,
	uint16_t n_redir, struct fwd_sums *sum)
{
	/* read once, as n: the tx stores could alias b and ctx */
	const struct fwd_regs regs = {.egt = ctx->egt,
		.out = ctx->out,
		.vc = mixed ? ctx->c->vrf : NULL, /* a constant: loaded only where counted */
		.lane_vrf = b->plain_vrf};
	if (likely(n_redir == 0)) {
		for (size_t k = 0, n = b->n; k < n; k++)
			forward_one(ctx, b, filtered, mixed, lane, &regs, k, b->val[k], sum);
		return;
	}
	uint32_t all = b->n == 32 ? ~0u : (1u << b->n) - 1;
	for (uint32_t r = all & ~redirects; r != 0; r &= r - 1) {
		unsigned k = (unsigned)__builtin_ctz(r);
		forward_one(ctx, b, filtered, mixed, lane, &regs, k, b->val[k], sum);
	}
	/* the second lookup's results, in b->val (filtered, with a group's
	 * path as the filter picked it): b sits at a constant offset from the
	 * stack pointer, so no array address is reloaded a packet. The list
	 * indexed from its end up to 0: one register less than a count */
	const uint16_t *re = redir + n_redir;
	for (ptrdiff_t i = -(ptrdiff_t)n_redir; i < 0; i++)
		forward_one(ctx, b, filtered, mixed, lane, &regs, re[i], b->val[re[i]], sum);
}

/* The redirected packets redir[0..n) of b: look them up again into
 * b->val[], in the VRF each redirect names — nearly always one VRF per burst
 * (mixed == 0): then, in a small table, each destination read from b as it
 * is looked up (one loop, not a gather then a lookup: at 30 % leaked each
 * loop of a varying length costs a mispredicted exit a burst); in an
 * rte_lpm table gathered and looked up as one run of lookupx4, padded to a
 * multiple of 4 (no scalar tail of a varying length). */
static __rte_always_inline void redirect_lookup(const struct dp_ctx *ctx, struct dp_burst *b,
	const uint16_t *redir, uint16_t n, uint32_t vrf, uint32_t mixed)
{
	ctx->c->leaked += n; /* forwarded or not */
	if (unlikely(mixed != 0)) {
		for (uint16_t i = 0; i < n; i++)
			b->vrf[redir[i]] = sl_fib_val_vrf(b->val[redir[i]]);
		lookup(ctx->fib, b, redir, n);
		return;
	}
	uintptr_t tbl = vrf < SL_VRF_MAX ? sl_fib_table(ctx->fib, SL_AF_IPV4, vrf) : 0;
	if (likely(sl_fib_table_is_small(tbl))) {
		const struct sl_fib_small *st = sl_fib_table_small(tbl);
		uint32_t defv = default_val(sl_fib_default(ctx->fib, SL_AF_IPV4, vrf));
		/* the pool pointer once a burst, not once a packet */
		const uint32_t *pool = __atomic_load_n(&st->pool, __ATOMIC_ACQUIRE);
		const uint32_t *tbl16 = st->tbl16;
		for (uint16_t i = 0; i < n; i++) {
			uint32_t k = redir[i], ip = b->dst[k];
			uint32_t e = __atomic_load_n(&tbl16[ip >> 16], __ATOMIC_ACQUIRE);
			b->val[k] =
				sl_fib_ent_value(sl_fib_small_entry_pool(st, pool, e, ip), defv);
		}
		return;
	}
	uint32_t ips[SL_DP_BURST + 3], vals[SL_DP_BURST + 3];
	for (uint16_t i = 0; i < n; i++)
		ips[i] = b->dst[redir[i]];
	ips[n] = ips[n + 1] = ips[n + 2] = ips[n - 1];
	lookup_vrf(ctx->fib, vrf, ips, vals, (uint16_t)((n + 3) & ~3u));
	for (uint16_t i = 0; i < n; i++)
		b->val[redir[i]] = vals[i];
}

/* Parse stage: the frames of a burst into b (drops and punts to out),
 * sources stored only where some interface of the port validates them
 * (sv, decided once per burst); b->lane set when every entry is a plain
 * frame (where sources are validated too: the check then reads plain_oif).
 * Returns how many are to be looked up. */
static __rte_always_inline uint16_t parse_burst(const struct dp_ctx *ctx, uint16_t in_port,
	struct rte_mbuf **pkts, uint16_t n, struct dp_burst *b, bool sv)
{
	const uint16_t *vif_of_vlan = in_port < SL_FIB_PORT_MAX ? ctx->ifm->vif[in_port] : NULL;
	struct parse_port pp = {.vif_of_vlan = vif_of_vlan,
		.vrf_of_vlan = in_port < SL_FIB_PORT_MAX ? ctx->ifm->vrf[in_port] : NULL,
		.want_untagged = HDR_NEVER};
	if (vif_of_vlan != NULL && vif_of_vlan[0] != 0) {
		pp.oif_untagged = vif_of_vlan[0] - 1;
		pp.vrf_untagged = ctx->ifm->ifs[pp.oif_untagged].vrf_id;
		pp.want_untagged = HDR_WANT;
	}
	b->plain_oif = pp.oif_untagged;
	b->plain_vrf = pp.vrf_untagged;
	/* headers of a whole burst in flight at once: with many mbufs cycling
	 * the data is rarely in cache, and one-ahead prefetch left stalls */
	size_t i = 0, n4 = n & ~3u;
	/* four at a time, then the rest: gcc's own unroll by 4 set up its
	 * remainder first (12 instructions a burst, callgrind) */
	for (; i < n4; i += 4) {
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 3], void *));
	}
	for (; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	/* martians are dropped by the parse */
	size_t nb = 0; /* in a register, not in b; not 32 bits: no zero-extension a frame */
	unsigned whole = 0; /* entries [0, whole) written whole */
	b->lane = false;
	if (unlikely(vif_of_vlan == NULL)) {
		for (unsigned i = 0; i < n; i++)
			nb = parse_slow(ctx, in_port, pkts[i], b, (unsigned)nb);
	} else {
		bool tagged = ctx->ifm->tagged_port[in_port];
		if (likely(!sv)) {
			if (!tagged)
				for (unsigned i = 0; i < n; i++)
					nb = parse(ctx, &pp, in_port, pkts[i], b, nb, false, false,
						&whole);
			else
				for (unsigned i = 0; i < n; i++)
					nb = parse(ctx, &pp, in_port, pkts[i], b, nb, false, true,
						&whole);
		} else if (!tagged) { /* the sources stored too; a lane's interface is plain_oif */
			for (unsigned i = 0; i < n; i++)
				nb = parse(ctx, &pp, in_port, pkts[i], b, nb, true, false, &whole);
		} else {
			for (unsigned i = 0; i < n; i++)
				nb = parse(ctx, &pp, in_port, pkts[i], b, nb, true, true, &whole);
		}
		if (likely(whole == 0 && nb > 0)) {
			b->lane = true;
			b->in_vrf[0] = pp.vrf_untagged; /* the burst's VRF, as read after */
		} else if (whole < nb) { /* plain entries after the last whole one */
			burst_fill_plain(b, whole, nb);
		}
	}
	return (uint16_t)nb;
}

/* First lookup stage: each packet in its ingress VRF (sources checked
 * first where sv, the failures dropped from b), ipv4_rx counted. *mixed
 * is nonzero when b has several ingress VRFs. Returns the redirect bits. */
static __rte_always_inline uint32_t lookup_first(
	const struct dp_ctx *ctx, struct dp_burst *b, bool sv, uint32_t *mixed)
{
	/* per-VRF counters once per burst when the burst has one ingress VRF */
	uint32_t vrf0 = b->in_vrf[0], mx = 0, redirects;
	if (!b->lane) /* a lane has one VRF and in_vrf[0] alone */
		for (unsigned k = 0, n = b->n; k < n; k++) /* from 0: gcc vectorises it */
			mx |= b->in_vrf[k] ^ vrf0;
	*mixed = mx;
	if (likely(mx == 0)) {
		if (likely(!sv))
			redirects = lookup_vrf(ctx->fib, vrf0, b->dst, b->val, b->n);
		else
			redirects = lookup_validate(ctx, b, vrf0);
		ctx->c->vrf[vrf0].ipv4_rx += b->n;
		return redirects;
	}
	if (unlikely(sv)) {
		validate_sources(ctx, b);
		if (b->n == 0)
			return 0;
	}
	return lookup_mixed(ctx->fib, b, ctx->c->vrf);
}

/* [x]: the positions of the bits set in byte x, lowest first, one a byte
 * (redirect_list turns a burst's redirect bits into a list a byte at a
 * time with it). */
static uint64_t bit_pos8[256];

RTE_INIT(bit_pos8_init)
{
	for (unsigned x = 1; x < 256; x++) /* x's lowest bit, then the rest's one byte up */
		bit_pos8[x] = bit_pos8[x & (x - 1)] << 8 | (unsigned)__builtin_ctz(x);
}

/* Leak stage, its list: the packets of b whose bits are set in redirects
 * into redir[]; *vrf is the VRF the first names, *mixed nonzero when they
 * name several. Returns how many. */
static __rte_always_inline uint16_t redirect_list(const struct dp_burst *b, uint32_t redirects,
	uint16_t *redir, uint32_t *vrf, uint32_t *mixed)
{
	if (likely(redirects == 0)) {
		*vrf = *mixed = 0;
		return 0;
	}
	/* every value here is a redirect: two name one VRF exactly when equal */
	uint32_t first = b->val[__builtin_ctz(redirects)], rmx = 0;
	unsigned n = 0;
	/* a byte of bits at a time, no loop of a varying length: its eight
	 * positions widened to 16 bits, stored whole (n + 8 <= SL_DP_BURST
	 * before each) and kept as far as the byte has bits; its eight values
	 * compared with the first (the bits of the others are clear). A loop
	 * over the bits cost 6 instructions a leaked packet (callgrind) and a
	 * mispredicted exit a burst. */
	_Static_assert(SL_DP_BURST == 32, "four bytes of redirect bits");
#ifdef RTE_ARCH_X86
	__m128i f = _mm_set1_epi32((int)first);
#endif
	for (unsigned j = 0; j < 4; j++) {
		uint32_t byte = (redirects >> (8 * j)) & 0xff;
#ifdef RTE_ARCH_X86
		__m128i pos = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)&bit_pos8[byte]));
		_mm_storeu_si128((__m128i *)&redir[n], _mm_add_epi16(pos, _mm_set1_epi16(8 * j)));
		__m128i lo = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)&b->val[8 * j]), f);
		__m128i hi =
			_mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)&b->val[8 * j + 4]), f);
		rmx |= byte & ~(uint32_t)_mm_movemask_epi8(_mm_packs_epi16(
				      _mm_packs_epi32(lo, hi), _mm_setzero_si128()));
#else
		for (unsigned i = 0; i < 8; i++) {
			unsigned k = 8 * j + (bit_pos8[byte] >> (8 * i) & 0xff);
			redir[n + i] = (uint16_t)k;
			if (i < (unsigned)__builtin_popcount(byte))
				rmx |= b->val[k] ^ first;
		}
#endif
		n += (unsigned)__builtin_popcount(byte);
	}
	*vrf = sl_fib_val_vrf(first);
	*mixed = rmx;
	return (uint16_t)n;
}

/* The forwarding loop of a burst of several ingress VRFs and no leak
 * filter: its own copy without the filter's tests, out of line so that the
 * usual burst's copies keep their registers (inlined, native bursts cost
 * 0.3 instructions a packet more, callgrind). */
static __rte_noinline void forward_mixed(const struct dp_ctx *ctx, struct dp_burst *b,
	uint32_t redirects, const uint16_t *redir, uint16_t n_redir, struct fwd_sums *sum)
{
	forward_all(ctx, b, false, true, false, redirects, redir, n_redir, sum);
}

/* Forward stage: the whole burst, then the counters of what it sent. */
static __rte_always_inline void forward_burst(const struct dp_ctx *ctx, struct dp_burst *b,
	bool filtered, bool mx, uint32_t redirects, const uint16_t *redir, uint16_t n_redir)
{
	struct fwd_sums sum = {.cross_from = b->in_vrf[0]}; /* the run's, in a burst of one VRF */
	/* the usual burst (one ingress VRF, no filter) with both tests compiled
	 * out; the usual of those a lane (filtered left none) */
	if (likely(b->lane))
		forward_all(ctx, b, false, false, true, redirects, redir, n_redir, &sum);
	else if (likely(!mx && !filtered))
		forward_all(ctx, b, false, false, false, redirects, redir, n_redir, &sum);
	else if (!filtered)
		forward_mixed(ctx, b, redirects, redir, n_redir, &sum);
	else
		forward_all(ctx, b, filtered, mx, false, redirects, redir, n_redir, &sum);
	ctx->out->tx_ports =
		tx_port_bits(ctx->out); /* cheaper once per burst than once per packet */
	/* forward_all took each of b's entries once */
	uint32_t n_fwd = b->n - sum.n_slow;
	ctx->c->forwarded += n_fwd;
	if (likely(!mx))
		ctx->c->vrf[b->in_vrf[0]].forwarded += n_fwd;
	if (sum.n_cross > 0)
		leak_count(ctx->c, sum.cross_from, sum.cross_to, sum.n_cross);
}

void sl_dp_process(struct sl_dp *dp, struct sl_dp_counters *c, uint16_t in_port,
	struct rte_mbuf **pkts, uint16_t n, struct sl_dp_out *out)
{
	const struct sl_fib *fib = dp->fib;
	const struct sl_fib_ifmap *ifm = sl_fib_ifmap(fib);
	struct dp_ctx ctx = {.fib = fib, .ifm = ifm, .c = c, .out = out};
	struct dp_burst b;

	c->rx += n;
	bool sv = in_port < SL_FIB_PORT_MAX && ifm->src_valid_port[in_port] != 0;
	b.n = parse_burst(&ctx, in_port, pkts, n, &b, sv);
	if (b.n == 0)
		return;
	uint32_t mixed;
	uint32_t redirects = lookup_first(&ctx, &b, sv, &mixed);
	if (b.n == 0)
		return;

	/* Leaks: the redirected packets, as a list, looked up again as one burst.
	 * The others are then forwarded by walking the bits of the rest, and the
	 * leaked ones after them: each run goes down one path (interleaved, every
	 * leaked packet cost a mispredicted branch or three). */
	_Static_assert(SL_DP_BURST <= 32, "one bit per packet of a burst");
	uint16_t redir[SL_DP_BURST];
	uint32_t rvrf, rmixed;
	uint16_t n_redir = redirect_list(&b, redirects, redir, &rvrf, &rmixed);
	/* installed only while some leak direction is guarded or NATed: it
	 * judges every crossing of the burst at once, after the redirects are
	 * resolved; NAT's replies get their destination back before that */
	const struct sl_dp_leak_filter *lf = __atomic_load_n(&dp->leak_filter, __ATOMIC_ACQUIRE);
	/* a burst of one VRF without a redirect crosses only by a route that
	 * leaves that VRF: none (read after the lookups, as the flag's
	 * contract asks), nothing to filter nor scan */
	bool filtered =
		lf != NULL && (n_redir != 0 || mixed != 0 || sl_fib_vrf_leaves(fib, b.in_vrf[0]));
	if (unlikely(filtered)) {
		c->leak_scans++;
		memset(b.denied, 0, b.n);
		if (b.lane) { /* the filter and NAT read every entry's VRF */
			burst_fill_plain(&b, 0, b.n);
			b.lane = false;
		}
	}
	if (n_redir > 0) {
		if (unlikely(filtered && lf->nat_in != NULL))
			leak_nat_in(lf, &b, redir, n_redir, (mixed | rmixed) == 0, rvrf);
		redirect_lookup(&ctx, &b, redir, n_redir, rvrf, rmixed);
	}

	ctx.nht = sl_fib_nh_table(fib);
	ctx.egt = sl_fib_egress_table(fib);
	if (unlikely(filtered))
		filtered = leak_filter(&ctx, lf, &b);
	forward_burst(&ctx, &b, filtered, mixed != 0, redirects, redir, n_redir);
}
