/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_leaves.c — the FIB's per-VRF "a route leaves this VRF" flag and
 * the leak filter stage it lets lib/dp skip (issue #15): with a filter
 * installed, a burst of one VRF without a redirect is scanned only when its
 * VRF has a route out of an interface of another VRF (a next hop, an ECMP
 * member, the default route, or an interface that moved to another VRF),
 * from the commit that makes it on; the others are not scanned at all
 * (sl_dp_counters.leak_scans), and a worker racing commits never forwards a
 * crossing unfiltered (it fails when the FIB stores the flag after the
 * route; a worker that read the flag before its lookups is not caught).
 *
 * VRF 1: eth0 (port 0) 10.1.0.1/24, eth2 (port 2) 10.3.0.1/24 at first;
 * VRF 2: eth1 (port 1) 10.2.0.1/24; VRF 3 empty.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_fixture.h"

static struct dpf F;

#define IFACE_0 "iface eth0 port 0 vrf 1 addr 10.1.0.1/24"
#define IFACE_1 "iface eth1 port 1 vrf 2 addr 10.2.0.1/24"
#define IFACE_2_IN_1 "iface eth2 port 2 vrf 1 addr 10.3.0.1/24"
#define IFACE_2_IN_3 "iface eth2 port 2 vrf 3 addr 10.3.0.1/24"

static const char topology[] = IFACE_0 "\n" IFACE_1 "\n" IFACE_2_IN_1 "\n"
				       "vrf 3\n"
				       "route 1 10.1.0.0/24 connected eth0\n"
				       "route 1 10.3.0.0/24 connected eth2\n"
				       "route 2 10.2.0.0/24 connected eth1\n"
				       "neigh eth0 10.1.0.10 02:aa:00:00:00:0a\n"
				       "neigh eth1 10.2.0.10 02:aa:00:00:01:0a\n"
				       "neigh eth2 10.3.0.10 02:aa:00:00:02:0a\n";

/* What the filter saw: it accepts everything. */
static struct {
	unsigned calls, pkts;
	uint32_t from, to; /* the last packet's */
} filt;

static void filter(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3, const uint32_t *from_vrf,
	const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	(void)ctx, (void)pkts, (void)l3, (void)deny;
	__atomic_fetch_add(&filt.calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&filt.pkts, n, __ATOMIC_RELAXED);
	filt.from = from_vrf[n - 1];
	filt.to = to_vrf[n - 1];
}

static int setup(void **state)
{
	(void)state;
	if (dpf_setup(&F, "dp_leaves", 0, NULL, topology) < 0)
		return -1;
	dpf_writer_begin(&F);
	int rc = sl_dp_set_leak_filter(F.dp, filter, NULL);
	dpf_writer_end(&F);
	return rc;
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
	memset(&filt, 0, sizeof(filt));
	dpf_reset(&F);
	return 0;
}

/* A burst of n UDP packets to dst into port. */
static void burst(uint16_t port, uint32_t src, uint32_t dst, uint16_t n)
{
	struct rte_mbuf *m[SL_DP_BURST];
	for (uint16_t i = 0; i < n; i++)
		m[i] = dpf_craft(&F, &(struct dpf_pkt){.src = src, .dst = dst});
	dpf_run(&F, port, m, n);
}

#define HOST1 sl_test_ip4(10, 1, 0, 10)
#define HOST2 sl_test_ip4(10, 2, 0, 10)

/* A burst of 4 from port in to dst, all sent out of port out: was it
 * scanned? */
static bool scanned(uint16_t in, uint32_t src, uint32_t dst, uint16_t out)
{
	uint64_t scans = F.cnt.leak_scans;
	burst(in, src, dst, 4);
	assert_int_equal(F.out.n_tx[out], 4);
	dpf_free_out(&F);
	return F.cnt.leak_scans != scans;
}

/* From the commit that adds a next hop in another VRF on, VRF 1's bursts
 * are scanned and its crossings filtered; VRF 2's stay unscanned. */
static void test_cross_next_hop(void **state)
{
	(void)state;
	burst(0, HOST1, sl_test_ip4(10, 3, 0, 10), 8);
	assert_int_equal(F.out.n_tx[2], 8);
	dpf_free_out(&F);
	assert_int_equal(F.cnt.leak_scans, 0);
	assert_false(sl_fib_vrf_leaves(F.fib, 1));

	assert_int_equal(dpf_apply(&F, "route 1 10.9.0.0/24 via 10.2.0.10 eth1"), 0);
	assert_true(sl_fib_vrf_leaves(F.fib, 1));
	burst(0, HOST1, sl_test_ip4(10, 9, 0, 5), 8);
	assert_int_equal(F.out.n_tx[1], 8);
	dpf_free_out(&F);
	assert_int_equal(F.cnt.leak_scans, 1);
	assert_int_equal(filt.calls, 1);
	assert_int_equal(filt.pkts, 8);
	assert_int_equal(filt.from, 1);
	assert_int_equal(filt.to, 2);
	/* VRF 1's native bursts are scanned now, but nothing is filtered */
	burst(0, HOST1, sl_test_ip4(10, 3, 0, 10), 8);
	dpf_free_out(&F);
	assert_int_equal(F.cnt.leak_scans, 2);
	assert_int_equal(filt.calls, 1);
	/* VRF 2 has no such route */
	assert_false(sl_fib_vrf_leaves(F.fib, 2));
	burst(1, HOST2, sl_test_ip4(10, 2, 0, 10), 8);
	dpf_free_out(&F);
	assert_int_equal(F.cnt.leak_scans, 2);
	assert_int_equal(dpf_apply(&F, "del 1 10.9.0.0/24"), 0);
}

/* A member of an ECMP group in another VRF, and a default route there. */
static void test_cross_group_and_default(void **state)
{
	(void)state;
	uint32_t vrf = 3;
	assert_false(sl_fib_vrf_leaves(F.fib, vrf));
	assert_int_equal(
		dpf_apply(&F, "route 3 10.8.0.0/24 via 10.3.0.20 eth2 via 10.2.0.20 eth1"), 0);
	assert_true(sl_fib_vrf_leaves(F.fib, vrf)); /* both members are in other VRFs */
	assert_int_equal(dpf_apply(&F, "del 3 10.8.0.0/24"), 0);

	assert_int_equal(dpf_apply(&F, "route 2 10.7.0.0/24 via 10.2.0.10 eth1 via 10.2.0.11 eth1\n"
				       "neigh eth1 10.2.0.11 02:aa:00:00:01:0b"),
		0);
	assert_false(sl_fib_vrf_leaves(F.fib, 2)); /* both in VRF 2 */
	assert_false(scanned(1, HOST2, sl_test_ip4(10, 7, 0, 1), 1));
	assert_int_equal(dpf_apply(&F, "route 2 0.0.0.0/0 via 10.1.0.10 eth0"), 0);
	assert_true(sl_fib_vrf_leaves(F.fib, 2));
	burst(1, HOST2, sl_test_ip4(192, 0, 2, 1), 4); /* by the default route into VRF 1 */
	assert_int_equal(F.out.n_tx[0], 4);
	dpf_free_out(&F);
	assert_int_equal(filt.pkts, 4);
	assert_int_equal(filt.from, 2);
	assert_int_equal(filt.to, 1);
	assert_int_equal(dpf_apply(&F, "del 2 0.0.0.0/0\ndel 2 10.7.0.0/24"), 0);
}

/* An interface that moves to another VRF makes the routes through it
 * leave their VRF, with no route changed; moved back, the flag clears.
 * VRF 4: eth3 (port 3) 10.4.0.1/24 and eth4 (port 4) 10.5.0.1/24. */
#define IFACE_3 "iface eth3 port 3 vrf 4 addr 10.4.0.1/24"
#define IFACE_4_IN_4 "iface eth4 port 4 vrf 4 addr 10.5.0.1/24"
#define IFACE_4_IN_3 "iface eth4 port 4 vrf 3 addr 10.5.0.1/24"
#define HOST4 sl_test_ip4(10, 4, 0, 10)

/* A burst from eth3 to 10.6.0.1 (through eth4): was it scanned? */
static bool scanned_4(void)
{
	return scanned(3, HOST4, sl_test_ip4(10, 6, 0, 1), 4);
}

static void test_interface_moves(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, IFACE_3 "\n" IFACE_4_IN_4 "\n"
					       "route 4 10.4.0.0/24 connected eth3\n"
					       "route 4 10.5.0.0/24 connected eth4\n"
					       "route 4 10.6.0.0/24 via 10.5.0.10 eth4\n"
					       "neigh eth4 10.5.0.10 02:aa:00:00:04:0a"),
		0);
	assert_false(sl_fib_vrf_leaves(F.fib, 4));
	assert_false(scanned_4());
	assert_int_equal(filt.calls, 0);

	assert_int_equal(dpf_apply(&F, IFACE_4_IN_3), 0);
	assert_true(sl_fib_vrf_leaves(F.fib, 4));
	assert_true(scanned_4());
	assert_int_equal(filt.calls, 1);
	assert_int_equal(filt.pkts, 4);
	assert_int_equal(filt.from, 4);
	assert_int_equal(filt.to, 3);

	assert_int_equal(dpf_apply(&F, IFACE_4_IN_4), 0);
	assert_false(sl_fib_vrf_leaves(F.fib, 4));
	assert_false(scanned_4());
	assert_int_equal(filt.calls, 1);
}

