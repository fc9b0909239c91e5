/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice-bench-lpm — the lookup floor of the forwarding benchmark: raw
 * rte_lpm_lookup_bulk (and rte_lpm_lookup) over the destinations of the
 * benchmark's pcap, in tables built from the same routes sluiced gets.
 *
 *   sluice-bench-lpm [EAL options] -- --routes FILE --pcap FILE
 *                    [--tbl8s N] [--leak-vrf I --leak-prefix A.B.C.D/LEN]
 *                    [--passes N] [--reps N]
 *
 * routes FILE: `VRF-INDEX PREFIX/LEN` lines (scripts/gen-bench.py). A frame's
 * VRF is 0, or VLAN - 10 when 802.1Q-tagged (the vrfs scenario's vifs).
 * Destinations are grouped by VRF and looked up in bursts of 32, so this is
 * the cost of the lookups alone. With --leak-vrf I --leak-prefix P, P is
 * added to VRF 0 as a redirect (like sluiced's leak route) and the
 * destinations that hit it are looked up again as bursts in VRF I: the floor
 * of a leak (the second bulk lookup). Time is the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID) in TSC cycles, so other threads on a shared CPU
 * are not billed. Prints one JSON object on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lpm.h>

#define BURST 32
#define VRF_MAX 256
#define VLAN_BASE 10
#define REDIRECT 0xffffffu /* next hop of the leak prefix: look up again */

struct vrf_dsts {
	uint32_t *ip; /* host order */
	uint32_t n, cap;
};

static struct {
	const char *routes, *pcap;
	uint32_t tbl8s;
	int leak_vrf;
	uint32_t leak_ip;
	uint8_t leak_len;
	unsigned passes, reps;
} opt = {.tbl8s = 65536, .leak_vrf = -1, .passes = 500, .reps = 5};

static struct rte_lpm *lpm[VRF_MAX];
static uint32_t n_routes[VRF_MAX];
static struct vrf_dsts dsts[VRF_MAX];
static unsigned n_packets;

static int push(struct vrf_dsts *d, uint32_t ip)
{
	if (d->n == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 1024;
		uint32_t *p = realloc(d->ip, cap * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		d->ip = p;
		d->cap = cap;
	}
	d->ip[d->n++] = ip;
	return 0;
}

/* Count routes per VRF first: each rte_lpm is sized to its own route count. */
static int load_routes(void)
{
	FILE *f = fopen(opt.routes, "r");
	if (f == NULL) {
		fprintf(stderr, "sluice-bench-lpm: %s: %s\n", opt.routes, strerror(errno));
		return -errno;
	}
	char line[128];
	unsigned vrf, a, b, c, d, len;
	unsigned lineno = 0;
	for (int pass = 0; pass < 2; pass++) {
		rewind(f);
		lineno = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			lineno++;
			if (sscanf(line, "%u %u.%u.%u.%u/%u", &vrf, &a, &b, &c, &d, &len) != 6 ||
				vrf >= VRF_MAX || a > 255 || b > 255 || c > 255 || d > 255 ||
				len < 1 || len > 32) {
				fprintf(stderr,
					"sluice-bench-lpm: %s:%u: expected `VRF PREFIX/LEN` "
					"(VRF < %d, LEN 1..32)\n",
					opt.routes, lineno, VRF_MAX);
				fclose(f);
				return -EINVAL;
			}
			if (pass == 0) {
				n_routes[vrf]++;
				continue;
			}
			uint32_t ip = a << 24 | b << 16 | c << 8 | d;
			int rc = rte_lpm_add(lpm[vrf], ip, (uint8_t)len, lineno & 0xffffff);
			if (rc < 0) {
				fprintf(stderr, "sluice-bench-lpm: %s:%u: rte_lpm_add: %s\n",
					opt.routes, lineno, strerror(-rc));
				fclose(f);
				return rc;
			}
		}
		if (pass == 0) {
			for (unsigned v = 0; v < VRF_MAX; v++) {
				if (n_routes[v] == 0)
					continue;
				char name[RTE_LPM_NAMESIZE];
				snprintf(name, sizeof(name), "bench%u", v);
				struct rte_lpm_config cfg = {
					.max_rules = n_routes[v] + 16,
					.number_tbl8s = opt.tbl8s,
				};
				lpm[v] = rte_lpm_create(name, SOCKET_ID_ANY, &cfg);
				if (lpm[v] == NULL) {
					fprintf(stderr,
						"sluice-bench-lpm: rte_lpm_create (VRF %u): %s\n",
						v, rte_strerror(rte_errno));
					fclose(f);
					return -ENOMEM;
				}
			}
		}
	}
	fclose(f);
	if (opt.leak_len > 0) {
		if (lpm[0] == NULL) {
			fprintf(stderr, "sluice-bench-lpm: --leak-prefix needs routes in VRF 0\n");
			return -EINVAL;
		}
		int rc = rte_lpm_add(lpm[0], opt.leak_ip, opt.leak_len, REDIRECT);
		if (rc < 0) {
			fprintf(stderr, "sluice-bench-lpm: rte_lpm_add (leak prefix): %s\n",
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Classic pcap (either byte order), Ethernet; IPv4 destinations by VRF. */
static int load_pcap(void)
{
	FILE *f = fopen(opt.pcap, "rb");
	if (f == NULL) {
		fprintf(stderr, "sluice-bench-lpm: %s: %s\n", opt.pcap, strerror(errno));
		return -errno;
	}
	uint32_t gh[6];
	if (fread(gh, 4, 6, f) != 6 || (gh[0] != 0xa1b2c3d4 && gh[0] != 0xd4c3b2a1)) {
		fprintf(stderr, "sluice-bench-lpm: %s: not a classic pcap file\n", opt.pcap);
		fclose(f);
		return -EINVAL;
	}
	bool swap = gh[0] == 0xd4c3b2a1;
	uint32_t rh[4];
	uint8_t fr[65536];
	while (fread(rh, 4, 4, f) == 4) {
		uint32_t incl = swap ? __builtin_bswap32(rh[2]) : rh[2];
		if (incl > sizeof(fr) || fread(fr, 1, incl, f) != incl) {
			fprintf(stderr, "sluice-bench-lpm: %s: truncated record\n", opt.pcap);
			fclose(f);
			return -EINVAL;
		}
		n_packets++;
		unsigned off = 12, vrf = 0;
		if (incl < 14)
			continue;
		uint16_t type = (uint16_t)(fr[off] << 8 | fr[off + 1]);
		if (type == 0x8100 && incl >= 18) {
			unsigned vlan = ((fr[14] << 8) | fr[15]) & 0xfff;
			vrf = vlan >= VLAN_BASE ? vlan - VLAN_BASE : VRF_MAX;
			off += 4;
			type = (uint16_t)(fr[off] << 8 | fr[off + 1]);
		}
		off += 2;
		if (type != 0x0800 || incl < off + 20 || vrf >= VRF_MAX)
			continue;
		uint32_t dst = (uint32_t)fr[off + 16] << 24 | fr[off + 17] << 16 |
			       fr[off + 18] << 8 | fr[off + 19];
		if (push(&dsts[vrf], dst) < 0) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	return 0;
}

struct result {
	double bulk_cycles, single_cycles;
	uint64_t lookups, hits, second;
};

/* One pass of bursts over every VRF's destinations; second lookups of misses
 * in the leak VRF, gathered per burst like the datapath does. */
static uint64_t pass_bulk(uint64_t *hits, uint64_t *second)
{
	uint32_t hops[BURST], miss_ip[BURST], miss_hop[BURST];
	uint64_t n = 0;
	for (unsigned v = 0; v < VRF_MAX; v++) {
		const struct vrf_dsts *d = &dsts[v];
		if (d->n == 0 || lpm[v] == NULL)
			continue;
		for (uint32_t i = 0; i < d->n; i += BURST) {
			unsigned k = d->n - i < BURST ? d->n - i : BURST;
			rte_lpm_lookup_bulk(lpm[v], &d->ip[i], hops, k);
			unsigned m = 0;
			for (unsigned j = 0; j < k; j++) {
				if ((hops[j] & 0xffffff) == REDIRECT && opt.leak_vrf >= 0)
					miss_ip[m++] = d->ip[i + j];
				else if (hops[j] & RTE_LPM_LOOKUP_SUCCESS)
					(*hits)++;
			}
			if (m > 0 && opt.leak_vrf >= 0) {
				rte_lpm_lookup_bulk(lpm[opt.leak_vrf], miss_ip, miss_hop, m);
				for (unsigned j = 0; j < m; j++)
					*hits += (miss_hop[j] & RTE_LPM_LOOKUP_SUCCESS) != 0;
				*second += m;
			}
			n += k;
		}
	}
	return n;
}

static uint64_t pass_single(uint64_t *sink)
{
	uint64_t n = 0;
	for (unsigned v = 0; v < VRF_MAX; v++) {
		const struct vrf_dsts *d = &dsts[v];
		if (d->n == 0 || lpm[v] == NULL)
			continue;
		for (uint32_t i = 0; i < d->n; i++) {
			uint32_t hop;
			if (rte_lpm_lookup(lpm[v], d->ip[i], &hop) == 0) {
				if (hop == REDIRECT && opt.leak_vrf >= 0)
					rte_lpm_lookup(lpm[opt.leak_vrf], d->ip[i], &hop);
				*sink += hop;
			}
		}
		n += d->n;
	}
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The calling thread's CPU time in TSC cycles. */
static uint64_t cpu_cycles(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)((double)ts.tv_sec * (double)rte_get_tsc_hz() +
			  (double)ts.tv_nsec * (double)rte_get_tsc_hz() / 1e9);
}

static void measure(struct result *r)
{
	double bulk[64], single[64];
	uint64_t sink = 0;
	for (unsigned rep = 0; rep < opt.reps; rep++) {
		uint64_t n = 0, hits = 0, second = 0;
		pass_bulk(&hits, &second); /* warm the caches the same way every rep */
		hits = second = 0;
		uint64_t t0 = cpu_cycles();
		for (unsigned p = 0; p < opt.passes; p++)
			n += pass_bulk(&hits, &second);
		uint64_t t1 = cpu_cycles();
		bulk[rep] = (double)(t1 - t0) / (double)n;
		r->lookups = n / opt.passes;
		r->hits = hits / opt.passes;
		r->second = second / opt.passes;
		n = 0;
		t0 = cpu_cycles();
		for (unsigned p = 0; p < opt.passes; p++)
			n += pass_single(&sink);
		t1 = cpu_cycles();
		single[rep] = (double)(t1 - t0) / (double)n;
	}
	qsort(bulk, opt.reps, sizeof(double), cmp_double);
	qsort(single, opt.reps, sizeof(double), cmp_double);
	r->bulk_cycles = bulk[opt.reps / 2];
	r->single_cycles = single[opt.reps / 2] + (sink == 1 ? 1e-9 : 0); /* keep sink live */
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{"routes", required_argument, NULL, 'r'},
		{"pcap", required_argument, NULL, 'p'},
		{"tbl8s", required_argument, NULL, 't'},
		{"leak-vrf", required_argument, NULL, 'l'},
		{"leak-prefix", required_argument, NULL, 'P'},
		{"passes", required_argument, NULL, 'n'},
		{"reps", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end = NULL;
		unsigned long v = 0;
		if (c != 'r' && c != 'p' && c != 'P' && c != '?') {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || v > (1ul << 24)) {
				fprintf(stderr,
					"sluice-bench-lpm: '%s' is not a number in [0, %lu]\n",
					optarg, 1ul << 24);
				return -EINVAL;
			}
		}
		switch (c) {
		case 'r':
			opt.routes = optarg;
			break;
		case 'p':
			opt.pcap = optarg;
			break;
		case 't':
			opt.tbl8s = (uint32_t)v;
			break;
		case 'l':
			if (v >= VRF_MAX) {
				fprintf(stderr, "sluice-bench-lpm: --leak-vrf must be < %d\n",
					VRF_MAX);
				return -EINVAL;
			}
			opt.leak_vrf = (int)v;
			break;
		case 'P': {
			unsigned a, b2, c2, d2, len;
			if (sscanf(optarg, "%u.%u.%u.%u/%u", &a, &b2, &c2, &d2, &len) != 5 ||
				a > 255 || b2 > 255 || c2 > 255 || d2 > 255 || len < 1 ||
				len > 32) {
				fprintf(stderr,
					"sluice-bench-lpm: --leak-prefix '%s': expected "
					"A.B.C.D/LEN\n",
					optarg);
				return -EINVAL;
			}
			opt.leak_ip = a << 24 | b2 << 16 | c2 << 8 | d2;
			opt.leak_len = (uint8_t)len;
			break;
		}
		case 'n':
			opt.passes = v ? (unsigned)v : 1;
			break;
		case 'k':
			opt.reps = v == 0 ? 1 : v > 64 ? 64 : (unsigned)v;
			break;
		default:
			return -EINVAL;
		}
	}
	if (opt.routes == NULL || opt.pcap == NULL) {
		fprintf(stderr,
			"usage: sluice-bench-lpm [EAL options] -- --routes FILE --pcap FILE "
			"[--tbl8s N] [--leak-vrf I --leak-prefix A.B.C.D/LEN] [--passes N] "
			"[--reps N]\n");
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "sluice-bench-lpm: cannot initialise DPDK (EAL): %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argv[n] = argv[0];
	int rc = 1;
	if (parse_args(argc - n, argv + n) < 0) {
		rc = 2;
		goto out;
	}
	if (load_routes() < 0 || load_pcap() < 0)
		goto out;
	if ((opt.leak_vrf >= 0) != (opt.leak_len > 0)) {
		fprintf(stderr, "sluice-bench-lpm: --leak-vrf and --leak-prefix go together\n");
		goto out;
	}
	if (opt.leak_vrf >= 0 && lpm[opt.leak_vrf] == NULL) {
		fprintf(stderr, "sluice-bench-lpm: --leak-vrf %d has no routes in %s\n",
			opt.leak_vrf, opt.routes);
		goto out;
	}
	unsigned vrfs = 0;
	uint64_t routes = 0;
	for (unsigned v = 0; v < VRF_MAX; v++) {
		vrfs += lpm[v] != NULL;
		routes += n_routes[v];
	}
	struct result r = {0};
	measure(&r);
	double hz = (double)rte_get_tsc_hz();
	printf("{\"vrfs\":%u,\"routes\":%" PRIu64 ",\"packets\":%u,\"lookups_per_pass\":%" PRIu64
	       ",\"hits_per_pass\":%" PRIu64 ",\"second_lookups_per_pass\":%" PRIu64
	       ",\"passes\":%u,\"reps\":%u,\"tsc_hz\":%.0f"
	       ",\"bulk_cycles_per_packet\":%.2f,\"single_cycles_per_packet\":%.2f"
	       ",\"bulk_mlookups_per_s\":%.2f}\n",
		vrfs, routes, n_packets, r.lookups, r.hits, r.second, opt.passes, opt.reps, hz,
		r.bulk_cycles, r.single_cycles, hz / r.bulk_cycles / 1e6);
	rc = 0;
out:
	for (unsigned v = 0; v < VRF_MAX; v++) {
		rte_lpm_free(lpm[v]);
		free(dsts[v].ip);
	}
	rte_eal_cleanup();
	return rc;
}
