/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every example of config/ (one per seed pattern) loads as one transaction
 * and gives exactly the tables of tests/commit/golden/<name>.routes in every
 * VRF; plus the guide's problems: no re-leak loop, collisions, return paths.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

static const char *src_dir;

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	if (f == NULL)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void check_example(const char *name)
{
	char path[512];
	struct sl_errors e = {0};
	struct sl_router *r = sl_router_new();

	snprintf(path, sizeof(path), "%s/config/%s.conf", src_dir, name);
	int rc = sl_router_load_file(r, path, &e);
	for (size_t i = 0; i < e.n; i++)
		print_error("%s:%u: %s\n", path, e.v[i].line, e.v[i].msg);
	assert_int_equal(rc, 0);

	char *got = show(r, "show ip route vrf all");
	assert_non_null(got);
	snprintf(path, sizeof(path), "%s/tests/commit/golden/%s.routes", src_dir, name);
	char *want = read_file(path);
	assert_non_null(want);
	/* skip the 3-line legend */
	char *body = got;
	for (int i = 0; i < 3 && body; i++)
		body = strchr(body, '\n') ? strchr(body, '\n') + 1 : NULL;
	assert_non_null(body);
	assert_string_equal(body, want);
	free(got);
	free(want);
	sl_errors_free(&e);
	sl_router_free(r);
}

#define EXAMPLE(n, file)                   \
	static void test_##n(void **state) \
	{                                  \
		(void)state;               \
		check_example(file);       \
	}
EXAMPLE(static_shared, "static-shared-services")
EXAMPLE(rt_shared, "rt-shared-services")
EXAMPLE(rt_symmetric, "rt-symmetric")
EXAMPLE(dns_only, "dns-only")
EXAMPLE(backup_lp, "backup-local-preference")
EXAMPLE(internet, "internet-gateway")
EXAMPLE(management, "management")
EXAMPLE(static_bidir, "static-bidirectional")
EXAMPLE(demo, "demo-shared-services")

static const char base[] = "set vrf name A table 10\n"
			   "set vrf name B table 11\n"
			   "set vrf name C table 12\n"
			   "set interfaces ethernet eth1 vrf A\n"
			   "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			   "set interfaces ethernet eth2 vrf B\n"
			   "set interfaces ethernet eth2 address 10.2.0.1/24\n"
			   "set interfaces ethernet eth3 vrf C\n"
			   "set interfaces ethernet eth3 address 10.3.0.1/24\n";

/* The guide's loop: A leaks to B, B to C, C to A. Leaked routes are never
 * re-leaked, so each VRF holds exactly its own and its direct neighbour's. */
static void test_no_releak_loop_rt(void **state)
{
	struct sl_router *r = sl_router_new();
	char *msgs;
	(void)state;
	assert_int_equal(apply(r, base, NULL), 0);
	int rc = apply(r,
		"set vrf name A protocols bgp system-as 65000\n"
		"set vrf name B protocols bgp system-as 65000\n"
		"set vrf name C protocols bgp system-as 65000\n"
		"set vrf name A protocols bgp address-family ipv4-unicast route-target export "
		"65000:1\n"
		"set vrf name B protocols bgp address-family ipv4-unicast route-target import "
		"65000:1\n"
		"set vrf name B protocols bgp address-family ipv4-unicast route-target export "
		"65000:2\n"
		"set vrf name C protocols bgp address-family ipv4-unicast route-target import "
		"65000:2\n"
		"set vrf name C protocols bgp address-family ipv4-unicast route-target export "
		"65000:3\n"
		"set vrf name A protocols bgp address-family ipv4-unicast route-target import "
		"65000:3\n",
		&msgs);
	assert_string_equal(msgs, "");
	assert_int_equal(rc, 0);
	char *b = show(r, "show ip route vrf B");
	assert_non_null(strstr(b, "B>* 10.1.0.0/24 [20/0] is directly connected, eth1 (vrf A)"));
	assert_null(strstr(b, "10.3.0.0/24")); /* C's route reaches B only through A: never */
	char *a = show(r, "show ip route vrf A");
	assert_non_null(strstr(a, "B>* 10.3.0.0/24 [20/0] is directly connected, eth3 (vrf C)"));
	assert_null(strstr(a, "10.2.0.0/24"));
	char *c = show(r, "show ip route vrf C");
	assert_non_null(strstr(c, "(vrf B)"));
	assert_null(strstr(c, "(vrf A)"));
	free(a);
	free(b);
	free(c);
	free(msgs);
	sl_router_free(r);
}

