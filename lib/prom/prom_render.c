/* SPDX-License-Identifier: BSD-3-Clause */
/* prom_render.c — sluiced's metric families from a snapshot (the list and
 * the meaning of each: doc/operations.md, "Monitoring"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sl_prom.h"

#define C SL_PROM_COUNTER
#define G SL_PROM_GAUGE

/* A family of one unlabelled sample. */
static void one(
	struct sl_prom_w *w, const char *name, enum sl_prom_type t, const char *help, uint64_t v)
{
	sl_prom_family(w, name, t, help);
	sl_prom_sample_u64(w, NULL, 0, v);
}

static void one_d(struct sl_prom_w *w, const char *name, const char *help, double v)
{
	sl_prom_family(w, name, G, help);
	sl_prom_sample(w, NULL, 0, v);
}

/* A family of one label: one sample per reason. */
static void by_reason(struct sl_prom_w *w, const char *name, const char *help, const char *label,
	const struct sl_prom_reason *r, size_t n)
{
	sl_prom_family(w, name, C, help);
	for (size_t i = 0; i < n; i++)
		sl_prom_sample_u64(w, (const char *[]){label, r[i].name}, 1, r[i].value);
}

static void daemon_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	one_d(w, "sluice_metrics_render_timestamp_seconds",
		"When sluiced rendered these metrics (Unix time)", s->now);
	one_d(w, "sluice_uptime_seconds", "Seconds since sluiced started", s->uptime);
	one(w, "sluice_workers", G, "Forwarding lcores (0: the main lcore forwards)", s->workers);
}

#define PORT_FAMILY(field, fam, t, help)                                             \
	sl_prom_family(w, fam, t, help);                                             \
	for (size_t i = 0; i < s->n_ports; i++)                                      \
		sl_prom_sample_u64(w, (const char *[]){"port", s->ports[i].name}, 1, \
			(uint64_t)s->ports[i].field);

static void port_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	PORT_FAMILY(link_up, "sluice_port_up", G, "Port link state (1 up)")
	PORT_FAMILY(rx_packets, "sluice_port_rx_packets_total", C, "Packets received by the port")
	PORT_FAMILY(tx_packets, "sluice_port_tx_packets_total", C, "Packets sent by the port")
	PORT_FAMILY(rx_bytes, "sluice_port_rx_bytes_total", C, "Bytes received by the port")
	PORT_FAMILY(tx_bytes, "sluice_port_tx_bytes_total", C, "Bytes sent by the port")
	PORT_FAMILY(rx_missed, "sluice_port_rx_missed_total", C,
		"Packets the port dropped: its rx queues were full")
	PORT_FAMILY(rx_errors, "sluice_port_rx_errors_total", C, "Erroneous packets received")
	PORT_FAMILY(tx_errors, "sluice_port_tx_errors_total", C, "Packets the port failed to send")
	PORT_FAMILY(rx_nombuf, "sluice_port_rx_nombuf_total", C,
		"Receive failures for want of a packet buffer")
}

static void dp_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	one(w, "sluice_dp_rx_packets_total", C, "Packets the workers received", s->rx);
	one(w, "sluice_dp_tx_packets_total", C, "Packets the workers sent", s->tx);
	one(w, "sluice_dp_forwarded_packets_total", C, "Packets forwarded", s->forwarded);
	one(w, "sluice_dp_leaked_packets_total", C,
		"Packets forwarded or punted after a leak redirect into another VRF", s->leaked);
	one(w, "sluice_dp_work_cycles_total", C,
		"TSC cycles the workers spent on packets (sampled one burst in 16, scaled)",
		s->work_cycles);
	by_reason(w, "sluice_drops_total", "Packets the datapath dropped, by reason", "reason",
		s->drops, s->n_drops);
	by_reason(w, "sluice_punts_total", "Packets the datapath handed to the control thread",
		"reason", s->punts, s->n_punts);
	by_reason(w, "sluice_punt_ring_packets_total",
		"Packets the datapath punted, by the ring of their class", "class", s->punt_rings,
		s->n_punt_rings);
	by_reason(w, "sluice_punt_ring_full_total",
		"Punts dropped at the worker, the ring of their class full", "class",
		s->punt_rings_full, s->n_punt_rings);
	one(w, "sluice_slow_path_drops_total", C, "Packets the punt path could not send or hold",
		s->slow_drops);
	one_d(w, "sluice_worker_loop_gap_max_seconds",
		"Longest gap between two passes of a worker loop (wall clock)",
		(double)s->stalls.max_gap_ns / 1e9);
	one_d(w, "sluice_worker_loop_on_cpu_max_seconds",
		"Longest worker loop gap less the time off CPU",
		(double)s->stalls.max_on_cpu_ns / 1e9);
	one(w, "sluice_worker_loop_gaps_over_1ms_total", C, "Worker loop gaps over 1 ms",
		s->stalls.gaps_over_1ms);
	one(w, "sluice_worker_loop_on_cpu_over_1ms_total", C,
		"Worker loop gaps over 1 ms on CPU (stalls of sluice's own)",
		s->stalls.on_cpu_over_1ms);
}

