/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_tele.h — sluiced's /sluice/... commands on the DPDK telemetry socket
 * (`dpdk-telemetry.py -f FILE_PREFIX`), next to DPDK's own /ethdev/... ones:
 *
 *   /sluice/info                      version, uptime, lcores, ports and their VRFs
 *   /sluice/vrf/list[,OFFSET]         VRFs with route and packet counts
 *   /sluice/vrf/info,NAME             table, RD, RTs, routes by source, counters
 *   /sluice/route/list,VRF[,OFFSET]   a VRF's routes, SL_TELE_ROUTE_PAGE per reply
 *   /sluice/route/lookup,VRF,ADDR     what the RIB and the live FIB do for ADDR
 *   /sluice/leak/list[,OFFSET]        every leaked route: from, to, mechanism, policy
 *   /sluice/stats                     per-VRF and per-leak-direction packets, drops
 *   /sluice/firewall/stats            firewall verdicts, conntrack, ruleset per direction
 *
 * DPDK 22.11's telemetry cannot put objects in arrays, caps a dict at 256
 * entries and silently truncates a reply beyond 16 KiB: lists of records are
 * therefore objects keyed by position ("0", "1", ...) and paged, each page
 * saying total, offset, count and next_offset (absent on the last page).
 *
 * Telemetry callbacks run on DPDK's telemetry threads while the control thread
 * changes the RIB: every query is handed to the control thread, which answers
 * it from sl_tele_poll() between its other tasks (the querying thread waits up
 * to 2 s). Nothing is read concurrently with a commit.
 *
 * Counters are per-lcore (struct sl_dp_counters) and summed on read.
 */
#ifndef SL_TELE_H
#define SL_TELE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_commit.h"
#include "sl_dp.h"
#include "sl_fib.h"
#include "sl_prom.h"

struct sl_fw;
struct sl_zebra;

/* Page sizes: a reply stays under telemetry's 16 KiB with 63-character names. */
#define SL_TELE_ROUTE_PAGE 32 /* routes per /sluice/route/list reply (<= ~300 B each) */
#define SL_TELE_LEAK_PAGE 16 /* leaks per /sluice/leak/list reply (<= ~660 B each) */
#define SL_TELE_VRF_PAGE 48 /* VRFs per /sluice/vrf/list reply (<= ~220 B each) */
#define SL_TELE_STATS_MAX 32 /* VRFs and leak directions per /sluice/stats reply */

/* What the commands read; owned by the caller, alive until sl_tele_stop. */
struct sl_tele_src {
	struct sl_router *router;
	struct sl_dp *dp;
	struct sl_fib *fib;
	struct sl_fw *fw; /* NULL: /sluice/firewall/stats answers an error */
	struct sl_slow *slow; /* NULL: /sluice/stats has no "neighbours" */
	/* /sluice/info's "revision" (the running one of the commit history) and
	 * "fallback_revision" (non-zero: start-up ran that revision because the
	 * config file did not load); NULL: not given */
	const struct sl_history *history;
	const uint64_t *fallback_id;
	/* the FPM listener (lib/zebra) whose status the metrics show; NULL: the
	 * "disabled" state */
	const struct sl_zebra *fpm;
};

/*
 * The daemon's modules that read through struct sl_tele_src, wired once,
 * before sl_module_init_all:
 * - "tele" (tele_module.c): the /sluice/... commands (sl_tele_init), answered
 *   from its poll, stopped before the sources go;
 * - "log" (tele_log.c): `show log`, and once a second summaries of the
 *   counters (link changes of the ports, firewall denials with the rulesets
 *   that denied most, neighbours that did not answer ARP, FIB changes that
 *   failed), at most one line per kind per 10 s.
 */
struct sl_tele_wiring {
	void (*src)(void *ctx, struct sl_tele_src *out); /* the sources now */
	void *src_ctx;
	const uint16_t *n_ports; /* ports probed (their links) */
	const uint64_t *fib_failed; /* FIB changes that failed so far */
	const char *fib_failed_why; /* the last one's reason */
};
void sl_tele_wire(const struct sl_tele_wiring *w);

/* Register every /sluice/... command (once per process). 0 or a negative errno. */
int sl_tele_init(const struct sl_tele_src *src);

/* Control thread: answer the pending query, if any. Returns the number answered. */
unsigned sl_tele_poll(void);

/* Queries get an error from now on (before the sources are freed). Idempotent. */
void sl_tele_stop(void);

/* ---- counters summed over lcores (used by the commands; unit-tested) ---- */