static void test_no_releak_loop_import_vrf(void **state)
{
	struct sl_router *r = sl_router_new();
	(void)state;
	assert_int_equal(apply(r, base, NULL), 0);
	assert_int_equal(
		apply(r,
			"set vrf name A protocols bgp system-as 65000\n"
			"set vrf name B protocols bgp system-as 65000\n"
			"set vrf name C protocols bgp system-as 65000\n"
			"set vrf name B protocols bgp address-family ipv4-unicast import vrf A\n"
			"set vrf name C protocols bgp address-family ipv4-unicast import vrf B\n"
			"set vrf name A protocols bgp address-family ipv4-unicast import vrf C\n",
			NULL),
		0);
	char *b = show(r, "show ip route vrf B");
	assert_non_null(strstr(b, "10.1.0.0/24"));
	assert_null(strstr(b, "10.3.0.0/24"));
	free(b);
	sl_router_free(r);
}

/* Overlapping addresses: leaking B's 10.1.0.0/24 into A (which owns it) fails
 * the commit with both VRFs and both prefixes named; nothing changes. */
static void test_collision_fails_commit(void **state)
{
	struct sl_router *r = sl_router_new();
	char *msgs;
	(void)state;
	assert_int_equal(apply(r,
				 "set vrf name A table 10\nset vrf name B table 11\n"
				 "set interfaces ethernet eth1 vrf A\n"
				 "set interfaces ethernet eth1 address 10.0.0.1/8\n"
				 "set interfaces ethernet eth2 vrf B\n"
				 "set interfaces ethernet eth2 address 10.1.0.1/24\n"
				 "set vrf name A protocols bgp system-as 65000\n"
				 "set vrf name B protocols bgp system-as 65000\n"
				 "set vrf name B protocols bgp address-family ipv4-unicast "
				 "route-target export 65000:2\n",
				 NULL),
		0);
	char *before = snapshot(r);
	int rc = apply(r,
		"set vrf name A protocols bgp address-family ipv4-unicast route-target import "
		"65000:2\n",
		&msgs);
	assert_int_equal(rc, -EINVAL);
	/* the error names the line that made the collision (it used to say line 0) */
	assert_true(strncmp(msgs, "1: leak collision", 17) == 0);
	assert_non_null(strstr(msgs, "10.1.0.0/24"));
	assert_non_null(strstr(msgs, "vrf B"));
	assert_non_null(strstr(msgs, "vrf A"));
	assert_non_null(strstr(msgs, "10.0.0.0/8"));
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(msgs);
	free(after);
	/* among several changed lines, the one that touches a VRF of the collision */
	rc = apply(r,
		"set policy prefix-list UNUSED rule 10 action permit\n"
		"set vrf name B description unrelated\n"
		"set interfaces ethernet eth1 description 'in vrf A'\n"
		"set vrf name A protocols bgp address-family ipv4-unicast route-target import "
		"65000:2\n",
		&msgs);
	assert_int_equal(rc, -EINVAL);
	assert_true(strncmp(msgs, "2: leak collision", 17) == 0);
	free(msgs);

	/* a leaked default route covering local subnets is normal */
	rc = apply(r,
		"set vrf name B protocols static route 0.0.0.0/0 blackhole\n"
		"set vrf name B protocols bgp address-family ipv4-unicast redistribute static\n"
		"set vrf name A protocols bgp address-family ipv4-unicast route-target import "
		"65000:2\n",
		&msgs);
	assert_string_equal(msgs, "");
	assert_int_equal(rc, 0);
	char *a = show(r, "show ip route vrf A");
	assert_non_null(strstr(a, "B>* 0.0.0.0/0 [20/0] unreachable (blackhole) (vrf B)"));
	free(a);
	free(msgs);
	free(before);
	sl_router_free(r);
}

