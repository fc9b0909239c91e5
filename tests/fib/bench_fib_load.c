/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_fib_load.c — cost of programming routes (not a test:
 * `meson test --benchmark -C BUILD fib-load-bench`, or run the executable;
 * arguments: routes for sluice, default 1,000,000; routes for rte_lpm,
 * default 100,000). One VRF; routes drawn like a BGP table (seeded): 65 %
 * /24, 28 % /16-/23, 7 % /25-/32, random addresses in 1.0.0.0-223.255.255.255,
 * four gateways.
 *
 * sluice: every route is one sl_fib_apply call (one change), timed with the
 * TSC: load seconds, cycles per add, the slowest single change; then the
 * same routes deleted one by one. rte_lpm: rte_lpm_add/rte_lpm_delete of the
 * first routes of the same list in a table sized for them, timed the same
 * way, and sluice again on exactly those routes. Last, all routes as one
 * change set into a new VRF (as sluiced loads --config): sl_fib_reserve's
 * count and allocation, then sl_fib_apply.
 * `bench_fib_load churn N CHANGES`: only the churn of sluiced's big commits
 * (issue #10 item 5): N distinct routes loaded as one change set, then
 * CHANGES changes as one change set (a third deletes, a third re-pointed, a
 * third new /24s, shuffled) and its undo, three times: the writer's CPU time
 * per change set (sl_fib_reserve + sl_fib_apply), the fastest of each.
 * Private EAL without hugepages (memory speed does not change the writer's
 * cost much; the machine is shared): SL_FIB_BENCH_HUGE=1 uses hugepages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_lpm.h>

#include "sl_fib.h"

struct route {
	uint32_t addr;
	uint8_t len;
	uint8_t gw;
};

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static struct route *routes_make(size_t n)
{
	struct route *r = malloc(n * sizeof(*r));
	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t p = rnd() % 100, len;
		if (p < 65)
			len = 24;
		else if (p < 93)
			len = 16 + rnd() % 8;
		else
			len = 25 + rnd() % 8;
		uint32_t a = (1 + rnd() % 223) << 24 | (((rnd() << 16) ^ rnd()) & 0xffffff);
		r[i] = (struct route){a & (~0u << (32 - len)), (uint8_t)len, (uint8_t)(rnd() % 4)};
	}
	return r;
}

struct timing {
	double seconds;
	double cycles_per_op;
	uint64_t max_cycles;
	size_t failed;
};

static void timing_done(struct timing *t, uint64_t total, size_t n)
{
	t->seconds = (double)total / (double)rte_get_tsc_hz();
	t->cycles_per_op = n ? (double)total / (double)n : 0;
}

static void print_timing(const char *what, size_t n, const struct timing *t)
{
	printf("  %-28s %8zu routes  %8.2f s  %10.0f cycles/route  max %8.3f ms%s\n", what, n,
		t->seconds, t->cycles_per_op,
		(double)t->max_cycles * 1e3 / (double)rte_get_tsc_hz(),
		t->failed ? "  (some failed)" : "");
}

static struct sl_fib_change change_of(const struct route *r, bool del)
{
	struct sl_fib_change c = {.op = del ? SL_FIB_ROUTE_DEL : SL_FIB_ROUTE_SET,
		.vrf_id = 1,
		.prefix = {r->addr, r->len}};
	if (!del) {
		c.nh.type = SL_NH_GATEWAY;
		c.nh.gw = 0x0a000001u + r->gw;
		snprintf(c.nh.ifname, sizeof(c.nh.ifname), "eth0");
	}
	return c;
}

