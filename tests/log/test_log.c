/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/log: the ring (wrap-around at its real size, level
 * filter, cut lines), the summary limiter, level names, the process log,
 * `show log` and the level that follows the configuration. */
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
#include <jansson.h>

#include "../cmd_words.h"
#include "sl_log.h"

#define SEC 1000000000ull

struct seen {
	size_t n;
	uint64_t seq[4096];
	enum sl_log_level level[4096];
	char last[SL_LOG_MSG_MAX];
};

static void visit(const struct sl_log_entry *e, void *ctx)
{
	struct seen *s = ctx;
	if (s->n < 4096) {
		s->seq[s->n] = e->seq;
		s->level[s->n] = e->level;
	}
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s", e->msg);
}

/* The level of line i in the ring tests: a pattern with every level. */
static enum sl_log_level level_of(uint64_t i)
{
	static const enum sl_log_level ls[] = {
		SL_LOG_INFO, SL_LOG_DEBUG, SL_LOG_NOTICE, SL_LOG_INFO, SL_LOG_WARNING, SL_LOG_ERR};
	return ls[i % 6];
}

static void test_ring_wraps(void **state)
{
	(void)state;
	struct sl_log_ring *r = sl_log_ring_new(SL_LOG_RING_DEFAULT);
	assert_non_null(r);
	struct seen *s = calloc(1, sizeof(*s));
	assert_non_null(s);

	/* empty */
	assert_int_equal(sl_log_ring_read(r, 10, SL_LOG_DEBUG, visit, s), 0);
	assert_int_equal(sl_log_ring_count(r), 0);

	/* 2.5 times around */
	const uint64_t total = SL_LOG_RING_DEFAULT * 5 / 2;
	char msg[32];
	for (uint64_t i = 1; i <= total; i++) {
		snprintf(msg, sizeof(msg), "line %llu", (unsigned long long)i);
		assert_int_equal(sl_log_ring_push(r, (int64_t)i, level_of(i), "test", msg), i);
	}
	assert_int_equal(sl_log_ring_count(r), SL_LOG_RING_DEFAULT);
	assert_int_equal(sl_log_ring_total(r), total);

	/* everything held: the newest SL_LOG_RING_DEFAULT, oldest first */
	assert_int_equal(
		sl_log_ring_read(r, SIZE_MAX, SL_LOG_DEBUG, visit, s), SL_LOG_RING_DEFAULT);
	for (size_t k = 0; k < SL_LOG_RING_DEFAULT; k++)
		assert_int_equal(s->seq[k], total - SL_LOG_RING_DEFAULT + 1 + k);
	snprintf(msg, sizeof(msg), "line %llu", (unsigned long long)total);
	assert_string_equal(s->last, msg);

	/* the last 7 */
	memset(s, 0, sizeof(*s));
	assert_int_equal(sl_log_ring_read(r, 7, SL_LOG_DEBUG, visit, s), 7);
	for (size_t k = 0; k < 7; k++)
		assert_int_equal(s->seq[k], total - 6 + k);

	/* level filter: warnings and errors only, counted from what is held */
	size_t want = 0;
	for (uint64_t i = total - SL_LOG_RING_DEFAULT + 1; i <= total; i++)
		want += level_of(i) <= SL_LOG_WARNING;
	memset(s, 0, sizeof(*s));
	assert_int_equal(sl_log_ring_read(r, SIZE_MAX, SL_LOG_WARNING, visit, s), want);
	for (size_t k = 0; k < want; k++) {
		assert_true(s->level[k] <= SL_LOG_WARNING);
		assert_true(k == 0 || s->seq[k] > s->seq[k - 1]);
	}
	/* ... the newest 5 of them, oldest first, ending at the newest */
	memset(s, 0, sizeof(*s));
	assert_int_equal(sl_log_ring_read(r, 5, SL_LOG_ERR, visit, s), 5);
	uint64_t newest_err = total;
	while (level_of(newest_err) != SL_LOG_ERR)
		newest_err--;
	assert_int_equal(s->seq[4], newest_err);
	assert_int_equal(s->seq[0], newest_err - 4 * 6);
	free(s);
	sl_log_ring_free(r);
}

