/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_fib.h — the forwarding tables the workers read: one table per VRF (a
 * small 16-8-8 table while the VRF is small, then one in rte_lpm's memory
 * layout read with rte_lpm_lookup*; both written by fib_lpm.c), a next-hop
 * (adjacency) table, the interface map (port, VLAN) → interface →
 * VRF, and the neighbour table (interface, IPv4) → MAC. It also owns the one
 * rte_rcu_qsbr of the process.
 *
 * Concurrency contract: exactly one writer thread (the control thread) calls
 * every non-const function below; any number of registered reader lcores read
 * through the inline sl_fib_* accessors without locks. Readers report a
 * quiescent state once per loop (sl_fib_reader_quiescent) and must not hold a
 * pointer obtained from an accessor across it. The writer publishes structural
 * changes (a VRF's table, also when it moves from the small to the rte_lpm
 * layout, the interface map, a grown next-hop array) with an atomic pointer store and frees the old object only after
 * rte_rcu_qsbr_synchronize; route changes go to the live table (one atomic
 * store per entry), whose folded tbl8 groups are reused, and whose outgrown
 * tbl8 arrays are freed, only after a grace period (fib_lpm.h).
 * sl_fib_apply calls sl_progress() between two changes, when every table is
 * whole: a hook there may read through the accessors and sl_fib_lookup, but
 * must not call a writer function (sluiced queues its neighbour writes).
 *
 * ===================== 24-bit LPM next-hop value encoding ===================
 *   bit 23 set   : SL_FIB_VAL_REDIRECT | vrf_id  — continue the lookup in VRF
 *                  vrf_id (a leak). The datapath follows at most one redirect
 *                  per packet; a second one is dropped as `leak_loop`.
 *   bit 23 clear, bit 22 set : SL_FIB_VAL_GROUP | group — an ECMP next-hop
 *                  group (struct sl_fib_nhg): SL_FIB_NHG_BUCKETS next-hop
 *                  indexes; a flow hash picks one (sl_fib_nhg_pick).
 *   bits 23, 22 clear : index into the next-hop table (struct sl_fib_nh).
 *                  Index SL_FIB_NH_BLACKHOLE (0) is always a blackhole entry.
 * A miss in the datapath is all ones: at or above every flag, like a redirect
 * (so sl_fib_val_is_redirect is true of it; lib/dp's val_is_leak is not).
 * ===========================================================================
 *
 * Next-hop groups are immutable: a route whose paths change gets another
 * group (found by its members, or made in a slot no reader can reach), and
 * the old one is reused only after a grace period, like next hops. Buckets
 * are filled by weighted rendezvous hashing of (bucket, path): each bucket
 * goes to the path with the highest score, so a path that leaves a group
 * frees only its own buckets and every other flow keeps its path.
 *
 * Errors: 0 or a negative errno; constructors NULL with errno set.
 */
#ifndef SL_FIB_H
#define SL_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "sl_rib.h"

#define SL_FIB_VAL_REDIRECT_SHIFT 23
#define SL_FIB_VAL_REDIRECT (1u << SL_FIB_VAL_REDIRECT_SHIFT)
#define SL_FIB_VAL_MASK 0x00ffffffu
#define SL_FIB_NH_BLACKHOLE 0u
#define SL_FIB_NH_MAX (1u << 22) /* next-hop indexes stay below the group bit */
#define SL_FIB_VAL_GROUP (1u << 22)
#define SL_FIB_NHG_MAX (1u << 22) /* group numbers stay below the group bit */
#define SL_FIB_NHG_BITS 7
#define SL_FIB_NHG_BUCKETS (1u << SL_FIB_NHG_BITS) /* per group: shares in 1/128 */

#define SL_FIB_PORT_MAX 16 /* DPDK ports (eth0..eth15) */
/* (sub)interfaces, ever named: as many as a configuration may name at once */
#define SL_FIB_IFACE_MAX SL_IFACE_MAX
#define SL_FIB_OIF_NONE 0xffff
#define SL_FIB_IFACE_ADDRS 8

static inline bool sl_fib_val_is_redirect(uint32_t v)
{
	return (v & SL_FIB_VAL_REDIRECT) != 0;
}

static inline uint32_t sl_fib_val_redirect(uint32_t vrf_id)
{
	return SL_FIB_VAL_REDIRECT | vrf_id;
}

static inline uint32_t sl_fib_val_vrf(uint32_t v)
{
	return v & (SL_FIB_VAL_REDIRECT - 1);
}

static inline bool sl_fib_val_is_group(uint32_t v)
{
	return (v & (SL_FIB_VAL_REDIRECT | SL_FIB_VAL_GROUP)) == SL_FIB_VAL_GROUP;
}

/* The group number of group value v. */
static inline uint32_t sl_fib_val_group(uint32_t v)
{
	return v & (SL_FIB_VAL_GROUP - 1);
}

/* An ECMP next-hop group: each bucket a next-hop index. */
struct sl_fib_nhg {
	uint32_t bucket[SL_FIB_NHG_BUCKETS];
};

/* The next hop of group value v for a flow hash: its top bits pick the
 * bucket (a NIC's RSS queue is chosen by the low bits, so the packets one
 * queue sees share those). */
static inline uint32_t sl_fib_nhg_pick(const struct sl_fib_nhg *t, uint32_t v, uint32_t hash)
{
	return t[sl_fib_val_group(v)].bucket[hash >> (32 - SL_FIB_NHG_BITS)];
}

enum sl_fib_nh_type {
	SL_FIB_NH_T_BLACKHOLE = 0,
	SL_FIB_NH_T_LOCAL, /* to the router: punt */
	SL_FIB_NH_T_CONNECTED, /* on-link: neighbour = the packet's destination */
	SL_FIB_NH_T_GATEWAY, /* neighbour = gw, its MAC cached in l2 */
};

/* l2 word: destination MAC in the low 48 bits (byte 0 of the MAC in the
 * lowest byte, i.e. memcpy order on little endian) and a valid bit. Written
 * with one atomic 64-bit store so readers never see a torn MAC. */
#define SL_FIB_L2_VALID (1ull << 63)
/* Resolution in progress: workers drop (neigh_pending) instead of flooding
 * the punt ring with packets the hold queue could not keep anyway. */
#define SL_FIB_L2_PENDING (1ull << 62)

struct sl_fib_nh {
	uint64_t l2; /* GATEWAY: resolved MAC of gw | SL_FIB_L2_VALID, else 0 */
	uint32_t gw; /* host order; GATEWAY only */
	uint16_t oif; /* egress interface (LOCAL: the interface owning the address) */
	uint8_t type; /* enum sl_fib_nh_type */
	uint8_t pad;
};

/*
 * A next hop's egress, ready for the fast path: the L2 header to write in
 * front of the IPv4 header (dst MAC, src MAC, then the ether type or an
 * 802.1Q tag and the inner type, as the bytes 0-7, 6-13 and 14-17), the
 * egress port and the egress interface's VRF. l2_len 0: not ready (not a
 * resolved gateway on an up interface): use the next hop itself.
 *
 * The writer keeps two records per next hop and flips `sel` (kept in the
 * first record) after writing the other one; it writes a record again only
 * after a grace period, so a reader that loaded sel reads one whole record.
 */
struct sl_fib_egress {
	/* the L2 header: bytes 0-15 in w0 and w1 (an untagged header's 14-15
	 * zero), bytes 14-17 in w2 (0 when untagged) */
	uint64_t w0, w1;
	uint32_t w2;
	uint32_t vrf_id;
	uint16_t port;
	uint8_t l2_len; /* 14, 18; 0: not ready */
	/* in record 0 of a pair: the live record's byte offset from record 0
	 * (0 or SL_FIB_EGRESS_SEL1), so that readers add it as it is */
	uint8_t sel;
	uint32_t pad;
} __rte_aligned(16); /* w0 and w1 one aligned 16-byte load */
#define SL_FIB_EGRESS_SEL1 ((uint8_t)sizeof(struct sl_fib_egress))
_Static_assert(sizeof(struct sl_fib_egress) <= UINT8_MAX, "sel holds a record's size");

/* One (sub)interface as the datapath needs it. */
struct sl_fib_iface {
	uint16_t port;
	uint16_t vlan; /* 0: untagged */
	uint32_t vrf_id;
	struct rte_ether_addr mac; /* source MAC on egress (the port's) */
	uint8_t up; /* configured, enabled and its port exists */
	uint8_t present;
	uint8_t src_valid; /* enum sl_src_valid: the check of packets received here */
	/* Its addresses (LOCAL next hops with this oif) answer packets that
	 * entered in another VRF (through a leak), after that leak point's
	 * filter; 0: such packets are dropped (local_leak). From its VRF's
	 * `ip answer-across-leaks`; published with the map. */
	uint8_t answer_across_leaks;
	/* It has a control-plane TAP (lib/cpif): link-local multicast received
	 * here is punted up to it, not dropped as a martian. */
	uint8_t cp_tap;
	uint32_t mtu;
	uint32_t n_addrs;
	struct sl_prefix addrs[SL_FIB_IFACE_ADDRS]; /* host order, host bits set */
	char name[SL_NAME_MAX];
};

/* The published interface map. vif[port][vlan] = oif + 1 (0: none). */
struct sl_fib_ifmap {
	uint16_t vif[SL_FIB_PORT_MAX][4096];
	/* vrf[port][vlan]: ifs[vif[port][vlan] - 1].vrf_id where vif[port][vlan]
	 * is not 0. A tagged frame's VRF by the index of its interface, not by
	 * a second load that waits on the first: a burst of 64 VRFs' vifs read
	 * a few lines of this array instead of 64 interfaces' lines. */
	uint16_t vrf[SL_FIB_PORT_MAX][4096];
	/* OR of the src_valid of the port's interfaces that are up (in vif[]):
	 * 0 when no packet received on the port has its source validated, so
	 * that a worker decides once per burst */
	uint8_t src_valid_port[SL_FIB_PORT_MAX];
	/* 1 when some interface of the port that is up (in vif[]) has a VLAN
	 * tag: on a port without, the parse tests no frame for a tag (a tagged
	 * frame fails its EtherType compare and takes the slow parse) */
	uint8_t tagged_port[SL_FIB_PORT_MAX];
	struct sl_fib_iface ifs[SL_FIB_IFACE_MAX];
	uint16_t n_ifs; /* slots used (never shrinks: names keep their oif) */
};
_Static_assert(SL_VRF_MAX <= UINT16_MAX + 1, "a VRF id fits sl_fib_ifmap's vrf[][]");

/* Neighbour table key. */
struct sl_fib_neigh_key {
	uint32_t ip; /* host order */
	uint16_t oif;
	uint16_t zero;
};

struct sl_fib_config {
	uint32_t max_rules; /* ignored: tables have no rule limit (old configs) */
	uint32_t number_tbl8s; /* ignored: tables size themselves (old configs) */
	/* A VRF's table moves from the small to the rte_lpm layout when it uses
	 * this many groups; 0: SL_FIB_SMALL_GROUPS_MAX. For tests. */
	uint32_t small_groups_max;
	/* DPDK memory all VRF tables may take; 0: what the heap gives. A test
	 * hook: a commit past it is refused as one past the hugepages is. */
	size_t mem_max;
	uint32_t neigh_max; /* 0: 4096 */
	uint32_t max_readers; /* reader thread ids are in [0, max_readers); 0: RTE_MAX_LCORE */
	int socket_id; /* SOCKET_ID_ANY allowed */
};

/*
 * A VRF's table, as the workers see it: a pointer tagged with its layout.
 *  - rte_lpm layout (tag 0): not made by rte_lpm_create; only the
 *    rte_lpm_lookup* inlines may be used on it. tbl24 alone is 64 MiB.
 *  - small (SL_FIB_TBL_SMALL): struct sl_fib_small, a 16-8-8 multibit trie:
 *    tbl16 (256 KiB) and a pool of 256-entry groups for the /16s and /24s that
 *    hold longer prefixes. Entries are encoded as rte_lpm's: bits 0-23 value or
 *    group, bit 24 valid, bit 25 "points to a group" (tbl16 and the /16
 *    groups only), bits 26-31 depth. A tbl16 entry pointing to group g with
 *    SL_FIB_ENT_DENSE set says the /16 holds one prefix of /17-/24 under its
 *    own answer: both are the 8-byte record dense[g] (sl_fib_dense_entry),
 *    and the group's 1 KiB stays the writer's. A VRF starts small; at
 *    SL_FIB_SMALL_GROUPS_MAX groups the writer builds the rte_lpm-layout table
 *    from its rules and swaps the pointer (fib_routes.c).
 */
#define SL_FIB_TBL_SMALL ((uintptr_t)1)
#define SL_FIB_SMALL_GROUPS_MAX 16384u /* 16 MiB of groups: see doc/architecture.md */

struct sl_fib_small {
	uint32_t *pool; /* groups of 256 entries; atomically published (it grows) */
	/* a record per group, published with pool (the same block). Why: most
	 * /16s of a BGP-like VRF hold one /24, and 64 VRFs' 1 KiB groups spread
	 * the lookups over far more pages than the TLB and caches hold
	 * (doc/benchmarks.md, "Dense /16s") */
	uint64_t *dense;
	uint8_t pad[RTE_CACHE_LINE_SIZE - sizeof(uint32_t *) - sizeof(uint64_t *)];
	uint32_t tbl16[1u << 16];
};

#define SL_FIB_ENT_VALID (1u << 24)
#define SL_FIB_ENT_GROUP (1u << 25)
#define SL_FIB_ENT_DENSE (1u << 26) /* tbl16 group entries only: see above */
#define SL_FIB_ENT_VAL_MASK 0x00ffffffu /* a value, or a group's number in the pool */

/*
 * A dense /16's record: bits 0-24 the answer outside the prefix (value |
 * SL_FIB_ENT_VALID, or 0: a miss), bits 25-27 s, bits 32-55 the prefix's
 * value, bits 56-63 k: the prefix is the bytes 3 of the address whose
 * (byte ^ k) >> s is 0 (a /(24 - s)). The raw entry of ip under it, without
 * depth bits.
 */
static inline uint32_t sl_fib_dense_entry(uint64_t r, uint32_t ip)
{
	uint32_t b = (ip >> 8) & 0xff, s = ((uint32_t)r >> 25) & 7;
	return ((b ^ (uint32_t)(r >> 56)) >> s) == 0
		       ? (((uint32_t)(r >> 32) & SL_FIB_ENT_VAL_MASK) | SL_FIB_ENT_VALID)
		       : (uint32_t)r & (SL_FIB_ENT_VAL_MASK | SL_FIB_ENT_VALID);
}

/* Hot, reader-visible part first; the writer's state is private. */
struct sl_fib {
	/* the tagged table of each family and VRF, atomically published; 0: no
	 * such VRF (every SL_AF_IPV6 slot, until IPv6 tables exist) */
	uintptr_t tbl[SL_AF_COUNT][SL_VRF_MAX];
	/* rte_lpm has no depth 0: each VRF's default route lives here, as
	 * value | RTE_LPM_LOOKUP_SUCCESS (0: none), consulted on a miss */
	uint32_t dflt[SL_AF_COUNT][SL_VRF_MAX];
	/* [vrf]: 1 when a route of the VRF may leave it other than by a
	 * redirect (fib_leaves.c); read with sl_fib_vrf_leaves */
	uint8_t leaves[SL_VRF_MAX];
	struct sl_fib_nh *nh; /* atomically published */
	struct sl_fib_egress *egress; /* 2 per next hop; published with nh */
	struct sl_fib_nhg *nhg; /* next-hop groups, atomically published */
	struct sl_fib_ifmap *ifmap; /* atomically published */
	struct rte_hash *neigh; /* lock-free readers; data = l2 word */
	struct rte_rcu_qsbr *qsbr;
	struct sl_fib_priv *priv;
};

/* The FIB starts with the default VRF's table (id 0), which the RIB never
 * announces. NULL with errno (ENOMEM: not even one VRF table fits). */
struct sl_fib *sl_fib_new(const struct sl_fib_config *cfg);
void sl_fib_free(struct sl_fib *fib);

/* DPDK memory a new, empty VRF table takes (a small table: tbl16 and its
 * first groups); tables grow with their routes. */
size_t sl_fib_vrf_bytes(const struct sl_fib_config *cfg);

/* ---- readers (worker lcores) ----------------------------------------- */

/* Register thread_id (< max_readers) and put it online. 0 or -EINVAL. */
int sl_fib_reader_register(struct sl_fib *fib, unsigned thread_id);
/* Offline and unregister; call before the thread stops. */
void sl_fib_reader_unregister(struct sl_fib *fib, unsigned thread_id);

static inline void sl_fib_reader_quiescent(struct sl_fib *fib, unsigned thread_id)
{
	rte_rcu_qsbr_quiescent(fib->qsbr, thread_id);
}

/* A reader that also does control work (the main lcore polling the ports
 * when there is no worker lcore) goes offline meanwhile, so that a grace
 * period it waits for itself does not wait on it; online again before it
 * reads. */
static inline void sl_fib_reader_online(struct sl_fib *fib, unsigned thread_id)
{
	rte_rcu_qsbr_thread_online(fib->qsbr, thread_id);
}

static inline void sl_fib_reader_offline(struct sl_fib *fib, unsigned thread_id)
{
	rte_rcu_qsbr_thread_offline(fib->qsbr, thread_id);
}

/* The VRF's tagged table of family af (enum sl_af; 0: no such VRF), valid
 * until the next quiescent state. */
static inline uintptr_t sl_fib_table(const struct sl_fib *fib, unsigned af, uint32_t vrf_id)
{
	return __atomic_load_n(&fib->tbl[af][vrf_id], __ATOMIC_ACQUIRE);
}

static inline bool sl_fib_table_is_small(uintptr_t t)
{
	return (t & SL_FIB_TBL_SMALL) != 0;
}

static inline struct rte_lpm *sl_fib_table_lpm(uintptr_t t)
{
	return (struct rte_lpm *)t;
}

static inline const struct sl_fib_small *sl_fib_table_small(uintptr_t t)
{
	return (const struct sl_fib_small *)(t & ~SL_FIB_TBL_SMALL);
}

static inline bool sl_fib_ent_is_group(uint32_t e)
{
	return (e & SL_FIB_ENT_GROUP) != 0; /* only ever set with SL_FIB_ENT_VALID */
}

/* Small table: the first of the 256 pool entries of group entry e. */
static inline uint32_t sl_fib_ent_pool_index(uint32_t e)
{
	return (e & SL_FIB_ENT_VAL_MASK) << 8;
}

/* Small table: the value of final entry e, or miss. */
static inline uint32_t sl_fib_ent_value(uint32_t e, uint32_t miss)
{
	return (e & SL_FIB_ENT_VALID) ? (e & SL_FIB_ENT_VAL_MASK) : miss;
}

/* Small table: the record a dense tbl16 entry e names (the same rules as
 * sl_fib_small_entry_from's pool pointer). */
static inline const uint64_t *sl_fib_small_dense_rec(const struct sl_fib_small *t, uint32_t e)
{
	return &__atomic_load_n(&t->dense, __ATOMIC_ACQUIRE)[e & SL_FIB_ENT_VAL_MASK];
}

/* Small table: the raw entry of ip below e, a group entry of tbl16 that is
 * not dense: its /24 group's entry, and the /32 group's that one names. The
 * one walk of both entry functions below. */
static inline uint32_t sl_fib_small_pool_walk(const uint32_t *pool, uint32_t e, uint32_t ip)
{
	e = __atomic_load_n(&pool[sl_fib_ent_pool_index(e) | ((ip >> 8) & 0xff)], __ATOMIC_ACQUIRE);
	if (sl_fib_ent_is_group(e))
		e = __atomic_load_n(
			&pool[sl_fib_ent_pool_index(e) | (ip & 0xff)], __ATOMIC_ACQUIRE);
	return e;
}

/* Small table: the raw entry (rte_lpm_lookup_bulk's format) of ip, given e,
 * its tbl16 entry loaded since the last quiescent state (a mixed burst
 * loads all its tbl16 entries first: lib/dp's lookup_mixed). Any pool
 * pointer loaded since the last quiescent state holds every group an entry
 * names: the writer hands out the groups of a grown pool only one grace
 * period after publishing it (and the dense records, published with it). */
static inline uint32_t sl_fib_small_entry_from(
	const struct sl_fib_small *t, uint32_t e, uint32_t ip)
{
	if (sl_fib_ent_is_group(e)) {
		if (e & SL_FIB_ENT_DENSE)
			return sl_fib_dense_entry(
				__atomic_load_n(sl_fib_small_dense_rec(t, e), __ATOMIC_ACQUIRE),
				ip);
		e = sl_fib_small_pool_walk(__atomic_load_n(&t->pool, __ATOMIC_ACQUIRE), e, ip);
	}
	return e;
}

/* sl_fib_small_entry_from out of line: the dense records' rare path of a
 * loop, which then keeps its registers for the common one (3
 * instructions a leaked packet fewer in lib/dp's redirect lookup, callgrind). */
static __attribute__((noinline, cold, unused)) uint32_t sl_fib_small_entry_cold(
	const struct sl_fib_small *t, uint32_t e, uint32_t ip)
{
	return sl_fib_small_entry_from(t, e, ip);
}

/* Small table: as sl_fib_small_entry_from, with pool, t's pool pointer
 * loaded once for many lookups since the last quiescent state (which
 * holds every group an entry names, as above). */
static inline uint32_t sl_fib_small_entry_pool(
	const struct sl_fib_small *t, const uint32_t *pool, uint32_t e, uint32_t ip)
{
	if (sl_fib_ent_is_group(e)) {
		if (unlikely(e & SL_FIB_ENT_DENSE))
			return sl_fib_small_entry_cold(t, e, ip);
		e = sl_fib_small_pool_walk(pool, e, ip);
	}
	return e;
}

/* Small table: prefetch the line below tbl16 entry e of ip (a group entry,
 * or the record of a dense /16), if any. */
static inline void sl_fib_small_prefetch_below(
	const struct sl_fib_small *t, uint32_t e, uint32_t ip)
{
	if (!sl_fib_ent_is_group(e))
		return;
	if (e & SL_FIB_ENT_DENSE) {
		rte_prefetch0(sl_fib_small_dense_rec(t, e));
	} else {
		const uint32_t *pool = __atomic_load_n(&t->pool, __ATOMIC_ACQUIRE);
		rte_prefetch0(&pool[sl_fib_ent_pool_index(e) | ((ip >> 8) & 0xff)]);
	}
}

/* Small table: the raw entry of ip. */
static inline uint32_t sl_fib_small_entry(const struct sl_fib_small *t, uint32_t ip)
{
	return sl_fib_small_entry_from(
		t, __atomic_load_n(&t->tbl16[ip >> 16], __ATOMIC_ACQUIRE), ip);
}

/* Small table: vals[i] = value of ips[i] or miss, for i < n. A plain loop:
 * the lookups are independent and the core overlaps them; explicit
 * prefetch passes measured slower (doc/architecture.md). */
static inline void sl_fib_small_lookup_bulk(const struct sl_fib_small *t, const uint32_t *ips,
	uint32_t *vals, unsigned n, uint32_t miss)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t e = sl_fib_small_entry(t, ips[i]);
		vals[i] = sl_fib_ent_value(e, miss);
	}
}

