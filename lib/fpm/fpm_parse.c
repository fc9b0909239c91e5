/* SPDX-License-Identifier: BSD-3-Clause */
/* fpm_parse.c — netlink route and next-hop messages → struct sl_fpm_msg. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "sl_fpm.h"

const char *const sl_fpm_ignored_names[SL_FPM_IGN__COUNT] = {
	[SL_FPM_IGN_FRAME_TYPE] = "frame-type",
	[SL_FPM_IGN_MSG_TYPE] = "message-type",
	[SL_FPM_IGN_FAMILY] = "address-family",
	[SL_FPM_IGN_ROUTE_TYPE] = "route-type",
	[SL_FPM_IGN_ENCAP] = "encapsulation",
};

const char *const sl_fpm_bad_names[SL_FPM_BAD__COUNT] = {
	[SL_FPM_BAD_FRAME] = "frame-header",
	[SL_FPM_BAD_MSG_LEN] = "message-length",
	[SL_FPM_BAD_ATTR] = "attribute-length",
	[SL_FPM_BAD_VALUE] = "attribute-value",
	[SL_FPM_BAD_HOST_BITS] = "host-bits",
	[SL_FPM_BAD_TOO_MANY_PATHS] = "too-many-paths",
	[SL_FPM_BAD_NO_PATH] = "no-path",
};

/* An attribute cut out of [p, end): its type and payload. */
struct attr {
	uint16_t type;
	const uint8_t *data;
	size_t len;
};

/* Next attribute at *p; 0 at the end, 1 with one, -1 when lengths lie. */
static int attr_next(const uint8_t **p, const uint8_t *end, struct attr *a)
{
	struct rtattr ra;
	size_t left = (size_t)(end - *p);
	if (left == 0)
		return 0;
	if (left < sizeof(ra))
		return -1;
	memcpy(&ra, *p, sizeof(ra));
	if (ra.rta_len < sizeof(ra) || ra.rta_len > left)
		return -1;
	a->type = ra.rta_type & NLA_TYPE_MASK;
	a->data = *p + sizeof(ra);
	a->len = ra.rta_len - sizeof(ra);
	size_t step = RTA_ALIGN(ra.rta_len);
	*p += step < left ? step : left;
	return 1;
}

static bool u32_of(const struct attr *a, uint32_t *out)
{
	if (a->len != 4)
		return false;
	memcpy(out, a->data, 4);
	return true;
}

/* An IPv4 address in network order → host order. */
static bool ip4_of(const struct attr *a, uint32_t *out)
{
	uint32_t be;
	if (!u32_of(a, &be))
		return false;
	*out = ntohl(be);
	return true;
}

/* RTA_MULTIPATH: a list of struct rtnexthop, each followed by its attributes. */
static enum sl_fpm_bad multipath(const struct attr *mp, struct sl_fpm_route *r)
{
	const uint8_t *p = mp->data, *end = mp->data + mp->len;
	while (p < end) {
		struct rtnexthop nh;
		size_t left = (size_t)(end - p);
		if (left < sizeof(nh))
			return SL_FPM_BAD_ATTR;
		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > left)
			return SL_FPM_BAD_ATTR;
		if (r->n_paths == SL_FPM_NH_MAX)
			return SL_FPM_BAD_TOO_MANY_PATHS;
		struct sl_fpm_path *path = &r->paths[r->n_paths++];
		path->ifindex = nh.rtnh_ifindex > 0 ? (uint32_t)nh.rtnh_ifindex : 0;
		path->weight = (uint8_t)(nh.rtnh_hops == 255 ? 255 : nh.rtnh_hops + 1);
		const uint8_t *ap = p + sizeof(nh), *aend = p + nh.rtnh_len;
		struct attr a;
		int k;
		while ((k = attr_next(&ap, aend, &a)) > 0)
			if (a.type == RTA_GATEWAY && !ip4_of(&a, &path->gw))
				return SL_FPM_BAD_VALUE;
		if (k < 0)
			return SL_FPM_BAD_ATTR;
		size_t step = RTNH_ALIGN(nh.rtnh_len);
		p += step < left ? step : left;
	}
	return SL_FPM_BAD__COUNT; /* none */
}

/* A message body: its fixed header (copied out) and where its attributes
 * start. false (counted) when the body is shorter than the header. */
static bool body_split(const uint8_t *body, size_t len, void *hdr, size_t hdr_len,
	const uint8_t **attrs, struct sl_fpm_stats *st)
{
	if (len < hdr_len) {
		st->bad[SL_FPM_BAD_MSG_LEN]++;
		return false;
	}
	memcpy(hdr, body, hdr_len);
	*attrs = body + (NLMSG_ALIGN(hdr_len) < len ? NLMSG_ALIGN(hdr_len) : len);
	return true;
}

