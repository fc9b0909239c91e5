/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tree nodes. Children live in an open-addressing hash table (linear probing,
 * backward-shift deletion) so that a node with a million children (routes)
 * finds, adds and removes one in O(1); order is imposed only when rendering.
 * A node with a single child keeps it without a table (struct conf_children).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

uint32_t conf_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a, then a final mix for the low bits */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

static size_t node_size(size_t len)
{
	return sizeof(struct sl_conf_node) + len + 1;
}

struct sl_conf_node *conf_node_new(
	struct conf_pool *p, const char *name, const struct conf_schema *schema, bool is_value)
{
	size_t len = strlen(name);
	struct sl_conf_node *n = conf_pool_alloc(p, node_size(len));

	if (n == NULL)
		return NULL;
	memcpy(n->name, name, len + 1);
	n->schema = schema;
	n->is_value = is_value;
	n->hash = conf_hash(name);
	return n;
}

static inline uint32_t slot_key(uint32_t hash)
{
	return hash | 0x80000000u;
}

struct sl_conf_node *conf_node_child(const struct sl_conf_node *n, const char *name)
{
	uint32_t key, mask, i;

	if (n == NULL || n->kids.n == 0)
		return NULL;
	if (n->kids.cap == 1) {
		const struct sl_conf_node *c = n->kids.one;
		return c->hash == conf_hash(name) && strcmp(c->name, name) == 0 ? n->kids.one
										: NULL;
	}
	key = slot_key(conf_hash(name));
	mask = n->kids.cap - 1;
	for (i = key & mask; n->kids.slot[i].key; i = (i + 1) & mask)
		if (n->kids.slot[i].key == key && strcmp(n->kids.slot[i].node->name, name) == 0)
			return n->kids.slot[i].node;
	return NULL;
}

static void slot_put(struct conf_children *k, struct sl_conf_node *c)
{
	uint32_t key = slot_key(c->hash), i;

	for (i = key & (k->cap - 1); k->slot[i].key; i = (i + 1) & (k->cap - 1))
		;
	k->slot[i] = (struct conf_slot){key, c};
}

/* The table of a node with more than one child (none when cap <= 1). */
static void table_free(struct conf_pool *p, struct conf_children *k)
{
	if (k->cap > 1)
		conf_pool_free(p, k->slot, k->cap * sizeof(*k->slot));
}

int conf_node_attach(struct conf_pool *p, struct sl_conf_node *parent, struct sl_conf_node *child)
{
	struct conf_children *k = &parent->kids;

	if (k->cap == 0) {
		k->one = child;
		k->cap = k->n = 1;
		child->parent = parent;
		return 0;
	}
	/* keep the load under 3/4 */
	if (k->cap == 1 || (k->n + 1) * 4 > k->cap * 3) {
		struct conf_children grown = {.cap = k->cap > 1 ? k->cap * 2 : 4, .n = k->n};

		/* from the pool too: a small table lands beside its node */
		grown.slot = conf_pool_alloc(p, grown.cap * sizeof(*grown.slot));
		if (grown.slot == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i < k->cap; i++) {
			if ((i & 63) == 0)
				sl_progress(); /* a node of 1M routes would rehash in one go */
			if (conf_kid(parent, i) != NULL)
				slot_put(&grown, conf_kid(parent, i));
		}
		table_free(p, k);
		*k = grown;
	}
	slot_put(k, child);
	k->n++;
	child->parent = parent;
	return 0;
}

/* Back to no table when one child is left of a small table (a route's next
 * hops going from two to one); a big table stays until it is empty. */
static void table_shrink(struct conf_pool *p, struct conf_children *k)
{
	struct sl_conf_node *last = NULL;

	if (k->n != 1 || k->cap > 16)
		return;
	for (uint32_t i = 0; last == NULL; i++)
		last = k->slot[i].node;
	table_free(p, k);
	k->one = last;
	k->cap = 1;
}

