/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/cpif: the sync against a fake kernel that records every call, the
 * configuration read, packet classes and the per-class token buckets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf_test_util.h"
#include "sl_cpif.h"

/* ---- the fake kernel: devices by ifindex, a log of calls ---- */

#define DEV_MAX 32
struct fdev {
	bool live, up, vrf;
	uint32_t mtu, table;
	int master;
	char name[16];
	uint8_t mac[6];
	unsigned n_addrs;
	struct sl_prefix addrs[16];
};
struct fake {
	struct fdev dev[DEV_MAX]; /* index = ifindex */
	char netns[64];
	bool in;
	int vrf; /* the probe's answer */
	unsigned probes, creates, destroys, addr_calls, enter_calls;
	int fail_create; /* errno to fail tap_create with, 0: none */
	char taken[16]; /* a name already in use */
	unsigned ns_gen; /* bumped: the namespace was deleted and made again */
};
static struct fake fk;

static int f_enter(void *ctx, const char *netns)
{
	(void)ctx;
	assert_false(fk.in);
	fk.enter_calls++;
	if (strcmp(netns, "missing") == 0)
		return -ENOENT;
	fk.in = true;
	snprintf(fk.netns, sizeof(fk.netns), "%s", netns);
	return 0;
}
static void f_leave(void *ctx)
{
	(void)ctx;
	assert_true(fk.in);
	fk.in = false;
}
static int f_ns_id(void *ctx, const char *netns, uint64_t *id)
{
	(void)ctx;
	if (strcmp(netns, "missing") == 0)
		return -ENOENT;
	*id = strlen(netns) + fk.ns_gen; /* a new generation: made again */
	return 0;
}
static int f_vrf_probe(void *ctx)
{
	(void)ctx;
	assert_true(fk.in);
	fk.probes++;
	return fk.vrf;
}
static int f_tap_create(void *ctx, const char *name, int *fd, int *ifindex)
{
	(void)ctx;
	assert_true(fk.in);
	if (fk.fail_create)
		return -fk.fail_create;
	if (strcmp(name, fk.taken) == 0)
		return -EEXIST;
	for (int i = 1; i < DEV_MAX; i++)
		if (fk.dev[i].live && strcmp(fk.dev[i].name, name) == 0)
			return -EEXIST;
	for (int i = 1; i < DEV_MAX; i++)
		if (!fk.dev[i].live) {
			memset(&fk.dev[i], 0, sizeof(fk.dev[i]));
			fk.dev[i].live = true;
			snprintf(fk.dev[i].name, sizeof(fk.dev[i].name), "%s", name);
			*fd = 100 + i;
			*ifindex = i;
			fk.creates++;
			return 0;
		}
	return -ENOMEM;
}
static void f_tap_destroy(void *ctx, int fd, int ifindex)
{
	(void)ctx;
	assert_int_equal(fd, 100 + ifindex);
	assert_true(fk.dev[ifindex].live);
	fk.dev[ifindex].live = false;
	fk.destroys++;
}
static int f_set_mac(void *ctx, int ifindex, const uint8_t mac[6])
{
	(void)ctx;
	assert_true(fk.in && fk.dev[ifindex].live);
	memcpy(fk.dev[ifindex].mac, mac, 6);
	return 0;
}
static int f_set_up(void *ctx, int ifindex, bool up)
{
	(void)ctx;
	assert_true(fk.in && fk.dev[ifindex].live);
	fk.dev[ifindex].up = up;
	return 0;
}
static int f_set_mtu(void *ctx, int ifindex, uint32_t mtu)
{
	(void)ctx;
	assert_true(fk.in && fk.dev[ifindex].live);
	fk.dev[ifindex].mtu = mtu;
	return 0;
}
static int f_addr(void *ctx, int ifindex, bool add, struct sl_prefix p)
{
	(void)ctx;
	struct fdev *d = &fk.dev[ifindex];
	assert_true(fk.in && d->live);
	fk.addr_calls++;
	for (unsigned i = 0; i < d->n_addrs; i++)
		if (d->addrs[i].addr == p.addr && d->addrs[i].len == p.len) {
			if (add)
				return -EEXIST;
			d->addrs[i] = d->addrs[--d->n_addrs];
			return 0;
		}
	if (!add)
		return -EADDRNOTAVAIL;
	d->addrs[d->n_addrs++] = p;
	return 0;
}