static void test_ring_cuts_long_lines(void **state)
{
	(void)state;
	struct sl_log_ring *r = sl_log_ring_new(2);
	char big[2 * SL_LOG_MSG_MAX];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sl_log_ring_push(r, 0, SL_LOG_ERR, "a-subsystem-name-too-long", big);
	struct seen s = {0};
	sl_log_ring_read(r, 1, SL_LOG_DEBUG, visit, &s);
	assert_int_equal(strlen(s.last), SL_LOG_MSG_MAX - 1);
	assert_string_equal(s.last + SL_LOG_MSG_MAX - 4, "...");
	assert_null(sl_log_ring_new(0));
	sl_log_ring_free(r);
}

static void test_rate_limiter(void **state)
{
	(void)state;
	struct sl_log_rate r = {0};
	uint64_t d = 0, span = 0, t = 100 * SEC;
	const uint64_t period = 10 * SEC;

	/* the first tick takes the counter as its base: history is not news */
	assert_false(sl_log_rate_check(&r, 5000, t, period, &d, &span));
	/* quiet: nothing */
	t += SEC;
	assert_false(sl_log_rate_check(&r, 5000, t, period, &d, &span));
	/* it moves: said at once (no report yet), since the last still tick */
	t += SEC;
	assert_true(sl_log_rate_check(&r, 5100, t, period, &d, &span));
	assert_int_equal(d, 100);
	assert_int_equal(span, SEC);
	/* moving on every tick: suppressed for the period, then one summary of it all */
	uint64_t v = 5100, said = 0, lines = 0;
	for (int i = 1; i <= 100; i++) { /* 10 s of 100 ms ticks */
		t += SEC / 10;
		v += 7;
		if (sl_log_rate_check(&r, v, t, period, &d, &span)) {
			lines++;
			said += d;
			assert_int_equal(span, period);
		}
	}
	assert_int_equal(lines, 1);
	assert_int_equal(said, 7 * 100);
	/* moved, then still: nothing until the period is over, then the rest */
	t += SEC / 10;
	v += 3;
	assert_false(sl_log_rate_check(&r, v, t, period, &d, &span));
	for (int i = 0; i < 50; i++) {
		t += SEC / 10;
		assert_false(sl_log_rate_check(&r, v, t, period, &d, &span));
	}
	t += 5 * SEC;
	assert_true(sl_log_rate_check(&r, v, t, period, &d, &span));
	assert_int_equal(d, 3);
	/* still for long: no line at all */
	for (int i = 0; i < 1000; i++) {
		t += SEC;
		assert_false(sl_log_rate_check(&r, v, t, period, &d, &span));
	}
	/* cleared counters count from 0 */
	t += SEC;
	assert_true(sl_log_rate_check(&r, 4, t, period, &d, &span));
	assert_int_equal(d, 4);
	assert_int_equal(span, SEC);
}

static void test_levels_and_counts(void **state)
{
	(void)state;
	enum sl_log_level l;
	const char *names[] = {"err", "warning", "notice", "info", "debug"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(sl_log_level_parse(names[i], &l), 0);
		assert_string_equal(sl_log_level_name(l), names[i]);
	}
	assert_int_equal(sl_log_level_parse("crit", &l), 0);
	assert_int_equal(l, SL_LOG_ERR);
	assert_int_equal(sl_log_level_parse("all", &l), 0);
	assert_int_equal(l, SL_LOG_DEBUG);
	assert_int_equal(sl_log_level_parse("loud", &l), -EINVAL);
	assert_int_equal(sl_log_level_parse("", &l), -EINVAL);

	char b[32];
	assert_string_equal(sl_log_count_fmt(0, b, sizeof(b)), "0");
	assert_string_equal(sl_log_count_fmt(999, b, sizeof(b)), "999");
	assert_string_equal(sl_log_count_fmt(1234, b, sizeof(b)), "1,234");
	assert_string_equal(sl_log_count_fmt(1234567, b, sizeof(b)), "1,234,567");
	assert_string_equal(
		sl_log_count_fmt(UINT64_MAX, b, sizeof(b)), "18,446,744,073,709,551,615");
}

/* The process log: the level decides what is kept; subsystems are kept. */
static void test_process_log(void **state)
{
	(void)state;
	sl_log_open("test", SL_LOG_OUT_NONE);
	assert_int_equal(sl_log_output_get(), SL_LOG_OUT_NONE);
	sl_log_level_set(SL_LOG_NOTICE);
	sl_log(SL_LOG_INFO, "commit", "not kept %d", 1);
	sl_log(SL_LOG_NOTICE, "commit", "kept %d", 2);
	sl_log(SL_LOG_ERR, NULL, "kept %s", "too");
	assert_false(sl_log_enabled(SL_LOG_DEBUG));
	struct seen s = {0};
	assert_int_equal(sl_log_read(10, SL_LOG_DEBUG, visit, &s), 2);
	assert_string_equal(s.last, "kept too");
	assert_int_equal(s.level[0], SL_LOG_NOTICE);
	/* a line longer than the ring keeps: cut there, whole elsewhere */
	char big[3 * SL_LOG_MSG_MAX];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sl_log(SL_LOG_ERR, "x", "%s", big);
	memset(&s, 0, sizeof(s));
	assert_int_equal(sl_log_read(1, SL_LOG_ERR, visit, &s), 1);
	assert_int_equal(strlen(s.last), SL_LOG_MSG_MAX - 1);
}

