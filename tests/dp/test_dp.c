/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp.c — the per-burst pipeline on crafted mbufs: parse and sanity
 * drops, VRF by (port, VLAN), leak redirect, TTL and checksum, L2 rewrite
 * with VLAN push/pop, and every punt reason with its metadata.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_cksum.h"
#include "dp_fixture.h"

static struct dpf F;
static const struct rte_ether_addr mac0 = {{0x02, 0, 0, 0, 0, 0x10}},
				   mac1 = {{0x02, 0, 0, 0, 0, 0x11}};
static const struct rte_ether_addr host_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}};
static int oif_eth1, oif_vif;

enum { VRF_DEFAULT = 0, VRF_A = 1, VRF_SHARED = 2, VRF_B = 3 };

/* eth0 untagged: VRF A; eth0.100: VRF B; eth1: SHARED (MACs: the fixture's
 * per-port defaults, mac0 and mac1) */
static const char topology[] = "iface eth0 port 0 vrf 1 addr 10.1.0.1/24\n"
			       "iface eth0.100 port 0 vlan 100 vrf 3 addr 10.2.0.1/24\n"
			       "iface eth1 port 1 vrf 2 addr 10.100.0.1/24\n"
			       "route 1 10.1.0.0/24 connected eth0\n"
			       "route 1 10.1.0.1/32 local eth0\n"
			       "route 1 10.100.0.0/24 vrf 2\n"
			       "route 1 10.200.0.0/16 vrf 3\n"
			       "route 1 192.0.2.0/24 blackhole\n"
			       "route 3 10.2.0.0/24 connected eth0.100\n"
			       "route 3 10.200.0.0/16 vrf 1 # loop back\n"
			       "route 3 10.100.0.0/24 vrf 2\n"
			       "route 2 10.100.0.0/24 connected eth1\n"
			       "route 2 10.1.0.0/24 vrf 1\n"
			       "route 2 0.0.0.0/0 via 10.100.0.254 eth1\n"
			       "neigh eth1 10.100.0.10 02:aa:00:00:00:0a\n"
			       "neigh eth0 10.1.0.10 02:aa:00:00:00:0a\n"
			       "neigh eth0.100 10.2.0.10 02:aa:00:00:00:0a\n";

static int setup(void **state)
{
	(void)state;
	if (dpf_setup(&F, "dp", 0, NULL, topology) < 0)
		return -1;
	oif_eth1 = sl_fib_iface_index(F.fib, "eth1");
	oif_vif = sl_fib_iface_index(F.fib, "eth0.100");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	dpf_reset(&F);
	return 0;
}

struct pkt_spec {
	uint16_t vlan; /* 0: untagged */
	uint16_t ether_type;
	uint32_t src, dst;
	uint8_t ttl;
	uint8_t version_ihl;
	int16_t total_delta; /* added to the true total length */
	bool bad_cksum;
	uint16_t frame_len; /* 0: full; else truncate the frame to this */
};

/* 32 bytes of 0xab after the header, from 10.1.0.10 unless told */
static struct rte_mbuf *craft(const struct pkt_spec *s)
{
	return dpf_craft(&F, &(struct dpf_pkt){.vlan = s->vlan,
				     .ether_type = s->ether_type,
				     .src = s->src ? s->src : sl_test_ip4(10, 1, 0, 10),
				     .dst = s->dst,
				     .ttl = s->ttl,
				     .version_ihl = s->version_ihl,
				     .fill = 0xab,
				     .total_delta = s->total_delta,
				     .bad_cksum = s->bad_cksum,
				     .frame_len = s->frame_len});
}

static void run(uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	dpf_run(&F, port, pkts, n);
}

static void free_out(void)
{
	dpf_free_out(&F);
}

static const struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m, uint16_t l2)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
}

static void test_leak_forward(void **state)
{
	(void)state;
	struct rte_mbuf *m =
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 10), .ttl = 9});
	run(0, &m, 1);
	assert_int_equal(F.out.n_tx[1], 1);
	assert_int_equal(F.cnt.forwarded, 1);
	assert_int_equal(F.cnt.leaked, 1);
	struct rte_mbuf *o = F.out.tx[1][0];
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(o, const struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, &host_mac, 6);
	assert_memory_equal(&eth->src_addr, &mac1, 6);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	const struct rte_ipv4_hdr *ip = ip_of(o, 14);
	assert_int_equal(ip->time_to_live, 8);
	/* the incremental update leaves a valid header checksum */
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(o->pkt_len, 14 + 20 + 32);
	free_out();
}

