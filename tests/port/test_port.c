/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/port's plain parts: ethN → port by hw-id (MAC or device
 * name), a change of hw-id after start-up, the mbuf pool's size. No EAL. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sl_port.h"

static const struct sl_port_id ids[3] = {
	{.mac = "02:00:00:00:00:0a", .name = "0000:3b:00.0"},
	{.mac = "02:00:00:00:00:0b", .name = "0000:3b:00.1"},
	{.mac = "02:00:00:00:00:0c", .name = "net_tap0"},
};

static struct sl_port_map *map_new(void)
{
	struct sl_port_map *m = malloc(sizeof(*m));
	assert_non_null(m);
	sl_port_map_reset(m);
	return m;
}

static void test_by_hw_id(void **state)
{
	(void)state;
	assert_int_equal(sl_port_by_hw_id(ids, 3, "02:00:00:00:00:0b"), 1);
	assert_int_equal(sl_port_by_hw_id(ids, 3, "02:00:00:00:00:0C"), 2); /* either case */
	assert_int_equal(sl_port_by_hw_id(ids, 3, "0000:3B:00.0"), 0);
	assert_int_equal(sl_port_by_hw_id(ids, 3, "net_tap0"), 2);
	assert_int_equal(sl_port_by_hw_id(ids, 3, "02:00:00:00:00:0d"), -1);
	assert_int_equal(sl_port_by_hw_id(ids, 2, "net_tap0"), -1); /* not probed */
}

/* Without hw-ids ethN is port N; ethN beyond the ports have none. */
static void test_unpinned(void **state)
{
	(void)state;
	struct sl_port_map *m = map_new();
	sl_port_map_rest(m, 3);
	bool changed;
	for (uint32_t n = 0; n < 3; n++) {
		assert_int_equal(sl_port_map_get(m, n, "", &changed), (int)n);
		assert_false(changed);
	}
	assert_int_equal(sl_port_map_get(m, 3, "", &changed), -1);
	assert_int_equal(sl_port_map_get(m, SL_PORT_ETH_MAX, "", &changed), -1);
	free(m);
}

/* eth5 pinned to port 0 by MAC: eth0 loses it (it is taken), eth1 and eth2
 * keep theirs; eth3 pinned by PCI address to port 1 takes it from eth1. */
static void test_pinned(void **state)
{
	(void)state;
	struct sl_port_map *m = map_new();
	uint32_t other = 99;
	assert_int_equal(sl_port_map_pin(m, 5, "02:00:00:00:00:0A", ids, 3, &other), 0);
	assert_int_equal(sl_port_map_pin(m, 3, "0000:3b:00.1", ids, 3, &other), 1);
	sl_port_map_rest(m, 3);
	bool changed;
	assert_int_equal(sl_port_map_get(m, 5, "02:00:00:00:00:0A", &changed), 0);
	assert_false(changed);
	assert_int_equal(sl_port_map_get(m, 3, "0000:3b:00.1", &changed), 1);
	assert_int_equal(sl_port_map_get(m, 0, "", &changed), -1);
	assert_int_equal(sl_port_map_get(m, 1, "", &changed), -1);
	assert_int_equal(sl_port_map_get(m, 2, "", &changed), 2);
	assert_int_equal(other, 99);
	free(m);
}

/* One port named twice (its MAC on eth0, its device name on eth1): the
 * second is refused, naming the first; a hw-id no port has leaves its ethN
 * inactive, and that ethN does not fall back to port N. */
static void test_pin_refused(void **state)
{
	(void)state;
	struct sl_port_map *m = map_new();
	uint32_t other = 99;
	assert_int_equal(sl_port_map_pin(m, 0, "02:00:00:00:00:0c", ids, 3, &other), 2);
	assert_int_equal(sl_port_map_pin(m, 1, "net_tap0", ids, 3, &other), -EEXIST);
	assert_int_equal(other, 0);
	assert_int_equal(sl_port_map_pin(m, 2, "aa:bb:cc:dd:ee:ff", ids, 3, &other), -ENOENT);
	assert_int_equal(sl_port_map_pin(m, SL_PORT_ETH_MAX, "net_tap0", ids, 3, &other), -EINVAL);
	assert_int_equal(sl_port_map_pin(m, 4, "", ids, 3, &other), -EINVAL);
	sl_port_map_rest(m, 3);
	bool changed;
	assert_int_equal(sl_port_map_get(m, 0, "02:00:00:00:00:0c", &changed), 2);
	assert_int_equal(sl_port_map_get(m, 1, "net_tap0", &changed), -1);
	assert_int_equal(sl_port_map_get(m, 2, "aa:bb:cc:dd:ee:ff", &changed), -1);
	free(m);
}

/* A hw-id changed after start-up is said once per new value; the port stays. */
static void test_changed_later(void **state)
{
	(void)state;
	struct sl_port_map *m = map_new();
	uint32_t other;
	assert_int_equal(sl_port_map_pin(m, 1, "net_tap0", ids, 3, &other), 2);
	sl_port_map_rest(m, 3);
	bool changed;
	assert_int_equal(sl_port_map_get(m, 1, "0000:3b:00.0", &changed), 2);
	assert_true(changed);
	assert_int_equal(sl_port_map_get(m, 1, "0000:3b:00.0", &changed), 2);
	assert_false(changed);
	assert_int_equal(sl_port_map_get(m, 1, "", &changed), 2); /* deleted */
	assert_true(changed);
	assert_int_equal(sl_port_map_get(m, 1, "net_tap0", &changed), 2); /* back */
	assert_false(changed);
	/* an ethN given a hw-id it did not start with */
	assert_int_equal(sl_port_map_get(m, 0, "net_tap0", &changed), 0);
	assert_true(changed);
	free(m);
}

static void test_pool_size(void **state)
{
	(void)state;
	/* --mbufs wins */
	assert_int_equal(sl_port_pool_size(5000, 2, 1, 2), 5000);
	/* two ports, one worker, two lcores: rings full, plus the rest */
	unsigned rings = 2 * (1 * SL_PORT_RX_DESC + 2 * SL_PORT_TX_DESC);
	unsigned rest = 4096 + 1024 + 2 * (256 + 2 * SL_DP_BURST);
	assert_int_equal(sl_port_pool_size(0, 2, 1, 2), rings + rest);
	/* no worker lcore counts as one (the main lcore polls) */
	assert_int_equal(sl_port_pool_size(0, 2, 0, 1), sl_port_pool_size(0, 2, 1, 1));
	/* each worker adds an rx and a tx ring per port */
	assert_int_equal(sl_port_pool_size(0, 3, 4, 5) - sl_port_pool_size(0, 3, 3, 5),
		3 * (SL_PORT_RX_DESC + SL_PORT_TX_DESC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hw_id),
		cmocka_unit_test(test_unpinned),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_pin_refused),
		cmocka_unit_test(test_changed_later),
		cmocka_unit_test(test_pool_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
