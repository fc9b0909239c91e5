/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_priv.h — shared by the lib/tele files: the hand-over to the control
 * thread, parameter parsing and small JSON-building helpers. */
#ifndef TELE_PRIV_H
#define TELE_PRIV_H

#include <stdbool.h>

#include <rte_telemetry.h>

#include "sl_ctl.h"
#include "sl_tele.h"

#define TELE_ARGS_MAX 4
#define TELE_ARG_LEN 64

/* A command's body, run on the control thread: args are the comma-separated
 * parameters. Returns 0 (d filled) or a negative errno (null reply). */
typedef int (*tele_fn)(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d);

/* The sources sl_tele_init was given (zeroed before it). */
const struct sl_tele_src *tele_src(void);

/* From a telemetry callback: run fn on the control thread and wait for it. */
int tele_call(tele_fn fn, const char *params, struct rte_tel_data *d);

/* A /sluice/... command, registered with DPDK by sl_tele_init. */
struct tele_cmd {
	const char *path;
	telemetry_cb cb;
	const char *help;
	struct tele_cmd *next;
};
void tele_cmd_add(struct tele_cmd *c);

/* Define the command `path` whose body is fn (run on the control thread),
 * registered from the file that implements it. */
#define TELE_COMMAND(fn, path_, help_)                                                   \
	static int fn##_cb(const char *cmd, const char *params, struct rte_tel_data *d)  \
	{                                                                                \
		(void)cmd;                                                               \
		return tele_call(fn, params, d);                                         \
	}                                                                                \
	static struct tele_cmd fn##_cmd = {.path = path_, .cb = fn##_cb, .help = help_}; \
	static void __attribute__((constructor)) fn##_add(void)                          \
	{                                                                                \
		tele_cmd_add(&fn##_cmd);                                                 \
	}

/* A control-socket command of lib/tele's over its sources (tele_src()),
 * registered by sl_tele_show_register. */
struct tele_ctl_cmd {
	const char *words;
	sl_ctl_handler_fn fn;
	struct tele_ctl_cmd *next;
};
void tele_ctl_add(struct tele_ctl_cmd *c);
/* The sources, or NULL with the reason on err (sl_tele_init not run). */
const struct sl_tele_src *tele_ctl_src(FILE *err);

/* Register the control-socket command `words` (fn) from the file that
 * implements it. */
#define TELE_CTL_COMMAND(fn_, words_)                                        \
	static struct tele_ctl_cmd fn_##_ctl = {.words = words_, .fn = fn_}; \
	static void __attribute__((constructor)) fn_##_ctl_add(void)         \
	{                                                                    \
		tele_ctl_add(&fn_##_ctl);                                    \
	}

/* d becomes {"error": message}: wrong parameters are answered, not nulled. */
int tele_error(struct rte_tel_data *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A paging OFFSET parameter ("" = 0); false when malformed. */
bool tele_offset(const char *s, uint32_t *offset);

/* A new dict container (NULL when out of memory). */
struct rte_tel_data *tele_dict(void);

/* Add child to parent under the position key "i" (child freed with parent). */
int tele_add_indexed(struct rte_tel_data *parent, size_t i, struct rte_tel_data *child);

/* Page bookkeeping: total, offset, count and next_offset when more remain. */
void tele_page_info(struct rte_tel_data *d, size_t total, size_t offset, size_t count);

/* Route helpers shared by route and vrf views. */
/* "connected eth3", "via 203.0.113.1 eth4", "local eth1", "blackhole", "vrf SHARED" */
void tele_nh_text(const struct sl_rib *rib, const struct sl_nh *nh, char *buf, size_t len);

/* A VRF's packet counters into e: ipv4_rx, forwarded, punted, dropped. */
void tele_vrf_packets(struct rte_tel_data *e, const struct sl_tele_counts *c, uint32_t id);

/* Counters summed over every lcore (heap, caller frees); NULL when out of memory. */
struct sl_tele_counts *tele_counts(const struct sl_dp *dp);

/* The daemon's sources as wired (tele_module.c; tele_log.c reads them too). */
extern struct sl_tele_wiring sl_tele_wiring;

#endif