/* A VRF deleted and made again starts with its flag clear. */
static void test_vrf_remade(void **state)
{
	(void)state;
	assert_int_equal(dpf_apply(&F, "route 3 10.5.0.0/24 via 10.2.0.10 eth1"), 0);
	assert_true(sl_fib_vrf_leaves(F.fib, 3));
	struct sl_fib_change c[] = {
		{.op = SL_FIB_ROUTE_DEL,
			.af = SL_AF_IPV4,
			.vrf_id = 3,
			.prefix = {sl_test_ip4(10, 5, 0, 0), 24}},
		{.op = SL_FIB_VRF_DEL, .af = SL_AF_IPV4, .vrf_id = 3},
	};
	dpf_writer_begin(&F);
	assert_int_equal(sl_fib_apply(F.fib, c, RTE_DIM(c), NULL), 0);
	dpf_writer_end(&F);
	assert_false(sl_fib_vrf_leaves(F.fib, 3));
	assert_int_equal(dpf_apply(&F, "vrf 3"), 0);
	assert_false(sl_fib_vrf_leaves(F.fib, 3));
	assert_int_equal(dpf_apply(&F, "route 3 10.5.0.0/24 via 10.3.0.10 eth2"), 0);
	assert_true(sl_fib_vrf_leaves(F.fib, 3)); /* eth2 is VRF 1's */
}

