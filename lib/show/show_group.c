/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Records grouped by VRF id in one pass (a stable counting sort), so that a
 * command listing every VRF reads each VRF's records directly instead of
 * scanning all of them once per VRF (O(V x records) at thousands of VRFs).
 */
#include <errno.h>
#include <stdlib.h>

#include "show_priv.h"

/* ids out of range (a name no VRF has) share the last bucket */
static size_t bucket(uint32_t vrf_id)
{
	return vrf_id < SL_VRF_MAX ? vrf_id : SL_VRF_MAX;
}

int show_by_vrf_build(struct show_by_vrf *g, const uint32_t *vrf_ids, size_t n)
{
	g->first = calloc(SHOW_BY_VRF_BUCKETS + 1, sizeof(*g->first));
	g->order = malloc((n ? n : 1) * sizeof(*g->order));
	if (g->first == NULL || g->order == NULL) {
		show_by_vrf_free(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		g->first[bucket(vrf_ids[i]) + 1]++;
	for (size_t v = 0; v < SHOW_BY_VRF_BUCKETS; v++)
		g->first[v + 1] += g->first[v];
	/* place in input order: each VRF keeps its records' order */
	for (size_t i = 0; i < n; i++)
		g->order[g->first[bucket(vrf_ids[i])]++] = i;
	for (size_t v = SHOW_BY_VRF_BUCKETS; v > 0; v--)
		g->first[v] = g->first[v - 1];
	g->first[0] = 0;
	return 0;
}

void show_by_vrf_free(struct show_by_vrf *g)
{
	free(g->first);
	free(g->order);
	g->first = NULL;
	g->order = NULL;
}
