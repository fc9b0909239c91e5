/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_leak.c — /sluice/leak/list[,OFFSET]: every leaked route (lib/audit's
 * view, the same as `sluicectl show leak`), with the packets that crossed
 * its direction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_audit.h"
#include "tele_priv.h"

static int vrf_id(const struct sl_rib *rib, const char *name, uint32_t *id)
{
	struct sl_vrf_info v;
	int rc = sl_rib_vrf_info(rib, name, &v);
	*id = v.id;
	return rc;
}

static int leak_list(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	uint32_t offset;
	if (n_args > 1 || !tele_offset(n_args ? args[0] : NULL, &offset))
		return tele_error(d, "usage: /sluice/leak/list[,OFFSET]");
	struct sl_leak_audit a = {0};
	int rc = sl_leak_audit(src->router, NULL, &a);
	struct sl_tele_counts *c = tele_counts(src->dp);
	struct rte_tel_data *list = tele_dict();
	if (rc < 0 || c == NULL || list == NULL) {
		sl_leak_audit_free(&a);
		free(c);
		rte_tel_data_free(list);
		return rc < 0 ? rc : -ENOMEM;
	}
	const struct sl_rib *rib = sl_router_rib_const(src->router);
	size_t n = 0;
	for (size_t i = offset; i < a.n_received && n < SL_TELE_LEAK_PAGE; i++) {
		const struct sl_leak *l = &a.received[i];
		struct rte_tel_data *e = tele_dict();
		if (e == NULL)
			break;
		char buf[RTE_TEL_MAX_STRING_LEN];
		rte_tel_data_add_dict_string(e, "from", l->origin);
		rte_tel_data_add_dict_string(e, "to", l->vrf);
		rte_tel_data_add_dict_string(e, "prefix", sl_prefix_fmt(l->prefix, buf));
		rte_tel_data_add_dict_string(e, "mechanism", sl_leak_mech_name(l->mech));
		rte_tel_data_add_dict_string(e, "detail", l->detail);
		sl_leak_policy_text(l, buf, sizeof(buf));
		rte_tel_data_add_dict_string(e, "policy", buf);
		rte_tel_data_add_dict_string(e, "route_map", l->rmap);
		rte_tel_data_add_dict_u64(e, "route_map_rule", l->rmap_seq);
		rte_tel_data_add_dict_int(e, "active", l->active);
		rte_tel_data_add_dict_int(e, "selected", l->selected);
		/* packets go the other way round: looked up in the holder, continued
		 * in the origin; counted per direction, not per prefix */
		uint32_t to_id, from_id;
		if (vrf_id(rib, l->vrf, &to_id) == 0 && vrf_id(rib, l->origin, &from_id) == 0)
			rte_tel_data_add_dict_u64(
				e, "direction_packets", sl_tele_leak_packets(c, to_id, from_id));
		if (tele_add_indexed(list, i, e) == 0)
			n++;
	}
	rte_tel_data_start_dict(d);
	tele_page_info(d, a.n_received, offset, n);
	rte_tel_data_add_dict_u64(d, "refused", a.n_refused);
	rte_tel_data_add_dict_container(d, "leaks", list, 0);
	sl_leak_audit_free(&a);
	free(c);
	return 0;
}

TELE_COMMAND(leak_list, "/sluice/leak/list",
	"Every leaked route: from, to, prefix, mechanism, admitting policy. "
	"Parameter: [OFFSET] (paged)")
