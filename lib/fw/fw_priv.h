/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_priv.h — lib/fw internals: the compiled set, the conntrack table, counters. */
#ifndef SL_FW_PRIV_H
#define SL_FW_PRIV_H

#include <netinet/in.h>

#include <rte_acl.h>
#include <rte_common.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_spinlock.h>

#include "fw_line.h"
#include "sl_fw.h"

/* ---- ACL input: one key per packet, built from its headers ------------
 * rte_acl reads inputs in network byte order, 4 bytes per input_index; the
 * first field must be one byte. ICMP type/code take the port slots. The
 * contexts walk only the first five fields: the ruleset and the state select
 * the context (the rules still carry them, for the build). */
struct fw_acl_key {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src; /* network order */
	uint32_t dst;
	uint16_t sport; /* ICMP: type */
	uint16_t dport; /* ICMP: code */
	uint16_t ruleset; /* index in the set, network order */
	uint16_t state; /* enum sl_fw_state, network order */
};

enum {
	FW_F_PROTO,
	FW_F_SRC,
	FW_F_DST,
	FW_F_SPORT,
	FW_F_DPORT,
	FW_F_RULESET,
	FW_F_STATE,
	FW_F__COUNT
};

RTE_ACL_RULE_DEF(fw_acl_rule, FW_F__COUNT);

#define FW_STATES 4 /* enum sl_fw_state bits */
#define FW_RES_WALK UINT32_MAX

/* bind[] cell: ruleset index + 1 in the low bits (0: unguarded), and
 * FW_BIND_TRACK when a ruleset bound on either direction of the VRF pair has
 * a rule matching `state`: only then can conntrack change a verdict, so only
 * then do the pair's packets pay for a conntrack lookup. */
#define FW_BIND_RS_MASK 0x3fffu
#define FW_BIND_TRACK 0x8000u
#define FW_RULESETS_MAX FW_BIND_RS_MASK

/* One counter slot: a compiled rule, or a ruleset's default action. */
struct fw_slot {
	uint32_t ruleset; /* index */
	uint32_t number; /* rule number; 0: default action */
	uint8_t action; /* enum sl_fw_verdict */
};

struct fw_ruleset {
	char name[SL_NAME_MAX];
	uint8_t default_action;
	bool uses_state; /* some compiled rule matches on state: its pairs are tracked */
	/* compiled rules: [0] when !uses_state; else one context per state,
	 * indexed by the state's bit number (new 0, established 1, related 2,
	 * invalid 3), the states no rule names sharing one. NULL: no rule, or
	 * the ruleset is bound nowhere (not compiled). */
	struct rte_acl_ctx *acl[FW_STATES];
	/* the same contexts as bit vectors (fw_bv.c) when they have at most
	 * sl_fw's bv_max classifier rules: then acl[k] is NULL */
	struct fw_bv *bv[FW_STATES];
	/* per context: the classifier's result for every key when its first
	 * rule by number matches any packet (slot + 1; 0: no rule, the default
	 * action), so the worker decides without classifying; FW_RES_WALK: the
	 * result depends on the key. Typically rule 1 `state established`. */
	uint32_t const_res[FW_STATES];
	uint32_t default_slot;
	uint32_t first_slot, n_rules; /* its compiled rules, by number */
};

struct fw_count {
	uint64_t packets, bytes;
};

/* The compiled, published state. Read-only once published (counters aside). */
/* A `leak-nat` pool: FROM's packets into TO leave with a source in it. */
struct fw_nat_pool {
	uint32_t from, to; /* VRF ids */
	uint32_t addr, n_addr; /* first address used (host order) and how many */
	uint16_t port_lo, n_port; /* ports (ICMP: identifiers) port_lo .. +n_port-1 */
	struct sl_prefix prefix;
};

struct sl_fw_set {
	uint32_t gen; /* 1 .. 2^30 - 1, new for each built set: keys the flows' verdicts */
	bool tracks; /* some pair has FW_BIND_TRACK: its packets may have flow lines */
	/* NAT pools and their index by (from, to): open addressing, key
	 * from << 16 | to, value pool index + 1 (0: empty) */
	struct fw_nat_pool *pools;
	uint32_t n_pools;
	uint32_t *pool_key;
	uint16_t *pool_ix;
	uint32_t pool_mask; /* slots - 1 */
	uint16_t *bind; /* [from * bind_dim + to] */
	uint32_t bind_dim;
	uint32_t n_bindings;
	struct fw_ruleset *rulesets;
	uint32_t n_rulesets;
	struct fw_slot *slots;
	uint32_t n_slots;
	uint32_t n_acl_rules;
	/* per-lcore counters: counts[lcore * slot_stride + slot] */
	struct fw_count *counts;
	uint32_t slot_stride; /* n_slots rounded up to a cache line of counts */
	uint32_t n_lcores;
	struct fw_count *base; /* control side: carried over / cleared offsets */
};

