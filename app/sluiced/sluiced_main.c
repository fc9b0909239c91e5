/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced — the sluice router daemon.
 *   sluiced [EAL options] -- [--config FILE] [--socket PATH] [--stats-period SEC]
 *                            [--mbufs N]
 * The main lcore is the control thread (config, control socket, punt path);
 * every other lcore is a forwarding worker. With a single lcore the main lcore
 * also polls the ports between control tasks (slower, but it works).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_pdump.h>

#include "sl_tele.h"
#include "sluiced.h"

RTE_LOG_REGISTER(sluiced_logtype, sluice.daemon, INFO);

struct sd sd;
static volatile sig_atomic_t stop_signal, reload_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_hangup(int sig)
{
	(void)sig;
	reload_signal = 1;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- [--config FILE] [--socket PATH] [--stats-period SEC]\n"
		"                         [--mbufs N] [--conntrack-max N]\n"
		"                         [--ctl-request-max MIB]\n"
		"  --config FILE       load FILE at start; `save` writes the running config there\n"
		"  --socket PATH       control socket (default %s)\n"
		"  --stats-period SEC  print per-port rates and drops every SEC seconds\n"
		"  --mbufs N           packet buffers in the pool (default: sized from the "
		"queues)\n"
		"  --conntrack-max N   flows tracked at leak points (default 65536)\n"
		"  --ctl-request-max MIB  largest control-socket request (default 256); it\n"
		"                      guards memory: larger input is streamed in chunks\n"
		"DPDK port N is interface ethN in the configuration.\n",
		prog, SL_CTL_SOCKET_DEFAULT);
}

static int parse_u32(const char *opt, const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	if (sl_u32_parse(v, min, max, out) < 0) {
		fprintf(stderr, "sluiced: %s: '%s' is not a number in [%u, %u]\n", opt, v, min,
			max);
		return -EINVAL;
	}
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"stats-period", required_argument, NULL, 'p'},
		{"mbufs", required_argument, NULL, 'm'},
		{"lpm-rules", required_argument, NULL, 'r'},
		{"lpm-tbl8s", required_argument, NULL, 't'},
		{"conntrack-max", required_argument, NULL, 'k'},
		{"ctl-request-max", required_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint32_t v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			sd.config_path = optarg;
			break;
		case 's':
			sd.socket_path = optarg;
			break;
		case 'p':
			if (parse_u32("--stats-period", optarg, 0, 3600, &v) < 0)
				return -EINVAL;
			sd.stats_period = v;
			break;
		case 'm':
			if (parse_u32("--mbufs", optarg, 1024, 1u << 24, &v) < 0)
				return -EINVAL;
			sd.n_mbufs = v;
			break;
		case 'r': /* accepted from old scripts: VRF tables size themselves */
		case 't':
			if (parse_u32(c == 'r' ? "--lpm-rules" : "--lpm-tbl8s", optarg, 16,
				    1u << 24, &v) < 0)
				return -EINVAL;
			break;
		case 'k':
			if (parse_u32("--conntrack-max", optarg, 1, 1u << 24, &v) < 0)
				return -EINVAL;
			sd.ct_max = v;
			break;
		case 'q':
			if (parse_u32("--ctl-request-max", optarg, 1, 4096, &v) < 0)
				return -EINVAL;
			sd.ctl_request_max = (size_t)v << 20;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sluiced: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void print_errors(const char *what, const struct sl_errors *errs, const char *kind)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "sluiced: %s:%u: %s%s\n", what, errs->v[i].line, kind,
			errs->v[i].msg);
}

/* Spread every (port, rx queue) over the workers. */
static void assign_queues(struct sd *s)
{
	unsigned w = 0;
	for (uint16_t p = 0; p < s->n_ports; p++) {
		for (uint16_t q = 0; q < s->ports[p].n_rxq; q++) {
			struct sl_dp_worker *wk = &s->workers[w];
			if (wk->n_rxq < SL_DP_RXQ_MAX)
				wk->rxq[wk->n_rxq++] = (struct sl_dp_rxq){.port = p, .queue = q};
			if (s->n_workers > 0)
				w = (w + 1) % s->n_workers;
		}
	}
}

/* With no worker lcore, the main lcore polls the ports itself, as an RCU
 * reader that is offline while it does control work. */
static void poll_inline(struct sd *s, struct sl_dp_out *out)
{
	struct sl_dp_worker *w = &s->workers[0];
	struct sl_dp_counters *c = &s->dp->counters[w->lcore_id];
	struct rte_mbuf *pkts[SL_DP_BURST];
	rte_rcu_qsbr_thread_online(s->fib->qsbr, w->lcore_id);
	for (uint16_t q = 0; q < w->n_rxq; q++) {
		uint16_t n = rte_eth_rx_burst(w->rxq[q].port, w->rxq[q].queue, pkts, SL_DP_BURST);
		if (n == 0)
			continue;
		sl_dp_process(s->dp, c, w->rxq[q].port, pkts, n, out);
		sl_dp_flush(s->dp, c, w->txq, out);
	}
	rte_rcu_qsbr_thread_offline(s->fib->qsbr, w->lcore_id);
}

