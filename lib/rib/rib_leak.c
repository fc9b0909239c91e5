/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The leak engine: what a VRF exports (its best non-leaked route of each
 * prefix, through its export route-map), who imports from whom (route
 * targets and `import vrf`, recomputed as a small graph whenever leak
 * settings change), and the marking of exactly the entries a change of
 * settings or policy can affect. The per-prefix import itself is computed in
 * rib_entry.c from the origins' exports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

void rib_vrf_policy_refresh(struct sl_rib *rib, struct rib_vrf *vrf)
{
	vrf->rmap_import = sl_policy_rmap_find(rib->policy, vrf->bgp.rmap_import);
	vrf->rmap_export = sl_policy_rmap_find(rib->policy, vrf->bgp.rmap_export);
	vrf->rmap_import_name = rib_name_find(rib, vrf->bgp.rmap_import);
	vrf->rmap_export_name = rib_name_find(rib, vrf->bgp.rmap_export);
}

bool rib_bgp_on(const struct rib_vrf *vrf)
{
	return vrf->bgp.enabled;
}

bool rib_connected_covering(const struct sl_rib *rib, const struct rib_vrf *vrf, struct sl_prefix p,
	struct sl_prefix *out)
{
	bool found = false;
	(void)rib;
	for (size_t i = 0; i < vrf->n_ifaces; i++) {
		const struct rib_iface *ifc = vrf->ifaces[i];
		if (!ifc->up)
			continue;
		for (size_t k = 0; k < ifc->n_addrs; k++) {
			struct sl_prefix net = sl_prefix_network(ifc->addrs[k]);
			if (sl_prefix_contains(net, p) && (!found || net.len > out->len)) {
				*out = net;
				found = true;
			}
		}
	}
	return found;
}

bool rib_export_compute(
	struct sl_rib *rib, struct rib_vrf *vrf, struct rib_entry *e, struct rib_export *out)
{
	bool all = !vrf->bgp.redist_connected && !vrf->bgp.redist_static;
	const struct rib_cand *best = NULL;
	struct sl_route_attrs attrs;

	if (!rib_bgp_on(vrf))
		return false;
	/* candidates are sorted best first: the first exportable one is the best */
	for (size_t i = 0; i < e->n_cands && best == NULL; i++) {
		const struct rib_cand *c = &e->cands[i];
		if (!c->active)
			break;
		if (c->noexport) /* kept out of leaks (a policy intent) */
			continue;
		/* BGP's own routes are in its table: always exported */
		if ((c->source == SL_SRC_CONNECTED && (all || vrf->bgp.redist_connected)) ||
			(c->source == SL_SRC_STATIC && (all || vrf->bgp.redist_static)) ||
			c->source == SL_SRC_BGP || (c->source == SL_SRC_OSPF && all))
			best = c;
	}
	if (best == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	attrs.local_pref = best->local_pref;
	attrs.metric = best->metric;
	if (vrf->bgp.rmap_export[0]) {
		struct sl_prefix p = {e->addr, e->len};
		struct sl_policy_verdict v = sl_rmap_eval(rib->policy, vrf->rmap_export, p, &attrs);
		if (v.action != SL_ACTION_PERMIT)
			return false;
		out->rmap = vrf->rmap_export_name;
		out->rmap_seq = v.seq;
	}
	out->nh = best->nh;
	out->local_pref = attrs.local_pref;
	out->metric = attrs.metric;
	return true;
}

void rib_mark_all(struct sl_rib *rib, struct rib_vrf *vrf)
{
	for (size_t i = 0; i < vrf->routes.cap; i++)
		if (vrf->routes.slots[i])
			rib_mark(rib, vrf->routes.slots[i]);
}

/* Mark importer's entries of every prefix origin exports within `within`.
 * Looking prefixes up in a big importer table is bound by cache misses (a
 * route-map change re-derives tens of thousands of imports), so the lookups
 * are software-pipelined: the key slot of prefix i+2D, the entry pointer of
 * prefix i+D and the entry of prefix i are fetched while prefix i is marked.
 * Marking a prefix the importer lacks inserts an entry, and an insert that
 * doubles the table rehashes every slot: the slots looked up ahead are then
 * stale and are looked up again. 0 or -ENOMEM (what could be marked is). */
int rib_mark_exports_of(struct sl_rib *rib, struct rib_vrf *origin, struct rib_vrf *importer,
	struct sl_prefix within)
{
	enum { D = 6, RING = 4 * D };
	struct sl_prefix ring[RING];
	long slot[RING];
	const struct rib_table *t = &importer->routes;
	size_t in = 0, out = 0, i = 0;
	bool scanning = true;
	int rc = 0;

