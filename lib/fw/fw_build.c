/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_build.c — configuration → compiled set: rulesets, bindings, one rte_acl context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "fw_priv.h"
#include "sl_conf.h"

#define PORT_RANGES_MAX 64 /* items of one comma list */
#define ACL_RULES_PER_RULE_MAX 4096 /* expansion of port lists × states */

struct port_range {
	uint16_t lo, hi;
};

/* A parsed rule, before expansion. */
struct rule_spec {
	uint32_t number;
	uint8_t action;
	uint8_t proto, proto_mask;
	uint32_t src, dst; /* host order */
	uint8_t src_len, dst_len;
	struct port_range sport[PORT_RANGES_MAX], dport[PORT_RANGES_MAX];
	unsigned n_sport, n_dport;
	uint16_t states; /* 0: any */
};

/* Growable array of ACL rules. */
struct acl_rules {
	struct fw_acl_rule *v;
	size_t n, cap;
};

static int acl_rules_push(struct acl_rules *a, const struct fw_acl_rule *r)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct fw_acl_rule *v = realloc(a->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *r;
	return 0;
}

static int action_parse(const char *s)
{
	if (s == NULL)
		return -ENOENT;
	if (!strcmp(s, "accept"))
		return SL_FW_ACCEPT;
	if (!strcmp(s, "drop"))
		return SL_FW_DROP;
	if (!strcmp(s, "reject"))
		return SL_FW_REJECT;
	return -EINVAL;
}

static int state_parse(const char *s)
{
	if (!strcmp(s, "new"))
		return SL_FW_ST_NEW;
	if (!strcmp(s, "established"))
		return SL_FW_ST_ESTABLISHED;
	if (!strcmp(s, "related"))
		return SL_FW_ST_RELATED;
	if (!strcmp(s, "invalid"))
		return SL_FW_ST_INVALID;
	return -EINVAL;
}

/* "53", "1000-2000", "53,123,1000-2000" (validated by lib/conf) */
static int ports_parse(const char *s, struct port_range *out, unsigned *n)
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
		if (*n == PORT_RANGES_MAX)
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

static const char *leaf2(const struct sl_conf_node *n, const char *a, const char *b)
{
	const struct sl_conf_node *c = sl_conf_child(n, a);
	return c ? sl_conf_leaf_value(c, b) : NULL;
}

/* Read one rule node. 0, -ENOENT (no action: skipped), -EINVAL/-E2BIG (warned). */
static int rule_read(
	const struct sl_conf_node *rn, struct rule_spec *r, const char *rs, struct sl_errors *warn)
{
	const char *v;
	int rc;

	memset(r, 0, sizeof(*r));
	r->number = (uint32_t)strtoul(sl_conf_node_name(rn), NULL, 10);
	rc = action_parse(sl_conf_leaf_value(rn, "action"));
	if (rc < 0) {
		if (warn)
			sl_errors_add(warn, 0,
				"firewall ipv4 name %s rule %u: no action (valid: accept, drop, "
				"reject); the rule is not enforced",
				rs, r->number);
		return -ENOENT;
	}
	r->action = (uint8_t)rc;
	v = sl_conf_leaf_value(rn, "protocol");
	if (v == NULL || !strcmp(v, "all")) {
		r->proto_mask = 0;
	} else {
		r->proto_mask = 0xff;
		if (!strcmp(v, "tcp"))
			r->proto = IPPROTO_TCP;
		else if (!strcmp(v, "udp"))
			r->proto = IPPROTO_UDP;
		else if (!strcmp(v, "icmp"))
			r->proto = IPPROTO_ICMP;
		else
			r->proto = (uint8_t)strtoul(v, NULL, 10);
	}
	struct sl_prefix p;
	if ((v = leaf2(rn, "source", "address")) && sl_prefix_parse(v, &p, false) == 0) {
		r->src = p.addr;
		r->src_len = p.len;
	}
	if ((v = leaf2(rn, "destination", "address")) && sl_prefix_parse(v, &p, false) == 0) {
		r->dst = p.addr;
		r->dst_len = p.len;
	}
	r->n_sport = r->n_dport = 1;
	r->sport[0] = r->dport[0] = (struct port_range){0, 65535};
	if ((v = leaf2(rn, "source", "port")) && (rc = ports_parse(v, r->sport, &r->n_sport)) < 0)
		goto bad_ports;
	if ((v = leaf2(rn, "destination", "port")) &&
		(rc = ports_parse(v, r->dport, &r->n_dport)) < 0)
		goto bad_ports;
	if ((v = leaf2(rn, "icmp", "type")) != NULL) {
		uint16_t t = (uint16_t)strtoul(v, NULL, 10);
		r->n_sport = 1;
		r->sport[0] = (struct port_range){t, t};
	}
	const char **states = NULL;
	size_t ns = 0;
	if (sl_conf_leaf_values(rn, "state", &states, &ns) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < ns; i++) {
		rc = state_parse(states[i]);
		if (rc > 0)
			r->states |= (uint16_t)rc;
	}
	free(states);
	return 0;
bad_ports:
	if (warn)
		sl_errors_add(warn, 0,
			"firewall ipv4 name %s rule %u: port list '%s' %s; the rule is not "
			"enforced",
			rs, r->number, v,
			rc == -E2BIG ? "has too many items (at most 64)" : "is invalid");
	return rc;
}

