/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-lcore flow lines (lib/fw/fw_line.h): a packet of a known flow is
 * decided from its line, and a line never outlives what it cached — a
 * publish that changes the verdict, an expired or flushed flow, a state
 * change, TCP FIN/RST (which must still reach conntrack) — and the counters
 * of the packets it decides are those of the full path.
 * Time is simulated: tsc_hz = 1, so `now` counts seconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <netinet/in.h>

#include <cmocka.h>

#include "fw_line.h" /* FW_LINE_COLD_* */
#include "fw_priv.h" /* the lines of a flow, to find colliding ones */
#include "fw_test_util.h"

#define BINDINGS                                                 \
	"set vrf name CUST-A leak-firewall to SHARED name OUT\n" \
	"set vrf name SHARED leak-firewall to CUST-A name BACK\n"

/* CUST-A opens DNS and SSH into SHARED; SHARED answers within flows. */
#define BACK_ESTABLISHED                                      \
	"set firewall ipv4 name BACK rule 10 action accept\n" \
	"set firewall ipv4 name BACK rule 10 state established\n"

static const char policy[] =
	"set firewall ipv4 name OUT rule 10 action accept\n"
	"set firewall ipv4 name OUT rule 10 protocol udp\n"
	"set firewall ipv4 name OUT rule 10 destination port 53\n"
	"set firewall ipv4 name OUT rule 20 action accept\n"
	"set firewall ipv4 name OUT rule 20 protocol tcp\n"
	"set firewall ipv4 name OUT rule 20 destination port 22\n" BACK_ESTABLISHED BINDINGS;

/* The same, DNS now refused. */
static const char policy_dns_drop[] = "set firewall ipv4 name OUT rule 10 action drop\n"
				      "set firewall ipv4 name OUT rule 10 protocol udp\n"
				      "set firewall ipv4 name OUT rule 10 destination port 53\n"
				      "set firewall ipv4 name OUT rule 20 action accept\n"
				      "set firewall ipv4 name OUT rule 20 protocol tcp\n"
				      "set firewall ipv4 name OUT rule 20 destination port "
				      "22\n" BACK_ESTABLISHED BINDINGS;

/* New DNS flows pass; once answered, CUST-A's side of them is refused
 * (contrived, so that the state alone changes the verdict). */
static const char policy_by_state[] = "set firewall ipv4 name OUT rule 10 action accept\n"
				      "set firewall ipv4 name OUT rule 10 protocol udp\n"
				      "set firewall ipv4 name OUT rule 10 state new\n"
				      "set firewall ipv4 name OUT rule 20 action drop\n"
				      "set firewall ipv4 name OUT rule 20 state "
				      "established\n" BACK_ESTABLISHED BINDINGS;

/* Established TCP counts on rule 10, new SSH on rule 20. */
static const char policy_tcp_by_state[] = "set firewall ipv4 name OUT rule 10 action accept\n"
					  "set firewall ipv4 name OUT rule 10 state established\n"
					  "set firewall ipv4 name OUT rule 20 action accept\n"
					  "set firewall ipv4 name OUT rule 20 protocol tcp\n"
					  "set firewall ipv4 name OUT rule 20 destination port "
					  "22\n" BACK_ESTABLISHED BINDINGS;

static struct sl_fw *fw_new(const char *text)
{
	struct sl_fw_config cfg = {.ct_max = 1024, .n_lcores = 2, .tsc_hz = 1, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, text), 0);
	return fw;
}

static struct sl_fw_stats stats(struct sl_fw *fw)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	return st;
}

static uint64_t rule_packets(struct sl_fw *fw, const char *rs, uint32_t number, uint64_t *bytes)
{
	uint64_t p = 0;
	assert_int_equal(sl_fw_rule_counters(fw, rs, number, &p, bytes), 0);
	return p;
}

