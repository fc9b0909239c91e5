/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_lpm.h — one VRF's forwarding table: memory laid out as DPDK 22.11's
 * struct rte_lpm (tbl24 + tbl8 pointer), so that the workers' inline
 * rte_lpm_lookup / rte_lpm_lookupx4 / rte_lpm_lookup_bulk read it unchanged,
 * with a writer of its own: the rules live in a path-compressed binary trie on
 * the C heap, and a change writes only the address ranges of its prefix that
 * no more-specific rule covers. A route costs O(prefix length + the
 * more-specific rules under it), where rte_lpm_add/delete scan every rule of
 * the same depth (quadratic loads).
 *
 * Readers need no lock: every entry write is one aligned 32-bit atomic store;
 * a tbl8 group is filled before the tbl24 entry pointing to it is stored
 * (release); a group left without rules deeper than /24 is folded back by
 * storing the plain tbl24 entry, and reused only after a QSBR grace period; the
 * tbl8 array grows (copy, publish the pointer, free the old one after a grace
 * period) instead of refusing a route. Exactly one writer thread.
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

/* tbl8_groups: initial tbl8 array size (a hint; it grows). qsbr: the readers
 * whose grace periods gate group reuse and array frees. NULL with errno. */
struct fib_lpm *fib_lpm_new(int socket_id, uint32_t tbl8_groups, struct rte_rcu_qsbr *qsbr);
/* Free everything; the caller ensures no reader can still be inside. */
void fib_lpm_free(struct fib_lpm *t);

/* The block readers look up in (stable for the table's life). */
struct rte_lpm *fib_lpm_table(const struct fib_lpm *t);

/* Add or re-point a rule: depth 1..32, value < 2^24. 0, -EINVAL, -ENOMEM,
 * -ENOSPC (2^24 tbl8 groups in use). On error the table is unchanged. */
int fib_lpm_set(struct fib_lpm *t, uint32_t addr, uint8_t depth, uint32_t value);
/* Remove a rule; its addresses fall back to the covering rule. 0, -EINVAL, -ENOENT. */
int fib_lpm_del(struct fib_lpm *t, uint32_t addr, uint8_t depth);
/* The value of exactly (addr, depth), if that rule exists. */
bool fib_lpm_get(const struct fib_lpm *t, uint32_t addr, uint8_t depth, uint32_t *value);

/* Call fn with the value of every rule, in no particular order. */
void fib_lpm_foreach(const struct fib_lpm *t, void (*fn)(uint32_t value, void *arg), void *arg);

struct fib_lpm_stats {
	size_t rules;
	size_t trie_nodes;
	uint32_t tbl8_groups; /* capacity of the tbl8 array */
	uint32_t tbl8_used; /* groups a tbl24 entry points to */
	uint32_t tbl8_retired; /* folded, waiting for a grace period */
	uint32_t tbl8_grows; /* times the array was replaced by a bigger one */
	size_t bytes_dpdk; /* tbl24 block + tbl8 array (rte_malloc) */
	size_t bytes_heap; /* the writer's trie and lists (C heap) */
};
void fib_lpm_stats_get(const struct fib_lpm *t, struct fib_lpm_stats *st);

#endif
