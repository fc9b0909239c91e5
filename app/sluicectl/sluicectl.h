/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to sluicectl: the three ways it runs. */
#ifndef SLUICECTL_H
#define SLUICECTL_H

#include <stdbool.h>
#include <stddef.h>

#include "sl_conf.h"

/* Exit statuses (also the daemon's reply statuses). */
enum { EXIT_OK = 0, EXIT_CONFIG = 1, EXIT_USAGE = 2 };

/* Load file as one transaction, then `check` or a show command. */
int offline_run(const char *file, int argc, char **argv, bool json);

/*
 * Send argv (and input, may be NULL) to the daemon at socket; print the
 * reply's output on stdout and errors on stderr. Returns the reply status,
 * or EXIT_CONFIG with a message when the daemon cannot be reached.
 */
int client_run(const char *socket, int argc, char **argv, bool json, const char *input);

/* Read a whole file ("-" = stdin) into a malloc'ed string; NULL + errno. */
char *file_slurp(const char *path);

/* The interactive prompt (libedit), when stdin is a terminal; configure:
 * start in configure mode and leave sluicectl with it. */
int interactive_run(const char *socket, bool json, bool configure);

/* `check-leaks FILE` against a loaded router or the daemon (sluicectl_check_leaks.c):
 * 0 the leaks are as expected, 1 they differ, 2 usage or a bad FILE. */
struct sl_router;
int check_leaks_offline(const struct sl_router *r, int argc, char **argv, bool json);
int check_leaks_live(const char *socket, int argc, char **argv, bool json);

/* Command words (sluicectl_words.c): which commands a line may be. */
enum words_mode {
	WORDS_LIVE, /* the daemon's commands */
	WORDS_OFFLINE, /* --offline FILE: check, check-leaks, show */
	WORDS_CONFIGURE, /* the interactive configure mode: set, delete, commit, ... */
};
/* Expand abbreviations of w[0..n) in place (the verb; show words; set/delete
 * paths): `sh ip ro` = `show ip route`. An unknown verb stays as typed. 0,
 * or -EINVAL with the ambiguous or unknown word and the choices in err. */
int words_expand(enum words_mode mode, const char **w, int n, char *err, size_t errsz);
/* The choices for the word being typed (prefix) after w[0..n), names from
 * conf (may be NULL); see sl_conf_choice_fn. Their number or -EINVAL (err). */
int words_complete(enum words_mode mode, const struct sl_conf *conf, const char *const *w, int n,
	const char *prefix, sl_conf_choice_fn *cb, void *ctx, char *err, size_t errsz);

/* Same, the reply's output and errors into *out and *errs (malloc'ed, NULL
 * when absent) instead of printing them; its status. */
int client_call(const char *socket, int argc, char **argv, bool json, const char *input, char **out,
	char **errs);

/* The output of one request (a malloc'ed string), NULL when it failed
 * (quiet: completion must not print). */
char *client_capture(const char *socket, int argc, char **argv);

/* Words of a line (sluicectl_words.c). */
#define WORDS_MAX 64
/* Split on blanks, honouring '…' and "…" quotes. Modifies line. */
int words_split(char *line, char **words);
/* Words back into a line that conf_lex reads as the same words. */
void line_join(char **words, int n, char *buf, size_t size);

/*
 * The configure session (sluicectl_session.c): a candidate configuration
 * checked line by line, committed as its difference from the running one.
 * session_new fetches the running configuration (NULL: said on stderr);
 * script: messages name the input line (session_set_line) instead of a prompt.
 */
struct session;
struct session *session_new(const char *socket, bool json, bool script);
void session_free(struct session *s);
/* Re-read the running configuration; the candidate becomes it. 0 or <0. */
int session_rebase(struct session *s);
/* One configure-mode line: words expanded (words_expand WORDS_CONFIGURE),
 * line their join. Its status; *leave when the session ends (exit). */
int session_line(struct session *s, char **words, int n, const char *line, bool *leave);
const struct sl_conf *session_candidate(const struct session *s);
/* The candidate differs from its base (a diff, when it was edited at all). */
bool session_dirty(const struct session *s);
/* Cheap: the candidate was edited since it was its base (perhaps back). */
bool session_edited(const struct session *s);
void session_set_line(struct session *s, unsigned lineno);
/* Report a refused line (counted: a script's later commit is refused). */
void session_refuse(struct session *s, const char *msg);
/* Lines refused so far. */
unsigned session_errors(const struct session *s);

/* Does text use the session's commands (show, compare, discard, commit
 * comment, ...) rather than being a plain configuration? */
bool script_is_session(const char *text);
/* `configure` with a script on stdin (not a terminal): the session's
 * commands line by line. Non-zero when any line failed or changes were left
 * uncommitted. */
int session_script(const char *socket, bool json, const char *text);

#endif
