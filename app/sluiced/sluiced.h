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

extern int sluiced_logtype;
#define SD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, sluiced_logtype, "sluiced: " fmt "\n", ##__VA_ARGS__)

/* neighbours the slow path tracks: one gateway per tenant at 4,096 tenants,
 * with room for ECMP paths and hosts on connected subnets */
#define SD_NEIGH_MAX 16384
#define SD_HOLD_MAX 4 /* packets held per unresolved neighbour */
#define SD_HELD_MAX 4096 /* packets held for all of them together (mbufs) */
#define SD_PING_MAX 8 /* concurrent ping/traceroute sessions */

enum sd_neigh_state { SD_NB_FREE = 0, SD_NB_INCOMPLETE, SD_NB_REACHABLE, SD_NB_STALE };

struct sd_neigh {
	uint8_t state;
	uint8_t probes; /* requests sent without an answer */
	uint8_t n_hold;
	uint16_t oif;
	uint32_t ip;
	struct rte_ether_addr mac;
	uint64_t next_tsc; /* next probe (INCOMPLETE/STALE) or expiry (REACHABLE) */
	struct rte_mbuf *hold[SD_HOLD_MAX]; /* data at the IP header */
};

/* A neighbour write of the slow path made while the control thread was
 * inside a long commit (the sl_progress hook, sluiced_slow.c): the FIB has
 * one writer and that writer was mid-operation, so it is applied after. */
enum sd_neigh_op_kind { SD_NB_OP_FORGET = 0, SD_NB_OP_SET, SD_NB_OP_PENDING };
struct sd_neigh_op {
	uint32_t ip;
	uint16_t oif;
	uint8_t op; /* enum sd_neigh_op_kind */
	struct rte_ether_addr mac;
};
#define SD_DEFER_MAX 2048

struct sd_ping; /* sluiced_ping.c */

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
	bool fw_hooked; /* the datapath calls the firewall */
	uint32_t ct_max; /* --conntrack-max; 0: lib/fw's default */
	size_t ctl_request_max; /* --ctl-request-max in bytes; 0: lib/ctl's default */

	uint16_t n_ports;
	struct sd_port ports[SL_FIB_PORT_MAX];
	unsigned n_workers; /* 0: the main lcore polls too */
	struct sl_dp_worker workers[RTE_MAX_LCORE];
	uint16_t ctl_txq; /* the control thread's tx queue on every port */

	uint64_t hz;
	uint64_t unreach_tokens, unreach_last_tsc; /* ICMP unreachable rate limit */
	uint64_t slow_drops;

	struct sd_neigh neigh[SD_NEIGH_MAX];
	/* (oif, ip) → slot of neigh[] (rte_hash; the control thread alone uses
	 * it), free slots as a stack, and one past the highest slot ever used
	 * (the timer and show walks stop there) */
	struct rte_hash *neigh_ix;
	uint32_t neigh_free[SD_NEIGH_MAX];
	uint32_t n_neigh_free, neigh_hi;
	uint32_t n_held; /* packets in every hold queue */
	bool in_commit; /* in the sl_progress hook: neighbour writes are deferred */
	unsigned n_defer;
	struct sd_neigh_op defer[SD_DEFER_MAX];
	uint64_t commit_punts; /* punts served inside commits, ever */
	uint64_t poll_tsc, poll_cpu_ns; /* last punt-ring poll in a timed commit */
	uint64_t wait_max_tsc, wait_max_cpu_ns; /* longest stretch without one */
	struct sd_ping *pings[SD_PING_MAX];
	uint16_t ping_ident;
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

/* sluiced_slow.c: the punt path */
unsigned sd_slow_poll(struct sd *s);
/* sl_progress hook of the control thread: serve the punt ring in a long commit. */
void sd_slow_progress(void *arg);
/* The longest stretch a commit left the punt ring unpolled: wall and on-CPU
 * (the rest is the kernel running other threads on the control lcore). */
struct sd_punt_wait {
	double max_ms, max_cpu_ms;
};
void sd_punt_wait_start(struct sd *s);
void sd_punt_wait_end(struct sd *s, struct sd_punt_wait *out);
/* The neighbour index; 0 or -ENOMEM. */
int sd_neigh_init(struct sd *s);
void sd_neigh_fini(struct sd *s);
void sd_neigh_timers(struct sd *s);
void sd_neigh_flush_all(struct sd *s);
/* Route and send an IP packet (data at the IP header) from the router in vrf_id. */
int sd_ip_output(struct sd *s, struct rte_mbuf *m, uint32_t vrf_id);
/* First address of an interface (0: none) and of the egress towards dst in vrf_id. */
uint32_t sd_iface_addr(const struct sd *s, uint16_t oif);
int sd_route_src(struct sd *s, uint32_t vrf_id, uint32_t dst, uint32_t *src);
void sd_tx_ctl(struct sd *s, uint16_t port, struct rte_mbuf *m);
void sd_arp_show(struct sd *s, FILE *out, const char *vrf, bool json);
uint16_t sd_ip_cksum(const void *hdr, size_t len);

/* sluiced_ping.c: router-originated echo requests */
int sd_ping_start(struct sd *s, struct sl_ctl_request *req, uint32_t vrf_id, uint32_t dst,
	unsigned count, bool traceroute);
/* An ICMP message for the router (data at the IP header); true if consumed. */
bool sd_ping_input(struct sd *s, struct rte_mbuf *m);
void sd_ping_poll(struct sd *s);
void sd_ping_abort_all(struct sd *s);

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
/* SIGHUP: the config file becomes the running configuration, as one commit
 * (refused whole, with a log line, when it does not apply). */
int sd_reload(struct sd *s);
/* rte_eal_cleanup(), then remove this instance's hugepage files and runtime dir. */
void sd_eal_cleanup(void);

#endif
