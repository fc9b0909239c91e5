/* SPDX-License-Identifier: BSD-3-Clause */
/* fib_iface.c — the interface map ((port, VLAN) → interface → VRF) and the neighbour table. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "fib_priv.h"

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The index entry of name: its slot + 1, or the empty entry it would take. A
 * scan of the map would make a sync of every interface quadratic. */
static uint16_t *index_entry(
	const struct sl_fib *fib, const struct sl_fib_ifmap *m, const char *name)
{
	uint16_t *ix = fib->priv->if_index;
	for (uint32_t i = name_hash(name) % FIB_IF_INDEX_CAP;; i = (i + 1) % FIB_IF_INDEX_CAP)
		if (ix[i] == 0 || strcmp(m->ifs[ix[i] - 1].name, name) == 0)
			return &ix[i];
}

static int slot_find(const struct sl_fib *fib, const struct sl_fib_ifmap *m, const char *name)
{
	uint16_t e = *index_entry(fib, m, name);
	return e ? e - 1 : -ENOENT;
}

int sl_fib_iface_index(const struct sl_fib *fib, const char *name)
{
	return slot_find(fib, fib->ifmap, name);
}

int fib_iface_slot(struct sl_fib *fib, const char *name)
{
	struct sl_fib_ifmap *m = fib->ifmap;
	uint16_t *e = index_entry(fib, m, name);
	if (*e)
		return *e - 1;
	if (m->n_ifs == SL_FIB_IFACE_MAX)
		return -ENOSPC;
	/* A new slot is not present and not in vif[]: readers never reach it,
	 * so it is filled in place; n_ifs is only read by the writer. */
	struct sl_fib_iface *f = &m->ifs[m->n_ifs];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	*e = (uint16_t)(m->n_ifs + 1);
	return m->n_ifs++;
}

int sl_fib_iface_sync(struct sl_fib *fib, const struct sl_fib_iface_conf *confs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (confs[i].port >= SL_FIB_PORT_MAX || confs[i].vlan > 4095 ||
			confs[i].vrf_id >= SL_VRF_MAX || confs[i].n_addrs > SL_FIB_IFACE_ADDRS ||
			confs[i].src_valid > SL_SRC_VALID_STRICT)
			return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int rc = fib_iface_slot(fib, confs[i].name);
		if (rc < 0)
			return rc;
	}
	const struct sl_fib_ifmap *old = fib->ifmap;
	struct sl_fib_ifmap *m = fib_zalloc(sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->n_ifs = old->n_ifs;
	for (uint16_t i = 0; i < m->n_ifs; i++) {
		memset(&m->ifs[i], 0, sizeof(m->ifs[i]));
		memcpy(m->ifs[i].name, old->ifs[i].name, sizeof(m->ifs[i].name));
	}
	for (size_t i = 0; i < n; i++) {
		const struct sl_fib_iface_conf *c = &confs[i];
		int oif = slot_find(fib, m, c->name);
		struct sl_fib_iface *f = &m->ifs[oif];
		f->port = c->port;
		f->vlan = c->vlan;
		f->vrf_id = c->vrf_id;
		f->mac = c->mac;
		f->up = c->up;
		f->present = 1;
		f->src_valid = c->src_valid;
		f->answer_across_leaks = c->answer_across_leaks;
		f->cp_tap = old->ifs[oif].cp_tap; /* the TAPs follow on their own */
		f->mtu = c->mtu ? c->mtu : 1500;
		f->n_addrs = (uint32_t)c->n_addrs;
		memcpy(f->addrs, c->addrs, c->n_addrs * sizeof(c->addrs[0]));
		if (c->up) {
			m->vif[c->port][c->vlan] = (uint16_t)(oif + 1);
			m->vrf[c->port][c->vlan] = (uint16_t)c->vrf_id;
			m->src_valid_port[c->port] |= c->src_valid;
			m->tagged_port[c->port] |= c->vlan != 0;
		}
	}
	if (memcmp(m, old, sizeof(*m)) == 0) {
		fib_release(m);
		return 0;
	}
	/* A record whose interface changes VRF goes through "not ready": a
	 * burst that loaded the old map judges and forwards it by that map, one
	 * that loaded m by m; it is ready again (in its new VRF) only once no
	 * burst holds the old map (fib_egress.c). Its old and new VRF in one
	 * burst would let a packet judged native leave into another VRF. */
	bool moved = fib_egress_park_moved(fib, old, m);
	/* a route that leaves its VRF under m: its flag a grace period before
	 * m and the records it changes can be read (fib_leaves.c) */
	if (fib_leaves_raise(fib, m))
		fib_synchronize(fib);
	__atomic_store_n(&fib->ifmap, m, __ATOMIC_RELEASE);
	if (moved)
		fib_synchronize(fib);
	fib_egress_refresh_all(fib); /* ports, MACs, tags, up/down, VRFs */
	fib_synchronize(fib);
	fib_release((void *)(uintptr_t)old);
	fib_leaves_settle(fib);
	return 0;
}

int sl_fib_iface_set_cp_tap(struct sl_fib *fib, const uint8_t *on, size_t n)
{
	const struct sl_fib_ifmap *old = fib->ifmap;
	bool same = true;
	for (uint16_t i = 0; i < old->n_ifs && same; i++)
		same = old->ifs[i].cp_tap == (i < n && on[i]);
	if (same)
		return 0;
	struct sl_fib_ifmap *m = fib_zalloc(sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	memcpy(m, old, sizeof(*m));
	for (uint16_t i = 0; i < m->n_ifs; i++)
		m->ifs[i].cp_tap = i < n && on[i];
	__atomic_store_n(&fib->ifmap, m, __ATOMIC_RELEASE);
	fib_synchronize(fib);
	fib_release((void *)(uintptr_t)old);
	return 0;
}

int sl_fib_neigh_set(
	struct sl_fib *fib, uint16_t oif, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct sl_fib_neigh_key k = {.ip = ip, .oif = oif, .zero = 0};
	uint64_t l2 = 0;
	if (mac != NULL) {
		l2 = sl_fib_mac_to_l2(mac);
		/* LF mode: an existing key's data is replaced atomically */
		int rc = rte_hash_add_key_data(fib->neigh, &k, (void *)(uintptr_t)l2);
		if (rc < 0)
			return rc;
	} else {
		(void)rte_hash_del_key(fib->neigh, &k); /* freed after a grace period (DQ) */
	}
	fib_nh_neigh_update(fib, oif, ip, l2);
	return 0;
}

int sl_fib_neigh_pending(struct sl_fib *fib, uint16_t oif, uint32_t ip)
{
	struct sl_fib_neigh_key k = {.ip = ip, .oif = oif, .zero = 0};
	int rc = rte_hash_add_key_data(fib->neigh, &k, (void *)(uintptr_t)SL_FIB_L2_PENDING);
	if (rc < 0)
		return rc;
	fib_nh_neigh_update(fib, oif, ip, SL_FIB_L2_PENDING);
	return 0;
}