static int show_log_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err)
{
	return sl_log_show(argc, argv, *(bool *)ctx, out, err);
}

/* `show log WORDS` (after "log") into *out, errors into *err. */
static int show_log(const char *words, bool json, char **out, char **err)
{
	return cmd_words_run(words, show_log_fn, &json, out, err);
}

static void test_show_log(void **state)
{
	(void)state;
	sl_log_open("test", SL_LOG_OUT_NONE);
	sl_log_level_set(SL_LOG_DEBUG);
	sl_log(SL_LOG_INFO, "commit", "show-a %d", 1);
	sl_log(SL_LOG_WARNING, NULL, "show-b");
	sl_log(SL_LOG_DEBUG, "fib", "show-c");
	char *out, *err;
	/* the newest two, oldest first, "LEVEL SUBSYS: MSG" after the time */
	assert_int_equal(show_log("count 2", false, &out, &err), 0);
	char *nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_non_null(strstr(out, " warning show-b\n"));
	assert_non_null(strstr(nl + 1, " debug   fib: show-c\n"));
	assert_null(strstr(out, "show-a"));
	assert_string_equal(err, "");
	free(out), free(err);
	/* level: that level or more severe */
	assert_int_equal(show_log("level warning count 1", false, &out, &err), 0);
	assert_non_null(strstr(out, "show-b"));
	assert_null(strchr(strchr(out, '\n') + 1, '\n'));
	free(out), free(err);
	assert_int_equal(show_log("count 3", true, &out, &err), 0);
	json_t *v = json_loads(out, 0, NULL);
	assert_int_equal(json_array_size(v), 3);
	json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
	assert_string_equal(json_string_value(json_object_get(a, "message")), "show-a 1");
	assert_string_equal(json_string_value(json_object_get(a, "subsystem")), "commit");
	assert_string_equal(json_string_value(json_object_get(a, "level")), "info");
	assert_string_equal(json_string_value(json_object_get(b, "subsystem")), "daemon");
	assert_true(json_integer_value(json_object_get(b, "seq")) >
		    json_integer_value(json_object_get(a, "seq")));
	json_decref(v);
	free(out), free(err);
	/* errors say what was wrong and what is valid */
	assert_int_equal(show_log("count 0", false, &out, &err), -EINVAL);
	assert_string_equal(err, "show log: count '0' is not a number in [1, 1000]\n");
	free(out), free(err);
	assert_int_equal(show_log("level loud", false, &out, &err), -EINVAL);
	assert_non_null(strstr(err, "level 'loud' is not one of err, warning"));
	free(out), free(err);
	assert_int_equal(show_log("count", false, &out, &err), -EINVAL);
	assert_string_equal(err, "show log: unexpected 'count' (or its value missing); usage: "
				 "show log [count N] [level LEVEL]\n");
	free(out), free(err);
}

struct seen_level {
	int hits;
	char last[SL_LOG_MSG_MAX];
};

static void level_visit(const struct sl_log_entry *e, void *ctx)
{
	struct seen_level *s = ctx;
	if (strcmp(e->subsys, "log") == 0) {
		s->hits++;
		snprintf(s->last, sizeof(s->last), "%s", e->msg);
	}
}

