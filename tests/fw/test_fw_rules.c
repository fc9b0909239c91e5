/* SPDX-License-Identifier: BSD-3-Clause */
/* Rule compilation and matching: ports, ranges, lists, prefixes, protocols,
 * ICMP types, states, default actions, disabled rules, rule order, counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fw_test_util.h"

static struct sl_fw *fw_new(void)
{
	struct sl_fw_config cfg = {.ct_max = 1024, .n_lcores = 4, .tsc_hz = 1, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	return fw;
}

#define BIND_A_S "set vrf name CUST-A leak-firewall to SHARED name RS\n"

static uint64_t rule_packets(struct sl_fw *fw, const char *rs, uint32_t number)
{
	uint64_t p = 0, b = 0;
	assert_int_equal(sl_fw_rule_counters(fw, rs, number, &p, &b), 0);
	return p;
}

struct denied {
	char name[4][32];
	uint64_t packets[4];
	int n;
};

static void denied_cb(const char *ruleset, uint64_t packets, void *ctx)
{
	struct denied *d = ctx;
	if (d->n < 4) {
		snprintf(d->name[d->n], sizeof(d->name[0]), "%s", ruleset);
		d->packets[d->n++] = packets;
	}
}

/* The seed's DNS-only rule: only UDP to port 53 crosses. */
static void test_dns_only(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(
		fwt_load(fw, "set firewall ipv4 name RS rule 10 action accept\n"
			     "set firewall ipv4 name RS rule 10 protocol udp\n"
			     "set firewall ipv4 name RS rule 10 destination port 53\n" BIND_A_S),
		0);
	struct fwt_pkt dns = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt dns54 = fwt_udp("10.1.0.2", 40001, "10.100.0.10", 54);
	struct fwt_pkt ssh = fwt_tcp("10.1.0.2", 40002, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt tcp53 = fwt_tcp("10.1.0.2", 40003, "10.100.0.10", 53, FWT_SYN);
	assert_int_equal(fwt_check(fw, 1, &dns, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &dns54, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &ssh, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &tcp53, V_A, V_S), SL_FW_DROP);
	/* counters: rule 10 one packet of dns.len bytes, the default action three */
	uint64_t p, b;
	assert_int_equal(sl_fw_rule_counters(fw, "RS", 10, &p, &b), 0);
	assert_int_equal(p, 1);
	assert_int_equal(b, dns.len);
	assert_int_equal(sl_fw_rule_counters(fw, "RS", 0, &p, &b), 0);
	assert_int_equal(p, 3);
	assert_int_equal(b, dns54.len + ssh.len + tcp53.len);
	assert_int_equal(sl_fw_rule_counters(fw, "RS", 11, &p, &b), -ENOENT);
	assert_int_equal(sl_fw_rule_counters(fw, "NOPE", 0, &p, &b), -ENOENT);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.classified, 4);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(st.dropped, 3);
	assert_int_equal(st.rules, 1);
	assert_int_equal(st.rulesets, 1);
	/* denied per ruleset: the default action's three, not the accepted one */
	struct denied d = {0};
	assert_int_equal(sl_fw_denied_foreach(fw, denied_cb, &d), 1);
	assert_string_equal(d.name[0], "RS");
	assert_int_equal(d.packets[0], 3);
	sl_fw_free(fw);
}

/* The other direction and other VRF pairs have no binding: traffic passes. */
static void test_unbound_directions_pass(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(
		fwt_load(fw, "set firewall ipv4 name RS default-action drop\n" BIND_A_S), 0);
	struct fwt_pkt a = fwt_udp("10.1.0.2", 1, "10.100.0.10", 53);
	struct fwt_pkt b = fwt_udp("10.2.0.2", 1, "10.100.0.10", 53);
	assert_int_equal(fwt_check(fw, 1, &a, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &b, V_B, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &b, V_S, V_B), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &b, V_M, V_A), SL_FW_ACCEPT);
	assert_string_equal(sl_fw_binding(fw, V_A, V_S), "RS");
	assert_null(sl_fw_binding(fw, V_S, V_A));
	assert_null(sl_fw_binding(fw, V_B, V_S));
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.unguarded, 3);
	assert_int_equal(st.classified, 1);
	/* no firewall at all: everything passes */
	assert_int_equal(sl_fw_publish(fw, NULL), 0);
	assert_int_equal(fwt_check(fw, 1, &a, V_A, V_S), SL_FW_ACCEPT);
	sl_fw_free(fw);
}

