/* SPDX-License-Identifier: BSD-3-Clause */
/* cpif_punt.c — what goes up to the kernel: the class of a packet for the
 * router and a token bucket per class (rate a second, as large a burst). */
#include <netinet/in.h>

#include "cpif_priv.h"

#define BGP_PORT 179

enum sl_cpif_class sl_cpif_classify(const uint8_t *l3, size_t len, bool arp)
{
	if (arp)
		return SL_CPIF_ARP;
	if (len < 20)
		return SL_CPIF_OTHER;
	size_t ihl = (size_t)(l3[0] & 0xf) * 4u;
	bool first = ((l3[6] & 0x1f) | l3[7]) == 0; /* fragment offset 0: ports follow */
	switch (l3[9]) {
	case IPPROTO_TCP:
		if (first && len >= ihl + 4) {
			const uint8_t *p = l3 + ihl;
			unsigned sport = (unsigned)p[0] << 8 | p[1],
				 dport = (unsigned)p[2] << 8 | p[3];
			if (sport == BGP_PORT || dport == BGP_PORT)
				return SL_CPIF_BGP;
		}
		return SL_CPIF_TCP;
	case IPPROTO_UDP:
		return SL_CPIF_UDP;
	case 89: /* OSPF */
		return SL_CPIF_OSPF;
	case IPPROTO_ICMP:
		return SL_CPIF_ICMP;
	default:
		return SL_CPIF_OTHER;
	}
}

bool sl_cpif_admit(struct sl_cpif *c, enum sl_cpif_class k, uint64_t now, uint64_t hz)
{
	struct cpif_bucket *b = &c->bucket[k];
	uint64_t rate = c->conf.rate[k] ? c->conf.rate[k] : sl_cpif_rate_default[k];
	if (b->last == 0 || now < b->last) {
		b->tokens = rate;
		b->last = now;
	}
	/* a second or more since: full (and no overflow of the product) */
	uint64_t add = now - b->last >= hz ? rate : (now - b->last) * rate / hz;
	if (add > 0) {
		b->tokens = b->tokens + add < rate ? b->tokens + add : rate;
		b->last = now;
	}
	if (b->tokens == 0) {
		c->cnt.limited[k]++;
		return false;
	}
	b->tokens--;
	return true;
}
