/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Property test of the commit history with a real router (lib/commit, no
 * DPDK), at real sizes: seeded sequences of hundreds of steps over a
 * configuration of hundreds of lines — commits of a few lines or of dozens,
 * refused commits (a bad line among good ones), `rollback N` as sluiced
 * does it (the revision's text as a full replace, recorded as a new
 * revision), commits that change nothing, and restarts (the history read
 * back from disk, the router rebuilt from the running revision). After every
 * step:
 *  - the running rendering is the text of the revision the history claims
 *    is running (the newest), and a rollback's is the text it went back to;
 *  - ids only grow, by one per recorded revision, also across restarts;
 *  - at most SL_HISTORY_KEEP revisions, files and memory alike;
 *  - each revision's +/- counts are the line diff with the one before.
 * Set SLUICE_SEED to replay one sequence; the failing seed is printed.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "commit_test_util.h"

#define SEQUENCES 4
#define STEPS 300
#define VRFS 6

static unsigned rnd(unsigned *s, unsigned n)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) % n;
}

static char *render(const struct sl_router *r)
{
	char *s = render_str(r);
	assert_non_null(s);
	return s;
}

static size_t lines(const char *t)
{
	size_t n = 0;
	for (; *t; t++)
		n += *t == '\n';
	return n;
}

/* The base: VRFS VRFs of 60 static routes each (~370 lines). */
static char *base_config(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (int v = 0; v < VRFS; v++) {
		fprintf(f, "set vrf name V%d table %d\n", v, 100 + v);
		for (int k = 0; k < 60; k++)
			fprintf(f,
				"set vrf name V%d protocols static route 10.%d.%d.0/24 blackhole\n",
				v, v, k);
	}
	fclose(f);
	return buf;
}

/* A random transaction: route adds and deletes, descriptions, a table
 * change; bulk (dozens of lines, no deletes) one time in eight; a bad line
 * sometimes. */
static char *random_change(unsigned *seed, bool *bad)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool bulk = rnd(seed, 8) == 0;
	unsigned n = bulk ? 20 + rnd(seed, 60) : 1 + rnd(seed, 4);
	for (unsigned i = 0; i < n; i++) {
		unsigned v = rnd(seed, VRFS), k = rnd(seed, 120), op = rnd(seed, 6);
		if (bulk && (op == 2 || op == 3))
			op = 0; /* a bulk change adds: one missing route would refuse it all */
		switch (op) {
		case 0:
		case 1:
			fprintf(f,
				"set vrf name V%u protocols static route 10.%u.%u.0/24 blackhole\n",
				v, v, k);
			break;
		case 2:
		case 3:
			/* may name a route that is not there: the whole commit is refused */
			fprintf(f, "delete vrf name V%u protocols static route 10.%u.%u.0/24\n", v,
				v, k % 60);
			break;
		case 4:
			fprintf(f, "set vrf name V%u description d%u\n", v, rnd(seed, 5));
			break;
		default:
			fprintf(f, "set vrf name V%u table %u\n", v, 200 + v * 10 + rnd(seed, 3));
			break;
		}
	}
	*bad = rnd(seed, 10) == 0;
	if (*bad)
		fprintf(f, "set vrf name V0 tabel 1\n");
	fclose(f);
	return buf;
}

struct run {
	char dir[96];
	struct sl_history *h;
	struct sl_router *r;
	uint64_t last_id;
};

static void record(struct run *x, const char *who, const char *comment)
{
	char *text = render(x->r);
	const struct sl_rev *top = sl_history_at(x->h, 0);
	if (top == NULL || strcmp(top->text, text) != 0) {
		assert_int_equal(sl_history_record(x->h, who, comment, text, stderr), 0);
		assert_int_equal(sl_history_at(x->h, 0)->id, x->last_id + 1);
		x->last_id++;
	}
	free(text);
}

