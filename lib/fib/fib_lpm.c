/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_lpm.c — a VRF's table in rte_lpm's memory layout, or the small 16-8-8
 * one, with a trie-driven writer (see fib_lpm.h). Why not DPDK's own writers: rte_lpm_add/delete scan
 * all rules of a depth (a per-route cost that grows with the table:
 * doc/benchmarks.md, "Route programming"); rte_fib's
 * DIR24_8 over rte_rib writes like this module but has no RCU in 22.11, zeroes
 * a folded tbl8 group while readers may be inside it, needs a fixed tbl8 count
 * and rte_rib a fixed node count, and its lookup is slower than rte_lpm's.
 *
 * Why a table of our own for small VRFs: rte_lpm's tbl24 is 64 MiB whatever
 * the routes; rte_fib's DIR24_8 too; rte_lpm6-like tries are IPv6 only. The
 * small layout costs 256 KiB + 1 KiB per /16 or /24 holding longer prefixes.
 *
 * Entry words (little-endian rte_lpm_tbl_entry): bits 0-23 next hop or group,
 * bit 24 valid, bit 25 "points to a group" (not in the last level), bits 26-31
 * depth. The top table covers /`top` prefixes (24 or 16); each group level
 * below it 8 more bits, down to /32.
 *
 * Invariant: an entry covering a /b points to a group exactly when its /b
 * holds a rule deeper than b. So an address range that no rule splits below
 * /b is only entries of that level, and a range boundary inside a /b always
 * falls in a group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_malloc.h>

#include "fib_lpm.h"
#include "sl_fib.h"

/* entry bits: sl_fib.h's SL_FIB_ENT_*; a leaf's depth above them */
#define ENT_DEPTH_SHIFT 26
#define GROUP_ENTRIES RTE_LPM_TBL8_GROUP_NUM_ENTRIES
_Static_assert(GROUP_ENTRIES == 256, "sl_fib_ent_pool_index: a group's first entry");
#define GROUPS_MAX RTE_LPM_MAX_TBL8_NUM_GROUPS /* group index fits 24 bits */

/* A trie node: a rule (has_rule) or a branch point with two children. */
struct node {
	uint32_t addr; /* host bits zero */
	uint8_t depth;
	uint8_t has_rule;
	uint32_t value;
	struct node *parent, *child[2];
};

/* An exact-match index beside the trie: a route change finds its rule in
 * one or two cache misses instead of a walk of dependent misses down the
 * trie (at 1M rules, the FIB's largest cost in a big commit). Open
 * addressing, linear probing, backward-shift deletion; key 0 is empty
 * (a rule has depth >= 1). Rule nodes never move, so a pointer stays valid. */
struct ix_slot {
	uint64_t key; /* addr << 8 | depth */
	struct node *n;
};

struct fib_lpm {
	enum fib_lpm_kind kind;
	uint8_t top; /* bits the top table resolves: 24 or 16 */
	struct rte_lpm *lpm; /* LARGE: the readers' block, tbl24 and the tbl8 pointer */
	struct sl_fib_small *small; /* SMALL: tbl16 and the pool pointer */
	uint32_t *top_tbl; /* tbl24 or tbl16 */
	struct rte_rcu_qsbr *qsbr;
	struct fib_lpm_mem *mem; /* own_mem unless the owner shares one */
	struct fib_lpm_mem own_mem;
	struct node *root;
	struct ix_slot *ix; /* every rule node by (addr, depth): see ix_find */
	uint32_t ix_bits; /* ix holds 2^ix_bits slots (0: none yet) */
	uint32_t ix_keep; /* fib_lpm_reserve_rules's size: no shrink below it */
	uint32_t ix_grows; /* times the index was rehashed into more slots */
	size_t rules, nodes;
	uint32_t groups; /* tbl8 array capacity */
	uint32_t groups_fresh; /* groups never used yet start here */
	uint32_t groups_used;
	uint32_t grows;
	uint32_t *spare; /* fib_lpm_reserve's array, not published yet */
	uint32_t spare_groups;
	uint32_t *free_groups; /* stack of reusable groups (capacity: groups) */
	uint32_t n_free;
	struct retired {
		uint32_t group;
		uint64_t token;
	} * retired; /* FIFO in token order: folded groups waiting for readers */
	size_t ret_head, ret_tail, ret_cap;
	/* trie nodes a removal let go, kept for the next insert (chained by
	 * child[0]): a big commit deletes and adds in turn, and each node
	 * round trip through the heap cost a calloc and a free */
	struct node *cache;
	uint32_t n_cache;
};

#define NODE_CACHE_MAX 64

static inline uint32_t mask_of(uint8_t depth)
{
	return depth == 0 ? 0 : ~0u << (32 - depth);
}

static inline unsigned bit_at(uint32_t addr, uint8_t pos)
{
	return (addr >> (31 - pos)) & 1;
}

static inline uint32_t leaf(uint32_t value, uint8_t depth)
{
	return value | SL_FIB_ENT_VALID | (uint32_t)depth << ENT_DEPTH_SHIFT;
}