void conf_node_detach(struct conf_pool *p, struct sl_conf_node *child)
{
	struct sl_conf_node *parent = child->parent;
	struct conf_children *k;
	uint32_t mask, i, j;

	if (parent == NULL)
		return;
	if (child->memo) {
		/* the memo is a chain: what follows child is child's subtree */
		for (int m = 0; m < p->memo.n; m++)
			if (p->memo.v[m] == child) {
				p->memo.n = m;
				break;
			}
		child->memo = false;
	}
	k = &parent->kids;
	child->parent = NULL;
	if (k->cap == 1) {
		*k = (struct conf_children){0};
		return;
	}
	mask = k->cap - 1;
	for (i = slot_key(child->hash) & mask; k->slot[i].node != child; i = (i + 1) & mask)
		;
	/* backward-shift: move later members of the probe run into the hole */
	j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (k->slot[j].key == 0)
			break;
		uint32_t home = k->slot[j].key & mask;
		/* can slot j's entry move to hole i? only if home is not in (i, j] cyclically */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			k->slot[i] = k->slot[j];
			i = j;
		}
	}
	k->slot[i] = (struct conf_slot){0};
	k->n--;
	if (k->n == 0) {
		table_free(p, k);
		*k = (struct conf_children){0};
	} else {
		table_shrink(p, k);
	}
}

void conf_node_free(struct conf_pool *p, struct sl_conf_node *n)
{
	if (n != NULL)
		conf_pool_free(p, n, node_size(strlen(n->name)));
}

void conf_node_free_tree(struct conf_pool *p, struct sl_conf_node *n)
{
	if (n == NULL)
		return;
	sl_progress(); /* a node each: a deleted VRF can hold 1M routes */
	for (uint32_t i = 0; i < n->kids.cap; i++)
		if (conf_kid(n, i) != NULL)
			conf_node_free_tree(p, conf_kid(n, i));
	table_free(p, &n->kids);
	conf_node_free(p, n);
}

const struct conf_schema *conf_node_child_schema_parent(const struct sl_conf_node *n)
{
	if (n->parent == NULL)
		return conf_schema_root();
	/* a tag value's children are the tag's keyword children; a keyword's are its own */
	if (n->is_value)
		return n->schema->kind == CONF_TAG ? n->schema : NULL;
	return n->schema->kind == CONF_TAG ? NULL : n->schema;
}

void conf_node_path(const struct sl_conf_node *n, char *buf, size_t size)
{
	const struct sl_conf_node *chain[CONF_MAX_TOKENS];
	size_t depth = 0, off = 0;

	buf[0] = '\0';
	for (; n && n->parent && depth < CONF_MAX_TOKENS; n = n->parent)
		chain[depth++] = n;
	while (depth-- > 0 && off < size)
		off += (size_t)snprintf(
			buf + off, size - off, "%s%s", off ? " " : "", chain[depth]->name);
}

int conf_node_cmp_canonical(const struct sl_conf_node *a, const struct sl_conf_node *b)
{
	/* keywords (schema order) before values (natural order of their type) */
	if (a->is_value != b->is_value)
		return a->is_value ? 1 : -1;
	if (!a->is_value) {
		const struct conf_schema *p = conf_node_child_schema_parent(a->parent);
		return conf_schema_index(p, a->schema) - conf_schema_index(p, b->schema);
	}
	if (a->schema->type && a->schema->type->cmp)
		return a->schema->type->cmp(a->name, b->name);
	return strcmp(a->name, b->name);
}

/* ---- public read access ---- */

const struct sl_conf_node *sl_conf_root(const struct sl_conf *conf)
{
	return conf->root;
}

const struct sl_conf_node *sl_conf_find(
	const struct sl_conf *conf, const char *const *path, size_t n)
{
	const struct sl_conf_node *node = conf->root;

	for (size_t i = 0; i < n && node; i++)
		node = conf_node_child(node, path[i]);
	return node;
}

