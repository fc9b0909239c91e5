/* SPDX-License-Identifier: BSD-3-Clause */
/* Random router configurations for tests (randconf.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "randconf.h"

/* ---- random numbers (splitmix64: one 64-bit state, reproducible) ---- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* true with probability 1/n */
bool one_in(uint64_t *s, unsigned n)
{
	return rnd(s, n) == 0;
}

/* ---- a list of lines; dedup by a key (the full line, or a leaf path) ---- */

void lines_push(struct lines *l, const char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = strdup(text);
}

void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){0};
}

char *lines_join(const struct lines *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->v[i]);
	fclose(f);
	return buf;
}

/* A set of strings (open addressing): the generator and the diff look lines
 * and paths up by the thousand. */

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static char **strset_slot(const struct strset *set, const char *s)
{
	size_t i = str_hash(s) & (set->cap - 1);
	while (set->slot[i] != NULL && strcmp(set->slot[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slot[i];
}

bool strset_has(const struct strset *set, const char *s)
{
	return set->cap > 0 && *strset_slot(set, s) != NULL;
}

/* Add s; false when it was there already. */
bool strset_add(struct strset *set, const char *s)
{
	if ((set->n + 1) * 2 > set->cap) {
		struct strset big = {calloc(set->cap ? 2 * set->cap : 256, sizeof(char *)),
			set->cap ? 2 * set->cap : 256, set->n};
		assert_non_null(big.slot);
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i] != NULL)
				*strset_slot(&big, set->slot[i]) = set->slot[i];
		free(set->slot);
		*set = big;
	}
	char **at = strset_slot(set, s);
	if (*at != NULL)
		return false;
	*at = strdup(s);
	set->n++;
	return true;
}

void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	*set = (struct strset){0};
}

void strset_of(struct strset *set, const struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		strset_add(set, l->v[i]);
}

