/* SPDX-License-Identifier: BSD-3-Clause */
/* The RIB object, VRFs and interfaces (which derive connected and local routes). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

static int name_vrf_set(struct sl_rib *rib, name_id name, uint16_t vrf_id_plus1)
{
	if (name >= rib->cap_name_vrf) {
		size_t cap = rib->cap_name_vrf ? rib->cap_name_vrf : 64;
		while (cap <= name)
			cap *= 2;
		uint16_t *v = realloc(rib->name_vrf, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		memset(&v[rib->cap_name_vrf], 0, (cap - rib->cap_name_vrf) * sizeof(*v));
		rib->name_vrf = v;
		rib->cap_name_vrf = cap;
	}
	rib->name_vrf[name] = vrf_id_plus1;
	return 0;
}

static struct rib_vrf *vrf_create(struct sl_rib *rib, const char *name, uint32_t table)
{
	struct rib_vrf *vrf;
	size_t id;
	name_id nid;

	for (id = 0; id < SL_VRF_MAX && rib->vrfs[id]; id++)
		;
	if (id == SL_VRF_MAX) {
		errno = ENOSPC;
		return NULL;
	}
	nid = rib_name_intern(rib, name);
	if (nid == RIB_NAME_NOMEM || name_vrf_set(rib, nid, (uint16_t)(id + 1)) < 0)
		goto nomem;
	vrf = calloc(1, sizeof(*vrf));
	if (vrf == NULL)
		goto nomem;
	if (rib_table_init(&vrf->routes) < 0) {
		free(vrf);
		goto nomem;
	}
	vrf->id = (uint16_t)id;
	vrf->name = nid;
	vrf->table = table;
	rib->vrfs[id] = vrf;
	return vrf;
nomem:
	if (nid != RIB_NAME_NOMEM && nid < rib->cap_name_vrf)
		rib->name_vrf[nid] = 0;
	errno = ENOMEM;
	return NULL;
}

struct sl_rib *sl_rib_new(void)
{
	struct sl_rib *rib = calloc(1, sizeof(*rib));
	if (rib == NULL)
		goto nomem;
	rib->policy = sl_policy_db_new();
	rib->cap_names = 64;
	rib->names = calloc(rib->cap_names, SL_NAME_MAX);
	if (rib->policy == NULL || rib->names == NULL)
		goto nomem;
	rib->n_names = 1; /* id 0 is "" */
	if (vrf_create(rib, SL_VRF_DEFAULT, 254) == NULL)
		goto nomem;
	return rib;
nomem:
	sl_rib_free(rib);
	errno = ENOMEM;
	return NULL;
}

static void vrf_destroy(struct sl_rib *rib, struct rib_vrf *vrf)
{
	for (size_t i = 0; i < vrf->routes.cap; i++)
		if (vrf->routes.slots[i])
			rib_entry_free(vrf->routes.slots[i]);
	rib_table_fini(&vrf->routes);
	rib_bgp_free(&vrf->bgp);
	free(vrf->origins);
	free(vrf->importers);
	free(vrf->ifaces);
	if (vrf->name < rib->cap_name_vrf)
		rib->name_vrf[vrf->name] = 0;
	rib->vrfs[vrf->id] = NULL;
	free(vrf);
	rib_gw_memo_forget(rib, NULL); /* a new VRF may reuse the address */
}

void sl_rib_free(struct sl_rib *rib)
{
	if (rib == NULL)
		return;
	for (size_t i = 0; i < SL_VRF_MAX; i++)
		if (rib->vrfs[i])
			vrf_destroy(rib, rib->vrfs[i]);
	for (size_t i = 0; i < rib->n_ifaces; i++) {
		free(rib->ifaces[i]->addrs);
		free(rib->ifaces[i]);
	}
	rib_static_watch_free(rib);
	free(rib->ifaces);
	free(rib->names);
	free(rib->name_index);
	free(rib->name_vrf);
	free(rib->collisions);
	free(rib->nats);
	sl_rib_changes_clear(rib);
	free(rib->log);
	free(rib->scratch);
	sl_policy_db_free(rib->policy);
	free(rib);
}

const struct sl_policy_db *sl_rib_policy(const struct sl_rib *rib)
{
	return rib->policy;
}

int sl_rib_vrf_add(struct sl_rib *rib, const char *name, uint32_t table)
{
	struct rib_vrf *vrf;

	if (rib == NULL || name == NULL || name[0] == '\0' || strlen(name) >= SL_NAME_MAX)
		return -EINVAL;
	if (rib_vrf_by_name(rib, name))
		return -EEXIST;
	vrf = vrf_create(rib, name, table);
	if (vrf == NULL)
		return -errno;
	rib_log_vrf(rib, SL_FIB_VRF_ADD, vrf);
	/* a new VRF has leaking off: it changes nobody's imports until configured */
	return 0;
}

