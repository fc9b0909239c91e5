/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Semantic checks at the end of a transaction. Only the objects the
 * transaction touched are checked (and, through the reference index, who
 * refers to what was deleted or changed), so a one-line change in a
 * million-route configuration costs microseconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define PATH_LEN 1024

/* A VRF's table id, for the uniqueness check. */
struct vrf_table {
	const char *table;
	const struct sl_conf_node *vrf;
};

struct conf_vctx {
	struct sl_conf *c;
	struct sl_errors *errs;
	size_t nerr;
	/* every VRF by table, sorted; built on the first check_table: a scan of
	 * all VRFs per changed one would make loading N VRFs O(N^2) */
	struct vrf_table *tables;
	size_t n_tables;
	bool tables_built;
	/* the last route reported past SL_ECMP_MAX: its next-hop lines are
	 * changes of one route, reported once (at the first of them) */
	const struct sl_conf_node *ecmp_reported;
	/* which line created which node (built at the first error that asks) */
	struct conf_lines lines;
	/* policy rules already reported without an action: a rule reached from
	 * its list, its route-map and the VRF that applies them is told once */
	const struct sl_conf_node **no_action;
	size_t n_no_action, cap_no_action;
};

#define ERR(v, line, ...)                                    \
	do {                                                 \
		sl_errors_add((v)->errs, line, __VA_ARGS__); \
		(v)->nerr++;                                 \
	} while (0)

/* The line to blame for n: the line of this transaction that created it, else
 * `line` (the first line that touched its object). */
static unsigned at(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	unsigned l = conf_lines_get(v->c, &v->lines, n);
	return l ? l : line;
}

static const char *ref_word(enum conf_ref kind)
{
	switch (kind) {
	case CONF_REF_VRF:
		return "vrf";
	case CONF_REF_IFACE:
		return "interface";
	case CONF_REF_PREFIX_LIST:
		return "prefix-list";
	case CONF_REF_ROUTE_MAP:
		return "route-map";
	case CONF_REF_RULESET:
		return "firewall ruleset";
	case CONF_REF_NONE:
		break;
	}
	return "object";
}

/* The node a reference names, NULL when it is not configured. */
static const struct sl_conf_node *referee(
	const struct sl_conf *c, enum conf_ref kind, const char *name)
{
	char eth[SL_NAME_MAX];
	const char *dot;

	switch (kind) {
	case CONF_REF_VRF: /* the default VRF is always there */
		return strcmp(name, "default") == 0 ? sl_conf_root(c)
						    : sl_conf_findv(c, "vrf", "name", name, NULL);
	case CONF_REF_IFACE:
		dot = strchr(name, '.');
		if (dot == NULL)
			return sl_conf_findv(c, "interfaces", "ethernet", name, NULL);
		snprintf(eth, sizeof(eth), "%.*s", (int)(dot - name), name);
		return sl_conf_findv(c, "interfaces", "ethernet", eth, "vif", dot + 1, NULL);
	case CONF_REF_PREFIX_LIST:
		return sl_conf_findv(c, "policy", "prefix-list", name, NULL);
	case CONF_REF_ROUTE_MAP:
		return sl_conf_findv(c, "policy", "route-map", name, NULL);
	case CONF_REF_RULESET:
		return sl_conf_findv(c, "firewall", "ipv4", "name", name, NULL);
	case CONF_REF_NONE:
		break;
	}
	return NULL;
}

/* Path of the referee of (kind, name), for matching against deleted paths. */
static int referee_path(
	enum conf_ref kind, const char *name, const char **tok, char *eth, size_t ethsz)
{
	const char *dot;

	switch (kind) {
	case CONF_REF_VRF:
		tok[0] = "vrf", tok[1] = "name", tok[2] = name;
		return 3;
	case CONF_REF_IFACE:
		tok[0] = "interfaces", tok[1] = "ethernet";
		dot = strchr(name, '.');
		if (dot == NULL) {
			tok[2] = name;
			return 3;
		}
		snprintf(eth, ethsz, "%.*s", (int)(dot - name), name);
		tok[2] = eth, tok[3] = "vif", tok[4] = dot + 1;
		return 5;
	case CONF_REF_PREFIX_LIST:
	case CONF_REF_ROUTE_MAP:
		tok[0] = "policy",
		tok[1] = kind == CONF_REF_PREFIX_LIST ? "prefix-list" : "route-map";
		tok[2] = name;
		return 3;
	case CONF_REF_RULESET:
		tok[0] = "firewall", tok[1] = "ipv4", tok[2] = "name", tok[3] = name;
		return 4;
	case CONF_REF_NONE:
		break;
	}
	return 0;
}

