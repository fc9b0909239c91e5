/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show leak graph — the leak topology as Graphviz DOT
 * (`sluicectl show leak graph | dot -Tsvg > leaks.svg`): VRFs as nodes, one
 * arrow per leak direction labelled with the leaked prefixes, the guarding
 * ruleset and, live, the packets forwarded. The topology is lib/audit's leak
 * matrix (the same cells as `show leak matrix`); this file only draws it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "show_priv.h"
#include "sl_audit.h"

/*
 * A DOT double-quoted string: '"' and '\' are escaped (a backslash would
 * otherwise start an escString sequence such as \N in labels), a newline
 * becomes the label line break \n, other control bytes '?'.
 */
static void dot_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20 || *p == 0x7f)
			fputc('?', out);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static bool guarded(const struct sl_leak_graph_edge *e)
{
	return e->ruleset != NULL && e->ruleset[0] != '\0';
}

/* The label's lines, "\n" between them (raw: dot_quoted escapes it once). */
static char *edge_label(const struct sl_leak_graph_edge *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	size_t shown = e->n_prefixes < SL_LEAK_GRAPH_PREFIXES_MAX ? e->n_prefixes
								  : SL_LEAK_GRAPH_PREFIXES_MAX;
	for (size_t i = 0; i < shown; i++)
		fprintf(f, "%s%s", i ? "\n" : "", e->prefixes[i]);
	if (e->n_prefixes > shown)
		fprintf(f, "\n(+%zu more)", e->n_prefixes - shown);
	if (e->n_prefixes == 0)
		fputs("no leaked route", f);
	if (guarded(e))
		fprintf(f, "\nfirewall: %s", e->ruleset);
	if (e->counted)
		fprintf(f, "\n%" PRIu64 " packet%s", e->packets, e->packets == 1 ? "" : "s");
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int sl_leak_graph_dot(FILE *out, const char *const *vrfs, size_t n_vrfs,
	const struct sl_leak_graph_edge *edges, size_t n_edges)
{
	fputs("// sluice leak graph (`show leak graph`): an arrow FROM -> TO carries the\n"
	      "// prefixes of TO that FROM forwards into it, the firewall ruleset guarding\n"
	      "// that direction and, from a running router, the packets forwarded.\n"
	      "digraph \"sluice leaks\" {\n"
	      "\tgraph [rankdir=LR, fontname=\"Helvetica\"];\n"
	      "\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=10];\n",
		out);
	for (size_t v = 0; v < n_vrfs; v++) {
		bool linked = false;
		for (size_t i = 0; i < n_edges && !linked; i++)
			linked = strcmp(edges[i].from, vrfs[v]) == 0 ||
				 strcmp(edges[i].to, vrfs[v]) == 0;
		fputc('\t', out);
		dot_quoted(out, vrfs[v]);
		fputs(linked ? ";\n" : " [color=gray50, fontcolor=gray50]; // isolated\n", out);
	}
	for (size_t i = 0; i < n_edges; i++) {
		const struct sl_leak_graph_edge *e = &edges[i];
		char *label = edge_label(e);
		if (label == NULL)
			return -ENOMEM;
		fputc('\t', out);
		dot_quoted(out, e->from);
		fputs(" -> ", out);
		dot_quoted(out, e->to);
		fputs(" [label=", out);
		dot_quoted(out, label);
		free(label);
		if (e->n_prefixes == 0)
			fputs(", style=dashed", out);
		fputs(guarded(e) ? ", color=darkgreen, fontcolor=darkgreen, penwidth=2"
				 : ", color=firebrick",
			out);
		fputs("];\n", out);
	}
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}

/* ---- the matrix as nodes and edges -------------------------------------- */

struct graph {
	const char **vrfs;
	struct sl_leak_graph_edge *edges;
	char (*pfx)[SL_PREFIX_STR]; /* every edge's prefixes, one block */
	const char **pfx_ptrs;
	char (*rulesets)[SL_NAME_MAX + 16];
	size_t n_edges;
};

static void graph_free(struct graph *g)
{
	free(g->vrfs);
	free(g->edges);
	free(g->pfx);
	free(g->pfx_ptrs);
	free(g->rulesets);
}

static uint32_t vrf_id(const struct sl_rib *rib, const char *name)
{
	struct sl_vrf_info vi;
	return sl_rib_vrf_info(rib, name, &vi) == 0 ? vi.id : SL_VRF_MAX;
}

static int graph_build(struct graph *g, const struct sl_leak_matrix *m, const struct sl_rib *rib,
	const struct sl_show_fw_live *live)
{
	size_t n = m->n_vrfs, n_edges = 0, n_pfx = 0;
	memset(g, 0, sizeof(*g));
	for (size_t x = 0; x < n; x++)
		for (size_t y = 0; y < n; y++) {
			const struct sl_leak_reach *c = sl_leak_matrix_cell(m, x, y);
			if (x != y && (c->n_prefixes > 0 || c->firewall[0] != '\0')) {
				n_edges++;
				n_pfx += c->n_prefixes;
			}
		}
	g->vrfs = calloc(n ? n : 1, sizeof(*g->vrfs));
	g->edges = calloc(n_edges ? n_edges : 1, sizeof(*g->edges));
	g->pfx = calloc(n_pfx ? n_pfx : 1, sizeof(*g->pfx));
	g->pfx_ptrs = calloc(n_pfx ? n_pfx : 1, sizeof(*g->pfx_ptrs));
	g->rulesets = calloc(n_edges ? n_edges : 1, sizeof(*g->rulesets));
	if (!g->vrfs || !g->edges || !g->pfx || !g->pfx_ptrs || !g->rulesets)
		return -ENOMEM;
	for (size_t x = 0; x < n; x++)
		g->vrfs[x] = m->vrfs[x];
	size_t k = 0;
	for (size_t x = 0; x < n; x++) {
		for (size_t y = 0; y < n; y++) {
			const struct sl_leak_reach *c = sl_leak_matrix_cell(m, x, y);
			if (x == y || (c->n_prefixes == 0 && c->firewall[0] == '\0'))
				continue;
			struct sl_leak_graph_edge *e = &g->edges[g->n_edges];
			char *rs = g->rulesets[g->n_edges++];
			e->from = m->vrfs[x];
			e->to = m->vrfs[y];
			e->prefixes = &g->pfx_ptrs[k];
			e->n_prefixes = c->n_prefixes;
			for (size_t i = 0; i < c->n_prefixes; i++, k++) {
				sl_prefix_fmt(c->prefixes[i], g->pfx[k]);
				g->pfx_ptrs[k] = g->pfx[k];
			}
			/* live: the ruleset the forwarding plane enforces */
			snprintf(rs, SL_NAME_MAX + 16, "%s", c->firewall);
			if (live != NULL) {
				uint32_t from = vrf_id(rib, e->from), to = vrf_id(rib, e->to);
				const char *b =
					live->binding ? live->binding(live->ctx, from, to) : NULL;
				if (b != NULL)
					snprintf(rs, SL_NAME_MAX + 16, "%s", b);
				else if (c->firewall[0] != '\0')
					snprintf(rs, SL_NAME_MAX + 16, "%s (not enforced)",
						c->firewall);
				e->counted = live->leak_packets != NULL;
				if (e->counted)
					e->packets = live->leak_packets(live->ctx, from, to);
			}
			e->ruleset = rs;
		}
	}
	return 0;
}

static json_t *graph_json(const struct graph *g, size_t n_vrfs)
{
	json_t *vrfs = json_array(), *leaks = json_array();
	for (size_t v = 0; v < n_vrfs; v++)
		json_array_append_new(vrfs, json_string(g->vrfs[v]));
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct sl_leak_graph_edge *e = &g->edges[i];
		json_t *pfx = json_array();
		for (size_t p = 0; p < e->n_prefixes; p++)
			json_array_append_new(pfx, json_string(e->prefixes[p]));
		json_t *o = json_pack("{s:s, s:s, s:o, s:s?}", "from", e->from, "to", e->to,
			"prefixes", pfx, "ruleset", guarded(e) ? e->ruleset : NULL);
		if (o != NULL && e->counted)
			json_object_set_new(o, "packets", json_integer((json_int_t)e->packets));
		json_array_append_new(leaks, o);
	}
	return json_pack("{s:o, s:o}", "vrfs", vrfs, "leaks", leaks);
}

