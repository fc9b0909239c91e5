/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Source NAT at leak points (lib/fw/fw_nat.c): the header rewrite against a
 * full checksum recomputation over thousands of random packets; thousands of
 * random flows of two customers numbered alike through the burst functions,
 * both ways (pool sources, one pair per flow and peer, replies back to the
 * right host, checksums); ICMP errors quoting a translated packet; pool
 * exhaustion (counted, the flow dropped, the others untouched); expiry.
 * Time is simulated: tsc_hz = 1, so `now` counts seconds.
 * SL_NAT_SEED=N replays a run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "fw_test_util.h"

static uint64_t rng;

static uint32_t rnd(void)
{
	return (uint32_t)(fwt_xorshift(&rng) >> 11);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- packets with every checksum computed whole ---- */

static uint16_t l4_cksum(const uint8_t *ip)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4, len = rd16(ip + 2) - ihl;
	const uint8_t *l4 = ip + ihl;
	uint32_t sum = 0;
	if (ip[9] != IPPROTO_ICMP) { /* the pseudo header */
		sum = sl_inet_sum(ip + 12, 8, 0) + ip[9] + len;
	}
	return sl_inet_cksum(l4, len, sum);
}

static uint16_t l4_ck_at(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2;
}

/* Fill in the IPv4 and L4 checksums of the packet at ip. */
static void finish(uint8_t *ip, bool udp_no_ck)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint8_t *ck = ip + ihl + l4_ck_at(ip[9]);
	ip[10] = ip[11] = 0;
	fwt_w16(ip + 10, sl_inet_cksum(ip, ihl, 0));
	ck[0] = ck[1] = 0;
	if (ip[9] == IPPROTO_UDP && udp_no_ck)
		return;
	uint16_t c = l4_cksum(ip);
	fwt_w16(ck, ip[9] == IPPROTO_UDP && c == 0 ? 0xffff : c);
}

/* Whether ip's checksums are those a full computation gives. */
static void check_sums(const uint8_t *ip, bool udp_no_ck)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4;
	uint8_t copy[128];
	memcpy(copy, ip, rd16(ip + 2));
	copy[10] = copy[11] = 0;
	assert_int_equal(rd16(ip + 10), sl_inet_cksum(copy, ihl, 0));
	const uint8_t *ck = ip + ihl + l4_ck_at(ip[9]);
	if (ip[9] == IPPROTO_UDP && udp_no_ck) {
		assert_int_equal(rd16(ck), 0);
		return;
	}
	uint8_t *cc = copy + ihl + l4_ck_at(ip[9]);
	cc[0] = cc[1] = 0;
	uint16_t c = l4_cksum(copy);
	if (ip[9] == IPPROTO_UDP && c == 0)
		c = 0xffff;
	assert_int_equal(rd16(ck), c);
}

/* A random TCP, UDP or ICMP echo (request or reply) packet, 0..60 payload
 * bytes, random TTL, id and flags. */
static struct fwt_pkt rand_pkt(uint8_t proto, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
	bool echo_reply, bool udp_no_ck)
{
	struct fwt_pkt p;
	uint16_t hdr = proto == IPPROTO_TCP ? 20 : 8, pay = (uint16_t)(rnd() % 61);
	uint8_t *l4 = fwt_ip4(&p, proto, "0.0.0.0", "0.0.0.0", (uint16_t)(hdr + pay));
	fwt_w32(p.b + 12, src);
	fwt_w32(p.b + 16, dst);
	fwt_w16(p.b + 4, (uint16_t)rnd());
	p.b[8] = (uint8_t)(2 + rnd() % 250);
	for (uint16_t i = 0; i < hdr + pay; i++)
		l4[i] = (uint8_t)rnd();
	if (proto == IPPROTO_ICMP) {
		l4[0] = echo_reply ? 0 : 8;
		l4[1] = 0;
		fwt_w16(l4 + 4, sp);
	} else {
		fwt_w16(l4, sp);
		fwt_w16(l4 + 2, dp);
		if (proto == IPPROTO_UDP)
			fwt_w16(l4 + 4, (uint16_t)(hdr + pay));
		else {
			l4[12] = 0x50; /* data offset 5 */
			l4[13] = FWT_ACK;
		}
	}
	finish(p.b, udp_no_ck);
	return p;
}

static uint8_t rand_proto(void)
{
	static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};
	return protos[rnd() % 3];
}

/* The rewrite alone: every field set as asked, the rest as it was, the
 * checksums those of a full computation. */
/* A pool's (address, port) pairs, as translation takes them (metrics). */
static void test_pool_pairs(void **state)
{
	(void)state;
	static const struct {
		const char *pool;
		uint16_t lo, hi;
		uint64_t pairs;
	} cases[] = {
		{"100.64.1.0/24", 0, 0, 254ull * 64512}, /* network and broadcast out */
		{"100.64.2.1/32", 20000, 20003, 4}, {"100.64.2.0/31", 0, 0, 2ull * 64512},
		{"100.64.2.0/30", 1024, 1024, 2},
		{"100.64.0.0/16", 5000, 4000, 65534ull * 64512}, /* hi < lo: the default */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_fw_nat_spec n = {.port_lo = cases[i].lo, .port_hi = cases[i].hi};
		assert_int_equal(sl_prefix_parse(cases[i].pool, &n.pool, false), 0);
		assert_int_equal(sl_fw_nat_pool_pairs(&n), cases[i].pairs);
	}
}

