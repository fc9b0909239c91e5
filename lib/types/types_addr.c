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

char *sl_addr_fmt(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
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
	char a[16];
	snprintf(buf, SL_PREFIX_STR, "%s/%u", sl_addr_fmt(p.addr, a), p.len);
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
