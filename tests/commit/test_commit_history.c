/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The commit history (sl_history_*): revisions recorded with monotonic ids,
 * trimmed to SL_HISTORY_KEEP (files too), read back from disk after a
 * "restart" with the same ids, texts and metadata; files that are cut short,
 * foreign or misnamed are skipped with a warning and never reuse an id;
 * the line-set diff; and the overlap check of a commit prepared against an
 * older revision (sl_commit_overlap).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "commit_test_util.h"

/* The configuration of step i: i VRFs, so consecutive ones differ by one line. */
static char *config_of(int i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (int k = 0; k < i; k++)
		fprintf(f, "set vrf name V%d table %d\n", k, 100 + k);
	fclose(f);
	return buf;
}

static void record(struct sl_history *h, const char *who, const char *comment, const char *text)
{
	char *msg = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msg, &len);
	int rc = sl_history_record(h, who, comment, text, err);
	fclose(err);
	if (rc != 0)
		fail_msg("record: %d: %s", rc, msg);
	assert_int_equal(len, 0);
	free(msg);
}

static char hdir[128];

static struct sl_history *open_dir(FILE *warn)
{
	snprintf(hdir, sizeof(hdir), "%s/conf.commits", tmp_dir);
	struct sl_history *h = sl_history_open(hdir, warn);
	assert_non_null(h);
	return h;
}

