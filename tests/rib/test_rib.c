/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/rib driven through the setters: every leaking pattern of
 * the seed guide with the exact expected table of every VRF, the no-re-leak
 * loop, collisions, cross-VRF next-hop resolution, the FIB change log and
 * VRF deletion.
 *
 * Base topology (the guide's): CUSTOMER-A (table 10) owns eth1 10.1.0.1/24,
 * SHARED (table 20) owns eth2 10.100.0.1/24.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <string.h>

#include <cmocka.h>

#include "rib_test_util.h"

static struct sl_rib *base(void)
{
	struct sl_rib *rib = sl_rib_new();
	assert_non_null(rib);
	assert_int_equal(sl_rib_vrf_add(rib, "CUSTOMER-A", 10), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "SHARED", 20), 0);
	assert_int_equal(t_iface(rib, "eth1", "CUSTOMER-A", true, "10.1.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth2", "SHARED", true, "10.100.0.1/24", NULL), 0);
	return rib;
}

static const char *const A_CONNECTED = "C>* 10.1.0.0/24 [0/0] dc eth1\n"
				       "L>* 10.1.0.1/32 [0/0] local eth1";
static const char *const SHARED_CONNECTED = "C>* 10.100.0.0/24 [0/0] dc eth2\n"
					    "L>* 10.100.0.1/32 [0/0] local eth2";

static void test_default_vrf_and_basics(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	struct sl_vrf_info info;
	assert_int_equal(sl_rib_vrf_info(rib, "default", &info), 0);
	assert_int_equal(info.id, 0);
	assert_int_equal(info.table, 254);
	assert_int_equal(sl_rib_vrf_del(rib, "default"), -EPERM);
	assert_int_equal(sl_rib_vrf_add(rib, "default", 5), -EEXIST);
	assert_int_equal(sl_rib_vrf_add(rib, "RED", 10), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "RED", 10), -EEXIST);
	assert_int_equal(sl_rib_vrf_info(rib, "RED", &info), 0);
	assert_int_equal(info.id, 1);
	assert_int_equal(t_iface(rib, "eth9", "NOPE", true, NULL), -ENOENT);
	assert_int_equal(t_static1(rib, "NOPE", "10.0.0.0/8", t_bh()), -ENOENT);
	assert_int_equal(t_static1(rib, "RED", "10.0.0.1/8", t_bh()), -EINVAL);
	/* ids are dense and reused */
	assert_int_equal(sl_rib_vrf_add(rib, "BLUE", 11), 0);
	assert_int_equal(sl_rib_vrf_del(rib, "RED"), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "GREEN", 12), 0);
	assert_int_equal(sl_rib_vrf_info(rib, "GREEN", &info), 0);
	assert_int_equal(info.id, 1);
	assert_null(sl_rib_vrf_name(rib, 7));
	assert_int_equal(sl_rib_vrf_table_set(rib, "GREEN", 42), 0);
	assert_int_equal(sl_rib_vrf_info(rib, "GREEN", &info), 0);
	assert_int_equal(info.table, 42);
	assert_int_equal(sl_rib_vrf_table_set(rib, "default", 7), -EPERM);
	assert_int_equal(sl_rib_vrf_table_set(rib, "NOPE", 7), -ENOENT);
	assert_string_equal(sl_rib_vrf_name(rib, 2), "BLUE");
	/* interface in the default VRF, down interfaces derive nothing */
	assert_int_equal(t_iface(rib, "eth0", NULL, true, "192.0.2.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth5", "BLUE", false, "198.51.100.1/24", NULL), 0);
	assert_string_equal(t_table(rib, "default"),
		"C>* 192.0.2.0/24 [0/0] dc eth0\nL>* 192.0.2.1/32 [0/0] local eth0");
	assert_string_equal(t_table(rib, "BLUE"), "");
	assert_int_equal(sl_rib_vrf_del(rib, "BLUE"), -EBUSY);
	assert_int_equal(sl_rib_iface_del(rib, "eth5"), 0);
	assert_int_equal(sl_rib_iface_del(rib, "eth5"), -ENOENT);
	assert_int_equal(sl_rib_vrf_del(rib, "BLUE"), 0);
	sl_rib_free(rib);
}

/* Guide: "Leak SHARED into CUSTOMER-A (static)" and "Bidirectional static leaking". */
static void test_static_shared_services(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	assert_int_equal(t_static1(rib, "CUSTOMER-A", "10.100.0.0/16", t_if("eth2", "SHARED")), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"X>* 10.100.0.0/16 [1/0] vrf SHARED (vrf SHARED: dc eth2)");
	assert_string_equal(t_table(rib, "SHARED"), SHARED_CONNECTED);
	assert_string_equal(t_table(rib, "default"), "");

	/* bidirectional */
	assert_int_equal(t_static1(rib, "SHARED", "10.1.0.0/24", t_if("eth1", "CUSTOMER-A")), 0);
	assert_int_equal(t_static1(rib, "CUSTOMER-A", "10.100.0.0/24", t_if("eth2", "SHARED")), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"X>* 10.100.0.0/16 [1/0] vrf SHARED (vrf SHARED: dc eth2)\n"
		"X>* 10.100.0.0/24 [1/0] vrf SHARED (vrf SHARED: dc eth2)");
	assert_string_equal(t_table(rib, "SHARED"),
		"X>* 10.1.0.0/24 [1/0] vrf CUSTOMER-A (vrf CUSTOMER-A: dc eth1)\n"
		"C>* 10.100.0.0/24 [0/0] dc eth2\n"
		"L>* 10.100.0.1/32 [0/0] local eth2");

	/* the exit interface going down makes the leak inactive, not absent */
	assert_int_equal(t_iface(rib, "eth2", "SHARED", false, "10.100.0.1/24", NULL), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"X   10.100.0.0/16 [1/0] vrf SHARED (vrf SHARED: dc eth2)\n"
		"X   10.100.0.0/24 [1/0] vrf SHARED (vrf SHARED: dc eth2)");
	sl_rib_free(rib);
}

static const struct t_bgp A_RT = {
	"65000:10", "65000:20", "65000:10", NULL, NULL, NULL, false, false};
static const struct t_bgp SHARED_RT = {
	"65000:20", NULL, "65000:20", NULL, NULL, NULL, false, false};

