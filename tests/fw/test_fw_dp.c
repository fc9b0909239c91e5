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

#include "../dp/dp_fixture.h"
#include "fw_test_util.h"

/* VRF ids as fwt_resolve gives them: CUST-B plays the internet VRF here. */
enum { VA = V_A, VS = V_S, VI = V_B };

static struct dpf F;
static struct sl_fw *fw;
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

/* eth0: CUST-A, eth1: SHARED, eth2: CUST-B (the internet here); MACs: the
 * fixture's per-port defaults, mac[port] */
static const char topology[] =
	"iface eth0 port 0 vrf %u addr 10.1.0.1/24\n"
	"iface eth1 port 1 vrf %u addr 10.100.0.1/24\n"
	"iface eth2 port 2 vrf %u addr 203.0.113.2/24\n"
	"route %u 10.1.0.0/24 connected eth0\n"
	"route %u 10.100.0.0/24 vrf %u # leak redirect\n"
	"route %u 8.0.0.0/8 via 203.0.113.1 eth2 # a gateway in VI, no redirect\n"
	"route %u 10.100.0.0/24 connected eth1\n"
	"route %u 10.1.0.0/24 vrf %u\n"
	"route %u 203.0.113.0/24 connected eth2\n"
	"neigh eth0 10.1.0.10 02:aa:00:00:00:0a\n"
	"neigh eth0 10.1.0.11 02:aa:00:00:00:0a\n"
	"neigh eth1 10.100.0.10 02:aa:00:00:00:0a\n"
	"neigh eth2 203.0.113.1 02:aa:00:00:00:0a\n";

/* Install (fn != NULL) or remove the firewall's leak filter. */
static int set_filter(bool on)
{
	dpf_writer_begin(&F);
	int rc = sl_dp_set_leak_filter(F.dp, on ? sl_fw_leak_filter : NULL, on ? fw : NULL);
	dpf_writer_end(&F);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	if (sl_dp_meta_register() < 0 || dpf_setup(&F, "fw_dp", 511, NULL, NULL) < 0 ||
		dpf_applyf(&F, topology, VA, VS, VI, VA, VA, VS, VA, VS, VS, VA, VI) != 0)
		return -1;
	struct sl_fw_config cfg = {.ct_max = 1024,
		.n_lcores = RTE_MAX_LCORE,
		.socket_id = SOCKET_ID_ANY,
		.qsbr = F.fib->qsbr};
	fw = sl_fw_new(&cfg);
	if (fw == NULL)
		return -1;
	dpf_writer_begin(&F); /* publishing the rules waits for a grace period */
	int rc = fwt_load(fw, policy);
	dpf_writer_end(&F);
	return rc < 0 || set_filter(true) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	set_filter(false);
	sl_fw_free(fw);
	dpf_teardown(&F);
	return 0;
}

/* An Ethernet frame around a crafted IPv4 packet, on port `port`. */
static struct rte_mbuf *frame(uint16_t port, const struct fwt_pkt *p)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(F.pool);
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
	dpf_reset(&F);
	dpf_run(&F, port, &m, 1);
}

static void free_out(void)
{
	dpf_free_out(&F);
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
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1); /* no flow yet */
	free_out();
	run(0, &dns);
	assert_int_equal(F.out.n_tx[1], 1);
	free_out();
	run(1, &reply);
	assert_int_equal(F.out.n_tx[0], 1); /* established */
	free_out();
	run(1, &unsolicited);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	free_out();
	run(0, &ssh);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	assert_int_equal(F.out.n_tx[1], 0);
	free_out();
}

static void test_reject_is_punted(void **state)
{
	(void)state;
	struct fwt_pkt telnet = fwt_tcp("10.1.0.10", 40003, "10.100.0.10", 23, FWT_SYN);
	run(0, &telnet);
	assert_int_equal(F.out.n_punt, 1);
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_REJECT], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	struct sl_dp_meta *meta = sl_dp_meta(F.out.punt[0]);
	assert_int_equal(meta->reason, SL_DP_PUNT_REJECT);
	assert_int_equal(meta->vrf_id, VA);
	assert_int_equal(meta->l2_len, 14);
	/* the slow path builds the answer from the punted segment */
	uint8_t rst[64];
	const uint8_t *ip = rte_pktmbuf_mtod_offset(F.out.punt[0], const uint8_t *, 14);
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
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1); /* NO-NET */
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
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_TTL], 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 0);
	free_out();
	probe.b[8] = 2; /* forwarded: the firewall drops it */
	run(0, &probe);
	assert_int_equal(checked(), c0 + 1);
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	free_out();
}

static void test_same_vrf_not_classified(void **state)
{
	(void)state;
	struct fwt_pkt local = fwt_udp("10.1.0.10", 40005, "10.1.0.11", 53);
	uint64_t c0 = checked();
	run(0, &local);
	assert_int_equal(F.out.n_tx[0], 1);
	assert_int_equal(checked(), c0);
	free_out();
}

static void test_no_filter_everything_passes(void **state)
{
	(void)state;
	assert_int_equal(set_filter(false), 0);
	struct fwt_pkt ssh = fwt_tcp("10.1.0.10", 40006, "10.100.0.10", 22, FWT_SYN);
	uint64_t c0 = checked();
	run(0, &ssh);
	assert_int_equal(F.out.n_tx[1], 1);
	assert_int_equal(checked(), c0);
	free_out();
	assert_int_equal(set_filter(true), 0);
}

int main(void)
{
	if (dpf_eal_init("fw-dp", "0", 0) < 0) {
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
