/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interactive prompt (libedit): operational commands go to the daemon
 * one by one; `configure` opens the configure session (sluicectl_session.c:
 * a candidate checked line by line, committed as one transaction). Ctrl-C
 * drops the line being typed, not the session.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <editline/readline.h>

#include "sl_conf.h"
#include "sluicectl.h"

/* ---- completion (Tab) and help (?) ---- */

/* What completion needs: the mode and the names of a configuration (the
 * running one as `show configuration` gave it; in configure mode the
 * session's candidate: a VRF typed there completes at once). */
static struct {
	const char *socket;
	struct session *session; /* configure mode when not NULL */
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

static const struct sl_conf *names(void)
{
	return comp.session != NULL ? session_candidate(comp.session) : comp.conf;
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
	return comp.session != NULL ? WORDS_CONFIGURE : WORDS_LIVE;
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
	if (words_complete(comp_mode(), names(), (const char *const *)words, n, text, comp_add,
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
	int rc = words_complete(comp_mode(), names(), (const char *const *)words, n, prefix,
		help_print, NULL, err, sizeof(err));
	if (rc == 0 && prefix[0] != '\0') {
		/* nothing starts so: say what does fit here */
		printf("  %% nothing valid starts with '%s'; the choices are:\n", prefix);
		rc = words_complete(comp_mode(), names(), (const char *const *)words, n, "",
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

/* Ctrl-C: back to an empty prompt (the session and its candidate stay). */
static sigjmp_buf on_interrupt;
static volatile sig_atomic_t reading;

static void interrupted(int sig)
{
	if (reading)
		siglongjmp(on_interrupt, 1);
	/* during a command (a long traceroute): stop sluicectl, as before */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The session's prompt: '#' when editing; '*' when the candidate was
 * edited since it was the running configuration. */
static const char *prompt(void)
{
	if (comp.session == NULL)
		return "sluice> ";
	return session_edited(comp.session) ? "sluice*# " : "sluice# ";
}

/* One line; Ctrl-C while typing starts the line afresh. */
static char *line_read(void)
{
	if (sigsetjmp(on_interrupt, 1) != 0) {
		reading = 0;
		printf("^C\n");
		fflush(stdout);
	}
	reading = 1;
	char *line = readline(prompt());
	reading = 0;
	return line;
}

static struct session *configure_enter(const char *socket, bool json)
{
	struct session *s = session_new(socket, json, false);
	if (s != NULL)
		printf("[edit] set/delete change the candidate (checked at once); show, compare, "
		       "commit [comment TEXT], discard, exit\n");
	return s;
}

int interactive_run(const char *socket, bool json, bool configure)
{
	int status = EXIT_OK;
	printf("sluicectl: connected to %s; 'help' lists commands, 'configure' edits, "
	       "Tab completes, '?' lists the choices, Ctrl-D quits\n",
		socket);
	comp.socket = socket;
	names_load();
	if (configure && (comp.session = configure_enter(socket, json)) == NULL) {
		sl_conf_free(comp.conf);
		return EXIT_CONFIG;
	}
	rl_attempted_completion_function = comp_attempt;
	/* libedit's rl_bind_key binds only rl_insert: add '?' as a named
	 * function bound to the key (EL_ADDFN + EL_BIND underneath) */
	rl_initialize();
	rl_add_defun("sluice-help", help_key, '?');
	struct sigaction sa = {.sa_handler = interrupted};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	for (;;) {
		char *line = line_read();
		if (line == NULL) {
			if (comp.session != NULL && session_dirty(comp.session))
				fprintf(stderr,
					"\nend of input: the candidate's uncommitted changes "
					"are dropped\n");
			break;
		}
		if (line[0] != '\0')
			add_history(line);
		char copy[4096];
		snprintf(copy, sizeof(copy), "%s", line);
		free(line);
		char *words[WORDS_MAX];
		int n = words_split(copy, words);
		if (n == 0)
			continue;
		/* abbreviations (`sh ip ro`): the words become the full ones */
		char err[640];
		if (words_expand(comp_mode(), (const char **)words, n, err, sizeof(err)) < 0) {
			fprintf(stderr, "%% %s\n", err);
			continue;
		}
		if (comp.session == NULL) {
			if (strcmp(words[0], "exit") == 0 || strcmp(words[0], "quit") == 0)
				break;
			if (strcmp(words[0], "configure") == 0 && n == 1) {
				comp.session = configure_enter(socket, json);
				status = comp.session != NULL ? EXIT_OK : EXIT_CONFIG;
			} else {
				status = client_run(socket, n, words, json, NULL);
			}
			continue;
		}
		char full[4096];
		bool leave = false;
		line_join(words, n, full, sizeof(full));
		status = session_line(comp.session, words, n, full, &leave);
		if (leave) {
			session_free(comp.session);
			comp.session = NULL;
			names_load();
			if (configure)
				break;
		}
	}
	session_free(comp.session);
	comp.session = NULL;
	comp_reset();
	free(comp.words);
	sl_conf_free(comp.conf);
	return status;
}
