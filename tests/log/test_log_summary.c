/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the summary lines (lib/log/log_summary.c) that lib/tele's
 * "log" module says from counters: the exact text and level of each kind,
 * the denial line's rulesets and directions (empty, cleared and malformed
 * inputs), the cut at the ring's line size, and the lines as `show log`
 * shows them in text and JSON. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "../cmd_words.h"
#include "sl_log.h"

#define SEC 1000000000ull

static void test_link_lines(void **state)
{
	(void)state;
	struct sl_log_line l;
	sl_log_line_link(&l, "eth0", true, 1, 3 * SEC);
	assert_int_equal(l.level, SL_LOG_NOTICE);
	assert_string_equal(l.subsys, "ports");
	assert_string_equal(l.msg, "eth0: link up");
	sl_log_line_link(&l, "port 5", false, 1, 0);
	assert_string_equal(l.msg, "port 5: link down");
	/* flapping: a warning with the count, the span rounded to seconds */
	sl_log_line_link(&l, "eth0", false, 3, 9600000000ull);
	assert_int_equal(l.level, SL_LOG_WARNING);
	assert_string_equal(l.msg, "eth0: link down (3 changes in the last 10 s)");
	sl_log_line_link(&l, "eth1", true, 1234567, SEC / 3);
	assert_string_equal(l.msg, "eth1: link up (1,234,567 changes in the last 1 s)");
}

static void test_other_counter_lines(void **state)
{
	(void)state;
	struct sl_log_line l;
	sl_log_line_fib_refused(&l, 5, 10 * SEC, "VRF 3: no room for 10.0.0.0/8 (FIB full)");
	assert_int_equal(l.level, SL_LOG_ERR);
	assert_string_equal(l.subsys, "fib");
	assert_string_equal(l.msg,
		"5 changes refused in the last 10 s (last: VRF 3: no room for 10.0.0.0/8 "
		"(FIB full))");
	/* no reason recorded */
	sl_log_line_fib_refused(&l, 1, SEC, "");
	assert_string_equal(l.msg, "1 changes refused in the last 1 s (last: unknown)");
	sl_log_line_fib_refused(&l, 2000, 20 * SEC, NULL);
	assert_string_equal(l.msg, "2,000 changes refused in the last 20 s (last: unknown)");

	sl_log_line_unresolved(&l, "eth1.100", 12, 3 * SEC);
	assert_int_equal(l.level, SL_LOG_WARNING);
	assert_string_equal(l.subsys, "neighbour");
	assert_string_equal(l.msg, "eth1.100: 12 next hops did not answer ARP in the last 3 s");
}

/* A spec of rulesets named names[] and bindings {ruleset, from, to}. */
struct bind {
	size_t ruleset;
	const char *from, *to;
};
static struct sl_fw_spec *spec_new(
	const char *const *names, size_t n, const struct bind *b, size_t nb)
{
	struct sl_fw_spec *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->rulesets = calloc(n + 1, sizeof(s->rulesets[0]));
	s->bindings = calloc(nb + 1, sizeof(s->bindings[0]));
	assert_non_null(s->rulesets);
	assert_non_null(s->bindings);
	for (size_t i = 0; i < n; i++)
		snprintf(s->rulesets[i].name, sizeof(s->rulesets[i].name), "%s", names[i]);
	for (size_t i = 0; i < nb; i++) {
		s->bindings[i].ruleset = b[i].ruleset;
		snprintf(s->bindings[i].from, sizeof(s->bindings[i].from), "%s", b[i].from);
		snprintf(s->bindings[i].to, sizeof(s->bindings[i].to), "%s", b[i].to);
	}
	s->n_rulesets = n;
	s->n_bindings = nb;
	return s;
}

