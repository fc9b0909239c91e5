/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_diff.c — sl_dp_process against a model, at real sizes. Seven VRFs
 * (the default one and six tenants) hold thousands of random routes
 * (BGP-like lengths; VRF 1 outgrows the small table into the rte_lpm
 * layout): gateways whose neighbours are resolved, unknown or being
 * resolved, connected and local routes, blackholes, leaks into other VRFs
 * (and defaults that leak twice: leak loops), ECMP groups, gateways across
 * VRFs and an interface that is down; interfaces tagged and untagged on four
 * ports, each validating sources strictly, loosely or not at all (one
 * changes now and then), and a fifth port with one untagged interface that
 * validates none (its bursts take the datapath's lane); sources from the interface's subnet, other
 * subnets, the routes and anywhere. Bursts of 1-32 frames, each received on one port with mixed VLANs
 * (so VRFs): malformed frames, ARP, TTL 0 and 1, IP options, Ethernet
 * padding, offload flags (VLAN stripped, checksum good, bad or none, RSS hash).
 * Between bursts routes churn and neighbours change state.
 *
 * Each packet's fate is predicted from a plain longest-prefix match per VRF
 * (tests/fib/lpm_oracle.h) and the model's own interfaces and neighbours,
 * following the order of checks sl_dp.h documents; then checked: egress
 * port, tag, MACs, TTL, header checksum and every other byte of the IPv4
 * packet; punt reason and metadata; drops by reason (per burst, from the
 * counters: a dropped mbuf carries no reason); and the counters, global, per
 * VRF and per leak direction. An ECMP packet may leave by any member that
 * can take it, but a flow keeps its member while nothing changes.
 *
 * SL_DP_DIFF_SEED=n replays a seed (printed first and on a failure);
 * SL_DP_DIFF_BURSTS=n runs more or fewer bursts; SL_DP_DIFF_VERBOSE=1
 * prints the drops and punts by reason.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "../seed_crash.h"
#include "dp_diff_model.h"
#include "dp_fixture.h"

#define BURSTS 6000
#define CHURN_EVERY 50 /* bursts */

static struct dpf F;
static uint64_t seed;

static unsigned burst_no, pkt_no;
/* packets checked by each source-validation mode: [mode][passed] */
static unsigned sv_seen[3][2];

/* fail the test naming the seed, burst and packet */
#define CHECK(cond, ...)                                                                       \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			print_error("seed %" PRIu64 " (SL_DP_DIFF_SEED) burst %u packet %u: ", \
				seed, burst_no, pkt_no);                                       \
			print_error(__VA_ARGS__);                                              \
			print_error(" [%s]\n", #cond);                                         \
			fail();                                                                \
		}                                                                              \
	} while (0)

/* ---- the model -------------------------------------------------------- */

/* ---- packets and their expected fate ---------------------------------- */

#define FRAME_MAX 128
struct pkt {
	struct rte_mbuf *m;
	uint8_t frame[FRAME_MAX]; /* as sent */
	uint16_t len, l2; /* frame length, its L2 header */
	uint16_t total; /* the IPv4 total length */
	int in_ifx; /* -1: no ingress interface */
	bool ipv4; /* looked up */
	uint64_t flow; /* ECMP: the flow's key */
	struct dm_pred pred; /* what may happen */
};

/* Frame variants: most are good; one defect at most each. */
enum {
	V_GOOD,
	V_NO_IFACE, /* a VLAN nobody configured */
	V_RUNT, /* shorter than Ethernet */
	V_ARP,
	V_IPV6,
	V_SHORT_IP, /* shorter than an IPv4 header */
	V_VERSION,
	V_IHL,
	V_TOTAL_SMALL,
	V_TOTAL_BIG,
	V_CUT_OPTIONS,
	V_BAD_CKSUM,
	V_FLAG_BAD, /* the NIC says the checksum is bad */
	V__COUNT
};

