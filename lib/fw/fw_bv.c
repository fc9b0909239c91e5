/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_bv.c — the bit-vector classifier of small rulesets.
 *
 * rte_acl walks a trie one key byte at a time (13 dependent loads a key). For
 * a few hundred rules it is cheaper to look each field up on its own: every
 * field's values are cut into intervals at the rules' edges, each interval
 * has the bitmap of the rules that match it (bit i: the i-th rule by
 * priority; equal bitmaps stored once), and a key's result is the first bit set in the AND of its five
 * fields' bitmaps. An interval is found by a trie of 8-bit strides whose
 * chunks end in a leaf as soon as no edge falls inside them (a /24 rule: 3
 * loads, a port: 1 or 2, the protocol: 1); the five searches of a key are
 * independent, and so are the keys of a burst.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "fw_priv.h"

#define BV_NODE 0x8000u /* trie entry: a child node (low bits), else a row */
#define BV_NODES_MAX 0x7fffu
#define BV_FANOUT 256

/* key fields, in fw_acl_key order: protocol, source, destination, ports */
enum { BV_PROTO, BV_SRC, BV_DST, BV_SPORT, BV_DPORT, BV_FIELDS };
static const uint8_t bv_width[BV_FIELDS] = {8, 32, 32, 16, 16};

/* A row: word 0 has bit i set when word 1 + i has a rule, so a key ANDs
 * only the words where all five fields have some rule (a key that matches
 * none of 1,000 rules: one AND, not sixteen). */
struct fw_bv_field {
	uint16_t *nodes; /* [n_nodes][256]; node 0 is the root */
	uint64_t *rows; /* [distinct rows][1 + words] */
	bool any; /* no rule looks at this field: its row is `ones`, no search */
	uint32_t n_nodes, n_rows;
};

struct fw_bv {
	uint32_t words; /* 64-bit words of a row */
	uint32_t n_rules;
	uint32_t
		small; /* words when bv_classify_small applies (fewer than 64 × words rules, words ≤ 2), else 0 */
	uint32_t *res; /* [n_rules]: the classifier's result of rule bit i */
	uint64_t *ones; /* [1 + words]: every rule */
	struct fw_bv_field f[BV_FIELDS];
	/* small: the five tries in one array, field f's root node f, leaves
	 * word offsets into the five fields' rows, also one array (bv_merge):
	 * two base pointers a key, not ten (which spilled to the stack) */
	uint16_t *snodes;
	uint64_t *srows;
};

/* The row of value key in field f: the trie's levels unrolled for the
 * field's width (8: the root only; 16: two; 32: four). */
static inline const uint16_t *bv_child(const struct fw_bv_field *f, uint16_t e)
{
	return f->nodes + (uint32_t)(e & ~BV_NODE) * BV_FANOUT;
}

static inline uint32_t bv_row16(const struct fw_bv_field *f, uint32_t key)
{
	uint16_t e = f->nodes[key >> 8];
	if (e & BV_NODE)
		e = bv_child(f, e)[key & 0xffu];
	return e;
}

static inline uint32_t bv_row32(const struct fw_bv_field *f, uint32_t key)
{
	uint16_t e = f->nodes[key >> 24];
	if (e & BV_NODE) {
		e = bv_child(f, e)[(key >> 16) & 0xffu];
		if (e & BV_NODE) {
			e = bv_child(f, e)[(key >> 8) & 0xffu];
			if (e & BV_NODE)
				e = bv_child(f, e)[key & 0xffu];
		}
	}
	return e;
}

static inline const uint64_t *bv_row(const struct fw_bv *bv, unsigned f, uint32_t key)
{
	const struct fw_bv_field *fd = &bv->f[f];
	if (fd->any)
		return bv->ones;
	uint32_t r = f == BV_PROTO	 ? fd->nodes[key]
		     : bv_width[f] == 16 ? bv_row16(fd, key)
					 : bv_row32(fd, key);
	return fd->rows + (size_t)r * (bv->words + 1);
}

/* The row offset of a field in the merged tries N whose root is node
 * root, of value b[0..width/8), the key's network-order bytes: each byte
 * indexes one level as it is, no byte swap. */
static inline uint32_t bv_srow16(const uint16_t *N, uint32_t root, const uint8_t *b)
{
	uint16_t e = N[root * BV_FANOUT + b[0]];
	if (e & BV_NODE)
		e = N[(uint32_t)(e & ~BV_NODE) * BV_FANOUT + b[1]];
	return e;
}

