/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_egress_race.c — issues #10/#12: a worker reads a next hop's
 * egress record twice in a burst (lib/dp: leak_filter judges whether the
 * packet crosses into another VRF, forward_one forwards it), and while the
 * record is not ready it reads the egress VRF from the interface map its
 * burst loaded (forward_slow). Both reads must name one VRF, or a packet
 * judged native leaves into another VRF without its leak firewall.
 *
 * A reader's burst here is what lib/dp reads: the map, the lookup in VRF 1,
 * the flag sl_fib_vrf_leaves, then the next-hop and egress tables; the egress
 * VRF once to judge, once more to forward, and between them any writer step.
 *  - sequence tests: the reader is a thread id that is online but never
 *    quiescent on its own: the writer's grace-period waits run the progress
 *    hook, which ends the reader's burst (checking it), reports a quiescent
 *    state and begins the next one, at every point where the writer waits.
 *    Deterministic; an interface moved between VRFs fails where the writer
 *    rewrites its records without a grace period between the two VRFs.
 *  - the stress test: a reader lcore loops over such bursts while the
 *    writer moves an interface between VRFs and its neighbour comes and goes.
 * Also: a next-hop index is reused only across a grace period, and the flag
 * "VRF leaves" clears once the last route out of it is gone.
 *
 * eth0 (port 0) and eth1 (port 1) in VRF 1, eth2 (port 2) in VRF 2; VRF 1
 * routes 10.9.0.0/24 via 10.1.1.10 on eth1, whose neighbour is resolved.
 * eth1 is the interface that moves.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "fib_test_eal.h"
#include "sl_fib.h"

#define DST sl_test_ip4(10, 9, 0, 5)
#define GW sl_test_ip4(10, 1, 1, 10)
#define FAKE_READER 7 /* the sequence tests' reader: a thread id, no thread */

static struct sl_fib *fib;
static struct sl_fib_iface_conf ifc[3];
static uint16_t eth1;
static const struct rte_ether_addr MAC = {{0x02, 0xaa, 0, 0, 1, 0x0a}};

/* ---- the reader's view: what lib/dp reads in one burst ---- */

struct view {
	const struct sl_fib_ifmap *ifm; /* loaded first, as sl_dp_process does */
	uint32_t val; /* VRF 1's answer for DST; UINT32_MAX: a miss */
	bool flag; /* sl_fib_vrf_leaves(VRF 1), read after the lookup */
	int judged; /* the egress VRF the leak filter saw; -1: none */
};

struct verdicts {
	uint64_t bursts, split, unflagged, first_judged, first_fwd;
};

/* The egress VRF of v's packet: the ready record's, else by the burst's
 * map (lib/dp's leak_filter and forward_slow); -1 for a miss or no oif. */
static int egress_vrf(const struct view *v)
{
	if (v->val == UINT32_MAX || v->val >= SL_FIB_VAL_GROUP)
		return -1;
	const struct sl_fib_egress *e = sl_fib_egress_of(sl_fib_egress_table(fib), v->val);
	if (e->l2_len != 0)
		return (int)e->vrf_id;
	const struct sl_fib_nh *nh = &sl_fib_nh_table(fib)[v->val];
	if (nh->type < SL_FIB_NH_T_CONNECTED || nh->oif >= SL_FIB_IFACE_MAX)
		return -1;
	return (int)v->ifm->ifs[nh->oif].vrf_id;
}

static void burst_begin(struct view *v)
{
	v->ifm = sl_fib_ifmap(fib);
	uintptr_t t = sl_fib_table(fib, SL_AF_IPV4, 1);
	uint32_t h = t ? sl_fib_table_lookup(t, DST, UINT32_MAX) : UINT32_MAX;
	v->val = h == UINT32_MAX ? UINT32_MAX : h & SL_FIB_VAL_MASK;
	v->flag = sl_fib_vrf_leaves(fib, 1);
	v->judged = egress_vrf(v);
}

/* The forward's read: the same VRF as judged, and a burst the flag let
 * skip the filter stays in VRF 1. */
static void burst_end(const struct view *v, struct verdicts *r)
{
	int fwd = egress_vrf(v);
	r->bursts++;
	if (fwd != v->judged && r->split++ == 0) {
		r->first_judged = (uint64_t)v->judged;
		r->first_fwd = (uint64_t)fwd;
	}
	if (!v->flag && ((v->judged >= 0 && v->judged != 1) || (fwd >= 0 && fwd != 1)))
		r->unflagged++;
	/* nor may the flag clear under a burst that saw a route out of VRF 1
	 * (a worker reads it after its lookups, at any time until here) */
	else if (v->judged >= 0 && v->judged != 1 && !sl_fib_vrf_leaves(fib, 1))
		r->unflagged++;
}