static void test_checksum_all_ttls(void **state)
{
	(void)state;
	/* the carry case of the incremental checksum, over every TTL */
	for (unsigned ttl = 2; ttl <= 255; ttl++) {
		reset(NULL);
		struct rte_mbuf *m = craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 1, 0, 10),
			.ttl = (uint8_t)ttl,
			.src = sl_test_ip4(10, 1, 0, ttl)});
		run(0, &m, 1);
		assert_int_equal(F.out.n_tx[0], 1);
		const struct rte_ipv4_hdr *ip = ip_of(F.out.tx[0][0], 14);
		assert_int_equal(ip->time_to_live, ttl - 1);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		free_out();
	}
}

/* A checksum field of 0xffff (negative zero: it verifies when the other
 * words sum to 0xffff) through the forward's one-add TTL and checksum
 * update, whose carry out of the word must come back in. */
static void test_checksum_negative_zero(void **state)
{
	(void)state;
	/* a resolved gateway: the forward's fast path */
	assert_int_equal(dpf_apply(&F, "route 1 10.55.0.0/16 via 10.1.0.10 eth0"), 0);
	static const uint8_t ttls[] = {2, 3, 64, 128, 255};
	for (size_t i = 0; i < RTE_DIM(ttls); i++) {
		reset(NULL);
		struct rte_mbuf *m =
			craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 55, 0, 1), .ttl = ttls[i]});
		struct rte_ipv4_hdr *ip = dpf_ip(m, 14);
		/* the identification that makes the other words sum to 0xffff */
		ip->packet_id = 0;
		ip->hdr_checksum = 0;
		ip->packet_id = (rte_be16_t)~rte_raw_cksum(ip, 20);
		ip->hdr_checksum = 0xffff;
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		run(0, &m, 1);
		assert_int_equal(F.out.n_tx[0], 1);
		const struct rte_ipv4_hdr *o = ip_of(F.out.tx[0][0], 14);
		assert_int_equal(o->time_to_live, ttls[i] - 1);
		assert_int_equal(rte_raw_cksum(o, 20), 0xffff);
		assert_int_equal(o->hdr_checksum, RTE_BE16(0x0100)); /* RFC 1624: ~(~C + ~m + m') */
		free_out();
	}
	assert_int_equal(dpf_apply(&F, "del 1 10.55.0.0/16"), 0);
}

/* A good header whose 64-bit sum is at least 0xffff << 48, which the fast
 * parse's shorter checksum test calls bad (dp_cksum.h): the slow parse's
 * exact check forwards it. DF's byte and the source's last two (191.255)
 * make the sum's top 16 bits 0x0040 + 0xffbf, no carry from below. */
static void test_checksum_fast_test_miss(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, "route 1 10.55.0.0/16 via 10.1.0.10 eth0"), 0);
	reset(NULL);
	struct rte_mbuf *m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 1, 191, 255), .dst = sl_test_ip4(10, 55, 0, 1), .ttl = 64});
	struct rte_ipv4_hdr *ip = dpf_ip(m, 14);
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	const uint8_t *h = (const uint8_t *)ip;
	assert_true(sl_dp_ip_cksum5_ok(h));
	assert_false(sl_dp_ip_cksum5_fast_ok(h)); /* the case this test is for */
	run(0, &m, 1);
	assert_int_equal(F.out.n_tx[0], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_BAD_CHECKSUM], 0);
	const struct rte_ipv4_hdr *o = ip_of(F.out.tx[0][0], 14);
	assert_int_equal(o->time_to_live, 63);
	assert_int_equal(rte_raw_cksum(o, 20), 0xffff);
	free_out();
	assert_int_equal(dpf_apply(&F, "del 1 10.55.0.0/16"), 0);
}

