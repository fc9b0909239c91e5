/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_line.h — the per-lcore flow line: one cache line per flow, private to
 * the worker lcore, holding what a packet of a known flow needs (its raw
 * key, the shared entry's position, the set generation it was decided in,
 * the cached verdict or translation), found with one hash of the packet's
 * raw header fields before any parse, canonical key or table lookup.
 *
 * Two candidate lines a flow, so that flows whose hashes meet do not evict
 * each other; a burst prefetches its packets' tags, then the first tagged
 * candidate of each (way 0's; way 1's tag is read only when way 0's
 * differs), then reads those lines. A line is used only when its key is
 * the packet's and its generation the published set's (a publish of
 * rulesets, bindings or pools makes a new one: nothing is invalidated by
 * hand). Then either
 *  - the shared entry is read: trusted when live, not killed and holding
 *    the flow's key (entries are reused only after a grace period, which
 *    the burst holds off), and the flow refreshed as before; or
 *  - the line alone decides, when this lcore refreshed the entry less than
 *    the refresh interval ago (so the sweeper cannot have judged it idle:
 *    every timeout is longer) and no entry of either table was killed
 *    since it was last read (fw->line_epoch: the sweeper, a flush, a
 *    prune and a reused TCP tuple bump it).
 * Private to the lcore: plain loads and stores.
 */
#ifndef SL_FW_LINE_H
#define SL_FW_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif

#define FW_LINE_WAYS 2

/* The raw key of a TCP or UDP packet, as it arrives. */
struct fw_line_key {
	uint64_t addrs; /* ip + 12: source and destination, network order */
	uint64_t pv; /* l4 + 0: the ports as they are | from << 32 | to << 48 */
	uint32_t proto;
};

struct fw_line {
	struct fw_line_key key;
	uint32_t gen; /* the set generation it was filled in; 0: empty */
	uint32_t pos; /* the shared entry's position (conntrack) or index (NAT) */
	/* 0, or FW_LINE_QUIET | the line_epoch in which the entry was last
	 * read, seen set: it may decide alone (one compare tests both) */
	uint64_t quiet;
	uint64_t seen; /* quiet lines: the entry's last_seen when last read */
	uint32_t info; /* the table's own: cached verdict, state */
	/* NAT: the source the flow leaves with, and the one's complement sums
	 * a rewrite adds to the IPv4 and the L4 checksums, in network order */
	uint32_t nat_addr;
	uint16_t nat_port, ip_delta, l4_delta;
	uint8_t used; /* a hit since the last fill that looked at it */
} __rte_cache_aligned;

#define FW_LINE_QUIET (1ull << 32)

/* The raw key of a TCP or UDP packet that a line may decide: whole L4
 * header, not a fragment, no SYN/FIN/RST (those change the flow's state:
 * the tables see them), VRFs below 2^16 (the tables' keys hold 16 bits).
 * *tcp_flags: the TCP flags (0 for UDP); *total: the IPv4 total length,
 * host order (written whatever the answer: a hit counts its bytes without
 * loading the header again). */
static inline bool fw_line_key_len_of(const uint8_t *ip, uint16_t avail_len, uint32_t from,
	uint32_t to, struct fw_line_key *k, uint8_t *tcp_flags, uint16_t *total)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint16_t tot, frag;
	uint32_t ports;
	memcpy(&tot, ip + 2, sizeof(tot));
	memcpy(&frag, ip + 6, sizeof(frag));
	tot = rte_be_to_cpu_16(tot);
	*total = tot;
	uint8_t proto = ip[9];
	const uint8_t *l4 = ip + ihl;

	if ((frag & RTE_BE16(0x1fff)) != 0 || ((from | to) >> 16) != 0)
		return false;
	/* the header's end within both lengths: two compares, not a min */
	if (proto == IPPROTO_TCP) {
		if (avail_len < ihl + 20 || tot < ihl + 20 ||
			(l4[13] & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)))
			return false;
		*tcp_flags = l4[13];
	} else if (proto == IPPROTO_UDP) {
		if (avail_len < ihl + 8 || tot < ihl + 8)
			return false;
		*tcp_flags = 0;
	} else {
		return false;
	}
	memcpy(&k->addrs, ip + 12, 8);
	memcpy(&ports, l4, 4);
	k->pv = ports | (uint64_t)from << 32 | (uint64_t)to << 48;
	k->proto = proto;
	return true;
}

