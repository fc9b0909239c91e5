/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_line.c — the per-lcore flow lines' memory and replacement (fw_line.h). */
#include <rte_common.h>
#include <rte_malloc.h>

#include "fw_line.h"
#include "fw_priv.h"

_Static_assert(sizeof(struct fw_line) == RTE_CACHE_LINE_SIZE, "one cache line a flow");

struct fw_line *fw_lines_new(const struct sl_fw *fw, uint32_t flows, int socket_id, uint32_t *mask)
{
	/* two lines a flow (few evictions at the table's size), at most 64 Ki
	 * lines (4 MiB) an lcore, 64 MiB in all: lines are hints, a smaller
	 * table costs full-path packets, never a wrong answer */
	uint32_t lines = rte_align32pow2(RTE_MIN(RTE_MAX(flows, 64u), 32768u) * 2);
	while (lines > 64 && (size_t)lines * fw->n_lcores * sizeof(struct fw_line) > (64u << 20))
		lines /= 2;
	*mask = lines - 1;
	return rte_zmalloc_socket("slfw_lines",
		(size_t)lines * fw->n_lcores * sizeof(struct fw_line), RTE_CACHE_LINE_SIZE,
		socket_id);
}

struct fw_line *fw_line_victim(
	struct fw_line *row, uint32_t mask, uint32_t h, const struct fw_line_key *k, uint32_t gen)
{
	struct fw_line *v = NULL;
	for (unsigned w = 0; w < FW_LINE_WAYS; w++) /* its own first: one line a key */
		if (fw_line_key_eq(&fw_line_at(row, mask, h, w)->key, k))
			return fw_line_at(row, mask, h, w);
	for (unsigned w = 0; w < FW_LINE_WAYS; w++)
		if (fw_line_at(row, mask, h, w)->gen != gen)
			return fw_line_at(row, mask, h, w);
	/* a second chance (CLOCK): the first not used by a hit since the
	 * last fill that looked; the lines passed lose their mark */
	for (unsigned w = 0; w < FW_LINE_WAYS && v == NULL; w++) {
		struct fw_line *l = fw_line_at(row, mask, h, w);
		if (l->used == 0)
			v = l;
		else
			l->used = 0;
	}
	return v != NULL ? v : fw_line_at(row, mask, h, 0);
}
