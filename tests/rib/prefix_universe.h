/* SPDX-License-Identifier: BSD-3-Clause */
/* A seeded universe of prefixes for the property tests: fixed ones, random
 * prefixes of a few address blocks, and prefixes inside or covering ones
 * drawn already, so that they nest and collide. */
#ifndef PREFIX_UNIVERSE_H
#define PREFIX_UNIVERSE_H

#include <stdlib.h>

#include "sl_types.h"

/* The caller's generator: a number in [0, n). */
typedef unsigned (*universe_rnd_fn)(void *rng, unsigned n);

static inline int universe_prefix_cmp(const void *a, const void *b)
{
	return sl_prefix_cmp(*(const struct sl_prefix *)a, *(const struct sl_prefix *)b);
}

static inline uint32_t universe_mask(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* Fill out[0..n) (n > n_fixed) in sl_prefix_cmp order; derived covering
 * prefixes are not shorter than min_len. Aborts on an unparsable string. */
static inline void universe_gen(struct sl_prefix *out, int n, const char *const *fixed, int n_fixed,
	const char *const *blocks, int n_blocks, unsigned min_len, universe_rnd_fn rnd, void *rng)
{
	int k = 0;
	for (; k < n_fixed; k++)
		if (sl_prefix_parse(fixed[k], &out[k], true) != 0)
			abort();
	while (k < n) {
		struct sl_prefix q = out[rnd(rng, (unsigned)k)], p;
		unsigned len;
		switch (rnd(rng, 4)) {
		case 0:
		case 1:
			if (sl_prefix_parse(blocks[rnd(rng, (unsigned)n_blocks)], &q, true) != 0)
				abort();
			len = 16 + rnd(rng, 9) + rnd(rng, 9); /* 16..32, mostly around /24 */
			if (len < q.len)
				len = q.len;
			break;
		case 2:
			if (q.len == 32)
				continue;
			len = q.len + 1 + rnd(rng, 32 - q.len < 8 ? 32 - q.len : 8);
			break;
		default:
			if (q.len <= min_len)
				continue;
			len = q.len - 1 - rnd(rng, q.len - min_len < 8 ? q.len - min_len : 8);
		}
		uint32_t bits = rnd(rng, 1u << 16) << 16 | rnd(rng, 1u << 16);
		p.len = (uint8_t)len;
		p.addr = (q.addr | (bits & ~universe_mask(q.len))) & universe_mask(len);
		bool dup = false;
		for (int i = 0; i < k && !dup; i++)
			dup = sl_prefix_eq(out[i], p);
		if (!dup)
			out[k++] = p;
	}
	qsort(out, (size_t)n, sizeof(out[0]), universe_prefix_cmp);
}

#endif
