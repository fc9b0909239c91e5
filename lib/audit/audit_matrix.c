/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VRF x VRF leak matrix. FROM reaches TO through FROM's selected leaked
 * routes whose forwarding continues in TO. The return path asks, for each
 * connected prefix of FROM (where its hosts live), whether TO's longest
 * match for it leads back into FROM. Firewall bindings (`vrf name FROM
 * leak-firewall to TO name R`) and NAT pools (`leak-nat`) come from
 * lib/commit's firewall spec.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit_priv.h"

struct lookup_first {
	bool found;
	struct sl_route rt;
};

static int first_route(const struct sl_route *rt, void *arg)
{
	struct lookup_first *f = arg;
	f->found = rt->selected;
	f->rt = *rt;
	return 1; /* candidates come selected first: the first one decides */
}

static int reach_add(struct sl_leak_reach *c, size_t *cap, struct sl_prefix p)
{
	if (audit_grow(&c->prefixes, cap, c->n_prefixes, sizeof(p)) < 0)
		return -ENOMEM;
	c->prefixes[c->n_prefixes++] = p;
	return 0;
}

static int return_path(struct audit_state *s, const struct audit_vrf *from, const char *to,
	struct sl_leak_reach *c)
{
	size_t n_conn = 0, cap = 0;

	for (size_t i = 0; i < from->n_routes; i++) {
		const struct sl_route *cr = &from->routes[i];
		struct lookup_first f = {0};
		if (cr->source != SL_SRC_CONNECTED || !cr->selected)
			continue;
		n_conn++;
		sl_rib_route_lookup(s->rib, to, cr->prefix, false, first_route, &f);
		if (f.found && strcmp(f.rt.origin_vrf, from->name) == 0)
			continue;
		if (audit_grow(&c->gaps, &cap, c->n_gaps, sizeof(*c->gaps)) < 0)
			return -ENOMEM;
		struct sl_return_gap *g = &c->gaps[c->n_gaps++];
		memset(g, 0, sizeof(*g));
		g->source = cr->prefix;
		g->has_route = f.found;
		if (f.found) {
			g->route = f.rt.prefix;
			snprintf(g->leads_to, sizeof(g->leads_to), "%s",
				f.rt.origin_vrf[0] ? f.rt.origin_vrf : to);
		}
	}
	if (n_conn == 0)
		c->ret = SL_RETURN_NA;
	else if (c->n_gaps == 0)
		c->ret = SL_RETURN_FULL;
	else if (c->n_gaps < n_conn)
		c->ret = SL_RETURN_PARTIAL;
	else
		c->ret = SL_RETURN_NONE;
	return 0;
}

static int index_of(const struct sl_leak_matrix *m, const char *name)
{
	for (size_t i = 0; i < m->n_vrfs; i++)
		if (strcmp(m->vrfs[i], name) == 0)
			return (int)i;
	return -1;
}

/* The ruleset and the NAT pool of each cell's direction, from lib/commit's
 * firewall spec; a NATed direction has its return path by construction. */
static int firewall_bindings(const struct sl_router *r, struct sl_leak_matrix *m)
{
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	int rc = sl_router_fw_spec(r, &spec, &msgs);

	sl_errors_free(&msgs);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < spec->n_bindings; i++) {
		const struct sl_fw_binding_spec *b = &spec->bindings[i];
		int x = index_of(m, b->from), y = index_of(m, b->to);
		if (x >= 0 && y >= 0)
			snprintf(m->cells[(size_t)x * m->n_vrfs + (size_t)y].firewall, SL_NAME_MAX,
				"%s", spec->rulesets[b->ruleset].name);
	}
	for (size_t i = 0; i < spec->n_nats; i++) {
		const struct sl_fw_nat_spec *n = &spec->nats[i];
		int x = index_of(m, n->from), y = index_of(m, n->to);
		if (x < 0 || y < 0)
			continue;
		struct sl_leak_reach *c = &m->cells[(size_t)x * m->n_vrfs + (size_t)y];
		c->nat = true;
		c->nat_pool = n->pool;
		if (c->n_prefixes > 0) {
			c->ret = SL_RETURN_NAT;
			free(c->gaps);
			c->gaps = NULL;
			c->n_gaps = 0;
		}
	}
	sl_fw_spec_free(spec);
	return 0;
}

int sl_leak_matrix(const struct sl_router *r, struct sl_leak_matrix *m)
{
	struct audit_state s;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = audit_state_init(&s, r)) < 0)
		return rc;
	m->vrfs = calloc(s.n_vrfs ? s.n_vrfs : 1, SL_NAME_MAX);
	if (m->vrfs == NULL)
		goto nomem;
	for (size_t i = 0; i < s.n_vrfs; i++) {
		struct sl_vrf_info vi;
		/* the default VRF is always there; show it only when it is used */
		if (strcmp(s.vrfs[i].name, SL_VRF_DEFAULT) == 0 &&
			sl_rib_vrf_info(s.rib, s.vrfs[i].name, &vi) == 0 && vi.n_selected == 0)
			continue;
		memcpy(m->vrfs[m->n_vrfs++], s.vrfs[i].name, SL_NAME_MAX);
	}
	size_t n_cells = m->n_vrfs * m->n_vrfs;
	m->cells = calloc(n_cells > 0 ? n_cells : 1, sizeof(*m->cells));
	if (m->cells == NULL)
		goto nomem;
	for (size_t x = 0; x < m->n_vrfs; x++) {
		struct audit_vrf *from = audit_vrf_find(&s, m->vrfs[x]);
		size_t caps[SL_VRF_MAX] = {0};
		if ((rc = audit_vrf_load(&s, from)) < 0)
			goto out;
		for (size_t i = 0; i < from->n_routes; i++) {
			const struct sl_route *rt = &from->routes[i];
			int y;
			if (!rt->selected || !audit_source_leaked(rt->source) ||
				(y = index_of(m, rt->origin_vrf)) < 0 || (size_t)y == x)
				continue;
			rc = reach_add(&m->cells[x * m->n_vrfs + (size_t)y], &caps[y], rt->prefix);
			if (rc < 0)
				goto out;
		}
		for (size_t y = 0; y < m->n_vrfs; y++) {
			struct sl_leak_reach *c = &m->cells[x * m->n_vrfs + y];
			if (c->n_prefixes > 0 && (rc = return_path(&s, from, m->vrfs[y], c)) < 0)
				goto out;
		}
		audit_vrf_release(from);
	}
	rc = firewall_bindings(r, m);
	goto out;
nomem:
	rc = -ENOMEM;
out:
	audit_state_free(&s);
	return rc;
}

void sl_leak_matrix_free(struct sl_leak_matrix *m)
{
	for (size_t i = 0; m->cells != NULL && i < m->n_vrfs * m->n_vrfs; i++) {
		free(m->cells[i].prefixes);
		free(m->cells[i].gaps);
	}
	free(m->cells);
	free(m->vrfs);
	memset(m, 0, sizeof(*m));
}
