/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_route.c — /sluice/route/list,VRF[,OFFSET] and /sluice/route/lookup,VRF,ADDR. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tele_priv.h"

struct route_walk {
	const struct sl_rib *rib;
	struct rte_tel_data *list;
	uint32_t offset;
	size_t total, n;
};

static int route_entry(const struct sl_route *r, void *ctx)
{
	struct route_walk *w = ctx;
	size_t i = w->total++;
	if (i < w->offset || w->n >= SL_TELE_ROUTE_PAGE)
		return 0;
	struct rte_tel_data *e = tele_dict();
	if (e == NULL)
		return -ENOMEM;
	char buf[96];
	rte_tel_data_add_dict_string(e, "prefix", sl_prefix_fmt(r->prefix, buf));
	rte_tel_data_add_dict_string(e, "source", sl_rt_source_name(r->source));
	rte_tel_data_add_dict_int(e, "selected", r->selected);
	rte_tel_data_add_dict_int(e, "active", r->active);
	/* a further path of the selected route (ECMP): installed with it */
	rte_tel_data_add_dict_int(e, "multipath", r->multipath);
	if (r->weight > 0)
		rte_tel_data_add_dict_int(e, "weight", r->weight);
	rte_tel_data_add_dict_int(e, "distance", r->distance);
	rte_tel_data_add_dict_u64(e, "metric", r->metric);
	tele_nh_text(w->rib, &r->nh, buf, sizeof(buf));
	rte_tel_data_add_dict_string(e, "next_hop", buf);
	if (r->origin_vrf[0] != '\0')
		rte_tel_data_add_dict_string(e, "origin_vrf", r->origin_vrf);
	if (tele_add_indexed(w->list, i, e) == 0)
		w->n++;
	return 0;
}

static int route_list(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	struct route_walk w = {.rib = sl_router_rib_const(src->router)};
	if (n_args < 1 || n_args > 2 || !tele_offset(n_args == 2 ? args[1] : NULL, &w.offset))
		return tele_error(d, "usage: /sluice/route/list,VRF[,OFFSET]");
	struct sl_vrf_info v;
	if (sl_rib_vrf_info(w.rib, args[0], &v) < 0)
		return tele_error(d, "no VRF named '%s' (see /sluice/vrf/list)", args[0]);
	w.list = tele_dict();
	if (w.list == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "vrf", v.name);
	sl_rib_route_foreach(w.rib, v.name, route_entry, &w);
	tele_page_info(d, w.total, w.offset, w.n);
	rte_tel_data_add_dict_container(d, "routes", w.list, 0);
	return 0;
}

/* The selected route of the longest prefix holding an address in one VRF. */
struct best {
	bool found;
	struct sl_route r;
};

static int take_selected(const struct sl_route *r, void *ctx)
{
	struct best *b = ctx;
	if (r->selected && !b->found) {
		b->r = *r;
		b->found = true;
		return 1;
	}
	return 0;
}

/* Append to a bounded string (the path is a summary: truncation is fine). */
static void append(
	char *dst, size_t cap, const char *a, const char *b, const char *c, const char *e)
{
	const char *parts[] = {a, b, c, e};
	size_t used = strlen(dst);
	for (size_t i = 0; i < 4 && used + 1 < cap; i++) {
		size_t n = strlen(parts[i]);
		if (n > cap - 1 - used)
			n = cap - 1 - used;
		memcpy(dst + used, parts[i], n);
		used += n;
		dst[used] = '\0';
	}
}

/* What the RIB decides, following leak redirects like the datapath does
 * (one at most: a second is the datapath's leak_loop drop). */
static void rib_path(
	const struct sl_router *router, const char *vrf, uint32_t addr, struct rte_tel_data *d)
{
	const struct sl_rib *rib = sl_router_rib_const(router);
	struct rte_tel_data *steps = tele_dict();
	char path[RTE_TEL_MAX_STRING_LEN] = "", buf[96], pfx[24];
	const char *result = "no_route";
	char cur[SL_NAME_MAX];
	snprintf(cur, sizeof(cur), "%s", vrf);
	for (unsigned hop = 0; hop < 3; hop++) {
		struct best b = {0};
		struct sl_prefix host = {addr, 32};
		sl_rib_route_lookup(rib, cur, host, false, take_selected, &b);
		const char *sep = path[0] ? " -> " : "";
		if (!b.found) {
			append(path, sizeof(path), sep, cur, ": no route", "");
			result = "no_route";
			break;
		}
		tele_nh_text(rib, &b.r.nh, buf, sizeof(buf));
		sl_prefix_fmt(b.r.prefix, pfx);
		append(path, sizeof(path), sep, cur, " ", pfx);
		append(path, sizeof(path), " ", b.r.nh.type == SL_NH_VRF ? "redirect" : buf, "",
			"");
		/* a next hop resolved in another VRF: leaked without a redirect */
		if (b.r.nh.type != SL_NH_VRF && b.r.origin_vrf[0] != '\0')
			append(path, sizeof(path), " (leaked from ", b.r.origin_vrf, ")", "");
		if (steps != NULL) {
			struct rte_tel_data *s = tele_dict();
			if (s != NULL) {
				rte_tel_data_add_dict_string(s, "vrf", cur);
				rte_tel_data_add_dict_string(s, "prefix", pfx);
				rte_tel_data_add_dict_string(
					s, "source", sl_rt_source_name(b.r.source));
				rte_tel_data_add_dict_string(s, "next_hop", buf);
				if (b.r.origin_vrf[0] != '\0')
					rte_tel_data_add_dict_string(
						s, "origin_vrf", b.r.origin_vrf);
				if (b.r.rmap[0] != '\0') {
					snprintf(buf, sizeof(buf), "route-map %s rule %u", b.r.rmap,
						b.r.rmap_seq);
					rte_tel_data_add_dict_string(s, "policy", buf);
				}
				tele_add_indexed(steps, hop, s);
			}
		}
		rte_tel_data_add_dict_string(d, "resolved_vrf", cur);
		rte_tel_data_add_dict_string(d, "prefix", pfx);
		if (b.r.nh.type != SL_NH_VRF) {
			tele_nh_text(rib, &b.r.nh, buf, sizeof(buf));
			rte_tel_data_add_dict_string(d, "next_hop", buf);
			struct sl_iface_state ifs;
			if (b.r.nh.ifname[0] != '\0' &&
				sl_router_iface_get(router, b.r.nh.ifname, &ifs) == 0)
				rte_tel_data_add_dict_string(d, "egress_vrf", ifs.vrf);
			result = b.r.nh.type == SL_NH_LOCAL	  ? "local"
				 : b.r.nh.type == SL_NH_BLACKHOLE ? "blackhole"
								  : "forward";
			break;
		}
		const char *next = sl_rib_vrf_name(rib, b.r.nh.vrf_id);
		if (hop == 1 || next == NULL) {
			result = "leak_loop";
			break;
		}
		snprintf(cur, sizeof(cur), "%s", next);
	}
	rte_tel_data_add_dict_string(d, "result", result);
	rte_tel_data_add_dict_string(d, "path", path);
	if (steps != NULL)
		rte_tel_data_add_dict_container(d, "steps", steps, 0);
}