static void test_level_follows_configuration(void **state)
{
	(void)state;
	sl_log_open("test", SL_LOG_OUT_NONE);
	sl_log_level_set(SL_LOG_INFO);
	struct seen_level s0 = {0}, s = {0};
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, level_visit, &s0);
	/* unchanged: nothing said */
	sl_log_level_follow(-1, SL_LOG_INFO);
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, level_visit, &s);
	assert_int_equal(s.hits, s0.hits);
	/* the configuration's level wins, and is said (at notice, shown) */
	sl_log_level_follow(SL_LOG_WARNING, SL_LOG_INFO);
	assert_int_equal(sl_log_level_get(), SL_LOG_WARNING);
	memset(&s, 0, sizeof(s));
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, level_visit, &s);
	assert_int_equal(s.hits, s0.hits + 1);
	assert_string_equal(s.last, "level warning (system syslog)");
	/* a priority more severe than err is err */
	sl_log_level_follow(0, SL_LOG_INFO);
	assert_int_equal(sl_log_level_get(), SL_LOG_ERR);
	/* none configured: the fallback (--log-level), said */
	sl_log_level_follow(-1, SL_LOG_DEBUG);
	assert_int_equal(sl_log_level_get(), SL_LOG_DEBUG);
	memset(&s, 0, sizeof(s));
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, level_visit, &s);
	assert_string_equal(s.last, "level debug (--log-level or the default)");
}

/* The names that grew most since the last line: largest first, ties in
 * order added, new names from 0, a counter that went down from 0. */
static void test_tally_top(void **state)
{
	(void)state;
	struct sl_log_tally prev = {0}, cur = {0};
	size_t idx[3];
	uint64_t d[3];
	assert_int_equal(sl_log_tally_top(&cur, &prev, 3, idx, d), 0);
	sl_log_tally_add(&prev, "A", 100);
	sl_log_tally_add(&prev, "B", 50);
	sl_log_tally_add(&prev, "C", 500);
	sl_log_tally_add(&cur, "A", 130); /* +30 */
	sl_log_tally_add(&cur, "B", 50); /* +0: not named */
	sl_log_tally_add(&cur, "C", 20); /* cleared: +20 */
	sl_log_tally_add(&cur, "D", 30); /* new: +30, after A */
	sl_log_tally_add(&cur, "E", 7);
	assert_int_equal(sl_log_tally_top(&cur, &prev, 3, idx, d), 3);
	assert_string_equal(cur.v[idx[0]].name, "A");
	assert_int_equal(d[0], 30);
	assert_string_equal(cur.v[idx[1]].name, "D");
	assert_int_equal(d[1], 30);
	assert_string_equal(cur.v[idx[2]].name, "C");
	assert_int_equal(d[2], 20);
	/* fewer that grew than asked for */
	assert_int_equal(sl_log_tally_top(&cur, &cur, 3, idx, d), 0);
	/* many names: the array grows */
	for (int i = 0; i < 100; i++) {
		char n[16];
		snprintf(n, sizeof(n), "R%d", i);
		sl_log_tally_add(&cur, n, (uint64_t)i);
	}
	assert_int_equal(cur.n, 105);
	assert_int_equal(sl_log_tally_top(&cur, &prev, 1, idx, d), 1);
	assert_string_equal(cur.v[idx[0]].name, "R99");
	sl_log_tally_free(&prev);
	sl_log_tally_free(&cur);
	assert_null(cur.v);
	assert_int_equal(cur.n, 0);
}

/* The journal is chosen only when stderr is the stream systemd named. */
static void test_journal_detection(void **state)
{
	(void)state;
	struct stat st;
	char v[64];
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	unsetenv("JOURNAL_STREAM");
	sl_log_open("test", SL_LOG_OUT_AUTO);
	assert_int_equal(sl_log_output_get(), SL_LOG_OUT_STDERR);
	/* another stream (stderr redirected elsewhere under systemd) */
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		(unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", v, 1);
	sl_log_open("test", SL_LOG_OUT_AUTO);
	assert_int_equal(sl_log_output_get(), SL_LOG_OUT_STDERR);
	setenv("JOURNAL_STREAM", "garbage", 1);
	sl_log_open("test", SL_LOG_OUT_AUTO);
	assert_int_equal(sl_log_output_get(), SL_LOG_OUT_STDERR);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		(unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
	sl_log_open("test", SL_LOG_OUT_AUTO);
#ifdef SL_HAVE_SYSTEMD
	assert_int_equal(sl_log_output_get(), SL_LOG_OUT_JOURNAL);
#else
	assert_int_equal(sl_log_output_get(), SL_LOG_OUT_STDERR);
#endif
	unsetenv("JOURNAL_STREAM");
	sl_log_open("test", SL_LOG_OUT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_wraps),
		cmocka_unit_test(test_ring_cuts_long_lines),
		cmocka_unit_test(test_rate_limiter),
		cmocka_unit_test(test_levels_and_counts),
		cmocka_unit_test(test_process_log),
		cmocka_unit_test(test_journal_detection),
		cmocka_unit_test(test_show_log),
		cmocka_unit_test(test_tally_top),
		cmocka_unit_test(test_level_follows_configuration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
