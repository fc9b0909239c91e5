/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_line.c — the per-lcore flow lines' memory and replacement (fw_line.h). */
#include <rte_common.h>
#include <rte_malloc.h>

#include "fw_line.h"
#include "fw_priv.h"

struct fw_line_bucket *fw_lines_new(
	const struct sl_fw *fw, uint32_t flows, int socket_id, uint32_t *mask)
{
	/* a line per flow, rounded up to whole buckets: at most 16 Ki buckets
	 * (64 Ki lines, 1 MiB) an lcore, 16 MiB in all (lines are hints: a
	 * smaller table costs misses, never answers) */
	uint32_t want = RTE_MAX(flows, 64u) / FW_LINE_WAYS;
	uint32_t buckets = rte_align32pow2(RTE_MIN(want, 16384u));
	while (buckets > 16 &&
		(size_t)buckets * fw->n_lcores * sizeof(struct fw_line_bucket) > (16u << 20))
		buckets /= 2;
	*mask = buckets - 1;
	return rte_zmalloc_socket("slfw_lines",
		(size_t)buckets * fw->n_lcores * sizeof(struct fw_line_bucket), RTE_CACHE_LINE_SIZE,
		socket_id);
}

void fw_line_fill(struct fw_line_bucket *b, const struct fw_line *l)
{
	unsigned w, stale = FW_LINE_WAYS;
	for (w = 0; w < FW_LINE_WAYS; w++) {
		if (b->way[w].tag == l->tag)
			break;
		if (stale == FW_LINE_WAYS && b->way[w].gen != l->gen)
			stale = w;
	}
	if (w == FW_LINE_WAYS)
		/* full of this generation's flows: one by the tag's high bits,
		 * so that flows of one bucket do not all evict the same way */
		w = stale != FW_LINE_WAYS ? stale : l->tag >> 30;
	b->way[w] = *l;
}