struct vpn_rows {
	char text[2048];
	size_t len;
};

static int vpn_row(const struct sl_vpn_route *r, void *ctx)
{
	struct vpn_rows *v = ctx;
	char rd[SL_RT_STR], p[SL_PREFIX_STR];
	v->len += (size_t)snprintf(v->text + v->len, sizeof(v->text) - v->len, "%s %s %s %zu;",
		r->has_rd ? sl_rt_fmt(r->rd, rd) : "-", sl_prefix_fmt(r->prefix, p), r->origin_vrf,
		r->n_importers);
	return 0;
}

static const char *vpn_table(const struct sl_rib *rib)
{
	static struct vpn_rows v;
	v.len = 0;
	v.text[0] = '\0';
	sl_rib_vpn_foreach(rib, vpn_row, &v);
	return v.text;
}

/* Guide: "Leaking with BGP route targets", then the symmetric variant. */
static void test_route_target_shared_services(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &A_RT), 0);
	assert_int_equal(t_bgp_set(rib, "SHARED", &SHARED_RT), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)");
	assert_string_equal(t_table(rib, "SHARED"), SHARED_CONNECTED);
	/* local /32s are never exported; A's export has no importer */
	assert_string_equal(vpn_table(rib), "65000:10 10.1.0.0/24 CUSTOMER-A 0;"
					    "65000:20 10.100.0.0/24 SHARED 1;");

	/* symmetric: SHARED also imports 65000:10 */
	struct t_bgp sym = SHARED_RT;
	sym.rt_import = "65000:10";
	assert_int_equal(t_bgp_set(rib, "SHARED", &sym), 0);
	assert_string_equal(t_table(rib, "SHARED"),
		"V>* 10.1.0.0/24 [20/0] vrf CUSTOMER-A (vrf CUSTOMER-A: dc eth1)\n"
		"C>* 10.100.0.0/24 [0/0] dc eth2\n"
		"L>* 10.100.0.1/32 [0/0] local eth2");
	/* imported routes are not re-exported: A still holds only SHARED's own */
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)");
	assert_string_equal(vpn_table(rib), "65000:10 10.1.0.0/24 CUSTOMER-A 1;"
					    "65000:20 10.100.0.0/24 SHARED 1;");

	/* bgp disabled: neither exports nor imports */
	assert_int_equal(t_bgp_set(rib, "SHARED", NULL), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"), A_CONNECTED);
	assert_string_equal(t_table(rib, "SHARED"), SHARED_CONNECTED);
	/* the default VRF takes no part */
	assert_string_equal(t_table(rib, "default"), "");
	sl_rib_free(rib);
}

static void set_plist1(struct sl_rib *rib, const char *name, const char *prefix)
{
	struct sl_plist_rule r = {
		.seq = 10, .has_prefix = true, .prefix = tp(prefix), .action = SL_ACTION_PERMIT};
	struct sl_plist pl = {"", &r, 1};
	assert_int_equal(sl_rib_plist_set(rib, name, &pl), 0);
}

static void set_rmap(
	struct sl_rib *rib, const char *name, const char *plist, bool set_lp, uint32_t lp)
{
	struct sl_rmap_rule r = {
		.seq = 10, .action = SL_ACTION_PERMIT, .set_local_pref = set_lp, .local_pref = lp};
	snprintf(r.match_plist, SL_NAME_MAX, "%s", plist ? plist : "");
	struct sl_rmap rm = {"", &r, 1};
	assert_int_equal(sl_rib_rmap_set(rib, name, &rm), 0);
}

struct audit {
	char rmap[SL_NAME_MAX];
	uint32_t seq;
	int n;
};

static int audit_cb(const struct sl_route *r, void *ctx)
{
	struct audit *a = ctx;
	if (a->n++ == 0) {
		memcpy(a->rmap, r->rmap, SL_NAME_MAX);
		a->seq = r->rmap_seq;
	}
	return 0;
}

/*
 * Guide: "Selective leaking" — IMPORT-DNS admits only 10.100.0.10/32.
 * SHARED carries the DNS service address as a host route towards its
 * load-balancer 10.100.0.254 (static 10.100.0.10/32 next-hop 10.100.0.254).
 */
static void test_dns_only_import_route_map(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	set_plist1(rib, "DNS-ONLY", "10.100.0.10/32");
	set_rmap(rib, "IMPORT-DNS", "DNS-ONLY", false, 0);
	assert_int_equal(t_static1(rib, "SHARED", "10.100.0.10/32", t_gw("10.100.0.254", NULL)), 0);
	struct t_bgp a = A_RT;
	a.rmap_import = "IMPORT-DNS";
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &a), 0);
	assert_int_equal(t_bgp_set(rib, "SHARED", &SHARED_RT), 0);
	assert_string_equal(t_table(rib, "SHARED"),
		"C>* 10.100.0.0/24 [0/0] dc eth2\n"
		"L>* 10.100.0.1/32 [0/0] local eth2\n"
		"S>* 10.100.0.10/32 [1/0] via 10.100.0.254 eth2");
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.10/32 [20/0] vrf SHARED (vrf SHARED: via 10.100.0.254 eth2)");
	struct audit au = {"", 0, 0};
	assert_int_equal(
		sl_rib_route_lookup(rib, "CUSTOMER-A", tp("10.100.0.10/32"), false, audit_cb, &au),
		0);
	assert_int_equal(au.n, 1);
	assert_string_equal(au.rmap, "IMPORT-DNS");
	assert_int_equal(au.seq, 10);

	/* widening the prefix-list re-derives A's imports */
	set_plist1(rib, "DNS-ONLY", "10.100.0.0/24");
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)");
	/* removing the route-map: an undefined route-map admits nothing */
	assert_int_equal(sl_rib_rmap_set(rib, "IMPORT-DNS", NULL), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"), A_CONNECTED);
	/* the default VRF takes no part */
	assert_string_equal(t_table(rib, "default"), "");
	sl_rib_free(rib);
}

/*
 * Guide: "IMPORT-BACKUP ... set local-preference 50". CUSTOMER-A imports
 * 10.200.0.0/24 from SHARED (primary) and from SHARED-DR (backup, table 21,
 * eth3 10.200.0.1/24 — the same service subnet in a DR site); SHARED also
 * owns 10.200.0.0/24 on eth4. SHARED-DR's export route-map sets lp 50, so
 * SHARED wins until its subnet goes away.
 */
