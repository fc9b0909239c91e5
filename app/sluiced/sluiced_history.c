/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_history.c — the commit history (lib/commit's sl_history) in the
 * daemon: start-up on --config or, when it does not load, on the newest
 * revision that does; a revision per commit; `configure [comment TEXT]
 * [confirm MINUTES] [base ID]`, `confirm`, `rollback N` and `show system
 * commit [diff N | compare N M | id]`.
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
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "sluiced.h"

#define CONFIRM_MINUTES_MAX 1440

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void time_fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* "uid N" of the control-socket peer (the kernel's word, SO_PEERCRED). */
static void peer_who(char *buf, size_t len)
{
	long uid = sl_ctl_peer_uid();
	if (uid < 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "uid %ld", uid);
}

static uint64_t running_id(const struct sd *s)
{
	const struct sl_rev *r = sl_history_at(s->history, 0);
	return r ? r->id : 0;
}

void sd_history_commit(struct sd *s, const struct sd_commit *c, FILE *err, uint64_t *id,
	size_t *added, size_t *removed)
{
	char *text = sl_conf_render_str(sl_router_conf_const(s->router));
	const struct sl_rev *top = sl_history_at(s->history, 0);
	*id = top ? top->id : 0;
	*added = *removed = 0;
	if (text == NULL) {
		fprintf(err, "history: out of memory: this commit is not recorded\n");
		return;
	}
	/* a commit that changed nothing is no revision */
	if (top == NULL || strcmp(top->text, text) != 0) {
		sl_history_record(s->history, c->who, c->comment, text, err);
		top = sl_history_at(s->history, 0);
		*id = top->id;
		*added = top->added;
		*removed = top->removed;
	}
	free(text);
}

void sd_fallback_clear(struct sd *s)
{
	if (s->fallback == NULL)
		return;
	SD_LOG(NOTICE, "the config file holds the running configuration again: start-up "
		       "fallback over");
	free(s->fallback);
	s->fallback = NULL;
	s->fallback_id = 0;
}

/* The config file did not load: the newest revision that does, loudly. */
static int start_fallback(struct sd *s)
{
	for (size_t n = 0; n < sl_history_count(s->history); n++) {
		const struct sl_rev *r = sl_history_at(s->history, n);
		struct sl_errors errs = {0};
		int rc = sl_router_apply(s->router, r->text, &errs, NULL);
		sl_errors_free(&errs);
		if (rc < 0) {
			fprintf(stderr,
				"sluiced: revision %" PRIu64 " of the history does not load "
				"either\n",
				r->id);
			continue;
		}
		char t[32], why[512];
		time_fmt((time_t)r->time, t, sizeof(t));
		snprintf(why, sizeof(why),
			"%s failed to load: started on revision %" PRIu64 " (%s, by %s), the last "
			"good one",
			s->config_path, r->id, t, r->who);
		fprintf(stderr,
			"sluiced: WARNING: %s; fix the file, or `save` to write the running "
			"configuration over it\n",
			why);
		s->fallback = strdup(why);
		s->fallback_id = r->id;
		return 0;
	}
	fprintf(stderr,
		"sluiced: %s failed to load and the commit history holds no revision that "
		"loads: not starting\n",
		s->config_path);
	return -EINVAL;
}

/* --config FILE: loaded; missing: an empty router; broken: start_fallback. */
static int start_load(struct sd *s, char *comment, size_t len)
{
	struct stat st;
	if (stat(s->config_path, &st) < 0 && errno == ENOENT) {
		fprintf(stderr,
			"sluiced: %s does not exist: starting with an empty configuration (`save` "
			"creates it)\n",
			s->config_path);
		snprintf(comment, len, "%s does not exist: empty configuration", s->config_path);
		return 0;
	}
	struct sl_errors errs = {0};
	int e = sl_router_load_file(s->router, s->config_path, &errs);
	for (size_t i = 0; e < 0 && i < errs.n; i++)
		fprintf(stderr, "sluiced: %s:%u: %s\n", s->config_path, errs.v[i].line,
			errs.v[i].msg);
	if (e < 0 && errs.n == 0)
		fprintf(stderr, "sluiced: cannot load %s: %s\n", s->config_path, strerror(-e));
	sl_errors_free(&errs);
	if (e < 0) {
		if ((e = start_fallback(s)) == 0)
			snprintf(comment, len, "%s", s->fallback);
		return e;
	}
	/* lines accepted without effect (VyOS compatibility): said, not refused */
	const struct sl_errors *w = sl_router_warnings(s->router);
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "sluiced: %s:%u: warning: %s\n", s->config_path, w->v[i].line,
			w->v[i].msg);
	snprintf(comment, len, "loaded %s", s->config_path);
	return 0;
}

int sd_config_start(struct sd *s)
{
	char dirbuf[4096];
	const char *dir = s->commit_dir;
	if (dir == NULL && s->config_path != NULL &&
		snprintf(dirbuf, sizeof(dirbuf), "%s.commits", s->config_path) <
			(int)sizeof(dirbuf))
		dir = dirbuf;
	s->history = sl_history_open(dir, stderr);
	if (s->history == NULL && dir != NULL) {
		/* a router without its history still routes: said, not fatal */
		fprintf(stderr, "sluiced: commit history %s: %s: kept in memory only\n", dir,
			strerror(errno));
		s->history = sl_history_open(NULL, stderr);
	}
	s->router = sl_router_new();
	if (s->history == NULL || s->router == NULL) {
		fprintf(stderr, "sluiced: out of memory\n");
		sd_history_close(s);
		return -ENOMEM;
	}
	sl_router_fib_log(s->router, true);
	char comment[600] = "";
	if (s->config_path != NULL) {
		int e = start_load(s, comment, sizeof(comment));
		if (e < 0) {
			sd_history_close(s);
			return e;
		}
	}
	/* the running configuration is a revision: rollback and base work from
	 * the first commit on (an unchanged restart adds none) */
	uint64_t id;
	size_t added, removed;
	struct sd_commit c = {.who = "start-up", .comment = comment};
	sd_history_commit(s, &c, stderr, &id, &added, &removed);
	SD_LOG(INFO, "start-up: running revision %" PRIu64 "%s%s", id, comment[0] ? ": " : "",
		comment);
	return 0;
}

void sd_history_close(struct sd *s)
{
	sl_router_free(s->router);
	s->router = NULL;
	sl_history_free(s->history);
	s->history = NULL;
	free(s->fallback);
	s->fallback = NULL;
	free(s->confirm.revert_text);
	memset(&s->confirm, 0, sizeof(s->confirm));
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
		time_fmt((time_t)by->time, t, sizeof(t));
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

static void confirm_note(struct sd *s, FILE *out)
{
	char t[32];
	time_fmt(s->confirm.deadline, t, sizeof(t));
	fprintf(out,
		"commit-confirm pending: without `confirm` by %s, revision %" PRIu64
		" comes back (commits since undone too)\n",
		t, s->confirm.revert_id);
}

static int cmd_configure(
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
	if (minutes > 0 && !s->confirm.pending && (prev = strdup(top ? top->text : "")) == NULL) {
		fprintf(err, "configure: out of memory\n");
		return SL_CTL_FAILED;
	}
	struct sd_commit c = {.input = input, .who = who, .comment = comment};
	int rc = sd_commit(s, &c, err);
	bool changed = running_id(s) != before;
	if (minutes > 0 && (changed || s->confirm.pending)) {
		if (!s->confirm.pending) {
			s->confirm.pending = true;
			s->confirm.revert_text = prev;
			s->confirm.revert_id = before;
			prev = NULL;
		}
		s->confirm.deadline_ms = mono_ms() + (uint64_t)minutes * 60000;
		s->confirm.deadline = time(NULL) + (time_t)minutes * 60;
		confirm_note(s, out);
		SD_LOG(NOTICE,
			"commit-confirm: revision %" PRIu64 " by %s must be confirmed within %u "
			"minute(s), or revision %" PRIu64 " comes back",
			running_id(s), who, minutes, s->confirm.revert_id);
	} else if (minutes > 0) {
		fprintf(out, "nothing changed: no commit-confirm armed\n");
	} else if (s->confirm.pending && changed) {
		confirm_note(s, out);
	}
	free(prev);
	return rc;
}

static int cmd_confirm(
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
		running_id(s));
	fprintf(out, "confirmed: revision %" PRIu64 " stays\n", running_id(s));
	free(s->confirm.revert_text);
	memset(&s->confirm, 0, sizeof(s->confirm));
	return SL_CTL_OK;
}

void sd_confirm_timers(struct sd *s)
{
	if (!s->confirm.pending || mono_ms() < s->confirm.deadline_ms)
		return;
	char *text = s->confirm.revert_text;
	uint64_t id = s->confirm.revert_id, from = running_id(s);
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
			id, running_id(s), len ? ":\n" : "", len ? msg : "");
	else
		SD_LOG(ERR, "commit-confirm: going back to revision %" PRIu64 " failed:\n%s", id,
			msg ? msg : "out of memory");
	free(msg);
	free(text);
}

