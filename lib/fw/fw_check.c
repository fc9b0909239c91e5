/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_check.c — the datapath side: per burst, build the ACL keys of the
 * guarded crossing packets; the packets of tracked pairs (a ruleset on the
 * pair matches on state) are first looked up in the lcore's flow lines
 * (fw_line.h), and those no line decides have their L4 state parsed and
 * their flows looked up in one bulk rte_hash call; classify every guarded packet in one
 * rte_acl_classify call, then count, track and refresh.
 * No locks for tracked flows, no allocation, no logging.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_icmp.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

#include "fw_priv.h"

/* How a packet's state is derived. */
enum pkt_kind {
	K_UNGUARDED, /* the VRF pair has no binding: passes, untracked */
	K_INVALID, /* fragment or truncated: state invalid, no lookup */
	K_TCP,
	K_UDP,
	K_OTHER, /* other protocols: tracked by addresses */
	K_ICMP_QUERY, /* echo/timestamp/info/mask request: opens a flow */
	K_ICMP_REPLY, /* ... their replies: established or invalid */
	K_ICMP_ERROR, /* quotes a packet: related or invalid */
	K_ICMP_OTHER, /* other types: new, untracked */
};

struct pkt {
	struct fw_acl_key acl;
	struct fw_ct_key ck;
	uint8_t kind;
	uint8_t from_lo; /* the packet's source is endpoint lo of ck */
	uint8_t tcp_flags;
	uint8_t state;
	uint16_t bind;
	uint16_t ip_len;
	int32_t pos; /* conntrack position or < 0 */
	uint16_t cls_at; /* index in the classification list; UINT16_MAX: none */
	uint8_t line_ok; /* line_h is the flow line's hash: the packet may fill it */
	uint32_t line_h;
	uint32_t ct_sig; /* the conntrack table's hash of ck (ct_lookup), for ct_add */
};

/* Network-order loads (one load and a byte swap, any alignment). */
static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

/* Canonical key of the flow between (va, aa, pa) and (vb, ab, pb); returns
 * 1 when a is the lo endpoint. Every byte is written: rte_hash compares keys
 * whole, padding included. */
static inline uint8_t ct_key_make(struct fw_ct_key *k, uint8_t proto, uint32_t va, uint32_t aa,
	uint16_t pa, uint32_t vb, uint32_t ab, uint16_t pb)
{
	bool a_lo = va != vb ? va < vb : aa != ab ? aa < ab : pa <= pb;
	memset(k->pad, 0, sizeof(k->pad));
	k->proto = proto;
	k->vrf[0] = (uint16_t)(a_lo ? va : vb);
	k->vrf[1] = (uint16_t)(a_lo ? vb : va);
	k->addr[0] = a_lo ? aa : ab;
	k->addr[1] = a_lo ? ab : aa;
	k->port[0] = a_lo ? pa : pb;
	k->port[1] = a_lo ? pb : pa;
	return a_lo;
}

static inline bool icmp_is_query(uint8_t t)
{
	return t == RTE_IP_ICMP_ECHO_REQUEST || t == SL_ICMP_TIMESTAMP ||
	       t == SL_ICMP_INFO_REQUEST || t == SL_ICMP_MASK_REQUEST;
}

static inline bool icmp_is_reply(uint8_t t)
{
	return t == RTE_IP_ICMP_ECHO_REPLY || t == SL_ICMP_TIMESTAMP_REPLY ||
	       t == SL_ICMP_INFO_REPLY || t == SL_ICMP_MASK_REPLY;
}

static inline bool icmp_is_error(uint8_t t)
{
	return t == SL_ICMP_DEST_UNREACH || t == SL_ICMP_SOURCE_QUENCH || t == SL_ICMP_REDIRECT ||
	       t == SL_ICMP_TIME_EXCEEDED || t == SL_ICMP_PARAM_PROBLEM;
}

/* The flow an ICMP error quotes: inner packet went from the error's
 * destination side (to_vrf) to its source side (from_vrf). */
static inline bool icmp_inner_key(
	struct pkt *p, const uint8_t *inner, uint32_t avail, uint32_t from_vrf, uint32_t to_vrf)
{
	if (avail < 20 || (inner[0] >> 4) != 4)
		return false;
	uint32_t ihl = (inner[0] & 0x0fu) * 4;
	if (ihl < 20 || avail < ihl + 8)
		return false;
	uint8_t proto = inner[9];
	const uint8_t *l4 = inner + ihl;
	uint16_t sp = 0, dp = 0;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		sp = rd16(l4);
		dp = rd16(l4 + 2);
	} else if (proto == IPPROTO_ICMP) {
		if (!icmp_is_query(l4[0]) && !icmp_is_reply(l4[0]))
			return false;
		sp = dp = rd16(l4 + 4);
	}
	ct_key_make(&p->ck, proto, to_vrf, rd32(inner + 12), sp, from_vrf, rd32(inner + 16), dp);
	return true;
}

/*
 * The ACL key of a guarded packet of an untracked pair, straight from its
 * headers (the fields of pkt_parse, no conntrack key, no state: no rule of
 * the pair's rulesets matches on state, so the field is a don't-care).
 * Ports stay in network order, as rte_acl reads them. Returns the IPv4 total
 * length (the rule's byte counter).
 */
static inline uint16_t acl_key_make(struct fw_acl_key *k, const uint8_t *ip, uint16_t avail_len)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint16_t total = rd16(ip + 2);
	uint32_t avail = RTE_MIN((uint32_t)avail_len, (uint32_t)total);
	uint32_t l4len = avail > ihl ? avail - ihl : 0;
	uint8_t proto = ip[9];
	const uint8_t *l4 = ip + ihl;
	uint16_t frag;
	uint32_t ports = 0;

	k->proto = proto;
	memcpy(&k->src, ip + 12, 8); /* src and dst, network order */
	memcpy(&frag, ip + 6, sizeof(frag));
	if (likely((frag & RTE_BE16(0x1fff)) == 0)) { /* non-first fragments: no ports */
		if ((proto == IPPROTO_UDP && l4len >= 8) || (proto == IPPROTO_TCP && l4len >= 20)) {
			memcpy(&ports, l4, 4);
		} else if (proto == IPPROTO_ICMP && l4len >= 8) {
			/* type and code take the port slots, each as a 16-bit value */
			const uint8_t tc[4] = {0, l4[0], 0, l4[1]};
			memcpy(&ports, tc, 4);
		}
	}
	memcpy(&k->sport, &ports, 4);
	return total;
}

