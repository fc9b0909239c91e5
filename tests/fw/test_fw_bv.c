/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bit-vector classifier (lib/fw/fw_bv.c) on its own: edges of port
 * ranges and prefixes, protocol any, first match by priority across words,
 * an empty context, the size limit, and random contexts of up to 1,000
 * rules against a linear scan. (fw-oracle checks it inside lib/fw.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>

#include "fw_priv.h"

struct spec {
	int proto; /* -1: any */
	uint32_t src, src_len, dst, dst_len;
	uint16_t sp_lo, sp_hi, dp_lo, dp_hi;
};

/* ACL rule of priority prio (higher wins) and result ud */
static struct fw_acl_rule mk(const struct spec *s, int32_t prio, uint32_t ud)
{
	struct fw_acl_rule a;
	memset(&a, 0, sizeof(a));
	a.data.priority = prio;
	a.data.category_mask = 1;
	a.data.userdata = ud;
	a.field[FW_F_PROTO].value.u8 = s->proto < 0 ? 0 : (uint8_t)s->proto;
	a.field[FW_F_PROTO].mask_range.u8 = s->proto < 0 ? 0 : 0xff;
	a.field[FW_F_SRC].value.u32 = s->src;
	a.field[FW_F_SRC].mask_range.u32 = s->src_len;
	a.field[FW_F_DST].value.u32 = s->dst;
	a.field[FW_F_DST].mask_range.u32 = s->dst_len;
	a.field[FW_F_SPORT].value.u16 = s->sp_lo;
	a.field[FW_F_SPORT].mask_range.u16 = s->sp_hi;
	a.field[FW_F_DPORT].value.u16 = s->dp_lo;
	a.field[FW_F_DPORT].mask_range.u16 = s->dp_hi;
	return a;
}

static struct fw_acl_key key(uint8_t proto, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp)
{
	struct fw_acl_key k;
	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.src = rte_cpu_to_be_32(src);
	k.dst = rte_cpu_to_be_32(dst);
	k.sport = rte_cpu_to_be_16(sp);
	k.dport = rte_cpu_to_be_16(dp);
	return k;
}

static bool pfx(uint32_t a, uint32_t net, uint32_t len)
{
	uint32_t m = len == 0 ? 0 : ~0u << (32 - len);
	return (a & m) == (net & m);
}

/* What rte_acl returns: the userdata of the matching rule of highest
 * priority (the first of equals), 0 if none. */
static uint32_t reference(const struct fw_acl_rule *v, size_t n, const struct fw_acl_key *k)
{
	int64_t best = INT64_MIN;
	uint32_t res = 0;
	uint32_t src = rte_be_to_cpu_32(k->src), dst = rte_be_to_cpu_32(k->dst);
	uint16_t sp = rte_be_to_cpu_16(k->sport), dp = rte_be_to_cpu_16(k->dport);
	for (size_t i = 0; i < n; i++) {
		const struct rte_acl_field *f = v[i].field;
		if ((k->proto & f[FW_F_PROTO].mask_range.u8) !=
			(f[FW_F_PROTO].value.u8 & f[FW_F_PROTO].mask_range.u8))
			continue;
		if (!pfx(src, f[FW_F_SRC].value.u32, f[FW_F_SRC].mask_range.u32) ||
			!pfx(dst, f[FW_F_DST].value.u32, f[FW_F_DST].mask_range.u32))
			continue;
		if (sp < f[FW_F_SPORT].value.u16 || sp > f[FW_F_SPORT].mask_range.u16 ||
			dp < f[FW_F_DPORT].value.u16 || dp > f[FW_F_DPORT].mask_range.u16)
			continue;
		if (v[i].data.priority > best) {
			best = v[i].data.priority;
			res = v[i].data.userdata;
		}
	}
	return res;
}

/* Classify keys k[0..n) (n <= SL_FW_BURST) with bv and check each against
 * the reference and, when want is given, against want[]. */
static void check(const struct fw_bv *bv, const struct fw_acl_rule *v, size_t n_rules,
	const struct fw_acl_key *k, uint16_t n, const uint32_t *want)
{
	const uint8_t *in[SL_FW_BURST];
	uint32_t res[SL_FW_BURST];
	for (uint16_t j = 0; j < n; j++)
		in[j] = (const uint8_t *)&k[j];
	fw_bv_classify(bv, in, res, n);
	for (uint16_t j = 0; j < n; j++) {
		uint32_t ref = reference(v, n_rules, &k[j]);
		if (res[j] != ref || (want != NULL && res[j] != want[j]))
			fail_msg("key %u (proto %u src %#x dst %#x ports %u %u): %u, reference %u, "
				 "want %d",
				j, k[j].proto, rte_be_to_cpu_32(k[j].src),
				rte_be_to_cpu_32(k[j].dst), rte_be_to_cpu_16(k[j].sport),
				rte_be_to_cpu_16(k[j].dport), res[j], ref,
				want ? (int)want[j] : -1);
	}
}

static const struct spec any = {-1, 0, 0, 0, 0, 0, 65535, 0, 65535};

static void test_empty(void **st)
{
	(void)st;
	struct fw_bv *bv;
	assert_int_equal(fw_bv_build(&bv, NULL, 0), 0);
	struct fw_acl_key k[2] = {key(17, 0, 0, 0, 0), key(6, ~0u, ~0u, 65535, 65535)};
	const uint32_t want[2] = {0, 0};
	check(bv, NULL, 0, k, 2, want);
	fw_bv_free(bv);
}

static void test_port_edges(void **st)
{
	(void)st;
	struct spec a = any, b = any, c = any, d = any;
	a.dp_lo = 1000, a.dp_hi = 2000;
	b.dp_lo = b.dp_hi = 65535;
	c.dp_lo = c.dp_hi = 0;
	d.sp_lo = 1024, d.sp_hi = 1024, d.proto = 17;
	const struct fw_acl_rule v[] = {mk(&a, 10, 1), mk(&b, 9, 2), mk(&c, 8, 3), mk(&d, 7, 4)};
	struct fw_bv *bv;
	assert_int_equal(fw_bv_build(&bv, v, RTE_DIM(v)), 0);
	const struct fw_acl_key k[] = {key(6, 1, 2, 5, 999), key(6, 1, 2, 5, 1000),
		key(6, 1, 2, 5, 2000), key(6, 1, 2, 5, 2001), key(6, 1, 2, 5, 65535),
		key(6, 1, 2, 5, 65534), key(6, 1, 2, 5, 0), key(6, 1, 2, 5, 1),
		key(17, 1, 2, 1024, 7), key(17, 1, 2, 1023, 7), key(17, 1, 2, 1025, 7),
		key(6, 1, 2, 1024, 7)};
	const uint32_t want[] = {0, 1, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0};
	check(bv, v, RTE_DIM(v), k, RTE_DIM(k), want);
	fw_bv_free(bv);
}

static void test_prefix_edges(void **st)
{
	(void)st;
	struct spec h = any, all = any, top = any, half = any;
	h.src = 0x0a000001, h.src_len = 32; /* 10.0.0.1/32 */
	top.dst = 0xffffffff, top.dst_len = 32;
	half.dst = 0x80000000, half.dst_len = 1;
	const struct fw_acl_rule v[] = {
		mk(&h, 40, 1), mk(&top, 30, 2), mk(&half, 20, 3), mk(&all, 10, 4)};
	struct fw_bv *bv;
	assert_int_equal(fw_bv_build(&bv, v, RTE_DIM(v)), 0);
	const struct fw_acl_key k[] = {key(6, 0x0a000000, 1, 1, 1), key(6, 0x0a000001, 1, 1, 1),
		key(6, 0x0a000002, 1, 1, 1), key(6, 0, 0xffffffff, 1, 1),
		key(6, 0, 0xfffffffe, 1, 1), key(6, 0, 0x7fffffff, 1, 1), key(6, 0, 0, 1, 1),
		key(1, 0xffffffff, 0x80000000, 0, 0)};
	const uint32_t want[] = {4, 1, 4, 2, 3, 4, 4, 3};
	check(bv, v, RTE_DIM(v), k, RTE_DIM(k), want);
	fw_bv_free(bv);
}

/* Protocol any against a protocol, and the first match across 64-bit
 * words: the rule of highest priority wins wherever it is in the list. */
static void test_first_match(void **st)
{
	(void)st;
	struct fw_acl_rule v[130];
	struct spec tcp = any, udp = any, never = any;
	tcp.proto = 6;
	udp.proto = 17, udp.dp_lo = udp.dp_hi = 53;
	never.proto = 47, never.dst = 0x01020304, never.dst_len = 32;
	for (unsigned i = 0; i < RTE_DIM(v); i++)
		v[i] = mk(&never, 1000 - (int32_t)i, 100 + i);
	v[3] = mk(&any, 5, 7); /* below the others: the fallback */
	v[70] = mk(&tcp, 900, 8); /* in the second word by position, ahead by priority */
	v[129] = mk(&udp, 950, 9); /* the last in the list, the first by priority */
	v[128] = mk(&udp, 960, 10); /* a tie broken by priority */
	struct fw_bv *bv;
	assert_int_equal(fw_bv_build(&bv, v, RTE_DIM(v)), 0);
	const struct fw_acl_key k[] = {key(6, 1, 2, 3, 4), key(17, 1, 2, 3, 53),
		key(17, 1, 2, 3, 54), key(1, 1, 2, 8, 0), key(47, 1, 0x01020304, 0, 0)};
	const uint32_t want[] = {8, 10, 7, 7, 100};
	check(bv, v, RTE_DIM(v), k, RTE_DIM(k), want);
	fw_bv_free(bv);
}

/* Around the word sizes (fewer than 64 or 128 rules take the one- and
 * two-word path with its sentinel bit; 64, 128 and more the summary word):
 * rule i accepts UDP to port i + 1 alone, the last rule every UDP port. */
static void test_word_sizes(void **st)
{
	(void)st;
	static const size_t sizes[] = {1, 2, 62, 63, 64, 65, 126, 127, 128, 129};
	struct fw_acl_rule v[129];
	for (unsigned s = 0; s < RTE_DIM(sizes); s++) {
		size_t n = sizes[s];
		for (size_t i = 0; i < n; i++) {
			struct spec r = any;
			r.proto = 17;
			if (i + 1 < n)
				r.dp_lo = r.dp_hi = (uint16_t)(i + 1);
			v[i] = mk(&r, 1000 - (int32_t)i, (uint32_t)i + 1);
		}
		struct fw_bv *bv;
		assert_int_equal(fw_bv_build(&bv, v, n), 0);
		/* rule 63 ahead of the last, only the last, none (the sentinel's
		 * default), the second word's first rule, rule 0 */
		const struct fw_acl_key k[] = {key(17, 1, 2, 3, 64), key(17, 1, 2, 3, 5000),
			key(6, 1, 2, 3, 64), key(17, 1, 2, 3, 65), key(17, 1, 2, 3, 1)};
		const uint32_t want[] = {
			n > 64 ? 64 : (uint32_t)n, (uint32_t)n, 0, n > 65 ? 65 : (uint32_t)n, 1};
		check(bv, v, n, k, RTE_DIM(k), want);
		fw_bv_free(bv);
	}
}

static void test_limit(void **st)
{
	(void)st;
	size_t n = FW_BV_RULES_LIMIT + 1;
	struct fw_acl_rule *v = calloc(n, sizeof(*v));
	struct fw_bv *bv = (struct fw_bv *)v;
	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = mk(&any, (int32_t)i, 1);
	assert_int_equal(fw_bv_build(&bv, v, n), -E2BIG);
	assert_null(bv);
	free(v);
}

static uint64_t seed = 0xb17ec7ull;
static uint32_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed >> 16);
}