static void test_port_ranges_and_lists(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(
		fwt_load(fw, "set firewall ipv4 name RS rule 10 action accept\n"
			     "set firewall ipv4 name RS rule 10 protocol tcp\n"
			     "set firewall ipv4 name RS rule 10 destination port "
			     "1000-2000,3000,4000-4001\n"
			     "set firewall ipv4 name RS rule 20 action accept\n"
			     "set firewall ipv4 name RS rule 20 protocol udp\n"
			     "set firewall ipv4 name RS rule 20 source port 123\n" BIND_A_S),
		0);
	static const struct {
		uint16_t port;
		int verdict;
	} cases[] = {{999, SL_FW_DROP}, {1000, SL_FW_ACCEPT}, {1500, SL_FW_ACCEPT},
		{2000, SL_FW_ACCEPT}, {2001, SL_FW_DROP}, {2999, SL_FW_DROP}, {3000, SL_FW_ACCEPT},
		{3001, SL_FW_DROP}, {4000, SL_FW_ACCEPT}, {4001, SL_FW_ACCEPT}, {4002, SL_FW_DROP},
		{65535, SL_FW_DROP}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fwt_pkt p = fwt_tcp(
			"10.1.0.2", (uint16_t)(20000 + i), "10.100.0.10", cases[i].port, FWT_SYN);
		assert_int_equal(fwt_check(fw, 1, &p, V_A, V_S), cases[i].verdict);
		/* the same port over UDP is not rule 10's */
		struct fwt_pkt u = fwt_udp("10.1.0.2", 5, "10.100.0.10", cases[i].port);
		assert_int_equal(fwt_check(fw, 1, &u, V_A, V_S), SL_FW_DROP);
	}
	struct fwt_pkt ntp = fwt_udp("10.1.0.2", 123, "10.100.0.20", 9999);
	struct fwt_pkt ntp2 = fwt_udp("10.1.0.2", 124, "10.100.0.20", 123);
	assert_int_equal(fwt_check(fw, 1, &ntp, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &ntp2, V_A, V_S), SL_FW_DROP);
	assert_int_equal(rule_packets(fw, "RS", 10), 6);
	assert_int_equal(rule_packets(fw, "RS", 20), 1);
	sl_fw_free(fw);
}

static void test_prefixes(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(
		fwt_load(fw, "set firewall ipv4 name RS rule 10 action accept\n"
			     "set firewall ipv4 name RS rule 10 source address 10.1.0.0/24\n"
			     "set firewall ipv4 name RS rule 10 destination address "
			     "10.100.0.10/32\n" BIND_A_S),
		0);
	struct fwt_pkt ok = fwt_udp("10.1.0.255", 1, "10.100.0.10", 7);
	struct fwt_pkt bad_src = fwt_udp("10.1.1.2", 1, "10.100.0.10", 7);
	struct fwt_pkt bad_dst = fwt_udp("10.1.0.2", 1, "10.100.0.11", 7);
	struct fwt_pkt icmp = fwt_icmp("10.1.0.3", "10.100.0.10", RTE_IP_ICMP_ECHO_REQUEST, 0, 77);
	assert_int_equal(fwt_check(fw, 1, &ok, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &bad_src, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &bad_dst, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &icmp, V_A, V_S), SL_FW_ACCEPT);
	sl_fw_free(fw);
}

static void test_protocols_and_icmp_type(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name RS rule 10 action accept\n"
				      "set firewall ipv4 name RS rule 10 protocol icmp\n"
				      "set firewall ipv4 name RS rule 10 icmp type 8\n"
				      "set firewall ipv4 name RS rule 20 action reject\n"
				      "set firewall ipv4 name RS rule 20 protocol icmp\n"
				      "set firewall ipv4 name RS rule 30 action accept\n"
				      "set firewall ipv4 name RS rule 30 protocol 47\n"
				      "set firewall ipv4 name RS rule 40 action accept\n"
				      "set firewall ipv4 name RS rule 40 protocol all\n"
				      "set firewall ipv4 name RS rule 40 destination address "
				      "10.100.0.99/32\n" BIND_A_S),
		0);
	struct fwt_pkt echo = fwt_icmp("10.1.0.2", "10.100.0.10", RTE_IP_ICMP_ECHO_REQUEST, 0, 1);
	struct fwt_pkt tstamp = fwt_icmp("10.1.0.2", "10.100.0.10", SL_ICMP_TIMESTAMP, 0, 2);
	struct fwt_pkt gre;
	fwt_ip4(&gre, 47, "10.1.0.2", "10.100.0.10", 8);
	struct fwt_pkt esp;
	fwt_ip4(&esp, 50, "10.1.0.2", "10.100.0.10", 8);
	struct fwt_pkt any = fwt_tcp("10.1.0.2", 9, "10.100.0.99", 9, FWT_SYN);
	assert_int_equal(fwt_check(fw, 1, &echo, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &tstamp, V_A, V_S), SL_FW_REJECT);
	assert_int_equal(fwt_check(fw, 1, &gre, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &esp, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &any, V_A, V_S), SL_FW_ACCEPT);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.rejected, 1);
	/* denied: the reject rule's one and the default drop's one */
	struct denied d = {0};
	assert_int_equal(sl_fw_denied_foreach(fw, denied_cb, &d), 1);
	assert_int_equal(d.packets[0], 2);
	sl_fw_free(fw);
}