/* ---- the writer's steps ---- */

static void iface_move(uint32_t vrf, bool up)
{
	ifc[1].vrf_id = vrf;
	ifc[1].up = up;
	assert_int_equal(sl_fib_iface_sync(fib, ifc, RTE_DIM(ifc)), 0);
}

static void apply(struct sl_fib_change *c, size_t n)
{
	struct sl_fib_apply_result r;
	assert_int_equal(sl_fib_apply(fib, c, n, &r), 0);
	assert_int_equal(r.failed, 0);
}

static struct sl_fib_change del(uint32_t vrf, uint32_t addr, uint8_t len)
{
	return (struct sl_fib_change){
		.op = SL_FIB_ROUTE_DEL, .af = SL_AF_IPV4, .vrf_id = vrf, .prefix = {addr, len}};
}

static void fib_make(void)
{
	fib = sl_fib_new(&(struct sl_fib_config){.socket_id = SOCKET_ID_ANY});
	assert_non_null(fib);
	static const char *names[] = {"eth0", "eth1", "eth2"};
	for (unsigned i = 0; i < RTE_DIM(ifc); i++) {
		ifc[i] = (struct sl_fib_iface_conf){.port = (uint16_t)i,
			.vrf_id = i < 2 ? 1 : 2,
			.mac = {{0x02, 0, 0, 0, 0, (uint8_t)i}},
			.up = true};
		snprintf(ifc[i].name, sizeof(ifc[i].name), "%s", names[i]);
	}
	assert_int_equal(sl_fib_iface_sync(fib, ifc, RTE_DIM(ifc)), 0);
	eth1 = (uint16_t)sl_fib_iface_index(fib, "eth1");
	struct sl_fib_change c[] = {
		{.op = SL_FIB_VRF_ADD, .af = SL_AF_IPV4, .vrf_id = 1},
		{.op = SL_FIB_VRF_ADD, .af = SL_AF_IPV4, .vrf_id = 2},
		sl_test_route(1, sl_test_ip4(10, 9, 0, 0), 24, SL_NH_GATEWAY, "eth1", GW),
	};
	apply(c, RTE_DIM(c));
	assert_int_equal(sl_fib_neigh_set(fib, eth1, GW, &MAC), 0);
}

static int teardown(void **state)
{
	(void)state;
	sl_progress_hook_set(NULL, NULL);
	sl_fib_free(fib);
	fib = NULL;
	return 0;
}

/* ---- sequence tests: the reader at every grace-period wait ---- */

static struct view cur;
static struct verdicts seq;
static unsigned graces; /* the reader's quiescent states since the test began */

/* A quiescent state of the reader: the burst ends, the next one begins. */
static void reader_turn(void *arg)
{
	(void)arg;
	burst_end(&cur, &seq);
	rte_rcu_qsbr_quiescent(fib->qsbr, FAKE_READER);
	graces++;
	burst_begin(&cur);
}

static int seq_setup(void **state)
{
	(void)state;
	fib_make();
	memset(&seq, 0, sizeof(seq));
	graces = 0;
	assert_int_equal(sl_fib_reader_register(fib, FAKE_READER), 0);
	burst_begin(&cur);
	sl_progress_hook_set(reader_turn, NULL);
	return 0;
}

static void seq_check(const char *what)
{
	reader_turn(NULL); /* the burst that saw the step's end */
	if (seq.split != 0)
		fail_msg("%s: %" PRIu64 " of %" PRIu64 " bursts judged their packet in VRF "
			 "%" PRId64 " and forwarded it in VRF %" PRId64,
			what, seq.split, seq.bursts, (int64_t)seq.first_judged,
			(int64_t)seq.first_fwd);
	if (seq.unflagged != 0)
		fail_msg("%s: %" PRIu64 " bursts left VRF 1 with its flag clear", what,
			seq.unflagged);
}

/* eth1 moves to VRF 2 and back, up, down, with its neighbour resolved,
 * unresolved, being resolved: each step begins inside a burst. */
