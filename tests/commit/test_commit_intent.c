/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Isolation intents (`set policy intent`): the check against the demo
 * configuration, commits refused whole (state unchanged, the error naming
 * the intent, the way and the configuration line), the datapath's one
 * redirect (a leaked default into a VRF that holds B's leaked routes is
 * leak_loop, not a breach; a cross-VRF next hop there is), route-target
 * leaks, require's forward and return path, dynamic routes refused and
 * counted, and randomized configurations at scale (hundreds of VRFs,
 * thousands of routes) compared with a brute-force oracle: every address
 * where some VRF's table changes, looked up with sl_rib_route_lookup as the
 * datapath does, interfaces placed by the configuration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"
#include "sl_intent.h"

static const char *src_dir;

static const char *INTENTS = "set policy intent A-NOT-B deny from CUSTOMER-A to CUSTOMER-B\n"
			     "set policy intent B-NOT-A deny from CUSTOMER-B to CUSTOMER-A\n"
			     "set policy intent A-DNS require from CUSTOMER-A to SHARED address "
			     "10.100.0.10\n";

static struct sl_router *demo(bool intents)
{
	char path[512];
	struct sl_errors e = {0};
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	snprintf(path, sizeof(path), "%s/config/demo-shared-services.conf", src_dir);
	assert_int_equal(sl_router_load_file(r, path, &e), 0);
	sl_errors_free(&e);
	if (intents)
		assert_int_equal(apply(r, INTENTS, NULL), 0);
	return r;
}

static const struct sl_intent_result *find(const struct sl_intent_report *rep, const char *name)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->v[i].intent.name, name) == 0)
			return &rep->v[i];
	fail_msg("intent %s not in the report", name);
	return NULL;
}

static void test_demo_holds(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	struct sl_intent_report rep;
	assert_int_equal(sl_router_intent_report(r, &rep), 0);
	assert_int_equal(rep.n, 3);
	for (size_t i = 0; i < rep.n; i++)
		assert_true(rep.v[i].holds);
	const struct sl_intent_result *dns = find(&rep, "A-DNS");
	assert_true(dns->forward_ok);
	assert_int_equal(dns->way.n_hops, 2);
	assert_string_equal(dns->way.egress_if, "eth3");
	assert_string_equal(dns->way.egress_vrf, "SHARED");
	assert_true(dns->has_return);
	assert_int_equal(dns->n_connected, 1);
	assert_int_equal(dns->n_returning, 1);
	assert_string_equal(dns->ret_way.egress_vrf, "CUSTOMER-A");
	sl_intent_report_free(&rep);

	char *txt = show(r, "show policy intent");
	assert_non_null(txt);
	assert_non_null(
		strstr(txt, "policy intent A-NOT-B: deny from CUSTOMER-A to CUSTOMER-B: holds"));
	assert_non_null(strstr(txt, "return path: 1 of 1 connected subnet of CUSTOMER-A"));
	free(txt);
	sl_router_free(r);
}

/* Apply text: it must be refused (-EINVAL) with each of the NULL-ended
 * strings among its errors, and leave the router exactly as it was. */
static void refused(struct sl_router *r, const char *text, ...)
{
	char *before = snapshot(r), *msgs = NULL;
	va_list ap;
	assert_int_equal(apply(r, text, &msgs), -EINVAL);
	va_start(ap, text);
	for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *))
		if (strstr(msgs, want) == NULL)
			fail_msg("'%s' not among the errors:\n%s", want, msgs);
	va_end(ap);
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(before), free(after), free(msgs);
}

static void applied(struct sl_router *r, const char *text)
{
	char *msgs = NULL;
	if (apply(r, text, &msgs) != 0)
		fail_msg("refused: %s", msgs);
	free(msgs);
}

/* The seed example (config/intent-shared-services.conf): route-target
 * leaks, every intent holds; its documented mistake is refused. */
static void test_seed_example(void **state)
{
	(void)state;
	char path[512];
	struct sl_errors e = {0};
	struct sl_router *r = sl_router_new();
	snprintf(path, sizeof(path), "%s/config/intent-shared-services.conf", src_dir);
	assert_int_equal(sl_router_load_file(r, path, &e), 0);
	sl_errors_free(&e);
	struct sl_intent_report rep;
	assert_int_equal(sl_router_intent_report(r, &rep), 0);
	assert_int_equal(rep.n, 4);
	for (size_t i = 0; i < rep.n; i++)
		assert_true(rep.v[i].holds);
	sl_intent_report_free(&rep);
	refused(r,
		"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target "
		"import 65000:2\n",
		"1: policy intent A-NOT-B (deny from CUSTOMER-A to CUSTOMER-B) would be broken",
		"made by 'set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast "
		"route-target export 65000:2'",
		NULL);
	sl_router_free(r);
}

/* A static leak into B is refused whole; the running state is kept. */
static void test_refused_atomic(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	refused(r,
		"set vrf name MGMT description ok\n"
		"set vrf name CUSTOMER-A protocols static route 10.2.0.0/16 interface eth2 vrf "
		"CUSTOMER-B\n",
		"2: policy intent A-NOT-B (deny from CUSTOMER-A to CUSTOMER-B) would be broken: "
		"CUSTOMER-A would forward 10.2.0.0/24 (2 ranges, 255 addresses) into CUSTOMER-B",
		"made by 'set vrf name CUSTOMER-A protocols static route 10.2.0.0/16 interface "
		"eth2 vrf CUSTOMER-B'",
		"the commit is refused", NULL);

	/* the router's own address (10.2.0.1, local) is not forwarding: 255 of 256 */
	struct sl_router *n = demo(false);
	applied(n, "set vrf name CUSTOMER-A protocols static route 10.2.0.0/24 interface eth2 "
		   "vrf CUSTOMER-B\n");
	struct sl_intent it = {
		.name = "X", .kind = SL_INTENT_DENY, .from = "CUSTOMER-A", .to = "CUSTOMER-B"};
	struct sl_intent_report rep;
	assert_int_equal(
		sl_intent_check(sl_router_rib_const(n), sl_router_conf_const(n), &it, 1, &rep), 0);
	assert_false(rep.v[0].holds);
	assert_int_equal(rep.v[0].n_addresses, 255);
	assert_int_equal(rep.v[0].n_ranges, 2);
	assert_int_equal(rep.v[0].n_breach_listed, 1);
	assert_int_equal(rep.v[0].breach[0].lo, 0x0a020000);
	assert_int_equal(rep.v[0].breach[0].hi, 0x0a020000);
	assert_int_equal(rep.v[0].breach[0].span_hi, 0x0a0200ff);
	sl_intent_report_free(&rep);
	sl_router_free(n);
	sl_router_free(r);
}

