/* SPDX-License-Identifier: BSD-3-Clause */
/* port_stats.c — the periodic report (--stats-period). */
#include <inttypes.h>
#include <stdio.h>

#include <rte_ethdev.h>

#include "sl_fib.h"
#include "sl_port.h"

void sl_port_stats_print(uint16_t n_ports, const struct sl_dp *dp, double seconds)
{
	static uint64_t last_rx[SL_FIB_PORT_MAX], last_tx[SL_FIB_PORT_MAX];
	printf("\n  ######## sluiced stats (%.1f s) ########\n", seconds);
	for (uint16_t p = 0; p < n_ports && p < SL_FIB_PORT_MAX; p++) {
		struct rte_eth_stats st;
		if (rte_eth_stats_get(p, &st) < 0)
			continue;
		double rx_pps = (double)(st.ipackets - last_rx[p]) / seconds;
		double tx_pps = (double)(st.opackets - last_tx[p]) / seconds;
		last_rx[p] = st.ipackets;
		last_tx[p] = st.opackets;
		printf("  eth%-2u RX-packets: %-12" PRIu64 " RX-missed: %-10" PRIu64
		       " RX-errors: %-8" PRIu64 " Rx-pps: %12.0f\n",
			p, st.ipackets, st.imissed, st.ierrors, rx_pps);
		printf("        TX-packets: %-12" PRIu64 " TX-errors: %-10" PRIu64
		       "                     Tx-pps: %12.0f\n",
			st.opackets, st.oerrors, tx_pps);
	}
	struct sl_dp_counters c;
	sl_dp_counters_sum(dp, &c);
	static struct sl_dp_counters last;
	uint64_t drx = c.rx - last.rx, dwork = c.work_cycles - last.work_cycles;
	last = c;
	printf("  forwarded: %" PRIu64 "  leaked: %" PRIu64 "  work: %.1f cycles/pkt  punted:",
		c.forwarded, c.leaked, drx ? (double)dwork / (double)drx : 0.0);
	for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
		if (c.punted[i])
			printf(" %s=%" PRIu64, sl_dp_punt_names[i], c.punted[i]);
	printf("\n  drops:");
	for (int i = 0; i < SL_DP_DROP__COUNT; i++)
		if (c.dropped[i])
			printf(" %s=%" PRIu64, sl_dp_drop_names[i], c.dropped[i]);
	printf("\n  ########################################\n");
	fflush(stdout);
}
