/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/audit: a lazily loaded, read-only snapshot of the VRFs. */
#ifndef AUDIT_PRIV_H
#define AUDIT_PRIV_H

#include "sl_audit.h"
#include "sl_policy.h"

/* What a VRF offers for export, prefix by prefix: exported (with the export
 * route-map's verdict and the attributes it leaves), or why not. */
struct audit_offer {
	struct sl_prefix prefix;
	bool exported;
	struct sl_route_attrs attrs;
	/* when not exported */
	enum sl_leak_refusal reason; /* EXPORT_RMAP, REDISTRIBUTE or RE_LEAK */
	enum sl_rt_source kind;
	char via[SL_NAME_MAX];
	uint32_t rmap_seq; /* EXPORT_RMAP: deciding rule, 0 = implicit deny */
};

struct audit_vrf {
	char name[SL_NAME_MAX];
	bool loaded; /* routes read */
	bool bgp_loaded;
	bool has_bgp; /* leak settings exist (bgp.enabled says whether it leaks) */
	struct sl_rib_bgp bgp;
	struct sl_route *routes; /* every candidate, in sl_rib_route_foreach order */
	size_t n_routes;
	bool offers_done;
	struct audit_offer *offers;
	size_t n_offers;
};

struct audit_state {
	const struct sl_router *r;
	const struct sl_rib *rib;
	const struct sl_policy_db *db;
	struct audit_vrf *vrfs; /* sl_rib_vrf_foreach order: default first, then by name */
	size_t n_vrfs;
};

int audit_state_init(struct audit_state *s, const struct sl_router *r);
void audit_state_free(struct audit_state *s);
struct audit_vrf *audit_vrf_find(struct audit_state *s, const char *name);
/* Read the VRF's leak settings once. */
void audit_vrf_load_bgp(struct audit_state *s, struct audit_vrf *v);
/* Read the VRF's candidates (and leak settings) once. 0 or -ENOMEM. */
int audit_vrf_load(struct audit_state *s, struct audit_vrf *v);
/* Drop the candidates (big tables are held one at a time); offers stay. */
void audit_vrf_release(struct audit_vrf *v);
/* Compute v's export offers once (loads v). 0 or -ENOMEM. */
int audit_vrf_offers(struct audit_state *s, struct audit_vrf *v);

/* Make room for one more element in *arr (n used, *cap allocated). 0 or -ENOMEM. */
int audit_grow(void *arr, size_t *cap, size_t n, size_t size);

/* Is route source s a leak (static-leak, vpn-import, vrf-import)? */
static inline bool audit_source_leaked(enum sl_rt_source s)
{
	return s == SL_SRC_STATIC_LEAK || s == SL_SRC_VPN_IMPORT || s == SL_SRC_VRF_IMPORT;
}

/* The route-targets both sets hold, "65000:20 65000:21" ("" when none). */
void audit_rt_common(
	const struct sl_rt *a, size_t na, const struct sl_rt *b, size_t nb, char *buf, size_t len);
/* The prefix-lists route-map rm matches on, "A, B" (unique, rule order). */
void audit_rmap_plists(const struct sl_rmap *rm, char *buf, size_t len);

#endif