static void test_backup_local_pref(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	assert_int_equal(sl_rib_vrf_add(rib, "SHARED-DR", 21), 0);
	assert_int_equal(t_iface(rib, "eth3", "SHARED-DR", true, "10.200.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth4", "SHARED", true, "10.200.0.2/24", NULL), 0);
	set_rmap(rib, "IMPORT-BACKUP", NULL, true, 50);
	assert_int_equal(t_bgp_set(rib, "SHARED", &SHARED_RT), 0);
	struct t_bgp dr = {"65000:21", NULL, "65000:20", NULL, NULL, "IMPORT-BACKUP", false, false};
	assert_int_equal(t_bgp_set(rib, "SHARED-DR", &dr), 0);
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &A_RT), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)\n"
		"V>* 10.200.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth4)\n"
		"V * 10.200.0.0/24 [20/0] vrf SHARED-DR (vrf SHARED-DR: dc eth3) lp 50");
	/* primary gone: the backup takes over */
	assert_int_equal(sl_rib_iface_del(rib, "eth4"), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)\n"
		"V>* 10.200.0.0/24 [20/0] vrf SHARED-DR (vrf SHARED-DR: dc eth3) lp 50");
	/* the same route-map as an import route-map marks every import as backup */
	struct t_bgp a = A_RT;
	a.rmap_import = "IMPORT-BACKUP";
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &a), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2) lp 50\n"
		"V>* 10.200.0.0/24 [20/0] vrf SHARED-DR (vrf SHARED-DR: dc eth3) lp 50");
	/* a local-preference change in the route-map reaches every import */
	set_rmap(rib, "IMPORT-BACKUP", NULL, true, 70);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2) lp 70\n"
		"V>* 10.200.0.0/24 [20/0] vrf SHARED-DR (vrf SHARED-DR: dc eth3) lp 70");
	/* the default VRF takes no part */
	assert_string_equal(t_table(rib, "default"), "");
	sl_rib_free(rib);
}

/*
 * Guide: "Internet gateway pattern". INTERNET (table 30) owns eth3
 * 10.100.0.2/24 — the transit subnet where its NAT firewall 10.100.0.1 sits
 * (the guide's next hop) — and eth4 203.0.113.2/24 towards the upstream
 * 203.0.113.1. CUSTOMER-A's default route resolves 10.100.0.1 in INTERNET.
 */
static void test_internet_gateway(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	assert_int_equal(sl_rib_vrf_add(rib, "CUSTOMER-A", 10), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "INTERNET", 30), 0);
	assert_int_equal(t_iface(rib, "eth1", "CUSTOMER-A", true, "10.1.0.1/24", NULL), 0);
	assert_int_equal(t_static1(rib, "INTERNET", "0.0.0.0/0", t_gw("203.0.113.1", NULL)), 0);
	assert_int_equal(
		t_static1(rib, "CUSTOMER-A", "0.0.0.0/0", t_gw("10.100.0.1", "INTERNET")), 0);
	/* nothing resolves yet: both inactive */
	assert_string_equal(t_table(rib, "INTERNET"), "S   0.0.0.0/0 [1/0] via 203.0.113.1");
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"X   0.0.0.0/0 [1/0] via 10.100.0.1 (vrf INTERNET: via 10.100.0.1)\n"
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1");
	assert_int_equal(t_iface(rib, "eth4", "INTERNET", true, "203.0.113.2/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth3", "INTERNET", true, "10.100.0.2/24", NULL), 0);
	assert_string_equal(t_table(rib, "INTERNET"), "S>* 0.0.0.0/0 [1/0] via 203.0.113.1 eth4\n"
						      "C>* 10.100.0.0/24 [0/0] dc eth3\n"
						      "L>* 10.100.0.2/32 [0/0] local eth3\n"
						      "C>* 203.0.113.0/24 [0/0] dc eth4\n"
						      "L>* 203.0.113.2/32 [0/0] local eth4");
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"X>* 0.0.0.0/0 [1/0] via 10.100.0.1 eth3 (vrf INTERNET: via 10.100.0.1 eth3)\n"
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1");
	/* an address in A's own subnet still matches the connected route */
	struct audit au = {"", 0, 0};
	assert_int_equal(
		sl_rib_route_lookup(rib, "CUSTOMER-A", tp("8.8.8.8/32"), false, audit_cb, &au), 0);
	assert_int_equal(au.n, 1);
	/* the transit subnet goes away: 10.100.0.1 now resolves recursively
	 * through INTERNET's own default route */
	assert_int_equal(t_iface(rib, "eth3", "INTERNET", false, "10.100.0.2/24", NULL), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"X>* 0.0.0.0/0 [1/0] via 203.0.113.1 eth4 (vrf INTERNET: via 203.0.113.1 eth4)\n"
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1");
	/* a more specific static wins the longest match */
	assert_int_equal(t_static1(rib, "INTERNET", "10.100.0.0/24", t_gw("203.0.113.9", NULL)), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"X>* 0.0.0.0/0 [1/0] via 203.0.113.9 eth4 (vrf INTERNET: via 203.0.113.9 eth4)\n"
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1");
	/* the upstream goes away: nothing resolves, the leak is inactive */
	assert_int_equal(sl_rib_iface_del(rib, "eth4"), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"X   0.0.0.0/0 [1/0] via 10.100.0.1 (vrf INTERNET: via 10.100.0.1)\n"
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1");
	assert_string_equal(t_table(rib, "INTERNET"), "S   0.0.0.0/0 [1/0] via 203.0.113.1\n"
						      "S   10.100.0.0/24 [1/0] via 203.0.113.9");
	/* the default VRF takes no part */
	assert_string_equal(t_table(rib, "default"), "");
	sl_rib_free(rib);
}

/* Guide: "Management pattern (asymmetric)". MGMT (table 50) owns eth0
 * 192.168.0.1/24; CUSTOMER-A owns eth1, CUSTOMER-B (table 11) eth2
 * 10.2.0.1/24. The customers get no route back to MGMT. */
static void test_management_asymmetric(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	assert_int_equal(sl_rib_vrf_add(rib, "CUSTOMER-A", 10), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "CUSTOMER-B", 11), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "MGMT", 50), 0);
	assert_int_equal(t_iface(rib, "eth0", "MGMT", true, "192.168.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth1", "CUSTOMER-A", true, "10.1.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth2", "CUSTOMER-B", true, "10.2.0.1/24", NULL), 0);
	assert_int_equal(t_static1(rib, "MGMT", "10.1.0.0/16", t_if("eth1", "CUSTOMER-A")), 0);
	assert_int_equal(t_static1(rib, "MGMT", "10.2.0.0/16", t_if("eth2", "CUSTOMER-B")), 0);
	assert_string_equal(t_table(rib, "MGMT"),
		"X>* 10.1.0.0/16 [1/0] vrf CUSTOMER-A (vrf CUSTOMER-A: dc eth1)\n"
		"X>* 10.2.0.0/16 [1/0] vrf CUSTOMER-B (vrf CUSTOMER-B: dc eth2)\n"
		"C>* 192.168.0.0/24 [0/0] dc eth0\n"
		"L>* 192.168.0.1/32 [0/0] local eth0");
	assert_string_equal(t_table(rib, "CUSTOMER-A"), A_CONNECTED);
	assert_string_equal(t_table(rib, "CUSTOMER-B"),
		"C>* 10.2.0.0/24 [0/0] dc eth2\nL>* 10.2.0.1/32 [0/0] local eth2");
	/* the missing return path: no route to MGMT in A */
	struct audit au = {"", 0, 0};
	assert_int_equal(
		sl_rib_route_lookup(rib, "CUSTOMER-A", tp("192.168.0.10/32"), false, audit_cb, &au),
		0);
	assert_int_equal(au.n, 0);
	/* the default VRF takes no part */
	assert_string_equal(t_table(rib, "default"), "");
	sl_rib_free(rib);
}

