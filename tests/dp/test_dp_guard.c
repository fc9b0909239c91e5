/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_guard.c — RFC 1812 martians, directed broadcasts and source
 * validation (strict, loose, disable) in the pipeline on crafted mbufs.
 *
 * VRF 0: eth0 (port 0) 10.1.0.1/24, validation off; eth1 (port 1)
 * 192.0.2.1/24; a default route over 192.0.2.2; 172.31.0.0/16 over
 * 10.2.0.2 on eth2 (a next hop in VRF 1).
 * VRF 1: eth2 (port 2, untagged) 10.2.0.1/24 strict; eth2.100 (port 2,
 * VLAN 100) 10.3.0.1/24 loose; eth3 (port 3) 10.4.0.1/24 strict;
 * 172.16.0.0/16 over 10.4.0.2, 172.17.0.0/16 over ECMP (eth3, eth2),
 * 198.51.100.0/24 and 172.31.0.0/16 leaked from VRF 0, 203.0.113.0/24
 * blackholed, no default. eth2.200 (port 2, VLAN 200) 10.5.0.1/24 is in
 * VRF 0, loose: port 2's bursts may mix VRFs.
 * Every test runs twice: on small VRF tables, then on the rte_lpm layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_fixture.h"
#include "dp_test_rand.h"

static struct dpf F;

static const char topology[] = "iface eth0 port 0 addr 10.1.0.1/24\n"
			       "iface eth1 port 1 addr 192.0.2.1/24\n"
			       "iface eth2 port 2 vrf 1 addr 10.2.0.1/24 sv strict\n"
			       "iface eth2.100 port 2 vlan 100 vrf 1 addr 10.3.0.1/24 sv loose\n"
			       "iface eth3 port 3 vrf 1 addr 10.4.0.1/24 sv strict\n"
			       "iface eth2.200 port 2 vlan 200 addr 10.5.0.1/24 sv loose\n"
			       "route 0 10.1.0.0/24 connected eth0\n"
			       "route 0 10.1.0.1/32 local eth0\n"
			       "route 0 192.0.2.0/24 connected eth1\n"
			       "route 0 0.0.0.0/0 via 192.0.2.2 eth1\n"
			       "route 0 172.31.0.0/16 via 10.2.0.2 eth2\n"
			       "route 1 10.2.0.0/24 connected eth2\n"
			       "route 1 10.2.0.1/32 local eth2\n"
			       "route 1 10.3.0.0/24 connected eth2.100\n"
			       "route 1 10.4.0.0/24 connected eth3\n"
			       "route 1 172.16.0.0/16 via 10.4.0.2 eth3\n"
			       "route 1 172.17.0.0/16 via 10.4.0.2 eth3 via 10.2.0.2 eth2\n"
			       "route 1 198.51.100.0/24 vrf 0\n"
			       "route 1 172.31.0.0/16 vrf 0\n"
			       "route 1 203.0.113.0/24 blackhole\n"
			       "neigh eth1 192.0.2.2 02:aa:00:00:00:0a\n"
			       "neigh eth2 10.2.0.2 02:aa:00:00:00:0b\n"
			       "neigh eth3 10.4.0.2 02:aa:00:00:00:0c\n";

static int setup(void **state)
{
	(void)state;
	return dpf_setup(&F, "dp_guard", 0, NULL, topology);
}

/* The same, every VRF table with a group in the rte_lpm layout (the
 * lookups in bulk of four), not the small one. */
