/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced — the sluice router daemon.
 *   sluiced [EAL options] -- [--config FILE] [--socket PATH] [--stats-period SEC]
 *                            [--mbufs N] [--socket-group NAME] [--log-level LEVEL]
 *                            [--commit-dir DIR]
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

#include "sluiced.h"

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
		"                         [--mbufs N] [--conntrack-max N] [--punt-ring N]\n"
		"                         [--ctl-request-max MIB] [--socket-group NAME]\n"
		"                         [--log-level LEVEL]\n"
		"                         [--commit-dir DIR]\n"
		"  --config FILE       load FILE at start; `save` writes the running config there\n"
		"  --commit-dir DIR    the commit history (default FILE.commits; without\n"
		"                      --config: kept in memory only)\n"
		"  --socket PATH       control socket (default %s)\n"
		"  --socket-group NAME the socket's group (mode 0660; default sluice, when it\n"
		"                      exists)\n"
		"  --stats-period SEC  print per-port rates and drops every SEC seconds\n"
		"  --mbufs N           packet buffers in the pool (default: sized from the "
		"queues)\n"
		"  --conntrack-max N   flows tracked at leak points (default 65536)\n"
		"  --punt-ring N       slots of the main punt ring, a power of 2 in [64, 65536]\n"
		"                      (default 4096); BGP, OSPF and ARP have rings of their own\n"
		"  --ctl-request-max MIB  largest control-socket request (default 256); it\n"
		"                      guards memory: larger input is streamed in chunks\n"
		"  --log-level LEVEL   err, warning, notice, info (default) or debug; the\n"
		"                      configuration's `system syslog` level wins when set\n"
		"DPDK port N is interface ethN in the configuration (unless a hw-id pins it).\n",
		prog, SL_CTL_SOCKET_DEFAULT);
}

static int parse_u32(const char *opt, const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	if (sl_u32_parse(v, min, max, out) < 0) {
		SD_LOG(ERR, "%s: '%s' is not a number in [%u, %u]", opt, v, min, max);
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
		{"punt-ring", required_argument, NULL, 'P'},
		{"ctl-request-max", required_argument, NULL, 'q'},
		{"socket-group", required_argument, NULL, 'g'},
		{"log-level", required_argument, NULL, 'l'},
		{"commit-dir", required_argument, NULL, 'd'},
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
		case 'd':
			sd.commit_dir = optarg;
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
		case 'P':
			if (parse_u32("--punt-ring", optarg, 64, 65536, &v) < 0)
				return -EINVAL;
			if ((v & (v - 1)) != 0) {
				SD_LOG(ERR,
					"--punt-ring: %u is not a power of 2 (64, 128, ... 65536)",
					v);
				return -EINVAL;
			}
			sd.punt_ring = v;
			break;
		case 'q':
			if (parse_u32("--ctl-request-max", optarg, 1, 4096, &v) < 0)
				return -EINVAL;
			sd.ctl_request_max = (size_t)v << 20;
			break;
		case 'g':
			sd.socket_group = optarg;
			break;
		case 'l':
			if (sl_log_level_parse(optarg, &sd.log_level) < 0) {
				SD_LOG(ERR, "--log-level: '%s' is not one of %s", optarg,
					SL_LOG_LEVELS_VALID);
				return -EINVAL;
			}
			sl_log_level_set(sd.log_level);
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
		SD_LOG(ERR, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void control_loop(struct sd *s)
{
	uint64_t next_stats = rte_get_tsc_cycles() + s->stats_period * s->hz;
	uint64_t last_stats = rte_get_tsc_cycles();
	uint64_t next_timers = 0;
	while (!stop_signal) {
		if (reload_signal) {
			reload_signal = 0;
			sd_service_notify("RELOADING=1");
			sd_reload(s);
			sd_service_notify("READY=1");
		}
		/* sleep in the socket poll only when there is nothing to do */
		unsigned busy = sl_module_poll_all(&sl_modules, s);
		sl_ctl_server_poll(s->ctl, busy > 0 ? 0 : 1);
		uint64_t now = rte_get_tsc_cycles();
		if (now >= next_timers) {
			sl_module_timers_all(&sl_modules, s);
			next_timers = now + s->hz / 100;
		}
		if (s->stats_period > 0 && now >= next_stats) {
			sl_port_stats_print(
				s->n_ports, s->dp, (double)(now - last_stats) / (double)s->hz);
			last_stats = now;
			next_stats = now + s->stats_period * s->hz;
		}
	}
}

int main(int argc, char **argv)
{
	/* the journal under systemd, stderr elsewhere (lib/log) */
	sl_log_open("sluiced", SL_LOG_OUT_AUTO);
	sd.log_level = SL_LOG_INFO;
	sl_log_level_set(sd.log_level);
	int n = rte_eal_init(argc, argv);
	if (n < 0) {
		/* some EAL failures leave rte_errno at 0: the usual cause then */
		SD_LOG(ERR, "cannot initialise DPDK (EAL): %s",
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
	/* No fastbins: a commit that frees 100,000 small blocks would otherwise
	 * leave them for one malloc_consolidate pass at the next large request,
	 * 50-100 ms of CPU in one stretch (no punt served); freed blocks now
	 * coalesce as they go, at no measurable cost per commit. */
	mallopt(M_MXFAST, 0);
	sd.hz = rte_get_tsc_hz();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* until the control loop runs, a reload has nothing to reload into */
	signal(SIGHUP, SIG_IGN);

	/* the modules, in the order their dependencies give (sluiced.h) */
	char msg[256] = "";
	if (sl_module_init_all(&sl_modules, &sd, msg, sizeof(msg)) < 0) {
		/* an init that fails says why itself; an impossible order is said here */
		if (sl_modules.failed == NULL)
			SD_LOG(ERR, "start-up: %s", msg);
		sd_eal_cleanup();
		return 1;
	}
	char order[256] = "";
	for (size_t i = 0, l = 0; i < sl_modules.n_order && l < sizeof(order); i++)
		l += (size_t)snprintf(
			order + l, sizeof(order) - l, " %s", sl_modules.order[i]->name);
	SD_LOG(DEBUG, "modules started:%s", order);
	/* the start-up commit's readers (FIB, firewall) are done */
	sl_conf_changes_release(sl_router_conf(sd.router));
	struct sl_fib_stats fst;
	sl_fib_stats_get(sd.fib, &fst);
	SD_LOG(NOTICE,
		"ready: %u ports, %u workers, %u VRFs (%u small; tables %zu MiB, largest %zu "
		"KiB), socket %s",
		sd.n_ports, sd.n_workers, fst.vrfs, fst.vrfs_small, fst.bytes_total >> 20,
		fst.bytes_per_vrf >> 10, sd.socket_path ? sd.socket_path : SL_CTL_SOCKET_DEFAULT);

	sd_service_notify("READY=1");

	signal(SIGHUP, on_hangup);
	control_loop(&sd);
	sd_service_notify("STOPPING=1");
	SD_LOG(NOTICE, "stopping (signal %d)", (int)stop_signal);
	sl_module_fini_all(&sl_modules, &sd);
	sd_eal_cleanup();
	return 0;
}
