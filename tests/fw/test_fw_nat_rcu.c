/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RCU reader/writer stress of the NAT flow table: a worker lcore translates
 * without pause (long-lived flows out and their replies back, one-shot flows
 * from ever new sources that churn the table) while the main lcore
 * republishes the configuration (the pool stays, rulesets and another pool
 * come and go) and sweeps expired flows. A flow must keep its pool pair
 * while it lives, a reply must reach its host (unless its flow may have
 * expired), and ASan must see no use-after-free. Then the pool's ports
 * narrow and widen again at each publish: the flows outside are deleted
 * under the worker's feet (flushed), and their pairs may change. (It found the hash key
 * positions freed wrongly: rte_hash_add_key_data answers 0, not a position.) Timeouts are scaled
 * (tsc_hz / 1000: a "second" is a millisecond) so flows expire during the run.
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

static const char cfg_a[] =
	"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.1.0/24\n";
static const char cfg_b[] =
	"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.1.0/24\n"
	"set vrf name CUST-B leak-nat to SHARED source translation address 100.64.2.0/24\n"
	"set firewall ipv4 name OUT default-action accept\n"
	"set vrf name CUST-A leak-firewall to SHARED name OUT\n";
static const char cfg_narrow[] =
	"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.1.0/24\n"
	"set vrf name CUST-A leak-nat to SHARED source translation port 1024-30000\n";

#define UDP_TMO 2
#define UDP_STREAM_TMO 50

struct worker {
	struct sl_fw *fw;
	struct rte_rcu_qsbr *qsbr;
	uint64_t unit;
	volatile bool stop;
	volatile bool flushing; /* publishes delete flows: pairs may change */
	uint64_t bursts, wrong, late, moved, churned, flushed;
	uint64_t refused; /* new flows dropped: the table full (the sweeper starved of CPU) */
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned id = rte_lcore_id();
	enum { LONG = 512, K = 6, ONE = 8, N = 2 * K + ONE };
	static uint32_t nat_addr[LONG];
	static uint16_t nat_port[LONG];
	static uint64_t q_at[LONG]; /* `now` of the flow's last query; 0: none */
	const uint64_t may_expire = UDP_TMO * w->unit - w->unit / 16;
	uint32_t oneshot = 0;

	rte_rcu_qsbr_thread_register(w->qsbr, id);
	rte_rcu_qsbr_thread_online(w->qsbr, id);
	while (!w->stop) {
		struct fwt_pkt p[N];
		uint8_t *l3[N], deny[N];
		uint16_t len[N], flow[N];
		uint32_t a[N], b[N];
		uint16_t n = 0;
		uint64_t now = rte_rdtsc();
		unsigned base = (unsigned)(w->bursts * 7) % LONG;
		/* replies first, to the pairs the previous burst's queries got */
		uint16_t n_rep = 0;
		for (unsigned k = 0; k < K && w->bursts > 0; k++) {
			unsigned f = (base + LONG - 7 + k) % LONG;
			if (nat_addr[f] == 0)
				continue;
			char dst[16];
			snprintf(dst, sizeof(dst), "%u.%u.%u.%u", nat_addr[f] >> 24,
				(nat_addr[f] >> 16) & 0xff, (nat_addr[f] >> 8) & 0xff,
				nat_addr[f] & 0xff);
			p[n] = fwt_udp("10.100.0.10", 53, dst, nat_port[f]);
			a[n] = V_S;
			b[n] = V_A;
			flow[n++] = (uint16_t)f;
		}
		n_rep = n;
		for (uint16_t i = 0; i < n; i++) {
			l3[i] = p[i].b;
			len[i] = p[i].len;
		}
		if (n_rep > 0)
			sl_fw_nat_in_burst(w->fw, id, now, l3, len, a, b, n_rep, deny);
		uint64_t done = rte_rdtsc();
		for (uint16_t i = 0; i < n_rep; i++) {
			unsigned f = flow[i];
			bool back = deny[i] == 0 && sl_rd32(p[i].b + 16) == 0x0a010002u &&
				    rd16(p[i].b + 22) == 10000 + f;
			if (!back) {
				if (deny[i] != 0 && done - q_at[f] > may_expire)
					w->late++;
				else if (deny[i] != 0 && w->flushing)
					w->flushed++;
				else
					w->wrong++;
			}
		}
		/* queries of long flows, and one-shot flows */
		n = 0;
		for (unsigned k = 0; k < K; k++) {
			unsigned f = (base + k) % LONG;
			p[n] = fwt_udp("10.1.0.2", (uint16_t)(10000 + f), "10.100.0.10", 53);
			a[n] = V_A;
			b[n] = V_S;
			flow[n++] = (uint16_t)f;
		}
		for (unsigned k = 0; k < ONE; k++, oneshot++) {
			char src[32];
			snprintf(src, sizeof(src), "10.%u.%u.%u", 2 + (oneshot >> 16) % 200,
				(oneshot >> 8) & 0xff, oneshot & 0xff);
			p[n] = fwt_udp(src, 4000, "10.100.0.10", 53);
			a[n] = V_A;
			b[n] = V_S;
			flow[n++] = UINT16_MAX;
		}
		for (uint16_t i = 0; i < n; i++) {
			l3[i] = p[i].b;
			len[i] = p[i].len;
			deny[i] = 0;
		}
		now = rte_rdtsc();
		sl_fw_nat_out_burst(w->fw, id, now, l3, len, a, b, n, deny);
		for (uint16_t i = 0; i < n; i++) {
			uint32_t src = sl_rd32(p[i].b + 12);
			if (deny[i] != 0) { /* must be nat_full: checked at the end */
				w->refused++;
				continue;
			}
			if ((src & 0xffffff00u) != 0x64400100u) {
				w->wrong++;
				continue;
			}
			if (flow[i] == UINT16_MAX) {
				w->churned++;
				continue;
			}
			unsigned f = flow[i];
			uint16_t port = rd16(p[i].b + 20);
			/* the pair of a living flow never changes */
			if (nat_addr[f] != 0 && (nat_addr[f] != src || nat_port[f] != port)) {
				if (now - q_at[f] > may_expire)
					w->moved++;
				else if (w->flushing)
					w->flushed++;
				else
					w->wrong++;
			}
			nat_addr[f] = src;
			nat_port[f] = port;
			q_at[f] = now;
		}
		w->bursts++;
		rte_rcu_qsbr_quiescent(w->qsbr, id);
	}
	rte_rcu_qsbr_thread_offline(w->qsbr, id);
	rte_rcu_qsbr_thread_unregister(w->qsbr, id);
	return 0;
}

