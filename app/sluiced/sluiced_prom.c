/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_prom.c — the "prom" module: the Prometheus endpoint (lib/prom) as
 * `service monitoring prometheus` says, and `show service monitoring`.
 *
 * The control thread fills the snapshot and renders it when a scrape asks
 * (lib/prom's sl_prom.h has the threading). The endpoint follows each
 * successful commit at the control loop's next pass, before the next control
 * request is served. An endpoint that cannot open (address in use, not an
 * address of this host) does not refuse the commit: it is logged and shown
 * down, with the reason, by `show service monitoring`, and tried again at the
 * next commit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <rte_ethdev.h>

#include "sl_fw.h"
#include "sl_prom.h"
#include "sl_tele.h"
#include "sl_zebra.h"
#include "sluiced.h"

static struct {
	struct sl_prom_server *srv;
	bool enabled; /* configured */
	uint32_t addr;
	uint16_t port;
	char error[160]; /* why the configured endpoint is down */
	uint64_t commits_seen; /* successful commits the endpoint followed */
	struct timespec start; /* module init: sluiced's uptime */
	double last_render_ms; /* CPU time of the last rendering */
} P;

/* ---- the snapshot ---- */

struct vrf_acc {
	struct sl_prom_vrf *v;
	size_t n, cap;
	size_t (*routes)[SL_SRC__COUNT];
	const struct sl_tele_counts *counts;
	const struct sl_fib *fib;
};

static int vrf_add(const struct sl_vrf_info *vi, void *ctx)
{
	struct vrf_acc *a = ctx;
	if (a->n == a->cap)
		return 1; /* the RIB grew since it was counted: the rest next time */
	struct sl_prom_vrf *v = &a->v[a->n];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", vi->name);
	if (a->counts != NULL && vi->id < SL_VRF_MAX) {
		v->rx_packets = a->counts->vrf[vi->id].ipv4_rx;
		v->forwarded = a->counts->vrf[vi->id].forwarded;
		v->punted = a->counts->vrf[vi->id].punted;
	}
	memcpy(a->routes[a->n], vi->n_routes, sizeof(vi->n_routes));
	v->routes = a->routes[a->n];
	struct sl_fib_vrf_stats fs;
	if (sl_fib_vrf_stats_get(a->fib, vi->id, &fs) == 0) {
		v->fib = true;
		v->fib_prefixes = fs.routes;
		v->fib_bytes = fs.bytes;
		v->fib_small = fs.small;
	}
	a->n++;
	return 0;
}

static int vrf_count(const struct sl_vrf_info *vi, void *ctx)
{
	(void)vi;
	(*(size_t *)ctx)++;
	return 0;
}

/* Rule counters of every compiled rule, and of each ruleset's default action. */
static void rules_fill(struct sd *s, struct sl_prom_snap *snap)
{
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	if (s->fw == NULL || sl_router_fw_spec(s->router, &spec, &msgs) < 0) {
		sl_errors_free(&msgs);
		return;
	}
	sl_errors_free(&msgs);
	size_t cap = 0;
	for (size_t i = 0; i < spec->n_rulesets; i++)
		cap += spec->rulesets[i].n_rules + 1;
	snap->rules = calloc(cap ? cap : 1, sizeof(*snap->rules));
	for (size_t i = 0; snap->rules != NULL && i < spec->n_rulesets; i++) {
		const struct sl_fw_ruleset_spec *rs = &spec->rulesets[i];
		for (size_t k = 0; k <= rs->n_rules; k++) {
			struct sl_prom_rule *r = &snap->rules[snap->n_rules];
			r->number = k == 0 ? 0 : rs->rules[k - 1].number;
			snprintf(r->ruleset, sizeof(r->ruleset), "%s", rs->name);
			/* disabled and unusable rules are not compiled: -ENOENT */
			if (sl_fw_rule_counters(
				    s->fw, rs->name, r->number, &r->packets, &r->bytes) == 0)
				snap->n_rules++;
		}
	}
	sl_fw_spec_free(spec);
}

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

static void dp_fill(struct sd *s, struct sl_prom_snap *snap, struct sl_prom_reason *drops,
	struct sl_prom_reason *punts, struct sl_prom_reason *rings)
{
	struct sl_dp_counters c;
	sl_dp_counters_sum(s->dp, &c);
	snap->rx = c.rx, snap->tx = c.tx, snap->forwarded = c.forwarded;
	snap->leaked = c.leaked, snap->work_cycles = c.work_cycles;
	for (int i = 0; i < SL_DP_DROP__COUNT; i++)
		drops[i] = (struct sl_prom_reason){sl_dp_drop_names[i], c.dropped[i]};
	for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
		punts[i] = (struct sl_prom_reason){sl_dp_punt_names[i], c.punted[i]};
	snap->drops = drops, snap->n_drops = SL_DP_DROP__COUNT;
	snap->punts = punts, snap->n_punts = SL_DP_PUNT__COUNT;
	for (int i = 0; i < SL_DP_PC__COUNT; i++) {
		rings[i] = (struct sl_prom_reason){sl_dp_pclass_names[i], c.pclass_punted[i]};
		rings[SL_DP_PC__COUNT + i] =
			(struct sl_prom_reason){sl_dp_pclass_names[i], c.pclass_full[i]};
	}
	snap->punt_rings = rings, snap->punt_rings_full = rings + SL_DP_PC__COUNT;
	snap->n_punt_rings = SL_DP_PC__COUNT;
	struct sl_dp_stalls st;
	sl_dp_stalls_get(s->dp, &st);
	snap->stalls.max_gap_ns = st.max_gap_ns, snap->stalls.max_on_cpu_ns = st.max_on_cpu_ns;
	snap->stalls.gaps_over_1ms = st.gaps_over_1ms;
	snap->stalls.on_cpu_over_1ms = st.on_cpu_over_1ms;
	struct sl_slow_stats ss;
	sl_slow_stats_get(s->slow, &ss);
	snap->slow_drops = ss.drops;
	snap->neigh.entries = ss.neighbours, snap->neigh.incomplete = ss.incomplete;
	snap->neigh.held = ss.held, snap->neigh.refused = ss.neigh_refused;
	snap->neigh.arp_limited = ss.arp_limited, snap->neigh.icmp_limited = ss.icmp_limited;
}

static void tables_fill(struct sd *s, struct sl_prom_snap *snap)
{
	struct sl_fib_stats fs;
	sl_fib_stats_get(s->fib, &fs);
	snap->fib.vrfs = fs.vrfs, snap->fib.vrfs_small = fs.vrfs_small;
	snap->fib.next_hops = fs.nh_used, snap->fib.next_hops_max = fs.nh_capacity;
	snap->fib.groups = fs.groups, snap->fib.bytes = fs.bytes_total;
	snap->fib.promotions = fs.promotions;
	if (s->fw != NULL) {
		struct sl_fw_stats st;
		sl_fw_stats_get(s->fw, &st);
		snap->fw = true;
		snap->fw_st.checked = st.checked, snap->fw_st.classified = st.classified;
		snap->fw_st.accepted = st.accepted, snap->fw_st.dropped = st.dropped;
		snap->fw_st.rejected = st.rejected, snap->fw_st.unguarded = st.unguarded;
		snap->fw_st.ct_created = st.ct_created, snap->fw_st.ct_hits = st.ct_hits;
		snap->fw_st.ct_related = st.ct_related, snap->fw_st.ct_full = st.ct_full;
		snap->fw_st.ct_expired = st.ct_expired, snap->fw_st.ct_entries = st.ct_entries;
		snap->fw_st.ct_max = st.ct_max, snap->fw_st.rulesets = st.rulesets;
		snap->fw_st.rules = st.rules, snap->fw_st.build_ns = st.build_ns;
		rules_fill(s, snap);
	}
	struct sl_commit_counts cc;
	struct sl_apply_stats as;
	sl_router_commit_counts(s->router, &cc);
	sl_router_apply_stats(s->router, &as);
	snap->commits.ok = cc.ok, snap->commits.refused = cc.refused;
	snap->commits.cpu_ms = cc.cpu_ms;
	snap->commits.last_ms[0] = as.parse_ms, snap->commits.last_ms[1] = as.validate_ms;
	snap->commits.last_ms[2] = as.rib_ms, snap->commits.last_ms[3] = as.commit_ms;
	static const char *const fpm_states[] = {
		"disabled", "not_listening", "listening", "connected"};
	struct sl_zebra_status z;
	sl_zebra_status_get(s->fpm, &z);
	snap->fpm.state = fpm_states[z.state];
	snap->fpm.connects = z.connects, snap->fpm.frames = z.frames, snap->fpm.bytes = z.bytes;
	snap->fpm.routes_add = z.routes_add, snap->fpm.routes_del = z.routes_del;
}

/* VRFs (RIB names and routes, datapath packets, FIB tables) and leak
 * directions; the arrays are malloc'd into snap. */
static void vrfs_fill(struct sd *s, struct sl_prom_snap *snap, struct vrf_acc *acc)
{
	static const char *sources[SL_SRC__COUNT];
	for (int k = 0; k < SL_SRC__COUNT; k++)
		sources[k] = sl_rt_source_name((enum sl_rt_source)k);
	snap->sources = sources, snap->n_sources = SL_SRC__COUNT;

	const struct sl_rib *rib = sl_router_rib_const(s->router);
	struct sl_tele_counts *counts = sl_tele_counts_now(); /* since `clear counters` */
	size_t n = 0;
	sl_rib_vrf_foreach(rib, vrf_count, &n);
	*acc = (struct vrf_acc){.cap = n, .counts = counts, .fib = s->fib};
	acc->v = calloc(n ? n : 1, sizeof(*acc->v));
	acc->routes = calloc(n ? n : 1, sizeof(*acc->routes));
	if (acc->v != NULL && acc->routes != NULL)
		sl_rib_vrf_foreach(rib, vrf_add, acc);
	snap->vrfs = acc->v, snap->n_vrfs = acc->n;

	if (counts != NULL) {
		snap->leaks = calloc(counts->n_dirs ? counts->n_dirs : 1, sizeof(*snap->leaks));
		for (size_t i = 0; snap->leaks != NULL && i < counts->n_dirs; i++) {
			const char *f = sl_rib_vrf_name(rib, counts->dirs[i].from);
			const char *t = sl_rib_vrf_name(rib, counts->dirs[i].to);
			struct sl_prom_leak *l = &snap->leaks[snap->n_leaks++];
			snprintf(l->from, sizeof(l->from), "%s", f ? f : "(deleted)");
			snprintf(l->to, sizeof(l->to), "%s", t ? t : "(deleted)");
			l->packets = counts->dirs[i].packets;
		}
		snap->leak_other = counts->leak_other;
	}
	free(counts);
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Render the metrics and hand them to the server. */
static void prom_render(struct sd *s)
{
	double t0 = cpu_ms();
	struct sl_prom_snap snap = {.workers = s->n_workers};
	struct timespec now, mono;
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	snap.now = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	snap.uptime = (double)(mono.tv_sec - P.start.tv_sec) +
		      (double)(mono.tv_nsec - P.start.tv_nsec) / 1e9;
	struct sl_prom_reason drops[SL_DP_DROP__COUNT], punts[SL_DP_PUNT__COUNT],
		rings[2 * SL_DP_PC__COUNT];
	struct vrf_acc acc;
	ports_fill(s, &snap);
	dp_fill(s, &snap, drops, punts, rings);
	vrfs_fill(s, &snap, &acc);
	tables_fill(s, &snap);

	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (out != NULL) {
		if (sl_prom_render(&snap, out) < 0)
			SD_LOG(ERR, "prometheus: a metric name is invalid (left out)");
		if (fclose(out) == 0)
			sl_prom_server_publish(P.srv, text, len);
		else
			free(text);
	}
	free(snap.ports), free(snap.leaks), free(snap.rules);
	free(acc.v), free(acc.routes);
	P.last_render_ms = cpu_ms() - t0;
}

/* ---- the endpoint follows the configuration ---- */

static void addr_fmt(uint32_t addr, char *buf, size_t len)
{
	struct in_addr ia = {.s_addr = htonl(addr)};
	inet_ntop(AF_INET, &ia, buf, (socklen_t)len);
}

static void prom_sync(struct sd *s)
{
	uint32_t addr;
	uint16_t port;
	bool on = sl_router_prom_conf(s->router, &addr, &port);
	char a[INET_ADDRSTRLEN];
	addr_fmt(addr, a, sizeof(a));
	if (on && P.srv != NULL && P.addr == addr && P.port == port)
		return;
	if (P.srv != NULL) {
		sl_prom_server_stop(P.srv);
		P.srv = NULL;
		if (!on)
			SD_LOG(NOTICE, "prometheus: endpoint closed");
	}
	P.enabled = on, P.addr = addr, P.port = port;
	P.error[0] = '\0';
	if (!on)
		return;
	int rc;
	P.srv = sl_prom_server_start(addr, port, &rc);
	if (P.srv == NULL) {
		snprintf(P.error, sizeof(P.error), "cannot listen on %s:%u: %s", a, port,
			strerror(-rc));
		SD_LOG(ERR,
			"prometheus: %s: the endpoint stays down (tried again at the next "
			"commit)",
			P.error);
		return;
	}
	SD_LOG(NOTICE, "prometheus: serving http://%s:%u/metrics", a, port);
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
	if (sl_prom_server_wanted(P.srv)) {
		prom_render(s);
		busy = 1;
	}
	return busy;
}

static int cmd_show_monitoring(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err, (void)ctx;
	char a[INET_ADDRSTRLEN];
	addr_fmt(P.addr, a, sizeof(a));
	const char *state = !P.enabled ? "disabled" : P.srv != NULL ? "up" : "down";
	struct sl_prom_server_stats st = {0};
	if (P.srv != NULL)
		sl_prom_server_stats_get(P.srv, &st);
	if (json) {
		fprintf(out,
			"{\"prometheus\":{\"state\":\"%s\",\"address\":\"%s\",\"port\":%u,"
			"\"error\":\"%s\",\"scrapes\":%" PRIu64 ",\"stale\":%" PRIu64
			",\"renders\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"render_ms\":%.3f}}\n",
			state, P.enabled ? a : "", P.enabled ? P.port : 0, P.error, st.scrapes,
			st.stale, st.renders, st.errors, P.last_render_ms);
		return SL_CTL_OK;
	}
	fprintf(out, "Prometheus endpoint: %s", state);
	if (P.enabled)
		fprintf(out, " (http://%s:%u/metrics)", a, P.port);
	fprintf(out, "\n");
	if (P.error[0] != '\0')
		fprintf(out, "  error: %s\n", P.error);
	if (P.srv != NULL)
		fprintf(out,
			"  scrapes %" PRIu64 " (%" PRIu64 " served the previous rendering), "
			"renderings %" PRIu64 " (last %.1f ms CPU), refused requests %" PRIu64 "\n",
			st.scrapes, st.stale, st.renders, P.last_render_ms, st.errors);
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
	sl_prom_server_stop(P.srv);
	P.srv = NULL;
	P.enabled = false;
}

static struct sl_module prom_module = {
	.name = "prom",
	.deps = "config dp fib fw fpm slow tele",
	.init = prom_init,
	.fini = prom_fini,
	.poll = prom_poll,
};
SL_MODULE_REGISTER(prom_module)
