/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random whole-configuration checker for lib/commit, the code path of
 * `sluicectl --offline FILE check` and of sluiced's commit.
 *
 * Each seed generates (tests/randconf) a router configuration in `set` syntax: 2-6 VRFs,
 * interfaces and vifs whose addresses collide across VRFs, static routes
 * (gateway, interface, blackhole, distances, cross-VRF leaks), RD/RTs,
 * `import vrf`, prefix-lists and route-maps, redistribute, firewall rulesets
 * and leak-firewall bindings. Prefixes are drawn from a small space so that
 * they collide, nest and cover each other, and some VRFs get tens to hundreds
 * of static routes (tables grow: they start at 16 slots); one configuration in
 * 25 has a VRF of 1,500-5,000 routes over a wider space. About one
 * configuration in five carries a deliberate error. For each seed:
 *  a) nothing crashes (run it under ASan/UBSan too);
 *  b) the same lines shuffled give the same outcome and, when accepted, the
 *     same rendering, RIB dump and `show ip route vrf V` of every VRF; the FIB
 *     change log replayed into a map equals the RIB's selected routes;
 *  c) a router holding another random configuration (the start) reaches the
 *     configuration through a random sequence of set/delete transactions (the
 *     diff in random chunks, some with objects made and removed again in the
 *     same transaction): a refused chunk leaves the state byte-identical
 *     and goes to the back of the queue; after a whole pass of refusals the
 *     rest goes in one transaction, which must be accepted (it makes the
 *     target, which loads), so the end is always reached; the end state
 *     equals the one-shot load, and after every transaction the replayed FIB
 *     log equals the RIB's selected routes;
 *  d) every refusal carries errors that name a line of the text refused, and
 *     every configuration with a deliberate error is refused.
 *
 * SLUICE_RANDOM_CONFIGS=N sets the number of seeds (default 2000, 600 under
 * ASan);
 * SLUICE_RANDOM_SEED=S replays one seed and prints its configuration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>

#include <cmocka.h>

#include "commit_test_util.h"
#include "randconf.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define DEFAULT_CONFIGS 600 /* ASan+UBSan run it about 4 times slower */
#else
#define DEFAULT_CONFIGS 2000
#endif

/* ---- observing a router ---- */

/* The FIB as the change log built it: (vrf id, prefix) → next hop. */
struct fib_entry {
	uint32_t vrf_id;
	struct sl_prefix prefix;
	struct sl_nh nh;
};

struct fib_map {
	struct fib_entry *v;
	size_t n, cap;
	bool vrf_live[SL_VRF_MAX];
};

static int fib_cmp(const void *a, const void *b)
{
	const struct fib_entry *x = a, *y = b;
	if (x->vrf_id != y->vrf_id)
		return x->vrf_id < y->vrf_id ? -1 : 1;
	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	return (int)x->prefix.len - (int)y->prefix.len;
}

static struct fib_entry *fib_find(struct fib_map *m, const struct fib_entry *key, size_t *at)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = fib_cmp(&m->v[mid], key);
		if (c == 0) {
			*at = mid;
			return &m->v[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return NULL;
}

/* Replay the router's FIB changes into m (and clear them); "" or what broke
 * the log's order rules (a route of an unknown VRF, a VRF deleted before its
 * routes, a delete of a route never set). */
static const char *fib_replay(struct fib_map *m, struct sl_router *r)
{
	const struct sl_fib_change *c;
	size_t n = sl_router_changes(r, &c);
	const char *err = "";
	m->vrf_live[0] = true;
	for (size_t i = 0; i < n && !*err; i++) {
		struct fib_entry key = {c[i].vrf_id, c[i].prefix, c[i].nh}, *e;
		size_t at;
		if (c[i].vrf_id >= SL_VRF_MAX)
			return "vrf id out of range";
		switch (c[i].op) {
		case SL_FIB_VRF_ADD:
			m->vrf_live[c[i].vrf_id] = true;
			break;
		case SL_FIB_VRF_DEL:
			fib_find(m, &(struct fib_entry){c[i].vrf_id, {0, 0}}, &at);
			if (at < m->n && m->v[at].vrf_id == c[i].vrf_id)
				err = "VRF deleted before its routes";
			m->vrf_live[c[i].vrf_id] = false;
			break;
		case SL_FIB_ROUTE_SET:
			if (!m->vrf_live[c[i].vrf_id]) {
				err = "route set in a VRF not added";
				break;
			}
			if ((e = fib_find(m, &key, &at)) != NULL) {
				*e = key;
				break;
			}
			if (m->n == m->cap) {
				m->cap = m->cap ? 2 * m->cap : 256;
				m->v = realloc(m->v, m->cap * sizeof(*m->v));
			}
			memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(*m->v));
			m->v[at] = key;
			m->n++;
			break;
		case SL_FIB_ROUTE_DEL:
			if (fib_find(m, &key, &at) == NULL) {
				err = "delete of a route not in the FIB";
				break;
			}
			memmove(m->v + at, m->v + at + 1, (m->n - at - 1) * sizeof(*m->v));
			m->n--;
			break;
		}
	}
	sl_router_changes_clear(r);
	return err;
}

