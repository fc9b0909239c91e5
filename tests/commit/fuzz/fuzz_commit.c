/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the whole commit path: parse, validate, conf → RIB
 * sync, leak engine, FIB change log (what `sluicectl --offline FILE check`
 * and sluiced's `configure` run), over several transactions.
 *
 * Input: configuration text. A line `commit` ends a transaction (as in a
 * VyOS session); the text after the last one is a transaction too. A line
 * `repeat N LINE` (1 <= N <= 256) stands for LINE N times with every '@'
 * replaced by 0..N-1, so that a short input reaches tables that grow several
 * times (issue 18 needed an importer table to double mid-import).
 *
 * Invariants checked (abort() on failure, so libFuzzer reports it):
 *  - a refused transaction says why (at least one error), leaves the running
 *    configuration and the RIB dump byte-identical and logs no FIB change;
 *  - the FIB change log of the accepted transactions, replayed in order into
 *    a shadow FIB, is consistent (a VRF is added before its routes, deleted
 *    after them; only installed routes are deleted) and equals the RIB's
 *    selected routes after every transaction;
 *  - at the end, loading the rendered configuration into a new router in one
 *    transaction gives the same rendering and RIB dump (incremental == from
 *    scratch).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_test_util.h"

#define TXN_MAX 32
#define REPEAT_MAX 256
#define EXPANDED_MAX (1 << 18) /* bytes of expanded text per input */

/* One installed route of the shadow FIB, or of the RIB's selection. */
struct fib_route {
	uint32_t vrf_id;
	struct sl_prefix prefix;
	struct sl_nh nh;
};

struct shadow {
	bool vrf[SL_VRF_MAX];
	char vrf_name[SL_VRF_MAX][SL_NAME_MAX];
	struct fib_route *v; /* sorted by route_cmp */
	size_t n, cap;
};

static int route_cmp(const void *a, const void *b)
{
	const struct fib_route *x = a, *y = b;
	if (x->vrf_id != y->vrf_id)
		return x->vrf_id < y->vrf_id ? -1 : 1;
	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	return (int)x->prefix.len - (int)y->prefix.len;
}

static bool nh_eq(const struct sl_nh *a, const struct sl_nh *b)
{
	return a->type == b->type && a->gw == b->gw && a->vrf_id == b->vrf_id &&
	       strcmp(a->ifname, b->ifname) == 0;
}

/* Index of key in s->v, or -(insertion point) - 1. */
static long shadow_find(const struct shadow *s, const struct fib_route *key)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = route_cmp(&s->v[mid], key);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

static void shadow_apply(struct shadow *s, const struct sl_fib_change *c)
{
	struct fib_route key = {.vrf_id = c->vrf_id, .prefix = c->prefix, .nh = c->nh};
	long at;

	if (c->vrf_id >= SL_VRF_MAX)
		abort();
	switch (c->op) {
	case SL_FIB_VRF_ADD:
		if (s->vrf[c->vrf_id])
			abort(); /* added twice */
		s->vrf[c->vrf_id] = true;
		memcpy(s->vrf_name[c->vrf_id], c->vrf_name, SL_NAME_MAX);
		break;
	case SL_FIB_VRF_DEL:
		if (!s->vrf[c->vrf_id])
			abort();
		key.prefix = (struct sl_prefix){0, 0};
		at = shadow_find(s, &key);
		if (at < 0)
			at = -at - 1;
		if ((size_t)at < s->n && s->v[at].vrf_id == c->vrf_id)
			abort(); /* deleted before its routes */
		s->vrf[c->vrf_id] = false;
		break;
	case SL_FIB_ROUTE_SET:
		if (!s->vrf[c->vrf_id])
			abort(); /* route before its VRF */
		at = shadow_find(s, &key);
		if (at >= 0) {
			s->v[at].nh = c->nh;
			break;
		}
		at = -at - 1;
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->v = realloc(s->v, s->cap * sizeof(*s->v));
			if (s->v == NULL)
				abort();
		}
		memmove(&s->v[at + 1], &s->v[at], (s->n - (size_t)at) * sizeof(*s->v));
		s->v[at] = key;
		s->n++;
		break;
	case SL_FIB_ROUTE_DEL:
		if (!s->vrf[c->vrf_id])
			abort();
		at = shadow_find(s, &key);
		if (at < 0)
			abort(); /* deleting a route the FIB does not have */
		memmove(&s->v[at], &s->v[at + 1], (s->n - (size_t)at - 1) * sizeof(*s->v));
		s->n--;
		break;
	default:
		abort();
	}
}

/* The RIB's VRFs and selected routes, collected for comparison. */
struct selection {
	const struct sl_rib *rib;
	uint32_t vrf_id;
	struct fib_route *v;
	size_t n, cap;
	bool vrf[SL_VRF_MAX];
};

static int collect_route(const struct sl_route *r, void *ctx)
{
	struct selection *sel = ctx;
	if (!r->selected)
		return 0;
	if (sel->n == sel->cap) {
		sel->cap = sel->cap ? sel->cap * 2 : 64;
		sel->v = realloc(sel->v, sel->cap * sizeof(*sel->v));
		if (sel->v == NULL)
			abort();
	}
	sel->v[sel->n++] = (struct fib_route){sel->vrf_id, r->prefix, r->nh};
	return 0;
}

static int collect_vrf(const struct sl_vrf_info *vrf, void *ctx)
{
	struct selection *sel = ctx;
	sel->vrf_id = vrf->id;
	sel->vrf[vrf->id] = true;
	if (sl_rib_route_foreach(sel->rib, vrf->name, collect_route, sel) != 0)
		abort();
	return 0;
}