/* ---- conntrack ---------------------------------------------------------
 * Key: the two endpoints (vrf, addr, port) in canonical order (lo < hi), so
 * both directions of a flow find the same entry. */
struct fw_ct_key {
	uint32_t addr[2]; /* host order */
	uint16_t port[2];
	uint16_t vrf[2];
	uint8_t proto;
	uint8_t pad[7];
} __rte_aligned(8); /* rte_hash_crc reads 8 bytes at a time */

/* status bits */
#define CT_ORIG_HI (1u << 0) /* the flow was opened by endpoint hi */
#define CT_REPLIED (1u << 1)
#define CT_FIN_ORIG (1u << 2)
#define CT_FIN_REPLY (1u << 3)
#define CT_RST (1u << 4)

/* claim: who owns the slot */
enum { CT_FREE = 0, CT_LIVE, CT_DEAD };

/* last_seen of an entry the sweeper took: swapped in by a compare-and-swap
 * against the value it judged expired, so a worker's refresh (also a CAS)
 * either lands first and keeps the flow, or sees this and re-creates it. */
#define CT_SEEN_KILLED UINT64_MAX

struct fw_ct_entry {
	uint64_t last_seen; /* TSC; relaxed atomics: written by any worker */
	uint64_t created;
	uint32_t status; /* CT_* bits, atomic */
	uint8_t claim; /* CT_FREE..CT_DEAD, atomic */
	struct fw_ct_key key;
	/* the classifier's result for the flow's packets from endpoint lo [1]
	 * or hi [0]: FW_VERDICT_KEY(set gen, state bit) | result; 0: none.
	 * A TCP/UDP/other flow's packets in one direction have one ACL key,
	 * so within a set and a state they get one result. Relaxed atomics. */
	uint64_t verdict[2];
} __rte_cache_aligned;
#define FW_VERDICT_KEY(gen, bit) ((uint64_t)(gen) << 34 | (uint64_t)(bit) << 32)
#define FW_GEN_MASK 0x3fffffffu

/* ---- NAT flows ---------------------------------------------------------
 * Each flow has two keys in one rte_hash: its packets from FROM's host as
 * they arrive (dir 0: vrf FROM, host → peer) and the replies as they
 * arrive in TO (dir 1: vrf TO, peer → pool address and port). Hash data:
 * the entry index. ICMP echo: ports {identifier, 0} out, {0, identifier} in. */
struct fw_nat_key {
	uint32_t addr[2]; /* host order: the packet's source, destination */
	uint16_t port[2];
	uint16_t vrf;
	uint8_t proto;
	uint8_t dir;
} __rte_aligned(8);

struct fw_nat_entry {
	uint64_t last_seen; /* TSC; CT_SEEN_KILLED once the sweeper took it */
	uint64_t created;
	uint32_t status; /* CT_REPLIED, CT_FIN_*, CT_RST */
	uint8_t claim; /* CT_FREE..CT_DEAD */
	struct fw_nat_key out, in; /* in.addr[1], in.port[1]: the pool address and port */
	int32_t pos[2]; /* hash positions of out and in once unlinked, freed after a grace period */
} __rte_cache_aligned;

/* ---- expiry, shared by conntrack and NAT (fw_ct.c) ---------------------
 * The sweeper walks a table's slots from cursor, kills the live entries
 * idle past their timeout (a CAS of last_seen to CT_SEEN_KILLED decides
 * against a worker's refresh) and releases killed slots only after a
 * grace period: v[0..n_pending) are covered by token. */
struct sl_fw;
struct fw_reap_ops {
	/* slot pos's last_seen when it holds a live entry; NULL otherwise */
	uint64_t *(*live)(struct sl_fw *fw, uint32_t pos);
	uint64_t (*timeout)(const struct sl_fw *fw, uint32_t pos);
	/* unlink pos from the table (under the table's lock, taken by kill) */
	void (*unlink)(struct sl_fw *fw, uint32_t pos);
	/* give slots pos[0..n) back (their grace period ended) */
	void (*release)(struct sl_fw *fw, const uint32_t *pos, uint32_t n);
	rte_spinlock_t *(*lock)(struct sl_fw *fw);
};
struct fw_reap {
	const struct fw_reap_ops *ops;
	uint32_t slots, cursor;
	uint32_t *v, n, n_pending;
	uint64_t token;
	uint64_t expired, expired_cleared;
};

