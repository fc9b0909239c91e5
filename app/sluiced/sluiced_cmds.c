/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_cmds.c — the "ctl" module: the control socket and the daemon's own
 * commands (save, show interfaces|dataplane, clear counters) and the commit
 * that `configure`, `rollback` and SIGHUP run (sd_commit). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rte_ethdev.h>

#include "sl_fw.h"
#include "sl_show.h"
#include "sl_tele.h"
#include "sluiced.h"

/* Save the running configuration to path (NULL: --config), the previous
 * file kept as PATH.bak; out (if any) says where. */
static int save_to(struct sd *s, const char *path, FILE *out, FILE *err)
{
	const char *p = path ? path : s->config_path;
	if (p == NULL) {
		fprintf(err, "save: sluiced was started without --config FILE: nowhere to save "
			     "(valid: save /PATH/FILE)\n");
		return SL_CTL_FAILED;
	}
	if (sl_router_save_file(s->router, p, err) < 0)
		return SL_CTL_FAILED;
	if (path == NULL || (s->config_path && strcmp(path, s->config_path) == 0))
		sd_fallback_clear(s); /* the file holds the running configuration again */
	if (out != NULL) {
		char bak[4096];
		struct stat st;
		bool kept = snprintf(bak, sizeof(bak), "%s.bak", p) < (int)sizeof(bak) &&
			    stat(bak, &st) == 0;
		fprintf(out, "saved to %s%s%s%s\n", p, kept ? " (the previous file is " : "",
			kept ? bak : "", kept ? ")" : "");
	}
	return SL_CTL_OK;
}

static int save_config(struct sd *s, FILE *err)
{
	return save_to(s, NULL, NULL, err);
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void sd_commit_log(const char *line)
{
	sl_log(SL_LOG_NOTICE, "commit", "%s", line);
}

/* Every commit at notice, with who, its revision and where its time went:
 * the operator sees who changed what, and why a big change took long. */
static void configure_log(struct sd *s, const struct sd_commit *c, uint64_t rev, size_t added,
	size_t removed, double fib_ms, double hist_ms, uint64_t punts,
	const struct sl_slow_punt_wait *pw)
{
	struct sl_apply_stats st;
	sl_router_apply_stats(s->router, &st);
	size_t bytes = c->input ? strlen(c->input) : c->replace ? strlen(c->replace) : 0;
	bool cm = c->comment && c->comment[0];
	char line[1024];
	snprintf(line, sizeof(line),
		"by %s: %zu bytes, %zu changed paths, %zu FIB changes; revision %" PRIu64
		"%s%s%s, +%zu -%zu lines; CPU ms: parse %.1f, validate %.1f, RIB %.1f, conf "
		"commit %.1f, FIB %.1f, history %.1f; %" PRIu64 " punts served meanwhile, the "
		"punt ring waited %.1f ms at most (%.1f ms of it on CPU)",
		c->who, bytes, st.paths, st.fib_changes, rev, cm ? " (\"" : "",
		cm ? c->comment : "", cm ? "\")" : "", added, removed, st.parse_ms, st.validate_ms,
		st.rib_ms, st.commit_ms, fib_ms, hist_ms, punts, pw->max_ms, pw->max_cpu_ms);
	sd_commit_log(line);
}

/* Errors and warnings of a commit: "FILE:LINE: msg" for the config file,
 * "LINE: msg" for configure input; without a line, "FILE: msg" or
 * "configure: msg". */
static void errors_print(FILE *err, const char *file, const struct sl_errors *e, const char *kind)
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

/* input: set/delete lines merged into the running configuration; replace:
 * the whole configuration (rollback); reload: the config file becomes the
 * whole configuration (SIGHUP). Errors are reported as "what: line: msg". */
int sd_commit(struct sd *s, struct sd_commit *c, FILE *err)
{
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
		errors_print(err, file, &errs, "");
		if (errs.n == 0)
			fprintf(err, "%s: %s\n", what, strerror(-rc));
		sl_errors_free(&errs);
		return SL_CTL_FAILED;
	}
	sl_errors_free(&errs);
	c->committed = true;
	/* lines accepted without effect (VyOS compatibility): said, not refused */
	errors_print(err, file, sl_router_warnings(s->router), "warning: ");
	double t = cpu_ms();
	s->sync_note[0] = '\0';
	rc = sd_sync(s);
	if (s->sync_note[0])
		fprintf(err, "%s: warning: %s\n", what, s->sync_note);
	double fib_ms = cpu_ms() - t;
	/* the firewall follows the committed configuration whatever the FIB said */
	int frc = sd_fw_sync(s, false);
	sd_fpm_sync(s);
	sd_log_sync(s);
	sd_cpif_sync(s);
	sl_conf_changes_release(sl_router_conf(s->router)); /* the last reader is done */
	/* the revision: the whole configuration rendered, diffed and written
	 * (~3 us a line), the punt ring served meanwhile (sl_progress) */
	uint64_t rev = 0;
	size_t added = 0, removed = 0;
	t = cpu_ms();
	sd_history_commit(s, c, err, &rev, &added, &removed);
	double hist_ms = cpu_ms() - t;
	struct sl_slow_punt_wait pw;
	sl_slow_punt_wait_end(s->slow, &pw);
	sl_slow_stats_get(s->slow, &ss);
	configure_log(s, c, rev, added, removed, fib_ms, hist_ms, ss.commit_punts - punts, &pw);
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
	struct sd_commit c = {.reload = true, .who = "SIGHUP"};
	int rc = sd_commit(s, &c, err);
	fclose(err);
	if (rc == SL_CTL_OK) {
		sd_fallback_clear(s);
		SD_LOG(NOTICE, "SIGHUP: %s reloaded%s%s", s->config_path, len ? ":\n" : "",
			len ? msg : "");
	} else {
		SD_LOG(ERR, "SIGHUP: %s not reloaded, the running configuration is kept:\n%s",
			s->config_path, msg);
	}
	free(msg);
	return rc == SL_CTL_OK ? 0 : -EINVAL;
}