static void nh_text(FILE *f, const struct sl_rib *rib, uint32_t vrf_id, struct sl_prefix p,
	const struct sl_nh *nh)
{
	char b[SL_PREFIX_STR];
	const char *nhv = nh->type == SL_NH_VRF ? sl_rib_vrf_name(rib, nh->vrf_id) : "";
	fprintf(f, "%s %s type %d gw %08x if %s vrf %s\n", sl_rib_vrf_name(rib, vrf_id),
		sl_prefix_fmt(p, b), (int)nh->type, nh->type == SL_NH_GATEWAY ? nh->gw : 0,
		nh->type == SL_NH_VRF || nh->type == SL_NH_BLACKHOLE ? "" : nh->ifname,
		nhv ? nhv : "?");
}

struct sel_ctx {
	const struct sl_rib *rib;
	uint32_t vrf_id;
	struct fib_map *selected; /* NULL: only list the VRF names */
	struct lines *vrfs;
};

static int sel_route(const struct sl_route *rt, void *ctx)
{
	struct sel_ctx *c = ctx;
	struct fib_map *m = c->selected;
	if (!rt->selected)
		return 0;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
		assert_non_null(m->v);
	}
	m->v[m->n++] = (struct fib_entry){c->vrf_id, rt->prefix, rt->nh};
	return 0;
}

static int sel_vrf(const struct sl_vrf_info *vi, void *ctx)
{
	struct sel_ctx *c = ctx;
	c->vrf_id = vi->id;
	if (c->selected)
		sl_rib_route_foreach(c->rib, vi->name, sel_route, c);
	if (c->vrfs)
		lines_push(c->vrfs, vi->name);
	return 0;
}

static bool nh_equal(const struct sl_nh *a, const struct sl_nh *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case SL_NH_GATEWAY:
		return a->gw == b->gw && strcmp(a->ifname, b->ifname) == 0;
	case SL_NH_CONNECTED:
	case SL_NH_LOCAL:
		return strcmp(a->ifname, b->ifname) == 0;
	case SL_NH_VRF:
		return a->vrf_id == b->vrf_id;
	default:
		return true;
	}
}

/* NULL when the replayed FIB equals the RIB's selected routes, else both. */
static char *fib_check(struct fib_map *m, struct sl_router *r)
{
	const char *err = fib_replay(m, r);
	const struct sl_rib *rib = sl_router_rib_const(r);
	struct fib_map sel = {0};
	struct sel_ctx c = {rib, 0, &sel, NULL};
	char *out = NULL;
	size_t len = 0;
	bool same;

	if (*err)
		return strdup(err);
	sl_rib_vrf_foreach(rib, sel_vrf, &c);
	if (sel.n)
		qsort(sel.v, sel.n, sizeof(*sel.v), fib_cmp);
	same = sel.n == m->n;
	for (size_t i = 0; same && i < sel.n; i++)
		same = fib_cmp(&sel.v[i], &m->v[i]) == 0 && nh_equal(&sel.v[i].nh, &m->v[i].nh);
	if (!same) {
		FILE *f = open_memstream(&out, &len);
		fprintf(f, "replayed FIB:\n");
		for (size_t i = 0; i < m->n; i++)
			nh_text(f, rib, m->v[i].vrf_id, m->v[i].prefix, &m->v[i].nh);
		fprintf(f, "--- RIB selected:\n");
		for (size_t i = 0; i < sel.n; i++)
			nh_text(f, rib, sel.v[i].vrf_id, sel.v[i].prefix, &sel.v[i].nh);
		fclose(f);
	}
	free(sel.v);
	return out;
}

