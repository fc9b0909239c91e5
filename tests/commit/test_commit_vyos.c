/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_commit_vyos.c — the VyOS lines sluice accepts without effect really
 * have none (every VRF's routes are the same with and without them), and
 * sl_router_warnings(): their notices after a commit, the lint advice only
 * with sl_router_lint on, nothing after a refused apply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "commit_test_util.h"

/* route-target leaking both ways, as sluice needs it */
static const char leak[] =
	"set vrf name CUSTOMER-A table 10\n"
	"set vrf name SHARED table 20\n"
	"set interfaces ethernet eth1 vrf CUSTOMER-A\n"
	"set interfaces ethernet eth2 vrf SHARED\n"
	"set interfaces ethernet eth1 address 10.1.0.1/24\n"
	"set interfaces ethernet eth2 address 10.100.0.1/24\n"
	"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
	"set vrf name SHARED protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast rd vpn export 65000:10\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast rd vpn export 65000:20\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target vpn both "
	"65000:10\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target vpn import "
	"65000:20\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast route-target vpn both "
	"65000:20\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast route-target vpn import "
	"65000:10\n";

/* what VyOS's recipe adds on top (lines 15..21 after `leak`) */
static const char vyos_only[] =
	"set protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast import vpn\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast export vpn\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast label vpn export auto\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast import vpn\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast export vpn\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast nexthop vpn export "
	"10.100.0.1\n";

/* Apply text, which must commit (its errors printed otherwise). */
static void apply_ok(struct sl_router *r, const char *text)
{
	char *msgs = NULL;
	int rc = apply(r, text, &msgs);
	if (rc != 0)
		fputs(msgs, stderr);
	free(msgs);
	assert_int_equal(rc, 0);
}

static bool have(const struct sl_errors *w, unsigned line, const char *needle)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].line == line && strstr(w->v[i].msg, needle))
			return true;
	return false;
}

static void test_noops_change_no_route(void **state)
{
	(void)state;
	struct sl_router *plain = sl_router_new(), *vyos = sl_router_new();
	char both[sizeof(leak) + sizeof(vyos_only)];

	snprintf(both, sizeof(both), "%s%s", leak, vyos_only);
	apply_ok(plain, leak);
	assert_int_equal(sl_router_warnings(plain)->n, 0);
	apply_ok(vyos, both);
	const struct sl_errors *w = sl_router_warnings(vyos);
	assert_int_equal(w->n, 5); /* one per keyword */
	assert_true(have(w, 15, "'protocols bgp system-as'"));
	assert_true(have(w, 16, "'import vpn' has no effect in sluice"));
	assert_true(have(w, 16, "(and 1 more line)"));
	assert_true(have(w, 17, "'export vpn' has no effect in sluice"));
	assert_true(have(w, 18, "'label vpn export' has no effect in sluice"));
	assert_true(have(w, 21, "'nexthop vpn export' has no effect in sluice"));
	for (size_t i = 1; i < w->n; i++) /* in line order */
		assert_true(w->v[i - 1].line <= w->v[i].line);
	static const char *const vrfs[] = {"CUSTOMER-A", "SHARED"};
	for (size_t i = 0; i < 2; i++) {
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "show ip route vrf %s", vrfs[i]);
		char *a = show(plain, cmd), *b = show(vyos, cmd);
		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(strstr(a, "(vrf ")); /* the leak is there to compare */
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	sl_router_free(plain);
	sl_router_free(vyos);
}

static void test_lint_switch_and_refusal(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	static const char dup_rd[] =
		"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast rd vpn export "
		"65000:20\n";

	apply_ok(r, leak);
	/* lint off (the default): a duplicate RD commits without a word */
	apply_ok(r, dup_rd);
	assert_int_equal(sl_router_warnings(r)->n, 0);
	apply_ok(r, "delete vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast rd\n");
	sl_router_lint(r, true);
	apply_ok(r, dup_rd);
	const struct sl_errors *w = sl_router_warnings(r);
	assert_int_equal(w->n, 1);
	/* at the line that made the pair, naming its VRF first */
	assert_true(have(w, 1, "vrf CUSTOMER-A has the same rd 65000:20 as vrf SHARED"));
	/* a refused apply leaves no warnings of its own, nor the last ones */
	struct sl_errors e = {0};
	assert_int_not_equal(
		sl_router_apply(r,
			"set protocols bgp system-as 65000\n"
			"set vrf name NOPE protocols static route 10.0.0.0/8 blackhole\n",
			&e, NULL),
		0);
	assert_int_equal(sl_router_warnings(r)->n, 0);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* system syslog's level as sluiced reads it; hw-id in the interface view */
static void test_syslog_level_and_hw_id(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	apply_ok(r, leak);
	assert_int_equal(sl_router_syslog_level(r), -1);
	/* another facility alone sets nothing */
	apply_ok(r, "set system syslog global facility local7 level debug\n");
	assert_int_equal(sl_router_syslog_level(r), -1);
	apply_ok(r, "set system syslog global facility all level warning\n");
	assert_int_equal(sl_router_syslog_level(r), 4);
	/* daemon (sluiced's own facility) wins over all */
	apply_ok(r, "set system syslog global facility daemon level notice\n");
	assert_int_equal(sl_router_syslog_level(r), 5);
	apply_ok(r, "delete system syslog global facility daemon\n"
		    "set system syslog global facility all level all\n");
	assert_int_equal(sl_router_syslog_level(r), 7);
	apply_ok(r, "set system syslog global facility all level emerg\n");
	assert_int_equal(sl_router_syslog_level(r), 0);
	apply_ok(r, "delete system\n");
	assert_int_equal(sl_router_syslog_level(r), -1);

	struct sl_iface_state ifs;
	assert_int_equal(sl_router_iface_get(r, "eth1", &ifs), 0);
	assert_string_equal(ifs.hw_id, "");
	/* canonical: lower case, the PCI domain written out; vifs show their NIC's */
	apply_ok(r, "set interfaces ethernet eth1 hw-id 52:54:00:AB:cd:EF\n"
		    "set interfaces ethernet eth2 hw-id 3b:00.1\n"
		    "set interfaces ethernet eth2 vif 7 address 10.7.0.1/24\n");
	assert_int_equal(sl_router_iface_get(r, "eth1", &ifs), 0);
	assert_string_equal(ifs.hw_id, "52:54:00:ab:cd:ef");
	assert_int_equal(sl_router_iface_get(r, "eth2.7", &ifs), 0);
	assert_string_equal(ifs.hw_id, "0000:3b:00.1");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(sl_router_render(r, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "set interfaces ethernet eth2 hw-id 0000:3b:00.1\n"));
	free(text);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noops_change_no_route),
		cmocka_unit_test(test_lint_switch_and_refusal),
		cmocka_unit_test(test_syslog_level_and_hw_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
