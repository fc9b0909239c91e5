/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conf → RIB: re-derive exactly what a transaction's changed paths touched.
 * The RIB setters are declarative, so running this after an abort (the conf
 * being back to its old state) restores the RIB: that is the rollback.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

#define STATIC_NH_MAX 32

/* A set of names (VRFs, interfaces, policies touched by one commit), in
 * insertion order, with a hash index: a commit may touch thousands. */
struct name_set {
	char (*v)[SL_NAME_MAX];
	size_t n, cap;
	uint32_t *ix; /* index + 1 into v, 0: empty; open addressing */
	size_t ix_cap; /* power of two, > 2 n */
	int err; /* the first failed add (-ENOMEM): the set is short of a name */
};

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The index slot of name: where it is, or the empty one it would take. */
static uint32_t *set_slot(const struct name_set *s, const char *name)
{
	for (size_t i = name_hash(name) & (s->ix_cap - 1);; i = (i + 1) & (s->ix_cap - 1))
		if (s->ix[i] == 0 || strcmp(s->v[s->ix[i] - 1], name) == 0)
			return &s->ix[i];
}

static bool set_has(const struct name_set *s, const char *name)
{
	return s->ix_cap && *set_slot(s, name) != 0;
}

static int set_add(struct name_set *s, const char *name)
{
	if (set_has(s, name))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		void *v = realloc(s->v, cap * SL_NAME_MAX);
		if (v == NULL)
			return s->err = -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (2 * (s->n + 1) >= s->ix_cap) {
		size_t cap = s->ix_cap ? s->ix_cap * 2 : 64;
		uint32_t *ix = calloc(cap, sizeof(*ix));
		if (ix == NULL)
			return s->err = -ENOMEM;
		free(s->ix);
		s->ix = ix;
		s->ix_cap = cap;
		for (size_t i = 0; i < s->n; i++)
			*set_slot(s, s->v[i]) = (uint32_t)(i + 1);
	}
	commit_name_copy(s->v[s->n], name);
	*set_slot(s, s->v[s->n]) = (uint32_t)(s->n + 1);
	s->n++;
	return 0;
}

static void set_free(struct name_set *s)
{
	free(s->v);
	free(s->ix);
	memset(s, 0, sizeof(*s));
}

struct sync {
	struct sl_router *r;
	struct sl_errors *errs;
	unsigned line; /* line of the path being handled, for errors */
	struct name_set vrfs_full; /* VRFs whose statics and bgp are re-derived whole */
	struct name_set vrfs_bgp;
	struct name_set vrfs_nat; /* their leak-nat pools (routes in other VRFs) */
	struct name_set vrfs_del;
	struct name_set vrfs_table; /* table id may have changed */
	struct name_set ifaces; /* ethN: re-derive it and its vifs; "*": all */
	struct name_set vifs;
	struct name_set plists, rmaps; /* "*": all */
	bool all_vrfs, all_ifaces, default_statics_full;
	/* individual static routes: (vrf, prefix) */
	struct {
		char vrf[SL_NAME_MAX];
		struct sl_prefix p;
		unsigned line;
		/* the change at the route itself (SIZE_MAX: none), whose node
		 * spares the probe of the VRF's table of routes */
		size_t chg;
	} * statics;
	size_t n_statics, cap_statics;
	/* the first failure: a commit with one is refused even when its error
	 * message could not be recorded (out of memory) */
	int err;
	/* sync_statics: the last VRF's static route root (a 100,000-route
	 * change would otherwise walk the same six names per route) */
	char root_vrf[SL_NAME_MAX];
	const struct sl_conf_node *root;
	bool root_ok;
};

static int add_static(
	struct sync *s, const char *vrf, const char *prefix, unsigned line, size_t chg)
{
	struct sl_prefix p;
	if (sl_prefix_parse(prefix, &p, false) < 0)
		return 0; /* the parser refused it already */
	if (s->n_statics == s->cap_statics) {
		size_t cap = s->cap_statics ? s->cap_statics * 2 : 64;
		void *v = realloc(s->statics, cap * sizeof(*s->statics));
		if (v == NULL)
			return -ENOMEM;
		s->statics = v;
		s->cap_statics = cap;
	}
	commit_name_copy(s->statics[s->n_statics].vrf, vrf);
	s->statics[s->n_statics].p = p;
	s->statics[s->n_statics].chg = chg;
	s->statics[s->n_statics++].line = line;
	return 0;
}

