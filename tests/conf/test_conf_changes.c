/* SPDX-License-Identifier: BSD-3-Clause */
/* Typed change records: each changed path's object kind and keys (sl_conf_change_at). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cmocka.h>

#include "sl_conf.h"

static const char base[] = "set vrf name A table 10\n"
			   "set vrf name B table 20\n"
			   "set interfaces ethernet eth1 vrf A\n"
			   "set interfaces ethernet eth1 vif 100 address 10.9.0.1/24\n"
			   "set vrf name A protocols static route 10.5.0.0/16 blackhole\n"
			   "set protocols static route 10.6.0.0/16 blackhole\n"
			   "set policy prefix-list PL rule 10 action permit\n"
			   "set policy prefix-list PL rule 10 prefix 10.0.0.0/8\n"
			   "set policy route-map RM rule 10 action permit\n"
			   "set firewall ipv4 name RS rule 10 action accept\n";

static struct sl_conf *conf_with(const char *text)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	assert_non_null(c);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, text, 1, &e, NULL), 0);
	assert_int_equal(sl_conf_commit(c, &e), 0);
	sl_errors_free(&e);
	return c;
}

static void expect_str(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* One line in its own transaction records exactly one change of this kind. */
static void test_kinds_and_keys(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum sl_conf_obj_kind kind;
		const char *vrf, *iface, *name;
	} cases[] = {
		{"set vrf name C table 30", SL_CHG_VRF, "C", NULL, "C"},
		{"set vrf name A table 11", SL_CHG_VRF_TABLE, "A", NULL, NULL},
		{"set vrf name A description hello", SL_CHG_VRF_DESCRIPTION, "A", NULL, NULL},
		{"set vrf name A leak-firewall to B name RS", SL_CHG_VRF_LEAK_FIREWALL, "A", NULL,
			NULL},
		{"set vrf name A leak-firewall to default name RS", SL_CHG_VRF_LEAK_FIREWALL, "A",
			NULL, NULL},
		{"set vrf name A leak-nat to default source translation address 100.64.9.0/24",
			SL_CHG_VRF_LEAK_NAT, "A", NULL, NULL},
		{"set vrf name A ip answer-across-leaks", SL_CHG_VRF_IP, "A", NULL, NULL},
		{"set vrf name A leak-nat to B source translation address 100.64.0.0/24",
			SL_CHG_VRF_LEAK_NAT, "A", NULL, NULL},
		{"set vrf name A protocols bgp system-as 65000", SL_CHG_VRF_BGP, "A", NULL, NULL},
		{"set vrf name A protocols static route 10.7.0.0/16 blackhole", SL_CHG_STATIC_ROUTE,
			"A", NULL, "10.7.0.0/16"},
		{"set protocols static route 10.8.0.0/16 blackhole", SL_CHG_STATIC_ROUTE, NULL,
			NULL, "10.8.0.0/16"},
		{"delete protocols static route", SL_CHG_STATICS, NULL, NULL, NULL},
		{"set interfaces ethernet eth1 description uplink", SL_CHG_INTERFACE, NULL, "eth1",
			"eth1"},
		{"set interfaces ethernet eth1 vif 100 mtu 1400", SL_CHG_VIF, NULL, "eth1", "100"},
		{"delete interfaces ethernet", SL_CHG_INTERFACES, NULL, NULL, NULL},
		{"set policy prefix-list PL rule 20 action deny", SL_CHG_PREFIX_LIST, NULL, NULL,
			"PL"},
		{"set policy route-map RM rule 20 action deny", SL_CHG_ROUTE_MAP, NULL, NULL, "RM"},
		{"delete policy prefix-list", SL_CHG_PREFIX_LISTS, NULL, NULL, NULL},
		{"delete policy route-map", SL_CHG_ROUTE_MAPS, NULL, NULL, NULL},
		{"delete policy", SL_CHG_POLICIES, NULL, NULL, NULL},
		{"set firewall ipv4 name RS rule 20 action drop", SL_CHG_RULESET, NULL, NULL, "RS"},
		{"delete firewall", SL_CHG_FIREWALL, NULL, NULL, NULL},
		{"delete vrf name B", SL_CHG_VRF, "B", NULL, "B"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_conf *c = conf_with(base);
		struct sl_errors e = {0};
		struct sl_conf_change chg;
		assert_int_equal(sl_conf_begin(c), 0);
		if (sl_conf_exec(c, cases[i].line, 7, &e, NULL) != 0)
			fail_msg("%s: %s", cases[i].line, e.n ? e.v[0].msg : "?");
		assert_int_equal(sl_conf_change_count(c), 1);
		assert_int_equal(sl_conf_change_at(c, 0, &chg), 0);
		if (chg.kind != cases[i].kind)
			fail_msg(
				"%s: kind %d, expected %d", cases[i].line, chg.kind, cases[i].kind);
		expect_str(chg.vrf, cases[i].vrf);
		expect_str(chg.iface, cases[i].iface);
		expect_str(chg.name, cases[i].name);
		assert_int_equal(chg.line, 7);
		assert_true(chg.ntokens >= 1);
		assert_int_equal(sl_conf_change_at(c, 1, &chg), -ERANGE);
		sl_conf_abort(c);
		sl_errors_free(&e);
		sl_conf_free(c);
	}
}