/* Make packet p for in_port and predict it. */
static void make(struct pkt *p, uint16_t in_port)
{
	memset(p, 0, sizeof(*p));
	p->in_ifx = -1;
	p->pred.act = -1;
	unsigned cand[32], n_cand = 0;
	for (unsigned i = 0; i < dm.n_ifs; i++)
		if (dm.ifs[i].port == in_port)
			cand[n_cand++] = i;
	unsigned ifx = cand[dm_rnd() % n_cand];
	if (!dm.ifs[ifx].up && dm_rnd() % 8 != 0) /* now and then on the port's down interface */
		ifx = cand[dm_rnd() % n_cand];
	uint32_t r = dm_rnd() % 100;
	unsigned variant = r < 88 ? V_GOOD : 1 + dm_rnd() % (V__COUNT - 1);
	uint32_t vrf = dm.ifs[ifx].vrf, flow;
	uint32_t dst = dm_pick_dst(vrf, &flow);
	struct dpf_pkt s = {.vlan = dm.ifs[ifx].vlan,
		.dst_mac = dm.ifs[ifx].mac,
		.src = flow != UINT32_MAX ? sl_test_ip4(10, 99, 0, flow) : dm_pick_src(ifx),
		.dst = dst,
		.ttl = (uint8_t)(dm_rnd() % 16 == 0 ? dm_rnd() % 2 : 2 + dm_rnd() % 254),
		.proto = dm_rnd() % 8 == 0 ? IPPROTO_ICMP
			 : dm_rnd() % 2	   ? IPPROTO_TCP
					   : IPPROTO_UDP,
		.payload = (uint16_t)(8 + dm_rnd() % 40),
		.fill = (uint8_t)dm_rnd()};
	if (s.proto != IPPROTO_ICMP) {
		s.sport = (uint16_t)(flow != UINT32_MAX ? 1000 + flow : dm_rnd());
		s.dport = (uint16_t)(flow != UINT32_MAX ? 53 : dm_rnd());
	}
	if (dm_rnd() % 16 == 0)
		s.version_ihl = 0x46; /* one word of options (zeroes: end of list) */
	if (dm_rnd() % 16 == 0)
		s.total_delta = -(int16_t)(1 + dm_rnd() % 6); /* Ethernet padding */
	switch (variant) {
	case V_NO_IFACE:
		s.vlan = (uint16_t)(3000 + dm_rnd() % 1000);
		break;
	case V_RUNT:
		s.frame_len = (uint16_t)(1 + dm_rnd() % 13);
		break;
	case V_ARP:
		s.ether_type = RTE_ETHER_TYPE_ARP;
		break;
	case V_IPV6:
		s.ether_type = RTE_ETHER_TYPE_IPV6;
		break;
	case V_SHORT_IP:
		s.frame_len = (uint16_t)((s.vlan ? 18 : 14) + dm_rnd() % 20);
		break;
	case V_VERSION:
		s.version_ihl = 0x65;
		break;
	case V_IHL:
		s.version_ihl = (uint8_t)(0x40 | dm_rnd() % 5);
		break;
	case V_TOTAL_SMALL:
		s.total_delta = (int16_t)(-(int)s.payload - 1 - (int)(dm_rnd() % 20));
		break;
	case V_TOTAL_BIG:
		s.total_delta = (int16_t)(1 + dm_rnd() % 100);
		break;
	case V_CUT_OPTIONS:
		s.version_ihl = 0x47;
		s.frame_len = (uint16_t)((s.vlan ? 18 : 14) + 20 + dm_rnd() % 8);
		break;
	case V_BAD_CKSUM:
		s.bad_cksum = true;
		break;
	}
	p->m = dpf_craft(&F, &s);
	struct rte_mbuf *m = p->m;
	if (variant == V_GOOD && dm_rnd() % 16 == 0) {
		/* a header whose checksum is zero, written as 0xffff (the same
		 * number): the incremental update then carries around */
		struct rte_ipv4_hdr *ip = dpf_ip(m, s.vlan ? 18 : 14);
		ip->packet_id = 0;
		ip->hdr_checksum = 0;
		ip->packet_id = (rte_be16_t)~rte_raw_cksum(ip, rte_ipv4_hdr_len(ip));
		ip->hdr_checksum = 0xffff;
	}
	/* offloads: the tag in the mbuf instead of the frame, the checksum
	 * already checked by the NIC, an RSS hash */
	bool stripped = s.vlan && variant != V_RUNT && variant != V_SHORT_IP &&
			variant != V_CUT_OPTIONS && dm_rnd() % 8 == 0;
	if (stripped) {
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		memmove(d + 4, d, 12);
		rte_pktmbuf_adj(m, 4);
		m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		m->vlan_tci = s.vlan;
	}
	if (variant == V_FLAG_BAD)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	else if (variant == V_GOOD && dm_rnd() % 4 == 0)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	else if ((variant == V_GOOD || variant == V_BAD_CKSUM) && dm_rnd() % 8 == 0)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_NONE; /* not checked for us: checked alike */
	if (dm_rnd() % 4 == 0) {
		m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
		m->hash.rss = flow != UINT32_MAX ? flow * 0x9e3779b1u : dm_rnd();
	}
	p->len = (uint16_t)m->pkt_len;
	assert_true(p->len <= FRAME_MAX);
	memcpy(p->frame, rte_pktmbuf_mtod(m, uint8_t *), p->len);
	p->l2 = s.vlan && !stripped ? 18 : 14;
	uint8_t ihl4 = (uint8_t)((s.version_ihl ? s.version_ihl : 0x45) & 0xf) * 4;
	uint16_t hdr = ihl4 < 20 ? 20 : ihl4;
	p->total = (uint16_t)(hdr + s.payload + s.total_delta);
	/* a flow's key: what its hash is made of (the RSS hash when given);
	 * the ports only when the IPv4 packet holds them (padding trimmed) */
	bool ports = s.proto != IPPROTO_ICMP && ihl4 + 4u <= p->total;
	if (flow != UINT32_MAX)
		p->flow =
			((uint64_t)dst << 32 | flow << 16 | (uint32_t)ports << 8 | s.proto) ^
			(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH ? (uint64_t)m->hash.rss << 8 | 1 : 0);

	/* parsing, in the order sl_dp_process checks */
	if (variant == V_RUNT) {
		p->pred.fate[p->pred.n_fates++] = dm_fate_drop(SL_DP_DROP_TRUNCATED);
		return;
	}
	if (variant == V_NO_IFACE || !dm.ifs[ifx].up) {
		p->pred.fate[p->pred.n_fates++] = dm_fate_drop(SL_DP_DROP_NO_IFACE);
		return;
	}
	p->in_ifx = (int)ifx;
	static const uint8_t parse_fate[V__COUNT] = {
		[V_IPV6] = SL_DP_DROP_NOT_IPV4,
		[V_SHORT_IP] = SL_DP_DROP_TRUNCATED,
		[V_VERSION] = SL_DP_DROP_BAD_HEADER,
		[V_IHL] = SL_DP_DROP_BAD_HEADER,
		[V_TOTAL_SMALL] = SL_DP_DROP_BAD_HEADER,
		[V_TOTAL_BIG] = SL_DP_DROP_TRUNCATED,
		[V_CUT_OPTIONS] = SL_DP_DROP_TRUNCATED,
		[V_BAD_CKSUM] = SL_DP_DROP_BAD_CHECKSUM,
		[V_FLAG_BAD] = SL_DP_DROP_BAD_CHECKSUM,
	};
	if (variant == V_ARP) {
		p->pred.fate[p->pred.n_fates++] = dm_fate_punt(SL_DP_PUNT_ARP, -1);
		return;
	}
	if (variant != V_GOOD) {
		p->pred.fate[p->pred.n_fates++] = dm_fate_drop(parse_fate[variant]);
		return;
	}
	/* the source, before any lookup of the destination (and before the
	 * packet counts in its VRF) */
	bool src_ok = dm_src_ok(ifx, s.src);
	sv_seen[dm.ifs[ifx].sv][src_ok]++;
	if (!src_ok) {
		p->pred.fate[p->pred.n_fates++] = dm_fate_drop(SL_DP_DROP_SRC_INVALID);
		return;
	}
	p->ipv4 = true;
	/* an ICMP echo reply, unreachable or time exceeded (the fill byte is
	 * the type) */
	const uint8_t *ip = &p->frame[p->l2];
	uint8_t type = ip[(ip[0] & 0xf) * 4];
	bool icmp_answer = ip[9] == IPPROTO_ICMP && (type == 0 || type == 3 || type == 11);
	dm_predict(&p->pred, vrf, dst, ip[8], icmp_answer);
}