static inline bool is_group(uint32_t e)
{
	return (e & (SL_FIB_ENT_VALID | SL_FIB_ENT_GROUP)) == (SL_FIB_ENT_VALID | SL_FIB_ENT_GROUP);
}

static void *mem_zalloc(struct fib_lpm_mem *m, const char *type, size_t bytes)
{
	if (m->max != 0 && m->used + bytes > m->max)
		return NULL;
	void *p = rte_zmalloc_socket(type, bytes, RTE_CACHE_LINE_SIZE, m->socket_id);
	if (p != NULL)
		m->used += bytes;
	return p;
}

static void mem_free(struct fib_lpm_mem *m, void *p, size_t bytes)
{
	if (p == NULL)
		return;
	rte_free(p);
	m->used -= bytes;
}

static inline size_t pool_bytes(const struct fib_lpm *t, uint32_t groups)
{
	return (size_t)groups * fib_lpm_group_bytes(t->kind);
}

/* SMALL: the records of an array of `groups` groups, after the groups. */
static inline uint64_t *dense_of(uint32_t *pool, uint32_t groups)
{
	return (uint64_t *)(pool + (size_t)groups * GROUP_ENTRIES);
}

static inline uint32_t *tbl8_of(struct fib_lpm *t)
{
	return t->kind == FIB_LPM_LARGE ? (uint32_t *)t->lpm->tbl8 : t->small->pool;
}

/* pool: an array of `groups` groups. */
static void pool_publish(struct fib_lpm *t, uint32_t *pool, uint32_t groups)
{
	if (t->kind == FIB_LPM_LARGE) {
		__atomic_store_n(&t->lpm->tbl8, (struct rte_lpm_tbl_entry *)pool, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&t->small->dense, dense_of(pool, groups), __ATOMIC_RELEASE);
		__atomic_store_n(&t->small->pool, pool, __ATOMIC_RELEASE);
	}
}

/* The entry covering the /b of addr (b: top, top + 8, ...); the groups above
 * it exist (the invariant, for a rule deeper than b). */
static uint32_t *slot_at(struct fib_lpm *t, uint32_t addr, uint8_t b)
{
	uint32_t *e = &t->top_tbl[addr >> (32 - t->top)];
	for (uint8_t d = t->top; d < b; d += 8) {
		RTE_VERIFY(is_group(*e));
		e = &tbl8_of(t)[sl_fib_ent_pool_index(*e) | ((addr >> (24 - d)) & 0xff)];
	}
	return e;
}

static inline void store(uint32_t *slot, uint32_t e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELAXED);
}

/* ---- the rule trie ----------------------------------------------------- */

static bool node_covers(const struct node *n, uint32_t addr)
{
	return ((addr ^ n->addr) & mask_of(n->depth)) == 0;
}

static struct node **slot_of(struct fib_lpm *t, struct node *n)
{
	return n->parent ? &n->parent->child[bit_at(n->addr, n->parent->depth)] : &t->root;
}

/* The node of (addr, depth), inserted without a rule when missing. NULL on
 * ENOMEM, the trie unchanged. */
static void node_release(struct fib_lpm *t, struct node *n)
{
	if (t->n_cache >= NODE_CACHE_MAX) {
		free(n);
		return;
	}
	n->child[0] = t->cache;
	t->cache = n;
	t->n_cache++;
}

static struct node *node_take(struct fib_lpm *t)
{
	struct node *n = t->cache;
	t->cache = n->child[0];
	t->n_cache--;
	return n;
}

static struct node *trie_insert(struct fib_lpm *t, uint32_t addr, uint8_t depth)
{
	/* the two nodes an insert may need are there before the trie changes
	 * (every field is written when one is used) */
	while (t->n_cache < 2) {
		struct node *n = malloc(sizeof(*n));
		if (n == NULL)
			return NULL;
		node_release(t, n);
	}
	struct node *spare[2] = {node_take(t), node_take(t)};
	struct node **pp = &t->root, *parent = NULL, *made = NULL;
	for (;;) {
		struct node *n = *pp;
		if (n == NULL) {
			made = spare[0];
			spare[0] = NULL;
			*made = (struct node){.addr = addr, .depth = depth, .parent = parent};
			*pp = made;
			t->nodes++;
			break;
		}
		uint32_t diff = addr ^ n->addr;
		uint8_t common = diff == 0 ? 32 : (uint8_t)__builtin_clz(diff);
		common = RTE_MIN(common, RTE_MIN(depth, n->depth));
		if (common == n->depth && n->depth == depth) {
			made = n;
			break;
		}
		if (common == n->depth) {
			parent = n;
			pp = &n->child[bit_at(addr, n->depth)];
			continue;
		}
		made = spare[0];
		spare[0] = NULL;
		t->nodes++;
		if (common == depth) { /* the new node sits above n */
			*made = (struct node){.addr = addr, .depth = depth, .parent = parent};
			made->child[bit_at(n->addr, depth)] = n;
			n->parent = made;
			*pp = made;
			break;
		}
		/* they part below `common`: a branch point holds both */
		struct node *br = spare[1];
		spare[1] = NULL;
		t->nodes++;
		*br = (struct node){
			.addr = addr & mask_of(common), .depth = common, .parent = parent};
		*made = (struct node){.addr = addr, .depth = depth, .parent = br};
		br->child[bit_at(addr, common)] = made;
		br->child[bit_at(n->addr, common)] = n;
		n->parent = br;
		*pp = br;
		break;
	}
	for (int i = 1; i >= 0; i--)
		if (spare[i] != NULL)
			node_release(t, spare[i]);
	return made;
}

