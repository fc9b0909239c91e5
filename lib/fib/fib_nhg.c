/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_nhg.c — ECMP next-hop groups: deduplicated, reference-counted bucket
 * arrays the LPM values name with SL_FIB_VAL_GROUP. A group holds one
 * reference on each member next hop. Groups are never changed once
 * reachable: a slot is written only while no reader can reach it (new, or
 * reclaimed after a grace period); growing the array publishes a copy and
 * frees the old one after a grace period, as fib_nh.c does for next hops.
 *
 * Buckets are filled by weighted rendezvous hashing: bucket b goes to the
 * member m with the highest w_m / -ln(u(b, m)), u uniform in (0, 1) from a
 * hash of the bucket and of the member's identity (type, gateway, egress
 * interface). A member gets each bucket with probability w_m / sum(w), and
 * since a bucket's scores do not depend on the other members, removing one
 * moves only its buckets; adding one takes buckets only for itself.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fib_priv.h"

#define NHG_INITIAL 16

int fib_nhg_init(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	fib->nhg = fib_zalloc(NHG_INITIAL * sizeof(struct sl_fib_nhg));
	p->nhg_refcnt = calloc(NHG_INITIAL, sizeof(*p->nhg_refcnt));
	p->nhg_key = calloc(NHG_INITIAL, sizeof(*p->nhg_key));
	if (fib->nhg == NULL || p->nhg_refcnt == NULL || p->nhg_key == NULL)
		return -ENOMEM;
	p->nhg_cap = NHG_INITIAL;
	return 0;
}

void fib_nhg_fini(struct sl_fib *fib)
{
	fib_release(fib->nhg);
	fib->nhg = NULL;
	free(fib->priv->nhg_refcnt);
	free(fib->priv->nhg_key);
	fib->priv->nhg_refcnt = NULL;
	fib->priv->nhg_key = NULL;
}

static int nhg_grow(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	uint32_t cap = p->nhg_cap * 2;
	if (cap > SL_FIB_NHG_MAX)
		return -ENOSPC;
	struct sl_fib_nhg *g = fib_zalloc(cap * sizeof(*g));
	uint32_t *rc = calloc(cap, sizeof(*rc));
	struct fib_nhg_key *k = calloc(cap, sizeof(*k));
	if (g == NULL || rc == NULL || k == NULL) {
		fib_release(g);
		free(rc);
		free(k);
		return -ENOMEM;
	}
	memcpy(g, fib->nhg, p->nhg_cap * sizeof(*g));
	memcpy(rc, p->nhg_refcnt, p->nhg_cap * sizeof(*rc));
	memcpy(k, p->nhg_key, p->nhg_cap * sizeof(*k));
	struct sl_fib_nhg *old = fib->nhg;
	__atomic_store_n(&fib->nhg, g, __ATOMIC_RELEASE);
	fib_synchronize(fib);
	fib_release(old);
	free(p->nhg_refcnt);
	free(p->nhg_key);
	p->nhg_refcnt = rc;
	p->nhg_key = k;
	p->nhg_cap = cap;
	return 0;
}

