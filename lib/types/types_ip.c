/* SPDX-License-Identifier: BSD-3-Clause */
/* types_ip.c — the one Internet checksum and IPv4 header builder of the
 * packets the router originates (lib/slow, lib/fw's TCP reset). */
#include <string.h>

#include "sl_types.h"

uint32_t sl_inet_sum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

uint16_t sl_inet_cksum(const void *p, size_t len, uint32_t sum)
{
	sum = sl_inet_sum(p, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void sl_ip4_hdr_write(void *out, const struct sl_ip4_hdr_spec *h)
{
	uint8_t *b = out;
	memset(b, 0, SL_IP4_HDR_LEN);
	b[0] = 0x45;
	sl_wr16(b + 2, h->total_len);
	sl_wr16(b + 4, h->id);
	b[6] = h->df ? 0x40 : 0;
	b[8] = h->ttl;
	b[9] = h->proto;
	sl_wr32(b + 12, h->src);
	sl_wr32(b + 16, h->dst);
	sl_wr16(b + 10, sl_inet_cksum(b, SL_IP4_HDR_LEN, 0));
}
