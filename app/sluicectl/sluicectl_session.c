/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configure session (VyOS style), shared by the interactive prompt and
 * scripts on stdin: a candidate tree (lib/conf) starts as the running
 * configuration; set/delete lines are checked against the schema at once
 * and change only the candidate; `commit` sends the candidate's difference
 * from its base (sl_conf_diff) to the daemon as one `configure` transaction,
 * with `base ID` when the daemon keeps revisions. No terminal handling here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sluicectl.h"

struct session {
	const char *socket;
	bool json, script;
	char *running_text; /* the base: `show configuration` when the session (re)based */
	struct sl_conf *running, *cand; /* both inside an open, never committed transaction */
	char base_id[32]; /* the base's revision id; "" when the daemon keeps none */
	unsigned errors; /* lines refused (scripts: a later commit is refused) */
	/* the candidate was changed since it was the base: the diff is worth
	 * computing (half a second for 130,000 routes: not at every prompt) */
	bool edited;
	unsigned lineno; /* scripts: the input line being run */
};

static const char *const needs_history =
	"this sluiced keeps no commit history (an older daemon): commit-confirm, confirm, "
	"rollback and compare N M need a newer one";

/* A tree holding text, inside an open transaction (lines that fail are
 * reported to errs and skipped). NULL when out of memory. */
static struct sl_conf *tree_of(const char *text, unsigned first, struct sl_errors *errs)
{
	struct sl_conf *c = sl_conf_new();
	if (c == NULL || sl_conf_begin(c) < 0) {
		sl_conf_free(c);
		return NULL;
	}
	if (text != NULL)
		sl_conf_exec_text(c, text, first, errs, NULL);
	return c;
}

/* A copy of the candidate (its rendering loads back identically). */
static struct sl_conf *cand_copy(const struct session *s)
{
	char *text = sl_conf_render_str(s->cand);
	struct sl_errors errs = {0};
	struct sl_conf *c = text != NULL ? tree_of(text, 1, &errs) : NULL;
	sl_errors_free(&errs);
	free(text);
	return c;
}

static void cand_replace(struct session *s, struct sl_conf *c, bool edited)
{
	sl_conf_free(s->cand);
	s->cand = c;
	s->edited = edited;
}

/* Where a message is about: the script's line, or nothing at the prompt. */
static void say_error(struct session *s, const char *fmt, const char *msg)
{
	s->errors++;
	if (s->script)
		fprintf(stderr, "line %u: ", s->lineno);
	else
		fprintf(stderr, "%% ");
	fprintf(stderr, fmt, msg);
	fputc('\n', stderr);
}

