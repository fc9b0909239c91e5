/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-thread progress hook of long control-plane loops, and the
 * thread's CPU time they are measured in (sl_types.h). */
#include <time.h>

#include "sl_types.h"

_Thread_local unsigned sl_progress_left;
static _Thread_local sl_progress_fn hook;
static _Thread_local void *hook_arg;

void sl_progress_hook_set(sl_progress_fn fn, void *arg)
{
	hook = fn;
	hook_arg = arg;
	sl_progress_left = SL_PROGRESS_EVERY - 1;
}

void sl_progress_run(void)
{
	sl_progress_left = SL_PROGRESS_EVERY - 1;
	if (hook != NULL)
		hook(hook_arg);
}

uint64_t sl_thread_cpu_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double sl_thread_cpu_ms(void)
{
	return (double)sl_thread_cpu_ns() / 1e6;
}
