/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rib_priv.h — internals of lib/rib, shared by its .c files only.
 *
 * Model: every (VRF, prefix) that has anything — a candidate route, static
 * configuration, an export to the VPN table or a refused leak — has one
 * struct rib_entry in its VRF's hash table. The entry's derived state
 * (candidates, selection, export, collisions) is a pure function of the
 * inputs and of other entries' derived state, recomputed by
 * rib_entry_recompute(). Setters mark the entries their change can affect;
 * rib_settle() recomputes marked entries until nothing changes, and each
 * recompute marks the entries that depend on what it changed (importers of
 * an export, statics whose gateway lies in the prefix). Because the fixpoint
 * is unique, re-applying a previous input restores the previous tables.
 *
 * Names (VRFs, interfaces, route-maps) are interned into small ids so a
 * candidate is ~44 bytes; ids never appear in the dump (names do), so
 * dumps do not depend on history.
 */
#ifndef RIB_PRIV_H
#define RIB_PRIV_H

#include "sl_rib.h"

#define RIB_RESOLVE_DEPTH_MAX 4 /* recursive next-hop resolution bound */
#define RIB_LOCAL_PREF_DEFAULT 100
#define RIB_LEAK_DISTANCE 20

typedef uint16_t name_id; /* 0 = "" */

/* A next hop with its names interned; vrf is a VRF *name* (stable across
 * delete/re-add, canonical in dumps). */
struct rib_nh {
	uint32_t gw;
	name_id ifname;
	name_id vrf;
	uint8_t type; /* enum sl_nh_type */
	uint8_t pad_[3]; /* explicit: structs are compared with memcmp */
};

struct rib_cand {
	uint8_t source; /* enum sl_rt_source */
	uint8_t distance;
	uint8_t active;
	uint8_t depth; /* resolution depth of a gateway static (1 = via connected) */
	struct rib_nh nh;
	struct rib_nh origin_nh;
	name_id origin_vrf;
	name_id rmap;
	name_id cfg_vrf;
	uint16_t weight; /* statics: ECMP share; 0 for other sources */
	uint8_t noexport; /* a routing daemon's path never exported (RIB_SRC_NOEXPORT) */
	uint32_t rmap_seq;
	uint32_t metric;
	uint32_t local_pref;
	uint32_t cfg_gw;
};

/* A static route's next hop, or a routing daemon's path (source != 0). */
struct rib_static_cfg {
	uint8_t type; /* enum sl_static_type */
	uint8_t distance;
	uint8_t weight; /* 1..SL_WEIGHT_MAX */
	/* 0: configuration; SL_SRC_BGP, SL_SRC_OSPF: sl_rib_proto_set, with
	 * RIB_SRC_NOEXPORT or'ed in for a path never exported (rib_cfg_source) */
	uint8_t source;
	name_id ifname;
	name_id vrf; /* 0 = own VRF */
	uint32_t gw;
};

#define RIB_SRC_NOEXPORT 0x80
/* The source of a static/daemon path without its flag bits. */
static inline uint8_t rib_cfg_source(const struct rib_static_cfg *s)
{
	return s->source & (uint8_t)~RIB_SRC_NOEXPORT;
}

/* What a VRF exports for one prefix (after its export route-map). */
struct rib_export {
	struct rib_nh nh;
	uint32_t metric;
	uint32_t local_pref;
	name_id rmap;
	uint16_t pad_;
	uint32_t rmap_seq;
};

enum {
	ENTRY_DIRTY = 1,
	ENTRY_COLLIDED = 2, /* has records in rib->collisions */
	ENTRY_EXPORTED = 4, /* exp is valid */
};

/* ~72 bytes: the export and a single static are held inline because most
 * prefixes have one static and, in an exporting VRF, an export. */
struct rib_entry {
	uint32_t addr;
	uint8_t len;
	uint8_t flags;
	uint8_t n_cands;
	uint8_t n_statics;
	uint16_t vrf_id;
	struct rib_export exp; /* valid with ENTRY_EXPORTED */
	union {
		struct rib_static_cfg one; /* n_statics == 1 */
		struct rib_static_cfg *many; /* n_statics > 1 */
	} st;
	struct rib_cand *cands; /* sorted, best first; cands[0] selected if active */
	struct rib_entry *next_dirty;
};

static inline const struct rib_export *rib_entry_exp(const struct rib_entry *e)
{
	return (e->flags & ENTRY_EXPORTED) ? &e->exp : NULL;
}

static inline const struct rib_static_cfg *rib_entry_statics(const struct rib_entry *e)
{
	return e->n_statics > 1 ? e->st.many : &e->st.one;
}

/* A route of the VRF itself that resolves gateways and can be one path of
 * several: a static or a routing daemon's route (not connected, not leaked). */
static inline bool rib_src_own_routed(uint8_t source)
{
	return source == SL_SRC_STATIC || source == SL_SRC_BGP || source == SL_SRC_OSPF;
}