static void test_rewrite_property(void **state)
{
	(void)state;
	for (int n = 0; n < 20000; n++) {
		uint8_t proto = rand_proto();
		bool no_ck = proto == IPPROTO_UDP && rnd() % 4 == 0, dst = rnd() & 1;
		struct fwt_pkt p = rand_pkt(
			proto, rnd(), (uint16_t)rnd(), rnd(), (uint16_t)rnd(), rnd() & 1, no_ck);
		struct fwt_pkt before = p;
		uint32_t addr = rnd();
		uint16_t port = (uint16_t)rnd();
		assert_int_equal(sl_fw_nat_rewrite(p.b, p.len, dst, addr, port), 0);
		assert_int_equal(sl_rd32(p.b + (dst ? 16 : 12)), addr);
		uint8_t *l4 = p.b + 20;
		if (proto == IPPROTO_ICMP)
			assert_int_equal(rd16(l4 + 4), port);
		else
			assert_int_equal(rd16(l4 + (dst ? 2 : 0)), port);
		check_sums(p.b, no_ck);
		/* nothing else moved: put the fields back and compare */
		fwt_w32(p.b + (dst ? 16 : 12), sl_rd32(before.b + (dst ? 16 : 12)));
		uint8_t *pf = proto == IPPROTO_ICMP ? l4 + 4 : l4 + (dst ? 2 : 0);
		memcpy(pf, before.b + (pf - p.b), 2);
		memcpy(p.b + 10, before.b + 10, 2);
		memcpy(l4 + l4_ck_at(proto), before.b + 20 + l4_ck_at(proto), 2);
		assert_memory_equal(p.b, before.b, p.len);
	}
	/* what has no port is refused, unchanged */
	struct fwt_pkt gre = fwt_ip4_pkt(47, "10.0.0.1", "10.100.0.1");
	assert_int_equal(sl_fw_nat_rewrite(gre.b, gre.len, false, 1, 1), -EINVAL);
	struct fwt_pkt frag = rand_pkt(IPPROTO_UDP, 1, 2, 3, 4, false, false);
	fwt_w16(frag.b + 6, 0x0010); /* offset 128: a non-first fragment */
	assert_int_equal(sl_fw_nat_rewrite(frag.b, frag.len, false, 1, 1), -EINVAL);
}

static const char two_customers[] =
	"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.1.0/24\n"
	"set vrf name CUST-B leak-nat to SHARED source translation address 100.64.2.0/24\n";

static struct sl_fw *nat_fw(const char *cfg, uint32_t nat_max)
{
	struct sl_fw_config c = {.nat_max = nat_max, .n_lcores = 2, .tsc_hz = 1, .socket_id = -1};
	struct sl_fw *fw = sl_fw_new(&c);
	assert_non_null(fw);
	assert_int_equal(fwt_load(fw, cfg), 0);
	return fw;
}

/* One packet through a burst function; its deny value. */
static uint8_t out1(struct sl_fw *fw, uint64_t now, struct fwt_pkt *p, uint32_t from, uint32_t to)
{
	uint8_t *l3[1] = {p->b}, deny[1] = {0};
	uint16_t len[1] = {p->len};
	sl_fw_nat_out_burst(fw, 0, now, l3, len, &from, &to, 1, deny);
	return deny[0];
}

static uint8_t in1(struct sl_fw *fw, uint64_t now, struct fwt_pkt *p, uint32_t in, uint32_t target)
{
	uint8_t *l3[1] = {p->b}, deny[1] = {7};
	uint16_t len[1] = {p->len};
	sl_fw_nat_in_burst(fw, 1, now, l3, len, &in, &target, 1, deny);
	return deny[0];
}

struct flow {
	uint8_t proto, cust; /* V_A or V_B */
	bool no_ck;
	uint32_t host, peer, nat;
	uint16_t sport, dport, nat_port;
};

static uint32_t pool_of(uint32_t cust)
{
	return cust == V_A ? 0x64400100u : 0x64400200u;
}

static struct sl_fw_stats stats(struct sl_fw *fw)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(fw, &st);
	return st;
}

#define FLOWS 4000

/*
 * Random flows of both customers (the same 10.0.0.0/24, the same host
 * addresses and ports on both sides) in random bursts: each leaves with a
 * source of its customer's pool, one (pool address, port) per flow and peer,
 * the same on every packet; its replies come back to its host; checksums
 * are whole-packet correct everywhere.
 */