static inline bool fw_line_key_of(const uint8_t *ip, uint16_t avail_len, uint32_t from, uint32_t to,
	struct fw_line_key *k, uint8_t *tcp_flags)
{
	uint16_t total;
	return fw_line_key_len_of(ip, avail_len, from, to, k, tcp_flags, &total);
}

/* One CRC-32C step over 8 bytes, as rte_hash_crc_8byte(data, init) gives
 * it: where the build targets SSE4.2, the instruction itself (DPDK's
 * function tests the global crc32_alg on every call); the values are the
 * same either way, so tables hashed by rte_hash_crc agree. */
static inline uint32_t fw_crc8(uint64_t data, uint32_t init)
{
#ifdef __SSE4_2__
	return (uint32_t)_mm_crc32_u64(init, data);
#else
	return rte_hash_crc_8byte(data, init);
#endif
}

/* One hash of the raw key: two CRC instructions, then a multiply. CRC is
 * linear over GF(2): keys that differ in a few bits (ports counting up,
 * neighbouring hosts) can fall on a subspace of the indexes; the
 * multiply's high half mixes them, for one instruction. */
static inline uint32_t fw_line_hash(const struct fw_line_key *k)
{
#ifdef __SSE4_2__ /* kept 64-bit: no zero-extend before the multiply */
	uint64_t c = _mm_crc32_u64(_mm_crc32_u64(k->proto, k->addrs), k->pv);
#else
	uint64_t c = fw_crc8(k->pv, fw_crc8(k->addrs, k->proto));
#endif
	return (uint32_t)((c * 0x9e3779b97f4a7c15ull) >> 32);
}

/* The lines of one table: per lcore a row of mask + 1 lines and as many
 * one-byte tags, so that a packet of no known flow (a first packet) reads
 * two tags, which stay in cache, rather than two lines, which do not. */
struct fw_lines {
	struct fw_line *line; /* [lcore * (mask + 1) + i] */
	uint8_t *tag;
	uint32_t mask; /* at most 16 bits, at least 6: fw_line_ix */
};

/* An lcore's row. */
struct fw_line_row {
	struct fw_line *line;
	uint8_t *tag;
	uint32_t mask;
};

static inline struct fw_line_row fw_line_row(const struct fw_lines *t, unsigned lcore)
{
	size_t at = (size_t)lcore * (t->mask + 1);
	return (struct fw_line_row){&t->line[at], &t->tag[at], t->mask};
}

/* A flow's two candidate lines: one from the hash's low bits, the other
 * from the next six bits within the same 64 lines (two choices: three
 * flows must share both of their lines to evict one another), so that
 * both tags are in one cache line: a first packet reads one, not two.
 * Both keep the tag of the hash's top byte, which no index uses. */
static inline uint32_t fw_line_ix(const struct fw_line_row *r, uint32_t h, unsigned w)
{
	uint32_t ix = h & r->mask;
	return w == 0 ? ix : ix ^ ((h >> 16 & 63u) | 1u);
}

static inline uint8_t fw_line_tag(uint32_t h, unsigned w)
{
	(void)w;
	return (uint8_t)(h >> 24);
}

/* Pass 1 of a burst: the tags of hash h (one cache line). */
static inline void fw_line_prefetch(const struct fw_line_row *r, uint32_t h)
{
	rte_prefetch0(&r->tag[fw_line_ix(r, h, 0)]);
}

/* Pass 2 of a burst: the first candidate line of hash h with its tag,
 * prefetched, or NULL: way 0's, else way 1's, whose tag is read only when
 * way 0's differs (a flow takes way 1 only when way 0 is another's, so
 * most flows sit in way 0; fw_line_other finds the rest). */
static inline struct fw_line *fw_line_first(const struct fw_line_row *r, uint32_t h)
{
	const uint8_t tag = fw_line_tag(h, 0);
	uint32_t ix = fw_line_ix(r, h, 0);
	if (r->tag[ix] != tag) {
		ix = fw_line_ix(r, h, 1);
		if (r->tag[ix] != tag)
			return NULL;
	}
	struct fw_line *l = &r->line[ix];
	rte_prefetch0(l);
	return l;
}

/* When the line fw_line_first gave holds another flow: way 1's line of
 * hash h if that one was way 0's and way 1 has the tag too (not
 * prefetched: rare), else NULL. */
