/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_workers.c — the "dp" module (lib/dp's shared state: punt ring,
 * counters, tx queues per port) and the "workers" module: the forwarding
 * lcores, launched last and stopped first; with no worker lcore, the main
 * lcore forwards between its control tasks (an RCU reader of the FIB only
 * while it polls: lib/dp's sl_dp_inline_*).
 */
#include <errno.h>
#include <string.h>

#include <rte_launch.h>
#include <rte_lcore.h>

#include "sluiced.h"

static int dp_init(void *ctx)
{
	struct sd *s = ctx;
	s->dp = sl_dp_new(s->fib, s->punt_ring ? s->punt_ring : 4096, (int)rte_socket_id());
	if (s->dp == NULL) {
		SD_LOG(ERR, "cannot create the datapath: %s", strerror(errno));
		return -ENOMEM;
	}
	for (uint16_t p = 0; p < s->n_ports; p++)
		s->dp->n_txq[p] = s->ports[p].n_txq;
	for (unsigned i = 0; i < (s->n_workers ? s->n_workers : 1); i++)
		s->workers[i].dp = s->dp;
	return 0;
}

static void dp_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_dp_free(s->dp);
	s->dp = NULL;
}

static struct sl_module dp_module = {
	.name = "dp", .deps = "fib ports", .init = dp_init, .fini = dp_fini};
SL_MODULE_REGISTER(dp_module)

/* Spread every (port, rx queue) over the workers. */
static void assign_queues(struct sd *s)
{
	unsigned w = 0;
	for (uint16_t p = 0; p < s->n_ports; p++) {
		for (uint16_t q = 0; q < s->ports[p].n_rxq; q++) {
			struct sl_dp_worker *wk = &s->workers[w];
			if (wk->n_rxq < SL_DP_RXQ_MAX)
				wk->rxq[wk->n_rxq++] = (struct sl_dp_rxq){.port = p, .queue = q};
			if (s->n_workers > 0)
				w = (w + 1) % s->n_workers;
		}
	}
}

static int workers_init(void *ctx)
{
	struct sd *s = ctx;
	assign_queues(s);
	if (s->n_workers == 0) {
		s->inline_dp = sl_dp_inline_start(&s->workers[0]);
		if (s->inline_dp == NULL) {
			SD_LOG(ERR, "the main lcore cannot forward: %s", strerror(errno));
			return -errno;
		}
		return 0;
	}
	for (unsigned i = 0; i < s->n_workers; i++)
		rte_eal_remote_launch(sl_dp_worker_main, &s->workers[i], s->workers[i].lcore_id);
	return 0;
}

static void workers_fini(void *ctx)
{
	struct sd *s = ctx;
	s->dp->stop = true;
	rte_eal_mp_wait_lcore();
	sl_dp_inline_stop(s->inline_dp);
	s->inline_dp = NULL;
}

/* With no worker lcore, the main lcore polls the ports itself. */
static unsigned workers_poll(void *ctx)
{
	struct sd *s = ctx;
	if (s->inline_dp == NULL)
		return 0;
	sl_dp_inline_poll(s->inline_dp);
	return 1; /* there is always forwarding to do: no sleep */
}

static struct sl_module workers_module = {
	.name = "workers",
	.deps = "dp ports fw slow",
	.init = workers_init,
	.fini = workers_fini,
	.poll = workers_poll,
};
SL_MODULE_REGISTER(workers_module)
