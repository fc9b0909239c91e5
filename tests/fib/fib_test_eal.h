/* SPDX-License-Identifier: BSD-3-Clause */
/* fib_test_eal.h — a small, private EAL and FIB change builders for the FIB,
 * datapath, firewall and telemetry unit tests. */
#ifndef SL_FIB_TEST_EAL_H
#define SL_FIB_TEST_EAL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>

#include "sl_fib.h"

/* --no-huge keeps tests off the hugepages; a per-process prefix lets tests run in parallel. */
static inline int sl_test_eal_init(const char *name, const char *lcores)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-test%s-%s-%d",
		getenv("SL_TEST_TAG") != NULL ? getenv("SL_TEST_TAG") : "", name, (int)getpid());
	char *argv[] = {(char *)name, "-l", (char *)lcores, "--no-huge", "-m", "512", prefix,
		"--no-pci", "--log-level=5", "--no-telemetry", NULL};
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}

/* A.B.C.D in host order. */
static inline uint32_t sl_test_ip4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

/* A ROUTE_SET change: gw_or_vrf is the VRF for SL_NH_VRF, else the gateway. */
static inline struct sl_fib_change sl_test_route(uint32_t vrf, uint32_t addr, uint8_t len,
	enum sl_nh_type t, const char *ifn, uint32_t gw_or_vrf)
{
	struct sl_fib_change c = {.op = SL_FIB_ROUTE_SET, .vrf_id = vrf, .prefix = {addr, len}};
	c.nh.type = t;
	if (ifn)
		snprintf(c.nh.ifname, sizeof(c.nh.ifname), "%s", ifn);
	if (t == SL_NH_VRF)
		c.nh.vrf_id = gw_or_vrf;
	else
		c.nh.gw = gw_or_vrf;
	return c;
}

#endif
