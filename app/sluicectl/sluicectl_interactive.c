/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interactive prompt (libedit): operational commands go to the daemon
 * one by one; `configure` collects set/delete lines until `commit` (sent as
 * one transaction) or `exit`/`discard` (dropped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <editline/readline.h>

#include "sl_conf.h"
#include "sluicectl.h"

#define WORDS_MAX 64

/* Split on blanks, honouring '…' and "…" quotes. Modifies line. */
static int words_split(char *line, char **words)
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
static void line_join(char **words, int n, char *buf, size_t size)
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

/* ---- completion (Tab) and help (?) ---- */

/* What completion needs: the mode and the names of the running
 * configuration (as `show configuration` gave them, plus the candidate
 * lines of configure mode). */
static struct {
	const char *socket;
	bool configuring;
	struct sl_conf *conf;
	/* the current choices, for the generator */
	char **words;
	size_t n, cap, next;
} comp;

/* (Re)load the names: the daemon's configuration, read into a local tree
 * (lines that fail are skipped; nothing is committed anywhere). */
static void names_load(void)
{
	char *cmd[] = {"show", "configuration"};
	char *text = client_capture(comp.socket, 2, cmd);
	struct sl_errors errs = {0};

	sl_conf_free(comp.conf);
	comp.conf = sl_conf_new();
	if (comp.conf != NULL && sl_conf_begin(comp.conf) == 0 && text != NULL)
		sl_conf_exec_text(comp.conf, text, 1, &errs, NULL);
	sl_errors_free(&errs);
	free(text);
}

/* A configure-mode line also feeds the names (a new VRF completes at once). */
static void names_add_line(const char *line)
{
	struct sl_errors errs = {0};
	if (comp.conf != NULL)
		sl_conf_exec(comp.conf, line, 1, &errs, NULL);
	sl_errors_free(&errs);
}

/* Words of line[0..len) and the word being typed (prefix). */
static int cursor_words(
	const char *line, size_t len, char *buf, size_t size, char **words, const char **prefix)
{
	if (len >= size)
		len = size - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	bool partial = len > 0 && buf[len - 1] != ' ' && buf[len - 1] != '\t';
	int n = words_split(buf, words);
	*prefix = "";
	if (partial && n > 0)
		*prefix = words[--n];
	return n;
}

static void comp_reset(void)
{
	for (size_t i = 0; i < comp.n; i++)
		free(comp.words[i]);
	comp.n = comp.next = 0;
}

static void comp_add(void *ctx, const char *word, const char *help)
{
	(void)ctx, (void)help;
	if (word[0] == '<') /* a placeholder: nothing to insert */
		return;
	if (comp.n == comp.cap) {
		size_t cap = comp.cap ? comp.cap * 2 : 32;
		char **grown = realloc(comp.words, cap * sizeof(*grown));
		if (grown == NULL)
			return;
		comp.words = grown;
		comp.cap = cap;
	}
	if ((comp.words[comp.n] = strdup(word)) != NULL)
		comp.n++;
}

static enum words_mode comp_mode(void)
{
	return comp.configuring ? WORDS_CONFIGURE : WORDS_LIVE;
}

static char *comp_generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		comp.next = 0;
	return comp.next < comp.n ? strdup(comp.words[comp.next++]) : NULL;
}

static char **comp_attempt(const char *text, int start, int end)
{
	char buf[4096], *words[WORDS_MAX], err[640];
	const char *prefix;
	(void)end;
	rl_attempted_completion_over = 1; /* never file names */
	int n = cursor_words(rl_line_buffer, (size_t)start, buf, sizeof(buf), words, &prefix);
	comp_reset();
	if (words_complete(comp_mode(), comp.conf, (const char *const *)words, n, text, comp_add,
		    NULL, err, sizeof(err)) < 0 ||
		comp.n == 0)
		return NULL;
	return rl_completion_matches(text, comp_generator);
}

static void help_print(void *ctx, const char *word, const char *help)
{
	(void)ctx;
	printf("  %-22s %s\n", word, help);
}

/* '?': the choices at the cursor with one line of help each; the line
 * stays as it was (no '?' is inserted). */
