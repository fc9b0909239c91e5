/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The progress hook of long commits (sl_types.h): a big transaction calls
 * the calling thread's hook as it goes (parse, validate, RIB sync, conf
 * commit), so sluiced can serve its punt path meanwhile; a thread without a
 * hook, or after it is removed, runs none; the result is the same as without.
 */
#include <pthread.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

#define ROUTES 4096

static unsigned calls;

static void count(void *arg)
{
	(void)arg;
	calls++;
}

/* A VRF with ROUTES statics (add), or the lines deleting them. */
static char *routes_text(bool add)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (add) {
		fprintf(f, "set vrf name A table 10\n");
		fprintf(f, "set interfaces ethernet eth0 vrf A\n");
		fprintf(f, "set interfaces ethernet eth0 address 10.0.0.1/24\n");
	}
	for (unsigned i = 0; i < ROUTES; i++)
		fprintf(f, "%s vrf name A protocols static route 20.%u.%u.0/24%s\n",
			add ? "set" : "delete", i >> 8, i & 255, add ? " next-hop 10.0.0.2" : "");
	fclose(f);
	return buf;
}

static void test_hook_runs_during_big_commit(void **state)
{
	(void)state;
	char *add = routes_text(true), *del = routes_text(false);
	struct sl_router *r = sl_router_new(), *plain = sl_router_new();
	assert_int_equal(apply(plain, add, NULL), 0);
	char *want = snapshot(plain);

	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(apply(r, add, NULL), 0);
	/* parse, validate, RIB sync: at least one call per 256 lines each */
	assert_true(calls >= 3 * ROUTES / SL_PROGRESS_EVERY);
	char *got = snapshot(r);
	assert_string_equal(got, want);

	unsigned before = calls;
	sl_progress_hook_set(NULL, NULL);
	assert_int_equal(apply(r, del, NULL), 0);
	assert_int_equal(calls, before);
	free(got);
	free(want);
	free(add);
	free(del);
	sl_router_free(r);
	sl_router_free(plain);
}

static char *render(const struct sl_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_conf_render(c, f);
	fclose(f);
	return buf;
}

/* The walks over a whole subtree, the undo log or a VRF's routes breathe
 * too: one line deleting a VRF of ROUTES routes, its abort, its commit
 * (the nodes freed), the abort of a big change, and the lint. */
static void test_hook_runs_in_whole_tree_walks(void **state)
{
	(void)state;
	const unsigned want = ROUTES / SL_PROGRESS_EVERY;
	char *add = routes_text(true);
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	assert_non_null(c);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, add, 1, &e, NULL), 0);
	assert_int_equal(sl_conf_exec_text(c,
				 "set policy route-map IMP rule 10 action permit\n"
				 "set vrf name A protocols bgp system-as 65000\n"
				 "set vrf name A protocols bgp address-family ipv4-unicast "
				 "route-map vpn import IMP\n",
				 1, &e, NULL),
		0);
	assert_int_equal(sl_conf_commit(c, &e), 0);
	char *before = render(c);

	/* lint: every route of a VRF with an import route-map (none leaks) */
	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(sl_conf_lint(c, &e), 0);
	assert_true(calls >= want);

	/* one line: the VRF's references dropped node by node */
	assert_int_equal(sl_conf_begin(c), 0);
	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(sl_conf_exec(c, "delete vrf name A", 1, &e, NULL), 0);
	assert_true(calls >= want);
	/* its abort puts them back, node by node */
	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(sl_conf_abort(c), 0);
	assert_true(calls >= want);
	char *after = render(c);
	assert_string_equal(after, before);
	free(after);

	/* a refused change of ROUTES lines is undone line by line */
	assert_int_equal(sl_conf_begin(c), 0);
	char *more = strdup(add);
	for (char *v = strstr(more, "name A"); v != NULL; v = strstr(v, "name A"))
		v[5] = 'B'; /* the same routes in a new VRF B */
	assert_int_equal(sl_conf_exec_text(c, more, 1, &e, NULL), 0);
	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(sl_conf_abort(c), 0);
	assert_true(calls >= want);
	after = render(c);
	assert_string_equal(after, before);
	free(after);
	free(more);

	/* the commit of the delete frees the VRF's nodes one by one */
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec(c, "delete vrf name A", 1, &e, NULL), 0);
	assert_int_equal(sl_conf_exec(c, "delete interfaces ethernet eth0 vrf", 2, &e, NULL), 0);
	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(sl_conf_commit(c, &e), 0);
	assert_true(calls >= want);
	after = render(c);
	assert_null(strstr(after, "vrf name A"));
	free(after);

	sl_progress_hook_set(NULL, NULL);
	assert_int_equal(e.n, 0);
	sl_errors_free(&e);
	free(before);
	free(add);
	sl_conf_free(c);
}

static void *other_thread(void *arg)
{
	struct sl_router *r = arg;
	assert_int_equal(apply(r, "set vrf name B table 11\n", NULL), 0);
	for (unsigned i = 0; i < 4 * SL_PROGRESS_EVERY; i++)
		sl_progress();
	return NULL;
}

/* The hook belongs to the thread that installed it. */
static void test_hook_is_per_thread(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	pthread_t t;
	calls = 0;
	sl_progress_hook_set(count, NULL);
	assert_int_equal(pthread_create(&t, NULL, other_thread, r), 0);
	pthread_join(t, NULL);
	assert_int_equal(calls, 0);
	for (unsigned i = 0; i < SL_PROGRESS_EVERY; i++)
		sl_progress();
	assert_int_equal(calls, 1);
	sl_progress_hook_set(NULL, NULL);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hook_runs_during_big_commit),
		cmocka_unit_test(test_hook_runs_in_whole_tree_walks),
		cmocka_unit_test(test_hook_is_per_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
