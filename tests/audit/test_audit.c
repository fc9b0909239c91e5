/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Leak audit on the seed patterns (config/): received leaks with mechanism
 * and admitting rule, refusals with their reasons, the VRF x VRF matrix, and
 * the expected-leaks check. Every expectation is read from the audit of a
 * real committed configuration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sl_audit.h"
#include "sl_show.h"

static const char *src_dir = ".";

/* Load config/NAME, then apply `extra` (may be NULL) as a second transaction. */
static struct sl_router *load(const char *name, const char *extra)
{
	struct sl_router *r = sl_router_new();
	struct sl_errors e = {0};
	char path[512];

	assert_non_null(r);
	snprintf(path, sizeof(path), "%s/config/%s", src_dir, name);
	int rc = sl_router_load_file(r, path, &e);
	for (size_t i = 0; i < e.n; i++)
		fprintf(stderr, "%s:%u: %s\n", path, e.v[i].line, e.v[i].msg);
	assert_int_equal(rc, 0);
	if (extra != NULL) {
		rc = sl_router_apply(r, extra, &e, NULL);
		for (size_t i = 0; i < e.n; i++)
			fprintf(stderr, "extra:%u: %s\n", e.v[i].line, e.v[i].msg);
		assert_int_equal(rc, 0);
	}
	sl_errors_free(&e);
	return r;
}

static struct sl_prefix pfx(const char *s)
{
	struct sl_prefix p;
	assert_int_equal(sl_prefix_parse(s, &p, false), 0);
	return p;
}

static size_t count_received(const struct sl_leak_audit *a, const char *vrf)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n_received; i++)
		n += strcmp(a->received[i].vrf, vrf) == 0;
	return n;
}

static const struct sl_leak *received(
	const struct sl_leak_audit *a, const char *vrf, const char *prefix, const char *origin)
{
	for (size_t i = 0; i < a->n_received; i++) {
		const struct sl_leak *l = &a->received[i];
		if (strcmp(l->vrf, vrf) == 0 && sl_prefix_eq(l->prefix, pfx(prefix)) &&
			strcmp(l->origin, origin) == 0)
			return l;
	}
	return NULL;
}

static const struct sl_leak_refused *refused(
	const struct sl_leak_audit *a, const char *vrf, const char *prefix, const char *origin)
{
	for (size_t i = 0; i < a->n_refused; i++) {
		const struct sl_leak_refused *f = &a->refused[i];
		if (strcmp(f->vrf, vrf) == 0 && sl_prefix_eq(f->prefix, pfx(prefix)) &&
			strcmp(f->origin, origin) == 0)
			return f;
	}
	return NULL;
}

static char *show(const struct sl_router *r, bool json, int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(sl_show_exec(r, argc, argv, json, f, stderr), 0);
	fclose(f);
	return buf;
}

static void audit(const struct sl_router *r, const char *vrf, struct sl_leak_audit *a)
{
	assert_int_equal(sl_leak_audit(r, vrf, a), 0);
}

/* ---- received and refused ---- */

static void test_dns_only(void **state)
{
	(void)state;
	struct sl_router *r = load("dns-only.conf", NULL);
	struct sl_leak_audit a;
	char text[512];

	audit(r, "CUSTOMER-A", &a);
	assert_int_equal(count_received(&a, "CUSTOMER-A"), 1);
	const struct sl_leak *l = received(&a, "CUSTOMER-A", "10.100.0.10/32", "SHARED");
	assert_non_null(l);
	assert_int_equal(l->mech, SL_LEAK_RT);
	assert_string_equal(l->detail, "route-target 65000:20");
	assert_string_equal(l->rmap, "IMPORT-DNS");
	assert_int_equal(l->rmap_seq, 10);
	assert_false(l->rmap_export);
	assert_true(l->active && l->selected);
	sl_leak_policy_text(l, text, sizeof(text));
	assert_string_equal(text, "route-map IMPORT-DNS rule 10");

	/* SHARED's subnet is offered but IMPORT-DNS has no rule for it */
	const struct sl_leak_refused *f = refused(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_RMAP_IMPLICIT);
	assert_int_equal(f->mech, SL_LEAK_RT);
	assert_string_equal(f->rmap, "IMPORT-DNS");
	assert_int_equal(f->rmap_seq, 0);
	assert_string_equal(f->plists, "DNS-ONLY");
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_string_equal(text, "denied by IMPORT-DNS's implicit deny (no rule matched; "
				  "prefix-list DNS-ONLY does not permit 10.100.0.0/24)");
	/* what was admitted is not also listed as refused */
	assert_null(refused(&a, "CUSTOMER-A", "10.100.0.10/32", "SHARED"));
	/* only CUSTOMER-A was audited */
	for (size_t i = 0; i < a.n_refused; i++)
		assert_string_equal(a.refused[i].vrf, "CUSTOMER-A");
	sl_leak_audit_free(&a);

	/* the same through `show leak vrf CUSTOMER-A`, text and JSON */
	char *argv[] = {"show", "leak", "vrf", "CUSTOMER-A"};
	char *out = show(r, false, 4, argv);
	assert_non_null(strstr(out, "VRF CUSTOMER-A: 1 received, 2 refused"));
	assert_non_null(strstr(out, "admitted by route-map IMPORT-DNS rule 10"));
	assert_non_null(strstr(out, "denied by IMPORT-DNS's implicit deny"));
	free(out);
	out = show(r, true, 4, argv);
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	json_t *v = json_array_get(json_object_get(j, "vrfs"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "CUSTOMER-A");
	json_t *recv = json_object_get(v, "received"), *ref = json_object_get(v, "refused");
	assert_int_equal(json_array_size(recv), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(recv, 0), "routeMap")),
		"IMPORT-DNS");
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(recv, 0), "routeMapRule")), 10);
	bool implicit = false;
	for (size_t i = 0; i < json_array_size(ref); i++) {
		json_t *x = json_array_get(ref, i);
		if (strcmp(json_string_value(json_object_get(x, "prefix")), "10.100.0.0/24") == 0)
			implicit = strcmp(json_string_value(json_object_get(x, "reason")),
					   "route-map-implicit-deny") == 0 &&
				   strcmp(json_string_value(json_object_get(x, "prefixLists")),
					   "DNS-ONLY") == 0;
	}
	assert_true(implicit);
	json_decref(j);
	free(out);
	sl_router_free(r);
}

