/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_report.c — what the daemon says about a commit: its errors and
 * warnings located in the file or the input, the one log line with who,
 * what and where its time went (scripts/bench-churn.sh reads it), and
 * `save [/PATH/FILE]`.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "sl_commit.h"

void sl_errors_print(FILE *err, const char *file, const struct sl_errors *e, const char *kind)
{
	for (size_t i = 0; i < e->n; i++) {
		if (e->v[i].line == 0)
			fprintf(err, "%s: %s%s\n", file ? file : "configure", kind, e->v[i].msg);
		else if (file)
			fprintf(err, "%s:%u: %s%s\n", file, e->v[i].line, kind, e->v[i].msg);
		else
			fprintf(err, "%u: %s%s\n", e->v[i].line, kind, e->v[i].msg);
	}
}

void sl_commit_report_fmt(const struct sl_commit_report *r, char *buf, size_t len)
{
	const struct sl_apply_stats *st = &r->apply;
	bool cm = r->comment && r->comment[0];
	snprintf(buf, len,
		"by %s: %zu bytes, %zu changed paths, %zu FIB changes; revision %" PRIu64
		"%s%s%s, +%zu -%zu lines; CPU ms: parse %.1f, validate %.1f, RIB %.1f, conf "
		"commit %.1f, FIB %.1f, history %.1f; %" PRIu64 " punts served meanwhile, the "
		"punt ring waited %.1f ms at most (%.1f ms of it on CPU)",
		r->who, r->bytes, st->paths, st->fib_changes, r->revision, cm ? " (\"" : "",
		cm ? r->comment : "", cm ? "\")" : "", r->added, r->removed, st->parse_ms,
		st->validate_ms, st->rib_ms, st->commit_ms, r->fib_ms, r->history_ms, r->punts,
		r->punt_wait_ms, r->punt_wait_cpu_ms);
}

int sl_running_save(struct sl_running *run, const char *path, FILE *out, FILE *err)
{
	const char *p = path ? path : run->config_path;
	if (p == NULL) {
		fprintf(err, "save: sluiced was started without --config FILE: nowhere to save "
			     "(valid: save /PATH/FILE)\n");
		return -ENOENT;
	}
	int rc = sl_router_save_file(run->router, p, err);
	if (rc < 0)
		return rc == -EINVAL ? -EIO : rc; /* -EINVAL: the command's usage */
	/* the file holds the running configuration again */
	if (path == NULL || (run->config_path && strcmp(path, run->config_path) == 0))
		sl_running_fallback_clear(run);
	if (out != NULL) {
		char bak[4096];
		struct stat st;
		bool kept = snprintf(bak, sizeof(bak), "%s.bak", p) < (int)sizeof(bak) &&
			    stat(bak, &st) == 0;
		fprintf(out, "saved to %s%s%s%s\n", p, kept ? " (the previous file is " : "",
			kept ? bak : "", kept ? ")" : "");
	}
	return 0;
}

int sl_running_save_cmd(struct sl_running *run, int argc, char **argv, FILE *out, FILE *err)
{
	if (argc > 2) {
		fprintf(err, "save: unexpected '%s' (usage: save [/PATH/FILE])\n", argv[2]);
		return -EINVAL;
	}
	if (argc == 2 && argv[1][0] != '/') {
		/* the daemon's working directory is not the caller's */
		fprintf(err, "save: '%s' is not an absolute path (usage: save [/PATH/FILE])\n",
			argv[1]);
		return -EINVAL;
	}
	return sl_running_save(run, argc == 2 ? argv[1] : NULL, out, err);
}
