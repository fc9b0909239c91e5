/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced.h — the daemon's private state, shared by its files (one concern each). */
#ifndef SLUICED_H
#define SLUICED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "sl_commit.h"
#include "sl_conf.h"
#include "sl_ctl.h"
#include "sl_dp.h"
#include "sl_fib.h"
#include "sl_log.h"
#include "sl_module.h"
#include "sl_port.h"
#include "sl_slow.h"

/* The daemon's own lines (lib/log: journal or stderr as "sluiced: ...", and
 * the ring `show log` reads); a part with a name logs with sl_log(level,
 * "firewall", ...). */
#define SD_LOG(level, fmt, ...) sl_log(SL_LOG_##level, NULL, fmt, ##__VA_ARGS__)

struct sd {
	/* options */
	const char *config_path;
	const char *commit_dir; /* --commit-dir; NULL: <config>.commits (none: in memory) */
	const char *socket_path;
	const char *socket_group; /* --socket-group; NULL: "sluice" when it exists */
	unsigned stats_period;
	unsigned n_mbufs; /* 0: sized from the queues */
	enum sl_log_level log_level; /* --log-level (the configuration's wins) */

	struct sl_router *router; /* run.router */
	struct sl_fib *fib;
	struct sl_dp *dp;
	struct rte_mempool *pool;
	struct sl_ctl_server *ctl;
	struct sl_fw *fw; /* lib/fw's "fw" module */
	struct sl_zebra *fpm; /* the FPM listener (lib/zebra's "fpm" module) */
	uint32_t ct_max; /* --conntrack-max; 0: lib/fw's default */
	uint32_t punt_ring; /* --punt-ring; 0: 4096 */
	size_t ctl_request_max; /* --ctl-request-max in bytes; 0: lib/ctl's default */

	uint16_t n_ports;
	struct sl_port ports[SL_FIB_PORT_MAX];
	/* ethN → DPDK port, fixed at start-up from the hw-ids (lib/port) */
	struct sl_port_eths eths;
	uint64_t commit_punts; /* lib/slow's commit_punts when this commit began */
	unsigned n_workers; /* 0: the main lcore polls too */
	struct sl_dp_worker workers[RTE_MAX_LCORE];
	uint16_t ctl_txq; /* the control thread's tx queue on every port */

	struct sl_dp_inline *inline_dp; /* no worker lcore: the main lcore forwards */

	uint64_t hz;
	struct sl_slow *slow; /* neighbours, ARP, ICMP, ping: lib/slow */
	uint64_t fib_failed; /* FIB changes that failed (lib/fib's module); lib/tele says so */
	char fib_failed_why[64];

	/* the router (run.router), its commit history, commit-confirm (lib/commit) */
	struct sl_running run;
};

extern struct sd sd;

/*
 * Start-up is declared (lib/module): each file below registers the module it
 * implements, with the modules it needs (pdump and prom register from
 * lib/port and lib/tele, which need nothing of struct sd; fib, fw, fpm,
 * slow, tele and cpif from their libraries, wired in sluiced_wire.c); main starts them
 * in that order and stops them in reverse. The modules, and what each needs:
 *   config   the router and --config FILE                    (none)
 *   ports    lcores, mbuf pool, every probed ethdev started  (none)
 *   fib      the FIB, the start-up configuration in it       config ports
 *   dp       the datapath (lib/dp): punt ring, counters      fib ports
 *   fw       the leak-point firewall (lib/fw)                fib dp
 *   fpm      the FPM listener for FRR's routes               fib
 *   ctl      the control socket and its commands             fw fpm
 *   pdump    packet capture (dpdk-dumpcap)                   ports
 *   slow     the punt path (lib/slow), ping and show arp     dp ctl
 *   tele     the /sluice/... telemetry commands (lib/tele)   config dp fib fpm fw slow
 *   workers  forwarding lcores, or the main lcore inline     dp ports fw slow
 *   log      show log, the level, summaries of counters      ctl slow
 *   prom     the Prometheus endpoint (lib/tele, lib/prom)    config dp fib fw fpm slow tele
 *   service  the control socket's group (systemd's unit)     ctl
 *   cpif     control-plane interfaces, kernel TAPs (lib/cpif) fib slow ctl
 */

/* sluiced_sync.c: the log level the configuration (or --log-level) asks for */
void sd_log_sync(struct sd *s);

/* sluiced_cmds.c */
/* SIGHUP: the config file becomes the running configuration, as one commit
 * (lib/commit's sl_running_reload). */
int sd_reload(struct sd *s);
/* sluiced_service.c: systemd's notify protocol (READY=1, RELOADING=1,
 * STOPPING=1); nothing without $NOTIFY_SOCKET. */
void sd_service_notify(const char *state);
/* sluiced_wire.c: what lib/tele reads (the telemetry commands, the
 * Prometheus snapshot) */
struct sl_tele_src;
void sd_tele_src(struct sd *s, struct sl_tele_src *src);

/* sluiced_tidy.c: rte_eal_cleanup(), then remove this instance's hugepage
 * files and runtime dir. */
void sd_eal_cleanup(void);

#endif
