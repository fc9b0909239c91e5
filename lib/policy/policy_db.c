/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The named store of prefix-lists and route-maps: two arrays of pointers
 * sorted by name, so lookups are binary searches and iteration is in name
 * order. Objects are deep copies owned by the store.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_policy.h"

/* A sorted array of owned objects, each starting with its name. */
struct named_vec {
	void **v;
	size_t n, cap;
};

struct sl_policy_db {
	struct named_vec plists;
	struct named_vec rmaps;
};

struct sl_policy_db *sl_policy_db_new(void)
{
	struct sl_policy_db *db = calloc(1, sizeof(*db));
	if (db == NULL)
		errno = ENOMEM;
	return db;
}

static void plist_free(struct sl_plist *pl)
{
	if (pl) {
		free(pl->rules);
		free(pl);
	}
}

static void rmap_free(struct sl_rmap *rm)
{
	if (rm) {
		free(rm->rules);
		free(rm);
	}
}

void sl_policy_db_free(struct sl_policy_db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->plists.n; i++)
		plist_free(db->plists.v[i]);
	for (size_t i = 0; i < db->rmaps.n; i++)
		rmap_free(db->rmaps.v[i]);
	free(db->plists.v);
	free(db->rmaps.v);
	free(db);
}

/* Index of name, or the insertion point with *found false. Names lead both
 * struct sl_plist and struct sl_rmap. */
static size_t vec_search(const struct named_vec *vec, const char *name, bool *found)
{
	size_t lo = 0, hi = vec->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((const char *)vec->v[mid], name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Store obj under its name; returns the replaced object (to free) or NULL. */
static int vec_put(struct named_vec *vec, void *obj, void **old)
{
	bool found;
	size_t i = vec_search(vec, (const char *)obj, &found);

	*old = NULL;
	if (found) {
		*old = vec->v[i];
		vec->v[i] = obj;
		return 0;
	}
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		void **v = realloc(vec->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	memmove(&vec->v[i + 1], &vec->v[i], (vec->n - i) * sizeof(*vec->v));
	vec->v[i] = obj;
	vec->n++;
	return 0;
}

static void *vec_take(struct named_vec *vec, const char *name)
{
	bool found;
	size_t i = vec_search(vec, name, &found);
	void *obj;

	if (!found)
		return NULL;
	obj = vec->v[i];
	memmove(&vec->v[i], &vec->v[i + 1], (vec->n - i - 1) * sizeof(*vec->v));
	vec->n--;
	return obj;
}

static int cmp_plist_rule(const void *a, const void *b)
{
	uint32_t x = ((const struct sl_plist_rule *)a)->seq,
		 y = ((const struct sl_plist_rule *)b)->seq;
	return x < y ? -1 : x > y;
}

static int cmp_rmap_rule(const void *a, const void *b)
{
	uint32_t x = ((const struct sl_rmap_rule *)a)->seq,
		 y = ((const struct sl_rmap_rule *)b)->seq;
	return x < y ? -1 : x > y;
}

int sl_policy_plist_set(struct sl_policy_db *db, const struct sl_plist *pl)
{
	struct sl_plist *copy;
	void *old;

	if (db == NULL || pl == NULL || (pl->n_rules && pl->rules == NULL))
		return -EINVAL;
	copy = calloc(1, sizeof(*copy));
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy->name, pl->name, SL_NAME_MAX);
	copy->name[SL_NAME_MAX - 1] = '\0';
	if (pl->n_rules) {
		copy->rules = malloc(pl->n_rules * sizeof(*copy->rules));
		if (copy->rules == NULL) {
			free(copy);
			return -ENOMEM;
		}
		memcpy(copy->rules, pl->rules, pl->n_rules * sizeof(*copy->rules));
		copy->n_rules = pl->n_rules;
		qsort(copy->rules, copy->n_rules, sizeof(*copy->rules), cmp_plist_rule);
	}
	if (vec_put(&db->plists, copy, &old) < 0) {
		plist_free(copy);
		return -ENOMEM;
	}
	plist_free(old);
	return 0;
}

int sl_policy_rmap_set(struct sl_policy_db *db, const struct sl_rmap *rm)
{
	struct sl_rmap *copy;
	void *old;

	if (db == NULL || rm == NULL || (rm->n_rules && rm->rules == NULL))
		return -EINVAL;
	copy = calloc(1, sizeof(*copy));
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy->name, rm->name, SL_NAME_MAX);
	copy->name[SL_NAME_MAX - 1] = '\0';
	if (rm->n_rules) {
		copy->rules = malloc(rm->n_rules * sizeof(*copy->rules));
		if (copy->rules == NULL) {
			free(copy);
			return -ENOMEM;
		}
		memcpy(copy->rules, rm->rules, rm->n_rules * sizeof(*copy->rules));
		copy->n_rules = rm->n_rules;
		qsort(copy->rules, copy->n_rules, sizeof(*copy->rules), cmp_rmap_rule);
		for (size_t i = 0; i < copy->n_rules; i++)
			copy->rules[i].match_plist[SL_NAME_MAX - 1] = '\0';
	}
	if (vec_put(&db->rmaps, copy, &old) < 0) {
		rmap_free(copy);
		return -ENOMEM;
	}
	rmap_free(old);
	return 0;
}

int sl_policy_plist_del(struct sl_policy_db *db, const char *name)
{
	struct sl_plist *pl = (db && name) ? vec_take(&db->plists, name) : NULL;
	if (pl == NULL)
		return -ENOENT;
	plist_free(pl);
	return 0;
}

int sl_policy_rmap_del(struct sl_policy_db *db, const char *name)
{
	struct sl_rmap *rm = (db && name) ? vec_take(&db->rmaps, name) : NULL;
	if (rm == NULL)
		return -ENOENT;
	rmap_free(rm);
	return 0;
}

const struct sl_plist *sl_policy_plist_find(const struct sl_policy_db *db, const char *name)
{
	bool found;
	size_t i;

	if (db == NULL || name == NULL)
		return NULL;
	i = vec_search(&db->plists, name, &found);
	return found ? db->plists.v[i] : NULL;
}

const struct sl_rmap *sl_policy_rmap_find(const struct sl_policy_db *db, const char *name)
{
	bool found;
	size_t i;

	if (db == NULL || name == NULL)
		return NULL;
	i = vec_search(&db->rmaps, name, &found);
	return found ? db->rmaps.v[i] : NULL;
}

void sl_policy_plist_foreach(
	const struct sl_policy_db *db, int (*cb)(const struct sl_plist *pl, void *ctx), void *ctx)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->plists.n; i++)
		if (cb(db->plists.v[i], ctx) != 0)
			return;
}

void sl_policy_rmap_foreach(
	const struct sl_policy_db *db, int (*cb)(const struct sl_rmap *rm, void *ctx), void *ctx)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->rmaps.n; i++)
		if (cb(db->rmaps.v[i], ctx) != 0)
			return;
}
