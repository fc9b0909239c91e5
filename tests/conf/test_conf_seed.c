/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every configuration line of ../shared/seed/commands-from-seed.md is accepted
 * (each pattern as its own transaction, on the configuration it builds on),
 * renders canonically and loads back identically; plus the read API and the
 * recorded changed paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf_test_util.h"

/* "VRFs, interfaces, addresses" — the base every other pattern builds on */
static const char seed_base[] = "set vrf name CUSTOMER-A table 10\n"
				"set vrf name SHARED table 20\n"
				"set interfaces ethernet eth1 vrf CUSTOMER-A\n"
				"set interfaces ethernet eth2 vrf SHARED\n"
				"set interfaces ethernet eth1 address 10.1.0.1/24\n"
				"set interfaces ethernet eth2 address 10.100.0.1/24\n"
				"commit\n";

/* "Leaking with BGP route targets"; the symmetric variant adds one line */
#define SEED_RT                                                                              \
	"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"                            \
	"set vrf name SHARED protocols bgp system-as 65000\n"                                \
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast rd 65000:10\n"    \
	"set vrf name SHARED protocols bgp address-family ipv4-unicast rd 65000:20\n"        \
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target "    \
	"import 65000:20\n"                                                                  \
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target "    \
	"export 65000:10\n"                                                                  \
	"set vrf name SHARED protocols bgp address-family ipv4-unicast route-target export " \
	"65000:20\n"

struct pattern {
	const char *name;
	const char *prereq; /* loaded (after the base) before the pattern, when the seed
			       names objects it does not define */
	const char *text; /* verbatim from the commands file */
};

