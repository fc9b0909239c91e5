/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion, help and abbreviations of `show` commands: the fixed words of
 * the registered commands (and of the caller's extra ones, e.g. the
 * daemon's), then the arguments a command's usage names ("[vrf NAME|all]":
 * the keyword vrf, then a VRF name or all), with names from a configuration.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "show_priv.h"

#define CMDS_MAX 64
#define WORDS_MAX 8
#define USAGE_MAX 16

/* Append sep and w to buf (size), cut when full. */
static void append(char *buf, size_t size, const char *sep, const char *w)
{
	size_t off = strlen(buf);

	for (const char *p = sep; *p && off + 1 < size; p++)
		buf[off++] = *p;
	for (const char *p = w; *p && off + 1 < size; p++)
		buf[off++] = *p;
	buf[off] = '\0';
}

struct cmdv {
	char buf[128];
	const char *w[WORDS_MAX];
	int nw;
	const char *usage;
};

struct cmds {
	struct cmdv v[CMDS_MAX];
	int n;
};

static void cmd_add(struct cmds *cs, const char *words, const char *usage)
{
	if (cs->n == CMDS_MAX)
		return;
	struct cmdv *c = &cs->v[cs->n++];
	snprintf(c->buf, sizeof(c->buf), "%s", words);
	c->nw = 0;
	for (char *save, *t = strtok_r(c->buf, " ", &save); t && c->nw < WORDS_MAX;
		t = strtok_r(NULL, " ", &save))
		c->w[c->nw++] = t;
	c->usage = usage;
}

static void cmds_build(struct cmds *cs, const char *const *extra)
{
	cs->n = 0;
	for (const struct show_cmd *c = show_commands(); c; c = c->next)
		cmd_add(cs, c->words, c->usage);
	/* "arp [vrf NAME]": the fixed words, then the usage */
	for (size_t i = 0; extra && extra[i]; i++) {
		const char *u = extra[i];
		while ((u = strchr(u, ' ')) != NULL && u[1] != '[' && !isupper((unsigned char)u[1]))
			u++;
		char words[128];
		size_t len = u ? (size_t)(u - extra[i]) : strlen(extra[i]);
		snprintf(words, sizeof(words), "%.*s", (int)len, extra[i]);
		cmd_add(cs, words, u ? u + 1 : "");
	}
}

static bool cmd_prefix(const struct cmdv *c, const char *const *words, int n)
{
	if (c->nw < n)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(c->w[i], words[i]) != 0)
			return false;
	return true;
}

/* A usage as tokens: keywords (lowercase) with their argument group
 * ("vrf" + "NAME|all"), and top-level placeholders ("ADDRESS|PREFIX"). */
struct utok {
	char word[32];
	char arg[64]; /* the keyword's argument alternatives, '|'-separated; "" none */
	bool keyword;
};

static bool has_upper(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return true;
	return false;
}

static int usage_parse(const char *usage, struct utok *u, int max)
{
	char buf[256];
	const char *t[USAGE_MAX * 2];
	int nt = 0, n = 0;

	snprintf(buf, sizeof(buf), "%s", usage ? usage : "");
	for (char *save, *s = strtok_r(buf, " []", &save); s && nt < USAGE_MAX * 2;
		s = strtok_r(NULL, " []", &save))
		if (strcmp(s, "|") != 0)
			t[nt++] = s;
	for (int i = 0; i < nt && n < max; i++) {
		struct utok *x = &u[n++];
		snprintf(x->word, sizeof(x->word), "%s", t[i]);
		x->keyword = !has_upper(t[i]);
		x->arg[0] = '\0';
		if (x->keyword && i + 1 < nt && has_upper(t[i + 1]))
			snprintf(x->arg, sizeof(x->arg), "%s", t[++i]);
	}
	return n;
}

/* The kind of names a NAME placeholder after word takes; -1: none. */
static int name_kind(const char *after)
{
	static const struct {
		const char *word;
		enum sl_conf_name_kind kind;
	} map[] = {
		{"vrf", SL_NAMES_VRF},
		{"prefix-list", SL_NAMES_PREFIX_LIST},
		{"route-map", SL_NAMES_ROUTE_MAP},
		{"firewall", SL_NAMES_RULESET},
		{"intent", SL_NAMES_INTENT},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].word, after) == 0)
			return (int)map[i].kind;
	return -1;
}

