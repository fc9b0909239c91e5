/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_ping.c — `ping ADDR vrf NAME [count N]` and `traceroute ADDR vrf NAME`
 * originated by the router: ICMP echo requests sent through the normal
 * lookup of the VRF (source = the egress interface's address), answers
 * matched on the punt path. Requests are deferred control-socket replies:
 * the control loop keeps forwarding and answering while a session runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "sluiced.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11

#define PING_PAYLOAD 56
#define TRACE_MAX_HOPS 30

struct sd_ping {
	struct sl_ctl_request *req;
	bool traceroute;
	uint32_t vrf_id, dst;
	uint16_t ident;
	unsigned count, sent, received;
	uint64_t next_tsc; /* next send, or the end of the last wait */
	uint64_t sent_tsc;
	bool hop_answered; /* traceroute: the current TTL got an answer */
	bool done;
	unsigned status;
};

static void ping_send(struct sd *s, struct sd_ping *p, uint16_t seq, uint8_t ttl)
{
	uint32_t src;
	if (sd_route_src(s, p->vrf_id, p->dst, &src) < 0)
		return;
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	if (m == NULL)
		return;
	size_t len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + PING_PAYLOAD;
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (b == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(b, 0, len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->packet_id = rte_cpu_to_be_16(seq);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(p->dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = rte_cpu_to_be_16(p->ident);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seq);
	uint64_t now = rte_get_tsc_cycles();
	memcpy(ic + 1, &now, sizeof(now));
	ic->icmp_cksum = sd_ip_cksum(ic, sizeof(*ic) + PING_PAYLOAD);
	sd_ip_output(s, m, p->vrf_id);
}

static double ms_since(struct sd *s, uint64_t tsc)
{
	return (double)(rte_get_tsc_cycles() - tsc) * 1000.0 / (double)s->hz;
}

int sd_ping_start(struct sd *s, struct sl_ctl_request *req, uint32_t vrf_id, uint32_t dst,
	unsigned count, bool traceroute)
{
	unsigned slot;
	for (slot = 0; slot < SD_PING_MAX && s->pings[slot] != NULL; slot++)
		;
	if (slot == SD_PING_MAX)
		return -EBUSY;
	struct sd_ping *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->req = req;
	p->traceroute = traceroute;
	p->vrf_id = vrf_id;
	p->dst = dst;
	p->ident = (uint16_t)(0x5100 + s->ping_ident++);
	p->count = traceroute ? TRACE_MAX_HOPS : count;
	p->next_tsc = rte_get_tsc_cycles();
	p->status = 1;
	s->pings[slot] = p;
	char a[16];
	if (traceroute)
		fprintf(sl_ctl_request_out(req), "traceroute to %s, %u hops max\n",
			sl_addr_fmt(dst, a), TRACE_MAX_HOPS);
	else
		fprintf(sl_ctl_request_out(req), "PING %s %u(%u) bytes of data.\n",
			sl_addr_fmt(dst, a), PING_PAYLOAD, PING_PAYLOAD + 28);
	return 0;
}

static void ping_finish(struct sd *s, unsigned slot)
{
	struct sd_ping *p = s->pings[slot];
	FILE *out = sl_ctl_request_out(p->req);
	if (!p->traceroute) {
		char a[16];
		fprintf(out, "\n--- %s ping statistics ---\n", sl_addr_fmt(p->dst, a));
		fprintf(out, "%u packets transmitted, %u received, %u%% packet loss\n", p->sent,
			p->received, p->sent ? (p->sent - p->received) * 100 / p->sent : 0);
		p->status = p->received > 0 ? 0 : 1;
	}
	sl_ctl_request_finish(p->req, (int)p->status);
	free(p);
	s->pings[slot] = NULL;
}

void sd_ping_poll(struct sd *s)
{
	uint64_t now = rte_get_tsc_cycles();
	for (unsigned i = 0; i < SD_PING_MAX; i++) {
		struct sd_ping *p = s->pings[i];
		if (p == NULL || now < p->next_tsc)
			continue;
		if (p->traceroute && p->sent > 0 && !p->hop_answered)
			fprintf(sl_ctl_request_out(p->req), "%2u  *\n", p->sent);
		if (p->done || p->sent == p->count) {
			ping_finish(s, i);
			continue;
		}
		p->sent++;
		p->hop_answered = false;
		p->sent_tsc = now;
		ping_send(s, p, (uint16_t)p->sent, p->traceroute ? (uint8_t)p->sent : 64);
		p->next_tsc = now + s->hz; /* one per second; the last waits one more */
	}
}

void sd_ping_abort_all(struct sd *s)
{
	for (unsigned i = 0; i < SD_PING_MAX; i++)
		if (s->pings[i] != NULL)
			ping_finish(s, i);
}

static struct sd_ping *find(struct sd *s, uint16_t ident)
{
	for (unsigned i = 0; i < SD_PING_MAX; i++)
		if (s->pings[i] != NULL && s->pings[i]->ident == ident)
			return s->pings[i];
	return NULL;
}

bool sd_ping_input(struct sd *s, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	size_t ihl = (ip->version_ihl & 0xf) * 4u;
	size_t total = rte_be_to_cpu_16(ip->total_length);
	if (total > m->data_len || total < ihl + sizeof(struct rte_icmp_hdr))
		return false;
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)((const uint8_t *)ip + ihl);
	char from[16];
	sl_addr_fmt(rte_be_to_cpu_32(ip->src_addr), from);
	if (ic->icmp_type == RTE_IP_ICMP_ECHO_REPLY) {
		struct sd_ping *p = find(s, rte_be_to_cpu_16(ic->icmp_ident));
		if (p == NULL || total < ihl + sizeof(*ic) + sizeof(uint64_t))
			return false;
		uint64_t t;
		memcpy(&t, ic + 1, sizeof(t));
		uint16_t seq = rte_be_to_cpu_16(ic->icmp_seq_nb);
		FILE *out = sl_ctl_request_out(p->req);
		if (p->traceroute) {
			if (seq != p->sent || p->hop_answered)
				return false;
			fprintf(out, "%2u  %s  %.3f ms\n", seq, from, ms_since(s, t));
			p->hop_answered = true;
			p->done = true;
			p->status = 0;
			p->next_tsc = 0;
		} else {
			p->received++;
			fprintf(out, "%zu bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n",
				total - ihl, from, seq, ip->time_to_live, ms_since(s, t));
		}
		rte_pktmbuf_free(m);
		return true;
	}
	if (ic->icmp_type != ICMP_TIME_EXCEEDED && ic->icmp_type != ICMP_DEST_UNREACH)
		return false;
	/* the quoted datagram: our echo request's IP header and first 8 bytes */
	const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(ic + 1);
	size_t off = ihl + sizeof(*ic);
	if (total < off + sizeof(*in))
		return false;
	size_t in_ihl = (in->version_ihl & 0xf) * 4u;
	if (in->next_proto_id != IPPROTO_ICMP || total < off + in_ihl + sizeof(struct rte_icmp_hdr))
		return false;
	const struct rte_icmp_hdr *qi = (const struct rte_icmp_hdr *)((const uint8_t *)in + in_ihl);
	struct sd_ping *p = find(s, rte_be_to_cpu_16(qi->icmp_ident));
	if (p == NULL)
		return false;
	uint16_t seq = rte_be_to_cpu_16(qi->icmp_seq_nb);
	FILE *out = sl_ctl_request_out(p->req);
	bool unreach = ic->icmp_type == ICMP_DEST_UNREACH;
	if (p->traceroute) {
		if (seq == p->sent && !p->hop_answered) {
			fprintf(out, "%2u  %s  %.3f ms%s\n", seq, from, ms_since(s, p->sent_tsc),
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
