/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CLI completion from the schema (sl_conf_complete): keywords with one-line
 * help, value placeholders, enum words, known names from a configuration;
 * keyword abbreviations (sl_conf_expand) and their errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf_test_util.h"

static const char base[] = "set vrf name CUSTOMER-A table 10\n"
			   "set vrf name SHARED table 20\n"
			   "set interfaces ethernet eth1 vrf CUSTOMER-A\n"
			   "set interfaces ethernet eth3 vif 7 vrf SHARED\n"
			   "set policy prefix-list PL rule 10 prefix 10.100.0.0/16\n"
			   "set policy prefix-list PL rule 10 action permit\n"
			   "set policy route-map RM rule 10 action permit\n"
			   "set firewall ipv4 name FW default-action drop\n";

/* The choices as "word|help" lines, in the order given. */
struct got {
	char text[8192];
	size_t off;
	int n;
};

static void collect(void *ctx, const char *word, const char *help)
{
	struct got *g = ctx;
	g->off +=
		(size_t)snprintf(g->text + g->off, sizeof(g->text) - g->off, "%s|%s\n", word, help);
	g->n++;
}

/* The words of choices only, space-separated. */
static void collect_words(void *ctx, const char *word, const char *help)
{
	struct got *g = ctx;
	(void)help;
	g->off += (size_t)snprintf(
		g->text + g->off, sizeof(g->text) - g->off, "%s%s", g->n ? " " : "", word);
	g->n++;
}

static struct sl_conf *loaded(void)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	assert_non_null(c);
	if (conf_load(c, base, &e) != 0) {
		conf_print_errors(&e);
		fail();
	}
	sl_errors_free(&e);
	return c;
}

/* Words of the choices after path (a space-separated string), with prefix. */
static int words_at(const struct sl_conf *c, const char *path, const char *prefix, struct got *g,
	char *err, size_t errsz)
{
	char buf[512];
	const char *w[32];
	int n = 0;

	memset(g, 0, sizeof(*g));
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return sl_conf_complete(c, w, n, prefix, collect_words, g, err, errsz);
}

static void test_root_keywords(void **state)
{
	struct got g = {0};
	char err[256];
	(void)state;
	int n = sl_conf_complete(NULL, NULL, 0, "", collect, &g, err, sizeof(err));
	assert_int_equal(n, 7);
	assert_int_equal(g.n, 7);
	assert_non_null(strstr(g.text, "firewall|then: ipv4\n"));
	assert_non_null(strstr(g.text, "service|then: monitoring\n"));
	assert_non_null(strstr(g.text, "system|then: control-plane, syslog\n"));
	assert_non_null(strstr(g.text, "vrf|then: name\n"));
	/* sorted */
	assert_true(strstr(g.text, "firewall|") < strstr(g.text, "interfaces|"));
	assert_true(strstr(g.text, "protocols|") < strstr(g.text, "service|"));
	assert_true(strstr(g.text, "service|") < strstr(g.text, "system|"));
	assert_true(strstr(g.text, "system|") < strstr(g.text, "vrf|"));
}

static void test_prefix_and_help(void **state)
{
	struct got g;
	char err[256];
	(void)state;
	assert_int_equal(words_at(NULL, "interfaces ethernet eth1", "", &g, err, sizeof(err)), 8);
	assert_string_equal(g.text, "address description disable hw-id ip mtu vif vrf");
	assert_int_equal(words_at(NULL, "interfaces ethernet eth1", "d", &g, err, sizeof(err)), 2);
	assert_string_equal(g.text, "description disable");

	struct got h = {0};
	const char *w[] = {"vrf", "name", "X"};
	assert_int_equal(sl_conf_complete(NULL, w, 3, "ta", collect, &h, err, sizeof(err)), 1);
	assert_non_null(strstr(h.text, "table|takes a value: "));
}

static void test_values(void **state)
{
	struct got g;
	char err[256];
	(void)state;
	/* a free value: a placeholder naming what is valid */
	struct got h = {0};
	const char *w[] = {"vrf", "name", "X", "table"};
	assert_int_equal(sl_conf_complete(NULL, w, 4, "", collect, &h, err, sizeof(err)), 1);
	assert_memory_equal(h.text, "<value>|", 8);
	/* an enum: its words */
	assert_int_equal(
		words_at(NULL, "policy prefix-list P rule 10 action", "", &g, err, sizeof(err)), 2);
	assert_string_equal(g.text, "deny permit");
	assert_int_equal(
		words_at(NULL, "firewall ipv4 name F default-action", "r", &g, err, sizeof(err)),
		1);
	assert_string_equal(g.text, "reject");
	/* a complete path: nothing more */
	assert_int_equal(words_at(NULL, "vrf name X table 10", "", &g, err, sizeof(err)), 0);
}

