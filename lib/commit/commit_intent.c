/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_intent.c — isolation intents checked against the RIB as the
 * datapath forwards (sl_intent.h). Each VRF's selected routes are turned
 * into its forwarding map: the address space cut into ranges, each with the
 * route its longest match gives (a sweep over the prefixes in address
 * order). A deny intent walks the map of FROM, and for each redirected range
 * the map of the VRF it continues in, looking for ranges sent out of an
 * interface of TO: exact over the whole address space, in time linear in the
 * ranges met. Maps are built only for the VRFs an intent reaches.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"
#include "sl_intent.h"

/* K_NAT: a leak-nat pool in TO, a redirect into FROM that only replies of
 * FROM's flows take (the flow table gives them their host back; the others
 * are dropped as nat_no_flow): TO cannot open anything through it. */
enum { K_MISS = 0, K_FWD, K_REDIR, K_LOCAL, K_BLACKHOLE, K_NAT };

/* A selected route as the FIB holds it. */
struct iroute {
	struct sl_prefix prefix;
	uint8_t kind;
	int32_t redir; /* K_REDIR, K_NAT: VRF index */
	uint32_t eg_off; /* K_FWD: egress VRF indexes at vrf->eg[eg_off..+n_eg) */
	uint16_t n_eg;
};

/* Addresses lo..hi whose longest match is route r (-1: none). */
struct iv {
	uint32_t lo, hi;
	int32_t r;
};

struct ivrf {
	char name[SL_NAME_MAX];
	bool built;
	struct iroute *routes;
	size_t n_routes, cap_routes;
	int32_t *eg;
	size_t n_eg, cap_eg;
	struct iv *ivs;
	size_t n_ivs, cap_ivs;
	struct sl_prefix *connected; /* its selected connected prefixes */
	size_t n_connected, cap_connected;
};

struct ifslot {
	char name[SL_NAME_MAX];
	int32_t vrf; /* index, -1: unknown */
	bool used;
};

struct ictx {
	const struct sl_rib *rib;
	const struct sl_conf *conf;
	struct ivrf *vrfs;
	size_t n_vrfs;
	int32_t idx_of_id[SL_VRF_MAX];
	struct ifslot *ifs;
	size_t cap_ifs, n_ifs;
	int rc;
};

const char *sl_intent_fate_name(enum sl_intent_fate f)
{
	switch (f) {
	case SL_FATE_NO_ROUTE:
		return "no_route";
	case SL_FATE_BLACKHOLE:
		return "blackhole";
	case SL_FATE_LOCAL:
		return "local";
	case SL_FATE_LEAK_LOOP:
		return "leak_loop";
	case SL_FATE_FORWARD:
		return "forward";
	case SL_FATE_NAT_REPLIES:
		return "nat_replies_only";
	}
	return "unknown";
}

/* ---- reading the intents -------------------------------------------- */

static const struct sl_conf_node *only_value(const struct sl_conf_node *kw)
{
	size_t cur = 0;
	if (kw == NULL || sl_conf_child_count(kw) != 1)
		return NULL;
	return sl_conf_child_next(kw, &cur);
}

static int cmp_intent(const void *a, const void *b)
{
	return strcmp(((const struct sl_intent *)a)->name, ((const struct sl_intent *)b)->name);
}

int sl_intent_read(const struct sl_conf *conf, struct sl_intent **out, size_t *n)
{
	const struct sl_conf_node *top = sl_conf_findv(conf, "policy", "intent", NULL), *in;
	size_t cur = 0, cap = 0;

	*out = NULL;
	*n = 0;
	while (top != NULL && (in = sl_conf_child_next(top, &cur)) != NULL) {
		const struct sl_conf_node *deny = sl_conf_child(in, "deny");
		const struct sl_conf_node *req = sl_conf_child(in, "require");
		const struct sl_conf_node *rule = deny ? deny : req, *from, *to;
		const char *addr;
		struct sl_intent it;

		if ((deny && req) || rule == NULL ||
			(from = only_value(sl_conf_child(rule, "from"))) == NULL ||
			(to = only_value(sl_conf_child(from, "to"))) == NULL)
			continue;
		memset(&it, 0, sizeof(it));
		snprintf(it.name, sizeof(it.name), "%s", sl_conf_node_name(in));
		snprintf(it.from, sizeof(it.from), "%s", sl_conf_node_name(from));
		snprintf(it.to, sizeof(it.to), "%s", sl_conf_node_name(to));
		it.kind = deny ? SL_INTENT_DENY : SL_INTENT_REQUIRE;
		if (req) {
			addr = sl_conf_leaf_value(to, "address");
			if (addr == NULL || sl_addr_parse(addr, &it.addr) < 0)
				continue;
		}
		if (sl_grow(out, &cap, *n, sizeof(it)) < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return -ENOMEM;
		}
		(*out)[(*n)++] = it;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_intent);
	return 0;
}

/* ---- forwarding maps ----------------------------------------------- */

static int collect_vrf(const struct sl_vrf_info *vi, void *arg)
{
	struct ictx *c = arg;
	struct ivrf *v = &c->vrfs[c->n_vrfs];
	memset(v, 0, sizeof(*v));
	memcpy(v->name, vi->name, SL_NAME_MAX);
	if (vi->id < SL_VRF_MAX)
		c->idx_of_id[vi->id] = (int32_t)c->n_vrfs;
	c->n_vrfs++;
	return 0;
}

static int ctx_init(struct ictx *c, const struct sl_rib *rib, const struct sl_conf *conf)
{
	memset(c, 0, sizeof(*c));
	c->rib = rib;
	c->conf = conf;
	for (size_t i = 0; i < SL_VRF_MAX; i++)
		c->idx_of_id[i] = -1;
	c->vrfs = calloc(SL_VRF_MAX, sizeof(*c->vrfs));
	if (c->vrfs == NULL)
		return -ENOMEM;
	sl_rib_vrf_foreach(rib, collect_vrf, c);
	return 0;
}

