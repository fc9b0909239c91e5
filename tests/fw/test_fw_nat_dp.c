/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Source NAT inside the forwarding pipeline (lib/dp + lib/fib + lib/fw) on
 * crafted frames: two customers numbered alike (10.0.0.0/24, the same host
 * 10.0.0.5 and port) reach SHARED, which sees two pool sources; SHARED's
 * replies reach the right customer through the pool routes (redirects into
 * each customer, as the RIB makes them) and the flow table; a reply for the
 * pool without a flow is dropped; packets staying in a VRF are untouched;
 * a port unreachable A's host sends about a reply leaves with the pool's
 * address, in its outer source and its quote, checksums whole;
 * with the leak firewall too, the stateful rules see the hosts' addresses.
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
#include <rte_udp.h>

#include "../dp/dp_fixture.h"
#include "fw_test_util.h"

static struct dpf F;
static struct sl_fw *fw;

/* eth0: CUST-A, eth1: SHARED, eth2: CUST-B; the pool routes in SHARED */
static const char topology[] = "iface eth0 port 0 vrf %u addr 10.0.0.1/24\n"
			       "iface eth1 port 1 vrf %u addr 10.100.0.1/24\n"
			       "iface eth2 port 2 vrf %u addr 10.0.0.1/24\n"
			       "route %u 10.0.0.0/24 connected eth0\n"
			       "route %u 10.100.0.0/24 vrf %u\n"
			       "route %u 10.0.0.0/24 connected eth2\n"
			       "route %u 10.100.0.0/24 vrf %u\n"
			       "route %u 10.100.0.0/24 connected eth1\n"
			       "route %u 100.64.1.0/24 vrf %u\n"
			       "route %u 100.64.2.0/24 vrf %u\n"
			       "neigh eth0 10.0.0.5 02:aa:00:00:00:0a\n"
			       "neigh eth0 10.0.0.6 02:aa:00:00:00:0a\n"
			       "neigh eth2 10.0.0.5 02:aa:00:00:00:0b\n"
			       "neigh eth1 10.100.0.10 02:aa:00:00:00:0c\n";

static const char nat[] =
	"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.1.0/24\n"
	"set vrf name CUST-B leak-nat to SHARED source translation address 100.64.2.0/24\n";

/* The same, with A's direction guarded and its replies stateful. */
static const char nat_fw[] = "set firewall ipv4 name OUT rule 10 action accept\n"
			     "set firewall ipv4 name OUT rule 10 protocol udp\n"
			     "set firewall ipv4 name BACK rule 10 action accept\n"
			     "set firewall ipv4 name BACK rule 10 state established\n"
			     "set firewall ipv4 name BACK rule 10 source address 10.100.0.10/32\n"
			     "set firewall ipv4 name BACK rule 10 destination address 10.0.0.5/32\n"
			     "set vrf name CUST-A leak-firewall to SHARED name OUT\n"
			     "set vrf name SHARED leak-firewall to CUST-A name BACK\n";

static int load(const char *text, bool filter)
{
	dpf_writer_begin(&F);
	int rc = fwt_load(fw, text);
	const struct sl_dp_leak_filter h = {
		.fn = filter ? sl_fw_leak_filter : NULL,
		.ctx = fw,
		.nat_out = sl_fw_nat_out,
		.nat_in = sl_fw_nat_in,
		.nat_in_may = sl_fw_nat_in_may,
	};
	if (rc == 0)
		rc = sl_dp_set_leak_hooks(F.dp, &h);
	dpf_writer_end(&F);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	if (sl_dp_meta_register() < 0 || dpf_setup(&F, "fw_nat_dp", 511, NULL, NULL) < 0 ||
		dpf_applyf(&F, topology, V_A, V_S, V_B, V_A, V_A, V_S, V_B, V_B, V_S, V_S, V_S, V_A,
			V_S, V_B) != 0)
		return -1;
	struct sl_fw_config cfg = {.ct_max = 1024,
		.nat_max = 1024,
		.n_lcores = RTE_MAX_LCORE,
		.socket_id = SOCKET_ID_ANY,
		.qsbr = F.fib->qsbr};
	fw = sl_fw_new(&cfg);
	return fw == NULL || load(nat, false) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	dpf_writer_begin(&F);
	sl_dp_set_leak_hooks(F.dp, NULL);
	dpf_writer_end(&F);
	sl_fw_free(fw);
	dpf_teardown(&F);
	return 0;
}