/* snapshot() and `show ip route vrf V` of every VRF. */
static char *full_snapshot(const struct sl_router *r)
{
	const struct sl_rib *rib = sl_router_rib_const(r);
	struct lines vrfs = {0};
	struct sel_ctx c = {rib, 0, NULL, &vrfs};
	char *snap = snapshot(r), *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_rib_vrf_foreach(rib, sel_vrf, &c);
	fputs(snap, f);
	for (size_t i = 0; i < vrfs.n; i++) {
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "show ip route vrf %s", vrfs.v[i]);
		char *s = show(r, cmd);
		fprintf(f, "== %s\n%s", cmd, s ? s : "(refused)\n");
		free(s);
	}
	fclose(f);
	free(snap);
	lines_free(&vrfs);
	return buf;
}

/* ---- one seed ---- */

struct counts {
	size_t configs, accepted, refused, invalid_generated;
	size_t sequences, txns, txns_refused;
	size_t max_vrf_routes; /* the most route candidates one VRF held */
};

static bool verbose;
/* The seed being run, and whether it finished: a crash (cmocka catches the
 * signal) leaves it for main to print. */
static uint64_t current_seed;
static bool seed_running;

/* Apply text; on refusal check that every error names a line of it. */
static int apply_checked(
	struct sl_router *r, const char *text, size_t nlines, uint64_t seed, const char *what)
{
	struct sl_errors e = {0};
	int rc = sl_router_apply(r, text, &e, NULL);
	if (rc != 0) {
		if (rc != -EINVAL || e.n == 0)
			fail_msg("seed %" PRIu64 " %s: refused with %d and %zu errors", seed, what,
				rc, e.n);
		for (size_t i = 0; i < e.n; i++)
			if (e.v[i].line == 0 || e.v[i].line > nlines) {
				fprintf(stderr, "%s", text);
				fail_msg("seed %" PRIu64 " %s: an error names no line of the %zu "
					 "lines: %u: %s",
					seed, what, nlines, e.v[i].line, e.v[i].msg);
			}
		if (verbose)
			for (size_t i = 0; i < e.n; i++)
				fprintf(stderr, "  %s refused: %u: %s\n", what, e.v[i].line,
					e.v[i].msg);
	}
	sl_errors_free(&e);
	return rc;
}

static void shuffle(uint64_t *s, char **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd(s, (unsigned)i), k = i - 1;
		char *t = v[k];
		v[k] = v[j], v[j] = t;
	}
}

/* Load lines into a new router with the FIB log on; rc in *rc. */
static struct sl_router *load(
	const struct lines *l, uint64_t seed, const char *what, int *rc, struct fib_map *m)
{
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	sl_router_fib_log(r, true);
	char *text = lines_join(l);
	*rc = apply_checked(r, text, l->n, seed, what);
	free(text);
	if (*rc == 0 && m != NULL) {
		char *bad = fib_check(m, r);
		if (bad)
			fail_msg("seed %" PRIu64 " %s: FIB log replay differs from the RIB: %s",
				seed, what, bad);
	}
	return r;
}

static void words_of(const char *line, struct lines *w)
{
	char *copy = strdup(line), *save;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		lines_push(w, t);
	free(copy);
}

/* The first k words of a rendered line without its "set". */
static void path_prefix(const struct lines *w, size_t k, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 1; i <= k && i < w->n; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i > 1 ? " " : "", w->v[i]);
}

static bool is_under(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == ' ' || path[n] == '\0');
}

/*
 * The diff from rendering `from` to rendering `to` as groups of lines, each
 * group one unit a transaction holds whole:
 *  - a line of `from` absent in `to`: delete its shortest path that no line
 *    of `to` continues (a whole VRF, route, rule ... or one value);
 *  - when only a leaf's value differs (table 10 → 11, or the addresses of an
 *    interface), delete the leaf and set every value `to` has for it in one
 *    group, whatever the leaf's kind: a single value cannot be deleted once
 *    the new one replaced it;
 *  - every other line of `to` absent in `from`: set it.
 * The groups touch disjoint subtrees, so any order of them ends at `to`.
 */