/* Per-lcore statistics (each lcore writes its own line). */
struct fw_lstats {
	uint64_t checked, classified, accepted, dropped, rejected, unguarded;
	uint64_t ct_created, ct_hits, ct_related, ct_full;
	uint64_t nat_out, nat_in, nat_created, nat_exhausted, nat_full, nat_no_flow;
	uint64_t nat_untranslatable, nat_icmp_unmatched;
	uint64_t ct_line_hits, nat_line_hits;
	/* not counters: the lcore's bursts in a row whose lines all missed
	 * (fw_line_skip), of conntrack and of NAT leaving */
	uint32_t ct_line_cold, nat_line_cold;
} __rte_cache_aligned;

struct sl_fw {
	struct sl_fw_set *active; /* atomically published */
	struct rte_hash *ct;
	struct fw_ct_entry *ct_entries; /* [hash position] */
	uint32_t ct_slots; /* positions the hash may return */
	uint32_t ct_max;
	/* live + initialising + dead entries; written only under ct_lock
	 * (plain load and store), read atomically by the statistics */
	uint32_t ct_count;
	/* held to add a flow, to delete one and to free positions: under it a
	 * key is in the table iff its entry is live and not CT_SEEN_KILLED */
	rte_spinlock_t ct_lock;
	/* per-lcore hints in front of the table: ct_cache[lcore * (mask + 1) +
	 * (hash & mask)] = hash >> 32 << 32 | (position + 1), 0 empty. A hint
	 * is only trusted when the entry it names is live and holds the key,
	 * so a stale one (the flow expired, its slot reused) costs a lookup,
	 * never a wrong answer. */
	uint64_t *ct_cache;
	uint32_t ct_cache_mask;
	/* per-lcore flow lines (fw_line.h): a packet of a known flow is
	 * decided from its line before any parse */
	struct fw_lines ct_lines;
	/* bumped (atomic) whenever an entry of either table is killed or a
	 * TCP tuple reused: a line read before must read its entry again
	 * (fw_line.h); read once a burst, so on a line of its own */
	uint32_t line_epoch __rte_cache_aligned;
	uint32_t set_gen; /* the last set built */
	uint64_t tmo[8]; /* timeouts in TSC units, by enum fw_tmo */
	uint64_t tsc_hz;
	uint64_t refresh_tsc; /* last_seen is rewritten only when older than this */
	struct rte_rcu_qsbr *qsbr;
	int socket_id;
	uint32_t n_lcores;
	struct fw_lstats *lstats; /* [n_lcores] */
	struct fw_lstats lstats_cleared;
	struct fw_reap ct_reap; /* the sweeper (control thread) */
	uint64_t build_ns;
	uint32_t acl_gen; /* rte_acl context names must be unique */
	uint32_t bv_max; /* contexts of at most this many ACL rules are bit vectors */
	/* NAT flows (fw_nat.c): created under nat_lock, read lock-free */
	struct rte_hash *nat;
	struct fw_nat_entry *nat_entries; /* [nat_max] */
	uint32_t nat_max;
	uint32_t *nat_free; /* free entry indexes (a stack, under nat_lock) */
	uint32_t n_nat_free;
	rte_spinlock_t nat_lock;
	/* flows made: written under nat_lock once a flow's keys are in the
	 * table, read (acquire) before a lookup; unchanged when the lock is
	 * taken, no other worker added a key the lookup could have missed */
	uint64_t nat_adds;
	struct fw_reap nat_reap;
	/* per-lcore hints in front of the NAT table, as ct_cache: a hint is
	 * trusted only when the entry it names is live and holds the key */
	uint64_t *nat_cache;
	uint32_t nat_cache_mask;
	/* per-lcore flow lines of the NAT flows leaving (fw_line.h) */
	struct fw_lines nat_lines;
	/* flows killed at a publish: their leak-nat or pool changed */
	uint64_t nat_flushed, nat_flushed_cleared;
};

enum fw_tmo {
	TMO_TCP_SYN,
	TMO_TCP_EST,
	TMO_TCP_CLOSE,
	TMO_UDP,
	TMO_UDP_STREAM,
	TMO_ICMP,
	TMO_OTHER
};