/* rt-symmetric: each side's prefix comes back from the other as a leaked route */
static void test_no_re_leak_symmetric(void **state)
{
	(void)state;
	struct sl_router *r = load("rt-symmetric.conf", NULL);
	struct sl_leak_audit a;
	char text[512];

	audit(r, NULL, &a);
	assert_non_null(received(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED"));
	assert_non_null(received(&a, "SHARED", "10.1.0.0/24", "CUSTOMER-A"));
	const struct sl_leak_refused *f = refused(&a, "CUSTOMER-A", "10.1.0.0/24", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_RE_LEAK);
	assert_int_equal(f->kind, SL_SRC_VPN_IMPORT);
	assert_string_equal(f->via, "CUSTOMER-A");
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_non_null(strstr(text, "no re-leak of a leaked route"));
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

/* A -> B -> C: C imports B, B holds A's prefix as a leak, so C never gets it */
static void test_no_re_leak_chain(void **state)
{
	(void)state;
	struct sl_router *r = load("rt-shared-services.conf",
		"set vrf name C table 30\n"
		"set interfaces ethernet eth3 vrf C\n"
		"set interfaces ethernet eth3 address 10.3.0.1/24\n"
		"set vrf name C protocols bgp system-as 65000\n"
		"set vrf name C protocols bgp address-family ipv4-unicast import vrf CUSTOMER-A\n");
	struct sl_leak_audit a;

	audit(r, "C", &a);
	/* CUSTOMER-A's own subnet reaches C; SHARED's, leaked into CUSTOMER-A, does not */
	const struct sl_leak *l = received(&a, "C", "10.1.0.0/24", "CUSTOMER-A");
	assert_non_null(l);
	assert_int_equal(l->mech, SL_LEAK_IMPORT_VRF);
	assert_string_equal(l->detail, "import vrf CUSTOMER-A");
	assert_null(received(&a, "C", "10.100.0.0/24", "CUSTOMER-A"));
	const struct sl_leak_refused *f = refused(&a, "C", "10.100.0.0/24", "CUSTOMER-A");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_RE_LEAK);
	assert_int_equal(f->mech, SL_LEAK_IMPORT_VRF);
	assert_string_equal(f->via, "SHARED");
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

/* a hub exporting and importing one route-target never imports its own routes */
static void test_own_route(void **state)
{
	(void)state;
	struct sl_router *r = load("rt-symmetric.conf",
		"set vrf name SHARED protocols bgp address-family ipv4-unicast route-target both "
		"65000:100\n");
	struct sl_leak_audit a;
	char text[256];

	audit(r, "SHARED", &a);
	const struct sl_leak_refused *f = refused(&a, "SHARED", "10.100.0.0/24", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_OWN_ROUTE);
	assert_string_equal(f->detail, "route-target 65000:100");
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_string_equal(text, "own route (a VRF never imports its own routes)");
	/* without `both` the own-route refusal is gone */
	sl_leak_audit_free(&a);
	sl_router_free(r);
	r = load("rt-symmetric.conf", NULL);
	audit(r, "SHARED", &a);
	assert_null(refused(&a, "SHARED", "10.100.0.0/24", "SHARED"));
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

/* `redistribute connected` alone: SHARED's static DNS host route is not exported */
static void test_not_redistributed(void **state)
{
	(void)state;
	struct sl_router *r = load("dns-only.conf",
		"set vrf name SHARED protocols bgp address-family ipv4-unicast redistribute "
		"connected\n");
	struct sl_leak_audit a;
	char text[256];

	audit(r, "CUSTOMER-A", &a);
	assert_int_equal(count_received(&a, "CUSTOMER-A"), 0);
	const struct sl_leak_refused *f = refused(&a, "CUSTOMER-A", "10.100.0.10/32", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_REDISTRIBUTE);
	assert_int_equal(f->kind, SL_SRC_STATIC);
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_string_equal(text, "not exported: SHARED's redistribute excludes static routes");
	/* the connected subnet is still exported, and still refused by the import map */
	f = refused(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_RMAP_IMPLICIT);
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

/* `import vrf` of a VRF without bgp settings imports nothing: the audit says why */
static void test_import_vrf_without_bgp(void **state)
{
	(void)state;
	struct sl_router *r =
		load("management.conf", "set vrf name MGMT protocols bgp system-as 65000\n"
					"set vrf name MGMT protocols bgp address-family "
					"ipv4-unicast import vrf CUSTOMER-A\n");
	struct sl_leak_audit a;
	char text[256];

	audit(r, "MGMT", &a);
	assert_int_equal(count_received(&a, "MGMT"), 2); /* the two static leaks only */
	assert_int_equal(a.n_refused, 1);
	const struct sl_leak_refused *f = refused(&a, "MGMT", "10.1.0.0/24", "CUSTOMER-A");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_ORIGIN_NO_BGP);
	assert_int_equal(f->mech, SL_LEAK_IMPORT_VRF);
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_string_equal(text, "not exported: CUSTOMER-A has no bgp settings (import vrf needs "
				  "`protocols bgp` in both VRFs)");
	sl_leak_audit_free(&a);
	sl_router_free(r);

	/* with bgp settings in CUSTOMER-A the same line leaks the subnet */
	r = load("management.conf", "set vrf name MGMT protocols bgp system-as 65000\n"
				    "set vrf name MGMT protocols bgp address-family ipv4-unicast "
				    "import vrf CUSTOMER-A\n"
				    "set vrf name CUSTOMER-A protocols bgp system-as 65000\n");
	audit(r, "MGMT", &a);
	assert_int_equal(a.n_refused, 0);
	const struct sl_leak *l = received(&a, "MGMT", "10.1.0.0/24", "CUSTOMER-A");
	assert_non_null(l);
	assert_int_equal(l->mech, SL_LEAK_IMPORT_VRF);
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

/* an explicit deny rule on import, an export route-map with no matching rule */
static void test_route_map_denials(void **state)
{
	(void)state;
	struct sl_router *r = load("rt-symmetric.conf",
		"set policy prefix-list SHARED-NET rule 10 prefix 10.100.0.0/24\n"
		"set policy prefix-list SHARED-NET rule 10 action permit\n"
		"set policy route-map IMP rule 10 match ip address prefix-list SHARED-NET\n"
		"set policy route-map IMP rule 10 action deny\n"
		"set policy route-map IMP rule 20 action permit\n"
		"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-map vpn "
		"import IMP\n"
		"set policy prefix-list NOTHING rule 10 prefix 192.0.2.0/24\n"
		"set policy prefix-list NOTHING rule 10 action permit\n"
		"set policy route-map EXP rule 10 match ip address prefix-list NOTHING\n"
		"set policy route-map EXP rule 10 action permit\n"
		"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-map vpn "
		"export EXP\n");
	struct sl_leak_audit a;
	char text[512];

	audit(r, NULL, &a);
	const struct sl_leak_refused *f = refused(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_RMAP_DENY);
	assert_string_equal(f->rmap, "IMP");
	assert_int_equal(f->rmap_seq, 10);
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_string_equal(text, "denied by route-map IMP rule 10");
	assert_int_equal(count_received(&a, "CUSTOMER-A"), 0);

	f = refused(&a, "SHARED", "10.1.0.0/24", "CUSTOMER-A");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_EXPORT_RMAP);
	assert_string_equal(f->rmap, "EXP");
	assert_int_equal(f->rmap_seq, 0);
	assert_string_equal(f->plists, "NOTHING");
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_non_null(
		strstr(text, "not exported: CUSTOMER-A's export route-map: EXP's implicit deny"));
	assert_int_equal(count_received(&a, "SHARED"), 0);
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

static void test_static_and_backup(void **state)
{
	(void)state;
	struct sl_router *r = load("demo-shared-services.conf", NULL);
	struct sl_leak_audit a;
	char text[256];

	audit(r, NULL, &a);
	const struct sl_leak *l = received(&a, "CUSTOMER-A", "0.0.0.0/0", "INTERNET");
	assert_non_null(l);
	assert_int_equal(l->mech, SL_LEAK_STATIC);
	assert_string_equal(l->detail, "next-hop 203.0.113.1 vrf INTERNET");
	sl_leak_policy_text(l, text, sizeof(text));
	assert_string_equal(text, "no route-map");
	l = received(&a, "MGMT", "10.2.0.0/16", "CUSTOMER-B");
	assert_non_null(l);
	assert_string_equal(l->detail, "interface eth2 vrf CUSTOMER-B");
	assert_int_equal(count_received(&a, "MGMT"), 2);
	assert_int_equal(count_received(&a, "CUSTOMER-B"), 1);
	assert_null(received(&a, "CUSTOMER-B", "0.0.0.0/0", "INTERNET"));
	/* static leaks need no BGP: nothing is offered, nothing refused */
	assert_int_equal(a.n_refused, 0);
	sl_leak_audit_free(&a);
	sl_router_free(r);

	/* the backup path: SHARED-DR's copy is admitted by its export map, not selected */
	r = load("backup-local-preference.conf", NULL);
	audit(r, "CUSTOMER-A", &a);
	l = received(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED-DR");
	assert_non_null(l);
	assert_true(l->rmap_export);
	assert_false(l->selected);
	assert_int_equal(l->local_pref, 50);
	sl_leak_policy_text(l, text, sizeof(text));
	assert_string_equal(text, "export route-map IMPORT-BACKUP rule 10 of SHARED-DR");
	l = received(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED");
	assert_non_null(l);
	assert_true(l->selected);
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

/* Collisions cannot be committed; an uncommitted RIB change shows the audit's handling. */
static void test_collision(void **state)
{
	(void)state;
	struct sl_router *r = load("rt-symmetric.conf", NULL);
	struct sl_prefix addr;
	struct sl_leak_audit a;
	char text[256];

	assert_int_equal(sl_prefix_parse("10.100.0.5/24", &addr, true), 0);
	assert_int_equal(
		sl_rib_iface_set(sl_router_rib(r), "eth9", "CUSTOMER-A", true, &addr, 1), 0);
	/* CUSTOMER-A now also has SHARED's subnet, and exports it to SHARED: both collide */
	const struct sl_rib_collision *col;
	assert_int_equal(sl_rib_collisions(sl_router_rib_const(r), &col), 2);

	audit(r, "CUSTOMER-A", &a);
	assert_null(received(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED"));
	size_t n = 0;
	for (size_t i = 0; i < a.n_refused; i++)
		n += a.refused[i].reason == SL_REFUSED_COLLISION;
	assert_int_equal(n, 1); /* re-evaluated and recorded by the RIB: listed once */
	const struct sl_leak_refused *f = refused(&a, "CUSTOMER-A", "10.100.0.0/24", "SHARED");
	assert_non_null(f);
	assert_int_equal(f->reason, SL_REFUSED_COLLISION);
	assert_true(sl_prefix_eq(f->connected, pfx("10.100.0.0/24")));
	sl_leak_refusal_text(f, text, sizeof(text));
	assert_string_equal(text, "collision with connected 10.100.0.0/24");
	sl_leak_audit_free(&a);
	sl_router_free(r);
}

static void test_unknown_vrf(void **state)
{
	(void)state;
	struct sl_router *r = load("dns-only.conf", NULL);
	struct sl_leak_audit a;
	assert_int_equal(sl_leak_audit(r, "NOPE", &a), -ENOENT);
	sl_leak_audit_free(&a);
	char *argv[] = {"show", "leak", "vrf", "NOPE"};
	FILE *devnull = fopen("/dev/null", "w");
	assert_int_equal(sl_show_exec(r, 4, argv, false, devnull, devnull), -EINVAL);
	fclose(devnull);
	sl_router_free(r);
}

/* `sluicectl check-leaks` reads a daemon's `show leak --json`: the reply must
 * give back exactly the audit's received leaks, on every example config. */
static void test_json_round_trip(void **state)
{
	(void)state;
	static const char *confs[] = {"backup-local-preference.conf", "demo-shared-services.conf",
		"dns-only.conf", "internet-gateway.conf", "management.conf",
		"rt-shared-services.conf", "rt-symmetric.conf", "static-bidirectional.conf",
		"static-shared-services.conf"};
	size_t total = 0;
	for (size_t c = 0; c < sizeof(confs) / sizeof(confs[0]); c++) {
		struct sl_router *r = load(confs[c], NULL);
		struct sl_leak_audit a;
		struct sl_leak *back;
		size_t n;
		char *argv[] = {"show", "leak"};
		char *out = show(r, true, 2, argv);

		audit(r, NULL, &a);
		assert_int_equal(sl_leak_received_from_json(out, &back, &n), 0);
		assert_int_equal(n, a.n_received);
		for (size_t i = 0; i < n; i++) {
			const struct sl_leak *x = &a.received[i], *y = &back[i];
			assert_string_equal(x->vrf, y->vrf);
			assert_string_equal(x->origin, y->origin);
			assert_true(sl_prefix_eq(x->prefix, y->prefix));
			assert_int_equal(x->mech, y->mech);
			assert_string_equal(x->detail, y->detail);
			assert_int_equal(x->active, y->active);
			assert_int_equal(x->selected, y->selected);
		}
		total += n;
		free(back);
		free(out);
		sl_leak_audit_free(&a);
		sl_router_free(r);
	}
	/* leaks per example, in the order above (show leak on each) */
	assert_int_equal(total, 2 + 8 + 2 + 2 + 2 + 1 + 2 + 2 + 2);

	struct sl_leak *back = (struct sl_leak *)1;
	size_t n = 1;
	assert_int_equal(sl_leak_received_from_json("{\"routes\": []}", &back, &n), -EINVAL);
	assert_null(back);
	assert_int_equal(n, 0);
	assert_int_equal(sl_leak_received_from_json(
				 "{\"vrfs\": [{\"name\": \"A\", \"received\": [{\"prefix\": "
				 "\"10.0.0.0/33\", \"from\": \"B\", \"mechanism\": \"static\"}]}]}",
				 &back, &n),
		-EINVAL);
}

/* ---- matrix ---- */

static int vrf_index(const struct sl_leak_matrix *m, const char *name)
{
	for (size_t i = 0; i < m->n_vrfs; i++)
		if (strcmp(m->vrfs[i], name) == 0)
			return (int)i;
	fail_msg("vrf %s not in the matrix", name);
	return -1;
}

static const struct sl_leak_reach *cell(
	const struct sl_leak_matrix *m, const char *from, const char *to)
{
	return sl_leak_matrix_cell(m, (size_t)vrf_index(m, from), (size_t)vrf_index(m, to));
}

static void test_matrix_management(void **state)
{
	(void)state;
	struct sl_router *r = load("management.conf", NULL);
	struct sl_leak_matrix m;

	assert_int_equal(sl_leak_matrix(r, &m), 0);
	assert_int_equal(m.n_vrfs, 3); /* the unused default VRF is left out */
	const struct sl_leak_reach *c = cell(&m, "MGMT", "CUSTOMER-A");
	assert_int_equal(c->n_prefixes, 1);
	assert_true(sl_prefix_eq(c->prefixes[0], pfx("10.1.0.0/16")));
	assert_int_equal(c->ret, SL_RETURN_NONE);
	assert_int_equal(c->n_gaps, 1);
	assert_true(sl_prefix_eq(c->gaps[0].source, pfx("10.99.0.0/24")));
	assert_false(c->gaps[0].has_route);
	assert_string_equal(c->firewall, "");
	c = cell(&m, "CUSTOMER-A", "MGMT");
	assert_int_equal(c->n_prefixes, 0);
	assert_int_equal(c->ret, SL_RETURN_NA);
	assert_int_equal(cell(&m, "CUSTOMER-A", "CUSTOMER-B")->n_prefixes, 0);
	sl_leak_matrix_free(&m);

	char *argv[] = {"show", "leak", "matrix"};
	char *out = show(r, false, 3, argv);
	assert_non_null(strstr(out, "MGMT -> CUSTOMER-A: 10.1.0.0/16\n  return path: no\n"
				    "    10.99.0.0/24: CUSTOMER-A has no route for it\n"));
	free(out);
	sl_router_free(r);
}

static void test_matrix_return_paths(void **state)
{
	(void)state;
	struct sl_router *r = load("rt-symmetric.conf", NULL);
	struct sl_leak_matrix m;

	assert_int_equal(sl_leak_matrix(r, &m), 0);
	assert_int_equal(cell(&m, "CUSTOMER-A", "SHARED")->ret, SL_RETURN_FULL);
	assert_int_equal(cell(&m, "SHARED", "CUSTOMER-A")->ret, SL_RETURN_FULL);
	sl_leak_matrix_free(&m);
	sl_router_free(r);

	/* one-way route targets: CUSTOMER-A reaches SHARED, SHARED has no way back */
	r = load("rt-shared-services.conf", NULL);
	assert_int_equal(sl_leak_matrix(r, &m), 0);
	assert_int_equal(cell(&m, "CUSTOMER-A", "SHARED")->ret, SL_RETURN_NONE);
	assert_int_equal(cell(&m, "SHARED", "CUSTOMER-A")->n_prefixes, 0);
	sl_leak_matrix_free(&m);
	sl_router_free(r);

	/* demo: the customers' reply to MGMT follows CUSTOMER-A's default into INTERNET;
	 * a second customer subnet SHARED has no route for makes the return partial */
	r = load(
		"demo-shared-services.conf", "set interfaces ethernet eth1 address 10.11.0.1/24\n");
	assert_int_equal(sl_leak_matrix(r, &m), 0);
	const struct sl_leak_reach *c = cell(&m, "MGMT", "CUSTOMER-A");
	assert_int_equal(c->ret, SL_RETURN_NONE);
	assert_true(c->gaps[0].has_route);
	assert_true(sl_prefix_eq(c->gaps[0].route, pfx("0.0.0.0/0")));
	assert_string_equal(c->gaps[0].leads_to, "INTERNET");
	c = cell(&m, "CUSTOMER-A", "SHARED");
	assert_int_equal(c->ret, SL_RETURN_PARTIAL);
	assert_int_equal(c->n_gaps, 1);
	assert_true(sl_prefix_eq(c->gaps[0].source, pfx("10.11.0.0/24")));
	/* INTERNET routes everything of CUSTOMER-A back: 10.1.0.0/24 by its static
	 * leak, but 10.11.0.0/24 only by its own default route */
	c = cell(&m, "CUSTOMER-A", "INTERNET");
	assert_int_equal(c->ret, SL_RETURN_PARTIAL);
	assert_string_equal(c->gaps[0].leads_to, "INTERNET");
	sl_leak_matrix_free(&m);
	sl_router_free(r);
}

static void test_matrix_firewall(void **state)
{
	(void)state;
	struct sl_router *r = load("static-bidirectional.conf",
		"set vrf name CUSTOMER-A leak-firewall to SHARED name SHARED-TO-CUSTOMER\n");
	struct sl_leak_matrix m;

	assert_int_equal(sl_leak_matrix(r, &m), 0);
	assert_string_equal(cell(&m, "CUSTOMER-A", "SHARED")->firewall, "SHARED-TO-CUSTOMER");
	assert_string_equal(cell(&m, "SHARED", "CUSTOMER-A")->firewall, "");
	sl_leak_matrix_free(&m);

	char *argv[] = {"show", "leak", "matrix"};
	char *out = show(r, false, 3, argv);
	assert_non_null(strstr(out, "firewall: guarded by ruleset SHARED-TO-CUSTOMER"));
	assert_non_null(strstr(out, "firewall: none (unguarded)"));
	free(out);
	out = show(r, true, 3, argv);
	json_t *j = json_loads(out, 0, NULL), *x;
	size_t i;
	bool seen = false;
	json_array_foreach(json_object_get(j, "leaks"), i, x)
	{
		json_t *fw = json_object_get(x, "firewall");
		if (strcmp(json_string_value(json_object_get(x, "from")), "CUSTOMER-A") == 0) {
			seen = true;
			assert_string_equal(json_string_value(json_object_get(fw, "ruleset")),
				"SHARED-TO-CUSTOMER");
			assert_true(json_is_false(json_object_get(fw, "enforced")));
			assert_string_equal(
				json_string_value(json_object_get(x, "returnPath")), "full");
		}
	}
	assert_true(seen);
	json_decref(j);
	free(out);
	sl_router_free(r);
}

/* ---- expected leaks ---- */

static void parse_ok(const char *text, struct sl_leak_expectations *exp)
{
	struct sl_errors e = {0};
	int rc = sl_leak_expect_parse(text, exp, &e);
	for (size_t i = 0; i < e.n; i++)
		fprintf(stderr, "%u: %s\n", e.v[i].line, e.v[i].msg);
	assert_int_equal(rc, 0);
	sl_errors_free(&e);
}

static void diff(const char *conf, const char *extra, const char *text, struct sl_leak_diff *d)
{
	struct sl_router *r = load(conf, extra);
	struct sl_leak_expectations exp;
	struct sl_leak_audit a;
	parse_ok(text, &exp);
	audit(r, NULL, &a);
	assert_int_equal(sl_leak_check(&exp, a.received, a.n_received, d), 0);
	sl_leak_audit_free(&a);
	sl_leak_expect_free(&exp);
	sl_router_free(r);
}

static void test_expect_parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"CUSTOMER-A SHARED 10.1.0.0/24",
			"expected 'IMPORTER <- ORIGIN PREFIX [orlonger]', got 3 words"},
		{"A <= B 10.1.0.0/24", "expected '<-' after 'A', got '<='"},
		{"A <- B 10.1.0.1/24",
			"'10.1.0.1/24' has host bits set (valid: a network, e.g. 10.1.0.0/24)"},
		{"A <- B 10.1.0.0/33", "'10.1.0.0/33' is not a prefix"},
		{"A <- B * orlonger", "unexpected 'orlonger' after '*'"},
		{"A <- B 10.0.0.0/8 longer", "unexpected 'longer' after '10.0.0.0/8'"},
		{"A.B <- B 10.0.0.0/8", "'A.B' is not a VRF name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		struct sl_errors e = {0};
		struct sl_leak_expectations exp;
		snprintf(text, sizeof(text), "# header\n\nA <- B *\n%s\n", bad[i].line);
		assert_int_equal(sl_leak_expect_parse(text, &exp, &e), -EINVAL);
		assert_int_equal(e.n, 1);
		assert_int_equal(e.v[0].line, 4);
		if (strstr(e.v[0].msg, bad[i].msg) == NULL)
			fail_msg("'%s': got '%s', want '%s'", bad[i].line, e.v[0].msg, bad[i].msg);
		sl_errors_free(&e);
		sl_leak_expect_free(&exp);
	}
}

static void test_expect_parse(void **state)
{
	(void)state;
	struct sl_leak_expectations exp;
	parse_ok("# intended leaks\n"
		 "CUSTOMER-A <- SHARED 10.100.0.0/24   # DNS and NTP\n"
		 "\n"
		 "MGMT <- * 10.0.0.0/8 orlonger\n"
		 "* <- INTERNET *\n",
		&exp);
	assert_int_equal(exp.n, 3);
	assert_int_equal(exp.v[0].line, 2);
	assert_true(
		sl_leak_expect_matches(&exp.v[0], "CUSTOMER-A", "SHARED", pfx("10.100.0.0/24")));
	assert_false(
		sl_leak_expect_matches(&exp.v[0], "CUSTOMER-A", "SHARED", pfx("10.100.0.0/25")));
	assert_true(sl_leak_expect_matches(&exp.v[1], "MGMT", "CUSTOMER-B", pfx("10.2.0.0/16")));
	assert_false(sl_leak_expect_matches(&exp.v[1], "MGMT", "CUSTOMER-B", pfx("0.0.0.0/0")));
	assert_true(sl_leak_expect_matches(&exp.v[2], "CUSTOMER-B", "INTERNET", pfx("0.0.0.0/0")));
	assert_false(sl_leak_expect_matches(&exp.v[2], "CUSTOMER-B", "SHARED", pfx("0.0.0.0/0")));
	sl_leak_expect_free(&exp);
}

static char *slurp(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", src_dir, rel);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void test_check_equal(void **state)
{
	(void)state;
	struct sl_leak_diff d;
	char *text = slurp("config/expected-leaks-demo.conf");
	diff("demo-shared-services.conf", NULL, text, &d);
	assert_int_equal(d.n_unexpected, 0);
	assert_int_equal(d.n_missing, 0);
	assert_int_equal(d.n_leaks, 8);
	sl_leak_diff_free(&d);
	free(text);

	/* both DNS-only leaks, one line each */
	diff("dns-only.conf", NULL,
		"CUSTOMER-A <- SHARED 10.100.0.10/32\nSHARED <- CUSTOMER-A 10.1.0.0/24\n", &d);
	assert_int_equal(d.n_unexpected + d.n_missing, 0);
	assert_int_equal(d.n_leaks, 2);
	sl_leak_diff_free(&d);
}

static void test_check_unexpected(void **state)
{
	(void)state;
	struct sl_leak_diff d;
	char *text = slurp("config/expected-leaks-demo.conf");
	/* someone hands CUSTOMER-B the internet too */
	diff("demo-shared-services.conf",
		"set vrf name CUSTOMER-B protocols static route 0.0.0.0/0 next-hop 203.0.113.1 "
		"vrf INTERNET\n",
		text, &d);
	assert_int_equal(d.n_missing, 0);
	assert_int_equal(d.n_unexpected, 1);
	assert_string_equal(d.unexpected[0].vrf, "CUSTOMER-B");
	assert_string_equal(d.unexpected[0].origin, "INTERNET");
	assert_true(sl_prefix_eq(d.unexpected[0].prefix, pfx("0.0.0.0/0")));
	assert_int_equal(d.n_leaks, 9);
	sl_leak_diff_free(&d);
	free(text);

	/* dns-only with the DNS-ONLY prefix-list widened to the whole /24 */
	diff("dns-only.conf",
		"set policy prefix-list DNS-ONLY rule 10 prefix 10.100.0.0/24\n"
		"set policy prefix-list DNS-ONLY rule 10 le 32\n",
		"CUSTOMER-A <- SHARED 10.100.0.10/32\nSHARED <- CUSTOMER-A *\n", &d);
	assert_int_equal(d.n_unexpected, 1);
	assert_true(sl_prefix_eq(d.unexpected[0].prefix, pfx("10.100.0.0/24")));
	assert_int_equal(d.n_missing, 0);
	sl_leak_diff_free(&d);
}

static void test_check_missing(void **state)
{
	(void)state;
	struct sl_leak_diff d;
	char *text = slurp("config/expected-leaks-demo.conf");
	/* the return route for CUSTOMER-A's internet traffic was removed */
	diff("demo-shared-services.conf",
		"delete vrf name INTERNET protocols static route 10.1.0.0/24\n", text, &d);
	assert_int_equal(d.n_unexpected, 0);
	assert_int_equal(d.n_missing, 1);
	assert_string_equal(d.missing[0].expect.vrf, "INTERNET");
	assert_true(sl_prefix_eq(d.missing[0].expect.prefix, pfx("10.1.0.0/24")));
	assert_false(d.missing[0].inactive);
	sl_leak_diff_free(&d);
	free(text);

	/* a leak whose next hop does not resolve forwards nothing: missing, noted inactive */
	diff("internet-gateway.conf", "set interfaces ethernet eth4 disable\n",
		"CUSTOMER-A <- INTERNET 0.0.0.0/0\nINTERNET <- CUSTOMER-A 10.1.0.0/24\n", &d);
	assert_int_equal(d.n_unexpected, 0);
	assert_int_equal(d.n_missing, 1);
	assert_string_equal(d.missing[0].expect.vrf, "CUSTOMER-A");
	assert_int_equal(d.missing[0].expect.line, 1);
	assert_true(d.missing[0].inactive);
	sl_leak_diff_free(&d);
}

/* Route sources have one table of names (lib/rib): text and JSON values
 * dashed, telemetry keys the same words snake_cased, show ip route's
 * letters, and the leak mechanisms the audit names come from it too. */
static void test_source_names(void **state)
{
	(void)state;
	static const char want_code[SL_SRC__COUNT + 1] = "CLSSBBBON";
	for (int s = 0; s < SL_SRC__COUNT; s++) {
		const struct sl_rt_source_names *n = sl_rt_source(s);
		assert_ptr_equal(sl_rt_source_name(s), n->name);
		assert_int_equal(n->code, want_code[s]);
		char key[32];
		snprintf(key, sizeof(key), "%s", n->name);
		for (char *c = key; *c; c++) {
			assert_true((*c >= 'a' && *c <= 'z') || *c == '-');
			*c = *c == '-' ? '_' : *c;
		}
		assert_string_equal(n->key, key);
		for (int t = 0; t < s; t++) {
			assert_string_not_equal(n->name, sl_rt_source(t)->name);
			assert_string_not_equal(n->key, sl_rt_source(t)->key);
		}
		bool leak =
			s == SL_SRC_STATIC_LEAK || s == SL_SRC_VPN_IMPORT || s == SL_SRC_VRF_IMPORT;
		assert_int_equal(n->mech != NULL, leak);
	}
	assert_string_equal(sl_rt_source(SL_SRC__COUNT)->name, "unknown");
	assert_int_equal(sl_rt_source((enum sl_rt_source)99)->code, '?');
	/* the audit's mechanisms are the table's, pointer for pointer */
	assert_ptr_equal(sl_leak_mech_name(SL_LEAK_STATIC), sl_rt_source(SL_SRC_STATIC_LEAK)->mech);
	assert_ptr_equal(sl_leak_mech_name(SL_LEAK_RT), sl_rt_source(SL_SRC_VPN_IMPORT)->mech);
	assert_ptr_equal(
		sl_leak_mech_name(SL_LEAK_IMPORT_VRF), sl_rt_source(SL_SRC_VRF_IMPORT)->mech);
	assert_string_equal(sl_leak_mech_name(SL_LEAK_RT), "route-target");
	assert_string_equal(sl_leak_mech_name((enum sl_leak_mech)7), "unknown");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		src_dir = argv[1];
	else if (getenv("SLUICE_SRC") != NULL)
		src_dir = getenv("SLUICE_SRC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_names),
		cmocka_unit_test(test_dns_only),
		cmocka_unit_test(test_no_re_leak_symmetric),
		cmocka_unit_test(test_no_re_leak_chain),
		cmocka_unit_test(test_own_route),
		cmocka_unit_test(test_not_redistributed),
		cmocka_unit_test(test_route_map_denials),
		cmocka_unit_test(test_import_vrf_without_bgp),
		cmocka_unit_test(test_static_and_backup),
		cmocka_unit_test(test_collision),
		cmocka_unit_test(test_unknown_vrf),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_matrix_management),
		cmocka_unit_test(test_matrix_return_paths),
		cmocka_unit_test(test_matrix_firewall),
		cmocka_unit_test(test_expect_parse_errors),
		cmocka_unit_test(test_expect_parse),
		cmocka_unit_test(test_check_equal),
		cmocka_unit_test(test_check_unexpected),
		cmocka_unit_test(test_check_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
