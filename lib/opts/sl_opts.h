/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_opts.h — sluiced's own options (after the EAL's and `--`), parsed
 * into a struct (plain C, no DPDK): every bad value is refused with a line
 * that names the option and what is valid, so main only prints it.
 */
#ifndef SL_OPTS_H
#define SL_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_log.h"

struct sl_opts {
	const char *config_path; /* --config FILE; NULL: none */
	const char *commit_dir; /* --commit-dir DIR; NULL: <config>.commits (none: in memory) */
	const char *socket_path; /* --socket PATH; NULL: lib/ctl's default */
	const char *socket_group; /* --socket-group NAME; NULL: "sluice" when it exists */
	unsigned stats_period; /* --stats-period SEC in [0, 3600]; 0: no report */
	unsigned n_mbufs; /* --mbufs N in [1024, 2^24]; 0: sized from the queues */
	uint32_t ct_max; /* --conntrack-max N in [1, 2^24]; 0: lib/fw's default */
	uint32_t punt_ring; /* --punt-ring N, a power of 2 in [64, 65536]; 0: 4096 */
	size_t ctl_request_max; /* --ctl-request-max MIB in [1, 4096], in bytes; 0: default */
	enum sl_log_level log_level; /* --log-level LEVEL; SL_LOG_INFO by default */
	bool help; /* --help or -h: print the usage, exit 0 */
};

/*
 * Parse argv[1..argc-1] (argv[0]: the program) into *o, from its defaults.
 * 0, or -EINVAL with err holding one line (no newline) naming the option or
 * the argument and what is valid. --lpm-rules and --lpm-tbl8s are checked
 * and ignored (tables size themselves). Uses getopt_long: not reentrant.
 */
int sl_opts_parse(struct sl_opts *o, int argc, char **argv, char *err, size_t err_len);

/* The usage text; socket_default: the control socket when --socket is not given. */
void sl_opts_usage(FILE *f, const char *prog, const char *socket_default);

#endif
