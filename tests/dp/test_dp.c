/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp.c — the per-burst pipeline on crafted mbufs: parse and sanity
 * drops, VRF by (port, VLAN), leak redirect, TTL and checksum, L2 rewrite
 * with VLAN push/pop, and every punt reason with its metadata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "../fib/fib_test_eal.h"
#include "sl_dp.h"

static struct rte_mempool *pool;
static struct sl_fib *fib;
static struct sl_dp *dp;
static struct sl_dp_counters cnt;
static struct sl_dp_out out;
static const struct rte_ether_addr mac0 = {{0x02, 0, 0, 0, 0, 0x10}},
				   mac1 = {{0x02, 0, 0, 0, 0, 0x11}};
static const struct rte_ether_addr host_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}};
static int oif_eth1, oif_vif;

enum { VRF_DEFAULT = 0, VRF_A = 1, VRF_SHARED = 2, VRF_B = 3 };

static int setup(void **state)
{
	(void)state;
	pool = rte_pktmbuf_pool_create(
		"test_dp", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fib = sl_fib_new(&(struct sl_fib_config){
		.max_rules = 256, .number_tbl8s = 32, .socket_id = SOCKET_ID_ANY});
	if (pool == NULL || fib == NULL)
		return -1;
	dp = sl_dp_new(fib, 256, SOCKET_ID_ANY);
	if (dp == NULL)
		return -1;
	/* eth0 untagged: VRF A; eth0.100: VRF B; eth1: SHARED */
	struct sl_fib_iface_conf ifc[3] = {
		{.name = "eth0",
			.port = 0,
			.vrf_id = VRF_A,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(10, 1, 0, 1), 24}}},
		{.name = "eth0.100",
			.port = 0,
			.vlan = 100,
			.vrf_id = VRF_B,
			.mac = mac0,
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(10, 2, 0, 1), 24}}},
		{.name = "eth1",
			.port = 1,
			.vrf_id = VRF_SHARED,
			.mac = mac1,
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(10, 100, 0, 1), 24}}},
	};
	struct sl_fib_change ch[] = {
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_A},
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_SHARED},
		{.op = SL_FIB_VRF_ADD, .vrf_id = VRF_B},
		sl_test_route(VRF_A, sl_test_ip4(10, 1, 0, 0), 24, SL_NH_CONNECTED, "eth0", 0),
		sl_test_route(VRF_A, sl_test_ip4(10, 1, 0, 1), 32, SL_NH_LOCAL, "eth0", 0),
		sl_test_route(VRF_A, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_VRF, NULL, VRF_SHARED),
		sl_test_route(VRF_A, sl_test_ip4(10, 200, 0, 0), 16, SL_NH_VRF, NULL, VRF_B),
		sl_test_route(VRF_A, sl_test_ip4(192, 0, 2, 0), 24, SL_NH_BLACKHOLE, NULL, 0),
		sl_test_route(VRF_B, sl_test_ip4(10, 2, 0, 0), 24, SL_NH_CONNECTED, "eth0.100", 0),
		sl_test_route(VRF_B, sl_test_ip4(10, 200, 0, 0), 16, SL_NH_VRF, NULL,
			VRF_A), /* loop back */
		sl_test_route(VRF_B, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_VRF, NULL, VRF_SHARED),
		sl_test_route(
			VRF_SHARED, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_CONNECTED, "eth1", 0),
		sl_test_route(VRF_SHARED, sl_test_ip4(10, 1, 0, 0), 24, SL_NH_VRF, NULL, VRF_A),
		sl_test_route(
			VRF_SHARED, 0, 0, SL_NH_GATEWAY, "eth1", sl_test_ip4(10, 100, 0, 254)),
	};
	if (sl_fib_iface_sync(fib, ifc, 3) < 0 ||
		sl_fib_apply(fib, ch, sizeof(ch) / sizeof(ch[0]), NULL) < 0)
		return -1;
	oif_eth1 = sl_fib_iface_index(fib, "eth1");
	oif_vif = sl_fib_iface_index(fib, "eth0.100");
	sl_fib_neigh_set(fib, (uint16_t)oif_eth1, sl_test_ip4(10, 100, 0, 10), &host_mac);
	sl_fib_neigh_set(fib, (uint16_t)sl_fib_iface_index(fib, "eth0"), sl_test_ip4(10, 1, 0, 10),
		&host_mac);
	sl_fib_neigh_set(fib, (uint16_t)oif_vif, sl_test_ip4(10, 2, 0, 10), &host_mac);
	/* the test thread reads the FIB like a worker */
	return sl_fib_reader_register(fib, rte_lcore_id());
}

