/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_diff_model.c — the model of test_dp_diff.c (dp_diff_model.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fib/fib_test_eal.h"
#include "dp_diff_model.h"
#include "sl_dp.h"

struct dm_model dm;
static uint64_t rs;

void dm_init(uint64_t seed)
{
	memset(&dm, 0, sizeof(dm));
	rs = seed * 2654435761u + 88172645463325252ull;
	if (rs == 0)
		rs = 1;
	for (uint32_t v = 0; v < DM_VRF; v++)
		lpm_oracle_init(&dm.lpm[v]);
}

void dm_fini(void)
{
	for (uint32_t v = 0; v < DM_VRF; v++)
		lpm_oracle_fini(&dm.lpm[v]);
	free(dm.acts);
	dm.acts = NULL;
}

uint32_t dm_rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 16);
}

const struct dm_nb *dm_nb_find(unsigned ifx, uint32_t ip)
{
	for (unsigned i = 0; i < dm.n_nbs; i++)
		if (dm.nbs[i].ifx == ifx && dm.nbs[i].ip == ip)
			return &dm.nbs[i];
	return NULL;
}

uint8_t dm_nb_state(unsigned ifx, uint32_t ip)
{
	const struct dm_nb *n = dm_nb_find(ifx, ip);
	return n ? n->state : NB_UNKNOWN;
}

static uint32_t new_act(struct dm_act a)
{
	if (dm.n_acts == dm.cap_acts) {
		dm.cap_acts = dm.cap_acts ? 2 * dm.cap_acts : 4096;
		dm.acts = realloc(dm.acts, dm.cap_acts * sizeof(*dm.acts));
		assert_non_null(dm.acts);
	}
	dm.acts[dm.n_acts] = a;
	return (uint32_t)dm.n_acts++;
}