/* The lowest rule number that matches wins (numerically: 20 before 100). */
static void test_rule_order(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(
		fwt_load(fw, "set firewall ipv4 name RS default-action accept\n"
			     "set firewall ipv4 name RS rule 100 action accept\n"
			     "set firewall ipv4 name RS rule 100 protocol udp\n"
			     "set firewall ipv4 name RS rule 20 action drop\n"
			     "set firewall ipv4 name RS rule 20 protocol udp\n"
			     "set firewall ipv4 name RS rule 20 destination port 53\n"
			     "set firewall ipv4 name RS rule 5 action reject\n"
			     "set firewall ipv4 name RS rule 5 protocol udp\n"
			     "set firewall ipv4 name RS rule 5 destination port 5353\n" BIND_A_S),
		0);
	struct fwt_pkt p53 = fwt_udp("10.1.0.2", 1, "10.100.0.10", 53);
	struct fwt_pkt p5353 = fwt_udp("10.1.0.2", 1, "10.100.0.10", 5353);
	struct fwt_pkt p1 = fwt_udp("10.1.0.2", 1, "10.100.0.10", 1);
	assert_int_equal(fwt_check(fw, 1, &p53, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &p5353, V_A, V_S), SL_FW_REJECT);
	assert_int_equal(fwt_check(fw, 1, &p1, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(rule_packets(fw, "RS", 5), 1);
	assert_int_equal(rule_packets(fw, "RS", 20), 1);
	assert_int_equal(rule_packets(fw, "RS", 100), 1);
	assert_int_equal(rule_packets(fw, "RS", 0), 0);
	sl_fw_free(fw);
}

static void test_disabled_rule_and_default_actions(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name RS rule 10 action drop\n"
				      "set firewall ipv4 name RS rule 10 disable\n"
				      "set firewall ipv4 name RS rule 20 action accept\n"
				      "set firewall ipv4 name RS rule 20 protocol udp\n"
				      "set firewall ipv4 name ACC default-action accept\n"
				      "set firewall ipv4 name REJ default-action reject\n"
				      "set firewall ipv4 name DRP default-action drop\n" BIND_A_S
				      "set vrf name CUST-B leak-firewall to SHARED name ACC\n"
				      "set vrf name MGMT leak-firewall to SHARED name REJ\n"
				      "set vrf name CUST-B leak-firewall to MGMT name DRP\n"),
		0);
	struct fwt_pkt u = fwt_udp("10.1.0.2", 1, "10.100.0.10", 53);
	struct fwt_pkt t = fwt_tcp("10.1.0.2", 1, "10.100.0.10", 53, FWT_SYN);
	assert_int_equal(fwt_check(fw, 1, &u, V_A, V_S), SL_FW_ACCEPT); /* 10 is disabled */
	assert_int_equal(fwt_check(fw, 1, &t, V_A, V_S), SL_FW_DROP); /* unset default: drop */
	uint64_t p, b;
	assert_int_equal(sl_fw_rule_counters(fw, "RS", 10, &p, &b), -ENOENT);
	assert_int_equal(fwt_check(fw, 1, &t, V_B, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &t, V_M, V_S), SL_FW_REJECT);
	assert_int_equal(fwt_check(fw, 1, &t, V_B, V_M), SL_FW_DROP);
	sl_fw_free(fw);
}

