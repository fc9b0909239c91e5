/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_configure.c — the commands that commit, beyond sd_commit:
 * `configure [comment TEXT] [confirm MINUTES] [base ID]`, `confirm` and
 * `rollback N` (the history: sluiced_history.c).
 *
 * Commit-confirm: `configure confirm M` arms a timer; without `confirm`
 * within M minutes the configuration before it comes back as a commit of
 * its own (who "confirm-timeout"). Commits made while one is pending fold
 * into it: the timer is not reset by them (a new `confirm M` resets it),
 * and going back undoes them too, as VyOS goes back to the configuration
 * before the commit-confirm.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sluiced.h"

#define CONFIRM_MINUTES_MAX 1440

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "uid N" of the control-socket peer (the kernel's word, SO_PEERCRED). */
static void peer_who(char *buf, size_t len)
{
	int64_t uid = sl_ctl_peer_uid();
	if (uid < 0)
		snprintf(buf, len, "uid unknown");
	else
		snprintf(buf, len, "uid %" PRId64, uid);
}

static int usage(FILE *err, const char *u)
{
	fprintf(err, "usage: %s\n", u);
	return SL_CTL_USAGE;
}

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

/* `base ID`: refused when what changed since ID overlaps what input changes. */
static int base_check(struct sd *s, uint64_t base, const char *input, FILE *err)
{
	const struct sl_rev *top = sl_history_at(s->history, 0);
	uint64_t running = top ? top->id : 0;
	if (base == running)
		return SL_CTL_OK;
	if (s->history_paused) {
		fprintf(err,
			"configure: warning: base %" PRIu64
			" not checked: commits are not recorded "
			"(%zu static routes, more than %d)\n",
			base, s->history_paused, SD_HISTORY_ROUTES_MAX);
		return SL_CTL_OK;
	}
	if (base > running) {
		fprintf(err,
			"configure: base %" PRIu64 " is no revision: the running one is %" PRIu64
			"\n",
			base, running);
		return SL_CTL_USAGE;
	}
	const struct sl_rev *b = sl_history_find(s->history, base);
	if (b == NULL) {
		fprintf(err,
			"configure: refused: revision %" PRIu64 ", the base of this commit, is no "
			"longer in the history (the last %d are kept) and the configuration "
			"changed since (running: revision %" PRIu64 "): rebase with `update`\n",
			base, SL_HISTORY_KEEP, running);
		return SL_CTL_FAILED;
	}
	char path[512];
	int rc = sl_commit_overlap(b->text, top->text, input, path, sizeof(path));
	if (rc < 0) {
		fprintf(err, "configure: cannot compare with revision %" PRIu64 ": %s\n", base,
			strerror(-rc));
		return SL_CTL_FAILED;
	}
	if (rc == 0)
		return SL_CTL_OK; /* untouched since: merged onto the running one */
	const struct sl_rev *by = sl_history_touched(s->history, base, path);
	if (by != NULL) {
		char t[32];
		sd_time_fmt((time_t)by->time, t, sizeof(t));
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
	return SL_CTL_FAILED;
}

void sd_confirm_note(const struct sd *s, FILE *out)
{
	char t[32];
	sd_time_fmt(s->confirm.deadline, t, sizeof(t));
	fprintf(out,
		"commit-confirm pending: without `confirm` by %s, revision %" PRIu64
		" comes back (commits since undone too)\n",
		t, s->confirm.revert_id);
}

int sd_cmd_configure(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json;
	static const char u[] = "configure [comment TEXT] [confirm MINUTES] [base ID]";
	struct sd *s = ctx;
	const char *comment = NULL;
	uint32_t minutes = 0;
	uint64_t base = 0;
	bool has_base = false;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage(err, u);
		if (strcmp(argv[i], "comment") == 0) {
			comment = argv[i + 1];
		} else if (strcmp(argv[i], "confirm") == 0) {
			if (sl_u32_parse(argv[i + 1], 1, CONFIRM_MINUTES_MAX, &minutes) < 0) {
				fprintf(err, "configure: confirm '%s': minutes are 1..%d\n",
					argv[i + 1], CONFIRM_MINUTES_MAX);
				return SL_CTL_USAGE;
			}
		} else if (strcmp(argv[i], "base") == 0) {
			if (!u64_arg(argv[i + 1], &base)) {
				fprintf(err,
					"configure: base '%s' is not a revision id (show system "
					"commit id)\n",
					argv[i + 1]);
				return SL_CTL_USAGE;
			}
			has_base = true;
		} else {
			fprintf(err,
				"configure: unknown word '%s' (valid: comment, confirm, base)\n",
				argv[i]);
			return usage(err, u);
		}
	}
	if (has_base) {
		int rc = base_check(s, base, input, err);
		if (rc != SL_CTL_OK)
			return rc;
	}
	char who[32];
	peer_who(who, sizeof(who));
	const struct sl_rev *top = sl_history_at(s->history, 0);
	uint64_t before = top ? top->id : 0;
	char *prev = NULL; /* what a commit-confirm goes back to */
	if (minutes > 0 && !s->confirm.pending) {
		/* not recorded (a big configuration): rendered for the occasion */
		prev = s->history_paused || top == NULL
			       ? sl_conf_render_str(sl_router_conf_const(s->router))
			       : strdup(top->text);
		if (prev == NULL) {
			fprintf(err, "configure: out of memory\n");
			return SL_CTL_FAILED;
		}
	}
	struct sd_commit c = {.input = input, .who = who, .comment = comment};
	int rc = sd_commit(s, &c, err);
	bool changed = sd_running_id(s) != before || (s->history_paused && c.committed);
	if (!c.committed) {
		/* refused: nothing armed, a pending deadline unmoved */
	} else if (minutes > 0 && (changed || s->confirm.pending)) {
		if (!s->confirm.pending) {
			s->confirm.pending = true;
			s->confirm.revert_text = prev;
			s->confirm.revert_id = before;
			prev = NULL;
		}
		s->confirm.deadline_ms = mono_ms() + (uint64_t)minutes * 60000;
		s->confirm.deadline = time(NULL) + (time_t)minutes * 60;
		sd_confirm_note(s, out);
		SD_LOG(NOTICE,
			"commit-confirm: revision %" PRIu64 " by %s must be confirmed within %u "
			"minute(s), or revision %" PRIu64 " comes back",
			sd_running_id(s), who, minutes, s->confirm.revert_id);
	} else if (minutes > 0) {
		fprintf(out, "nothing changed: no commit-confirm armed\n");
	} else if (s->confirm.pending && changed) {
		sd_confirm_note(s, out);
	}
	free(prev);
	return rc;
}

int sd_cmd_confirm(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argv, (void)json, (void)input;
	struct sd *s = ctx;
	if (argc != 1)
		return usage(err, "confirm");
	if (!s->confirm.pending) {
		fprintf(err, "confirm: no commit-confirm is pending\n");
		return SL_CTL_FAILED;
	}
	char who[32];
	peer_who(who, sizeof(who));
	SD_LOG(NOTICE, "commit-confirm: confirmed by %s: revision %" PRIu64 " stays", who,
		sd_running_id(s));
	fprintf(out, "confirmed: revision %" PRIu64 " stays\n", sd_running_id(s));
	free(s->confirm.revert_text);
	memset(&s->confirm, 0, sizeof(s->confirm));
	return SL_CTL_OK;
}

void sd_confirm_timers(struct sd *s)
{
	if (!s->confirm.pending || mono_ms() < s->confirm.deadline_ms)
		return;
	char *text = s->confirm.revert_text;
	uint64_t id = s->confirm.revert_id, from = sd_running_id(s);
	memset(&s->confirm, 0, sizeof(s->confirm));
	SD_LOG(WARNING,
		"commit-confirm: NOT CONFIRMED in time: revision %" PRIu64 " goes, revision "
		"%" PRIu64 " comes back",
		from, id);
	char comment[96], *msg = NULL;
	size_t len = 0;
	snprintf(comment, sizeof(comment), "commit-confirm timed out: back to revision %" PRIu64,
		id);
	FILE *err = open_memstream(&msg, &len);
	int rc = SL_CTL_FAILED;
	if (err != NULL) {
		struct sd_commit c = {
			.replace = text, .who = "confirm-timeout", .comment = comment};
		rc = sd_commit(s, &c, err);
		fclose(err);
	}
	if (rc == SL_CTL_OK)
		SD_LOG(WARNING,
			"commit-confirm: revision %" PRIu64 " is back as revision %" PRIu64 "%s%s",
			id, sd_running_id(s), len ? ":\n" : "", len ? msg : "");
	else
		SD_LOG(ERR, "commit-confirm: going back to revision %" PRIu64 " failed:\n%s", id,
			msg ? msg : "out of memory");
	free(msg);
	free(text);
}

int sd_cmd_rollback(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	struct sd *s = ctx;
	uint32_t n;
	if (argc != 2 || sl_u32_parse(argv[1], 0, UINT32_MAX - 1, &n) < 0)
		return usage(err, "rollback N (0: the running revision, 1: the one before, ...)");
	const struct sl_rev *r = sl_history_at(s->history, n);
	if (r == NULL) {
		char held[64];
		sd_history_held(s, held, sizeof(held));
		fprintf(err, "rollback: no revision %u: %s (show system commit)\n", n, held);
		return SL_CTL_USAGE;
	}
	if (n == 0) {
		fprintf(out, "rollback 0 is the running configuration: nothing to do\n");
		return SL_CTL_OK;
	}
	uint64_t id = r->id;
	char *text = strdup(r->text), who[32], comment[64];
	if (text == NULL) {
		fprintf(err, "rollback: out of memory\n");
		return SL_CTL_FAILED;
	}
	peer_who(who, sizeof(who));
	snprintf(comment, sizeof(comment), "rollback to %u (revision %" PRIu64 ")", n, id);
	struct sd_commit c = {.replace = text, .who = who, .comment = comment};
	int rc = sd_commit(s, &c, err);
	free(text);
	fprintf(out, "rollback to revision %" PRIu64 ": running revision %" PRIu64 "\n", id,
		sd_running_id(s));
	if (s->confirm.pending)
		sd_confirm_note(s, out);
	return rc;
}