static void test_nat_rcu_stress(void **state)
{
	(void)state;
	unsigned wl = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	if (wl >= RTE_MAX_LCORE)
		skip();
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct rte_rcu_qsbr *qsbr = rte_zmalloc("nat_test_qsbr", sz, RTE_CACHE_LINE_SIZE);
	assert_non_null(qsbr);
	assert_int_equal(rte_rcu_qsbr_init(qsbr, RTE_MAX_LCORE), 0);
	struct sl_fw_config cfg = {.nat_max = 1 << 15,
		.n_lcores = RTE_MAX_LCORE,
		.tsc_hz = rte_get_tsc_hz() / 1000,
		.socket_id = -1,
		.qsbr = qsbr,
		.timeouts = {.udp = UDP_TMO, .udp_stream = UDP_STREAM_TMO}};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, cfg_a), 0);

	struct worker w = {.fw = fw, .qsbr = qsbr, .unit = cfg.tsc_hz};
	assert_int_equal(rte_eal_remote_launch(worker_main, &w, wl), 0);
	unsigned expired = 0;
	for (int round = 0; round < 100; round++) {
		assert_int_equal(fwt_load(fw, round % 2 ? cfg_b : cfg_a), 0);
		for (int k = 0; k < 20; k++)
			expired += sl_fw_nat_sweep(fw, rte_rdtsc(), 4096);
	}
	uint64_t give_up = rte_rdtsc() + 30 * rte_get_tsc_hz();
	while (expired < 5000 && rte_rdtsc() < give_up)
		expired += sl_fw_nat_sweep(fw, rte_rdtsc(), 4096);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.nat_flushed, 0); /* A's pool never changed */
	uint64_t wrong_before = w.wrong;

	/* the pool's ports narrow and widen: flows deleted while in use */
	w.flushing = true;
	for (int round = 0; round < 60; round++) {
		assert_int_equal(fwt_load(fw, round % 2 ? cfg_a : cfg_narrow), 0);
		for (int k = 0; k < 20; k++)
			sl_fw_nat_sweep(fw, rte_rdtsc(), 4096);
	}
	w.stop = true;
	rte_eal_wait_lcore(wl);
	assert_int_equal(wrong_before, 0);

	sl_fw_stats_get(fw, &st);
	printf("flushed by publishes %lu (the worker saw %lu)\n", (unsigned long)st.nat_flushed,
		(unsigned long)w.flushed);
	assert_true(st.nat_flushed > 0);
	printf("bursts %lu, flows created %lu, expired %lu, live %u, exhausted %lu, full %lu, "
	       "late replies %lu, moved %lu, wrong %lu\n",
		(unsigned long)w.bursts, (unsigned long)st.nat_created,
		(unsigned long)st.nat_expired, st.nat_entries, (unsigned long)st.nat_exhausted,
		(unsigned long)st.nat_full, (unsigned long)w.late, (unsigned long)w.moved,
		(unsigned long)w.wrong);
	assert_int_equal(w.wrong, 0);
	assert_int_equal(w.refused, st.nat_full);
	assert_int_equal(st.nat_exhausted, 0);
	assert_true(w.bursts > 0);
	assert_true(st.nat_expired >= 5000);
	assert_true(st.nat_created >= st.nat_expired);
	sl_fw_nat_flush(fw);
	sl_fw_stats_get(fw, &st);
	assert_int_equal(st.nat_entries, 0);
	sl_fw_free(fw);
	rte_free(qsbr);
}

int main(void)
{
	if (fwt_eal_init("fw-nat-rcu", "0-1") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nat_rcu_stress),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
