/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_tele.c — the "tele" module: lib/tele's /sluice/... commands on the
 * DPDK telemetry socket, answered by the control thread between its tasks. */
#include "sl_tele.h"
#include "sluiced.h"

void sd_tele_src(struct sd *s, struct sl_tele_src *src)
{
	*src = (struct sl_tele_src){.router = s->router,
		.dp = s->dp,
		.fib = s->fib,
		.fw = s->fw,
		.slow = s->slow,
		.history = s->run.history,
		.fallback_id = &s->run.fallback_id,
		.fpm = s->fpm};
}

static int tele_init(void *ctx)
{
	struct sl_tele_src src;
	sd_tele_src(ctx, &src);
	if (sl_tele_init(&src) < 0)
		SD_LOG(WARNING, "telemetry commands /sluice/... unavailable");
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