static int setup_lpm(void **state)
{
	(void)state;
	return dpf_setup(&F, "dp_guard_lpm", 0,
		&(struct sl_fib_config){.small_groups_max = 1, .socket_id = SOCKET_ID_ANY},
		topology);
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

enum { TX, DROP, PUNT };

/* One packet from (port, vlan): checks it went `kind` (TX: out of port
 * `arg`; DROP: counted as drop reason `arg`; PUNT: punt reason `arg`). */
static void expect(
	uint16_t port, uint16_t vlan, uint32_t src, uint32_t dst, int kind, unsigned arg, int line)
{
	dpf_reset(&F);
	struct rte_mbuf *m = dpf_craft(&F, &(struct dpf_pkt){.vlan = vlan, .src = src, .dst = dst});
	dpf_run(&F, port, &m, 1);
	unsigned tx = 0;
	for (unsigned p = 0; p < SL_FIB_PORT_MAX; p++)
		tx += F.out.n_tx[p];
	switch (kind) {
	case TX:
		if (F.out.n_tx[arg] != 1)
			fail_msg("line %d: not sent out of port %u", line, arg);
		break;
	case DROP:
		if (F.out.n_drop != 1 || F.cnt.dropped[arg] != 1)
			fail_msg("line %d: not dropped as %s (%u tx, %u punts)", line,
				sl_dp_drop_names[arg], tx, (unsigned)F.out.n_punt);
		break;
	case PUNT:
		if (F.out.n_punt != 1 || F.cnt.punted[arg] != 1)
			fail_msg("line %d: not punted as %s", line, sl_dp_punt_names[arg]);
		break;
	}
	dpf_free_out(&F);
}
#define EXPECT(port, vlan, src, dst, kind, arg) expect(port, vlan, src, dst, kind, arg, __LINE__)

static const uint32_t martians[] = {
	0x00000000u, /* 0.0.0.0 */
	0x00010203u, /* 0.1.2.3 */
	0x7f000001u, /* 127.0.0.1 */
	0x7fffffffu, /* 127.255.255.255 */
	0xe0000005u, /* 224.0.0.5 */
	0xefffffffu, /* 239.255.255.255 */
	0xf0000001u, /* 240.0.0.1 */
	0xfffffffeu, /* 255.255.255.254 */
	0xffffffffu, /* the limited broadcast */
};
static const uint32_t unicast_edges[] = {
	0x01000001u, /* 1.0.0.1 */
	0x7effffffu, /* 126.255.255.255 */
	0x80000001u, /* 128.0.0.1 */
	0xdffffffeu, /* 223.255.255.254 */
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every martian class as source and as destination, from an interface
 * without validation: dropped as martian; the unicast edges around them
 * are forwarded (the default route). */
static void test_martians(void **state)
{
	(void)state;
	uint32_t host = sl_test_ip4(10, 1, 0, 10), far = sl_test_ip4(198, 51, 100, 7);
	for (unsigned i = 0; i < N(martians); i++) {
		EXPECT(0, 0, martians[i], far, DROP, SL_DP_DROP_MARTIAN);
		EXPECT(0, 0, host, martians[i], DROP, SL_DP_DROP_MARTIAN);
		/* a martian from a validating interface is a martian first */
		EXPECT(2, 0, martians[i], sl_test_ip4(172, 16, 0, 7), DROP, SL_DP_DROP_MARTIAN);
	}
	for (unsigned i = 0; i < N(unicast_edges); i++) {
		EXPECT(0, 0, unicast_edges[i], far, TX, 1);
		EXPECT(0, 0, host, unicast_edges[i], TX, 1);
	}
}

/* A burst mixing martians and good packets: only the martians go. */
static void test_martians_in_a_burst(void **state)
{
	(void)state;
	dpf_reset(&F);
	struct rte_mbuf *pkts[32];
	unsigned bad = 0;
	for (unsigned i = 0; i < 32; i++) {
		bool m = i % 3 == 1;
		bad += m;
		pkts[i] = dpf_craft(&F, &(struct dpf_pkt){.src = m ? martians[i % N(martians)]
								   : sl_test_ip4(10, 1, 0, 10),
						.dst = sl_test_ip4(198, 51, 100, (uint8_t)i)});
	}
	dpf_run(&F, 0, pkts, 32);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_MARTIAN], bad);
	assert_int_equal(F.out.n_tx[1], 32 - bad);
	/* the survivors keep their order */
	for (unsigned i = 0, j = 0; i < 32; i++)
		if (i % 3 != 1) {
			const struct rte_ipv4_hdr *ip = dpf_ip(F.out.tx[1][j++], 14);
			assert_int_equal(rte_be_to_cpu_32(ip->dst_addr) & 0xff, i);
		}
	dpf_free_out(&F);
}

/* ARP and packets to the router keep working; a directed broadcast to a
 * connected subnet is not forwarded, its neighbours still are resolved. */