static void test_denied_lines(void **state)
{
	(void)state;
	struct sl_log_tally prev = {0}, cur = {0};
	struct sl_log_line l;
	static const char *const names[] = {"WEB-ONLY", "DNS-ONLY", "NONE-BOUND", "SSH"};
	static const struct bind binds[] = {
		{0, "CUSTOMER-A", "SHARED"},
		{1, "CUSTOMER-B", "SHARED"},
		{0, "CUSTOMER-C", "SHARED"},
		{7, "GHOST", "SHARED"}, /* malformed: no ruleset 7 */
		{3, "SHARED", "CUSTOMER-A"},
	};
	struct sl_fw_spec *spec = spec_new(names, 4, binds, 5);

	/* empty: no per-ruleset counts (and no rulesets): the total alone */
	sl_log_line_denied(&l, 7, 4 * SEC, &cur, &prev, NULL);
	assert_int_equal(l.level, SL_LOG_NOTICE);
	assert_string_equal(l.subsys, "firewall");
	assert_string_equal(l.msg, "7 packets denied at leak points in the last 4 s");
	struct sl_fw_spec empty = {0};
	sl_log_line_denied(&l, 7, 4 * SEC, &cur, &prev, &empty);
	assert_string_equal(l.msg, "7 packets denied at leak points in the last 4 s");

	/* the three that grew most, largest first, with the directions each guards */
	sl_log_tally_add(&prev, "WEB-ONLY", 100);
	sl_log_tally_add(&prev, "SSH", 5000);
	sl_log_tally_add(&cur, "WEB-ONLY", 1300); /* +1,200 */
	sl_log_tally_add(&cur, "DNS-ONLY", 40); /* new: +40 */
	sl_log_tally_add(&cur, "NONE-BOUND", 60); /* +60, bound nowhere */
	sl_log_tally_add(&cur, "SSH", 30); /* cleared: +30, fourth: not named */
	sl_log_line_denied(&l, 1330, 10 * SEC, &cur, &prev, spec);
	assert_string_equal(l.msg, "1,330 packets denied at leak points in the last 10 s; "
				   "1,200 by WEB-ONLY (CUSTOMER-A→SHARED, CUSTOMER-C→SHARED), "
				   "60 by NONE-BOUND, 40 by DNS-ONLY (CUSTOMER-B→SHARED)");
	/* without the spec (not readable): the names alone */
	sl_log_line_denied(&l, 1330, 10 * SEC, &cur, &prev, NULL);
	assert_string_equal(l.msg, "1,330 packets denied at leak points in the last 10 s; "
				   "1,200 by WEB-ONLY, 60 by NONE-BOUND, 40 by DNS-ONLY");
	/* nothing grew since (the total moved: counters not per ruleset) */
	sl_log_line_denied(&l, 3, SEC, &cur, &cur, spec);
	assert_string_equal(l.msg, "3 packets denied at leak points in the last 1 s");
	/* only the cleared one grew: counted from 0, its binding named */
	prev.n = 0;
	sl_log_tally_add(&prev, "SSH", 5000);
	cur.n = 0;
	sl_log_tally_add(&cur, "SSH", 30);
	sl_log_line_denied(&l, 30, 2 * SEC, &cur, &prev, spec);
	assert_string_equal(l.msg, "30 packets denied at leak points in the last 2 s; "
				   "30 by SSH (SHARED→CUSTOMER-A)");
	sl_log_tally_free(&prev);
	sl_log_tally_free(&cur);
	sl_fw_spec_free(spec);
}

/* More directions than a line holds: cut at the ring's size, ending in
 * "...", never inside the 3-byte "→" (whichever byte the cut falls on). */
static void test_denied_line_cut(void **state)
{
	(void)state;
	static const char *const names[] = {"RS"};
	struct bind binds[40];
	char from[40][SL_NAME_MAX];
	struct sl_log_tally prev = {0}, cur = {0};
	sl_log_tally_add(&cur, "RS", 99);
	int cut_in_arrow = 0;
	for (size_t pad = 0; pad < 12; pad++) {
		/* "CUSTOMER-00x"…: pad shifts where the 480th byte falls */
		for (size_t i = 0; i < 40; i++) {
			snprintf(from[i], sizeof(from[i]), "C%0*zu", (int)(pad + 2), i);
			binds[i] = (struct bind){0, from[i], "SHARED"};
		}
		struct sl_fw_spec *spec = spec_new(names, 1, binds, 40);
		struct sl_log_line l;
		sl_log_line_denied(&l, 99, SEC, &cur, &prev, spec);
		/* what the line would say uncut */
		char full[4096];
		int o = snprintf(full, sizeof(full),
			"99 packets denied at leak points in the last 1 s; 99 by RS (");
		for (size_t i = 0; i < 40; i++)
			o += snprintf(full + o, sizeof(full) - (size_t)o, "%s%s→SHARED",
				i ? ", " : "", from[i]);
		snprintf(full + o, sizeof(full) - (size_t)o, ")");
		assert_true(strlen(full) >= SL_LOG_MSG_MAX);

		size_t n = strlen(l.msg);
		assert_true(n <= SL_LOG_MSG_MAX - 1);
		assert_true(n >= SL_LOG_MSG_MAX - 1 - 2); /* at most a split "→" dropped */
		assert_string_equal(l.msg + n - 3, "...");
		assert_memory_equal(l.msg, full, n - 3);
		/* the cut is at a character's start */
		assert_true(((unsigned char)full[n - 3] & 0xc0) != 0x80);
		cut_in_arrow += n < SL_LOG_MSG_MAX - 1;
		sl_fw_spec_free(spec);
	}
	assert_true(cut_in_arrow >= 2); /* both of "→"'s inner bytes were tried */
	sl_log_tally_free(&cur);
}

