/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_punt.c — punt classes at the worker and link-local multicast.
 *
 * The worker sorts its punts by class (BGP: TCP port 179 for the router;
 * OSPF: protocol 89; ARP; other) into rings of their own: a flood of other
 * punts that fills the main ring drops none of the control classes, and
 * every class counts what it handed over and what its full ring dropped.
 * Link-local multicast (224.0.0.0/24) is punted only on an interface with
 * a control-plane TAP (sl_fib_iface.cp_tap); anywhere else, and any other
 * multicast, it stays a martian.
 *
 * VRF 0: eth0 (port 0) 10.1.0.1/24, eth1 (port 1) 192.0.2.1/24, a default
 * route over 192.0.2.2. The fixture's main punt ring holds 255 packets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_fixture.h"

static struct dpf F;

static const char topology[] = "iface eth0 port 0 addr 10.1.0.1/24\n"
			       "iface eth1 port 1 addr 192.0.2.1/24\n"
			       "route 0 10.1.0.0/24 connected eth0\n"
			       "route 0 10.1.0.1/32 local eth0\n"
			       "route 0 192.0.2.0/24 connected eth1\n"
			       "route 0 192.0.2.1/32 local eth1\n"
			       "route 0 0.0.0.0/0 via 192.0.2.2 eth1\n"
			       "neigh eth1 192.0.2.2 02:aa:00:00:00:0a\n";

#define HOST 0x0a01000au /* 10.1.0.10 */
#define ROUTER 0x0a010001u /* 10.1.0.1 */
#define ALL_SPF 0xe0000005u /* 224.0.0.5 */

