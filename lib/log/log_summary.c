/* SPDX-License-Identifier: BSD-3-Clause */
/* log_summary.c — the text of the summary lines lib/tele's "log" module
 * says from counters: link changes, firewall denials, refused FIB changes,
 * next hops that did not answer ARP. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sl_log.h"

/* Append to l->msg from *off; past the end, *off keeps counting (cut at the end). */
__attribute__((format(printf, 3, 4))) static void line_add(
	struct sl_log_line *l, size_t *off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t len = sizeof(l->msg);
	int n = vsnprintf(
		l->msg + (*off < len ? *off : len - 1), *off < len ? len - *off : 1, fmt, ap);
	va_end(ap);
	*off += n > 0 ? (size_t)n : 0;
}

/* A cut line ends in "...", so that it reads as cut, after a whole UTF-8
 * character ("→"): a split one would make the JSON of `show log` invalid. */
static void line_end(struct sl_log_line *l, size_t off)
{
	if (off < sizeof(l->msg))
		return;
	size_t p = sizeof(l->msg) - 4;
	while (p > 0 && ((unsigned char)l->msg[p] & 0xc0) == 0x80)
		p--;
	memcpy(l->msg + p, "...", 4);
}

/* "in the last 10 s", from a span in ns (at least 1 s: the tick) */
static unsigned span_s(uint64_t span_ns)
{
	unsigned v = (unsigned)((span_ns + 500000000ull) / 1000000000ull);
	return v ? v : 1;
}

void sl_log_line_link(
	struct sl_log_line *l, const char *port, bool up, uint64_t changes, uint64_t span_ns)
{
	size_t off = 0;
	char n1[32];
	l->subsys = "ports";
	l->level = changes == 1 ? SL_LOG_NOTICE : SL_LOG_WARNING;
	line_add(l, &off, "%s: link %s", port, up ? "up" : "down");
	if (changes != 1)
		line_add(l, &off, " (%s changes in the last %u s)",
			sl_log_count_fmt(changes, n1, sizeof(n1)), span_s(span_ns));
	line_end(l, off);
}

void sl_log_line_denied(struct sl_log_line *l, uint64_t denied, uint64_t span_ns,
	const struct sl_log_tally *cur, const struct sl_log_tally *prev,
	const struct sl_fw_spec *spec)
{
	size_t off = 0, idx[SL_LOG_DENIED_TOP];
	uint64_t d[SL_LOG_DENIED_TOP];
	char n1[32];
	l->subsys = "firewall";
	l->level = SL_LOG_NOTICE;
	line_add(l, &off, "%s packets denied at leak points in the last %u s",
		sl_log_count_fmt(denied, n1, sizeof(n1)), span_s(span_ns));
	size_t n = sl_log_tally_top(cur, prev, SL_LOG_DENIED_TOP, idx, d);
	for (size_t k = 0; k < n; k++) {
		const char *name = cur->v[idx[k]].name;
		line_add(l, &off, "%s%s by %s", k ? ", " : "; ",
			sl_log_count_fmt(d[k], n1, sizeof(n1)), name);
		const char *sep = " (";
		for (size_t b = 0; spec != NULL && b < spec->n_bindings; b++) {
			const struct sl_fw_binding_spec *bs = &spec->bindings[b];
			if (bs->ruleset >= spec->n_rulesets ||
				strcmp(spec->rulesets[bs->ruleset].name, name) != 0)
				continue;
			line_add(l, &off, "%s%s→%s", sep, bs->from, bs->to);
			sep = ", ";
		}
		if (sep[0] == ',')
			line_add(l, &off, ")");
	}
	line_end(l, off);
}

void sl_log_line_fib_refused(
	struct sl_log_line *l, uint64_t refused, uint64_t span_ns, const char *why)
{
	size_t off = 0;
	char n1[32];
	l->subsys = "fib";
	l->level = SL_LOG_ERR;
	line_add(l, &off, "%s changes refused in the last %u s (last: %s)",
		sl_log_count_fmt(refused, n1, sizeof(n1)), span_s(span_ns),
		why != NULL && why[0] != '\0' ? why : "unknown");
	line_end(l, off);
}

void sl_log_line_unresolved(
	struct sl_log_line *l, const char *iface, uint64_t unresolved, uint64_t span_ns)
{
	size_t off = 0;
	char n1[32];
	l->subsys = "neighbour";
	l->level = SL_LOG_WARNING;
	line_add(l, &off, "%s: %s next hops did not answer ARP in the last %u s", iface,
		sl_log_count_fmt(unresolved, n1, sizeof(n1)), span_s(span_ns));
	line_end(l, off);
}
