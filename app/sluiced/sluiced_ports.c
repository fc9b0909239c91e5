/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_ports.c — the "ports" module (lib/port: lcores, mempool, every
 * probed ethdev started). ethN → port is lib/port's port_eths.c. */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "sluiced.h"

static void ports_fini(void *ctx)
{
	struct sd *s = ctx;
	for (uint16_t p = 0; p < s->n_ports; p++) {
		(void)rte_eth_dev_stop(p);
		(void)rte_eth_dev_close(p);
	}
	/* free what lives in hugepages so that their files go with it */
	rte_mempool_free(s->pool);
	s->pool = NULL;
}

static int ports_init(void *ctx)
{
	struct sd *s = ctx;
	s->n_ports = rte_eth_dev_count_avail();
	if (s->n_ports == 0) {
		SD_LOG(ERR, "no ports: give NICs or vdevs, e.g. --vdev net_tap0");
		return -ENODEV;
	}
	if (s->n_ports > SL_FIB_PORT_MAX) {
		SD_LOG(ERR, "%u ports probed, at most %u are supported", s->n_ports,
			SL_FIB_PORT_MAX);
		return -E2BIG;
	}
	s->n_workers = sl_port_lcores(s->workers, &s->ctl_txq);
	unsigned nw = s->n_workers ? s->n_workers : 1;
	s->pool = sl_port_pool_create(
		sl_port_pool_size(s->n_mbufs, s->n_ports, nw, rte_lcore_count()));
	if (s->pool == NULL)
		return -ENOMEM;
	for (uint16_t p = 0; p < s->n_ports; p++) {
		int rc = sl_port_start(p, nw, s->pool, &s->ports[p]);
		if (rc < 0) {
			SD_LOG(ERR, "cannot start port %u (%s): %s", p, s->ports[p].name,
				strerror(-rc));
			ports_fini(s);
			return rc;
		}
		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		rte_ether_format_addr(mac, sizeof(mac), &s->ports[p].mac);
		sl_log(SL_LOG_INFO, "ports", "port %u: %s, %s, %u rx / %u tx queues", p,
			s->ports[p].name, mac, s->ports[p].n_rxq, s->ports[p].n_txq);
	}
	return 0;
}

/* --stats-period: the report, from the control loop's timers */
static void ports_timers(void *ctx)
{
	static uint64_t last, next;
	struct sd *s = ctx;
	uint64_t now = rte_get_tsc_cycles();
	if (s->stats_period == 0 || now < next)
		return;
	if (next != 0)
		sl_port_stats_print(s->n_ports, s->dp, (double)(now - last) / (double)s->hz);
	last = now;
	next = now + s->stats_period * s->hz;
}

static struct sl_module ports_module = {
	.name = "ports", .init = ports_init, .fini = ports_fini, .timers = ports_timers};
SL_MODULE_REGISTER(ports_module)
