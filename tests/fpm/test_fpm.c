/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/fpm: what zebra sends is decoded exactly, however TCP splits it; what
 * a hostile or broken client sends is counted by kind and never read past
 * its frame (ASan watches); a bad frame header asks for the connection to go.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sl_fpm.h"

/* ---- a collector of decoded messages ---- */
struct got {
	struct sl_fpm_msg *v;
	size_t n, cap;
};

static void collect(const struct sl_fpm_msg *m, void *ctx)
{
	struct got *g = ctx;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 1024;
		g->v = realloc(g->v, g->cap * sizeof(*g->v));
		assert_non_null(g->v);
	}
	g->v[g->n++] = *m;
}

static uint64_t rng_state;
static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static void random_path(struct sl_fpm_path *p, bool multi)
{
	p->gw = rnd() % 3 ? rnd() | 1 : 0;
	p->ifindex = (!p->gw || rnd() % 2) ? 1 + rnd() % 5000 : 0;
	p->weight = multi ? (uint8_t)(1 + rnd() % 255) : 1;
}

static void random_msg(struct sl_fpm_msg *m)
{
	memset(m, 0, sizeof(*m));
	uint32_t k = rnd() % 10;
	if (k < 7) {
		m->kind = k < 5 ? SL_FPM_ROUTE_ADD : SL_FPM_ROUTE_DEL;
		struct sl_fpm_route *r = &m->route;
		static const uint32_t tables[] = {254, 10, 11, 100, 255, 256, 1000, 65536};
		r->table = tables[rnd() % 8];
		r->prefix.len = (uint8_t)(rnd() % 33);
		r->prefix.addr = rnd() & sl_mask(r->prefix.len);
		r->protocol = rnd() % 2 ? 186 : 188;
		r->type = rnd() % 8 == 0 ? (enum sl_fpm_route_type)(1 + rnd() % 3) : SL_FPM_UNICAST;
		r->metric = rnd() % 2 ? rnd() : 0;
		if (rnd() % 4 == 0) {
			r->nh_id = 1 + rnd() % 100000;
		} else if (r->type == SL_FPM_UNICAST) {
			r->n_paths = rnd() % 3 ? 1 : 2 + rnd() % (SL_FPM_NH_MAX - 1);
			for (size_t i = 0; i < r->n_paths; i++)
				random_path(&r->paths[i], r->n_paths > 1);
		}
	} else {
		m->kind = k < 9 ? SL_FPM_NH_ADD : SL_FPM_NH_DEL;
		struct sl_fpm_nh *n = &m->nh;
		n->id = 1 + rnd() % 100000;
		n->path.weight = 1;
		if (m->kind == SL_FPM_NH_DEL)
			return;
		uint32_t t = rnd() % 4;
		if (t == 0) {
			n->blackhole = true;
		} else if (t == 1) {
			n->n_group = 1 + rnd() % SL_FPM_NH_MAX;
			for (size_t i = 0; i < n->n_group; i++) {
				n->group[i].id = 1 + rnd() % 100000;
				n->group[i].weight = (uint8_t)(1 + rnd() % 255);
			}
		} else {
			random_path(&n->path, false);
		}
	}
}

static void assert_msg_equal(const struct sl_fpm_msg *a, const struct sl_fpm_msg *b, size_t i)
{
	if (a->kind != b->kind)
		fail_msg("message %zu: kind %d, want %d", i, b->kind, a->kind);
	if (a->kind <= SL_FPM_ROUTE_DEL) {
		const struct sl_fpm_route *x = &a->route, *y = &b->route;
		if (x->table != y->table || x->prefix.addr != y->prefix.addr ||
			x->prefix.len != y->prefix.len || x->protocol != y->protocol ||
			x->type != y->type || x->metric != y->metric || x->nh_id != y->nh_id ||
			x->n_paths != y->n_paths)
			fail_msg("route %zu differs (table %u/%u, len %u/%u, paths %zu/%zu)", i,
				x->table, y->table, x->prefix.len, y->prefix.len, x->n_paths,
				y->n_paths);
		for (size_t p = 0; p < x->n_paths; p++)
			if (x->paths[p].gw != y->paths[p].gw ||
				x->paths[p].ifindex != y->paths[p].ifindex ||
				x->paths[p].weight != y->paths[p].weight)
				fail_msg("route %zu path %zu differs", i, p);
	} else {
		const struct sl_fpm_nh *x = &a->nh, *y = &b->nh;
		if (x->id != y->id || x->blackhole != y->blackhole || x->n_group != y->n_group ||
			x->path.gw != y->path.gw || x->path.ifindex != y->path.ifindex)
			fail_msg("next hop %zu differs", i);
		for (size_t g = 0; g < x->n_group; g++)
			if (x->group[g].id != y->group[g].id ||
				x->group[g].weight != y->group[g].weight)
				fail_msg("next hop %zu member %zu differs", i, g);
	}
}

