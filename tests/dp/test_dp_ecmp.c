/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_ecmp.c — per-flow ECMP in the pipeline on crafted mbufs: flows
 * spread over both paths of a group and stay on theirs (any burst order),
 * the RSS hash is used when the port gives one, a path whose neighbour is
 * being resolved hands over only its own flows, and a leaked route
 * (redirect into the origin VRF) spreads like the origin's.
 *
 * VRF 0: eth0 (port 0) 10.1.0.1/24, eth1 (port 1) 192.0.2.1/24, eth2 (port 2)
 * 198.51.100.1/24; 10.9.0.0/16 over 192.0.2.2 and 198.51.100.2.
 * VRF 1: eth3 (port 3); 10.9.0.0/16 redirects into VRF 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "../fib/fib_test_eal.h"
#include "sl_dp.h"

#define FLOWS 256
#define BURST 32

static struct rte_mempool *pool;
static struct sl_fib *fib;
static struct sl_dp *dp;
static struct sl_dp_counters cnt;
static struct sl_dp_out out;
static const struct rte_ether_addr mac = {{0x02, 0, 0, 0, 0, 0x10}};
static const struct rte_ether_addr gw_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}};
static uint16_t oif_eth2;

/* Writer calls from the test thread, which also reads like a worker. */
static void writer_begin(void)
{
	rte_rcu_qsbr_thread_offline(fib->qsbr, rte_lcore_id());
}

static void writer_end(void)
{
	rte_rcu_qsbr_thread_online(fib->qsbr, rte_lcore_id());
}

static int setup(void **state)
{
	(void)state;
	pool = rte_pktmbuf_pool_create(
		"test_dp_ecmp", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fib = sl_fib_new(&(struct sl_fib_config){.socket_id = SOCKET_ID_ANY});
	if (pool == NULL || fib == NULL)
		return -1;
	dp = sl_dp_new(fib, 256, SOCKET_ID_ANY);
	if (dp == NULL)
		return -1;
	cnt.vrf = dp->counters[rte_lcore_id()].vrf; /* this lcore's per-VRF block */
	struct sl_fib_iface_conf ifc[4] = {
		{.name = "eth0", .port = 0, .mac = mac, .up = true},
		{.name = "eth1", .port = 1, .mac = mac, .up = true},
		{.name = "eth2", .port = 2, .mac = mac, .up = true},
		{.name = "eth3", .port = 3, .vrf_id = 1, .mac = mac, .up = true},
	};
	struct sl_fib_paths *ps = calloc(1, sizeof(*ps) + 2 * sizeof(ps->p[0]));
	if (ps == NULL)
		return -1;
	ps->n = 2;
	ps->p[0].nh = (struct sl_nh){.type = SL_NH_GATEWAY, .gw = sl_test_ip4(192, 0, 2, 2)};
	ps->p[1].nh = (struct sl_nh){.type = SL_NH_GATEWAY, .gw = sl_test_ip4(198, 51, 100, 2)};
	snprintf(ps->p[0].nh.ifname, SL_NAME_MAX, "eth1");
	snprintf(ps->p[1].nh.ifname, SL_NAME_MAX, "eth2");
	ps->p[0].weight = ps->p[1].weight = 1;
	struct sl_fib_change ch[] = {
		{.op = SL_FIB_VRF_ADD, .vrf_id = 1},
		{.op = SL_FIB_ROUTE_SET,
			.prefix = {sl_test_ip4(10, 9, 0, 0), 16},
			.nh = ps->p[0].nh,
			.paths = ps},
		sl_test_route(1, sl_test_ip4(10, 9, 0, 0), 16, SL_NH_VRF, NULL, 0),
	};
	int rc = sl_fib_iface_sync(fib, ifc, 4);
	if (rc == 0)
		rc = sl_fib_apply(fib, ch, 3, NULL);
	free(ps);
	if (rc < 0)
		return -1;
	oif_eth2 = (uint16_t)sl_fib_iface_index(fib, "eth2");
	sl_fib_neigh_set(
		fib, (uint16_t)sl_fib_iface_index(fib, "eth1"), sl_test_ip4(192, 0, 2, 2), &gw_mac);
	sl_fib_neigh_set(fib, oif_eth2, sl_test_ip4(198, 51, 100, 2), &gw_mac);
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

/* A UDP packet of flow f (source port 1000 + f) to 10.9.0.7. */
static struct rte_mbuf *udp(unsigned f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint16_t len = 14 + 20 + 8 + 18;
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, len);
	if (b == NULL)
		abort(); /* a fresh mbuf holds 60 bytes */
	memset(b, 0, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = mac;
	eth->src_addr = gw_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(20 + 8 + 18);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(sl_test_ip4(10, 1, 0, 10));
	ip->dst_addr = rte_cpu_to_be_32(sl_test_ip4(10, 9, 0, 7));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);
	u->src_port = rte_cpu_to_be_16((uint16_t)(1000 + f));
	u->dst_port = rte_cpu_to_be_16(53);
	return m;
}

/* Send flows order[0..n) in bursts from in_port; port_of[flow] = egress port. */
static void send_flows(
	uint16_t in_port, const unsigned *order, unsigned n, int *port_of, const uint32_t *rss)
{
	for (unsigned i = 0; i < n; i += BURST) {
		struct rte_mbuf *pkts[BURST];
		unsigned k = n - i < BURST ? n - i : BURST;
		for (unsigned j = 0; j < k; j++) {
			pkts[j] = udp(order[i + j]);
			if (rss != NULL) {
				pkts[j]->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
				pkts[j]->hash.rss = rss[order[i + j]];
			}
		}
		memset(&out, 0, sizeof(out));
		sl_dp_process(dp, &cnt, in_port, pkts, (uint16_t)k, &out);
		assert_int_equal(out.n_punt + out.n_drop, 0);
		unsigned tx = 0;
		for (uint16_t p = 0; p < SL_FIB_PORT_MAX; p++) {
			for (unsigned t = 0; t < out.n_tx[p]; t++) {
				struct rte_mbuf *m = out.tx[p][t];
				const struct rte_udp_hdr *u =
					rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, 34);
				port_of[rte_be_to_cpu_16(u->src_port) - 1000] = p;
			}
			tx += out.n_tx[p];
			rte_pktmbuf_free_bulk(out.tx[p], out.n_tx[p]);
		}
		assert_int_equal(tx, k);
	}
}

