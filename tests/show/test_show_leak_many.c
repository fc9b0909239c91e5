/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show leak` over 1,000 customer VRFs that each leak 10.0.0.0/8 into SHARED,
 * where SHARED's return leaks make the other customers' subnets leak loops:
 * the command builds each VRF's forwarding map once (SHARED's, 1,000 routes,
 * is shared by every customer), and says exactly what `show leak vrf X`,
 * one VRF per command, says of each. Not a timing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "show_test.h"
#include "sl_intent.h"

#define N_CUST 1000

static char *config(void)
{
	size_t cap = (size_t)N_CUST * 400 + 4096, len = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	len += (size_t)snprintf(t + len, cap - len,
		"set vrf name SHARED table 5000\n"
		"set interfaces ethernet eth1000 vrf SHARED\n"
		"set interfaces ethernet eth1000 address 10.100.0.1/16\n");
	for (int i = 0; i < N_CUST; i++) {
		int hi = 1 + i / 256, lo = i % 256;
		len += (size_t)snprintf(t + len, cap - len,
			"set vrf name C%d table %d\n"
			"set interfaces ethernet eth%d vrf C%d\n"
			"set interfaces ethernet eth%d address 10.%d.%d.1/24\n"
			"set vrf name C%d protocols static route 10.0.0.0/8 interface eth1000 "
			"vrf SHARED\n"
			"set vrf name SHARED protocols static route 10.%d.%d.0/24 interface "
			"eth%d vrf C%d\n",
			i, 1000 + i, i, i, i, hi, lo, i, hi, lo, i, i);
		assert_true(len < cap);
	}
	return t;
}

/* not inlined: gcc 12 at -O3 takes the text for a pointer to the local
 * buf that open_memstream was handed (-Wdangling-pointer, a false alarm) */
static __attribute__((noinline)) char *show(const struct sl_router *r, bool json, const char *vrf)
{
	char *argv[] = {"show", "leak", "vrf", (char *)vrf}, *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(sl_show_exec(r, vrf ? 4 : 2, argv, json, f, stderr), 0);
	fclose(f);
	return buf;
}

struct names {
	char (*v)[SL_NAME_MAX];
	size_t n;
};

static int name_cb(const struct sl_vrf_info *vi, void *arg)
{
	struct names *n = arg;
	if (strcmp(vi->name, SL_VRF_DEFAULT) != 0) /* takes no part here */
		memcpy(n->v[n->n++], vi->name, SL_NAME_MAX);
	return 0;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

/* show leak --json's VRF i is what show leak vrf NAME --json says */
static void json_same(const struct sl_router *r, json_t *vrfs, const char *name, size_t i)
{
	char *one = show(r, true, name);
	json_t *d1 = json_loads(one, 0, NULL);
	assert_non_null(d1);
	if (!json_equal(json_array_get(vrfs, i), json_array_get(json_object_get(d1, "vrfs"), 0)))
		fail_msg("show leak --json differs from show leak vrf %s", name);
	json_decref(d1);
	free(one);
}

static void test_show_leak_many_vrfs(void **state)
{
	(void)state;
	char *cfg = config();
	struct sl_router *r = show_test_router(cfg);
	free(cfg);
	struct names names = {calloc(N_CUST + 2, SL_NAME_MAX), 0};
	assert_non_null(names.v);
	sl_rib_vrf_foreach(sl_router_rib_const(r), name_cb, &names);
	assert_int_equal(names.n, N_CUST + 1);

	/* the whole command is the legend and each VRF's section, as one VRF's
	 * own command shows it */
	char *all = show(r, false, NULL);
	size_t legend = (size_t)(strstr(all, "\nVRF ") - all);
	size_t at = legend;
	for (size_t i = 0; i < names.n; i++) {
		char *one = show(r, false, names.v[i]);
		const char *sec = strstr(one, "\nVRF ");
		assert_non_null(sec);
		assert_memory_equal(all, one, legend);
		size_t n = strlen(sec);
		if (strncmp(all + at, sec, n) != 0)
			fail_msg("show leak differs from show leak vrf %s", names.v[i]);
		at += n;
		free(one);
	}
	assert_int_equal(at, strlen(all));
	/* every customer drops the other 999 customers' subnets as leak loops */
	assert_int_equal(count(all, "Dropped as leak loops: 255744 addresses in "), N_CUST);
	free(all);

	/* JSON: a VRF's object, the same (every 10th and the last: the text
	 * above compared them all) */
	char *js = show(r, true, NULL);
	json_t *doc = json_loads(js, 0, NULL);
	assert_non_null(doc);
	json_t *vrfs = json_object_get(doc, "vrfs");
	assert_int_equal(json_array_size(vrfs), names.n);
	assert_int_equal(json_array_size(json_object_get(json_array_get(vrfs, 0), "leakLoops")),
		SL_INTENT_BREACH_MAX);
	for (size_t i = 0; i < names.n; i += 10)
		json_same(r, vrfs, names.v[i], i);
	json_same(r, vrfs, names.v[names.n - 1], names.n - 1);
	json_decref(doc);
	free(js);

	/* the kept maps give what fresh ones give, in any order of asking */
	struct sl_intent_maps *m = sl_router_intent_maps(r);
	assert_non_null(m);
	struct sl_intent_result *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	for (size_t k = 0; k < names.n; k++) {
		size_t i = names.n - 1 - k;
		assert_int_equal(sl_intent_maps_leak_loops(m, names.v[i], a), 0);
		assert_int_equal(sl_router_leak_loops(r, names.v[i], b), 0);
		assert_memory_equal(a, b, sizeof(*a));
	}
	assert_int_equal(sl_intent_maps_leak_loops(m, "NOPE", a), -ENOENT);
	free(a);
	free(b);
	sl_intent_maps_free(m);
	free(names.v);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_leak_many_vrfs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
