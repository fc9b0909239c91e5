/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_reserve.c — a commit that cannot fit in the FIB is refused whole:
 * the router (lib/commit) asks sl_fib_reserve before the commit is final, as
 * sluiced does, with the FIB's DPDK memory capped (sl_fib_config.mem_max).
 * After a refusal the configuration, the RIB and the FIB are as before and
 * still forward; a smaller commit then succeeds. Also: a new VRF's table is
 * sized from its routes, and a reserved promotion to the rte_lpm layout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fib_test_eal.h"
#include "lpm_oracle.h"
#include "sl_commit.h"
#include "sl_fib.h"

#define KIB 1024u

static struct sl_fib *fib;
static struct sl_router *router;
static char last_msg[320];

static int prepare(const struct sl_fib_change *changes, size_t n, char *msg, size_t len, void *ctx)
{
	(void)ctx;
	struct sl_fib_reserve_fail f;
	int rc = sl_fib_reserve(fib, changes, n, &f);
	if (rc < 0)
		snprintf(msg, len, "vrf id %u: %u groups: %s", f.vrf_id, f.groups, strerror(-rc));
	return rc;
}

/* One transaction as sluiced runs it: commit (reserve inside), then apply. */
static int commit(const char *text)
{
	struct sl_errors errs = {0};
	int rc = sl_router_apply(router, text, &errs, NULL);
	last_msg[0] = '\0';
	if (errs.n > 0)
		snprintf(last_msg, sizeof(last_msg), "%s", errs.v[0].msg);
	sl_errors_free(&errs);
	if (rc < 0)
		return rc;
	const struct sl_fib_change *ch;
	size_t n = sl_router_changes(router, &ch);
	struct sl_fib_apply_result res;
	assert_int_equal(sl_fib_apply(fib, ch, n, &res), 0); /* reserved: cannot fail */
	assert_int_equal(res.failed, 0);
	sl_fib_unreserve(fib);
	sl_router_changes_clear(router);
	return 0;
}

/* Lines for vrf `name` (table `table`, 0: exists) with `n` /24 routes, each
 * in its own /16 starting at the first'th (one group each in a small table). */
static char *routes(const char *name, uint32_t table, unsigned first, unsigned n)
{
	size_t len = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	if (table != 0)
		fprintf(f, "set vrf name %s table %u\n", name, table);
	for (unsigned i = first; i < first + n; i++)
		fprintf(f, "set vrf name %s protocols static route %u.%u.7.0/24 blackhole\n", name,
			10 + i / 256, i % 256);
	fclose(f);
	return text;
}

static uint32_t vrf_id(const char *name)
{
	struct sl_vrf_info vi;
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(router), name, &vi), 0);
	return vi.id;
}

/* Does the FIB of vrf forward the first..first+n routes (blackhole: index 0)? */
static bool forwards(uint32_t vrf, unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n; i++) {
		uint32_t nh;
		if (sl_fib_lookup(fib, vrf,
			    &(struct sl_addr){.af = SL_AF_IPV4,
				    .v4 = sl_test_ip4(10 + i / 256, i % 256, 7, 9)},
			    &nh, NULL) != 0 ||
			nh != SL_FIB_NH_BLACKHOLE)
			return false;
	}
	return true;
}

static char *render(void)
{
	size_t len = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(sl_router_render(router, f), 0);
	fclose(f);
	return text;
}

