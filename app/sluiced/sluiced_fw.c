/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_fw.c — the "fw" module, the firewall at leak points in the daemon:
 * build and publish the rulesets after each commit, install the datapath hook
 * while some direction is guarded, expire tracked flows, and the commands
 * `show firewall [NAME]`, `show firewall leak-points`, `show conntrack [vrf
 * NAME]`, `show nat translations [vrf NAME]` (each with --json): lib/show's,
 * given lib/fw's counters and flows; NAT's hooks while some direction is NATed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "sl_fw.h"
#include "sl_show.h"
#include "sl_tele.h"
#include "sluiced.h"

_Static_assert(SL_FW_DROP == SL_DP_DENY_DROP && SL_FW_REJECT == SL_DP_DENY_REJECT,
	"lib/fw verdicts are lib/dp deny values");

#define CT_SWEEP_BUDGET 4096 /* slots examined per timer tick (10 ms) */

int sd_fw_sync(struct sd *s, bool force)
{
	struct sl_errors warn = {0};
	struct sl_fw_spec *spec = NULL;
	struct sl_fw_set *set = NULL;

	if (s->fw == NULL || (!force && !sl_router_fw_changed(s->router)))
		return 0;
	int rc = sl_router_fw_spec(s->router, &spec, &warn);
	if (rc == 0 && (set = sl_fw_build(s->fw, spec, &warn)) == NULL)
		rc = -errno;
	sl_fw_spec_free(spec);
	for (size_t i = 0; i < warn.n; i++)
		sl_log(SL_LOG_WARNING, "firewall", "%s", warn.v[i].msg);
	sl_errors_free(&warn);
	if (rc < 0) {
		sl_log(SL_LOG_ERR, "firewall",
			"cannot compile the rulesets (%s): the previous ones stay", strerror(-rc));
		return rc;
	}
	sl_fw_publish(s->fw, set);
	struct sl_fw_stats st;
	sl_fw_stats_get(s->fw, &st);
	/* no guarded or NATed direction: the workers skip the hooks */
	unsigned want = (st.bindings > 0 ? 1u : 0u) | (st.nat_pools > 0 ? 2u : 0u);
	if (want != s->fw_hooked) {
		const struct sl_dp_leak_filter h = {
			.fn = (want & 1) ? sl_fw_leak_filter : NULL,
			.ctx = s->fw,
			.nat_out = (want & 2) ? sl_fw_nat_out : NULL,
			.nat_in = (want & 2) ? sl_fw_nat_in : NULL,
		};
		int rc = sl_dp_set_leak_hooks(s->dp, &h);
		if (rc < 0) {
			sl_log(SL_LOG_ERR, "firewall", "cannot install the leak-point hook: %s",
				strerror(-rc));
			return rc;
		}
		s->fw_hooked = want;
	}
	sl_log(SL_LOG_INFO, "firewall",
		"%u rulesets, %u rules (%u classifier rules), %u bindings, %u NAT pools",
		st.rulesets, st.rules, st.acl_rules, st.bindings, st.nat_pools);
	return 0;
}

static void fw_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_fw_free(s->fw);
	s->fw = NULL;
}

static void fw_timers(void *ctx)
{
	struct sd *s = ctx;
	if (s->fw != NULL) {
		sl_fw_ct_sweep(s->fw, rte_rdtsc(), CT_SWEEP_BUDGET);
		sl_fw_nat_sweep(s->fw, rte_rdtsc(), CT_SWEEP_BUDGET);
	}
}

/* ---- show firewall [NAME | leak-points]: lib/show with lib/fw's counters ---- */

struct fw_live {
	struct sd *s;
	struct sl_tele_counts *counts; /* taken at the first leak_packets call */
};

static int live_rule_counters(
	void *ctx, const char *ruleset, uint32_t number, uint64_t *packets, uint64_t *bytes)
{
	struct fw_live *l = ctx;
	return sl_fw_rule_counters(l->s->fw, ruleset, number, packets, bytes);
}

