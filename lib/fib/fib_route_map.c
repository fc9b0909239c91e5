/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_route_map.c — the writer's record of what each (VRF, prefix) holds in
 * the LPM, so replacing or deleting a route needs no rte_lpm_is_rule_present
 * (a linear scan of every rule of that depth: with 1M /24 routes it doubled
 * the cost of each change). Open addressing, linear probing, grows at 50 %.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fib_priv.h"

struct route_slot {
	uint32_t vrf_plus1; /* 0: empty */
	uint32_t addr;
	uint32_t val;
	uint8_t len;
	uint8_t tomb; /* deleted: keeps probe chains intact */
};

struct fib_route_map {
	struct route_slot *v;
	size_t cap, used, tombs;
};

static size_t hash(uint32_t vrf, uint32_t addr, uint8_t len)
{
	uint64_t h = ((uint64_t)vrf << 40) ^ ((uint64_t)len << 32) ^ addr;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 17);
}

struct fib_route_map *fib_route_map_new(void)
{
	struct fib_route_map *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->cap = 1024;
	m->v = calloc(m->cap, sizeof(*m->v));
	if (m->v == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void fib_route_map_free(struct fib_route_map *m)
{
	if (m != NULL)
		free(m->v);
	free(m);
}

static struct route_slot *find(const struct fib_route_map *m, uint32_t vrf, uint32_t addr,
	uint8_t len, struct route_slot **free_slot)
{
	size_t mask = m->cap - 1;
	if (free_slot)
		*free_slot = NULL;
	for (size_t i = hash(vrf, addr, len) & mask;; i = (i + 1) & mask) {
		struct route_slot *s = &m->v[i];
		if (s->vrf_plus1 == 0) {
			if (free_slot && *free_slot == NULL)
				*free_slot = s;
			return NULL;
		}
		if (s->tomb) {
			if (free_slot && *free_slot == NULL)
				*free_slot = s;
			continue;
		}
		if (s->vrf_plus1 == vrf + 1 && s->addr == addr && s->len == len)
			return s;
	}
}

static int grow(struct fib_route_map *m)
{
	struct fib_route_map n = {.cap = m->cap * 2};
	n.v = calloc(n.cap, sizeof(*n.v));
	if (n.v == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		const struct route_slot *s = &m->v[i];
		if (s->vrf_plus1 == 0 || s->tomb)
			continue;
		struct route_slot *dst;
		find(&n, s->vrf_plus1 - 1, s->addr, s->len, &dst);
		*dst = *s;
		n.used++;
	}
	free(m->v);
	*m = n;
	return 0;
}

bool fib_route_map_get(
	const struct fib_route_map *m, uint32_t vrf, uint32_t addr, uint8_t len, uint32_t *val)
{
	const struct route_slot *s = find(m, vrf, addr, len, NULL);
	if (s == NULL)
		return false;
	*val = s->val;
	return true;
}

int fib_route_map_set(
	struct fib_route_map *m, uint32_t vrf, uint32_t addr, uint8_t len, uint32_t val)
{
	if ((m->used + m->tombs + 1) * 2 > m->cap) {
		int rc = grow(m);
		if (rc < 0)
			return rc;
		m->tombs = 0;
	}
	struct route_slot *free_slot, *s = find(m, vrf, addr, len, &free_slot);
	if (s != NULL) {
		s->val = val;
		return 0;
	}
	if (free_slot->tomb)
		m->tombs--;
	*free_slot =
		(struct route_slot){.vrf_plus1 = vrf + 1, .addr = addr, .len = len, .val = val};
	m->used++;
	return 0;
}

void fib_route_map_del(struct fib_route_map *m, uint32_t vrf, uint32_t addr, uint8_t len)
{
	struct route_slot *s = find(m, vrf, addr, len, NULL);
	if (s == NULL)
		return;
	s->tomb = 1;
	m->used--;
	m->tombs++;
}

void fib_route_map_del_vrf(struct fib_route_map *m, uint32_t vrf,
	void (*release)(struct sl_fib *fib, uint32_t val), struct sl_fib *fib)
{
	for (size_t i = 0; i < m->cap; i++) {
		struct route_slot *s = &m->v[i];
		if (s->vrf_plus1 == vrf + 1 && !s->tomb) {
			release(fib, s->val);
			s->tomb = 1;
			m->used--;
			m->tombs++;
		}
	}
}
