/* SPDX-License-Identifier: BSD-3-Clause */
/* Readers: VRFs, routes, the VPN table and the canonical dump. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

static void vrf_info_fill(
	const struct sl_rib *rib, const struct rib_vrf *vrf, struct sl_vrf_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = vrf->id;
	out->table = vrf->table;
	memcpy(out->name, rib_name(rib, vrf->name), SL_NAME_MAX);
	memcpy(out->n_routes, vrf->n_routes, sizeof(out->n_routes));
	out->n_selected = vrf->n_selected;
}

static const struct sl_rib *sort_rib; /* qsort has no context argument in C11 */

static int cmp_vrf_name(const void *a, const void *b)
{
	const struct rib_vrf *x = *(struct rib_vrf *const *)a, *y = *(struct rib_vrf *const *)b;
	if (x->id == 0 || y->id == 0)
		return (y->id == 0) - (x->id == 0); /* "default" first */
	return strcmp(rib_name(sort_rib, x->name), rib_name(sort_rib, y->name));
}

/* VRFs in name order, default first; caller frees. */
static struct rib_vrf **vrfs_sorted(const struct sl_rib *rib, size_t *n)
{
	struct rib_vrf **v = malloc(SL_VRF_MAX * sizeof(*v));
	*n = 0;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < SL_VRF_MAX; i++)
		if (rib->vrfs[i])
			v[(*n)++] = rib->vrfs[i];
	/* names are unique, so the order does not depend on the static's value */
	sort_rib = rib;
	qsort(v, *n, sizeof(*v), cmp_vrf_name);
	return v;
}

void sl_rib_vrf_foreach(
	const struct sl_rib *rib, int (*cb)(const struct sl_vrf_info *vrf, void *ctx), void *ctx)
{
	size_t n;
	struct rib_vrf **v = vrfs_sorted(rib, &n);
	struct sl_vrf_info info;
	for (size_t i = 0; i < n; i++) {
		vrf_info_fill(rib, v[i], &info);
		if (cb(&info, ctx) != 0)
			break;
	}
	free(v);
}

int sl_rib_vrf_info(const struct sl_rib *rib, const char *name, struct sl_vrf_info *out)
{
	const struct rib_vrf *vrf = name ? rib_vrf_by_name(rib, name) : NULL;
	if (vrf == NULL)
		return -ENOENT;
	vrf_info_fill(rib, vrf, out);
	return 0;
}

const char *sl_rib_vrf_name(const struct sl_rib *rib, uint32_t vrf_id)
{
	if (vrf_id >= SL_VRF_MAX || rib->vrfs[vrf_id] == NULL)
		return NULL;
	return rib_name(rib, rib->vrfs[vrf_id]->name);
}

const char *sl_rib_iface_vrf(const struct sl_rib *rib, const char *ifname)
{
	name_id id = rib_name_find(rib, ifname);
	if (id == 0)
		return NULL;
	for (size_t i = 0; i < rib->n_ifaces; i++)
		if (rib->ifaces[i]->name == id)
			return sl_rib_vrf_name(rib, rib->ifaces[i]->vrf_id);
	return NULL;
}

const char *sl_rib_vrf_by_table(const struct sl_rib *rib, uint32_t table)
{
	for (uint32_t i = 0; i < SL_VRF_MAX; i++)
		if (rib->vrfs[i] != NULL && rib->vrfs[i]->table == table)
			return rib_name(rib, rib->vrfs[i]->name);
	return NULL;
}

void sl_rib_proto_foreach(const struct sl_rib *rib,
	void (*cb)(uint32_t table, struct sl_prefix prefix, enum sl_rt_source source, void *ctx),
	void *ctx)
{
	for (uint32_t v = 0; v < SL_VRF_MAX; v++) {
		const struct rib_vrf *vrf = rib->vrfs[v];
		for (size_t i = 0; vrf && i < vrf->routes.cap; i++) {
			const struct rib_entry *e = vrf->routes.slots[i];
			uint8_t seen = 0; /* one call per source of the entry */
			for (size_t k = 0; e && k < e->n_statics; k++) {
				uint8_t src = rib_cfg_source(&rib_entry_statics(e)[k]);
				/* 0: configuration; NAT pools are the configuration's too */
				if (src == 0 || src == SL_SRC_NAT || (seen & (1u << (src & 7))))
					continue;
				seen |= (uint8_t)(1u << (src & 7));
				cb(vrf->table, (struct sl_prefix){e->addr, e->len},
					(enum sl_rt_source)src, ctx);
			}
		}
	}
}

