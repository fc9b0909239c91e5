/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_core.c — the firewall object: creation, publishing a compiled set, counters, stats. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fw_priv.h"

struct sl_fw *sl_fw_new(const struct sl_fw_config *cfg)
{
	struct sl_fw *fw;
	int rc;

	if (cfg == NULL) {
		errno = EINVAL;
		return NULL;
	}
	fw = rte_zmalloc_socket("slfw", sizeof(*fw), RTE_CACHE_LINE_SIZE, cfg->socket_id);
	if (fw == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	fw->socket_id = cfg->socket_id;
	fw->qsbr = cfg->qsbr;
	fw->n_lcores = cfg->n_lcores ? cfg->n_lcores : RTE_MAX_LCORE;
	fw->tsc_hz = cfg->tsc_hz ? cfg->tsc_hz : rte_get_tsc_hz();
	fw->bv_max = cfg->bv_rules_max < 0 ? 0
		     : cfg->bv_rules_max == 0
			     ? FW_BV_RULES_DEFAULT
			     : RTE_MIN((uint32_t)cfg->bv_rules_max, FW_BV_RULES_LIMIT);
	fw->lstats = rte_zmalloc_socket("slfw_lstats", sizeof(*fw->lstats) * fw->n_lcores,
		RTE_CACHE_LINE_SIZE, cfg->socket_id);
	if (fw->lstats == NULL) {
		rte_free(fw);
		errno = ENOMEM;
		return NULL;
	}
	rc = fw_ct_init(fw, cfg);
	if (rc == 0)
		rc = fw_nat_init(fw, cfg);
	if (rc < 0) {
		fw_ct_fini(fw);
		fw_nat_fini(fw);
		rte_free(fw->lstats);
		rte_free(fw);
		errno = -rc;
		return NULL;
	}
	return fw;
}

void fw_set_destroy(struct sl_fw_set *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; s->rulesets != NULL && i < s->n_rulesets; i++) {
		struct rte_acl_ctx **acl = s->rulesets[i].acl;
		struct fw_bv **bv = s->rulesets[i].bv;
		for (unsigned k = 0; k < FW_STATES; k++) {
			bool shared = false; /* states no rule names share one context */
			for (unsigned j = 0; j < k; j++)
				shared |= acl[j] == acl[k] && bv[j] == bv[k];
			if (!shared) {
				rte_acl_free(acl[k]);
				fw_bv_free(bv[k]);
			}
		}
	}
	free(s->pools);
	free(s->pool_key);
	free(s->pool_ix);
	free(s->bind);
	free(s->rulesets);
	free(s->slots);
	rte_free(s->counts);
	free(s->base);
	free(s);
}

void sl_fw_set_free(struct sl_fw_set *set)
{
	fw_set_destroy(set);
}

void sl_fw_free(struct sl_fw *fw)
{
	if (fw == NULL)
		return;
	fw_set_destroy(fw->active);
	fw_ct_fini(fw);
	fw_nat_fini(fw);
	rte_free(fw->lstats);
	rte_free(fw);
}

/* Total of slot over the lcores, plus its base. */
static struct fw_count slot_total(const struct sl_fw_set *s, uint32_t slot)
{
	struct fw_count t = s->base[slot];
	for (uint32_t l = 0; l < s->n_lcores; l++) {
		const struct fw_count *c = &s->counts[(size_t)l * s->slot_stride + slot];
		t.packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
		t.bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
	}
	return t;
}

static int slot_find(const struct sl_fw_set *s, const char *name, uint32_t number)
{
	for (uint32_t i = 0; i < s->n_rulesets; i++) {
		const struct fw_ruleset *rs = &s->rulesets[i];
		if (strcmp(rs->name, name) != 0)
			continue;
		if (number == 0)
			return (int)rs->default_slot;
		for (uint32_t k = 0; k < rs->n_rules; k++)
			if (s->slots[rs->first_slot + k].number == number)
				return (int)(rs->first_slot + k);
		return -ENOENT;
	}
	return -ENOENT;
}