static bool is_object(const struct sl_conf_node *n)
{
	if (n->schema->obj == CONF_OBJ_NONE || n->parent == NULL)
		return false;
	return n->schema->kind == CONF_TAG ? n->is_value : !n->is_value;
}

static const char *vrf_of_route(const struct sl_conf_node *route)
{
	/* vrf name V protocols static route P, or protocols static route P */
	const struct sl_conf_node *up = route->parent->parent->parent->parent;
	return up && up->parent && up->is_value ? up->name : NULL;
}

/* The VRF an interface or vif belongs to (NULL: the default VRF). */
static const char *iface_vrf(const struct sl_conf_node *iface)
{
	return sl_conf_leaf_value(iface, "vrf");
}

static bool same_vrf(const char *a, const char *b)
{
	/* NULL and "default" both name the default VRF */
	if (a != NULL && strcmp(a, "default") == 0)
		a = NULL;
	if (b != NULL && strcmp(b, "default") == 0)
		b = NULL;
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* `interface IFACE [vrf V]` under a static route: IFACE must be in V, or in
 * the route's own VRF when there is no `vrf`. */
static void check_route_iface(struct conf_vctx *v, const struct sl_conf_node *route,
	const struct sl_conf_node *ifval, unsigned line)
{
	const struct sl_conf_node *iface = referee(v->c, CONF_REF_IFACE, ifval->name);
	const char *want = sl_conf_leaf_value(ifval, "vrf");
	const char *own = vrf_of_route(route);
	const char *have;
	char path[PATH_LEN];

	if (iface == NULL)
		return; /* reported as an undefined reference */
	if (want == NULL)
		want = own;
	have = iface_vrf(iface);
	if (same_vrf(want, have))
		return;
	conf_node_path(ifval, path, sizeof(path));
	ERR(v, at(v, ifval, line),
		"interface '%s' is in vrf %s, not in vrf %s (at '%s'; valid: an interface of "
		"vrf %s, or add 'vrf %s' to reach it across VRFs)",
		ifval->name, have ? have : "default", want ? want : "default", path,
		want ? want : "default", have ? have : "default");
}

static void check_route(struct conf_vctx *v, const struct sl_conf_node *route, unsigned line)
{
	const struct sl_conf_node *ifs = sl_conf_child(route, "interface");
	char path[PATH_LEN];
	size_t cur = 0;
	const struct sl_conf_node *i;

	if (!sl_conf_has(route, "next-hop") && !ifs && !sl_conf_has(route, "blackhole")) {
		conf_node_path(route, path, sizeof(path));
		ERR(v, line, "static route '%s' has no next-hop, interface or blackhole (at '%s')",
			route->name, path);
	}
	while ((i = sl_conf_child_next(ifs, &cur)) != NULL)
		check_route_iface(v, route, i, line);
	/* every next hop may tie on distance: each is a path of one ECMP group */
	size_t n = sl_conf_child_count(sl_conf_child(route, "next-hop")) + sl_conf_child_count(ifs);
	if (n > SL_ECMP_MAX && v->ecmp_reported != route) {
		v->ecmp_reported = route;
		conf_node_path(route, path, sizeof(path));
		ERR(v, line,
			"static route '%s' has %zu next hops (next-hop and interface), more than "
			"the %d paths of an ECMP route (at '%s'; valid: at most %d)",
			route->name, n, SL_ECMP_MAX, path, SL_ECMP_MAX);
	}
}

static int vrf_table_cmp(const void *a, const void *b)
{
	const struct vrf_table *x = a, *y = b;
	int c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->vrf->name, y->vrf->name);
}

