/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_commit.h — the router's control-plane state and its atomic commit:
 * configuration lines → candidate configuration → validation → RIB/leak
 * engine → FIB changes. Plain C, no DPDK; used by sluiced and by the offline
 * `sluicectl --offline`.
 *
 * A transaction is all or nothing: on any error (syntax, value, reference,
 * leak collision) the running configuration and every RIB table are exactly
 * as before, and no FIB change is produced.
 */
#ifndef SL_COMMIT_H
#define SL_COMMIT_H

#include <time.h>

#include "sl_rib.h"
#include "sl_types.h"

struct sl_conf;
struct sl_router;

struct sl_router *sl_router_new(void); /* NULL, errno=ENOMEM */
void sl_router_free(struct sl_router *r);

/* Log FIB changes of successful commits (the daemon turns this on). */
void sl_router_fib_log(struct sl_router *r, bool on);

/*
 * A check by the forwarding plane before a commit becomes final: fn gets the
 * FIB changes not yet taken (sl_router_changes, this commit's last) and may
 * allocate what applying them needs. A negative return refuses the commit:
 * the running configuration and the RIB stay as they were, and msg (filled by
 * fn) is its error. Needs sl_router_fib_log on. fn NULL: no check.
 */
typedef int (*sl_router_prepare_fn)(
	const struct sl_fib_change *changes, size_t n, char *msg, size_t msg_len, void *ctx);
void sl_router_prepare_set(struct sl_router *r, sl_router_prepare_fn fn, void *ctx);

enum sl_apply_flags {
	SL_APPLY_SAVE = 1 << 0, /* a `save` line was seen: write the running config */
	SL_APPLY_IFACES = 1 << 1, /* interface configuration changed */
};

/*
 * Apply `text` (set/delete/comment lines, `configure`/`commit`/`exit`/`save`
 * accepted) as one transaction. Errors carry the line numbers of `text`.
 * Returns 0 (and *flags, may be NULL) or a negative errno (-EINVAL: errors
 * in *errs; nothing changed).
 */
int sl_router_apply(struct sl_router *r, const char *text, struct sl_errors *errs, unsigned *flags);

/*
 * Warnings of the last successful sl_router_apply (or replace, or load), in
 * line order (line 0, the whole configuration's, last): one notice per VyOS
 * keyword accepted without effect (sl_conf_notices), and, with lint on, the
 * advice of sl_conf_lint (duplicate RDs, policies applied nowhere, static
 * leaks past an import route-map). Valid until the next apply. Lint is off by
 * default: it walks the whole configuration (`sluicectl check` turns it on).
 */
const struct sl_errors *sl_router_warnings(const struct sl_router *r);
void sl_router_lint(struct sl_router *r, bool on);

/* Where the last sl_router_apply spent its time: CPU time of the calling
 * thread, in ms (benchmarks and sluiced's commit log line). */
struct sl_apply_stats {
	size_t paths; /* changed configuration paths */
	size_t fib_changes; /* FIB changes it produced (when logging them) */
	double parse_ms; /* lines → candidate tree */
	double validate_ms; /* references, ranges, whole-tree checks */
	double rib_ms; /* candidate diff → RIB, leaks settled */
	double commit_ms; /* the prepare hook, then the candidate becomes the running one */
};
void sl_router_apply_stats(const struct sl_router *r, struct sl_apply_stats *out);

/* Transactions since sl_router_new (apply, replace, load; metrics): the
 * running configuration's generation is ok. cpu_ms: the sum of their
 * struct sl_apply_stats phases, refused ones included. */
struct sl_commit_counts {
	uint64_t ok, refused;
	double cpu_ms;
};
void sl_router_commit_counts(const struct sl_router *r, struct sl_commit_counts *out);

/*
 * As sl_router_apply, but `text` is the whole configuration: what it does not
 * set is deleted, in the same transaction (a reload, not a merge).
 */
int sl_router_replace(
	struct sl_router *r, const char *text, struct sl_errors *errs, unsigned *flags);

/* Read a file and apply it as one transaction. -errno on I/O errors. */
int sl_router_load_file(struct sl_router *r, const char *path, struct sl_errors *errs);
/* Read a file and make it the whole configuration (sl_router_replace). */
int sl_router_reload_file(
	struct sl_router *r, const char *path, struct sl_errors *errs, unsigned *flags);

/* ---- routes from a routing daemon (FRR through FPM) ---- */