/* Drop n's rule and the nodes that no longer hold a rule or a branch. */
static void trie_remove(struct fib_lpm *t, struct node *n)
{
	n->has_rule = 0;
	while (n != NULL && !n->has_rule && (n->child[0] == NULL || n->child[1] == NULL)) {
		struct node *only = n->child[0] ? n->child[0] : n->child[1];
		struct node *parent = n->parent;
		*slot_of(t, n) = only;
		if (only != NULL)
			only->parent = parent;
		node_release(t, n);
		t->nodes--;
		/* a parent branch point left with one child goes too */
		n = only == NULL ? parent : NULL;
	}
}

/* Does the /b of addr hold a rule deeper than b? */
static bool trie_has_deeper(const struct fib_lpm *t, uint32_t addr, uint8_t b)
{
	const struct node *n = t->root;
	while (n != NULL && n->depth < b) {
		if (!node_covers(n, addr))
			return false;
		n = n->child[bit_at(addr, n->depth)];
	}
	if (n == NULL || ((n->addr ^ addr) & mask_of(b)) != 0)
		return false;
	/* below a /b node, every node is deeper; a rule-less node branches */
	return n->depth > b || n->child[0] != NULL || n->child[1] != NULL;
}

/* ---- the exact-match index ----------------------------------------------- */

static inline uint64_t ix_key(uint32_t addr, uint8_t depth)
{
	return (uint64_t)addr << 8 | depth;
}

static inline size_t ix_home(uint32_t bits, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

static struct node *ix_find(const struct fib_lpm *t, uint32_t addr, uint8_t depth)
{
	if (t->ix_bits == 0)
		return NULL;
	uint64_t key = ix_key(addr, depth);
	size_t mask = ((size_t)1 << t->ix_bits) - 1;
	for (size_t i = ix_home(t->ix_bits, key); t->ix[i].key != 0; i = (i + 1) & mask)
		if (t->ix[i].key == key)
			return t->ix[i].n;
	return NULL;
}

static void ix_put(struct ix_slot *ix, uint32_t bits, struct node *n)
{
	uint64_t key = ix_key(n->addr, n->depth);
	size_t mask = ((size_t)1 << bits) - 1, i = ix_home(bits, key);
	while (ix[i].key != 0)
		i = (i + 1) & mask;
	ix[i] = (struct ix_slot){key, n};
}

/* Move the index into 2^bits slots: 0 or -ENOMEM (the index unchanged). The
 * new array is filled before it replaces the old one, so sl_progress's hook
 * meanwhile sees a whole index. */
static int ix_rehash(struct fib_lpm *t, uint32_t bits)
{
	struct ix_slot *ix = calloc((size_t)1 << bits, sizeof(*ix));
	if (ix == NULL)
		return -ENOMEM;
	size_t old_n = t->ix_bits ? (size_t)1 << t->ix_bits : 0;
	for (size_t i = 0; i < old_n; i++) {
		if ((i & 4095) == 0)
			sl_progress(); /* 1M rules rehash in one go otherwise */
		if (t->ix[i].key != 0)
			ix_put(ix, bits, t->ix[i].n);
	}
	free(t->ix);
	t->ix = ix;
	t->ix_bits = bits;
	return 0;
}

/* Room for `rules` rules at a load of at most 3/4: 0 or -ENOMEM. */
static int ix_reserve(struct fib_lpm *t, size_t rules)
{
	if (t->ix_bits != 0 && rules * 4 <= ((size_t)3 << t->ix_bits))
		return 0;
	uint32_t bits = t->ix_bits ? t->ix_bits + 1 : 4;
	while (rules * 4 > ((size_t)3 << bits))
		bits++;
	int rc = ix_rehash(t, bits);
	t->ix_grows += rc == 0;
	return rc;
}

/* After deletes: below 1/8 full, half the slots (then 1/4 full), so a VRF
 * that dropped a full table does not keep its index. Failing keeps the old. */
static void ix_shrink(struct fib_lpm *t)
{
	if (t->ix_bits > 4 && t->ix_bits > t->ix_keep && t->rules * 8 < ((size_t)1 << t->ix_bits))
		(void)ix_rehash(t, t->ix_bits - 1);
}

static void ix_del(struct fib_lpm *t, const struct node *n)
{
	uint64_t key = ix_key(n->addr, n->depth);
	size_t mask = ((size_t)1 << t->ix_bits) - 1, i = ix_home(t->ix_bits, key), j;
	while (t->ix[i].key != key)
		i = (i + 1) & mask;
	/* backward shift: an entry later in the run moves into the hole unless
	 * its home lies cyclically in (i, j] */
	for (j = (i + 1) & mask; t->ix[j].key != 0; j = (j + 1) & mask) {
		size_t home = ix_home(t->ix_bits, t->ix[j].key);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->ix[i] = t->ix[j];
			i = j;
		}
	}
	t->ix[i] = (struct ix_slot){0, NULL};
}

