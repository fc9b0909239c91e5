/* SPDX-License-Identifier: BSD-3-Clause */
/* The router's control-plane state and its all-or-nothing commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

struct sl_router *sl_router_new(void)
{
	struct sl_router *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->conf = sl_conf_new();
	r->rib = sl_rib_new();
	if (r->conf == NULL || r->rib == NULL) {
		sl_router_free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void sl_router_free(struct sl_router *r)
{
	if (r == NULL)
		return;
	sl_conf_free(r->conf);
	sl_rib_free(r->rib);
	sl_fib_changes_free_paths(r->changes, r->n_changes);
	free(r->changes);
	free(r->ifaces);
	commit_intents_router_free(r);
	sl_errors_free(&r->warns);
	free(r);
}

void sl_router_prepare_set(struct sl_router *r, sl_router_prepare_fn fn, void *ctx)
{
	r->prepare = fn;
	r->prepare_ctx = ctx;
}

void sl_router_fib_log(struct sl_router *r, bool on)
{
	r->fib_log = on;
	sl_rib_change_log(r->rib, on);
}

struct sl_conf *sl_router_conf(struct sl_router *r)
{
	return r->conf;
}

const struct sl_conf *sl_router_conf_const(const struct sl_router *r)
{
	return r->conf;
}

struct sl_rib *sl_router_rib(struct sl_router *r)
{
	return r->rib;
}

const struct sl_rib *sl_router_rib_const(const struct sl_router *r)
{
	return r->rib;
}

/* Move the RIB's change log behind the changes not yet taken. */
int commit_take_changes(struct sl_router *r)
{
	const struct sl_fib_change *c;
	size_t n = sl_rib_changes(r->rib, &c);

	if (sl_rib_changes_lost(r->rib))
		return -ENOMEM; /* a short log would leave the FIB apart from the RIB */
	if (n == 0)
		return 0; /* r->changes may still be NULL: no pointer arithmetic on it */
	if (r->n_changes == 0) {
		/* the usual case: the log's array becomes ours, our empty one the
		 * log's; a copy of a 1M-route load's log (176 MB, new pages to
		 * fault in) was one long step with no punt served */
		sl_rib_changes_swap(r->rib, &r->changes, &r->n_changes, &r->cap_changes);
		return 0;
	}
	if (n > r->cap_changes - r->n_changes) {
		size_t cap = r->n_changes + n;
		void *v = realloc(r->changes, cap * sizeof(*r->changes));
		if (v == NULL)
			return -ENOMEM;
		r->changes = v;
		r->cap_changes = cap;
	}
	memcpy(r->changes + r->n_changes, c, n * sizeof(*c));
	r->n_changes += n;
	sl_rib_changes_detach(r->rib); /* the path blocks are ours now */
	return 0;
}

size_t sl_router_changes(const struct sl_router *r, const struct sl_fib_change **out)
{
	*out = r->changes;
	return r->n_changes;
}

void sl_router_changes_clear(struct sl_router *r)
{
	sl_fib_changes_free_paths(r->changes, r->n_changes);
	r->n_changes = 0;
}

/* The VRF a changed path is in, NULL when none (a policy change). */
static const char *change_vrf(
	const struct sl_router *r, const struct sl_conf_change *chg, struct sl_iface_state *ifs)
{
	if (chg->vrf != NULL)
		return chg->vrf;
	if (chg->kind == SL_CHG_STATICS || chg->kind == SL_CHG_STATIC_ROUTE)
		return SL_VRF_DEFAULT;
	if (chg->iface != NULL) {
		char ifname[2 * SL_NAME_MAX];
		bool vif = chg->kind == SL_CHG_VIF;
		snprintf(ifname, sizeof(ifname), "%s%s%s", chg->iface, vif ? "." : "",
			vif ? chg->name : "");
		if (commit_iface_read(r, ifname, ifs) == 0)
			return ifs->vrf;
	}
	return NULL;
}

