/* SPDX-License-Identifier: BSD-3-Clause */
/* Which VRF pairs are tracked: only those with a bound ruleset (either
 * direction) that matches on state. A stateless binding tracks nothing and
 * decides exactly as the same rules on a tracked pair; adding one state rule
 * makes the pair tracked. Bursts mixing rulesets (rte_acl contexts per ruleset
 * and state) decide as packet-by-packet checks; a stateful ruleset's rules
 * keep their order across its per-state contexts. Time is simulated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fw_test_util.h"

/* CUST-A -> SHARED, no state rule anywhere. */
static const char stateless[] = "set firewall ipv4 name OUT rule 10 action accept\n"
				"set firewall ipv4 name OUT rule 10 protocol udp\n"
				"set firewall ipv4 name OUT rule 10 destination port 53\n"
				"set firewall ipv4 name OUT rule 20 action reject\n"
				"set firewall ipv4 name OUT rule 20 protocol tcp\n"
				"set firewall ipv4 name OUT rule 20 destination port 23\n"
				"set firewall ipv4 name OUT rule 30 action accept\n"
				"set firewall ipv4 name OUT rule 30 protocol tcp\n"
				"set firewall ipv4 name OUT rule 30 destination port 22\n"
				"set firewall ipv4 name OUT rule 40 action accept\n"
				"set firewall ipv4 name OUT rule 40 protocol icmp\n"
				"set firewall ipv4 name OUT rule 40 icmp type 8\n"
				"set firewall ipv4 name OUT rule 50 action drop\n"
				"set firewall ipv4 name OUT rule 50 source address 10.1.9.0/24\n"
				"set firewall ipv4 name OUT rule 60 action accept\n"
				"set firewall ipv4 name OUT rule 60 protocol 47\n"
				"set firewall ipv4 name OUT default-action drop\n"
				"set vrf name CUST-A leak-firewall to SHARED name OUT\n";

/* The same, plus a stateful ruleset on the way back: the pair is tracked. */
static const char back_stateful[] = "set firewall ipv4 name BACK rule 10 action accept\n"
				    "set firewall ipv4 name BACK rule 10 state established\n"
				    "set vrf name SHARED leak-firewall to CUST-A name BACK\n";

static struct sl_fw *fw_load(const char *a, const char *b)
{
	struct sl_fw_config cfg = {.ct_max = 1024, .n_lcores = 1, .tsc_hz = 1, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *text = malloc(la + lb + 1);
	assert_non_null(text);
	memcpy(text, a, la);
	memcpy(text + la, b ? b : "", lb + 1);
	assert_int_equal(fwt_load(fw, text), 0);
	free(text);
	return fw;
}

static struct sl_fw_stats stats(const struct sl_fw *fw)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	return st;
}

enum { N_CASES = 12 };

/* Packets CUST-A -> SHARED and the verdict OUT gives each, whatever its state. */
static void cases(struct fwt_pkt *p, int *want)
{
	int k = 0;
	p[k] = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53), want[k++] = SL_FW_ACCEPT;
	p[k] = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 54), want[k++] = SL_FW_DROP;
	p[k] = fwt_tcp("10.1.0.2", 5000, "10.100.0.10", 22, FWT_SYN), want[k++] = SL_FW_ACCEPT;
	/* no SYN, no flow: invalid on a tracked pair, but no rule asks */
	p[k] = fwt_tcp("10.1.0.2", 5001, "10.100.0.10", 22, FWT_ACK), want[k++] = SL_FW_ACCEPT;
	p[k] = fwt_tcp("10.1.0.2", 5002, "10.100.0.10", 23, FWT_SYN), want[k++] = SL_FW_REJECT;
	p[k] = fwt_icmp("10.1.0.2", "10.100.0.10", RTE_IP_ICMP_ECHO_REQUEST, 0, 7),
	want[k++] = SL_FW_ACCEPT;
	p[k] = fwt_icmp("10.1.0.2", "10.100.0.10", RTE_IP_ICMP_ECHO_REPLY, 0, 7),
	want[k++] = SL_FW_DROP;
	p[k] = fwt_udp("10.1.9.5", 40000, "10.100.0.10", 54), want[k++] = SL_FW_DROP;
	p[k] = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	p[k].b[6] = 0x00, p[k].b[7] = 0x10, want[k++] = SL_FW_DROP; /* fragment: no ports */
	p[k] = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	p[k].len = 24, want[k++] = SL_FW_DROP; /* truncated UDP header: no ports */
	p[k] = fwt_ip4_pkt(47, "10.1.0.2", "10.100.0.10"), want[k++] = SL_FW_ACCEPT;
	p[k] = fwt_tcp("10.1.0.2", 5003, "10.100.0.10", 22, FWT_SYN), want[k++] = SL_FW_ACCEPT;
	assert_int_equal(k, N_CASES);
}

