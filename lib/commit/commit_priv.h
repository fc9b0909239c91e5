/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/commit: the router object and conf → RIB translation. */
#ifndef COMMIT_PRIV_H
#define COMMIT_PRIV_H

#include <string.h>

#include "sl_commit.h"
#include "sl_conf.h"
#include "sl_intent.h"

/* What snprintf(dst, SL_NAME_MAX, "%s", src) writes, without its format
 * machinery (~500 instructions): a 100,000-route change copies names
 * per route. */
static inline void commit_name_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, SL_NAME_MAX - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Dynamic routes refused for one intent (sl_router_dyn_apply). */
struct commit_intent_dyn {
	char name[SL_NAME_MAX];
	uint64_t not_leaked; /* installed, kept out of leaks */
	uint64_t refused; /* not installed (it breaks the intent even unleaked) */
	char last[SL_NAME_MAX + SL_PREFIX_STR + 8];
};

struct sl_router {
	struct sl_conf *conf;
	struct sl_rib *rib;
	bool fib_log;
	/* FIB changes of successful commits, not yet taken by the caller */
	struct sl_fib_change *changes;
	size_t n_changes, cap_changes;
	/* (sub)interfaces the RIB currently knows, to find deleted ones */
	char (*ifaces)[SL_NAME_MAX];
	size_t n_ifaces, cap_ifaces;
	struct sl_apply_stats stats; /* of the last sl_router_apply */
	struct sl_commit_counts counts;
	sl_router_prepare_fn prepare;
	void *prepare_ctx;
	/* the intents of the running configuration, and whether each held at
	 * the last commit or dynamic batch (one that did not is not a reason
	 * to refuse a commit that leaves it as it was) */
	struct sl_intent *intents;
	bool *intent_held;
	size_t n_intents;
	struct commit_intent_dyn *intent_dyn;
	size_t n_intent_dyn;
	/* a commit has succeeded: the first one (a start-up configuration)
	 * accepts require intents that do not hold yet (commit_intent.c) */
	bool committed;
	/* warnings of the last successful sl_router_apply: notices of no-op
	 * lines, and with `lint` the whole-configuration advice (sl_conf_lint) */
	struct sl_errors warns;
	bool lint;
};

/* ---- commit_intent.c ---- */

/* The intents of a candidate, checked: what the commit adopts when final. */
struct commit_intents {
	struct sl_intent *v;
	bool *held;
	size_t n;
};
/* Check the candidate's intents against the synced RIB. An intent that would
 * be broken (one that held, or a new or changed one) is an error in errs, at
 * the changed line that touches its VRFs: -EINVAL. Except at the router's
 * first commit, for a require intent: its way may need routes a routing
 * daemon has not sent yet (it is then shown broken). 0, -EINVAL or -ENOMEM;
 * *next gets the checked intents (free with commit_intents_free). */
int commit_intents_check(struct sl_router *r, struct sl_errors *errs, struct commit_intents *next);
/* The commit is final: *next becomes the router's (and is emptied). */
void commit_intents_adopt(struct sl_router *r, struct commit_intents *next);
void commit_intents_free(struct commit_intents *c);
void commit_intents_router_free(struct sl_router *r);
/* Dynamic routes: broken[i] (over r->intents) for each intent that held
 * and no longer does with the RIB as it is now; *any when one. 0 or -ENOMEM. */
int commit_intents_broken(struct sl_router *r, bool *broken, bool *any);
/* Count a dynamic route kept out of leaks (refused: not installed at all)
 * because it breaks intent `name`. */
int commit_intents_count(
	struct sl_router *r, const char *name, const char *vrf, struct sl_prefix p, bool refused);
/* After a batch: re-check the intents that did not hold (they may again). */
int commit_intents_refresh(struct sl_router *r);

/* The first line of this transaction's changes that touches one of vrfs[0..n)
 * or intent `intent` (NULL: none), else its first changed line. */
unsigned commit_change_line(
	const struct sl_router *r, const char *const *vrfs, size_t n, const char *intent);

/* Move the RIB's change log behind the changes not yet taken (0, -ENOMEM). */
int commit_take_changes(struct sl_router *r);

/* ---- commit_read.c: typed views of configuration nodes ---- */

/* The configuration node of (sub)interface ifname ("eth1", "eth1.100"), or NULL. */
const struct sl_conf_node *commit_iface_node(const struct sl_conf *conf, const char *ifname);
/* Fill ifs from the configuration; -ENOENT when the interface is not configured. */
int commit_iface_read(const struct sl_router *r, const char *ifname, struct sl_iface_state *ifs);
/* Static next hops of route node `route` (up to max); returns the count or -errno. */
int commit_static_read(const struct sl_conf_node *route, struct sl_static_nh *nhs, size_t max);
/* The bgp node of VRF vrf (NULL when absent) and its translation. */
int commit_bgp_read(const struct sl_conf *conf, const char *vrf, struct sl_rib_bgp *out);
/* The `leak-nat to TO source translation address P` lines of vrf: their
 * count, -E2BIG past max. */
struct commit_nat {
	struct sl_rib_nat r;
	uint16_t port_lo, port_hi; /* `port LO-HI` (N: N-N); 0, 0: unset */
};
int commit_nat_read(
	const struct sl_conf *conf, const char *vrf, struct commit_nat *out, size_t max);
void commit_bgp_free(struct sl_rib_bgp *b);
/* Policy objects; -ENOENT when not configured. Free with commit_*_free. */
int commit_plist_read(const struct sl_conf *conf, const char *name, struct sl_plist *out);
int commit_rmap_read(const struct sl_conf *conf, const char *name, struct sl_rmap *out);
/* The node `vrf name V protocols static route` (or the default VRF's). */
const struct sl_conf_node *commit_static_root(const struct sl_conf *conf, const char *vrf);
/* Table id of a configured VRF; 0 when not configured. */
uint32_t commit_vrf_table(const struct sl_conf *conf, const char *vrf);

/* ---- commit_sync.c ---- */

/* Bring the RIB in line with the configuration for every changed path of the
 * conf's current/last transaction. Setter errors are appended to errs. */
int commit_sync(struct sl_router *r, struct sl_errors *errs);

/* Write target whole or not at all (commit_save.c): fill writes a new file
 * beside it (mode and owner of old, NULL: 0600), fsynced, renamed over it,
 * the directory fsynced. 0, or a negative errno with "WHAT: ..." on err. */
struct stat;
int commit_write_atomic(const char *target, const struct stat *old, int (*fill)(FILE *f, void *ctx),
	void *ctx, const char *what, FILE *err);

/* The line-set diff of sl_text_diff (commit_diff.c): cb gets the lines of a
 * that b lacks (sign '-', a's order), then those of b that a lacks ('+');
 * line is not NUL-terminated. A non-zero cb return stops (and is returned).
 * 0, -ENOMEM. */
typedef int (*commit_diff_fn)(void *ctx, char sign, const char *line, size_t len);
int commit_diff_lines(const char *a, const char *b, commit_diff_fn cb, void *ctx);

#endif
