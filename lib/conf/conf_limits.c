/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Count limits of a configuration (VRFs, interfaces with their vifs), checked
 * at the end of a transaction. Counting is cheap; only when a limit is
 * crossed are the objects this transaction created walked in line order, so
 * that the error names the line and the object that went past the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

/* An open-addressed set of nodes. */
struct node_set {
	const struct sl_conf_node **v;
	size_t cap;
};

/* Adds n; true when it was not there yet. */
static bool set_add(struct node_set *s, const struct sl_conf_node *n)
{
	size_t i = ((uintptr_t)n >> 4) % s->cap;
	for (; s->v[i] != NULL; i = (i + 1) % s->cap)
		if (s->v[i] == n)
			return false;
	s->v[i] = n;
	return true;
}

static bool set_has(const struct node_set *s, const struct sl_conf_node *n)
{
	size_t i = ((uintptr_t)n >> 4) % s->cap;
	for (; s->v[i] != NULL; i = (i + 1) % s->cap)
		if (s->v[i] == n)
			return true;
	return false;
}

/* Nodes the transaction created (the undo log's roots), sorted for bsearch,
 * the created objects already counted, and (interfaces) the vifs some change
 * names: a vif created with its interface is recorded at the interface. */
struct created {
	const struct sl_conf_node **v;
	size_t n;
	struct node_set seen, named;
};

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a,
		  y = (uintptr_t) * (const void *const *)b;
	return (x > y) - (x < y);
}

static int created_init(struct created *cr, const struct sl_conf *c)
{
	memset(cr, 0, sizeof(*cr));
	cr->v = malloc((c->nundo + 1) * sizeof(*cr->v));
	cr->seen.cap = cr->named.cap = 4 * (c->nchg + 1); /* <= 2 a change */
	cr->seen.v = calloc(cr->seen.cap, sizeof(*cr->seen.v));
	cr->named.v = calloc(cr->named.cap, sizeof(*cr->named.v));
	if (cr->v == NULL || cr->seen.v == NULL || cr->named.v == NULL)
		return -1;
	for (size_t i = 0; i < c->nundo; i++) {
		sl_progress(); /* the whole change's undo log */
		if (c->undo[i].op == CONF_UNDO_CREATED)
			cr->v[cr->n++] = c->undo[i].node;
	}
	qsort(cr->v, cr->n, sizeof(*cr->v), ptr_cmp);
	return 0;
}

static void created_fini(struct created *cr)
{
	free(cr->v);
	free(cr->seen.v);
	free(cr->named.v);
}

/* n, or one of its ancestors, was created by this transaction. */
static bool is_created(const struct created *cr, const struct sl_conf_node *n)
{
	for (; n != NULL; n = n->parent)
		if (bsearch(&n, cr->v, cr->n, sizeof(*cr->v), ptr_cmp) != NULL)
			return true;
	return false;
}

/* True the first time a created object n is met. */
static bool first_created(struct created *cr, const struct sl_conf_node *n)
{
	return n != NULL && is_created(cr, n) && set_add(&cr->seen, n);
}

/* Objects under parent that are older than the transaction. */
static size_t count_old(const struct created *cr, const struct sl_conf_node *parent)
{
	const struct sl_conf_node *k;
	size_t cur = 0, n = 0;
	while (parent && (k = sl_conf_child_next(parent, &cur)) != NULL)
		n += !is_created(cr, k);
	return n;
}

/* The VRF or the interface a change is in (its typed keys), or NULL. */
static const char *vrf_of(const struct conf_change *chg)
{
	return chg->vrf_i >= 0 ? chg->tok[chg->vrf_i] : NULL;
}

static const char *eth_of(const struct conf_change *chg)
{
	return chg->iface_i >= 0 ? chg->tok[chg->iface_i] : NULL;
}

static size_t check_vrfs(const struct sl_conf *c, struct sl_errors *errs)
{
	const struct sl_conf_node *all = sl_conf_findv(c, "vrf", "name", NULL);
	struct created cr;
	size_t left, nerr = 1;

	/* 'default' is reserved: never among them */
	if (all == NULL || all->kids.n <= SL_VRF_CONF_MAX)
		return 0;
	if (created_init(&cr, c) == 0) {
		size_t old = count_old(&cr, all);
		left = old < SL_VRF_CONF_MAX ? SL_VRF_CONF_MAX - old : 0;
		for (size_t i = 0; i < c->nchg && nerr == 1; i++) {
			const struct conf_change *chg = &c->chg[i];
			sl_progress();
			if (vrf_of(chg) == NULL ||
				!first_created(&cr, sl_conf_child(all, vrf_of(chg))))
				continue;
			if (left-- == 0) {
				sl_errors_add(errs, chg->line,
					"vrf name %s: too many VRFs (limit %d)", vrf_of(chg),
					SL_VRF_CONF_MAX);
				nerr = 0;
			}
		}
	}
	created_fini(&cr);
	if (nerr) /* not one created here (cannot happen): still refuse it */
		sl_errors_add(errs, c->nchg ? c->chg[c->nchg - 1].line : 0,
			"too many VRFs: %u configured (limit %d)", all->kids.n, SL_VRF_CONF_MAX);
	return 1;
}