/* What the live FIB (the tables the workers read) returns. */
static void fib_path(
	const struct sl_tele_src *src, uint32_t vrf_id, uint32_t addr, struct rte_tel_data *d)
{
	const struct sl_rib *rib = sl_router_rib_const(src->router);
	uint32_t nh_index = 0, final_vrf = vrf_id;
	struct sl_addr dst = sl_addr_v4(addr);
	int rc = sl_fib_lookup(src->fib, vrf_id, &dst, &nh_index, &final_vrf);
	if (rc == -ENOENT || rc == -ELOOP) {
		rte_tel_data_add_dict_string(d, "result", rc == -ENOENT ? "no_route" : "leak_loop");
		return;
	}
	if (rc < 0) {
		rte_tel_data_add_dict_string(d, "result", "error");
		return;
	}
	const char *vname = sl_rib_vrf_name(rib, final_vrf);
	rte_tel_data_add_dict_string(d, "resolved_vrf", vname ? vname : "?");
	rte_tel_data_add_dict_int(d, "redirected", final_vrf != vrf_id);
	rte_tel_data_add_dict_u64(d, "nh_index", nh_index);
	const struct sl_fib_nh *nh = &sl_fib_nh_table(src->fib)[nh_index];
	const struct sl_fib_ifmap *ifm = sl_fib_ifmap(src->fib);
	const char *ifname = nh->oif < SL_FIB_IFACE_MAX ? ifm->ifs[nh->oif].name : "";
	char buf[96], a[16];
	const char *result = "forward";
	switch (nh->type) {
	case SL_FIB_NH_T_BLACKHOLE:
		snprintf(buf, sizeof(buf), "blackhole");
		result = "blackhole";
		break;
	case SL_FIB_NH_T_LOCAL:
		snprintf(buf, sizeof(buf), "local %s", ifname);
		result = "local";
		break;
	case SL_FIB_NH_T_CONNECTED:
		snprintf(buf, sizeof(buf), "connected %s", ifname);
		break;
	default:
		snprintf(buf, sizeof(buf), "via %s %s", sl_addr_fmt(nh->gw, a), ifname);
	}
	rte_tel_data_add_dict_string(d, "next_hop", buf);
	if (nh->type >= SL_FIB_NH_T_CONNECTED && nh->oif < SL_FIB_IFACE_MAX) {
		const char *ev = sl_rib_vrf_name(rib, ifm->ifs[nh->oif].vrf_id);
		rte_tel_data_add_dict_string(d, "egress_vrf", ev ? ev : "?");
	}
	rte_tel_data_add_dict_string(d, "result", result);
}

static int route_lookup(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	uint32_t addr;
	if (n_args != 2)
		return tele_error(d, "usage: /sluice/route/lookup,VRF,ADDR");
	if (sl_addr_parse(args[1], &addr) < 0)
		return tele_error(d, "'%s' is not an IPv4 address (A.B.C.D)", args[1]);
	const struct sl_rib *rib = sl_router_rib_const(src->router);
	struct sl_vrf_info v;
	if (sl_rib_vrf_info(rib, args[0], &v) < 0)
		return tele_error(d, "no VRF named '%s' (see /sluice/vrf/list)", args[0]);
	struct rte_tel_data *r = tele_dict(), *f = tele_dict();
	if (r == NULL || f == NULL) {
		rte_tel_data_free(r);
		rte_tel_data_free(f);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "vrf", v.name);
	rte_tel_data_add_dict_string(d, "address", args[1]);
	rib_path(src->router, v.name, addr, r);
	fib_path(src, v.id, addr, f);
	rte_tel_data_add_dict_container(d, "rib", r, 0);
	rte_tel_data_add_dict_container(d, "fib", f, 0);
	return 0;
}

TELE_COMMAND(route_list, "/sluice/route/list",
	"A VRF's routes (every candidate, selected first). Parameters: VRF[,OFFSET] "
	"(paged)")

TELE_COMMAND(route_lookup, "/sluice/route/lookup",
	"Where ADDR goes from VRF, in the RIB and the live FIB. Parameters: "
	"VRF,ADDR")
