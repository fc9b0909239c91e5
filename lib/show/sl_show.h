/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_show.h — operational `show` commands over the control-plane state,
 * in FRR/VyOS-style text or JSON. Shared by `sluicectl --offline` and the
 * daemon's control socket. Plain C (jansson for JSON), no DPDK.
 */
#ifndef SL_SHOW_H
#define SL_SHOW_H

#include <stdio.h>

#include "sl_commit.h"

/*
 * Run one show command, argv[0] being "show" (e.g. {"show","ip","route","vrf","A"}).
 * A trailing "|" pipeline is the caller's business. Output goes to out,
 * diagnostics to err.
 * Returns 0 on success, -ENOENT when the command is not one of lib/show's
 * (the daemon then tries its own), -EINVAL on a bad argument (message on err).
 */
int sl_show_exec(const struct sl_router *r, int argc, char **argv, bool json, FILE *out, FILE *err);

/* One line per command lib/show knows, for `help` and completion. */
void sl_show_help(FILE *out);

#endif
