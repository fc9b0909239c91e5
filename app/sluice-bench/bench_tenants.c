/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice-bench-tenants — the control plane at many tenants (issue 10, item 4;
 * not a test). Generates T tenant VRFs, each on its own vif (eth0 vif 1..4094,
 * then eth1), with R static routes, importing a SHARED VRF by route target
 * while SHARED imports every tenant back (the shared-services pattern of the
 * seed configurations), and measures through the whole commit path (parse,
 * validate, RIB, leaks, FIB change log; no DPDK):
 *   - load + commit of the whole configuration, CPU time and peak memory;
 *   - one-line commits in the loaded router: a tenant's static route, a new
 *     tenant (VRF, vif, leak settings), a tenant's export route target;
 *   - the refusal of the tenant past the limit, when T is the limit.
 *
 * usage: sluice-bench-tenants [--tenants T] [--routes R] [--repeat N] [--json FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sl_commit.h"

/* Tenant i (1-based): its vif and its addresses (100.64.0.0/10, /24 each). */
static void tenant_lines(FILE *f, unsigned i, unsigned routes)
{
	unsigned port = i <= 4094 ? 0 : 1, vlan = i <= 4094 ? i : i - 4094;
	unsigned a = 64 + i / 256, b = i % 256;

	fprintf(f, "set vrf name C%u table %u\n", i, 1000 + i);
	fprintf(f, "set interfaces ethernet eth%u vif %u vrf C%u\n", port, vlan, i);
	fprintf(f, "set interfaces ethernet eth%u vif %u address 100.%u.%u.1/24\n", port, vlan, a,
		b);
	for (unsigned r = 0; r < routes; r++)
		fprintf(f,
			"set vrf name C%u protocols static route 172.%u.%u.%u/32 next-hop "
			"100.%u.%u.%u\n",
			i, 16 + r % 16, a, b, a, b, 2 + r % 250);
	fprintf(f, "set vrf name C%u protocols bgp system-as 65000\n", i);
	fprintf(f, "set vrf name C%u protocols bgp address-family ipv4-unicast rd 65000:%u\n", i,
		100 + i);
	fprintf(f,
		"set vrf name C%u protocols bgp address-family ipv4-unicast route-target import "
		"65000:1\n",
		i);
	fprintf(f,
		"set vrf name C%u protocols bgp address-family ipv4-unicast route-target export "
		"65000:2\n",
		i);
}

static void gen_config(FILE *f, unsigned tenants, unsigned routes)
{
	fprintf(f, "set vrf name SHARED table 5\n");
	fprintf(f, "set interfaces ethernet eth2 vrf SHARED\n");
	fprintf(f, "set interfaces ethernet eth2 address 10.100.0.1/24\n");
	fprintf(f, "set vrf name SHARED protocols bgp system-as 65000\n");
	fprintf(f, "set vrf name SHARED protocols bgp address-family ipv4-unicast rd 65000:1\n");
	fprintf(f, "set vrf name SHARED protocols bgp address-family ipv4-unicast route-target "
		   "export 65000:1\n");
	fprintf(f, "set vrf name SHARED protocols bgp address-family ipv4-unicast route-target "
		   "import 65000:2\n");
	for (unsigned i = 1; i <= tenants; i++)
		tenant_lines(f, i, routes);
}

/* Apply text; the CPU ms it took, negative when refused (errors in *e). */
static double apply_ms(struct sl_router *r, const char *text, struct sl_errors *e)
{
	double c0 = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID);
	int rc = sl_router_apply(r, text, e, NULL);
	double ms = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
	return rc == 0 ? ms : -1;
}