static void tables_build(struct conf_vctx *v, const struct sl_conf_node *vrfs)
{
	const struct sl_conf_node *other;
	size_t cur = 0;

	v->tables_built = true;
	v->tables = malloc((sl_conf_child_count(vrfs) + 1) * sizeof(*v->tables));
	if (v->tables == NULL)
		return; /* checked again, slowly, below */
	while ((other = sl_conf_child_next(vrfs, &cur)) != NULL) {
		const char *t = sl_conf_leaf_value(other, "table");
		if (t)
			v->tables[v->n_tables++] = (struct vrf_table){t, other};
	}
	qsort(v->tables, v->n_tables, sizeof(*v->tables), vrf_table_cmp);
}

static void check_table(struct conf_vctx *v, const struct sl_conf_node *vrf, unsigned line)
{
	const char *table = sl_conf_leaf_value(vrf, "table");
	const struct sl_conf_node *other;
	size_t lo = 0, hi, cur = 0;

	if (table == NULL)
		return;
	if (!v->tables_built)
		tables_build(v, vrf->parent);
	if (v->tables == NULL) {
		while ((other = sl_conf_child_next(vrf->parent, &cur)) != NULL) {
			const char *t = sl_conf_leaf_value(other, "table");
			if (other != vrf && t && strcmp(t, table) == 0)
				ERR(v, line,
					"table %s of vrf %s is already used by vrf %s (valid: a "
					"table id no other VRF uses)",
					table, vrf->name, other->name);
		}
		return;
	}
	for (hi = v->n_tables; lo < hi;) { /* the first entry with this table */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->tables[mid].table, table) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < v->n_tables && strcmp(v->tables[lo].table, table) == 0; lo++)
		if (v->tables[lo].vrf != vrf)
			ERR(v, line,
				"table %s of vrf %s is already used by vrf %s (valid: a table id "
				"no other VRF uses)",
				table, vrf->name, v->tables[lo].vrf->name);
}

/* True when rule r was reported already (else remember it). */
static bool no_action_seen(struct conf_vctx *v, const struct sl_conf_node *r)
{
	for (size_t i = 0; i < v->n_no_action; i++)
		if (v->no_action[i] == r)
			return true;
	if (v->n_no_action == v->cap_no_action) {
		size_t cap = v->cap_no_action ? v->cap_no_action * 2 : 8;
		const struct sl_conf_node **a = realloc(v->no_action, cap * sizeof(*a));
		if (a == NULL)
			return false; /* told twice rather than not at all */
		v->no_action = a;
		v->cap_no_action = cap;
	}
	v->no_action[v->n_no_action++] = r;
	return false;
}

/* Every rule of a policy in use (kind: prefix-list, route-map) says what it
 * does: as on VyOS, a rule without `action` is refused, not a silent deny.
 * how: why the policy is in use, for the message. */
static void check_actions(struct conf_vctx *v, const char *kind, const struct sl_conf_node *pol,
	const char *how, unsigned line)
{
	const struct sl_conf_node *rules = sl_conf_child(pol, "rule"), *r;
	size_t cur = 0;

	while ((r = sl_conf_child_next(rules, &cur)) != NULL)
		if (!sl_conf_has(r, "action") && !no_action_seen(v, r))
			ERR(v, at(v, r, line),
				"%s %s rule %s: no 'action' (valid: permit, deny; as on VyOS, "
				"every rule needs one, and %s)",
				kind, pol->name, r->name, how);
}

static const char *match_prefix_list(const struct sl_conf_node *rule)
{
	const struct sl_conf_node *m = sl_conf_child(sl_conf_child(rule, "match"), "ip");
	return sl_conf_leaf_value(sl_conf_child(m, "address"), "prefix-list");
}

/* Why prefix-list pl is in use: route-map rm matches it, applier applies rm. */
static void plist_how(char *buf, size_t size, const char *pl, const struct sl_conf_node *rm,
	const struct sl_conf_node *applier)
{
	const struct sl_conf_node *vrf = CONF_VRF_OF_RMAP_APPLIER(applier);

	snprintf(buf, size, "prefix-list %s is matched by route-map %s, applied by vrf %s", pl,
		rm->name, vrf ? vrf->name : "?");
}

/* Route-map rm is applied by the value node applier: its rules, and those of
 * the prefix-lists they match, need actions. */
