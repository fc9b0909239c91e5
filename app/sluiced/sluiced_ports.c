/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_ports.c — the "ports" module (lib/port: lcores, mempool, every
 * probed ethdev started) and ethN → port from the start-up configuration. */
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

/* ---- ethN → port -------------------------------------------------------- */

struct map_ctx {
	struct sd *s;
	struct sl_port_id ids[SL_FIB_PORT_MAX];
	char macs[SL_FIB_PORT_MAX][RTE_ETHER_ADDR_FMT_SIZE];
};

static int map_pinned(const struct sl_iface_state *ifs, void *ctx)
{
	struct map_ctx *mc = ctx;
	struct sd *s = mc->s;
	if (ifs->vlan != 0 || ifs->hw_id[0] == '\0' || ifs->port_id >= SL_PORT_ETH_MAX)
		return 0;
	uint32_t other = 0;
	int p = sl_port_map_pin(&s->eth_map, ifs->port_id, ifs->hw_id, mc->ids, s->n_ports, &other);
	if (p == -EEXIST)
		sl_log(SL_LOG_WARNING, "ports",
			"%s: hw-id %s is port %d, already eth%u's: interface inactive", ifs->port,
			ifs->hw_id, s->eth_map.eth_port[other], other);
	else if (p < 0)
		sl_log(SL_LOG_WARNING, "ports",
			"%s: hw-id %s matches no port (%u probed; `show interfaces` and the "
			"start-up lines name them): interface inactive",
			ifs->port, ifs->hw_id, s->n_ports);
	else
		sl_log(SL_LOG_INFO, "ports", "%s: hw-id %s is port %d (%s)", ifs->port, ifs->hw_id,
			p, s->ports[p].name);
	return 0;
}

void sd_ports_map(struct sd *s)
{
	struct map_ctx mc = {.s = s};
	for (uint16_t p = 0; p < s->n_ports; p++) {
		rte_ether_format_addr(mc.macs[p], sizeof(mc.macs[p]), &s->ports[p].mac);
		mc.ids[p] = (struct sl_port_id){.mac = mc.macs[p], .name = s->ports[p].name};
	}
	sl_port_map_reset(&s->eth_map);
	memset(s->eth_inactive_said, 0, sizeof(s->eth_inactive_said));
	sl_router_iface_foreach(s->router, map_pinned, &mc);
	sl_port_map_rest(&s->eth_map, s->n_ports);
}

/* A port's inactive ethN, said once (not at every commit or FPM batch). */
static void said_inactive(struct sd *s, const struct sl_iface_state *ifs)
{
	if (ifs->port_id >= SD_ETH_MAX || s->eth_inactive_said[ifs->port_id])
		return;
	s->eth_inactive_said[ifs->port_id] = true;
	if (ifs->hw_id[0] == '\0' && ifs->port_id < s->n_ports)
		sl_log(SL_LOG_WARNING, "ports",
			"%s: port %u is another interface's (by its hw-id): "
			"interface inactive; give %s a hw-id",
			ifs->port, ifs->port_id, ifs->port);
	else
		SD_LOG(WARNING, "%s: no such port (%u probed%s): interface inactive", ifs->port,
			s->n_ports, ifs->hw_id[0] ? ", none with its hw-id" : "");
}

int sd_port_of(struct sd *s, const struct sl_iface_state *ifs, struct rte_ether_addr *mac)
{
	bool changed;
	int port = sl_port_map_get(&s->eth_map, ifs->port_id, ifs->hw_id, &changed);
	if (changed) { /* a hw-id is read at start-up only */
		char now[24] = "inactive";
		if (port >= 0)
			snprintf(now, sizeof(now), "port %d", port);
		snprintf(s->sync_note, sizeof(s->sync_note),
			"%s hw-id %s: takes effect when sluiced restarts (ports are mapped at "
			"start-up; %s stays %s until then)",
			ifs->port, ifs->hw_id[0] ? ifs->hw_id : "deleted", ifs->port, now);
		sl_log(SL_LOG_WARNING, "ports", "%s", s->sync_note);
	}
	if (port < 0)
		said_inactive(s, ifs);
	else
		*mac = s->ports[port].mac;
	return port;
}
