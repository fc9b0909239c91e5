/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion, one-line help and keyword abbreviations for the CLI, from the
 * schema (what may follow a path) and a configuration (the known names).
 * The walk mirrors resolve() in conf_exec.c, without checking values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define VAL_NAME_MAX 320 /* as conf_exec.c's VAL_MAX */

/* ---- collecting choices: sorted, deduplicated, then handed out ---- */

struct choice {
	char *word, *help;
};

struct choices {
	struct choice *v;
	size_t n, cap;
	const char *prefix;
	bool nomem;
};

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void choice_add(struct choices *cs, const char *word, const char *help)
{
	if (cs->nomem || (word[0] != '<' && !has_prefix(word, cs->prefix)))
		return;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 32;
		struct choice *v = realloc(cs->v, cap * sizeof(*v));
		if (v == NULL) {
			cs->nomem = true;
			return;
		}
		cs->v = v;
		cs->cap = cap;
	}
	struct choice *c = &cs->v[cs->n];
	c->word = strdup(word);
	c->help = strdup(help);
	if (c->word == NULL || c->help == NULL) {
		free(c->word);
		free(c->help);
		cs->nomem = true;
		return;
	}
	cs->n++;
}

static int choice_cmp(const void *a, const void *b)
{
	return strcmp(((const struct choice *)a)->word, ((const struct choice *)b)->word);
}

/* Sort, drop duplicates (the first help wins), emit, free; count or -ENOMEM. */
static int choices_emit(struct choices *cs, sl_conf_choice_fn *cb, void *ctx)
{
	int n = 0;

	if (cs->n > 0)
		qsort(cs->v, cs->n, sizeof(cs->v[0]), choice_cmp);
	for (size_t i = 0; i < cs->n; i++) {
		if (!cs->nomem && (i == 0 || strcmp(cs->v[i].word, cs->v[i - 1].word) != 0)) {
			if (cb != NULL)
				cb(ctx, cs->v[i].word, cs->v[i].help);
			n++;
		}
	}
	/* freed only now: each choice is compared with the one before it */
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].word);
		free(cs->v[i].help);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
	return cs->nomem ? -ENOMEM : n;
}

/* ---- known names ---- */

static void names_under(const struct sl_conf_node *n, const char *help, struct choices *cs)
{
	const struct sl_conf_node *k;
	size_t cursor = 0;

	while (n != NULL && (k = sl_conf_child_next(n, &cursor)) != NULL)
		if (k->is_value)
			choice_add(cs, k->name, help);
}

static void names_collect(const struct sl_conf *c, enum sl_conf_name_kind kind, struct choices *cs)
{
	const struct sl_conf_node *eth, *e, *vifs, *v;
	size_t cursor = 0, vc;
	char name[2 * VAL_NAME_MAX];

	if (c == NULL)
		return;
	switch (kind) {
	case SL_NAMES_VRF:
		names_under(sl_conf_findv(c, "vrf", "name", NULL), "configured VRF", cs);
		break;
	case SL_NAMES_IFACE:
		eth = sl_conf_findv(c, "interfaces", "ethernet", NULL);
		while (eth != NULL && (e = sl_conf_child_next(eth, &cursor)) != NULL) {
			if (!e->is_value)
				continue;
			choice_add(cs, e->name, "configured interface");
			vifs = sl_conf_child(e, "vif");
			vc = 0;
			while (vifs != NULL && (v = sl_conf_child_next(vifs, &vc)) != NULL) {
				if (!v->is_value)
					continue;
				snprintf(name, sizeof(name), "%s.%s", e->name, v->name);
				choice_add(cs, name, "configured VLAN interface");
			}
		}
		break;
	case SL_NAMES_PREFIX_LIST:
		names_under(sl_conf_findv(c, "policy", "prefix-list", NULL),
			"configured prefix-list", cs);
		break;
	case SL_NAMES_ROUTE_MAP:
		names_under(
			sl_conf_findv(c, "policy", "route-map", NULL), "configured route-map", cs);
		break;
	case SL_NAMES_RULESET:
		names_under(sl_conf_findv(c, "firewall", "ipv4", "name", NULL),
			"configured firewall ruleset", cs);
		break;
	case SL_NAMES_INTENT:
		names_under(sl_conf_findv(c, "policy", "intent", NULL), "configured intent", cs);
		break;
	}
}

