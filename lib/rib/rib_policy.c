/* SPDX-License-Identifier: BSD-3-Clause */
/* Policy changes: update the store, then re-derive only the leaks of VRFs
 * whose import or export route-map is the changed one or uses the changed
 * prefix-list. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

struct users {
	const char *plist;
	char (*rmaps)[SL_NAME_MAX];
	size_t n;
	bool nomem;
};

static int collect_rmap_users(const struct sl_rmap *rm, void *ctx)
{
	struct users *u = ctx;
	if (!sl_policy_rmap_uses_plist(rm, u->plist))
		return 0;
	void *v = realloc(u->rmaps, (u->n + 1) * SL_NAME_MAX);
	if (v == NULL) {
		u->nomem = true;
		return 1;
	}
	u->rmaps = v;
	memcpy(u->rmaps[u->n++], rm->name, SL_NAME_MAX);
	return 0;
}

static bool in_list(const char *name, char (*list)[SL_NAME_MAX], size_t n)
{
	if (name[0] == '\0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static int rederive_users(struct sl_rib *rib, char (*rmaps)[SL_NAME_MAX], size_t n)
{
	int rc = 0, r;
	for (size_t id = 0; id < SL_VRF_MAX; id++) {
		struct rib_vrf *vrf = rib->vrfs[id];
		if (vrf == NULL)
			continue;
		/* route-map pointers change with any policy set/del */
		rib_vrf_policy_refresh(rib, vrf);
		if (!rib_bgp_on(vrf))
			continue;
		if (in_list(vrf->bgp.rmap_export, rmaps, n))
			rib_mark_all(rib, vrf);
		if (in_list(vrf->bgp.rmap_import, rmaps, n) &&
			rib_mark_imports(rib, vrf, NULL, 0) < 0)
			rc = -ENOMEM;
	}
	r = rib_settle(rib);
	return rc < 0 ? rc : r;
}

int sl_rib_plist_set(struct sl_rib *rib, const char *name, const struct sl_plist *pl)
{
	struct users u = {.plist = name};
	int rc;

	if (rib == NULL || name == NULL || name[0] == '\0' || strlen(name) >= SL_NAME_MAX)
		return -EINVAL;
	if (pl) {
		struct sl_plist copy = *pl;
		memset(copy.name, 0, SL_NAME_MAX);
		strcpy(copy.name, name);
		rc = sl_policy_plist_set(rib->policy, &copy);
	} else {
		rc = sl_policy_plist_del(rib->policy, name);
		if (rc == -ENOENT)
			return 0;
	}
	if (rc < 0)
		return rc;
	sl_policy_rmap_foreach(rib->policy, collect_rmap_users, &u);
	rc = rederive_users(rib, u.rmaps, u.n);
	free(u.rmaps);
	return u.nomem ? -ENOMEM : rc;
}

int sl_rib_rmap_set(struct sl_rib *rib, const char *name, const struct sl_rmap *rm)
{
	char one[1][SL_NAME_MAX];
	int rc;

	if (rib == NULL || name == NULL || name[0] == '\0' || strlen(name) >= SL_NAME_MAX)
		return -EINVAL;
	if (rm) {
		struct sl_rmap copy = *rm;
		memset(copy.name, 0, SL_NAME_MAX);
		strcpy(copy.name, name);
		rc = sl_policy_rmap_set(rib->policy, &copy);
	} else {
		rc = sl_policy_rmap_del(rib->policy, name);
		if (rc == -ENOENT)
			return 0;
	}
	if (rc < 0)
		return rc;
	memset(one, 0, sizeof(one));
	strcpy(one[0], name);
	return rederive_users(rib, one, 1);
}
