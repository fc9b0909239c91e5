/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The words of a command line: abbreviations expanded (`sh ip ro` = `show
 * ip route`) and the choices at the cursor, from lib/show's commands, the
 * daemon's own and the configuration schema (lib/conf).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sl_show.h"
#include "sluicectl.h"

/* The daemon's show commands beyond lib/show's (app/sluiced registers them
 * with sl_ctl_register; keep this list in step). */
static const char *const daemon_show[] = {
	"interfaces",
	"dataplane",
	"arp [vrf NAME]",
	"fpm",
	"control-plane",
	"conntrack [vrf NAME]",
	"nat translations [vrf NAME]",
	"firewall leak-points",
	"log [count N] [level LEVEL]",
	"service monitoring",
	"system commit",
	"system commit diff N",
	"system commit compare N M",
	"system commit id",
	NULL,
};

struct verb {
	const char *word, *help;
};

static const struct verb verbs_live[] = {
	{"show", "show state: show ip route [vrf NAME], show interfaces, ..."},
	{"configure", "edit the configuration (interactive) or load FILE"},
	{"ping", "ping ADDR vrf NAME"},
	{"traceroute", "traceroute ADDR vrf NAME"},
	{"clear", "clear counters"},
	{"rollback", "rollback N: the configuration of revision N back (show system commit)"},
	{"check-leaks", "check-leaks EXPECTED: compare the leaks with a file"},
	{"help", "list the daemon's commands"},
	{"exit", "leave sluicectl"},
	{NULL, NULL},
};

static const struct verb verbs_offline[] = {
	{"show", "show state computed from the file"},
	{"check", "check the file"},
	{"check-leaks", "check-leaks EXPECTED: compare the leaks with a file"},
	{NULL, NULL},
};

static const struct verb verbs_configure[] = {
	{"set", "set PATH VALUE: add to the candidate configuration (checked at once)"},
	{"delete", "delete PATH: remove from the candidate configuration"},
	{"show", "show [PATH]: the candidate, +/- against the running one; or show state"},
	{"compare", "compare [N [M]]: candidate vs running; revisions N vs M"},
	{"commit", "commit [comment TEXT]: apply the candidate as one transaction"},
	{"commit-confirm", "commit-confirm MINUTES [comment TEXT]: reverted unless confirmed"},
	{"confirm", "confirm the last commit-confirm"},
	{"rollback", "rollback N: the running configuration N revisions back"},
	{"discard", "drop the candidate's changes"},
	{"load", "load FILE: the candidate becomes the file"},
	{"merge", "merge FILE: add the file to the candidate"},
	{"update", "re-apply the candidate's changes onto the newest running configuration"},
	{"save", "save the running configuration to sluiced's --config file"},
	{"run", "run an operational command"},
	{"exit", "leave configure mode ('exit discard' drops uncommitted changes)"},
	{NULL, NULL},
};

static const struct verb *verbs_of(enum words_mode mode)
{
	return mode == WORDS_OFFLINE	 ? verbs_offline
	       : mode == WORDS_CONFIGURE ? verbs_configure
					 : verbs_live;
}

static const char *const *extra_of(enum words_mode mode)
{
	return mode == WORDS_OFFLINE ? NULL : daemon_show;
}

/* The verb word abbreviates (exact, else unique prefix); NULL with err. */
static const char *verb_expand(
	const struct verb *v, const char *word, bool quiet_unknown, char *err, size_t errsz)
{
	const char *hit = NULL;
	char list[256] = "";
	size_t len = strlen(word), off = 0;
	int n = 0;

	for (int i = 0; v[i].word; i++)
		if (strcmp(v[i].word, word) == 0)
			return v[i].word;
	for (int i = 0; v[i].word; i++)
		if (len > 0 && strncmp(v[i].word, word, len) == 0) {
			hit = v[i].word;
			off += (size_t)snprintf(
				list + off, sizeof(list) - off, "%s%s", n++ ? ", " : "", v[i].word);
		}
	if (n == 1)
		return hit;
	if (n > 1) {
		snprintf(err, errsz, "ambiguous '%s' (could be: %s)", word, list);
		return NULL;
	}
	if (quiet_unknown)
		return word;
	for (int i = 0; v[i].word; i++)
		off += (size_t)snprintf(
			list + off, sizeof(list) - off, "%s%s", i ? ", " : "", v[i].word);
	snprintf(err, errsz, "unknown command '%s' (valid: %s)", word, list);
	return NULL;
}