/* A->B->C->A: each VRF imports only its predecessor's own routes. */
static void loop_setup(struct sl_rib *rib)
{
	assert_int_equal(sl_rib_vrf_add(rib, "A", 1), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "B", 2), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "C", 3), 0);
	assert_int_equal(t_iface(rib, "ea", "A", true, "10.0.1.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eb", "B", true, "10.0.2.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "ec", "C", true, "10.0.3.1/24", NULL), 0);
}

static void loop_check(struct sl_rib *rib, char code)
{
	char exp[512];
	snprintf(exp, sizeof(exp),
		"C>* 10.0.1.0/24 [0/0] dc ea\nL>* 10.0.1.1/32 [0/0] local ea\n"
		"%c>* 10.0.3.0/24 [20/0] vrf C (vrf C: dc ec)",
		code);
	assert_string_equal(t_table(rib, "A"), exp);
	snprintf(exp, sizeof(exp),
		"%c>* 10.0.1.0/24 [20/0] vrf A (vrf A: dc ea)\n"
		"C>* 10.0.2.0/24 [0/0] dc eb\nL>* 10.0.2.1/32 [0/0] local eb",
		code);
	assert_string_equal(t_table(rib, "B"), exp);
	snprintf(exp, sizeof(exp),
		"%c>* 10.0.2.0/24 [20/0] vrf B (vrf B: dc eb)\n"
		"C>* 10.0.3.0/24 [0/0] dc ec\nL>* 10.0.3.1/32 [0/0] local ec",
		code);
	assert_string_equal(t_table(rib, "C"), exp);
}

static void test_no_re_leak_loop_rt(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	loop_setup(rib);
	struct t_bgp a = {"1:1", "1:3", "1:1", NULL, NULL, NULL, false, false};
	struct t_bgp b = {"1:2", "1:1", "1:2", NULL, NULL, NULL, false, false};
	struct t_bgp c = {"1:3", "1:2", "1:3", NULL, NULL, NULL, false, false};
	assert_int_equal(t_bgp_set(rib, "A", &a), 0);
	assert_int_equal(t_bgp_set(rib, "B", &b), 0);
	assert_int_equal(t_bgp_set(rib, "C", &c), 0);
	loop_check(rib, 'V');
	sl_rib_free(rib);
}

static void test_no_re_leak_loop_import_vrf(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	loop_setup(rib);
	struct t_bgp a = {NULL, NULL, NULL, "C", NULL, NULL, false, false};
	struct t_bgp b = {NULL, NULL, NULL, "A", NULL, NULL, false, false};
	struct t_bgp c = {NULL, NULL, NULL, "B", NULL, NULL, false, false};
	assert_int_equal(t_bgp_set(rib, "A", &a), 0);
	assert_int_equal(t_bgp_set(rib, "B", &b), 0);
	assert_int_equal(t_bgp_set(rib, "C", &c), 0);
	loop_check(rib, 'I');
	/* only a VRF with bgp imports or exports */
	assert_int_equal(t_bgp_set(rib, "C", NULL), 0);
	assert_string_equal(
		t_table(rib, "A"), "C>* 10.0.1.0/24 [0/0] dc ea\nL>* 10.0.1.1/32 [0/0] local ea");
	assert_string_equal(t_table(rib, "B"),
		"I>* 10.0.1.0/24 [20/0] vrf A (vrf A: dc ea)\n"
		"C>* 10.0.2.0/24 [0/0] dc eb\nL>* 10.0.2.1/32 [0/0] local eb");
	sl_rib_free(rib);
}

static const char *collisions_text(const struct sl_rib *rib)
{
	static char buf[1024];
	const struct sl_rib_collision *c;
	size_t n = sl_rib_collisions(rib, &c), len = 0;
	char a[SL_PREFIX_STR], b[SL_PREFIX_STR];
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %s <- %s hits %s;",
			c[i].importer, sl_prefix_fmt(c[i].leaked, a), c[i].origin,
			sl_prefix_fmt(c[i].connected, b));
	return buf;
}

