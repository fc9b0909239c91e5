/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_nat.c — source NAT at leak points (`vrf name FROM leak-nat to TO source
 * translation address POOL`): the pools of a published set, the flow table
 * (one rte_hash, two keys per flow, the conntrack's concurrency model: lock-free
 * lookups, creation and the sweeper's deletion under a lock, slots reused after
 * a grace period), the header rewrites with incremental checksums (RFC 1624),
 * and the datapath bursts: out (FROM's packets leaving into TO, after the leak
 * firewall) and in (TO's packets for a pool address, before the lookup in FROM).
 * No allocation and no lock for a packet of a known flow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_icmp.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

#include "fw_priv.h"

#define NAT_PORT_LO 1024 /* pool ports (ICMP identifiers) 1024..65535 */
#define NAT_PROBES 64 /* (address, port) pairs a new flow tries */

/* ---- checksums and rewrites (no DPDK state) ---------------------------- */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all 16-bit big-endian words. */
static inline uint16_t ck_adjust(uint16_t ck, uint16_t old, uint16_t new)
{
	uint32_t s = (uint32_t)(uint16_t)~ck + (uint16_t)~old + new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A checksum field the rewrite of a word must keep true. UDP's 0 means "no
 * checksum" and stays 0; a UDP checksum that computes to 0 is sent as
 * 0xffff (RFC 768). */
struct ck_ref {
	uint8_t *at;
	bool udp;
};

static inline void ck_fix(const struct ck_ref *c, uint16_t old, uint16_t new)
{
	if (c == NULL || c->at == NULL)
		return;
	uint16_t ck = rd16(c->at);
	if (c->udp && ck == 0)
		return;
	ck = ck_adjust(ck, old, new);
	wr16(c->at, c->udp && ck == 0 ? 0xffff : ck);
}

/* Write a 16-bit word and keep up to three checksums covering it true. */
static inline void set16(uint8_t *p, uint16_t v, const struct ck_ref *a, const struct ck_ref *b,
	const struct ck_ref *c)
{
	uint16_t old = rd16(p);
	if (old == v)
		return;
	wr16(p, v);
	ck_fix(a, old, v);
	ck_fix(b, old, v);
	ck_fix(c, old, v);
}

static inline void set32(uint8_t *p, uint32_t v, const struct ck_ref *a, const struct ck_ref *b,
	const struct ck_ref *c)
{
	set16(p, (uint16_t)(v >> 16), a, b, c);
	set16(p + 2, (uint16_t)v, a, b, c);
}

/* Where a packet's L4 port (ICMP echo: identifier) and checksum are. */
struct l4_at {
	uint8_t *port; /* the source or destination port word, NULL: none */
	struct ck_ref ck; /* the L4 checksum (TCP, UDP: with the pseudo header) */
	bool pseudo; /* the checksum covers the addresses (TCP, UDP) */
};

/* The L4 fields of a packet whose source (dst false) or destination is
 * rewritten; false when it has none we translate. */
static bool l4_of(uint8_t *ip, uint32_t len, bool dst, struct l4_at *o)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint8_t *l4 = ip + ihl;
	memset(o, 0, sizeof(*o));
	if (rd16(ip + 6) & 0x1fff)
		return false; /* a non-first fragment: no L4 header */
	switch (ip[9]) {
	case IPPROTO_TCP:
		if (len < ihl + 20)
			return false;
		o->port = l4 + (dst ? 2 : 0);
		o->ck.at = l4 + 16;
		o->pseudo = true;
		return true;
	case IPPROTO_UDP:
		if (len < ihl + 8)
			return false;
		o->port = l4 + (dst ? 2 : 0);
		o->ck = (struct ck_ref){l4 + 6, true};
		o->pseudo = true;
		return true;
	case IPPROTO_ICMP:
		if (len < ihl + 8 || (l4[0] != 8 && l4[0] != 0))
			return false; /* echo and echo reply only */
		o->port = l4 + 4;
		o->ck.at = l4 + 2;
		return true;
	default:
		return false;
	}
}

/* HC' of checksum ck after words changed by d: the sum of ~m + m' over the
 * changed words (RFC 1624 eqn. 3, the words summed first: one fold). */
static inline uint16_t ck_delta(uint16_t ck, uint32_t d)
{
	uint32_t s = (uint32_t)(uint16_t)~ck + d;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ~m + m' of a 32-bit field from old to new, as two 16-bit words. */
static inline uint32_t delta32(uint32_t old, uint32_t new)
{
	return (uint32_t)(uint16_t) ~(old >> 16) + (uint16_t)~old + (new >> 16) + (uint16_t) new;
}

/* Rewrite the address and the L4 field l4 locates: one delta a checksum
 * (a word at a time cost five adjustments and byte stores). */
static inline void rewrite_at(
	uint8_t *ip, const struct l4_at *l4p, bool dst, uint32_t addr, uint16_t port)
{
	const struct l4_at l4 = *l4p;
	uint8_t *at = ip + (dst ? 16 : 12);
	uint32_t old = sl_rd32(at), be = rte_cpu_to_be_32(addr);
	uint16_t old_port = rd16(l4.port);
	uint32_t da = delta32(old, addr);
	memcpy(at, &be, sizeof(be));
	wr16(ip + 10, ck_delta(rd16(ip + 10), da));
	wr16(l4.port, port);
	uint16_t ck = rd16(l4.ck.at);
	if (l4.ck.udp && ck == 0)
		return; /* UDP without a checksum keeps none */
	ck = ck_delta(ck, (l4.pseudo ? da : 0) + (uint16_t)~old_port + port);
	wr16(l4.ck.at, l4.ck.udp && ck == 0 ? 0xffff : ck);
}

/* sl_fw_nat_rewrite once the IPv4 header is known good. */
static inline int nat_rewrite(uint8_t *ip, uint32_t len, bool dst, uint32_t addr, uint16_t port)
{
	struct l4_at l4;
	if (!l4_of(ip, len, dst, &l4))
		return -EINVAL;
	rewrite_at(ip, &l4, dst, addr, port);
	return 0;
}

/* The rewrite of a packet nat_key_of took as a flow's own (TCP, UDP, an
 * echo or its reply; not an error): its L4 header is whole, so the protocol
 * alone says where the port and the checksum are (no second parse). */
static inline void nat_rewrite_keyed(uint8_t *ip, bool dst, uint32_t addr, uint16_t port)
{
	uint8_t *l4 = ip + (ip[0] & 0x0fu) * 4;
	struct l4_at o;
	if (ip[9] == IPPROTO_TCP)
		o = (struct l4_at){l4 + (dst ? 2 : 0), {l4 + 16, false}, true};
	else if (ip[9] == IPPROTO_UDP)
		o = (struct l4_at){l4 + (dst ? 2 : 0), {l4 + 6, true}, true};
	else
		o = (struct l4_at){l4 + 4, {l4 + 2, false}, false};
	rewrite_at(ip, &o, dst, addr, port);
}

int sl_fw_nat_rewrite(uint8_t *ip, uint32_t len, bool dst, uint32_t addr, uint16_t port)
{
	if (len < 20 || (ip[0] >> 4) != 4 || (ip[0] & 0x0fu) < 5 || len < (ip[0] & 0x0fu) * 4u)
		return -EINVAL;
	return nat_rewrite(ip, len, dst, addr, port);
}

/*
 * An ICMP error about a packet of a flow, in either direction. Arriving in
 * TO for a pool address (inner_dst false), it quotes the packet the host
 * sent, as translated: give it back its host's address and port (the inner
 * source) and send it to the host (the outer destination). Leaving FROM
 * (inner_dst true), it quotes a reply as the flow gave it to the host: the
 * quoted destination and port become the pool's again, and so does the
 * outer source (a host or a router of FROM: TO knows only the pool). The
 * ICMP checksum covers every inner word changed, the inner checksums
 * included; the inner L4 checksum is kept true when quoted (UDP's always
 * is, TCP's from 18 bytes of its header on, an echo's always).
 */
static void icmp_error_rewrite(
	uint8_t *ip, uint32_t len, bool inner_dst, uint32_t addr, uint16_t port_v)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint8_t *icmp = ip + ihl, *in = icmp + 8;
	uint32_t in_len = len - ihl - 8, in_ihl = (in[0] & 0x0fu) * 4;
	uint8_t *l4 = in + in_ihl, *port = NULL;
	const struct ck_ref ipck = {ip + 10, false}, icmpck = {icmp + 2, false};
	const struct ck_ref inck = {in + 10, false};
	struct ck_ref l4ck = {NULL, false};
	bool pseudo = false;

	switch (in[9]) {
	case IPPROTO_TCP:
		port = l4 + (inner_dst ? 2 : 0);
		pseudo = true;
		if (in_len >= in_ihl + 18)
			l4ck.at = l4 + 16;
		break;
	case IPPROTO_UDP:
		port = l4 + (inner_dst ? 2 : 0);
		pseudo = true;
		l4ck = (struct ck_ref){l4 + 6, true};
		break;
	default: /* an echo or its reply (nat_key_of took no other) */
		port = l4 + 4;
		l4ck.at = l4 + 2;
		break;
	}
	uint16_t in_ck_old = rd16(in + 10), l4_ck_old = l4ck.at ? rd16(l4ck.at) : 0;
	set32(ip + (inner_dst ? 12 : 16), addr, &ipck, NULL, NULL);
	set32(in + (inner_dst ? 16 : 12), addr, &inck, &icmpck, pseudo ? &l4ck : NULL);
	set16(port, port_v, &icmpck, &l4ck, NULL);
	if (rd16(in + 10) != in_ck_old)
		ck_fix(&icmpck, in_ck_old, rd16(in + 10));
	if (l4ck.at != NULL && rd16(l4ck.at) != l4_ck_old)
		ck_fix(&icmpck, l4_ck_old, rd16(l4ck.at));
}

/* ---- pools (control thread) -------------------------------------------- */

static inline uint32_t pool_hash(uint32_t key)
{
	return rte_hash_crc_4byte(key, 0x5eed);
}

/* Pool n's addresses and ports as translation takes them: a /30 or larger
 * keeps its network and broadcast addresses out; no `port`: 1024-65535. */
static void pool_span(const struct sl_fw_nat_spec *n, struct fw_nat_pool *p)
{
	uint32_t size = n->pool.len == 32 ? 1u : 1u << (32 - n->pool.len);
	p->addr = n->pool.addr + (size >= 4 ? 1 : 0);
	p->n_addr = size >= 4 ? size - 2 : size;
	p->port_lo = NAT_PORT_LO;
	p->n_port = (uint16_t)(65535 - NAT_PORT_LO + 1);
	if (n->port_lo != 0 && n->port_hi >= n->port_lo) {
		p->port_lo = n->port_lo;
		p->n_port = (uint16_t)(n->port_hi - n->port_lo + 1);
	}
}

uint64_t sl_fw_nat_pool_pairs(const struct sl_fw_nat_spec *n)
{
	struct fw_nat_pool p;
	pool_span(n, &p);
	return (uint64_t)p.n_addr * p.n_port;
}

int fw_nat_build(struct sl_fw_set *s, const struct sl_fw_spec *spec)
{
	uint32_t slots = 8;
	if (spec->n_nats == 0)
		return 0;
	while (slots < 2 * spec->n_nats)
		slots *= 2;
	s->pools = calloc(spec->n_nats, sizeof(*s->pools));
	s->pool_key = calloc(slots, sizeof(*s->pool_key));
	s->pool_ix = calloc(slots, sizeof(*s->pool_ix));
	if (s->pools == NULL || s->pool_key == NULL || s->pool_ix == NULL)
		return -ENOMEM;
	s->pool_mask = slots - 1;
	for (size_t i = 0; i < spec->n_nats; i++) {
		const struct sl_fw_nat_spec *n = &spec->nats[i];
		if (n->from_vrf > 0xffff || n->to_vrf > 0xffff || n->pool.len < 16)
			continue; /* refused by validation; the flow key holds 16-bit VRF ids */
		struct fw_nat_pool *p = &s->pools[s->n_pools];
		p->from = n->from_vrf;
		p->to = n->to_vrf;
		p->prefix = n->pool;
		pool_span(n, p);
		uint32_t key = p->from << 16 | p->to;
		for (uint32_t h = pool_hash(key);; h++) {
			uint32_t at = h & s->pool_mask;
			if (s->pool_ix[at] == 0) {
				s->pool_key[at] = key;
				s->pool_ix[at] = (uint16_t)(s->n_pools + 1);
				break;
			}
			if (s->pool_key[at] == key)
				break; /* one pool per direction: the first */
		}
		s->n_pools++;
	}
	return 0;
}

static inline const struct fw_nat_pool *pool_find(
	const struct sl_fw_set *s, uint32_t from, uint32_t to)
{
	if (s == NULL || s->n_pools == 0 || from > 0xffff || to > 0xffff)
		return NULL;
	uint32_t key = from << 16 | to;
	for (uint32_t h = pool_hash(key);; h++) {
		uint32_t at = h & s->pool_mask;
		if (s->pool_ix[at] == 0)
			return NULL;
		if (s->pool_key[at] == key)
			return &s->pools[s->pool_ix[at] - 1];
	}
}

/* ---- the flow table ----------------------------------------------------- */

static const struct fw_reap_ops nat_ops;

int fw_nat_init(struct sl_fw *fw, const struct sl_fw_config *cfg)
{
	char name[RTE_HASH_NAMESIZE];
	static uint32_t gen;

	fw->nat_max = cfg->nat_max ? cfg->nat_max : 65536;
	rte_spinlock_init(&fw->nat_lock);
	snprintf(name, sizeof(name), "slfw_nat%u", __atomic_fetch_add(&gen, 1, __ATOMIC_RELAXED));
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(2 * fw->nat_max, 64u), /* two keys a flow */
		.key_len = sizeof(struct fw_nat_key),
		.hash_func = rte_hash_crc,
		.socket_id = cfg->socket_id,
		/* no MULTI_WRITER_ADD: nat_lock serialises the writers (adds,
		 * deletes, frees of positions); the flag adds atomics to each */
		.extra_flag =
			RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	fw->nat = rte_hash_create(&hp);
	if (fw->nat == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	fw->nat_entries = rte_zmalloc_socket("slfw_nat_entries",
		sizeof(*fw->nat_entries) * fw->nat_max, RTE_CACHE_LINE_SIZE, cfg->socket_id);
	fw->nat_free = rte_malloc("slfw_nat_free", sizeof(uint32_t) * fw->nat_max, 0);
	if (fw->nat_entries == NULL || fw->nat_free == NULL ||
		fw_reap_init(&fw->nat_reap, &nat_ops, fw->nat_max) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < fw->nat_max; i++)
		fw->nat_free[i] = fw->nat_max - 1 - i;
	fw->n_nat_free = fw->nat_max;
	/* a flow has two keys, and a worker usually sees one direction */
	fw->nat_cache = fw_hints_new(fw, fw->nat_max, cfg->socket_id, &fw->nat_cache_mask);
	if (fw->nat_cache == NULL)
		return -ENOMEM;
	return fw_lines_init(&fw->nat_lines, fw, fw->nat_max, cfg->socket_id);
}

void fw_nat_fini(struct sl_fw *fw)
{
	rte_hash_free(fw->nat);
	fw->nat = NULL;
	rte_free(fw->nat_entries);
	rte_free(fw->nat_free);
	rte_free(fw->nat_cache);
	fw_lines_fini(&fw->nat_lines);
	fw_reap_fini(&fw->nat_reap);
	fw->nat_entries = NULL;
	fw->nat_free = NULL;
	fw->nat_cache = NULL;
}

/* ICMP errors a NAT flow's packet can cause: unreachable, source quench,
 * time exceeded, parameter problem. */
static inline bool icmp_is_error(uint8_t type)
{
	return type == SL_ICMP_DEST_UNREACH || type == SL_ICMP_SOURCE_QUENCH ||
	       type == SL_ICMP_TIME_EXCEEDED || type == SL_ICMP_PARAM_PROBLEM;
}

/* A packet's key as it arrives (dir 0: from FROM's host; 1: in TO for the
 * pool). ICMP errors are keyed by the packet they quote, reversed: in TO
 * (dir 1) it went pool → peer, leaving FROM (dir 0) it came peer → host (a
 * reply, or an echo reply, as translated back). *err set for an ICMP error.
 * False: nothing we translate. */
static bool nat_key_of(const uint8_t *ip, uint32_t len, uint32_t vrf, uint8_t dir,
	struct fw_nat_key *k, bool *err, uint32_t *add)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	const uint8_t *l4 = ip + ihl;
	uint8_t proto = ip[9];
	memset(k, 0, sizeof(*k));
	*err = false;
	*add = dir ? CT_REPLIED : 0;
	k->vrf = (uint16_t)vrf;
	k->dir = dir;
	if ((rd16(ip + 6) & 0x1fff) || ihl < 20)
		return false;
	k->addr[0] = sl_rd32(ip + 12);
	k->addr[1] = sl_rd32(ip + 16);
	k->proto = proto;
	switch (proto) {
	case IPPROTO_TCP:
		if (len < ihl + 20u)
			return false;
		if (l4[13] & RTE_TCP_FIN_FLAG)
			*add |= dir ? CT_FIN_REPLY : CT_FIN_ORIG;
		if (l4[13] & RTE_TCP_RST_FLAG)
			*add |= CT_RST;
		k->port[0] = rd16(l4);
		k->port[1] = rd16(l4 + 2);
		return true;
	case IPPROTO_UDP:
		if (len < ihl + 8u)
			return false;
		k->port[0] = rd16(l4);
		k->port[1] = rd16(l4 + 2);
		return true;
	case IPPROTO_ICMP:
		if (len < ihl + 8)
			return false;
		if (l4[0] == (dir ? RTE_IP_ICMP_ECHO_REPLY
				  : RTE_IP_ICMP_ECHO_REQUEST)) { /* echo out, echo reply in */
			k->port[dir] = rd16(l4 + 4);
			return true;
		}
		if (icmp_is_error(l4[0])) {
			const uint8_t *in = l4 + 8;
			uint32_t avail = len - ihl - 8;
			if (avail < 20 || (in[0] >> 4) != 4)
				return false;
			uint32_t in_ihl = (in[0] & 0x0fu) * 4;
			if (in_ihl < 20 || avail < in_ihl + 8 || (rd16(in + 6) & 0x1fff))
				return false;
			const uint8_t *il4 = in + in_ihl;
			k->proto = in[9];
			k->addr[0] = sl_rd32(in + 16);
			k->addr[1] = sl_rd32(in + 12);
			if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
				k->port[0] = rd16(il4 + 2);
				k->port[1] = rd16(il4);
			} else if (k->proto == IPPROTO_ICMP &&
				   il4[0] == (dir ? RTE_IP_ICMP_ECHO_REQUEST
						  : RTE_IP_ICMP_ECHO_REPLY)) {
				/* the echo's identifier where its key has it:
				 * {id, 0} leaving, {0, id} back (nat_create) */
				k->port[dir] = rd16(il4 + 4);
			} else {
				return false;
			}
			*err = true;
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* splitmix64's finalizer: CRC is linear, and probes drawn from it alone
 * fall on one another (a /32 pool ran out at 42 % used). */
static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* A live entry of index idx (the lookup's data), or NULL: being made, or
 * taken by the sweeper (the flow expired; a new packet makes it again). */
static inline struct fw_nat_entry *entry_live(struct sl_fw *fw, uintptr_t idx)
{
	if (idx >= fw->nat_max)
		return NULL;
	struct fw_nat_entry *e = &fw->nat_entries[idx];
	if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) != CT_LIVE ||
		__atomic_load_n(&e->last_seen, __ATOMIC_RELAXED) == CT_SEEN_KILLED)
		return NULL;
	return e;
}

/* The key's two words, and the hint's hash of them: the slot from the low
 * half, a tag to tell keys of one slot apart from the high half. */
static inline uint64_t hint_hash(const struct fw_nat_key *k)
{
	uint64_t w[2];
	_Static_assert(sizeof(*k) == 16, "two words");
	memcpy(w, k, sizeof(w));
	return fw_crc8(w[1], fw_crc8(w[0], 0)) |
	       (uint64_t)fw_crc8(w[0] ^ w[1], (uint32_t)(w[1] >> 32)) << 32;
}

/* The table's hash of k (rte_hash_crc over its 16 bytes, init 0): the low
 * half of hint_hash. nat_create hands it to rte_hash, which otherwise
 * hashes the key again, through a function pointer, on every call. */
static inline hash_sig_t key_hash(const struct fw_nat_key *k)
{
	return (hash_sig_t)hint_hash(k);
}

static inline bool key_eq(const struct fw_nat_key *a, const struct fw_nat_key *b)
{
	uint64_t x[2], y[2];
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/*
 * The live entries of keys k[0..n) into e[] (NULL: no flow). As conntrack's
 * lookup (fw_check.c): the lcore's hint of a key is trusted only when the
 * entry it names is live, not killed and holds the key — the answer the
 * table gives, since a key is in it iff its entry is live and not killed,
 * and an entry is reused only after a grace period this burst holds off.
 * Hints, then entries, are read in passes so the burst's misses overlap;
 * the keys without a good hint go to one bulk lookup, with the hashes
 * already made, and get their hints. For the creations that may follow
 * (absent non-NULL): *absent, the keys the table did not hold, and *adds,
 * fw->nat_adds before the lookup (nat_create_burst).
 */
static inline void nat_lookup(struct sl_fw *fw, unsigned lcore, const struct fw_nat_key *k,
	uint16_t n, struct fw_nat_entry **e, uint64_t *absent, uint64_t *adds)
{
	uint32_t mask = fw->nat_cache_mask;
	uint64_t *cache = &fw->nat_cache[(size_t)RTE_MIN(lcore, fw->n_lcores - 1) * (mask + 1)];
	uint64_t h[SL_FW_BURST];
	uint32_t hint[SL_FW_BURST];
	const void *kp[SL_FW_BURST];
	hash_sig_t sig[SL_FW_BURST];
	void *data[SL_FW_BURST];
	uint16_t miss[SL_FW_BURST], n_miss = 0;

	for (uint16_t j = 0; j < n; j++)
		h[j] = hint_hash(&k[j]);
	fw_hints_probe(
		cache, mask, h, n, fw->nat_max, fw->nat_entries, sizeof(*fw->nat_entries), hint);
	for (uint16_t j = 0; j < n; j++) {
		e[j] = hint[j] != 0 ? entry_live(fw, hint[j] - 1) : NULL;
		if (e[j] != NULL && key_eq(k[j].dir ? &e[j]->in : &e[j]->out, &k[j]))
			continue;
		e[j] = NULL;
		kp[n_miss] = &k[j];
		sig[n_miss] = (hash_sig_t)h[j]; /* key_hash: the table's own */
		miss[n_miss++] = j;
	}
	if (absent != NULL)
		*absent = 0;
	if (n_miss == 0)
		return;
	uint64_t hits = 0;
	if (absent != NULL)
		*adds = __atomic_load_n(&fw->nat_adds, __ATOMIC_ACQUIRE);
	rte_hash_lookup_with_hash_bulk_data(fw->nat, kp, sig, n_miss, &hits, data);
	for (uint16_t i = 0; i < n_miss; i++)
		if ((hits >> i) & 1 && (uintptr_t)data[i] < fw->nat_max)
			rte_prefetch0(&fw->nat_entries[(uintptr_t)data[i]]);
	for (uint16_t i = 0; i < n_miss; i++) {
		uint16_t j = miss[i];
		if (!((hits >> i) & 1)) {
			if (absent != NULL)
				*absent |= 1ull << j;
			continue;
		}
		if ((e[j] = entry_live(fw, (uintptr_t)data[i])) == NULL)
			continue;
		__atomic_store_n(&cache[h[j] & mask],
			(h[j] >> 32) << 32 | (uint32_t)((uintptr_t)data[i] + 1), __ATOMIC_RELAXED);
	}
}

/* Refresh last_seen when stale (a CAS: never over the sweeper's mark) and
 * add status bits. False when the sweeper took the flow since its lookup
 * (it had expired): its pair may already be another flow's. */
static inline bool entry_touch(struct sl_fw *fw, struct fw_nat_entry *e, uint64_t now, uint32_t add)
{
	uint64_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
	while (seen != CT_SEEN_KILLED && (int64_t)(now - seen) > (int64_t)fw->refresh_tsc &&
		!__atomic_compare_exchange_n(
			&e->last_seen, &seen, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (unlikely(seen == CT_SEEN_KILLED))
		return false;
	uint32_t st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
	if ((st & add) != add)
		__atomic_fetch_or(&e->status, add, __ATOMIC_RELAXED);
	return true;
}

/* Probe t of flow k (hash h: mix64 of its table hash) in pool p: its in
 * key (the replies', for an (address, port) of p) into *in, and that key's
 * table hash. A small pool: every pair in turn; a big one: independent
 * draws (consecutive pairs would cluster, and run out early). */
static inline hash_sig_t nat_pair(const struct fw_nat_pool *p, const struct fw_nat_key *k,
	uint64_t h, uint32_t t, struct fw_nat_key *in)
{
	uint64_t space = (uint64_t)p->n_addr * p->n_port;
	uint64_t c = space <= NAT_PROBES ? (h % space + t) % space : mix64(h + t) % space;
	*in = (struct fw_nat_key){
		.addr = {k->addr[1], p->addr + (uint32_t)(c % p->n_addr)},
		.port = {k->proto == IPPROTO_ICMP ? 0 : k->port[1],
			(uint16_t)(p->port_lo + c / p->n_addr)},
		.vrf = (uint16_t)p->to,
		.proto = k->proto,
		.dir = 1,
	};
	return key_hash(in);
}

/*
 * Make the flow of out key k (table hash sig) in pool p, under nat_lock:
 * the first free (address, port) of up to NAT_PROBES from a hash of the
 * flow (a pair is free when no flow to the same peer uses it). The lock
 * keeps two workers from taking one pair. recheck: k may have been added
 * since the caller's lookup (by another worker, or earlier in this hold):
 * an entry made for it meanwhile is returned as it is. *in, *sig_in: the
 * first probe (nat_pair), free0 when known free (a lookup under this hold
 * missed it and nothing of this hold may have taken it); then the pair
 * taken. NULL: the pool (*exhausted) or the table is full.
 */
static struct fw_nat_entry *nat_create(struct sl_fw *fw, const struct fw_nat_pool *p,
	const struct fw_nat_key *k, hash_sig_t sig, uint64_t now, uint32_t status, bool recheck,
	struct fw_nat_key *in, hash_sig_t *sig_in, bool free0, bool *exhausted)
{
	struct fw_nat_entry *e = NULL;
	uint64_t space = (uint64_t)p->n_addr * p->n_port;
	uint32_t probes = space < NAT_PROBES ? (uint32_t)space : NAT_PROBES;
	uint64_t h = mix64(sig);
	void *data;

	*exhausted = false;
	if (recheck) {
		int32_t pos = rte_hash_lookup_with_hash_data(fw->nat, k, sig, &data);
		if (pos >= 0 && (e = entry_live(fw, (uintptr_t)data)) != NULL)
			return e;
	}
	if (fw->n_nat_free == 0)
		return NULL;
	uint32_t t;
	for (t = 0; t < probes; t++) {
		if (t > 0)
			*sig_in = nat_pair(p, k, h, t, in);
		else if (free0)
			break;
		if (rte_hash_lookup_with_hash(fw->nat, in, *sig_in) < 0)
			break;
	}
	if (t == probes) {
		*exhausted = true;
		return NULL;
	}
	uint32_t idx = fw->nat_free[--fw->n_nat_free];
	e = &fw->nat_entries[idx];
	e->out = *k;
	e->in = *in;
	e->created = now;
	__atomic_store_n(&e->status, status, __ATOMIC_RELAXED);
	__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
	/* rte_hash_add_key_*_data answer 0, not the key's position: the
	 * positions to free come from the deletion (nat_unlink) */
	e->pos[0] = e->pos[1] = -1;
	int a0 = rte_hash_add_key_with_hash_data(fw->nat, k, sig, (void *)(uintptr_t)idx);
	int a1 = a0 == 0 ? rte_hash_add_key_with_hash_data(
				   fw->nat, in, *sig_in, (void *)(uintptr_t)idx)
			 : -ENOSPC;
	if (a1 != 0) { /* the hash is full (cannot be, with 2 keys a slot) */
		if (a0 == 0) {
			/* a reader may have found k: the slot is not reused (the
			 * reaper's list is the control thread's); one slot lost */
			rte_hash_del_key(fw->nat, k);
			__atomic_store_n(&e->claim, CT_DEAD, __ATOMIC_RELEASE);
		} else {
			fw->nat_free[fw->n_nat_free++] = idx;
		}
		return NULL;
	}
	__atomic_store_n(&e->claim, CT_LIVE, __ATOMIC_RELEASE);
	/* after the keys: a lookup that read the count before saw them */
	__atomic_store_n(&fw->nat_adds, fw->nat_adds + 1, __ATOMIC_RELEASE);
	return e;
}

static inline struct fw_lstats *lstats_of(struct sl_fw *fw, unsigned lcore)
{
	return &fw->lstats[lcore < fw->n_lcores ? lcore : fw->n_lcores - 1];
}

/* ---- the flow lines of flows leaving (fw_line.h) ----------------------- */

static inline uint32_t fold16(uint32_t x)
{
	x = (x & 0xffff) + (x >> 16);
	return (x & 0xffff) + (x >> 16);
}

/* Whether e is the flow of raw key k leaving (its out key). */
static inline bool line_out_is(const struct fw_nat_entry *e, const struct fw_line_key *k)
{
	const struct fw_nat_key o = {
		.addr = {rte_be_to_cpu_32((uint32_t)k->addrs),
			rte_be_to_cpu_32((uint32_t)(k->addrs >> 32))},
		.port = {rte_be_to_cpu_16((uint16_t)k->pv),
			rte_be_to_cpu_16((uint16_t)(k->pv >> 16))},
		.vrf = (uint16_t)(k->pv >> 32),
		.proto = (uint8_t)k->proto,
		.dir = 0,
	};
	return key_eq(&e->out, &o);
}

/* The line of flow e for raw key k: its translation and the checksum sums
 * it makes (RFC 1624 eqn. 3, folded: the same result as unfolded), all as
 * the packet holds them: a one's complement sum of byte-swapped words is
 * the byte-swapped sum (RFC 1071 2.(B)), so the rewrite swaps nothing. */
static inline void nat_line_fill(const struct fw_line_row *r, uint32_t h,
	const struct fw_line_key *k, uint32_t gen, const struct sl_fw *fw,
	const struct fw_nat_entry *e)
{
	struct fw_line *l = fw_line_victim(r, h, k, gen);
	uint32_t old_addr = rte_be_to_cpu_32((uint32_t)k->addrs);
	uint16_t old_port = rte_be_to_cpu_16((uint16_t)k->pv);
	uint32_t da = fold16(delta32(old_addr, e->in.addr[1]));
	l->key = *k;
	l->gen = gen;
	l->pos = (uint32_t)(e - fw->nat_entries);
	l->nat_addr = rte_cpu_to_be_32(e->in.addr[1]);
	l->nat_port = rte_cpu_to_be_16(e->in.port[1]);
	l->ip_delta = rte_cpu_to_be_16((uint16_t)da);
	l->l4_delta = rte_cpu_to_be_16((uint16_t)fold16(da + (uint16_t)~old_port + e->in.port[1]));
	l->used = 0;
	l->quiet = 0;
}

/* ck_delta for a folded sum d (at most 0xffff): ~ck + d fits 17 bits, so
 * one fold ends it. Either byte order, as long as ck and d share it. */
static inline uint16_t ck_delta16(uint16_t ck, uint16_t d)
{
	uint32_t s = (uint32_t)(uint16_t)~ck + d;
	return (uint16_t) ~((s & 0xffff) + (s >> 16));
}

/* A TCP or UDP packet of line l's flow leaves with its translation (the
 * line's words in network order: copied and added as they are). */
static inline void nat_line_rewrite(uint8_t *ip, const struct fw_line *l)
{
	uint8_t *l4 = ip + (ip[0] & 0x0fu) * 4;
	bool udp = ip[9] == IPPROTO_UDP;
	uint8_t *ck = l4 + (udp ? 6 : 16);
	uint16_t c;
	memcpy(ip + 12, &l->nat_addr, sizeof(l->nat_addr));
	memcpy(&c, ip + 10, sizeof(c));
	c = ck_delta16(c, l->ip_delta);
	memcpy(ip + 10, &c, sizeof(c));
	memcpy(l4, &l->nat_port, sizeof(l->nat_port));
	memcpy(&c, ck, sizeof(c));
	if (udp && c == 0)
		return; /* UDP without a checksum keeps none */
	c = ck_delta16(c, l->l4_delta);
	if (udp && c == 0)
		c = 0xffff; /* RFC 768: the same in either byte order */
	memcpy(ck, &c, sizeof(c));
}

/* Key the packet i of the out burst for the full path (keys[m], ...):
 * false when it has nothing to translate by (counted, denied). */
static inline bool nat_out_key(uint8_t *ip, uint16_t avail, uint32_t from, struct fw_nat_key *k,
	bool *err, uint32_t *add, uint32_t *plen, struct fw_lstats *ls)
{
	uint32_t len = RTE_MIN((uint32_t)avail, (uint32_t)rd16(ip + 2));
	*plen = len;
	if (nat_key_of(ip, len, from, 0, k, err, add))
		return true;
	/* no port to translate by: it could not come back; ICMP that is
	 * neither an echo nor an error about a flow has its own count */
	if (ip[9] == IPPROTO_ICMP && !(rd16(ip + 6) & 0x1fff))
		ls->nat_icmp_unmatched++;
	else
		ls->nat_untranslatable++;
	return false;
}

/*
 * The out burst's packets that their flow lines translate: candidates
 * [0..n) (TCP/UDP, IPv4 headers cl3[], raw keys lk[], hashes lh[]); their lines were
 * prefetched. A hit (this set's line for the key; quiet, or its entry
 * live, not killed, the flow's, and refreshed) leaves with the line's
 * translation. Returns a mask of the candidates left for the full path.
 * Inlined: the arrays are then the body's own, not pointers reloaded from
 * the stack.
 */
static __rte_always_inline uint64_t nat_out_lines(struct sl_fw *fw, const struct sl_fw_set *s,
	struct fw_lstats *ls, const struct fw_line_row *row, uint64_t now, uint8_t *const *cl3,
	const struct fw_line_key *lk, const uint32_t *lh, uint16_t n)
{
	const uint32_t epoch = __atomic_load_n(&fw->line_epoch, __ATOMIC_ACQUIRE);
	/* in locals: the rewrites' byte stores may alias anything, which
	 * would reload each of these a packet */
	const struct fw_line_row r = *row;
	const uint32_t gen = s->gen;
	const int64_t oldest = fw_line_oldest(now, fw->refresh_tsc);
	struct fw_nat_entry *const entries = fw->nat_entries;
	const uint32_t max = fw->nat_max;
	struct fw_line *ln[SL_FW_BURST], *first[SL_FW_BURST];
	uint64_t left = 0;

	uintptr_t any = 0;
	for (uint16_t c = 0; c < n; c++) {
		first[c] = fw_line_first(&r, lh[c]);
		any |= (uintptr_t)first[c];
	}
	if (any == 0) /* first packets, mostly: no line to read */
		return n == 64 ? UINT64_MAX : (1ull << n) - 1;
	/* a quiet line translates at once; the others' entries are read
	 * after every probe, so that their misses overlap */
	uint16_t slow[SL_FW_BURST], n_slow = 0;
	for (uint16_t c = 0; c < n; c++) {
		struct fw_line *l = fw_line_match(&r, lh[c], first[c], &lk[c], gen);
		if (l == NULL) {
			left |= 1ull << c;
		} else if (fw_line_quiet_since(l, epoch, oldest)) {
			fw_line_used(l);
			nat_line_rewrite(cl3[c], l);
		} else if (l->pos >= max) {
			left |= 1ull << c;
		} else {
			rte_prefetch0(&entries[l->pos]);
			ln[n_slow] = l;
			slow[n_slow++] = c;
		}
	}
	for (uint16_t j = 0; j < n_slow; j++) {
		uint16_t c = slow[j];
		struct fw_line *l = ln[j];
		struct fw_nat_entry *e = entry_live(fw, l->pos);
		/* a flow the sweeper takes meanwhile goes the full way */
		if (e == NULL || !line_out_is(e, &lk[c]) || !entry_touch(fw, e, now, 0)) {
			left |= 1ull << c;
			continue;
		}
		uint64_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		if (seen != CT_SEEN_KILLED)
			fw_line_quieten(l, epoch, seen);
		fw_line_used(l);
		nat_line_rewrite(cl3[c], l);
	}
	/* each candidate not left was translated */
	const uint32_t hits = n - (uint32_t)__builtin_popcountll(left);
	ls->nat_out += hits;
	ls->nat_line_hits += hits;
	return left;
}

/* A set of 256 bits (made, made_in below): whether it holds b, add b. */
static inline bool set256_has(const uint64_t set[4], uint32_t b)
{
	return set[b >> 6] >> (b & 63) & 1;
}

static inline void set256_add(uint64_t set[4], uint32_t b)
{
	set[b >> 6] |= 1ull << (b & 63);
}

/* The out burst's new flows need[0..n_new) (keys[j], packet at[j]), made
 * under one hold of the lock and rewritten, or denied (absent, adds: from
 * nat_lookup). Not inlined: the burst of known flows keeps its registers. */
static __rte_noinline void nat_out_create(struct sl_fw *fw, struct fw_lstats *ls, uint64_t now,
	uint8_t *const *l3, const struct fw_nat_key *keys, const struct fw_nat_pool *const *pool,
	const uint32_t *add, const uint16_t *at, const uint16_t *need, uint16_t n_new,
	uint64_t absent, uint64_t adds, struct fw_nat_entry **ent, uint8_t *deny)
{
	/* their first pairs (in keys) made before the lock, looked up in one
	 * bulk under it */
	struct fw_nat_key in[SL_FW_BURST];
	hash_sig_t sig[SL_FW_BURST], sig_in[SL_FW_BURST];
	const void *inp[SL_FW_BURST];
	void *data[SL_FW_BURST];
	for (uint16_t q = 0; q < n_new; q++) {
		uint16_t j = need[q];
		sig[q] = key_hash(&keys[j]);
		sig_in[q] = nat_pair(pool[j], &keys[j], mix64(sig[q]), 0, &in[q]);
		inp[q] = &in[q];
	}
	/* this hold's keys, out and in, a bit by their hash's top byte */
	uint64_t made[4] = {0}, made_in[4] = {0}, held = 0;
	rte_spinlock_lock(&fw->nat_lock);
	/* no other worker added a flow since the lookup: a key it did not
	 * find is still absent, unless this hold made it (a burst with two
	 * packets of a new flow) */
	const bool alone = __atomic_load_n(&fw->nat_adds, __ATOMIC_RELAXED) == adds;
	rte_hash_lookup_with_hash_bulk_data(fw->nat, inp, sig_in, n_new, &held, data);
	for (uint16_t q = 0; q < n_new; q++) {
		uint16_t j = need[q];
		uint32_t b = sig[q] >> 24, bi = sig_in[q] >> 24;
		bool recheck = !alone || !(absent >> j & 1) || set256_has(made, b);
		bool free0 = !(held >> q & 1) && !set256_has(made_in, bi);
		bool exhausted;
		ent[j] = nat_create(fw, pool[j], &keys[j], sig[q], now, add[j], recheck, &in[q],
			&sig_in[q], free0, &exhausted);
		if (ent[j] == NULL) {
			if (exhausted)
				ls->nat_exhausted++;
			else
				ls->nat_full++;
			continue;
		}
		bi = sig_in[q] >> 24; /* the pair taken */
		set256_add(made, b);
		set256_add(made_in, bi);
	}
	rte_spinlock_unlock(&fw->nat_lock);
	for (uint16_t q = 0; q < n_new; q++) {
		uint16_t j = need[q], i = at[j];
		struct fw_nat_entry *e = ent[j];
		if (e == NULL) {
			deny[i] = SL_FW_DROP;
			continue;
		}
		ls->nat_created++;
		nat_rewrite_keyed(l3[i], false, e->in.addr[1], e->in.port[1]);
		ls->nat_out++;
	}
}

/* Whether crossings [0, n) are all of one (from, to) pair and none is
 * denied: the usual burst (a constant of nat_out_scan's loop, which then
 * tests neither a packet). */
static inline bool burst_one_pair(
	const uint32_t *from_vrf, const uint32_t *to_vrf, const uint8_t *deny, uint16_t n)
{
	uint32_t d = 0;
	for (uint16_t i = 0; i < n; i++)
		d |= (from_vrf[i] ^ from_vrf[0]) | (to_vrf[i] ^ to_vrf[0]) | deny[i];
	return d == 0;
}

/*
 * The out burst's pass over its packets (nat_out_body): a TCP/UDP packet a
 * flow line may translate becomes candidate n_cand (header, raw key,
 * hash, its tags prefetched, its pool unless one), any other of a pool is
 * keyed for the full path (m); one with nothing to translate by is denied.
 * one: every packet is of pool one's pair, none denied and lined
 * (nat_out_scan is inlined twice: with one the loop keeps the pair and its
 * pool in registers); NULL: the pools are found by runs of one pair.
 * Returns the packets denied.
 */
static __rte_always_inline uint16_t nat_out_scan(const struct sl_fw_set *s, struct fw_lstats *ls,
	const struct fw_line_row *row, bool lined, const struct fw_nat_pool *one,
	uint8_t *const *l3, bool mbufs, struct rte_mbuf *const *pkts, const uint16_t *l3_len,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny, uint16_t *len,
	struct fw_line_key *lk, uint32_t *lh, uint16_t *cand, uint8_t **cl3,
	const struct fw_nat_pool **cpool, uint16_t *n_cand_p, struct fw_nat_key *keys, bool *is_err,
	uint32_t *add, uint32_t *plen, const struct fw_nat_pool **pool, int16_t *fill, uint16_t *at,
	uint16_t *m_p)
{
	uint16_t touched = 0, n_cand = 0, m = 0;
	const struct fw_nat_pool *p = one;
	uint32_t last_from = UINT32_MAX, last_to = UINT32_MAX;
	/* in locals: the stores below may alias the VRF arrays */
	const uint32_t from1 = from_vrf[0], to1 = to_vrf[0];
	for (uint16_t i = 0; i < n; i++) {
		const uint32_t from = one ? from1 : from_vrf[i];
		const uint32_t to = one ? to1 : to_vrf[i];
		if (one == NULL) {
			/* a burst's crossings are nearly always one direction */
			if (from != last_from || to != last_to) {
				last_from = from;
				last_to = to;
				p = pool_find(s, last_from, last_to);
			}
			if (deny[i] || p == NULL)
				continue;
		}
		len[i] = mbufs ? l3_avail(pkts[i], l3[i]) : l3_len[i];
		uint8_t flags;
		if (lined && fw_line_key_of(l3[i], len[i], from, to, &lk[n_cand], &flags)) {
			lh[n_cand] = fw_line_hash(&lk[n_cand]);
			fw_line_prefetch(row, lh[n_cand]);
			if (one == NULL) /* else one's, for all */
				cpool[n_cand] = p;
			cl3[n_cand] = l3[i];
			cand[n_cand++] = i;
			continue;
		}
		if (!nat_out_key(
			    l3[i], len[i], from, &keys[m], &is_err[m], &add[m], &plen[m], ls)) {
			deny[i] = SL_FW_DROP;
			touched++;
			continue;
		}
		pool[m] = p;
		fill[m] = -1;
		at[m++] = i;
	}
	*n_cand_p = n_cand;
	*m_p = m;
	return touched;
}

/* The out burst: the lengths from l3_len[], or, when mbufs (a constant of
 * each caller: no test a packet), from pkts[] as the candidate pass
 * reaches each packet (inlined for both: the hook pays no separate loop
 * over the mbufs and only the packets of a pool pay for a length). */
static __rte_always_inline uint16_t nat_out_body(struct sl_fw *fw, unsigned lcore, uint64_t now,
	uint8_t *const *l3, bool mbufs, struct rte_mbuf *const *pkts, const uint16_t *l3_len,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	uint16_t touched = 0;
	uint16_t len[SL_FW_BURST];
	const struct sl_fw_set *s = __atomic_load_n(&fw->active, __ATOMIC_ACQUIRE);
	struct fw_nat_key keys[SL_FW_BURST];
	const struct fw_nat_pool *pool[SL_FW_BURST];
	struct fw_nat_entry *ent[SL_FW_BURST];
	uint16_t at[SL_FW_BURST], m = 0;
	struct fw_lstats *ls = lstats_of(fw, lcore);
	bool is_err[SL_FW_BURST];
	uint32_t add[SL_FW_BURST], plen[SL_FW_BURST];
	/* flow line candidates (TCP/UDP), and which full-path key fills one */
	const struct fw_line_row row =
		fw_line_row(&fw->nat_lines, RTE_MIN(lcore, fw->n_lcores - 1));
	struct fw_line_key lk[SL_FW_BURST];
	uint32_t lh[SL_FW_BURST];
	uint16_t cand[SL_FW_BURST], n_cand = 0;
	const struct fw_nat_pool *cpool[SL_FW_BURST], *one = NULL;
	uint8_t *cl3[SL_FW_BURST];
	int16_t fill[SL_FW_BURST];

	const bool lined = !fw_line_skip(&ls->nat_line_cold);

	n = RTE_MIN(n, (uint16_t)SL_FW_BURST);
	/* bursts that read no line (runs of first packets) take the general
	 * pass: the one-pair loop then tests no `lined` a packet */
	if (lined && burst_one_pair(from_vrf, to_vrf, deny, n)) {
		one = pool_find(s, from_vrf[0], to_vrf[0]);
		if (one == NULL)
			return 0; /* no pool this way: nothing touched */
		touched = nat_out_scan(s, ls, &row, true, one, l3, mbufs, pkts, l3_len, from_vrf,
			to_vrf, n, deny, len, lk, lh, cand, cl3, cpool, &n_cand, keys, is_err, add,
			plen, pool, fill, at, &m);
	} else {
		touched = nat_out_scan(s, ls, &row, lined, NULL, l3, mbufs, pkts, l3_len, from_vrf,
			to_vrf, n, deny, len, lk, lh, cand, cl3, cpool, &n_cand, keys, is_err, add,
			plen, pool, fill, at, &m);
	}
	if (n_cand > 0) {
		uint64_t left = nat_out_lines(fw, s, ls, &row, now, cl3, lk, lh, n_cand);
		fw_line_judge(
			&ls->nat_line_cold, n_cand, n_cand - (uint32_t)__builtin_popcountll(left));
		touched += n_cand; /* each translated or denied */
		/* the misses only: a burst of known flows has none */
		for (; left != 0; left &= left - 1) {
			uint16_t c = (uint16_t)__builtin_ctzll(left);
			uint16_t i = cand[c];
			/* TCP/UDP with a whole header: nat_key_of takes it */
			(void)nat_out_key(l3[i], len[i], from_vrf[i], &keys[m], &is_err[m], &add[m],
				&plen[m], ls);
			pool[m] = one != NULL ? one : cpool[c];
			fill[m] = (int16_t)c;
			at[m++] = i;
			touched--; /* counted with the full path's */
		}
	}
	if (m == 0)
		return touched;
	uint64_t absent, adds = 0;
	uint16_t need[SL_FW_BURST], n_new = 0;
	nat_lookup(fw, lcore, keys, m, ent, &absent, &adds);
	for (uint16_t j = 0; j < m; j++) {
		uint16_t i = at[j];
		struct fw_nat_entry *e = ent[j];
		if (is_err[j]) {
			/* an error about a flow's reply: never a new flow */
			if (e == NULL) {
				ls->nat_icmp_unmatched++;
				deny[i] = SL_FW_DROP;
				continue;
			}
			icmp_error_rewrite(l3[i], plen[j], true, e->in.addr[1], e->in.port[1]);
			ls->nat_out++;
			continue;
		}
		/* a flow the sweeper took after the lookup is made again: its
		 * reply must find the pair the packet leaves with */
		if (e == NULL || !entry_touch(fw, e, now, add[j])) {
			need[n_new++] = j;
			continue;
		}
		if (fill[j] >= 0) {
			/* a flow's second packet fills its line: a first packet
			 * (of most flows, the only one) would pay for it alone */
			nat_line_fill(&row, lh[fill[j]], &lk[fill[j]], s->gen, fw, e);
		}
		nat_rewrite_keyed(l3[i], false, e->in.addr[1], e->in.port[1]);
		ls->nat_out++;
	}
	if (n_new == 0)
		return touched + m; /* each looked up: translated or denied */
	nat_out_create(fw, ls, now, l3, keys, pool, add, at, need, n_new, absent, adds, ent, deny);
	return touched + m; /* each looked up: translated or denied */
}

uint16_t sl_fw_nat_out_burst(struct sl_fw *fw, unsigned lcore, uint64_t now, uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n,
	uint8_t *deny)
{
	return nat_out_body(fw, lcore, now, l3, false, NULL, l3_len, from_vrf, to_vrf, n, deny);
}

uint16_t sl_fw_nat_in_burst(struct sl_fw *fw, unsigned lcore, uint64_t now, uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *in_vrf, const uint32_t *target_vrf, uint16_t n,
	uint8_t *deny)
{
	uint16_t touched = 0;
	const struct sl_fw_set *s = __atomic_load_n(&fw->active, __ATOMIC_ACQUIRE);
	struct fw_nat_key keys[SL_FW_BURST];
	struct fw_nat_entry *ent[SL_FW_BURST];
	uint16_t at[SL_FW_BURST], m = 0;
	bool is_err[SL_FW_BURST];
	uint32_t add[SL_FW_BURST], plen[SL_FW_BURST];
	struct fw_lstats *ls = lstats_of(fw, lcore);
	const struct fw_nat_pool *p = NULL;
	uint32_t last_in = UINT32_MAX, last_target = UINT32_MAX;

	n = RTE_MIN(n, (uint16_t)SL_FW_BURST);
	for (uint16_t i = 0; i < n; i++) {
		deny[i] = 0;
		/* a burst's redirects are nearly always one direction */
		if (in_vrf[i] != last_in || target_vrf[i] != last_target) {
			last_in = in_vrf[i];
			last_target = target_vrf[i];
			p = pool_find(s, target_vrf[i], in_vrf[i]);
		}
		if (p == NULL ||
			!sl_prefix_contains(p->prefix, (struct sl_prefix){sl_rd32(l3[i] + 16), 32}))
			continue; /* a leak back, not for the pool: untouched */
		uint32_t len = RTE_MIN((uint32_t)l3_len[i], (uint32_t)rd16(l3[i] + 2));
		if (!nat_key_of(l3[i], len, in_vrf[i], 1, &keys[m], &is_err[m], &add[m])) {
			ls->nat_no_flow++;
			deny[i] = SL_FW_DROP;
			touched++;
			continue;
		}
		plen[m] = len;
		at[m++] = i;
	}
	if (m == 0)
		return touched;
	nat_lookup(fw, lcore, keys, m, ent, NULL, NULL);
	for (uint16_t j = 0; j < m; j++) {
		uint16_t i = at[j];
		struct fw_nat_entry *e = ent[j];
		if (e == NULL) {
			ls->nat_no_flow++;
			deny[i] = SL_FW_DROP;
			continue;
		}
		if (is_err[j]) {
			icmp_error_rewrite(l3[i], plen[j], false, e->out.addr[0], e->out.port[0]);
		} else {
			/* a reply racing the flow's expiry still goes home */
			(void)entry_touch(fw, e, now, add[j]);
			nat_rewrite_keyed(l3[i], true, e->out.addr[0], e->out.port[0]);
		}
		ls->nat_in++;
	}
	return touched + m; /* each looked up: translated back or denied */
}

typedef uint16_t nat_burst_fn(struct sl_fw *fw, unsigned lcore, uint64_t now, uint8_t *const *l3,
	const uint16_t *l3_len, const uint32_t *a_vrf, const uint32_t *b_vrf, uint16_t n,
	uint8_t *deny);

/* An mbuf burst through fn, in pieces of SL_FW_BURST. */
static inline uint16_t nat_mbufs(nat_burst_fn *fn, struct sl_fw *fw, struct rte_mbuf **pkts,
	uint8_t *const *l3, const uint32_t *a_vrf, const uint32_t *b_vrf, uint16_t n, uint8_t *deny)
{
	uint16_t len[SL_FW_BURST], touched = 0;
	uint64_t now = rte_rdtsc();
	for (uint16_t off = 0; off < n; off += SL_FW_BURST) {
		uint16_t m = RTE_MIN((uint16_t)(n - off), (uint16_t)SL_FW_BURST);
		for (uint16_t i = 0; i < m; i++)
			len[i] = l3_avail(pkts[off + i], l3[off + i]);
		touched += fn(fw, rte_lcore_id(), now, l3 + off, len, a_vrf + off, b_vrf + off, m,
			deny + off);
	}
	return touched;
}

uint16_t sl_fw_nat_out(void *ctx, struct rte_mbuf **pkts, uint8_t *const *l3,
	const uint32_t *from_vrf, const uint32_t *to_vrf, uint16_t n, uint8_t *deny)
{
	uint16_t touched = 0;
	uint64_t now = rte_rdtsc();
	for (uint16_t off = 0; off < n; off += SL_FW_BURST) {
		uint16_t m = RTE_MIN((uint16_t)(n - off), (uint16_t)SL_FW_BURST);
		touched += nat_out_body(ctx, rte_lcore_id(), now, l3 + off, true, pkts + off, NULL,
			from_vrf + off, to_vrf + off, m, deny + off);
	}
	return touched;
}

/* Whether some of the redirects can be a reply for a pool: a pool of
 * target → in for some (in, target) pair. Runs of one pair (a burst's
 * redirects are nearly always one) cost one comparison a packet. */
static inline bool nat_in_any(
	const struct sl_fw_set *s, const uint32_t *in_vrf, const uint32_t *target_vrf, uint16_t n)
{
	uint32_t last_in = UINT32_MAX, last_target = UINT32_MAX;
	if (s == NULL || s->n_pools == 0)
		return false;
	for (uint16_t i = 0; i < n; i++) {
		if (in_vrf[i] == last_in && target_vrf[i] == last_target)
			continue;
		last_in = in_vrf[i];
		last_target = target_vrf[i];
		if (pool_find(s, last_target, last_in) != NULL)
			return true;
	}
	return false;
}

bool sl_fw_nat_in_may(void *ctx, uint32_t in_vrf, uint32_t target_vrf)
{
	struct sl_fw *fw = ctx;
	const struct sl_fw_set *s = __atomic_load_n(&fw->active, __ATOMIC_ACQUIRE);
	return nat_in_any(s, &in_vrf, &target_vrf, 1);
}

uint16_t sl_fw_nat_in(void *ctx, struct rte_mbuf **pkts, uint8_t *const *l3, const uint32_t *in_vrf,
	const uint32_t *target_vrf, uint16_t n, uint8_t *deny)
{
	struct sl_fw *fw = ctx;
	/* the TSC and the lengths only for a burst that may hold replies;
	 * deny[] is the caller's zeroes: the untouched packets pass */
	if (!nat_in_any(__atomic_load_n(&fw->active, __ATOMIC_ACQUIRE), in_vrf, target_vrf, n))
		return 0;
	return nat_mbufs(sl_fw_nat_in_burst, fw, pkts, l3, in_vrf, target_vrf, n, deny);
}

/* ---- expiry (control thread) -------------------------------------------- */

static uint64_t *nat_live(struct sl_fw *fw, uint32_t idx)
{
	struct fw_nat_entry *e = &fw->nat_entries[idx];
	return __atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) == CT_LIVE ? &e->last_seen : NULL;
}

static uint64_t nat_timeout_at(const struct sl_fw *fw, uint32_t idx)
{
	const struct fw_nat_entry *e = &fw->nat_entries[idx];
	return fw_tmo_of(fw, e->out.proto, __atomic_load_n(&e->status, __ATOMIC_RELAXED));
}

static void nat_unlink(struct sl_fw *fw, uint32_t idx)
{
	struct fw_nat_entry *e = &fw->nat_entries[idx];
	__atomic_store_n(&e->claim, CT_DEAD, __ATOMIC_RELEASE);
	/* lock-free readers: the key slots are freed after the grace period */
	e->pos[0] = rte_hash_del_key(fw->nat, &e->out);
	e->pos[1] = rte_hash_del_key(fw->nat, &e->in);
}

/* Key positions and the entry back to the free stack, under nat_lock (a
 * worker's nat_create pops it). */
static void nat_release(struct sl_fw *fw, const uint32_t *idx, uint32_t n)
{
	rte_spinlock_lock(&fw->nat_lock);
	for (uint32_t i = 0; i < n; i++) {
		struct fw_nat_entry *e = &fw->nat_entries[idx[i]];
		for (int k = 0; k < 2; k++)
			if (e->pos[k] >= 0)
				rte_hash_free_key_with_position(fw->nat, e->pos[k]);
		__atomic_store_n(&e->claim, CT_FREE, __ATOMIC_RELEASE);
		fw->nat_free[fw->n_nat_free++] = idx[i];
	}
	rte_spinlock_unlock(&fw->nat_lock);
}

static rte_spinlock_t *nat_lock_of(struct sl_fw *fw)
{
	return &fw->nat_lock;
}

static const struct fw_reap_ops nat_ops = {
	.live = nat_live,
	.timeout = nat_timeout_at,
	.unlink = nat_unlink,
	.release = nat_release,
	.lock = nat_lock_of,
};

unsigned sl_fw_nat_sweep(struct sl_fw *fw, uint64_t now, uint32_t budget)
{
	return fw_reap_sweep(fw, &fw->nat_reap, now, budget);
}

void sl_fw_nat_flush(struct sl_fw *fw)
{
	fw_reap_flush(fw, &fw->nat_reap);
}

/* Whether pool p (of the new set) could have made flow e: same direction,
 * and e's pool address and port among p's. */
static bool pool_has(const struct fw_nat_pool *p, const struct fw_nat_entry *e)
{
	uint32_t a = e->in.addr[1];
	uint16_t port = e->in.port[1];
	return p != NULL && a - p->addr < p->n_addr && (uint16_t)(port - p->port_lo) < p->n_port;
}

unsigned fw_nat_prune(struct sl_fw *fw, const struct sl_fw_set *s)
{
	unsigned n = 0;
	if (fw->nat == NULL)
		return 0;
	/* no live flow (the usual commit without NAT): no walk of the table */
	rte_spinlock_lock(&fw->nat_lock);
	bool none = fw->n_nat_free + fw->nat_reap.n >= fw->nat_max;
	rte_spinlock_unlock(&fw->nat_lock);
	if (none)
		return 0;
	/* the slots go back to the free stack after a grace period, by the
	 * sweeps that follow (fw_reap_sweep) */
	for (uint32_t idx = 0; idx < fw->nat_max; idx++) {
		struct fw_nat_entry *e = &fw->nat_entries[idx];
		if (nat_live(fw, idx) == NULL || pool_has(pool_find(s, e->out.vrf, e->in.vrf), e))
			continue;
		n += fw_reap_kill(fw, &fw->nat_reap, idx, 0, true);
	}
	fw->nat_flushed += n;
	return n;
}

size_t sl_fw_nat_foreach(const struct sl_fw *fw, uint64_t now, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_nat_flow *flow, void *ctx), void *ctx)
{
	size_t n = 0;
	for (uint32_t idx = 0; idx < fw->nat_max && n < max; idx++) {
		const struct fw_nat_entry *e = &fw->nat_entries[idx];
		if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) != CT_LIVE)
			continue;
		if (vrf_id != UINT32_MAX && e->out.vrf != vrf_id && e->in.vrf != vrf_id)
			continue;
		uint32_t st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
		uint64_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		if (seen == CT_SEEN_KILLED)
			continue;
		uint64_t idle = (int64_t)(now - seen) > 0 ? now - seen : 0;
		uint64_t tmo = fw_tmo_of(fw, e->out.proto, st);
		bool icmp = e->out.proto == IPPROTO_ICMP;
		struct sl_fw_nat_flow f = {
			.proto = e->out.proto,
			.vrf = {e->out.vrf, e->in.vrf},
			.addr = {e->out.addr[0], e->out.addr[1]},
			.port = {e->out.port[0], icmp ? e->out.port[0] : e->out.port[1]},
			.nat_addr = e->in.addr[1],
			.nat_port = e->in.port[1],
			.replied = (st & CT_REPLIED) != 0,
			.age_s = (uint32_t)((now > e->created ? now - e->created : 0) / fw->tsc_hz),
			.expires_s = (uint32_t)(idle < tmo ? (tmo - idle) / fw->tsc_hz : 0),
		};
		n++;
		if (cb(&f, ctx))
			break;
	}
	return n;
}