/* ---- checking --------------------------------------------------------- */

/* Sticky ECMP picks: (action, flow) → the fate index taken; cleared by churn. */
#define STICKY 4096
static struct {
	uint64_t key;
	uint8_t fate;
} sticky[STICKY];
static unsigned sticky_hits;

static bool same_mac(const void *a, const struct rte_ether_addr *b)
{
	return memcmp(a, b, RTE_ETHER_ADDR_LEN) == 0;
}

/* Where the burst put p->m: kind, and the port for TX. */
static uint8_t where(const struct sl_dp_out *out, const struct rte_mbuf *m, uint16_t *port)
{
	for (uint16_t pt = 0; pt < SL_FIB_PORT_MAX; pt++)
		for (unsigned j = 0; j < out->n_tx[pt]; j++)
			if (out->tx[pt][j] == m) {
				*port = pt;
				return K_TX;
			}
	for (unsigned j = 0; j < out->n_punt; j++)
		if (out->punt[j] == m)
			return K_PUNT;
	for (unsigned j = 0; j < out->n_drop; j++)
		if (out->drop[j] == m)
			return K_DROP;
	return 0xff;
}

/* The IPv4 packet at ip (the mbuf's) against the one sent: every byte but
 * TTL and checksum the same, TTL less dec, the checksum valid. */
