/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seeded random transactions (reproducible): abort restores the rendering,
 * commit keeps render → load → render identical, and every rendered line that
 * a transaction added or removed lies under one of its recorded changed
 * paths. Then a scale sanity check: 200,000 routes, then one-line changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf_test_util.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: reproducible across platforms */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32) % n;
}

static const char *const descriptions[] = {
	"plain", "'two words'", "\"it's # fine\"", "'say \"hi\"'", "x-y_z"};

/* One random line: mostly `set`, sometimes a `delete` of part of a rendered line. */
static void random_line(char *buf, size_t size, const char *rendered)
{
	unsigned v = rnd(6), v2 = rnd(6), e = rnd(5), k = rnd(4), a = rnd(8);

	switch (rnd(16)) {
	case 0:
		snprintf(buf, size, "set vrf name V%u table %u", v, 100 + v + 10 * rnd(2));
		break;
	case 1:
		snprintf(buf, size, "set vrf name V%u description %s", v, descriptions[rnd(5)]);
		break;
	case 2:
		snprintf(buf, size, "set interfaces ethernet eth%u address 10.%u.%u.1/24", e, e, k);
		break;
	case 3:
		snprintf(buf, size, "set interfaces ethernet eth%u vrf V%u", e, v);
		break;
	case 4:
		snprintf(buf, size, "set interfaces ethernet eth%u vif %u address 10.%u.%u.1/24", e,
			k + 1, e + 100, k);
		break;
	case 5:
		snprintf(buf, size,
			"set vrf name V%u protocols static route 172.16.%u.0/24 next-hop 10.0.0.%u",
			v, a, a + 1);
		break;
	case 6:
		snprintf(buf, size,
			"set vrf name V%u protocols static route 172.16.%u.0/24 blackhole distance "
			"%u",
			v, a, a + 1);
		break;
	case 7:
		snprintf(buf, size,
			"set vrf name V%u protocols static route 172.17.%u.0/24 next-hop 10.0.0.1 "
			"vrf V%u",
			v, a, v2);
		break;
	case 8:
		snprintf(buf, size, "set protocols static route 192.168.%u.0/24 next-hop 10.9.9.%u",
			a, a + 1);
		break;
	case 9:
		snprintf(buf, size, "set vrf name V%u protocols bgp system-as %u", v, 65000 + a);
		break;
	case 10:
		snprintf(buf, size,
			"set vrf name V%u protocols bgp address-family ipv4-unicast "
			"route-target %s '65000:%u 65000:%u'",
			v, rnd(2) ? "import" : "export", a, k);
		break;
	case 11:
		snprintf(buf, size,
			"set vrf name V%u protocols bgp address-family ipv4-unicast import vrf V%u",
			v, v2);
		break;
	case 12:
		snprintf(buf, size, "set policy prefix-list P%u rule %u %s", k, 10 * (a + 1),
			rnd(2) ? "action permit" : "prefix 10.0.0.0/8");
		break;
	case 13:
		snprintf(buf, size, "set firewall ipv4 name F%u rule %u state %s", k, a + 1,
			rnd(2) ? "established" : "new");
		break;
	default: {
		/* delete a random rendered line, cut after a random number of tokens */
		size_t nlines = 0;
		const char *p, *line;
		if (rendered == NULL || *rendered == '\0') {
			snprintf(buf, size, "delete vrf name V%u", v);
			break;
		}
		for (p = rendered; *p; p++)
			nlines += *p == '\n';
		size_t pick = rnd((uint32_t)nlines);
		for (line = rendered; pick > 0; line++)
			if (*line == '\n')
				pick--;
		const char *end = strchr(line, '\n');
		/* token boundaries outside quotes */
		size_t cuts[64], ncut = 0;
		char q = 0;
		for (p = line + 4; p <= end && ncut < 64; p++) {
			if (q) {
				if (*p == q)
					q = 0;
			} else if (*p == '\'' || *p == '"') {
				q = *p;
			} else if (*p == ' ' || *p == '\n') {
				cuts[ncut++] = (size_t)(p - line);
			}
		}
		size_t cut = ncut > 1 ? cuts[1 + rnd((uint32_t)ncut - 1)] : (size_t)(end - line);
		snprintf(buf, size, "delete %.*s", (int)(cut - 4), line + 4);
		break;
	}
	}
}