int sl_conf_names(const struct sl_conf *c, enum sl_conf_name_kind kind, const char *prefix,
	sl_conf_choice_fn *cb, void *ctx)
{
	struct choices cs = {.prefix = prefix ? prefix : ""};

	names_collect(c, kind, &cs);
	return choices_emit(&cs, cb, ctx);
}

/* ---- walking a path ---- */

struct walk {
	const struct conf_schema *parent; /* whose keyword children come next */
	const struct conf_schema *val_of; /* keyword expecting a value next */
	bool done;
	const struct sl_conf_node *node; /* the same path in the configuration */
	char path[512];
};

static void path_add(struct walk *w, const char *word)
{
	size_t off = strlen(w->path);
	snprintf(w->path + off, sizeof(w->path) - off, "%s%s", off ? " " : "", word);
}

/* The keyword child of parent that word names: exact, else its unique
 * abbreviation. NULL with the reason in err. */
static const struct conf_schema *kw_match(const struct conf_schema *parent, const char *word,
	const char *where, char *err, size_t errsz)
{
	const struct conf_schema *hit = NULL;
	char list[512];
	size_t off = 0, nhit = 0;

	if (parent == NULL || parent->children == NULL) {
		snprintf(err, errsz, "unexpected '%s' after '%s' (the path is complete)", word,
			where);
		return NULL;
	}
	if ((hit = conf_schema_child(parent, word)) != NULL)
		return hit;
	list[0] = '\0';
	for (size_t i = 0; parent->children[i]; i++) {
		if (word[0] == '\0' || !has_prefix(parent->children[i]->name, word))
			continue;
		hit = parent->children[i];
		if (off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
				nhit ? ", " : "", hit->name);
		nhit++;
	}
	if (nhit == 1)
		return hit;
	if (nhit > 1) {
		snprintf(err, errsz, "ambiguous '%s' after '%s' (could be: %s)", word, where, list);
		return NULL;
	}
	conf_schema_valid_list(parent, list, sizeof(list));
	snprintf(err, errsz, "unknown node '%s' after '%s' (valid: %s)", word, where, list);
	return NULL;
}

/* One word: *word becomes the full keyword when it abbreviates one. */
static int walk_step(struct walk *w, const char **word, char *err, size_t errsz)
{
	const char *t = *word;
	const struct conf_schema *kw = NULL;
	const char *where = w->path[0] ? w->path : "set|delete";

	if (w->done) {
		snprintf(err, errsz, "unexpected '%s' after '%s' (the path is complete)", t, where);
		return -EINVAL;
	}
	/* a leaf with keyword children (rd vpn export) takes the keyword first */
	if (w->val_of != NULL && w->val_of->kind != CONF_TAG)
		kw = conf_schema_child(w->val_of, t);
	if (w->val_of != NULL && kw == NULL) {
		char canon[VAL_NAME_MAX];
		if (w->val_of->type->parse(w->val_of->type, t, canon, sizeof(canon)) < 0)
			conf_strlcpy(canon, t, sizeof(canon));
		w->node = w->node ? conf_node_child(w->node, canon) : NULL;
		if (w->val_of->kind == CONF_TAG)
			w->parent = w->val_of;
		else
			w->done = true;
		w->val_of = NULL;
		path_add(w, t);
		return 0;
	}
	if (kw == NULL && (kw = kw_match(w->parent, t, where, err, errsz)) == NULL)
		return -EINVAL;
	*word = kw->name;
	w->node = w->node ? conf_node_child(w->node, kw->name) : NULL;
	path_add(w, kw->name);
	w->val_of = NULL;
	switch (kw->kind) {
	case CONF_CONTAINER:
		w->parent = kw;
		break;
	case CONF_FLAG:
		w->parent = kw->children ? kw : NULL;
		w->done = kw->children == NULL;
		break;
	case CONF_TAG:
	case CONF_LEAF:
	case CONF_MULTI:
		w->val_of = kw;
		w->parent = NULL;
		break;
	}
	return 0;
}

