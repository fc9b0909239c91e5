/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_local_leak.c — the router's own addresses across leaks (issue 12):
 * a packet that reaches a router address of another VRF through a leak is
 * dropped as local_leak unless that VRF's addresses answer across leaks;
 * when they do, the leak point's filter judges it first (denied:
 * leak_denied, reject: punted for the answer); a VRF's own addresses and
 * leaked transit traffic are unaffected.
 *
 * The demo's VRFs: CUSTOMER-A (10) eth1 10.1.0.1/24, SHARED (20) eth3
 * 10.100.0.1/24, INTERNET (30) eth4 203.0.113.2/24; A and SHARED leak into
 * each other's subnet, INTERNET leaks into A's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_fixture.h"

#define VRF_A 10
#define VRF_SHARED 20
#define VRF_INET 30
#define PORT_A 1
#define PORT_SHARED 3
#define PORT_INET 4

static struct dpf F;

#define IFACE_A "iface eth1 port 1 vrf 10 addr 10.1.0.1/24"
#define IFACE_SHARED "iface eth3 port 3 vrf 20 addr 10.100.0.1/24"
#define IFACE_INET "iface eth4 port 4 vrf 30 addr 203.0.113.2/24"

static const char topology[] = IFACE_A "\n" IFACE_SHARED "\n" IFACE_INET "\n"
				       "route 10 10.1.0.0/24 connected eth1\n"
				       "route 10 10.1.0.1/32 local eth1\n"
				       "route 10 10.100.0.0/24 vrf 20\n"
				       "route 20 10.100.0.0/24 connected eth3\n"
				       "route 20 10.100.0.1/32 local eth3\n"
				       "route 20 10.1.0.0/24 vrf 10\n"
				       "route 30 203.0.113.0/24 connected eth4\n"
				       "route 30 203.0.113.2/32 local eth4\n"
				       "route 30 10.1.0.0/24 vrf 10\n"
				       "neigh eth1 10.1.0.10 02:aa:00:00:01:0a\n"
				       "neigh eth3 10.100.0.10 02:aa:00:00:03:0a\n";

/* What the filter saw, and what it says. */
enum verdict { ACCEPT = 0, DROP = SL_DP_DENY_DROP, REJECT = SL_DP_DENY_REJECT };
static struct {
	unsigned calls, pkts;
	uint32_t from[64], to[64], dst[64];
	enum verdict to_router; /* for packets to 10.100.0.1 and 10.1.0.1 */
} filt;

static void filter(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3, const uint32_t *from_vrf,
	const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	(void)ctx;
	(void)pkts;
	filt.calls++;
	for (uint16_t i = 0; i < n; i++) {
		uint32_t dst = rte_be_to_cpu_32(((const struct rte_ipv4_hdr *)l3[i])->dst_addr);
		if (filt.pkts < RTE_DIM(filt.dst)) {
			filt.from[filt.pkts] = from_vrf[i];
			filt.to[filt.pkts] = to_vrf[i];
			filt.dst[filt.pkts] = dst;
		}
		filt.pkts++;
		bool router = dst == sl_test_ip4(10, 100, 0, 1) || dst == sl_test_ip4(10, 1, 0, 1);
		deny[i] = router ? (uint8_t)filt.to_router : 0;
	}
}

static void set_filter(bool on)
{
	dpf_writer_begin(&F);
	assert_int_equal(sl_dp_set_leak_filter(F.dp, on ? filter : NULL, NULL), 0);
	dpf_writer_end(&F);
}

static int setup(void **state)
{
	(void)state;
	return dpf_setup(&F, "dp_local_leak", 0, NULL, topology);
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

/* Before each test: no VRF answers across leaks, no filter, zero counts. */
static int reset(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, IFACE_A "\n" IFACE_SHARED "\n" IFACE_INET), 0);
	set_filter(false);
	memset(&filt, 0, sizeof(filt));
	dpf_reset(&F);
	return 0;
}

/* An ICMP message of type `type` from src to dst (the payload's first byte
 * is the ICMP type). */
static struct rte_mbuf *icmp(uint32_t src, uint32_t dst, uint8_t ttl, uint8_t type)
{
	return dpf_craft(&F,
		&(struct dpf_pkt){.src = src, .dst = dst, .ttl = ttl, .proto = 1, .fill = type});
}

