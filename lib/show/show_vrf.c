/* SPDX-License-Identifier: BSD-3-Clause */
/* show vrf [NAME] — table, interfaces, RD, route-targets, imports, route-maps, counts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conf.h"
#include "show_priv.h"

static void rt_list(const struct sl_rt *v, size_t n, char *buf, size_t len)
{
	size_t off = 0;
	char one[SL_RT_STR];
	snprintf(buf, len, "-");
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(
			buf + off, len - off, "%s%s", i ? " " : "", sl_rt_fmt(v[i], one));
}

static json_t *rt_json(const struct sl_rt *v, size_t n)
{
	json_t *a = json_array();
	char one[SL_RT_STR];
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(sl_rt_fmt(v[i], one)));
	return a;
}

/* Every interface once, grouped by VRF: listing V VRFs reads the
 * configuration's interfaces once, not once per VRF. */
struct iface_rec {
	char ifname[SL_NAME_MAX];
	bool up;
};

struct vrf_ifaces {
	struct iface_rec *rec;
	uint32_t *vrf_id;
	size_t n, cap;
	struct show_by_vrf by_vrf;
	int rc;
};

static int iface_collect(const struct sl_iface_state *ifs, void *arg)
{
	struct vrf_ifaces *vi = arg;
	if (vi->n == vi->cap) {
		size_t cap = vi->cap ? vi->cap * 2 : 64;
		struct iface_rec *r = realloc(vi->rec, cap * sizeof(*r));
		if (r != NULL)
			vi->rec = r;
		uint32_t *id = realloc(vi->vrf_id, cap * sizeof(*id));
		if (id != NULL)
			vi->vrf_id = id;
		if (r == NULL || id == NULL) {
			vi->rc = -ENOMEM;
			return 1;
		}
		vi->cap = cap;
	}
	snprintf(vi->rec[vi->n].ifname, SL_NAME_MAX, "%s", ifs->ifname);
	vi->rec[vi->n].up = ifs->up;
	vi->vrf_id[vi->n++] = ifs->vrf_id;
	return 0;
}

static int vrf_ifaces_load(struct vrf_ifaces *vi, const struct sl_router *r)
{
	memset(vi, 0, sizeof(*vi));
	sl_router_iface_foreach(r, iface_collect, vi);
	if (vi->rc == 0)
		vi->rc = show_by_vrf_build(&vi->by_vrf, vi->vrf_id, vi->n);
	return vi->rc;
}

static void vrf_ifaces_free(struct vrf_ifaces *vi)
{
	show_by_vrf_free(&vi->by_vrf);
	free(vi->rec);
	free(vi->vrf_id);
}

struct iface_walk {
	char text[512];
	size_t off;
	json_t *arr;
};

/* The interfaces of VRF vrf_id, in name order, as text and (arr) JSON. */
static void iface_list(const struct vrf_ifaces *vi, uint32_t vrf_id, struct iface_walk *w)
{
	for (size_t k = vi->by_vrf.first[vrf_id]; k < vi->by_vrf.first[vrf_id + 1]; k++) {
		const struct iface_rec *ifs = &vi->rec[vi->by_vrf.order[k]];
		if (w->off < sizeof(w->text))
			w->off += (size_t)snprintf(w->text + w->off, sizeof(w->text) - w->off,
				"%s%s%s", w->off ? " " : "", ifs->ifname,
				ifs->up ? "" : "(disabled)");
		if (w->arr)
			json_array_append_new(w->arr, json_string(ifs->ifname));
	}
}

static uint32_t vrf_table(const struct show_ctx *ctx, const struct sl_vrf_info *vi)
{
	const struct sl_conf_node *n =
		sl_conf_findv(sl_router_conf_const(ctx->r), "vrf", "name", vi->name, NULL);
	const char *t = n ? sl_conf_leaf_value(n, "table") : NULL;
	uint32_t v;
	return t && sl_u32_parse(t, 0, UINT32_MAX, &v) == 0 ? v : vi->table;
}

