/* SPDX-License-Identifier: BSD-3-Clause */
/* fib_routes.c — applying RIB changes: per-VRF tables (fib_lpm.c) and their
 * routes; a small table that outgrows its layout moves to the rte_lpm one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fib_priv.h"

int fib_vrf_add(struct sl_fib *fib, uint32_t vrf_id)
{
	struct sl_fib_priv *p = fib->priv;
	if (p->tables[vrf_id] != NULL)
		return 0; /* a re-add (rename, table change) keeps the routes */
	int err = fib_leaves_vrf_init(fib, vrf_id);
	if (err < 0) {
		FIB_LOG(ERR, "cannot create the table of VRF %u: %s", vrf_id, strerror(-err));
		return err;
	}
	/* sl_fib_reserve made it, sized for the VRF's routes */
	struct fib_lpm *t = p->fresh[vrf_id];
	p->fresh[vrf_id] = NULL;
	if (t == NULL)
		t = fib_lpm_new_in(FIB_LPM_SMALL, &p->mem, FIB_SMALL_GROUPS_INIT, fib->qsbr);
	if (t == NULL) {
		int rc = errno ? errno : ENOMEM;
		FIB_LOG(ERR, "cannot create the table of VRF %u (%zu bytes): %s", vrf_id,
			sl_fib_vrf_bytes(&p->cfg), strerror(rc));
		return -rc;
	}
	p->tables[vrf_id] = t;
	__atomic_store_n(&fib->dflt[SL_AF_IPV4][vrf_id], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fib->tbl[SL_AF_IPV4][vrf_id], fib_lpm_handle(t), __ATOMIC_RELEASE);
	return 0;
}

/*
 * The small table of vrf_id uses small_groups_max groups (before its array
 * doubles past them): build the
 * rte_lpm-layout table from its rules, publish it with one pointer store and
 * free the small one after a grace period. Readers see the old table or the
 * new one, both whole and holding the same rules. If the big one cannot be
 * made, the VRF stays small (it still works) and the next route tries again.
 */
static void vrf_promote(struct sl_fib *fib, uint32_t vrf_id)
{
	struct sl_fib_priv *p = fib->priv;
	struct fib_lpm *small = p->tables[vrf_id];
	struct fib_lpm_stats st;
	fib_lpm_stats_get(small, &st);
	/* sl_fib_reserve's, else a guess at the /24s with longer prefixes (the
	 * array grows if short) */
	struct fib_lpm *big = p->promote_to[vrf_id];
	p->promote_to[vrf_id] = NULL;
	if (big == NULL)
		big = fib_lpm_new_in(
			FIB_LPM_LARGE, &p->mem, RTE_MAX(st.tbl8_used / 8, 64u), fib->qsbr);
	int rc = big ? fib_lpm_copy(big, small) : -(errno ? errno : ENOMEM);
	if (rc < 0) {
		fib_lpm_free(big);
		FIB_LOG(WARNING, "VRF %u stays in the small layout (%zu routes): %s", vrf_id,
			st.rules, strerror(-rc));
		return;
	}
	__atomic_store_n(&fib->tbl[SL_AF_IPV4][vrf_id], fib_lpm_handle(big), __ATOMIC_RELEASE);
	p->tables[vrf_id] = big;
	fib_synchronize(fib);
	fib_lpm_free(small);
	p->promotions++;
	FIB_LOG(INFO, "VRF %u: %zu routes, %u groups: moved to the rte_lpm layout", vrf_id,
		st.rules, st.tbl8_used);
}

static void value_put(struct sl_fib *fib, uint32_t val);

static void value_put_cb(uint32_t val, void *fib)
{
	value_put(fib, val);
}

static void vrf_del(struct sl_fib *fib, uint32_t vrf_id, struct fib_lpm **garbage, size_t *n)
{
	struct fib_lpm *t = fib->priv->tables[vrf_id];
	if (t == NULL)
		return;
	uint32_t d = fib->dflt[SL_AF_IPV4][vrf_id];
	__atomic_store_n(&fib->tbl[SL_AF_IPV4][vrf_id], 0, __ATOMIC_RELEASE);
	__atomic_store_n(&fib->dflt[SL_AF_IPV4][vrf_id], 0, __ATOMIC_RELAXED);
	fib->priv->tables[vrf_id] = NULL;
	if (d & RTE_LPM_LOOKUP_SUCCESS)
		value_put(fib, d & SL_FIB_VAL_MASK);
	/* The RIB deletes a VRF's routes before the VRF; any left release their
	 * next hops here. */
	fib_lpm_foreach(t, value_put_cb, fib);
	garbage[(*n)++] = t;
}