static int f_vrf_create(void *ctx, const char *name, uint32_t table, int *ifindex)
{
	int fd, rc = f_tap_create(ctx, name, &fd, ifindex);
	if (rc == 0) {
		fk.dev[*ifindex].vrf = true;
		fk.dev[*ifindex].table = table;
		fk.dev[*ifindex].up = true;
	}
	return rc;
}
static void f_link_destroy(void *ctx, int ifindex)
{
	(void)ctx;
	assert_true(fk.in && fk.dev[ifindex].live && fk.dev[ifindex].vrf);
	for (int i = 0; i < DEV_MAX; i++)
		assert_false(fk.dev[i].live && fk.dev[i].master == ifindex); /* no TAP left in it */
	fk.dev[ifindex].live = false;
	fk.destroys++;
}
static int f_set_master(void *ctx, int ifindex, int master)
{
	(void)ctx;
	assert_true(fk.in && fk.dev[ifindex].live && fk.dev[master].vrf);
	assert_int_equal(fk.dev[ifindex].n_addrs, 0); /* enslaved before its addresses */
	fk.dev[ifindex].master = master;
	return 0;
}

static const struct sl_cpif_kernel fake_kernel = {
	.enter = f_enter,
	.leave = f_leave,
	.ns_id = f_ns_id,
	.vrf_probe = f_vrf_probe,
	.tap_create = f_tap_create,
	.tap_destroy = f_tap_destroy,
	.set_mac = f_set_mac,
	.set_up = f_set_up,
	.set_mtu = f_set_mtu,
	.vrf_create = f_vrf_create,
	.link_destroy = f_link_destroy,
	.set_master = f_set_master,
	.addr = f_addr,
};

static int live_count(void)
{
	int n = 0;
	for (int i = 0; i < DEV_MAX; i++)
		n += fk.dev[i].live;
	return n;
}

static struct fdev *dev_named(const char *name)
{
	for (int i = 0; i < DEV_MAX; i++)
		if (fk.dev[i].live && strcmp(fk.dev[i].name, name) == 0)
			return &fk.dev[i];
	return NULL;
}

static struct sl_cpif_want want(uint16_t oif, const char *name, const char *vrf, uint8_t mac_last)
{
	static const struct {
		const char *vrf;
		uint32_t table;
	} tables[] = {{"default", 254}, {"B", 100}, {"C", 200}};
	struct sl_cpif_want w = {
		.oif = oif, .up = true, .mac = {2, 0, 0, 0, 0, mac_last}, .mtu = 1500};
	snprintf(w.name, sizeof(w.name), "%s", name);
	snprintf(w.vrf, sizeof(w.vrf), "%s", vrf);
	w.default_vrf = strcmp(vrf, "default") == 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strcmp(tables[i].vrf, vrf) == 0)
			w.table = tables[i].table;
	return w;
}

static void add(struct sl_cpif_want *w, uint32_t a, uint8_t len)
{
	w->addrs[w->n_addrs++] = (struct sl_prefix){a, len};
}

static struct sl_cpif_conf conf_on(const char *netns)
{
	struct sl_cpif_conf c = {.enabled = true};
	snprintf(c.prefix, sizeof(c.prefix), "cp-");
	snprintf(c.netns, sizeof(c.netns), "%s", netns);
	for (unsigned k = 0; k < SL_CPIF__CLASSES; k++)
		c.rate[k] = sl_cpif_rate_default[k];
	return c;
}

static int setup(void **state)
{
	memset(&fk, 0, sizeof(fk));
	*state = sl_cpif_new(&fake_kernel, NULL, NULL);
	return *state == NULL;
}

