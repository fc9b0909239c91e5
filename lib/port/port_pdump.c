/* SPDX-License-Identifier: BSD-3-Clause */
/* port_pdump.c — the "pdump" module: packet capture (dpdk-dumpcap) on the
 * ports. It needs no state of the daemon's: it registers from here. */
#include <rte_errno.h>
#include <rte_pdump.h>

#include "sl_log.h"
#include "sl_module.h"
#include "sl_port.h"

static int pdump_init(void *ctx)
{
	(void)ctx;
	if (rte_pdump_init() < 0)
		sl_log(SL_LOG_WARNING, NULL, "packet capture (dpdk-dumpcap) unavailable: %s",
			rte_strerror(rte_errno));
	return 0;
}

static void pdump_fini(void *ctx)
{
	(void)ctx;
	rte_pdump_uninit();
}

static struct sl_module pdump_module = {
	.name = "pdump", .deps = "ports", .init = pdump_init, .fini = pdump_fini};
SL_MODULE_REGISTER(pdump_module)
