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
 * --churn N: first, N route changes as one commit (a third deleted routes, a
 * third next-hop changes, a third new /24s, shuffled, as scripts/bench-churn.sh
 * sends them) and its undo, three times: CPU ms per phase, the fastest of each.
 *
 * usage: sluice-bench-control [--vrfs V] [--routes R] [--shared S] [--repeat N]
 *                             [--seed X] [--churn N] [--json FILE]
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

/* The customer routes gen_config wrote (for --churn). */
struct groute {
	unsigned vrf, addr, len, nh;
};
static struct groute *groutes;
static size_t n_groutes;

static const struct groute *by_prefix_v; /* by_prefix's array (qsort has no context) */

/* Routes' indexes by prefix, each prefix's in the order drawn. */
static int by_prefix(const void *x, const void *y)
{
	const struct groute *a = &by_prefix_v[*(const size_t *)x],
			    *b = &by_prefix_v[*(const size_t *)y];
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->len != b->len)
		return (int)a->len - (int)b->len;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

/*
 * A prefix drawn again gets another next hop (an ECMP route), but the RIB
 * takes at most SL_ECMP_MAX: past that many distinct ones, a draw reuses the
 * prefix's first. Only prefixes drawn more than SL_ECMP_MAX times in one VRF
 * change (the short ones of a VRF of several 100,000 routes); the others keep
 * what they drew. v[0..n): one VRF's routes. 0 or -ENOMEM.
 */
static int cap_next_hops(struct groute *v, size_t n)
{
	size_t *idx = malloc((n + 1) * sizeof(*idx));
	if (idx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	by_prefix_v = v;
	qsort(idx, n, sizeof(*idx), by_prefix);
	unsigned seen[SL_ECMP_MAX], n_seen = 0;
	for (size_t i = 0; i < n; i++) {
		struct groute *g = &v[idx[i]];
		if (i == 0 || by_prefix_v[idx[i - 1]].addr != g->addr ||
			by_prefix_v[idx[i - 1]].len != g->len)
			n_seen = 0; /* a new prefix */
		unsigned k = 0;
		while (k < n_seen && seen[k] != g->nh)
			k++;
		if (k < n_seen)
			continue;
		if (n_seen < SL_ECMP_MAX)
			seen[n_seen++] = g->nh;
		else
			g->nh = seen[0];
	}
	free(idx);
	return 0;
}

static int gen_config(FILE *f, unsigned vrfs, unsigned routes, unsigned shared)
{
	unsigned per = routes / vrfs;
	struct groute *drawn = malloc(((size_t)per + 1) * sizeof(*drawn));
	if (drawn == NULL)
		return -ENOMEM;

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
			unsigned nh = 2 + rnd32() % 250;
			drawn[i] = (struct groute){v, a, len, nh};
		}
		if (cap_next_hops(drawn, per) < 0) {
			free(drawn);
			return -ENOMEM;
		}
		for (unsigned i = 0; i < per; i++) {
			const struct groute *g = &drawn[i];
			fprintf(f,
				"set vrf name C%u protocols static route %u.%u.%u.%u/%u next-hop "
				"192.168.%u.%u\n",
				v, g->addr >> 24, (g->addr >> 16) & 0xff, (g->addr >> 8) & 0xff,
				g->addr & 0xff, g->len, v, g->nh);
			if (groutes != NULL)
				groutes[n_groutes++] = *g;
		}
	}
	free(drawn);
	return 0;
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

static int groute_cmp(const void *x, const void *y)
{
	const struct groute *a = x, *b = y;
	if (a->vrf != b->vrf)
		return a->vrf < b->vrf ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (int)a->len - (int)b->len;
}

static void route_line(FILE *f, const char *op, const struct groute *g, int nh)
{
	fprintf(f, "%s vrf name C%u protocols static route %u.%u.%u.%u/%u", op, g->vrf,
		g->addr >> 24, (g->addr >> 16) & 0xff, (g->addr >> 8) & 0xff, g->addr & 0xff,
		g->len);
	if (nh > 0)
		fprintf(f, " next-hop 192.168.%u.%d", g->vrf, nh);
	fputc('\n', f);
}

/* One change of the churn: what it does and how to undo it. */
static void churn_change(FILE *fwd, FILE *undo, int kind, const struct groute *g)
{
	int moved = (int)(2 + (g->nh - 2 + 1) % 250);
	switch (kind) {
	case 0: /* delete a route */
		route_line(fwd, "delete", g, 0);
		route_line(undo, "set", g, (int)g->nh);
		break;
	case 1: /* re-point it */
		route_line(fwd, "delete", g, (int)g->nh);
		route_line(fwd, "set", g, moved);
		route_line(undo, "delete", g, moved);
		route_line(undo, "set", g, (int)g->nh);
		break;
	default: /* a new route */
		route_line(fwd, "set", g, (int)g->nh);
		route_line(undo, "delete", g, 0);
	}
}

static int churn_apply(struct sl_router *r, const char *text, struct sl_apply_stats *st)
{
	int rc = apply_line(r, text);
	sl_router_apply_stats(r, st);
	return rc;
}

