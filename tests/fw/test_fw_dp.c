/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firewall inside the forwarding pipeline (lib/dp + lib/fib + lib/fw) on
 * crafted frames: leak redirects and a cross-VRF gateway route are both
 * classified, same-VRF traffic is not, drop and reject verdicts become
 * leak_denied drops and fw_reject punts, replies pass as established.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "../fib/fib_test_eal.h"
#include "fw_test_util.h"
#include "sl_dp.h"

/* VRF ids as fwt_resolve gives them: CUST-B plays the internet VRF here. */
enum { VA = V_A, VS = V_S, VI = V_B };

static struct rte_mempool *pool;
static struct sl_fib *fib;
static struct sl_dp *dp;
static struct sl_fw *fw;
static struct sl_dp_counters cnt;
static struct sl_dp_out out;
static const struct rte_ether_addr mac[3] = {
	{{0x02, 0, 0, 0, 0, 0x10}}, {{0x02, 0, 0, 0, 0, 0x11}}, {{0x02, 0, 0, 0, 0, 0x12}}};
static const struct rte_ether_addr host = {{0x02, 0xaa, 0, 0, 0, 0x0a}};

static const char policy[] = "set firewall ipv4 name OUT rule 10 action accept\n"
			     "set firewall ipv4 name OUT rule 10 protocol udp\n"
			     "set firewall ipv4 name OUT rule 10 destination port 53\n"
			     "set firewall ipv4 name OUT rule 20 action reject\n"
			     "set firewall ipv4 name OUT rule 20 protocol tcp\n"
			     "set firewall ipv4 name OUT rule 20 destination port 23\n"
			     "set firewall ipv4 name BACK rule 10 action accept\n"
			     "set firewall ipv4 name BACK rule 10 state established\n"
			     "set firewall ipv4 name NO-NET default-action drop\n"
			     "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
			     "set vrf name SHARED leak-firewall to CUST-A name BACK\n"
			     "set vrf name CUST-A leak-firewall to CUST-B name NO-NET\n";

/* Publishing waits for a grace period: the test thread (a reader) steps out. */
static void offline(bool off)
{
	if (off)
		rte_rcu_qsbr_thread_offline(fib->qsbr, rte_lcore_id());
	else
		rte_rcu_qsbr_thread_online(fib->qsbr, rte_lcore_id());
}