int sl_rib_proto_get(const struct sl_rib *rib, const char *vrf_name, struct sl_prefix prefix,
	enum sl_rt_source source, struct sl_static_nh *nhs, size_t max)
{
	const struct rib_vrf *vrf = rib_vrf_by_name(rib, vrf_name);
	if (vrf == NULL)
		return -ENOENT;
	const struct rib_entry *e = rib_table_find(&vrf->routes, prefix.addr, prefix.len);
	size_t n = 0;
	for (size_t i = 0; e && i < e->n_statics; i++) {
		const struct rib_static_cfg *s = &rib_entry_statics(e)[i];
		if (rib_cfg_source(s) != source)
			continue;
		if (n == max)
			return -ENOSPC;
		struct sl_static_nh *o = &nhs[n++];
		memset(o, 0, sizeof(*o));
		o->type = (enum sl_static_type)s->type;
		o->noexport = (s->source & RIB_SRC_NOEXPORT) != 0;
		o->gw = s->gw;
		o->distance = s->distance;
		o->weight = s->weight;
		snprintf(o->ifname, sizeof(o->ifname), "%s", rib_name(rib, s->ifname));
	}
	return (int)n;
}

static void route_fill(
	const struct sl_rib *rib, const struct rib_entry *e, size_t i, struct sl_route *r)
{
	const struct rib_cand *c = &e->cands[i];
	memset(r, 0, sizeof(*r));
	r->prefix.addr = e->addr;
	r->prefix.len = e->len;
	r->source = c->source;
	r->distance = c->distance;
	r->metric = c->metric;
	r->local_pref = c->local_pref;
	r->active = c->active;
	r->selected = i == 0 && c->active;
	r->noexport = c->noexport;
	r->multipath = i > 0 && i < rib_paths_of(e->cands, e->n_cands);
	r->weight = (uint8_t)c->weight;
	rib_nh_export(rib, &c->nh, &r->nh);
	memcpy(r->origin_vrf, rib_name(rib, c->origin_vrf), SL_NAME_MAX);
	rib_nh_export(rib, &c->origin_nh, &r->origin_nh);
	memcpy(r->rmap, rib_name(rib, c->rmap), SL_NAME_MAX);
	r->rmap_seq = c->rmap_seq;
	r->cfg_gw = c->cfg_gw;
	memcpy(r->cfg_vrf, rib_name(rib, c->cfg_vrf), SL_NAME_MAX);
}

static int entry_cb(const struct sl_rib *rib, const struct rib_entry *e,
	int (*cb)(const struct sl_route *r, void *ctx), void *ctx)
{
	struct sl_route r;
	for (size_t i = 0; i < e->n_cands; i++) {
		route_fill(rib, e, i, &r);
		if (cb(&r, ctx) != 0)
			return 1;
	}
	return 0;
}

int sl_rib_route_foreach(const struct sl_rib *rib, const char *vrf_name,
	int (*cb)(const struct sl_route *r, void *ctx), void *ctx)
{
	const struct rib_vrf *vrf = rib_vrf_by_name(rib, vrf_name);
	struct rib_entry **v;
	size_t n;

	if (vrf == NULL)
		return -ENOENT;
	v = rib_table_sorted(&vrf->routes, &n);
	if (v == NULL && vrf->routes.n)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (entry_cb(rib, v[i], cb, ctx))
			break;
	free(v);
	return 0;
}

