/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_reject.c — the TCP RST a `reject` rule answers a TCP segment with (RFC 793 reset generation). */
#include <errno.h>
#include <string.h>

#include <rte_tcp.h>

#include "fw_priv.h"

int sl_fw_tcp_rst(const uint8_t *ip, size_t len, uint8_t *out, size_t outsz)
{
	enum { IP_LEN = 20, TCP_LEN = 20 };
	if (ip == NULL || len < IP_LEN || (ip[0] >> 4) != 4 || ip[9] != IPPROTO_TCP)
		return -EINVAL;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t total = (size_t)(ip[2] << 8 | ip[3]);
	if (ihl < IP_LEN || total > len || total < ihl + TCP_LEN)
		return -EINVAL;
	const uint8_t *tcp = ip + ihl;
	uint8_t flags = tcp[13];
	if (flags & RTE_TCP_RST_FLAG)
		return -EINVAL; /* never answer a RST */
	if (outsz < IP_LEN + TCP_LEN)
		return -ENOSPC;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	size_t payload = total - ihl > doff ? total - ihl - doff : 0;

	memset(out, 0, IP_LEN + TCP_LEN);
	/* from the destination back to the source */
	sl_ip4_hdr_write(out, &(struct sl_ip4_hdr_spec){.total_len = IP_LEN + TCP_LEN,
				      .ttl = 64,
				      .proto = IPPROTO_TCP,
				      .df = true,
				      .src = sl_rd32(ip + 16),
				      .dst = sl_rd32(ip + 12)});

	uint8_t *t = out + IP_LEN;
	memcpy(t, tcp + 2, 2);
	memcpy(t + 2, tcp, 2);
	t[12] = (TCP_LEN / 4) << 4;
	if (flags & RTE_TCP_ACK_FLAG) { /* ACK: the reset takes the acknowledged sequence */
		memcpy(t + 4, tcp + 8, 4);
		t[13] = RTE_TCP_RST_FLAG;
	} else {
		uint32_t ack = sl_rd32(tcp + 4) + (uint32_t)payload + !!(flags & RTE_TCP_SYN_FLAG) +
			       !!(flags & RTE_TCP_FIN_FLAG);
		sl_wr32(t + 8, ack);
		t[13] = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	}
	/* pseudo header: addresses, protocol, TCP length */
	uint32_t sum = sl_inet_sum(out + 12, 8, 0) + IPPROTO_TCP + TCP_LEN;
	sl_wr16(t + 16, sl_inet_cksum(t, TCP_LEN, sum));
	return IP_LEN + TCP_LEN;
}
