/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's record of the running configuration (sl_running_*) and
 * `show system commit` over it: start-up on a missing, good or broken
 * --config (the newest revision that loads, or refusal), a revision per
 * commit that changed something, recording paused past routes_max static
 * routes and resumed below, and the list, id, diff and compare outputs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "../cmd_words.h"
#include "commit_test_util.h"
#include "sl_log.h"

static char conf_path[128];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void commit_text(struct sl_running *run, const char *text, const char *who)
{
	assert_int_equal(apply(run->router, text, NULL), 0);
	uint64_t id;
	size_t added, removed;
	sl_running_record(run, who, NULL, stderr, &id, &added, &removed);
}

struct show_ctx {
	const struct sl_running *run;
	bool json;
};

static int show_commit_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err)
{
	const struct show_ctx *c = ctx;
	return sl_show_commit(c->run, argc, argv, c->json, out, err);
}

/* `show system commit WORDS...` (words separated by spaces) into *out. */
static int show_commit(
	const struct sl_running *run, const char *words, bool json, char **out, char **err)
{
	struct show_ctx c = {run, json};
	return cmd_words_run(words, show_commit_fn, &c, out, err);
}

struct grep {
	const char *needle;
	int hits;
};

static void grep_visit(const struct sl_log_entry *e, void *ctx)
{
	struct grep *g = ctx;
	if (strstr(e->msg, g->needle) != NULL)
		g->hits++;
}

/* Lines of the process's log ring holding needle. */
static int log_hits(const char *needle)
{
	struct grep g = {needle, 0};
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, grep_visit, &g);
	return g.hits;
}

static void test_missing_file_starts_empty(void **state)
{
	(void)state;
	snprintf(conf_path, sizeof(conf_path), "%s/sluice.conf", tmp_dir);
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_non_null(run.router);
	assert_null(run.fallback);
	/* the empty configuration is revision 1, its history beside the file */
	assert_int_equal(sl_running_id(&run), 1);
	const struct sl_rev *r = sl_history_at(run.history, 0);
	assert_string_equal(r->who, "start-up");
	assert_non_null(strstr(r->comment, "does not exist: empty configuration"));
	char dir[160];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s.commits", conf_path);
	assert_int_equal(stat(dir, &st), 0);
	sl_running_close(&run);
	assert_null(run.router);
	assert_null(run.history);
}

static void test_record_only_changes(void **state)
{
	(void)state;
	snprintf(conf_path, sizeof(conf_path), "%s/sluice.conf", tmp_dir);
	write_file(conf_path, "set vrf name A table 100\n");
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_int_equal(sl_running_id(&run), 1);
	char want[200];
	snprintf(want, sizeof(want), "loaded %s", conf_path);
	assert_string_equal(sl_history_at(run.history, 0)->comment, want);

	uint64_t id;
	size_t added, removed;
	assert_int_equal(apply(run.router, "set vrf name B table 101\n", NULL), 0);
	sl_running_record(&run, "uid 0", "add B", stderr, &id, &added, &removed);
	assert_int_equal(id, 2);
	assert_int_equal(added, 1);
	assert_int_equal(removed, 0);
	/* nothing changed: no revision, the running one reported */
	sl_running_record(&run, "uid 0", NULL, stderr, &id, &added, &removed);
	assert_int_equal(id, 2);
	assert_int_equal(added + removed, 0);
	assert_int_equal(sl_history_count(run.history), 2);
	sl_running_close(&run);

	/* a restart on the same file and history adds no revision */
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_int_equal(sl_history_count(run.history), 3); /* B is not in the file */
	assert_int_equal(sl_running_id(&run), 3);
	assert_int_equal(sl_history_at(run.history, 0)->removed, 1);
	sl_running_close(&run);
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_int_equal(sl_running_id(&run), 3);
	sl_running_close(&run);
}

