/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_build.c — firewall spec → compiled set: rulesets, bindings, rte_acl contexts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "fw_priv.h"

#define ACL_RULES_PER_RULE_MAX 4096 /* expansion of port lists × states */

_Static_assert((int)SL_FW_SPEC_ACCEPT == (int)SL_FW_ACCEPT &&
		       (int)SL_FW_SPEC_DROP == (int)SL_FW_DROP &&
		       (int)SL_FW_SPEC_REJECT == (int)SL_FW_REJECT,
	"spec actions are verdicts");
_Static_assert(SL_FW_SPEC_ST_NEW == SL_FW_ST_NEW &&
		       SL_FW_SPEC_ST_ESTABLISHED == SL_FW_ST_ESTABLISHED &&
		       SL_FW_SPEC_ST_RELATED == SL_FW_ST_RELATED &&
		       SL_FW_SPEC_ST_INVALID == SL_FW_ST_INVALID,
	"spec states are conntrack states");

static const struct sl_fw_port_range any_port = {0, 65535};

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

/* Expand one rule into ACL rules: sport ranges × dport ranges × states. */
static int rule_expand(
	const struct sl_fw_rule_spec *r, uint32_t rs_index, uint32_t slot, struct acl_rules *out)
{
	const struct sl_fw_port_range *sport = r->n_sport ? r->sport : &any_port;
	const struct sl_fw_port_range *dport = r->n_dport ? r->dport : &any_port;
	struct sl_fw_port_range icmp_type;
	unsigned n_sport = r->n_sport ? r->n_sport : 1, n_dport = r->n_dport ? r->n_dport : 1;
	uint16_t st[4];
	unsigned n_st = 0;
	if (r->icmp_type >= 0) { /* ICMP type and code take the port slots */
		icmp_type =
			(struct sl_fw_port_range){(uint16_t)r->icmp_type, (uint16_t)r->icmp_type};
		sport = &icmp_type;
		n_sport = 1;
	}
	for (unsigned b = 0; b < 4; b++)
		if (r->states & (1u << b))
			st[n_st++] = (uint16_t)(1u << b);
	if (n_st == 0)
		st[n_st++] = 0; /* any state: mask 0 */
	if ((size_t)n_sport * n_dport * n_st > ACL_RULES_PER_RULE_MAX)
		return -E2BIG;
	for (unsigned i = 0; i < n_sport; i++) {
		for (unsigned j = 0; j < n_dport; j++) {
			for (unsigned k = 0; k < n_st; k++) {
				struct fw_acl_rule a;
				memset(&a, 0, sizeof(a));
				/* first matching rule by number wins within a ruleset */
				a.data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - r->number);
				a.data.category_mask = 1;
				a.data.userdata = slot + 1;
				a.field[FW_F_PROTO].value.u8 = r->proto < 0 ? 0 : (uint8_t)r->proto;
				a.field[FW_F_PROTO].mask_range.u8 = r->proto < 0 ? 0 : 0xff;
				a.field[FW_F_SRC].value.u32 = r->src.addr;
				a.field[FW_F_SRC].mask_range.u32 = r->src.len;
				a.field[FW_F_DST].value.u32 = r->dst.addr;
				a.field[FW_F_DST].mask_range.u32 = r->dst.len;
				a.field[FW_F_SPORT].value.u16 = sport[i].lo;
				a.field[FW_F_SPORT].mask_range.u16 = sport[i].hi;
				a.field[FW_F_DPORT].value.u16 = dport[j].lo;
				a.field[FW_F_DPORT].mask_range.u16 = dport[j].hi;
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
 * Context k of ruleset rs over rules v[0..n): bit vectors when it has at most
 * fw->bv_max rules (a few rows of a few words ANDed beat rte_acl's dependent
 * byte walk; doc/benchmarks.md has the figures), else rte_acl, which is also
 * the fallback when a field is too fragmented for the bit vectors' tries.
 */
static int cls_make(
	struct sl_fw *fw, struct fw_ruleset *rs, unsigned k, const struct fw_acl_rule *v, size_t n)
{
	if (n > 0 && n <= fw->bv_max) {
		int rc = fw_bv_build(&rs->bv[k], v, n);
		if (rc != -E2BIG)
			return rc;
	}
	return acl_ctx_make(fw, &rs->acl[k], v, n);
}

/* Whether ACL rule a matches every packet of its context. */
static bool acl_rule_any(const struct fw_acl_rule *a)
{
	return a->field[FW_F_PROTO].mask_range.u8 == 0 && a->field[FW_F_SRC].mask_range.u32 == 0 &&
	       a->field[FW_F_DST].mask_range.u32 == 0 && a->field[FW_F_SPORT].value.u16 == 0 &&
	       a->field[FW_F_SPORT].mask_range.u16 == 65535 &&
	       a->field[FW_F_DPORT].value.u16 == 0 && a->field[FW_F_DPORT].mask_range.u16 == 65535;
}

/*
 * The result every key gets from a context of rules v[0..n), or FW_RES_WALK
 * when it depends on the key: rte_acl returns the userdata of the matching
 * rule of highest priority (the lowest number), so when the first rule has
 * an expansion that matches anything, that is the answer (no rule: 0).
 */
static uint32_t acl_const_res(const struct fw_acl_rule *v, size_t n)
{
	int32_t top = INT32_MIN;
	for (size_t i = 0; i < n; i++)
		top = RTE_MAX(top, v[i].data.priority);
	for (size_t i = 0; i < n; i++)
		if (v[i].data.priority == top && acl_rule_any(&v[i]))
			return v[i].data.userdata;
	return n == 0 ? 0 : FW_RES_WALK;
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
	if (!rs->uses_state) {
		rs->const_res[0] = acl_const_res(rules->v, rules->n);
		return cls_make(fw, rs, 0, rules->v, rules->n);
	}
	uint16_t named = 0;
	for (size_t i = 0; i < rules->n; i++)
		named |= rules->v[i].field[FW_F_STATE].value.u16;
	struct rte_acl_ctx *shared = NULL;
	struct fw_bv *shared_bv = NULL;
	uint32_t shared_res = 0;
	bool shared_made = false;
	for (unsigned k = 0; k < FW_STATES; k++) {
		uint16_t bit = (uint16_t)(1u << k);
		if (!(named & bit) && shared_made) {
			rs->acl[k] = shared;
			rs->bv[k] = shared_bv;
			rs->const_res[k] = shared_res;
			continue;
		}
		tmp->n = 0;
		for (size_t i = 0; i < rules->n; i++) {
			uint16_t st = rules->v[i].field[FW_F_STATE].value.u16;
			int rc = (st == 0 || st == bit) ? acl_rules_push(tmp, &rules->v[i]) : 0;
			if (rc < 0)
				return rc;
		}
		rs->const_res[k] = acl_const_res(tmp->v, tmp->n);
		int rc = cls_make(fw, rs, k, tmp->v, tmp->n);
		if (rc < 0)
			return rc;
		if (!(named & bit)) {
			shared = rs->acl[k];
			shared_bv = rs->bv[k];
			shared_res = rs->const_res[k];
			shared_made = true;
		}
	}
	return 0;
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

/* rulesets of the set in strcmp order (the spec's is the configuration's) */
static int cmp_spec_name(const void *a, const void *b, void *ctx)
{
	const struct sl_fw_spec *spec = ctx;
	return strcmp(
		spec->rulesets[*(const size_t *)a].name, spec->rulesets[*(const size_t *)b].name);
}

/* Rulesets, their rules and slots, and their compiled ACL contexts; fw_ix[j]
 * gets the set's index of spec ruleset j. */
static int rulesets_build(struct sl_fw *fw, struct sl_fw_set *s, const struct sl_fw_spec *spec,
	uint32_t *fw_ix, struct sl_errors *warn)
{
	struct acl_rules acl_buf = {0}, *acl = &acl_buf, tmp = {0};
	size_t n_sets = spec->n_rulesets, *order = NULL;
	bool *bound = NULL;
	uint32_t slot_cap = 0;
	int rc = 0;

	if (n_sets == 0)
		return 0;
	if (n_sets > FW_RULESETS_MAX)
		return -E2BIG;
	order = malloc(n_sets * sizeof(*order));
	bound = calloc(n_sets, sizeof(*bound));
	s->rulesets = calloc(n_sets, sizeof(*s->rulesets));
	if (order == NULL || bound == NULL || s->rulesets == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < n_sets; j++)
		order[j] = j;
	qsort_r(order, n_sets, sizeof(*order), cmp_spec_name, (void *)spec);
	/* only bound rulesets are consulted: the others are not compiled */
	for (size_t b = 0; b < spec->n_bindings; b++)
		bound[spec->bindings[b].ruleset] = true;
	for (size_t i = 0; i < n_sets && rc == 0; i++) {
		const struct sl_fw_ruleset_spec *rss = &spec->rulesets[order[i]];
		struct fw_ruleset *rs = &s->rulesets[s->n_rulesets++];

		fw_ix[order[i]] = (uint32_t)i;
		snprintf(rs->name, sizeof(rs->name), "%s", rss->name);
		rs->default_action = (uint8_t)rss->default_action;
		rs->first_slot = s->n_slots;
		acl->n = 0;
		for (size_t k = 0; k < rss->n_rules && rc == 0; k++) {
			const struct sl_fw_rule_spec *r = &rss->rules[k];
			if (r->disabled || !r->usable)
				continue;
			uint32_t slot = s->n_slots;
			struct fw_slot sl = {(uint32_t)i, r->number, (uint8_t)r->action};
			rc = slot_push(s, &slot_cap, &sl);
			if (rc == 0)
				rc = rule_expand(r, (uint32_t)i, slot, acl);
			if (r->states != 0)
				rs->uses_state = true;
			if (rc == -E2BIG && warn)
				sl_errors_add(warn, 0,
					"firewall ipv4 name %s rule %u: port lists and states "
					"expand to more than %d classifier rules",
					rs->name, r->number, ACL_RULES_PER_RULE_MAX);
		}
		rs->n_rules = s->n_slots - rs->first_slot;
		s->n_acl_rules += (uint32_t)acl->n;
		if (rc == 0 && bound[order[i]])
			rc = acl_compile(fw, rs, acl, &tmp);
	}
	/* default-action slots after every rule's */
	for (uint32_t i = 0; i < s->n_rulesets && rc == 0; i++) {
		struct fw_slot sl = {i, 0, s->rulesets[i].default_action};
		s->rulesets[i].default_slot = s->n_slots;
		rc = slot_push(s, &slot_cap, &sl);
	}
out:
	free(acl_buf.v);
	free(tmp.v);
	free(order);
	free(bound);
	return rc;
}

static int bindings_build(struct sl_fw_set *s, const struct sl_fw_spec *spec, const uint32_t *fw_ix,
	struct sl_errors *warn)
{
	uint32_t dim = 0;
	size_t n = 0;

	for (size_t i = 0; i < spec->n_bindings; i++) {
		const struct sl_fw_binding_spec *b = &spec->bindings[i];
		if (b->from_vrf < 65536 && b->to_vrf < 65536)
			dim = RTE_MAX(dim, RTE_MAX(b->from_vrf, b->to_vrf) + 1);
	}
	if (dim == 0)
		return 0;
	s->bind = calloc((size_t)dim * dim, sizeof(*s->bind));
	if (s->bind == NULL)
		return -ENOMEM;
	s->bind_dim = dim;
	for (size_t i = 0; i < spec->n_bindings; i++) {
		const struct sl_fw_binding_spec *b = &spec->bindings[i];
		uint32_t rs = fw_ix[b->ruleset];
		if (b->from_vrf >= 65536 || b->to_vrf >= 65536) {
			if (warn)
				sl_errors_add(warn, 0,
					"vrf %s leak-firewall to %s: VRF id beyond 65535; not "
					"enforced",
					b->from, b->to);
			continue;
		}
		n++;
		s->bind[b->from_vrf * dim + b->to_vrf] |= (uint16_t)(rs + 1);
		/* conntrack only matters to rules that match on state */
		if (s->rulesets[rs].uses_state) {
			s->bind[b->from_vrf * dim + b->to_vrf] |= FW_BIND_TRACK;
			s->bind[b->to_vrf * dim + b->from_vrf] |= FW_BIND_TRACK;
			s->tracks = true;
		}
	}
	s->n_bindings = (uint32_t)n;
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

struct sl_fw_set *sl_fw_build(
	struct sl_fw *fw, const struct sl_fw_spec *spec, struct sl_errors *warn)
{
	struct timespec t0, t1;
	uint32_t *fw_ix = NULL;
	int rc;

	if (fw == NULL || spec == NULL) {
		errno = EINVAL;
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sl_fw_set *s = calloc(1, sizeof(*s));
	fw_ix = calloc(spec->n_rulesets ? spec->n_rulesets : 1, sizeof(*fw_ix));
	if (s == NULL || fw_ix == NULL) {
		free(s);
		free(fw_ix);
		errno = ENOMEM;
		return NULL;
	}
	do /* 0 never: an empty verdict word */
		s->gen = ++fw->set_gen & FW_GEN_MASK;
	while (s->gen == 0);
	rc = rulesets_build(fw, s, spec, fw_ix, warn);
	if (rc == 0)
		rc = bindings_build(s, spec, fw_ix, warn);
	if (rc == 0)
		rc = counters_alloc(fw, s);
	if (rc == 0)
		rc = fw_nat_build(s, spec);
	free(fw_ix);
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
