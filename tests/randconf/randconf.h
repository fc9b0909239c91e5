/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random router configurations for tests (lib/conf diff, lib/commit): each
 * seed gives 2-6 VRFs, interfaces and vifs whose addresses collide across
 * VRFs, static routes (gateway, interface, blackhole, distances, cross-VRF
 * leaks; some VRFs with tens to hundreds of routes, one configuration in 25
 * a VRF of 1,500-5,000), RD/RTs, `import vrf`,
 * prefix-lists and route-maps, redistribute, firewall rulesets and
 * leak-firewall bindings, in `set` syntax. About one configuration in six
 * carries one deliberate error (a syntax or a semantic one).
 * Plus the small containers the tests share. Failures are cmocka failures.
 */
#ifndef RANDCONF_H
#define RANDCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: one 64-bit state, reproducible */
unsigned rnd(uint64_t *s, unsigned n);
/* true with probability 1/n */
bool one_in(uint64_t *s, unsigned n);

/* A list of malloc'ed lines. */
struct lines {
	char **v;
	size_t n, cap;
};
void lines_push(struct lines *l, const char *text);
void lines_free(struct lines *l);
/* The lines joined, each ending in '\n' (malloc'ed). */
char *lines_join(const struct lines *l);
/* Split text into lines (no empty ones). */
void lines_split(struct lines *l, const char *text);

/* A set of strings (open addressing): lines and paths by the thousand. */
struct strset {
	char **slot;
	size_t cap, n;
};
bool strset_has(const struct strset *set, const char *s);
/* Add s; false when it was there already. */
bool strset_add(struct strset *set, const char *s);
void strset_free(struct strset *set);
void strset_of(struct strset *set, const struct lines *l);

/* The configuration of `seed` into *out (one `set` line each); true when it
 * carries its deliberate error. */
bool generate(uint64_t seed, struct lines *out);

#endif
