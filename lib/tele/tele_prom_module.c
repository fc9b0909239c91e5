/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tele_prom_module.c — the "prom" module: the Prometheus endpoint as
 * `service monitoring prometheus` says (lib/prom's sl_prom_endpoint), and
 * `show service monitoring`. It lives here, not in lib/prom (plain C),
 * because its snapshot reads DPDK: the ports' ethdev counters, lib/tele's
 * sources (sl_tele_prom_fill) and lib/zebra's FPM status. It reads the
 * sources the "tele" module gave sl_tele_init, so it needs that module.
 *
 * The control thread fills the snapshot and renders it when a scrape asks
 * (sl_prom.h has the threading). The endpoint follows each successful commit
 * at the control loop's next pass, before the next control request is
 * served; one that cannot open does not refuse the commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "sl_ctl.h"
#include "sl_log.h"
#include "sl_module.h"
#include "sl_zebra.h"
#include "tele_priv.h"

static struct {
	struct sl_prom_endpoint ep;
	uint64_t commits_seen; /* successful commits the endpoint followed */
	struct timespec start; /* module init: sluiced's uptime */
} P;

static void ports_fill(struct sl_prom_snap *snap)
{
	uint16_t n = rte_eth_dev_count_avail();
	snap->ports = calloc(n ? n : 1, sizeof(*snap->ports));
	for (uint16_t p = 0; snap->ports != NULL && p < n; p++) {
		struct sl_prom_port *o = &snap->ports[snap->n_ports++];
		struct rte_eth_stats st = {0};
		struct rte_eth_link link = {0};
		rte_eth_stats_get(p, &st);
		rte_eth_link_get_nowait(p, &link);
		snprintf(o->name, sizeof(o->name), "eth%u", p);
		o->link_up = link.link_status != 0;
		o->rx_packets = st.ipackets, o->tx_packets = st.opackets;
		o->rx_bytes = st.ibytes, o->tx_bytes = st.obytes;
		o->rx_missed = st.imissed, o->rx_errors = st.ierrors;
		o->tx_errors = st.oerrors, o->rx_nombuf = st.rx_nombuf;
	}
}

static void fpm_fill(const struct sl_zebra *fpm, struct sl_prom_snap *snap)
{
	static const char *const fpm_states[] = {
		"disabled", "not_listening", "listening", "connected"};
	struct sl_zebra_status z;
	sl_zebra_status_get(fpm, &z);
	snap->fpm.state = fpm_states[z.state];
	snap->fpm.connects = z.connects, snap->fpm.frames = z.frames, snap->fpm.bytes = z.bytes;
	snap->fpm.routes_add = z.routes_add, snap->fpm.routes_del = z.routes_del;
}

/* Render the metrics and hand them to the server. */
static void prom_render(const struct sl_tele_src *src)
{
	double t0 = sl_thread_cpu_ms();
	/* every lcore but the main one forwards (lib/port's layout) */
	struct sl_tele_prom p = {.snap.workers = rte_lcore_count() - 1};
	struct timespec now, mono;
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	p.snap.now = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	p.snap.uptime = (double)(mono.tv_sec - P.start.tv_sec) +
			(double)(mono.tv_nsec - P.start.tv_nsec) / 1e9;
	ports_fill(&p.snap);
	sl_tele_prom_fill(src, &p);
	fpm_fill(src->fpm, &p.snap);
	sl_prom_endpoint_publish(&P.ep, &p.snap, t0);
	free(p.snap.ports);
	sl_tele_prom_free(&p);
}

static void prom_sync(const struct sl_tele_src *src)
{
	uint32_t addr;
	uint16_t port;
	bool on = sl_router_prom_conf(src->router, &addr, &port);
	sl_prom_endpoint_sync(&P.ep, on, addr, port);
}

static unsigned prom_poll(void *ctx)
{
	(void)ctx;
	const struct sl_tele_src *src = tele_src();
	struct sl_commit_counts cc;
	sl_router_commit_counts(src->router, &cc);
	unsigned busy = 0;
	if (cc.ok != P.commits_seen) {
		P.commits_seen = cc.ok;
		prom_sync(src);
		busy = 1;
	}
	if (sl_prom_endpoint_wanted(&P.ep)) {
		prom_render(src);
		busy = 1;
	}
	return busy;
}

static int cmd_show_monitoring(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err, (void)ctx;
	sl_prom_endpoint_show(&P.ep, json, out);
	return SL_CTL_OK;
}

static int prom_init(void *ctx)
{
	(void)ctx;
	const struct sl_tele_src *src = tele_src();
	if (src->router == NULL) {
		sl_log(SL_LOG_ERR, NULL, "metrics endpoint: lib/tele has no sources");
		return -EINVAL;
	}
	clock_gettime(CLOCK_MONOTONIC, &P.start);
	int rc = sl_ctl_register("show service monitoring", cmd_show_monitoring, NULL);
	if (rc < 0) {
		sl_log(SL_LOG_ERR, NULL, "cannot register show service monitoring");
		return rc;
	}
	struct sl_commit_counts cc;
	sl_router_commit_counts(src->router, &cc);
	P.commits_seen = cc.ok;
	prom_sync(src); /* the start-up configuration's endpoint */
	return 0;
}

/* Before the sources go: the HTTP threads are joined here. */
static void prom_fini(void *ctx)
{
	(void)ctx;
	sl_prom_endpoint_stop(&P.ep);
}

static struct sl_module prom_module = {
	.name = "prom",
	.deps = "config dp fib fw fpm slow tele",
	.init = prom_init,
	.fini = prom_fini,
	.poll = prom_poll,
};
SL_MODULE_REGISTER(prom_module)
