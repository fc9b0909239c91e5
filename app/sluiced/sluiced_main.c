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
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "sl_opts.h"
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

/* Options into sd (lib/opts says what is wrong); --help prints the usage. */
static int parse_args(int argc, char **argv)
{
	struct sl_opts o;
	char err[256];
	if (sl_opts_parse(&o, argc, argv, err, sizeof(err)) < 0) {
		SD_LOG(ERR, "%s", err);
		sl_opts_usage(stderr, argv[0], SL_CTL_SOCKET_DEFAULT);
		return -EINVAL;
	}
	if (o.help) {
		sl_opts_usage(stdout, argv[0], SL_CTL_SOCKET_DEFAULT);
		exit(0);
	}
	sd.config_path = o.config_path, sd.commit_dir = o.commit_dir;
	sd.socket_path = o.socket_path, sd.socket_group = o.socket_group;
	sd.stats_period = o.stats_period, sd.n_mbufs = o.n_mbufs;
	sd.ct_max = o.ct_max, sd.punt_ring = o.punt_ring, sd.ctl_request_max = o.ctl_request_max;
	sd.log_level = o.log_level;
	sl_log_level_set(sd.log_level);
	return 0;
}

/* The control thread shares its CPU with whatever else the kernel runs there.
 * Waking from its 1 ms socket poll, it used to wait for the running task's
 * slice to end, i.e. for the next scheduler tick (2.5-7.6 ms stalls at 250
 * Hz, no CPU used: punts dropped at the full ring). A short requested slice
 * lets it preempt on wake-up (EEVDF, Linux >= 6.12; older kernels ignore
 * the field). Same weight, so no more CPU than before. */
#define SD_CONTROL_SLICE_NS 100000 /* the kernel's shortest: 0.1 ms */

static void control_thread_slice(void)
{
	/* sched_setattr(2)'s struct, version 1 (glibc has no wrapper; the
	 * uapi header clashes with <sched.h>'s struct sched_param) */
	struct {
		uint32_t size, sched_policy;
		uint64_t sched_flags;
		int32_t sched_nice;
		uint32_t sched_priority;
		uint64_t sched_runtime, sched_deadline, sched_period;
		uint32_t sched_util_min, sched_util_max;
	} a;
	/* SLUICED_CONTROL_SLICE=0: the kernel's default slice, for A/B runs
	 * (a small quiet one leaned against the short slice: issue #10) */
	const char *env = getenv("SLUICED_CONTROL_SLICE");
	if (env != NULL && strcmp(env, "0") == 0)
		return;
	/* only the slice changes: policy and nice stay as started (chrt, nice) */
	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0 || a.sched_policy != SCHED_OTHER)
		return;
	a.size = sizeof(a);
	a.sched_runtime = SD_CONTROL_SLICE_NS;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		SD_LOG(DEBUG, "control thread keeps the default time slice: %s", strerror(errno));
}

static void control_loop(struct sd *s)
{
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
	control_thread_slice();
	control_loop(&sd);
	sd_service_notify("STOPPING=1");
	SD_LOG(NOTICE, "stopping (signal %d)", (int)stop_signal);
	sl_module_fini_all(&sl_modules, &sd);
	sd_eal_cleanup();
	return 0;
}
