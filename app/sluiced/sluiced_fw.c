/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_fw.c — the "fw" module, the firewall at leak points in the daemon:
 * build and publish the rulesets after each commit, install the datapath
 * hooks while some direction is guarded (the firewall) or NATed, expire
 * tracked flows. Its show commands are lib/tele's (tele_show.c), registered
 * by the ctl module.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "sl_fw.h"
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
	if (rc < 0) {
		SD_LOG(ERR, "cannot set up the leak-point firewall: %s", strerror(-rc));
		fw_fini(s);
	}
	return rc;
}

static struct sl_module fw_module = {
	.name = "fw", .deps = "fib dp", .init = fw_init, .fini = fw_fini, .timers = fw_timers};
SL_MODULE_REGISTER(fw_module)