/* Either layout, one address: its value, or miss. */
static inline uint32_t sl_fib_table_lookup(uintptr_t t, uint32_t ip, uint32_t miss)
{
	if (sl_fib_table_is_small(t)) {
		uint32_t e = sl_fib_small_entry(sl_fib_table_small(t), ip);
		return sl_fib_ent_value(e, miss);
	}
	uint32_t v;
	return rte_lpm_lookup(sl_fib_table_lpm(t), ip, &v) == 0 ? v : miss;
}

/* Default-route result for a miss in (af, vrf_id): value | RTE_LPM_LOOKUP_SUCCESS or 0. */
static inline uint32_t sl_fib_default(const struct sl_fib *fib, unsigned af, uint32_t vrf_id)
{
	return __atomic_load_n(&fib->dflt[af][vrf_id], __ATOMIC_RELAXED);
}

/*
 * May a route of IPv4 VRF vrf_id (< SL_VRF_MAX) send a packet out of an
 * interface of another VRF, or to a router address of another VRF, without
 * a redirect? false is exact for every lookup in the VRF's table done before
 * the call in the same burst, and for every interface map and egress record
 * the burst reads (the writer's order: fib_leaves.c); true may be stale.
 */
static inline bool sl_fib_vrf_leaves(const struct sl_fib *fib, uint32_t vrf_id)
{
	/* the lookups' loads before the flag's: a route seen, its flag seen */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&fib->leaves[vrf_id], __ATOMIC_RELAXED) != 0;
}