/* One route as the daemon gives it. */
struct sl_dyn_route {
	uint32_t table; /* kernel table id: 254 = the default VRF, else `vrf name X table N` */
	struct sl_prefix prefix;
	enum sl_rt_source source; /* SL_SRC_BGP or SL_SRC_OSPF */
	size_t n; /* paths; 0 withdraws the route */
	struct sl_static_nh nh[SL_ECMP_MAX]; /* gateway, interface or blackhole; vrf "" */
};

enum sl_dyn_result {
	SL_DYN_OK = 0, /* installed or withdrawn */
	SL_DYN_NO_VRF, /* no VRF has that table */
	SL_DYN_BAD, /* refused by the RIB (a path into another VRF, host bits, ...) */
	SL_DYN_NOMEM,
	SL_DYN_FIB_FULL, /* the forwarding plane refused the batch: undone */
	SL_DYN_INTENT, /* it would break a `policy intent` even unleaked: not installed */
	SL_DYN_NOT_LEAKED, /* leaked it would break a `policy intent`: installed, kept out of leaks */
	SL_DYN__COUNT
};
extern const char *const sl_dyn_result_names[SL_DYN__COUNT];

/*
 * Apply v[0..n) in order, each route on its own (res[i] says what became
 * of it), then offer the batch's FIB changes to the prepare hook: when it
 * refuses, every route of the batch gets its previous paths back and the
 * call returns its error (res: SL_DYN_FIB_FULL). Changes taken as after a
 * commit (sl_router_changes). Not inside an open configuration transaction.
 */
int sl_router_dyn_apply(
	struct sl_router *r, const struct sl_dyn_route *v, size_t n, enum sl_dyn_result *res);

/* `protocols fpm`: true when configured, with the address (host order,
 * default 127.0.0.1) and port (default SL_FPM_DEFAULT_PORT) to listen on. */
#define SL_FPM_DEFAULT_PORT 2620
bool sl_router_fpm_conf(const struct sl_router *r, uint32_t *addr, uint16_t *port);

/* `service monitoring prometheus`: true when configured, with the address
 * (host order, default 127.0.0.1) and port (default SL_PROM_DEFAULT_PORT). */
#define SL_PROM_DEFAULT_PORT 9111
bool sl_router_prom_conf(const struct sl_router *r, uint32_t *addr, uint16_t *port);
/* `system syslog global facility all|daemon level L`: L as a syslog priority
 * (emerg 0 .. debug 7; `all` is 7; `daemon` wins over `all`), -1 when neither
 * is set. */
int sl_router_syslog_level(const struct sl_router *r);

/* Render the running configuration as canonical `set` lines. */
int sl_router_render(const struct sl_router *r, FILE *out);

/*
 * Write the rendered configuration over path without ever leaving a
 * half-written file: a new file in the same directory (never through a
 * symlink planted there), given the old file's mode and owner (a new one:
 * 0600), fsynced, renamed over the old one, the directory fsynced. A
 * symlinked path is written where it points. The file it replaces is kept
 * as PATH.bak (written the same way, before the new one replaces it): a
 * save is never the only copy. 0, or a negative errno with "save: ..."
 * lines on err.
 */
int sl_router_save_file(const struct sl_router *r, const char *path, FILE *err);

struct sl_conf *sl_router_conf(struct sl_router *r);
const struct sl_conf *sl_router_conf_const(const struct sl_router *r);
struct sl_rib *sl_router_rib(struct sl_router *r);
const struct sl_rib *sl_router_rib_const(const struct sl_router *r);

/* FIB changes of the commits since the last clear (see sl_rib_changes). */
size_t sl_router_changes(const struct sl_router *r, const struct sl_fib_change **out);
void sl_router_changes_clear(struct sl_router *r);

/* A VRF's leak settings as configured (RD, RTs, import vrf, route-maps).
 * 0 (release with sl_router_vrf_bgp_free) or -ENOENT for an unknown VRF. */
int sl_router_vrf_bgp(const struct sl_router *r, const char *vrf, struct sl_rib_bgp *out);
void sl_router_vrf_bgp_free(struct sl_rib_bgp *b);

/* ---- the leak-point firewall (struct sl_fw_spec, sl_types.h) ---- */

/* VRF name → id (>= 0), or a negative errno when it does not exist. */
typedef int (*sl_vrf_id_fn)(const char *vrf, void *ctx);
/*
 * The firewall of conf as a typed description, bindings resolved by vrf_id.
 * msgs gets warnings (a rule or binding that cannot be enforced: it is kept
 * out of the datapath) and errors. 0 (free *out with sl_fw_spec_free),
 * -EINVAL when a binding names a ruleset or VRF that does not exist (the
 * error says which), -ENOMEM.
 */
