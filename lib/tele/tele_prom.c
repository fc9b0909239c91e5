/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tele_prom.c — the Prometheus snapshot (lib/prom's struct sl_prom_snap)
 * from what the telemetry commands read: datapath counters, the slow path,
 * VRFs (RIB routes by source, packets, FIB tables), leak directions, the
 * FIB, the firewall and its rule counters, source NAT by leak-nat
 * direction, commits. Control thread.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "sl_fw.h"
#include "sl_slow.h"
#include "sl_tele.h"

struct vrf_acc {
	struct sl_tele_prom *p;
	size_t cap;
	const struct sl_tele_counts *counts;
	const struct sl_fib *fib;
};

static int vrf_add(const struct sl_vrf_info *vi, void *ctx)
{
	struct vrf_acc *a = ctx;
	struct sl_prom_snap *snap = &a->p->snap;
	if (snap->n_vrfs == a->cap)
		return 1; /* the RIB grew since it was counted: the rest next time */
	struct sl_prom_vrf *v = &a->p->vrfs[snap->n_vrfs];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", vi->name);
	if (a->counts != NULL && vi->id < SL_VRF_MAX) {
		v->rx_packets = a->counts->vrf[vi->id].ipv4_rx;
		v->forwarded = a->counts->vrf[vi->id].forwarded;
		v->punted = a->counts->vrf[vi->id].punted;
	}
	memcpy(a->p->routes[snap->n_vrfs], vi->n_routes, sizeof(vi->n_routes));
	v->routes = a->p->routes[snap->n_vrfs];
	struct sl_fib_vrf_stats fs;
	if (sl_fib_vrf_stats_get(a->fib, vi->id, &fs) == 0) {
		v->fib = true;
		v->fib_prefixes = fs.routes;
		v->fib_bytes = fs.bytes;
		v->fib_small = fs.small;
	}
	snap->n_vrfs++;
	return 0;
}

static int vrf_count(const struct sl_vrf_info *vi, void *ctx)
{
	(void)vi;
	(*(size_t *)ctx)++;
	return 0;
}

/* Rule counters of every compiled rule, and of each ruleset's default action. */
static void rules_fill(
	const struct sl_tele_src *src, const struct sl_fw_spec *spec, struct sl_prom_snap *snap)
{
	size_t cap = 0;
	for (size_t i = 0; i < spec->n_rulesets; i++)
		cap += spec->rulesets[i].n_rules + 1;
	snap->rules = calloc(cap ? cap : 1, sizeof(*snap->rules));
	for (size_t i = 0; snap->rules != NULL && i < spec->n_rulesets; i++) {
		const struct sl_fw_ruleset_spec *rs = &spec->rulesets[i];
		for (size_t k = 0; k <= rs->n_rules; k++) {
			struct sl_prom_rule *r = &snap->rules[snap->n_rules];
			r->number = k == 0 ? 0 : rs->rules[k - 1].number;
			snprintf(r->ruleset, sizeof(r->ruleset), "%s", rs->name);
			/* disabled and unusable rules are not compiled: -ENOENT */
			if (sl_fw_rule_counters(
				    src->fw, rs->name, r->number, &r->packets, &r->bytes) == 0)
				snap->n_rules++;
		}
	}
}

struct nat_acc {
	const struct sl_fw_spec *spec;
	struct sl_prom_nat_pool *pools; /* as spec->nats */
	size_t last; /* the previous flow's direction: flows come in runs */
};

/* A NAT flow counted on its leak-nat direction (the spec's nats). */
static int nat_flow_count(const struct sl_fw_nat_flow *f, void *ctx)
{
	struct nat_acc *a = ctx;
	size_t n = a->spec->n_nats;
	for (size_t k = 0; k < n; k++) {
		size_t i = (a->last + k) % n;
		const struct sl_fw_nat_spec *s = &a->spec->nats[i];
		if (s->from_vrf == f->vrf[0] && s->to_vrf == f->vrf[1]) {
			a->pools[i].flows++;
			a->last = i;
			break;
		}
	}
	return 0;
}

/* Source NAT: its counters, and each leak-nat direction's pool and flows. */
static void nat_fill(
	const struct sl_tele_src *src, const struct sl_fw_spec *spec, struct sl_prom_snap *snap)
{
	snap->nat_pools = calloc(spec->n_nats ? spec->n_nats : 1, sizeof(*snap->nat_pools));
	if (snap->nat_pools == NULL)
		return;
	for (size_t i = 0; i < spec->n_nats; i++) {
		const struct sl_fw_nat_spec *n = &spec->nats[i];
		struct sl_prom_nat_pool *p = &snap->nat_pools[i];
		char pool[SL_PREFIX_STR];
		snprintf(p->from, sizeof(p->from), "%s", n->from);
		snprintf(p->to, sizeof(p->to), "%s", n->to);
		snprintf(p->pool, sizeof(p->pool), "%s", sl_prefix_fmt(n->pool, pool));
		p->pairs = sl_fw_nat_pool_pairs(n);
	}
	snap->n_nat_pools = spec->n_nats;
	struct nat_acc acc = {.spec = spec, .pools = snap->nat_pools};
	if (spec->n_nats > 0)
		sl_fw_nat_foreach(src->fw, rte_rdtsc(), UINT32_MAX, SIZE_MAX, nat_flow_count, &acc);
}

/* The firewall's figures: totals, rules, NAT. */
static void fw_fill(const struct sl_tele_src *src, struct sl_prom_snap *snap)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(src->fw, &st);
	snap->fw = true;
	snap->fw_st.checked = st.checked, snap->fw_st.classified = st.classified;
	snap->fw_st.accepted = st.accepted, snap->fw_st.dropped = st.dropped;
	snap->fw_st.rejected = st.rejected, snap->fw_st.unguarded = st.unguarded;
	snap->fw_st.ct_created = st.ct_created, snap->fw_st.ct_hits = st.ct_hits;
	snap->fw_st.ct_related = st.ct_related, snap->fw_st.ct_full = st.ct_full;
	snap->fw_st.ct_expired = st.ct_expired, snap->fw_st.ct_entries = st.ct_entries;
	snap->fw_st.ct_max = st.ct_max, snap->fw_st.rulesets = st.rulesets;
	snap->fw_st.rules = st.rules, snap->fw_st.build_ns = st.build_ns;
	snap->nat_st = (struct sl_prom_nat_st){.out = st.nat_out,
		.in = st.nat_in,
		.created = st.nat_created,
		.expired = st.nat_expired,
		.flushed = st.nat_flushed,
		.exhausted = st.nat_exhausted,
		.full = st.nat_full,
		.no_flow = st.nat_no_flow,
		.untranslatable = st.nat_untranslatable,
		.icmp_unmatched = st.nat_icmp_unmatched,
		.entries = st.nat_entries,
		.max = st.nat_max};
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	int rc = sl_router_fw_spec(src->router, &spec, &msgs);
	sl_errors_free(&msgs);
	if (rc < 0)
		return;
	rules_fill(src, spec, snap);
	nat_fill(src, spec, snap);
	sl_fw_spec_free(spec);
}

