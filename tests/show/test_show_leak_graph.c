/* SPDX-License-Identifier: BSD-3-Clause */
/* show leak graph: the DOT writer (escaping, one edge per leak direction,
 * labels) and the command over a router, offline and with a fake forwarding
 * plane's bindings and counters. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "show_test.h"
#include "sl_show.h"

static char *dot_of(
	const char *const *vrfs, size_t n_vrfs, const struct sl_leak_graph_edge *e, size_t n_edges)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(sl_leak_graph_dot(f, vrfs, n_vrfs, e, n_edges), 0);
	fclose(f);
	return text;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

#define assert_has(text, needle)                                            \
	do {                                                                \
		if (strstr((text), (needle)) == NULL)                       \
			fail_msg("missing <%s> in:\n%s", (needle), (text)); \
	} while (0)

/* A valid DOT file when Graphviz is installed (skipped otherwise). */
static void assert_dot_valid(const char *text)
{
	if (system("command -v dot >/dev/null 2>&1") != 0)
		return;
	char path[] = "/tmp/sl-leak-graph-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "dot -Tsvg -o /dev/null %s 2>&1", path);
	int rc = system(cmd);
	unlink(path);
	if (rc != 0)
		fail_msg("dot rejected:\n%s", text);
}

static void test_escaping(void **state)
{
	(void)state;
	const char *vrfs[] = {"A\"q", "B\\x", "C\nd", "plain"};
	const char *pfx[] = {"10.0.0.0/8"};
	const struct sl_leak_graph_edge e[] = {{.from = vrfs[0],
		.to = vrfs[1],
		.prefixes = pfx,
		.n_prefixes = 1,
		.ruleset = "R\"S\\",
		.counted = true,
		.packets = 5}};
	char *t = dot_of(vrfs, 4, e, 1);
	assert_has(t, "digraph \"sluice leaks\" {\n");
	/* quotes and backslashes escaped, a newline a \n escape, nothing raw */
	assert_has(t, "\t\"A\\\"q\";\n");
	assert_has(t, "\t\"B\\\\x\";\n");
	assert_has(t, "\t\"C\\nd\" [color=gray50, fontcolor=gray50]; // isolated\n");
	assert_has(t, "\t\"plain\" [color=gray50");
	assert_has(t, "\t\"A\\\"q\" -> \"B\\\\x\" [label=\"10.0.0.0/8\\nfirewall: R\\\"S\\\\\\n5 "
		      "packets\", color=darkgreen");
	assert_int_equal(count(t, "\" -> \""), 1);
	assert_int_equal(t[strlen(t) - 2], '}');
	assert_dot_valid(t);
	free(t);
}

static void test_labels(void **state)
{
	(void)state;
	const char *vrfs[] = {"A", "B", "C"};
	const char *many[] = {"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24",
		"10.0.4.0/24", "10.0.5.0/24", "10.0.6.0/24", "10.0.7.0/24", "10.0.8.0/24",
		"10.0.9.0/24"};
	const struct sl_leak_graph_edge e[] = {
		{.from = "A", .to = "B", .prefixes = many, .n_prefixes = 10},
		{.from = "B",
			.to = "A",
			.prefixes = many,
			.n_prefixes = 1,
			.counted = true,
			.packets = 1},
		{.from = "C", .to = "A", .ruleset = "ONLY-FW"},
	};
	char *t = dot_of(vrfs, 3, e, 3);
	/* one edge per direction: A->B and B->A are two arrows */
	assert_int_equal(count(t, "\" -> \""), 3);
	assert_has(t, "\"A\" -> \"B\" [label=\"10.0.0.0/24\\n");
	assert_has(t, "10.0.7.0/24\\n(+2 more)\", color=firebrick];\n");
	assert_null(strstr(t, "10.0.8.0/24"));
	assert_has(t, "\"B\" -> \"A\" [label=\"10.0.0.0/24\\n1 packet\", color=firebrick];\n");
	/* a binding without a leaked route: dashed, guarded */
	assert_has(t, "\"C\" -> \"A\" [label=\"no leaked route\\nfirewall: ONLY-FW\", "
		      "style=dashed, color=darkgreen");
	/* no VRF is isolated here, and offline edges carry no packet count */
	assert_null(strstr(t, "isolated"));
	assert_int_equal(count(t, "packet\""), 1);
	assert_dot_valid(t);
	free(t);
}