/* The end of a message: counted as refused, or counted in *ok and handed over. */
static void finish(const struct sl_fpm_msg *m, enum sl_fpm_bad bad, uint64_t *ok,
	struct sl_fpm_stats *st, sl_fpm_msg_fn fn, void *ctx)
{
	if (bad != SL_FPM_BAD__COUNT) {
		st->bad[bad]++;
		return;
	}
	(*ok)++;
	fn(m, ctx);
}

static void route(const struct nlmsghdr *h, const uint8_t *body, size_t len,
	struct sl_fpm_stats *st, sl_fpm_msg_fn fn, void *ctx)
{
	struct rtmsg rtm;
	const uint8_t *p, *end = body + len;
	if (!body_split(body, len, &rtm, sizeof(rtm), &p, st))
		return;
	if (rtm.rtm_family != AF_INET) {
		st->ignored[SL_FPM_IGN_FAMILY]++;
		return;
	}
	struct sl_fpm_msg m = {
		.kind = h->nlmsg_type == RTM_NEWROUTE ? SL_FPM_ROUTE_ADD : SL_FPM_ROUTE_DEL};
	struct sl_fpm_route *r = &m.route;
	switch (rtm.rtm_type) {
	case RTN_UNICAST:
		r->type = SL_FPM_UNICAST;
		break;
	case RTN_BLACKHOLE:
		r->type = SL_FPM_BLACKHOLE;
		break;
	case RTN_UNREACHABLE:
		r->type = SL_FPM_UNREACHABLE;
		break;
	case RTN_PROHIBIT:
		r->type = SL_FPM_PROHIBIT;
		break;
	default:
		st->ignored[SL_FPM_IGN_ROUTE_TYPE]++;
		return;
	}
	if (rtm.rtm_dst_len > 32) {
		st->bad[SL_FPM_BAD_VALUE]++;
		return;
	}
	r->table = rtm.rtm_table;
	r->protocol = rtm.rtm_protocol;
	r->prefix.len = rtm.rtm_dst_len;
	struct sl_fpm_path inline_path = {.weight = 1};
	bool has_inline = false;
	enum sl_fpm_bad bad = SL_FPM_BAD__COUNT;
	struct attr a;
	int k;
	while (bad == SL_FPM_BAD__COUNT && (k = attr_next(&p, end, &a)) > 0) {
		switch (a.type) {
		case RTA_DST:
			if (!ip4_of(&a, &r->prefix.addr))
				bad = SL_FPM_BAD_VALUE;
			break;
		case RTA_TABLE:
			if (!u32_of(&a, &r->table))
				bad = SL_FPM_BAD_VALUE;
			break;
		case RTA_PRIORITY:
			if (!u32_of(&a, &r->metric))
				bad = SL_FPM_BAD_VALUE;
			break;
		case RTA_OIF:
			if (!u32_of(&a, &inline_path.ifindex))
				bad = SL_FPM_BAD_VALUE;
			has_inline = true;
			break;
		case RTA_GATEWAY:
			if (!ip4_of(&a, &inline_path.gw))
				bad = SL_FPM_BAD_VALUE;
			has_inline = true;
			break;
		case RTA_NH_ID:
			if (!u32_of(&a, &r->nh_id))
				bad = SL_FPM_BAD_VALUE;
			break;
		case RTA_MULTIPATH:
			bad = multipath(&a, r);
			break;
		case RTA_ENCAP:
		case RTA_ENCAP_TYPE:
			st->ignored[SL_FPM_IGN_ENCAP]++;
			return;
		default:
			break; /* metrics, prefsrc, ...: not used */
		}
	}
	if (bad == SL_FPM_BAD__COUNT && k < 0)
		bad = SL_FPM_BAD_ATTR;
	if (bad == SL_FPM_BAD__COUNT && (r->prefix.addr & ~sl_mask(r->prefix.len)) != 0)
		bad = SL_FPM_BAD_HOST_BITS;
	if (bad == SL_FPM_BAD__COUNT && has_inline) {
		if (r->n_paths == SL_FPM_NH_MAX)
			bad = SL_FPM_BAD_TOO_MANY_PATHS;
		else
			r->paths[r->n_paths++] = inline_path;
	}
	if (bad == SL_FPM_BAD__COUNT && m.kind == SL_FPM_ROUTE_ADD && r->type == SL_FPM_UNICAST &&
		r->n_paths == 0 && r->nh_id == 0)
		bad = SL_FPM_BAD_NO_PATH;
	finish(&m, bad, m.kind == SL_FPM_ROUTE_ADD ? &st->routes_add : &st->routes_del, st, fn,
		ctx);
}