static void test_flows_property(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 2 * FLOWS);
	static struct flow fl[FLOWS];
	for (int i = 0; i < FLOWS; i++) {
		struct flow *f = &fl[i];
		f->proto = rand_proto();
		f->cust = (rnd() & 1) ? V_A : V_B;
		f->no_ck = f->proto == IPPROTO_UDP && rnd() % 4 == 0;
		/* few hosts, peers and ports: customers collide on purpose */
		f->host = 0x0a000000u | (2 + rnd() % 4);
		f->peer = 0x0a640000u | (10 + rnd() % 3);
		f->sport = (uint16_t)(40000 + rnd() % 300);
		f->dport = f->proto == IPPROTO_ICMP ? 0 : (uint16_t)(53 + rnd() % 2);
		/* a flow's tuple must be its own: drop an exact repeat */
		for (int k = 0; k < i; k++)
			if (fl[k].proto == f->proto && fl[k].cust == f->cust &&
				fl[k].host == f->host && fl[k].peer == f->peer &&
				fl[k].sport == f->sport && fl[k].dport == f->dport) {
				f->sport = (uint16_t)(f->sport + 1000 + i);
				k = -1;
			}
	}
	/* leaving, in random bursts, three times: the second pass finds the
	 * flows (and fills the lines of TCP and UDP ones), the third is
	 * translated by those lines, payloads and so checksums new each time */
	for (int pass = 0; pass < 3; pass++) {
		for (int i = 0; i < FLOWS;) {
			uint16_t n = (uint16_t)(1 + rnd() % 32);
			if (i + n > FLOWS)
				n = (uint16_t)(FLOWS - i);
			struct fwt_pkt p[32];
			uint8_t *l3[32], deny[32] = {0};
			uint16_t len[32];
			uint32_t from[32], to[32];
			for (uint16_t j = 0; j < n; j++) {
				struct flow *f = &fl[i + j];
				p[j] = rand_pkt(f->proto, f->host, f->sport, f->peer, f->dport,
					false, f->no_ck);
				l3[j] = p[j].b;
				len[j] = p[j].len;
				from[j] = f->cust;
				to[j] = V_S;
			}
			sl_fw_nat_out_burst(fw, 0, (uint64_t)pass, l3, len, from, to, n, deny);
			for (uint16_t j = 0; j < n; j++) {
				struct flow *f = &fl[i + j];
				const uint8_t *ip = p[j].b, *l4 = ip + 20;
				assert_int_equal(deny[j], 0);
				uint32_t src = sl_rd32(ip + 12);
				uint16_t sp = rd16(l4 + (f->proto == IPPROTO_ICMP ? 4 : 0));
				assert_int_equal(src & 0xffffff00u, pool_of(f->cust));
				assert_true((src & 0xff) != 0 && (src & 0xff) != 0xff);
				assert_true(sp >= 1024);
				assert_int_equal(sl_rd32(ip + 16), f->peer);
				check_sums(ip, f->no_ck);
				if (pass == 0) {
					f->nat = src;
					f->nat_port = sp;
				} else {
					assert_int_equal(src, f->nat);
					assert_int_equal(sp, f->nat_port);
				}
			}
			i += n;
		}
	}
	/* one pair per flow and peer: the replies can tell the flows apart */
	for (int i = 0; i < FLOWS; i++)
		for (int k = i + 1; k < FLOWS; k++)
			assert_false(fl[i].proto == fl[k].proto && fl[i].peer == fl[k].peer &&
				     fl[i].dport == fl[k].dport && fl[i].nat == fl[k].nat &&
				     fl[i].nat_port == fl[k].nat_port);
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_created, FLOWS);
	assert_int_equal(st.nat_out, 3 * FLOWS);
	assert_int_equal(st.nat_entries, FLOWS);
	unsigned lined = 0; /* flows a line can translate */
	for (int i = 0; i < FLOWS; i++)
		lined += fl[i].proto != IPPROTO_ICMP;
	assert_true(st.nat_line_hits > 0 && st.nat_line_hits <= lined);
	/* replies, in random order of flows: back to the host, in its VRF's terms */
	for (int r = 0; r < FLOWS; r++) {
		struct flow *f = &fl[rnd() % FLOWS];
		uint16_t rsp = f->proto == IPPROTO_ICMP ? f->nat_port : f->dport;
		struct fwt_pkt p =
			rand_pkt(f->proto, f->peer, rsp, f->nat, f->nat_port, true, f->no_ck);
		assert_int_equal(in1(fw, 3, &p, V_S, f->cust), 0);
		const uint8_t *l4 = p.b + 20;
		assert_int_equal(sl_rd32(p.b + 16), f->host);
		assert_int_equal(rd16(l4 + (f->proto == IPPROTO_ICMP ? 4 : 2)), f->sport);
		assert_int_equal(sl_rd32(p.b + 12), f->peer);
		check_sums(p.b, f->no_ck);
	}
	st = stats(fw);
	assert_int_equal(st.nat_in, FLOWS);
	assert_int_equal(st.nat_no_flow, 0);
	sl_fw_free(fw);
}

/* Arrivals for a pool address without a flow are dropped and counted;
 * others (not for the pool, or a direction without NAT) pass untouched;
 * what cannot be translated leaving is dropped. */
static void test_no_flow_and_untranslatable(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 64);
	struct fwt_pkt stray = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x64400105, 4000, 0, 0);
	assert_int_equal(in1(fw, 0, &stray, V_S, V_A), SL_FW_DROP);
	struct fwt_pkt other = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x0a000002, 4000, 0, 0);
	struct fwt_pkt copy = other;
	assert_int_equal(in1(fw, 0, &other, V_S, V_A), 0);
	assert_memory_equal(other.b, copy.b, other.len);
	/* A's pool reached through a redirect into B: not B's pool, untouched */
	struct fwt_pkt wrong = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x64400105, 4000, 0, 0);
	copy = wrong;
	assert_int_equal(in1(fw, 0, &wrong, V_S, V_B), 0);
	assert_memory_equal(wrong.b, copy.b, wrong.len);
	/* leaving into a VRF without NAT: untouched */
	struct fwt_pkt mg = rand_pkt(IPPROTO_TCP, 0x0a000002, 4000, 0x0a640001, 22, 0, 0);
	copy = mg;
	assert_int_equal(out1(fw, 0, &mg, V_A, V_M), 0);
	assert_memory_equal(mg.b, copy.b, mg.len);
	/* no port to translate by */
	struct fwt_pkt gre = fwt_ip4_pkt(47, "10.0.0.2", "10.100.0.10");
	assert_int_equal(out1(fw, 0, &gre, V_A, V_S), SL_FW_DROP);
	/* an already denied packet is left alone */
	struct fwt_pkt u = rand_pkt(IPPROTO_UDP, 0x0a000002, 4000, 0x0a64000a, 53, 0, 0);
	copy = u;
	uint8_t *l3[1] = {u.b}, deny[1] = {SL_FW_REJECT};
	uint16_t len[1] = {u.len};
	uint32_t from = V_A, to = V_S;
	sl_fw_nat_out_burst(fw, 0, 0, l3, len, &from, &to, 1, deny);
	assert_int_equal(deny[0], SL_FW_REJECT);
	assert_memory_equal(u.b, copy.b, u.len);
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_no_flow, 1);
	assert_int_equal(st.nat_untranslatable, 1);
	assert_int_equal(st.nat_created, 0);
	sl_fw_free(fw);
}