static void test_router_and_bcast(void **state)
{
	(void)state;
	dpf_reset(&F);
	struct rte_mbuf *m =
		dpf_craft(&F, &(struct dpf_pkt){.ether_type = RTE_ETHER_TYPE_ARP, .payload = 28});
	dpf_run(&F, 2, &m, 1);
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_ARP], 1);
	dpf_free_out(&F);
	EXPECT(2, 0, sl_test_ip4(10, 2, 0, 50), sl_test_ip4(10, 2, 0, 1), PUNT, SL_DP_PUNT_LOCAL);
	EXPECT(0, 0, sl_test_ip4(10, 1, 0, 10), sl_test_ip4(10, 1, 0, 1), PUNT, SL_DP_PUNT_LOCAL);
	EXPECT(0, 0, sl_test_ip4(10, 1, 0, 10), sl_test_ip4(192, 0, 2, 255), DROP,
		SL_DP_DROP_DIRECTED_BCAST);
	EXPECT(0, 0, sl_test_ip4(10, 1, 0, 10), sl_test_ip4(192, 0, 2, 254), PUNT,
		SL_DP_PUNT_UNRESOLVED);
	/* through a leak too: VRF 1's 10.3.0.0/24 is eth2.100's subnet */
	EXPECT(3, 0, sl_test_ip4(10, 4, 0, 2), sl_test_ip4(10, 3, 0, 255), DROP,
		SL_DP_DROP_DIRECTED_BCAST);
}

/* strict on eth2 and eth3, loose on eth2.100 (a VLAN of the same port),
 * disable on eth0. */
static void test_source_validation(void **state)
{
	(void)state;
	uint32_t dst = sl_test_ip4(172, 16, 0, 7); /* VRF 1, out of eth3 */
	/* strict: the source's route must leave by the ingress interface */
	EXPECT(2, 0, sl_test_ip4(10, 2, 0, 9), dst, TX, 3);
	EXPECT(2, 0, sl_test_ip4(10, 3, 0, 9), dst, DROP, SL_DP_DROP_SRC_INVALID); /* the vif's */
	EXPECT(2, 0, sl_test_ip4(10, 4, 0, 9), dst, DROP, SL_DP_DROP_SRC_INVALID);
	EXPECT(2, 0, sl_test_ip4(192, 168, 7, 1), dst, DROP, SL_DP_DROP_SRC_INVALID); /* miss */
	EXPECT(2, 0, sl_test_ip4(203, 0, 113, 5), dst, DROP, SL_DP_DROP_SRC_INVALID); /* bh */
	EXPECT(2, 0, sl_test_ip4(10, 2, 0, 1), dst, DROP, SL_DP_DROP_SRC_INVALID); /* local */
	EXPECT(3, 0, sl_test_ip4(172, 16, 5, 5), sl_test_ip4(10, 2, 0, 2), TX, 2);
	/* ECMP: any path will do */
	EXPECT(2, 0, sl_test_ip4(172, 17, 0, 1), dst, TX, 3);
	EXPECT(3, 0, sl_test_ip4(172, 17, 0, 1), sl_test_ip4(10, 2, 0, 2), TX, 2);
	/* loose on the vif: any route that is not a blackhole */
	EXPECT(2, 100, sl_test_ip4(10, 3, 0, 9), dst, TX, 3);
	EXPECT(2, 100, sl_test_ip4(10, 4, 0, 9), dst, TX, 3);
	EXPECT(2, 100, sl_test_ip4(192, 168, 7, 1), dst, DROP, SL_DP_DROP_SRC_INVALID);
	EXPECT(2, 100, sl_test_ip4(203, 0, 113, 5), dst, DROP, SL_DP_DROP_SRC_INVALID);
	/* disable: anything that is not a martian */
	EXPECT(0, 0, sl_test_ip4(203, 0, 113, 5), sl_test_ip4(198, 51, 100, 7), TX, 1);
	EXPECT(0, 0, sl_test_ip4(10, 3, 0, 9), sl_test_ip4(198, 51, 100, 7), TX, 1);
}

/* The source's route through a leak: followed into the exporting VRF. */
static void test_source_through_leak(void **state)
{
	(void)state;
	uint32_t dst = sl_test_ip4(172, 16, 0, 7);
	/* loose: 198.51.100.0/24 leaks into VRF 0, whose default route has it */
	EXPECT(2, 100, sl_test_ip4(198, 51, 100, 9), dst, TX, 3);
	/* strict: VRF 0 sends it out of eth1, not eth2 */
	EXPECT(2, 0, sl_test_ip4(198, 51, 100, 9), dst, DROP, SL_DP_DROP_SRC_INVALID);
	/* strict: 172.31.0.0/16 leaks into VRF 0, which routes it back by eth2 */
	EXPECT(2, 0, sl_test_ip4(172, 31, 0, 9), dst, TX, 3);
	EXPECT(3, 0, sl_test_ip4(172, 31, 0, 9), sl_test_ip4(10, 2, 0, 2), DROP,
		SL_DP_DROP_SRC_INVALID);
}

