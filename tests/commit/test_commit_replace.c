/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reload (sl_router_replace): the text becomes the whole configuration. From
 * every example to every other, the result is the state a fresh router gets
 * from the same file; reloading an unchanged file changes nothing in the FIB;
 * a bad file changes nothing at all and its errors carry the file's lines.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

static const char *src_dir;

static const char *examples[] = {"static-shared-services", "rt-shared-services", "rt-symmetric",
	"dns-only", "backup-local-preference", "internet-gateway", "management",
	"static-bidirectional", "demo-shared-services"};
#define N_EXAMPLES (sizeof(examples) / sizeof(examples[0]))

static void example_path(const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/config/%s.conf", src_dir, name);
}

static struct sl_router *load_example(const char *name)
{
	char path[512];
	struct sl_errors e = {0};
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	sl_router_fib_log(r, true);
	example_path(name, path, sizeof(path));
	assert_int_equal(sl_router_load_file(r, path, &e), 0);
	sl_errors_free(&e);
	return r;
}

/* From each example to each other: the same state as loading the target fresh. */
static void test_every_pair(void **state)
{
	(void)state;
	for (size_t a = 0; a < N_EXAMPLES; a++) {
		for (size_t b = 0; b < N_EXAMPLES; b++) {
			struct sl_router *r = load_example(examples[a]);
			struct sl_router *fresh = load_example(examples[b]);
			char path[512];
			struct sl_errors e = {0};
			example_path(examples[b], path, sizeof(path));
			int rc = sl_router_reload_file(r, path, &e, NULL);
			if (rc != 0)
				fail_msg("%s -> %s: %d, %s", examples[a], examples[b], rc,
					e.n ? e.v[0].msg : "");
			char *got = snapshot(r), *want = snapshot(fresh);
			if (strcmp(got, want) != 0)
				fail_msg("%s -> %s: state differs from a fresh load", examples[a],
					examples[b]);
			free(got), free(want);
			sl_errors_free(&e);
			sl_router_free(r), sl_router_free(fresh);
		}
	}
}

/* A reload of the file already running changes no route. */
static void test_unchanged_reload_is_quiet(void **state)
{
	(void)state;
	struct sl_router *r = load_example("demo-shared-services");
	char path[512];
	struct sl_errors e = {0};
	const struct sl_fib_change *ch;
	sl_router_changes_clear(r);
	example_path("demo-shared-services", path, sizeof(path));
	assert_int_equal(sl_router_reload_file(r, path, &e, NULL), 0);
	assert_int_equal(sl_router_changes(r, &ch), 0);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* A file with one bad line: refused whole, errors at the file's own lines. */
static void test_bad_file_changes_nothing(void **state)
{
	(void)state;
	struct sl_router *r = load_example("demo-shared-services");
	char *before = snapshot(r);
	struct sl_errors e = {0};
	const char *text = "set vrf name X table 100\n"
			   "# a comment\n"
			   "set vrf name X tabel 101\n";
	assert_int_equal(sl_router_replace(r, text, &e, NULL), -EINVAL);
	assert_true(e.n >= 1);
	assert_int_equal(e.v[0].line, 3);
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(before), free(after);
	sl_errors_free(&e);
	sl_router_free(r);
}

/* An empty file is an empty configuration; a merge of it would be a no-op. */
static void test_empty_replace_clears(void **state)
{
	(void)state;
	struct sl_router *r = load_example("demo-shared-services");
	struct sl_router *empty = sl_router_new();
	struct sl_errors e = {0};
	char *merged_before = snapshot(r);
	assert_int_equal(sl_router_apply(r, "", &e, NULL), 0);
	char *merged = snapshot(r);
	assert_string_equal(merged_before, merged);
	assert_int_equal(sl_router_replace(r, "", &e, NULL), 0);
	char *got = snapshot(r), *want = snapshot(empty);
	assert_string_equal(got, want);
	free(merged_before), free(merged), free(got), free(want);
	sl_errors_free(&e);
	sl_router_free(r), sl_router_free(empty);
}

int main(int argc, char **argv)
{
	src_dir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_unchanged_reload_is_quiet),
		cmocka_unit_test(test_bad_file_changes_nothing),
		cmocka_unit_test(test_empty_replace_clears),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