struct sl_tele_leak_dir {
	uint32_t from, to; /* VRF ids */
	uint64_t packets; /* forwarded: in on a `from` interface, out on a `to` one */
};

#define SL_TELE_DIRS_MAX 1024

struct sl_tele_counts {
	struct sl_dp_vrf_count vrf[SL_VRF_MAX]; /* by VRF id (pad unused) */
	struct sl_tele_leak_dir dirs[SL_TELE_DIRS_MAX]; /* by (from, to) */
	size_t n_dirs;
	uint64_t leak_other; /* directions no lcore table (or dirs[]) had room for */
};

/* Sum n per-lcore counter blocks into *out (which is overwritten). */
void sl_tele_counts_sum(
	const struct sl_dp_counters *per_lcore, size_t n, struct sl_tele_counts *out);

/* Packets of one direction (0 if never seen). */
uint64_t sl_tele_leak_packets(const struct sl_tele_counts *c, uint32_t from, uint32_t to);

/* c -= base, counter by counter and direction by direction (what has been
 * counted since base was taken; workers only ever add). */
void sl_tele_counts_sub(struct sl_tele_counts *c, const struct sl_tele_counts *base);

/* `clear counters`: the per-VRF and per-direction counters of the queries
 * start again from zero (the workers' blocks are not touched: a snapshot is
 * taken and subtracted). Control thread; 0 or -ENOMEM. */
int sl_tele_clear(void);

/* The counters as the queries see them (since the last clear), for other
 * control-thread readers such as `show firewall leak-points`; malloc'd (free
 * it), NULL before sl_tele_init or without memory. */
struct sl_tele_counts *sl_tele_counts_now(void);

/*
 * Register on the control socket (lib/ctl) the show commands that need the
 * running router: `show leak graph` (lib/show's DOT graph with fw's enforced
 * rulesets and the packets per leak direction) and, with fw, `show firewall
 * [NAME | leak-points]`, `show conntrack [vrf NAME]` and `show nat
 * translations [vrf NAME]` (lib/show's, with fw's counters and flows). r
 * and fw (NULL: no firewall) stay valid while the socket is served. Also
 * the commands over sl_tele_init's sources, each registered from its file:
 * `show interfaces`, `show dataplane` and `clear counters` (the workers',
 * per-VRF, firewall, slow-path and port counters); before sl_tele_init they
 * fail saying so. Needs lib/show and lib/ctl linked (sluiced). 0 or
 * sl_ctl_register's error.
 */
int sl_tele_show_register(const struct sl_router *r, const struct sl_fw *fw);

/* `show interfaces` (text, or a JSON array) of src's FIB interface map:
 * state, link, MAC, VRF (src->router's names), addresses, the port's
 * counters; device(ctx, port) names a port's device ("net_tap0", a PCI
 * address). */
void sl_tele_show_interfaces(const struct sl_tele_src *src,
	const char *(*device)(void *ctx, uint16_t port), void *ctx, bool json, FILE *out);

/* `show dataplane` (text, or JSON with each VRF table's layout and bytes)
 * from src's dp, fib, router and slow (NULL: zeros); n_workers: forwarding
 * lcores (0: the main lcore forwards). */
void sl_tele_show_dataplane(
	const struct sl_tele_src *src, unsigned n_workers, bool json, FILE *out);

/* ---- the Prometheus snapshot (lib/prom) ---- */

/* A snapshot and the arrays it points into. */
struct sl_tele_prom {
	struct sl_prom_snap snap; /* the caller fills now, uptime, workers, ports, fpm */
	struct sl_prom_reason drops[SL_DP_DROP__COUNT], punts[SL_DP_PUNT__COUNT];
	struct sl_prom_reason rings[2 * SL_DP_PC__COUNT]; /* punted, then full */
	const char *sources[SL_SRC__COUNT];
	struct sl_prom_vrf *vrfs; /* malloc'd */
	size_t (*routes)[SL_SRC__COUNT]; /* malloc'd: each VRF's routes by source */
};

/* Control thread: the datapath, slow path (src->slow may be NULL), VRF,
 * leak (since the last clear; none before sl_tele_init), FIB, firewall
 * (src->fw may be NULL) and commit parts of p->snap, from src. What does
 * not fit in memory is left out. */
void sl_tele_prom_fill(const struct sl_tele_src *src, struct sl_tele_prom *p);
/* Free what sl_tele_prom_fill allocated (the caller's parts stay). */
void sl_tele_prom_free(struct sl_tele_prom *p);

#endif
