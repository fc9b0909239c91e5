/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/policy: prefix-list and route-map semantics (VyOS/FRR). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sl_policy.h"

static struct sl_prefix pfx(const char *s)
{
	struct sl_prefix p;
	assert_int_equal(sl_prefix_parse(s, &p, false), 0);
	return p;
}

static struct sl_plist_rule prule(
	uint32_t seq, const char *prefix, uint8_t ge, uint8_t le, enum sl_action a)
{
	struct sl_plist_rule r = {.seq = seq, .ge = ge, .le = le, .action = a};
	if (prefix) {
		r.has_prefix = true;
		r.prefix = pfx(prefix);
	}
	return r;
}

static enum sl_action plist_action(const struct sl_plist *pl, const char *p)
{
	return sl_plist_eval(pl, pfx(p)).action;
}

static void test_plist_exact_and_implicit_deny(void **state)
{
	(void)state;
	struct sl_plist_rule rules[] = {prule(10, "10.100.0.0/16", 0, 0, SL_ACTION_PERMIT)};
	struct sl_plist pl = {"SHARED-SERVICES", rules, 1};
	struct sl_policy_verdict v = sl_plist_eval(&pl, pfx("10.100.0.0/16"));
	assert_int_equal(v.action, SL_ACTION_PERMIT);
	assert_int_equal(v.seq, 10);
	/* without ge/le only the exact length matches */
	v = sl_plist_eval(&pl, pfx("10.100.1.0/24"));
	assert_int_equal(v.action, SL_ACTION_DENY);
	assert_int_equal(v.seq, 0);
	assert_int_equal(plist_action(&pl, "10.0.0.0/8"), SL_ACTION_DENY);
	assert_int_equal(plist_action(&pl, "10.101.0.0/16"), SL_ACTION_DENY);
}

static void test_plist_first_match_wins(void **state)
{
	(void)state;
	/* given out of order: the store sorts by seq */
	struct sl_plist_rule rules[] = {
		prule(20, "10.100.0.0/16", 16, 32, SL_ACTION_PERMIT),
		prule(10, "10.100.5.0/24", 0, 0, SL_ACTION_DENY),
	};
	struct sl_plist in = {"P", rules, 2};
	struct sl_policy_db *db = sl_policy_db_new();
	assert_non_null(db);
	assert_int_equal(sl_policy_plist_set(db, &in), 0);
	const struct sl_plist *pl = sl_policy_plist_find(db, "P");
	assert_non_null(pl);
	assert_int_equal(pl->rules[0].seq, 10);
	struct sl_policy_verdict v = sl_plist_eval(pl, pfx("10.100.5.0/24"));
	assert_int_equal(v.action, SL_ACTION_DENY);
	assert_int_equal(v.seq, 10);
	v = sl_plist_eval(pl, pfx("10.100.6.0/24"));
	assert_int_equal(v.action, SL_ACTION_PERMIT);
	assert_int_equal(v.seq, 20);
	sl_policy_db_free(db);
}

static void test_plist_ge_le(void **state)
{
	(void)state;
	struct sl_plist_rule ge[] = {prule(10, "10.0.0.0/8", 24, 0, SL_ACTION_PERMIT)};
	struct sl_plist pge = {"GE", ge, 1};
	assert_int_equal(plist_action(&pge, "10.1.2.0/24"), SL_ACTION_PERMIT);
	assert_int_equal(
		plist_action(&pge, "10.1.2.3/32"), SL_ACTION_PERMIT); /* le defaults to 32 */
	assert_int_equal(plist_action(&pge, "10.1.0.0/16"), SL_ACTION_DENY);
	assert_int_equal(plist_action(&pge, "11.1.2.0/24"), SL_ACTION_DENY);

	struct sl_plist_rule le[] = {prule(10, "10.0.0.0/8", 0, 16, SL_ACTION_PERMIT)};
	struct sl_plist ple = {"LE", le, 1};
	assert_int_equal(
		plist_action(&ple, "10.0.0.0/8"), SL_ACTION_PERMIT); /* ge defaults to len */
	assert_int_equal(plist_action(&ple, "10.1.0.0/16"), SL_ACTION_PERMIT);
	assert_int_equal(plist_action(&ple, "10.1.2.0/24"), SL_ACTION_DENY);
	assert_int_equal(plist_action(&ple, "0.0.0.0/0"), SL_ACTION_DENY);

	struct sl_plist_rule both[] = {prule(10, "10.100.0.0/16", 20, 24, SL_ACTION_PERMIT)};
	struct sl_plist pb = {"B", both, 1};
	assert_int_equal(plist_action(&pb, "10.100.0.0/16"), SL_ACTION_DENY);
	assert_int_equal(plist_action(&pb, "10.100.16.0/20"), SL_ACTION_PERMIT);
	assert_int_equal(plist_action(&pb, "10.100.1.0/24"), SL_ACTION_PERMIT);
	assert_int_equal(plist_action(&pb, "10.100.1.128/25"), SL_ACTION_DENY);
}

