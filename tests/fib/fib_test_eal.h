/* SPDX-License-Identifier: BSD-3-Clause */
/* fib_test_eal.h — start a small, private EAL for FIB/datapath unit tests. */
#ifndef SL_FIB_TEST_EAL_H
#define SL_FIB_TEST_EAL_H

#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>

/* --no-huge keeps tests off the hugepages; a per-process prefix lets tests run in parallel. */
static inline int sl_test_eal_init(const char *name, const char *lcores)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-test-%s-%d", name, (int)getpid());
	char *argv[] = {(char *)name, "-l", (char *)lcores, "--no-huge", "-m", "512", prefix,
		"--no-pci", "--log-level=5", "--no-telemetry", NULL};
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}

#endif
