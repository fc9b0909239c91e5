/* SPDX-License-Identifier: BSD-3-Clause */
/* test_fib.c — change application, LPM value encoding, neighbours, interface map. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "fib_test_eal.h"
#include "sl_fib.h"

static struct sl_fib *fib;

static struct sl_prefix pfx(const char *s)
{
	struct sl_prefix p;
	assert_int_equal(sl_prefix_parse(s, &p, true), 0);
	return p;
}

static uint32_t ip(const char *s)
{
	uint32_t a;
	assert_int_equal(sl_addr_parse(s, &a), 0);
	return a;
}

static struct sl_fib_change vrf_add(uint32_t id)
{
	struct sl_fib_change c = {.op = SL_FIB_VRF_ADD, .vrf_id = id};
	snprintf(c.vrf_name, sizeof(c.vrf_name), "V%u", id);
	return c;
}

static struct sl_fib_change route(uint32_t vrf, const char *p, enum sl_nh_type t,
	const char *ifname, const char *gw, uint32_t to_vrf)
{
	struct sl_fib_change c = {.op = SL_FIB_ROUTE_SET, .vrf_id = vrf, .prefix = pfx(p)};
	c.nh.type = t;
	if (ifname)
		snprintf(c.nh.ifname, sizeof(c.nh.ifname), "%s", ifname);
	if (gw)
		c.nh.gw = ip(gw);
	c.nh.vrf_id = to_vrf;
	return c;
}

static struct sl_fib_change route_del(uint32_t vrf, const char *p)
{
	return (struct sl_fib_change){.op = SL_FIB_ROUTE_DEL, .vrf_id = vrf, .prefix = pfx(p)};
}

static int setup(void **state)
{
	(void)state;
	struct sl_fib_config cfg = {
		.max_rules = 1024, .number_tbl8s = 64, .socket_id = SOCKET_ID_ANY};
	fib = sl_fib_new(&cfg);
	return fib == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	sl_fib_free(fib);
	fib = NULL;
	return 0;
}

static const struct sl_fib_nh *lookup_nh(uint32_t vrf, const char *addr, uint32_t *final_vrf)
{
	uint32_t idx;
	int rc = sl_fib_lookup(
		fib, vrf, &(struct sl_addr){.af = SL_AF_IPV4, .v4 = ip(addr)}, &idx, final_vrf);
	if (rc < 0)
		return NULL;
	return &sl_fib_nh_table(fib)[idx];
}

static void test_encoding(void **state)
{
	(void)state;
	for (uint32_t v = 0; v < SL_VRF_MAX; v += 97) {
		uint32_t val = sl_fib_val_redirect(v);
		assert_true(sl_fib_val_is_redirect(val));
		assert_int_equal(sl_fib_val_vrf(val), v);
		assert_true(val <= SL_FIB_VAL_MASK); /* fits in rte_lpm's 24 bits */
	}
	assert_false(sl_fib_val_is_redirect(SL_FIB_NH_MAX - 1));
	assert_false(sl_fib_val_is_redirect(SL_FIB_NH_BLACKHOLE));
}

