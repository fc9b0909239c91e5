/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_nh.c — the next-hop table: deduplicated, reference-counted entries the
 * LPM values index. Entries are written in place only while unused (readers
 * cannot reach them); growing the array publishes a copy and frees the old
 * one after a grace period.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "fib_priv.h"

#define NH_INITIAL 256

int fib_nh_init(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	fib->nh = fib_zalloc(NH_INITIAL * sizeof(struct sl_fib_nh));
	p->nh_refcnt = calloc(NH_INITIAL, sizeof(uint32_t));
	if (fib->nh == NULL || p->nh_refcnt == NULL)
		return -ENOMEM;
	p->nh_cap = NH_INITIAL;
	int rc = fib_egress_init(fib, NH_INITIAL);
	if (rc < 0)
		return rc;
	/* index 0: the permanent blackhole entry */
	fib->nh[SL_FIB_NH_BLACKHOLE] =
		(struct sl_fib_nh){.type = SL_FIB_NH_T_BLACKHOLE, .oif = SL_FIB_OIF_NONE};
	p->nh_refcnt[SL_FIB_NH_BLACKHOLE] = 1;
	p->nh_used = 1;
	fib_egress_set_unreachable(fib, SL_FIB_NH_BLACKHOLE);
	return fib_nhg_init(fib);
}

void fib_nh_fini(struct sl_fib *fib)
{
	fib_nhg_fini(fib);
	fib_release(fib->nh);
	fib->nh = NULL;
	fib_egress_fini(fib);
	free(fib->priv->nh_refcnt);
	fib->priv->nh_refcnt = NULL;
}

static int nh_grow(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	uint32_t cap = p->nh_cap * 2;
	if (cap > SL_FIB_NH_MAX)
		return -ENOSPC;
	struct sl_fib_nh *n = fib_zalloc(cap * sizeof(*n));
	uint32_t *rc = calloc(cap, sizeof(*rc));
	if (n == NULL || rc == NULL) {
		fib_release(n);
		free(rc);
		return -ENOMEM;
	}
	struct sl_fib_egress *old_eg;
	int err = fib_egress_grow(fib, p->nh_cap, cap, &old_eg);
	if (err < 0) {
		fib_release(n);
		free(rc);
		return err;
	}
	memcpy(n, fib->nh, p->nh_cap * sizeof(*n));
	memcpy(rc, p->nh_refcnt, p->nh_cap * sizeof(*rc));
	struct sl_fib_nh *old = fib->nh;
	__atomic_store_n(&fib->nh, n, __ATOMIC_RELEASE);
	fib_synchronize(fib); /* one grace period for both arrays */
	fib_release(old);
	fib_release(old_eg);
	free(p->nh_refcnt);
	p->nh_refcnt = rc;
	p->nh_cap = cap;
	return 0;
}

int fib_nh_reserve(struct sl_fib *fib, uint32_t total)
{
	if (total > SL_FIB_NH_MAX)
		return -ENOSPC;
	int rc = 0;
	while (rc == 0 && fib->priv->nh_cap < total)
		rc = nh_grow(fib);
	return rc;
}

static int nh_from_rib(struct sl_fib *fib, const struct sl_nh *in, struct sl_fib_nh *out)
{
	memset(out, 0, sizeof(*out));
	out->oif = SL_FIB_OIF_NONE;
	switch (in->type) {
	case SL_NH_BLACKHOLE:
		out->type = SL_FIB_NH_T_BLACKHOLE;
		return 0;
	case SL_NH_LOCAL:
		out->type = SL_FIB_NH_T_LOCAL;
		break;
	case SL_NH_CONNECTED:
		out->type = SL_FIB_NH_T_CONNECTED;
		break;
	case SL_NH_GATEWAY:
		out->type = SL_FIB_NH_T_GATEWAY;
		out->gw = in->gw;
		break;
	default:
		return -EINVAL;
	}
	if (in->ifname[0] == '\0')
		return in->type == SL_NH_LOCAL ? 0 : -EINVAL;
	int oif = fib_iface_slot(fib, in->ifname);
	if (oif < 0)
		return oif;
	out->oif = (uint16_t)oif;
	return 0;
}

int fib_nh_get(struct sl_fib *fib, const struct sl_nh *in, uint32_t *index)
{
	struct sl_fib_priv *p = fib->priv;
	struct sl_fib_nh want;
	int rc = nh_from_rib(fib, in, &want);
	if (rc < 0)
		return rc;
	if (want.type == SL_FIB_NH_T_BLACKHOLE) {
		*index = SL_FIB_NH_BLACKHOLE;
		return 0;
	}
	uint32_t free_slot = UINT32_MAX;
	for (uint32_t i = 1; i < p->nh_used; i++) {
		const struct sl_fib_nh *e = &fib->nh[i];
		if (p->nh_refcnt[i] == 0) {
			if (free_slot == UINT32_MAX)
				free_slot = i;
			continue;
		}
		if (p->nh_refcnt[i] & FIB_NH_RETIRED)
			continue;
		if (e->type == want.type && e->oif == want.oif && e->gw == want.gw) {
			p->nh_refcnt[i]++;
			*index = i;
			return 0;
		}
	}
	if (free_slot == UINT32_MAX) {
		if (p->nh_used == p->nh_cap) {
			rc = nh_grow(fib);
			if (rc < 0)
				return rc;
		}
		free_slot = p->nh_used++;
	}
	if (want.type == SL_FIB_NH_T_GATEWAY && want.oif != SL_FIB_OIF_NONE)
		want.l2 = sl_fib_neigh_lookup(fib, want.oif, want.gw);
	/* an unused slot is unreachable from the LPM: a plain write is safe */
	fib->nh[free_slot] = want;
	fib_egress_set_unreachable(fib, free_slot);
	p->nh_refcnt[free_slot] = 1;
	*index = free_slot;
	return 0;
}

void fib_nh_put(struct sl_fib *fib, uint32_t index)
{
	struct sl_fib_priv *p = fib->priv;
	if (index == SL_FIB_NH_BLACKHOLE || index >= p->nh_used || p->nh_refcnt[index] == 0 ||
		(p->nh_refcnt[index] & FIB_NH_RETIRED))
		return;
	/* A reader may still hold this index from a lookup done before the
	 * route went away: the slot is retired, not free, until the grace
	 * period that fib_nh_reclaim waits for. */
	if (--p->nh_refcnt[index] == 0) {
		p->nh_refcnt[index] = FIB_NH_RETIRED;
		p->nh_retired++;
	}
}

void fib_nh_reclaim(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	if (p->nh_retired == 0)
		return;
	fib_synchronize(fib);
	for (uint32_t i = 1; i < p->nh_used; i++)
		if (p->nh_refcnt[i] == FIB_NH_RETIRED)
			p->nh_refcnt[i] = 0;
	p->nh_retired = 0;
}

void fib_nh_neigh_update(struct sl_fib *fib, uint16_t oif, uint32_t ip, uint64_t l2)
{
	struct sl_fib_priv *p = fib->priv;
	for (uint32_t i = 1; i < p->nh_used; i++) {
		struct sl_fib_nh *e = &fib->nh[i];
		if (p->nh_refcnt[i] != 0 && !(p->nh_refcnt[i] & FIB_NH_RETIRED) &&
			e->type == SL_FIB_NH_T_GATEWAY && e->oif == oif && e->gw == ip) {
			__atomic_store_n(&e->l2, l2, __ATOMIC_RELAXED);
			fib_egress_refresh(fib, i);
		}
	}
}
