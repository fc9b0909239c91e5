/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_reject.c — the TCP RST a `reject` rule answers a TCP segment with (RFC 793 reset generation). */
#include <errno.h>
#include <string.h>

#include "fw_priv.h"

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

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
	if (flags & 0x04)
		return -EINVAL; /* never answer a RST */
	if (outsz < IP_LEN + TCP_LEN)
		return -ENOSPC;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	size_t payload = total - ihl > doff ? total - ihl - doff : 0;

	memset(out, 0, IP_LEN + TCP_LEN);
	out[0] = 0x45;
	wr16(out + 2, IP_LEN + TCP_LEN);
	out[6] = 0x40; /* DF */
	out[8] = 64;
	out[9] = IPPROTO_TCP;
	memcpy(out + 12, ip + 16, 4); /* from the destination ... */
	memcpy(out + 16, ip + 12, 4); /* ... back to the source */
	wr16(out + 10, fold(sum16(out, IP_LEN, 0)));

	uint8_t *t = out + IP_LEN;
	memcpy(t, tcp + 2, 2);
	memcpy(t + 2, tcp, 2);
	t[12] = (TCP_LEN / 4) << 4;
	if (flags & 0x10) { /* ACK: the reset takes the acknowledged sequence */
		memcpy(t + 4, tcp + 8, 4);
		t[13] = 0x04;
	} else {
		uint32_t ack =
			rd32(tcp + 4) + (uint32_t)payload + !!(flags & 0x02) + !!(flags & 0x01);
		wr32(t + 8, ack);
		t[13] = 0x04 | 0x10;
	}
	/* pseudo header: addresses, protocol, TCP length */
	uint32_t sum = sum16(out + 12, 8, 0) + IPPROTO_TCP + TCP_LEN;
	wr16(t + 16, fold(sum16(t, TCP_LEN, sum)));
	return IP_LEN + TCP_LEN;
}
