/* SPDX-License-Identifier: BSD-3-Clause */
/* `vrf name FROM leak-nat to TO source translation address POOL`: the pool
 * route in TO (RIB, FIB change log), the firewall spec lib/fw builds NAT
 * from, the audit's matrix, validation, collisions and rollback. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sl_audit.h"
#include "sl_commit.h"
#include "sl_intent.h"
#include "sl_show.h"

/* two customers numbered alike, both reaching SHARED through a static leak */
static const char base[] =
	"set interfaces ethernet eth0 address 10.0.0.1/24\n"
	"set interfaces ethernet eth0 vrf CUSTOMER-A\n"
	"set interfaces ethernet eth1 address 10.0.0.1/24\n"
	"set interfaces ethernet eth1 vrf CUSTOMER-B\n"
	"set interfaces ethernet eth2 address 10.100.0.1/24\n"
	"set interfaces ethernet eth2 vrf SHARED\n"
	"set vrf name CUSTOMER-A table 10\n"
	"set vrf name CUSTOMER-B table 20\n"
	"set vrf name SHARED table 30\n"
	"set vrf name CUSTOMER-A protocols static route 10.100.0.0/24 interface eth2 vrf SHARED\n"
	"set vrf name CUSTOMER-B protocols static route 10.100.0.0/24 interface eth2 vrf SHARED\n";

static const char nat[] =
	"set vrf name CUSTOMER-A leak-nat to SHARED source translation address 100.64.1.0/24\n"
	"set vrf name CUSTOMER-B leak-nat to SHARED source translation address 100.64.2.0/24\n";

static struct sl_router *router_with(const char *a, const char *b)
{
	struct sl_router *r = sl_router_new();
	struct sl_errors e = {0};
	assert_non_null(r);
	if (sl_router_apply(r, a, &e, NULL) != 0 || (b && sl_router_apply(r, b, &e, NULL) != 0))
		fail_msg("apply: line %u: %s", e.n ? e.v[0].line : 0, e.n ? e.v[0].msg : "?");
	sl_errors_free(&e);
	return r;
}

static uint32_t vrf_id(const struct sl_router *r, const char *name)
{
	struct sl_vrf_info vi;
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(r), name, &vi), 0);
	return vi.id;
}

struct found {
	int n;
	struct sl_route rt;
};

static int exact_cb(const struct sl_route *rt, void *arg)
{
	struct found *f = arg;
	if (f->n++ == 0)
		f->rt = *rt;
	return 0;
}

/* The candidates of exactly p in vrf (0 when none). */
static struct found route_of(const struct sl_router *r, const char *vrf, const char *p)
{
	struct found f = {0};
	struct sl_prefix pp;
	assert_int_equal(sl_prefix_parse(p, &pp, false), 0);
	sl_rib_route_lookup(sl_router_rib_const(r), vrf, pp, true, exact_cb, &f);
	return f;
}

static void test_pool_routes(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, nat);
	struct found a = route_of(r, "SHARED", "100.64.1.0/24");
	struct found b = route_of(r, "SHARED", "100.64.2.0/24");
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(a.rt.source, SL_SRC_NAT);
	assert_string_equal(sl_rt_source_name(a.rt.source), "nat");
	assert_true(a.rt.selected);
	assert_int_equal(a.rt.nh.type, SL_NH_VRF);
	assert_int_equal(a.rt.nh.vrf_id, vrf_id(r, "CUSTOMER-A"));
	assert_int_equal(b.rt.nh.vrf_id, vrf_id(r, "CUSTOMER-B"));
	assert_string_equal(a.rt.origin_vrf, "CUSTOMER-A");
	/* never exported or re-leaked: CUSTOMER-B does not see A's pool */
	assert_int_equal(route_of(r, "CUSTOMER-B", "100.64.1.0/24").n, 0);
	/* no collision: SHARED needs no route to the customers' 10.0.0.0/24 */
	const struct sl_rib_collision *c;
	assert_int_equal(sl_rib_collisions(sl_router_rib_const(r), &c), 0);
	assert_int_equal(route_of(r, "SHARED", "10.0.0.0/24").n, 0);

	/* the firewall spec carries the pools with VRF ids */
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	assert_int_equal(sl_router_fw_spec(r, &spec, &msgs), 0);
	assert_int_equal(spec->n_nats, 2);
	assert_string_equal(spec->nats[0].from, "CUSTOMER-A");
	assert_string_equal(spec->nats[0].to, "SHARED");
	assert_int_equal(spec->nats[0].from_vrf, vrf_id(r, "CUSTOMER-A"));
	assert_int_equal(spec->nats[0].to_vrf, vrf_id(r, "SHARED"));
	assert_int_equal(spec->nats[0].pool.addr, 0x64400100u);
	assert_int_equal(spec->nats[0].pool.len, 24);
	assert_int_equal(spec->nats[1].pool.addr, 0x64400200u);
	assert_int_equal(spec->nats[0].port_lo, 0); /* unset: lib/fw's default */
	sl_fw_spec_free(spec);
	struct sl_errors e = {0};
	assert_int_equal(sl_router_apply(r,
				 "set vrf name CUSTOMER-B leak-nat to SHARED source translation "
				 "port 2000-2007\n",
				 &e, NULL),
		0);
	assert_int_equal(sl_router_fw_spec(r, &spec, &msgs), 0);
	assert_int_equal(spec->nats[1].port_lo, 2000);
	assert_int_equal(spec->nats[1].port_hi, 2007);
	sl_errors_free(&e);
	sl_fw_spec_free(spec);
	sl_errors_free(&msgs);
	sl_router_free(r);
}

