/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_zebra.h — the FPM listener: zebra (FRR, `-M dplane_fpm_nl`) connects
 * over TCP and streams the routes it selects; lib/fpm decodes them and
 * lib/commit installs them (sl_router_dyn_apply), a read's worth at a time,
 * then the caller's sync callback makes the FIB follow, as after a commit.
 *
 * One client at a time (zebra); a second is refused. The calling thread
 * never blocks on it: the sockets are non-blocking and a poll reads at most
 * 256 KiB. A bad frame header closes the connection (counted, logged once
 * per kind). On a (re)connect zebra replays its whole table: the routes held
 * before are marked stale and, once the stream has been quiet for 3 s, those
 * not replayed are withdrawn. Routes stay when zebra goes away (it comes
 * back and replays); `delete protocols fpm` withdraws them all.
 *
 * Only BGP and OSPF routes are taken (distance 20 and 110); paths without a
 * gateway, unknown next-hop objects and a full next-hop table are counted
 * as drops. Everything runs on one thread (sluiced's control thread).
 */
#ifndef SL_ZEBRA_H
#define SL_ZEBRA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_commit.h"
#include "sl_fpm.h"
#include "sl_log.h"

struct sl_zebra_config {
	struct sl_router *router;
	uint64_t hz; /* TSC ticks per second */
	int socket_id; /* of the next-hop object table (rte_hash) */
	/* after routes were applied: make the FIB follow (may be NULL) */
	int (*sync)(void *ctx);
	/* a log line ("fpm: ..."); level as rte_log's (may be NULL) */
	void (*log)(uint32_t level, const char *msg, void *ctx);
	void *ctx;
};

struct sl_zebra;

/* Disabled until sl_zebra_sync finds `protocols fpm`. NULL when out of memory. */
struct sl_zebra *sl_zebra_new(const struct sl_zebra_config *cfg);

/* Open, move or close the listener as the running configuration's
 * `protocols fpm` says (closing withdraws zebra's routes). A listener that
 * cannot open is logged and shown by sl_zebra_show. 0 or a negative errno. */
int sl_zebra_sync(struct sl_zebra *z);

/* Accept zebra, read what it sent (at most 256 KiB) and apply it. Non-zero
 * when it read something. */
unsigned sl_zebra_poll(struct sl_zebra *z);

/* The sweep of stale routes once a replay has gone quiet (every 10 ms or so). */
void sl_zebra_timers(struct sl_zebra *z);

/* `show fpm`: state, peer, counters, drops by reason, last error (text or JSON). */
void sl_zebra_show(const struct sl_zebra *z, bool json, FILE *out);

/* The listener as metrics read it (z NULL or never enabled: disabled, zeros). */
enum sl_zebra_state {
	SL_ZEBRA_DISABLED,
	SL_ZEBRA_NOT_LISTENING, /* configured, the listener could not open */
	SL_ZEBRA_LISTENING,
	SL_ZEBRA_CONNECTED,
};
struct sl_zebra_status {
	enum sl_zebra_state state;
	uint64_t connects, frames, bytes, routes_add, routes_del;
};
void sl_zebra_status_get(const struct sl_zebra *z, struct sl_zebra_status *out);

void sl_zebra_free(struct sl_zebra *z);

/*
 * The "fpm" module (zebra_module.c): the listener on the daemon's router,
 * following `protocols fpm` after each commit, its lines in lib/log, `show
 * fpm` on lib/ctl. The daemon wires it once, before sl_module_init_all, with
 * where its sources will be (made by the modules it needs: fib).
 */
struct sl_zebra_wiring {
	struct sl_router *const *router;
	const uint64_t *hz; /* TSC ticks a second */
	int (*sync)(void *ctx); /* after routes were applied: the FIB follows */
	void *sync_ctx;
	struct sl_zebra **zebra; /* where the module keeps its listener (metrics read it) */
};
void sl_zebra_module_wire(const struct sl_zebra_wiring *w);
/* The listener follows the running configuration (after a commit). */
int sl_zebra_module_sync(void);
/* lib/log's level for one of zebra.c's lines (rte_log's levels: syslog's + 1). */
enum sl_log_level sl_zebra_log_level(uint32_t rte_level);

#endif
