/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_slow.c — lib/slow on crafted punts: ARP answers, learning and
 * gratuitous ARP, resolution with its hold queue (overflow, release,
 * failure → host unreachable), ICMP time-exceeded and unreachable contents,
 * the unreachable rate limit, echo replies, the per-interface neighbour
 * limits (a sweep on one interface leaves another's resolution alone).
 * Transmitted frames are captured
 * by the tx callback; time is a fake TSC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../cmd_words.h"
#include "../fib/fib_test_eal.h"
#include "sl_commit.h"
#include "sl_ctl.h"
#include "sl_module.h"
#include "sl_slow.h"

#define HZ 1000000ull /* fake TSC: 1 MHz */
#define TX_MAX 512

static struct rte_mempool *pool;
static struct sl_fib *fib;
static struct sl_slow *sl;
static uint64_t now_tsc;
static struct rte_mbuf *txd[TX_MAX];
static uint16_t tx_port[TX_MAX];
static unsigned n_tx;
static uint16_t oif0, oif1;

static const struct rte_ether_addr mac0 = {{0x02, 0, 0, 0, 0, 0x10}},
				   mac1 = {{0x02, 0, 0, 0, 0, 0x11}},
				   host_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}},
				   host2_mac = {{0x02, 0xaa, 0, 0, 0, 0x0b}};

enum { VRF_A = 1, VRF_SHARED = 2 };
#define ROUTER_A sl_test_ip4(10, 1, 0, 1)
#define HOST_A sl_test_ip4(10, 1, 0, 10)
#define ROUTER_S sl_test_ip4(10, 100, 0, 1)
#define HOST_S sl_test_ip4(10, 100, 0, 20)

static uint64_t fake_clock(void)
{
	return now_tsc;
}

static bool tx_capture(void *ctx, uint16_t port, struct rte_mbuf *m)
{
	(void)ctx;
	if (n_tx == TX_MAX)
		return false;
	tx_port[n_tx] = port;
	txd[n_tx++] = m;
	return true;
}

static void tx_reset(void)
{
	rte_pktmbuf_free_bulk(txd, n_tx);
	n_tx = 0;
}

static int setup_fib(void **state)
{
	(void)state;
	pool = rte_pktmbuf_pool_create(
		"test_slow", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fib = sl_fib_new(&(struct sl_fib_config){
		.max_rules = 256, .number_tbl8s = 32, .socket_id = SOCKET_ID_ANY});
	if (pool == NULL || fib == NULL)
		return -1;
	struct sl_fib_iface_conf ifc[2] = {
		{.name = "eth0",
			.port = 0,
			.vrf_id = VRF_A,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{ROUTER_A, 24}}},
		{.name = "eth1",
			.port = 1,
			.vrf_id = VRF_SHARED,
			.mac = mac1,
			.up = true,
			.n_addrs = 1,
			.addrs = {{ROUTER_S, 24}}},
	};
	struct sl_fib_change ch[] = {
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_A},
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_SHARED},
		sl_test_route(VRF_A, sl_test_ip4(10, 1, 0, 0), 24, SL_NH_CONNECTED, "eth0", 0),
		sl_test_route(VRF_A, ROUTER_A, 32, SL_NH_LOCAL, "eth0", 0),
		sl_test_route(VRF_A, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_VRF, NULL, VRF_SHARED),
		sl_test_route(
			VRF_SHARED, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_CONNECTED, "eth1", 0),
		sl_test_route(VRF_SHARED, ROUTER_S, 32, SL_NH_LOCAL, "eth1", 0),
		sl_test_route(VRF_SHARED, sl_test_ip4(10, 1, 0, 0), 24, SL_NH_VRF, NULL, VRF_A),
	};
	if (sl_fib_iface_sync(fib, ifc, 2) < 0 ||
		sl_fib_apply(fib, ch, sizeof(ch) / sizeof(ch[0]), NULL) < 0)
		return -1;
	oif0 = (uint16_t)sl_fib_iface_index(fib, "eth0");
	oif1 = (uint16_t)sl_fib_iface_index(fib, "eth1");
	return 0;
}

static int teardown_fib(void **state)
{
	(void)state;
	sl_fib_free(fib);
	rte_mempool_free(pool);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	now_tsc = 1000 * HZ;
	n_tx = 0;
	sl = sl_slow_new(&(struct sl_slow_config){
		.fib = fib, .pool = pool, .tx = tx_capture, .hz = HZ, .clock = fake_clock});
	return sl != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sl_slow_neigh_flush(sl);
	sl_slow_free(sl);
	tx_reset();
	/* nothing leaks: every mbuf is back */
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
	return 0;
}

/* ---- crafting -------------------------------------------------------- */