int sl_fw_spec_read(const struct sl_conf *conf, sl_vrf_id_fn vrf_id, void *ctx,
	struct sl_fw_spec **out, struct sl_errors *msgs);
/* The same for the running configuration, VRF ids from the RIB. */
int sl_router_fw_spec(const struct sl_router *r, struct sl_fw_spec **out, struct sl_errors *msgs);
/* True when the last transaction touched a ruleset, a binding or a VRF
 * (whose id a binding may use): the firewall should be rebuilt. */
bool sl_router_fw_changed(const struct sl_router *r);

#define SL_IFACE_ADDR_MAX 16

/* One configured (sub)interface, as the forwarding plane needs it. */
struct sl_iface_state {
	char ifname[SL_NAME_MAX]; /* "eth1" or "eth1.100" */
	char port[SL_NAME_MAX]; /* "eth1": DPDK port 1 */
	uint32_t port_id; /* N of ethN */
	uint16_t vlan; /* 0: untagged */
	char vrf[SL_NAME_MAX]; /* SL_VRF_DEFAULT when unset */
	uint32_t vrf_id;
	bool up; /* not `disable`d */
	/* its VRF has `ip answer-across-leaks`: its addresses answer packets that
	 * reach them through a leak from another VRF (default: dropped local_leak) */
	bool answer_across_leaks;
	uint32_t mtu; /* 0: default (1500) */
	/* `ip source-validation`, defaults resolved: strict in a VRF other than
	 * the default one (tenant-facing), disable in the default VRF */
	enum sl_src_valid src_valid;
	bool src_valid_set; /* configured, not the default */
	char description[128];
	/* `hw-id` of its ethernet: a MAC (lower case) or a PCI address
	 * (DDDD:BB:DD.F); "" when unset (then DPDK port N is ethN) */
	char hw_id[24];
	struct sl_prefix addrs[SL_IFACE_ADDR_MAX]; /* host bits set */
	size_t n_addrs;
};

/* Configured interfaces in name order. cb returns non-zero to stop. */
void sl_router_iface_foreach(const struct sl_router *r,
	int (*cb)(const struct sl_iface_state *ifs, void *ctx), void *ctx);
/* 0 or -ENOENT */
int sl_router_iface_get(const struct sl_router *r, const char *ifname, struct sl_iface_state *out);

/* ---- the commit history (commit_history.c, commit_diff.c, commit_overlap.c) ---- */

/*
 * Revisions of the running configuration: every successful commit records
 * the whole rendered configuration with an absolute id (monotonic, also
 * across restarts), when, who and an optional comment. The newest
 * SL_HISTORY_KEEP are kept (fewer when their texts pass SL_HISTORY_BYTES_MAX;
 * the newest two always stay), in memory and, with a directory, one file per
 * revision (NNNNNNNNNNNN.commit, written atomically, 0600 in a 0700
 * directory) read back by sl_history_open.
 */
#define SL_HISTORY_KEEP 100
#define SL_HISTORY_BYTES_MAX ((size_t)256 << 20)
#define SL_HISTORY_COMMENT_MAX 1000 /* bytes; longer comments are cut */

struct sl_rev {
	uint64_t id;
	int64_t time; /* seconds since the epoch */
	char who[64]; /* "uid 0", "start-up", "reload", "confirm-timeout" */
	char *comment; /* one line, "" for none */
	char *text; /* the rendered configuration */
	size_t added, removed; /* lines, against the revision before it */
};

struct sl_history;

/*
 * Open the history kept in dir (created 0700 when missing; NULL: in memory
 * only). Files that cannot be read or are not whole revisions are skipped
 * with a warning on warn (left in place for the operator; temporary files
 * of an interrupted write are removed). NULL with errno on failure (dir
 * cannot be created or read, ENOMEM).
 */
struct sl_history *sl_history_open(const char *dir, FILE *warn);
void sl_history_free(struct sl_history *h);
/* Keep at most keep revisions (>= 2) and bytes_max of text (tests). */
void sl_history_limits(struct sl_history *h, size_t keep, size_t bytes_max);