/* ---- tbl8 groups ---------------------------------------------------------- */

static void retired_reclaim(struct fib_lpm *t, bool wait)
{
	if (wait && t->ret_head < t->ret_tail)
		rte_rcu_qsbr_check(t->qsbr, t->retired[t->ret_tail - 1].token, true);
	while (t->ret_head < t->ret_tail &&
		rte_rcu_qsbr_check(t->qsbr, t->retired[t->ret_head].token, false) == 1)
		t->free_groups[t->n_free++] = t->retired[t->ret_head++].group;
	if (t->ret_head == t->ret_tail)
		t->ret_head = t->ret_tail = 0;
}

/* Replace the tbl8 array by one twice its size. Readers may hold the old
 * pointer until a grace period; groups past the old end are handed out only
 * after it, so no reader combines an old pointer with a new index. */
static int groups_grow(struct fib_lpm *t)
{
	uint32_t n = t->spare_groups, *tbl8 = t->spare;
	if (tbl8 == NULL) {
		if (t->groups >= GROUPS_MAX)
			return -ENOSPC;
		n = RTE_MIN(t->groups * 2, (uint32_t)GROUPS_MAX);
		uint32_t *stack = realloc(t->free_groups, (size_t)n * sizeof(*stack));
		if (stack == NULL)
			return -ENOMEM;
		t->free_groups = stack;
		tbl8 = mem_zalloc(t->mem, "sl_fib_tbl8", pool_bytes(t, n));
		if (tbl8 == NULL)
			return -ENOMEM;
	}
	t->spare = NULL;
	t->spare_groups = 0;
	uint32_t *old = tbl8_of(t);
	memcpy(tbl8, old, (size_t)t->groups_fresh * GROUP_ENTRIES * sizeof(uint32_t));
	if (t->kind == FIB_LPM_SMALL)
		memcpy(dense_of(tbl8, n), t->small->dense,
			(size_t)t->groups_fresh * sizeof(uint64_t));
	pool_publish(t, tbl8, n);
	fib_qsbr_wait(t->qsbr);
	mem_free(t->mem, old, pool_bytes(t, t->groups));
	t->groups = n;
	t->grows++;
	retired_reclaim(t, false); /* all of them: their grace period is over */
	return 0;
}

static int group_alloc(struct fib_lpm *t, uint32_t *group)
{
	if (t->n_free == 0 && t->groups_fresh == t->groups) {
		retired_reclaim(t, false);
		/* many groups still retired: waiting beats doubling the array */
		if (t->n_free == 0 && t->ret_tail - t->ret_head >= t->groups / 4)
			retired_reclaim(t, true);
		if (t->n_free == 0) {
			int rc = groups_grow(t);
			/* no memory: a retired group is free after a grace period
			 * (fib_lpm_reserve counted on that) */
			if (rc < 0 && t->ret_head < t->ret_tail)
				retired_reclaim(t, true);
			if (rc < 0 && t->n_free == 0)
				return rc;
		}
	}
	*group = t->n_free > 0 ? t->free_groups[--t->n_free] : t->groups_fresh++;
	t->groups_used++;
	return 0;
}

static int group_retire(struct fib_lpm *t, uint32_t group)
{
	if (t->ret_tail == t->ret_cap) {
		if (t->ret_head > 0) {
			memmove(t->retired, t->retired + t->ret_head,
				(t->ret_tail - t->ret_head) * sizeof(*t->retired));
			t->ret_tail -= t->ret_head;
			t->ret_head = 0;
		} else {
			size_t cap = t->ret_cap ? 2 * t->ret_cap : 64;
			struct retired *r = realloc(t->retired, cap * sizeof(*r));
			if (r == NULL) { /* wait for readers instead of queueing */
				fib_qsbr_wait(t->qsbr);
				retired_reclaim(t, false);
				t->free_groups[t->n_free++] = group;
				return 0;
			}
			t->retired = r;
			t->ret_cap = cap;
		}
	}
	t->retired[t->ret_tail++] = (struct retired){group, rte_rcu_qsbr_start(t->qsbr)};
	return 0;
}

/* ---- writing address ranges ---------------------------------------------- */

/* Write e to every address in [lo, hi) of the level whose entries tab[] each
 * cover a /bits, starting at address base. Boundaries inside an entry's
 * range lie in a group. */
static void write_level(struct fib_lpm *t, uint32_t *tab, uint8_t bits, uint64_t base, uint64_t lo,
	uint64_t hi, uint32_t e)
{
	unsigned shift = 32 - bits;
	for (uint64_t i = (lo - base) >> shift; lo < hi; i++) {
		uint64_t elo = base + (i << shift), ehi = elo + ((uint64_t)1 << shift);
		uint32_t cur = tab[i];
		if (is_group(cur)) {
			uint32_t *g = &tbl8_of(t)[sl_fib_ent_pool_index(cur)];
			write_level(t, g, (uint8_t)(bits + 8), elo, lo, RTE_MIN(hi, ehi), e);
		} else {
			RTE_VERIFY(lo == elo && ehi <= hi);
			store(&tab[i], e);
		}
		lo = ehi;
	}
}

