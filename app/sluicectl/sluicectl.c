/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluicectl — the sluice CLI.
 *   sluicectl [--json] --offline FILE check | COMMAND…
 *   sluicectl [-s PATH] [--json] COMMAND…        (the running sluiced)
 *   sluicectl [-s PATH] configure [FILE|-]       (one transaction)
 *   sluicectl [-s PATH]                          (interactive, on a terminal)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sluicectl.h"

#define SOCKET_DEFAULT "/run/sluice/sluiced.sock"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sluicectl [--json] --offline FILE check\n"
		"       sluicectl [--json] --offline FILE show ...\n"
		"       sluicectl [-s SOCKET | --offline FILE] [--json] check-leaks EXPECTED\n"
		"       sluicectl [-s SOCKET] [--json] COMMAND ...   (e.g. show ip route vrf "
		"NAME,\n"
		"                 show interfaces, ping ADDR vrf NAME, clear counters, help)\n"
		"       sluicectl [-s SOCKET] configure [FILE|-]    (one transaction; on a\n"
		"                 terminal or with a script using session commands: the\n"
		"                 configure session: set, delete, show, compare, commit, ...)\n"
		"       sluicectl [-s SOCKET]                        (interactive prompt:\n"
		"                 Tab completes, '?' lists the choices)\n"
		"keywords may be abbreviated: sluicectl sh ip ro = show ip route\n"
		"options:\n"
		"  -s, --socket PATH   daemon control socket (default %s,\n"
		"                      or $SLUICE_SOCKET)\n"
		"  -o, --offline FILE  answer from FILE instead of the daemon\n"
		"  -j, --json          JSON output\n"
		"  -h, --help          this text\n",
		SOCKET_DEFAULT);
}

char *file_slurp(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (cap - len - 1 == 0) {
			char *grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
	}
	int failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (buf == NULL)
		return NULL;
	if (failed) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* `configure [FILE|-]`: the input is the file (or stdin) as one transaction;
 * a script on stdin that uses the session's commands runs as a session; on
 * a terminal, the interactive configure session. */
static int configure_run(const char *socket, int argc, char **argv, bool json)
{
	if (argc > 2) {
		fprintf(stderr,
			"sluicectl: configure takes at most one FILE (or -), got %d "
			"arguments\n",
			argc - 1);
		return EXIT_USAGE;
	}
	const char *path = argc == 2 ? argv[1] : "-";
	if (strcmp(path, "-") == 0 && isatty(STDIN_FILENO))
		return interactive_run(socket, json, true);
	char *input = file_slurp(path);
	if (input == NULL) {
		fprintf(stderr, "sluicectl: %s: %s\n", strcmp(path, "-") == 0 ? "stdin" : path,
			strerror(errno));
		return EXIT_CONFIG;
	}
	int status;
	if (strcmp(path, "-") == 0 && script_is_session(input)) {
		status = session_script(socket, json, input);
	} else {
		char *cmd[] = {"configure", NULL};
		status = client_run(socket, 1, cmd, json, input);
	}
	free(input);
	return status;
}

int main(int argc, char **argv)
{
	const char *socket = getenv("SLUICE_SOCKET");
	const char *offline = NULL;
	bool json = false;
	int i = 1;
	if (socket == NULL || socket[0] == '\0')
		socket = SOCKET_DEFAULT;
	/* Options come before the command; the command's own words are never options. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
			usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(opt, "-j") == 0 || strcmp(opt, "--json") == 0) {
			json = true;
			continue;
		}
		const char **target = NULL;
		if (strcmp(opt, "-s") == 0 || strcmp(opt, "--socket") == 0)
			target = &socket;
		else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--offline") == 0)
			target = &offline;
		else if (strncmp(opt, "--socket=", 9) == 0) {
			socket = opt + 9;
			continue;
		} else if (strncmp(opt, "--offline=", 10) == 0) {
			offline = opt + 10;
			continue;
		} else {
			fprintf(stderr, "sluicectl: unknown option '%s'\n", opt);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "sluicectl: option '%s' needs a value\n", opt);
			return EXIT_USAGE;
		}
		*target = argv[++i];
	}
	int cmd_argc = argc - i;
	char **cmd_argv = argv + i;
	/* abbreviations: `sluicectl sh ip ro vrf A` = `show ip route vrf A` */
	const char *expanded[64];
	char err[640];
	if (cmd_argc > 0 && cmd_argc <= 64) {
		for (int k = 0; k < cmd_argc; k++)
			expanded[k] = cmd_argv[k];
		if (words_expand(offline ? WORDS_OFFLINE : WORDS_LIVE, expanded, cmd_argc, err,
			    sizeof(err)) < 0) {
			fprintf(stderr, "sluicectl: %s\n", err);
			return EXIT_USAGE;
		}
		cmd_argv = (char **)expanded; /* read only from here on */
	}
	if (offline != NULL) {
		if (cmd_argc == 0) {
			fprintf(stderr, "sluicectl: --offline FILE needs a command: check, or "
					"show ...\n");
			usage(stderr);
			return EXIT_USAGE;
		}
		return offline_run(offline, cmd_argc, cmd_argv, json);
	}
	if (cmd_argc == 0) {
		if (isatty(STDIN_FILENO))
			return interactive_run(socket, json, false);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd_argv[0], "configure") == 0)
		return configure_run(socket, cmd_argc, cmd_argv, json);
	if (strcmp(cmd_argv[0], "check-leaks") == 0)
		return check_leaks_live(socket, cmd_argc, cmd_argv, json);
	return client_run(socket, cmd_argc, cmd_argv, json, NULL);
}