static void test_fib_changes_and_delete(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, NULL);
	struct sl_errors e = {0};
	sl_rib_change_log(sl_router_rib(r), true);
	sl_rib_changes_clear(sl_router_rib(r));
	assert_int_equal(sl_router_apply(r, nat, &e, NULL), 0);
	const struct sl_fib_change *ch;
	size_t n = sl_rib_changes(sl_router_rib_const(r), &ch);
	int sets = 0;
	for (size_t i = 0; i < n; i++) {
		if (ch[i].op != SL_FIB_ROUTE_SET)
			continue;
		assert_int_equal(ch[i].vrf_id, vrf_id(r, "SHARED"));
		assert_int_equal(ch[i].nh.type, SL_NH_VRF);
		sets++;
	}
	assert_int_equal(sets, 2);
	assert_true(sl_router_fw_changed(r));

	/* deleting one binding takes its pool route away, the other stays */
	sl_rib_changes_clear(sl_router_rib(r));
	assert_int_equal(sl_router_apply(r, "delete vrf name CUSTOMER-A leak-nat\n", &e, NULL), 0);
	assert_int_equal(route_of(r, "SHARED", "100.64.1.0/24").n, 0);
	assert_int_equal(route_of(r, "SHARED", "100.64.2.0/24").n, 1);
	n = sl_rib_changes(sl_router_rib_const(r), &ch);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].op, SL_FIB_ROUTE_DEL);

	/* a VRF deleted whole takes its pools with it */
	assert_int_equal(sl_router_apply(r,
				 "delete vrf name CUSTOMER-B\n"
				 "delete interfaces ethernet eth1\n",
				 &e, NULL),
		0);
	assert_int_equal(route_of(r, "SHARED", "100.64.2.0/24").n, 0);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* A pool inside a connected prefix of TO would capture part of its subnet:
 * a collision, the whole commit refused and the RIB as it was. */
static void test_collision_rollback(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, nat);
	struct sl_errors e = {0};
	assert_int_not_equal(sl_router_apply(r,
				     "set vrf name CUSTOMER-A leak-nat to SHARED source "
				     "translation address 10.100.0.128/25\n",
				     &e, NULL),
		0);
	assert_true(e.n > 0);
	bool named = false;
	for (size_t i = 0; i < e.n; i++)
		named |= strstr(e.v[i].msg, "10.100.0.128/25") != NULL;
	assert_true(named);
	assert_int_equal(route_of(r, "SHARED", "100.64.1.0/24").n, 1);
	assert_int_equal(route_of(r, "SHARED", "10.100.0.128/25").n, 0);
	const struct sl_rib_collision *c;
	assert_int_equal(sl_rib_collisions(sl_router_rib_const(r), &c), 0);
	sl_errors_free(&e);
	sl_router_free(r);
}