static void test_stateless_binding_tracks_nothing(void **state)
{
	(void)state;
	struct fwt_pkt p[N_CASES];
	int want[N_CASES];
	cases(p, want);
	struct sl_fw *plain = fw_load(stateless, NULL);
	struct sl_fw *tracked = fw_load(stateless, back_stateful);
	for (int i = 0; i < N_CASES; i++) {
		assert_int_equal(fwt_check(plain, 10, &p[i], V_A, V_S), want[i]);
		assert_int_equal(fwt_check(tracked, 10, &p[i], V_A, V_S), want[i]);
	}
	struct sl_fw_stats a = stats(plain), b = stats(tracked);
	assert_int_equal(a.ct_entries, 0);
	assert_int_equal(a.ct_created, 0);
	assert_true(b.ct_entries > 0); /* the UDP, SYN, echo and GRE flows */
	assert_int_equal(a.classified, N_CASES);
	assert_int_equal(a.classified, b.classified);
	assert_int_equal(a.accepted, b.accepted);
	assert_int_equal(a.dropped, b.dropped);
	assert_int_equal(a.rejected, b.rejected);
	assert_int_equal(a.unguarded, 0);
	/* per-rule counters agree too */
	static const uint32_t rules[] = {0, 10, 20, 30, 40, 50, 60};
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		uint64_t pa = 0, pb = 0, ba = 0, bb = 0;
		assert_int_equal(sl_fw_rule_counters(plain, "OUT", rules[i], &pa, &ba), 0);
		assert_int_equal(sl_fw_rule_counters(tracked, "OUT", rules[i], &pb, &bb), 0);
		assert_int_equal(pa, pb);
		assert_int_equal(ba, bb);
	}
	/* the way back of a stateless binding is unguarded and untracked */
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	assert_int_equal(fwt_check(plain, 11, &r, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(stats(plain).unguarded, 1);
	assert_int_equal(stats(plain).ct_entries, 0);
	/* and on the tracked pair it finds the flow the query opened */
	assert_int_equal(fwt_check(tracked, 11, &r, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(stats(tracked).ct_hits, 1);
	sl_fw_free(plain);
	sl_fw_free(tracked);
}

/* One state rule in the ruleset of either direction makes the pair tracked. */
static void test_state_rule_makes_pair_tracked(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_load(stateless, NULL);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	assert_int_equal(fwt_check(fw, 10, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_entries, 0);
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name OUT rule 5 action drop\n"
				      "set firewall ipv4 name OUT rule 5 state invalid\n"
				      "set firewall ipv4 name OUT rule 10 action accept\n"
				      "set firewall ipv4 name OUT rule 10 protocol udp\n"
				      "set firewall ipv4 name OUT rule 10 destination port 53\n"
				      "set vrf name CUST-A leak-firewall to SHARED name OUT\n"),
		0);
	assert_int_equal(fwt_check(fw, 10, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_entries, 1);
	/* the reply direction (unguarded) refreshes the flow */
	assert_int_equal(fwt_check(fw, 11, &r, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_hits, 1);
	/* a TCP segment with no flow is invalid now, and rule 5 drops it */
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 5001, "10.100.0.10", 22, FWT_ACK);
	assert_int_equal(fwt_check(fw, 12, &ack, V_A, V_S), SL_FW_DROP);
	/* back to stateless: nothing new is tracked (the old flow stays until swept) */
	assert_int_equal(fwt_load(fw, stateless), 0);
	struct fwt_pkt q2 = fwt_udp("10.1.0.3", 40001, "10.100.0.10", 53);
	assert_int_equal(fwt_check(fw, 13, &q2, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_entries, 1);
	assert_int_equal(fwt_check(fw, 13, &ack, V_A, V_S), SL_FW_ACCEPT);
	sl_fw_free(fw);
}

/* One burst through two rulesets (two rte_acl contexts), an unguarded pair
 * and a tracked pair: each verdict as when checked alone. */
static void test_mixed_burst(void **state)
{
	(void)state;
	static const char text[] = "set firewall ipv4 name FROM-B rule 10 action accept\n"
				   "set firewall ipv4 name FROM-B rule 10 protocol udp\n"
				   "set firewall ipv4 name FROM-B rule 10 destination port 54\n"
				   "set firewall ipv4 name FROM-B default-action reject\n"
				   "set vrf name CUST-B leak-firewall to SHARED name FROM-B\n"
				   "set firewall ipv4 name TO-M rule 10 action accept\n"
				   "set firewall ipv4 name TO-M rule 10 state new\n"
				   "set vrf name CUST-A leak-firewall to MGMT name TO-M\n";
	struct sl_fw *burst = fw_load(stateless, text);
	struct sl_fw *single = fw_load(stateless, text);
	struct fwt_pkt p[8];
	uint32_t from[8], to[8];
	int k = 0;
	p[k] = fwt_udp("10.1.0.2", 1, "10.100.0.10", 53), from[k] = V_A, to[k++] = V_S;
	p[k] = fwt_udp("10.2.0.2", 1, "10.100.0.10", 53), from[k] = V_B, to[k++] = V_S;
	p[k] = fwt_udp("10.2.0.2", 1, "10.100.0.10", 54), from[k] = V_B, to[k++] = V_S;
	p[k] = fwt_udp("10.1.0.2", 2, "10.100.0.10", 54), from[k] = V_A, to[k++] = V_S;
	p[k] = fwt_udp("10.100.0.10", 53, "10.2.0.2", 1), from[k] = V_S, to[k++] = V_B;
	p[k] = fwt_tcp("10.1.0.2", 9, "10.200.0.1", 22, FWT_SYN), from[k] = V_A, to[k++] = V_M;
	/* no SYN and no flow (another port: the SYN's flow exists once checked alone) */
	p[k] = fwt_tcp("10.1.0.2", 10, "10.200.0.1", 22, FWT_ACK), from[k] = V_A, to[k++] = V_M;
	p[k] = fwt_icmp("10.1.0.2", "10.100.0.10", RTE_IP_ICMP_ECHO_REQUEST, 0, 1), from[k] = V_A,
	to[k++] = V_S;
	const uint8_t *l3[8];
	uint16_t len[8];
	uint8_t v[8];
	for (int i = 0; i < k; i++)
		l3[i] = p[i].b, len[i] = p[i].len;
	sl_fw_check_burst(burst, 0, 10, l3, len, from, to, (uint16_t)k, v);
	static const int want[8] = {SL_FW_ACCEPT, SL_FW_REJECT, SL_FW_ACCEPT, SL_FW_DROP,
		SL_FW_ACCEPT, SL_FW_ACCEPT, SL_FW_DROP, SL_FW_ACCEPT};
	for (int i = 0; i < k; i++) {
		assert_int_equal(v[i], want[i]);
		assert_int_equal(fwt_check(single, 10, &p[i], from[i], to[i]), want[i]);
	}
	/* only CUST-A <-> MGMT is tracked: the SYN opened a flow, nothing else did */
	assert_int_equal(stats(burst).ct_entries, 1);
	assert_int_equal(stats(burst).classified, 7);
	assert_int_equal(stats(burst).unguarded, 1);
	sl_fw_free(burst);
	sl_fw_free(single);
}

/* A stateful ruleset is compiled once per state; a rule without state sits
 * in every one, and the first matching rule by number still wins. */
static void test_rules_across_states(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_load("set firewall ipv4 name OUT rule 5 action accept\n"
				   "set firewall ipv4 name OUT rule 5 state established\n"
				   "set firewall ipv4 name OUT rule 10 action drop\n"
				   "set firewall ipv4 name OUT rule 10 protocol udp\n"
				   "set firewall ipv4 name OUT rule 20 action accept\n"
				   "set firewall ipv4 name OUT rule 20 state new\n"
				   "set firewall ipv4 name OUT rule 30 action reject\n"
				   "set firewall ipv4 name OUT rule 30 state invalid\n"
				   "set firewall ipv4 name OUT rule 30 state related\n"
				   "set vrf name CUST-A leak-firewall to SHARED name OUT\n",
		NULL);
	struct fwt_pkt udp = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 5000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt stray = fwt_tcp("10.1.0.2", 5001, "10.100.0.10", 22, FWT_ACK);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 5000, FWT_SYN | FWT_ACK);
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 5000, "10.100.0.10", 22, FWT_ACK);
	assert_int_equal(fwt_check(fw, 10, &udp, V_A, V_S), SL_FW_DROP); /* new: rule 10 first */
	assert_int_equal(fwt_check(fw, 10, &syn, V_A, V_S), SL_FW_ACCEPT); /* new: rule 20 */
	assert_int_equal(fwt_check(fw, 10, &stray, V_A, V_S), SL_FW_REJECT); /* invalid: 30 */
	assert_int_equal(fwt_check(fw, 11, &synack, V_S, V_A), SL_FW_ACCEPT); /* unguarded */
	assert_int_equal(fwt_check(fw, 12, &ack, V_A, V_S), SL_FW_ACCEPT); /* established: 5 */
	static const uint32_t rules[] = {5, 10, 20, 30};
	for (unsigned i = 0; i < 4; i++) {
		uint64_t pk = 0;
		assert_int_equal(sl_fw_rule_counters(fw, "OUT", rules[i], &pk, NULL), 0);
		assert_int_equal(pk, 1);
	}
	assert_int_equal(stats(fw).ct_entries, 1);
	sl_fw_free(fw);
}

/* States no rule names share one context (here new, related and invalid);
 * a ruleset bound nowhere is not compiled, and is enforced once bound. */
static void test_shared_context_and_late_binding(void **state)
{
	(void)state;
	static const char rs[] = "set firewall ipv4 name OUT rule 5 action accept\n"
				 "set firewall ipv4 name OUT rule 5 state established\n"
				 "set firewall ipv4 name OUT rule 10 action drop\n"
				 "set firewall ipv4 name OUT rule 10 protocol udp\n"
				 "set firewall ipv4 name OUT default-action accept\n";
	struct sl_fw *fw = fw_load(rs, NULL);
	struct fwt_pkt udp = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	/* defined, bound nowhere: the pair is unguarded */
	assert_int_equal(fwt_check(fw, 10, &udp, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).unguarded, 1);
	assert_int_equal(stats(fw).classified, 0);
	assert_int_equal(fwt_load(fw, "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
				      "set firewall ipv4 name OUT rule 5 action accept\n"
				      "set firewall ipv4 name OUT rule 5 state established\n"
				      "set firewall ipv4 name OUT rule 10 action drop\n"
				      "set firewall ipv4 name OUT rule 10 protocol udp\n"
				      "set firewall ipv4 name OUT default-action accept\n"),
		0);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 5000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt stray = fwt_tcp("10.1.0.2", 5001, "10.100.0.10", 22, FWT_ACK);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 5000, FWT_SYN | FWT_ACK);
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 5000, "10.100.0.10", 22, FWT_ACK);
	assert_int_equal(fwt_check(fw, 10, &udp, V_A, V_S), SL_FW_DROP); /* new: rule 10 */
	assert_int_equal(fwt_check(fw, 10, &syn, V_A, V_S), SL_FW_ACCEPT); /* new: default */
	assert_int_equal(fwt_check(fw, 10, &stray, V_A, V_S), SL_FW_ACCEPT); /* invalid: default */
	assert_int_equal(fwt_check(fw, 11, &synack, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 12, &ack, V_A, V_S), SL_FW_ACCEPT); /* established: 5 */
	uint64_t p5 = 0, p10 = 0, p0 = 0;
	assert_int_equal(sl_fw_rule_counters(fw, "OUT", 5, &p5, NULL), 0);
	assert_int_equal(sl_fw_rule_counters(fw, "OUT", 10, &p10, NULL), 0);
	assert_int_equal(sl_fw_rule_counters(fw, "OUT", 0, &p0, NULL), 0);
	assert_int_equal(p5, 1);
	assert_int_equal(p10, 1);
	assert_int_equal(p0, 2);
	sl_fw_free(fw);
}

int main(void)
{
	if (fwt_eal_init("fw-stateless", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stateless_binding_tracks_nothing),
		cmocka_unit_test(test_state_rule_makes_pair_tracked),
		cmocka_unit_test(test_mixed_burst),
		cmocka_unit_test(test_rules_across_states),
		cmocka_unit_test(test_shared_context_and_late_binding),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
