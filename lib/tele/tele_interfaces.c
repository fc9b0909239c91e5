/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_interfaces.c — `show interfaces`: each interface of the FIB's map
 * with its configured state, the port's link, MAC, VRF, addresses and the
 * port's counters (a port's vifs share them). */
#include <inttypes.h>
#include <string.h>

#include <rte_ethdev.h>

#include "tele_priv.h"

void sl_tele_show_interfaces(const struct sl_tele_src *s,
	const char *(*device)(void *ctx, uint16_t port), void *ctx, bool json, FILE *out)
{
	const struct sl_fib_ifmap *m = sl_fib_ifmap(s->fib);
	const struct sl_rib *rib = sl_router_rib_const(s->router);
	if (json)
		fprintf(out, "[");
	else
		fprintf(out, "%-12s %-6s %-18s %-14s %-20s %12s %12s %10s\n", "Interface", "State",
			"MAC", "VRF", "Addresses", "RX-packets", "TX-packets", "Drops");
	bool first = true;
	for (uint16_t i = 0; i < m->n_ifs; i++) {
		const struct sl_fib_iface *f = &m->ifs[i];
		if (!f->present)
			continue;
		struct rte_eth_stats st = {0};
		struct rte_eth_link link = {0};
		rte_eth_stats_get(f->port, &st);
		rte_eth_link_get_nowait(f->port, &link);
		/* net_tap reports no link once its kernel side moved to another
		 * namespace: the state shown is the configured one, link apart */
		const char *state = f->up ? "up" : "down";
		const char *lnk = link.link_status ? "up" : "down";
		char mac[RTE_ETHER_ADDR_FMT_SIZE], addrs[256] = "", p[SL_PREFIX_STR];
		rte_ether_format_addr(mac, sizeof(mac), &f->mac);
		for (uint32_t a = 0; a < f->n_addrs; a++) {
			size_t l = strlen(addrs);
			snprintf(addrs + l, sizeof(addrs) - l, json ? "%s\"%s\"" : "%s%s",
				a ? "," : "", sl_prefix_fmt(f->addrs[a], p));
		}
		const char *vrf = sl_rib_vrf_name(rib, f->vrf_id);
		uint64_t drops = st.imissed + st.ierrors + st.oerrors;
		if (json)
			fprintf(out,
				"%s{\"name\":\"%s\",\"port\":%u,\"device\":\"%s\",\"vlan\":%u,"
				"\"state\":\"%s\",\"link\":\"%s\","
				"\"mac\":\"%s\",\"vrf\":\"%s\",\"addresses\":[%s],\"rx_packets\":"
				"%" PRIu64 ",\"tx_packets\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
				",\"tx_bytes\":%" PRIu64 ",\"drops\":%" PRIu64 "}",
				first ? "" : ",", f->name, f->port, device(ctx, f->port), f->vlan,
				state, lnk, mac, vrf ? vrf : "", addrs, st.ipackets, st.opackets,
				st.ibytes, st.obytes, drops);
		else
			fprintf(out,
				"%-12s %-6s %-18s %-14s %-20s %12" PRIu64 " %12" PRIu64
				" %10" PRIu64 "\n",
				f->name, state, mac, vrf ? vrf : "?", addrs[0] ? addrs : "-",
				st.ipackets, st.opackets, drops);
		first = false;
	}
	if (json)
		fprintf(out, "]\n");
	else
		fprintf(out, "(counters are per port; a port's vifs share them)\n");
}

/* The device name of a port (a PCI address for a PCI NIC); ctx: the buffer. */
static const char *port_device(void *ctx, uint16_t port)
{
	char *name = ctx;
	return rte_eth_dev_get_name_by_port(port, name) == 0 ? name : "";
}

static int cmd_show_interfaces(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)ctx;
	const struct sl_tele_src *src = tele_ctl_src(err);
	if (src == NULL)
		return SL_CTL_FAILED;
	char name[RTE_ETH_NAME_MAX_LEN];
	sl_tele_show_interfaces(src, port_device, name, json, out);
	return SL_CTL_OK;
}
TELE_CTL_COMMAND(cmd_show_interfaces, "show interfaces")
