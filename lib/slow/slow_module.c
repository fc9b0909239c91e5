/* SPDX-License-Identifier: BSD-3-Clause */
/* slow_module.c — the "slow" module: the slow path on the daemon's punt
 * rings, FIB and mbuf pool, transmitting through the wiring's tx (the
 * control thread's own queue of each port); its commands (slow_cmds.c:
 * show arp, ping, traceroute); the progress hook of long commits. */
#include <errno.h>
#include <string.h>

#include "sl_log.h"
#include "sl_module.h"
#include "sl_slow.h"

static struct sl_slow_wiring wire;

void sl_slow_module_wire(const struct sl_slow_wiring *w)
{
	wire = *w;
}

static int slow_init(void *ctx)
{
	(void)ctx;
	if (wire.slow == NULL) {
		sl_log(SL_LOG_ERR, NULL, "slow path: module not wired (sl_slow_module_wire)");
		return -EINVAL;
	}
	const struct sl_dp *dp = *wire.dp;
	struct sl_slow_config c = {
		.fib = *wire.fib,
		.punt = dp->punt,
		.pool = *wire.pool,
		.tx = wire.tx,
		.tx_ctx = wire.tx_ctx,
		.hz = *wire.hz,
	};
	memcpy(c.punt_ctl, dp->punt_ctl, sizeof(c.punt_ctl));
	struct sl_slow *sl = sl_slow_new(&c);
	if (sl == NULL) {
		sl_log(SL_LOG_ERR, NULL, "cannot create the neighbour table: out of memory");
		return -ENOMEM;
	}
	int rc = sl_slow_cmds_register(sl, *wire.router);
	if (rc < 0) {
		sl_log(SL_LOG_ERR, NULL, "cannot register the control commands");
		sl_slow_free(sl);
		return rc;
	}
	*wire.slow = sl;
	/* a long commit serves the punt ring as it goes */
	sl_progress_hook_set(sl_slow_progress, sl);
	return 0;
}

/* Ping sessions end (their control requests are finished) before the
 * control socket closes: "slow" needs "ctl". */
static void slow_fini(void *ctx)
{
	(void)ctx;
	sl_progress_hook_set(NULL, NULL);
	sl_slow_free(*wire.slow);
	*wire.slow = NULL;
}

static unsigned slow_poll(void *ctx)
{
	(void)ctx;
	return sl_slow_poll(*wire.slow);
}

static void slow_timers(void *ctx)
{
	(void)ctx;
	sl_slow_timers(*wire.slow);
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
