/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Atomicity and round trip at the router level: a bad line anywhere in a
 * transaction, or a commit refused by the leak engine, leaves the running
 * configuration and every RIB table byte-identical; `show configuration`
 * loads back to the identical state.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

static const char *src_dir;

static const char *examples[] = {"static-shared-services", "rt-shared-services", "rt-symmetric",
	"dns-only", "backup-local-preference", "internet-gateway", "management",
	"static-bidirectional", "demo-shared-services"};
#define N_EXAMPLES (sizeof(examples) / sizeof(examples[0]))

static struct sl_router *load_example(const char *name)
{
	char path[512];
	struct sl_errors e = {0};
	struct sl_router *r = sl_router_new();
	snprintf(path, sizeof(path), "%s/config/%s.conf", src_dir, name);
	assert_int_equal(sl_router_load_file(r, path, &e), 0);
	sl_errors_free(&e);
	return r;
}

/* A good transaction with one bad line at every position in turn. */
static void test_bad_line_anywhere(void **state)
{
	static const char *good[] = {
		"set vrf name NEW table 77",
		"set interfaces ethernet eth9 vrf NEW",
		"set interfaces ethernet eth9 address 10.77.0.1/24",
		"set vrf name NEW protocols static route 10.100.0.0/24 interface eth3 vrf SHARED",
		"set vrf name SHARED protocols static route 10.77.0.0/24 interface eth9 vrf NEW",
		"delete vrf name MGMT protocols static route 10.2.0.0/16",
		"set policy prefix-list P rule 5 prefix 10.0.0.0/8",
		"set policy prefix-list P rule 5 le 24",
		"set policy prefix-list P rule 5 action permit",
	};
	static const char *bad[] = {
		"set vrf name NEW protocols static route 10.1.0.1/24 blackhole", /* host bits */
		"set interfaces ethernet eth9 adress 10.0.0.1/24", /* unknown node */
		"set vrf name NEW protocols static route 10.9.0.0/16 next-hop 10.0.0.1 vrf GHOST",
		"delete vrf name SHARED", /* still referenced */
		"set vrf name OTHER table 20", /* duplicate table id */
	};
	struct sl_router *r = load_example("demo-shared-services");
	char *before = snapshot(r);
	size_t ng = sizeof(good) / sizeof(good[0]);
	(void)state;

	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		for (size_t pos = 0; pos <= ng; pos++) {
			char text[4096] = "";
			for (size_t i = 0; i <= ng; i++) {
				const char *l = i == pos ? bad[b] : good[i < pos ? i : i - 1];
				strcat(text, l);
				strcat(text, "\n");
			}
			char *msgs;
			if (apply(r, text, &msgs) != -EINVAL)
				fail_msg("accepted a transaction with a bad line:\n%s", text);
			/* the error names the bad line */
			char want[16];
			snprintf(want, sizeof(want), "%zu: ", pos + 1);
			if (strstr(msgs, want) == NULL)
				fail_msg("bad line %zu at %zu: errors do not name it:\n%s", b, pos,
					msgs);
			free(msgs);
			char *after = snapshot(r);
			assert_string_equal(before, after);
			free(after);
		}
	}
	/* and the good lines alone apply */
	char text[4096] = "";
	for (size_t i = 0; i < ng; i++) {
		strcat(text, good[i]);
		strcat(text, "\n");
	}
	char *msgs;
	assert_int_equal(apply(r, text, &msgs), 0);
	free(msgs);
	char *a = show(r, "show ip route vrf NEW");
	assert_non_null(
		strstr(a, "S>* 10.100.0.0/24 [1/0] is directly connected, eth3 (vrf SHARED)"));
	free(a);
	free(before);
	sl_router_free(r);
}

/* show configuration → load into a fresh router → identical state. */
static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		struct sl_router *r = load_example(examples[i]);
		char *cfg = show(r, "show configuration");
		struct sl_router *r2 = sl_router_new();
		char *msgs;
		assert_int_equal(apply(r2, cfg, &msgs), 0);
		free(msgs);
		char *s1 = snapshot(r), *s2 = snapshot(r2);
		assert_string_equal(s1, s2);
		free(s1);
		free(s2);
		free(cfg);
		sl_router_free(r);
		sl_router_free(r2);
	}
}

