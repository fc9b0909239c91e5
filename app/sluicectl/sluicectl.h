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

/* The interactive prompt (libedit), when stdin is a terminal. */
int interactive_run(const char *socket, bool json);

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

/* The output of one request (a malloc'ed string), NULL when it failed
 * (quiet: completion must not print). */
char *client_capture(const char *socket, int argc, char **argv);

#endif
