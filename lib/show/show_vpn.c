/* SPDX-License-Identifier: BSD-3-Clause */
/* show bgp ipv4 vpn [rd RD] [summary] — the local VPN table the route-target leaks use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "show_priv.h"

struct vpn_walk {
	struct show_ctx *ctx;
	bool has_filter;
	struct sl_rt rd;
	json_t *arr;
	char last_origin[SL_NAME_MAX];
	size_t count;
};

static void rts_text(const struct sl_rt *rts, size_t n, char *buf, size_t len)
{
	size_t off = 0;
	char one[SL_RT_STR];

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(
			buf + off, len - off, "%s%s", i ? " " : "", sl_rt_fmt(rts[i], one));
	if (n == 0)
		snprintf(buf, len, "-");
}

static int vpn_cb(const struct sl_vpn_route *v, void *arg)
{
	struct vpn_walk *w = arg;
	struct show_ctx *ctx = w->ctx;
	char p[SL_PREFIX_STR], rd[SL_RT_STR] = "-", nh[96], rts[160];

	if (w->has_filter && (!v->has_rd || !sl_rt_eq(v->rd, w->rd)))
		return 0;
	if (v->has_rd)
		sl_rt_fmt(v->rd, rd);
	sl_prefix_fmt(v->prefix, p);
	w->count++;
	if (w->arr != NULL) {
		json_t *jr = json_array();
		for (size_t i = 0; i < v->n_rts; i++) {
			char one[SL_RT_STR];
			json_array_append_new(jr, json_string(sl_rt_fmt(v->rts[i], one)));
		}
		json_array_append_new(w->arr,
			json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:I}", "rd", rd, "vrf",
				v->origin_vrf, "prefix", p, "nexthop",
				show_nh_json(ctx->rib, &v->origin_nh), "metric",
				(json_int_t)v->metric, "localPref", (json_int_t)v->local_pref,
				"routeTargets", jr, "importedBy", (json_int_t)v->n_importers));
		return 0;
	}
	if (strcmp(w->last_origin, v->origin_vrf) != 0) {
		fprintf(ctx->out, "Route Distinguisher: %s (vrf %s)\n", rd, v->origin_vrf);
		snprintf(w->last_origin, sizeof(w->last_origin), "%s", v->origin_vrf);
	}
	show_nh_text(ctx->rib, &v->origin_nh, nh, sizeof(nh));
	rts_text(v->rts, v->n_rts, rts, sizeof(rts));
	fprintf(ctx->out, "*> %-18s %6u %6u  RT:%-18s imported by %zu\n      %s\n", p, v->metric,
		v->local_pref, rts, v->n_importers, nh);
	return 0;
}

static int vpn_table(struct show_ctx *ctx, const char *rd_filter)
{
	struct vpn_walk w = {.ctx = ctx};

	if (rd_filter != NULL) {
		if (sl_rt_parse(rd_filter, &w.rd) < 0) {
			fprintf(ctx->err,
				"show bgp ipv4 vpn rd: '%s' is not a route distinguisher (ASN:NN "
				"or A.B.C.D:NN)\n",
				rd_filter);
			return -EINVAL;
		}
		w.has_filter = true;
	}
	if (ctx->json) {
		w.arr = json_array();
		sl_rib_vpn_foreach(ctx->rib, vpn_cb, &w);
		show_json_emit(ctx, json_pack("{s:o}", "routes", w.arr));
		return 0;
	}
	fprintf(ctx->out, "VPN table (local route leaking): routes each VRF exports\n");
	fprintf(ctx->out, "Status codes: * valid, > best\n\n");
	fprintf(ctx->out, "   %-18s %6s %6s  %-21s %s\n", "Network", "Metric", "LocPrf",
		"Route targets", "Importers");
	sl_rib_vpn_foreach(ctx->rib, vpn_cb, &w);
	fprintf(ctx->out, "\nDisplayed %zu routes\n", w.count);
	return 0;
}

/* Per-VRF counts of exported routes, for the summary. */
struct export_count {
	char vrf[SL_NAME_MAX];
	size_t n;
};
struct export_counts {
	struct export_count *v;
	size_t n;
};

static int count_cb(const struct sl_vpn_route *v, void *arg)
{
	struct export_counts *c = arg;
	if (c->n > 0 && strcmp(c->v[c->n - 1].vrf, v->origin_vrf) == 0) {
		c->v[c->n - 1].n++;
		return 0;
	}
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].vrf, v->origin_vrf) == 0) {
			c->v[i].n++;
			return 0;
		}
	if (c->n < SL_VRF_MAX) {
		snprintf(c->v[c->n].vrf, SL_NAME_MAX, "%s", v->origin_vrf);
		c->v[c->n++].n = 1;
	}
	return 0;
}

