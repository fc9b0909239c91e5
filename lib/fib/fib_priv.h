/* SPDX-License-Identifier: BSD-3-Clause */
/* fib_priv.h — the writer's private state of struct sl_fib. */
#ifndef SL_FIB_PRIV_H
#define SL_FIB_PRIV_H

#include "fib_lpm.h"
#include "sl_fib.h"
#include "sl_log.h"

/* the FIB's writer runs on the control thread: lines go to lib/log */
#define FIB_LOG(level, fmt, ...) sl_log(SL_LOG_##level, "fib", fmt, ##__VA_ARGS__)

/* Interface slots by name: open addressing, twice the slots, so a probe
 * ends quickly; slots are never freed, so neither are index entries. */
#define FIB_IF_INDEX_CAP (2 * SL_FIB_IFACE_MAX)

struct sl_fib_priv {
	struct sl_fib_config cfg;
	uint16_t if_index[FIB_IF_INDEX_CAP]; /* oif + 1, 0: empty */
	/* next hops: the published array has nh_cap entries; refcnt is writer-only */
	uint32_t nh_cap;
	uint32_t nh_used; /* highest index in use + 1 */
	uint32_t *nh_refcnt; /* 0: free; FIB_NH_RETIRED: waiting for a grace period */
	uint32_t nh_retired;
	/* next-hop groups: the published array has nhg_cap entries */
	uint32_t nhg_cap, nhg_used, nhg_retired;
	uint32_t *nhg_refcnt; /* 0: free; FIB_NH_RETIRED: waiting for a grace period */
	struct fib_nhg_key *nhg_key; /* members of each group, for reuse */
	uint64_t *eg_token; /* [nh]: QSBR token of the last egress flip, 0: none */
	uint32_t neighbours;
	struct fib_lpm *tables[SL_VRF_MAX]; /* the writer's side of fib->tbl[] */
	uint32_t promotions; /* small tables moved to the rte_lpm layout */
	struct fib_lpm_mem mem; /* DPDK memory of the tables, and its cap */
	/* sl_fib_reserve's tables, unpublished: a new VRF's, and the rte_lpm
	 * layout a small table moves to; reserved: any of them, or a spare array */
	struct fib_lpm *fresh[SL_VRF_MAX], *promote_to[SL_VRF_MAX];
	bool reserved;
	/* [vrf]: the interfaces its routes name, counted (fib_leaves.c);
	 * NULL: no table */
	struct fib_leave_set *leave_oifs[SL_VRF_MAX];
	/* a flag may be clear now: settle after sl_fib_apply's grace period */
	bool leaves_stale;
};

/* Groups a new small table starts with (16 KiB); its pool doubles as needed. */
#define FIB_SMALL_GROUPS_INIT 16u

/* Objects readers reach through published pointers (next hops, interface
 * map) live on the C heap, so that ASan sees a use after an early free. */
void *fib_zalloc(size_t size);
void fib_release(void *p);

/* Wait until no reader can still hold what was unpublished before the call. */
void fib_synchronize(struct sl_fib *fib);

/* Create (and publish) a VRF's table; 0 if it exists. */
int fib_vrf_add(struct sl_fib *fib, uint32_t vrf_id);

/* Next-hop table (fib_nh.c). */
int fib_nh_init(struct sl_fib *fib);
void fib_nh_fini(struct sl_fib *fib);
/* Find or create the entry for a RIB next hop; takes a reference. */
int fib_nh_get(struct sl_fib *fib, const struct sl_nh *nh, uint32_t *index);
#define FIB_NH_RETIRED (1u << 31)
void fib_nh_put(struct sl_fib *fib, uint32_t index);
/* Grow the array to hold `total` entries. 0, -ENOMEM, -ENOSPC. */
int fib_nh_reserve(struct sl_fib *fib, uint32_t total);
/* After a grace period, make retired entries reusable (no-op when none). */
void fib_nh_reclaim(struct sl_fib *fib);
/* Update the cached MAC of gateway entries through (oif, ip). */
void fib_nh_neigh_update(struct sl_fib *fib, uint16_t oif, uint32_t ip, uint64_t l2);