/* The arguments of the session's own commands (commit comment TEXT, ...). */
static int session_words(
	const char *verb, int n, const char *prefix, sl_conf_choice_fn *cb, void *ctx)
{
	static const struct {
		const char *verb;
		int at; /* words typed, the verb included */
		const char *word, *help;
	} args[] = {
		{"commit", 1, "comment", "comment TEXT: kept with the revision"},
		{"commit-confirm", 1, "<MINUTES>", "reverted unless 'confirm' comes within them"},
		{"commit-confirm", 2, "comment", "comment TEXT: kept with the revision"},
		{"rollback", 1, "<N>", "revisions back (0: the running one)"},
		{"compare", 1, "<N>", "a revision, against the one before it or M"},
		{"compare", 2, "<M>", "the revision to compare N with"},
		{"load", 1, "<FILE>", "set lines that become the candidate"},
		{"merge", 1, "<FILE>", "set lines added to the candidate"},
		{"exit", 1, "discard", "leave, dropping uncommitted changes"},
	};
	int count = 0;
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (strcmp(args[i].verb, verb) == 0 && args[i].at == n &&
			(args[i].word[0] == '<' ||
				strncmp(args[i].word, prefix, strlen(prefix)) == 0)) {
			cb(ctx, args[i].word, args[i].help);
			count++;
		}
	return count;
}

int words_expand(enum words_mode mode, const char **w, int n, char *err, size_t errsz)
{
	if (n == 0)
		return 0;
	/* an unknown verb goes on as typed: the daemon or offline_run names it */
	const char *verb = verb_expand(verbs_of(mode), w[0], true, err, errsz);
	if (verb == NULL)
		return -EINVAL;
	w[0] = verb;
	if (strcmp(verb, "run") == 0 && mode == WORDS_CONFIGURE)
		return words_expand(WORDS_LIVE, w + 1, n - 1, err, errsz);
	if (strcmp(verb, "show") == 0 && mode == WORDS_CONFIGURE && n > 1) {
		/* show PATH shows the candidate: a configuration path first */
		const char *copy[WORDS_MAX];
		for (int i = 1; i < n && i <= WORDS_MAX; i++)
			copy[i - 1] = w[i];
		if (n - 1 <= WORDS_MAX && sl_conf_expand(copy, n - 1, err, errsz) == 0) {
			memcpy(w + 1, copy, (size_t)(n - 1) * sizeof(*w));
			return 0;
		}
	}
	if (strcmp(verb, "show") == 0)
		return sl_show_expand(extra_of(mode), w + 1, n - 1, err, errsz);
	if (strcmp(verb, "set") == 0 || strcmp(verb, "delete") == 0)
		return sl_conf_expand(w + 1, n - 1, err, errsz);
	if (strcmp(verb, "clear") == 0 && n == 2 && strncmp("counters", w[1], strlen(w[1])) == 0)
		w[1] = "counters";
	return 0;
}