/* One UDP frame in on port; the frame out (the test frees it) or NULL. */
static struct rte_mbuf *one(uint16_t port, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp)
{
	struct dpf_pkt s = {.src = src, .dst = dst, .sport = sp, .dport = dp, .fill = 0x5a};
	struct rte_mbuf *m = dpf_craft(&F, &s);
	/* the fixture leaves the UDP checksum 0 ("none"): give it a real one */
	struct rte_ipv4_hdr *ip = dpf_ip(m, 14);
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);
	u->dgram_cksum = 0;
	u->dgram_cksum = rte_ipv4_udptcp_cksum(ip, u);
	dpf_reset(&F);
	dpf_run(&F, port, &m, 1);
	for (unsigned p = 0; p < SL_FIB_PORT_MAX; p++)
		if (F.out.n_tx[p] == 1) {
			F.out.n_tx[p] = 0;
			return F.out.tx[p][0];
		}
	return NULL;
}

/* Header and UDP checksums of a forwarded frame, both whole. */
static void sums_ok(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = dpf_ip(m, 14);
	uint16_t ck = ip->hdr_checksum;
	ip->hdr_checksum = 0;
	assert_int_equal(rte_ipv4_cksum(ip), ck);
	ip->hdr_checksum = ck;
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, ip + 1), 0);
}

static struct sl_fw_stats stats(void)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	return st;
}

/* A UDP flow from host:sp (port: its customer) to 10.100.0.10:53: the pool
 * address and port it left with. */
static void out_flow(uint16_t port, uint32_t host, uint16_t sp, uint32_t *nat, uint16_t *nat_port)
{
	struct rte_mbuf *m = one(port, host, sp, 0x0a64000a, 53);
	assert_non_null(m);
	struct rte_ipv4_hdr *ip = dpf_ip(m, 14);
	*nat = rte_be_to_cpu_32(ip->src_addr);
	*nat_port = rte_be_to_cpu_16(((struct rte_udp_hdr *)(ip + 1))->src_port);
	rte_pktmbuf_free(m);
}

static void test_two_customers_one_host(void **state)
{
	(void)state;
	uint32_t host = 0x0a000005, srv = 0x0a64000a;
	struct rte_mbuf *a = one(0, host, 40000, srv, 53);
	assert_non_null(a);
	struct rte_ipv4_hdr *ia = dpf_ip(a, 14);
	uint32_t na = rte_be_to_cpu_32(ia->src_addr);
	uint16_t pa = rte_be_to_cpu_16(((struct rte_udp_hdr *)(ia + 1))->src_port);
	assert_int_equal(na & 0xffffff00u, 0x64400100u);
	assert_int_equal(ia->time_to_live, 63);
	sums_ok(a);
	rte_pktmbuf_free(a);

	struct rte_mbuf *b = one(2, host, 40000, srv, 53);
	assert_non_null(b);
	struct rte_ipv4_hdr *ib = dpf_ip(b, 14);
	uint32_t nb = rte_be_to_cpu_32(ib->src_addr);
	uint16_t pb = rte_be_to_cpu_16(((struct rte_udp_hdr *)(ib + 1))->src_port);
	assert_int_equal(nb & 0xffffff00u, 0x64400200u);
	sums_ok(b);
	rte_pktmbuf_free(b);

	/* SHARED answers each pool source: each reply reaches its customer */
	struct rte_mbuf *ra = one(1, srv, 53, na, pa);
	assert_non_null(ra);
	struct rte_ipv4_hdr *ira = dpf_ip(ra, 14);
	assert_int_equal(rte_be_to_cpu_32(ira->dst_addr), host);
	assert_int_equal(rte_be_to_cpu_16(((struct rte_udp_hdr *)(ira + 1))->dst_port), 40000);
	assert_int_equal(rte_be_to_cpu_32(ira->src_addr), srv);
	sums_ok(ra);
	rte_pktmbuf_free(ra);
	assert_int_equal(F.cnt.leaked, 1);

	struct rte_mbuf *rb = one(1, srv, 53, nb, pb);
	assert_non_null(rb);
	struct rte_ipv4_hdr *irb = dpf_ip(rb, 14);
	assert_int_equal(rte_be_to_cpu_32(irb->dst_addr), host);
	/* out of eth2 (CUST-B), to B's host's MAC */
	struct rte_ether_hdr *eb = rte_pktmbuf_mtod(rb, struct rte_ether_hdr *);
	assert_int_equal(eb->dst_addr.addr_bytes[5], 0x0b);
	sums_ok(rb);
	rte_pktmbuf_free(rb);

	struct sl_fw_stats st = stats();
	assert_true(st.nat_out >= 2);
	assert_true(st.nat_in >= 2);
}