/* Build the ACL key and the conntrack key of one crossing packet. */
static inline void pkt_parse(
	struct pkt *p, const uint8_t *ip, uint16_t avail_len, uint32_t from_vrf, uint32_t to_vrf)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint16_t total = rd16(ip + 2);
	uint32_t avail = RTE_MIN((uint32_t)avail_len, (uint32_t)total);
	uint8_t proto = ip[9];
	const uint8_t *l4 = ip + ihl;
	uint32_t l4len = avail > ihl ? avail - ihl : 0;
	uint32_t src = rd32(ip + 12), dst = rd32(ip + 16);
	uint16_t sp = 0, dp = 0;

	p->ip_len = total;
	p->acl.proto = proto;
	memcpy(&p->acl.src, ip + 12, 4); /* rte_acl wants network order */
	memcpy(&p->acl.dst, ip + 16, 4);
	p->acl.sport = p->acl.dport = 0;
	p->tcp_flags = 0;
	if (rd16(ip + 6) & 0x1fff) { /* non-first fragment: no L4 header */
		p->kind = K_INVALID;
		return;
	}
	switch (proto) {
	case IPPROTO_TCP:
		if (l4len < 20) {
			p->kind = K_INVALID;
			return;
		}
		p->kind = K_TCP;
		p->tcp_flags = l4[13];
		sp = rd16(l4);
		dp = rd16(l4 + 2);
		break;
	case IPPROTO_UDP:
		if (l4len < 8) {
			p->kind = K_INVALID;
			return;
		}
		p->kind = K_UDP;
		sp = rd16(l4);
		dp = rd16(l4 + 2);
		break;
	case IPPROTO_ICMP:
		if (l4len < 8) {
			p->kind = K_INVALID;
			return;
		}
		/* type and code take the port slots of the ACL key */
		memcpy(&p->acl.sport, &(uint16_t){rte_cpu_to_be_16(l4[0])}, 2);
		memcpy(&p->acl.dport, &(uint16_t){rte_cpu_to_be_16(l4[1])}, 2);
		if (icmp_is_query(l4[0]) || icmp_is_reply(l4[0])) {
			p->kind = icmp_is_query(l4[0]) ? K_ICMP_QUERY : K_ICMP_REPLY;
			uint16_t id = rd16(l4 + 4);
			p->from_lo = ct_key_make(&p->ck, proto, from_vrf, src, id, to_vrf, dst, id);
		} else if (icmp_is_error(l4[0])) {
			p->kind = icmp_inner_key(p, l4 + 8, l4len - 8, from_vrf, to_vrf)
					  ? K_ICMP_ERROR
					  : K_INVALID;
		} else {
			p->kind = K_ICMP_OTHER;
		}
		return;
	default:
		p->kind = K_OTHER;
		break;
	}
	p->acl.sport = rte_cpu_to_be_16(sp);
	p->acl.dport = rte_cpu_to_be_16(dp);
	p->from_lo = ct_key_make(&p->ck, proto, from_vrf, src, sp, to_vrf, dst, dp);
}

static inline bool kind_looks_up(uint8_t kind)
{
	return kind == K_TCP || kind == K_UDP || kind == K_OTHER || kind == K_ICMP_QUERY ||
	       kind == K_ICMP_REPLY || kind == K_ICMP_ERROR;
}

/* Kinds whose packets in one direction of a flow all have one ACL key (not
 * ICMP: queries of several types share a flow; errors quote another). */
static inline bool flow_one_key(uint8_t kind)
{
	return kind == K_TCP || kind == K_UDP || kind == K_OTHER;
}

static inline bool tcp_pure_syn(uint8_t f)
{
	return (f & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG)) ==
	       RTE_TCP_SYN_FLAG;
}

static inline bool st_closing(uint32_t st)
{
	return (st & CT_RST) || (st & (CT_FIN_ORIG | CT_FIN_REPLY)) == (CT_FIN_ORIG | CT_FIN_REPLY);
}

/* Whether the packet's source opened the flow of entry status st. */
static inline bool from_orig(const struct pkt *p, uint32_t st)
{
	return (p->from_lo != 0) == ((st & CT_ORIG_HI) == 0);
}

/* The key's three words (memcpy: the key is written by fields). */
static inline void ct_key_words(const struct fw_ct_key *k, uint64_t w[3])
{
	_Static_assert(sizeof(*k) == 24, "three words");
	memcpy(w, k, sizeof(*k));
}

static inline uint64_t ct_key_hash(const struct fw_ct_key *k)
{
	uint64_t w[3];
	ct_key_words(k, w);
	return fw_crc8(w[2], fw_crc8(w[1], fw_crc8(w[0], 0))) |
	       (uint64_t)fw_crc8(w[0] ^ w[2], (uint32_t)w[1]) << 32;
}

static inline bool ct_key_eq(const struct fw_ct_key *a, const struct fw_ct_key *b)
{
	uint64_t x[3], y[3];
	ct_key_words(a, x);
	ct_key_words(b, y);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

/*
 * The conntrack positions of packets pk[look[0..n)] (-1: no flow). Each
 * lcore keeps a hint per flow it saw, trusted only when the entry it names
 * is live, not being deleted, and holds the key: the same answer rte_hash
 * gives (a key is in the table iff its entry is live and not killed, and
 * entries are reused only after a grace period, which this burst holds
 * off), for one line read instead of a bucket, a key and a call. The packets
 * without a good hint are looked up in one bulk call and their hints set.
 */
static inline void ct_lookup(
	struct sl_fw *fw, unsigned lcore, struct pkt *pk, const uint16_t *look, uint16_t n)
{
	uint64_t *cache = &fw->ct_cache[(size_t)lcore * (fw->ct_cache_mask + 1)];
	uint64_t h[SL_FW_BURST];
	uint32_t hint[SL_FW_BURST];
	const void *keys[SL_FW_BURST];
	hash_sig_t sigs[SL_FW_BURST];
	int32_t positions[SL_FW_BURST];
	uint16_t miss[SL_FW_BURST], n_miss = 0;

	/* hashes, hints, then entries: the burst's cache misses overlap */
	for (uint16_t j = 0; j < n; j++) {
		h[j] = ct_key_hash(&pk[look[j]].ck);
		pk[look[j]].ct_sig = (uint32_t)h[j];
	}
	fw_hints_probe(cache, fw->ct_cache_mask, h, n, fw->ct_slots, fw->ct_entries,
		sizeof(*fw->ct_entries), hint);
	for (uint16_t j = 0; j < n; j++) {
		struct pkt *p = &pk[look[j]];
		if (hint[j] != 0) {
			const struct fw_ct_entry *e = &fw->ct_entries[hint[j] - 1];
			if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) == CT_LIVE &&
				__atomic_load_n(&e->last_seen, __ATOMIC_RELAXED) !=
					CT_SEEN_KILLED &&
				ct_key_eq(&e->key, &p->ck)) {
				p->pos = (int32_t)hint[j] - 1;
				continue;
			}
		}
		keys[n_miss] = &p->ck;
		sigs[n_miss] = (hash_sig_t)h[j];
		miss[n_miss++] = j;
	}
	if (n_miss == 0)
		return;
	/* the table's hash is h's low half (ct_add): not computed again */
	rte_hash_lookup_with_hash_bulk(fw->ct, keys, sigs, n_miss, positions);
	for (uint16_t k = 0; k < n_miss; k++) {
		uint16_t j = miss[k];
		pk[look[j]].pos = positions[k];
		if (positions[k] >= 0) {
			rte_prefetch0(&fw->ct_entries[positions[k]]);
			__atomic_store_n(&cache[h[j] & fw->ct_cache_mask],
				(h[j] >> 32) << 32 | (uint32_t)(positions[k] + 1),
				__ATOMIC_RELAXED);
		}
	}
}

