/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker's stall accounting with a fake TSC (1 GHz) and a fake CPU clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sl_dp.h"

static uint64_t fake_cpu; /* ns the thread has run */
static unsigned cpu_reads;

static uint64_t cpu_ns(void *ctx)
{
	(void)ctx;
	cpu_reads++;
	return fake_cpu;
}

#define HZ 1000000000ull /* one cycle per ns */
#define US 1000ull
#define MS 1000000ull

struct fixture {
	struct sl_dp *dp; /* only clear_gen is read */
	struct sl_dp_stall_clock k;
	struct sl_dp_stalls st;
	uint64_t now;
};

/* Run loops of `step` ns on CPU for `total` ns. */
static void run(struct fixture *f, uint64_t step, uint64_t total)
{
	for (uint64_t t = 0; t < total; t += step) {
		f->now += step;
		fake_cpu += step;
		sl_dp_stall_tick(&f->k, f->dp, &f->st, f->now);
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dp = calloc(1, sizeof(*f->dp));
	fake_cpu = 5 * MS;
	f->now = 77 * MS;
	sl_dp_stall_start(&f->k, f->dp, HZ, f->now, cpu_ns, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	free(f->dp);
	free(f);
	return 0;
}

static void test_short_loops_record_nothing(void **state)
{
	struct fixture *f = *state;
	cpu_reads = 0;
	run(f, 2 * US, 10 * MS);
	assert_int_equal(f->st.max_gap_ns, 0);
	assert_int_equal(f->st.gaps_over_1ms, 0);
	/* the CPU clock is read once per sample period, not per loop */
	assert_in_range(cpu_reads, 10 * MS / (SL_DP_STALL_SAMPLE_US * US) - 1,
		10 * MS / (SL_DP_STALL_SAMPLE_US * US) + 1);
}

static void test_stall_on_cpu(void **state)
{
	struct fixture *f = *state;
	run(f, 2 * US, 1 * MS);
	/* one loop took 1.5 ms, all of it running */
	f->now += 1500 * US;
	fake_cpu += 1500 * US;
	sl_dp_stall_tick(&f->k, f->dp, &f->st, f->now);
	run(f, 2 * US, 1 * MS);
	assert_int_equal(f->st.max_gap_ns, 1500 * US);
	assert_int_equal(f->st.max_on_cpu_ns, 1500 * US);
	assert_int_equal(f->st.gaps_over_1ms, 1);
	assert_int_equal(f->st.on_cpu_over_1ms, 1);
}

static void test_preemption_is_not_a_stall(void **state)
{
	struct fixture *f = *state;
	run(f, 2 * US, 1 * MS);
	/* 4 ms without a loop, of which the thread ran 30 us */
	f->now += 4 * MS;
	fake_cpu += 30 * US;
	sl_dp_stall_tick(&f->k, f->dp, &f->st, f->now);
	assert_int_equal(f->st.max_gap_ns, 4 * MS);
	assert_int_equal(f->st.max_on_cpu_ns, 30 * US);
	assert_int_equal(f->st.gaps_over_1ms, 1);
	assert_int_equal(f->st.on_cpu_over_1ms, 0);
}

static void test_clear_resets_at_next_sample(void **state)
{
	struct fixture *f = *state;
	f->now += 2 * MS;
	fake_cpu += 2 * MS;
	sl_dp_stall_tick(&f->k, f->dp, &f->st, f->now);
	assert_int_equal(f->st.on_cpu_over_1ms, 1);
	f->dp->clear_gen++;
	run(f, 2 * US, 1 * MS);
	assert_int_equal(f->st.max_gap_ns, 0);
	assert_int_equal(f->st.max_on_cpu_ns, 0);
	assert_int_equal(f->st.gaps_over_1ms, 0);
	assert_int_equal(f->st.on_cpu_over_1ms, 0);
	/* and records again afterwards */
	f->now += 20 * US;
	fake_cpu += 20 * US;
	sl_dp_stall_tick(&f->k, f->dp, &f->st, f->now);
	assert_int_equal(f->st.max_gap_ns, 20 * US);
}

static void test_sum_over_workers(void **state)
{
	struct fixture *f = *state;
	f->dp->counters[1].stalls = (struct sl_dp_stalls){3 * MS, 100 * US, 2, 0};
	f->dp->counters[5].stalls = (struct sl_dp_stalls){1 * MS, 900 * US, 1, 0};
	struct sl_dp_stalls st;
	sl_dp_stalls_get(f->dp, &st);
	assert_int_equal(st.max_gap_ns, 3 * MS);
	assert_int_equal(st.max_on_cpu_ns, 900 * US);
	assert_int_equal(st.gaps_over_1ms, 3);
	assert_int_equal(st.on_cpu_over_1ms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_short_loops_record_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stall_on_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preemption_is_not_a_stall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_resets_at_next_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sum_over_workers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
