/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conf_pool.c — memory for what a transaction records and drops whole (the
 * changed paths' tokens): carved from a few big blocks, released together.
 *
 * Why not one malloc each: a 1M-line commit interleaves 1M token blocks with
 * the tree nodes it creates, and freeing them left 1M holes, ~750,000 free
 * chunks in glibc's unsorted bin. malloc sorts at most 10,000 of them per
 * call, so the next few commits paid for that sort inside their mallocs:
 * the first seven one-line commits after a 1M-route load took 2–4 ms of CPU
 * instead of 0.2 (doc/benchmarks.md).
 */
#include <stdlib.h>

#include "conf_priv.h"

#define POOL_FIRST 4096 /* bytes: the block a small transaction stays in */
#define POOL_MAX (1u << 20) /* blocks grow by doubling up to this */

struct conf_pool_block {
	struct conf_pool_block *next; /* the older block */
	size_t used, cap;
	_Alignas(max_align_t) char data[];
};

void *conf_pool_alloc(struct conf_pool *p, size_t bytes)
{
	struct conf_pool_block *b = p->head;
	bytes = (bytes + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	if (b == NULL || b->cap - b->used < bytes) {
		size_t cap = b == NULL ? POOL_FIRST : b->cap < POOL_MAX ? 2 * b->cap : POOL_MAX;
		if (cap < bytes)
			cap = bytes;
		struct conf_pool_block *nb = malloc(sizeof(*nb) + cap);
		if (nb == NULL)
			return NULL;
		*nb = (struct conf_pool_block){.next = b, .cap = cap};
		p->head = b = nb;
	}
	void *r = b->data + b->used;
	b->used += bytes;
	return r;
}

/* Everything allocated is dropped; the first (smallest) block stays for
 * the next transaction, so a one-line commit allocates nothing here. */
void conf_pool_reset(struct conf_pool *p)
{
	struct conf_pool_block *b = p->head;
	while (b != NULL && b->next != NULL) {
		struct conf_pool_block *older = b->next;
		free(b);
		b = older;
	}
	if (b != NULL)
		b->used = 0;
	p->head = b;
}

void conf_pool_free(struct conf_pool *p)
{
	conf_pool_reset(p);
	free(p->head);
	p->head = NULL;
}