static int value_of(struct sl_fib *fib, const struct sl_fib_change *c, uint32_t *val)
{
	const struct sl_nh *nh = &c->nh;
	if (c->paths != NULL)
		return fib_nhg_get(fib, c->paths, val);
	if (nh->type == SL_NH_VRF) {
		if (nh->vrf_id >= SL_VRF_MAX)
			return -EINVAL;
		*val = sl_fib_val_redirect(nh->vrf_id);
		return 0;
	}
	return fib_nh_get(fib, nh, val);
}

static void value_put(struct sl_fib *fib, uint32_t val)
{
	if (sl_fib_val_is_group(val))
		fib_nhg_put(fib, val);
	else if (!sl_fib_val_is_redirect(val))
		fib_nh_put(fib, val);
}

/* A value vrf_id's table held (or, noted, never stored) is let go. */
static void route_put(struct sl_fib *fib, uint32_t vrf_id, uint32_t val)
{
	fib_leaves_forget(fib, vrf_id, val);
	value_put(fib, val);
}

static int route_set(struct sl_fib *fib, const struct sl_fib_change *c)
{
	struct fib_lpm *t = fib->priv->tables[c->vrf_id];
	if (t == NULL)
		return -ENOENT;
	uint32_t val, old;
	int rc = value_of(fib, c, &val);
	if (rc < 0)
		return rc;
	uint32_t addr = c->prefix.addr & sl_mask(c->prefix.len);
	fib_leaves_note(fib, c->vrf_id, val); /* before the entry: fib_leaves.c */
	if (c->prefix.len == 0) {
		old = fib->dflt[SL_AF_IPV4][c->vrf_id];
		__atomic_store_n(&fib->dflt[SL_AF_IPV4][c->vrf_id], val | RTE_LPM_LOOKUP_SUCCESS,
			__ATOMIC_RELEASE);
		if (old & RTE_LPM_LOOKUP_SUCCESS)
			route_put(fib, c->vrf_id, old & SL_FIB_VAL_MASK);
		return 0;
	}
	bool present = fib_lpm_get(t, addr, c->prefix.len, &old);
	if (present && old == val) { /* same next hop: nothing to write */
		route_put(fib, c->vrf_id, val);
		return 0;
	}
	rc = fib_lpm_set(t, addr, c->prefix.len, val);
	if (rc < 0) { /* the table is unchanged */
		route_put(fib, c->vrf_id, val);
		return rc;
	}
	if (present)
		route_put(fib, c->vrf_id, old);
	if (fib_lpm_kind(t) == FIB_LPM_SMALL &&
		fib_lpm_groups_used(t) >= fib->priv->cfg.small_groups_max)
		vrf_promote(fib, c->vrf_id);
	return 0;
}

static int route_del(struct sl_fib *fib, const struct sl_fib_change *c)
{
	struct fib_lpm *t = fib->priv->tables[c->vrf_id];
	if (t == NULL)
		return -ENOENT;
	uint32_t addr = c->prefix.addr & sl_mask(c->prefix.len), old;
	if (c->prefix.len == 0) {
		old = fib->dflt[SL_AF_IPV4][c->vrf_id];
		if (!(old & RTE_LPM_LOOKUP_SUCCESS))
			return -ENOENT;
		__atomic_store_n(&fib->dflt[SL_AF_IPV4][c->vrf_id], 0, __ATOMIC_RELEASE);
		route_put(fib, c->vrf_id, old & SL_FIB_VAL_MASK);
		return 0;
	}
	if (!fib_lpm_get(t, addr, c->prefix.len, &old))
		return -ENOENT;
	int rc = fib_lpm_del(t, addr, c->prefix.len);
	if (rc < 0)
		return rc;
	route_put(fib, c->vrf_id, old);
	return 0;
}

/* Stage `stage` of fib_lpm_prefetch for change c, when it writes a route of
 * a table that exists now. */
static void change_prefetch(const struct sl_fib *fib, const struct sl_fib_change *c, unsigned stage)
{
	if ((c->op != SL_FIB_ROUTE_SET && c->op != SL_FIB_ROUTE_DEL) || c->af != SL_AF_IPV4 ||
		c->vrf_id >= SL_VRF_MAX)
		return;
	const struct fib_lpm *t = fib->priv->tables[c->vrf_id];
	if (t != NULL)
		fib_lpm_prefetch(t, c->prefix.addr, c->prefix.len, stage);
}

/* How far ahead of the change being applied each prefetch stage runs: each
 * stage's lines have had the time of 4-8 changes to arrive. */
#define AHEAD_INDEX 16
#define AHEAD_NODE 8
#define AHEAD_GROUP 4