static void test_vlan_push_pop(void **state)
{
	(void)state;
	/* tagged on eth0.100 (VRF B): leaked to SHARED (tag popped) and back out on the vif */
	struct rte_mbuf *pk[2] = {
		craft(&(struct pkt_spec){.vlan = 100,
			.src = sl_test_ip4(10, 2, 0, 10),
			.dst = sl_test_ip4(10, 100, 0, 10)}),
		craft(&(struct pkt_spec){.vlan = 100,
			.src = sl_test_ip4(10, 2, 0, 10),
			.dst = sl_test_ip4(10, 2, 0, 10)}),
	};
	run(0, pk, 2);
	assert_int_equal(F.cnt.forwarded, 2);
	assert_int_equal(F.out.n_tx[1], 1); /* popped onto eth1 */
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(F.out.tx[1][0], const struct rte_ether_hdr *);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	assert_int_equal(F.out.tx[1][0]->pkt_len, 14 + 52);
	assert_int_equal(F.out.n_tx[0], 1); /* back out tagged on eth0.100 */
	eth = rte_pktmbuf_mtod(F.out.tx[0][0], const struct rte_ether_hdr *);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_VLAN);
	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_16(vh->vlan_tci) & 0xfff, 100);
	assert_int_equal(rte_be_to_cpu_16(vh->eth_proto), RTE_ETHER_TYPE_IPV4);
	free_out();
	/* untagged from SHARED towards the vif's subnet is not leaked: no route punt,
	 * while SHARED → VRF A → untagged eth0 is */
	reset(NULL);
	struct rte_mbuf *m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(10, 1, 0, 10)});
	run(1, &m, 1);
	assert_int_equal(F.out.n_tx[0], 1);
	eth = rte_pktmbuf_mtod(F.out.tx[0][0], const struct rte_ether_hdr *);
	assert_memory_equal(&eth->src_addr, &mac0, 6);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	free_out();
}

/* Bursts of 32 whose leaked packets sit at chosen positions (all, none
 * but the last, across the bytes of the redirect bits the leak stage
 * lists a byte at a time): each leaked packet forwarded once, in burst
 * order, told by its TTL. */
static void test_leak_positions(void **state)
{
	(void)state;
	static const uint32_t patterns[] = {0xffffffffu, 0x80000000u, 0x00000001u, 0x00000180u,
		0x80808080u, 0x01010101u, 0x55aa00ffu, 0x00ffff00u};
	for (unsigned p = 0; p < RTE_DIM(patterns); p++) {
		uint32_t bits = patterns[p];
		struct rte_mbuf *pk[32];
		for (unsigned k = 0; k < 32; k++)
			pk[k] = craft(&(struct pkt_spec){.ttl = (uint8_t)(20 + k),
				.dst = bits >> k & 1 ? sl_test_ip4(10, 100, 0, 10)
						     : sl_test_ip4(10, 1, 0, 10)});
		run(0, pk, 32);
		unsigned n = (unsigned)__builtin_popcount(bits), i = 0;
		assert_int_equal(F.cnt.leaked, n);
		assert_int_equal(F.out.n_tx[1], n);
		assert_int_equal(F.out.n_tx[0], 32 - n);
		for (uint32_t r = bits; r != 0; r &= r - 1, i++)
			assert_int_equal(
				ip_of(F.out.tx[1][i], 14)->time_to_live, 20 + __builtin_ctz(r) - 1);
		free_out();
		reset(NULL);
	}
}

/* The header checksum check against the ones' complement sum itself, over
 * random headers and random corruptions of the checksum field (some of them
 * none, some the other representation of zero). */
static void test_checksum_check_random(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned good = 0, bad = 0;
	for (int i = 0; i < 3000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		struct rte_mbuf *m =
			craft(&(struct pkt_spec){.src = 0x0a000000u | ((uint32_t)x & 0xffffffu),
				.dst = sl_test_ip4(10, 100, 0, 10),
				.ttl = (uint8_t)(2 + (x >> 32) % 250)});
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		ip->packet_id = (uint16_t)(x >> 40);
		ip->type_of_service = (uint8_t)(x >> 56);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		switch ((x >> 20) % 4) {
		case 0:
			break;
		case 1: /* 0x0000 and 0xffff are the same number */
			ip->hdr_checksum = ip->hdr_checksum == 0 ? 0xffff : ip->hdr_checksum;
			break;
		default:
			ip->hdr_checksum ^= (uint16_t)(1u << ((x >> 24) % 16));
			break;
		}
		bool ok = rte_raw_cksum(ip, 20) == 0xffff;
		good += ok;
		bad += !ok;
		reset(NULL);
		run(0, &m, 1);
		assert_int_equal(F.out.n_tx[1], ok ? 1 : 0);
		assert_int_equal(F.cnt.dropped[SL_DP_DROP_BAD_CHECKSUM], ok ? 0 : 1);
		free_out();
	}
	assert_true(good > 1000 && bad > 1000); /* both kinds were exercised */
}

