/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static routes: their configuration, next-hop resolution and the
 * dependencies that make resolution incremental. A gateway static registers
 * (gw, entry) under the name of the VRF it resolves in; any change of a
 * selected route there whose prefix contains gw re-marks the entry. An
 * interface static registers under the interface name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

static int watch_reserve(struct sl_rib *rib, name_id id)
{
	if (id < rib->cap_watch)
		return 0;
	size_t cap = rib->cap_watch ? rib->cap_watch : 16;
	while (cap <= id)
		cap *= 2;
	struct rib_watch_vec *g = realloc(rib->gw_watch, cap * sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	rib->gw_watch = g;
	struct rib_dep_set *d = realloc(rib->if_watch, cap * sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	rib->if_watch = d;
	memset(&g[rib->cap_watch], 0, (cap - rib->cap_watch) * sizeof(*g));
	memset(&d[rib->cap_watch], 0, (cap - rib->cap_watch) * sizeof(*d));
	rib->cap_watch = cap;
	return 0;
}

static uint32_t dep_hash(const struct rib_entry *e)
{
	return (uint32_t)(((uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ull) >> 32);
}

static void dep_put(struct rib_entry **slot, uint32_t cap, struct rib_entry *e)
{
	uint32_t i = dep_hash(e) & (cap - 1);
	while (slot[i] != NULL)
		i = (i + 1) & (cap - 1);
	slot[i] = e;
}

/* 0 (also when e is there already) or -ENOMEM. */
static int dep_add(struct rib_dep_set *d, struct rib_entry *e)
{
	uint32_t mask = d->cap - 1;
	for (uint32_t i = d->cap ? dep_hash(e) & mask : 0; d->cap && d->slot[i]; i = (i + 1) & mask)
		if (d->slot[i] == e)
			return 0;
	if ((d->n + 1) * 4 > d->cap * 3) { /* keep the load under 3/4 */
		uint32_t cap = d->cap ? d->cap * 2 : 8;
		struct rib_entry **slot = calloc(cap, sizeof(*slot));
		if (slot == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i < d->cap; i++)
			if (d->slot[i] != NULL)
				dep_put(slot, cap, d->slot[i]);
		free(d->slot);
		d->slot = slot;
		d->cap = cap;
	}
	dep_put(d->slot, d->cap, e);
	d->n++;
	return 0;
}

static void dep_del(struct rib_dep_set *d, const struct rib_entry *e)
{
	uint32_t mask = d->cap - 1, i, j;
	if (d->n == 0)
		return;
	for (i = dep_hash(e) & mask; d->slot[i] != e; i = (i + 1) & mask)
		if (d->slot[i] == NULL)
			return;
	/* backward shift: later members of the probe run move into the hole */
	for (j = i;;) {
		j = (j + 1) & mask;
		if (d->slot[j] == NULL)
			break;
		uint32_t home = dep_hash(d->slot[j]) & mask;
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			d->slot[i] = d->slot[j];
			i = j;
		}
	}
	d->slot[i] = NULL;
	if (--d->n == 0) {
		free(d->slot);
		d->slot = NULL;
		d->cap = 0;
	}
}

static void dep_fire(struct sl_rib *rib, const struct rib_dep_set *d)
{
	for (uint32_t i = 0; i < d->cap; i++)
		if (d->slot[i] != NULL)
			rib_mark(rib, d->slot[i]);
}

/* First index whose gateway is >= gw. */
static size_t gw_lower(const struct rib_watch_vec *w, uint32_t gw)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (w->v[mid].gw < gw)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int gw_watch_add(struct sl_rib *rib, name_id vrf, uint32_t gw, struct rib_entry *dep)
{
	struct rib_watch_vec *w;
	size_t i;

	if (watch_reserve(rib, vrf) < 0)
		return -ENOMEM;
	w = &rib->gw_watch[vrf];
	i = gw_lower(w, gw);
	if (i == w->n || w->v[i].gw != gw) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 8;
			struct rib_gw_watch *v = realloc(w->v, cap * sizeof(*v));
			if (v == NULL)
				return -ENOMEM;
			w->v = v;
			w->cap = cap;
		}
		memmove(&w->v[i + 1], &w->v[i], (w->n - i) * sizeof(*w->v));
		w->v[i] = (struct rib_gw_watch){.gw = gw};
		w->n++;
	}
	return dep_add(&w->v[i].deps, dep);
}