static inline uint32_t bv_srow32(const uint16_t *N, uint32_t root, const uint8_t *b)
{
	uint16_t e = N[root * BV_FANOUT + b[0]];
	if (e & BV_NODE) {
		e = N[(uint32_t)(e & ~BV_NODE) * BV_FANOUT + b[1]];
		if (e & BV_NODE) {
			e = N[(uint32_t)(e & ~BV_NODE) * BV_FANOUT + b[2]];
			if (e & BV_NODE)
				e = N[(uint32_t)(e & ~BV_NODE) * BV_FANOUT + b[3]];
		}
	}
	return e;
}

/* The five rows of key k in a small context, by trie alone (a field no
 * rule looks at has a one-leaf trie to a row of every rule). */
static __rte_always_inline void bv_rows5(
	const struct fw_bv *bv, const struct fw_acl_key *k, const uint64_t *r[BV_FIELDS])
{
	const uint16_t *N = bv->snodes;
	const uint64_t *R = bv->srows;
	r[BV_PROTO] = R + N[BV_PROTO * BV_FANOUT + k->proto];
	r[BV_SRC] = R + bv_srow32(N, BV_SRC, (const uint8_t *)&k->src);
	r[BV_DST] = R + bv_srow32(N, BV_DST, (const uint8_t *)&k->dst);
	r[BV_SPORT] = R + bv_srow16(N, BV_SPORT, (const uint8_t *)&k->sport);
	r[BV_DPORT] = R + bv_srow16(N, BV_DPORT, (const uint8_t *)&k->dport);
}

/*
 * Contexts of fewer than 64 × words rules, words 1 or 2 (up to 127 rules):
 * the top bit of the last word is no rule's, so it is set as a sentinel
 * whose result (bv->res, zeroed) is 0, the default action; the first match
 * is then one or two ANDs of five words and a select, no loop over the
 * summary word and no data-dependent branch but the tries'. The tries and
 * rows are merged, and each key is done at once (its searches still
 * overlap with the next keys' in the core).
 */
static __rte_always_inline void bv_classify_small(
	const struct fw_bv *bv, const uint8_t **in, uint32_t *res, uint16_t n, const uint32_t words)
{
	const uint64_t top = 1ull << 63;
	for (uint16_t j = 0; j < n; j++) {
		const uint64_t *r[BV_FIELDS];
		bv_rows5(bv, (const struct fw_acl_key *)in[j], r);
		uint64_t m1 = r[0][words] & r[1][words] & r[2][words] & r[3][words] & r[4][words];
		uint32_t i = (uint32_t)__builtin_ctzll(m1 | top) + 64 * (words - 1);
		if (words == 2) {
			uint64_t m0 = r[0][1] & r[1][1] & r[2][1] & r[3][1] & r[4][1];
			uint32_t i0 = (uint32_t)__builtin_ctzll(m0 | top);
			i = m0 != 0 ? i0 : i;
		}
		res[j] = bv->res[i];
	}
}

void fw_bv_classify(const struct fw_bv *bv, const uint8_t **in, uint32_t *res, uint16_t n)
{
	if (bv->small == 1) {
		bv_classify_small(bv, in, res, n, 1);
		return;
	}
	if (bv->small == 2) {
		bv_classify_small(bv, in, res, n, 2);
		return;
	}
	const uint64_t *row[SL_FW_BURST][BV_FIELDS];
	/* every key's five searches first: they overlap across the burst */
	for (uint16_t j = 0; j < n; j++) {
		const struct fw_acl_key *k = (const struct fw_acl_key *)in[j];
		row[j][BV_PROTO] = bv_row(bv, BV_PROTO, k->proto);
		row[j][BV_SRC] = bv_row(bv, BV_SRC, rte_be_to_cpu_32(k->src));
		row[j][BV_DST] = bv_row(bv, BV_DST, rte_be_to_cpu_32(k->dst));
		row[j][BV_SPORT] = bv_row(bv, BV_SPORT, rte_be_to_cpu_16(k->sport));
		row[j][BV_DPORT] = bv_row(bv, BV_DPORT, rte_be_to_cpu_16(k->dport));
	}
	for (uint16_t j = 0; j < n; j++) {
		const uint64_t *const *r = row[j];
		uint64_t some = r[0][0] & r[1][0] & r[2][0] & r[3][0] & r[4][0];
		uint32_t out = 0; /* no rule: the default action */
		while (some != 0) {
			uint32_t i = (uint32_t)__builtin_ctzll(some);
			uint64_t m =
				r[0][1 + i] & r[1][1 + i] & r[2][1 + i] & r[3][1 + i] & r[4][1 + i];
			if (m != 0) {
				out = bv->res[i * 64 + (uint32_t)__builtin_ctzll(m)];
				break;
			}
			some &= some - 1;
		}
		res[j] = out;
	}
}

