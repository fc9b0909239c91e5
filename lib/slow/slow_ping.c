/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slow_ping.c — ping and traceroute originated by the router: ICMP echo
 * requests sent through the normal lookup of the VRF (source = the egress
 * interface's address), answers matched on the punt path. An answer counts
 * only if it names a request of this session that was sent and not yet
 * answered (identifier and sequence), comes from the address pinged (an
 * echo reply) or quotes a request to it from us (an ICMP error), and (echo
 * replies) carries back the request's send time exactly (the VRF it arrives
 * in is not checked: a reply across a leak arrives in the other VRF): forged or duplicated replies change nothing, so at most as many
 * are received as were sent. The caller's
 * output stays open until the session's done callback: the control loop
 * keeps forwarding and answering while a session runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_icmp.h>

#include "slow_priv.h"

#define PING_PAYLOAD 56
#define TRACE_MAX_HOPS 30
#define PING_COUNT_MAX 128 /* sequence numbers a session tracks */

struct slow_ping {
	struct sl_slow_ping_req req;
	uint16_t ident;
	unsigned count, sent, received;
	uint64_t next_tsc; /* next send, or the end of the last wait */
	uint64_t sent_tsc;
	uint32_t src; /* the source of the requests (0: none sent yet) */
	uint64_t seq_tsc[PING_COUNT_MAX + 1]; /* send time of each sequence number */
	uint64_t answered[(PING_COUNT_MAX + 1 + 63) / 64]; /* sequence numbers answered */
	bool hop_answered; /* traceroute: the current TTL got an answer */
	bool done;
	int status;
};

static void ping_send(struct sl_slow *sl, struct slow_ping *p, uint16_t seq, uint8_t ttl)
{
	uint32_t src;
	if (sl_slow_route_src(sl, p->req.vrf_id, p->req.dst, &src) < 0)
		return;
	p->src = src;
	size_t len = SL_IP4_HDR_LEN + sizeof(struct rte_icmp_hdr) + PING_PAYLOAD;
	struct rte_mbuf *m = slow_alloc(sl, len);
	if (m == NULL)
		return;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	memset(b, 0, len);
	sl_ip4_hdr_write(b, &(struct sl_ip4_hdr_spec){.total_len = (uint16_t)len,
				    .id = seq,
				    .ttl = ttl,
				    .proto = IPPROTO_ICMP,
				    .src = src,
				    .dst = p->req.dst});
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(b + SL_IP4_HDR_LEN);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = rte_cpu_to_be_16(p->ident);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seq);
	uint64_t now = slow_now(sl);
	p->seq_tsc[seq] = now;
	memcpy(ic + 1, &now, sizeof(now));
	ic->icmp_cksum = slow_cksum(ic, sizeof(*ic) + PING_PAYLOAD);
	sl_slow_ip_output(sl, m, p->req.vrf_id);
}

static double ms_since(struct sl_slow *sl, uint64_t tsc)
{
	return (double)(slow_now(sl) - tsc) * 1000.0 / (double)sl->hz;
}

int sl_slow_ping_start(struct sl_slow *sl, const struct sl_slow_ping_req *req)
{
	unsigned slot;
	for (slot = 0; slot < SL_SLOW_PING_MAX && sl->pings[slot] != NULL; slot++)
		;
	if (slot == SL_SLOW_PING_MAX)
		return -EBUSY;
	if (!req->traceroute && (req->count == 0 || req->count > PING_COUNT_MAX))
		return -EINVAL;
	struct slow_ping *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->req = *req;
	p->ident = (uint16_t)(0x5100 + sl->ping_ident++);
	p->count = req->traceroute ? TRACE_MAX_HOPS : req->count;
	p->next_tsc = slow_now(sl);
	p->status = 1;
	sl->pings[slot] = p;
	char a[16];
	if (req->traceroute)
		fprintf(req->out, "traceroute to %s, %u hops max\n", sl_addr_fmt(req->dst, a),
			TRACE_MAX_HOPS);
	else
		fprintf(req->out, "PING %s %u(%u) bytes of data.\n", sl_addr_fmt(req->dst, a),
			PING_PAYLOAD, PING_PAYLOAD + 28);
	return 0;
}

static void ping_finish(struct sl_slow *sl, unsigned slot)
{
	struct slow_ping *p = sl->pings[slot];
	FILE *out = p->req.out;
	if (!p->req.traceroute) {
		char a[16];
		fprintf(out, "\n--- %s ping statistics ---\n", sl_addr_fmt(p->req.dst, a));
		fprintf(out, "%u packets transmitted, %u received, %u%% packet loss\n", p->sent,
			p->received, p->sent ? (p->sent - p->received) * 100 / p->sent : 0);
		p->status = p->received > 0 ? 0 : 1;
	}
	sl->pings[slot] = NULL;
	if (p->req.done != NULL)
		p->req.done(p->req.ctx, p->status);
	free(p);
}

