/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpif_sync.c — the TAPs follow the interfaces after each commit: a TAP for
 * each default-VRF interface, its MAC, addresses and link state; TAPs of
 * interfaces gone (or moved to another VRF) destroyed. Everything is torn
 * down when disabled or when the namespace changes. An interface's failure
 * is kept for show and does not stop the others.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpif_priv.h"

void cpif_log(struct sl_cpif *c, bool error, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->log != NULL && !(error && c->quiet))
		c->log(c->log_ctx, error, msg);
}

struct sl_cpif *sl_cpif_new(const struct sl_cpif_kernel *k, sl_cpif_log_fn log, void *log_ctx)
{
	struct sl_cpif *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->k = *k;
	c->log = log;
	c->log_ctx = log_ctx;
	c->vrf_support = -1;
	memset(c->by_oif, 0xff, sizeof(c->by_oif));
	for (unsigned i = 0; i < SL_CPIF__CLASSES; i++)
		c->conf.rate[i] = sl_cpif_rate_default[i];
	snprintf(c->conf.prefix, sizeof(c->conf.prefix), "cp-");
	return c;
}

/* in_ns: in the TAPs' namespace now (its VRF device can be deleted) */
static void tap_destroy(struct sl_cpif *c, unsigned i, bool in_ns)
{
	struct cpif_tap *t = &c->taps[i];
	c->k.tap_destroy(c->k.ctx, t->fd, t->ifindex);
	if (t->vrf[0] != '\0')
		cpif_vrf_release(c, t, in_ns);
	cpif_log(c, false, "control-plane: %s removed", t->name);
	c->by_oif[t->oif] = -1;
	c->taps[i] = c->taps[--c->n_taps];
	if (i < c->n_taps)
		c->by_oif[c->taps[i].oif] = (int16_t)i;
}

/* Tear every TAP down (in the namespace they were made in). */
static void destroy_all(struct sl_cpif *c)
{
	if (c->n_taps == 0)
		return;
	bool in = c->k.enter(c->k.ctx, c->conf.netns) == 0;
	while (c->n_taps > 0)
		tap_destroy(c, c->n_taps - 1, in);
	if (in)
		c->k.leave(c->k.ctx);
}

void sl_cpif_free(struct sl_cpif *c)
{
	if (c == NULL)
		return;
	destroy_all(c);
	free(c);
}

static bool has_addr(const struct sl_prefix *a, uint32_t n, struct sl_prefix p)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i].addr == p.addr && a[i].len == p.len)
			return true;
	return false;
}

static const struct sl_cpif_want *want_of(const struct sl_cpif_want *want, unsigned n, uint16_t oif)
{
	for (unsigned i = 0; i < n; i++)
		if (want[i].oif == oif)
			return &want[i];
	return NULL;
}

static int fail(struct cpif_status *st, int rc, const char *what)
{
	snprintf(st->why, sizeof(st->why), "%s: %s", what, strerror(-rc));
	return rc;
}

/* Addresses of t become w's: removed first (a prefix length change is a
 * removal and an addition). */
static int sync_addrs(
	struct sl_cpif *c, struct cpif_tap *t, const struct sl_cpif_want *w, struct cpif_status *st)
{
	int rc = 0;
	for (uint32_t i = 0; i < t->n_addrs;) {
		if (has_addr(w->addrs, w->n_addrs, t->addrs[i])) {
			i++;
			continue;
		}
		int r = c->k.addr(c->k.ctx, t->ifindex, false, t->addrs[i]);
		if (r < 0 && r != -EADDRNOTAVAIL && rc == 0)
			rc = fail(st, r, "address removal");
		t->addrs[i] = t->addrs[--t->n_addrs];
	}
	for (uint32_t i = 0; i < w->n_addrs && i < SL_CPIF_ADDRS; i++) {
		if (has_addr(t->addrs, t->n_addrs, w->addrs[i]))
			continue;
		int r = c->k.addr(c->k.ctx, t->ifindex, true, w->addrs[i]);
		if (r < 0 && r != -EEXIST) {
			if (rc == 0)
				rc = fail(st, r, "address");
			continue;
		}
		t->addrs[t->n_addrs++] = w->addrs[i];
	}
	return rc;
}