static int setup(void **state)
{
	(void)state;
	/* the default VRF (256 KiB + 16 groups), A and a little more */
	struct sl_fib_config cfg = {.socket_id = SOCKET_ID_ANY, .mem_max = 1200 * KIB};
	fib = sl_fib_new(&cfg);
	router = sl_router_new();
	if (fib == NULL || router == NULL)
		return -1;
	sl_router_fib_log(router, true);
	sl_router_prepare_set(router, prepare, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sl_router_free(router);
	sl_fib_free(fib);
	return 0;
}

static void test_refused_whole(void **state)
{
	(void)state;
	char *t = routes("A", 100, 0, 300); /* 256 KiB + 300 groups */
	assert_int_equal(commit(t), 0);
	free(t);
	uint32_t a = vrf_id("A");
	assert_true(forwards(a, 0, 300));
	struct sl_fib_vrf_stats vs;
	assert_int_equal(sl_fib_vrf_stats_get(fib, a, &vs), 0);
	assert_int_equal(vs.groups, 300); /* sized from its routes, not grown */
	struct sl_fib_stats before;
	sl_fib_stats_get(fib, &before);
	char *conf_before = render();

	/* A grows a little (fits) and B is new (does not): refused whole */
	char *ta = routes("A", 0, 300, 50), *tb = routes("B", 200, 1000, 700);
	char *both = malloc(strlen(ta) + strlen(tb) + 1);
	strcpy(both, ta);
	strcat(both, tb);
	assert_int_equal(commit(both), -EINVAL);
	assert_non_null(strstr(last_msg, "groups"));
	free(both);
	free(tb);

	/* nothing changed: configuration, RIB, FIB; the old routes forward */
	char *conf_after = render();
	assert_string_equal(conf_before, conf_after);
	free(conf_after);
	struct sl_vrf_info vi;
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(router), "B", &vi), -ENOENT);
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(router), "A", &vi), 0);
	assert_int_equal(vi.n_selected, 300);
	assert_true(forwards(a, 0, 300));
	uint32_t nh;
	assert_int_equal(
		sl_fib_lookup(fib, a,
			&(struct sl_addr){.af = SL_AF_IPV4, .v4 = sl_test_ip4(11, 44, 7, 9)}, &nh,
			NULL),
		-ENOENT);
	struct sl_fib_stats after;
	sl_fib_stats_get(fib, &after);
	assert_int_equal(after.vrfs, before.vrfs);
	assert_int_equal(after.bytes_total, before.bytes_total); /* nothing held */
	const struct sl_fib_change *ch;
	assert_int_equal(sl_router_changes(router, &ch), 0);

	/* growing A past the cap alone is refused too */
	char *big = routes("A", 0, 300, 900);
	assert_int_equal(commit(big), -EINVAL);
	free(big);
	assert_true(forwards(a, 0, 300));

	/* the part that fits commits */
	assert_int_equal(commit(ta), 0);
	free(ta);
	assert_true(forwards(a, 0, 350));
	free(conf_before);
}

/* A new VRF past the small limit is born in the rte_lpm layout; a small one
 * crossing it moves to the table reserved for it. */