/* What the burst functions and the hook adapters return: how many packets
 * they translated or denied, so lib/dp reads back only what changed; a
 * burst of redirects that no pool can answer is left untouched by
 * sl_fw_nat_in (deny[] as the caller set it, 0 returned). */
static void test_touched_counts(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 64);
	struct fwt_pkt a = rand_pkt(IPPROTO_UDP, 0x0a000002, 4000, 0x0a64000a, 53, 0, 0);
	struct fwt_pkt b = rand_pkt(IPPROTO_TCP, 0x0a000003, 4001, 0x0a64000a, 22, 0, 0);
	struct fwt_pkt gre = fwt_ip4_pkt(47, "10.0.0.2", "10.100.0.10");
	struct fwt_pkt copy = b;
	uint8_t *l3[3] = {a.b, b.b, gre.b}, deny[3] = {0, SL_FW_DROP, 0};
	uint16_t len[3] = {a.len, b.len, gre.len};
	uint32_t from[3] = {V_A, V_A, V_A}, to[3] = {V_S, V_S, V_S};
	/* a translated, b denied before (skipped), gre untranslatable */
	assert_int_equal(sl_fw_nat_out_burst(fw, 0, 0, l3, len, from, to, 3, deny), 2);
	assert_int_equal(deny[0], 0);
	assert_int_equal(deny[1], SL_FW_DROP);
	assert_int_equal(deny[2], SL_FW_DROP);
	assert_memory_equal(b.b, copy.b, b.len);
	/* leaving into a VRF without NAT: nothing touched */
	uint32_t to_m[1] = {V_M};
	uint8_t d1[1] = {0};
	assert_int_equal(sl_fw_nat_out_burst(fw, 0, 0, l3 + 1, len + 1, from, to_m, 1, d1), 0);
	/* the reply of a, and a stray for the pool: translated back, denied */
	struct fwt_pkt r = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, sl_rd32(a.b + 12),
		(uint16_t)(a.b[20] << 8 | a.b[21]), 0, 0);
	struct fwt_pkt stray = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x64400105, 4000, 0, 0);
	struct fwt_pkt other = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x0a000002, 4000, 0, 0);
	uint8_t *il3[3] = {r.b, stray.b, other.b}, ideny[3] = {7, 7, 7};
	uint16_t ilen[3] = {r.len, stray.len, other.len};
	uint32_t in[3] = {V_S, V_S, V_S}, target[3] = {V_A, V_A, V_A};
	assert_int_equal(sl_fw_nat_in_burst(fw, 1, 0, il3, ilen, in, target, 3, ideny), 2);
	assert_int_equal(ideny[0], 0);
	assert_int_equal(ideny[1], SL_FW_DROP);
	assert_int_equal(ideny[2], 0);
	assert_int_equal(sl_rd32(r.b + 16), 0x0a000002u);
	/* redirects from A into S (not replies: S has no pool towards A) */
	struct rte_mbuf *none[2] = {NULL, NULL};
	uint32_t in_a[2] = {V_A, V_A}, target_s[2] = {V_S, V_S};
	uint8_t keep[2] = {5, 5};
	assert_int_equal(sl_fw_nat_in(fw, none, l3, in_a, target_s, 2, keep), 0);
	assert_int_equal(keep[0], 5);
	assert_int_equal(keep[1], 5);
	sl_fw_free(fw);
}

/* An ICMP error from TO quoting a translated packet reaches the host with
 * its own address and port in the quote, every checksum whole. */
static void test_icmp_error_back(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 1024);
	for (int n = 0; n < 300; n++) {
		uint8_t proto = rand_proto();
		uint32_t host = 0x0a000002u + rnd() % 50;
		uint16_t sp = (uint16_t)(1 + rnd() % 65535);
		struct fwt_pkt q = rand_pkt(proto, host, sp, 0x0a64000a, 53, false, false);
		assert_int_equal(out1(fw, (uint64_t)n, &q, V_A, V_S), 0);
		/* the error quotes the translated header and its first 8 (or, for
		 * TCP, 20) L4 bytes */
		uint16_t quote = (uint16_t)(20 + (proto == IPPROTO_TCP && (rnd() & 1) ? 20 : 8));
		if (quote > q.len)
			quote = q.len;
		struct fwt_pkt e;
		uint8_t *icmp = fwt_ip4(&e, IPPROTO_ICMP, "10.100.0.10", "0.0.0.0", 8 + quote);
		fwt_w32(e.b + 16, sl_rd32(q.b + 12));
		icmp[0] = (rnd() & 1) ? 3 : 11;
		icmp[1] = 3;
		memcpy(icmp + 8, q.b, quote);
		finish(e.b, false);
		assert_int_equal(in1(fw, (uint64_t)n, &e, V_S, V_A), 0);
		const uint8_t *in = e.b + 28;
		assert_int_equal(sl_rd32(e.b + 16), host);
		assert_int_equal(sl_rd32(in + 12), host);
		assert_int_equal(rd16(in + 20 + (proto == IPPROTO_ICMP ? 4 : 0)), sp);
		check_sums(e.b, false); /* outer IPv4 and the whole ICMP message */
		uint8_t inner[20];
		memcpy(inner, in, 20);
		inner[10] = inner[11] = 0;
		assert_int_equal(rd16(in + 10), sl_inet_cksum(inner, 20, 0));
		if (proto == IPPROTO_UDP || proto == IPPROTO_ICMP || quote == 40) {
			/* the quoted L4 checksum is the original packet's */
			struct fwt_pkt orig = q;
			assert_int_equal(sl_fw_nat_rewrite(orig.b, orig.len, false, host, sp), 0);
			uint16_t at = (uint16_t)(20 + l4_ck_at(proto));
			assert_int_equal(rd16(in + at), rd16(orig.b + at));
		}
	}
	sl_fw_free(fw);
}

