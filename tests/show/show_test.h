/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the tests/show suites. */
#ifndef SHOW_TEST_H
#define SHOW_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "sl_show.h"

/* A router holding cfg's set lines (the test fails on a configuration error). */
static inline struct sl_router *show_test_router(const char *cfg)
{
	struct sl_router *r = sl_router_new();
	struct sl_errors e = {0};
	assert_non_null(r);
	if (sl_router_apply(r, cfg, &e, NULL) != 0)
		fail_msg("line %u: %s", e.n ? e.v[0].line : 0, e.n ? e.v[0].msg : "?");
	sl_errors_free(&e);
	return r;
}

/* A show entry point taking the forwarding plane's view (sl_show_firewall,
 * sl_show_leak_graph). */
typedef int (*show_test_fn)(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err);

/* Run fn; returns its result, output and errors in *text (free it). */
static inline int show_test_run(show_test_fn fn, const struct sl_router *r,
	const struct sl_show_fw_live *live, bool json, char **text, int argc, char **argv)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);
	assert_non_null(f);
	int rc = fn(r, live, argc, argv, json, f, f);
	fclose(f);
	return rc;
}

#endif
