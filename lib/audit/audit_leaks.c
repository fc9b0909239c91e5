/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-VRF leak audit: the leaked routes a VRF holds (read from the RIB) and
 * the leaks it was offered and refused (recomputed: for each VRF it imports
 * from, each export offer re-evaluated against its import route-map and its
 * connected prefixes; its own exports when it imports its own route-targets;
 * plus the RIB's collisions, which also cover static leaks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit_priv.h"

struct audit_build {
	struct audit_state *s;
	struct sl_leak_audit *out;
	size_t cap_received, cap_refused;
};

static bool rts_meet(const struct sl_rib_bgp *x, const struct sl_rib_bgp *o)
{
	for (size_t i = 0; i < x->n_rt_import; i++)
		for (size_t k = 0; k < o->n_rt_export; k++)
			if (sl_rt_eq(x->rt_import[i], o->rt_export[k]))
				return true;
	return false;
}

static bool imports_vrf(const struct sl_rib_bgp *x, const char *origin)
{
	for (size_t i = 0; i < x->n_import_vrf; i++)
		if (strcmp(x->import_vrf[i], origin) == 0)
			return true;
	return false;
}

static void mech_detail(enum sl_leak_mech m, const struct audit_vrf *x, const struct audit_vrf *o,
	char *buf, size_t len)
{
	char rts[SL_LEAK_DETAIL_MAX - 16];
	if (m == SL_LEAK_RT) {
		audit_rt_common(x->bgp.rt_import, x->bgp.n_rt_import, o->bgp.rt_export,
			o->bgp.n_rt_export, rts, sizeof(rts));
		snprintf(buf, len, "route-target %s", rts);
	} else {
		snprintf(buf, len, "import vrf %s", o->name);
	}
}

static int add_received(struct audit_build *b, const struct audit_vrf *x, const struct sl_route *rt)
{
	struct sl_leak_audit *a = b->out;
	struct audit_vrf *o;
	struct sl_leak *l;

	if (audit_grow(&a->received, &b->cap_received, a->n_received, sizeof(*l)) < 0)
		return -ENOMEM;
	l = &a->received[a->n_received++];
	memset(l, 0, sizeof(*l));
	memcpy(l->vrf, x->name, SL_NAME_MAX);
	memcpy(l->origin, rt->origin_vrf, SL_NAME_MAX);
	l->prefix = rt->prefix;
	l->active = rt->active;
	l->selected = rt->selected;
	l->distance = rt->distance;
	l->local_pref = rt->local_pref;
	l->metric = rt->metric;
	memcpy(l->rmap, rt->rmap, SL_NAME_MAX);
	l->rmap_seq = rt->rmap_seq;
	switch (rt->source) {
	case SL_SRC_STATIC_LEAK: {
		char gw[16];
		l->mech = SL_LEAK_STATIC;
		if (rt->cfg_gw != 0)
			snprintf(l->detail, sizeof(l->detail), "next-hop %s vrf %s",
				sl_addr_fmt(rt->cfg_gw, gw), rt->cfg_vrf);
		else
			snprintf(l->detail, sizeof(l->detail), "interface %s vrf %s",
				rt->origin_nh.ifname, rt->cfg_vrf);
		break;
	}
	case SL_SRC_VPN_IMPORT:
	case SL_SRC_VRF_IMPORT:
		l->mech = rt->source == SL_SRC_VPN_IMPORT ? SL_LEAK_RT : SL_LEAK_IMPORT_VRF;
		/* without an import route-map the RIB records the origin's export one */
		l->rmap_export = l->rmap[0] != '\0' && x->bgp.rmap_import[0] == '\0';
		o = audit_vrf_find(b->s, rt->origin_vrf);
		if (o == NULL)
			break;
		audit_vrf_load_bgp(b->s, o);
		mech_detail(l->mech, x, o, l->detail, sizeof(l->detail));
		break;
	default:
		break;
	}
	return 0;
}

static struct sl_leak_refused *new_refused(struct audit_build *b, const struct audit_vrf *x,
	const char *origin, struct sl_prefix p, enum sl_leak_refusal reason)
{
	struct sl_leak_audit *a = b->out;
	struct sl_leak_refused *f;

	if (audit_grow(&a->refused, &b->cap_refused, a->n_refused, sizeof(*f)) < 0)
		return NULL;
	f = &a->refused[a->n_refused++];
	memset(f, 0, sizeof(*f));
	memcpy(f->vrf, x->name, SL_NAME_MAX);
	snprintf(f->origin, sizeof(f->origin), "%s", origin);
	f->prefix = p;
	f->reason = reason;
	return f;
}

/* The longest connected prefix of x containing p, as the RIB's collision check. */
static bool connected_covering(const struct audit_vrf *x, struct sl_prefix p, struct sl_prefix *out)
{
	bool found = false;
	for (size_t i = 0; i < x->n_routes; i++) {
		const struct sl_route *c = &x->routes[i];
		if (c->source != SL_SRC_CONNECTED || !c->active ||
			!sl_prefix_contains(c->prefix, p))
			continue;
		if (!found || c->prefix.len > out->len) {
			*out = c->prefix;
			found = true;
		}
	}
	return found;
}

/* Offers of origin o that x does not get by mechanism m, and why. */
static int refusals_from(
	struct audit_build *b, struct audit_vrf *x, struct audit_vrf *o, enum sl_leak_mech m)
{
	const struct sl_rmap *rm = NULL;
	char detail[SL_LEAK_DETAIL_MAX], plists[SL_LEAK_DETAIL_MAX] = "";
	int rc;

	if ((rc = audit_vrf_offers(b->s, o)) < 0)
		return rc;
	mech_detail(m, x, o, detail, sizeof(detail));
	if (x->bgp.rmap_import[0] != '\0') {
		rm = sl_policy_rmap_find(b->s->db, x->bgp.rmap_import);
		audit_rmap_plists(rm, plists, sizeof(plists));
	}
	for (size_t i = 0; i < o->n_offers; i++) {
		const struct audit_offer *of = &o->offers[i];
		struct sl_leak_refused *f = NULL;
		struct sl_prefix conn;

		if (of->exported && !o->bgp.enabled) {
			if ((f = new_refused(
				     b, x, o->name, of->prefix, SL_REFUSED_ORIGIN_NO_BGP)) == NULL)
				return -ENOMEM;
		} else if (!of->exported) {
			if ((f = new_refused(b, x, o->name, of->prefix, of->reason)) == NULL)
				return -ENOMEM;
			f->kind = of->kind;
			memcpy(f->via, of->via, SL_NAME_MAX);
			if (of->reason == SL_REFUSED_EXPORT_RMAP) {
				const struct sl_rmap *erm =
					sl_policy_rmap_find(b->s->db, o->bgp.rmap_export);
				memcpy(f->rmap, o->bgp.rmap_export, SL_NAME_MAX);
				f->rmap_seq = of->rmap_seq;
				f->rmap_defined = erm != NULL;
				if (of->rmap_seq == 0)
					audit_rmap_plists(erm, f->plists, sizeof(f->plists));
			}
		} else if (x->bgp.rmap_import[0] != '\0') {
			struct sl_route_attrs attrs = of->attrs;
			struct sl_policy_verdict vd =
				sl_rmap_eval(b->s->db, rm, of->prefix, &attrs);
			if (vd.action != SL_ACTION_PERMIT) {
				enum sl_leak_refusal why =
					vd.seq ? SL_REFUSED_RMAP_DENY : SL_REFUSED_RMAP_IMPLICIT;
				if ((f = new_refused(b, x, o->name, of->prefix, why)) == NULL)
					return -ENOMEM;
				memcpy(f->rmap, x->bgp.rmap_import, SL_NAME_MAX);
				f->rmap_seq = vd.seq;
				f->rmap_defined = rm != NULL;
				if (vd.seq == 0)
					memcpy(f->plists, plists, sizeof(plists));
			}
		}
		if (f == NULL && connected_covering(x, of->prefix, &conn)) {
			if ((f = new_refused(b, x, o->name, of->prefix, SL_REFUSED_COLLISION)) ==
				NULL)
				return -ENOMEM;
			f->connected = conn;
		}
		if (f != NULL) {
			f->mech = m;
			memcpy(f->detail, detail, sizeof(detail));
		}
	}
	return 0;
}

/* x exports to a route-target it imports: its own exports come back, refused. */
static int refusals_own(struct audit_build *b, struct audit_vrf *x)
{
	char rts[SL_LEAK_DETAIL_MAX - 16];
	int rc;

	audit_rt_common(x->bgp.rt_import, x->bgp.n_rt_import, x->bgp.rt_export, x->bgp.n_rt_export,
		rts, sizeof(rts));
	if (rts[0] == '\0')
		return 0;
	if ((rc = audit_vrf_offers(b->s, x)) < 0)
		return rc;
	for (size_t i = 0; i < x->n_offers; i++) {
		if (!x->offers[i].exported)
			continue;
		struct sl_leak_refused *f =
			new_refused(b, x, x->name, x->offers[i].prefix, SL_REFUSED_OWN_ROUTE);
		if (f == NULL)
			return -ENOMEM;
		f->mech = SL_LEAK_RT;
		snprintf(f->detail, sizeof(f->detail), "route-target %s", rts);
	}
	return 0;
}

/* Collisions the RIB recorded that the re-evaluation did not (static leaks). */
static int refusals_collisions(struct audit_build *b, struct audit_vrf *x, size_t first)
{
	const struct sl_rib_collision *col;
	size_t n = sl_rib_collisions(b->s->rib, &col);

	for (size_t i = 0; i < n; i++) {
		bool known = false;
		if (strcmp(col[i].importer, x->name) != 0)
			continue;
		for (size_t k = first; k < b->out->n_refused && !known; k++) {
			const struct sl_leak_refused *f = &b->out->refused[k];
			known = f->reason == SL_REFUSED_COLLISION &&
				sl_prefix_eq(f->prefix, col[i].leaked) &&
				strcmp(f->origin, col[i].origin) == 0;
		}
		if (known)
			continue;
		struct sl_leak_refused *f =
			new_refused(b, x, col[i].origin, col[i].leaked, SL_REFUSED_COLLISION);
		if (f == NULL)
			return -ENOMEM;
		f->mech = SL_LEAK_STATIC;
		f->connected = col[i].connected;
		snprintf(f->detail, sizeof(f->detail), "static route with vrf %s", col[i].origin);
	}
	return 0;
}

static int audit_one(struct audit_build *b, struct audit_vrf *x)
{
	size_t first_refused = b->out->n_refused;
	int rc;

	if ((rc = audit_vrf_load(b->s, x)) < 0)
		return rc;
	for (size_t i = 0; i < x->n_routes; i++)
		if (audit_source_leaked(x->routes[i].source) &&
			(rc = add_received(b, x, &x->routes[i])) < 0)
			return rc;
	if (x->bgp.enabled) {
		for (size_t i = 0; i < b->s->n_vrfs; i++) {
			struct audit_vrf *o = &b->s->vrfs[i];
			if (o == x)
				continue;
			audit_vrf_load_bgp(b->s, o);
			/* the RIB's rule: both sides need leak settings; an `import vrf` of a
			 * VRF without them is a silent no-op the audit must show */
			if (!o->bgp.enabled) {
				if (imports_vrf(&x->bgp, o->name) &&
					(rc = refusals_from(b, x, o, SL_LEAK_IMPORT_VRF)) < 0)
					return rc;
				continue;
			}
			if (rts_meet(&x->bgp, &o->bgp) &&
				(rc = refusals_from(b, x, o, SL_LEAK_RT)) < 0)
				return rc;
			if (imports_vrf(&x->bgp, o->name) &&
				(rc = refusals_from(b, x, o, SL_LEAK_IMPORT_VRF)) < 0)
				return rc;
		}
		if ((rc = refusals_own(b, x)) < 0)
			return rc;
	}
	audit_vrf_release(x);
	return refusals_collisions(b, x, first_refused);
}

static int cmp_refused(const void *pa, const void *pb)
{
	const struct sl_leak_refused *a = pa, *b = pb;
	int c;
	if ((c = sl_prefix_cmp(a->prefix, b->prefix)) != 0)
		return c;
	if ((c = strcmp(a->origin, b->origin)) != 0)
		return c;
	return (int)a->mech - (int)b->mech;
}

int sl_leak_audit(const struct sl_router *r, const char *vrf, struct sl_leak_audit *out)
{
	struct audit_state s;
	struct audit_build b = {.s = &s, .out = out};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = audit_state_init(&s, r)) < 0)
		return rc;
	if (vrf != NULL && audit_vrf_find(&s, vrf) == NULL) {
		audit_state_free(&s);
		return -ENOENT;
	}
	for (size_t i = 0; i < s.n_vrfs && rc == 0; i++) {
		size_t first = out->n_refused;
		if (vrf != NULL && strcmp(s.vrfs[i].name, vrf) != 0)
			continue;
		rc = audit_one(&b, &s.vrfs[i]);
		/* one VRF's refusals come from several origins: order them like a table */
		if (rc == 0 && out->n_refused > first)
			qsort(out->refused + first, out->n_refused - first, sizeof(*out->refused),
				cmp_refused);
	}
	audit_state_free(&s);
	return rc;
}

void sl_leak_audit_free(struct sl_leak_audit *a)
{
	free(a->received);
	free(a->refused);
	memset(a, 0, sizeof(*a));
}
