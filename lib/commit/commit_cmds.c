/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_cmds.c — the commands that commit, around the daemon's commit
 * (struct sl_committer): `configure [comment TEXT] [confirm MINUTES] [base
 * ID]`, `confirm`, `rollback N`, a commit-confirm's timeout and SIGHUP's
 * reload. The decisions are commit_confirm.c's; here they meet the commit
 * and the clock. Logs through lib/log.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_commit.h"
#include "sl_log.h"

uint64_t sl_running_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int usage(FILE *err, const char *u)
{
	fprintf(err, "usage: %s\n", u);
	return -EINVAL;
}

static int commit(const struct sl_committer *k, struct sl_commit_req *c, FILE *err)
{
	return k->commit(k->ctx, c, err) < 0 ? -EIO : 0;
}

int sl_running_configure_cmd(const struct sl_committer *k, int argc, char **argv, const char *input,
	const char *who, FILE *out, FILE *err)
{
	struct sl_running *run = k->run;
	struct sl_configure_opts o;
	if (sl_configure_opts_parse(argc, argv, &o, err) < 0)
		return -EINVAL;
	if (o.has_base) {
		int rc = sl_running_base_check(run, o.base, input, err);
		if (rc < 0)
			return rc;
	}
	uint64_t before = sl_running_id(run);
	char *prev = NULL; /* what a commit-confirm goes back to */
	if (o.minutes > 0 && !run->confirm.pending &&
		(prev = sl_running_confirm_prev(run)) == NULL) {
		fprintf(err, "configure: out of memory\n");
		return -ENOMEM;
	}
	struct sl_commit_req c = {.input = input, .who = who, .comment = o.comment};
	int rc = commit(k, &c, err);
	bool changed = sl_running_id(run) != before || (run->paused && c.committed);
	if (!c.committed) {
		/* refused: nothing armed, a pending deadline unmoved */
	} else if (o.minutes > 0 && (changed || run->confirm.pending)) {
		sl_running_confirm_arm(
			run, &prev, before, o.minutes, sl_running_now_ms(), time(NULL));
		sl_running_confirm_note(run, out);
		sl_log(SL_LOG_NOTICE, NULL,
			"commit-confirm: revision %" PRIu64 " by %s must be confirmed within %u "
			"minute(s), or revision %" PRIu64 " comes back",
			sl_running_id(run), who, o.minutes, run->confirm.revert_id);
	} else if (o.minutes > 0) {
		fprintf(out, "nothing changed: no commit-confirm armed\n");
	} else if (run->confirm.pending && changed) {
		sl_running_confirm_note(run, out);
	}
	free(prev);
	return rc;
}

int sl_running_confirm_cmd(struct sl_running *run, int argc, const char *who, FILE *out, FILE *err)
{
	if (argc != 1)
		return usage(err, "confirm");
	if (!run->confirm.pending) {
		fprintf(err, "confirm: no commit-confirm is pending\n");
		return -ENOENT;
	}
	sl_log(SL_LOG_NOTICE, NULL, "commit-confirm: confirmed by %s: revision %" PRIu64 " stays",
		who, sl_running_id(run));
	fprintf(out, "confirmed: revision %" PRIu64 " stays\n", sl_running_id(run));
	sl_running_confirm_clear(run);
	return 0;
}

void sl_running_confirm_tick(const struct sl_committer *k, uint64_t now_ms)
{
	struct sl_running *run = k->run;
	uint64_t id, from = sl_running_id(run);
	char *text = sl_running_confirm_due(run, now_ms, &id);
	if (text == NULL)
		return;
	sl_log(SL_LOG_WARNING, NULL,
		"commit-confirm: NOT CONFIRMED in time: revision %" PRIu64 " goes, revision "
		"%" PRIu64 " comes back",
		from, id);
	char comment[96], *msg = NULL;
	size_t len = 0;
	snprintf(comment, sizeof(comment), "commit-confirm timed out: back to revision %" PRIu64,
		id);
	FILE *err = open_memstream(&msg, &len);
	int rc = -ENOMEM;
	if (err != NULL) {
		struct sl_commit_req c = {
			.replace = text, .who = "confirm-timeout", .comment = comment};
		rc = commit(k, &c, err);
		fclose(err);
	}
	if (rc == 0)
		sl_log(SL_LOG_WARNING, NULL,
			"commit-confirm: revision %" PRIu64 " is back as revision %" PRIu64 "%s%s",
			id, sl_running_id(run), len ? ":\n" : "", len ? msg : "");
	else
		sl_log(SL_LOG_ERR, NULL,
			"commit-confirm: going back to revision %" PRIu64 " failed:\n%s", id,
			msg ? msg : "out of memory");
	free(msg);
	free(text);
}

int sl_running_rollback_cmd(
	const struct sl_committer *k, int argc, char **argv, const char *who, FILE *out, FILE *err)
{
	struct sl_running *run = k->run;
	uint32_t n;
	if (argc != 2 || sl_u32_parse(argv[1], 0, UINT32_MAX - 1, &n) < 0)
		return usage(err, "rollback N (0: the running revision, 1: the one before, ...)");
	const struct sl_rev *r = sl_history_at(run->history, n);
	if (r == NULL) {
		char held[64];
		sl_running_held(run, held, sizeof(held));
		fprintf(err, "rollback: no revision %u: %s (show system commit)\n", n, held);
		return -EINVAL;
	}
	if (n == 0) {
		fprintf(out, "rollback 0 is the running configuration: nothing to do\n");
		return 0;
	}
	uint64_t id = r->id;
	char *text = strdup(r->text), comment[64];
	if (text == NULL) {
		fprintf(err, "rollback: out of memory\n");
		return -ENOMEM;
	}
	snprintf(comment, sizeof(comment), "rollback to %u (revision %" PRIu64 ")", n, id);
	struct sl_commit_req c = {.replace = text, .who = who, .comment = comment};
	int rc = commit(k, &c, err);
	free(text);
	fprintf(out, "rollback to revision %" PRIu64 ": running revision %" PRIu64 "\n", id,
		sl_running_id(run));
	if (run->confirm.pending)
		sl_running_confirm_note(run, out);
	return rc;
}

int sl_running_reload(const struct sl_committer *k)
{
	struct sl_running *run = k->run;
	if (run->config_path == NULL) {
		sl_log(SL_LOG_NOTICE, NULL,
			"SIGHUP: started without --config FILE: nothing to reload");
		return 0;
	}
	char *msg = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msg, &len);
	if (err == NULL) {
		sl_log(SL_LOG_ERR, NULL, "SIGHUP: out of memory: %s not reloaded",
			run->config_path);
		return -ENOMEM;
	}
	struct sl_commit_req c = {.reload = true, .who = "SIGHUP"};
	int rc = commit(k, &c, err);
	fclose(err);
	if (rc == 0) {
		sl_running_fallback_clear(run);
		sl_log(SL_LOG_NOTICE, NULL, "SIGHUP: %s reloaded%s%s", run->config_path,
			len ? ":\n" : "", len ? msg : "");
	} else {
		sl_log(SL_LOG_ERR, NULL,
			"SIGHUP: %s not reloaded, the running configuration is kept:\n%s",
			run->config_path, msg);
	}
	free(msg);
	return rc == 0 ? 0 : -EINVAL;
}