static inline const struct sl_fib_nh *sl_fib_nh_table(const struct sl_fib *fib)
{
	return __atomic_load_n(&fib->nh, __ATOMIC_ACQUIRE);
}

/* The groups; load after the LPM value that names one (the writer makes a
 * group, and publishes a grown array, before it stores such a value). */
static inline const struct sl_fib_nhg *sl_fib_nhg_table(const struct sl_fib *fib)
{
	return __atomic_load_n(&fib->nhg, __ATOMIC_ACQUIRE);
}

static inline const struct sl_fib_egress *sl_fib_egress_table(const struct sl_fib *fib)
{
	return __atomic_load_n(&fib->egress, __ATOMIC_ACQUIRE);
}

/* The live egress record of next hop nh_index. */
static inline const struct sl_fib_egress *sl_fib_egress_of(
	const struct sl_fib_egress *t, uint32_t nh_index)
{
	const struct sl_fib_egress *pair = &t[2 * (size_t)nh_index];
	return (const struct sl_fib_egress *)((const uint8_t *)pair +
					      __atomic_load_n(&pair->sel, __ATOMIC_ACQUIRE));
}

static inline const struct sl_fib_ifmap *sl_fib_ifmap(const struct sl_fib *fib)
{
	return __atomic_load_n(&fib->ifmap, __ATOMIC_ACQUIRE);
}