static int show_log_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err)
{
	return sl_log_show(argc, argv, *(bool *)ctx, out, err);
}

/* "YYYY-MM-DD HH:MM:SS.mmm " then the rest: the rest of each line of text. */
static size_t strip_times(char *text, char rest[][SL_LOG_MSG_MAX + 64], size_t max)
{
	size_t n = 0;
	for (char *save, *t = strtok_r(text, "\n", &save); t && n < max;
		t = strtok_r(NULL, "\n", &save)) {
		assert_true(strlen(t) > 24);
		assert_true(t[4] == '-' && t[10] == ' ' && t[19] == '.' && t[23] == ' ');
		snprintf(rest[n++], sizeof(rest[0]), "%s", t + 24);
	}
	return n;
}

/* The lines of every kind said through the log, as `show log` shows them. */
static void test_lines_in_show_log(void **state)
{
	(void)state;
	sl_log_open("test", SL_LOG_OUT_NONE);
	sl_log_level_set(SL_LOG_INFO);
	struct sl_log_line l[5];
	struct sl_log_tally prev = {0}, cur = {0};
	sl_log_tally_add(&cur, "RS", 12);
	sl_log_line_link(&l[0], "eth0", false, 1, SEC);
	sl_log_line_denied(&l[1], 12, 10 * SEC, &cur, &prev, NULL);
	sl_log_line_fib_refused(&l[2], 1, SEC, "no room");
	sl_log_line_unresolved(&l[3], "eth1", 2, 10 * SEC);
	sl_log_line_link(&l[4], "eth0", true, 4, 10 * SEC);
	for (size_t i = 0; i < 5; i++)
		sl_log(l[i].level, l[i].subsys, "%s", l[i].msg);
	sl_log_tally_free(&cur);

	bool json = false;
	char *out, *err, rest[8][SL_LOG_MSG_MAX + 64];
	assert_int_equal(cmd_words_run("count 5", show_log_fn, &json, &out, &err), 0);
	assert_string_equal(err, "");
	assert_int_equal(strip_times(out, rest, 8), 5);
	assert_string_equal(rest[0], "notice  ports: eth0: link down");
	assert_string_equal(rest[1], "notice  firewall: 12 packets denied at leak points in the "
				     "last 10 s; 12 by RS");
	assert_string_equal(
		rest[2], "err     fib: 1 changes refused in the last 1 s (last: no room)");
	assert_string_equal(rest[3], "warning neighbour: eth1: 2 next hops did not answer ARP in "
				     "the last 10 s");
	assert_string_equal(rest[4], "warning ports: eth0: link up (4 changes in the last 10 s)");
	free(out), free(err);
	/* warnings and worse: the err and the two warnings */
	assert_int_equal(cmd_words_run("count 5 level warning", show_log_fn, &json, &out, &err), 0);
	assert_int_equal(strip_times(out, rest, 8), 3);
	assert_string_equal(
		rest[0], "err     fib: 1 changes refused in the last 1 s (last: no room)");
	free(out), free(err);

	/* a cut denial line stays valid JSON, with its subsystem and level */
	static const char *const names[] = {"RS"};
	struct bind binds[60];
	char from[60][16];
	for (size_t i = 0; i < 60; i++) {
		snprintf(from[i], sizeof(from[i]), "C%zu", i);
		binds[i] = (struct bind){0, from[i], "SHARED"};
	}
	struct sl_fw_spec *spec = spec_new(names, 1, binds, 60);
	prev = (struct sl_log_tally){0};
	cur = (struct sl_log_tally){0};
	sl_log_tally_add(&cur, "RS", 12);
	struct sl_log_line cut;
	sl_log_line_denied(&cut, 12, SEC, &cur, &prev, spec);
	sl_log(cut.level, cut.subsys, "%s", cut.msg);
	json = true;
	assert_int_equal(cmd_words_run("count 1", show_log_fn, &json, &out, &err), 0);
	json_t *v = json_loads(out, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_array_size(v), 1);
	json_t *e = json_array_get(v, 0);
	assert_string_equal(json_string_value(json_object_get(e, "subsystem")), "firewall");
	assert_string_equal(json_string_value(json_object_get(e, "level")), "notice");
	assert_string_equal(json_string_value(json_object_get(e, "message")), cut.msg);
	json_decref(v);
	free(out), free(err);
	sl_log_tally_free(&cur);
	sl_fw_spec_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_lines),
		cmocka_unit_test(test_other_counter_lines),
		cmocka_unit_test(test_denied_lines),
		cmocka_unit_test(test_denied_line_cut),
		cmocka_unit_test(test_lines_in_show_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
