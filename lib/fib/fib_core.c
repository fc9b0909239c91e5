/* SPDX-License-Identifier: BSD-3-Clause */
/* fib_core.c — creation of the FIB, its QSBR (the only one in the process) and readers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fib_priv.h"

static void fib_config_defaults(struct sl_fib_config *c)
{
	if (c->small_groups_max == 0)
		c->small_groups_max = SL_FIB_SMALL_GROUPS_MAX;
	if (c->neigh_max == 0)
		c->neigh_max = 4096;
	if (c->max_readers == 0)
		c->max_readers = RTE_MAX_LCORE;
}

size_t sl_fib_vrf_bytes(const struct sl_fib_config *cfg)
{
	struct sl_fib_config c = *cfg;
	fib_config_defaults(&c);
	/* a new VRF is small: tbl16 (2^16 x 4 B) + its first groups (256 x 4 B
	 * and a dense record each); the rules live on the C heap */
	return sizeof(struct sl_fib_small) +
	       (size_t)FIB_SMALL_GROUPS_INIT * fib_lpm_group_bytes(FIB_LPM_SMALL);
}

static int fib_neigh_create(struct sl_fib *fib)
{
	static unsigned instance;
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "sl_neigh%u", instance++);
	struct rte_hash_parameters p = {
		.name = name,
		.entries = fib->priv->cfg.neigh_max,
		.key_len = sizeof(struct sl_fib_neigh_key),
		.socket_id = fib->priv->cfg.socket_id,
		/* readers never lock; the single writer needs no writer lock */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	fib->neigh = rte_hash_create(&p);
	if (fib->neigh == NULL)
		return -(rte_errno ? rte_errno : ENOMEM);
	struct rte_hash_rcu_config rc = {
		.v = fib->qsbr,
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	if (rte_hash_rcu_qsbr_add(fib->neigh, &rc) != 0)
		return -(rte_errno ? rte_errno : EINVAL);
	return 0;
}

struct sl_fib *sl_fib_new(const struct sl_fib_config *cfg)
{
	struct sl_fib_config c = cfg ? *cfg : (struct sl_fib_config){.socket_id = SOCKET_ID_ANY};
	fib_config_defaults(&c);
	struct sl_fib *fib = rte_zmalloc("sl_fib", sizeof(*fib), RTE_CACHE_LINE_SIZE);
	if (fib == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	int rc = -ENOMEM;
	fib->priv = calloc(1, sizeof(*fib->priv));
	if (fib->priv == NULL)
		goto fail;
	fib->priv->cfg = c;
	fib->priv->mem = (struct fib_lpm_mem){.max = c.mem_max, .socket_id = c.socket_id};
	size_t qsz = rte_rcu_qsbr_get_memsize(c.max_readers);
	fib->qsbr = rte_zmalloc("sl_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (fib->qsbr == NULL)
		goto fail;
	if (rte_rcu_qsbr_init(fib->qsbr, c.max_readers) != 0) {
		rc = -EINVAL;
		goto fail;
	}
	fib->ifmap = fib_zalloc(sizeof(*fib->ifmap));
	if (fib->ifmap == NULL)
		goto fail;
	rc = fib_nh_init(fib);
	if (rc < 0)
		goto fail;
	rc = fib_neigh_create(fib);
	if (rc < 0)
		goto fail;
	/* the default VRF always exists: the RIB never announces it */
	rc = fib_vrf_add(fib, 0);
	if (rc < 0)
		goto fail;
	return fib;
fail:
	sl_fib_free(fib);
	errno = -rc;
	return NULL;
}

void sl_fib_free(struct sl_fib *fib)
{
	if (fib == NULL)
		return;
	if (fib->neigh != NULL)
		rte_hash_free(fib->neigh);
	if (fib->priv != NULL) {
		sl_fib_unreserve(fib);
		for (uint32_t v = 0; v < SL_VRF_MAX; v++)
			fib_lpm_free(fib->priv->tables[v]);
		fib_nh_fini(fib);
		fib_leaves_fini(fib);
	}
	fib_release(fib->ifmap);
	rte_free(fib->qsbr);
	free(fib->priv);
	rte_free(fib);
}

int sl_fib_reader_register(struct sl_fib *fib, unsigned thread_id)
{
	if (thread_id >= fib->priv->cfg.max_readers)
		return -EINVAL;
	if (rte_rcu_qsbr_thread_register(fib->qsbr, thread_id) != 0)
		return -EINVAL;
	rte_rcu_qsbr_thread_online(fib->qsbr, thread_id);
	return 0;
}

void sl_fib_reader_unregister(struct sl_fib *fib, unsigned thread_id)
{
	rte_rcu_qsbr_thread_offline(fib->qsbr, thread_id);
	rte_rcu_qsbr_thread_unregister(fib->qsbr, thread_id);
}

void *fib_zalloc(size_t size)
{
	size_t rounded = (size + RTE_CACHE_LINE_SIZE - 1) & ~(size_t)(RTE_CACHE_LINE_SIZE - 1);
	void *p = aligned_alloc(RTE_CACHE_LINE_SIZE, rounded);
	if (p != NULL)
		memset(p, 0, rounded);
	return p;
}

void fib_release(void *p)
{
	free(p);
}

void fib_synchronize(struct sl_fib *fib)
{
	fib_qsbr_wait(fib->qsbr);
}

void sl_fib_synchronize(struct sl_fib *fib)
{
	fib_synchronize(fib);
}

int sl_fib_vrf_stats_get(const struct sl_fib *fib, uint32_t vrf_id, struct sl_fib_vrf_stats *st)
{
	const struct fib_lpm *t = vrf_id < SL_VRF_MAX ? fib->priv->tables[vrf_id] : NULL;
	if (t == NULL)
		return -ENOENT;
	struct fib_lpm_stats ts;
	fib_lpm_stats_get(t, &ts);
	*st = (struct sl_fib_vrf_stats){.small = fib_lpm_kind(t) == FIB_LPM_SMALL,
		.routes = ts.rules,
		.bytes = ts.bytes_dpdk,
		.groups_used = ts.tbl8_used,
		.groups = ts.tbl8_groups,
		.index_grows = ts.index_grows};
	return 0;
}

void sl_fib_stats_get(const struct sl_fib *fib, struct sl_fib_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (uint32_t v = 0; v < SL_VRF_MAX; v++) {
		const struct fib_lpm *t = fib->priv->tables[v];
		if (t == NULL)
			continue;
		struct fib_lpm_stats ts;
		fib_lpm_stats_get(t, &ts);
		st->vrfs++;
		st->vrfs_small += fib_lpm_kind(t) == FIB_LPM_SMALL;
		st->bytes_total += ts.bytes_dpdk;
		st->bytes_per_vrf = RTE_MAX(st->bytes_per_vrf, ts.bytes_dpdk);
		st->tbl8_groups_used += ts.tbl8_used;
	}
	for (uint32_t i = 0; i < fib->priv->nh_used; i++)
		st->nh_used +=
			fib->priv->nh_refcnt[i] != 0 && !(fib->priv->nh_refcnt[i] & FIB_NH_RETIRED);
	st->nh_capacity = fib->priv->nh_cap;
	for (uint32_t i = 0; i < fib->priv->nhg_used; i++)
		st->groups += fib->priv->nhg_refcnt[i] != 0 &&
			      !(fib->priv->nhg_refcnt[i] & FIB_NH_RETIRED);
	st->promotions = fib->priv->promotions;
	st->neighbours = (uint32_t)rte_hash_count(fib->neigh);
}