struct emit {
	const char *prefix;
	/* deduplicated here, sorted by sl_show_complete */
	char (*word)[64];
	char (*help)[160];
	int n, cap;
};

static void emit_add(struct emit *e, const char *word, const char *help)
{
	if (word[0] != '<' && strncmp(word, e->prefix, strlen(e->prefix)) != 0)
		return;
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->word[i], word) == 0)
			return;
	if (e->n == e->cap)
		return;
	snprintf(e->word[e->n], sizeof(e->word[0]), "%s", word);
	snprintf(e->help[e->n], sizeof(e->help[0]), "%s", help);
	e->n++;
}

static int emit_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void emit_cb(void *ctx, const char *word, const char *help)
{
	emit_add(ctx, word, help);
}

/* Alternatives "NAME|all" of an argument after word `after`. */
static void alts_add(const struct sl_conf *conf, const char *alts, const char *after,
	const char *usage_line, struct emit *e)
{
	char buf[64], ph[80];

	snprintf(buf, sizeof(buf), "%s", alts);
	for (char *save, *a = strtok_r(buf, "|", &save); a; a = strtok_r(NULL, "|", &save)) {
		if (!has_upper(a)) {
			emit_add(e, a, usage_line);
			continue;
		}
		snprintf(ph, sizeof(ph), "<%s>", a);
		emit_add(e, ph, usage_line);
		int k = strcmp(a, "NAME") == 0 ? name_kind(after) : -1;
		if (k >= 0 && conf != NULL)
			sl_conf_names(conf, (enum sl_conf_name_kind)k, e->prefix, emit_cb, e);
	}
}

/* Arguments of command c after its fixed words: args[0..n) typed. */
static void args_complete(const struct sl_conf *conf, const struct cmdv *c, const char *const *args,
	int n, struct emit *e)
{
	struct utok u[USAGE_MAX];
	char line[256];
	int nu = usage_parse(c->usage, u, USAGE_MAX);
	const struct utok *expect = NULL;

	snprintf(line, sizeof(line), "show");
	for (int i = 0; i < c->nw; i++)
		append(line, sizeof(line), " ", c->w[i]);
	if (c->usage && c->usage[0])
		append(line, sizeof(line), " ", c->usage);
	for (int i = 0; i < n; i++) {
		const struct utok *kw = NULL;
		if (expect != NULL) {
			expect = NULL;
			continue;
		}
		for (int j = 0; j < nu; j++)
			if (u[j].keyword && strcmp(u[j].word, args[i]) == 0)
				kw = &u[j];
		if (kw != NULL && kw->arg[0] != '\0')
			expect = kw;
	}
	if (expect != NULL) {
		alts_add(conf, expect->arg, expect->word, line, e);
		return;
	}
	for (int j = 0; j < nu; j++) {
		bool used = false;
		for (int i = 0; i < n; i++)
			used = used || strcmp(args[i], u[j].word) == 0;
		if (used)
			continue;
		if (u[j].keyword)
			emit_add(e, u[j].word, line);
		else
			alts_add(conf, u[j].word, c->w[c->nw - 1], line, e);
	}
}

/* The fixed-word choices and arguments after words[0..n). */
static void choices(const struct sl_conf *conf, const struct cmds *cs, const char *const *words,
	int n, struct emit *e)
{
	char help[160];
	const struct cmdv *best = NULL;

	for (int i = 0; i < cs->n; i++) {
		const struct cmdv *c = &cs->v[i];
		if (c->nw > n && cmd_prefix(c, words, n)) {
			snprintf(help, sizeof(help), "show");
			for (int j = 0; j < c->nw; j++)
				append(help, sizeof(help), " ", c->w[j]);
			if (c->usage && c->usage[0])
				append(help, sizeof(help), " ", c->usage);
			emit_add(e, c->w[n], help);
		}
	}
	/* the longest command whose fixed words all precede the cursor */
	for (int i = 0; i < cs->n; i++) {
		const struct cmdv *c = &cs->v[i];
		if (c->nw <= n && cmd_prefix(c, words, c->nw) && (!best || c->nw > best->nw))
			best = c;
	}
	if (best != NULL)
		args_complete(conf, best, words + best->nw, n - best->nw, e);
}