static void ctx_free(struct ictx *c)
{
	for (size_t i = 0; c->vrfs != NULL && i < c->n_vrfs; i++) {
		free(c->vrfs[i].routes);
		free(c->vrfs[i].eg);
		free(c->vrfs[i].ivs);
		free(c->vrfs[i].connected);
	}
	free(c->vrfs);
	free(c->ifs);
	memset(c, 0, sizeof(*c));
}

static int vrf_index(const struct ictx *c, const char *name)
{
	for (size_t i = 0; name != NULL && i < c->n_vrfs; i++)
		if (strcmp(c->vrfs[i].name, name) == 0)
			return (int)i;
	return -1;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The VRF index of interface ifname (-1: unknown), cached. */
static int32_t iface_vrf(struct ictx *c, const char *ifname)
{
	if ((c->n_ifs + 1) * 2 > c->cap_ifs) {
		size_t ncap = c->cap_ifs ? c->cap_ifs * 2 : 64;
		struct ifslot *n = calloc(ncap, sizeof(*n));
		if (n == NULL) {
			c->rc = -ENOMEM;
			return -1;
		}
		for (size_t i = 0; i < c->cap_ifs; i++) {
			if (!c->ifs[i].used)
				continue;
			size_t k = name_hash(c->ifs[i].name) & (ncap - 1);
			while (n[k].used)
				k = (k + 1) & (ncap - 1);
			n[k] = c->ifs[i];
		}
		free(c->ifs);
		c->ifs = n;
		c->cap_ifs = ncap;
	}
	size_t k = name_hash(ifname) & (c->cap_ifs - 1);
	while (c->ifs[k].used) {
		if (strcmp(c->ifs[k].name, ifname) == 0)
			return c->ifs[k].vrf;
		k = (k + 1) & (c->cap_ifs - 1);
	}
	struct ifslot *s = &c->ifs[k];
	s->used = true;
	snprintf(s->name, sizeof(s->name), "%s", ifname);
	s->vrf = vrf_index(c, sl_rib_iface_vrf(c->rib, ifname));
	c->n_ifs++;
	return s->vrf;
}

struct build {
	struct ictx *c;
	struct ivrf *v;
};

static int add_egress(struct ictx *c, struct ivrf *v, struct iroute *r, const struct sl_nh *nh)
{
	int32_t e = iface_vrf(c, nh->ifname);
	for (uint16_t i = 0; i < r->n_eg; i++)
		if (v->eg[r->eg_off + i] == e)
			return 0;
	if (sl_grow(&v->eg, &v->cap_eg, v->n_eg, sizeof(*v->eg)) < 0)
		return -ENOMEM;
	v->eg[v->n_eg++] = e;
	r->n_eg++;
	return 0;
}

static int build_route(const struct sl_route *rt, void *arg)
{
	struct build *b = arg;
	struct ivrf *v = b->v;
	struct iroute *r;
	int rc = 0;

	if (rt->multipath) {
		/* another path of the route just added: one more egress */
		r = v->n_routes ? &v->routes[v->n_routes - 1] : NULL;
		if (r && r->kind == K_FWD && sl_prefix_eq(r->prefix, rt->prefix) &&
			(rt->nh.type == SL_NH_CONNECTED || rt->nh.type == SL_NH_GATEWAY))
			rc = add_egress(b->c, v, r, &rt->nh);
		goto out;
	}
	if (!rt->selected)
		return 0;
	if (sl_grow(&v->routes, &v->cap_routes, v->n_routes, sizeof(*r)) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	r = &v->routes[v->n_routes++];
	memset(r, 0, sizeof(*r));
	r->prefix = rt->prefix;
	r->redir = -1;
	switch (rt->nh.type) {
	case SL_NH_CONNECTED:
	case SL_NH_GATEWAY:
		r->kind = K_FWD;
		r->eg_off = (uint32_t)v->n_eg;
		rc = add_egress(b->c, v, r, &rt->nh);
		break;
	case SL_NH_VRF:
		r->kind = rt->source == SL_SRC_NAT ? K_NAT : K_REDIR;
		r->redir = rt->nh.vrf_id < SL_VRF_MAX ? b->c->idx_of_id[rt->nh.vrf_id] : -1;
		if (r->redir < 0)
			r->kind = K_MISS; /* nothing to continue in: the FIB refuses it */
		break;
	case SL_NH_LOCAL:
		r->kind = K_LOCAL;
		break;
	case SL_NH_BLACKHOLE:
		r->kind = K_BLACKHOLE;
		break;
	}
	if (rc == 0 && rt->source == SL_SRC_CONNECTED) {
		if (sl_grow(&v->connected, &v->cap_connected, v->n_connected, sizeof(rt->prefix)) <
			0)
			rc = -ENOMEM;
		else
			v->connected[v->n_connected++] = rt->prefix;
	}
out:
	if (rc < 0 || b->c->rc < 0) {
		b->c->rc = rc < 0 ? rc : b->c->rc;
		return 1;
	}
	return 0;
}

static int cmp_iroute(const void *pa, const void *pb)
{
	const struct iroute *a = pa, *b = pb;
	return sl_prefix_cmp(a->prefix, b->prefix);
}

static uint64_t p_lo(struct sl_prefix p)
{
	return p.addr & sl_mask(p.len);
}

static uint64_t p_hi(struct sl_prefix p)
{
	return p_lo(p) + ((uint64_t)1 << (32 - p.len)) - 1;
}

static int emit(struct ivrf *v, uint64_t lo, uint64_t hi, int32_t r)
{
	if (lo > hi)
		return 0;
	if (v->n_ivs > 0) {
		struct iv *last = &v->ivs[v->n_ivs - 1];
		if (last->r == r && (uint64_t)last->hi + 1 == lo) {
			last->hi = (uint32_t)hi;
			return 0;
		}
	}
	if (sl_grow(&v->ivs, &v->cap_ivs, v->n_ivs, sizeof(*v->ivs)) < 0)
		return -ENOMEM;
	v->ivs[v->n_ivs++] = (struct iv){(uint32_t)lo, (uint32_t)hi, r};
	return 0;
}

/* The forwarding map of v: routes sorted by (address, length), swept with
 * a stack of the prefixes that contain the current address (prefixes nest
 * or are disjoint: at most 33 deep). */
static int vrf_build(struct ictx *c, int vi)
{
	struct ivrf *v = &c->vrfs[vi];
	struct build b = {c, v};
	int32_t stack[33];
	int sp = 0, rc;
	uint64_t cur = 0;

	if (v->built)
		return 0;
	c->rc = 0;
	rc = sl_rib_route_foreach(c->rib, v->name, build_route, &b);
	if (rc == 0)
		rc = c->rc;
	if (rc < 0)
		return rc;
	if (v->n_routes > 1) /* a VRF without routes has no array (qsort wants one) */
		qsort(v->routes, v->n_routes, sizeof(*v->routes), cmp_iroute);
	for (size_t i = 0; i < v->n_routes; i++) {
		uint64_t s = p_lo(v->routes[i].prefix);
		while (sp > 0 && p_hi(v->routes[stack[sp - 1]].prefix) < s) {
			int32_t t = stack[--sp];
			if ((rc = emit(v, cur, p_hi(v->routes[t].prefix), t)) < 0)
				return rc;
			cur = p_hi(v->routes[t].prefix) + 1;
		}
		if (cur < s) {
			if ((rc = emit(v, cur, s - 1, sp ? stack[sp - 1] : -1)) < 0)
				return rc;
			cur = s;
		}
		stack[sp++] = (int32_t)i;
	}
	while (sp > 0) {
		int32_t t = stack[--sp];
		if ((rc = emit(v, cur, p_hi(v->routes[t].prefix), t)) < 0)
			return rc;
		cur = p_hi(v->routes[t].prefix) + 1;
	}
	if ((rc = emit(v, cur, 0xffffffffu, -1)) < 0)
		return rc;
	v->built = true;
	return 0;
}

/* The first range of v ending at or after addr. */
static size_t iv_find(const struct ivrf *v, uint32_t addr)
{
	size_t lo = 0, hi = v->n_ivs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->ivs[mid].hi < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool egress_has(const struct ivrf *v, const struct iroute *r, int32_t to)
{
	for (uint16_t i = 0; i < r->n_eg; i++)
		if (v->eg[r->eg_off + i] == to)
			return true;
	return false;
}

/* Each piece lo..hi of [lo, hi] that `from` sends out of an interface of
 * `to`: the first lookup's route r1 in from, and, when it redirected, the
 * VRF v2 and route r2 there (-1 otherwise). fn returns non-zero to stop. */
typedef int walk_fn(struct ictx *c, uint32_t lo, uint32_t hi, int from, int32_t r1, int v2,
	int32_t r2, void *arg);

/* `to` for walk: the pieces dropped as leak loops instead of those sent into a VRF */
#define WALK_LOOPS (-2)

static int walk(struct ictx *c, int from, int to, uint32_t lo, uint32_t hi, walk_fn *fn, void *arg)
{
	struct ivrf *a = &c->vrfs[from];
	int rc;

	if ((rc = vrf_build(c, from)) < 0)
		return rc;
	for (size_t i = iv_find(a, lo); i < a->n_ivs && a->ivs[i].lo <= hi; i++) {
		const struct iv *x = &a->ivs[i];
		uint32_t xlo = x->lo > lo ? x->lo : lo, xhi = x->hi < hi ? x->hi : hi;
		const struct iroute *r1 = x->r >= 0 ? &a->routes[x->r] : NULL;
		if (r1 == NULL)
			continue;
		if (r1->kind == K_FWD) {
			if (to != WALK_LOOPS && egress_has(a, r1, to) &&
				(rc = fn(c, xlo, xhi, from, x->r, -1, -1, arg)))
				return rc;
			continue;
		}
		/* a pool (K_NAT) takes only replies: nothing opened from
		 * `from` goes through it */
		if (r1->kind != K_REDIR)
			continue;
		int vi = r1->redir;
		struct ivrf *v = &c->vrfs[vi];
		if ((rc = vrf_build(c, vi)) < 0)
			return rc;
		for (size_t k = iv_find(v, xlo); k < v->n_ivs && v->ivs[k].lo <= xhi; k++) {
			const struct iv *y = &v->ivs[k];
			const struct iroute *r2 = y->r >= 0 ? &v->routes[y->r] : NULL;
			/* a second redirect is the datapath's leak_loop drop */
			bool hit =
				to == WALK_LOOPS
					? r2 != NULL && (r2->kind == K_REDIR || r2->kind == K_NAT)
					: r2 != NULL && r2->kind == K_FWD && egress_has(v, r2, to);
			if (!hit)
				continue;
			uint32_t ylo = y->lo > xlo ? y->lo : xlo, yhi = y->hi < xhi ? y->hi : xhi;
			if ((rc = fn(c, ylo, yhi, from, x->r, vi, y->r, arg)))
				return rc;
		}
	}
	return 0;
}

/* ---- evidence --------------------------------------------------------- */

struct take_sel {
	bool found;
	struct sl_route rt;
};

static int take_selected(const struct sl_route *rt, void *arg)
{
	struct take_sel *t = arg;
	if (!rt->selected)
		return 0;
	t->found = true;
	t->rt = *rt;
	return 1;
}

static void hop_fill(struct ictx *c, struct sl_intent_hop *h, int vi, int32_t ri)
{
	struct take_sel t = {0};
	memset(h, 0, sizeof(*h));
	memcpy(h->vrf, c->vrfs[vi].name, SL_NAME_MAX);
	if (ri < 0)
		return;
	sl_rib_route_lookup(c->rib, h->vrf, c->vrfs[vi].routes[ri].prefix, true, take_selected, &t);
	h->found = t.found;
	h->route = t.rt;
}

static void vrf_prefix(const char *vrf, char *buf, size_t len)
{
	if (strcmp(vrf, SL_VRF_DEFAULT) == 0)
		snprintf(buf, len, "set");
	else
		snprintf(buf, len, "set vrf name %s", vrf);
}

static void add_line(struct sl_intent_way *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_line(struct sl_intent_way *w, const char *fmt, ...)
{
	va_list ap;
	if (w->n_lines >= SL_INTENT_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(w->lines[w->n_lines++], SL_INTENT_LINE_MAX, fmt, ap);
	va_end(ap);
}

#define AF_PATH "protocols bgp address-family ipv4-unicast"

/* The spelling of route-target rt under vrf's `route-target`, with one of
 * the words (import/export, or both): "route-target vpn import 65000:2". */
static bool rt_line(const struct sl_conf *conf, const char *vrf, const char *word, const char *rt,
	char *buf, size_t len)
{
	const char *words[2] = {word, "both"};
	/* the default VRF's are `protocols bgp …` */
	const struct sl_conf_node *rts =
		strcmp(vrf, SL_VRF_DEFAULT) == 0
			? sl_conf_findv(conf, "protocols", "bgp", "address-family", "ipv4-unicast",
				  "route-target", NULL)
			: sl_conf_findv(conf, "vrf", "name", vrf, "protocols", "bgp",
				  "address-family", "ipv4-unicast", "route-target", NULL);
	for (int vpn = 0; vpn < 2; vpn++)
		for (int w = 0; w < 2; w++) {
			const struct sl_conf_node *n =
				vpn ? sl_conf_child(
					      sl_conf_child(sl_conf_child(rts, "vpn"), words[w]),
					      rt)
				    : sl_conf_child(sl_conf_child(rts, words[w]), rt);
			if (n != NULL) {
				snprintf(buf, len, "route-target %s%s %s", vpn ? "vpn " : "",
					words[w], rt);
				return true;
			}
		}
	return false;
}

/* The configuration of the leak hop h (in the VRF that holds the route). */
static void hop_lines(struct ictx *c, const struct sl_intent_hop *h, struct sl_intent_way *w)
{
	const struct sl_route *rt = &h->route;
	char pre[SL_NAME_MAX + 16], p[SL_PREFIX_STR], a[16];

	vrf_prefix(h->vrf, pre, sizeof(pre));
	sl_prefix_fmt(rt->prefix, p);
	switch (rt->source) {
	case SL_SRC_STATIC_LEAK:
		if (rt->cfg_gw != 0)
			add_line(w, "%s protocols static route %s next-hop %s vrf %s", pre, p,
				sl_addr_fmt(rt->cfg_gw, a), rt->cfg_vrf);
		else
			add_line(w, "%s protocols static route %s interface %s vrf %s", pre, p,
				rt->origin_nh.ifname, rt->cfg_vrf);
		break;
	case SL_SRC_VRF_IMPORT:
		add_line(w, "%s " AF_PATH " import vrf %s", pre, rt->origin_vrf);
		break;
	case SL_SRC_NAT:
		add_line(w, "vrf name %s leak-nat to %s source translation address %s",
			rt->origin_vrf, h->vrf, p);
		break;
	case SL_SRC_VPN_IMPORT: {
		struct sl_rib_bgp x, o;
		char imp[96], exp[96], one[SL_RT_STR];
		bool done = false;
		if (commit_bgp_read(c->conf, h->vrf, &x) < 0)
			break;
		if (commit_bgp_read(c->conf, rt->origin_vrf, &o) == 0) {
			for (size_t i = 0; i < x.n_rt_import && !done; i++)
				for (size_t k = 0; k < o.n_rt_export && !done; k++) {
					if (!sl_rt_eq(x.rt_import[i], o.rt_export[k]))
						continue;
					sl_rt_fmt(x.rt_import[i], one);
					if (rt_line(c->conf, h->vrf, "import", one, imp,
						    sizeof(imp)) &&
						rt_line(c->conf, rt->origin_vrf, "export", one, exp,
							sizeof(exp))) {
						add_line(w, "%s " AF_PATH " %s", pre, imp);
						vrf_prefix(rt->origin_vrf, pre, sizeof(pre));
						add_line(w, "%s " AF_PATH " %s", pre, exp);
						done = true;
					}
				}
			commit_bgp_free(&o);
		}
		commit_bgp_free(&x);
		break;
	}
	default:
		break;
	}
}

static bool leaked(enum sl_rt_source s)
{
	return s == SL_SRC_STATIC_LEAK || s == SL_SRC_VPN_IMPORT || s == SL_SRC_VRF_IMPORT;
}

/* The way of (r1 in from, then r2 in v2) with its evidence and lines. */
static void way_fill(
	struct ictx *c, struct sl_intent_way *w, int from, int32_t r1, int v2, int32_t r2)
{
	memset(w, 0, sizeof(*w));
	hop_fill(c, &w->hop[0], from, r1);
	w->n_hops = 1;
	const struct ivrf *fv = &c->vrfs[from];
	const struct iroute *last = r1 >= 0 ? &fv->routes[r1] : NULL;
	const struct ivrf *lv = fv;
	if (last != NULL && last->kind == K_REDIR && v2 >= 0) {
		hop_fill(c, &w->hop[1], v2, r2);
		w->n_hops = 2;
		lv = &c->vrfs[v2];
		last = r2 >= 0 ? &lv->routes[r2] : NULL;
		if (last != NULL && (last->kind == K_REDIR || last->kind == K_NAT))
			w->fate = SL_FATE_LEAK_LOOP;
	}
	if (last == NULL)
		w->fate = SL_FATE_NO_ROUTE;
	else if (last->kind == K_BLACKHOLE)
		w->fate = SL_FATE_BLACKHOLE;
	else if (last->kind == K_LOCAL)
		w->fate = SL_FATE_LOCAL;
	else if (last->kind == K_MISS)
		w->fate = SL_FATE_NO_ROUTE;
	else if (last->kind == K_NAT && w->n_hops == 1)
		w->fate = SL_FATE_NAT_REPLIES;
	else if (last->kind == K_FWD) {
		const struct sl_intent_hop *h = &w->hop[w->n_hops - 1];
		w->fate = SL_FATE_FORWARD;
		memcpy(w->egress_if, h->route.nh.ifname, SL_NAME_MAX);
		int32_t e = lv->eg[last->eg_off];
		if (e >= 0)
			memcpy(w->egress_vrf, c->vrfs[e].name, SL_NAME_MAX);
	}
	for (size_t i = 0; i < w->n_hops; i++)
		if (leaked(w->hop[i].route.source) || w->hop[i].route.source == SL_SRC_NAT)
			hop_lines(c, &w->hop[i], w);
}

void sl_intent_way_text(const struct sl_intent_way *w, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < w->n_hops && off < len; i++) {
		const struct sl_intent_hop *h = &w->hop[i];
		char p[SL_PREFIX_STR];
		if (!h->found) {
			off += (size_t)snprintf(
				buf + off, len - off, "%s%s: no route", i ? " -> " : "", h->vrf);
			continue;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s %s", i ? " -> " : "", h->vrf,
			sl_prefix_fmt(h->route.prefix, p), sl_rt_source_name(h->route.source));
		if (h->route.origin_vrf[0] != '\0' && off < len)
			off += (size_t)snprintf(
				buf + off, len - off, " from %s", h->route.origin_vrf);
	}
	if (off >= len)
		return;
	switch (w->fate) {
	case SL_FATE_FORWARD:
		snprintf(buf + off, len - off, ", out of %s (vrf %s)", w->egress_if,
			w->egress_vrf[0] ? w->egress_vrf : "?");
		break;
	case SL_FATE_NAT_REPLIES:
		snprintf(buf + off, len - off, ", taken only by replies to %s's flows (%s)",
			w->hop[0].route.origin_vrf, sl_intent_fate_name(w->fate));
		break;
	default:
		snprintf(buf + off, len - off, ", dropped (%s)", sl_intent_fate_name(w->fate));
		break;
	}
}

/* ---- the checks ---------------------------------------------------- */

struct deny_acc {
	struct sl_intent_result *res;
	/* the way of each listed breach */
	int32_t r1[SL_INTENT_BREACH_MAX], r2[SL_INTENT_BREACH_MAX];
	int v2[SL_INTENT_BREACH_MAX];
	size_t last; /* the breach of the last piece (SL_INTENT_BREACH_MAX: unlisted) */
	uint32_t hi;
	bool open;
};

static int deny_piece(struct ictx *c, uint32_t lo, uint32_t hi, int from, int32_t r1, int v2,
	int32_t r2, void *arg)
{
	struct deny_acc *d = arg;
	struct sl_intent_result *res = d->res;
	uint64_t size = (uint64_t)hi - lo + 1;
	size_t k;

	res->n_addresses += size;
	for (k = 0; k < res->n_breach_listed; k++)
		if (d->r1[k] == r1 && d->v2[k] == v2 && d->r2[k] == r2)
			break;
	/* pieces of one range of one way come apart where another VRF's table
	 * cuts it: one range still */
	bool same_range = d->open && d->last == k && (uint64_t)d->hi + 1 == lo;
	d->open = true;
	d->last = k;
	d->hi = hi;
	if (!same_range)
		res->n_ranges++;
	if (k == res->n_breach_listed) {
		if (k == SL_INTENT_BREACH_MAX)
			return 0; /* counted, not listed */
		struct sl_intent_breach *b = &res->breach[res->n_breach_listed++];
		d->r1[k] = r1, d->v2[k] = v2, d->r2[k] = r2;
		b->lo = lo;
		b->hi = hi;
		way_fill(c, &b->way, from, r1, v2, r2);
	} else if (same_range && res->breach[k].n_ranges == 1) {
		res->breach[k].hi = hi; /* its first range goes on */
	}
	struct sl_intent_breach *b = &res->breach[k];
	b->n_addresses += size;
	b->span_hi = hi;
	if (!same_range)
		b->n_ranges++;
	return 0;
}

struct first_hit {
	bool found;
	uint32_t addr;
	int from, v2;
	int32_t r1, r2;
};

static int first_piece(struct ictx *c, uint32_t lo, uint32_t hi, int from, int32_t r1, int v2,
	int32_t r2, void *arg)
{
	struct first_hit *f = arg;
	(void)c;
	(void)hi;
	*f = (struct first_hit){true, lo, from, v2, r1, r2};
	return 1;
}

static int check_deny(struct ictx *c, int a, int b, struct sl_intent_result *res)
{
	struct deny_acc d = {.res = res};
	int rc = walk(c, a, b, 0, 0xffffffffu, deny_piece, &d);
	if (rc < 0)
		return rc;
	/* a pool of `to` in `from`: replies only, not a way in (walk) */
	const struct ivrf *av = &c->vrfs[a];
	for (size_t i = 0; i < av->n_routes && !res->nat_replies; i++)
		if (av->routes[i].kind == K_NAT && av->routes[i].redir == b) {
			res->nat_replies = true;
			res->nat_pool = av->routes[i].prefix;
		}
	res->holds = res->n_ranges == 0;
	if (!res->holds)
		snprintf(res->reason, sizeof(res->reason),
			"%s forwards %llu address%s into %s (%zu range%s, %zu way%s%s)",
			res->intent.from, (unsigned long long)res->n_addresses,
			res->n_addresses == 1 ? "" : "es", res->intent.to, res->n_ranges,
			res->n_ranges == 1 ? "" : "s", res->n_breach_listed,
			res->n_breach_listed == 1 ? "" : "s",
			res->n_breach_listed == SL_INTENT_BREACH_MAX ? " or more" : "");
	return 0;
}

/* The way of one address from vrf a, as the datapath takes it. */
static int lookup_way(
	struct ictx *c, int a, uint32_t addr, struct sl_intent_way *w, bool *only_to, int to)
{
	int rc;
	if ((rc = vrf_build(c, a)) < 0)
		return rc;
	const struct ivrf *av = &c->vrfs[a];
	int32_t r1 = av->ivs[iv_find(av, addr)].r, r2 = -1;
	int v2 = -1;
	const struct ivrf *lv = av;
	const struct iroute *last = r1 >= 0 ? &av->routes[r1] : NULL;
	if (last != NULL && last->kind == K_REDIR) {
		v2 = last->redir;
		if ((rc = vrf_build(c, v2)) < 0)
			return rc;
		lv = &c->vrfs[v2];
		r2 = lv->ivs[iv_find(lv, addr)].r;
		last = r2 >= 0 ? &lv->routes[r2] : NULL;
	}
	way_fill(c, w, a, r1, v2, r2);
	*only_to = false;
	if (w->fate == SL_FATE_FORWARD && last != NULL) {
		*only_to = true;
		for (uint16_t i = 0; i < last->n_eg; i++)
			if (lv->eg[last->eg_off + i] != to)
				*only_to = false;
	}
	return 0;
}

static int check_require(struct ictx *c, int a, int b, struct sl_intent_result *res)
{
	char way[256], addr[16];
	int rc;

	sl_addr_fmt(res->intent.addr, addr);
	if ((rc = lookup_way(c, a, res->intent.addr, &res->way, &res->forward_ok, b)) < 0)
		return rc;
	/* the return path: an address of one of a's connected subnets that b
	 * sends out of an interface of a */
	const struct ivrf *av = &c->vrfs[a];
	res->n_connected = av->n_connected;
	for (size_t i = 0; i < res->n_connected; i++) {
		struct sl_prefix cp = c->vrfs[a].connected[i];
		struct first_hit f = {0};
		if ((rc = walk(c, b, a, (uint32_t)p_lo(cp), (uint32_t)p_hi(cp), first_piece, &f)) <
			0)
			return rc;
		if (!f.found)
			continue;
		if (res->n_returning++ == 0) {
			res->has_return = true;
			res->ret_source = cp;
			way_fill(c, &res->ret_way, b, f.r1, f.v2, f.r2);
		}
	}
	const char *pool = sl_conf_leaf_value(
		sl_conf_findv(c->conf, "vrf", "name", res->intent.from, "leak-nat", "to",
			res->intent.to, "source", "translation", NULL),
		"address");
	if (!res->has_return && pool != NULL && sl_prefix_parse(pool, &res->ret_pool, false) == 0)
		res->has_return = res->ret_nat = true;
	res->holds = res->forward_ok && res->has_return;
	sl_intent_way_text(&res->way, way, sizeof(way));
	if (!res->forward_ok)
		snprintf(res->reason, sizeof(res->reason), "%s in %s does not reach %s: %.200s",
			addr, res->intent.from, res->intent.to, way);
	else if (!res->has_return)
		snprintf(res->reason, sizeof(res->reason),
			"no return path: %s routes none of %s's %zu connected subnet%s back into "
			"%s",
			res->intent.to, res->intent.from, res->n_connected,
			res->n_connected == 1 ? "" : "s", res->intent.from);
	return 0;
}

int sl_intent_check(const struct sl_rib *rib, const struct sl_conf *conf, const struct sl_intent *v,
	size_t n, struct sl_intent_report *out)
{
	struct ictx c;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	out->v = calloc(n, sizeof(*out->v));
	if (out->v == NULL)
		return -ENOMEM;
	if ((rc = ctx_init(&c, rib, conf)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct sl_intent_result *res = &out->v[out->n++];
		int a = vrf_index(&c, v[i].from), b = vrf_index(&c, v[i].to);
		res->intent = v[i];
		if (a < 0 || b < 0) {
			/* validation keeps this out of a commit; a dynamic view may race */
			res->holds = v[i].kind == SL_INTENT_DENY;
			snprintf(res->reason, sizeof(res->reason), "vrf %s does not exist",
				a < 0 ? v[i].from : v[i].to);
			continue;
		}
		rc = v[i].kind == SL_INTENT_DENY ? check_deny(&c, a, b, res)
						 : check_require(&c, a, b, res);
		sl_progress();
	}
	ctx_free(&c);
	return rc;
}

void sl_intent_report_free(struct sl_intent_report *rep)
{
	free(rep->v);
	memset(rep, 0, sizeof(*rep));
}

/* ---- the router: commits, dynamic routes, the report --------------- */

void commit_intents_free(struct commit_intents *c)
{
	free(c->v);
	free(c->held);
	memset(c, 0, sizeof(*c));
}

void commit_intents_router_free(struct sl_router *r)
{
	free(r->intents);
	free(r->intent_held);
	free(r->intent_dyn);
	r->intents = NULL;
	r->intent_held = NULL;
	r->intent_dyn = NULL;
	r->n_intents = r->n_intent_dyn = 0;
}

/* Did the running state hold intent `it`, defined the same way? A new or
 * changed intent counts as holding: the commit must not make it broken. */
static bool held_before(const struct sl_router *r, const struct sl_intent *it)
{
	for (size_t i = 0; i < r->n_intents; i++)
		if (strcmp(r->intents[i].name, it->name) == 0)
			return memcmp(&r->intents[i], it, sizeof(*it)) != 0 || r->intent_held[i];
	return true;
}

static void intent_title(const struct sl_intent *it, char *buf, size_t len)
{
	char a[16];
	if (it->kind == SL_INTENT_DENY)
		snprintf(buf, len, "policy intent %s (deny from %s to %s)", it->name, it->from,
			it->to);
	else
		snprintf(buf, len, "policy intent %s (require from %s to %s address %s)", it->name,
			it->from, it->to, sl_addr_fmt(it->addr, a));
}

void sl_intent_range_text(uint32_t lo, uint32_t hi, char *buf, size_t len)
{
	char a[16], b[16];
	uint64_t size = (uint64_t)hi - lo + 1;
	if (lo == hi) {
		snprintf(buf, len, "%s", sl_addr_fmt(lo, a));
		return;
	}
	if ((size & (size - 1)) == 0 && (lo & (size - 1)) == 0) {
		unsigned l = 32;
		while (size > 1)
			size >>= 1, l--;
		snprintf(buf, len, "%s/%u", sl_addr_fmt(lo, a), l);
		return;
	}
	snprintf(buf, len, "%s-%s", sl_addr_fmt(lo, a), sl_addr_fmt(hi, b));
}

void sl_intent_breach_text(const struct sl_intent_breach *b, char *buf, size_t len)
{
	sl_intent_range_text(b->lo, b->n_ranges > 1 ? b->span_hi : b->hi, buf, len);
	if (b->n_ranges > 1) {
		size_t o = strlen(buf);
		snprintf(buf + o, len - o, " (%zu ranges, %llu addresses)", b->n_ranges,
			(unsigned long long)b->n_addresses);
	}
}

/* The changed path (of this transaction) that holds the most of one of
 * the way's configuration lines: its line, 0 when none. */
static unsigned config_line(const struct sl_router *r, const struct sl_intent_way *w)
{
	size_t n = sl_conf_change_count(r->conf), best_len = 0;
	unsigned best = 0;

	for (size_t i = 0; i < n; i++) {
		struct sl_conf_change chg;
		char path[SL_INTENT_LINE_MAX];
		size_t off = 0;
		if (sl_conf_change_at(r->conf, i, &chg) < 0 || chg.line == 0)
			continue;
		off = (size_t)snprintf(path, sizeof(path), "set");
		for (size_t k = 0; k < chg.ntokens && off < sizeof(path); k++)
			off += (size_t)snprintf(
				path + off, sizeof(path) - off, " %s", chg.tokens[k]);
		if (off >= sizeof(path))
			continue;
		for (size_t k = 0; k < w->n_lines; k++) {
			const char *l = w->lines[k];
			if (strncmp(l, path, off) == 0 && (l[off] == ' ' || l[off] == '\0') &&
				off > best_len) {
				best_len = off;
				best = chg.line;
			}
		}
	}
	return best;
}

static unsigned way_line(
	const struct sl_router *r, const struct sl_intent *it, const struct sl_intent_way *w)
{
	unsigned line = config_line(r, w);
	if (line != 0)
		return line;
	const char *vrfs[5] = {it->from, it->to, w->hop[0].vrf,
		w->n_hops > 1 ? w->hop[1].vrf : NULL, w->egress_vrf[0] ? w->egress_vrf : NULL};
	return commit_change_line(r, vrfs, 5, it->name);
}

/* One error per fact (a message holds 320 characters): what breaks, by
 * which way, the configuration lines of the way, and how much in all. */
static void broken_errors(
	const struct sl_router *r, const struct sl_intent_result *res, struct sl_errors *errs)
{
	char title[256], way[320], range[96];
	const struct sl_intent *it = &res->intent;
	const struct sl_intent_way *w;
	unsigned line = 0;

	intent_title(it, title, sizeof(title));
	if (it->kind == SL_INTENT_REQUIRE) {
		w = &res->way;
		line = way_line(r, it, w);
		sl_errors_add(errs, line, "%s would be broken: %s", title, res->reason);
		if (res->forward_ok) /* the way is fine, the return is not */
			w = NULL;
	} else {
		size_t shown = res->n_breach_listed < 3 ? res->n_breach_listed : 3;
		for (size_t i = 0; i < shown; i++) {
			const struct sl_intent_breach *b = &res->breach[i];
			w = &b->way;
			line = way_line(r, it, w);
			sl_intent_breach_text(b, range, sizeof(range));
			sl_intent_way_text(w, way, sizeof(way));
			if (i == 0)
				sl_errors_add(errs, line,
					"%s would be broken: %s would forward %s into %s", title,
					it->from, range, it->to);
			else
				sl_errors_add(errs, line,
					"policy intent %s: %s would also forward %s into %s",
					it->name, it->from, range, it->to);
			sl_errors_add(errs, line, "policy intent %s: the way: %s", it->name, way);
			for (size_t k = 0; k < w->n_lines; k++)
				sl_errors_add(errs, line, "policy intent %s: made by '%s'",
					it->name, w->lines[k]);
		}
		sl_errors_add(errs, line,
			"policy intent %s: in all, %s (see 'show policy intent'); the commit is "
			"refused",
			it->name, res->reason);
		return;
	}
	for (size_t k = 0; w != NULL && k < w->n_lines; k++)
		sl_errors_add(errs, line, "policy intent %s: the way goes by '%s'", it->name,
			w->lines[k]);
	sl_errors_add(errs, line, "policy intent %s: the commit is refused", it->name);
}

int commit_intents_check(struct sl_router *r, struct sl_errors *errs, struct commit_intents *next)
{
	struct sl_intent_report rep;
	int rc;

	memset(next, 0, sizeof(*next));
	if ((rc = sl_intent_read(r->conf, &next->v, &next->n)) < 0)
		return rc;
	if (next->n == 0)
		return 0;
	next->held = calloc(next->n, sizeof(*next->held));
	if (next->held == NULL)
		return -ENOMEM;
	if ((rc = sl_intent_check(r->rib, r->conf, next->v, next->n, &rep)) < 0) {
		sl_intent_report_free(&rep);
		return rc;
	}
	for (size_t i = 0; i < rep.n; i++) {
		next->held[i] = rep.v[i].holds;
		bool first_require = !r->committed && rep.v[i].intent.kind == SL_INTENT_REQUIRE;
		if (!rep.v[i].holds && !first_require && held_before(r, &rep.v[i].intent)) {
			broken_errors(r, &rep.v[i], errs);
			rc = -EINVAL;
		}
	}
	sl_intent_report_free(&rep);
	return rc;
}

void commit_intents_adopt(struct sl_router *r, struct commit_intents *next)
{
	free(r->intents);
	free(r->intent_held);
	r->intents = next->v;
	r->intent_held = next->held;
	r->n_intents = next->n;
	next->v = NULL;
	next->held = NULL;
	next->n = 0;
	/* the counts of intents that are gone go with them */
	size_t k = 0;
	for (size_t i = 0; i < r->n_intent_dyn; i++) {
		bool kept = false;
		for (size_t j = 0; j < r->n_intents && !kept; j++)
			kept = strcmp(r->intents[j].name, r->intent_dyn[i].name) == 0;
		if (kept)
			r->intent_dyn[k++] = r->intent_dyn[i];
	}
	r->n_intent_dyn = k;
}

int commit_intents_count(
	struct sl_router *r, const char *name, const char *vrf, struct sl_prefix p, bool refused)
{
	struct commit_intent_dyn *d = NULL;
	char pf[SL_PREFIX_STR];
	for (size_t i = 0; i < r->n_intent_dyn && d == NULL; i++)
		if (strcmp(r->intent_dyn[i].name, name) == 0)
			d = &r->intent_dyn[i];
	if (d == NULL) {
		void *g = realloc(r->intent_dyn, (r->n_intent_dyn + 1) * sizeof(*r->intent_dyn));
		if (g == NULL)
			return -ENOMEM;
		r->intent_dyn = g;
		d = &r->intent_dyn[r->n_intent_dyn++];
		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), "%s", name);
	}
	if (refused)
		d->refused++;
	else
		d->not_leaked++;
	snprintf(d->last, sizeof(d->last), "%s %s", vrf, sl_prefix_fmt(p, pf));
	return 0;
}

int commit_intents_broken(struct sl_router *r, bool *broken, bool *any)
{
	struct sl_intent *held = calloc(r->n_intents ? r->n_intents : 1, sizeof(*held));
	size_t *idx = calloc(r->n_intents ? r->n_intents : 1, sizeof(*idx)), nh = 0;
	struct sl_intent_report rep = {0};
	int rc = 0;

	*any = false;
	if (held == NULL || idx == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->n_intents; i++) {
		broken[i] = false;
		if (r->intent_held[i]) {
			idx[nh] = i;
			held[nh++] = r->intents[i];
		}
	}
	rc = sl_intent_check(r->rib, r->conf, held, nh, &rep);
	for (size_t i = 0; rc == 0 && i < rep.n; i++)
		if (!rep.v[i].holds)
			*any = broken[idx[i]] = true;
out:
	sl_intent_report_free(&rep);
	free(held);
	free(idx);
	return rc;
}

int commit_intents_refresh(struct sl_router *r)
{
	struct sl_intent_report rep = {0};
	struct sl_intent *v = calloc(r->n_intents ? r->n_intents : 1, sizeof(*v));
	size_t *idx = calloc(r->n_intents ? r->n_intents : 1, sizeof(*idx)), n = 0;
	int rc = v && idx ? 0 : -ENOMEM;

	/* those that hold were just checked (commit_intents_broken) */
	for (size_t i = 0; rc == 0 && i < r->n_intents; i++)
		if (!r->intent_held[i]) {
			idx[n] = i;
			v[n++] = r->intents[i];
		}
	if (rc == 0 && n > 0)
		rc = sl_intent_check(r->rib, r->conf, v, n, &rep);
	for (size_t i = 0; rc == 0 && i < rep.n; i++)
		r->intent_held[idx[i]] = rep.v[i].holds;
	sl_intent_report_free(&rep);
	free(v);
	free(idx);
	return rc;
}

static int way_of(struct ictx *c, const char *vrf, uint32_t addr, struct sl_intent_way *out)
{
	bool only;
	int a = vrf_index(c, vrf);
	return a < 0 ? -ENOENT : lookup_way(c, a, addr, out, &only, -1);
}

int sl_router_way(
	const struct sl_router *r, const char *vrf, uint32_t addr, struct sl_intent_way *out)
{
	struct ictx c;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ctx_init(&c, r->rib, r->conf)) < 0)
		return rc;
	rc = way_of(&c, vrf, addr, out);
	ctx_free(&c);
	return rc;
}

static int leak_loops(struct ictx *c, const char *vrf, struct sl_intent_result *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->intent.from, sizeof(out->intent.from), "%s", vrf);
	int a = vrf_index(c, vrf);
	if (a < 0)
		return -ENOENT;
	struct deny_acc d = {.res = out};
	int rc = walk(c, a, WALK_LOOPS, 0, 0xffffffffu, deny_piece, &d);
	out->holds = out->n_ranges == 0;
	return rc;
}

