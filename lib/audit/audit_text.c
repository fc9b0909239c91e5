/* SPDX-License-Identifier: BSD-3-Clause */
/* The audit in words: mechanism names, admitting policies, refusal reasons. */
#include <stdio.h>
#include <string.h>

#include "audit_priv.h"

const char *sl_leak_mech_name(enum sl_leak_mech m)
{
	/* the leak's route source names it (lib/rib's one table) */
	static const enum sl_rt_source src[] = {
		[SL_LEAK_STATIC] = SL_SRC_STATIC_LEAK,
		[SL_LEAK_RT] = SL_SRC_VPN_IMPORT,
		[SL_LEAK_IMPORT_VRF] = SL_SRC_VRF_IMPORT,
	};
	if ((unsigned)m >= sizeof(src) / sizeof(src[0]))
		return "unknown";
	return sl_rt_source(src[m])->mech;
}

const char *sl_leak_refusal_key(enum sl_leak_refusal r)
{
	switch (r) {
	case SL_REFUSED_RMAP_DENY:
		return "route-map-deny";
	case SL_REFUSED_RMAP_IMPLICIT:
		return "route-map-implicit-deny";
	case SL_REFUSED_EXPORT_RMAP:
		return "export-route-map-deny";
	case SL_REFUSED_REDISTRIBUTE:
		return "not-redistributed";
	case SL_REFUSED_RE_LEAK:
		return "no-re-leak";
	case SL_REFUSED_OWN_ROUTE:
		return "own-route";
	case SL_REFUSED_COLLISION:
		return "collision";
	case SL_REFUSED_ORIGIN_NO_BGP:
		return "origin-without-bgp";
	}
	return "unknown";
}

void sl_leak_policy_text(const struct sl_leak *l, char *buf, size_t len)
{
	if (l->rmap[0] == '\0')
		snprintf(buf, len, "no route-map");
	else if (l->rmap_export)
		snprintf(buf, len, "export route-map %s rule %u of %s", l->rmap, l->rmap_seq,
			l->origin);
	else
		snprintf(buf, len, "route-map %s rule %u", l->rmap, l->rmap_seq);
}

/* "R's implicit deny (no rule matched; prefix-list L does not permit P)" */
static void implicit_text(const struct sl_leak_refused *f, char *buf, size_t len)
{
	char p[SL_PREFIX_STR];
	sl_prefix_fmt(f->prefix, p);
	if (!f->rmap_defined)
		snprintf(buf, len, "%s's implicit deny (route-map %s is not defined)", f->rmap,
			f->rmap);
	else if (f->plists[0] == '\0')
		snprintf(buf, len, "%s's implicit deny (no rule matched)", f->rmap);
	else
		snprintf(buf, len, "%s's implicit deny (no rule matched; prefix-list%s %s %s %s)",
			f->rmap, strchr(f->plists, ',') ? "s" : "", f->plists,
			strchr(f->plists, ',') ? "do not permit" : "does not permit", p);
}

void sl_leak_refusal_text(const struct sl_leak_refused *f, char *buf, size_t len)
{
	char tail[3 * SL_LEAK_DETAIL_MAX], p[SL_PREFIX_STR];

	switch (f->reason) {
	case SL_REFUSED_RMAP_DENY:
		snprintf(buf, len, "denied by route-map %s rule %u", f->rmap, f->rmap_seq);
		break;
	case SL_REFUSED_RMAP_IMPLICIT:
		implicit_text(f, tail, sizeof(tail));
		snprintf(buf, len, "denied by %s", tail);
		break;
	case SL_REFUSED_EXPORT_RMAP:
		if (f->rmap_seq != 0) {
			snprintf(buf, len,
				"not exported: %s's export route-map %s rule %u denies it",
				f->origin, f->rmap, f->rmap_seq);
		} else {
			implicit_text(f, tail, sizeof(tail));
			snprintf(buf, len, "not exported: %s's export route-map: %s", f->origin,
				tail);
		}
		break;
	case SL_REFUSED_REDISTRIBUTE:
		snprintf(buf, len, "not exported: %s's redistribute excludes %s routes", f->origin,
			sl_rt_source_name(f->kind));
		break;
	case SL_REFUSED_RE_LEAK:
		snprintf(buf, len,
			"no re-leak of a leaked route (%s holds it as a %s from %s, so it is not "
			"exported)",
			f->origin, sl_rt_source_name(f->kind), f->via[0] ? f->via : "?");
		break;
	case SL_REFUSED_OWN_ROUTE:
		snprintf(buf, len, "own route (a VRF never imports its own routes)");
		break;
	case SL_REFUSED_COLLISION:
		snprintf(buf, len, "collision with connected %s", sl_prefix_fmt(f->connected, p));
		break;
	case SL_REFUSED_ORIGIN_NO_BGP:
		snprintf(buf, len,
			"not exported: %s has no bgp settings (import vrf needs `protocols bgp` in "
			"both VRFs)",
			f->origin);
		break;
	default:
		snprintf(buf, len, "refused");
	}
}
