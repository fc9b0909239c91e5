/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The audit's snapshot of the committed state: VRF names, and — loaded only
 * for the VRFs an audit touches — each VRF's candidates, leak settings and
 * export offers (what it would export, prefix by prefix, or why not).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit_priv.h"

int audit_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	return sl_grow(arr, cap, n, size);
}

static int collect_vrf(const struct sl_vrf_info *vi, void *arg)
{
	struct audit_state *s = arg;
	struct audit_vrf *v = &s->vrfs[s->n_vrfs++];
	memset(v, 0, sizeof(*v));
	memcpy(v->name, vi->name, SL_NAME_MAX);
	return 0;
}

int audit_state_init(struct audit_state *s, const struct sl_router *r)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->rib = sl_router_rib_const(r);
	s->db = sl_rib_policy(s->rib);
	s->vrfs = calloc(SL_VRF_MAX, sizeof(*s->vrfs));
	if (s->vrfs == NULL)
		return -ENOMEM;
	sl_rib_vrf_foreach(s->rib, collect_vrf, s);
	return 0;
}

void audit_state_free(struct audit_state *s)
{
	for (size_t i = 0; i < s->n_vrfs; i++) {
		struct audit_vrf *v = &s->vrfs[i];
		if (v->has_bgp)
			sl_router_vrf_bgp_free(&v->bgp);
		free(v->routes);
		free(v->offers);
	}
	free(s->vrfs);
	memset(s, 0, sizeof(*s));
}

struct audit_vrf *audit_vrf_find(struct audit_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_vrfs; i++)
		if (strcmp(s->vrfs[i].name, name) == 0)
			return &s->vrfs[i];
	return NULL;
}

struct route_collect {
	struct audit_vrf *v;
	size_t cap;
	int rc;
};

static int collect_route(const struct sl_route *rt, void *arg)
{
	struct route_collect *c = arg;
	if (audit_grow(&c->v->routes, &c->cap, c->v->n_routes, sizeof(*rt)) < 0) {
		c->rc = -ENOMEM;
		return 1;
	}
	c->v->routes[c->v->n_routes++] = *rt;
	return 0;
}

void audit_vrf_load_bgp(struct audit_state *s, struct audit_vrf *v)
{
	if (v->bgp_loaded)
		return;
	/* the default VRF has no `vrf name` node: no leak settings, which is fine */
	v->has_bgp = sl_router_vrf_bgp(s->r, v->name, &v->bgp) == 0;
	if (!v->has_bgp)
		memset(&v->bgp, 0, sizeof(v->bgp));
	v->bgp_loaded = true;
}

int audit_vrf_load(struct audit_state *s, struct audit_vrf *v)
{
	struct route_collect c = {.v = v};
	int rc;

	audit_vrf_load_bgp(s, v);
	if (v->loaded)
		return 0;
	rc = sl_rib_route_foreach(s->rib, v->name, collect_route, &c);
	if (rc == 0)
		rc = c.rc;
	if (rc < 0) {
		audit_vrf_release(v);
		return rc;
	}
	v->loaded = true;
	return 0;
}

void audit_vrf_release(struct audit_vrf *v)
{
	free(v->routes);
	v->routes = NULL;
	v->n_routes = 0;
	v->loaded = false;
}

/*
 * What v exports for the candidates routes[from, to) of one prefix — the
 * same choice as the RIB's export: among the active candidates, best first,
 * the first connected or static one `redistribute` allows, then the export
 * route-map. Local /32s and inactive prefixes offer nothing (returns false).
 */
static bool offer_of(struct audit_state *s, const struct audit_vrf *v, const struct sl_route *rts,
	size_t n, struct audit_offer *o)
{
	bool all = !v->bgp.redist_connected && !v->bgp.redist_static;
	const struct sl_route *best = NULL, *first = NULL;

	memset(o, 0, sizeof(*o));
	o->prefix = rts[0].prefix;
	for (size_t i = 0; i < n && best == NULL; i++) {
		const struct sl_route *c = &rts[i];
		if (!c->active)
			break;
		if (c->source == SL_SRC_LOCAL || c->noexport)
			continue;
		if (first == NULL)
			first = c;
		if ((c->source == SL_SRC_CONNECTED && (all || v->bgp.redist_connected)) ||
			(c->source == SL_SRC_STATIC && (all || v->bgp.redist_static)) ||
			c->source == SL_SRC_BGP || (c->source == SL_SRC_OSPF && all))
			best = c;
	}
	if (best == NULL) {
		if (first == NULL)
			return false;
		o->kind = first->source;
		if (audit_source_leaked(first->source)) {
			o->reason = SL_REFUSED_RE_LEAK;
			memcpy(o->via, first->origin_vrf, SL_NAME_MAX);
		} else {
			o->reason = SL_REFUSED_REDISTRIBUTE;
		}
		return true;
	}
	o->attrs.local_pref = best->local_pref;
	o->attrs.metric = best->metric;
	if (v->bgp.rmap_export[0] != '\0') {
		const struct sl_rmap *rm = sl_policy_rmap_find(s->db, v->bgp.rmap_export);
		struct sl_policy_verdict vd = sl_rmap_eval(s->db, rm, o->prefix, &o->attrs);
		if (vd.action != SL_ACTION_PERMIT) {
			o->reason = SL_REFUSED_EXPORT_RMAP;
			o->rmap_seq = vd.seq;
			o->kind = best->source;
			return true;
		}
	}
	o->exported = true;
	return true;
}

int audit_vrf_offers(struct audit_state *s, struct audit_vrf *v)
{
	bool was_loaded = v->loaded;
	size_t cap = 0;
	int rc;

	if (v->offers_done)
		return 0;
	if ((rc = audit_vrf_load(s, v)) < 0)
		return rc;
	/* a VRF without bgp settings exports nothing; its offers say what it would
	 * export with them (the audit names the missing settings) */
	for (size_t i = 0; i < v->n_routes;) {
		size_t k = i + 1;
		struct audit_offer o;
		while (k < v->n_routes && sl_prefix_eq(v->routes[k].prefix, v->routes[i].prefix))
			k++;
		if (offer_of(s, v, &v->routes[i], k - i, &o)) {
			if (audit_grow(&v->offers, &cap, v->n_offers, sizeof(o)) < 0)
				return -ENOMEM;
			v->offers[v->n_offers++] = o;
		}
		i = k;
	}
	v->offers_done = true;
	if (!was_loaded)
		audit_vrf_release(v);
	return 0;
}

void audit_rt_common(
	const struct sl_rt *a, size_t na, const struct sl_rt *b, size_t nb, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < na; i++) {
		for (size_t k = 0; k < nb; k++) {
			char one[SL_RT_STR];
			if (!sl_rt_eq(a[i], b[k]) || off >= len)
				continue;
			off += (size_t)snprintf(
				buf + off, len - off, "%s%s", off ? " " : "", sl_rt_fmt(a[i], one));
			break;
		}
	}
}

void audit_rmap_plists(const struct sl_rmap *rm, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; rm != NULL && i < rm->n_rules && off < len; i++) {
		const char *pl = rm->rules[i].match_plist;
		bool seen = pl[0] == '\0';
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(rm->rules[k].match_plist, pl) == 0;
		if (!seen)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", pl);
	}
}