/* Sort changed path i, c, into the sync plan. */
static int classify(struct sync *s, const struct sl_conf_change *c, size_t i)
{
	switch (c->kind) {
	case SL_CHG_VRFS:
		s->all_vrfs = true;
		return 0;
	case SL_CHG_VRF:
		return set_add(&s->vrfs_full, c->vrf);
	case SL_CHG_VRF_BGP: /* vrf NULL: `protocols bgp`, the default VRF's */
		return set_add(&s->vrfs_bgp, c->vrf ? c->vrf : SL_VRF_DEFAULT);
	case SL_CHG_VRF_LEAK_NAT:
		return set_add(&s->vrfs_nat, c->vrf);
	case SL_CHG_VRF_TABLE:
		return set_add(&s->vrfs_table, c->vrf);
	case SL_CHG_VRF_DESCRIPTION:
	case SL_CHG_VRF_LEAK_FIREWALL:
	case SL_CHG_VRF_IP: /* the interface view (sl_iface_state) carries it */
		return 0; /* nothing for the RIB */
	case SL_CHG_STATIC_ROUTE:
		return add_static(s, c->vrf ? c->vrf : SL_VRF_DEFAULT, c->name, c->line,
			c->ntokens > 0 && c->name == c->tokens[c->ntokens - 1] ? i : SIZE_MAX);
	case SL_CHG_STATICS: /* [protocols]: its bgp (the default VRF's) too */
		s->default_statics_full = true;
		return set_add(&s->vrfs_bgp, SL_VRF_DEFAULT);
	case SL_CHG_INTERFACES:
		s->all_ifaces = true;
		return 0;
	case SL_CHG_INTERFACE:
		return set_add(&s->ifaces, c->iface);
	case SL_CHG_VIF: {
		char ifname[SL_NAME_MAX];
		snprintf(ifname, sizeof(ifname), "%s.%s", c->iface, c->name);
		return set_add(&s->vifs, ifname);
	}
	case SL_CHG_POLICIES:
	case SL_CHG_PREFIX_LISTS:
	case SL_CHG_ROUTE_MAPS: {
		int rc = c->kind != SL_CHG_ROUTE_MAPS ? set_add(&s->plists, "*") : 0;
		return rc ? rc : c->kind != SL_CHG_PREFIX_LISTS ? set_add(&s->rmaps, "*") : 0;
	}
	case SL_CHG_PREFIX_LIST:
		return set_add(&s->plists, c->name);
	case SL_CHG_ROUTE_MAP:
		return set_add(&s->rmaps, c->name);
	case SL_CHG_FIREWALL:
	case SL_CHG_RULESET:
		return 0; /* enforced by the forwarding plane, not the RIB */
	case SL_CHG_INTENTS:
	case SL_CHG_INTENT:
		return 0; /* checked against the RIB after the sync (commit_intent.c) */
	case SL_CHG_OTHER:
		break;
	}
	/* a path below an object the schema does not type: re-derive its VRF */
	return c->vrf != NULL ? set_add(&s->vrfs_full, c->vrf) : 0;
}

static int collect_vrf(const struct sl_vrf_info *vi, void *arg)
{
	return set_add(arg, vi->name);
}

static void conf_names(
	const struct sl_conf *conf, struct name_set *out, const char *a, const char *b)
{
	const struct sl_conf_node *n = sl_conf_findv(conf, a, b, NULL), *c;
	size_t cur = 0;
	while (n && (c = sl_conf_child_next(n, &cur)) != NULL)
		set_add(out, sl_conf_node_name(c));
}

static void report(struct sync *s, int rc, const char *what, const char *name)
{
	if (rc < 0) {
		if (s->err == 0)
			s->err = rc;
		sl_errors_add(s->errs, s->line, "%s %s: %s", what, name, strerror(-rc));
	}
}