/* `delete vrf` and the records of a whole load. */
static void test_areas_and_load(void **state)
{
	(void)state;
	struct sl_conf *c = conf_with(base);
	struct sl_errors e = {0};
	struct sl_conf_change chg;
	bool seen_vrf_a = false, seen_route = false, seen_eth1 = false;

	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec(c, "delete vrf", 1, &e, NULL), 0);
	assert_int_equal(sl_conf_change_count(c), 1);
	assert_int_equal(sl_conf_change_at(c, 0, &chg), 0);
	assert_int_equal(chg.kind, SL_CHG_VRFS);
	assert_null(chg.vrf);
	sl_conf_abort(c);
	sl_conf_free(c);

	/* the load of base: every record typed, the keys from their paths */
	c = sl_conf_new();
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, base, 1, &e, NULL), 0);
	for (size_t i = 0; i < sl_conf_change_count(c); i++) {
		assert_int_equal(sl_conf_change_at(c, i, &chg), 0);
		assert_int_not_equal(chg.kind, SL_CHG_OTHER);
		if (chg.kind == SL_CHG_VRF && strcmp(chg.name, "A") == 0)
			seen_vrf_a = true;
		if (chg.kind == SL_CHG_STATIC_ROUTE && chg.vrf == NULL)
			seen_route = !strcmp(chg.name, "10.6.0.0/16");
		if (chg.kind == SL_CHG_INTERFACE)
			seen_eth1 = !strcmp(chg.iface, "eth1");
	}
	assert_true(seen_vrf_a);
	assert_true(seen_route);
	assert_true(seen_eth1);
	sl_conf_abort(c);
	sl_errors_free(&e);
	sl_conf_free(c);
}

/* Free chunks in the heap, or -1 where that cannot be read (not glibc; a
 * sanitizer's allocator). */
static long heap_free_chunks(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return -1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return -1;
#endif
#endif
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();
	return (long)(mi.ordblks + mi.smblks);
#else
	return -1;
#endif
}

/* A 200,000-route transaction: every record's tokens intact (they span many
 * of the pool's blocks), and releasing them leaves no holes in the heap
 * (each record its own malloc left one per record, which slowed the next
 * commits' mallocs: conf_pool.c); the next transaction's records are right. */
static void test_big_change_set(void **state)
{
	(void)state;
	enum { ROUTES = 200000 };
	struct sl_conf *c = conf_with(base);
	struct sl_errors e = {0};
	struct sl_conf_change chg;
	char *text = malloc((size_t)ROUTES * 72), *p = text;
	assert_non_null(text);
	for (unsigned i = 0; i < ROUTES; i++)
		p += sprintf(p, "set vrf name A protocols static route %u.%u.%u.0/24 blackhole\n",
			11 + (i >> 16), (i >> 8) & 255, i & 255);
	long before = heap_free_chunks();
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, text, 1, &e, NULL), 0);
	assert_int_equal(sl_conf_change_count(c), ROUTES);
	for (unsigned i = 0; i < ROUTES; i++) {
		char want[32];
		snprintf(want, sizeof(want), "%u.%u.%u.0/24", 11 + (i >> 16), (i >> 8) & 255,
			i & 255);
		assert_int_equal(sl_conf_change_at(c, i, &chg), 0);
		assert_int_equal(chg.kind, SL_CHG_STATIC_ROUTE);
		assert_string_equal(chg.vrf, "A");
		assert_string_equal(chg.name, want);
		assert_int_equal(chg.line, i + 1);
		assert_int_equal(chg.ntokens, 7);
	}
	assert_int_equal(sl_conf_commit(c, &e), 0);
	sl_conf_changes_release(c);
	long after = heap_free_chunks();
	if (before >= 0)
		assert_true(after - before < 1000);

	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec(c, "delete vrf name A protocols static route 11.0.0.0/24", 1,
				 &e, NULL),
		0);
	assert_int_equal(sl_conf_change_count(c), 1);
	assert_int_equal(sl_conf_change_at(c, 0, &chg), 0);
	assert_string_equal(chg.name, "11.0.0.0/24");
	assert_int_equal(sl_conf_commit(c, &e), 0);
	sl_errors_free(&e);
	free(text);
	sl_conf_free(c);
}

