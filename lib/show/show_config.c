/* SPDX-License-Identifier: BSD-3-Clause */
/* show configuration; show firewall [NAME] (rulesets and their leak-point bindings). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conf.h"
#include "show_priv.h"

static int cmd_configuration(struct show_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		fprintf(ctx->err, "usage: show configuration\n");
		return -EINVAL;
	}
	if (ctx->json) {
		char *text = sl_conf_render_str(sl_router_conf_const(ctx->r));
		json_t *lines = json_array();
		for (char *save, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
			l = strtok_r(NULL, "\n", &save))
			json_array_append_new(lines, json_string(l));
		free(text);
		show_json_emit(ctx, json_pack("{s:o}", "lines", lines));
		return 0;
	}
	return sl_router_render(ctx->r, ctx->out);
}

static struct show_cmd show_configuration = {
	.words = "configuration",
	.usage = "",
	.handler = cmd_configuration,
};
SHOW_REGISTER(show_configuration)

static const char *leaf(const struct sl_conf_node *n, const char *a, const char *b)
{
	const struct sl_conf_node *c = n ? sl_conf_child(n, a) : NULL;
	return c ? sl_conf_leaf_value(c, b) : NULL;
}

/* "udp dport 53 saddr 10.1.0.0/24 state established" */
static void rule_conditions(const struct sl_conf_node *rule, char *buf, size_t len)
{
	const char *v;
	size_t off = 0;
	const char **states = NULL;
	size_t ns = 0;

	buf[0] = '\0';
#define ADD(...) off += (size_t)snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__)
	if ((v = leaf(rule, "source", "address")))
		ADD("%ssaddr %s", off ? " " : "", v);
	if ((v = leaf(rule, "source", "port")))
		ADD("%ssport %s", off ? " " : "", v);
	if ((v = leaf(rule, "destination", "address")))
		ADD("%sdaddr %s", off ? " " : "", v);
	if ((v = leaf(rule, "destination", "port")))
		ADD("%sdport %s", off ? " " : "", v);
	if ((v = leaf(rule, "icmp", "type")))
		ADD("%sicmp type %s", off ? " " : "", v);
	if (sl_conf_leaf_values(rule, "state", &states, &ns) == 0)
		for (size_t i = 0; i < ns; i++)
			ADD("%sstate %s", off ? " " : "", states[i]);
	free(states);
	if (sl_conf_has(rule, "disable"))
		ADD("%s(disabled)", off ? " " : "");
#undef ADD
}

static void bindings(struct show_ctx *ctx, const char *ruleset, json_t *arr)
{
	const struct sl_conf *conf = sl_router_conf_const(ctx->r);
	const struct sl_conf_node *vrfs = sl_conf_findv(conf, "vrf", "name", NULL), *v, *to, *t;
	size_t cur = 0;
	bool any = false;

	while (vrfs && (v = sl_conf_child_next(vrfs, &cur)) != NULL) {
		to = sl_conf_child(v, "leak-firewall");
		to = to ? sl_conf_child(to, "to") : NULL;
		size_t tc = 0;
		while (to && (t = sl_conf_child_next(to, &tc)) != NULL) {
			const char *name = sl_conf_leaf_value(t, "name");
			if (name == NULL || strcmp(name, ruleset) != 0)
				continue;
			any = true;
			if (arr)
				json_array_append_new(
					arr, json_pack("{s:s, s:s}", "from", sl_conf_node_name(v),
						     "to", sl_conf_node_name(t)));
			else
				fprintf(ctx->out, "Leak point: from vrf %s to vrf %s\n",
					sl_conf_node_name(v), sl_conf_node_name(t));
		}
	}
	if (!any && !arr)
		fprintf(ctx->out, "Leak point: not bound to any leak direction\n");
}

static int cmd_firewall(struct show_ctx *ctx, int argc, char **argv)
{
	const struct sl_conf *conf = sl_router_conf_const(ctx->r);
	const struct sl_conf_node *names = sl_conf_findv(conf, "firewall", "ipv4", "name", NULL);
	const struct sl_conf_node **sets = NULL, **rules = NULL;
	size_t n_sets = 0, shown = 0;
	json_t *arr = ctx->json ? json_array() : NULL;

	if (argc > 1) {
		fprintf(ctx->err, "usage: show firewall [NAME]\n");
		json_decref(arr);
		return -EINVAL;
	}
	if (names && sl_conf_children_sorted(names, &sets, &n_sets) < 0) {
		json_decref(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_sets; i++) {
		const char *name = sl_conf_node_name(sets[i]);
		const char *dflt = sl_conf_leaf_value(sets[i], "default-action");
		const struct sl_conf_node *rn = sl_conf_child(sets[i], "rule");
		size_t n_rules = 0;

		if (argc == 1 && strcmp(argv[0], name) != 0)
			continue;
		shown++;
		if (rn && sl_conf_children_sorted(rn, &rules, &n_rules) < 0)
			break;
		json_t *jr = arr ? json_array() : NULL, *jb = arr ? json_array() : NULL;
		if (!arr) {
			fprintf(ctx->out,
				"Ruleset Information\n\n---------------------------------\n");
			fprintf(ctx->out, "ipv4 Firewall \"%s\"\n\n", name);
			fprintf(ctx->out, "%-8s %-8s %-9s %s\n", "Rule", "Action", "Protocol",
				"Conditions");
			fprintf(ctx->out, "%-8s %-8s %-9s %s\n", "-------", "------", "--------",
				"----------");
		}
		for (size_t k = 0; k < n_rules; k++) {
			char cond[256];
			const char *act = sl_conf_leaf_value(rules[k], "action");
			const char *proto = sl_conf_leaf_value(rules[k], "protocol");
			rule_conditions(rules[k], cond, sizeof(cond));
			if (jr)
				json_array_append_new(
					jr, json_pack("{s:s, s:s, s:s, s:s}", "rule",
						    sl_conf_node_name(rules[k]), "action",
						    act ? act : "-", "protocol",
						    proto ? proto : "all", "conditions", cond));
			else
				fprintf(ctx->out, "%-8s %-8s %-9s %s\n",
					sl_conf_node_name(rules[k]), act ? act : "-",
					proto ? proto : "all", cond);
		}
		free(rules);
		rules = NULL;
		if (!arr)
			fprintf(ctx->out, "%-8s %-8s %-9s\n\n", "default", dflt ? dflt : "drop",
				"all");
		bindings(ctx, name, jb);
		if (arr)
			json_array_append_new(arr,
				json_pack("{s:s, s:s, s:o, s:o}", "name", name, "defaultAction",
					dflt ? dflt : "drop", "rules", jr, "leakPoints", jb));
		else
			fputc('\n', ctx->out);
	}
	free(sets);
	if (argc == 1 && shown == 0) {
		fprintf(ctx->err, "show firewall: ruleset '%s' is not defined\n", argv[0]);
		json_decref(arr);
		return -EINVAL;
	}
	if (arr)
		show_json_emit(ctx, json_pack("{s:o}", "rulesets", arr));
	else if (shown == 0)
		fprintf(ctx->out, "No firewall rulesets are configured.\n");
	return 0;
}

static struct show_cmd show_firewall = {
	.words = "firewall",
	.usage = "[NAME]",
	.handler = cmd_firewall,
};
SHOW_REGISTER(show_firewall)
