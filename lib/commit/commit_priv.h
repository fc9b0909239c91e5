/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/commit: the router object and conf → RIB translation. */
#ifndef COMMIT_PRIV_H
#define COMMIT_PRIV_H

#include "sl_commit.h"
#include "sl_conf.h"

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
	sl_router_prepare_fn prepare;
	void *prepare_ctx;
	/* warnings of the last successful sl_router_apply: notices of no-op
	 * lines, and with `lint` the whole-configuration advice (sl_conf_lint) */
	struct sl_errors warns;
	bool lint;
};

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

#endif