static void check_invariants(struct run *x)
{
	char *text = render(x->r);
	const struct sl_rev *top = sl_history_at(x->h, 0);
	assert_non_null(top);
	assert_string_equal(top->text, text);
	assert_int_equal(top->id, x->last_id);
	size_t n = sl_history_count(x->h);
	assert_true(n <= SL_HISTORY_KEEP);
	assert_int_equal(dir_count(x->dir, ".commit"), (int)n);
	for (size_t i = 0; i + 1 < n && i < 3; i++) {
		const struct sl_rev *a = sl_history_at(x->h, i + 1), *b = sl_history_at(x->h, i);
		size_t add, rem;
		assert_int_equal(sl_text_diff(a->text, b->text, NULL, &add, &rem), 0);
		assert_int_equal(add, b->added);
		assert_int_equal(rem, b->removed);
		assert_true(a->id < b->id);
	}
	free(text);
}

static void restart(struct run *x)
{
	sl_history_free(x->h);
	sl_router_free(x->r);
	x->h = sl_history_open(x->dir, stderr);
	assert_non_null(x->h);
	assert_int_equal(sl_history_next_id(x->h), x->last_id + 1);
	x->r = sl_router_new();
	assert_non_null(x->r);
	assert_int_equal(apply(x->r, sl_history_at(x->h, 0)->text, NULL), 0);
}

static void sequence(unsigned seed0)
{
	unsigned seed = seed0;
	struct run x = {.last_id = 0};
	snprintf(x.dir, sizeof(x.dir), "/tmp/sl_hprop_XXXXXX");
	assert_non_null(mkdtemp(x.dir));
	x.h = sl_history_open(x.dir, stderr);
	x.r = sl_router_new();
	assert_non_null(x.h);
	char *b = base_config();
	assert_int_equal(apply(x.r, b, NULL), 0);
	free(b);
	record(&x, "start-up", NULL);
	size_t rollbacks = 0, refused = 0, restarts = 0;
	for (int step = 0; step < STEPS; step++) {
		unsigned what = rnd(&seed, 20);
		if (what < 3 && sl_history_count(x.h) > 1) {
			/* rollback N, as sluiced: a full replace, then a revision */
			size_t n = 1 + rnd(&seed, (unsigned)sl_history_count(x.h) - 1);
			char *want = strdup(sl_history_at(x.h, n)->text);
			struct sl_errors e = {0};
			assert_int_equal(sl_router_replace(x.r, want, &e, NULL), 0);
			sl_errors_free(&e);
			record(&x, "uid 0", "rollback");
			char *got = render(x.r);
			assert_string_equal(got, want);
			free(got);
			free(want);
			rollbacks++;
		} else if (what == 3) {
			restart(&x);
			restarts++;
		} else {
			bool bad;
			char *change = random_change(&seed, &bad);
			char *before = render(x.r);
			int rc = apply(x.r, change, NULL);
			if (bad)
				assert_int_not_equal(rc, 0);
			if (rc == 0) {
				record(&x, "uid 1000", "change");
			} else {
				char *after = render(x.r);
				assert_string_equal(after, before); /* nothing half-applied */
				free(after);
				refused++;
			}
			free(before);
			free(change);
		}
		check_invariants(&x);
	}
	/* the sequence did what it is meant to test */
	assert_true(rollbacks > 10);
	assert_true(refused > 10);
	assert_true(restarts > 3);
	assert_true(x.last_id > SL_HISTORY_KEEP);
	assert_true(lines(sl_history_at(x.h, 0)->text) > 300);
	sl_history_free(x.h);
	sl_router_free(x.r);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x.dir);
	assert_int_equal(system(cmd), 0);
}

static void test_random_commits_and_rollbacks(void **state)
{
	(void)state;
	const char *env = getenv("SLUICE_SEED");
	for (unsigned i = 0; i < SEQUENCES; i++) {
		unsigned seed = env ? (unsigned)strtoul(env, NULL, 0) : 0x5eed0000u + i;
		fprintf(stderr, "sequence seed %#x (replay: SLUICE_SEED=%#x)\n", seed, seed);
		sequence(seed);
		if (env)
			break;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_commits_and_rollbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