int sl_rib_vrf_table_set(struct sl_rib *rib, const char *name, uint32_t table)
{
	struct rib_vrf *vrf;

	if (rib == NULL || name == NULL)
		return -EINVAL;
	if ((vrf = rib_vrf_by_name(rib, name)) == NULL)
		return -ENOENT;
	if (vrf->id == 0)
		return table == vrf->table ? 0 : -EPERM;
	vrf->table = table;
	return 0;
}

int sl_rib_vrf_del(struct sl_rib *rib, const char *name)
{
	struct rib_vrf *vrf;
	int rc;

	if (rib == NULL || name == NULL)
		return -EINVAL;
	if ((vrf = rib_vrf_by_name(rib, name)) == NULL)
		return -ENOENT;
	if (vrf->id == 0)
		return -EPERM;
	if (vrf->n_ifaces)
		return -EBUSY;
	/* withdraw everything it leaks and imports, then its statics */
	rc = rib_vrf_bgp_apply(rib, vrf, NULL);
	for (size_t i = 0; i < vrf->routes.cap; i++) {
		struct rib_entry *e = vrf->routes.slots[i];
		if (e == NULL || e->n_statics == 0)
			continue;
		rib_static_unwatch(rib, e);
		rib_entry_statics_set(e, NULL, 0);
		rib_mark(rib, e);
	}
	int r = rib_settle(rib);
	if (r < 0)
		rc = r;
	/* what remains cannot route anything: withdraw it from the FIB */
	for (size_t i = 0; i < vrf->routes.cap; i++) {
		struct rib_entry *e = vrf->routes.slots[i];
		if (e && e->n_cands && e->cands[0].active)
			rib_log_route(rib, vrf, (struct sl_prefix){e->addr, e->len}, NULL, 0);
		if (e && (e->flags & ENTRY_COLLIDED))
			rib_collisions_clear(rib, vrf, (struct sl_prefix){e->addr, e->len});
	}
	rib_log_vrf(rib, SL_FIB_VRF_DEL, vrf);
	/* leaking off, it is nobody's origin and has none: the graph holds
	 * nothing of it any more */
	vrf_destroy(rib, vrf);
	r = rib_settle(rib);
	return rc < 0 ? rc : r;
}

static struct rib_iface *iface_find(struct sl_rib *rib, name_id name, size_t *idx)
{
	for (size_t i = 0; i < rib->n_ifaces; i++) {
		if (rib->ifaces[i]->name == name) {
			if (idx)
				*idx = i;
			return rib->ifaces[i];
		}
	}
	return NULL;
}

static void vrf_iface_remove(struct rib_vrf *vrf, struct rib_iface *ifc)
{
	for (size_t i = 0; i < vrf->n_ifaces; i++) {
		if (vrf->ifaces[i] == ifc) {
			memmove(&vrf->ifaces[i], &vrf->ifaces[i + 1],
				(vrf->n_ifaces - i - 1) * sizeof(*vrf->ifaces));
			vrf->n_ifaces--;
			return;
		}
	}
}

