/* SPDX-License-Identifier: BSD-3-Clause */
/* show policy intent [NAME] — each isolation intent, whether it holds, and why. */
#include <errno.h>
#include <string.h>

#include "show_priv.h"
#include "sl_intent.h"

static json_t *way_json(const struct sl_intent_way *w)
{
	json_t *o = json_object(), *path = json_array(), *cfg = json_array();
	char p[SL_PREFIX_STR];

	for (size_t i = 0; i < w->n_hops; i++) {
		const struct sl_intent_hop *h = &w->hop[i];
		json_t *jh = json_pack("{s:s}", "vrf", h->vrf);
		if (h->found) {
			json_object_set_new(
				jh, "prefix", json_string(sl_prefix_fmt(h->route.prefix, p)));
			json_object_set_new(
				jh, "source", json_string(sl_rt_source_name(h->route.source)));
			if (h->route.origin_vrf[0])
				json_object_set_new(
					jh, "originVrf", json_string(h->route.origin_vrf));
		}
		json_array_append_new(path, jh);
	}
	for (size_t i = 0; i < w->n_lines; i++)
		json_array_append_new(cfg, json_string(w->lines[i]));
	json_object_set_new(o, "lookups", path);
	json_object_set_new(o, "result", json_string(sl_intent_fate_name(w->fate)));
	if (w->fate == SL_FATE_FORWARD) {
		json_object_set_new(o, "egressInterface", json_string(w->egress_if));
		json_object_set_new(o, "egressVrf", json_string(w->egress_vrf));
	}
	json_object_set_new(o, "config", cfg);
	return o;
}

static json_t *result_json(const struct sl_intent_result *res)
{
	const struct sl_intent *it = &res->intent;
	char a[16], range[40], p[SL_PREFIX_STR];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", it->name, "rule",
		it->kind == SL_INTENT_DENY ? "deny" : "require", "from", it->from, "to", it->to,
		"state", res->holds ? "holds" : "broken");

	if (!res->holds)
		json_object_set_new(o, "reason", json_string(res->reason));
	if (it->kind == SL_INTENT_DENY) {
		json_t *ways = json_array();
		json_object_set_new(o, "addresses", json_integer((json_int_t)res->n_addresses));
		json_object_set_new(o, "ranges", json_integer((json_int_t)res->n_ranges));
		for (size_t i = 0; i < res->n_breach_listed; i++) {
			const struct sl_intent_breach *b = &res->breach[i];
			json_t *jw = way_json(&b->way);
			sl_intent_range_text(b->lo, b->hi, range, sizeof(range));
			json_object_set_new(jw, "firstRange", json_string(range));
			sl_intent_range_text(b->lo, b->span_hi, range, sizeof(range));
			json_object_set_new(jw, "span", json_string(range));
			json_object_set_new(jw, "ranges", json_integer((json_int_t)b->n_ranges));
			json_object_set_new(
				jw, "addresses", json_integer((json_int_t)b->n_addresses));
			json_array_append_new(ways, jw);
		}
		json_object_set_new(o, "ways", ways);
		if (res->nat_replies)
			json_object_set_new(
				o, "natRepliesOnly", json_string(sl_prefix_fmt(res->nat_pool, p)));
		json_object_set_new(o, "waysListedAll",
			json_boolean(res->n_breach_listed < SL_INTENT_BREACH_MAX));
	} else {
		json_object_set_new(o, "address", json_string(sl_addr_fmt(it->addr, a)));
		json_object_set_new(o, "forward", way_json(&res->way));
		json_object_set_new(o, "forwardOk", json_boolean(res->forward_ok));
		json_t *ret = json_pack("{s:b, s:I, s:I}", "ok", res->has_return, "connected",
			(json_int_t)res->n_connected, "returning", (json_int_t)res->n_returning);
		if (res->ret_nat) {
			json_object_set_new(
				ret, "nat", json_string(sl_prefix_fmt(res->ret_pool, p)));
		} else if (res->has_return) {
			json_object_set_new(
				ret, "source", json_string(sl_prefix_fmt(res->ret_source, p)));
			json_object_set_new(ret, "way", way_json(&res->ret_way));
		}
		json_object_set_new(o, "returnPath", ret);
	}
	json_object_set_new(o, "dynamicNotLeaked", json_integer((json_int_t)res->dyn_not_leaked));
	json_object_set_new(o, "dynamicRefused", json_integer((json_int_t)res->dyn_refused));
	if (res->dyn_last[0])
		json_object_set_new(o, "dynamicLast", json_string(res->dyn_last));
	return o;
}

static void way_lines(FILE *o, const struct sl_intent_way *w, const char *indent)
{
	for (size_t i = 0; i < w->n_lines; i++)
		fprintf(o, "%s  made by: %s\n", indent, w->lines[i]);
}

