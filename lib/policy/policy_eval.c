/* SPDX-License-Identifier: BSD-3-Clause */
/* Prefix-list and route-map evaluation (VyOS/FRR semantics, see sl_policy.h). */
#include <string.h>

#include "sl_policy.h"

static enum sl_action decided(enum sl_action a)
{
	/* An unconfigured action never admits a route. */
	return a == SL_ACTION_PERMIT ? SL_ACTION_PERMIT : SL_ACTION_DENY;
}

static bool plist_rule_matches(const struct sl_plist_rule *r, struct sl_prefix p)
{
	uint8_t min, max;

	if (!r->has_prefix)
		return true;
	if (!sl_prefix_contains(r->prefix, p))
		return false;
	if (r->ge == 0 && r->le == 0)
		return p.len == r->prefix.len;
	min = r->ge ? r->ge : r->prefix.len;
	max = r->le ? r->le : 32;
	return p.len >= min && p.len <= max;
}

struct sl_policy_verdict sl_plist_eval(const struct sl_plist *pl, struct sl_prefix p)
{
	struct sl_policy_verdict v = {SL_ACTION_DENY, 0};

	if (pl == NULL)
		return v;
	for (size_t i = 0; i < pl->n_rules; i++) {
		if (plist_rule_matches(&pl->rules[i], p)) {
			v.action = decided(pl->rules[i].action);
			v.seq = pl->rules[i].seq;
			return v;
		}
	}
	return v;
}

struct sl_policy_verdict sl_rmap_eval(const struct sl_policy_db *db, const struct sl_rmap *rm,
	struct sl_prefix p, struct sl_route_attrs *attrs)
{
	struct sl_policy_verdict v = {SL_ACTION_DENY, 0};

	if (rm == NULL)
		return v;
	for (size_t i = 0; i < rm->n_rules; i++) {
		const struct sl_rmap_rule *r = &rm->rules[i];
		if (r->match_plist[0] != '\0') {
			const struct sl_plist *pl =
				db ? sl_policy_plist_find(db, r->match_plist) : NULL;
			/* an undefined prefix-list matches nothing */
			if (pl == NULL || sl_plist_eval(pl, p).action != SL_ACTION_PERMIT)
				continue;
		}
		v.action = decided(r->action);
		v.seq = r->seq;
		if (v.action == SL_ACTION_PERMIT && attrs != NULL) {
			if (r->set_local_pref)
				attrs->local_pref = r->local_pref;
			if (r->set_metric)
				attrs->metric = r->metric;
		}
		return v;
	}
	return v;
}

bool sl_policy_rmap_uses_plist(const struct sl_rmap *rm, const char *plist)
{
	if (rm == NULL || plist == NULL)
		return false;
	for (size_t i = 0; i < rm->n_rules; i++)
		if (strcmp(rm->rules[i].match_plist, plist) == 0)
			return true;
	return false;
}
