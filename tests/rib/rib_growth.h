/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a change moved the sizes of the VRF tables, for the property tests'
 * coverage counts: entry counts crossing powers of two, capacity doublings
 * (rehashes), and doublings in a leak-settings or policy change while the
 * importer already held a prefix it imports after the change (the pattern
 * of issue 18). Reads lib/rib internals, never changes them.
 */
#ifndef RIB_GROWTH_H
#define RIB_GROWTH_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

struct rib_growth {
	size_t applies, max_entries;
	size_t grew, shrank; /* an entry count crossed a power of two */
	size_t doublings; /* table capacity doublings */
	size_t import_doublings; /* ... in leak-settings and policy changes */
	size_t crash_pattern; /* ... while the importer held a prefix it imports */
};

#define RIB_GROWTH_VRFS 8

/* The tables before a change: sizes and the prefixes each VRF has routes
 * for (sorted: sl_rib_route_foreach walks prefixes in order). */
struct rib_growth_snap {
	size_t nv;
	const char *vrf[RIB_GROWTH_VRFS];
	size_t n[RIB_GROWTH_VRFS], cap[RIB_GROWTH_VRFS];
	struct sl_prefix *held[RIB_GROWTH_VRFS];
	size_t n_held[RIB_GROWTH_VRFS], cap_held[RIB_GROWTH_VRFS];
};

struct rib_growth_held {
	struct sl_prefix **v;
	size_t *n, *cap;
	const struct sl_prefix *find_in; /* imports_held: the held prefixes */
	size_t find_n;
	bool found;
};

static inline int rib_growth_held_cb(const struct sl_route *r, void *ctx)
{
	struct rib_growth_held *h = ctx;
	if (*h->n && sl_prefix_eq((*h->v)[*h->n - 1], r->prefix))
		return 0;
	if (*h->n == *h->cap) {
		*h->cap = *h->cap ? *h->cap * 2 : 256;
		*h->v = realloc(*h->v, *h->cap * sizeof(**h->v));
		if (*h->v == NULL)
			abort();
	}
	(*h->v)[(*h->n)++] = r->prefix;
	return 0;
}

static inline int rib_growth_cmp(const void *a, const void *b)
{
	return sl_prefix_cmp(*(const struct sl_prefix *)a, *(const struct sl_prefix *)b);
}

static inline int rib_growth_imports_held_cb(const struct sl_route *r, void *ctx)
{
	struct rib_growth_held *h = ctx;
	if ((r->source == SL_SRC_VPN_IMPORT || r->source == SL_SRC_VRF_IMPORT) && h->find_n &&
		bsearch(&r->prefix, h->find_in, h->find_n, sizeof(*h->find_in), rib_growth_cmp))
		h->found = true;
	return h->found;
}

/* Record the tables of the named VRFs (at most RIB_GROWTH_VRFS; absent
 * ones are skipped). */
static inline void rib_growth_before(
	const struct sl_rib *rib, const char *const *vrfs, size_t nv, struct rib_growth_snap *s)
{
	s->nv = nv < RIB_GROWTH_VRFS ? nv : RIB_GROWTH_VRFS;
	for (size_t v = 0; v < s->nv; v++) {
		const struct rib_vrf *x = rib_vrf_by_name(rib, vrfs[v]);
		struct rib_growth_held h = {
			&s->held[v], &s->n_held[v], &s->cap_held[v], NULL, 0, false};
		s->vrf[v] = vrfs[v];
		s->n[v] = x ? x->routes.n : 0;
		s->cap[v] = x ? x->routes.cap : 0;
		s->n_held[v] = 0;
		if (x)
			sl_rib_route_foreach(rib, vrfs[v], rib_growth_held_cb, &h);
	}
}

static inline unsigned rib_growth_width(size_t n)
{
	unsigned w = 0;
	for (; n; n >>= 1)
		w++;
	return w;
}

/* Count what the change since rib_growth_before did. */
static inline void rib_growth_after(const struct sl_rib *rib, const struct rib_growth_snap *s,
	bool leak_change, struct rib_growth *g)
{
	g->applies++;
	for (size_t v = 0; v < s->nv; v++) {
		const struct rib_vrf *x = rib_vrf_by_name(rib, s->vrf[v]);
		if (x == NULL)
			continue;
		/* a VRF created by the change starts at the initial capacity */
		size_t cap = s->cap[v] ? s->cap[v] : 16, d = 0;
		unsigned w0 = rib_growth_width(s->n[v]), w1 = rib_growth_width(x->routes.n);
		g->grew += w1 > w0 ? w1 - w0 : 0;
		g->shrank += w0 > w1 ? w0 - w1 : 0;
		if (x->routes.n > g->max_entries)
			g->max_entries = x->routes.n;
		for (; cap < x->routes.cap; cap *= 2)
			d++;
		g->doublings += d;
		if (d == 0 || !leak_change)
			continue;
		g->import_doublings++;
		struct rib_growth_held h = {NULL, NULL, NULL, s->held[v], s->n_held[v], false};
		sl_rib_route_foreach(rib, s->vrf[v], rib_growth_imports_held_cb, &h);
		g->crash_pattern += h.found;
	}
}

static inline void rib_growth_snap_free(struct rib_growth_snap *s)
{
	for (size_t v = 0; v < RIB_GROWTH_VRFS; v++)
		free(s->held[v]);
	memset(s, 0, sizeof(*s));
}

#endif
