/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice-bench-control — the control-plane benchmark of issue 2 (not a test).
 *
 * Generates (deterministic, seeded) a configuration of V customer VRFs holding
 * R static routes in total plus a SHARED VRF of S routes leaked by route target
 * into every customer VRF through an import route-map, then measures:
 *   - load + commit time of the whole configuration, and peak memory (RSS);
 *   - one-line commits in the loaded router: add/delete one static route, and
 *     change the import route-map's local-preference (re-derives V*S imports).
 * Prints a table and writes JSON (--json FILE).
 *
 * usage: sluice-bench-control [--vrfs V] [--routes R] [--shared S] [--repeat N]
 *                             [--seed X] [--json FILE]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_util.h"
#include "sl_commit.h"

static double now_ms(void)
{
	return bench_clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
	return bench_clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static long rss_now_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static unsigned long long rng;
static unsigned rnd32(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33);
}

/* A BGP-like prefix length mix: mostly /24, some shorter and longer. */
static unsigned random_len(void)
{
	unsigned x = rnd32() % 100;
	if (x < 60)
		return 24;
	if (x < 75)
		return 16 + rnd32() % 8; /* /16../23 */
	if (x < 95)
		return 25 + rnd32() % 4; /* /25../28 */
	return 32;
}

static void gen_config(FILE *f, unsigned vrfs, unsigned routes, unsigned shared)
{
	unsigned per = routes / vrfs;

	fprintf(f, "set vrf name SHARED table 1000\n");
	fprintf(f, "set interfaces ethernet eth0 vrf SHARED\n");
	fprintf(f, "set interfaces ethernet eth0 address 100.64.0.1/24\n");
	fprintf(f, "set vrf name SHARED protocols bgp system-as 65000\n");
	fprintf(f, "set vrf name SHARED protocols bgp address-family ipv4-unicast rd 65000:1000\n");
	fprintf(f, "set vrf name SHARED protocols bgp address-family ipv4-unicast route-target "
		   "export 65000:1000\n");
	fprintf(f, "set vrf name SHARED protocols bgp address-family ipv4-unicast redistribute "
		   "static\n");
	fprintf(f, "set policy route-map IMPORT-SHARED rule 10 action permit\n");
	fprintf(f, "set policy route-map IMPORT-SHARED rule 10 set local-preference 100\n");
	/* SHARED routes in 100.64.0.0/10, away from the customers' 10/8 */
	for (unsigned i = 0; i < shared; i++) {
		unsigned a = (100u << 24) | (64u << 16) | ((1 + i) << 8);
		fprintf(f,
			"set vrf name SHARED protocols static route %u.%u.%u.0/24 next-hop "
			"100.64.0.%u\n",
			a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, 2 + i % 250);
	}
	for (unsigned v = 0; v < vrfs; v++) {
		unsigned port = v + 1;
		fprintf(f, "set vrf name C%u table %u\n", v, 10 + v);
		fprintf(f, "set interfaces ethernet eth%u vrf C%u\n", port, v);
		fprintf(f, "set interfaces ethernet eth%u address 192.168.%u.1/24\n", port, v);
		fprintf(f, "set vrf name C%u protocols bgp system-as 65000\n", v);
		fprintf(f,
			"set vrf name C%u protocols bgp address-family ipv4-unicast rd 65000:%u\n",
			v, v);
		fprintf(f,
			"set vrf name C%u protocols bgp address-family ipv4-unicast route-target "
			"import 65000:1000\n",
			v);
		fprintf(f,
			"set vrf name C%u protocols bgp address-family ipv4-unicast route-map vpn "
			"import IMPORT-SHARED\n",
			v);
		for (unsigned i = 0; i < per; i++) {
			unsigned len = random_len();
			/* 10.0.0.0/8 .. 11.255.x: random, host bits cleared */
			unsigned a = (10u << 24) + (rnd32() & 0x1ffffffu);
			a &= len == 0 ? 0 : 0xffffffffu << (32 - len);
			fprintf(f,
				"set vrf name C%u protocols static route %u.%u.%u.%u/%u next-hop "
				"192.168.%u.%u\n",
				v, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff, len, v,
				2 + rnd32() % 250);
		}
	}
}