/* Open the DNS flow q / r and send q until its line decides it. */
static void open_dns(
	struct sl_fw *fw, uint64_t now, const struct fwt_pkt *q, const struct fwt_pkt *r)
{
	uint64_t hits = stats(fw).ct_line_hits;
	assert_int_equal(fwt_check(fw, now, q, V_A, V_S), SL_FW_ACCEPT); /* creates */
	assert_int_equal(fwt_check(fw, now, r, V_S, V_A), SL_FW_ACCEPT); /* replied, fills */
	assert_int_equal(fwt_check(fw, now, q, V_A, V_S), SL_FW_ACCEPT); /* fills */
	assert_int_equal(fwt_check(fw, now, r, V_S, V_A), SL_FW_ACCEPT); /* the line */
	assert_int_equal(fwt_check(fw, now, q, V_A, V_S), SL_FW_ACCEPT); /* the line */
	assert_int_equal(fwt_check(fw, now, r, V_S, V_A), SL_FW_ACCEPT); /* the line */
	assert_int_equal(stats(fw).ct_line_hits, hits + 3);
}

/* A publish that refuses the flow: its next packet is dropped, counted on
 * the new rule, not on the line's cached accept. */
static void test_publish_invalidates(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(policy);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	open_dns(fw, 0, &q, &r);
	uint64_t before = rule_packets(fw, "OUT", 10, NULL);
	assert_int_equal(fwt_load(fw, policy_dns_drop), 0);
	assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_DROP);
	assert_int_equal(rule_packets(fw, "OUT", 10, NULL), before + 2);
	/* and back: accepted again, by the line once refilled */
	assert_int_equal(fwt_load(fw, policy), 0);
	uint64_t hits = stats(fw).ct_line_hits;
	for (int i = 0; i < 3; i++)
		assert_int_equal(fwt_check(fw, 2, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_line_hits, hits + 2);
	/* a binding removed: the pair is neither guarded nor tracked */
	assert_int_equal(fwt_load(fw, "set firewall ipv4 name OUT rule 10 action drop\n"), 0);
	hits = stats(fw).ct_line_hits;
	uint64_t unguarded = stats(fw).unguarded;
	assert_int_equal(fwt_check(fw, 3, &r, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).unguarded, unguarded + 1);
	assert_int_equal(stats(fw).ct_line_hits, hits);
	sl_fw_free(fw);
}

/* An expired flow is not revived by its line: the reply finds no flow and
 * is dropped, even once the entry's slot holds other flows. */
static void test_expired_flow(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(policy);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	open_dns(fw, 0, &q, &r);
	assert_int_equal(sl_fw_ct_sweep(fw, 1000, 1u << 20), 1); /* replied UDP: 180 s */
	uint64_t hits = stats(fw).ct_line_hits;
	assert_int_equal(fwt_check(fw, 1000, &r, V_S, V_A), SL_FW_DROP);
	/* the slot released and taken again by other flows */
	assert_int_equal(sl_fw_ct_sweep(fw, 1001, 1u << 20), 0);
	for (uint16_t i = 0; i < 64; i++) {
		struct fwt_pkt q2 = fwt_udp("10.1.0.3", (uint16_t)(2000 + i), "10.100.0.10", 53);
		assert_int_equal(fwt_check(fw, 1002, &q2, V_A, V_S), SL_FW_ACCEPT);
	}
	assert_int_equal(fwt_check(fw, 1002, &r, V_S, V_A), SL_FW_DROP);
	assert_int_equal(stats(fw).ct_line_hits, hits);
	/* flushed: the same */
	open_dns(fw, 1003, &q, &r);
	sl_fw_ct_flush(fw);
	assert_int_equal(fwt_check(fw, 1003, &r, V_S, V_A), SL_FW_DROP);
	sl_fw_free(fw);
}

/* The line's verdict is the one of the state it was classified in: when a
 * reply makes the flow established, its next packet is classified again. */
