/* SPDX-License-Identifier: BSD-3-Clause */
/* show ip route [vrf NAME|all] [ADDRESS|PREFIX] — FRR-style table or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "show_priv.h"
#include "sl_intent.h"

static const char legend[] =
	"Codes: C - connected, L - local, S - static, B - BGP (FRR, or route-target / vrf "
	"import), O - OSPF, N - NAT pool (leak-nat),\n"
	"       > - selected route, * - FIB route, i - inactive (next hop unresolved)\n"
	"       (vrf X) - leaked: forwarding continues in VRF X\n";

/* The paths a leaked route forwards by: those of the origin VRF's selected
 * route of the same prefix (a leak redirects the lookup there, so every
 * path of an ECMP route stays in use). Returns how many (0: not leaked). */
struct origin_paths {
	struct sl_nh nh[SL_ECMP_MAX];
	uint8_t weight[SL_ECMP_MAX];
	size_t n;
};

static int origin_path_cb(const struct sl_route *r, void *arg)
{
	struct origin_paths *o = arg;
	if ((r->selected || r->multipath) && o->n < SL_ECMP_MAX) {
		o->nh[o->n] = r->nh;
		o->weight[o->n++] = r->weight;
	}
	return 0;
}

static size_t origin_paths_of(
	struct show_ctx *ctx, const struct sl_route *rt, struct origin_paths *o)
{
	o->n = 0;
	if (rt->origin_vrf[0] == '\0' || rt->nh.type != SL_NH_VRF)
		return 0;
	sl_rib_route_lookup(ctx->rib, rt->origin_vrf, rt->prefix, true, origin_path_cb, o);
	return o->n;
}

static void weight_text(uint8_t weight, char *buf, size_t len)
{
	if (weight > 1)
		snprintf(buf, len, ", weight %u", weight);
	else
		buf[0] = '\0';
}

/* A further path of an ECMP route, FRR-style: "  *" and the next hop under
 * the first path's ("S>* 10.0.0.0/24 [1/0] " is `width` columns). */
static void path_line(
	struct show_ctx *ctx, int width, const struct sl_nh *nh, uint8_t weight, const char *vrf)
{
	char t[96], w[24];
	show_nh_text(ctx->rib, nh, t, sizeof(t));
	weight_text(weight, w, sizeof(w));
	fprintf(ctx->out, "  *%*s%s%s", width - 3, "", t, w);
	if (vrf[0] != '\0')
		fprintf(ctx->out, " (vrf %s)", vrf);
	fputc('\n', ctx->out);
}

/* One candidate in FRR's one-line form:
 *   B>* 10.100.0.0/24 [20/0] is directly connected, eth2 (vrf SHARED)
 * then, for an ECMP route, one line per further path. */
static void route_line(struct show_ctx *ctx, const struct sl_route *rt)
{
	char p[SL_PREFIX_STR], nh[96], dm[32] = "", w[24];
	bool leaked = rt->origin_vrf[0] != '\0';
	struct origin_paths op;
	size_t n_op = rt->selected ? origin_paths_of(ctx, rt, &op) : 0;

	if (rt->source == SL_SRC_NAT)
		snprintf(nh, sizeof(nh), "source nat pool");
	else if (leaked)
		show_nh_text(ctx->rib, n_op ? &op.nh[0] : &rt->origin_nh, nh, sizeof(nh));
	else
		show_nh_text(ctx->rib, &rt->nh, nh, sizeof(nh));
	if (!rt->active && rt->cfg_gw != 0) {
		char a[16];
		snprintf(nh, sizeof(nh), "via %s", sl_addr_fmt(rt->cfg_gw, a));
	}
	if (rt->source != SL_SRC_CONNECTED && rt->source != SL_SRC_LOCAL)
		snprintf(dm, sizeof(dm), " [%u/%u]", rt->distance, rt->metric);
	sl_prefix_fmt(rt->prefix, p);
	int width = 4 + (int)strlen(p) + (int)strlen(dm) + 1;
	if (rt->multipath) {
		path_line(ctx, width, &rt->nh, rt->weight, rt->cfg_vrf);
		return;
	}
	weight_text(n_op ? op.weight[0] : rt->weight, w, sizeof(w));
	fprintf(ctx->out, "%c%c%c %s%s %s%s", show_source_code(rt->source),
		rt->selected ? '>' : ' ', rt->selected ? '*' : ' ', p, dm, nh, w);
	if (leaked)
		fprintf(ctx->out, " (vrf %s)", rt->origin_vrf);
	else if (rt->cfg_vrf[0] != '\0')
		fprintf(ctx->out, " (vrf %s)", rt->cfg_vrf);
	if (!rt->active)
		fprintf(ctx->out, " inactive");
	if (rt->noexport)
		fprintf(ctx->out, " (not leaked: policy intent)");
	fputc('\n', ctx->out);
	for (size_t i = 1; i < n_op; i++)
		path_line(ctx, width, &op.nh[i], op.weight[i], rt->origin_vrf);
}

