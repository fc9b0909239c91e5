/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port_eths.c — ethN → port from the start-up configuration (lib/commit's
 * typed interfaces, not the configuration tree): a hw-id (MAC or PCI
 * address) picks its port, other ethN take port N unless a hw-id took it;
 * later, the port of an interface for lib/fib's module, with what cannot
 * change until a restart said once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "sl_commit.h"
#include "sl_log.h"
#include "sl_port.h"

struct map_ctx {
	struct sl_port_eths *e;
	const struct sl_port *ports;
	uint16_t n_ports;
	struct sl_port_id ids[SL_FIB_PORT_MAX];
	char macs[SL_FIB_PORT_MAX][RTE_ETHER_ADDR_FMT_SIZE];
};

static int map_pinned(const struct sl_iface_state *ifs, void *ctx)
{
	struct map_ctx *mc = ctx;
	if (ifs->vlan != 0 || ifs->hw_id[0] == '\0' || ifs->port_id >= SL_PORT_ETH_MAX)
		return 0;
	uint32_t other = 0;
	int p = sl_port_map_pin(
		&mc->e->map, ifs->port_id, ifs->hw_id, mc->ids, mc->n_ports, &other);
	if (p == -EEXIST)
		sl_log(SL_LOG_WARNING, "ports",
			"%s: hw-id %s is port %d, already eth%u's: interface inactive", ifs->port,
			ifs->hw_id, mc->e->map.eth_port[other], other);
	else if (p < 0)
		sl_log(SL_LOG_WARNING, "ports",
			"%s: hw-id %s matches no port (%u probed; `show interfaces` and the "
			"start-up lines name them): interface inactive",
			ifs->port, ifs->hw_id, mc->n_ports);
	else
		sl_log(SL_LOG_INFO, "ports", "%s: hw-id %s is port %d (%s)", ifs->port, ifs->hw_id,
			p, mc->ports[p].name);
	return 0;
}

void sl_port_eths_map(struct sl_port_eths *e, const struct sl_router *router,
	const struct sl_port *ports, uint16_t n_ports)
{
	struct map_ctx mc = {.e = e, .ports = ports, .n_ports = n_ports};
	for (uint16_t p = 0; p < n_ports; p++) {
		rte_ether_format_addr(mc.macs[p], sizeof(mc.macs[p]), &ports[p].mac);
		mc.ids[p] = (struct sl_port_id){.mac = mc.macs[p], .name = ports[p].name};
	}
	sl_port_map_reset(&e->map);
	memset(e->inactive_said, 0, sizeof(e->inactive_said));
	sl_router_iface_foreach(router, map_pinned, &mc);
	sl_port_map_rest(&e->map, n_ports);
}

/* An inactive ethN, said once (not at every commit or FPM batch). */
static void said_inactive(struct sl_port_eths *e, const struct sl_iface_state *ifs, uint16_t n)
{
	if (ifs->port_id >= SL_PORT_ETH_MAX || e->inactive_said[ifs->port_id])
		return;
	e->inactive_said[ifs->port_id] = true;
	if (ifs->hw_id[0] == '\0' && ifs->port_id < n)
		sl_log(SL_LOG_WARNING, "ports",
			"%s: port %u is another interface's (by its hw-id): "
			"interface inactive; give %s a hw-id",
			ifs->port, ifs->port_id, ifs->port);
	else
		sl_log(SL_LOG_WARNING, NULL, "%s: no such port (%u probed%s): interface inactive",
			ifs->port, n, ifs->hw_id[0] ? ", none with its hw-id" : "");
}

int sl_port_eths_of(struct sl_port_eths *e, const struct sl_iface_state *ifs,
	const struct sl_port *ports, uint16_t n_ports, struct rte_ether_addr *mac)
{
	bool changed;
	int port = sl_port_map_get(&e->map, ifs->port_id, ifs->hw_id, &changed);
	if (changed) { /* a hw-id is read at start-up only */
		char now[24] = "inactive";
		if (port >= 0)
			snprintf(now, sizeof(now), "port %d", port);
		snprintf(e->note, sizeof(e->note),
			"%s hw-id %s: takes effect when sluiced restarts (ports are mapped at "
			"start-up; %s stays %s until then)",
			ifs->port, ifs->hw_id[0] ? ifs->hw_id : "deleted", ifs->port, now);
		sl_log(SL_LOG_WARNING, "ports", "%s", e->note);
	}
	if (port < 0)
		said_inactive(e, ifs, n_ports);
	else
		*mac = ports[port].mac;
	return port;
}