/* One redirect only: A's default into SHARED, where B's route is itself a
 * redirect (leak_loop: holds); a cross-VRF next hop there is not a redirect:
 * the packet leaves by B's interface (broken). */
static void test_one_redirect(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	applied(r, "delete vrf name CUSTOMER-A protocols static route 0.0.0.0/0\n"
		   "set vrf name CUSTOMER-A protocols static route 0.0.0.0/0 interface eth3 vrf "
		   "SHARED\n"
		   "set vrf name SHARED protocols static route 10.2.0.0/24 interface eth2 vrf "
		   "CUSTOMER-B\n");
	refused(r,
		"set vrf name SHARED protocols static route 10.2.0.128/25 next-hop 10.2.0.10 vrf "
		"CUSTOMER-B\n",
		"CUSTOMER-A would forward 10.2.0.128/25 into CUSTOMER-B",
		"the way: CUSTOMER-A 0.0.0.0/0 static-leak from SHARED -> SHARED 10.2.0.128/25 "
		"static-leak from CUSTOMER-B, out of eth2 (vrf CUSTOMER-B)",
		"made by 'set vrf name SHARED protocols static route 10.2.0.128/25 next-hop "
		"10.2.0.10 vrf CUSTOMER-B'",
		NULL);
	sl_router_free(r);
}

/* Show the truth (#14 item 6): A's leaked default into SHARED, where B's
 * subnet is itself leaked — the route says SHARED, forwarding drops. */
static void test_leak_loop_shown(void **state)
{
	(void)state;
	struct sl_router *r = demo(false);
	applied(r, "delete vrf name CUSTOMER-A protocols static route 0.0.0.0/0\n"
		   "set vrf name CUSTOMER-A protocols static route 0.0.0.0/0 interface eth3 vrf "
		   "SHARED\n");
	struct sl_intent_way w;
	assert_int_equal(sl_router_way(r, "CUSTOMER-A", 0x0a020005u, &w), 0);
	assert_int_equal(w.fate, SL_FATE_LEAK_LOOP);
	assert_int_equal(w.n_hops, 2);
	assert_string_equal(w.hop[1].vrf, "SHARED");
	assert_string_equal(w.hop[1].route.origin_vrf, "CUSTOMER-B");
	/* the shared services themselves are forwarded, A's own subnet stays A's */
	assert_int_equal(sl_router_way(r, "CUSTOMER-A", 0x0a64000au, &w), 0);
	assert_int_equal(w.fate, SL_FATE_FORWARD);
	assert_int_equal(sl_router_way(r, "NOPE", 1, &w), -ENOENT);

	struct sl_intent_result res;
	assert_int_equal(sl_router_leak_loops(r, "CUSTOMER-A", &res), 0);
	assert_false(res.holds);
	assert_int_equal(res.n_addresses, 256);
	assert_int_equal(res.n_breach_listed, 1);
	assert_int_equal(res.breach[0].lo, 0x0a020000u);
	assert_int_equal(res.breach[0].hi, 0x0a0200ffu);
	assert_int_equal(sl_router_leak_loops(r, "CUSTOMER-B", &res), 0);
	assert_true(res.holds);

	char *txt = show(r, "show ip route vrf CUSTOMER-A 10.2.0.5");
	assert_non_null(strstr(txt, "Forwarding of 10.2.0.5: CUSTOMER-A 0.0.0.0/0 static-leak "
				    "from SHARED -> SHARED 10.2.0.0/24 static-leak from "
				    "CUSTOMER-B, dropped (leak_loop)\n"));
	assert_non_null(strstr(txt, "sender gets ICMP unreachable"));
	free(txt);
	txt = show(r, "show ip route vrf CUSTOMER-A 10.100.0.10");
	assert_non_null(strstr(txt, "out of eth3 (vrf SHARED)"));
	assert_null(strstr(txt, "not the path above"));
	free(txt);
	txt = show(r, "show leak vrf CUSTOMER-A");
	assert_non_null(strstr(txt, "Dropped as leak loops: 256 addresses in 1 range"));
	assert_non_null(strstr(txt, "  10.2.0.0/24: CUSTOMER-A 0.0.0.0/0"));
	free(txt);
	txt = show(r, "show leak matrix");
	assert_non_null(strstr(txt, "\nCUSTOMER-A: Dropped as leak loops: 256 addresses"));
	free(txt);
	sl_router_free(r);
}

static const char *RT_BASE =
	"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-B protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast route-target vpn "
	"export 65000:2\n"
	"set policy prefix-list NETS-250 rule 10 action permit\n"
	"set policy prefix-list NETS-250 rule 10 prefix 10.250.0.0/16\n"
	"set policy prefix-list NETS-250 rule 10 le 32\n"
	"set policy route-map FROM-B rule 10 action permit\n"
	"set policy route-map FROM-B rule 10 match ip address prefix-list NETS-250\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-map vpn import "
	"FROM-B\n"
	/* only 10.250/16 passes, and B has none of it */
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target vpn "
	"import 65000:2\n";

/* A route-target import names both lines; a filtered import holds. */
static void test_route_target(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	applied(r, RT_BASE);
	refused(r, "delete policy route-map FROM-B rule 10 match\n",
		"CUSTOMER-A would forward 10.2.0.0/24 (2 ranges, 255 addresses) into CUSTOMER-B",
		"made by 'set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast "
		"route-target vpn import 65000:2'",
		"made by 'set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast "
		"route-target vpn export 65000:2'",
		NULL);
	sl_router_free(r);
}

static void test_require(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	/* the way to SHARED goes */
	refused(r, "delete vrf name CUSTOMER-A protocols static route 10.100.0.0/24\n",
		"1: policy intent A-DNS (require from CUSTOMER-A to SHARED address 10.100.0.10) "
		"would be broken: 10.100.0.10 in CUSTOMER-A does not reach SHARED: CUSTOMER-A "
		"0.0.0.0/0 static-leak from INTERNET, out of eth4 (vrf INTERNET)",
		NULL);
	/* the return path goes */
	refused(r, "delete vrf name SHARED protocols static route 10.1.0.0/24\n",
		"no return path: SHARED routes none of CUSTOMER-A's 1 connected subnet back into "
		"CUSTOMER-A",
		NULL);
	/* a new intent that does not hold is refused with it */
	refused(r,
		"set policy intent B-NTP require from CUSTOMER-B to INTERNET address "
		"198.51.100.1\n",
		"1: policy intent B-NTP",
		"198.51.100.1 in CUSTOMER-B does not reach INTERNET: CUSTOMER-B: no route, "
		"dropped (no_route)",
		NULL);
	/* deleting a VRF an intent names is a reference error */
	refused(r, "delete vrf name CUSTOMER-B\n",
		"cannot delete vrf CUSTOMER-B: still referenced by 'policy intent", NULL);
	sl_router_free(r);
}