#define VRF_FAMILY(cond, field, fam, t, help)                                              \
	sl_prom_family(w, fam, t, help);                                                   \
	for (size_t i = 0; i < s->n_vrfs; i++)                                             \
		if (cond)                                                                  \
			sl_prom_sample_u64(w, (const char *[]){"vrf", s->vrfs[i].name}, 1, \
				(uint64_t)s->vrfs[i].field);

static void vrf_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	VRF_FAMILY(1, rx_packets, "sluice_vrf_rx_packets_total", C,
		"IPv4 packets looked up, by ingress VRF")
	VRF_FAMILY(1, forwarded, "sluice_vrf_forwarded_packets_total", C,
		"Packets forwarded, by ingress VRF")
	VRF_FAMILY(1, punted, "sluice_vrf_punted_packets_total", C,
		"Packets punted to the control thread (ARP apart), by ingress VRF")
	sl_prom_family(w, "sluice_vrf_routes", G, "RIB routes (candidates) by VRF and source");
	for (size_t i = 0; i < s->n_vrfs; i++)
		for (size_t k = 0; s->vrfs[i].routes != NULL && k < s->n_sources; k++)
			sl_prom_sample_u64(w,
				(const char *[]){"vrf", s->vrfs[i].name, "source", s->sources[k]},
				2, s->vrfs[i].routes[k]);
	VRF_FAMILY(s->vrfs[i].fib, fib_prefixes, "sluice_vrf_fib_prefixes", G,
		"Prefixes in the VRF's FIB table (/1../32)")
	VRF_FAMILY(s->vrfs[i].fib, fib_bytes, "sluice_vrf_fib_bytes", G,
		"DPDK memory of the VRF's FIB table")
	VRF_FAMILY(s->vrfs[i].fib, fib_small, "sluice_vrf_fib_small", G,
		"1: the VRF's table has the small layout; 0: rte_lpm's")
}

static void leak_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	sl_prom_family(w, "sluice_leak_packets_total", C,
		"Packets forwarded from one VRF into another (leak direction)");
	for (size_t i = 0; i < s->n_leaks; i++)
		sl_prom_sample_u64(w,
			(const char *[]){"from", s->leaks[i].from, "to", s->leaks[i].to}, 2,
			s->leaks[i].packets);
	one(w, "sluice_leak_other_packets_total", C,
		"Leaked packets of directions the per-lcore tables had no room for", s->leak_other);
}

static void fib_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	one(w, "sluice_fib_vrf_tables", G, "VRF tables in the FIB", s->fib.vrfs);
	one(w, "sluice_fib_vrf_tables_small", G, "VRF tables with the small layout",
		s->fib.vrfs_small);
	one(w, "sluice_fib_bytes", G, "DPDK memory of every VRF table", s->fib.bytes);
	one(w, "sluice_fib_next_hops", G, "Next hops in use", s->fib.next_hops);
	one(w, "sluice_fib_next_hops_max", G, "Next-hop capacity", s->fib.next_hops_max);
	one(w, "sluice_fib_ecmp_groups", G, "ECMP next-hop groups in use", s->fib.groups);
	one(w, "sluice_fib_promotions_total", C, "Small VRF tables moved to the rte_lpm layout",
		s->fib.promotions);
	one(w, "sluice_neighbours", G, "Neighbour (ARP) entries", s->neigh.entries);
	one(w, "sluice_neighbours_incomplete", G, "Neighbours being resolved", s->neigh.incomplete);
	one(w, "sluice_neighbour_held_packets", G, "Packets held for unresolved neighbours",
		s->neigh.held);
	one(w, "sluice_neighbours_refused_total", C,
		"New neighbours refused (an interface's limit or a full table)", s->neigh.refused);
	one(w, "sluice_arp_rate_limited_total", C, "ARP requests not sent: rate limit",
		s->neigh.arp_limited);
	one(w, "sluice_icmp_rate_limited_total", C,
		"ICMP errors and echo replies not sent: rate limit", s->neigh.icmp_limited);
}

