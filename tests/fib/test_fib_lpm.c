/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_lpm.c — both table layouts of lib/fib (fib_lpm.c: rte_lpm's 24-8
 * and the small 16-8-8) against a reference LPM: tens of thousands of nested
 * and overlapping prefixes of every depth 1..32 are set, re-pointed and
 * deleted at random (groups split and fold, the group array grows many times),
 * and after each phase every answer of the table's lookups (rte_lpm_lookup,
 * rte_lpm_lookupx4 and rte_lpm_lookup_bulk; or sl_fib_small_entry,
 * sl_fib_small_lookup_bulk and sl_fib_table_lookup) is compared with the
 * reference over random and boundary addresses.
 *
 * Seeded: SL_LPM_SEED=n replays one seed; SL_LPM_LONG=1 runs 10x the rules.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fib_lpm.h"
#include "fib_test_eal.h"
#include "lpm_oracle.h"

#define MISS UINT32_MAX /* lookupx4's default: no value has 32 bits */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static uint64_t seed;
static uint32_t region[16]; /* /10s where most rules live, so they nest */

static struct fib_lpm *tbl;
static enum fib_lpm_kind kind;
static struct lpm_oracle oracle;
static struct rte_rcu_qsbr *qsbr;
static size_t checked;

/* Mostly /17-/32 in a few regions, some short ones that cover many others. */
static uint8_t random_depth(void)
{
	uint32_t r = rnd() % 100;
	if (r < 2)
		return (uint8_t)(1 + rnd() % 7);
	if (r < 12)
		return (uint8_t)(8 + rnd() % 9);
	if (r < 60)
		return (uint8_t)(17 + rnd() % 8);
	return (uint8_t)(25 + rnd() % 8);
}

static void random_prefix(uint32_t *addr, uint8_t *depth)
{
	uint32_t how = rnd() % 10;
	if (how < 3 && oracle.n > 0) { /* inside an existing rule */
		const struct lpm_rule *r = &oracle.rules[rnd() % oracle.n];
		uint8_t d = (uint8_t)(r->depth + 1 + rnd() % (33 - r->depth));
		*depth = RTE_MIN(d, 32);
		*addr = r->addr | (rnd() & ~lpm_oracle_mask(r->depth));
		return;
	}
	*depth = random_depth();
	uint32_t a = (rnd() << 16) ^ rnd();
	if (how < 9)
		a = region[rnd() % 16] | (a & 0x003fffff);
	*addr = a;
}

static uint32_t random_addr(void)
{
	uint32_t a = (rnd() << 16) ^ rnd();
	return rnd() % 5 ? (region[rnd() % 16] | (a & 0x003fffff)) : a;
}

static void set_rule(uint32_t addr, uint8_t depth)
{
	uint32_t value = rnd() & 0xffffff;
	assert_int_equal(fib_lpm_set(tbl, addr, depth, value), 0);
	lpm_oracle_set(&oracle, addr, depth, value);
}

static void del_random_rule(void)
{
	const struct lpm_rule r = oracle.rules[rnd() % oracle.n];
	assert_int_equal(fib_lpm_del(tbl, r.addr, r.depth), 0);
	assert_true(lpm_oracle_del(&oracle, r.addr, r.depth));
}

static void fail_at(const char *how, uint32_t ip, uint32_t got)
{
	const struct lpm_rule *r = lpm_oracle_lookup(&oracle, ip);
	fail_msg("seed %" PRIu64 ": %s of %08x gave %08x, expected %08x/%u (%s)", seed, how, ip,
		got, r ? r->value : MISS, r ? r->depth : 0, r ? "rule" : "miss");
}

