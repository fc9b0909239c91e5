/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_audit.h — the leak audit: "what leaked where, why, and is that what we
 * intended?". Plain C, no DPDK; reads a committed sl_router and never changes it.
 *
 *  - sl_leak_audit(): per VRF, every leaked route it holds (from whom, by which
 *    mechanism, admitted by which policy rule) and every leak it was offered and
 *    refused, with the reason. Received routes are read from the RIB; refusals are
 *    recomputed by re-evaluating the policies (sl_rmap_eval) against each VRF's
 *    leak settings (sl_router_vrf_bgp) and the origins' tables, so the RIB keeps no
 *    extra state for the audit.
 *  - sl_leak_matrix(): a VRF x VRF table: which prefixes of Y a VRF X forwards
 *    into Y, whether Y routes X's connected prefixes back into X (the return path),
 *    and which firewall ruleset is bound to the X->Y leak point.
 *  - sl_leak_expect_parse() / sl_leak_check(): the expected-leaks file and its
 *    comparison with the leaks in force (doc/operations.md, "Leak audit").
 *
 * Errors: functions return 0 or a negative errno (-ENOENT unknown VRF,
 * -EINVAL bad argument or bad file (errors appended), -ENOMEM).
 */
#ifndef SL_AUDIT_H
#define SL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_commit.h"
#include "sl_rib.h"
#include "sl_types.h"

/* How a route crossed from its origin VRF into the VRF holding it. */
enum sl_leak_mech {
	SL_LEAK_STATIC = 0, /* a static route with `vrf V` (interface or next-hop) */
	SL_LEAK_RT, /* route-target: the importer's import RTs meet the origin's export RTs */
	SL_LEAK_IMPORT_VRF, /* `import vrf NAME` */
};

#define SL_LEAK_DETAIL_MAX 160

/* One leaked route a VRF holds (a candidate of its table). */
struct sl_leak {
	char vrf[SL_NAME_MAX]; /* the VRF holding it */
	char origin[SL_NAME_MAX]; /* where forwarding continues */
	struct sl_prefix prefix;
	enum sl_leak_mech mech;
	/* "route-target 65000:20", "import vrf SHARED", "interface eth2 vrf SHARED",
	 * "next-hop 10.100.0.1 vrf INTERNET" */
	char detail[SL_LEAK_DETAIL_MAX];
	/* The policy that admitted it: the importer's `route-map vpn import`, or, when
	 * the importer has none, the origin's `route-map vpn export` (rmap_export
	 * true); "" = no route-map (static leaks, leaks without policy). */
	char rmap[SL_NAME_MAX];
	uint32_t rmap_seq;
	bool rmap_export;
	bool active; /* resolvable (a static `next-hop A vrf V` may not be) */
	bool selected; /* the best candidate of its prefix: forwarded */
	uint8_t distance;
	uint32_t local_pref;
	uint32_t metric;
};

/* Why a leak a VRF was offered is not in its table. */
enum sl_leak_refusal {
	SL_REFUSED_RMAP_DENY = 0, /* the importer's import route-map: rule rmap_seq denies */
	SL_REFUSED_RMAP_IMPLICIT, /* the importer's import route-map: no rule matched */
	SL_REFUSED_EXPORT_RMAP, /* the origin's export route-map denied (rmap_seq 0: implicit) */
	SL_REFUSED_REDISTRIBUTE, /* the origin's `redistribute` lines exclude its kind */
	SL_REFUSED_RE_LEAK, /* the origin holds it as a leaked route: never exported again */
	SL_REFUSED_OWN_ROUTE, /* the VRF's own export: a VRF never imports its own routes */
	SL_REFUSED_COLLISION, /* equals or lies inside a connected prefix of the importer */
	SL_REFUSED_ORIGIN_NO_BGP, /* `import vrf O` but O has no bgp settings: O exports nothing */
};

struct sl_leak_refused {
	char vrf[SL_NAME_MAX]; /* the VRF that refused (or was refused) it */
	char origin[SL_NAME_MAX];
	struct sl_prefix prefix;
	enum sl_leak_mech mech;
	char detail[SL_LEAK_DETAIL_MAX];
	enum sl_leak_refusal reason;
	/* RMAP_DENY, RMAP_IMPLICIT, EXPORT_RMAP: the route-map and the deciding rule
	 * (0 = implicit deny); rmap_defined false when the name is not defined. */
	char rmap[SL_NAME_MAX];
	uint32_t rmap_seq;
	bool rmap_defined;
	/* RMAP_IMPLICIT, EXPORT_RMAP implicit: the prefix-lists named by the
	 * route-map's match clauses, none of which matched ("A, B"; "" = none). */
	char plists[SL_LEAK_DETAIL_MAX];
	/* REDISTRIBUTE, RE_LEAK: the kind of the origin's best route for the prefix */
	enum sl_rt_source kind;
	/* RE_LEAK: the VRF the origin leaked it from */
	char via[SL_NAME_MAX];
	/* COLLISION: the importer's connected prefix it hits */
	struct sl_prefix connected;
};

struct sl_leak_audit {
	struct sl_leak *received; /* by VRF name, then in `show ip route` order */
	size_t n_received;
	struct sl_leak_refused *refused; /* by VRF name, then prefix, then origin */
	size_t n_refused;
};

/*
 * Audit one VRF (vrf non-NULL) or every VRF. 0, -ENOENT (unknown VRF) or
 * -ENOMEM; release with sl_leak_audit_free (also after an error).
 */
int sl_leak_audit(const struct sl_router *r, const char *vrf, struct sl_leak_audit *out);
void sl_leak_audit_free(struct sl_leak_audit *a);

/* "static", "route-target", "import vrf": from lib/rib's table of route
 * sources (sl_rt_source(...)->mech of the leak's source); "unknown" */