/* One burst from port 2, packet i from src[i] on the untagged interface
 * (i even) or VLAN 100 (i odd): bad of them dropped as src_invalid, the rest
 * out of eth3. */
static void port2_burst(const uint32_t *src, unsigned bad)
{
	dpf_reset(&F);
	struct rte_mbuf *pkts[32];
	for (unsigned i = 0; i < 32; i++)
		pkts[i] = dpf_craft(&F, &(struct dpf_pkt){.vlan = i % 2 == 1 ? 100 : 0,
						.src = src[i],
						.dst = sl_test_ip4(172, 16, 0, (uint8_t)i)});
	dpf_run(&F, 2, pkts, 32);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_SRC_INVALID], bad);
	assert_int_equal(F.out.n_tx[3], 32 - bad);
	dpf_free_out(&F);
}

/* One burst from port 2 mixing the untagged (strict) and VLAN 100 (loose)
 * interfaces, good and bad sources: counted one by one, order kept. */
static void test_mixed_burst(void **state)
{
	(void)state;
	uint32_t src[32];
	unsigned bad = 0;
	for (unsigned i = 0; i < 32; i++) {
		/* 10.3.0.9 passes loose, fails strict; 192.168.7.1 fails both */
		src[i] = i % 4 == 3   ? sl_test_ip4(192, 168, 7, 1)
			 : i % 4 == 0 ? sl_test_ip4(10, 2, 0, 9)
				      : sl_test_ip4(10, 3, 0, 9);
		bad += i % 4 == 3 || i % 4 == 2;
	}
	port2_burst(src, bad);
}

/* The same, VLAN 100's validation turned off: the first packet's interface
 * (eth2, strict) validates, the others' sources are checked each by its own
 * interface's mode. */
static void test_burst_half_disabled(void **state)
{
	(void)state;
	assert_int_equal(
		dpf_apply(&F, "iface eth2.100 port 2 vlan 100 vrf 1 addr 10.3.0.1/24 sv disable\n"),
		0);
	uint32_t src[32];
	for (unsigned i = 0; i < 32; i++) /* 10.4.0.9 routes out of eth3 */
		src[i] = i % 4 < 2 ? sl_test_ip4(10, 2, 0, 9) : sl_test_ip4(10, 4, 0, 9);
	port2_burst(src, 8); /* i % 4 == 2: spoofed on eth2 */
	assert_int_equal(
		dpf_apply(&F, "iface eth2.100 port 2 vlan 100 vrf 1 addr 10.3.0.1/24 sv loose\n"),
		0);
}

/* eth2's source validation set to mode (strict, loose or disable). */
static void eth2_sv(const char *mode)
{
	char line[80];
	snprintf(line, sizeof(line), "iface eth2 port 2 vrf 1 addr 10.2.0.1/24 sv %s\n", mode);
	assert_int_equal(dpf_apply(&F, line), 0);
}

/* A burst of untagged frames only (the parse's lane: one interface, whose
 * in_oif and in_vrf the parse does not store), spoofed sources among them,
 * the first one too: dropped, the rest forwarded and counted in VRF 1.
 * Then eth2 loose beside eth2.100 strict: the lane is checked by eth2's
 * own mode, not the port's strictest. */
static void test_lane_burst(void **state)
{
	(void)state;
	struct rte_mbuf *pkts[32];
	uint32_t src[32];
	unsigned bad = 0;
	for (unsigned i = 0; i < 32; i++) {
		/* 10.4.0.9 leaves by eth3: fails strict on eth2, passes loose */
		src[i] = i % 5 == 0   ? sl_test_ip4(10, 4, 0, 9)
			 : i % 7 == 3 ? sl_test_ip4(192, 168, 7, 1)
				      : sl_test_ip4(10, 2, 0, 9);
		bad += i % 5 == 0 || i % 7 == 3;
	}
	for (int loose = 0; loose < 2; loose++) {
		dpf_reset(&F);
		uint64_t fwd0 = F.cnt.vrf[1].forwarded;
		for (unsigned i = 0; i < 32; i++)
			pkts[i] =
				dpf_craft(&F, &(struct dpf_pkt){.src = src[i],
						      .dst = sl_test_ip4(172, 16, 0, (uint8_t)i)});
		dpf_run(&F, 2, pkts, 32);
		unsigned want_bad = loose ? 4 : bad; /* loose: 192.168.7.1 alone */
		assert_int_equal(F.cnt.dropped[SL_DP_DROP_SRC_INVALID], want_bad);
		assert_int_equal(F.out.n_tx[3], 32 - want_bad);
		assert_int_equal(F.cnt.vrf[1].forwarded - fwd0, 32 - want_bad);
		dpf_free_out(&F);
		eth2_sv(loose ? "strict" : "loose");
		assert_int_equal(dpf_apply(&F, loose ? "iface eth2.100 port 2 vlan 100 vrf 1 addr "
						       "10.3.0.1/24 sv loose\n"
						     : "iface eth2.100 port 2 vlan 100 vrf 1 addr "
						       "10.3.0.1/24 sv strict\n"),
			0);
	}
}