static int apply_line(struct sl_router *r, const char *text)
{
	struct sl_errors e = {0};
	int rc = sl_router_apply(r, text, &e, NULL);
	for (size_t i = 0; i < e.n; i++)
		fprintf(stderr, "%u: %s\n", e.v[i].line, e.v[i].msg);
	sl_errors_free(&e);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned vrfs = 64, routes = 1000000, shared = 1000, repeat = 21;
	const char *json = NULL;
	char *text = NULL;
	size_t len = 0;

	rng = 42;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--vrfs") == 0)
			vrfs = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--routes") == 0)
			routes = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--shared") == 0)
			shared = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--repeat") == 0)
			repeat = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
			rng = strtoull(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--json") == 0)
			json = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--vrfs V] [--routes R] [--shared S] [--repeat N] "
				"[--seed X] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (vrfs == 0 || vrfs > 250 || shared > 60000 || repeat == 0) {
		fprintf(stderr,
			"sluice-bench-control: --vrfs 1..250, --shared 0..60000, --repeat >= 1\n");
		return 2;
	}

	FILE *m = open_memstream(&text, &len);
	gen_config(m, vrfs, routes, shared);
	fclose(m);
	long rss_before = rss_now_kib();

	struct sl_router *r = sl_router_new();
	double t0 = now_ms();
	if (apply_line(r, text) != 0) {
		fprintf(stderr, "sluice-bench-control: the generated configuration was refused\n");
		return 1;
	}
	double load_ms = now_ms() - t0;
	free(text);
	long rss_loaded = rss_now_kib(), rss_peak = bench_rss_peak_kib();
	struct sl_vrf_info vi;
	sl_rib_vrf_info(sl_router_rib_const(r), "C0", &vi);

	double *add = calloc(repeat, sizeof(double)), *del = calloc(repeat, sizeof(double));
	double *lp = calloc(repeat, sizeof(double)), *lp_cpu = calloc(repeat, sizeof(double));
	double *add_cpu = calloc(repeat, sizeof(double));

	/* The first commit after a big load frees that load's undo log and changed
	 * paths (1M entries): measured on its own, not mixed into the one-line figures. */
	t0 = now_ms();
	if (apply_line(r, "set vrf name SHARED description 'shared services'\n") != 0)
		return 1;
	double first_ms = now_ms() - t0;
	char line[256];
	for (unsigned i = 0; i < repeat; i++) {
		snprintf(line, sizeof(line),
			"set vrf name C%u protocols static route 12.%u.%u.0/24 next-hop "
			"192.168.%u.9\n",
			i % vrfs, i / 256, i % 256, i % vrfs);
		t0 = now_ms();
		double c0 = cpu_ms();
		if (apply_line(r, line) != 0)
			return 1;
		add[i] = now_ms() - t0;
		add_cpu[i] = cpu_ms() - c0;
		snprintf(line, sizeof(line),
			"delete vrf name C%u protocols static route 12.%u.%u.0/24\n", i % vrfs,
			i / 256, i % 256);
		t0 = now_ms();
		if (apply_line(r, line) != 0)
			return 1;
		del[i] = now_ms() - t0;
		snprintf(line, sizeof(line),
			"set policy route-map IMPORT-SHARED rule 10 set local-preference %u\n",
			i % 2 ? 100 : 50);
		t0 = now_ms();
		c0 = cpu_ms();
		if (apply_line(r, line) != 0)
			return 1;
		lp[i] = now_ms() - t0;
		lp_cpu[i] = cpu_ms() - c0;
	}
	struct bench_stat sa = bench_stats(add, repeat), sd = bench_stats(del, repeat),
			  sl = bench_stats(lp, repeat);
	struct bench_stat sac = bench_stats(add_cpu, repeat), slc = bench_stats(lp_cpu, repeat);
	double load[3] = {0};
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = -1;
		fclose(la);
	}

	printf("sluice control-plane benchmark: %u VRFs, %u static routes, SHARED %u routes leaked "
	       "into all\n",
		vrfs, routes, shared);
	printf("  load + commit:                 %10.1f ms\n", load_ms);
	printf("  memory: RSS after load         %10.1f MiB (peak %0.1f MiB, before load %0.1f "
	       "MiB)\n",
		rss_loaded / 1024.0, rss_peak / 1024.0, rss_before / 1024.0);
	printf("  VRF C0: %zu selected routes (%zu static, %zu vpn-import)\n", vi.n_selected,
		vi.n_routes[SL_SRC_STATIC], vi.n_routes[SL_SRC_VPN_IMPORT]);
	printf("  first commit after the load:   %10.1f ms (frees the load's undo log)\n",
		first_ms);
	printf("  one-line commit, median / max of %u (wall clock; CPU time of the thread):\n",
		repeat);
	printf("    add one static route         %8.3f / %8.3f ms   cpu %8.3f / %8.3f ms\n",
		sa.median, sa.max, sac.median, sac.max);
	printf("    delete one static route      %8.3f / %8.3f ms\n", sd.median, sd.max);
	printf("    route-map local-preference   %8.3f / %8.3f ms   cpu %8.3f / %8.3f ms  "
	       "(re-derives %u imports)\n",
		sl.median, sl.max, slc.median, slc.max, vrfs * shared);
	printf("  load average during the run: %.2f (2 cores; wall times include waiting for a "
	       "core)\n",
		load[0]);
	if (json != NULL) {
		FILE *j = fopen(json, "w");
		if (j == NULL) {
			perror(json);
			return 1;
		}
		fprintf(j,
			"{\"vrfs\": %u, \"routes\": %u, \"shared\": %u, \"load_commit_ms\": %.1f, "
			"\"rss_loaded_kib\": %ld, \"rss_peak_kib\": %ld, \"repeat\": %u, "
			"\"static_add_ms\": {\"median\": %.3f, \"max\": %.3f}, "
			"\"static_del_ms\": {\"median\": %.3f, \"max\": %.3f}, "
			"\"rmap_local_pref_ms\": {\"median\": %.3f, \"max\": %.3f}}\n",
			vrfs, routes, shared, load_ms, rss_loaded, rss_peak, repeat, sa.median,
			sa.max, sd.median, sd.max, sl.median, sl.max);
		fclose(j);
	}
	free(add);
	free(del);
	free(lp);
	free(lp_cpu);
	free(add_cpu);
	sl_router_free(r);
	return 0;
}