/* The first commit (a start-up configuration) accepts a require intent
 * that does not hold yet (its way may come from FRR), not a deny intent. */
static void test_first_commit(void **state)
{
	(void)state;
	struct sl_router *r = demo(false);
	struct sl_router *n = sl_router_new();
	char *text = NULL, *msgs = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	sl_router_render(r, f);
	fputs("set policy intent A-INET require from CUSTOMER-A to INTERNET address 192.0.2.1\n"
	      "set policy intent B-INET require from CUSTOMER-B to INTERNET address 192.0.2.1\n",
		f);
	fclose(f);
	applied(n, text);
	struct sl_intent_report rep;
	assert_int_equal(sl_router_intent_report(n, &rep), 0);
	assert_true(find(&rep, "A-INET")->holds); /* the leaked default */
	assert_false(find(&rep, "B-INET")->holds); /* B has no default route */
	sl_intent_report_free(&rep);
	/* later commits that leave it as it is go through; set again, it is new */
	applied(n, "set vrf name MGMT description later\n");
	applied(n, "delete policy intent B-INET\n");
	refused(n,
		"set policy intent B-INET require from CUSTOMER-B to INTERNET address 192.0.2.1\n",
		"1: policy intent B-INET", "192.0.2.1 in CUSTOMER-B does not reach INTERNET", NULL);
	free(text);
	sl_router_free(n);

	/* a deny that does not hold refuses even the first commit */
	n = sl_router_new();
	text = NULL;
	f = open_memstream(&text, &len);
	sl_router_render(r, f);
	fputs("set policy intent MGMT-NOT-A deny from MGMT to CUSTOMER-A\n", f);
	fclose(f);
	assert_int_equal(apply(n, text, &msgs), -EINVAL);
	assert_non_null(strstr(msgs, "policy intent MGMT-NOT-A (deny from MGMT to CUSTOMER-A) "
				     "would be broken: MGMT would forward 10.1.0.0/24"));
	free(msgs), free(text);
	sl_router_free(n);
	sl_router_free(r);
}

static void test_schema_errors(void **state)
{
	(void)state;
	struct sl_router *r = demo(false);
	refused(r, "set policy intent X deny from CUSTOMER-A to NOPE\n",
		"1: vrf 'NOPE' is not defined (referenced by 'policy intent X deny from CUSTOMER-A "
		"to')",
		NULL);
	refused(r, "set policy intent X deny from SHARED to SHARED\n",
		"1: policy intent X deny from SHARED to SHARED: 'from' and 'to' are the same VRF",
		NULL);
	refused(r, "set policy intent X require from SHARED to CUSTOMER-A\n",
		"1: policy intent X require from SHARED to CUSTOMER-A: no address (valid: 'policy "
		"intent X require from SHARED to CUSTOMER-A address A.B.C.D')",
		NULL);
	refused(r,
		"set policy intent X deny from SHARED to CUSTOMER-A\n"
		"set policy intent X deny from SHARED to CUSTOMER-B\n",
		"more than one 'to' VRF", NULL);
	refused(r,
		"set policy intent X deny from SHARED to CUSTOMER-A\n"
		"set policy intent X require from SHARED to CUSTOMER-A address 10.1.0.10\n",
		"both 'deny' and 'require'", NULL);
	refused(r, "set policy intent X description only\n", "1: policy intent X: no rule", NULL);
	refused(r, "set policy intent X require from SHARED to CUSTOMER-A address 10.1.0.300\n",
		"1: 10.1.0.300", "valid: an IPv4 address A.B.C.D", NULL);
	/* the rendering reads back */
	applied(r, INTENTS);
	char *cfg = show(r, "show configuration");
	assert_non_null(cfg);
	assert_non_null(strstr(cfg, "set policy intent A-DNS require from CUSTOMER-A to SHARED "
				    "address 10.100.0.10\n"));
	assert_non_null(
		strstr(cfg, "set policy intent A-NOT-B deny from CUSTOMER-A to CUSTOMER-B\n"));
	free(cfg);
	sl_router_free(r);
}

/* BGP routes through sl_router_dyn_apply: one B exports that A would import
 * (breaking A-NOT-B) is installed in B but kept out of leaks; one that
 * breaks it even unleaked (A already sends 10.77/16 into B, where nothing
 * forwarded it) is refused; the others are installed and leaked as usual. */
static void test_dynamic(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	applied(r, RT_BASE);
	applied(r, "set vrf name CUSTOMER-A protocols static route 10.77.0.0/16 interface eth2 vrf "
		   "CUSTOMER-B\n");
	struct sl_dyn_route v[4] = {0};
	enum sl_dyn_result res[4];
	for (int i = 0; i < 4; i++) {
		v[i].table = 11; /* CUSTOMER-B */
		v[i].source = SL_SRC_BGP;
		v[i].n = 1;
		v[i].nh[0].type = SL_STATIC_GATEWAY;
		v[i].nh[0].gw = 0x0a02000a; /* 10.2.0.10 */
		v[i].nh[0].distance = 20;
	}
	v[0].prefix = (struct sl_prefix){0x0afb0000, 16}; /* 10.251/16: not imported */
	v[1].prefix = (struct sl_prefix){0x0afa0100, 24}; /* 10.250.1/24: imported by A */
	v[2].prefix = (struct sl_prefix){0x0a4d0100, 24}; /* 10.77.1/24: A's redirect */
	v[3].prefix = (struct sl_prefix){0x0afc0000, 16};
	assert_int_equal(sl_router_dyn_apply(r, v, 4, res), 0);
	assert_int_equal(res[0], SL_DYN_OK);
	assert_int_equal(res[1], SL_DYN_NOT_LEAKED);
	assert_int_equal(res[2], SL_DYN_INTENT);
	assert_int_equal(res[3], SL_DYN_OK);
	assert_string_equal(sl_dyn_result_names[SL_DYN_INTENT], "intent");
	assert_string_equal(sl_dyn_result_names[SL_DYN_NOT_LEAKED], "not-leaked");
	char *rt = show(r, "show ip route vrf CUSTOMER-B");
	assert_non_null(strstr(rt, "10.251.0.0/16"));
	assert_non_null(strstr(rt, "B>* 10.250.1.0/24 [20/0] via 10.2.0.10, eth2 (not leaked: "
				   "policy intent)\n")); /* installed in B */
	assert_null(strstr(rt, "10.77.1.0/24"));
	free(rt);
	rt = show(r, "show ip route vrf CUSTOMER-A");
	assert_null(strstr(rt, "10.250.1.0/24")); /* not leaked */
	free(rt);
	struct sl_static_nh nh[2];
	assert_int_equal(sl_rib_proto_get(sl_router_rib_const(r), "CUSTOMER-B", v[1].prefix,
				 SL_SRC_BGP, nh, 2),
		1);
	assert_true(nh[0].noexport);
	struct sl_intent_report rep;
	assert_int_equal(sl_router_intent_report(r, &rep), 0);
	const struct sl_intent_result *ab = find(&rep, "A-NOT-B");
	assert_true(ab->holds);
	assert_int_equal(ab->dyn_not_leaked, 1);
	assert_int_equal(ab->dyn_refused, 1);
	assert_string_equal(ab->dyn_last, "CUSTOMER-B 10.77.1.0/24");
	assert_int_equal(find(&rep, "B-NOT-A")->dyn_refused, 0);
	sl_intent_report_free(&rep);
	char *txt = show(r, "show policy intent A-NOT-B");
	assert_non_null(strstr(txt, "dynamic routes kept out of leaks: 1, refused: 1 (last: "
				    "CUSTOMER-B 10.77.1.0/24)"));
	free(txt);

	/* sent again in a batch of one: the count grows */
	assert_int_equal(sl_router_dyn_apply(r, &v[1], 1, res), 0);
	assert_int_equal(res[0], SL_DYN_NOT_LEAKED);
	assert_int_equal(sl_router_intent_report(r, &rep), 0);
	assert_int_equal(find(&rep, "A-NOT-B")->dyn_not_leaked, 2);
	sl_intent_report_free(&rep);

	/* without the intent it is installed and leaked */
	applied(r, "delete policy intent A-NOT-B\n");
	assert_int_equal(sl_router_dyn_apply(r, &v[1], 1, res), 0);
	assert_int_equal(res[0], SL_DYN_OK);
	rt = show(r, "show ip route vrf CUSTOMER-A");
	assert_non_null(strstr(rt, "10.250.1.0/24"));
	free(rt);
	/* now the intent cannot come back */
	refused(r, "set policy intent A-NOT-B deny from CUSTOMER-A to CUSTOMER-B\n",
		"CUSTOMER-A would forward 10.250.1.0/24 into CUSTOMER-B", NULL);
	sl_router_free(r);
}