int sl_conf_expand(const char **words, int n, char *err, size_t errsz)
{
	struct walk w = {.parent = conf_schema_root()};

	for (int i = 0; i < n; i++)
		if (walk_step(&w, &words[i], err, errsz) < 0)
			return -EINVAL;
	return 0;
}

/* ---- completion ---- */

static void kw_help(const struct conf_schema *s, char *buf, size_t size)
{
	char list[512];

	switch (s->kind) {
	case CONF_CONTAINER:
		conf_schema_valid_list(s, list, sizeof(list));
		if (strlen(list) > 60)
			strcpy(list + 56, " ...");
		snprintf(buf, size, "then: %s", list);
		break;
	case CONF_TAG:
		snprintf(buf, size, "takes a name: %s", s->type->valid);
		break;
	case CONF_LEAF:
		snprintf(buf, size, "takes a value: %s", s->type->valid);
		break;
	case CONF_MULTI:
		snprintf(buf, size, "takes values (several lines): %s", s->type->valid);
		break;
	case CONF_FLAG:
		snprintf(buf, size, "%s", s->children ? "flag, with optional settings" : "flag");
		break;
	}
	if (s->noop != NULL) {
		size_t off = strlen(buf);
		snprintf(buf + off, size - off, " (no effect in sluice)");
	}
}

static void kws_add(const struct conf_schema *parent, struct choices *cs)
{
	char help[256];

	for (size_t i = 0; parent && parent->children && parent->children[i]; i++) {
		kw_help(parent->children[i], help, sizeof(help));
		choice_add(cs, parent->children[i]->name, help);
	}
}

static void values_add(const struct sl_conf *c, const struct walk *w, struct choices *cs)
{
	const struct conf_type *t = w->val_of->type;
	char help[256];

	if (w->val_of->kind != CONF_TAG)
		kws_add(w->val_of, cs);
	if (t->words != NULL) {
		for (size_t i = 0; t->words[i]; i++)
			choice_add(cs, t->words[i], "keyword value");
	} else {
		snprintf(help, sizeof(help), "%s", t->valid);
		choice_add(cs, "<value>", help);
	}
	names_under(w->node, "configured here", cs);
	switch (t->ref) {
	case CONF_REF_VRF:
		if (t == &conf_t_vrf_leak_ref)
			choice_add(cs, "default", "the default VRF");
		names_collect(c, SL_NAMES_VRF, cs);
		break;
	case CONF_REF_IFACE:
		names_collect(c, SL_NAMES_IFACE, cs);
		break;
	case CONF_REF_PREFIX_LIST:
		names_collect(c, SL_NAMES_PREFIX_LIST, cs);
		break;
	case CONF_REF_ROUTE_MAP:
		names_collect(c, SL_NAMES_ROUTE_MAP, cs);
		break;
	case CONF_REF_RULESET:
		names_collect(c, SL_NAMES_RULESET, cs);
		break;
	case CONF_REF_NONE:
		break;
	}
}

int sl_conf_complete(const struct sl_conf *c, const char *const *words, int n, const char *prefix,
	sl_conf_choice_fn *cb, void *ctx, char *err, size_t errsz)
{
	struct walk w = {.parent = conf_schema_root(), .node = c ? c->root : NULL};
	struct choices cs = {.prefix = prefix ? prefix : ""};

	for (int i = 0; i < n; i++) {
		const char *word = words[i];
		if (walk_step(&w, &word, err, errsz) < 0)
			return -EINVAL;
	}
	if (w.val_of != NULL)
		values_add(c, &w, &cs);
	else if (!w.done)
		kws_add(w.parent, &cs);
	return choices_emit(&cs, cb, ctx);
}
