/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_worker.c — the worker lcore loop, tx/punt flushing, shared state and counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "sl_dp.h"

const char *const sl_dp_drop_names[SL_DP_DROP__COUNT] = {
#define SL_DP_X(e, s) [SL_DP_DROP_##e] = s,
	SL_DP_DROPS(SL_DP_X)
#undef SL_DP_X
};

const char *const sl_dp_punt_names[SL_DP_PUNT__COUNT] = {
	[SL_DP_PUNT_ARP] = "arp",
	[SL_DP_PUNT_LOCAL] = "local",
	[SL_DP_PUNT_TTL] = "ttl_expired",
	[SL_DP_PUNT_NO_ROUTE] = "no_route",
	[SL_DP_PUNT_UNRESOLVED] = "unresolved",
	[SL_DP_PUNT_REJECT] = "fw_reject",
	[SL_DP_PUNT_LEAK_LOOP] = "leak_loop",
	[SL_DP_PUNT_LINK_MCAST] = "link_mcast",
};

const char *const sl_dp_pclass_names[SL_DP_PC__COUNT] = {
#define SL_DP_X(e, s) [SL_DP_PC_##e] = s,
	SL_DP_PCLASSES(SL_DP_X)
#undef SL_DP_X
};
_Static_assert(SL_DP_BURST <= 32, "sl_dp_out.punt_ctl is a 32-bit map of a burst");

int sl_dp_meta_offset = -1;

int sl_dp_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "sluice_dp_meta",
		.size = sizeof(struct sl_dp_meta),
		.align = __alignof__(struct sl_dp_meta),
	};
	int off = rte_mbuf_dynfield_register(&desc);
	if (off < 0)
		return -rte_errno;
	sl_dp_meta_offset = off;
	return 0;
}

