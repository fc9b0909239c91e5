/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show leak [vrf NAME] — per VRF, the leaked routes it holds (from whom, by
 * which mechanism, admitted by which rule) and the leaks it refused, and why.
 * show leak matrix      — VRF x VRF: who reaches whom, the return path, the
 *                         firewall bound to the leak point.
 * The audit itself is lib/audit; this file only formats it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "show_priv.h"
#include "sl_audit.h"
#include "sl_intent.h"

static const char leak_legend[] =
	"Leak audit: received = leaked routes the VRF holds; refused = leaks it was offered\n"
	"(or would get) and does not hold, with the reason.\n";

static const char *received_state(const struct sl_leak *l)
{
	if (!l->active)
		return "  [inactive: next hop unresolved]";
	if (!l->selected)
		return "  [not selected: a better route for the prefix exists]";
	return "";
}

/*
 * The audit's records grouped by the VRF holding them, built once per
 * command: listing every VRF reads each VRF's own records, instead of
 * comparing every record's VRF name once per VRF (O(V x records)).
 */
struct leak_index {
	struct show_by_vrf recv, ref;
};

static int vrf_ids_of(
	const struct sl_rib *rib, size_t n, size_t stride, const char *names, uint32_t **out)
{
	struct sl_vrf_info vi;
	*out = malloc((n ? n : 1) * sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = sl_rib_vrf_info(rib, names + i * stride, &vi) == 0 ? vi.id : SL_VRF_MAX;
	return 0;
}

static int leak_index_build(
	struct leak_index *x, const struct sl_rib *rib, const struct sl_leak_audit *a)
{
	uint32_t *recv_ids = NULL, *ref_ids = NULL;
	int rc;

	memset(x, 0, sizeof(*x));
	if ((rc = vrf_ids_of(rib, a->n_received, sizeof(*a->received),
		     a->n_received ? a->received[0].vrf : NULL, &recv_ids)) == 0 &&
		(rc = vrf_ids_of(rib, a->n_refused, sizeof(*a->refused),
			 a->n_refused ? a->refused[0].vrf : NULL, &ref_ids)) == 0 &&
		(rc = show_by_vrf_build(&x->recv, recv_ids, a->n_received)) == 0)
		rc = show_by_vrf_build(&x->ref, ref_ids, a->n_refused);
	free(recv_ids);
	free(ref_ids);
	return rc;
}

static void leak_index_free(struct leak_index *x)
{
	show_by_vrf_free(&x->recv);
	show_by_vrf_free(&x->ref);
}

static size_t group_count(const struct show_by_vrf *g, uint32_t id)
{
	return g->first[id + 1] - g->first[id];
}

/* The NAT pools a VRF routes back (`leak-nat` of another VRF into it): not
 * leaks it received, but what its hosts' replies to a NATed customer take. */
struct nat_pools {
	struct show_ctx *ctx;
	json_t *arr; /* NULL: text */
	bool titled;
};

static int nat_pool_cb(const struct sl_route *rt, void *arg)
{
	struct nat_pools *n = arg;
	char p[SL_PREFIX_STR];
	if (rt->source != SL_SRC_NAT)
		return 0;
	sl_prefix_fmt(rt->prefix, p);
	if (n->arr != NULL) {
		json_array_append_new(n->arr, json_pack("{s:s, s:s, s:b}", "pool", p, "from",
						      rt->origin_vrf, "selected", rt->selected));
		return 0;
	}
	if (!n->titled)
		fprintf(n->ctx->out, "  NAT pools (leak-nat; replies return by the flow table):\n");
	n->titled = true;
	fprintf(n->ctx->out, "    %-18s sources of %s%s\n", p, rt->origin_vrf,
		rt->selected ? "" : " (not selected)");
	return 0;
}

/*
 * Addresses a VRF drops as leak loops: a leaked route sends the lookup into
 * the exporting VRF, and there the address hits another leaked route (the
 * worker redirects once). The received route looks usable and is not, so
 * the audit says so. Returns how many addresses (0: none or an error).
 */
static int leak_loops(struct show_ctx *ctx, const char *vrf, struct sl_intent_result *res)
{
	if (ctx->r == NULL)
		return -ENOENT;
	if (ctx->maps == NULL && (ctx->maps = sl_router_intent_maps(ctx->r)) == NULL)
		return -ENOMEM;
	return sl_intent_maps_leak_loops(ctx->maps, vrf, res);
}

static uint64_t loops_text(
	struct show_ctx *ctx, const char *vrf, const char *indent, const char *title)
{
	struct sl_intent_result res;
	char range[64], way[512];
	if (leak_loops(ctx, vrf, &res) < 0 || res.holds)
		return 0;
	if (title != NULL)
		fputs(title, ctx->out);
	fprintf(ctx->out,
		"%sDropped as leak loops: %llu address%s in %zu range%s (the second lookup "
		"hits another leak; senders get ICMP unreachable):\n",
		indent, (unsigned long long)res.n_addresses, res.n_addresses == 1 ? "" : "es",
		res.n_ranges, res.n_ranges == 1 ? "" : "s");
	for (size_t i = 0; i < res.n_breach_listed; i++) {
		sl_intent_breach_text(&res.breach[i], range, sizeof(range));
		sl_intent_way_text(&res.breach[i].way, way, sizeof(way));
		fprintf(ctx->out, "%s  %s: %s\n", indent, range, way);
	}
	if (res.n_breach_listed == SL_INTENT_BREACH_MAX)
		fprintf(ctx->out, "%s  (the first %d ways)\n", indent, SL_INTENT_BREACH_MAX);
	return res.n_addresses;
}

static json_t *loops_json(struct show_ctx *ctx, const char *vrf)
{
	struct sl_intent_result res;
	char range[64], way[512];
	json_t *a = json_array();
	if (leak_loops(ctx, vrf, &res) < 0)
		return a;
	for (size_t i = 0; i < res.n_breach_listed; i++) {
		sl_intent_breach_text(&res.breach[i], range, sizeof(range));
		sl_intent_way_text(&res.breach[i].way, way, sizeof(way));
		json_array_append_new(
			a, json_pack("{s:s, s:I, s:s}", "addresses", range, "count",
				   (json_int_t)res.breach[i].n_addresses, "way", way));
	}
	return a;
}

static void vrf_text(struct show_ctx *ctx, const char *vrf, uint32_t id,
	const struct sl_leak_audit *a, const struct leak_index *x)
{
	size_t n_recv = group_count(&x->recv, id), n_ref = group_count(&x->ref, id);
	char p[SL_PREFIX_STR], text[512];

	fprintf(ctx->out, "\nVRF %s: %zu received, %zu refused\n", vrf, n_recv, n_ref);
	if (n_recv > 0)
		fprintf(ctx->out, "  Received:\n");
	for (size_t k = x->recv.first[id]; k < x->recv.first[id + 1]; k++) {
		const struct sl_leak *l = &a->received[x->recv.order[k]];
		sl_leak_policy_text(l, text, sizeof(text));
		fprintf(ctx->out, "    %-18s from %-12s by %-34s admitted by %s%s\n",
			sl_prefix_fmt(l->prefix, p), l->origin, l->detail, text, received_state(l));
	}
	if (n_ref > 0)
		fprintf(ctx->out, "  Refused:\n");
	for (size_t k = x->ref.first[id]; k < x->ref.first[id + 1]; k++) {
		const struct sl_leak_refused *f = &a->refused[x->ref.order[k]];
		sl_leak_refusal_text(f, text, sizeof(text));
		fprintf(ctx->out, "    %-18s from %-12s by %-34s %s\n", sl_prefix_fmt(f->prefix, p),
			f->origin, f->detail, text);
	}
	if (n_recv > 0)
		loops_text(ctx, vrf, "  ", NULL);
	struct nat_pools n = {.ctx = ctx};
	sl_rib_route_foreach(ctx->rib, vrf, nat_pool_cb, &n);
}

static json_t *received_json(const struct sl_leak *l)
{
	char p[SL_PREFIX_STR], text[256];
	sl_leak_policy_text(l, text, sizeof(text));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:I, s:I}", "prefix",
		sl_prefix_fmt(l->prefix, p), "from", l->origin, "mechanism",
		sl_leak_mech_name(l->mech), "detail", l->detail, "policy", text, "active",
		l->active, "selected", l->selected, "distance", l->distance, "localPref",
		(json_int_t)l->local_pref, "metric", (json_int_t)l->metric);
	if (o != NULL && l->rmap[0] != '\0') {
		json_object_set_new(o, "routeMap", json_string(l->rmap));
		json_object_set_new(o, "routeMapRule", json_integer(l->rmap_seq));
		json_object_set_new(
			o, "routeMapOf", json_string(l->rmap_export ? "export" : "import"));
	}
	return o;
}