static void nexthop(const struct nlmsghdr *h, const uint8_t *body, size_t len,
	struct sl_fpm_stats *st, sl_fpm_msg_fn fn, void *ctx)
{
	struct nhmsg nhm;
	const uint8_t *p, *end = body + len;
	if (!body_split(body, len, &nhm, sizeof(nhm), &p, st))
		return;
	bool del = h->nlmsg_type == RTM_DELNEXTHOP;
	/* groups and blackholes come as AF_UNSPEC; a deletion needs only the id */
	if (!del && nhm.nh_family != AF_INET && nhm.nh_family != AF_UNSPEC) {
		st->ignored[SL_FPM_IGN_FAMILY]++;
		return;
	}
	struct sl_fpm_msg m = {.kind = del ? SL_FPM_NH_DEL : SL_FPM_NH_ADD};
	struct sl_fpm_nh *n = &m.nh;
	n->path.weight = 1;
	enum sl_fpm_bad bad = SL_FPM_BAD__COUNT;
	struct attr a;
	int k;
	while (bad == SL_FPM_BAD__COUNT && (k = attr_next(&p, end, &a)) > 0) {
		switch (a.type) {
		case NHA_ID:
			if (!u32_of(&a, &n->id))
				bad = SL_FPM_BAD_VALUE;
			break;
		case NHA_BLACKHOLE:
			n->blackhole = true;
			break;
		case NHA_OIF:
			if (!u32_of(&a, &n->path.ifindex))
				bad = SL_FPM_BAD_VALUE;
			break;
		case NHA_GATEWAY:
			if (!ip4_of(&a, &n->path.gw))
				bad = SL_FPM_BAD_VALUE;
			break;
		case NHA_GROUP: {
			struct nexthop_grp g;
			if (a.len % sizeof(g) != 0) {
				bad = SL_FPM_BAD_VALUE;
				break;
			}
			if (a.len / sizeof(g) > SL_FPM_NH_MAX) {
				bad = SL_FPM_BAD_TOO_MANY_PATHS;
				break;
			}
			for (size_t i = 0; i < a.len / sizeof(g); i++) {
				memcpy(&g, a.data + i * sizeof(g), sizeof(g));
				n->group[i].id = g.id;
				n->group[i].weight =
					(uint8_t)(g.weight == 255 ? 255 : g.weight + 1);
			}
			n->n_group = a.len / sizeof(g);
			break;
		}
		case NHA_ENCAP:
		case NHA_ENCAP_TYPE:
			st->ignored[SL_FPM_IGN_ENCAP]++;
			return;
		default:
			break;
		}
	}
	if (bad == SL_FPM_BAD__COUNT && k < 0)
		bad = SL_FPM_BAD_ATTR;
	if (bad == SL_FPM_BAD__COUNT && n->id == 0)
		bad = SL_FPM_BAD_VALUE; /* an object without an id cannot be named */
	if (bad == SL_FPM_BAD__COUNT && !del && !n->blackhole && n->n_group == 0 &&
		n->path.gw == 0 && n->path.ifindex == 0)
		bad = SL_FPM_BAD_NO_PATH;
	finish(&m, bad, del ? &st->nh_del : &st->nh_add, st, fn, ctx);
}

void sl_fpm_parse(
	const void *payload, size_t len, struct sl_fpm_stats *st, sl_fpm_msg_fn fn, void *ctx)
{
	const uint8_t *p = payload, *end = p + len;
	while (p < end) {
		struct nlmsghdr h;
		size_t left = (size_t)(end - p);
		if (left < sizeof(h) || (memcpy(&h, p, sizeof(h)), h.nlmsg_len < sizeof(h)) ||
			h.nlmsg_len > left) {
			/* the length cannot be trusted: nothing after it can be either */
			st->bad[SL_FPM_BAD_MSG_LEN]++;
			return;
		}
		st->messages++;
		const uint8_t *body = p + NLMSG_HDRLEN;
		size_t blen = h.nlmsg_len > NLMSG_HDRLEN ? h.nlmsg_len - NLMSG_HDRLEN : 0;
		switch (h.nlmsg_type) {
		case RTM_NEWROUTE:
		case RTM_DELROUTE:
			route(&h, body, blen, st, fn, ctx);
			break;
		case RTM_NEWNEXTHOP:
		case RTM_DELNEXTHOP:
			nexthop(&h, body, blen, st, fn, ctx);
			break;
		default:
			st->ignored[SL_FPM_IGN_MSG_TYPE]++;
			break;
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		p += step < left ? step : left;
	}
}