static void check_rmap_applied(struct conf_vctx *v, const struct sl_conf_node *rm,
	const struct sl_conf_node *applier, unsigned line)
{
	const struct sl_conf_node *rules = sl_conf_child(rm, "rule"), *r;
	const struct sl_conf_node *vrf = CONF_VRF_OF_RMAP_APPLIER(applier);
	char how[3 * SL_NAME_MAX + 192];
	size_t cur = 0;

	snprintf(how, sizeof(how), "route-map %s is applied by vrf %s's 'route-map vpn %s'",
		rm->name, vrf ? vrf->name : "?", applier->parent->name);
	check_actions(v, "route-map", rm, how, line);
	while ((r = sl_conf_child_next(rules, &cur)) != NULL) {
		const char *pl = match_prefix_list(r);
		const struct sl_conf_node *pln =
			pl ? referee(v->c, CONF_REF_PREFIX_LIST, pl) : NULL;
		if (pln == NULL)
			continue;
		plist_how(how, sizeof(how), pl, rm, applier);
		check_actions(v, "prefix-list", pln, how, line);
	}
}

static void check_bgp(
	struct conf_vctx *v, const char *vrf_name, const struct sl_conf_node *bgp, unsigned line)
{
	const struct sl_conf_node *af = sl_conf_child(bgp, "address-family");
	const struct sl_conf_node *imp;

	if (af && !sl_conf_has(bgp, "system-as"))
		ERR(v, at(v, af, line),
			"vrf %s: bgp address-family needs 'protocols bgp system-as' (valid: "
			"system-as 1..4294967295)",
			vrf_name);
	const struct sl_conf_node *uni = sl_conf_child(af, "ipv4-unicast");
	const char *rd = sl_conf_leaf_value(uni, "rd");
	const char *rd_vpn =
		sl_conf_leaf_value(sl_conf_child(sl_conf_child(uni, "rd"), "vpn"), "export");
	if (rd && rd_vpn)
		ERR(v, line,
			"vrf %s: both 'rd %s' and 'rd vpn export %s' are set (valid: one of the "
			"two spellings)",
			vrf_name, rd, rd_vpn);
	imp = sl_conf_child(sl_conf_child(uni, "import"), "vrf");
	if (sl_conf_child(imp, vrf_name))
		ERR(v, at(v, sl_conf_child(imp, vrf_name), line),
			"vrf %s: 'import vrf %s' imports the VRF into itself (valid: another "
			"VRF)",
			vrf_name, vrf_name);
	/* the route-maps it applies (and their prefix-lists) are in use now */
	const struct sl_conf_node *rmv = sl_conf_child(sl_conf_child(uni, "route-map"), "vpn");
	static const char *const dirs[] = {"import", "export"};
	for (size_t d = 0; rmv && d < 2; d++) {
		const struct sl_conf_node *leaf = sl_conf_child(rmv, dirs[d]), *val;
		size_t cur = 0;
		while ((val = sl_conf_child_next(leaf, &cur)) != NULL) {
			const struct sl_conf_node *rm =
				referee(v->c, CONF_REF_ROUTE_MAP, val->name);
			if (rm)
				check_rmap_applied(v, rm, val, at(v, val, line));
		}
	}
}

static void check_leak_firewall(struct conf_vctx *v, const struct sl_conf_node *vrf,
	const struct sl_conf_node *lf, unsigned line)
{
	const struct sl_conf_node *to = sl_conf_child(lf, "to");

	if (sl_conf_child(to, vrf->name))
		ERR(v, at(v, sl_conf_child(to, vrf->name), line),
			"vrf %s: 'leak-firewall to %s' names the VRF itself (valid: another VRF)",
			vrf->name, vrf->name);
}

/* The pool of `leak-nat to TO`, or false (unset or unparsable). */
static bool nat_pool(const struct sl_conf_node *to, struct sl_prefix *p)
{
	const char *a = sl_conf_leaf_value(
		sl_conf_child(sl_conf_child(to, "source"), "translation"), "address");
	return a != NULL && sl_prefix_parse(a, p, false) == 0;
}

