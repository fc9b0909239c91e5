/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_slow.c — lib/slow wired to the ports: it transmits on the control
 * thread's own tx queue of each port. */
#include <errno.h>

#include <rte_ethdev.h>

#include "sluiced.h"

static bool tx_ctl(void *ctx, uint16_t port, struct rte_mbuf *m)
{
	struct sd *s = ctx;
	return port < s->n_ports && s->ctl_txq < s->ports[port].n_txq &&
	       rte_eth_tx_burst(port, s->ctl_txq, &m, 1) == 1;
}

int sd_slow_init(struct sd *s)
{
	struct sl_slow_config c = {
		.fib = s->fib,
		.punt = s->dp->punt,
		.pool = s->pool,
		.tx = tx_ctl,
		.tx_ctx = s,
		.hz = s->hz,
	};
	s->slow = sl_slow_new(&c);
	return s->slow != NULL ? 0 : -errno;
}

void sd_slow_fini(struct sd *s)
{
	sl_slow_free(s->slow);
	s->slow = NULL;
}