static inline uint64_t sl_fib_nh_l2(const struct sl_fib_nh *nh)
{
	return __atomic_load_n(&nh->l2, __ATOMIC_RELAXED);
}

/* Neighbour lookup: the l2 word (SL_FIB_L2_VALID set when resolved,
 * SL_FIB_L2_PENDING while being resolved) or 0 when unknown. */
static inline uint64_t sl_fib_neigh_lookup(const struct sl_fib *fib, uint16_t oif, uint32_t ip)
{
	struct sl_fib_neigh_key k = {.ip = ip, .oif = oif, .zero = 0};
	void *data;
	if (rte_hash_lookup_data(fib->neigh, &k, &data) < 0)
		return 0;
	return (uint64_t)(uintptr_t)data;
}

static inline void sl_fib_l2_to_mac(uint64_t l2, struct rte_ether_addr *mac)
{
	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		mac->addr_bytes[i] = (uint8_t)(l2 >> (8 * i));
}

static inline uint64_t sl_fib_mac_to_l2(const struct rte_ether_addr *mac)
{
	uint64_t l2 = SL_FIB_L2_VALID;
	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		l2 |= (uint64_t)mac->addr_bytes[i] << (8 * i);
	return l2;
}

/* ---- writer (control thread) ----------------------------------------- */

