/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_ctl.c — the commands that commit on the control socket (lib/ctl):
 * `configure`, `confirm`, `rollback` and `save` over the daemon's committer,
 * each told who asked ("uid N", the kernel's word). Its own library
 * (sl_commit_ctl), so that lib/commit itself needs no socket.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "sl_commit.h"
#include "sl_ctl.h"

/* "uid N" of the control-socket peer (SO_PEERCRED). */
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
static int cmd_configure(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json;
	char who[32];
	return sl_ctl_rc(sl_running_configure_cmd(
		ctx, argc, argv, input, peer_who(who, sizeof(who)), out, err));
}

static int cmd_confirm(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argv, (void)json, (void)input;
	char who[32];
	const struct sl_committer *k = ctx;
	return sl_ctl_rc(
		sl_running_confirm_cmd(k->run, argc, peer_who(who, sizeof(who)), out, err));
}

static int cmd_rollback(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	char who[32];
	return sl_ctl_rc(
		sl_running_rollback_cmd(ctx, argc, argv, peer_who(who, sizeof(who)), out, err));
}

static int cmd_save(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	const struct sl_committer *k = ctx;
	return sl_ctl_rc(sl_running_save_cmd(k->run, argc, argv, out, err));
}

int sl_running_ctl_register(const struct sl_committer *k)
{
	static const struct {
		const char *words;
		sl_ctl_handler_fn fn;
	} cmds[] = {
		{"configure", cmd_configure},
		{"confirm", cmd_confirm},
		{"rollback", cmd_rollback},
		{"save", cmd_save},
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		rc = sl_ctl_register(cmds[i].words, cmds[i].fn, (void *)k);
	return rc;
}