/* Guide: "Overlapping addresses". A and B both use 10.0.0.0/8. */
static void test_collisions(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	assert_int_equal(sl_rib_vrf_add(rib, "CUSTOMER-A", 10), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "CUSTOMER-B", 11), 0);
	assert_int_equal(t_iface(rib, "eth1", "CUSTOMER-A", true, "10.0.0.1/8", NULL), 0);
	assert_int_equal(t_iface(rib, "eth2", "CUSTOMER-B", true, "10.0.0.1/8", NULL), 0);
	/* B also exports an aggregate (default) and a subnet inside A's /8 */
	assert_int_equal(t_static1(rib, "CUSTOMER-B", "0.0.0.0/0", t_bh()), 0);
	assert_int_equal(t_static1(rib, "CUSTOMER-B", "10.5.0.0/16", t_bh()), 0);
	struct t_bgp a = {"1:10", "1:11", "1:10", NULL, NULL, NULL, false, false};
	struct t_bgp b = {"1:11", "1:10", "1:11", NULL, NULL, NULL, false, false};
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &a), 0);
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-B", &b), 0);
	assert_string_equal(collisions_text(rib),
		"CUSTOMER-A 10.0.0.0/8 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-A 10.5.0.0/16 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-B 10.0.0.0/8 <- CUSTOMER-A hits 10.0.0.0/8;");
	/* the covering default route is a normal leak */
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"V>* 0.0.0.0/0 [20/0] vrf CUSTOMER-B (vrf CUSTOMER-B: blackhole)\n"
		"C>* 10.0.0.0/8 [0/0] dc eth1\n"
		"L>* 10.0.0.1/32 [0/0] local eth1");
	/* a static cross-VRF route inside a local subnet collides too */
	assert_int_equal(
		t_static1(rib, "CUSTOMER-A", "10.7.0.0/16", t_if("eth2", "CUSTOMER-B")), 0);
	assert_string_equal(collisions_text(rib),
		"CUSTOMER-A 10.0.0.0/8 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-A 10.5.0.0/16 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-A 10.7.0.0/16 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-B 10.0.0.0/8 <- CUSTOMER-A hits 10.0.0.0/8;");
	/* renumber A: the cause goes away and the leaks are imported */
	assert_int_equal(t_iface(rib, "eth1", "CUSTOMER-A", true, "172.16.0.1/24", NULL), 0);
	assert_string_equal(collisions_text(rib), "");
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"V>* 0.0.0.0/0 [20/0] vrf CUSTOMER-B (vrf CUSTOMER-B: blackhole)\n"
		"V>* 10.0.0.0/8 [20/0] vrf CUSTOMER-B (vrf CUSTOMER-B: dc eth2)\n"
		"V>* 10.5.0.0/16 [20/0] vrf CUSTOMER-B (vrf CUSTOMER-B: blackhole)\n"
		"X>* 10.7.0.0/16 [1/0] vrf CUSTOMER-B (vrf CUSTOMER-B: dc eth2)\n"
		"C>* 172.16.0.0/24 [0/0] dc eth1\n"
		"L>* 172.16.0.1/32 [0/0] local eth1");
	assert_string_equal(t_table(rib, "CUSTOMER-B"),
		"S>* 0.0.0.0/0 [1/0] blackhole\n"
		"C>* 10.0.0.0/8 [0/0] dc eth2\n"
		"L>* 10.0.0.1/32 [0/0] local eth2\n"
		"S>* 10.5.0.0/16 [1/0] blackhole\n"
		"V>* 172.16.0.0/24 [20/0] vrf CUSTOMER-A (vrf CUSTOMER-A: dc eth1)");
	/* and back */
	assert_int_equal(t_iface(rib, "eth1", "CUSTOMER-A", true, "10.0.0.1/8", NULL), 0);
	assert_int_equal(sl_rib_static_set(rib, "CUSTOMER-A", tp("10.7.0.0/16"), NULL, 0), 0);
	assert_string_equal(collisions_text(rib),
		"CUSTOMER-A 10.0.0.0/8 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-A 10.5.0.0/16 <- CUSTOMER-B hits 10.0.0.0/8;"
		"CUSTOMER-B 10.0.0.0/8 <- CUSTOMER-A hits 10.0.0.0/8;");
	sl_rib_free(rib);
}

/* The FIB change log: VRF_ADD before its routes, VRF_DEL after; only
 * selected routes; SET on a next-hop change; DEL when nothing is left. */
static void test_fib_change_log(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	const struct sl_fib_change *c;
	size_t n;
	char p[SL_PREFIX_STR];

	sl_rib_change_log(rib, true);
	assert_int_equal(sl_rib_vrf_add(rib, "RED", 30), 0);
	assert_int_equal(t_iface(rib, "eth5", "RED", true, "10.5.0.1/24", NULL), 0);
	assert_int_equal(t_static1(rib, "RED", "10.9.0.0/16", t_gw("10.5.0.9", NULL)), 0);
	/* an inactive candidate never reaches the FIB */
	assert_int_equal(t_static1(rib, "RED", "10.8.0.0/16", t_gw("192.0.2.1", NULL)), 0);
	n = sl_rib_changes(rib, &c);
	assert_int_equal(n, 4);
	assert_int_equal(c[0].op, SL_FIB_VRF_ADD);
	assert_string_equal(c[0].vrf_name, "RED");
	assert_int_equal(c[0].table, 30);
	uint32_t red = c[0].vrf_id;
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(c[i].op, SL_FIB_ROUTE_SET);
		assert_int_equal(c[i].vrf_id, red);
	}
	assert_string_equal(sl_prefix_fmt(c[3].prefix, p), "10.9.0.0/16");
	assert_int_equal(c[3].nh.type, SL_NH_GATEWAY);
	assert_int_equal(c[3].nh.gw, ta("10.5.0.9"));
	assert_string_equal(c[3].nh.ifname, "eth5");
	/* taken whole (lib/commit after a commit): the same array, no copy; the
	 * caller's empty array becomes the log's and takes the next changes */
	const struct sl_fib_change *logged = c;
	struct sl_fib_change *mine = calloc(2, sizeof(*mine)), *taken = mine;
	size_t n_taken = 0, cap = 2;
	assert_non_null(mine);
	sl_rib_changes_swap(rib, &taken, &n_taken, &cap);
	assert_ptr_equal(taken, logged);
	assert_int_equal(n_taken, 4);
	assert_true(cap >= 4);
	assert_int_equal(taken[0].op, SL_FIB_VRF_ADD);
	assert_int_equal(sl_rib_changes(rib, &c), 0);
	assert_int_equal(t_static1(rib, "RED", "10.9.0.0/16", t_gw("10.5.0.8", NULL)), 0);
	assert_int_equal(sl_rib_changes(rib, &c), 1);
	assert_ptr_equal(c, mine);
	assert_int_equal(c[0].nh.gw, ta("10.5.0.8"));
	sl_fib_changes_free_paths(taken, n_taken);
	free(taken);
	sl_rib_changes_clear(rib);
	assert_int_equal(sl_rib_changes(rib, &c), 0);

	/* a leak redirect: "continue the lookup in SHARED" */
	assert_int_equal(t_static1(rib, "RED", "10.100.0.0/24", t_if("eth2", "SHARED")), 0);
	n = sl_rib_changes(rib, &c);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].nh.type, SL_NH_VRF);
	assert_string_equal(sl_rib_vrf_name(rib, c[0].nh.vrf_id), "SHARED");
	sl_rib_changes_clear(rib);

	/* delete the VRF: its routes are withdrawn before VRF_DEL */
	assert_int_equal(sl_rib_iface_del(rib, "eth5"), 0);
	assert_int_equal(sl_rib_vrf_del(rib, "RED"), 0);
	n = sl_rib_changes(rib, &c);
	assert_true(n >= 2);
	assert_int_equal(c[n - 1].op, SL_FIB_VRF_DEL);
	assert_int_equal(c[n - 1].vrf_id, red);
	bool saw[3] = {false, false, false};
	for (size_t i = 0; i + 1 < n; i++) {
		assert_int_equal(c[i].op, SL_FIB_ROUTE_DEL);
		assert_int_equal(c[i].vrf_id, red);
		sl_prefix_fmt(c[i].prefix, p);
		saw[0] |= strcmp(p, "10.5.0.0/24") == 0;
		saw[1] |= strcmp(p, "10.9.0.0/16") == 0;
		saw[2] |= strcmp(p, "10.100.0.0/24") == 0;
	}
	assert_true(saw[0] && saw[1] && saw[2]);
	sl_rib_free(rib);
}