static int teardown(void **state)
{
	sl_cpif_free(*state);
	assert_int_equal(live_count(), 0); /* every TAP destroyed */
	assert_false(fk.in);
	return 0;
}

/* TAPs for the default VRF only, mirroring name, MAC, addresses, link. */
static void test_create(void **state)
{
	struct sl_cpif *c = *state;
	struct sl_cpif_want w[3] = {want(1, "eth1", "default", 1), want(2, "eth2", "B", 2),
		want(4, "eth4.100", "default", 4)};
	add(&w[0], 0x0a010001, 24);
	add(&w[0], 0x0a090001, 16);
	add(&w[1], 0x0a020001, 24);
	add(&w[2], 0xcb007102, 24);
	w[2].up = false;
	struct sl_cpif_conf conf = conf_on("frr");
	assert_int_equal(sl_cpif_sync(c, &conf, w, 3), 0);
	assert_string_equal(fk.netns, "frr");
	assert_int_equal(live_count(), 2);
	struct fdev *d = dev_named("cp-eth1");
	assert_non_null(d);
	assert_true(d->up);
	assert_int_equal(d->mac[5], 1);
	assert_int_equal(d->mtu, 1500);
	assert_int_equal(d->n_addrs, 2);
	d = dev_named("cp-eth4.100");
	assert_non_null(d);
	assert_false(d->up);
	assert_int_equal(d->n_addrs, 1);
	assert_null(dev_named("cp-eth2"));
	assert_true(sl_cpif_fd(c, 1) > 0);
	assert_int_equal(sl_cpif_fd(c, 2), -1);
	assert_int_equal(sl_cpif_count(c), 2);
	/* the non-default VRF's reason is shown */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_cpif_show(c, f, false);
	fclose(f);
	assert_non_null(strstr(buf, SL_CPIF_NO_VRF_MSG));
	assert_non_null(strstr(buf, "cp-eth1"));
	assert_non_null(strstr(buf, "10.9.0.1/16"));
	free(buf);
}

/* A second sync with nothing changed makes no kernel call but enter/leave. */
static void test_idempotent(void **state)
{
	struct sl_cpif *c = *state;
	struct sl_cpif_want w = want(1, "eth1", "default", 1);
	add(&w, 0x0a010001, 24);
	struct sl_cpif_conf conf = conf_on("");
	assert_int_equal(sl_cpif_sync(c, &conf, &w, 1), 0);
	unsigned creates = fk.creates, addrs = fk.addr_calls;
	assert_int_equal(sl_cpif_sync(c, &conf, &w, 1), 0);
	assert_int_equal(fk.creates, creates);
	assert_int_equal(fk.addr_calls, addrs);
	assert_int_equal(fk.probes, 1); /* once per namespace */
}

/* Addresses added, removed, a length changed; MAC and link follow. */
static void test_update(void **state)
{
	struct sl_cpif *c = *state;
	struct sl_cpif_want w = want(1, "eth1", "default", 1);
	add(&w, 0x0a010001, 24);
	add(&w, 0x0a020001, 24);
	struct sl_cpif_conf conf = conf_on("");
	assert_int_equal(sl_cpif_sync(c, &conf, &w, 1), 0);
	w.n_addrs = 0;
	add(&w, 0x0a010001, 16); /* length changed */
	add(&w, 0x0a030001, 24); /* new */
	w.mac[5] = 9;
	w.up = false;
	w.mtu = 9000;
	assert_int_equal(sl_cpif_sync(c, &conf, &w, 1), 0);
	struct fdev *d = dev_named("cp-eth1");
	assert_non_null(d);
	assert_int_equal(d->mtu, 9000);
	assert_int_equal(d->n_addrs, 2);
	bool has16 = false, has3 = false;
	for (unsigned i = 0; i < d->n_addrs; i++) {
		has16 |= d->addrs[i].addr == 0x0a010001 && d->addrs[i].len == 16;
		has3 |= d->addrs[i].addr == 0x0a030001;
	}
	assert_true(has16 && has3);
	assert_int_equal(d->mac[5], 9);
	assert_false(d->up);
	assert_int_equal(fk.creates, 1);
}