static void diff_groups(const struct lines *from, const struct lines *to, struct lines *groups)
{
	struct strset prefixes = {0}, parents = {0}, in_from = {0}, in_to = {0}, seen = {0};
	struct lines leafs = {0}, dels = {0};
	char p[512];

	strset_of(&in_from, from);
	strset_of(&in_to, to);
	for (size_t i = 0; i < to->n; i++) {
		struct lines w = {0};
		words_of(to->v[i], &w);
		for (size_t k = 1; k < w.n; k++) {
			path_prefix(&w, k, p, sizeof(p));
			strset_add(&prefixes, p);
		}
		/* the path above the last word: a leaf (or node) `to` gives a value */
		path_prefix(&w, w.n - 2, p, sizeof(p));
		strset_add(&parents, p);
		lines_free(&w);
	}
	for (size_t i = 0; i < from->n; i++) {
		if (strset_has(&in_to, from->v[i]))
			continue;
		struct lines w = {0};
		words_of(from->v[i], &w);
		size_t k = 1;
		for (; k < w.n; k++) {
			path_prefix(&w, k, p, sizeof(p));
			if (!strset_has(&prefixes, p))
				break;
		}
		if (k < w.n - 1 || k == 1) {
			if (strset_add(&seen, p))
				lines_push(&dels, p);
		} else if (k == w.n - 1) {
			/* only the last word differs: when `to` gives this node one-word
			 * children too, replace them all */
			char parent[512];
			path_prefix(&w, k - 1, parent, sizeof(parent));
			if (strset_has(&parents, parent)) {
				if (strset_add(&seen, parent))
					lines_push(&leafs, parent);
			} else if (strset_add(&seen, p)) {
				lines_push(&dels, p);
			}
		} /* else a presence node that `to` continues: nothing to delete */
		lines_free(&w);
	}
	for (size_t i = 0; i < leafs.n; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		fprintf(f, "delete %s\n", leafs.v[i]);
		for (size_t j = 0; j < to->n; j++)
			if (is_under(to->v[j] + 4, leafs.v[i]))
				fprintf(f, "%s\n", to->v[j]);
		fclose(f);
		lines_push(groups, buf);
		free(buf);
	}
	for (size_t i = 0; i < dels.n; i++) {
		bool covered = false;
		for (size_t j = 0; j < leafs.n && !covered; j++)
			covered = is_under(dels.v[i], leafs.v[j]);
		if (!covered) {
			snprintf(p, sizeof(p), "delete %s\n", dels.v[i]);
			lines_push(groups, p);
		}
	}
	for (size_t i = 0; i < to->n; i++) {
		bool covered = strset_has(&in_from, to->v[i]);
		for (size_t j = 0; j < leafs.n && !covered; j++)
			covered = is_under(to->v[i] + 4, leafs.v[j]);
		if (!covered) {
			snprintf(p, sizeof(p), "%s\n", to->v[i]);
			lines_push(groups, p);
		}
	}
	strset_free(&prefixes);
	strset_free(&parents);
	strset_free(&in_from);
	strset_free(&in_to);
	strset_free(&seen);
	lines_free(&leafs);
	lines_free(&dels);
}

static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* The running configuration as canonical `set` lines. */
static char *render(const struct sl_router *r)
{
	return show(r, "show configuration");
}

/*
 * c) From the state of router `r` (a loaded start configuration) to `target`
 * (whose one-shot state is `want`) through random chunks of the diff.
 */
