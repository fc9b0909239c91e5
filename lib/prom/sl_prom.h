/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_prom.h — sluiced's metrics in the Prometheus text exposition format
 * (version 0.0.4, which OpenMetrics scrapers read too), and the HTTP endpoint
 * that serves them (libmicrohttpd). Plain C, no DPDK.
 *
 * Threads. The snapshot (struct sl_prom_snap) is filled and rendered on the
 * control thread, the only one that may read the RIB, VRF names and the
 * configuration while it changes them; the workers' per-lcore counters are
 * read there racily (each 64-bit counter atomically), as `show` does. The
 * HTTP server runs on libmicrohttpd's own threads (one per connection, at
 * most SL_PROM_CONN_MAX), which never touch sluiced's state: a scrape raises
 * a flag, the control thread sees it at its next loop pass, renders, and
 * publishes the text; the scrape then serves that text. Only the control
 * thread and the HTTP threads take the server's mutex (to swap or copy the
 * text): no worker ever waits on a scrape, and a scrape never holds anything
 * a worker needs. A control thread busy for longer than SL_PROM_WAIT_MS (a
 * long commit) gets the previous text served instead (it says when it was
 * rendered: sluice_metrics_render_timestamp_seconds).
 */
#ifndef SL_PROM_H
#define SL_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the text format ---- */

enum sl_prom_type { SL_PROM_COUNTER, SL_PROM_GAUGE };

/* One writer per rendering: each family's # HELP and # TYPE come once,
 * before its samples; names and label values are checked and escaped. */
struct sl_prom_w {
	FILE *out;
	const char *family; /* the current family's name */
	int err; /* first error: -EINVAL (a bad name), sticky */
};

/* True when name matches [a-zA-Z_:][a-zA-Z0-9_:]* (a metric name). */
bool sl_prom_name_ok(const char *name);
/* True when name is a label name: [a-zA-Z_][a-zA-Z0-9_]*, not "__..." */
bool sl_prom_label_ok(const char *name);
/* v as a label value between quotes: \ " and newline escaped. */
void sl_prom_label_value(FILE *out, const char *v);

/* Start family name (a counter's name ends in _total). */
void sl_prom_family(
	struct sl_prom_w *w, const char *name, enum sl_prom_type type, const char *help);
/* A sample of the current family: n_labels pairs (name, value) in labels[]. */
void sl_prom_sample(struct sl_prom_w *w, const char *const *labels, size_t n_labels, double value);
/* The same for an integer counter (exact up to 2^64, no rounding). */
void sl_prom_sample_u64(
	struct sl_prom_w *w, const char *const *labels, size_t n_labels, uint64_t value);

/* ---- what sluiced exports: a snapshot, rendered ---- */

#define SL_PROM_NAME 64

struct sl_prom_port {
	char name[SL_PROM_NAME]; /* "eth0": DPDK port 0 */
	bool link_up;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_missed, rx_errors, tx_errors, rx_nombuf;
};

struct sl_prom_vrf {
	char name[SL_PROM_NAME];
	uint64_t rx_packets, forwarded, punted; /* datapath, by ingress VRF */
	const size_t *routes; /* n_sources counts: RIB candidates by source */
	bool fib; /* has a FIB table: */
	uint64_t fib_bytes, fib_prefixes;
	bool fib_small; /* the small layout, else rte_lpm's */
};

struct sl_prom_leak {
	char from[SL_PROM_NAME], to[SL_PROM_NAME];
	uint64_t packets;
};

struct sl_prom_rule {
	char ruleset[SL_PROM_NAME];
	uint32_t number; /* 0: the ruleset's default action */
	uint64_t packets, bytes;
};

/* A leak-nat direction: its pool and how many flows it translates now. */
struct sl_prom_nat_pool {
	char from[SL_PROM_NAME], to[SL_PROM_NAME], pool[SL_PROM_NAME];
	uint64_t pairs; /* (address, port) pairs of the pool */
	uint64_t flows;
};

struct sl_prom_reason {
	const char *name;
	uint64_t value;
};

struct sl_prom_snap {
	double now; /* the rendering's Unix time, in seconds */
	double uptime; /* seconds since sluiced started */
	unsigned workers;

	struct sl_prom_port *ports;
	size_t n_ports;

	/* datapath, summed over the lcores, since the last `clear counters` */
	uint64_t rx, tx, forwarded, leaked, work_cycles;
	const struct sl_prom_reason *drops, *punts;
	size_t n_drops, n_punts;
	/* by punt class (bgp, ospf, arp, other): handed to its ring, and
	 * dropped there full */
	const struct sl_prom_reason *punt_rings, *punt_rings_full;
	size_t n_punt_rings;
	uint64_t slow_drops; /* the punt path's own */

	struct sl_prom_vrf *vrfs;
	size_t n_vrfs;
	const char *const *sources; /* route source names, n_sources of them */
	size_t n_sources;