/* The return path check of the guide: `show ip route vrf SHARED 10.1.0.0/24`. */
static void test_return_path_visible(void **state)
{
	struct sl_router *r = sl_router_new();
	char path[512];
	struct sl_errors e = {0};
	(void)state;
	snprintf(path, sizeof(path), "%s/config/rt-shared-services.conf", src_dir);
	assert_int_equal(sl_router_load_file(r, path, &e), 0);
	char *out = show(r, "show ip route vrf SHARED 10.1.0.0/24");
	assert_non_null(out);
	assert_non_null(strstr(out, "Network not in table: 10.1.0.0/24"));
	free(out);
	assert_int_equal(apply(r,
				 "set vrf name SHARED protocols bgp address-family ipv4-unicast "
				 "route-target import 65000:10\n",
				 NULL),
		0);
	out = show(r, "show ip route vrf SHARED 10.1.0.0/24");
	assert_non_null(strstr(out, "Routing entry for 10.1.0.0/24"));
	assert_non_null(strstr(out, "leaked from vrf CUSTOMER-A"));
	free(out);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* Next-hop in another VRF: inactive until resolvable there. */
static void test_nexthop_vrf_resolution(void **state)
{
	struct sl_router *r = sl_router_new();
	(void)state;
	assert_int_equal(apply(r, base, NULL), 0);
	assert_int_equal(
		apply(r,
			"set vrf name A protocols static route 0.0.0.0/0 next-hop 10.9.0.1 vrf B\n",
			NULL),
		0);
	char *a = show(r, "show ip route vrf A");
	assert_non_null(strstr(a, "S   0.0.0.0/0 [1/0] via 10.9.0.1 (vrf B) inactive"));
	free(a);
	assert_int_equal(apply(r, "set interfaces ethernet eth2 address 10.9.0.2/24\n", NULL), 0);
	a = show(r, "show ip route vrf A");
	assert_non_null(strstr(a, "S>* 0.0.0.0/0 [1/0] via 10.9.0.1, eth2 (vrf B)"));
	free(a);
	assert_int_equal(
		apply(r, "delete interfaces ethernet eth2 address 10.9.0.2/24\n", NULL), 0);
	a = show(r, "show ip route vrf A");
	assert_non_null(strstr(a, "inactive"));
	free(a);
	sl_router_free(r);
}

/* The FIB sees only successful commits, in an applicable order. */
static void test_fib_changes_only_on_success(void **state)
{
	struct sl_router *r = sl_router_new();
	const struct sl_fib_change *c;
	(void)state;
	sl_router_fib_log(r, true);
	assert_int_equal(apply(r, base, NULL), 0);
	size_t n = sl_router_changes(r, &c);
	assert_true(n >= 3 + 6); /* 3 VRFs, 3 connected + 3 local routes */
	/* each route's VRF was added before it */
	for (size_t i = 0; i < n; i++)
		if (c[i].op == SL_FIB_ROUTE_SET) {
			bool seen = c[i].vrf_id == 0;
			for (size_t k = 0; k < i && !seen; k++)
				seen = c[k].op == SL_FIB_VRF_ADD && c[k].vrf_id == c[i].vrf_id;
			assert_true(seen);
		}
	sl_router_changes_clear(r);
	assert_int_not_equal(
		apply(r,
			"set vrf name A protocols static route 10.50.0.0/16 blackhole\n"
			"set vrf name A protocols static route 10.60.0.0/16 next-hop 1.2.3.4 vrf "
			"NOPE\n",
			NULL),
		0);
	assert_int_equal(sl_router_changes(r, &c), 0);
	assert_int_equal(
		apply(r, "set vrf name A protocols static route 10.50.0.0/16 blackhole\n", NULL),
		0);
	assert_int_equal(sl_router_changes(r, &c), 1);
	assert_int_equal(c[0].op, SL_FIB_ROUTE_SET);
	assert_int_equal(c[0].nh.type, SL_NH_BLACKHOLE);
	sl_router_free(r);
}

/* One transaction gives VRF M a subnet that a static leak of M lies in and
 * deletes M's static routes: the end state has no collision, so it commits.
 * The whole-VRF static re-derive used to miss the static (a collided static
 * is no route candidate), left it configured in the RIB and refused the
 * commit with its stale collision. */
static void test_collided_static_deleted_with_its_vrf_statics(void **state)
{
	struct sl_router *r = sl_router_new();
	char *msgs;
	(void)state;
	assert_int_equal(apply(r,
				 "set vrf name M table 10\nset vrf name I table 11\n"
				 "set interfaces ethernet eth1 vrf I\n"
				 "set interfaces ethernet eth1 address 10.1.0.1/24\n"
				 "set vrf name M protocols static route 10.2.243.108/30 next-hop "
				 "10.1.0.9 vrf I\n",
				 NULL),
		0);
	int rc = apply(r,
		"set interfaces ethernet eth2 vrf M\n"
		"set interfaces ethernet eth2 address 10.2.0.2/16\n"
		"delete vrf name M protocols static\n",
		&msgs);
	assert_string_equal(msgs, "");
	assert_int_equal(rc, 0);
	free(msgs);
	/* as loaded from scratch */
	char *cfg = show(r, "show configuration");
	struct sl_router *fresh = sl_router_new();
	assert_int_equal(apply(fresh, cfg, NULL), 0);
	char *a = snapshot(r), *b = snapshot(fresh);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(cfg);
	sl_router_free(fresh);
	sl_router_free(r);
}

/* A VRF (with BGP settings and a route) created and deleted in one
 * transaction leaves nothing: the commit used to fail with "bgp of vrf X:
 * No such file or directory" on line 0, setting the leak settings of a VRF
 * that neither the configuration nor the RIB has. */
static void test_vrf_created_and_deleted_in_one_transaction(void **state)
{
	struct sl_router *r = sl_router_new();
	char *msgs;
	(void)state;
	assert_int_equal(apply(r, "set vrf name A table 10\n", NULL), 0);
	char *before = snapshot(r);
	int rc = apply(r,
		"set vrf name X table 11\n"
		"set vrf name X protocols bgp system-as 65000\n"
		"set vrf name X protocols static route 10.9.0.0/16 blackhole\n"
		"delete vrf name X\n",
		&msgs);
	assert_string_equal(msgs, "");
	assert_int_equal(rc, 0);
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(msgs);
	free(before);
	free(after);
	sl_router_free(r);
}

/* ip source-validation: strict in a named VRF and disable in the default
 * one unless configured, on interfaces and vifs alike; a bad word refused. */
static void test_source_validation_defaults(void **state)
{
	struct sl_router *r = sl_router_new();
	struct sl_iface_state ifs;
	char *msgs;
	(void)state;
	assert_int_equal(
		apply(r,
			"set vrf name A table 10\n"
			"set interfaces ethernet eth1 vrf A\n"
			"set interfaces ethernet eth1 vif 5 vrf A\n"
			"set interfaces ethernet eth1 vif 6 vrf A\n"
			"set interfaces ethernet eth1 vif 6 ip source-validation loose\n"
			"set interfaces ethernet eth2 address 10.2.0.1/24\n"
			"set interfaces ethernet eth3 ip source-validation strict\n"
			"set interfaces ethernet eth3 vif 7 ip source-validation disable\n",
			NULL),
		0);
	static const struct {
		const char *name;
		enum sl_src_valid mode;
		bool set;
	} want[] = {
		{"eth1", SL_SRC_VALID_STRICT, false},
		{"eth1.5", SL_SRC_VALID_STRICT, false},
		{"eth1.6", SL_SRC_VALID_LOOSE, true},
		{"eth2", SL_SRC_VALID_DISABLE, false},
		{"eth3", SL_SRC_VALID_STRICT, true},
		{"eth3.7", SL_SRC_VALID_DISABLE, true},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(sl_router_iface_get(r, want[i].name, &ifs), 0);
		assert_int_equal(ifs.src_valid, want[i].mode);
		assert_int_equal(ifs.src_valid_set, want[i].set);
	}
	assert_int_not_equal(
		apply(r, "set interfaces ethernet eth2 ip source-validation on\n", &msgs), 0);
	assert_non_null(strstr(msgs, "strict, loose, disable"));
	free(msgs);
	sl_router_free(r);
}

/* A router's first logged commit may change no route (a policy only): nothing
 * to take, and no memcpy with the still-NULL change array (UBSan caught it). */
static void test_fib_log_first_commit_without_changes(void **state)
{
	struct sl_router *r = sl_router_new();
	const struct sl_fib_change *c;
	(void)state;
	sl_router_fib_log(r, true);
	assert_int_equal(apply(r, "set policy prefix-list P rule 10 action permit\n", NULL), 0);
	assert_int_equal(sl_router_changes(r, &c), 0);
	assert_int_equal(apply(r, "set protocols static route 10.9.0.0/16 blackhole\n", NULL), 0);
	assert_int_equal(sl_router_changes(r, &c), 1);
	assert_int_equal(c[0].op, SL_FIB_ROUTE_SET);
	sl_router_free(r);
}

int main(int argc, char **argv)
{
	src_dir = argc > 1 ? argv[1] : getenv("SLUICE_SRC");
	if (src_dir == NULL)
		src_dir = ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_shared),
		cmocka_unit_test(test_rt_shared),
		cmocka_unit_test(test_rt_symmetric),
		cmocka_unit_test(test_dns_only),
		cmocka_unit_test(test_backup_lp),
		cmocka_unit_test(test_internet),
		cmocka_unit_test(test_management),
		cmocka_unit_test(test_static_bidir),
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_no_releak_loop_rt),
		cmocka_unit_test(test_no_releak_loop_import_vrf),
		cmocka_unit_test(test_collision_fails_commit),
		cmocka_unit_test(test_return_path_visible),
		cmocka_unit_test(test_nexthop_vrf_resolution),
		cmocka_unit_test(test_fib_changes_only_on_success),
		cmocka_unit_test(test_fib_log_first_commit_without_changes),
		cmocka_unit_test(test_collided_static_deleted_with_its_vrf_statics),
		cmocka_unit_test(test_vrf_created_and_deleted_in_one_transaction),
		cmocka_unit_test(test_source_validation_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
