/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_fw.c — the firewall's typed view of the configuration: rulesets,
 * rules and the leak-firewall bindings with their VRF ids (struct
 * sl_fw_spec). The one place that walks the firewall and binding nodes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

static const char *leaf2(const struct sl_conf_node *n, const char *a, const char *b)
{
	const struct sl_conf_node *c = sl_conf_child(n, a);
	return c ? sl_conf_leaf_value(c, b) : NULL;
}

static enum sl_fw_spec_action action_of(const char *s)
{
	static const char *const words[] = {"accept", "drop", "reject"};
	for (unsigned i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, words[i]) == 0)
			return (enum sl_fw_spec_action)i;
	return SL_FW_SPEC_NO_ACTION;
}

static uint16_t state_bit(const char *s)
{
	static const char *const words[] = {"new", "established", "related", "invalid"};
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, words[i]) == 0)
			return (uint16_t)(1u << i);
	return 0;
}

/* "53", "1000-2000", "53,123,1000-2000" (validated by lib/conf): 0, -EINVAL, -E2BIG */
static int ports_parse(const char *s, struct sl_fw_port_range *out, uint16_t *n)
{
	const char *p = s;
	*n = 0;
	while (*p) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p || lo > 65535)
			return -EINVAL;
		p = end;
		if (*p == '-') {
			hi = strtoul(p + 1, &end, 10);
			if (end == p + 1 || hi > 65535 || hi < lo)
				return -EINVAL;
			p = end;
		}
		if (*n == SL_FW_PORT_RANGES_MAX)
			return -E2BIG;
		out[*n].lo = (uint16_t)lo;
		out[(*n)++].hi = (uint16_t)hi;
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	return *n ? 0 : -EINVAL;
}

/* "saddr 10.1.0.0/24 dport 53 state established", as configured */
static void conditions(
	const struct sl_conf_node *rule, const char **states, size_t ns, char *buf, size_t len)
{
	static const struct {
		const char *a, *b, *label;
	} keys[] = {{"source", "address", "saddr"}, {"source", "port", "sport"},
		{"destination", "address", "daddr"}, {"destination", "port", "dport"},
		{"icmp", "type", "icmp type"}};
	size_t off = 0;
	const char *v;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((v = leaf2(rule, keys[i].a, keys[i].b)) != NULL)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s %s",
				off ? " " : "", keys[i].label, v);
	for (size_t i = 0; i < ns; i++)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%sstate %s",
			off ? " " : "", states[i]);
}

/* One rule node. 0 or -ENOMEM; a rule that cannot be enforced is kept,
 * !usable, with a warning. */
static int rule_read(const struct sl_conf_node *rn, const char *rs, struct sl_fw_rule_spec *r,
	struct sl_errors *msgs)
{
	const char **states = NULL, *v;
	size_t ns = 0;
	struct sl_prefix p;
	int rc;

	memset(r, 0, sizeof(*r));
	r->number = (uint32_t)strtoul(sl_conf_node_name(rn), NULL, 10);
	r->disabled = sl_conf_has(rn, "disable");
	r->usable = true;
	r->icmp_type = -1;
	r->action = action_of(sl_conf_leaf_value(rn, "action"));
	if (r->action == SL_FW_SPEC_NO_ACTION) {
		r->usable = false;
		if (!r->disabled)
			sl_errors_add(msgs, 0,
				"firewall ipv4 name %s rule %u: no action (valid: accept, drop, "
				"reject); the rule is not enforced",
				rs, r->number);
	}
	v = sl_conf_leaf_value(rn, "protocol");
	snprintf(r->protocol, sizeof(r->protocol), "%s", v ? v : "all");
	if (v == NULL || !strcmp(v, "all"))
		r->proto = -1;
	else if (!strcmp(v, "tcp"))
		r->proto = 6;
	else if (!strcmp(v, "udp"))
		r->proto = 17;
	else if (!strcmp(v, "icmp"))
		r->proto = 1;
	else
		r->proto = (int16_t)strtoul(v, NULL, 10);
	if ((v = leaf2(rn, "source", "address")) && sl_prefix_parse(v, &p, false) == 0)
		r->src = p;
	if ((v = leaf2(rn, "destination", "address")) && sl_prefix_parse(v, &p, false) == 0)
		r->dst = p;
	if ((v = leaf2(rn, "icmp", "type")) != NULL)
		r->icmp_type = (int16_t)strtoul(v, NULL, 10);
	rc = 0;
	if ((v = leaf2(rn, "source", "port")) != NULL)
		rc = ports_parse(v, r->sport, &r->n_sport);
	if (rc == 0 && (v = leaf2(rn, "destination", "port")) != NULL)
		rc = ports_parse(v, r->dport, &r->n_dport);
	if (rc < 0) {
		if (r->usable && !r->disabled)
			sl_errors_add(msgs, 0,
				"firewall ipv4 name %s rule %u: port list '%s' %s; the rule is "
				"not enforced",
				rs, r->number, v,
				rc == -E2BIG ? "has too many items (at most 64)" : "is invalid");
		r->usable = false;
	}
	if (sl_conf_leaf_values(rn, "state", &states, &ns) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < ns; i++)
		r->states |= state_bit(states[i]);
	conditions(rn, states, ns, r->conditions, sizeof(r->conditions));
	free(states);
	return 0;
}

