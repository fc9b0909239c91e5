/* SPDX-License-Identifier: BSD-3-Clause */
/* Route distinguishers and route targets (RFC 4364 section 4.2 forms). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sl_types.h"

int sl_rt_parse(const char *s, struct sl_rt *rt)
{
	char left[24];
	const char *colon;
	uint32_t admin, assigned;
	size_t n;
	int rc;

	if (s == NULL || (colon = strchr(s, ':')) == NULL || strchr(colon + 1, ':') != NULL)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(left))
		return -EINVAL;
	memcpy(left, s, n);
	left[n] = '\0';

	if (strchr(left, '.') != NULL) {
		if (sl_addr_parse(left, &admin) < 0)
			return -EINVAL;
		rc = sl_u32_parse(colon + 1, 0, UINT16_MAX, &assigned);
		if (rc < 0)
			return rc;
		rt->type = 1;
	} else {
		rc = sl_u32_parse(left, 0, UINT32_MAX, &admin);
		if (rc < 0)
			return rc;
		rc = sl_u32_parse(colon + 1, 0, UINT32_MAX, &assigned);
		if (rc < 0)
			return rc;
		if (admin <= UINT16_MAX) {
			rt->type = 0;
		} else {
			if (assigned > UINT16_MAX)
				return -ERANGE; /* 4-byte ASN leaves 2 bytes for the number */
			rt->type = 2;
		}
	}
	rt->admin = admin;
	rt->assigned = assigned;
	return 0;
}

char *sl_rt_fmt(struct sl_rt rt, char *buf)
{
	char a[16];
	if (rt.type == 1)
		snprintf(buf, SL_RT_STR, "%s:%u", sl_addr_fmt(rt.admin, a), rt.assigned);
	else
		snprintf(buf, SL_RT_STR, "%u:%u", rt.admin, rt.assigned);
	return buf;
}

int sl_rt_cmp(struct sl_rt a, struct sl_rt b)
{
	if (a.type != b.type)
		return a.type < b.type ? -1 : 1;
	if (a.admin != b.admin)
		return a.admin < b.admin ? -1 : 1;
	if (a.assigned != b.assigned)
		return a.assigned < b.assigned ? -1 : 1;
	return 0;
}
