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
		cmocka_unit_test(test_hook_is_per_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
