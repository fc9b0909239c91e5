/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One commit and the daemon's parts that follow it (commit_steps.c's
 * sl_commit_run), with fake steps that record the order they ran in: a
 * commit runs begin, FIB, firewall, the rest, end, and is recorded and
 * logged; a refusal runs begin, end, refused and changes nothing; a FIB or a
 * firewall failure is said after a commit that took place all the same;
 * the thread's progress hook (sluiced's punt service) runs between the
 * steps, none of which breathes on its own.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "commit_test_util.h"
#include "sl_log.h"

struct fake {
	struct sl_running run;
	struct sl_commit_steps st;
	char order[128]; /* the steps that ran, "begin fib fw ..." */
	int fib_rc, fw_rc;
	const char *note;
};

static void ran(struct fake *f, const char *step)
{
	size_t n = strlen(f->order);
	snprintf(f->order + n, sizeof(f->order) - n, "%s%s", n ? " " : "", step);
}

static void f_begin(void *ctx)
{
	ran(ctx, "begin");
}

static int f_fib(void *ctx, char *note, size_t len)
{
	struct fake *f = ctx;
	ran(f, "fib");
	if (f->note != NULL)
		snprintf(note, len, "%s", f->note);
	return f->fib_rc;
}

static int f_fw(void *ctx)
{
	struct fake *f = ctx;
	ran(f, "fw");
	return f->fw_rc;
}

static void f_follow(void *ctx)
{
	ran(ctx, "follow");
}

static void f_end(void *ctx, struct sl_commit_report *r)
{
	ran(ctx, "end");
	r->punts = 42;
}

static void f_refused(void *ctx)
{
	ran(ctx, "refused");
}

static void start(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(sl_running_start(&f->run, NULL, NULL), 0);
	f->st = (struct sl_commit_steps){.run = &f->run,
		.ctx = f,
		.begin = f_begin,
		.fib = f_fib,
		.fw = f_fw,
		.follow = f_follow,
		.end = f_end,
		.refused = f_refused};
}

/* commit input as uid 7; err as a string (freed by the caller) */
static int commit(struct fake *f, const char *input, bool *committed, char **err)
{
	size_t len;
	FILE *e = open_memstream(err, &len);
	struct sl_commit_req c = {.input = input, .who = "uid 7", .comment = "steps"};
	int rc = sl_commit_run(&f->st, &c, e);
	fclose(e);
	*committed = c.committed;
	return rc;
}

static bool has_vrf(struct fake *f, const char *name)
{
	return router_has_vrf(f->run.router, name);
}

static void last_commit_line(const struct sl_log_entry *e, void *ctx)
{
	if (strcmp(e->subsys, "commit") == 0)
		snprintf(ctx, SL_LOG_MSG_MAX, "%s", e->msg);
}

static void test_committed(void **state)
{
	(void)state;
	struct fake f;
	start(&f);
	uint64_t id0 = sl_running_id(&f.run);
	bool committed;
	char *err;
	assert_int_equal(commit(&f, "set vrf name A table 100\n", &committed, &err), 0);
	assert_true(committed);
	assert_string_equal(f.order, "begin fib fw follow end");
	assert_string_equal(err, "");
	assert_int_equal(sl_running_id(&f.run), id0 + 1);
	assert_true(has_vrf(&f, "A"));
	char line[SL_LOG_MSG_MAX] = "";
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, last_commit_line, line);
	assert_non_null(strstr(line, "by uid 7: "));
	assert_non_null(strstr(line, "(\"steps\")"));
	assert_non_null(strstr(line, "42 punts served meanwhile")); /* end's figures */
	free(err);
	sl_running_close(&f.run);
}

static void f_hook(void *ctx)
{
	ran(ctx, "hook");
}

static void test_hook_between_steps(void **state)
{
	(void)state;
	struct fake f;
	start(&f);
	sl_progress_hook_set(f_hook, &f);
	bool committed;
	char *err;
	assert_int_equal(commit(&f, "set vrf name A table 100\n", &committed, &err), 0);
	sl_progress_hook_set(NULL, NULL);
	assert_true(committed);
	/* a one-line apply makes fewer than SL_PROGRESS_EVERY calls: no hook before fib */
	assert_string_equal(f.order, "begin fib hook fw hook follow hook hook end hook");
	free(err);
	sl_running_close(&f.run);
}

static void test_refused(void **state)
{
	(void)state;
	struct fake f;
	start(&f);
	uint64_t id0 = sl_running_id(&f.run);
	bool committed;
	char *err;
	assert_int_equal(commit(&f, "set vrf name A table nope\n", &committed, &err), -EIO);
	assert_false(committed);
	assert_string_equal(f.order, "begin end refused"); /* no part followed */
	assert_non_null(strstr(err, "nope: not a number")); /* the error, said */
	assert_int_equal(sl_running_id(&f.run), id0);
	assert_false(has_vrf(&f, "A"));
	free(err);
	sl_running_close(&f.run);
}

/* The FIB (fib_rc) or the firewall (fw_rc) refuses: committed all the same,
 * the parts after it still follow; said on err (said), not the other's
 * failure (unsaid), and the FIB's note as a warning. */
static void follow_fails(
	int fib_rc, int fw_rc, const char *note, const char *said, const char *unsaid)
{
	struct fake f;
	start(&f);
	uint64_t id0 = sl_running_id(&f.run);
	f.fib_rc = fib_rc, f.fw_rc = fw_rc, f.note = note;
	bool committed;
	char *err;
	assert_int_equal(commit(&f, "set vrf name A table 100\n", &committed, &err), -EIO);
	assert_true(committed);
	assert_string_equal(f.order, "begin fib fw follow end");
	assert_non_null(strstr(err, said));
	assert_null(strstr(err, unsaid));
	if (note != NULL)
		assert_non_null(strstr(err, "configure: warning: eth1 hw-id: takes effect"));
	assert_int_equal(sl_running_id(&f.run), id0 + 1);
	assert_true(has_vrf(&f, "A"));
	free(err);
	sl_running_close(&f.run);
}

static void test_fib_fails(void **state)
{
	(void)state;
	follow_fails(-ENOSPC, 0, "eth1 hw-id: takes effect when sluiced restarts",
		"configure: committed, but the FIB refused some changes: ", "firewall");
}

static void test_fw_fails(void **state)
{
	(void)state;
	follow_fails(0, -ENOMEM, NULL,
		"configure: committed, but the firewall rulesets could not be compiled",
		"FIB refused");
}

/* No steps (a daemon without a FIB): the router and the history only. */
static void test_no_steps(void **state)
{
	(void)state;
	struct fake f;
	start(&f);
	f.st = (struct sl_commit_steps){.run = &f.run};
	uint64_t id0 = sl_running_id(&f.run);
	bool committed;
	char *err;
	assert_int_equal(commit(&f, "set vrf name B table 200\n", &committed, &err), 0);
	assert_true(committed);
	assert_int_equal(sl_running_id(&f.run), id0 + 1);
	free(err);
	assert_int_equal(commit(&f, "set vrf name\n", &committed, &err), -EIO);
	assert_false(committed);
	free(err);
	sl_running_close(&f.run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_committed),
		cmocka_unit_test(test_hook_between_steps),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_fib_fails),
		cmocka_unit_test(test_fw_fails),
		cmocka_unit_test(test_no_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
