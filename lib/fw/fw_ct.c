/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_ct.c — conntrack table: creation, timeouts, the sweeper, reading for show. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "fw_priv.h"

static const struct sl_fw_timeouts tmo_default = {
	.tcp_syn = 30,
	.tcp_established = 7200,
	.tcp_close = 10,
	.udp = 30,
	.udp_stream = 180,
	.icmp = 30,
	.other = 600,
};

static const struct fw_reap_ops ct_ops;

#define TMO(field) ((uint64_t)(cfg->timeouts.field ? cfg->timeouts.field : tmo_default.field))

int fw_ct_init(struct sl_fw *fw, const struct sl_fw_config *cfg)
{
	char name[RTE_HASH_NAMESIZE];
	static uint32_t gen;

	fw->ct_max = cfg->ct_max ? cfg->ct_max : 65536;
	rte_spinlock_init(&fw->ct_lock);
	fw->tmo[TMO_TCP_SYN] = TMO(tcp_syn) * fw->tsc_hz;
	fw->tmo[TMO_TCP_EST] = TMO(tcp_established) * fw->tsc_hz;
	fw->tmo[TMO_TCP_CLOSE] = TMO(tcp_close) * fw->tsc_hz;
	fw->tmo[TMO_UDP] = TMO(udp) * fw->tsc_hz;
	fw->tmo[TMO_UDP_STREAM] = TMO(udp_stream) * fw->tsc_hz;
	fw->tmo[TMO_ICMP] = TMO(icmp) * fw->tsc_hz;
	fw->tmo[TMO_OTHER] = TMO(other) * fw->tsc_hz;
	/* a worker rewrites last_seen at most ~16 times a second per flow */
	fw->refresh_tsc = fw->tsc_hz / 16;

	snprintf(name, sizeof(name), "slfw_ct%u", __atomic_fetch_add(&gen, 1, __ATOMIC_RELAXED));
	struct rte_hash_parameters hp = {
		.name = name,
		/* at least 8 buckets' worth; the bound itself is ct_max (ct_count) */
		.entries = RTE_MAX(fw->ct_max, 64u),
		.key_len = sizeof(struct fw_ct_key),
		.hash_func = rte_hash_crc,
		.socket_id = cfg->socket_id,
		/* lock-free readers; the extendable table guarantees the
		 * configured capacity despite cuckoo misses. No MULTI_WRITER_ADD:
		 * ct_lock already serialises the writers (adds, deletes, frees
		 * of positions), and the flag's reader-writer lock and per-lcore
		 * slot caches cost each new flow four more atomics */
		.extra_flag =
			RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	fw->ct = rte_hash_create(&hp);
	if (fw->ct == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	int32_t max_id = rte_hash_max_key_id(fw->ct);
	if (max_id < 0)
		return -EINVAL;
	fw->ct_slots = (uint32_t)max_id + 1;
	fw->ct_entries = rte_zmalloc_socket("slfw_ct_entries",
		sizeof(*fw->ct_entries) * fw->ct_slots, RTE_CACHE_LINE_SIZE, cfg->socket_id);
	if (fw->ct_entries == NULL || fw_reap_init(&fw->ct_reap, &ct_ops, fw->ct_slots) < 0)
		return -ENOMEM;
	fw->ct_cache = fw_hints_new(fw, fw->ct_max, cfg->socket_id, &fw->ct_cache_mask);
	if (fw->ct_cache == NULL)
		return -ENOMEM;
	return fw_lines_init(&fw->ct_lines, fw, fw->ct_max, cfg->socket_id);
}

uint64_t *fw_hints_new(const struct sl_fw *fw, uint32_t flows, int socket_id, uint32_t *mask)
{
	/* a slot per flow up to 64 Ki (512 KiB an lcore), at most 8 MiB in all */
	uint32_t slots = rte_align32pow2(RTE_MIN(RTE_MAX(flows, 64u), 65536u));
	while (slots > 64 && (size_t)slots * fw->n_lcores * sizeof(uint64_t) > (8u << 20))
		slots /= 2;
	*mask = slots - 1;
	return rte_zmalloc_socket("slfw_hints", (size_t)slots * fw->n_lcores * sizeof(uint64_t),
		RTE_CACHE_LINE_SIZE, socket_id);
}

void fw_ct_fini(struct sl_fw *fw)
{
	rte_hash_free(fw->ct);
	fw->ct = NULL;
	rte_free(fw->ct_entries);
	rte_free(fw->ct_cache);
	fw->ct_cache = NULL;
	fw_lines_fini(&fw->ct_lines);
	fw_reap_fini(&fw->ct_reap);
}

static bool closing(uint32_t st)
{
	return (st & CT_RST) || (st & (CT_FIN_ORIG | CT_FIN_REPLY)) == (CT_FIN_ORIG | CT_FIN_REPLY);
}

uint64_t fw_ct_timeout(const struct sl_fw *fw, const struct fw_ct_entry *e)
{
	return fw_tmo_of(fw, e->key.proto, __atomic_load_n(&e->status, __ATOMIC_RELAXED));
}

/* The idle timeout of a flow of proto with CT_* status st (conntrack, NAT). */
uint64_t fw_tmo_of(const struct sl_fw *fw, uint8_t proto, uint32_t st)
{
	switch (proto) {
	case IPPROTO_TCP:
		if (closing(st))
			return fw->tmo[TMO_TCP_CLOSE];
		return (st & CT_REPLIED) ? fw->tmo[TMO_TCP_EST] : fw->tmo[TMO_TCP_SYN];
	case IPPROTO_UDP:
		return (st & CT_REPLIED) ? fw->tmo[TMO_UDP_STREAM] : fw->tmo[TMO_UDP];
	case IPPROTO_ICMP:
		return fw->tmo[TMO_ICMP];
	default:
		return fw->tmo[TMO_OTHER];
	}
}

const char *fw_ct_state_name(const struct fw_ct_entry *e)
{
	uint32_t st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
	if (e->key.proto == IPPROTO_TCP) {
		if (closing(st))
			return "CLOSING";
		return (st & CT_REPLIED) ? "ESTABLISHED" : "SYN_SENT";
	}
	return (st & CT_REPLIED) ? "REPLIED" : "UNREPLIED";
}

/* ---- the reaper (conntrack's and NAT's) ---- */

int fw_reap_init(struct fw_reap *r, const struct fw_reap_ops *ops, uint32_t slots)
{
	memset(r, 0, sizeof(*r));
	r->ops = ops;
	r->slots = slots;
	r->v = rte_malloc("slfw_reap", sizeof(*r->v) * RTE_MAX(slots, 1u), 0);
	return r->v == NULL ? -ENOMEM : 0;
}

void fw_reap_fini(struct fw_reap *r)
{
	rte_free(r->v);
	r->v = NULL;
}

/* Release the slots of the pending batch once no reader can hold them;
 * those killed since then wait for the next batch. */
static void reap_release(struct sl_fw *fw, struct fw_reap *r, bool wait)
{
	if (r->n_pending == 0)
		return;
	if (fw->qsbr != NULL && rte_rcu_qsbr_check(fw->qsbr, r->token, wait) != 1)
		return;
	r->ops->release(fw, r->v, r->n_pending);
	memmove(r->v, r->v + r->n_pending, (r->n - r->n_pending) * sizeof(*r->v));
	r->n -= r->n_pending;
	r->n_pending = 0;
}

/* Start a grace period for every killed slot not yet in one. */
static void reap_batch(struct sl_fw *fw, struct fw_reap *r)
{
	if (r->n_pending > 0 || r->n == 0)
		return;
	r->n_pending = r->n;
	if (fw->qsbr != NULL)
		r->token = rte_rcu_qsbr_start(fw->qsbr);
}

/*
 * Unlink a live entry whose last_seen is still `seen` (any value when force);
 * its slot is released after a grace period. A worker may be between its
 * lookup of the flow and its refresh: the CAS on last_seen decides who was
 * first, and a worker that finds CT_SEEN_KILLED re-creates the flow under
 * the table's lock, which covers the unlink, so its add never finds the old
 * key. (Checking, then unlinking, lost such flows: the packet was accepted
 * as part of a flow that was gone, and the reply dropped as new.)
 */
bool fw_reap_kill(struct sl_fw *fw, struct fw_reap *r, uint32_t pos, uint64_t seen, bool force)
{
	rte_spinlock_t *lock = r->ops->lock(fw);
	bool taken = false;

	rte_spinlock_lock(lock);
	uint64_t *last = r->ops->live(fw, pos);
	if (last != NULL && force) {
		__atomic_store_n(last, CT_SEEN_KILLED, __ATOMIC_RELAXED);
		taken = true;
	} else if (last != NULL) {
		taken = __atomic_compare_exchange_n(
			last, &seen, CT_SEEN_KILLED, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
	if (taken) {
		/* the workers' flow lines read their entries again (fw_line.h) */
		__atomic_fetch_add(&fw->line_epoch, 1, __ATOMIC_RELEASE);
		r->ops->unlink(fw, pos);
		r->v[r->n++] = pos;
	}
	rte_spinlock_unlock(lock);
	return taken;
}

unsigned fw_reap_sweep(struct sl_fw *fw, struct fw_reap *r, uint64_t now, uint32_t budget)
{
	unsigned deleted = 0;

	reap_release(fw, r, false);
	budget = RTE_MIN(budget, r->slots);
	for (uint32_t i = 0; i < budget; i++) {
		uint32_t pos = r->cursor;
		r->cursor = pos + 1 == r->slots ? 0 : pos + 1;
		uint64_t *last = r->ops->live(fw, pos);
		if (last == NULL)
			continue;
		uint64_t seen = __atomic_load_n(last, __ATOMIC_RELAXED);
		/* a worker's TSC may be ahead of ours: idle time is signed */
		if (seen == CT_SEEN_KILLED ||
			(int64_t)(now - seen) <= (int64_t)r->ops->timeout(fw, pos))
			continue;
		deleted += fw_reap_kill(fw, r, pos, seen, false);
	}
	r->expired += deleted;
	reap_batch(fw, r);
	reap_release(fw, r, false);
	reap_batch(fw, r);
	return deleted;
}

void fw_reap_flush(struct sl_fw *fw, struct fw_reap *r)
{
	reap_release(fw, r, true);
	for (uint32_t pos = 0; pos < r->slots; pos++)
		if (r->ops->live(fw, pos) != NULL)
			fw_reap_kill(fw, r, pos, 0, true);
	reap_batch(fw, r);
	reap_release(fw, r, true);
}

/* ---- conntrack's side ---- */

static uint64_t *ct_live(struct sl_fw *fw, uint32_t pos)
{
	struct fw_ct_entry *e = &fw->ct_entries[pos];
	return __atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) == CT_LIVE ? &e->last_seen : NULL;
}

static uint64_t ct_timeout_at(const struct sl_fw *fw, uint32_t pos)
{
	return fw_ct_timeout(fw, &fw->ct_entries[pos]);
}

static void ct_unlink(struct sl_fw *fw, uint32_t pos)
{
	struct fw_ct_entry *e = &fw->ct_entries[pos];
	__atomic_store_n(&e->claim, CT_DEAD, __ATOMIC_RELEASE);
	rte_hash_del_key(fw->ct, &e->key);
}

/* Under ct_lock: without MULTI_WRITER_ADD the table's free positions are a
 * single-producer, single-consumer ring, and a worker's add takes from it. */
static void ct_release(struct sl_fw *fw, const uint32_t *pos, uint32_t n)
{
	rte_spinlock_lock(&fw->ct_lock);
	for (uint32_t i = 0; i < n; i++) {
		__atomic_store_n(&fw->ct_entries[pos[i]].claim, CT_FREE, __ATOMIC_RELEASE);
		rte_hash_free_key_with_position(fw->ct, (int32_t)pos[i]);
	}
	__atomic_store_n(&fw->ct_count, fw->ct_count - n, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&fw->ct_lock);
}

static rte_spinlock_t *ct_lock_of(struct sl_fw *fw)
{
	return &fw->ct_lock;
}

static const struct fw_reap_ops ct_ops = {
	.live = ct_live,
	.timeout = ct_timeout_at,
	.unlink = ct_unlink,
	.release = ct_release,
	.lock = ct_lock_of,
};

unsigned sl_fw_ct_sweep(struct sl_fw *fw, uint64_t now, uint32_t budget)
{
	return fw_reap_sweep(fw, &fw->ct_reap, now, budget);
}

void sl_fw_ct_flush(struct sl_fw *fw)
{
	fw_reap_flush(fw, &fw->ct_reap);
}

size_t sl_fw_ct_foreach(const struct sl_fw *fw, uint64_t now, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_ct_flow *flow, void *ctx), void *ctx)
{
	size_t n = 0;
	for (uint32_t pos = 0; pos < fw->ct_slots && n < max; pos++) {
		const struct fw_ct_entry *e = &fw->ct_entries[pos];
		if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) != CT_LIVE)
			continue;
		if (vrf_id != UINT32_MAX && e->key.vrf[0] != vrf_id && e->key.vrf[1] != vrf_id)
			continue;
		uint32_t st = __atomic_load_n(&e->status, __ATOMIC_RELAXED);
		unsigned o = (st & CT_ORIG_HI) ? 1 : 0; /* index of the opener in the key */
		struct sl_fw_ct_flow f = {
			.proto = e->key.proto,
			.vrf = {e->key.vrf[o], e->key.vrf[!o]},
			.addr = {e->key.addr[o], e->key.addr[!o]},
			.port = {e->key.port[o], e->key.port[!o]},
			.replied = (st & CT_REPLIED) != 0,
			.state = fw_ct_state_name(e),
		};
		uint64_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		uint64_t idle = (int64_t)(now - seen) > 0 ? now - seen : 0;
		uint64_t tmo = fw_ct_timeout(fw, e);
		f.age_s = (uint32_t)((now > e->created ? now - e->created : 0) / fw->tsc_hz);
		f.expires_s = (uint32_t)(idle < tmo ? (tmo - idle) / fw->tsc_hz : 0);
		n++;
		if (cb(&f, ctx))
			break;
	}
	return n;
}
