/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_show.h — operational `show` commands over the control-plane state,
 * in FRR/VyOS-style text or JSON. Shared by `sluicectl --offline` and the
 * daemon's control socket. Plain C (jansson for JSON), no DPDK.
 */
#ifndef SL_SHOW_H
#define SL_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_commit.h"
#include "sl_conf.h"

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
	/* source NAT (leak-nat): see lib/fw's struct sl_fw_stats */
	uint64_t nat_entries, nat_max, nat_out, nat_in, nat_created, nat_expired;
	uint64_t nat_exhausted, nat_full, nat_no_flow, nat_untranslatable;
	uint64_t nat_icmp_unmatched, nat_flushed;
};
#define SL_SHOW_FW_CLS_BV 1
#define SL_SHOW_FW_CLS_ACL 2
struct sl_show_fw_live {
	void *ctx;
	/* Packets and bytes of rule `number` of `ruleset` (0: its default
	 * action); 0, or -ENOENT when the rule is not enforced. */
	int (*rule_counters)(void *ctx, const char *ruleset, uint32_t number, uint64_t *packets,
		uint64_t *bytes);
	void (*summary)(void *ctx, struct sl_show_fw_summary *out);
	/* The classifiers the compiled contexts of `ruleset` use, as bits
	 * SL_SHOW_FW_CLS_BV (bit vectors) and SL_SHOW_FW_CLS_ACL (rte_acl); 0:
	 * none compiled; negative: no such ruleset. NULL: not shown. */
	int (*classifiers)(void *ctx, const char *ruleset);
	/* The ruleset enforced on from → to (VRF ids), or NULL. */
	const char *(*binding)(void *ctx, uint32_t from, uint32_t to);
	/* Packets forwarded from → to since the last clear. */
	uint64_t (*leak_packets)(void *ctx, uint32_t from, uint32_t to);
	/* Each tracked flow with a side in vrf_id (UINT32_MAX: all), at most
	 * max of them; cb returns non-zero to stop. */
	void (*ct_foreach)(void *ctx, uint32_t vrf_id, size_t max,
		int (*cb)(const struct sl_fw_ct_flow *flow, void *cb_ctx), void *cb_ctx);
	/* The same for the NAT flows (leak-nat); NULL: none. */
	void (*nat_foreach)(void *ctx, uint32_t vrf_id, size_t max,
		int (*cb)(const struct sl_fw_nat_flow *flow, void *cb_ctx), void *cb_ctx);
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

/*
 * `show nat translations [vrf NAME]`, argv being the words after "nat": the
 * first SL_SHOW_CT_MAX NAT flows (live->nat_foreach: host, pool address and
 * port, peer) and the counters (live->summary). Errors as sl_show_conntrack.
 */
int sl_show_nat(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err);

/*
 * `show leak graph`: the leak topology as a Graphviz DOT digraph. VRFs are
 * nodes; each leak direction FROM -> TO (FROM holds leaked routes forwarding
 * into TO, or a leak-firewall binding exists) is one edge, labelled with
 * those prefixes, the ruleset guarding it and, from a running router, the
 * packets forwarded FROM -> TO since the last `clear counters`.
 */
struct sl_leak_graph_edge {
	const char *from, *to; /* VRF names, as in the node list */
	const char *const *prefixes; /* text, e.g. "10.100.0.0/24" */
	size_t n_prefixes;
	const char *ruleset; /* the guarding ruleset; NULL or "": unguarded */
	bool counted; /* packets is a count (a running router); false: offline */
	uint64_t packets;
};

/* Edge labels list at most this many prefixes, then "(+N more)". */
#define SL_LEAK_GRAPH_PREFIXES_MAX 8

/*
 * Write the digraph: nodes vrfs[0..n_vrfs) (a VRF on no edge is drawn grey:
 * isolated), one edge per edges[i]. Names are quoted and escaped, so any
 * byte string is a valid DOT ID. 0, or -EIO when out reports an error.
 */
int sl_leak_graph_dot(FILE *out, const char *const *vrfs, size_t n_vrfs,
	const struct sl_leak_graph_edge *edges, size_t n_edges);

/*
 * `show leak graph` over r: lib/audit's leak matrix; live (may be NULL:
 * offline) gives the enforced bindings (binding) and the packets per
 * direction (leak_packets); its other members are not used. JSON: the same
 * nodes and edges as objects. 0, -EINVAL (usage, on err), -ENOMEM, -EIO.
 */
int sl_show_leak_graph(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err);

/*
 * `show system commit [diff N | compare N M | id]` over the daemon's record
 * (argv: the words after "commit"): the revisions, newest first (N = 0), a
 * revision against the one before it, two revisions, the running id. 0,
 * -EINVAL (usage or no such revision, on err), -ENOENT (the revision before
 * N is no longer kept), -ENOMEM.
 */
int sl_show_commit(
	const struct sl_running *run, int argc, char **argv, bool json, FILE *out, FILE *err);

/* On the control socket (lib/ctl; show_ctl.c, its own library sl_show_ctl):
 * `show system commit …` over run and every `show …` that no registration
 * takes (sl_show_exec over run->router; an unknown one said with the
 * registered commands among the choices). run must outlive them. 0 or
 * sl_ctl_register's error. */
int sl_show_ctl_register(const struct sl_running *run);

/* One line per command lib/show knows, for `help` and completion. */
void sl_show_help(FILE *out);

/*
 * Completion of `show` commands for the CLI. words[0..n) are the words
 * after "show" (abbreviations allowed); extra (NULL-terminated, may be NULL)
 * names further commands by their fixed words after "show", optionally
 * followed by a usage ("interfaces", "arp [vrf NAME]": the daemon's own). Choices: the next fixed words, then the
 * arguments the command's usage names, with known names from conf (may be
 * NULL): VRFs after `vrf`, prefix-lists, route-maps, firewall rulesets,
 * intents. cb gets them sorted (see sl_conf_choice_fn; "<NAME>" is a
 * placeholder). Returns their number, or -EINVAL (reason in err: an unknown
 * or ambiguous word, naming it and the choices).
 */
int sl_show_complete(const struct sl_conf *conf, const char *const *extra, const char *const *words,
	int n, const char *prefix, sl_conf_choice_fn *cb, void *ctx, char *err, size_t errsz);

/*
 * Expand abbreviated words after "show" in place (a unique prefix of a
 * fixed word, or of an argument keyword of the usage; values stay). 0, or
 * -EINVAL with "ambiguous 'x' after 'show ip' (could be: ...)" or "unknown
 * word 'x' after 'show ip' (valid: route)" in err.
 */
int sl_show_expand(const char *const *extra, const char **words, int n, char *err, size_t errsz);

/* Why argv ("show", ...) is no command: the bad word and the choices, or
 * what may follow an incomplete command; one line on err. */
void sl_show_unknown(const char *const *extra, int argc, char **argv, FILE *err);

#endif
