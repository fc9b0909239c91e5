/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_policy.h — prefix-lists and route-maps (VyOS/FRR semantics).
 * Plain C, no DPDK.
 *
 * Prefix-list: rules in ascending sequence; the first rule that matches
 * decides; no match is an implicit deny. A rule without a prefix matches
 * every prefix. With a prefix P/L: without ge/le the route must be exactly
 * P/L; with ge and/or le the route must lie inside P/L and its length must be
 * in [ge or L, le or 32].
 *
 * Route-map: rules in ascending sequence; the first rule whose match clauses
 * all match decides (a rule without match clauses matches everything);
 * permit applies the rule's set clauses; no match is an implicit deny.
 * A match on an undefined prefix-list matches nothing.
 */
#ifndef SL_POLICY_H
#define SL_POLICY_H

#include "sl_types.h"

enum sl_action {
	SL_ACTION_NONE = 0, /* not configured: treated as deny for evaluation */
	SL_ACTION_PERMIT,
	SL_ACTION_DENY,
};

struct sl_plist_rule {
	uint32_t seq;
	bool has_prefix;
	struct sl_prefix prefix;
	uint8_t ge; /* 0: not set */
	uint8_t le; /* 0: not set */
	enum sl_action action;
};

struct sl_plist {
	char name[SL_NAME_MAX];
	struct sl_plist_rule *rules; /* ascending seq */
	size_t n_rules;
};

struct sl_rmap_rule {
	uint32_t seq;
	enum sl_action action;
	char match_plist[SL_NAME_MAX]; /* "" = no match clause */
	bool set_local_pref;
	uint32_t local_pref;
	bool set_metric;
	uint32_t metric;
};

struct sl_rmap {
	char name[SL_NAME_MAX];
	struct sl_rmap_rule *rules; /* ascending seq */
	size_t n_rules;
};

/* Attributes a route-map may change. */
struct sl_route_attrs {
	uint32_t local_pref; /* default 100 */
	uint32_t metric;
};

/* Why a policy decided as it did, for the leak audit. */
struct sl_policy_verdict {
	enum sl_action action; /* PERMIT or DENY */
	uint32_t seq; /* the deciding rule; 0 = implicit deny (no rule matched) */
};

/* A named store of prefix-lists and route-maps. */
struct sl_policy_db;

struct sl_policy_db *sl_policy_db_new(void); /* NULL, errno=ENOMEM */
void sl_policy_db_free(struct sl_policy_db *db);

/* Insert or replace (deep copy; rules are sorted by seq). 0 or -ENOMEM. */
int sl_policy_plist_set(struct sl_policy_db *db, const struct sl_plist *pl);
int sl_policy_rmap_set(struct sl_policy_db *db, const struct sl_rmap *rm);
/* Remove by name. 0 or -ENOENT. */
int sl_policy_plist_del(struct sl_policy_db *db, const char *name);
int sl_policy_rmap_del(struct sl_policy_db *db, const char *name);

/* NULL when absent. Pointers are valid until the next set/del of that name. */
const struct sl_plist *sl_policy_plist_find(const struct sl_policy_db *db, const char *name);
const struct sl_rmap *sl_policy_rmap_find(const struct sl_policy_db *db, const char *name);

/* Does route-map rm reference prefix-list name? (to know what a change affects) */
bool sl_policy_rmap_uses_plist(const struct sl_rmap *rm, const char *plist);

/* Evaluate a prefix-list against prefix p. */
struct sl_policy_verdict sl_plist_eval(const struct sl_plist *pl, struct sl_prefix p);

/*
 * Evaluate route-map rm (plists resolved in db) for prefix p. On permit the
 * rule's set clauses are applied to *attrs; on deny *attrs is unchanged.
 */
struct sl_policy_verdict sl_rmap_eval(const struct sl_policy_db *db, const struct sl_rmap *rm,
	struct sl_prefix p, struct sl_route_attrs *attrs);

/* Iterate names in sorted order (for show). cb returns non-zero to stop. */
void sl_policy_plist_foreach(
	const struct sl_policy_db *db, int (*cb)(const struct sl_plist *pl, void *ctx), void *ctx);
void sl_policy_rmap_foreach(
	const struct sl_policy_db *db, int (*cb)(const struct sl_rmap *rm, void *ctx), void *ctx);

#endif