static void test_plist_rule_without_prefix(void **state)
{
	(void)state;
	/* the seed's SHARED-ONLY: a /24 then a catch-all deny */
	struct sl_plist_rule r[] = {
		prule(10, "10.100.0.0/24", 0, 0, SL_ACTION_PERMIT),
		prule(999, NULL, 0, 0, SL_ACTION_DENY),
	};
	struct sl_plist pl = {"SHARED-ONLY", r, 2};
	struct sl_policy_verdict v = sl_plist_eval(&pl, pfx("10.100.1.0/24"));
	assert_int_equal(v.action, SL_ACTION_DENY);
	assert_int_equal(v.seq, 999);
	/* a catch-all permit matches everything, including the default route */
	struct sl_plist_rule any[] = {prule(5, NULL, 0, 0, SL_ACTION_PERMIT)};
	struct sl_plist pany = {"ANY", any, 1};
	assert_int_equal(plist_action(&pany, "0.0.0.0/0"), SL_ACTION_PERMIT);
	assert_int_equal(plist_action(&pany, "192.0.2.7/32"), SL_ACTION_PERMIT);
	/* an unconfigured action never permits */
	struct sl_plist_rule none[] = {prule(5, NULL, 0, 0, SL_ACTION_NONE)};
	struct sl_plist pnone = {"NONE", none, 1};
	assert_int_equal(plist_action(&pnone, "10.0.0.0/8"), SL_ACTION_DENY);
}

static struct sl_policy_db *db_with_dns(void)
{
	struct sl_policy_db *db = sl_policy_db_new();
	struct sl_plist_rule r[] = {prule(10, "10.100.0.10/32", 0, 0, SL_ACTION_PERMIT)};
	struct sl_plist pl = {"DNS-ONLY", r, 1};
	assert_non_null(db);
	assert_int_equal(sl_policy_plist_set(db, &pl), 0);
	return db;
}

static void test_rmap_match_and_set(void **state)
{
	(void)state;
	struct sl_policy_db *db = db_with_dns();
	struct sl_rmap_rule rules[] = {
		{.seq = 10,
			.action = SL_ACTION_PERMIT,
			.match_plist = "DNS-ONLY",
			.set_local_pref = true,
			.local_pref = 200},
		{.seq = 20, .action = SL_ACTION_PERMIT, .set_metric = true, .metric = 7},
	};
	struct sl_rmap rm = {"R", rules, 2};
	struct sl_route_attrs a = {100, 0};
	struct sl_policy_verdict v = sl_rmap_eval(db, &rm, pfx("10.100.0.10/32"), &a);
	assert_int_equal(v.action, SL_ACTION_PERMIT);
	assert_int_equal(v.seq, 10);
	assert_int_equal(a.local_pref, 200);
	assert_int_equal(a.metric, 0);
	/* rule 20 has no match clause: it matches everything else */
	a = (struct sl_route_attrs){100, 0};
	v = sl_rmap_eval(db, &rm, pfx("10.100.0.0/24"), &a);
	assert_int_equal(v.action, SL_ACTION_PERMIT);
	assert_int_equal(v.seq, 20);
	assert_int_equal(a.local_pref, 100);
	assert_int_equal(a.metric, 7);
	sl_policy_db_free(db);
}

