/* SPDX-License-Identifier: BSD-3-Clause */
/* Refused leaks (collisions, kept sorted) and the FIB change log. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

static int collision_cmp(const struct sl_rib_collision *a, const struct sl_rib_collision *b)
{
	int c = strcmp(a->importer, b->importer);
	if (c || (c = sl_prefix_cmp(a->leaked, b->leaked)) || (c = strcmp(a->origin, b->origin)))
		return c;
	return sl_prefix_cmp(a->connected, b->connected);
}

void rib_collisions_clear(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p)
{
	const char *name = rib_name(rib, vrf->name);
	size_t k = 0;
	for (size_t i = 0; i < rib->n_collisions; i++) {
		struct sl_rib_collision *c = &rib->collisions[i];
		if (strcmp(c->importer, name) == 0 && sl_prefix_eq(c->leaked, p))
			continue;
		rib->collisions[k++] = *c;
	}
	rib->n_collisions = k;
}

int rib_collision_add(struct sl_rib *rib, struct rib_vrf *vrf, struct sl_prefix p, name_id origin,
	struct sl_prefix connected)
{
	struct sl_rib_collision c;
	size_t i;

	memset(&c, 0, sizeof(c));
	memcpy(c.importer, rib_name(rib, vrf->name), SL_NAME_MAX);
	memcpy(c.origin, rib_name(rib, origin), SL_NAME_MAX);
	c.leaked = p;
	c.connected = connected;
	if (rib->n_collisions == rib->cap_collisions) {
		size_t cap = rib->cap_collisions ? rib->cap_collisions * 2 : 8;
		struct sl_rib_collision *v = realloc(rib->collisions, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		rib->collisions = v;
		rib->cap_collisions = cap;
	}
	for (i = rib->n_collisions; i > 0 && collision_cmp(&rib->collisions[i - 1], &c) > 0; i--)
		;
	memmove(&rib->collisions[i + 1], &rib->collisions[i], (rib->n_collisions - i) * sizeof(c));
	rib->collisions[i] = c;
	rib->n_collisions++;
	return 0;
}

size_t sl_rib_collisions(const struct sl_rib *rib, const struct sl_rib_collision **out)
{
	*out = rib->collisions;
	return rib->n_collisions;
}

/* Entries copied between two services of the punt ring (sl_progress) when
 * the log grows: 180 KB. A realloc of a 100,000-change commit's log copied
 * 11 MB at once, new pages faulted in: 34-73 ms with no punt served. */
#define LOG_GROW_SLICE 1024u
/* From this size on realloc copies nothing: glibc maps such a block on its
 * own (its mmap threshold never rises past 32 MiB) and moves it by mremap. */
#define LOG_REMAP_BYTES (32u << 20)

static int log_grow(struct sl_rib *rib)
{
	size_t cap = rib->cap_log ? rib->cap_log * 2 : 64;
	struct sl_fib_change *v;
	if (rib->n_log <= LOG_GROW_SLICE || rib->cap_log * sizeof(*v) >= LOG_REMAP_BYTES) {
		v = realloc(rib->log, cap * sizeof(*v));
	} else if ((v = malloc(cap * sizeof(*v))) != NULL) {
		/* the hook does not read the RIB: the log may be half copied */
		for (size_t i = 0; i < rib->n_log; i += LOG_GROW_SLICE) {
			size_t k =
				rib->n_log - i < LOG_GROW_SLICE ? rib->n_log - i : LOG_GROW_SLICE;
			memcpy(v + i, rib->log + i, k * sizeof(*v));
			sl_progress_run();
		}
		free(rib->log);
	}
	if (v == NULL)
		return -ENOMEM;
	rib->log = v;
	rib->cap_log = cap;
	return 0;
}

static struct sl_fib_change *log_append(struct sl_rib *rib)
{
	if (rib->n_log == rib->cap_log && log_grow(rib) < 0) {
		rib->log_lost = true; /* the commit taking the log is refused */
		return NULL;
	}
	struct sl_fib_change *c = &rib->log[rib->n_log++];
	memset(c, 0, sizeof(*c));
	return c;
}

static void log_vrf_fields(
	const struct sl_rib *rib, struct sl_fib_change *c, const struct rib_vrf *vrf)
{
	c->af = SL_AF_IPV4;
	c->vrf_id = vrf->id;
	c->table = vrf->table;
	memcpy(c->vrf_name, rib_name(rib, vrf->name), SL_NAME_MAX);
}

void rib_log_route(struct sl_rib *rib, const struct rib_vrf *vrf, struct sl_prefix p,
	const struct rib_cand *v, size_t n)
{
	struct sl_fib_change *c;
	if (!rib->log_on || (c = log_append(rib)) == NULL)
		return;
	c->op = n ? SL_FIB_ROUTE_SET : SL_FIB_ROUTE_DEL;
	log_vrf_fields(rib, c, vrf);
	c->prefix = p;
	if (n == 0)
		return;
	rib_nh_export(rib, &v[0].nh, &c->nh);
	if (n == 1)
		return;
	struct sl_fib_paths *ps = malloc(sizeof(*ps) + n * sizeof(ps->p[0]));
	if (ps == NULL) {
		rib->log_lost = true; /* one path is not the route: refused too */
		return;
	}
	ps->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct sl_fib_path *fp = &ps->p[ps->n];
		bool dup = false;
		rib_nh_export(rib, &v[i].nh, &fp->nh);
		/* two next hops that resolve alike are one path */
		for (uint32_t k = 0; k < ps->n && !dup; k++)
			dup = memcmp(&ps->p[k].nh, &fp->nh, sizeof(fp->nh)) == 0;
		if (dup)
			continue;
		fp->weight = v[i].weight ? v[i].weight : 1;
		ps->n++;
	}
	if (ps->n < 2) {
		free(ps);
		return;
	}
	c->paths = ps;
}

void rib_log_vrf(struct sl_rib *rib, enum sl_fib_op op, const struct rib_vrf *vrf)
{
	struct sl_fib_change *c;
	if (!rib->log_on || (c = log_append(rib)) == NULL)
		return;
	c->op = op;
	log_vrf_fields(rib, c, vrf);
}

void sl_rib_change_log(struct sl_rib *rib, bool on)
{
	rib->log_on = on;
}

size_t sl_rib_changes(const struct sl_rib *rib, const struct sl_fib_change **out)
{
	*out = rib->log;
	return rib->n_log;
}

void sl_fib_changes_free_paths(struct sl_fib_change *changes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sl_progress(); /* 100,000 cold frees: milliseconds in one go */
		free(changes[i].paths);
		changes[i].paths = NULL;
	}
}

bool sl_rib_changes_lost(const struct sl_rib *rib)
{
	return rib->log_lost;
}

void sl_rib_changes_clear(struct sl_rib *rib)
{
	sl_fib_changes_free_paths(rib->log, rib->n_log);
	rib->n_log = 0;
	rib->log_lost = false;
}

void sl_rib_changes_detach(struct sl_rib *rib)
{
	rib->n_log = 0;
}

void sl_rib_changes_swap(struct sl_rib *rib, struct sl_fib_change **v, size_t *n, size_t *cap)
{
	struct sl_fib_change *log = rib->log;
	size_t n_log = rib->n_log, cap_log = rib->cap_log;
	rib->log = *v;
	rib->cap_log = *cap;
	rib->n_log = 0; /* *n was 0: the caller's array holds nothing */
	*v = log;
	*n = n_log;
	*cap = cap_log;
}