static void test_state_change(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(policy_by_state);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	for (int i = 0; i < 4; i++) /* new, one-way: the line decides from the third */
		assert_int_equal(fwt_check(fw, 0, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_line_hits, 2);
	assert_int_equal(fwt_check(fw, 1, &r, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_DROP);
	assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_DROP);
	assert_int_equal(rule_packets(fw, "OUT", 20, NULL), 2);
	sl_fw_free(fw);
}

/* TCP: segments without SYN/FIN/RST take the line; FIN and RST still reach
 * conntrack (the flow closes and expires in 10 s), and so does a SYN that
 * reuses the tuple. */
static void test_tcp_flags_reach_conntrack(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(policy);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_SYN | FWT_ACK);
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_ACK);
	struct fwt_pkt back = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_ACK);
	struct fwt_pkt fin = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_FIN | FWT_ACK);
	struct fwt_pkt fin_back = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_FIN | FWT_ACK);
	assert_int_equal(fwt_check(fw, 0, &syn, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &synack, V_S, V_A), SL_FW_ACCEPT);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fwt_check(fw, 0, &ack, V_A, V_S), SL_FW_ACCEPT);
		assert_int_equal(fwt_check(fw, 0, &back, V_S, V_A), SL_FW_ACCEPT);
	}
	uint64_t hits = stats(fw).ct_line_hits;
	assert_true(hits >= 3);
	/* established: two hours idle */
	assert_int_equal(fwt_check(fw, 1, &fin, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &back, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 1, &fin_back, V_S, V_A), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 2, &ack, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_line_hits, hits + 2); /* back and the last ack */
	assert_int_equal(sl_fw_ct_sweep(fw, 12, 1u << 20), 0);
	assert_int_equal(sl_fw_ct_sweep(fw, 13, 1u << 20), 1); /* closed: 10 s */
	assert_int_equal(fwt_check(fw, 14, &back, V_S, V_A), SL_FW_DROP);
	sl_fw_free(fw);
}

/* A closed TCP tuple reused by a SYN starts a new flow: the old flow's
 * established lines do not decide its packets (they are new again). */
static void test_tcp_tuple_reuse(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(policy_tcp_by_state);
	struct fwt_pkt syn = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt synack = fwt_tcp("10.100.0.10", 22, "10.1.0.2", 40000, FWT_SYN | FWT_ACK);
	struct fwt_pkt ack = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_ACK);
	struct fwt_pkt rst = fwt_tcp("10.1.0.2", 40000, "10.100.0.10", 22, FWT_RST | FWT_ACK);
	assert_int_equal(fwt_check(fw, 0, &syn, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &synack, V_S, V_A), SL_FW_ACCEPT);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fwt_check(fw, 0, &ack, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_line_hits, 3);
	assert_int_equal(rule_packets(fw, "OUT", 10, NULL), 4);
	assert_int_equal(fwt_check(fw, 0, &rst, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(fwt_check(fw, 0, &syn, V_A, V_S), SL_FW_ACCEPT); /* reused */
	assert_int_equal(fwt_check(fw, 0, &ack, V_A, V_S), SL_FW_ACCEPT); /* new again */
	assert_int_equal(rule_packets(fw, "OUT", 20, NULL), 3);
	assert_int_equal(rule_packets(fw, "OUT", 10, NULL), 5);
	sl_fw_free(fw);
}

/* The counters after rounds rounds of flows flows' queries (bytes bytes a
 * round) and replies, all accepted: exact, however many lines decided. */
static void counters_check(struct sl_fw *fw, const struct sl_fw_stats *st, uint64_t flows,
	uint64_t rounds, uint64_t bytes)
{
	uint64_t by = 0;
	assert_int_equal(rule_packets(fw, "OUT", 10, &by), flows * rounds);
	assert_int_equal(by, bytes * rounds);
	assert_int_equal(rule_packets(fw, "BACK", 10, &by), flows * rounds);
	assert_int_equal(by, bytes * rounds);
	assert_int_equal(st->checked, flows * 2 * rounds);
	assert_int_equal(st->classified, flows * 2 * rounds);
	assert_int_equal(st->accepted, flows * 2 * rounds);
	assert_int_equal(st->unguarded, 0);
	assert_int_equal(st->ct_created, flows);
	assert_int_equal(st->ct_hits, flows * (2 * rounds - 1));
}

/* Counters: a burst of many flows, sent again and again, counts on the
 * rules and in the stats exactly as many packets and bytes as were sent,
 * however many the lines decided. */
static void test_counters_exact(void **state)
{
	(void)state;
	enum { FLOWS = 48, ROUNDS = 5 };
	struct sl_fw *fw = fw_new(policy);
	struct fwt_pkt q[FLOWS], r[FLOWS];
	const uint8_t *lq[FLOWS], *lr[FLOWS];
	uint16_t len[FLOWS];
	uint32_t a[FLOWS], s[FLOWS];
	uint8_t v[FLOWS];
	uint64_t bytes = 0;
	for (uint16_t i = 0; i < FLOWS; i++) {
		q[i] = fwt_udp("10.1.0.2", (uint16_t)(3000 + i), "10.100.0.10", 53);
		r[i] = fwt_udp("10.100.0.10", 53, "10.1.0.2", (uint16_t)(3000 + i));
		lq[i] = q[i].b;
		lr[i] = r[i].b;
		len[i] = q[i].len;
		a[i] = V_A;
		s[i] = V_S;
		bytes += q[i].len;
	}
	for (int k = 0; k < ROUNDS; k++) {
		sl_fw_check_burst(fw, 0, (uint64_t)k, lq, len, a, s, FLOWS, v);
		for (uint16_t i = 0; i < FLOWS; i++)
			assert_int_equal(v[i], SL_FW_ACCEPT);
		sl_fw_check_burst(fw, 0, (uint64_t)k, lr, len, s, a, FLOWS, v);
		for (uint16_t i = 0; i < FLOWS; i++)
			assert_int_equal(v[i], SL_FW_ACCEPT);
	}
	struct sl_fw_stats st = stats(fw);
	assert_true(st.ct_line_hits >= (uint64_t)FLOWS * 2 * (ROUNDS - 2));
	counters_check(fw, &st, FLOWS, ROUNDS, bytes);
	sl_fw_free(fw);
}

/* A firewall whose refresh interval is 2^16 ticks: with now in ticks,
 * lines that read a live entry become quiet (decide without reading it). */
static struct sl_fw *fw_new_quiet(const char *text)
{
	struct sl_fw_config cfg = {
		.ct_max = 1024, .n_lcores = 2, .tsc_hz = 1u << 20, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, text), 0);
	return fw;
}