static int tap_make(struct sl_cpif *c, const struct sl_cpif_want *w, struct cpif_status *st)
{
	if (c->n_taps == SL_CPIF_MAX) {
		snprintf(st->why, sizeof(st->why), "no TAP: %u already (the most)", SL_CPIF_MAX);
		return -ENOSPC;
	}
	char name[SL_CPIF_NAME_MAX + SL_NAME_MAX];
	snprintf(name, sizeof(name), "%s%s", c->conf.prefix, w->name);
	if (strlen(name) >= SL_CPIF_NAME_MAX) {
		snprintf(st->why, sizeof(st->why), "no TAP: '%s' is longer than %d characters",
			name, SL_CPIF_NAME_MAX - 1);
		return -ENAMETOOLONG;
	}
	struct cpif_tap *t = &c->taps[c->n_taps];
	memset(t, 0, sizeof(*t));
	int rc = c->k.tap_create(c->k.ctx, name, &t->fd, &t->ifindex);
	if (rc < 0)
		return fail(st, rc, name);
	t->oif = w->oif;
	snprintf(t->name, sizeof(t->name), "%s", name);
	c->by_oif[w->oif] = (int16_t)c->n_taps++;
	rc = c->k.set_mac(c->k.ctx, t->ifindex, w->mac);
	if (rc < 0) {
		fail(st, rc, "MAC");
		tap_destroy(c, c->n_taps - 1, true);
		return rc;
	}
	memcpy(t->mac, w->mac, 6);
	cpif_log(c, false, "control-plane: %s mirrors %s", name, w->name);
	return 0;
}

/* One interface: its TAP made or updated. */
static int sync_one(struct sl_cpif *c, const struct sl_cpif_want *w, struct cpif_status *st)
{
	if (!w->default_vrf && c->vrf_support != 1) {
		snprintf(st->why, sizeof(st->why), "%s", SL_CPIF_NO_VRF_MSG);
		return 0;
	}
	int rc = 0;
	if (c->by_oif[w->oif] < 0 && (rc = tap_make(c, w, st)) < 0)
		return rc;
	struct cpif_tap *t = &c->taps[c->by_oif[w->oif]];
	/* into its VRF before the addresses: their routes go to its table */
	if (!w->default_vrf && t->vrf[0] == '\0' &&
		(rc = cpif_vrf_attach(c, t, w, st->why, sizeof(st->why))) < 0) {
		tap_destroy(c, (unsigned)c->by_oif[w->oif], true);
		return rc;
	}
	snprintf(st->tap, sizeof(st->tap), "%s", t->name);
	if (memcmp(t->mac, w->mac, 6) != 0) {
		if ((rc = c->k.set_mac(c->k.ctx, t->ifindex, w->mac)) < 0)
			return fail(st, rc, "MAC");
		memcpy(t->mac, w->mac, 6);
	}
	if (w->mtu != 0 && t->mtu != w->mtu) {
		if ((rc = c->k.set_mtu(c->k.ctx, t->ifindex, w->mtu)) < 0)
			return fail(st, rc, "MTU");
		t->mtu = w->mtu;
	}
	rc = sync_addrs(c, t, w, st);
	/* addresses before the link comes up: the kernel's first ARP has a source */
	if (t->up != w->up) {
		int r = c->k.set_up(c->k.ctx, t->ifindex, w->up);
		if (r < 0)
			return fail(st, r, "link state");
		t->up = w->up;
	}
	return rc;
}