/* An ICMP error (type 3 or 11) from src to dst quoting q's first quote
 * bytes, every checksum whole. */
static struct fwt_pkt icmp_err_of(
	uint32_t src, uint32_t dst, const struct fwt_pkt *q, uint16_t quote)
{
	struct fwt_pkt e;
	if (quote > q->len)
		quote = q->len;
	uint8_t *icmp = fwt_ip4(&e, IPPROTO_ICMP, "0.0.0.0", "0.0.0.0", (uint16_t)(8 + quote));
	fwt_w32(e.b + 12, src);
	fwt_w32(e.b + 16, dst);
	icmp[0] = (rnd() & 1) ? SL_ICMP_DEST_UNREACH : SL_ICMP_TIME_EXCEEDED;
	icmp[1] = icmp[0] == SL_ICMP_DEST_UNREACH ? SL_ICMP_PORT_UNREACH : SL_ICMP_TTL_EXCEEDED;
	memcpy(icmp + 8, q->b, quote);
	finish(e.b, false);
	return e;
}

/* The quoted header's checksum is whole, and the quoted L4 checksum (when
 * quoted whole) is that of want, the packet it stands for. */
static void check_quote(const struct fwt_pkt *e, const struct fwt_pkt *want, uint16_t quote)
{
	const uint8_t *in = e->b + 28;
	uint8_t proto = in[9], inner[20];
	memcpy(inner, in, 20);
	inner[10] = inner[11] = 0;
	assert_int_equal(rd16(in + 10), sl_inet_cksum(inner, 20, 0));
	assert_memory_equal(in + 12, want->b + 12, 8);
	if (proto == IPPROTO_UDP || proto == IPPROTO_ICMP || quote >= 40) {
		uint16_t at = (uint16_t)(20 + l4_ck_at(proto));
		assert_int_equal(rd16(in + at), rd16(want->b + at));
	}
}

/*
 * ICMP errors both ways, random flows: SHARED's peer reports a translated
 * packet (back to the host, in its own terms), and the host reports a reply
 * it got (leaving with the pool's address and port, in SHARED's terms), each
 * quoting what the other side would compute itself; every checksum whole.
 */
static void test_icmp_error_both_ways(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 2048);
	uint64_t out0 = 0;
	for (int n = 0; n < 1000; n++) {
		uint8_t proto = rand_proto();
		uint32_t cust = (rnd() & 1) ? V_A : V_B;
		uint32_t host = 0x0a000002u + rnd() % 50, peer = 0x0a64000au + rnd() % 3;
		uint16_t sp = (uint16_t)(1 + rnd() % 65535), dp = (uint16_t)(1 + rnd() % 1000);
		if (proto == IPPROTO_ICMP)
			dp = 0;
		struct fwt_pkt q = rand_pkt(proto, host, sp, peer, dp, false, rnd() % 4 == 0);
		assert_int_equal(out1(fw, (uint64_t)n, &q, cust, V_S), 0);
		uint32_t nat = sl_rd32(q.b + 12);
		uint16_t nat_port = rd16(q.b + 20 + (proto == IPPROTO_ICMP ? 4 : 0));
		assert_int_equal(nat & 0xffffff00u, pool_of(cust));
		/* the reply, as the peer sends it and as the host gets it */
		struct fwt_pkt r = rand_pkt(proto, peer, proto == IPPROTO_ICMP ? nat_port : dp, nat,
			nat_port, true, rnd() % 4 == 0);
		struct fwt_pkt r_sent = r;
		assert_int_equal(in1(fw, (uint64_t)n, &r, V_S, cust), 0);
		assert_int_equal(sl_rd32(r.b + 16), host);

		/* the host (or a router of its VRF) reports the reply */
		uint16_t quote = (uint16_t)(20 + (proto == IPPROTO_TCP && (rnd() & 1) ? 20 : 8));
		uint32_t reporter = (rnd() & 3) ? host : 0x0a000001u;
		struct fwt_pkt e = icmp_err_of(reporter, peer, &r, quote);
		assert_int_equal(out1(fw, (uint64_t)n, &e, cust, V_S), 0);
		assert_int_equal(sl_rd32(e.b + 12), nat);
		assert_int_equal(sl_rd32(e.b + 16), peer);
		assert_int_equal(rd16(e.b + 48 + (proto == IPPROTO_ICMP ? 4 : 2)), nat_port);
		check_sums(e.b, false);
		check_quote(&e, &r_sent, quote);
		out0++;

		/* the peer reports the translated packet: back to the host */
		struct fwt_pkt q_host = rand_pkt(proto, host, sp, peer, dp, false, false);
		assert_int_equal(out1(fw, (uint64_t)n, &q_host, cust, V_S), 0);
		struct fwt_pkt e2 = icmp_err_of(peer, nat, &q_host, quote);
		assert_int_equal(in1(fw, (uint64_t)n, &e2, V_S, cust), 0);
		assert_int_equal(sl_rd32(e2.b + 16), host);
		assert_int_equal(rd16(e2.b + 48 + (proto == IPPROTO_ICMP ? 4 : 0)), sp);
		check_sums(e2.b, false);
		struct fwt_pkt orig = q_host;
		assert_int_equal(sl_fw_nat_rewrite(orig.b, orig.len, false, host, sp), 0);
		check_quote(&e2, &orig, quote);
	}
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_icmp_unmatched, 0);
	assert_int_equal(st.nat_no_flow, 0);
	assert_int_equal(st.nat_out, 3 * out0);
	assert_int_equal(st.nat_in, 2 * out0);
	sl_fw_free(fw);
}