/* Load and delete n routes through sl_fib_apply, one change per call. */
static int bench_sluice(const struct route *r, size_t n)
{
	struct sl_fib *fib = sl_fib_new(NULL);
	if (fib == NULL)
		return -1;
	struct sl_fib_iface_conf ifc = {.name = "eth0", .port = 0, .vrf_id = 1, .up = true};
	struct sl_fib_change add = {.op = SL_FIB_VRF_ADD, .vrf_id = 1};
	if (sl_fib_iface_sync(fib, &ifc, 1) < 0 || sl_fib_apply(fib, &add, 1, NULL) < 0)
		return -1;
	struct timing load = {0}, del = {0};
	uint64_t total = 0, max_no_grow = 0;
	uint32_t grows = 0;
	struct sl_fib_stats st;
	sl_fib_stats_get(fib, &st);
	for (size_t i = 0; i < n; i++) {
		struct sl_fib_change c = change_of(&r[i], false);
		size_t bytes = st.bytes_per_vrf;
		uint64_t t0 = rte_rdtsc_precise();
		int rc = sl_fib_apply(fib, &c, 1, NULL);
		uint64_t dt = rte_rdtsc_precise() - t0;
		total += dt;
		load.max_cycles = RTE_MAX(load.max_cycles, dt);
		load.failed += rc < 0;
		if (c.prefix.len > 24) { /* only these can grow the tbl8 array */
			sl_fib_stats_get(fib, &st);
			grows += st.bytes_per_vrf != bytes;
			if (st.bytes_per_vrf != bytes)
				continue;
		}
		max_no_grow = RTE_MAX(max_no_grow, dt);
	}
	timing_done(&load, total, n);
	sl_fib_stats_get(fib, &st);
	total = 0;
	for (size_t i = 0; i < n; i++) {
		struct sl_fib_change c = change_of(&r[i], true);
		uint64_t t0 = rte_rdtsc_precise();
		int rc = sl_fib_apply(fib, &c, 1, NULL);
		uint64_t dt = rte_rdtsc_precise() - t0;
		total += dt;
		del.max_cycles = RTE_MAX(del.max_cycles, dt);
		del.failed += rc < 0 && rc != -ENOENT; /* duplicates go with the first */
	}
	timing_done(&del, total, n);
	struct sl_fib_stats end;
	sl_fib_stats_get(fib, &end);
	printf("sluice (fib_lpm through sl_fib_apply), %zu routes:\n", n);
	print_timing("add", n, &load);
	print_timing("delete", n, &del);
	printf("  max add without a tbl8 array growth: %.3f ms (the array grew %u times)\n",
		(double)max_no_grow * 1e3 / (double)rte_get_tsc_hz(), grows);
	printf("  loaded: %u tbl8 groups in use, largest VRF table %.1f MiB; after deleting "
	       "all: %u groups\n",
		st.tbl8_groups_used, (double)st.bytes_per_vrf / (1 << 20), end.tbl8_groups_used);
	sl_fib_free(fib);
	return 0;
}

/* A new VRF with n routes as one change set, as sluiced loads --config:
 * sl_fib_reserve (counts the groups, sizes the table) then sl_fib_apply. */
static int bench_batch(const struct route *r, size_t n)
{
	struct sl_fib *fib = sl_fib_new(NULL);
	struct sl_fib_change *c = calloc(n + 1, sizeof(*c));
	struct sl_fib_iface_conf ifc = {.name = "eth0", .port = 0, .vrf_id = 1, .up = true};
	if (fib == NULL || c == NULL || sl_fib_iface_sync(fib, &ifc, 1) < 0)
		return -1;
	c[0] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 1};
	for (size_t i = 0; i < n; i++)
		c[i + 1] = change_of(&r[i], false);
	uint64_t t0 = rte_rdtsc_precise();
	int rc = sl_fib_reserve(fib, c, n + 1, NULL);
	uint64_t t1 = rte_rdtsc_precise();
	struct sl_fib_apply_result res;
	if (rc == 0)
		rc = sl_fib_apply(fib, c, n + 1, &res);
	uint64_t t2 = rte_rdtsc_precise();
	sl_fib_unreserve(fib);
	struct sl_fib_vrf_stats vs;
	sl_fib_vrf_stats_get(fib, 1, &vs);
	double hz = (double)rte_get_tsc_hz();
	printf("sluice, one change set of %zu routes: reserve %.0f ms, apply %.2f s (rc %d), "
	       "%u groups, table %.1f MiB (%s layout)\n",
		n, (double)(t1 - t0) * 1e3 / hz, (double)(t2 - t1) / hz, rc, vs.groups_used,
		(double)vs.bytes / (1 << 20), vs.small ? "small" : "rte_lpm");
	/* then one-route commits (a new /25-/32 each): the reserve's own cost */
	uint64_t sum = 0, max = 0;
	enum { ONE = 1000 };
	for (int i = 0; i < ONE && rc == 0; i++) {
		struct sl_fib_change one = change_of(&r[i], false);
		one.prefix = (struct sl_prefix){rnd() & 0xffffff80u, 25};
		uint64_t a = rte_rdtsc_precise();
		rc = sl_fib_reserve(fib, &one, 1, NULL);
		uint64_t dt = rte_rdtsc_precise() - a;
		rc = rc == 0 ? sl_fib_apply(fib, &one, 1, NULL) : rc;
		sl_fib_unreserve(fib);
		sum += dt;
		max = RTE_MAX(max, dt);
	}
	printf("  then %d one-route change sets: reserve mean %.1f us, max %.1f us (rc %d)\n", ONE,
		(double)sum / ONE * 1e6 / hz, (double)max * 1e6 / hz, rc);
	free(c);
	sl_fib_free(fib);
	return rc < 0 ? -1 : 0;
}