	while (scanning || out < in) {
		/* stage 0: next exported prefix of the origin, prefetch its key slot */
		while (scanning && in - out < 2 * D) {
			struct rib_entry *e = NULL;
			while (i < origin->routes.cap && e == NULL) {
				e = origin->routes.slots[i++];
				if (e != NULL &&
					(!(e->flags & ENTRY_EXPORTED) ||
						!sl_prefix_contains(within,
							(struct sl_prefix){e->addr, e->len})))
					e = NULL;
			}
			if (e == NULL) {
				scanning = false;
				break;
			}
			ring[in % RING] = (struct sl_prefix){e->addr, e->len};
			slot[in % RING] = -2; /* not looked up yet */
			rib_table_prefetch(t, e->addr, e->len);
			in++;
		}
		/* stage 1: look up prefix out+D (its key slot is in cache by now) */
		size_t k = out + D;
		if (k < in && slot[k % RING] == -2) {
			slot[k % RING] =
				rib_table_find_slot(t, ring[k % RING].addr, ring[k % RING].len);
			if (slot[k % RING] >= 0)
				__builtin_prefetch(t->slots[slot[k % RING]]);
		}
		if (out >= in)
			continue;
		/* stage 2: mark prefix out */
		long s = slot[out % RING];
		if (s == -2)
			s = rib_table_find_slot(t, ring[out % RING].addr, ring[out % RING].len);
		if (s >= 0) {
			rib_mark(rib, t->slots[s]);
		} else {
			const size_t cap = t->cap;
			if (rib_mark_prefix(rib, importer, ring[out % RING]) < 0)
				rc = -ENOMEM;
			if (t->cap != cap)
				for (size_t j = out + 1; j < in; j++)
					slot[j % RING] = -2;
		}
		out++;
	}
	return rc;
}

/*
 * Re-derive every import of vrf. Settled imports (and refused ones) mirror
 * exactly the exports of the VRF's origins, so marking the prefixes its
 * current origins — and the origins it had before, passed as old — export
 * covers them all without scanning the importer's own table.
 */
int rib_mark_imports(
	struct sl_rib *rib, struct rib_vrf *vrf, const struct rib_origin *old, size_t n_old)
{
	struct sl_prefix all = {0, 0};
	int rc = 0;
	for (size_t i = 0; i < n_old; i++) {
		struct rib_vrf *o = rib->vrfs[old[i].vrf_id];
		bool current = false;
		for (size_t k = 0; k < vrf->n_origins && !current; k++)
			current = vrf->origins[k].vrf_id == old[i].vrf_id;
		if (o && !current && rib_mark_exports_of(rib, o, vrf, all) < 0)
			rc = -ENOMEM;
	}
	for (size_t i = 0; i < vrf->n_origins; i++)
		if ((i == 0 || vrf->origins[i].vrf_id != vrf->origins[i - 1].vrf_id) &&
			rib_mark_exports_of(rib, rib->vrfs[vrf->origins[i].vrf_id], vrf, all) < 0)
			rc = -ENOMEM;
	return rc;
}

static bool rts_intersect(const struct sl_rt *a, size_t na, const struct sl_rt *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nb; k++)
			if (sl_rt_eq(a[i], b[k]))
				return true;
	return false;
}

static bool imports_vrf(const struct sl_rib *rib, const struct rib_vrf *x, const struct rib_vrf *o)
{
	const char *name = rib_name(rib, o->name);
	for (size_t i = 0; i < x->bgp.n_import_vrf; i++)
		if (strcmp(x->bgp.import_vrf[i], name) == 0)
			return true;
	return false;
}

/* How x imports from o: 0, 1 or 2 sources (route targets, `import vrf`). */
static size_t pair_sources(
	const struct sl_rib *rib, const struct rib_vrf *x, const struct rib_vrf *o, uint8_t src[2])
{
	size_t k = 0;
	if (o == x || !rib_bgp_on(x) || !rib_bgp_on(o))
		return 0;
	if (rts_intersect(
		    x->bgp.rt_import, x->bgp.n_rt_import, o->bgp.rt_export, o->bgp.n_rt_export))
		src[k++] = SL_SRC_VPN_IMPORT;
	if (imports_vrf(rib, x, o))
		src[k++] = SL_SRC_VRF_IMPORT;
	return k;
}