static size_t iface_count(const struct sl_conf_node *eths)
{
	const struct sl_conf_node *e;
	size_t cur = 0, n = 0;
	while (eths && (e = sl_conf_child_next(eths, &cur)) != NULL) {
		const struct sl_conf_node *vifs = sl_conf_child(e, "vif");
		n += 1 + (vifs ? vifs->kids.n : 0);
	}
	return n;
}

static size_t iface_count_old(const struct created *cr, const struct sl_conf_node *eths)
{
	const struct sl_conf_node *e;
	size_t cur = 0, n = 0;
	while ((e = sl_conf_child_next(eths, &cur)) != NULL)
		if (!is_created(cr, e))
			n += 1 + count_old(cr, sl_conf_child(e, "vif"));
	return n;
}

/* The vif a change names under interface e, or NULL. */
static const struct sl_conf_node *vif_of(
	const struct conf_change *chg, const struct sl_conf_node *e)
{
	const struct sl_conf_node *vifs = sl_conf_child(e, "vif");
	if (chg->kind != SL_CHG_VIF || chg->name_i < 0 || vifs == NULL)
		return NULL;
	return sl_conf_child(vifs, chg->tok[chg->name_i]);
}

/* A created vif of e that no change names: the one created on e's line.
 * (When a later line of the transaction changes that vif again, it is named
 * there, and an error about it points at that later line.) */
static const struct sl_conf_node *vif_unnamed(
	const struct created *cr, const struct sl_conf_node *e)
{
	const struct sl_conf_node *vifs = sl_conf_child(e, "vif"), *k;
	size_t cur = 0;
	while (vifs && (k = sl_conf_child_next(vifs, &cur)) != NULL)
		if (!set_has(&cr->named, k))
			return k;
	return NULL;
}

static void iface_error(
	struct sl_errors *errs, unsigned line, const char *eth, const struct sl_conf_node *vif)
{
	if (vif)
		sl_errors_add(errs, line,
			"interfaces ethernet %s vif %s: too many interfaces (limit %d, "
			"interfaces and vifs together)",
			eth, sl_conf_node_name(vif), SL_IFACE_MAX);
	else
		sl_errors_add(errs, line,
			"interfaces ethernet %s: too many interfaces (limit %d, interfaces and "
			"vifs "
			"together)",
			eth, SL_IFACE_MAX);
}

/* Interfaces and their vifs count together: each takes an interface slot. */
static size_t check_ifaces(const struct sl_conf *c, struct sl_errors *errs)
{
	const struct sl_conf_node *eths = sl_conf_findv(c, "interfaces", "ethernet", NULL);
	size_t total = iface_count(eths), left, nerr = 1;
	struct created cr;

	if (total <= SL_IFACE_MAX)
		return 0;
	if (created_init(&cr, c) == 0) {
		size_t old = iface_count_old(&cr, eths);
		left = old < SL_IFACE_MAX ? SL_IFACE_MAX - old : 0;
		for (size_t i = 0; i < c->nchg; i++) {
			const struct conf_change *chg = &c->chg[i];
			const struct sl_conf_node *e, *vif;
			sl_progress();
			if (eth_of(chg) != NULL && (e = sl_conf_child(eths, eth_of(chg))) != NULL &&
				(vif = vif_of(chg, e)) != NULL)
				set_add(&cr.named, vif);
		}
		for (size_t i = 0; i < c->nchg && nerr == 1; i++) {
			const struct conf_change *chg = &c->chg[i];
			const struct sl_conf_node *e, *vif;
			sl_progress();
			if (eth_of(chg) == NULL || (e = sl_conf_child(eths, eth_of(chg))) == NULL)
				continue;
			if (first_created(&cr, e)) {
				if (left-- == 0) {
					iface_error(errs, chg->line, eth_of(chg), NULL);
					nerr = 0;
					break;
				}
				/* its first vif, set on the same line, is recorded here */
				vif = vif_unnamed(&cr, e);
			} else {
				vif = vif_of(chg, e);
			}
			if (first_created(&cr, vif) && left-- == 0) {
				iface_error(errs, chg->line, eth_of(chg), vif);
				nerr = 0;
			}
		}
	}
	created_fini(&cr);
	if (nerr)
		sl_errors_add(errs, c->nchg ? c->chg[c->nchg - 1].line : 0,
			"too many interfaces: %zu configured (limit %d, interfaces and vifs "
			"together)",
			total, SL_IFACE_MAX);
	return 1;
}

size_t conf_limits_check(const struct sl_conf *c, struct sl_errors *errs)
{
	return check_vrfs(c, errs) + check_ifaces(c, errs);
}