/* Split a rendered `set` line into unquoted tokens (without "set"). */
static size_t split_tokens(const char *line, char tok[][128], size_t max)
{
	size_t n = 0;
	const char *p = line + 4;

	while (*p && *p != '\n' && n < max) {
		size_t len = 0;
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			while (*p && *p != q && len < 127)
				tok[n][len++] = *p++;
			if (*p)
				p++;
		} else {
			while (*p && *p != ' ' && *p != '\n' && len < 127)
				tok[n][len++] = *p++;
		}
		tok[n++][len] = '\0';
		while (*p == ' ')
			p++;
	}
	return n;
}

static bool line_in(const char *text, const char *line, size_t len)
{
	for (const char *p = text; (p = strstr(p, "")) && *p;) {
		const char *e = strchr(p, '\n');
		if ((size_t)(e - p) == len && memcmp(p, line, len) == 0)
			return true;
		p = e + 1;
	}
	return false;
}

/* Every line in `a` but not in `b` must lie under a recorded changed path
 * (or be the parent of one: a tag value rendered alone once its children went). */
static void check_diff_covered(struct sl_conf *c, const char *a, const char *b)
{
	char tok[64][128];

	for (const char *p = a; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = (size_t)(e - p);
		if (!line_in(b, p, len)) {
			size_t nt = split_tokens(p, tok, 64);
			bool covered = false;
			for (size_t i = 0; i < sl_conf_change_count(c) && !covered; i++) {
				const char *const *ct;
				size_t cn, k;
				sl_conf_change_get(c, i, &ct, &cn, NULL);
				for (k = 0; k < cn && k < nt && strcmp(ct[k], tok[k]) == 0; k++)
					;
				/* under a changed path, or a bare presence node (`set vrf name V`)
				 * whose children changed */
				covered = k == cn || k == nt;
			}
			if (!covered)
				print_error("changed line not covered by a changed path: %.*s\n",
					(int)len, p);
			assert_true(covered);
		}
		p = e + 1;
	}
}

static void assert_round_trip(const char *rendered)
{
	struct sl_conf *again = sl_conf_new();
	struct sl_errors e = {0};
	char *second;

	if (conf_load(again, rendered, &e) != 0) {
		print_error("reload of the rendering failed:\n%s\n", rendered);
		conf_print_errors(&e);
		fail();
	}
	second = sl_conf_render_str(again);
	assert_string_equal(rendered, second);
	free(second);
	sl_errors_free(&e);
	sl_conf_free(again);
}

static void test_random_transactions(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	char *before;
	size_t committed = 0, aborted = 0;
	char lines[24][512];

	(void)state;
	rng_state = 0x5eed5eed12345678ull;
	/* the VRFs exist (with their mandatory tables) so that most lines can apply */
	assert_int_equal(conf_load(c,
				 "set vrf name V0 table 100\nset vrf name V1 table 101\n"
				 "set vrf name V2 table 102\nset vrf name V3 table 103\n"
				 "set vrf name V4 table 104\nset vrf name V5 table 105\n",
				 &e),
		0);
	before = sl_conf_render_str(c);
	for (int iter = 0; iter < 1500; iter++) {
		size_t n = 1 + rnd(12);
		char *after;
		int rc;

		for (size_t i = 0; i < n; i++)
			random_line(lines[i], sizeof(lines[i]), before);
		/* first always abort: the tree must come back exactly */
		assert_int_equal(sl_conf_begin(c), 0);
		for (size_t i = 0; i < n; i++)
			sl_conf_exec(c, lines[i], (unsigned)i + 1, &e, NULL);
		sl_conf_validate(c, &e);
		assert_int_equal(sl_conf_abort(c), 0);
		after = sl_conf_render_str(c);
		assert_string_equal(before, after);
		free(after);
		/* then for real */
		sl_errors_clear(&e);
		assert_int_equal(sl_conf_begin(c), 0);
		for (size_t i = 0; i < n; i++)
			sl_conf_exec(c, lines[i], (unsigned)i + 1, &e, NULL);
		rc = sl_conf_commit(c, &e);
		if (rc != 0) {
			assert_true(e.n > 0);
			if (getenv("CONF_TEST_VERBOSE"))
				print_message("refused: line %u: %s\n", e.v[0].line, e.v[0].msg);
			assert_int_equal(sl_conf_abort(c), 0);
			after = sl_conf_render_str(c);
			assert_string_equal(before, after);
			aborted++;
		} else {
			assert_int_equal(e.n, 0);
			after = sl_conf_render_str(c);
			check_diff_covered(c, after, before);
			check_diff_covered(c, before, after);
			assert_round_trip(after);
			committed++;
		}
		free(before);
		before = after;
	}
	print_message("%zu transactions committed, %zu refused; final config %zu bytes\n",
		committed, aborted, strlen(before));
	assert_true(committed > 500 && aborted > 100);
	assert_true(strlen(before) > 1000);
	free(before);
	sl_errors_free(&e);
	sl_conf_free(c);
}