static int fail(const char *what, struct sl_errors *e)
{
	fprintf(stderr, "sluice-bench-tenants: %s was refused\n", what);
	for (size_t i = 0; i < e->n && i < 5; i++)
		fprintf(stderr, "  %u: %s\n", e->v[i].line, e->v[i].msg);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned tenants = SL_VRF_CONF_MAX - 2, routes = 3, repeat = 21;
	const char *json = NULL;
	struct sl_errors e = {0};
	char *text = NULL, line[512];
	size_t len = 0;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--tenants") == 0)
			tenants = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--routes") == 0)
			routes = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--repeat") == 0)
			repeat = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--json") == 0)
			json = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--tenants T] [--routes R] [--repeat N] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	/* SHARED is a VRF too; the one-line commits add one tenant more, and at
	 * the end one more reaches the limit */
	if (tenants < 2 || tenants > SL_VRF_CONF_MAX - 2 || routes > 250 || repeat == 0) {
		fprintf(stderr,
			"sluice-bench-tenants: --tenants 2..%d, --routes 0..250, --repeat >= 1\n",
			SL_VRF_CONF_MAX - 2);
		return 2;
	}

	FILE *m = open_memstream(&text, &len);
	gen_config(m, tenants, routes);
	fclose(m);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';

	struct sl_router *r = sl_router_new();
	double w0 = bench_clock_ms(CLOCK_MONOTONIC);
	double load_cpu = apply_ms(r, text, &e);
	double load_wall = bench_clock_ms(CLOCK_MONOTONIC) - w0;
	if (load_cpu < 0)
		return fail("the generated configuration", &e);
	free(text);
	long rss_peak = bench_rss_peak_kib();
	struct sl_vrf_info vs, vc;
	sl_rib_vrf_info(sl_router_rib_const(r), "SHARED", &vs);
	sl_rib_vrf_info(sl_router_rib_const(r), "C1", &vc);
	/* the first commit after the load frees its undo log: not a one-line figure */
	if (apply_ms(r, "set vrf name SHARED description shared\n", &e) < 0)
		return fail("the first commit", &e);

	double *st = calloc(repeat, sizeof(double)), *rt = calloc(repeat, sizeof(double));
	double *nt = calloc(repeat, sizeof(double));
	for (unsigned i = 0; i < repeat; i++) {
		unsigned t = 1 + (i * 97) % tenants, a = 64 + t / 256, b = t % 256;
		snprintf(line, sizeof(line),
			"set vrf name C%u protocols static route 198.18.%u.0/24 next-hop "
			"100.%u.%u.9\n",
			t, i % 256, a, b);
		if ((st[i] = apply_ms(r, line, &e)) < 0)
			return fail(line, &e);
		snprintf(line, sizeof(line),
			"set vrf name C%u protocols bgp address-family ipv4-unicast route-target "
			"export 65000:%u\n",
			t, i % 2 ? 2 : 3);
		if ((rt[i] = apply_ms(r, line, &e)) < 0)
			return fail(line, &e);
		/* a new tenant, then it goes again */
		m = open_memstream(&text, &len);
		tenant_lines(m, tenants + 1, routes);
		fclose(m);
		if ((nt[i] = apply_ms(r, text, &e)) < 0)
			return fail("a new tenant", &e);
		free(text);
		snprintf(line, sizeof(line),
			"delete interfaces ethernet eth%u vif %u\ndelete vrf name C%u\n",
			tenants + 1 <= 4094 ? 0 : 1,
			tenants + 1 <= 4094 ? tenants + 1 : tenants + 1 - 4094, tenants + 1);
		if (apply_ms(r, line, &e) < 0)
			return fail(line, &e);
	}
	/* at the limit: one tenant past it */
	m = open_memstream(&text, &len);
	tenant_lines(m, tenants + 1, routes);
	fclose(m);
	double at_limit = -1, refused = -1;
	if (tenants + 2 == SL_VRF_CONF_MAX) { /* SHARED + tenants + 1 = the limit */
		if ((at_limit = apply_ms(r, text, &e)) < 0)
			return fail("the tenant at the limit", &e);
		free(text);
		m = open_memstream(&text, &len);
		tenant_lines(m, tenants + 2, routes);
		fclose(m);
		refused = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID);
		if (apply_ms(r, text, &e) >= 0) {
			fprintf(stderr, "sluice-bench-tenants: the tenant past the limit loaded\n");
			return 1;
		}
		refused = bench_clock_ms(CLOCK_THREAD_CPUTIME_ID) - refused;
		printf("  past the limit: %u: %s\n", e.n ? e.v[0].line : 0,
			e.n ? e.v[0].msg : "(no error)");
	}
	free(text);

	struct bench_stat s1 = bench_stats(st, repeat), s2 = bench_stats(rt, repeat),
			  s3 = bench_stats(nt, repeat);
	printf("sluice tenants benchmark: %u tenant VRFs + SHARED, one vif each, %u static routes "
	       "each; tenants import SHARED and SHARED imports them (route targets)\n",
		tenants, routes);
	printf("  load + commit (%zu lines):     %9.1f ms CPU (%0.1f ms wall), peak RSS %0.1f "
	       "MiB\n",
		lines, load_cpu, load_wall, rss_peak / 1024.0);
	printf("  SHARED: %zu selected routes (%zu imported); C1: %zu selected (%zu imported)\n",
		vs.n_selected, vs.n_routes[SL_SRC_VPN_IMPORT], vc.n_selected,
		vc.n_routes[SL_SRC_VPN_IMPORT]);
	printf("  one-line commits, CPU ms median / max of %u:\n", repeat);
	printf("    a tenant's static route        %8.3f / %8.3f\n", s1.median, s1.max);
	printf("    a tenant's export route target %8.3f / %8.3f\n", s2.median, s2.max);
	printf("    a new tenant (%u lines)        %8.3f / %8.3f\n", 7 + routes, s3.median, s3.max);
	if (at_limit >= 0)
		printf("    the tenant at the limit        %8.3f; the one past it refused in "
		       "%0.3f\n",
			at_limit, refused);
	if (json != NULL) {
		FILE *j = fopen(json, "w");
		if (j == NULL) {
			perror(json);
			return 1;
		}
		fprintf(j,
			"{\"tenants\": %u, \"routes_per_tenant\": %u, \"lines\": %zu, "
			"\"load_cpu_ms\": %.1f, \"load_wall_ms\": %.1f, \"rss_peak_kib\": %ld, "
			"\"repeat\": %u, \"static_ms\": {\"median\": %.3f, \"max\": %.3f}, "
			"\"export_rt_ms\": {\"median\": %.3f, \"max\": %.3f}, "
			"\"new_tenant_ms\": {\"median\": %.3f, \"max\": %.3f}}\n",
			tenants, routes, lines, load_cpu, load_wall, rss_peak, repeat, s1.median,
			s1.max, s2.median, s2.max, s3.median, s3.max);
		fclose(j);
	}
	free(st);
	free(rt);
	free(nt);
	sl_errors_free(&e);
	sl_router_free(r);
	return 0;
}
