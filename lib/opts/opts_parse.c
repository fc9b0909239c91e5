/* SPDX-License-Identifier: BSD-3-Clause */
/* opts_parse.c — sluiced's options: parsing and the usage text. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "sl_opts.h"
#include "sl_types.h"

void sl_opts_usage(FILE *f, const char *prog, const char *socket_default)
{
	fprintf(f,
		"usage: %s [EAL options] -- [--config FILE] [--socket PATH] [--stats-period SEC]\n"
		"                         [--mbufs N] [--conntrack-max N] [--punt-ring N]\n"
		"                         [--ctl-request-max MIB] [--socket-group NAME]\n"
		"                         [--log-level LEVEL]\n"
		"                         [--commit-dir DIR]\n"
		"  --config FILE       load FILE at start; `save` writes the running config there\n"
		"  --commit-dir DIR    the commit history (default FILE.commits; without\n"
		"                      --config: kept in memory only)\n"
		"  --socket PATH       control socket (default %s)\n"
		"  --socket-group NAME the socket's group (mode 0660; default sluice, when it\n"
		"                      exists)\n"
		"  --stats-period SEC  print per-port rates and drops every SEC seconds\n"
		"  --mbufs N           packet buffers in the pool (default: sized from the "
		"queues)\n"
		"  --conntrack-max N   flows tracked at leak points (default 65536)\n"
		"  --punt-ring N       slots of the main punt ring, a power of 2 in [64, 65536]\n"
		"                      (default 4096); BGP, OSPF and ARP have rings of their own\n"
		"  --ctl-request-max MIB  largest control-socket request (default 256); it\n"
		"                      guards memory: larger input is streamed in chunks\n"
		"  --log-level LEVEL   err, warning, notice, info (default) or debug; the\n"
		"                      configuration's `system syslog` level wins when set\n"
		"DPDK port N is interface ethN in the configuration (unless a hw-id pins it).\n",
		prog, socket_default);
}

/* The numeric options: where each goes, its range. */
struct num_opt {
	int code;
	const char *name;
	uint32_t min, max;
};

static const struct num_opt nums[] = {
	{'p', "--stats-period", 0, 3600},
	{'m', "--mbufs", 1024, 1u << 24},
	{'r', "--lpm-rules", 16, 1u << 24},
	{'t', "--lpm-tbl8s", 16, 1u << 24},
	{'k', "--conntrack-max", 1, 1u << 24},
	{'P', "--punt-ring", 64, 65536},
	{'q', "--ctl-request-max", 1, 4096},
};

static int num_set(struct sl_opts *o, const struct num_opt *n, const char *v, char *err, size_t len)
{
	uint32_t x;
	if (sl_u32_parse(v, n->min, n->max, &x) < 0) {
		snprintf(err, len, "%s: '%s' is not a number in [%u, %u]", n->name, v, n->min,
			n->max);
		return -EINVAL;
	}
	switch (n->code) {
	case 'p':
		o->stats_period = x;
		break;
	case 'm':
		o->n_mbufs = x;
		break;
	case 'k':
		o->ct_max = x;
		break;
	case 'P':
		if ((x & (x - 1)) != 0) {
			snprintf(err, len,
				"--punt-ring: %u is not a power of 2 (64, 128, ... 65536)", x);
			return -EINVAL;
		}
		o->punt_ring = x;
		break;
	case 'q':
		o->ctl_request_max = (size_t)x << 20;
		break;
	default: /* --lpm-rules, --lpm-tbl8s: accepted from old scripts */
		break;
	}
	return 0;
}

int sl_opts_parse(struct sl_opts *o, int argc, char **argv, char *err, size_t err_len)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"stats-period", required_argument, NULL, 'p'},
		{"mbufs", required_argument, NULL, 'm'},
		{"lpm-rules", required_argument, NULL, 'r'},
		{"lpm-tbl8s", required_argument, NULL, 't'},
		{"conntrack-max", required_argument, NULL, 'k'},
		{"punt-ring", required_argument, NULL, 'P'},
		{"ctl-request-max", required_argument, NULL, 'q'},
		{"socket-group", required_argument, NULL, 'g'},
		{"log-level", required_argument, NULL, 'l'},
		{"commit-dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*o = (struct sl_opts){.log_level = SL_LOG_INFO};
	int c;
	optind = 1;
	opterr = 0; /* our own messages, into err */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 's':
			o->socket_path = optarg;
			break;
		case 'd':
			o->commit_dir = optarg;
			break;
		case 'g':
			o->socket_group = optarg;
			break;
		case 'l':
			if (sl_log_level_parse(optarg, &o->log_level) < 0) {
				snprintf(err, err_len, "--log-level: '%s' is not one of %s", optarg,
					SL_LOG_LEVELS_VALID);
				return -EINVAL;
			}
			break;
		case 'h':
			o->help = true;
			break;
		case ':':
			snprintf(err, err_len, "%s: needs a value", argv[optind - 1]);
			return -EINVAL;
		case '?':
			snprintf(err, err_len,
				"unknown or ambiguous option '%s' (--help lists them)",
				argv[optind - 1]);
			return -EINVAL;
		default: /* a numeric option */
			for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
				if (nums[i].code == c &&
					num_set(o, &nums[i], optarg, err, err_len) < 0)
					return -EINVAL;
			break;
		}
	}
	if (optind < argc) {
		snprintf(err, err_len, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}