static void test_routes_and_leak(void **state)
{
	(void)state;
	struct sl_fib_change ch[] = {
		vrf_add(0),
		vrf_add(1),
		route(1, "10.1.0.0/24", SL_NH_CONNECTED, "eth0", NULL, 0),
		route(1, "10.1.0.1/32", SL_NH_LOCAL, "eth0", NULL, 0),
		route(1, "10.100.0.0/24", SL_NH_VRF, NULL, NULL, 0),
		route(1, "192.0.2.0/24", SL_NH_BLACKHOLE, NULL, NULL, 0),
		route(0, "10.100.0.0/24", SL_NH_CONNECTED, "eth1", NULL, 0),
		route(0, "0.0.0.0/0", SL_NH_GATEWAY, "eth1", "10.100.0.254", 0),
	};
	struct sl_fib_apply_result r;
	assert_int_equal(sl_fib_apply(fib, ch, sizeof(ch) / sizeof(ch[0]), &r), 0);
	assert_int_equal(r.applied, 8);
	assert_int_equal(r.vrfs_added, 2);
	int eth0 = sl_fib_iface_index(fib, "eth0"), eth1 = sl_fib_iface_index(fib, "eth1");
	assert_true(eth0 >= 0 && eth1 >= 0 && eth0 != eth1);

	uint32_t fv;
	const struct sl_fib_nh *nh = lookup_nh(1, "10.1.0.77", &fv);
	assert_non_null(nh);
	assert_int_equal(nh->type, SL_FIB_NH_T_CONNECTED);
	assert_int_equal(nh->oif, eth0);
	assert_int_equal(fv, 1);
	nh = lookup_nh(1, "10.1.0.1", &fv);
	assert_int_equal(nh->type, SL_FIB_NH_T_LOCAL);
	/* leak: continue in VRF 0 */
	nh = lookup_nh(1, "10.100.0.9", &fv);
	assert_non_null(nh);
	assert_int_equal(nh->type, SL_FIB_NH_T_CONNECTED);
	assert_int_equal(nh->oif, eth1);
	assert_int_equal(fv, 0);
	nh = lookup_nh(1, "192.0.2.55", &fv);
	assert_int_equal(nh->type, SL_FIB_NH_T_BLACKHOLE);
	/* VRF 1 has no default route: isolated */
	assert_null(lookup_nh(1, "8.8.8.8", NULL));
	/* VRF 0's default route (depth 0 lives outside rte_lpm) */
	nh = lookup_nh(0, "8.8.8.8", &fv);
	assert_non_null(nh);
	assert_int_equal(nh->type, SL_FIB_NH_T_GATEWAY);
	assert_int_equal(nh->gw, ip("10.100.0.254"));

	/* setting the same next hop again changes nothing */
	struct sl_fib_stats same0, same1;
	sl_fib_stats_get(fib, &same0);
	assert_int_equal(sl_fib_apply(fib, &ch[2], 1, NULL), 0);
	sl_fib_stats_get(fib, &same1);
	assert_int_equal(same1.nh_used, same0.nh_used);
	/* replace, then delete: the old next hop is released */
	struct sl_fib_stats st0, st1;
	sl_fib_stats_get(fib, &st0);
	struct sl_fib_change rep[] = {
		route(1, "10.1.0.0/24", SL_NH_GATEWAY, "eth0", "10.1.0.254", 0)};
	assert_int_equal(sl_fib_apply(fib, rep, 1, NULL), 0);
	nh = lookup_nh(1, "10.1.0.77", NULL);
	assert_int_equal(nh->type, SL_FIB_NH_T_GATEWAY);
	sl_fib_stats_get(fib, &st1);
	assert_int_equal(st1.nh_used, st0.nh_used); /* connected eth0 gone, gw eth0 added */
	struct sl_fib_change del[] = {route_del(1, "10.1.0.0/24"), route_del(0, "0.0.0.0/0")};
	assert_int_equal(sl_fib_apply(fib, del, 2, NULL), 0);
	assert_null(lookup_nh(1, "10.1.0.77", NULL));
	assert_null(lookup_nh(0, "8.8.8.8", NULL));
	sl_fib_stats_get(fib, &st1);
	assert_int_equal(st1.nh_used, st0.nh_used - 2);
	/* deleting what is not there is reported, other changes still apply */
	struct sl_fib_change bad[] = {route_del(1, "10.9.0.0/16"),
		route(1, "10.9.0.0/16", SL_NH_BLACKHOLE, NULL, NULL, 0),
		route(7, "1.0.0.0/8", SL_NH_BLACKHOLE, NULL, NULL, 0)};
	assert_int_equal(sl_fib_apply(fib, bad, 3, &r), -ENOENT);
	assert_int_equal(r.failed, 2);
	assert_int_equal(r.applied, 1);
	assert_non_null(lookup_nh(1, "10.9.1.1", NULL));
}

