/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/conf: schema, value types, tree nodes, transaction state. */
#ifndef CONF_PRIV_H
#define CONF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "sl_conf.h"

/* Bounded copy without printf machinery (hot in the line parser). */
static inline void conf_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* ---- value types (conf_types.c) ---- */

/* What a reference-typed value names; the referee must exist at validation. */
enum conf_ref {
	CONF_REF_NONE,
	CONF_REF_VRF,
	CONF_REF_IFACE,
	CONF_REF_PREFIX_LIST,
	CONF_REF_ROUTE_MAP,
	CONF_REF_RULESET,
};

struct conf_type;
/* Check s; on success write the canonical spelling to out (size outsz) and
 * return 0; else write the reason to out and return -EINVAL. */
typedef int (*conf_parse_fn)(const struct conf_type *t, const char *s, char *out, size_t outsz);
/* Natural order of two canonical values of this type. */
typedef int (*conf_cmp_fn)(const char *a, const char *b);
/* Optional: a 64-bit key with the same order as cmp (fast sorting of big lists). */
typedef uint64_t (*conf_key_fn)(const char *s);

struct conf_type {
	const char *valid; /* what is valid, for errors: "1..255", "an IPv4 prefix A.B.C.D/L" */
	conf_parse_fn parse;
	conf_cmp_fn cmp;
	conf_key_fn key;
	uint32_t min, max; /* numbers */
	uint32_t except_lo, except_hi; /* numbers: refused sub-range when except_hi != 0 */
	const char *const *words; /* enums (NULL-terminated) */
	enum conf_ref ref;
};

extern const struct conf_type conf_t_ipv4, conf_t_prefix, conf_t_ifaddr, conf_t_rt, conf_t_vrf_name,
	conf_t_vrf_ref, conf_t_vrf_leak_ref, conf_t_policy_name, conf_t_prefix_list_ref,
	conf_t_route_map_ref, conf_t_ruleset_ref, conf_t_ethernet, conf_t_iface_ref, conf_t_text,
	conf_t_ports, conf_t_fw_protocol, conf_t_permit_deny, conf_t_fw_action, conf_t_fw_state,
	conf_t_u8, conf_t_ge_le, conf_t_distance, conf_t_weight, conf_t_u32_any, conf_t_rule_policy,
	conf_t_vlan, conf_t_mtu, conf_t_vif_mtu, conf_t_table, conf_t_asn, conf_t_fw_rule,
	conf_t_port, conf_t_src_valid, conf_t_label, conf_t_hw_id, conf_t_syslog_facility,
	conf_t_syslog_level, conf_t_pps, conf_t_cp_prefix, conf_t_netns;

/* ---- schema (conf_schema.c + conf_schema_*.c) ---- */

enum conf_kind {
	CONF_CONTAINER, /* keyword with keyword children; removed when empty */
	CONF_TAG, /* keyword whose children are values, each with `children` below it */
	CONF_LEAF, /* keyword with one value (a new one replaces it) */
	CONF_MULTI, /* keyword with several values */
	CONF_FLAG, /* valueless keyword (may still have optional children: blackhole) */
};

/* Which object check validates a node (conf_validate.c). */
enum conf_obj {
	CONF_OBJ_NONE,
	CONF_OBJ_ETHERNET, /* interfaces ethernet ETH (tag value) */
	CONF_OBJ_VIF, /* ... vif V */
	CONF_OBJ_VRF, /* vrf name V */
	CONF_OBJ_VRF_PART, /* a keyword under vrf name V (table, bgp, ...) */
	CONF_OBJ_ROUTE, /* static route P */
	CONF_OBJ_PREFIX_LIST,
	CONF_OBJ_ROUTE_MAP,
	CONF_OBJ_RULESET,
	CONF_OBJ_INTENT, /* policy intent N */
};

/* An object's semantic check (conf_validate.c), carried by its schema node. */
struct conf_vctx;
typedef void conf_check_fn(struct conf_vctx *v, const struct sl_conf_node *n, unsigned line);
conf_check_fn conf_check_iface, conf_check_vrf, conf_check_vrf_table, conf_check_vrf_bgp,
	conf_check_default_bgp, conf_check_leak_firewall, conf_check_leak_nat, conf_check_route,
	conf_check_prefix_list, conf_check_route_map, conf_check_ruleset, conf_check_intent;