static void test_broken_file_falls_back(void **state)
{
	(void)state;
	snprintf(conf_path, sizeof(conf_path), "%s/sluice.conf", tmp_dir);
	write_file(conf_path, "set vrf name A table 100\n");
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	commit_text(&run, "set vrf name B table 101\n", "uid 7");
	sl_running_close(&run);

	write_file(conf_path, "set vrf name A table nonsense\n");
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_non_null(run.fallback);
	assert_int_equal(run.fallback_id, 2);
	assert_non_null(strstr(run.fallback, "failed to load: started on revision 2"));
	assert_non_null(strstr(run.fallback, "by uid 7"));
	assert_true(log_hits("fix the file, or `save`") >= 1);
	/* the revision's configuration runs, and is not recorded again */
	char *r = render_str(run.router);
	assert_non_null(strstr(r, "set vrf name B table 101"));
	free(r);
	assert_int_equal(sl_running_id(&run), 2);

	char *out, *err;
	assert_int_equal(show_commit(&run, "", false, &out, &err), 0);
	assert_non_null(strstr(out, "WARNING: "));
	assert_non_null(strstr(out, "[start-up fallback] "));
	free(out), free(err);

	sl_running_fallback_clear(&run);
	assert_null(run.fallback);
	assert_int_equal(run.fallback_id, 0);
	assert_int_equal(log_hits("start-up fallback over"), 1);
	sl_running_close(&run);
}

static void test_nothing_loads_refuses(void **state)
{
	(void)state;
	snprintf(conf_path, sizeof(conf_path), "%s/sluice.conf", tmp_dir);
	write_file(conf_path, "set vrf name A table nonsense\n");
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, conf_path, NULL), -EINVAL);
	assert_null(run.router);
	assert_true(log_hits("holds no revision that loads: not starting") >= 1);
	/* the history directory made for nothing is gone */
	char dir[160];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s.commits", conf_path);
	assert_int_equal(stat(dir, &st), -1);
}

static void test_recording_paused_past_routes_max(void **state)
{
	(void)state;
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0); /* in memory */
	assert_int_equal(run.routes_max, SL_HISTORY_ROUTES_MAX);
	run.routes_max = 2;
	commit_text(&run, "set protocols static route 10.0.0.0/24 blackhole\n", "uid 0");
	assert_int_equal(sl_running_id(&run), 2);
	int said = log_hits("commits are no longer recorded");
	commit_text(&run,
		"set vrf name A table 100\n"
		"set vrf name A protocols static route 10.1.0.0/24 blackhole\n"
		"set vrf name A protocols static route 10.2.0.0/24 blackhole\n",
		"uid 0");
	assert_int_equal(run.paused, 3);
	assert_int_equal(sl_running_id(&run), 2);
	assert_int_equal(log_hits("commits are no longer recorded"), said + 1);
	char *out, *err;
	assert_int_equal(show_commit(&run, "", false, &out, &err), 0);
	assert_non_null(strstr(out, "commits are not recorded: 3 static routes (more than 2)"));
	free(out), free(err);
	/* once paused, said once */
	commit_text(&run, "set vrf name B table 101\n", "uid 0");
	assert_int_equal(log_hits("commits are no longer recorded"), said + 1);
	commit_text(&run, "delete vrf name A\n", "uid 0");
	assert_int_equal(run.paused, 0);
	assert_int_equal(sl_running_id(&run), 3);
	assert_true(log_hits("commits are recorded again") >= 1);
	sl_running_close(&run);
}

