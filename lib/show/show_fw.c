/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show firewall [NAME], show firewall leak-points — one implementation for
 * `sluicectl --offline` (the configuration alone) and sluiced (with the
 * forwarding plane's counters, struct sl_show_fw_live). The rulesets and
 * bindings come from lib/commit's firewall spec.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "show_priv.h"

/* ---- show firewall [NAME] -------------------------------------------- */

static json_t *leak_points_of(const struct sl_fw_spec *spec, size_t ruleset)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < spec->n_bindings; i++)
		if (spec->bindings[i].ruleset == ruleset)
			json_array_append_new(
				arr, json_pack("{s:s, s:s}", "from", spec->bindings[i].from, "to",
					     spec->bindings[i].to));
	return arr;
}

static json_t *rule_json(const struct sl_fw_ruleset_spec *rs, const struct sl_fw_rule_spec *r,
	const struct sl_show_fw_live *live)
{
	char num[16], cond[sizeof(r->conditions) + 16];
	snprintf(num, sizeof(num), "%u", r->number);
	if (live == NULL) {
		snprintf(cond, sizeof(cond), "%s%s%s", r->conditions,
			r->disabled && r->conditions[0] ? " " : "",
			r->disabled ? "(disabled)" : "");
		return json_pack("{s:s, s:s, s:s, s:s}", "rule", num, "action",
			sl_fw_spec_action_name(r->action), "protocol", r->protocol, "conditions",
			cond);
	}
	/* a disabled rule (or one that cannot be enforced) is not compiled: no counters */
	uint64_t p = 0, b = 0;
	bool enforced = live->rule_counters(live->ctx, rs->name, r->number, &p, &b) == 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I}", "rule", num, "action",
		sl_fw_spec_action_name(r->action), "protocol", r->protocol, "conditions",
		r->conditions, "disabled", r->disabled, "enforced", enforced, "packets",
		(json_int_t)(enforced ? p : 0), "bytes", (json_int_t)(enforced ? b : 0));
}

/* The classifiers of a ruleset's compiled contexts (one, or one per
 * state), or NULL when the forwarding plane does not say. */
static const char *classifier_name(const struct sl_show_fw_live *live, const char *ruleset)
{
	static const char *const names[] = {
		[0] = "none (not compiled)",
		[SL_SHOW_FW_CLS_BV] = "bit vectors",
		[SL_SHOW_FW_CLS_ACL] = "rte_acl",
		[SL_SHOW_FW_CLS_BV | SL_SHOW_FW_CLS_ACL] = "bit vectors and rte_acl",
	};
	int cls = live->classifiers != NULL ? live->classifiers(live->ctx, ruleset) : -1;
	return cls >= 0 && (size_t)cls < sizeof(names) / sizeof(names[0]) ? names[cls] : NULL;
}

static json_t *ruleset_json(
	const struct sl_fw_spec *spec, size_t i, const struct sl_show_fw_live *live)
{
	const struct sl_fw_ruleset_spec *rs = &spec->rulesets[i];
	const char *dflt = sl_fw_spec_action_name(rs->default_action);
	json_t *jr = json_array();
	for (size_t k = 0; k < rs->n_rules; k++)
		json_array_append_new(jr, rule_json(rs, &rs->rules[k], live));
	if (live == NULL)
		return json_pack("{s:s, s:s, s:o, s:o}", "name", rs->name, "defaultAction", dflt,
			"rules", jr, "leakPoints", leak_points_of(spec, i));
	uint64_t p = 0, b = 0;
	live->rule_counters(live->ctx, rs->name, 0, &p, &b);
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o}", "name", rs->name, "defaultAction",
		dflt, "defaultPackets", (json_int_t)p, "defaultBytes", (json_int_t)b, "rules", jr,
		"leakPoints", leak_points_of(spec, i));
	const char *cls = classifier_name(live, rs->name);
	if (o != NULL && cls != NULL)
		json_object_set_new(o, "classifier", json_string(cls));
	return o;
}