/* A withdrawal is never refused: the intent is then broken, and a commit
 * that leaves it as it is goes through. */
static void test_withdrawal(void **state)
{
	(void)state;
	struct sl_router *r = demo(false);
	char *msgs = NULL;
	struct sl_dyn_route v = {.table = 20, .source = SL_SRC_BGP, .n = 1};
	enum sl_dyn_result res;
	v.prefix = (struct sl_prefix){0xc6336400, 24}; /* 198.51.100.0/24 in SHARED */
	v.nh[0].type = SL_STATIC_GATEWAY;
	v.nh[0].gw = 0x0a640014;
	v.nh[0].distance = 20;
	assert_int_equal(sl_router_dyn_apply(r, &v, 1, &res), 0);
	assert_int_equal(apply(r,
				 "set vrf name CUSTOMER-B protocols static route 198.51.100.0/24 "
				 "interface eth3 vrf SHARED\n"
				 "set policy intent B-X require from CUSTOMER-B to SHARED address "
				 "198.51.100.7\n",
				 &msgs),
		0);
	free(msgs);
	v.n = 0;
	assert_int_equal(sl_router_dyn_apply(r, &v, 1, &res), 0);
	assert_int_equal(res, SL_DYN_OK);
	char *txt = show(r, "show policy intent B-X");
	assert_non_null(strstr(txt, "BROKEN"));
	assert_non_null(strstr(txt, "dropped (no_route)"));
	free(txt);
	assert_int_equal(apply(r, "set vrf name MGMT description still-fine\n", &msgs), 0);
	free(msgs);
	/* back: it holds again */
	v.n = 1;
	assert_int_equal(sl_router_dyn_apply(r, &v, 1, &res), 0);
	txt = show(r, "show policy intent B-X");
	assert_non_null(strstr(txt, ": holds"));
	free(txt);
	sl_router_free(r);
}

/* A deny intent broken by a withdrawal: A's own BGP route (distance 10)
 * shadowed the import of B's; withdrawn, the import forwards A into B. The
 * intent shows the way, in text and JSON. */
static void test_deny_broken_by_withdrawal(void **state)
{
	(void)state;
	struct sl_router *r = demo(true);
	applied(r, RT_BASE);
	struct sl_dyn_route a = {.table = 10, .source = SL_SRC_BGP, .n = 1};
	struct sl_dyn_route b = {.table = 11, .source = SL_SRC_BGP, .n = 1};
	enum sl_dyn_result res;
	a.prefix = b.prefix = (struct sl_prefix){0x0afa0000, 16}; /* 10.250/16 */
	a.nh[0] =
		(struct sl_static_nh){.type = SL_STATIC_GATEWAY, .gw = 0x0a01000a, .distance = 10};
	b.nh[0] =
		(struct sl_static_nh){.type = SL_STATIC_GATEWAY, .gw = 0x0a02000a, .distance = 20};
	assert_int_equal(sl_router_dyn_apply(r, &a, 1, &res), 0);
	assert_int_equal(res, SL_DYN_OK);
	assert_int_equal(sl_router_dyn_apply(r, &b, 1, &res), 0);
	assert_int_equal(res, SL_DYN_OK); /* imported by A, not selected there */
	a.n = 0;
	assert_int_equal(sl_router_dyn_apply(r, &a, 1, &res), 0);
	assert_int_equal(res, SL_DYN_OK);
	char *txt = show(r, "show policy intent A-NOT-B");
	assert_non_null(
		strstr(txt, "policy intent A-NOT-B: deny from CUSTOMER-A to CUSTOMER-B: "
			    "BROKEN\n  CUSTOMER-A forwards 65536 addresses into CUSTOMER-B (1 "
			    "range, 1 way)\n  10.250.0.0/16: CUSTOMER-A 10.250.0.0/16 "
			    "vpn-import from CUSTOMER-B -> CUSTOMER-B 10.250.0.0/16 bgp, out "
			    "of eth2 (vrf CUSTOMER-B)\n"));
	assert_non_null(strstr(txt, "made by: set vrf name CUSTOMER-A protocols bgp "
				    "address-family ipv4-unicast route-target vpn import 65000:2"));
	free(txt);
	char *buf = NULL, *argv[] = {"show", "policy", "intent", "A-NOT-B"};
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(sl_show_exec(r, 4, argv, true, f, stderr), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"state\": \"broken\""));
	assert_non_null(strstr(buf, "\"addresses\": 65536"));
	assert_non_null(strstr(buf, "\"firstRange\": \"10.250.0.0/16\""));
	assert_non_null(strstr(buf, "\"egressVrf\": \"CUSTOMER-B\""));
	free(buf);
	/* a commit that leaves it as it is goes through */
	applied(r, "set vrf name MGMT description fine\n");
	sl_router_free(r);
}