int sl_rib_static_foreach(const struct sl_rib *rib, const char *vrf_name,
	int (*cb)(struct sl_prefix prefix, void *ctx), void *ctx)
{
	const struct rib_vrf *vrf = rib_vrf_by_name(rib, vrf_name);

	if (vrf == NULL)
		return -ENOENT;
	for (size_t i = 0; i < vrf->routes.cap; i++) {
		const struct rib_entry *e = vrf->routes.slots[i];
		if (e == NULL)
			continue;
		bool configured = false; /* not a routing daemon's route */
		for (size_t k = 0; k < e->n_statics && !configured; k++)
			configured = rib_entry_statics(e)[k].source == 0;
		if (configured && cb((struct sl_prefix){e->addr, e->len}, ctx))
			break;
	}
	return 0;
}

int sl_rib_route_lookup(const struct sl_rib *rib, const char *vrf_name, struct sl_prefix prefix,
	bool exact, int (*cb)(const struct sl_route *r, void *ctx), void *ctx)
{
	const struct rib_vrf *vrf = rib_vrf_by_name(rib, vrf_name);
	const struct rib_entry *e;

	if (vrf == NULL)
		return -ENOENT;
	if (prefix.len > 32)
		return -EINVAL;
	if (exact) {
		e = rib_table_find(&vrf->routes, prefix.addr & sl_mask(prefix.len), prefix.len);
		if (e)
			entry_cb(rib, e, cb, ctx);
		return 0;
	}
	for (int len = prefix.len; len >= 0; len--) {
		if (vrf->routes.len_count[len] == 0)
			continue;
		e = rib_table_find(&vrf->routes, prefix.addr & sl_mask((uint8_t)len), (uint8_t)len);
		if (e && e->n_cands && e->cands[0].active) {
			entry_cb(rib, e, cb, ctx);
			return 0;
		}
	}
	return 0;
}

/* ---- VPN table ---- */

struct vpn_item {
	const struct rib_vrf *vrf;
	const struct rib_entry *e;
};

static int cmp_vpn_item(const void *a, const void *b)
{
	const struct vpn_item *x = a, *y = b;
	int c;
	if (x->vrf->bgp.has_rd != y->vrf->bgp.has_rd)
		return x->vrf->bgp.has_rd ? -1 : 1;
	if (x->vrf->bgp.has_rd && (c = sl_rt_cmp(x->vrf->bgp.rd, y->vrf->bgp.rd)))
		return c;
	if ((c = sl_prefix_cmp((struct sl_prefix){x->e->addr, x->e->len},
		     (struct sl_prefix){y->e->addr, y->e->len})))
		return c;
	return strcmp(rib_name(sort_rib, x->vrf->name), rib_name(sort_rib, y->vrf->name));
}

/* A VRF's exports appear in the VPN table when it exports route targets. */
static bool in_vpn_table(const struct rib_vrf *vrf)
{
	return rib_bgp_on(vrf) && vrf->bgp.n_rt_export > 0;
}

static size_t count_importers(
	const struct sl_rib *rib, const struct rib_vrf *o, const struct rib_entry *oe)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n_importers; i++) {
		const struct rib_vrf *x = rib->vrfs[o->importers[i]];
		const struct rib_entry *e = rib_table_find(&x->routes, oe->addr, oe->len);
		for (size_t k = 0; e && k < e->n_cands; k++) {
			if (e->cands[k].source == SL_SRC_VPN_IMPORT &&
				e->cands[k].origin_vrf == o->name) {
				n++;
				break;
			}
		}
	}
	return n;
}