int sl_fib_apply(struct sl_fib *fib, const struct sl_fib_change *changes, size_t n,
	struct sl_fib_apply_result *res)
{
	struct sl_fib_apply_result r = {0};
	struct fib_lpm *garbage[SL_VRF_MAX];
	size_t n_garbage = 0;
	bool deleted = false; /* a VRF: its leave flag goes after a grace period */
	int first = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sl_fib_change *c = &changes[i];
		int rc;
		sl_progress(); /* between two changes: the tables are whole */
		if (i + AHEAD_INDEX < n)
			change_prefetch(fib, &changes[i + AHEAD_INDEX], 0);
		if (i + AHEAD_NODE < n)
			change_prefetch(fib, &changes[i + AHEAD_NODE], 1);
		if (i + AHEAD_GROUP < n)
			change_prefetch(fib, &changes[i + AHEAD_GROUP], 2);
		if (c->vrf_id >= SL_VRF_MAX || c->af >= SL_AF_COUNT) {
			rc = -EINVAL;
		} else if (c->af != SL_AF_IPV4) {
			rc = -EAFNOSUPPORT; /* no IPv6 tables yet: the family is refused whole */
		} else {
			switch (c->op) {
			case SL_FIB_VRF_ADD:
				rc = fib_vrf_add(fib, c->vrf_id);
				r.vrfs_added += rc == 0;
				break;
			case SL_FIB_VRF_DEL:
				if (n_garbage == SL_VRF_MAX) {
					fib_synchronize(fib);
					for (size_t g = 0; g < n_garbage; g++)
						fib_lpm_free(garbage[g]);
					n_garbage = 0;
				}
				vrf_del(fib, c->vrf_id, garbage, &n_garbage);
				deleted = true;
				rc = 0;
				r.vrfs_deleted++;
				break;
			case SL_FIB_ROUTE_SET:
				rc = route_set(fib, c);
				r.routes_set += rc == 0;
				break;
			case SL_FIB_ROUTE_DEL:
				rc = route_del(fib, c);
				r.routes_deleted += rc == 0;
				break;
			default:
				rc = -EINVAL;
			}
		}
		if (rc < 0 && r.failed < 8) {
			char pfx[SL_PREFIX_STR];
			FIB_LOG(WARNING, "change %zu (op %d, vrf %u, %s) failed: %s", i, (int)c->op,
				c->vrf_id, sl_prefix_fmt(c->prefix, pfx), strerror(-rc));
		}
		if (rc < 0) {
			r.failed++;
			if (first == 0)
				first = rc;
		} else {
			r.applied++;
		}
	}
	bool stale = fib->priv->leaves_stale; /* a route that left the VRF went */
	if (deleted || stale || fib->priv->nh_retired > 0 || fib->priv->nhg_retired > 0) {
		fib_synchronize(fib);
		for (size_t g = 0; g < n_garbage; g++)
			fib_lpm_free(garbage[g]);
		if (deleted)
			fib_leaves_drop_deleted(fib);
		if (stale)
			fib_leaves_settle(fib);
		fib_nhg_reclaim(fib); /* their synchronize returns at once now */
		fib_nh_reclaim(fib);
	}
	if (res != NULL)
		*res = r;
	return first;
}

static int lookup_one(const struct sl_fib *fib, uint32_t vrf_id, uint32_t ip, uint32_t *val)
{
	uintptr_t t = fib->tbl[SL_AF_IPV4][vrf_id];
	if (t == 0)
		return -ENOENT;
	*val = sl_fib_table_lookup(t, ip, UINT32_MAX);
	if (*val != UINT32_MAX)
		return 0;
	uint32_t d = fib->dflt[SL_AF_IPV4][vrf_id];
	if (!(d & RTE_LPM_LOOKUP_SUCCESS))
		return -ENOENT;
	*val = d & SL_FIB_VAL_MASK;
	return 0;
}

int sl_fib_lookup(const struct sl_fib *fib, uint32_t vrf_id, const struct sl_addr *dst,
	uint32_t *nh_index, uint32_t *final_vrf)
{
	uint32_t val;
	if (vrf_id >= SL_VRF_MAX || dst->af >= SL_AF_COUNT)
		return -EINVAL;
	if (dst->af != SL_AF_IPV4)
		return -EAFNOSUPPORT;
	uint32_t ip = dst->v4;
	int rc = lookup_one(fib, vrf_id, ip, &val);
	if (rc < 0)
		return rc;
	if (sl_fib_val_is_redirect(val)) {
		vrf_id = sl_fib_val_vrf(val);
		if (vrf_id >= SL_VRF_MAX)
			return -EINVAL;
		rc = lookup_one(fib, vrf_id, ip, &val);
		if (rc < 0)
			return rc;
		if (sl_fib_val_is_redirect(val))
			return -ELOOP;
	}
	if (sl_fib_val_is_group(val)) /* the path a flow to ip would take */
		val = sl_fib_nhg_pick(fib->nhg, val, ip * 0x9e3779b1u);
	*nh_index = val;
	if (final_vrf != NULL)
		*final_vrf = vrf_id;
	return 0;
}