/* Next-hop groups (fib_nhg.c). */
struct fib_nhg_key {
	uint32_t n;
	uint32_t nh[SL_ECMP_MAX]; /* next-hop indexes, ascending */
	uint32_t weight[SL_ECMP_MAX];
};
int fib_nhg_init(struct sl_fib *fib);
void fib_nhg_fini(struct sl_fib *fib);
/* The LPM value for paths (a group, or a next hop when they are one);
 * takes references. 0, -ENOSPC, -ENOMEM or fib_nh_get's error. */
int fib_nhg_get(struct sl_fib *fib, const struct sl_fib_paths *paths, uint32_t *val);
/* Drop a reference to group value val (and, at the last, to its members). */
void fib_nhg_put(struct sl_fib *fib, uint32_t val);
/* Grow the group array to hold total groups (sl_fib_reserve). 0, -ENOSPC, -ENOMEM. */
int fib_nhg_reserve(struct sl_fib *fib, uint32_t total);
/* After a grace period, make retired groups reusable (no-op when none). */
void fib_nhg_reclaim(struct sl_fib *fib);
/* Fill a group's buckets from its members (weighted rendezvous). */
void fib_nhg_fill(const struct sl_fib *fib, const struct fib_nhg_key *k, struct sl_fib_nhg *g);

/* Egress records (fib_egress.c), sized like the next-hop array. */
int fib_egress_init(struct sl_fib *fib, uint32_t cap);
void fib_egress_fini(struct sl_fib *fib);
/* Publish arrays for new_cap next hops (with the nh array); *old is the
 * unpublished array, for the caller to release after its grace period. */
int fib_egress_grow(
	struct sl_fib *fib, uint32_t old_cap, uint32_t new_cap, struct sl_fib_egress **old);
/* A slot readers cannot reach yet: write its record in place. */
void fib_egress_set_unreachable(struct sl_fib *fib, uint32_t index);
/* Recompute one next hop's record (flip when it changed). */
void fib_egress_refresh(struct sl_fib *fib, uint32_t index);
/* ... every next hop in use (the interface map changed). */
void fib_egress_refresh_all(struct sl_fib *fib);
/* Before map m replaces old: make not ready the records of the gateways
 * whose interface m puts in another VRF; true when there is one (then no
 * record may be made ready before a grace period after m's publication). */
bool fib_egress_park_moved(
	struct sl_fib *fib, const struct sl_fib_ifmap *old, const struct sl_fib_ifmap *m);

/* The flags fib->leaves[] (fib_leaves.c). The counts of a new VRF (zeroed
 * when it was deleted and is made again): 0, -ENOMEM. */
int fib_leaves_vrf_init(struct sl_fib *fib, uint32_t vrf_id);
/* A route of vrf_id with value val is about to be stored: flag first. */
void fib_leaves_note(struct sl_fib *fib, uint32_t vrf_id, uint32_t val);
/* A route of vrf_id with value val was removed (or, noted, not stored);
 * before val is released. May set leaves_stale: then fib_leaves_settle
 * after a grace period. */
void fib_leaves_forget(struct sl_fib *fib, uint32_t vrf_id, uint32_t val);
/* Set the flags interface map m needs, before it is published; true when
 * one was set (then wait for a grace period before publishing m). */
bool fib_leaves_raise(struct sl_fib *fib, const struct sl_fib_ifmap *m);
/* Clear the flags the published map and the routes no longer need, a grace
 * period after the map was published or the last route removed. */
void fib_leaves_settle(struct sl_fib *fib);
/* Forget deleted VRFs' bits and flags, a grace period after their tables
 * were unpublished. */
void fib_leaves_drop_deleted(struct sl_fib *fib);
void fib_leaves_fini(struct sl_fib *fib);

/* Interface slot by name, created (not present) when missing: oif or -ENOSPC. */
int fib_iface_slot(struct sl_fib *fib, const char *name);

#endif
