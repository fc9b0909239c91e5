/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_fw.c — /sluice/firewall/stats: the leak-point firewall's verdicts and
 * conntrack, and which ruleset guards each leak direction that saw packets. */
#include <errno.h>
#include <stdlib.h>

#include "sl_fw.h"
#include "tele_priv.h"

static int fw_stats(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	(void)args;
	if (n_args != 0)
		return tele_error(d, "/sluice/firewall/stats takes no parameter");
	if (src->fw == NULL)
		return tele_error(d, "no firewall in this sluiced");
	struct sl_fw_stats st;
	sl_fw_stats_get(src->fw, &st);
	struct sl_tele_counts *c = tele_counts(src->dp);
	struct rte_tel_data *dirs = tele_dict();
	if (c == NULL || dirs == NULL) {
		free(c);
		rte_tel_data_free(dirs);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "checked", st.checked);
	rte_tel_data_add_dict_u64(d, "classified", st.classified);
	rte_tel_data_add_dict_u64(d, "accepted", st.accepted);
	rte_tel_data_add_dict_u64(d, "dropped", st.dropped);
	rte_tel_data_add_dict_u64(d, "rejected", st.rejected);
	rte_tel_data_add_dict_u64(d, "unguarded", st.unguarded);
	rte_tel_data_add_dict_u64(d, "ct_created", st.ct_created);
	rte_tel_data_add_dict_u64(d, "ct_hits", st.ct_hits);
	rte_tel_data_add_dict_u64(d, "ct_related", st.ct_related);
	rte_tel_data_add_dict_u64(d, "ct_full", st.ct_full);
	rte_tel_data_add_dict_u64(d, "ct_expired", st.ct_expired);
	rte_tel_data_add_dict_u64(d, "ct_entries", st.ct_entries);
	rte_tel_data_add_dict_u64(d, "ct_max", st.ct_max);
	rte_tel_data_add_dict_u64(d, "rulesets", st.rulesets);
	rte_tel_data_add_dict_u64(d, "rules", st.rules);
	rte_tel_data_add_dict_u64(d, "build_ns", st.build_ns);
	/* source NAT (leak-nat) */
	rte_tel_data_add_dict_u64(d, "nat_out", st.nat_out);
	rte_tel_data_add_dict_u64(d, "nat_in", st.nat_in);
	rte_tel_data_add_dict_u64(d, "nat_created", st.nat_created);
	rte_tel_data_add_dict_u64(d, "nat_expired", st.nat_expired);
	rte_tel_data_add_dict_u64(d, "nat_pool_exhausted", st.nat_exhausted);
	rte_tel_data_add_dict_u64(d, "nat_full", st.nat_full);
	rte_tel_data_add_dict_u64(d, "nat_no_flow", st.nat_no_flow);
	rte_tel_data_add_dict_u64(d, "nat_untranslatable", st.nat_untranslatable);
	rte_tel_data_add_dict_u64(d, "nat_icmp_unmatched", st.nat_icmp_unmatched);
	rte_tel_data_add_dict_u64(d, "nat_flushed", st.nat_flushed);
	rte_tel_data_add_dict_u64(d, "nat_entries", st.nat_entries);
	rte_tel_data_add_dict_u64(d, "nat_max", st.nat_max);
	const struct sl_rib *rib = sl_router_rib_const(src->router);
	size_t n = 0;
	for (size_t i = 0; i < c->n_dirs && n < SL_TELE_STATS_MAX; i++) {
		struct rte_tel_data *e = tele_dict();
		if (e == NULL)
			break;
		const char *from = sl_rib_vrf_name(rib, c->dirs[i].from);
		const char *to = sl_rib_vrf_name(rib, c->dirs[i].to);
		const char *rs = sl_fw_binding(src->fw, c->dirs[i].from, c->dirs[i].to);
		rte_tel_data_add_dict_string(e, "from", from ? from : "(deleted)");
		rte_tel_data_add_dict_string(e, "to", to ? to : "(deleted)");
		rte_tel_data_add_dict_u64(e, "packets", c->dirs[i].packets);
		rte_tel_data_add_dict_string(e, "ruleset", rs ? rs : "");
		tele_add_indexed(dirs, n++, e);
	}
	rte_tel_data_add_dict_container(d, "directions", dirs, 0);
	free(c);
	return 0;
}

TELE_COMMAND(fw_stats, "/sluice/firewall/stats",
	"Leak-point firewall: verdicts, conntrack, the ruleset of each leak direction. "
	"No parameters")