/* The packet's state from its lookup result. */
static inline uint8_t pkt_state(struct sl_fw *fw, struct pkt *p)
{
	uint32_t st = 0;
	if (p->pos >= 0) {
		const struct fw_ct_entry *e = &fw->ct_entries[p->pos];
		if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) == CT_LIVE &&
			__atomic_load_n(&e->last_seen, __ATOMIC_RELAXED) != CT_SEEN_KILLED)
			st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
		else
			p->pos = -1; /* being created or deleted: as if absent */
	}
	bool hit = p->pos >= 0;
	switch (p->kind) {
	case K_INVALID:
		return SL_FW_ST_INVALID;
	case K_ICMP_OTHER:
		return SL_FW_ST_NEW;
	case K_ICMP_REPLY:
		return hit ? SL_FW_ST_ESTABLISHED : SL_FW_ST_INVALID;
	case K_ICMP_ERROR:
		return hit ? SL_FW_ST_RELATED : SL_FW_ST_INVALID;
	case K_TCP:
		if (!hit)
			return tcp_pure_syn(p->tcp_flags) ? SL_FW_ST_NEW : SL_FW_ST_INVALID;
		if (st_closing(st) && tcp_pure_syn(p->tcp_flags))
			return SL_FW_ST_NEW; /* a new connection on an old tuple */
		break;
	default:
		if (!hit)
			return SL_FW_ST_NEW;
		break;
	}
	return (!from_orig(p, st) || (st & CT_REPLIED)) ? SL_FW_ST_ESTABLISHED : SL_FW_ST_NEW;
}

/*
 * The entry of flow key (of table hash sig): a new one with its creation
 * time, status and last_seen now, or the one another worker (or an earlier
 * packet of this burst) made, *exists set; NULL: the table is full. The
 * caller holds ct_lock, as the sweeper's unlinking does, so the add never
 * finds a key the sweeper is deleting. The table's hash (rte_hash_crc over
 * the key's 24 bytes, init 0) is the low half of ct_key_hash: computed with
 * the lookup, not through rte_hash's function pointer.
 */
static struct fw_ct_entry *ct_add(struct sl_fw *fw, const struct fw_ct_key *key, hash_sig_t sig,
	uint64_t created, uint32_t status, uint64_t now, bool *exists)
{
	struct fw_ct_entry *e = NULL;

	*exists = false;
	int32_t pos = rte_hash_add_key_with_hash(fw->ct, key, sig);
	if (pos >= 0) {
		e = &fw->ct_entries[pos];
		*exists = __atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) != CT_FREE;
		if (!*exists) {
			e->key = *key;
			e->created = created;
			__atomic_store_n(&e->verdict[0], 0, __ATOMIC_RELAXED);
			__atomic_store_n(&e->verdict[1], 0, __ATOMIC_RELAXED);
			__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
			__atomic_store_n(&e->status, status, __ATOMIC_RELAXED);
			__atomic_store_n(&e->claim, CT_LIVE, __ATOMIC_RELEASE);
		}
	}
	return e;
}

/*
 * Track the flows of packets pk[mk[0..n)], accepted in state new; those
 * that find the table full, and their flow not in it, are dropped
 * (conntrack_full). One lock and one count update for the burst, not per
 * flow: each is a write to a line all workers share. ct_count only changes
 * under the lock, so its value there plus the flows made so far is the count.
 */
static void ct_create(struct sl_fw *fw, struct fw_lstats *ls, const struct pkt *pk,
	const uint16_t *mk, uint16_t n, uint64_t now, uint8_t *verdict)
{
	uint32_t made = 0;

	rte_spinlock_lock(&fw->ct_lock);
	uint32_t count = __atomic_load_n(&fw->ct_count, __ATOMIC_RELAXED);
	for (uint16_t k = 0; k < n; k++) {
		const struct pkt *p = &pk[mk[k]];
		bool exists = false;
		if (count + made < fw->ct_max) {
			if (ct_add(fw, &p->ck, p->ct_sig, now, p->from_lo ? 0u : CT_ORIG_HI, now,
				    &exists) != NULL) {
				made += !exists;
				continue;
			}
		} else if (rte_hash_lookup_with_hash(fw->ct, &p->ck, p->ct_sig) >= 0) {
			/* full, but the flow was made since the lookup (by an
			 * earlier packet of the burst, or another worker) */
			continue;
		}
		ls->ct_full++;
		verdict[mk[k]] = SL_FW_DROP; /* conntrack_full */
	}
	if (made > 0)
		__atomic_store_n(&fw->ct_count, count + made, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&fw->ct_lock);
	ls->ct_created += made;
}

/*
 * The sweeper expired flow e between this packet's lookup and its refresh:
 * put the flow back, refreshed (a packet accepted as part of a flow keeps it
 * tracked), unless another packet re-created it already. e stays readable:
 * its slot is reused only after a grace period. The entry of the flow, or
 * NULL when the table has no room for it (it is dropped as conntrack_full).
 */
static __rte_noinline struct fw_ct_entry *ct_revive(
	struct sl_fw *fw, struct fw_lstats *ls, const struct fw_ct_entry *e, uint64_t now)
{
	bool exists;
	uint32_t status = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
	rte_spinlock_lock(&fw->ct_lock);
	/* no ct_max check: the old entry, counted until its release, was this flow */
	struct fw_ct_entry *n = ct_add(
		fw, &e->key, (hash_sig_t)ct_key_hash(&e->key), e->created, status, now, &exists);
	if (n != NULL && !exists) {
		__atomic_store_n(&fw->ct_count, fw->ct_count + 1, __ATOMIC_RELAXED);
		ls->ct_created++;
	}
	rte_spinlock_unlock(&fw->ct_lock);
	return n;
}

/* An accepted packet of a tracked flow: refresh and advance its status.
 * False when the flow, expired meanwhile, found no room to be put back. */
