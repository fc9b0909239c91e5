/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The commands that commit (commit_cmds.c) around a daemon's commit that
 * applies to the router and records a revision, as lib/commit's sl_commit_run does
 * without the FIB: configure (committed, refused, a bad option), a
 * commit-confirm armed, confirmed or gone back at its deadline, rollback N,
 * and SIGHUP's reload of a good and of a broken file.
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

#define VRF_A "set vrf name A table 100\n"
#define VRF_B "set vrf name B table 200\n"

/* What the fake daemon was asked to commit. */
struct fake {
	struct sl_running run;
	unsigned commits;
	char who[32], comment[96];
	bool fail; /* refuse the next commit whatever it is */
};

static int fake_commit(void *ctx, struct sl_commit_req *c, FILE *err)
{
	struct fake *f = ctx;
	f->commits++;
	snprintf(f->who, sizeof(f->who), "%s", c->who);
	snprintf(f->comment, sizeof(f->comment), "%s", c->comment ? c->comment : "");
	struct sl_errors errs = {0};
	struct sl_router *r = f->run.router;
	int rc = f->fail      ? -EINVAL
		 : c->reload  ? sl_router_reload_file(r, f->run.config_path, &errs, NULL)
		 : c->replace ? sl_router_replace(r, c->replace, &errs, NULL)
			      : sl_router_apply(r, c->input, &errs, NULL);
	sl_errors_free(&errs);
	if (rc < 0) {
		fprintf(err, "refused\n");
		return -EIO;
	}
	c->committed = true;
	uint64_t id;
	size_t added, removed;
	sl_running_record(&f->run, c->who, c->comment, err, &id, &added, &removed);
	return 0;
}

/* Split words (spaces) into argv; run fn's command; out and err as strings. */
struct io {
	char *out, *err;
	size_t out_len, err_len;
	FILE *o, *e;
	char words[256], *argv[16];
	int argc;
};

static void io_open(struct io *io, const char *words)
{
	memset(io, 0, sizeof(*io));
	snprintf(io->words, sizeof(io->words), "%s", words);
	char *save;
	for (char *w = strtok_r(io->words, " ", &save); w && io->argc < 16;
		w = strtok_r(NULL, " ", &save))
		io->argv[io->argc++] = w;
	io->o = open_memstream(&io->out, &io->out_len);
	io->e = open_memstream(&io->err, &io->err_len);
}

static void io_close(struct io *io)
{
	fclose(io->o);
	fclose(io->e);
}

static void io_free(struct io *io)
{
	free(io->out);
	free(io->err);
}

static int configure(struct sl_committer *k, const char *words, const char *input, struct io *io)
{
	io_open(io, words);
	int rc = sl_running_configure_cmd(k, io->argc, io->argv, input, "uid 7", io->o, io->e);
	io_close(io);
	return rc;
}

static int rollback(struct sl_committer *k, const char *words, struct io *io)
{
	io_open(io, words);
	int rc = sl_running_rollback_cmd(k, io->argc, io->argv, "uid 7", io->o, io->e);
	io_close(io);
	return rc;
}

static int confirm(struct sl_running *run, const char *words, struct io *io)
{
	io_open(io, words);
	int rc = sl_running_confirm_cmd(run, io->argc, "uid 8", io->o, io->e);
	io_close(io);
	return rc;
}

static bool has_vrf(struct fake *f, const char *name)
{
	return router_has_vrf(f->run.router, name);
}

static void start(struct fake *f, struct sl_committer *k, const char *config_path)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(sl_running_start(&f->run, config_path, NULL), 0);
	*k = (struct sl_committer){.run = &f->run, .commit = fake_commit, .ctx = f};
}

/* In memory, VRF A committed by configure. */
static void start_with_a(struct fake *f, struct sl_committer *k)
{
	start(f, k, NULL);
	struct io io;
	assert_int_equal(configure(k, "configure", VRF_A, &io), 0);
	io_free(&io);
}

static void test_configure(void **state)
{
	(void)state;
	struct fake f;
	struct sl_committer k;
	start(&f, &k, NULL);
	struct io io;
	uint64_t id0 = sl_running_id(&f.run);
	assert_int_equal(configure(&k, "configure comment first", VRF_A, &io), 0);
	assert_int_equal(sl_running_id(&f.run), id0 + 1);
	assert_string_equal(f.who, "uid 7");
	assert_string_equal(f.comment, "first");
	assert_true(has_vrf(&f, "A"));
	assert_false(f.run.confirm.pending);
	io_free(&io);
	/* a bad option: usage, no commit */
	assert_int_equal(configure(&k, "configure confirm 0", VRF_B, &io), -EINVAL);
	assert_non_null(strstr(io.err, "confirm '0': minutes are 1..1440"));
	assert_int_equal(f.commits, 1);
	io_free(&io);
	/* refused: failed, nothing armed */
	f.fail = true;
	assert_int_equal(configure(&k, "configure confirm 5", VRF_B, &io), -EIO);
	assert_string_equal(io.err, "refused\n");
	assert_false(f.run.confirm.pending);
	assert_int_equal(sl_running_id(&f.run), id0 + 1);
	io_free(&io);
	/* a base that is no revision: usage */
	f.fail = false;
	assert_int_equal(configure(&k, "configure base 99", VRF_B, &io), -EINVAL);
	assert_int_equal(f.commits, 2);
	io_free(&io);
	sl_running_close(&f.run);
}

/* configure confirm 1: armed; before the deadline nothing, after it the
 * revision before comes back as a new one; `confirm` keeps a revision. */