static void walk(struct sl_router *r, struct fib_map *m, const char *target_render,
	const char *want, uint64_t seed, uint64_t *s, struct counts *cnt)
{
	struct lines from = {0}, to = {0}, groups = {0};
	char *start = render(r);
	lines_split(&from, start);
	lines_split(&to, target_render);
	diff_groups(&from, &to, &groups);
	shuffle(s, groups.v, groups.n);

	/* groups.v[head..n) are still to do; a refused chunk goes to the back */
	unsigned max_chunk = 1 + rnd(s, groups.n > 3 ? (unsigned)groups.n / 2 : 2);
	if (groups.n > 400 && max_chunk < groups.n / 16) /* a large VRF: ~30 transactions */
		max_chunk = (unsigned)groups.n / 16;
	size_t head = 0, refused_run = 0;
	char *cur = snapshot(r);
	cnt->sequences++;
	while (head < groups.n) {
		size_t left = groups.n - head;
		/* a whole pass refused: the rest at once, which is the target */
		bool all = refused_run >= left;
		size_t take = all ? left : 1 + rnd(s, max_chunk);
		if (take > left)
			take = left;
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		for (size_t k = 0; k < take; k++)
			fputs(groups.v[head + k], f);
		if (!all && one_in(s, 4)) /* objects made and removed in one transaction */
			fputs("set vrf name TMP table 4000\n"
			      "set vrf name TMP protocols bgp system-as 65000\n"
			      "set vrf name TMP protocols static route 192.0.2.0/24 blackhole\n"
			      "set protocols static route 192.0.2.0/24 blackhole\n"
			      "delete vrf name TMP\n"
			      "delete protocols static route 192.0.2.0/24\n",
				f);
		fclose(f);

		cnt->txns++;
		if (verbose)
			fprintf(stderr, "-- transaction%s:\n%s", all ? " (the rest)" : "", text);
		int rc = apply_checked(r, text, count_lines(text), seed, "transaction");
		char *now = snapshot(r);
		if (rc != 0) {
			cnt->txns_refused++;
			if (strcmp(cur, now) != 0) {
				fprintf(stderr, "start:\n%s\ntransaction:\n%s", start, text);
				fail_msg("seed %" PRIu64
					 ": a refused transaction changed the state",
					seed);
			}
			if (all) {
				char *was = render(r);
				fprintf(stderr,
					"start:\n%s\ntarget:\n%s\nstate before the last "
					"transaction:\n%s\nlast transaction:\n%s",
					start, target_render, was, text);
				free(was);
				fail_msg("seed %" PRIu64 ": the rest of the diff to an accepted "
					 "configuration was refused",
					seed);
			}
			/* move the chunk behind the rest: retried after the others */
			char **tmp = malloc(take * sizeof(*tmp));
			memcpy(tmp, groups.v + head, take * sizeof(*tmp));
			memmove(groups.v + head, groups.v + head + take,
				(left - take) * sizeof(*tmp));
			memcpy(groups.v + groups.n - take, tmp, take * sizeof(*tmp));
			free(tmp);
			refused_run += take;
			free(now);
		} else {
			char *bad = fib_check(m, r);
			if (bad) {
				fprintf(stderr, "start:\n%s\ntransaction:\n%s", start, text);
				fail_msg("seed %" PRIu64 ": FIB log replay differs after a "
					 "transaction: %s",
					seed, bad);
			}
			head += take;
			refused_run = 0;
			free(cur);
			cur = now;
		}
		free(text);
	}
	free(cur);
	char *got = full_snapshot(r);
	if (strcmp(got, want) != 0) {
		fprintf(stderr,
			"start:\n%s\ntarget:\n%s\n--- one-shot\n%s\n--- by transactions\n%s", start,
			target_render, want, got);
		fail_msg("seed %" PRIu64 ": state reached by transactions differs from the "
			 "one-shot load",
			seed);
	}
	free(got);
	free(start);
	lines_free(&from);
	lines_free(&to);
	lines_free(&groups);
}

static int vrf_size(const struct sl_vrf_info *vi, void *ctx)
{
	size_t *max = ctx, n = 0;
	for (int i = 0; i < SL_SRC__COUNT; i++)
		n += vi->n_routes[i];
	if (n > *max)
		*max = n;
	return 0;
}