static inline bool ct_refresh(
	struct sl_fw *fw, struct fw_lstats *ls, const struct pkt *p, uint64_t now)
{
	struct fw_ct_entry *e = &fw->ct_entries[p->pos];
	uint64_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);

	/* write only when stale: the line is shared by the flow's two workers;
	 * a CAS, never a store, over the sweeper's CT_SEEN_KILLED (fw_ct.c) */
	while (seen != CT_SEEN_KILLED && (int64_t)(now - seen) > (int64_t)fw->refresh_tsc &&
		!__atomic_compare_exchange_n(
			&e->last_seen, &seen, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (unlikely(seen == CT_SEEN_KILLED)) {
		e = ct_revive(fw, ls, e, now);
		if (e == NULL)
			return false;
	}
	uint32_t st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
	if (p->kind == K_TCP && st_closing(st) && tcp_pure_syn(p->tcp_flags)) {
		__atomic_store_n(&e->status, p->from_lo ? 0u : CT_ORIG_HI, __ATOMIC_RELAXED);
		/* its packets' state may go back to new: lines read it again */
		__atomic_fetch_add(&fw->line_epoch, 1, __ATOMIC_RELEASE);
		seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		if (seen != CT_SEEN_KILLED)
			__atomic_compare_exchange_n(&e->last_seen, &seen, now, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED);
		return true;
	}
	bool orig = from_orig(p, st);
	uint32_t add = 0;
	if (!orig)
		add |= CT_REPLIED;
	if (p->kind == K_TCP) {
		if (p->tcp_flags & RTE_TCP_FIN_FLAG)
			add |= orig ? CT_FIN_ORIG : CT_FIN_REPLY;
		if (p->tcp_flags & RTE_TCP_RST_FLAG)
			add |= CT_RST;
	}
	if ((st & add) != add)
		__atomic_fetch_or(&e->status, add, __ATOMIC_RELAXED);
	return true;
}

/*
 * rte_acl's vector classifiers walk the trie for groups of 8 keys at once,
 * and a group costs about as much however few of its lanes are used, while
 * the scalar walk is cheap for a few keys. So whole groups of 8 go to the
 * default (vector) classifier and a tail of up to 4 keys, or a burst of
 * fewer than 8, to the scalar one (doc/benchmarks.md, "Leak-point firewall",
 * has the figures). A crossing burst is small: ~10 packets when 30 % of 32 leak.
 */
#define ACL_GROUP 8
#define ACL_SCALAR_TAIL 4

static inline void acl_run(
	const struct rte_acl_ctx *ctx, const uint8_t **in, uint32_t *res, uint16_t n)
{
	uint16_t tail = n % ACL_GROUP;
	if (n < ACL_GROUP) {
		rte_acl_classify_alg(ctx, in, res, n, 1, RTE_ACL_CLASSIFY_SCALAR);
	} else if (tail > ACL_SCALAR_TAIL) {
		rte_acl_classify(ctx, in, res, n, 1);
	} else {
		rte_acl_classify(ctx, in, res, n - tail, 1);
		if (tail > 0)
			rte_acl_classify_alg(ctx, in + n - tail, res + n - tail, tail, 1,
				RTE_ACL_CLASSIFY_SCALAR);
	}
}

/* A packet's classifier context: ruleset index + 1, shifted, and the state's
 * bit number when the ruleset has state rules (0 otherwise). */
static inline uint16_t ctx_key(uint16_t rs, uint32_t state_bit)
{
	return (uint16_t)(rs << 2 | state_bit);
}

static inline const struct fw_ruleset *ctx_ruleset(const struct sl_fw_set *s, uint16_t key)
{
	return &s->rulesets[(key >> 2) - 1];
}

/* Classify n keys of one context; results 0: no rule matched. */
static inline void classify_ctx(const struct sl_fw_set *s, uint16_t key, const uint8_t **acl_in,
	uint32_t *results, uint16_t n)
{
	const struct fw_ruleset *rs = ctx_ruleset(s, key);
	const struct rte_acl_ctx *ctx = rs->acl[key & 3];
	if (rs->bv[key & 3] != NULL)
		fw_bv_classify(rs->bv[key & 3], acl_in, results, n);
	else if (ctx != NULL)
		acl_run(ctx, acl_in, results, n);
	else
		memset(results, 0, sizeof(results[0]) * n);
}

/* A burst whose guarded packets need several contexts: one call each. */
static __rte_noinline void classify_mixed(const struct sl_fw_set *s, const uint16_t *cls_ctx,
	const uint8_t **acl_in, uint32_t *results, uint16_t n)
{
	const uint8_t *in[SL_FW_BURST];
	uint32_t res[SL_FW_BURST];
	uint16_t at[SL_FW_BURST];
	uint8_t done[SL_FW_BURST] = {0};
	for (uint16_t j = 0; j < n; j++) {
		if (done[j])
			continue;
		uint16_t m = 0;
		for (uint16_t k = j; k < n; k++) {
			if (done[k] || cls_ctx[k] != cls_ctx[j])
				continue;
			done[k] = 1;
			in[m] = acl_in[k];
			at[m++] = k;
		}
		classify_ctx(s, cls_ctx[j], in, res, m);
		for (uint16_t i = 0; i < m; i++)
			results[at[i]] = res[i];
	}
}

/* Classify keys acl_in[0..n) of contexts ctx[0..n) into results[]: one call
 * per context (one, usually). */
static inline void classify(const struct sl_fw_set *s, const uint16_t *ctx, const uint8_t **acl_in,
	uint32_t *results, uint16_t n)
{
	uint16_t same = 1;
	while (same < n && ctx[same] == ctx[0])
		same++;
	if (likely(same == n))
		classify_ctx(s, ctx[0], acl_in, results, n);
	else
		classify_mixed(s, ctx, acl_in, results, n);
}

/* The classification of the guarded packets of a burst: idx[j] packet
 * index; results[j] known without a walk (the context's constant result),
 * or after one for the walk[0..n_walk) entries (indexes into cls). */
struct cls_list {
	uint16_t n, n_walk;
	uint16_t idx[SL_FW_BURST], ctx[SL_FW_BURST], walk[SL_FW_BURST];
	uint32_t results[SL_FW_BURST];
	const uint8_t *acl_in[SL_FW_BURST];
};

/* Add packet i (p) of ruleset rs, state bit state_bit; res: its result if
 * known (the context's constant, a flow's verdict), FW_RES_WALK if not.
 * Returns its index in the list. */
static inline uint16_t cls_add_res(struct cls_list *c, uint16_t i, const struct pkt *p, uint16_t rs,
	uint32_t state_bit, uint32_t res)
{
	uint16_t j = c->n++;
	c->idx[j] = i;
	c->ctx[j] = ctx_key(rs, state_bit);
	c->results[j] = res;
	if (res == FW_RES_WALK) {
		c->acl_in[c->n_walk] = (const uint8_t *)&p->acl;
		c->walk[c->n_walk++] = j;
	}
	return j;
}

static inline void cls_add(struct cls_list *c, const struct sl_fw_set *s, uint16_t i,
	const struct pkt *p, uint16_t rs, uint32_t state_bit)
{
	cls_add_res(c, i, p, rs, state_bit, s->rulesets[rs - 1].const_res[state_bit]);
}

/* The walks a burst needs (usually all of its keys, or none). */
static inline void cls_run(const struct sl_fw_set *s, struct cls_list *c)
{
	if (c->n_walk == 0)
		return;
	if (c->n_walk == c->n) {
		classify(s, c->ctx, c->acl_in, c->results, c->n);
		return;
	}
	uint16_t ctx[SL_FW_BURST];
	uint32_t res[SL_FW_BURST];
	for (uint16_t k = 0; k < c->n_walk; k++)
		ctx[k] = c->ctx[c->walk[k]];
	classify(s, ctx, c->acl_in, res, c->n_walk);
	for (uint16_t k = 0; k < c->n_walk; k++)
		c->results[c->walk[k]] = res[k];
}

/* ---- the flow line (fw_line.h) ----------------------------------------
 * info of a conntrack line: the counter slot + 1 (0: the pair is tracked
 * but unguarded), the slot's action, whether the packet's source is the
 * entry's endpoint lo, the state (established, else new) the cached result
 * was classified in. Only established lines become quiet (fw_line.h): their
 * state cannot change but by a reused tuple, which bumps line_epoch. */
#define LINE_SLOT_MASK 0xffffffu
#define LINE_ACTION_SHIFT 24
#define LINE_FROM_LO (1u << 26)
#define LINE_EST (1u << 27)

/* Whether entry e holds the flow of raw key k seen from its endpoint lo
 * (from_lo) or hi: the canonical key compared as three words, built from
 * the raw fields without ct_key_make's comparisons. */
static inline bool line_key_is(
	const struct fw_ct_entry *e, const struct fw_line_key *k, bool from_lo)
{
	uint32_t src = rte_be_to_cpu_32((uint32_t)k->addrs);
	uint32_t dst = rte_be_to_cpu_32((uint32_t)(k->addrs >> 32));
	uint32_t sp = rte_be_to_cpu_16((uint16_t)k->pv);
	uint32_t dp = rte_be_to_cpu_16((uint16_t)(k->pv >> 16));
	uint32_t f = (uint32_t)(k->pv >> 32) & 0xffffu, t = (uint32_t)(k->pv >> 48);
	uint64_t w[3], x[3];
	w[0] = from_lo ? (src | (uint64_t)dst << 32) : (dst | (uint64_t)src << 32);
	w[1] = from_lo ? (sp | dp << 16 | (uint64_t)(f | t << 16) << 32)
		       : (dp | sp << 16 | (uint64_t)(t | f << 16) << 32);
	w[2] = k->proto;
	ct_key_words(&e->key, x);
	return ((x[0] ^ w[0]) | (x[1] ^ w[1]) | (x[2] ^ w[2])) == 0;
}

/* Per-slot counts summed over runs of one slot (usually the whole burst):
 * increments of one memory word would wait on each other. */
struct slot_run {
	uint32_t slot, pkts;
	uint64_t bytes;
};

static inline void slot_run_add(
	struct fw_count *cnt, struct slot_run *r, uint32_t slot, uint16_t len)
{
	if (unlikely(slot != r->slot)) { /* once a burst, usually */
		if (r->pkts > 0) {
			cnt[r->slot].packets += r->pkts;
			cnt[r->slot].bytes += r->bytes;
		}
		r->slot = slot;
		r->pkts = 0;
		r->bytes = 0;
	}
	r->pkts++;
	r->bytes += len;
}

static inline void slot_run_end(struct fw_count *cnt, const struct slot_run *r)
{
	if (r->pkts > 0) {
		cnt[r->slot].packets += r->pkts;
		cnt[r->slot].bytes += r->bytes;
	}
}

/*
 * The packets 0..n that the lcore's flow lines decide, before their
 * bindings are read: a line counts only in the set generation it was
 * filled in, and only a tracked pair's packets fill one, so a hit implies
 * the pair's binding. Per burst the raw keys and hashes, then the tags,
 * the tagged lines, and the entries of the lines that must read theirs,
 * so the misses overlap. A hit (this set's line holding the packet's key;
 * quiet, or its entry live, not killed, holding the key, and its status
 * giving the state the result was cached in with nothing for this packet
 * to add) gets the cached verdict, counted as the walk's would be, and
 * refreshes its flow as any tracked packet does (a quiet line's was
 * refreshed within the interval). Returns how many are left, in left[],
 * for the bindings and the full path; their line_ok says whether they may
 * fill a line.
 */
static __rte_always_inline uint16_t ct_line_pass(struct sl_fw *fw, const struct sl_fw_set *s,
	struct fw_lstats *ls, unsigned lcore, uint64_t now, struct pkt *pk, uint16_t n, bool mbufs,
	struct rte_mbuf *const *pkts, const uint8_t *const *l3, uint16_t *l3_len,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint8_t *verdict, uint16_t *left_ix)
{
	const struct fw_line_row row = fw_line_row(&fw->ct_lines, lcore);
	const uint32_t epoch = __atomic_load_n(&fw->line_epoch, __ATOMIC_ACQUIRE);
	struct fw_line_key k[SL_FW_BURST];
	struct fw_line *ln[SL_FW_BURST];
	struct fw_line *first[SL_FW_BURST];
	uint16_t slow[SL_FW_BURST], n_slow = 0, tot[SL_FW_BURST];
	uint64_t miss = 0; /* bit i: packet i is left to the full path */

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = &pk[i];
		uint8_t flags; /* the loud path reads them again */
		if (mbufs) /* the hook's: no loop of its own over the mbufs */
			l3_len[i] = l3_avail(pkts[i], l3[i]);
		p->line_ok = fw_line_key_len_of(
			l3[i], l3_len[i], from_vrf[i], to_vrf[i], &k[i], &flags, &tot[i]);
		if (likely(p->line_ok)) {
			p->line_h = fw_line_hash(&k[i]);
			fw_line_prefetch(&row, p->line_h);
		}
	}
	uintptr_t any = 0;
	for (uint16_t i = 0; i < n; i++) {
		struct fw_line *f = pk[i].line_ok ? fw_line_first(&row, pk[i].line_h) : NULL;
		first[i] = f;
		any |= (uintptr_t)f;
	}
	if (any == 0) { /* first packets, mostly: no line to read */
		for (uint16_t i = 0; i < n; i++)
			left_ix[i] = i;
		return n;
	}
	struct fw_count *cnt = &s->counts[(size_t)lcore * s->slot_stride];
	struct slot_run run = {UINT32_MAX, 0, 0};
	/* summed: one store each; the byte stores of the loop (verdicts, used
	 * marks) may alias any field, so what it reads is read once here */
	uint32_t n_cls = 0, acc = 0, drop = 0, hits = 0, quiet_unguarded = 0;
	const uint32_t gen = s->gen, slots = fw->ct_slots;
	const int64_t oldest = fw_line_oldest(now, fw->refresh_tsc);
	/* a quiet line decides at once: only an accepting line becomes quiet
	 * (ct_line_fill, which rewrites info, makes it loud again), so its
	 * packet is accepted; the others' entries are read after every probe,
	 * so that their misses overlap. Its hit and classification are
	 * counted after the loop, from the misses and the loud ones */
	for (uint16_t i = 0; i < n; i++) {
		struct fw_line *l = first[i];
		if (l != NULL && (l->gen != gen || !fw_line_key_eq(&l->key, &k[i]))) {
			/* fw_line_match written out: through it gcc 12 makes this
			 * loop 3 instructions longer. Both tagged (rare): way 1
			 * may be the flow's */
			l = fw_line_other(&row, pk[i].line_h, l);
			if (l != NULL && (l->gen != gen || !fw_line_key_eq(&l->key, &k[i])))
				l = NULL;
		}
		if (l == NULL) {
			miss |= 1ull << i;
			continue;
		}
		if (fw_line_quiet_since(l, epoch, oldest)) {
			fw_line_used(l);
			uint32_t slot1 = l->info & LINE_SLOT_MASK;
			if (likely(slot1 != 0))
				slot_run_add(cnt, &run, slot1 - 1, tot[i]);
			else
				quiet_unguarded++;
			verdict[i] = SL_FW_ACCEPT;
			continue;
		}
		if (l->pos >= slots) {
			miss |= 1ull << i;
			continue;
		}
		rte_prefetch0(&fw->ct_entries[l->pos]);
		ln[n_slow] = l;
		slow[n_slow++] = i;
	}
	hits = n - (uint32_t)__builtin_popcountll(miss) - n_slow; /* the quiet ones */
	n_cls = hits - quiet_unguarded;
	acc = n_cls;
	for (uint16_t j = 0; j < n_slow; j++) {
		uint16_t i = slow[j];
		struct pkt *p = &pk[i];
		struct fw_line *l = ln[j];
		uint32_t info = l->info;
		bool from_lo = (info & LINE_FROM_LO) != 0;
		const struct fw_ct_entry *e = &fw->ct_entries[l->pos];
		if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) != CT_LIVE ||
			__atomic_load_n(&e->last_seen, __ATOMIC_RELAXED) == CT_SEEN_KILLED ||
			!line_key_is(e, &k[i], from_lo)) {
			miss |= 1ull << i;
			continue;
		}
		uint32_t st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
		bool orig = from_lo == ((st & CT_ORIG_HI) == 0);
		bool est = !orig || (st & CT_REPLIED);
		/* the state it was classified in; a reply that would mark
		 * the flow replied goes the full way (the state changes) */
		if (est != ((info & LINE_EST) != 0) || (!orig && !(st & CT_REPLIED))) {
			miss |= 1ull << i;
			continue;
		}
		fw_line_used(l);
		uint8_t v = SL_FW_ACCEPT;
		uint32_t slot1 = info & LINE_SLOT_MASK;
		if (slot1 != 0) {
			v = (uint8_t)(info >> LINE_ACTION_SHIFT & 3u);
			slot_run_add(cnt, &run, slot1 - 1, tot[i]);
			n_cls++;
		}
		if (v == SL_FW_ACCEPT) {
			hits++;
			p->pos = (int32_t)l->pos;
			p->kind = k[i].proto == IPPROTO_TCP ? K_TCP : K_UDP;
			/* read again here, not kept for every packet */
			p->tcp_flags =
				k[i].proto == IPPROTO_TCP ? l3[i][(l3[i][0] & 0x0fu) * 4 + 13] : 0;
			p->from_lo = from_lo;
			if (!ct_refresh(fw, ls, p, now)) {
				ls->ct_full++;
				v = SL_FW_DROP; /* conntrack_full */
			}
			uint64_t seen = __atomic_load_n(
				&fw->ct_entries[l->pos].last_seen, __ATOMIC_RELAXED);
			if (v == SL_FW_ACCEPT && seen != CT_SEEN_KILLED && (info & LINE_EST))
				fw_line_quieten(l, epoch, seen);
		}
		verdict[i] = v;
		if (slot1 != 0) {
			acc += v == SL_FW_ACCEPT;
			drop += v == SL_FW_DROP;
		}
	}
	slot_run_end(cnt, &run);
	uint16_t left = 0;
	for (uint64_t m = miss; m != 0; m &= m - 1)
		left_ix[left++] = (uint16_t)__builtin_ctzll(m);
	ls->ct_hits += hits;
	ls->ct_line_hits += n - left;
	ls->unguarded += n - left - n_cls; /* a hit of an unguarded pair: slot 0 */
	ls->classified += n_cls;
	ls->accepted += acc;
	ls->dropped += drop;
	ls->rejected += n_cls - acc - drop;
	return left;
}