/* The hash of packet p's flow line, from VRF from into to. */
static uint32_t line_hash(const struct fwt_pkt *p, uint32_t from, uint32_t to)
{
	struct fw_line_key k = {0};
	uint8_t flags;
	assert_true(fw_line_key_of(p->b, p->len, from, to, &k, &flags));
	return fw_line_hash(&k);
}

/* Whether packet p's flow line (lcore 0) is quiet. */
static bool line_quiet(struct sl_fw *fw, const struct fwt_pkt *p, uint32_t from, uint32_t to)
{
	const struct fw_line_row row = fw_line_row(&fw->ct_lines, 0);
	uint32_t h = line_hash(p, from, to);
	struct fw_line_key k = {0};
	uint8_t flags;
	assert_true(fw_line_key_of(p->b, p->len, from, to, &k, &flags));
	for (unsigned w = 0; w < FW_LINE_WAYS; w++) {
		const struct fw_line *l = &row.line[fw_line_ix(&row, h, w)];
		if (fw_line_key_eq(&l->key, &k))
			return l->quiet != 0;
	}
	return false;
}

/* Counters when quiet lines decide (the hits and classifications they
 * add are summed once a burst): exact, as in test_counters_exact, with
 * the bursts' flows mixing a guarded direction and one whose lines were
 * read loud in the same burst. */
static void test_quiet_counters_exact(void **state)
{
	(void)state;
	enum { FLOWS = 40, ROUNDS = 6 };
	struct sl_fw *fw = fw_new_quiet(policy);
	struct fwt_pkt q[FLOWS], r[FLOWS];
	uint64_t bytes = 0;
	uint8_t v[FLOWS];
	for (uint16_t i = 0; i < FLOWS; i++) {
		q[i] = fwt_udp("10.1.0.2", (uint16_t)(5000 + i), "10.100.0.10", 53);
		r[i] = fwt_udp("10.100.0.10", 53, "10.1.0.2", (uint16_t)(5000 + i));
		bytes += q[i].len;
	}
	for (int k = 0; k < ROUNDS; k++) {
		fwt_check_n(fw, (uint64_t)k, q, FLOWS, V_A, V_S, v);
		for (uint16_t i = 0; i < FLOWS; i++)
			assert_int_equal(v[i], SL_FW_ACCEPT);
		/* in the third round half the replies come first: quiet */
		fwt_check_n(fw, (uint64_t)k, r, k == 2 ? FLOWS / 2 : FLOWS, V_S, V_A, v);
		for (uint16_t i = 0; i < (k == 2 ? FLOWS / 2 : FLOWS); i++)
			assert_int_equal(v[i], SL_FW_ACCEPT);
		if (k == 2)
			fwt_check_n(fw, (uint64_t)k, r + FLOWS / 2, FLOWS / 2, V_S, V_A, v);
	}
	for (uint16_t i = 0; i < FLOWS; i++) {
		assert_true(line_quiet(fw, &q[i], V_A, V_S));
		assert_true(line_quiet(fw, &r[i], V_S, V_A));
	}
	struct sl_fw_stats st = stats(fw);
	/* round 0 creates and fills the flows' lines, round 1 reads them */
	assert_int_equal(st.ct_line_hits, (uint64_t)FLOWS * 2 * (ROUNDS - 1) - FLOWS);
	counters_check(fw, &st, FLOWS, ROUNDS, bytes);
	sl_fw_free(fw);
}

