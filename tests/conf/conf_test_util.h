/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the lib/conf tests. */
#ifndef CONF_TEST_UTIL_H
#define CONF_TEST_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conf.h"

/* Load text as one transaction; commit on success, abort on any error.
 * Returns the sl_conf_exec_text/commit result. */
static inline int conf_load(struct sl_conf *c, const char *text, struct sl_errors *errs)
{
	int rc;

	if (sl_conf_begin(c) < 0)
		return -1;
	rc = sl_conf_exec_text(c, text, 1, errs, NULL);
	if (rc == 0)
		rc = sl_conf_commit(c, errs);
	if (rc < 0)
		sl_conf_abort(c);
	return rc;
}

static inline void conf_print_errors(const struct sl_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "  line %u: %s\n", e->v[i].line, e->v[i].msg);
}

static inline bool conf_errors_have(const struct sl_errors *e, unsigned line, const char *needle)
{
	for (size_t i = 0; i < e->n; i++)
		if ((line == 0 || e->v[i].line == line) && strstr(e->v[i].msg, needle))
			return true;
	return false;
}

#endif