static void test_layouts(void **state)
{
	(void)state;
	struct sl_fib_config cfg = {.socket_id = SOCKET_ID_ANY, .small_groups_max = 64};
	struct sl_fib *f = sl_fib_new(&cfg);
	assert_non_null(f);
	struct sl_fib_change ch[200];
	size_t n = 0;
	ch[n++] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 1};
	ch[n++] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 2};
	for (uint32_t i = 0; i < 80; i++) /* /16 and /24 groups: 160 */
		ch[n++] = sl_test_route(1, sl_test_ip4(10, i, 1, 0), 25, SL_NH_BLACKHOLE, NULL, 0);
	for (uint32_t i = 0; i < 40; i++) /* 40: stays small */
		ch[n++] = sl_test_route(2, sl_test_ip4(10, i, 1, 0), 24, SL_NH_BLACKHOLE, NULL, 0);
	assert_int_equal(sl_fib_reserve(f, ch, n, NULL), 0);
	assert_int_equal(sl_fib_apply(f, ch, n, NULL), 0);
	sl_fib_unreserve(f);
	struct sl_fib_vrf_stats vs;
	assert_int_equal(sl_fib_vrf_stats_get(f, 1, &vs), 0);
	assert_false(vs.small);
	assert_int_equal(vs.groups_used, 80);
	assert_int_equal(sl_fib_vrf_stats_get(f, 2, &vs), 0);
	assert_true(vs.small);
	assert_int_equal(vs.groups, 40);
	/* VRF 2 crosses 64 groups in one change set */
	n = 0;
	for (uint32_t i = 40; i < 100; i++)
		ch[n++] = sl_test_route(2, sl_test_ip4(10, i, 1, 0), 24, SL_NH_BLACKHOLE, NULL, 0);
	assert_int_equal(sl_fib_reserve(f, ch, n, NULL), 0);
	assert_int_equal(sl_fib_apply(f, ch, n, NULL), 0);
	sl_fib_unreserve(f);
	assert_int_equal(sl_fib_vrf_stats_get(f, 2, &vs), 0);
	assert_false(vs.small);
	assert_int_equal(vs.index_grows, 1); /* the promoted table's, sized by the reserve */
	for (uint32_t i = 0; i < 100; i++) {
		uint32_t nh;
		assert_int_equal(
			sl_fib_lookup(f, 2,
				&(struct sl_addr){.af = SL_AF_IPV4, .v4 = sl_test_ip4(10, i, 1, 3)},
				&nh, NULL),
			0);
		assert_int_equal(sl_fib_lookup(f, 1,
					 &(struct sl_addr){.af = SL_AF_IPV4,
						 .v4 = sl_test_ip4(10, i % 80, 1, 3)},
					 &nh, NULL),
			0);
	}
	struct sl_fib_stats st;
	sl_fib_stats_get(f, &st);
	assert_int_equal(st.promotions, 1);
	/* a reserve not followed by its apply gives everything back */
	size_t bytes = st.bytes_total;
	ch[0] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 3};
	assert_int_equal(sl_fib_reserve(f, ch, 1, NULL), 0);
	sl_fib_unreserve(f);
	sl_fib_stats_get(f, &st);
	assert_int_equal(st.bytes_total, bytes);
	sl_fib_free(f);
}

/* A reserved change set sizes a table's rule index once: no rehash while
 * its routes go in, neither into a new table nor into a live one. */
static void test_index_sized_once(void **state)
{
	(void)state;
	enum { ROUTES = 200000 };
	struct sl_fib_config cfg = {.socket_id = SOCKET_ID_ANY};
	struct sl_fib *f = sl_fib_new(&cfg);
	assert_non_null(f);
	struct sl_fib_change *ch = calloc(ROUTES + 1, sizeof(*ch));
	assert_non_null(ch);
	struct sl_fib_vrf_stats vs;
	for (int round = 0; round < 2; round++) {
		size_t n = 0;
		if (round == 0)
			ch[n++] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = 1};
		for (uint32_t i = 0; i < ROUTES; i++) { /* /24s, every 8th a /28 */
			uint32_t k = (uint32_t)round * ROUTES + i;
			ch[n++] = sl_test_route(1,
				sl_test_ip4(20 + k / 65536, k / 256 % 256, k % 256, 0),
				i % 8 ? 24 : 28, SL_NH_BLACKHOLE, NULL, 0);
		}
		assert_int_equal(sl_fib_reserve(f, ch, n, NULL), 0);
		assert_int_equal(sl_fib_apply(f, ch, n, NULL), 0);
		sl_fib_unreserve(f);
		assert_int_equal(sl_fib_vrf_stats_get(f, 1, &vs), 0);
		assert_int_equal(vs.routes, (size_t)(round + 1) * ROUTES);
		assert_int_equal(vs.index_grows, round + 1);
	}
	/* deletes of the first 190,000: the index may shrink once released */
	size_t n = 0;
	for (uint32_t i = 0; i < 190000; i++)
		ch[n++] = (struct sl_fib_change){.op = SL_FIB_ROUTE_DEL,
			.vrf_id = 1,
			.af = SL_AF_IPV4,
			.prefix = {.addr = sl_test_ip4(20 + i / 65536, i / 256 % 256, i % 256, 0),
				.len = (uint8_t)(i % 8 ? 24 : 28)}};
	assert_int_equal(sl_fib_reserve(f, ch, n, NULL), 0);
	assert_int_equal(sl_fib_apply(f, ch, n, NULL), 0);
	sl_fib_unreserve(f);
	assert_int_equal(sl_fib_vrf_stats_get(f, 1, &vs), 0);
	assert_int_equal(vs.routes, 2 * ROUTES - 190000);
	uint32_t nh;
	assert_int_equal(sl_fib_lookup(f, 1,
				 &(struct sl_addr){.af = SL_AF_IPV4,
					 .v4 = sl_test_ip4(20 + 399999 / 65536, 399999 / 256 % 256,
						 399999 % 256, 9)},
				 &nh, NULL),
		0);
	free(ch);
	sl_fib_free(f);
}