static int sync_all(struct sl_cpif *c, const struct sl_cpif_conf *conf,
	const struct sl_cpif_want *want, unsigned n)
{
	if (!conf->enabled || strcmp(conf->netns, c->conf.netns) != 0 ||
		strcmp(conf->prefix, c->conf.prefix) != 0) {
		destroy_all(c);
		if (strcmp(conf->netns, c->conf.netns) != 0)
			c->vrf_support = -1;
	}
	c->conf = *conf;
	c->n_status = 0;
	c->error[0] = '\0';
	if (!conf->enabled)
		return 0;
	int rc = c->k.enter(c->k.ctx, conf->netns);
	if (rc < 0) {
		snprintf(c->error, sizeof(c->error), "network namespace '%s': %s", conf->netns,
			strerror(-rc));
		cpif_log(c, true, "control-plane: %s", c->error);
		return rc;
	}
	if (c->k.ns_id(c->k.ctx, conf->netns, &c->ns_id) < 0)
		c->ns_id = 0;
	if (c->vrf_support < 0) {
		c->vrf_support = c->k.vrf_probe(c->k.ctx) == 1;
		if (!c->vrf_support)
			cpif_log(c, false,
				"control-plane: no kernel VRF devices: interfaces of "
				"non-default VRFs get no TAP (%s)",
				SL_CPIF_NO_VRF_MSG);
	}
	/* TAPs of interfaces gone or moved out of the default VRF */
	for (unsigned i = 0; i < c->n_taps;) {
		const struct sl_cpif_want *w = want_of(want, n, c->taps[i].oif);
		char name[SL_CPIF_NAME_MAX + SL_NAME_MAX];
		snprintf(name, sizeof(name), "%s%s", conf->prefix, w ? w->name : "");
		const struct cpif_tap *t = &c->taps[i];
		/* another VRF (or table) is another TAP: made again there */
		bool moved = w != NULL &&
			     (w->default_vrf ? t->vrf[0] != '\0'
					     : c->vrf_support != 1 || strcmp(t->vrf, w->vrf) != 0 ||
						       t->table != w->table);
		if (w == NULL || moved || strcmp(name, t->name) != 0)
			tap_destroy(c, i, true);
		else
			i++;
	}
	int first = 0;
	for (unsigned i = 0; i < n; i++) {
		struct cpif_status *st =
			c->n_status < SL_CPIF_MAX ? &c->status[c->n_status++] : NULL;
		struct cpif_status scratch;
		if (st == NULL)
			st = &scratch;
		memset(st, 0, sizeof(*st));
		st->oif = want[i].oif;
		snprintf(st->name, sizeof(st->name), "%s", want[i].name);
		snprintf(st->vrf, sizeof(st->vrf), "%s", want[i].vrf);
		rc = sync_one(c, &want[i], st);
		if (rc < 0) {
			cpif_log(c, true, "control-plane: %s: %s", want[i].name, st->why);
			if (first == 0)
				first = rc;
		}
	}
	c->k.leave(c->k.ctx);
	return first;
}

int sl_cpif_sync(struct sl_cpif *c, const struct sl_cpif_conf *conf,
	const struct sl_cpif_want *want, unsigned n)
{
	c->last_rc = sync_all(c, conf, want, n);
	return c->last_rc;
}

void sl_cpif_tap_lost(struct sl_cpif *c, uint16_t oif, int err)
{
	if (oif >= SL_IFACE_MAX || c->by_oif[oif] < 0)
		return;
	unsigned i = (unsigned)c->by_oif[oif];
	cpif_log(c, true, "control-plane: %s stopped working (%s): made again when it can be",
		c->taps[i].name, strerror(err));
	tap_destroy(c, i, false);
	c->last_rc = -ENODEV;
}

void sl_cpif_check(struct sl_cpif *c)
{
	uint64_t id;
	if (c->n_taps == 0 || c->conf.netns[0] == '\0')
		return;
	if (c->k.ns_id(c->k.ctx, c->conf.netns, &id) == 0 && id == c->ns_id)
		return;
	cpif_log(c, true, "control-plane: network namespace '%s' was deleted or replaced: %s",
		c->conf.netns, "its TAPs are removed, made again when it can be");
	while (c->n_taps > 0) /* closing the fds needs no namespace */
		tap_destroy(c, c->n_taps - 1, false);
	c->vrf_support = -1;
	c->last_rc = -ESTALE;
}

bool sl_cpif_failed(const struct sl_cpif *c)
{
	return c->last_rc < 0;
}

void sl_cpif_quiet(struct sl_cpif *c, bool quiet)
{
	c->quiet = quiet;
}

int sl_cpif_fd(const struct sl_cpif *c, uint16_t oif)
{
	if (oif >= SL_IFACE_MAX || c->by_oif[oif] < 0)
		return -1;
	return c->taps[c->by_oif[oif]].fd;
}

unsigned sl_cpif_count(const struct sl_cpif *c)
{
	return c->n_taps;
}

int sl_cpif_tap_at(const struct sl_cpif *c, unsigned i, uint16_t *oif)
{
	if (i >= c->n_taps)
		return -1;
	*oif = c->taps[i].oif;
	return c->taps[i].fd;
}

struct sl_cpif_counters *sl_cpif_counters(struct sl_cpif *c)
{
	return &c->cnt;
}

const struct sl_cpif_conf *sl_cpif_conf(const struct sl_cpif *c)
{
	return &c->conf;
}