/* Split text into lines (no empty ones). */
void lines_split(struct lines *l, const char *text)
{
	char *copy = strdup(text), *save;
	for (char *s = strtok_r(copy, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		lines_push(l, s);
	free(copy);
}

/* ---- the generator ---- */

#define NVRF_MAX 6

/* Deliberate errors: about one configuration in six gets one of these. */
enum bad_kind {
	BAD_NONE,
	BAD_TABLE_DUP, /* a table id used twice */
	BAD_TABLE_254, /* reserved by Linux */
	BAD_TABLE_NONE, /* a VRF without its table */
	BAD_NET_ADDR, /* an interface address that is its network's */
	BAD_IFACE, /* a static route on an interface never configured */
	BAD_VRF_REF, /* a next hop in a VRF never declared */
	BAD_HOST_BITS, /* a route prefix with host bits */
	BAD_NO_AS, /* an address-family without system-as */
	BAD_RD_BOTH, /* rd and rd vpn export */
	BAD_IMPORT_SELF, /* import vrf of itself */
	BAD_RM_REF, /* an undefined route-map */
	BAD_LE, /* le not above the prefix length */
	BAD_PL_REF, /* an undefined prefix-list */
	BAD_PORT, /* a port without protocol tcp/udp */
	BAD_FW_SELF, /* a leak-firewall binding towards its own VRF */
	BAD_FW_REF, /* a binding to an undefined ruleset */
	BAD_KEYWORD, /* a misspelt keyword */
	BAD_NO_ACTION, /* a rule without action in an applied route-map */
	BAD__COUNT
};

struct gen {
	uint64_t s;
	struct lines out;
	struct strset leaf_paths; /* single-valued leaves set so far: set once only */
	struct strset line_keys;
	unsigned nv;
	const char *vrf[NVRF_MAX];
	char ifs[NVRF_MAX][4][16]; /* interfaces of each VRF */
	unsigned nifs[NVRF_MAX];
	uint32_t subnet[NVRF_MAX][8]; /* network of each connected address */
	unsigned sublen[NVRF_MAX][8], nsub[NVRF_MAX];
	unsigned npl, nrm, nfw;
	struct strset ifnames;
	enum bad_kind bad; /* the one deliberate error of this configuration */
	bool bad_armed; /* a site chose it: the next line emitted carries it */
	bool bad_done; /* ... and that line is in the configuration */
};

/* True (once) at a site of the configuration's deliberate error kind. */
static bool bad_here(struct gen *g, enum bad_kind kind)
{
	if (g->bad != kind || g->bad_done || g->bad_armed || !one_in(&g->s, 2))
		return false;
	g->bad_armed = true;
	return true;
}

/* `set` + text, once (a multi value or flag set twice is the same line). */
static void __attribute__((format(printf, 2, 3))) emit(struct gen *g, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	bool added = strset_add(&g->line_keys, buf);
	if (added)
		lines_push(&g->out, buf);
	if (g->bad_armed) /* a duplicate drops the error: a later site may make it */
		g->bad_armed = false, g->bad_done = added;
}

/* A single-valued leaf: only its first value is kept, so that the lines
 * stay order-independent (a second `set` of a leaf replaces the first). */
static void __attribute__((format(printf, 3, 4)))
leaf(struct gen *g, const char *value, const char *fmt, ...)
{
	char path[512], buf[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (!strset_add(&g->leaf_paths, path)) {
		g->bad_armed = false;
		return;
	}
	snprintf(buf, sizeof(buf), "%s %s", path, value);
	emit(g, "%s", buf);
}

static const char *vrf_pool[] = {"CUST-A", "CUST-B", "SHARED", "INET", "MGMT", "DR_1"};
static const unsigned octet_pool[] = {1, 2, 3, 10, 100};

static char *fmt_prefix(uint32_t addr, unsigned len, char *buf)
{
	snprintf(buf, 20, "%u.%u.%u.%u/%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		addr & 255, len);
	return buf;
}

static char *fmt_addr(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		addr & 255);
	return buf;
}

static uint32_t mask_of(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* A prefix from a small space: 10.{1,2,3,10,100}.x.y at a few lengths, plus
 * covering ones (default, /8, /12, /16). `wide` spreads the third octet over
 * 0..255 and draws covering ones a quarter as often (for the big tables),
 * else over 0..7 (for collisions). */
static void random_prefix(struct gen *g, bool wide, uint32_t *addr, unsigned *len)
{
	static const unsigned lens[] = {20, 22, 24, 24, 24, 24, 25, 26, 28, 30, 32};
	uint64_t *s = &g->s;
	/* covering prefixes rarer in big tables: each draw of one adds a path
	 * to it, and more than 16 paths is a refusal */
	switch (rnd(s, wide ? 48 : 12)) {
	case 0:
		*addr = 0, *len = 0;
		return;
	case 1:
		*addr = 10u << 24, *len = 8;
		return;
	case 2:
		*addr = (172u << 24) | (16u << 16), *len = 12;
		return;
	case 3:
		*addr = (10u << 24) | (octet_pool[rnd(s, 5)] << 16), *len = 16;
		return;
	default:
		break;
	}
	unsigned l = lens[rnd(s, sizeof(lens) / sizeof(lens[0]))];
	uint32_t a = (10u << 24) | (octet_pool[rnd(s, 5)] << 16) |
		     ((wide ? rnd(s, 256) : rnd(s, 8)) << 8) | rnd(s, 256);
	*addr = a & mask_of(l);
	*len = l;
}

static void gen_interfaces(struct gen *g)
{
	uint64_t *s = &g->s;
	unsigned port = 0;
	char a[16];

	for (unsigned v = 0; v < g->nv; v++) {
		unsigned n = 1 + rnd(s, 2);
		for (unsigned k = 0; k < n && port < 9; k++) {
			char *ifn = g->ifs[v][g->nifs[v]++];
			char base[64];
			unsigned on = port ? rnd(s, port) : 0, vid = 100 + rnd(s, 5);
			snprintf(ifn, 16, "eth%u.%u", on, vid);
			if (k > 0 && one_in(s, 2) && strset_add(&g->ifnames, ifn)) {
				/* a vif of an earlier port (of any VRF) */
				snprintf(base, sizeof(base), "interfaces ethernet eth%u vif %u", on,
					vid);
			} else {
				snprintf(ifn, 16, "eth%u", port);
				snprintf(base, sizeof(base), "interfaces ethernet eth%u", port++);
			}
			leaf(g, g->vrf[v], "set %s vrf", base);
			unsigned na = 1 + rnd(s, 2);
			for (unsigned i = 0; i < na && g->nsub[v] < 8; i++) {
				static const unsigned alens[] = {24, 24, 24, 25, 28, 30, 31, 32};
				unsigned l = one_in(s, 30) ? 16 : alens[rnd(s, 8)];
				uint32_t net = ((10u << 24) | (octet_pool[rnd(s, 5)] << 16) |
						       (rnd(s, 4) << 8) | rnd(s, 256)) &
					       mask_of(l);
				uint32_t host = net + (l <= 30 ? 1 + rnd(s, 2) : 0);
				if (l == 32)
					host = net;
				if (l <= 30 && bad_here(g, BAD_NET_ADDR))
					host = net;
				emit(g, "set %s address %s/%u", base, fmt_addr(host, a), l);
				g->subnet[v][g->nsub[v]] = net;
				g->sublen[v][g->nsub[v]++] = l;
			}
			if (one_in(s, 12))
				emit(g, "set %s disable", base);
			if (one_in(s, 8))
				leaf(g, "1400", "set %s mtu", base);
			if (one_in(s, 10))
				leaf(g, "uplink", "set %s description", base);
		}
	}
	/* an interface in the default VRF, its subnet shared with the others */
	if (one_in(s, 3)) {
		uint32_t net = (10u << 24) | (octet_pool[rnd(s, 5)] << 16);
		emit(g, "set interfaces ethernet eth9 address %s/24", fmt_addr(net + 1, a));
	}
}

/* A gateway inside one of VRF v's subnets (resolvable) or anywhere (not). */
static uint32_t gateway_in(struct gen *g, unsigned v)
{
	if (g->nsub[v] > 0 && !one_in(&g->s, 4)) {
		unsigned i = rnd(&g->s, g->nsub[v]);
		unsigned l = g->sublen[v][i];
		uint32_t span = l >= 31 ? 1 : (1u << (32 - l)) - 2;
		return g->subnet[v][i] + 1 + rnd(&g->s, span < 200 ? span : 200);
	}
	return (10u << 24) | (octet_pool[rnd(&g->s, 5)] << 16) | (rnd(&g->s, 8) << 8) | 9;
}

/* One next hop of a route whose path is `rp` in VRF v (v == nv: default). */
static void gen_next_hop(struct gen *g, const char *rp, unsigned v)
{
	uint64_t *s = &g->s;
	char a[16], dist[8];
	unsigned w = rnd(s, g->nv); /* another VRF, for leaks */
	unsigned own = v < g->nv ? v : w;
	snprintf(dist, sizeof(dist), "%u", 1 + rnd(s, 40));

	switch (rnd(s, 10)) {
	case 0:
	case 1:
	case 2:
	case 3: {
		char nh[160];
		snprintf(nh, sizeof(nh), "%s next-hop %s", rp, fmt_addr(gateway_in(g, own), a));
		emit(g, "%s", nh);
		if (one_in(s, 3))
			leaf(g, dist, "%s distance", nh);
		break;
	}
	case 4:
		if (v < g->nv && g->nifs[v] > 0) {
			const char *ifn = g->ifs[v][rnd(s, g->nifs[v])];
			if (bad_here(g, BAD_IFACE))
				ifn = "eth12";
			emit(g, "%s interface %s", rp, ifn);
			if (one_in(s, 3))
				leaf(g, dist, "%s interface %s distance", rp, ifn);
			break;
		}
		/* fall through */
	case 5:
	case 6:
		emit(g, "%s blackhole", rp);
		if (one_in(s, 3))
			leaf(g, dist, "%s blackhole distance", rp);
		break;
	default: { /* cross-VRF */
		const char *wn = g->vrf[w];
		if (bad_here(g, BAD_VRF_REF))
			wn = "NOWHERE";
		if (one_in(s, 2) && g->nifs[w] > 0) {
			const char *ifn = g->ifs[w][rnd(s, g->nifs[w])];
			leaf(g, wn, "%s interface %s vrf", rp, ifn);
		} else {
			leaf(g, wn, "%s next-hop %s vrf", rp, fmt_addr(gateway_in(g, w), a));
		}
	}
	}
}

/* A prefix of a large table: in 100.64.0.0/10 at /24 to /32, where no
 * connected subnet lies (a leak of it never collides with one) and thousands
 * of routes rarely meet (16,384 /24s). */
static void random_prefix_large(struct gen *g, uint32_t *addr, unsigned *len)
{
	static const unsigned lens[] = {24, 25, 26, 27, 28, 29, 30, 32, 32};
	uint64_t *s = &g->s;
	unsigned l = lens[rnd(s, sizeof(lens) / sizeof(lens[0]))];
	uint32_t a = (100u << 24) | (64u << 16) | (rnd(s, 1u << 14) << 8) | rnd(s, 256);
	*addr = a & mask_of(l);
	*len = l;
}

static void gen_statics(struct gen *g)
{
	uint64_t *s = &g->s;
	char p[20];
	/* one configuration in 25 has a large VRF: its table grows through many
	 * sizes and a transaction's change log through several of its slices
	 * (1,024 changes each) */
	unsigned large = one_in(s, 25) ? rnd(s, g->nv) : g->nv + 1;

	for (unsigned v = 0; v <= g->nv; v++) {
		unsigned n, size = rnd(s, 10);
		if (v == large)
			n = 1500 + rnd(s, 3500);
		else if (v == g->nv) /* the default VRF: a few */
			n = one_in(s, 2) ? rnd(s, 4) : 0;
		else if (size < 5)
			n = rnd(s, 6);
		else if (size < 8)
			n = 10 + rnd(s, 40);
		else
			n = 60 + rnd(s, 240);
		for (unsigned i = 0; i < n; i++) {
			uint32_t addr;
			unsigned len;
			char rp[128];
			if (v == large)
				random_prefix_large(g, &addr, &len);
			else
				random_prefix(g, n > 20, &addr, &len);
			fmt_prefix(addr, len, p);
			if (bad_here(g, BAD_HOST_BITS))
				fmt_prefix(addr | 1, len < 32 && len > 0 ? len : 24, p);
			if (v == g->nv)
				snprintf(rp, sizeof(rp), "set protocols static route %s", p);
			else
				snprintf(rp, sizeof(rp),
					"set vrf name %s protocols static route %s", g->vrf[v], p);
			unsigned nh = one_in(s, 8) ? 2 : 1;
			for (unsigned k = 0; k < nh; k++)
				gen_next_hop(g, rp, v);
		}
	}
}

static void gen_rt(struct gen *g, const char *af, const char *dir)
{
	unsigned n = 1 + rnd(&g->s, 2);
	for (unsigned i = 0; i < n; i++)
		emit(g, "set %s route-target %s%s 65000:%u", af, one_in(&g->s, 5) ? "vpn " : "",
			dir, 1 + rnd(&g->s, 4));
}

static void gen_bgp(struct gen *g)
{
	uint64_t *s = &g->s;
	for (unsigned v = 0; v < g->nv; v++) {
		char bgp[96], af[160], rd[16];
		if (one_in(s, 4))
			continue;
		snprintf(bgp, sizeof(bgp), "set vrf name %s protocols bgp", g->vrf[v]);
		snprintf(af, sizeof(af), "vrf name %s protocols bgp address-family ipv4-unicast",
			g->vrf[v]);
		if (bad_here(g, BAD_NO_AS)) /* an address-family without it */
			emit(g, "set %s redistribute connected", af);
		else
			leaf(g, "65000", "%s system-as", bgp);
		snprintf(rd, sizeof(rd), "65000:%u", 10 + v);
		unsigned rdk = bad_here(g, BAD_RD_BOTH) ? 3 : rnd(s, 3);
		if (rdk == 0 || rdk == 3)
			leaf(g, rd, "set %s rd", af);
		if (rdk == 1 || rdk == 3)
			leaf(g, rd, "set %s rd vpn export", af);
		if (one_in(s, 2))
			gen_rt(g, af, "import");
		if (one_in(s, 2))
			gen_rt(g, af, "export");
		if (one_in(s, 5))
			gen_rt(g, af, "both");
		if (one_in(s, 4)) {
			unsigned w = (v + 1 + rnd(s, g->nv - 1)) % g->nv;
			if (bad_here(g, BAD_IMPORT_SELF))
				w = v;
			emit(g, "set %s import vrf %s", af, g->vrf[w]);
		}
		for (int dir = 0; dir < 2; dir++)
			if (one_in(s, 4)) {
				char rm[16];
				if (g->nrm == 0 && g->bad != BAD_RM_REF)
					continue;
				if (g->nrm == 0 || bad_here(g, BAD_RM_REF)) {
					snprintf(rm, sizeof(rm), "RM-NONE");
					g->bad_armed = true;
				} else {
					unsigned k = rnd(s, g->nrm);
					snprintf(rm, sizeof(rm), "RM%u", k);
					if (bad_here(g, BAD_NO_ACTION)) /* VyOS refuses it too */
						leaf(g, "7",
							"set policy route-map RM%u rule 99 set "
							"metric",
							k);
				}
				leaf(g, rm, "set %s route-map vpn %s", af,
					dir ? "import" : "export");
			}
		if (one_in(s, 4))
			emit(g, "set %s redistribute connected", af);
		if (one_in(s, 4))
			emit(g, "set %s redistribute static", af);
		if (one_in(s, 4))
			emit(g, "set %s import vpn", af);
		if (one_in(s, 4))
			emit(g, "set %s export vpn", af);
	}
}

static void gen_policy(struct gen *g)
{
	uint64_t *s = &g->s;
	char p[20], val[16];

	g->npl = rnd(s, 4);
	g->nrm = rnd(s, 4);
	for (unsigned k = 0; k < g->npl; k++) {
		unsigned nr = 1 + rnd(s, 4);
		for (unsigned r = 0; r < nr; r++) {
			char rule[96];
			uint32_t addr;
			unsigned len;
			snprintf(rule, sizeof(rule), "set policy prefix-list PL%u rule %u", k,
				5 + 10 * r + rnd(s, 3));
			leaf(g, one_in(s, 3) ? "deny" : "permit", "%s action", rule);
			if (one_in(s, 6))
				continue; /* no prefix: matches everything */
			random_prefix(g, false, &addr, &len);
			leaf(g, fmt_prefix(addr, len, p), "%s prefix", rule);
			if (len < 32 && one_in(s, 2)) {
				unsigned le = len + 1 + rnd(s, 32 - len);
				if (bad_here(g, BAD_LE))
					le = len;
				snprintf(val, sizeof(val), "%u", le);
				leaf(g, val, "%s le", rule);
				if (one_in(s, 3) && le > len + 1) {
					snprintf(
						val, sizeof(val), "%u", len + 1 + rnd(s, le - len));
					leaf(g, val, "%s ge", rule);
				}
			}
		}
	}
	for (unsigned k = 0; k < g->nrm; k++) {
		unsigned nr = 1 + rnd(s, 3);
		for (unsigned r = 0; r < nr; r++) {
			char rule[96], pl[16];
			snprintf(rule, sizeof(rule), "set policy route-map RM%u rule %u", k,
				10 * (r + 1));
			leaf(g, one_in(s, 4) ? "deny" : "permit", "%s action", rule);
			if (one_in(s, 2)) {
				if (g->npl == 0 && g->bad != BAD_PL_REF)
					continue;
				if (g->npl == 0 || bad_here(g, BAD_PL_REF)) {
					snprintf(pl, sizeof(pl), "PL-NONE");
					g->bad_armed = true;
				} else {
					snprintf(pl, sizeof(pl), "PL%u", rnd(s, g->npl));
				}
				leaf(g, pl, "%s match ip address prefix-list", rule);
			}
			if (one_in(s, 3)) {
				snprintf(val, sizeof(val), "%u", 10 * rnd(s, 30));
				leaf(g, val, "%s set local-preference", rule);
			}
			if (one_in(s, 3)) {
				snprintf(val, sizeof(val), "%u", rnd(s, 1000));
				leaf(g, val, "%s set metric", rule);
			}
		}
	}
}

static void gen_firewall(struct gen *g)
{
	uint64_t *s = &g->s;
	static const char *acts[] = {"accept", "drop", "reject"};
	static const char *protos[] = {"tcp", "udp", "icmp", "all"};
	char p[20];

	g->nfw = one_in(s, 3) ? 1 + rnd(s, 2) : 0;
	for (unsigned k = 0; k < g->nfw; k++) {
		char rs[48];
		snprintf(rs, sizeof(rs), "set firewall ipv4 name FW%u", k);
		if (one_in(s, 2))
			leaf(g, acts[rnd(s, 3)], "%s default-action", rs);
		unsigned nr = 1 + rnd(s, 3);
		for (unsigned r = 0; r < nr; r++) {
			char rule[80];
			const char *proto = protos[rnd(s, 4)];
			snprintf(rule, sizeof(rule), "%s rule %u", rs, 10 * (r + 1));
			leaf(g, acts[rnd(s, 3)], "%s action", rule);
			leaf(g, proto, "%s protocol", rule);
			bool ports = proto[0] == 't' || proto[0] == 'u';
			if (ports ? one_in(s, 2) : bad_here(g, BAD_PORT)) {
				leaf(g, one_in(s, 2) ? "53" : "1000-2000", "%s destination port",
					rule);
			}
			if (one_in(s, 3)) {
				uint32_t addr;
				unsigned len;
				random_prefix(g, false, &addr, &len);
				leaf(g, fmt_prefix(addr, len, p), "%s source address", rule);
			}
			if (one_in(s, 3))
				emit(g, "%s state established", rule);
		}
	}
	if (g->nfw > 0 || g->bad == BAD_FW_REF) {
		unsigned n = 1 + rnd(s, 3);
		for (unsigned i = 0; i < n; i++) {
			unsigned from = rnd(s, g->nv), to = (from + 1 + rnd(s, g->nv - 1)) % g->nv;
			char name[16];
			if (bad_here(g, BAD_FW_SELF))
				to = from;
			if (g->nfw == 0)
				g->bad_armed = true;
			snprintf(name, sizeof(name), "FW%u",
				bad_here(g, BAD_FW_REF) ? 7
				: g->nfw		? rnd(s, g->nfw)
							: 0);
			leaf(g, name, "set vrf name %s leak-firewall to %s name", g->vrf[from],
				g->vrf[to]);
		}
	}
}

/* Generate the configuration of `seed` into *out (one line each). */
bool generate(uint64_t seed, struct lines *out)
{
	struct gen g = {.s = seed * 0x2545f4914f6cdd1dull + 1};
	unsigned order[NVRF_MAX] = {0, 1, 2, 3, 4, 5};

	g.nv = 2 + rnd(&g.s, NVRF_MAX - 1);
	g.bad = one_in(&g.s, 6) ? 1 + rnd(&g.s, BAD__COUNT - 1) : BAD_NONE;
	for (unsigned i = NVRF_MAX - 1; i > 0; i--) {
		unsigned j = rnd(&g.s, i + 1), t = order[i];
		order[i] = order[j], order[j] = t;
	}
	for (unsigned v = 0; v < g.nv; v++) {
		char table[16];
		g.vrf[v] = vrf_pool[order[v]];
		unsigned t = 10 + v;
		bool none = bad_here(&g, BAD_TABLE_NONE);
		if (v > 0 && bad_here(&g, BAD_TABLE_DUP))
			t = 10;
		else if (bad_here(&g, BAD_TABLE_254))
			t = 254;
		snprintf(table, sizeof(table), "%u", t);
		if (!none)
			leaf(&g, table, "set vrf name %s table", g.vrf[v]);
		else
			emit(&g, "set vrf name %s description no-table", g.vrf[v]);
	}
	gen_interfaces(&g);
	gen_policy(&g);
	gen_statics(&g);
	gen_bgp(&g);
	gen_firewall(&g);
	if (g.bad == BAD_KEYWORD) { /* a misspelt keyword */
		g.bad_armed = true;
		emit(&g, "set interfaces ethernet eth0 adress 10.1.0.1/24");
	}
	*out = g.out;
	strset_free(&g.leaf_paths);
	strset_free(&g.line_keys);
	strset_free(&g.ifnames);
	return g.bad_done;
}