/* ---- randomized, against a brute-force oracle ----------------------- */

static uint64_t rnd_state;
static uint32_t rnd(uint32_t n)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return n ? (uint32_t)(z % n) : 0;
}

struct text {
	char *buf;
	size_t len;
	FILE *f;
};

/* Subnet of VRF v: 10.(v/200).(v%200).0/24 (unique, so leaks never collide). */
static uint32_t vrf_net(unsigned v)
{
	return (10u << 24) | ((v / 200) << 16) | ((v % 200) << 8);
}

static void vrf_name(unsigned v, char *buf)
{
	snprintf(buf, 16, "T%03u", v);
}

/* A prefix for a static route: outside the connected /24s (a covering one,
 * 172.16/12 space or 192.168/16) so that no leak collides. */
static void rand_prefix(char *buf, unsigned nv)
{
	static const unsigned lens[] = {12, 16, 20, 22, 24, 24, 25, 26, 28, 32};
	char a[16];
	uint32_t addr;
	unsigned len;
	switch (rnd(8)) {
	case 0:
		addr = 0, len = 0;
		break;
	case 1:
		addr = 10u << 24, len = 8;
		break;
	case 2: /* the /16 over some VRFs' subnets */
		addr = vrf_net(rnd(nv)) & 0xffff0000u, len = 16;
		break;
	default:
		len = lens[rnd(10)];
		addr = (rnd(2) ? (172u << 24) | ((16 + rnd(16)) << 16)
			       : (192u << 24) | (168u << 16)) |
		       (rnd(256) << 8) | rnd(256);
		addr &= len ? ~0u << (32 - len) : 0;
		if (len < 12)
			len = 12;
		break;
	}
	snprintf(buf, 24, "%s/%u", sl_addr_fmt(addr, a), len);
}

/* A random configuration: nv VRFs, each with a vif in its own /24 and a
 * default-VRF-free set of statics (own gateways, blackholes, ECMP, leaks by
 * interface and by next hop), `import vrf` and route-target leaks. */
static char *random_config(unsigned nv, unsigned routes_per_vrf)
{
	struct text t = {0};
	char v[16], w[16], p[24], a[16];
	t.f = open_memstream(&t.buf, &t.len);
	for (unsigned i = 0; i < nv; i++) {
		vrf_name(i, v);
		fprintf(t.f, "set vrf name %s table %u\n", v, 1000 + i);
		fprintf(t.f, "set interfaces ethernet eth%u vif %u vrf %s\n", i % 8, 10 + i / 8, v);
		fprintf(t.f, "set interfaces ethernet eth%u vif %u address %s/24\n", i % 8,
			10 + i / 8, sl_addr_fmt(vrf_net(i) + 1, a));
		fprintf(t.f, "set vrf name %s protocols bgp system-as 65000\n", v);
		fprintf(t.f,
			"set vrf name %s protocols bgp address-family ipv4-unicast route-target "
			"export 65000:%u\n",
			v, i % 37);
	}
	for (unsigned i = 0; i < nv; i++) {
		vrf_name(i, v);
		unsigned n = rnd(2 * routes_per_vrf + 1);
		for (unsigned k = 0; k < n; k++) {
			unsigned o = rnd(nv);
			vrf_name(o, w);
			rand_prefix(p, nv);
			char rp[96];
			snprintf(rp, sizeof(rp), "set vrf name %s protocols static route %s", v, p);
			switch (rnd(10)) {
			case 0:
			case 1:
			case 2:
				fprintf(t.f, "%s next-hop %s\n", rp,
					sl_addr_fmt(vrf_net(i) + 10 + rnd(3), a));
				if (rnd(4) == 0) /* ECMP */
					fprintf(t.f, "%s next-hop %s\n", rp,
						sl_addr_fmt(vrf_net(i) + 20, a));
				break;
			case 3:
				fprintf(t.f, "%s blackhole\n", rp);
				break;
			case 4:
			case 5:
			case 6:
				if (o == i)
					break;
				fprintf(t.f, "%s interface eth%u.%u vrf %s\n", rp, o % 8,
					10 + o / 8, w);
				break;
			default:
				if (o == i)
					break;
				fprintf(t.f, "%s next-hop %s vrf %s\n", rp,
					sl_addr_fmt(vrf_net(o) + 10 + rnd(3), a), w);
				break;
			}
		}
		if (rnd(6) == 0) {
			vrf_name(rnd(nv), w);
			if (strcmp(v, w) != 0)
				fprintf(t.f,
					"set vrf name %s protocols bgp address-family ipv4-unicast "
					"import vrf %s\n",
					v, w);
		}
		if (rnd(8) == 0)
			fprintf(t.f,
				"set vrf name %s protocols bgp address-family ipv4-unicast "
				"route-target import 65000:%u\n",
				v, rnd(37));
	}
	fclose(t.f);
	return t.buf;
}

/* ---- the oracle ---- */

struct cands {
	struct sl_route v[SL_ECMP_MAX + 1];
	size_t n;
};

static int take_paths(const struct sl_route *rt, void *arg)
{
	struct cands *c = arg;
	if ((rt->selected || rt->multipath) && c->n < SL_ECMP_MAX + 1)
		c->v[c->n++] = *rt;
	return 0;
}

/* Does addr, looked up in vrf, leave by an interface of `to` (all: by every
 * path of an ECMP route; else by any)? Two lookups at most; the VRF of an
 * interface from the configuration. */
static bool oracle_path(
	const struct sl_router *r, const char *vrf, uint32_t addr, const char *to, bool all)
{
	const struct sl_rib *rib = sl_router_rib_const(r);
	char cur[SL_NAME_MAX];
	snprintf(cur, sizeof(cur), "%s", vrf);
	for (int hop = 0; hop < 2; hop++) {
		struct cands c = {0};
		sl_rib_route_lookup(rib, cur, (struct sl_prefix){addr, 32}, false, take_paths, &c);
		if (c.n == 0 || !c.v[0].selected)
			return false;
		if (c.v[0].nh.type == SL_NH_VRF) {
			if (hop == 1)
				return false; /* leak_loop */
			snprintf(cur, sizeof(cur), "%s", sl_rib_vrf_name(rib, c.v[0].nh.vrf_id));
			continue;
		}
		if (c.v[0].nh.type != SL_NH_CONNECTED && c.v[0].nh.type != SL_NH_GATEWAY)
			return false;
		size_t in = 0;
		for (size_t i = 0; i < c.n; i++) {
			struct sl_iface_state ifs;
			in += sl_router_iface_get(r, c.v[i].nh.ifname, &ifs) == 0 &&
			      strcmp(ifs.vrf, to) == 0;
		}
		return all ? in == c.n : in > 0;
	}
	return false;
}

