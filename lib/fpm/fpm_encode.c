/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fpm_encode.c — frames as zebra's dplane_fpm_nl writes them: the
 * counterpart of fpm_parse.c for tests, the test FPM client and benchmarks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "sl_fpm.h"

struct enc {
	uint8_t *buf;
	size_t cap, len;
	bool full;
};

static void *put(struct enc *e, const void *data, size_t len)
{
	size_t pad = NLMSG_ALIGN(len) - len;
	if (e->len + len + pad > e->cap) {
		e->full = true;
		return NULL;
	}
	void *at = e->buf + e->len;
	memcpy(at, data, len);
	memset(e->buf + e->len + len, 0, pad);
	e->len += len + pad;
	return at;
}

static void attr(struct enc *e, uint16_t type, const void *data, size_t len)
{
	struct rtattr ra = {.rta_len = (unsigned short)(sizeof(ra) + len), .rta_type = type};
	put(e, &ra, sizeof(ra));
	if (len > 0)
		put(e, data, len);
}

static void attr_u32(struct enc *e, uint16_t type, uint32_t v)
{
	attr(e, type, &v, sizeof(v));
}

static void attr_ip4(struct enc *e, uint16_t type, uint32_t host)
{
	attr_u32(e, type, htonl(host));
}

static uint8_t rtn_type(enum sl_fpm_route_type t)
{
	switch (t) {
	case SL_FPM_BLACKHOLE:
		return RTN_BLACKHOLE;
	case SL_FPM_UNREACHABLE:
		return RTN_UNREACHABLE;
	case SL_FPM_PROHIBIT:
		return RTN_PROHIBIT;
	default:
		return RTN_UNICAST;
	}
}

static void route(struct enc *e, const struct sl_fpm_route *r)
{
	struct rtmsg rtm = {.rtm_family = AF_INET,
		.rtm_dst_len = r->prefix.len,
		.rtm_table = (uint8_t)(r->table < 256 ? r->table : RT_TABLE_UNSPEC),
		.rtm_protocol = r->protocol,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = rtn_type(r->type)};
	put(e, &rtm, sizeof(rtm));
	if (r->table >= 256)
		attr_u32(e, RTA_TABLE, r->table);
	if (r->prefix.len > 0)
		attr_ip4(e, RTA_DST, r->prefix.addr);
	if (r->metric)
		attr_u32(e, RTA_PRIORITY, r->metric);
	if (r->nh_id)
		attr_u32(e, RTA_NH_ID, r->nh_id);
	if (r->n_paths == 1) {
		if (r->paths[0].gw)
			attr_ip4(e, RTA_GATEWAY, r->paths[0].gw);
		if (r->paths[0].ifindex)
			attr_u32(e, RTA_OIF, r->paths[0].ifindex);
	} else if (r->n_paths > 1) {
		size_t at = e->len;
		attr(e, RTA_MULTIPATH, NULL, 0);
		for (size_t i = 0; i < r->n_paths; i++) {
			const struct sl_fpm_path *p = &r->paths[i];
			struct rtnexthop nh = {
				.rtnh_len =
					(unsigned short)(sizeof(nh) + (p->gw ? RTA_LENGTH(4) : 0)),
				.rtnh_hops = (uint8_t)(p->weight ? p->weight - 1 : 0),
				.rtnh_ifindex = (int)p->ifindex};
			put(e, &nh, sizeof(nh));
			if (p->gw)
				attr_ip4(e, RTA_GATEWAY, p->gw);
		}
		if (!e->full) {
			struct rtattr ra = {.rta_len = (unsigned short)(e->len - at),
				.rta_type = RTA_MULTIPATH};
			memcpy(e->buf + at, &ra, sizeof(ra));
		}
	}
}

static void nexthop(struct enc *e, const struct sl_fpm_nh *n)
{
	struct nhmsg nhm = {
		.nh_family = (uint8_t)(n->n_group || n->blackhole ? AF_UNSPEC : AF_INET)};
	put(e, &nhm, sizeof(nhm));
	attr_u32(e, NHA_ID, n->id);
	if (n->blackhole) {
		attr(e, NHA_BLACKHOLE, NULL, 0);
	} else if (n->n_group) {
		struct nexthop_grp g[SL_FPM_NH_MAX];
		memset(g, 0, sizeof(g));
		for (size_t i = 0; i < n->n_group; i++) {
			g[i].id = n->group[i].id;
			g[i].weight = (uint8_t)(n->group[i].weight ? n->group[i].weight - 1 : 0);
		}
		attr(e, NHA_GROUP, g, n->n_group * sizeof(g[0]));
	} else {
		if (n->path.gw)
			attr_ip4(e, NHA_GATEWAY, n->path.gw);
		if (n->path.ifindex)
			attr_u32(e, NHA_OIF, n->path.ifindex);
	}
}

int sl_fpm_encode(const struct sl_fpm_msg *m, uint8_t *out, size_t cap)
{
	bool is_route = m->kind == SL_FPM_ROUTE_ADD || m->kind == SL_FPM_ROUTE_DEL;
	if ((is_route && m->route.n_paths > SL_FPM_NH_MAX) ||
		(!is_route && m->nh.n_group > SL_FPM_NH_MAX))
		return -EINVAL;
	if (cap > SL_FPM_FRAME_MAX)
		cap = SL_FPM_FRAME_MAX;
	struct enc e = {.buf = out, .cap = cap, .len = SL_FPM_HDR_LEN};
	if (cap < SL_FPM_HDR_LEN + NLMSG_HDRLEN)
		return -ENOSPC;
	static const uint16_t types[] = {[SL_FPM_ROUTE_ADD] = RTM_NEWROUTE,
		[SL_FPM_ROUTE_DEL] = RTM_DELROUTE,
		[SL_FPM_NH_ADD] = RTM_NEWNEXTHOP,
		[SL_FPM_NH_DEL] = RTM_DELNEXTHOP};
	struct nlmsghdr h = {.nlmsg_type = types[m->kind], .nlmsg_flags = NLM_F_REQUEST};
	put(&e, &h, sizeof(h));
	if (is_route)
		route(&e, &m->route);
	else
		nexthop(&e, &m->nh);
	if (e.full)
		return -ENOSPC;
	h.nlmsg_len = (uint32_t)(e.len - SL_FPM_HDR_LEN);
	memcpy(out + SL_FPM_HDR_LEN, &h, sizeof(h));
	out[0] = SL_FPM_VERSION;
	out[1] = SL_FPM_TYPE_NETLINK;
	out[2] = (uint8_t)(e.len >> 8);
	out[3] = (uint8_t)e.len;
	return (int)e.len;
}