static void test_redirect_loop(void **state)
{
	(void)state;
	struct sl_fib_change ch[] = {
		vrf_add(1),
		vrf_add(2),
		route(1, "0.0.0.0/0", SL_NH_VRF, NULL, NULL, 2),
		route(2, "0.0.0.0/0", SL_NH_VRF, NULL, NULL, 1),
		route(2, "10.2.0.0/16", SL_NH_CONNECTED, "eth2", NULL, 0),
	};
	assert_int_equal(sl_fib_apply(fib, ch, 5, NULL), 0);
	uint32_t idx;
	assert_int_equal(
		sl_fib_lookup(fib, 1, &(struct sl_addr){.af = SL_AF_IPV4, .v4 = ip("9.9.9.9")},
			&idx, NULL),
		-ELOOP);
	assert_int_equal(
		sl_fib_lookup(fib, 1, &(struct sl_addr){.af = SL_AF_IPV4, .v4 = ip("10.2.3.4")},
			&idx, NULL),
		0);
	/* a redirect to a VRF id out of range is refused */
	struct sl_fib_change bad = route(1, "10.3.0.0/16", SL_NH_VRF, NULL, NULL, SL_VRF_MAX);
	assert_int_equal(sl_fib_apply(fib, &bad, 1, NULL), -EINVAL);
}

static void test_vrf_delete_and_readd(void **state)
{
	(void)state;
	struct sl_fib_change ch[] = {
		vrf_add(3), route(3, "10.3.0.0/16", SL_NH_BLACKHOLE, NULL, NULL, 0)};
	assert_int_equal(sl_fib_apply(fib, ch, 2, NULL), 0);
	uintptr_t before = sl_fib_table(fib, SL_AF_IPV4, 3);
	assert_true(before != 0);
	/* re-adding an existing VRF keeps its table and routes */
	assert_int_equal(sl_fib_apply(fib, ch, 1, NULL), 0);
	assert_true(sl_fib_table(fib, SL_AF_IPV4, 3) == before);
	assert_non_null(lookup_nh(3, "10.3.1.1", NULL));
	struct sl_fib_change del[] = {
		route_del(3, "10.3.0.0/16"), {.op = SL_FIB_VRF_DEL, .vrf_id = 3}, vrf_add(3)};
	assert_int_equal(sl_fib_apply(fib, del, 3, NULL), 0);
	assert_true(sl_fib_table(fib, SL_AF_IPV4, 3) != 0);
	assert_null(lookup_nh(3, "10.3.1.1", NULL));
	/* a VRF deleted with routes left releases their next hops */
	struct sl_fib_stats st0, st1;
	sl_fib_stats_get(fib, &st0);
	struct sl_fib_change gw = route(3, "10.4.0.0/16", SL_NH_GATEWAY, "eth3", "10.3.0.1", 0);
	assert_int_equal(sl_fib_apply(fib, &gw, 1, NULL), 0);
	sl_fib_stats_get(fib, &st1);
	assert_int_equal(st1.nh_used, st0.nh_used + 1);
	struct sl_fib_change gone = {.op = SL_FIB_VRF_DEL, .vrf_id = 3};
	assert_int_equal(sl_fib_apply(fib, &gone, 1, NULL), 0);
	assert_true(sl_fib_table(fib, SL_AF_IPV4, 3) == 0);
	sl_fib_stats_get(fib, &st1);
	assert_int_equal(st1.nh_used, st0.nh_used);
	assert_int_equal(sl_fib_apply(fib, &ch[1], 1, NULL), -ENOENT);
}

/* IPv6 has no tables yet: its changes and lookups are refused by family,
 * and refusing them leaves the IPv4 table as it was. */