/* Two source ports *pa, *pb of UDP 10.1.0.2 -> 10.100.0.10:53 from VRF
 * V_A into V_S whose flow lines in row share their first candidate and
 * their tag (rows of at most 2 Ki lines). */
static void ports_sharing_first(const struct fw_line_row *row, uint16_t *pa, uint16_t *pb)
{
	static int32_t seen[1u << 19]; /* first candidate and tag -> port + 1 */
	memset(seen, 0, sizeof(seen));
	*pb = 0;
	for (uint32_t i = 0; i < (1u << 14) && *pb == 0; i++) {
		uint16_t port = (uint16_t)(10000 + i);
		struct fwt_pkt q = fwt_udp("10.1.0.2", port, "10.100.0.10", 53);
		uint32_t h = line_hash(&q, V_A, V_S);
		uint32_t at = fw_line_ix(row, h, 0) << 8 | fw_line_tag(h, 0);
		assert_true(at < RTE_DIM(seen));
		if (seen[at] != 0) {
			*pa = (uint16_t)(seen[at] - 1);
			*pb = port;
		}
		seen[at] = port + 1;
	}
	assert_int_not_equal(*pb, 0);
}

/* Two flows whose lines share their first candidate and their tag: the
 * second one's line is its other candidate, found past the first, whose
 * tag matches but whose key does not — loud and quiet, in one burst. */
static void test_tagged_first_other_flow(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new_quiet(policy);
	const struct fw_line_row row = fw_line_row(&fw->ct_lines, 0);
	uint16_t pa, pb;
	ports_sharing_first(&row, &pa, &pb);
	struct fwt_pkt q[2] = {fwt_udp("10.1.0.2", pa, "10.100.0.10", 53),
		fwt_udp("10.1.0.2", pb, "10.100.0.10", 53)};
	struct fwt_pkt r[2] = {fwt_udp("10.100.0.10", 53, "10.1.0.2", pa),
		fwt_udp("10.100.0.10", 53, "10.1.0.2", pb)};
	uint8_t v[2];
	for (uint64_t now = 0; now < 5; now++) {
		fwt_check_n(fw, now, q, 2, V_A, V_S, v);
		assert_int_equal(v[0], SL_FW_ACCEPT);
		assert_int_equal(v[1], SL_FW_ACCEPT);
		fwt_check_n(fw, now, r, 2, V_S, V_A, v);
		assert_int_equal(v[0], SL_FW_ACCEPT);
		assert_int_equal(v[1], SL_FW_ACCEPT);
	}
	/* both of q's candidates hold one of the two flows, one tag */
	uint32_t h = line_hash(&q[1], V_A, V_S);
	for (unsigned w = 0; w < FW_LINE_WAYS; w++) {
		assert_int_equal(row.tag[fw_line_ix(&row, h, w)], fw_line_tag(h, 0));
		assert_int_equal(row.line[fw_line_ix(&row, h, w)].gen, fw->active->gen);
	}
	assert_true(line_quiet(fw, &q[0], V_A, V_S));
	assert_true(line_quiet(fw, &q[1], V_A, V_S));
	struct sl_fw_stats st = stats(fw);
	/* now 0: q creates, r replies and fills; now 1: q fills, r's lines
	 * decide; then every packet's line */
	assert_int_equal(st.ct_line_hits, 2u * 2 * 4 - 2);
	assert_int_equal(st.classified, 2u * 2 * 5);
	assert_int_equal(st.accepted, 2u * 2 * 5);
	assert_int_equal(rule_packets(fw, "OUT", 10, NULL), 2u * 5);
	sl_fw_free(fw);
}