static void write_span(struct fib_lpm *t, uint64_t lo, uint64_t hi, uint32_t e)
{
	if (lo < hi)
		write_level(t, t->top_tbl, t->top, 0, lo, hi, e);
}

struct gap_walk {
	uint64_t next; /* first address not written yet */
	uint32_t e;
};

/* Write the walk's entry up to each top-most rule below n, skipping its range. */
static void gap_visit(struct fib_lpm *t, const struct node *n, struct gap_walk *w)
{
	if (n == NULL)
		return;
	if (n->has_rule) {
		write_span(t, w->next, n->addr, w->e);
		w->next = (uint64_t)n->addr + ((uint64_t)1 << (32 - n->depth));
		return;
	}
	gap_visit(t, n->child[0], w);
	gap_visit(t, n->child[1], w);
}

/* Write e over n's range except where a more specific rule decides. */
static void write_uncovered(struct fib_lpm *t, const struct node *n, uint32_t e)
{
	struct gap_walk w = {.next = n->addr, .e = e};
	gap_visit(t, n->child[0], &w);
	gap_visit(t, n->child[1], &w);
	write_span(t, w.next, (uint64_t)n->addr + ((uint64_t)1 << (32 - n->depth)), e);
}

/* Give the /b of addr a group holding what its entry says now: 1 if made,
 * 0 if it had one, or a negative errno. */
static int group_split(struct fib_lpm *t, uint32_t addr, uint8_t b)
{
	if (is_group(*slot_at(t, addr, b)))
		return 0;
	uint32_t group;
	int rc = group_alloc(t, &group);
	if (rc < 0)
		return rc;
	uint32_t *slot = slot_at(t, addr, b); /* the array may have grown */
	uint32_t *g = &tbl8_of(t)[(size_t)group * GROUP_ENTRIES];
	for (unsigned k = 0; k < GROUP_ENTRIES; k++)
		store(&g[k], *slot);
	/* readers that see the pointer see the filled group */
	__atomic_store_n(slot, group | SL_FIB_ENT_VALID | SL_FIB_ENT_GROUP, __ATOMIC_RELEASE);
	return 1;
}

/* The /b of addr holds no rule deeper than b: its group is uniform. */
static void group_fold(struct fib_lpm *t, uint32_t addr, uint8_t b)
{
	uint32_t *slot = slot_at(t, addr, b);
	if (!is_group(*slot))
		return;
	uint32_t group = *slot & SL_FIB_ENT_VAL_MASK;
	store(slot, tbl8_of(t)[(size_t)group * GROUP_ENTRIES]);
	t->groups_used--;
	group_retire(t, group);
}

/* ---- dense /16s (SMALL) ------------------------------------------------- */

/* The record of the /16 at addr (its group g) when the /16 holds exactly one
 * rule deeper than 16, of /17-/24 (sl_fib_dense_entry). Asked of the trie:
 * a walk of nodes the change just touched, where scanning g's 256 entries
 * cost ~2,000 instructions a route. */
static bool dense_record(const struct fib_lpm *t, uint32_t addr, const uint32_t *g, uint64_t *r)
{
	const struct node *n = t->root;
	while (n != NULL && n->depth < 16) {
		if (!node_covers(n, addr))
			return false;
		n = n->child[bit_at(addr, n->depth)];
	}
	if (n != NULL && n->depth == 16) { /* the /16's own rule: one child at most */
		if (!node_covers(n, addr) || (n->child[0] != NULL && n->child[1] != NULL))
			return false;
		n = n->child[0] != NULL ? n->child[0] : n->child[1];
	}
	/* below the /16 every node is deeper; one rule is one node, no children */
	if (n == NULL || ((n->addr ^ addr) & mask_of(16)) != 0 || !n->has_rule || n->depth > 24 ||
		n->child[0] != NULL || n->child[1] != NULL)
		return false;
	uint32_t key = (n->addr >> 8) & 0xff;
	/* the block is at most half the group: the entry across holds the rest */
	uint32_t cover = g[key ^ 0x80];
	*r = (cover & (SL_FIB_ENT_VALID | SL_FIB_ENT_VAL_MASK)) | (uint64_t)(24 - n->depth) << 25 |
	     (uint64_t)n->value << 32 | (uint64_t)key << 56;
	return true;
}

/* Point tbl16 entry i at its /16's record when the group has one, else at
 * the group. The record is one atomic 8-byte word, stored before the entry
 * that names it; a group's entries, written meanwhile, were stored before
 * the entry points back to it (release). */
static void dense_update(struct fib_lpm *t, uint32_t i)
{
	uint32_t e = t->top_tbl[i], want = e & ~SL_FIB_ENT_DENSE;
	if (!is_group(e))
		return;
	uint32_t group = e & SL_FIB_ENT_VAL_MASK;
	uint64_t r, *d = &t->small->dense[group];
	if (dense_record(t, i << 16, &t->small->pool[(size_t)group * GROUP_ENTRIES], &r)) {
		if ((e & SL_FIB_ENT_DENSE) == 0 || *d != r)
			__atomic_store_n(d, r, __ATOMIC_RELEASE);
		want |= SL_FIB_ENT_DENSE;
	}
	if (want != e)
		__atomic_store_n(&t->top_tbl[i], want, __ATOMIC_RELEASE);
}