static void test_family(void **state)
{
	(void)state;
	struct sl_fib_change ch[] = {
		vrf_add(4), route(4, "10.4.0.0/16", SL_NH_CONNECTED, "eth4", NULL, 0)};
	assert_int_equal(sl_fib_apply(fib, ch, 2, NULL), 0);
	struct sl_fib_stats before, after;
	sl_fib_stats_get(fib, &before);
	struct sl_fib_change v6 = route(4, "10.5.0.0/16", SL_NH_CONNECTED, "eth4", NULL, 0);
	v6.af = SL_AF_IPV6;
	struct sl_fib_apply_result res;
	/* the reservation refuses the family first, so a commit is refused whole */
	assert_int_equal(sl_fib_reserve(fib, &v6, 1, NULL), -EAFNOSUPPORT);
	assert_int_equal(sl_fib_apply(fib, &v6, 1, &res), -EAFNOSUPPORT);
	assert_int_equal(res.failed, 1);
	assert_int_equal(res.routes_set, 0);
	v6.af = SL_AF_COUNT; /* not a family at all */
	assert_int_equal(sl_fib_apply(fib, &v6, 1, NULL), -EINVAL);
	sl_fib_stats_get(fib, &after);
	assert_int_equal(after.nh_used, before.nh_used);
	assert_null(lookup_nh(4, "10.5.1.1", NULL));
	assert_non_null(lookup_nh(4, "10.4.1.1", NULL));
	assert_true(sl_fib_table(fib, SL_AF_IPV4, 4) != 0);
	assert_true(sl_fib_table(fib, SL_AF_IPV6, 4) == 0);
	struct sl_addr a6 = {.af = SL_AF_IPV6, .v6 = {0x20, 0x01, 0x0d, 0xb8}};
	uint32_t idx;
	assert_int_equal(sl_fib_lookup(fib, 4, &a6, &idx, NULL), -EAFNOSUPPORT);
	a6.af = SL_AF_COUNT;
	assert_int_equal(sl_fib_lookup(fib, 4, &a6, &idx, NULL), -EINVAL);
}

static void test_neighbours(void **state)
{
	(void)state;
	struct sl_fib_change ch[] = {
		vrf_add(0), route(0, "10.200.0.0/16", SL_NH_GATEWAY, "eth1", "10.100.0.7", 0)};
	assert_int_equal(sl_fib_apply(fib, ch, 2, NULL), 0);
	int eth1 = sl_fib_iface_index(fib, "eth1");
	const struct sl_fib_nh *nh = lookup_nh(0, "10.200.1.1", NULL);
	assert_int_equal(sl_fib_nh_l2(nh) & SL_FIB_L2_VALID, 0);
	struct rte_ether_addr mac = {{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}}, got;
	assert_int_equal(sl_fib_neigh_set(fib, (uint16_t)eth1, ip("10.100.0.7"), &mac), 0);
	/* the gateway's cached MAC follows the neighbour table */
	uint64_t l2 = sl_fib_nh_l2(nh);
	assert_true(l2 & SL_FIB_L2_VALID);
	sl_fib_l2_to_mac(l2, &got);
	assert_memory_equal(&got, &mac, sizeof(mac));
	assert_int_equal(sl_fib_neigh_lookup(fib, (uint16_t)eth1, ip("10.100.0.7")), l2);
	assert_int_equal(sl_fib_neigh_lookup(fib, (uint16_t)eth1, ip("10.100.0.8")), 0);
	/* a gateway route created after resolution starts resolved */
	struct sl_fib_change more =
		route(0, "10.201.0.0/16", SL_NH_GATEWAY, "eth1", "10.100.0.7", 0);
	assert_int_equal(sl_fib_apply(fib, &more, 1, NULL), 0);
	assert_true(sl_fib_nh_l2(lookup_nh(0, "10.201.0.1", NULL)) & SL_FIB_L2_VALID);
	assert_int_equal(sl_fib_neigh_set(fib, (uint16_t)eth1, ip("10.100.0.7"), NULL), 0);
	assert_int_equal(sl_fib_nh_l2(nh), 0);
	assert_int_equal(sl_fib_neigh_lookup(fib, (uint16_t)eth1, ip("10.100.0.7")), 0);
}

