/* SPDX-License-Identifier: BSD-3-Clause */
/* port_pool.c — the mbuf pool: its size, and the pool itself. */
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "sl_log.h"
#include "sl_port.h"

unsigned sl_port_pool_size(unsigned n_mbufs, unsigned n_ports, unsigned nw, unsigned n_lcores)
{
	if (n_mbufs != 0)
		return n_mbufs;
	if (nw == 0)
		nw = 1;
	unsigned n = n_ports * (nw * SL_PORT_RX_DESC + (nw + 1) * SL_PORT_TX_DESC);
	/* punt ring, hold queues, per-lcore caches and bursts in flight */
	return n + 4096 + 1024 + n_lcores * (256 + 2 * SL_DP_BURST);
}

struct rte_mempool *sl_port_pool_create(unsigned n)
{
	struct rte_mempool *pool = rte_pktmbuf_pool_create(
		"sl_mbufs", n, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (pool == NULL)
		sl_log(SL_LOG_ERR, NULL,
			"cannot allocate %u packet buffers (%u MiB): %s; "
			"give more memory (-m) or fewer --mbufs",
			n, (unsigned)((size_t)n * (RTE_MBUF_DEFAULT_BUF_SIZE + 256) >> 20),
			rte_strerror(rte_errno));
	return pool;
}