/* Move a frame's data to data_off = off (less headroom than a tag needs). */
static void set_headroom(struct rte_mbuf *m, uint16_t off)
{
	uint8_t *from = rte_pktmbuf_mtod(m, uint8_t *);
	memmove((uint8_t *)m->buf_addr + off, from, m->data_len);
	m->data_off = off;
}

/* A tag pushed on the fast path (a gateway on the vif, reached by a leak)
 * needs 4 bytes of headroom: exactly 4 is enough, 2 is a counted drop. */
static void test_vlan_push_headroom(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, "route 3 10.77.0.0/16 via 10.2.0.10 eth0.100\n"
				       "route 1 10.77.0.0/16 vrf 3\n"),
		0);
	struct rte_mbuf *pk[2] = {
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 77, 1, 1)}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 77, 1, 2)}),
	};
	set_headroom(pk[0], 2);
	set_headroom(pk[1], 4);
	run(0, pk, 2);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NO_HEADROOM], 1);
	assert_int_equal(F.out.n_drop, 1);
	assert_ptr_equal(F.out.drop[0], pk[0]);
	assert_int_equal(F.out.n_tx[0], 1);
	struct rte_mbuf *o = F.out.tx[0][0];
	assert_ptr_equal(o, pk[1]);
	assert_int_equal(o->data_off, 0);
	assert_int_equal(o->pkt_len, 18 + 52);
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(o, const struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, &host_mac, 6);
	assert_memory_equal(&eth->src_addr, &mac0, 6);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_VLAN);
	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_16(vh->vlan_tci) & 0xfff, 100);
	assert_int_equal(rte_be_to_cpu_16(vh->eth_proto), RTE_ETHER_TYPE_IPV4);
	assert_int_equal(ip_of(o, 18)->time_to_live, 63);
	assert_int_equal(rte_raw_cksum(ip_of(o, 18), 20), 0xffff);
	free_out();
}

static void test_malformed_drops(void **state)
{
	(void)state;
	uint32_t d = sl_test_ip4(10, 100, 0, 10);
	struct rte_mbuf *pk[] = {
		craft(&(struct pkt_spec){.dst = d, .bad_cksum = true}),
		craft(&(struct pkt_spec){.dst = d, .version_ihl = 0x44}),
		craft(&(struct pkt_spec){.dst = d, .version_ihl = 0x65}),
		craft(&(struct pkt_spec){.dst = d, .total_delta = 40}),
		craft(&(struct pkt_spec){.dst = d, .frame_len = 10}),
		craft(&(struct pkt_spec){.dst = d, .frame_len = 14 + 12}),
		craft(&(struct pkt_spec){.dst = d, .ether_type = RTE_ETHER_TYPE_IPV6}),
		craft(&(struct pkt_spec){.dst = d, .vlan = 999}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(192, 0, 2, 1)}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 200, 1, 1)}),
		craft(&(struct pkt_spec){.dst = d}), /* and one good packet in the same burst */
	};
	uint16_t n = sizeof(pk) / sizeof(pk[0]);
	run(0, pk, n);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_BAD_CHECKSUM], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_BAD_HEADER], 2);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_TRUNCATED], 3);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NOT_IPV4], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NO_IFACE], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_BLACKHOLE], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_LOOP], 1);
	/* a leak loop is punted for its ICMP unreachable, not just dropped */
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_LEAK_LOOP], 1);
	assert_int_equal(F.out.n_drop, 9);
	assert_int_equal(F.out.n_tx[1], 1);
	assert_int_equal(F.cnt.rx, n);
	free_out();
}

