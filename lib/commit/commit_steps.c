/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_steps.c — one commit of the running configuration and the order in
 * which a daemon's parts follow it (struct sl_commit_steps): the router
 * applies it (the prepare hook reserves the FIB's memory first), the FIB
 * follows, then the firewall whatever the FIB said, then the parts that
 * cannot refuse (FPM, log level, TAPs); the history records the revision,
 * the log says who and where the time went, and a `save` line saves.
 */
#include <errno.h>
#include <string.h>

#include "commit_priv.h"
#include "sl_commit.h"
#include "sl_log.h"

static void commit_log(
	const struct sl_commit_steps *st, const struct sl_commit_req *c, struct sl_commit_report *r)
{
	r->who = c->who;
	r->comment = c->comment;
	r->bytes = c->input ? strlen(c->input) : c->replace ? strlen(c->replace) : 0;
	sl_router_apply_stats(st->run->router, &r->apply);
	char line[1024];
	sl_commit_report_fmt(r, line, sizeof(line));
	sl_log(SL_LOG_NOTICE, "commit", "%s", line);
}

static int refused(const struct sl_commit_steps *st, const struct sl_commit_req *c,
	struct sl_errors *errs, int rc, const char *what, FILE *err)
{
	struct sl_commit_report r = {0};
	if (st->end != NULL)
		st->end(st->ctx, &r);
	if (st->refused != NULL)
		st->refused(st->ctx); /* a refused commit holds nothing */
	sl_log(SL_LOG_WARNING, "commit", "by %s: refused, nothing changed (%zu errors%s%s)", c->who,
		errs->n, errs->n ? "; first: " : "", errs->n ? errs->v[0].msg : "");
	sl_errors_print(err, c->input ? NULL : what, errs, "");
	if (errs->n == 0)
		fprintf(err, "%s: %s\n", what, strerror(-rc));
	sl_errors_free(errs);
	return -EIO;
}

int sl_commit_run(void *ctx, struct sl_commit_req *c, FILE *err)
{
	const struct sl_commit_steps *st = ctx;
	struct sl_router *router = st->run->router;
	const char *cfg = st->run->config_path;
	const char *what = c->reload ? cfg : c->replace ? "revision" : "configure";
	struct sl_errors errs = {0};
	unsigned flags = 0;
	if (st->begin != NULL)
		st->begin(st->ctx);
	int rc = c->reload    ? sl_router_reload_file(router, cfg, &errs, &flags)
		 : c->replace ? sl_router_replace(router, c->replace, &errs, &flags)
			      : sl_router_apply(router, c->input, &errs, &flags);
	if (rc < 0)
		return refused(st, c, &errs, rc, what, err);
	sl_errors_free(&errs);
	c->committed = true;
	/* lines accepted without effect (VyOS compatibility): said, not refused */
	sl_errors_print(err, c->input ? NULL : what, sl_router_warnings(router), "warning: ");
	struct sl_commit_report r = {0};
	double t = sl_thread_cpu_ms();
	char note[256] = "";
	rc = st->fib != NULL ? st->fib(st->ctx, note, sizeof(note)) : 0;
	if (note[0])
		fprintf(err, "%s: warning: %s\n", what, note);
	r.fib_ms = sl_thread_cpu_ms() - t;
	sl_progress_run(); /* between the steps: each runs in one go */
	/* the firewall follows the committed configuration whatever the FIB said */
	int frc = st->fw != NULL ? st->fw(st->ctx) : 0;
	sl_progress_run();
	if (st->follow != NULL)
		st->follow(st->ctx);
	sl_progress_run();
	sl_conf_changes_release(sl_router_conf(router)); /* the last reader is done */
	/* the revision: the whole configuration rendered, diffed and written
	 * (~3 us a line), the punt ring served meanwhile (sl_progress) */
	t = sl_thread_cpu_ms();
	sl_running_record(st->run, c->who, c->comment, err, &r.revision, &r.added, &r.removed);
	r.history_ms = sl_thread_cpu_ms() - t;
	sl_progress_run();
	if (st->end != NULL)
		st->end(st->ctx, &r);
	commit_log(st, c, &r);
	sl_progress_run(); /* the log's strlen of a 10 MB change is a step too */
	if (rc < 0) {
		fprintf(err, "%s: committed, but the FIB refused some changes: %s\n", what,
			strerror(-rc));
		return -EIO;
	}
	if (frc < 0) {
		fprintf(err,
			"%s: committed, but the firewall rulesets could not be "
			"compiled (%s): the previous ones stay in force\n",
			what, strerror(-frc));
		return -EIO;
	}
	if ((flags & SL_APPLY_SAVE) && sl_running_save(st->run, NULL, NULL, err) < 0)
		return -EIO;
	return 0;
}