int words_complete(enum words_mode mode, const struct sl_conf *conf, const char *const *w, int n,
	const char *prefix, sl_conf_choice_fn *cb, void *ctx, char *err, size_t errsz)
{
	const struct verb *v = verbs_of(mode);

	if (n == 0) {
		int count = 0;
		for (int i = 0; v[i].word; i++)
			if (strncmp(v[i].word, prefix, strlen(prefix)) == 0) {
				cb(ctx, v[i].word, v[i].help);
				count++;
			}
		return count;
	}
	const char *verb = verb_expand(v, w[0], false, err, errsz);
	if (verb == NULL)
		return -EINVAL;
	if (strcmp(verb, "run") == 0 && mode == WORDS_CONFIGURE)
		return words_complete(WORDS_LIVE, conf, w + 1, n - 1, prefix, cb, ctx, err, errsz);
	if (strcmp(verb, "show") == 0 && mode == WORDS_CONFIGURE && n <= WORDS_MAX) {
		/* show [PATH] in configure mode: the schema's words, and state's */
		const char *copy[WORDS_MAX];
		char e2[640];
		for (int i = 1; i < n; i++)
			copy[i - 1] = w[i];
		if (n == 1) {
			int k = sl_conf_complete(conf, copy, 0, prefix, cb, ctx, err, errsz);
			int m = sl_show_complete(
				conf, extra_of(mode), w + 1, 0, prefix, cb, ctx, err, errsz);
			return k < 0 ? m : m < 0 ? k : k + m;
		}
		if (sl_conf_expand(copy, n - 1, e2, sizeof(e2)) == 0)
			return sl_conf_complete(conf, copy, n - 1, prefix, cb, ctx, err, errsz);
	}
	if (strcmp(verb, "show") == 0)
		return sl_show_complete(
			conf, extra_of(mode), w + 1, n - 1, prefix, cb, ctx, err, errsz);
	if (strcmp(verb, "set") == 0 || strcmp(verb, "delete") == 0)
		return sl_conf_complete(conf, w + 1, n - 1, prefix, cb, ctx, err, errsz);
	if (strcmp(verb, "ping") == 0 || strcmp(verb, "traceroute") == 0) {
		/* ping ADDR vrf NAME [count N] */
		const char *u = verb[0] == 'p' ? "ping ADDR vrf NAME [count N]"
					       : "traceroute ADDR vrf NAME";
		if (n == 1) {
			cb(ctx, "<ADDR>", u);
			return 1;
		}
		if (n == 2 || (n == 4 && verb[0] == 'p')) {
			const char *kw = n == 2 ? "vrf" : "count";
			if (strncmp(kw, prefix, strlen(prefix)) != 0)
				return 0;
			cb(ctx, kw, u);
			return 1;
		}
		if (n == 3 && strcmp(w[2], "vrf") == 0) {
			cb(ctx, "<NAME>", u);
			int k = sl_conf_names(conf, SL_NAMES_VRF, prefix, cb, ctx);
			return k < 0 ? k : 1 + k;
		}
		if (n == 5) {
			cb(ctx, "<N>", "1..100 echo requests");
			return 1;
		}
		return 0;
	}
	if (mode == WORDS_CONFIGURE)
		return session_words(verb, n, prefix, cb, ctx);
	if (strcmp(verb, "clear") == 0 && n == 1) {
		if (strncmp("counters", prefix, strlen(prefix)) != 0)
			return 0;
		cb(ctx, "counters", "zero the forwarding counters");
		return 1;
	}
	return 0;
}

/* Split on blanks, honouring '…' and "…" quotes. Modifies line. */
int words_split(char *line, char **words)
{
	int n = 0;
	char *p = line;
	while (*p != '\0' && n < WORDS_MAX) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		char quote = (*p == '\'' || *p == '"') ? *p++ : '\0';
		words[n++] = p;
		while (*p != '\0' && (quote ? *p != quote : (*p != ' ' && *p != '\t')))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

/* Words back into a line that conf_lex reads as the same words: quoted when
 * a word has blanks or quotes, starts a comment ('#') or is empty. */
void line_join(char **words, int n, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && off < size; i++) {
		bool quote = strpbrk(words[i], " \t'\"") != NULL || words[i][0] == '#' ||
			     words[i][0] == '\0';
		const char *q = !quote ? "" : strchr(words[i], '\'') ? "\"" : "'";
		off += (size_t)snprintf(
			buf + off, size - off, "%s%s%s%s", i ? " " : "", q, words[i], q);
	}
}