/* addresses from a few /16s so prefixes nest and overlap */
static uint32_t addr(void)
{
	static const uint32_t nets[] = {0x0a000000, 0x0a010000, 0xc0a80000, 0x64400000};
	return nets[rnd() % RTE_DIM(nets)] | (rnd() % 4 == 0 ? rnd() & 0xffff : rnd() & 0x3ff);
}

static uint16_t port(void)
{
	static const uint16_t p[] = {0, 1, 22, 53, 80, 443, 1023, 1024, 65534, 65535};
	return rnd() % 2 ? p[rnd() % RTE_DIM(p)] : (uint16_t)rnd();
}

static struct spec spec_random(void)
{
	static const int protos[] = {-1, 6, 17, 1, 47};
	static const uint32_t lens[] = {0, 8, 16, 22, 24, 31, 32};
	struct spec s = any;
	s.proto = protos[rnd() % RTE_DIM(protos)];
	if (rnd() % 3) {
		s.src_len = lens[rnd() % RTE_DIM(lens)];
		s.src = addr();
	}
	if (rnd() % 3) {
		s.dst_len = lens[rnd() % RTE_DIM(lens)];
		s.dst = addr();
	}
	if (rnd() % 2) {
		uint16_t a = port(), b = rnd() % 2 ? a : port();
		s.dp_lo = RTE_MIN(a, b), s.dp_hi = RTE_MAX(a, b);
	}
	if (rnd() % 4 == 0) {
		uint16_t a = port(), b = port();
		s.sp_lo = RTE_MIN(a, b), s.sp_hi = RTE_MAX(a, b);
	}
	return s;
}