/* ICMP leaving that no flow explains: an error quoting a packet of no flow
 * (or a request), a type neither echo nor error, a truncated quote; dropped
 * untouched and counted as nat_icmp_unmatched, no flow made. */
static void test_icmp_unmatched(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 64);
	struct fwt_pkt q = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x0a000002, 4000, false, false);
	struct fwt_pkt pkts[5];
	pkts[0] = icmp_err_of(0x0a000002, 0x0a64000a, &q, 28); /* no such flow */
	pkts[1] = fwt_icmp("10.0.0.2", "10.100.0.10", SL_ICMP_TIMESTAMP, 0, 7); /* timestamp */
	pkts[2] = fwt_icmp(
		"10.0.0.2", "10.100.0.10", RTE_IP_ICMP_ECHO_REPLY, 0, 7); /* an echo reply */
	pkts[3] = icmp_err_of(0x0a000002, 0x0a64000a, &q, 24); /* quote too short */
	struct fwt_pkt echo = rand_pkt(IPPROTO_ICMP, 0x0a64000a, 9, 0x0a000002, 0, false, false);
	pkts[4] = icmp_err_of(0x0a000002, 0x0a64000a, &echo, 28); /* quotes a request */
	for (int i = 0; i < 5; i++) {
		struct fwt_pkt copy = pkts[i];
		assert_int_equal(out1(fw, 0, &pkts[i], V_A, V_S), SL_FW_DROP);
		assert_memory_equal(pkts[i].b, copy.b, copy.len);
	}
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_icmp_unmatched, 5);
	assert_int_equal(st.nat_untranslatable, 0);
	assert_int_equal(st.nat_created, 0);
	assert_int_equal(st.nat_entries, 0);
	sl_fw_free(fw);
}

static int count_flow(const struct sl_fw_nat_flow *f, void *ctx)
{
	(void)f;
	(void)ctx;
	return 0;
}

/* Flows of each customer, n of them from port 5000 on; their pool pairs. */
static void open_flows(struct sl_fw *fw, uint32_t cust, int n, uint32_t *nat, uint16_t *port)
{
	for (int i = 0; i < n; i++) {
		struct fwt_pkt p = rand_pkt(
			IPPROTO_UDP, 0x0a000002, (uint16_t)(5000 + i), 0x0a64000a, 53, 0, 0);
		assert_int_equal(out1(fw, 0, &p, cust, V_S), 0);
		nat[i] = sl_rd32(p.b + 12);
		port[i] = rd16(p.b + 20);
	}
}

/* Whether the reply to flow (nat, port) still comes back. */
static bool replies(struct sl_fw *fw, uint32_t cust, uint32_t nat, uint16_t port)
{
	struct fwt_pkt r = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, nat, port, 0, 0);
	return in1(fw, 1, &r, V_S, cust) == 0 && sl_rd32(r.b + 16) == 0x0a000002;
}

/*
 * A publish deletes the flows of a leak-nat removed or changed (counted as
 * flushed), and only those: A's leak-nat removed, then B's pool moved, then
 * B's ports narrowed (the flows outside the new range go, those inside
 * stay); the listing and the entry count follow, and the freed pairs serve
 * new flows after the sweeps' grace period.
 */
static void test_publish_flushes(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 256);
	uint32_t na[8], nb[8];
	uint16_t pa[8], pb[8];
	open_flows(fw, V_A, 8, na, pa);
	open_flows(fw, V_B, 8, nb, pb);
	assert_int_equal(stats(fw).nat_entries, 16);

	/* unchanged: nothing flushed */
	assert_int_equal(fwt_load(fw, two_customers), 0);
	assert_int_equal(stats(fw).nat_flushed, 0);
	assert_int_equal(stats(fw).nat_entries, 16);

	/* A's leak-nat removed: A's flows go, B's stay */
	assert_int_equal(fwt_load(fw, "set vrf name CUST-B leak-nat to SHARED source translation "
				      "address 100.64.2.0/24\n"),
		0);
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_flushed, 8);
	assert_int_equal(st.nat_entries, 8);
	assert_int_equal(sl_fw_nat_foreach(fw, 0, V_A, 100, count_flow, NULL), 0);
	for (int i = 0; i < 8; i++)
		assert_true(replies(fw, V_B, nb[i], pb[i]));

	/* B's ports narrowed to leave out the highest its flows use: those
	 * flows go, the others stay */
	uint16_t lo = 65535, hi = 0;
	for (int i = 0; i < 8; i++) {
		lo = pb[i] < lo ? pb[i] : lo;
		hi = pb[i] > hi ? pb[i] : hi;
	}
	assert_true(hi > lo); /* 8 random pairs of 254 x 64512 */
	int outside = 0;
	for (int i = 0; i < 8; i++)
		outside += pb[i] == hi;
	char cfg[256];
	snprintf(cfg, sizeof(cfg),
		"set vrf name CUST-B leak-nat to SHARED source translation address 100.64.2.0/24\n"
		"set vrf name CUST-B leak-nat to SHARED source translation port %u-%u\n",
		lo, hi - 1u);
	assert_int_equal(fwt_load(fw, cfg), 0);
	st = stats(fw);
	assert_int_equal(st.nat_flushed, 8 + (uint64_t)outside);
	assert_int_equal(st.nat_entries, 8 - (uint32_t)outside);
	for (int i = 0; i < 8; i++)
		assert_int_equal(replies(fw, V_B, nb[i], pb[i]), pb[i] != hi);

	/* B's pool moved: the rest go; a new flow takes the new pool */
	assert_int_equal(fwt_load(fw, "set vrf name CUST-B leak-nat to SHARED source translation "
				      "address 100.64.3.0/24\n"),
		0);
	st = stats(fw);
	assert_int_equal(st.nat_flushed, 16);
	assert_int_equal(st.nat_entries, 0);
	assert_int_equal(sl_fw_nat_foreach(fw, 0, UINT32_MAX, 100, count_flow, NULL), 0);
	uint32_t n3[1];
	uint16_t p3[1];
	open_flows(fw, V_B, 1, n3, p3);
	assert_int_equal(n3[0] & 0xffffff00u, 0x64400300u);
	/* the slots come back to the free stack by the sweeps */
	sl_fw_nat_sweep(fw, 2, 1u << 20);
	sl_fw_nat_sweep(fw, 2, 1u << 20);
	assert_int_equal(stats(fw).nat_entries, 1);
	assert_int_equal(stats(fw).nat_expired, 0);
	sl_fw_free(fw);
}