struct summary_walk {
	struct show_ctx *ctx;
	struct export_counts *exports;
	json_t *arr;
	struct sl_rt rds[SL_VRF_MAX];
	char rd_vrf[SL_VRF_MAX][SL_NAME_MAX];
	size_t n_rds;
	size_t dup;
};

static int summary_cb(const struct sl_vrf_info *vi, void *arg)
{
	struct summary_walk *w = arg;
	struct show_ctx *ctx = w->ctx;
	struct sl_rib_bgp b;
	char rd[SL_RT_STR] = "-", imp[160], exp[160];
	size_t exported = 0;

	if (sl_router_vrf_bgp(ctx->r, vi->name, &b) < 0)
		return 0;
	if (!b.enabled) {
		sl_router_vrf_bgp_free(&b);
		return 0;
	}
	for (size_t i = 0; i < w->exports->n; i++)
		if (strcmp(w->exports->v[i].vrf, vi->name) == 0)
			exported = w->exports->v[i].n;
	if (b.has_rd) {
		sl_rt_fmt(b.rd, rd);
		for (size_t i = 0; i < w->n_rds; i++)
			if (sl_rt_eq(w->rds[i], b.rd)) {
				fprintf(ctx->err,
					"warning: RD %s is used by vrf %s and vrf %s (RDs must be "
					"unique)\n",
					rd, w->rd_vrf[i], vi->name);
				w->dup++;
			}
		w->rds[w->n_rds] = b.rd;
		snprintf(w->rd_vrf[w->n_rds++], SL_NAME_MAX, "%s", vi->name);
	}
	rts_text(b.rt_import, b.n_rt_import, imp, sizeof(imp));
	rts_text(b.rt_export, b.n_rt_export, exp, sizeof(exp));
	size_t imported = vi->n_routes[SL_SRC_VPN_IMPORT] + vi->n_routes[SL_SRC_VRF_IMPORT];
	if (w->arr != NULL)
		json_array_append_new(
			w->arr, json_pack("{s:s, s:I, s:s, s:I, s:I, s:s, s:s}", "vrf", vi->name,
					"as", (json_int_t)b.asn, "rd", rd, "exported",
					(json_int_t)exported, "imported", (json_int_t)imported,
					"rtImport", imp, "rtExport", exp));
	else
		fprintf(ctx->out, "%-16s %-10u %-16s %8zu %8zu  %-20s %s\n", vi->name, b.asn, rd,
			exported, imported, imp, exp);
	sl_router_vrf_bgp_free(&b);
	return 0;
}

static int vpn_summary(struct show_ctx *ctx)
{
	struct export_counts ec = {.v = calloc(SL_VRF_MAX, sizeof(struct export_count))};
	struct summary_walk *w = calloc(1, sizeof(*w));

	if (ec.v == NULL || w == NULL) {
		free(ec.v);
		free(w);
		return -ENOMEM;
	}
	sl_rib_vpn_foreach(ctx->rib, count_cb, &ec);
	w->ctx = ctx;
	w->exports = &ec;
	if (ctx->json)
		w->arr = json_array();
	else
		fprintf(ctx->out, "%-16s %-10s %-16s %8s %8s  %-20s %s\n", "VRF", "AS", "RD",
			"Exported", "Imported", "RT import", "RT export");
	sl_rib_vrf_foreach(ctx->rib, summary_cb, w);
	if (ctx->json)
		show_json_emit(ctx, json_pack("{s:o, s:I}", "vrfs", w->arr, "duplicateRds",
					    (json_int_t)w->dup));
	else if (w->dup == 0)
		fprintf(ctx->out, "\nAll route distinguishers are unique.\n");
	free(ec.v);
	free(w);
	return 0;
}

static int cmd_vpn(struct show_ctx *ctx, int argc, char **argv)
{
	if (argc == 0)
		return vpn_table(ctx, NULL);
	if (argc == 1 && strcmp(argv[0], "summary") == 0)
		return vpn_summary(ctx);
	if (argc == 2 && strcmp(argv[0], "rd") == 0)
		return vpn_table(ctx, argv[1]);
	fprintf(ctx->err, "usage: show bgp ipv4 vpn [rd RD | summary]\n");
	return -EINVAL;
}

static struct show_cmd show_bgp_vpn = {
	.words = "bgp ipv4 vpn",
	.usage = "[rd RD | summary]",
	.handler = cmd_vpn,
};
SHOW_REGISTER(show_bgp_vpn)