static int setup(void **state)
{
	(void)state;
	return dpf_setup(&F, "dp_punt", 2047, NULL, topology);
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

static void drain(struct rte_ring *r)
{
	struct rte_mbuf *m;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

static void drain_all(void)
{
	drain(F.dp->punt);
	for (unsigned k = 0; k < SL_DP_PC_OTHER; k++)
		drain(F.dp->punt_ctl[k]);
}

static struct rte_mbuf *tcp(uint32_t dst, uint16_t sport, uint16_t dport)
{
	return dpf_craft(
		&F, &(struct dpf_pkt){
			    .src = HOST, .dst = dst, .proto = 6, .sport = sport, .dport = dport});
}

/* One packet punted as reason why in class k (or dropped as drop when why
 * is SL_DP_PUNT__COUNT). */
static void expect(struct rte_mbuf *m, unsigned why, unsigned k, unsigned drop_why, int line)
{
	dpf_reset(&F);
	dpf_run(&F, 0, &m, 1);
	if (why == SL_DP_PUNT__COUNT) {
		if (F.out.n_drop != 1 || F.cnt.dropped[drop_why] != 1)
			fail_msg("line %d: not dropped as %s", line, sl_dp_drop_names[drop_why]);
	} else {
		if (F.out.n_punt != 1 || F.cnt.punted[why] != 1)
			fail_msg("line %d: not punted as %s", line, sl_dp_punt_names[why]);
		if (sl_dp_meta(F.out.punt[0])->pclass != k || F.cnt.pclass_punted[k] != 1)
			fail_msg("line %d: not in class %s (%s)", line, sl_dp_pclass_names[k],
				sl_dp_pclass_names[sl_dp_meta(F.out.punt[0])->pclass]);
		if (((F.out.punt_ctl & 1) != 0) != (k != SL_DP_PC_OTHER))
			fail_msg("line %d: punt_ctl map wrong", line);
	}
	dpf_free_out(&F);
}
#define PUNTED(m, why, k) expect(m, why, k, 0, __LINE__)
#define DROPPED(m, why) expect(m, SL_DP_PUNT__COUNT, 0, why, __LINE__)

/* The worker's classes: BGP by either port, OSPF by protocol, ARP; what
 * is not for the router (transit, TTL, no route) is never a control class. */
static void test_classify(void **state)
{
	(void)state;
	PUNTED(tcp(ROUTER, 40000, 179), SL_DP_PUNT_LOCAL, SL_DP_PC_BGP);
	PUNTED(tcp(ROUTER, 179, 40000), SL_DP_PUNT_LOCAL, SL_DP_PC_BGP);
	PUNTED(tcp(ROUTER, 40000, 22), SL_DP_PUNT_LOCAL, SL_DP_PC_OTHER);
	PUNTED(tcp(ROUTER, 179 << 8, 179 << 8), SL_DP_PUNT_LOCAL, SL_DP_PC_OTHER);
	PUNTED(dpf_craft(&F, &(struct dpf_pkt){.src = HOST, .dst = ROUTER, .proto = 89}),
		SL_DP_PUNT_LOCAL, SL_DP_PC_OSPF);
	PUNTED(dpf_craft(&F, &(struct dpf_pkt){.src = HOST,
				     .dst = ROUTER,
				     .proto = 17,
				     .sport = 179,
				     .dport = 179}),
		SL_DP_PUNT_LOCAL, SL_DP_PC_OTHER);
	PUNTED(dpf_craft(&F, &(struct dpf_pkt){.ether_type = RTE_ETHER_TYPE_ARP}), SL_DP_PUNT_ARP,
		SL_DP_PC_ARP);
	/* through the router, TTL expiring: the slow path's ICMP, not BGP's */
	PUNTED(dpf_craft(&F, &(struct dpf_pkt){.src = HOST,
				     .dst = 0xc6336407u,
				     .ttl = 1,
				     .proto = 6,
				     .sport = 40000,
				     .dport = 179}),
		SL_DP_PUNT_TTL, SL_DP_PC_OTHER);
	/* a later fragment has no ports: not BGP's even if its bytes say 179 */
	struct rte_mbuf *m = tcp(ROUTER, 40000, 179);
	struct rte_ipv4_hdr *ip = dpf_ip(m, 14);
	ip->fragment_offset = rte_cpu_to_be_16(8);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	PUNTED(m, SL_DP_PUNT_LOCAL, SL_DP_PC_OTHER);
}

/* A burst of n SYNs to a closed port of the router (class other), then
 * flushed to the rings. */
static void flood(unsigned n)
{
	struct rte_mbuf *pkts[SL_DP_BURST];
	for (unsigned i = 0; i < n; i++)
		pkts[i] = tcp(ROUTER, (uint16_t)(20000 + i), 9);
	dpf_run(&F, 0, pkts, (uint16_t)n);
	sl_dp_flush(F.dp, &F.cnt, 0, &F.out);
}

/* The main ring full of a flood: BGP, OSPF and ARP still reach their own
 * rings, each class counted; the flood's excess is counted in other's
 * full, which is all of punt_full. */
static void test_flood_spares_control(void **state)
{
	(void)state;
	drain_all();
	dpf_reset(&F);
	unsigned cap = rte_ring_get_capacity(F.dp->punt), sent = 0;
	while (sent < cap + SL_DP_BURST) {
		flood(SL_DP_BURST);
		sent += SL_DP_BURST;
	}
	assert_int_equal(rte_ring_count(F.dp->punt), cap);
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_OTHER], sent - cap);
	/* one burst mixing the flood with control traffic */
	struct rte_mbuf *pkts[8] = {
		tcp(ROUTER, 20001, 9),
		tcp(ROUTER, 40000, 179),
		tcp(ROUTER, 20002, 9),
		dpf_craft(&F, &(struct dpf_pkt){.src = HOST, .dst = ROUTER, .proto = 89}),
		dpf_craft(&F, &(struct dpf_pkt){.ether_type = RTE_ETHER_TYPE_ARP}),
		tcp(ROUTER, 179, 40001),
		tcp(ROUTER, 20003, 9),
		dpf_craft(&F, &(struct dpf_pkt){.ether_type = RTE_ETHER_TYPE_ARP}),
	};
	struct rte_mbuf *bgp0 = pkts[1], *ospf = pkts[3];
	dpf_run(&F, 0, pkts, 8);
	assert_int_equal(F.out.n_punt, 8);
	/* ARP is punted while parsing, the rest after the lookup: punt[] holds
	 * ARP, ARP, then 0, 1 (BGP), 2, 3 (OSPF), 5 (BGP), 6 */
	assert_int_equal(F.out.punt_ctl, 0x6bu);
	sl_dp_flush(F.dp, &F.cnt, 0, &F.out);
	assert_int_equal(F.out.n_punt, 0);
	assert_int_equal(F.out.punt_ctl, 0);
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_OTHER], sent - cap + 3);
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_BGP], 0);
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_OSPF], 0);
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_ARP], 0);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_PUNT_FULL], sent - cap + 3);
	assert_int_equal(F.cnt.pclass_punted[SL_DP_PC_OTHER], sent + 3);
	assert_int_equal(F.cnt.pclass_punted[SL_DP_PC_BGP], 2);
	assert_int_equal(F.cnt.pclass_punted[SL_DP_PC_OSPF], 1);
	assert_int_equal(F.cnt.pclass_punted[SL_DP_PC_ARP], 2);
	/* each in its ring, in order */
	struct rte_mbuf *m;
	assert_int_equal(rte_ring_count(F.dp->punt_ctl[SL_DP_PC_BGP]), 2);
	assert_int_equal(rte_ring_dequeue(F.dp->punt_ctl[SL_DP_PC_BGP], (void **)&m), 0);
	assert_ptr_equal(m, bgp0);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_ring_dequeue(F.dp->punt_ctl[SL_DP_PC_OSPF], (void **)&m), 0);
	assert_ptr_equal(m, ospf);
	assert_int_equal(sl_dp_meta(m)->reason, SL_DP_PUNT_LOCAL);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_ring_count(F.dp->punt_ctl[SL_DP_PC_ARP]), 2);
	/* a full control ring counts in its own class */
	drain_all();
	dpf_reset(&F);
	unsigned ccap = rte_ring_get_capacity(F.dp->punt_ctl[SL_DP_PC_BGP]);
	for (sent = 0; sent < ccap + SL_DP_BURST; sent += SL_DP_BURST) {
		struct rte_mbuf *b[SL_DP_BURST];
		for (unsigned i = 0; i < SL_DP_BURST; i++)
			b[i] = tcp(ROUTER, (uint16_t)(30000 + i), 179);
		dpf_run(&F, 0, b, SL_DP_BURST);
		sl_dp_flush(F.dp, &F.cnt, 0, &F.out);
		drain(F.dp->punt); /* none there */
	}
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_BGP], sent - ccap);
	assert_int_equal(F.cnt.pclass_full[SL_DP_PC_OTHER], 0);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_PUNT_FULL], sent - ccap);
	drain_all();
}