static void dp_fill(const struct sl_tele_src *src, struct sl_tele_prom *p)
{
	struct sl_prom_snap *snap = &p->snap;
	struct sl_dp_counters c;
	sl_dp_counters_sum(src->dp, &c);
	snap->rx = c.rx, snap->tx = c.tx, snap->forwarded = c.forwarded;
	snap->leaked = c.leaked, snap->work_cycles = c.work_cycles;
	for (int i = 0; i < SL_DP_DROP__COUNT; i++)
		p->drops[i] = (struct sl_prom_reason){sl_dp_drop_names[i], c.dropped[i]};
	for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
		p->punts[i] = (struct sl_prom_reason){sl_dp_punt_names[i], c.punted[i]};
	snap->drops = p->drops, snap->n_drops = SL_DP_DROP__COUNT;
	snap->punts = p->punts, snap->n_punts = SL_DP_PUNT__COUNT;
	for (int i = 0; i < SL_DP_PC__COUNT; i++) {
		p->rings[i] = (struct sl_prom_reason){sl_dp_pclass_names[i], c.pclass_punted[i]};
		p->rings[SL_DP_PC__COUNT + i] =
			(struct sl_prom_reason){sl_dp_pclass_names[i], c.pclass_full[i]};
	}
	snap->punt_rings = p->rings, snap->punt_rings_full = p->rings + SL_DP_PC__COUNT;
	snap->n_punt_rings = SL_DP_PC__COUNT;
	struct sl_dp_stalls st;
	sl_dp_stalls_get(src->dp, &st);
	snap->stalls.max_gap_ns = st.max_gap_ns, snap->stalls.max_on_cpu_ns = st.max_on_cpu_ns;
	snap->stalls.gaps_over_1ms = st.gaps_over_1ms;
	snap->stalls.on_cpu_over_1ms = st.on_cpu_over_1ms;
	if (src->slow == NULL)
		return;
	struct sl_slow_stats ss;
	sl_slow_stats_get(src->slow, &ss);
	snap->slow_drops = ss.drops;
	snap->neigh.entries = ss.neighbours, snap->neigh.incomplete = ss.incomplete;
	snap->neigh.held = ss.held, snap->neigh.refused = ss.neigh_refused;
	snap->neigh.arp_limited = ss.arp_limited, snap->neigh.icmp_limited = ss.icmp_limited;
}