static int setup(void **state)
{
	(void)state;
	pool = rte_pktmbuf_pool_create(
		"test_fw_dp", 511, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fib = sl_fib_new(&(struct sl_fib_config){
		.max_rules = 64, .number_tbl8s = 16, .socket_id = SOCKET_ID_ANY});
	if (pool == NULL || fib == NULL || sl_dp_meta_register() < 0)
		return -1;
	dp = sl_dp_new(fib, 256, SOCKET_ID_ANY);
	if (dp == NULL)
		return -1;
	struct sl_fib_iface_conf ifc[3] = {
		{.name = "eth0",
			.port = 0,
			.vrf_id = VA,
			.mac = mac[0],
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(10, 1, 0, 1), 24}}},
		{.name = "eth1",
			.port = 1,
			.vrf_id = VS,
			.mac = mac[1],
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(10, 100, 0, 1), 24}}},
		{.name = "eth2",
			.port = 2,
			.vrf_id = VI,
			.mac = mac[2],
			.up = true,
			.n_addrs = 1,
			.addrs = {{sl_test_ip4(203, 0, 113, 2), 24}}},
	};
	struct sl_fib_change ch[] = {
		{.op = SL_FIB_VRF_ADD, .vrf_id = VA},
		{.op = SL_FIB_VRF_ADD, .vrf_id = VS},
		{.op = SL_FIB_VRF_ADD, .vrf_id = VI},
		sl_test_route(VA, sl_test_ip4(10, 1, 0, 0), 24, SL_NH_CONNECTED, "eth0", 0),
		sl_test_route(VA, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_VRF, NULL,
			VS), /* leak redirect */
		/* cross-VRF gateway static: a next hop in VI, no redirect */
		sl_test_route(VA, sl_test_ip4(8, 0, 0, 0), 8, SL_NH_GATEWAY, "eth2",
			sl_test_ip4(203, 0, 113, 1)),
		sl_test_route(VS, sl_test_ip4(10, 100, 0, 0), 24, SL_NH_CONNECTED, "eth1", 0),
		sl_test_route(VS, sl_test_ip4(10, 1, 0, 0), 24, SL_NH_VRF, NULL, VA),
		sl_test_route(VI, sl_test_ip4(203, 0, 113, 0), 24, SL_NH_CONNECTED, "eth2", 0),
	};
	if (sl_fib_iface_sync(fib, ifc, 3) < 0 ||
		sl_fib_apply(fib, ch, sizeof(ch) / sizeof(ch[0]), NULL) < 0)
		return -1;
	sl_fib_neigh_set(
		fib, (uint16_t)sl_fib_iface_index(fib, "eth0"), sl_test_ip4(10, 1, 0, 10), &host);
	sl_fib_neigh_set(
		fib, (uint16_t)sl_fib_iface_index(fib, "eth0"), sl_test_ip4(10, 1, 0, 11), &host);
	sl_fib_neigh_set(
		fib, (uint16_t)sl_fib_iface_index(fib, "eth1"), sl_test_ip4(10, 100, 0, 10), &host);
	sl_fib_neigh_set(
		fib, (uint16_t)sl_fib_iface_index(fib, "eth2"), sl_test_ip4(203, 0, 113, 1), &host);
	struct sl_fw_config cfg = {.ct_max = 1024,
		.n_lcores = RTE_MAX_LCORE,
		.socket_id = SOCKET_ID_ANY,
		.qsbr = fib->qsbr};
	fw = sl_fw_new(&cfg);
	if (fw == NULL || fwt_load(fw, policy) < 0 ||
		sl_dp_set_leak_filter(dp, sl_fw_leak_filter, fw) < 0)
		return -1;
	return sl_fib_reader_register(fib, rte_lcore_id());
}

static int teardown(void **state)
{
	(void)state;
	sl_fib_reader_unregister(fib, rte_lcore_id());
	sl_dp_set_leak_filter(dp, NULL, NULL);
	sl_fw_free(fw);
	sl_dp_free(dp);
	sl_fib_free(fib);
	rte_mempool_free(pool);
	return 0;
}

/* An Ethernet frame around a crafted IPv4 packet, on port `port`. */
static struct rte_mbuf *frame(uint16_t port, const struct fwt_pkt *p)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + p->len));
	assert_non_null(b);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = mac[port];
	eth->src_addr = host;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memcpy(b + 14, p->b, p->len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + 14);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static void run(uint16_t port, const struct fwt_pkt *p)
{
	struct rte_mbuf *m = frame(port, p);
	memset(&cnt, 0, sizeof(cnt));
	cnt.vrf = dp->counters[rte_lcore_id()].vrf; /* this lcore's per-VRF block */
	memset(&out, 0, sizeof(out));
	sl_dp_process(dp, &cnt, port, &m, 1, &out);
}

static void free_out(void)
{
	for (uint16_t p = 0; p < SL_FIB_PORT_MAX; p++)
		for (uint16_t i = 0; i < out.n_tx[p]; i++)
			rte_pktmbuf_free(out.tx[p][i]);
	for (uint16_t i = 0; i < out.n_punt; i++)
		rte_pktmbuf_free(out.punt[i]);
	for (uint16_t i = 0; i < out.n_drop; i++)
		rte_pktmbuf_free(out.drop[i]);
}

static uint64_t checked(void)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	return st.checked;
}