static json_t *refused_json(const struct sl_leak_refused *f)
{
	char p[SL_PREFIX_STR], text[512];
	sl_leak_refusal_text(f, text, sizeof(text));
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "prefix", sl_prefix_fmt(f->prefix, p),
			"from", f->origin, "mechanism", sl_leak_mech_name(f->mech), "detail",
			f->detail, "reason", sl_leak_refusal_key(f->reason), "text", text);
	if (o == NULL)
		return NULL;
	switch (f->reason) {
	case SL_REFUSED_RMAP_DENY:
	case SL_REFUSED_RMAP_IMPLICIT:
	case SL_REFUSED_EXPORT_RMAP:
		json_object_set_new(o, "routeMap", json_string(f->rmap));
		json_object_set_new(o, "routeMapRule", json_integer(f->rmap_seq));
		if (f->rmap_seq == 0)
			json_object_set_new(o, "prefixLists", json_string(f->plists));
		break;
	case SL_REFUSED_RE_LEAK:
		json_object_set_new(o, "leakedFrom", json_string(f->via));
		break;
	case SL_REFUSED_COLLISION:
		json_object_set_new(o, "connected", json_string(sl_prefix_fmt(f->connected, p)));
		break;
	default:
		break;
	}
	return o;
}

static json_t *vrf_json(struct show_ctx *ctx, const char *vrf, uint32_t id,
	const struct sl_leak_audit *a, const struct leak_index *x)
{
	json_t *recv = json_array(), *ref = json_array();
	struct nat_pools n = {.ctx = ctx, .arr = json_array()};
	sl_rib_route_foreach(ctx->rib, vrf, nat_pool_cb, &n);
	for (size_t k = x->recv.first[id]; k < x->recv.first[id + 1]; k++)
		json_array_append_new(recv, received_json(&a->received[x->recv.order[k]]));
	for (size_t k = x->ref.first[id]; k < x->ref.first[id + 1]; k++)
		json_array_append_new(ref, refused_json(&a->refused[x->ref.order[k]]));
	json_t *loops = group_count(&x->recv, id) > 0 ? loops_json(ctx, vrf) : json_array();
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "name", vrf, "received", recv, "refused", ref,
		"leakLoops", loops, "natPools", n.arr);
}