static void test_iface_map(void **state)
{
	(void)state;
	struct sl_fib_iface_conf c[2] = {
		{.name = "eth0", .port = 0, .vlan = 0, .vrf_id = 1, .up = true},
		{.name = "eth0.100", .port = 0, .vlan = 100, .vrf_id = 2, .up = true},
	};
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	const struct sl_fib_ifmap *m = sl_fib_ifmap(fib);
	int eth0 = sl_fib_iface_index(fib, "eth0"), vif = sl_fib_iface_index(fib, "eth0.100");
	assert_int_equal(m->vif[0][0], eth0 + 1);
	assert_int_equal(m->vif[0][100], vif + 1);
	assert_int_equal(m->ifs[vif].vrf_id, 2);
	assert_int_equal(m->vrf[0][0], 1);
	assert_int_equal(m->vrf[0][100], 2);
	/* an interface moved to another VRF: its (port, VLAN) says so at once */
	c[1].vrf_id = 3;
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	m = sl_fib_ifmap(fib);
	assert_int_equal(m->vrf[0][100], 3);
	assert_int_equal(m->ifs[vif].vrf_id, 3);
	/* an unchanged set publishes nothing */
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	assert_ptr_equal(sl_fib_ifmap(fib), m);
	/* disabling and removing: no longer an ingress, the name keeps its index */
	c[1].up = false;
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	assert_int_equal(sl_fib_ifmap(fib)->vif[0][100], 0);
	assert_int_equal(sl_fib_iface_sync(fib, c, 1), 0);
	assert_int_equal(sl_fib_iface_index(fib, "eth0.100"), vif);
	assert_int_equal(sl_fib_ifmap(fib)->ifs[vif].present, 0);
	c[0].vlan = 4096;
	assert_int_equal(sl_fib_iface_sync(fib, c, 1), -EINVAL);
}

/* SL_FIB_IFACE_MAX interfaces, one vif per VRF on trunk ports as a tenant
 * configuration has them: every one is an ingress of its own VRF and keeps
 * its index; one name more does not fit. */
static void test_iface_map_full(void **state)
{
	(void)state;
	struct sl_fib_iface_conf *c = calloc(SL_FIB_IFACE_MAX + 1, sizeof(*c));
	assert_non_null(c);
	for (uint32_t i = 0; i <= SL_FIB_IFACE_MAX; i++) {
		c[i].port = (uint16_t)(i / 4095);
		c[i].vlan = (uint16_t)(i % 4095);
		snprintf(c[i].name, sizeof(c[i].name), "eth%u.%u", c[i].port, c[i].vlan);
		c[i].vrf_id = i % SL_VRF_MAX;
		c[i].up = true;
	}
	assert_int_equal(sl_fib_iface_sync(fib, c, SL_FIB_IFACE_MAX), 0);
	const struct sl_fib_ifmap *m = sl_fib_ifmap(fib);
	for (uint32_t i = 0; i < SL_FIB_IFACE_MAX; i++) {
		int oif = sl_fib_iface_index(fib, c[i].name);
		assert_true(oif >= 0);
		assert_string_equal(m->ifs[oif].name, c[i].name);
		assert_int_equal(m->vif[c[i].port][c[i].vlan], oif + 1);
		assert_int_equal(m->ifs[oif].vrf_id, c[i].vrf_id);
		assert_int_equal(m->vrf[c[i].port][c[i].vlan], c[i].vrf_id);
	}
	assert_int_equal(sl_fib_iface_index(fib, c[SL_FIB_IFACE_MAX].name), -ENOENT);
	assert_int_equal(sl_fib_iface_sync(fib, c, SL_FIB_IFACE_MAX + 1), -ENOSPC);
	assert_ptr_equal(sl_fib_ifmap(fib), m);
	free(c);
}

/* The live egress record of the next hop `addr` resolves to in VRF 0. */
static const struct sl_fib_egress *egress_for(const char *addr)
{
	uint32_t idx;
	assert_int_equal(sl_fib_lookup(fib, 0, &(struct sl_addr){.af = SL_AF_IPV4, .v4 = ip(addr)},
				 &idx, NULL),
		0);
	return sl_fib_egress_of(sl_fib_egress_table(fib), idx);
}

static void egress_header(const struct sl_fib_egress *e, uint8_t h[18])
{
	memcpy(h, &e->w0, 8);
	memcpy(h + 8, &e->w1, 8);
	memcpy(h + 14, &e->w2, 4);
}

