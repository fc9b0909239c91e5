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

enum { LEX_WORD, LEX_SPACE, LEX_QUOTE, LEX_END };

/* One load a character instead of six compares (a 100,000-line change is
 * some 10 MB of text). */
static const unsigned char lex_class[256] = {
	['\0'] = LEX_END,
	[' '] = LEX_SPACE,
	['\t'] = LEX_SPACE,
	['\r'] = LEX_SPACE,
	['\n'] = LEX_SPACE,
	['\v'] = LEX_SPACE,
	['\f'] = LEX_SPACE,
	['\''] = LEX_QUOTE,
	['"'] = LEX_QUOTE,
};

static bool is_space(char c)
{
	return lex_class[(unsigned char)c] == LEX_SPACE;
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
		for (;;) {
			/* the unquoted run, the common case: found by one class test a
			 * byte, then copied whole */
			const char *run = p;
			while (lex_class[(unsigned char)*p] == LEX_WORD)
				p++;
			if ((size_t)(p - run) > (size_t)(end - o))
				goto too_long;
			memcpy(o, run, (size_t)(p - run));
			o += p - run;
			if (lex_class[(unsigned char)*p] != LEX_QUOTE)
				break;
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
		}
		if (o == end)
			goto too_long;
		*o++ = '\0';
	}
	tok[n] = o;
	return n;
too_long:
	snprintf(err, errsz, "line too long");
	return -EINVAL;
}
