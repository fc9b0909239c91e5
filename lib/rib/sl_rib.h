/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_rib.h — per-VRF routing tables and the route-leaking engine.
 * Plain C, no DPDK: the forwarding plane consumes the list of FIB changes
 * this layer emits and never reads configuration.
 *
 * Inputs are declarative: each setter states the desired state of one object
 * (a VRF, an interface, the static next hops of one prefix, a VRF's BGP/leak
 * settings, one prefix-list or route-map) and the RIB re-derives exactly the
 * routes that depend on it — connected routes, static routes, cross-VRF
 * static routes, route-target (VPN) and `import vrf` leaks — incrementally.
 * Calling a setter again with the previous state restores every table
 * exactly (the commit layer relies on this to roll a failed commit back).
 *
 * Leak rules:
 *  - a leaked route (static-leak, vpn-import, vrf-import) is never exported
 *    again, so A->B->C->A cannot loop, and a VRF never imports its own routes;
 *  - a VPN/vrf-import candidate whose prefix equals or lies inside a connected
 *    prefix of the importing VRF is refused and listed as a collision; the
 *    commit layer fails the commit while any collision exists;
 *  - a cross-VRF static `next-hop A vrf V` is active only while A resolves
 *    in V; `interface IFACE vrf V` and imported routes forward by continuing
 *    the lookup in the exporting VRF (SL_NH_VRF).
 *
 * Best path among a prefix's candidates: lowest distance, then highest
 * local-preference, then lowest metric, then source order (enum below), then
 * origin VRF name, then next hop — deterministic.
 *
 * Default distances: connected/local 0, static 1, vpn-import and vrf-import 20.
 *
 * ECMP: the active candidates of a static prefix that tie with the best one
 * on distance, local-preference, metric and source, each forwarding to a
 * gateway or out of an interface (not a blackhole, not a VRF redirect), are
 * the paths of the selected route: up to SL_ECMP_MAX, best first, each with
 * its weight. A path that goes inactive (gateway unresolved, interface down)
 * leaves the set; the others stay. A leaked route forwards by a lookup in
 * its origin VRF, where all of that route's paths are installed.
 *
 * Errors: functions return 0 or a negative errno (-EINVAL bad argument,
 * -ENOENT unknown VRF/interface, -EEXIST duplicate, -ENOMEM).
 */
#ifndef SL_RIB_H
#define SL_RIB_H

#include <stdio.h>

#include "sl_policy.h"
#include "sl_types.h"

#define SL_VRF_DEFAULT "default" /* always present, id 0, table 254 */

struct sl_rib;

enum sl_rt_source {
	SL_SRC_CONNECTED = 0, /* C: network of an interface address */
	SL_SRC_LOCAL, /* L: the interface address itself, /32 */
	SL_SRC_STATIC, /* S: static route in its own VRF */
	SL_SRC_STATIC_LEAK, /* S: static route with `vrf V` (cross-VRF) */
	SL_SRC_VPN_IMPORT, /* B: imported by route-target from the VPN table */
	SL_SRC_VRF_IMPORT, /* B: imported with `import vrf NAME` */
	SL_SRC_BGP, /* B: selected by FRR's BGP, received through FPM */
	SL_SRC_OSPF, /* O: selected by FRR's OSPF, received through FPM */
	SL_SRC_NAT, /* N: the pool of a `leak-nat` (sl_rib_nat_set), a redirect into its VRF */
	SL_SRC__COUNT
};
/* A route source's names, one table for every surface (doc/operations.md,
 * "Route sources"):
 *   name  text, JSON values (show, telemetry), Prometheus labels, the audit,
 *         dumps: "connected", "local", "static", "static-leak", "vpn-import",
 *         "vrf-import", "bgp", "ospf", "nat"
 *   key   telemetry's keys, snake_case like all of them ("static_leak")
 *   code  show ip route's letter ('S')
 *   mech  a leak's mechanism as the leak audit names it: the configuration
 *         that makes it ("static", "route-target", "import vrf"); NULL when
 *         the source is no leak
 * Out of range: "unknown", '?'. */
