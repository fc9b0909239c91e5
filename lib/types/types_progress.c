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

double sl_thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
