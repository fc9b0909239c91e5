/* SPDX-License-Identifier: BSD-3-Clause */
/* Run a command on words separated by spaces, as the control socket would
 * split them, and take what it wrote on out and err as strings. */
#ifndef CMD_WORDS_H
#define CMD_WORDS_H

#include <stdio.h>
#include <string.h>

typedef int cmd_words_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err);

/* fn's result; *out and *err malloc'd (free them). At most 16 words. */
static inline int cmd_words_run(
	const char *words, cmd_words_fn *fn, void *ctx, char **out, char **err)
{
	char buf[256], *argv[16], *save;
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", words);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 16; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	size_t ol = 0, el = 0;
	FILE *o = open_memstream(out, &ol), *e = open_memstream(err, &el);
	int rc = fn(argc, argv, ctx, o, e);
	fclose(o);
	fclose(e);
	return rc;
}

#endif