static void test_show_commit(void **state)
{
	(void)state;
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0);
	commit_text(&run, "set vrf name A table 100\n", "uid 1");
	commit_text(&run, "set vrf name B table 101\ndelete vrf name A\n", "uid 2");
	char *out, *err;

	assert_int_equal(show_commit(&run, "id", false, &out, &err), 0);
	assert_string_equal(out, "3\n");
	free(out), free(err);

	assert_int_equal(show_commit(&run, "diff 0", false, &out, &err), 0);
	assert_string_equal(out, "- set vrf name A table 100\n+ set vrf name B table 101\n");
	free(out), free(err);

	assert_int_equal(show_commit(&run, "compare 2 1", true, &out, &err), 0);
	json_t *v = json_loads(out, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "from")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "to")), 2);
	assert_int_equal(json_array_size(json_object_get(v, "added")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "added"), 0)),
		"set vrf name A table 100");
	json_decref(v);
	free(out), free(err);

	assert_int_equal(show_commit(&run, "", true, &out, &err), 0);
	v = json_loads(out, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "running")), 3);
	assert_true(json_is_true(json_object_get(v, "recording")));
	assert_true(json_is_null(json_object_get(v, "confirm_pending")));
	json_t *revs = json_object_get(v, "revisions");
	assert_int_equal(json_array_size(revs), 3);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(revs, 0), "who")), "uid 2");
	json_decref(v);
	free(out), free(err);

	/* a pending commit-confirm is said first */
	run.confirm.pending = true;
	run.confirm.revert_id = 2;
	assert_int_equal(show_commit(&run, "", false, &out, &err), 0);
	assert_memory_equal(out, "commit-confirm pending: without `confirm` by ", 45);
	assert_non_null(strstr(out, "revision 2 comes back"));
	free(out), free(err);
	run.confirm.pending = false;

	/* errors: what was wrong and what is valid */
	assert_int_equal(show_commit(&run, "diff 9", false, &out, &err), -EINVAL);
	assert_string_equal(err, "show system commit: no revision '9': the history holds 0..2\n");
	free(out), free(err);
	assert_int_equal(show_commit(&run, "diff 2", false, &out, &err), -ENOENT);
	assert_non_null(strstr(err, "the revision before it is no longer kept"));
	free(out), free(err);
	assert_int_equal(show_commit(&run, "compare 0 x", false, &out, &err), -EINVAL);
	assert_non_null(strstr(err, "no revision 'x'"));
	free(out), free(err);
	assert_int_equal(show_commit(&run, "bogus", false, &out, &err), -EINVAL);
	assert_non_null(strstr(err, "usage: show system commit"));
	free(out), free(err);
	sl_running_close(&run);
}

/* o's strings point into words_buf until the next call */
static char words_buf[256];