/* Rules with states: only flows opened from CUST-A come back from SHARED. */
static void test_states(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name OUT rule 10 action accept\n"
				      "set firewall ipv4 name OUT rule 10 protocol udp\n"
				      "set firewall ipv4 name OUT rule 10 destination port 53\n"
				      "set firewall ipv4 name OUT rule 10 state new\n"
				      "set firewall ipv4 name OUT rule 20 action accept\n"
				      "set firewall ipv4 name OUT rule 20 state established\n"
				      "set firewall ipv4 name OUT rule 30 action drop\n"
				      "set firewall ipv4 name OUT rule 30 state invalid\n"
				      "set firewall ipv4 name OUT default-action reject\n"
				      "set firewall ipv4 name BACK rule 10 action accept\n"
				      "set firewall ipv4 name BACK rule 10 state established\n"
				      "set firewall ipv4 name BACK rule 10 state related\n"
				      "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
				      "set vrf name SHARED leak-firewall to CUST-A name BACK\n"),
		0);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	struct fwt_pkt unsolicited = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40001);
	struct fwt_pkt err = fwt_icmp_error(
		"10.100.0.10", "10.1.0.2", SL_ICMP_DEST_UNREACH, SL_ICMP_PORT_UNREACH, &q);
	struct fwt_pkt err_other = fwt_icmp_error("10.100.0.10", "10.1.0.2", SL_ICMP_DEST_UNREACH,
		SL_ICMP_PORT_UNREACH, &unsolicited);
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 53, FWT_ACK);

	assert_int_equal(fwt_check(fw, 1, &r, V_S, V_A), SL_FW_DROP); /* before the query */
	assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_ACCEPT); /* rule 10, new */
	assert_int_equal(fwt_check(fw, 2, &r, V_S, V_A), SL_FW_ACCEPT); /* established */
	assert_int_equal(fwt_check(fw, 2, &unsolicited, V_S, V_A), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 2, &err, V_S, V_A), SL_FW_ACCEPT); /* related */
	assert_int_equal(fwt_check(fw, 2, &err_other, V_S, V_A), SL_FW_DROP); /* invalid */
	assert_int_equal(fwt_check(fw, 3, &q, V_A, V_S), SL_FW_ACCEPT); /* now established */
	assert_int_equal(fwt_check(fw, 3, &ack, V_A, V_S), SL_FW_DROP); /* invalid: rule 30 */
	struct fwt_pkt q2 = fwt_udp("10.1.0.2", 40002, "10.100.0.10", 54);
	assert_int_equal(fwt_check(fw, 3, &q2, V_A, V_S), SL_FW_REJECT); /* new, not DNS */
	assert_int_equal(rule_packets(fw, "OUT", 10), 1);
	assert_int_equal(rule_packets(fw, "OUT", 20), 1);
	assert_int_equal(rule_packets(fw, "OUT", 30), 1);
	assert_int_equal(rule_packets(fw, "OUT", 0), 1);
	assert_int_equal(rule_packets(fw, "BACK", 10), 2);
	assert_int_equal(rule_packets(fw, "BACK", 0), 3);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_created, 1);
	assert_int_equal(st.ct_related, 1);
	assert_int_equal(st.ct_entries, 1);
	sl_fw_free(fw);
}

/* Counters survive a rebuild for rules that remain, and clear to zero. */
static void test_counters_carry_and_clear(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	static const char base[] = "set firewall ipv4 name RS rule 10 action accept\n"
				   "set firewall ipv4 name RS rule 10 protocol udp\n" BIND_A_S;
	assert_int_equal(fwt_load(fw, base), 0);
	struct fwt_pkt u = fwt_udp("10.1.0.2", 1, "10.100.0.10", 53);
	struct fwt_pkt t = fwt_tcp("10.1.0.2", 1, "10.100.0.10", 53, FWT_SYN);
	for (int i = 0; i < 5; i++)
		assert_int_equal(fwt_check(fw, 1, &u, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &t, V_A, V_S), SL_FW_DROP);
	/* another rule added: rule 10 keeps its 5 packets */
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name RS rule 5 action accept\n"
				      "set firewall ipv4 name RS rule 5 protocol tcp\n"
				      "set firewall ipv4 name RS rule 10 action accept\n"
				      "set firewall ipv4 name RS rule 10 protocol udp\n" BIND_A_S),
		0);
	assert_int_equal(rule_packets(fw, "RS", 10), 5);
	assert_int_equal(rule_packets(fw, "RS", 5), 0);
	assert_int_equal(rule_packets(fw, "RS", 0), 1);
	assert_int_equal(fwt_check(fw, 1, &t, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(rule_packets(fw, "RS", 5), 1);
	sl_fw_counters_clear(fw);
	assert_int_equal(rule_packets(fw, "RS", 10), 0);
	assert_int_equal(rule_packets(fw, "RS", 5), 0);
	assert_int_equal(fwt_check(fw, 1, &u, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(rule_packets(fw, "RS", 10), 1);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.classified, 1);
	/* the binding removed: the direction is unguarded */
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name RS default-action drop\n"), 0);
	assert_int_equal(fwt_check(fw, 1, &t, V_A, V_S), SL_FW_ACCEPT);
	assert_null(sl_fw_binding(fw, V_A, V_S));
	sl_fw_free(fw);
}

/* A rule without action is refused by the configuration (as on VyOS), so
 * the firewall never sees one; the refusal names the rule. */
static void test_rule_without_action_refused(void **state)
{
	(void)state;
	struct sl_conf *c = sl_conf_new();
	struct sl_errors errs = {0};
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c,
				 "set firewall ipv4 name RS rule 10 protocol udp\n"
				 "set firewall ipv4 name RS default-action accept\n",
				 1, &errs, NULL),
		0);
	assert_int_equal(sl_conf_commit(c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0].msg, "rule 10: no 'action'"));
	sl_conf_abort(c);
	sl_errors_free(&errs);
	sl_conf_free(c);
}