/* Lines are looked up before bindings: in one burst, a flow's packets that
 * its line decides, the same tuple across a pair bound statelessly to a
 * drop (CUST-B to SHARED) and across an unbound pair (CUST-A to MGMT) —
 * the line is its VRF pair's only: those two are dropped and passed
 * unguarded, each counted once. */
static void test_line_pair_only(void **state)
{
	(void)state;
	struct sl_fw *fw =
		fw_new("set firewall ipv4 name OUT rule 10 action accept\n"
		       "set firewall ipv4 name OUT rule 10 state established\n"
		       "set firewall ipv4 name OUT rule 20 action accept\n"
		       "set firewall ipv4 name OUT rule 20 protocol udp\n"
		       "set firewall ipv4 name NOPE default-action drop\n"
		       "set vrf name CUST-B leak-firewall to SHARED name NOPE\n" BACK_ESTABLISHED
				BINDINGS);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	open_dns(fw, 0, &q, &r);
	enum { N = 6 };
	const uint8_t *l3[N];
	uint16_t len[N];
	uint32_t from[N] = {V_A, V_B, V_A, V_A, V_B, V_A}, to[N] = {V_S, V_S, V_M, V_S, V_S, V_M};
	uint8_t v[N];
	for (int i = 0; i < N; i++) {
		l3[i] = q.b;
		len[i] = q.len;
	}
	struct sl_fw_stats a = stats(fw);
	uint64_t est = rule_packets(fw, "OUT", 10, NULL);
	sl_fw_check_burst(fw, 0, 1, l3, len, from, to, N, v);
	uint8_t want[N] = {
		SL_FW_ACCEPT, SL_FW_DROP, SL_FW_ACCEPT, SL_FW_ACCEPT, SL_FW_DROP, SL_FW_ACCEPT};
	for (int i = 0; i < N; i++)
		assert_int_equal(v[i], want[i]);
	struct sl_fw_stats b = stats(fw);
	assert_int_equal(b.ct_line_hits - a.ct_line_hits, 2);
	assert_int_equal(b.checked - a.checked, N);
	assert_int_equal(b.unguarded - a.unguarded, 2);
	assert_int_equal(b.classified - a.classified, 4);
	assert_int_equal(b.dropped - a.dropped, 2);
	assert_int_equal(rule_packets(fw, "OUT", 10, NULL), est + 2);
	assert_int_equal(rule_packets(fw, "NOPE", 0, NULL), 2);
	sl_fw_free(fw);
}

/* After bursts in a row of first packets only, the lines are read one
 * burst in FW_LINE_COLD_EVERY (fw_line_skip): a known flow's packets are
 * still accepted, by the full path, until a sampled burst finds its line;
 * from then on every burst reads the lines again. */
static void test_cold_runs(void **state)
{
	(void)state;
	enum { M = 16 };
	struct sl_fw *fw = fw_new(policy);
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt r = fwt_udp("10.100.0.10", 53, "10.1.0.2", 40000);
	open_dns(fw, 0, &q, &r);
	struct fwt_pkt nq[M];
	const uint8_t *l3[M];
	uint16_t len[M];
	uint32_t a[M], s[M];
	uint8_t v[M];
	uint64_t created = stats(fw).ct_created, hits = stats(fw).ct_line_hits;
	for (uint32_t b = 0; b < FW_LINE_COLD_RUN; b++) {
		for (uint16_t i = 0; i < M; i++) {
			nq[i] = fwt_udp(
				"10.1.0.3", (uint16_t)(10000 + b * M + i), "10.100.0.10", 53);
			l3[i] = nq[i].b;
			len[i] = nq[i].len;
			a[i] = V_A;
			s[i] = V_S;
		}
		sl_fw_check_burst(fw, 0, 1, l3, len, a, s, M, v);
		for (uint16_t i = 0; i < M; i++)
			assert_int_equal(v[i], SL_FW_ACCEPT);
	}
	assert_int_equal(stats(fw).ct_created, created + FW_LINE_COLD_RUN * M);
	assert_int_equal(stats(fw).ct_line_hits, hits);
	for (uint32_t b = 1; b < FW_LINE_COLD_EVERY; b++) /* the full path's */
		assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_line_hits, hits);
	for (uint32_t b = 0; b < 4; b++) /* a sampled burst hits: warm again */
		assert_int_equal(fwt_check(fw, 1, &q, V_A, V_S), SL_FW_ACCEPT);
	assert_int_equal(stats(fw).ct_line_hits, hits + 4);
	sl_fw_free(fw);
}

