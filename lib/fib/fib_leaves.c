/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_leaves.c — the per-VRF flag fib->leaves[]: "a route of this VRF may
 * leave it other than by a redirect" (a next hop, or a member of an ECMP
 * group, whose interface is in another VRF; that takes in a router address
 * of another VRF, a LOCAL next hop). lib/dp skips its leak filter for a
 * burst of one such VRF with the flag clear and no redirect, so a clear
 * flag must never be read while a route that crosses is visible:
 *  - the writer keeps, per VRF, a bitmap of every interface its routes
 *    named since its table was made (a route's removal leaves its bit: an
 *    extra bit costs a scan, never a wrong skip);
 *  - a route that names an interface of another VRF sets the flag before
 *    its table entry is stored (a release fence between): a worker that
 *    reads the entry, then the flag (sl_fib_vrf_leaves), sees it set;
 *  - a new interface map sets the flags it needs, and waits for a grace
 *    period, before it is published: the egress records it changes are read
 *    late in a burst, after the flag, so only a burst begun after the flag
 *    was set may see them; flags it no longer needs are cleared only after
 *    the grace period that retires the old map and records;
 *  - a deleted VRF's bits and flag go after the grace period that retires
 *    its table.
 */
#include <errno.h>
#include <stdlib.h>

#include "fib_priv.h"

#define OIF_WORDS (SL_FIB_IFACE_MAX / 64)

static inline void flag_store(struct sl_fib *fib, uint32_t vrf_id, uint8_t on)
{
	__atomic_store_n(&fib->leaves[vrf_id], on, __ATOMIC_RELAXED);
}

/* Does VRF vrf_id, by the interfaces its routes named, leave under map m? */
static bool leaves_under(const struct sl_fib *fib, uint32_t vrf_id, const struct sl_fib_ifmap *m)
{
	const uint64_t *bits = fib->priv->leave_oifs[vrf_id];
	for (uint32_t w = 0; w < OIF_WORDS; w++)
		for (uint64_t b = bits[w]; b != 0; b &= b - 1) {
			uint32_t oif = w * 64 + (uint32_t)__builtin_ctzll(b);
			if (m->ifs[oif].vrf_id != vrf_id)
				return true;
		}
	return false;
}

int fib_leaves_vrf_init(struct sl_fib *fib, uint32_t vrf_id)
{
	if (fib->priv->leave_oifs[vrf_id] != NULL) /* deleted and made again: kept */
		return 0;
	fib->priv->leave_oifs[vrf_id] = calloc(OIF_WORDS, sizeof(uint64_t));
	return fib->priv->leave_oifs[vrf_id] != NULL ? 0 : -ENOMEM;
}

/* Interface oif is named by a route of vrf_id about to be stored. */
static void note_oif(struct sl_fib *fib, uint32_t vrf_id, uint16_t oif)
{
	if (oif >= SL_FIB_IFACE_MAX)
		return; /* a blackhole, or a local address of no interface: stays */
	uint64_t *w = &fib->priv->leave_oifs[vrf_id][oif / 64];
	uint64_t bit = 1ull << (oif % 64);
	if (*w & bit)
		return; /* the flag already says what this interface makes it */
	*w |= bit;
	/* a slot not synced yet is in VRF 0 in the map: so is it to lib/dp */
	if (fib->ifmap->ifs[oif].vrf_id != vrf_id && !fib->leaves[vrf_id])
		flag_store(fib, vrf_id, 1);
}

void fib_leaves_note(struct sl_fib *fib, uint32_t vrf_id, uint32_t val)
{
	if (sl_fib_val_is_redirect(val))
		return; /* lib/dp filters every burst that has a redirect */
	if (sl_fib_val_is_group(val)) {
		const struct fib_nhg_key *k = &fib->priv->nhg_key[sl_fib_val_group(val)];
		for (uint32_t i = 0; i < k->n; i++)
			note_oif(fib, vrf_id, fib->nh[k->nh[i]].oif);
	} else {
		note_oif(fib, vrf_id, fib->nh[val].oif);
	}
	/* the flag before the entry that needs it (the caller stores it next) */
	__atomic_thread_fence(__ATOMIC_RELEASE);
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