static uint8_t *frame(struct rte_mbuf **mp, uint16_t ether_type, size_t l3_len,
	const struct rte_ether_addr *src, uint16_t in_oif, uint32_t vrf_id, uint8_t reason)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + l3_len));
	assert_non_null(b);
	memset(b, 0, 14 + l3_len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = in_oif == oif0 ? mac0 : mac1;
	eth->src_addr = *src;
	eth->ether_type = rte_cpu_to_be_16(ether_type);
	*sl_dp_meta(m) = (struct sl_dp_meta){
		.in_oif = in_oif, .vrf_id = vrf_id, .reason = reason, .l2_len = 14};
	*mp = m;
	return b + 14;
}

static struct rte_mbuf *arp(
	uint16_t op, uint16_t oif, const struct rte_ether_addr *sha, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)frame(&m, RTE_ETHER_TYPE_ARP, sizeof(*a), sha,
		oif, oif == oif0 ? VRF_A : VRF_SHARED, SL_DP_PUNT_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	a->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	return m;
}

/* An IPv4 packet of 20 + 16 bytes (an ICMP echo request when proto is ICMP). */
static struct rte_mbuf *ip_pkt(
	uint8_t reason, uint16_t in_oif, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl)
{
	struct rte_mbuf *m;
	uint8_t *p = frame(&m, RTE_ETHER_TYPE_IPV4, 36, &host_mac, in_oif,
		in_oif == oif0 ? VRF_A : VRF_SHARED, reason);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(36);
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (int i = 0; i < 16; i++)
		p[20 + i] = (uint8_t)(0xc0 + i);
	if (proto == IPPROTO_ICMP) {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(p + 20);
		ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
		ic->icmp_code = 0;
		ic->icmp_ident = RTE_BE16(0x77);
		ic->icmp_seq_nb = RTE_BE16(5);
		ic->icmp_cksum = 0;
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, 16);
	}
	return m;
}

static const struct rte_ether_hdr *eth_of(unsigned i)
{
	return rte_pktmbuf_mtod(txd[i], const struct rte_ether_hdr *);
}

static const struct rte_arp_hdr *arp_of(unsigned i)
{
	assert_int_equal(rte_be_to_cpu_16(eth_of(i)->ether_type), RTE_ETHER_TYPE_ARP);
	return rte_pktmbuf_mtod_offset(txd[i], const struct rte_arp_hdr *, 14);
}

static const struct rte_ipv4_hdr *ip_of(unsigned i)
{
	assert_int_equal(rte_be_to_cpu_16(eth_of(i)->ether_type), RTE_ETHER_TYPE_IPV4);
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(txd[i], const struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff); /* header checksum good */
	return ip;
}

static void learn(uint16_t oif, const struct rte_ether_addr *mac, uint32_t ip, uint32_t router)
{
	sl_slow_input(sl, arp(RTE_ARP_OP_REQUEST, oif, mac, ip, router));
	tx_reset(); /* the reply */
}

/* ---- tests ----------------------------------------------------------- */

static void test_arp_request_reply(void **state)
{
	(void)state;
	sl_slow_input(sl, arp(RTE_ARP_OP_REQUEST, oif0, &host_mac, HOST_A, ROUTER_A));
	assert_int_equal(n_tx, 1);
	assert_int_equal(tx_port[0], 0);
	const struct rte_arp_hdr *a = arp_of(0);
	assert_int_equal(rte_be_to_cpu_16(a->arp_opcode), RTE_ARP_OP_REPLY);
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_sha, &mac0));
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_tha, &host_mac));
	assert_int_equal(rte_be_to_cpu_32(a->arp_data.arp_sip), ROUTER_A);
	assert_int_equal(rte_be_to_cpu_32(a->arp_data.arp_tip), HOST_A);
	assert_true(rte_is_same_ether_addr(&eth_of(0)->dst_addr, &host_mac));
	/* the requester is learnt, and its MAC pushed into the FIB */
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, HOST_A), sl_fib_mac_to_l2(&host_mac));
	/* a request for another address is not answered, and teaches nothing new */
	tx_reset();
	sl_slow_input(sl, arp(RTE_ARP_OP_REQUEST, oif0, &host2_mac, sl_test_ip4(10, 1, 0, 11),
				  sl_test_ip4(10, 1, 0, 99)));
	assert_int_equal(n_tx, 0);
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, sl_test_ip4(10, 1, 0, 11)), 0);
	/* nor is a request on the wrong interface for this address */
	sl_slow_input(sl, arp(RTE_ARP_OP_REQUEST, oif1, &host_mac, HOST_S, ROUTER_A));
	assert_int_equal(n_tx, 0);
}