int fib_nhg_reserve(struct sl_fib *fib, uint32_t total)
{
	if (total > SL_FIB_NHG_MAX)
		return -ENOSPC;
	int rc = 0;
	while (rc == 0 && fib->priv->nhg_cap < total)
		rc = nhg_grow(fib);
	return rc;
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull; /* splitmix64's finaliser */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void fib_nhg_fill(const struct sl_fib *fib, const struct fib_nhg_key *k, struct sl_fib_nhg *g)
{
	uint64_t id[SL_ECMP_MAX];
	for (uint32_t m = 0; m < k->n; m++) {
		const struct sl_fib_nh *nh = &fib->nh[k->nh[m]];
		id[m] = mix64(
			(uint64_t)nh->gw | (uint64_t)nh->oif << 32 | (uint64_t)nh->type << 48);
	}
	for (uint32_t b = 0; b < SL_FIB_NHG_BUCKETS; b++) {
		double best = -1.0;
		uint32_t pick = k->nh[0];
		for (uint32_t m = 0; m < k->n; m++) {
			uint64_t h = mix64(id[m] ^ (b + 1) * 0xd6e8feb86659fd93ull);
			double u = ((double)(h >> 11) + 0.5) / 9007199254740992.0; /* (0, 1) */
			double score = (double)k->weight[m] / -log(u);
			if (score > best) {
				best = score;
				pick = k->nh[m];
			}
		}
		g->bucket[b] = pick;
	}
}

/* Members ascending by next-hop index; a next hop named twice is one member
 * (its extra reference dropped, the first weight kept). */
static void key_canon(struct sl_fib *fib, struct fib_nhg_key *k)
{
	for (uint32_t i = 1; i < k->n; i++)
		for (uint32_t j = i; j > 0 && k->nh[j - 1] > k->nh[j]; j--) {
			uint32_t t = k->nh[j];
			k->nh[j] = k->nh[j - 1];
			k->nh[j - 1] = t;
			t = k->weight[j];
			k->weight[j] = k->weight[j - 1];
			k->weight[j - 1] = t;
		}
	uint32_t n = 0;
	for (uint32_t i = 0; i < k->n; i++) {
		if (n > 0 && k->nh[n - 1] == k->nh[i]) {
			fib_nh_put(fib, k->nh[i]);
			continue;
		}
		k->nh[n] = k->nh[i];
		k->weight[n++] = k->weight[i];
	}
	for (uint32_t i = n; i < k->n; i++)
		k->nh[i] = k->weight[i] = 0;
	k->n = n;
}

static bool key_eq(const struct fib_nhg_key *a, const struct fib_nhg_key *b)
{
	return a->n == b->n && memcmp(a->nh, b->nh, a->n * sizeof(a->nh[0])) == 0 &&
	       memcmp(a->weight, b->weight, a->n * sizeof(a->weight[0])) == 0;
}

int fib_nhg_get(struct sl_fib *fib, const struct sl_fib_paths *paths, uint32_t *val)
{
	struct sl_fib_priv *p = fib->priv;
	struct fib_nhg_key k;
	int rc = 0;

	if (paths->n == 0 || paths->n > SL_ECMP_MAX)
		return -EINVAL;
	memset(&k, 0, sizeof(k));
	for (; k.n < paths->n; k.n++) {
		const struct sl_fib_path *fp = &paths->p[k.n];
		if (fp->nh.type != SL_NH_GATEWAY && fp->nh.type != SL_NH_CONNECTED)
			rc = -EINVAL; /* a group forwards; it does not drop or redirect */
		else
			rc = fib_nh_get(fib, &fp->nh, &k.nh[k.n]);
		if (rc < 0) {
			for (uint32_t i = 0; i < k.n; i++)
				fib_nh_put(fib, k.nh[i]);
			return rc;
		}
		k.weight[k.n] = fp->weight < 1		     ? 1
				: fp->weight > SL_WEIGHT_MAX ? SL_WEIGHT_MAX
							     : fp->weight;
	}
	key_canon(fib, &k);
	if (k.n == 1) {
		*val = k.nh[0];
		return 0;
	}
	uint32_t free_slot = UINT32_MAX;
	for (uint32_t i = 0; i < p->nhg_used; i++) {
		if (p->nhg_refcnt[i] == 0) {
			if (free_slot == UINT32_MAX)
				free_slot = i;
			continue;
		}
		if (!(p->nhg_refcnt[i] & FIB_NH_RETIRED) && key_eq(&p->nhg_key[i], &k)) {
			p->nhg_refcnt[i]++;
			for (uint32_t m = 0; m < k.n; m++) /* the group holds its own */
				fib_nh_put(fib, k.nh[m]);
			*val = SL_FIB_VAL_GROUP | i;
			return 0;
		}
	}
	if (free_slot == UINT32_MAX) {
		if (p->nhg_used == p->nhg_cap && (rc = nhg_grow(fib)) < 0) {
			for (uint32_t m = 0; m < k.n; m++)
				fib_nh_put(fib, k.nh[m]);
			return rc;
		}
		free_slot = p->nhg_used++;
	}
	/* unreachable from the LPM until the caller stores the value: plain writes */
	fib_nhg_fill(fib, &k, &fib->nhg[free_slot]);
	p->nhg_key[free_slot] = k;
	p->nhg_refcnt[free_slot] = 1;
	*val = SL_FIB_VAL_GROUP | free_slot;
	return 0;
}

void fib_nhg_put(struct sl_fib *fib, uint32_t val)
{
	struct sl_fib_priv *p = fib->priv;
	uint32_t i = val & (SL_FIB_VAL_GROUP - 1);
	if (i >= p->nhg_used || p->nhg_refcnt[i] == 0 || (p->nhg_refcnt[i] & FIB_NH_RETIRED))
		return;
	if (--p->nhg_refcnt[i] > 0)
		return;
	/* a reader may still hold the group: its slot, and its members (retired
	 * by these puts), are reused only after the same grace period */
	p->nhg_refcnt[i] = FIB_NH_RETIRED;
	p->nhg_retired++;
	for (uint32_t m = 0; m < p->nhg_key[i].n; m++)
		fib_nh_put(fib, p->nhg_key[i].nh[m]);
}

void fib_nhg_reclaim(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	if (p->nhg_retired == 0)
		return;
	fib_synchronize(fib);
	for (uint32_t i = 0; i < p->nhg_used; i++)
		if (p->nhg_refcnt[i] == FIB_NH_RETIRED) {
			p->nhg_refcnt[i] = 0;
			memset(&p->nhg_key[i], 0, sizeof(p->nhg_key[i]));
		}
	p->nhg_retired = 0;
}