/* Fill the line of tracked packet p after the full path: its flow's
 * entry, state and (guarded) the counter slot its result gave. */
static inline void ct_line_fill(struct sl_fw *fw, const struct sl_fw_set *s, unsigned lcore,
	const struct pkt *p, const struct cls_list *cl, const uint8_t *ip, uint16_t len,
	uint32_t from, uint32_t to)
{
	uint32_t info = 0;
	struct fw_line_key k;
	uint8_t flags;
	if (p->cls_at != UINT16_MAX) {
		uint32_t r = cl->results[p->cls_at];
		uint32_t slot = r ? r - 1 : ctx_ruleset(s, cl->ctx[p->cls_at])->default_slot;
		if (slot >= LINE_SLOT_MASK)
			return;
		info = (slot + 1) | (uint32_t)s->slots[slot].action << LINE_ACTION_SHIFT;
	}
	if (!fw_line_key_of(ip, len, from, to, &k, &flags))
		return;
	info |= (p->from_lo ? LINE_FROM_LO : 0) | (p->state == SL_FW_ST_ESTABLISHED ? LINE_EST : 0);
	const struct fw_line_row row = fw_line_row(&fw->ct_lines, lcore);
	struct fw_line *l = fw_line_victim(&row, p->line_h, &k, s->gen);
	l->key = k;
	l->gen = s->gen;
	l->pos = (uint32_t)p->pos;
	l->info = info;
	l->used = 0;
	l->quiet = 0;
}

