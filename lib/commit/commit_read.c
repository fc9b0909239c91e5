/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed views of configuration nodes: what the RIB setters and the
 * forwarding plane take, read from the generic VyOS tree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

static uint32_t leaf_u32(const struct sl_conf_node *n, const char *leaf, uint32_t dflt)
{
	const char *v = n ? sl_conf_leaf_value(n, leaf) : NULL;
	uint32_t x;
	return v != NULL && sl_u32_parse(v, 0, UINT32_MAX, &x) == 0 ? x : dflt;
}

static void copy_name(char *dst, const char *src)
{
	commit_name_copy(dst, src ? src : "");
}

/* "eth1.100" → port "eth1", vlan 100 */
static int split_ifname(const char *ifname, char *port, char *vlan)
{
	const char *dot = strchr(ifname, '.');
	size_t n = dot ? (size_t)(dot - ifname) : strlen(ifname);

	if (n == 0 || n >= SL_NAME_MAX)
		return -EINVAL;
	memcpy(port, ifname, n);
	port[n] = '\0';
	snprintf(vlan, 8, "%s", dot ? dot + 1 : "");
	return 0;
}

const struct sl_conf_node *commit_iface_node(const struct sl_conf *conf, const char *ifname)
{
	char port[SL_NAME_MAX], vlan[8];
	const struct sl_conf_node *eth;

	if (split_ifname(ifname, port, vlan) < 0)
		return NULL;
	eth = sl_conf_findv(conf, "interfaces", "ethernet", port, NULL);
	if (eth == NULL || vlan[0] == '\0')
		return eth;
	return sl_conf_findv(conf, "interfaces", "ethernet", port, "vif", vlan, NULL);
}

int commit_iface_read(const struct sl_router *r, const char *ifname, struct sl_iface_state *ifs)
{
	const struct sl_conf_node *node = commit_iface_node(r->conf, ifname), *eth;
	char vlan[8];
	const char **addrs = NULL;
	size_t n = 0;
	const char *vrf;
	struct sl_vrf_info vi;

	if (node == NULL)
		return -ENOENT;
	memset(ifs, 0, sizeof(*ifs));
	copy_name(ifs->ifname, ifname);
	split_ifname(ifname, ifs->port, vlan);
	ifs->port_id = (uint32_t)strtoul(ifs->port + 3, NULL, 10);
	ifs->vlan = (uint16_t)(vlan[0] ? strtoul(vlan, NULL, 10) : 0);
	eth = vlan[0] ? sl_conf_findv(r->conf, "interfaces", "ethernet", ifs->port, NULL) : node;
	vrf = sl_conf_leaf_value(node, "vrf");
	copy_name(ifs->vrf, vrf ? vrf : SL_VRF_DEFAULT);
	ifs->vrf_id = sl_rib_vrf_info(r->rib, ifs->vrf, &vi) == 0 ? vi.id : 0;
	const struct sl_conf_node *vip =
		sl_conf_findv(r->conf, "vrf", "name", ifs->vrf, "ip", NULL);
	ifs->answer_across_leaks = vip != NULL && sl_conf_has(vip, "answer-across-leaks");
	/* a disabled parent takes its vifs down with it, as on VyOS */
	ifs->up = !sl_conf_has(node, "disable") && !(eth && sl_conf_has(eth, "disable"));
	ifs->mtu = leaf_u32(node, "mtu", 0);
	const char *sv = sl_conf_leaf_value(sl_conf_child(node, "ip"), "source-validation");
	ifs->src_valid_set = sv != NULL;
	if (sv == NULL)
		ifs->src_valid = ifs->vrf_id != 0 ? SL_SRC_VALID_STRICT : SL_SRC_VALID_DISABLE;
	else if (strcmp(sv, "strict") == 0)
		ifs->src_valid = SL_SRC_VALID_STRICT;
	else if (strcmp(sv, "loose") == 0)
		ifs->src_valid = SL_SRC_VALID_LOOSE;
	else
		ifs->src_valid = SL_SRC_VALID_DISABLE;
	const char *hw = sl_conf_leaf_value(eth, "hw-id");
	snprintf(ifs->hw_id, sizeof(ifs->hw_id), "%s", hw ? hw : "");
	const char *d = sl_conf_leaf_value(node, "description");
	snprintf(ifs->description, sizeof(ifs->description), "%s", d ? d : "");
	if (sl_conf_leaf_values(node, "address", &addrs, &n) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n && ifs->n_addrs < SL_IFACE_ADDR_MAX; i++)
		if (sl_prefix_parse(addrs[i], &ifs->addrs[ifs->n_addrs], true) == 0)
			ifs->n_addrs++;
	free(addrs);
	return 0;
}