static json_t *summary_json(const struct sl_show_fw_live *live)
{
	struct sl_show_fw_summary st = {0};
	live->summary(live->ctx, &st);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "classified",
		(json_int_t)st.classified, "accepted", (json_int_t)st.accepted, "dropped",
		(json_int_t)st.dropped, "rejected", (json_int_t)st.rejected, "unguarded",
		(json_int_t)st.unguarded, "conntrackEntries", (json_int_t)st.ct_entries,
		"conntrackMax", (json_int_t)st.ct_max, "conntrackFull", (json_int_t)st.ct_full,
		"conntrackCreated", (json_int_t)st.ct_created, "conntrackExpired",
		(json_int_t)st.ct_expired, "buildMicroseconds", (json_int_t)(st.build_ns / 1000));
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Offline: the configuration; live: with each rule's packets and bytes. */
static void ruleset_text(FILE *out, json_t *rs, bool live)
{
	size_t i;
	json_t *r;
	fprintf(out, "Ruleset Information\n\n---------------------------------\n");
	fprintf(out, "ipv4 Firewall \"%s\"\n\n", jstr(rs, "name"));
	if (live) {
		fprintf(out, "%-8s %-8s %-9s %12s %14s  %s\n", "Rule", "Action", "Protocol",
			"Packets", "Bytes", "Conditions");
		fprintf(out, "%-8s %-8s %-9s %12s %14s  %s\n", "-------", "------", "--------",
			"-------", "-----", "----------");
	} else {
		fprintf(out, "%-8s %-8s %-9s %s\n", "Rule", "Action", "Protocol", "Conditions");
		fprintf(out, "%-8s %-8s %-9s %s\n", "-------", "------", "--------", "----------");
	}
	json_array_foreach(json_object_get(rs, "rules"), i, r)
	{
		if (!live) {
			fprintf(out, "%-8s %-8s %-9s %s\n", jstr(r, "rule"), jstr(r, "action"),
				jstr(r, "protocol"), jstr(r, "conditions"));
			continue;
		}
		bool enforced = json_is_true(json_object_get(r, "enforced"));
		char pk[24] = "-", by[24] = "-";
		if (enforced) {
			snprintf(pk, sizeof(pk), "%" JSON_INTEGER_FORMAT, jint(r, "packets"));
			snprintf(by, sizeof(by), "%" JSON_INTEGER_FORMAT, jint(r, "bytes"));
		}
		fprintf(out, "%-8s %-8s %-9s %12s %14s  %s%s\n", jstr(r, "rule"), jstr(r, "action"),
			jstr(r, "protocol"), pk, by, jstr(r, "conditions"),
			json_is_true(json_object_get(r, "disabled")) ? " (disabled)"
			: enforced				     ? ""
								     : " (not enforced)");
	}
	if (live)
		fprintf(out,
			"%-8s %-8s %-9s %12" JSON_INTEGER_FORMAT " %14" JSON_INTEGER_FORMAT "\n\n",
			"default", jstr(rs, "defaultAction"), "all", jint(rs, "defaultPackets"),
			jint(rs, "defaultBytes"));
	else
		fprintf(out, "%-8s %-8s %-9s\n\n", "default", jstr(rs, "defaultAction"), "all");
	if (jstr(rs, "classifier") != NULL)
		fprintf(out, "Classifier: %s\n", jstr(rs, "classifier"));
	json_t *lp = json_object_get(rs, "leakPoints");
	if (json_array_size(lp) == 0)
		fprintf(out, "Leak point: not bound to any leak direction\n");
	json_array_foreach(lp, i, r)
		fprintf(out, "Leak point: from vrf %s to vrf %s\n", jstr(r, "from"), jstr(r, "to"));
	fputc('\n', out);
}

static void summary_text(FILE *out, json_t *sm)
{
	fprintf(out,
		"Leak-crossing packets: %" JSON_INTEGER_FORMAT " classified (%" JSON_INTEGER_FORMAT
		" accepted, %" JSON_INTEGER_FORMAT " dropped, %" JSON_INTEGER_FORMAT
		" rejected), %" JSON_INTEGER_FORMAT " unguarded\n"
		"Connection tracking: %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
		" flows, %" JSON_INTEGER_FORMAT " new flows dropped (conntrack_full)\n",
		jint(sm, "classified"), jint(sm, "accepted"), jint(sm, "dropped"),
		jint(sm, "rejected"), jint(sm, "unguarded"), jint(sm, "conntrackEntries"),
		jint(sm, "conntrackMax"), jint(sm, "conntrackFull"));
}

