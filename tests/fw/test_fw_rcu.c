/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RCU reader/writer stress of the firewall's lock-free state: a worker lcore
 * classifies and tracks flows without pause (long-lived flows and their
 * replies, one-shot flows that churn the conntrack table) while the main
 * lcore republishes rule sets and sweeps expired flows. The verdicts must
 * never be wrong and ASan must see no use-after-free. Timeouts are scaled
 * (tsc_hz / 1000: a "second" is a millisecond) so flows expire during the run.
 * "Returning" flows come back just after they expired, while the sweeper is
 * deleting them: a packet that finds such a flow must keep it tracked or
 * track it anew, never lose it (its reply, a burst later, must pass).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fw_test_util.h"

static const char policy_a[] = "set firewall ipv4 name OUT rule 10 action accept\n"
			       "set firewall ipv4 name OUT rule 10 protocol udp\n"
			       "set firewall ipv4 name OUT rule 10 destination port 53\n"
			       "set firewall ipv4 name BACK rule 10 action accept\n"
			       "set firewall ipv4 name BACK rule 10 state established\n"
			       "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
			       "set vrf name SHARED leak-firewall to CUST-A name BACK\n";
/* the same decisions through other rules, numbers and an extra ruleset */
static const char policy_b[] = "set firewall ipv4 name OUT rule 5 action drop\n"
			       "set firewall ipv4 name OUT rule 5 protocol udp\n"
			       "set firewall ipv4 name OUT rule 5 destination port 54-60\n"
			       "set firewall ipv4 name OUT rule 7 action accept\n"
			       "set firewall ipv4 name OUT rule 7 protocol udp\n"
			       "set firewall ipv4 name OUT rule 7 destination port 53,5353\n"
			       "set firewall ipv4 name BACK rule 1 action drop\n"
			       "set firewall ipv4 name BACK rule 1 state new\n"
			       "set firewall ipv4 name BACK rule 2 action accept\n"
			       "set firewall ipv4 name BACK default-action drop\n"
			       "set firewall ipv4 name OTHER default-action accept\n"
			       "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
			       "set vrf name SHARED leak-firewall to CUST-A name BACK\n"
			       "set vrf name CUST-B leak-firewall to SHARED name OTHER\n";

/* the shortest timeout of the flows whose replies are checked: UDP, no reply seen */
#define UDP_TMO 2
#define UDP_STREAM_TMO 50

struct worker {
	struct sl_fw *fw;
	struct rte_rcu_qsbr *qsbr;
	uint64_t unit; /* TSC cycles per (scaled) second */
	volatile bool stop;
	uint64_t bursts, wrong, wrong_at[32];
	uint64_t late; /* replies dropped after their flow may have expired */
	uint64_t returns; /* returning flows that came back after expiring (atomic) */
};