static int vrf_iface_add(struct rib_vrf *vrf, struct rib_iface *ifc)
{
	struct rib_iface **v = realloc(vrf->ifaces, (vrf->n_ifaces + 1) * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	vrf->ifaces = v;
	vrf->ifaces[vrf->n_ifaces++] = ifc;
	return 0;
}

/* Mark the C and L routes of ifc's addresses (when up) in its VRF. */
static int mark_iface_routes(struct sl_rib *rib, const struct rib_iface *ifc)
{
	struct rib_vrf *vrf = rib->vrfs[ifc->vrf_id];
	int rc = 0;
	if (!ifc->up)
		return 0;
	for (size_t i = 0; i < ifc->n_addrs; i++) {
		struct sl_prefix host = {ifc->addrs[i].addr, 32};
		if (rib_mark_prefix(rib, vrf, sl_prefix_network(ifc->addrs[i])) < 0 ||
			rib_mark_prefix(rib, vrf, host) < 0)
			rc = -ENOMEM;
	}
	return rc;
}

/* A connected prefix of vrf appeared or vanished: leaks inside it may
 * collide or stop colliding. The scan only marks (never inserts); the
 * imports that may insert come after it. */
static int mark_inside(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix c)
{
	int rc = 0;
	for (size_t i = 0; i < vrf->routes.cap; i++) {
		struct rib_entry *e = vrf->routes.slots[i];
		if (e && sl_prefix_contains(c, (struct sl_prefix){e->addr, e->len}))
			rib_mark(rib, e);
	}
	for (size_t i = 0; i < vrf->n_origins; i++)
		if (rib_mark_exports_of(rib, rib->vrfs[vrf->origins[i].vrf_id], vrf, c) < 0)
			rc = -ENOMEM;
	return rc;
}

static int mark_collision_scope(
	struct sl_rib *rib, const struct rib_iface *ifc, struct rib_vrf *a, struct rib_vrf *b)
{
	int rc = 0;
	if (!ifc->up)
		return 0;
	for (size_t i = 0; i < ifc->n_addrs; i++) {
		struct sl_prefix c = sl_prefix_network(ifc->addrs[i]);
		if (mark_inside(rib, a, c) < 0 || (b != a && mark_inside(rib, b, c) < 0))
			rc = -ENOMEM;
	}
	return rc;
}

static int iface_update(struct sl_rib *rib, struct rib_iface *ifc, struct rib_vrf *nv, bool up,
	struct sl_prefix *addrs, size_t n_addrs)
{
	struct rib_vrf *ov = rib->vrfs[ifc->vrf_id];
	int rc = 0, r;

	if (mark_iface_routes(rib, ifc) < 0 || mark_collision_scope(rib, ifc, ov, nv) < 0)
		rc = -ENOMEM;
	if (ov != nv) {
		if ((r = vrf_iface_add(nv, ifc)) < 0) {
			free(addrs);
			return r;
		}
		vrf_iface_remove(ov, ifc);
		ifc->vrf_id = nv->id;
	}
	free(ifc->addrs);
	ifc->addrs = addrs;
	ifc->n_addrs = n_addrs;
	ifc->up = up;
	if (mark_iface_routes(rib, ifc) < 0 || mark_collision_scope(rib, ifc, ov, nv) < 0)
		rc = -ENOMEM;
	rib_if_watch_fire(rib, ifc->name);
	r = rib_settle(rib);
	return rc < 0 ? rc : r;
}

int sl_rib_iface_set(struct sl_rib *rib, const char *ifname, const char *vrf_name, bool up,
	const struct sl_prefix *addrs, size_t n_addrs)
{
	struct rib_vrf *nv;
	struct rib_iface *ifc;
	struct sl_prefix *copy = NULL;
	name_id name;

	if (rib == NULL || ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= SL_NAME_MAX ||
		(n_addrs && addrs == NULL))
		return -EINVAL;
	for (size_t i = 0; i < n_addrs; i++)
		if (addrs[i].len > 32)
			return -EINVAL;
	if ((nv = rib_vrf_by_name(rib, vrf_name)) == NULL)
		return -ENOENT;
	if ((name = rib_name_intern(rib, ifname)) == RIB_NAME_NOMEM)
		return -ENOMEM;
	if (n_addrs) {
		if ((copy = malloc(n_addrs * sizeof(*copy))) == NULL)
			return -ENOMEM;
		memcpy(copy, addrs, n_addrs * sizeof(*copy));
	}
	ifc = iface_find(rib, name, NULL);
	if (ifc == NULL) {
		if (rib->n_ifaces == rib->cap_ifaces) {
			size_t cap = rib->cap_ifaces ? rib->cap_ifaces * 2 : 16;
			struct rib_iface **v = realloc(rib->ifaces, cap * sizeof(*v));
			if (v == NULL)
				goto nomem;
			rib->ifaces = v;
			rib->cap_ifaces = cap;
		}
		if ((ifc = calloc(1, sizeof(*ifc))) == NULL)
			goto nomem;
		ifc->name = name;
		ifc->vrf_id = nv->id;
		if (vrf_iface_add(nv, ifc) < 0) {
			free(ifc);
			goto nomem;
		}
		rib->ifaces[rib->n_ifaces++] = ifc;
	}
	return iface_update(rib, ifc, nv, up, copy, n_addrs);
nomem:
	free(copy);
	return -ENOMEM;
}

int sl_rib_iface_del(struct sl_rib *rib, const char *ifname)
{
	struct rib_iface *ifc;
	size_t idx;
	int rc;

	if (rib == NULL || ifname == NULL)
		return -EINVAL;
	ifc = iface_find(rib, rib_name_find(rib, ifname), &idx);
	if (ifc == NULL)
		return -ENOENT;
	rc = iface_update(rib, ifc, rib->vrfs[ifc->vrf_id], false, NULL, 0);
	vrf_iface_remove(rib->vrfs[ifc->vrf_id], ifc);
	rib->ifaces[idx] = rib->ifaces[--rib->n_ifaces];
	/* statics naming it see "no such interface" now */
	rib_if_watch_fire(rib, ifc->name);
	free(ifc);
	int r = rib_settle(rib);
	return rc < 0 ? rc : r;
}