void session_refuse(struct session *s, const char *msg)
{
	say_error(s, "%s", msg);
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* (Re)base on the running configuration: fetch its revision id (first: a
 * commit in between then makes the id older than the text, which the
 * daemon treats as stale, the safe side), then its text. */
static int fetch_running(struct session *s, char **text, char *id, size_t idsz)
{
	char *idcmd[] = {"show", "system", "commit", "id"};
	char *cmd[] = {"show", "configuration"};
	char *got = client_capture(s->socket, 4, idcmd);
	id[0] = '\0';
	if (got != NULL) {
		trim(got);
		/* only a number: an old daemon's error text never gets here, but
		 * a daemon that echoes something else must not become the base */
		if (got[0] != '\0' && strspn(got, "0123456789") == strlen(got) &&
			strlen(got) < idsz)
			snprintf(id, idsz, "%s", got);
		free(got);
	}
	*text = client_capture(s->socket, 2, cmd);
	if (*text == NULL) {
		fprintf(stderr, "sluicectl: cannot read the running configuration from %s\n",
			s->socket);
		return -EIO;
	}
	return 0;
}

int session_rebase(struct session *s)
{
	char *text, id[sizeof(s->base_id)];
	if (fetch_running(s, &text, id, sizeof(id)) < 0)
		return -EIO;
	struct sl_errors errs = {0};
	struct sl_conf *running = tree_of(text, 1, &errs), *cand = tree_of(text, 1, &errs);
	if (running == NULL || cand == NULL) {
		sl_conf_free(running);
		sl_conf_free(cand);
		free(text);
		sl_errors_free(&errs);
		return -ENOMEM;
	}
	if (errs.n > 0) /* the daemon's own rendering: should never happen */
		fprintf(stderr, "sluicectl: warning: the running configuration does not parse "
				"here (an older sluicectl?); lines skipped\n");
	sl_errors_free(&errs);
	sl_conf_free(s->running);
	sl_conf_free(s->cand);
	free(s->running_text);
	s->running = running;
	s->cand = cand;
	s->running_text = text;
	s->edited = false;
	snprintf(s->base_id, sizeof(s->base_id), "%s", id);
	return 0;
}

struct session *session_new(const char *socket, bool json, bool script)
{
	struct session *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->socket = socket;
	s->json = json;
	s->script = script;
	if (session_rebase(s) < 0) {
		session_free(s);
		return NULL;
	}
	if (s->base_id[0] == '\0' && !script)
		printf("note: %s\n", needs_history);
	return s;
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	sl_conf_free(s->running);
	sl_conf_free(s->cand);
	free(s->running_text);
	free(s);
}

const struct sl_conf *session_candidate(const struct session *s)
{
	return s->cand;
}

void session_set_line(struct session *s, unsigned lineno)
{
	s->lineno = lineno;
}

unsigned session_errors(const struct session *s)
{
	return s->errors;
}

/* The candidate's difference from its base as set/delete lines (malloc'ed). */
static char *changes(const struct session *s, long *n)
{
	if (!s->edited) {
		*n = 0;
		return strdup("");
	}
	char *d = sl_conf_diff_str(s->running, s->cand, n);
	if (d == NULL)
		fprintf(stderr, "sluicectl: %s\n", strerror(errno));
	return d;
}

bool session_edited(const struct session *s)
{
	return s->edited;
}

bool session_dirty(const struct session *s)
{
	long n = 0;
	if (!s->edited)
		return false;
	char *d = changes(s, &n);
	free(d);
	return d == NULL || n > 0;
}

/* set/delete: into the candidate at once, or refused whole. */
static int cmd_edit(struct session *s, const char *line)
{
	struct sl_errors errs = {0};
	int rc = sl_conf_exec(s->cand, line, s->lineno, &errs, NULL);
	s->edited |= rc == 0;
	for (size_t i = 0; i < errs.n; i++)
		say_error(s, "%s (the line is not in the candidate)", errs.v[i].msg);
	if (rc < 0 && errs.n == 0)
		say_error(s, "%s", strerror(-rc));
	sl_errors_free(&errs);
	return rc < 0 ? EXIT_CONFIG : EXIT_OK;
}

/* Does line (a rendered "set ..." line) lie under the path words? */
static bool under(const char *line, char **words, int n)
{
	const char *p = line + 4; /* after "set " */
	for (int i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		if (strncmp(p, words[i], len) != 0 || (p[len] != ' ' && p[len] != '\0'))
			return false;
		p += len + (p[len] == ' ');
	}
	return true;
}

/* show [PATH]: the candidate in set form, marked against the running one. */
static int cmd_show(struct session *s, char **words, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL || sl_conf_compare(s->running, s->cand, true, f) < 0) {
		if (f != NULL)
			fclose(f);
		free(text);
		say_error(s, "%s", "out of memory");
		return EXIT_CONFIG;
	}
	fclose(f);
	unsigned shown = 0;
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (under(l + 2, words, n)) {
			puts(l);
			shown++;
		}
	if (shown == 0)
		printf("%s\n", n > 0 ? "nothing configured under this path" : "(empty)");
	free(text);
	return EXIT_OK;
}

static int cmd_compare(struct session *s, char **words, int n)
{
	if (n == 0) {
		long c = sl_conf_compare(s->running, s->cand, false, stdout);
		if (c == 0)
			printf("no changes between the candidate and the running configuration\n");
		return c < 0 ? EXIT_CONFIG : EXIT_OK;
	}
	if (n > 2) {
		say_error(s, "%s", "usage: compare [N [M]] (revisions back from the running one)");
		return EXIT_USAGE;
	}
	if (s->base_id[0] == '\0') {
		say_error(s, "%s", needs_history);
		return EXIT_USAGE;
	}
	char *cmd[] = {"show", "system", "commit", n == 1 ? "diff" : "compare", words[0],
		n == 2 ? words[1] : NULL};
	return client_run(s->socket, n == 1 ? 5 : 6, cmd, s->json, NULL);
}

/*
 * Print the daemon's errors for a commit: "N: msg" names line N of what was
 * sent, which the user never saw: print that line's text instead.
 */