int sl_router_leak_loops(const struct sl_router *r, const char *vrf, struct sl_intent_result *out)
{
	struct ictx c;
	int rc;

	if ((rc = ctx_init(&c, r->rib, r->conf)) < 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	rc = leak_loops(&c, vrf, out);
	ctx_free(&c);
	return rc;
}

/* The maps a vrf_build made stay in c: the next VRF asking reuses them. */
struct sl_intent_maps {
	struct ictx c;
};

struct sl_intent_maps *sl_router_intent_maps(const struct sl_router *r)
{
	struct sl_intent_maps *m = malloc(sizeof(*m));
	if (m != NULL && ctx_init(&m->c, r->rib, r->conf) < 0) {
		free(m);
		m = NULL;
	}
	return m;
}

void sl_intent_maps_free(struct sl_intent_maps *m)
{
	if (m == NULL)
		return;
	ctx_free(&m->c);
	free(m);
}

int sl_intent_maps_leak_loops(
	struct sl_intent_maps *m, const char *vrf, struct sl_intent_result *out)
{
	return leak_loops(&m->c, vrf, out);
}

int sl_intent_maps_way(
	struct sl_intent_maps *m, const char *vrf, uint32_t addr, struct sl_intent_way *out)
{
	memset(out, 0, sizeof(*out));
	return way_of(&m->c, vrf, addr, out);
}

int sl_router_intent_report(const struct sl_router *r, struct sl_intent_report *out)
{
	struct sl_intent *v;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = sl_intent_read(r->conf, &v, &n)) < 0)
		return rc;
	rc = sl_intent_check(r->rib, r->conf, v, n, out);
	free(v);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		for (size_t k = 0; k < r->n_intent_dyn; k++)
			if (strcmp(r->intent_dyn[k].name, out->v[i].intent.name) == 0) {
				out->v[i].dyn_refused = r->intent_dyn[k].refused;
				out->v[i].dyn_not_leaked = r->intent_dyn[k].not_leaked;
				memcpy(out->v[i].dyn_last, r->intent_dyn[k].last,
					sizeof(out->v[i].dyn_last));
			}
	return rc;
}