static const struct pattern patterns[] = {
	{"static leak with policy objects", NULL,
		"set policy prefix-list SHARED-SERVICES rule 10 prefix 10.100.0.0/16\n"
		"set policy prefix-list SHARED-SERVICES rule 10 action permit\n"
		"set policy route-map IMPORT-SHARED rule 10 match ip address prefix-list "
		"SHARED-SERVICES\n"
		"set policy route-map IMPORT-SHARED rule 10 action permit\n"
		"set vrf name CUSTOMER-A protocols static route 10.100.0.0/16 interface eth2 vrf "
		"SHARED\n"
		"commit\n"},
	{"route targets", NULL, SEED_RT "commit\n"},
	{"route targets, symmetric", NULL,
		SEED_RT
		"set vrf name SHARED protocols bgp address-family ipv4-unicast route-target "
		"import 65000:10\n"
		"commit\n"},
	{"selective leaking and modified attributes", NULL,
		"set policy prefix-list DNS-ONLY rule 10 prefix 10.100.0.10/32\n"
		"set policy prefix-list DNS-ONLY rule 10 action permit\n"
		"set policy route-map IMPORT-DNS rule 10 match ip address prefix-list DNS-ONLY\n"
		"set policy route-map IMPORT-DNS rule 10 action permit\n"
		"set policy route-map IMPORT-BACKUP rule 10 action permit\n"
		"set policy route-map IMPORT-BACKUP rule 10 set local-preference 50\n"},
	{"route-map applied to vpn import/export (VyOS spelling)",
		"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
		"set vrf name SHARED protocols bgp system-as 65000\n"
		"set policy route-map IMPORT-DNS rule 10 action permit\n"
		"set policy route-map EXPORT-ALL rule 10 action permit\n",
		"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-map vpn "
		"import IMPORT-DNS\n"
		"set vrf name SHARED protocols bgp address-family ipv4-unicast route-map vpn "
		"export EXPORT-ALL\n"},
	{"bidirectional static leaking", NULL,
		"set vrf name SHARED protocols static route 10.1.0.0/24 interface eth1 vrf "
		"CUSTOMER-A\n"
		"set vrf name CUSTOMER-A protocols static route 10.100.0.0/24 interface eth2 vrf "
		"SHARED\n"},
	{"internet gateway",
		/* the seed names the VRF without its (mandatory) table */
		"set vrf name INTERNET table 40\n",
		"set vrf name INTERNET protocols static route 0.0.0.0/0 next-hop 203.0.113.1\n"
		"set vrf name CUSTOMER-A protocols static route 0.0.0.0/0 next-hop 10.100.0.1 vrf "
		"INTERNET\n"},
	{"management (asymmetric)",
		/* the seed's management pattern has eth2 in CUSTOMER-B */
		"set vrf name CUSTOMER-B table 30\n"
		"set vrf name MGMT table 50\n"
		"set interfaces ethernet eth2 vrf CUSTOMER-B\n",
		"set vrf name MGMT protocols static route 10.1.0.0/16 interface eth1 vrf "
		"CUSTOMER-A\n"
		"set vrf name MGMT protocols static route 10.2.0.0/16 interface eth2 vrf "
		"CUSTOMER-B\n"},
	{"strict prefix lists", NULL,
		"set policy prefix-list SHARED-ONLY rule 10 prefix 10.100.0.0/24\n"
		"set policy prefix-list SHARED-ONLY rule 10 action permit\n"
		"set policy prefix-list SHARED-ONLY rule 999 action deny\n"
		"set policy prefix-list LEAK-TO-CUSTOMER rule 10 prefix 10.100.0.0/24\n"
		"set policy prefix-list LEAK-TO-CUSTOMER rule 20 prefix 10.100.1.0/24\n"
		"set policy prefix-list LEAK-TO-CUSTOMER rule 999 action deny\n"},
	{"firewall at leak points", NULL,
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 10 action accept\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 10 destination port 53\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 10 protocol udp\n"},
	{"the rest of the schema",
		"set firewall ipv4 name SHARED-TO-CUSTOMER default-action drop\n"
		"set vrf name CUSTOMER-C table 70\n",
		"set interfaces ethernet eth3 vif 100 address 10.3.0.1/24\n"
		"set interfaces ethernet eth3 vif 100 vrf CUSTOMER-A\n"
		"set interfaces ethernet eth3 vif 100 description 'customer A on a trunk'\n"
		"set interfaces ethernet eth3 vif 100 mtu 1500\n"
		"set interfaces ethernet eth3 vif 101 disable\n"
		"set interfaces ethernet eth3 mtu 9000\n"
		"set interfaces ethernet eth3 description \"trunk # to the PE\"\n"
		"set interfaces ethernet eth3 address 192.0.2.1/24\n"
		"set interfaces ethernet eth3 address 198.51.100.1/31 # a second address\n"
		"set interfaces ethernet eth4 disable\n"
		"set vrf name CUSTOMER-A description 'Customer A'\n"
		"set vrf name CUSTOMER-A protocols static route 10.50.0.0/16 interface eth3.100\n"
		"set vrf name CUSTOMER-A protocols static route 10.51.0.0/16 interface eth1 "
		"distance 20\n"
		"set vrf name CUSTOMER-A protocols static route 10.52.0.0/16 blackhole\n"
		"set vrf name CUSTOMER-A protocols static route 10.53.0.0/16 blackhole distance "
		"250\n"
		"set vrf name CUSTOMER-A protocols static route 10.54.0.0/16 next-hop 10.1.0.254 "
		"distance 5\n"
		"set vrf name CUSTOMER-A leak-firewall to SHARED name SHARED-TO-CUSTOMER\n"
		"set vrf name CUSTOMER-C protocols bgp system-as 4200000000\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast rd vpn export "
		"192.0.2.1:10\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast route-target "
		"vpn import '65000:20 65000:21'\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast route-target "
		"vpn export 65000:10\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast route-target "
		"vpn both 65000:99\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast route-target "
		"both 65000:98\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast import vrf "
		"SHARED\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast import vpn\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast export vpn\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast redistribute "
		"connected\n"
		"set vrf name CUSTOMER-C protocols bgp address-family ipv4-unicast redistribute "
		"static\n"
		"set protocols static route 192.0.2.128/25 next-hop 192.0.2.2\n"
		"set protocols static route 198.18.0.0/15 interface eth3\n"
		"set policy prefix-list ANY-24 description 'anything up to /24'\n"
		"set policy prefix-list ANY-24 rule 5 prefix 10.0.0.0/8\n"
		"set policy prefix-list ANY-24 rule 5 ge 16\n"
		"set policy prefix-list ANY-24 rule 5 le 24\n"
		"set policy prefix-list ANY-24 rule 5 action permit\n"
		"set policy prefix-list ANY-24 rule 5 description x\n"
		"set policy route-map RM description 'metric setter'\n"
		"set policy route-map RM rule 20 action deny\n"
		"set policy route-map RM rule 10 action permit\n"
		"set policy route-map RM rule 10 set metric 100\n"
		"set policy route-map RM rule 10 description 'ten'\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER description 'leak point'\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 action drop\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 protocol tcp\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 source address 10.1.0.0/24\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 source port 1024-65535\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 destination address "
		"10.100.0.0/24\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 destination port "
		"22,80,443,8000-8080\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 state established\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 state related\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 description 'no ssh'\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 20 disable\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 30 protocol icmp\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 30 icmp type 8\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 30 action reject\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 40 protocol 47\n"
		"set firewall ipv4 name SHARED-TO-CUSTOMER rule 40 action accept\n"
		"configure\n"
		"commit\n"
		"save\n"
		"exit\n"},
};

static void assert_load(struct sl_conf *c, const char *text)
{
	struct sl_errors e = {0};
	int rc = conf_load(c, text, &e);

	if (rc != 0)
		conf_print_errors(&e);
	assert_int_equal(rc, 0);
	assert_int_equal(e.n, 0);
	sl_errors_free(&e);
}

static void assert_round_trip(struct sl_conf *c)
{
	char *first = sl_conf_render_str(c), *second;
	struct sl_conf *again = sl_conf_new();

	assert_non_null(first);
	assert_non_null(again);
	assert_load(again, first);
	second = sl_conf_render_str(again);
	assert_non_null(second);
	assert_string_equal(first, second);
	free(first);
	free(second);
	sl_conf_free(again);
}

static void test_seed_patterns(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		struct sl_conf *c = sl_conf_new();

		print_message("pattern: %s\n", patterns[i].name);
		assert_non_null(c);
		assert_load(c, seed_base);
		if (patterns[i].prereq)
			assert_load(c, patterns[i].prereq);
		assert_load(c, patterns[i].text);
		assert_round_trip(c);
		sl_conf_free(c);
	}
}