/* After a change of (addr, depth) was written: the /16s it touched. */
static void dense_span(struct fib_lpm *t, uint32_t addr, uint8_t depth)
{
	if (t->kind != FIB_LPM_SMALL)
		return;
	uint32_t n = depth >= 16 ? 1 : 1u << (16 - depth);
	for (uint32_t k = 0; k < n; k++)
		dense_update(t, (addr >> 16) + k);
}

/* ---- the interface ------------------------------------------------------- */

/* mem NULL: the table counts its own memory, uncapped, on socket_id. */
static struct fib_lpm *lpm_new(enum fib_lpm_kind kind, struct fib_lpm_mem *mem, int socket_id,
	uint32_t tbl8_groups, struct rte_rcu_qsbr *qsbr)
{
	struct fib_lpm *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	t->qsbr = qsbr;
	t->own_mem.socket_id = socket_id;
	t->mem = mem != NULL ? mem : &t->own_mem;
	t->groups = RTE_MAX(RTE_MIN(tbl8_groups, (uint32_t)GROUPS_MAX), 4u);
	t->kind = kind;
	t->free_groups = malloc((size_t)t->groups * sizeof(*t->free_groups));
	if (kind == FIB_LPM_LARGE) {
		t->top = 24;
		t->lpm = mem_zalloc(t->mem, "sl_fib_tbl24", sizeof(struct rte_lpm));
		t->top_tbl = t->lpm ? (uint32_t *)t->lpm->tbl24 : NULL;
	} else {
		t->top = 16;
		t->small = mem_zalloc(t->mem, "sl_fib_tbl16", sizeof(struct sl_fib_small));
		t->top_tbl = t->small ? t->small->tbl16 : NULL;
	}
	uint32_t *tbl8 =
		t->top_tbl ? mem_zalloc(t->mem, "sl_fib_tbl8", pool_bytes(t, t->groups)) : NULL;
	if (t->free_groups == NULL || t->top_tbl == NULL || tbl8 == NULL) {
		mem_free(t->mem, tbl8, pool_bytes(t, t->groups));
		fib_lpm_free(t);
		errno = ENOMEM;
		return NULL;
	}
	pool_publish(t, tbl8, t->groups);
	return t;
}

struct fib_lpm *fib_lpm_new(
	enum fib_lpm_kind kind, int socket_id, uint32_t groups, struct rte_rcu_qsbr *qsbr)
{
	return lpm_new(kind, NULL, socket_id, groups, qsbr);
}

struct fib_lpm *fib_lpm_new_in(
	enum fib_lpm_kind kind, struct fib_lpm_mem *mem, uint32_t groups, struct rte_rcu_qsbr *qsbr)
{
	return lpm_new(kind, mem, mem->socket_id, groups, qsbr);
}

static void nodes_free(struct node *n)
{
	if (n == NULL)
		return;
	nodes_free(n->child[0]);
	nodes_free(n->child[1]);
	free(n);
}

void fib_lpm_free(struct fib_lpm *t)
{
	if (t == NULL)
		return;
	if (t->lpm != NULL) {
		mem_free(t->mem, t->lpm->tbl8, pool_bytes(t, t->groups));
		mem_free(t->mem, t->lpm, sizeof(struct rte_lpm));
	}
	if (t->small != NULL) {
		mem_free(t->mem, t->small->pool, pool_bytes(t, t->groups));
		mem_free(t->mem, t->small, sizeof(struct sl_fib_small));
	}
	fib_lpm_unreserve(t);
	nodes_free(t->root);
	while (t->n_cache > 0)
		free(node_take(t));
	free(t->ix);
	free(t->free_groups);
	free(t->retired);
	free(t);
}

struct rte_lpm *fib_lpm_table(const struct fib_lpm *t)
{
	return t->lpm;
}

enum fib_lpm_kind fib_lpm_kind(const struct fib_lpm *t)
{
	return t->kind;
}

uintptr_t fib_lpm_handle(const struct fib_lpm *t)
{
	return t->kind == FIB_LPM_LARGE ? (uintptr_t)t->lpm
					: (uintptr_t)t->small | SL_FIB_TBL_SMALL;
}

uint32_t fib_lpm_groups_used(const struct fib_lpm *t)
{
	return t->groups_used;
}