static void test_arp_gratuitous(void **state)
{
	(void)state;
	uint32_t h = sl_test_ip4(10, 1, 0, 12);
	/* gratuitous ARP of an unknown host: not learnt (no entry for strangers) */
	sl_slow_input(sl, arp(RTE_ARP_OP_REQUEST, oif0, &host_mac, h, h));
	assert_int_equal(n_tx, 0);
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, h), 0);
	/* a known one moves to its new MAC */
	learn(oif0, &host_mac, h, ROUTER_A);
	sl_slow_input(sl, arp(RTE_ARP_OP_REPLY, oif0, &host2_mac, h, h));
	assert_int_equal(n_tx, 0);
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, h), sl_fib_mac_to_l2(&host2_mac));
	/* an off-link sender or a multicast MAC is ignored */
	struct rte_ether_addr mc = {{0x01, 0, 0x5e, 0, 0, 1}};
	sl_slow_input(sl, arp(RTE_ARP_OP_REPLY, oif0, &mc, h, h));
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, h), sl_fib_mac_to_l2(&host2_mac));
	sl_slow_input(
		sl, arp(RTE_ARP_OP_REQUEST, oif0, &host_mac, sl_test_ip4(10, 9, 0, 1), ROUTER_A));
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, sl_test_ip4(10, 9, 0, 1)), 0);
}

/* A forwarded packet punted for an unresolved neighbour (host HOST_S on eth1). */
static struct rte_mbuf *unresolved(uint8_t tag)
{
	struct rte_mbuf *m = ip_pkt(SL_DP_PUNT_UNRESOLVED, oif0, HOST_A, HOST_S, IPPROTO_UDP, 63);
	struct sl_dp_meta *meta = sl_dp_meta(m);
	meta->out_oif = oif1;
	meta->nh_ip = HOST_S;
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20)[0] = tag;
	return m;
}

static void test_hold_queue(void **state)
{
	(void)state;
	/* first packet: an INCOMPLETE entry, the FIB told it is pending, one broadcast request */
	sl_slow_input(sl, unresolved(1));
	assert_int_equal(n_tx, 1);
	const struct rte_arp_hdr *a = arp_of(0);
	assert_int_equal(rte_be_to_cpu_16(a->arp_opcode), RTE_ARP_OP_REQUEST);
	assert_int_equal(rte_be_to_cpu_32(a->arp_data.arp_tip), HOST_S);
	assert_int_equal(rte_be_to_cpu_32(a->arp_data.arp_sip), ROUTER_S);
	assert_true(rte_is_broadcast_ether_addr(&eth_of(0)->dst_addr));
	assert_int_equal(tx_port[0], 1);
	assert_true(sl_fib_neigh_lookup(fib, oif1, HOST_S) & SL_FIB_L2_PENDING);
	tx_reset();
	/* six more: the queue keeps the newest SL_SLOW_HOLD_MAX, no more requests */
	for (uint8_t t = 2; t <= 7; t++)
		sl_slow_input(sl, unresolved(t));
	assert_int_equal(n_tx, 0);
	struct sl_slow_stats st;
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.held, SL_SLOW_HOLD_MAX);
	assert_int_equal(st.drops, 7 - SL_SLOW_HOLD_MAX);
	assert_int_equal(st.incomplete, 1);
	/* the reply releases them in order, with the learnt MAC */
	sl_slow_input(sl, arp(RTE_ARP_OP_REPLY, oif1, &host2_mac, HOST_S, ROUTER_S));
	assert_int_equal(n_tx, SL_SLOW_HOLD_MAX);
	for (unsigned i = 0; i < n_tx; i++) {
		assert_int_equal(tx_port[i], 1);
		assert_true(rte_is_same_ether_addr(&eth_of(i)->dst_addr, &host2_mac));
		assert_true(rte_is_same_ether_addr(&eth_of(i)->src_addr, &mac1));
		assert_int_equal(rte_pktmbuf_mtod_offset(txd[i], uint8_t *, 14 + 20)[0],
			8 - SL_SLOW_HOLD_MAX + i);
	}
	assert_int_equal(sl_fib_neigh_lookup(fib, oif1, HOST_S), sl_fib_mac_to_l2(&host2_mac));
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.held, 0);
	assert_int_equal(st.incomplete, 0);
	/* resolved: sent at once */
	tx_reset();
	sl_slow_input(sl, unresolved(9));
	assert_int_equal(n_tx, 1);
	assert_true(rte_is_same_ether_addr(&eth_of(0)->dst_addr, &host2_mac));
}

static void test_resolution_fails(void **state)
{
	(void)state;
	learn(oif0, &host_mac, HOST_A, ROUTER_A); /* the ICMP error goes back to it */
	sl_slow_input(sl, unresolved(1));
	sl_slow_input(sl, unresolved(2));
	assert_int_equal(n_tx, 1); /* the first request */
	tx_reset();
	/* two more probes, one a second, then the entry goes */
	for (int i = 0; i < 2; i++) {
		now_tsc += HZ;
		sl_slow_timers(sl);
		assert_int_equal(n_tx, 1);
		assert_int_equal(rte_be_to_cpu_16(arp_of(0)->arp_opcode), RTE_ARP_OP_REQUEST);
		tx_reset();
	}
	now_tsc += HZ;
	sl_slow_timers(sl);
	/* each held packet gets host unreachable (3/1), sent to HOST_A on eth0 */
	assert_int_equal(n_tx, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct rte_ipv4_hdr *ip = ip_of(i);
		assert_int_equal(tx_port[i], 0);
		assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), HOST_A);
		assert_int_equal(rte_be_to_cpu_32(ip->src_addr), ROUTER_A);
		const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)(ip + 1);
		assert_int_equal(ic->icmp_type, SL_ICMP_DEST_UNREACH);
		assert_int_equal(ic->icmp_code, SL_ICMP_HOST_UNREACH);
	}
	assert_int_equal(sl_fib_neigh_lookup(fib, oif1, HOST_S), 0);
	struct sl_slow_stats st;
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.neighbours, 1); /* HOST_A only */
	assert_int_equal(st.held, 0);
}

