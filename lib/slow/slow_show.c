/* SPDX-License-Identifier: BSD-3-Clause */
/* slow_show.c — `show arp [vrf NAME]`: the neighbour table, text or JSON,
 * and in text what each interface holds and was refused (its limits). */
#include <inttypes.h>
#include <string.h>

#include "slow_priv.h"

void sl_slow_arp_show(const struct sl_slow *sl, FILE *out, uint32_t vrf_id, bool json,
	sl_slow_vrf_name_fn name, void *name_ctx)
{
	bool first = true;
	if (json)
		fprintf(out, "[");
	else
		fprintf(out, "%-16s %-18s %-12s %-16s %s\n", "Address", "HWaddress", "Interface",
			"VRF", "State");
	for (unsigned i = 0; i < sl->neigh_hi; i++) {
		const struct slow_neigh *n = &sl->neigh[i];
		if (n->state == NB_FREE)
			continue;
		const struct sl_fib_iface *f = slow_iface(sl, n->oif);
		if (f == NULL || (vrf_id != SL_SLOW_ALL_VRFS && f->vrf_id != vrf_id))
			continue;
		const char *vname = name != NULL ? name(name_ctx, f->vrf_id) : NULL;
		if (vname == NULL)
			vname = "?";
		char a[16], mac[RTE_ETHER_ADDR_FMT_SIZE] = "(incomplete)";
		sl_addr_fmt(n->ip, a);
		if (n->state != NB_INCOMPLETE)
			rte_ether_format_addr(mac, sizeof(mac), &n->mac);
		if (json)
			fprintf(out,
				"%s{\"address\":\"%s\",\"mac\":\"%s\",\"interface\":\"%s\","
				"\"vrf\":\"%s\",\"state\":\"%s\"}",
				first ? "" : ",", a, mac, f->name, vname,
				slow_neigh_state_name(n->state));
		else
			fprintf(out, "%-16s %-18s %-12s %-16s %s\n", a, mac, f->name, vname,
				slow_neigh_state_name(n->state));
		first = false;
	}
	if (json) {
		fprintf(out, "]\n");
		return;
	}
	const struct sl_fib_ifmap *m = sl_fib_ifmap(sl->cfg.fib);
	for (uint16_t oif = 0; oif < m->n_ifs; oif++) {
		const struct sl_fib_iface *f = &m->ifs[oif];
		const struct slow_if *s = &sl->ifs[oif];
		if (!f->present || (vrf_id != SL_SLOW_ALL_VRFS && f->vrf_id != vrf_id) ||
			(s->n_neigh == 0 && s->refused == 0 && s->arp_limited == 0))
			continue;
		fprintf(out,
			"%s: %u neighbours (%u incomplete, %u packets held); refused %" PRIu64
			", ARP requests rate-limited %" PRIu64 "\n",
			f->name, s->n_neigh, s->n_incomplete, s->n_held, s->refused,
			s->arp_limited);
	}
}