unsigned commit_change_line(
	const struct sl_router *r, const char *const *vrfs, size_t n_vrfs, const char *intent)
{
	size_t n = sl_conf_change_count(r->conf);
	unsigned first = 0;

	for (size_t i = 0; i < n; i++) {
		struct sl_conf_change chg;
		struct sl_iface_state ifs;
		if (sl_conf_change_at(r->conf, i, &chg) < 0 || chg.line == 0)
			continue;
		if (first == 0)
			first = chg.line;
		if (intent != NULL && chg.kind == SL_CHG_INTENT && strcmp(chg.name, intent) == 0)
			return chg.line;
		const char *vrf = change_vrf(r, &chg, &ifs);
		for (size_t k = 0; vrf != NULL && k < n_vrfs; k++)
			if (vrfs[k] != NULL && strcmp(vrf, vrfs[k]) == 0)
				return chg.line;
	}
	return first;
}

/* The line to report a collision on. The running state never holds one, so
 * this transaction made it: the first changed line that touches one of the
 * two VRFs (its routes, its leak settings, an interface in it), else the first
 * changed line (a policy change). 0 only when nothing changed. */
static unsigned collision_line(const struct sl_router *r, const struct sl_rib_collision *c)
{
	const char *vrfs[2] = {c->importer, c->origin};
	return commit_change_line(r, vrfs, 2, NULL);
}

/* A collision (overlapping addresses) fails the commit: name both VRFs and prefixes. */
static void collision_errors(struct sl_router *r, struct sl_errors *errs)
{
	const struct sl_rib_collision *c;
	size_t n = sl_rib_collisions(r->rib, &c);

	for (size_t i = 0; i < n; i++) {
		char l[SL_PREFIX_STR], k[SL_PREFIX_STR];
		sl_errors_add(errs, collision_line(r, &c[i]),
			"leak collision: route %s from vrf %s would be leaked into vrf %s, where "
			"it "
			"overlaps connected %s (overlapping addresses cannot be leaked: renumber, "
			"or filter it with a prefix-list)",
			sl_prefix_fmt(c[i].leaked, l), c[i].origin, c[i].importer,
			sl_prefix_fmt(c[i].connected, k));
	}
}

const struct sl_errors *sl_router_warnings(const struct sl_router *r)
{
	return &r->warns;
}

void sl_router_lint(struct sl_router *r, bool on)
{
	r->lint = on;
}

static int warn_cmp(const void *a, const void *b)
{
	const struct sl_error *x = a, *y = b;
	/* line 0 (the whole configuration) last; one line's by text (qsort is
	 * not stable: the order stays the same from run to run) */
	unsigned lx = x->line ? x->line : ~0u, ly = y->line ? y->line : ~0u;
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->msg, y->msg);
}

/* The transaction validated: what it used without effect, and advice. */
static void warnings_collect(struct sl_router *r)
{
	sl_errors_clear(&r->warns);
	sl_conf_notices(r->conf, &r->warns);
	if (r->lint)
		sl_conf_lint(r->conf, &r->warns);
	if (r->warns.n > 1)
		qsort(r->warns.v, r->warns.n, sizeof(*r->warns.v), warn_cmp);
}

void sl_router_apply_stats(const struct sl_router *r, struct sl_apply_stats *out)
{
	*out = r->stats;
}

/* Delete every top-level node of the candidate, so that the text that
 * follows describes the whole configuration (line 0: not the text's). */
static int clear_candidate(struct sl_conf *c, struct sl_errors *errs)
{
	const struct sl_conf_node *root = sl_conf_root(c);
	size_t n = sl_conf_child_count(root), cur = 0, k = 0;
	char **names = calloc(n ? n : 1, sizeof(*names));
	int rc = names ? 0 : -ENOMEM;
	const struct sl_conf_node *ch;
	while (rc == 0 && k < n && (ch = sl_conf_child_next(root, &cur)) != NULL)
		if ((names[k++] = strdup(sl_conf_node_name(ch))) == NULL)
			rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < k; i++) {
		char line[256];
		snprintf(line, sizeof(line), "delete %s", names[i]);
		rc = sl_conf_exec(c, line, 0, errs, NULL);
	}
	for (size_t i = 0; names && i < k; i++)
		free(names[i]);
	free(names);
	if (rc == -ENOMEM)
		sl_errors_add(errs, 0, "out of memory clearing the candidate configuration");
	return rc;
}