static int cmd_rollback(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	struct sd *s = ctx;
	uint32_t n;
	if (argc != 2 || sl_u32_parse(argv[1], 0, UINT32_MAX - 1, &n) < 0)
		return usage(err, "rollback N (0: the running revision, 1: the one before, ...)");
	const struct sl_rev *r = sl_history_at(s->history, n);
	if (r == NULL) {
		fprintf(err,
			"rollback: no revision %u: the history holds 0..%zu (show system commit)\n",
			n, sl_history_count(s->history) - 1);
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
		running_id(s));
	if (s->confirm.pending)
		confirm_note(s, out);
	return rc;
}

/* ---- show system commit ---- */

static void commit_list_text(struct sd *s, FILE *out)
{
	if (s->fallback != NULL)
		fprintf(out, "WARNING: %s\n", s->fallback);
	if (s->confirm.pending)
		confirm_note(s, out);
	fprintf(out, "%-4s %-8s %-19s %-16s %-16s %s\n", "N", "Revision", "Time", "Who", "Changes",
		"Comment");
	for (size_t n = 0; n < sl_history_count(s->history); n++) {
		const struct sl_rev *r = sl_history_at(s->history, n);
		char t[32], ch[40];
		time_fmt((time_t)r->time, t, sizeof(t));
		snprintf(ch, sizeof(ch), "+%zu -%zu lines", r->added, r->removed);
		fprintf(out, "%-4zu %-8" PRIu64 " %-19s %-16s %-16s %s%s\n", n, r->id, t, r->who,
			ch, r->id == s->fallback_id && s->fallback ? "[start-up fallback] " : "",
			r->comment);
	}
}

