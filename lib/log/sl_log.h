/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_log.h — the daemon's log (plain C, no DPDK): one line per event, with a
 * level (syslog's priorities) and a subsystem ("commit", "firewall", "ports"
 * ...). A line goes to the systemd journal when stderr is the journal (the
 * service), to stderr otherwise ("sluiced: SUBSYSTEM: message"), and into an
 * in-memory ring of the last SL_LOG_RING_DEFAULT lines for `show log`.
 *
 * Threads: sl_log takes a mutex, so it is safe from any control-plane
 * thread; forwarding workers never call it (they count, and the control
 * thread turns counts into summaries with struct sl_log_rate).
 */
#ifndef SL_LOG_H
#define SL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_types.h" /* SL_NAME_MAX */

/* syslog(3)'s priority values, so PRIORITY= in the journal is the level */
enum sl_log_level {
	SL_LOG_ERR = 3,
	SL_LOG_WARNING = 4,
	SL_LOG_NOTICE = 5,
	SL_LOG_INFO = 6,
	SL_LOG_DEBUG = 7,
};

#define SL_LOG_RING_DEFAULT 1000 /* lines `show log` can go back */
#define SL_LOG_MSG_MAX 480 /* bytes of a line kept in the ring (longer: cut, "...") */
#define SL_LOG_SUBSYS_MAX 16

/* The name ("err", "warning", "notice", "info", "debug"). */
const char *sl_log_level_name(enum sl_log_level l);
/*
 * A level from its name. Accepts sluice's five names and syslog's/VyOS's
 * others: emerg, alert, crit → err; warn → warning; all → debug. 0 or -EINVAL.
 */
int sl_log_level_parse(const char *s, enum sl_log_level *out);
#define SL_LOG_LEVELS_VALID "err, warning, notice, info, debug (or emerg, alert, crit, all)"

/* ---- the process's log ---------------------------------------------------- */

/* Where lines go besides the ring. */
enum sl_log_output {
	SL_LOG_OUT_AUTO, /* the journal when stderr is it (JOURNAL_STREAM), else stderr */
	SL_LOG_OUT_STDERR,
	SL_LOG_OUT_JOURNAL, /* sd_journal_send (stderr when built without libsystemd) */
	SL_LOG_OUT_NONE, /* the ring only (tests) */
};

/* Prefix of stderr lines ("sluiced"); output as above. Resolves AUTO now. */
void sl_log_open(const char *ident, enum sl_log_output out);
/* The output in use (AUTO resolved). */
enum sl_log_output sl_log_output_get(void);

/* Lines above this level (less severe) are neither written nor kept. */
void sl_log_level_set(enum sl_log_level l);
enum sl_log_level sl_log_level_get(void);
/* Would a line at l be logged? (to skip building an expensive message) */
bool sl_log_enabled(enum sl_log_level l);

