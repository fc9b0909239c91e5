/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reference index: for each referenced name (a VRF, an interface, a policy),
 * the list of value nodes that name it. It lets validation answer "who still
 * uses VRF X?" without walking a million routes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

static uint32_t key_hash(enum conf_ref kind, const char *name)
{
	return conf_hash(name) ^ ((uint32_t)kind * 0x9e3779b9u);
}

static struct conf_ref_head **find_slot(
	const struct conf_refs *r, enum conf_ref kind, const char *name)
{
	uint32_t mask = r->cap - 1;

	for (uint32_t i = key_hash(kind, name) & mask;; i = (i + 1) & mask) {
		struct conf_ref_head *h = r->slot[i];
		if (h == NULL || (h->kind == kind && strcmp(h->name, name) == 0))
			return &r->slot[i];
	}
}

struct conf_ref_head *conf_refs_get(const struct conf_refs *r, enum conf_ref kind, const char *name)
{
	if (r->cap == 0)
		return NULL;
	return *find_slot(r, kind, name);
}

static int grow(struct conf_refs *r)
{
	uint32_t cap = r->cap ? r->cap * 2 : 64;
	struct conf_ref_head **old = r->slot;
	uint32_t oldcap = r->cap;

	r->slot = calloc(cap, sizeof(*r->slot));
	if (r->slot == NULL) {
		r->slot = old;
		return -ENOMEM;
	}
	r->cap = cap;
	for (uint32_t i = 0; i < oldcap; i++)
		if (old[i])
			*find_slot(r, old[i]->kind, old[i]->name) = old[i];
	free(old);
	return 0;
}

static int add_one(struct conf_refs *r, struct sl_conf_node *n)
{
	enum conf_ref kind = n->schema->type->ref;
	struct conf_ref_head **slot, *h;

	if ((r->n + 1) * 2 > r->cap && grow(r) < 0)
		return -ENOMEM;
	slot = find_slot(r, kind, n->name);
	if (*slot == NULL) {
		size_t len = strlen(n->name);
		h = calloc(1, sizeof(*h) + len + 1);
		if (h == NULL)
			return -ENOMEM;
		h->kind = kind;
		memcpy(h->name, n->name, len + 1);
		*slot = h;
		r->n++;
	}
	h = *slot;
	n->ref_prev = NULL;
	n->ref_next = h->first;
	if (h->first)
		h->first->ref_prev = n;
	h->first = n;
	return 0;
}

static bool is_ref(const struct sl_conf_node *n)
{
	return n->is_value && n->schema->type && n->schema->type->ref != CONF_REF_NONE;
}

int conf_refs_add_tree(struct conf_refs *r, struct sl_conf_node *n)
{
	sl_progress(); /* a node each: a VRF's subtree can hold 1M routes */
	if (is_ref(n) && add_one(r, n) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < n->kids.cap; i++)
		if (conf_kid(n, i) && conf_refs_add_tree(r, conf_kid(n, i)) < 0)
			return -ENOMEM;
	return 0;
}

void conf_refs_del_tree(struct conf_refs *r, struct sl_conf_node *n)
{
	sl_progress(); /* a node each: a VRF's subtree can hold 1M routes */
	if (is_ref(n)) {
		struct conf_ref_head *h = conf_refs_get(r, n->schema->type->ref, n->name);
		if (h) {
			if (n->ref_prev)
				n->ref_prev->ref_next = n->ref_next;
			else if (h->first == n)
				h->first = n->ref_next;
			if (n->ref_next)
				n->ref_next->ref_prev = n->ref_prev;
		}
		n->ref_prev = n->ref_next = NULL;
	}
	for (uint32_t i = 0; i < n->kids.cap; i++)
		if (conf_kid(n, i))
			conf_refs_del_tree(r, conf_kid(n, i));
}

void conf_refs_free(struct conf_refs *r)
{
	for (uint32_t i = 0; i < r->cap; i++)
		free(r->slot[i]);
	free(r->slot);
	r->slot = NULL;
	r->cap = r->n = 0;
}

const struct sl_conf_node *conf_rmap_applier(const struct sl_conf *c, const char *name)
{
	/* only `route-map vpn import|export` values name route-maps */
	const struct conf_ref_head *h = conf_refs_get(&c->refs, CONF_REF_ROUTE_MAP, name);
	return h ? h->first : NULL;
}

const struct sl_conf_node *conf_plist_user(const struct sl_conf *c, const char *name)
{
	/* only `policy route-map RM rule N match ip address prefix-list PL` names
	 * prefix-lists: up from the value, PL prefix-list address ip match N rule RM */
	const struct conf_ref_head *h = conf_refs_get(&c->refs, CONF_REF_PREFIX_LIST, name);

	for (const struct sl_conf_node *u = h ? h->first : NULL; u; u = u->ref_next) {
		const struct sl_conf_node *rm = CONF_RMAP_OF_MATCH(u);
		if (rm && conf_rmap_applier(c, rm->name) != NULL)
			return rm;
	}
	return NULL;
}