/* Replace the statics of e with a copy of cfg[0..n). 0 or -ENOMEM. */
int rib_entry_statics_set(struct rib_entry *e, const struct rib_static_cfg *cfg, size_t n);

/* Open-addressing hash table (linear probing) of entries by prefix. */
struct rib_table {
	struct rib_entry **slots;
	/* keys[i] = rib_table_key() of slots[i], 0 when empty: probes compare
	 * these contiguous keys instead of chasing one pointer per probe */
	uint64_t *keys;
	size_t cap; /* power of two */
	size_t n;
	uint32_t len_count[33]; /* entries per prefix length, to skip in longest match */
};

struct rib_iface {
	name_id name;
	uint16_t vrf_id;
	bool up;
	struct sl_prefix *addrs;
	size_t n_addrs;
};

/* An origin a VRF imports from. */
struct rib_origin {
	uint16_t vrf_id;
	uint8_t source; /* SL_SRC_VPN_IMPORT or SL_SRC_VRF_IMPORT */
};

struct rib_vrf {
	uint16_t id;
	name_id name;
	uint32_t table;
	struct rib_table routes;
	struct rib_iface **ifaces; /* bound interfaces */
	size_t n_ifaces;
	/* leak settings (deep copy) */
	struct sl_rib_bgp bgp;
	/* its route-maps resolved in the policy store (refreshed on every
	 * policy or settings change; NULL = undefined) */
	const struct sl_rmap *rmap_import, *rmap_export;
	name_id rmap_import_name, rmap_export_name;
	/* derived import graph */
	struct rib_origin *origins;
	size_t n_origins, cap_origins;
	uint16_t *importers; /* VRFs importing from this one (either kind, unique) */
	size_t n_importers;
	size_t n_routes[SL_SRC__COUNT];
	size_t n_selected;
};

/* A set of entries: open addressing, so that adding or removing one of a
 * million statics costs O(1) (a sorted array cost a memmove of the rest). */
struct rib_dep_set {
	struct rib_entry **slot;
	uint32_t n, cap; /* cap: 0 or a power of two */
};

/* The statics that resolve gateway gw in some VRF. */
struct rib_gw_watch {
	uint32_t gw;
	struct rib_dep_set deps;
};

/* Per VRF: one rib_gw_watch per distinct gateway, sorted by gw (few: neighbours). */
struct rib_watch_vec {
	struct rib_gw_watch *v;
	size_t n, cap;
};

/* A gateway's longest match over a VRF's own routes (rib_static.c), kept
 * while no entry whose prefix meets span (every kept gateway is in it)
 * changed its candidates and no VRF went away: a 1M-route VRF's statics
 * share a few gateways, each found by a probe per prefix length in use. */
#define RIB_GW_MEMO 256
struct rib_gw_memo {
	const struct rib_vrf *vrf;
	const struct rib_entry *x; /* NULL: no match */
	uint32_t gw, gen;
};

struct sl_rib {
	struct sl_policy_db *policy;
	struct rib_vrf *vrfs[SL_VRF_MAX];
	/* interned names */
	char (*names)[SL_NAME_MAX];
	size_t n_names, cap_names;
	name_id *name_index; /* hash of names, 0 = empty */
	size_t name_index_cap;
	uint16_t *name_vrf; /* by name id: VRF id + 1, 0 = no such VRF */
	size_t cap_name_vrf;
	/* interfaces, unsorted */
	struct rib_iface **ifaces;
	size_t n_ifaces, cap_ifaces;
	/* dependencies, indexed by name id */
	struct rib_watch_vec *gw_watch; /* by VRF name: statics resolving a gateway there */
	struct rib_dep_set *if_watch; /* by interface name: statics using the interface */
	size_t cap_watch;
	/* work queue */
	struct rib_entry *dirty_head, *dirty_tail;
	/* NAT pools (sl_rib_nat_set): the inputs, to replace a VRF's whole */
	struct rib_nat {
		name_id from, to;
		struct sl_prefix pool;
	} * nats;
	size_t n_nats, cap_nats;
	/* collisions, kept sorted */
	struct sl_rib_collision *collisions;
	size_t n_collisions, cap_collisions;
	/* FIB change log */
	bool log_on;
	bool log_lost; /* an entry or an ECMP path set could not be recorded */
	struct sl_fib_change *log;
	size_t n_log, cap_log;
	/* scratch for recompute */
	struct rib_cand *scratch;
	size_t cap_scratch;
	struct rib_gw_memo gw_memo[RIB_GW_MEMO];
	uint32_t gw_memo_gen; /* an entry of another is stale */
	bool gw_memo_any; /* one of this generation: span is set */
	struct sl_prefix gw_memo_span;
};

/* Entries meeting p changed their candidates (or every one: NULL). */
void rib_gw_memo_forget(struct sl_rib *rib, const struct sl_prefix *p);

