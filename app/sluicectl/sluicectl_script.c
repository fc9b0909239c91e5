/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `sluicectl configure < script`: the configure session's commands, one a
 * line, as typed at the prompt. A plain configuration (set/delete lines
 * only, maybe with configure/commit/save/exit) is still sent whole as one
 * transaction by configure_run; this runs inputs that use the session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sluicectl.h"

/* Words of a session command that a plain configuration never holds. */
static const char *const session_verbs[] = {"show", "compare", "commit-confirm", "confirm",
	"rollback", "discard", "load", "merge", "update", "run", NULL};

bool script_is_session(const char *text)
{
	const char *p = text;
	while (*p != '\0') {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t\n");
		for (int i = 0; session_verbs[i]; i++)
			if (strlen(session_verbs[i]) == len &&
				strncmp(p, session_verbs[i], len) == 0)
				return true;
		/* `commit comment ...`: a plain file's `commit` has no words after it */
		if (len == 6 && strncmp(p, "commit", 6) == 0 && p[6] == ' ' &&
			p[6 + strspn(p + 6, " \t")] != '\n' && p[6 + strspn(p + 6, " \t")] != '\0')
			return true;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return false;
}

int session_script(const char *socket, bool json, const char *text)
{
	struct session *s = session_new(socket, json, true);
	if (s == NULL)
		return EXIT_CONFIG;
	int status = EXIT_OK;
	bool leave = false;
	unsigned lineno = 0;
	for (const char *p = text; *p != '\0' && !leave;) {
		char buf[4096], full[4096], *words[WORDS_MAX], err[640];
		size_t len = strcspn(p, "\n");
		snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		lineno++;
		int n = words_split(buf, words);
		if (n == 0 || words[0][0] == '#' || strcmp(words[0], "configure") == 0)
			continue;
		session_set_line(s, lineno);
		if (words_expand(WORDS_CONFIGURE, (const char **)words, n, err, sizeof(err)) < 0) {
			session_refuse(s, err);
			status = EXIT_CONFIG;
			continue;
		}
		line_join(words, n, full, sizeof(full));
		int rc = session_line(s, words, n, full, &leave);
		if (rc != EXIT_OK)
			status = rc > status ? rc : status;
	}
	if (!leave && session_dirty(s)) {
		fprintf(stderr, "end of input: the candidate's changes were not committed (say "
				"'commit')\n");
		status = EXIT_CONFIG;
	}
	session_free(s);
	return status;
}
