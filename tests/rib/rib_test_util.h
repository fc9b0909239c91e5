/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the lib/rib tests: terse setters and a compact,
 * FRR-like rendering of one VRF's table to compare against expectations. */
#ifndef RIB_TEST_UTIL_H
#define RIB_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_rib.h"

static inline struct sl_prefix tp(const char *s)
{
	struct sl_prefix p = {0, 0};
	if (sl_prefix_parse(s, &p, true) != 0)
		abort();
	return p;
}

static inline uint32_t ta(const char *s)
{
	uint32_t a = 0;
	if (sl_addr_parse(s, &a) != 0)
		abort();
	return a;
}

static inline struct sl_rt trt(const char *s)
{
	struct sl_rt rt;
	if (sl_rt_parse(s, &rt) != 0)
		abort();
	return rt;
}

/* Interface with up to 4 addresses, NULL-terminated. */
static inline int t_iface(struct sl_rib *rib, const char *ifname, const char *vrf, int up, ...)
{
	struct sl_prefix a[4];
	size_t n = 0;
	va_list ap;
	const char *s;
	va_start(ap, up);
	while (n < 4 && (s = va_arg(ap, const char *)) != NULL)
		a[n++] = tp(s);
	va_end(ap);
	return sl_rib_iface_set(rib, ifname, vrf, up != 0, a, n);
}

static inline struct sl_static_nh t_gw(const char *gw, const char *vrf)
{
	struct sl_static_nh nh = {.type = SL_STATIC_GATEWAY, .gw = ta(gw), .distance = 1};
	snprintf(nh.vrf, sizeof(nh.vrf), "%s", vrf ? vrf : "");
	return nh;
}

static inline struct sl_static_nh t_if(const char *ifname, const char *vrf)
{
	struct sl_static_nh nh = {.type = SL_STATIC_INTERFACE, .distance = 1};
	snprintf(nh.ifname, sizeof(nh.ifname), "%s", ifname);
	snprintf(nh.vrf, sizeof(nh.vrf), "%s", vrf ? vrf : "");
	return nh;
}

static inline struct sl_static_nh t_bh(void)
{
	struct sl_static_nh nh = {.type = SL_STATIC_BLACKHOLE, .distance = 1};
	return nh;
}

static inline int t_static1(
	struct sl_rib *rib, const char *vrf, const char *prefix, struct sl_static_nh nh)
{
	return sl_rib_static_set(rib, vrf, tp(prefix), &nh, 1);
}

/* Leak settings; RT lists are comma-separated ("" for none). */
struct t_bgp {
	const char *rd, *rt_import, *rt_export, *import_vrf, *rmap_import, *rmap_export;
	bool redist_connected, redist_static;
};

static inline size_t t_split(const char *list, char out[][SL_NAME_MAX], size_t max)
{
	size_t n = 0;
	const char *s = list;
	while (s && *s && n < max) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		snprintf(out[n++], SL_NAME_MAX, "%.*s", (int)len, s);
		s = comma ? comma + 1 : NULL;
	}
	return n;
}

static inline int t_bgp_set(struct sl_rib *rib, const char *vrf, const struct t_bgp *b)
{
	struct sl_rib_bgp bgp;
	char words[8][SL_NAME_MAX], ivrf[8][SL_NAME_MAX];
	struct sl_rt imp[8], exp[8];
	size_t n;

	if (b == NULL)
		return sl_rib_vrf_bgp_set(rib, vrf, NULL);
	memset(&bgp, 0, sizeof(bgp));
	bgp.enabled = true;
	bgp.asn = 65000;
	if (b->rd) {
		bgp.has_rd = true;
		bgp.rd = trt(b->rd);
	}
	n = t_split(b->rt_import, words, 8);
	for (size_t i = 0; i < n; i++)
		imp[i] = trt(words[i]);
	bgp.rt_import = imp;
	bgp.n_rt_import = n;
	n = t_split(b->rt_export, words, 8);
	for (size_t i = 0; i < n; i++)
		exp[i] = trt(words[i]);
	bgp.rt_export = exp;
	bgp.n_rt_export = n;
	bgp.n_import_vrf = t_split(b->import_vrf, ivrf, 8);
	bgp.import_vrf = ivrf;
	snprintf(bgp.rmap_import, SL_NAME_MAX, "%s", b->rmap_import ? b->rmap_import : "");
	snprintf(bgp.rmap_export, SL_NAME_MAX, "%s", b->rmap_export ? b->rmap_export : "");
	bgp.redist_connected = b->redist_connected;
	bgp.redist_static = b->redist_static;
	return sl_rib_vrf_bgp_set(rib, vrf, &bgp);
}

struct t_render {
	const struct sl_rib *rib;
	char buf[8192];
	size_t len;
};

static inline void t_nh_fmt(const struct sl_rib *rib, const struct sl_nh *nh, char *out, size_t n)
{
	char gw[16];
	const char *v;
	switch (nh->type) {
	case SL_NH_CONNECTED:
		snprintf(out, n, "dc %s", nh->ifname);
		break;
	case SL_NH_GATEWAY:
		snprintf(out, n, "via %s%s%s", sl_addr_fmt(nh->gw, gw), nh->ifname[0] ? " " : "",
			nh->ifname);
		break;
	case SL_NH_LOCAL:
		snprintf(out, n, "local %s", nh->ifname);
		break;
	case SL_NH_BLACKHOLE:
		snprintf(out, n, "blackhole");
		break;
	case SL_NH_VRF:
		v = sl_rib_vrf_name(rib, nh->vrf_id);
		snprintf(out, n, "vrf %s", v ? v : "?");
		break;
	}
}

/* "S>* 10.1.0.0/24 [1/0] via 10.1.0.5 eth1" plus " (vrf O: <origin nh>)"
 * for leaks and " lp N" when not 100. Codes: C L S X(static-leak) V(vpn)
 * I(import vrf) B(bgp) O(ospf). */
static inline int t_render_cb(const struct sl_route *r, void *ctx)
{
	static const char codes[] = "CLSXVIBO";
	struct t_render *t = ctx;
	char p[SL_PREFIX_STR], nh[96], onh[96], extra[256] = "";
	t_nh_fmt(t->rib, &r->nh, nh, sizeof(nh));
	if (r->origin_vrf[0]) {
		t_nh_fmt(t->rib, &r->origin_nh, onh, sizeof(onh));
		snprintf(extra, sizeof(extra), " (vrf %s: %s)", r->origin_vrf, onh);
	}
	if (r->local_pref != 100)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " lp %u",
			r->local_pref);
	t->len += (size_t)snprintf(t->buf + t->len, sizeof(t->buf) - t->len,
		"%s%c%c%c %s [%u/%u] %s%s", t->len ? "\n" : "", codes[r->source],
		r->selected ? '>' : ' ', r->active ? '*' : ' ', sl_prefix_fmt(r->prefix, p),
		r->distance, r->metric, nh, extra);
	return 0;
}

/* One VRF's table as text (static buffer: valid until the next call). */
static inline const char *t_table(const struct sl_rib *rib, const char *vrf)
{
	static struct t_render t;
	t.rib = rib;
	t.len = 0;
	t.buf[0] = '\0';
	if (sl_rib_route_foreach(rib, vrf, t_render_cb, &t) != 0)
		return "(no such vrf)";
	return t.buf;
}

/* The canonical dump as a malloc'ed string. */
static inline char *t_dump(const struct sl_rib *rib)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_rib_dump(rib, f);
	fclose(f);
	return buf;
}

#endif
