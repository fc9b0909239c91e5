/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differences of two trees: the set/delete lines from one to the other (what
 * a candidate configuration commits) and both renderings merged with +/-
 * marks (what `show` and `compare` print). Both walk the two trees together
 * in canonical order; nothing is rendered whole and compared as text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

/* Canonical order across two trees (the schema is shared); equal = same node. */
static int node_cmp(const struct sl_conf_node *a, const struct sl_conf_node *b)
{
	int c = conf_node_cmp_canonical(a, b);
	return c != 0 ? c : strcmp(a->name, b->name);
}

/* The children of a and b merged in canonical order: pairs (x, y) with x
 * from a, y from b, NULL where one side lacks the child. */
struct merged {
	const struct sl_conf_node **ka, **kb;
	size_t na, nb, ia, ib;
};

static int merged_init(struct merged *m, const struct sl_conf_node *a, const struct sl_conf_node *b)
{
	*m = (struct merged){0};
	if (a != NULL && sl_conf_children_sorted(a, &m->ka, &m->na) < 0)
		return -ENOMEM;
	if (b != NULL && sl_conf_children_sorted(b, &m->kb, &m->nb) < 0) {
		free(m->ka);
		return -ENOMEM;
	}
	return 0;
}

static bool merged_next(
	struct merged *m, const struct sl_conf_node **x, const struct sl_conf_node **y)
{
	*x = m->ia < m->na ? m->ka[m->ia] : NULL;
	*y = m->ib < m->nb ? m->kb[m->ib] : NULL;
	if (*x == NULL && *y == NULL)
		return false;
	int c = *x == NULL ? 1 : *y == NULL ? -1 : node_cmp(*x, *y);
	if (c < 0)
		*y = NULL;
	else if (c > 0)
		*x = NULL;
	m->ia += *x != NULL;
	m->ib += *y != NULL;
	return true;
}

static void merged_free(struct merged *m)
{
	free(m->ka);
	free(m->kb);
}

struct diff_out {
	FILE *dels, *sets;
};

/* "VERB" + buf (the path, from its leading blank on) as one line. */
static int line_out(FILE *f, const char *verb, const char *buf)
{
	return fprintf(f, "%s%s\n", verb, buf) < 0 ? -EIO : 0;
}

/* True when n has a value child (a single-valued leaf that is set). */
static bool has_value(const struct sl_conf_node *n)
{
	size_t cur = 0;
	for (const struct sl_conf_node *k; (k = sl_conf_child_next(n, &cur)) != NULL;)
		if (k->is_value)
			return true;
	return false;
}

/* Per child pair (x under a, y under b; one may be NULL), with buf the path
 * to the child (its token ends at o). */
typedef int pair_fn(const struct sl_conf_node *a, const struct sl_conf_node *b,
	const struct sl_conf_node *x, const struct sl_conf_node *y, char *buf, size_t o, void *ctx);

/* Visit the children of a and b (buf[0..off) the path to them) in canonical order. */
static int walk_pairs(const struct sl_conf_node *a, const struct sl_conf_node *b, char *buf,
	size_t off, pair_fn *fn, void *ctx)
{
	struct merged m;
	const struct sl_conf_node *x, *y;
	int rc = merged_init(&m, a, b);

	while (rc == 0 && merged_next(&m, &x, &y)) {
		size_t o = conf_render_token(buf, off, (x ? x : y)->name);
		rc = o >= CONF_LINE_MAX ? -EIO : fn(a, b, x, y, buf, o, ctx);
		buf[off] = '\0';
	}
	merged_free(&m);
	return rc;
}

/* Lines taking a's subtree to b's, per child. */
static int diff_pair(const struct sl_conf_node *a, const struct sl_conf_node *b,
	const struct sl_conf_node *x, const struct sl_conf_node *y, char *buf, size_t o, void *ctx)
{
	struct diff_out *d = ctx;
	(void)a;
	if (y == NULL) {
		/* a single-valued leaf that b sets anew: its `set` replaces the
		 * old value, no delete needed (the leaf may hold keywords too:
		 * `rd vpn export`) */
		if (x->is_value && x->schema->kind == CONF_LEAF && has_value(b))
			return 0;
		return line_out(d->dels, "delete", buf);
	}
	if (x == NULL)
		return y->kids.n == 0 ? line_out(d->sets, "set", buf)
				      : conf_render_node(y, buf, o, d->sets);
	/* b keeps the node bare while a's children all go: deleting the last
	 * one may prune the node, so set it again after */
	int rc = 0;
	if (y->kids.n == 0 && x->kids.n > 0)
		rc = line_out(d->sets, "set", buf);
	return rc < 0 ? rc : walk_pairs(x, y, buf, o, diff_pair, d);
}

