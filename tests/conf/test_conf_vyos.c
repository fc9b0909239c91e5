/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VyOS compatibility: the lines of VyOS's own route-leaking recipe that
 * sluice accepts without effect load, render back and each gets one notice;
 * sl_conf_lint's advice (duplicate RDs, policies applied nowhere, rules
 * without action in them, static leaks past an import route-map), with the
 * lines it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf_test_util.h"

static const char base[] = "set vrf name BLUE table 10\n"
			   "set vrf name RED table 20\n"
			   "set interfaces ethernet eth1 vrf BLUE\n"
			   "set interfaces ethernet eth2 vrf RED\n"
			   "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			   "set interfaces ethernet eth2 address 10.2.0.1/24\n";

/* VyOS's L3VPN VRF route-leaking recipe, as an operator pastes it */
static const char recipe[] =
	"set protocols bgp system-as 65000\n" /* 1 */
	"set vrf name BLUE protocols bgp system-as 65000\n"
	"set vrf name BLUE protocols bgp address-family ipv4-unicast export vpn\n" /* 3 */
	"set vrf name BLUE protocols bgp address-family ipv4-unicast import vpn\n" /* 4 */
	"set vrf name BLUE protocols bgp address-family ipv4-unicast label vpn export auto\n"
	"set vrf name BLUE protocols bgp address-family ipv4-unicast rd vpn export 65000:10\n"
	"set vrf name BLUE protocols bgp address-family ipv4-unicast route-target vpn both "
	"65000:10\n"
	"set vrf name BLUE protocols bgp address-family ipv4-unicast route-target vpn import "
	"'65000:20 65000:30'\n"
	"set vrf name RED protocols bgp system-as 65000\n"
	"set vrf name RED protocols bgp address-family ipv4-unicast export vpn\n"
	"set vrf name RED protocols bgp address-family ipv4-unicast import vpn\n"
	"set vrf name RED protocols bgp address-family ipv4-unicast label vpn export 1000\n"
	"set vrf name RED protocols bgp address-family ipv4-unicast nexthop vpn export "
	"192.0.2.1\n" /* 13 */
	"set vrf name RED protocols bgp address-family ipv4-unicast rd vpn export 65000:20\n"
	"set vrf name RED protocols bgp address-family ipv4-unicast route-target vpn both "
	"65000:20\n"
	"commit\n";

static void load_ok(struct sl_conf *c, const char *text)
{
	struct sl_errors e = {0};
	int rc = conf_load(c, text, &e);

	if (rc != 0)
		conf_print_errors(&e);
	assert_int_equal(rc, 0);
	assert_int_equal(e.n, 0);
	sl_errors_free(&e);
}

static void test_recipe_noops(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors n = {0};
	char *text, *again;

	(void)state;
	load_ok(c, base);
	assert_int_equal(sl_conf_notices(c, &n), 0); /* nothing VyOS-only in the base */
	load_ok(c, recipe);
	/* one notice per keyword, at its first line, counting the others */
	assert_int_equal(sl_conf_notices(c, &n), 5);
	assert_int_equal(n.n, 5);
	assert_true(conf_errors_have(&n, 1,
		"'protocols bgp system-as' alone (the default VRF's BGP "
		"instance) has no effect in sluice (accepted for "
		"VyOS compatibility)"));
	assert_true(conf_errors_have(&n, 3, "'export vpn' has no effect in sluice"));
	assert_true(conf_errors_have(&n, 3, "(and 1 more line)"));
	assert_true(conf_errors_have(&n, 4, "'import vpn' has no effect"));
	assert_true(conf_errors_have(&n, 5, "'label vpn export' has no effect"));
	assert_true(conf_errors_have(&n, 13, "'nexthop vpn export' has no effect"));
	assert_false(conf_errors_have(&n, 13, "more lines"));
	/* kept: they render and load back identically */
	text = sl_conf_render_str(c);
	assert_non_null(text);
	assert_non_null(strstr(text, "set protocols bgp system-as 65000\n"));
	assert_non_null(strstr(text, "ipv4-unicast label vpn export auto\n"));
	assert_non_null(strstr(text, "ipv4-unicast label vpn export 1000\n"));
	assert_non_null(strstr(text, "ipv4-unicast nexthop vpn export 192.0.2.1\n"));
	struct sl_conf *c2 = sl_conf_new();
	load_ok(c2, text);
	again = sl_conf_render_str(c2);
	assert_string_equal(text, again);
	free(again);
	free(text);
	sl_conf_free(c2);
	/* the next transaction starts without notices */
	sl_errors_clear(&n);
	load_ok(c, "set vrf name BLUE description blue\n");
	assert_int_equal(sl_conf_notices(c, &n), 0);
	/* system-as takes effect with the default VRF's address-family: no notice */
	load_ok(c, "set protocols bgp system-as 65001\n"
		   "set protocols bgp address-family ipv4-unicast route-target vpn export "
		   "65000:254\n");
	assert_int_equal(sl_conf_notices(c, &n), 0);
	load_ok(c, "delete protocols bgp address-family\nset protocols bgp system-as 65000\n");
	assert_int_equal(sl_conf_notices(c, &n), 1);
	sl_errors_free(&n);
	sl_conf_free(c);
}

