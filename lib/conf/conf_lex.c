/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Line tokenizer: whitespace-separated tokens, '…' or "…" quoting (a quoted
 * token may hold spaces and '#'), `#` at the start of a token outside quotes
 * starts a comment that runs to the end of the line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int conf_lex(
	const char *line, char *buf, size_t bufsz, char **tok, int maxtok, char *err, size_t errsz)
{
	const char *p = line;
	char *o = buf, *end = buf + bufsz;
	int n = 0;

	for (;;) {
		while (is_space(*p))
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == maxtok) {
			snprintf(err, errsz, "too many tokens (at most %d)", maxtok);
			return -EINVAL;
		}
		tok[n++] = o;
		/* a token is a run of quoted and unquoted pieces: ab'c d' is "abc d" */
		while (*p && !is_space(*p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				const char *close = strchr(p, q);
				if (close == NULL) {
					snprintf(err, errsz, "unterminated %s quote",
						q == '\'' ? "single" : "double");
					return -EINVAL;
				}
				for (; p < close; p++) {
					if (o == end)
						goto too_long;
					*o++ = *p;
				}
				p++;
			} else {
				if (o == end)
					goto too_long;
				*o++ = *p++;
			}
		}
		if (o == end)
			goto too_long;
		*o++ = '\0';
	}
	return n;
too_long:
	snprintf(err, errsz, "line too long");
	return -EINVAL;
}
