/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lpm_oracle.h — a plain reference LPM for the table tests: the rules in a
 * hash keyed by (prefix, depth) plus a dense array (for picking a random
 * rule); a lookup probes depths 32..1. Slow and obviously right.
 */
#ifndef SL_LPM_ORACLE_H
#define SL_LPM_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct lpm_rule {
	uint32_t addr;
	uint8_t depth;
	uint32_t value;
};

struct lpm_oracle {
	struct lpm_rule *rules; /* dense */
	size_t n, cap;
	uint32_t *slot; /* rule index + 1, 0: empty; linear probing */
	size_t slots;
	size_t per_depth[33];
};

static inline uint32_t lpm_oracle_mask(uint8_t depth)
{
	return depth == 0 ? 0 : ~0u << (32 - depth);
}

static inline size_t lpm_oracle_hash(const struct lpm_oracle *o, uint32_t addr, uint8_t depth)
{
	uint64_t h = ((uint64_t)depth << 32 | addr) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 20) & (o->slots - 1);
}

/* The slot holding (addr, depth), or the empty slot where it would go. */
static inline size_t lpm_oracle_probe(const struct lpm_oracle *o, uint32_t addr, uint8_t depth)
{
	size_t i = lpm_oracle_hash(o, addr, depth);
	while (o->slot[i] != 0) {
		const struct lpm_rule *r = &o->rules[o->slot[i] - 1];
		if (r->addr == addr && r->depth == depth)
			break;
		i = (i + 1) & (o->slots - 1);
	}
	return i;
}

static inline void lpm_oracle_rehash(struct lpm_oracle *o, size_t slots)
{
	free(o->slot);
	o->slots = slots;
	o->slot = calloc(slots, sizeof(*o->slot));
	if (o->slot == NULL)
		abort();
	for (size_t k = 0; k < o->n; k++)
		o->slot[lpm_oracle_probe(o, o->rules[k].addr, o->rules[k].depth)] = (uint32_t)k + 1;
}

static inline void lpm_oracle_init(struct lpm_oracle *o)
{
	memset(o, 0, sizeof(*o));
	lpm_oracle_rehash(o, 1024);
}

static inline void lpm_oracle_fini(struct lpm_oracle *o)
{
	free(o->rules);
	free(o->slot);
	memset(o, 0, sizeof(*o));
}

static inline const struct lpm_rule *lpm_oracle_get(
	const struct lpm_oracle *o, uint32_t addr, uint8_t depth)
{
	uint32_t s = o->slot[lpm_oracle_probe(o, addr & lpm_oracle_mask(depth), depth)];
	return s ? &o->rules[s - 1] : NULL;
}

static inline void lpm_oracle_set(
	struct lpm_oracle *o, uint32_t addr, uint8_t depth, uint32_t value)
{
	addr &= lpm_oracle_mask(depth);
	size_t i = lpm_oracle_probe(o, addr, depth);
	if (o->slot[i] != 0) {
		o->rules[o->slot[i] - 1].value = value;
		return;
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 1024;
		o->rules = realloc(o->rules, o->cap * sizeof(*o->rules));
		if (o->rules == NULL)
			abort();
	}
	o->rules[o->n] = (struct lpm_rule){addr, depth, value};
	o->slot[i] = (uint32_t)++o->n;
	o->per_depth[depth]++;
	if (2 * o->n > o->slots)
		lpm_oracle_rehash(o, 2 * o->slots);
}

/* Remove the slot's entry and shift later members of its probe run back. */
static inline void lpm_oracle_slot_clear(struct lpm_oracle *o, size_t i)
{
	size_t mask = o->slots - 1;
	o->slot[i] = 0;
	for (size_t j = (i + 1) & mask; o->slot[j] != 0; j = (j + 1) & mask) {
		const struct lpm_rule *r = &o->rules[o->slot[j] - 1];
		size_t home = lpm_oracle_hash(o, r->addr, r->depth);
		/* j's entry may move to i unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			o->slot[i] = o->slot[j];
			o->slot[j] = 0;
			i = j;
		}
	}
}

static inline bool lpm_oracle_del(struct lpm_oracle *o, uint32_t addr, uint8_t depth)
{
	addr &= lpm_oracle_mask(depth);
	size_t i = lpm_oracle_probe(o, addr, depth);
	if (o->slot[i] == 0)
		return false;
	size_t k = o->slot[i] - 1;
	lpm_oracle_slot_clear(o, i);
	o->per_depth[depth]--;
	o->n--;
	if (k != o->n) { /* move the last rule into the hole */
		o->rules[k] = o->rules[o->n];
		o->slot[lpm_oracle_probe(o, o->rules[k].addr, o->rules[k].depth)] = (uint32_t)k + 1;
	}
	return true;
}

/* Longest match of ip: its rule or NULL. */
static inline const struct lpm_rule *lpm_oracle_lookup(const struct lpm_oracle *o, uint32_t ip)
{
	for (int d = 32; d >= 1; d--) {
		if (o->per_depth[d] == 0)
			continue;
		const struct lpm_rule *r = lpm_oracle_get(o, ip, (uint8_t)d);
		if (r != NULL)
			return r;
	}
	return NULL;
}

#endif