void sl_rib_vpn_foreach(
	const struct sl_rib *rib, int (*cb)(const struct sl_vpn_route *r, void *ctx), void *ctx)
{
	struct vpn_item *items = NULL;
	size_t n = 0, cap = 0;

	for (size_t id = 0; id < SL_VRF_MAX; id++) {
		const struct rib_vrf *vrf = rib->vrfs[id];
		if (vrf == NULL || !in_vpn_table(vrf))
			continue;
		for (size_t i = 0; i < vrf->routes.cap; i++) {
			const struct rib_entry *e = vrf->routes.slots[i];
			if (e == NULL || !(e->flags & ENTRY_EXPORTED))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct vpn_item *v = realloc(items, cap * sizeof(*v));
				if (v == NULL) {
					free(items);
					return;
				}
				items = v;
			}
			items[n].vrf = vrf;
			items[n].e = e;
			n++;
		}
	}
	sort_rib = rib;
	if (n)
		qsort(items, n, sizeof(*items), cmp_vpn_item);
	for (size_t i = 0; i < n; i++) {
		const struct rib_vrf *vrf = items[i].vrf;
		const struct rib_entry *e = items[i].e;
		struct sl_vpn_route r;
		memset(&r, 0, sizeof(r));
		r.rd = vrf->bgp.rd;
		r.has_rd = vrf->bgp.has_rd;
		memcpy(r.origin_vrf, rib_name(rib, vrf->name), SL_NAME_MAX);
		r.prefix.addr = e->addr;
		r.prefix.len = e->len;
		rib_nh_export(rib, &e->exp.nh, &r.origin_nh);
		r.metric = e->exp.metric;
		r.local_pref = e->exp.local_pref;
		r.rts = vrf->bgp.rt_export;
		r.n_rts = vrf->bgp.n_rt_export;
		r.n_importers = count_importers(rib, vrf, e);
		if (cb(&r, ctx) != 0)
			break;
	}
	free(items);
}

/* ---- dump ---- */

/* The one table of route-source names, every surface's (sl_rib.h). */
static const struct sl_rt_source_names src_names[SL_SRC__COUNT + 1] = {
	[SL_SRC_CONNECTED] = {"connected", "connected", 'C', NULL},
	[SL_SRC_LOCAL] = {"local", "local", 'L', NULL},
	[SL_SRC_STATIC] = {"static", "static", 'S', NULL},
	[SL_SRC_STATIC_LEAK] = {"static-leak", "static_leak", 'S', "static"},
	[SL_SRC_VPN_IMPORT] = {"vpn-import", "vpn_import", 'B', "route-target"},
	[SL_SRC_VRF_IMPORT] = {"vrf-import", "vrf_import", 'B', "import vrf"},
	[SL_SRC_BGP] = {"bgp", "bgp", 'B', NULL},
	[SL_SRC_OSPF] = {"ospf", "ospf", 'O', NULL},
	[SL_SRC_NAT] = {"nat", "nat", 'N', NULL},
	[SL_SRC__COUNT] = {"unknown", "unknown", '?', NULL},
};

const struct sl_rt_source_names *sl_rt_source(enum sl_rt_source s)
{
	return &src_names[(unsigned)s < SL_SRC__COUNT ? s : SL_SRC__COUNT];
}

const char *sl_rt_source_name(enum sl_rt_source s)
{
	return sl_rt_source(s)->name;
}

static void nh_dump(const struct sl_rib *rib, const struct rib_nh *nh, FILE *out)
{
	char gw[16];
	switch (nh->type) {
	case SL_NH_CONNECTED:
		fprintf(out, "connected %s", rib_name(rib, nh->ifname));
		break;
	case SL_NH_GATEWAY:
		fprintf(out, "via %s %s", sl_addr_fmt(nh->gw, gw),
			nh->ifname ? rib_name(rib, nh->ifname) : "(unresolved)");
		break;
	case SL_NH_LOCAL:
		fprintf(out, "local %s", rib_name(rib, nh->ifname));
		break;
	case SL_NH_BLACKHOLE:
		fprintf(out, "blackhole");
		break;
	case SL_NH_VRF:
		fprintf(out, "vrf %s", rib_name(rib, nh->vrf));
		break;
	default:
		fprintf(out, "none");
	}
}