/* ---- build (control thread) ------------------------------------------- */

/* A rule's values of one field: [lo, hi], or none when lo > hi. */
struct bv_range {
	uint64_t lo, hi;
};

static struct bv_range rule_range(const struct fw_acl_rule *a, unsigned f)
{
	const struct rte_acl_field *x = &a->field[f];
	switch (f) {
	case BV_SRC:
	case BV_DST: {
		uint32_t len = x->mask_range.u32;
		uint32_t m = len == 0 ? 0 : len >= 32 ? UINT32_MAX : UINT32_MAX << (32 - len);
		return (struct bv_range){x->value.u32 & m, (x->value.u32 & m) | ~m};
	}
	case BV_SPORT:
	case BV_DPORT:
		return (struct bv_range){x->value.u16, x->mask_range.u16};
	default: /* the protocol is a bitmask: each value its own interval */
		return (struct bv_range){0, 255};
	}
}

static bool proto_match(const struct fw_acl_rule *a, uint32_t p)
{
	uint8_t m = a->field[FW_F_PROTO].mask_range.u8;
	return (p & m) == (a->field[FW_F_PROTO].value.u8 & m);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Index of the last edge <= v (edge[0] is 0). */
static uint32_t edge_find(const uint64_t *edge, uint32_t n, uint64_t v)
{
	uint32_t lo = 0, hi = n; /* edge[lo] <= v < edge[hi] */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (edge[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

struct bv_trie {
	uint16_t *nodes;
	uint32_t n, cap;
	const uint16_t *row_of; /* [interval]: its row */
};

/* Node of the chunk [base, base + 256 << shift) over edges e[0..n_e). */
static int trie_node(struct bv_trie *t, const uint64_t *e, uint32_t n_e, uint64_t base,
	unsigned shift, uint16_t *out)
{
	if (t->n >= BV_NODES_MAX)
		return -E2BIG;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 16;
		uint16_t *v = realloc(t->nodes, (size_t)cap * BV_FANOUT * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		t->nodes = v;
		t->cap = cap;
	}
	uint32_t node = t->n++;
	*out = (uint16_t)node;
	for (uint32_t c = 0; c < BV_FANOUT; c++) {
		uint64_t start = base + ((uint64_t)c << shift), end = start + (1ull << shift) - 1;
		uint32_t iv = edge_find(e, n_e, start);
		uint16_t ent = t->row_of[iv];
		if (shift > 0 && iv + 1 < n_e && e[iv + 1] <= end) { /* an edge inside */
			uint16_t child;
			int rc = trie_node(t, e, n_e, start, shift - 8, &child);
			if (rc < 0)
				return rc;
			ent = (uint16_t)(BV_NODE | child);
		}
		t->nodes[(size_t)node * BV_FANOUT + c] = ent;
	}
	return 0;
}

static int cmp_row(const void *a, const void *b, void *ctx)
{
	const uint64_t *rows = ((const uint64_t *const *)ctx)[0];
	size_t w = (size_t)((const uint64_t *const *)ctx)[1][0];
	return memcmp(rows + *(const uint32_t *)a * w, rows + *(const uint32_t *)b * w,
		w * sizeof(*rows));
}

/*
 * Adjacent intervals of equal rows become one (fewer edges: a shallower
 * trie), then equal rows are stored once: the gaps between a ruleset's
 * prefixes share one row, which stays in cache however the keys spread.
 * row_of gets each interval's row.
 */
static int rows_compact(
	struct fw_bv_field *fd, uint64_t *e, uint32_t *n_e, uint32_t w, uint16_t **row_of)
{
	const size_t sz = (size_t)w * sizeof(uint64_t);
	uint64_t *rows = fd->rows, *out;
	uint32_t u = 1, *ord, n_rows = 0;
	for (uint32_t k = 1; k < *n_e; k++) {
		if (memcmp(rows + (size_t)k * w, rows + (size_t)(u - 1) * w, sz) == 0)
			continue;
		e[u] = e[k];
		memmove(rows + (size_t)u * w, rows + (size_t)k * w, sz);
		u++;
	}
	*n_e = u;
	if (u > BV_NODE)
		return -E2BIG;
	ord = malloc(u * sizeof(*ord));
	*row_of = malloc(u * sizeof(**row_of));
	out = malloc((size_t)u * sz);
	if (ord == NULL || *row_of == NULL || out == NULL) {
		free(ord);
		free(out);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < u; k++)
		ord[k] = k;
	uint64_t wv = w;
	const uint64_t *ctx[2] = {rows, &wv};
	qsort_r(ord, u, sizeof(*ord), cmp_row, ctx);
	for (uint32_t k = 0; k < u; k++) {
		const uint64_t *r = rows + (size_t)ord[k] * w;
		if (k == 0 || memcmp(r, out + (size_t)(n_rows - 1) * w, sz) != 0)
			memcpy(out + (size_t)n_rows++ * w, r, sz);
		(*row_of)[ord[k]] = (uint16_t)(n_rows - 1);
	}
	fd->n_rows = n_rows;
	free(ord);
	free(rows);
	fd->rows = out;
	return 0;
}

/* Field f of bv over rules v[0..n), already in priority order. */
static int field_build(struct fw_bv *bv, unsigned f, const struct fw_acl_rule *v, uint32_t n)
{
	struct fw_bv_field *fd = &bv->f[f];
	uint64_t max = (1ull << bv_width[f]) - 1;
	uint64_t *e = malloc(((size_t)n * 2 + 256) * sizeof(*e));
	uint32_t n_e = 0;
	int rc = 0;

	if (e == NULL)
		return -ENOMEM;
	/* the edges: 0, each rule's first value and the one after its last */
	e[n_e++] = 0;
	if (f == BV_PROTO) {
		for (uint32_t p = 1; p < 256; p++)
			e[n_e++] = p;
	} else {
		for (uint32_t i = 0; i < n; i++) {
			struct bv_range r = rule_range(&v[i], f);
			if (r.lo > r.hi)
				continue;
			e[n_e++] = r.lo;
			if (r.hi < max)
				e[n_e++] = r.hi + 1;
		}
		qsort(e, n_e, sizeof(*e), cmp_u64);
		uint32_t u = 1;
		for (uint32_t i = 1; i < n_e; i++)
			if (e[i] != e[u - 1])
				e[u++] = e[i];
		n_e = u;
	}
	const uint32_t w = bv->words + 1;
	fd->rows = calloc((size_t)n_e * w, sizeof(uint64_t));
	if (fd->rows == NULL) {
		free(e);
		return -ENOMEM;
	}
	fd->any = true;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t bit = 1ull << (i % 64), word = 1ull << (i / 64);
		uint32_t hits = 0;
		if (f == BV_PROTO) {
			for (uint32_t p = 0; p < 256; p++)
				if (proto_match(&v[i], p)) {
					fd->rows[(size_t)p * w] |= word;
					fd->rows[(size_t)p * w + 1 + i / 64] |= bit;
					hits++;
				}
			fd->any &= hits == 256;
			continue;
		}
		struct bv_range r = rule_range(&v[i], f);
		fd->any &= r.lo == 0 && r.hi == max;
		if (r.lo > r.hi)
			continue;
		for (uint32_t k = edge_find(e, n_e, r.lo); k < n_e && e[k] <= r.hi; k++) {
			fd->rows[(size_t)k * w] |= word;
			fd->rows[(size_t)k * w + 1 + i / 64] |= bit;
		}
	}
	uint16_t *row_of = NULL, root;
	rc = rows_compact(fd, e, &n_e, w, &row_of);
	/* bv_classify_small's leaves: word offsets (bv_merge adds the field's) */
	for (uint32_t k = 0; rc == 0 && bv->small != 0 && k < n_e; k++)
		row_of[k] = (uint16_t)(row_of[k] * w);
	struct bv_trie t = {.row_of = row_of};
	if (rc == 0)
		rc = trie_node(&t, e, n_e, 0, bv_width[f] - 8u, &root);
	fd->nodes = t.nodes;
	fd->n_nodes = t.n;
	free(row_of);
	free(e);
	return rc;
}

/*
 * A small context's five tries and rows, each field's in one array: roots
 * first (field f's is node f), then the other nodes field by field, leaves
 * offset by the words of the fields' rows before. At most 127 rules: at
 * most 256 + 4 × 255 rows of 3 words and 2 + 2 × 255 + 2 × 3 × 254 nodes,
 * both below BV_NODE; checked all the same.
 */
static int bv_merge(struct fw_bv *bv)
{
	const uint32_t w = bv->words + 1;
	uint32_t base[BV_FIELDS], roff[BV_FIELDS], nodes = BV_FIELDS, words = 0;
	for (unsigned f = 0; f < BV_FIELDS; f++) {
		base[f] = nodes - 1; /* old node k > 0 becomes base + k */
		nodes += bv->f[f].n_nodes - 1;
		roff[f] = words;
		words += bv->f[f].n_rows * w;
	}
	if (nodes > BV_NODES_MAX || words >= BV_NODE)
		return -E2BIG;
	bv->snodes = malloc((size_t)nodes * BV_FANOUT * sizeof(*bv->snodes));
	bv->srows = malloc((size_t)words * sizeof(*bv->srows));
	if (bv->snodes == NULL || bv->srows == NULL)
		return -ENOMEM;
	for (unsigned f = 0; f < BV_FIELDS; f++) {
		const struct fw_bv_field *fd = &bv->f[f];
		memcpy(bv->srows + roff[f], fd->rows, (size_t)fd->n_rows * w * sizeof(uint64_t));
		for (uint32_t k = 0; k < fd->n_nodes; k++) {
			uint16_t *to = bv->snodes + (size_t)(k == 0 ? f : base[f] + k) * BV_FANOUT;
			const uint16_t *from = fd->nodes + (size_t)k * BV_FANOUT;
			for (uint32_t c = 0; c < BV_FANOUT; c++)
				to[c] = (from[c] & BV_NODE)
						? (uint16_t)(BV_NODE |
							     (base[f] + (from[c] & ~BV_NODE)))
						: (uint16_t)(from[c] + roff[f]);
		}
	}
	for (unsigned f = 0; f < BV_FIELDS; f++) { /* the general path's, unused */
		free(bv->f[f].nodes);
		free(bv->f[f].rows);
		bv->f[f].nodes = NULL;
		bv->f[f].rows = NULL;
	}
	return 0;
}

void fw_bv_free(struct fw_bv *bv)
{
	if (bv == NULL)
		return;
	free(bv->snodes);
	free(bv->srows);
	for (unsigned f = 0; f < BV_FIELDS; f++) {
		free(bv->f[f].nodes);
		free(bv->f[f].rows);
	}
	free(bv->ones);
	free(bv->res);
	free(bv);
}

/* rules by priority, highest first; equal ones (one rule's expansions) in
 * their order */
static int cmp_prio(const void *a, const void *b)
{
	const struct fw_acl_rule *x = *(const struct fw_acl_rule *const *)a;
	const struct fw_acl_rule *y = *(const struct fw_acl_rule *const *)b;
	if (x->data.priority != y->data.priority)
		return x->data.priority > y->data.priority ? -1 : 1;
	return x < y ? -1 : x > y;
}

int fw_bv_build(struct fw_bv **out, const struct fw_acl_rule *v, size_t n)
{
	struct fw_bv *bv = calloc(1, sizeof(*bv));
	const struct fw_acl_rule **ord = malloc(RTE_MAX(n, (size_t)1) * sizeof(*ord));
	struct fw_acl_rule *sorted = malloc(RTE_MAX(n, (size_t)1) * sizeof(*sorted));
	int rc = 0;

	*out = NULL;
	if (bv == NULL || ord == NULL || sorted == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (n > FW_BV_RULES_LIMIT) {
		rc = -E2BIG;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		ord[i] = &v[i];
	qsort(ord, n, sizeof(*ord), cmp_prio);
	for (size_t i = 0; i < n; i++)
		sorted[i] = *ord[i];
	bv->n_rules = (uint32_t)n;
	bv->words = (uint32_t)RTE_MAX((n + 63) / 64, (size_t)1);
	bv->res = calloc((size_t)bv->words * 64, sizeof(*bv->res));
	bv->ones = calloc((size_t)bv->words + 1, sizeof(*bv->ones));
	if (bv->res == NULL || bv->ones == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		bv->ones[0] |= 1ull << (i / 64);
		bv->ones[1 + i / 64] |= 1ull << (i % 64);
	}
	for (size_t i = 0; i < n; i++)
		bv->res[i] = sorted[i].data.userdata;
	/* bv->res[64 × words − 1] is no rule's: 0, the sentinel's result */
	if (n < (size_t)bv->words * 64 && bv->words <= 2)
		bv->small = bv->words;
	for (unsigned f = 0; f < BV_FIELDS && rc == 0; f++)
		rc = field_build(bv, f, sorted, (uint32_t)n);
	if (rc == 0 && bv->small != 0)
		rc = bv_merge(bv);
out:
	free(ord);
	free(sorted);
	if (rc < 0)
		fw_bv_free(bv);
	else
		*out = bv;
	return rc;
}
