/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_dataplane.c — `show dataplane`: the workers' counters summed (punts
 * and drops by reason, work cycles per packet), the slow path's, the longest
 * poll-loop gaps and the FIB's sizes, each VRF table's layout and memory. */
#include <inttypes.h>

#include "sl_slow.h"
#include <rte_lcore.h>

#include "tele_priv.h"

void sl_tele_show_dataplane(const struct sl_tele_src *s, unsigned n_workers, bool json, FILE *out)
{
	struct sl_dp_counters c;
	sl_dp_counters_sum(s->dp, &c);
	struct sl_fib_stats fs;
	sl_fib_stats_get(s->fib, &fs);
	struct sl_dp_stalls st;
	sl_dp_stalls_get(s->dp, &st);
	struct sl_slow_stats ss = {0};
	if (s->slow != NULL)
		sl_slow_stats_get(s->slow, &ss);
	if (json) {
		fprintf(out,
			"{\"rx\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"forwarded\":%" PRIu64
			",\"leaked\":%" PRIu64 ",\"leak_scans\":%" PRIu64
			",\"work_cycles\":%" PRIu64 ",\"slow_path_drops\":%" PRIu64
			",\"neighbours\":{\"entries\":%u,"
			"\"incomplete\":%u,\"held\":%u,\"refused\":%" PRIu64
			",\"arp_rate_limited\":%" PRIu64 ",\"icmp_rate_limited\":%" PRIu64
			"},\"punted\":{",
			c.rx, c.tx, c.forwarded, c.leaked, c.leak_scans, c.work_cycles, ss.drops,
			ss.neighbours, ss.incomplete, ss.held, ss.neigh_refused, ss.arp_limited,
			ss.icmp_limited);
		for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_dp_punt_names[i],
				c.punted[i]);
		fprintf(out, "},\"punt_classes\":{");
		for (int i = 0; i < SL_DP_PC__COUNT; i++)
			fprintf(out, "%s\"%s\":{\"punted\":%" PRIu64 ",\"full\":%" PRIu64 "}",
				i ? "," : "", sl_dp_pclass_names[i], c.pclass_punted[i],
				c.pclass_full[i]);
		fprintf(out, "},\"dropped\":{");
		for (int i = 0; i < SL_DP_DROP__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_dp_drop_names[i],
				c.dropped[i]);
		fprintf(out,
			"},\"stalls\":{\"max_loop_us\":%.1f,\"max_on_cpu_us\":%.1f,"
			"\"gaps_over_1ms\":%" PRIu64 ",\"on_cpu_over_1ms\":%" PRIu64 "}",
			(double)st.max_gap_ns / 1e3, (double)st.max_on_cpu_ns / 1e3,
			st.gaps_over_1ms, st.on_cpu_over_1ms);
		fprintf(out,
			",\"fib\":{\"vrfs\":%u,\"vrfs_small\":%u,\"promotions\":%u,"
			"\"next_hops\":%u,\"ecmp_groups\":%u,\"neighbours\":%u,"
			"\"bytes_per_vrf\":%zu,\"bytes_total\":%zu,\"tbl8_groups\":%u,\"tables\":[",
			fs.vrfs, fs.vrfs_small, fs.promotions, fs.nh_used, fs.groups, fs.neighbours,
			fs.bytes_per_vrf, fs.bytes_total, fs.tbl8_groups_used);
		/* the real DPDK memory of each VRF's table, as it sized itself */
		const struct sl_rib *rib = sl_router_rib_const(s->router);
		for (uint32_t v = 0, n = 0; v < SL_VRF_MAX; v++) {
			struct sl_fib_vrf_stats vs;
			if (sl_fib_vrf_stats_get(s->fib, v, &vs) < 0)
				continue;
			const char *name = sl_rib_vrf_name(rib, v);
			fprintf(out,
				"%s{\"vrf\":\"%s\",\"layout\":\"%s\",\"routes\":%zu,"
				"\"bytes\":%zu,\"groups\":%u}",
				n++ ? "," : "", name ? name : "default",
				vs.small ? "small" : "rte_lpm", vs.routes, vs.bytes,
				vs.groups_used);
		}
		fprintf(out, "]}}\n");
		return;
	}
	fprintf(out,
		"workers: %u\nrx %" PRIu64 "  tx %" PRIu64 "  forwarded %" PRIu64
		"  leaked %" PRIu64 "  work %.1f cycles/packet\n",
		n_workers, c.rx, c.tx, c.forwarded, c.leaked,
		c.rx ? (double)c.work_cycles / (double)c.rx : 0.0);
	fprintf(out, "punted:");
	for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
		fprintf(out, " %s=%" PRIu64, sl_dp_punt_names[i], c.punted[i]);
	/* full: dropped at the worker, its class's ring full (punt_full) */
	fprintf(out, "\npunt rings:");
	for (int i = 0; i < SL_DP_PC__COUNT; i++)
		fprintf(out, " %s=%" PRIu64 "/%" PRIu64 " full", sl_dp_pclass_names[i],
			c.pclass_punted[i], c.pclass_full[i]);
	fprintf(out, "\ndropped:");
	for (int i = 0; i < SL_DP_DROP__COUNT; i++)
		fprintf(out, " %s=%" PRIu64, sl_dp_drop_names[i], c.dropped[i]);
	fprintf(out, "\nslow path drops: %" PRIu64 "\n", ss.drops);
	fprintf(out,
		"neighbours: %u (%u incomplete, %u packets held); refused %" PRIu64
		", ARP requests rate-limited %" PRIu64 ", ICMP errors rate-limited %" PRIu64 "\n",
		ss.neighbours, ss.incomplete, ss.held, ss.neigh_refused, ss.arp_limited,
		ss.icmp_limited);
	fprintf(out,
		"worker loop gaps: longest %.1f us (%.1f us of it on CPU); over 1 ms: %" PRIu64
		" (%" PRIu64 " on CPU)\n",
		(double)st.max_gap_ns / 1e3, (double)st.max_on_cpu_ns / 1e3, st.gaps_over_1ms,
		st.on_cpu_over_1ms);
	fprintf(out,
		"fib: %u VRF tables (%u small, %u rte_lpm layout; %zu MiB, largest %zu KiB, %u "
		"groups), %u next hops, %u neighbours, %u ECMP next-hop groups\n",
		fs.vrfs, fs.vrfs_small, fs.vrfs - fs.vrfs_small, fs.bytes_total >> 20,
		fs.bytes_per_vrf >> 10, fs.tbl8_groups_used, fs.nh_used, fs.neighbours, fs.groups);
}

static int cmd_show_dataplane(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)ctx;
	const struct sl_tele_src *src = tele_ctl_src(err);
	if (src == NULL)
		return SL_CTL_FAILED;
	/* every lcore but the main one forwards (lib/port's layout) */
	sl_tele_show_dataplane(src, rte_lcore_count() - 1, json, out);
	return SL_CTL_OK;
}
TELE_CTL_COMMAND(cmd_show_dataplane, "show dataplane")