static void test_time_exceeded(void **state)
{
	(void)state;
	learn(oif0, &host_mac, HOST_A, ROUTER_A);
	struct rte_mbuf *m = ip_pkt(SL_DP_PUNT_TTL, oif0, HOST_A, HOST_S, IPPROTO_UDP, 1);
	uint8_t orig[28];
	memcpy(orig, rte_pktmbuf_mtod_offset(m, uint8_t *, 14), sizeof(orig));
	sl_slow_input(sl, m);
	assert_int_equal(n_tx, 1);
	const struct rte_ipv4_hdr *ip = ip_of(0);
	assert_true(rte_is_same_ether_addr(&eth_of(0)->dst_addr, &host_mac));
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), ROUTER_A);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), HOST_A);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(ip->time_to_live, 64);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 8 + 28);
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(ic->icmp_type, SL_ICMP_TIME_EXCEEDED);
	assert_int_equal(ic->icmp_code, SL_ICMP_TTL_EXCEEDED);
	assert_int_equal(rte_raw_cksum(ic, 8 + 28), 0xffff);
	/* the quote: the original IP header and its first 8 payload bytes */
	assert_memory_equal(ic + 1, orig, sizeof(orig));
	/* never an error about an ICMP error, nor about a broadcast source */
	tx_reset();
	m = ip_pkt(SL_DP_PUNT_TTL, oif0, HOST_A, HOST_S, IPPROTO_ICMP, 1);
	rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, 14 + 20)->icmp_type =
		SL_ICMP_DEST_UNREACH;
	sl_slow_input(sl, m);
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_TTL, oif0, 0xffffffffu, HOST_S, IPPROTO_UDP, 1));
	assert_int_equal(n_tx, 0);
}

static void test_unreachable_rate_limit(void **state)
{
	(void)state;
	learn(oif0, &host_mac, HOST_A, ROUTER_A);
	/* 100 a second with a burst of 100: of 150 at once, 100 answered */
	for (int i = 0; i < 150; i++)
		sl_slow_input(sl, ip_pkt(SL_DP_PUNT_NO_ROUTE, oif0, HOST_A,
					  sl_test_ip4(203, 0, 113, 1), IPPROTO_UDP, 63));
	assert_int_equal(n_tx, 100);
	const struct rte_ipv4_hdr *ip = ip_of(0);
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(ic->icmp_type, SL_ICMP_DEST_UNREACH);
	assert_int_equal(ic->icmp_code, SL_ICMP_NET_UNREACH);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), HOST_A);
	struct sl_slow_stats st;
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.icmp_limited, 50);
	tx_reset();
	/* a quarter second later: 25 tokens */
	now_tsc += HZ / 4;
	for (int i = 0; i < 40; i++)
		sl_slow_input(sl, ip_pkt(SL_DP_PUNT_NO_ROUTE, oif0, HOST_A,
					  sl_test_ip4(203, 0, 113, 1), IPPROTO_UDP, 63));
	assert_int_equal(n_tx, 25);
	/* a leak loop is answered as unreachable too, from the same bucket */
	tx_reset();
	now_tsc += HZ / 10;
	for (int i = 0; i < 20; i++)
		sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LEAK_LOOP, oif0, HOST_A,
					  sl_test_ip4(10, 2, 0, 5), IPPROTO_UDP, 63));
	assert_int_equal(n_tx, 10);
	ip = ip_of(0);
	ic = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(ic->icmp_type, SL_ICMP_DEST_UNREACH);
	assert_int_equal(ic->icmp_code, SL_ICMP_NET_UNREACH);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), HOST_A);
	/* time-exceeded is not limited */
	tx_reset();
	for (int i = 0; i < 5; i++)
		sl_slow_input(sl, ip_pkt(SL_DP_PUNT_TTL, oif0, HOST_A, HOST_S, IPPROTO_UDP, 1));
	assert_int_equal(n_tx, 5);
}