/* The race: a worker lcore sends VRF 5's packets to 10.9.0.5 while the
 * control thread makes VRF 5 with a route there through eth1 (VRF 2) and
 * deletes it again, each time a fresh flag and a fresh crossing route. A
 * crossing forwarded (counted per leak direction) that the filter never
 * saw fails. */
#define RACE_CYCLES 300
#define IFACE_5 "iface eth5 port 5 vrf 5 addr 10.50.0.1/24"

struct racer {
	unsigned lcore;
	bool stop; /* atomic */
	uint64_t bursts, crossed; /* results, read after the lcore stopped */
};

static int racer_main(void *arg)
{
	struct racer *r = arg;
	struct sl_dp_counters *c = &F.dp->counters[r->lcore];
	static struct sl_dp_out out;
	struct rte_mbuf *m[8];
	sl_fib_reader_register(F.fib, r->lcore);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		for (unsigned i = 0; i < RTE_DIM(m); i++)
			m[i] = dpf_craft(&F, &(struct dpf_pkt){.src = sl_test_ip4(10, 50, 0, 9),
						     .dst = sl_test_ip4(10, 9, 0, 5)});
		memset(&out, 0, sizeof(out));
		sl_dp_process(F.dp, c, 5, m, RTE_DIM(m), &out);
		for (int p = 0; p < SL_FIB_PORT_MAX; p++)
			rte_pktmbuf_free_bulk(out.tx[p], out.n_tx[p]);
		rte_pktmbuf_free_bulk(out.punt, out.n_punt);
		rte_pktmbuf_free_bulk(out.drop, out.n_drop);
		sl_fib_reader_quiescent(F.fib, r->lcore);
		r->bursts++;
	}
	for (unsigned i = 0; i < SL_DP_LEAK_SLOTS; i++)
		r->crossed += c->leak[i].packets;
	r->crossed += c->leak_other;
	sl_fib_reader_unregister(F.fib, r->lcore);
	return 0;
}

static void test_race_with_commits(void **state)
{
	(void)state;
	static struct racer r;
	assert_int_equal(dpf_apply(&F, IFACE_5), 0);
	unsigned pkts0 = __atomic_load_n(&filt.pkts, __ATOMIC_RELAXED);
	r.lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	assert_true(r.lcore < RTE_MAX_LCORE);
	assert_int_equal(rte_eal_remote_launch(racer_main, &r, r.lcore), 0);
	struct sl_fib_change del[] = {
		{.op = SL_FIB_ROUTE_DEL,
			.af = SL_AF_IPV4,
			.vrf_id = 5,
			.prefix = {sl_test_ip4(10, 9, 0, 0), 24}},
		{.op = SL_FIB_VRF_DEL, .af = SL_AF_IPV4, .vrf_id = 5},
	};
	for (unsigned i = 0; i < RACE_CYCLES; i++) {
		assert_int_equal(dpf_apply(&F, "vrf 5\nroute 5 10.9.0.0/24 via 10.2.0.10 eth1"), 0);
		rte_delay_us_block(20); /* some bursts cross */
		dpf_writer_begin(&F);
		assert_int_equal(sl_fib_apply(F.fib, del, RTE_DIM(del), NULL), 0);
		dpf_writer_end(&F);
		assert_false(sl_fib_vrf_leaves(F.fib, 5));
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(r.lcore);
	unsigned filtered = __atomic_load_n(&filt.pkts, __ATOMIC_RELAXED) - pkts0;
	print_message("%u cycles; worker: %" PRIu64 " bursts, %" PRIu64
		      " packets crossed, %u filtered\n",
		RACE_CYCLES, r.bursts, r.crossed, filtered);
	assert_true(r.crossed <= filtered); /* the filter accepts all it sees */
	assert_true(r.crossed > 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (dpf_eal_init("dp_leaves", "0-1", 0) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cross_next_hop, reset),
		cmocka_unit_test_setup(test_cross_group_and_default, reset),
		cmocka_unit_test_setup(test_interface_moves, reset),
		cmocka_unit_test_setup(test_vrf_remade, reset),
		cmocka_unit_test_setup(test_race_with_commits, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
