/* SPDX-License-Identifier: BSD-3-Clause */
/* slow_out.c — the router's own packets: interfaces, routing, transmit. */
#include <errno.h>

#include "slow_priv.h"

const struct sl_fib_iface *slow_iface(const struct sl_slow *sl, uint16_t oif)
{
	const struct sl_fib_ifmap *m = sl_fib_ifmap(sl->cfg.fib);
	if (oif >= m->n_ifs || !m->ifs[oif].present)
		return NULL;
	return &m->ifs[oif];
}

uint32_t slow_iface_addr(const struct sl_slow *sl, uint16_t oif)
{
	const struct sl_fib_iface *f = slow_iface(sl, oif);
	return f != NULL && f->n_addrs > 0 ? f->addrs[0].addr : 0;
}

bool slow_iface_owns(const struct sl_fib_iface *f, uint32_t ip)
{
	for (uint32_t i = 0; i < f->n_addrs; i++)
		if (f->addrs[i].addr == ip)
			return true;
	return false;
}

bool slow_iface_on_link(const struct sl_fib_iface *f, uint32_t ip)
{
	for (uint32_t i = 0; i < f->n_addrs; i++)
		if (sl_prefix_contains(f->addrs[i], (struct sl_prefix){ip, 32}))
			return true;
	return false;
}

uint32_t slow_src_for(const struct sl_fib_iface *f, uint32_t dst)
{
	for (uint32_t i = 0; i < f->n_addrs; i++)
		if (sl_prefix_contains(f->addrs[i], (struct sl_prefix){dst, 32}))
			return f->addrs[i].addr;
	return f->n_addrs > 0 ? f->addrs[0].addr : 0;
}

void slow_drop(struct sl_slow *sl, struct rte_mbuf *m)
{
	sl->drops++;
	rte_pktmbuf_free(m);
}

void slow_tx(struct sl_slow *sl, uint16_t port, struct rte_mbuf *m)
{
	if (!sl->cfg.tx(sl->cfg.tx_ctx, port, m))
		slow_drop(sl, m);
}

struct rte_mbuf *slow_alloc(struct sl_slow *sl, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sl->cfg.pool);
	if (m == NULL) {
		sl->drops++;
		return NULL;
	}
	if (rte_pktmbuf_append(m, (uint16_t)len) == NULL) {
		slow_drop(sl, m);
		return NULL;
	}
	return m;
}

uint16_t slow_cksum(const void *p, size_t len)
{
	return rte_cpu_to_be_16(sl_inet_cksum(p, len, 0));
}

static int route(struct sl_slow *sl, uint32_t vrf_id, uint32_t dst, const struct sl_fib_nh **nh)
{
	uint32_t idx;
	struct sl_addr a = sl_addr_v4(dst);
	int rc = sl_fib_lookup(sl->cfg.fib, vrf_id, &a, &idx, NULL);
	if (rc < 0)
		return rc;
	*nh = &sl_fib_nh_table(sl->cfg.fib)[idx];
	return 0;
}

int sl_slow_route_src(struct sl_slow *sl, uint32_t vrf_id, uint32_t dst, uint32_t *src)
{
	const struct sl_fib_nh *nh;
	int rc = route(sl, vrf_id, dst, &nh);
	if (rc < 0)
		return rc;
	if (nh->type == SL_FIB_NH_T_BLACKHOLE)
		return -ENETUNREACH;
	const struct sl_fib_iface *f = slow_iface(sl, nh->oif);
	if (f == NULL || f->n_addrs == 0)
		return -EADDRNOTAVAIL;
	*src = nh->type == SL_FIB_NH_T_LOCAL ? dst : slow_src_for(f, dst);
	return 0;
}

int sl_slow_ip_output(struct sl_slow *sl, struct rte_mbuf *m, uint32_t vrf_id)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	const struct sl_fib_nh *nh;
	int rc = route(sl, vrf_id, dst, &nh);
	if (rc == 0 && nh->type < SL_FIB_NH_T_CONNECTED)
		rc = nh->type == SL_FIB_NH_T_LOCAL ? -EHOSTUNREACH : -ENETUNREACH;
	if (rc < 0) {
		slow_drop(sl, m);
		return rc;
	}
	sl_dp_meta(m)->in_oif = SL_FIB_OIF_NONE; /* originated here: no ICMP errors about it */
	slow_neigh_output(sl, nh->oif, nh->type == SL_FIB_NH_T_GATEWAY ? nh->gw : dst, m);
	return 0;
}