/* ---- NAT: the lines of flows leaving ---- */

#define NAT_A "set vrf name CUST-A leak-nat to SHARED source translation address "

/* Checksums of ip computed whole (TCP/UDP), as a host would send them. */
static void sums_set(uint8_t *ip)
{
	uint16_t len = (uint16_t)(ip[2] << 8 | ip[3]);
	uint8_t *ck = ip + 20 + (ip[9] == IPPROTO_TCP ? 16 : 6);
	ip[10] = ip[11] = 0;
	fwt_w16(ip + 10, sl_inet_cksum(ip, 20, 0));
	ck[0] = ck[1] = 0;
	uint16_t c =
		sl_inet_cksum(ip + 20, len - 20u, sl_inet_sum(ip + 12, 8, 0) + ip[9] + (len - 20u));
	fwt_w16(ck, c == 0 ? 0xffff : c);
}

/* Whether ip's checksums are those a whole computation gives. */
static void sums_check(const struct fwt_pkt *p)
{
	struct fwt_pkt c = *p;
	sums_set(c.b);
	assert_memory_equal(c.b, p->b, p->len);
}

/* p translated leaving CUST-A for SHARED: 0 or the denial. */
static int nat_out(struct sl_fw *fw, uint64_t now, struct fwt_pkt *p)
{
	uint8_t *l3 = p->b;
	uint32_t from = V_A, to = V_S;
	uint8_t deny = 0;
	sl_fw_nat_out_burst(fw, 0, now, &l3, &p->len, &from, &to, 1, &deny);
	return deny;
}

/* A flow's packets leave with one translation and true checksums whether
 * the full path or its line translates them (quiet or reading the entry);
 * a pool moved gives the new translation; an expired flow is made again,
 * not translated by its line. */
static void test_nat_lines(void **state)
{
	(void)state;
	struct sl_fw *fw = fw_new(NAT_A "100.64.1.0/24\n");
	struct fwt_pkt q = fwt_udp("10.1.0.2", 40000, "10.100.0.10", 53);
	struct fwt_pkt t = fwt_tcp("10.1.0.2", 40001, "10.100.0.10", 22, FWT_ACK);
	sums_set(q.b);
	sums_set(t.b);
	struct fwt_pkt first = q, first_t = t;
	assert_int_equal(nat_out(fw, 0, &first), 0);
	assert_int_equal(nat_out(fw, 0, &first_t), 0);
	sums_check(&first);
	sums_check(&first_t);
	assert_int_equal(first.b[12], 100);
	for (int k = 0; k < 5; k++) {
		struct fwt_pkt x = q, y = t;
		assert_int_equal(nat_out(fw, (uint64_t)(k < 3 ? k : 3), &x), 0);
		assert_int_equal(nat_out(fw, (uint64_t)(k < 3 ? k : 3), &y), 0);
		assert_memory_equal(x.b, first.b, q.len);
		assert_memory_equal(y.b, first_t.b, t.len);
	}
	struct sl_fw_stats st = stats(fw);
	assert_true(st.nat_line_hits >= 6);
	assert_int_equal(st.nat_out, 12);
	assert_int_equal(st.nat_created, 2);

	/* the pool moved: the flow is pruned, its next packet takes the new */
	assert_int_equal(fwt_load(fw, NAT_A "100.64.9.0/24\n"), 0);
	struct fwt_pkt x = q;
	assert_int_equal(nat_out(fw, 3, &x), 0);
	sums_check(&x);
	assert_int_equal(x.b[14], 9);
	assert_int_equal(stats(fw).nat_line_hits, st.nat_line_hits);
	assert_int_equal(stats(fw).nat_created, 3);

	/* expired (30 s unanswered): made again, not translated by its line */
	for (int k = 0; k < 3; k++) {
		x = q;
		assert_int_equal(nat_out(fw, 4, &x), 0);
	}
	st = stats(fw);
	assert_int_equal(sl_fw_nat_sweep(fw, 100, 1u << 20), 1);
	x = q;
	assert_int_equal(nat_out(fw, 100, &x), 0);
	sums_check(&x);
	assert_int_equal(stats(fw).nat_line_hits, st.nat_line_hits);
	assert_int_equal(stats(fw).nat_created, st.nat_created + 1);
	sl_fw_free(fw);
}