static json_t *route_json(struct show_ctx *ctx, const struct sl_route *rt)
{
	char p[SL_PREFIX_STR];
	json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:i, s:I, s:I, s:o}", "prefix",
		sl_prefix_fmt(rt->prefix, p), "protocol", sl_rt_source_name(rt->source), "selected",
		rt->selected, "installed", rt->selected, "active", rt->active, "distance",
		rt->distance, "metric", (json_int_t)rt->metric, "localPref",
		(json_int_t)rt->local_pref, "nexthop", show_nh_json(ctx->rib, &rt->nh));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "installed", json_boolean(rt->selected || rt->multipath));
	json_object_set_new(o, "multipath", json_boolean(rt->multipath));
	if (rt->noexport)
		json_object_set_new(o, "notLeaked", json_true());
	if (rt->weight > 0)
		json_object_set_new(o, "weight", json_integer(rt->weight));
	struct origin_paths op;
	if (rt->selected && origin_paths_of(ctx, rt, &op) > 1) {
		json_t *a = json_array();
		for (size_t i = 0; i < op.n; i++)
			json_array_append_new(a, show_nh_json(ctx->rib, &op.nh[i]));
		json_object_set_new(o, "originNexthops", a);
	}
	if (rt->origin_vrf[0] != '\0') {
		json_object_set_new(o, "originVrf", json_string(rt->origin_vrf));
		json_object_set_new(o, "originNexthop", show_nh_json(ctx->rib, &rt->origin_nh));
	} else if (rt->cfg_vrf[0] != '\0') {
		json_object_set_new(o, "nexthopVrf", json_string(rt->cfg_vrf));
	}
	if (rt->rmap[0] != '\0') {
		json_object_set_new(o, "routeMap", json_string(rt->rmap));
		json_object_set_new(o, "routeMapRule", json_integer(rt->rmap_seq));
	}
	return o;
}

struct route_walk {
	struct show_ctx *ctx;
	size_t count;
	json_t *arr;
	bool detail;
	const char *vrf;
	bool by_addr; /* the query is an address: say what forwarding does to it */
	uint32_t addr;
};

/* For an address that hits a leaked route: both lookups as the worker does
 * them. The route shows the origin VRF's path for the leaked prefix, but
 * the second lookup is a longest match of the address there, which can
 * land on another route — another leak (dropped as leak_loop), a more
 * specific route, or nothing. NULL way when it does not apply. */
static bool forwarding_of(
	struct route_walk *w, const struct sl_route *rt, struct sl_intent_way *way)
{
	struct show_ctx *ctx = w->ctx;
	if (!w->by_addr || !rt->selected || rt->nh.type != SL_NH_VRF || ctx->r == NULL)
		return false;
	/* one set of maps for the whole command (`vrf all`: every VRF's routes) */
	if (ctx->maps == NULL && (ctx->maps = sl_router_intent_maps(ctx->r)) == NULL)
		return false;
	return sl_intent_maps_way(ctx->maps, w->vrf, w->addr, way) == 0 &&
	       (way->n_hops == 2 || way->fate == SL_FATE_NAT_REPLIES);
}