static unsigned progress_calls;

/* Counts only sl_progress_run()'s calls: sl_progress() never reaches 0. */
static void progress_count(void *arg)
{
	(void)arg;
	progress_calls++;
	sl_progress_left = UINT_MAX;
}

/* A log past rib_log.c's copy slice grows by copies in slices, the progress
 * hook run between them: every entry comes through, in order. */
static void test_fib_change_log_grows(void **state)
{
	(void)state;
	enum { ROUTES = 5000 };
	struct sl_rib *rib = base();
	char p[SL_PREFIX_STR], want[SL_PREFIX_STR];
	sl_rib_change_log(rib, true);
	progress_calls = 0;
	sl_progress_hook_set(progress_count, NULL);
	sl_progress_left = UINT_MAX;
	for (unsigned i = 0; i < ROUTES; i++) {
		snprintf(want, sizeof(want), "20.%u.%u.0/24", i >> 8, i & 255);
		assert_int_equal(t_static1(rib, "CUSTOMER-A", want, t_gw("10.1.0.9", NULL)), 0);
	}
	sl_progress_hook_set(NULL, NULL);
	/* the growths from 2,048 and 4,096 entries: 2 + 4 slices of 1,024 */
	assert_int_equal(progress_calls, 6);
	const struct sl_fib_change *c;
	assert_int_equal(sl_rib_changes(rib, &c), ROUTES);
	for (unsigned i = 0; i < ROUTES; i++) {
		snprintf(want, sizeof(want), "20.%u.%u.0/24", i >> 8, i & 255);
		assert_int_equal(c[i].op, SL_FIB_ROUTE_SET);
		assert_string_equal(sl_prefix_fmt(c[i].prefix, p), want);
		assert_int_equal(c[i].nh.gw, ta("10.1.0.9"));
	}
	sl_rib_changes_clear(rib);
	sl_rib_free(rib);
}

/* Deleting an exporting VRF removes its leaks from every importer. */
static void test_vrf_delete_removes_leaks(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	char *before = t_dump(rib);
	assert_int_equal(sl_rib_vrf_add(rib, "EXTRA", 40), 0);
	assert_int_equal(t_static1(rib, "EXTRA", "10.40.0.0/16", t_bh()), 0);
	assert_int_equal(t_static1(rib, "SHARED", "10.41.0.0/16", t_gw("10.40.0.1", "EXTRA")), 0);
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &A_RT), 0);
	assert_int_equal(t_bgp_set(rib, "SHARED", &SHARED_RT), 0);
	struct t_bgp ex = {"65000:40", NULL, "65000:20", NULL, NULL, NULL, false, false};
	assert_int_equal(t_bgp_set(rib, "EXTRA", &ex), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.40.0.0/16 [20/0] vrf EXTRA (vrf EXTRA: blackhole)\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)");
	assert_int_equal(sl_rib_vrf_del(rib, "EXTRA"), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)");
	/* SHARED's static towards EXTRA stays, inactive */
	assert_string_equal(t_table(rib, "SHARED"),
		"X   10.41.0.0/16 [1/0] via 10.40.0.1 (vrf EXTRA: via 10.40.0.1)\n"
		"C>* 10.100.0.0/24 [0/0] dc eth2\n"
		"L>* 10.100.0.1/32 [0/0] local eth2");
	assert_int_equal(sl_rib_static_set(rib, "SHARED", tp("10.41.0.0/16"), NULL, 0), 0);
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", NULL), 0);
	assert_int_equal(t_bgp_set(rib, "SHARED", NULL), 0);
	char *after = t_dump(rib);
	assert_string_equal(before, after);
	free(before);
	free(after);
	sl_rib_free(rib);
}

/* Recursive resolution in one VRF: bounded depth, and mutually recursive
 * statics settle as unresolved instead of oscillating. */