void slow_ping_timers(struct sl_slow *sl, uint64_t now)
{
	for (unsigned i = 0; i < SL_SLOW_PING_MAX; i++) {
		struct slow_ping *p = sl->pings[i];
		if (p == NULL || now < p->next_tsc)
			continue;
		if (p->req.traceroute && p->sent > 0 && !p->hop_answered)
			fprintf(p->req.out, "%2u  *\n", p->sent);
		if (p->done || p->sent == p->count) {
			ping_finish(sl, i);
			continue;
		}
		p->sent++;
		p->hop_answered = false;
		p->sent_tsc = now;
		ping_send(sl, p, (uint16_t)p->sent, p->req.traceroute ? (uint8_t)p->sent : 64);
		p->next_tsc = now + sl->hz; /* one per second; the last waits one more */
	}
}

void slow_ping_abort_all(struct sl_slow *sl)
{
	for (unsigned i = 0; i < SL_SLOW_PING_MAX; i++)
		if (sl->pings[i] != NULL)
			ping_finish(sl, i);
}

static struct slow_ping *find(struct sl_slow *sl, uint16_t ident)
{
	for (unsigned i = 0; i < SL_SLOW_PING_MAX; i++)
		if (sl->pings[i] != NULL && sl->pings[i]->ident == ident)
			return sl->pings[i];
	return NULL;
}

/* seq was sent by p and is not answered yet: mark it answered. */
static bool seq_take(struct slow_ping *p, uint16_t seq)
{
	if (seq == 0 || seq > p->sent || seq > PING_COUNT_MAX)
		return false;
	uint64_t bit = 1ull << (seq % 64);
	if (p->answered[seq / 64] & bit)
		return false;
	p->answered[seq / 64] |= bit;
	return true;
}

bool slow_ping_input(struct sl_slow *sl, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	size_t ihl = slow_ihl(ip);
	size_t total = rte_be_to_cpu_16(ip->total_length);
	if (total > m->data_len || total < ihl + sizeof(struct rte_icmp_hdr))
		return false;
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)((const uint8_t *)ip + ihl);
	char from[16];
	sl_addr_fmt(rte_be_to_cpu_32(ip->src_addr), from);
	if (ic->icmp_type == RTE_IP_ICMP_ECHO_REPLY) {
		struct slow_ping *p = find(sl, rte_be_to_cpu_16(ic->icmp_ident));
		if (p == NULL || total < ihl + sizeof(*ic) + sizeof(uint64_t) ||
			rte_be_to_cpu_32(ip->src_addr) != p->req.dst)
			return false;
		uint64_t t;
		memcpy(&t, ic + 1, sizeof(t));
		uint16_t seq = rte_be_to_cpu_16(ic->icmp_seq_nb);
		if (seq == 0 || seq > p->sent || seq > PING_COUNT_MAX || t != p->seq_tsc[seq])
			return false; /* not a request of ours, or not its payload */
		FILE *out = p->req.out;
		if (p->req.traceroute) {
			if (seq != p->sent || p->hop_answered)
				return false;
			fprintf(out, "%2u  %s  %.3f ms\n", seq, from, ms_since(sl, t));
			p->hop_answered = true;
			p->done = true;
			p->status = 0;
			p->next_tsc = 0;
		} else {
			if (!seq_take(p, seq))
				return false; /* a duplicate */
			p->received++;
			fprintf(out, "%zu bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n",
				total - ihl, from, seq, ip->time_to_live, ms_since(sl, t));
		}
		rte_pktmbuf_free(m);
		return true;
	}
	if (ic->icmp_type != SL_ICMP_TIME_EXCEEDED && ic->icmp_type != SL_ICMP_DEST_UNREACH)
		return false;
	/* the quoted datagram: our echo request's IP header and first 8 bytes */
	const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(ic + 1);
	size_t off = ihl + sizeof(*ic);
	if (total < off + sizeof(*in))
		return false;
	size_t in_ihl = slow_ihl(in);
	if (in->next_proto_id != IPPROTO_ICMP || total < off + in_ihl + sizeof(struct rte_icmp_hdr))
		return false;
	const struct rte_icmp_hdr *qi = (const struct rte_icmp_hdr *)((const uint8_t *)in + in_ihl);
	struct slow_ping *p = find(sl, rte_be_to_cpu_16(qi->icmp_ident));
	if (p == NULL || qi->icmp_type != RTE_IP_ICMP_ECHO_REQUEST ||
		rte_be_to_cpu_32(in->dst_addr) != p->req.dst ||
		rte_be_to_cpu_32(in->src_addr) != p->src)
		return false; /* it does not quote a request of this session */
	uint16_t seq = rte_be_to_cpu_16(qi->icmp_seq_nb);
	if (seq == 0 || seq > p->sent)
		return false;
	FILE *out = p->req.out;
	bool unreach = ic->icmp_type == SL_ICMP_DEST_UNREACH;
	if (p->req.traceroute) {
		if (seq == p->sent && !p->hop_answered) {
			fprintf(out, "%2u  %s  %.3f ms%s\n", seq, from, ms_since(sl, p->sent_tsc),
				unreach ? " !N" : "");
			p->hop_answered = true;
			p->next_tsc = 0; /* next hop now */
			if (unreach)
				p->done = true;
		}
	} else {
		fprintf(out, "From %s icmp_seq=%u %s\n", from, seq,
			unreach ? "Destination Net Unreachable" : "Time to live exceeded");
	}
	rte_pktmbuf_free(m);
	return true;
}