static void errors_by_text(const struct session *s, const char *errors, const char *input)
{
	char where[32] = "% ";
	if (s->script)
		snprintf(where, sizeof(where), "line %u: ", s->lineno);
	char *copy = strdup(errors != NULL ? errors : "");
	for (char *save, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *end;
		unsigned long n = strtoul(l, &end, 10);
		const char *at = input;
		if (end == l || strncmp(end, ": ", 2) != 0 || n == 0) {
			fprintf(stderr, "%s%s\n", where, l);
			continue;
		}
		for (unsigned long i = 1; i < n && at != NULL; i++)
			if ((at = strchr(at, '\n')) != NULL)
				at++;
		if (at == NULL || *at == '\0') {
			fprintf(stderr, "%s%s\n", where, l);
			continue;
		}
		int len = (int)strcspn(at, "\n");
		fprintf(stderr, "%s'%.*s': %s\n", where, len, at, end + 2);
	}
	free(copy);
}

/* argv words after the verb: `comment TEXT` (the rest of the line). */
static int comment_of(char **words, int n, int at, char *buf, size_t size)
{
	buf[0] = '\0';
	if (at >= n)
		return 0;
	if (strcmp(words[at], "comment") != 0 || at + 1 >= n)
		return -EINVAL;
	size_t off = 0;
	for (int i = at + 1; i < n && off < size; i++)
		off += (size_t)snprintf(
			buf + off, size - off, "%s%s", i > at + 1 ? " " : "", words[i]);
	return 0;
}

static bool is_number(const char *w)
{
	return w[0] != '\0' && strlen(w) < 8 && strspn(w, "0123456789") == strlen(w);
}

/* commit [comment TEXT] | commit-confirm MINUTES [comment TEXT] */
static int cmd_commit(struct session *s, char **words, int n, bool confirm)
{
	char comment[1024];
	int at = confirm ? 2 : 1;
	if (confirm && (n < 2 || !is_number(words[1]) || atoi(words[1]) == 0)) {
		say_error(s, "%s", "usage: commit-confirm MINUTES [comment TEXT] (MINUTES >= 1)");
		return EXIT_USAGE;
	}
	if (comment_of(words, n, at, comment, sizeof(comment)) < 0) {
		say_error(s, "%s",
			confirm ? "usage: commit-confirm MINUTES [comment TEXT]"
				: "usage: commit [comment TEXT]");
		return EXIT_USAGE;
	}
	if (confirm && s->base_id[0] == '\0') {
		say_error(s, "%s", needs_history);
		return EXIT_USAGE;
	}
	if (s->script && s->errors > 0) {
		say_error(s, "%s", "not committed: an earlier line of this input was refused");
		return EXIT_CONFIG;
	}
	long nl;
	char *input = changes(s, &nl);
	if (input == NULL)
		return EXIT_CONFIG;
	if (nl == 0 && !confirm) {
		printf("no configuration changes to commit\n");
		free(input);
		return EXIT_OK;
	}
	char *argv[8];
	int argc = 0;
	argv[argc++] = "configure";
	if (s->base_id[0] != '\0') {
		argv[argc++] = "base";
		argv[argc++] = s->base_id;
	}
	if (comment[0] != '\0') {
		argv[argc++] = "comment";
		argv[argc++] = comment;
	}
	if (confirm) {
		argv[argc++] = "confirm";
		argv[argc++] = words[1];
	}
	char *out = NULL, *errs = NULL;
	int status = client_call(s->socket, argc, argv, s->json, input, &out, &errs);
	if (out != NULL)
		fputs(out, stdout);
	errors_by_text(s, errs, input);
	/* "committed, but the FIB refused some changes": it is running now */
	bool went_in =
		status == EXIT_OK || (errs != NULL && strstr(errs, "committed, but") != NULL);
	free(out);
	free(errs);
	free(input);
	if (status != EXIT_OK && went_in) {
		s->errors++;
		if (session_rebase(s) < 0)
			return EXIT_CONFIG;
		fprintf(stderr, "%% committed with the errors above: the candidate is now the "
				"running configuration\n");
		return status;
	}
	if (status != EXIT_OK) {
		say_error(s, "%s", "commit refused: the candidate is kept as it was");
		return status;
	}
	if (session_rebase(s) < 0) {
		fprintf(stderr, "%% committed, but the running configuration could not be read "
				"back: run 'update'\n");
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

/* load FILE (replace the candidate) | merge FILE (add to it): checked whole. */
static int cmd_load(struct session *s, char **words, int n, bool merge)
{
	if (n != 1) {
		say_error(s, "%s", merge ? "usage: merge FILE" : "usage: load FILE");
		return EXIT_USAGE;
	}
	char *text = file_slurp(words[0]);
	if (text == NULL) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s: %s", words[0], strerror(errno));
		say_error(s, "%s", msg);
		return EXIT_CONFIG;
	}
	struct sl_errors errs = {0};
	struct sl_conf *c = merge ? cand_copy(s) : tree_of(NULL, 1, &errs);
	if (c == NULL) {
		free(text);
		say_error(s, "%s", "out of memory");
		return EXIT_CONFIG;
	}
	sl_conf_exec_text(c, text, 1, &errs, NULL);
	free(text);
	if (errs.n > 0) {
		for (size_t i = 0; i < errs.n; i++) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s:%u: %s", words[0], errs.v[i].line,
				errs.v[i].msg);
			say_error(s, "%s", msg);
		}
		fprintf(stderr, "%% %s refused: the candidate is unchanged\n", words[0]);
		sl_errors_free(&errs);
		sl_conf_free(c);
		return EXIT_CONFIG;
	}
	sl_errors_free(&errs);
	cand_replace(s, c, true);
	long nl = 0;
	free(changes(s, &nl));
	printf("%s %s: %ld line%s of change against the running configuration\n",
		merge ? "merged" : "loaded", words[0], nl, nl == 1 ? "" : "s");
	return EXIT_OK;
}