struct conf_schema {
	const char *name; /* the keyword */
	enum conf_kind kind;
	const struct conf_type *type; /* TAG, LEAF, MULTI: the value type */
	const struct conf_schema *const *children; /* NULL-terminated, in render order */
	enum conf_obj obj; /* object granularity: set on the node (or its tag values) */
	bool split_spaces; /* MULTI: "a b" is two values */
	/* The kind of a change recorded at this keyword (TAG: at one of its
	 * values) and, for a TAG, at the keyword itself; SL_CHG_OTHER: the
	 * nearest ancestor's kind (conf_change_kind). */
	enum sl_conf_obj_kind chg, chg_all;
	/* The semantic check of an object at this node (TAG: at its values);
	 * NULL: none. Run for each object a transaction touched. */
	conf_check_fn *check;
	/* Accepted for VyOS compatibility but without effect in sluice: a `set`
	 * line through this keyword gets this one-line notice (sl_conf_notices). */
	const char *noop;
	/* ... except when this path exists at the end of the transaction
	 * (a keyword that takes effect with a sibling) */
	const char *const *noop_unless;
};

/* A NULL-terminated children list, written in place in a schema initializer. */
#define CONF_KIDS(...) ((const struct conf_schema *const[]){__VA_ARGS__, NULL})

/* Root-level registration (self-registration from each area's file). */
void conf_schema_register(const struct conf_schema *node, int order);
#define CONF_SCHEMA_REGISTER(node, order)                                          \
	__attribute__((constructor)) static void conf_schema_register_##node(void) \
	{                                                                          \
		conf_schema_register(&node, order);                                \
	}

/* The root's children as one schema node (built lazily from registrations). */
const struct conf_schema *conf_schema_root(void);
const struct conf_schema *conf_schema_child(const struct conf_schema *parent, const char *name);
/* ", "-separated sorted list of keyword children into buf. */
void conf_schema_valid_list(const struct conf_schema *parent, char *buf, size_t size);
int conf_schema_index(const struct conf_schema *parent, const struct conf_schema *child);

/* Shared by the default VRF and each VRF (conf_schema_protocols.c). */
extern const struct conf_schema conf_s_static;
/* vrf name V protocols bgp (conf_schema_bgp.c), placed by conf_schema_vrf.c. */
extern const struct conf_schema conf_s_bgp;
/* bgp address-family: under `vrf name V protocols bgp` and `protocols bgp` (the default VRF) */
extern const struct conf_schema conf_s_bgp_af;

/* ---- tree (conf_tree.c) ---- */

/* One slot of a children table: the child's hash with the top bit set (0:
 * empty) beside its pointer, so that a probe compares hashes without touching
 * the nodes and a hit costs one cache line of the table, not two. */
struct conf_slot {
	uint32_t key;
	struct sl_conf_node *node;
};

/* cap 1: no table, `one` is the only child. Most nodes of a big
 * configuration have one child (a route its `next-hop`, that keyword its
 * gateway): a walk down them then skips a table's cache miss at each level,
 * and the tree 128 bytes of tables per route. */
struct conf_children {
	union {
		struct conf_slot *slot; /* cap >= 4: open addressing, linear probing */
		struct sl_conf_node *one; /* cap 1 */
	};
	uint32_t cap, n;
};

struct sl_conf_node {
	struct sl_conf_node *parent;
	/* For a keyword node: its schema. For a value node: the schema of the
	 * keyword above it (TAG, LEAF or MULTI). */
	const struct conf_schema *schema;
	struct conf_children kids;
	/* reference index membership (value nodes of a CONF_REF_* type) */
	struct sl_conf_node *ref_prev, *ref_next;
	uint32_t hash;
	bool is_value;
	bool memo; /* was in the path memo (struct conf_memo): detach must look */
	char name[];
};

/* Nodes by size class (conf_pool.c): a node of up to
 * CONF_POOL_CLASSES * CONF_POOL_GRAIN bytes is reused from its class's free
 * list or cut from a block; bigger ones are malloc'ed. Blocks are freed with
 * the configuration. */
#define CONF_POOL_GRAIN 16
#define CONF_POOL_CLASSES 32
/* The nodes of the last path a line walked, v[0] a child of the root and each
 * v[i + 1] a child of v[i]: a run of lines under one VRF's routes walks the
 * same first six nodes each, found here without hashing. Every entry is
 * attached: conf_node_detach cuts the memo at a node it removes. */