static int show_rulesets(struct show_ctx *ctx, const struct sl_fw_spec *spec,
	const struct sl_show_fw_live *live, const char *only)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < spec->n_rulesets; i++)
		if (only == NULL || strcmp(only, spec->rulesets[i].name) == 0)
			json_array_append_new(arr, ruleset_json(spec, i, live));
	if (only != NULL && json_array_size(arr) == 0) {
		fprintf(ctx->err, "show firewall: ruleset '%s' is not defined\n", only);
		json_decref(arr);
		return -ESRCH;
	}
	if (ctx->json) {
		show_json_emit(ctx, live ? json_pack("{s:o, s:o}", "rulesets", arr, "summary",
						   summary_json(live))
					 : json_pack("{s:o}", "rulesets", arr));
		return 0;
	}
	size_t i;
	json_t *rs;
	json_array_foreach(arr, i, rs) ruleset_text(ctx->out, rs, live != NULL);
	if (json_array_size(arr) == 0)
		fprintf(ctx->out, "No firewall rulesets are configured.\n");
	json_decref(arr);
	if (live != NULL && only == NULL) {
		json_t *sm = summary_json(live);
		summary_text(ctx->out, sm);
		json_decref(sm);
	}
	return 0;
}

/* ---- show firewall leak-points ----------------------------------------- */

struct leak_dir {
	uint32_t from, to;
	size_t prefixes;
};

struct leak_walk {
	const struct sl_rib *rib;
	uint32_t vrf_id;
	struct leak_dir *v;
	size_t n, cap;
	int err;
};

static void leak_add(struct leak_walk *w, uint32_t from, uint32_t to, size_t prefixes)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].from == from && w->v[i].to == to) {
			w->v[i].prefixes += prefixes;
			return;
		}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct leak_dir *v = realloc(w->v, cap * sizeof(*v));
		if (v == NULL) {
			w->err = -ENOMEM;
			return;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct leak_dir){from, to, prefixes};
}

static int route_cb(const struct sl_route *r, void *ctx)
{
	struct leak_walk *w = ctx;
	struct sl_vrf_info vi;
	if (!r->selected || r->origin_vrf[0] == '\0')
		return 0;
	if (sl_rib_vrf_info(w->rib, r->origin_vrf, &vi) == 0)
		leak_add(w, w->vrf_id, vi.id, 1);
	return 0;
}

static int vrf_cb(const struct sl_vrf_info *vi, void *ctx)
{
	struct leak_walk *w = ctx;
	w->vrf_id = vi->id;
	sl_rib_route_foreach(w->rib, vi->name, route_cb, w);
	return 0;
}

static int cmp_dir(const void *a, const void *b, void *ctx)
{
	const struct leak_dir *x = a, *y = b;
	const struct sl_rib *rib = ctx;
	int c = strcmp(sl_rib_vrf_name(rib, x->from), sl_rib_vrf_name(rib, y->from));
	return c ? c : strcmp(sl_rib_vrf_name(rib, x->to), sl_rib_vrf_name(rib, y->to));
}

/* The ruleset guarding from → to: the forwarding plane's when live. */
static const char *guard_of(const struct sl_fw_spec *spec, const struct sl_show_fw_live *live,
	uint32_t from, uint32_t to)
{
	if (live != NULL)
		return live->binding(live->ctx, from, to);
	for (size_t i = 0; i < spec->n_bindings; i++)
		if (spec->bindings[i].from_vrf == from && spec->bindings[i].to_vrf == to)
			return spec->rulesets[spec->bindings[i].ruleset].name;
	return NULL;
}

