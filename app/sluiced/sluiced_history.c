/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_history.c — the commit history (lib/commit's sl_history) in the
 * daemon: start-up on --config or, when it does not load, on the newest
 * revision that does; a revision per commit (none past SD_HISTORY_ROUTES_MAX
 * static routes); `show system commit [diff N | compare N M | id]`. The
 * commands that commit (configure's options, confirm, rollback):
 * sluiced_configure.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "sluiced.h"

void sd_time_fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

uint64_t sd_running_id(const struct sd *s)
{
	const struct sl_rev *r = sl_history_at(s->history, 0);
	return r ? r->id : 0;
}

/* Static routes configured: the bulk of a big configuration (a line or
 * more each), counted without rendering it. */
static size_t conf_routes(const struct sl_conf *c)
{
	const struct sl_conf_node *n = sl_conf_findv(c, "protocols", "static", "route", NULL);
	const struct sl_conf_node *vrfs = sl_conf_findv(c, "vrf", "name", NULL), *v;
	size_t total = n ? sl_conf_child_count(n) : 0, cur = 0;
	while (vrfs != NULL && (v = sl_conf_child_next(vrfs, &cur)) != NULL) {
		const struct sl_conf_node *p = sl_conf_child(v, "protocols");
		const struct sl_conf_node *st = p ? sl_conf_child(p, "static") : NULL;
		const struct sl_conf_node *r = st ? sl_conf_child(st, "route") : NULL;
		total += r ? sl_conf_child_count(r) : 0;
	}
	return total;
}

/* Whether revisions are recorded, said in the log when it changes. */
static bool history_recording(struct sd *s)
{
	size_t routes = conf_routes(sl_router_conf_const(s->router));
	if (routes > SD_HISTORY_ROUTES_MAX) {
		if (s->history_paused == 0)
			SD_LOG(WARNING,
				"history: %zu static routes (more than %d): commits are no longer "
				"recorded until there are fewer",
				routes, SD_HISTORY_ROUTES_MAX);
		s->history_paused = routes;
		return false;
	}
	if (s->history_paused != 0)
		SD_LOG(NOTICE, "history: %zu static routes: commits are recorded again", routes);
	s->history_paused = 0;
	return true;
}

void sd_history_commit(struct sd *s, const struct sd_commit *c, FILE *err, uint64_t *id,
	size_t *added, size_t *removed)
{
	const struct sl_rev *top = sl_history_at(s->history, 0);
	*id = top ? top->id : 0;
	*added = *removed = 0;
	if (!history_recording(s))
		return;
	char *text = sl_conf_render_str(sl_router_conf_const(s->router));
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
			SD_LOG(WARNING, "revision %" PRIu64 " of the history does not load either",
				r->id);
			continue;
		}
		char t[32], why[512];
		sd_time_fmt((time_t)r->time, t, sizeof(t));
		snprintf(why, sizeof(why),
			"%s failed to load: started on revision %" PRIu64 " (%s, by %s), the last "
			"good one",
			s->config_path, r->id, t, r->who);
		SD_LOG(ERR,
			"WARNING: %s; fix the file, or `save` to write the running configuration "
			"over it",
			why);
		s->fallback = strdup(why);
		s->fallback_id = r->id;
		return 0;
	}
	SD_LOG(ERR,
		"%s failed to load and the commit history holds no revision that loads: not "
		"starting",
		s->config_path);
	return -EINVAL;
}