/* A key that often hits a rule's edges: a rule's values, one either side. */
static struct fw_acl_key key_near(const struct fw_acl_rule *v, size_t n)
{
	static const uint8_t protos[] = {6, 17, 1, 47, 0, 255};
	if (n == 0 || rnd() % 4 == 0)
		return key(protos[rnd() % RTE_DIM(protos)], addr(), addr(), port(), port());
	const struct rte_acl_field *f = v[rnd() % n].field;
	int d = (int)(rnd() % 3) - 1;
	uint32_t sm = f[FW_F_SRC].mask_range.u32 ? ~0u << (32 - f[FW_F_SRC].mask_range.u32) : 0;
	uint32_t dm = f[FW_F_DST].mask_range.u32 ? ~0u << (32 - f[FW_F_DST].mask_range.u32) : 0;
	uint32_t src = rnd() % 2 ? (f[FW_F_SRC].value.u32 & sm) : (f[FW_F_SRC].value.u32 | ~sm);
	uint32_t dst = rnd() % 2 ? (f[FW_F_DST].value.u32 & dm) : (f[FW_F_DST].value.u32 | ~dm);
	uint16_t dp = rnd() % 2 ? f[FW_F_DPORT].value.u16 : f[FW_F_DPORT].mask_range.u16;
	return key(f[FW_F_PROTO].mask_range.u8 ? f[FW_F_PROTO].value.u8 : protos[rnd() % 6],
		src + (uint32_t)(rnd() % 2 ? d : 0), dst + (uint32_t)(rnd() % 2 ? 0 : d),
		rnd() % 2 ? f[FW_F_SPORT].value.u16 : port(), (uint16_t)(dp + d));
}