static void forwarding_text(struct route_walk *w, const struct sl_route *rt)
{
	struct sl_intent_way way;
	char t[512], a[16];
	if (!forwarding_of(w, rt, &way))
		return;
	const struct sl_intent_hop *h = &way.hop[way.n_hops - 1];
	bool same = h->found && sl_prefix_eq(h->route.prefix, rt->prefix) &&
		    way.fate == SL_FATE_FORWARD;
	sl_intent_way_text(&way, t, sizeof(t));
	fprintf(w->ctx->out, "  Forwarding of %s: %s\n", sl_addr_fmt(w->addr, a), t);
	if (way.fate == SL_FATE_NAT_REPLIES)
		fprintf(w->ctx->out,
			"    a leak-nat pool: a reply of a flow gets its host's address back and "
			"is looked up in vrf %s; a packet of no flow is dropped (nat_no_flow)\n",
			h->route.origin_vrf);
	else if (way.fate == SL_FATE_LEAK_LOOP)
		fprintf(w->ctx->out,
			"    not the path above: in vrf %s the address hits a route leaked from "
			"vrf %s, and a lookup is redirected once; the packet is dropped "
			"(leak_loop) and the sender gets ICMP unreachable\n",
			h->vrf, h->route.origin_vrf);
	else if (!same)
		fprintf(w->ctx->out,
			"    not the path above: the lookup in vrf %s is a longest match of the "
			"address\n",
			h->vrf);
}

static void forwarding_json(struct route_walk *w, const struct sl_route *rt, json_t *o)
{
	struct sl_intent_way way;
	char t[512];
	if (o == NULL || !forwarding_of(w, rt, &way))
		return;
	sl_intent_way_text(&way, t, sizeof(t));
	const struct sl_intent_hop *h = &way.hop[way.n_hops - 1];
	json_t *f = json_pack("{s:s, s:s, s:s}", "result", sl_intent_fate_name(way.fate), "vrf",
		h->vrf, "way", t);
	if (f != NULL && h->found) {
		char p[SL_PREFIX_STR];
		json_object_set_new(f, "prefix", json_string(sl_prefix_fmt(h->route.prefix, p)));
	}
	json_object_set_new(o, "forwarding", f);
}

static int route_cb(const struct sl_route *rt, void *arg)
{
	struct route_walk *w = arg;

	w->count++;
	if (w->arr != NULL) {
		json_t *o = route_json(w->ctx, rt);
		forwarding_json(w, rt, o);
		json_array_append_new(w->arr, o);
	} else if (w->detail) {
		char p[SL_PREFIX_STR], nh[96];
		struct show_ctx *ctx = w->ctx;
		const struct sl_nh *shown = rt->origin_vrf[0] ? &rt->origin_nh : &rt->nh;
		show_nh_text(ctx->rib, shown, nh, sizeof(nh));
		fprintf(ctx->out, "Routing entry for %s\n", sl_prefix_fmt(rt->prefix, p));
		fprintf(ctx->out,
			"  Known via \"%s\", distance %u, metric %u, local-pref %u, vrf %s%s%s\n",
			sl_rt_source_name(rt->source), rt->distance, rt->metric, rt->local_pref,
			w->vrf,
			rt->selected	? ", best"
			: rt->multipath ? ", multipath"
					: "",
			rt->active ? "" : ", inactive");
		fprintf(ctx->out, "  %c %s", rt->selected || rt->multipath ? '*' : ' ', nh);
		if (rt->weight > 1)
			fprintf(ctx->out, ", weight %u", rt->weight);
		if (rt->origin_vrf[0])
			fprintf(ctx->out, " (vrf %s)", rt->origin_vrf);
		fputc('\n', ctx->out);
		if (rt->origin_vrf[0])
			fprintf(ctx->out, "    leaked from vrf %s%s%s\n", rt->origin_vrf,
				rt->rmap[0] ? ", admitted by route-map " : "", rt->rmap);
		forwarding_text(w, rt);
	} else {
		route_line(w->ctx, rt);
	}
	return 0;
}