struct vrf_walk {
	struct show_ctx *ctx;
	const struct sl_leak_audit *a;
	const struct leak_index *x;
	json_t *arr;
};

static int vrf_cb(const struct sl_vrf_info *vi, void *arg)
{
	struct vrf_walk *w = arg;
	bool any = group_count(&w->x->recv, vi->id) + group_count(&w->x->ref, vi->id) > 0;
	/* the always-present default VRF only when it takes part */
	if (!any && strcmp(vi->name, SL_VRF_DEFAULT) == 0)
		return 0;
	if (w->arr != NULL)
		json_array_append_new(w->arr, vrf_json(w->ctx, vi->name, vi->id, w->a, w->x));
	else
		vrf_text(w->ctx, vi->name, vi->id, w->a, w->x);
	return 0;
}

static int cmd_leak(struct show_ctx *ctx, int argc, char **argv)
{
	const char *vrf = NULL;
	struct sl_leak_audit a;
	struct leak_index x;
	struct sl_vrf_info vi;
	int rc;

	if (argc == 2 && strcmp(argv[0], "vrf") == 0) {
		vrf = argv[1];
	} else if (argc != 0) {
		fprintf(ctx->err,
			"show leak: unexpected '%s' (usage: show leak [vrf NAME] | show "
			"leak matrix)\n",
			argv[0]);
		return -EINVAL;
	}
	rc = sl_leak_audit(ctx->r, vrf, &a);
	if (rc == -ENOENT) {
		fprintf(ctx->err, "show leak: vrf '%s' is not defined\n", vrf);
		sl_leak_audit_free(&a);
		return -EINVAL;
	}
	if (rc == 0 && (rc = leak_index_build(&x, ctx->rib, &a)) < 0)
		leak_index_free(&x);
	if (rc < 0) {
		sl_leak_audit_free(&a);
		return rc;
	}
	struct vrf_walk w = {.ctx = ctx, .a = &a, .x = &x, .arr = ctx->json ? json_array() : NULL};
	if (!ctx->json)
		fputs(leak_legend, ctx->out);
	if (vrf != NULL) {
		/* the audit found it: the RIB holds it */
		uint32_t id = sl_rib_vrf_info(ctx->rib, vrf, &vi) == 0 ? vi.id : SL_VRF_MAX;
		if (w.arr != NULL)
			json_array_append_new(w.arr, vrf_json(ctx, vrf, id, &a, &x));
		else
			vrf_text(ctx, vrf, id, &a, &x);
	} else {
		sl_rib_vrf_foreach(ctx->rib, vrf_cb, &w);
	}
	if (w.arr != NULL)
		show_json_emit(ctx, json_pack("{s:o}", "vrfs", w.arr));
	leak_index_free(&x);
	sl_leak_audit_free(&a);
	return 0;
}