static void gw_watch_del(struct sl_rib *rib, name_id vrf, uint32_t gw, struct rib_entry *dep)
{
	struct rib_watch_vec *w;
	size_t i;

	if (vrf >= rib->cap_watch)
		return;
	w = &rib->gw_watch[vrf];
	i = gw_lower(w, gw);
	if (i == w->n || w->v[i].gw != gw)
		return;
	dep_del(&w->v[i].deps, dep);
	if (w->v[i].deps.n == 0) {
		memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof(*w->v));
		w->n--;
	}
}

static int if_watch_add(struct sl_rib *rib, name_id ifname, struct rib_entry *dep)
{
	if (watch_reserve(rib, ifname) < 0)
		return -ENOMEM;
	return dep_add(&rib->if_watch[ifname], dep);
}

static void if_watch_del(struct sl_rib *rib, name_id ifname, struct rib_entry *dep)
{
	if (ifname < rib->cap_watch)
		dep_del(&rib->if_watch[ifname], dep);
}

void rib_static_watch_free(struct sl_rib *rib)
{
	for (size_t i = 0; i < rib->cap_watch; i++) {
		for (size_t g = 0; g < rib->gw_watch[i].n; g++)
			free(rib->gw_watch[i].v[g].deps.slot);
		free(rib->gw_watch[i].v);
		free(rib->if_watch[i].slot);
	}
	free(rib->gw_watch);
	free(rib->if_watch);
	rib->gw_watch = NULL;
	rib->if_watch = NULL;
	rib->cap_watch = 0;
}

static name_id resolve_vrf_name(
	const struct sl_rib *rib, const struct rib_entry *e, const struct rib_static_cfg *s)
{
	return s->vrf ? s->vrf : rib->vrfs[e->vrf_id]->name;
}