static inline struct fw_line *fw_line_other(
	const struct fw_line_row *r, uint32_t h, const struct fw_line *first)
{
	uint32_t ix = fw_line_ix(r, h, 1);
	struct fw_line *c = &r->line[ix];
	return c != first && r->tag[ix] == fw_line_tag(h, 1) ? c : NULL;
}

static inline bool fw_line_key_eq(const struct fw_line_key *a, const struct fw_line_key *b)
{
	return ((a->addrs ^ b->addrs) | (a->pv ^ b->pv) | (a->proto ^ b->proto)) == 0;
}

/* Pass 3: the line of key k in generation gen, given first, what pass 2
 * gave for its hash h; NULL: none. */
static inline struct fw_line *fw_line_match(const struct fw_line_row *r, uint32_t h,
	struct fw_line *first, const struct fw_line_key *k, uint32_t gen)
{
	struct fw_line *l = first;
	if (l != NULL && (l->gen != gen || !fw_line_key_eq(&l->key, k))) {
		l = fw_line_other(r, h, l); /* both tagged (rare): way 1 may be k's */
		if (l != NULL && (l->gen != gen || !fw_line_key_eq(&l->key, k)))
			l = NULL;
	}
	return l;
}

/* The oldest last_seen of a quiet line at time now: now - refresh (TSC
 * values below 2^63), computed once a burst (fw_line_quiet_since). */
static inline int64_t fw_line_oldest(uint64_t now, uint64_t refresh)
{
	return (int64_t)(now - refresh);
}

/* Whether line l may decide without reading its entry: a hit read the
 * entry (quiet), this lcore refreshed it at oldest or later (less than
 * refresh ago: fw_line_oldest), and no entry was killed and no tuple
 * reused since (epoch: fw->line_epoch). */
static inline bool fw_line_quiet_since(const struct fw_line *l, uint32_t epoch, int64_t oldest)
{
	return l->quiet == (FW_LINE_QUIET | epoch) && (int64_t)l->seen >= oldest;
}

/* A hit read l's entry, live, last seen at seen, in line_epoch epoch. */
static inline void fw_line_quieten(struct fw_line *l, uint32_t epoch, uint64_t seen)
{
	l->seen = seen;
	l->quiet = FW_LINE_QUIET | epoch;
}

/* Runs of first packets (flows without a line: new flows, or more flows
 * than lines) pay the key, the hash and a tag each for nothing. After
 * FW_LINE_COLD_RUN bursts in a row of at least FW_LINE_COLD_MIN candidates
 * and no hit, only every FW_LINE_COLD_EVERY-th burst reads its lines (and
 * fills them for its flows' next packets: the sampled bursts find the
 * flows that come back); one hit makes every burst read them again. */
#define FW_LINE_COLD_RUN 8u
#define FW_LINE_COLD_MIN 8u
#define FW_LINE_COLD_EVERY 8u

/* Whether this burst leaves its lines alone (*cold: the lcore's run). */
static inline bool fw_line_skip(uint32_t *cold)
{
	if (*cold < FW_LINE_COLD_RUN)
		return false;
	return ++*cold % FW_LINE_COLD_EVERY != 0; /* wraps to warm: harmless */
}

/* A burst read its lines: cand candidates, hits of them hit. */
static inline void fw_line_judge(uint32_t *cold, uint32_t cand, uint32_t hits)
{
	if (hits != 0)
		*cold = 0;
	else if (cand >= FW_LINE_COLD_MIN && *cold < FW_LINE_COLD_RUN)
		++*cold;
}

/* The lines of a table for up to flows flows an lcore (fw_line.c): two
 * lines a flow, a power of two, at most 64 Ki lines (4 MiB, and 64 KiB of
 * tags) an lcore and 64 MiB in all. 0 or -ENOMEM. */
struct sl_fw;
int fw_lines_init(struct fw_lines *t, const struct sl_fw *fw, uint32_t flows, int socket_id);
void fw_lines_fini(struct fw_lines *t);
/* The line to fill for key k of hash h, its tag set: its own, an empty or
 * outdated one (gen not the current), else the first one no hit used since
 * the last fill that looked at it (the lines of flows with packets stay). */
struct fw_line *fw_line_victim(
	const struct fw_line_row *r, uint32_t h, const struct fw_line_key *k, uint32_t gen);

/* A hit on line l: it stays (fw_line_victim). One store while unmarked. */
static inline void fw_line_used(struct fw_line *l)
{
	if (l->used == 0)
		l->used = 1;
}

#endif