int fib_lpm_reserve(struct fib_lpm *t, uint32_t groups)
{
	if (groups > GROUPS_MAX)
		return -ENOSPC;
	if (groups <= t->groups || groups <= t->spare_groups)
		return 0;
	mem_free(t->mem, t->spare, pool_bytes(t, t->spare_groups)); /* too small */
	t->spare = NULL;
	t->spare_groups = 0;
	/* half again when the memory is there: a table that gains a few groups
	 * per commit is not copied at every commit, and a small table stays
	 * within 1.5 times its groups (doc/architecture.md) */
	uint32_t n = RTE_MAX(groups, RTE_MIN(t->groups + t->groups / 2, (uint32_t)GROUPS_MAX));
	uint32_t *pool = mem_zalloc(t->mem, "sl_fib_tbl8", pool_bytes(t, n));
	if (pool == NULL && n > groups) {
		n = groups;
		pool = mem_zalloc(t->mem, "sl_fib_tbl8", pool_bytes(t, n));
	}
	if (pool == NULL)
		return -ENOMEM;
	uint32_t *stack = realloc(t->free_groups, (size_t)n * sizeof(*stack));
	if (stack == NULL) {
		mem_free(t->mem, pool, pool_bytes(t, n));
		return -ENOMEM;
	}
	t->free_groups = stack;
	t->spare = pool;
	t->spare_groups = n;
	return 0;
}

/* The index in its final size before a change set is applied: growing it
 * one doubling at a time rehashed every rule again and again during a big
 * load (+40 % FIB load time at 1M routes, doc/benchmarks.md). */
int fib_lpm_reserve_rules(struct fib_lpm *t, size_t rules)
{
	int rc = ix_reserve(t, rules);
	if (rc == 0)
		t->ix_keep = t->ix_bits;
	return rc;
}

size_t fib_lpm_rules(const struct fib_lpm *t)
{
	return t->rules;
}

void fib_lpm_unreserve(struct fib_lpm *t)
{
	t->ix_keep = 0;
	mem_free(t->mem, t->spare, pool_bytes(t, t->spare_groups));
	t->spare = NULL;
	t->spare_groups = 0;
}

bool fib_lpm_has_group(const struct fib_lpm *t, uint32_t addr, uint8_t b)
{
	const uint32_t *tbl8 =
		t->kind == FIB_LPM_LARGE ? (const uint32_t *)t->lpm->tbl8 : t->small->pool;
	uint32_t e = t->top_tbl[addr >> (32 - t->top)];
	for (uint8_t d = t->top; d < b; d += 8) {
		if (!is_group(e))
			return false;
		e = tbl8[sl_fib_ent_pool_index(e) | ((addr >> (24 - d)) & 0xff)];
	}
	return is_group(e);
}

int fib_lpm_set(struct fib_lpm *t, uint32_t addr, uint8_t depth, uint32_t value)
{
	if (depth < 1 || depth > RTE_LPM_MAX_DEPTH || value > SL_FIB_VAL_MASK)
		return -EINVAL;
	addr &= mask_of(depth);
	struct node *n = ix_find(t, addr, depth);
	if (n != NULL) { /* re-pointed: its groups are there (the invariant) */
		n->value = value;
		write_uncovered(t, n, leaf(value, depth));
		dense_span(t, addr, depth);
		return 0;
	}
	if (ix_reserve(t, t->rules + 1) < 0)
		return -ENOMEM;
	n = trie_insert(t, addr, depth);
	if (n == NULL)
		return -ENOMEM;
	uint8_t made[3], n_made = 0;
	for (uint8_t b = t->top; b < depth; b += 8) {
		int rc = group_split(t, addr, b);
		if (rc < 0) { /* undo: the groups made here hold nothing new yet */
			while (n_made > 0)
				group_fold(t, addr, made[--n_made]);
			if (!n->has_rule)
				trie_remove(t, n);
			return rc;
		}
		if (rc > 0)
			made[n_made++] = b;
	}
	n->has_rule = 1;
	t->rules++;
	ix_put(t->ix, t->ix_bits, n);
	n->value = value;
	write_uncovered(t, n, leaf(value, depth));
	dense_span(t, addr, depth);
	return 0;
}

/*
 * The rule that covers (addr, depth) next: the longest shorter prefix of addr
 * with a rule (in the trie, the nearest ancestor holding one). Asked of the
 * index: its probes do not depend on each other and miss in parallel, where
 * the walk up the parents waited for one miss after the other (at 1M rules a
 * /24 has a dozen rule-less branch points above it, often up to the root).
 */
static const struct node *cover_of(const struct fib_lpm *t, uint32_t addr, uint8_t depth)
{
	for (uint8_t d = depth - 1; d >= 1; d--)
		__builtin_prefetch(&t->ix[ix_home(t->ix_bits, ix_key(addr & mask_of(d), d))]);
	for (uint8_t d = depth - 1; d >= 1; d--) {
		const struct node *n = ix_find(t, addr & mask_of(d), d);
		if (n != NULL)
			return n;
	}
	return NULL;
}

int fib_lpm_del(struct fib_lpm *t, uint32_t addr, uint8_t depth)
{
	if (depth < 1 || depth > RTE_LPM_MAX_DEPTH)
		return -EINVAL;
	addr &= mask_of(depth);
	struct node *n = ix_find(t, addr, depth);
	if (n == NULL)
		return -ENOENT;
	const struct node *cover = cover_of(t, addr, depth);
	write_uncovered(t, n, cover ? leaf(cover->value, cover->depth) : 0);
	ix_del(t, n);
	trie_remove(t, n);
	t->rules--;
	/* deepest level first: a group folds once nothing below it is split */
	for (int b = 32 - 8; b >= t->top; b -= 8) {
		if (b >= depth)
			continue;
		if (trie_has_deeper(t, addr, (uint8_t)b))
			break;
		group_fold(t, addr, (uint8_t)b);
	}
	dense_span(t, addr, depth);
	ix_shrink(t); /* the table is whole again: sl_progress may run */
	return 0;
}