/* Every pattern on top of each other where they do not conflict, then round trip. */
static void test_seed_all_in_one_file(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	bool saw_save = false;

	(void)state;
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, seed_base, 1, &e, NULL), 0);
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (patterns[i].prereq && strstr(patterns[i].prereq, "CUSTOMER-B"))
			continue; /* moves eth2 out of SHARED */
		if (patterns[i].prereq)
			assert_int_equal(
				sl_conf_exec_text(c, patterns[i].prereq, 100, &e, NULL), 0);
		assert_int_equal(sl_conf_exec_text(c, patterns[i].text, 200, &e, &saw_save), 0);
	}
	assert_true(saw_save);
	if (sl_conf_commit(c, &e) != 0)
		conf_print_errors(&e);
	assert_int_equal(e.n, 0);
	assert_round_trip(c);
	sl_errors_free(&e);
	sl_conf_free(c);
}

static void test_render_canonical(void **state)
{
	struct sl_conf *c = sl_conf_new();
	char *out;

	(void)state;
	assert_load(c, seed_base);
	assert_load(c, "set vrf name SHARED protocols static route 10.0.0.0/16 blackhole\n"
		       "set vrf name SHARED protocols static route 9.0.0.0/8 blackhole\n"
		       "set vrf name SHARED protocols static route 10.0.0.0/8 blackhole\n"
		       "set interfaces ethernet eth10 disable\n"
		       "set interfaces ethernet eth2 description 'it''s'\n"
		       "set policy prefix-list P rule 100 action deny\n"
		       "set policy prefix-list P rule 20 action permit\n");
	out = sl_conf_render_str(c);
	assert_non_null(out);
	assert_string_equal(out,
		"set interfaces ethernet eth1 address 10.1.0.1/24\n"
		"set interfaces ethernet eth1 vrf CUSTOMER-A\n"
		"set interfaces ethernet eth2 address 10.100.0.1/24\n"
		"set interfaces ethernet eth2 description its\n"
		"set interfaces ethernet eth2 vrf SHARED\n"
		"set interfaces ethernet eth10 disable\n"
		"set policy prefix-list P rule 20 action permit\n"
		"set policy prefix-list P rule 100 action deny\n"
		"set vrf name CUSTOMER-A table 10\n"
		"set vrf name SHARED protocols static route 9.0.0.0/8 blackhole\n"
		"set vrf name SHARED protocols static route 10.0.0.0/8 blackhole\n"
		"set vrf name SHARED protocols static route 10.0.0.0/16 blackhole\n"
		"set vrf name SHARED table 20\n");
	free(out);
	sl_conf_free(c);
}