static void test_names_from_config(void **state)
{
	struct sl_conf *c = loaded();
	struct got g;
	char err[256];
	(void)state;
	/* tag values configured at the path */
	assert_int_equal(words_at(c, "vrf name", "", &g, err, sizeof(err)), 3);
	assert_string_equal(g.text, "<value> CUSTOMER-A SHARED");
	assert_int_equal(words_at(c, "vrf name", "S", &g, err, sizeof(err)), 2);
	assert_string_equal(g.text, "<value> SHARED");
	/* references: the objects they may name */
	assert_int_equal(words_at(c, "interfaces ethernet eth9 vrf", "", &g, err, sizeof(err)), 3);
	assert_string_equal(g.text, "<value> CUSTOMER-A SHARED");
	assert_int_equal(words_at(c, "vrf name SHARED protocols static route 10.1.0.0/24 interface",
				 "eth", &g, err, sizeof(err)),
		4);
	assert_string_equal(g.text, "<value> eth1 eth3 eth3.7");
	assert_int_equal(words_at(c, "vrf name CUSTOMER-A leak-firewall to SHARED name", "", &g,
				 err, sizeof(err)),
		2);
	assert_string_equal(g.text, "<value> FW");
	assert_int_equal(words_at(c, "policy route-map RM rule 10 match ip address prefix-list", "",
				 &g, err, sizeof(err)),
		2);
	assert_string_equal(g.text, "<value> PL");
	/* abbreviated keywords on the way */
	assert_int_equal(words_at(c, "po route-m", "", &g, err, sizeof(err)), 2);
	assert_string_equal(g.text, "<value> RM");

	memset(&g, 0, sizeof(g));
	assert_int_equal(sl_conf_names(c, SL_NAMES_IFACE, "", collect_words, &g), 3);
	assert_string_equal(g.text, "eth1 eth3 eth3.7");
	memset(&g, 0, sizeof(g));
	assert_int_equal(sl_conf_names(c, SL_NAMES_PREFIX_LIST, "", collect_words, &g), 1);
	assert_string_equal(g.text, "PL");
	sl_conf_free(c);
}

static void test_complete_errors(void **state)
{
	struct got g;
	char err[256];
	(void)state;
	assert_int_equal(
		words_at(NULL, "interfaces ethernet eth1 adress", "", &g, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "unknown node 'adress' after 'interfaces ethernet eth1' (valid: "
				 "address, description, disable, hw-id, ip, mtu, vif, vrf)");
	assert_int_equal(
		words_at(NULL, "vrf name X table 10 extra", "", &g, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unexpected 'extra' after 'vrf name X table 10'"));
}

static void test_expand(void **state)
{
	char err[256];
	(void)state;
	const char *w[] = {"v", "n", "CUSTOMER-A", "pro", "st", "ro", "10.0.0.0/8", "b"};
	assert_int_equal(sl_conf_expand(w, 8, err, sizeof(err)), 0);
	assert_string_equal(w[0], "vrf");
	assert_string_equal(w[1], "name");
	assert_string_equal(w[2], "CUSTOMER-A"); /* values stay */
	assert_string_equal(w[3], "protocols");
	assert_string_equal(w[4], "static");
	assert_string_equal(w[5], "route");
	assert_string_equal(w[6], "10.0.0.0/8");
	assert_string_equal(w[7], "blackhole");

	/* an exact keyword wins over longer ones it abbreviates */
	const char *x[] = {"interfaces", "ethernet", "eth1", "vif", "7", "vrf", "A"};
	assert_int_equal(sl_conf_expand(x, 7, err, sizeof(err)), 0);
	assert_string_equal(x[5], "vrf");

	/* ambiguous: the candidates */
	const char *a[] = {"interfaces", "ethernet", "eth1", "d"};
	assert_int_equal(sl_conf_expand(a, 4, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ambiguous 'd' after 'interfaces ethernet eth1' (could be: "
				 "description, disable)");
	const char *p[] = {"p"};
	assert_int_equal(sl_conf_expand(p, 1, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ambiguous 'p' after 'set|delete' (could be: policy, protocols)");
	/* unknown: what is valid */
	const char *u[] = {"vrf", "nam", "A", "tabel", "10"};
	assert_int_equal(sl_conf_expand(u, 5, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown node 'tabel' after 'vrf name A' (valid: "));
	assert_non_null(strstr(err, "table"));

	/* the expanded line is one the configuration accepts */
	struct sl_conf *c = loaded();
	struct sl_errors e = {0};
	char line[512] = "set";
	for (int i = 0; i < 8; i++) {
		strcat(line, " ");
		strcat(line, w[i]);
	}
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec(c, line, 1, &e, NULL), 0);
	assert_int_equal(sl_conf_commit(c, &e), 0);
	assert_non_null(sl_conf_findv(c, "vrf", "name", "CUSTOMER-A", "protocols", "static",
		"route", "10.0.0.0/8", "blackhole", NULL));
	sl_errors_free(&e);
	sl_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_keywords),
		cmocka_unit_test(test_prefix_and_help),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_names_from_config),
		cmocka_unit_test(test_complete_errors),
		cmocka_unit_test(test_expand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