bool fib_lpm_get(const struct fib_lpm *t, uint32_t addr, uint8_t depth, uint32_t *value)
{
	if (depth < 1 || depth > RTE_LPM_MAX_DEPTH)
		return false;
	const struct node *n = ix_find(t, addr & mask_of(depth), depth);
	if (n != NULL && value != NULL)
		*value = n->value;
	return n != NULL;
}

/* The node in (addr, depth)'s home slot, if that slot holds it: stages 1 and
 * 2 read no further slot (a probe past it would wait for another miss). */
static const struct node *ix_home_node(const struct fib_lpm *t, uint32_t addr, uint8_t depth)
{
	if (t->ix_bits == 0)
		return NULL;
	uint64_t key = ix_key(addr, depth);
	const struct ix_slot *s = &t->ix[ix_home(t->ix_bits, key)];
	return s->key == key ? s->n : NULL;
}

void fib_lpm_prefetch(const struct fib_lpm *t, uint32_t addr, uint8_t depth, unsigned stage)
{
	if (depth < 1 || depth > RTE_LPM_MAX_DEPTH)
		return;
	addr &= mask_of(depth);
	const uint32_t *top = &t->top_tbl[addr >> (32 - t->top)];
	if (stage == 0) {
		if (t->ix_bits != 0)
			__builtin_prefetch(&t->ix[ix_home(t->ix_bits, ix_key(addr, depth))]);
		return;
	}
	const struct node *n = ix_home_node(t, addr, depth);
	if (stage == 1) {
		if (n != NULL) { /* 40 bytes: it may straddle two lines */
			__builtin_prefetch(n, 1);
			__builtin_prefetch((const char *)n + sizeof(*n) - 1, 1);
		}
		__builtin_prefetch(top, 1);
		return;
	}
	if (n != NULL && n->parent != NULL)
		__builtin_prefetch(n->parent, 1);
	uint32_t e = __atomic_load_n(top, __ATOMIC_RELAXED);
	if (depth > t->top && is_group(e)) {
		const uint32_t *tbl8 =
			t->kind == FIB_LPM_LARGE ? (const uint32_t *)t->lpm->tbl8 : t->small->pool;
		__builtin_prefetch(
			&tbl8[sl_fib_ent_pool_index(e) | ((addr >> (24 - t->top)) & 0xff)], 1);
	}
}

void fib_qsbr_wait(struct rte_rcu_qsbr *q)
{
	uint64_t token = rte_rcu_qsbr_start(q);
	while (!rte_rcu_qsbr_check(q, token, false)) {
		sl_progress(); /* a preempted worker can make this tens of ms */
		rte_pause();
	}
}

static int nodes_copy(struct fib_lpm *dst, const struct node *n)
{
	if (n == NULL)
		return 0;
	sl_progress(); /* dst is not published yet: readers use the source */
	int rc = n->has_rule ? fib_lpm_set(dst, n->addr, n->depth, n->value) : 0;
	if (rc == 0)
		rc = nodes_copy(dst, n->child[0]);
	if (rc == 0)
		rc = nodes_copy(dst, n->child[1]);
	return rc;
}

int fib_lpm_copy(struct fib_lpm *dst, const struct fib_lpm *src)
{
	return nodes_copy(dst, src->root);
}

static void nodes_visit(const struct node *n, void (*fn)(uint32_t, void *), void *arg)
{
	if (n == NULL)
		return;
	if (n->has_rule)
		fn(n->value, arg);
	nodes_visit(n->child[0], fn, arg);
	nodes_visit(n->child[1], fn, arg);
}

void fib_lpm_foreach(const struct fib_lpm *t, void (*fn)(uint32_t value, void *arg), void *arg)
{
	nodes_visit(t->root, fn, arg);
}

void fib_lpm_stats_get(const struct fib_lpm *t, struct fib_lpm_stats *st)
{
	*st = (struct fib_lpm_stats){
		.rules = t->rules,
		.trie_nodes = t->nodes,
		.tbl8_groups = t->groups,
		.tbl8_used = t->groups_used,
		.tbl8_retired = (uint32_t)(t->ret_tail - t->ret_head),
		.tbl8_grows = t->grows,
		.index_grows = t->ix_grows,
		.bytes_dpdk = (t->kind == FIB_LPM_LARGE ? sizeof(struct rte_lpm)
							: sizeof(struct sl_fib_small)) +
			      pool_bytes(t, t->groups) + pool_bytes(t, t->spare_groups),
		.bytes_heap = sizeof(*t) + t->nodes * sizeof(struct node) +
			      (size_t)t->groups * sizeof(uint32_t) +
			      t->ret_cap * sizeof(struct retired) +
			      (t->ix_bits ? sizeof(struct ix_slot) << t->ix_bits : 0),
	};
}