void dm_ip_str(uint32_t ip, char *s)
{
	snprintf(s, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

static void mac_str(const struct rte_ether_addr *m, char *s)
{
	snprintf(s, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m->addr_bytes[0], m->addr_bytes[1],
		m->addr_bytes[2], m->addr_bytes[3], m->addr_bytes[4], m->addr_bytes[5]);
}

/* A topology line for route (vrf, addr/len) → action a. */
static void route_line(FILE *t, uint32_t vrf, uint32_t addr, uint8_t len, const struct dm_act *a)
{
	char p[16], g[16];
	dm_ip_str(addr, p);
	fprintf(t, "route %u %s/%u", vrf, p, len);
	switch (a->type) {
	case A_GW:
	case A_ECMP:
		for (unsigned i = 0; i < (a->type == A_GW ? 1u : a->n); i++) {
			dm_ip_str(a->gw[i], g);
			fprintf(t, " via %s %s", g, dm.ifs[a->ifx[i]].name);
			if (a->type == A_ECMP)
				fprintf(t, " weight %u", 1 + i % 3);
		}
		break;
	case A_CONN:
		fprintf(t, " connected %s", dm.ifs[a->ifx[0]].name);
		break;
	case A_LOCAL:
		fprintf(t, " local %s", dm.ifs[a->ifx[0]].name);
		break;
	case A_BH:
		fprintf(t, " blackhole");
		break;
	case A_LEAK:
		fprintf(t, " vrf %u", a->to);
		break;
	}
	fputc('\n', t);
}

static unsigned if_of_vrf(uint32_t vrf)
{
	for (;;) {
		unsigned i = dm_rnd() % dm.n_ifs;
		if (dm.ifs[i].vrf == vrf)
			return i;
	}
}

/* A gateway (its neighbour entry) on interface ifx: mostly a resolved one. */
static const struct dm_nb *gw_on(unsigned ifx)
{
	uint32_t r = dm_rnd() % 10;
	return dm_nb_find(ifx, dm.ifs[ifx].net | (r < 8 ? 10 + r % 2 : 12 + r % 2));
}

static struct dm_act random_act(uint32_t vrf)
{
	struct dm_act a = {0};
	uint32_t r = dm_rnd() % 100;
	if (r < 8) {
		a.type = A_ECMP;
		a.n = (uint8_t)(2 + dm_rnd() % (DM_MEMBERS - 1));
		for (unsigned i = 0; i < a.n; i++) {
			unsigned ifx;
			do /* members on up interfaces: a down one is a drop, not a pick */
				ifx = dm_rnd() % 4 == 0 ? dm_rnd() % dm.n_ifs : if_of_vrf(vrf);
			while (!dm.ifs[ifx].up);
			const struct dm_nb *g = gw_on(ifx);
			bool dup = false;
			for (unsigned k = 0; k < i; k++)
				dup |= a.ifx[k] == ifx && a.gw[k] == g->ip;
			if (dup) {
				i--;
				continue;
			}
			a.ifx[i] = (uint16_t)ifx;
			a.gw[i] = g->ip;
		}
	} else if (r < 13) {
		a.type = A_BH;
	} else if (r < 26) {
		a.type = A_LEAK;
		a.to = (vrf + 1 + dm_rnd() % (DM_VRF - 1)) % DM_VRF;
	} else if (r < 31) {
		a.type = A_CONN;
		a.ifx[0] = (uint16_t)if_of_vrf(vrf);
	} else {
		a.type = A_GW; /* one in ten across VRFs */
		a.ifx[0] = (uint16_t)(dm_rnd() % 10 == 0 ? dm_rnd() % dm.n_ifs : if_of_vrf(vrf));
		a.gw[0] = gw_on(a.ifx[0])->ip;
	}
	return a;
}

/* BGP-like: 65 % /24, 25 % /16-/23, 5 % /8-/15, 5 % /25-/32 */
static uint8_t prefix_len(void)
{
	uint32_t r = dm_rnd() % 100;
	return r < 65	? 24
	       : r < 90 ? (uint8_t)(16 + dm_rnd() % 8)
	       : r < 95 ? (uint8_t)(8 + dm_rnd() % 8)
			: (uint8_t)(25 + dm_rnd() % 8);
}

/* A new random route in vrf, into the model and the topology text. */
static void add_random_route(FILE *t, uint32_t vrf)
{
	uint8_t len = prefix_len();
	uint32_t addr = dm_rnd() & lpm_oracle_mask(len);
	struct dm_act a = random_act(vrf);
	uint32_t k = new_act(a);
	lpm_oracle_set(&dm.lpm[vrf], addr, len, k);
	route_line(t, vrf, addr, len, &a);
}

static void add_iface(
	const char *name, uint16_t port, uint16_t vlan, uint32_t vrf, uint32_t net, bool up)
{
	struct dm_if *m = &dm.ifs[dm.n_ifs];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->port = port;
	m->vlan = vlan;
	m->vrf = vrf;
	m->net = net;
	m->up = up;
	m->sv = (uint8_t)(dm_rnd() % 3); /* disable, strict, loose alike */
	m->mac = (struct rte_ether_addr){{0x02, 0, 0, 1, (uint8_t)dm.n_ifs, (uint8_t)(port + 1)}};
	unsigned ifx = dm.n_ifs++;
	/* gateways .10 .11 resolved, .12 unknown, .13 being resolved; hosts
	 * .20-.27 resolved, .30-.31 being resolved */
	static const uint8_t host[] = {10, 11, 12, 13, 20, 21, 22, 23, 24, 25, 26, 27, 30, 31};
	for (unsigned i = 0; i < RTE_DIM(host); i++) {
		struct dm_nb *n = &dm.nbs[dm.n_nbs++];
		n->ifx = (uint16_t)ifx;
		n->ip = net | host[i];
		n->state = host[i] == 12		    ? NB_UNKNOWN
			   : host[i] == 13 || host[i] >= 30 ? NB_PENDING
							    : NB_RESOLVED;
		n->mac = (struct rte_ether_addr){{0x02, 0xbb, (uint8_t)ifx, host[i], 0, 0}};
	}
}

static void nb_line(FILE *t, const struct dm_nb *n)
{
	char ip[16], mac[18];
	dm_ip_str(n->ip, ip);
	mac_str(&n->mac, mac);
	fprintf(t, "neigh %s %s %s\n", dm.ifs[n->ifx].name, ip,
		n->state == NB_RESOLVED	 ? mac
		: n->state == NB_PENDING ? "pending"
					 : "forget");
}

static void iface_line(FILE *t, const struct dm_if *m)
{
	static const char *const sv[] = {
		[SL_SRC_VALID_DISABLE] = "disable",
		[SL_SRC_VALID_STRICT] = "strict",
		[SL_SRC_VALID_LOOSE] = "loose",
	};
	char net[16], mac[18];
	dm_ip_str(m->net | 1, net);
	mac_str(&m->mac, mac);
	fprintf(t, "iface %s port %u vlan %u vrf %u mac %s addr %s/24 sv %s%s\n", m->name, m->port,
		m->vlan, m->vrf, mac, net, sv[m->sv], m->up ? "" : " down");
}

/* The topology: interfaces, connected and local routes, neighbours, the
 * random routes and the defaults; the model alongside. */
char *dm_build(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *t = open_memstream(&text, &size);
	assert_non_null(t);
	for (uint32_t v = 1; v < DM_VRF; v++) {
		char name[16];
		snprintf(name, sizeof(name), "eth%u.%u", (v - 1) % DM_PORT, 100 + v);
		add_iface(name, (uint16_t)((v - 1) % DM_PORT), (uint16_t)(100 + v), v,
			sl_test_ip4(10, v, 1, 0), true);
		snprintf(name, sizeof(name), "eth%u.%u", v % DM_PORT, 200 + v);
		add_iface(name, (uint16_t)(v % DM_PORT), (uint16_t)(200 + v), v,
			sl_test_ip4(10, v, 2, 0), true);
	}
	add_iface("eth0", 0, 0, 1, sl_test_ip4(10, 1, 3, 0), true);
	add_iface("eth1", 1, 0, 2, sl_test_ip4(10, 2, 3, 0), true);
	add_iface("eth2", 2, 0, 0, sl_test_ip4(10, 0, 3, 0), true);
	add_iface("eth3", 3, 0, 3, sl_test_ip4(10, 3, 3, 0), false);
	/* a port with one untagged interface that validates no source (the
	 * churn leaves it so): its bursts of untagged frames take the
	 * datapath's lane */
	add_iface("eth4", DM_PORT, 0, 2, sl_test_ip4(10, 2, 4, 0), true);
	dm.ifs[dm.n_ifs - 1].sv = SL_SRC_VALID_DISABLE;
	for (unsigned i = 0; i < dm.n_ifs; i++) {
		const struct dm_if *m = &dm.ifs[i];
		iface_line(t, m);
		struct dm_act c = {.type = A_CONN, .ifx = {(uint16_t)i}};
		struct dm_act l = {.type = A_LOCAL, .ifx = {(uint16_t)i}};
		lpm_oracle_set(&dm.lpm[m->vrf], m->net, 24, new_act(c));
		lpm_oracle_set(&dm.lpm[m->vrf], m->net | 1, 32, new_act(l));
		route_line(t, m->vrf, m->net, 24, &c);
		route_line(t, m->vrf, m->net | 1, 32, &l);
	}
	for (unsigned i = 0; i < dm.n_nbs; i++)
		if (dm.nbs[i].state != NB_UNKNOWN)
			nb_line(t, &dm.nbs[i]);
	for (uint32_t v = 0; v < DM_VRF; v++)
		while (dm.lpm[v].n < (v == 1 ? DM_ROUTES_BIG : DM_ROUTES))
			add_random_route(t, v);
	/* defaults: VRF 1 a gateway, 2 leaks into 1, 3 into 2 (a second
	 * redirect: a loop), 4 a blackhole, 0, 5 and 6 none */
	struct dm_act d1 = {.type = A_GW, .ifx = {0}, .gw = {dm.nbs[0].ip}};
	struct dm_act d2 = {.type = A_LEAK, .to = 1}, d3 = {.type = A_LEAK, .to = 2};
	struct dm_act d4 = {.type = A_BH};
	for (uint32_t v = 0; v < DM_VRF; v++)
		dm.dflt[v] = -1;
	dm.dflt[1] = (int)new_act(d1);
	dm.dflt[2] = (int)new_act(d2);
	dm.dflt[3] = (int)new_act(d3);
	dm.dflt[4] = (int)new_act(d4);
	for (uint32_t v = 1; v <= 4; v++)
		route_line(t, v, 0, 0, &dm.acts[dm.dflt[v]]);
	for (uint32_t v = 0; v < DM_VRF; v++)
		for (size_t i = 0; i < dm.lpm[v].n && dm.n_hot[v] < DM_HOT; i++)
			if (dm.acts[dm.lpm[v].rules[i].value].type == A_ECMP)
				dm.hot[v][dm.n_hot[v]++] = (struct sl_prefix){
					dm.lpm[v].rules[i].addr, dm.lpm[v].rules[i].depth};
	assert_int_equal(fclose(t), 0);
	return text;
}

/* Between bursts: routes deleted, re-pointed and added; neighbours change. */
char *dm_churn(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *t = open_memstream(&text, &size);
	assert_non_null(t);
	for (int i = 0; i < 30; i++) {
		uint32_t v = dm_rnd() % DM_VRF;
		const struct lpm_rule *r = &dm.lpm[v].rules[dm_rnd() % dm.lpm[v].n];
		uint32_t addr = r->addr;
		uint8_t len = r->depth;
		switch (dm_rnd() % 3) {
		case 0: {
			char p[16];
			dm_ip_str(addr, p);
			fprintf(t, "del %u %s/%u\n", v, p, len);
			lpm_oracle_del(&dm.lpm[v], addr, len);
			break;
		}
		case 1: {
			struct dm_act a = random_act(v);
			lpm_oracle_set(&dm.lpm[v], addr, len, new_act(a));
			route_line(t, v, addr, len, &a);
			break;
		}
		default:
			add_random_route(t, v);
		}
	}
	for (int i = 0; i < 6; i++) {
		struct dm_nb *n = &dm.nbs[dm_rnd() % dm.n_nbs];
		n->state = (uint8_t)(dm_rnd() % 3);
		n->mac.addr_bytes[4]++; /* a new MAC when it resolves again */
		nb_line(t, n);
	}
	if (dm_rnd() % 2 == 0) {
		struct dm_if *m = &dm.ifs[dm_rnd() % dm.n_ifs];
		if (m->port != DM_PORT) {
			m->sv = (uint8_t)((m->sv + 1 + dm_rnd() % 2) % 3);
			iface_line(t, m);
		}
	}
	assert_int_equal(fclose(t), 0);
	return text;
}

struct dm_fate dm_fate_drop(uint8_t why)
{
	return (struct dm_fate){.kind = K_DROP, .why = why, .also_dropped = -1};
}

struct dm_fate dm_fate_punt(uint8_t why, int8_t also)
{
	return (struct dm_fate){.kind = K_PUNT, .why = why, .also_dropped = also};
}

/* The fate of a packet for next hop (ifx, nh_ip) of a connected or gateway route. */
static struct dm_fate fate_nh(uint8_t ttl, unsigned ifx, uint32_t nh_ip)
{
	if (ttl <= 1)
		return dm_fate_punt(SL_DP_PUNT_TTL, SL_DP_DROP_TTL_EXPIRED);
	if (!dm.ifs[ifx].up)
		return dm_fate_drop(SL_DP_DROP_IFACE_DOWN);
	const struct dm_nb *n = dm_nb_find(ifx, nh_ip);
	uint8_t st = n ? n->state : NB_UNKNOWN;
	if (st == NB_PENDING)
		return dm_fate_drop(SL_DP_DROP_NEIGH_PENDING);
	if (st == NB_UNKNOWN) {
		struct dm_fate f = dm_fate_punt(SL_DP_PUNT_UNRESOLVED, -1);
		f.ifx = (uint16_t)ifx;
		f.nh_ip = nh_ip;
		return f;
	}
	return (struct dm_fate){
		.kind = K_TX, .ifx = (uint16_t)ifx, .dmac = n->mac, .also_dropped = -1};
}

static int lookup(uint32_t vrf, uint32_t dst)
{
	const struct lpm_rule *r = lpm_oracle_lookup(&dm.lpm[vrf], dst);
	return r ? (int)r->value : dm.dflt[vrf];
}

/* As the worker checks a source (sl_dp.h, doc/configuration.md): its route
 * in the interface's VRF, a leak followed once; strict: a path of it leaves
 * by this interface (any member of an ECMP group); loose: it is a route
 * that forwards (not a miss, a second leak, a blackhole or the router's
 * own address). */
bool dm_src_ok(unsigned ifx, uint32_t src)
{
	const struct dm_if *in = &dm.ifs[ifx];
	if (in->sv == SL_SRC_VALID_DISABLE)
		return true;
	int a = lookup(in->vrf, src);
	if (a >= 0 && dm.acts[a].type == A_LEAK)
		a = lookup(dm.acts[a].to, src);
	if (a < 0)
		return false;
	const struct dm_act *x = &dm.acts[a];
	switch (x->type) {
	case A_GW:
	case A_CONN:
		return in->sv == SL_SRC_VALID_LOOSE || x->ifx[0] == ifx;
	case A_ECMP:
		for (unsigned i = 0; i < x->n; i++)
			if (in->sv == SL_SRC_VALID_LOOSE || x->ifx[i] == ifx)
				return true;
		return false;
	default: /* a second leak, a blackhole, a local address */
		return false;
	}
}

/* What must happen to an IPv4 packet into vrf for dst. */
void dm_predict(struct dm_pred *p, uint32_t vrf, uint32_t dst, uint8_t ttl, bool icmp_answer)
{
	int a = lookup(vrf, dst);
	if (a >= 0 && dm.acts[a].type == A_LEAK) {
		p->leaked = true;
		a = lookup(dm.acts[a].to, dst);
		if (a >= 0 && dm.acts[a].type == A_LEAK) {
			p->fate[p->n_fates++] =
				dm_fate_punt(SL_DP_PUNT_LEAK_LOOP, SL_DP_DROP_LEAK_LOOP);
			return;
		}
	}
	p->act = a;
	if (a < 0) {
		p->fate[p->n_fates++] = dm_fate_punt(SL_DP_PUNT_NO_ROUTE, SL_DP_DROP_NO_ROUTE);
		return;
	}
	const struct dm_act *x = &dm.acts[a];
	switch (x->type) {
	case A_BH:
		p->fate[p->n_fates++] = dm_fate_drop(SL_DP_DROP_BLACKHOLE);
		return;
	case A_LOCAL:
		/* another VRF's address (through a leak) answers only where that
		 * VRF says so, and no VRF here does; the answers to the router's
		 * own ping and traceroute reach it */
		p->fate[p->n_fates++] = dm.ifs[x->ifx[0]].vrf != vrf && !icmp_answer
						? dm_fate_drop(SL_DP_DROP_LOCAL_LEAK)
						: dm_fate_punt(SL_DP_PUNT_LOCAL, -1);
		return;
	case A_CONN: /* an interface's subnet is a /24: .255 is its broadcast address */
		p->fate[p->n_fates++] =
			ttl > 1 && dm.ifs[x->ifx[0]].up && dst == (dm.ifs[x->ifx[0]].net | 0xff)
				? dm_fate_drop(SL_DP_DROP_DIRECTED_BCAST)
				: fate_nh(ttl, x->ifx[0], dst);
		return;
	case A_GW:
		p->fate[p->n_fates++] = fate_nh(ttl, x->ifx[0], x->gw[0]);
		return;
	}
	/* ECMP: the member the flow hash picks; a member being resolved hands
	 * its flows to a resolved one (a drop only when there is none) */
	if (ttl <= 1) {
		p->fate[p->n_fates++] = dm_fate_punt(SL_DP_PUNT_TTL, SL_DP_DROP_TTL_EXPIRED);
		return;
	}
	bool resolved = false, pending = false;
	for (unsigned i = 0; i < x->n; i++) {
		uint8_t st = dm_nb_state(x->ifx[i], x->gw[i]);
		resolved |= st == NB_RESOLVED;
		pending |= st == NB_PENDING;
		if (st != NB_PENDING)
			p->fate[p->n_fates++] = fate_nh(ttl, x->ifx[i], x->gw[i]);
	}
	if (pending && !resolved)
		p->fate[p->n_fates++] = dm_fate_drop(SL_DP_DROP_NEIGH_PENDING);
}

static uint32_t pick_dst(uint32_t vrf, uint32_t *flow)
{
	uint32_t r = dm_rnd() % 100;
	*flow = UINT32_MAX;
	if (r < 15 && dm.n_hot[vrf] > 0) {
		const struct sl_prefix *h = &dm.hot[vrf][dm_rnd() % dm.n_hot[vrf]];
		*flow = dm_rnd() % 8;
		return h->addr | ((*flow * 0x01010101u + 7) & ~lpm_oracle_mask(h->len));
	}
	if (r < 55) { /* inside one of its routes */
		const struct lpm_rule *x = &dm.lpm[vrf].rules[dm_rnd() % dm.lpm[vrf].n];
		return x->addr | (dm_rnd() & ~lpm_oracle_mask(x->depth));
	}
	if (r < 60) { /* another VRF's */
		const struct lpm_oracle *o = &dm.lpm[dm_rnd() % DM_VRF];
		const struct lpm_rule *x = &o->rules[dm_rnd() % o->n];
		return x->addr | (dm_rnd() & ~lpm_oracle_mask(x->depth));
	}
	if (r < 80) { /* a neighbour, the router or a host of a subnet */
		const struct dm_nb *n = &dm.nbs[dm_rnd() % dm.n_nbs];
		return dm_rnd() % 8 == 0   ? (n->ip & ~0xffu) | 1
		       : dm_rnd() % 8 == 0 ? n->ip ^ 0x40
					   : n->ip;
	}
	return dm_rnd();
}

uint32_t dm_pick_src(unsigned ifx)
{
	const struct dm_if *in = &dm.ifs[ifx];
	uint32_t r = dm_rnd() % 100, flow;
	if (r < 40) /* a host of its subnet (.20-.27 and others), the router now and then */
		return in->net | (dm_rnd() % 16 == 0 ? 1 : 2 + dm_rnd() % 253);
	if (r < 50) /* a host of another interface's subnet */
		return dm.ifs[dm_rnd() % dm.n_ifs].net | (2 + dm_rnd() % 253);
	if (r < 90) /* a destination its VRF might see */
		return dm_pick_dst(in->vrf, &flow);
	return 0x0b000000u | (dm_rnd() >> 8);
}

/* Martians are dropped before any lookup (tests/dp/test_dp_martian.c) */
uint32_t dm_pick_dst(uint32_t vrf, uint32_t *flow)
{
	for (;;) {
		uint32_t d = pick_dst(vrf, flow), o = d >> 24;
		if (o != 0 && o != 127 && o < 224)
			return d;
	}
}