/* The shadow FIB must hold exactly the RIB's VRFs and selected routes. */
static void shadow_check(const struct shadow *s, const struct sl_rib *rib)
{
	struct selection sel = {.rib = rib};

	sl_rib_vrf_foreach(rib, collect_vrf, &sel);
	for (uint32_t id = 0; id < SL_VRF_MAX; id++)
		if (sel.vrf[id] != s->vrf[id] ||
			(s->vrf[id] && strcmp(s->vrf_name[id], sl_rib_vrf_name(rib, id)) != 0))
			abort();
	if (sel.n != s->n)
		abort();
	if (sel.n > 0)
		qsort(sel.v, sel.n, sizeof(*sel.v), route_cmp);
	for (size_t i = 0; i < sel.n; i++)
		if (route_cmp(&sel.v[i], &s->v[i]) != 0 || !nh_eq(&sel.v[i].nh, &s->v[i].nh))
			abort();
	free(sel.v);
}

static void shadow_init(struct shadow *s, const struct sl_rib *rib)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t id = 0; id < SL_VRF_MAX; id++) {
		const char *name = sl_rib_vrf_name(rib, id);
		if (name != NULL) {
			s->vrf[id] = true;
			snprintf(s->vrf_name[id], SL_NAME_MAX, "%s", name);
		}
	}
}

/* Append line [p, end) to out, expanding `repeat N LINE` when the
 * expansion fits in budget bytes. */
static void expand_line(FILE *out, const char *p, const char *end, size_t budget)
{
	const char *q = p;
	char *num_end;
	unsigned long n;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if ((size_t)(end - q) > 7 && strncmp(q, "repeat ", 7) == 0 &&
		isdigit((unsigned char)q[7])) {
		n = strtoul(q + 7, &num_end, 10);
		if (n >= 1 && n <= REPEAT_MAX && num_end < end && *num_end == ' ' &&
			n * (size_t)(end - num_end + 3) < budget) {
			for (unsigned long i = 0; i < n; i++) {
				for (const char *c = num_end + 1; c < end; c++)
					if (*c == '@')
						fprintf(out, "%lu", i);
					else
						fputc(*c, out);
				fputc('\n', out);
			}
			return;
		}
	}
	fwrite(p, 1, (size_t)(end - p), out);
	fputc('\n', out);
}

static bool is_commit_line(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	return end - p == 6 && memcmp(p, "commit", 6) == 0;
}

/* Split text into transactions; returns how many (texts in txn[], caller frees). */
static size_t split(const char *text, char **txn)
{
	size_t n = 0, len = 0;
	FILE *cur = NULL;
	const char *p = text;
	size_t total = 0;

	while (*p != '\0' && n < TXN_MAX) {
		const char *end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (cur == NULL)
			cur = open_memstream(&txn[n], &len);
		if (is_commit_line(p, end)) {
			fclose(cur);
			cur = NULL;
			total += len;
			n++;
		} else if (total + len < EXPANDED_MAX) {
			expand_line(cur, p, end, EXPANDED_MAX - total - len);
			fflush(cur);
		}
		p = *end ? end + 1 : end;
	}
	if (cur != NULL) {
		fclose(cur);
		n++;
	}
	return n;
}

/* Incremental state == the rendered configuration loaded from scratch. */
static void check_rebuild(const struct sl_router *r)
{
	char *cfg = NULL, *want, *got;
	size_t len = 0;
	FILE *f = open_memstream(&cfg, &len);
	struct sl_router *fresh = sl_router_new();
	struct sl_errors e = {0};

	sl_router_render(r, f);
	fclose(f);
	if (fresh == NULL || sl_router_apply(fresh, cfg, &e, NULL) != 0)
		abort(); /* the running configuration must load back */
	want = snapshot(r);
	got = snapshot(fresh);
	if (strcmp(want, got) != 0)
		abort();
	free(want);
	free(got);
	free(cfg);
	sl_errors_free(&e);
	sl_router_free(fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *txn[TXN_MAX], *text;
	struct sl_router *r;
	struct shadow *shadow;
	size_t n;

	if (size > 1 << 16)
		return 0;
	text = malloc(size + 1);
	r = sl_router_new();
	shadow = malloc(sizeof(*shadow));
	if (text == NULL || r == NULL || shadow == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0'; /* NULs inside simply end the text early */
	sl_router_fib_log(r, true);
	sl_router_lint(r, true); /* the advice walks what each transaction built */
	shadow_init(shadow, sl_router_rib_const(r));
	n = split(text, txn);

	/* the state after one transaction is the state before the next */
	char *before = snapshot(r);
	for (size_t t = 0; t < n; t++) {
		struct sl_errors e = {0};
		const struct sl_fib_change *c;
		int rc = sl_router_apply(r, txn[t], &e, NULL);
		size_t n_changes = sl_router_changes(r, &c);
		char *after = snapshot(r);

		if (rc != 0) {
			if (e.n == 0 || n_changes != 0 || strcmp(before, after) != 0)
				abort(); /* refused silently, or not atomically */
			if (sl_router_warnings(r)->n != 0)
				abort(); /* a refused transaction warns of nothing */
		} else {
			for (size_t i = 0; i < n_changes; i++)
				shadow_apply(shadow, &c[i]);
			sl_router_changes_clear(r);
			shadow_check(shadow, sl_router_rib_const(r));
		}
		free(before);
		before = after;
		free(txn[t]);
		sl_errors_free(&e);
	}
	free(before);
	check_rebuild(r);
	free(shadow->v);
	free(shadow);
	free(text);
	sl_router_free(r);
	return 0;
}