/* An ICMP echo request from src to dst. */
static struct rte_mbuf *ping(uint32_t src, uint32_t dst, uint8_t ttl)
{
	return icmp(src, dst, ttl, 8);
}

#define HOST_A sl_test_ip4(10, 1, 0, 10)

static void run1(uint16_t port, struct rte_mbuf *m)
{
	dpf_run(&F, port, &m, 1);
}

/* Default: another VRF's router address does not answer through a leak,
 * whatever the TTL, and a filter is not even asked; own addresses and
 * leaked transit are as before. */
static void test_default_local_leak(void **state)
{
	(void)state;
	set_filter(true);
	struct rte_mbuf *pk[] = {
		ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64), /* SHARED's, from A: dropped */
		ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 1), /* TTL 1 too */
		ping(HOST_A, sl_test_ip4(10, 1, 0, 1), 64), /* A's own: punted */
		ping(HOST_A, sl_test_ip4(10, 1, 0, 1), 1), /* own, TTL 1: punted */
		ping(HOST_A, sl_test_ip4(10, 100, 0, 10), 64), /* transit to the DNS host */
	};
	dpf_run(&F, PORT_A, pk, RTE_DIM(pk));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 2);
	assert_int_equal(F.out.n_drop, 2);
	assert_int_equal(F.out.n_punt, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(sl_dp_meta(F.out.punt[i])->reason, SL_DP_PUNT_LOCAL);
		assert_int_equal(sl_dp_meta(F.out.punt[i])->vrf_id, VRF_A);
	}
	assert_int_equal(F.out.n_tx[PORT_SHARED], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 0);
	/* the filter judged the transit packet only */
	assert_int_equal(filt.pkts, 1);
	assert_int_equal(filt.dst[0], sl_test_ip4(10, 100, 0, 10));
	dpf_free_out(&F);

	/* the internet to A's router address; SHARED's own host to SHARED's */
	run1(PORT_INET, ping(sl_test_ip4(198, 51, 100, 1), sl_test_ip4(10, 1, 0, 1), 64));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 3);
	dpf_free_out(&F);
	run1(PORT_SHARED, ping(sl_test_ip4(10, 100, 0, 10), sl_test_ip4(10, 100, 0, 1), 64));
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->vrf_id, VRF_SHARED);
	dpf_free_out(&F);
	/* without any filter: the same drop */
	set_filter(false);
	run1(PORT_A, ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 4);
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_LOCAL], 3);
	dpf_free_out(&F);
}

/* SHARED answers across leaks: the filter is asked (A → SHARED) and,
 * accepting, the packet is punted for the router with A as its VRF (the
 * reply is routed back in A); A's own address still does not answer the
 * internet (the option is SHARED's). */
static void test_option_accepted(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, IFACE_SHARED " answer-across-leaks"), 0);
	/* no filter installed: punted */
	run1(PORT_A, ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64));
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->reason, SL_DP_PUNT_LOCAL);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->vrf_id, VRF_A);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->in_oif, dpf_oif(&F, "eth1"));
	dpf_free_out(&F);

	set_filter(true);
	filt.to_router = ACCEPT;
	struct rte_mbuf *pk[] = {
		ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64),
		ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 1), /* judged: no TTL to expire */
		ping(HOST_A, sl_test_ip4(10, 100, 0, 10), 64),
	};
	dpf_run(&F, PORT_A, pk, RTE_DIM(pk));
	assert_int_equal(filt.pkts, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(filt.from[i], VRF_A);
		assert_int_equal(filt.to[i], VRF_SHARED);
	}
	assert_int_equal(F.out.n_punt, 2);
	assert_int_equal(F.out.n_tx[PORT_SHARED], 1);
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_LOCAL], 3);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 0);
	dpf_free_out(&F);

	run1(PORT_INET, ping(sl_test_ip4(198, 51, 100, 1), sl_test_ip4(10, 1, 0, 1), 64));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 1);
	assert_int_equal(filt.pkts, 3);
	dpf_free_out(&F);
}

/* With the option, the leak point's filter still decides: a drop is
 * leak_denied, a reject is leak_denied and punted for the slow path's
 * answer; the VRF's own host is not filtered. */