static void test_seq_interface_moves(void **state)
{
	(void)state;
	assert_int_equal(cur.judged, 1);
	iface_move(2, true); /* the route now leaves VRF 1 */
	seq_check("eth1 to VRF 2");
	assert_int_equal(cur.judged, 2);
	assert_true(cur.flag);
	iface_move(1, true);
	seq_check("eth1 back to VRF 1");
	assert_int_equal(cur.judged, 1);
	assert_false(sl_fib_vrf_leaves(fib, 1));

	assert_int_equal(sl_fib_neigh_set(fib, eth1, GW, NULL), 0); /* not ready */
	seq_check("neighbour gone");
	iface_move(2, true);
	seq_check("eth1 to VRF 2, unresolved");
	assert_int_equal(sl_fib_neigh_set(fib, eth1, GW, &MAC), 0);
	seq_check("neighbour back in VRF 2");
	iface_move(1, false);
	seq_check("eth1 down into VRF 1");
	iface_move(2, true);
	seq_check("eth1 up into VRF 2");
	assert_int_equal(sl_fib_neigh_pending(fib, eth1, GW), 0);
	seq_check("neighbour pending");
	iface_move(1, true);
	seq_check("eth1 to VRF 1, pending");
	assert_int_equal(sl_fib_neigh_set(fib, eth1, GW, &MAC), 0);
	seq_check("neighbour back in VRF 1");
	assert_int_equal(cur.judged, 1);
	assert_true(graces > 8);
}

/* A next-hop index is written again only after a grace period: a burst
 * that holds it from a route deleted in the same change set keeps its
 * record, and the index comes back only in a later change set. */
static void test_seq_index_reuse(void **state)
{
	(void)state;
	uint32_t held = cur.val;
	assert_true(held < SL_FIB_VAL_GROUP);
	struct sl_fib_change c[] = {
		del(1, sl_test_ip4(10, 9, 0, 0), 24),
		sl_test_route(1, sl_test_ip4(10, 8, 0, 0), 24, SL_NH_GATEWAY, "eth2",
			sl_test_ip4(10, 2, 0, 10)),
	};
	unsigned g0 = graces;
	apply(c, RTE_DIM(c));
	seq_check("route deleted, another added");
	assert_true(graces > g0); /* the burst that held it ended first */
	uint32_t nh8, vrf;
	struct sl_addr a8 = {.af = SL_AF_IPV4, .v4 = sl_test_ip4(10, 8, 0, 1)};
	assert_int_equal(sl_fib_lookup(fib, 1, &a8, &nh8, &vrf), 0);
	assert_int_not_equal(nh8, held); /* not within the change set */
	struct sl_fib_change c2[] = {
		sl_test_route(1, sl_test_ip4(10, 7, 0, 0), 24, SL_NH_GATEWAY, "eth2",
			sl_test_ip4(10, 2, 0, 11)),
	};
	apply(c2, RTE_DIM(c2));
	seq_check("route added later");
	uint32_t nh7;
	struct sl_addr a7 = {.af = SL_AF_IPV4, .v4 = sl_test_ip4(10, 7, 0, 1)};
	assert_int_equal(sl_fib_lookup(fib, 1, &a7, &nh7, &vrf), 0);
	assert_int_equal(nh7, held); /* reused, once no reader could hold it */
}

/* A route of VRF 1 to net over 10.1.0.10 on eth0 and 10.1.0.11 on ifn. */
static struct sl_fib_change ecmp(uint32_t net, const char *ifn)
{
	struct sl_fib_change c = {.op = SL_FIB_ROUTE_SET, .vrf_id = 1, .prefix = {net, 24}};
	c.paths = calloc(1, sizeof(*c.paths) + 2 * sizeof(c.paths->p[0]));
	assert_non_null(c.paths);
	for (uint32_t m = 0; m < 2; m++) {
		struct sl_fib_path *p = &c.paths->p[c.paths->n++];
		p->nh.type = SL_NH_GATEWAY;
		p->nh.gw = sl_test_ip4(10, 1, 0, 10 + m);
		snprintf(p->nh.ifname, sizeof(p->nh.ifname), "%s", m ? ifn : "eth0");
		p->weight = 1;
	}
	c.nh = c.paths->p[0].nh;
	return c;
}

/* The flag "VRF 1 leaves" goes with the last route out of it, a grace
 * period after that route's entry: a burst that saw the route sees it. */
