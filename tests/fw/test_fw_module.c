/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fw_module.c — lib/fw's "fw" module as the daemon wires it (private
 * --no-huge EAL): started after its "fib" and "dp" (stubs), the firewall
 * made where the wiring says and the datapath's leak hook installed while a
 * direction is guarded; a commit that removes the last binding takes the
 * hook away at the next sync; stopped and cleared again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../fib/fib_test_eal.h"
#include "sl_commit.h"
#include "sl_dp.h"
#include "sl_fw.h"
#include "sl_module.h"

static void test_module(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_errors e = {0};
	assert_int_equal(sl_router_apply(r,
				 "set vrf name A table 100\n"
				 "set vrf name B table 200\n"
				 "set firewall ipv4 name OUT default-action drop\n"
				 "set vrf name A leak-firewall to B name OUT\n",
				 &e, NULL),
		0);
	struct sl_fib *fib = sl_fib_new(&(struct sl_fib_config){
		.max_rules = 256, .number_tbl8s = 32, .socket_id = SOCKET_ID_ANY});
	assert_non_null(fib);
	static struct sl_dp dp;
	dp.fib = fib;
	struct sl_dp *dpp = &dp;
	struct sl_fw *fw = NULL;
	uint32_t ct_max = 1024;
	sl_fw_module_wire(&(struct sl_fw_wiring){
		.router = &r, .fib = &fib, .dp = &dpp, .ct_max = &ct_max, .fw = &fw});
	static struct sl_module fib_stub = {.name = "fib"}, dp_stub = {.name = "dp"};
	sl_module_register(&sl_modules, &fib_stub);
	sl_module_register(&sl_modules, &dp_stub);
	char msg[128] = "";
	assert_int_equal(sl_module_init_all(&sl_modules, NULL, msg, sizeof(msg)), 0);
	assert_non_null(fw);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.bindings, 1);
	assert_int_equal(st.rulesets, 1);
	assert_non_null(dp.leak_filter);
	assert_ptr_equal(dp.leak_filter->fn, sl_fw_leak_filter);
	assert_ptr_equal(dp.leak_filter->ctx, fw);
	assert_null(dp.leak_filter->nat_out); /* no NAT pool */

	/* nothing changed: nothing rebuilt, the hook stays */
	assert_int_equal(sl_fw_module_sync(false), 0);
	assert_non_null(dp.leak_filter);
	assert_int_equal(sl_router_apply(r, "delete vrf name A leak-firewall\n", &e, NULL), 0);
	assert_int_equal(sl_fw_module_sync(false), 0);
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.bindings, 0);
	assert_null(dp.leak_filter); /* no guarded direction: the workers skip it */

	sl_module_fini_all(&sl_modules, NULL);
	assert_null(fw);
	sl_errors_free(&e);
	sl_fib_free(fib);
	sl_router_free(r);
}

int main(void)
{
	if (sl_test_eal_init("fw_module", "0") < 0) {
		fprintf(stderr, "test_fw_module: EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