/* A /32 pool towards one peer port: flows until the pool runs out; the
 * next is dropped and counted, the flows made before keep working. */
static void test_pool_exhaustion(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(
		"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.9.1/32\n",
		70000);
	uint32_t made = 0;
	struct sl_fw_stats st = stats(fw);
	for (uint32_t i = 0; i < 70000 && st.nat_exhausted == 0; i++) {
		struct fwt_pkt p = rand_pkt(
			IPPROTO_UDP, 0x0a000000u | (i >> 16), (uint16_t)i, 0x0a64000a, 53, 0, 0);
		uint8_t d = out1(fw, 0, &p, V_A, V_S);
		st = stats(fw);
		if (d == 0)
			made++;
		else
			assert_int_equal(st.nat_exhausted, 1);
	}
	assert_int_equal(st.nat_exhausted, 1);
	printf("pool exhausted after %u flows\n", made);
	/* 64 probes: the pool (64,510 ports) runs out only when nearly full */
	assert_true(made > 55000);
	assert_int_equal(st.nat_created, made);
	/* the first flow still translates both ways */
	struct fwt_pkt p = rand_pkt(IPPROTO_UDP, 0x0a000000u, 0, 0x0a64000a, 53, 0, 0);
	assert_int_equal(out1(fw, 1, &p, V_A, V_S), 0);
	uint16_t port = rd16(p.b + 20);
	struct fwt_pkt r = rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x64400901, port, 0, 0);
	assert_int_equal(in1(fw, 1, &r, V_S, V_A), 0);
	assert_int_equal(sl_rd32(r.b + 16), 0x0a000000u);
	/* another peer: the same pairs are free towards it */
	struct fwt_pkt o = rand_pkt(IPPROTO_UDP, 0x0a000005u, 7, 0x0a64000b, 53, 0, 0);
	assert_int_equal(out1(fw, 1, &o, V_A, V_S), 0);
	sl_fw_free(fw);
}

/* A /32 pool of 8 ports for CUST-A. */
static const char small_pool[] =
	"set vrf name CUST-A leak-nat to SHARED source translation address 100.64.9.1/32\n"
	"set vrf name CUST-A leak-nat to SHARED source translation port 2000-2007\n";

/* A /32 pool of 8 ports: exactly 8 flows towards one peer, the 9th and
 * 10th dropped and counted; towards another peer the 8 pairs are free. */
static void test_small_pool(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(small_pool, 64);
	uint32_t seen = 0;
	for (uint16_t i = 0; i < 10; i++) {
		struct fwt_pkt p = rand_pkt(
			IPPROTO_UDP, 0x0a000002, (uint16_t)(5000 + i), 0x0a64000a, 53, 0, 0);
		uint8_t d = out1(fw, 0, &p, V_A, V_S);
		assert_int_equal(d, i < 8 ? 0 : SL_FW_DROP);
		if (d == 0) {
			uint16_t port = rd16(p.b + 20);
			assert_int_equal(sl_rd32(p.b + 12), 0x64400901u);
			assert_true(port >= 2000 && port <= 2007);
			assert_false(seen & (1u << (port - 2000)));
			seen |= 1u << (port - 2000);
		}
	}
	assert_int_equal(seen, 0xff);
	assert_int_equal(stats(fw).nat_exhausted, 2);
	struct fwt_pkt o = rand_pkt(IPPROTO_UDP, 0x0a000002, 5000, 0x0a64000b, 53, 0, 0);
	assert_int_equal(out1(fw, 0, &o, V_A, V_S), 0);
	sl_fw_free(fw);
}

/* One burst of new flows (made under one hold of the lock): two packets of
 * a flow leave alike, wherever they are in the burst; the flows towards one
 * peer take distinct pairs of a pool of 8 ports, the 9th and 10th are
 * dropped and counted; each reply goes back to its host. */