/* Interfaces deleted or moved to a VRF lose their TAP; disabling or a new
 * namespace tears everything down. */
static void test_delete(void **state)
{
	struct sl_cpif *c = *state;
	struct sl_cpif_want w[2] = {want(1, "eth1", "default", 1), want(3, "eth3", "default", 3)};
	struct sl_cpif_conf conf = conf_on("a");
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0);
	assert_int_equal(live_count(), 2);
	assert_int_equal(sl_cpif_sync(c, &conf, w, 1), 0); /* eth3 deleted */
	assert_int_equal(live_count(), 1);
	assert_int_equal(sl_cpif_fd(c, 3), -1);
	assert_true(sl_cpif_fd(c, 1) > 0);
	w[0] = want(1, "eth1", "B", 1); /* moved to VRF B */
	assert_int_equal(sl_cpif_sync(c, &conf, w, 1), 0);
	assert_int_equal(live_count(), 0);
	w[0] = want(1, "eth1", "default", 1);
	assert_int_equal(sl_cpif_sync(c, &conf, w, 1), 0);
	conf = conf_on("b"); /* another namespace: remade there, probed again */
	assert_int_equal(sl_cpif_sync(c, &conf, w, 1), 0);
	assert_int_equal(live_count(), 1);
	assert_int_equal(fk.destroys, 3);
	assert_int_equal(fk.probes, 2);
	sl_cpif_check(c); /* the namespace is the same: nothing */
	assert_false(sl_cpif_failed(c));
	assert_int_equal(live_count(), 1);
	fk.ns_gen++; /* deleted and made again under its name */
	sl_cpif_check(c);
	assert_true(sl_cpif_failed(c));
	assert_int_equal(live_count(), 0);
	assert_int_equal(sl_cpif_sync(c, &conf, w, 1), 0); /* the retry */
	assert_int_equal(live_count(), 1);
	assert_int_equal(fk.probes, 3);
	conf.enabled = false;
	assert_int_equal(sl_cpif_sync(c, &conf, w, 1), 0);
	assert_int_equal(live_count(), 0);
	assert_int_equal(sl_cpif_count(c), 0);
}

/* Failures are per interface, kept for show; a missing namespace fails all. */
static void test_errors(void **state)
{
	struct sl_cpif *c = *state;
	struct sl_cpif_want w[2] = {want(1, "eth1", "default", 1), want(2, "eth2", "default", 2)};
	struct sl_cpif_conf conf = conf_on("");
	snprintf(fk.taken, sizeof(fk.taken), "cp-eth1");
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), -EEXIST);
	assert_int_equal(live_count(), 1); /* eth2 still got its TAP */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_cpif_show(c, f, false);
	fclose(f);
	assert_non_null(strstr(buf, "cp-eth1: File exists"));
	free(buf);
	assert_true(sl_cpif_failed(c));
	fk.taken[0] = '\0';
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0); /* retried */
	assert_false(sl_cpif_failed(c));
	assert_int_equal(live_count(), 2);
	/* a name too long for the kernel */
	struct sl_cpif_want l = want(5, "eth1023.4094", "default", 5);
	snprintf(conf.prefix, sizeof(conf.prefix), "abc");
	assert_int_equal(sl_cpif_sync(c, &conf, &l, 1), 0); /* 15 characters: fits */
	assert_non_null(dev_named("abceth1023.4094"));
	snprintf(conf.prefix, sizeof(conf.prefix), "abcd");
	assert_int_equal(sl_cpif_sync(c, &conf, &l, 1), -ENAMETOOLONG);
	conf = conf_on("missing");
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), -ENOENT);
	assert_int_equal(live_count(), 0);
}