static int help_key(int count, int key)
{
	char buf[4096], *words[WORDS_MAX], err[640];
	const char *prefix;
	(void)count, (void)key;
	int n = cursor_words(rl_line_buffer, (size_t)rl_point, buf, sizeof(buf), words, &prefix);
	printf("\n");
	int rc = words_complete(comp_mode(), comp.conf, (const char *const *)words, n, prefix,
		help_print, NULL, err, sizeof(err));
	if (rc == 0 && prefix[0] != '\0') {
		/* nothing starts so: say what does fit here */
		printf("  %% nothing valid starts with '%s'; the choices are:\n", prefix);
		rc = words_complete(comp_mode(), comp.conf, (const char *const *)words, n, "",
			help_print, NULL, err, sizeof(err));
	}
	if (rc < 0)
		printf("  %% %s\n", err);
	else if (rc == 0)
		printf("  <Enter>                the command is complete\n");
	fflush(stdout);
	rl_on_new_line();
	rl_forced_update_display();
	return 0;
}

static int candidate_append(char **cand, size_t *len, const char *line)
{
	size_t add = strlen(line);
	char *grown = realloc(*cand, *len + add + 2);
	if (grown == NULL)
		return -1;
	memcpy(grown + *len, line, add);
	grown[*len + add] = '\n';
	grown[*len + add + 1] = '\0';
	*cand = grown;
	*len += add + 1;
	return 0;
}

int interactive_run(const char *socket, bool json)
{
	char *cand = NULL;
	size_t cand_len = 0;
	bool configuring = false;
	int status = EXIT_OK;
	printf("sluicectl: connected to %s; 'help' lists commands, 'configure' edits, "
	       "Tab completes, '?' lists the choices, Ctrl-D quits\n",
		socket);
	comp.socket = socket;
	names_load();
	rl_attempted_completion_function = comp_attempt;
	/* libedit's rl_bind_key binds only rl_insert: add '?' as a named
	 * function bound to the key (EL_ADDFN + EL_BIND underneath) */
	rl_initialize();
	rl_add_defun("sluice-help", help_key, '?');
	for (;;) {
		char *line = readline(configuring ? "sluice# " : "sluice> ");
		if (line == NULL)
			break;
		if (line[0] != '\0')
			add_history(line);
		char copy[4096];
		snprintf(copy, sizeof(copy), "%s", line);
		char *words[WORDS_MAX];
		int n = words_split(copy, words);
		if (n == 0) {
			free(line);
			continue;
		}
		/* abbreviations (`sh ip ro`): the words become the full ones */
		char err[640];
		if (words_expand(configuring ? WORDS_CONFIGURE : WORDS_LIVE, (const char **)words,
			    n, err, sizeof(err)) < 0) {
			fprintf(stderr, "%% %s\n", err);
			free(line);
			continue;
		}
		if (!configuring) {
			if (strcmp(words[0], "exit") == 0 || strcmp(words[0], "quit") == 0) {
				free(line);
				break;
			}
			if (strcmp(words[0], "configure") == 0 && n == 1) {
				configuring = comp.configuring = true;
				printf("[edit] set/delete lines; 'commit' applies them as one "
				       "transaction, 'discard' drops them, 'exit' leaves\n");
			} else {
				status = client_run(socket, n, words, json, NULL);
			}
		} else if (strcmp(words[0], "commit") == 0) {
			char *cmd[] = {"configure", NULL};
			status = client_run(socket, 1, cmd, json, cand != NULL ? cand : "");
			if (status == EXIT_OK) {
				free(cand);
				cand = NULL;
				cand_len = 0;
			}
			names_load();
		} else if (strcmp(words[0], "discard") == 0) {
			free(cand);
			cand = NULL;
			cand_len = 0;
			names_load();
		} else if (strcmp(words[0], "exit") == 0) {
			if (cand_len > 0)
				printf("uncommitted changes discarded\n");
			free(cand);
			cand = NULL;
			cand_len = 0;
			configuring = comp.configuring = false;
			names_load();
		} else if (strcmp(words[0], "set") == 0 || strcmp(words[0], "delete") == 0) {
			/* the line as expanded: the daemon gets full keywords */
			char full[4096];
			line_join(words, n, full, sizeof(full));
			if (candidate_append(&cand, &cand_len, full) < 0)
				fprintf(stderr, "out of memory\n");
			names_add_line(full);
		} else if (strcmp(words[0], "show") == 0 || strcmp(words[0], "run") == 0) {
			int skip = strcmp(words[0], "run") == 0;
			if (n > skip)
				status = client_run(socket, n - skip, words + skip, json, NULL);
		} else {
			fprintf(stderr, "in configure mode: set ..., delete ..., commit, discard, "
					"exit, show ..., run COMMAND\n");
		}
		free(line);
	}
	free(cand);
	comp_reset();
	free(comp.words);
	sl_conf_free(comp.conf);
	return status;
}