static int parse_opts(const char *words, struct sl_configure_opts *o, char **err)
{
	char *w = words_buf, *argv[8], *save;
	snprintf(words_buf, sizeof(words_buf), "%s", words);
	int argc = 0;
	for (char *t = strtok_r(w, " ", &save); t && argc < 8; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	size_t el = 0;
	FILE *e = open_memstream(err, &el);
	int rc = sl_configure_opts_parse(argc, argv, o, e);
	fclose(e);
	return rc;
}

static void test_configure_opts(void **state)
{
	(void)state;
	struct sl_configure_opts o;
	char *err;
	assert_int_equal(parse_opts("configure", &o, &err), 0);
	assert_null(o.comment);
	assert_int_equal(o.minutes, 0);
	assert_false(o.has_base);
	free(err);
	assert_int_equal(parse_opts("configure confirm 5 base 42 comment hi", &o, &err), 0);
	assert_int_equal(o.minutes, 5);
	assert_true(o.has_base);
	assert_int_equal(o.base, 42);
	assert_string_equal(o.comment, "hi");
	free(err);

	assert_int_equal(parse_opts("configure confirm", &o, &err), -EINVAL);
	assert_string_equal(err, "usage: configure [comment TEXT] [confirm MINUTES] [base ID]\n");
	free(err);
	assert_int_equal(parse_opts("configure confirm 1441", &o, &err), -EINVAL);
	assert_string_equal(err, "configure: confirm '1441': minutes are 1..1440\n");
	free(err);
	assert_int_equal(parse_opts("configure confirm 0", &o, &err), -EINVAL);
	free(err);
	assert_int_equal(parse_opts("configure base -1", &o, &err), -EINVAL);
	assert_non_null(strstr(err, "base '-1' is not a revision id"));
	free(err);
	assert_int_equal(parse_opts("configure frobnicate 1", &o, &err), -EINVAL);
	assert_non_null(strstr(err, "unknown word 'frobnicate' (valid: comment, confirm, base)"));
	free(err);
}

static int base_check(const struct sl_running *run, uint64_t base, const char *input, char **err)
{
	size_t el = 0;
	FILE *e = open_memstream(err, &el);
	int rc = sl_running_base_check(run, base, input, e);
	fclose(e);
	return rc;
}

static void test_base_check(void **state)
{
	(void)state;
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0); /* 1: empty */
	commit_text(&run, "set vrf name A table 100\n", "uid 1"); /* 2 */
	commit_text(&run, "set vrf name B table 101\n", "uid 2"); /* 3 */
	char *err;
	assert_int_equal(base_check(&run, 3, "set vrf name B table 102\n", &err), 0);
	assert_string_equal(err, "");
	free(err);
	/* B changed after 2: refused, naming who changed it */
	assert_int_equal(base_check(&run, 2, "set vrf name B table 102\n", &err), -EBUSY);
	assert_non_null(strstr(err, "configure: refused: revision 3 (by uid 2, "));
	assert_non_null(strstr(err, "changed `vrf name B"));
	assert_non_null(strstr(err, "rebase with `update`"));
	free(err);
	/* A did not: merged */
	assert_int_equal(base_check(&run, 2, "set vrf name A table 105\n", &err), 0);
	free(err);
	assert_int_equal(base_check(&run, 9, "set vrf name C table 9\n", &err), -EINVAL);
	assert_string_equal(err, "configure: base 9 is no revision: the running one is 3\n");
	free(err);
	/* a base trimmed from the history cannot be checked: refused */
	sl_history_limits(run.history, 2, SL_HISTORY_BYTES_MAX);
	commit_text(&run, "set vrf name C table 102\n", "uid 3"); /* 4; 2 and older go */
	assert_int_equal(base_check(&run, 2, "set vrf name D table 103\n", &err), -EBUSY);
	assert_non_null(strstr(err, "revision 2, the base of this commit, is no longer in the "
				    "history"));
	free(err);
	/* not recorded: not checked, said */
	run.paused = 7;
	assert_int_equal(base_check(&run, 2, "set vrf name C table 9\n", &err), 0);
	assert_non_null(strstr(err, "warning: base 2 not checked"));
	free(err);
	sl_running_close(&run);
}

static void test_confirm_state(void **state)
{
	(void)state;
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0);
	commit_text(&run, "set vrf name A table 100\n", "uid 1"); /* 2 */
	char *prev = sl_running_confirm_prev(&run);
	assert_string_equal(prev, sl_history_at(run.history, 0)->text);
	commit_text(&run, "set vrf name B table 101\n", "uid 1"); /* 3 */
	sl_running_confirm_arm(&run, &prev, 2, 1, 1000, 100);
	assert_null(prev);
	assert_true(run.confirm.pending);
	assert_int_equal(run.confirm.revert_id, 2);
	assert_int_equal(run.confirm.deadline_ms, 61000);
	assert_int_equal(run.confirm.deadline, 160);
	/* a second confirm M while pending: the deadline moves, the revision stays */
	char *again = sl_running_confirm_prev(&run);
	sl_running_confirm_arm(&run, &again, 3, 2, 5000, 104);
	assert_non_null(again);
	free(again);
	assert_int_equal(run.confirm.revert_id, 2);
	assert_int_equal(run.confirm.deadline_ms, 125000);
	uint64_t id = 0;
	assert_null(sl_running_confirm_due(&run, 124999, &id));
	char *text = sl_running_confirm_due(&run, 125000, &id);
	assert_non_null(text);
	assert_int_equal(id, 2);
	assert_non_null(strstr(text, "set vrf name A table 100"));
	assert_null(strstr(text, "vrf name B"));
	free(text);
	assert_false(run.confirm.pending);
	assert_null(sl_running_confirm_due(&run, UINT64_MAX, &id));
	/* confirm: nothing pending, the text freed (ASan) */
	prev = sl_running_confirm_prev(&run);
	sl_running_confirm_arm(&run, &prev, 3, 1, 0, 0);
	sl_running_confirm_clear(&run);
	assert_false(run.confirm.pending);
	assert_null(run.confirm.revert_text);
	sl_running_close(&run);
}

