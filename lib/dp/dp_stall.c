/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_stall.c — how long a worker's poll loop went without coming round,
 * and how much of that the worker itself spent (not the kernel running
 * something else on its CPU). Issue 4's "no stall longer than 1 ms" is
 * about the second figure; on a shared CPU only it separates the two.
 */
#include <string.h>

#include "sl_dp.h"

static uint64_t cycles_to_ns(uint64_t cycles, uint64_t hz)
{
	return (uint64_t)((double)cycles * 1e9 / (double)hz);
}

void sl_dp_stall_start(struct sl_dp_stall_clock *k, const struct sl_dp *dp, uint64_t hz,
	uint64_t now_tsc, uint64_t (*cpu_ns)(void *ctx), void *ctx)
{
	memset(k, 0, sizeof(*k));
	k->hz = hz;
	k->floor_cycles = hz / (1000000 / SL_DP_STALL_FLOOR_US);
	k->sample_cycles = hz / (1000000 / SL_DP_STALL_SAMPLE_US);
	k->cpu_ns = cpu_ns;
	k->ctx = ctx;
	k->last_tsc = k->sample_tsc = now_tsc;
	k->sample_cpu_ns = cpu_ns(ctx);
	k->gen = __atomic_load_n(&dp->clear_gen, __ATOMIC_ACQUIRE);
}

void sl_dp_stall_slow(struct sl_dp_stall_clock *k, const struct sl_dp *dp, struct sl_dp_stalls *st,
	uint64_t now_tsc)
{
	uint32_t gen = __atomic_load_n(&dp->clear_gen, __ATOMIC_ACQUIRE);
	if (gen != k->gen) { /* `clear counters`: only the owner writes these */
		memset(st, 0, sizeof(*st));
		k->gen = gen;
	}
	uint64_t cpu = k->cpu_ns(k->ctx);
	uint64_t gap = now_tsc - k->last_tsc;
	if (gap > k->floor_cycles) {
		/* Off-CPU time of the window since the last sample, all of it
		 * charged to this gap: the rest of the window was short loops. */
		uint64_t gap_ns = cycles_to_ns(gap, k->hz);
		uint64_t win_ns = cycles_to_ns(now_tsc - k->sample_tsc, k->hz);
		uint64_t cpu_d = cpu > k->sample_cpu_ns ? cpu - k->sample_cpu_ns : 0;
		uint64_t off = win_ns > cpu_d ? win_ns - cpu_d : 0;
		uint64_t on = gap_ns > off ? gap_ns - off : 0;
		if (gap_ns > st->max_gap_ns)
			st->max_gap_ns = gap_ns;
		if (on > st->max_on_cpu_ns)
			st->max_on_cpu_ns = on;
		st->gaps_over_1ms += gap_ns > 1000000;
		st->on_cpu_over_1ms += on > 1000000;
	}
	k->sample_tsc = now_tsc;
	k->sample_cpu_ns = cpu;
}

void sl_dp_stalls_get(const struct sl_dp *dp, struct sl_dp_stalls *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned l = 0; l < RTE_MAX_LCORE; l++) {
		const struct sl_dp_stalls *s = &dp->counters[l].stalls;
		st->max_gap_ns = RTE_MAX(st->max_gap_ns, s->max_gap_ns);
		st->max_on_cpu_ns = RTE_MAX(st->max_on_cpu_ns, s->max_on_cpu_ns);
		st->gaps_over_1ms += s->gaps_over_1ms;
		st->on_cpu_over_1ms += s->on_cpu_over_1ms;
	}
}