/* The small table's three lookups against the oracle, ips[0..n) (n % 4 == 0). */
static void check_ips_small(const uint32_t *ips, size_t n)
{
	uintptr_t h = fib_lpm_handle(tbl);
	assert_true(sl_fib_table_is_small(h));
	const struct sl_fib_small *t = sl_fib_table_small(h);
	for (size_t i = 0; i < n; i += 36) {
		unsigned m = (unsigned)RTE_MIN(n - i, (size_t)36); /* odd bursts too */
		uint32_t bulk[36];
		sl_fib_small_lookup_bulk(t, &ips[i], bulk, m, MISS);
		for (unsigned k = 0; k < m; k++) {
			uint32_t ip = ips[i + k];
			const struct lpm_rule *r = lpm_oracle_lookup(&oracle, ip);
			uint32_t want = r ? r->value : MISS;
			uint32_t raw = sl_fib_small_entry(t, ip);
			/* a dense /16's record keeps no depth bits */
			uint32_t depth = raw >> 26 ? (uint32_t)r->depth << 26 : 0;
			if (raw != (r ? (r->value | SL_FIB_ENT_VALID | depth) : 0))
				fail_at("sl_fib_small_entry", ip, raw);
			if (bulk[k] != want)
				fail_at("sl_fib_small_lookup_bulk", ip, bulk[k]);
			if (sl_fib_table_lookup(h, ip, MISS) != want)
				fail_at("sl_fib_table_lookup", ip,
					sl_fib_table_lookup(h, ip, MISS));
		}
	}
	checked += n;
}