static void test_punts(void **state)
{
	(void)state;
	struct rte_mbuf *pk[] = {
		craft(&(struct pkt_spec){.ether_type = RTE_ETHER_TYPE_ARP}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 1, 0, 1)}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 10), .ttl = 1}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(8, 8, 8, 8)}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 77), .ttl = 5}),
		craft(&(struct pkt_spec){
			.dst = sl_test_ip4(10, 1, 0, 1), .ttl = 1}), /* local wins over TTL */
	};
	uint16_t n = sizeof(pk) / sizeof(pk[0]);
	run(0, pk, n);
	assert_int_equal(F.out.n_punt, n);
	uint8_t want[] = {SL_DP_PUNT_ARP, SL_DP_PUNT_LOCAL, SL_DP_PUNT_TTL, SL_DP_PUNT_NO_ROUTE,
		SL_DP_PUNT_UNRESOLVED, SL_DP_PUNT_LOCAL};
	int oif0 = sl_fib_iface_index(F.fib, "eth0");
	/* punts need not keep the burst's order (leaked packets are forwarded
	 * after the others): find each input among them */
	struct rte_mbuf *got[RTE_DIM(pk)];
	for (uint16_t i = 0; i < n; i++) {
		got[i] = NULL;
		for (uint16_t j = 0; j < F.out.n_punt; j++)
			if (F.out.punt[j] == pk[i])
				got[i] = F.out.punt[j];
		assert_non_null(got[i]);
		const struct sl_dp_meta *meta = sl_dp_meta(got[i]);
		assert_int_equal(meta->reason, want[i]);
		assert_int_equal(meta->in_oif, oif0);
		assert_int_equal(meta->vrf_id, VRF_A);
		assert_int_equal(meta->l2_len, 14);
	}
	const struct sl_dp_meta *u = sl_dp_meta(got[4]);
	assert_int_equal(u->out_oif, oif_eth1);
	assert_int_equal(u->nh_ip, sl_test_ip4(10, 100, 0, 77));
	assert_int_equal(ip_of(got[4], 14)->time_to_live, 4);
	assert_int_equal(ip_of(got[2], 14)->time_to_live, 1); /* untouched for the ICMP quote */
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_TTL_EXPIRED], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NO_ROUTE], 1);
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_LOCAL], 2);
	free_out();
}

static void test_default_route_gateway(void **state)
{
	(void)state;
	/* SHARED's default route → gateway 10.100.0.254, unresolved until ARP answers */
	struct rte_mbuf *m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(1, 2, 3, 4)});
	run(1, &m, 1);
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->nh_ip, sl_test_ip4(10, 100, 0, 254));
	free_out();
	/* while the control thread resolves it, further packets are dropped, not punted */
	reset(NULL);
	assert_int_equal(dpf_apply(&F, "neigh eth1 10.100.0.254 pending"), 0);
	m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(1, 2, 3, 4)});
	run(1, &m, 1);
	assert_int_equal(F.out.n_punt, 0);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NEIGH_PENDING], 1);
	free_out();
	reset(NULL);
	assert_int_equal(dpf_apply(&F, "neigh eth1 10.100.0.254 02:aa:00:00:00:0a"), 0);
	m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(1, 2, 3, 4)});
	run(1, &m, 1);
	assert_int_equal(F.out.n_tx[1], 1);
	free_out();
}

static unsigned filter_calls, filter_pkts;

/* Denies leaked packets to 10.100.0.10 and checks what the hook is given. */
static void deny_dns(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	(void)pkts;
	assert_ptr_equal(ctx, &filter_calls);
	filter_calls++;
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)l3[i];
		assert_int_equal(from_vrf[i], VRF_A);
		assert_int_equal(to_vrf[i], VRF_SHARED);
		deny[i] = rte_be_to_cpu_32(ip->dst_addr) == sl_test_ip4(10, 100, 0, 10);
		filter_pkts++;
	}
}

/* The test thread is a reader: it must be offline while it waits for a grace period. */
static void set_filter(sl_dp_leak_filter_fn fn, void *ctx)
{
	dpf_writer_begin(&F);
	assert_int_equal(sl_dp_set_leak_filter(F.dp, fn, ctx), 0);
	dpf_writer_end(&F);
}

static void test_leak_filter(void **state)
{
	(void)state;
	set_filter(deny_dns, &filter_calls);
	struct rte_mbuf *pk[] = {
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 10)}), /* leaked, denied */
		craft(&(struct pkt_spec){
			.dst = sl_test_ip4(10, 100, 0, 11)}), /* leaked, allowed (unresolved) */
		craft(&(struct pkt_spec){
			.dst = sl_test_ip4(10, 1, 0, 10)}), /* not leaked: not filtered */
	};
	run(0, pk, 3);
	assert_int_equal(filter_calls, 1);
	assert_int_equal(filter_pkts, 2);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	assert_int_equal(F.out.n_tx[0], 1);
	assert_int_equal(F.out.n_punt, 1);
	free_out();
	set_filter(NULL, NULL);
	reset(NULL);
	struct rte_mbuf *m = craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 10)});
	run(0, &m, 1);
	assert_int_equal(F.out.n_tx[1], 1);
	assert_int_equal(filter_calls, 1);
	free_out();
}