size_t sl_history_count(const struct sl_history *h);
/* Revision n back from the newest (0: the newest), or NULL. */
const struct sl_rev *sl_history_at(const struct sl_history *h, size_t n);
/* Revision by absolute id, or NULL (never recorded, or trimmed). */
const struct sl_rev *sl_history_find(const struct sl_history *h, uint64_t id);
/* The id the next revision gets. */
uint64_t sl_history_next_id(const struct sl_history *h);

/*
 * Record text as the newest revision (comment NULL or ""; newlines in it
 * become spaces), then trim. The revision is kept in memory even when its
 * file cannot be written: then -errno with "history: ..." on err. 0.
 */
int sl_history_record(
	struct sl_history *h, const char *who, const char *comment, const char *text, FILE *err);

/*
 * The newest revision after `since` (an id) whose change against the
 * revision before it has a line under path (`set PATH ...`), or NULL.
 */
const struct sl_rev *sl_history_touched(
	const struct sl_history *h, uint64_t since, const char *path);

/*
 * Line-set diff of two configuration texts: the lines of a that b lacks
 * ("- LINE", in a's order), then the lines of b that a lacks ("+ LINE", in
 * b's order); blank and comment lines ignored. out may be NULL (counts only);
 * added/removed may be NULL. 0 or -ENOMEM.
 */
int sl_text_diff(const char *a, const char *b, FILE *out, size_t *added, size_t *removed);

/*
 * Whether input (set/delete lines) changes a configuration object that
 * changed between base and running (both rendered texts): objects as the
 * changed paths of lib/conf cut them (an interface, a VRF's table, one
 * static route, a ruleset...). 1 with the object's path (its tokens joined by
 * spaces) in path, 0 when they do not overlap (input then merges onto
 * running), or a negative errno.
 */
int sl_commit_overlap(
	const char *base, const char *running, const char *input, char *path, size_t path_len);

/*
 * The running configuration's record in the daemon: the router, its commit
 * history, the start-up fallback, whether commits are recorded and the
 * pending commit-confirm. Logs through lib/log (link log_dep).
 */

/* Past this many static routes a commit records no revision: rendering,
 * diffing and writing the whole configuration takes ~3 us a line, seconds
 * per one-line commit at 1M routes. */
#define SL_HISTORY_ROUTES_MAX 100000

struct sl_confirm {
	bool pending;
	uint64_t deadline_ms; /* CLOCK_MONOTONIC */
	time_t deadline; /* the same, wall clock, to show */
	uint64_t revert_id; /* the revision it goes back to */
	char *revert_text; /* its configuration */
};

struct sl_running {
	struct sl_router *router;
	struct sl_history *history;
	const char *config_path; /* --config FILE; NULL: none */
	size_t routes_max; /* SL_HISTORY_ROUTES_MAX (tests lower it) */
	uint32_t minute_ms; /* commit-confirm's minute: 60000, or SL_CONFIRM_MINUTE_ENV's */
	size_t paused; /* static routes while over routes_max; 0: recording */
	char *fallback; /* why start-up ran on a revision of the history, not the file */
	uint64_t fallback_id; /* that revision */
	struct sl_confirm confirm;
};

/* Tests shorten commit-confirm's minute to this many ms (1..60000) so that
 * a `confirm 1` reverts in seconds; only dts-commit-history waits out a real
 * one (doc/operations.md). sl_running_start reads it, says so in the log. */
#define SL_CONFIRM_MINUTE_ENV "SLUICED_CONFIRM_MINUTE_MS"

/*
 * Start-up: open the history in commit_dir (NULL: FILE.commits beside
 * config_path; neither: in memory; one that cannot open: in memory, said),
 * make the router, load config_path (missing: empty; broken: the newest
 * revision that loads, or refuse to start) and record it. 0, or -ENOMEM,
 * -EINVAL (nothing loads: said in the log); then run is zeroed.
 */
int sl_running_start(struct sl_running *run, const char *config_path, const char *commit_dir);
/* Free the router, the history and the rest (run zeroed). */
void sl_running_close(struct sl_running *run);
/*
 * After a commit: record the running configuration (unchanged: nothing; over
 * routes_max static routes: nothing, said in the log when that starts and
 * ends). id: the running revision; added, removed: its lines against the last.
 */
void sl_running_record(struct sl_running *run, const char *who, const char *comment, FILE *err,
	uint64_t *id, size_t *added, size_t *removed);