static void put(struct fwt_pkt *p, const uint8_t **l3, uint16_t *len, uint32_t *from, uint32_t *to,
	uint16_t i, uint32_t f, uint32_t t)
{
	l3[i] = p->b;
	len[i] = p->len;
	from[i] = f;
	to[i] = t;
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned id = rte_lcore_id();
	enum { LONG = 512, BACK = 4096, N = 24 };
	static struct fwt_pkt q[LONG], r[LONG], bq[BACK], br[BACK];
	static bool q_dropped[LONG];
	static uint64_t q_at[LONG], b_at[BACK]; /* `now` of the flow's last query; 0: none */
	char src[32];
	uint32_t oneshot = 0, b_next = 0, b_prev = UINT32_MAX;
	/* A flow idle longer than its timeout may be gone (lib/fw refreshes a
	 * flow's idle time at most 16 times a second, so up to 1/16 s early). */
	const uint64_t may_expire = UDP_TMO * w->unit - w->unit / 16;

	for (unsigned i = 0; i < LONG; i++) {
		q[i] = fwt_udp("10.1.0.2", (uint16_t)(10000 + i), "10.100.0.10", 53);
		r[i] = fwt_udp("10.100.0.10", 53, "10.1.0.2", (uint16_t)(10000 + i));
	}
	for (unsigned i = 0; i < BACK; i++) {
		bq[i] = fwt_udp("10.1.0.3", (uint16_t)(10000 + i), "10.100.0.10", 53);
		br[i] = fwt_udp("10.100.0.10", 53, "10.1.0.3", (uint16_t)(10000 + i));
	}
	rte_rcu_qsbr_thread_register(w->qsbr, id);
	rte_rcu_qsbr_thread_online(w->qsbr, id);
	while (!w->stop) {
		struct fwt_pkt one[8], bad;
		const uint8_t *l3[N];
		uint16_t len[N], n = 0;
		uint32_t from[N], to[N];
		uint8_t v[N], want[N];
		uint16_t flow[N]; /* long flow of a query/reply slot, else UINT16_MAX */
		uint64_t asked[N]; /* a reply's query was sent at `now` asked[i], else 0 */
		uint64_t now = rte_rdtsc();
		unsigned base = (unsigned)(w->bursts * 7) % LONG;
		memset(asked, 0, sizeof(asked));
		/* long flows: queries, and the replies of the previous burst's
		 * queries (a reply in its query's burst would precede tracking) */
		for (unsigned k = 0; k < 6; k++) {
			unsigned f = (base + k) % LONG;
			put(&q[f], l3, len, from, to, n, V_A, V_S);
			flow[n] = (uint16_t)f;
			want[n++] = SL_FW_ACCEPT;
		}
		for (unsigned k = 0; k < 6 && w->bursts > 0; k++) {
			unsigned f = (base + LONG - 7 + k) % LONG;
			put(&r[f], l3, len, from, to, n, V_S, V_A);
			flow[n] = (uint16_t)(LONG + f);
			asked[n] = q_at[f];
			want[n++] = SL_FW_ACCEPT;
		}
		/* one-shot flows from ever new sources: they churn the table */
		for (unsigned k = 0; k < 8; k++, oneshot++) {
			snprintf(src, sizeof(src), "10.%u.%u.%u", 2 + (oneshot >> 16) % 200,
				(oneshot >> 8) & 0xff, oneshot & 0xff);
			one[k] = fwt_udp(src, 4000, "10.100.0.10", 53);
			put(&one[k], l3, len, from, to, n, V_A, V_S);
			flow[n] = UINT16_MAX;
			want[n++] = SL_FW_ACCEPT;
		}
		bad = fwt_udp("10.1.0.2", 10000, "10.100.0.10", 54);
		put(&bad, l3, len, from, to, n, V_A, V_S);
		flow[n] = UINT16_MAX;
		want[n++] = SL_FW_DROP;
		put(&bad, l3, len, from, to, n, V_S, V_A); /* unsolicited from SHARED */
		flow[n] = UINT16_MAX;
		want[n++] = SL_FW_DROP;
		/* returning flows, in turn: the reply to last burst's query, then
		 * a query once the flow's last one is older than the flow's timeout */
		uint16_t b_query = UINT16_MAX;
		if (b_prev != UINT32_MAX) {
			put(&br[b_prev], l3, len, from, to, n, V_S, V_A);
			flow[n] = UINT16_MAX;
			asked[n] = b_at[b_prev];
			want[n++] = SL_FW_ACCEPT;
		}
		b_prev = UINT32_MAX;
		if (b_at[b_next] == 0 || now - b_at[b_next] > UDP_STREAM_TMO * w->unit) {
			put(&bq[b_next], l3, len, from, to, n, V_A, V_S);
			flow[n] = UINT16_MAX;
			b_query = n;
			want[n++] = SL_FW_ACCEPT;
		}
		struct sl_fw_stats st0, st1;
		sl_fw_stats_get(w->fw, &st0);
		sl_fw_check_burst(w->fw, id, now, l3, len, from, to, n, v);
		uint64_t done = rte_rdtsc();
		sl_fw_stats_get(w->fw, &st1);
		/* A new flow may be dropped only as conntrack_full (the control
		 * thread can be starved of CPU on a loaded machine), and then its
		 * reply is not expected to pass. */
		uint64_t full_drops = 0;
		for (uint16_t i = 0; i < n; i++) {
			bool query = want[i] == SL_FW_ACCEPT && from[i] == V_A;
			if (query && v[i] == SL_FW_DROP) {
				full_drops++;
				if (flow[i] < LONG)
					q_dropped[flow[i]] = true;
				if (i == b_query)
					b_query = UINT16_MAX; /* no reply to expect */
				continue;
			}
			if (flow[i] >= LONG && flow[i] < 2 * LONG && q_dropped[flow[i] - LONG]) {
				q_dropped[flow[i] - LONG] = false;
				continue;
			}
			if (flow[i] < LONG)
				q_dropped[flow[i]] = false;
			if (v[i] != want[i]) {
				/* lost to the sweeper only if idle long enough: the
				 * reply was classified by `done` */
				if (asked[i] != 0 && done - asked[i] > may_expire) {
					w->late++;
					continue;
				}
				w->wrong++;
				w->wrong_at[i]++;
			}
		}
		for (unsigned k = 0; k < 6; k++)
			q_at[flow[k]] = now;
		if (b_query != UINT16_MAX) {
			if (b_at[b_next] != 0)
				__atomic_fetch_add(&w->returns, 1, __ATOMIC_RELAXED);
			b_at[b_next] = now;
			b_prev = b_next;
			b_next = (b_next + 1) % BACK;
		}
		if (full_drops != st1.ct_full - st0.ct_full)
			w->wrong++;
		w->bursts++;
		rte_rcu_qsbr_quiescent(w->qsbr, id);
	}
	rte_rcu_qsbr_thread_offline(w->qsbr, id);
	rte_rcu_qsbr_thread_unregister(w->qsbr, id);
	return 0;
}

