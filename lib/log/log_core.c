/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log_core.c — the process's log: level, output, ring.
 *
 * Under systemd the lines go to the journal with sd_journal_send rather than
 * syslog(3): the journal keeps fields, so `journalctl -u sluiced
 * SLUICE_SUBSYSTEM=firewall` or `-p warning` select lines without parsing
 * text, and PRIORITY is the line's own level rather than what stderr's
 * stream gets by default (info). The journal is used only when stderr is
 * connected to it (systemd sets JOURNAL_STREAM to its device:inode, see
 * systemd.exec(5)); anywhere else stderr keeps the "sluiced: ..." lines that
 * scripts and tests read.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef SL_HAVE_SYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "sl_log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum sl_log_level log_level = SL_LOG_INFO;
static enum sl_log_output log_out = SL_LOG_OUT_STDERR;
static char log_ident[32] = "sluiced";
static struct sl_log_ring *log_ring; /* made at the first line */

static const char *const level_names[] = {
	[SL_LOG_ERR] = "err",
	[SL_LOG_WARNING] = "warning",
	[SL_LOG_NOTICE] = "notice",
	[SL_LOG_INFO] = "info",
	[SL_LOG_DEBUG] = "debug",
};

const char *sl_log_level_name(enum sl_log_level l)
{
	if (l < SL_LOG_ERR)
		return "err";
	return l <= SL_LOG_DEBUG ? level_names[l] : "debug";
}

int sl_log_level_parse(const char *s, enum sl_log_level *out)
{
	static const struct {
		const char *name;
		enum sl_log_level l;
	} names[] = {
		{"err", SL_LOG_ERR},
		{"warning", SL_LOG_WARNING},
		{"notice", SL_LOG_NOTICE},
		{"info", SL_LOG_INFO},
		{"debug", SL_LOG_DEBUG},
		/* syslog's and VyOS's other words */
		{"emerg", SL_LOG_ERR},
		{"alert", SL_LOG_ERR},
		{"crit", SL_LOG_ERR},
		{"error", SL_LOG_ERR},
		{"warn", SL_LOG_WARNING},
		{"all", SL_LOG_DEBUG},
	};
	for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].l;
			return 0;
		}
	return -EINVAL;
}

/* stderr is the journal's stream when JOURNAL_STREAM names its device:inode. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void sl_log_open(const char *ident, enum sl_log_output out)
{
	pthread_mutex_lock(&log_lock);
	snprintf(log_ident, sizeof(log_ident), "%s", ident ? ident : "sluiced");
	if (out == SL_LOG_OUT_AUTO)
		out = stderr_is_journal() ? SL_LOG_OUT_JOURNAL : SL_LOG_OUT_STDERR;
#ifndef SL_HAVE_SYSTEMD
	if (out == SL_LOG_OUT_JOURNAL)
		out = SL_LOG_OUT_STDERR;
#endif
	log_out = out;
	pthread_mutex_unlock(&log_lock);
}

enum sl_log_output sl_log_output_get(void)
{
	return log_out;
}

void sl_log_level_set(enum sl_log_level l)
{
	__atomic_store_n(&log_level, l, __ATOMIC_RELAXED);
}

enum sl_log_level sl_log_level_get(void)
{
	return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

bool sl_log_enabled(enum sl_log_level l)
{
	return l <= sl_log_level_get();
}

static void write_line(enum sl_log_level l, const char *subsys, const char *msg)
{
	(void)l; /* the journal's PRIORITY; stderr lines carry no level */
	switch (log_out) {
	case SL_LOG_OUT_JOURNAL:
#ifdef SL_HAVE_SYSTEMD
		if ((subsys[0] ? sd_journal_send("MESSAGE=%s: %s", subsys, msg, "PRIORITY=%d",
					 (int)l, "SLUICE_SUBSYSTEM=%s", subsys,
					 "SYSLOG_IDENTIFIER=%s", log_ident, NULL)
			       : sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", (int)l,
					 "SLUICE_SUBSYSTEM=daemon", "SYSLOG_IDENTIFIER=%s",
					 log_ident, NULL)) >= 0)
			break;
#endif
		/* no libsystemd, or journald refused the line: stderr is its
		 * stream all the same */
		__attribute__((fallthrough));
	case SL_LOG_OUT_STDERR:
	case SL_LOG_OUT_AUTO:
		/* one write per line, so lines of other writers do not cut into it */
		fprintf(stderr, "%s: %s%s%s\n", log_ident, subsys, subsys[0] ? ": " : "", msg);
		break;
	case SL_LOG_OUT_NONE:
		break;
	}
}

void sl_vlog(enum sl_log_level l, const char *subsys, const char *fmt, va_list ap)
{
	if (!sl_log_enabled(l))
		return;
	char small[SL_LOG_MSG_MAX], *msg = small;
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	/* the journal and stderr get the whole line; the ring keeps its start */
	char *big = NULL;
	if (n >= (int)sizeof(small) && vasprintf(&big, fmt, aq) >= 0)
		msg = big;
	va_end(aq);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (subsys == NULL)
		subsys = "";
	pthread_mutex_lock(&log_lock);
	if (log_ring == NULL)
		log_ring = sl_log_ring_new(SL_LOG_RING_DEFAULT);
	if (log_ring != NULL)
		sl_log_ring_push(
			log_ring, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, l, subsys, msg);
	write_line(l, subsys, msg);
	pthread_mutex_unlock(&log_lock);
	free(big);
}

void sl_log(enum sl_log_level l, const char *subsys, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sl_vlog(l, subsys, fmt, ap);
	va_end(ap);
}

size_t sl_log_read(size_t count, enum sl_log_level max,
	void (*visit)(const struct sl_log_entry *e, void *ctx), void *ctx)
{
	pthread_mutex_lock(&log_lock);
	size_t n = log_ring ? sl_log_ring_read(log_ring, count, max, visit, ctx) : 0;
	pthread_mutex_unlock(&log_lock);
	return n;
}