static json_t *commit_list_json(struct sd *s)
{
	json_t *revs = json_array(), *v = json_object();
	if (revs == NULL || v == NULL) {
		json_decref(revs);
		json_decref(v);
		return NULL;
	}
	for (size_t n = 0; n < sl_history_count(s->history); n++) {
		const struct sl_rev *r = sl_history_at(s->history, n);
		char t[32];
		time_fmt((time_t)r->time, t, sizeof(t));
		json_array_append_new(revs,
			json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "n",
				(json_int_t)n, "id", (json_int_t)r->id, "time", (json_int_t)r->time,
				"time_text", t, "who", r->who, "comment", r->comment, "added",
				(json_int_t)r->added, "removed", (json_int_t)r->removed, "fallback",
				s->fallback != NULL && r->id == s->fallback_id));
	}
	json_object_set_new(v, "running", json_integer((json_int_t)running_id(s)));
	json_object_set_new(v, "fallback", s->fallback ? json_string(s->fallback) : json_null());
	json_object_set_new(v, "confirm_pending",
		s->confirm.pending
			? json_pack("{s:I, s:I}", "revert_to", (json_int_t)s->confirm.revert_id,
				  "deadline", (json_int_t)s->confirm.deadline)
			: json_null());
	json_object_set_new(v, "revisions", revs);
	return v;
}