static void test_egress_records(void **state)
{
	(void)state;
	struct sl_fib_iface_conf c[2] = {
		{.name = "eth1",
			.port = 1,
			.vrf_id = 0,
			.up = true,
			.mac = {{0x02, 0, 0, 0, 0, 0x01}}},
		{.name = "eth1.20",
			.port = 1,
			.vlan = 20,
			.vrf_id = 0,
			.up = true,
			.mac = {{0x02, 0, 0, 0, 0, 0x01}}},
	};
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	struct sl_fib_change ch[] = {vrf_add(0),
		route(0, "10.200.0.0/16", SL_NH_GATEWAY, "eth1", "10.100.0.7", 0),
		route(0, "10.210.0.0/16", SL_NH_GATEWAY, "eth1.20", "10.120.0.9", 0),
		route(0, "10.220.0.0/16", SL_NH_CONNECTED, "eth1", NULL, 0)};
	assert_int_equal(sl_fib_apply(fib, ch, 4, NULL), 0);
	/* not ready until the gateway resolves; connected routes never are */
	assert_int_equal(egress_for("10.200.1.1")->l2_len, 0);
	assert_int_equal(egress_for("10.220.1.1")->l2_len, 0);
	int eth1 = sl_fib_iface_index(fib, "eth1"), vif = sl_fib_iface_index(fib, "eth1.20");
	struct rte_ether_addr gw = {{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}};
	assert_int_equal(sl_fib_neigh_set(fib, (uint16_t)eth1, ip("10.100.0.7"), &gw), 0);
	assert_int_equal(sl_fib_neigh_pending(fib, (uint16_t)vif, ip("10.120.0.9")), 0);
	assert_int_equal(egress_for("10.210.1.1")->l2_len, 0); /* pending is not ready */
	assert_int_equal(sl_fib_neigh_set(fib, (uint16_t)vif, ip("10.120.0.9"), &gw), 0);

	const struct sl_fib_egress *e = egress_for("10.200.1.1");
	uint8_t h[18];
	const uint8_t plain[14] = {
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
	assert_int_equal(e->l2_len, 14);
	assert_int_equal(e->port, 1);
	assert_int_equal(e->vrf_id, 0);
	egress_header(e, h);
	assert_memory_equal(h, plain, 14);
	e = egress_for("10.210.1.1");
	const uint8_t tagged[18] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0, 0, 0, 0, 0x01,
		0x81, 0x00, 0x00, 20, 0x08, 0x00};
	assert_int_equal(e->l2_len, 18);
	egress_header(e, h);
	assert_memory_equal(h, tagged, 18);

	/* the interface goes down and up: twice flipped, same record again */
	c[0].up = false;
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	assert_int_equal(egress_for("10.200.1.1")->l2_len, 0);
	assert_int_equal(egress_for("10.210.1.1")->l2_len, 18);
	c[0].up = true;
	c[0].mac.addr_bytes[5] = 0x09; /* and takes another MAC */
	assert_int_equal(sl_fib_iface_sync(fib, c, 2), 0);
	egress_header(egress_for("10.200.1.1"), h);
	assert_int_equal(h[11], 0x09);
	assert_int_equal(egress_for("10.200.1.1")->l2_len, 14);

	/* hundreds of next hops grow the arrays: records are carried over */
	for (int i = 0; i < 300; i++) {
		char p[32], g[32];
		snprintf(p, sizeof(p), "10.%d.%d.0/24", 50 + i / 256, i % 256);
		snprintf(g, sizeof(g), "10.100.%d.%d", 1 + i / 200, 1 + i % 200);
		struct sl_fib_change r = route(0, p, SL_NH_GATEWAY, "eth1", g, 0);
		assert_int_equal(sl_fib_apply(fib, &r, 1, NULL), 0);
	}
	e = egress_for("10.200.1.1");
	assert_int_equal(e->l2_len, 14);
	egress_header(e, h);
	assert_memory_equal(h, gw.addr_bytes, 6);

	/* a forgotten neighbour: not ready */
	assert_int_equal(sl_fib_neigh_set(fib, (uint16_t)eth1, ip("10.100.0.7"), NULL), 0);
	assert_int_equal(egress_for("10.200.1.1")->l2_len, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("fib", "0") < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding),
		cmocka_unit_test_setup_teardown(test_routes_and_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vrf_delete_and_readd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iface_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iface_map_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_egress_records, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