/* Lines walk the last line's path from a memo (conf_exec.c): deletes that
 * prune it, a leaf's value replaced on the way, aborted transactions and
 * errors must leave the same tree as loading the result afresh. */
enum { MEMO_VRFS = 2, MEMO_ROUTES = 6, MEMO_GWS = 3 };
struct memo_model {
	unsigned desc[MEMO_VRFS]; /* 0: none */
	unsigned char nh[MEMO_VRFS][MEMO_ROUTES]; /* gateway bits; 0: no route */
};

static unsigned memo_rng;
static unsigned memo_rnd(unsigned n)
{
	memo_rng = memo_rng * 1103515245u + 12345u;
	return (memo_rng >> 16) % n;
}

static char *memo_render(const struct memo_model *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	for (unsigned v = 0; v < MEMO_VRFS; v++) {
		fprintf(f, "set vrf name V%u table %u\n", v, 10 + v);
		if (m->desc[v])
			fprintf(f, "set vrf name V%u description d%u\n", v, m->desc[v]);
		for (unsigned r = 0; r < MEMO_ROUTES; r++)
			for (unsigned g = 0; g < MEMO_GWS; g++)
				if (m->nh[v][r] & (1u << g))
					fprintf(f,
						"set vrf name V%u protocols static route "
						"10.0.%u.0/24 next-hop 192.0.2.%u\n",
						v, r, g + 1);
	}
	fclose(f);
	struct sl_conf *c = conf_with(text);
	free(text);
	char *out = sl_conf_render_str(c);
	sl_conf_free(c);
	return out;
}

/* One random line against m (the transaction's view); false: a refused one. */
static bool memo_line(FILE *f, struct memo_model *m)
{
	unsigned v = memo_rnd(MEMO_VRFS), r = memo_rnd(MEMO_ROUTES), g = memo_rnd(MEMO_GWS);
	const char *route = "vrf name V%u protocols static route 10.0.%u.0/24";
	bool any = false;

	for (unsigned i = 0; i < MEMO_ROUTES; i++)
		any |= m->nh[v][i] != 0;
	switch (memo_rnd(9)) {
	case 0: /* a leaf's value replaced (set_one removes the old one) */
		m->desc[v] = 1 + memo_rnd(3);
		fprintf(f, "set vrf name V%u description d%u\n", v, m->desc[v]);
		return true;
	case 1: /* the whole protocols subtree: prunes the memo near the top */
		if (!any)
			break;
		memset(m->nh[v], 0, sizeof(m->nh[v]));
		fprintf(f, "delete vrf name V%u protocols\n", v);
		return true;
	case 2: /* nothing there: refused, the transaction fails */
		if (m->nh[v][r])
			break;
		fprintf(f, "delete ");
		fprintf(f, route, v, r);
		fprintf(f, "\n");
		return false;
	case 3:
	case 4: /* a route, or one of its next hops */
		if (!m->nh[v][r])
			break;
		fprintf(f, "delete ");
		fprintf(f, route, v, r);
		if ((m->nh[v][r] & (1u << g)) && (m->nh[v][r] & ~(1u << g))) {
			m->nh[v][r] &= (unsigned char)~(1u << g);
			fprintf(f, " next-hop 192.0.2.%u", g + 1);
		} else {
			m->nh[v][r] = 0;
		}
		fprintf(f, "\n");
		return true;
	default:
		break;
	}
	m->nh[v][r] |= (unsigned char)(1u << g);
	fprintf(f, "set ");
	fprintf(f, route, v, r);
	fprintf(f, " next-hop 192.0.2.%u\n", g + 1);
	return true;
}

static void test_path_memo(void **state)
{
	(void)state;
	struct memo_model m = {0};
	struct sl_conf *c = conf_with("set vrf name V0 table 10\nset vrf name V1 table 11\n");

	memo_rng = 7;
	for (int txn = 0; txn < 400; txn++) {
		struct memo_model t = m;
		struct sl_errors e = {0};
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		bool ok = true, abort_it = memo_rnd(4) == 0;
		for (unsigned i = 0, n = 1 + memo_rnd(12); i < n; i++)
			ok &= memo_line(f, &t);
		fclose(f);
		assert_int_equal(sl_conf_begin(c), 0);
		int rc = sl_conf_exec_text(c, text, 1, &e, NULL);
		assert_int_equal(rc == 0, ok);
		if (ok && !abort_it) {
			assert_int_equal(sl_conf_commit(c, &e), 0);
			m = t;
		} else {
			sl_conf_abort(c);
		}
		sl_errors_free(&e);
		free(text);
		char *got = sl_conf_render_str(c), *want = memo_render(&m);
		assert_string_equal(got, want);
		free(got);
		free(want);
	}
	sl_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_and_keys),
		cmocka_unit_test(test_areas_and_load),
		cmocka_unit_test(test_big_change_set),
		cmocka_unit_test(test_path_memo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
