/* SPDX-License-Identifier: BSD-3-Clause */
/* show_commit.c — `show system commit [diff N | compare N M | id]` over the
 * daemon's record of the running configuration (lib/commit's sl_running). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sl_show.h"

static void list_text(const struct sl_running *run, FILE *out)
{
	if (run->fallback != NULL)
		fprintf(out, "WARNING: %s\n", run->fallback);
	if (run->paused)
		fprintf(out,
			"commits are not recorded: %zu static routes (more than %zu); the "
			"revisions below are older than the running configuration\n",
			run->paused, run->routes_max);
	if (run->confirm.pending)
		sl_running_confirm_note(run, out);
	fprintf(out, "%-4s %-8s %-19s %-16s %-16s %s\n", "N", "Revision", "Time", "Who", "Changes",
		"Comment");
	for (size_t n = 0; n < sl_history_count(run->history); n++) {
		const struct sl_rev *r = sl_history_at(run->history, n);
		char t[32], ch[40];
		sl_time_fmt((time_t)r->time, t, sizeof(t));
		snprintf(ch, sizeof(ch), "+%zu -%zu lines", r->added, r->removed);
		fprintf(out, "%-4zu %-8" PRIu64 " %-19s %-16s %-16s %s%s\n", n, r->id, t, r->who,
			ch,
			r->id == run->fallback_id && run->fallback ? "[start-up fallback] " : "",
			r->comment);
	}
}

static json_t *list_json(const struct sl_running *run)
{
	json_t *revs = json_array(), *v = json_object();
	if (revs == NULL || v == NULL) {
		json_decref(revs);
		json_decref(v);
		return NULL;
	}
	for (size_t n = 0; n < sl_history_count(run->history); n++) {
		const struct sl_rev *r = sl_history_at(run->history, n);
		char t[32];
		sl_time_fmt((time_t)r->time, t, sizeof(t));
		json_array_append_new(revs,
			json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "n",
				(json_int_t)n, "id", (json_int_t)r->id, "time", (json_int_t)r->time,
				"time_text", t, "who", r->who, "comment", r->comment, "added",
				(json_int_t)r->added, "removed", (json_int_t)r->removed, "fallback",
				run->fallback != NULL && r->id == run->fallback_id));
	}
	json_object_set_new(v, "running", json_integer((json_int_t)sl_running_id(run)));
	json_object_set_new(
		v, "fallback", run->fallback ? json_string(run->fallback) : json_null());
	json_object_set_new(v, "recording", json_boolean(run->paused == 0));
	json_object_set_new(v, "confirm_pending",
		run->confirm.pending
			? json_pack("{s:I, s:I}", "revert_to", (json_int_t)run->confirm.revert_id,
				  "deadline", (json_int_t)run->confirm.deadline)
			: json_null());
	json_object_set_new(v, "revisions", revs);
	return v;
}

/* Revision n of the history for `show system commit diff|compare`. */
static const struct sl_rev *rev_arg(const struct sl_running *run, const char *arg, FILE *err)
{
	uint32_t n;
	const struct sl_rev *r = NULL;
	if (sl_u32_parse(arg, 0, UINT32_MAX - 1, &n) == 0)
		r = sl_history_at(run->history, n);
	if (r == NULL) {
		char held[64];
		sl_running_held(run, held, sizeof(held));
		fprintf(err, "show system commit: no revision '%s': %s\n", arg, held);
	}
	return r;
}

static int dump_json(json_t *v, FILE *out, FILE *err)
{
	if (v == NULL) {
		fprintf(err, "show system commit: out of memory\n");
		return -ENOMEM;
	}
	json_dumpf(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(out, "\n");
	json_decref(v);
	return 0;
}

/* from → to as "- LINE" / "+ LINE", or JSON {"from","to","removed","added"}. */
static int diff_show(
	const struct sl_rev *from, const struct sl_rev *to, bool json, FILE *out, FILE *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = json ? open_memstream(&buf, &len) : out;
	if (m == NULL || sl_text_diff(from->text, to->text, m, NULL, NULL) < 0) {
		if (json && m != NULL)
			fclose(m);
		free(buf);
		fprintf(err, "show system commit: out of memory\n");
		return -ENOMEM;
	}
	if (!json)
		return 0;
	fclose(m);
	json_t *v = json_pack("{s:I, s:I, s:[], s:[]}", "from", (json_int_t)from->id, "to",
		(json_int_t)to->id, "removed", "added");
	for (char *save, *l = strtok_r(buf, "\n", &save); v && l; l = strtok_r(NULL, "\n", &save))
		json_array_append_new(
			json_object_get(v, l[0] == '-' ? "removed" : "added"), json_string(l + 2));
	free(buf);
	return dump_json(v, out, err);
}

int sl_show_commit(
	const struct sl_running *run, int argc, char **argv, bool json, FILE *out, FILE *err)
{
	if (argc == 0) {
		if (!json) {
			list_text(run, out);
			return 0;
		}
		return dump_json(list_json(run), out, err);
	}
	const char *sub = argv[0];
	if (strcmp(sub, "id") == 0 && argc == 1) {
		if (json)
			fprintf(out, "{\"id\": %" PRIu64 "}\n", sl_running_id(run));
		else
			fprintf(out, "%" PRIu64 "\n", sl_running_id(run));
		return 0;
	}
	if (strcmp(sub, "diff") == 0 && argc == 2) {
		const struct sl_rev *to = rev_arg(run, argv[1], err), *from;
		if (to == NULL)
			return -EINVAL;
		from = sl_history_at(run->history, (size_t)strtoul(argv[1], NULL, 10) + 1);
		if (from == NULL) {
			fprintf(err,
				"show system commit diff %s: the revision before it is no "
				"longer kept\n",
				argv[1]);
			return -ENOENT;
		}
		return diff_show(from, to, json, out, err);
	}
	if (strcmp(sub, "compare") == 0 && argc == 3) {
		const struct sl_rev *a = rev_arg(run, argv[1], err);
		const struct sl_rev *b = a ? rev_arg(run, argv[2], err) : NULL;
		return b == NULL ? -EINVAL : diff_show(a, b, json, out, err);
	}
	fprintf(err, "usage: show system commit [diff N | compare N M | id]\n");
	return -EINVAL;
}