static void control_loop(struct sd *s)
{
	uint64_t next_stats = rte_get_tsc_cycles() + s->stats_period * s->hz;
	uint64_t last_stats = rte_get_tsc_cycles();
	uint64_t next_timers = 0;
	struct sl_dp_out *out = NULL;
	if (s->n_workers == 0) {
		out = calloc(1, sizeof(*out));
		rte_rcu_qsbr_thread_register(s->fib->qsbr, s->workers[0].lcore_id);
	}
	while (!stop_signal) {
		if (reload_signal) {
			reload_signal = 0;
			sd_reload(s);
		}
		if (out != NULL)
			poll_inline(s, out);
		unsigned slow = sl_slow_poll(s->slow) + sl_tele_poll() + sd_fpm_poll(s);
		/* sleep in the socket poll only when there is nothing to forward */
		int wait_ms = (slow > 0 || out != NULL) ? 0 : 1;
		if (s->ctl != NULL)
			sl_ctl_server_poll(s->ctl, wait_ms);
		else if (wait_ms)
			rte_delay_us_sleep(1000);
		uint64_t now = rte_get_tsc_cycles();
		if (now >= next_timers) {
			sl_slow_timers(s->slow);
			sd_fw_timers(s);
			sd_fpm_timers(s);
			next_timers = now + s->hz / 100;
		}
		if (s->stats_period > 0 && now >= next_stats) {
			sd_stats_print(s, (double)(now - last_stats) / (double)s->hz);
			last_stats = now;
			next_stats = now + s->stats_period * s->hz;
		}
	}
	if (out != NULL) {
		rte_rcu_qsbr_thread_unregister(s->fib->qsbr, s->workers[0].lcore_id);
		free(out);
	}
}