/* An address in few /16s and /24s, so that groups fill, fold and split again. */
static uint32_t rnd_addr(void)
{
	return sl_test_ip4(
		10, (uint32_t)rand() % 12, (uint32_t)rand() % 24, (uint32_t)rand() % 256);
}

static uint8_t rnd_depth(void)
{
	int r = rand() % 10;
	return (uint8_t)(r < 2 ? 8 + rand() % 9 : r < 5 ? 17 + rand() % 8 : 25 + rand() % 8);
}

/*
 * Random change sets against a capped FIB that small tables outgrow: when
 * sl_fib_reserve says yes, sl_fib_apply never fails and the tables answer as
 * the oracle; when it says no, nothing is held and nothing changed.
 */
static void test_random(void **state)
{
	(void)state;
	enum { VRFS = 3, ROUNDS = 400, BATCH = 48 };
	/* one rte_lpm-layout table fits (64 MiB), a second does not */
	struct sl_fib_config cfg = {
		.socket_id = SOCKET_ID_ANY, .small_groups_max = 96, .mem_max = 72u << 20};
	struct sl_fib *f = sl_fib_new(&cfg);
	assert_non_null(f);
	struct lpm_oracle o[VRFS + 1];
	struct sl_fib_change ch[BATCH + 2];
	size_t n = 0;
	for (uint32_t v = 1; v <= VRFS; v++) {
		lpm_oracle_init(&o[v]);
		ch[n++] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = v};
	}
	assert_int_equal(sl_fib_reserve(f, ch, n, NULL), 0);
	assert_int_equal(sl_fib_apply(f, ch, n, NULL), 0);
	sl_fib_unreserve(f);
	srand(7);
	size_t refused = 0, applied = 0;
	for (int round = 0; round < ROUNDS; round++) {
		uint32_t v = 1 + (uint32_t)rand() % VRFS;
		n = 0;
		bool renew = rand() % 40 == 0; /* VRF_DEL + VRF_ADD: a new table */
		if (renew) {
			ch[n++] = (struct sl_fib_change){.op = SL_FIB_VRF_DEL, .vrf_id = v};
			ch[n++] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = v};
		}
		size_t len = 1 + (size_t)rand() % BATCH;
		for (size_t i = 0; i < len; i++) {
			struct sl_fib_change c = {.vrf_id = v};
			bool del = !renew && o[v].n > 0 && rand() % 3 == 0;
			if (del) {
				const struct lpm_rule *r = &o[v].rules[(size_t)rand() % o[v].n];
				c.op = SL_FIB_ROUTE_DEL;
				c.prefix = (struct sl_prefix){r->addr, r->depth};
			} else {
				c = sl_test_route(
					v, 0, 0, SL_NH_VRF, NULL, 100 + (uint32_t)rand() % 50);
				c.prefix.len = rnd_depth();
				c.prefix.addr = rnd_addr() & sl_mask(c.prefix.len);
			}
			bool dup = false; /* one change per prefix in a set */
			for (size_t k = 0; k < n && !dup; k++)
				dup = ch[k].op >= SL_FIB_ROUTE_SET &&
				      ch[k].prefix.addr == c.prefix.addr &&
				      ch[k].prefix.len == c.prefix.len;
			if (!dup)
				ch[n++] = c;
		}
		struct sl_fib_stats before, after;
		sl_fib_stats_get(f, &before);
		if (sl_fib_reserve(f, ch, n, NULL) < 0) {
			sl_fib_stats_get(f, &after);
			assert_int_equal(after.bytes_total, before.bytes_total);
			refused++;
			continue;
		}
		struct sl_fib_apply_result res;
		assert_int_equal(sl_fib_apply(f, ch, n, &res), 0);
		assert_int_equal(res.failed, 0);
		sl_fib_unreserve(f);
		applied++;
		if (renew) {
			lpm_oracle_fini(&o[v]);
			lpm_oracle_init(&o[v]);
		}
		for (size_t i = 0; i < n; i++) {
			const struct sl_fib_change *c = &ch[i];
			if (c->op == SL_FIB_ROUTE_SET)
				lpm_oracle_set(&o[v], c->prefix.addr, c->prefix.len,
					sl_fib_val_redirect(c->nh.vrf_id));
			else if (c->op == SL_FIB_ROUTE_DEL)
				lpm_oracle_del(&o[v], c->prefix.addr, c->prefix.len);
		}
		for (int k = 0; k < 256; k++) {
			uint32_t ip = rnd_addr();
			const struct lpm_rule *r = lpm_oracle_lookup(&o[v], ip);
			uint32_t got =
				sl_fib_table_lookup(sl_fib_table(f, SL_AF_IPV4, v), ip, UINT32_MAX);
			assert_int_equal(got, r ? r->value : UINT32_MAX);
		}
	}
	struct sl_fib_stats st;
	sl_fib_stats_get(f, &st);
	print_message("random: %zu sets applied, %zu refused, %u promotions\n", applied, refused,
		st.promotions);
	assert_true(applied > ROUNDS / 2);
	assert_true(refused > 0);
	assert_true(st.promotions > 0);
	for (uint32_t v = 1; v <= VRFS; v++)
		lpm_oracle_fini(&o[v]);
	sl_fib_free(f);
}

