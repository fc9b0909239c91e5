/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cycles per leak-crossing packet spent in sl_fw_check_burst on one core
 * (TSC), bursts of 32:
 *   unguarded      the VRF pair has no binding (the cost of asking)
 *   classify N     a guarded direction, untracked packets (ICMP type 9): parse +
 *                  one rte_acl_classify per burst with N rules + counters
 *   ct-hit N       replies of tracked UDP flows: bulk conntrack lookup (hits),
 *                  classification (rule 1: state established) and refresh
 * Each case twice: bursts over 32 packets/flows (everything in L1: the code's
 * own cost) and over 4096 (headers and conntrack entries miss the caches).
 * `meson test --benchmark -C BUILD fw-bench` or run the executable.
 */
#include <inttypes.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "fw_test_util.h"

#define BURST 32
#define FLOWS 4096
#define ROUNDS 20000

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

/* Bursts walk `flows` packets: 32 keeps headers and flows in L1, FLOWS does not. */
static double run(struct sl_fw *fw, struct fwt_pkt *p, uint32_t from, uint32_t to, unsigned flows)
{
	const uint8_t *l3[BURST];
	uint16_t len[BURST];
	uint32_t f[BURST], t[BURST];
	uint8_t v[BURST];
	uint64_t cycles = 0, now = rte_rdtsc();
	for (int i = 0; i < BURST; i++)
		f[i] = from, t[i] = to;
	for (int r = 0; r < ROUNDS; r++) {
		unsigned base = (unsigned)(r * BURST) % flows;
		for (int i = 0; i < BURST; i++) {
			l3[i] = p[base + (unsigned)i].b;
			len[i] = p[base + (unsigned)i].len;
		}
		uint64_t t0 = rte_rdtsc();
		sl_fw_check_burst(fw, 0, now, l3, len, f, t, BURST, v);
		cycles += rte_rdtsc() - t0;
	}
	return (double)cycles / ((double)ROUNDS * BURST);
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
	printf("%-10s %6s %14s %14s\n", "case", "rules", "32 flows", "4096 flows");
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
		if (s == 0)
			printf("%-10s %6s %14.1f %14.1f\n", "unguarded", "-",
				run(fw, q, V_B, V_S, BURST), run(fw, q, V_B, V_S, FLOWS));
		printf("%-10s %6d %14.1f %14.1f\n", "classify", sizes[s],
			run(fw, other, V_A, V_S, BURST), run(fw, other, V_A, V_S, FLOWS));
		printf("%-10s %6d %14.1f %14.1f\n", "ct-hit", sizes[s], run(fw, r, V_S, V_A, BURST),
			run(fw, r, V_S, V_A, FLOWS));
		struct sl_fw_stats st;
		sl_fw_stats_get(fw, &st);
		printf("  (%u flows tracked, %u ACL rules, built in %.1f ms)\n", st.ct_entries,
			st.acl_rules, (double)st.build_ns / 1e6);
		sl_fw_free(fw);
	}
	rte_eal_cleanup();
	return 0;
}