static void set_cp_tap(const char *name, uint8_t on)
{
	uint8_t map[SL_FIB_IFACE_MAX] = {0};
	map[dpf_oif(&F, name)] = on;
	dpf_writer_begin(&F);
	assert_int_equal(sl_fib_iface_set_cp_tap(F.fib, map, SL_FIB_IFACE_MAX), 0);
	dpf_writer_end(&F);
}

/* 224.0.0.0/24 up a control-plane TAP, only there: elsewhere, and any
 * other multicast, or from a martian source, it stays a martian. */
static void test_link_mcast(void **state)
{
	(void)state;
	struct dpf_pkt hello = {.src = HOST, .dst = ALL_SPF, .proto = 89, .ttl = 1};
	DROPPED(dpf_craft(&F, &hello), SL_DP_DROP_MARTIAN);
	set_cp_tap("eth0", 1);
	assert_true(sl_fib_ifmap(F.fib)->ifs[dpf_oif(&F, "eth0")].cp_tap);
	PUNTED(dpf_craft(&F, &hello), SL_DP_PUNT_LINK_MCAST, SL_DP_PC_OSPF);
	/* not a packet the VRF looked up: its punted count stays */
	dpf_reset(&F);
	struct sl_dp_vrf_count before_v = F.cnt.vrf[0]; /* the block is not reset */
	struct rte_mbuf *m = dpf_craft(&F, &hello);
	dpf_run(&F, 0, &m, 1);
	assert_int_equal(F.cnt.vrf[0].punted, before_v.punted);
	assert_int_equal(F.cnt.vrf[0].ipv4_rx, before_v.ipv4_rx);
	dpf_free_out(&F);
	/* VRRP to 224.0.0.18: link-local too, class other */
	PUNTED(dpf_craft(&F, &(struct dpf_pkt){.src = HOST, .dst = 0xe0000012u, .proto = 112}),
		SL_DP_PUNT_LINK_MCAST, SL_DP_PC_OTHER);
	DROPPED(dpf_craft(&F, &(struct dpf_pkt){.src = HOST, .dst = 0xe0000105u, .proto = 89}),
		SL_DP_DROP_MARTIAN);
	DROPPED(dpf_craft(&F, &(struct dpf_pkt){.src = HOST, .dst = 0xef000005u, .proto = 89}),
		SL_DP_DROP_MARTIAN);
	DROPPED(dpf_craft(&F, &(struct dpf_pkt){.src = 0, .dst = ALL_SPF, .proto = 89}),
		SL_DP_DROP_MARTIAN);
	DROPPED(dpf_craft(&F, &(struct dpf_pkt){.src = 0x7f000001u, .dst = ALL_SPF, .proto = 89}),
		SL_DP_DROP_MARTIAN);
	/* eth1 has no TAP */
	dpf_reset(&F);
	hello.src = 0xc0000202u;
	m = dpf_craft(&F, &hello);
	dpf_run(&F, 1, &m, 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_MARTIAN], 1);
	dpf_free_out(&F);
	/* an interface sync keeps the flag; clearing it makes it a martian again */
	assert_int_equal(dpf_apply(&F, "iface eth1 port 1 addr 192.0.2.1/24 addr 192.0.2.9/24"), 0);
	assert_true(sl_fib_ifmap(F.fib)->ifs[dpf_oif(&F, "eth0")].cp_tap);
	hello.src = HOST;
	PUNTED(dpf_craft(&F, &hello), SL_DP_PUNT_LINK_MCAST, SL_DP_PC_OSPF);
	const struct sl_fib_ifmap *before = sl_fib_ifmap(F.fib);
	set_cp_tap("eth0", 1); /* unchanged: no new map */
	assert_ptr_equal(sl_fib_ifmap(F.fib), before);
	set_cp_tap("eth0", 0);
	DROPPED(dpf_craft(&F, &hello), SL_DP_DROP_MARTIAN);
	drain_all();
}

int main(void)
{
	if (dpf_eal_init("dp_punt", "0", 0) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_flood_spares_control),
		cmocka_unit_test(test_link_mcast),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