/* Wait for a grace period of every reader of the process's QSBR: objects a
 * writer unpublished before the call can then be freed. Other modules that
 * publish to workers (e.g. a firewall's rte_acl contexts) use this too. */
void sl_fib_synchronize(struct sl_fib *fib);

struct sl_fib_apply_result {
	size_t applied;
	size_t failed; /* e.g. -ENOSPC: table full; the first error is returned */
	size_t vrfs_added, vrfs_deleted, routes_set, routes_deleted;
};

/*
 * Apply RIB changes in order. VRF_ADD creates the VRF's table (reusing it
 * if present), VRF_DEL unpublishes and frees it after a grace period;
 * ROUTE_SET/DEL touch only that prefix; a ROUTE_SET with paths installs a
 * next-hop group (two or more distinct paths). A route whose interface is not known
 * yet names an interface slot that later sl_fib_iface_sync calls fill in.
 * A change of a family other than SL_AF_IPV4 fails with -EAFNOSUPPORT.
 * Returns 0 or the first error (the other changes are still applied).
 */
int sl_fib_apply(struct sl_fib *fib, const struct sl_fib_change *changes, size_t n,
	struct sl_fib_apply_result *res);

/* What sl_fib_reserve could not allocate. */
struct sl_fib_reserve_fail {
	uint32_t vrf_id;
	uint32_t groups; /* groups the VRF's table needs for the changes */
	size_t bytes; /* the DPDK memory asked for */
	bool new_table; /* a new table (a new VRF, or the rte_lpm layout) */
	uint32_t next_hops; /* not 0: the next-hop table cannot hold this many */
	size_t rules; /* not 0: the VRF's rule index cannot hold this many */
};