/* Every punt ring, and the packets still in them. */
static void dp_rings_free(struct sl_dp *dp)
{
	struct rte_mbuf *m;
	for (unsigned k = 0; k < SL_DP_PC__COUNT; k++) {
		struct rte_ring *r = k < SL_DP_PC_OTHER ? dp->punt_ctl[k] : dp->punt;
		if (r == NULL)
			continue;
		while (rte_ring_dequeue(r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(r);
	}
}

struct sl_dp *sl_dp_new(struct sl_fib *fib, unsigned punt_size, int socket_id)
{
	int rc = sl_dp_meta_register();
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	struct sl_dp *dp = rte_zmalloc_socket("sl_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE, socket_id);
	if (dp == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	static unsigned instance;
	char name[RTE_RING_NAMESIZE];
	snprintf(name, sizeof(name), "sl_punt%u", instance++);
	dp->punt = rte_ring_create(name, punt_size, socket_id, RING_F_SC_DEQ);
	for (unsigned k = 0; dp->punt != NULL && k < SL_DP_PC_OTHER; k++) {
		snprintf(name, sizeof(name), "sl_punt%u_%s", instance - 1, sl_dp_pclass_names[k]);
		dp->punt_ctl[k] =
			rte_ring_create(name, SL_DP_PUNT_CTL_SIZE, socket_id, RING_F_SC_DEQ);
		if (dp->punt_ctl[k] == NULL) {
			int err = rte_errno;
			dp_rings_free(dp);
			rte_free(dp);
			errno = err;
			return NULL;
		}
	}
	if (dp->punt == NULL) {
		errno = rte_errno;
		rte_free(dp);
		return NULL;
	}
	/* every VRF id counted on every lcore that can run a worker: one
	 * block, each lcore's part cache-aligned (32-byte slots, SL_VRF_MAX odd:
	 * rounded up to whole lines) */
	unsigned n = 0, l;
	size_t per =
		RTE_ALIGN_CEIL(SL_VRF_MAX * sizeof(struct sl_dp_vrf_count), RTE_CACHE_LINE_SIZE);
	RTE_LCORE_FOREACH(l)
	n++;
	dp->vrf_counts = rte_zmalloc_socket("sl_dp_vrf", per * n, RTE_CACHE_LINE_SIZE, socket_id);
	if (dp->vrf_counts == NULL) {
		dp_rings_free(dp);
		rte_free(dp);
		errno = ENOMEM;
		return NULL;
	}
	n = 0;
	RTE_LCORE_FOREACH(l)
	dp->counters[l].vrf = (struct sl_dp_vrf_count *)((char *)dp->vrf_counts + per * n++);
	dp->fib = fib;
	return dp;
}

struct sl_dp_vrf_count *sl_dp_vrf_counts_new(int socket_id)
{
	struct sl_dp_vrf_count *v = rte_zmalloc_socket(
		"sl_dp_vrf", SL_VRF_MAX * sizeof(*v), RTE_CACHE_LINE_SIZE, socket_id);
	if (v == NULL)
		errno = ENOMEM;
	return v;
}

int sl_dp_set_leak_filter(struct sl_dp *dp, sl_dp_leak_filter_fn fn, void *ctx)
{
	const struct sl_dp_leak_filter h = {.fn = fn, .ctx = ctx};
	return sl_dp_set_leak_hooks(dp, &h);
}

int sl_dp_set_leak_hooks(struct sl_dp *dp, const struct sl_dp_leak_filter *h)
{
	struct sl_dp_leak_filter *nf = NULL;
	if (h != NULL && (h->fn != NULL || h->nat_out != NULL || h->nat_in != NULL)) {
		nf = malloc(sizeof(*nf));
		if (nf == NULL)
			return -ENOMEM;
		*nf = *h;
	}
	struct sl_dp_leak_filter *old = dp->leak_filter;
	__atomic_store_n(&dp->leak_filter, nf, __ATOMIC_RELEASE);
	sl_fib_synchronize(dp->fib);
	free(old);
	return 0;
}

void sl_dp_free(struct sl_dp *dp)
{
	if (dp == NULL)
		return;
	free(dp->leak_filter);
	dp_rings_free(dp);
	rte_free(dp->vrf_counts);
	rte_free(dp);
}

static void punt_enqueue(struct rte_ring *r, struct sl_dp_counters *c, enum sl_dp_pclass k,
	struct rte_mbuf **pkts, unsigned n)
{
	unsigned q = rte_ring_mp_enqueue_burst(r, (void **)pkts, n, NULL);
	if (unlikely(q < n)) {
		c->dropped[SL_DP_DROP_PUNT_FULL] += n - q;
		c->pclass_full[k] += n - q;
		rte_pktmbuf_free_bulk(&pkts[q], n - q);
	}
}

/* A burst with control-class punts: each class to its own ring. */
static __rte_noinline void punt_sort(
	struct sl_dp *dp, struct sl_dp_counters *c, struct sl_dp_out *out)
{
	struct rte_mbuf *by[SL_DP_PC__COUNT][SL_DP_BURST];
	unsigned n[SL_DP_PC__COUNT] = {0};
	for (uint16_t i = 0; i < out->n_punt; i++) {
		unsigned k =
			out->punt_ctl >> i & 1 ? sl_dp_meta(out->punt[i])->pclass : SL_DP_PC_OTHER;
		by[k][n[k]++] = out->punt[i];
	}
	for (unsigned k = 0; k < SL_DP_PC__COUNT; k++)
		if (n[k] > 0)
			punt_enqueue(
				k < SL_DP_PC_OTHER ? dp->punt_ctl[k] : dp->punt, c, k, by[k], n[k]);
}

void sl_dp_flush(struct sl_dp *dp, struct sl_dp_counters *c, uint16_t txq, struct sl_dp_out *out)
{
	uint32_t ports = out->tx_ports;
	while (ports != 0) {
		uint16_t port = (uint16_t)__builtin_ctz(ports);
		ports &= ports - 1;
		uint16_t n = out->n_tx[port];
		uint16_t sent =
			txq < dp->n_txq[port] ? rte_eth_tx_burst(port, txq, out->tx[port], n) : 0;
		c->tx += sent;
		if (unlikely(sent < n)) {
			c->dropped[SL_DP_DROP_TX_FULL] += n - sent;
			rte_pktmbuf_free_bulk(&out->tx[port][sent], n - sent);
		}
		out->n_tx[port] = 0;
	}
	out->tx_ports = 0;
	if (out->n_punt > 0) {
		if (likely(out->punt_ctl == 0))
			punt_enqueue(dp->punt, c, SL_DP_PC_OTHER, out->punt, out->n_punt);
		else
			punt_sort(dp, c, out);
		out->n_punt = 0;
		out->punt_ctl = 0;
	}
	if (out->n_drop > 0) {
		rte_pktmbuf_free_bulk(out->drop, out->n_drop);
		out->n_drop = 0;
	}
}

#define WORK_SAMPLE 16 /* bursts per timed burst (power of 2) */
#define STALL_EVERY 8 /* loops per stall clock reading (power of 2) */

static uint64_t thread_cpu_ns(void *ctx)
{
	(void)ctx;
	return sl_thread_cpu_ns();
}

int sl_dp_worker_main(void *arg)
{
	struct sl_dp_worker *w = arg;
	struct sl_dp *dp = w->dp;
	struct sl_dp_counters *c = &dp->counters[w->lcore_id];
	struct sl_dp_out *out = rte_zmalloc("sl_dp_out", sizeof(*out), RTE_CACHE_LINE_SIZE);
	struct rte_mbuf *pkts[SL_DP_BURST];
	if (out == NULL)
		return -ENOMEM;
	if (sl_fib_reader_register(dp->fib, w->lcore_id) < 0) {
		rte_free(out);
		return -EINVAL;
	}
	struct sl_dp_stall_clock stall;
	sl_dp_stall_start(&stall, dp, rte_get_tsc_hz(), rte_rdtsc(), thread_cpu_ns, NULL);
	uint32_t bursts = 0, loops = 0;
	while (!dp->stop) {
		uint64_t now = 0;
		for (uint16_t q = 0; q < w->n_rxq; q++) {
			uint16_t port = w->rxq[q].port;
			uint16_t n = rte_eth_rx_burst(port, w->rxq[q].queue, pkts, SL_DP_BURST);
			if (n == 0)
				continue;
			/* a TSC read is not free (doc/benchmarks.md, dp-bench):
			 * time one burst in WORK_SAMPLE and count it for all of them */
			bool timed = (++bursts & (WORK_SAMPLE - 1)) == 0;
			uint64_t t0 = timed ? rte_rdtsc() : 0;
			sl_dp_process(dp, c, port, pkts, n, out);
			sl_dp_flush(dp, c, w->txq, out);
			if (timed) {
				now = rte_rdtsc();
				c->work_cycles += (now - t0) * WORK_SAMPLE;
			}
		}
		sl_fib_reader_quiescent(dp->fib, w->lcore_id);
		/* the stall clock every STALL_EVERY loops (or when a timed burst
		 * read the TSC anyway): a stall anywhere in between still
		 * lengthens the gap between two reads */
		if (now != 0 || (++loops & (STALL_EVERY - 1)) == 0)
			sl_dp_stall_tick(&stall, dp, &c->stalls, now ? now : rte_rdtsc());
	}
	sl_fib_reader_unregister(dp->fib, w->lcore_id);
	rte_free(out);
	return 0;
}

struct sl_dp_inline {
	struct sl_dp_worker *w;
	struct sl_dp_out out;
};

struct sl_dp_inline *sl_dp_inline_start(struct sl_dp_worker *w)
{
	struct sl_dp_inline *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	in->w = w;
	if (sl_fib_reader_register(w->dp->fib, w->lcore_id) < 0) {
		free(in);
		errno = EINVAL;
		return NULL;
	}
	sl_fib_reader_offline(w->dp->fib, w->lcore_id);
	return in;
}

void sl_dp_inline_poll(struct sl_dp_inline *in)
{
	struct sl_dp_worker *w = in->w;
	struct sl_dp *dp = w->dp;
	struct sl_dp_counters *c = &dp->counters[w->lcore_id];
	struct rte_mbuf *pkts[SL_DP_BURST];
	sl_fib_reader_online(dp->fib, w->lcore_id);
	for (uint16_t q = 0; q < w->n_rxq; q++) {
		uint16_t n = rte_eth_rx_burst(w->rxq[q].port, w->rxq[q].queue, pkts, SL_DP_BURST);
		if (n == 0)
			continue;
		sl_dp_process(dp, c, w->rxq[q].port, pkts, n, &in->out);
		sl_dp_flush(dp, c, w->txq, &in->out);
	}
	sl_fib_reader_offline(dp->fib, w->lcore_id);
}

void sl_dp_inline_stop(struct sl_dp_inline *in)
{
	if (in == NULL)
		return;
	sl_fib_reader_unregister(in->w->dp->fib, in->w->lcore_id);
	free(in);
}

static void counters_add(struct sl_dp_counters *s, const struct sl_dp_counters *c, int sign)
{
	const uint64_t *src = (const uint64_t *)c;
	uint64_t *dst = (uint64_t *)s;
	size_t n = offsetof(struct sl_dp_counters, dropped) / 8 + SL_DP_DROP__COUNT;
	for (size_t i = 0; i < n; i++)
		dst[i] += sign > 0 ? src[i] : -src[i];
}

void sl_dp_counters_sum(const struct sl_dp *dp, struct sl_dp_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned l = 0; l < RTE_MAX_LCORE; l++)
		counters_add(sum, &dp->counters[l], 1);
	counters_add(sum, &dp->cleared, -1);
}

void sl_dp_counters_clear(struct sl_dp *dp)
{
	struct sl_dp_counters now;
	memset(&dp->cleared, 0, sizeof(dp->cleared));
	sl_dp_counters_sum(dp, &now);
	dp->cleared = now;
	/* stalls are maxima, not sums: each worker zeroes its own on seeing this */
	__atomic_fetch_add(&dp->clear_gen, 1, __ATOMIC_RELEASE);
}
