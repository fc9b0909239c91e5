/* SPDX-License-Identifier: BSD-3-Clause */
/* log_show.c — `show log [count N] [level LEVEL]` over the ring (text or
 * JSON), and the level the configuration or --log-level asks for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sl_log.h"
#include "sl_types.h"

struct show_ctx {
	FILE *out;
	json_t *arr; /* JSON */
};

static void show_entry(const struct sl_log_entry *e, void *arg)
{
	struct show_ctx *c = arg;
	time_t sec = (time_t)(e->time_ns / 1000000000);
	struct tm tm;
	char t[32];
	localtime_r(&sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	unsigned ms = (unsigned)(e->time_ns % 1000000000 / 1000000);
	if (c->arr == NULL) {
		fprintf(c->out, "%s.%03u %-7s %s%s%s\n", t, ms, sl_log_level_name(e->level),
			e->subsys, e->subsys[0] ? ": " : "", e->msg);
		return;
	}
	char ts[40];
	snprintf(ts, sizeof(ts), "%s.%03u", t, ms);
	json_array_append_new(c->arr,
		json_pack("{s:I,s:s,s:I,s:s,s:s,s:s}", "seq", (json_int_t)e->seq, "time", ts,
			"time_ns", (json_int_t)e->time_ns, "level", sl_log_level_name(e->level),
			"subsystem", e->subsys[0] ? e->subsys : "daemon", "message", e->msg));
}

int sl_log_show(int argc, char **argv, bool json, FILE *out, FILE *err)
{
	uint32_t count = SL_LOG_RING_DEFAULT;
	enum sl_log_level max = SL_LOG_DEBUG;
	for (int i = 0; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "count") == 0 && v != NULL) {
			if (sl_u32_parse(v, 1, SL_LOG_RING_DEFAULT, &count) < 0) {
				fprintf(err, "show log: count '%s' is not a number in [1, %u]\n", v,
					SL_LOG_RING_DEFAULT);
				return -EINVAL;
			}
		} else if (strcmp(argv[i], "level") == 0 && v != NULL) {
			if (sl_log_level_parse(v, &max) < 0) {
				fprintf(err, "show log: level '%s' is not one of %s\n", v,
					SL_LOG_LEVELS_VALID);
				return -EINVAL;
			}
		} else {
			fprintf(err,
				"show log: unexpected '%s'%s; usage: show log [count N] "
				"[level LEVEL]\n",
				argv[i], v == NULL ? " (or its value missing)" : "");
			return -EINVAL;
		}
	}
	struct show_ctx c = {.out = out, .arr = json ? json_array() : NULL};
	if (json && c.arr == NULL) {
		fprintf(err, "show log: out of memory\n");
		return -ENOMEM;
	}
	sl_log_read(count, max, show_entry, &c);
	if (json) {
		json_dumpf(c.arr, out, JSON_COMPACT);
		fprintf(out, "\n");
		json_decref(c.arr);
	}
	return 0;
}

void sl_log_level_follow(int conf_level, enum sl_log_level fallback)
{
	enum sl_log_level l = conf_level < 0		? fallback
			      : conf_level < SL_LOG_ERR ? SL_LOG_ERR
							: (enum sl_log_level)conf_level;
	if (l == sl_log_level_get())
		return;
	/* said at the level being left or the one entered, whichever is shown */
	enum sl_log_level old = sl_log_level_get();
	sl_log_level_set(l > old ? l : old);
	sl_log(SL_LOG_NOTICE, "log", "level %s (%s)", sl_log_level_name(l),
		conf_level < 0 ? "--log-level or the default" : "system syslog");
	sl_log_level_set(l);
}