const char *sl_leak_mech_name(enum sl_leak_mech m);

/*
 * The received leaks of a `show leak --json` reply (lib/show), as the audit
 * gave them: how `sluicectl check-leaks` reads a running daemon's state.
 * Fills vrf, origin, prefix, mech, detail, active, selected. 0 (*out malloc'ed,
 * free it) or -EINVAL (not that JSON) / -ENOMEM.
 */
int sl_leak_received_from_json(const char *text, struct sl_leak **out, size_t *n);
/* Stable keys for JSON: "route-map-deny", "route-map-implicit-deny", ... */
const char *sl_leak_refusal_key(enum sl_leak_refusal r);
/* The policy that admitted a leak: "route-map IMPORT-DNS rule 10",
 * "export route-map IMPORT-BACKUP rule 10 of SHARED-DR", "no route-map". */
void sl_leak_policy_text(const struct sl_leak *l, char *buf, size_t len);
/* The reason in words, e.g. "denied by IMPORT-DNS's implicit deny (no rule
 * matched; prefix-list DNS-ONLY did not match)". */
void sl_leak_refusal_text(const struct sl_leak_refused *f, char *buf, size_t len);

/* ---- the VRF x VRF matrix ------------------------------------------- */

enum sl_return_path {
	SL_RETURN_NA = 0, /* FROM does not reach TO, or FROM has no connected prefix */
	SL_RETURN_NONE, /* TO routes none of FROM's connected prefixes back into FROM */
	SL_RETURN_PARTIAL, /* some of them */
	SL_RETURN_FULL, /* all of them */
	SL_RETURN_NAT, /* by construction: FROM's sources leave translated into a
			* pool TO routes back (`leak-nat`), whatever TO routes */
};

/* A connected prefix of FROM that TO does not route back into FROM. */
struct sl_return_gap {
	struct sl_prefix source; /* FROM's connected prefix */
	bool has_route; /* TO has a route covering it, leading elsewhere */
	struct sl_prefix route; /* that route */
	char leads_to[SL_NAME_MAX]; /* its VRF: another VRF's name, or TO itself */
};

struct sl_leak_reach {
	/* FROM's selected leaked routes that forward into TO */
	struct sl_prefix *prefixes;
	size_t n_prefixes;
	enum sl_return_path ret;
	struct sl_return_gap *gaps;
	size_t n_gaps;
	/* `set vrf name FROM leak-firewall to TO name R`: R, or "" when unbound
	 * (sluiced enforces R on every packet crossing from FROM into TO). */
	char firewall[SL_NAME_MAX];
	/* `set vrf name FROM leak-nat to TO source translation address P` */
	bool nat;
	struct sl_prefix nat_pool;
};

struct sl_leak_matrix {
	char (*vrfs)[SL_NAME_MAX]; /* name order; "default" only when it holds routes */
	size_t n_vrfs;
	struct sl_leak_reach *cells; /* n_vrfs * n_vrfs; [from * n_vrfs + to] */
};

/* 0 or -ENOMEM; release with sl_leak_matrix_free (also after an error). */
int sl_leak_matrix(const struct sl_router *r, struct sl_leak_matrix *out);
void sl_leak_matrix_free(struct sl_leak_matrix *m);
static inline const struct sl_leak_reach *sl_leak_matrix_cell(
	const struct sl_leak_matrix *m, size_t from, size_t to)
{
	return &m->cells[from * m->n_vrfs + to];
}

/* ---- expected leaks -------------------------------------------------- */

/*
 * One line of an expected-leaks file:
 *     IMPORTER <- ORIGIN PREFIX [orlonger]      # comment
 * IMPORTER and ORIGIN are VRF names or `*` (any); PREFIX is A.B.C.D/L (exactly
 * that prefix), `A.B.C.D/L orlonger` (that prefix or any longer one inside it)
 * or `*` (any prefix). Blank lines and `#` comments are ignored.
 */
struct sl_leak_expect {
	char vrf[SL_NAME_MAX]; /* "*" = any */
	char origin[SL_NAME_MAX]; /* "*" = any */
	bool any_prefix;
	bool orlonger;
	struct sl_prefix prefix;
	unsigned line;
};

struct sl_leak_expectations {
	struct sl_leak_expect *v;
	size_t n;
};

/* Parse text; 0, or -EINVAL with every bad line in errs (line, token, what is
 * valid), or -ENOMEM. Release with sl_leak_expect_free (also after an error). */
int sl_leak_expect_parse(
	const char *text, struct sl_leak_expectations *out, struct sl_errors *errs);
void sl_leak_expect_free(struct sl_leak_expectations *e);
bool sl_leak_expect_matches(
	const struct sl_leak_expect *e, const char *vrf, const char *origin, struct sl_prefix p);

struct sl_leak_missing {
	struct sl_leak_expect expect;
	/* a leak matching it exists but is inactive (next hop unresolved) */
	bool inactive;
};

struct sl_leak_diff {
	struct sl_leak *unexpected; /* active leaks no line allows; one per (vrf, origin, prefix) */
	size_t n_unexpected;
	struct sl_leak_missing *missing; /* lines no active leak matches */
	size_t n_missing;
	size_t n_leaks; /* distinct active (vrf, origin, prefix) compared */
};

/*
 * Compare the leaks in force (inactive ones do not forward, so they do not
 * count) with the expectations. 0 (look at n_unexpected / n_missing) or
 * -ENOMEM; release with sl_leak_diff_free.
 */
int sl_leak_check(const struct sl_leak_expectations *exp, const struct sl_leak *leaks, size_t n,
	struct sl_leak_diff *out);
void sl_leak_diff_free(struct sl_leak_diff *d);

#endif