/* `save` wrote the file, or SIGHUP loaded it: the start-up fallback is over. */
void sl_running_fallback_clear(struct sl_running *run);
/* The newest revision's id; 0: none. */
uint64_t sl_running_id(const struct sl_running *run);
/* "the history holds 0..N", or that it holds none. */
void sl_running_held(const struct sl_running *run, char *buf, size_t len);
/* ---- what the daemon says about a commit (commit_report.c) ---- */

/* A commit's errors or warnings (kind "" or "warning: ") on err: "FILE:LINE:
 * msg" for a file, "LINE: msg" for configure input (file NULL); without a
 * line, "FILE: msg" or "configure: msg". */
void sl_errors_print(FILE *err, const char *file, const struct sl_errors *e, const char *kind);

/* The one log line of a commit (after "commit: "), read by
 * scripts/bench-churn.sh: who, what, where its time went. */
struct sl_commit_report {
	const char *who, *comment; /* comment NULL or "": none */
	size_t bytes; /* of the input or the whole configuration */
	uint64_t revision; /* the running one after it */
	size_t added, removed; /* its lines against the one before */
	struct sl_apply_stats apply; /* sl_router_apply_stats */
	double fib_ms, history_ms; /* CPU ms: the FIB sync, recording the revision */
	uint64_t punts; /* punts served during the commit */
	double punt_wait_ms, punt_wait_cpu_ms; /* the longest the punt ring waited */
};
void sl_commit_report_fmt(const struct sl_commit_report *r, char *buf, size_t len);

/* Save the running configuration to path (NULL: run->config_path), the
 * previous file kept as PATH.bak; out (may be NULL) says where. Saving over
 * the config file ends a start-up fallback. 0, -ENOENT (no path: said on
 * err) or sl_router_save_file's error (-EIO for its -EINVAL). */
int sl_running_save(struct sl_running *run, const char *path, FILE *out, FILE *err);
/* `save [/PATH/FILE]` (argv[0] "save"): -EINVAL (usage, on err) or as
 * sl_running_save. */
int sl_running_save_cmd(struct sl_running *run, int argc, char **argv, FILE *out, FILE *err);

/* ---- configure's options, base check and commit-confirm (commit_confirm.c) ---- */

#define SL_CONFIRM_MINUTES_MAX 1440

struct sl_configure_opts {
	const char *comment; /* NULL: none */
	uint32_t minutes; /* confirm MINUTES; 0: none */
	bool has_base;
	uint64_t base; /* base ID: the revision the input was prepared against */
};
/* `configure [comment TEXT] [confirm MINUTES] [base ID]` (argv[0]
 * "configure"). 0, or -EINVAL with what was wrong (and what is valid) on err. */
int sl_configure_opts_parse(int argc, char **argv, struct sl_configure_opts *o, FILE *err);
/*
 * `base ID`: whether input (set/delete lines) may merge onto the running
 * configuration although it was prepared against revision base. 0 (base is
 * the running one, nothing input changes changed since, or not recorded: a
 * warning on err), -EINVAL (base is no revision), -EBUSY (refused: base
 * trimmed from the history, or an object input changes changed since: who
 * changed it and when, on err), or another negative errno (on err).
 */
int sl_running_base_check(
	const struct sl_running *run, uint64_t base, const char *input, FILE *err);
/* What a commit-confirm would go back to: the running configuration's text
 * (malloc'd), or NULL (out of memory). */
char *sl_running_confirm_prev(const struct sl_running *run);
/* After a commit with `confirm MINUTES`: arm the timer (a pending one keeps
 * its revision and takes the new deadline). The first one takes *prev
 * (NULLed) and before, the revision to go back to. now_ms: CLOCK_MONOTONIC. */
void sl_running_confirm_arm(struct sl_running *run, char **prev, uint64_t before, uint32_t minutes,
	uint64_t now_ms, time_t now);
/* `confirm`: nothing pending any more. */
void sl_running_confirm_clear(struct sl_running *run);
/* A pending commit-confirm whose deadline passed: its text (the caller
 * frees it and commits it) and *revert_id, nothing pending any more; else
 * NULL. */
char *sl_running_confirm_due(struct sl_running *run, uint64_t now_ms, uint64_t *revert_id);

/* "commit-confirm pending: without `confirm` by T, revision N comes back
 * ..." (one line) on out. */
void sl_running_confirm_note(const struct sl_running *run, FILE *out);
/* "2026-12-06 23:01:02", local time (the seconds when it cannot). */
void sl_time_fmt(time_t t, char *buf, size_t len);