/* Free a working set of names; a set that missed a name fails the commit. */
static void set_done(struct sync *s, struct name_set *set)
{
	if (set->err < 0)
		report(s, set->err, "configuration", "sync");
	set_free(set);
}

/* ---- VRFs ---- */

static void sync_vrf_presence(struct sync *s)
{
	struct sl_rib *rib = s->r->rib;
	struct name_set names = {0};
	struct sl_vrf_info vi;

	if (s->all_vrfs) {
		conf_names(s->r->conf, &names, "vrf", "name");
		sl_rib_vrf_foreach(rib, collect_vrf, &names);
	}
	for (size_t i = 0; i < s->vrfs_full.n; i++)
		set_add(&names, s->vrfs_full.v[i]);
	for (size_t i = 0; i < names.n; i++) {
		const char *v = names.v[i];
		bool in_conf = sl_conf_findv(s->r->conf, "vrf", "name", v, NULL) != NULL;
		bool in_rib = sl_rib_vrf_info(rib, v, &vi) == 0;
		if (strcmp(v, SL_VRF_DEFAULT) == 0)
			continue;
		set_add(&s->vrfs_full, v);
		if (in_conf && !in_rib)
			report(s, sl_rib_vrf_add(rib, v, commit_vrf_table(s->r->conf, v)), "vrf",
				v);
		else if (!in_conf && in_rib)
			set_add(&s->vrfs_del, v);
		else if (in_conf)
			set_add(&s->vrfs_table, v);
	}
	for (size_t i = 0; i < s->vrfs_table.n; i++) {
		const char *v = s->vrfs_table.v[i];
		uint32_t table = commit_vrf_table(s->r->conf, v);
		if (table != 0 && sl_rib_vrf_info(rib, v, &vi) == 0 && vi.table != table)
			report(s, sl_rib_vrf_table_set(rib, v, table), "table of vrf", v);
	}
	set_done(s, &names);
}

/* ---- policies ---- */

static int collect_plist(const struct sl_plist *pl, void *arg)
{
	return set_add(arg, pl->name);
}

static int collect_rmap(const struct sl_rmap *rm, void *arg)
{
	return set_add(arg, rm->name);
}

static void sync_policies(struct sync *s, bool deletions)
{
	struct name_set pl = {0}, rm = {0};

	for (size_t i = 0; i < s->plists.n; i++) {
		if (strcmp(s->plists.v[i], "*") == 0) {
			conf_names(s->r->conf, &pl, "policy", "prefix-list");
			sl_policy_plist_foreach(sl_rib_policy(s->r->rib), collect_plist, &pl);
		}
		set_add(&pl, s->plists.v[i]);
	}
	for (size_t i = 0; i < s->rmaps.n; i++) {
		if (strcmp(s->rmaps.v[i], "*") == 0) {
			conf_names(s->r->conf, &rm, "policy", "route-map");
			sl_policy_rmap_foreach(sl_rib_policy(s->r->rib), collect_rmap, &rm);
		}
		set_add(&rm, s->rmaps.v[i]);
	}
	for (size_t i = 0; i < pl.n; i++) {
		struct sl_plist p;
		const char *name = pl.v[i];
		if (strcmp(name, "*") == 0)
			continue;
		int rc = commit_plist_read(s->r->conf, name, &p);
		if (rc == 0 && !deletions)
			report(s, sl_rib_plist_set(s->r->rib, name, &p), "prefix-list", name);
		else if (rc == -ENOENT && deletions &&
			 sl_policy_plist_find(sl_rib_policy(s->r->rib), name) != NULL)
			report(s, sl_rib_plist_set(s->r->rib, name, NULL), "prefix-list", name);
		free(p.rules);
	}
	for (size_t i = 0; i < rm.n; i++) {
		struct sl_rmap m;
		const char *name = rm.v[i];
		if (strcmp(name, "*") == 0)
			continue;
		int rc = commit_rmap_read(s->r->conf, name, &m);
		if (rc == 0 && !deletions)
			report(s, sl_rib_rmap_set(s->r->rib, name, &m), "route-map", name);
		else if (rc == -ENOENT && deletions &&
			 sl_policy_rmap_find(sl_rib_policy(s->r->rib), name) != NULL)
			report(s, sl_rib_rmap_set(s->r->rib, name, NULL), "route-map", name);
		free(m.rules);
	}
	set_done(s, &pl);
	set_done(s, &rm);
}

