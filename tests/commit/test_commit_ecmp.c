/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECMP end to end without DPDK: VyOS `next-hop` lines (in the default VRF
 * and in a VRF) through the commit to `show ip route`, which lists every
 * path FRR-style, also of a leaked ECMP route in the importing VRF, and the
 * FIB changes the router hands on (with their paths).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

static const char base_conf[] =
	"set interfaces ethernet eth1 address 192.0.2.1/24\n"
	"set interfaces ethernet eth2 address 198.51.100.1/24\n"
	"set protocols static route 10.0.0.0/24 next-hop 192.0.2.2\n"
	"set protocols static route 10.0.0.0/24 next-hop 198.51.100.2 weight 3\n"
	"set protocols static route 10.0.0.0/24 next-hop 192.0.2.9 distance 5\n"
	"set vrf name RED table 30\n"
	"set interfaces ethernet eth3 vrf RED\n"
	"set interfaces ethernet eth3 address 203.0.113.1/24\n"
	"set vrf name RED protocols static route 10.7.0.0/16 next-hop 203.0.113.2\n"
	"set vrf name RED protocols static route 10.7.0.0/16 next-hop 203.0.113.3\n"
	"set vrf name RED protocols bgp system-as 65000\n"
	"set vrf name RED protocols bgp address-family ipv4-unicast rd vpn export 65000:30\n"
	"set vrf name BLUE table 40\n"
	"set vrf name BLUE protocols bgp system-as 65000\n"
	"set vrf name BLUE protocols bgp address-family ipv4-unicast import vrf RED\n";

static struct sl_router *load(void)
{
	struct sl_router *r = sl_router_new();
	char *msgs = NULL;
	assert_non_null(r);
	sl_router_fib_log(r, true);
	if (apply(r, base_conf, &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	return r;
}

static void assert_has(const char *text, const char *want)
{
	if (text == NULL || strstr(text, want) == NULL)
		fail_msg("missing:\n%s\nin:\n%s", want, text ? text : "(null)");
}

static void test_show_lists_every_path(void **state)
{
	(void)state;
	struct sl_router *r = load();
	char *out = show(r, "show ip route");
	assert_has(out, "S>* 10.0.0.0/24 [1/0] via 192.0.2.2, eth1\n"
			"  *                   via 198.51.100.2, eth2, weight 3\n"
			"S   10.0.0.0/24 [5/0] via 192.0.2.9, eth1\n");
	free(out);
	out = show(r, "show ip route vrf RED");
	assert_has(out, "S>* 10.7.0.0/16 [1/0] via 203.0.113.2, eth3\n"
			"  *                   via 203.0.113.3, eth3\n");
	free(out);
	/* leaked: the importer forwards by RED's table, where both paths are */
	out = show(r, "show ip route vrf BLUE");
	assert_has(out, "B>* 10.7.0.0/16 [20/0] via 203.0.113.2, eth3 (vrf RED)\n"
			"  *                    via 203.0.113.3, eth3 (vrf RED)\n");
	free(out);
	/* one address: the detail view marks both paths installed */
	out = show(r, "show ip route 10.0.0.1");
	assert_has(out, "  * via 192.0.2.2, eth1\n");
	assert_has(out, ", multipath\n  * via 198.51.100.2, eth2, weight 3\n");
	free(out);
	sl_router_free(r);
}

static void test_fib_changes_carry_paths(void **state)
{
	(void)state;
	struct sl_router *r = load();
	const struct sl_fib_change *c;
	size_t n = sl_router_changes(r, &c), groups = 0;
	for (size_t i = 0; i < n; i++) {
		if (c[i].op != SL_FIB_ROUTE_SET || c[i].paths == NULL)
			continue;
		groups++;
		assert_int_equal(c[i].paths->n, 2);
	}
	assert_int_equal(groups, 2); /* 10.0.0.0/24 and RED's 10.7.0.0/16 */
	sl_router_changes_clear(r);
	/* eth2 disabled: the route keeps its other path, as a plain next hop */
	char *msgs = NULL;
	assert_int_equal(apply(r, "set interfaces ethernet eth2 disable\n", &msgs), 0);
	free(msgs);
	n = sl_router_changes(r, &c);
	bool one = false;
	for (size_t i = 0; i < n; i++)
		if (c[i].op == SL_FIB_ROUTE_SET && c[i].prefix.len == 24 &&
			c[i].prefix.addr == 0x0a000000u)
			one = c[i].paths == NULL && c[i].nh.gw == 0xc0000202u;
	assert_true(one);
	char *out = show(r, "show ip route");
	assert_has(out, "S>* 10.0.0.0/24 [1/0] via 192.0.2.2, eth1\n"
			"S   10.0.0.0/24 [5/0] via 192.0.2.9, eth1\n"
			"S   10.0.0.0/24 [1/0] via 198.51.100.2, weight 3 inactive\n");
	free(out);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_lists_every_path),
		cmocka_unit_test(test_fib_changes_carry_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
