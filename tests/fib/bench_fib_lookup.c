/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_fib_lookup.c — the two VRF table layouts side by side (not a test:
 * `meson test --benchmark -C BUILD fib-lookup-bench`, or run the executable;
 * arguments: route counts, default 1000 4000 16000 64000 250000 1000000).
 *
 * For each count, one table of each layout (lib/fib/fib_lpm.c) is loaded with
 * the same routes, drawn like scripts/gen-bench.py's (65 % /24, 25 % /16-/23,
 * 5 % /8-/15, 5 % /25-/32, random addresses outside 0/8, 10/8, 127/8 and
 * 224/3), and measured:
 *  - DPDK memory: the table's own count (top table + group array) and the
 *    heap's allocated bytes before and after (rte_malloc headers included);
 *  - lookup cycles per address, in bursts of 32 as the datapath does
 *    (rte_lpm_lookupx4 for the rte_lpm layout, sl_fib_small_lookup_bulk for
 *    the small one), over 65,536 destinations each inside a random route (as
 *    the benchmark pcaps: every packet hits a route), the fastest of 7 runs of the
 *    whole set, TSC cycles.
 * Private EAL without hugepages (SL_FIB_BENCH_HUGE=1: hugepages, which
 * changes the TLB cost of the 64 MiB tbl24). Prints one line per layout and count.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "fib_lpm.h"
#include "sl_fib.h"

#define DSTS 65536
#define BURST 32
#define RUNS 7

struct route {
	uint32_t addr;
	uint8_t len;
};

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint8_t gen_len(void)
{
	uint32_t p = rnd() % 100;
	if (p < 65)
		return 24;
	if (p < 90)
		return (uint8_t)(16 + rnd() % 8);
	if (p < 95)
		return (uint8_t)(8 + rnd() % 8);
	static const uint8_t deep[] = {25, 26, 27, 28, 29, 30, 32};
	return deep[rnd() % 7];
}

static void routes_make(struct route *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t a, first;
		do {
			a = (rnd() << 16) ^ rnd();
			first = a >> 24;
		} while (first == 0 || first == 10 || first == 127 || first >= 224);
		r[i].len = gen_len();
		r[i].addr = a & (~0u << (32 - r[i].len));
	}
}

static size_t heap_bytes(void)
{
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats((int)rte_socket_id(), &st);
	return st.heap_allocsz_bytes;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint64_t sink;

static double lookup_cycles(const struct fib_lpm *t, const uint32_t *dst)
{
	uintptr_t h = fib_lpm_handle(t);
	uint64_t runs[RUNS];
	uint32_t vals[BURST];
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = rte_rdtsc_precise();
		if (sl_fib_table_is_small(h)) {
			const struct sl_fib_small *s = sl_fib_table_small(h);
			for (size_t i = 0; i < DSTS; i += BURST) {
				sl_fib_small_lookup_bulk(s, &dst[i], vals, BURST, UINT32_MAX);
				sink += vals[0] + vals[BURST - 1];
			}
		} else {
			const struct rte_lpm *lpm = sl_fib_table_lpm(h);
			for (size_t i = 0; i < DSTS; i += BURST) {
				for (int k = 0; k < BURST; k += 4) {
					xmm_t x;
					memcpy(&x, &dst[i + k], sizeof(x));
					rte_lpm_lookupx4(lpm, x, &vals[k], UINT32_MAX);
				}
				sink += vals[0] + vals[BURST - 1];
			}
		}
		runs[r] = rte_rdtsc_precise() - t0;
	}
	qsort(runs, RUNS, sizeof(*runs), cmp_u64);
	return (double)runs[0] / DSTS; /* the least disturbed run: the machine is shared */
}

static int measure(enum fib_lpm_kind kind, const struct route *r, size_t n, const uint32_t *dst,
	struct rte_rcu_qsbr *qsbr)
{
	size_t before = heap_bytes();
	struct fib_lpm *t = fib_lpm_new(kind, SOCKET_ID_ANY, 16, qsbr);
	if (t == NULL)
		return -1;
	uint64_t t0 = rte_rdtsc_precise();
	for (size_t i = 0; i < n; i++)
		if (fib_lpm_set(t, r[i].addr, r[i].len, (uint32_t)(i & 0xffff) + 1) < 0) {
			fprintf(stderr, "bench_fib_lookup: route %zu did not fit\n", i);
			fib_lpm_free(t);
			return -1;
		}
	uint64_t load = rte_rdtsc_precise() - t0;
	size_t heap = heap_bytes() - before;
	struct fib_lpm_stats st;
	fib_lpm_stats_get(t, &st);
	double cyc = lookup_cycles(t, dst);
	printf("%-7s %8zu routes: %9.1f KiB table (%6u/%6u groups), %9.1f KiB heap, "
	       "%5.1f cycles/lookup, %6.0f cycles/add\n",
		kind == FIB_LPM_SMALL ? "small" : "rte_lpm", n, st.bytes_dpdk / 1024.0,
		st.tbl8_used, st.tbl8_groups, heap / 1024.0, cyc, (double)load / (double)n);
	fflush(stdout);
	fib_lpm_free(t);
	return 0;
}

int main(int argc, char **argv)
{
	char prefix[64];
	/* SL_TEST_TAG as in fib_test_eal.h: a helper's runs stay apart */
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-bench-lookup%s-%d",
		getenv("SL_TEST_TAG") != NULL ? getenv("SL_TEST_TAG") : "", (int)getpid());
	const char *huge = getenv("SL_FIB_BENCH_HUGE");
	bool use_huge = huge != NULL && *huge == '1';
	char *eal[] = {argv[0], "-l", "0", "--no-pci", "--log-level=5", "--no-telemetry", prefix,
		use_huge ? "--in-memory" : "--no-huge", "-m", "1536", NULL};
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "bench_fib_lookup: cannot start the EAL\n");
		return 1;
	}
	struct rte_rcu_qsbr *qsbr =
		rte_zmalloc("qsbr", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, 1) != 0)
		return 1;
	size_t counts[16] = {1000, 4000, 16000, 64000, 250000, 1000000}, n_counts = 6;
	if (argc > 1) {
		n_counts = 0;
		for (int i = 1; i < argc && n_counts < 16; i++)
			counts[n_counts++] = strtoul(argv[i], NULL, 10);
	}
	printf("TSC %.2f GHz, %s, bursts of %d over %d destinations (fastest of %d)\n",
		rte_get_tsc_hz() / 1e9, use_huge ? "hugepages" : "no hugepages", BURST, DSTS, RUNS);
	int rc = 0;
	for (size_t c = 0; c < n_counts && rc == 0; c++) {
		size_t n = counts[c];
		struct route *r = malloc(n * sizeof(*r));
		uint32_t *dst = malloc(DSTS * sizeof(*dst));
		if (r == NULL || dst == NULL)
			return 1;
		routes_make(r, n);
		for (size_t i = 0; i < DSTS; i++) {
			const struct route *x = &r[rnd() % n];
			dst[i] = x->addr | (rnd() & ~(~0u << (32 - x->len)));
		}
		rc = measure(FIB_LPM_SMALL, r, n, dst, qsbr);
		if (rc == 0)
			rc = measure(FIB_LPM_LARGE, r, n, dst, qsbr);
		free(r);
		free(dst);
	}
	printf("(sink %" PRIu64 ")\n", sink);
	rte_free(qsbr);
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