static void check_ip(const struct pkt *p, const uint8_t *ip, unsigned dec)
{
	const uint8_t *sent = p->frame + p->l2;
	unsigned ihl4 = (sent[0] & 0xf) * 4u;
	CHECK(ip[8] == sent[8] - dec, "TTL %u, sent %u", ip[8], sent[8]);
	CHECK(memcmp(ip, sent, 8) == 0 && ip[9] == sent[9] &&
			memcmp(ip + 12, sent + 12, p->total - 12u) == 0,
		"IPv4 bytes changed");
	CHECK(rte_raw_cksum(ip, ihl4) == 0xffff, "bad header checksum %#x after forwarding",
		ip[10] << 8 | ip[11]);
}

/* Does what happened to p match fate f? */
static bool matches(const struct pkt *p, const struct dm_fate *f, uint8_t kind, uint16_t port)
{
	struct rte_mbuf *m = p->m;
	if (kind != f->kind)
		return false;
	if (kind == K_DROP)
		return true; /* the reason: by the counters */
	if (kind == K_PUNT) {
		const struct sl_dp_meta *meta = sl_dp_meta(m);
		if (meta->reason != f->why)
			return false;
		return f->why != SL_DP_PUNT_UNRESOLVED ||
		       (meta->out_oif == dm.ifs[f->ifx].oif && meta->nh_ip == f->nh_ip);
	}
	const struct dm_if *o = &dm.ifs[f->ifx];
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	return port == o->port && same_mac(d, &f->dmac) && same_mac(d + 6, &o->mac);
}

