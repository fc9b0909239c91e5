/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entries, the work queue and the recompute of one (VRF, prefix): gather
 * every candidate from the inputs (interfaces, statics, origins' exports),
 * sort them best first, then propagate what changed — the FIB log, statics
 * whose gateway lies in the prefix, and the VRFs importing this prefix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

struct rib_entry *rib_entry_get(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p)
{
	struct rib_entry *e = rib_table_find(&vrf->routes, p.addr, p.len);
	(void)rib;
	if (e)
		return e;
	/* malloc, not calloc: glibc's calloc skips the tcache that the
	 * entries a big change deletes go back to */
	e = malloc(sizeof(*e));
	if (e == NULL)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->addr = p.addr;
	e->len = p.len;
	e->vrf_id = vrf->id;
	if (rib_table_insert(&vrf->routes, e) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

void rib_entry_free(struct rib_entry *e)
{
	free(e->cands);
	if (e->n_statics > 1)
		free(e->st.many);
	free(e);
}

int rib_entry_statics_set(struct rib_entry *e, const struct rib_static_cfg *cfg, size_t n)
{
	struct rib_static_cfg *many = NULL;
	if (n > 1) {
		if ((many = malloc(n * sizeof(*many))) == NULL)
			return -ENOMEM;
		memcpy(many, cfg, n * sizeof(*many));
	}
	if (e->n_statics > 1)
		free(e->st.many);
	if (n == 1)
		e->st.one = cfg[0];
	else
		e->st.many = many;
	e->n_statics = (uint8_t)n;
	return 0;
}

bool rib_entry_empty(const struct rib_entry *e)
{
	return e->n_cands == 0 && e->n_statics == 0 && e->flags == 0;
}

void rib_mark(struct sl_rib *rib, struct rib_entry *e)
{
	if (e->flags & ENTRY_DIRTY)
		return;
	e->flags |= ENTRY_DIRTY;
	e->next_dirty = NULL;
	if (rib->dirty_tail)
		rib->dirty_tail->next_dirty = e;
	else
		rib->dirty_head = e;
	rib->dirty_tail = e;
}

int rib_mark_prefix(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p)
{
	struct rib_entry *e = rib_entry_get(rib, vrf, p);
	if (e == NULL)
		return -ENOMEM;
	rib_mark(rib, e);
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_nh(const struct sl_rib *rib, const struct rib_nh *a, const struct rib_nh *b)
{
	int c;
	if ((c = cmp_u32(a->type, b->type)) || (c = cmp_u32(a->gw, b->gw)))
		return c;
	if ((c = strcmp(rib_name(rib, a->ifname), rib_name(rib, b->ifname))))
		return c;
	return strcmp(rib_name(rib, a->vrf), rib_name(rib, b->vrf));
}

/* Best first: active, distance, local-pref (higher), metric, source, origin
 * VRF name, next hop; then everything else so the order is total. */
int rib_cand_cmp(const struct sl_rib *rib, const struct rib_cand *a, const struct rib_cand *b)
{
	int c;
	if ((c = cmp_u32(b->active, a->active)) || (c = cmp_u32(a->distance, b->distance)) ||
		(c = cmp_u32(b->local_pref, a->local_pref)) ||
		(c = cmp_u32(a->metric, b->metric)) || (c = cmp_u32(a->source, b->source)))
		return c;
	if ((c = strcmp(rib_name(rib, a->origin_vrf), rib_name(rib, b->origin_vrf))))
		return c;
	if ((c = cmp_nh(rib, &a->nh, &b->nh)) || (c = cmp_nh(rib, &a->origin_nh, &b->origin_nh)))
		return c;
	if ((c = strcmp(rib_name(rib, a->rmap), rib_name(rib, b->rmap))) ||
		(c = cmp_u32(a->rmap_seq, b->rmap_seq)) || (c = cmp_u32(a->cfg_gw, b->cfg_gw)))
		return c;
	if ((c = strcmp(rib_name(rib, a->cfg_vrf), rib_name(rib, b->cfg_vrf))))
		return c;
	if ((c = cmp_u32(a->weight, b->weight)))
		return c;
	return cmp_u32(a->depth, b->depth);
}

/* A static candidate that can share the selected route with others: it
 * forwards to a gateway or out of an interface (a group member). */
static bool path_capable(const struct rib_cand *c)
{
	return c->active && (rib_src_own_routed(c->source) || c->source == SL_SRC_STATIC_LEAK) &&
	       (c->nh.type == SL_NH_GATEWAY || c->nh.type == SL_NH_CONNECTED);
}

size_t rib_paths_of(const struct rib_cand *v, size_t n)
{
	size_t k = 1;
	if (n == 0 || !v[0].active)
		return 0;
	if (!path_capable(&v[0]))
		return 1;
	/* candidates are sorted by these keys first: the ties follow v[0] */
	while (k < n && k < SL_ECMP_MAX && path_capable(&v[k]) && v[k].distance == v[0].distance &&
		v[k].local_pref == v[0].local_pref && v[k].metric == v[0].metric &&
		v[k].source == v[0].source)
		k++;
	return k;
}

/* The selected routes (paths a[0..na) and b[0..nb)) forward alike (a
 * single path's weight does not matter). */
static bool paths_eq(const struct rib_cand *a, size_t na, const struct rib_cand *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (memcmp(&a[i].nh, &b[i].nh, sizeof(a[i].nh)) != 0 ||
			(na > 1 && a[i].weight != b[i].weight))
			return false;
	return true;
}

void rib_nh_export(const struct sl_rib *rib, const struct rib_nh *in, struct sl_nh *out)
{
	struct rib_vrf *v;
	memset(out, 0, sizeof(*out));
	out->type = in->type;
	out->gw = in->gw;
	memcpy(out->ifname, rib_name(rib, in->ifname), SL_NAME_MAX);
	if (in->type == SL_NH_VRF && (v = rib_vrf_by_name_id(rib, in->vrf)) != NULL)
		out->vrf_id = v->id;
}

static int scratch_reserve(struct sl_rib *rib, size_t n)
{
	if (n <= rib->cap_scratch)
		return 0;
	size_t cap = n < 64 ? 64 : n * 2;
	struct rib_cand *s = realloc(rib->scratch, cap * sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	rib->scratch = s;
	rib->cap_scratch = cap;
	return 0;
}

/* Connected and local candidates of prefix p from the VRF's up interfaces. */
static size_t connected_cands(const struct rib_vrf *vrf, struct sl_prefix p, struct rib_cand *out,
	bool *own_connected, name_id *own_if, const struct sl_rib *rib)
{
	size_t n = 0;
	*own_connected = false;
	*own_if = 0;
	for (size_t i = 0; i < vrf->n_ifaces; i++) {
		const struct rib_iface *ifc = vrf->ifaces[i];
		if (!ifc->up)
			continue;
		for (size_t k = 0; k < ifc->n_addrs; k++) {
			struct sl_prefix a = ifc->addrs[k];
			struct rib_cand *c;
			bool conn = sl_prefix_eq(sl_prefix_network(a), p);
			bool local = p.len == 32 && a.addr == p.addr;
			if (conn) {
				c = &out[n++];
				memset(c, 0, sizeof(*c));
				c->source = SL_SRC_CONNECTED;
				c->active = 1;
				c->local_pref = RIB_LOCAL_PREF_DEFAULT;
				c->nh.type = SL_NH_CONNECTED;
				c->nh.ifname = ifc->name;
				/* resolve gateways via the first interface by name: deterministic */
				if (!*own_connected || strcmp(rib_name(rib, ifc->name),
							       rib_name(rib, *own_if)) < 0)
					*own_if = ifc->name;
				*own_connected = true;
			}
			if (local) {
				c = &out[n++];
				memset(c, 0, sizeof(*c));
				c->source = SL_SRC_LOCAL;
				c->active = 1;
				c->local_pref = RIB_LOCAL_PREF_DEFAULT;
				c->nh.type = SL_NH_LOCAL;
				c->nh.ifname = ifc->name;
			}
		}
	}
	return n;
}

/* Leaked candidates of p from the VRFs this one imports from. */
static size_t import_cands(
	struct sl_rib *rib, struct rib_vrf *vrf, struct rib_entry *e, struct rib_cand *out)
{
	struct sl_prefix p = {e->addr, e->len}, conn;
	const struct sl_rmap *rm = NULL;
	name_id rm_name = 0;
	size_t n = 0;

	if (!rib_bgp_on(vrf) || vrf->n_origins == 0)
		return 0;
	if (vrf->bgp.rmap_import[0]) {
		rm = vrf->rmap_import;
		rm_name = vrf->rmap_import_name;
	}
	for (size_t i = 0; i < vrf->n_origins; i++) {
		struct rib_vrf *o = rib->vrfs[vrf->origins[i].vrf_id];
		struct rib_entry *oe = rib_table_find(&o->routes, p.addr, p.len);
		struct sl_route_attrs attrs;
		struct rib_cand *c;
		const struct rib_export *ox = oe ? rib_entry_exp(oe) : NULL;
		if (ox == NULL)
			continue;
		attrs.local_pref = ox->local_pref;
		attrs.metric = ox->metric;
		c = &out[n];
		memset(c, 0, sizeof(*c));
		c->rmap = ox->rmap;
		c->rmap_seq = ox->rmap_seq;
		if (vrf->bgp.rmap_import[0]) {
			/* an undefined route-map admits nothing */
			struct sl_policy_verdict v = sl_rmap_eval(rib->policy, rm, p, &attrs);
			if (v.action != SL_ACTION_PERMIT)
				continue;
			c->rmap = rm_name;
			c->rmap_seq = v.seq;
		}
		if (rib_connected_covering(rib, vrf, p, &conn)) {
			if (rib_collision_add(rib, vrf, p, o->name, conn) == 0)
				e->flags |= ENTRY_COLLIDED;
			continue;
		}
		c->source = vrf->origins[i].source;
		c->distance = RIB_LEAK_DISTANCE;
		c->active = 1;
		c->local_pref = attrs.local_pref;
		c->metric = attrs.metric;
		c->nh.type = SL_NH_VRF;
		c->nh.vrf = o->name;
		c->origin_vrf = o->name;
		c->origin_nh = ox->nh;
		n++;
	}
	return n;
}

static void sort_cands(const struct sl_rib *rib, struct rib_cand *v, size_t n)
{
	/* insertion sort: a prefix has a handful of candidates */
	for (size_t i = 1; i < n; i++) {
		struct rib_cand x = v[i];
		size_t j = i;
		while (j > 0 && rib_cand_cmp(rib, &v[j - 1], &x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static const struct rib_cand *selected_of(const struct rib_cand *v, size_t n)
{
	return n > 0 && v[0].active ? &v[0] : NULL;
}

static bool export_eq(const struct rib_export *a, const struct rib_export *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return memcmp(a, b, sizeof(*a)) == 0;
}

static int entry_recompute(struct sl_rib *rib, struct rib_entry *e)
{
	struct rib_vrf *vrf = rib->vrfs[e->vrf_id];
	struct sl_prefix p = {e->addr, e->len};
	struct rib_export exp, *new_exp = NULL;
	bool own_conn;
	name_id own_if;
	size_t n, max;
	int rc = 0;

	max = e->n_statics + vrf->n_origins;
	for (size_t i = 0; i < vrf->n_ifaces; i++)
		max += 2 * vrf->ifaces[i]->n_addrs;
	if (scratch_reserve(rib, max) < 0)
		return -ENOMEM;
	if (e->flags & ENTRY_COLLIDED) {
		rib_collisions_clear(rib, vrf, p);
		e->flags &= (uint8_t)~ENTRY_COLLIDED;
	}
	n = connected_cands(vrf, p, rib->scratch, &own_conn, &own_if, rib);
	n += rib_static_cands(rib, vrf, e, own_conn, own_if, rib->scratch + n);
	n += import_cands(rib, vrf, e, rib->scratch + n);
	sort_cands(rib, rib->scratch, n);

	if (n != e->n_cands || (n && memcmp(rib->scratch, e->cands, n * sizeof(*e->cands)) != 0)) {
		const struct rib_cand *old_sel = selected_of(e->cands, e->n_cands);
		const struct rib_cand *new_sel = selected_of(rib->scratch, n);
		size_t old_np = rib_paths_of(e->cands, e->n_cands);
		size_t new_np = rib_paths_of(rib->scratch, n);
		bool nh_changed = !paths_eq(e->cands, old_np, rib->scratch, new_np);
		struct rib_cand *v = e->cands;

		for (size_t i = 0; i < e->n_cands; i++)
			vrf->n_routes[e->cands[i].source]--;
		for (size_t i = 0; i < n; i++)
			vrf->n_routes[rib->scratch[i].source]++;
		vrf->n_selected += (new_sel != NULL) - (old_sel != NULL);
		/* old_sel points into e->cands: log before overwriting it */
		if (nh_changed)
			rib_log_route(rib, vrf, p, rib->scratch, new_np);
		if (n != e->n_cands) {
			v = NULL;
			if (n && (v = malloc(n * sizeof(*v))) == NULL)
				return -ENOMEM;
			free(e->cands);
		}
		if (n)
			memcpy(v, rib->scratch, n * sizeof(*v));
		e->cands = v;
		e->n_cands = (uint8_t)n;
		/* statics resolving through this prefix look at its own routes,
		 * selected or not */
		rib_gw_watch_fire(rib, vrf->name, p);
		rib_gw_memo_forget(rib, &p);
	}

	if (rib_export_compute(rib, vrf, e, &exp))
		new_exp = &exp;
	if (!export_eq(rib_entry_exp(e), new_exp)) {
		if (new_exp) {
			e->exp = exp;
			e->flags |= ENTRY_EXPORTED;
		} else {
			memset(&e->exp, 0, sizeof(e->exp));
			e->flags &= (uint8_t)~ENTRY_EXPORTED;
		}
		for (size_t i = 0; i < vrf->n_importers; i++)
			if (rib_mark_prefix(rib, rib->vrfs[vrf->importers[i]], p) < 0)
				rc = -ENOMEM;
	}
	if (rib_entry_empty(e)) {
		rib_table_remove(&vrf->routes, e);
		rib_entry_free(e);
	}
	return rc;
}

int rib_settle(struct sl_rib *rib)
{
	int rc = 0;
	while (rib->dirty_head) {
		struct rib_entry *e = rib->dirty_head;
		rib->dirty_head = e->next_dirty;
		if (rib->dirty_head == NULL)
			rib->dirty_tail = NULL;
		e->flags &= (uint8_t)~ENTRY_DIRTY;
		e->next_dirty = NULL;
		/* big re-derivations walk cold entries: fetch the next ones early */
		if (rib->dirty_head) {
			__builtin_prefetch(rib->dirty_head->cands);
			if (rib->dirty_head->next_dirty)
				__builtin_prefetch(rib->dirty_head->next_dirty);
		}
		int r = entry_recompute(rib, e);
		if (r < 0)
			rc = r;
	}
	return rc;
}
