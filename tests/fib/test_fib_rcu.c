/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_rcu.c — reader/writer stress of the FIB. Lcore 1 looks up
 * continuously the way the datapath does (table pointer, bulk LPM, default,
 * one redirect, next-hop array, interface map) while the main lcore replaces
 * and deletes routes (next-hop slots retired and reused), removes and re-adds
 * a VRF, and flips the interface map. Every answer must be a next hop that is
 * valid for the address at some moment: never a wrong one. Bounded by a
 * number of writer rounds, not by time.
 *
 * A second test grows the next-hop and egress arrays (256 -> 2048 slots,
 * three doublings, in several fresh FIBs) while the reader holds them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "fib_test_eal.h"
#include "sl_fib.h"

#define CHURN 64 /* 10.i.0.0/16 in VRF 1, 20.i.0.0/16 in VRF 2 */
#define ROUNDS 400

static struct sl_fib *fib;
static volatile bool stop;
static uint64_t lookups, wrong, misses_20;
static char wrong_msg[256];

static uint32_t A(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static void note_wrong(const char *what, uint32_t ip, uint32_t got)
{
	if (wrong++ == 0)
		snprintf(wrong_msg, sizeof(wrong_msg), "%s: %08x -> %08x", what, ip, got);
}

/* The reader's view of one lookup: gw of the next hop or 0 on a miss. */
static uint32_t resolve(uint32_t vrf, uint32_t ip)
{
	for (int hop = 0; hop < 2; hop++) {
		uintptr_t tbl = sl_fib_table(fib, SL_AF_IPV4, vrf);
		if (tbl == 0)
			return 0;
		uint32_t h = sl_fib_table_lookup(tbl, ip, UINT32_MAX);
		h = h == UINT32_MAX ? sl_fib_default(fib, SL_AF_IPV4, vrf)
				    : h | RTE_LPM_LOOKUP_SUCCESS;
		if (!(h & RTE_LPM_LOOKUP_SUCCESS))
			return 0;
		uint32_t val = h & SL_FIB_VAL_MASK;
		if (sl_fib_val_is_redirect(val)) {
			vrf = sl_fib_val_vrf(val);
			continue;
		}
		const struct sl_fib_nh *nh = &sl_fib_nh_table(fib)[val];
		if (nh->type != SL_FIB_NH_T_GATEWAY) {
			note_wrong("next-hop type", ip, nh->type);
			return 0;
		}
		const struct sl_fib_ifmap *m = sl_fib_ifmap(fib);
		if (nh->oif >= SL_FIB_IFACE_MAX || m->ifs[nh->oif].name[0] != 'e')
			note_wrong("interface", ip, nh->oif);
		return nh->gw;
	}
	note_wrong("second redirect", ip, vrf);
	return 0;
}

/* One critical section of the reader thread; i counts its lookups. */
typedef void (*reader_pass_fn)(uint32_t *i);

static reader_pass_fn reader_pass; /* set before the reader is launched */

/* The reader thread (lcore 1): passes separated by quiescent states. */
static int reader(void *arg)
{
	(void)arg;
	unsigned id = rte_lcore_id();
	if (sl_fib_reader_register(fib, id) < 0)
		return -1;
	uint32_t i = 0;
	while (!stop) {
		reader_pass(&i);
		sl_fib_reader_quiescent(fib, id);
	}
	sl_fib_reader_unregister(fib, id);
	return 0;
}

static void stress_pass(uint32_t *i)
{
	uint32_t k = *i % CHURN, host = (*i * 7919u) & 0xffff;
	uint32_t ip10 = A(10, k, host >> 8, host & 0xff);
	uint32_t gw = resolve(1, ip10);
	/* the covering /8, or the /16's current or previous next hop */
	if (gw != A(10, 0, 0, 1) && gw != A(10, k, 0, 254) && gw != A(10, k, 0, 253))
		note_wrong("10/8 space", ip10, gw);
	uint32_t ip20 = A(20, k, host >> 8, host & 0xff);
	gw = resolve(1, ip20); /* leaked into VRF 2, which comes and goes */
	if (gw == 0)
		misses_20++;
	else if (gw != A(20, k, 0, 254))
		note_wrong("20/8 space", ip20, gw);
	lookups += 2;
	(*i)++;
}

static struct sl_fib_change gw_route(
	uint32_t vrf, uint32_t addr, uint8_t len, const char *ifn, uint32_t gw)
{
	struct sl_fib_change c = {.op = SL_FIB_ROUTE_SET, .vrf_id = vrf, .prefix = {addr, len}};
	c.nh.type = SL_NH_GATEWAY;
	c.nh.gw = gw;
	snprintf(c.nh.ifname, sizeof(c.nh.ifname), "%s", ifn);
	return c;
}

static void apply1(struct sl_fib_change c)
{
	assert_int_equal(sl_fib_apply(fib, &c, 1, NULL), 0);
}

static void vrf2_up(void)
{
	apply1((struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 2});
	struct sl_fib_change ch[CHURN];
	for (uint32_t k = 0; k < CHURN; k++)
		ch[k] = gw_route(2, A(20, k, 0, 0), 16, "eth2", A(20, k, 0, 254));
	assert_int_equal(sl_fib_apply(fib, ch, CHURN, NULL), 0);
}

static void vrf2_down(void)
{
	struct sl_fib_change ch[CHURN + 1];
	for (uint32_t k = 0; k < CHURN; k++)
		ch[k] = (struct sl_fib_change){
			.op = SL_FIB_ROUTE_DEL, .vrf_id = 2, .prefix = {A(20, k, 0, 0), 16}};
	ch[CHURN] = (struct sl_fib_change){.op = SL_FIB_VRF_DEL, .vrf_id = 2};
	assert_int_equal(sl_fib_apply(fib, ch, CHURN + 1, NULL), 0);
}

static void test_rcu_stress(void **state)
{
	(void)state;
	struct sl_fib_config cfg = {
		.max_rules = 4096, .number_tbl8s = 256, .socket_id = SOCKET_ID_ANY};
	fib = sl_fib_new(&cfg);
	assert_non_null(fib);
	struct sl_fib_iface_conf ifc[2] = {
		{.name = "eth1", .port = 1, .vrf_id = 1, .up = true},
		{.name = "eth2", .port = 2, .vrf_id = 2, .up = true},
	};
	assert_int_equal(sl_fib_iface_sync(fib, ifc, 2), 0);
	apply1((struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 1});
	apply1(gw_route(1, A(10, 0, 0, 0), 8, "eth1", A(10, 0, 0, 1)));
	struct sl_fib_change leak = {
		.op = SL_FIB_ROUTE_SET, .vrf_id = 1, .prefix = {A(20, 0, 0, 0), 8}};
	leak.nh.type = SL_NH_VRF;
	leak.nh.vrf_id = 2;
	apply1(leak);
	vrf2_up();

	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	assert_true(lcore < RTE_MAX_LCORE);
	stop = false;
	reader_pass = stress_pass;
	assert_int_equal(rte_eal_remote_launch(reader, NULL, lcore), 0);

	srand(42);
	bool vrf2 = true;
	for (int round = 0; round < ROUNDS; round++) {
		/* a batch of /16 changes: set to .254 or .253 (new next-hop
		 * slots, old ones retired) or delete */
		struct sl_fib_change ch[16];
		size_t n = 0;
		for (int j = 0; j < 16; j++) {
			uint32_t k = (uint32_t)rand() % CHURN;
			int what = rand() % 3;
			if (what == 2)
				ch[n++] = (struct sl_fib_change){.op = SL_FIB_ROUTE_DEL,
					.vrf_id = 1,
					.prefix = {A(10, k, 0, 0), 16}};
			else
				ch[n++] = gw_route(1, A(10, k, 0, 0), 16, "eth1",
					A(10, k, 0, what ? 253 : 254));
		}
		struct sl_fib_apply_result r;
		sl_fib_apply(fib, ch, n, &r); /* deleting an absent route is -ENOENT: fine */
		assert_int_equal(r.applied + r.failed, n);
		if (round % 10 == 5) {
			if (vrf2)
				vrf2_down();
			else
				vrf2_up();
			vrf2 = !vrf2;
		}
		if (round % 7 == 3) { /* republish the interface map */
			ifc[1].mtu = ifc[1].mtu == 9000 ? 1500 : 9000;
			assert_int_equal(sl_fib_iface_sync(fib, ifc, 2), 0);
		}
	}
	stop = true;
	assert_int_equal(rte_eal_wait_lcore(lcore), 0);
	if (wrong != 0)
		fail_msg("%" PRIu64 " wrong answers, first %s", wrong, wrong_msg);
	assert_true(lookups > 0);
	struct sl_fib_stats st;
	sl_fib_stats_get(fib, &st);
	/* at most: blackhole, 10/8, two per /16, one per 20/16 */
	assert_true(st.nh_used <= 2 + 2 * CHURN + CHURN);
	sl_fib_free(fib);
	fib = NULL;
	print_message("reader: %" PRIu64 " lookups, %" PRIu64 " misses while VRF 2 was away\n",
		lookups, misses_20);
}

/* ---- growth of the next-hop and egress arrays under a reader ---- */

#define GROW_ROUTES 2000 /* + the blackhole: the arrays end at 2048 slots */
#define GROW_BATCH 50
#define GROW_CYCLES 3 /* a fresh FIB each: the arrays never shrink */

static uint32_t grow_installed; /* routes [0, n) are in VRF 1's LPM */
static uint64_t grow_loops;

/* Route k: 30.(k / 256).(k % 256).0/24 via its own gateway .1, whose MAC is
 * 02:00:00:00:(k / 256):(k % 256): every next hop is a distinct slot. */
static uint32_t grow_net(uint32_t k)
{
	return A(30, k >> 8, k & 255, 0);
}

static void grow_pass(uint32_t *i)
{
	/* Both arrays are taken once per critical section, before the lookups:
	 * the writer publishes a bigger array and waits a grace period before
	 * any route uses its new slots, so what was taken here covers every
	 * index found until the next quiescent state. */
	const struct sl_fib_nh *nht = sl_fib_nh_table(fib);
	const struct sl_fib_egress *egt = sl_fib_egress_table(fib);
	uintptr_t tbl = sl_fib_table(fib, SL_AF_IPV4, 1);
	for (int j = 0; j < 64 && tbl != 0; j++, (*i)++) {
		/* routes installed meanwhile are looked up too */
		uint32_t n = __atomic_load_n(&grow_installed, __ATOMIC_ACQUIRE);
		if (n == 0)
			break;
		uint32_t k = (*i * 7919u) % n, ip = grow_net(k) | (1 + *i % 200), val;
		if ((val = sl_fib_table_lookup(tbl, ip, UINT32_MAX)) == UINT32_MAX) {
			note_wrong("installed route missing", ip, 0);
			continue;
		}
		if (nht[val].gw != (grow_net(k) | 1))
			note_wrong("gateway", ip, nht[val].gw);
		const struct sl_fib_egress *e = sl_fib_egress_of(egt, val);
		uint8_t mac[8];
		memcpy(mac, &e->w0, sizeof(mac));
		if (e->l2_len != 14 || e->port != 1 || mac[4] != k >> 8 || mac[5] != (k & 255))
			note_wrong("egress record", ip, e->l2_len);
		lookups++;
	}
	__atomic_fetch_add(&grow_loops, 1, __ATOMIC_RELEASE);
}

/* Let the reader run at least one critical section after the last change. */
static void grow_wait_reader(void)
{
	uint64_t seen = __atomic_load_n(&grow_loops, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&grow_loops, __ATOMIC_ACQUIRE) < seen + 2)
		rte_pause();
}