/* ---- interfaces ---- */

static int known_add(struct sl_router *r, const char *ifname)
{
	for (size_t i = 0; i < r->n_ifaces; i++)
		if (strcmp(r->ifaces[i], ifname) == 0)
			return 0;
	if (r->n_ifaces == r->cap_ifaces) {
		size_t cap = r->cap_ifaces ? r->cap_ifaces * 2 : 16;
		void *v = realloc(r->ifaces, cap * SL_NAME_MAX);
		if (v == NULL)
			return -ENOMEM;
		r->ifaces = v;
		r->cap_ifaces = cap;
	}
	snprintf(r->ifaces[r->n_ifaces++], SL_NAME_MAX, "%s", ifname);
	return 0;
}

static void known_del(struct sl_router *r, const char *ifname)
{
	for (size_t i = 0; i < r->n_ifaces; i++)
		if (strcmp(r->ifaces[i], ifname) == 0) {
			memmove(r->ifaces[i], r->ifaces[r->n_ifaces - 1], SL_NAME_MAX);
			r->n_ifaces--;
			return;
		}
}

static void sync_one_iface(struct sync *s, const char *ifname)
{
	struct sl_iface_state ifs;

	int rrc = commit_iface_read(s->r, ifname, &ifs);
	if (rrc == -ENOMEM) { /* it exists, but could not be read whole */
		report(s, rrc, "interface", ifname);
		return;
	}
	if (rrc == 0) {
		report(s,
			sl_rib_iface_set(
				s->r->rib, ifname, ifs.vrf, ifs.up, ifs.addrs, ifs.n_addrs),
			"interface", ifname);
		report(s, known_add(s->r, ifname), "interface", ifname);
	} else {
		int rc = sl_rib_iface_del(s->r->rib, ifname);
		if (rc != -ENOENT)
			report(s, rc, "interface", ifname);
		known_del(s->r, ifname);
	}
}

static void sync_ifaces(struct sync *s)
{
	struct sl_router *r = s->r;
	struct name_set names = {0};

	if (s->all_ifaces) {
		conf_names(r->conf, &s->ifaces, "interfaces", "ethernet");
		for (size_t i = 0; i < r->n_ifaces; i++)
			set_add(&names, r->ifaces[i]);
	}
	for (size_t i = 0; i < s->ifaces.n; i++) {
		const char *eth = s->ifaces.v[i];
		size_t len = strlen(eth);
		const struct sl_conf_node *vifs, *c;
		size_t cur = 0;

		set_add(&names, eth);
		/* the parent's state (disable) and existence govern its vifs */
		vifs = sl_conf_findv(r->conf, "interfaces", "ethernet", eth, "vif", NULL);
		while (vifs && (c = sl_conf_child_next(vifs, &cur)) != NULL) {
			char ifname[SL_NAME_MAX];
			snprintf(ifname, sizeof(ifname), "%s.%s", eth, sl_conf_node_name(c));
			set_add(&names, ifname);
		}
		for (size_t k = 0; k < r->n_ifaces; k++)
			if (strncmp(r->ifaces[k], eth, len) == 0 && r->ifaces[k][len] == '.')
				set_add(&names, r->ifaces[k]);
	}
	for (size_t i = 0; i < s->vifs.n; i++)
		set_add(&names, s->vifs.v[i]);
	for (size_t i = 0; i < names.n; i++)
		sync_one_iface(s, names.v[i]);
	set_done(s, &names);
}

/* ---- static routes ---- */

static const struct sl_conf_node *static_root(struct sync *s, const char *vrf)
{
	size_t len = strlen(vrf);
	if (s->root_ok && strcmp(s->root_vrf, vrf) == 0)
		return s->root;
	s->root = commit_static_root(s->r->conf, vrf);
	s->root_ok = len < sizeof(s->root_vrf);
	if (s->root_ok)
		memcpy(s->root_vrf, vrf, len + 1);
	return s->root;
}