/* Delete every line of an example one at a time, and put it back: state restored. */
static void test_each_line_and_inverse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		struct sl_router *r = load_example(examples[i]);
		char *cfg = show(r, "show configuration");
		char *before = snapshot(r), *save;
		for (char *l = strtok_r(cfg, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char del[512], *msgs;
			snprintf(del, sizeof(del), "delete%s\n", l + 3);
			if (apply(r, del, &msgs) == 0) {
				free(msgs);
				char set[512];
				snprintf(set, sizeof(set), "%s\n", l);
				assert_int_equal(apply(r, set, &msgs), 0);
			}
			/* a refused delete (still referenced) must have changed nothing */
			free(msgs);
			char *after = snapshot(r);
			if (strcmp(before, after) != 0)
				fail_msg("%s: '%s' and back changed the state", examples[i], l);
			free(after);
		}
		free(before);
		free(cfg);
		sl_router_free(r);
	}
}

/* The guide's leak-policy commands keep working after changes: monitoring
 * with | grep "vrf SHARED" finds exactly the expected leaked routes. */
static void test_monitoring_grep(void **state)
{
	struct sl_router *r = load_example("rt-symmetric");
	char *out = show(r, "show ip route vrf CUSTOMER-A");
	int leaked = 0;
	(void)state;
	for (char *p = out; (p = strstr(p, "(vrf SHARED)")) != NULL; p++)
		leaked++;
	assert_int_equal(leaked, 1);
	free(out);
	sl_router_free(r);
}

/* At the VRF limit, through the whole commit path: a transaction that
 * replaces one VRF by another, or all of them, commits (new VRFs are made
 * before the old ones go: ids for twice the limit), and the VRF past the limit is refused at its
 * line, naming the limit, with nothing changed. */
static void test_vrf_limit_router(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	size_t cap = (size_t)SL_VRF_CONF_MAX * 400, len = 0;
	char *text = malloc(cap), *msgs = NULL, want[128];
	assert_non_null(text);
	/* C1 is the hub: every VRF imports it, it imports them all */
	for (int i = 1; i <= SL_VRF_CONF_MAX; i++)
		len += (size_t)snprintf(text + len, cap - len,
			"set vrf name C%d table %d\n"
			"set vrf name C%d protocols bgp system-as 65000\n"
			"set vrf name C%d protocols bgp address-family ipv4-unicast route-target "
			"import 65000:%d\n"
			"set vrf name C%d protocols bgp address-family ipv4-unicast route-target "
			"export 65000:%d\n",
			i, 1000 + i, i, i, i == 1 ? 2 : 1, i, i == 1 ? 1 : 2);
	int rc = apply(r, text, &msgs);
	if (rc != 0)
		print_error("%s", msgs);
	assert_int_equal(rc, 0);
	free(msgs);

	rc = apply(r,
		"delete vrf name C7\n"
		"set vrf name NEW table 99999\n"
		"set vrf name NEW protocols bgp system-as 65000\n",
		&msgs);
	assert_string_equal(msgs, "");
	assert_int_equal(rc, 0);
	free(msgs);
	struct sl_vrf_info vi;
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(r), "NEW", &vi), 0);
	assert_int_not_equal(sl_rib_vrf_info(sl_router_rib_const(r), "C7", &vi), 0);

	/* every VRF but the hub replaced in one transaction */
	len = 0;
	for (int i = 2; i <= SL_VRF_CONF_MAX; i++) {
		char old[16] = "NEW";
		if (i != 7)
			snprintf(old, sizeof(old), "C%d", i);
		len += (size_t)snprintf(text + len, cap - len,
			"delete vrf name %s\n"
			"set vrf name D%d table %d\n"
			"set vrf name D%d protocols bgp system-as 65000\n"
			"set vrf name D%d protocols bgp address-family ipv4-unicast route-target "
			"import 65000:1\n",
			old, i, 20000 + i, i, i);
	}
	text[len] = '\0';
	len = 0;
	rc = apply(r, text, &msgs);
	assert_string_equal(msgs, "");
	assert_int_equal(rc, 0);
	free(msgs);
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(r), "D4096", &vi), 0);
	assert_int_not_equal(sl_rib_vrf_info(sl_router_rib_const(r), "C4096", &vi), 0);

	char *before = snapshot(r);
	assert_int_not_equal(apply(r,
				     "set vrf name C1 description x\n"
				     "set vrf name PAST table 88888\n"
				     "set vrf name PAST protocols bgp system-as 65000\n",
				     &msgs),
		0);
	snprintf(want, sizeof(want), "2: vrf name PAST: too many VRFs (limit %d)\n",
		SL_VRF_CONF_MAX);
	assert_string_equal(msgs, want);
	free(msgs);
	char *after = snapshot(r);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(text);
	sl_router_free(r);
}

int main(int argc, char **argv)
{
	src_dir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_line_anywhere),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_each_line_and_inverse),
		cmocka_unit_test(test_monitoring_grep),
		cmocka_unit_test(test_vrf_limit_router),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
