/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 addresses and prefixes: strict parsing (no inet_aton leniency). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sl_types.h"

int sl_addr_parse(const char *s, uint32_t *addr)
{
	uint32_t a = 0;
	int octets = 0;

	if (s == NULL)
		return -EINVAL;
	while (octets < 4) {
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9') {
			if (digits == 1 && v == 0)
				return -EINVAL; /* leading zero: ambiguous (octal in inet_aton) */
			v = v * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
			s++;
		}
		if (digits == 0)
			return -EINVAL;
		a = (a << 8) | v;
		octets++;
		if (octets < 4) {
			if (*s != '.')
				return -EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return -EINVAL;
	*addr = a;
	return 0;
}

/* Decimal digits of v (< 1000) at s; returns the end. By hand: a commit
 * formats every changed static route's prefix (snprintf was ~3 % of it). */
static char *put_u(char *s, unsigned v)
{
	if (v >= 100)
		*s++ = (char)('0' + v / 100);
	if (v >= 10)
		*s++ = (char)('0' + v / 10 % 10);
	*s++ = (char)('0' + v % 10);
	return s;
}

static char *put_addr(char *s, uint32_t a)
{
	for (int shift = 24; shift >= 0; shift -= 8) {
		s = put_u(s, (a >> shift) & 0xff);
		*s++ = shift ? '.' : '\0';
	}
	return s - 1;
}

char *sl_addr_fmt(uint32_t a, char *buf)
{
	put_addr(buf, a);
	return buf;
}

int sl_prefix_parse(const char *s, struct sl_prefix *p, bool allow_host_bits)
{
	char tmp[SL_PREFIX_STR + 1];
	const char *slash;
	uint32_t len;
	size_t n;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return -EINVAL;
	n = (size_t)(slash - s);
	if (n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (sl_addr_parse(tmp, &p->addr) < 0)
		return -EINVAL;
	if (sl_u32_parse(slash + 1, 0, 32, &len) < 0)
		return -EINVAL;
	p->len = (uint8_t)len;
	if (!allow_host_bits && (p->addr & ~sl_mask(p->len)) != 0)
		return -EDOM;
	return 0;
}

char *sl_prefix_fmt(struct sl_prefix p, char *buf)
{
	if (p.len > 32) { /* not a prefix: as before, cut to the buffer */
		char a[16];
		snprintf(buf, SL_PREFIX_STR, "%s/%u", sl_addr_fmt(p.addr, a), p.len);
		return buf;
	}
	char *s = put_addr(buf, p.addr);
	*s++ = '/';
	*put_u(s, p.len) = '\0';
	return buf;
}

int sl_prefix_cmp(struct sl_prefix a, struct sl_prefix b)
{
	if (a.addr != b.addr)
		return a.addr < b.addr ? -1 : 1;
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

int sl_u32_parse(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}