struct sl_rt_source_names {
	const char *name;
	const char *key;
	char code;
	const char *mech;
};
const struct sl_rt_source_names *sl_rt_source(enum sl_rt_source s);
const char *sl_rt_source_name(enum sl_rt_source s); /* sl_rt_source(s)->name */

enum sl_nh_type {
	SL_NH_CONNECTED = 0, /* destination is on-link on ifname */
	SL_NH_GATEWAY, /* forward to gw on ifname */
	SL_NH_LOCAL, /* addressed to the router (ifname owns it) */
	SL_NH_BLACKHOLE, /* drop silently */
	SL_NH_VRF, /* continue the lookup in VRF vrf_id (leak redirect) */
};

/* A forwarding next hop, as the FIB installs it. */
struct sl_nh {
	enum sl_nh_type type;
	uint32_t gw; /* SL_NH_GATEWAY */
	char ifname[SL_NAME_MAX]; /* CONNECTED, GATEWAY, LOCAL: e.g. "eth1", "eth0.100" */
	uint32_t vrf_id; /* SL_NH_VRF: where the lookup continues */
};

/* ---- inputs ---------------------------------------------------------- */

struct sl_rib *sl_rib_new(void); /* NULL, errno=ENOMEM */
void sl_rib_free(struct sl_rib *rib);

/* The policy store route-maps and prefix-lists are looked up in. */
const struct sl_policy_db *sl_rib_policy(const struct sl_rib *rib);

int sl_rib_vrf_add(struct sl_rib *rib, const char *name, uint32_t table);
/* Change an existing VRF's table id (informational for the FIB: routes and
 * VRF ids are unchanged and nothing is logged). -ENOENT unknown VRF, -EPERM
 * for the default VRF (its table is 254). */
int sl_rib_vrf_table_set(struct sl_rib *rib, const char *name, uint32_t table);
/* Remove a VRF and everything derived from it (its leaks into others too).
 * Interfaces still bound to it must have been moved or deleted first:
 * -EBUSY otherwise. The default VRF cannot be removed (-EPERM). */
int sl_rib_vrf_del(struct sl_rib *rib, const char *name);

/*
 * Desired state of one (sub)interface: its VRF ("" or NULL = default), whether
 * it is up (admin enabled), and its addresses (host bits set, e.g. 10.1.0.1/24).
 * Derives C and L routes. -ENOENT if the VRF does not exist.
 */
int sl_rib_iface_set(struct sl_rib *rib, const char *ifname, const char *vrf, bool up,
	const struct sl_prefix *addrs, size_t n_addrs);
int sl_rib_iface_del(struct sl_rib *rib, const char *ifname);

enum sl_static_type {
	SL_STATIC_GATEWAY, /* next-hop A [vrf V] */
	SL_STATIC_INTERFACE, /* interface IFACE [vrf V] */
	SL_STATIC_BLACKHOLE, /* blackhole */
	SL_STATIC_NAT, /* sl_rib_nat_set only: a NAT pool, forwarded back into vrf */
};

struct sl_static_nh {
	enum sl_static_type type;
	uint32_t gw;
	char ifname[SL_NAME_MAX];
	char vrf[SL_NAME_MAX]; /* "" = the route's own VRF */
	uint8_t distance; /* 1..255 */
	uint8_t weight; /* ECMP share, 1..SL_WEIGHT_MAX; 0 = 1 */
	/* sl_rib_proto_set only: the path is never exported (not leaked into
	 * other VRFs); lib/commit sets it on a routing daemon's route that
	 * would break a policy intent if leaked. */
	bool noexport;
};

/* Replace every static next hop of (vrf, prefix); n = 0 removes the route.
 * prefix must have no host bits (-EINVAL). */
int sl_rib_static_set(struct sl_rib *rib, const char *vrf, struct sl_prefix prefix,
	const struct sl_static_nh *nhs, size_t n);
/* A hint for a batch of sl_rib_static_set calls: start loading what the call
 * for (vrf, prefix) a few calls later reads, its slot of the VRF's prefix
 * table (stage 0), then, a few calls after that hint, the entry the slot
 * holds (stage 1). A big change's prefixes are far apart in memory: each
 * call would otherwise wait for two or three cache misses in turn. */
