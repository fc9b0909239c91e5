/* SPDX-License-Identifier: BSD-3-Clause */
/* port_start.c — an ethdev configured and started; the lcore layout. */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "sl_port.h"

int sl_port_start(uint16_t port, unsigned nw, struct rte_mempool *pool, struct sl_port *sp)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(port, &info);
	if (rc < 0)
		return rc;
	rte_eth_dev_get_name_by_port(port, sp->name);
	sp->tap = strncmp(info.driver_name, "net_tap", 7) == 0;
	sp->n_rxq = (uint16_t)RTE_MIN(nw, info.max_rx_queues);
	sp->n_txq = (uint16_t)RTE_MIN(nw + 1, info.max_tx_queues);
	if (sp->n_rxq == 0 || sp->n_txq == 0)
		return -ENOTSUP;
	/* net_tap wants as many rx as tx queues; the extra rx queue is polled by
	 * the workers too, since the kernel may steer packets to any queue */
	if (sp->tap)
		sp->n_rxq = sp->n_txq = (uint16_t)RTE_MIN(sp->n_txq, info.max_rx_queues);
	struct rte_eth_conf conf = {0};
	if (sp->n_rxq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(port, sp->n_rxq, sp->n_txq, &conf);
	if (rc < 0)
		return rc;
	uint16_t nrx = SL_PORT_RX_DESC, ntx = SL_PORT_TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	int socket = rte_eth_dev_socket_id(port);
	for (uint16_t q = 0; q < sp->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nrx, socket, NULL, pool);
		if (rc < 0)
			return rc;
	}
	for (uint16_t q = 0; q < sp->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(port, q, ntx, socket, NULL);
		if (rc < 0)
			return rc;
	}
	rc = rte_eth_dev_start(port);
	if (rc < 0)
		return rc;
	rte_eth_macaddr_get(port, &sp->mac);
	(void)rte_eth_promiscuous_enable(port); /* not every vdev supports it */
	if (sp->tap)
		(void)rte_eth_dev_set_link_up(port);
	return 0;
}

unsigned sl_port_lcores(struct sl_dp_worker *workers, uint16_t *ctl_txq)
{
	unsigned n_workers = rte_lcore_count() - 1;
	unsigned w = 0, lcore;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		workers[w].lcore_id = lcore;
		workers[w].txq = (uint16_t)w;
		w++;
	}
	if (n_workers == 0) {
		workers[0].lcore_id = rte_get_main_lcore();
		workers[0].txq = 0;
	}
	*ctl_txq = (uint16_t)n_workers;
	return n_workers;
}