/* A lane burst of sources under /25-/32 routes (in the rte_lpm layout
 * tbl8 entries, which sources_unsure follows itself): a plain next hop on
 * eth2 or on eth3, a redirect, an ECMP group, an empty slot of the group, a
 * local address, each passed or dropped as strict and then loose want. */
static void test_lane_long_prefixes(void **state)
{
	(void)state;
	static const struct {
		uint32_t src;
		bool strict_ok, loose_ok;
	} kinds[] = {
		{0x0a060009u, true, true}, /* 10.6.0.9: /25 connected eth2 */
		{0x0a060082u, false, true}, /* 10.6.0.130: /26 via eth3 */
		{0x0a0600c8u, false, true}, /* 10.6.0.200: /27 leaked, out of eth1 in VRF 0 */
		{0x0a0600e6u, true, true}, /* 10.6.0.230: /28 ECMP eth3, eth2 */
		{0x0a0600fau, false, false}, /* 10.6.0.250: no route in the group */
		{0x0a020001u, false, false}, /* 10.2.0.1: the router's /32 */
		{0x0a020009u, true, true}, /* 10.2.0.9: beside it, connected eth2 */
	};
	static const char routes[] = "route 1 10.6.0.0/25 connected eth2\n"
				     "route 1 10.6.0.128/26 via 10.4.0.2 eth3\n"
				     "route 1 10.6.0.192/27 vrf 0\n"
				     "route 1 10.6.0.224/28 via 10.4.0.2 eth3 via 10.2.0.2 eth2\n";
	assert_int_equal(dpf_apply(&F, routes), 0);
	for (int loose = 0; loose < 2; loose++) {
		struct rte_mbuf *pkts[32];
		unsigned bad = 0;
		dpf_reset(&F);
		for (unsigned i = 0; i < 32; i++) {
			unsigned k = i % N(kinds);
			bad += !(loose ? kinds[k].loose_ok : kinds[k].strict_ok);
			pkts[i] = dpf_craft(&F, &(struct dpf_pkt){.src = kinds[k].src,
							.dst = sl_test_ip4(172, 16, 0, 7)});
		}
		dpf_run(&F, 2, pkts, 32);
		assert_int_equal(F.cnt.dropped[SL_DP_DROP_SRC_INVALID], bad);
		assert_int_equal(F.out.n_tx[3], 32 - bad);
		for (unsigned j = 0; j < F.out.n_drop; j++) { /* the right ones */
			uint32_t src = rte_be_to_cpu_32(dpf_ip(F.out.drop[j], 14)->src_addr);
			unsigned k = 0;
			while (k < N(kinds) && kinds[k].src != src)
				k++;
			assert_true(k < N(kinds));
			assert_false(loose ? kinds[k].loose_ok : kinds[k].strict_ok);
		}
		dpf_free_out(&F);
		eth2_sv(loose ? "strict" : "loose");
	}
	assert_int_equal(dpf_apply(&F, "del 1 10.6.0.0/25\ndel 1 10.6.0.128/26\n"
				       "del 1 10.6.0.192/27\ndel 1 10.6.0.224/28\n"),
		0);
}