/* With kernel VRF devices: a VRF's TAPs enslaved to one device per VRF
 * (PREFIX + name, the VRF's table), made with the first, deleted with the
 * last; a move between VRFs or a table change remakes the TAP. */
static void test_vrf(void **state)
{
	struct sl_cpif *c = *state;
	fk.vrf = 1;
	struct sl_cpif_want w[3] = {
		want(1, "eth1", "default", 1), want(2, "eth2", "B", 2), want(3, "eth3", "B", 3)};
	add(&w[1], 0x0a020001, 24);
	struct sl_cpif_conf conf = conf_on("frr");
	assert_int_equal(sl_cpif_sync(c, &conf, w, 3), 0);
	struct fdev *vb = dev_named("cp-B");
	assert_non_null(vb);
	assert_true(vb->vrf);
	assert_int_equal(vb->table, 100);
	int ib = (int)(vb - fk.dev);
	assert_int_equal(dev_named("cp-eth2")->master, ib);
	assert_int_equal(dev_named("cp-eth3")->master, ib);
	assert_int_equal(dev_named("cp-eth2")->n_addrs, 1);
	assert_int_equal(dev_named("cp-eth1")->master, 0);
	assert_int_equal(live_count(), 4);
	/* eth3 leaves: B keeps its device for eth2 */
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0);
	assert_non_null(dev_named("cp-B"));
	/* eth2 to VRF C: remade there; B's device goes with its last TAP */
	w[1] = want(2, "eth2", "C", 2);
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0);
	assert_null(dev_named("cp-B"));
	assert_non_null(dev_named("cp-C"));
	assert_int_equal(dev_named("cp-eth2")->master, (int)(dev_named("cp-C") - fk.dev));
	/* C's table changes: its device is made again with the new table */
	w[1].table = 300;
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0);
	assert_int_equal(dev_named("cp-C")->table, 300);
	/* back to the default VRF: no master, no VRF device */
	w[1] = want(2, "eth2", "default", 2);
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0);
	assert_null(dev_named("cp-C"));
	assert_int_equal(dev_named("cp-eth2")->master, 0);
	/* a VRF name too long for a device name: that interface only */
	w[1] = want(2, "eth2", "B", 2);
	snprintf(w[1].vrf, sizeof(w[1].vrf), "VERY-LONG-NAME");
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), -ENAMETOOLONG);
	assert_null(dev_named("cp-eth2"));
	assert_non_null(dev_named("cp-eth1"));
	w[1] = want(2, "eth2", "B", 2);
	assert_int_equal(sl_cpif_sync(c, &conf, w, 2), 0);
	assert_int_equal(live_count(), 3); /* teardown: TAPs and cp-B all destroyed */
}

static void test_conf(void **state)
{
	(void)state;
	struct sl_conf *c = sl_conf_new();
	struct sl_errors errs = {0};
	struct sl_cpif_conf cc;
	sl_cpif_conf_read(c, &cc);
	assert_false(cc.enabled);
	assert_string_equal(cc.prefix, "cp-");
	assert_int_equal(cc.rate[SL_CPIF_BGP], sl_cpif_rate_default[SL_CPIF_BGP]);
	assert_int_equal(conf_load(c,
				 "set system control-plane interfaces enable\n"
				 "set system control-plane interfaces prefix k-\n"
				 "set system control-plane interfaces netns frr\n"
				 "set system control-plane interfaces rate-limit tcp 50\n",
				 &errs),
		0);
	sl_cpif_conf_read(c, &cc);
	assert_true(cc.enabled);
	assert_string_equal(cc.prefix, "k-");
	assert_string_equal(cc.netns, "frr");
	assert_int_equal(cc.rate[SL_CPIF_TCP], 50);
	assert_int_equal(cc.rate[SL_CPIF_UDP], sl_cpif_rate_default[SL_CPIF_UDP]);
	/* bad values say what is valid */
	assert_true(
		conf_load(c, "set system control-plane interfaces prefix toolong\n", &errs) < 0);
	assert_true(conf_errors_have(&errs, 1, "1..3 letters"));
	sl_errors_free(&errs);
	assert_true(
		conf_load(c, "set system control-plane interfaces rate-limit bgp 0\n", &errs) < 0);
	assert_true(conf_errors_have(&errs, 1, "1..1000000"));
	sl_errors_free(&errs);
	assert_true(conf_load(c, "set system control-plane interfaces netns a/b\n", &errs) < 0);
	sl_errors_free(&errs);
	sl_conf_free(c);
}

