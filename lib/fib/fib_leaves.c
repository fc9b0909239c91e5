/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_leaves.c — the per-VRF flag fib->leaves[]: "a route of this VRF may
 * leave it other than by a redirect" (a next hop, or a member of an ECMP
 * group, whose interface is in another VRF; that takes in a router address
 * of another VRF, a LOCAL next hop). lib/dp skips its leak filter for a
 * burst of one such VRF with the flag clear and no redirect, so a clear
 * flag must never be read while a route that crosses is visible:
 *  - the writer counts, per VRF and interface, the route entries that name
 *    it (each member of a group once);
 *  - a route that names an interface of another VRF sets the flag before
 *    its table entry is stored (a release fence between): a worker that
 *    reads the entry, then the flag (sl_fib_vrf_leaves), sees it set;
 *  - a new interface map sets the flags it needs, and waits for a grace
 *    period, before it is published: the egress records it changes are read
 *    late in a burst, after the flag, so only a burst begun after the flag
 *    was set may see them; flags it no longer needs are cleared only after
 *    the grace period that retires the old map and records;
 *  - the last route through an interface of another VRF gone, the flag is
 *    cleared only after the grace period that follows the removal of its
 *    entry (sl_fib_apply's, fib_leaves_stale), so that a native burst of
 *    the VRF stops paying the leak filter's scan;
 *  - a deleted VRF's counts and flag go after the grace period that
 *    retires its table.
 */
#include <errno.h>
#include <stdlib.h>

#include "fib_priv.h"

/* The interfaces a VRF's routes named, with their counts: open addressing
 * on the interface, never shrunk (an interface whose count fell to 0 keeps
 * its slot: few interfaces a VRF, and no deletion to get wrong). */
struct fib_leave_set {
	uint32_t cap; /* a power of two */
	uint32_t used;
	bool sticky; /* a grow failed: counts unknown, the flag stays set */
	struct leave_slot {
		uint16_t oif1; /* oif + 1; 0: empty */
		uint32_t n; /* route entries naming it */
	} slot[];
};

#define SET_CAP_INIT 8u

static struct fib_leave_set *set_new(uint32_t cap)
{
	struct fib_leave_set *s = calloc(1, sizeof(*s) + cap * sizeof(s->slot[0]));
	if (s != NULL)
		s->cap = cap;
	return s;
}

static struct leave_slot *set_find(struct fib_leave_set *s, uint16_t oif)
{
	for (uint32_t i = oif & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (s->slot[i].oif1 == 0 || s->slot[i].oif1 == oif + 1)
			return &s->slot[i];
}

/* The slot of oif in *sp, taken if new; NULL when the set cannot grow. */
static struct leave_slot *set_take(struct fib_leave_set **sp, uint16_t oif)
{
	struct fib_leave_set *s = *sp;
	struct leave_slot *e = set_find(s, oif);
	if (e->oif1 != 0)
		return e;
	if (4 * (s->used + 1) > 3 * s->cap) { /* at most 3/4 full: probes end soon */
		struct fib_leave_set *n = set_new(2 * s->cap);
		if (n == NULL)
			return NULL;
		for (uint32_t i = 0; i < s->cap; i++)
			if (s->slot[i].oif1 != 0)
				*set_find(n, s->slot[i].oif1 - 1) = s->slot[i];
		n->used = s->used;
		free(s);
		*sp = s = n;
		e = set_find(s, oif);
	}
	e->oif1 = (uint16_t)(oif + 1);
	s->used++;
	return e;
}

static inline void flag_store(struct sl_fib *fib, uint32_t vrf_id, uint8_t on)
{
	__atomic_store_n(&fib->leaves[vrf_id], on, __ATOMIC_RELAXED);
}

/* Does VRF vrf_id, by the interfaces its routes name, leave under map m? */
static bool leaves_under(const struct sl_fib *fib, uint32_t vrf_id, const struct sl_fib_ifmap *m)
{
	const struct fib_leave_set *s = fib->priv->leave_oifs[vrf_id];
	if (s->sticky)
		return true;
	for (uint32_t i = 0; i < s->cap; i++)
		if (s->slot[i].n != 0 && m->ifs[s->slot[i].oif1 - 1].vrf_id != vrf_id)
			return true;
	return false;
}

int fib_leaves_vrf_init(struct sl_fib *fib, uint32_t vrf_id)
{
	struct fib_leave_set *s = fib->priv->leave_oifs[vrf_id];
	if (s != NULL) { /* deleted and made again in one change set */
		/* the deleted table's routes no longer count; its flag may
		 * still be read until sl_fib_apply's grace period */
		for (uint32_t i = 0; i < s->cap; i++)
			s->slot[i].n = 0;
		s->sticky = false;
		fib->priv->leaves_stale |= fib->leaves[vrf_id] != 0;
		return 0;
	}
	fib->priv->leave_oifs[vrf_id] = set_new(SET_CAP_INIT);
	return fib->priv->leave_oifs[vrf_id] != NULL ? 0 : -ENOMEM;
}

/* Interface oif is named by a route of vrf_id about to be stored. */
static void note_oif(struct sl_fib *fib, uint32_t vrf_id, uint16_t oif)
{
	if (oif >= SL_FIB_IFACE_MAX)
		return; /* a blackhole, or a local address of no interface: stays */
	struct fib_leave_set **sp = &fib->priv->leave_oifs[vrf_id];
	struct leave_slot *e = (*sp)->sticky ? NULL : set_take(sp, oif);
	if (e != NULL)
		e->n++;
	else
		(*sp)->sticky = true; /* out of memory: the flag stays, safe */
	/* a slot not synced yet is in VRF 0 in the map: so is it to lib/dp */
	if ((e == NULL || fib->ifmap->ifs[oif].vrf_id != vrf_id) && !fib->leaves[vrf_id])
		flag_store(fib, vrf_id, 1);
}

/* The interfaces value val names into oif[]: its next hop's, or each
 * member's of its group; none for a redirect (lib/dp filters every burst
 * that has one). Returns their number. */
static uint32_t val_oifs(const struct sl_fib *fib, uint32_t val, uint16_t oif[SL_ECMP_MAX])
{
	if (sl_fib_val_is_redirect(val))
		return 0;
	if (!sl_fib_val_is_group(val)) {
		oif[0] = fib->nh[val].oif;
		return 1;
	}
	const struct fib_nhg_key *k = &fib->priv->nhg_key[sl_fib_val_group(val)];
	for (uint32_t i = 0; i < k->n; i++)
		oif[i] = fib->nh[k->nh[i]].oif;
	return k->n;
}

void fib_leaves_note(struct sl_fib *fib, uint32_t vrf_id, uint32_t val)
{
	uint16_t oif[SL_ECMP_MAX];
	for (uint32_t i = 0, n = val_oifs(fib, val, oif); i < n; i++)
		note_oif(fib, vrf_id, oif[i]);
	/* the flag before the entry that needs it (the caller stores it next) */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* A route entry of vrf_id that named oif is gone (or was never stored). */
static void forget_oif(struct sl_fib *fib, uint32_t vrf_id, uint16_t oif)
{
	struct fib_leave_set *s = fib->priv->leave_oifs[vrf_id];
	if (oif >= SL_FIB_IFACE_MAX || s->sticky)
		return;
	struct leave_slot *e = set_find(s, oif);
	if (e->oif1 == 0 || e->n == 0)
		return; /* counted before its VRF was made again */
	/* the last route out of another VRF's interface: the flag may go, a
	 * grace period after its entry (fib_leaves_settle) */
	if (--e->n == 0 && fib->ifmap->ifs[oif].vrf_id != vrf_id && fib->leaves[vrf_id])
		fib->priv->leaves_stale = true;
}

void fib_leaves_forget(struct sl_fib *fib, uint32_t vrf_id, uint32_t val)
{
	uint16_t oif[SL_ECMP_MAX];
	if (fib->priv->leave_oifs[vrf_id] == NULL)
		return;
	for (uint32_t i = 0, n = val_oifs(fib, val, oif); i < n; i++)
		forget_oif(fib, vrf_id, oif[i]);
}

bool fib_leaves_raise(struct sl_fib *fib, const struct sl_fib_ifmap *m)
{
	bool raised = false;
	for (uint32_t v = 0; v < SL_VRF_MAX; v++) {
		if (fib->priv->leave_oifs[v] == NULL || fib->leaves[v] || !leaves_under(fib, v, m))
			continue;
		flag_store(fib, v, 1);
		raised = true;
	}
	return raised;
}

void fib_leaves_settle(struct sl_fib *fib)
{
	for (uint32_t v = 0; v < SL_VRF_MAX; v++)
		if (fib->leaves[v] && fib->priv->leave_oifs[v] != NULL &&
			!leaves_under(fib, v, fib->ifmap))
			flag_store(fib, v, 0);
	fib->priv->leaves_stale = false;
}

void fib_leaves_drop_deleted(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	for (uint32_t v = 0; v < SL_VRF_MAX; v++) {
		if (p->tables[v] != NULL || p->leave_oifs[v] == NULL)
			continue;
		flag_store(fib, v, 0);
		free(p->leave_oifs[v]);
		p->leave_oifs[v] = NULL;
	}
}

void fib_leaves_fini(struct sl_fib *fib)
{
	for (uint32_t v = 0; v < SL_VRF_MAX; v++) {
		free(fib->priv->leave_oifs[v]);
		fib->priv->leave_oifs[v] = NULL;
	}
}
