/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_cmds.c — the "ctl" module: the control socket and its commands
 * (most are the libraries'), and the steps of the commit that `configure`,
 * `rollback`, a commit-confirm's timeout and SIGHUP run (lib/commit's
 * sl_commit_run calls them in its order; the commands are commit_cmds.c's). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_cpif.h"
#include "sl_fw.h"
#include "sl_show.h"
#include "sl_tele.h"
#include "sl_zebra.h"
#include "sluiced.h"

/* The commit's steps (lib/commit's sl_commit_run calls them in order). */
static void step_begin(void *ctx)
{
	struct sd *s = ctx;
	struct sl_slow_stats ss;
	sl_slow_stats_get(s->slow, &ss);
	s->commit_punts = ss.commit_punts;
	sl_slow_punt_wait_start(s->slow);
}

static int step_fib(void *ctx, char *note, size_t note_len)
{
	struct sd *s = ctx;
	s->eths.note[0] = '\0';
	int rc = sl_fib_module_sync();
	snprintf(note, note_len, "%s", s->eths.note);
	return rc;
}

static int step_fw(void *ctx)
{
	(void)ctx;
	return sl_fw_module_sync(false);
}

static void step_follow(void *ctx)
{
	sl_zebra_module_sync();
	sd_log_sync(ctx);
	sl_cpif_module_sync();
}

static void step_end(void *ctx, struct sl_commit_report *r)
{
	struct sd *s = ctx;
	struct sl_slow_punt_wait pw;
	sl_slow_punt_wait_end(s->slow, &pw);
	struct sl_slow_stats ss;
	sl_slow_stats_get(s->slow, &ss);
	r->punts = ss.commit_punts - s->commit_punts;
	r->punt_wait_ms = pw.max_ms;
	r->punt_wait_cpu_ms = pw.max_cpu_ms;
}

static void step_refused(void *ctx)
{
	struct sd *s = ctx;
	sl_fib_unreserve(s->fib);
}

static const struct sl_commit_steps steps = {
	.run = &sd.run,
	.ctx = &sd,
	.begin = step_begin,
	.fib = step_fib,
	.fw = step_fw,
	.follow = step_follow,
	.end = step_end,
	.refused = step_refused,
};

/* lib/commit's commands over the running configuration and sl_commit_run */
static const struct sl_committer committer = {
	.run = &sd.run, .commit = sl_commit_run, .ctx = (void *)&steps};

int sd_reload(struct sd *s)
{
	(void)s;
	return sl_running_reload(&committer);
}

static int ctl_init(void *ctx)
{
	struct sd *s = ctx;
	s->ctl = sl_ctl_server_open(s->socket_path, SL_CTL_SOCKET_MODE);
	if (s->ctl == NULL) {
		int e = errno;
		SD_LOG(ERR, "cannot open the control socket %s: %s",
			s->socket_path ? s->socket_path : SL_CTL_SOCKET_DEFAULT, strerror(e));
		return -e;
	}
	sl_ctl_server_set_request_max(s->ctl, s->ctl_request_max);
	/* configure, confirm, rollback, save: lib/commit's (commit_ctl.c); show
	 * system commit and the other show commands: lib/show's (show_ctl.c) */
	int rc = sl_running_ctl_register(&committer);
	if (rc == 0)
		rc = sl_show_ctl_register(&s->run);
	if (rc < 0) {
		SD_LOG(ERR, "cannot register the control commands");
		sl_ctl_server_close(s->ctl);
		s->ctl = NULL;
		return rc;
	}
	/* show interfaces, dataplane, leak graph, firewall, conntrack, nat,
	 * clear counters: lib/tele's, over its sources and lib/fw's counters */
	return sl_tele_show_register(s->router, s->fw);
}

static void ctl_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_ctl_server_close(s->ctl);
	s->ctl = NULL;
}

/* a commit-confirm whose time ran out goes back */
static void ctl_timers(void *ctx)
{
	(void)ctx;
	sl_running_confirm_tick(&committer, sl_running_now_ms());
}

/* The socket opens once the start-up configuration is in force (FIB,
 * firewall, FPM listener): a client finds it as configured. */
static struct sl_module ctl_module = {
	.name = "ctl", .deps = "fw fpm", .init = ctl_init, .fini = ctl_fini, .timers = ctl_timers};
SL_MODULE_REGISTER(ctl_module)