static void result_text(FILE *o, const struct sl_intent_result *res)
{
	const struct sl_intent *it = &res->intent;
	char a[16], way[512], range[96], p[SL_PREFIX_STR];

	if (it->kind == SL_INTENT_DENY)
		fprintf(o, "policy intent %s: deny from %s to %s: %s\n", it->name, it->from, it->to,
			res->holds ? "holds" : "BROKEN");
	else
		fprintf(o, "policy intent %s: require from %s to %s address %s: %s\n", it->name,
			it->from, it->to, sl_addr_fmt(it->addr, a),
			res->holds ? "holds" : "BROKEN");
	if (!res->holds)
		fprintf(o, "  %s\n", res->reason);
	if (it->kind == SL_INTENT_DENY) {
		if (res->holds)
			fprintf(o, "  no address looked up in %s leaves by an interface of %s\n",
				it->from, it->to);
		for (size_t i = 0; i < res->n_breach_listed; i++) {
			const struct sl_intent_breach *b = &res->breach[i];
			sl_intent_breach_text(b, range, sizeof(range));
			sl_intent_way_text(&b->way, way, sizeof(way));
			fprintf(o, "  %s: %s\n", range, way);
			way_lines(o, &b->way, "  ");
		}
		if (res->n_breach_listed == SL_INTENT_BREACH_MAX)
			fprintf(o, "  (the first %d ways)\n", SL_INTENT_BREACH_MAX);
		if (res->nat_replies)
			fprintf(o,
				"  replies only: %s answers %s's flows through the leak-nat pool "
				"%s "
				"and opens none through it\n",
				it->from, it->to, sl_prefix_fmt(res->nat_pool, p));
	} else {
		sl_intent_way_text(&res->way, way, sizeof(way));
		fprintf(o, "  forward: %s\n", way);
		way_lines(o, &res->way, "  ");
		if (res->ret_nat) {
			fprintf(o,
				"  return path: by NAT (%s's sources leave as %s, which %s routes "
				"back)\n",
				it->from, sl_prefix_fmt(res->ret_pool, p), it->to);
		} else if (res->has_return) {
			sl_intent_way_text(&res->ret_way, way, sizeof(way));
			fprintf(o, "  return path: %zu of %zu connected subnet%s of %s; %s: %s\n",
				res->n_returning, res->n_connected,
				res->n_connected == 1 ? "" : "s", it->from,
				sl_prefix_fmt(res->ret_source, p), way);
			way_lines(o, &res->ret_way, "  ");
		} else {
			fprintf(o,
				"  return path: none (%s routes none of %s's %zu connected "
				"subnet%s back into it)\n",
				it->to, it->from, res->n_connected,
				res->n_connected == 1 ? "" : "s");
		}
	}
	fprintf(o, "  dynamic routes kept out of leaks: %llu, refused: %llu",
		(unsigned long long)res->dyn_not_leaked, (unsigned long long)res->dyn_refused);
	if (res->dyn_last[0])
		fprintf(o, " (last: %s)", res->dyn_last);
	fputc('\n', o);
}

static int cmd_intent(struct show_ctx *ctx, int argc, char **argv)
{
	struct sl_intent_report rep;
	size_t shown = 0;
	int rc;

	if (argc > 1) {
		fprintf(ctx->err, "usage: show policy intent [NAME]\n");
		return -EINVAL;
	}
	if ((rc = sl_router_intent_report(ctx->r, &rep)) < 0) {
		fprintf(ctx->err, "show policy intent: %s\n", strerror(-rc));
		sl_intent_report_free(&rep);
		return rc;
	}
	json_t *arr = ctx->json ? json_array() : NULL;
	for (size_t i = 0; i < rep.n; i++) {
		if (argc == 1 && strcmp(argv[0], rep.v[i].intent.name) != 0)
			continue;
		shown++;
		if (arr)
			json_array_append_new(arr, result_json(&rep.v[i]));
		else
			result_text(ctx->out, &rep.v[i]);
	}
	sl_intent_report_free(&rep);
	if (argc == 1 && shown == 0) {
		fprintf(ctx->err, "show policy intent: '%s' is not defined\n", argv[0]);
		json_decref(arr);
		return -EINVAL;
	}
	if (arr)
		show_json_emit(ctx, arr);
	else if (shown == 0)
		fprintf(ctx->out, "no policy intents (set policy intent NAME deny from VRF to "
				  "VRF | require from VRF to VRF address A.B.C.D)\n");
	return 0;
}

static struct show_cmd show_intent = {
	.words = "policy intent",
	.usage = "[NAME]",
	.handler = cmd_intent,
};
SHOW_REGISTER(show_intent)