/* Turning validation off on eth2 lets the spoofed source through. */
static void test_toggle(void **state)
{
	(void)state;
	uint32_t src = sl_test_ip4(10, 4, 0, 9), dst = sl_test_ip4(172, 16, 0, 7);
	EXPECT(2, 0, src, dst, DROP, SL_DP_DROP_SRC_INVALID);
	assert_int_equal(dpf_apply(&F, "iface eth2 port 2 vrf 1 addr 10.2.0.1/24 sv disable\n"), 0);
	EXPECT(2, 0, src, dst, TX, 3);
	assert_int_equal(dpf_apply(&F, "iface eth2 port 2 vrf 1 addr 10.2.0.1/24 sv loose\n"), 0);
	EXPECT(2, 0, src, dst, TX, 3);
	EXPECT(2, 0, sl_test_ip4(192, 168, 7, 1), dst, DROP, SL_DP_DROP_SRC_INVALID);
	assert_int_equal(dpf_apply(&F, "iface eth2 port 2 vrf 1 addr 10.2.0.1/24 sv strict\n"), 0);
	EXPECT(2, 0, src, dst, DROP, SL_DP_DROP_SRC_INVALID);
}

/* What became of one packet: out of a port, dropped for a reason or punted
 * for one. */
struct fate {
	int kind;
	unsigned arg;
};

/* The drop counters of the packets run alone, summed (a punt may count a
 * drop too: no_route, ttl_expired). */
static uint64_t alone_dropped[SL_DP_DROP__COUNT];

static struct fate fate_alone(uint16_t port, uint16_t vlan, uint32_t src, uint32_t dst)
{
	dpf_reset(&F);
	struct rte_mbuf *m = dpf_craft(&F, &(struct dpf_pkt){.vlan = vlan, .src = src, .dst = dst});
	dpf_run(&F, port, &m, 1);
	struct fate f = {-1, 0};
	for (unsigned p = 0; p < SL_FIB_PORT_MAX; p++)
		if (F.out.n_tx[p] == 1)
			f = (struct fate){TX, p};
	for (unsigned r = 0; r < SL_DP_DROP__COUNT; r++)
		if (F.out.n_drop == 1 && F.cnt.dropped[r] == 1)
			f = (struct fate){DROP, r};
	if (F.out.n_punt == 1)
		f = (struct fate){PUNT, sl_dp_meta(F.out.punt[0])->reason};
	for (unsigned r = 0; r < SL_DP_DROP__COUNT; r++)
		alone_dropped[r] += F.cnt.dropped[r];
	dpf_free_out(&F);
	assert_int_not_equal(f.kind, -1);
	return f;
}

/* The packet number i of a burst, in its IPv4 identification. */
static unsigned burst_id(struct rte_mbuf *m)
{
	uint16_t l2 = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->ether_type ==
				      RTE_BE16(RTE_ETHER_TYPE_VLAN)
			      ? 18
			      : 14;
	return rte_be_to_cpu_16(dpf_ip(m, l2)->packet_id);
}

/* Bursts of random packets from one port (32; every fourth round fewer, for
 * the lookups' last few after the groups of four), sources good and bad,
 * native, leaked, ECMP, blackholed and unrouted destinations: each packet goes
 * where it goes alone, every drop and punt counted by reason (each packet
 * is in the output once: dpf_run checks the total). vlans: the VLANs to draw from (one interface or
 * several of one VRF). */