static void test_stray_and_native(void **state)
{
	(void)state;
	struct sl_fw_stats st0 = stats();
	/* for A's pool, no flow: dropped, never punted (no ICMP about it) */
	assert_null(one(1, 0x0a64000a, 53, 0x64400177, 1234));
	assert_int_equal(F.cnt.dropped[SL_DP_DROP_LEAK_DENIED], 1);
	assert_int_equal(F.out.n_punt, 0);
	dpf_free_out(&F);
	assert_int_equal(stats().nat_no_flow, st0.nat_no_flow + 1);
	/* inside CUST-A: no NAT */
	struct rte_mbuf *m = one(0, 0x0a000005, 1000, 0x0a000006, 2000);
	assert_non_null(m);
	assert_int_equal(rte_be_to_cpu_32(dpf_ip(m, 14)->src_addr), 0x0a000005);
	rte_pktmbuf_free(m);
	assert_int_equal(stats().nat_out, st0.nat_out);
}

/* A's host reports the reply it got (port unreachable): SHARED gets the
 * error from the pool address, quoting the reply as SHARED sent it (its
 * destination the pool's address and port), every checksum whole, TTL
 * decremented once. */
static void test_icmp_error_leaving(void **state)
{
	(void)state;
	uint32_t host = 0x0a000005, srv = 0x0a64000a, na;
	uint16_t pa;
	out_flow(0, host, 42000, &na, &pa);
	struct rte_mbuf *r = one(1, srv, 53, na, pa);
	assert_non_null(r);
	uint8_t quote[28];
	memcpy(quote, dpf_ip(r, 14), sizeof(quote));
	rte_pktmbuf_free(r);

	struct dpf_pkt s = {.src = host, .dst = srv, .proto = IPPROTO_ICMP, .payload = 36};
	struct rte_mbuf *m = dpf_craft(&F, &s);
	uint8_t *icmp = (uint8_t *)(dpf_ip(m, 14) + 1);
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, quote, sizeof(quote));
	uint16_t ck = (uint16_t)~rte_raw_cksum(icmp, 36);
	memcpy(icmp + 2, &ck, 2);
	struct sl_fw_stats st0 = stats();
	dpf_reset(&F);
	dpf_run(&F, 0, &m, 1);
	assert_int_equal(F.out.n_tx[1], 1);
	F.out.n_tx[1] = 0;
	struct rte_mbuf *e = F.out.tx[1][0];
	struct rte_ipv4_hdr *ie = dpf_ip(e, 14);
	assert_int_equal(rte_be_to_cpu_32(ie->src_addr), na);
	assert_int_equal(rte_be_to_cpu_32(ie->dst_addr), srv);
	assert_int_equal(ie->time_to_live, 63);
	ck = ie->hdr_checksum;
	ie->hdr_checksum = 0;
	assert_int_equal(rte_ipv4_cksum(ie), ck);
	ie->hdr_checksum = ck;
	const uint8_t *ic = (const uint8_t *)(ie + 1);
	assert_int_equal(rte_raw_cksum(ic, 36), 0xffff);
	struct rte_ipv4_hdr in;
	memcpy(&in, ic + 8, sizeof(in));
	assert_int_equal(rte_be_to_cpu_32(in.src_addr), srv);
	assert_int_equal(rte_be_to_cpu_32(in.dst_addr), na);
	assert_int_equal(ic[30] << 8 | ic[31], pa); /* the quoted destination port */
	ck = in.hdr_checksum;
	in.hdr_checksum = 0;
	assert_int_equal(rte_ipv4_cksum(&in), ck);
	rte_pktmbuf_free(e);
	struct sl_fw_stats st = stats();
	assert_int_equal(st.nat_out, st0.nat_out + 1);
	assert_int_equal(st.nat_icmp_unmatched, st0.nat_icmp_unmatched);
}

/* The firewall sees the hosts' addresses both ways: its stateful rule on
 * SHARED → CUST-A names 10.0.0.5, and the reply, translated back before it
 * is classified, matches it as established. */
static void test_with_firewall(void **state)
{
	(void)state;
	char text[2048];
	snprintf(text, sizeof(text), "%s%s", nat, nat_fw);
	assert_int_equal(load(text, true), 0);
	uint32_t na;
	uint16_t pa;
	out_flow(0, 0x0a000005, 41000, &na, &pa);
	struct rte_mbuf *r = one(1, 0x0a64000a, 53, na, pa);
	assert_non_null(r);
	assert_int_equal(rte_be_to_cpu_32(dpf_ip(r, 14)->dst_addr), 0x0a000005);
	rte_pktmbuf_free(r);
	struct sl_fw_stats st = stats();
	assert_int_equal(st.dropped, 0);
	assert_true(st.accepted >= 2);
	assert_int_equal(load(nat, false), 0);
}

int main(void)
{
	if (dpf_eal_init("fw-nat-dp", "0", 0) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_customers_one_host),
		cmocka_unit_test(test_stray_and_native),
		cmocka_unit_test(test_icmp_error_leaving),
		cmocka_unit_test(test_with_firewall),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
