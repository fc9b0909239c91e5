/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_fpm.c — the "fpm" module: lib/zebra's FPM listener (routes from
 * FRR's zebra) wired to the router, the FIB and the log; `show fpm`. */
#include <errno.h>
#include <string.h>

#include <rte_lcore.h>

#include "sl_zebra.h"
#include "sluiced.h"

static int fpm_fib_sync(void *ctx)
{
	return sd_sync(ctx);
}

/* lib/zebra's lines come with rte_log's levels (syslog's + 1) and "fpm: " */
static void fpm_log(uint32_t level, const char *msg, void *ctx)
{
	(void)ctx;
	enum sl_log_level l = level <= 4   ? SL_LOG_ERR
			      : level >= 8 ? SL_LOG_DEBUG
					   : (enum sl_log_level)(level - 1);
	sl_log(l, "fpm", "%s", strncmp(msg, "fpm: ", 5) == 0 ? msg + 5 : msg);
}

int sd_fpm_sync(struct sd *s)
{
	return sl_zebra_sync(s->fpm);
}

static unsigned fpm_poll(void *ctx)
{
	return sl_zebra_poll(((struct sd *)ctx)->fpm);
}

static void fpm_timers(void *ctx)
{
	sl_zebra_timers(((struct sd *)ctx)->fpm);
}

static void fpm_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_zebra_free(s->fpm);
	s->fpm = NULL;
}

static int cmd_show_fpm(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err;
	sl_zebra_show(((struct sd *)ctx)->fpm, json, out);
	return SL_CTL_OK;
}

/* A listener that cannot open says so in the log and `show fpm`: sluiced
 * starts all the same. */
static int fpm_init(void *ctx)
{
	struct sd *s = ctx;
	struct sl_zebra_config cfg = {
		.router = s->router,
		.hz = s->hz,
		.socket_id = (int)rte_socket_id(),
		.sync = fpm_fib_sync,
		.log = fpm_log,
		.ctx = s,
	};
	s->fpm = sl_zebra_new(&cfg);
	int rc = s->fpm == NULL ? -ENOMEM : sl_ctl_register("show fpm", cmd_show_fpm, s);
	if (rc < 0) {
		SD_LOG(ERR, "cannot set up the FPM listener: %s", strerror(-rc));
		fpm_fini(s);
		return rc;
	}
	sd_fpm_sync(s);
	return 0;
}

static struct sl_module fpm_module = {
	.name = "fpm",
	.deps = "fib",
	.init = fpm_init,
	.fini = fpm_fini,
	.poll = fpm_poll,
	.timers = fpm_timers,
};
SL_MODULE_REGISTER(fpm_module)