/* A word as a string that outlives the call (the command list and the
 * usage are parsed into copies): expanded words point here. Not
 * thread-safe; only abbreviating callers (the CLI) get here. */
static const char *intern(const char *w)
{
	static char v[64][32];
	static int n;

	for (int i = 0; i < n; i++)
		if (strcmp(v[i], w) == 0)
			return v[i];
	if (n == 64)
		return NULL;
	v[n][0] = '\0';
	append(v[n], sizeof(v[n]), "", w);
	return v[n++];
}

static void list_fmt(const char **v, int n, char *buf, size_t size)
{
	size_t off = 0;

	qsort(v, (size_t)n, sizeof(v[0]), emit_cmp);
	buf[0] = '\0';
	for (int j = 0; j < n && off < size; j++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", j ? ", " : "", v[j]);
}

/* Abbreviation of an argument keyword at words[i] of command c (values stay
 * as typed: a word after a keyword that takes an argument, or any word that
 * abbreviates no keyword). */
static void expand_arg(
	const struct cmdv *c, const char **words, int i, const char **cand, int ncand)
{
	struct utok u[USAGE_MAX];
	int nu = usage_parse(c->usage, u, USAGE_MAX), nhit = 0;
	const char *hit = NULL;
	size_t len = strlen(words[i]);

	if (len == 0)
		return;
	for (int j = 0; j < nu && i > c->nw; j++)
		if (u[j].keyword && u[j].arg[0] && strcmp(u[j].word, words[i - 1]) == 0)
			return;
	for (int j = 0; j < nu; j++)
		if (u[j].keyword && strncmp(u[j].word, words[i], len) == 0) {
			hit = u[j].word;
			nhit++;
		}
	for (int j = 0; j < ncand; j++)
		if (strncmp(cand[j], words[i], len) == 0 && !(hit && strcmp(hit, cand[j]) == 0)) {
			hit = cand[j];
			nhit++;
		}
	if (nhit == 1 && hit != NULL && intern(hit) != NULL)
		words[i] = intern(hit); /* cand points into the caller's cmds */
}

/* Expand the words in place; 0 or -EINVAL with the reason. */
static int expand(
	const struct cmds *cs, const char **words, int n, bool abbrev, char *err, size_t errsz)
{
	char path[256] = "show", list[512];

	for (int i = 0; i < n; i++) {
		const char *cand[CMDS_MAX], *m[CMDS_MAX];
		const struct cmdv *best = NULL;
		int ncand = 0, nm = 0;
		bool exact = false;
		size_t len = strlen(words[i]);

		for (int k = 0; k < cs->n; k++) {
			const struct cmdv *c = &cs->v[k];
			if (c->nw <= i && cmd_prefix(c, words, c->nw) &&
				(!best || c->nw > best->nw))
				best = c;
			if (c->nw <= i || !cmd_prefix(c, words, i))
				continue;
			exact = exact || strcmp(c->w[i], words[i]) == 0;
			bool dup = false;
			for (int j = 0; j < ncand; j++)
				dup = dup || strcmp(cand[j], c->w[i]) == 0;
			if (!dup)
				cand[ncand++] = c->w[i];
		}
		if (!exact && best != NULL && abbrev)
			expand_arg(best, words, i, cand, ncand);
		else if (!exact && best == NULL) {
			for (int j = 0; j < ncand; j++)
				if (abbrev && len > 0 && strncmp(cand[j], words[i], len) == 0)
					m[nm++] = cand[j];
			if (nm == 1 && intern(m[0]) != NULL) {
				words[i] = intern(m[0]);
			} else if (nm > 1) {
				list_fmt(m, nm, list, sizeof(list));
				snprintf(err, errsz, "ambiguous '%s' after '%s' (could be: %s)",
					words[i], path, list);
				return -EINVAL;
			} else {
				list_fmt(cand, ncand, list, sizeof(list));
				snprintf(err, errsz, "unknown word '%s' after '%s' (valid: %s)",
					words[i], path, list);
				return -EINVAL;
			}
		}
		append(path, sizeof(path), " ", words[i]);
	}
	return 0;
}

int sl_show_expand(const char *const *extra, const char **words, int n, char *err, size_t errsz)
{
	struct cmds *cs = malloc(sizeof(*cs));
	int rc;

	if (cs == NULL)
		return -ENOMEM;
	cmds_build(cs, extra);
	rc = expand(cs, words, n, true, err, errsz);
	free(cs);
	return rc;
}

struct sorted {
	const char *word, *help;
};

static int sorted_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sorted *)a)->word, ((const struct sorted *)b)->word);
}

