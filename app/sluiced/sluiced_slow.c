/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_slow.c — the "slow" module: lib/slow wired to the ports (it
 * transmits on the control thread's own tx queue of each port), and its
 * commands registered (lib/slow's slow_cmds.c: show arp, ping, traceroute). */
#include <errno.h>

#include "sluiced.h"

static int slow_init(void *ctx)
{
	struct sd *s = ctx;
	struct sl_slow_config c = {
		.fib = s->fib,
		.punt = s->dp->punt,
		.pool = s->pool,
		.tx = sd_tx_ctl,
		.tx_ctx = s,
		.hz = s->hz,
	};
	memcpy(c.punt_ctl, s->dp->punt_ctl, sizeof(c.punt_ctl));
	s->slow = sl_slow_new(&c);
	if (s->slow == NULL) {
		SD_LOG(ERR, "cannot create the neighbour table: out of memory");
		return -ENOMEM;
	}
	int rc = sl_slow_cmds_register(s->slow, s->router);
	if (rc < 0) {
		SD_LOG(ERR, "cannot register the control commands");
		sl_slow_free(s->slow);
		s->slow = NULL;
		return rc;
	}
	/* a long commit serves the punt ring as it goes */
	sl_progress_hook_set(sl_slow_progress, s->slow);
	return 0;
}

/* Ping sessions end (their control requests are finished) before the
 * control socket closes: "slow" needs "ctl". */
static void slow_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_progress_hook_set(NULL, NULL);
	sl_slow_free(s->slow);
	s->slow = NULL;
}

static unsigned slow_poll(void *ctx)
{
	return sl_slow_poll(((struct sd *)ctx)->slow);
}

static void slow_timers(void *ctx)
{
	sl_slow_timers(((struct sd *)ctx)->slow);
}

static struct sl_module slow_module = {
	.name = "slow",
	.deps = "dp ctl",
	.init = slow_init,
	.fini = slow_fini,
	.poll = slow_poll,
	.timers = slow_timers,
};
SL_MODULE_REGISTER(slow_module)