/* Expand one rule into ACL rules: sport ranges × dport ranges × states. */
static int rule_expand(
	const struct rule_spec *r, uint32_t rs_index, uint32_t slot, struct acl_rules *out)
{
	uint16_t st[4];
	unsigned n_st = 0;
	for (unsigned b = 0; b < 4; b++)
		if (r->states & (1u << b))
			st[n_st++] = (uint16_t)(1u << b);
	if (n_st == 0)
		st[n_st++] = 0; /* any state: mask 0 */
	if ((size_t)r->n_sport * r->n_dport * n_st > ACL_RULES_PER_RULE_MAX)
		return -E2BIG;
	for (unsigned i = 0; i < r->n_sport; i++) {
		for (unsigned j = 0; j < r->n_dport; j++) {
			for (unsigned k = 0; k < n_st; k++) {
				struct fw_acl_rule a;
				memset(&a, 0, sizeof(a));
				/* first matching rule by number wins within a ruleset */
				a.data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - r->number);
				a.data.category_mask = 1;
				a.data.userdata = slot + 1;
				a.field[FW_F_PROTO].value.u8 = r->proto;
				a.field[FW_F_PROTO].mask_range.u8 = r->proto_mask;
				a.field[FW_F_SRC].value.u32 = r->src;
				a.field[FW_F_SRC].mask_range.u32 = r->src_len;
				a.field[FW_F_DST].value.u32 = r->dst;
				a.field[FW_F_DST].mask_range.u32 = r->dst_len;
				a.field[FW_F_SPORT].value.u16 = r->sport[i].lo;
				a.field[FW_F_SPORT].mask_range.u16 = r->sport[i].hi;
				a.field[FW_F_DPORT].value.u16 = r->dport[j].lo;
				a.field[FW_F_DPORT].mask_range.u16 = r->dport[j].hi;
				a.field[FW_F_RULESET].value.u16 = (uint16_t)rs_index;
				a.field[FW_F_RULESET].mask_range.u16 = 0xffff;
				a.field[FW_F_STATE].value.u16 = st[k];
				a.field[FW_F_STATE].mask_range.u16 = st[k];
				int rc = acl_rules_push(out, &a);
				if (rc < 0)
					return rc;
			}
		}
	}
	return 0;
}