static int route_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->len - (int)y->len;
}

static double thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The change set's CPU ms (reserve + apply); -1 when it fails. */
static double churn_apply(struct sl_fib *fib, const struct sl_fib_change *c, size_t n)
{
	double t0 = thread_cpu_ms();
	int rc = sl_fib_reserve(fib, c, n, NULL);
	if (rc == 0)
		rc = sl_fib_apply(fib, c, n, NULL);
	double t1 = thread_cpu_ms();
	sl_fib_unreserve(fib);
	if (rc < 0)
		fprintf(stderr, "churn: change set of %zu: %s\n", n, strerror(-rc));
	return rc < 0 ? -1 : t1 - t0;
}

static void shuffle(struct sl_fib_change *c, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd() % i;
		struct sl_fib_change tmp = c[i - 1];
		c[i - 1] = c[j];
		c[j] = tmp;
	}
}

static int bench_churn(struct route *r, size_t n, size_t changes)
{
	qsort(r, n, sizeof(*r), route_cmp);
	size_t u = 0; /* distinct prefixes only: a change set names each once */
	for (size_t i = 0; i < n; i++)
		if (u == 0 || route_cmp(&r[u - 1], &r[i]) != 0)
			r[u++] = r[i];
	n = u;
	changes = RTE_MIN(changes - changes % 3, n - n % 3);
	struct sl_fib *fib = sl_fib_new(NULL);
	struct sl_fib_change *c = calloc(n + 1, sizeof(*c));
	struct sl_fib_change *fwd = calloc(changes, sizeof(*fwd));
	struct sl_fib_change *undo = calloc(changes, sizeof(*undo));
	struct sl_fib_iface_conf ifc = {.name = "eth0", .port = 0, .vrf_id = 1, .up = true};
	if (fib == NULL || c == NULL || fwd == NULL || undo == NULL ||
		sl_fib_iface_sync(fib, &ifc, 1) < 0)
		return -1;
	c[0] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 1};
	for (size_t i = 0; i < n; i++)
		c[i + 1] = change_of(&r[i], false);
	double load = churn_apply(fib, c, n + 1);
	/* every (n / k)th route, k = 2/3 of the changes: deleted or re-pointed */
	size_t k = changes / 3, step = n / (2 * k);
	uint32_t next = 0, seed = rnd();
	for (size_t i = 0; i < k; i++) {
		const struct route *d = &r[2 * i * step], *p = &r[(2 * i + 1) * step];
		struct route moved = *p;
		moved.gw = (uint8_t)((p->gw + 1) % 4);
		fwd[i] = change_of(d, true);
		undo[i] = change_of(d, false);
		fwd[k + i] = change_of(&moved, false);
		undo[k + i] = change_of(p, false);
		struct route add;
		do { /* j -> j * odd is a bijection of 24 bits: each /24 drawn once */
			uint32_t slash24 = (uint32_t)(next++ * 2654435761u + seed) & 0xffffff;
			add = (struct route){slash24 << 8, 24, 0};
		} while (add.addr < 1u << 24 || add.addr >= 224u << 24 ||
			 bsearch(&add, r, n, sizeof(*r), route_cmp) != NULL);
		add.gw = (uint8_t)(rnd() % 4);
		fwd[2 * k + i] = change_of(&add, false);
		undo[2 * k + i] = change_of(&add, true);
	}
	size_t m = 3 * k;
	shuffle(fwd, m);
	printf("sluice churn: %zu routes loaded in %.0f ms of CPU; %zu changes (%zu deletes, "
	       "%zu re-pointed, %zu adds) and their undo, CPU ms per change set:\n",
		n, load, m, k, k, k);
	double best_fwd = 1e300, best_undo = 1e300;
	int rc = load < 0 ? -1 : 0;
	for (int rep = 0; rep < 3 && rc == 0; rep++) {
		double a = churn_apply(fib, fwd, m), b = a < 0 ? -1 : churn_apply(fib, undo, m);
		if (a < 0 || b < 0)
			rc = -1;
		printf("  rep %d: change %.1f ms, undo %.1f ms\n", rep, a, b);
		best_fwd = RTE_MIN(best_fwd, a);
		best_undo = RTE_MIN(best_undo, b);
	}
	if (rc == 0)
		printf("  fastest: change %.1f ms (%.0f changes per CPU-second), undo %.1f ms\n",
			best_fwd, (double)m * 1e3 / best_fwd, best_undo);
	free(c);
	free(fwd);
	free(undo);
	sl_fib_free(fib);
	return rc;
}

