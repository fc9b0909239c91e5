/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show leak graph` on the control socket: lib/show's DOT writer with what
 * only the running router knows, the rulesets lib/fw enforces per leak
 * direction and the packets counted per direction (lib/tele's sums, since the
 * last `clear counters`). Offline, lib/show answers it from the configuration.
 */
#include <errno.h>
#include <stdlib.h>

#include "sl_ctl.h"
#include "sl_fw.h"
#include "sl_show.h"
#include "sl_tele.h"

static struct {
	const struct sl_router *router;
	const struct sl_fw *fw;
	struct sl_tele_counts *counts; /* one snapshot per command */
} G;

static const char *graph_binding(void *ctx, uint32_t from, uint32_t to)
{
	(void)ctx;
	return G.fw != NULL ? sl_fw_binding(G.fw, from, to) : NULL;
}

static uint64_t graph_packets(void *ctx, uint32_t from, uint32_t to)
{
	(void)ctx;
	if (G.counts == NULL)
		G.counts = sl_tele_counts_now();
	return G.counts != NULL ? sl_tele_leak_packets(G.counts, from, to) : 0;
}

static int cmd_leak_graph(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input, (void)ctx;
	const struct sl_show_fw_live live = {
		.binding = graph_binding,
		.leak_packets = graph_packets,
	};
	int rc = sl_show_leak_graph(G.router, &live, argc - 3, argv + 3, json, out, err);
	free(G.counts);
	G.counts = NULL;
	return rc == -EINVAL ? SL_CTL_USAGE : rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

int sl_tele_leak_graph_register(const struct sl_router *r, const struct sl_fw *fw)
{
	if (r == NULL)
		return -EINVAL;
	G.router = r;
	G.fw = fw;
	return sl_ctl_register("show leak graph", cmd_leak_graph, NULL);
}
