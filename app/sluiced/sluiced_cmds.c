/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_cmds.c — the "ctl" module: the control socket and its commands
 * (most are the libraries'), and the steps of the commit that `configure`,
 * `rollback`, a commit-confirm's timeout and SIGHUP run (lib/commit's
 * sl_commit_run calls them in its order; the commands are commit_cmds.c's). */
#include <errno.h>
#include <inttypes.h>
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
	s->sync_note[0] = '\0';
	int rc = sl_fib_module_sync();
	snprintf(note, note_len, "%s", s->sync_note);
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
static struct sl_committer committer(struct sd *s)
{
	return (struct sl_committer){
		.run = &s->run, .commit = sl_commit_run, .ctx = (void *)&steps};
}

int sd_reload(struct sd *s)
{
	struct sl_committer k = committer(s);
	return sl_running_reload(&k);
}

/* "uid N" of the control-socket peer (the kernel's word, SO_PEERCRED). */
static const char *peer_who(char *buf, size_t len)
{
	int64_t uid = sl_ctl_peer_uid();
	if (uid < 0)
		snprintf(buf, len, "uid unknown");
	else
		snprintf(buf, len, "uid %" PRId64, uid);
	return buf;
}

/* lib/commit's 0, -EINVAL (usage) or failure, as the control socket says it */
static int ctl_rc(int rc)
{
	return rc == -EINVAL ? SL_CTL_USAGE : rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

static int cmd_configure(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json;
	char who[32];
	struct sl_committer k = committer(ctx);
	return ctl_rc(sl_running_configure_cmd(
		&k, argc, argv, input, peer_who(who, sizeof(who)), out, err));
}

static int cmd_confirm(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argv, (void)json, (void)input;
	char who[32];
	struct sd *s = ctx;
	return ctl_rc(sl_running_confirm_cmd(&s->run, argc, peer_who(who, sizeof(who)), out, err));
}

static int cmd_rollback(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	char who[32];
	struct sl_committer k = committer(ctx);
	return ctl_rc(
		sl_running_rollback_cmd(&k, argc, argv, peer_who(who, sizeof(who)), out, err));
}

static int cmd_save(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	struct sd *s = ctx;
	return ctl_rc(sl_running_save_cmd(&s->run, argc, argv, out, err));
}

static int cmd_show_default(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	int rc = sl_show_exec(s->router, argc, argv, json, out, err);
	if (rc == -ENOENT) {
		/* the bad word and what is valid there: lib/show's commands
		 * and the daemon's own */
		const char *extra[65];
		sl_ctl_words_after("show", extra, 64);
		extra[64] = NULL;
		sl_show_unknown(extra, argc, argv, err);
		return SL_CTL_USAGE;
	}
	return rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

/* lib/show's, over the daemon's record of the running configuration */
static int cmd_show_commit(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	return ctl_rc(sl_show_commit(&s->run, argc - 3, argv + 3, json, out, err));
}

static void help_default(FILE *out, void *ctx)
{
	(void)ctx;
	sl_show_help(out);
}

static int ctl_init(void *ctx)
{
	static const struct {
		const char *words;
		sl_ctl_handler_fn fn;
	} cmds[] = {
		{"configure", cmd_configure},
		{"confirm", cmd_confirm},
		{"rollback", cmd_rollback},
		{"save", cmd_save},
		{"show system commit", cmd_show_commit},
		{"show system commit diff", cmd_show_commit},
		{"show system commit compare", cmd_show_commit},
		{"show system commit id", cmd_show_commit},
	};
	struct sd *s = ctx;
	s->ctl = sl_ctl_server_open(s->socket_path, SL_CTL_SOCKET_MODE);
	if (s->ctl == NULL) {
		int e = errno;
		SD_LOG(ERR, "cannot open the control socket %s: %s",
			s->socket_path ? s->socket_path : SL_CTL_SOCKET_DEFAULT, strerror(e));
		return -e;
	}
	sl_ctl_server_set_request_max(s->ctl, s->ctl_request_max);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		rc = sl_ctl_register(cmds[i].words, cmds[i].fn, s);
	if (rc < 0) {
		SD_LOG(ERR, "cannot register the control commands");
		sl_ctl_server_close(s->ctl);
		s->ctl = NULL;
		return rc;
	}
	sl_ctl_set_default(cmd_show_default, help_default, s);
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
	struct sl_committer k = committer(ctx);
	sl_running_confirm_tick(&k, sl_running_now_ms());
}

/* The socket opens once the start-up configuration is in force (FIB,
 * firewall, FPM listener): a client finds it as configured. */
static struct sl_module ctl_module = {
	.name = "ctl", .deps = "fw fpm", .init = ctl_init, .fini = ctl_fini, .timers = ctl_timers};
SL_MODULE_REGISTER(ctl_module)