static void cand_dump(const struct sl_rib *rib, const struct rib_entry *e, size_t i, FILE *out)
{
	const struct rib_cand *c = &e->cands[i];
	char p[SL_PREFIX_STR], gw[16];
	fprintf(out, "  %s %s%s %s [%u/%" PRIu32 "] lp %" PRIu32 " ",
		sl_prefix_fmt((struct sl_prefix){e->addr, e->len}, p),
		i == 0 && c->active			 ? ">"
		: i < rib_paths_of(e->cands, e->n_cands) ? "="
							 : " ",
		c->active ? "*" : " ", sl_rt_source_name(c->source), c->distance, c->metric,
		c->local_pref);
	nh_dump(rib, &c->nh, out);
	if (c->weight > 1)
		fprintf(out, " weight %u", c->weight);
	if (c->noexport)
		fprintf(out, " noexport");
	if (c->origin_vrf) {
		fprintf(out, " origin %s ", rib_name(rib, c->origin_vrf));
		nh_dump(rib, &c->origin_nh, out);
	}
	if (c->rmap)
		fprintf(out, " rmap %s/%" PRIu32, rib_name(rib, c->rmap), c->rmap_seq);
	if (c->source == SL_SRC_STATIC || c->source == SL_SRC_STATIC_LEAK)
		fprintf(out, " cfg %s%s%s", sl_addr_fmt(c->cfg_gw, gw), c->cfg_vrf ? " vrf " : "",
			rib_name(rib, c->cfg_vrf));
	fputc('\n', out);
}

static void pub_nh_dump(const struct sl_rib *rib, const struct sl_nh *nh, FILE *out)
{
	char gw[16];
	const char *v;
	switch (nh->type) {
	case SL_NH_CONNECTED:
		fprintf(out, "connected %s", nh->ifname);
		break;
	case SL_NH_GATEWAY:
		fprintf(out, "via %s %s", sl_addr_fmt(nh->gw, gw), nh->ifname);
		break;
	case SL_NH_LOCAL:
		fprintf(out, "local %s", nh->ifname);
		break;
	case SL_NH_BLACKHOLE:
		fprintf(out, "blackhole");
		break;
	case SL_NH_VRF:
		v = sl_rib_vrf_name(rib, nh->vrf_id);
		fprintf(out, "vrf %s", v ? v : "?");
		break;
	}
}

struct vpn_dump_ctx {
	const struct sl_rib *rib;
	FILE *out;
};

static int vpn_dump_cb(const struct sl_vpn_route *r, void *ctx)
{
	struct vpn_dump_ctx *d = ctx;
	FILE *out = d->out;
	char rd[SL_RT_STR], p[SL_PREFIX_STR];
	fprintf(out, "  rd %s %s from %s lp %" PRIu32 " metric %" PRIu32 " nh ",
		r->has_rd ? sl_rt_fmt(r->rd, rd) : "-", sl_prefix_fmt(r->prefix, p), r->origin_vrf,
		r->local_pref, r->metric);
	pub_nh_dump(d->rib, &r->origin_nh, out);
	fprintf(out, " rt");
	for (size_t i = 0; i < r->n_rts; i++)
		fprintf(out, " %s", sl_rt_fmt(r->rts[i], rd));
	fprintf(out, " importers %zu\n", r->n_importers);
	return 0;
}

void sl_rib_dump(const struct sl_rib *rib, FILE *out)
{
	size_t nv;
	struct rib_vrf **vrfs = vrfs_sorted(rib, &nv);
	char a[SL_PREFIX_STR], b[SL_PREFIX_STR];

	for (size_t k = 0; k < nv; k++) {
		const struct rib_vrf *vrf = vrfs[k];
		size_t n;
		struct rib_entry **v = rib_table_sorted(&vrf->routes, &n);
		fprintf(out, "vrf %s table %" PRIu32 "\n", rib_name(rib, vrf->name), vrf->table);
		for (size_t i = 0; i < n; i++)
			for (size_t c = 0; c < v[i]->n_cands; c++)
				cand_dump(rib, v[i], c, out);
		free(v);
	}
	free(vrfs);
	fprintf(out, "vpn\n");
	struct vpn_dump_ctx d = {rib, out};
	sl_rib_vpn_foreach(rib, vpn_dump_cb, &d);
	fprintf(out, "collisions\n");
	for (size_t i = 0; i < rib->n_collisions; i++) {
		const struct sl_rib_collision *c = &rib->collisions[i];
		fprintf(out, "  %s %s from %s hits %s\n", c->importer, sl_prefix_fmt(c->leaked, a),
			c->origin, sl_prefix_fmt(c->connected, b));
	}
}