/* Counters survive a rebuild for every (ruleset, rule number) that remains. */
static void counters_carry(const struct sl_fw_set *old, struct sl_fw_set *cur)
{
	for (uint32_t i = 0; i < cur->n_slots; i++) {
		const struct fw_slot *sl = &cur->slots[i];
		int o = slot_find(old, cur->rulesets[sl->ruleset].name, sl->number);
		if (o >= 0)
			cur->base[i] = slot_total(old, (uint32_t)o);
	}
}

int sl_fw_publish(struct sl_fw *fw, struct sl_fw_set *set)
{
	struct sl_fw_set *old;

	if (fw == NULL)
		return -EINVAL;
	old = __atomic_exchange_n(&fw->active, set, __ATOMIC_ACQ_REL);
	if (fw->qsbr != NULL)
		rte_rcu_qsbr_synchronize(fw->qsbr, RTE_QSBR_THRID_INVALID);
	if (old != NULL && set != NULL)
		counters_carry(old, set);
	fw_set_destroy(old);
	fw_nat_prune(fw, set);
	return 0;
}

int sl_fw_rule_counters(const struct sl_fw *fw, const char *name, uint32_t number,
	uint64_t *packets, uint64_t *bytes)
{
	const struct sl_fw_set *s = fw ? fw->active : NULL;
	if (s == NULL || name == NULL)
		return -ENOENT;
	int slot = slot_find(s, name, number);
	if (slot < 0)
		return slot;
	struct fw_count t = slot_total(s, (uint32_t)slot);
	if (packets)
		*packets = t.packets;
	if (bytes)
		*bytes = t.bytes;
	return 0;
}

int sl_fw_ruleset_classifiers(const struct sl_fw *fw, const char *name)
{
	const struct sl_fw_set *s = fw ? fw->active : NULL;
	for (uint32_t i = 0; s != NULL && name != NULL && i < s->n_rulesets; i++) {
		const struct fw_ruleset *rs = &s->rulesets[i];
		if (strcmp(rs->name, name) != 0)
			continue;
		int cls = 0;
		for (unsigned k = 0; k < FW_STATES; k++)
			cls |= (rs->bv[k] != NULL ? SL_FW_CLS_BV : 0) |
			       (rs->acl[k] != NULL ? SL_FW_CLS_ACL : 0);
		return cls;
	}
	return -ENOENT;
}

size_t sl_fw_denied_foreach(const struct sl_fw *fw,
	void (*cb)(const char *ruleset, uint64_t packets, void *ctx), void *ctx)
{
	const struct sl_fw_set *s = fw ? fw->active : NULL;
	if (s == NULL)
		return 0;
	for (uint32_t r = 0; r < s->n_rulesets; r++) {
		uint64_t denied = 0;
		for (uint32_t i = 0; i < s->n_slots; i++)
			if (s->slots[i].ruleset == r && s->slots[i].action != SL_FW_ACCEPT)
				denied += slot_total(s, i).packets;
		cb(s->rulesets[r].name, denied, ctx);
	}
	return s->n_rulesets;
}

static void lstats_sum(const struct sl_fw *fw, struct fw_lstats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (uint32_t l = 0; l < fw->n_lcores; l++) {
		const struct fw_lstats *x = &fw->lstats[l];
		sum->checked += x->checked;
		sum->classified += x->classified;
		sum->accepted += x->accepted;
		sum->dropped += x->dropped;
		sum->rejected += x->rejected;
		sum->unguarded += x->unguarded;
		sum->ct_created += x->ct_created;
		sum->ct_hits += x->ct_hits;
		sum->ct_related += x->ct_related;
		sum->ct_full += x->ct_full;
		sum->nat_out += x->nat_out;
		sum->nat_in += x->nat_in;
		sum->nat_created += x->nat_created;
		sum->nat_exhausted += x->nat_exhausted;
		sum->nat_full += x->nat_full;
		sum->nat_no_flow += x->nat_no_flow;
		sum->nat_untranslatable += x->nat_untranslatable;
		sum->nat_icmp_unmatched += x->nat_icmp_unmatched;
		sum->ct_line_hits += x->ct_line_hits;
		sum->nat_line_hits += x->nat_line_hits;
	}
}