static void test_rmap_implicit_deny_and_undefined_plist(void **state)
{
	(void)state;
	struct sl_policy_db *db = db_with_dns();
	struct sl_rmap_rule rules[] = {
		{.seq = 10, .action = SL_ACTION_PERMIT, .match_plist = "DNS-ONLY"},
	};
	struct sl_rmap rm = {"IMPORT-DNS", rules, 1};
	struct sl_route_attrs a = {100, 0};
	struct sl_policy_verdict v = sl_rmap_eval(db, &rm, pfx("10.100.0.0/24"), &a);
	assert_int_equal(v.action, SL_ACTION_DENY);
	assert_int_equal(v.seq, 0);

	struct sl_rmap_rule und[] = {
		{.seq = 10, .action = SL_ACTION_PERMIT, .match_plist = "MISSING"},
		{.seq = 20, .action = SL_ACTION_DENY, .set_local_pref = true, .local_pref = 1},
	};
	struct sl_rmap rm2 = {"U", und, 2};
	a = (struct sl_route_attrs){100, 0};
	v = sl_rmap_eval(db, &rm2, pfx("10.100.0.10/32"), &a);
	/* the undefined list matches nothing; the deny rule decides; attrs untouched */
	assert_int_equal(v.action, SL_ACTION_DENY);
	assert_int_equal(v.seq, 20);
	assert_int_equal(a.local_pref, 100);
	assert_true(sl_policy_rmap_uses_plist(&rm2, "MISSING"));
	assert_false(sl_policy_rmap_uses_plist(&rm2, "DNS-ONLY"));
	sl_policy_db_free(db);
}

static void test_rmap_backup_local_pref(void **state)
{
	(void)state;
	struct sl_rmap_rule rules[] = {
		{.seq = 10, .action = SL_ACTION_PERMIT, .set_local_pref = true, .local_pref = 50},
	};
	struct sl_rmap rm = {"IMPORT-BACKUP", rules, 1};
	struct sl_route_attrs a = {100, 3};
	struct sl_policy_verdict v = sl_rmap_eval(NULL, &rm, pfx("0.0.0.0/0"), &a);
	assert_int_equal(v.action, SL_ACTION_PERMIT);
	assert_int_equal(a.local_pref, 50);
	assert_int_equal(a.metric, 3);
}

static int collect_name(const struct sl_plist *pl, void *ctx)
{
	char *out = ctx;
	strcat(out, pl->name);
	strcat(out, ",");
	return 0;
}

static void test_db_store(void **state)
{
	(void)state;
	struct sl_policy_db *db = sl_policy_db_new();
	struct sl_plist a = {"B", NULL, 0}, b = {"A", NULL, 0}, c = {"C", NULL, 0};
	char names[64] = "";
	assert_int_equal(sl_policy_plist_set(db, &a), 0);
	assert_int_equal(sl_policy_plist_set(db, &b), 0);
	assert_int_equal(sl_policy_plist_set(db, &c), 0);
	assert_int_equal(sl_policy_plist_set(db, &a), 0); /* replace */
	sl_policy_plist_foreach(db, collect_name, names);
	assert_string_equal(names, "A,B,C,");
	assert_int_equal(sl_policy_plist_del(db, "B"), 0);
	assert_int_equal(sl_policy_plist_del(db, "B"), -ENOENT);
	assert_null(sl_policy_plist_find(db, "B"));
	assert_non_null(sl_policy_plist_find(db, "C"));
	struct sl_rmap rm = {"M", NULL, 0};
	assert_int_equal(sl_policy_rmap_set(db, &rm), 0);
	assert_non_null(sl_policy_rmap_find(db, "M"));
	/* an empty route-map denies everything */
	struct sl_route_attrs at = {100, 0};
	assert_int_equal(
		sl_rmap_eval(db, sl_policy_rmap_find(db, "M"), pfx("10.0.0.0/8"), &at).action,
		SL_ACTION_DENY);
	assert_int_equal(sl_policy_rmap_del(db, "M"), 0);
	assert_int_equal(sl_policy_rmap_del(db, "M"), -ENOENT);
	sl_policy_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plist_exact_and_implicit_deny),
		cmocka_unit_test(test_plist_first_match_wins),
		cmocka_unit_test(test_plist_ge_le),
		cmocka_unit_test(test_plist_rule_without_prefix),
		cmocka_unit_test(test_rmap_match_and_set),
		cmocka_unit_test(test_rmap_implicit_deny_and_undefined_plist),
		cmocka_unit_test(test_rmap_backup_local_pref),
		cmocka_unit_test(test_db_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