static void test_recursive_resolution(void **state)
{
	(void)state;
	struct sl_rib *rib = sl_rib_new();
	assert_int_equal(t_iface(rib, "eth1", NULL, true, "10.0.0.1/24", NULL), 0);
	assert_int_equal(t_static1(rib, NULL, "20.0.0.0/24", t_gw("10.0.0.2", NULL)), 0);
	assert_int_equal(t_static1(rib, NULL, "30.0.0.0/24", t_gw("20.0.0.1", NULL)), 0);
	assert_int_equal(t_static1(rib, NULL, "40.0.0.0/24", t_gw("30.0.0.1", NULL)), 0);
	assert_int_equal(t_static1(rib, NULL, "50.0.0.0/24", t_gw("40.0.0.1", NULL)), 0);
	assert_int_equal(t_static1(rib, NULL, "60.0.0.0/24", t_gw("50.0.0.1", NULL)), 0);
	/* a gateway that is the router's own address does not resolve */
	assert_int_equal(t_static1(rib, NULL, "70.0.0.0/24", t_gw("10.0.0.1", NULL)), 0);
	assert_string_equal(t_table(rib, "default"), "C>* 10.0.0.0/24 [0/0] dc eth1\n"
						     "L>* 10.0.0.1/32 [0/0] local eth1\n"
						     "S>* 20.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S>* 30.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S>* 40.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S>* 50.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S   60.0.0.0/24 [1/0] via 50.0.0.1\n"
						     "S   70.0.0.0/24 [1/0] via 10.0.0.1");
	/* a cycle: 80/8 via 90.0.0.1 and 90/8 via 80.0.0.1, each shadowing the
	 * default route both could otherwise use */
	assert_int_equal(t_static1(rib, NULL, "0.0.0.0/0", t_gw("10.0.0.254", NULL)), 0);
	assert_int_equal(t_static1(rib, NULL, "80.0.0.0/8", t_gw("90.0.0.1", NULL)), 0);
	assert_int_equal(t_static1(rib, NULL, "90.0.0.0/8", t_gw("80.0.0.1", NULL)), 0);
	struct audit au = {"", 0, 0};
	assert_int_equal(sl_rib_route_lookup(rib, NULL, tp("80.0.0.0/8"), true, audit_cb, &au), 0);
	assert_int_equal(au.n, 1);
	assert_string_equal(t_table(rib, "default"), "S>* 0.0.0.0/0 [1/0] via 10.0.0.254 eth1\n"
						     "C>* 10.0.0.0/24 [0/0] dc eth1\n"
						     "L>* 10.0.0.1/32 [0/0] local eth1\n"
						     "S>* 20.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S>* 30.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S>* 40.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S>* 50.0.0.0/24 [1/0] via 10.0.0.2 eth1\n"
						     "S   60.0.0.0/24 [1/0] via 50.0.0.1\n"
						     "S   70.0.0.0/24 [1/0] via 10.0.0.1\n"
						     "S   80.0.0.0/8 [1/0] via 90.0.0.1\n"
						     "S   90.0.0.0/8 [1/0] via 80.0.0.1");
	/* breaking the cycle resolves both */
	assert_int_equal(t_static1(rib, NULL, "90.0.0.0/8", t_gw("10.0.0.9", NULL)), 0);
	assert_int_equal(
		sl_rib_route_lookup(rib, NULL, tp("80.1.2.3/32"), false, audit_cb, &au), 0);
	assert_string_equal(strstr(t_table(rib, "default"), "S>* 80.0.0.0/8"),
		"S>* 80.0.0.0/8 [1/0] via 10.0.0.9 eth1\n"
		"S>* 90.0.0.0/8 [1/0] via 10.0.0.9 eth1");
	sl_rib_free(rib);
}

/* Redistribute lines restrict the exported kinds; local /32s never leave. */
static void test_redistribute_kinds(void **state)
{
	(void)state;
	struct sl_rib *rib = base();
	assert_int_equal(t_static1(rib, "SHARED", "10.101.0.0/16", t_bh()), 0);
	assert_int_equal(t_bgp_set(rib, "CUSTOMER-A", &A_RT), 0);
	struct t_bgp s = SHARED_RT;
	s.redist_static = true;
	assert_int_equal(t_bgp_set(rib, "SHARED", &s), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.101.0.0/16 [20/0] vrf SHARED (vrf SHARED: blackhole)");
	s.redist_static = false;
	s.redist_connected = true;
	assert_int_equal(t_bgp_set(rib, "SHARED", &s), 0);
	assert_string_equal(t_table(rib, "CUSTOMER-A"),
		"C>* 10.1.0.0/24 [0/0] dc eth1\n"
		"L>* 10.1.0.1/32 [0/0] local eth1\n"
		"V>* 10.100.0.0/24 [20/0] vrf SHARED (vrf SHARED: dc eth2)");
	sl_rib_free(rib);
}

/*
 * Issue 18: an importer that already holds one of the imported prefixes, and
 * enough new imports to double its table while the leak engine marks them
 * (the marking loop looked slots up ahead and used them after the rehash).
 * Own statics win over the imports (distance 1 < 20), as in FRR.
 */
static void test_import_grows_importer_table(void **state)
{
	(void)state;
	static const struct t_bgp E_RT = {.rt_export = "65000:1"};
	static const struct t_bgp W_RT = {.rt_import = "65000:1"};
	struct sl_rib *rib = sl_rib_new();
	char pfx[32];

	assert_non_null(rib);
	assert_int_equal(sl_rib_vrf_add(rib, "E", 101), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "W", 102), 0);
	assert_int_equal(t_iface(rib, "eth0", "E", true, "10.1.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth1", "W", true, "10.2.0.1/24", NULL), 0);
	for (int i = 1; i <= 6; i++) {
		snprintf(pfx, sizeof(pfx), "10.10.%d.0/24", i);
		assert_int_equal(t_static1(rib, "E", pfx, t_gw("10.1.0.9", NULL)), 0);
	}
	assert_int_equal(t_static1(rib, "W", "10.10.2.0/24", t_gw("10.2.0.9", NULL)), 0);
	assert_int_equal(t_static1(rib, "W", "10.10.6.0/24", t_gw("10.2.0.9", NULL)), 0);
	assert_int_equal(t_bgp_set(rib, "E", &E_RT), 0);
	assert_int_equal(t_bgp_set(rib, "W", &W_RT), 0);
	assert_string_equal(t_table(rib, "W"),
		"V>* 10.1.0.0/24 [20/0] vrf E (vrf E: dc eth0)\n"
		"C>* 10.2.0.0/24 [0/0] dc eth1\n"
		"L>* 10.2.0.1/32 [0/0] local eth1\n"
		"V>* 10.10.1.0/24 [20/0] vrf E (vrf E: via 10.1.0.9 eth0)\n"
		"S>* 10.10.2.0/24 [1/0] via 10.2.0.9 eth1\n"
		"V * 10.10.2.0/24 [20/0] vrf E (vrf E: via 10.1.0.9 eth0)\n"
		"V>* 10.10.3.0/24 [20/0] vrf E (vrf E: via 10.1.0.9 eth0)\n"
		"V>* 10.10.4.0/24 [20/0] vrf E (vrf E: via 10.1.0.9 eth0)\n"
		"V>* 10.10.5.0/24 [20/0] vrf E (vrf E: via 10.1.0.9 eth0)\n"
		"S>* 10.10.6.0/24 [1/0] via 10.2.0.9 eth1\n"
		"V * 10.10.6.0/24 [20/0] vrf E (vrf E: via 10.1.0.9 eth0)");
	/* the same result whichever side is configured first */
	char *one = t_dump(rib);
	assert_int_equal(t_bgp_set(rib, "W", NULL), 0);
	assert_int_equal(t_bgp_set(rib, "E", NULL), 0);
	assert_int_equal(t_bgp_set(rib, "W", &W_RT), 0);
	assert_int_equal(t_bgp_set(rib, "E", &E_RT), 0);
	char *two = t_dump(rib);
	assert_string_equal(one, two);
	free(one);
	free(two);
	sl_rib_free(rib);
}

