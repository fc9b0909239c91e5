/* SPDX-License-Identifier: BSD-3-Clause */
/* Connection tracking: new → established on reply, TCP life cycle, timeouts
 * and the sweeper, a full table (new flows dropped and counted, tracked
 * ones unaffected; a burst crossing the limit), which pairs are tracked, listing and flush.
 * Time is simulated: tsc_hz = 1, so `now` counts seconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fw_test_util.h"

/* CUST-A may open DNS and SSH flows into SHARED; SHARED answers only within them. */
static const char policy[] = "set firewall ipv4 name OUT rule 10 action accept\n"
			     "set firewall ipv4 name OUT rule 10 protocol udp\n"
			     "set firewall ipv4 name OUT rule 10 destination port 53\n"
			     "set firewall ipv4 name OUT rule 20 action accept\n"
			     "set firewall ipv4 name OUT rule 20 protocol tcp\n"
			     "set firewall ipv4 name OUT rule 20 destination port 22\n"
			     "set firewall ipv4 name OUT rule 30 action accept\n"
			     "set firewall ipv4 name OUT rule 30 protocol icmp\n"
			     "set firewall ipv4 name OUT rule 30 icmp type 8\n"
			     "set firewall ipv4 name OUT rule 40 action accept\n"
			     "set firewall ipv4 name OUT rule 40 state established\n"
			     "set firewall ipv4 name BACK rule 10 action accept\n"
			     "set firewall ipv4 name BACK rule 10 state established\n"
			     "set firewall ipv4 name BACK rule 10 state related\n"
			     "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
			     "set vrf name SHARED leak-firewall to CUST-A name BACK\n";

static struct sl_fw *fw_new(uint32_t ct_max)
{
	struct sl_fw_config cfg = {.ct_max = ct_max, .n_lcores = 2, .tsc_hz = 1, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, policy), 0);
	return fw;
}

static uint32_t entries(struct sl_fw *fw)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	return st.ct_entries;
}

