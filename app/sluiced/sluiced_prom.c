/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_prom.c — the "prom" module: the Prometheus endpoint as `service
 * monitoring prometheus` says (lib/prom's sl_prom_endpoint), and `show
 * service monitoring`.
 *
 * The control thread fills the snapshot (lib/tele's sl_tele_prom_fill, plus
 * the ports and FPM here) and renders it when a scrape asks (lib/prom's
 * sl_prom.h has the threading). The endpoint follows each successful commit
 * at the control loop's next pass, before the next control request is
 * served; one that cannot open does not refuse the commit.
 */
#include <time.h>

#include <rte_ethdev.h>

#include "sl_prom.h"
#include "sl_tele.h"
#include "sl_zebra.h"
#include "sluiced.h"

static struct {
	struct sl_prom_endpoint ep;
	uint64_t commits_seen; /* successful commits the endpoint followed */
	struct timespec start; /* module init: sluiced's uptime */
} P;

static void ports_fill(struct sd *s, struct sl_prom_snap *snap)
{
	snap->ports = calloc(s->n_ports ? s->n_ports : 1, sizeof(*snap->ports));
	for (uint16_t p = 0; snap->ports != NULL && p < s->n_ports; p++) {
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

static void fpm_fill(struct sd *s, struct sl_prom_snap *snap)
{
	static const char *const fpm_states[] = {
		"disabled", "not_listening", "listening", "connected"};
	struct sl_zebra_status z;
	sl_zebra_status_get(s->fpm, &z);
	snap->fpm.state = fpm_states[z.state];
	snap->fpm.connects = z.connects, snap->fpm.frames = z.frames, snap->fpm.bytes = z.bytes;
	snap->fpm.routes_add = z.routes_add, snap->fpm.routes_del = z.routes_del;
}

/* Render the metrics and hand them to the server. */
static void prom_render(struct sd *s)
{
	double t0 = sl_thread_cpu_ms();
	struct sl_tele_prom p = {.snap.workers = s->n_workers};
	struct timespec now, mono;
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	p.snap.now = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	p.snap.uptime = (double)(mono.tv_sec - P.start.tv_sec) +
			(double)(mono.tv_nsec - P.start.tv_nsec) / 1e9;
	struct sl_tele_src src;
	sd_tele_src(s, &src);
	ports_fill(s, &p.snap);
	sl_tele_prom_fill(&src, &p);
	fpm_fill(s, &p.snap);
	sl_prom_endpoint_publish(&P.ep, &p.snap, t0);
	free(p.snap.ports);
	sl_tele_prom_free(&p);
}

static void prom_sync(struct sd *s)
{
	uint32_t addr;
	uint16_t port;
	bool on = sl_router_prom_conf(s->router, &addr, &port);
	sl_prom_endpoint_sync(&P.ep, on, addr, port);
}

static unsigned prom_poll(void *ctx)
{
	struct sd *s = ctx;
	struct sl_commit_counts cc;
	sl_router_commit_counts(s->router, &cc);
	unsigned busy = 0;
	if (cc.ok != P.commits_seen) {
		P.commits_seen = cc.ok;
		prom_sync(s);
		busy = 1;
	}
	if (sl_prom_endpoint_wanted(&P.ep)) {
		prom_render(s);
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
	struct sd *s = ctx;
	clock_gettime(CLOCK_MONOTONIC, &P.start);
	int rc = sl_ctl_register("show service monitoring", cmd_show_monitoring, s);
	if (rc < 0) {
		fprintf(stderr, "sluiced: cannot register show service monitoring\n");
		return rc;
	}
	struct sl_commit_counts cc;
	sl_router_commit_counts(s->router, &cc);
	P.commits_seen = cc.ok;
	prom_sync(s); /* the start-up configuration's endpoint */
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
