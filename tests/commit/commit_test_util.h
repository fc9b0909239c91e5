/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the lib/commit tests: apply text, snapshot state. */
#ifndef COMMIT_TEST_UTIL_H
#define COMMIT_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_commit.h"
#include "sl_conf.h"
#include "sl_show.h"

/* Rendering of the running configuration followed by the RIB dump: two
 * routers in the same state give the same snapshot. Caller frees. */
static inline char *snapshot(const struct sl_router *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_router_render(r, f);
	fputs("----\n", f);
	sl_rib_dump(sl_router_rib_const(r), f);
	fclose(f);
	return buf;
}

/* Whether r's configuration has VRF name. */
static inline bool router_has_vrf(const struct sl_router *r, const char *name)
{
	char *s = snapshot(r);
	char line[64];
	snprintf(line, sizeof(line), "set vrf name %s ", name);
	bool yes = strstr(s, line) != NULL;
	free(s);
	return yes;
}

/* Apply text; returns the apply result, errors joined into *msgs (caller frees). */
static inline int apply(struct sl_router *r, const char *text, char **msgs)
{
	struct sl_errors e = {0};
	int rc = sl_router_apply(r, text, &e, NULL);
	if (msgs != NULL) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		for (size_t i = 0; i < e.n; i++)
			fprintf(f, "%u: %s\n", e.v[i].line, e.v[i].msg);
		fclose(f);
		*msgs = buf;
	}
	sl_errors_free(&e);
	return rc;
}

/* Run a show command (words separated by spaces) into a string. */
static inline char *show(const struct sl_router *r, const char *cmd)
{
	char *words = strdup(cmd), *argv[16], *save;
	int argc = 0;
	for (char *w = strtok_r(words, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = sl_show_exec(r, argc, argv, false, f, stderr);
	fclose(f);
	free(words);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A fresh directory for a test (cmocka setup and teardown): tmp_dir. */
static char tmp_dir[64];

static inline int tmp_dir_setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/sl_commit_XXXXXX");
	return mkdtemp(tmp_dir) == NULL ? -1 : 0;
}

static inline int tmp_dir_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The running configuration rendered into a string (caller frees), or NULL. */
static inline char *render_str(const struct sl_router *r)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	if (f == NULL)
		return NULL;
	int rc = sl_router_render(r, f);
	fclose(f);
	if (rc != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Entries of directory d whose name holds part ("": all but "." and ".."),
 * or -1 when d cannot be read. */
static inline int dir_count(const char *d, const char *part)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	int n = 0;
	if (dd == NULL)
		return -1;
	while ((e = readdir(dd)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		     strstr(e->d_name, part) != NULL;
	closedir(dd);
	return n;
}

#endif