/* The path words of a set/delete line (a set's value left out). */
static int path_words(const char *line, char **w, int max, char *buf, size_t size)
{
	snprintf(buf, size, "%s", line);
	int n = 0;
	for (char *save, *t = strtok_r(buf, " ", &save); t && n < max;
		t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return n > 0 && strcmp(w[0], "set") == 0 ? n - 1 : n;
}

/* Do two lines touch the same part of the tree (one path under the other)? */
static bool overlap(const char *a, const char *b)
{
	char ba[4096], bb[4096], *wa[64], *wb[64];
	int na = path_words(a, wa, 64, ba, sizeof(ba)), nb = path_words(b, wb, 64, bb, sizeof(bb));
	int k = na < nb ? na : nb;
	for (int i = 1; i < k; i++)
		if (strcmp(wa[i], wb[i]) != 0)
			return false;
	return k > 1;
}

/* update: the session's own changes re-applied onto the newest running
 * configuration; lines that no longer apply, or whose part of the tree
 * changed meanwhile, are reported (conflicts). */
static int cmd_update(struct session *s)
{
	long nl;
	char *mine = changes(s, &nl), *old_text = NULL;
	if (mine == NULL)
		return EXIT_CONFIG;
	struct sl_conf *old = s->running;
	s->running = NULL; /* kept for the conflicts: theirs = old → new running */
	old_text = s->running_text;
	s->running_text = NULL;
	if (session_rebase(s) < 0) {
		s->running = old;
		s->running_text = old_text;
		free(mine);
		say_error(s, "%s", "update: cannot read the running configuration");
		return EXIT_CONFIG;
	}
	char *theirs = sl_conf_diff_str(old, s->running, NULL);
	unsigned conflicts = 0, lineno = 0;
	char *copy = strdup(mine);
	for (char *save, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct sl_errors errs = {0};
		lineno++;
		s->edited = true;
		if (sl_conf_exec(s->cand, l, lineno, &errs, NULL) < 0) {
			conflicts++;
			fprintf(stderr, "%% conflict: '%s' no longer applies: %s (dropped)\n", l,
				errs.n > 0 ? errs.v[0].msg : "refused");
		} else if (theirs != NULL) {
			char *tc = strdup(theirs);
			for (char *s2, *t = strtok_r(tc, "\n", &s2); t;
				t = strtok_r(NULL, "\n", &s2))
				if (overlap(l, t)) {
					conflicts++;
					fprintf(stderr,
						"%% conflict: '%s' (yours, kept) and '%s' "
						"(committed "
						"meanwhile) change the same part\n",
						l, t);
					break;
				}
			free(tc);
		}
		sl_errors_free(&errs);
	}
	free(copy);
	long now;
	free(changes(s, &now));
	printf("updated to the running configuration%s%s%s; %ld line%s of change kept, %u "
	       "conflict%s\n",
		s->base_id[0] ? " (revision " : "", s->base_id, s->base_id[0] ? ")" : "", now,
		now == 1 ? "" : "s", conflicts, conflicts == 1 ? "" : "s");
	free(theirs);
	free(mine);
	free(old_text);
	sl_conf_free(old);
	return conflicts > 0 ? EXIT_CONFIG : EXIT_OK;
}

int session_line(struct session *s, char **words, int n, const char *line, bool *leave)
{
	const char *v = words[0];
	*leave = false;
	if (strcmp(v, "set") == 0 || strcmp(v, "delete") == 0)
		return cmd_edit(s, line);
	if (strcmp(v, "show") == 0) {
		/* show PATH: the candidate; other show commands: the daemon's */
		const char *w[WORDS_MAX];
		char err[640];
		for (int i = 1; i < n; i++)
			w[i - 1] = words[i];
		if (n > 1 && sl_conf_expand(w, n - 1, err, sizeof(err)) < 0)
			return client_run(s->socket, n, words, s->json, NULL);
		return cmd_show(s, words + 1, n - 1);
	}
	if (strcmp(v, "compare") == 0)
		return cmd_compare(s, words + 1, n - 1);
	if (strcmp(v, "commit") == 0 || strcmp(v, "commit-confirm") == 0)
		return cmd_commit(s, words, n, v[6] == '-');
	if (strcmp(v, "load") == 0 || strcmp(v, "merge") == 0)
		return cmd_load(s, words + 1, n - 1, v[0] == 'm');
	if (strcmp(v, "update") == 0 && n == 1)
		return cmd_update(s);
	if (strcmp(v, "confirm") == 0 && n == 1) {
		if (s->base_id[0] == '\0') {
			say_error(s, "%s", needs_history);
			return EXIT_USAGE;
		}
		char *cmd[] = {"confirm"};
		return client_run(s->socket, 1, cmd, s->json, NULL);
	}
	if (strcmp(v, "rollback") == 0) {
		if (n != 2 || !is_number(words[1])) {
			say_error(
				s, "%s", "usage: rollback N (revisions back; 0 = the running one)");
			return EXIT_USAGE;
		}
		if (s->base_id[0] == '\0') {
			say_error(s, "%s", needs_history);
			return EXIT_USAGE;
		}
		if (session_dirty(s))
			printf("note: the candidate's uncommitted changes are dropped\n");
		char *cmd[] = {"rollback", words[1]};
		int status = client_run(s->socket, 2, cmd, s->json, NULL);
		if (status != EXIT_OK)
			s->errors++;
		else if (session_rebase(s) < 0)
			return EXIT_CONFIG;
		return status;
	}
	if (strcmp(v, "discard") == 0 && n == 1) {
		struct sl_errors errs = {0};
		struct sl_conf *c = tree_of(s->running_text, 1, &errs);
		sl_errors_free(&errs);
		if (c == NULL)
			return EXIT_CONFIG;
		cand_replace(s, c, false);
		s->errors = 0; /* a script goes on afresh: its later commit may go */
		printf("changes discarded\n");
		return EXIT_OK;
	}
	if (strcmp(v, "save") == 0) {
		if (n > 1) {
			say_error(s, "%s",
				"save takes no FILE: sluiced saves to the --config file it "
				"was started with");
			return EXIT_USAGE;
		}
		if (session_dirty(s))
			printf("note: 'save' saves the running configuration; the candidate's "
			       "uncommitted changes are not in it\n");
		char *cmd[] = {"save"};
		return client_run(s->socket, 1, cmd, s->json, NULL);
	}
	if (strcmp(v, "exit") == 0 || strcmp(v, "quit") == 0) {
		bool discard = n == 2 && strcmp(words[1], "discard") == 0;
		if (n > 2 || (n == 2 && !discard)) {
			say_error(s, "%s", "usage: exit [discard]");
			return EXIT_USAGE;
		}
		if (!discard && session_dirty(s)) {
			say_error(s, "%s",
				"the candidate has uncommitted changes: 'commit' them, "
				"'discard' them, or 'exit discard'");
			return EXIT_CONFIG;
		}
		*leave = true;
		return EXIT_OK;
	}
	if (strcmp(v, "configure") == 0 && n == 1) {
		printf("already in configure mode\n");
		return EXIT_OK;
	}
	if (strcmp(v, "run") == 0) {
		if (n < 2)
			return EXIT_OK;
		return client_run(s->socket, n - 1, words + 1, s->json, NULL);
	}
	say_error(s, "%s",
		"in configure mode: set, delete, show [PATH], compare [N [M]], commit [comment "
		"TEXT], commit-confirm MINUTES, confirm, rollback N, discard, load FILE, merge "
		"FILE, update, save, run COMMAND, exit [discard]");
	return EXIT_USAGE;
}