static void test_validation(void **state)
{
	(void)state;
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"set vrf name CUSTOMER-A leak-nat to CUSTOMER-A source translation address "
		 "100.64.9.0/24\n",
			"names the VRF itself"},
		{"set vrf name CUSTOMER-A leak-nat to SHARED\n", "no pool"},
		{"set vrf name CUSTOMER-A leak-nat to SHARED source translation address "
		 "100.0.0.0/8\n",
			"larger than a /16"},
		{"set vrf name CUSTOMER-A leak-nat to SHARED source translation address "
		 "100.64.2.128/25\n",
			"overlaps pool 100.64.2.0/24 of vrf CUSTOMER-B"},
		{"set vrf name CUSTOMER-A leak-nat to NOPE source translation address "
		 "100.64.9.0/24\n",
			"NOPE"},
		{"set vrf name CUSTOMER-A leak-nat to SHARED source translation address "
		 "100.64.9.1/24\n",
			"host bits"},
		{"set vrf name CUSTOMER-A leak-nat to SHARED source translation address "
		 "100.64.9.0/24\n"
		 "set vrf name CUSTOMER-A leak-nat to SHARED source translation port "
		 "2000-2010,3000\n",
			"is not one range"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sl_router *r = router_with(base,
			"set vrf name CUSTOMER-B leak-nat to SHARED source translation address "
			"100.64.2.0/24\n");
		struct sl_errors e = {0};
		assert_int_not_equal(sl_router_apply(r, bad[i].line, &e, NULL), 0);
		assert_true(e.n > 0);
		if (strstr(e.v[0].msg, bad[i].msg) == NULL)
			fail_msg("%s: got '%s'", bad[i].line, e.v[0].msg);
		assert_int_equal(e.v[0].line, 1);
		assert_int_equal(route_of(r, "SHARED", "100.64.2.0/24").n, 1);
		sl_errors_free(&e);
		sl_router_free(r);
	}
}

static void test_matrix(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, NULL);
	struct sl_leak_matrix m;
	/* without NAT: SHARED has no way back to either customer */
	assert_int_equal(sl_leak_matrix(r, &m), 0);
	size_t a = 0, s = 0;
	for (size_t i = 0; i < m.n_vrfs; i++) {
		if (strcmp(m.vrfs[i], "CUSTOMER-A") == 0)
			a = i;
		if (strcmp(m.vrfs[i], "SHARED") == 0)
			s = i;
	}
	assert_int_equal(sl_leak_matrix_cell(&m, a, s)->ret, SL_RETURN_NONE);
	assert_false(sl_leak_matrix_cell(&m, a, s)->nat);
	sl_leak_matrix_free(&m);

	struct sl_errors e = {0};
	assert_int_equal(sl_router_apply(r, nat, &e, NULL), 0);
	assert_int_equal(sl_leak_matrix(r, &m), 0);
	const struct sl_leak_reach *c = sl_leak_matrix_cell(&m, a, s);
	assert_int_equal(c->ret, SL_RETURN_NAT);
	assert_true(c->nat);
	assert_int_equal(c->nat_pool.addr, 0x64400100u);
	assert_int_equal(c->n_gaps, 0);
	assert_int_equal(c->n_prefixes, 1);
	/* SHARED does not reach the customers through their pools */
	assert_int_equal(sl_leak_matrix_cell(&m, s, a)->n_prefixes, 0);
	sl_leak_matrix_free(&m);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* `show` of one line's words into a string (free it). */
static char *show(const struct sl_router *r, char *line)
{
	char *argv[16], *buf = NULL, *save = NULL;
	int argc = 0;
	size_t len = 0;
	for (char *w = strtok_r(line, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(sl_show_exec(r, argc, argv, false, out, stderr), 0);
	fclose(out);
	return buf;
}

/* What the shows say of a NATed leak: the pool route, the audit's pools,
 * the matrix's N. */
static void test_shows(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, nat);
	char l1[] = "show ip route vrf SHARED", l2[] = "show leak vrf SHARED",
	     l3[] = "show leak matrix";
	char *t = show(r, l1);
	assert_non_null(strstr(t, "N>* 100.64.1.0/24 [1/0] source nat pool (vrf CUSTOMER-A)"));
	free(t);
	t = show(r, l2);
	assert_non_null(strstr(t, "100.64.2.0/24      sources of CUSTOMER-B"));
	free(t);
	t = show(r, l3);
	assert_non_null(strstr(t, "return path: by NAT (sources leave as 100.64.1.0/24"));
	free(t);
	sl_router_free(r);
}

/* A require intent's return path holds by NAT: removing the leak-nat
 * would break it, so that commit is refused. */
static void test_require_intent(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, nat);
	struct sl_errors e = {0};
	assert_int_equal(
		sl_router_apply(r,
			"set policy intent A-DNS require from CUSTOMER-A to SHARED address "
			"10.100.0.10\n",
			&e, NULL),
		0);
	assert_int_not_equal(
		sl_router_apply(r, "delete vrf name CUSTOMER-A leak-nat\n", &e, NULL), 0);
	bool named = false;
	for (size_t i = 0; i < e.n; i++)
		named |= strstr(e.v[i].msg, "no return path") != NULL;
	assert_true(named);
	assert_int_equal(route_of(r, "SHARED", "100.64.1.0/24").n, 1); /* nothing changed */
	sl_errors_free(&e);
	sl_router_free(r);
}

