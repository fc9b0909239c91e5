/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_cmds.c — the daemon's control-socket commands. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "sl_fw.h"
#include "sl_show.h"
#include "sl_tele.h"
#include "sluiced.h"

static int usage(FILE *err, const char *u)
{
	fprintf(err, "usage: %s\n", u);
	return SL_CTL_USAGE;
}

/*
 * Write the running configuration over the config file without ever leaving
 * a half-written one: a new file (O_EXCL: never through a symlink someone
 * left there) in the same directory, given the old file's mode and owner,
 * fsynced, renamed over the old one, and the directory fsynced. A symlinked
 * config file is written where it points.
 */
static int save_file(const struct sd *s, const char *path, FILE *err)
{
	char *real = realpath(path, NULL);
	const char *target = real ? real : path;
	char *dir_copy = strdup(target), *base_copy = strdup(target);
	char tmp[PATH_MAX] = "";
	int rc = 0, fd = -1, dfd = -1;
	FILE *f = NULL;
	struct stat st;
	bool had = stat(target, &st) == 0;

	if (dir_copy == NULL || base_copy == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	const char *dir = dirname(dir_copy);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, basename(base_copy)) >=
		(int)sizeof(tmp)) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = -errno;
		fprintf(err, "save: cannot create a file in %s: %s\n", dir, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	/* the old file's mode and owner; a new one is readable by its owner only */
	if (fchmod(fd, had ? (st.st_mode & 07777) : 0600) < 0 ||
		(had && fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)) {
		rc = -errno;
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = -errno;
		goto out;
	}
	fd = -1; /* f owns it */
	rc = sl_router_render(s->router, f);
	if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	f = NULL;
	if (rc == 0 && rename(tmp, target) != 0)
		rc = -errno;
	if (rc == 0) {
		tmp[0] = '\0'; /* renamed: nothing to remove */
		/* the rename itself survives a power cut only once the directory is synced */
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) < 0)
			rc = -errno;
	}
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (rc < 0 && tmp[0] != '\0')
		unlink(tmp);
	if (rc < 0)
		fprintf(err, "save: %s: %s\n", target, strerror(-rc));
	free(dir_copy), free(base_copy), free(real);
	return rc;
}

static int save_config(struct sd *s, FILE *err)
{
	if (s->config_path == NULL) {
		fprintf(err, "save: sluiced was started without --config FILE: nowhere to save\n");
		return SL_CTL_FAILED;
	}
	return save_file(s, s->config_path, err) < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Where a commit's time went: the operator sees why a big change took long. */
static void configure_log(struct sd *s, size_t bytes, double fib_ms, uint64_t punts,
	const struct sl_slow_punt_wait *pw)
{
	struct sl_apply_stats st;
	sl_router_apply_stats(s->router, &st);
	SD_LOG(INFO,
		"commit: %zu bytes, %zu changed paths, %zu FIB changes; CPU ms: parse %.1f, "
		"validate %.1f, RIB %.1f, conf commit %.1f, FIB %.1f; %" PRIu64
		" punts served meanwhile, the punt ring waited %.1f ms at most (%.1f ms of it "
		"on CPU)",
		bytes, st.paths, st.fib_changes, st.parse_ms, st.validate_ms, st.rib_ms,
		st.commit_ms, fib_ms, punts, pw->max_ms, pw->max_cpu_ms);
}

/* One commit, then the FIB and the firewall follow it. input: set/delete lines
 * merged into the running configuration; reload: the config file becomes the
 * whole configuration (SIGHUP). Errors are reported as "what: line: msg". */
static int commit_and_sync(struct sd *s, const char *input, bool reload, FILE *err)
{
	const char *what = reload ? s->config_path : "configure";
	struct sl_errors errs = {0};
	unsigned flags = 0;
	struct sl_slow_stats ss;
	sl_slow_stats_get(s->slow, &ss);
	uint64_t punts = ss.commit_punts;
	sl_slow_punt_wait_start(s->slow);
	int rc = reload ? sl_router_reload_file(s->router, s->config_path, &errs, &flags)
			: sl_router_apply(s->router, input, &errs, &flags);
	if (rc < 0) {
		sl_fib_unreserve(s->fib); /* a refused commit holds nothing */
		for (size_t i = 0; i < errs.n; i++)
			fprintf(err, "%s%s%u: %s\n", reload ? what : "", reload ? ":" : "",
				errs.v[i].line, errs.v[i].msg);
		if (errs.n == 0)
			fprintf(err, "%s: %s\n", what, strerror(-rc));
		sl_errors_free(&errs);
		return SL_CTL_FAILED;
	}
	sl_errors_free(&errs);
	double t = cpu_ms();
	rc = sd_sync(s);
	struct sl_slow_punt_wait pw;
	sl_slow_punt_wait_end(s->slow, &pw);
	sl_slow_stats_get(s->slow, &ss);
	configure_log(s, input ? strlen(input) : 0, cpu_ms() - t, ss.commit_punts - punts, &pw);
	/* the firewall follows the committed configuration whatever the FIB said */
	int frc = sd_fw_sync(s, false);
	sd_fpm_sync(s);
	sl_conf_changes_release(sl_router_conf(s->router)); /* the last reader is done */
	if (rc < 0) {
		fprintf(err, "%s: committed, but the FIB refused some changes: %s\n", what,
			strerror(-rc));
		return SL_CTL_FAILED;
	}
	rc = frc;
	if (rc < 0) {
		fprintf(err,
			"%s: committed, but the firewall rulesets could not be "
			"compiled (%s): the previous ones stay in force\n",
			what, strerror(-rc));
		return SL_CTL_FAILED;
	}
	if (flags & SL_APPLY_SAVE)
		return save_config(s, err);
	return SL_CTL_OK;
}

static int cmd_configure(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)out;
	return commit_and_sync(ctx, input, false, err);
}