static void test_burst_new_flows(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(small_pool, 64);
	/* packet k is of flow of_flow[k]: 0 twice in a row, 3 again at the end */
	static const uint16_t of_flow[] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3};
	enum { N = RTE_DIM(of_flow) };
	struct fwt_pkt p[N];
	uint8_t *l3[N], deny[N] = {0};
	uint16_t len[N];
	uint32_t from[N], to[N];
	for (int k = 0; k < N; k++) {
		p[k] = rand_pkt(IPPROTO_UDP, 0x0a000002, (uint16_t)(5000 + of_flow[k]), 0x0a64000a,
			53, 0, 0);
		l3[k] = p[k].b;
		len[k] = p[k].len;
		from[k] = V_A;
		to[k] = V_S;
	}
	assert_int_equal(sl_fw_nat_out_burst(fw, 0, 0, l3, len, from, to, N, deny), N);
	uint32_t seen = 0;
	uint16_t port_of[10] = {0};
	for (int k = 0; k < N; k++) {
		uint16_t f = of_flow[k], port = rd16(p[k].b + 20);
		assert_int_equal(deny[k], f < 8 ? 0 : SL_FW_DROP);
		if (f >= 8)
			continue;
		check_sums(p[k].b, false);
		assert_int_equal(sl_rd32(p[k].b + 12), 0x64400901u);
		assert_true(port >= 2000 && port <= 2007);
		if (port_of[f] != 0) { /* a flow's second packet: its first's pair */
			assert_int_equal(port, port_of[f]);
			continue;
		}
		assert_false(seen & (1u << (port - 2000)));
		seen |= 1u << (port - 2000);
		port_of[f] = port;
	}
	assert_int_equal(seen, 0xff);
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_exhausted, 2);
	assert_int_equal(st.nat_entries, 8);
	for (uint16_t f = 0; f < 8; f++) {
		struct fwt_pkt r =
			rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, 0x64400901, port_of[f], 0, 0);
		assert_int_equal(in1(fw, 1, &r, V_S, V_A), 0);
		assert_int_equal(sl_rd32(r.b + 16), 0x0a000002u);
		assert_int_equal(rd16(r.b + 22), 5000 + f);
	}
	sl_fw_free(fw);
}

/* UDP: 30 s unreplied, 180 s replied; TCP established 7200 s; an expired
 * flow's reply is dropped, its pair free again. */
static void test_expiry(void **state)
{
	(void)state;
	struct sl_fw *fw = nat_fw(two_customers, 64);
	struct fwt_pkt u = rand_pkt(IPPROTO_UDP, 0x0a000002, 4000, 0x0a64000a, 53, 0, 0);
	struct fwt_pkt u2 = rand_pkt(IPPROTO_UDP, 0x0a000002, 4001, 0x0a64000a, 53, 0, 0);
	struct fwt_pkt t = rand_pkt(IPPROTO_TCP, 0x0a000002, 4002, 0x0a64000a, 22, 0, 0);
	assert_int_equal(out1(fw, 0, &u, V_A, V_S), 0);
	assert_int_equal(out1(fw, 0, &u2, V_A, V_S), 0);
	assert_int_equal(out1(fw, 0, &t, V_A, V_S), 0);
	struct fwt_pkt r2 =
		rand_pkt(IPPROTO_UDP, 0x0a64000a, 53, sl_rd32(u2.b + 12), rd16(u2.b + 20), 0, 0);
	struct fwt_pkt rt =
		rand_pkt(IPPROTO_TCP, 0x0a64000a, 22, sl_rd32(t.b + 12), rd16(t.b + 20), 0, 0);
	struct fwt_pkt r2b = r2, rtb = rt;
	assert_int_equal(in1(fw, 1, &r2, V_S, V_A), 0);
	assert_int_equal(in1(fw, 1, &rt, V_S, V_A), 0);
	assert_int_equal(sl_fw_nat_sweep(fw, 30, 1u << 20), 0);
	assert_int_equal(sl_fw_nat_sweep(fw, 31, 1u << 20), 1); /* u: unreplied */
	assert_int_equal(stats(fw).nat_entries, 2);
	assert_int_equal(sl_fw_nat_sweep(fw, 181, 1u << 20), 0); /* u2: replied at 1 */
	assert_int_equal(sl_fw_nat_sweep(fw, 182, 1u << 20), 1); /* ... 180 s */
	assert_int_equal(in1(fw, 183, &r2b, V_S, V_A), SL_FW_DROP);
	assert_int_equal(sl_fw_nat_sweep(fw, 7201, 1u << 20), 0);
	assert_int_equal(sl_fw_nat_sweep(fw, 7202, 1u << 20), 1); /* t: established */
	assert_int_equal(in1(fw, 7203, &rtb, V_S, V_A), SL_FW_DROP);
	struct sl_fw_stats st = stats(fw);
	assert_int_equal(st.nat_expired, 3);
	assert_int_equal(st.nat_entries, 0);
	assert_int_equal(st.nat_no_flow, 2);
	/* the listing shows a new flow; flush empties the table */
	struct fwt_pkt n = rand_pkt(IPPROTO_ICMP, 0x0a000002, 77, 0x0a64000a, 0, 0, 0);
	assert_int_equal(out1(fw, 7300, &n, V_A, V_S), 0);
	assert_int_equal(stats(fw).nat_entries, 1);
	sl_fw_nat_flush(fw);
	assert_int_equal(stats(fw).nat_entries, 0);
	sl_fw_free(fw);
}

int main(void)
{
	const char *seed = getenv("SL_NAT_SEED");
	rng = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ull;
	if (rng == 0)
		rng = 1;
	printf("SL_NAT_SEED=%llu\n", (unsigned long long)rng);
	if (fwt_eal_init("fw-nat", "0") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_pairs),
		cmocka_unit_test(test_rewrite_property),
		cmocka_unit_test(test_flows_property),
		cmocka_unit_test(test_no_flow_and_untranslatable),
		cmocka_unit_test(test_touched_counts),
		cmocka_unit_test(test_icmp_error_back),
		cmocka_unit_test(test_icmp_error_both_ways),
		cmocka_unit_test(test_icmp_unmatched),
		cmocka_unit_test(test_publish_flushes),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_small_pool),
		cmocka_unit_test(test_burst_new_flows),
		cmocka_unit_test(test_expiry),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
