/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `service monitoring prometheus` as sl_router_prom_conf reads it (off by
 * default, presence alone turns it on with 127.0.0.1:9111, the leaves
 * override, a bad address or port is refused by the commit), rendered back,
 * and the transaction counts of sl_router_commit_counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sl_commit.h"

static int apply(struct sl_router *r, const char *text)
{
	struct sl_errors e = {0};
	int rc = sl_router_apply(r, text, &e, NULL);
	sl_errors_free(&e);
	return rc;
}

static void test_prom_conf(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	uint32_t addr = 1;
	uint16_t port = 1;
	assert_non_null(r);
	assert_false(sl_router_prom_conf(r, &addr, &port));

	assert_int_equal(apply(r, "set service monitoring prometheus\n"), 0);
	assert_true(sl_router_prom_conf(r, &addr, &port));
	assert_int_equal(addr, 0x7f000001);
	assert_int_equal(port, SL_PROM_DEFAULT_PORT);
	assert_int_equal(port, 9111);

	assert_int_equal(apply(r, "set service monitoring prometheus listen-address 10.0.0.1\n"
				  "set service monitoring prometheus port 9200\n"),
		0);
	assert_true(sl_router_prom_conf(r, &addr, &port));
	assert_int_equal(addr, 0x0a000001);
	assert_int_equal(port, 9200);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(sl_router_render(r, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "set service monitoring prometheus listen-address 10.0.0.1\n"
				     "set service monitoring prometheus port 9200\n"));
	free(text);

	/* refused whole: the running values stay */
	assert_true(apply(r, "set service monitoring prometheus port 70000\n") < 0);
	assert_true(apply(r, "set service monitoring prometheus listen-address 10.0.0\n") < 0);
	assert_true(apply(r, "set service monitoring grafana\n") < 0);
	assert_true(sl_router_prom_conf(r, &addr, &port));
	assert_int_equal(port, 9200);

	assert_int_equal(apply(r, "delete service monitoring\n"), 0);
	assert_false(sl_router_prom_conf(r, &addr, &port));

	struct sl_commit_counts cc;
	sl_router_commit_counts(r, &cc);
	assert_int_equal(cc.ok, 3);
	assert_int_equal(cc.refused, 3);
	assert_true(cc.cpu_ms >= 0);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_conf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