static int teardown(void **state)
{
	(void)state;
	sl_fib_reader_unregister(fib, rte_lcore_id());
	sl_dp_free(dp);
	sl_fib_free(fib);
	rte_mempool_free(pool);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(&cnt, 0, sizeof(cnt));
	cnt.vrf = dp->counters[rte_lcore_id()].vrf; /* this lcore's per-VRF block */
	memset(&out, 0, sizeof(out));
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

static struct rte_mbuf *craft(const struct pkt_spec *s)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint16_t l2 = s->vlan ? 18 : 14, payload = 32;
	uint16_t len = l2 + 20 + payload;
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_non_null(b);
	memset(b, 0xab, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = mac0;
	eth->src_addr = host_mac;
	uint16_t et = s->ether_type ? s->ether_type : RTE_ETHER_TYPE_IPV4;
	if (s->vlan) {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
		vh->vlan_tci = rte_cpu_to_be_16(s->vlan);
		vh->eth_proto = rte_cpu_to_be_16(et);
	} else {
		eth->ether_type = rte_cpu_to_be_16(et);
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = s->version_ihl ? s->version_ihl : RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + payload + s->total_delta));
	ip->time_to_live = s->ttl ? s->ttl : 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(s->src ? s->src : sl_test_ip4(10, 1, 0, 10));
	ip->dst_addr = rte_cpu_to_be_32(s->dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (s->bad_cksum)
		ip->hdr_checksum ^= 0x5555;
	if (s->frame_len)
		rte_pktmbuf_trim(m, len - s->frame_len);
	return m;
}

static void run(uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	sl_dp_process(dp, &cnt, port, pkts, n, &out);
	/* the pipeline accounts for every packet exactly once */
	unsigned tx = 0;
	for (int p = 0; p < SL_FIB_PORT_MAX; p++)
		tx += out.n_tx[p];
	assert_int_equal(tx + out.n_punt + out.n_drop, n);
}

static void free_out(void)
{
	for (int p = 0; p < SL_FIB_PORT_MAX; p++)
		rte_pktmbuf_free_bulk(out.tx[p], out.n_tx[p]);
	rte_pktmbuf_free_bulk(out.punt, out.n_punt);
	rte_pktmbuf_free_bulk(out.drop, out.n_drop);
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
	assert_int_equal(out.n_tx[1], 1);
	assert_int_equal(cnt.forwarded, 1);
	assert_int_equal(cnt.leaked, 1);
	struct rte_mbuf *o = out.tx[1][0];
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
		assert_int_equal(out.n_tx[0], 1);
		const struct rte_ipv4_hdr *ip = ip_of(out.tx[0][0], 14);
		assert_int_equal(ip->time_to_live, ttl - 1);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		free_out();
	}
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
	assert_int_equal(cnt.forwarded, 2);
	assert_int_equal(out.n_tx[1], 1); /* popped onto eth1 */
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(out.tx[1][0], const struct rte_ether_hdr *);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	assert_int_equal(out.tx[1][0]->pkt_len, 14 + 52);
	assert_int_equal(out.n_tx[0], 1); /* back out tagged on eth0.100 */
	eth = rte_pktmbuf_mtod(out.tx[0][0], const struct rte_ether_hdr *);
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
	assert_int_equal(out.n_tx[0], 1);
	eth = rte_pktmbuf_mtod(out.tx[0][0], const struct rte_ether_hdr *);
	assert_memory_equal(&eth->src_addr, &mac0, 6);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	free_out();
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
		struct rte_mbuf *m = craft(&(struct pkt_spec){.src = (uint32_t)x,
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
		assert_int_equal(out.n_tx[1], ok ? 1 : 0);
		assert_int_equal(cnt.dropped[SL_DP_DROP_BAD_CHECKSUM], ok ? 0 : 1);
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
	struct sl_fib_change ch[] = {
		sl_test_route(VRF_B, sl_test_ip4(10, 77, 0, 0), 16, SL_NH_GATEWAY, "eth0.100",
			sl_test_ip4(10, 2, 0, 10)),
		sl_test_route(VRF_A, sl_test_ip4(10, 77, 0, 0), 16, SL_NH_VRF, NULL, VRF_B),
	};
	assert_int_equal(sl_fib_apply(fib, ch, 2, NULL), 0);
	struct rte_mbuf *pk[2] = {
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 77, 1, 1)}),
		craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 77, 1, 2)}),
	};
	set_headroom(pk[0], 2);
	set_headroom(pk[1], 4);
	run(0, pk, 2);
	assert_int_equal(cnt.dropped[SL_DP_DROP_NO_HEADROOM], 1);
	assert_int_equal(out.n_drop, 1);
	assert_ptr_equal(out.drop[0], pk[0]);
	assert_int_equal(out.n_tx[0], 1);
	struct rte_mbuf *o = out.tx[0][0];
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
	assert_int_equal(cnt.dropped[SL_DP_DROP_BAD_CHECKSUM], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_BAD_HEADER], 2);
	assert_int_equal(cnt.dropped[SL_DP_DROP_TRUNCATED], 3);
	assert_int_equal(cnt.dropped[SL_DP_DROP_NOT_IPV4], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_NO_IFACE], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_BLACKHOLE], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_LOOP], 1);
	assert_int_equal(out.n_drop, 10);
	assert_int_equal(out.n_tx[1], 1);
	assert_int_equal(cnt.rx, n);
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
	assert_int_equal(out.n_punt, n);
	uint8_t want[] = {SL_DP_PUNT_ARP, SL_DP_PUNT_LOCAL, SL_DP_PUNT_TTL, SL_DP_PUNT_NO_ROUTE,
		SL_DP_PUNT_UNRESOLVED, SL_DP_PUNT_LOCAL};
	int oif0 = sl_fib_iface_index(fib, "eth0");
	/* punts need not keep the burst's order (leaked packets are forwarded
	 * after the others): find each input among them */
	struct rte_mbuf *got[RTE_DIM(pk)];
	for (uint16_t i = 0; i < n; i++) {
		got[i] = NULL;
		for (uint16_t j = 0; j < out.n_punt; j++)
			if (out.punt[j] == pk[i])
				got[i] = out.punt[j];
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
	assert_int_equal(cnt.dropped[SL_DP_DROP_TTL_EXPIRED], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_NO_ROUTE], 1);
	assert_int_equal(cnt.punted[SL_DP_PUNT_LOCAL], 2);
	free_out();
}

