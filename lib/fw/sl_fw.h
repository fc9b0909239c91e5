/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_fw.h — the firewall at leak points: rulesets bound to a direction
 * between two VRFs ("from CUSTOMER-A to SHARED"), each ruleset compiled to its
 * own rte_acl context, and stateful connection tracking of the flows that
 * cross VRFs.
 *
 * Semantics. A packet whose forwarding crosses from VRF X into VRF Y (a leak
 * redirect or a cross-VRF static route) is checked against the ruleset bound
 * to X→Y (`set vrf name X leak-firewall to Y name RS`). The first enabled
 * rule in rule-number order that matches decides; no match → the ruleset's
 * default-action (drop when unset). No binding on X→Y: the packet passes
 * unclassified. Packets that stay in their VRF never reach this module.
 * State first: when the first rule that can match a packet's state matches
 * any packet of it (rule 1 `state established`, or a rule without
 * conditions), that rule decides without a classifier walk (the same
 * verdict and counters as the walk); and a tracked TCP/UDP flow keeps the
 * walk's result per direction and state until the next publish.
 *
 * States (rule `state ...`, one-hot, see enum sl_fw_state):
 *   new          no tracked flow: a TCP SYN (no ACK/RST/FIN), any UDP packet,
 *                an ICMP query (echo, timestamp, info, mask request), any other
 *                protocol; also later packets of a flow in its original
 *                direction until a reply has been seen;
 *   established  a tracked flow in its reply direction, or in either direction
 *                once a reply was seen;
 *   related      an ICMP error (unreachable, source quench, redirect, time
 *                exceeded, parameter problem) quoting a tracked flow;
 *   invalid      anything else: TCP without SYN and without a flow, an ICMP
 *                reply or error for no flow, a truncated L4 header, a
 *                non-first fragment (ports unknown; not reassembled).
 * A flow is tracked when a packet in state new is accepted (by a rule, the
 * default action, or because its direction has no binding) and a ruleset
 * bound on either direction of the pair {X, Y} has a rule matching `state`:
 * only then can a state change a verdict, so only then do the pair's packets
 * pay for a conntrack lookup and its flows for a table entry. The flows of a
 * pair whose bound rulesets are stateless are not tracked: they do not
 * appear in sl_fw_ct_foreach (`show conntrack`) nor in the ct_* statistics,
 * and a full table does not drop them; their verdicts are those the same
 * rules give on a tracked pair. Adding a state rule to such a ruleset tracks
 * the pair from the next publish on (flows already open are then new or,
 * for TCP without SYN, invalid). When the table holds ct_max flows, a new
 * flow is dropped (SL_FW_DROP) and counted as conntrack_full; tracked flows
 * are unaffected.
 *
 * Concurrency contract. One control thread calls the non-datapath functions.
 * Workers call sl_fw_check_burst (or the sl_fw_leak_filter adapter) between
 * two quiescent-state reports on the QSBR given in sl_fw_config (sluiced:
 * the FIB's); they never lock for a packet of a tracked flow. The compiled
 * set is published by an atomic pointer store and the old one is freed after
 * a grace period. The conntrack table is one rte_hash shared by the workers
 * with lock-free readers (RW_CONCURRENCY_LF); flow creation (once per flow)
 * and the sweeper's deletions take a lock (and rte_hash's writer lock,
 * MULTI_WRITER_ADD): per-lcore tables would need a lookup in every
 * worker's table for each reply, which may arrive on another worker. Each
 * lcore keeps position hints in front of the table (a hint is trusted only
 * when the entry it names is live and holds the flow's key), and in front
 * of both, flow lines (fw_line.h): a TCP (no SYN/FIN/RST) or UDP packet
 * of a flow the lcore saw is decided, or translated leaving, from its
 * line before any parse; a line is of the published set only (a publish
 * invalidates them all) and reads its entry unless no entry was killed
 * since and this lcore refreshed it within the refresh interval. Entries
 * carry their last-seen TSC, rewritten at most 16 times a second (a flow may
 * expire up to 1/16 s early); sl_fw_ct_sweep (control thread) deletes
 * expired ones and frees their slots only after a grace period. A packet
 * accepted in state new, or as part of a tracked flow, leaves its flow
 * tracked (unless dropped as conntrack_full), even when the sweeper deletes
 * the flow meanwhile: the worker then re-creates it, under the creation lock.
 *
 * Errors: 0 or a negative errno; constructors NULL with errno set.
 */
#ifndef SL_FW_H
#define SL_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "sl_types.h"

struct sl_fw;
struct sl_fw_set;

#define SL_FW_BURST 64 /* packets per sl_fw_check_burst call, at most */

/* Verdicts (also what the sl_fw_leak_filter adapter writes to deny[]). */
enum sl_fw_verdict {
	SL_FW_ACCEPT = 0,
	SL_FW_DROP = 1,
	SL_FW_REJECT = 2, /* drop and answer: ICMP 3/13, TCP RST for TCP (slow path) */
};

/* Connection states, one bit each (a rule's `state` values are a set). */
enum sl_fw_state {
	SL_FW_ST_NEW = 1,
	SL_FW_ST_ESTABLISHED = 2,
	SL_FW_ST_RELATED = 4,
	SL_FW_ST_INVALID = 8,
};

/* Idle timeouts of tracked flows, in seconds; 0 fields take the defaults. */
struct sl_fw_timeouts {
	uint32_t tcp_syn; /* no reply yet: 30 */
	uint32_t tcp_established; /* 7200 */
	uint32_t tcp_close; /* FIN seen both ways or RST: 10 */
	uint32_t udp; /* no reply yet: 30 */
	uint32_t udp_stream; /* replied: 180 */
	uint32_t icmp; /* 30 */
	uint32_t other; /* other protocols: 600 */
};

struct sl_fw_config {
	uint32_t ct_max; /* tracked flows at most; 0: 65536 */
	uint32_t nat_max; /* NAT flows at most; 0: 65536 */
	uint32_t n_lcores; /* workers' lcore ids are < n_lcores; 0: RTE_MAX_LCORE */
	uint64_t tsc_hz; /* units of `now`; 0: rte_get_tsc_hz() */
	int socket_id; /* SOCKET_ID_ANY allowed */
	struct rte_rcu_qsbr *qsbr; /* the workers' QSBR; NULL: no concurrent readers (tests) */
	struct sl_fw_timeouts timeouts;
	/* a ruleset's classifier (per state) of at most this many rte_acl rules
	 * (a rule's port ranges × states) is bit vectors, a larger one rte_acl;
	 * 0: 512; -1: rte_acl always (tests, benchmarks) */
	int32_t bv_rules_max;
};

/* Needs EAL. NULL with errno (EINVAL, ENOMEM, EEXIST...). */
struct sl_fw *sl_fw_new(const struct sl_fw_config *cfg);
/* Frees everything; no worker may be inside sl_fw_check_burst. */
void sl_fw_free(struct sl_fw *fw);

/* ---- compile and publish (control thread) ---------------------------- */

/*
 * Compile a firewall spec (lib/commit's typed view of `firewall ipv4 name`
 * rulesets and `vrf name X leak-firewall to Y name RS` bindings, VRF ids
 * resolved) into a set ready to publish. Rules that are disabled or not
 * usable are left out; problems that do not stop the build (a rule whose
 * port lists expand too far, a VRF id beyond 65535) are appended to warn
 * (may be NULL) with line 0. NULL with errno: EINVAL, ENOMEM, E2BIG (more
 * than 16383 rulesets), or the rte_acl build's error.
 */
struct sl_fw_set *sl_fw_build(
	struct sl_fw *fw, const struct sl_fw_spec *spec, struct sl_errors *warn);
/* Free a set that was never published. */
void sl_fw_set_free(struct sl_fw_set *set);

/*
 * Make set the one the workers use (takes ownership; NULL: no firewall),
 * wait for a grace period, carry the old set's counters over to the rules
 * that keep their (ruleset, rule number), and free the old set. NAT flows
 * whose pool the new set no longer has (the leak-nat removed, its pool or
 * ports changed) are deleted then and counted (nat_flushed); the others go
 * on.
 */
int sl_fw_publish(struct sl_fw *fw, struct sl_fw_set *set);

/*
 * Expire idle flows: examine up to `budget` table slots from where the last
 * call stopped, delete the expired ones, and release the slots deleted by an
 * earlier call whose grace period has ended. Never blocks. Returns the
 * number of flows deleted by this call.
 */
unsigned sl_fw_ct_sweep(struct sl_fw *fw, uint64_t now, uint32_t budget);
/* Delete every tracked flow (waits for a grace period). */
void sl_fw_ct_flush(struct sl_fw *fw);

/* ---- datapath (worker lcores) ----------------------------------------- */

/*
 * Decide packets l3[0..n) (n <= SL_FW_BURST), each an IPv4 header with
 * l3_len[i] contiguous bytes (header validated by the caller), forwarded
 * from VRF from_vrf[i] into VRF to_vrf[i] != from_vrf[i]. verdict[i] gets an
 * enum sl_fw_verdict. lcore < n_lcores (its counters); now is a TSC value
 * read once per burst. Tracks new flows and refreshes tracked ones.
 */
void sl_fw_check_burst(struct sl_fw *fw, unsigned lcore, uint64_t now, const uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n,
	uint8_t *verdict);

/*
 * Adapter with the shape of lib/dp's leak-point filter hook (ctx: the
 * struct sl_fw): reads rte_lcore_id() and the TSC, splits bursts over
 * SL_FW_BURST, writes enum sl_fw_verdict values to deny[].
 */
void sl_fw_leak_filter(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny);

/* ---- source NAT at leak points (fw_nat.c) -------------------------------
 *
 * `vrf name FROM leak-nat to TO source translation address POOL` (spec
 * nats). A packet leaving FROM into TO that the firewall accepted gets a
 * source address and port from POOL (TCP, UDP; an ICMP echo request gets an
 * identifier), one per flow (endpoint-dependent: a pair is reused towards
 * other peers); a packet arriving in TO for a POOL address (routed there by
 * the pool's route, a redirect into FROM) is a reply: the flow gives back
 * the host's address and port, before the lookup in FROM; so are ICMP errors
 * quoting a translated packet (outer destination, inner source, their
 * checksums), and ICMP errors FROM's hosts send about a reply of a flow
 * (outer source, inner destination and port: the pool's again). What
 * cannot be translated leaving (other protocols, fragments) is dropped
 * (nat_untranslatable); ICMP leaving that no flow explains (neither an echo
 * request nor an error quoting a flow's reply) is dropped
 * (nat_icmp_unmatched); an arrival for the pool with no flow is dropped
 * (nat_no_flow). A new flow
 * tries up to 64 (address, port) pairs (ports 1024-65535; a pool of 4
 * addresses or more leaves out its first and last) from a hash of it:
 * none free is nat_pool_exhausted, the flow dropped, the others untouched;
 * a full table (nat_max) nat_full. Flows expire as conntrack's do; a
 * publish deletes those whose pool the new set lacks (nat_flushed).
 * Checksums: incremental (RFC 1624), IPv4 header and L4 (a UDP checksum
 * of 0 stays 0). Concurrency: as conntrack (above).
 */

/*
 * Rewrite the source (dst false) or destination address of the IPv4 packet
 * ip (len bytes available) and its TCP/UDP port or ICMP echo identifier,
 * keeping the header and L4 checksums true. 0, or -EINVAL: not a packet
 * with such a field (another protocol, a fragment, a short header).
 */
int sl_fw_nat_rewrite(uint8_t *ip, uint32_t len, bool dst, uint32_t addr, uint16_t port);

/*
 * Datapath, as sl_fw_check_burst: packets l3[0..n) (n <= SL_FW_BURST,
 * l3_len bytes available each). out: leaving from_vrf[i] into to_vrf[i],
 * deny[i] 0 (accepted by the firewall; others are skipped): translated, or
 * deny[i] = SL_FW_DROP. in: arriving in in_vrf[i], redirected into
 * target_vrf[i]: those for a pool of target → in are translated back or
 * get deny[i] = SL_FW_DROP; deny[] is written for every packet. Both return
 * how many packets they translated or denied.
 */
uint16_t sl_fw_nat_out_burst(struct sl_fw *fw, unsigned lcore, uint64_t now, uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n,
	uint8_t *deny);
uint16_t sl_fw_nat_in_burst(struct sl_fw *fw, unsigned lcore, uint64_t now, uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *in_vrf, const uint32_t *target_vrf, uint16_t n,
	uint8_t *deny);
/* Adapters with the shape of lib/dp's NAT hooks (ctx: the struct sl_fw);
 * return how many packets they translated or denied. sl_fw_nat_in leaves
 * deny[] as the caller set it (lib/dp: zeroes) when no pool can take a
 * reply on any of the burst's (in, target) pairs: most redirects. */
uint16_t sl_fw_nat_out(void *ctx, struct rte_mbuf **pkts, uint8_t *const *l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny);
uint16_t sl_fw_nat_in(void *ctx, struct rte_mbuf **pkts, uint8_t *const *l3, const uint32_t *in_vrf,
	const uint32_t *target_vrf, uint16_t n, uint8_t *deny);
/* lib/dp's nat_in_may: whether some pool of target → in can take a reply
 * that arrived in in_vrf, redirected into target_vrf. */
bool sl_fw_nat_in_may(void *ctx, uint32_t in_vrf, uint32_t target_vrf);

/* Expire idle NAT flows, as sl_fw_ct_sweep; flush: every one. */
unsigned sl_fw_nat_sweep(struct sl_fw *fw, uint64_t now, uint32_t budget);
void sl_fw_nat_flush(struct sl_fw *fw);
/* The (address, port) pairs pool n translates to (metrics: its use). */
uint64_t sl_fw_nat_pool_pairs(const struct sl_fw_nat_spec *n);
/* Each NAT flow (vrf_id: with a side in it; UINT32_MAX: all), at most max. */
size_t sl_fw_nat_foreach(const struct sl_fw *fw, uint64_t now, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_nat_flow *flow, void *ctx), void *ctx);