#define CONF_MEMO_MAX 16
struct conf_memo {
	struct sl_conf_node *v[CONF_MEMO_MAX];
	int n;
};
struct conf_pool {
	void *free[CONF_POOL_CLASSES];
	struct conf_pool_block *blocks;
	char *bump;
	size_t left;
	/* here because detach sees only the pool */
	struct conf_memo memo;
};
/* Zeroed memory of size bytes; NULL when out of memory. */
void *conf_pool_alloc(struct conf_pool *p, size_t size);
/* m from conf_pool_alloc(p, size), same size. */
void conf_pool_free(struct conf_pool *p, void *m, size_t size);
void conf_pool_release(struct conf_pool *p);

uint32_t conf_hash(const char *s);
/* n's ancestor k levels up (NULL past the root). */
static inline const struct sl_conf_node *conf_up(const struct sl_conf_node *n, int k)
{
	while (k-- > 0 && n != NULL)
		n = n->parent;
	return n;
}
struct sl_conf_node *conf_node_new(
	struct conf_pool *p, const char *name, const struct conf_schema *schema, bool is_value);
/* A node with no children (never attached, or detached). */
void conf_node_free(struct conf_pool *p, struct sl_conf_node *n);
struct sl_conf_node *conf_node_child(const struct sl_conf_node *n, const char *name);
/* Position i < n->kids.cap of n's children: a child or NULL (an empty slot). */
static inline struct sl_conf_node *conf_kid(const struct sl_conf_node *n, uint32_t i)
{
	return n->kids.cap == 1 ? n->kids.one : n->kids.slot[i].node;
}
/* Child tables come from p too. */
int conf_node_attach(struct conf_pool *p, struct sl_conf_node *parent, struct sl_conf_node *child);
void conf_node_detach(struct conf_pool *p, struct sl_conf_node *child);
void conf_node_free_tree(struct conf_pool *p, struct sl_conf_node *n);
/* Schema of the children of n (NULL: n takes no keyword children). */
const struct conf_schema *conf_node_child_schema_parent(const struct sl_conf_node *n);
/* "a b c" path of n into buf. */
void conf_node_path(const struct sl_conf_node *n, char *buf, size_t size);
/* Depth-first walk (children unordered). */
int conf_node_cmp_canonical(const struct sl_conf_node *a, const struct sl_conf_node *b);

/* ---- rendering (conf_render.c), shared with conf_diff.c ---- */

#define CONF_LINE_MAX 16384 /* bytes of one rendered line (the buffers below) */
/* Append " name" (quoted as conf_lex reads it back) at buf + off; the new
 * offset (>= CONF_LINE_MAX: it did not fit). */
size_t conf_render_token(char *buf, size_t off, const char *name);
/* "set" + buf + the path below n, for each leaf under n (canonical order);
 * buf holds the path to n from off on. 0, -ENOMEM or -EIO. */
int conf_render_node(const struct sl_conf_node *n, char *buf, size_t off, FILE *out);

/* ---- reference index (conf_refs.c): referee key → list of referrer value nodes ---- */

struct conf_refs {
	struct conf_ref_head **slot;
	uint32_t cap, n;
};
struct conf_ref_head {
	enum conf_ref kind;
	struct sl_conf_node *first;
	char name[];
};
int conf_refs_add_tree(struct conf_refs *r, struct sl_conf_node *n);
void conf_refs_del_tree(struct conf_refs *r, struct sl_conf_node *n);
struct conf_ref_head *conf_refs_get(
	const struct conf_refs *r, enum conf_ref kind, const char *name);
void conf_refs_free(struct conf_refs *r);
/* Policies in use. The `route-map vpn import|export` value node that applies
 * route-map name, NULL when none does. */
const struct sl_conf_node *conf_rmap_applier(const struct sl_conf *c, const char *name);
/* The route-map (its name node) of a `match ip address prefix-list` value. */
#define CONF_RMAP_OF_MATCH(u) conf_up(u, 7)
/* The VRF (its name node) of a `route-map vpn import|export` value. */
#define CONF_VRF_OF_RMAP_APPLIER(u) conf_up(u, 8)
/* The applied route-map (its name node) whose rule matches prefix-list name,
 * NULL when none. */
const struct sl_conf_node *conf_plist_user(const struct sl_conf *c, const char *name);

/* ---- the configuration and its transaction ---- */

struct conf_plan;

/* Bump allocation for the change records of a transaction, all released at
 * once (one malloc per 64 KiB instead of one per change); up to
 * CONF_ARENA_KEEP bytes of blocks stay for the next transactions. */