static int apply(struct sl_router *r, const char *text, bool replace, struct sl_errors *errs,
	unsigned *flags)
{
	bool save = false;
	size_t before = errs->n;
	int rc;
	struct sl_apply_stats *st = &r->stats;
	double t = sl_thread_cpu_ms(), t0;

	memset(st, 0, sizeof(*st));
	sl_errors_clear(&r->warns); /* a refused apply has none */
	if (flags)
		*flags = 0;
	rc = sl_conf_begin(r->conf);
	if (rc < 0) {
		sl_errors_add(errs, 0, "another configuration transaction is open");
		return rc;
	}
	rc = replace ? clear_candidate(r->conf, errs) : 0;
	if (rc == 0)
		rc = sl_conf_exec_text(r->conf, text, 1, errs, &save);
	t0 = t, t = sl_thread_cpu_ms(), st->parse_ms = t - t0;
	if (rc == 0)
		rc = sl_conf_validate(r->conf, errs);
	t0 = t, t = sl_thread_cpu_ms(), st->validate_ms = t - t0;
	st->paths = sl_conf_change_count(r->conf);
	if (rc < 0) {
		sl_conf_abort(r->conf);
		return errs->n > before ? -EINVAL : rc;
	}
	warnings_collect(r); /* inside the transaction: lint knows the lines */

	rc = commit_sync(r, errs);
	if (rc == 0 && sl_rib_collisions(r->rib, &(const struct sl_rib_collision *){NULL}) > 0) {
		collision_errors(r, errs);
		rc = -EINVAL;
	}
	struct commit_intents intents = {0};
	if (rc == 0 && (rc = commit_intents_check(r, errs, &intents)) == -ENOMEM)
		sl_errors_add(errs, 0, "out of memory checking the policy intents");
	t0 = t, t = sl_thread_cpu_ms(), st->rib_ms = t - t0;
	/* the FIB changes are taken before the commit is final, so that the
	 * forwarding plane can refuse them (and a failure here undoes all) */
	size_t had = r->n_changes;
	if (rc == 0 && r->fib_log && (rc = commit_take_changes(r)) < 0)
		sl_errors_add(errs, 0, "out of memory recording FIB changes");
	if (rc == 0 && r->fib_log && r->prepare != NULL) {
		char msg[256] = "";
		rc = r->prepare(r->changes, r->n_changes, msg, sizeof(msg), r->prepare_ctx);
		if (rc < 0)
			sl_errors_add(errs, 0, "%s",
				msg[0] ? msg : "commit refused by the forwarding plane");
	}
	if (rc == 0)
		rc = sl_conf_commit(r->conf, errs);
	t0 = t, t = sl_thread_cpu_ms(), st->commit_ms = t - t0;
	if (rc == 0) {
		commit_intents_adopt(r, &intents);
		r->committed = true;
	}
	commit_intents_free(&intents);
	if (rc < 0) {
		/* roll back: the conf first, then the RIB re-derived from it */
		struct sl_errors ignored = {0};
		sl_errors_clear(&r->warns);
		r->n_changes = had;
		sl_conf_abort(r->conf);
		commit_sync(r, &ignored);
		sl_errors_free(&ignored);
		sl_rib_changes_clear(r->rib);
		return errs->n > before ? -EINVAL : rc;
	}

	st->fib_changes = r->n_changes - had;
	if (flags) {
		size_t n = sl_conf_change_count(r->conf);
		for (size_t i = 0; i < n; i++) {
			struct sl_conf_change chg;
			sl_progress(); /* a change each: cache misses at 100,000 */
			if (sl_conf_change_at(r->conf, i, &chg) == 0 &&
				(chg.kind == SL_CHG_INTERFACES || chg.kind == SL_CHG_INTERFACE ||
					chg.kind == SL_CHG_VIF))
				*flags |= SL_APPLY_IFACES;
		}
		if (save)
			*flags |= SL_APPLY_SAVE;
	}
	return 0;
}

void sl_router_commit_counts(const struct sl_router *r, struct sl_commit_counts *out)
{
	*out = r->counts;
}

static int apply_counted(struct sl_router *r, const char *text, bool replace,
	struct sl_errors *errs, unsigned *flags)
{
	int rc = apply(r, text, replace, errs, flags);
	const struct sl_apply_stats *st = &r->stats;
	if (rc < 0)
		r->counts.refused++;
	else
		r->counts.ok++;
	r->counts.cpu_ms += st->parse_ms + st->validate_ms + st->rib_ms + st->commit_ms;
	return rc;
}