void sl_fw_counters_clear(struct sl_fw *fw)
{
	struct sl_fw_set *s = fw->active;
	if (s != NULL) {
		for (uint32_t i = 0; i < s->n_slots; i++) {
			struct fw_count zero = {0, 0}, t;
			s->base[i] = zero;
			t = slot_total(s, i);
			/* base = −(per-lcore sum): unsigned wrap-around gives 0 totals */
			s->base[i].packets = 0 - t.packets;
			s->base[i].bytes = 0 - t.bytes;
		}
	}
	lstats_sum(fw, &fw->lstats_cleared);
	fw->ct_reap.expired_cleared = fw->ct_reap.expired;
	fw->nat_reap.expired_cleared = fw->nat_reap.expired;
	fw->nat_flushed_cleared = fw->nat_flushed;
}

void sl_fw_stats_get(const struct sl_fw *fw, struct sl_fw_stats *st)
{
	struct fw_lstats sum;
	const struct fw_lstats *c = &fw->lstats_cleared;
	const struct sl_fw_set *s = fw->active;

	memset(st, 0, sizeof(*st));
	lstats_sum(fw, &sum);
	st->checked = sum.checked - c->checked;
	st->classified = sum.classified - c->classified;
	st->accepted = sum.accepted - c->accepted;
	st->dropped = sum.dropped - c->dropped;
	st->rejected = sum.rejected - c->rejected;
	st->unguarded = sum.unguarded - c->unguarded;
	st->ct_created = sum.ct_created - c->ct_created;
	st->ct_hits = sum.ct_hits - c->ct_hits;
	st->ct_related = sum.ct_related - c->ct_related;
	st->ct_full = sum.ct_full - c->ct_full;
	st->ct_line_hits = sum.ct_line_hits - c->ct_line_hits;
	st->nat_line_hits = sum.nat_line_hits - c->nat_line_hits;
	st->ct_expired = fw->ct_reap.expired - fw->ct_reap.expired_cleared;
	st->ct_entries = __atomic_load_n(&fw->ct_count, __ATOMIC_RELAXED) - fw->ct_reap.n;
	st->ct_max = fw->ct_max;
	st->nat_out = sum.nat_out - c->nat_out;
	st->nat_in = sum.nat_in - c->nat_in;
	st->nat_created = sum.nat_created - c->nat_created;
	st->nat_exhausted = sum.nat_exhausted - c->nat_exhausted;
	st->nat_full = sum.nat_full - c->nat_full;
	st->nat_no_flow = sum.nat_no_flow - c->nat_no_flow;
	st->nat_untranslatable = sum.nat_untranslatable - c->nat_untranslatable;
	st->nat_icmp_unmatched = sum.nat_icmp_unmatched - c->nat_icmp_unmatched;
	st->nat_expired = fw->nat_reap.expired - fw->nat_reap.expired_cleared;
	st->nat_flushed = fw->nat_flushed - fw->nat_flushed_cleared;
	st->nat_entries = fw->nat_max - fw->n_nat_free - fw->nat_reap.n;
	st->nat_max = fw->nat_max;
	if (s != NULL) {
		st->rulesets = s->n_rulesets;
		st->rules = s->n_slots - s->n_rulesets;
		st->acl_rules = s->n_acl_rules;
		st->bindings = s->n_bindings;
		st->nat_pools = s->n_pools;
	}
	st->build_ns = fw->build_ns;
}

const char *sl_fw_binding(const struct sl_fw *fw, uint32_t from_vrf, uint32_t to_vrf)
{
	const struct sl_fw_set *s = fw ? fw->active : NULL;
	if (s == NULL || from_vrf >= s->bind_dim || to_vrf >= s->bind_dim)
		return NULL;
	uint16_t b = s->bind[from_vrf * s->bind_dim + to_vrf] & FW_BIND_RS_MASK;
	return b ? s->rulesets[b - 1].name : NULL;
}