/* `leak-nat to TO source translation address P`: another VRF, a pool of
 * /16../32 (its addresses times 64,512 ports are the flows it can hold), not
 * overlapping the pool another VRF translates into TO with (the replies
 * would not know their VRF). */
static void check_leak_nat(struct conf_vctx *v, const struct sl_conf_node *vrf,
	const struct sl_conf_node *ln, unsigned line)
{
	const struct sl_conf_node *tos = sl_conf_child(ln, "to"), *to;
	const struct sl_conf_node *vrfs = vrf->parent, *w;
	size_t cur = 0, count = 0;

	while ((to = sl_conf_child_next(tos, &cur)) != NULL) {
		struct sl_prefix p, q;
		if (++count == 65) /* SL_RIB_NAT_MAX */
			ERR(v, at(v, to, line), "vrf %s: too many leak-nat lines (limit 64)",
				vrf->name);
		unsigned l = at(v, to, line);
		if (strcmp(to->name, vrf->name) == 0) {
			ERR(v, l,
				"vrf %s: 'leak-nat to %s' names the VRF itself (valid: another "
				"VRF)",
				vrf->name, vrf->name);
			continue;
		}
		if (!nat_pool(to, &p)) {
			ERR(v, l,
				"vrf %s leak-nat to %s: no pool (valid: 'source translation "
				"address "
				"P', P a prefix /16 to /32)",
				vrf->name, to->name);
			continue;
		}
		const char *ports = sl_conf_leaf_value(
			sl_conf_child(sl_conf_child(to, "source"), "translation"), "port");
		unsigned lo = 0, hi = 0;
		char tail;
		if (ports != NULL && sscanf(ports, "%u-%u%c", &lo, &hi, &tail) != 2 &&
			(sscanf(ports, "%u%c", &lo, &tail) != 1 || (hi = lo) == 0))
			ERR(v, l,
				"vrf %s leak-nat to %s: port '%s' is not one range (valid: LO-HI "
				"or N, "
				"1..65535)",
				vrf->name, to->name, ports);
		if (p.len < 16) {
			char ps[SL_PREFIX_STR];
			ERR(v, l,
				"vrf %s leak-nat to %s: pool %s is larger than a /16 (valid: a "
				"prefix "
				"/16 to /32)",
				vrf->name, to->name, sl_prefix_fmt(p, ps));
			continue;
		}
		size_t wc = 0;
		while ((w = sl_conf_child_next(vrfs, &wc)) != NULL) {
			const struct sl_conf_node *wto = sl_conf_child(
				sl_conf_child(sl_conf_child(w, "leak-nat"), "to"), to->name);
			if (w == vrf || wto == NULL || !nat_pool(wto, &q))
				continue;
			if (sl_prefix_contains(p, q) || sl_prefix_contains(q, p)) {
				char ps[SL_PREFIX_STR], qs[SL_PREFIX_STR];
				ERR(v, l,
					"vrf %s leak-nat to %s: pool %s overlaps pool %s of vrf "
					"%s's "
					"leak-nat to %s (valid: pools into one VRF apart)",
					vrf->name, to->name, sl_prefix_fmt(p, ps),
					sl_prefix_fmt(q, qs), w->name, to->name);
			}
		}
	}
}