static void test_noop_values(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};

	(void)state;
	load_ok(c, base);
	load_ok(c, "set vrf name BLUE protocols bgp system-as 65000\n");
	assert_int_not_equal(
		conf_load(c,
			"set vrf name BLUE protocols bgp address-family ipv4-unicast label vpn "
			"export 1048576\n",
			&e),
		0);
	assert_true(conf_errors_have(&e, 1, "1048576: out of range"));
	assert_true(conf_errors_have(&e, 1, "valid: auto or 0..1048575"));
	sl_errors_clear(&e);
	assert_int_not_equal(conf_load(c, "set protocols bgp system-as 0\n", &e), 0);
	assert_true(conf_errors_have(&e, 1, "0: out of range"));
	sl_errors_free(&e);
	sl_conf_free(c);
}

static void lint_of(struct sl_conf *c, const char *text, struct sl_errors *w)
{
	struct sl_errors e = {0};

	sl_errors_clear(w);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, text, 1, &e, NULL), 0);
	assert_int_equal(sl_conf_validate(c, &e), 0);
	sl_conf_lint(c, w); /* in the transaction: with lines */
	assert_int_equal(sl_conf_commit(c, &e), 0);
	assert_int_equal(e.n, 0);
	sl_errors_free(&e);
}

static void test_lint(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors w = {0};

	(void)state;
	lint_of(c, base, &w);
	assert_int_equal(w.n, 0);
	lint_of(c,
		"set vrf name GREEN table 30\n"
		"set vrf name BLUE protocols bgp system-as 65000\n"
		"set vrf name RED protocols bgp system-as 65000\n"
		"set vrf name GREEN protocols bgp system-as 65000\n"
		"set vrf name BLUE protocols bgp address-family ipv4-unicast rd 65000:10\n"
		"set vrf name RED protocols bgp address-family ipv4-unicast rd 65000:20\n"
		"set vrf name GREEN protocols bgp address-family ipv4-unicast rd vpn export "
		"65000:10\n" /* 7: BLUE's */
		"set policy prefix-list USED rule 10 prefix 10.2.0.0/16\n"
		"set policy prefix-list USED rule 10 action permit\n"
		"set policy route-map IMP rule 10 match ip address prefix-list USED\n"
		"set policy route-map IMP rule 10 action permit\n"
		"set vrf name BLUE protocols bgp address-family ipv4-unicast route-map vpn import "
		"IMP\n"
		"set policy prefix-list IDLE rule 10 prefix 10.9.0.0/16\n" /* 13 */
		"set policy prefix-list IDLE rule 20 prefix 10.8.0.0/16\n" /* 14 */
		"set policy prefix-list IDLE rule 20 action permit\n"
		"set policy prefix-list VIA-IDLE rule 10 action permit\n" /* 16 */
		"set policy route-map IDLE-RM rule 10 match ip address prefix-list VIA-IDLE\n"
		"set policy route-map IDLE-RM rule 10 action permit\n"
		/* 19: a static leak into BLUE, past its import route-map */
		"set vrf name BLUE protocols static route 10.2.0.0/24 interface eth2 vrf RED\n"
		"set vrf name BLUE protocols static route 10.2.1.0/24 next-hop 10.2.0.9\n"
		"set vrf name BLUE protocols static route 10.2.1.0/24 next-hop 10.2.0.7 vrf RED\n"
		/* 22: RED has no import route-map: its leak is not advice-worthy */
		"set vrf name RED protocols static route 10.1.0.0/24 interface eth1 vrf BLUE\n",
		&w);
	assert_true(conf_errors_have(&w, 7, "vrf GREEN has the same rd 65000:10 as vrf BLUE"));
	assert_true(conf_errors_have(&w, 13, "prefix-list IDLE is used by no route-map"));
	assert_true(conf_errors_have(
		&w, 13, "prefix-list IDLE rule 10 has no 'action': it would deny what it matches"));
	assert_true(conf_errors_have(&w, 16,
		"prefix-list VIA-IDLE is matched only by route-maps applied nowhere (route-map "
		"IDLE-RM)"));
	assert_true(conf_errors_have(&w, 17, "route-map IDLE-RM is applied nowhere"));
	assert_true(conf_errors_have(&w, 19,
		"vrf BLUE: static route 10.2.0.0/24 interface eth2 leaks from vrf RED past "
		"'route-map vpn import IMP'"));
	assert_true(conf_errors_have(
		&w, 21, "vrf BLUE: static route 10.2.1.0/24 next-hop 10.2.0.7 leaks from vrf RED"));
	/* exactly these: nothing about USED, IMP, RED's leak or the own-VRF next hop */
	assert_int_equal(w.n, 7);
	assert_false(conf_errors_have(&w, 0, "USED"));
	assert_false(conf_errors_have(&w, 0, "vrf RED: static"));

	/* outside a transaction the same advice, without lines */
	sl_errors_clear(&w);
	assert_int_equal(sl_conf_lint(c, &w), 7);
	for (size_t i = 0; i < w.n; i++)
		assert_int_equal(w.v[i].line, 0);

	/* applying the idle route-map: its prefix-list is in use, the warnings go */
	lint_of(c,
		"set vrf name RED protocols bgp address-family ipv4-unicast route-map vpn export "
		"IDLE-RM\n",
		&w);
	assert_false(conf_errors_have(&w, 0, "IDLE-RM"));
	assert_false(conf_errors_have(&w, 0, "VIA-IDLE"));
	assert_int_equal(w.n, 5);
	sl_errors_free(&w);
	sl_conf_free(c);
}

