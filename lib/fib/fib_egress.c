/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_egress.c — each next hop's egress record for the fast path (the L2
 * header ready to write, the port, the egress VRF), kept up to date when a
 * neighbour resolves or the interface map changes, so that the workers read
 * one record per packet instead of next hop + interface + neighbour state.
 * Two records per next hop: the writer fills the idle one and flips `sel`;
 * it reuses a record only after the grace period of its last flip, so a
 * burst reads at most two successive contents of a record.
 *
 * A worker reads a next hop's record twice in a burst (lib/dp: the leak
 * filter, then the forward) and, while it is not ready, judges and forwards
 * by the interface map its burst loaded. Both must name one egress VRF, or
 * a packet judged native could leave into another VRF unfiltered. The two
 * contents a burst can see therefore never name two VRFs: a record whose
 * interface moves to another VRF is made not ready before the new map is
 * published, and ready again only a grace period after it (fib_iface.c);
 * every other change of a record (a neighbour, a port, up or down) keeps
 * the VRF of the map every burst holds then. A next-hop index is written
 * in place only while no reader can hold it (fib_nh.c: freed indexes are
 * reused a grace period after their last route went).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "fib_priv.h"

int fib_egress_init(struct sl_fib *fib, uint32_t cap)
{
	fib->egress = fib_zalloc(2 * (size_t)cap * sizeof(struct sl_fib_egress));
	fib->priv->eg_token = calloc(cap, sizeof(uint64_t));
	return fib->egress != NULL && fib->priv->eg_token != NULL ? 0 : -ENOMEM;
}

void fib_egress_fini(struct sl_fib *fib)
{
	fib_release(fib->egress);
	fib->egress = NULL;
	free(fib->priv->eg_token);
	fib->priv->eg_token = NULL;
}

int fib_egress_grow(
	struct sl_fib *fib, uint32_t old_cap, uint32_t new_cap, struct sl_fib_egress **old)
{
	struct sl_fib_egress *n = fib_zalloc(2 * (size_t)new_cap * sizeof(*n));
	uint64_t *tok = calloc(new_cap, sizeof(*tok));
	if (n == NULL || tok == NULL) {
		fib_release(n);
		free(tok);
		return -ENOMEM;
	}
	memcpy(n, fib->egress, 2 * (size_t)old_cap * sizeof(*n));
	memcpy(tok, fib->priv->eg_token, old_cap * sizeof(*tok));
	*old = fib->egress;
	__atomic_store_n(&fib->egress, n, __ATOMIC_RELEASE);
	free(fib->priv->eg_token);
	fib->priv->eg_token = tok;
	return 0;
}

/* What the record of next hop nh should hold now (sel left 0). */
static void egress_compute(
	const struct sl_fib *fib, const struct sl_fib_nh *nh, struct sl_fib_egress *e)
{
	memset(e, 0, sizeof(*e));
	if (nh->type != SL_FIB_NH_T_GATEWAY || nh->oif >= SL_FIB_IFACE_MAX)
		return;
	const struct sl_fib_iface *ofc = &fib->ifmap->ifs[nh->oif];
	uint64_t l2 = nh->l2;
	if (!ofc->up || ofc->port >= SL_FIB_PORT_MAX ||
		(l2 & (SL_FIB_L2_VALID | SL_FIB_L2_PENDING)) != SL_FIB_L2_VALID)
		return;
	uint8_t h[24] = {0};
	sl_fib_l2_to_mac(l2, (struct rte_ether_addr *)&h[0]);
	memcpy(&h[6], &ofc->mac, RTE_ETHER_ADDR_LEN);
	rte_be16_t ipv4 = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (ofc->vlan) {
		rte_be16_t tpid = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		rte_be16_t tci = rte_cpu_to_be_16(ofc->vlan);
		memcpy(&h[12], &tpid, 2);
		memcpy(&h[14], &tci, 2);
		memcpy(&h[16], &ipv4, 2);
		e->l2_len = RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	} else {
		memcpy(&h[12], &ipv4, 2);
		e->l2_len = RTE_ETHER_HDR_LEN;
	}
	memcpy(&e->w0, &h[0], 8);
	memcpy(&e->w1, &h[8], 8);
	memcpy(&e->w2, &h[14], 4);
	e->port = ofc->port;
	e->vrf_id = ofc->vrf_id;
}