/* Is addr, looked up in vrf, dropped as a leak loop (a redirect, then another)? */
static bool oracle_loops(const struct sl_router *r, const char *vrf, uint32_t addr)
{
	const struct sl_rib *rib = sl_router_rib_const(r);
	const char *cur = vrf;
	for (int hop = 0; hop < 2; hop++) {
		struct cands c = {0};
		sl_rib_route_lookup(rib, cur, (struct sl_prefix){addr, 32}, false, take_paths, &c);
		if (c.n == 0 || !c.v[0].selected || c.v[0].nh.type != SL_NH_VRF)
			return false;
		cur = sl_rib_vrf_name(rib, c.v[0].nh.vrf_id);
		if (cur == NULL)
			return false;
	}
	return true;
}

static bool oracle_reaches(
	const struct sl_router *r, const char *vrf, uint32_t addr, const char *to)
{
	return oracle_path(r, vrf, addr, to, false);
}

struct bounds {
	uint32_t *v;
	size_t n, cap;
	struct sl_prefix *conn; /* of the VRF being collected */
	size_t n_conn, cap_conn;
	bool want_conn;
};

static void bound_add(struct bounds *b, uint64_t x)
{
	if (x > 0xffffffffull)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->v = realloc(b->v, b->cap * sizeof(*b->v));
		assert_non_null(b->v);
	}
	b->v[b->n++] = (uint32_t)x;
}