const struct sl_conf_node *sl_conf_findv(const struct sl_conf *conf, ...)
{
	const struct sl_conf_node *node = conf->root;
	const char *tok;
	va_list ap;

	va_start(ap, conf);
	while (node && (tok = va_arg(ap, const char *)) != NULL)
		node = conf_node_child(node, tok);
	va_end(ap);
	return node;
}

const struct sl_conf_node *sl_conf_child(const struct sl_conf_node *node, const char *name)
{
	return conf_node_child(node, name);
}

const char *sl_conf_node_name(const struct sl_conf_node *node)
{
	return node->name;
}

const struct sl_conf_node *sl_conf_node_parent(const struct sl_conf_node *node)
{
	return node->parent;
}

size_t sl_conf_child_count(const struct sl_conf_node *node)
{
	return node ? node->kids.n : 0;
}

const struct sl_conf_node *sl_conf_child_next(const struct sl_conf_node *node, size_t *cursor)
{
	if (node == NULL)
		return NULL;
	while (*cursor < node->kids.cap) {
		const struct sl_conf_node *c = conf_kid(node, (uint32_t)(*cursor)++);
		if (c)
			return c;
	}
	return NULL;
}

static int cmp_nodes(const void *a, const void *b)
{
	return conf_node_cmp_canonical(
		*(const struct sl_conf_node *const *)a, *(const struct sl_conf_node *const *)b);
}

struct keyed {
	uint64_t key;
	const struct sl_conf_node *node;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Big lists are values of one type (routes, rules): sort them by a
 * precomputed key instead of parsing both sides of every comparison. */
static int sort_by_key(const struct sl_conf_node **v, size_t n)
{
	const struct conf_type *t = v[0]->schema->type;
	struct keyed *k;

	if (!v[0]->is_value || t == NULL || t->key == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!v[i]->is_value || v[i]->schema->type != t)
			return -1;
	k = malloc(n * sizeof(*k));
	if (k == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){t->key(v[i]->name), v[i]};
	qsort(k, n, sizeof(*k), cmp_keyed);
	for (size_t i = 0; i < n; i++)
		v[i] = k[i].node;
	free(k);
	return 0;
}

int sl_conf_children_sorted(
	const struct sl_conf_node *node, const struct sl_conf_node ***out, size_t *n)
{
	const struct sl_conf_node **v;
	size_t cursor = 0, i = 0;
	const struct sl_conf_node *c;

	*out = NULL;
	*n = 0;
	if (node == NULL || node->kids.n == 0)
		return 0;
	v = malloc(node->kids.n * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	while ((c = sl_conf_child_next(node, &cursor)) != NULL)
		v[i++] = c;
	if (i > 64 && sort_by_key(v, i) == 0) {
		*out = v;
		*n = i;
		return 0;
	}
	qsort(v, i, sizeof(*v), cmp_nodes);
	*out = v;
	*n = i;
	return 0;
}

const char *sl_conf_leaf_value(const struct sl_conf_node *node, const char *leaf)
{
	const struct sl_conf_node *l = conf_node_child(node, leaf);
	size_t cursor = 0;
	const struct sl_conf_node *c;

	while ((c = sl_conf_child_next(l, &cursor)) != NULL)
		if (c->is_value)
			return c->name;
	return NULL;
}

bool sl_conf_has(const struct sl_conf_node *node, const char *name)
{
	return conf_node_child(node, name) != NULL;
}

int sl_conf_leaf_values(
	const struct sl_conf_node *node, const char *leaf, const char ***out, size_t *n)
{
	const struct sl_conf_node **kids;
	size_t nk, j = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = sl_conf_children_sorted(conf_node_child(node, leaf), &kids, &nk);
	if (rc < 0 || nk == 0)
		return rc;
	const char **names = malloc(nk * sizeof(*names));
	if (names == NULL) {
		free(kids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nk; i++)
		if (kids[i]->is_value)
			names[j++] = kids[i]->name;
	free(kids);
	if (j == 0) {
		free(names);
		return 0;
	}
	*out = names;
	*n = j;
	return 0;
}