static void check_tx(const struct pkt *p, const struct dm_fate *f)
{
	const struct dm_if *o = &dm.ifs[f->ifx];
	struct rte_mbuf *m = p->m;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned l2 = o->vlan ? 18 : 14;
	uint16_t type = (uint16_t)(d[12] << 8 | d[13]);
	if (o->vlan) {
		CHECK(type == RTE_ETHER_TYPE_VLAN, "untagged out of %s", o->name);
		CHECK((d[14] << 8 | d[15]) == o->vlan, "tag %u out of %s",
			(d[14] << 8 | d[15]) & 0xfff, o->name);
		type = (uint16_t)(d[16] << 8 | d[17]);
	}
	CHECK(type == RTE_ETHER_TYPE_IPV4, "ether type %#x out of %s", type, o->name);
	CHECK(m->nb_segs == 1 && m->data_len == m->pkt_len && m->pkt_len == l2 + p->total,
		"frame length %u out of %s, want %u", m->pkt_len, o->name, l2 + p->total);
	check_ip(p, d + l2, 1);
}

static void check_punt(const struct pkt *p, const struct dm_fate *f)
{
	struct rte_mbuf *m = p->m;
	const struct sl_dp_meta *meta = sl_dp_meta(m);
	const struct dm_if *in = &dm.ifs[p->in_ifx];
	CHECK(meta->in_oif == in->oif && meta->vrf_id == in->vrf && meta->l2_len == p->l2,
		"punt metadata: in_oif %u vrf %u l2_len %u", meta->in_oif, meta->vrf_id,
		meta->l2_len);
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	if (f->why == SL_DP_PUNT_ARP) {
		CHECK(m->pkt_len == p->len && memcmp(d, p->frame, p->len) == 0,
			"ARP frame changed");
		return;
	}
	/* the received L2 header, padding trimmed; TTL taken only when forwarded */
	CHECK(memcmp(d, p->frame, p->l2) == 0, "punted L2 header changed");
	CHECK(m->pkt_len == (uint32_t)p->l2 + p->total, "punted frame length %u, want %u",
		m->pkt_len, p->l2 + p->total);
	check_ip(p, d + p->l2, f->why == SL_DP_PUNT_UNRESOLVED);
}

struct totals {
	uint64_t dropped[SL_DP_DROP__COUNT], punted[SL_DP_PUNT__COUNT];
	uint64_t forwarded, leaked, rx;
	uint64_t vrf_rx[DM_VRF], vrf_fwd[DM_VRF], vrf_punt[DM_VRF];
	uint64_t cross[DM_VRF][DM_VRF]; /* forwarded from VRF to VRF */
};

/* Check packet p against its fates; count what it did into t. */
static void check_packet(const struct sl_dp_out *out, const struct pkt *p, struct totals *t)
{
	uint16_t port = 0;
	uint8_t kind = where(out, p->m, &port);
	CHECK(kind != 0xff, "packet lost");
	unsigned k = 0;
	while (k < p->pred.n_fates && !matches(p, &p->pred.fate[k], kind, port))
		k++;
	if (k == p->pred.n_fates) {
		const struct dm_fate *f = &p->pred.fate[0];
		const uint8_t *d = rte_pktmbuf_mtod(p->m, const uint8_t *);
		char dst[16];
		dm_ip_str(rte_be_to_cpu_32(*(const uint32_t *)(p->frame + p->l2 + 16)), dst);
		CHECK(false,
			"to %s from %s: went %s (port %u, punt reason %u, dmac %02x..%02x), want "
			"%s %u (%s) of %u fates",
			dst, p->in_ifx >= 0 ? dm.ifs[p->in_ifx].name : "-",
			kind == K_TX	 ? "tx"
			: kind == K_PUNT ? "punt"
					 : "drop",
			port, sl_dp_meta(p->m)->reason, d[0], d[5],
			f->kind == K_TX	    ? "tx"
			: f->kind == K_PUNT ? "punt"
					    : "drop",
			f->why, f->kind == K_TX ? dm.ifs[f->ifx].name : "", p->pred.n_fates);
	}
	const struct dm_fate *f = &p->pred.fate[k];
	if (p->pred.n_fates > 1 && p->flow != 0) {
		uint64_t key = ((uint64_t)p->pred.act << 40 ^ p->flow) * 0x9e3779b97f4a7c15ull | 1;
		unsigned s = (unsigned)(key >> 52) % STICKY;
		sticky_hits += sticky[s].key == key;
		if (sticky[s].key == key)
			CHECK(sticky[s].fate == k,
				"ECMP flow (action %d, key %#" PRIx64
				") moved from member %u to %u",
				p->pred.act, p->flow, sticky[s].fate, k);
		sticky[s].key = key;
		sticky[s].fate = (uint8_t)k;
	}
	if (kind == K_TX)
		check_tx(p, f);
	else if (kind == K_PUNT)
		check_punt(p, f);
	/* the counters it moves */
	if (kind == K_DROP)
		t->dropped[f->why]++;
	if (kind == K_PUNT) {
		t->punted[f->why]++;
		if (f->also_dropped >= 0)
			t->dropped[f->also_dropped]++;
	}
	if (!p->ipv4)
		return;
	uint32_t in_vrf = dm.ifs[p->in_ifx].vrf;
	t->leaked += p->pred.leaked;
	t->vrf_rx[in_vrf]++;
	if (kind == K_PUNT)
		t->vrf_punt[in_vrf]++;
	if (kind == K_TX) {
		t->forwarded++;
		t->vrf_fwd[in_vrf]++;
		t->cross[in_vrf][dm.ifs[f->ifx].vrf] += dm.ifs[f->ifx].vrf != in_vrf;
	}
}