/* ---- slow path --------------------------------------------------------- */

/*
 * The TCP RST answering the TCP segment ip (len bytes from its IPv4 header),
 * as if sent by its destination: IPv4 (TTL 64) + TCP header with checksums,
 * written to out. Returns its length, -EINVAL when ip is not a TCP segment
 * with a full header or is itself a RST, -ENOSPC when outsz is too small.
 */
int sl_fw_tcp_rst(const uint8_t *ip, size_t len, uint8_t *out, size_t outsz);

/* ---- reading (show, telemetry) ----------------------------------------- */

struct sl_fw_stats {
	uint64_t checked; /* crossing packets seen by sl_fw_check_burst */
	uint64_t classified; /* ... with a ruleset bound to their direction */
	uint64_t accepted, dropped, rejected; /* verdicts of classified packets */
	uint64_t unguarded; /* crossing packets with no binding on their direction */
	uint64_t ct_created, ct_hits, ct_related;
	uint64_t ct_full; /* new flows dropped: table full (conntrack_full) */
	uint64_t ct_expired; /* deleted by the sweeper */
	/* packets decided by their flow line (fw_line.h): of ct_hits, and of
	 * nat_out */
	uint64_t ct_line_hits, nat_line_hits;
	uint32_t ct_entries, ct_max;
	uint32_t rulesets, rules, acl_rules, bindings; /* of the published set */
	uint32_t nat_pools; /* leak-nat directions of the published set */
	uint64_t nat_out, nat_in; /* packets translated leaving, and back */
	uint64_t nat_created, nat_expired;
	uint64_t nat_exhausted; /* new flows dropped: no free pair (nat_pool_exhausted) */
	uint64_t nat_full; /* new flows dropped: nat_max flows */
	uint64_t nat_no_flow; /* arrivals for a pool address without a flow, dropped */
	uint64_t nat_untranslatable; /* leaving without a port to translate, dropped */
	uint64_t nat_icmp_unmatched; /* ICMP leaving tied to no flow, dropped */
	uint64_t nat_flushed; /* flows deleted at a publish: their leak-nat changed */
	uint32_t nat_entries, nat_max;
	uint64_t build_ns; /* duration of the last sl_fw_build */
};
void sl_fw_stats_get(const struct sl_fw *fw, struct sl_fw_stats *st);

