/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The show commands on the control socket that need what only the running
 * router knows: `show firewall [NAME | leak-points]`, `show conntrack [vrf
 * NAME]`, `show nat translations [vrf NAME]` and `show leak graph` are
 * lib/show's, given lib/fw's counters, bindings and flows and the packets
 * counted per leak direction (lib/tele's sums, since the last `clear
 * counters`). Offline, lib/show answers them from the configuration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "sl_ctl.h"
#include "sl_fw.h"
#include "sl_show.h"
#include "tele_priv.h"

static struct {
	const struct sl_router *router;
	const struct sl_fw *fw; /* NULL: no bindings, no counters */
	struct sl_tele_counts *counts; /* one snapshot per command */
} G;

static int live_rule_counters(
	void *ctx, const char *ruleset, uint32_t number, uint64_t *packets, uint64_t *bytes)
{
	(void)ctx;
	return sl_fw_rule_counters(G.fw, ruleset, number, packets, bytes);
}

static void live_summary(void *ctx, struct sl_show_fw_summary *out)
{
	(void)ctx;
	struct sl_fw_stats st;
	sl_fw_stats_get(G.fw, &st);
	*out = (struct sl_show_fw_summary){
		.classified = st.classified,
		.accepted = st.accepted,
		.dropped = st.dropped,
		.rejected = st.rejected,
		.unguarded = st.unguarded,
		.ct_entries = st.ct_entries,
		.ct_max = st.ct_max,
		.ct_full = st.ct_full,
		.ct_created = st.ct_created,
		.ct_expired = st.ct_expired,
		.build_ns = st.build_ns,
		.nat_entries = st.nat_entries,
		.nat_max = st.nat_max,
		.nat_out = st.nat_out,
		.nat_in = st.nat_in,
		.nat_created = st.nat_created,
		.nat_expired = st.nat_expired,
		.nat_exhausted = st.nat_exhausted,
		.nat_full = st.nat_full,
		.nat_no_flow = st.nat_no_flow,
		.nat_untranslatable = st.nat_untranslatable,
		.nat_icmp_unmatched = st.nat_icmp_unmatched,
		.nat_flushed = st.nat_flushed,
	};
}

static int live_classifiers(void *ctx, const char *ruleset)
{
	(void)ctx;
	int cls = sl_fw_ruleset_classifiers(G.fw, ruleset);
	if (cls < 0)
		return cls;
	return ((cls & SL_FW_CLS_BV) ? SL_SHOW_FW_CLS_BV : 0) |
	       ((cls & SL_FW_CLS_ACL) ? SL_SHOW_FW_CLS_ACL : 0);
}

static const char *live_binding(void *ctx, uint32_t from, uint32_t to)
{
	(void)ctx;
	return G.fw != NULL ? sl_fw_binding(G.fw, from, to) : NULL;
}

/* Packets the workers forwarded from one VRF into another since the last
 * `clear counters` (directions that found no slot are not included). */
static uint64_t live_leak_packets(void *ctx, uint32_t from, uint32_t to)
{
	(void)ctx;
	if (G.counts == NULL)
		G.counts = sl_tele_counts_now();
	return G.counts != NULL ? sl_tele_leak_packets(G.counts, from, to) : 0;
}

static void live_ct_foreach(void *ctx, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_ct_flow *flow, void *cb_ctx), void *cb_ctx)
{
	(void)ctx;
	sl_fw_ct_foreach(G.fw, rte_rdtsc(), vrf_id, max, cb, cb_ctx);
}

static void live_nat_foreach(void *ctx, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_nat_flow *flow, void *cb_ctx), void *cb_ctx)
{
	(void)ctx;
	sl_fw_nat_foreach(G.fw, rte_rdtsc(), vrf_id, max, cb, cb_ctx);
}

static const struct sl_show_fw_live live = {
	.rule_counters = live_rule_counters,
	.summary = live_summary,
	.classifiers = live_classifiers,
	.binding = live_binding,
	.leak_packets = live_leak_packets,
	.ct_foreach = live_ct_foreach,
	.nat_foreach = live_nat_foreach,
};

static int ctl_rc(int rc)
{
	free(G.counts);
	G.counts = NULL;
	return sl_ctl_rc(rc);
}

/* show firewall [NAME | leak-points], show conntrack [vrf NAME],
 * show nat translations [vrf NAME] */
static int cmd_show_fw(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input, (void)ctx;
	int rc = strcmp(argv[1], "conntrack") == 0
			 ? sl_show_conntrack(G.router, &live, argc - 2, argv + 2, json, out, err)
		 : strcmp(argv[1], "nat") == 0
			 ? sl_show_nat(G.router, &live, argc - 2, argv + 2, json, out, err)
			 : sl_show_firewall(G.router, &live, argc - 2, argv + 2, json, out, err);
	return ctl_rc(rc);
}

/* Only the bindings and the packets per direction: without a firewall the
 * graph shows the leaks unguarded. */
static int cmd_leak_graph(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input, (void)ctx;
	const struct sl_show_fw_live graph = {
		.binding = live_binding,
		.leak_packets = live_leak_packets,
	};
	return ctl_rc(sl_show_leak_graph(G.router, &graph, argc - 3, argv + 3, json, out, err));
}

static struct tele_ctl_cmd *ctl_cmds;

void tele_ctl_add(struct tele_ctl_cmd *c)
{
	c->next = ctl_cmds;
	ctl_cmds = c;
}

const struct sl_tele_src *tele_ctl_src(FILE *err)
{
	const struct sl_tele_src *src = tele_src();
	if (src->router == NULL) {
		fprintf(err, "the telemetry sources are not set up (sluiced is starting)\n");
		return NULL;
	}
	return src;
}

int sl_tele_show_register(const struct sl_router *r, const struct sl_fw *fw)
{
	static const char *const fw_words[] = {
		"show firewall",
		"show firewall leak-points",
		"show conntrack",
		"show nat translations",
	};
	if (r == NULL)
		return -EINVAL;
	G.router = r;
	G.fw = fw;
	int rc = sl_ctl_register("show leak graph", cmd_leak_graph, NULL);
	for (const struct tele_ctl_cmd *c = ctl_cmds; rc == 0 && c != NULL; c = c->next)
		rc = sl_ctl_register(c->words, c->fn, NULL);
	for (size_t i = 0; rc == 0 && fw != NULL && i < sizeof(fw_words) / sizeof(fw_words[0]); i++)
		rc = sl_ctl_register(fw_words[i], cmd_show_fw, NULL);
	return rc;
}
