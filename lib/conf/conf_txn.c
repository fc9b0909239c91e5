/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions: lines change the live tree and every change is logged so that
 * abort restores the tree exactly. The changed paths of the transaction are
 * recorded at object granularity (see sl_conf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

struct sl_conf *sl_conf_new(void)
{
	struct sl_conf *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->root = conf_node_new(&c->pool, "", conf_schema_root(), false);
	if (c->root == NULL) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

#define ARENA_BLOCK 65536
#define ARENA_KEEP (16u << 20)
/* Change and undo arrays of up to this many entries stay allocated between
 * transactions: a 100,000-line change would otherwise grow them again
 * (reallocs, rehashes) and free them, and a free that size makes glibc
 * consolidate its fast bins. A 1M-line load's are dropped. */
#define CHG_KEEP (1u << 18)

static void undo_drop(struct sl_conf *c)
{
	/* removed subtrees are now garbage; created nodes belong to the tree */
	for (size_t i = 0; i < c->nundo; i++) {
		sl_progress();
		/* the nodes of a big change are long out of the cache */
		if (i + 8 < c->nundo && c->undo[i + 8].op == CONF_UNDO_REMOVED)
			conf_node_prefetch(c->undo[i + 8].node);
		if (c->undo[i].op == CONF_UNDO_REMOVED)
			conf_node_free_tree(&c->pool, c->undo[i].node);
	}
	c->nundo = 0;
	if (c->capundo > CHG_KEEP) {
		free(c->undo);
		c->undo = NULL;
		c->capundo = 0;
	}
}

struct conf_arena_block {
	struct conf_arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct conf_arena *a, size_t bytes)
{
	struct conf_arena_block *b = a->cur;

	bytes = (bytes + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	while (b != NULL && b->cap - b->used < bytes && b->next != NULL) {
		b = b->next; /* a block kept from an earlier transaction */
		b->used = 0;
	}
	if (b == NULL || b->cap - b->used < bytes) {
		size_t cap = bytes > ARENA_BLOCK ? bytes : ARENA_BLOCK;
		struct conf_arena_block *nb = malloc(sizeof(*nb) + cap);
		if (nb == NULL)
			return NULL;
		*nb = (struct conf_arena_block){.cap = cap};
		if (b != NULL)
			b->next = nb; /* b is the last block */
		else
			a->head = nb;
		a->total += cap;
		b = nb;
	}
	a->cur = b;
	b->used += bytes;
	return (char *)b->data + b->used - bytes;
}

/* Release everything allocated; the blocks stay unless they are many or
 * !keep. */
static void arena_reset(struct conf_arena *a, bool keep)
{
	struct conf_arena_block *b, *next;

	if (keep && a->total <= ARENA_KEEP) {
		if (a->head != NULL)
			a->head->used = 0;
		a->cur = a->head;
		return;
	}
	for (b = a->head; b != NULL; b = next) {
		sl_progress();
		next = b->next;
		free(b);
	}
	*a = (struct conf_arena){0};
}

/* Empty the set of changed paths: slot by slot when it is much bigger than
 * what the transaction put in it. */
static void chg_set_clear(struct sl_conf *c)
{
	uint32_t mask = c->chg_set_cap - 1;

	if (c->nchg * 16 > c->chg_set_cap) {
		memset(c->chg_set, 0, c->chg_set_cap * sizeof(*c->chg_set));
		return;
	}
	for (size_t i = 0; i < c->nchg; i++) {
		uint32_t j = c->chg[i].hash & mask;
		while (c->chg_set[j] != (uint32_t)i + 1)
			j = (j + 1) & mask;
		c->chg_set[j] = 0;
	}
}

void conf_changes_clear(struct sl_conf *c)
{
	arena_reset(&c->chg_arena, true);
	if (c->chg_set_cap > 2 * CHG_KEEP) {
		free(c->chg_set);
		c->chg_set = NULL;
		c->chg_set_cap = 0;
	} else if (c->chg_set && c->nchg > 0) {
		chg_set_clear(c);
	}
	c->nchg = 0;
	if (c->capchg > CHG_KEEP) {
		free(c->chg);
		c->chg = NULL;
		c->capchg = 0;
	}
}

void sl_conf_free(struct sl_conf *c)
{
	if (c == NULL)
		return;
	undo_drop(c);
	free(c->undo);
	conf_changes_clear(c);
	arena_reset(&c->chg_arena, false);
	free(c->chg);
	free(c->notices);
	free(c->plan);
	free(c->chg_set);
	conf_node_free_tree(&c->pool, c->root);
	conf_pool_release(&c->pool);
	conf_refs_free(&c->refs);
	free(c);
}

void sl_conf_changes_release(struct sl_conf *c)
{
	if (!c->in_txn)
		conf_changes_clear(c);
}

bool sl_conf_in_transaction(const struct sl_conf *c)
{
	return c->in_txn;
}

int sl_conf_begin(struct sl_conf *c)
{
	if (c->in_txn)
		return -EBUSY;
	conf_changes_clear(c);
	c->nnotices = 0;
	c->in_txn = true;
	c->failed = false;
	c->validated = true; /* an empty transaction has nothing to check */
	return 0;
}

static int undo_push(struct sl_conf *c, enum conf_undo_op op, struct sl_conf_node *n,
	struct sl_conf_node *parent)
{
	if (c->nundo == c->capundo) {
		size_t cap = c->capundo ? c->capundo * 2 : 256;
		struct conf_undo *u = realloc(c->undo, cap * sizeof(*u));
		if (u == NULL)
			return -ENOMEM;
		c->undo = u;
		c->capundo = cap;
	}
	c->undo[c->nundo++] = (struct conf_undo){.op = op, .node = n, .parent = parent};
	return 0;
}

int conf_txn_created(struct sl_conf *c, struct sl_conf_node *n, unsigned line)
{
	int rc = undo_push(c, CONF_UNDO_CREATED, n, n->parent);

	if (rc == 0)
		c->undo[c->nundo - 1].line = line;
	return rc;
}

int conf_notice_record(struct sl_conf *c, const struct conf_schema *s, unsigned line)
{
	for (size_t i = 0; i < c->nnotices; i++)
		if (c->notices[i].schema == s) {
			c->notices[i].count++;
			return 0;
		}
	if (c->nnotices == c->capnotices) {
		size_t cap = c->capnotices ? c->capnotices * 2 : 8;
		struct conf_notice *v = realloc(c->notices, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		c->notices = v;
		c->capnotices = cap;
	}
	c->notices[c->nnotices++] = (struct conf_notice){s, line, 1};
	return 0;
}

size_t sl_conf_notices(const struct sl_conf *c, struct sl_errors *out)
{
	size_t said = 0;
	for (size_t i = 0; i < c->nnotices; i++) {
		const struct conf_notice *n = &c->notices[i];
		const char *const *unless = n->schema->noop_unless;
		size_t depth = 0;
		while (unless != NULL && unless[depth] != NULL)
			depth++;
		if (unless != NULL && sl_conf_find(c, unless, depth) != NULL)
			continue; /* it takes effect after all */
		said++;
		if (n->count > 1)
			sl_errors_add(out, n->line, "%s (and %u more line%s)", n->schema->noop,
				n->count - 1, n->count > 2 ? "s" : "");
		else
			sl_errors_add(out, n->line, "%s", n->schema->noop);
	}
	return said;
}

/* ---- which line created a node (open transaction) ---- */

static uint32_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x >> 32);
}

static void lines_build(const struct sl_conf *c, struct conf_lines *m)
{
	uint32_t cap = 16;

	m->built = true;
	while (cap < c->nundo * 2 + 2)
		cap *= 2;
	m->key = calloc(cap, sizeof(*m->key));
	m->line = calloc(cap, sizeof(*m->line));
	if (m->key == NULL || m->line == NULL) {
		conf_lines_free(m); /* lookups answer 0: the caller's fallback line */
		m->built = true;
		return;
	}
	m->cap = cap;
	for (size_t i = 0; i < c->nundo; i++) {
		const struct conf_undo *u = &c->undo[i];
		uint32_t j;
		sl_progress(); /* the whole change's undo log */
		if (u->op != CONF_UNDO_CREATED)
			continue;
		for (j = ptr_hash(u->node) & (cap - 1); m->key[j] && m->key[j] != u->node;
			j = (j + 1) & (cap - 1))
			;
		m->key[j] = u->node;
		m->line[j] = u->line;
	}
}

unsigned conf_lines_get(const struct sl_conf *c, struct conf_lines *m, const struct sl_conf_node *n)
{
	if (!m->built)
		lines_build(c, m);
	if (m->cap == 0 || n == NULL)
		return 0;
	for (uint32_t j = ptr_hash(n) & (m->cap - 1); m->key[j]; j = (j + 1) & (m->cap - 1))
		if (m->key[j] == n)
			return m->line[j];
	return 0;
}

void conf_lines_free(struct conf_lines *m)
{
	free(m->key);
	free(m->line);
	*m = (struct conf_lines){0};
}

int conf_txn_remove(struct sl_conf *c, struct sl_conf_node *n)
{
	int rc = undo_push(c, CONF_UNDO_REMOVED, n, n->parent);

	if (rc < 0)
		return rc;
	conf_refs_del_tree(&c->refs, n);
	conf_node_detach(&c->pool, n);
	return 0;
}

int sl_conf_abort(struct sl_conf *c)
{
	if (!c->in_txn)
		return -EBUSY;
	while (c->nundo > 0) {
		struct conf_undo *u = &c->undo[--c->nundo];
		sl_progress(); /* a refused 100,000-line change is undone whole */
		if (u->op == CONF_UNDO_CREATED) {
			conf_refs_del_tree(&c->refs, u->node);
			conf_node_detach(&c->pool, u->node);
			conf_node_free_tree(&c->pool, u->node);
		} else {
			/* reattaching into a table that just shrank may allocate; on
			 * failure the subtree is lost rather than the tree corrupted */
			if (conf_node_attach(&c->pool, u->parent, u->node) == 0)
				conf_refs_add_tree(&c->refs, u->node);
			else
				conf_node_free_tree(&c->pool, u->node);
		}
	}
	c->in_txn = false;
	c->failed = false;
	return 0;
}

int sl_conf_commit(struct sl_conf *c, struct sl_errors *errs)
{
	if (!c->in_txn)
		return -EBUSY;
	if (!c->failed && !c->validated && sl_conf_validate(c, errs) < 0)
		return -EINVAL;
	if (c->failed)
		return -EINVAL;
	undo_drop(c);
	c->in_txn = false;
	return 0;
}

int sl_conf_validate(struct sl_conf *c, struct sl_errors *errs)
{
	int rc;

	if (!c->in_txn)
		return -EBUSY;
	rc = conf_validate_all(c, errs);
	if (rc < 0)
		c->failed = true;
	c->validated = true;
	return c->failed ? -EINVAL : 0;
}

/* ---- changed paths ---- */

static bool path_eq(const struct conf_change *a, char *const *tok, size_t n)
{
	if (a->ntok != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a->tok[i], tok[i]) != 0)
			return false;
	return true;
}

/* The tokens from the root down to n (n's own name last); returns how many.
 * *hash: the path's hash, folded from the hashes the nodes keep of their
 * names (each conf_hash of the token) rather than hashing the text again. */
static size_t node_path(const struct sl_conf_node *n, char *tok[CONF_MAX_TOKENS], uint32_t *hash)
{
	uint32_t hs[CONF_MAX_TOKENS];
	size_t depth = 0;

	for (const struct sl_conf_node *p = n; p && p->parent && depth < CONF_MAX_TOKENS;
		p = p->parent) {
		hs[depth] = p->hash;
		tok[depth++] = (char *)p->name;
	}
	*hash = 0;
	for (size_t i = depth; i-- > 0;)
		*hash = (*hash * 31u) ^ hs[i];
	for (size_t i = 0; i < depth / 2; i++) {
		char *t = tok[i];
		tok[i] = tok[depth - 1 - i];
		tok[depth - 1 - i] = t;
	}
	return depth;
}

static int chg_set_grow(struct sl_conf *c, uint32_t cap)
{
	uint32_t *set = calloc(cap, sizeof(*set));

	if (set == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < c->nchg; i++) {
		uint32_t j = c->chg[i].hash & (cap - 1);
		sl_progress(); /* a 100,000-line change rehashes 65,536 paths */
		while (set[j])
			j = (j + 1) & (cap - 1);
		set[j] = (uint32_t)i + 1;
	}
	free(c->chg_set);
	c->chg_set = set;
	c->chg_set_cap = cap;
	return 0;
}

/* An array of want entries (n of them in use), if it is smaller. */
static void *reserve(void *v, size_t n, size_t *cap, size_t want, size_t size)
{
	if (*cap >= want)
		return v;
	void *nv = n ? realloc(v, want * size) : malloc(want * size);
	if (nv == NULL)
		return v;
	if (!n)
		free(v);
	*cap = want;
	return nv;
}

void conf_txn_reserve(struct sl_conf *c, size_t lines)
{
	/* a line makes at most one change and one undo entry or more: grown
	 * as they went, each doubling copied the array in one step (1.7 ms at
	 * 131,072 changes) and rehashed the set. The undo log takes the size
	 * its doubling would reach, which CHG_KEEP keeps up to 262,144. */
	size_t undo = 256;
	while (undo < c->nundo + lines)
		undo *= 2;
	c->chg = reserve(c->chg, c->nchg, &c->capchg, c->nchg + lines, sizeof(*c->chg));
	c->undo = reserve(c->undo, c->nundo, &c->capundo, undo, sizeof(*c->undo));
	size_t cap = c->chg_set_cap ? c->chg_set_cap : 64;
	while (cap < 2 * (c->nchg + lines + 1) && cap <= UINT32_MAX / 4)
		cap *= 2;
	if (cap > c->chg_set_cap)
		(void)chg_set_grow(c, (uint32_t)cap); /* else it grows as it goes */
}

enum sl_conf_obj_kind conf_node_kind(const struct sl_conf_node *n)
{
	if (n == NULL || n->parent == NULL)
		return SL_CHG_OTHER;
	if (!n->is_value)
		return n->schema->kind == CONF_TAG ? n->schema->chg_all : n->schema->chg;
	return n->schema->kind == CONF_TAG ? n->schema->chg : SL_CHG_OTHER;
}

/* The kind of a change at n (its own, else its nearest ancestor's) and the
 * token indexes of its keys; depth: n's token count. */
static void change_type(const struct sl_conf_node *n, size_t depth, struct conf_change *chg)
{
	chg->kind = SL_CHG_OTHER;
	chg->vrf_i = chg->iface_i = chg->name_i = -1;
	if (n->is_value && conf_node_kind(n) != SL_CHG_OTHER && depth > 0)
		chg->name_i = (int8_t)(depth - 1);
	for (size_t i = depth; n != NULL && n->parent != NULL && i > 0; n = n->parent, i--) {
		enum sl_conf_obj_kind k = conf_node_kind(n);
		if (chg->kind == SL_CHG_OTHER)
			chg->kind = (uint8_t)k;
		if (k == SL_CHG_VRF && chg->vrf_i < 0)
			chg->vrf_i = (int8_t)(i - 1);
		if (k == SL_CHG_INTERFACE && chg->iface_i < 0)
			chg->iface_i = (int8_t)(i - 1);
	}
}

int conf_change_record(struct sl_conf *c, const struct sl_conf_node *n, unsigned line)
{
	char *tok[CONF_MAX_TOKENS];
	size_t depth = 0, k;
	uint32_t h, j;

	depth = node_path(n, tok, &h);
	if ((c->nchg + 1) * 2 > c->chg_set_cap &&
		chg_set_grow(c, c->chg_set_cap ? c->chg_set_cap * 2 : 64) < 0)
		return -ENOMEM;
	for (j = h & (c->chg_set_cap - 1); c->chg_set[j]; j = (j + 1) & (c->chg_set_cap - 1))
		if (c->chg[c->chg_set[j] - 1].hash == h &&
			path_eq(&c->chg[c->chg_set[j] - 1], tok, depth))
			return 0; /* already recorded, keeps its first line */
	if (c->nchg == c->capchg) {
		size_t cap = c->capchg ? c->capchg * 2 : 16;
		struct conf_change *v = realloc(c->chg, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		c->chg = v;
		c->capchg = cap;
	}
	struct conf_change *chg = &c->chg[c->nchg];
	size_t bytes = (depth ? depth : 1) * sizeof(char *), lens[CONF_MAX_TOKENS];
	for (k = 0; k < depth; k++)
		bytes += (lens[k] = strlen(tok[k]) + 1);
	chg->tok = arena_alloc(&c->chg_arena, bytes);
	if (chg->tok == NULL)
		return -ENOMEM;
	char *str = (char *)(chg->tok + (depth ? depth : 1));
	for (k = 0; k < depth; k++) {
		size_t len = lens[k];
		memcpy(str, tok[k], len);
		chg->tok[k] = str;
		str += len;
	}
	chg->ntok = depth;
	chg->node = n;
	change_type(n, depth, chg);
	chg->line = line;
	chg->hash = h;
	c->chg_set[j] = (uint32_t)++c->nchg;
	return 0;
}

/* The recorded node while it is in the tree: its parents lead to the root
 * (a removed subtree's top has none). Cheaper than a lookup by path, whose
 * probe of a big children table (a VRF's routes) misses the cache. */
static const struct sl_conf_node *recorded_node(
	const struct sl_conf *c, const struct conf_change *chg)
{
	const struct sl_conf_node *p = chg->node;

	if (!c->in_txn || p == NULL)
		return NULL; /* after the transaction, removed nodes are freed */
	while (p->parent != NULL)
		p = p->parent;
	return p == c->root ? chg->node : NULL;
}

const struct sl_conf_node *conf_change_node(const struct sl_conf *c, const struct conf_change *chg)
{
	const struct sl_conf_node *n = recorded_node(c, chg);

	return n ? n : sl_conf_find(c, (const char *const *)chg->tok, chg->ntok);
}

bool conf_change_has_node(const struct sl_conf *c, const struct sl_conf_node *n)
{
	char *tok[CONF_MAX_TOKENS];
	size_t depth = 0;
	uint32_t h, j;

	if (c->chg_set_cap == 0)
		return false;
	depth = node_path(n, tok, &h);
	for (j = h & (c->chg_set_cap - 1); c->chg_set[j]; j = (j + 1) & (c->chg_set_cap - 1))
		if (c->chg[c->chg_set[j] - 1].hash == h &&
			path_eq(&c->chg[c->chg_set[j] - 1], tok, depth))
			return true;
	return false;
}

size_t sl_conf_change_count(const struct sl_conf *c)
{
	return c->nchg;
}

int sl_conf_change_get(const struct sl_conf *c, size_t i, const char *const **tokens,
	size_t *ntokens, unsigned *line)
{
	if (i >= c->nchg)
		return -ERANGE;
	*tokens = (const char *const *)c->chg[i].tok;
	*ntokens = c->chg[i].ntok;
	if (line)
		*line = c->chg[i].line;
	return 0;
}

int sl_conf_change_at(const struct sl_conf *c, size_t i, struct sl_conf_change *out)
{
	if (i >= c->nchg)
		return -ERANGE;
	const struct conf_change *chg = &c->chg[i];
	out->kind = (enum sl_conf_obj_kind)chg->kind;
	out->vrf = chg->vrf_i >= 0 ? chg->tok[chg->vrf_i] : NULL;
	out->iface = chg->iface_i >= 0 ? chg->tok[chg->iface_i] : NULL;
	out->name = chg->name_i >= 0 ? chg->tok[chg->name_i] : NULL;
	out->tokens = (const char *const *)chg->tok;
	out->ntokens = chg->ntok;
	out->line = chg->line;
	return 0;
}

const struct sl_conf_node *sl_conf_change_node(const struct sl_conf *c, size_t i)
{
	return i < c->nchg ? recorded_node(c, &c->chg[i]) : NULL;
}

void sl_conf_change_prefetch(const struct sl_conf *c, size_t i)
{
	/* a freed node (after the transaction) is harmless to prefetch */
	if (i < c->nchg && c->chg[i].node != NULL)
		conf_node_prefetch(c->chg[i].node);
}
