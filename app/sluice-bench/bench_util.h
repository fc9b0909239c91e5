/* SPDX-License-Identifier: BSD-3-Clause */
/* bench_util.h — clocks, peak memory and median/max for the plain-C benchmarks. */
#ifndef SL_BENCH_UTIL_H
#define SL_BENCH_UTIL_H

#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* CLOCK_MONOTONIC: wall; CLOCK_THREAD_CPUTIME_ID: what the work cost,
 * whatever else the machine runs. */
static inline double bench_clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline long bench_rss_peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct bench_stat {
	double median, max;
};

/* Sorts v. */
static inline struct bench_stat bench_stats(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return (struct bench_stat){v[n / 2], v[n - 1]};
}

#endif
