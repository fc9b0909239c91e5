/* SPDX-License-Identifier: BSD-3-Clause */
/* show policy prefix-list [NAME] / show policy route-map [NAME] — as committed. */
#include <errno.h>
#include <string.h>

#include "show_priv.h"

static const char *action_name(enum sl_action a)
{
	return a == SL_ACTION_PERMIT ? "permit"
	       : a == SL_ACTION_DENY ? "deny"
				     : "(no action: deny)";
}

struct policy_walk {
	struct show_ctx *ctx;
	const char *only;
	json_t *arr;
	size_t shown;
};

static int plist_cb(const struct sl_plist *pl, void *arg)
{
	struct policy_walk *w = arg;
	FILE *o = w->ctx->out;

	if (w->only && strcmp(w->only, pl->name) != 0)
		return 0;
	w->shown++;
	if (w->arr) {
		json_t *rules = json_array();
		for (size_t i = 0; i < pl->n_rules; i++) {
			const struct sl_plist_rule *r = &pl->rules[i];
			char p[SL_PREFIX_STR] = "any";
			if (r->has_prefix)
				sl_prefix_fmt(r->prefix, p);
			json_t *jr = json_pack("{s:I, s:s, s:s}", "rule", (json_int_t)r->seq,
				"action", action_name(r->action), "prefix", p);
			if (r->ge)
				json_object_set_new(jr, "ge", json_integer(r->ge));
			if (r->le)
				json_object_set_new(jr, "le", json_integer(r->le));
			json_array_append_new(rules, jr);
		}
		json_array_append_new(
			w->arr, json_pack("{s:s, s:o}", "name", pl->name, "rules", rules));
		return 0;
	}
	fprintf(o, "ip prefix-list %s: %zu entries\n", pl->name, pl->n_rules);
	for (size_t i = 0; i < pl->n_rules; i++) {
		const struct sl_plist_rule *r = &pl->rules[i];
		char p[SL_PREFIX_STR];
		fprintf(o, "   seq %u %s %s", r->seq, action_name(r->action),
			r->has_prefix ? sl_prefix_fmt(r->prefix, p) : "any");
		if (r->ge)
			fprintf(o, " ge %u", r->ge);
		if (r->le)
			fprintf(o, " le %u", r->le);
		fputc('\n', o);
	}
	fprintf(o, "   (no match: deny)\n");
	return 0;
}

static int rmap_cb(const struct sl_rmap *rm, void *arg)
{
	struct policy_walk *w = arg;
	FILE *o = w->ctx->out;

	if (w->only && strcmp(w->only, rm->name) != 0)
		return 0;
	w->shown++;
	if (w->arr) {
		json_t *rules = json_array();
		for (size_t i = 0; i < rm->n_rules; i++) {
			const struct sl_rmap_rule *r = &rm->rules[i];
			json_t *jr = json_pack("{s:I, s:s}", "rule", (json_int_t)r->seq, "action",
				action_name(r->action));
			if (r->match_plist[0])
				json_object_set_new(
					jr, "matchPrefixList", json_string(r->match_plist));
			if (r->set_local_pref)
				json_object_set_new(
					jr, "setLocalPreference", json_integer(r->local_pref));
			if (r->set_metric)
				json_object_set_new(jr, "setMetric", json_integer(r->metric));
			json_array_append_new(rules, jr);
		}
		json_array_append_new(
			w->arr, json_pack("{s:s, s:o}", "name", rm->name, "rules", rules));
		return 0;
	}
	fprintf(o, "route-map: %s\n", rm->name);
	for (size_t i = 0; i < rm->n_rules; i++) {
		const struct sl_rmap_rule *r = &rm->rules[i];
		fprintf(o, " %s, sequence %u\n", action_name(r->action), r->seq);
		fprintf(o, "  Match clauses:\n");
		if (r->match_plist[0])
			fprintf(o, "    ip address prefix-list %s\n", r->match_plist);
		else
			fprintf(o, "    (none: matches every route)\n");
		fprintf(o, "  Set clauses:\n");
		if (r->set_local_pref)
			fprintf(o, "    local-preference %u\n", r->local_pref);
		if (r->set_metric)
			fprintf(o, "    metric %u\n", r->metric);
	}
	fprintf(o, " (no match: deny)\n");
	return 0;
}

static int cmd_policy(struct show_ctx *ctx, int argc, char **argv)
{
	struct policy_walk w = {.ctx = ctx};
	const struct sl_policy_db *db = sl_rib_policy(ctx->rib);
	bool plist;

	if (argc < 1 || argc > 2 ||
		(strcmp(argv[0], "prefix-list") != 0 && strcmp(argv[0], "route-map") != 0)) {
		fprintf(ctx->err,
			"usage: show policy prefix-list [NAME] | show policy route-map [NAME] | "
			"show policy intent [NAME]\n");
		return -EINVAL;
	}
	plist = strcmp(argv[0], "prefix-list") == 0;
	w.only = argc == 2 ? argv[1] : NULL;
	if (ctx->json)
		w.arr = json_array();
	if (plist)
		sl_policy_plist_foreach(db, plist_cb, &w);
	else
		sl_policy_rmap_foreach(db, rmap_cb, &w);
	if (w.only && w.shown == 0) {
		fprintf(ctx->err, "show policy %s: '%s' is not defined\n", argv[0], w.only);
		json_decref(w.arr);
		return -EINVAL;
	}
	if (w.arr)
		show_json_emit(ctx, w.arr);
	return 0;
}

static struct show_cmd show_policy = {
	.words = "policy",
	.usage = "prefix-list [NAME] | route-map [NAME]",
	.handler = cmd_policy,
};
SHOW_REGISTER(show_policy)
