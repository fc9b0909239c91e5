/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_lpm_rcu.c — the per-VRF table under a lock-free reader, checked
 * against a reference LPM. Lcore 1 looks up probe addresses the way the
 * datapath does (sl_fib_table, then rte_lpm_lookupx4 or rte_lpm_lookup, or
 * the small table's bulk and scalar lookups; next-hop array → gateway) while
 * the main lcore applies batches of route sets, re-points and deletes through
 * sl_fib_apply: nested prefixes /8-/32, groups split and folded, the group
 * arrays grown. Two runs: the VRF moves to the rte_lpm layout at once (its
 * first group), or partway (small_groups_max 1,000): the
 * move from the small table to the big one happens under the reader. A third
 * run spreads the prefixes so that the table stays small and most /16s
 * switch between a dense record and a group (sl_fib.h) under the reader.
 *
 * What "an answer the table held" means here: the writer bumps `version`
 * after each batch. A reader samples version before (v0) and after (v1) a
 * lookup; the table it read was the one after batch v0 or a state inside
 * batches v0+1 .. v1+1. The whole schedule is drawn before the reader starts,
 * and the reference logs, per probe address, every value it has after each
 * single change (values that lived only inside a batch count too); the reader
 * checks every answer: it must be the value at the end of batch v0 or one
 * logged for batches v0+1 .. v1+1. Any other answer — a torn group, a zeroed
 * or reused group, a stale array — fails the test.
 *
 * Half of the lookups are "stretched": the reader loads the group array
 * pointer, then the top entry, spins about a microsecond (a worker
 * interrupted between its loads) before each group entry. The inline lookups' windows
 * are nanoseconds wide; this is the same read order, held open.
 *
 * Seeded: SL_LPM_SEED=n replays; SL_LPM_LONG=1 runs 10x the batches.
 */
#include <inttypes.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "fib_test_eal.h"
#include "lpm_oracle.h"
#include "sl_fib.h"

#define VRF 1
#define GATEWAYS 16
#define GW_BASE 0x0aff0000u /* 10.255.0.0: gateway i is GW_BASE + i + 1 */
#define POOL 3000 /* prefixes the writer plays with */
#define PROBES 4096
#define BATCH 16

/* Values one probe address had, in order: (batch, gateway index + 1 or 0). */
struct history {
	uint32_t *ver, *val;
	uint32_t n, cap;
};

static struct sl_fib *fib;
static uint32_t probe[PROBES]; /* sorted */
static struct history hist[PROBES];
static struct lpm_oracle oracle;
static struct sl_fib_change *schedule; /* batches x BATCH */
static uint32_t version;
static uint32_t reader_seen; /* the last version the reader looked up in */
static volatile bool stop;
static uint64_t lookups, stretched, small, wrong, batches_read;
static uint64_t dense_read; /* stretched lookups through a dense /16's record */
static uint32_t small_ver; /* the last version read in a small table */
static char wrong_msg[160];
static uint64_t seed, rng_state;

static uint32_t rnd_from(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

static uint32_t rnd(void)
{
	return rnd_from(&rng_state);
}

/* The gateway index + 1 an answer names (0: no route). */
static uint32_t answer_of(uint32_t val, uint32_t miss)
{
	if (val == miss)
		return 0;
	const struct sl_fib_nh *nh = &sl_fib_nh_table(fib)[val & SL_FIB_VAL_MASK];
	if (nh->type != SL_FIB_NH_T_GATEWAY)
		return UINT32_MAX; /* never a value of the reference */
	return nh->gw - GW_BASE;
}

static bool answer_ok(uint32_t p, uint32_t answer, uint32_t v0, uint32_t v1)
{
	const struct history *h = &hist[p];
	/* the last entry at or before batch v0 (binary search), then up to v1 + 1 */
	uint32_t a = 0, b = h->n;
	while (b - a > 1) {
		uint32_t m = (a + b) / 2;
		if (h->ver[m] <= v0)
			a = m;
		else
			b = m;
	}
	for (; a < h->n && h->ver[a] <= v1 + 1; a++)
		if (h->val[a] == answer)
			return true;
	return false;
}

/* rte_lpm_lookup's reads in its worst order (array pointer first), with the
 * reader held between the tbl24 and the tbl8 read. */
static uint32_t stretched_lookup(uintptr_t tbl, uint32_t ip, uint32_t miss)
{
	if (sl_fib_table_is_small(tbl)) {
		const struct sl_fib_small *t = sl_fib_table_small(tbl);
		const uint32_t *pool = __atomic_load_n(&t->pool, __ATOMIC_RELAXED);
		const uint64_t *dense = __atomic_load_n(&t->dense, __ATOMIC_RELAXED);
		uint32_t e = __atomic_load_n(&t->tbl16[ip >> 16], __ATOMIC_RELAXED);
		if (sl_fib_ent_is_group(e) && (e & SL_FIB_ENT_DENSE)) {
			dense_read++;
			for (int i = 0; i < 150; i++)
				rte_pause();
			e = sl_fib_dense_entry(
				__atomic_load_n(&dense[e & 0xffffff], __ATOMIC_RELAXED), ip);
		}
		for (unsigned shift = 8; sl_fib_ent_is_group(e); shift -= 8) {
			for (int i = 0; i < 150; i++)
				rte_pause();
			e = __atomic_load_n(&pool[(e & 0xffffff) << 8 | ((ip >> shift) & 0xff)],
				__ATOMIC_RELAXED);
		}
		return e & SL_FIB_ENT_VALID ? e & 0xffffff : miss;
	}
	const struct rte_lpm *lpm = sl_fib_table_lpm(tbl);
	const uint32_t *tbl8 = (const uint32_t *)__atomic_load_n(&lpm->tbl8, __ATOMIC_RELAXED);
	uint32_t e = __atomic_load_n((const uint32_t *)&lpm->tbl24[ip >> 8], __ATOMIC_RELAXED);
	if ((e & RTE_LPM_VALID_EXT_ENTRY_BITMASK) == RTE_LPM_VALID_EXT_ENTRY_BITMASK) {
		for (int i = 0; i < 300; i++)
			rte_pause();
		e = __atomic_load_n(&tbl8[(e & 0xffffff) * 256 + (ip & 0xff)], __ATOMIC_RELAXED);
	}
	return e & RTE_LPM_LOOKUP_SUCCESS ? e & 0xffffff : miss;
}

static int reader(void *arg)
{
	(void)arg;
	unsigned id = rte_lcore_id();
	if (sl_fib_reader_register(fib, id) < 0)
		return -1;
	uint64_t s = seed ^ 0x9e3779b97f4a7c15ull;
	const uint32_t miss = UINT32_MAX;
	while (!stop) {
		uint32_t idx[4], ips[4], vals[4];
		for (int k = 0; k < 4; k++) {
			idx[k] = rnd_from(&s) % PROBES;
			ips[k] = probe[idx[k]];
		}
		uint32_t v0 = __atomic_load_n(&version, __ATOMIC_ACQUIRE);
		uintptr_t tbl = sl_fib_table(fib, SL_AF_IPV4, VRF);
		switch (lookups / 4 % 4) { /* the datapath's two ways, and held open */
		case 0:
			if (sl_fib_table_is_small(tbl)) {
				sl_fib_small_lookup_bulk(
					sl_fib_table_small(tbl), ips, vals, 4, miss);
			} else {
				xmm_t x;
				memcpy(&x, ips, sizeof(x));
				rte_lpm_lookupx4(sl_fib_table_lpm(tbl), x, vals, miss);
			}
			break;
		case 1:
			for (int k = 0; k < 4; k++)
				vals[k] = sl_fib_table_lookup(tbl, ips[k], miss);
			break;
		default:
			for (int k = 0; k < 4; k++)
				vals[k] = stretched_lookup(tbl, ips[k], miss);
			stretched += 4;
		}
		if (sl_fib_table_is_small(tbl)) {
			small += 4;
			small_ver = v0;
		}
		uint32_t answer[4];
		for (int k = 0; k < 4; k++)
			answer[k] = answer_of(vals[k], miss);
		/* the table's loads above happen before v1's (x86 keeps loads in order) */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		uint32_t v1 = __atomic_load_n(&version, __ATOMIC_ACQUIRE);
		sl_fib_reader_quiescent(fib, id);
		lookups += 4;
		if (v0 != __atomic_load_n(&reader_seen, __ATOMIC_RELAXED)) {
			batches_read++;
			__atomic_store_n(&reader_seen, v0, __ATOMIC_RELEASE);
		}
		for (int k = 0; k < 4; k++)
			if (!answer_ok(idx[k], answer[k], v0, v1) && wrong++ == 0)
				snprintf(wrong_msg, sizeof(wrong_msg),
					"%08x answered %u between batches %u and %u", ips[k],
					answer[k], v0, v1);
	}
	sl_fib_reader_unregister(fib, id);
	return 0;
}

static void hist_add(uint32_t p, uint32_t ver, uint32_t val)
{
	struct history *h = &hist[p];
	if (h->n > 0 && h->val[h->n - 1] == val)
		return;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 8;
		h->ver = realloc(h->ver, h->cap * sizeof(*h->ver));
		h->val = realloc(h->val, h->cap * sizeof(*h->val));
		assert_true(h->ver != NULL && h->val != NULL);
	}
	h->ver[h->n] = ver;
	h->val[h->n++] = val;
}

static uint32_t oracle_value(uint32_t ip)
{
	const struct lpm_rule *r = lpm_oracle_lookup(&oracle, ip);
	return r ? r->value : 0;
}

/* Log the new value of every probe inside (addr, depth) for batch ver. */
static void log_change(uint32_t addr, uint8_t depth, uint32_t ver)
{
	uint64_t lo = addr, hi = (uint64_t)addr + ((uint64_t)1 << (32 - depth));
	size_t a = 0, b = PROBES;
	while (a < b) {
		size_t m = (a + b) / 2;
		if (probe[m] < lo)
			a = m + 1;
		else
			b = m;
	}
	for (; a < PROBES && probe[a] < hi; a++)
		hist_add((uint32_t)a, ver, oracle_value(probe[a]));
}

static struct sl_fib_change change_of(const struct lpm_rule *r, bool del)
{
	struct sl_fib_change c = {.op = del ? SL_FIB_ROUTE_DEL : SL_FIB_ROUTE_SET,
		.vrf_id = VRF,
		.prefix = {r->addr, r->depth}};
	if (!del) {
		c.nh.type = SL_NH_GATEWAY;
		c.nh.gw = GW_BASE + r->value;
		snprintf(c.nh.ifname, sizeof(c.nh.ifname), "eth1");
	}
	return c;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* small_groups_max 0: the VRF stays small. The prefixes lie in base/bits. */
static void lpm_rcu_oracle(uint32_t small_groups_max, uint32_t base, unsigned bits)
{
	lookups = stretched = small = wrong = batches_read = dense_read = 0;
	version = reader_seen = small_ver = 0;
	memset(hist, 0, sizeof(hist));
	const char *env = getenv("SL_LPM_SEED");
	seed = env ? strtoull(env, NULL, 0) : 0x1cu;
	rng_state = seed * 2654435761u + 88172645463325252ull;
	env = getenv("SL_LPM_LONG");
	uint32_t batches = env && *env && *env != '0' ? 30000 : 3000;
	print_message("seed %" PRIu64 " (SL_LPM_SEED to replay), %u batches\n", seed, batches);

	/* the pool: nested prefixes inside base/bits */
	static struct lpm_rule pool[POOL];
	uint32_t host = ~lpm_oracle_mask((uint8_t)bits);
	for (uint32_t i = 0; i < POOL; i++) {
		uint32_t a = base | (((rnd() << 16) ^ rnd()) & host);
		uint8_t d;
		if (i < 8) {
			d = (uint8_t)(8 + rnd() % 9);
		} else if (rnd() % 2) { /* under an earlier one */
			const struct lpm_rule *up = &pool[rnd() % i];
			d = (uint8_t)RTE_MIN(32u, up->depth + 1 + rnd() % 8);
			a = up->addr | (a & ~lpm_oracle_mask(up->depth));
		} else {
			d = (uint8_t)(17 + rnd() % 16);
		}
		pool[i] = (struct lpm_rule){a & lpm_oracle_mask(d), d, 0};
	}
	for (uint32_t i = 0; i < PROBES; i++) {
		const struct lpm_rule *r = &pool[rnd() % POOL];
		uint32_t last = r->addr | ~lpm_oracle_mask(r->depth);
		uint32_t edge[4] = {r->addr, last, r->addr - 1, last + 1};
		probe[i] = i % 2 ? edge[rnd() % 4] : base | (((rnd() << 16) ^ rnd()) & host);
	}
	qsort(probe, PROBES, sizeof(*probe), cmp_u32);
	lpm_oracle_init(&oracle);
	for (uint32_t p = 0; p < PROBES; p++)
		hist_add(p, 0, 0);

	/* the whole schedule and every probe's history, before any reader runs */
	schedule = malloc((size_t)batches * BATCH * sizeof(*schedule));
	assert_non_null(schedule);
	size_t sets = 0, dels = 0;
	for (uint32_t ver = 1; ver <= batches; ver++) {
		/* alternate filling and draining phases: groups split, then fold */
		uint32_t del_pct = (ver / 300) % 2 ? 70 : 25;
		for (int j = 0; j < BATCH; j++) {
			struct lpm_rule r = pool[rnd() % POOL];
			bool del = lpm_oracle_get(&oracle, r.addr, r.depth) != NULL &&
				   rnd() % 100 < del_pct;
			r.value = 1 + rnd() % GATEWAYS;
			if (del) {
				lpm_oracle_del(&oracle, r.addr, r.depth);
				dels++;
			} else {
				lpm_oracle_set(&oracle, r.addr, r.depth, r.value);
				sets++;
			}
			log_change(r.addr, r.depth, ver);
			schedule[(size_t)(ver - 1) * BATCH + j] = change_of(&r, del);
		}
	}

	fib = sl_fib_new(&(struct sl_fib_config){
		.small_groups_max = small_groups_max, .socket_id = SOCKET_ID_ANY});
	assert_non_null(fib);
	struct sl_fib_iface_conf ifc = {.name = "eth1", .port = 1, .vrf_id = VRF, .up = true};
	assert_int_equal(sl_fib_iface_sync(fib, &ifc, 1), 0);
	struct sl_fib_change add = {.op = SL_FIB_VRF_ADD, .vrf_id = VRF};
	assert_int_equal(sl_fib_apply(fib, &add, 1, NULL), 0);

	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	assert_true(lcore < RTE_MAX_LCORE);
	stop = false;
	assert_int_equal(rte_eal_remote_launch(reader, NULL, lcore), 0);

	uint32_t groups_max = 0, grows = 0, promoted_at = 0;
	size_t bytes_prev = 0;
	for (uint32_t ver = 1; ver <= batches; ver++) {
		/* keep at most two batches ahead of the reader, so that it reads
		 * during (nearly) every batch even on a loaded machine */
		while (__atomic_load_n(&reader_seen, __ATOMIC_ACQUIRE) + 2 < ver)
			sched_yield();
		struct sl_fib_apply_result res;
		int rc = sl_fib_apply(fib, &schedule[(size_t)(ver - 1) * BATCH], BATCH, &res);
		if (rc != 0 || res.failed != 0)
			fail_msg("batch %u: %zu changes failed: %d", ver, res.failed, rc);
		__atomic_store_n(&version, ver, __ATOMIC_SEQ_CST);
		struct sl_fib_stats st;
		sl_fib_stats_get(fib, &st);
		groups_max = RTE_MAX(groups_max, st.tbl8_groups_used);
		grows += st.bytes_per_vrf > bytes_prev && bytes_prev != 0;
		bytes_prev = st.bytes_per_vrf;
		if (promoted_at == 0 && st.promotions > 0)
			promoted_at = ver;
	}
	stop = true;
	assert_int_equal(rte_eal_wait_lcore(lcore), 0);

	struct sl_fib_stats st;
	sl_fib_stats_get(fib, &st);
	print_message("%" PRIu64 " lookups (%" PRIu64 " stretched, %" PRIu64
		      " in the small table) during %" PRIu64 " batches, %" PRIu64 " wrong; "
		      "%zu sets, %zu deletes; groups: at most %u used, %u now; "
		      "the table grew %u times; rte_lpm layout from batch %u; "
		      "%" PRIu64 " stretched through a dense /16\n",
		lookups, stretched, small, batches_read, wrong, sets, dels, groups_max,
		st.tbl8_groups_used, grows, promoted_at, dense_read);
	if (wrong != 0)
		fail_msg("seed %" PRIu64 ": %" PRIu64 " wrong answers, first: %s", seed, wrong,
			wrong_msg);
	/* the writer waits for the reader: it read during most batches */
	assert_true(batches_read >= batches / 4);
	assert_true(groups_max > 200);
	assert_int_equal(st.promotions, small_groups_max != 0);
	/* VRF 0, never used, and VRF if it stayed small */
	assert_int_equal(st.vrfs_small, 1 + (small_groups_max == 0));
	if (small_groups_max == 0) /* sparse: most /16s hold one prefix */
		assert_true(dense_read > 1000);
	if (small_groups_max > 1) { /* the move happened under the reader */
		assert_true(promoted_at > batches / 20 && promoted_at < batches * 9 / 10);
		/* the writer stays two batches ahead at most */
		assert_true(small_ver + 3 >= promoted_at);
	}
	assert_true(grows >= 4);

	sl_fib_free(fib);
	fib = NULL;
	for (uint32_t p = 0; p < PROBES; p++) {
		free(hist[p].ver);
		free(hist[p].val);
	}
	free(schedule);
	lpm_oracle_fini(&oracle);
}

static void test_lpm_rcu_oracle(void **state)
{
	(void)state;
	lpm_rcu_oracle(1, 0x64000000u, 8);
}

static void test_small_promote_rcu_oracle(void **state)
{
	(void)state;
	lpm_rcu_oracle(1000, 0x64000000u, 8);
}

/* Prefixes over 64.0.0.0/2, a /16 for every few: /16s switch between a dense
 * record and their group under the reader. */
static void test_small_dense_rcu_oracle(void **state)
{
	(void)state;
	lpm_rcu_oracle(0, 0x40000000u, 2);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("fiblpmrcu", "0,1") < 0) {
		fprintf(stderr, "%s: cannot start the EAL with 2 lcores\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpm_rcu_oracle),
		cmocka_unit_test(test_small_promote_rcu_oracle),
		cmocka_unit_test(test_small_dense_rcu_oracle),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
