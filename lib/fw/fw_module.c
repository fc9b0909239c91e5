/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_module.c — the "fw" module, the firewall at leak points in the daemon:
 * build and publish the rulesets after each commit (from lib/commit's typed
 * spec: this file never reads the configuration), install the datapath
 * hooks while some direction is guarded (the firewall) or NATed, expire
 * tracked flows. Its show commands are lib/tele's (tele_show.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "sl_commit.h"
#include "sl_dp.h"
#include "sl_fib.h"
#include "sl_fw.h"
#include "sl_log.h"
#include "sl_module.h"

_Static_assert(SL_FW_DROP == SL_DP_DENY_DROP && SL_FW_REJECT == SL_DP_DENY_REJECT,
	"lib/fw verdicts are lib/dp deny values");

#define CT_SWEEP_BUDGET 4096 /* slots examined per timer tick (10 ms) */

static struct sl_fw_wiring wire;
static unsigned hooked; /* the datapath calls the firewall (1) and NAT (2) */

void sl_fw_module_wire(const struct sl_fw_wiring *w)
{
	wire = *w;
}

int sl_fw_module_sync(bool force)
{
	struct sl_fw *fw = wire.fw != NULL ? *wire.fw : NULL;
	struct sl_errors warn = {0};
	struct sl_fw_spec *spec = NULL;
	struct sl_fw_set *set = NULL;

	if (fw == NULL || (!force && !sl_router_fw_changed(*wire.router)))
		return 0;
	int rc = sl_router_fw_spec(*wire.router, &spec, &warn);
	if (rc == 0 && (set = sl_fw_build(fw, spec, &warn)) == NULL)
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
	sl_fw_publish(fw, set);
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	/* no guarded or NATed direction: the workers skip the hooks */
	unsigned want = (st.bindings > 0 ? 1u : 0u) | (st.nat_pools > 0 ? 2u : 0u);
	if (want != hooked) {
		const struct sl_dp_leak_filter h = {
			.fn = (want & 1) ? sl_fw_leak_filter : NULL,
			.ctx = fw,
			.nat_out = (want & 2) ? sl_fw_nat_out : NULL,
			.nat_in = (want & 2) ? sl_fw_nat_in : NULL,
			.nat_in_may = (want & 2) ? sl_fw_nat_in_may : NULL,
		};
		int rc = sl_dp_set_leak_hooks(*wire.dp, &h);
		if (rc < 0) {
			sl_log(SL_LOG_ERR, "firewall", "cannot install the leak-point hook: %s",
				strerror(-rc));
			return rc;
		}
		hooked = want;
	}
	sl_log(SL_LOG_INFO, "firewall",
		"%u rulesets, %u rules (%u classifier rules), %u bindings, %u NAT pools",
		st.rulesets, st.rules, st.acl_rules, st.bindings, st.nat_pools);
	return 0;
}

static void fw_fini(void *ctx)
{
	(void)ctx;
	sl_fw_free(*wire.fw);
	*wire.fw = NULL;
}

static void fw_timers(void *ctx)
{
	(void)ctx;
	struct sl_fw *fw = *wire.fw;
	if (fw != NULL) {
		sl_fw_ct_sweep(fw, rte_rdtsc(), CT_SWEEP_BUDGET);
		sl_fw_nat_sweep(fw, rte_rdtsc(), CT_SWEEP_BUDGET);
	}
}

static int fw_init(void *ctx)
{
	if (wire.fw == NULL) {
		sl_log(SL_LOG_ERR, NULL, "firewall: module not wired (sl_fw_module_wire)");
		return -EINVAL;
	}
	unsigned lcore, max_id = 0;
	RTE_LCORE_FOREACH(lcore)
	{
		max_id = RTE_MAX(max_id, lcore);
	}
	struct sl_fw_config cfg = {
		.ct_max = *wire.ct_max,
		.nat_max = *wire.ct_max, /* --conntrack-max bounds the NAT flows too */
		.n_lcores = max_id + 1, /* per-lcore counters for the lcores in use only */
		.socket_id = (int)rte_socket_id(),
		.qsbr = (*wire.fib)->qsbr,
	};
	*wire.fw = sl_fw_new(&cfg);
	int rc = *wire.fw == NULL ? -errno : sl_fw_module_sync(true);
	if (rc < 0) {
		sl_log(SL_LOG_ERR, NULL, "cannot set up the leak-point firewall: %s",
			strerror(-rc));
		fw_fini(ctx);
	}
	return rc;
}

static struct sl_module fw_module = {
	.name = "fw", .deps = "fib dp", .init = fw_init, .fini = fw_fini, .timers = fw_timers};
SL_MODULE_REGISTER(fw_module)