static int bench_rte_lpm(const struct route *r, size_t n)
{
	struct rte_lpm_config cfg = {
		.max_rules = (uint32_t)n + 16, .number_tbl8s = (uint32_t)n / 8 + 4096};
	struct rte_lpm *lpm = rte_lpm_create("bench", SOCKET_ID_ANY, &cfg);
	if (lpm == NULL) {
		fprintf(stderr, "rte_lpm_create: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	struct timing load = {0}, del = {0};
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = rte_rdtsc_precise();
		int rc = rte_lpm_add(lpm, r[i].addr, r[i].len, r[i].gw);
		uint64_t dt = rte_rdtsc_precise() - t0;
		total += dt;
		load.max_cycles = RTE_MAX(load.max_cycles, dt);
		load.failed += rc < 0;
	}
	timing_done(&load, total, n);
	total = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = rte_rdtsc_precise();
		int rc = rte_lpm_delete(lpm, r[i].addr, r[i].len);
		uint64_t dt = rte_rdtsc_precise() - t0;
		total += dt;
		del.max_cycles = RTE_MAX(del.max_cycles, dt);
		del.failed += rc < 0 && rc != -EINVAL;
	}
	timing_done(&del, total, n);
	printf("rte_lpm (rte_lpm_add / rte_lpm_delete), %zu routes:\n", n);
	print_timing("add", n, &load);
	print_timing("delete", n, &del);
	rte_lpm_free(lpm);
	return 0;
}

int main(int argc, char **argv)
{
	bool churn = argc > 1 && strcmp(argv[1], "churn") == 0;
	if (churn) {
		argv++;
		argc--;
	}
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	size_t n_lpm = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
	n_lpm = RTE_MIN(n_lpm, n);
	char prefix[64];
	/* SL_TEST_TAG as in fib_test_eal.h: a helper's runs stay apart */
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-fib-bench%s-%d",
		getenv("SL_TEST_TAG") != NULL ? getenv("SL_TEST_TAG") : "", (int)getpid());
	char *eal[12] = {argv[0], "-l", "0", prefix, "--no-pci", "--log-level=5", "--no-telemetry"};
	int eal_argc = 7;
	if (getenv("SL_FIB_BENCH_HUGE") == NULL) {
		eal[eal_argc++] = "--no-huge";
		eal[eal_argc++] = "-m";
		eal[eal_argc++] = "2048";
	}
	if (rte_eal_init(eal_argc, eal) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	rte_log_set_level_pattern("sluice.fib", RTE_LOG_ERR); /* duplicates' -ENOENT */
	struct route *r = routes_make(n);
	if (r == NULL)
		return 1;
	printf("TSC %.2f GHz; routes: 65 %% /24, 28 %% /16-/23, 7 %% /25-/32\n",
		(double)rte_get_tsc_hz() / 1e9);
	int rc = 0;
	if (churn) {
		rc = bench_churn(r, n, n_lpm ? n_lpm : 100000);
		free(r);
		rte_eal_cleanup();
		return rc ? 1 : 0;
	}
	if (n_lpm > 0) {
		rc |= bench_rte_lpm(r, n_lpm);
		rc |= bench_sluice(r, n_lpm);
	}
	if (n > n_lpm)
		rc |= bench_sluice(r, n);
	rc |= bench_batch(r, n);
	free(r);
	rte_eal_cleanup();
	return rc ? 1 : 0;
}
