/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_cmds.c — the "ctl" module: the control socket and its commands
 * (most are the libraries'), and the commit that `configure`, `rollback`, a
 * commit-confirm's timeout and SIGHUP run (sd_commit; those commands are
 * lib/commit's commit_cmds.c). */
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

void sd_commit_log(const char *line)
{
	sl_log(SL_LOG_NOTICE, "commit", "%s", line);
}

/* Every commit at notice, with who, its revision and where its time went:
 * the operator sees who changed what, and why a big change took long. */
static void configure_log(struct sd *s, const struct sl_commit_req *c, struct sl_commit_report *r,
	const struct sl_slow_punt_wait *pw)
{
	r->who = c->who;
	r->comment = c->comment;
	r->bytes = c->input ? strlen(c->input) : c->replace ? strlen(c->replace) : 0;
	sl_router_apply_stats(s->router, &r->apply);
	r->punt_wait_ms = pw->max_ms;
	r->punt_wait_cpu_ms = pw->max_cpu_ms;
	char line[1024];
	sl_commit_report_fmt(r, line, sizeof(line));
	sd_commit_log(line);
}

/* input: set/delete lines merged into the running configuration; replace:
 * the whole configuration (rollback); reload: the config file becomes the
 * whole configuration (SIGHUP). Errors are reported as "what: line: msg". */
int sd_commit(void *ctx, struct sl_commit_req *c, FILE *err)
{
	struct sd *s = ctx;
	const char *what = c->reload ? s->config_path : c->replace ? "revision" : "configure";
	struct sl_errors errs = {0};
	unsigned flags = 0;
	struct sl_slow_stats ss;
	sl_slow_stats_get(s->slow, &ss);
	uint64_t punts = ss.commit_punts;
	sl_slow_punt_wait_start(s->slow);
	int rc = c->reload    ? sl_router_reload_file(s->router, s->config_path, &errs, &flags)
		 : c->replace ? sl_router_replace(s->router, c->replace, &errs, &flags)
			      : sl_router_apply(s->router, c->input, &errs, &flags);
	const char *file = c->input ? NULL : what;
	if (rc < 0) {
		struct sl_slow_punt_wait pw;
		sl_slow_punt_wait_end(s->slow, &pw);
		sl_fib_unreserve(s->fib); /* a refused commit holds nothing */
		sl_log(SL_LOG_WARNING, "commit", "by %s: refused, nothing changed (%zu errors%s%s)",
			c->who, errs.n, errs.n ? "; first: " : "", errs.n ? errs.v[0].msg : "");
		sl_errors_print(err, file, &errs, "");
		if (errs.n == 0)
			fprintf(err, "%s: %s\n", what, strerror(-rc));
		sl_errors_free(&errs);
		return -EIO;
	}
	sl_errors_free(&errs);
	c->committed = true;
	/* lines accepted without effect (VyOS compatibility): said, not refused */
	sl_errors_print(err, file, sl_router_warnings(s->router), "warning: ");
	struct sl_commit_report r = {0};
	double t = sl_thread_cpu_ms();
	s->sync_note[0] = '\0';
	rc = sl_fib_module_sync();
	if (s->sync_note[0])
		fprintf(err, "%s: warning: %s\n", what, s->sync_note);
	r.fib_ms = sl_thread_cpu_ms() - t;
	/* the firewall follows the committed configuration whatever the FIB said */
	int frc = sl_fw_module_sync(false);
	sl_zebra_module_sync();
	sd_log_sync(s);
	sl_cpif_module_sync();
	sl_conf_changes_release(sl_router_conf(s->router)); /* the last reader is done */
	/* the revision: the whole configuration rendered, diffed and written
	 * (~3 us a line), the punt ring served meanwhile (sl_progress) */
	t = sl_thread_cpu_ms();
	sl_running_record(&s->run, c->who, c->comment, err, &r.revision, &r.added, &r.removed);
	r.history_ms = sl_thread_cpu_ms() - t;
	struct sl_slow_punt_wait pw;
	sl_slow_punt_wait_end(s->slow, &pw);
	sl_slow_stats_get(s->slow, &ss);
	r.punts = ss.commit_punts - punts;
	configure_log(s, c, &r, &pw);
	if (rc < 0) {
		fprintf(err, "%s: committed, but the FIB refused some changes: %s\n", what,
			strerror(-rc));
		return -EIO;
	}
	rc = frc;
	if (rc < 0) {
		fprintf(err,
			"%s: committed, but the firewall rulesets could not be "
			"compiled (%s): the previous ones stay in force\n",
			what, strerror(-rc));
		return -EIO;
	}
	if ((flags & SL_APPLY_SAVE) && sl_running_save(&s->run, NULL, NULL, err) < 0)
		return -EIO;
	return 0;
}

/* lib/commit's commands over the running configuration and sd_commit */
static struct sl_committer committer(struct sd *s)
{
	return (struct sl_committer){.run = &s->run, .commit = sd_commit, .ctx = s};
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