static void test_rcu_stress(void **state)
{
	(void)state;
	unsigned wl = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	if (wl >= RTE_MAX_LCORE)
		skip();
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct rte_rcu_qsbr *qsbr = rte_zmalloc("fw_test_qsbr", sz, RTE_CACHE_LINE_SIZE);
	assert_non_null(qsbr);
	assert_int_equal(rte_rcu_qsbr_init(qsbr, RTE_MAX_LCORE), 0);
	struct sl_fw_config cfg = {.ct_max = 1 << 16,
		.n_lcores = RTE_MAX_LCORE,
		.tsc_hz = rte_get_tsc_hz() / 1000,
		.socket_id = -1,
		.qsbr = qsbr,
		.timeouts = {.udp = UDP_TMO, .udp_stream = UDP_STREAM_TMO}};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, policy_a), 0);

	struct worker w = {.fw = fw, .qsbr = qsbr, .unit = cfg.tsc_hz};
	assert_int_equal(rte_eal_remote_launch(worker_main, &w, wl), 0);
	unsigned expired = 0;
	for (int round = 0; round < 200; round++) {
		assert_int_equal(fwt_load(fw, round % 2 ? policy_b : policy_a), 0);
		for (int k = 0; k < 20; k++)
			expired += sl_fw_ct_sweep(fw, rte_rdtsc(), 4096);
	}
	/* keep sweeping until the one-shot flows have visibly churned and every
	 * returning flow came back once: bounded by time, not by sweeps, since a
	 * loaded machine slows the worker */
	enum { RETURNS = 4096 };
	uint64_t give_up = rte_rdtsc() + 30 * rte_get_tsc_hz();
	while ((expired < 1000 || __atomic_load_n(&w.returns, __ATOMIC_RELAXED) < RETURNS) &&
		rte_rdtsc() < give_up)
		expired += sl_fw_ct_sweep(fw, rte_rdtsc(), 4096);
	w.stop = true;
	rte_eal_wait_lcore(wl);

	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	printf("bursts %lu, flows created %lu, expired %lu, live %u, full %lu, returns %lu, "
	       "late replies %lu, wrong %lu\n",
		(unsigned long)w.bursts, (unsigned long)st.ct_created, (unsigned long)st.ct_expired,
		st.ct_entries, (unsigned long)st.ct_full, (unsigned long)w.returns,
		(unsigned long)w.late, (unsigned long)w.wrong);
	for (int i = 0; i < 32; i++)
		if (w.wrong_at[i])
			printf("slot %d: %lu wrong\n", i, (unsigned long)w.wrong_at[i]);
	assert_int_equal(w.wrong, 0);
	assert_true(w.bursts > 0);
	assert_true(w.returns >= RETURNS);
	assert_true(st.ct_expired >= 1000);
	assert_true(st.ct_created >= st.ct_expired);
	/* every flow created is either live or expired (nothing leaked) */
	sl_fw_ct_flush(fw);
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.ct_entries, 0);
	sl_fw_free(fw);
	rte_free(qsbr);
}

int main(void)
{
	if (fwt_eal_init("fw-rcu", "0-1") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcu_stress),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