static void test_quoting_round_trip(void **state)
{
	struct sl_conf *c = sl_conf_new();
	char *out;

	(void)state;
	assert_load(c, "set interfaces ethernet eth1 description \"it's # not a comment\"\n"
		       "set interfaces ethernet eth2 description 'say \"hi\"'\n"
		       "set interfaces ethernet eth3 description ''\n");
	out = sl_conf_render_str(c);
	assert_string_equal(out,
		"set interfaces ethernet eth1 description \"it's # not a comment\"\n"
		"set interfaces ethernet eth2 description 'say \"hi\"'\n"
		"set interfaces ethernet eth3 description ''\n");
	assert_round_trip(c);
	free(out);
	sl_conf_free(c);
}

static void test_read_api(void **state)
{
	struct sl_conf *c = sl_conf_new();
	const struct sl_conf_node *vrf, *af, *n;
	const struct sl_conf_node **kids;
	const char **vals;
	size_t nv, nk, cursor = 0, count = 0;

	(void)state;
	assert_load(c, seed_base);
	assert_load(c, "set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
		       "set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast "
		       "route-target import '65000:30 65000:20'\n"
		       "set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast "
		       "route-target import 1.2.3.4:5\n"
		       "set vrf name CUSTOMER-A table 11\n");
	vrf = sl_conf_findv(c, "vrf", "name", "CUSTOMER-A", NULL);
	assert_non_null(vrf);
	assert_string_equal(sl_conf_node_name(vrf), "CUSTOMER-A");
	assert_string_equal(sl_conf_leaf_value(vrf, "table"), "11"); /* replaced, not added */
	assert_int_equal(sl_conf_child_count(sl_conf_child(vrf, "table")), 1);
	af = sl_conf_findv(c, "vrf", "name", "CUSTOMER-A", "protocols", "bgp", "address-family",
		"ipv4-unicast", "route-target", NULL);
	assert_int_equal(sl_conf_leaf_values(af, "import", &vals, &nv), 0);
	assert_int_equal(nv, 3);
	assert_string_equal(vals[0], "65000:20"); /* type 0 before type 1, then by number */
	assert_string_equal(vals[1], "65000:30");
	assert_string_equal(vals[2], "1.2.3.4:5");
	free(vals);
	const char *path[] = {"vrf", "name"};
	n = sl_conf_find(c, path, 2);
	assert_int_equal(sl_conf_child_count(n), 2);
	while (sl_conf_child_next(n, &cursor))
		count++;
	assert_int_equal(count, 2);
	assert_int_equal(sl_conf_children_sorted(n, &kids, &nk), 0);
	assert_int_equal(nk, 2);
	assert_string_equal(sl_conf_node_name(kids[0]), "CUSTOMER-A");
	assert_string_equal(sl_conf_node_name(kids[1]), "SHARED");
	assert_ptr_equal(sl_conf_node_parent(kids[0]), n);
	free(kids);
	assert_true(sl_conf_has(sl_conf_findv(c, "interfaces", "ethernet", NULL), "eth1"));
	assert_null(sl_conf_findv(c, "vrf", "name", "NOPE", NULL));
	assert_null(sl_conf_leaf_value(vrf, "description"));
	sl_conf_free(c);
}

/* The recorded changed paths, as the commit layer reads them. */
static void expect_changes(
	struct sl_conf *c, const char *const *want, const unsigned *lines, size_t n)
{
	assert_int_equal(sl_conf_change_count(c), n);
	for (size_t i = 0; i < n; i++) {
		const char *const *tok;
		size_t nt;
		unsigned line;
		char joined[512] = "";

		assert_int_equal(sl_conf_change_get(c, i, &tok, &nt, &line), 0);
		for (size_t k = 0; k < nt; k++) {
			strcat(joined, k ? " " : "");
			strcat(joined, tok[k]);
		}
		assert_string_equal(joined, want[i]);
		assert_int_equal(line, lines[i]);
	}
}