/* Packet i's binding: verdict accept until a walk or a flow says
 * otherwise; a guarded untracked pair's ACL key joins the classification,
 * a tracked pair's packet the list trk[] (it may fill a line only when
 * the line pass ran: lined). */
static __rte_always_inline void bind_one(const struct sl_fw_set *s, uint32_t dim, uint16_t i,
	bool lined, const uint8_t *const *l3, const uint16_t *l3_len, const uint32_t *from_vrf,
	const uint32_t *to_vrf, struct pkt *pk, struct cls_list *cl, uint16_t *trk, uint16_t *n_trk,
	uint16_t *n_unguarded, uint8_t *verdict)
{
	uint32_t f = from_vrf[i], t = to_vrf[i];
	uint16_t bind = (f < dim && t < dim) ? s->bind[f * dim + t] : 0;
	uint16_t rs = bind & FW_BIND_RS_MASK;
	verdict[i] = SL_FW_ACCEPT;
	*n_unguarded += rs == 0;
	struct pkt *p = &pk[i];
	p->bind = bind;
	if (likely(!(bind & FW_BIND_TRACK))) {
		if (rs == 0)
			return; /* unguarded and untracked: passes */
		p->ip_len = acl_key_make(&p->acl, l3[i], l3_len[i]);
		cls_add(cl, s, i, p, rs, 0);
		return;
	}
	p->pos = -1;
	p->cls_at = UINT16_MAX;
	p->line_ok = lined && p->line_ok;
	trk[(*n_trk)++] = i;
}