static long count_lines(const char *s, size_t len)
{
	long n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

long sl_conf_diff(const struct sl_conf *from, const struct sl_conf *to, FILE *out)
{
	char *dels = NULL, *sets = NULL, *buf = malloc(CONF_LINE_MAX);
	size_t ndels = 0, nsets = 0;
	struct diff_out d = {0};
	long rc = buf == NULL ? -ENOMEM : 0;

	if (rc == 0) {
		d.dels = open_memstream(&dels, &ndels);
		d.sets = open_memstream(&sets, &nsets);
		if (d.dels == NULL || d.sets == NULL)
			rc = -ENOMEM;
	}
	if (rc == 0) {
		buf[0] = '\0';
		rc = walk_pairs(sl_conf_root(from), sl_conf_root(to), buf, 0, diff_pair, &d);
	}
	if (d.dels != NULL && fclose(d.dels) != 0 && rc == 0)
		rc = -ENOMEM;
	if (d.sets != NULL && fclose(d.sets) != 0 && rc == 0)
		rc = -ENOMEM;
	/* deletes first: a delete after a set could prune what the set made */
	if (rc == 0 &&
		(fwrite(dels, 1, ndels, out) != ndels || fwrite(sets, 1, nsets, out) != nsets))
		rc = -EIO;
	if (rc == 0)
		rc = count_lines(dels, ndels) + count_lines(sets, nsets);
	free(dels);
	free(sets);
	free(buf);
	return rc;
}

char *sl_conf_diff_str(const struct sl_conf *from, const struct sl_conf *to, long *nlines)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (f == NULL)
		return NULL;
	long n = sl_conf_diff(from, to, f);
	if (fclose(f) != 0 || n < 0) {
		free(s);
		errno = n < 0 ? (int)-n : ENOMEM;
		return NULL;
	}
	if (nlines != NULL)
		*nlines = n;
	return s;
}

struct cmp_out {
	FILE *out;
	bool all;
	long changed;
};

/* One rendered line: "+ " only in the new tree, "- " only in the old one. */
static int mark_out(struct cmp_out *c, char mark, const char *buf)
{
	if (mark != ' ')
		c->changed++;
	else if (!c->all)
		return 0;
	return fprintf(c->out, "%c set%s\n", mark, buf) < 0 ? -EIO : 0;
}

static int cmp_pair(const struct sl_conf_node *a, const struct sl_conf_node *b,
	const struct sl_conf_node *x, const struct sl_conf_node *y, char *buf, size_t o, void *ctx)
{
	struct cmp_out *c = ctx;
	int rc = 0;
	(void)a, (void)b;
	/* a node is a line of a tree where it is a leaf there */
	bool la = x != NULL && x->kids.n == 0, lb = y != NULL && y->kids.n == 0;
	if (la || lb)
		rc = mark_out(c, la && lb ? ' ' : la ? '-' : '+', buf);
	const struct sl_conf_node *da = x != NULL && !la ? x : NULL;
	const struct sl_conf_node *db = y != NULL && !lb ? y : NULL;
	if (rc == 0 && (da != NULL || db != NULL))
		rc = walk_pairs(da, db, buf, o, cmp_pair, c);
	return rc;
}

long sl_conf_compare(const struct sl_conf *from, const struct sl_conf *to, bool all, FILE *out)
{
	struct cmp_out c = {out, all, 0};
	char *buf = malloc(CONF_LINE_MAX);

	if (buf == NULL)
		return -ENOMEM;
	buf[0] = '\0';
	int rc = walk_pairs(sl_conf_root(from), sl_conf_root(to), buf, 0, cmp_pair, &c);
	free(buf);
	return rc < 0 ? rc : c.changed;
}
