/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_conf_diff / sl_conf_compare (conf_diff.c): hand-made cases (single
 * leaves replaced, multi values, bare nodes, quoting), then a property over
 * random configurations of real size (randconf: VRFs, hundreds of routes,
 * policies, firewall): for random pairs (from, to) and for `to` made from
 * `from` by small edits, the diff executed on `from` gives `to`
 * byte-identically, the diff of a tree with itself is empty, and compare's
 * marked lines are exactly the rendered lines the two trees do not share.
 *
 * SLUICE_RANDOM_CONFIGS=N sets the number of seeds (default 300, 100 under
 * ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf_test_util.h"
#include "randconf.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define DEFAULT_CONFIGS 100 /* ASan+UBSan run it about 4 times slower */
#else
#define DEFAULT_CONFIGS 300
#endif

/* A tree holding text, inside an open transaction (not validated: a
 * candidate is checked line by line only). */
static struct sl_conf *tree_of(const char *text)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors errs = {0};
	assert_non_null(c);
	assert_int_equal(sl_conf_begin(c), 0);
	sl_conf_exec_text(c, text, 1, &errs, NULL);
	sl_errors_free(&errs);
	return c;
}

static char *diff_of(const struct sl_conf *a, const struct sl_conf *b, long *n)
{
	char *d = sl_conf_diff_str(a, b, n);
	assert_non_null(d);
	return d;
}

/* Execute the diff of (from, to) on from; its rendering must become to's. */
static void assert_diff_applies(const char *from_text, const char *to_text, const char *what)
{
	struct sl_conf *a = tree_of(from_text), *b = tree_of(to_text);
	long n;
	char *d = diff_of(a, b, &n), *want = sl_conf_render_str(b);
	struct sl_errors errs = {0};
	unsigned lineno = 1;
	char *save, *copy = strdup(d);

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save), lineno++)
		if (sl_conf_exec(a, l, lineno, &errs, NULL) != 0) {
			conf_print_errors(&errs);
			fail_msg("%s: diff line %u '%s' failed; diff:\n%s", what, lineno, l, d);
		}
	assert_int_equal((long)lineno - 1, n);
	char *got = sl_conf_render_str(a);
	if (strcmp(got, want) != 0) {
		/* cmocka cuts long messages: the whole story on stderr */
		fprintf(stderr, "--- diff:\n%s--- got:\n%s--- want:\n%s", d, got, want);
		fail_msg("%s: the diff does not give the target", what);
	}
	/* nothing left to do */
	char *again = diff_of(a, b, &n);
	assert_int_equal(n, 0);
	assert_string_equal(again, "");
	free(again);
	free(got);
	free(copy);
	free(d);
	free(want);
	sl_errors_free(&errs);
	sl_conf_free(a);
	sl_conf_free(b);
}

static void test_single_leaf_replaced(void **state)
{
	(void)state;
	struct sl_conf *a = tree_of("set vrf name A table 10\n"),
		       *b = tree_of("set vrf name A table 20\n");
	char *d = diff_of(a, b, NULL);
	/* the set replaces the old value: no delete of it */
	assert_string_equal(d, "set vrf name A table 20\n");
	free(d);
	sl_conf_free(a);
	sl_conf_free(b);
	assert_diff_applies("set vrf name A table 10\n", "set vrf name A table 20\n", "table");
}

static void test_multi_and_objects(void **state)
{
	(void)state;
	const char *from = "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			   "set interfaces ethernet eth1 address 10.2.0.1/24\n"
			   "set vrf name A table 10\n"
			   "set vrf name B table 11\n"
			   "set vrf name A protocols static route 10.9.0.0/16 next-hop 10.1.0.2\n";
	const char *to = "set interfaces ethernet eth1 address 10.2.0.1/24\n"
			 "set interfaces ethernet eth1 address 10.3.0.1/24\n"
			 "set vrf name A table 10\n"
			 "set vrf name C table 12\n"
			 "set vrf name A protocols static route 10.9.0.0/16 blackhole\n";
	struct sl_conf *a = tree_of(from), *b = tree_of(to);
	long n;
	char *d = diff_of(a, b, &n);
	assert_string_equal(d, "delete interfaces ethernet eth1 address 10.1.0.1/24\n"
			       "delete vrf name A protocols static route 10.9.0.0/16 next-hop\n"
			       "delete vrf name B\n"
			       "set interfaces ethernet eth1 address 10.3.0.1/24\n"
			       "set vrf name A protocols static route 10.9.0.0/16 blackhole\n"
			       "set vrf name C table 12\n");
	assert_int_equal(n, 6);
	free(d);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(sl_conf_compare(a, b, false, f), 6);
	fclose(f);
	assert_string_equal(buf,
		"- set interfaces ethernet eth1 address 10.1.0.1/24\n"
		"+ set interfaces ethernet eth1 address 10.3.0.1/24\n"
		"+ set vrf name A protocols static route 10.9.0.0/16 blackhole\n"
		"- set vrf name A protocols static route 10.9.0.0/16 next-hop 10.1.0.2\n"
		"- set vrf name B table 11\n"
		"+ set vrf name C table 12\n");
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(sl_conf_compare(a, b, true, f), 6);
	fclose(f);
	assert_non_null(strstr(buf, "  set vrf name A table 10\n"));
	assert_non_null(strstr(buf, "  set interfaces ethernet eth1 address 10.2.0.1/24\n"));
	free(buf);
	sl_conf_free(a);
	sl_conf_free(b);
	assert_diff_applies(from, to, "multi and objects");
	assert_diff_applies(to, from, "multi and objects, back");
	assert_diff_applies("", to, "from empty");
	assert_diff_applies(to, "", "to empty");
}