static void test_option_denied(void **state)
{
	(void)state;
	assert_int_equal(
		dpf_apply(&F, IFACE_A " answer-across-leaks\n" IFACE_SHARED " answer-across-leaks"),
		0);
	set_filter(true);
	filt.to_router = DROP;
	struct rte_mbuf *pk[] = {
		ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64),
		ping(HOST_A, sl_test_ip4(10, 100, 0, 10), 64),
		ping(HOST_A, sl_test_ip4(10, 1, 0, 1), 64), /* own: not filtered */
	};
	dpf_run(&F, PORT_A, pk, RTE_DIM(pk));
	assert_int_equal(filt.pkts, 2);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 0);
	assert_int_equal(F.out.n_tx[PORT_SHARED], 1);
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->reason, SL_DP_PUNT_LOCAL);
	dpf_free_out(&F);

	filt.to_router = REJECT;
	run1(PORT_INET, ping(sl_test_ip4(198, 51, 100, 1), sl_test_ip4(10, 1, 0, 1), 64));
	assert_int_equal(filt.from[2], VRF_INET);
	assert_int_equal(filt.to[2], VRF_A);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 2);
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->reason, SL_DP_PUNT_REJECT);
	assert_int_equal(sl_dp_meta(F.out.punt[0])->vrf_id, VRF_INET);
	dpf_free_out(&F);
}

/* Every kind in one burst that mixes ingress VRFs, then back to the default:
 * the option follows the interface map. */
static void test_mixed_burst_and_off_again(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, IFACE_SHARED " answer-across-leaks"), 0);
	set_filter(true);
	filt.to_router = ACCEPT;
	struct rte_mbuf *pk[8];
	for (unsigned i = 0; i < 8; i += 2) {
		pk[i] = ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64); /* punted (option) */
		pk[i + 1] = ping(HOST_A, sl_test_ip4(10, 1, 0, 1), 64); /* own: punted */
	}
	dpf_run(&F, PORT_A, pk, 8);
	assert_int_equal(F.out.n_punt, 8);
	assert_int_equal(filt.pkts, 4);
	dpf_free_out(&F);

	assert_int_equal(dpf_apply(&F, IFACE_SHARED), 0);
	run1(PORT_A, ping(HOST_A, sl_test_ip4(10, 100, 0, 1), 64));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 1);
	assert_int_equal(filt.pkts, 4);
	dpf_free_out(&F);
	assert_string_equal(sl_dp_drop_names[SL_DP_DROP_LOCAL_LEAK], "local_leak");
}

/* The answers to the router's own ping and traceroute across a leak (an
 * echo reply, time exceeded, unreachable from the DNS host to A's address)
 * still reach the slow path, unfiltered, as before; other requests (UDP)
 * across the leak are dropped local_leak like echo requests. */
static void test_router_own_ping_answers(void **state)
{
	(void)state;
	set_filter(true);
	filt.to_router = DROP;
	uint32_t dns = sl_test_ip4(10, 100, 0, 10), a = sl_test_ip4(10, 1, 0, 1);
	struct rte_mbuf *pk[] = {
		icmp(dns, a, 64, 0), /* echo reply */
		icmp(dns, a, 64, 11), /* time exceeded */
		icmp(dns, a, 64, 3), /* unreachable */
		icmp(dns, a, 64, 13), /* timestamp request: dropped */
		dpf_craft(&F, &(struct dpf_pkt){.src = dns, .dst = a, .sport = 53, .dport = 33434}),
	};
	dpf_run(&F, PORT_SHARED, pk, RTE_DIM(pk));
	assert_int_equal(F.out.n_punt, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(sl_dp_meta(F.out.punt[i])->reason, SL_DP_PUNT_LOCAL);
		assert_int_equal(sl_dp_meta(F.out.punt[i])->vrf_id, VRF_SHARED);
	}
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LOCAL_LEAK], 2);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 0);
	assert_int_equal(filt.pkts, 0);
	dpf_free_out(&F);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (dpf_eal_init("dp_local_leak", "0", 0) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_default_local_leak, reset),
		cmocka_unit_test_setup(test_option_accepted, reset),
		cmocka_unit_test_setup(test_option_denied, reset),
		cmocka_unit_test_setup(test_mixed_burst_and_off_again, reset),
		cmocka_unit_test_setup(test_router_own_ping_answers, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