/* The ruleset (index + 1; 0: none) bound on from -> to. */
static inline uint16_t untracked_rs(const struct sl_fw_set *s, uint32_t from, uint32_t to)
{
	const uint32_t dim = s->bind_dim;
	return (from < dim && to < dim) ? s->bind[from * dim + to] & FW_BIND_RS_MASK : 0;
}

/*
 * A burst of a set that tracks no pair (all its bound rulesets stateless):
 * no line, parse or conntrack can apply, so a guarded packet's key goes
 * straight into one compact list, and its verdict is its slot's action,
 * tallied by runs of one slot while they are counted (no list of walks, no
 * second pass over the verdicts). Counts and verdicts as check_burst's.
 */
static __rte_always_inline void check_untracked(const struct sl_fw_set *s, struct fw_lstats *ls,
	unsigned lcore, bool mbufs, struct rte_mbuf *const *pkts, const uint8_t *const *l3,
	const uint16_t *given_len, const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n,
	uint8_t *verdict)
{
	struct fw_acl_key key[SL_FW_BURST];
	const uint8_t *in[SL_FW_BURST];
	uint32_t res[SL_FW_BURST];
	uint16_t idx[SL_FW_BURST], ip_len[SL_FW_BURST], ctx[SL_FW_BURST];
	uint16_t m = 0, rs = 0, last = 0, changes = 0;
	uint32_t pf = UINT32_MAX, pt = UINT32_MAX; /* the pair whose ruleset rs is */

	for (uint16_t i = 0; i < n; i++) {
		uint32_t f = from_vrf[i], t = to_vrf[i];
		if (f != pf || t != pt) { /* a burst's packets are mostly of one pair */
			rs = untracked_rs(s, f, t);
			pf = f;
			pt = t;
			/* the guarded packets' rulesets, as runs (rs is a run's) */
			if (rs != 0 && rs != last) {
				changes++;
				last = rs;
			}
		}
		if (rs == 0) {
			verdict[i] = SL_FW_ACCEPT; /* unguarded: passes */
			continue;
		}
		uint16_t len = mbufs ? l3_avail(pkts[i], l3[i]) : given_len[i];
		ip_len[m] = acl_key_make(&key[m], l3[i], len);
		in[m] = (const uint8_t *)&key[m];
		idx[m++] = i;
	}
	ls->unguarded += n - m;
	if (m == 0)
		return;

	const bool one = likely(changes == 1); /* every guarded packet of ruleset last */
	uint32_t def = 0; /* one: the ruleset's default slot */
	if (one) {
		const struct fw_ruleset *r = &s->rulesets[last - 1];
		def = r->default_slot;
		if (r->const_res[0] != FW_RES_WALK) {
			for (uint16_t j = 0; j < m; j++)
				res[j] = r->const_res[0];
		} else {
			classify_ctx(s, ctx_key(last, 0), in, res, m);
		}
	} else { /* several rulesets: their contexts (rare) */
		for (uint16_t j = 0; j < m; j++)
			ctx[j] = ctx_key(untracked_rs(s, from_vrf[idx[j]], to_vrf[idx[j]]), 0);
		classify_mixed(s, ctx, in, res, m);
	}

	struct fw_count *cnt = &s->counts[(size_t)lcore * s->slot_stride];
	uint32_t run_slot = UINT32_MAX, run_pkts = 0, acc = 0, drop = 0;
	uint64_t run_bytes = 0;
	uint8_t action = 0;
	for (uint16_t j = 0; j < m; j++) {
		uint32_t slot = res[j] ? res[j] - 1
				: one  ? def
				       : ctx_ruleset(s, ctx[j])->default_slot;
		if (unlikely(slot != run_slot)) { /* once a burst, usually */
			if (run_pkts > 0) {
				cnt[run_slot].packets += run_pkts;
				cnt[run_slot].bytes += run_bytes;
				acc += action == SL_FW_ACCEPT ? run_pkts : 0;
				drop += action == SL_FW_DROP ? run_pkts : 0;
			}
			run_slot = slot;
			run_pkts = 0;
			run_bytes = 0;
			action = s->slots[slot].action;
		}
		run_pkts++;
		run_bytes += ip_len[j];
		verdict[idx[j]] = action;
	}
	cnt[run_slot].packets += run_pkts;
	cnt[run_slot].bytes += run_bytes;
	acc += action == SL_FW_ACCEPT ? run_pkts : 0;
	drop += action == SL_FW_DROP ? run_pkts : 0;
	ls->classified += m;
	ls->accepted += acc;
	ls->dropped += drop;
	ls->rejected += m - acc - drop;
}

/* now_valid false: read the TSC only if some packet is tracked. The
 * lengths from given_len[], or, when mbufs, from the mbufs pkts[].
 * Inlined into both callers with constant flags: the hook's copy tests
 * neither per packet. */