static const char cfg[] = "set vrf name A table 10\n"
			  "set vrf name B table 20\n"
			  "set vrf name C table 30\n"
			  "set interfaces ethernet eth1 vrf A\n"
			  "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			  "set interfaces ethernet eth2 vrf B\n"
			  "set interfaces ethernet eth2 address 10.2.0.1/24\n"
			  "set interfaces ethernet eth3 vrf C\n"
			  "set interfaces ethernet eth3 address 10.3.0.1/24\n"
			  "set vrf name A protocols static route 10.2.0.0/24 interface eth2 vrf B\n"
			  "set vrf name B protocols static route 10.1.0.0/24 interface eth1 vrf A\n"
			  "set firewall ipv4 name RS default-action accept\n"
			  "set vrf name A leak-firewall to B name RS\n";

static struct sl_router *router(void)
{
	return show_test_router(cfg);
}

static int run(const struct sl_router *r, const struct sl_show_fw_live *live, bool json,
	char **text, int argc, char **argv)
{
	return show_test_run(sl_show_leak_graph, r, live, json, text, argc, argv);
}

static void test_offline(void **state)
{
	(void)state;
	struct sl_router *r = router();
	char *t = NULL;
	assert_int_equal(run(r, NULL, false, &t, 0, NULL), 0);
	assert_int_equal(count(t, "\" -> \""), 2);
	assert_has(t, "\"A\" -> \"B\" [label=\"10.2.0.0/24\\nfirewall: RS\", color=darkgreen");
	assert_has(t, "\"B\" -> \"A\" [label=\"10.1.0.0/24\", color=firebrick];\n");
	assert_has(t, "\t\"C\" [color=gray50, fontcolor=gray50]; // isolated\n");
	assert_null(strstr(t, "packets\""));
	assert_dot_valid(t);
	free(t);

	/* the same through the command registry (sluicectl --offline) */
	char *argv[] = {"show", "leak", "graph"};
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);
	assert_int_equal(sl_show_exec(r, 3, argv, false, f, f), 0);
	fclose(f);
	assert_int_equal(count(t, "\" -> \""), 2);
	free(t);

	char *bad[] = {"extra"};
	assert_int_equal(run(r, NULL, false, &t, 1, bad), -EINVAL);
	assert_has(t, "unexpected 'extra'");
	free(t);
	sl_router_free(r);
}

struct fake {
	const struct sl_router *r;
};

static const char *vrf_name(void *ctx, uint32_t id)
{
	struct fake *fk = ctx;
	return sl_rib_vrf_name(sl_router_rib_const(fk->r), id);
}

/* the forwarding plane enforces RS on B -> A only (not what the file says) */
static const char *fake_binding(void *ctx, uint32_t from, uint32_t to)
{
	return strcmp(vrf_name(ctx, from), "B") == 0 && strcmp(vrf_name(ctx, to), "A") == 0 ? "RS"
											    : NULL;
}

static uint64_t fake_packets(void *ctx, uint32_t from, uint32_t to)
{
	return strcmp(vrf_name(ctx, from), "A") == 0 && strcmp(vrf_name(ctx, to), "B") == 0 ? 42
											    : 0;
}

static void test_live(void **state)
{
	(void)state;
	struct sl_router *r = router();
	struct fake fk = {.r = r};
	const struct sl_show_fw_live live = {
		.ctx = &fk, .binding = fake_binding, .leak_packets = fake_packets};
	char *t = NULL;
	assert_int_equal(run(r, &live, false, &t, 0, NULL), 0);
	assert_int_equal(count(t, "\" -> \""), 2);
	assert_has(t, "\"A\" -> \"B\" [label=\"10.2.0.0/24\\nfirewall: RS (not enforced)\\n42 "
		      "packets\"");
	assert_has(t, "\"B\" -> \"A\" [label=\"10.1.0.0/24\\nfirewall: RS\\n0 packets\", "
		      "color=darkgreen");
	assert_dot_valid(t);
	free(t);

	assert_int_equal(run(r, &live, true, &t, 0, NULL), 0);
	assert_has(t, "\"vrfs\": [\n    \"A\",\n    \"B\",\n    \"C\"\n  ]");
	assert_has(t, "\"from\": \"A\",\n      \"to\": \"B\",\n      \"prefixes\": [\n        "
		      "\"10.2.0.0/24\"\n      ],\n      \"ruleset\": \"RS (not enforced)\",\n      "
		      "\"packets\": 42");
	free(t);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