/* --config FILE: loaded; missing: an empty router; broken: start_fallback. */
static int start_load(struct sd *s, char *comment, size_t len)
{
	struct stat st;
	if (stat(s->config_path, &st) < 0 && errno == ENOENT) {
		SD_LOG(WARNING,
			"%s does not exist: starting with an empty configuration (`save` creates "
			"it)",
			s->config_path);
		snprintf(comment, len, "%s does not exist: empty configuration", s->config_path);
		return 0;
	}
	struct sl_errors errs = {0};
	int e = sl_router_load_file(s->router, s->config_path, &errs);
	for (size_t i = 0; e < 0 && i < errs.n; i++)
		SD_LOG(ERR, "%s:%u: %s", s->config_path, errs.v[i].line, errs.v[i].msg);
	if (e < 0 && errs.n == 0)
		SD_LOG(ERR, "cannot load %s: %s", s->config_path, strerror(-e));
	sl_errors_free(&errs);
	if (e < 0) {
		if ((e = start_fallback(s)) == 0)
			snprintf(comment, len, "%s", s->fallback);
		return e;
	}
	/* lines accepted without effect (VyOS compatibility): said, not refused */
	const struct sl_errors *w = sl_router_warnings(s->router);
	for (size_t i = 0; i < w->n; i++)
		SD_LOG(WARNING, "%s:%u: warning: %s", s->config_path, w->v[i].line, w->v[i].msg);
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
		SD_LOG(WARNING, "commit history %s: %s: kept in memory only", dir, strerror(errno));
		s->history = sl_history_open(NULL, stderr);
	}
	s->router = sl_router_new();
	if (s->history == NULL || s->router == NULL) {
		SD_LOG(ERR, "out of memory");
		sd_history_close(s);
		return -ENOMEM;
	}
	sl_router_fib_log(s->router, true);
	char comment[600] = "";
	if (s->config_path != NULL) {
		int e = start_load(s, comment, sizeof(comment));
		if (e < 0) {
			sd_history_close(s);
			if (dir != NULL)
				rmdir(dir); /* made for nothing: only an empty one goes */
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

/* "the history holds 0..N", or that it holds none. */
void sd_history_held(const struct sd *s, char *buf, size_t len)
{
	size_t n = sl_history_count(s->history);
	if (n == 0)
		snprintf(buf, len, "the history holds no revision");
	else
		snprintf(buf, len, "the history holds 0..%zu", n - 1);
}

/* ---- show system commit ---- */

static void commit_list_text(struct sd *s, FILE *out)
{
	if (s->fallback != NULL)
		fprintf(out, "WARNING: %s\n", s->fallback);
	if (s->history_paused)
		fprintf(out,
			"commits are not recorded: %zu static routes (more than %d); the "
			"revisions below are older than the running configuration\n",
			s->history_paused, SD_HISTORY_ROUTES_MAX);
	if (s->confirm.pending)
		sd_confirm_note(s, out);
	fprintf(out, "%-4s %-8s %-19s %-16s %-16s %s\n", "N", "Revision", "Time", "Who", "Changes",
		"Comment");
	for (size_t n = 0; n < sl_history_count(s->history); n++) {
		const struct sl_rev *r = sl_history_at(s->history, n);
		char t[32], ch[40];
		sd_time_fmt((time_t)r->time, t, sizeof(t));
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
		sd_time_fmt((time_t)r->time, t, sizeof(t));
		json_array_append_new(revs,
			json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "n",
				(json_int_t)n, "id", (json_int_t)r->id, "time", (json_int_t)r->time,
				"time_text", t, "who", r->who, "comment", r->comment, "added",
				(json_int_t)r->added, "removed", (json_int_t)r->removed, "fallback",
				s->fallback != NULL && r->id == s->fallback_id));
	}
	json_object_set_new(v, "running", json_integer((json_int_t)sd_running_id(s)));
	json_object_set_new(v, "fallback", s->fallback ? json_string(s->fallback) : json_null());
	json_object_set_new(v, "recording", json_boolean(s->history_paused == 0));
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
	if (r == NULL) {
		char held[64];
		sd_history_held(s, held, sizeof(held));
		fprintf(err, "show system commit: no revision '%s': %s\n", arg, held);
	}
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
			fprintf(out, "{\"id\": %" PRIu64 "}\n", sd_running_id(s));
		else
			fprintf(out, "%" PRIu64 "\n", sd_running_id(s));
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
	fprintf(err, "usage: %s\n", u);
	return SL_CTL_USAGE;
}

int sd_history_register(struct sd *s)
{
	static const char *const words[] = {
		"show system commit",
		"show system commit diff",
		"show system commit compare",
		"show system commit id",
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(words) / sizeof(words[0]); i++)
		rc = sl_ctl_register(words[i], cmd_show_commit, s);
	return rc;
}