static void apply_ok(struct sl_router *r, const char *text)
{
	struct sl_errors e = {0};
	if (sl_router_apply(r, text, &e, NULL) != 0)
		fail_msg("apply: %s", e.n ? e.v[0].msg : "?");
	sl_errors_free(&e);
}

static struct sl_intent_result check1(const struct sl_router *r, enum sl_intent_kind kind,
	const char *from, const char *to, const char *addr)
{
	struct sl_intent it = {.kind = kind};
	snprintf(it.name, sizeof(it.name), "T");
	snprintf(it.from, sizeof(it.from), "%s", from);
	snprintf(it.to, sizeof(it.to), "%s", to);
	if (addr != NULL)
		assert_int_equal(sl_addr_parse(addr, &it.addr), 0);
	struct sl_intent_report rep;
	assert_int_equal(
		sl_intent_check(sl_router_rib_const(r), sl_router_conf_const(r), &it, 1, &rep), 0);
	assert_int_equal(rep.n, 1);
	struct sl_intent_result res = rep.v[0];
	sl_intent_report_free(&rep);
	return res;
}

/*
 * Intents know NAT: CUSTOMER-A opens flows into SHARED, SHARED only answers.
 * CUSTOMER-A has a default route of its own, so SHARED's pool addresses,
 * were the pool an ordinary redirect, would leave by eth0 in CUSTOMER-A:
 * `deny from SHARED to CUSTOMER-A` holds all the same (the pool named as
 * replies only), and a commit adding it is accepted; a require into a pool
 * address does not hold (nat_replies_only, the leak-nat line named);
 * CUSTOMER-A into SHARED is a way (a deny breaks, a require holds, its
 * return path by NAT). A redirect into SHARED that lands on the pool is a
 * second redirect: a leak loop, as the datapath drops it.
 */