/* route: p's node when known, else NULL (looked up). */
static void sync_one_static(
	struct sync *s, const char *vrf, struct sl_prefix p, const struct sl_conf_node *route)
{
	const struct sl_conf_node *root;
	struct sl_static_nh nhs[STATIC_NH_MAX];
	char ps[SL_PREFIX_STR];
	int n = 0;

	sl_progress();

	if (route == NULL && (root = static_root(s, vrf)) != NULL)
		route = sl_conf_child(root, sl_prefix_fmt(p, ps));
	if (route != NULL && (n = commit_static_read(route, nhs, STATIC_NH_MAX)) < 0)
		n = 0;
	int rc = sl_rib_static_set(s->r->rib, vrf, p, nhs, (size_t)n);
	if (rc < 0 && !(rc == -ENOENT && n == 0))
		sl_errors_add(s->errs, s->line, "static route %s in vrf %s: %s",
			sl_prefix_fmt(p, ps), vrf, strerror(-rc));
}

struct prefix_list {
	struct sl_prefix *v;
	size_t n, cap;
};

static int collect_static(struct sl_prefix prefix, void *arg)
{
	struct prefix_list *l = arg;
	sl_progress(); /* every static route of a VRF: 1M in one */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *v = realloc(l->v, cap * sizeof(*l->v));
		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = prefix;
	return 0;
}

/* Every static route of a VRF: the RIB's (to drop deleted ones) and the conf's. */
static void sync_vrf_statics(struct sync *s, const char *vrf)
{
	struct prefix_list old = {0};
	const struct sl_conf_node *root, *c;
	struct sl_prefix p;
	size_t cur = 0;

	/* not the route candidates: a static refused as a collision has none */
	sl_rib_static_foreach(s->r->rib, vrf, collect_static, &old);
	root = static_root(s, vrf);
	for (size_t i = 0; i < old.n; i++) {
		char ps[SL_PREFIX_STR];
		sl_progress();
		if (root == NULL || sl_conf_child(root, sl_prefix_fmt(old.v[i], ps)) == NULL)
			sync_one_static(s, vrf, old.v[i], NULL);
	}
	while (root && (c = sl_conf_child_next(root, &cur)) != NULL)
		if (sl_prefix_parse(sl_conf_node_name(c), &p, false) == 0)
			sync_one_static(s, vrf, p, c);
	free(old.v);
}

static void sync_statics(struct sync *s)
{
	s->root_ok = false; /* the tree is fixed from here to the end */
	for (size_t i = 0; i < s->vrfs_full.n; i++)
		if (!set_has(&s->vrfs_del, s->vrfs_full.v[i]))
			sync_vrf_statics(s, s->vrfs_full.v[i]);
	if (s->default_statics_full)
		sync_vrf_statics(s, SL_VRF_DEFAULT);
	for (size_t i = 0; i < s->n_statics; i++) {
		const char *vrf = s->statics[i].vrf;
		bool is_default = strcmp(vrf, SL_VRF_DEFAULT) == 0;
		if (is_default ? s->default_statics_full
			       : set_has(&s->vrfs_full, vrf) || set_has(&s->vrfs_del, vrf))
			continue; /* already re-derived whole */
		s->line = s->statics[i].line;
		if (i + 8 < s->n_statics && s->statics[i + 8].chg != SIZE_MAX)
			sl_conf_change_prefetch(s->r->conf, s->statics[i + 8].chg);
		/* the RIB's slot 16 ahead, its entry 8 ahead: in a 1M-route VRF
		 * each is a cache miss that would come after the other */
		if (i + 16 < s->n_statics)
			sl_rib_static_prefetch(
				s->r->rib, s->statics[i + 16].vrf, s->statics[i + 16].p, 0);
		if (i + 8 < s->n_statics)
			sl_rib_static_prefetch(
				s->r->rib, s->statics[i + 8].vrf, s->statics[i + 8].p, 1);
		sync_one_static(s, vrf, s->statics[i].p,
			s->statics[i].chg == SIZE_MAX
				? NULL
				: sl_conf_change_node(s->r->conf, s->statics[i].chg));
	}
}

/* ---- leak settings ---- */