static int collect_bounds(const struct sl_route *rt, void *arg)
{
	struct bounds *b = arg;
	uint64_t lo = rt->prefix.addr & sl_mask(rt->prefix.len);
	bound_add(b, lo);
	bound_add(b, lo + (1ull << (32 - rt->prefix.len)));
	if (b->want_conn && rt->selected && rt->source == SL_SRC_CONNECTED) {
		if (b->n_conn == b->cap_conn) {
			b->cap_conn = b->cap_conn ? 2 * b->cap_conn : 8;
			b->conn = realloc(b->conn, b->cap_conn * sizeof(*b->conn));
		}
		b->conn[b->n_conn++] = rt->prefix;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct all_bounds {
	const struct sl_rib *rib;
	struct bounds *b;
};

static int vrf_bounds(const struct sl_vrf_info *vi, void *arg)
{
	struct all_bounds *ab = arg;
	sl_rib_route_foreach(ab->rib, vi->name, collect_bounds, ab->b);
	return 0;
}

/* Every address where some table's longest match may change, sorted. */
static void all_bounds(const struct sl_router *r, struct bounds *b)
{
	struct all_bounds ab = {sl_router_rib_const(r), b};
	bound_add(b, 0);
	sl_rib_vrf_foreach(ab.rib, vrf_bounds, &ab);
	qsort(b->v, b->n, sizeof(*b->v), cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		if (k == 0 || b->v[k - 1] != b->v[i])
			b->v[k++] = b->v[i];
	b->n = k;
}

/* Addresses of [lo, hi] (bounds b) that from sends into to. */
static uint64_t oracle_count(const struct sl_router *r, const struct bounds *b, const char *from,
	const char *to, uint32_t lo, uint32_t hi, bool first_only)
{
	uint64_t n = 0;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t s = b->v[i], e = i + 1 < b->n ? (uint64_t)b->v[i + 1] - 1 : 0xffffffffull;
		if (e < lo || s > hi)
			continue;
		if (s < lo)
			s = lo;
		if (e > hi)
			e = hi;
		if (oracle_reaches(r, from, (uint32_t)s, to)) {
			n += e - s + 1;
			if (first_only)
				return n;
		}
	}
	return n;
}

static void connected_of(const struct sl_router *r, const char *vrf, struct bounds *c)
{
	memset(c, 0, sizeof(*c));
	c->want_conn = true;
	sl_rib_route_foreach(sl_router_rib_const(r), vrf, collect_bounds, c);
	free(c->v);
}

static size_t ways_direct, ways_redirected; /* what the random breaches went through */

static void check_against_oracle(const struct sl_router *r, const struct sl_intent *v, size_t n,
	const struct bounds *b, size_t *n_broken)
{
	struct sl_intent_report rep;
	assert_int_equal(
		sl_intent_check(sl_router_rib_const(r), sl_router_conf_const(r), v, n, &rep), 0);
	assert_int_equal(rep.n, n);
	for (size_t i = 0; i < n; i++) {
		const struct sl_intent_result *res = &rep.v[i];
		if (v[i].kind == SL_INTENT_DENY) {
			uint64_t want =
				oracle_count(r, b, v[i].from, v[i].to, 0, 0xffffffffu, false);
			if (want != res->n_addresses)
				fail_msg("deny from %s to %s: %llu addresses, the oracle says %llu",
					v[i].from, v[i].to, (unsigned long long)res->n_addresses,
					(unsigned long long)want);
			assert_int_equal(res->holds, want == 0);
			/* each listed way's first address really goes into to */
			for (size_t k = 0; k < res->n_breach_listed; k++) {
				if (res->breach[k].way.n_hops == 1)
					ways_direct++;
				else
					ways_redirected++;
				assert_true(
					oracle_reaches(r, v[i].from, res->breach[k].lo, v[i].to));
				assert_true(
					oracle_reaches(r, v[i].from, res->breach[k].hi, v[i].to));
			}
		} else {
			bool fwd = oracle_path(r, v[i].from, v[i].addr, v[i].to, true);
			struct bounds c;
			size_t returning = 0;
			connected_of(r, v[i].from, &c);
			for (size_t k = 0; k < c.n_conn; k++) {
				uint32_t lo = c.conn[k].addr & sl_mask(c.conn[k].len);
				uint32_t hi = lo + (uint32_t)((1ull << (32 - c.conn[k].len)) - 1);
				returning +=
					oracle_count(r, b, v[i].to, v[i].from, lo, hi, true) > 0;
			}
			free(c.conn);
			assert_int_equal(res->forward_ok, fwd);
			assert_int_equal(res->n_returning, returning);
			assert_int_equal(res->holds, fwd && returning > 0);
		}
		*n_broken += !res->holds;
	}
	sl_intent_report_free(&rep);
}

struct origins {
	char v[64][SL_NAME_MAX];
	size_t n;
	bool gateway_only; /* only cross-VRF next hops (no redirect) */
};

static int take_origin(const struct sl_route *rt, void *arg)
{
	struct origins *o = arg;
	if (rt->selected && rt->origin_vrf[0] && o->n < 64 &&
		(!o->gateway_only || rt->nh.type == SL_NH_GATEWAY))
		snprintf(o->v[o->n++], SL_NAME_MAX, "%s", rt->origin_vrf);
	return 0;
}

/* A VRF `from` leaks into: one of its leaks' origins, or (one in two) a VRF
 * such an origin sends to by a cross-VRF next hop (two VRFs away). "" when
 * it leaks nowhere. */
static void leak_target(const struct sl_router *r, const char *from, char *to)
{
	struct origins o = {0};
	to[0] = '\0';
	sl_rib_route_foreach(sl_router_rib_const(r), from, take_origin, &o);
	if (o.n == 0)
		return;
	snprintf(to, SL_NAME_MAX, "%s", o.v[rnd((uint32_t)o.n)]);
	if (rnd(2)) {
		struct origins p = {.gateway_only = true};
		sl_rib_route_foreach(sl_router_rib_const(r), to, take_origin, &p);
		if (p.n > 0 && strcmp(p.v[0], from) != 0)
			snprintf(to, SL_NAME_MAX, "%s", p.v[rnd((uint32_t)p.n)]);
	}
	if (strcmp(to, from) == 0)
		to[0] = '\0';
}

static size_t loop_vrfs, loop_addresses_seen; /* what the random loops reached */

/* sl_router_leak_loops and sl_router_way against the oracle, for 20 VRFs:
 * the count of looping addresses over every table range, and each listed
 * range's ends. */
static void loops_against_oracle(const struct sl_router *r, unsigned nv, const struct bounds *b)
{
	char name[16];
	for (unsigned k = 0; k < 20; k++) {
		vrf_name(rnd(nv), name);
		struct sl_intent_result res;
		assert_int_equal(sl_router_leak_loops(r, name, &res), 0);
		uint64_t want = 0;
		for (size_t i = 0; i < b->n; i++) {
			uint64_t s = b->v[i],
				 e = i + 1 < b->n ? (uint64_t)b->v[i + 1] - 1 : 0xffffffffull;
			if (oracle_loops(r, name, (uint32_t)s))
				want += e - s + 1;
		}
		if (want != res.n_addresses)
			fail_msg("vrf %s: %llu addresses loop, the oracle says %llu", name,
				(unsigned long long)res.n_addresses, (unsigned long long)want);
		assert_int_equal(res.holds, want == 0);
		for (size_t i = 0; i < res.n_breach_listed; i++) {
			const struct sl_intent_breach *x = &res.breach[i];
			assert_true(oracle_loops(r, name, x->lo));
			assert_true(oracle_loops(r, name, x->hi));
			struct sl_intent_way w;
			assert_int_equal(sl_router_way(r, name, x->lo, &w), 0);
			assert_int_equal(w.fate, SL_FATE_LEAK_LOOP);
			assert_int_equal(w.n_hops, 2);
		}
		loop_vrfs += want > 0;
		loop_addresses_seen += want;
	}
}

static void test_random_oracle(void **state)
{
	(void)state;
	size_t broken = 0, total = 0, routes = 0;
	for (unsigned round = 0; round < 4; round++) {
		unsigned nv = 150 + 50 * round;
		rnd_state = 0x5eed0000u + round;
		char *cfg = random_config(nv, 12);
		struct sl_router *r = sl_router_new();
		char *msgs = NULL;
		int rc = apply(r, cfg, &msgs);
		if (rc != 0)
			fail_msg("round %u: %s", round, msgs);
		free(msgs);
		free(cfg);
		struct bounds b = {0};
		all_bounds(r, &b);
		routes += b.n;
		struct sl_intent v[40];
		char name[16];
		for (unsigned i = 0; i < 40; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			snprintf(v[i].name, sizeof(v[i].name), "I%02u", i);
			unsigned a = rnd(nv), c = rnd(nv - 1);
			c += c >= a;
			vrf_name(a, name);
			snprintf(v[i].from, sizeof(v[i].from), "%s", name);
			vrf_name(c, name);
			snprintf(v[i].to, sizeof(v[i].to), "%s", name);
			v[i].kind = i % 4 == 3 ? SL_INTENT_REQUIRE : SL_INTENT_DENY;
			/* half of them towards where `from` leaks */
			char t[SL_NAME_MAX];
			if (i % 2 == 0 && (leak_target(r, v[i].from, t), t[0] != '\0')) {
				snprintf(v[i].to, sizeof(v[i].to), "%s", t);
				sscanf(t, "T%u", &c);
			}
			/* an address of to's subnet, or somewhere in the statics' space */
			v[i].addr = rnd(2) ? vrf_net(c) + 10 + rnd(3)
					   : (172u << 24) | ((16 + rnd(16)) << 16) | rnd(65536);
		}
		check_against_oracle(r, v, 40, &b, &broken);
		total += 40;
		loops_against_oracle(r, nv, &b);
		free(b.v);
		sl_router_free(r);
	}
	/* the configurations must exercise both outcomes */
	assert_true(broken > 0);
	assert_true(broken < total);
	assert_true(ways_direct > 0);
	assert_true(ways_redirected > 0);
	assert_true(loop_vrfs > 0);
	print_message("random: %zu VRFs with leak loops (%zu addresses)\n", loop_vrfs,
		loop_addresses_seen);
	print_message("random: %zu intents, %zu broken (ways: %zu by a next hop in the other "
		      "VRF, %zu redirected), %zu table boundaries\n",
		total, broken, ways_direct, ways_redirected, routes);
}

/*
 * `show ip route [vrf all] ADDRESS` builds the forwarding maps once per
 * command: on many VRFs, `vrf all` (one set of maps for every VRF) prints
 * exactly what the VRFs' own commands print one after the other, and each
 * "Forwarding of" line is the way sl_router_way finds with maps of its own.
 */
#define NV_LIST_MAX 68

struct vrf_list {
	char (*v)[SL_NAME_MAX];
	size_t n;
};

static int list_vrf(const struct sl_vrf_info *vi, void *arg)
{
	struct vrf_list *l = arg;
	if (l->n < NV_LIST_MAX)
		snprintf(l->v[l->n++], SL_NAME_MAX, "%s", vi->name);
	return 0;
}

static void test_route_address_maps(void **state)
{
	(void)state;
	enum { NV = 60, ADDRS = 24 };
	rnd_state = 0x5eed5700u;
	char *cfg = random_config(NV, 12);
	struct sl_router *r = sl_router_new();
	char *msgs = NULL;
	if (apply(r, cfg, &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	free(cfg);
	struct bounds b = {0};
	all_bounds(r, &b);
	struct vrf_list l = {.v = calloc(NV_LIST_MAX, SL_NAME_MAX)};
	assert_non_null(l.v);
	sl_rib_vrf_foreach(sl_router_rib_const(r), list_vrf, &l);
	size_t lines = 0;
	for (unsigned i = 0; i < ADDRS; i++) {
		uint32_t addr = i % 2 ? b.v[rnd((uint32_t)b.n)] : vrf_net(rnd(NV)) + 10;
		char a[16], cmd[96], want[600];
		sl_addr_fmt(addr, a);
		snprintf(cmd, sizeof(cmd), "show ip route vrf all %s", a);
		char *all = show(r, cmd);
		assert_non_null(all);
		struct text each = {0};
		each.f = open_memstream(&each.buf, &each.len);
		for (size_t k = 0; k < l.n; k++) {
			snprintf(cmd, sizeof(cmd), "show ip route vrf %s %s", l.v[k], a);
			char *one = show(r, cmd);
			assert_non_null(one);
			fputs(one, each.f);
			const char *f = strstr(one, "  Forwarding of ");
			if (f != NULL) {
				struct sl_intent_way w;
				char t[512];
				assert_int_equal(sl_router_way(r, l.v[k], addr, &w), 0);
				sl_intent_way_text(&w, t, sizeof(t));
				snprintf(want, sizeof(want), "  Forwarding of %s: %s\n", a, t);
				assert_memory_equal(f, want, strlen(want));
				lines++;
			}
			free(one);
		}
		fclose(each.f);
		assert_string_equal(all, each.buf);
		free(each.buf);
		free(all);
	}
	/* the addresses must reach leaked routes, or nothing was compared */
	assert_true(lines > 0);
	print_message("show ip route: %zu forwarding lines over %zu VRFs\n", lines, l.n);
	free(l.v);
	free(b.v);
	sl_router_free(r);
}

/*
 * Commits at scale: a router with intents that hold takes random leak
 * changes; a twin without intents takes them all. A change is refused
 * exactly when the oracle says the twin now breaks an intent, and a refused
 * change leaves the router as it was.
 */
static void test_random_commits(void **state)
{
	(void)state;
	rnd_state = 0xc0ffee;
	unsigned nv = 200;
	char *cfg = random_config(nv, 6);
	struct sl_router *r = sl_router_new(), *twin = sl_router_new();
	char *msgs = NULL;
	assert_int_equal(apply(r, cfg, NULL), 0);
	assert_int_equal(apply(twin, cfg, NULL), 0);
	free(cfg);
	/* intents that hold now: the deny pairs the oracle finds apart */
	struct sl_intent v[24];
	size_t n = 0;
	struct bounds b = {0};
	all_bounds(twin, &b);
	struct text t = {0};
	t.f = open_memstream(&t.buf, &t.len);
	while (n < 24) {
		unsigned a = rnd(nv), c = rnd(nv - 1);
		c += c >= a;
		memset(&v[n], 0, sizeof(v[n]));
		snprintf(v[n].name, sizeof(v[n].name), "D%02zu", n);
		vrf_name(a, v[n].from);
		vrf_name(c, v[n].to);
		v[n].kind = SL_INTENT_DENY;
		if (oracle_count(twin, &b, v[n].from, v[n].to, 0, 0xffffffffu, true) > 0)
			continue;
		fprintf(t.f, "set policy intent %s deny from %s to %s\n", v[n].name, v[n].from,
			v[n].to);
		n++;
	}
	fclose(t.f);
	free(b.v);
	if (apply(r, t.buf, &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	free(t.buf);
	size_t refused = 0, accepted = 0;
	for (unsigned step = 0; step < 60; step++) {
		char line[256], undo[300], p[24], a[16], w[16], x[16];
		/* a leak into a VRF some intent protects, half of the time */
		const struct sl_intent *it = &v[rnd(n)];
		unsigned src = rnd(nv);
		vrf_name(src, x);
		const char *from = rnd(2) ? it->from : x;
		unsigned to = rnd(nv);
		if (rnd(2))
			sscanf(it->to, "T%u", &to);
		vrf_name(to, w);
		if (strcmp(from, w) == 0)
			continue;
		rand_prefix(p, nv);
		if (rnd(2))
			snprintf(line, sizeof(line),
				"vrf name %s protocols static route %s interface eth%u.%u vrf %s",
				from, p, to % 8, 10 + to / 8, w);
		else
			snprintf(line, sizeof(line),
				"vrf name %s protocols static route %s next-hop %s vrf %s", from, p,
				sl_addr_fmt(vrf_net(to) + 10, a), w);
		char set[300], *have = snapshot(twin), key[128];
		snprintf(key, sizeof(key), "set vrf name %s protocols static route %s ", from, p);
		bool existed = strstr(have, key) != NULL;
		free(have);
		if (existed)
			continue; /* undo by deleting the route: only a new one */
		snprintf(set, sizeof(set), "set %s\n", line);
		snprintf(undo, sizeof(undo), "delete vrf name %s protocols static route %s\n", from,
			p);
		if (apply(twin, set, NULL) != 0)
			continue; /* (a route already there with another next hop, ...) */
		struct sl_intent_report rep;
		assert_int_equal(sl_intent_check(sl_router_rib_const(twin),
					 sl_router_conf_const(twin), v, n, &rep),
			0);
		struct bounds bb = {0};
		all_bounds(twin, &bb);
		bool any_broken = false;
		for (size_t i = 0; i < n; i++) {
			uint64_t want =
				oracle_count(twin, &bb, v[i].from, v[i].to, 0, 0xffffffffu, false);
			assert_int_equal(rep.v[i].n_addresses, want);
			any_broken |= want > 0;
		}
		free(bb.v);
		sl_intent_report_free(&rep);
		char *before = snapshot(r);
		int rc = apply(r, set, &msgs);
		if (any_broken) {
			assert_int_equal(rc, -EINVAL);
			assert_non_null(strstr(msgs, "would be broken"));
			assert_non_null(strstr(msgs, "1: policy intent"));
			char *after = snapshot(r);
			assert_string_equal(before, after);
			free(after);
			assert_int_equal(apply(twin, undo, NULL), 0);
			refused++;
		} else {
			if (rc != 0)
				fail_msg("step %u: '%s' refused: %s", step, line, msgs);
			accepted++;
		}
		free(msgs);
		free(before);
	}
	assert_true(refused > 0);
	assert_true(accepted > 0);
	print_message("random commits: %zu accepted, %zu refused\n", accepted, refused);
	sl_router_free(r);
	sl_router_free(twin);
}

int main(int argc, char **argv)
{
	src_dir = argc > 1 ? argv[1] : "..";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_holds),
		cmocka_unit_test(test_seed_example),
		cmocka_unit_test(test_refused_atomic),
		cmocka_unit_test(test_one_redirect),
		cmocka_unit_test(test_leak_loop_shown),
		cmocka_unit_test(test_route_target),
		cmocka_unit_test(test_require),
		cmocka_unit_test(test_first_commit),
		cmocka_unit_test(test_schema_errors),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_withdrawal),
		cmocka_unit_test(test_deny_broken_by_withdrawal),
		cmocka_unit_test(test_random_oracle),
		cmocka_unit_test(test_route_address_maps),
		cmocka_unit_test(test_random_commits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
