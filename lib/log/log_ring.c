/* SPDX-License-Identifier: BSD-3-Clause */
/* log_ring.c — the last N log lines, for `show log`; fixed-size entries, so
 * a full ring logs without allocating. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_log.h"

struct sl_log_ring {
	size_t cap;
	uint64_t total; /* lines ever pushed: entry of seq s is at (s - 1) % cap */
	struct sl_log_entry v[];
};

struct sl_log_ring *sl_log_ring_new(size_t cap)
{
	if (cap == 0 || cap > SIZE_MAX / sizeof(struct sl_log_entry) - 1) {
		errno = EINVAL;
		return NULL;
	}
	struct sl_log_ring *r = calloc(1, sizeof(*r) + cap * sizeof(r->v[0]));
	if (r != NULL)
		r->cap = cap;
	return r;
}

void sl_log_ring_free(struct sl_log_ring *r)
{
	free(r);
}

/* Copy at most len - 1 bytes; a cut string ends in "..." so it reads as cut. */
static void copy_cut(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);
	if (n < len) {
		memcpy(dst, src, n + 1);
		return;
	}
	memcpy(dst, src, len - 4);
	memcpy(dst + len - 4, "...", 4);
}

uint64_t sl_log_ring_push(struct sl_log_ring *r, int64_t time_ns, enum sl_log_level l,
	const char *subsys, const char *msg)
{
	struct sl_log_entry *e = &r->v[r->total % r->cap];
	e->seq = ++r->total;
	e->time_ns = time_ns;
	e->level = l;
	copy_cut(e->subsys, sizeof(e->subsys), subsys ? subsys : "");
	copy_cut(e->msg, sizeof(e->msg), msg ? msg : "");
	return e->seq;
}

size_t sl_log_ring_count(const struct sl_log_ring *r)
{
	return r->total < r->cap ? (size_t)r->total : r->cap;
}

uint64_t sl_log_ring_total(const struct sl_log_ring *r)
{
	return r->total;
}

size_t sl_log_ring_read(const struct sl_log_ring *r, size_t count, enum sl_log_level max,
	void (*visit)(const struct sl_log_entry *e, void *ctx), void *ctx)
{
	size_t held = sl_log_ring_count(r);
	uint64_t first = r->total - held + 1; /* the oldest seq held */
	/* walk back from the newest to find where the `count` matching lines start */
	uint64_t start = r->total + 1;
	size_t n = 0;
	for (uint64_t s = r->total; s >= first && s > 0 && n < count; s--)
		if (r->v[(s - 1) % r->cap].level <= max) {
			start = s;
			n++;
		}
	size_t visited = 0;
	for (uint64_t s = start; s <= r->total && visited < n; s++) {
		const struct sl_log_entry *e = &r->v[(s - 1) % r->cap];
		if (e->level <= max) {
			visit(e, ctx);
			visited++;
		}
	}
	return visited;
}
