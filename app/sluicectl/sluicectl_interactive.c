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
	       "Ctrl-D quits\n",
		socket);
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
		if (!configuring) {
			if (strcmp(words[0], "exit") == 0 || strcmp(words[0], "quit") == 0) {
				free(line);
				break;
			}
			if (strcmp(words[0], "configure") == 0 && n == 1) {
				configuring = true;
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
		} else if (strcmp(words[0], "discard") == 0) {
			free(cand);
			cand = NULL;
			cand_len = 0;
		} else if (strcmp(words[0], "exit") == 0) {
			if (cand_len > 0)
				printf("uncommitted changes discarded\n");
			free(cand);
			cand = NULL;
			cand_len = 0;
			configuring = false;
		} else if (strcmp(words[0], "set") == 0 || strcmp(words[0], "delete") == 0) {
			if (candidate_append(&cand, &cand_len, line) < 0)
				fprintf(stderr, "out of memory\n");
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
	return status;
}