int rib_static_watch(struct sl_rib *rib, struct rib_entry *e)
{
	for (size_t i = 0; i < e->n_statics; i++) {
		const struct rib_static_cfg *s = &rib_entry_statics(e)[i];
		int rc = 0;
		if (s->type == SL_STATIC_GATEWAY)
			rc = gw_watch_add(rib, resolve_vrf_name(rib, e, s), s->gw, e);
		else if (s->type == SL_STATIC_INTERFACE)
			rc = if_watch_add(rib, s->ifname, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void rib_static_unwatch(struct sl_rib *rib, struct rib_entry *e)
{
	for (size_t i = 0; i < e->n_statics; i++) {
		const struct rib_static_cfg *s = &rib_entry_statics(e)[i];
		if (s->type == SL_STATIC_GATEWAY)
			gw_watch_del(rib, resolve_vrf_name(rib, e, s), s->gw, e);
		else if (s->type == SL_STATIC_INTERFACE)
			if_watch_del(rib, s->ifname, e);
	}
}

void rib_gw_watch_fire(struct sl_rib *rib, name_id vrf_name, struct sl_prefix p)
{
	struct rib_watch_vec *w;
	uint32_t first = p.addr & sl_mask(p.len), last = first | ~sl_mask(p.len);

	if (vrf_name >= rib->cap_watch)
		return;
	w = &rib->gw_watch[vrf_name];
	for (size_t i = gw_lower(w, first); i < w->n && w->v[i].gw <= last; i++)
		dep_fire(rib, &w->v[i].deps);
}

void rib_if_watch_fire(struct sl_rib *rib, name_id ifname)
{
	if (ifname < rib->cap_watch)
		dep_fire(rib, &rib->if_watch[ifname]);
}

static const struct rib_iface *iface_find(const struct sl_rib *rib, name_id name)
{
	for (size_t i = 0; i < rib->n_ifaces; i++)
		if (rib->ifaces[i]->name == name)
			return rib->ifaces[i];
	return NULL;
}

/* The own-VRF static of entry x that resolution uses: the best by
 * configuration alone (distance, type, gateway, interface), so which route a
 * gateway resolves through never depends on whether routes are active. */
static int static_cfg_cmp(
	const struct sl_rib *rib, const struct rib_static_cfg *a, const struct rib_static_cfg *b)
{
	if (a->distance != b->distance)
		return a->distance < b->distance ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->gw != b->gw)
		return a->gw < b->gw ? -1 : 1;
	return strcmp(rib_name(rib, a->ifname), rib_name(rib, b->ifname));
}

static const struct rib_static_cfg *resolving_static(
	const struct sl_rib *rib, const struct rib_entry *x)
{
	const struct rib_static_cfg *best = NULL;
	for (size_t i = 0; i < x->n_statics; i++) {
		const struct rib_static_cfg *s = &rib_entry_statics(x)[i];
		if (s->vrf == 0 && (best == NULL || static_cfg_cmp(rib, s, best) < 0))
			best = s;
	}
	return best;
}

/* Does entry x hold routes of the VRF itself (connected, local, static)?
 * Only those take part in resolution; leaked routes never do. */
static bool has_own_routes(const struct rib_entry *x)
{
	for (size_t i = 0; i < x->n_cands; i++)
		if (x->cands[i].source == SL_SRC_CONNECTED || x->cands[i].source == SL_SRC_LOCAL ||
			rib_src_own_routed(x->cands[i].source))
			return true;
	return false;
}

/*
 * Resolve gateway gw in VRF target by longest match over the entries that
 * hold the VRF's own routes (connected, local, static): through a connected
 * route (or an up interface static) the next hop is gw on that interface;
 * through a resolved gateway static it is that static's next hop, one level
 * deeper. The static used is chosen by configuration, not by activity, so
 * the "resolves through" relation is fixed and any cycle in it settles as
 * unresolved once the depth bound is passed (no oscillation, one fixpoint).
 * self is the entry of the static being resolved when target is its own
 * VRF: a route never resolves through itself, only through its own prefix's
 * connected route.
 */
void rib_gw_memo_forget(struct sl_rib *rib, const struct sl_prefix *p)
{
	if (!rib->gw_memo_any)
		return;
	if (p != NULL) {
		uint8_t len = p->len < rib->gw_memo_span.len ? p->len : rib->gw_memo_span.len;
		if (((p->addr ^ rib->gw_memo_span.addr) & sl_mask(len)) != 0)
			return; /* apart from every kept gateway */
	}
	if (++rib->gw_memo_gen == 0) /* no stale entry may match after a wrap */
		memset(rib->gw_memo, 0, sizeof(rib->gw_memo));
	rib->gw_memo_any = false;
}

/* The entry through which gw resolves in target: the longest match that
 * holds own routes, or self itself with own_connected (see below). */
static const struct rib_entry *gw_match(struct sl_rib *rib, const struct rib_vrf *target,
	uint32_t gw, const struct rib_entry *self, bool own_connected)
{
	/* with self over gw, the answer depends on self: not kept */
	bool keep = self == NULL || (gw & sl_mask(self->len)) != self->addr;
	struct rib_gw_memo *m = &rib->gw_memo[(gw ^ gw >> 8 ^ gw >> 16) & (RIB_GW_MEMO - 1)];
	const struct rib_entry *x = NULL;

	if (keep && m->vrf == target && m->gw == gw && m->gen == rib->gw_memo_gen)
		return m->x;
	for (int len = 32; len >= 0 && x == NULL; len--) {
		if (target->routes.len_count[len] == 0)
			continue;
		x = rib_table_find(&target->routes, gw & sl_mask((uint8_t)len), (uint8_t)len);
		if (x != NULL && (x == self ? !own_connected : !has_own_routes(x)))
			x = NULL;
	}
	if (keep) {
		struct sl_prefix *span = &rib->gw_memo_span;
		*m = (struct rib_gw_memo){target, x, gw, rib->gw_memo_gen};
		if (!rib->gw_memo_any) {
			*span = (struct sl_prefix){gw, 32};
			rib->gw_memo_any = true;
		}
		while (((gw ^ span->addr) & sl_mask(span->len)) != 0)
			span->len--;
		span->addr &= sl_mask(span->len);
	}
	return x;
}

static bool resolve_gw(struct sl_rib *rib, const struct rib_vrf *target, uint32_t gw,
	const struct rib_entry *self, bool own_connected, name_id own_if, struct rib_nh *nh,
	uint8_t *depth)
{
	const struct rib_entry *x = gw_match(rib, target, gw, self, own_connected);
	const struct rib_static_cfg *s;

	if (x == NULL)
		return false;
	if (x == self) {
		nh->type = SL_NH_GATEWAY;
		nh->gw = gw;
		nh->ifname = own_if;
		*depth = 1;
		return true;
	}
	for (size_t i = 0; i < x->n_cands; i++) {
		if (x->cands[i].source == SL_SRC_CONNECTED) {
			nh->type = SL_NH_GATEWAY;
			nh->gw = gw;
			nh->ifname = x->cands[i].nh.ifname;
			*depth = 1;
			return true;
		}
	}
	s = resolving_static(rib, x);
	if (s == NULL || s->type == SL_STATIC_BLACKHOLE)
		return false; /* a local address, or a blackhole */
	for (size_t i = 0; i < x->n_cands; i++) {
		const struct rib_cand *c = &x->cands[i];
		if (!rib_src_own_routed(c->source) || !c->active)
			continue;
		if (s->type == SL_STATIC_INTERFACE && c->nh.type == SL_NH_CONNECTED &&
			c->nh.ifname == s->ifname) {
			nh->type = SL_NH_GATEWAY;
			nh->gw = gw;
			nh->ifname = s->ifname;
			*depth = 1;
			return true;
		}
		if (s->type == SL_STATIC_GATEWAY && c->nh.type == SL_NH_GATEWAY &&
			c->cfg_gw == s->gw && c->depth < RIB_RESOLVE_DEPTH_MAX) {
			*nh = c->nh;
			*depth = (uint8_t)(c->depth + 1);
			return true;
		}
	}
	return false;
}

size_t rib_static_cands(struct sl_rib *rib, struct rib_vrf *vrf, struct rib_entry *e,
	bool own_connected, name_id own_if, struct rib_cand *out)
{
	struct sl_prefix p = {e->addr, e->len}, conn;
	size_t n = 0;

	for (size_t i = 0; i < e->n_statics; i++) {
		const struct rib_static_cfg *s = &rib_entry_statics(e)[i];
		bool leak = s->vrf != 0;
		struct rib_vrf *target = leak ? rib_vrf_by_name_id(rib, s->vrf) : vrf;
		struct rib_cand *c = &out[n];
		const struct rib_iface *ifc;

		memset(c, 0, sizeof(*c));
		c->source = rib_cfg_source(s) ? rib_cfg_source(s)
			    : leak	      ? SL_SRC_STATIC_LEAK
					      : SL_SRC_STATIC;
		c->noexport = (s->source & RIB_SRC_NOEXPORT) != 0;
		c->distance = s->distance;
		c->weight = s->weight;
		c->local_pref = RIB_LOCAL_PREF_DEFAULT;
		c->cfg_vrf = s->vrf;
		if (leak)
			c->origin_vrf = s->vrf;
		switch (s->type) {
		case SL_STATIC_BLACKHOLE:
			c->nh.type = SL_NH_BLACKHOLE;
			c->active = 1;
			break;
		case SL_STATIC_INTERFACE:
			ifc = iface_find(rib, s->ifname);
			c->active = target && ifc && ifc->up && ifc->vrf_id == target->id;
			if (leak) {
				c->nh.type = SL_NH_VRF;
				c->nh.vrf = s->vrf;
				c->origin_nh.type = SL_NH_CONNECTED;
				c->origin_nh.ifname = s->ifname;
			} else {
				c->nh.type = SL_NH_CONNECTED;
				c->nh.ifname = s->ifname;
			}
			break;
		case SL_STATIC_GATEWAY:
			c->cfg_gw = s->gw;
			c->nh.type = SL_NH_GATEWAY;
			c->nh.gw = s->gw;
			c->active = target && resolve_gw(rib, target, s->gw, leak ? NULL : e,
						      own_connected, own_if, &c->nh, &c->depth);
			if (leak)
				c->origin_nh = c->nh;
			break;
		case SL_STATIC_NAT: /* the flow table finds the host in FROM */
			c->nh.type = SL_NH_VRF;
			c->nh.vrf = s->vrf;
			c->origin_nh.type = SL_NH_LOCAL;
			c->active = target != NULL;
			break;
		}
		if (leak && rib_connected_covering(rib, vrf, p, &conn)) {
			/* would capture part of a local subnet: refused */
			if (rib_collision_add(rib, vrf, p, s->vrf, conn) == 0)
				e->flags |= ENTRY_COLLIDED;
			continue;
		}
		n++;
	}
	return n;
}

static int cfg_from_nh(struct sl_rib *rib, const struct rib_vrf *vrf, const struct sl_static_nh *in,
	struct rib_static_cfg *out)
{
	memset(out, 0, sizeof(*out));
	out->type = (uint8_t)in->type;
	out->distance = in->distance ? in->distance : 1;
	out->weight = in->weight ? in->weight : 1;
	if (in->type != SL_STATIC_BLACKHOLE && in->vrf[0] &&
		strcmp(in->vrf, rib_name(rib, vrf->name)) != 0) {
		out->vrf = rib_name_intern(rib, in->vrf);
		if (out->vrf == RIB_NAME_NOMEM)
			return -ENOMEM;
	}
	switch (in->type) {
	case SL_STATIC_GATEWAY:
		out->gw = in->gw;
		break;
	case SL_STATIC_INTERFACE:
		if (in->ifname[0] == '\0')
			return -EINVAL;
		out->ifname = rib_name_intern(rib, in->ifname);
		if (out->ifname == RIB_NAME_NOMEM)
			return -ENOMEM;
		break;
	case SL_STATIC_BLACKHOLE:
		break;
	case SL_STATIC_NAT:
		if (out->vrf == 0)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* Replace the next hops of (vrf, prefix) from `source` (0: the static
 * configuration) by nhs[0..n), keeping those of the other sources. */
static int cfg_replace(struct sl_rib *rib, const char *vrf_name, struct sl_prefix prefix,
	uint8_t source, const struct sl_static_nh *nhs, size_t n)
{
	struct rib_vrf *vrf;
	/* on the stack: at most 255 (4 KiB); a heap block per route was a
	 * calloc (no tcache in glibc) for 2/3 of a 100,000-route change */
	struct rib_static_cfg cfg[255];
	struct rib_entry *e;
	size_t kept = 0;
	int rc;

	if (rib == NULL || prefix.len > 32 || (n && nhs == NULL) ||
		(prefix.addr & ~sl_mask(prefix.len)) != 0)
		return -EINVAL;
	vrf = rib_vrf_by_name(rib, vrf_name);
	if (vrf == NULL)
		return -ENOENT;
	e = rib_table_find(&vrf->routes, prefix.addr, prefix.len);
	for (size_t i = 0; e && i < e->n_statics; i++)
		kept += rib_cfg_source(&rib_entry_statics(e)[i]) != source;
	if (kept + n > 255)
		return -EINVAL;
	kept = 0;
	for (size_t i = 0; e && i < e->n_statics; i++)
		if (rib_cfg_source(&rib_entry_statics(e)[i]) != source)
			cfg[kept++] = rib_entry_statics(e)[i];
	for (size_t i = 0; i < n; i++) {
		if ((rc = cfg_from_nh(rib, vrf, &nhs[i], &cfg[kept + i])) < 0)
			return rc;
		cfg[kept + i].source = source | (source && nhs[i].noexport ? RIB_SRC_NOEXPORT : 0);
	}
	n += kept;
	if (e == NULL && n)
		e = rib_entry_get(rib, vrf, prefix);
	if (e == NULL)
		return n ? -ENOMEM : 0;
	rib_static_unwatch(rib, e);
	rc = rib_entry_statics_set(e, cfg, n);
	if (rc == 0)
		rc = rib_static_watch(rib, e);
	rib_mark(rib, e);
	int r = rib_settle(rib);
	return rc < 0 ? rc : r;
}

int sl_rib_static_set(struct sl_rib *rib, const char *vrf_name, struct sl_prefix prefix,
	const struct sl_static_nh *nhs, size_t n)
{
	if (n > 255)
		return -EINVAL;
	return cfg_replace(rib, vrf_name, prefix, 0, nhs, n);
}

void sl_rib_static_prefetch(
	const struct sl_rib *rib, const char *vrf_name, struct sl_prefix prefix, int stage)
{
	const struct rib_vrf *vrf = rib ? rib_vrf_by_name(rib, vrf_name) : NULL;
	const struct rib_entry *e;

	if (vrf == NULL || prefix.len > 32)
		return;
	prefix.addr &= sl_mask(prefix.len);
	if (stage == 0) {
		rib_table_prefetch(&vrf->routes, prefix.addr, prefix.len);
	} else if ((e = rib_table_find(&vrf->routes, prefix.addr, prefix.len)) != NULL) {
		__builtin_prefetch(e);
		__builtin_prefetch((const char *)e + 64);
	}
}

int sl_rib_proto_set(struct sl_rib *rib, const char *vrf_name, struct sl_prefix prefix,
	enum sl_rt_source source, const struct sl_static_nh *nhs, size_t n)
{
	if (source != SL_SRC_BGP && source != SL_SRC_OSPF)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (nhs[i].vrf[0] != '\0' && strcmp(nhs[i].vrf, vrf_name ? vrf_name : "") != 0)
			return -EINVAL; /* leaking is the leak engine's, not the daemon's */
	return cfg_replace(rib, vrf_name, prefix, (uint8_t)source, nhs, n);
}

static int nat_add(struct sl_rib *rib, name_id from, name_id to, struct sl_prefix pool)
{
	if (rib->n_nats == rib->cap_nats) {
		size_t cap = rib->cap_nats ? rib->cap_nats * 2 : 8;
		void *v = realloc(rib->nats, cap * sizeof(*rib->nats));
		if (v == NULL)
			return -ENOMEM;
		rib->nats = v;
		rib->cap_nats = cap;
	}
	rib->nats[rib->n_nats++] = (struct rib_nat){from, to, pool};
	return 0;
}

int sl_rib_nat_set(struct sl_rib *rib, const char *from, const struct sl_rib_nat *nats, size_t n)
{
	if (rib == NULL || from == NULL || (n && nats == NULL))
		return -EINVAL;
	if (rib_vrf_by_name(rib, from) == NULL)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (rib_vrf_by_name(rib, nats[i].to) == NULL)
			return -ENOENT;
		if (strcmp(nats[i].to, from) == 0 || nats[i].pool.len > 32 ||
			(nats[i].pool.addr & ~sl_mask(nats[i].pool.len)) != 0)
			return -EINVAL;
	}
	name_id fid = rib_name_intern(rib, from);
	if (fid == RIB_NAME_NOMEM)
		return -ENOMEM;
	int rc = 0;
	size_t k = 0;
	for (size_t i = 0; i < rib->n_nats; i++) {
		struct rib_nat *x = &rib->nats[i];
		if (x->from != fid) {
			rib->nats[k++] = *x;
			continue;
		}
		/* its TO may be gone already (deleted in the same commit) */
		int r = cfg_replace(rib, rib_name(rib, x->to), x->pool, SL_SRC_NAT, NULL, 0);
		if (r < 0 && r != -ENOENT && rc == 0)
			rc = r;
	}
	rib->n_nats = k;
	for (size_t i = 0; i < n; i++) {
		struct sl_static_nh nh = {.type = SL_STATIC_NAT, .distance = 1};
		snprintf(nh.vrf, sizeof(nh.vrf), "%s", from);
		name_id tid = rib_name_intern(rib, nats[i].to);
		int r = tid == RIB_NAME_NOMEM ? -ENOMEM : nat_add(rib, fid, tid, nats[i].pool);
		if (r == 0)
			r = cfg_replace(rib, nats[i].to, nats[i].pool, SL_SRC_NAT, &nh, 1);
		if (r < 0 && rc == 0)
			rc = r;
	}
	return rc;
}