static __rte_always_inline void check_burst(struct sl_fw *fw, unsigned lcore, uint64_t now,
	bool now_valid, bool mbufs, struct rte_mbuf *const *pkts, const uint8_t *const *l3,
	const uint16_t *given_len, const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n,
	uint8_t *verdict)
{
	const struct sl_fw_set *s = __atomic_load_n(&fw->active, __ATOMIC_ACQUIRE);
	struct pkt pk[SL_FW_BURST];
	struct cls_list cl;
	uint16_t look[SL_FW_BURST], trk[SL_FW_BURST], mk[SL_FW_BURST];
	uint16_t n_look = 0, n_trk = 0, n_unguarded = 0, n_mk = 0;
	/* flows whose verdict the walk gives: packet, list index, verdict key */
	uint16_t fill[SL_FW_BURST], fill_at[SL_FW_BURST], n_fill = 0;
	uint64_t fill_key[SL_FW_BURST];

	cl.n = cl.n_walk = 0;
	if (lcore >= fw->n_lcores)
		lcore = fw->n_lcores - 1; /* non-worker callers share the last slot */
	struct fw_lstats *ls = &fw->lstats[lcore];
	n = RTE_MIN(n, (uint16_t)SL_FW_BURST);
	ls->checked += n;
	if (s != NULL && !s->tracks) {
		check_untracked(
			s, ls, lcore, mbufs, pkts, l3, given_len, from_vrf, to_vrf, n, verdict);
		return;
	}
	const uint32_t dim = s != NULL ? s->bind_dim : 0;
	uint16_t own_len[SL_FW_BURST];
	uint16_t *l3_len = mbufs ? own_len : (uint16_t *)(uintptr_t)given_len;

	/* 1. the flow lines decide the packets of known flows first: a hit
	 * needs neither its binding nor a parse */
	uint16_t rest[SL_FW_BURST], n_rest = n;
	/* else the rest is 0..n, and no packet fills a line */
	const bool lined = s != NULL && s->tracks && !fw_line_skip(&ls->ct_line_cold);
	if (lined) {
		if (!now_valid) {
			now = rte_rdtsc();
			now_valid = true;
		}
		n_rest = ct_line_pass(fw, s, ls, lcore, now, pk, n, mbufs, pkts, l3, l3_len,
			from_vrf, to_vrf, verdict, rest);
		fw_line_judge(&ls->ct_line_cold, n, n - n_rest);
	}

	/* 2. bindings of the rest; ACL keys of untracked pairs; parsing of
	 * tracked ones (two loops: the stateless sets' keep indexes plain) */
	if (lined) {
		for (uint16_t j = 0; j < n_rest; j++)
			bind_one(s, dim, rest[j], true, l3, l3_len, from_vrf, to_vrf, pk, &cl, trk,
				&n_trk, &n_unguarded, verdict);
	} else {
		for (uint16_t i = 0; mbufs && i < n; i++)
			l3_len[i] = l3_avail(pkts[i], l3[i]);
		for (uint16_t i = 0; i < n; i++)
			bind_one(s, dim, i, false, l3, l3_len, from_vrf, to_vrf, pk, &cl, trk,
				&n_trk, &n_unguarded, verdict);
	}
	ls->unguarded += n_unguarded;

	if (n_trk > 0) {
		if (!now_valid)
			now = rte_rdtsc();
		/* the packets no line decided are parsed for the full path */
		for (uint16_t j = 0; j < n_trk; j++) {
			uint16_t i = trk[j];
			pkt_parse(&pk[i], l3[i], l3_len[i], from_vrf[i], to_vrf[i]);
			if (kind_looks_up(pk[i].kind))
				look[n_look++] = i;
		}
		/* 3. conntrack: the lcore's hints, then one bulk lookup of the rest */
		if (n_look > 0)
			ct_lookup(fw, lcore, pk, look, n_look);
		/* 4. states of the tracked packets; the guarded ones join the
		 * classification (state first: a context whose first rule takes
		 * any packet, such as rule 1 `state established`, needs no walk) */
		for (uint16_t j = 0; j < n_trk; j++) {
			struct pkt *p = &pk[trk[j]];
			p->state = pkt_state(fw, p);
			uint16_t rs = p->bind & FW_BIND_RS_MASK;
			if (rs != 0) {
				/* a stateless ruleset on a tracked pair has one context */
				uint32_t bit = s->rulesets[rs - 1].uses_state
						       ? (uint32_t)__builtin_ctz(p->state)
						       : 0;
				uint32_t res = s->rulesets[rs - 1].const_res[bit];
				uint64_t want = 0;
				if (res == FW_RES_WALK && p->pos >= 0 && flow_one_key(p->kind)) {
					/* the flow's verdict for this set and state */
					want = FW_VERDICT_KEY(s->gen, bit);
					uint64_t v = __atomic_load_n(
						&fw->ct_entries[p->pos].verdict[p->from_lo],
						__ATOMIC_RELAXED);
					if ((v & ~(uint64_t)UINT32_MAX) == want) {
						res = (uint32_t)v;
						want = 0;
					}
				}
				uint16_t at = cls_add_res(&cl, trk[j], p, rs, bit, res);
				p->cls_at = at;
				if (want != 0) {
					fill[n_fill] = trk[j];
					fill_at[n_fill] = at;
					fill_key[n_fill++] = want;
				}
			}
		}
	}
	if (cl.n == 0 && n_trk == 0)
		return;

	/* 5. classify the guarded packets that need a walk; count every one */
	if (cl.n > 0) {
		cls_run(s, &cl);
		/* the flows' verdicts, for their next packets */
		for (uint16_t k = 0; k < n_fill; k++) {
			const struct pkt *p = &pk[fill[k]];
			__atomic_store_n(&fw->ct_entries[p->pos].verdict[p->from_lo],
				fill_key[k] | cl.results[fill_at[k]], __ATOMIC_RELAXED);
		}
		struct fw_count *cnt = &s->counts[(size_t)lcore * s->slot_stride];
		struct slot_run run = {UINT32_MAX, 0, 0};
		uint8_t action = 0;
		for (uint16_t j = 0; j < cl.n; j++) {
			uint32_t slot = cl.results[j] ? cl.results[j] - 1
						      : ctx_ruleset(s, cl.ctx[j])->default_slot;
			if (slot != run.slot)
				action = s->slots[slot].action;
			slot_run_add(cnt, &run, slot, pk[cl.idx[j]].ip_len);
			verdict[cl.idx[j]] = action;
		}
		slot_run_end(cnt, &run);
	}

	/* 6. track and refresh what passes; the flows found fill their lines */
	for (uint16_t j = 0; j < n_trk; j++) {
		uint16_t i = trk[j];
		struct pkt *p = &pk[i];
		if (p->line_ok && p->pos >= 0)
			ct_line_fill(
				fw, s, lcore, p, &cl, l3[i], l3_len[i], from_vrf[i], to_vrf[i]);
		if (verdict[i] != SL_FW_ACCEPT)
			continue;
		if (p->state == SL_FW_ST_RELATED) {
			ls->ct_related++;
		} else if (p->pos >= 0) {
			ls->ct_hits++;
			if (!ct_refresh(fw, ls, p, now)) {
				ls->ct_full++;
				verdict[i] = SL_FW_DROP; /* conntrack_full */
			}
		} else if (p->state == SL_FW_ST_NEW && p->kind != K_ICMP_OTHER) {
			mk[n_mk++] = i; /* a new flow: made below, with the burst's others */
		}
	}
	if (n_mk > 0)
		ct_create(fw, ls, pk, mk, n_mk, now, verdict);

	/* verdicts of the classified packets, after conntrack_full drops */
	uint32_t acc = 0, drop = 0;
	for (uint16_t j = 0; j < cl.n; j++) {
		uint8_t v = verdict[cl.idx[j]];
		acc += v == SL_FW_ACCEPT;
		drop += v == SL_FW_DROP;
	}
	ls->classified += cl.n;
	ls->accepted += acc;
	ls->dropped += drop;
	ls->rejected += cl.n - acc - drop;
}

void sl_fw_check_burst(struct sl_fw *fw, unsigned lcore, uint64_t now, const uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n,
	uint8_t *verdict)
{
	check_burst(fw, lcore, now, true, false, NULL, l3, l3_len, from_vrf, to_vrf, n, verdict);
}

void sl_fw_leak_filter(void *ctx, struct rte_mbuf **pkts, const uint8_t **l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	struct sl_fw *fw = ctx;
	unsigned lcore = rte_lcore_id();

	for (uint16_t off = 0; off < n; off += SL_FW_BURST) {
		uint16_t m = RTE_MIN((uint16_t)(n - off), (uint16_t)SL_FW_BURST);
		/* the TSC is read only when some packet is tracked */
		check_burst(fw, lcore, 0, false, true, pkts + off, l3 + off, NULL, from_vrf + off,
			to_vrf + off, m, deny + off);
	}
}
