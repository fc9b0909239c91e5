/* SPDX-License-Identifier: BSD-3-Clause */
/* A VRF's prefix -> entry hash table: open addressing with linear probing
 * and backward-shift deletion (no tombstones), kept at most 1/2 full. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

/* Never 0: bit 40 marks the slot as used (0.0.0.0/0 included). */
static inline uint64_t key_of(uint32_t addr, uint8_t len)
{
	return (uint64_t)addr << 8 | len | 1ull << 40;
}

static inline size_t slot_of(uint32_t addr, uint8_t len, size_t mask)
{
	uint64_t k = ((uint64_t)addr << 8 | len) * 0x9e3779b97f4a7c15ull;
	return (size_t)(k >> 29) & mask;
}

int rib_table_init(struct rib_table *t)
{
	memset(t, 0, sizeof(*t));
	t->cap = 16;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	t->keys = calloc(t->cap, sizeof(*t->keys));
	if (t->slots == NULL || t->keys == NULL) {
		rib_table_fini(t);
		return -ENOMEM;
	}
	return 0;
}

void rib_table_fini(struct rib_table *t)
{
	free(t->slots);
	free(t->keys);
	memset(t, 0, sizeof(*t));
}

struct rib_entry *rib_table_find(const struct rib_table *t, uint32_t addr, uint8_t len)
{
	size_t mask = t->cap - 1;
	uint64_t key = key_of(addr, len);
	for (size_t i = slot_of(addr, len, mask);; i = (i + 1) & mask) {
		if (t->keys[i] == key)
			return t->slots[i];
		if (t->keys[i] == 0)
			return NULL;
	}
}

long rib_table_find_slot(const struct rib_table *t, uint32_t addr, uint8_t len)
{
	size_t mask = t->cap - 1;
	uint64_t key = key_of(addr, len);
	for (size_t i = slot_of(addr, len, mask);; i = (i + 1) & mask) {
		if (t->keys[i] == key)
			return (long)i;
		if (t->keys[i] == 0)
			return -1;
	}
}

void rib_table_prefetch(const struct rib_table *t, uint32_t addr, uint8_t len)
{
	size_t i = slot_of(addr, len, t->cap - 1);
	__builtin_prefetch(&t->keys[i]);
	__builtin_prefetch(&t->slots[i]);
}

static void place(struct rib_entry **slots, uint64_t *keys, size_t mask, struct rib_entry *e)
{
	size_t i = slot_of(e->addr, e->len, mask);
	while (keys[i])
		i = (i + 1) & mask;
	slots[i] = e;
	keys[i] = key_of(e->addr, e->len);
}

int rib_table_insert(struct rib_table *t, struct rib_entry *e)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap * 2;
		struct rib_entry **slots = calloc(cap, sizeof(*slots));
		uint64_t *keys = calloc(cap, sizeof(*keys));
		if (slots == NULL || keys == NULL) {
			free(slots);
			free(keys);
			return -ENOMEM;
		}
		for (size_t i = 0; i < t->cap; i++) {
			if ((i & 63) == 0)
				sl_progress(); /* a big table would rehash in one go */
			if (t->slots[i])
				place(slots, keys, cap - 1, t->slots[i]);
		}
		free(t->slots);
		free(t->keys);
		t->slots = slots;
		t->keys = keys;
		t->cap = cap;
	}
	place(t->slots, t->keys, t->cap - 1, e);
	t->n++;
	t->len_count[e->len]++;
	return 0;
}

void rib_table_remove(struct rib_table *t, struct rib_entry *e)
{
	size_t mask = t->cap - 1;
	size_t i = slot_of(e->addr, e->len, mask);

	while (t->slots[i] != e) {
		if (t->slots[i] == NULL)
			return;
		i = (i + 1) & mask;
	}
	t->slots[i] = NULL;
	t->keys[i] = 0;
	/* backward shift: move later members of the cluster into the hole */
	for (size_t j = (i + 1) & mask; t->keys[j]; j = (j + 1) & mask) {
		uint64_t k = t->keys[j];
		size_t home = slot_of((uint32_t)(k >> 8), (uint8_t)k, mask);
		/* j's entry may move to i when its home is not in (i, j] cyclically */
		bool in_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!in_between) {
			t->slots[i] = t->slots[j];
			t->keys[i] = k;
			t->slots[j] = NULL;
			t->keys[j] = 0;
			i = j;
		}
	}
	t->n--;
	t->len_count[e->len]--;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct rib_entry *x = *(struct rib_entry *const *)a,
			       *y = *(struct rib_entry *const *)b;
	struct sl_prefix p = {x->addr, x->len}, q = {y->addr, y->len};
	return sl_prefix_cmp(p, q);
}

struct rib_entry **rib_table_sorted(const struct rib_table *t, size_t *n)
{
	struct rib_entry **v;
	size_t k = 0;

	*n = 0;
	if (t->n == 0)
		return NULL;
	v = malloc(t->n * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i])
			v[k++] = t->slots[i];
	qsort(v, k, sizeof(*v), cmp_entry);
	*n = k;
	return v;
}