/*
 * Allocate, publishing nothing readers could tell apart, all the memory that
 * applying `changes` next (sl_fib_apply of the same changes, at once or in
 * pieces) can need: the tables of new VRFs, sized for their routes; bigger
 * group arrays, from the groups the new prefixes need at their /16 and /24
 * that the table lacks; the rte_lpm-layout table of a VRF that will outgrow
 * the small one; room in the next-hop array (grown now: a copy). Applying
 * them then does not fail for memory. 0; -ENOMEM or -ENOSPC (2^24 groups,
 * SL_FIB_NH_MAX next hops) with *fail filled (may be NULL): nothing is held
 * but a grown next-hop array, every table is as before.
 */
int sl_fib_reserve(struct sl_fib *fib, const struct sl_fib_change *changes, size_t n,
	struct sl_fib_reserve_fail *fail);
/* Why sl_fib_reserve failed with rc, for the committer: which VRF (vrf_name,
 * NULL: by id), how many groups or next hops, and what ran out. Returns rc. */
int sl_fib_reserve_why(
	int rc, const struct sl_fib_reserve_fail *f, const char *vrf_name, char *msg, size_t len);
/* Give back what sl_fib_reserve took and the changes did not use: after the
 * last sl_fib_apply of them, or when they will not be applied. */