static bool egress_same(const struct sl_fib_egress *a, const struct sl_fib_egress *b)
{
	return a->w0 == b->w0 && a->w1 == b->w1 && a->w2 == b->w2 && a->vrf_id == b->vrf_id &&
	       a->port == b->port && a->l2_len == b->l2_len;
}

/* Every field but sel, which readers load concurrently. */
static void egress_write(struct sl_fib_egress *dst, const struct sl_fib_egress *src)
{
	dst->w0 = src->w0;
	dst->w1 = src->w1;
	dst->w2 = src->w2;
	dst->vrf_id = src->vrf_id;
	dst->port = src->port;
	dst->l2_len = src->l2_len;
}

void fib_egress_set_unreachable(struct sl_fib *fib, uint32_t index)
{
	struct sl_fib_egress want, *pair = &fib->egress[2 * (size_t)index];
	egress_compute(fib, &fib->nh[index], &want);
	egress_write(&pair[0], &want);
	pair[0].sel = 0;
	fib->priv->eg_token[index] = 0;
}

/* Make want the live record of next hop index (a flip, unless it is already). */
static void egress_flip(struct sl_fib *fib, uint32_t index, const struct sl_fib_egress *want)
{
	struct sl_fib_egress *pair = &fib->egress[2 * (size_t)index];
	unsigned sel = pair[0].sel != 0; /* the live record's index */
	if (egress_same(&pair[sel], want))
		return;
	uint64_t *tok = &fib->priv->eg_token[index];
	if (*tok != 0) /* readers may still be on the idle record: wait for them */
		rte_rcu_qsbr_check(fib->qsbr, *tok, true);
	egress_write(&pair[!sel], want);
	__atomic_store_n(&pair[0].sel, sel ? 0 : SL_FIB_EGRESS_SEL1, __ATOMIC_RELEASE);
	*tok = rte_rcu_qsbr_start(fib->qsbr);
}

void fib_egress_refresh(struct sl_fib *fib, uint32_t index)
{
	struct sl_fib_egress want;
	egress_compute(fib, &fib->nh[index], &want);
	egress_flip(fib, index, &want);
}

bool fib_egress_park_moved(
	struct sl_fib *fib, const struct sl_fib_ifmap *old, const struct sl_fib_ifmap *m)
{
	const struct sl_fib_priv *p = fib->priv;
	const struct sl_fib_egress none = {0};
	bool moved = false;
	for (uint32_t i = 1; i < p->nh_used; i++) {
		const struct sl_fib_nh *nh = &fib->nh[i];
		sl_progress(); /* between two records: each is whole */
		/* only a gateway's record is ever ready; the others are read
		 * through the burst's own map */
		if (p->nh_refcnt[i] == 0 || (p->nh_refcnt[i] & FIB_NH_RETIRED) ||
			nh->type != SL_FIB_NH_T_GATEWAY || nh->oif >= SL_FIB_IFACE_MAX ||
			old->ifs[nh->oif].vrf_id == m->ifs[nh->oif].vrf_id)
			continue;
		egress_flip(fib, i, &none);
		moved = true;
	}
	return moved;
}

void fib_egress_refresh_all(struct sl_fib *fib)
{
	const struct sl_fib_priv *p = fib->priv;
	for (uint32_t i = 1; i < p->nh_used; i++) {
		sl_progress(); /* every next hop of 1M routes: ms in one go */
		if (p->nh_refcnt[i] != 0 && !(p->nh_refcnt[i] & FIB_NH_RETIRED))
			fib_egress_refresh(fib, i);
	}
}