/* What the committer reads when the FIB cannot hold a commit. */
static void test_reserve_why(void **state)
{
	(void)state;
	char m[200];
	struct sl_fib_reserve_fail f = {.vrf_id = 7, .groups = 700, .new_table = true};
	assert_int_equal(sl_fib_reserve_why(-ENOSPC, &f, "B", m, sizeof(m)), -ENOSPC);
	assert_string_equal(m, "the forwarding table of vrf B cannot grow (700 groups needed, "
			       "in a new table): past the limit of 2^24 groups");
	f.new_table = false;
	sl_fib_reserve_why(-ENOMEM, &f, NULL, m, sizeof(m));
	assert_string_equal(m, "the forwarding table of vrf id 7 cannot grow (700 groups "
			       "needed): out of hugepage memory");
	f.next_hops = 5000;
	sl_fib_reserve_why(-ENOSPC, &f, "B", m, sizeof(m));
	assert_string_equal(m, "the next-hop tables cannot hold 5000 next hops and their ECMP "
			       "groups: past their limit (SL_FIB_NH_MAX, SL_FIB_NHG_MAX)");
	sl_fib_reserve_why(-ENOMEM, &f, "B", m, sizeof(m));
	assert_string_equal(m, "the next-hop tables cannot hold 5000 next hops and their ECMP "
			       "groups: out of memory");
	assert_int_equal(sl_fib_reserve_why(-EAFNOSUPPORT, &f, NULL, m, sizeof(m)), -EAFNOSUPPORT);
	assert_string_equal(m, "a route of vrf ? is not IPv4: only IPv4 forwards");
}

int main(void)
{
	if (sl_test_eal_init("fib-reserve", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused_whole, setup, teardown),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_index_sized_once),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_reserve_why),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