/* 20,000 messages of every form, one stream, fed in random pieces. */
static void test_stream_round_trip(void **state)
{
	(void)state;
	enum { N = 20000 };
	rng_state = 42;
	struct sl_fpm_msg *want = calloc(N, sizeof(*want));
	uint8_t *stream = malloc((size_t)N * 512);
	size_t len = 0, kinds[4] = {0};
	assert_non_null(want);
	assert_non_null(stream);
	for (size_t i = 0; i < N; i++) {
		random_msg(&want[i]);
		kinds[want[i].kind]++;
		int n = sl_fpm_encode(&want[i], stream + len, 512);
		assert_true(n > 0);
		len += (size_t)n;
	}
	static struct sl_fpm_rx rx;
	struct got got = {0};
	sl_fpm_rx_init(&rx);
	for (size_t at = 0; at < len;) {
		size_t piece = 1 + rnd() % (rnd() % 4 ? 64 : 4000);
		if (piece > len - at)
			piece = len - at;
		assert_int_equal(sl_fpm_rx_feed(&rx, stream + at, piece, collect, &got), 0);
		at += piece;
	}
	assert_int_equal(got.n, N);
	for (size_t i = 0; i < N; i++)
		assert_msg_equal(&want[i], &got.v[i], i);
	assert_int_equal(rx.st.frames, N);
	assert_int_equal(rx.st.bytes, len);
	assert_int_equal(rx.st.routes_add, kinds[SL_FPM_ROUTE_ADD]);
	assert_int_equal(rx.st.routes_del, kinds[SL_FPM_ROUTE_DEL]);
	assert_int_equal(rx.st.nh_add, kinds[SL_FPM_NH_ADD]);
	assert_int_equal(rx.st.nh_del, kinds[SL_FPM_NH_DEL]);
	for (size_t b = 0; b < SL_FPM_BAD__COUNT; b++)
		assert_int_equal(rx.st.bad[b], 0);
	free(got.v), free(want), free(stream);
}

/* ---- hand-made frames ---- */
struct frame {
	uint8_t b[4096];
	size_t len; /* whole frame */
	size_t msg; /* offset of the current netlink message */
};

static void f_begin(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	f->b[0] = SL_FPM_VERSION;
	f->b[1] = SL_FPM_TYPE_NETLINK;
	f->len = SL_FPM_HDR_LEN;
}

static void f_put(struct frame *f, const void *d, size_t n)
{
	memcpy(f->b + f->len, d, n);
	f->len += NLMSG_ALIGN(n);
}

static void f_msg(struct frame *f, uint16_t type)
{
	struct nlmsghdr h = {.nlmsg_type = type};
	f->msg = f->len;
	f_put(f, &h, sizeof(h));
}

static void f_rtm(struct frame *f, uint8_t family, uint8_t dst_len, uint8_t type)
{
	struct rtmsg r = {.rtm_family = family,
		.rtm_dst_len = dst_len,
		.rtm_table = 254,
		.rtm_protocol = 186,
		.rtm_type = type};
	f_put(f, &r, sizeof(r));
}

static void f_rta(struct frame *f, uint16_t type, const void *d, size_t n)
{
	struct rtattr a = {.rta_len = (unsigned short)(sizeof(a) + n), .rta_type = type};
	memcpy(f->b + f->len, &a, sizeof(a));
	memcpy(f->b + f->len + sizeof(a), d, n);
	f->len += RTA_ALIGN(sizeof(a) + n);
}

static void f_end_msg(struct frame *f)
{
	uint32_t n = (uint32_t)(f->len - f->msg);
	memcpy(f->b + f->msg, &n, sizeof(n));
}

static void f_end(struct frame *f)
{
	f->b[2] = (uint8_t)(f->len >> 8);
	f->b[3] = (uint8_t)f->len;
}

/* A good route frame: 10.9.0.0/16 via 203.0.113.1. */
static void f_good_route(struct frame *f)
{
	uint32_t dst = htonl(0x0a090000), gw = htonl(0xcb007101);
	f_msg(f, RTM_NEWROUTE);
	f_rtm(f, AF_INET, 16, RTN_UNICAST);
	f_rta(f, RTA_DST, &dst, 4);
	f_rta(f, RTA_GATEWAY, &gw, 4);
	f_end_msg(f);
}

static struct sl_fpm_rx rx;
static struct got got;