int sd_reload(struct sd *s)
{
	if (s->config_path == NULL) {
		SD_LOG(NOTICE, "SIGHUP: started without --config FILE: nothing to reload");
		return 0;
	}
	char *msg = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msg, &len);
	if (err == NULL) {
		SD_LOG(ERR, "SIGHUP: out of memory: %s not reloaded", s->config_path);
		return -ENOMEM;
	}
	int rc = commit_and_sync(s, NULL, true, err);
	fclose(err);
	if (rc == SL_CTL_OK)
		SD_LOG(NOTICE, "SIGHUP: %s reloaded", s->config_path);
	else
		SD_LOG(ERR, "SIGHUP: %s not reloaded, the running configuration is kept:\n%s",
			s->config_path, msg);
	free(msg);
	return rc == SL_CTL_OK ? 0 : -EINVAL;
}

static int cmd_save(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)out;
	return save_config(ctx, err);
}

static int cmd_show_interfaces(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err;
	struct sd *s = ctx;
	const struct sl_fib_ifmap *m = sl_fib_ifmap(s->fib);
	const struct sl_rib *rib = sl_router_rib_const(s->router);
	if (json)
		fprintf(out, "[");
	else
		fprintf(out, "%-12s %-6s %-18s %-14s %-20s %12s %12s %10s\n", "Interface", "State",
			"MAC", "VRF", "Addresses", "RX-packets", "TX-packets", "Drops");
	bool first = true;
	for (uint16_t i = 0; i < m->n_ifs; i++) {
		const struct sl_fib_iface *f = &m->ifs[i];
		if (!f->present)
			continue;
		struct rte_eth_stats st = {0};
		struct rte_eth_link link = {0};
		rte_eth_stats_get(f->port, &st);
		rte_eth_link_get_nowait(f->port, &link);
		/* net_tap reports no link once its kernel side moved to another
		 * namespace: the state shown is the configured one, link apart */
		const char *state = f->up ? "up" : "down";
		const char *lnk = link.link_status ? "up" : "down";
		char mac[RTE_ETHER_ADDR_FMT_SIZE], addrs[256] = "", p[SL_PREFIX_STR];
		rte_ether_format_addr(mac, sizeof(mac), &f->mac);
		for (uint32_t a = 0; a < f->n_addrs; a++) {
			size_t l = strlen(addrs);
			snprintf(addrs + l, sizeof(addrs) - l, json ? "%s\"%s\"" : "%s%s",
				a ? "," : "", sl_prefix_fmt(f->addrs[a], p));
		}
		const char *vrf = sl_rib_vrf_name(rib, f->vrf_id);
		uint64_t drops = st.imissed + st.ierrors + st.oerrors;
		if (json)
			fprintf(out,
				"%s{\"name\":\"%s\",\"port\":%u,\"vlan\":%u,\"state\":\"%s\","
				"\"link\":\"%s\","
				"\"mac\":\"%s\",\"vrf\":\"%s\",\"addresses\":[%s],\"rx_packets\":"
				"%" PRIu64 ",\"tx_packets\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
				",\"tx_bytes\":%" PRIu64 ",\"drops\":%" PRIu64 "}",
				first ? "" : ",", f->name, f->port, f->vlan, state, lnk, mac,
				vrf ? vrf : "", addrs, st.ipackets, st.opackets, st.ibytes,
				st.obytes, drops);
		else
			fprintf(out,
				"%-12s %-6s %-18s %-14s %-20s %12" PRIu64 " %12" PRIu64
				" %10" PRIu64 "\n",
				f->name, state, mac, vrf ? vrf : "?", addrs[0] ? addrs : "-",
				st.ipackets, st.opackets, drops);
		first = false;
	}
	if (json)
		fprintf(out, "]\n");
	else
		fprintf(out, "(counters are per port; a port's vifs share them)\n");
	return SL_CTL_OK;
}