static int ruleset_read(
	const struct sl_conf_node *node, struct sl_fw_ruleset_spec *rs, struct sl_errors *msgs)
{
	const struct sl_conf_node *rn = sl_conf_child(node, "rule");
	const struct sl_conf_node **rules = NULL;
	size_t n = 0;
	int rc = 0;

	snprintf(rs->name, sizeof(rs->name), "%s", sl_conf_node_name(node));
	rs->default_action = action_of(sl_conf_leaf_value(node, "default-action"));
	if (rs->default_action == SL_FW_SPEC_NO_ACTION)
		rs->default_action = SL_FW_SPEC_DROP;
	/* canonical order: rule numbers numerically */
	if (rn != NULL && sl_conf_children_sorted(rn, &rules, &n) < 0)
		return -ENOMEM;
	rs->rules = calloc(n ? n : 1, sizeof(*rs->rules));
	if (rs->rules == NULL)
		rc = -ENOMEM;
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = rule_read(rules[k], rs->name, &rs->rules[rs->n_rules++], msgs);
	free(rules);
	return rc;
}

static int ruleset_index(const struct sl_fw_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->n_rulesets; i++)
		if (strcmp(spec->rulesets[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

static int binding_add(struct sl_fw_spec *spec, size_t *cap, const struct sl_fw_binding_spec *b)
{
	if (spec->n_bindings == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		void *v = realloc(spec->bindings, c * sizeof(*spec->bindings));
		if (v == NULL)
			return -ENOMEM;
		spec->bindings = v;
		*cap = c;
	}
	spec->bindings[spec->n_bindings++] = *b;
	return 0;
}

/* Every `vrf name FROM leak-firewall to TO name RS`, resolved. A binding
 * without a ruleset is not enforced (warned); one that names a ruleset or a
 * VRF that does not exist is refused (lib/conf's validation does not let
 * such a configuration through). */
static int bindings_read(const struct sl_conf *conf, sl_vrf_id_fn vrf_id, void *ctx,
	struct sl_fw_spec *spec, struct sl_errors *msgs)
{
	const struct sl_conf_node *vrfs = sl_conf_findv(conf, "vrf", "name", NULL);
	const struct sl_conf_node **from = NULL, **to = NULL;
	size_t n_from = 0, cap = 0;
	int rc = 0;

	if (vrfs != NULL && sl_conf_children_sorted(vrfs, &from, &n_from) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n_from && rc == 0; i++) {
		const struct sl_conf_node *tos =
			sl_conf_child(sl_conf_child(from[i], "leak-firewall"), "to");
		size_t n_to = 0;
		if (tos == NULL)
			continue;
		if (sl_conf_children_sorted(tos, &to, &n_to) < 0) {
			rc = -ENOMEM;
			break;
		}
		for (size_t k = 0; k < n_to && rc == 0; k++) {
			struct sl_fw_binding_spec b = {0};
			const char *rs = sl_conf_leaf_value(to[k], "name");
			snprintf(b.from, sizeof(b.from), "%s", sl_conf_node_name(from[i]));
			snprintf(b.to, sizeof(b.to), "%s", sl_conf_node_name(to[k]));
			if (rs == NULL) {
				sl_errors_add(msgs, 0,
					"vrf %s leak-firewall to %s: no ruleset (valid: name RS); "
					"not enforced",
					b.from, b.to);
				continue;
			}
			int ix = ruleset_index(spec, rs);
			int f = vrf_id(b.from, ctx), t = vrf_id(b.to, ctx);
			if (ix < 0 || f < 0 || t < 0) {
				sl_errors_add(msgs, 0,
					"vrf %s leak-firewall to %s name %s: %s '%s' does not "
					"exist",
					b.from, b.to, rs, ix < 0 ? "firewall ruleset" : "VRF",
					ix < 0	? rs
					: f < 0 ? b.from
						: b.to);
				rc = -EINVAL;
				break;
			}
			b.from_vrf = (uint32_t)f;
			b.to_vrf = (uint32_t)t;
			b.ruleset = (size_t)ix;
			rc = binding_add(spec, &cap, &b);
		}
		free(to);
		to = NULL;
	}
	free(from);
	return rc;
}

/* Every `vrf name FROM leak-nat to TO source translation address P`, with
 * VRF ids (validation refused anything else). */
static int nats_read(
	const struct sl_conf *conf, sl_vrf_id_fn vrf_id, void *ctx, struct sl_fw_spec *spec)
{
	const struct sl_conf_node *vrfs = sl_conf_findv(conf, "vrf", "name", NULL);
	const struct sl_conf_node **from = NULL;
	size_t n_from = 0, cap = 0;
	int rc = 0;

	if (vrfs != NULL && sl_conf_children_sorted(vrfs, &from, &n_from) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n_from && rc == 0; i++) {
		struct commit_nat nats[SL_RIB_NAT_MAX];
		const char *name = sl_conf_node_name(from[i]);
		int n = commit_nat_read(conf, name, nats, SL_RIB_NAT_MAX);
		if (n < 0) {
			rc = n;
			break;
		}
		for (int k = 0; k < n; k++) {
			int f = vrf_id(name, ctx), t = vrf_id(nats[k].r.to, ctx);
			if (f < 0 || t < 0)
				continue; /* not in the RIB yet: a refused commit */
			if (spec->n_nats == cap) {
				size_t c = cap ? cap * 2 : 8;
				void *v = realloc(spec->nats, c * sizeof(*spec->nats));
				if (v == NULL) {
					rc = -ENOMEM;
					break;
				}
				spec->nats = v;
				cap = c;
			}
			struct sl_fw_nat_spec *x = &spec->nats[spec->n_nats++];
			memset(x, 0, sizeof(*x));
			snprintf(x->from, sizeof(x->from), "%s", name);
			memcpy(x->to, nats[k].r.to, sizeof(x->to));
			x->from_vrf = (uint32_t)f;
			x->to_vrf = (uint32_t)t;
			x->pool = nats[k].r.pool;
			x->port_lo = nats[k].port_lo;
			x->port_hi = nats[k].port_hi;
		}
	}
	free(from);
	return rc;
}

int sl_fw_spec_read(const struct sl_conf *conf, sl_vrf_id_fn vrf_id, void *ctx,
	struct sl_fw_spec **out, struct sl_errors *msgs)
{
	const struct sl_conf_node *names = sl_conf_findv(conf, "firewall", "ipv4", "name", NULL);
	const struct sl_conf_node **sets = NULL;
	size_t n_sets = 0;
	int rc = 0;

	*out = NULL;
	struct sl_fw_spec *spec = calloc(1, sizeof(*spec));
	if (spec == NULL)
		return -ENOMEM;
	if (names != NULL && sl_conf_children_sorted(names, &sets, &n_sets) < 0)
		rc = -ENOMEM;
	if (rc == 0 &&
		(spec->rulesets = calloc(n_sets ? n_sets : 1, sizeof(*spec->rulesets))) == NULL)
		rc = -ENOMEM;
	for (size_t i = 0; i < n_sets && rc == 0; i++)
		rc = ruleset_read(sets[i], &spec->rulesets[spec->n_rulesets++], msgs);
	free(sets);
	if (rc == 0)
		rc = bindings_read(conf, vrf_id, ctx, spec, msgs);
	if (rc == 0)
		rc = nats_read(conf, vrf_id, ctx, spec);
	if (rc < 0) {
		sl_fw_spec_free(spec);
		return rc;
	}
	*out = spec;
	return 0;
}

static int rib_vrf_id(const char *name, void *ctx)
{
	struct sl_vrf_info vi;
	return sl_rib_vrf_info(ctx, name, &vi) < 0 ? -ENOENT : (int)vi.id;
}

int sl_router_fw_spec(const struct sl_router *r, struct sl_fw_spec **out, struct sl_errors *msgs)
{
	return sl_fw_spec_read(r->conf, rib_vrf_id, r->rib, out, msgs);
}

bool sl_router_fw_changed(const struct sl_router *r)
{
	size_t n = sl_conf_change_count(r->conf);
	for (size_t i = 0; i < n; i++) {
		struct sl_conf_change c;
		if (sl_conf_change_at(r->conf, i, &c) < 0)
			continue;
		switch (c.kind) {
		case SL_CHG_FIREWALL:
		case SL_CHG_RULESET:
		case SL_CHG_VRF_LEAK_FIREWALL:
		case SL_CHG_VRF_LEAK_NAT:
		case SL_CHG_VRFS: /* VRF ids, which bindings use */
		case SL_CHG_VRF:
			return true;
		default:
			break;
		}
	}
	return false;
}