static int feed(const struct frame *f)
{
	return sl_fpm_rx_feed(&rx, f->b, f->len, collect, &got);
}

static int setup(void **state)
{
	(void)state;
	sl_fpm_rx_init(&rx);
	got.n = 0;
	return 0;
}

/* Each broken message is counted by its kind; the good one after it in the
 * same frame, and the next frame, still arrive. */
static void test_bad_messages_counted(void **state)
{
	(void)state;
	struct frame f;
	uint32_t v = htonl(0x0a000000);
	struct {
		const char *what;
		enum sl_fpm_bad bad;
		void (*make)(struct frame *f);
	} cases[] = {
		{"RTA_DST of 3 bytes", SL_FPM_BAD_VALUE, NULL},
		{"dst_len 33", SL_FPM_BAD_VALUE, NULL},
		{"host bits", SL_FPM_BAD_HOST_BITS, NULL},
		{"attribute longer than its message", SL_FPM_BAD_ATTR, NULL},
		{"unicast add with no path", SL_FPM_BAD_NO_PATH, NULL},
		{"17 multipath paths", SL_FPM_BAD_TOO_MANY_PATHS, NULL},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		setup(NULL);
		f_begin(&f);
		f_msg(&f, RTM_NEWROUTE);
		switch (c) {
		case 0:
			f_rtm(&f, AF_INET, 8, RTN_UNICAST);
			f_rta(&f, RTA_DST, &v, 3);
			break;
		case 1:
			f_rtm(&f, AF_INET, 33, RTN_UNICAST);
			f_rta(&f, RTA_DST, &v, 4);
			f_rta(&f, RTA_OIF, &(uint32_t){3}, 4);
			break;
		case 2: {
			uint32_t h = htonl(0x0a000001);
			f_rtm(&f, AF_INET, 8, RTN_UNICAST);
			f_rta(&f, RTA_DST, &h, 4);
			f_rta(&f, RTA_OIF, &(uint32_t){3}, 4);
			break;
		}
		case 3: {
			f_rtm(&f, AF_INET, 8, RTN_UNICAST);
			f_rta(&f, RTA_DST, &v, 4);
			struct rtattr a = {.rta_len = 200, .rta_type = RTA_GATEWAY};
			memcpy(f.b + f.len, &a, sizeof(a));
			f.len += sizeof(a) + 4;
			break;
		}
		case 4:
			f_rtm(&f, AF_INET, 8, RTN_UNICAST);
			f_rta(&f, RTA_DST, &v, 4);
			break;
		case 5: {
			f_rtm(&f, AF_INET, 8, RTN_UNICAST);
			f_rta(&f, RTA_DST, &v, 4);
			uint8_t mp[17 * sizeof(struct rtnexthop)];
			for (size_t i = 0; i < 17; i++) {
				struct rtnexthop nh = {.rtnh_len = sizeof(nh), .rtnh_ifindex = 1};
				memcpy(mp + i * sizeof(nh), &nh, sizeof(nh));
			}
			f_rta(&f, RTA_MULTIPATH, mp, sizeof(mp));
			break;
		}
		}
		f_end_msg(&f);
		f_good_route(&f);
		f_end(&f);
		assert_int_equal(feed(&f), 0);
		if (rx.st.bad[cases[c].bad] != 1)
			fail_msg("%s: counter %s is %llu", cases[c].what,
				sl_fpm_bad_names[cases[c].bad],
				(unsigned long long)rx.st.bad[cases[c].bad]);
		assert_int_equal(got.n, 1);
		assert_int_equal(got.v[0].route.prefix.addr, 0x0a090000);
		assert_int_equal(got.v[0].route.paths[0].gw, 0xcb007101);
	}
}

/* A netlink length past the frame: the rest of that frame is one BAD_MSG_LEN,
 * the next frame is fine. */
static void test_lying_message_length(void **state)
{
	(void)state;
	struct frame f;
	f_begin(&f);
	f_good_route(&f);
	uint32_t lie = 5000;
	f_msg(&f, RTM_NEWROUTE);
	f_rtm(&f, AF_INET, 0, RTN_UNICAST);
	memcpy(f.b + f.msg, &lie, 4);
	f_end(&f);
	assert_int_equal(feed(&f), 0);
	assert_int_equal(rx.st.bad[SL_FPM_BAD_MSG_LEN], 1);
	assert_int_equal(got.n, 1);
	f_begin(&f);
	f_good_route(&f);
	f_end(&f);
	assert_int_equal(feed(&f), 0);
	assert_int_equal(got.n, 2);
}

/* IPv6, links, protobuf frames and encapsulated routes are skipped and
 * counted as ignored, not as errors. */