static const struct rte_acl_field_def fw_acl_fields[FW_F__COUNT] = {
	[FW_F_PROTO] = {.type = RTE_ACL_FIELD_TYPE_BITMASK,
		.size = 1,
		.field_index = FW_F_PROTO,
		.input_index = 0,
		.offset = offsetof(struct fw_acl_key, proto)},
	[FW_F_SRC] = {.type = RTE_ACL_FIELD_TYPE_MASK,
		.size = 4,
		.field_index = FW_F_SRC,
		.input_index = 1,
		.offset = offsetof(struct fw_acl_key, src)},
	[FW_F_DST] = {.type = RTE_ACL_FIELD_TYPE_MASK,
		.size = 4,
		.field_index = FW_F_DST,
		.input_index = 2,
		.offset = offsetof(struct fw_acl_key, dst)},
	[FW_F_SPORT] = {.type = RTE_ACL_FIELD_TYPE_RANGE,
		.size = 2,
		.field_index = FW_F_SPORT,
		.input_index = 3,
		.offset = offsetof(struct fw_acl_key, sport)},
	[FW_F_DPORT] = {.type = RTE_ACL_FIELD_TYPE_RANGE,
		.size = 2,
		.field_index = FW_F_DPORT,
		.input_index = 3,
		.offset = offsetof(struct fw_acl_key, dport)},
	[FW_F_RULESET] = {.type = RTE_ACL_FIELD_TYPE_BITMASK,
		.size = 2,
		.field_index = FW_F_RULESET,
		.input_index = 4,
		.offset = offsetof(struct fw_acl_key, ruleset)},
	[FW_F_STATE] = {.type = RTE_ACL_FIELD_TYPE_BITMASK,
		.size = 2,
		.field_index = FW_F_STATE,
		.input_index = 4,
		.offset = offsetof(struct fw_acl_key, state)},
};

/*
 * One rte_acl context of rules v[0..n) on the first five fields (protocol,
 * addresses, ports): the ruleset and the state are chosen by context, not
 * walked. rte_acl walks its trie one key byte at a time, so 13 bytes instead
 * of 17 make a classification about a fifth cheaper. Rules keep the 7-field
 * layout (rule_size); only the first five fields are read. n == 0: no context.
 */
static int acl_ctx_make(
	struct sl_fw *fw, struct rte_acl_ctx **out, const struct fw_acl_rule *v, size_t n)
{
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_param prm = {
		.socket_id = fw->socket_id,
		.rule_size = RTE_ACL_RULE_SZ(FW_F__COUNT),
		.max_rule_num = (uint32_t)n,
	};
	struct rte_acl_config cfg = {.num_categories = 1, .num_fields = FW_F_RULESET};
	int rc;