static void live_summary(void *ctx, struct sl_show_fw_summary *out)
{
	struct fw_live *l = ctx;
	struct sl_fw_stats st;
	sl_fw_stats_get(l->s->fw, &st);
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

static const char *live_binding(void *ctx, uint32_t from, uint32_t to)
{
	struct fw_live *l = ctx;
	return sl_fw_binding(l->s->fw, from, to);
}

/* Packets the workers forwarded from one VRF into another since the last
 * `clear counters` (lib/tele's sums of lib/dp's per-lcore leak counters;
 * directions that found no slot are not included). */
static uint64_t live_leak_packets(void *ctx, uint32_t from, uint32_t to)
{
	struct fw_live *l = ctx;
	if (l->counts == NULL)
		l->counts = sl_tele_counts_now();
	return l->counts != NULL ? sl_tele_leak_packets(l->counts, from, to) : 0;
}

static void live_ct_foreach(void *ctx, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_ct_flow *flow, void *cb_ctx), void *cb_ctx)
{
	struct fw_live *l = ctx;
	sl_fw_ct_foreach(l->s->fw, rte_rdtsc(), vrf_id, max, cb, cb_ctx);
}

static void live_nat_foreach(void *ctx, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_nat_flow *flow, void *cb_ctx), void *cb_ctx)
{
	struct fw_live *l = ctx;
	sl_fw_nat_foreach(l->s->fw, rte_rdtsc(), vrf_id, max, cb, cb_ctx);
}

/* show firewall [NAME | leak-points], show conntrack [vrf NAME],
 * show nat translations [vrf NAME] */
static int cmd_show_fw(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct fw_live l = {.s = ctx};
	const struct sl_show_fw_live live = {
		.ctx = &l,
		.rule_counters = live_rule_counters,
		.summary = live_summary,
		.binding = live_binding,
		.leak_packets = live_leak_packets,
		.ct_foreach = live_ct_foreach,
		.nat_foreach = live_nat_foreach,
	};
	int rc = strcmp(argv[1], "conntrack") == 0
			 ? sl_show_conntrack(l.s->router, &live, argc - 2, argv + 2, json, out, err)
		 : strcmp(argv[1], "nat") == 0
			 ? sl_show_nat(l.s->router, &live, argc - 2, argv + 2, json, out, err)
			 : sl_show_firewall(l.s->router, &live, argc - 2, argv + 2, json, out, err);
	free(l.counts);
	return rc == -EINVAL ? SL_CTL_USAGE : rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

static int fw_init(void *ctx)
{
	struct sd *s = ctx;
	unsigned lcore, max_id = 0;
	RTE_LCORE_FOREACH(lcore)
	{
		max_id = RTE_MAX(max_id, lcore);
	}
	struct sl_fw_config cfg = {
		.ct_max = s->ct_max,
		.nat_max = s->ct_max, /* --conntrack-max bounds the NAT flows too */
		.n_lcores = max_id + 1, /* per-lcore counters for the lcores in use only */
		.socket_id = (int)rte_socket_id(),
		.qsbr = s->fib->qsbr,
	};
	s->fw = sl_fw_new(&cfg);
	int rc = s->fw == NULL ? -errno : sd_fw_sync(s, true);
	if (rc == 0)
		rc = sl_ctl_register("show firewall", cmd_show_fw, s);
	if (rc == 0)
		rc = sl_ctl_register("show firewall leak-points", cmd_show_fw, s);
	if (rc == 0)
		rc = sl_ctl_register("show conntrack", cmd_show_fw, s);
	if (rc == 0)
		rc = sl_ctl_register("show nat translations", cmd_show_fw, s);
	if (rc < 0) {
		SD_LOG(ERR, "cannot set up the leak-point firewall: %s", strerror(-rc));
		fw_fini(s);
	}
	return rc;
}

static struct sl_module fw_module = {
	.name = "fw", .deps = "fib dp", .init = fw_init, .fini = fw_fini, .timers = fw_timers};
SL_MODULE_REGISTER(fw_module)
