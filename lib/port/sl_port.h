/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_port.h — the router's ports (DPDK): each probed ethdev configured and
 * started, the mbuf pool and its size, the lcore layout (which lcore
 * forwards, which tx queue the control thread owns), the periodic stats
 * report, and the map from the configuration's ethN to DPDK ports by hw-id.
 *
 * The map and the pool's size are plain computations (no EAL needed, unit
 * tested): a port is known there by its MAC and device name as strings.
 */
#ifndef SL_PORT_H
#define SL_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "sl_dp.h"

#define SL_PORT_ETH_MAX 1024 /* eth0..eth1023 (conf_t_ethernet) */
#define SL_PORT_HW_ID 24 /* a MAC or a PCI address, with its NUL */
#define SL_PORT_RX_DESC 1024
#define SL_PORT_TX_DESC 1024

struct sl_port {
	bool tap; /* net_tap: as many rx as tx queues, link set up */
	uint16_t n_rxq, n_txq;
	struct rte_ether_addr mac;
	char name[64]; /* the device name (a PCI address for a PCI NIC) */
};

/* ---- the mbuf pool ---- */

/* Packet buffers for n_ports ports polled by nw workers (at least 1) on
 * n_lcores lcores: every rx and tx ring full, plus the punt ring, the hold
 * queues, the per-lcore caches and bursts in flight; n_mbufs when not 0
 * (--mbufs). */
unsigned sl_port_pool_size(unsigned n_mbufs, unsigned n_ports, unsigned nw, unsigned n_lcores);
/* The pool of n buffers, or NULL with the reason logged ("ports"). */
struct rte_mempool *sl_port_pool_create(unsigned n);

/* ---- ports and lcores ---- */

/* Configure port for nw workers (rx queues), nw + 1 tx queues (the last the
 * control thread's), rx buffers from pool; start it, promiscuous, link up
 * for a tap. Fills *out. 0 or a negative errno. */
int sl_port_start(uint16_t port, unsigned nw, struct rte_mempool *pool, struct sl_port *out);
/* Every worker lcore forwards, owning one tx queue on every port (workers[w]
 * its lcore and txq); the control thread owns the next queue (*ctl_txq).
 * With no worker lcore, workers[0] is the main lcore, which forwards too.
 * Returns the number of worker lcores. */
unsigned sl_port_lcores(struct sl_dp_worker *workers, uint16_t *ctl_txq);

/* testpmd-like report on stdout: per-port packets and rates over the last
 * seconds, then the datapath's forwards, punts and drops by reason. */
void sl_port_stats_print(uint16_t n_ports, const struct sl_dp *dp, double seconds);

/* ---- ethN → port ---- */

/* A port as the map knows it. */
struct sl_port_id {
	const char *mac; /* "02:00:00:00:00:01" */
	const char *name; /* "0000:3b:00.0", "net_tap0" */
};

struct sl_port_map {
	int16_t eth_port[SL_PORT_ETH_MAX]; /* the port of ethN; -1: none (inactive) */
	char hw_id[SL_PORT_ETH_MAX][SL_PORT_HW_ID]; /* the hw-id ethN started with */
	char warned[SL_PORT_ETH_MAX][SL_PORT_HW_ID]; /* a later change already said */
};

/* No ethN has a port. */
void sl_port_map_reset(struct sl_port_map *m);
/* The port whose MAC or device name is hw_id (either case), or -1. */
int sl_port_by_hw_id(const struct sl_port_id *ids, uint16_t n_ports, const char *hw_id);
/*
 * Pin eth (N of ethN) to the port hw_id names (the hw-id is remembered even
 * when it does not match). The port, or -ENOENT: no port has it, -EEXIST:
 * another ethN took that port already (*other: which), -EINVAL: eth out of
 * range or hw_id empty. Call for every pinned ethN, then sl_port_map_rest.
 */
int sl_port_map_pin(struct sl_port_map *m, uint32_t eth, const char *hw_id,
	const struct sl_port_id *ids, uint16_t n_ports, uint32_t *other);
/* Every ethN without a hw-id takes port N (N < n_ports) unless a pinned ethN
 * took it. */
void sl_port_map_rest(struct sl_port_map *m, uint16_t n_ports);
/*
 * The port of eth (-1: none), as mapped at start-up. hw_id is its hw-id now
 * ("" none): a hw-id is read at start-up only, so when it differs from the
 * one eth started with and was not said before, *changed is set (once per
 * new value) for the caller to say so.
 */
int sl_port_map_get(struct sl_port_map *m, uint32_t eth, const char *hw_id, bool *changed);

/* ---- ethN of the configuration → port (port_eths.c) ---- */

struct sl_router;
struct sl_iface_state;
struct sl_port_eths {
	struct sl_port_map map; /* fixed at start-up (sl_port_eths_map) */
	bool inactive_said[SL_PORT_ETH_MAX]; /* "interface inactive" logged once */
	char note[256]; /* the last hw-id change that waits for a restart ("" none) */
};
/* ethN → port from router's interfaces (start-up): a hw-id (MAC or PCI
 * address) picks its port, other ethN take port N unless a hw-id took it;
 * each pin or refusal logged. */
void sl_port_eths_map(struct sl_port_eths *e, const struct sl_router *router,
	const struct sl_port *ports, uint16_t n_ports);
/* The port of interface ifs and its MAC (*mac), or -1: inactive (logged once
 * per ethN); a hw-id changed since start-up is logged and left in e->note. */
int sl_port_eths_of(struct sl_port_eths *e, const struct sl_iface_state *ifs,
	const struct sl_port *ports, uint16_t n_ports, struct rte_ether_addr *mac);

#endif