/* 1000 rules: each port hits its own rule. */
static void test_many_rules(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	size_t cap = 1000 * 200, off = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (int i = 1; i <= 1000; i++)
		off += (size_t)snprintf(text + off, cap - off,
			"set firewall ipv4 name RS rule %d action %s\n"
			"set firewall ipv4 name RS rule %d protocol udp\n"
			"set firewall ipv4 name RS rule %d destination port %d\n",
			i, i % 2 ? "accept" : "drop", i, i, 10000 + i);
	snprintf(text + off, cap - off, BIND_A_S);
	assert_int_equal(fwt_load(fw, text), 0);
	free(text);
	for (int i = 1; i <= 1000; i += 37) {
		struct fwt_pkt u = fwt_udp("10.1.0.2", 1, "10.100.0.10", (uint16_t)(10000 + i));
		assert_int_equal(fwt_check(fw, 1, &u, V_A, V_S), i % 2 ? SL_FW_ACCEPT : SL_FW_DROP);
		assert_int_equal(rule_packets(fw, "RS", (uint32_t)i), 1);
	}
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.rules, 1000);
	assert_int_equal(st.acl_rules, 1000);
	/* past bv_rules_max (512): rte_acl */
	assert_int_equal(sl_fw_ruleset_classifiers(fw, "RS"), SL_FW_CLS_ACL);
	sl_fw_free(fw);
}

/* Which classifier a ruleset's contexts got, as show firewall tells it. */
static void test_classifiers(void **state)
{
	(void)state;
	static const char text[] = "set firewall ipv4 name RS rule 10 action accept\n"
				   "set firewall ipv4 name RS rule 10 protocol udp\n"
				   "set firewall ipv4 name RS rule 20 action accept\n"
				   "set firewall ipv4 name RS rule 20 state established\n"
				   "set firewall ipv4 name IDLE rule 10 action drop\n" BIND_A_S;
	struct sl_fw *fw = fw_new();
	assert_int_equal(sl_fw_ruleset_classifiers(fw, "RS"), -ENOENT); /* nothing published */
	assert_int_equal(fwt_load(fw, text), 0);
	assert_int_equal(sl_fw_ruleset_classifiers(fw, "RS"), SL_FW_CLS_BV);
	assert_int_equal(sl_fw_ruleset_classifiers(fw, "IDLE"), 0); /* bound nowhere */
	assert_int_equal(sl_fw_ruleset_classifiers(fw, "NONE"), -ENOENT);
	assert_int_equal(sl_fw_ruleset_classifiers(fw, NULL), -ENOENT);
	sl_fw_free(fw);
	struct sl_fw_config cfg = {
		.ct_max = 1024, .n_lcores = 1, .tsc_hz = 1, .socket_id = -1, .bv_rules_max = -1};
	fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, text), 0);
	assert_int_equal(sl_fw_ruleset_classifiers(fw, "RS"), SL_FW_CLS_ACL);
	sl_fw_free(fw);
}