void sl_fib_unreserve(struct sl_fib *fib);

/* Desired state of one (sub)interface for sl_fib_iface_sync. */
struct sl_fib_iface_conf {
	char name[SL_NAME_MAX];
	uint16_t port;
	uint16_t vlan;
	uint32_t vrf_id;
	struct rte_ether_addr mac;
	bool up;
	uint8_t src_valid; /* enum sl_src_valid (the caller resolves defaults) */
	uint32_t mtu;
	size_t n_addrs;
	struct sl_prefix addrs[SL_FIB_IFACE_ADDRS];
	bool answer_across_leaks; /* its VRF's `ip answer-across-leaks` */
};

/*
 * Replace the whole interface set (interfaces absent from `confs` become not
 * present). Publishes a new map only if something changed. 0, -EINVAL (port
 * >= SL_FIB_PORT_MAX, vlan > 4095, vrf_id >= SL_VRF_MAX, src_valid not an
 * enum sl_src_valid), -ENOSPC, -ENOMEM.
 */
int sl_fib_iface_sync(struct sl_fib *fib, const struct sl_fib_iface_conf *confs, size_t n);

/* Which interfaces have a control-plane TAP (sl_fib_iface.cp_tap):
 * on[oif] for oif < n, the others none. Kept by sl_fib_iface_sync.
 * Publishes a new map only if something changed. 0, -ENOMEM. */
