/* SPDX-License-Identifier: BSD-3-Clause */
/* Render the tree as `set` lines in canonical order (loads back identically). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define LINE_MAX_LEN 16384

static bool needs_quotes(const char *s)
{
	if (*s == '\0')
		return true;
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\'' || *s == '"' || *s == '#')
			return true;
	return false;
}

static size_t append_token(char *buf, size_t off, const char *name)
{
	if (!needs_quotes(name))
		return off + (size_t)snprintf(buf + off, LINE_MAX_LEN - off, " %s", name);
	/* values never hold both quote kinds (the text type refuses it) */
	char q = strchr(name, '\'') ? '"' : '\'';
	return off + (size_t)snprintf(buf + off, LINE_MAX_LEN - off, " %c%s%c", q, name, q);
}

static int render_node(const struct sl_conf_node *n, char *buf, size_t off, FILE *out)
{
	const struct sl_conf_node **kids;
	size_t nk;
	int rc = 0;

	if (sl_conf_children_sorted(n, &kids, &nk) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < nk && rc == 0; i++) {
		size_t o = append_token(buf, off, kids[i]->name);
		if (o >= LINE_MAX_LEN) {
			rc = -EIO;
			break;
		}
		if (kids[i]->kids.n == 0) {
			sl_progress(); /* a commit's revision renders 1M lines */
			if (fprintf(out, "set%s\n", buf) < 0)
				rc = -EIO;
		} else {
			rc = render_node(kids[i], buf, o, out);
		}
		buf[off] = '\0';
	}
	free(kids);
	return rc;
}

int sl_conf_render(const struct sl_conf *conf, FILE *out)
{
	char *buf = malloc(LINE_MAX_LEN);
	int rc;

	if (buf == NULL)
		return -ENOMEM;
	buf[0] = '\0';
	rc = render_node(conf->root, buf, 0, out);
	free(buf);
	return rc;
}

char *sl_conf_render_str(const struct sl_conf *conf)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (f == NULL)
		return NULL;
	if (sl_conf_render(conf, f) < 0) {
		fclose(f);
		free(s);
		errno = EIO;
		return NULL;
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}