static void bursts_as_singles(uint16_t port, const uint16_t *vlans, unsigned n_vlans)
{
	static const uint32_t srcs[] = {
		0x0a020009u, /* 10.2.0.9: eth2's subnet */
		0x0a030009u, /* 10.3.0.9: eth2.100's */
		0x0a040009u, /* 10.4.0.9: eth3's */
		0xc0a80701u, /* 192.168.7.1: no route */
		0xcb007105u, /* 203.0.113.5: blackhole */
		0x0a020001u, /* 10.2.0.1: the router's */
		0xac100505u, /* 172.16.5.5: via eth3 */
		0xac110001u, /* 172.17.0.1: ECMP eth3, eth2 */
		0xc6336409u, /* 198.51.100.9: leaked, out of eth1 in VRF 0 */
		0xac1f0009u, /* 172.31.0.9: leaked, back by eth2 */
	};
	static const uint32_t dsts[] = {
		0xac100007u, /* 172.16.0.7: via eth3 */
		0x0a020002u, /* 10.2.0.2: on eth2 */
		0xc6336407u, /* 198.51.100.7: leaked to VRF 0, out of eth1 */
		0xac1f0101u, /* 172.31.1.1: leaked, VRF 0 sends it by eth2 */
		0xac110203u, /* 172.17.2.3: ECMP */
		0xcb007107u, /* 203.0.113.7: blackhole */
		0xc0a80909u, /* 192.168.9.9: no route (no default in VRF 1) */
	};
	rng = 0x5eedull + port * 7 + n_vlans;
	for (unsigned round = 0; round < 100; round++) {
		uint16_t vlan[32];
		uint32_t src[32], dst[32];
		struct fate want[32];
		unsigned nb = round % 4 == 3 ? 1 + round / 4 % 31 : 32;
		memset(alone_dropped, 0, sizeof(alone_dropped));
		for (unsigned i = 0; i < 32; i++) {
			vlan[i] = vlans[rnd() % n_vlans];
			/* mostly good sources, as traffic is */
			src[i] = rnd() % 2 ? srcs[port == 3    ? 2
						     : vlan[i] ? 1
							       : 0]
					   : srcs[rnd() % N(srcs)];
			dst[i] = dsts[rnd() % N(dsts)];
			if (i < nb) /* the same random draws whatever the burst's size */
				want[i] = fate_alone(port, vlan[i], src[i], dst[i]);
		}
		dpf_reset(&F);
		struct rte_mbuf *pkts[32];
		for (unsigned i = 0; i < nb; i++) {
			pkts[i] = dpf_craft(&F,
				&(struct dpf_pkt){.vlan = vlan[i], .src = src[i], .dst = dst[i]});
			struct rte_ipv4_hdr *ip = dpf_ip(pkts[i], vlan[i] ? 18 : 14);
			ip->packet_id = rte_cpu_to_be_16((uint16_t)i);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		dpf_run(&F, port, pkts, (uint16_t)nb);
		for (unsigned r = 0; r < SL_DP_DROP__COUNT; r++)
			if (F.cnt.dropped[r] != alone_dropped[r])
				fail_msg("round %u: %u dropped as %s, alone %u", round,
					(unsigned)F.cnt.dropped[r], sl_dp_drop_names[r],
					(unsigned)alone_dropped[r]);
		/* (not in their order: leaked packets leave after the others) */
		for (unsigned p = 0; p < SL_FIB_PORT_MAX; p++)
			for (unsigned j = 0; j < F.out.n_tx[p]; j++) {
				unsigned id = burst_id(F.out.tx[p][j]);
				if (id >= nb || want[id].kind != TX || want[id].arg != p)
					fail_msg(
						"round %u: packet %u out of port %u (alone: %d %u)",
						round, id, p, id < nb ? want[id].kind : -1,
						id < nb ? want[id].arg : 0);
			}
		for (unsigned j = 0; j < F.out.n_drop; j++) {
			unsigned id = burst_id(F.out.drop[j]);
			if (id >= nb || want[id].kind != DROP)
				fail_msg("round %u: packet %u dropped", round, id);
		}
		for (unsigned j = 0; j < F.out.n_punt; j++) {
			unsigned id = burst_id(F.out.punt[j]);
			if (id >= nb || want[id].kind != PUNT ||
				want[id].arg != sl_dp_meta(F.out.punt[j])->reason)
				fail_msg("round %u: packet %u punted", round, id);
		}
		dpf_free_out(&F);
	}
}

static void test_bursts_as_singles(void **state)
{
	(void)state;
	static const uint16_t untagged[] = {0}, both[] = {0, 100}, three[] = {0, 100, 200};
	bursts_as_singles(3, untagged, 1); /* one strict interface */
	bursts_as_singles(2, untagged, 1);
	bursts_as_singles(2, both, 2); /* strict and loose, one VRF */
	bursts_as_singles(2, three, 3); /* and VRF 0's loose vif: two VRFs */
}

int main(void)
{
	if (dpf_eal_init("dp_guard", "0", 768) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_martians),
		cmocka_unit_test(test_martians_in_a_burst),
		cmocka_unit_test(test_router_and_bcast),
		cmocka_unit_test(test_source_validation),
		cmocka_unit_test(test_source_through_leak),
		cmocka_unit_test(test_mixed_burst),
		cmocka_unit_test(test_burst_half_disabled),
		cmocka_unit_test(test_toggle),
		cmocka_unit_test(test_lane_burst),
		cmocka_unit_test(test_lane_long_prefixes),
		cmocka_unit_test(test_bursts_as_singles),
	};
	int failed = cmocka_run_group_tests_name("small tables", tests, setup, teardown);
	return failed + cmocka_run_group_tests_name("rte_lpm layout", tests, setup_lpm, teardown);
}