/* ---- the commands that commit: configure, confirm, rollback, SIGHUP (commit_cmds.c) ---- */

/* One commit the daemon runs: at most one of input, replace, reload. */
struct sl_commit_req {
	const char *input; /* set/delete lines merged into the running configuration */
	const char *replace; /* the whole configuration (rollback, a confirm's revert) */
	bool reload; /* run->config_path is the whole configuration (SIGHUP) */
	const char *who; /* "uid N", "SIGHUP", "confirm-timeout" */
	const char *comment; /* NULL: none */
	bool committed; /* set by the commit: the running configuration changed hands */
};
/* The daemon's commit (sl_commit_run: the router, then the FIB, the
 * firewall, ... follow it and the history records it): 0, or -EIO with the
 * reason on err (c->committed says whether it took place all the same). */
typedef int (*sl_commit_fn)(void *ctx, struct sl_commit_req *c, FILE *err);

/* ---- one commit and the parts that follow it (commit_steps.c) ---- */

/* What a daemon's parts do around a commit, called in this order by
 * sl_commit_run (each NULL: nothing; ctx: theirs). */
struct sl_commit_steps {
	struct sl_running *run;
	void *ctx;
	/* before the router applies (the punt ring's wait is measured from here) */
	void (*begin)(void *ctx);
	/* the FIB follows the committed configuration: 0 or a negative errno; a
	 * warning for the committer may be written to note ("" none) */
	int (*fib)(void *ctx, char *note, size_t note_len);
	/* the firewall follows it, whatever the FIB said: 0 or a negative errno */
	int (*fw)(void *ctx);
	/* the parts that cannot refuse (FPM, the log level, kernel TAPs) */
	void (*follow)(void *ctx);
	/* after the revision is recorded, or after a refusal: r's punts and
	 * punt-wait figures filled (a refusal's r is not used) */
	void (*end)(void *ctx, struct sl_commit_report *r);
	/* a refused commit: what the router's prepare hook reserved is let go */
	void (*refused)(void *ctx);
};
/* One commit (an sl_commit_fn; ctx: const struct sl_commit_steps *): input
 * merged, replace or run->config_path reloaded whole; errors said on err as
 * "what: line: msg"; then the steps, the revision recorded and one log line
 * (who, what, where its time went). 0, or -EIO: refused (nothing changed),
 * or committed but the FIB or the firewall refused some of it, or the save
 * a `save` line asked for failed. */
int sl_commit_run(void *ctx, struct sl_commit_req *c, FILE *err);
/* The running configuration and the daemon's commit, for the commands. */
struct sl_committer {
	struct sl_running *run;
	sl_commit_fn commit;
	void *ctx; /* commit's */
};

/* The commands return 0, -EINVAL (a usage error, said on err) or another
 * negative errno (failed, said on err); who: the peer ("uid N"). */

/* `configure [comment TEXT] [confirm MINUTES] [base ID]`: input committed,
 * a commit-confirm armed (or its deadline moved) when asked. */
int sl_running_configure_cmd(const struct sl_committer *k, int argc, char **argv, const char *input,
	const char *who, FILE *out, FILE *err);
/* `confirm`: the pending commit-confirm's revision stays. */
int sl_running_confirm_cmd(struct sl_running *run, int argc, const char *who, FILE *out, FILE *err);
/* `rollback N`: revision N of the history committed whole. */
int sl_running_rollback_cmd(
	const struct sl_committer *k, int argc, char **argv, const char *who, FILE *out, FILE *err);
/* A commit-confirm whose deadline passed by now_ms (sl_running_now_ms's
 * clock) goes back to its revision, as one commit; said in the log. */
void sl_running_confirm_tick(const struct sl_committer *k, uint64_t now_ms);
/* SIGHUP: run->config_path becomes the running configuration, as one commit
 * (refused whole when it does not apply); said in the log. 0, or -EINVAL
 * (not reloaded), -ENOMEM. Without a config file: nothing, said. */
int sl_running_reload(const struct sl_committer *k);
/* `configure`, `confirm`, `rollback` and `save` on the control socket
 * (lib/ctl; commit_ctl.c, its own library sl_commit_ctl), over k (which must
 * outlive them), each run by "uid N" of its peer: 0 or sl_ctl_register's
 * error. */
int sl_running_ctl_register(const struct sl_committer *k);
/* CLOCK_MONOTONIC in ms: the clock of commit-confirm deadlines. */
uint64_t sl_running_now_ms(void);

#endif