/*
 * Packets and bytes (IPv4 total length) decided by rule `number` of ruleset
 * `name` (number 0: its default action), summed over the lcores, since the
 * last clear. 0, or -ENOENT (no such ruleset/rule in the published set;
 * disabled rules are not compiled).
 */
int sl_fw_rule_counters(const struct sl_fw *fw, const char *name, uint32_t number,
	uint64_t *packets, uint64_t *bytes);
/*
 * Which classifiers the compiled contexts (one, or one per state) of ruleset
 * `name` in the published set use, as bits: SL_FW_CLS_BV (bit vectors,
 * fw_bv.c: contexts of at most sl_fw_config.bv_rules_max ACL rules) and
 * SL_FW_CLS_ACL (rte_acl); 0 when none is compiled (no enabled rule, or
 * the ruleset is bound nowhere); -ENOENT when the set has no such ruleset.
 * For show.
 */
#define SL_FW_CLS_BV 1
#define SL_FW_CLS_ACL 2
int sl_fw_ruleset_classifiers(const struct sl_fw *fw, const char *name);
/*
 * Packets each ruleset of the published set denied (its drop and reject
 * rules and default action, as counted per rule) since the last clear:
 * cb(name, packets, ctx) for each ruleset, in the set's order. Returns how
 * many were passed. For sluiced's summaries of denials.
 */