/* fw_ct.c */
int fw_ct_init(struct sl_fw *fw, const struct sl_fw_config *cfg);
void fw_ct_fini(struct sl_fw *fw);
uint64_t fw_ct_timeout(const struct sl_fw *fw, const struct fw_ct_entry *e);
uint64_t fw_tmo_of(const struct sl_fw *fw, uint8_t proto, uint32_t st);
/* Zeroed per-lcore hint slots for a table of up to flows flows (a power of
 * two an lcore, at most 64 Ki, at most 8 MiB in all); *mask: slots - 1. */
uint64_t *fw_hints_new(const struct sl_fw *fw, uint32_t flows, int socket_id, uint32_t *mask);
/* The reaper r of a table of slots slots; 0 or -ENOMEM. */
int fw_reap_init(struct fw_reap *r, const struct fw_reap_ops *ops, uint32_t slots);
void fw_reap_fini(struct fw_reap *r);
/* Kill slot pos if its last_seen is still seen (any, when force). */
bool fw_reap_kill(struct sl_fw *fw, struct fw_reap *r, uint32_t pos, uint64_t seen, bool force);
unsigned fw_reap_sweep(struct sl_fw *fw, struct fw_reap *r, uint64_t now, uint32_t budget);
void fw_reap_flush(struct sl_fw *fw, struct fw_reap *r);

/* The hints of hashes h[0..n) in an lcore's row (the slot from the low
 * half of a hash, the tag from the high half) into hint[] (entry + 1; 0:
 * none or out of range 1..max), each named entry of entries (stride bytes
 * apart) prefetched: two passes, so the burst's misses overlap. Relaxed
 * loads: a non-worker sharing the last row may rewrite a slot. */
static inline void fw_hints_probe(const uint64_t *row, uint32_t mask, const uint64_t *h, uint16_t n,
	uint32_t max, const void *entries, size_t stride, uint32_t *hint)
{
	for (uint16_t j = 0; j < n; j++)
		rte_prefetch0(&row[h[j] & mask]);
	for (uint16_t j = 0; j < n; j++) {
		uint64_t c = __atomic_load_n(&row[h[j] & mask], __ATOMIC_RELAXED);
		hint[j] = (c >> 32) == (h[j] >> 32) ? (uint32_t)c : 0;
		if (hint[j] != 0 && hint[j] <= max)
			rte_prefetch0((const uint8_t *)entries + (size_t)(hint[j] - 1) * stride);
		else
			hint[j] = 0;
	}
}

/* Bytes of mbuf mb's first segment from l3 on (the hooks' lengths). */
static inline uint16_t l3_avail(const struct rte_mbuf *mb, const uint8_t *l3)
{
	uintptr_t start = (uintptr_t)rte_pktmbuf_mtod(mb, const uint8_t *);
	return (uint16_t)(mb->data_len - ((uintptr_t)l3 - start));
}

/* fw_nat.c */
int fw_nat_init(struct sl_fw *fw, const struct sl_fw_config *cfg);
void fw_nat_fini(struct sl_fw *fw);
/* The pools of spec into s (sl_fw_build); 0 or -ENOMEM. */
int fw_nat_build(struct sl_fw_set *s, const struct sl_fw_spec *spec);
/* Once s is the only set the workers see (sl_fw_publish): delete the flows
 * it has no pool for (their leak-nat went, or its pool or ports changed).
 * Returns how many. */
unsigned fw_nat_prune(struct sl_fw *fw, const struct sl_fw_set *s);
const char *fw_ct_state_name(const struct fw_ct_entry *e);

/* fw_bv.c: the bit-vector classifier of small contexts */
#define FW_BV_RULES_DEFAULT 512u /* sl_fw_config.bv_rules_max 0 */
#define FW_BV_RULES_LIMIT 4096u
struct fw_bv;
/* A classifier of ACL rules v[0..n) that gives what rte_acl would: the
 * userdata of the matching rule of highest priority, 0 if none. 0, -ENOMEM,
 * or -E2BIG (more than FW_BV_RULES_LIMIT rules, or a field too fragmented). */
int fw_bv_build(struct fw_bv **out, const struct fw_acl_rule *v, size_t n);
void fw_bv_free(struct fw_bv *bv);
/* Results of keys in[0..n) (struct fw_acl_key), n <= SL_FW_BURST. */
void fw_bv_classify(const struct fw_bv *bv, const uint8_t **in, uint32_t *res, uint16_t n);

/* fw_core.c */
void fw_set_destroy(struct sl_fw_set *s);

#endif
