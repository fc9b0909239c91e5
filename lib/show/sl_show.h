/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_show.h — operational `show` commands over the control-plane state,
 * in FRR/VyOS-style text or JSON. Shared by `sluicectl --offline` and the
 * daemon's control socket. Plain C (jansson for JSON), no DPDK.
 */
#ifndef SL_SHOW_H
#define SL_SHOW_H

#include <stdint.h>
#include <stdio.h>

#include "sl_commit.h"

/*
 * Run one show command, argv[0] being "show" (e.g. {"show","ip","route","vrf","A"}).
 * A trailing "|" pipeline is the caller's business. Output goes to out,
 * diagnostics to err.
 * Returns 0 on success, -ENOENT when the command is not one of lib/show's
 * (the daemon then tries its own), -EINVAL on a bad argument (message on err).
 */
int sl_show_exec(const struct sl_router *r, int argc, char **argv, bool json, FILE *out, FILE *err);

/*
 * What only the forwarding plane knows, for `show firewall ...` (sluiced:
 * lib/fw's counters and published bindings, lib/dp's leak counters). Without
 * it (offline) the commands show the configuration alone.
 */
struct sl_show_fw_summary {
	uint64_t classified, accepted, dropped, rejected, unguarded;
	uint64_t ct_entries, ct_max, ct_full, ct_created, ct_expired;
	uint64_t build_ns;
};
struct sl_show_fw_live {
	void *ctx;
	/* Packets and bytes of rule `number` of `ruleset` (0: its default
	 * action); 0, or -ENOENT when the rule is not enforced. */
	int (*rule_counters)(void *ctx, const char *ruleset, uint32_t number, uint64_t *packets,
		uint64_t *bytes);
	void (*summary)(void *ctx, struct sl_show_fw_summary *out);
	/* The ruleset enforced on from → to (VRF ids), or NULL. */
	const char *(*binding)(void *ctx, uint32_t from, uint32_t to);
	/* Packets forwarded from → to since the last clear. */
	uint64_t (*leak_packets)(void *ctx, uint32_t from, uint32_t to);
	/* Each tracked flow with a side in vrf_id (UINT32_MAX: all), at most
	 * max of them; cb returns non-zero to stop. */
	void (*ct_foreach)(void *ctx, uint32_t vrf_id, size_t max,
		int (*cb)(const struct sl_fw_ct_flow *flow, void *cb_ctx), void *cb_ctx);
};

/*
 * `show firewall [NAME | leak-points]`, argv being the words after
 * "firewall"; live NULL: offline. 0, -EINVAL (usage, on err), -ESRCH (no
 * such ruleset, on err), -ENOMEM.
 */
int sl_show_firewall(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err);

/*
 * `show conntrack [vrf NAME]`, argv being the words after "conntrack": the
 * first SL_SHOW_CT_MAX tracked flows (live->ct_foreach) and the table's
 * fill (live->summary). 0, -EINVAL (usage, on err), -ESRCH (no such VRF, on
 * err); live NULL (offline): -ENOTSUP.
 */
#define SL_SHOW_CT_MAX 1000
int sl_show_conntrack(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err);

/* One line per command lib/show knows, for `help` and completion. */
void sl_show_help(FILE *out);

#endif
