/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_module.c — the "tele" module: the /sluice/... commands on the DPDK
 * telemetry socket, answered by the control thread between its tasks, on
 * the sources the daemon wired (sl_tele_wire). */
#include <errno.h>

#include "sl_log.h"
#include "sl_module.h"
#include "sl_tele.h"
#include "tele_priv.h"

struct sl_tele_wiring sl_tele_wiring;

void sl_tele_wire(const struct sl_tele_wiring *w)
{
	sl_tele_wiring = *w;
}

static int tele_init(void *ctx)
{
	(void)ctx;
	if (sl_tele_wiring.src == NULL) {
		sl_log(SL_LOG_ERR, NULL, "telemetry: module not wired (sl_tele_wire)");
		return -EINVAL;
	}
	struct sl_tele_src src;
	sl_tele_wiring.src(sl_tele_wiring.src_ctx, &src);
	if (sl_tele_init(&src) < 0)
		sl_log(SL_LOG_WARNING, NULL, "telemetry commands /sluice/... unavailable");
	return 0;
}

/* Queries get an error from now on, before the sources are freed. */
static void tele_fini(void *ctx)
{
	(void)ctx;
	sl_tele_stop();
}

static unsigned tele_poll(void *ctx)
{
	(void)ctx;
	return sl_tele_poll();
}

static struct sl_module tele_module = {
	.name = "tele",
	.deps = "config dp fib fpm fw slow",
	.init = tele_init,
	.fini = tele_fini,
	.poll = tele_poll,
};
SL_MODULE_REGISTER(tele_module)