static void test_changed_paths(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	const char *const *tok;
	size_t nt;

	(void)state;
	assert_load(c, seed_base);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(
		sl_conf_exec_text(c,
			"set vrf name CUSTOMER-A protocols static route 10.9.0.0/16 next-hop "
			"10.1.0.9\n"
			"set vrf name CUSTOMER-A protocols static route 10.9.0.0/16 next-hop "
			"10.1.0.9 distance 5\n"
			"set vrf name CUSTOMER-A table 10\n" /* no change: nothing recorded */
			"set vrf name SHARED table 21\n"
			"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
			"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast rd "
			"65000:1\n"
			"set vrf name NEW protocols static route 10.0.0.0/8 blackhole\n"
			"delete interfaces ethernet eth2 address 10.100.0.1/24\n"
			"set policy prefix-list PL rule 10 action permit\n"
			"set vrf name NEW table 30 # a VRF needs its table\n"
			"set protocols static route 10.0.0.0/8 blackhole\n",
			1, &e, NULL),
		0);
	static const char *const want[] = {
		"vrf name CUSTOMER-A protocols static route 10.9.0.0/16",
		"vrf name SHARED table",
		"vrf name CUSTOMER-A protocols bgp",
		"vrf name NEW",
		"interfaces ethernet eth2",
		"policy prefix-list PL",
		"vrf name NEW table",
		"protocols static route 10.0.0.0/8",
	};
	static const unsigned lines[] = {1, 4, 5, 7, 8, 9, 10, 11};
	expect_changes(c, want, lines, 8);
	assert_int_equal(sl_conf_commit(c, &e), 0);
	/* still readable after commit */
	assert_int_equal(sl_conf_change_get(c, 3, &tok, &nt, NULL), 0);
	assert_int_equal(nt, 3);
	assert_int_equal(sl_conf_change_get(c, 8, &tok, &nt, NULL), -ERANGE);

	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c,
				 "delete vrf name CUSTOMER-A protocols static route 10.9.0.0/16\n"
				 "delete vrf name NEW\n"
				 "delete policy\n",
				 1, &e, NULL),
		0);
	static const char *const want2[] = {
		"vrf name CUSTOMER-A protocols static route 10.9.0.0/16",
		"vrf name NEW",
		"policy",
	};
	static const unsigned lines2[] = {1, 2, 3};
	expect_changes(c, want2, lines2, 3);
	assert_int_equal(sl_conf_commit(c, &e), 0);
	/* the last route's empty parents went too (VyOS), the VRF stayed */
	assert_null(sl_conf_findv(c, "vrf", "name", "CUSTOMER-A", "protocols", "static", NULL));
	assert_non_null(sl_conf_findv(c, "vrf", "name", "CUSTOMER-A", "protocols", "bgp", NULL));
	assert_int_equal(e.n, 0);
	sl_errors_free(&e);
	sl_conf_free(c);
}

static void test_transaction_api(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	enum sl_conf_line kind;

	(void)state;
	assert_int_equal(sl_conf_exec(c, "set vrf name A table 5", 1, &e, NULL), -EBUSY);
	assert_int_equal(sl_conf_commit(c, &e), -EBUSY);
	assert_int_equal(sl_conf_abort(c), -EBUSY);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_true(sl_conf_in_transaction(c));
	assert_int_equal(sl_conf_begin(c), -EBUSY);
	assert_int_equal(sl_conf_exec(c, "  save  # keep it", 1, &e, &kind), 0);
	assert_int_equal(kind, SL_CONF_LINE_SAVE);
	assert_int_equal(sl_conf_exec(c, "   ", 2, &e, &kind), 0);
	assert_int_equal(kind, SL_CONF_LINE_EMPTY);
	assert_int_equal(sl_conf_exec(c, "delete vrf name A", 3, &e, &kind), -EINVAL);
	assert_int_equal(kind, SL_CONF_LINE_DELETE);
	assert_int_equal(sl_conf_commit(c, &e), -EINVAL); /* a line failed */
	assert_true(sl_conf_in_transaction(c));
	assert_int_equal(sl_conf_abort(c), 0);
	assert_false(sl_conf_in_transaction(c));
	assert_int_equal(sl_conf_check_line("set vrf name A table 5", 1, &e), 0);
	assert_int_equal(sl_conf_check_line("set vrf name A tabel 5", 7, &e), -EINVAL);
	assert_true(conf_errors_have(&e, 7, "unknown node 'tabel' after 'vrf name A'"));
	sl_errors_free(&e);
	sl_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_patterns),
		cmocka_unit_test(test_seed_all_in_one_file),
		cmocka_unit_test(test_render_canonical),
		cmocka_unit_test(test_quoting_round_trip),
		cmocka_unit_test(test_read_api),
		cmocka_unit_test(test_changed_paths),
		cmocka_unit_test(test_transaction_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