static void nh_common(const struct sl_conf_node *n, struct sl_static_nh *nh)
{
	const char *vrf = sl_conf_leaf_value(n, "vrf");
	nh->distance = (uint8_t)leaf_u32(n, "distance", 1);
	nh->weight = (uint8_t)leaf_u32(n, "weight", 1);
	copy_name(nh->vrf, vrf);
}

int commit_static_read(const struct sl_conf_node *route, struct sl_static_nh *nhs, size_t max)
{
	const struct sl_conf_node *kind, *c;
	size_t n = 0, cur;

	if ((kind = sl_conf_child(route, "next-hop")) != NULL) {
		for (cur = 0; (c = sl_conf_child_next(kind, &cur)) != NULL && n < max; n++) {
			memset(&nhs[n], 0, sizeof(nhs[n]));
			nhs[n].type = SL_STATIC_GATEWAY;
			if (sl_addr_parse(sl_conf_node_name(c), &nhs[n].gw) < 0)
				return -EINVAL;
			nh_common(c, &nhs[n]);
		}
	}
	if ((kind = sl_conf_child(route, "interface")) != NULL) {
		for (cur = 0; (c = sl_conf_child_next(kind, &cur)) != NULL && n < max; n++) {
			memset(&nhs[n], 0, sizeof(nhs[n]));
			nhs[n].type = SL_STATIC_INTERFACE;
			copy_name(nhs[n].ifname, sl_conf_node_name(c));
			nh_common(c, &nhs[n]);
		}
	}
	if ((kind = sl_conf_child(route, "blackhole")) != NULL && n < max) {
		memset(&nhs[n], 0, sizeof(nhs[n]));
		nhs[n].type = SL_STATIC_BLACKHOLE;
		nhs[n].distance = (uint8_t)leaf_u32(kind, "distance", 1);
		n++;
	}
	return (int)n;
}

const struct sl_conf_node *commit_static_root(const struct sl_conf *conf, const char *vrf)
{
	if (strcmp(vrf, SL_VRF_DEFAULT) == 0)
		return sl_conf_findv(conf, "protocols", "static", "route", NULL);
	return sl_conf_findv(conf, "vrf", "name", vrf, "protocols", "static", "route", NULL);
}

uint32_t commit_vrf_table(const struct sl_conf *conf, const char *vrf)
{
	const struct sl_conf_node *v = sl_conf_findv(conf, "vrf", "name", vrf, NULL);
	return v ? leaf_u32(v, "table", 0) : 0;
}

/* Append the RTs of multi leaf `leaf` under node to *v. */
static int add_rts(const struct sl_conf_node *node, const char *leaf, struct sl_rt **v, size_t *n)
{
	const char **vals = NULL;
	size_t nv = 0;
	struct sl_rt *grown;

	if (node == NULL)
		return 0;
	if (sl_conf_leaf_values(node, leaf, &vals, &nv) < 0)
		return -ENOMEM;
	if (nv == 0)
		return 0;
	grown = realloc(*v, (*n + nv) * sizeof(**v));
	if (grown == NULL) {
		free(vals);
		return -ENOMEM;
	}
	*v = grown;
	for (size_t i = 0; i < nv; i++) {
		struct sl_rt rt;
		bool dup = false;
		if (sl_rt_parse(vals[i], &rt) < 0)
			continue;
		for (size_t k = 0; k < *n; k++)
			dup = dup || sl_rt_eq((*v)[k], rt);
		if (!dup)
			(*v)[(*n)++] = rt;
	}
	free(vals);
	return 0;
}

void commit_bgp_free(struct sl_rib_bgp *b)
{
	free(b->rt_import);
	free(b->rt_export);
	free(b->import_vrf);
	memset(b, 0, sizeof(*b));
}

int commit_nat_read(const struct sl_conf *conf, const char *vrf, struct commit_nat *out, size_t max)
{
	const struct sl_conf_node *tos =
		sl_conf_findv(conf, "vrf", "name", vrf, "leak-nat", "to", NULL);
	const struct sl_conf_node *to;
	size_t cur = 0, n = 0;

	while (tos && (to = sl_conf_child_next(tos, &cur)) != NULL) {
		const struct sl_conf_node *tr =
			sl_conf_child(sl_conf_child(to, "source"), "translation");
		const char *a = sl_conf_leaf_value(tr, "address");
		const char *ports = sl_conf_leaf_value(tr, "port");
		struct sl_prefix p;
		unsigned lo = 0, hi = 0;
		if (a == NULL || sl_prefix_parse(a, &p, false) < 0)
			continue; /* refused by validation */
		if (n == max)
			return -E2BIG;
		if (ports != NULL && sscanf(ports, "%u-%u", &lo, &hi) == 1)
			hi = lo;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].r.to, sizeof(out[n].r.to), "%s", sl_conf_node_name(to));
		out[n].r.pool = p;
		out[n].port_lo = (uint16_t)lo;
		out[n++].port_hi = (uint16_t)hi;
	}
	return (int)n;
}

