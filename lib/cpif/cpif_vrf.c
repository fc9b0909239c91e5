/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpif_vrf.c — where the kernel has VRF devices: a VRF's TAPs are enslaved
 * to a VRF device named PREFIX + the VRF's name with the VRF's table id, so
 * that a daemon in that namespace sees the VRF as FRR expects (`vrf NAME`
 * there matches the device). Made with its first TAP, deleted with its last.
 * Not exercised on the test machine (no VRF devices): the unit test's fake
 * kernel covers it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cpif_priv.h"

static struct cpif_vrf *vrf_find(struct sl_cpif *c, const char *vrf)
{
	for (unsigned i = 0; i < c->n_vrfs; i++)
		if (strcmp(c->vrfs[i].vrf, vrf) == 0)
			return &c->vrfs[i];
	return NULL;
}

static void vrf_drop(struct sl_cpif *c, struct cpif_vrf *v, bool in_ns)
{
	if (in_ns)
		c->k.link_destroy(c->k.ctx, v->ifindex);
	cpif_log(c, false, "control-plane: VRF device %s removed", v->dev);
	*v = c->vrfs[--c->n_vrfs];
}

int cpif_vrf_attach(struct sl_cpif *c, struct cpif_tap *t, const struct sl_cpif_want *w, char *why,
	size_t why_len)
{
	struct cpif_vrf *v = vrf_find(c, w->vrf);
	int rc;
	if (v == NULL) {
		char dev[SL_CPIF_NAME_MAX + SL_NAME_MAX];
		snprintf(dev, sizeof(dev), "%s%s", c->conf.prefix, w->vrf);
		if (strlen(dev) >= SL_CPIF_NAME_MAX) {
			snprintf(why, why_len, "no VRF device: '%s' is longer than %d characters",
				dev, SL_CPIF_NAME_MAX - 1);
			return -ENAMETOOLONG;
		}
		v = &c->vrfs[c->n_vrfs];
		memset(v, 0, sizeof(*v));
		if ((rc = c->k.vrf_create(c->k.ctx, dev, w->table, &v->ifindex)) < 0) {
			snprintf(why, why_len, "VRF device %s (table %u): %s", dev, w->table,
				strerror(-rc));
			return rc;
		}
		snprintf(v->vrf, sizeof(v->vrf), "%s", w->vrf);
		snprintf(v->dev, sizeof(v->dev), "%s", dev);
		v->table = w->table;
		c->n_vrfs++;
		cpif_log(c, false, "control-plane: VRF device %s (table %u) for VRF %s", dev,
			w->table, w->vrf);
	}
	if ((rc = c->k.set_master(c->k.ctx, t->ifindex, v->ifindex)) < 0) {
		snprintf(why, why_len, "%s into VRF device %s: %s", t->name, v->dev, strerror(-rc));
		if (v->users == 0)
			vrf_drop(c, v, true);
		return rc;
	}
	v->users++;
	snprintf(t->vrf, sizeof(t->vrf), "%s", w->vrf);
	t->table = w->table;
	return 0;
}

void cpif_vrf_release(struct sl_cpif *c, const struct cpif_tap *t, bool in_ns)
{
	struct cpif_vrf *v = vrf_find(c, t->vrf);
	if (v != NULL && --v->users == 0)
		vrf_drop(c, v, in_ns);
}
