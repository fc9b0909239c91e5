/* SPDX-License-Identifier: BSD-3-Clause */
/* zebra_module.c — the "fpm" module: the FPM listener (routes from FRR's
 * zebra) on the daemon's router, its lines in the log, `show fpm`. */
#include <errno.h>
#include <string.h>

#include <rte_lcore.h>

#include "sl_ctl.h"
#include "sl_log.h"
#include "sl_module.h"
#include "sl_zebra.h"

static struct sl_zebra_wiring wire;

void sl_zebra_module_wire(const struct sl_zebra_wiring *w)
{
	wire = *w;
}

/* zebra.c's lines come with rte_log's levels (syslog's + 1) and "fpm: " */
enum sl_log_level sl_zebra_log_level(uint32_t rte_level)
{
	return rte_level <= 4	? SL_LOG_ERR
	       : rte_level >= 8 ? SL_LOG_DEBUG
				: (enum sl_log_level)(rte_level - 1);
}

static void fpm_log(uint32_t level, const char *msg, void *ctx)
{
	(void)ctx;
	sl_log(sl_zebra_log_level(level), "fpm", "%s",
		strncmp(msg, "fpm: ", 5) == 0 ? msg + 5 : msg);
}

int sl_zebra_module_sync(void)
{
	return wire.zebra != NULL ? sl_zebra_sync(*wire.zebra) : 0;
}

static unsigned fpm_poll(void *ctx)
{
	(void)ctx;
	return sl_zebra_poll(*wire.zebra);
}

static void fpm_timers(void *ctx)
{
	(void)ctx;
	sl_zebra_timers(*wire.zebra);
}

static void fpm_fini(void *ctx)
{
	(void)ctx;
	sl_zebra_free(*wire.zebra);
	*wire.zebra = NULL;
}

static int cmd_show_fpm(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err, (void)ctx;
	sl_zebra_show(*wire.zebra, json, out);
	return SL_CTL_OK;
}

/* A listener that cannot open says so in the log and `show fpm`: sluiced
 * starts all the same. */
static int fpm_init(void *ctx)
{
	if (wire.zebra == NULL) {
		sl_log(SL_LOG_ERR, "fpm", "module not wired (sl_zebra_module_wire)");
		return -EINVAL;
	}
	struct sl_zebra_config cfg = {
		.router = *wire.router,
		.hz = *wire.hz,
		.socket_id = (int)rte_socket_id(),
		.sync = wire.sync,
		.log = fpm_log,
		.ctx = wire.sync_ctx,
	};
	*wire.zebra = sl_zebra_new(&cfg);
	int rc = *wire.zebra == NULL ? -ENOMEM : sl_ctl_register("show fpm", cmd_show_fpm, NULL);
	if (rc < 0) {
		sl_log(SL_LOG_ERR, NULL, "cannot set up the FPM listener: %s", strerror(-rc));
		fpm_fini(ctx);
		return rc;
	}
	sl_zebra_module_sync();
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