static void test_intents_nat(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base, nat);
	struct sl_errors e = {0};
	apply_ok(r, "set vrf name CUSTOMER-A protocols static route 0.0.0.0/0 "
		    "next-hop 10.0.0.254\n");

	struct sl_intent_result res = check1(r, SL_INTENT_DENY, "SHARED", "CUSTOMER-A", NULL);
	assert_true(res.holds);
	assert_int_equal(res.n_addresses, 0);
	assert_true(res.nat_replies);
	char p[SL_PREFIX_STR];
	assert_string_equal(sl_prefix_fmt(res.nat_pool, p), "100.64.1.0/24");
	/* B's pool is no way into A either, nor into B */
	res = check1(r, SL_INTENT_DENY, "SHARED", "CUSTOMER-B", NULL);
	assert_true(res.holds);
	assert_string_equal(sl_prefix_fmt(res.nat_pool, p), "100.64.2.0/24");

	res = check1(r, SL_INTENT_REQUIRE, "SHARED", "CUSTOMER-A", "100.64.1.5");
	assert_false(res.holds);
	assert_false(res.forward_ok);
	assert_int_equal(res.way.fate, SL_FATE_NAT_REPLIES);
	assert_int_equal(res.way.n_hops, 1);
	assert_non_null(strstr(res.reason, "taken only by replies to CUSTOMER-A's flows "
					   "(nat_replies_only)"));
	assert_int_equal(res.way.n_lines, 1);
	assert_string_equal(res.way.lines[0], "vrf name CUSTOMER-A leak-nat to SHARED source "
					      "translation address 100.64.1.0/24");

	res = check1(r, SL_INTENT_DENY, "CUSTOMER-A", "SHARED", NULL);
	assert_false(res.holds);
	assert_int_equal(res.n_addresses, 255); /* 10.100.0.1 is the router's */
	assert_false(res.nat_replies);
	res = check1(r, SL_INTENT_REQUIRE, "CUSTOMER-A", "SHARED", "10.100.0.10");
	assert_true(res.holds);
	assert_true(res.ret_nat);

	/* the commit path agrees; the show names the pool */
	apply_ok(r, "set policy intent S-NOT-A deny from SHARED to CUSTOMER-A\n");
	char l[] = "show policy intent S-NOT-A";
	char *t = show(r, l);
	assert_non_null(strstr(t, "deny from SHARED to CUSTOMER-A: holds"));
	assert_non_null(strstr(t, "replies only: SHARED answers CUSTOMER-A's flows through the "
				  "leak-nat pool 100.64.1.0/24 and opens none through it"));
	free(t);
	assert_int_not_equal(sl_router_apply(r,
				     "set policy intent S-A require from SHARED to CUSTOMER-A "
				     "address 100.64.1.5\n",
				     &e, NULL),
		0);
	bool named = false;
	for (size_t i = 0; i < e.n; i++)
		named |= strstr(e.v[i].msg, "nat_replies_only") != NULL;
	assert_true(named);
	sl_errors_free(&e);

	char l2[] = "show ip route vrf SHARED 100.64.1.5";
	t = show(r, l2);
	assert_non_null(strstr(t, "Forwarding of 100.64.1.5: SHARED 100.64.1.0/24 nat from "
				  "CUSTOMER-A, taken only by replies to CUSTOMER-A's flows "
				  "(nat_replies_only)\n"));
	assert_non_null(strstr(t, "looked up in vrf CUSTOMER-A; a packet of no flow is dropped "
				  "(nat_no_flow)"));
	free(t);

	/* B's way into SHARED's pool of A: a second redirect */
	apply_ok(r, "set vrf name CUSTOMER-B protocols static route 100.64.1.0/24 "
		    "interface eth2 vrf SHARED\n");
	struct sl_intent_way w;
	assert_int_equal(sl_router_way(r, "CUSTOMER-B", 0x64400105u, &w), 0);
	assert_int_equal(w.fate, SL_FATE_LEAK_LOOP);
	res = check1(r, SL_INTENT_DENY, "CUSTOMER-B", "CUSTOMER-A", NULL);
	assert_true(res.holds);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* `leak-nat to default`: the pool is a route of the default VRF back into
 * FROM, and lib/fw's spec has the default VRF's id 0. */
static void test_to_default(void **state)
{
	(void)state;
	struct sl_router *r = router_with(base,
		"set interfaces ethernet eth4 address 203.0.113.2/24\n"
		"set vrf name CUSTOMER-A protocols static route 0.0.0.0/0 next-hop 203.0.113.1 "
		"vrf default\n"
		"set vrf name CUSTOMER-A leak-nat to default source translation address "
		"100.64.9.0/24\n");
	struct found a = route_of(r, "default", "100.64.9.0/24");
	assert_int_equal(a.n, 1);
	assert_int_equal(a.rt.source, SL_SRC_NAT);
	assert_int_equal(a.rt.nh.type, SL_NH_VRF);
	assert_int_equal(a.rt.nh.vrf_id, vrf_id(r, "CUSTOMER-A"));
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	assert_int_equal(sl_router_fw_spec(r, &spec, &msgs), 0);
	assert_int_equal(spec->n_nats, 1);
	assert_string_equal(spec->nats[0].to, "default");
	assert_int_equal(spec->nats[0].to_vrf, 0);
	sl_fw_spec_free(spec);
	/* a pool over the default VRF's own subnet captures it: refused whole */
	assert_int_not_equal(sl_router_apply(r,
				     "set vrf name CUSTOMER-B leak-nat to default source "
				     "translation address 203.0.113.0/24\n",
				     &msgs, NULL),
		0);
	assert_true(msgs.n > 0);
	assert_int_equal(route_of(r, "default", "203.0.113.0/24").rt.source, SL_SRC_CONNECTED);
	sl_errors_free(&msgs);
	assert_int_equal(
		sl_router_apply(r, "delete vrf name CUSTOMER-A leak-nat\n", &msgs, NULL), 0);
	assert_int_equal(route_of(r, "default", "100.64.9.0/24").n, 0);
	sl_errors_free(&msgs);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_routes),
		cmocka_unit_test(test_fib_changes_and_delete),
		cmocka_unit_test(test_collision_rollback),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_require_intent),
		cmocka_unit_test(test_intents_nat),
		cmocka_unit_test(test_shows),
		cmocka_unit_test(test_to_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