/* Origins of x, ordered by VRF id then source. */
static int origins_compute(
	const struct sl_rib *rib, const struct rib_vrf *x, struct rib_origin **out, size_t *n_out)
{
	struct rib_origin *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*n_out = 0;
	if (!rib_bgp_on(x))
		return 0;
	for (size_t id = 0; id < SL_VRF_MAX; id++) {
		uint8_t src[2];
		size_t k = rib->vrfs[id] ? pair_sources(rib, x, rib->vrfs[id], src) : 0;
		for (size_t j = 0; j < k; j++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 4;
				struct rib_origin *nv = realloc(v, cap * sizeof(*nv));
				if (nv == NULL) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[n].vrf_id = (uint16_t)id;
			v[n].source = src[j];
			n++;
		}
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* x newly imports from o (the callers know it did not before: no scan, which
 * made a full mesh of V VRFs cost O(V^2) per settings change). */
static int importer_add(struct rib_vrf *o, uint16_t x)
{
	uint16_t *v = realloc(o->importers, (o->n_importers + 1) * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	o->importers = v;
	o->importers[o->n_importers++] = x;
	return 0;
}

static void importer_del(struct rib_vrf *o, uint16_t x)
{
	for (size_t i = 0; i < o->n_importers; i++)
		if (o->importers[i] == x) {
			o->importers[i] = o->importers[--o->n_importers];
			return;
		}
}

/* The run of x's origins from VRF id: [*lo, *hi). */
static void origins_of(const struct rib_vrf *x, uint16_t id, size_t *lo, size_t *hi)
{
	size_t a = 0, b = x->n_origins;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (x->origins[mid].vrf_id < id)
			a = mid + 1;
		else
			b = mid;
	}
	for (b = a; b < x->n_origins && x->origins[b].vrf_id == id; b++)
		;
	*lo = a;
	*hi = b;
}

/* Replace x's origins from o (o's settings changed): mark the imports of o
 * into x when they changed, and keep o's importer list. 0 or -ENOMEM. */
static int origin_update(struct sl_rib *rib, struct rib_vrf *x, struct rib_vrf *o)
{
	uint8_t src[2];
	size_t k = pair_sources(rib, x, o, src), lo, hi;
	struct rib_origin *v;

	origins_of(x, o->id, &lo, &hi);
	if (hi - lo == k && (k == 0 || (x->origins[lo].source == src[0] &&
					       (k == 1 || x->origins[lo + 1].source == src[1]))))
		return 0;
	size_t n = x->n_origins - (hi - lo) + k;
	if (n > x->cap_origins) { /* in place: a new VRF's id is mostly the last */
		size_t cap = x->cap_origins ? x->cap_origins : 4;
		while (cap < n)
			cap *= 2;
		if ((v = realloc(x->origins, cap * sizeof(*v))) == NULL)
			return -ENOMEM;
		x->origins = v;
		x->cap_origins = cap;
	}
	memmove(x->origins + lo + k, x->origins + hi, (x->n_origins - hi) * sizeof(*v));
	for (size_t j = 0; j < k; j++)
		x->origins[lo + j] = (struct rib_origin){.vrf_id = o->id, .source = src[j]};
	x->n_origins = n;
	if (k == 0)
		importer_del(o, x->id);
	else if (hi == lo && importer_add(o, x->id) < 0)
		return -ENOMEM;
	/* o's exports as they stand (an export o just lost is still flagged
	 * until o settles, which then marks its importers as they are now) */
	return rib_mark_exports_of(rib, o, x, (struct sl_prefix){0, 0});
}

/* x's own import settings changed: recompute its origins whole, re-derive
 * the imports of every origin that came, went or changed its sources (of
 * all of them when `reimport`: the import route-map or leaking itself
 * changed), and keep the importer lists. 0 or -ENOMEM. */
static int origins_refresh(struct sl_rib *rib, struct rib_vrf *x, bool reimport)
{
	struct rib_origin *v, *was = x->origins;
	size_t n, n_was = x->n_origins, i = 0, j = 0;
	int rc = 0;

	if (origins_compute(rib, x, &v, &n) < 0)
		return -ENOMEM;
	x->origins = v;
	x->n_origins = x->cap_origins = n;
	/* merge walk over both lists, one origin VRF at a time */
	while (i < n_was || j < n) {
		uint16_t id = i < n_was && (j == n || was[i].vrf_id <= v[j].vrf_id) ? was[i].vrf_id
										    : v[j].vrf_id;
		size_t i0 = i, j0 = j;
		while (i < n_was && was[i].vrf_id == id)
			i++;
		while (j < n && v[j].vrf_id == id)
			j++;
		bool same =
			i - i0 == j - j0 && memcmp(&was[i0], &v[j0], (i - i0) * sizeof(*v)) == 0;
		struct rib_vrf *o = rib->vrfs[id];
		if (o == NULL || (same && !reimport))
			continue;
		if (j == j0)
			importer_del(o, x->id);
		else if (i == i0 && importer_add(o, x->id) < 0)
			rc = -ENOMEM;
		if (rib_mark_exports_of(rib, o, x, (struct sl_prefix){0, 0}) < 0)
			rc = -ENOMEM;
	}
	free(was);
	return rc;
}

/*
 * The leak settings of `changed` went from old to what they are now: update
 * who imports from whom, and mark the imports that may differ. Only the
 * pairs that involve `changed` can differ, so this costs one cheap test per
 * VRF plus the imports that really changed, not a recomputation of the whole
 * graph (which made loading N leaking VRFs O(N^3)).
 */
int rib_leak_graph_update(struct sl_rib *rib, const struct sl_rib_bgp *old, struct rib_vrf *changed)
{
	bool reimport = old->enabled != changed->bgp.enabled ||
			strcmp(old->rmap_import, changed->bgp.rmap_import) != 0;
	int rc = origins_refresh(rib, changed, reimport);

	for (size_t id = 0; id < SL_VRF_MAX; id++) {
		struct rib_vrf *x = rib->vrfs[id];
		if (x != NULL && x != changed && origin_update(rib, x, changed) < 0)
			rc = -ENOMEM;
	}
	return rc;
}

void rib_bgp_free(struct sl_rib_bgp *b)
{
	free(b->rt_import);
	free(b->rt_export);
	free(b->import_vrf);
	memset(b, 0, sizeof(*b));
}

static int bgp_copy(struct sl_rib_bgp *dst, const struct sl_rib_bgp *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src == NULL || !src->enabled)
		return 0;
	*dst = *src;
	dst->rt_import = NULL;
	dst->rt_export = NULL;
	dst->import_vrf = NULL;
	dst->rmap_import[SL_NAME_MAX - 1] = '\0';
	dst->rmap_export[SL_NAME_MAX - 1] = '\0';
	if (src->n_rt_import &&
		(dst->rt_import = malloc(src->n_rt_import * sizeof(struct sl_rt))) == NULL)
		goto nomem;
	if (src->n_rt_export &&
		(dst->rt_export = malloc(src->n_rt_export * sizeof(struct sl_rt))) == NULL)
		goto nomem;
	if (src->n_import_vrf &&
		(dst->import_vrf = malloc(src->n_import_vrf * SL_NAME_MAX)) == NULL)
		goto nomem;
	if (src->n_rt_import)
		memcpy(dst->rt_import, src->rt_import, src->n_rt_import * sizeof(struct sl_rt));
	if (src->n_rt_export)
		memcpy(dst->rt_export, src->rt_export, src->n_rt_export * sizeof(struct sl_rt));
	if (src->n_import_vrf)
		memcpy(dst->import_vrf, src->import_vrf, src->n_import_vrf * SL_NAME_MAX);
	return 0;
nomem:
	rib_bgp_free(dst);
	return -ENOMEM;
}

int rib_vrf_bgp_apply(struct sl_rib *rib, struct rib_vrf *vrf, const struct sl_rib_bgp *bgp)
{
	struct sl_rib_bgp old = vrf->bgp, nb;
	bool export_changed;
	int rc;

	if (bgp && bgp->enabled &&
		((bgp->n_rt_import && !bgp->rt_import) || (bgp->n_rt_export && !bgp->rt_export) ||
			(bgp->n_import_vrf && !bgp->import_vrf)))
		return -EINVAL;
	if ((rc = bgp_copy(&nb, bgp)) < 0)
		return rc;
	if ((nb.rmap_import[0] && rib_name_intern(rib, nb.rmap_import) == RIB_NAME_NOMEM) ||
		(nb.rmap_export[0] && rib_name_intern(rib, nb.rmap_export) == RIB_NAME_NOMEM)) {
		rib_bgp_free(&nb);
		return -ENOMEM;
	}
	vrf->bgp = nb;
	rib_vrf_policy_refresh(rib, vrf);
	export_changed = old.enabled != nb.enabled ||
			 strcmp(old.rmap_export, nb.rmap_export) != 0 ||
			 old.redist_connected != nb.redist_connected ||
			 old.redist_static != nb.redist_static;
	if (export_changed)
		rib_mark_all(rib, vrf);
	rc = rib_leak_graph_update(rib, &old, vrf);
	rib_bgp_free(&old);
	return rc;
}

int sl_rib_vrf_bgp_set(struct sl_rib *rib, const char *vrf_name, const struct sl_rib_bgp *bgp)
{
	struct rib_vrf *vrf;
	int rc, r;

	if (rib == NULL)
		return -EINVAL;
	if ((vrf = rib_vrf_by_name(rib, vrf_name)) == NULL)
		return -ENOENT;
	rc = rib_vrf_bgp_apply(rib, vrf, bgp);
	r = rib_settle(rib);
	return rc < 0 ? rc : r;
}