/* Tests' short minute (SL_CONFIRM_MINUTE_ENV): the deadlines scale with it;
 * a bad value leaves the real minute. */
static void test_confirm_minute_env(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		uint64_t deadline_ms; /* of confirm 3 armed at 1000 */
		time_t deadline; /* at 100 */
	} cases[] = {
		{"500", 2500, 102},
		{"1", 1003, 101},
		{"60000", 181000, 280},
		{"0", 181000, 280},
		{"60001", 181000, 280},
		{"2s", 181000, 280},
		{"", 181000, 280},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_running run;
		assert_int_equal(setenv(SL_CONFIRM_MINUTE_ENV, cases[i].v, 1), 0);
		assert_int_equal(sl_running_start(&run, NULL, NULL), 0);
		char *prev = sl_running_confirm_prev(&run);
		sl_running_confirm_arm(&run, &prev, 1, 3, 1000, 100);
		assert_int_equal(run.confirm.deadline_ms, cases[i].deadline_ms);
		assert_int_equal(run.confirm.deadline, cases[i].deadline);
		uint64_t id;
		assert_null(sl_running_confirm_due(&run, cases[i].deadline_ms - 1, &id));
		char *text = sl_running_confirm_due(&run, cases[i].deadline_ms, &id);
		assert_non_null(text);
		free(text);
		sl_running_close(&run);
	}
	assert_int_equal(unsetenv(SL_CONFIRM_MINUTE_ENV), 0);
}

static void test_errors_print(void **state)
{
	(void)state;
	struct sl_errors e = {0};
	sl_errors_add(&e, 3, "bad value '%s'", "x");
	sl_errors_add(&e, 0, "no line");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_errors_print(f, "/etc/sluice.conf", &e, "");
	sl_errors_print(f, NULL, &e, "warning: ");
	fclose(f);
	assert_string_equal(buf, "/etc/sluice.conf:3: bad value 'x'\n"
				 "/etc/sluice.conf: no line\n"
				 "3: warning: bad value 'x'\n"
				 "configure: warning: no line\n");
	free(buf);
	sl_errors_free(&e);
}

/* The commit line scripts/bench-churn.sh reads (doc: app/sluiced/README.md). */
static void test_commit_report_line(void **state)
{
	(void)state;
	struct sl_commit_report r = {.who = "uid 0",
		.comment = "hi",
		.bytes = 42,
		.revision = 7,
		.added = 2,
		.removed = 1,
		.apply = {.paths = 3,
			.fib_changes = 4,
			.parse_ms = 0.5,
			.validate_ms = 1,
			.rib_ms = 2,
			.commit_ms = 3},
		.fib_ms = 4,
		.history_ms = 5,
		.punts = 6,
		.punt_wait_ms = 7.25,
		.punt_wait_cpu_ms = 1};
	char line[1024];
	sl_commit_report_fmt(&r, line, sizeof(line));
	assert_string_equal(line,
		"by uid 0: 42 bytes, 3 changed paths, 4 FIB changes; revision 7 (\"hi\"), "
		"+2 -1 lines; CPU ms: parse 0.5, validate 1.0, RIB 2.0, conf commit 3.0, "
		"FIB 4.0, history 5.0; 6 punts served meanwhile, the punt ring waited 7.2 ms "
		"at most (1.0 ms of it on CPU)");
	r.comment = "";
	sl_commit_report_fmt(&r, line, sizeof(line));
	assert_non_null(strstr(line, "revision 7, +2 -1 lines"));
}