static void test_confirm_timeout(void **state)
{
	(void)state;
	struct fake f;
	struct sl_committer k;
	struct io io;
	start_with_a(&f, &k);
	uint64_t before = sl_running_id(&f.run);
	uint64_t t0 = sl_running_now_ms();
	assert_int_equal(configure(&k, "configure confirm 1", VRF_B, &io), 0);
	assert_true(f.run.confirm.pending);
	assert_int_equal(f.run.confirm.revert_id, before);
	assert_non_null(strstr(io.out, "commit-confirm pending"));
	io_free(&io);
	assert_true(has_vrf(&f, "B"));
	sl_running_confirm_tick(&k, t0 + 30 * 1000);
	assert_true(f.run.confirm.pending);
	assert_true(has_vrf(&f, "B"));
	sl_running_confirm_tick(&k, sl_running_now_ms() + 61 * 1000);
	assert_false(f.run.confirm.pending);
	assert_false(has_vrf(&f, "B"));
	assert_true(has_vrf(&f, "A"));
	assert_string_equal(f.who, "confirm-timeout");
	char want[96];
	snprintf(want, sizeof(want), "commit-confirm timed out: back to revision %" PRIu64, before);
	assert_string_equal(f.comment, want);
	unsigned n = f.commits;
	sl_running_confirm_tick(&k, sl_running_now_ms() + 3600 * 1000); /* once only */
	assert_int_equal(f.commits, n);

	/* confirmed in time: the deadline passes without a commit */
	assert_int_equal(confirm(&f.run, "confirm", &io), -ENOENT);
	assert_string_equal(io.err, "confirm: no commit-confirm is pending\n");
	io_free(&io);
	assert_int_equal(configure(&k, "configure confirm 1", VRF_B, &io), 0);
	io_free(&io);
	assert_int_equal(confirm(&f.run, "confirm now", &io), -EINVAL);
	assert_string_equal(io.err, "usage: confirm\n");
	io_free(&io);
	assert_int_equal(confirm(&f.run, "confirm", &io), 0);
	snprintf(want, sizeof(want), "confirmed: revision %" PRIu64 " stays\n",
		sl_running_id(&f.run));
	assert_string_equal(io.out, want);
	io_free(&io);
	n = f.commits;
	sl_running_confirm_tick(&k, sl_running_now_ms() + 3600 * 1000);
	assert_int_equal(f.commits, n);
	assert_true(has_vrf(&f, "B"));
	sl_running_close(&f.run);
}

static void test_rollback(void **state)
{
	(void)state;
	struct fake f;
	struct sl_committer k;
	struct io io;
	start_with_a(&f, &k);
	uint64_t with_a = sl_running_id(&f.run);
	assert_int_equal(configure(&k, "configure", VRF_B, &io), 0);
	io_free(&io);
	static const char *const usage[] = {"rollback", "rollback x", "rollback 1 2"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(rollback(&k, usage[i], &io), -EINVAL);
		assert_non_null(strstr(io.err, "usage: rollback N"));
		io_free(&io);
	}
	assert_int_equal(rollback(&k, "rollback 9", &io), -EINVAL);
	assert_non_null(strstr(io.err, "rollback: no revision 9: "));
	io_free(&io);
	unsigned n = f.commits;
	assert_int_equal(rollback(&k, "rollback 0", &io), 0);
	assert_string_equal(io.out, "rollback 0 is the running configuration: nothing to do\n");
	assert_int_equal(f.commits, n);
	io_free(&io);
	assert_int_equal(rollback(&k, "rollback 1", &io), 0);
	char want[96];
	snprintf(want, sizeof(want), "rollback to 1 (revision %" PRIu64 ")", with_a);
	assert_string_equal(f.comment, want);
	assert_true(has_vrf(&f, "A"));
	assert_false(has_vrf(&f, "B"));
	snprintf(want, sizeof(want),
		"rollback to revision %" PRIu64 ": running revision %" PRIu64 "\n", with_a,
		sl_running_id(&f.run));
	assert_string_equal(io.out, want);
	io_free(&io);
	sl_running_close(&f.run);
}

static void test_reload(void **state)
{
	(void)state;
	struct fake f;
	struct sl_committer k;
	start(&f, &k, NULL);
	assert_int_equal(sl_running_reload(&k), 0); /* no file: nothing */
	assert_int_equal(f.commits, 0);
	sl_running_close(&f.run);

	char path[128];
	snprintf(path, sizeof(path), "%s/sluice.conf", tmp_dir);
	FILE *file = fopen(path, "w");
	assert_non_null(file);
	fputs(VRF_A, file);
	fclose(file);
	start(&f, &k, path);
	assert_true(has_vrf(&f, "A"));
	file = fopen(path, "w");
	fputs(VRF_B, file);
	fclose(file);
	assert_int_equal(sl_running_reload(&k), 0);
	assert_string_equal(f.who, "SIGHUP");
	assert_true(has_vrf(&f, "B"));
	assert_false(has_vrf(&f, "A"));
	file = fopen(path, "w");
	fputs("set vrf name\n", file);
	fclose(file);
	uint64_t id = sl_running_id(&f.run);
	assert_int_equal(sl_running_reload(&k), -EINVAL);
	assert_true(has_vrf(&f, "B")); /* kept */
	assert_int_equal(sl_running_id(&f.run), id);
	sl_running_close(&f.run);
}

int main(void)
{
	sl_log_open("sluiced", SL_LOG_OUT_NONE);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configure),
		cmocka_unit_test(test_confirm_timeout),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test_setup_teardown(test_reload, tmp_dir_setup, tmp_dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