static void test_ignored(void **state)
{
	(void)state;
	struct frame f;
	f_begin(&f);
	f_msg(&f, RTM_NEWROUTE);
	f_rtm(&f, AF_INET6, 64, RTN_UNICAST);
	f_end_msg(&f);
	f_msg(&f, RTM_NEWLINK);
	f_put(&f, &(struct rtmsg){0}, sizeof(struct rtmsg));
	f_end_msg(&f);
	f_msg(&f, RTM_NEWROUTE);
	f_rtm(&f, AF_INET, 0, RTN_LOCAL);
	f_end_msg(&f);
	f_msg(&f, RTM_NEWROUTE);
	f_rtm(&f, AF_INET, 0, RTN_UNICAST);
	f_rta(&f, RTA_ENCAP_TYPE, &(uint16_t){1}, 2);
	f_end_msg(&f);
	f_good_route(&f);
	f_end(&f);
	struct frame pb;
	f_begin(&pb);
	pb.b[1] = 2; /* protobuf */
	pb.len += 10;
	f_end(&pb);
	assert_int_equal(feed(&pb), 0);
	assert_int_equal(feed(&f), 0);
	assert_int_equal(rx.st.ignored[SL_FPM_IGN_FAMILY], 1);
	assert_int_equal(rx.st.ignored[SL_FPM_IGN_MSG_TYPE], 1);
	assert_int_equal(rx.st.ignored[SL_FPM_IGN_ROUTE_TYPE], 1);
	assert_int_equal(rx.st.ignored[SL_FPM_IGN_ENCAP], 1);
	assert_int_equal(rx.st.ignored[SL_FPM_IGN_FRAME_TYPE], 1);
	assert_int_equal(rx.st.frames, 2);
	assert_int_equal(got.n, 1);
	for (size_t b = 0; b < SL_FPM_BAD__COUNT; b++)
		assert_int_equal(rx.st.bad[b], 0);
}

/* Bad frame headers lose the framing: -EPROTO, counted; after a reset (a new
 * connection) frames decode again. */
static void test_bad_frame_header(void **state)
{
	(void)state;
	static const uint8_t heads[][4] = {
		{2, 1, 0, 20}, {1, 0, 0, 20}, {1, 1, 0, 3}, {1, 1, 0, 0}};
	struct frame f;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(sl_fpm_rx_feed(&rx, heads[i], 4, collect, &got), -EPROTO);
		assert_int_equal(rx.st.bad[SL_FPM_BAD_FRAME], i + 1);
		sl_fpm_rx_reset(&rx);
	}
	f_begin(&f);
	f_good_route(&f);
	f_end(&f);
	assert_int_equal(feed(&f), 0);
	assert_int_equal(got.n, 1);
}

/* Random corruption of valid frames: every frame either delivers its message
 * or moves a counter, and nothing reads outside the frame (ASan). */
static void test_corruption_accounted(void **state)
{
	(void)state;
	rng_state = 7;
	uint8_t buf[1024];
	for (int i = 0; i < 50000; i++) {
		struct sl_fpm_msg m;
		random_msg(&m);
		int n = sl_fpm_encode(&m, buf, sizeof(buf));
		assert_true(n > SL_FPM_HDR_LEN);
		for (int k = 1 + (int)(rnd() % 4); k > 0; k--)
			buf[SL_FPM_HDR_LEN + rnd() % (uint32_t)(n - SL_FPM_HDR_LEN)] =
				(uint8_t)rnd();
		/* a copy of exactly the payload's size: ASan sees any read past it */
		size_t plen = (size_t)n - SL_FPM_HDR_LEN;
		uint8_t *payload = malloc(plen);
		memcpy(payload, buf + SL_FPM_HDR_LEN, plen);
		struct sl_fpm_stats st = {0};
		struct got g = {0};
		sl_fpm_parse(payload, plen, &st, collect, &g);
		uint64_t seen = g.n;
		for (size_t b = 0; b < SL_FPM_BAD__COUNT; b++)
			seen += st.bad[b];
		for (size_t b = 0; b < SL_FPM_IGN__COUNT; b++)
			seen += st.ignored[b];
		if (seen == 0)
			fail_msg("corrupted frame %d: nothing delivered and nothing counted", i);
		free(payload), free(g.v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_round_trip),
		cmocka_unit_test_setup(test_bad_messages_counted, setup),
		cmocka_unit_test_setup(test_lying_message_length, setup),
		cmocka_unit_test_setup(test_ignored, setup),
		cmocka_unit_test_setup(test_bad_frame_header, setup),
		cmocka_unit_test(test_corruption_accounted),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(got.v);
	return rc;
}