static void test_default_route_gateway(void **state)
{
	(void)state;
	/* SHARED's default route → gateway 10.100.0.254, unresolved until ARP answers */
	struct rte_mbuf *m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(1, 2, 3, 4)});
	run(1, &m, 1);
	assert_int_equal(out.n_punt, 1);
	assert_int_equal(sl_dp_meta(out.punt[0])->nh_ip, sl_test_ip4(10, 100, 0, 254));
	free_out();
	/* while the control thread resolves it, further packets are dropped, not punted */
	reset(NULL);
	assert_int_equal(
		sl_fib_neigh_pending(fib, (uint16_t)oif_eth1, sl_test_ip4(10, 100, 0, 254)), 0);
	m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(1, 2, 3, 4)});
	run(1, &m, 1);
	assert_int_equal(out.n_punt, 0);
	assert_int_equal(cnt.dropped[SL_DP_DROP_NEIGH_PENDING], 1);
	free_out();
	reset(NULL);
	sl_fib_neigh_set(fib, (uint16_t)oif_eth1, sl_test_ip4(10, 100, 0, 254), &host_mac);
	m = craft(&(struct pkt_spec){
		.src = sl_test_ip4(10, 100, 0, 10), .dst = sl_test_ip4(1, 2, 3, 4)});
	run(1, &m, 1);
	assert_int_equal(out.n_tx[1], 1);
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
	rte_rcu_qsbr_thread_offline(fib->qsbr, rte_lcore_id());
	assert_int_equal(sl_dp_set_leak_filter(dp, fn, ctx), 0);
	rte_rcu_qsbr_thread_online(fib->qsbr, rte_lcore_id());
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
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	assert_int_equal(out.n_tx[0], 1);
	assert_int_equal(out.n_punt, 1);
	free_out();
	set_filter(NULL, NULL);
	reset(NULL);
	struct rte_mbuf *m = craft(&(struct pkt_spec){.dst = sl_test_ip4(10, 100, 0, 10)});
	run(0, &m, 1);
	assert_int_equal(out.n_tx[1], 1);
	assert_int_equal(filter_calls, 1);
	free_out();
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("dp", "0") < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_leak_forward, reset),
		cmocka_unit_test_setup(test_checksum_all_ttls, reset),
		cmocka_unit_test_setup(test_vlan_push_pop, reset),
		cmocka_unit_test_setup(test_checksum_check_random, reset),
		cmocka_unit_test_setup(test_vlan_push_headroom, reset),
		cmocka_unit_test_setup(test_malformed_drops, reset),
		cmocka_unit_test_setup(test_punts, reset),
		cmocka_unit_test_setup(test_default_route_gateway, reset),
		cmocka_unit_test_setup(test_leak_filter, reset),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