static void test_record_trim_reload(void **state)
{
	(void)state;
	struct sl_history *h = open_dir(stderr);
	struct stat st;
	assert_int_equal(stat(hdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(sl_history_count(h), 0);
	assert_null(sl_history_at(h, 0));
	for (int i = 1; i <= SL_HISTORY_KEEP + 5; i++) {
		char *text = config_of(i), c[32];
		snprintf(c, sizeof(c), "step %d", i);
		record(h, i % 2 ? "uid 0" : "uid 1000", c, text);
		free(text);
		assert_int_equal(sl_history_at(h, 0)->id, (uint64_t)i);
	}
	assert_int_equal(sl_history_count(h), SL_HISTORY_KEEP);
	assert_int_equal(dir_count(hdir, ""), SL_HISTORY_KEEP);
	const struct sl_rev *old = sl_history_at(h, SL_HISTORY_KEEP - 1);
	assert_int_equal(old->id, 6);
	assert_null(sl_history_find(h, 5));
	assert_null(sl_history_at(h, SL_HISTORY_KEEP));
	const struct sl_rev *top = sl_history_at(h, 0);
	assert_int_equal(top->added, 1);
	assert_int_equal(top->removed, 0);
	assert_string_equal(top->who, "uid 0");
	assert_string_equal(top->comment, "step 105");
	char path[256];
	snprintf(path, sizeof(path), "%s/%012d.commit", hdir, 105);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* a restart: the same revisions, ids going on */
	struct sl_history *h2 = open_dir(stderr);
	assert_int_equal(sl_history_count(h2), SL_HISTORY_KEEP);
	for (size_t n = 0; n < SL_HISTORY_KEEP; n++) {
		const struct sl_rev *a = sl_history_at(h, n), *b = sl_history_at(h2, n);
		assert_int_equal(a->id, b->id);
		assert_int_equal(a->time, b->time);
		assert_string_equal(a->who, b->who);
		assert_string_equal(a->comment, b->comment);
		assert_string_equal(a->text, b->text);
		assert_int_equal(a->added, b->added);
		assert_int_equal(a->removed, b->removed);
	}
	assert_int_equal(sl_history_next_id(h2), 106);
	record(h2, "reload", NULL, "");
	assert_int_equal(sl_history_at(h2, 0)->id, 106);
	assert_string_equal(sl_history_at(h2, 0)->comment, "");
	assert_int_equal(sl_history_at(h2, 0)->removed, 105);
	sl_history_free(h);
	sl_history_free(h2);
}

static void write_file(const char *name, const char *content)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", hdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void test_corrupt_files_skipped(void **state)
{
	(void)state;
	struct sl_history *h = open_dir(stderr);
	record(h, "uid 0", "first", "set vrf name A table 10\n");
	record(h, "uid 0", "second", "set vrf name A table 11\n");
	sl_history_free(h);
	/* cut short: the header says more than the file holds */
	write_file("000000000007.commit", "sluice-commit 1\nid 7\ntime 1\nwho x\nlength 50\n\n"
					  "set vrf name A table 12\n");
	/* no header at all */
	write_file("000000000009.commit", "set vrf name A table 13\n");
	/* its id is not its name's */
	write_file("000000000008.commit", "sluice-commit 1\nid 3\ntime 1\nwho x\nlength 0\n\n");
	/* cut in its header */
	write_file("000000000004.commit", "sluice-commit 1\nid 4\nti");
	write_file("notes.txt", "hello\n");
	/* a write interrupted before its rename */
	write_file(".000000000005.commit.Ab12Cd", "sluice-commit 1\n");

	char *msg = NULL;
	size_t len = 0;
	FILE *warn = open_memstream(&msg, &len);
	h = open_dir(warn);
	fclose(warn);
	const char *want[] = {"000000000007.commit: its configuration is not as long",
		"000000000009.commit: not a revision file", "000000000008.commit: its id",
		"000000000004.commit: cut short", "notes.txt: not a revision file name"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(msg, want[i]) == NULL)
			fail_msg("warnings lack '%s':\n%s", want[i], msg);
	free(msg);
	assert_int_equal(sl_history_count(h), 2);
	assert_string_equal(sl_history_at(h, 0)->comment, "second");
	assert_string_equal(sl_history_at(h, 1)->text, "set vrf name A table 10\n");
	/* the temporary file is gone; the bad ones stay for the operator */
	char path[256];
	snprintf(path, sizeof(path), "%s/.000000000005.commit.Ab12Cd", hdir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(dir_count(hdir, ""), 7);
	/* an id seen in a file name, even a bad file's, is never given again */
	assert_int_equal(sl_history_next_id(h), 10);
	record(h, "uid 0", NULL, "set vrf name A table 14\n");
	assert_int_equal(sl_history_at(h, 0)->id, 10);
	sl_history_free(h);
}

static void test_memory_only_and_limits(void **state)
{
	(void)state;
	struct sl_history *h = sl_history_open(NULL, stderr);
	assert_non_null(h);
	char big[4096];
	memset(big, 'x', sizeof(big) - 2);
	memcpy(big, "set ", 4);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 10; i++) {
		big[5] = (char)('a' + i);
		record(h, "uid 0", NULL, big);
	}
	assert_int_equal(sl_history_count(h), 10);
	/* over the byte limit the oldest go, but never the newest two */
	sl_history_limits(h, 100, 1);
	assert_int_equal(sl_history_count(h), 2);
	assert_int_equal(sl_history_at(h, 0)->id, 10);
	assert_int_equal(sl_history_at(h, 1)->id, 9);
	/* a comment stays one line, at most SL_HISTORY_COMMENT_MAX bytes */
	char c[SL_HISTORY_COMMENT_MAX + 50];
	memset(c, 'c', sizeof(c) - 1);
	c[sizeof(c) - 1] = '\0';
	c[3] = '\n';
	record(h, "uid 0", c, big);
	const char *got = sl_history_at(h, 0)->comment;
	assert_int_equal(strlen(got), SL_HISTORY_COMMENT_MAX);
	assert_int_equal(got[3], ' ');
	sl_history_free(h);
	/* a directory that cannot be made */
	errno = 0;
	assert_null(sl_history_open("/nonexistent-dir/x/y", NULL));
	assert_int_equal(errno, ENOENT);
}

static char *diff(const char *a, const char *b, size_t *added, size_t *removed)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(sl_text_diff(a, b, f, added, removed), 0);
	fclose(f);
	return buf;
}

static void test_diff(void **state)
{
	(void)state;
	size_t a, r;
	char *d = diff(
		"set a 1\nset b 2\nset d 4\n", "# comment\n\nset b 2\nset c 3\nset e 5", &a, &r);
	assert_string_equal(d, "- set a 1\n- set d 4\n+ set c 3\n+ set e 5\n");
	assert_int_equal(a, 2);
	assert_int_equal(r, 2);
	free(d);
	d = diff("set a 1\r\nset b 2\n", "set b 2  \nset a 1\n", &a, &r);
	assert_string_equal(d, "");
	assert_int_equal(a + r, 0);
	free(d);
	d = diff("", "set x y\n", NULL, NULL);
	assert_string_equal(d, "+ set x y\n");
	free(d);
	/* many lines: only the missing ones */
	char *x = config_of(500), *y = config_of(300);
	assert_int_equal(sl_text_diff(x, y, NULL, &a, &r), 0);
	assert_int_equal(a, 0);
	assert_int_equal(r, 200);
	free(x), free(y);
}

static void test_touched(void **state)
{
	(void)state;
	struct sl_history *h = sl_history_open(NULL, stderr);
	record(h, "uid 0", NULL, "set vrf name A table 10\nset vrf name B table 11\n");
	record(h, "uid 1", NULL, "set vrf name A table 20\nset vrf name B table 11\n");
	record(h, "uid 2", NULL, "set vrf name A table 20\nset vrf name B table 12\n");
	const struct sl_rev *r = sl_history_touched(h, 1, "vrf name A");
	assert_non_null(r);
	assert_int_equal(r->id, 2);
	assert_string_equal(r->who, "uid 1");
	assert_null(sl_history_touched(h, 2, "vrf name A"));
	assert_int_equal(sl_history_touched(h, 1, "vrf name B")->id, 3);
	/* a word is not a prefix of a longer word */
	assert_null(sl_history_touched(h, 1, "vrf nam"));
	sl_history_free(h);
}

static const char base[] =
	"set vrf name A table 10\nset vrf name B table 11\n"
	"set interfaces ethernet eth1 vrf A\nset interfaces ethernet eth1 address 10.1.0.1/24\n"
	"set interfaces ethernet eth2 vrf B\nset interfaces ethernet eth2 address 10.2.0.1/24\n"
	"set interfaces ethernet eth2 description old\n"
	"set vrf name A protocols static route 10.50.0.0/16 next-hop 10.1.0.5\n"
	"set vrf name A protocols static route 10.60.0.0/16 next-hop 10.1.0.5\n";

static int overlap(const char *b, const char *running, const char *input, char *path)
{
	return sl_commit_overlap(b, running, input, path, 256);
}

static void test_overlap(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_int_equal(apply(r, base, NULL), 0);
	char *b = render_str(r);
	/* another operator's commit: one route of A, A's table, eth2's description */
	assert_int_equal(apply(r,
				 "set vrf name A protocols static route 10.50.0.0/16 next-hop "
				 "10.1.0.6\nset vrf name A table 20\n"
				 "delete interfaces ethernet eth2 description\n",
				 NULL),
		0);
	char *running = render_str(r), path[256] = "";
	/* untouched objects: merged */
	assert_int_equal(
		overlap(b, running,
			"set vrf name A protocols static route 10.70.0.0/16 next-hop "
			"10.1.0.5\ndelete vrf name A protocols static route 10.60.0.0/16\n"
			"set vrf name A description x\nset interfaces ethernet eth1 mtu 9000\n",
			path),
		0);
	assert_int_equal(overlap(b, running, "", path), 0);
	/* the same route */
	assert_int_equal(overlap(b, running,
				 "set vrf name B description y\ndelete vrf name A protocols static "
				 "route 10.50.0.0/16\n",
				 path),
		1);
	assert_string_equal(path, "vrf name A protocols static route 10.50.0.0/16");
	/* the same single value */
	assert_int_equal(overlap(b, running, "set vrf name A table 30\n", path), 1);
	assert_string_equal(path, "vrf name A table");
	/* the same interface, another leaf of it */
	assert_int_equal(overlap(b, running, "set interfaces ethernet eth2 mtu 1400\n", path), 1);
	assert_string_equal(path, "interfaces ethernet eth2");
	/* above a changed object: the whole VRF */
	assert_int_equal(overlap(b, running, "delete vrf name A\n", path), 1);
	/* nothing changed since base: never an overlap */
	assert_int_equal(overlap(running, running, "set vrf name A table 30\n", path), 0);

	/* the merge itself is a plain apply onto the running configuration */
	assert_int_equal(apply(r, "set vrf name A description x\n", NULL), 0);
	char *merged = render_str(r);
	assert_non_null(strstr(merged, "set vrf name A description x\n"));
	assert_non_null(strstr(merged, "set vrf name A table 20\n"));
	assert_non_null(strstr(merged, "route 10.50.0.0/16 next-hop 10.1.0.6\n"));
	free(b), free(running), free(merged);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_record_trim_reload, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(
			test_corrupt_files_skipped, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test(test_memory_only_and_limits),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_touched),
		cmocka_unit_test(test_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
