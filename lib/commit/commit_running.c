/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_running.c — the running configuration's record (struct
 * sl_running): start-up on --config or, when it does not load, on the
 * newest revision of the history that does; a revision per commit (none
 * past routes_max static routes); the start-up fallback.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_commit.h"
#include "sl_conf.h"
#include "sl_log.h"

#define RLOG(level, fmt, ...) sl_log(SL_LOG_##level, NULL, fmt, ##__VA_ARGS__)

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
static bool recording(struct sl_running *run)
{
	size_t routes = conf_routes(sl_router_conf_const(run->router));
	if (routes > run->routes_max) {
		if (run->paused == 0)
			RLOG(WARNING,
				"history: %zu static routes (more than %zu): commits are no longer "
				"recorded until there are fewer",
				routes, run->routes_max);
		run->paused = routes;
		return false;
	}
	if (run->paused != 0)
		RLOG(NOTICE, "history: %zu static routes: commits are recorded again", routes);
	run->paused = 0;
	return true;
}

void sl_running_record(struct sl_running *run, const char *who, const char *comment, FILE *err,
	uint64_t *id, size_t *added, size_t *removed)
{
	const struct sl_rev *top = sl_history_at(run->history, 0);
	*id = top ? top->id : 0;
	*added = *removed = 0;
	if (!recording(run))
		return;
	char *text = sl_conf_render_str(sl_router_conf_const(run->router));
	if (text == NULL) {
		fprintf(err, "history: out of memory: this commit is not recorded\n");
		return;
	}
	/* a commit that changed nothing is no revision */
	if (top == NULL || strcmp(top->text, text) != 0) {
		sl_history_record(run->history, who, comment, text, err);
		top = sl_history_at(run->history, 0);
		*id = top->id;
		*added = top->added;
		*removed = top->removed;
	}
	free(text);
}

void sl_running_fallback_clear(struct sl_running *run)
{
	if (run->fallback == NULL)
		return;
	RLOG(NOTICE, "the config file holds the running configuration again: start-up "
		     "fallback over");
	free(run->fallback);
	run->fallback = NULL;
	run->fallback_id = 0;
}

/* The config file did not load: the newest revision that does, loudly. */
static int start_fallback(struct sl_running *run)
{
	for (size_t n = 0; n < sl_history_count(run->history); n++) {
		const struct sl_rev *r = sl_history_at(run->history, n);
		struct sl_errors errs = {0};
		int rc = sl_router_apply(run->router, r->text, &errs, NULL);
		sl_errors_free(&errs);
		if (rc < 0) {
			RLOG(WARNING, "revision %" PRIu64 " of the history does not load either",
				r->id);
			continue;
		}
		char t[32], why[512];
		sl_time_fmt((time_t)r->time, t, sizeof(t));
		snprintf(why, sizeof(why),
			"%s failed to load: started on revision %" PRIu64 " (%s, by %s), the last "
			"good one",
			run->config_path, r->id, t, r->who);
		RLOG(ERR,
			"WARNING: %s; fix the file, or `save` to write the running configuration "
			"over it",
			why);
		run->fallback = strdup(why);
		run->fallback_id = r->id;
		return 0;
	}
	RLOG(ERR,
		"%s failed to load and the commit history holds no revision that loads: not "
		"starting",
		run->config_path);
	return -EINVAL;
}

/* --config FILE: loaded; missing: an empty router; broken: start_fallback. */
static int start_load(struct sl_running *run, char *comment, size_t len)
{
	const char *path = run->config_path;
	struct stat st;
	if (stat(path, &st) < 0 && errno == ENOENT) {
		RLOG(WARNING,
			"%s does not exist: starting with an empty configuration (`save` creates "
			"it)",
			path);
		snprintf(comment, len, "%s does not exist: empty configuration", path);
		return 0;
	}
	struct sl_errors errs = {0};
	int e = sl_router_load_file(run->router, path, &errs);
	for (size_t i = 0; e < 0 && i < errs.n; i++)
		RLOG(ERR, "%s:%u: %s", path, errs.v[i].line, errs.v[i].msg);
	if (e < 0 && errs.n == 0)
		RLOG(ERR, "cannot load %s: %s", path, strerror(-e));
	sl_errors_free(&errs);
	if (e < 0) {
		if ((e = start_fallback(run)) == 0)
			snprintf(comment, len, "%s", run->fallback);
		return e;
	}
	/* lines accepted without effect (VyOS compatibility): said, not refused */
	const struct sl_errors *w = sl_router_warnings(run->router);
	for (size_t i = 0; i < w->n; i++)
		RLOG(WARNING, "%s:%u: warning: %s", path, w->v[i].line, w->v[i].msg);
	snprintf(comment, len, "loaded %s", path);
	return 0;
}

/* SL_CONFIRM_MINUTE_ENV, for tests: a bad value is said and ignored. */
static uint32_t confirm_minute_ms(void)
{
	const char *v = getenv(SL_CONFIRM_MINUTE_ENV);
	uint32_t ms;
	if (v == NULL)
		return 60000;
	if (sl_u32_parse(v, 1, 60000, &ms) < 0) {
		RLOG(WARNING, "%s='%s' ignored: not a number of ms in [1, 60000]",
			SL_CONFIRM_MINUTE_ENV, v);
		return 60000;
	}
	RLOG(WARNING, "%s: a commit-confirm minute is %u ms (for tests)", SL_CONFIRM_MINUTE_ENV,
		ms);
	return ms;
}

int sl_running_start(struct sl_running *run, const char *config_path, const char *commit_dir)
{
	*run = (struct sl_running){.config_path = config_path,
		.routes_max = SL_HISTORY_ROUTES_MAX,
		.minute_ms = confirm_minute_ms()};
	char dirbuf[4096];
	const char *dir = commit_dir;
	if (dir == NULL && config_path != NULL &&
		snprintf(dirbuf, sizeof(dirbuf), "%s.commits", config_path) < (int)sizeof(dirbuf))
		dir = dirbuf;
	run->history = sl_history_open(dir, stderr);
	if (run->history == NULL && dir != NULL) {
		/* a router without its history still routes: said, not fatal */
		RLOG(WARNING, "commit history %s: %s: kept in memory only", dir, strerror(errno));
		run->history = sl_history_open(NULL, stderr);
	}
	run->router = sl_router_new();
	if (run->history == NULL || run->router == NULL) {
		RLOG(ERR, "out of memory");
		sl_running_close(run);
		return -ENOMEM;
	}
	sl_router_fib_log(run->router, true);
	char comment[600] = "";
	if (config_path != NULL) {
		int e = start_load(run, comment, sizeof(comment));
		if (e < 0) {
			sl_running_close(run);
			if (dir != NULL)
				rmdir(dir); /* made for nothing: only an empty one goes */
			return e;
		}
	}
	/* the running configuration is a revision: rollback and base work from
	 * the first commit on (an unchanged restart adds none) */
	uint64_t id;
	size_t added, removed;
	sl_running_record(run, "start-up", comment, stderr, &id, &added, &removed);
	RLOG(INFO, "start-up: running revision %" PRIu64 "%s%s", id, comment[0] ? ": " : "",
		comment);
	return 0;
}

void sl_running_close(struct sl_running *run)
{
	sl_router_free(run->router);
	sl_history_free(run->history);
	free(run->fallback);
	free(run->confirm.revert_text);
	*run = (struct sl_running){0};
}