static int save_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err)
{
	return sl_running_save_cmd(ctx, argc, argv, out, err);
}

static void test_save(void **state)
{
	(void)state;
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0);
	char *out, *err;
	assert_int_equal(cmd_words_run("save", save_fn, &run, &out, &err), -ENOENT);
	assert_string_equal(err, "save: sluiced was started without --config FILE: nowhere to "
				 "save (valid: save /PATH/FILE)\n");
	free(out), free(err);
	assert_int_equal(cmd_words_run("save rel/file", save_fn, &run, &out, &err), -EINVAL);
	assert_string_equal(
		err, "save: 'rel/file' is not an absolute path (usage: save [/PATH/FILE])\n");
	free(out), free(err);
	assert_int_equal(cmd_words_run("save /a /b", save_fn, &run, &out, &err), -EINVAL);
	assert_non_null(strstr(err, "unexpected '/b'"));
	free(out), free(err);

	commit_text(&run, "set vrf name A table 100\n", "uid 0");
	char path[160], words[180];
	snprintf(path, sizeof(path), "%s/saved.conf", tmp_dir);
	snprintf(words, sizeof(words), "save %s", path);
	assert_int_equal(cmd_words_run(words, save_fn, &run, &out, &err), 0);
	char want[400];
	snprintf(want, sizeof(want), "saved to %s\n", path);
	assert_string_equal(out, want);
	free(out), free(err);
	/* again: the file before it kept as .bak, and said */
	assert_int_equal(cmd_words_run(words, save_fn, &run, &out, &err), 0);
	snprintf(want, sizeof(want), "saved to %s (the previous file is %s.bak)\n", path, path);
	assert_string_equal(out, want);
	free(out), free(err);
	struct sl_router *back = sl_router_new();
	struct sl_errors e = {0};
	assert_int_equal(sl_router_load_file(back, path, &e), 0);
	char *a = render_str(run.router), *b = render_str(back);
	assert_string_equal(a, b);
	free(a), free(b);
	sl_router_free(back);
	sl_running_close(&run);
}

/* Saving over the config file ends a start-up fallback. */
static void test_save_ends_fallback(void **state)
{
	(void)state;
	snprintf(conf_path, sizeof(conf_path), "%s/sluice.conf", tmp_dir);
	write_file(conf_path, "set vrf name A table 100\n");
	struct sl_running run;
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	sl_running_close(&run);
	write_file(conf_path, "set vrf name A table nonsense\n");
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_non_null(run.fallback);
	assert_int_equal(sl_running_save(&run, NULL, NULL, stderr), 0);
	assert_null(run.fallback);
	sl_running_close(&run);
	assert_int_equal(sl_running_start(&run, conf_path, NULL), 0);
	assert_null(run.fallback);
	sl_running_close(&run);
}

int main(void)
{
	sl_log_open("sluiced", SL_LOG_OUT_NONE);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_missing_file_starts_empty, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(
			test_record_only_changes, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(
			test_broken_file_falls_back, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(
			test_nothing_loads_refuses, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test(test_recording_paused_past_routes_max),
		cmocka_unit_test(test_show_commit),
		cmocka_unit_test(test_configure_opts),
		cmocka_unit_test(test_base_check),
		cmocka_unit_test(test_confirm_state),
		cmocka_unit_test(test_confirm_minute_env),
		cmocka_unit_test(test_errors_print),
		cmocka_unit_test(test_commit_report_line),
		cmocka_unit_test_setup_teardown(test_save, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(
			test_save_ends_fallback, tmp_dir_setup, tmp_dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
