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
		/* lock-free readers; workers add concurrently; the extendable
		 * table guarantees the configured capacity despite cuckoo misses */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
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
	fw->dead_cap = fw->ct_slots;
	fw->dead = rte_malloc("slfw_ct_dead", sizeof(*fw->dead) * fw->dead_cap, 0);
	if (fw->ct_entries == NULL || fw->dead == NULL)
		return -ENOMEM;
	return 0;
}

void fw_ct_fini(struct sl_fw *fw)
{
	rte_hash_free(fw->ct);
	fw->ct = NULL;
	rte_free(fw->ct_entries);
	rte_free(fw->dead);
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

/* Release the slots of the pending batch once no reader can hold them;
 * flows deleted since then wait for the next batch. */
static void dead_release(struct sl_fw *fw, bool wait)
{
	if (fw->n_pending == 0)
		return;
	if (fw->qsbr != NULL && rte_rcu_qsbr_check(fw->qsbr, fw->dead_token, wait) != 1)
		return;
	for (uint32_t i = 0; i < fw->n_pending; i++) {
		uint32_t pos = fw->dead[i];
		__atomic_store_n(&fw->ct_entries[pos].claim, CT_FREE, __ATOMIC_RELEASE);
		rte_hash_free_key_with_position(fw->ct, (int32_t)pos);
	}
	__atomic_fetch_sub(&fw->ct_count, fw->n_pending, __ATOMIC_RELAXED);
	memmove(fw->dead, fw->dead + fw->n_pending,
		(fw->n_dead - fw->n_pending) * sizeof(*fw->dead));
	fw->n_dead -= fw->n_pending;
	fw->n_pending = 0;
}

/* Start a grace period for every deleted flow not yet in one. */
static void dead_batch(struct sl_fw *fw)
{
	if (fw->n_pending > 0 || fw->n_dead == 0)
		return;
	fw->n_pending = fw->n_dead;
	if (fw->qsbr != NULL)
		fw->dead_token = rte_rcu_qsbr_start(fw->qsbr);
}

/*
 * Unlink a live entry whose last_seen is still `seen` (any value when force);
 * its slot is released after a grace period. A worker may be between its
 * lookup of the flow and its refresh: the CAS on last_seen decides who was
 * first, and a worker that finds CT_SEEN_KILLED re-creates the flow under
 * ct_lock, which covers the unlink, so its add never finds the old key.
 * (Checking, then unlinking, lost such flows: the packet was accepted as
 * part of a flow that was gone, and the reply dropped as new.)
 */
static bool entry_kill(struct sl_fw *fw, uint32_t pos, uint64_t seen, bool force)
{
	struct fw_ct_entry *e = &fw->ct_entries[pos];
	bool taken = true;

	rte_spinlock_lock(&fw->ct_lock);
	if (force)
		__atomic_store_n(&e->last_seen, CT_SEEN_KILLED, __ATOMIC_RELAXED);
	else
		taken = __atomic_compare_exchange_n(&e->last_seen, &seen, CT_SEEN_KILLED, false,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED);
	if (taken) {
		__atomic_store_n(&e->claim, CT_DEAD, __ATOMIC_RELEASE);
		rte_hash_del_key(fw->ct, &e->key);
		fw->dead[fw->n_dead++] = pos;
	}
	rte_spinlock_unlock(&fw->ct_lock);
	return taken;
}

unsigned sl_fw_ct_sweep(struct sl_fw *fw, uint64_t now, uint32_t budget)
{
	unsigned deleted = 0;

	dead_release(fw, false);
	budget = RTE_MIN(budget, fw->ct_slots);
	for (uint32_t i = 0; i < budget; i++) {
		uint32_t pos = fw->sweep_cursor;
		struct fw_ct_entry *e = &fw->ct_entries[pos];
		fw->sweep_cursor = pos + 1 == fw->ct_slots ? 0 : pos + 1;
		if (__atomic_load_n(&e->claim, __ATOMIC_ACQUIRE) != CT_LIVE)
			continue;
		uint64_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		/* a worker's TSC may be ahead of ours: idle time is signed */
		if ((int64_t)(now - seen) <= (int64_t)fw_ct_timeout(fw, e))
			continue;
		deleted += entry_kill(fw, pos, seen, false);
	}
	fw->ct_expired += deleted;
	dead_batch(fw);
	dead_release(fw, false);
	dead_batch(fw);
	return deleted;
}

void sl_fw_ct_flush(struct sl_fw *fw)
{
	dead_release(fw, true);
	for (uint32_t pos = 0; pos < fw->ct_slots; pos++)
		if (__atomic_load_n(&fw->ct_entries[pos].claim, __ATOMIC_ACQUIRE) == CT_LIVE)
			entry_kill(fw, pos, 0, true);
	dead_batch(fw);
	dead_release(fw, true);
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