void sl_rib_static_prefetch(
	const struct sl_rib *rib, const char *vrf, struct sl_prefix prefix, int stage);

/*
 * Routes a routing daemon selected (FRR, through FPM), source SL_SRC_BGP or
 * SL_SRC_OSPF: the paths of (vrf, prefix) from that source are replaced by
 * nhs[0..n) (gateway, interface or blackhole, in the route's own VRF: `vrf`
 * of each must be ""; distance as the protocol gives it, e.g. 20 for eBGP);
 * n = 0 withdraws them. They live beside the static configuration and
 * compete with it by distance; gateways resolve recursively as a static's
 * do; a VRF exports its BGP routes, and its OSPF routes when no
 * `redistribute` narrows what it exports. Paths with `noexport` set are
 * installed but never exported (lib/commit keeps a route that would break a
 * policy intent out of leaks). -EINVAL: bad source, prefix, or a next hop
 * into another VRF.
 */
int sl_rib_proto_set(struct sl_rib *rib, const char *vrf, struct sl_prefix prefix,
	enum sl_rt_source source, const struct sl_static_nh *nhs, size_t n);

/* The paths sl_rib_proto_set gave (vrf, prefix, source): their count (up to
 * max, -ENOSPC past it), or -ENOENT for an unknown VRF. */
int sl_rib_proto_get(const struct sl_rib *rib, const char *vrf, struct sl_prefix prefix,
	enum sl_rt_source source, struct sl_static_nh *nhs, size_t max);
/* Every (table, prefix, source) holding sl_rib_proto_set paths. */
void sl_rib_proto_foreach(const struct sl_rib *rib,
	void (*cb)(uint32_t table, struct sl_prefix prefix, enum sl_rt_source source, void *ctx),
	void *ctx);
/* The name of the VRF whose kernel table id is `table` (254: "default"), or NULL. */
const char *sl_rib_vrf_by_table(const struct sl_rib *rib, uint32_t table);

/* Leak settings of one VRF (VyOS `protocols bgp address-family ipv4-unicast`). */
struct sl_rib_bgp {
	bool enabled; /* a bgp node exists for the VRF */
	uint32_t asn;
	bool has_rd;
	struct sl_rt rd;
	struct sl_rt *rt_import;
	size_t n_rt_import;
	struct sl_rt *rt_export;
	size_t n_rt_export;
	char (*import_vrf)[SL_NAME_MAX]; /* `import vrf NAME` */
	size_t n_import_vrf;
	char rmap_import[SL_NAME_MAX]; /* "" = none (permit all) */
	char rmap_export[SL_NAME_MAX];
	/* which of the VRF's own routes are exported; both false = connected and
	 * static (the default until a `redistribute` line exists) */
	bool redist_connected;
	bool redist_static;
};

/* Replace a VRF's leak settings (deep copy). NULL or !enabled disables. */
int sl_rib_vrf_bgp_set(struct sl_rib *rib, const char *vrf, const struct sl_rib_bgp *bgp);

/* Replace or (pl/rm NULL) remove a policy object by name and re-derive every
 * leak that uses it, directly or through a route-map. */
int sl_rib_plist_set(struct sl_rib *rib, const char *name, const struct sl_plist *pl);
int sl_rib_rmap_set(struct sl_rib *rib, const char *name, const struct sl_rmap *rm);

/*
 * Source NAT at a leak point: `vrf name FROM leak-nat to TO source
 * translation address POOL`. The packets FROM forwards into TO leave with a
 * source from POOL (lib/fw translates them), so TO needs no route back to
 * FROM's (possibly overlapping) prefixes: POOL becomes a route of TO by
 * itself (source SL_SRC_NAT, distance 1, a redirect into FROM, where the
 * flow table turns a reply back to its host), never exported, refused as a
 * collision like a leak when it lies in a connected prefix of TO.
 * Replaces every pool of FROM by nats[0..n) (n = 0: none). -ENOENT unknown
 * FROM or TO, -EINVAL a pool with host bits or FROM itself as TO.
 */
