/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_ports.c — the "ports" module (lcores, mempool, every probed ethdev:
 * queues, start, link), the "pdump" module (capture), the stats report. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>

#include "sluiced.h"

#define RX_DESC 1024
#define TX_DESC 1024

static unsigned pool_size(struct sd *s, unsigned nw)
{
	if (s->n_mbufs != 0)
		return s->n_mbufs;
	unsigned n = 0;
	for (uint16_t p = 0; p < s->n_ports; p++)
		n += nw * RX_DESC + (nw + 1) * TX_DESC;
	/* punt ring, hold queues, per-lcore caches and bursts in flight */
	n += 4096 + 1024 + rte_lcore_count() * (256 + 2 * SL_DP_BURST);
	return n;
}

static int port_init(struct sd *s, uint16_t port, unsigned nw)
{
	struct sd_port *sp = &s->ports[port];
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
	uint16_t nrx = RX_DESC, ntx = TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	int socket = rte_eth_dev_socket_id(port);
	for (uint16_t q = 0; q < sp->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nrx, socket, NULL, s->pool);
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

/* Every worker lcore forwards, owning one tx queue on every port; the control
 * thread owns the next one. With no worker lcore, the main lcore forwards too. */
static void lcores_layout(struct sd *s)
{
	s->n_workers = rte_lcore_count() - 1;
	unsigned w = 0, lcore;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		s->workers[w].lcore_id = lcore;
		s->workers[w].txq = (uint16_t)w;
		w++;
	}
	if (s->n_workers == 0) {
		s->workers[0].lcore_id = rte_get_main_lcore();
		s->workers[0].txq = 0;
	}
	s->ctl_txq = (uint16_t)s->n_workers;
}

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
	lcores_layout(s);
	unsigned nw = s->n_workers ? s->n_workers : 1;
	unsigned n = pool_size(s, nw);
	s->pool = rte_pktmbuf_pool_create(
		"sl_mbufs", n, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (s->pool == NULL) {
		SD_LOG(ERR,
			"cannot allocate %u packet buffers (%u MiB): %s; "
			"give more memory (-m) or fewer --mbufs",
			n, (unsigned)((size_t)n * (RTE_MBUF_DEFAULT_BUF_SIZE + 256) >> 20),
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (uint16_t p = 0; p < s->n_ports; p++) {
		int rc = port_init(s, p, nw);
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

static struct sl_module ports_module = {.name = "ports", .init = ports_init, .fini = ports_fini};
SL_MODULE_REGISTER(ports_module)

static int pdump_init(void *ctx)
{
	(void)ctx;
	if (rte_pdump_init() < 0)
		SD_LOG(WARNING, "packet capture (dpdk-dumpcap) unavailable: %s",
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

/* testpmd-like periodic report: per-port packets and rates, then drops by reason. */
void sd_stats_print(struct sd *s, double seconds)
{
	static uint64_t last_rx[SL_FIB_PORT_MAX], last_tx[SL_FIB_PORT_MAX];
	printf("\n  ######## sluiced stats (%.1f s) ########\n", seconds);
	for (uint16_t p = 0; p < s->n_ports; p++) {
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
	sl_dp_counters_sum(s->dp, &c);
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

/* ---- ethN → port -------------------------------------------------------- */

/* The port whose MAC or device name (a PCI address for a PCI NIC) is hw_id. */
static int port_by_hw_id(const struct sd *s, const char *hw_id)
{
	for (uint16_t p = 0; p < s->n_ports; p++) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		rte_ether_format_addr(mac, sizeof(mac), &s->ports[p].mac);
		if (strcasecmp(mac, hw_id) == 0 || strcasecmp(s->ports[p].name, hw_id) == 0)
			return p;
	}
	return -1;
}

static int map_pinned(const struct sl_iface_state *ifs, void *ctx)
{
	struct sd *s = ctx;
	uint32_t n = ifs->port_id;
	if (n >= SD_ETH_MAX || ifs->vlan != 0 || ifs->hw_id[0] == '\0')
		return 0;
	snprintf(s->eth_hw_id[n], sizeof(s->eth_hw_id[n]), "%s", ifs->hw_id);
	int p = port_by_hw_id(s, ifs->hw_id);
	for (uint32_t o = 0; p >= 0 && o < SD_ETH_MAX; o++)
		if (s->eth_port[o] == p) { /* its MAC and its PCI address, on two ethN */
			sl_log(SL_LOG_WARNING, "ports",
				"%s: hw-id %s is port %d, already eth%u's: interface inactive",
				ifs->port, ifs->hw_id, p, o);
			return 0;
		}
	if (p < 0) {
		sl_log(SL_LOG_WARNING, "ports",
			"%s: hw-id %s matches no port (%u probed; `show interfaces` and the "
			"start-up lines name them): interface inactive",
			ifs->port, ifs->hw_id, s->n_ports);
		return 0;
	}
	s->eth_port[n] = (int16_t)p;
	sl_log(SL_LOG_INFO, "ports", "%s: hw-id %s is port %d (%s)", ifs->port, ifs->hw_id, p,
		s->ports[p].name);
	return 0;
}

void sd_ports_map(struct sd *s)
{
	bool taken[SL_FIB_PORT_MAX] = {false};
	for (uint32_t n = 0; n < SD_ETH_MAX; n++) {
		s->eth_port[n] = -1;
		s->eth_hw_id[n][0] = s->eth_hw_warned[n][0] = '\0';
		s->eth_inactive_said[n] = false;
	}
	sl_router_iface_foreach(s->router, map_pinned, s);
	for (uint32_t n = 0; n < SD_ETH_MAX; n++)
		if (s->eth_port[n] >= 0)
			taken[s->eth_port[n]] = true;
	/* the others in probe order, around the pinned ones */
	for (uint32_t n = 0; n < s->n_ports; n++)
		if (s->eth_hw_id[n][0] == '\0' && !taken[n])
			s->eth_port[n] = (int16_t)n;
}

int sd_port_of(struct sd *s, const struct sl_iface_state *ifs)
{
	uint32_t n = ifs->port_id;
	if (n >= SD_ETH_MAX)
		return -1;
	/* a hw-id is read at start-up only: a change waits for the next start */
	if (strcmp(ifs->hw_id, s->eth_hw_id[n]) != 0 &&
		strcmp(ifs->hw_id, s->eth_hw_warned[n]) != 0) {
		snprintf(s->eth_hw_warned[n], sizeof(s->eth_hw_warned[n]), "%s", ifs->hw_id);
		char now[24] = "inactive";
		if (s->eth_port[n] >= 0)
			snprintf(now, sizeof(now), "port %d", s->eth_port[n]);
		snprintf(s->sync_note, sizeof(s->sync_note),
			"%s hw-id %s: takes effect when sluiced restarts (ports are mapped at "
			"start-up; %s stays %s until then)",
			ifs->port, ifs->hw_id[0] ? ifs->hw_id : "deleted", ifs->port, now);
		sl_log(SL_LOG_WARNING, "ports", "%s", s->sync_note);
	}
	return s->eth_port[n];
}
