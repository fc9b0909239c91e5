/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cycles per leak-crossing packet spent in sl_fw_check_burst on one core
 * (TSC), bursts of 32:
 *   unguarded      the VRF pair has no binding (the cost of asking)
 *   classify N     a guarded direction, untracked packets (ICMP type 9): parse +
 *                  one rte_acl_classify per burst with N rules + counters
 *   ct-hit N       replies of tracked UDP flows: bulk conntrack lookup (hits),
 *                  classification (rule 1: state established) and refresh
 *   stateless N    UDP packets on a guarded pair whose rulesets match no state
 *                  (not tracked: no conntrack lookup), N rules, the last one
 *                  accepts them (scripts/gen-bench.py's scenario fw, in short)
 * Each case three times: bursts of 32 over 32 packets/flows (everything in L1:
 * the code's own cost), over 4096 (headers and conntrack entries miss the
 * caches), and bursts of 10 over 4096 (what the datapath hands over when 30 %
 * of a 32-packet burst crosses: the per-call costs weigh three times more).
 * Each figure is the lowest of 20 chunks of the run (the machine is shared:
 * a chunk in which the thread was preempted reads high, not low).
 * `meson test --benchmark -C BUILD fw-bench` or run the executable.
 */
#include <inttypes.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "fw_test_util.h"

#define BURST 32
#define FLOWS 4096
#define ROUNDS 20000
#define CHUNKS 20

static char *rules_text(int n_rules)
{
	size_t cap = (size_t)n_rules * 640 + 1024, off = 0;
	char *t = malloc(cap);
	/* replies: established first */
	off += (size_t)snprintf(t + off, cap - off,
		"set firewall ipv4 name BACK rule 1 action accept\n"
		"set firewall ipv4 name BACK rule 1 state established\n"
		"set vrf name SHARED leak-firewall to CUST-A name BACK\n"
		"set vrf name CUST-A leak-firewall to SHARED name OUT\n");
	for (int i = 1; i <= n_rules; i++)
		off += (size_t)snprintf(t + off, cap - off,
			"set firewall ipv4 name OUT rule %d action accept\n"
			"set firewall ipv4 name OUT rule %d protocol udp\n"
			"set firewall ipv4 name OUT rule %d source address 10.%d.%d.0/24\n"
			"set firewall ipv4 name OUT rule %d destination port %d-%d\n",
			i, i, i, 1 + i / 250, i % 250, i, 1000 + i * 10, 1005 + i * 10);
	/* BACK gets as many rules, after rule 1, so both sides have N */
	for (int i = 2; i <= n_rules; i++)
		off += (size_t)snprintf(t + off, cap - off,
			"set firewall ipv4 name BACK rule %d action drop\n"
			"set firewall ipv4 name BACK rule %d protocol tcp\n"
			"set firewall ipv4 name BACK rule %d destination port %d\n",
			i, i, i, 2000 + i);
	return t;
}

/* A 100-rule stateless ruleset on CUST-A -> SHARED: 99 rules that UDP to
 * 10.100.0.10 port 53 does not match, then rule 1000 that accepts it. */
static char *stateless_text(int n_rules)
{
	size_t cap = (size_t)n_rules * 400 + 1024, off = 0;
	char *t = malloc(cap);
	off += (size_t)snprintf(t + off, cap - off,
		"set firewall ipv4 name OUT default-action drop\n"
		"set vrf name CUST-A leak-firewall to SHARED name OUT\n");
	for (int i = 1; i < n_rules; i++) {
		static const char *const protos[] = {"tcp", "udp", "icmp", "47"};
		const char *pr = protos[i % 4];
		off += (size_t)snprintf(t + off, cap - off,
			"set firewall ipv4 name OUT rule %d action %s\n"
			"set firewall ipv4 name OUT rule %d protocol %s\n"
			"set firewall ipv4 name OUT rule %d destination address 10.%d.%d.0/24\n",
			i, i % 3 ? "accept" : "drop", i, pr, i, 101 + i / 250, i % 250);
		if (i % 4 < 2)
			off += (size_t)snprintf(t + off, cap - off,
				"set firewall ipv4 name OUT rule %d destination port %d\n", i,
				100 + i);
	}
	snprintf(t + off, cap - off,
		"set firewall ipv4 name OUT rule %d action accept\n"
		"set firewall ipv4 name OUT rule %d protocol udp\n"
		"set firewall ipv4 name OUT rule %d destination address 10.100.0.0/24\n"
		"set firewall ipv4 name OUT rule %d destination port 53\n",
		n_rules, n_rules, n_rules, n_rules);
	return t;
}

/* Bursts of `burst` walk `flows` packets: 32 keeps headers and flows in L1,
 * FLOWS does not. The lowest chunk average (see the top). */
static double run_burst(struct sl_fw *fw, struct fwt_pkt *p, uint32_t from, uint32_t to,
	unsigned flows, unsigned burst)
{
	const uint8_t *l3[BURST];
	uint16_t len[BURST];
	uint32_t f[BURST], t[BURST];
	uint8_t v[BURST];
	uint64_t now = rte_rdtsc();
	double best = 1e30;
	unsigned base = 0;
	for (int i = 0; i < BURST; i++)
		f[i] = from, t[i] = to;
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t cycles = 0;
		for (int r = 0; r < ROUNDS / CHUNKS; r++) {
			for (unsigned i = 0; i < burst; i++) {
				l3[i] = p[(base + i) % flows].b;
				len[i] = p[(base + i) % flows].len;
			}
			base = (base + burst) % flows;
			uint64_t t0 = rte_rdtsc();
			sl_fw_check_burst(fw, 0, now, l3, len, f, t, (uint16_t)burst, v);
			cycles += rte_rdtsc() - t0;
		}
		double avg = (double)cycles / ((double)(ROUNDS / CHUNKS) * burst);
		if (avg < best)
			best = avg;
	}
	return best;
}