#define SL_RIB_NAT_MAX 64 /* leak-nat lines of one VRF */
struct sl_rib_nat {
	char to[SL_NAME_MAX];
	struct sl_prefix pool;
};
int sl_rib_nat_set(struct sl_rib *rib, const char *from, const struct sl_rib_nat *nats, size_t n);

/* ---- collisions (the guide's overlapping-addresses problem) --------- */

struct sl_rib_collision {
	char importer[SL_NAME_MAX]; /* VRF that would receive the route */
	struct sl_prefix leaked; /* the leaked prefix */
	char origin[SL_NAME_MAX]; /* VRF it comes from */
	struct sl_prefix connected; /* importer's connected prefix it hits */
};

/* Current collisions (refused leaks). Returns the count; *out valid until the
 * next setter call. */
size_t sl_rib_collisions(const struct sl_rib *rib, const struct sl_rib_collision **out);

/* ---- FIB changes ----------------------------------------------------- */

enum sl_fib_op {
	SL_FIB_VRF_ADD, /* vrf_id, vrf_name, table */
	SL_FIB_VRF_DEL, /* vrf_id */
	SL_FIB_ROUTE_SET, /* vrf_id, prefix, nh: add or replace */
	SL_FIB_ROUTE_DEL, /* vrf_id, prefix */
};

/* One path of a multipath route. */
struct sl_fib_path {
	struct sl_nh nh;
	uint32_t weight; /* 1..SL_WEIGHT_MAX */
};

/* Every path of a multipath route, best first (n in 2..SL_ECMP_MAX); one
 * heap block (free()) owned by whoever holds the change. */
struct sl_fib_paths {
	uint32_t n;
	struct sl_fib_path p[];
};

struct sl_fib_change {
	enum sl_fib_op op;
	/* enum sl_af of the table the change is for. The RIB is IPv4-only and
	 * logs SL_AF_IPV4 (0); lib/fib refuses other families (-EAFNOSUPPORT)
	 * until their tables exist (an IPv6 prefix then joins `prefix`). */
	uint8_t af;
	uint32_t vrf_id;
	uint32_t table;
	char vrf_name[SL_NAME_MAX];
	struct sl_prefix prefix;
	struct sl_nh nh; /* ROUTE_SET: the first (best) path */
	struct sl_fib_paths *paths; /* ROUTE_SET: NULL for one path, else all of them */
};

/*
 * Log of FIB changes since the last clear, in an order that can be applied
 * one by one (a VRF is added before its routes, deleted after them). Only
 * selected (best, active) routes reach the FIB. Logging is off by default.
 */
void sl_rib_change_log(struct sl_rib *rib, bool on);
size_t sl_rib_changes(const struct sl_rib *rib, const struct sl_fib_change **out);
/* True when a change (or an ECMP route's path set) could not be recorded
 * for lack of memory since the last clear: the log is short, and applying
 * it would leave the FIB apart from the RIB, so the commit must be refused
 * (lib/commit does). */
bool sl_rib_changes_lost(const struct sl_rib *rib);
/* Empty the log, freeing its changes' path blocks. */
void sl_rib_changes_clear(struct sl_rib *rib);
/* Empty the log without freeing: the caller copied the changes and owns
 * their path blocks (free them with sl_fib_changes_free_paths). */
void sl_rib_changes_detach(struct sl_rib *rib);
/* Take the log whole: the caller's empty array (*n == 0; its capacity *cap,
 * or NULL) becomes the log's, and *v, *n, *cap the log's array, changes and
 * capacity, which the caller then owns with their path blocks. No copy: a
 * 1M-route load's log is 176 MB. */
void sl_rib_changes_swap(struct sl_rib *rib, struct sl_fib_change **v, size_t *n, size_t *cap);
/* Free the path blocks of changes[0..n) and set them to NULL. */
void sl_fib_changes_free_paths(struct sl_fib_change *changes, size_t n);

/* ---- reading (show, audit, tests) ------------------------------------ */