static void test_udp_new_then_established(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(1024);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	assert_int_equal(fwt_check(fw, 10, &r, V_S, V_A), SL_FW_DROP);
	assert_int_equal(entries(fw), 0); /* a dropped packet tracks nothing */
	assert_int_equal(fwt_check(fw, 10, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(entries(fw), 1);
	assert_int_equal(fwt_check(fw, 11, &r, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(entries(fw), 1);
	/* the same addresses and ports between other VRFs are another flow */
	assert_int_equal(fwt_check(fw, 11, &r, V_S, V_B), SL_FW_ACCEPT); /* unguarded pair */
	assert_int_equal(entries(fw), 1);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_created, 1);
	assert_int_equal(st.ct_hits, 1);
	sl_fw_free(fw);
}

/* UDP: 30 s without a reply, 180 s once replied. */
static void test_udp_timeouts(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(1024);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	struct fwt_pkt q2 = fwt_udp("10.1.0.2", 40001, "10.100.0.10", 53);
	struct fwt_pkt r2 = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40001);
	assert_int_equal(fwt_check(fw, 100, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 100, &q2, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 101, &r2, V_S, V_A), SL_FW_ACCEPT); /* replied */
	assert_int_equal(sl_fw_ct_sweep(fw, 130, 1u << 20), 0); /* 30 s: not yet */
	assert_int_equal(sl_fw_ct_sweep(fw, 131, 1u << 20), 1); /* the unreplied one */
	assert_int_equal(entries(fw), 1);
	assert_int_equal(fwt_check(fw, 132, &r, V_S, V_A), SL_FW_DROP); /* its reply is late */
	assert_int_equal(fwt_check(fw, 200, &r2, V_S, V_A), SL_FW_ACCEPT); /* refreshes */
	assert_int_equal(sl_fw_ct_sweep(fw, 380, 1u << 20), 0);
	assert_int_equal(sl_fw_ct_sweep(fw, 381, 1u << 20), 1);
	assert_int_equal(entries(fw), 0);
	assert_int_equal(fwt_check(fw, 382, &r2, V_S, V_A), SL_FW_DROP);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_expired, 2);
	sl_fw_free(fw);
}

/* TCP: SYN opens, SYN-ACK establishes (7200 s), RST closes (10 s);
 * a segment without SYN and without a flow is invalid. */
static void test_tcp_life_cycle(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(1024);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_SYN | FWT_ACK);
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_ACK);
	struct fwt_pkt data_back = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_ACK);
	struct fwt_pkt rst = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_RST | FWT_ACK);
	struct fwt_pkt stray = fwt_tcp("10.1.0.2", 40001, "10.100.0.10", 22, FWT_ACK);
	struct fwt_pkt stray_back = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40001, FWT_ACK);

	/* invalid: rule 20 (no state) still accepts it, but it opens no flow */
	assert_int_equal(fwt_check(fw, 0, &stray, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(entries(fw), 0);
	assert_int_equal(fwt_check(fw, 0, &stray_back, V_S, V_A), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 0, &syn, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &synack, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &ack, V_A, V_S), SL_FW_ACCEPT);
	/* established: an hour idle is fine */
	assert_int_equal(sl_fw_ct_sweep(fw, 3601, 1u << 20), 0);
	assert_int_equal(fwt_check(fw, 3601, &data_back, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 3602, &rst, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(sl_fw_ct_sweep(fw, 3612, 1u << 20), 0);
	assert_int_equal(sl_fw_ct_sweep(fw, 3613, 1u << 20), 1); /* closed: 10 s */
	assert_int_equal(fwt_check(fw, 3614, &data_back, V_S, V_A), SL_FW_DROP);
	/* an unanswered SYN lasts 30 s */
	assert_int_equal(fwt_check(fw, 4000, &syn, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(sl_fw_ct_sweep(fw, 4031, 1u << 20), 1);
	sl_fw_free(fw);
}

/* A closed TCP flow's tuple reused by a new SYN starts over. */
static void test_tcp_tuple_reuse(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(1024);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_SYN | FWT_ACK);
	struct fwt_pkt rst = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_RST);
	assert_int_equal(fwt_check(fw, 0, &syn, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &synack, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &rst, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 2, &syn, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(entries(fw), 1);
	/* back to SYN_SENT (30 s), not closing (10 s) */
	assert_int_equal(sl_fw_ct_sweep(fw, 20, 1u << 20), 0);
	assert_int_equal(fwt_check(fw, 20, &synack, V_S, V_A), SL_FW_ACCEPT);
	sl_fw_free(fw);
}

/* ICMP echo: the request opens, the reply is established; an error quoting
 * a tracked flow is related. */
static void test_icmp(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(1024);
	struct fwt_pkt req = fwt_icmp("10.1.0.2", "10.100.0.10", RTE_IP_ICMP_ECHO_REQUEST, 0, 4242);
	struct fwt_pkt rep = fwt_icmp("10.100.0.10", "10.1.0.2", RTE_IP_ICMP_ECHO_REPLY, 0, 4242);
	struct fwt_pkt rep_other =
		fwt_icmp("10.100.0.10", "10.1.0.2", RTE_IP_ICMP_ECHO_REPLY, 0, 4243);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt unreach = fwt_icmp_error(
		"10.100.0.1", "10.1.0.2", SL_ICMP_DEST_UNREACH, SL_ICMP_PORT_UNREACH, &q);
	struct fwt_pkt texc = fwt_icmp_error(
		"10.100.0.1", "10.1.0.2", SL_ICMP_TIME_EXCEEDED, SL_ICMP_TTL_EXCEEDED, &req);
	assert_int_equal(fwt_check(fw, 0, &rep, V_S, V_A), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 0, &req, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &rep, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &rep_other, V_S, V_A), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 0, &unreach, V_S, V_A), SL_FW_DROP); /* no flow yet */
	assert_int_equal(fwt_check(fw, 0, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &unreach, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &texc, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(sl_fw_ct_sweep(fw, 31, 1u << 20), 2); /* ICMP 30 s, UDP 30 s */
	sl_fw_free(fw);
}

/* Full table: the next new flow is dropped and counted, the tracked ones
 * keep working, and room made by the sweeper is used again. */
static void test_table_full(void **state)
{
	(void)state;
	enum { MAX = 8 };
	struct sl_fw *fw = fw_new(MAX);
	for (uint16_t i = 0; i < MAX; i++) {
		struct fwt_pkt q = fwt_udp("10.1.0.2", (uint16_t)(1000 + i), "10.100.0.10", 53);
		assert_int_equal(fwt_check(fw, 0, &q, V_A, V_S), SL_FW_ACCEPT);
	}
	assert_int_equal(entries(fw), MAX);
	struct fwt_pkt extra = fwt_udp("10.1.0.2", 2000, "10.100.0.10", 53);
	struct fwt_pkt extra_syn = fwt_tcp("10.1.0.2", 2001, "10.100.0.10", 22, FWT_SYN);
	assert_int_equal(fwt_check(fw, 1, &extra, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &extra_syn, V_A, V_S), SL_FW_DROP);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_full, 2);
	assert_int_equal(st.ct_entries, MAX);
	/* the rule still counted what it matched */
	uint64_t p;
	assert_int_equal(sl_fw_rule_counters(fw, "OUT", 10, &p, NULL), 0);
	assert_int_equal(p, MAX + 1);
	for (uint16_t i = 0; i < MAX; i++) {
		struct fwt_pkt q = fwt_udp("10.1.0.2", (uint16_t)(1000 + i), "10.100.0.10", 53);
		struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", (uint16_t)(1000 + i));
		assert_int_equal(fwt_check(fw, 2, &q, V_A, V_S), SL_FW_ACCEPT);
		assert_int_equal(fwt_check(fw, 2, &r, V_S, V_A), SL_FW_ACCEPT);
	}
	/* flow 1000 goes quiet and expires (30 s unreplied... it was replied: 180 s) */
	for (uint16_t i = 1; i < MAX; i++) {
		struct fwt_pkt q = fwt_udp("10.1.0.2", (uint16_t)(1000 + i), "10.100.0.10", 53);
		assert_int_equal(fwt_check(fw, 150, &q, V_A, V_S), SL_FW_ACCEPT);
	}
	assert_int_equal(sl_fw_ct_sweep(fw, 183, 1u << 20), 1);
	assert_int_equal(entries(fw), MAX - 1);
	assert_int_equal(fwt_check(fw, 183, &extra, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(entries(fw), MAX);
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_full, 2);
	sl_fw_free(fw);
}

/* A burst's new flows are made together: as one by one in order, the
 * flows past the limit are dropped, a repeated flow made earlier in the
 * burst passes and one dropped earlier is dropped again. */
static void test_table_full_burst(void **state)
{
	(void)state;
	enum { MAX = 8, FLOWS = 10, N = FLOWS + 2 };
	struct sl_fw *fw = fw_new(MAX);
	struct fwt_pkt q[N];
	uint8_t v[N];
	for (uint16_t i = 0; i < N; i++) {
		/* the last two repeat flows 0 (made) and FLOWS - 1 (dropped) */
		uint16_t f = i < FLOWS ? i : (i == FLOWS ? 0 : FLOWS - 1);
		q[i] = fwt_udp("10.1.0.2", (uint16_t)(1000 + f), "10.100.0.10", 53);
	}
	fwt_check_n(fw, 1, q, N, V_A, V_S, v);
	for (uint16_t i = 0; i < N; i++)
		assert_int_equal(v[i], i < MAX || i == FLOWS ? SL_FW_ACCEPT : SL_FW_DROP);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_created, MAX);
	assert_int_equal(st.ct_full, N - MAX - 1);
	assert_int_equal(st.ct_entries, MAX);
	/* the made flows are tracked: their replies pass */
	for (uint16_t i = 0; i < FLOWS; i++) {
		struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", (uint16_t)(1000 + i));
		assert_int_equal(
			fwt_check(fw, 2, &r, V_S, V_A), i < MAX ? SL_FW_ACCEPT : SL_FW_DROP);
	}
	sl_fw_free(fw);
}

/* The sweeper examines at most `budget` slots per call and resumes. */
static void test_sweep_budget(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(256);
	for (uint16_t i = 0; i < 100; i++) {
		struct fwt_pkt q = fwt_udp("10.1.0.2", (uint16_t)(1000 + i), "10.100.0.10", 53);
		assert_int_equal(fwt_check(fw, 0, &q, V_A, V_S), SL_FW_ACCEPT);
	}
	unsigned total = 0, calls = 0;
	while (entries(fw) > 0 && calls < 100000) {
		unsigned d = sl_fw_ct_sweep(fw, 1000, 16);
		assert_true(d <= 16);
		total += d;
		calls++;
	}
	assert_int_equal(total, 100);
	assert_true(calls > 100 / 16);
	sl_fw_free(fw);
}

/* Only pairs with a binding in some direction are tracked; a binding on the
 * way back is enough (management pattern: MGMT opens, customers answer). */
static void test_tracked_pairs(void **state)
{
	(void)state;
	struct sl_fw_config cfg = {.ct_max = 64, .n_lcores = 1, .tsc_hz = 1, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name TO-MGMT rule 10 action accept\n"
				      "set firewall ipv4 name TO-MGMT rule 10 state established\n"
				      "set vrf name CUST-A leak-firewall to MGMT name TO-MGMT\n"),
		0);
	struct fwt_pkt ping = fwt_icmp("10.200.0.5", "10.1.0.2", RTE_IP_ICMP_ECHO_REQUEST, 0, 7);
	struct fwt_pkt pong = fwt_icmp("10.1.0.2", "10.200.0.5", RTE_IP_ICMP_ECHO_REPLY, 0, 7);
	struct fwt_pkt open = fwt_tcp("10.1.0.2", 5555, "10.200.0.5", 22, FWT_SYN);
	assert_int_equal(fwt_check(fw, 0, &open, V_A, V_M), SL_FW_DROP); /* customers cannot open */
	assert_int_equal(fwt_check(fw, 0, &ping, V_M, V_A), SL_FW_ACCEPT); /* unguarded, tracked */
	assert_int_equal(entries(fw), 1);
	assert_int_equal(fwt_check(fw, 0, &pong, V_A, V_M), SL_FW_ACCEPT);
	/* CUST-B ↔ SHARED has no binding either way: nothing tracked */
	struct fwt_pkt q = fwt_udp("10.2.0.2", 1, "10.100.0.10", 53);
	assert_int_equal(fwt_check(fw, 0, &q, V_B, V_S), SL_FW_ACCEPT);
	assert_int_equal(entries(fw), 1);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.unguarded, 2); /* the ping (tracked) and CUST-B's query */
	assert_int_equal(st.classified, 2);
	sl_fw_free(fw);
}

struct listing {
	int n;
	struct sl_fw_ct_flow last;
};

static int collect(const struct sl_fw_ct_flow *f, void *ctx)
{
	struct listing *l = ctx;
	l->n++;
	l->last = *f;
	return 0;
}

static void test_listing_and_flush(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(1024);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_SYN | FWT_ACK);
	assert_int_equal(fwt_check(fw, 5, &syn, V_A, V_S), SL_FW_ACCEPT);
	struct listing l = {0};
	assert_int_equal(sl_fw_ct_foreach(fw, 10, UINT32_MAX, 100, collect, &l), 1);
	assert_string_equal(l.last.state, "SYN_SENT");
	assert_int_equal(l.last.expires_s, 25);
	assert_int_equal(fwt_check(fw, 10, &synack, V_S, V_A), SL_FW_ACCEPT);
	memset(&l, 0, sizeof(l));
	assert_int_equal(sl_fw_ct_foreach(fw, 12, V_S, 100, collect, &l), 1);
	assert_int_equal(l.last.proto, 6);
	assert_int_equal(l.last.vrf[0], V_A); /* the opener first */
	assert_int_equal(l.last.vrf[1], V_S);
	assert_int_equal(l.last.addr[0], fwt_ip("10.1.0.2"));
	assert_int_equal(l.last.port[0], 40000);
	assert_int_equal(l.last.port[1], 22);
	assert_true(l.last.replied);
	assert_string_equal(l.last.state, "ESTABLISHED");
	assert_int_equal(l.last.age_s, 7);
	assert_int_equal(sl_fw_ct_foreach(fw, 12, V_B, 100, collect, &l), 0);
	assert_int_equal(sl_fw_ct_foreach(fw, 12, UINT32_MAX, 0, collect, &l), 0);
	sl_fw_ct_flush(fw);
	assert_int_equal(entries(fw), 0);
	assert_int_equal(fwt_check(fw, 13, &synack, V_S, V_A), SL_FW_DROP);
	sl_fw_free(fw);
}

int main(void)
{
	if (fwt_eal_init("fw-ct", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_new_then_established),
		cmocka_unit_test(test_udp_timeouts),
		cmocka_unit_test(test_tcp_life_cycle),
		cmocka_unit_test(test_tcp_tuple_reuse),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_table_full_burst),
		cmocka_unit_test(test_sweep_budget),
		cmocka_unit_test(test_tracked_pairs),
		cmocka_unit_test(test_listing_and_flush),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
