/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced.h — the daemon's private state, shared by its files (one concern each). */
#ifndef SLUICED_H
#define SLUICED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "sl_commit.h"
#include "sl_conf.h"
#include "sl_ctl.h"
#include "sl_dp.h"
#include "sl_fib.h"
#include "sl_slow.h"

extern int sluiced_logtype;
#define SD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, sluiced_logtype, "sluiced: " fmt "\n", ##__VA_ARGS__)

struct sd_port {
	bool tap;
	uint16_t n_rxq, n_txq;
	struct rte_ether_addr mac;
	char name[64];
};

struct sd {
	/* options */
	const char *config_path;
	const char *socket_path;
	unsigned stats_period;
	unsigned n_mbufs; /* 0: sized from the queues */
	struct sl_fib_config fib_cfg;

	struct sl_router *router;
	struct sl_fib *fib;
	struct sl_dp *dp;
	struct rte_mempool *pool;
	struct sl_ctl_server *ctl;
	struct sl_fw *fw; /* sluiced_fw.c */
	struct sd_fpm *fpm; /* sluiced_fpm.c; NULL until `protocols fpm` is configured */
	bool fw_hooked; /* the datapath calls the firewall */
	uint32_t ct_max; /* --conntrack-max; 0: lib/fw's default */
	size_t ctl_request_max; /* --ctl-request-max in bytes; 0: lib/ctl's default */

	uint16_t n_ports;
	struct sd_port ports[SL_FIB_PORT_MAX];
	unsigned n_workers; /* 0: the main lcore polls too */
	struct sl_dp_worker workers[RTE_MAX_LCORE];
	uint16_t ctl_txq; /* the control thread's tx queue on every port */

	uint64_t hz;
	struct sl_slow *slow; /* neighbours, ARP, ICMP, ping: lib/slow */
};

extern struct sd sd;

/* sluiced_ports.c */
int sd_ports_init(struct sd *s); /* configure and start every probed port */
void sd_ports_stop(struct sd *s);
void sd_stats_print(struct sd *s, double seconds);

/* sluiced_sync.c: running configuration → FIB */
int sd_sync(struct sd *s);
/* Reserve in the FIB what the pending RIB changes need (sl_fib_reserve);
 * on failure msg says which VRF could not grow and why. 0 or -errno. */
int sd_fib_reserve(struct sd *s, char *msg, size_t msg_len);
/* sl_router_prepare_fn: a commit the FIB cannot hold is refused whole. */
int sd_fib_prepare(
	const struct sl_fib_change *changes, size_t n, char *msg, size_t msg_len, void *ctx);

/* sluiced_slow.c: lib/slow wired to the ports and the RIB's VRF names */
int sd_slow_init(struct sd *s); /* 0 or -ENOMEM */
void sd_slow_fini(struct sd *s);
/* Route and send an IP packet (data at the IP header) from the router in vrf_id. */
static inline int sd_ip_output(struct sd *s, struct rte_mbuf *m, uint32_t vrf_id)
{
	return sl_slow_ip_output(s->slow, m, vrf_id);
}

/* sluiced_fw.c: firewall at leak points */
struct sl_fw;
int sd_fw_init(struct sd *s);
void sd_fw_fini(struct sd *s);
/* Rebuild and publish after a commit that touched rulesets, bindings or VRFs (or force). */
int sd_fw_sync(struct sd *s, bool force);
void sd_fw_timers(struct sd *s); /* conntrack sweeper */
/* TCP RST answering a rejected segment (data at its IP header), routed in vrf_id. */
void sd_fw_tcp_reset(struct sd *s, const void *ip, size_t len, uint32_t vrf_id);
int sd_fw_cmds_register(struct sd *s);

/* sluiced_cmds.c */
int sd_cmds_register(struct sd *s);

/* sluiced_fpm.c: routes from FRR's zebra over FPM */
struct sd_fpm;
int sd_fpm_sync(struct sd *s); /* listener as `protocols fpm` says */
unsigned sd_fpm_poll(struct sd *s); /* non-zero when it read something */
void sd_fpm_timers(struct sd *s); /* the sweep after a replay */
void sd_fpm_fini(struct sd *s);
int sd_fpm_cmds_register(struct sd *s);
/* SIGHUP: the config file becomes the running configuration, as one commit
 * (refused whole, with a log line, when it does not apply). */
int sd_reload(struct sd *s);
/* rte_eal_cleanup(), then remove this instance's hugepage files and runtime dir. */
void sd_eal_cleanup(void);

#endif
