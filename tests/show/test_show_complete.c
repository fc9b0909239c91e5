/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion and abbreviations of `show` commands (sl_show_complete,
 * sl_show_expand, sl_show_unknown): fixed words of the registry and of extra
 * commands, the arguments a usage names, names from a configuration, and
 * errors that name the bad word and the choices.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sl_show.h"

static const char cfg[] = "set vrf name A table 10\n"
			  "set vrf name B table 20\n"
			  "set policy prefix-list PL rule 10 prefix 10.0.0.0/8\n"
			  "set policy prefix-list PL rule 10 action permit\n"
			  "set firewall ipv4 name RS default-action accept\n";

static const char *const extra[] = {
	"interfaces", "conntrack [vrf NAME]", "firewall leak-points", NULL};

struct got {
	char text[4096];
	size_t off;
	int n;
	bool help_seen;
};

static void collect(void *ctx, const char *word, const char *help)
{
	struct got *g = ctx;
	g->off += (size_t)snprintf(
		g->text + g->off, sizeof(g->text) - g->off, "%s%s", g->n ? " " : "", word);
	g->n++;
	if (strcmp(word, "ip") == 0 &&
		strcmp(help, "show ip route [vrf NAME|all] [ADDRESS|PREFIX]") == 0)
		g->help_seen = true;
}

static struct sl_router *router(void)
{
	struct sl_router *r = sl_router_new();
	struct sl_errors e = {0};
	assert_non_null(r);
	if (sl_router_apply(r, cfg, &e, NULL) != 0)
		fail_msg("line %u: %s", e.n ? e.v[0].line : 0, e.n ? e.v[0].msg : "?");
	sl_errors_free(&e);
	return r;
}

/* The choices after the space-separated words (after "show"). */
static int at(
	const struct sl_conf *c, const char *path, const char *prefix, struct got *g, char *err)
{
	char buf[256];
	const char *w[16];
	int n = 0;

	memset(g, 0, sizeof(*g));
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return sl_show_complete(c, extra, w, n, prefix, collect, g, err, 256);
}

static void test_fixed_words(void **state)
{
	struct got g;
	char err[256];
	(void)state;
	assert_int_equal(at(NULL, "", "", &g, err), 9);
	assert_string_equal(
		g.text, "bgp configuration conntrack firewall interfaces ip leak policy vrf");
	assert_true(g.help_seen);
	assert_int_equal(at(NULL, "", "co", &g, err), 2);
	assert_string_equal(g.text, "configuration conntrack");
	assert_int_equal(at(NULL, "ip", "", &g, err), 1);
	assert_string_equal(g.text, "route");
	assert_int_equal(at(NULL, "bgp ipv4", "", &g, err), 1);
	assert_string_equal(g.text, "vpn");
	/* abbreviations on the way */
	assert_int_equal(at(NULL, "b i", "", &g, err), 1);
	assert_string_equal(g.text, "vpn");
}

static void test_arguments(void **state)
{
	struct sl_router *r = router();
	const struct sl_conf *c = sl_router_conf_const(r);
	struct got g;
	char err[256];
	(void)state;
	assert_int_equal(at(c, "ip route", "", &g, err), 3);
	assert_string_equal(g.text, "<ADDRESS> <PREFIX> vrf");
	assert_int_equal(at(c, "ip route vrf", "", &g, err), 4);
	assert_string_equal(g.text, "<NAME> A B all");
	assert_int_equal(at(c, "ip ro v", "", &g, err), 4);
	assert_string_equal(g.text, "<NAME> A B all");
	/* after the VRF's name: what is left */
	assert_int_equal(at(c, "ip route vrf A", "", &g, err), 2);
	assert_string_equal(g.text, "<ADDRESS> <PREFIX>");
	/* a command and a longer one: both */
	assert_int_equal(at(c, "firewall", "", &g, err), 3);
	assert_string_equal(g.text, "<NAME> RS leak-points");
	assert_int_equal(at(c, "policy", "", &g, err), 3);
	assert_string_equal(g.text, "intent prefix-list route-map");
	assert_int_equal(at(c, "policy prefix-list", "", &g, err), 2);
	assert_string_equal(g.text, "<NAME> PL");
	assert_int_equal(at(c, "vrf", "", &g, err), 3);
	assert_string_equal(g.text, "<NAME> A B");
	/* names filtered by the prefix, placeholders kept */
	assert_int_equal(at(c, "vrf", "B", &g, err), 2);
	assert_string_equal(g.text, "<NAME> B");
	/* an extra command's usage */
	assert_int_equal(at(c, "conntrack", "", &g, err), 1);
	assert_string_equal(g.text, "vrf");
	assert_int_equal(at(c, "conn v", "", &g, err), 3);
	assert_string_equal(g.text, "<NAME> A B");
	sl_router_free(r);
}

static void test_expand(void **state)
{
	char err[256];
	(void)state;
	const char *w[] = {"ip", "ro", "vrf", "CUSTOMER-A"};
	assert_int_equal(sl_show_expand(extra, w, 4, err, sizeof(err)), 0);
	assert_string_equal(w[0], "ip");
	assert_string_equal(w[1], "route");
	assert_string_equal(w[2], "vrf");
	assert_string_equal(w[3], "CUSTOMER-A");

	/* an argument keyword; the value after it stays, even when it
	 * abbreviates a keyword */
	const char *v[] = {"ip", "route", "v", "a"};
	assert_int_equal(sl_show_expand(extra, v, 4, err, sizeof(err)), 0);
	assert_string_equal(v[2], "vrf");
	assert_string_equal(v[3], "a");

	const char *f[] = {"fi", "leak"};
	assert_int_equal(sl_show_expand(extra, f, 2, err, sizeof(err)), 0);
	assert_string_equal(f[0], "firewall");
	assert_string_equal(f[1], "leak-points");

	const char *a[] = {"co"};
	assert_int_equal(sl_show_expand(extra, a, 1, err, sizeof(err)), -EINVAL);
	assert_string_equal(
		err, "ambiguous 'co' after 'show' (could be: configuration, conntrack)");
	const char *u[] = {"ip", "frob"};
	assert_int_equal(sl_show_expand(extra, u, 2, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown word 'frob' after 'show ip' (valid: route)");
	assert_int_equal(at(NULL, "ip frob", "", &(struct got){0}, err), -EINVAL);
	assert_string_equal(err, "unknown word 'frob' after 'show ip' (valid: route)");
}

static void test_unknown(void **state)
{
	char buf[512];
	(void)state;
	char *ip[] = {"show", "ip"};
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	sl_show_unknown(NULL, 2, ip, f);
	fclose(f);
	assert_string_equal(buf, "incomplete command 'show ip' (continue with one of: route)\n");

	char *rout[] = {"show", "ip", "rout", "x"};
	f = fmemopen(buf, sizeof(buf), "w");
	sl_show_unknown(NULL, 4, rout, f);
	fclose(f);
	/* no abbreviation here: sluicectl expands before it sends */
	assert_string_equal(buf, "unknown word 'rout' after 'show ip' (valid: route)\n");

	char *frob[] = {"show", "frobnicate"};
	f = fmemopen(buf, sizeof(buf), "w");
	sl_show_unknown(NULL, 2, frob, f);
	fclose(f);
	assert_string_equal(buf, "unknown word 'frobnicate' after 'show' (valid: bgp, "
				 "configuration, firewall, ip, leak, policy, vrf)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_words),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
