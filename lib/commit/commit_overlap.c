/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_overlap.c — does a commit prepared against an older revision change
 * what changed since? Both sides are measured in lib/conf's changed paths
 * (objects: an interface, a VRF's table, one static route, a ruleset), on a
 * scratch copy of the running configuration, so that two operators editing
 * different routes of one VRF merge while two editing one interface do not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

struct paths {
	char **v; /* tokens joined by '\x1f' (no token holds it: conf_lex) */
	size_t n, cap;
};

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

/* The changed paths of conf's last transaction into p. */
static int paths_take(const struct sl_conf *conf, struct paths *p)
{
	size_t n = sl_conf_change_count(conf);
	for (size_t i = 0; i < n; i++) {
		const char *const *tok;
		size_t nt, len = 1;
		unsigned line;
		if (sl_conf_change_get(conf, i, &tok, &nt, &line) < 0)
			continue;
		for (size_t k = 0; k < nt; k++)
			len += strlen(tok[k]) + 1;
		char *s = malloc(len);
		if (s == NULL || sl_grow(&p->v, &p->cap, p->n, sizeof(*p->v)) < 0) {
			free(s);
			return -ENOMEM;
		}
		s[0] = '\0';
		for (size_t k = 0, o = 0; k < nt; k++)
			o += (size_t)sprintf(s + o, "%s%s", k ? "\x1f" : "", tok[k]);
		p->v[p->n++] = s;
	}
	return 0;
}

/* One path is the other, or an ancestor of it, token-wise. */
static bool path_overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), l = la < lb ? la : lb;
	if (memcmp(a, b, l) != 0)
		return false;
	return la == lb || (la < lb ? b[la] : a[lb]) == '\x1f';
}

struct undo {
	FILE *dels, *sets;
};

/* running → base: base's lines set again, running's own lines deleted */
static int undo_cb(void *ctx, char sign, const char *line, size_t len)
{
	struct undo *u = ctx;
	if (len < 4 || memcmp(line, "set ", 4) != 0)
		return 0;
	if (sign == '-')
		fprintf(u->sets, "%.*s\n", (int)len, line);
	else
		fprintf(u->dels, "delete %.*s\n", (int)(len - 4), line + 4);
	return 0;
}

/* The paths base → running changed, as lib/conf records them going back. */
static int paths_since(
	struct sl_conf *conf, const char *base, const char *running, struct paths *out)
{
	char *dels = NULL, *sets = NULL;
	size_t dl = 0, sl = 0;
	struct undo u = {open_memstream(&dels, &dl), open_memstream(&sets, &sl)};
	int rc = u.dels && u.sets ? commit_diff_lines(base, running, undo_cb, &u) : -ENOMEM;
	if (u.dels)
		fclose(u.dels);
	if (u.sets)
		fclose(u.sets);
	struct sl_errors errs = {0};
	if (rc == 0 && (rc = sl_conf_begin(conf)) == 0) {
		/* a line made moot by an earlier one fails: its path is recorded */
		sl_conf_exec_text(conf, dels, 1, &errs, NULL);
		sl_conf_exec_text(conf, sets, 1, &errs, NULL);
		rc = paths_take(conf, out);
		sl_conf_abort(conf);
	}
	sl_errors_free(&errs);
	free(dels);
	free(sets);
	return rc;
}

int sl_commit_overlap(
	const char *base, const char *running, const char *input, char *path, size_t path_len)
{
	struct sl_conf *conf = sl_conf_new();
	struct sl_errors errs = {0};
	struct paths since = {0}, mine = {0};
	if (conf == NULL)
		return -ENOMEM;
	int rc = sl_conf_begin(conf);
	if (rc == 0) {
		sl_conf_exec_text(conf, running, 1, &errs, NULL);
		/* running was committed once: it validates (an error is a bug) */
		rc = sl_conf_commit(conf, &errs);
		if (rc < 0)
			sl_conf_abort(conf);
	}
	if (rc == 0)
		rc = paths_since(conf, base, running, &since);
	if (rc == 0 && since.n > 0 && (rc = sl_conf_begin(conf)) == 0) {
		/* the input's lines on the running configuration: what it changes */
		sl_conf_exec_text(conf, input, 1, &errs, NULL);
		rc = paths_take(conf, &mine);
		sl_conf_abort(conf);
	}
	int hit = 0;
	for (size_t i = 0; rc == 0 && !hit && i < mine.n; i++)
		for (size_t k = 0; !hit && k < since.n; k++)
			if (path_overlap(mine.v[i], since.v[k])) {
				hit = 1;
				snprintf(path, path_len, "%s", since.v[k]);
				for (char *p = path; *p; p++)
					if (*p == '\x1f')
						*p = ' ';
			}
	paths_free(&since);
	paths_free(&mine);
	sl_errors_free(&errs);
	sl_conf_free(conf);
	return rc < 0 ? rc : hit;
}