static void test_leak_redirect_classified(void **state)
{
	(void)state;
	struct fwt_pkt dns = fwt_udp("10.1.0.10", 40000, "10.100.0.10", 53);
	struct fwt_pkt ssh = fwt_tcp("10.1.0.10", 40001, "10.100.0.10", 22, FWT_SYN);
	struct fwt_pkt reply = fwt_udp("10.100.0.10", 53, "10.1.0.10", 40000);
	struct fwt_pkt unsolicited = fwt_udp("10.100.0.10", 53, "10.1.0.10", 40002);
	run(1, &reply);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1); /* no flow yet */
	free_out();
	run(0, &dns);
	assert_int_equal(out.n_tx[1], 1);
	free_out();
	run(1, &reply);
	assert_int_equal(out.n_tx[0], 1); /* established */
	free_out();
	run(1, &unsolicited);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	free_out();
	run(0, &ssh);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	assert_int_equal(out.n_tx[1], 0);
	free_out();
}

static void test_reject_is_punted(void **state)
{
	(void)state;
	struct fwt_pkt telnet = fwt_tcp("10.1.0.10", 40003, "10.100.0.10", 23, FWT_SYN);
	run(0, &telnet);
	assert_int_equal(out.n_punt, 1);
	assert_int_equal(cnt.punted[SL_DP_PUNT_REJECT], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	struct sl_dp_meta *meta = sl_dp_meta(out.punt[0]);
	assert_int_equal(meta->reason, SL_DP_PUNT_REJECT);
	assert_int_equal(meta->vrf_id, VA);
	assert_int_equal(meta->l2_len, 14);
	/* the slow path builds the answer from the punted segment */
	uint8_t rst[64];
	const uint8_t *ip = rte_pktmbuf_mtod_offset(out.punt[0], const uint8_t *, 14);
	assert_int_equal(sl_fw_tcp_rst(ip, telnet.len, rst, sizeof(rst)), 40);
	free_out();
}

static void test_cross_vrf_gateway_classified(void **state)
{
	(void)state;
	struct fwt_pkt net = fwt_udp("10.1.0.10", 40004, "8.8.8.8", 53);
	uint64_t c0 = checked();
	run(0, &net);
	assert_int_equal(checked(), c0 + 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1); /* NO-NET */
	free_out();
}

/* A packet whose TTL expires at the router is answered (time exceeded) before
 * any leak-point decision, as Linux does: traceroute shows the router hop. */
static void test_ttl_expiry_before_firewall(void **state)
{
	(void)state;
	struct fwt_pkt probe = fwt_udp("10.1.0.10", 40007, "10.100.0.10", 33434);
	probe.b[8] = 1; /* TTL */
	uint64_t c0 = checked();
	run(0, &probe);
	assert_int_equal(checked(), c0);
	assert_int_equal(cnt.punted[SL_DP_PUNT_TTL], 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 0);
	free_out();
	probe.b[8] = 2; /* forwarded: the firewall drops it */
	run(0, &probe);
	assert_int_equal(checked(), c0 + 1);
	assert_int_equal(cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	free_out();
}

static void test_same_vrf_not_classified(void **state)
{
	(void)state;
	struct fwt_pkt local = fwt_udp("10.1.0.10", 40005, "10.1.0.11", 53);
	uint64_t c0 = checked();
	run(0, &local);
	assert_int_equal(out.n_tx[0], 1);
	assert_int_equal(checked(), c0);
	free_out();
}

static void test_no_filter_everything_passes(void **state)
{
	(void)state;
	offline(true);
	assert_int_equal(sl_dp_set_leak_filter(dp, NULL, NULL), 0);
	offline(false);
	struct fwt_pkt ssh = fwt_tcp("10.1.0.10", 40006, "10.100.0.10", 22, FWT_SYN);
	uint64_t c0 = checked();
	run(0, &ssh);
	assert_int_equal(out.n_tx[1], 1);
	assert_int_equal(checked(), c0);
	free_out();
	offline(true);
	assert_int_equal(sl_dp_set_leak_filter(dp, sl_fw_leak_filter, fw), 0);
	offline(false);
}

int main(void)
{
	if (fwt_eal_init("fw-dp", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leak_redirect_classified),
		cmocka_unit_test(test_reject_is_punted),
		cmocka_unit_test(test_cross_vrf_gateway_classified),
		cmocka_unit_test(test_ttl_expiry_before_firewall),
		cmocka_unit_test(test_same_vrf_not_classified),
		cmocka_unit_test(test_no_filter_everything_passes),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