static void check_prefix_list(struct conf_vctx *v, const struct sl_conf_node *pl, unsigned line)
{
	const struct sl_conf_node *rules = sl_conf_child(pl, "rule"), *r;
	const struct sl_conf_node *rm = conf_plist_user(v->c, pl->name);
	size_t cur = 0;

	if (rm != NULL) {
		char how[3 * SL_NAME_MAX + 128];
		plist_how(how, sizeof(how), pl->name, rm, conf_rmap_applier(v->c, rm->name));
		check_actions(v, "prefix-list", pl, how, line);
	}
	while ((r = sl_conf_child_next(rules, &cur)) != NULL) {
		const char *ge = sl_conf_leaf_value(r, "ge"), *le = sl_conf_leaf_value(r, "le");
		const char *prefix = sl_conf_leaf_value(r, "prefix");
		struct sl_prefix p;
		unsigned g = ge ? (unsigned)atoi(ge) : 0, l = le ? (unsigned)atoi(le) : 0;

		if ((ge || le) && prefix == NULL) {
			ERR(v, at(v, r, line),
				"prefix-list %s rule %s: %s without a prefix (valid: set 'prefix' "
				"too)",
				pl->name, r->name, ge ? "ge" : "le");
			continue;
		}
		if (prefix == NULL || sl_prefix_parse(prefix, &p, true) < 0)
			continue;
		if (ge && g <= p.len)
			ERR(v, at(v, r, line),
				"prefix-list %s rule %s: ge %s must be greater than the prefix "
				"length %u (valid: %u < ge <= le <= 32)",
				pl->name, r->name, ge, p.len, p.len);
		else if (le && l <= p.len)
			ERR(v, at(v, r, line),
				"prefix-list %s rule %s: le %s must be greater than the prefix "
				"length %u (valid: %u < ge <= le <= 32)",
				pl->name, r->name, le, p.len, p.len);
		else if (ge && le && g > l)
			ERR(v, at(v, r, line),
				"prefix-list %s rule %s: ge %s is greater than le %s (valid: "
				"%u < ge <= le <= 32)",
				pl->name, r->name, ge, le, p.len);
	}
}

static void check_ruleset(struct conf_vctx *v, const struct sl_conf_node *rs, unsigned line)
{
	const struct sl_conf_node *rules = sl_conf_child(rs, "rule"), *r;
	size_t cur = 0;

	while ((r = sl_conf_child_next(rules, &cur)) != NULL) {
		const char *proto = sl_conf_leaf_value(r, "protocol");
		bool ports = sl_conf_has(sl_conf_child(r, "source"), "port") ||
			     sl_conf_has(sl_conf_child(r, "destination"), "port");
		bool l4 = proto && (strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0 ||
					   strcmp(proto, "6") == 0 || strcmp(proto, "17") == 0);
		bool icmp = proto && (strcmp(proto, "icmp") == 0 || strcmp(proto, "1") == 0);

		if (sl_conf_leaf_value(r, "action") == NULL)
			ERR(v, at(v, r, line),
				"firewall ipv4 name %s rule %s: no 'action' (valid: accept, drop, "
				"reject; as on VyOS, every rule needs one)",
				rs->name, r->name);
		if (ports && !l4)
			ERR(v, at(v, r, line),
				"firewall ipv4 name %s rule %s: a port needs 'protocol tcp' or "
				"'protocol udp' (protocol is %s)",
				rs->name, r->name, proto ? proto : "unset");
		if (sl_conf_has(r, "icmp") && !icmp)
			ERR(v, at(v, r, line),
				"firewall ipv4 name %s rule %s: 'icmp type' needs 'protocol icmp' "
				"(protocol is %s)",
				rs->name, r->name, proto ? proto : "unset");
	}
}

/* Routes that use this interface may no longer match its VRF. */
static void check_iface_users(struct conf_vctx *v, const struct sl_conf_node *iface, unsigned line)
{
	char name[SL_NAME_MAX];
	const struct conf_ref_head *h;

	if (iface->schema->obj == CONF_OBJ_VIF)
		snprintf(name, sizeof(name), "%s.%s", iface->parent->parent->name, iface->name);
	else
		snprintf(name, sizeof(name), "%s", iface->name);
	h = conf_refs_get(&v->c->refs, CONF_REF_IFACE, name);
	for (const struct sl_conf_node *u = h ? h->first : NULL; u; u = u->ref_next)
		if (!strcmp(u->schema->name, "interface") && u->schema->kind == CONF_TAG)
			check_route_iface(v, u->parent->parent, u, line);
}

/* The object checks the schema nodes carry (struct conf_schema .check). */
/* One NIC is one interface: no two ethernets with the same hw-id. */
static void check_hw_id(struct conf_vctx *v, const struct sl_conf_node *eth, unsigned line)
{
	const char *id = sl_conf_leaf_value(eth, "hw-id");
	const struct sl_conf_node *other;
	size_t cur = 0;

	if (id == NULL)
		return;
	while ((other = sl_conf_child_next(eth->parent, &cur)) != NULL) {
		const char *o = other != eth ? sl_conf_leaf_value(other, "hw-id") : NULL;
		if (o != NULL && strcmp(o, id) == 0) {
			ERR(v, at(v, conf_node_child(eth, "hw-id"), line),
				"interfaces ethernet %s hw-id %s: %s has the same hw-id (one NIC "
				"is one interface)",
				eth->name, id, other->name);
			return;
		}
	}
}