static void test_echo_reply(void **state)
{
	(void)state;
	learn(oif0, &host_mac, HOST_A, ROUTER_A);
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_ICMP, 64));
	assert_int_equal(n_tx, 1);
	const struct rte_ipv4_hdr *ip = ip_of(0);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), ROUTER_A);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), HOST_A);
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(ic->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(ic->icmp_ident, RTE_BE16(0x77));
	assert_int_equal(ic->icmp_seq_nb, RTE_BE16(5));
	assert_int_equal(rte_raw_cksum(ic, 16), 0xffff);
	/* a bad ICMP checksum is not answered; UDP to the router gets port unreachable */
	tx_reset();
	struct rte_mbuf *m = ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_ICMP, 64);
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20 + 8)[0] ^= 1;
	sl_slow_input(sl, m);
	assert_int_equal(n_tx, 0);
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_UDP, 64));
	assert_int_equal(n_tx, 1);
	ic = (const struct rte_icmp_hdr *)(ip_of(0) + 1);
	assert_int_equal(ic->icmp_type, SL_ICMP_DEST_UNREACH);
	assert_int_equal(ic->icmp_code, SL_ICMP_PORT_UNREACH);
}

/* The local hook (control-plane interfaces): what it is offered, where the
 * data starts, and that a hook that declines leaves the old behaviour. */
struct hooked {
	unsigned n, n_arp;
	uint8_t proto; /* of the last IP packet */
	uint16_t arp_op;
	bool take;
	struct rte_ether_addr src; /* the received L2 header's, in the headroom */
};
static bool local_hook(void *ctx, struct rte_mbuf *m, const struct sl_dp_meta *meta, bool arp)
{
	struct hooked *h = ctx;
	h->n++;
	const uint8_t *l3 = rte_pktmbuf_mtod(m, const uint8_t *);
	memcpy(&h->src, l3 - meta->l2_len + 6, 6);
	if (arp) {
		h->n_arp++;
		h->arp_op = rte_be_to_cpu_16(((const struct rte_arp_hdr *)l3)->arp_opcode);
	} else {
		h->proto = l3[9];
		assert_int_equal(l3[0], 0x45); /* at the IP header */
	}
	if (!h->take)
		return false;
	rte_pktmbuf_free(m);
	return true;
}

static void test_local_hook(void **state)
{
	(void)state;
	struct hooked h = {.take = true};
	sl_slow_local_hook_set(sl, local_hook, &h);
	learn(oif0, &host_mac, HOST_A, ROUTER_A);
	/* TCP, UDP, OSPF to the router: offered, nothing sent by sluice */
	const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP, 89};
	for (unsigned i = 0; i < sizeof(protos); i++) {
		sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, protos[i], 64));
		assert_int_equal(h.proto, protos[i]);
	}
	assert_int_equal(h.n, 3);
	assert_int_equal(n_tx, 0);
	assert_true(rte_is_same_ether_addr(&h.src, &host_mac));
	/* echo requests stay sluice's */
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_ICMP, 64));
	assert_int_equal(h.n, 3);
	assert_int_equal(n_tx, 1);
	tx_reset();
	/* an ARP reply to the router: learnt and offered; a request: answered only */
	sl_slow_input(
		sl, arp(RTE_ARP_OP_REPLY, oif0, &host2_mac, sl_test_ip4(10, 1, 0, 11), ROUTER_A));
	assert_int_equal(h.n_arp, 1);
	assert_int_equal(h.arp_op, RTE_ARP_OP_REPLY);
	assert_int_equal(sl_fib_neigh_lookup(fib, oif0, sl_test_ip4(10, 1, 0, 11)),
		sl_fib_mac_to_l2(&host2_mac));
	sl_slow_input(sl, arp(RTE_ARP_OP_REQUEST, oif0, &host_mac, HOST_A, ROUTER_A));
	assert_int_equal(h.n_arp, 1);
	assert_int_equal(n_tx, 1);
	tx_reset();
	/* a hook that declines: UDP gets its port unreachable as before */
	h.take = false;
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_UDP, 64));
	assert_int_equal(h.n, 5);
	assert_int_equal(n_tx, 1);
	assert_int_equal(
		((const struct rte_icmp_hdr *)(ip_of(0) + 1))->icmp_type, SL_ICMP_DEST_UNREACH);
	sl_slow_local_hook_set(sl, NULL, NULL);
}

/* The hook in order: which protocols it saw. */
struct seen {
	unsigned n;
	uint8_t proto[128];
};
static bool seen_hook(void *ctx, struct rte_mbuf *m, const struct sl_dp_meta *meta, bool arp)
{
	(void)meta;
	struct seen *h = ctx;
	if (!arp && h->n < sizeof(h->proto))
		h->proto[h->n++] = rte_pktmbuf_mtod(m, const uint8_t *)[9];
	rte_pktmbuf_free(m);
	return true;
}

/* The control classes' rings are served before the main one: with the main
 * ring full of a flood, one poll (64 packets) takes BGP's first. Link-local
 * multicast goes to the hook only: never answered, freed when declined. */
