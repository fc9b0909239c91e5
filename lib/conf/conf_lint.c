/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-configuration advice (sl_conf_lint): what loads and works but is
 * probably not what the operator meant. Warnings only; `sluicectl check`
 * prints them. See sl_conf.h for the list.
 */
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

struct lint {
	const struct sl_conf *c;
	struct sl_errors *out;
	struct conf_lines lines;
	size_t n;
};

#define WARN(l, node, ...)                                                                       \
	do {                                                                                     \
		sl_errors_add((l)->out, conf_lines_get((l)->c, &(l)->lines, node), __VA_ARGS__); \
		(l)->n++;                                                                        \
	} while (0)

/* The value node of a single-valued leaf keyword (NULL: unset). */
static const struct sl_conf_node *value_of(const struct sl_conf_node *leaf)
{
	const struct sl_conf_node *v;
	size_t cur = 0;

	while ((v = sl_conf_child_next(leaf, &cur)) != NULL)
		if (v->is_value)
			return v;
	return NULL;
}

static const struct sl_conf_node *ipv4_unicast(const struct sl_conf_node *vrf)
{
	const struct sl_conf_node *bgp = sl_conf_child(sl_conf_child(vrf, "protocols"), "bgp");
	return sl_conf_child(sl_conf_child(bgp, "address-family"), "ipv4-unicast");
}

/* ---- two VRFs, one RD ---- */

struct rd_use {
	const char *rd; /* canonical (normalised when parsed) */
	const struct sl_conf_node *vrf, *val;
};

static int rd_use_cmp(const void *a, const void *b)
{
	const struct rd_use *x = a, *y = b;
	int c = strcmp(x->rd, y->rd);
	return c ? c : strcmp(x->vrf->name, y->vrf->name);
}

static void lint_rds(struct lint *l, const struct sl_conf_node *vrfs)
{
	size_t n = 0, cur = 0;
	struct rd_use *v = malloc((sl_conf_child_count(vrfs) + 1) * sizeof(*v));
	const struct sl_conf_node *vrf;

	if (v == NULL)
		return;
	while ((vrf = sl_conf_child_next(vrfs, &cur)) != NULL) {
		const struct sl_conf_node *rd = sl_conf_child(ipv4_unicast(vrf), "rd");
		/* `rd RD`, else VyOS's `rd vpn export RD` */
		const struct sl_conf_node *val = value_of(rd);
		if (val == NULL)
			val = value_of(sl_conf_child(sl_conf_child(rd, "vpn"), "export"));
		if (val != NULL)
			v[n++] = (struct rd_use){val->name, vrf, val};
	}
	qsort(v, n, sizeof(*v), rd_use_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i].rd, v[i - 1].rd) != 0)
			continue;
		/* told at the later of the two lines (the one that made the pair) */
		const struct rd_use *a = &v[i - 1], *b = &v[i];
		if (conf_lines_get(l->c, &l->lines, a->val) >
			conf_lines_get(l->c, &l->lines, b->val)) {
			a = &v[i];
			b = &v[i - 1];
		}
		WARN(l, b->val,
			"vrf %s has the same rd %s as vrf %s (an RD tells one VRF's routes "
			"from another's in the VPN table: give each VRF its own, as VyOS "
			"expects)",
			b->vrf->name, b->rd, a->vrf->name);
	}
	free(v);
}

/* ---- policies applied nowhere ---- */

static void lint_no_action(struct lint *l, const char *kind, const struct sl_conf_node *pol)
{
	const struct sl_conf_node *rules = sl_conf_child(pol, "rule"), *r;
	size_t cur = 0;

	while ((r = sl_conf_child_next(rules, &cur)) != NULL)
		if (!sl_conf_has(r, "action"))
			WARN(l, r,
				"%s %s rule %s has no 'action': it would deny what it matches "
				"(VyOS refuses such a rule; sluice refuses it once the %s is "
				"applied)",
				kind, pol->name, r->name, kind);
}

static void lint_policies(struct lint *l)
{
	const struct sl_conf_node *rms = sl_conf_findv(l->c, "policy", "route-map", NULL);
	const struct sl_conf_node *pls = sl_conf_findv(l->c, "policy", "prefix-list", NULL);
	const struct sl_conf_node *p;
	size_t cur = 0;

	while ((p = sl_conf_child_next(rms, &cur)) != NULL) {
		if (conf_rmap_applier(l->c, p->name) != NULL)
			continue;
		WARN(l, p,
			"route-map %s is applied nowhere (no VRF has 'route-map vpn import|export "
			"%s'): it filters nothing",
			p->name, p->name);
		lint_no_action(l, "route-map", p);
	}
	cur = 0;
	while ((p = sl_conf_child_next(pls, &cur)) != NULL) {
		const struct conf_ref_head *h =
			conf_refs_get(&l->c->refs, CONF_REF_PREFIX_LIST, p->name);
		if (conf_plist_user(l->c, p->name) != NULL)
			continue;
		if (h == NULL || h->first == NULL)
			WARN(l, p,
				"prefix-list %s is used by no route-map: it filters nothing (a "
				"prefix-list acts through 'match ip address prefix-list' of an "
				"applied route-map)",
				p->name);
		else
			WARN(l, p,
				"prefix-list %s is matched only by route-maps applied nowhere "
				"(route-map %s): it filters nothing",
				p->name, CONF_RMAP_OF_MATCH(h->first)->name);
		lint_no_action(l, "prefix-list", p);
	}
}

/* ---- static leaks an import route-map does not see ---- */

static void lint_static_leaks(struct lint *l, const struct sl_conf_node *vrfs)
{
	static const char *const kinds[] = {"next-hop", "interface"};
	const struct sl_conf_node *vrf;
	size_t cur = 0;

	while ((vrf = sl_conf_child_next(vrfs, &cur)) != NULL) {
		const struct sl_conf_node *rmv =
			sl_conf_child(sl_conf_child(ipv4_unicast(vrf), "route-map"), "vpn");
		const char *rm = sl_conf_leaf_value(rmv, "import");
		const struct sl_conf_node *routes, *r;
		size_t rc = 0;

		if (rm == NULL)
			continue;
		routes = sl_conf_child(
			sl_conf_child(sl_conf_child(vrf, "protocols"), "static"), "route");
		while ((r = sl_conf_child_next(routes, &rc)) != NULL) {
			sl_progress(); /* every route of the VRF: 1M in one */
			for (size_t k = 0; k < 2; k++) {
				const struct sl_conf_node *hops = sl_conf_child(r, kinds[k]), *h;
				size_t hc = 0;
				while ((h = sl_conf_child_next(hops, &hc)) != NULL) {
					const struct sl_conf_node *z =
						value_of(sl_conf_child(h, "vrf"));
					if (z == NULL || strcmp(z->name, vrf->name) == 0)
						continue;
					WARN(l, z,
						"vrf %s: static route %s %s %s leaks from vrf %s "
						"past 'route-map vpn import %s' (an import "
						"route-map "
						"filters route-target and import-vrf leaks, not "
						"static ones)",
						vrf->name, r->name, kinds[k], h->name, z->name, rm);
				}
			}
		}
	}
}

size_t sl_conf_lint(const struct sl_conf *c, struct sl_errors *out)
{
	struct lint l = {.c = c, .out = out};
	const struct sl_conf_node *vrfs = sl_conf_findv(c, "vrf", "name", NULL);

	lint_rds(&l, vrfs);
	lint_policies(&l);
	lint_static_leaks(&l, vrfs);
	conf_lines_free(&l.lines);
	return l.n;
}
