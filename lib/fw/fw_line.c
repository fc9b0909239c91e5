/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_line.c — the per-lcore flow lines' memory and replacement (fw_line.h). */
#include <errno.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "fw_line.h"
#include "fw_priv.h"

_Static_assert(sizeof(struct fw_line) == RTE_CACHE_LINE_SIZE, "one cache line a flow");

int fw_lines_init(struct fw_lines *t, const struct sl_fw *fw, uint32_t flows, int socket_id)
{
	/* two lines a flow (few evictions at the table's size), at most 64 Ki
	 * lines (4 MiB) an lcore, 64 MiB in all: lines are hints, a smaller
	 * table costs full-path packets, never a wrong answer; at least 64,
	 * the block a flow's two lines share (fw_line_ix) */
	uint32_t lines = rte_align32pow2(RTE_MIN(RTE_MAX(flows, 64u), 32768u) * 2);
	while (lines > 64 && (size_t)lines * fw->n_lcores * sizeof(struct fw_line) > (64u << 20))
		lines /= 2;
	size_t n = (size_t)lines * fw->n_lcores;
	t->mask = lines - 1;
	t->line = rte_zmalloc_socket(
		"slfw_lines", n * sizeof(struct fw_line), RTE_CACHE_LINE_SIZE, socket_id);
	t->tag = rte_zmalloc_socket("slfw_line_tags", n, RTE_CACHE_LINE_SIZE, socket_id);
	if (t->line == NULL || t->tag == NULL) {
		fw_lines_fini(t);
		return -ENOMEM;
	}
	return 0;
}

void fw_lines_fini(struct fw_lines *t)
{
	rte_free(t->line);
	rte_free(t->tag);
	t->line = NULL;
	t->tag = NULL;
}

/* Way w of hash h's candidates, its tag set: the line to fill. */
static struct fw_line *take(const struct fw_line_row *r, uint32_t h, unsigned w)
{
	r->tag[fw_line_ix(r, h, w)] = fw_line_tag(h, w);
	return &r->line[fw_line_ix(r, h, w)];
}

struct fw_line *fw_line_victim(
	const struct fw_line_row *r, uint32_t h, const struct fw_line_key *k, uint32_t gen)
{
	for (unsigned w = 0; w < FW_LINE_WAYS; w++) /* its own first: one line a key */
		if (fw_line_key_eq(&r->line[fw_line_ix(r, h, w)].key, k))
			return take(r, h, w);
	for (unsigned w = 0; w < FW_LINE_WAYS; w++)
		if (r->line[fw_line_ix(r, h, w)].gen != gen)
			return take(r, h, w);
	/* a second chance (CLOCK): the first not used by a hit since the
	 * last fill that looked; the lines passed lose their mark */
	for (unsigned w = 0; w < FW_LINE_WAYS; w++) {
		struct fw_line *l = &r->line[fw_line_ix(r, h, w)];
		if (l->used == 0)
			return take(r, h, w);
		l->used = 0;
	}
	return take(r, h, 0);
}