#define SCALE_ROUTES 200000

static void test_scale_200k_routes(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	const struct sl_conf_node *routes;
	char line[160];
	const char *const *tok;
	size_t nt;

	(void)state;
	assert_int_equal(conf_load(c, "set vrf name BIG table 100\n", &e), 0);
	assert_int_equal(sl_conf_begin(c), 0);
	for (uint32_t i = 0; i < SCALE_ROUTES; i++) {
		snprintf(line, sizeof(line),
			"set vrf name BIG protocols static route %u.%u.%u.0/24 next-hop 192.0.2.%u",
			11 + (i >> 16), (i >> 8) & 255, i & 255, 1 + i % 200);
		assert_int_equal(sl_conf_exec(c, line, i + 1, &e, NULL), 0);
	}
	assert_int_equal(sl_conf_commit(c, &e), 0);
	routes = sl_conf_findv(c, "vrf", "name", "BIG", "protocols", "static", "route", NULL);
	assert_int_equal(sl_conf_child_count(routes), SCALE_ROUTES);

	/* one-line changes: add, change, delete one route */
	assert_int_equal(
		conf_load(c, "set vrf name BIG protocols static route 9.9.9.0/24 blackhole\n", &e),
		0);
	assert_int_equal(sl_conf_child_count(routes), SCALE_ROUTES + 1);
	assert_int_equal(sl_conf_change_count(c), 1);
	assert_int_equal(conf_load(c,
				 "set vrf name BIG protocols static route 11.0.5.0/24 next-hop "
				 "192.0.2.6 distance 7\n",
				 &e),
		0);
	assert_int_equal(sl_conf_change_count(c), 1);
	assert_int_equal(sl_conf_change_get(c, 0, &tok, &nt, NULL), 0);
	assert_int_equal(nt, 7);
	assert_string_equal(tok[6], "11.0.5.0/24");
	assert_string_equal(
		sl_conf_leaf_value(sl_conf_findv(c, "vrf", "name", "BIG", "protocols", "static",
					   "route", "11.0.5.0/24", "next-hop", "192.0.2.6", NULL),
			"distance"),
		"7");
	assert_int_equal(
		conf_load(c, "delete vrf name BIG protocols static route 11.0.6.0/24\n", &e), 0);
	assert_int_equal(sl_conf_child_count(routes), SCALE_ROUTES);
	assert_null(sl_conf_child(routes, "11.0.6.0/24"));
	/* a refused one-line change in the big config leaves it as it was */
	assert_int_equal(conf_load(c,
				 "set vrf name BIG protocols static route 11.0.7.0/24 next-hop "
				 "192.0.2.8 vrf NOPE\n",
				 &e),
		-EINVAL);
	assert_true(conf_errors_have(&e, 1, "vrf 'NOPE' is not defined"));
	assert_null(sl_conf_child(sl_conf_findv(c, "vrf", "name", "BIG", "protocols", "static",
					  "route", "11.0.7.0/24", "next-hop", "192.0.2.8", NULL),
		"vrf"));
	/* deleting the VRF removes everything under it */
	assert_int_equal(conf_load(c, "delete vrf name BIG\n", &e), 0);
	assert_null(sl_conf_findv(c, "vrf", NULL));
	sl_errors_free(&e);
	sl_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_transactions),
		cmocka_unit_test(test_scale_200k_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