static void test_control_rings_first(void **state)
{
	(void)state;
	struct rte_ring *main_r = rte_ring_create("t_punt", 256, SOCKET_ID_ANY, 0),
			*bgp = rte_ring_create("t_punt_bgp", 64, SOCKET_ID_ANY, 0);
	assert_non_null(main_r);
	assert_non_null(bgp);
	sl_slow_free(sl);
	struct sl_slow_config c = {.fib = fib,
		.pool = pool,
		.tx = tx_capture,
		.hz = HZ,
		.clock = fake_clock,
		.punt = main_r};
	c.punt_ctl[SL_DP_PC_BGP] = bgp;
	sl = sl_slow_new(&c);
	assert_non_null(sl);
	struct seen h = {0};
	sl_slow_local_hook_set(sl, seen_hook, &h);
	for (int i = 0; i < 100; i++)
		assert_int_equal(rte_ring_enqueue(main_r, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A,
								  ROUTER_A, IPPROTO_UDP, 64)),
			0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rte_ring_enqueue(bgp, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A,
							       ROUTER_A, IPPROTO_TCP, 64)),
			0);
	assert_int_equal(sl_slow_poll(sl), 64);
	assert_int_equal(h.n, 64);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(h.proto[i], IPPROTO_TCP);
	assert_int_equal(h.proto[3], IPPROTO_UDP);
	assert_int_equal(rte_ring_count(main_r), 39);
	assert_int_equal(sl_slow_poll(sl), 39);
	assert_int_equal(sl_slow_poll(sl), 0);
	/* link-local multicast: the hook's; declined, dropped without an answer */
	h.n = 0;
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LINK_MCAST, oif0, HOST_A, 0xe0000005u, 89, 1));
	assert_int_equal(h.n, 1);
	assert_int_equal(h.proto[0], 89);
	sl_slow_local_hook_set(sl, NULL, NULL);
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_LINK_MCAST, oif0, HOST_A, 0xe0000005u, 89, 1));
	sl_slow_input(
		sl, ip_pkt(SL_DP_PUNT_LINK_MCAST, oif0, HOST_A, 0xe0000001u, IPPROTO_ICMP, 1));
	assert_int_equal(n_tx, 0); /* not even an echo reply from 224.0.0.1 */
	rte_ring_free(main_r);
	rte_ring_free(bgp);
}

static void test_echo_rate_limit(void **state)
{
	(void)state;
	learn(oif0, &host_mac, HOST_A, ROUTER_A);
	/* 100 a second, a burst of 100: of 150 requests at once, 100 answered */
	for (int i = 0; i < 150; i++)
		sl_slow_input(
			sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_ICMP, 64));
	assert_int_equal(n_tx, 100);
	struct sl_slow_stats st;
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.icmp_limited, 50);
	/* the unreachables have their own bucket: still answered */
	tx_reset();
	sl_slow_input(sl, ip_pkt(SL_DP_PUNT_NO_ROUTE, oif0, HOST_A, sl_test_ip4(203, 0, 113, 1),
				  IPPROTO_UDP, 63));
	assert_int_equal(n_tx, 1);
	/* a tenth of a second later: 10 more replies */
	tx_reset();
	now_tsc += HZ / 10;
	for (int i = 0; i < 20; i++)
		sl_slow_input(
			sl, ip_pkt(SL_DP_PUNT_LOCAL, oif0, HOST_A, ROUTER_A, IPPROTO_ICMP, 64));
	assert_int_equal(n_tx, 10);
}

/* A packet punted for the unresolved neighbour nh on oif. */
static struct rte_mbuf *unresolved_to(uint16_t oif, uint32_t nh)
{
	struct rte_mbuf *m = ip_pkt(SL_DP_PUNT_UNRESOLVED, oif0, HOST_A, nh, IPPROTO_UDP, 63);
	sl_dp_meta(m)->out_oif = oif;
	sl_dp_meta(m)->nh_ip = nh;
	return m;
}

static unsigned arp_requests_on(uint16_t port)
{
	unsigned n = 0;
	for (unsigned i = 0; i < n_tx; i++)
		n += tx_port[i] == port &&
		     rte_be_to_cpu_16(eth_of(i)->ether_type) == RTE_ETHER_TYPE_ARP;
	return n;
}

