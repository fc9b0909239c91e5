/* SPDX-License-Identifier: BSD-3-Clause */
/* Schema registry: each area registers its root keyword from its own file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define ROOT_MAX 32

static const struct conf_schema *root_kids[ROOT_MAX + 1];
static int root_order[ROOT_MAX];
static int root_n;
static struct conf_schema root_schema = {.name = "", .kind = CONF_CONTAINER, .children = root_kids};

void conf_schema_register(const struct conf_schema *node, int order)
{
	int i;

	/* the same object linked in twice (archive in archive) registers once */
	for (i = 0; i < root_n; i++)
		if (root_kids[i] == node || strcmp(root_kids[i]->name, node->name) == 0)
			return;
	if (root_n == ROOT_MAX) {
		fprintf(stderr, "sl_conf: too many schema areas, '%s' dropped\n", node->name);
		return;
	}
	/* keep the root in `order` so that rendering is stable whatever the link order */
	for (i = root_n; i > 0 && root_order[i - 1] > order; i--) {
		root_kids[i] = root_kids[i - 1];
		root_order[i] = root_order[i - 1];
	}
	root_kids[i] = node;
	root_order[i] = order;
	root_n++;
	root_kids[root_n] = NULL;
}

const struct conf_schema *conf_schema_root(void)
{
	return &root_schema;
}

const struct conf_schema *conf_schema_child(const struct conf_schema *parent, const char *name)
{
	if (parent == NULL || parent->children == NULL)
		return NULL;
	/* the first byte first: most keywords differ there, and a call of
	 * strcmp each costs more than the compare */
	for (size_t i = 0; parent->children[i]; i++)
		if (parent->children[i]->name[0] == name[0] &&
			strcmp(parent->children[i]->name, name) == 0)
			return parent->children[i];
	return NULL;
}

int conf_schema_index(const struct conf_schema *parent, const struct conf_schema *child)
{
	for (int i = 0; parent && parent->children && parent->children[i]; i++)
		if (parent->children[i] == child)
			return i;
	return -1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void conf_schema_valid_list(const struct conf_schema *parent, char *buf, size_t size)
{
	const char *names[64];
	size_t n = 0, off = 0;

	buf[0] = '\0';
	if (parent == NULL || parent->children == NULL)
		return;
	for (; parent->children[n] && n < 64; n++)
		names[n] = parent->children[n]->name;
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", names[i]);
}
