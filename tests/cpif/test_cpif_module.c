/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cpif_module.c — the frame lib/cpif's module writes up a TAP, built
 * from crafted punts (private --no-huge EAL): the interface's MAC as the
 * destination of a unicast, a multicast destination kept, the sender's MAC
 * from the received header (untagged or tagged), ARP's type, a chained
 * mbuf copied out, the frame cut at the buffer, too little headroom refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "../fib/fib_test_eal.h"
#include "sl_cpif.h"

static struct rte_mempool *pool;

static const struct rte_ether_addr if_mac = {{0x02, 0, 0, 0, 0, 0x10}},
				   host_mac = {{0x02, 0xaa, 0, 0, 0, 0x0a}},
				   ospf_mac = {{0x01, 0x00, 0x5e, 0, 0, 0x05}};

/* A punt as lib/slow hands it up: l2_len bytes of received header (a tag
 * when l2_len is 18) before data, which holds l3_len bytes 0, 1, 2, ... */
static struct rte_mbuf *punt(const struct rte_ether_addr *dst, uint16_t l2_len, uint16_t l3_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint8_t *l2 = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l2_len + l3_len));
	assert_non_null(l2);
	memset(l2, 0, l2_len);
	memcpy(l2, dst, RTE_ETHER_ADDR_LEN);
	memcpy(l2 + RTE_ETHER_ADDR_LEN, &host_mac, RTE_ETHER_ADDR_LEN);
	for (uint16_t i = 0; i < l3_len; i++)
		l2[l2_len + i] = (uint8_t)i;
	assert_non_null(rte_pktmbuf_adj(m, l2_len));
	return m;
}

static void check_frame(const uint8_t *f, uint32_t len, const struct rte_ether_addr *dst,
	uint16_t type, uint16_t l3_len)
{
	assert_int_equal(len, RTE_ETHER_HDR_LEN + l3_len);
	assert_memory_equal(f, dst, RTE_ETHER_ADDR_LEN);
	assert_memory_equal(f + 6, &host_mac, RTE_ETHER_ADDR_LEN);
	assert_int_equal(f[12] << 8 | f[13], type);
	for (uint16_t i = 0; i < l3_len; i++)
		assert_int_equal(f[RTE_ETHER_HDR_LEN + i], (uint8_t)i);
}

static void test_unicast_to_if_mac(void **state)
{
	(void)state;
	static uint8_t buf[2048];
	/* sent to a MAC of the router's that is not the interface's own (a
	 * vif's), tagged: the kernel sees the interface's MAC, no tag */
	const struct rte_ether_addr other = {{0x02, 0, 0, 0, 0, 0x99}};
	struct rte_mbuf *m = punt(&other, 18, 60);
	uint32_t len = 0;
	const uint8_t *f = sl_cpif_frame_up(m, 18, &if_mac, false, buf, sizeof(buf), &len);
	assert_non_null(f);
	check_frame(f, len, &if_mac, RTE_ETHER_TYPE_IPV4, 60);
	rte_pktmbuf_free(m);
}

static void test_multicast_kept_arp_type(void **state)
{
	(void)state;
	static uint8_t buf[2048];
	struct rte_mbuf *m = punt(&ospf_mac, RTE_ETHER_HDR_LEN, 44);
	uint32_t len = 0;
	const uint8_t *f = sl_cpif_frame_up(m, RTE_ETHER_HDR_LEN, &if_mac, false, buf, 2048, &len);
	assert_non_null(f);
	check_frame(f, len, &ospf_mac, RTE_ETHER_TYPE_IPV4, 44);
	rte_pktmbuf_free(m);

	m = punt(&if_mac, RTE_ETHER_HDR_LEN, 28);
	f = sl_cpif_frame_up(m, RTE_ETHER_HDR_LEN, &if_mac, true, buf, 2048, &len);
	assert_non_null(f);
	check_frame(f, len, &if_mac, RTE_ETHER_TYPE_ARP, 28);
	rte_pktmbuf_free(m);
}

static void test_chained_and_cut(void **state)
{
	(void)state;
	static uint8_t buf[2048];
	struct rte_mbuf *m = punt(&if_mac, RTE_ETHER_HDR_LEN, 100);
	struct rte_mbuf *tail = rte_pktmbuf_alloc(pool);
	assert_non_null(tail);
	uint8_t *t = (uint8_t *)rte_pktmbuf_append(tail, 50);
	for (unsigned i = 0; i < 50; i++)
		t[i] = (uint8_t)(100 + i);
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	uint32_t len = 0;
	const uint8_t *f = sl_cpif_frame_up(m, RTE_ETHER_HDR_LEN, &if_mac, false, buf, 2048, &len);
	assert_ptr_equal(f, buf); /* two segments: copied out */
	check_frame(f, len, &if_mac, RTE_ETHER_TYPE_IPV4, 150);
	rte_pktmbuf_free(m);

	/* a frame larger than the buffer goes up cut at its size */
	m = punt(&if_mac, RTE_ETHER_HDR_LEN, 100);
	f = sl_cpif_frame_up(m, RTE_ETHER_HDR_LEN, &if_mac, false, buf, 64, &len);
	assert_non_null(f);
	assert_int_equal(len, 64);
	assert_int_equal(f[RTE_ETHER_HDR_LEN + 49], 49);
	rte_pktmbuf_free(m);
}

static void test_no_headroom(void **state)
{
	(void)state;
	static uint8_t buf[2048];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	/* data at the start of the buffer: no received header before it */
	m->data_off = 0;
	assert_non_null(rte_pktmbuf_append(m, 40));
	uint32_t len = 0;
	assert_null(sl_cpif_frame_up(m, RTE_ETHER_HDR_LEN, &if_mac, false, buf, 2048, &len));
	assert_int_equal(rte_pktmbuf_data_len(m), 40); /* untouched */
	rte_pktmbuf_free(m);
}

int main(void)
{
	if (sl_test_eal_init("cpif_module", "0") < 0) {
		fprintf(stderr, "test_cpif_module: EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create(
		"test_cpif_module", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast_to_if_mac),
		cmocka_unit_test(test_multicast_kept_arp_type),
		cmocka_unit_test(test_chained_and_cut),
		cmocka_unit_test(test_no_headroom),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return rc;
}
