/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_lpm.h — one VRF's forwarding table in one of two layouts (sl_fib.h):
 * FIB_LPM_LARGE, memory laid out as DPDK 22.11's struct rte_lpm (tbl24 + tbl8
 * pointer), so that the workers' inline rte_lpm_lookup / rte_lpm_lookupx4 /
 * rte_lpm_lookup_bulk read it unchanged; or FIB_LPM_SMALL, struct
 * sl_fib_small (tbl16 + a pool of groups for the /16s and /24s, 16-8-8), for
 * VRFs with few routes. Both have one writer of their own: the rules live in a path-compressed binary trie on
 * the C heap, and a change writes only the address ranges of its prefix that
 * no more-specific rule covers. A route costs O(prefix length + the
 * more-specific rules under it), where rte_lpm_add/delete scan every rule of
 * the same depth (quadratic loads).
 *
 * Readers need no lock: every entry write is one aligned 32-bit atomic store;
 * a group is filled before the entry pointing to it is stored (release); a
 * group left without rules deeper than the prefix its parent entry covers is
 * folded back by storing the plain entry, and reused only after a QSBR grace
 * period; the group array grows (copy, publish the pointer, free the old one
 * after a grace period) instead of refusing a route. Exactly one writer thread.
 * SMALL: a /16 whose group holds one /17-/24 under the /16's own answer is
 * read from an 8-byte record instead (sl_fib.h), rewritten in one store.
 *
 * Depth 0 is not handled here (lib/fib keeps each VRF's default route apart).
 */
#ifndef SL_FIB_LPM_H
#define SL_FIB_LPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_lpm.h>
#include <rte_rcu_qsbr.h>

struct fib_lpm;

enum fib_lpm_kind {
	FIB_LPM_LARGE, /* struct rte_lpm: 24-8 */
	FIB_LPM_SMALL, /* struct sl_fib_small: 16-8-8 */
};

/* DPDK memory a group takes in the array: 256 entries, and in a small
 * table the /16's dense record (sl_fib.h). */
static inline size_t fib_lpm_group_bytes(enum fib_lpm_kind kind)
{
	return RTE_LPM_TBL8_GROUP_NUM_ENTRIES * sizeof(uint32_t) +
	       (kind == FIB_LPM_SMALL ? sizeof(uint64_t) : 0);
}

/* groups: initial group array size (a hint; it grows). qsbr: the readers
 * whose grace periods gate group reuse and array frees. NULL with errno. */
struct fib_lpm *fib_lpm_new(
	enum fib_lpm_kind kind, int socket_id, uint32_t groups, struct rte_rcu_qsbr *qsbr);

/* DPDK memory shared by tables: what they hold, and a cap (0: none) that
 * makes an allocation past it fail as the heap would (tests). */
struct fib_lpm_mem {
	size_t used, max;
	int socket_id;
};
/* fib_lpm_new, its DPDK memory counted in (and capped by) mem. */
struct fib_lpm *fib_lpm_new_in(enum fib_lpm_kind kind, struct fib_lpm_mem *mem, uint32_t groups,
	struct rte_rcu_qsbr *qsbr);

/*
 * Make room for `groups` groups in use without allocating later: when the
 * array is smaller, a bigger one is allocated now, unpublished, and the next
 * growth takes it (a set then cannot fail for memory). 0, -ENOMEM, -ENOSPC.
 */
int fib_lpm_reserve(struct fib_lpm *t, uint32_t groups);
/* Size the exact-match index for `rules` rules now (it is not shrunk below
 * that until fib_lpm_unreserve), so that the sets that follow never rehash
 * it. 0 or -ENOMEM (the table unchanged). */
int fib_lpm_reserve_rules(struct fib_lpm *t, size_t rules);
/* Free a reserved array that no growth took; the index may shrink again. */
void fib_lpm_unreserve(struct fib_lpm *t);
/* Rules in the table. */
size_t fib_lpm_rules(const struct fib_lpm *t);
/* Does the /b of addr (b: the top level or 8 bits below) have a group now? */
bool fib_lpm_has_group(const struct fib_lpm *t, uint32_t addr, uint8_t b);
/* Free everything; the caller ensures no reader can still be inside. */
void fib_lpm_free(struct fib_lpm *t);

/* rte_rcu_qsbr_synchronize for the writer: it waits for a grace period of
 * every reader of q, calling sl_progress() meanwhile (its hook may read the
 * tables, which are whole here, but must not write them). */
void fib_qsbr_wait(struct rte_rcu_qsbr *q);

enum fib_lpm_kind fib_lpm_kind(const struct fib_lpm *t);
/* The tagged table readers look up in (sl_fib_table_*; stable for the table's life). */
uintptr_t fib_lpm_handle(const struct fib_lpm *t);
/* FIB_LPM_LARGE: the rte_lpm block. */
struct rte_lpm *fib_lpm_table(const struct fib_lpm *t);
/* Groups a parent entry points to (cheap: the promotion check). */
uint32_t fib_lpm_groups_used(const struct fib_lpm *t);
/* Set every rule of src in dst (a fresh table of another layout). 0 or the
 * first error of fib_lpm_set (dst is then partly filled). */
int fib_lpm_copy(struct fib_lpm *dst, const struct fib_lpm *src);

/* Add or re-point a rule: depth 1..32, value < 2^24. 0, -EINVAL, -ENOMEM,
 * -ENOSPC (2^24 tbl8 groups in use). On error the table is unchanged. */
int fib_lpm_set(struct fib_lpm *t, uint32_t addr, uint8_t depth, uint32_t value);
/* Remove a rule; its addresses fall back to the covering rule. 0, -EINVAL, -ENOENT. */
int fib_lpm_del(struct fib_lpm *t, uint32_t addr, uint8_t depth);
/* The value of exactly (addr, depth), if that rule exists. */
bool fib_lpm_get(const struct fib_lpm *t, uint32_t addr, uint8_t depth, uint32_t *value);

/*
 * Start loading what a set or delete of (addr, depth) will read, without
 * waiting for any of it: at 1M rules each is a cache miss that comes only
 * after the one before it. Stage 0: the index slot. Stage 1 (the slot loaded
 * by now): the rule node and the top-level entry. Stage 2 (those loaded): the
 * node's parent, and the group entry below a top-level entry that points to a
 * group. Calls a batch apart, in stage order, overlap their misses.
 */
void fib_lpm_prefetch(const struct fib_lpm *t, uint32_t addr, uint8_t depth, unsigned stage);

/* Call fn with the value of every rule, in no particular order. */
void fib_lpm_foreach(const struct fib_lpm *t, void (*fn)(uint32_t value, void *arg), void *arg);

struct fib_lpm_stats {
	size_t rules;
	size_t trie_nodes;
	uint32_t tbl8_groups; /* capacity of the group array */
	uint32_t tbl8_used; /* groups a parent entry points to */
	uint32_t tbl8_retired; /* folded, waiting for a grace period */
	uint32_t tbl8_grows; /* times the array was replaced by a bigger one */
	uint32_t index_grows; /* times the exact-match index was rehashed bigger */
	size_t bytes_dpdk; /* tbl24 or tbl16 block + group array (rte_malloc) */
	size_t bytes_heap; /* the writer's trie and lists (C heap) */
};
void fib_lpm_stats_get(const struct fib_lpm *t, struct fib_lpm_stats *st);

#endif