static void test_limits_per_interface(void **state)
{
	(void)state;
	sl_slow_free(sl);
	sl = sl_slow_new(&(struct sl_slow_config){.fib = fib,
		.pool = pool,
		.tx = tx_capture,
		.hz = HZ,
		.clock = fake_clock,
		.if_incomplete_max = 8,
		.if_held_max = 6,
		.if_arp_per_s = 5});
	assert_non_null(sl);
	/* a sweep of 20 unknown hosts on eth1: 8 entries, 12 refused, 5 requests */
	for (uint32_t i = 0; i < 20; i++)
		sl_slow_input(sl, unresolved_to(oif1, sl_test_ip4(10, 100, 0, 100 + i)));
	struct sl_slow_stats st, s1, s0;
	assert_int_equal(sl_slow_if_stats_get(sl, oif1, &s1), 0);
	assert_int_equal(s1.neighbours, 8);
	assert_int_equal(s1.incomplete, 8);
	assert_int_equal(s1.held, 6); /* the interface's hold budget */
	assert_int_equal(s1.neigh_refused, 12);
	assert_int_equal(s1.arp_limited, 3);
	assert_int_equal(arp_requests_on(1), 5);
	/* eth0 (another VRF) resolves as if nothing happened */
	tx_reset();
	uint32_t h0 = sl_test_ip4(10, 1, 0, 50);
	sl_slow_input(sl, unresolved_to(oif0, h0));
	assert_int_equal(arp_requests_on(0), 1);
	assert_int_equal(sl_slow_if_stats_get(sl, oif0, &s0), 0);
	assert_int_equal(s0.neigh_refused, 0);
	assert_int_equal(s0.held, 1);
	tx_reset();
	sl_slow_input(sl, arp(RTE_ARP_OP_REPLY, oif0, &host2_mac, h0, ROUTER_A));
	assert_int_equal(n_tx, 1); /* the held packet */
	assert_true(rte_is_same_ether_addr(&eth_of(0)->dst_addr, &host2_mac));
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.neigh_refused, 12);
	assert_int_equal(st.arp_limited, 3);
	assert_int_equal(st.incomplete, 8);
	/* the sweep's entries age in 3 s, requests sent or not; then eth1 takes new ones */
	tx_reset();
	for (int i = 0; i < 3; i++) {
		now_tsc += HZ;
		sl_slow_timers(sl);
	}
	assert_int_equal(sl_slow_if_stats_get(sl, oif1, &s1), 0);
	assert_int_equal(s1.neighbours, 0);
	assert_int_equal(s1.held, 0);
	tx_reset();
	sl_slow_input(sl, unresolved_to(oif1, HOST_S));
	assert_int_equal(sl_slow_if_stats_get(sl, oif1, &s1), 0);
	assert_int_equal(s1.neighbours, 1);
	assert_int_equal(s1.neigh_refused, 12);
	/* the counters clear; the state stays */
	sl_slow_counters_clear(sl);
	sl_slow_stats_get(sl, &st);
	assert_int_equal(st.neigh_refused, 0);
	assert_int_equal(st.neighbours, 3); /* h0, HOST_S, HOST_A (the unreachables' target) */
}

static void ping_done(void *ctx, int status)
{
	*(int *)ctx = status;
}

/* An echo reply from src to the router's request i of the capture, with its
 * identifier, sequence and payload changed by the deltas. */
static struct rte_mbuf *echo_reply(unsigned i, uint32_t src, int seq_delta, int payload_xor)
{
	const struct rte_ipv4_hdr *rq = ip_of(i);
	const struct rte_icmp_hdr *ric = (const struct rte_icmp_hdr *)(rq + 1);
	size_t len = rte_be_to_cpu_16(rq->total_length);
	struct rte_mbuf *m;
	uint8_t *p =
		frame(&m, RTE_ETHER_TYPE_IPV4, len, &host2_mac, oif1, VRF_SHARED, SL_DP_PUNT_LOCAL);
	memcpy(p, rq, len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rq->src_addr;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_seq_nb =
		rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ric->icmp_seq_nb) + seq_delta));
	((uint8_t *)(ic + 1))[0] ^= (uint8_t)payload_xor;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, len - 20);
	return m;
}

static struct rte_mbuf *copy(struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, pool, 0, UINT32_MAX);
	assert_non_null(c);
	*sl_dp_meta(c) = *sl_dp_meta(m);
	return c;
}

static void test_ping_forged_replies(void **state)
{
	(void)state;
	learn(oif1, &host2_mac, HOST_S, ROUTER_S);
	char *text = NULL;
	size_t text_len = 0;
	FILE *out = open_memstream(&text, &text_len);
	assert_non_null(out);
	int status = -1;
	assert_int_equal(sl_slow_ping_start(sl, &(struct sl_slow_ping_req){.vrf_id = VRF_SHARED,
							.dst = HOST_S,
							.count = 3,
							.out = out,
							.done = ping_done,
							.ctx = &status}),
		0);
	sl_slow_timers(sl); /* request 1 */
	assert_int_equal(n_tx, 1);
	const struct rte_ipv4_hdr *rq = ip_of(0);
	assert_int_equal(rte_be_to_cpu_32(rq->src_addr), ROUTER_S);
	assert_int_equal(rte_be_to_cpu_32(rq->dst_addr), HOST_S);
	/* forged: another source, a sequence not sent, a payload not ours */
	sl_slow_input(sl, echo_reply(0, sl_test_ip4(10, 100, 0, 66), 0, 0));
	sl_slow_input(sl, echo_reply(0, HOST_S, 1, 0));
	sl_slow_input(sl, echo_reply(0, HOST_S, 7, 0));
	sl_slow_input(sl, echo_reply(0, HOST_S, -1, 0));
	sl_slow_input(sl, echo_reply(0, HOST_S, 0, 0x5a));
	/* the real one, then its duplicates */
	struct rte_mbuf *real = echo_reply(0, HOST_S, 0, 0);
	struct rte_mbuf *dup1 = copy(real), *dup2 = copy(real);
	sl_slow_input(sl, real);
	sl_slow_input(sl, dup1);
	sl_slow_input(sl, dup2);
	/* requests 2 and 3 go unanswered, except by forgeries */
	for (int i = 0; i < 2; i++) {
		tx_reset();
		now_tsc += HZ;
		sl_slow_timers(sl);
		assert_int_equal(n_tx, 1);
		sl_slow_input(sl, echo_reply(0, sl_test_ip4(203, 0, 113, 9), 0, 0));
		sl_slow_input(sl, echo_reply(0, HOST_S, 0, 0x01));
	}
	now_tsc += HZ;
	sl_slow_timers(sl); /* the last wait ends */
	assert_int_equal(status, 0);
	fclose(out);
	assert_non_null(strstr(text, "3 packets transmitted, 1 received, 66% packet loss"));
	/* exactly one reply line, for icmp_seq=1 */
	char *line = strstr(text, "bytes from ");
	assert_non_null(line);
	assert_non_null(strstr(line, "icmp_seq=1 "));
	assert_null(strstr(line + 1, "bytes from "));
	free(text);
}