static struct show_cmd show_leak = {
	.words = "leak",
	.usage = "[vrf NAME]",
	.handler = cmd_leak,
};
SHOW_REGISTER(show_leak)

/* ---- show leak matrix ---- */

static const char *return_key(enum sl_return_path r)
{
	switch (r) {
	case SL_RETURN_FULL:
		return "full";
	case SL_RETURN_PARTIAL:
		return "partial";
	case SL_RETURN_NONE:
		return "none";
	case SL_RETURN_NAT:
		return "nat";
	default:
		return "n/a";
	}
}

static void cell_code(const struct sl_leak_reach *c, char *buf, size_t len)
{
	const char *reach = "-";
	if (c->n_prefixes > 0) {
		switch (c->ret) {
		case SL_RETURN_FULL:
			reach = "R";
			break;
		case SL_RETURN_PARTIAL:
			reach = "p";
			break;
		case SL_RETURN_NAT:
			reach = "N";
			break;
		default:
			reach = "r";
		}
	}
	snprintf(buf, len, "%s%s", reach, c->firewall[0] ? "+fw" : "");
}

static void gap_text(const char *to, const struct sl_return_gap *g, char *buf, size_t len)
{
	char s[SL_PREFIX_STR], r[SL_PREFIX_STR];
	sl_prefix_fmt(g->source, s);
	if (!g->has_route)
		snprintf(buf, len, "%s: %s has no route for it", s, to);
	else if (strcmp(g->leads_to, to) == 0)
		snprintf(
			buf, len, "%s: %s's %s stays in %s", s, to, sl_prefix_fmt(g->route, r), to);
	else
		snprintf(buf, len, "%s: %s's %s leads into %s", s, to, sl_prefix_fmt(g->route, r),
			g->leads_to);
}