static void tables_fill(const struct sl_tele_src *src, struct sl_prom_snap *snap)
{
	struct sl_fib_stats fs;
	sl_fib_stats_get(src->fib, &fs);
	snap->fib.vrfs = fs.vrfs, snap->fib.vrfs_small = fs.vrfs_small;
	snap->fib.next_hops = fs.nh_used, snap->fib.next_hops_max = fs.nh_capacity;
	snap->fib.groups = fs.groups, snap->fib.bytes = fs.bytes_total;
	snap->fib.promotions = fs.promotions;
	if (src->fw != NULL)
		fw_fill(src, snap);
	struct sl_commit_counts cc;
	struct sl_apply_stats as;
	sl_router_commit_counts(src->router, &cc);
	sl_router_apply_stats(src->router, &as);
	snap->commits.ok = cc.ok, snap->commits.refused = cc.refused;
	snap->commits.cpu_ms = cc.cpu_ms;
	snap->commits.last_ms[0] = as.parse_ms, snap->commits.last_ms[1] = as.validate_ms;
	snap->commits.last_ms[2] = as.rib_ms, snap->commits.last_ms[3] = as.commit_ms;
}

/* VRFs (RIB names and routes, datapath packets, FIB tables) and leak
 * directions, since the last `clear counters`. */
static void vrfs_fill(const struct sl_tele_src *src, struct sl_tele_prom *p)
{
	struct sl_prom_snap *snap = &p->snap;
	for (int k = 0; k < SL_SRC__COUNT; k++)
		p->sources[k] = sl_rt_source_name((enum sl_rt_source)k);
	snap->sources = p->sources, snap->n_sources = SL_SRC__COUNT;

	const struct sl_rib *rib = sl_router_rib_const(src->router);
	struct sl_tele_counts *counts = sl_tele_counts_now();
	size_t n = 0;
	sl_rib_vrf_foreach(rib, vrf_count, &n);
	struct vrf_acc acc = {.p = p, .cap = n, .counts = counts, .fib = src->fib};
	p->vrfs = calloc(n ? n : 1, sizeof(*p->vrfs));
	p->routes = calloc(n ? n : 1, sizeof(*p->routes));
	if (p->vrfs != NULL && p->routes != NULL)
		sl_rib_vrf_foreach(rib, vrf_add, &acc);
	snap->vrfs = p->vrfs;

	if (counts != NULL) {
		snap->leaks = calloc(counts->n_dirs ? counts->n_dirs : 1, sizeof(*snap->leaks));
		for (size_t i = 0; snap->leaks != NULL && i < counts->n_dirs; i++) {
			const char *f = sl_rib_vrf_name(rib, counts->dirs[i].from);
			const char *t = sl_rib_vrf_name(rib, counts->dirs[i].to);
			struct sl_prom_leak *l = &snap->leaks[snap->n_leaks++];
			snprintf(l->from, sizeof(l->from), "%s", f ? f : "(deleted)");
			snprintf(l->to, sizeof(l->to), "%s", t ? t : "(deleted)");
			l->packets = counts->dirs[i].packets;
		}
		snap->leak_other = counts->leak_other;
	}
	free(counts);
}

void sl_tele_prom_fill(const struct sl_tele_src *src, struct sl_tele_prom *p)
{
	dp_fill(src, p);
	vrfs_fill(src, p);
	tables_fill(src, &p->snap);
}

void sl_tele_prom_free(struct sl_tele_prom *p)
{
	free(p->snap.leaks);
	free(p->snap.rules);
	free(p->snap.nat_pools);
	free(p->vrfs);
	free(p->routes);
	p->snap.leaks = NULL, p->snap.rules = NULL, p->vrfs = NULL, p->routes = NULL;
	p->snap.nat_pools = NULL;
	p->snap.n_leaks = p->snap.n_rules = p->snap.n_vrfs = p->snap.n_nat_pools = 0;
}