/* Log one line (may hold newlines). subsys NULL or "": the daemon itself. */
void sl_log(enum sl_log_level l, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sl_vlog(enum sl_log_level l, const char *subsys, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* ---- the ring --------------------------------------------------------------- */

struct sl_log_entry {
	uint64_t seq; /* 1, 2, ... in logging order */
	int64_t time_ns; /* CLOCK_REALTIME */
	enum sl_log_level level;
	char subsys[SL_LOG_SUBSYS_MAX];
	char msg[SL_LOG_MSG_MAX];
};

struct sl_log_ring;

/* A ring of cap lines (cap >= 1), NULL when out of memory. */
struct sl_log_ring *sl_log_ring_new(size_t cap);
void sl_log_ring_free(struct sl_log_ring *r);
/* Add a line; the oldest goes when full. Returns the line's seq. */
uint64_t sl_log_ring_push(struct sl_log_ring *r, int64_t time_ns, enum sl_log_level l,
	const char *subsys, const char *msg);
/* Lines held now (at most cap). */
size_t sl_log_ring_count(const struct sl_log_ring *r);
/* Lines ever pushed (the newest's seq). */
uint64_t sl_log_ring_total(const struct sl_log_ring *r);
/*
 * The newest `count` lines at level `max` or more severe, oldest first:
 * visit(entry, ctx) for each. Returns how many were visited.
 */
size_t sl_log_ring_read(const struct sl_log_ring *r, size_t count, enum sl_log_level max,
	void (*visit)(const struct sl_log_entry *e, void *ctx), void *ctx);

/* sl_log_ring_read on the process's ring (sl_log's), under the log's lock. */
size_t sl_log_read(size_t count, enum sl_log_level max,
	void (*visit)(const struct sl_log_entry *e, void *ctx), void *ctx);

/*
 * `show log [count N] [level LEVEL]` (argv: the words after "log"): the
 * newest N lines (default and most: the ring's) at LEVEL or more severe,
 * oldest first, as text or a JSON array. 0, -EINVAL (what was wrong and
 * what is valid, on err), -ENOMEM.
 */
int sl_log_show(int argc, char **argv, bool json, FILE *out, FILE *err);

/* The level follows the configuration (`system syslog ... level L`:
 * conf_level a syslog priority, below err taken as err), or fallback
 * (--log-level) when it sets none (conf_level < 0). A change is logged (at
 * notice, shown when either level shows it). */
void sl_log_level_follow(int conf_level, enum sl_log_level fallback);

/* ---- summaries of counters ---------------------------------------------------- */

/*
 * One kind of event counted elsewhere (firewall denials, failed neighbour
 * resolutions, link changes of one port), summarised at most once per
 * period and only when its counter moved. Zero-initialised = no report yet;
 * the first sl_log_rate_check takes the counter as its base.
 */
struct sl_log_rate {
	uint64_t reported; /* the counter at the last report (or the base) */
	uint64_t since_ns; /* the delta to report counted from this time */
	uint64_t last_ns; /* the last report; 0: none */
	bool primed;
};

/*
 * Called from a periodic tick with the counter's value now. True when a line
 * is due: the counter moved since the last report and the last report is at
 * least period_ns old; *delta is the increase and *span_ns how far back it
 * may go (from the last report, or from the last tick that saw the counter
 * still). A counter that went down (cleared) counts from 0.
 */
bool sl_log_rate_check(struct sl_log_rate *r, uint64_t value, uint64_t now_ns, uint64_t period_ns,
	uint64_t *delta, uint64_t *span_ns);

/*
 * Named counters read at a summary (packets denied per ruleset): which grew
 * most since the summary before. Fill one with sl_log_tally_add (cleared:
 * n = 0), compare it with the last one's, then keep it as the last one.
 */

struct sl_log_tally_entry {
	char name[SL_NAME_MAX];
	uint64_t count;
};
struct sl_log_tally {
	struct sl_log_tally_entry *v;
	size_t n, cap;
};
/* Add name's count now (out of memory: left out, the line names fewer). */
void sl_log_tally_add(struct sl_log_tally *t, const char *name, uint64_t count);
/*
 * At most k entries of cur that grew since prev (a name prev lacks counts
 * from 0, and so does a count that went down: cleared), largest growth
 * first (ties: the first added): their indexes in idx[], growths in
 * delta[]. Returns how many.
 */
size_t sl_log_tally_top(const struct sl_log_tally *cur, const struct sl_log_tally *prev, size_t k,
	size_t *idx, uint64_t *delta);
void sl_log_tally_free(struct sl_log_tally *t);

/* n with thousands separators ("1,234,567") into buf (>= 27 bytes); buf. */
const char *sl_log_count_fmt(uint64_t n, char *buf, size_t len);

/* ---- summary lines ------------------------------------------------------------ */

/*
 * The text of the summaries lib/tele's "log" module says from counters
 * (plain C, so that every line can be checked without a datapath). Each
 * fills a line: its level, subsystem and message, cut at SL_LOG_MSG_MAX - 1
 * bytes and then ending in "..." (as the ring cuts). span_ns: how far back
 * the count may go (shown in whole seconds, at least 1).
 */
struct sl_log_line {
	enum sl_log_level level;
	const char *subsys;
	char msg[SL_LOG_MSG_MAX];
};

/* rulesets named in a denial line */
#define SL_LOG_DENIED_TOP 3

/* "eth0: link up" at notice when it changed once, else at warning
 * "eth0: link down (3 changes in the last 10 s)" (ports). */
void sl_log_line_link(
	struct sl_log_line *l, const char *port, bool up, uint64_t changes, uint64_t span_ns);
/*
 * "1,200 packets denied at leak points in the last 10 s; 1,000 by RS
 * (CUSTOMER-A→SHARED), 200 by RS2" (firewall, notice): the total, then the
 * SL_LOG_DENIED_TOP rulesets whose counts (cur) grew most since the last
 * line's (prev, as sl_log_tally_top), each with the leak directions spec
 * binds it to (spec NULL, or a ruleset without bindings: no directions; a
 * binding naming a ruleset spec does not hold is skipped).
 */
void sl_log_line_denied(struct sl_log_line *l, uint64_t denied, uint64_t span_ns,
	const struct sl_log_tally *cur, const struct sl_log_tally *prev,
	const struct sl_fw_spec *spec);
/* "5 changes refused in the last 10 s (last: WHY)" (fib, err); why NULL or
 * "": "unknown". */
void sl_log_line_fib_refused(
	struct sl_log_line *l, uint64_t refused, uint64_t span_ns, const char *why);
/* "eth1: 12 next hops did not answer ARP in the last 10 s" (neighbour, warning) */
void sl_log_line_unresolved(
	struct sl_log_line *l, const char *iface, uint64_t unresolved, uint64_t span_ns);

#endif