static void sync_bgp(struct sync *s)
{
	struct name_set names = {0};
	for (size_t i = 0; i < s->vrfs_full.n; i++)
		set_add(&names, s->vrfs_full.v[i]);
	for (size_t i = 0; i < s->vrfs_bgp.n; i++)
		set_add(&names, s->vrfs_bgp.v[i]);
	for (size_t i = 0; i < names.n; i++) {
		struct sl_rib_bgp b;
		struct sl_vrf_info vi;
		const char *vrf = names.v[i];
		/* deleted, or created and deleted again in this transaction (in
		 * neither the configuration nor the RIB: nothing to derive) */
		if (set_has(&s->vrfs_del, vrf) || sl_rib_vrf_info(s->r->rib, vrf, &vi) < 0)
			continue;
		if (commit_bgp_read(s->r->conf, vrf, &b) < 0) {
			sl_errors_add(
				s->errs, 0, "vrf %s: out of memory reading leak settings", vrf);
			continue;
		}
		report(s, sl_rib_vrf_bgp_set(s->r->rib, vrf, &b), "bgp of vrf", vrf);
		commit_bgp_free(&b);
	}
	set_done(s, &names);
}

/* ---- NAT pools: routes of the leak point in the VRF translated into ---- */

static void sync_nat(struct sync *s)
{
	struct name_set names = {0};
	for (size_t i = 0; i < s->vrfs_full.n; i++)
		set_add(&names, s->vrfs_full.v[i]);
	for (size_t i = 0; i < s->vrfs_nat.n; i++)
		set_add(&names, s->vrfs_nat.v[i]);
	for (size_t i = 0; i < names.n; i++) {
		struct commit_nat cn[SL_RIB_NAT_MAX];
		struct sl_rib_nat nats[SL_RIB_NAT_MAX];
		const char *vrf = names.v[i];
		/* a deleted VRF's pools go (read as none) before the VRF does */
		int n = commit_nat_read(s->r->conf, vrf, cn, SL_RIB_NAT_MAX);
		if (n < 0) {
			report(s, n, "leak-nat of vrf", vrf);
			continue;
		}
		for (int k = 0; k < n; k++)
			nats[k] = cn[k].r;
		int rc = sl_rib_nat_set(s->r->rib, vrf, nats, (size_t)n);
		if (rc != -ENOENT || n > 0)
			report(s, rc, "leak-nat of vrf", vrf);
	}
	set_done(s, &names);
}

int commit_sync(struct sl_router *r, struct sl_errors *errs)
{
	struct sync s = {.r = r, .errs = errs};
	size_t n = sl_conf_change_count(r->conf);
	size_t before = errs->n;
	int rc = 0;

	/* room for a static route a change: growing the array by doubling
	 * copied megabytes in one go (3 ms at 65,536 of a 100,000-line change) */
	if (n > 0 && (s.statics = malloc(n * sizeof(*s.statics))) != NULL)
		s.cap_statics = n;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct sl_conf_change c;
		sl_progress();
		if (sl_conf_change_at(r->conf, i, &c) == 0)
			rc = classify(&s, &c, i);
	}
	if (rc == 0) {
		/* order: VRFs and policies exist before anything refers to them;
		 * they go away after nothing does */
		sync_vrf_presence(&s);
		sync_policies(&s, false);
		sync_ifaces(&s);
		sync_statics(&s);
		sync_bgp(&s);
		sync_policies(&s, true);
		sync_nat(&s);
		for (size_t i = 0; i < s.vrfs_del.n; i++)
			report(&s, sl_rib_vrf_del(r->rib, s.vrfs_del.v[i]), "vrf", s.vrfs_del.v[i]);
	}
	set_done(&s, &s.vrfs_full);
	set_done(&s, &s.vrfs_bgp);
	set_done(&s, &s.vrfs_nat);
	set_done(&s, &s.vrfs_del);
	set_done(&s, &s.vrfs_table);
	set_done(&s, &s.ifaces);
	set_done(&s, &s.vifs);
	set_done(&s, &s.plists);
	set_done(&s, &s.rmaps);
	free(s.statics);
	if (rc < 0)
		return rc;
	return errs->n > before ? -EINVAL : s.err;
}