/* Compare all three lookups with the oracle for ips[0..n) (n % 4 == 0). */
static void check_ips(const uint32_t *ips, size_t n)
{
	if (kind == FIB_LPM_SMALL) {
		check_ips_small(ips, n);
		return;
	}
	const struct rte_lpm *lpm = fib_lpm_table(tbl);
	for (size_t i = 0; i < n; i += 4) {
		uint32_t x4[4], bulk[4];
		rte_lpm_lookupx4(lpm, _mm_loadu_si128((const void *)&ips[i]), x4, MISS);
		rte_lpm_lookup_bulk(lpm, &ips[i], bulk, 4);
		for (int k = 0; k < 4; k++) {
			uint32_t ip = ips[i + k], one;
			const struct lpm_rule *r = lpm_oracle_lookup(&oracle, ip);
			int rc = rte_lpm_lookup(lpm, ip, &one);
			if (r == NULL) {
				if (rc != -ENOENT)
					fail_at("rte_lpm_lookup", ip, one);
				if (x4[k] != MISS)
					fail_at("rte_lpm_lookupx4", ip, x4[k]);
				if (bulk[k] & RTE_LPM_LOOKUP_SUCCESS)
					fail_at("rte_lpm_lookup_bulk", ip, bulk[k]);
				continue;
			}
			if (rc != 0 || one != r->value)
				fail_at("rte_lpm_lookup", ip, rc == 0 ? one : MISS);
			if (x4[k] != r->value)
				fail_at("rte_lpm_lookupx4", ip, x4[k]);
			/* the raw entry also carries the matching rule's depth, as rte_lpm's */
			if (bulk[k] !=
				(r->value | RTE_LPM_LOOKUP_SUCCESS | (uint32_t)r->depth << 26))
				fail_at("rte_lpm_lookup_bulk", ip, bulk[k]);
		}
	}
	checked += n;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Distinct /b of the rules deeper than b. */
static size_t count_split(uint8_t b)
{
	uint32_t *deep = malloc((oracle.n + 1) * sizeof(*deep));
	assert_non_null(deep);
	size_t nd = 0, groups = 0;
	for (size_t k = 0; k < oracle.n; k++)
		if (oracle.rules[k].depth > b)
			deep[nd++] = oracle.rules[k].addr >> (32 - b);
	qsort(deep, nd, sizeof(*deep), cmp_u32);
	for (size_t k = 0; k < nd; k++)
		groups += k == 0 || deep[k] != deep[k - 1];
	free(deep);
	return groups;
}

/* fib_lpm_get (the exact-match index beside the trie) knows every rule with
 * its value, and no prefix one bit longer or shorter that is not a rule. */
static void verify_exact(void)
{
	for (size_t k = 0; k < oracle.n; k++) {
		const struct lpm_rule *r = &oracle.rules[k];
		uint32_t v = MISS;
		if (!fib_lpm_get(tbl, r->addr, r->depth, &v) || v != r->value)
			fail_msg("seed %" PRIu64 ": get %08x/%u = %08x, the rule holds %08x", seed,
				r->addr, r->depth, v, r->value);
		for (int side = 0; side < 2; side++) {
			uint8_t d = side ? r->depth + 1 : r->depth - 1;
			if (d < 1 || d > 32)
				continue;
			uint32_t a = r->addr & lpm_oracle_mask(d);
			bool held = lpm_oracle_get(&oracle, a, d) != NULL;
			if (fib_lpm_get(tbl, a, d, NULL) != held)
				fail_msg("seed %" PRIu64 ": get %08x/%u says %d, the oracle %d",
					seed, a, d, !held, held);
		}
	}
}

static size_t dense_seen; /* dense /16s over the verify()s of a test */

/* Random addresses, the edges of rules and their neighbours; and the group
 * count: one per /24 (and, small, per /16) holding a longer rule (folds happened). */
static void verify(void)
{
	verify_exact();
	enum { RANDOM = 40000, EDGES = 10000 };
	static uint32_t ips[RANDOM + 4 * EDGES];
	size_t n = 0;
	for (int i = 0; i < RANDOM; i++)
		ips[n++] = random_addr();
	for (int i = 0; i < EDGES && oracle.n > 0; i++) {
		const struct lpm_rule *r = &oracle.rules[rnd() % oracle.n];
		uint32_t last = r->addr | ~lpm_oracle_mask(r->depth);
		ips[n++] = r->addr;
		ips[n++] = last;
		ips[n++] = r->addr - 1;
		ips[n++] = last + 1;
	}
	check_ips(ips, n & ~(size_t)3);

	if (kind == FIB_LPM_SMALL) { /* /16s read from their dense record: checked too */
		const uint32_t *top = sl_fib_table_small(fib_lpm_handle(tbl))->tbl16;
		for (size_t i = 0; i < (1u << 16); i++)
			dense_seen += sl_fib_ent_is_group(top[i]) && (top[i] & SL_FIB_ENT_DENSE);
	}
	size_t groups = count_split(24) + (kind == FIB_LPM_SMALL ? count_split(16) : 0);
	struct fib_lpm_stats st;
	fib_lpm_stats_get(tbl, &st);
	assert_int_equal(st.rules, oracle.n);
	assert_int_equal(st.tbl8_used, groups);
	assert_true(st.trie_nodes < 2 * st.rules + 1);
}

static size_t env_scale(void)
{
	const char *s = getenv("SL_LPM_LONG");
	return s && *s && *s != '0' ? 10 : 1;
}

static void table_against_oracle(enum fib_lpm_kind k)
{
	kind = k;
	checked = 0;
	dense_seen = 0;
	const char *s = getenv("SL_LPM_SEED");
	seed = s ? strtoull(s, NULL, 0) : 0x5eed1u;
	rng_state = seed * 2654435761u + 88172645463325252ull;
	print_message("seed %" PRIu64 " (SL_LPM_SEED to replay)\n", seed);
	for (int i = 0; i < 16; i++)
		region[i] = ((rnd() << 16) ^ rnd()) & 0xffc00000;
	size_t target = 30000 * env_scale();

	tbl = fib_lpm_new(kind, SOCKET_ID_ANY, 4, qsbr); /* tiny: the array must grow */
	assert_non_null(tbl);
	lpm_oracle_init(&oracle);

	/* load */
	while (oracle.n < target) {
		uint32_t a;
		uint8_t d;
		random_prefix(&a, &d);
		set_rule(a, d);
	}
	verify();

	/* churn: deletes, re-points of existing rules, new rules */
	for (int phase = 0; phase < 4; phase++) {
		for (size_t op = 0; op < target / 2; op++) {
			uint32_t what = rnd() % 10;
			if (what < 4) {
				del_random_rule();
			} else if (what < 7) {
				const struct lpm_rule *r = &oracle.rules[rnd() % oracle.n];
				set_rule(r->addr, r->depth);
			} else {
				uint32_t a;
				uint8_t d;
				random_prefix(&a, &d);
				set_rule(a, d);
			}
		}
		verify();
	}

	/* the deep rules go first (every group folds), then the rest */
	for (size_t k = 0; k < oracle.n;) {
		if (oracle.rules[k].depth > 24) {
			struct lpm_rule r = oracle.rules[k];
			assert_int_equal(fib_lpm_del(tbl, r.addr, r.depth), 0);
			lpm_oracle_del(&oracle, r.addr, r.depth);
		} else {
			k++;
		}
	}
	verify();
	while (oracle.n > 0)
		del_random_rule();
	verify();

	struct fib_lpm_stats st;
	fib_lpm_stats_get(tbl, &st);
	assert_int_equal(st.trie_nodes, 0);
	assert_int_equal(st.tbl8_used, 0);
	assert_true(st.tbl8_grows >= 8); /* 4 groups grew past 1,000 */
	const uint32_t *top = kind == FIB_LPM_SMALL ? sl_fib_table_small(fib_lpm_handle(tbl))->tbl16
						    : (const uint32_t *)fib_lpm_table(tbl)->tbl24;
	size_t n_top = kind == FIB_LPM_SMALL ? 1u << 16 : RTE_LPM_TBL24_NUM_ENTRIES;
	for (size_t i = 0; i < n_top; i++)
		if (top[i] != 0)
			fail_msg("seed %" PRIu64 ": top[%zx] = %08x in an empty table", seed, i,
				top[i]);
	print_message("%s: %zu addresses checked, group array %u groups after %u grows, "
		      "%zu dense /16s seen\n",
		kind == FIB_LPM_SMALL ? "small" : "rte_lpm layout", checked, st.tbl8_groups,
		st.tbl8_grows, dense_seen);
	assert_true(kind != FIB_LPM_SMALL || dense_seen > 1000);
	fib_lpm_free(tbl);
	lpm_oracle_fini(&oracle);
}

static void test_table_against_oracle(void **state)
{
	(void)state;
	table_against_oracle(FIB_LPM_LARGE);
}

static void test_small_against_oracle(void **state)
{
	(void)state;
	table_against_oracle(FIB_LPM_SMALL);
}

/* A table of one layout copied into the other answers the same. */
static void test_copy(void **state)
{
	(void)state;
	kind = FIB_LPM_SMALL;
	rng_state = 0x3c0b7u;
	for (int i = 0; i < 16; i++)
		region[i] = ((rnd() << 16) ^ rnd()) & 0xffc00000;
	tbl = fib_lpm_new(FIB_LPM_SMALL, SOCKET_ID_ANY, 0, qsbr);
	assert_non_null(tbl);
	lpm_oracle_init(&oracle);
	while (oracle.n < 5000) {
		uint32_t a;
		uint8_t d;
		random_prefix(&a, &d);
		set_rule(a, d);
	}
	struct fib_lpm *small = tbl;
	tbl = fib_lpm_new(FIB_LPM_LARGE, SOCKET_ID_ANY, 0, qsbr);
	assert_non_null(tbl);
	assert_int_equal(fib_lpm_copy(tbl, small), 0);
	fib_lpm_free(small);
	kind = FIB_LPM_LARGE;
	verify();
	fib_lpm_free(tbl);
	lpm_oracle_fini(&oracle);
}

static void test_edges(void **state)
{
	(void)state;
	tbl = fib_lpm_new(FIB_LPM_LARGE, SOCKET_ID_ANY, 0, qsbr);
	assert_non_null(tbl);
	assert_int_equal(fib_lpm_set(tbl, 0, 0, 1), -EINVAL);
	assert_int_equal(fib_lpm_set(tbl, 0, 33, 1), -EINVAL);
	assert_int_equal(fib_lpm_set(tbl, 0, 8, 1u << 24), -EINVAL);
	assert_int_equal(fib_lpm_del(tbl, 0x0a000000, 8), -ENOENT);
	/* the whole space in two halves, a host route at each end */
	assert_int_equal(fib_lpm_set(tbl, 0, 1, 10), 0);
	assert_int_equal(fib_lpm_set(tbl, 0x80000000, 1, 11), 0);
	assert_int_equal(fib_lpm_set(tbl, 0, 32, 12), 0);
	assert_int_equal(fib_lpm_set(tbl, 0xffffffff, 32, 13), 0);
	/* host bits are ignored */
	assert_int_equal(fib_lpm_set(tbl, 0x0a0b0c0d, 24, 14), 0);
	uint32_t v = 0;
	assert_true(fib_lpm_get(tbl, 0x0a0b0c00, 24, &v));
	assert_int_equal(v, 14);
	assert_false(fib_lpm_get(tbl, 0x0a0b0c00, 25, &v));
	const struct rte_lpm *lpm = fib_lpm_table(tbl);
	uint32_t expect[][2] = {{0, 12}, {1, 10}, {0x7fffffff, 10}, {0x80000000, 11},
		{0xfffffffe, 11}, {0xffffffff, 13}, {0x0a0b0cff, 14}, {0x0a0b0d00, 10}};
	for (size_t i = 0; i < RTE_DIM(expect); i++) {
		assert_int_equal(rte_lpm_lookup(lpm, expect[i][0], &v), 0);
		assert_int_equal(v, expect[i][1]);
	}
	assert_int_equal(fib_lpm_del(tbl, 0, 1), 0);
	assert_int_equal(rte_lpm_lookup(lpm, 1, &v), -ENOENT);
	assert_int_equal(rte_lpm_lookup(lpm, 0, &v), 0);
	assert_int_equal(v, 12);
	fib_lpm_free(tbl);
}

/* Trie nodes a removal lets go are reused by later inserts (fib_lpm.c's
 * node cache): a reused branch point or leaf starts clean. */
static void test_node_reuse(void **state)
{
	(void)state;
	tbl = fib_lpm_new(FIB_LPM_LARGE, SOCKET_ID_ANY, 0, qsbr);
	assert_non_null(tbl);
	const struct rte_lpm *lpm = fib_lpm_table(tbl);
	struct fib_lpm_stats st;
	uint32_t v = 0;
	for (int round = 0; round < 3; round++) {
		/* two /24s part at /23 (a branch point), a /16 above both, a /28 below */
		uint32_t base = 0x0a000000u + ((uint32_t)round << 20);
		assert_int_equal(fib_lpm_set(tbl, base, 24, 1), 0);
		assert_int_equal(fib_lpm_set(tbl, base | 0x100, 24, 2), 0);
		assert_int_equal(fib_lpm_set(tbl, base & 0xffff0000u, 16, 3), 0);
		assert_int_equal(fib_lpm_set(tbl, base | 0x110, 28, 4), 0);
		fib_lpm_stats_get(tbl, &st);
		assert_int_equal(st.rules, 4);
		assert_int_equal(st.trie_nodes, 5);
		uint32_t expect[][2] = {{base | 1, 1}, {base | 0x101, 2}, {base | 0x111, 4},
			{base | 0x120, 2}, {base | 0x200, 3}};
		for (size_t i = 0; i < RTE_DIM(expect); i++) {
			assert_int_equal(rte_lpm_lookup(lpm, expect[i][0], &v), 0);
			assert_int_equal(v, expect[i][1]);
		}
		assert_false(fib_lpm_get(tbl, base & 0xfffffe00u, 23, &v));
		/* every node goes: the next round takes them back in another shape */
		assert_int_equal(fib_lpm_del(tbl, base | 0x100, 24), 0);
		assert_int_equal(fib_lpm_del(tbl, base, 24), 0);
		assert_int_equal(rte_lpm_lookup(lpm, base | 1, &v), 0);
		assert_int_equal(v, 3);
		assert_int_equal(fib_lpm_del(tbl, base | 0x110, 28), 0);
		assert_int_equal(fib_lpm_del(tbl, base & 0xffff0000u, 16), 0);
		assert_int_equal(rte_lpm_lookup(lpm, base | 0x111, &v), -ENOENT);
		fib_lpm_stats_get(tbl, &st);
		assert_int_equal(st.trie_nodes, 0);
		assert_int_equal(st.rules, 0);
	}
	fib_lpm_free(tbl);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sl_test_eal_init("fiblpm", "0") < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	/* no reader registers: grace periods end at once */
	qsbr = rte_zmalloc("qsbr", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, 1) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_node_reuse),
		cmocka_unit_test(test_table_against_oracle),
		cmocka_unit_test(test_small_against_oracle),
		cmocka_unit_test(test_copy),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_free(qsbr);
	rte_eal_cleanup();
	return rc;
}