static void test_seq_flag_clears(void **state)
{
	(void)state;
	uint32_t net6 = sl_test_ip4(10, 6, 0, 0), net5 = sl_test_ip4(10, 5, 0, 0);
	assert_false(sl_fib_vrf_leaves(fib, 1));
	struct sl_fib_change two[] = {
		sl_test_route(1, net6, 24, SL_NH_GATEWAY, "eth2", sl_test_ip4(10, 2, 0, 10)),
		sl_test_route(1, net5, 24, SL_NH_GATEWAY, "eth2", sl_test_ip4(10, 2, 0, 10)),
	};
	apply(two, RTE_DIM(two));
	assert_true(sl_fib_vrf_leaves(fib, 1));
	apply(two, 1); /* set again, the same next hop: counted once */
	struct sl_fib_change d6 = del(1, net6, 24), d5 = del(1, net5, 24);
	apply(&d6, 1);
	assert_true(sl_fib_vrf_leaves(fib, 1)); /* 10.5.0.0/24 still leaves */
	apply(&d5, 1);
	assert_false(sl_fib_vrf_leaves(fib, 1));

	/* the default route, re-pointed from eth2 (VRF 2) to eth0 (VRF 1) */
	struct sl_fib_change dflt =
		sl_test_route(1, 0, 0, SL_NH_GATEWAY, "eth2", sl_test_ip4(10, 2, 0, 10));
	apply(&dflt, 1);
	assert_true(sl_fib_vrf_leaves(fib, 1));
	dflt = sl_test_route(1, 0, 0, SL_NH_GATEWAY, "eth0", sl_test_ip4(10, 1, 0, 10));
	apply(&dflt, 1);
	assert_false(sl_fib_vrf_leaves(fib, 1));

	/* an ECMP group with a member on eth2, replaced by one without */
	struct sl_fib_change g = ecmp(net6, "eth2");
	apply(&g, 1);
	free(g.paths);
	assert_true(sl_fib_vrf_leaves(fib, 1));
	g = ecmp(net6, "eth0");
	apply(&g, 1);
	free(g.paths);
	assert_false(sl_fib_vrf_leaves(fib, 1));

	/* the route through eth1 leaves while eth1 is in VRF 2; deleted there,
	 * the flag goes, and eth1 back in VRF 1 changes nothing */
	iface_move(2, true);
	seq_check("eth1 to VRF 2");
	assert_true(sl_fib_vrf_leaves(fib, 1));
	struct sl_fib_change d9 = del(1, sl_test_ip4(10, 9, 0, 0), 24);
	unsigned g0 = graces;
	apply(&d9, 1);
	seq_check("the route through eth1 deleted"); /* its burst saw the flag */
	assert_true(graces > g0);
	assert_false(sl_fib_vrf_leaves(fib, 1));
	iface_move(1, true);
	assert_false(sl_fib_vrf_leaves(fib, 1));
}

/* ---- the stress test: a reader lcore against the writer ---- */

#define STRESS_MOVES 400
#define STRESS_SECONDS 4 /* the writer stops early past this (ASan, a loaded VM) */

static struct verdicts stress;
static bool stop; /* atomic */

static int reader_main(void *arg)
{
	(void)arg;
	unsigned id = rte_lcore_id();
	if (sl_fib_reader_register(fib, id) < 0)
		return -1;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		struct view v;
		burst_begin(&v);
		for (int i = 0; i < 64; i++) /* the rest of a burst: the writer's window */
			rte_pause();
		burst_end(&v, &stress);
		sl_fib_reader_quiescent(fib, id);
	}
	sl_fib_reader_unregister(fib, id);
	return 0;
}

static int stress_setup(void **state)
{
	(void)state;
	fib_make();
	memset(&stress, 0, sizeof(stress));
	return 0;
}

static void test_stress_interface_moves(void **state)
{
	(void)state;
	unsigned lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	assert_true(lcore < RTE_MAX_LCORE);
	__atomic_store_n(&stop, false, __ATOMIC_RELEASE);
	assert_int_equal(rte_eal_remote_launch(reader_main, NULL, lcore), 0);
	uint64_t end = rte_get_timer_cycles() + STRESS_SECONDS * rte_get_timer_hz();
	unsigned moves = 0;
	for (; moves < STRESS_MOVES && rte_get_timer_cycles() < end; moves++) {
		iface_move(moves % 2 ? 1 : 2, moves % 16 != 7);
		switch (moves % 8) { /* the neighbour too: not ready, pending, back */
		case 3:
			assert_int_equal(sl_fib_neigh_set(fib, eth1, GW, NULL), 0);
			break;
		case 4:
			assert_int_equal(sl_fib_neigh_pending(fib, eth1, GW), 0);
			break;
		case 5:
			assert_int_equal(sl_fib_neigh_set(fib, eth1, GW, &MAC), 0);
			break;
		default:
			break;
		}
		rte_delay_us_block(20); /* bursts of the new state */
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	assert_int_equal(rte_eal_wait_lcore(lcore), 0);
	print_message("%u moves; reader: %" PRIu64 " bursts, %" PRIu64 " split, %" PRIu64
		      " left VRF 1 unflagged\n",
		moves, stress.bursts, stress.split, stress.unflagged);
	if (stress.split != 0)
		fail_msg("%" PRIu64 " bursts judged in VRF %" PRId64 " forwarded in VRF %" PRId64,
			stress.split, (int64_t)stress.first_judged, (int64_t)stress.first_fwd);
	assert_int_equal(stress.unflagged, 0);
	assert_true(moves >= 16);
	assert_true(stress.bursts > moves);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("fib_egress_race", "0-1") < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seq_interface_moves, seq_setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_index_reuse, seq_setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_flag_clears, seq_setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_stress_interface_moves, stress_setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