void conf_check_iface(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_iface_users(v, n, line);
	if (n->schema->obj == CONF_OBJ_ETHERNET)
		check_hw_id(v, n, line);
}

void conf_check_vrf(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	/* as in VyOS: the kernel table id is what makes a VRF */
	if (!sl_conf_has(n, "table"))
		ERR(v, line,
			"vrf %s has no table (valid: set 'vrf name %s table N', N "
			"1..4294967295 except 253-255, unique)",
			n->name, n->name);
}

void conf_check_vrf_table(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_table(v, n->parent, line);
}

void conf_check_vrf_bgp(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_bgp(v, n->parent->parent->name, n, line);
}

void conf_check_default_bgp(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_bgp(v, "default", n, line); /* `protocols bgp`: the default VRF */
}

void conf_check_leak_firewall(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_leak_firewall(v, n->parent, n, line);
}

void conf_check_leak_nat(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_leak_nat(v, n->parent, n, line);
}

void conf_check_route(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_route(v, n, line);
}

void conf_check_prefix_list(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_prefix_list(v, n, line);
}

void conf_check_route_map(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	const struct sl_conf_node *applier = conf_rmap_applier(v->c, n->name);

	if (applier != NULL)
		check_rmap_applied(v, n, applier, line);
}

void conf_check_ruleset(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	check_ruleset(v, n, line);
}

/* policy intent N: one rule, deny or require, with one `from` and one `to`
 * (other VRFs), and require with its address. The VRFs themselves are
 * references (checked as such: they must be configured). */
void conf_check_intent(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	const struct sl_conf_node *deny = sl_conf_child(n, "deny");
	const struct sl_conf_node *req = sl_conf_child(n, "require");
	const struct sl_conf_node *rule = deny ? deny : req, *from, *to;
	const char *word = deny ? "deny" : "require";
	size_t cur = 0;

	if (deny && req) {
		ERR(v, line,
			"policy intent %s: both 'deny' and 'require' (an intent is one rule: "
			"delete 'policy intent %s deny' or 'policy intent %s require')",
			n->name, n->name, n->name);
		return;
	}
	if (rule == NULL) {
		ERR(v, line,
			"policy intent %s: no rule (valid: 'policy intent %s deny from VRF to VRF' "
			"or 'policy intent %s require from VRF to VRF address A.B.C.D')",
			n->name, n->name, n->name);
		return;
	}
	const struct sl_conf_node *froms = sl_conf_child(rule, "from");
	if (froms == NULL || sl_conf_child_count(froms) != 1) {
		ERR(v, line,
			"policy intent %s %s: %s 'from' VRF (an intent names exactly one; valid: "
			"'policy intent %s %s from VRF to VRF%s')",
			n->name, word, froms ? "more than one" : "no", n->name, word,
			deny ? "" : " address A.B.C.D");
		return;
	}
	from = sl_conf_child_next(froms, &cur);
	const struct sl_conf_node *tos = sl_conf_child(from, "to");
	if (tos == NULL || sl_conf_child_count(tos) != 1) {
		ERR(v, line,
			"policy intent %s %s from %s: %s 'to' VRF (an intent names exactly one; "
			"valid: 'policy intent %s %s from %s to VRF%s')",
			n->name, word, from->name, tos ? "more than one" : "no", n->name, word,
			from->name, deny ? "" : " address A.B.C.D");
		return;
	}
	cur = 0;
	to = sl_conf_child_next(tos, &cur);
	if (strcmp(from->name, to->name) == 0)
		ERR(v, line,
			"policy intent %s %s from %s to %s: 'from' and 'to' are the same VRF "
			"(valid: two different VRFs)",
			n->name, word, from->name, to->name);
	if (req && sl_conf_leaf_value(to, "address") == NULL)
		ERR(v, line,
			"policy intent %s require from %s to %s: no address (valid: 'policy intent "
			"%s require from %s to %s address A.B.C.D')",
			n->name, from->name, to->name, n->name, from->name, to->name);
}

