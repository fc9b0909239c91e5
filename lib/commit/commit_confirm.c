/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_confirm.c — what `configure [comment TEXT] [confirm MINUTES] [base
 * ID]` decides around a commit of the daemon: its options, the base check
 * (a commit prepared against an older revision) and the commit-confirm
 * state.
 *
 * Commit-confirm: `configure confirm M` arms a timer; without `confirm`
 * within M minutes the configuration before it comes back as a commit of
 * its own. Commits made while one is pending fold into it: the timer is not
 * reset by them (a new `confirm M` resets it), and going back undoes them
 * too, as VyOS goes back to the configuration before the commit-confirm.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_commit.h"
#include "sl_conf.h"

static bool u64_arg(const char *v, uint64_t *out)
{
	char *end;
	if (v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = x;
	return true;
}

int sl_configure_opts_parse(int argc, char **argv, struct sl_configure_opts *o, FILE *err)
{
	static const char u[] = "configure [comment TEXT] [confirm MINUTES] [base ID]";
	*o = (struct sl_configure_opts){0};
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc) {
			fprintf(err, "usage: %s\n", u);
			return -EINVAL;
		}
		if (strcmp(argv[i], "comment") == 0) {
			o->comment = argv[i + 1];
		} else if (strcmp(argv[i], "confirm") == 0) {
			if (sl_u32_parse(argv[i + 1], 1, SL_CONFIRM_MINUTES_MAX, &o->minutes) < 0) {
				fprintf(err, "configure: confirm '%s': minutes are 1..%d\n",
					argv[i + 1], SL_CONFIRM_MINUTES_MAX);
				return -EINVAL;
			}
		} else if (strcmp(argv[i], "base") == 0) {
			if (!u64_arg(argv[i + 1], &o->base)) {
				fprintf(err,
					"configure: base '%s' is not a revision id (show system "
					"commit id)\n",
					argv[i + 1]);
				return -EINVAL;
			}
			o->has_base = true;
		} else {
			fprintf(err,
				"configure: unknown word '%s' (valid: comment, confirm, base)\n"
				"usage: %s\n",
				argv[i], u);
			return -EINVAL;
		}
	}
	return 0;
}

int sl_running_base_check(const struct sl_running *run, uint64_t base, const char *input, FILE *err)
{
	const struct sl_rev *top = sl_history_at(run->history, 0);
	uint64_t running = top ? top->id : 0;
	if (base == running)
		return 0;
	if (run->paused) {
		fprintf(err,
			"configure: warning: base %" PRIu64
			" not checked: commits are not recorded "
			"(%zu static routes, more than %zu)\n",
			base, run->paused, run->routes_max);
		return 0;
	}
	if (base > running) {
		fprintf(err,
			"configure: base %" PRIu64 " is no revision: the running one is %" PRIu64
			"\n",
			base, running);
		return -EINVAL;
	}
	const struct sl_rev *b = sl_history_find(run->history, base);
	if (b == NULL) {
		fprintf(err,
			"configure: refused: revision %" PRIu64 ", the base of this commit, is no "
			"longer in the history (the last %d are kept) and the configuration "
			"changed since (running: revision %" PRIu64 "): rebase with `update`\n",
			base, SL_HISTORY_KEEP, running);
		return -EBUSY;
	}
	char path[512];
	int rc = sl_commit_overlap(b->text, top->text, input, path, sizeof(path));
	if (rc < 0) {
		fprintf(err, "configure: cannot compare with revision %" PRIu64 ": %s\n", base,
			strerror(-rc));
		return rc == -EINVAL || rc == -EBUSY ? -EIO : rc;
	}
	if (rc == 0)
		return 0; /* untouched since: merged onto the running one */
	const struct sl_rev *by = sl_history_touched(run->history, base, path);
	if (by != NULL) {
		char t[32];
		sl_time_fmt((time_t)by->time, t, sizeof(t));
		fprintf(err,
			"configure: refused: revision %" PRIu64 " (by %s, %s%s%s) changed `%s` "
			"after revision %" PRIu64 ", the base of this commit, and this commit "
			"changes it too: rebase with `update`\n",
			by->id, by->who, t, by->comment[0] ? ", " : "", by->comment, path, base);
	} else {
		fprintf(err,
			"configure: refused: `%s` changed after revision %" PRIu64 ", the base of "
			"this commit (running: revision %" PRIu64 "), and this commit changes it "
			"too: rebase with `update`\n",
			path, base, running);
	}
	return -EBUSY;
}

char *sl_running_confirm_prev(const struct sl_running *run)
{
	const struct sl_rev *top = sl_history_at(run->history, 0);
	/* not recorded (a big configuration): rendered for the occasion */
	return run->paused || top == NULL ? sl_conf_render_str(sl_router_conf_const(run->router))
					  : strdup(top->text);
}

void sl_running_confirm_arm(struct sl_running *run, char **prev, uint64_t before, uint32_t minutes,
	uint64_t now_ms, time_t now)
{
	struct sl_confirm *c = &run->confirm;
	if (!c->pending) {
		c->pending = true;
		c->revert_text = *prev;
		c->revert_id = before;
		*prev = NULL;
	}
	uint64_t ms = (uint64_t)minutes * (run->minute_ms ? run->minute_ms : 60000);
	c->deadline_ms = now_ms + ms;
	c->deadline = now + (time_t)((ms + 999) / 1000);
}

void sl_running_confirm_clear(struct sl_running *run)
{
	free(run->confirm.revert_text);
	run->confirm = (struct sl_confirm){0};
}

char *sl_running_confirm_due(struct sl_running *run, uint64_t now_ms, uint64_t *revert_id)
{
	if (!run->confirm.pending || now_ms < run->confirm.deadline_ms)
		return NULL;
	char *text = run->confirm.revert_text;
	*revert_id = run->confirm.revert_id;
	run->confirm = (struct sl_confirm){0};
	return text;
}