static int leak_graph(
	struct show_ctx *ctx, const struct sl_show_fw_live *live, int argc, char **argv)
{
	struct sl_leak_matrix m;
	struct graph g;
	int rc;

	if (argc != 0) {
		fprintf(ctx->err, "show leak graph: unexpected '%s' (it takes no arguments)\n",
			argv[0]);
		return -EINVAL;
	}
	if ((rc = sl_leak_matrix(ctx->r, &m)) < 0) {
		sl_leak_matrix_free(&m);
		return rc;
	}
	rc = graph_build(&g, &m, ctx->rib, live);
	if (rc == 0 && ctx->json)
		show_json_emit(ctx, graph_json(&g, m.n_vrfs));
	else if (rc == 0)
		rc = sl_leak_graph_dot(ctx->out, g.vrfs, m.n_vrfs, g.edges, g.n_edges);
	graph_free(&g);
	sl_leak_matrix_free(&m);
	return rc;
}

int sl_show_leak_graph(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err)
{
	struct show_ctx ctx = {
		.r = r, .rib = sl_router_rib_const(r), .json = json, .out = out, .err = err};
	return leak_graph(&ctx, live, argc, argv);
}

/* offline (sluicectl --offline): the configuration's bindings, no counters */
static int cmd_leak_graph(struct show_ctx *ctx, int argc, char **argv)
{
	return leak_graph(ctx, NULL, argc, argv);
}

static struct show_cmd show_leak_graph = {
	.words = "leak graph",
	.usage = "",
	.handler = cmd_leak_graph,
};
SHOW_REGISTER(show_leak_graph)