/* Per-rule counters: packets, or bytes. */
static void rule_family(struct sl_prom_w *w, const struct sl_prom_snap *s, const char *name,
	const char *help, bool bytes)
{
	char num[16];
	sl_prom_family(w, name, C, help);
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct sl_prom_rule *r = &s->rules[i];
		snprintf(num, sizeof(num), "%" PRIu32, r->number);
		sl_prom_sample_u64(w,
			(const char *[]){
				"ruleset", r->ruleset, "rule", r->number ? num : "default"},
			2, bytes ? r->bytes : r->packets);
	}
}

static void fw_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	if (!s->fw)
		return;
	const struct sl_prom_reason verdicts[] = {
		{"accept", s->fw_st.accepted},
		{"drop", s->fw_st.dropped},
		{"reject", s->fw_st.rejected},
		{"unguarded", s->fw_st.unguarded},
	};
	one(w, "sluice_firewall_checked_packets_total", C,
		"Packets crossing a leak point seen by the firewall", s->fw_st.checked);
	by_reason(w, "sluice_firewall_packets_total",
		"Leak-point packets by verdict (unguarded: no ruleset on their direction)",
		"verdict", verdicts, sizeof(verdicts) / sizeof(verdicts[0]));
	rule_family(w, s, "sluice_firewall_rule_packets_total",
		"Packets decided by a rule (rule=\"default\": the ruleset's default action)",
		false);
	rule_family(w, s, "sluice_firewall_rule_bytes_total",
		"IPv4 bytes decided by a rule (rule=\"default\": the default action)", true);
	one(w, "sluice_firewall_rulesets", G, "Rulesets in force", s->fw_st.rulesets);
	one(w, "sluice_firewall_rules", G, "Rules in force", s->fw_st.rules);
	one_d(w, "sluice_firewall_build_seconds", "Duration of the last ruleset build",
		(double)s->fw_st.build_ns / 1e9);
	one(w, "sluice_conntrack_entries", G, "Flows tracked at leak points", s->fw_st.ct_entries);
	one(w, "sluice_conntrack_max", G, "Conntrack capacity", s->fw_st.ct_max);
	one(w, "sluice_conntrack_created_total", C, "Flows created", s->fw_st.ct_created);
	one(w, "sluice_conntrack_hits_total", C, "Packets of tracked flows", s->fw_st.ct_hits);
	one(w, "sluice_conntrack_related_total", C,
		"Packets related to a tracked flow (ICMP errors)", s->fw_st.ct_related);
	one(w, "sluice_conntrack_full_total", C, "New flows dropped: the table was full",
		s->fw_st.ct_full);
	one(w, "sluice_conntrack_expired_total", C, "Flows expired", s->fw_st.ct_expired);
}

/* Per leak-nat direction: flows now, or the pool's pairs. */
static void nat_pool_family(struct sl_prom_w *w, const struct sl_prom_snap *s, const char *name,
	const char *help, bool pairs)
{
	sl_prom_family(w, name, G, help);
	for (size_t i = 0; i < s->n_nat_pools; i++) {
		const struct sl_prom_nat_pool *p = &s->nat_pools[i];
		sl_prom_sample_u64(w,
			(const char *[]){"from", p->from, "to", p->to, "pool", p->pool}, 3,
			pairs ? p->pairs : p->flows);
	}
}