static int cmd_show_dataplane(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err;
	struct sd *s = ctx;
	struct sl_dp_counters c;
	sl_dp_counters_sum(s->dp, &c);
	struct sl_fib_stats fs;
	sl_fib_stats_get(s->fib, &fs);
	struct sl_dp_stalls st;
	sl_dp_stalls_get(s->dp, &st);
	struct sl_slow_stats ss;
	sl_slow_stats_get(s->slow, &ss);
	if (json) {
		fprintf(out,
			"{\"rx\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"forwarded\":%" PRIu64
			",\"leaked\":%" PRIu64 ",\"work_cycles\":%" PRIu64
			",\"slow_path_drops\":%" PRIu64 ",\"neighbours\":{\"entries\":%u,"
			"\"incomplete\":%u,\"held\":%u,\"refused\":%" PRIu64
			",\"arp_rate_limited\":%" PRIu64 ",\"icmp_rate_limited\":%" PRIu64
			"},\"punted\":{",
			c.rx, c.tx, c.forwarded, c.leaked, c.work_cycles, ss.drops, ss.neighbours,
			ss.incomplete, ss.held, ss.neigh_refused, ss.arp_limited, ss.icmp_limited);
		for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_dp_punt_names[i],
				c.punted[i]);
		fprintf(out, "},\"dropped\":{");
		for (int i = 0; i < SL_DP_DROP__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_dp_drop_names[i],
				c.dropped[i]);
		fprintf(out,
			"},\"stalls\":{\"max_loop_us\":%.1f,\"max_on_cpu_us\":%.1f,"
			"\"gaps_over_1ms\":%" PRIu64 ",\"on_cpu_over_1ms\":%" PRIu64 "}",
			(double)st.max_gap_ns / 1e3, (double)st.max_on_cpu_ns / 1e3,
			st.gaps_over_1ms, st.on_cpu_over_1ms);
		fprintf(out,
			",\"fib\":{\"vrfs\":%u,\"vrfs_small\":%u,\"promotions\":%u,"
			"\"next_hops\":%u,\"ecmp_groups\":%u,\"neighbours\":%u,"
			"\"bytes_per_vrf\":%zu,\"bytes_total\":%zu,\"tbl8_groups\":%u,\"tables\":[",
			fs.vrfs, fs.vrfs_small, fs.promotions, fs.nh_used, fs.groups, fs.neighbours,
			fs.bytes_per_vrf, fs.bytes_total, fs.tbl8_groups_used);
		/* the real DPDK memory of each VRF's table, as it sized itself */
		const struct sl_rib *rib = sl_router_rib_const(s->router);
		for (uint32_t v = 0, n = 0; v < SL_VRF_MAX; v++) {
			struct sl_fib_vrf_stats vs;
			if (sl_fib_vrf_stats_get(s->fib, v, &vs) < 0)
				continue;
			const char *name = sl_rib_vrf_name(rib, v);
			fprintf(out,
				"%s{\"vrf\":\"%s\",\"layout\":\"%s\",\"routes\":%zu,"
				"\"bytes\":%zu,\"groups\":%u}",
				n++ ? "," : "", name ? name : "default",
				vs.small ? "small" : "rte_lpm", vs.routes, vs.bytes,
				vs.groups_used);
		}
		fprintf(out, "]}}\n");
		return SL_CTL_OK;
	}
	fprintf(out,
		"workers: %u\nrx %" PRIu64 "  tx %" PRIu64 "  forwarded %" PRIu64
		"  leaked %" PRIu64 "  work %.1f cycles/packet\n",
		s->n_workers, c.rx, c.tx, c.forwarded, c.leaked,
		c.rx ? (double)c.work_cycles / (double)c.rx : 0.0);
	fprintf(out, "punted:");
	for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
		fprintf(out, " %s=%" PRIu64, sl_dp_punt_names[i], c.punted[i]);
	fprintf(out, "\ndropped:");
	for (int i = 0; i < SL_DP_DROP__COUNT; i++)
		fprintf(out, " %s=%" PRIu64, sl_dp_drop_names[i], c.dropped[i]);
	fprintf(out, "\nslow path drops: %" PRIu64 "\n", ss.drops);
	fprintf(out,
		"neighbours: %u (%u incomplete, %u packets held); refused %" PRIu64
		", ARP requests rate-limited %" PRIu64 ", ICMP errors rate-limited %" PRIu64 "\n",
		ss.neighbours, ss.incomplete, ss.held, ss.neigh_refused, ss.arp_limited,
		ss.icmp_limited);
	fprintf(out,
		"worker loop gaps: longest %.1f us (%.1f us of it on CPU); over 1 ms: %" PRIu64
		" (%" PRIu64 " on CPU)\n",
		(double)st.max_gap_ns / 1e3, (double)st.max_on_cpu_ns / 1e3, st.gaps_over_1ms,
		st.on_cpu_over_1ms);
	fprintf(out,
		"fib: %u VRF tables (%u small, %u rte_lpm layout; %zu MiB, largest %zu KiB, %u "
		"groups), %u next hops, %u neighbours, %u ECMP next-hop groups\n",
		fs.vrfs, fs.vrfs_small, fs.vrfs - fs.vrfs_small, fs.bytes_total >> 20,
		fs.bytes_per_vrf >> 10, fs.tbl8_groups_used, fs.nh_used, fs.neighbours, fs.groups);
	return SL_CTL_OK;
}