static int cmd_save(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input;
	if (argc > 2) {
		fprintf(err, "save: unexpected '%s' (usage: save [/PATH/FILE])\n", argv[2]);
		return SL_CTL_USAGE;
	}
	if (argc == 2 && argv[1][0] != '/') {
		/* the daemon's working directory is not the caller's */
		fprintf(err, "save: '%s' is not an absolute path (usage: save [/PATH/FILE])\n",
			argv[1]);
		return SL_CTL_USAGE;
	}
	return save_to(ctx, argc == 2 ? argv[1] : NULL, out, err);
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
				"%s{\"name\":\"%s\",\"port\":%u,\"device\":\"%s\",\"vlan\":%u,"
				"\"state\":\"%s\",\"link\":\"%s\","
				"\"mac\":\"%s\",\"vrf\":\"%s\",\"addresses\":[%s],\"rx_packets\":"
				"%" PRIu64 ",\"tx_packets\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
				",\"tx_bytes\":%" PRIu64 ",\"drops\":%" PRIu64 "}",
				first ? "" : ",", f->name, f->port, s->ports[f->port].name, f->vlan,
				state, lnk, mac, vrf ? vrf : "", addrs, st.ipackets, st.opackets,
				st.ibytes, st.obytes, drops);
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
		fprintf(out, "},\"punt_classes\":{");
		for (int i = 0; i < SL_DP_PC__COUNT; i++)
			fprintf(out, "%s\"%s\":{\"punted\":%" PRIu64 ",\"full\":%" PRIu64 "}",
				i ? "," : "", sl_dp_pclass_names[i], c.pclass_punted[i],
				c.pclass_full[i]);
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
	/* full: dropped at the worker, its class's ring full (punt_full) */
	fprintf(out, "\npunt rings:");
	for (int i = 0; i < SL_DP_PC__COUNT; i++)
		fprintf(out, " %s=%" PRIu64 "/%" PRIu64 " full", sl_dp_pclass_names[i],
			c.pclass_punted[i], c.pclass_full[i]);
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
		{"configure", sd_cmd_configure},
		{"confirm", sd_cmd_confirm},
		{"rollback", sd_cmd_rollback},
		{"save", cmd_save},
		{"show interfaces", cmd_show_interfaces},
		{"show dataplane", cmd_show_dataplane},
		{"clear counters", cmd_clear_counters},
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
	if (rc == 0)
		rc = sd_history_register(s); /* show system commit ... */
	if (rc < 0) {
		SD_LOG(ERR, "cannot register the control commands");
		sl_ctl_server_close(s->ctl);
		s->ctl = NULL;
		return rc;
	}
	sl_ctl_set_default(cmd_show_default, help_default, s);
	/* the DOT leak graph with the enforced rulesets and packets per direction */
	return sl_tele_leak_graph_register(s->router, s->fw);
}

static void ctl_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_ctl_server_close(s->ctl);
	s->ctl = NULL;
}

static void ctl_timers(void *ctx)
{
	sd_confirm_timers(ctx);
}

/* The socket opens once the start-up configuration is in force (FIB,
 * firewall, FPM listener): a client finds it as configured. */
static struct sl_module ctl_module = {
	.name = "ctl", .deps = "fw fpm", .init = ctl_init, .fini = ctl_fini, .timers = ctl_timers};
SL_MODULE_REGISTER(ctl_module)