/* Revision n of the history for `show system commit diff|compare`. */
static const struct sl_rev *rev_arg(struct sd *s, const char *arg, FILE *err)
{
	uint32_t n;
	const struct sl_rev *r = NULL;
	if (sl_u32_parse(arg, 0, UINT32_MAX - 1, &n) == 0)
		r = sl_history_at(s->history, n);
	if (r == NULL)
		fprintf(err, "show system commit: no revision '%s': the history holds 0..%zu\n",
			arg, sl_history_count(s->history) - 1);
	return r;
}

/* from → to as "- LINE" / "+ LINE", or JSON {"from","to","removed","added"}. */
static int diff_show(
	const struct sl_rev *from, const struct sl_rev *to, bool json, FILE *out, FILE *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = json ? open_memstream(&buf, &len) : out;
	if (m == NULL || sl_text_diff(from->text, to->text, m, NULL, NULL) < 0) {
		if (json && m != NULL)
			fclose(m);
		free(buf);
		fprintf(err, "show system commit: out of memory\n");
		return SL_CTL_FAILED;
	}
	if (!json)
		return SL_CTL_OK;
	fclose(m);
	json_t *v = json_pack("{s:I, s:I, s:[], s:[]}", "from", (json_int_t)from->id, "to",
		(json_int_t)to->id, "removed", "added");
	for (char *save, *l = strtok_r(buf, "\n", &save); v && l; l = strtok_r(NULL, "\n", &save))
		json_array_append_new(
			json_object_get(v, l[0] == '-' ? "removed" : "added"), json_string(l + 2));
	free(buf);
	if (v == NULL) {
		fprintf(err, "show system commit: out of memory\n");
		return SL_CTL_FAILED;
	}
	json_dumpf(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(out, "\n");
	json_decref(v);
	return SL_CTL_OK;
}

static int cmd_show_commit(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	static const char u[] = "show system commit [diff N | compare N M | id]";
	struct sd *s = ctx;
	if (argc == 3) {
		if (!json) {
			commit_list_text(s, out);
			return SL_CTL_OK;
		}
		json_t *v = commit_list_json(s);
		if (v == NULL)
			return SL_CTL_FAILED;
		json_dumpf(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(out, "\n");
		json_decref(v);
		return SL_CTL_OK;
	}
	const char *sub = argv[3];
	if (strcmp(sub, "id") == 0 && argc == 4) {
		if (json)
			fprintf(out, "{\"id\": %" PRIu64 "}\n", running_id(s));
		else
			fprintf(out, "%" PRIu64 "\n", running_id(s));
		return SL_CTL_OK;
	}
	if (strcmp(sub, "diff") == 0 && argc == 5) {
		const struct sl_rev *to = rev_arg(s, argv[4], err), *from;
		if (to == NULL)
			return SL_CTL_USAGE;
		from = sl_history_at(s->history, (size_t)strtoul(argv[4], NULL, 10) + 1);
		if (from == NULL) {
			fprintf(err,
				"show system commit diff %s: the revision before it is no "
				"longer kept\n",
				argv[4]);
			return SL_CTL_FAILED;
		}
		return diff_show(from, to, json, out, err);
	}
	if (strcmp(sub, "compare") == 0 && argc == 6) {
		const struct sl_rev *a = rev_arg(s, argv[4], err);
		const struct sl_rev *b = a ? rev_arg(s, argv[5], err) : NULL;
		return b == NULL ? SL_CTL_USAGE : diff_show(a, b, json, out, err);
	}
	return usage(err, u);
}

int sd_history_register(struct sd *s)
{
	static const struct {
		const char *words;
		sl_ctl_handler_fn fn;
	} cmds[] = {
		{"configure", cmd_configure},
		{"confirm", cmd_confirm},
		{"rollback", cmd_rollback},
		{"show system commit", cmd_show_commit},
		{"show system commit diff", cmd_show_commit},
		{"show system commit compare", cmd_show_commit},
		{"show system commit id", cmd_show_commit},
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		rc = sl_ctl_register(cmds[i].words, cmds[i].fn, s);
	return rc;
}