/* A column holds its VRF name or a cell code ("r+fw"), whichever is wider. */
static int column_width(const char *vrf)
{
	return strlen(vrf) > 5 ? (int)strlen(vrf) : 5;
}

static void matrix_text(struct show_ctx *ctx, const struct sl_leak_matrix *m)
{
	size_t w = strlen("FROM \\ TO");
	char code[8], p[SL_PREFIX_STR], gap[256];

	for (size_t i = 0; i < m->n_vrfs; i++)
		if (strlen(m->vrfs[i]) > w)
			w = strlen(m->vrfs[i]);
	fprintf(ctx->out, "Leak matrix: can FROM (row) reach TO (column) through a leaked route?\n"
			  "  R reaches, with a return path   p reaches, partial return path\n"
			  "  r reaches, no return path       - no leak     . same VRF\n"
			  "  N reaches, sources translated (leak-nat): returns by the flow table\n"
			  "  +fw the FROM->TO leak point is guarded by a firewall ruleset\n\n");
	fprintf(ctx->out, "%-*s", (int)w + 2, "FROM \\ TO");
	for (size_t y = 0; y < m->n_vrfs; y++)
		fprintf(ctx->out, " %-*s", y + 1 < m->n_vrfs ? column_width(m->vrfs[y]) : 0,
			m->vrfs[y]);
	fputc('\n', ctx->out);
	for (size_t x = 0; x < m->n_vrfs; x++) {
		fprintf(ctx->out, "%-*s", (int)w + 2, m->vrfs[x]);
		for (size_t y = 0; y < m->n_vrfs; y++) {
			if (x == y)
				snprintf(code, sizeof(code), ".");
			else
				cell_code(sl_leak_matrix_cell(m, x, y), code, sizeof(code));
			fprintf(ctx->out, " %-*s", y + 1 < m->n_vrfs ? column_width(m->vrfs[y]) : 0,
				code);
		}
		fputc('\n', ctx->out);
	}
	for (size_t x = 0; x < m->n_vrfs; x++) {
		for (size_t y = 0; y < m->n_vrfs; y++) {
			const struct sl_leak_reach *c = sl_leak_matrix_cell(m, x, y);
			if (x == y || (c->n_prefixes == 0 && c->firewall[0] == '\0'))
				continue;
			fprintf(ctx->out, "\n%s -> %s:", m->vrfs[x], m->vrfs[y]);
			if (c->n_prefixes == 0)
				fprintf(ctx->out, " no leaked route");
			for (size_t i = 0; i < c->n_prefixes; i++)
				fprintf(ctx->out, "%s %s", i ? "," : "",
					sl_prefix_fmt(c->prefixes[i], p));
			fputc('\n', ctx->out);
			if (c->n_prefixes > 0) {
				switch (c->ret) {
				case SL_RETURN_FULL:
					fprintf(ctx->out,
						"  return path: yes (%s routes every connected "
						"prefix of %s back into it)\n",
						m->vrfs[y], m->vrfs[x]);
					break;
				case SL_RETURN_NAT:
					fprintf(ctx->out,
						"  return path: by NAT (sources leave as %s, which "
						"%s routes back; replies return by the flow "
						"table)\n",
						sl_prefix_fmt(c->nat_pool, p), m->vrfs[y]);
					break;
				case SL_RETURN_NA:
					fprintf(ctx->out,
						"  return path: n/a (%s has no connected prefix)\n",
						m->vrfs[x]);
					break;
				default:
					fprintf(ctx->out, "  return path: %s\n",
						c->ret == SL_RETURN_NONE ? "no" : "partial");
				}
				for (size_t i = 0; i < c->n_gaps; i++) {
					gap_text(m->vrfs[y], &c->gaps[i], gap, sizeof(gap));
					fprintf(ctx->out, "    %s\n", gap);
				}
			}
			if (c->firewall[0])
				fprintf(ctx->out, "  firewall: guarded by ruleset %s\n",
					c->firewall);
			else
				fprintf(ctx->out, "  firewall: none (unguarded)\n");
		}
	}
	/* what the cells do not show: addresses a leak seems to reach and drops */
	for (size_t x = 0; x < m->n_vrfs; x++) {
		char title[SL_NAME_MAX + 8];
		snprintf(title, sizeof(title), "\n%s: ", m->vrfs[x]);
		loops_text(ctx, m->vrfs[x], "", title);
	}
}