int commit_bgp_read(const struct sl_conf *conf, const char *vrf, struct sl_rib_bgp *b)
{
	const struct sl_conf_node *bgp, *af, *n, *rt;
	const char *v;
	int rc = 0;

	memset(b, 0, sizeof(*b));
	if (strcmp(vrf, SL_VRF_DEFAULT) == 0) {
		/* `protocols bgp`: VyOS's recipe sets its system-as alone for
		 * leaking between other VRFs; the default VRF leaks only once
		 * it has an address-family */
		bgp = sl_conf_findv(conf, "protocols", "bgp", NULL);
		if (sl_conf_child(bgp, "address-family") == NULL)
			return 0;
	} else {
		bgp = sl_conf_findv(conf, "vrf", "name", vrf, "protocols", "bgp", NULL);
	}
	if (bgp == NULL)
		return 0;
	b->enabled = true;
	b->asn = leaf_u32(bgp, "system-as", 0);
	af = sl_conf_child(sl_conf_child(bgp, "address-family"), "ipv4-unicast");
	if (af == NULL)
		return 0;

	/* `rd RD` or VyOS's `rd vpn export RD` */
	if ((n = sl_conf_child(af, "rd")) != NULL) {
		const struct sl_conf_node *vpn = sl_conf_child(n, "vpn");
		v = vpn ? sl_conf_leaf_value(vpn, "export") : NULL;
		if (v == NULL) {
			size_t cur = 0;
			const struct sl_conf_node *c;
			while ((c = sl_conf_child_next(n, &cur)) != NULL)
				if (strcmp(sl_conf_node_name(c), "vpn") != 0)
					v = sl_conf_node_name(c);
		}
		b->has_rd = v != NULL && sl_rt_parse(v, &b->rd) == 0;
	}
	/* `route-target import|export|both` and `route-target vpn import|export|both` */
	if ((rt = sl_conf_child(af, "route-target")) != NULL) {
		const struct sl_conf_node *vpn = sl_conf_child(rt, "vpn");
		const struct sl_conf_node *srcs[2] = {rt, vpn};
		for (int i = 0; i < 2 && rc == 0; i++) {
			rc = add_rts(srcs[i], "import", &b->rt_import, &b->n_rt_import);
			rc = rc ? rc : add_rts(srcs[i], "export", &b->rt_export, &b->n_rt_export);
			rc = rc ? rc : add_rts(srcs[i], "both", &b->rt_import, &b->n_rt_import);
			rc = rc ? rc : add_rts(srcs[i], "both", &b->rt_export, &b->n_rt_export);
		}
	}
	/* import vrf NAME… */
	if (rc == 0 && (n = sl_conf_child(af, "import")) != NULL) {
		const char **vals = NULL;
		size_t nv = 0;
		if (sl_conf_leaf_values(n, "vrf", &vals, &nv) < 0) {
			rc = -ENOMEM;
		} else if (nv > 0) {
			b->import_vrf = calloc(nv, SL_NAME_MAX);
			if (b->import_vrf == NULL)
				rc = -ENOMEM;
			for (size_t i = 0; b->import_vrf && i < nv; i++)
				copy_name(b->import_vrf[b->n_import_vrf++], vals[i]);
		}
		free(vals);
	}
	/* route-map vpn import|export NAME */
	if ((n = sl_conf_child(af, "route-map")) != NULL && (n = sl_conf_child(n, "vpn")) != NULL) {
		copy_name(b->rmap_import, sl_conf_leaf_value(n, "import"));
		copy_name(b->rmap_export, sl_conf_leaf_value(n, "export"));
	}
	if ((n = sl_conf_child(af, "redistribute")) != NULL) {
		b->redist_connected = sl_conf_has(n, "connected");
		b->redist_static = sl_conf_has(n, "static");
	}
	if (rc < 0)
		commit_bgp_free(b);
	return rc;
}

static int rule_seq_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static enum sl_action read_action(const struct sl_conf_node *rule)
{
	const char *a = sl_conf_leaf_value(rule, "action");
	if (a == NULL)
		return SL_ACTION_NONE;
	return strcmp(a, "permit") == 0 ? SL_ACTION_PERMIT : SL_ACTION_DENY;
}

