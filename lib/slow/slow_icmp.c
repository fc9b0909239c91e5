/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slow_icmp.c — ICMP for and from the router: echo replies for its
 * addresses, time-exceeded, destination-unreachable (rate-limited: a token
 * bucket, unreach_per_s a second with as large a burst), and the answers of
 * leak-point `reject` rules. Echo replies have a bucket of their own
 * (echo_per_s), so a ping flood at the router neither gets answered in full
 * nor silences the unreachables.
 */
#include <string.h>

#include <rte_icmp.h>

#include "sl_fw.h"
#include "slow_priv.h"

#define REJECT_MAX 64 /* a TCP reset: 40 bytes */

static bool is_martian_dst(uint32_t a)
{
	return a == 0 || a == 0xffffffffu || (a >> 28) == 0xe;
}

void slow_icmp_error(struct sl_slow *sl, const struct rte_ipv4_hdr *orig, uint16_t in_oif,
	uint32_t vrf_id, uint8_t type, uint8_t code)
{
	uint32_t osrc = rte_be_to_cpu_32(orig->src_addr);
	uint32_t odst = rte_be_to_cpu_32(orig->dst_addr);
	if (is_martian_dst(osrc) || is_martian_dst(odst) ||
		(rte_be_to_cpu_16(orig->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return;
	size_t ihl = slow_ihl(orig);
	if (orig->next_proto_id == IPPROTO_ICMP) {
		const struct rte_icmp_hdr *oi =
			(const struct rte_icmp_hdr *)((const uint8_t *)orig + ihl);
		if (oi->icmp_type != RTE_IP_ICMP_ECHO_REQUEST &&
			oi->icmp_type != RTE_IP_ICMP_ECHO_REPLY)
			return; /* never an error about an error */
	}
	uint32_t src = slow_iface_addr(sl, in_oif);
	if (src == 0 && sl_slow_route_src(sl, vrf_id, osrc, &src) < 0)
		return;
	size_t quote = RTE_MIN(ihl + 8, (size_t)rte_be_to_cpu_16(orig->total_length));
	size_t len = SL_IP4_HDR_LEN + sizeof(struct rte_icmp_hdr) + quote;
	struct rte_mbuf *m = slow_alloc(sl, len);
	if (m == NULL)
		return;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	sl_ip4_hdr_write(p, &(struct sl_ip4_hdr_spec){.total_len = (uint16_t)len,
				    .ttl = 64,
				    .proto = IPPROTO_ICMP,
				    .src = src,
				    .dst = osrc});
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(p + SL_IP4_HDR_LEN);
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = type;
	ic->icmp_code = code;
	memcpy(ic + 1, orig, quote);
	ic->icmp_cksum = slow_cksum(ic, sizeof(*ic) + quote);
	sl_slow_ip_output(sl, m, vrf_id);
}

bool slow_unreach_allowed(struct sl_slow *sl)
{
	if (slow_bucket_take(&sl->unreach, sl->cfg.unreach_per_s, slow_now(sl), sl->hz))
		return true;
	sl->icmp_limited++;
	return false;
}

/* A packet for one of the router's addresses (data at the IP header). */
void slow_local_input(struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	size_t ihl = slow_ihl(ip);
	size_t total = rte_be_to_cpu_16(ip->total_length);
	if (ip->next_proto_id != IPPROTO_ICMP && slow_to_local(sl, m, meta, false))
		return; /* TCP, UDP, OSPF...: the kernel's control-plane interface */
	if (ip->next_proto_id == IPPROTO_UDP) {
		/* traceroute's UDP probe reached the router itself */
		slow_icmp_error(sl, ip, meta->in_oif, meta->vrf_id, SL_ICMP_DEST_UNREACH,
			SL_ICMP_PORT_UNREACH);
		rte_pktmbuf_free(m);
		return;
	}
	if (ip->next_proto_id != IPPROTO_ICMP || total < ihl + sizeof(struct rte_icmp_hdr) ||
		total > rte_pktmbuf_data_len(m) ||
		(rte_be_to_cpu_16(ip->fragment_offset) &
			(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG))) {
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST) {
		if (!slow_ping_input(sl, m) && !slow_to_local(sl, m, meta, false))
			rte_pktmbuf_free(m);
		return;
	}
	if (sl_inet_cksum(ic, total - ihl, 0) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (!slow_bucket_take(&sl->echo, sl->cfg.echo_per_s, slow_now(sl), sl->hz)) {
		sl->icmp_limited++;
		rte_pktmbuf_free(m);
		return;
	}
	/* echo reply in place: swap addresses, routed back in the ingress VRF */
	uint32_t a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = slow_cksum(ip, ihl);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = slow_cksum(ic, total - ihl);
	sl_slow_ip_output(sl, m, meta->vrf_id);
}

/* A leak-point `reject` (data at the IP header): RST for TCP, else 3/13. */
void slow_reject(struct sl_slow *sl, struct rte_mbuf *m, const struct sl_dp_meta *meta)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if (!slow_unreach_allowed(sl))
		return;
	if (ip->next_proto_id != IPPROTO_TCP) {
		slow_icmp_error(sl, ip, meta->in_oif, meta->vrf_id, SL_ICMP_DEST_UNREACH,
			SL_ICMP_ADMIN_PROHIBITED);
		return;
	}
	struct rte_mbuf *r = slow_alloc(sl, REJECT_MAX);
	if (r == NULL)
		return;
	int n = sl_fw_tcp_rst(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
		rte_pktmbuf_mtod(r, uint8_t *), REJECT_MAX);
	if (n < 0) {
		rte_pktmbuf_free(r);
		return;
	}
	rte_pktmbuf_trim(r, (uint16_t)(REJECT_MAX - n));
	sl_slow_ip_output(sl, r, meta->vrf_id);
}
