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

#include "dp_fixture.h"

#define FLOWS 256
#define BURST 32

static struct dpf F;

static const char topology[] = "iface eth0 port 0 mac 02:00:00:00:00:10\n"
			       "iface eth1 port 1 mac 02:00:00:00:00:10\n"
			       "iface eth2 port 2 mac 02:00:00:00:00:10\n"
			       "iface eth3 port 3 vrf 1 mac 02:00:00:00:00:10\n"
			       "route 0 10.9.0.0/16 via 192.0.2.2 eth1 via 198.51.100.2 eth2\n"
			       "route 1 10.9.0.0/16 vrf 0\n"
			       "neigh eth1 192.0.2.2 02:aa:00:00:00:0a\n"
			       "neigh eth2 198.51.100.2 02:aa:00:00:00:0a\n";

static int setup(void **state)
{
	(void)state;
	return dpf_setup(&F, "dp_ecmp", 0, NULL, topology);
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

/* A UDP packet of flow f (source port 1000 + f) to 10.9.0.7. */
static struct rte_mbuf *udp(unsigned f)
{
	return dpf_craft(&F, &(struct dpf_pkt){.src = sl_test_ip4(10, 1, 0, 10),
				     .dst = sl_test_ip4(10, 9, 0, 7),
				     .sport = (uint16_t)(1000 + f),
				     .dport = 53,
				     .payload = 8 + 18});
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
		dpf_run(&F, in_port, pkts, (uint16_t)k);
		assert_int_equal(F.out.n_punt + F.out.n_drop, 0);
		unsigned tx = 0;
		for (uint16_t p = 0; p < SL_FIB_PORT_MAX; p++) {
			for (unsigned t = 0; t < F.out.n_tx[p]; t++) {
				struct rte_mbuf *m = F.out.tx[p][t];
				const struct rte_udp_hdr *u =
					rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, 34);
				port_of[rte_be_to_cpu_16(u->src_port) - 1000] = p;
			}
			tx += F.out.n_tx[p];
			rte_pktmbuf_free_bulk(F.out.tx[p], F.out.n_tx[p]);
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
	assert_int_equal(dpf_apply(&F, "neigh eth2 198.51.100.2 pending"), 0);
	send_flows(0, order, FLOWS, during, NULL);
	count_ports(during, FLOWS, c);
	assert_int_equal(c[1], FLOWS);
	assert_int_equal(dpf_apply(&F, "neigh eth2 198.51.100.2 02:aa:00:00:00:0a"), 0);
	send_flows(0, order, FLOWS, after, NULL);
	assert_memory_equal(after, before, sizeof(before));
}

int main(int argc, char **argv)
{
	(void)argc;
	if (dpf_eal_init("dpecmp", "0", 0) < 0) {
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