static void random_contexts(size_t max_rules, int rounds)
{
	struct fw_acl_rule *v = calloc(max_rules, sizeof(*v));
	assert_non_null(v);
	for (int r = 0; r < rounds; r++) {
		size_t n = 1 + rnd() % max_rules;
		for (size_t i = 0; i < n; i++) {
			struct spec s = spec_random();
			/* one rule's expansions share a priority and a result */
			int32_t prio = i > 0 && rnd() % 4 == 0 ? v[i - 1].data.priority
							       : (int32_t)(rnd() % 100000);
			v[i] = mk(&s, prio,
				i > 0 && prio == v[i - 1].data.priority ? v[i - 1].data.userdata
									: 1 + (uint32_t)i);
		}
		struct fw_bv *bv;
		assert_int_equal(fw_bv_build(&bv, v, n), 0);
		for (int b = 0; b < 20; b++) {
			struct fw_acl_key k[SL_FW_BURST];
			uint16_t m = (uint16_t)(1 + rnd() % SL_FW_BURST);
			for (uint16_t j = 0; j < m; j++)
				k[j] = key_near(v, n);
			check(bv, v, n, k, m, NULL);
		}
		fw_bv_free(bv);
	}
	free(v);
}

static void test_random_small(void **st)
{
	(void)st;
	random_contexts(80, 300);
}

static void test_random_1000(void **st)
{
	(void)st;
	random_contexts(1000, 20);
}

/* 1,000 rules that do not match, then the one that does: every word ANDed. */
static void test_last_of_1000(void **st)
{
	(void)st;
	struct fw_acl_rule v[1000];
	for (unsigned i = 0; i < 999; i++) {
		struct spec s = any;
		s.proto = 6, s.dst = 0x64400000 | i << 8, s.dst_len = 24, s.dp_lo = s.dp_hi = 80;
		v[i] = mk(&s, 10000 - (int32_t)i, 1 + i);
	}
	struct spec last = any;
	last.proto = 17, last.dst = 0x64400000, last.dst_len = 10, last.dp_lo = last.dp_hi = 9;
	v[999] = mk(&last, 1, 1000);
	struct fw_bv *bv;
	assert_int_equal(fw_bv_build(&bv, v, RTE_DIM(v)), 0);
	const struct fw_acl_key k[] = {key(17, 0xc0a80001, 0x64400105, 1024, 9),
		key(6, 0xc0a80001, 0x64400105, 1024, 80), key(6, 0xc0a80001, 0x64400105, 1024, 9),
		key(17, 0xc0a80001, 0x64800000, 1024, 9)};
	const uint32_t want[] = {1000, 2, 0, 0};
	check(bv, v, RTE_DIM(v), k, RTE_DIM(k), want);
	fw_bv_free(bv);
}

int main(void)
{
	const char *env = getenv("SL_FW_BV_SEED");
	if (env != NULL)
		seed = strtoull(env, NULL, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_port_edges),
		cmocka_unit_test(test_prefix_edges),
		cmocka_unit_test(test_first_match),
		cmocka_unit_test(test_word_sizes),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_random_small),
		cmocka_unit_test(test_random_1000),
		cmocka_unit_test(test_last_of_1000),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