int sl_router_apply(struct sl_router *r, const char *text, struct sl_errors *errs, unsigned *flags)
{
	return apply_counted(r, text, false, errs, flags);
}

int sl_router_replace(
	struct sl_router *r, const char *text, struct sl_errors *errs, unsigned *flags)
{
	return apply_counted(r, text, true, errs, flags);
}

static int load(struct sl_router *r, const char *path, bool replace, struct sl_errors *errs,
	unsigned *flags)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (f == NULL) {
		sl_errors_add(errs, 0, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	FILE *mem = open_memstream(&text, &len);
	if (mem == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	char buf[65536];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, mem);
	bool read_err = ferror(f);
	fclose(f);
	fclose(mem);
	if (read_err) {
		free(text);
		sl_errors_add(errs, 0, "cannot read %s", path);
		return -EIO;
	}
	rc = apply_counted(r, text, replace, errs, flags);
	free(text);
	return rc;
}

int sl_router_load_file(struct sl_router *r, const char *path, struct sl_errors *errs)
{
	return load(r, path, false, errs, NULL);
}

int sl_router_reload_file(
	struct sl_router *r, const char *path, struct sl_errors *errs, unsigned *flags)
{
	return load(r, path, true, errs, flags);
}

int sl_router_render(const struct sl_router *r, FILE *out)
{
	return sl_conf_render(r->conf, out);
}

int sl_router_iface_get(const struct sl_router *r, const char *ifname, struct sl_iface_state *out)
{
	return commit_iface_read(r, ifname, out);
}

static int ifname_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	/* ethN by number, then vifs by VLAN number */
	unsigned long px = strtoul(x + 3, NULL, 10), py = strtoul(y + 3, NULL, 10);
	if (px != py)
		return px < py ? -1 : 1;
	const char *dx = strchr(x, '.'), *dy = strchr(y, '.');
	unsigned long vx = dx ? strtoul(dx + 1, NULL, 10) + 1 : 0;
	unsigned long vy = dy ? strtoul(dy + 1, NULL, 10) + 1 : 0;
	return vx < vy ? -1 : vx > vy;
}

void sl_router_iface_foreach(const struct sl_router *r,
	int (*cb)(const struct sl_iface_state *ifs, void *ctx), void *ctx)
{
	const struct sl_conf_node *eths = sl_conf_findv(r->conf, "interfaces", "ethernet", NULL);
	const struct sl_conf_node *e, *v, *vifs;
	size_t cur = 0, n = 0, cap = 0;
	char **names = NULL;

	while (eths && (e = sl_conf_child_next(eths, &cur)) != NULL) {
		size_t vc = 0;
		vifs = sl_conf_child(e, "vif");
		size_t need = n + 1 + (vifs ? sl_conf_child_count(vifs) : 0);
		if (need > cap) {
			cap = need * 2;
			char **g = realloc(names, cap * sizeof(*names));
			if (g == NULL)
				goto out;
			names = g;
		}
		names[n++] = strdup(sl_conf_node_name(e));
		while (vifs && (v = sl_conf_child_next(vifs, &vc)) != NULL) {
			char buf[SL_NAME_MAX * 2];
			snprintf(buf, sizeof(buf), "%s.%s", sl_conf_node_name(e),
				sl_conf_node_name(v));
			names[n++] = strdup(buf);
		}
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), ifname_cmp);
	for (size_t i = 0; i < n; i++) {
		struct sl_iface_state ifs;
		if (names[i] && commit_iface_read(r, names[i], &ifs) == 0 && cb(&ifs, ctx) != 0)
			break;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int sl_router_vrf_bgp(const struct sl_router *r, const char *vrf, struct sl_rib_bgp *out)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(vrf, SL_VRF_DEFAULT) != 0 &&
		sl_conf_findv(r->conf, "vrf", "name", vrf, NULL) == NULL)
		return -ENOENT;
	return commit_bgp_read(r->conf, vrf, out);
}

void sl_router_vrf_bgp_free(struct sl_rib_bgp *b)
{
	commit_bgp_free(b);
}