static void check_counters(const struct sl_dp_counters *c, const struct totals *t)
{
	for (unsigned r = 0; r < SL_DP_DROP__COUNT; r++)
		CHECK(c->dropped[r] == t->dropped[r], "dropped[%s] %" PRIu64 ", want %" PRIu64,
			sl_dp_drop_names[r], c->dropped[r], t->dropped[r]);
	for (unsigned r = 0; r < SL_DP_PUNT__COUNT; r++)
		CHECK(c->punted[r] == t->punted[r], "punted[%s] %" PRIu64 ", want %" PRIu64,
			sl_dp_punt_names[r], c->punted[r], t->punted[r]);
	CHECK(c->forwarded == t->forwarded, "forwarded %" PRIu64 ", want %" PRIu64, c->forwarded,
		t->forwarded);
	CHECK(c->leaked == t->leaked, "leaked %" PRIu64 ", want %" PRIu64, c->leaked, t->leaked);
	CHECK(c->rx == t->rx, "rx %" PRIu64 ", want %" PRIu64, c->rx, t->rx);
}

/* ---- the test --------------------------------------------------------- */

static unsigned env_uint(const char *name, unsigned dflt_value)
{
	const char *s = getenv(name);
	return s && *s ? (unsigned)strtoul(s, NULL, 0) : dflt_value;
}

static int setup(void **state)
{
	(void)state;
	const char *s = getenv("SL_DP_DIFF_SEED");
	seed = s && *s ? strtoull(s, NULL, 0) : 0x5eed0d1ffull;
	dm_init(seed);
	char *text = dm_build();
	struct sl_fib_config cfg = {
		.small_groups_max = DM_SMALL_GROUPS, .socket_id = SOCKET_ID_ANY};
	int rc = dpf_setup(&F, "dp_diff", 0, &cfg, text);
	free(text);
	if (rc < 0)
		return -1;
	for (unsigned i = 0; i < dm.n_ifs; i++)
		dm.ifs[i].oif = dpf_oif(&F, dm.ifs[i].name);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	dm_fini();
	return 0;
}