static void test_rcu_growth(void **state)
{
	(void)state;
	struct sl_fib_config cfg = {
		.max_rules = 4096, .number_tbl8s = 64, .socket_id = SOCKET_ID_ANY};
	struct sl_fib_iface_conf ifc = {.name = "eth1",
		.port = 1,
		.vrf_id = 1,
		.up = true,
		.mac = {{0x02, 0, 0, 0, 0, 0x01}}};
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	assert_true(lcore < RTE_MAX_LCORE);
	wrong = lookups = 0;
	for (int cycle = 0; cycle < GROW_CYCLES; cycle++) {
		fib = sl_fib_new(&cfg);
		assert_non_null(fib);
		assert_int_equal(sl_fib_iface_sync(fib, &ifc, 1), 0);
		apply1((struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 1});
		int oif = sl_fib_iface_index(fib, "eth1");
		assert_true(oif >= 0);
		struct sl_fib_stats st;
		sl_fib_stats_get(fib, &st);
		assert_int_equal(st.nh_capacity, 256);

		__atomic_store_n(&grow_installed, 0, __ATOMIC_RELEASE);
		stop = false;
		reader_pass = grow_pass;
		assert_int_equal(rte_eal_remote_launch(reader, NULL, lcore), 0);
		grow_wait_reader();
		for (uint32_t k0 = 0; k0 < GROW_ROUTES; k0 += GROW_BATCH) {
			struct sl_fib_change ch[GROW_BATCH];
			for (uint32_t j = 0; j < GROW_BATCH; j++) {
				uint32_t k = k0 + j;
				struct rte_ether_addr mac = {
					{0x02, 0, 0, 0, (uint8_t)(k >> 8), (uint8_t)k}};
				assert_int_equal(
					sl_fib_neigh_set(fib, (uint16_t)oif, grow_net(k) | 1, &mac),
					0);
				ch[j] = gw_route(1, grow_net(k), 24, "eth1", grow_net(k) | 1);
			}
			assert_int_equal(sl_fib_apply(fib, ch, GROW_BATCH, NULL), 0);
			__atomic_store_n(&grow_installed, k0 + GROW_BATCH, __ATOMIC_RELEASE);
			grow_wait_reader();
		}
		stop = true;
		assert_int_equal(rte_eal_wait_lcore(lcore), 0);
		sl_fib_stats_get(fib, &st);
		assert_int_equal(st.nh_used, GROW_ROUTES + 1);
		assert_int_equal(st.nh_capacity, 2048);
		sl_fib_free(fib);
		fib = NULL;
		if (wrong != 0)
			fail_msg("cycle %d: %" PRIu64 " wrong answers, first %s", cycle, wrong,
				wrong_msg);
	}
	assert_true(lookups > 0);
	print_message("growth reader: %" PRIu64 " lookups over %d cycles of 256 -> 2048 slots\n",
		lookups, GROW_CYCLES);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("fibrcu", "0,1") < 0) {
		fprintf(stderr, "%s: cannot start the EAL with 2 lcores\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcu_stress),
		cmocka_unit_test(test_rcu_growth),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