static const char *vrf_name(void *rib, uint32_t vrf_id)
{
	return sl_rib_vrf_name(rib, vrf_id);
}

static int cmd_show_arp(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	uint32_t vrf_id = SL_SLOW_ALL_VRFS;
	if (argc == 4 && strcmp(argv[2], "vrf") == 0) {
		struct sl_vrf_info vi;
		if (sl_rib_vrf_info(sl_router_rib_const(s->router), argv[3], &vi) < 0) {
			fprintf(err, "show arp: no VRF named '%s'\n", argv[3]);
			return SL_CTL_FAILED;
		}
		vrf_id = vi.id;
	} else if (argc != 2) {
		return usage(err, "show arp [vrf NAME]");
	}
	sl_slow_arp_show(
		s->slow, out, vrf_id, json, vrf_name, (void *)sl_router_rib_const(s->router));
	return SL_CTL_OK;
}

static int cmd_clear_counters(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)out;
	struct sd *s = ctx;
	sl_dp_counters_clear(s->dp);
	if (sl_tele_clear() < 0) {
		fprintf(err, "clear counters: out of memory (per-VRF counters not cleared)\n");
		return SL_CTL_FAILED;
	}
	if (s->fw != NULL)
		sl_fw_counters_clear(s->fw);
	sl_slow_counters_clear(s->slow);
	for (uint16_t p = 0; p < s->n_ports; p++)
		rte_eth_stats_reset(p);
	return SL_CTL_OK;
}

