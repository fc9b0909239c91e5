/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_router_save_file: the rendered configuration replaces the file whole;
 * a new file is 0600, an existing one keeps its mode; a symlinked file is
 * written where it points; nothing is left beside it; a directory that does
 * not exist fails with the reason on err.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "commit_test_util.h"

static struct sl_router *router(const char *text)
{
	struct sl_router *r = sl_router_new();
	struct sl_errors e = {0};
	assert_non_null(r);
	assert_int_equal(sl_router_apply(r, text, &e, NULL), 0);
	sl_errors_free(&e);
	return r;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_new_and_existing(void **state)
{
	(void)state;
	struct sl_router *r = router("set vrf name A table 10\n");
	char path[128];
	struct stat st;
	snprintf(path, sizeof(path), "%s/sluiced.conf", tmp_dir);
	assert_int_equal(sl_router_save_file(r, path, stderr), 0);
	char *want = render_str(r);
	assert_string_equal(slurp(path), want);
	free(want);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(dir_count(tmp_dir, ""), 1);

	/* an existing file keeps its mode; its whole text is replaced */
	assert_int_equal(chmod(path, 0640), 0);
	sl_router_free(r);
	r = router("set vrf name B table 20\n");
	assert_int_equal(sl_router_save_file(r, path, stderr), 0);
	assert_non_null(strstr(slurp(path), "name B"));
	assert_null(strstr(slurp(path), "name A"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(dir_count(tmp_dir, ""), 1);
	sl_router_free(r);
}

static void test_symlink_followed(void **state)
{
	(void)state;
	struct sl_router *r = router("set vrf name C table 30\n");
	char real[128], link[128];
	snprintf(real, sizeof(real), "%s/real.conf", tmp_dir);
	snprintf(link, sizeof(link), "%s/link.conf", tmp_dir);
	FILE *f = fopen(real, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(sl_router_save_file(r, link, stderr), 0);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* still a link, to the saved file */
	assert_non_null(strstr(slurp(real), "name C"));
	sl_router_free(r);
}

static void test_no_directory(void **state)
{
	(void)state;
	struct sl_router *r = router("set vrf name D table 40\n");
	char path[128], *msg = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msg, &len);
	snprintf(path, sizeof(path), "%s/nosuch/sluiced.conf", tmp_dir);
	assert_int_equal(sl_router_save_file(r, path, err), -ENOENT);
	fclose(err);
	assert_non_null(strstr(msg, "save: cannot create a file in"));
	free(msg);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_new_and_existing, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(
			test_symlink_followed, tmp_dir_setup, tmp_dir_teardown),
		cmocka_unit_test_setup_teardown(test_no_directory, tmp_dir_setup, tmp_dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