static void test_bare_node_and_quotes(void **state)
{
	(void)state;
	/* blackhole keeps no distance: the delete may prune it, the set brings it back */
	assert_diff_applies("set protocols static route 10.0.0.0/8 blackhole distance 5\n",
		"set protocols static route 10.0.0.0/8 blackhole\n", "bare blackhole");
	assert_diff_applies("set vrf name A table 10\nset vrf name A description 'old one'\n",
		"set vrf name A table 10\nset vrf name A description \"it's # new\"\n",
		"quoted description");
}

static unsigned configs(void)
{
	const char *e = getenv("SLUICE_RANDOM_CONFIGS");
	return e != NULL && atoi(e) > 0 ? (unsigned)atoi(e) : DEFAULT_CONFIGS;
}

/* The rendered lines of text's tree. */
static void rendered(const char *text, struct strset *set, size_t *n)
{
	struct sl_conf *c = tree_of(text);
	char *r = sl_conf_render_str(c);
	struct lines l = {0};
	lines_split(&l, r);
	strset_of(set, &l);
	*n = l.n;
	lines_free(&l);
	free(r);
	sl_conf_free(c);
}

/* compare's marks are the symmetric difference of the renderings. */
static void assert_compare_marks(const char *from, const char *to)
{
	struct strset sa = {0}, sb = {0};
	size_t na, nb, only_a = 0, only_b = 0;
	rendered(from, &sa, &na);
	rendered(to, &sb, &nb);
	struct sl_conf *a = tree_of(from), *b = tree_of(to);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	long marked = sl_conf_compare(a, b, true, f);
	fclose(f);
	struct lines l = {0};
	lines_split(&l, buf);
	for (size_t i = 0; i < l.n; i++) {
		const char *line = l.v[i] + 2;
		bool in_a = strset_has(&sa, line), in_b = strset_has(&sb, line);
		switch (l.v[i][0]) {
		case '+':
			assert_true(in_b && !in_a);
			only_b++;
			break;
		case '-':
			assert_true(in_a && !in_b);
			only_a++;
			break;
		default:
			assert_true(in_a && in_b);
		}
	}
	/* every line of both renderings shows up once */
	assert_int_equal(l.n - only_b, na);
	assert_int_equal(l.n - only_a, nb);
	assert_int_equal((size_t)marked, only_a + only_b);
	lines_free(&l);
	free(buf);
	strset_free(&sa);
	strset_free(&sb);
	sl_conf_free(a);
	sl_conf_free(b);
}

/* `to` from `from`: drop some lines, add some of another configuration's. */
static char *edited(uint64_t *s, const struct lines *from, const struct lines *other)
{
	struct lines l = {0};
	for (size_t i = 0; i < from->n; i++)
		if (!one_in(s, 8))
			lines_push(&l, from->v[i]);
	for (size_t i = 0; i < other->n; i++)
		if (one_in(s, 10))
			lines_push(&l, other->v[i]);
	char *t = lines_join(&l);
	lines_free(&l);
	return t;
}

static void test_random_pairs(void **state)
{
	(void)state;
	unsigned n = configs();
	size_t total_lines = 0;
	for (uint64_t seed = 1; seed <= n; seed++) {
		struct lines a = {0}, b = {0};
		uint64_t s = seed;
		generate(seed, &a);
		generate(seed + 100003, &b);
		total_lines += a.n;
		char *ta = lines_join(&a), *tb = lines_join(&b), *te = edited(&s, &a, &b);
		char what[64];
		snprintf(what, sizeof(what), "seed %llu", (unsigned long long)seed);
		assert_diff_applies(ta, tb, what);
		assert_diff_applies(ta, te, what);
		assert_diff_applies(te, ta, what);
		assert_diff_applies(ta, ta, what);
		assert_compare_marks(ta, te);
		assert_compare_marks(ta, tb);
		free(ta);
		free(tb);
		free(te);
		lines_free(&a);
		lines_free(&b);
	}
	/* the configurations are of real size */
	assert_true(total_lines / n >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_leaf_replaced),
		cmocka_unit_test(test_multi_and_objects),
		cmocka_unit_test(test_bare_node_and_quotes),
		cmocka_unit_test(test_random_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