/* A port with only a tagged interface: its untagged frames have no
 * interface (the fast parse's per-burst untagged answer must not match),
 * its tagged ones are forwarded, in one burst. */
static void test_untagged_without_iface(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, "iface eth2.7 port 2 vlan 7 vrf 2 addr 10.7.0.1/24\n"
				       "route 2 10.7.0.0/24 connected eth2.7"),
		0);
	uint32_t d = sl_test_ip4(10, 100, 0, 10);
	struct rte_mbuf *pk[] = {
		craft(&(struct pkt_spec){.dst = d, .src = sl_test_ip4(10, 7, 0, 10)}),
		craft(&(struct pkt_spec){.dst = d, .src = sl_test_ip4(10, 7, 0, 10), .vlan = 7}),
		craft(&(struct pkt_spec){.dst = d, .src = sl_test_ip4(10, 7, 0, 10), .vlan = 8}),
	};
	uint64_t rx_before = F.cnt.vrf[VRF_SHARED].ipv4_rx; /* not reset between tests */
	run(2, pk, RTE_DIM(pk));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NO_IFACE], 2);
	assert_int_equal(F.out.n_tx[1], 1);
	assert_int_equal(F.cnt.forwarded, 1);
	assert_int_equal(F.cnt.vrf[VRF_SHARED].ipv4_rx - rx_before, 1);
	free_out();
}

/* Frames from 10.3.0.10 to 10.100.0.10 into port 3, frame i tagged with
 * vlans[i] (0: untagged). */
static void run_port3(const uint16_t *vlans, uint16_t n)
{
	struct rte_mbuf *pk[8];
	assert_true(n <= RTE_DIM(pk));
	for (uint16_t i = 0; i < n; i++)
		pk[i] = craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 10),
			.src = sl_test_ip4(10, 3, 0, 10),
			.vlan = vlans[i]});
	run(3, pk, n);
}

/* A port with only an untagged interface: the fast parse tests no frame
 * for a tag there (sl_fib_ifmap's tagged_port), so a tagged frame goes the
 * slow way: a priority tag (VLAN 0) is the untagged interface's, popped on
 * the way out, another VLAN has no interface. Once a vif is added on the
 * port its frames are forwarded (the flag follows the interfaces). */
static void test_tag_on_untagged_port(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, "iface eth3 port 3 vrf 2 addr 10.3.0.1/24\n"
				       "route 2 10.3.0.0/24 connected eth3"),
		0);
	static const uint16_t first[] = {0, 0x2000 /* PCP 1, VLAN 0 */, 9, 0}, then[] = {9, 0};
	run_port3(first, RTE_DIM(first));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NO_IFACE], 1);
	assert_int_equal(F.cnt.forwarded, 3);
	assert_int_equal(F.out.n_tx[1], 3);
	for (int i = 0; i < 3; i++) { /* all untagged, the priority tag popped */
		const struct rte_mbuf *o = F.out.tx[1][i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(o, const struct rte_ether_hdr *);
		assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
		assert_int_equal(o->data_len, F.out.tx[1][0]->data_len);
		assert_int_equal(ip_of(F.out.tx[1][i], 14)->dst_addr,
			rte_cpu_to_be_32(sl_test_ip4(10, 100, 0, 10)));
	}
	free_out();
	assert_int_equal(dpf_apply(&F, "iface eth3.9 port 3 vlan 9 vrf 2 addr 10.9.0.1/24"), 0);
	run_port3(then, RTE_DIM(then));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_NO_IFACE], 1);
	assert_int_equal(F.cnt.forwarded, 5);
	assert_int_equal(F.out.n_tx[1], 2);
	free_out();
}

/* A vif moved to another VRF: its tagged frames are looked up in the new
 * VRF from the next burst on (the fast parse takes a tagged frame's VRF
 * from the (port, VLAN) map, published with the interfaces), in a burst of
 * one VRF and in one mixed with untagged frames of VRF A. */