/* names (rib_names.c) */
name_id rib_name_intern(
	struct sl_rib *rib, const char *name); /* 0 on "" or NULL; -1 cast on ENOMEM */
name_id rib_name_find(const struct sl_rib *rib, const char *name); /* 0 when never interned */
static inline const char *rib_name(const struct sl_rib *rib, name_id id)
{
	return rib->names[id];
}
#define RIB_NAME_NOMEM ((name_id)0xffff)
struct rib_vrf *rib_vrf_by_name(const struct sl_rib *rib, const char *name);
struct rib_vrf *rib_vrf_by_name_id(const struct sl_rib *rib, name_id id);

/* table (rib_table.c) */
int rib_table_init(struct rib_table *t);
void rib_table_fini(struct rib_table *t);
struct rib_entry *rib_table_find(const struct rib_table *t, uint32_t addr, uint8_t len);
int rib_table_insert(struct rib_table *t, struct rib_entry *e);
/* Slot index of (addr, len), or -1: reads only the key array. */
long rib_table_find_slot(const struct rib_table *t, uint32_t addr, uint8_t len);
/* Hint that (addr, len) will be looked up soon. */
void rib_table_prefetch(const struct rib_table *t, uint32_t addr, uint8_t len);
void rib_table_remove(struct rib_table *t, struct rib_entry *e);
/* Entries sorted in sl_prefix_cmp order; caller frees. NULL with *n 0 when empty. */
struct rib_entry **rib_table_sorted(const struct rib_table *t, size_t *n);

/* entries and the work queue (rib_entry.c) */
struct rib_entry *rib_entry_get(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p);
void rib_mark(struct sl_rib *rib, struct rib_entry *e);
int rib_mark_prefix(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p);
int rib_settle(struct sl_rib *rib);
bool rib_entry_empty(const struct rib_entry *e);
void rib_entry_free(struct rib_entry *e);
int rib_cand_cmp(const struct sl_rib *rib, const struct rib_cand *a, const struct rib_cand *b);
/* Paths of the selected route among sorted candidates v[0..n): 0 when none
 * is selected, else 1..SL_ECMP_MAX (v[0] and the ties after it). */
size_t rib_paths_of(const struct rib_cand *v, size_t n);
void rib_nh_export(const struct sl_rib *rib, const struct rib_nh *in, struct sl_nh *out);

/* dependencies (rib_static.c) */
int rib_static_watch(struct sl_rib *rib, struct rib_entry *e);
void rib_static_unwatch(struct sl_rib *rib, struct rib_entry *e);
void rib_gw_watch_fire(struct sl_rib *rib, name_id vrf_name, struct sl_prefix p);
void rib_if_watch_fire(struct sl_rib *rib, name_id ifname);
void rib_static_watch_free(struct sl_rib *rib);
size_t rib_static_cands(struct sl_rib *rib, struct rib_vrf *vrf, struct rib_entry *e,
	bool own_connected, name_id own_connected_if, struct rib_cand *out);

/* leaks (rib_leak.c) */
int rib_leak_graph_update(
	struct sl_rib *rib, const struct sl_rib_bgp *old, struct rib_vrf *changed);
bool rib_export_compute(
	struct sl_rib *rib, struct rib_vrf *vrf, struct rib_entry *e, struct rib_export *out);
int rib_mark_exports_of(struct sl_rib *rib, struct rib_vrf *origin, struct rib_vrf *importer,
	struct sl_prefix within);
void rib_mark_all(struct sl_rib *rib, struct rib_vrf *vrf);
int rib_mark_imports(
	struct sl_rib *rib, struct rib_vrf *vrf, const struct rib_origin *old, size_t n_old);
bool rib_bgp_on(const struct rib_vrf *vrf);
void rib_vrf_policy_refresh(struct sl_rib *rib, struct rib_vrf *vrf);
void rib_bgp_free(struct sl_rib_bgp *b);
/* Replace vrf's leak settings and mark what they affect (no settle). */
int rib_vrf_bgp_apply(struct sl_rib *rib, struct rib_vrf *vrf, const struct sl_rib_bgp *bgp);
/* Longest connected prefix of vrf containing p (up interfaces), false if none. */
bool rib_connected_covering(const struct sl_rib *rib, const struct rib_vrf *vrf, struct sl_prefix p,
	struct sl_prefix *out);

/* collisions and FIB log (rib_log.c) */
void rib_collisions_clear(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p);
int rib_collision_add(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p, name_id origin,
	struct sl_prefix connected);
/* Log the selected route's paths v[0..n) (n = 0: the route is gone). */
void rib_log_route(struct sl_rib *rib, const struct rib_vrf *vrf, struct sl_prefix p,
	const struct rib_cand *v, size_t n);
void rib_log_vrf(struct sl_rib *rib, enum sl_fib_op op, const struct rib_vrf *vrf);

#endif
