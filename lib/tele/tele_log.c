/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tele_log.c — the "log" module: `show log` (lib/log's) and summaries of
 * what the workers and the slow path count: link changes, firewall denials,
 * neighbours that never resolved, FIB changes that failed. Workers never log;
 * once a second the control thread compares the counters (read through the
 * same struct sl_tele_src as telemetry) with what it last said, and says at
 * most one line per kind (per port, per interface) per SUMMARY_PERIOD, only
 * when the counter moved (the lines' text: lib/log's sl_log_line_*). The
 * level the configuration sets is the daemon's (it follows each commit).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>

#include "sl_ctl.h"
#include "sl_fw.h"
#include "sl_log.h"
#include "sl_module.h"
#include "sl_slow.h"
#include "sl_tele.h"
#include "tele_priv.h"

#define SUMMARY_PERIOD_NS (10 * 1000000000ull)
#define TICK_NS 1000000000ull

static struct {
	uint64_t next_tick_ns;
	struct sl_log_rate fw_denied, fib_failed;
	struct sl_log_rate link[SL_FIB_PORT_MAX];
	uint64_t link_changes[SL_FIB_PORT_MAX];
	uint8_t link_up[SL_FIB_PORT_MAX];
	struct sl_log_rate unresolved[SL_FIB_IFACE_MAX];
	/* packets denied per ruleset (lib/fw's rule counters), at the last line */
	struct sl_log_tally fw_prev, fw_cur;
} lg;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The name of port p's untagged interface ("eth0"), or "port P". */
static const char *port_name(const struct sl_tele_src *s, uint16_t p, char *buf, size_t len)
{
	const struct sl_fib_ifmap *m = s->fib ? sl_fib_ifmap(s->fib) : NULL;
	uint16_t oif1 = m ? m->vif[p][0] : 0;
	if (oif1 != 0 && m->ifs[oif1 - 1].present)
		snprintf(buf, len, "%s", m->ifs[oif1 - 1].name);
	else
		snprintf(buf, len, "port %u", p);
	return buf;
}

/* Say a summary line built by lib/log (sl_log_line_*). */
static void say(const struct sl_log_line *l)
{
	sl_log(l->level, l->subsys, "%s", l->msg);
}

static void summary_links(const struct sl_tele_src *s, uint64_t now)
{
	for (uint16_t p = 0; p < *sl_tele_wiring.n_ports && p < SL_FIB_PORT_MAX; p++) {
		struct rte_eth_link link = {0};
		if (rte_eth_link_get_nowait(p, &link) == 0 && link.link_status != lg.link_up[p]) {
			lg.link_up[p] = link.link_status;
			lg.link_changes[p]++;
		}
		uint64_t d, span;
		if (!sl_log_rate_check(
			    &lg.link[p], lg.link_changes[p], now, SUMMARY_PERIOD_NS, &d, &span))
			continue;
		char name[SL_NAME_MAX + 8];
		struct sl_log_line l;
		sl_log_line_link(&l, port_name(s, p, name, sizeof(name)), lg.link_up[p], d, span);
		say(&l);
	}
}

static void rs_collect(const char *ruleset, uint64_t packets, void *ctx)
{
	sl_log_tally_add(ctx, ruleset, packets);
}

/* The denial line: the rulesets that denied the most since the last line,
 * with the leak directions they guard. */
static void fw_denied_line(const struct sl_tele_src *s, uint64_t d, uint64_t span)
{
	lg.fw_cur.n = 0;
	sl_fw_denied_foreach(s->fw, rs_collect, &lg.fw_cur);
	struct sl_fw_spec *spec = NULL;
	struct sl_errors warn = {0}; /* said when the rulesets were built */
	sl_router_fw_spec(s->router, &spec, &warn);
	sl_errors_free(&warn);
	struct sl_log_line l;
	sl_log_line_denied(&l, d, span, &lg.fw_cur, &lg.fw_prev, spec);
	sl_fw_spec_free(spec);
	say(&l);
	/* the next line counts from here */
	struct sl_log_tally t = lg.fw_prev;
	lg.fw_prev = lg.fw_cur;
	lg.fw_cur = t;
}

static void summary_counters(const struct sl_tele_src *s, uint64_t now)
{
	uint64_t d, span;
	struct sl_log_line l;
	if (s->fw != NULL) {
		struct sl_fw_stats fs;
		sl_fw_stats_get(s->fw, &fs);
		if (!lg.fw_denied.primed) {
			/* the firewall counts from zero, and so do the total and the
			 * per-ruleset parts: a denial before the first tick is news
			 * too (else the lines never add up to the firewall's count) */
			lg.fw_prev.n = 0;
			lg.fw_denied = (struct sl_log_rate){.primed = true, .since_ns = now};
		}
		if (sl_log_rate_check(&lg.fw_denied, fs.dropped + fs.rejected, now,
			    SUMMARY_PERIOD_NS, &d, &span))
			fw_denied_line(s, d, span);
	}
	if (sl_log_rate_check(&lg.fib_failed, *sl_tele_wiring.fib_failed, now, SUMMARY_PERIOD_NS,
		    &d, &span)) {
		sl_log_line_fib_refused(&l, d, span, sl_tele_wiring.fib_failed_why);
		say(&l);
	}
	const struct sl_fib_ifmap *m = s->fib ? sl_fib_ifmap(s->fib) : NULL;
	for (uint16_t oif = 0; m != NULL && s->slow != NULL && oif < m->n_ifs; oif++) {
		struct sl_slow_stats st;
		if (!m->ifs[oif].present || sl_slow_if_stats_get(s->slow, oif, &st) < 0)
			continue;
		if (sl_log_rate_check(&lg.unresolved[oif], st.unresolved, now, SUMMARY_PERIOD_NS,
			    &d, &span)) {
			sl_log_line_unresolved(&l, m->ifs[oif].name, d, span);
			say(&l);
		}
	}
}

static void log_timers(void *ctx)
{
	(void)ctx;
	uint64_t now = now_ns();
	if (now < lg.next_tick_ns)
		return;
	lg.next_tick_ns = now + TICK_NS;
	struct sl_tele_src s;
	sl_tele_wiring.src(sl_tele_wiring.src_ctx, &s);
	summary_links(&s, now);
	summary_counters(&s, now);
}

/* lib/log's `show log [count N] [level LEVEL]` */
static int cmd_show_log(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input, (void)ctx;
	int rc = sl_log_show(argc - 2, argv + 2, json, out, err);
	return sl_ctl_rc(rc);
}

static int log_init(void *ctx)
{
	(void)ctx;
	if (sl_tele_wiring.src == NULL) {
		sl_log(SL_LOG_ERR, NULL, "log: module not wired (sl_tele_wire)");
		return -EINVAL;
	}
	/* today's link states and counters are the base: only changes are news */
	uint64_t now = now_ns(), d, span;
	for (uint16_t p = 0; p < *sl_tele_wiring.n_ports && p < SL_FIB_PORT_MAX; p++) {
		struct rte_eth_link link = {0};
		rte_eth_link_get_nowait(p, &link);
		lg.link_up[p] = link.link_status;
		sl_log_rate_check(&lg.link[p], 0, now, SUMMARY_PERIOD_NS, &d, &span);
	}
	lg.next_tick_ns = now + TICK_NS;
	int rc = sl_ctl_register("show log", cmd_show_log, NULL);
	if (rc < 0)
		sl_log(SL_LOG_ERR, NULL, "cannot register show log: %s", strerror(-rc));
	return rc;
}

static void log_fini(void *ctx)
{
	(void)ctx;
	sl_ctl_unregister("show log");
	sl_log_tally_free(&lg.fw_prev);
	sl_log_tally_free(&lg.fw_cur);
}

static struct sl_module log_module = {.name = "log",
	.deps = "ctl slow",
	.init = log_init,
	.fini = log_fini,
	.timers = log_timers};
SL_MODULE_REGISTER(log_module)