static void count_ports(const int *port_of, unsigned n, unsigned c[4])
{
	memset(c, 0, 4 * sizeof(c[0]));
	for (unsigned f = 0; f < n; f++) {
		assert_true(port_of[f] == 1 || port_of[f] == 2);
		c[port_of[f]]++;
	}
}

static void test_spread_and_sticky(void **state)
{
	(void)state;
	unsigned order[FLOWS], c[4];
	int first[FLOWS], again[FLOWS];
	for (unsigned f = 0; f < FLOWS; f++)
		order[f] = f;
	send_flows(0, order, FLOWS, first, NULL);
	count_ports(first, FLOWS, c);
	/* 128 expected on each; far from both ends for any sane hash */
	assert_true(c[1] > FLOWS / 4 && c[2] > FLOWS / 4);
	/* the same flows in another order and other bursts: the same paths */
	srand(3);
	for (unsigned i = FLOWS - 1; i > 0; i--) {
		unsigned j = (unsigned)rand() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	send_flows(0, order, FLOWS - 5, again, NULL);
	for (unsigned i = 0; i < FLOWS - 5; i++)
		assert_int_equal(again[order[i]], first[order[i]]);
	/* leaked from VRF 1: the origin's group spreads it alike */
	for (unsigned f = 0; f < FLOWS; f++)
		order[f] = f;
	send_flows(3, order, FLOWS, again, NULL);
	assert_memory_equal(again, first, sizeof(first));
	print_message("ECMP: %u flows -> %u on eth1, %u on eth2\n", FLOWS, c[1], c[2]);
}

static void test_rss_hash(void **state)
{
	(void)state;
	unsigned order[FLOWS], c[4];
	uint32_t rss[FLOWS];
	int a[FLOWS], b[FLOWS];
	/* one RSS hash for every flow: one path, whatever the 5-tuples */
	for (unsigned f = 0; f < FLOWS; f++) {
		order[f] = f;
		rss[f] = 0x12345678u;
	}
	send_flows(0, order, FLOWS, a, rss);
	count_ports(a, FLOWS, c);
	assert_true(c[1] == FLOWS || c[2] == FLOWS);
	/* hashes spread over the top bits: both paths; the same hash, the same path */
	for (unsigned f = 0; f < FLOWS; f++)
		rss[f] = (uint32_t)f * 0x9e3779b1u;
	send_flows(0, order, FLOWS, a, rss);
	count_ports(a, FLOWS, c);
	assert_true(c[1] > 0 && c[2] > 0);
	for (unsigned f = 0; f < FLOWS; f++)
		rss[f] = (uint32_t)(f ^ 0x55) * 0x9e3779b1u; /* flow f gets flow f^0x55's hash */
	send_flows(0, order, FLOWS, b, rss);
	for (unsigned f = 0; f < FLOWS; f++)
		assert_int_equal(b[f], a[f ^ 0x55]);
}

/* eth2's gateway being resolved: its flows move to eth1, eth1's stay. */
static void test_pending_neighbour(void **state)
{
	(void)state;
	unsigned order[FLOWS], c[4];
	int before[FLOWS], during[FLOWS], after[FLOWS];
	for (unsigned f = 0; f < FLOWS; f++)
		order[f] = f;
	send_flows(0, order, FLOWS, before, NULL);
	writer_begin();
	assert_int_equal(sl_fib_neigh_pending(fib, oif_eth2, sl_test_ip4(198, 51, 100, 2)), 0);
	writer_end();
	send_flows(0, order, FLOWS, during, NULL);
	count_ports(during, FLOWS, c);
	assert_int_equal(c[1], FLOWS);
	writer_begin();
	assert_int_equal(sl_fib_neigh_set(fib, oif_eth2, sl_test_ip4(198, 51, 100, 2), &gw_mac), 0);
	writer_end();
	send_flows(0, order, FLOWS, after, NULL);
	assert_memory_equal(after, before, sizeof(before));
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("dpecmp", "0") < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_and_sticky),
		cmocka_unit_test(test_rss_hash),
		cmocka_unit_test(test_pending_neighbour),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