	struct sl_prom_leak *leaks; /* by (from, to) */
	size_t n_leaks;
	uint64_t leak_other; /* directions the counters had no room for */

	struct {
		uint64_t max_gap_ns, max_on_cpu_ns, gaps_over_1ms, on_cpu_over_1ms;
	} stalls;

	struct {
		uint32_t entries, incomplete, held;
		uint64_t refused, arp_limited, icmp_limited;
	} neigh;

	struct {
		uint32_t vrfs, vrfs_small, next_hops, next_hops_max, groups;
		uint64_t bytes, promotions;
	} fib;

	bool fw; /* the firewall is there: */
	struct {
		uint64_t checked, classified, accepted, dropped, rejected, unguarded;
		uint64_t ct_created, ct_hits, ct_related, ct_full, ct_expired;
		uint32_t ct_entries, ct_max, rulesets, rules;
		uint64_t build_ns;
	} fw_st;
	struct sl_prom_rule *rules;
	size_t n_rules;
	struct sl_prom_nat_st { /* source NAT at leak points (with fw) */
		uint64_t out, in, created, expired, flushed;
		uint64_t exhausted, full, no_flow, untranslatable, icmp_unmatched;
		uint32_t entries, max;
	} nat_st;
	struct sl_prom_nat_pool *nat_pools; /* by leak-nat direction */
	size_t n_nat_pools;

	struct {
		uint64_t ok, refused;
		double cpu_ms; /* all of them */
		double last_ms[4]; /* the last one's parse, validate, rib, commit */
	} commits;

	struct {
		const char *state; /* "disabled", "not_listening", "listening", "connected" */
		uint64_t connects, frames, bytes, routes_add, routes_del;
	} fpm;
};

/* Render snap as the exposition text. 0, or -EINVAL when a name would be
 * invalid (a bug: the text is still complete without it). */
int sl_prom_render(const struct sl_prom_snap *snap, FILE *out);

/* ---- the endpoint ---- */

#define SL_PROM_CONN_MAX 64 /* concurrent scrapes; more wait in the backlog */
#define SL_PROM_WAIT_MS 1000 /* a scrape waits this long for a fresh rendering */

struct sl_prom_server;

/* Listen on addr:port (host order) and serve GET /metrics. NULL with *err a
 * negative errno (-EADDRINUSE, -EADDRNOTAVAIL, ... from bind, or -ENOMEM). */
struct sl_prom_server *sl_prom_server_start(uint32_t addr, uint16_t port, int *err);
/* Stop serving: waiting scrapes are answered (503 when nothing was ever
 * rendered), the threads joined, the socket closed. NULL: nothing. */
void sl_prom_server_stop(struct sl_prom_server *s);

/* Control thread: true when a scrape waits for a fresh rendering. */
bool sl_prom_server_wanted(struct sl_prom_server *s);
/* Control thread: text (malloc'd, len bytes) becomes what scrapes get; the
 * server owns it from now on. */
void sl_prom_server_publish(struct sl_prom_server *s, char *text, size_t len);

struct sl_prom_server_stats {
	uint64_t scrapes; /* GET /metrics answered 200 */
	uint64_t stale; /* ... with the previous rendering (the control thread was busy) */
	uint64_t renders; /* texts published */
	uint64_t errors; /* other paths (404), methods (405), nothing to serve (503) */
};
void sl_prom_server_stats_get(struct sl_prom_server *s, struct sl_prom_server_stats *st);

/* ---- the endpoint the configuration asks for (logs through lib/log) ---- */

struct sl_prom_endpoint {
	struct sl_prom_server *srv; /* NULL: disabled or down */
	bool enabled; /* configured */
	uint32_t addr; /* host order */
	uint16_t port;
	char error[160]; /* why the configured endpoint is down */
	double last_render_ms; /* CPU time of the last rendering, snapshot included */
};

/* Control thread, after a commit: the endpoint as configured (on, addr,
 * port). Unchanged: nothing; changed: the old one stops, the new one starts;
 * one that cannot start is down with ep->error (logged). */
void sl_prom_endpoint_sync(struct sl_prom_endpoint *ep, bool on, uint32_t addr, uint16_t port);
/* Stop serving (joins the HTTP threads). */
void sl_prom_endpoint_stop(struct sl_prom_endpoint *ep);
/* Control thread: a scrape waits for a rendering (fill a snapshot, publish). */
bool sl_prom_endpoint_wanted(const struct sl_prom_endpoint *ep);
/* Render snap and hand it to the scrapes; last_render_ms counts from
 * started_ms (lib/types' sl_thread_cpu_ms, taken before filling it). */
void sl_prom_endpoint_publish(
	struct sl_prom_endpoint *ep, const struct sl_prom_snap *snap, double started_ms);
/* `show service monitoring`: "Prometheus endpoint: up|down|disabled (URL)",
 * the error, the scrape counts; or the same as a JSON object. */
void sl_prom_endpoint_show(const struct sl_prom_endpoint *ep, bool json, FILE *out);

#endif
