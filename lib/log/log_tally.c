/* SPDX-License-Identifier: BSD-3-Clause */
/* log_tally.c — named counters (packets denied per ruleset, ...) and the
 * names that grew most since the last summary line named them. */
#include <stdlib.h>
#include <string.h>

#include "sl_log.h"

void sl_log_tally_add(struct sl_log_tally *t, const char *name, uint64_t count)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct sl_log_tally_entry *v = realloc(t->v, cap * sizeof(*v));
		if (v == NULL)
			return; /* the line names fewer */
		t->v = v;
		t->cap = cap;
	}
	snprintf(t->v[t->n].name, sizeof(t->v[0].name), "%s", name);
	t->v[t->n++].count = count;
}

static uint64_t prev_count(const struct sl_log_tally *prev, const char *name)
{
	for (size_t i = 0; i < prev->n; i++)
		if (strcmp(prev->v[i].name, name) == 0)
			return prev->v[i].count;
	return 0;
}

size_t sl_log_tally_top(const struct sl_log_tally *cur, const struct sl_log_tally *prev, size_t k,
	size_t *idx, uint64_t *delta)
{
	uint64_t *d = calloc(cur->n + 1, sizeof(*d));
	if (d == NULL)
		return 0;
	for (size_t i = 0; i < cur->n; i++) {
		uint64_t p = prev_count(prev, cur->v[i].name), c = cur->v[i].count;
		d[i] = c >= p ? c - p : c; /* counters cleared: from 0 */
	}
	size_t n = 0;
	for (; n < k; n++) {
		size_t best = 0;
		for (size_t i = 1; i < cur->n; i++)
			if (d[i] > d[best])
				best = i;
		if (cur->n == 0 || d[best] == 0)
			break;
		idx[n] = best;
		delta[n] = d[best];
		d[best] = 0;
	}
	free(d);
	return n;
}

void sl_log_tally_free(struct sl_log_tally *t)
{
	free(t->v);
	*t = (struct sl_log_tally){0};
}