	if (n == 0)
		return 0;
	/* rte_acl_create hands back an existing context of the same name */
	snprintf(name, sizeof(name), "slfw%p-%u", (void *)fw, fw->acl_gen++);
	prm.name = name;
	*out = rte_acl_create(&prm);
	if (*out == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	rc = rte_acl_add_rules(*out, (const struct rte_acl_rule *)v, (uint32_t)n);
	if (rc < 0)
		return rc;
	memcpy(cfg.defs, fw_acl_fields, sizeof(fw_acl_fields[0]) * FW_F_RULESET);
	return rte_acl_build(*out, &cfg);
}

/*
 * The contexts of one ruleset: a stateless one has a single context; one
 * with state rules has one per state that some rule names (the worker knows
 * a tracked packet's state before classifying it), each with the rules of
 * that state or of any, and the states no rule names share one context of
 * the any-state rules. tmp: scratch buffer. (An rte_acl build costs ~0.2 ms
 * however small: contexts are not multiplied beyond need.)
 */
static int acl_compile(struct sl_fw *fw, struct fw_ruleset *rs, const struct acl_rules *rules,
	struct acl_rules *tmp)
{
	if (!rs->uses_state)
		return acl_ctx_make(fw, &rs->acl[0], rules->v, rules->n);
	uint16_t named = 0;
	for (size_t i = 0; i < rules->n; i++)
		named |= rules->v[i].field[FW_F_STATE].value.u16;
	struct rte_acl_ctx *shared = NULL;
	bool shared_made = false;
	for (unsigned k = 0; k < FW_STATES; k++) {
		uint16_t bit = (uint16_t)(1u << k);
		if (!(named & bit) && shared_made) {
			rs->acl[k] = shared;
			continue;
		}
		tmp->n = 0;
		for (size_t i = 0; i < rules->n; i++) {
			uint16_t st = rules->v[i].field[FW_F_STATE].value.u16;
			int rc = (st == 0 || st == bit) ? acl_rules_push(tmp, &rules->v[i]) : 0;
			if (rc < 0)
				return rc;
		}
		int rc = acl_ctx_make(fw, &rs->acl[k], tmp->v, tmp->n);
		if (rc < 0)
			return rc;
		if (!(named & bit)) {
			shared = rs->acl[k];
			shared_made = true;
		}
	}
	return 0;
}

/* A walk over every `vrf name FROM leak-firewall to TO` node of a conf. */
struct bind_walk {
	const struct sl_conf_node *vrfs, *from, *tos;
	size_t vrf_cur, to_cur;
};

static void bind_walk_init(struct bind_walk *w, const struct sl_conf *conf)
{
	memset(w, 0, sizeof(*w));
	w->vrfs = sl_conf_findv(conf, "vrf", "name", NULL);
}

/* The next binding: the FROM vrf node and the TO node (leaf `name`: the
 * ruleset); false at the end. */
static bool bind_walk_next(
	struct bind_walk *w, const struct sl_conf_node **from, const struct sl_conf_node **to)
{
	for (;;) {
		const struct sl_conf_node *t;
		if (w->tos != NULL && (t = sl_conf_child_next(w->tos, &w->to_cur)) != NULL) {
			*from = w->from;
			*to = t;
			return true;
		}
		if (w->vrfs == NULL || (w->from = sl_conf_child_next(w->vrfs, &w->vrf_cur)) == NULL)
			return false;
		const struct sl_conf_node *lf = sl_conf_child(w->from, "leak-firewall");
		w->tos = lf ? sl_conf_child(lf, "to") : NULL;
		w->to_cur = 0;
	}
}

/* Whether some binding names ruleset rs: the others are never consulted and
 * are not compiled. */
static bool ruleset_bound(const struct sl_conf *conf, const char *rs)
{
	struct bind_walk w;
	const struct sl_conf_node *v, *t;
	bind_walk_init(&w, conf);
	while (bind_walk_next(&w, &v, &t)) {
		const char *name = sl_conf_leaf_value(t, "name");
		if (name != NULL && strcmp(name, rs) == 0)
			return true;
	}
	return false;
}

static int slot_push(struct sl_fw_set *s, uint32_t *cap, const struct fw_slot *sl)
{
	if (s->n_slots == *cap) {
		uint32_t c = *cap ? *cap * 2 : 32;
		struct fw_slot *v = realloc(s->slots, c * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		s->slots = v;
		*cap = c;
	}
	s->slots[s->n_slots++] = *sl;
	return 0;
}

static int ruleset_find(const struct sl_fw_set *s, const char *name)
{
	uint32_t lo = 0, hi = s->n_rulesets;
	while (lo < hi) { /* rulesets are in strcmp order */
		uint32_t mid = (lo + hi) / 2;
		int c = strcmp(s->rulesets[mid].name, name);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -ENOENT;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(sl_conf_node_name(*(const struct sl_conf_node *const *)a),
		sl_conf_node_name(*(const struct sl_conf_node *const *)b));
}

static int cmp_number(const void *a, const void *b)
{
	unsigned long x =
		strtoul(sl_conf_node_name(*(const struct sl_conf_node *const *)a), NULL, 10);
	unsigned long y =
		strtoul(sl_conf_node_name(*(const struct sl_conf_node *const *)b), NULL, 10);
	return x < y ? -1 : x > y;
}

/* Rulesets, their rules and slots, and their compiled ACL contexts. */
static int rulesets_build(
	struct sl_fw *fw, struct sl_fw_set *s, const struct sl_conf *conf, struct sl_errors *warn)
{
	struct acl_rules acl_buf = {0}, *acl = &acl_buf, tmp = {0};
	const struct sl_conf_node *names = sl_conf_findv(conf, "firewall", "ipv4", "name", NULL);
	const struct sl_conf_node **sets = NULL;
	size_t n_sets = 0;
	uint32_t slot_cap = 0;
	int rc = 0;

	if (names == NULL)
		return 0;
	if (sl_conf_children_sorted(names, &sets, &n_sets) < 0)
		return -ENOMEM;
	/* names sort naturally in conf; the set needs strcmp order for lookups */
	if (n_sets > 1)
		qsort(sets, n_sets, sizeof(*sets), cmp_name);
	if (n_sets > FW_RULESETS_MAX) {
		free(sets);
		return -E2BIG;
	}
	s->rulesets = calloc(n_sets ? n_sets : 1, sizeof(*s->rulesets));
	if (s->rulesets == NULL) {
		free(sets);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_sets && rc == 0; i++) {
		struct fw_ruleset *rs = &s->rulesets[s->n_rulesets++];
		const struct sl_conf_node *rn = sl_conf_child(sets[i], "rule");
		const struct sl_conf_node **rules = NULL;
		size_t n_rules = 0;

		snprintf(rs->name, sizeof(rs->name), "%s", sl_conf_node_name(sets[i]));
		int act = action_parse(sl_conf_leaf_value(sets[i], "default-action"));
		rs->default_action = act < 0 ? SL_FW_DROP : (uint8_t)act;
		rs->first_slot = s->n_slots;
		if (rn && sl_conf_children_sorted(rn, &rules, &n_rules) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (n_rules > 1)
			qsort(rules, n_rules, sizeof(*rules), cmp_number);
		acl->n = 0;
		for (size_t k = 0; k < n_rules && rc == 0; k++) {
			struct rule_spec r;
			if (sl_conf_has(rules[k], "disable"))
				continue;
			int e = rule_read(rules[k], &r, rs->name, warn);
			if (e == -ENOMEM) {
				rc = e;
				break;
			}
			if (e < 0)
				continue;
			uint32_t slot = s->n_slots;
			struct fw_slot sl = {(uint32_t)i, r.number, r.action};
			rc = slot_push(s, &slot_cap, &sl);
			if (rc == 0)
				rc = rule_expand(&r, (uint32_t)i, slot, acl);
			if (r.states != 0)
				rs->uses_state = true;
			if (rc == -E2BIG && warn)
				sl_errors_add(warn, 0,
					"firewall ipv4 name %s rule %u: port lists and states "
					"expand "
					"to more than %d classifier rules",
					rs->name, r.number, ACL_RULES_PER_RULE_MAX);
		}
		free(rules);
		rs->n_rules = s->n_slots - rs->first_slot;
		s->n_acl_rules += (uint32_t)acl->n;
		if (rc == 0 && ruleset_bound(conf, rs->name))
			rc = acl_compile(fw, rs, acl, &tmp);
	}
	free(acl_buf.v);
	free(tmp.v);
	/* default-action slots after every rule's */
	for (uint32_t i = 0; i < s->n_rulesets && rc == 0; i++) {
		struct fw_slot sl = {i, 0, s->rulesets[i].default_action};
		s->rulesets[i].default_slot = s->n_slots;
		rc = slot_push(s, &slot_cap, &sl);
	}
	free(sets);
	return rc;
}

struct binding {
	uint32_t from, to, rs;
};

static int bindings_build(struct sl_fw_set *s, const struct sl_conf *conf,
	sl_fw_vrf_resolve_fn resolve, void *rctx, struct sl_errors *warn)
{
	const struct sl_conf_node *v, *t;
	struct binding *b = NULL;
	size_t n = 0, cap = 0;
	uint32_t dim = 0;
	struct bind_walk w;

	bind_walk_init(&w, conf);
	while (bind_walk_next(&w, &v, &t)) {
		const char *rs_name = sl_conf_leaf_value(t, "name");
		int from_id = resolve(sl_conf_node_name(v), rctx);
		int to_id = resolve(sl_conf_node_name(t), rctx);
		int rs = rs_name ? ruleset_find(s, rs_name) : -ENOENT;
		if (from_id < 0 || to_id < 0 || rs < 0 || from_id >= 65536 || to_id >= 65536) {
			if (warn)
				sl_errors_add(warn, 0,
					"vrf %s leak-firewall to %s: %s; not enforced",
					sl_conf_node_name(v), sl_conf_node_name(t),
					rs < 0 ? "no such firewall ruleset" : "unknown VRF");
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct binding *nb = realloc(b, cap * sizeof(*b));
			if (nb == NULL) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		b[n++] = (struct binding){(uint32_t)from_id, (uint32_t)to_id, (uint32_t)rs};
		dim = RTE_MAX(dim, (uint32_t)RTE_MAX(from_id, to_id) + 1);
	}
	if (n > 0) {
		s->bind = calloc((size_t)dim * dim, sizeof(*s->bind));
		if (s->bind == NULL) {
			free(b);
			return -ENOMEM;
		}
		s->bind_dim = dim;
		s->n_bindings = (uint32_t)n;
		for (size_t i = 0; i < n; i++) {
			s->bind[b[i].from * dim + b[i].to] |= (uint16_t)(b[i].rs + 1);
			/* conntrack only matters to rules that match on state */
			if (s->rulesets[b[i].rs].uses_state) {
				s->bind[b[i].from * dim + b[i].to] |= FW_BIND_TRACK;
				s->bind[b[i].to * dim + b[i].from] |= FW_BIND_TRACK;
			}
		}
	}
	free(b);
	return 0;
}

static int counters_alloc(struct sl_fw *fw, struct sl_fw_set *s)
{
	uint32_t per_line = RTE_CACHE_LINE_SIZE / sizeof(struct fw_count);
	s->n_lcores = fw->n_lcores;
	s->slot_stride = RTE_ALIGN_CEIL(RTE_MAX(s->n_slots, 1u), per_line);
	s->counts = rte_zmalloc_socket("slfw_counts",
		(size_t)s->slot_stride * s->n_lcores * sizeof(struct fw_count), RTE_CACHE_LINE_SIZE,
		fw->socket_id);
	s->base = calloc(RTE_MAX(s->n_slots, 1u), sizeof(*s->base));
	return s->counts && s->base ? 0 : -ENOMEM;
}

struct sl_fw_set *sl_fw_build(struct sl_fw *fw, const struct sl_conf *conf,
	sl_fw_vrf_resolve_fn resolve, void *resolve_ctx, struct sl_errors *warn)
{
	struct timespec t0, t1;
	int rc;

	if (fw == NULL || conf == NULL || resolve == NULL) {
		errno = EINVAL;
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sl_fw_set *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	rc = rulesets_build(fw, s, conf, warn);
	if (rc == 0)
		rc = bindings_build(s, conf, resolve, resolve_ctx, warn);
	if (rc == 0)
		rc = counters_alloc(fw, s);
	if (rc < 0) {
		fw_set_destroy(s);
		errno = -rc;
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fw->build_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull +
		       (uint64_t)(t1.tv_nsec - t0.tv_nsec);
	return s;
}

bool sl_fw_conf_changed(const struct sl_conf *conf)
{
	size_t n = sl_conf_change_count(conf);
	for (size_t i = 0; i < n; i++) {
		const char *const *tok;
		size_t nt;
		unsigned line;
		if (sl_conf_change_get(conf, i, &tok, &nt, &line) < 0 || nt == 0)
			continue;
		if (!strcmp(tok[0], "firewall"))
			return true;
		/* [vrf], [vrf name V], [vrf name V leak-firewall...]: ids or bindings */
		if (!strcmp(tok[0], "vrf") &&
			(nt <= 3 || (nt >= 4 && !strcmp(tok[3], "leak-firewall"))))
			return true;
	}
	return false;
}
