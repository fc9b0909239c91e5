/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_intent.h — isolation intents (`set policy intent ...`), checked against
 * the forwarding the RIB gives, exactly as the datapath does it:
 *
 *  - a lookup of the destination in the ingress VRF (longest match over the
 *    VRF's selected routes: what the FIB holds);
 *  - a leak redirect (a route whose next hop is SL_NH_VRF: `import vrf`,
 *    route-target imports, static `interface X vrf V`) continues the lookup
 *    in that VRF once; a second redirect there is dropped (leak_loop), a miss
 *    is dropped (no_route);
 *  - a route that forwards (connected, or a gateway, also a static
 *    `next-hop A vrf V` resolved in V) sends the packet out of an interface:
 *    the packet is in that interface's VRF. An ECMP route sends it out of any
 *    of its paths' interfaces;
 *  - blackholes drop; the router's own addresses (local routes) are not
 *    forwarding.
 *
 * `deny from A to B` holds when no destination address, looked up in A, is
 * sent out of an interface of B. `require from A to B address X` holds when
 * X, looked up in A, is sent out of an interface of B (every path of an ECMP
 * route), and B has a return path: some address of one of A's connected
 * subnets (where A's hosts live), looked up in B, is sent out of an interface
 * of A. The leak-point firewall (`leak-firewall`) is not taken into account:
 * a deny intent holds by routing alone.
 *
 * Source NAT (`vrf name A leak-nat to B`): A initiates into B (by the routes
 * that take A's packets into B), B answers only. The pool, a route of B
 * redirecting into A, is taken only by replies to A's flows (the datapath
 * drops the rest: nat_no_flow), so it is no way from B into A: `deny from B
 * to A` is not broken by it (the result names the pool), `require from B to
 * A address P` with P in the pool does not hold (fate nat_replies_only), and
 * `require from A to B` has its return path by NAT.
 *
 * Plain C, no DPDK. Errors: 0 or a negative errno (-ENOMEM).
 */
#ifndef SL_INTENT_H
#define SL_INTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_commit.h"
#include "sl_rib.h"
#include "sl_types.h"

enum sl_intent_kind {
	SL_INTENT_DENY = 0,
	SL_INTENT_REQUIRE,
};

struct sl_intent {
	char name[SL_NAME_MAX];
	enum sl_intent_kind kind;
	char from[SL_NAME_MAX];
	char to[SL_NAME_MAX];
	uint32_t addr; /* REQUIRE: the address, host order */
};

/* What became of a packet (as the datapath's drop reasons). */
enum sl_intent_fate {
	SL_FATE_NO_ROUTE = 0, /* a miss (first or second lookup) */
	SL_FATE_BLACKHOLE,
	SL_FATE_LOCAL, /* addressed to the router */
	SL_FATE_LEAK_LOOP, /* a second redirect */
	SL_FATE_FORWARD, /* sent out of an interface */
	SL_FATE_NAT_REPLIES, /* a leak-nat pool: only replies to the pool's flows go on */
};
const char *sl_intent_fate_name(enum sl_intent_fate f); /* "no_route", ... */

/* One lookup of a packet's way: the selected route it hit in vrf. */
struct sl_intent_hop {
	char vrf[SL_NAME_MAX];
	bool found; /* false: no route (a miss) */
	struct sl_route route;
};

#define SL_INTENT_LINES 3
#define SL_INTENT_LINE_MAX 224

/* A way a packet takes: one or two lookups, and where it leaves. */
struct sl_intent_way {
	struct sl_intent_hop hop[2];
	size_t n_hops;
	enum sl_intent_fate fate;
	char egress_if[SL_NAME_MAX]; /* FORWARD: the interface (the selected path's) */
	char egress_vrf[SL_NAME_MAX]; /* FORWARD: its VRF */
	/* the configuration lines that made the way (`set ...` as rendered;
	 * the leak of the first hop first) */
	char lines[SL_INTENT_LINES][SL_INTENT_LINE_MAX];
	size_t n_lines;
};

/* One way FROM forwards into TO: the first range of addresses lo..hi that
 * takes it, the last address that does (span_hi), and how many ranges and
 * addresses take it in all. */
struct sl_intent_breach {
	uint32_t lo, hi;
	uint32_t span_hi;
	size_t n_ranges;
	uint64_t n_addresses;
	struct sl_intent_way way;
};

#define SL_INTENT_BREACH_MAX 8

struct sl_intent_result {
	struct sl_intent intent;
	bool holds;
	/* DENY: the ways into TO (the first SL_INTENT_BREACH_MAX, in the order
	 * of their first addresses) */
	struct sl_intent_breach breach[SL_INTENT_BREACH_MAX];
	size_t n_breach_listed;
	size_t n_ranges; /* ranges of addresses FROM sends into TO (each one way) */
	/* DENY: FROM holds a pool of TO's `leak-nat` into FROM: FROM answers
	 * TO's flows through it, and opens none (not a breach); the first */
	bool nat_replies;
	struct sl_prefix nat_pool;
	uint64_t n_addresses; /* addresses FROM sends into TO */
	/* REQUIRE: the way of the address, and the return path */
	struct sl_intent_way way;
	bool forward_ok; /* the address leaves by TO (every path) */
	bool has_return;
	size_t n_connected; /* FROM's connected subnets */
	size_t n_returning; /* those TO routes back into FROM (at least one address) */
	struct sl_prefix ret_source; /* has_return: the first of them */
	struct sl_intent_way ret_way; /* has_return: its way from TO */
	/* has_return by construction, not by routing: FROM translates its
	 * sources into ret_pool leaving into TO (`leak-nat`), and TO routes the
	 * pool back (a reply returns by the flow table) */
	bool ret_nat;
	struct sl_prefix ret_pool;
	/* why it does not hold, in words ("" when it holds) */
	char reason[512];
	/* dynamic routes (FPM) that would break it leaked: installed but kept
	 * out of leaks, or refused (they break it even unleaked) */
	uint64_t dyn_not_leaked;
	uint64_t dyn_refused;
	char dyn_last[SL_NAME_MAX + SL_PREFIX_STR + 8]; /* "VRF 10.0.0.0/8", the last of either */
};

struct sl_intent_report {
	struct sl_intent_result *v; /* by intent name */
	size_t n;
};

/* The intents of a configuration (the candidate during a transaction), by
 * name. 0 (*out malloc'ed, NULL when none) or -ENOMEM. Incomplete intents
 * (validation refuses them) are skipped. */
int sl_intent_read(const struct sl_conf *conf, struct sl_intent **out, size_t *n);

/* Check intents v[0..n) against the RIB. 0 or -ENOMEM; release with
 * sl_intent_report_free (also after an error). */
int sl_intent_check(const struct sl_rib *rib, const struct sl_conf *conf, const struct sl_intent *v,
	size_t n, struct sl_intent_report *out);
void sl_intent_report_free(struct sl_intent_report *rep);

/* The running router's intents, checked now, with the dynamic-route counts. */
int sl_router_intent_report(const struct sl_router *r, struct sl_intent_report *out);

/*
 * What forwarding does, where the displayed route does not say it (#14
 * "show the truth"): the way one address takes from vrf, both lookups as
 * the datapath does them (0, -ENOENT unknown VRF, -ENOMEM) ...
 */
int sl_router_way(
	const struct sl_router *r, const char *vrf, uint32_t addr, struct sl_intent_way *out);
/* ... and the addresses vrf drops as leak loops (a leaked route whose
 * second lookup lands on another leaked route): out->breach lists the first
 * ways, n_ranges/n_addresses count them all, holds = there are none;
 * intent.from is vrf. */
int sl_router_leak_loops(const struct sl_router *r, const char *vrf, struct sl_intent_result *out);

/* The same for many VRFs in one command (`show leak`, the leak matrix,
 * `show ip route ADDRESS`): each
 * VRF's forwarding map is built once, when first needed, and kept, instead
 * of the exporting VRF's map once per VRF that leaks into it (O(VRFs x
 * routes)). Valid while the router does not change; NULL: out of memory. */
struct sl_intent_maps;
struct sl_intent_maps *sl_router_intent_maps(const struct sl_router *r);
void sl_intent_maps_free(struct sl_intent_maps *m);
int sl_intent_maps_leak_loops(
	struct sl_intent_maps *m, const char *vrf, struct sl_intent_result *out);
int sl_intent_maps_way(
	struct sl_intent_maps *m, const char *vrf, uint32_t addr, struct sl_intent_way *out);

/* "10.2.0.0/24 (vpn-import from CUSTOMER-B) -> CUSTOMER-B 10.2.0.0/24
 * connected, out of eth2 (vrf CUSTOMER-B)" */
void sl_intent_way_text(const struct sl_intent_way *w, char *buf, size_t len);
/* "10.2.0.5", "10.2.0.0/24" (a range that is a prefix) or "10.2.0.2-10.2.0.255" */
void sl_intent_range_text(uint32_t lo, uint32_t hi, char *buf, size_t len);
/* A breach's addresses: its range, or from its first to its last address
 * with the count of ranges and addresses when it has several ranges. */
void sl_intent_breach_text(const struct sl_intent_breach *b, char *buf, size_t len);

#endif