static int first_route_cb(const struct sl_route *r, void *ctx)
{
	*(struct sl_route *)ctx = *r;
	return 1;
}

/* The first (selected) candidate of exactly p in vrf: 0, or -ENOENT. */
static int route_get(
	const struct sl_rib *rib, const char *vrf, struct sl_prefix p, struct sl_route *out)
{
	out->prefix.len = 0xff;
	sl_rib_route_lookup(rib, vrf, p, true, first_route_cb, out);
	return out->prefix.len == 0xff ? -ENOENT : 0;
}

/*
 * The same at size: two exporters of 600 prefixes each (half of them the
 * same prefixes), an importer that holds every third prefix itself and
 * grows from 16 slots past 2,048 in one reimport, then shrinks back when
 * the import stops. Every prefix is checked, not a sample.
 */
static void test_import_growth_at_size(void **state)
{
	(void)state;
	enum { N = 600 };
	static const struct t_bgp X_RT = {.rt_export = "65000:1"};
	static const struct t_bgp W_RT = {.rt_import = "65000:1"};
	struct sl_rib *rib = sl_rib_new();
	struct sl_vrf_info info;
	char pfx[32];

	assert_non_null(rib);
	assert_int_equal(sl_rib_vrf_add(rib, "E1", 101), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "E2", 103), 0);
	assert_int_equal(sl_rib_vrf_add(rib, "W", 102), 0);
	assert_int_equal(t_iface(rib, "eth0", "E1", true, "10.1.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth2", "E2", true, "10.3.0.1/24", NULL), 0);
	assert_int_equal(t_iface(rib, "eth1", "W", true, "10.2.0.1/24", NULL), 0);
	for (int i = 0; i < N; i++) {
		snprintf(pfx, sizeof(pfx), "172.%d.%d.0/24", 16 + i / 256, i % 256);
		assert_int_equal(t_static1(rib, "E1", pfx, t_gw("10.1.0.9", NULL)), 0);
		if (i % 2 == 0)
			assert_int_equal(t_static1(rib, "E2", pfx, t_gw("10.3.0.9", NULL)), 0);
		else {
			snprintf(pfx, sizeof(pfx), "192.168.%d.%d/32", i / 256, i % 256);
			assert_int_equal(t_static1(rib, "E2", pfx, t_gw("10.3.0.9", NULL)), 0);
		}
		if (i % 3 == 0) {
			snprintf(pfx, sizeof(pfx), "172.%d.%d.0/24", 16 + i / 256, i % 256);
			assert_int_equal(t_static1(rib, "W", pfx, t_gw("10.2.0.9", NULL)), 0);
		}
	}
	assert_int_equal(t_bgp_set(rib, "E1", &X_RT), 0);
	assert_int_equal(t_bgp_set(rib, "E2", &X_RT), 0);
	assert_int_equal(t_bgp_set(rib, "W", &W_RT), 0);

	for (int i = 0; i < N; i++) {
		struct sl_route r;
		snprintf(pfx, sizeof(pfx), "172.%d.%d.0/24", 16 + i / 256, i % 256);
		assert_int_equal(route_get(rib, "W", tp(pfx), &r), 0);
		if (i % 3 == 0) {
			assert_int_equal(r.source, SL_SRC_STATIC);
		} else {
			assert_int_equal(r.source, SL_SRC_VPN_IMPORT);
			/* two exporters of one prefix: the tie breaks on the VRF name */
			assert_string_equal(r.origin_vrf, "E1");
		}
		snprintf(pfx, sizeof(pfx), "192.168.%d.%d/32", i / 256, i % 256);
		assert_int_equal(route_get(rib, "W", tp(pfx), &r), i % 2 ? 0 : -ENOENT);
	}
	assert_int_equal(sl_rib_vrf_info(rib, "W", &info), 0);
	/* C and L of eth1, E1's and E2's connected, 600 /24s (own or
	 * imported), 300 imported /32s */
	assert_int_equal(info.n_selected, 2 + 2 + N + N / 2);

	/* the import stops: W shrinks back to its own routes */
	assert_int_equal(t_bgp_set(rib, "W", NULL), 0);
	assert_int_equal(sl_rib_vrf_info(rib, "W", &info), 0);
	assert_int_equal(info.n_selected, 2 + N / 3);
	sl_rib_free(rib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_vrf_and_basics),
		cmocka_unit_test(test_static_shared_services),
		cmocka_unit_test(test_route_target_shared_services),
		cmocka_unit_test(test_dns_only_import_route_map),
		cmocka_unit_test(test_backup_local_pref),
		cmocka_unit_test(test_internet_gateway),
		cmocka_unit_test(test_management_asymmetric),
		cmocka_unit_test(test_no_re_leak_loop_rt),
		cmocka_unit_test(test_no_re_leak_loop_import_vrf),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_fib_change_log),
		cmocka_unit_test(test_fib_change_log_grows),
		cmocka_unit_test(test_vrf_delete_removes_leaks),
		cmocka_unit_test(test_redistribute_kinds),
		cmocka_unit_test(test_recursive_resolution),
		cmocka_unit_test(test_import_grows_importer_table),
		cmocka_unit_test(test_import_growth_at_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