/* Two NAT flows whose lines share their first candidate and their tag:
 * the second one's line is its other candidate, found past the first
 * (whose tag matches, its key not); both leave with their own translation
 * from their lines, loud and then quiet, in one burst. */
static void test_nat_tagged_first_other_flow(void **state)
{
	(void)state;
	struct sl_fw_config cfg = {.ct_max = 1024,
		.nat_max = 1024,
		.n_lcores = 2,
		.tsc_hz = 1u << 20,
		.socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, NAT_A "100.64.1.0/24\n"), 0);
	const struct fw_line_row row = fw_line_row(&fw->nat_lines, 0);
	uint16_t pa, pb;
	ports_sharing_first(&row, &pa, &pb);
	struct fwt_pkt q[2] = {fwt_udp("10.1.0.2", pa, "10.100.0.10", 53),
		fwt_udp("10.1.0.2", pb, "10.100.0.10", 53)};
	struct fwt_pkt first[2];
	sums_set(q[0].b);
	sums_set(q[1].b);
	for (uint64_t now = 0; now < 5; now++) {
		struct fwt_pkt x[2] = {q[0], q[1]};
		uint8_t *l3[2] = {x[0].b, x[1].b};
		uint16_t len[2] = {x[0].len, x[1].len};
		uint32_t from[2] = {V_A, V_A}, to[2] = {V_S, V_S};
		uint8_t deny[2] = {0, 0};
		sl_fw_nat_out_burst(fw, 0, now, l3, len, from, to, 2, deny);
		assert_int_equal(deny[0], 0);
		assert_int_equal(deny[1], 0);
		if (now == 0)
			memcpy(first, x, sizeof(first));
		for (int j = 0; j < 2; j++) {
			sums_check(&x[j]);
			assert_memory_equal(x[j].b, first[j].b, x[j].len);
		}
	}
	/* two flows, two translations */
	assert_memory_not_equal(first[0].b + 12, first[1].b + 12, 4 + 20 + 2);
	/* both of q's candidates hold one of the two flows, one tag */
	uint32_t h = line_hash(&q[1], V_A, V_S);
	for (unsigned w = 0; w < FW_LINE_WAYS; w++) {
		assert_int_equal(row.tag[fw_line_ix(&row, h, w)], fw_line_tag(h, 0));
		assert_int_equal(row.line[fw_line_ix(&row, h, w)].gen, fw->active->gen);
	}
	struct sl_fw_stats st = stats(fw);
	/* now 0: made; now 1: found, lines filled; then every packet's line */
	assert_int_equal(st.nat_line_hits, 2u * 3);
	assert_int_equal(st.nat_out, 2u * 5);
	assert_int_equal(st.nat_created, 2);
	sl_fw_free(fw);
}

int main(void)
{
	if (fwt_eal_init("fw-line", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish_invalidates),
		cmocka_unit_test(test_expired_flow),
		cmocka_unit_test(test_state_change),
		cmocka_unit_test(test_tcp_flags_reach_conntrack),
		cmocka_unit_test(test_tcp_tuple_reuse),
		cmocka_unit_test(test_counters_exact),
		cmocka_unit_test(test_quiet_counters_exact),
		cmocka_unit_test(test_tagged_first_other_flow),
		cmocka_unit_test(test_line_pair_only),
		cmocka_unit_test(test_cold_runs),
		cmocka_unit_test(test_nat_lines),
		cmocka_unit_test(test_nat_tagged_first_other_flow),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