static double churn_total(const struct sl_apply_stats *s)
{
	return s->parse_ms + s->validate_ms + s->rib_ms + s->commit_ms;
}

/* n changes in one commit, and the undo, three times (see the top). */
static int bench_churn(struct sl_router *r, unsigned n, unsigned vrfs)
{
	qsort(groutes, n_groutes, sizeof(*groutes), groute_cmp);
	size_t u = 0; /* prefixes drawn once only: a duplicate has two next hops */
	for (size_t i = 0; i < n_groutes; i++) {
		bool dup = (i > 0 && groute_cmp(&groutes[i - 1], &groutes[i]) == 0) ||
			   (i + 1 < n_groutes && groute_cmp(&groutes[i + 1], &groutes[i]) == 0);
		if (!dup)
			groutes[u++] = groutes[i];
	}
	unsigned k = n / 3;
	if (k == 0 || 2 * (size_t)k > u || k > 65536) {
		fprintf(stderr, "sluice-bench-control: --churn needs 3..196608 and 2/3 of it "
				"in distinct routes\n");
		return -1;
	}
	/* kinds[i]: 0 delete, 1 re-point, 2 add; shuffled, the routes drawn apart */
	unsigned *kinds = malloc(3 * (size_t)k * sizeof(*kinds));
	for (unsigned i = 0; i < 3 * k; i++)
		kinds[i] = i / k;
	for (unsigned i = 3 * k; i > 1; i--) {
		unsigned j = rnd32() % i, t = kinds[i - 1];
		kinds[i - 1] = kinds[j];
		kinds[j] = t;
	}
	for (size_t i = u; i > 1; i--) {
		size_t j = rnd32() % i;
		struct groute t = groutes[i - 1];
		groutes[i - 1] = groutes[j];
		groutes[j] = t;
	}
	char *fwd_text = NULL, *undo_text = NULL;
	size_t fwd_len = 0, undo_len = 0;
	FILE *fwd = open_memstream(&fwd_text, &fwd_len),
	     *undo = open_memstream(&undo_text, &undo_len);
	unsigned used = 0, added = 0;
	for (unsigned i = 0; i < 3 * k; i++) {
		struct groute add = {added % vrfs, (12u << 24) | added << 8, 24, 2 + added % 250};
		if (kinds[i] == 2)
			added++;
		churn_change(fwd, undo, (int)kinds[i], kinds[i] == 2 ? &add : &groutes[used++]);
	}
	fclose(fwd);
	fclose(undo);
	free(kinds);
	struct sl_apply_stats best[2], st;
	int rc = 0;
	for (int rep = 0; rep < 3 && rc == 0; rep++) {
		for (int w = 0; w < 2 && rc == 0; w++) {
			rc = churn_apply(r, w ? undo_text : fwd_text, &st);
			if (rep == 0 || churn_total(&st) < churn_total(&best[w]))
				best[w] = st;
			printf("  churn rep %d %s: parse %.1f validate %.1f RIB %.1f commit %.1f = "
			       "%.1f ms CPU\n",
				rep, w ? "undo  " : "change", st.parse_ms, st.validate_ms,
				st.rib_ms, st.commit_ms, churn_total(&st));
		}
	}
	for (int w = 0; w < 2 && rc == 0; w++)
		printf("  churn %s, %u changes (%zu bytes), fastest: parse %.1f validate %.1f "
		       "RIB %.1f commit %.1f = %.1f ms CPU, %.0f changes per CPU-second\n",
			w ? "undo  " : "change", 3 * k, w ? undo_len : fwd_len, best[w].parse_ms,
			best[w].validate_ms, best[w].rib_ms, best[w].commit_ms,
			churn_total(&best[w]), 3e3 * k / churn_total(&best[w]));
	free(fwd_text);
	free(undo_text);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned vrfs = 64, routes = 1000000, shared = 1000, repeat = 21, churn = 0;
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
		else if (i + 1 < argc && strcmp(argv[i], "--churn") == 0)
			churn = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--json") == 0)
			json = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--vrfs V] [--routes R] [--shared S] [--repeat N] "
				"[--seed X] [--churn N] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (vrfs == 0 || vrfs > 250 || shared > 60000 || repeat == 0) {
		fprintf(stderr,
			"sluice-bench-control: --vrfs 1..250, --shared 0..60000, --repeat >= 1\n");
		return 2;
	}

	if (churn > 0 && (groutes = calloc(routes, sizeof(*groutes))) == NULL)
		return 1;
	FILE *m = open_memstream(&text, &len);
	int gen_rc = gen_config(m, vrfs, routes, shared);
	fclose(m);
	if (gen_rc < 0) {
		fprintf(stderr,
			"sluice-bench-control: out of memory generating the configuration\n");
		return 1;
	}
	long rss_before = rss_now_kib();

	struct sl_router *r = sl_router_new();
	double t0 = now_ms();
	if (apply_line(r, text) != 0) {
		fprintf(stderr, "sluice-bench-control: the generated configuration was refused\n");
		return 1;
	}
	double load_ms = now_ms() - t0;
	free(text);
	if (churn > 0 && bench_churn(r, churn, vrfs) < 0)
		return 1;
	free(groutes);
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