static void ping_done(void *req, int status)
{
	sl_ctl_request_finish(req, status);
}

/* ping ADDR vrf NAME [count N] / traceroute ADDR vrf NAME */
static int cmd_ping(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input, (void)out;
	struct sd *s = ctx;
	bool trace = strcmp(argv[0], "traceroute") == 0;
	const char *u = trace ? "traceroute ADDR vrf NAME" : "ping ADDR vrf NAME [count N]";
	uint32_t dst, count = 3;
	if (argc < 4 || strcmp(argv[2], "vrf") != 0)
		return usage(err, u);
	if (sl_addr_parse(argv[1], &dst) < 0) {
		fprintf(err, "%s: '%s' is not an IPv4 address\n", argv[0], argv[1]);
		return SL_CTL_USAGE;
	}
	if (!trace && argc == 6 && strcmp(argv[4], "count") == 0) {
		if (sl_u32_parse(argv[5], 1, 100, &count) < 0) {
			fprintf(err, "ping: count '%s' is not a number in [1, 100]\n", argv[5]);
			return SL_CTL_USAGE;
		}
	} else if (argc != 4) {
		return usage(err, u);
	}
	struct sl_vrf_info vi;
	if (sl_rib_vrf_info(sl_router_rib_const(s->router), argv[3], &vi) < 0) {
		fprintf(err, "%s: no VRF named '%s'\n", argv[0], argv[3]);
		return SL_CTL_FAILED;
	}
	uint32_t src;
	int rc = sl_slow_route_src(s->slow, vi.id, dst, &src);
	if (rc < 0) {
		fprintf(err, "%s: %s: %s in vrf %s\n", argv[0], argv[1],
			rc == -EADDRNOTAVAIL ? "no source address on the egress interface"
					     : "no route",
			argv[3]);
		return SL_CTL_FAILED;
	}
	struct sl_ctl_request *req = sl_ctl_defer();
	if (req == NULL)
		return SL_CTL_FAILED;
	rc = sl_slow_ping_start(s->slow, &(struct sl_slow_ping_req){.vrf_id = vi.id,
						 .dst = dst,
						 .count = count,
						 .traceroute = trace,
						 .out = sl_ctl_request_out(req),
						 .done = ping_done,
						 .ctx = req});
	if (rc < 0) {
		fprintf(sl_ctl_request_err(req), "%s: %s\n", argv[0],
			rc == -EBUSY ? "too many sessions running, try again" : strerror(-rc));
		sl_ctl_request_finish(req, SL_CTL_FAILED);
	}
	return SL_CTL_DEFERRED;
}

static int cmd_show_default(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	int rc = sl_show_exec(s->router, argc, argv, json, out, err);
	if (rc == -ENOENT) {
		fprintf(err, "unknown command: %s %s\n", argv[0], argc > 1 ? argv[1] : "");
		return SL_CTL_USAGE;
	}
	return rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

static void help_default(FILE *out, void *ctx)
{
	(void)ctx;
	sl_show_help(out);
}

int sd_cmds_register(struct sd *s)
{
	static const struct {
		const char *words;
		sl_ctl_handler_fn fn;
	} cmds[] = {
		{"configure", cmd_configure},
		{"save", cmd_save},
		{"show interfaces", cmd_show_interfaces},
		{"show arp", cmd_show_arp},
		{"show dataplane", cmd_show_dataplane},
		{"clear counters", cmd_clear_counters},
		{"ping", cmd_ping},
		{"traceroute", cmd_ping},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int rc = sl_ctl_register(cmds[i].words, cmds[i].fn, s);
		if (rc < 0)
			return rc;
	}
	sl_ctl_set_default(cmd_show_default, help_default, s);
	/* the DOT leak graph with the enforced rulesets and packets per direction */
	return sl_tele_leak_graph_register(s->router, s->fw);
}