static void row(const char *name, const char *rules, struct sl_fw *fw, struct fwt_pkt *p,
	uint32_t from, uint32_t to)
{
	printf("%-10s %6s %14.1f %14.1f %14.1f\n", name, rules,
		run_burst(fw, p, from, to, BURST, 32), run_burst(fw, p, from, to, FLOWS, 32),
		run_burst(fw, p, from, to, FLOWS, 10));
}

int main(void)
{
	if (fwt_eal_init("fw-bench", "0") < 0)
		return 1;
	static struct fwt_pkt q[FLOWS], r[FLOWS], other[FLOWS];
	char src[32];
	for (int i = 0; i < FLOWS; i++) {
		snprintf(src, sizeof(src), "10.%d.%d.%d", 1 + (i / 250) % 4, i % 250, 1 + i % 200);
		q[i] = fwt_udp(src, (uint16_t)(20000 + i), "10.100.0.10", 53);
		r[i] = fwt_udp("10.100.0.10", 53, src, (uint16_t)(20000 + i));
		other[i] = fwt_icmp(src, "10.100.0.10", 9, 0, 0);
	}
	printf("%-10s %6s %14s %14s %14s\n", "case", "rules", "32 flows", "4096 flows",
		"4096, burst 10");
	static const int sizes[] = {10, 1000};
	for (unsigned s = 0; s < 2; s++) {
		struct sl_fw_config cfg = {.ct_max = 1 << 16, .n_lcores = 1, .socket_id = -1};
		struct sl_fw *fw = sl_fw_new(&cfg);
		char *text = rules_text(sizes[s]);
		/* queries open the flows: OUT accepts everything new (default accept) */
		size_t l = strlen(text);
		text = realloc(text, l + 64);
		snprintf(text + l, 64, "set firewall ipv4 name OUT default-action accept\n");
		if (fw == NULL || fwt_load(fw, text) < 0) {
			fprintf(stderr, "cannot load %d rules\n", sizes[s]);
			return 1;
		}
		free(text);
		for (int i = 0; i < FLOWS; i++)
			fwt_check(fw, rte_rdtsc(), &q[i], V_A, V_S);
		char nr[16];
		snprintf(nr, sizeof(nr), "%d", sizes[s]);
		if (s == 0)
			row("unguarded", "-", fw, q, V_B, V_S);
		row("classify", nr, fw, other, V_A, V_S);
		row("ct-hit", nr, fw, r, V_S, V_A);
		struct sl_fw_stats st;
		sl_fw_stats_get(fw, &st);
		printf("  (%u flows tracked, %u ACL rules, built in %.1f ms)\n", st.ct_entries,
			st.acl_rules, (double)st.build_ns / 1e6);
		sl_fw_free(fw);
	}
	static const int stateless_sizes[] = {10, 100, 1000};
	for (unsigned s = 0; s < 3; s++) {
		struct sl_fw_config cfg = {.ct_max = 1 << 16, .n_lcores = 1, .socket_id = -1};
		struct sl_fw *fw = sl_fw_new(&cfg);
		char *text = stateless_text(stateless_sizes[s]);
		if (fw == NULL || fwt_load(fw, text) < 0) {
			fprintf(stderr, "cannot load %d stateless rules\n", stateless_sizes[s]);
			return 1;
		}
		free(text);
		char nr[16];
		snprintf(nr, sizeof(nr), "%d", stateless_sizes[s]);
		row("stateless", nr, fw, q, V_A, V_S);
		struct sl_fw_stats st;
		sl_fw_stats_get(fw, &st);
		uint64_t hits = 0;
		sl_fw_rule_counters(fw, "OUT", (uint32_t)stateless_sizes[s], &hits, NULL);
		printf("  (%u flows tracked, %u ACL rules, %" PRIu64 " of %" PRIu64
		       " packets accepted by the last rule)\n",
			st.ct_entries, st.acl_rules, hits, st.classified);
		sl_fw_free(fw);
	}
	rte_eal_cleanup();
	return 0;
}