static void nat_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	if (!s->fw)
		return;
	const struct sl_prom_reason dirs[] = {{"out", s->nat_st.out}, {"in", s->nat_st.in}};
	const struct sl_prom_reason drops[] = {
		{"pool_exhausted", s->nat_st.exhausted},
		{"full", s->nat_st.full},
		{"no_flow", s->nat_st.no_flow},
		{"untranslatable", s->nat_st.untranslatable},
		{"icmp_unmatched", s->nat_st.icmp_unmatched},
	};
	by_reason(w, "sluice_nat_translated_packets_total",
		"Packets translated at NATed leak points: leaving the customer VRF (out), and "
		"back (in)",
		"direction", dirs, 2);
	by_reason(w, "sluice_nat_dropped_packets_total",
		"Packets source NAT dropped, by reason (telemetry's nat_pool_exhausted, nat_full, "
		"nat_no_flow, nat_untranslatable, nat_icmp_unmatched)",
		"reason", drops, sizeof(drops) / sizeof(drops[0]));
	one(w, "sluice_nat_flows_created_total", C, "NAT flows created", s->nat_st.created);
	one(w, "sluice_nat_flows_expired_total", C, "NAT flows expired", s->nat_st.expired);
	one(w, "sluice_nat_flows_flushed_total", C,
		"NAT flows deleted at a commit: their leak-nat changed or went", s->nat_st.flushed);
	one(w, "sluice_nat_entries", G, "NAT flows now", s->nat_st.entries);
	one(w, "sluice_nat_max", G, "NAT flow capacity", s->nat_st.max);
	nat_pool_family(w, s, "sluice_nat_pool_flows",
		"NAT flows now, by leak-nat direction and pool", false);
	nat_pool_family(w, s, "sluice_nat_pool_pairs",
		"(address, port) pairs of a leak-nat pool (a pair serves one flow per peer)", true);
}

static void control_families(struct sl_prom_w *w, const struct sl_prom_snap *s)
{
	static const char *const phases[] = {"parse", "validate", "rib", "commit"};
	const struct sl_prom_reason results[] = {
		{"ok", s->commits.ok}, {"refused", s->commits.refused}};
	by_reason(w, "sluice_commits_total", "Configuration transactions (configure, reload)",
		"result", results, 2);
	sl_prom_family(w, "sluice_commit_cpu_seconds_total", C,
		"CPU time of the configuration transactions (FIB updates apart)");
	sl_prom_sample(w, NULL, 0, s->commits.cpu_ms / 1e3);
	sl_prom_family(w, "sluice_last_commit_cpu_seconds", G,
		"CPU time of the last transaction by phase (FIB update apart)");
	for (size_t i = 0; i < 4; i++)
		sl_prom_sample(
			w, (const char *[]){"phase", phases[i]}, 1, s->commits.last_ms[i] / 1e3);

	static const char *const states[] = {"disabled", "not_listening", "listening", "connected"};
	sl_prom_family(w, "sluice_fpm_state", G,
		"The FPM listener for FRR's routes: 1 on the current state");
	for (size_t i = 0; i < 4; i++)
		sl_prom_sample_u64(w, (const char *[]){"state", states[i]}, 1,
			s->fpm.state != NULL && strcmp(s->fpm.state, states[i]) == 0);
	one(w, "sluice_fpm_connects_total", C, "Connections from zebra", s->fpm.connects);
	one(w, "sluice_fpm_frames_total", C, "FPM frames received", s->fpm.frames);
	one(w, "sluice_fpm_bytes_total", C, "FPM bytes received", s->fpm.bytes);
	one(w, "sluice_fpm_routes_added_total", C, "Route additions received from zebra",
		s->fpm.routes_add);
	one(w, "sluice_fpm_routes_deleted_total", C, "Route deletions received from zebra",
		s->fpm.routes_del);
}

int sl_prom_render(const struct sl_prom_snap *snap, FILE *out)
{
	struct sl_prom_w w = {.out = out};
	daemon_families(&w, snap);
	port_families(&w, snap);
	dp_families(&w, snap);
	vrf_families(&w, snap);
	leak_families(&w, snap);
	fib_families(&w, snap);
	fw_families(&w, snap);
	nat_families(&w, snap);
	control_families(&w, snap);
	return w.err;
}