/* The seed's strict prefix-lists have rules without action; applied nowhere,
 * they load (with advice), and refusing starts when one is applied. */
static void test_seed_lists_without_action(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};

	(void)state;
	load_ok(c, base);
	load_ok(c, "set policy prefix-list LEAK-TO-CUSTOMER rule 10 prefix 10.100.0.0/24\n"
		   "set policy prefix-list LEAK-TO-CUSTOMER rule 20 prefix 10.100.1.0/24\n"
		   "set policy prefix-list LEAK-TO-CUSTOMER rule 999 action deny\n");
	assert_int_equal(sl_conf_lint(c, &e), 3); /* unused, and two rules */
	sl_errors_clear(&e);
	int rc = conf_load(c,
		"set vrf name BLUE protocols bgp system-as 65000\n"
		"set policy route-map RM rule 10 action permit\n"
		"set policy route-map RM rule 10 match ip address prefix-list LEAK-TO-CUSTOMER\n"
		"set vrf name BLUE protocols bgp address-family ipv4-unicast route-map vpn import "
		"RM\n",
		&e);
	assert_int_not_equal(rc, 0);
	conf_print_errors(&e);
	/* the rules are older than the transaction: the line that applies them */
	assert_true(conf_errors_have(
		&e, 4, "prefix-list LEAK-TO-CUSTOMER rule 10: no 'action' (valid: permit, deny"));
	assert_true(conf_errors_have(&e, 4, "prefix-list LEAK-TO-CUSTOMER rule 20: no 'action'"));
	assert_int_equal(e.n, 2); /* each rule told once */
	sl_errors_free(&e);
	sl_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recipe_noops),
		cmocka_unit_test(test_noop_values),
		cmocka_unit_test(test_lint),
		cmocka_unit_test(test_seed_lists_without_action),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
