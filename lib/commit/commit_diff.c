/* SPDX-License-Identifier: BSD-3-Clause */
/* commit_diff.c — the line-set diff of two configuration texts: rendered
 * configurations are canonical (one line per leaf value, sorted), so which
 * lines came and went is the whole change; no edit script is needed. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

struct line {
	const char *p;
	size_t len;
	uint64_t hash;
};

struct lines {
	struct line *v;
	size_t n, cap;
	size_t *slot; /* open addressing: index + 1, 0 empty */
	size_t mask;
};

static uint64_t fnv(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* The lines of text that carry configuration: blank and '#' lines skipped,
 * trailing blanks and a CR cut. */
static int lines_split(const char *text, struct lines *ls)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *s = p;
		p = nl ? nl + 1 : NULL;
		while (len > 0 && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			len--;
		sl_progress(); /* the punt path is served through a diff of 1M lines */
		if (len == 0 || *s == '#')
			continue;
		if (sl_grow(&ls->v, &ls->cap, ls->n, sizeof(*ls->v)) < 0)
			return -ENOMEM;
		ls->v[ls->n++] = (struct line){s, len, fnv(s, len)};
	}
	size_t size = 16;
	while (size < 2 * ls->n)
		size <<= 1;
	ls->slot = calloc(size, sizeof(*ls->slot));
	if (ls->slot == NULL)
		return -ENOMEM;
	ls->mask = size - 1;
	for (size_t i = 0; i < ls->n; i++) {
		size_t s = ls->v[i].hash & ls->mask;
		while (ls->slot[s] != 0)
			s = (s + 1) & ls->mask;
		ls->slot[s] = i + 1;
	}
	return 0;
}

static bool lines_has(const struct lines *ls, const struct line *l)
{
	for (size_t s = l->hash & ls->mask; ls->slot[s] != 0; s = (s + 1) & ls->mask) {
		const struct line *x = &ls->v[ls->slot[s] - 1];
		if (x->hash == l->hash && x->len == l->len && memcmp(x->p, l->p, l->len) == 0)
			return true;
	}
	return false;
}

static void lines_free(struct lines *ls)
{
	free(ls->v);
	free(ls->slot);
}

int commit_diff_lines(const char *a, const char *b, commit_diff_fn cb, void *ctx)
{
	struct lines la = {0}, lb = {0};
	int rc = lines_split(a, &la);
	if (rc == 0)
		rc = lines_split(b, &lb);
	for (size_t i = 0; rc == 0 && i < la.n; i++) {
		sl_progress();
		if (!lines_has(&lb, &la.v[i]))
			rc = cb(ctx, '-', la.v[i].p, la.v[i].len);
	}
	for (size_t i = 0; rc == 0 && i < lb.n; i++) {
		sl_progress();
		if (!lines_has(&la, &lb.v[i]))
			rc = cb(ctx, '+', lb.v[i].p, lb.v[i].len);
	}
	lines_free(&la);
	lines_free(&lb);
	return rc;
}

struct diff_print {
	FILE *out;
	size_t added, removed;
};

static int diff_print(void *ctx, char sign, const char *line, size_t len)
{
	struct diff_print *d = ctx;
	if (sign == '+')
		d->added++;
	else
		d->removed++;
	if (d->out != NULL)
		fprintf(d->out, "%c %.*s\n", sign, (int)len, line);
	return 0;
}

int sl_text_diff(const char *a, const char *b, FILE *out, size_t *added, size_t *removed)
{
	struct diff_print d = {.out = out};
	int rc = commit_diff_lines(a, b, diff_print, &d);
	if (added != NULL)
		*added = d.added;
	if (removed != NULL)
		*removed = d.removed;
	return rc;
}