struct sl_route {
	struct sl_prefix prefix;
	enum sl_rt_source source;
	uint8_t distance;
	uint32_t metric;
	uint32_t local_pref;
	bool active; /* resolvable (a cross-VRF next-hop may not be) */
	bool selected; /* the best active candidate: installed in the FIB */
	bool noexport; /* a routing daemon's path kept out of leaks (sl_static_nh) */
	/* another path of the selected route (ECMP): installed with it; listed
	 * right after the selected candidate */
	bool multipath;
	uint8_t weight; /* static routes: the path's weight (1..SL_WEIGHT_MAX) */
	struct sl_nh nh; /* what the FIB installs */
	/* Leaked routes: where the route came from and, for display, its next
	 * hop there ("is directly connected, eth2 (vrf SHARED)"). */
	char origin_vrf[SL_NAME_MAX]; /* "" for non-leaked */
	struct sl_nh origin_nh;
	/* Audit: the policy that admitted a leaked route ("" = none applied). */
	char rmap[SL_NAME_MAX];
	uint32_t rmap_seq;
	/* Static routes as configured (for display of inactive ones). */
	uint32_t cfg_gw;
	char cfg_vrf[SL_NAME_MAX];
};

struct sl_vrf_info {
	uint32_t id;
	uint32_t table;
	char name[SL_NAME_MAX];
	size_t n_routes[SL_SRC__COUNT]; /* candidates by source */
	size_t n_selected;
};

/* VRFs in name order ("default" first). cb returns non-zero to stop. */
void sl_rib_vrf_foreach(
	const struct sl_rib *rib, int (*cb)(const struct sl_vrf_info *vrf, void *ctx), void *ctx);
/* 0 or -ENOENT */
int sl_rib_vrf_info(const struct sl_rib *rib, const char *name, struct sl_vrf_info *out);
/* VRF name of an id, NULL if unused. */
const char *sl_rib_vrf_name(const struct sl_rib *rib, uint32_t vrf_id);
/* The VRF (sl_rib_iface_set) interface ifname is bound to, NULL if unknown:
 * where a packet sent out of it has gone (lib/commit's intent check). */
const char *sl_rib_iface_vrf(const struct sl_rib *rib, const char *ifname);

/* Every candidate of a VRF, prefixes in sl_prefix_cmp order, candidates of
 * one prefix selected first. -ENOENT for an unknown VRF. */
int sl_rib_route_foreach(const struct sl_rib *rib, const char *vrf,
	int (*cb)(const struct sl_route *r, void *ctx), void *ctx);

/* Every prefix of a VRF that has static next hops set (sl_rib_static_set),
 * unordered, also those without a candidate (a static leak refused as a
 * collision). cb must not change the RIB; non-zero stops. -ENOENT unknown VRF. */
int sl_rib_static_foreach(const struct sl_rib *rib, const char *vrf,
	int (*cb)(struct sl_prefix prefix, void *ctx), void *ctx);

/* Candidates of exactly `prefix` (exact=true) or of the longest prefix that
 * contains `prefix` and has a selected route (exact=false, e.g. an address as /32). */
int sl_rib_route_lookup(const struct sl_rib *rib, const char *vrf, struct sl_prefix prefix,
	bool exact, int (*cb)(const struct sl_route *r, void *ctx), void *ctx);

/* A route in the VPN table: one VRF's export of one prefix. */
struct sl_vpn_route {
	struct sl_rt rd;
	bool has_rd;
	char origin_vrf[SL_NAME_MAX];
	struct sl_prefix prefix;
	struct sl_nh origin_nh;
	uint32_t metric;
	uint32_t local_pref;
	const struct sl_rt *rts; /* export route-targets */
	size_t n_rts;
	size_t n_importers; /* VRFs that imported it */
};

/* VPN routes ordered by RD, then prefix. */
void sl_rib_vpn_foreach(
	const struct sl_rib *rib, int (*cb)(const struct sl_vpn_route *r, void *ctx), void *ctx);

/* Canonical dump of every table, the VPN table and the collisions: two RIBs
 * with equal dumps are equal (the property tests compare dumps). */
void sl_rib_dump(const struct sl_rib *rib, FILE *out);

#endif