struct conf_arena {
	struct conf_arena_block *head, *cur; /* cur: the block being filled */
	size_t total; /* bytes of blocks */
};

enum conf_undo_op { CONF_UNDO_CREATED, CONF_UNDO_REMOVED };
struct conf_undo {
	enum conf_undo_op op;
	unsigned line; /* CREATED: the line that created node */
	struct sl_conf_node *node;
	struct sl_conf_node *parent; /* REMOVED: where to reattach */
};

struct conf_change {
	char **tok; /* in sl_conf's chg_arena */
	size_t ntok;
	/* the node recorded; it may leave the tree later in the transaction
	 * (conf_change_node) and is freed at its end */
	const struct sl_conf_node *node;
	unsigned line;
	uint32_t hash;
	uint8_t kind; /* enum sl_conf_obj_kind */
	int8_t vrf_i, iface_i, name_i; /* token index of each key, -1: none */
};

/* A no-op keyword used by the transaction: its first line and how many lines. */
struct conf_notice {
	const struct conf_schema *schema;
	unsigned line, count;
};

struct sl_conf {
	struct sl_conf_node *root;
	struct conf_pool pool; /* of its nodes */
	struct conf_refs refs;
	bool in_txn, failed, validated;
	struct conf_undo *undo;
	size_t nundo, capundo;
	struct conf_change *chg;
	size_t nchg, capchg;
	struct conf_arena chg_arena;
	uint32_t *chg_set; /* hash set of indexes+1 into chg */
	uint32_t chg_set_cap;
	struct conf_notice *notices; /* of the current (or last) transaction */
	size_t nnotices, capnotices;
	struct conf_plan *plan; /* sl_conf_exec's scratch (conf_exec.c) */
};

int conf_txn_created(struct sl_conf *c, struct sl_conf_node *n, unsigned line);
/* Room for the changes and undo entries of about lines more lines (best
 * effort: on failure they grow as they go). */
void conf_txn_reserve(struct sl_conf *c, size_t lines);
/* A `set` line went through a no-op keyword (schema->noop). */
int conf_notice_record(struct sl_conf *c, const struct conf_schema *s, unsigned line);

/* The line that created each node in the open transaction (from the undo
 * log), for errors that point at the offending line rather than at the first
 * line of its object. Built on first use. */
struct conf_lines {
	const struct sl_conf_node **key;
	unsigned *line;
	uint32_t cap;
	bool built;
};
/* The line that created n in the open transaction; 0 when n is older. */
unsigned conf_lines_get(
	const struct sl_conf *c, struct conf_lines *m, const struct sl_conf_node *n);
void conf_lines_free(struct conf_lines *m);
int conf_txn_remove(struct sl_conf *c, struct sl_conf_node *n);
int conf_change_record(struct sl_conf *c, const struct sl_conf_node *n, unsigned line);
void conf_changes_clear(struct sl_conf *c);
/* The change kind of n itself (SL_CHG_OTHER: none of its own). */
enum sl_conf_obj_kind conf_node_kind(const struct sl_conf_node *n);
/* Prefetch n's two cache lines (its name crosses into the second). */
static inline void conf_node_prefetch(const struct sl_conf_node *n)
{
	__builtin_prefetch(n);
	__builtin_prefetch((const char *)n + 64);
}
/* The node at chg's path in the open transaction; NULL when there is none. */
const struct sl_conf_node *conf_change_node(const struct sl_conf *c, const struct conf_change *chg);
/* True when n's own path is a recorded changed path. */
bool conf_change_has_node(const struct sl_conf *c, const struct sl_conf_node *n);

/* Count limits (conf_limits.c): VRFs, interfaces with their vifs. Adds one
 * error per crossed limit, at the line of the first object past it; returns
 * how many it added. */
size_t conf_limits_check(const struct sl_conf *c, struct sl_errors *errs);

/* Lexer (conf_lex.c): split a line into tokens. Returns the count n, or
 * -EINVAL with the reason in err. Tokens point into buf (a copy of the line),
 * one after the other: tok[n] (tok holds maxtok + 1) is where a next would
 * start, so token i is tok[i + 1] - tok[i] - 1 bytes long. */
#define CONF_MAX_TOKENS 64
int conf_lex(
	const char *line, char *buf, size_t bufsz, char **tok, int maxtok, char *err, size_t errsz);

int conf_validate_all(struct sl_conf *c, struct sl_errors *errs);

#endif