/* A burst mixing pairs, rulesets and unguarded packets. */
static void test_burst_mix(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new();
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name RS rule 10 action accept\n"
				      "set firewall ipv4 name RS rule 10 protocol udp\n"
				      "set firewall ipv4 name RB default-action accept\n"
				      "set firewall ipv4 name RB rule 10 action drop\n"
				      "set firewall ipv4 name RB rule 10 protocol udp\n" BIND_A_S
				      "set vrf name CUST-B leak-firewall to SHARED name RB\n"),
		0);
	struct fwt_pkt p[SL_FW_BURST];
	const uint8_t *l3[SL_FW_BURST];
	uint16_t len[SL_FW_BURST];
	uint32_t from[SL_FW_BURST], to[SL_FW_BURST];
	uint8_t v[SL_FW_BURST];
	for (int i = 0; i < SL_FW_BURST; i++) {
		p[i] = i % 2 ? fwt_udp("10.9.0.1", (uint16_t)(1000 + i), "10.100.0.10", 53)
			     : fwt_tcp("10.9.0.1", (uint16_t)(1000 + i), "10.100.0.10", 80,
				       FWT_SYN);
		l3[i] = p[i].b;
		len[i] = p[i].len;
		from[i] = (uint32_t)(i % 3 == 0 ? V_A : i % 3 == 1 ? V_B : V_M);
		to[i] = V_S;
	}
	sl_fw_check_burst(fw, 2, 1, l3, len, from, to, SL_FW_BURST, v);
	for (int i = 0; i < SL_FW_BURST; i++) {
		bool udp = i % 2;
		int want = from[i] == V_A   ? (udp ? SL_FW_ACCEPT : SL_FW_DROP)
			   : from[i] == V_B ? (udp ? SL_FW_DROP : SL_FW_ACCEPT)
					    : SL_FW_ACCEPT;
		assert_int_equal(v[i], want);
	}
	sl_fw_free(fw);
}

static void test_tcp_rst(void **state)
{
	(void)state;
	uint8_t out[64];
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_SYN);
	int n = sl_fw_tcp_rst(syn.b, syn.len, out, sizeof(out));
	assert_int_equal(n, 40);
	assert_memory_equal(out + 12, syn.b + 16, 4); /* from the server */
	assert_memory_equal(out + 16, syn.b + 12, 4);
	assert_int_equal(out[20] << 8 | out[21], 22);
	assert_int_equal(out[22] << 8 | out[23], 40000);
	assert_int_equal(out[33], FWT_RST | FWT_ACK);
	uint32_t ack = (uint32_t)out[28] << 24 | (uint32_t)out[29] << 16 | out[30] << 8 | out[31];
	assert_int_equal(ack, 1001); /* seq 1000 + SYN */
	/* checksums verify: the ones' complement sum of a checked region is 0xffff */
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(out[i] << 8 | out[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	assert_int_equal(s, 0xffff);
	s = 6 + 20;
	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)(out[i] << 8 | out[i + 1]);
	for (int i = 20; i < 40; i += 2)
		s += (uint32_t)(out[i] << 8 | out[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	assert_int_equal(s, 0xffff);
	/* an ACK segment: the reset carries its acknowledgement as sequence */
	struct fwt_pkt a = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_ACK);
	assert_int_equal(sl_fw_tcp_rst(a.b, a.len, out, sizeof(out)), 40);
	assert_int_equal(out[33], FWT_RST);
	assert_memory_equal(out + 24, a.b + 28, 4);
	struct fwt_pkt r = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_RST);
	assert_int_equal(sl_fw_tcp_rst(r.b, r.len, out, sizeof(out)), -EINVAL);
	struct fwt_pkt u = fwt_udp("10.1.0.2", 1, "10.100.0.10", 22);
	assert_int_equal(sl_fw_tcp_rst(u.b, u.len, out, sizeof(out)), -EINVAL);
	assert_int_equal(sl_fw_tcp_rst(syn.b, syn.len, out, 39), -ENOSPC);
}

int main(void)
{
	if (fwt_eal_init("fw-rules", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_only),
		cmocka_unit_test(test_unbound_directions_pass),
		cmocka_unit_test(test_port_ranges_and_lists),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_protocols_and_icmp_type),
		cmocka_unit_test(test_rule_order),
		cmocka_unit_test(test_disabled_rule_and_default_actions),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_counters_carry_and_clear),
		cmocka_unit_test(test_rule_without_action_refused),
		cmocka_unit_test(test_many_rules),
		cmocka_unit_test(test_classifiers),
		cmocka_unit_test(test_burst_mix),
		cmocka_unit_test(test_tcp_rst),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