int commit_plist_read(const struct sl_conf *conf, const char *name, struct sl_plist *pl)
{
	const struct sl_conf_node *node, *rules, *r;
	size_t cur = 0, n;

	memset(pl, 0, sizeof(*pl));
	node = sl_conf_findv(conf, "policy", "prefix-list", name, NULL);
	if (node == NULL)
		return -ENOENT;
	copy_name(pl->name, name);
	rules = sl_conf_child(node, "rule");
	n = rules ? sl_conf_child_count(rules) : 0;
	if (n == 0)
		return 0;
	pl->rules = calloc(n, sizeof(*pl->rules));
	if (pl->rules == NULL)
		return -ENOMEM;
	while ((r = sl_conf_child_next(rules, &cur)) != NULL && pl->n_rules < n) {
		struct sl_plist_rule *pr = &pl->rules[pl->n_rules++];
		const char *p = sl_conf_leaf_value(r, "prefix");
		sl_u32_parse(sl_conf_node_name(r), 0, UINT32_MAX, &pr->seq);
		pr->has_prefix = p != NULL && sl_prefix_parse(p, &pr->prefix, true) == 0;
		pr->ge = (uint8_t)leaf_u32(r, "ge", 0);
		pr->le = (uint8_t)leaf_u32(r, "le", 0);
		pr->action = read_action(r);
	}
	/* seq is the struct's first member: sort by it */
	qsort(pl->rules, pl->n_rules, sizeof(*pl->rules), rule_seq_cmp);
	return 0;
}

int commit_rmap_read(const struct sl_conf *conf, const char *name, struct sl_rmap *rm)
{
	const struct sl_conf_node *node, *rules, *r, *m;
	size_t cur = 0, n;

	memset(rm, 0, sizeof(*rm));
	node = sl_conf_findv(conf, "policy", "route-map", name, NULL);
	if (node == NULL)
		return -ENOENT;
	copy_name(rm->name, name);
	rules = sl_conf_child(node, "rule");
	n = rules ? sl_conf_child_count(rules) : 0;
	if (n == 0)
		return 0;
	rm->rules = calloc(n, sizeof(*rm->rules));
	if (rm->rules == NULL)
		return -ENOMEM;
	while ((r = sl_conf_child_next(rules, &cur)) != NULL && rm->n_rules < n) {
		struct sl_rmap_rule *rr = &rm->rules[rm->n_rules++];
		sl_u32_parse(sl_conf_node_name(r), 0, UINT32_MAX, &rr->seq);
		rr->action = read_action(r);
		m = sl_conf_child(r, "match");
		m = m ? sl_conf_child(m, "ip") : NULL;
		m = m ? sl_conf_child(m, "address") : NULL;
		copy_name(rr->match_plist, m ? sl_conf_leaf_value(m, "prefix-list") : NULL);
		m = sl_conf_child(r, "set");
		if (m != NULL && sl_conf_leaf_value(m, "local-preference") != NULL) {
			rr->set_local_pref = true;
			rr->local_pref = leaf_u32(m, "local-preference", 100);
		}
		if (m != NULL && sl_conf_leaf_value(m, "metric") != NULL) {
			rr->set_metric = true;
			rr->metric = leaf_u32(m, "metric", 0);
		}
	}
	qsort(rm->rules, rm->n_rules, sizeof(*rm->rules), rule_seq_cmp);
	return 0;
}

int sl_router_syslog_level(const struct sl_router *r)
{
	static const char *const prio[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "all"};
	const struct sl_conf_node *f =
		sl_conf_findv(r->conf, "system", "syslog", "global", "facility", NULL);
	const char *l = NULL, *fac[] = {"daemon", "all"};
	for (size_t i = 0; f != NULL && l == NULL && i < 2; i++)
		l = sl_conf_leaf_value(sl_conf_child(f, fac[i]), "level");
	for (int i = 0; l != NULL && i < 9; i++)
		if (strcmp(l, prio[i]) == 0)
			return i < 8 ? i : 7;
	return -1;
}

/* A listener node n: its address leaf (default 127.0.0.1: a peer on the same
 * machine) and port leaf; true when n is configured. */
static bool listen_conf(const struct sl_conf_node *n, const char *addr_leaf, uint16_t port_dflt,
	uint32_t *addr, uint16_t *port)
{
	const char *a = n ? sl_conf_leaf_value(n, addr_leaf) : NULL;
	*addr = 0x7f000001;
	if (a != NULL)
		sl_addr_parse(a, addr);
	*port = (uint16_t)leaf_u32(n, "port", port_dflt);
	return n != NULL;
}

bool sl_router_fpm_conf(const struct sl_router *r, uint32_t *addr, uint16_t *port)
{
	return listen_conf(sl_conf_findv(r->conf, "protocols", "fpm", NULL), "address",
		SL_FPM_DEFAULT_PORT, addr, port);
}

bool sl_router_prom_conf(const struct sl_router *r, uint32_t *addr, uint16_t *port)
{
	return listen_conf(sl_conf_findv(r->conf, "service", "monitoring", "prometheus", NULL),
		"listen-address", SL_PROM_DEFAULT_PORT, addr, port);
}