static void test_vlan_vrf_move(void **state)
{
	(void)state;
	static const char *const vif_in[] = {
		"iface eth0.100 port 0 vlan 100 vrf 2 addr 10.2.0.1/24",
		"iface eth0.100 port 0 vlan 100 vrf 3 addr 10.2.0.1/24"};
	uint32_t src = sl_test_ip4(10, 2, 0, 10), dst = sl_test_ip4(10, 100, 0, 10);
	for (int mixed = 0; mixed < 2; mixed++) {
		for (int back = 0; back < 2; back++) {
			reset(NULL);
			assert_int_equal(dpf_apply(&F, vif_in[back]), 0);
			uint64_t rx_shared = F.cnt.vrf[VRF_SHARED].ipv4_rx,
				 rx_b = F.cnt.vrf[VRF_B].ipv4_rx, rx_a = F.cnt.vrf[VRF_A].ipv4_rx;
			struct rte_mbuf *pk[] = {
				craft(&(struct pkt_spec){.vlan = 100, .src = src, .dst = dst}),
				craft(&(struct pkt_spec){.src = sl_test_ip4(10, 1, 0, 10),
					.dst = sl_test_ip4(10, 1, 0, 10)}),
			};
			if (!mixed)
				rte_pktmbuf_free(pk[1]);
			run(0, pk, mixed ? 2 : 1);
			/* in SHARED, 10.100.0.0/24 is connected; in VRF B, a leak into it */
			assert_int_equal(F.cnt.leaked, back ? 1 : 0);
			assert_int_equal(F.cnt.vrf[VRF_SHARED].ipv4_rx - rx_shared, back ? 0 : 1);
			assert_int_equal(F.cnt.vrf[VRF_B].ipv4_rx - rx_b, back ? 1 : 0);
			assert_int_equal(F.cnt.vrf[VRF_A].ipv4_rx - rx_a, mixed ? 1 : 0);
			assert_int_equal(F.out.n_tx[1], 1); /* untagged onto eth1 either way */
			assert_int_equal(F.cnt.forwarded, mixed ? 2 : 1);
			free_out();
		}
	}
}

/* The fixture's notation: a line that does not parse fails the whole call,
 * and nothing of it is applied (eth0 stays in VRF A). */
static void test_topology_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {"route 1 10.0.0.0/33 blackhole", "iface eth9 port 16",
		"route 1 10.5.0.0/16 via 1.2.3.4", "route 1 10.5.0.0/16 via 1.2.3.4 eth1 weight 0",
		"neigh eth1 10.100.0.9 02:aa:00:00:00", "vrf 99999", "bogus",
		"iface eth0 port 0 vrf 2 addr 10.1.0.1/24\nroute 2 10.1.0.0/24 connected"};
	for (size_t i = 0; i < RTE_DIM(bad); i++)
		assert_int_equal(dpf_apply(&F, bad[i]), -EINVAL);
	struct rte_mbuf *m = craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 1, 0, 1)});
	run(0, &m, 1);
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->vrf_id, VRF_A);
	free_out();
}

int main(int argc, char **argv)
{
	(void)argc;
	if (dpf_eal_init("dp", "0", 0) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_leak_forward, reset),
		cmocka_unit_test_setup(test_checksum_all_ttls, reset),
		cmocka_unit_test_setup(test_checksum_negative_zero, reset),
		cmocka_unit_test_setup(test_checksum_fast_test_miss, reset),
		cmocka_unit_test_setup(test_vlan_push_pop, reset),
		cmocka_unit_test_setup(test_leak_positions, reset),
		cmocka_unit_test_setup(test_checksum_check_random, reset),
		cmocka_unit_test_setup(test_vlan_push_headroom, reset),
		cmocka_unit_test_setup(test_malformed_drops, reset),
		cmocka_unit_test_setup(test_punts, reset),
		cmocka_unit_test_setup(test_default_route_gateway, reset),
		cmocka_unit_test_setup(test_leak_filter, reset),
		cmocka_unit_test_setup(test_topology_errors, reset),
		cmocka_unit_test_setup(test_untagged_without_iface, reset),
		cmocka_unit_test_setup(test_vlan_vrf_move, reset),
		cmocka_unit_test_setup(test_tag_on_untagged_port, reset),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