int sl_show_complete(const struct sl_conf *conf, const char *const *extra, const char *const *words,
	int n, const char *prefix, sl_conf_choice_fn *cb, void *ctx, char *err, size_t errsz)
{
	struct cmds *cs = malloc(sizeof(*cs));
	const char *w[64];
	struct emit e = {.prefix = prefix ? prefix : "", .cap = 128};
	struct sorted *v = NULL;
	int rc;

	e.word = calloc((size_t)e.cap, sizeof(e.word[0]));
	e.help = calloc((size_t)e.cap, sizeof(e.help[0]));
	v = calloc((size_t)e.cap, sizeof(*v));
	if (cs == NULL || e.word == NULL || e.help == NULL || v == NULL || n > 64) {
		rc = n > 64 ? -EINVAL : -ENOMEM;
		snprintf(err, errsz, "%s", n > 64 ? "too many words" : "out of memory");
		goto out;
	}
	cmds_build(cs, extra);
	for (int i = 0; i < n; i++)
		w[i] = words[i];
	if ((rc = expand(cs, w, n, true, err, errsz)) < 0)
		goto out;
	choices(conf, cs, w, n, &e);
	for (int i = 0; i < e.n; i++)
		v[i] = (struct sorted){e.word[i], e.help[i]};
	qsort(v, (size_t)e.n, sizeof(v[0]), sorted_cmp);
	for (int i = 0; i < e.n; i++)
		if (cb != NULL)
			cb(ctx, v[i].word, v[i].help);
	rc = e.n;
out:
	free(cs);
	free(e.word);
	free(e.help);
	free(v);
	return rc;
}

void sl_show_unknown(const char *const *extra, int argc, char **argv, FILE *err)
{
	const char *w[64];
	char msg[640];
	int n = argc - 1 > 64 ? 64 : argc - 1;
	struct cmds *cs = malloc(sizeof(*cs));

	for (int i = 0; i < n; i++)
		w[i] = argv[i + 1];
	if (cs == NULL) {
		fprintf(err, "unknown command: show ...\n");
		return;
	}
	cmds_build(cs, extra);
	if (expand(cs, w, n, false, msg, sizeof(msg)) < 0) {
		fprintf(err, "%s\n", msg);
	} else {
		/* every word is known: the command stops short */
		const char *cand[CMDS_MAX];
		int ncand = 0;
		char path[256] = "show";
		for (int i = 0; i < n; i++)
			append(path, sizeof(path), " ", w[i]);
		for (int k = 0; k < cs->n; k++)
			if (cs->v[k].nw > n && cmd_prefix(&cs->v[k], w, n)) {
				bool dup = false;
				for (int j = 0; j < ncand; j++)
					dup = dup || strcmp(cand[j], cs->v[k].w[n]) == 0;
				if (!dup)
					cand[ncand++] = cs->v[k].w[n];
			}
		list_fmt(cand, ncand, msg, sizeof(msg));
		if (ncand > 0)
			fprintf(err, "incomplete command '%s' (continue with one of: %s)\n", path,
				msg);
		else
			fprintf(err, "unknown command '%s'\n", path);
	}
	free(cs);
}
