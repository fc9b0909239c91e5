/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conf nodes by size class: freed nodes go to their class's free list and
 * new ones come from it, or from 64 KiB blocks. A 100,000-route change
 * creates and frees some 200,000 nodes; through malloc, each free of a
 * change's removed nodes could make glibc consolidate its bins (a third of
 * the allocator's share of that change's profile).
 */
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

/* Under ASan, free and never-used memory stays poisoned: a use after free of
 * a node is still reported. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define POISON(m, n) ASAN_POISON_MEMORY_REGION(m, n)
#define UNPOISON(m, n) ASAN_UNPOISON_MEMORY_REGION(m, n)
#else
#define POISON(m, n) ((void)(m), (void)(n))
#define UNPOISON(m, n) ((void)(m), (void)(n))
#endif

#define POOL_BLOCK 65536

struct conf_pool_block {
	struct conf_pool_block *next;
	max_align_t data[];
};

static size_t class_of(size_t size)
{
	return (size + CONF_POOL_GRAIN - 1) / CONF_POOL_GRAIN;
}

void *conf_pool_alloc(struct conf_pool *p, size_t size)
{
	size_t k = class_of(size), bytes = k * CONF_POOL_GRAIN;
	void *m;

	if (k >= CONF_POOL_CLASSES)
		return calloc(1, size);
	if ((m = p->free[k]) != NULL) {
		UNPOISON(m, bytes);
		memcpy(&p->free[k], m, sizeof(void *)); /* the next free one */
	} else {
		if (p->left < bytes) {
			struct conf_pool_block *b = malloc(sizeof(*b) + POOL_BLOCK);
			if (b == NULL)
				return NULL;
			b->next = p->blocks;
			p->blocks = b;
			p->bump = (char *)b->data;
			p->left = POOL_BLOCK;
			POISON(p->bump, POOL_BLOCK);
		}
		m = p->bump;
		UNPOISON(m, bytes);
		p->bump += bytes;
		p->left -= bytes;
	}
	memset(m, 0, bytes);
	return m;
}

void conf_pool_free(struct conf_pool *p, void *m, size_t size)
{
	size_t k = class_of(size);

	if (m == NULL)
		return;
	if (k >= CONF_POOL_CLASSES) {
		free(m);
		return;
	}
	memcpy(m, &p->free[k], sizeof(void *));
	p->free[k] = m;
	POISON(m, k * CONF_POOL_GRAIN);
}

void conf_pool_release(struct conf_pool *p)
{
	struct conf_pool_block *b, *next;

	for (b = p->blocks; b != NULL; b = next) {
		next = b->next;
		UNPOISON(b->data, POOL_BLOCK);
		free(b);
	}
	memset(p, 0, sizeof(*p));
}
