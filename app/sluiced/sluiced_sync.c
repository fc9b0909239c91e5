/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_sync.c — the "config" module (the router and --config FILE) and
 * the log level the configuration asks for. The "fib" module, which pushes
 * the running configuration to the FIB, is lib/fib's (fib_module.c). */

#include "sluiced.h"

void sd_log_sync(struct sd *s)
{
	sl_log_level_follow(s->router ? sl_router_syslog_level(s->router) : -1, s->log_level);
}

static void config_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_running_close(&s->run);
	s->router = NULL;
}

/* The router, the commit history and the start-up configuration (lib/commit's
 * sl_running: a missing or broken --config keeps the router up). */
static int config_init(void *ctx)
{
	struct sd *s = ctx;
	int rc = sl_running_start(&s->run, s->config_path, s->commit_dir);
	if (rc < 0)
		return rc;
	s->router = s->run.router;
	sd_log_sync(s); /* system syslog: the level from here on */
	return 0;
}

static struct sl_module config_module = {
	.name = "config", .init = config_init, .fini = config_fini};
SL_MODULE_REGISTER(config_module)
