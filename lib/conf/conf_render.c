/* SPDX-License-Identifier: BSD-3-Clause */
/* Render the tree as `set` lines in canonical order (loads back identically). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

static bool needs_quotes(const char *s)
{
	if (*s == '\0')
		return true;
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\'' || *s == '"' || *s == '#')
			return true;
	return false;
}

size_t conf_render_token(char *buf, size_t off, const char *name)
{
	if (!needs_quotes(name))
		return off + (size_t)snprintf(buf + off, CONF_LINE_MAX - off, " %s", name);
	/* values never hold both quote kinds (the text type refuses it) */
	char q = strchr(name, '\'') ? '"' : '\'';
	return off + (size_t)snprintf(buf + off, CONF_LINE_MAX - off, " %c%s%c", q, name, q);
}

int conf_render_node(const struct sl_conf_node *n, char *buf, size_t off, FILE *out)
{
	const struct sl_conf_node **kids;
	size_t nk;
	int rc = 0;

	if (sl_conf_children_sorted(n, &kids, &nk) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < nk && rc == 0; i++) {
		size_t o = conf_render_token(buf, off, kids[i]->name);
		if (o >= CONF_LINE_MAX) {
			rc = -EIO;
			break;
		}
		if (kids[i]->kids.n == 0) {
			sl_progress(); /* a commit's revision renders 1M lines */
			if (fprintf(out, "set%s\n", buf) < 0)
				rc = -EIO;
		} else {
			rc = conf_render_node(kids[i], buf, o, out);
		}
		buf[off] = '\0';
	}
	free(kids);
	return rc;
}

int sl_conf_render(const struct sl_conf *conf, FILE *out)
{
	char *buf = malloc(CONF_LINE_MAX);
	int rc;

	if (buf == NULL)
		return -ENOMEM;
	buf[0] = '\0';
	rc = conf_render_node(conf->root, buf, 0, out);
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
