/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_configure.c — the commands that commit, beyond sd_commit:
 * `configure [comment TEXT] [confirm MINUTES] [base ID]`, `confirm` and
 * `rollback N`. What they decide (options, base check, commit-confirm) is
 * lib/commit's (commit_confirm.c); here they meet sd_commit and the clock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sluiced.h"

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

int sd_cmd_configure(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json;
	struct sd *s = ctx;
	struct sl_configure_opts o;
	if (sl_configure_opts_parse(argc, argv, &o, err) < 0)
		return SL_CTL_USAGE;
	if (o.has_base) {
		int rc = sl_running_base_check(&s->run, o.base, input, err);
		if (rc < 0)
			return rc == -EINVAL ? SL_CTL_USAGE : SL_CTL_FAILED;
	}
	char who[32];
	peer_who(who, sizeof(who));
	uint64_t before = sl_running_id(&s->run);
	char *prev = NULL; /* what a commit-confirm goes back to */
	if (o.minutes > 0 && !s->run.confirm.pending &&
		(prev = sl_running_confirm_prev(&s->run)) == NULL) {
		fprintf(err, "configure: out of memory\n");
		return SL_CTL_FAILED;
	}
	struct sd_commit c = {.input = input, .who = who, .comment = o.comment};
	int rc = sd_commit(s, &c, err);
	bool changed = sl_running_id(&s->run) != before || (s->run.paused && c.committed);
	if (!c.committed) {
		/* refused: nothing armed, a pending deadline unmoved */
	} else if (o.minutes > 0 && (changed || s->run.confirm.pending)) {
		sl_running_confirm_arm(&s->run, &prev, before, o.minutes, mono_ms(), time(NULL));
		sl_running_confirm_note(&s->run, out);
		SD_LOG(NOTICE,
			"commit-confirm: revision %" PRIu64 " by %s must be confirmed within %u "
			"minute(s), or revision %" PRIu64 " comes back",
			sl_running_id(&s->run), who, o.minutes, s->run.confirm.revert_id);
	} else if (o.minutes > 0) {
		fprintf(out, "nothing changed: no commit-confirm armed\n");
	} else if (s->run.confirm.pending && changed) {
		sl_running_confirm_note(&s->run, out);
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
	if (!s->run.confirm.pending) {
		fprintf(err, "confirm: no commit-confirm is pending\n");
		return SL_CTL_FAILED;
	}
	char who[32];
	peer_who(who, sizeof(who));
	SD_LOG(NOTICE, "commit-confirm: confirmed by %s: revision %" PRIu64 " stays", who,
		sl_running_id(&s->run));
	fprintf(out, "confirmed: revision %" PRIu64 " stays\n", sl_running_id(&s->run));
	sl_running_confirm_clear(&s->run);
	return SL_CTL_OK;
}

void sd_confirm_timers(struct sd *s)
{
	uint64_t id, from = sl_running_id(&s->run);
	char *text = sl_running_confirm_due(&s->run, mono_ms(), &id);
	if (text == NULL)
		return;
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
			id, sl_running_id(&s->run), len ? ":\n" : "", len ? msg : "");
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
	const struct sl_rev *r = sl_history_at(s->run.history, n);
	if (r == NULL) {
		char held[64];
		sl_running_held(&s->run, held, sizeof(held));
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
		sl_running_id(&s->run));
	if (s->run.confirm.pending)
		sl_running_confirm_note(&s->run, out);
	return rc;
}