static void test_bursts_against_model(void **state)
{
	(void)state;
	seed_crash_install();
	print_message("seed %" PRIu64 " (SL_DP_DIFF_SEED to replay), %zu routes\n", seed,
		dm.lpm[0].n + dm.lpm[1].n + dm.lpm[2].n + dm.lpm[3].n + dm.lpm[4].n + dm.lpm[5].n +
			dm.lpm[6].n);
	struct sl_fib_vrf_stats vs;
	assert_int_equal(sl_fib_vrf_stats_get(F.fib, 1, &vs), 0);
	assert_false(vs.small); /* both table layouts are exercised */
	assert_int_equal(sl_fib_vrf_stats_get(F.fib, 2, &vs), 0);
	assert_true(vs.small);

	struct sl_dp_vrf_count vrf0[DM_VRF];
	memcpy(vrf0, F.cnt.vrf, sizeof(vrf0)); /* the lcore's block outlives dpf_reset */
	dpf_reset(&F);
	struct totals *t = calloc(1, sizeof(*t));
	struct pkt *pk = calloc(SL_DP_BURST, sizeof(*pk));
	assert_non_null(t);
	assert_non_null(pk);
	unsigned bursts = env_uint("SL_DP_DIFF_BURSTS", BURSTS), mixed = 0, fates[3] = {0};
	unsigned lanes = 0; /* bursts of two or more on eth4's port */
	for (burst_no = 0; burst_no < bursts; burst_no++) {
		seed_crash_context("seed %" PRIu64 " (SL_DP_DIFF_SEED) burst %u\n", seed, burst_no);
		if (burst_no % CHURN_EVERY == CHURN_EVERY - 1) {
			char *text = dm_churn();
			assert_int_equal(dpf_apply(&F, text), 0);
			free(text);
			memset(sticky, 0, sizeof(sticky));
		}
		uint16_t n = (uint16_t)(1 + dm_rnd() % SL_DP_BURST),
			 in_port = (uint16_t)(dm_rnd() % (DM_PORT + 1));
		struct rte_mbuf *m[SL_DP_BURST];
		for (unsigned i = 0; i < n; i++) {
			make(&pk[i], in_port);
			m[i] = pk[i].m;
		}
		t->rx += n;
		lanes += in_port == DM_PORT && n > 1;
		dpf_run(&F, in_port, m, n);
		uint32_t ports = 0;
		for (pkt_no = 0; pkt_no < n; pkt_no++) {
			check_packet(&F.out, &pk[pkt_no], t);
			mixed += pkt_no > 0 && pk[pkt_no].in_ifx >= 0 && pk[0].in_ifx >= 0 &&
				 dm.ifs[pk[pkt_no].in_ifx].vrf != dm.ifs[pk[0].in_ifx].vrf;
		}
		for (unsigned pt = 0; pt < SL_FIB_PORT_MAX; pt++)
			ports |= (uint32_t)(F.out.n_tx[pt] != 0) << pt;
		CHECK(F.out.tx_ports == ports, "tx_ports %#x, want %#x", F.out.tx_ports, ports);
		pkt_no = n;
		check_counters(&F.cnt, t);
		fates[0] += F.out.n_punt;
		fates[1] += F.out.n_drop;
		for (unsigned pt = 0; pt < SL_FIB_PORT_MAX; pt++)
			fates[2] += F.out.n_tx[pt];
		dpf_free_out(&F);
	}
	/* per VRF and per leak direction, over the run */
	for (uint32_t v = 0; v < DM_VRF; v++) {
		const struct sl_dp_vrf_count *c = &F.cnt.vrf[v];
		CHECK(c->ipv4_rx - vrf0[v].ipv4_rx == t->vrf_rx[v], "VRF %u ipv4_rx", v);
		CHECK(c->forwarded - vrf0[v].forwarded == t->vrf_fwd[v], "VRF %u forwarded", v);
		CHECK(c->punted - vrf0[v].punted == t->vrf_punt[v], "VRF %u punted", v);
	}
	uint64_t crossed = 0, in_slots = 0;
	for (unsigned i = 0; i < SL_DP_LEAK_SLOTS; i++) {
		const struct sl_dp_leak_slot *sl = &F.cnt.leak[i];
		if (sl->key == 0)
			continue;
		uint32_t from = SL_DP_LEAK_FROM(sl->key), to = SL_DP_LEAK_TO(sl->key);
		CHECK(from < DM_VRF && to < DM_VRF && sl->packets == t->cross[from][to],
			"leak %u -> %u: %" PRIu64 " packets", from, to, sl->packets);
		in_slots += sl->packets;
	}
	for (uint32_t a = 0; a < DM_VRF; a++)
		for (uint32_t b = 0; b < DM_VRF; b++)
			crossed += t->cross[a][b];
	CHECK(in_slots + F.cnt.leak_other == crossed, "leak counts");
	print_message("%u bursts: %u forwarded, %u punted, %u dropped; %" PRIu64
		      " leaked, %u packets in bursts of mixed VRFs, %u ECMP flows seen again\n",
		bursts, fates[2], fates[0], fates[1], t->leaked, mixed, sticky_hits);
	print_message("sources: strict %u passed, %u failed; loose %u passed, %u failed; "
		      "disable %u\n",
		sv_seen[SL_SRC_VALID_STRICT][1], sv_seen[SL_SRC_VALID_STRICT][0],
		sv_seen[SL_SRC_VALID_LOOSE][1], sv_seen[SL_SRC_VALID_LOOSE][0],
		sv_seen[SL_SRC_VALID_DISABLE][1]);
	/* the run reached what it is meant to: every drop and punt reason the
	 * model can produce, leaks and mixed bursts */
	static const uint8_t want_drops[] = {SL_DP_DROP_NO_ROUTE, SL_DP_DROP_TTL_EXPIRED,
		SL_DP_DROP_LEAK_LOOP, SL_DP_DROP_BLACKHOLE, SL_DP_DROP_BAD_CHECKSUM,
		SL_DP_DROP_BAD_HEADER, SL_DP_DROP_TRUNCATED, SL_DP_DROP_NOT_IPV4,
		SL_DP_DROP_NO_IFACE, SL_DP_DROP_IFACE_DOWN, SL_DP_DROP_NEIGH_PENDING,
		SL_DP_DROP_SRC_INVALID};
	if (getenv("SL_DP_DIFF_VERBOSE") != NULL) {
		for (unsigned r = 0; r < SL_DP_DROP__COUNT; r++)
			print_message(
				"  dropped %s %" PRIu64 "\n", sl_dp_drop_names[r], t->dropped[r]);
		for (unsigned r = 0; r < SL_DP_PUNT__COUNT; r++)
			print_message(
				"  punted %s %" PRIu64 "\n", sl_dp_punt_names[r], t->punted[r]);
	}
	if (bursts >= BURSTS) {
		for (unsigned i = 0; i < RTE_DIM(want_drops); i++)
			CHECK(t->dropped[want_drops[i]] > 0, "no %s drop",
				sl_dp_drop_names[want_drops[i]]);
		/* no control-plane TAP here: link-local multicast is a martian */
		for (unsigned r = 0; r < SL_DP_PUNT__COUNT; r++)
			CHECK(r == SL_DP_PUNT_REJECT || r == SL_DP_PUNT_LINK_MCAST ||
					t->punted[r] > 0,
				"no %s punt", sl_dp_punt_names[r]);
		CHECK(t->leaked > 1000 && mixed > 1000 && crossed > 100, "too few leaks or mixes");
		CHECK(lanes > 500, "%u bursts on the port of one untagged interface", lanes);
		/* each mode let sources through; strict and loose refused some */
		CHECK(sv_seen[SL_SRC_VALID_DISABLE][1] > 1000 &&
				sv_seen[SL_SRC_VALID_STRICT][0] > 100 &&
				sv_seen[SL_SRC_VALID_STRICT][1] > 100 &&
				sv_seen[SL_SRC_VALID_LOOSE][0] > 100 &&
				sv_seen[SL_SRC_VALID_LOOSE][1] > 100,
			"source validation: too few packets passed or failed a mode");
	}
	free(pk);
	free(t);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* VRF 1's rte_lpm-layout table is 64 MiB of tbl24 */
	if (dpf_eal_init("dp-diff", "0", 512) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bursts_against_model),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