static void leak_points_text(FILE *out, json_t *arr, size_t unguarded)
{
	fprintf(out, "%-16s %-16s %9s %12s  %-24s %s\n", "From VRF", "To VRF", "Prefixes",
		"Packets", "Ruleset", "State");
	size_t i;
	json_t *d;
	json_array_foreach(arr, i, d)
	{
		const char *rs = jstr(d, "ruleset");
		json_int_t np = jint(d, "prefixes");
		char pk[24] = "-"; /* offline: no packets counted */
		if (json_object_get(d, "packets") != NULL)
			snprintf(pk, sizeof(pk), "%" JSON_INTEGER_FORMAT, jint(d, "packets"));
		fprintf(out, "%-16s %-16s %9" JSON_INTEGER_FORMAT " %12s  %-24s %s\n",
			jstr(d, "from"), jstr(d, "to"), np, pk, rs ? rs : "-",
			rs ? (np ? "guarded" : "guarded (no leaked route)") : "UNGUARDED");
	}
	if (json_array_size(arr) == 0)
		fprintf(out, "No leak directions: every VRF is isolated.\n");
	else
		fprintf(out, "%zu leak direction(s), %zu unguarded\n", json_array_size(arr),
			unguarded);
}

static int show_leak_points(
	struct show_ctx *ctx, const struct sl_fw_spec *spec, const struct sl_show_fw_live *live)
{
	struct leak_walk w = {.rib = ctx->rib};

	/* leaked routes installed in X that lead into Y: traffic crosses X → Y */
	sl_rib_vrf_foreach(ctx->rib, vrf_cb, &w);
	/* bindings without a leak (yet) are listed too */
	for (size_t i = 0; i < spec->n_bindings; i++)
		leak_add(&w, spec->bindings[i].from_vrf, spec->bindings[i].to_vrf, 0);
	if (w.err < 0) {
		free(w.v);
		return w.err;
	}
	if (w.n > 1)
		qsort_r(w.v, w.n, sizeof(*w.v), cmp_dir, (void *)ctx->rib);
	json_t *arr = json_array();
	size_t unguarded = 0;
	for (size_t i = 0; i < w.n; i++) {
		const char *rs = guard_of(spec, live, w.v[i].from, w.v[i].to);
		unguarded += rs == NULL && w.v[i].prefixes > 0;
		json_t *d = json_pack("{s:s, s:s, s:I, s:s?, s:b}", "from",
			sl_rib_vrf_name(ctx->rib, w.v[i].from), "to",
			sl_rib_vrf_name(ctx->rib, w.v[i].to), "prefixes",
			(json_int_t)w.v[i].prefixes, "ruleset", rs, "guarded", rs != NULL);
		if (live != NULL)
			json_object_set_new(d, "packets",
				json_integer((json_int_t)live->leak_packets(
					live->ctx, w.v[i].from, w.v[i].to)));
		json_array_append_new(arr, d);
	}
	free(w.v);
	if (ctx->json) {
		show_json_emit(ctx, json_pack("{s:o, s:I}", "leakPoints", arr, "unguarded",
					    (json_int_t)unguarded));
		return 0;
	}
	leak_points_text(ctx->out, arr, unguarded);
	json_decref(arr);
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static int show_fw(struct show_ctx *ctx, const struct sl_show_fw_live *live, int argc, char **argv)
{
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	bool leak_points = argc == 1 && strcmp(argv[0], "leak-points") == 0;

	if (argc > 1) {
		fprintf(ctx->err, "usage: show firewall [NAME | leak-points]\n");
		return -EINVAL;
	}
	int rc = sl_router_fw_spec(ctx->r, &spec, &msgs);
	if (rc < 0) {
		fprintf(ctx->err, "show firewall: %s\n",
			msgs.n ? msgs.v[msgs.n - 1].msg : strerror(-rc));
		sl_errors_free(&msgs);
		return rc;
	}
	sl_errors_free(&msgs);
	rc = leak_points ? show_leak_points(ctx, spec, live)
			 : show_rulesets(ctx, spec, live, argc == 1 ? argv[0] : NULL);
	sl_fw_spec_free(spec);
	return rc;
}

int sl_show_firewall(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err)
{
	struct show_ctx ctx = {
		.r = r, .rib = sl_router_rib_const(r), .json = json, .out = out, .err = err};
	return show_fw(&ctx, live, argc, argv);
}

static int cmd_firewall(struct show_ctx *ctx, int argc, char **argv)
{
	int rc = show_fw(ctx, NULL, argc, argv);
	return rc == -ESRCH ? -EINVAL : rc;
}

static struct show_cmd show_firewall = {
	.words = "firewall",
	.usage = "[NAME | leak-points]",
	.handler = cmd_firewall,
};
SHOW_REGISTER(show_firewall)
