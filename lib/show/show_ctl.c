/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show_ctl.c — lib/show's commands on the control socket (lib/ctl): every
 * `show …` no other registration takes, over the daemon's running
 * configuration, and `show system commit …` over its record. Its own
 * library (sl_show_ctl), so that the offline CLI's lib/show needs no socket.
 */
#include <errno.h>

#include "sl_ctl.h"
#include "sl_show.h"

static int cmd_show_default(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	const struct sl_running *run = ctx;
	int rc = sl_show_exec(run->router, argc, argv, json, out, err);
	if (rc == -ENOENT) {
		/* the bad word and what is valid there: lib/show's commands
		 * and the ones registered on the socket */
		const char *extra[65];
		sl_ctl_words_after("show", extra, 64);
		extra[64] = NULL;
		sl_show_unknown(extra, argc, argv, err);
		return SL_CTL_USAGE;
	}
	return rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

static int cmd_show_commit(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	return sl_ctl_rc(sl_show_commit(ctx, argc - 3, argv + 3, json, out, err));
}

static void help_default(FILE *out, void *ctx)
{
	(void)ctx;
	sl_show_help(out);
}

int sl_show_ctl_register(const struct sl_running *run)
{
	static const char *const commit_words[] = {"show system commit", "show system commit diff",
		"show system commit compare", "show system commit id"};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(commit_words) / sizeof(commit_words[0]); i++)
		rc = sl_ctl_register(commit_words[i], cmd_show_commit, (void *)run);
	if (rc == 0)
		sl_ctl_set_default(cmd_show_default, help_default, (void *)run);
	return rc;
}