int sl_fib_iface_set_cp_tap(struct sl_fib *fib, const uint8_t *on, size_t n);

/* oif of an interface name, or -ENOENT. Writer only (it reads the writer's
 * name index). */
int sl_fib_iface_index(const struct sl_fib *fib, const char *name);

/* Set (mac != NULL) or forget (mac == NULL) a neighbour; updates the
 * cached MAC of every gateway next hop through (oif, ip). 0, -ENOSPC. */
int sl_fib_neigh_set(
	struct sl_fib *fib, uint16_t oif, uint32_t ip, const struct rte_ether_addr *mac);
/* Mark a neighbour as being resolved (SL_FIB_L2_PENDING). 0, -ENOSPC. */
int sl_fib_neigh_pending(struct sl_fib *fib, uint16_t oif, uint32_t ip);

/*
 * Control-thread lookup of dst, following at most one redirect like the
 * datapath: *nh_index gets the next-hop index (of a group: the path a hash
 * of the address picks), *final_vrf the VRF that answered. 0, -ENOENT (no
 * route), -ELOOP (second redirect), -EAFNOSUPPORT (dst's family has no
 * tables yet), -EINVAL.
 */
int sl_fib_lookup(const struct sl_fib *fib, uint32_t vrf_id, const struct sl_addr *dst,
	uint32_t *nh_index, uint32_t *final_vrf);

/* Counts for show/telemetry. */
struct sl_fib_stats {
	uint32_t vrfs;
	uint32_t nh_used, nh_capacity;
	uint32_t groups; /* next-hop groups in use */
	uint32_t neighbours;
	size_t bytes_per_vrf; /* the largest VRF table's DPDK memory */
	size_t bytes_total; /* DPDK memory of all VRF tables (with reserved arrays) */
	uint32_t tbl8_groups_used; /* groups (small and rte_lpm tables), over all VRFs */
	uint32_t vrfs_small; /* VRFs whose table has the small layout */
	uint32_t promotions; /* small tables moved to the rte_lpm layout, ever */
};
void sl_fib_stats_get(const struct sl_fib *fib, struct sl_fib_stats *st);

/* One VRF's table, for show. */
struct sl_fib_vrf_stats {
	bool small; /* the small 16-8-8 layout, else rte_lpm's */
	size_t routes; /* prefixes /1../32 (the default route lives apart) */
	size_t bytes; /* DPDK memory: top table + group array */
	uint32_t groups_used, groups; /* groups in use, capacity of the array */
	uint32_t index_grows; /* times its rule index was rehashed bigger */
};
/* 0, or -ENOENT when vrf_id has no table. */
int sl_fib_vrf_stats_get(const struct sl_fib *fib, uint32_t vrf_id, struct sl_fib_vrf_stats *st);

/*
 * The "fib" module (fib_module.c, its own library sl_fib_module: it reads
 * lib/commit's typed changes, which this library does not). The daemon wires
 * it once, before sl_module_init_all; its init needs the modules "config"
 * (*router made) and "ports" (what port_of answers from).
 */
struct sl_iface_state;
struct sl_router;
struct sl_fib_wiring {
	struct sl_router *const *router; /* the changes and interfaces to follow */
	const char *const *config_path; /* start-up messages; NULL: "the configuration" */
	uint32_t neigh_max; /* the FIB's copy of the neighbours (sl_fib_config) */
	/* ethN → port, once, at start-up before the first sync (NULL: none) */
	void (*ports_map)(void *ctx);
	/* the port of ifs and its MAC, or -1: inactive (port_of says why) */
	int (*port_of)(void *ctx, const struct sl_iface_state *ifs, struct rte_ether_addr *mac);
	void *port_ctx;
	uint64_t *failed; /* FIB changes that failed (only a bug); NULL: not counted */
	char *failed_why; /* the last one's reason */
	size_t failed_why_len;
	struct sl_fib **fib; /* where the module keeps the FIB (others use it) */
};
void sl_fib_module_wire(const struct sl_fib_wiring *w);
/* The running configuration's RIB changes (reserved by the commit), then its
 * interfaces, into the FIB: 0, or a negative errno (the interface map is
 * logged; a failed change is counted in *failed). */
int sl_fib_module_sync(void);

#endif