static void check_specific(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line)
{
	if (n->schema->check != NULL)
		n->schema->check(v, n, line);
}

static void check_tree(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line, bool top)
{
	if (is_object(n)) {
		/* a nested object with its own changed path is checked on its own,
		 * with its own line (a new VRF loaded with a million routes: the
		 * walk breathes an object at a time) */
		if (!top) {
			sl_progress();
			if (conf_change_has_node(v->c, n))
				return;
		}
		check_specific(v, n, line);
	}
	if (n->is_value && n->schema->type && n->schema->type->ref != CONF_REF_NONE &&
		referee(v->c, n->schema->type->ref, n->name) == NULL) {
		char path[PATH_LEN];
		conf_node_path(n->parent, path, sizeof(path));
		ERR(v, at(v, n, line), "%s '%s' is not defined (referenced by '%s')",
			ref_word(n->schema->type->ref), n->name, path);
	}
	for (uint32_t i = 0; i < n->kids.cap; i++)
		if (conf_kid(n, i))
			check_tree(v, conf_kid(n, i), line, false);
}

/* A path was deleted (or lost part of itself): whatever it held that others
 * still refer to is an error naming the referrer. */
static void check_deleted(struct conf_vctx *v, const struct conf_change *chg)
{
	const struct conf_refs *r = &v->c->refs;

	if (chg->ntok > 5)
		return; /* deeper than any referee (routes, rules, leaves) */
	for (uint32_t i = 0; i < r->cap; i++) {
		const struct conf_ref_head *h = r->slot[i];
		const char *tok[5];
		char eth[SL_NAME_MAX], path[PATH_LEN], what[PATH_LEN];
		int n;
		size_t k;

		if (h == NULL || h->first == NULL)
			continue;
		n = referee_path(h->kind, h->name, tok, eth, sizeof(eth));
		if ((size_t)n < chg->ntok)
			continue;
		for (k = 0; k < chg->ntok && strcmp(tok[k], chg->tok[k]) == 0; k++)
			;
		if (k < chg->ntok || referee(v->c, h->kind, h->name) != NULL)
			continue;
		conf_node_path(h->first->parent, path, sizeof(path));
		snprintf(what, sizeof(what), "%s %s", ref_word(h->kind), h->name);
		ERR(v, chg->line,
			"cannot delete %s: still referenced by '%s %s' (delete that first)", what,
			path, h->name);
	}
}

int conf_validate_all(struct sl_conf *c, struct sl_errors *errs)
{
	struct conf_vctx v = {.c = c, .errs = errs};

	for (size_t i = 0; i < c->nchg; i++) {
		const struct conf_change *chg = &c->chg[i];
		sl_progress();
		sl_conf_change_prefetch(c, i + 8);
		const struct sl_conf_node *n = conf_change_node(c, chg);
		const struct sl_conf_node *obj = NULL;

		if (n == NULL) {
			check_deleted(&v, chg);
			/* what held the deleted part may now be incomplete (a VRF without
			 * its table) */
			n = sl_conf_find(c, (const char *const *)chg->tok, chg->ntok - 1);
			for (size_t k = chg->ntok - 1; n == NULL && k > 0; k--)
				n = sl_conf_find(c, (const char *const *)chg->tok, k - 1);
			for (; n && n->parent; n = n->parent)
				if (is_object(n)) {
					check_specific(&v, n, chg->line);
					break;
				}
			continue;
		}
		for (const struct sl_conf_node *p = n; p && p->parent && !obj; p = p->parent)
			if (is_object(p))
				obj = p;
		/* a path above any object (e.g. [vrf]) may also have lost referees */
		if (obj == NULL)
			check_deleted(&v, chg);
		check_tree(&v, obj ? obj : n, chg->line, true);
		/* interfaces and vifs that changed or vanished under this path */
		if (obj && (obj->schema->obj == CONF_OBJ_ETHERNET))
			check_deleted(&v, chg);
	}
	v.nerr += conf_limits_check(c, errs);
	free(v.tables);
	free(v.no_action);
	conf_lines_free(&v.lines);
	return v.nerr ? -EINVAL : 0;
}