int main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	if (n < 0) {
		/* some EAL failures leave rte_errno at 0: the usual cause then */
		fprintf(stderr, "sluiced: cannot initialise DPDK (EAL): %s\n",
			rte_errno ? rte_strerror(rte_errno)
				  : "see the EAL messages above (is another process "
				    "using the same --file-prefix? are hugepages reserved?)");
		return 1;
	}
	argv[n] = argv[0];
	if (parse_args(argc - n, argv + n) < 0) {
		sd_eal_cleanup();
		return 2;
	}
	int rc = 1;
	/* No fastbins: a commit that frees 100,000 small blocks would otherwise
	 * leave them for one malloc_consolidate pass at the next large request,
	 * 50-100 ms of CPU in one stretch (no punt served); freed blocks now
	 * coalesce as they go, at no measurable cost per commit. */
	mallopt(M_MXFAST, 0);
	sd.hz = rte_get_tsc_hz();
	sd.fib_cfg.socket_id = (int)rte_socket_id();
	/* the FIB's copy of the neighbours, at half load so cuckoo inserts succeed */
	sd.fib_cfg.neigh_max = 2 * SL_SLOW_NEIGH_MAX;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* until the control loop runs, a reload has nothing to reload into */
	signal(SIGHUP, SIG_IGN);

	sd.router = sl_router_new();
	if (sd.router == NULL) {
		fprintf(stderr, "sluiced: out of memory\n");
		goto out;
	}
	sl_router_fib_log(sd.router, true);
	if (sd.config_path != NULL) {
		struct sl_errors errs = {0};
		int e = sl_router_load_file(sd.router, sd.config_path, &errs);
		if (e < 0) {
			if (errs.n > 0)
				print_errors(sd.config_path, &errs, "");
			else
				fprintf(stderr, "sluiced: cannot load %s: %s\n", sd.config_path,
					strerror(-e));
			sl_errors_free(&errs);
			goto out;
		}
		sl_errors_free(&errs);
		print_errors(sd.config_path, sl_router_warnings(sd.router), "warning: ");
	}

	sd.n_ports = rte_eth_dev_count_avail();
	if (sd.n_ports == 0) {
		fprintf(stderr, "sluiced: no ports: give NICs or vdevs, e.g. --vdev net_tap0\n");
		goto out;
	}
	if (sd.n_ports > SL_FIB_PORT_MAX) {
		fprintf(stderr, "sluiced: %u ports probed, at most %u are supported\n", sd.n_ports,
			SL_FIB_PORT_MAX);
		goto out;
	}
	sd.n_workers = rte_lcore_count() - 1;
	unsigned w = 0, lcore;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		sd.workers[w].lcore_id = lcore;
		sd.workers[w].txq = (uint16_t)w;
		w++;
	}
	if (sd.n_workers == 0) {
		sd.workers[0].lcore_id = rte_get_main_lcore();
		sd.workers[0].txq = 0;
	}
	sd.ctl_txq = (uint16_t)sd.n_workers;

	sd.fib = sl_fib_new(&sd.fib_cfg);
	if (sd.fib == NULL) {
		fprintf(stderr, "sluiced: cannot create the FIB: %s\n", strerror(errno));
		goto out;
	}
	sd.dp = sl_dp_new(sd.fib, 4096, (int)rte_socket_id());
	if (sd.dp == NULL) {
		fprintf(stderr, "sluiced: cannot create the datapath: %s\n", strerror(errno));
		goto out;
	}
	for (unsigned i = 0; i < (sd.n_workers ? sd.n_workers : 1); i++)
		sd.workers[i].dp = sd.dp;
	if (sd_ports_init(&sd) < 0)
		goto out;
	if (sd_slow_init(&sd) < 0) {
		fprintf(stderr, "sluiced: cannot create the neighbour table: out of memory\n");
		goto out_ports;
	}
	/* the loaded configuration fits whole, or sluiced does not start */
	char msg[256];
	if (sd_fib_reserve(&sd, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "sluiced: %s does not fit: %s; not starting half-loaded\n",
			sd.config_path ? sd.config_path : "the configuration", msg);
		rc = 1;
		goto out_ports;
	}
	sl_router_prepare_set(sd.router, sd_fib_prepare, &sd);
	int e;
	if ((e = sd_sync(&sd)) < 0) {
		struct sl_fib_stats fs;
		sl_fib_stats_get(sd.fib, &fs);
		fprintf(stderr,
			"sluiced: cannot install the configuration in the FIB: %s "
			"(VRF tables so far: %u, %zu MiB of DPDK memory; a new VRF takes %zu KiB, "
			"a VRF past %u groups %zu MiB)\n",
			strerror(-e), fs.vrfs, fs.bytes_total >> 20,
			sl_fib_vrf_bytes(&sd.fib_cfg) >> 10, SL_FIB_SMALL_GROUPS_MAX,
			sizeof(struct rte_lpm) >> 20);
		goto out_ports;
	}
	if ((e = sd_fw_init(&sd)) < 0) {
		fprintf(stderr, "sluiced: cannot set up the leak-point firewall: %s\n",
			strerror(-e));
		goto out_ports;
	}
	sl_conf_changes_release(sl_router_conf(sd.router)); /* its readers are done */
	sd_fpm_sync(&sd); /* a listener that cannot open says so in the log and show fpm */
	if (rte_pdump_init() < 0)
		SD_LOG(WARNING, "packet capture (dpdk-dumpcap) unavailable: %s",
			rte_strerror(rte_errno));
	sd.ctl = sl_ctl_server_open(sd.socket_path, SL_CTL_SOCKET_MODE);
	if (sd.ctl == NULL) {
		fprintf(stderr, "sluiced: cannot open the control socket %s: %s\n",
			sd.socket_path ? sd.socket_path : SL_CTL_SOCKET_DEFAULT, strerror(errno));
		goto out_ports;
	}
	sl_ctl_server_set_request_max(sd.ctl, sd.ctl_request_max);
	if (sd_cmds_register(&sd) < 0 || sd_fw_cmds_register(&sd) < 0 ||
		sd_fpm_cmds_register(&sd) < 0) {
		fprintf(stderr, "sluiced: cannot register the control commands\n");
		goto out_ports;
	}
	struct sl_tele_src tele = {
		.router = sd.router, .dp = sd.dp, .fib = sd.fib, .fw = sd.fw, .slow = sd.slow};
	if (sl_tele_init(&tele) < 0)
		SD_LOG(WARNING, "telemetry commands /sluice/... unavailable");
	assign_queues(&sd);
	for (unsigned i = 0; i < sd.n_workers; i++)
		rte_eal_remote_launch(sl_dp_worker_main, &sd.workers[i], sd.workers[i].lcore_id);
	struct sl_fib_stats fst;
	sl_fib_stats_get(sd.fib, &fst);
	printf("sluiced: ready: %u ports, %u workers, %u VRFs (%u small; tables %zu MiB, "
	       "largest %zu KiB), socket %s\n",
		sd.n_ports, sd.n_workers, fst.vrfs, fst.vrfs_small, fst.bytes_total >> 20,
		fst.bytes_per_vrf >> 10, sd.socket_path ? sd.socket_path : SL_CTL_SOCKET_DEFAULT);
	fflush(stdout);

	sl_progress_hook_set(sl_slow_progress, sd.slow);
	signal(SIGHUP, on_hangup);
	control_loop(&sd);
	sl_progress_hook_set(NULL, NULL);

	printf("sluiced: stopping (signal %d)\n", (int)stop_signal);
	sd.dp->stop = true;
	rte_eal_mp_wait_lcore();
	rc = 0;
out_ports:
	sl_tele_stop();
	sd_slow_fini(&sd); /* ping sessions end before the socket closes */
	if (sd.ctl != NULL)
		sl_ctl_server_close(sd.ctl);
	sd_ports_stop(&sd);
	rte_pdump_uninit();
out:
	sd_fpm_fini(&sd);
	sd_fw_fini(&sd);
	sl_dp_free(sd.dp);
	sl_fib_free(sd.fib);
	/* free what lives in hugepages so that their files go with it */
	rte_mempool_free(sd.pool);
	if (sd.router != NULL)
		sl_router_free(sd.router);
	sd_eal_cleanup();
	return rc;
}