static json_t *matrix_json(struct show_ctx *ctx, const struct sl_leak_matrix *m)
{
	json_t *vrfs = json_array(), *leaks = json_array();
	char p[SL_PREFIX_STR];

	for (size_t i = 0; i < m->n_vrfs; i++)
		json_array_append_new(vrfs, json_string(m->vrfs[i]));
	for (size_t x = 0; x < m->n_vrfs; x++) {
		for (size_t y = 0; y < m->n_vrfs; y++) {
			const struct sl_leak_reach *c = sl_leak_matrix_cell(m, x, y);
			if (x == y || (c->n_prefixes == 0 && c->firewall[0] == '\0'))
				continue;
			json_t *pfx = json_array(), *gaps = json_array(), *fw = json_null();
			for (size_t i = 0; i < c->n_prefixes; i++)
				json_array_append_new(
					pfx, json_string(sl_prefix_fmt(c->prefixes[i], p)));
			for (size_t i = 0; i < c->n_gaps; i++) {
				const struct sl_return_gap *g = &c->gaps[i];
				json_t *jg =
					json_pack("{s:s}", "source", sl_prefix_fmt(g->source, p));
				json_object_set_new(jg, "route",
					g->has_route ? json_string(sl_prefix_fmt(g->route, p))
						     : json_null());
				json_object_set_new(jg, "leadsTo",
					g->has_route ? json_string(g->leads_to) : json_null());
				json_array_append_new(gaps, jg);
			}
			if (c->firewall[0]) {
				json_decref(fw);
				fw = json_pack("{s:s, s:b}", "ruleset", c->firewall, "enforced", 0);
			}
			json_t *nat =
				c->nat ? json_pack("{s:s}", "pool", sl_prefix_fmt(c->nat_pool, p))
				       : json_null();
			json_array_append_new(leaks,
				json_pack("{s:s, s:s, s:b, s:o, s:s, s:o, s:o, s:o}", "from",
					m->vrfs[x], "to", m->vrfs[y], "reaches", c->n_prefixes > 0,
					"prefixes", pfx, "returnPath", return_key(c->ret),
					"returnGaps", gaps, "firewall", fw, "nat", nat));
		}
	}
	json_t *loops = json_object();
	for (size_t x = 0; x < m->n_vrfs; x++) {
		json_t *a = loops_json(ctx, m->vrfs[x]);
		if (json_array_size(a) > 0)
			json_object_set_new(loops, m->vrfs[x], a);
		else
			json_decref(a);
	}
	return json_pack("{s:o, s:o, s:o}", "vrfs", vrfs, "leaks", leaks, "leakLoops", loops);
}

static int cmd_leak_matrix(struct show_ctx *ctx, int argc, char **argv)
{
	struct sl_leak_matrix m;
	int rc;

	if (argc != 0) {
		fprintf(ctx->err, "show leak matrix: unexpected '%s' (it takes no arguments)\n",
			argv[0]);
		return -EINVAL;
	}
	if ((rc = sl_leak_matrix(ctx->r, &m)) < 0) {
		sl_leak_matrix_free(&m);
		return rc;
	}
	if (ctx->json)
		show_json_emit(ctx, matrix_json(ctx, &m));
	else
		matrix_text(ctx, &m);
	sl_leak_matrix_free(&m);
	return 0;
}

static struct show_cmd show_leak_matrix = {
	.words = "leak matrix",
	.usage = "",
	.handler = cmd_leak_matrix,
};
SHOW_REGISTER(show_leak_matrix)