/* IPv4 header of protocol proto with ports sport → dport. */
static size_t ip4(uint8_t *b, uint8_t proto, unsigned sport, unsigned dport, bool frag)
{
	memset(b, 0, 40);
	b[0] = 0x45;
	b[9] = proto;
	if (frag)
		b[7] = 10;
	b[20] = (uint8_t)(sport >> 8), b[21] = (uint8_t)sport;
	b[22] = (uint8_t)(dport >> 8), b[23] = (uint8_t)dport;
	return 40;
}

static void test_classify(void **state)
{
	(void)state;
	uint8_t b[40];
	size_t n = ip4(b, 6, 179, 40000, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_BGP);
	n = ip4(b, 6, 40000, 179, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_BGP);
	n = ip4(b, 6, 40000, 22, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_TCP);
	n = ip4(b, 6, 179, 179, true); /* a later fragment: no ports */
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_TCP);
	n = ip4(b, 6, 40000, 179, false);
	assert_int_equal(sl_cpif_classify(b, 22, false), SL_CPIF_TCP); /* ports cut off */
	n = ip4(b, 17, 53, 53, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_UDP);
	n = ip4(b, 89, 0, 0, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_OSPF);
	n = ip4(b, 1, 0, 0, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_ICMP);
	n = ip4(b, 47, 0, 0, false);
	assert_int_equal(sl_cpif_classify(b, n, false), SL_CPIF_OTHER);
	assert_int_equal(sl_cpif_classify(b, 10, false), SL_CPIF_OTHER);
	assert_int_equal(sl_cpif_classify(b, n, true), SL_CPIF_ARP);
}

/* Each class's bucket: rate a second, as large a burst; a flood of one
 * class leaves the others' tokens alone. */
static void test_admit(void **state)
{
	struct sl_cpif *c = *state;
	struct sl_cpif_want w = want(1, "eth1", "default", 1);
	struct sl_cpif_conf conf = conf_on("");
	conf.rate[SL_CPIF_TCP] = 10;
	assert_int_equal(sl_cpif_sync(c, &conf, &w, 1), 0);
	const uint64_t hz = 1000000, t0 = 5 * hz;
	unsigned ok = 0;
	for (int i = 0; i < 100; i++)
		ok += sl_cpif_admit(c, SL_CPIF_TCP, t0, hz);
	assert_int_equal(ok, 10);
	assert_int_equal(sl_cpif_counters(c)->limited[SL_CPIF_TCP], 90);
	ok = 0;
	for (int i = 0; i < 100; i++)
		ok += sl_cpif_admit(c, SL_CPIF_BGP, t0, hz);
	assert_int_equal(ok, 100); /* BGP's own bucket */
	assert_int_equal(sl_cpif_counters(c)->limited[SL_CPIF_BGP], 0);
	assert_false(sl_cpif_admit(c, SL_CPIF_TCP, t0 + hz / 20, hz)); /* 0.5 token */
	ok = 0;
	for (int i = 0; i < 100; i++)
		ok += sl_cpif_admit(c, SL_CPIF_TCP, t0 + hz / 2, hz);
	assert_int_equal(ok, 5); /* half a second: 5 more */
	ok = 0;
	for (int i = 0; i < 100; i++)
		ok += sl_cpif_admit(c, SL_CPIF_TCP, t0 + 3600 * hz, hz);
	assert_int_equal(ok, 10); /* an hour later: one burst, not 36,000 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vrf, setup, teardown),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_classify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
