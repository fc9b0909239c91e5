/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_dynamic.c — routes from a routing daemon (FRR through FPM) into
 * the RIB, batch by batch, with the same guarantee a commit gives: the
 * forwarding plane's prepare hook sees the batch's FIB changes and may
 * refuse them; a refused batch is undone route by route (each route's
 * previous paths restored), so the RIB never holds what the FIB could not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commit_priv.h"

const char *const sl_dyn_result_names[SL_DYN__COUNT] = {
	[SL_DYN_OK] = "installed",
	[SL_DYN_NO_VRF] = "unknown-table",
	[SL_DYN_BAD] = "refused",
	[SL_DYN_NOMEM] = "out-of-memory",
	[SL_DYN_FIB_FULL] = "fib-full",
	[SL_DYN_INTENT] = "intent",
	[SL_DYN_NOT_LEAKED] = "not-leaked",
};

/* What a route held before the batch, to undo it. */
struct undo {
	char vrf[SL_NAME_MAX];
	struct sl_prefix prefix;
	enum sl_rt_source source;
	int n; /* < 0: nothing to restore (the route was refused) */
	struct sl_static_nh nh[SL_ECMP_MAX];
};

static enum sl_dyn_result result_of(int rc)
{
	return rc == -ENOENT ? SL_DYN_NO_VRF : rc == -ENOMEM ? SL_DYN_NOMEM : SL_DYN_BAD;
}

/*
 * The batch broke an intent that held: undo it (last first), then set its
 * routes again one at a time, each followed by the intent check. A route
 * that breaks one is set again with its paths kept out of leaks
 * (SL_DYN_NOT_LEAKED: installed in its own VRF only); when it breaks one
 * even so, it is put back as it was (SL_DYN_INTENT). Either is counted
 * against the intents it broke. A withdrawal is never refused (the route is
 * gone from the routing daemon): the intent it breaks is then shown broken.
 */
static int intent_guard(struct sl_router *r, const struct sl_dyn_route *v, size_t n,
	const struct undo *u, enum sl_dyn_result *res)
{
	bool *broken = calloc(r->n_intents, 2 * sizeof(*broken)), any = false;
	bool *first = broken + r->n_intents;
	struct sl_static_nh cur[SL_ECMP_MAX], kept[SL_ECMP_MAX];
	int rc = broken ? commit_intents_broken(r, broken, &any) : -ENOMEM;

	if (rc < 0 || !any)
		goto out;
	for (size_t i = n; i-- > 0;)
		if (u[i].n >= 0)
			sl_rib_proto_set(r->rib, u[i].vrf, u[i].prefix, u[i].source, u[i].nh,
				(size_t)u[i].n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (u[i].n < 0 || res[i] != SL_DYN_OK)
			continue;
		int k = sl_rib_proto_get(
			r->rib, u[i].vrf, u[i].prefix, u[i].source, cur, SL_ECMP_MAX);
		if (k < 0 || sl_rib_proto_set(r->rib, u[i].vrf, u[i].prefix, u[i].source, v[i].nh,
				     v[i].n) < 0) {
			res[i] = SL_DYN_NOMEM;
			continue;
		}
		if ((rc = commit_intents_broken(r, first, &any)) < 0 || !any)
			continue;
		if (v[i].n == 0) { /* a withdrawal: the intents it breaks are broken */
			for (size_t j = 0; j < r->n_intents; j++)
				r->intent_held[j] &= !first[j];
			continue;
		}
		memcpy(kept, v[i].nh, v[i].n * sizeof(*kept));
		for (size_t p = 0; p < v[i].n; p++)
			kept[p].noexport = true;
		if (sl_rib_proto_set(r->rib, u[i].vrf, u[i].prefix, u[i].source, kept, v[i].n) ==
				0 &&
			(rc = commit_intents_broken(r, broken, &any)) == 0 && !any) {
			res[i] = SL_DYN_NOT_LEAKED;
		} else {
			sl_rib_proto_set(
				r->rib, u[i].vrf, u[i].prefix, u[i].source, cur, (size_t)k);
			res[i] = SL_DYN_INTENT;
		}
		for (size_t j = 0; j < r->n_intents && rc == 0; j++)
			if (first[j])
				rc = commit_intents_count(r, r->intents[j].name, u[i].vrf,
					u[i].prefix, res[i] == SL_DYN_INTENT);
	}
out:
	/* intents broken before may hold again */
	if (rc == 0)
		rc = commit_intents_refresh(r);
	free(broken);
	return rc;
}

int sl_router_dyn_apply(
	struct sl_router *r, const struct sl_dyn_route *v, size_t n, enum sl_dyn_result *res)
{
	struct undo *u = calloc(n ? n : 1, sizeof(*u));
	uint32_t last_table = 0;
	const char *last_vrf = NULL;
	size_t had = r->n_changes;
	int rc = 0;

	if (u == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		u[i].n = -1;
		if (last_vrf == NULL || v[i].table != last_table) {
			last_table = v[i].table;
			last_vrf = sl_rib_vrf_by_table(r->rib, v[i].table);
		}
		if (last_vrf == NULL) {
			res[i] = SL_DYN_NO_VRF;
			continue;
		}
		if (v[i].n > SL_ECMP_MAX) {
			res[i] = SL_DYN_BAD;
			continue;
		}
		snprintf(u[i].vrf, sizeof(u[i].vrf), "%s", last_vrf);
		u[i].prefix = v[i].prefix;
		u[i].source = v[i].source;
		int k = sl_rib_proto_get(
			r->rib, last_vrf, v[i].prefix, v[i].source, u[i].nh, SL_ECMP_MAX);
		if (k < 0) {
			res[i] = result_of(k);
			continue;
		}
		int e = sl_rib_proto_set(
			r->rib, last_vrf, v[i].prefix, v[i].source, v[i].nh, v[i].n);
		res[i] = e == 0 ? SL_DYN_OK : result_of(e);
		if (e == 0)
			u[i].n = k;
		else if (e == -ENOMEM)
			u[i].n = k; /* it may have been half-made: restore it */
	}
	/* routes that would break an intent are taken back out */
	if (r->n_intents > 0)
		rc = intent_guard(r, v, n, u, res);
	enum sl_dyn_result undone = SL_DYN_NOMEM; /* the change log could not grow */
	if (rc == 0 && r->fib_log && (rc = commit_take_changes(r)) == 0 && r->prepare != NULL) {
		char msg[256] = "";
		rc = r->prepare(r->changes, r->n_changes, msg, sizeof(msg), r->prepare_ctx);
		undone = SL_DYN_FIB_FULL;
	}
	if (rc < 0) {
		/* undo, last first, so that a prefix set twice ends as before */
		r->n_changes = had;
		for (size_t i = n; i-- > 0;) {
			if (u[i].n < 0)
				continue;
			sl_rib_proto_set(r->rib, u[i].vrf, u[i].prefix, u[i].source, u[i].nh,
				(size_t)u[i].n);
			if (res[i] == SL_DYN_OK)
				res[i] = undone;
		}
		sl_rib_changes_clear(r->rib);
	}
	free(u);
	return rc;
}