static void run_seed(uint64_t seed, struct counts *cnt)
{
	struct lines cfg = {0};
	uint64_t s = seed ^ 0x5eed5eed5eedull;
	bool invalid = generate(seed, &cfg);
	int rc, rc2;
	struct fib_map m = {0}, m2 = {0};

	current_seed = seed;
	seed_running = true;

	if (verbose) {
		char *t = lines_join(&cfg);
		fprintf(stderr, "seed %" PRIu64 "%s:\n%s", seed,
			invalid ? " (with a deliberate error)" : "", t);
		free(t);
	}
	cnt->configs++;
	cnt->invalid_generated += invalid > 0;

	/* a) + d): the file as written */
	struct sl_router *r = load(&cfg, seed, "check", &rc, &m);
	/* b): the same lines shuffled */
	struct lines mixed = {0};
	for (size_t i = 0; i < cfg.n; i++)
		lines_push(&mixed, cfg.v[i]);
	shuffle(&s, mixed.v, mixed.n);
	struct sl_router *r2 = load(&mixed, seed, "shuffled check", &rc2, &m2);
	if ((rc == 0) != (rc2 == 0)) {
		char *t = lines_join(&cfg);
		fprintf(stderr, "%s", t);
		free(t);
		fail_msg("seed %" PRIu64 ": in file order %s, shuffled %s", seed,
			rc ? "refused" : "accepted", rc2 ? "refused" : "accepted");
	}
	if (rc == 0) {
		cnt->accepted++;
		if (invalid) {
			char *t = lines_join(&cfg);
			fprintf(stderr, "%s", t);
			free(t);
			fail_msg("seed %" PRIu64 ": a deliberate error was accepted", seed);
		}
		sl_rib_vrf_foreach(sl_router_rib_const(r), vrf_size, &cnt->max_vrf_routes);
		char *a = full_snapshot(r), *b = full_snapshot(r2);
		if (strcmp(a, b) != 0) {
			char *t = lines_join(&cfg);
			fprintf(stderr, "%s\n--- file order\n%s\n--- shuffled\n%s", t, a, b);
			free(t);
			fail_msg("seed %" PRIu64 ": shuffled lines give another state", seed);
		}
		free(b);

		/* c): from a start configuration (the first of a few seeds that
		 * loads, else empty) to this one, by transactions */
		struct lines start = {0};
		struct fib_map ms = {0};
		struct sl_router *rs = NULL;
		for (unsigned k = 1; k <= 3 && rs == NULL; k++) {
			int rcs;
			generate(seed * 7919 + k, &start);
			rs = load(&start, seed, "start", &rcs, &ms);
			if (rcs != 0) {
				sl_router_free(rs);
				rs = NULL;
				memset(ms.vrf_live, 0, sizeof(ms.vrf_live));
				ms.n = 0;
			}
			lines_free(&start);
		}
		if (rs == NULL) {
			rs = sl_router_new();
			sl_router_fib_log(rs, true);
		}
		char *target = render(r);
		walk(rs, &ms, target, a, seed, &s, cnt);
		free(target);
		free(a);
		sl_router_free(rs);
		free(ms.v);
	} else {
		cnt->refused++;
	}
	sl_router_free(r);
	sl_router_free(r2);
	free(m.v);
	free(m2.v);
	lines_free(&cfg);
	lines_free(&mixed);
	seed_running = false;
}

static void test_random_configs(void **state)
{
	struct counts cnt = {0};
	const char *one = getenv("SLUICE_RANDOM_SEED"), *nenv = getenv("SLUICE_RANDOM_CONFIGS");
	(void)state;
	if (one != NULL) {
		verbose = true;
		run_seed(strtoull(one, NULL, 10), &cnt);
		return;
	}
	unsigned n = nenv ? (unsigned)strtoul(nenv, NULL, 10) : DEFAULT_CONFIGS;
	verbose = getenv("SLUICE_VERBOSE") != NULL;
	for (uint64_t seed = 1; seed <= n; seed++) {
		if (verbose)
			fprintf(stderr, "== seed %" PRIu64 "\n", seed);
		run_seed(seed, &cnt);
	}
	print_message("%zu configurations: %zu accepted, %zu refused (%zu with a deliberate "
		      "error, all refused); largest VRF: %zu routes; %zu transaction "
		      "sequences, %zu transactions, %zu refused (each retried later)\n",
		cnt.configs, cnt.accepted, cnt.refused, cnt.invalid_generated, cnt.max_vrf_routes,
		cnt.sequences, cnt.txns, cnt.txns_refused);
	/* the generator must reach both outcomes, refused chunks and big tables */
	assert_true(cnt.accepted > n / 4);
	assert_true(cnt.refused > n / 20);
	assert_true(cnt.txns_refused > 0);
	assert_true(n < 100 || cnt.max_vrf_routes > 200);
	assert_true(n < 200 || cnt.max_vrf_routes > 1500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_configs),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (failed && seed_running)
		fprintf(stderr,
			"stopped in seed %" PRIu64 ": replay with SLUICE_RANDOM_SEED=%" PRIu64 "\n",
			current_seed, current_seed);
	return failed;
}
