/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_vrf.c — /sluice/vrf/list and /sluice/vrf/info,NAME. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tele_priv.h"

void tele_vrf_packets(struct rte_tel_data *e, const struct sl_tele_counts *c, uint32_t id)
{
	if (id >= SL_VRF_MAX) /* never a RIB id */
		return;
	const struct sl_dp_vrf_count *v = &c->vrf[id];
	uint64_t rx = v->ipv4_rx, fwd = v->forwarded, punted = v->punted;
	rte_tel_data_add_dict_u64(e, "ipv4_rx", rx);
	rte_tel_data_add_dict_u64(e, "forwarded", fwd);
	rte_tel_data_add_dict_u64(e, "punted", punted);
	/* every looked-up packet is forwarded, punted or dropped exactly once;
	 * reads race the workers a little, hence the guard */
	rte_tel_data_add_dict_u64(e, "dropped", rx >= fwd + punted ? rx - fwd - punted : 0);
}

struct vrf_walk {
	struct rte_tel_data *list;
	const struct sl_tele_counts *c;
	uint32_t offset;
	size_t total, n;
};

static int vrf_entry(const struct sl_vrf_info *v, void *ctx)
{
	struct vrf_walk *w = ctx;
	size_t i = w->total++;
	if (i < w->offset || w->n >= SL_TELE_VRF_PAGE)
		return 0;
	struct rte_tel_data *e = tele_dict();
	if (e == NULL)
		return -ENOMEM;
	size_t routes = 0;
	for (int s = 0; s < SL_SRC__COUNT; s++)
		routes += v->n_routes[s];
	rte_tel_data_add_dict_string(e, "name", v->name);
	rte_tel_data_add_dict_u64(e, "id", v->id);
	rte_tel_data_add_dict_u64(e, "table", v->table);
	rte_tel_data_add_dict_u64(e, "routes", routes);
	rte_tel_data_add_dict_u64(e, "selected", v->n_selected);
	tele_vrf_packets(e, w->c, v->id);
	if (tele_add_indexed(w->list, i, e) == 0)
		w->n++;
	return 0;
}

static int vrf_list(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	struct vrf_walk w = {0};
	if (n_args > 1 || !tele_offset(n_args ? args[0] : NULL, &w.offset))
		return tele_error(d, "usage: /sluice/vrf/list[,OFFSET]");
	struct sl_tele_counts *c = tele_counts(src->dp);
	w.list = tele_dict();
	if (c == NULL || w.list == NULL) {
		free(c);
		rte_tel_data_free(w.list);
		return -ENOMEM;
	}
	w.c = c;
	rte_tel_data_start_dict(d);
	sl_rib_vrf_foreach(sl_router_rib_const(src->router), vrf_entry, &w);
	tele_page_info(d, w.total, w.offset, w.n);
	rte_tel_data_add_dict_container(d, "vrfs", w.list, 0);
	free(c);
	return 0;
}

static struct rte_tel_data *string_array(void)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	if (a != NULL)
		rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	return a;
}

static void add_rts(struct rte_tel_data *d, const char *key, const struct sl_rt *rts, size_t n)
{
	struct rte_tel_data *a = string_array();
	if (a == NULL)
		return;
	char buf[64];
	for (size_t i = 0; i < n; i++)
		rte_tel_data_add_array_string(a, sl_rt_fmt(rts[i], buf));
	rte_tel_data_add_dict_container(d, key, a, 0);
}

struct if_walk {
	const char *vrf;
	struct rte_tel_data *a;
};

static int vrf_iface(const struct sl_iface_state *is, void *ctx)
{
	struct if_walk *w = ctx;
	if (strcmp(is->vrf, w->vrf) == 0)
		rte_tel_data_add_array_string(w->a, is->ifname);
	return 0;
}

/* The leak settings of the VRF (RD, RTs, import vrf, route-maps). */
static void vrf_bgp(struct rte_tel_data *d, const struct sl_router *r, const char *vrf)
{
	struct sl_rib_bgp b;
	char buf[64];
	if (sl_router_vrf_bgp(r, vrf, &b) < 0)
		return;
	rte_tel_data_add_dict_int(d, "bgp", b.enabled);
	if (b.enabled && b.has_rd)
		rte_tel_data_add_dict_string(d, "rd", sl_rt_fmt(b.rd, buf));
	add_rts(d, "rt_import", b.rt_import, b.n_rt_import);
	add_rts(d, "rt_export", b.rt_export, b.n_rt_export);
	struct rte_tel_data *iv = string_array();
	if (iv != NULL) {
		for (size_t i = 0; i < b.n_import_vrf; i++)
			rte_tel_data_add_array_string(iv, b.import_vrf[i]);
		rte_tel_data_add_dict_container(d, "import_vrf", iv, 0);
	}
	rte_tel_data_add_dict_string(d, "route_map_import", b.rmap_import);
	rte_tel_data_add_dict_string(d, "route_map_export", b.rmap_export);
	sl_router_vrf_bgp_free(&b);
}

static int vrf_info(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	if (n_args != 1 || args[0][0] == '\0')
		return tele_error(d, "usage: /sluice/vrf/info,NAME");
	const struct sl_rib *rib = sl_router_rib_const(src->router);
	struct sl_vrf_info v;
	if (sl_rib_vrf_info(rib, args[0], &v) < 0)
		return tele_error(d, "no VRF named '%s' (see /sluice/vrf/list)", args[0]);
	struct sl_tele_counts *c = tele_counts(src->dp);
	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", v.name);
	rte_tel_data_add_dict_u64(d, "id", v.id);
	rte_tel_data_add_dict_u64(d, "table", v.table);
	vrf_bgp(d, src->router, v.name);
	struct if_walk iw = {.vrf = v.name, .a = string_array()};
	if (iw.a != NULL) {
		sl_router_iface_foreach(src->router, vrf_iface, &iw);
		rte_tel_data_add_dict_container(d, "interfaces", iw.a, 0);
	}
	struct rte_tel_data *rs = tele_dict();
	if (rs != NULL) {
		for (int s = 0; s < SL_SRC__COUNT; s++)
			rte_tel_data_add_dict_u64(rs, sl_rt_source(s)->key, v.n_routes[s]);
		rte_tel_data_add_dict_container(d, "routes_by_source", rs, 0);
	}
	rte_tel_data_add_dict_u64(d, "selected", v.n_selected);
	struct rte_tel_data *pk = tele_dict();
	if (pk != NULL) {
		tele_vrf_packets(pk, c, v.id);
		uint64_t out = 0, in = 0;
		for (size_t i = 0; i < c->n_dirs; i++) {
			if (c->dirs[i].from == v.id)
				out += c->dirs[i].packets;
			if (c->dirs[i].to == v.id)
				in += c->dirs[i].packets;
		}
		/* forwarded packets that entered here and left in another VRF, and back */
		rte_tel_data_add_dict_u64(pk, "leaked_out", out);
		rte_tel_data_add_dict_u64(pk, "leaked_in", in);
		rte_tel_data_add_dict_container(d, "packets", pk, 0);
	}
	free(c);
	return 0;
}

TELE_COMMAND(vrf_list, "/sluice/vrf/list",
	"VRFs: id, table, routes, packet counters. Parameter: [OFFSET] (paged)")

TELE_COMMAND(vrf_info, "/sluice/vrf/info",
	"One VRF: table, RD, RTs, routes by source, packets. Parameter: NAME")