size_t sl_fw_denied_foreach(const struct sl_fw *fw,
	void (*cb)(const char *ruleset, uint64_t packets, void *ctx), void *ctx);
/* Zero every rule counter and the stats (workers keep counting). */
void sl_fw_counters_clear(struct sl_fw *fw);

/* The ruleset bound to from_vrf → to_vrf in the published set, or NULL. The
 * string stays valid until the next sl_fw_publish. */
const char *sl_fw_binding(const struct sl_fw *fw, uint32_t from_vrf, uint32_t to_vrf);

/* struct sl_fw_ct_flow, one tracked flow: lib/types (lib/show formats it too). */

/*
 * Call cb for each tracked flow (vrf_id: only flows with a side in that VRF;
 * UINT32_MAX: all), at most max of them; cb returns non-zero to stop.
 * Returns the number of flows passed to cb.
 */
size_t sl_fw_ct_foreach(const struct sl_fw *fw, uint64_t now, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_ct_flow *flow, void *ctx), void *ctx);

/*
 * The "fw" module (fw_module.c, its own library sl_fw_module: it needs
 * lib/dp and lib/commit, which this library does not). The daemon wires it
 * once, before sl_module_init_all, with where its sources will be (made by
 * the modules it needs: fib dp).
 */
struct sl_dp;
struct sl_fib;
struct sl_router;
struct sl_fw_wiring {
	struct sl_router *const *router; /* its typed firewall spec */
	struct sl_fib *const *fib; /* its QSBR */
	struct sl_dp *const *dp; /* the leak-point hooks */
	const uint32_t *ct_max; /* flows at most (conntrack and NAT); 0: the default */
	struct sl_fw **fw; /* where the module keeps the firewall (others use it) */
};
void sl_fw_module_wire(const struct sl_fw_wiring *w);
/* Rebuild and publish the rulesets after a commit that touched rulesets,
 * bindings or VRFs (or when force), and hook the datapath while some
 * direction is guarded or NATed: 0, or a negative errno (logged; the
 * previous rulesets stay). */
int sl_fw_module_sync(bool force);

#endif
