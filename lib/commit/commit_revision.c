/* SPDX-License-Identifier: BSD-3-Clause */
/* commit_revision.c — reading the running configuration's record (struct
 * sl_running): the running id, what the history holds, the pending
 * commit-confirm. Apart from commit_running.c, which logs, because lib/show
 * shows these without linking lib/log. */
#include <inttypes.h>
#include <stdio.h>

#include "sl_commit.h"

void sl_time_fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

uint64_t sl_running_id(const struct sl_running *run)
{
	const struct sl_rev *r = sl_history_at(run->history, 0);
	return r ? r->id : 0;
}

void sl_running_held(const struct sl_running *run, char *buf, size_t len)
{
	size_t n = sl_history_count(run->history);
	if (n == 0)
		snprintf(buf, len, "the history holds no revision");
	else
		snprintf(buf, len, "the history holds 0..%zu", n - 1);
}

void sl_running_confirm_note(const struct sl_running *run, FILE *out)
{
	char t[32];
	sl_time_fmt(run->confirm.deadline, t, sizeof(t));
	fprintf(out,
		"commit-confirm pending: without `confirm` by %s, revision %" PRIu64
		" comes back (commits since undone too)\n",
		t, run->confirm.revert_id);
}