static int dispatch_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err)
{
	(void)ctx;
	return sl_ctl_dispatch(argc, argv, false, NULL, out, err);
}

/* The commands lib/slow registers: their arguments checked, VRFs by name,
 * no ping without a route (the sessions themselves: test_ping_*). */
static void test_commands(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_errors e = {0};
	assert_int_equal(sl_router_apply(r, "set vrf name A table 100\n", &e, NULL), 0);
	assert_int_equal(sl_slow_cmds_register(sl, r), 0);
	static const struct {
		const char *words;
		int status;
		const char *err; /* a part of it */
	} cases[] = {
		{"show arp", SL_CTL_OK, ""},
		{"show arp vrf A", SL_CTL_OK, ""},
		{"show arp vrf NOPE", SL_CTL_FAILED, "show arp: no VRF named 'NOPE'\n"},
		{"show arp A", SL_CTL_USAGE, "usage: show arp [vrf NAME]\n"},
		{"ping 10.1.0.300 vrf A", SL_CTL_USAGE,
			"ping: '10.1.0.300' is not an IPv4 address\n"},
		{"ping 10.1.0.5 A", SL_CTL_USAGE, "usage: ping ADDR vrf NAME [count N]\n"},
		{"ping 10.1.0.5 vrf A count 101", SL_CTL_USAGE,
			"ping: count '101' is not a number in [1, 100]\n"},
		{"ping 10.1.0.5 vrf NOPE", SL_CTL_FAILED, "ping: no VRF named 'NOPE'\n"},
		{"traceroute 10.1.0.5 vrf A count 3", SL_CTL_USAGE,
			"usage: traceroute ADDR vrf NAME\n"},
		{"ping 203.0.113.9 vrf A", SL_CTL_FAILED, "ping: 203.0.113.9: no route in vrf A\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;
		int rc = cmd_words_run(cases[i].words, dispatch_fn, NULL, &out, &err);
		if (rc != cases[i].status || strstr(err, cases[i].err) == NULL)
			fail_msg("%s: status %d, err '%s'", cases[i].words, rc, err);
		free(out), free(err);
	}
	sl_ctl_unregister_all();
	sl_router_free(r);
}

/* The "slow" module as the daemon wires it: started after its "dp" and
 * "ctl" (stubs here), the slow path made where the wiring says, its
 * commands registered; stopped and cleared again. */
static void test_module(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	static struct sl_dp dp; /* no punt rings: nothing to serve */
	struct sl_dp *dpp = &dp;
	struct sl_slow *made = NULL;
	uint64_t hz = HZ;
	sl_slow_module_wire(&(struct sl_slow_wiring){.router = &r,
		.fib = &fib,
		.dp = &dpp,
		.pool = &pool,
		.hz = &hz,
		.tx = tx_capture,
		.slow = &made});
	static struct sl_module dp_stub = {.name = "dp"}, ctl_stub = {.name = "ctl"};
	sl_module_register(&sl_modules, &dp_stub);
	sl_module_register(&sl_modules, &ctl_stub);
	char msg[128] = "", *out, *err;
	assert_int_equal(sl_module_init_all(&sl_modules, NULL, msg, sizeof(msg)), 0);
	assert_non_null(made);
	assert_int_equal(cmd_words_run("show arp", dispatch_fn, NULL, &out, &err), SL_CTL_OK);
	free(out), free(err);
	assert_int_equal(sl_module_poll_all(&sl_modules, NULL), 0);
	sl_module_fini_all(&sl_modules, NULL);
	assert_null(made);
	sl_ctl_unregister_all();
	sl_router_free(r);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("slow", "0") < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_arp_request_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_gratuitous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolution_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_exceeded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_rings_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_per_interface, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_forged_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
		cmocka_unit_test(test_module),
	};
	int rc = cmocka_run_group_tests(tests, setup_fib, teardown_fib);
	rte_eal_cleanup();
	return rc;
}