static int vrf_detail(struct show_ctx *ctx, const struct vrf_ifaces *ifaces,
	const struct sl_vrf_info *vi, json_t *arr)
{
	struct sl_rib_bgp b;
	struct iface_walk w = {.off = 0};
	char rd[SL_RT_STR] = "-", imp[256], exp[256];
	const struct sl_conf_node *n =
		sl_conf_findv(sl_router_conf_const(ctx->r), "vrf", "name", vi->name, NULL);
	const char *desc = n ? sl_conf_leaf_value(n, "description") : NULL;

	if (sl_router_vrf_bgp(ctx->r, vi->name, &b) < 0)
		memset(&b, 0, sizeof(b));
	if (arr)
		w.arr = json_array();
	iface_list(ifaces, vi->id, &w);
	if (b.has_rd)
		sl_rt_fmt(b.rd, rd);
	rt_list(b.rt_import, b.n_rt_import, imp, sizeof(imp));
	rt_list(b.rt_export, b.n_rt_export, exp, sizeof(exp));

	if (arr) {
		json_t *iv = json_array(), *counts = json_object();
		for (size_t i = 0; i < b.n_import_vrf; i++)
			json_array_append_new(iv, json_string(b.import_vrf[i]));
		for (int s = 0; s < SL_SRC__COUNT; s++)
			json_object_set_new(counts, sl_rt_source_name(s),
				json_integer((json_int_t)vi->n_routes[s]));
		json_array_append_new(arr,
			json_pack("{s:s, s:I, s:I, s:s, s:o, s:b, s:I, s:s, s:o, s:o, s:o, s:s, "
				  "s:s, s:o, s:I}",
				"name", vi->name, "id", (json_int_t)vi->id, "table",
				(json_int_t)vrf_table(ctx, vi), "description", desc ? desc : "",
				"interfaces", w.arr, "bgp", b.enabled, "as", (json_int_t)b.asn,
				"rd", rd, "rtImport", rt_json(b.rt_import, b.n_rt_import),
				"rtExport", rt_json(b.rt_export, b.n_rt_export), "importVrf", iv,
				"routeMapImport", b.rmap_import, "routeMapExport", b.rmap_export,
				"routesBySource", counts, "selectedRoutes",
				(json_int_t)vi->n_selected));
	} else {
		FILE *o = ctx->out;
		fprintf(o, "VRF %s (id %u, table %u)%s%s\n", vi->name, vi->id, vrf_table(ctx, vi),
			desc ? " — " : "", desc ? desc : "");
		fprintf(o, "  Interfaces:          %s\n", w.off ? w.text : "-");
		if (b.enabled) {
			fprintf(o, "  BGP AS:              %u\n", b.asn);
			fprintf(o, "  RD:                  %s\n", rd);
			fprintf(o, "  RT import:           %s\n", imp);
			fprintf(o, "  RT export:           %s\n", exp);
			fprintf(o, "  Import vrf:          ");
			for (size_t i = 0; i < b.n_import_vrf; i++)
				fprintf(o, "%s%s", i ? " " : "", b.import_vrf[i]);
			fprintf(o, "%s\n", b.n_import_vrf ? "" : "-");
			fprintf(o, "  Route-map vpn import: %s\n",
				b.rmap_import[0] ? b.rmap_import : "- (all permitted)");
			fprintf(o, "  Route-map vpn export: %s\n",
				b.rmap_export[0] ? b.rmap_export : "- (all permitted)");
		} else {
			fprintf(o, "  BGP:                 not configured (no route-target "
				   "leaking)\n");
		}
		fprintf(o, "  Routes:              %zu selected", vi->n_selected);
		for (int s = 0; s < SL_SRC_BGP; s++)
			fprintf(o, "%s%s %zu", s ? ", " : "; ", sl_rt_source_name(s),
				vi->n_routes[s]);
		fputc('\n', o);
		if (vi->n_routes[SL_SRC_BGP] || vi->n_routes[SL_SRC_OSPF])
			fprintf(o, "  Dynamic (FRR):       bgp %zu, ospf %zu\n",
				vi->n_routes[SL_SRC_BGP], vi->n_routes[SL_SRC_OSPF]);
	}
	sl_router_vrf_bgp_free(&b);
	return 0;
}

struct list_walk {
	struct show_ctx *ctx;
	const struct vrf_ifaces *ifaces;
	json_t *arr;
	bool detail;
};

static int list_cb(const struct sl_vrf_info *vi, void *arg)
{
	struct list_walk *w = arg;
	if (w->detail || w->arr)
		return vrf_detail(w->ctx, w->ifaces, vi, w->arr);
	struct iface_walk iw = {.off = 0};
	iface_list(w->ifaces, vi->id, &iw);
	fprintf(w->ctx->out, "%-20s %-10u %-8zu %s\n", vi->name, vrf_table(w->ctx, vi),
		vi->n_selected, iw.off ? iw.text : "-");
	return 0;
}

static int cmd_vrf(struct show_ctx *ctx, int argc, char **argv)
{
	struct list_walk w = {.ctx = ctx};
	struct vrf_ifaces ifaces;
	struct sl_vrf_info vi;
	int rc;

	if (argc > 1) {
		fprintf(ctx->err, "usage: show vrf [NAME]\n");
		return -EINVAL;
	}
	if (argc == 1 && sl_rib_vrf_info(ctx->rib, argv[0], &vi) < 0) {
		fprintf(ctx->err, "show vrf: vrf '%s' is not defined\n", argv[0]);
		return -EINVAL;
	}
	if ((rc = vrf_ifaces_load(&ifaces, ctx->r)) < 0) {
		vrf_ifaces_free(&ifaces);
		return rc;
	}
	w.ifaces = &ifaces;
	if (ctx->json)
		w.arr = json_array();
	if (argc == 1) {
		vrf_detail(ctx, &ifaces, &vi, w.arr);
	} else {
		if (!ctx->json)
			fprintf(ctx->out, "%-20s %-10s %-8s %s\n", "VRF", "Table", "Routes",
				"Interfaces");
		sl_rib_vrf_foreach(ctx->rib, list_cb, &w);
	}
	if (w.arr)
		show_json_emit(ctx,
			argc == 1 ? json_incref(json_array_get(w.arr, 0)) : json_incref(w.arr));
	json_decref(w.arr);
	vrf_ifaces_free(&ifaces);
	return 0;
}

static struct show_cmd show_vrf = {
	.words = "vrf",
	.usage = "[NAME]",
	.handler = cmd_vrf,
};
SHOW_REGISTER(show_vrf)