/* Show one VRF's table (or the entries matching `match`). */
static int show_vrf_routes(struct show_ctx *ctx, const char *vrf, const struct sl_prefix *match,
	bool exact, json_t *jall)
{
	struct route_walk w = {.ctx = ctx,
		.detail = match != NULL,
		.vrf = vrf,
		.by_addr = match != NULL && !exact,
		.addr = match != NULL ? match->addr : 0};
	int rc;

	if (jall != NULL)
		w.arr = json_array();
	else if (match == NULL)
		fprintf(ctx->out, "\nVRF %s:\n", vrf);
	if (match != NULL)
		rc = sl_rib_route_lookup(ctx->rib, vrf, *match, exact, route_cb, &w);
	else
		rc = sl_rib_route_foreach(ctx->rib, vrf, route_cb, &w);
	if ((rc == -ENOENT || w.count == 0) && match != NULL && jall == NULL) {
		char p[SL_PREFIX_STR];
		fprintf(ctx->out, "%% Network not in table: %s (vrf %s)\n",
			sl_prefix_fmt(*match, p), vrf);
	}
	if (jall != NULL)
		json_object_set_new(jall, vrf, w.arr);
	return rc == -ENOENT && match != NULL ? 0 : rc;
}

struct vrf_names {
	char (*v)[SL_NAME_MAX];
	size_t n;
};

static int collect_vrf(const struct sl_vrf_info *vi, void *arg)
{
	struct vrf_names *names = arg;
	if (names->n < SL_VRF_MAX)
		snprintf(names->v[names->n++], SL_NAME_MAX, "%s", vi->name);
	return 0;
}

static int cmd_ip_route(struct show_ctx *ctx, int argc, char **argv)
{
	const char *vrf = SL_VRF_DEFAULT;
	struct sl_prefix match;
	bool have_match = false, exact = false, all = false;
	struct sl_vrf_info vi;
	int i = 0, rc = 0;

	if (i < argc && strcmp(argv[i], "vrf") == 0) {
		if (i + 1 >= argc) {
			fprintf(ctx->err, "show ip route vrf: missing VRF name (or 'all')\n");
			return -EINVAL;
		}
		vrf = argv[i + 1];
		all = strcmp(vrf, "all") == 0;
		i += 2;
	}
	if (i < argc) {
		if (strchr(argv[i], '/') != NULL) {
			if (sl_prefix_parse(argv[i], &match, true) < 0) {
				fprintf(ctx->err,
					"show ip route: '%s' is not a prefix (A.B.C.D/L)\n",
					argv[i]);
				return -EINVAL;
			}
			match = sl_prefix_network(match);
			exact = true;
		} else {
			if (sl_addr_parse(argv[i], &match.addr) < 0) {
				fprintf(ctx->err,
					"show ip route: '%s' is not an address or prefix (A.B.C.D "
					"or A.B.C.D/L)\n",
					argv[i]);
				return -EINVAL;
			}
			match.len = 32;
		}
		have_match = true;
		i++;
	}
	if (i < argc) {
		fprintf(ctx->err,
			"show ip route: unexpected '%s' (usage: show ip route [vrf NAME|all] "
			"[ADDRESS|PREFIX])\n",
			argv[i]);
		return -EINVAL;
	}
	if (!all && sl_rib_vrf_info(ctx->rib, vrf, &vi) < 0) {
		fprintf(ctx->err, "show ip route: vrf '%s' is not defined\n", vrf);
		return -EINVAL;
	}

	json_t *jall = ctx->json ? json_object() : NULL;
	if (!ctx->json && !have_match)
		fputs(legend, ctx->out);
	if (all) {
		struct vrf_names names = {.v = calloc(SL_VRF_MAX, SL_NAME_MAX)};
		if (names.v == NULL) {
			json_decref(jall);
			return -ENOMEM;
		}
		sl_rib_vrf_foreach(ctx->rib, collect_vrf, &names);
		for (size_t k = 0; k < names.n && rc == 0; k++)
			rc = show_vrf_routes(
				ctx, names.v[k], have_match ? &match : NULL, exact, jall);
		free(names.v);
	} else {
		rc = show_vrf_routes(ctx, vrf, have_match ? &match : NULL, exact, jall);
	}
	if (jall != NULL)
		show_json_emit(ctx, jall);
	return rc;
}

static struct show_cmd show_ip_route = {
	.words = "ip route",
	.usage = "[vrf NAME|all] [ADDRESS|PREFIX]",
	.handler = cmd_ip_route,
};
SHOW_REGISTER(show_ip_route)
