/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_line.h — the per-lcore flow line: what a packet of a known flow needs
 * (the shared entry's position, the set generation it was decided in, the
 * cached verdict or translation), found with one hash of the packet's raw
 * header fields before any parse, canonical key or table lookup.
 *
 * A line is 16 bytes; a bucket is one cache line of four ways, so a lookup
 * reads one line and a burst prefetches all of them first. A line is only
 * a hint: a hit is trusted when the set generation is the published one
 * and the shared entry it names is live, not killed, and holds the packet's
 * own key (compared field by field from the raw headers): the answer the
 * shared table would give (entries are reused only after a grace period,
 * which the burst holds off). So a publish (rulesets, bindings, pools: a
 * new generation) or an expired flow needs nothing invalidated by hand.
 * Private to the lcore: plain loads and stores.
 */
#ifndef SL_FW_LINE_H
#define SL_FW_LINE_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#define FW_LINE_WAYS 4

struct fw_line {
	uint32_t tag; /* the raw key's hash */
	uint32_t pos; /* the shared entry's position */
	uint32_t gen; /* the set generation it was filled in; 0: empty */
	uint32_t info; /* the table's own: cached verdict, checksum deltas */
};

struct fw_line_bucket {
	struct fw_line way[FW_LINE_WAYS];
} __rte_cache_aligned;

/* The raw key of a TCP or UDP packet, as it arrives: (source, destination)
 * as two network-order words, (ports, protocol) and the VRF pair (each
 * below 2^16, as the shared tables' keys hold them). */
struct fw_line_key {
	uint64_t addrs; /* ip + 12, 8 bytes as they are */
	uint32_t ports; /* l4 + 0, 4 bytes as they are */
	uint32_t vrfs; /* from | to << 16 */
	uint8_t proto;
};

/* One hash of the raw key (two CRC instructions). */
static inline uint32_t fw_line_hash(const struct fw_line_key *k)
{
	uint64_t b = (uint64_t)k->ports | (uint64_t)k->vrfs << 32;
	return rte_hash_crc_8byte(b, rte_hash_crc_8byte(k->addrs, k->proto));
}

static inline struct fw_line_bucket *fw_line_bucket(
	struct fw_line_bucket *row, uint32_t mask, uint32_t h)
{
	return &row[h & mask];
}

/* The way of bucket b that holds tag h in generation gen, or NULL. */
static inline const struct fw_line *fw_line_find(
	const struct fw_line_bucket *b, uint32_t h, uint32_t gen)
{
	for (unsigned w = 0; w < FW_LINE_WAYS; w++)
		if (b->way[w].tag == h && b->way[w].gen == gen)
			return &b->way[w];
	return NULL;
}

/* Buckets for up to flows flows an lcore (fw_line.c): a power of two, at
 * most 16 Ki buckets (64 Ki lines, 1 MiB) an lcore and 16 MiB in all;
 * *mask: buckets - 1. NULL: no memory. */
struct sl_fw;
struct fw_line_bucket *fw_lines_new(
	const struct sl_fw *fw, uint32_t flows, int socket_id, uint32_t *mask);
/* Write line l (tag l->tag) into bucket b: over its own way, an empty or
 * outdated one (gen not the current), else a way chosen by the tag. */
void fw_line_fill(struct fw_line_bucket *b, const struct fw_line *l);

#endif
