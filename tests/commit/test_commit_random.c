/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random whole-configuration checker for lib/commit, the code path of
 * `sluicectl --offline FILE check` and of sluiced's commit.
 *
 * Each seed generates a small router configuration in `set` syntax: 2-6 VRFs,
 * interfaces and vifs whose addresses collide across VRFs, static routes
 * (gateway, interface, blackhole, distances, cross-VRF leaks), RD/RTs,
 * `import vrf`, prefix-lists and route-maps, redistribute, firewall rulesets
 * and leak-firewall bindings. Prefixes are drawn from a small space so that
 * they collide, nest and cover each other, and some VRFs get tens to hundreds
 * of static routes (tables grow: they start at 16 slots). About one
 * configuration in five carries a deliberate error. For each seed:
 *  a) nothing crashes (run it under ASan/UBSan too);
 *  b) the same lines shuffled give the same outcome and, when accepted, the
 *     same rendering, RIB dump and `show ip route vrf V` of every VRF; the FIB
 *     change log replayed into a map equals the RIB's selected routes;
 *  c) a router holding another random configuration (the start) reaches the
 *     configuration through a random sequence of set/delete transactions (the
 *     diff in random chunks, some with objects made and removed again in the
 *     same transaction): a refused chunk leaves the state byte-identical
 *     and goes to the back of the queue; after a whole pass of refusals the
 *     rest goes in one transaction, which must be accepted (it makes the
 *     target, which loads), so the end is always reached; the end state
 *     equals the one-shot load, and after every transaction the replayed FIB
 *     log equals the RIB's selected routes;
 *  d) every refusal carries errors that name a line of the text refused, and
 *     every configuration with a deliberate error is refused.
 *
 * SLUICE_RANDOM_CONFIGS=N sets the number of seeds (default 2000, 600 under
 * ASan);
 * SLUICE_RANDOM_SEED=S replays one seed and prints its configuration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>

#include <cmocka.h>

#include "commit_test_util.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define DEFAULT_CONFIGS 600 /* ASan+UBSan run it about 4 times slower */
#else
#define DEFAULT_CONFIGS 2000
#endif

/* ---- random numbers (splitmix64: one 64-bit state, reproducible) ---- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* true with probability 1/n */
static bool one_in(uint64_t *s, unsigned n)
{
	return rnd(s, n) == 0;
}

/* ---- a list of lines; dedup by a key (the full line, or a leaf path) ---- */

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_push(struct lines *l, const char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = strdup(text);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){0};
}

static char *lines_join(const struct lines *l)
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
struct strset {
	char **slot;
	size_t cap, n;
};

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

static bool strset_has(const struct strset *set, const char *s)
{
	return set->cap > 0 && *strset_slot(set, s) != NULL;
}

/* Add s; false when it was there already. */
static bool strset_add(struct strset *set, const char *s)
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

static void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	*set = (struct strset){0};
}

static void strset_of(struct strset *set, const struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		strset_add(set, l->v[i]);
}

/* Split text into lines (no empty ones). */
static void lines_split(struct lines *l, const char *text)
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
 * 0..255 (for the big tables), else over 0..7 (for collisions). */
static void random_prefix(struct gen *g, bool wide, uint32_t *addr, unsigned *len)
{
	static const unsigned lens[] = {20, 22, 24, 24, 24, 24, 25, 26, 28, 30, 32};
	uint64_t *s = &g->s;
	switch (rnd(s, 12)) {
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

static void gen_statics(struct gen *g)
{
	uint64_t *s = &g->s;
	char p[20];

	for (unsigned v = 0; v <= g->nv; v++) {
		unsigned n, size = rnd(s, 10);
		if (v == g->nv) /* the default VRF: a few */
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
static bool generate(uint64_t seed, struct lines *out)
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

/* ---- observing a router ---- */

/* The FIB as the change log built it: (vrf id, prefix) → next hop. */
struct fib_entry {
	uint32_t vrf_id;
	struct sl_prefix prefix;
	struct sl_nh nh;
};

struct fib_map {
	struct fib_entry *v;
	size_t n, cap;
	bool vrf_live[SL_VRF_MAX];
};

static int fib_cmp(const void *a, const void *b)
{
	const struct fib_entry *x = a, *y = b;
	if (x->vrf_id != y->vrf_id)
		return x->vrf_id < y->vrf_id ? -1 : 1;
	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	return (int)x->prefix.len - (int)y->prefix.len;
}

static struct fib_entry *fib_find(struct fib_map *m, const struct fib_entry *key, size_t *at)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = fib_cmp(&m->v[mid], key);
		if (c == 0) {
			*at = mid;
			return &m->v[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return NULL;
}

/* Replay the router's FIB changes into m (and clear them); "" or what broke
 * the log's order rules (a route of an unknown VRF, a VRF deleted before its
 * routes, a delete of a route never set). */
static const char *fib_replay(struct fib_map *m, struct sl_router *r)
{
	const struct sl_fib_change *c;
	size_t n = sl_router_changes(r, &c);
	const char *err = "";
	m->vrf_live[0] = true;
	for (size_t i = 0; i < n && !*err; i++) {
		struct fib_entry key = {c[i].vrf_id, c[i].prefix, c[i].nh}, *e;
		size_t at;
		if (c[i].vrf_id >= SL_VRF_MAX)
			return "vrf id out of range";
		switch (c[i].op) {
		case SL_FIB_VRF_ADD:
			m->vrf_live[c[i].vrf_id] = true;
			break;
		case SL_FIB_VRF_DEL:
			fib_find(m, &(struct fib_entry){c[i].vrf_id, {0, 0}}, &at);
			if (at < m->n && m->v[at].vrf_id == c[i].vrf_id)
				err = "VRF deleted before its routes";
			m->vrf_live[c[i].vrf_id] = false;
			break;
		case SL_FIB_ROUTE_SET:
			if (!m->vrf_live[c[i].vrf_id]) {
				err = "route set in a VRF not added";
				break;
			}
			if ((e = fib_find(m, &key, &at)) != NULL) {
				*e = key;
				break;
			}
			if (m->n == m->cap) {
				m->cap = m->cap ? 2 * m->cap : 256;
				m->v = realloc(m->v, m->cap * sizeof(*m->v));
			}
			memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(*m->v));
			m->v[at] = key;
			m->n++;
			break;
		case SL_FIB_ROUTE_DEL:
			if (fib_find(m, &key, &at) == NULL) {
				err = "delete of a route not in the FIB";
				break;
			}
			memmove(m->v + at, m->v + at + 1, (m->n - at - 1) * sizeof(*m->v));
			m->n--;
			break;
		}
	}
	sl_router_changes_clear(r);
	return err;
}

static void nh_text(FILE *f, const struct sl_rib *rib, uint32_t vrf_id, struct sl_prefix p,
	const struct sl_nh *nh)
{
	char b[SL_PREFIX_STR];
	const char *nhv = nh->type == SL_NH_VRF ? sl_rib_vrf_name(rib, nh->vrf_id) : "";
	fprintf(f, "%s %s type %d gw %08x if %s vrf %s\n", sl_rib_vrf_name(rib, vrf_id),
		sl_prefix_fmt(p, b), (int)nh->type, nh->type == SL_NH_GATEWAY ? nh->gw : 0,
		nh->type == SL_NH_VRF || nh->type == SL_NH_BLACKHOLE ? "" : nh->ifname,
		nhv ? nhv : "?");
}

struct sel_ctx {
	const struct sl_rib *rib;
	uint32_t vrf_id;
	struct fib_map *selected; /* NULL: only list the VRF names */
	struct lines *vrfs;
};

static int sel_route(const struct sl_route *rt, void *ctx)
{
	struct sel_ctx *c = ctx;
	struct fib_map *m = c->selected;
	if (!rt->selected)
		return 0;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
		assert_non_null(m->v);
	}
	m->v[m->n++] = (struct fib_entry){c->vrf_id, rt->prefix, rt->nh};
	return 0;
}

static int sel_vrf(const struct sl_vrf_info *vi, void *ctx)
{
	struct sel_ctx *c = ctx;
	c->vrf_id = vi->id;
	if (c->selected)
		sl_rib_route_foreach(c->rib, vi->name, sel_route, c);
	if (c->vrfs)
		lines_push(c->vrfs, vi->name);
	return 0;
}

static bool nh_equal(const struct sl_nh *a, const struct sl_nh *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case SL_NH_GATEWAY:
		return a->gw == b->gw && strcmp(a->ifname, b->ifname) == 0;
	case SL_NH_CONNECTED:
	case SL_NH_LOCAL:
		return strcmp(a->ifname, b->ifname) == 0;
	case SL_NH_VRF:
		return a->vrf_id == b->vrf_id;
	default:
		return true;
	}
}

/* NULL when the replayed FIB equals the RIB's selected routes, else both. */
static char *fib_check(struct fib_map *m, struct sl_router *r)
{
	const char *err = fib_replay(m, r);
	const struct sl_rib *rib = sl_router_rib_const(r);
	struct fib_map sel = {0};
	struct sel_ctx c = {rib, 0, &sel, NULL};
	char *out = NULL;
	size_t len = 0;
	bool same;

	if (*err)
		return strdup(err);
	sl_rib_vrf_foreach(rib, sel_vrf, &c);
	if (sel.n)
		qsort(sel.v, sel.n, sizeof(*sel.v), fib_cmp);
	same = sel.n == m->n;
	for (size_t i = 0; same && i < sel.n; i++)
		same = fib_cmp(&sel.v[i], &m->v[i]) == 0 && nh_equal(&sel.v[i].nh, &m->v[i].nh);
	if (!same) {
		FILE *f = open_memstream(&out, &len);
		fprintf(f, "replayed FIB:\n");
		for (size_t i = 0; i < m->n; i++)
			nh_text(f, rib, m->v[i].vrf_id, m->v[i].prefix, &m->v[i].nh);
		fprintf(f, "--- RIB selected:\n");
		for (size_t i = 0; i < sel.n; i++)
			nh_text(f, rib, sel.v[i].vrf_id, sel.v[i].prefix, &sel.v[i].nh);
		fclose(f);
	}
	free(sel.v);
	return out;
}

/* snapshot() and `show ip route vrf V` of every VRF. */
static char *full_snapshot(const struct sl_router *r)
{
	const struct sl_rib *rib = sl_router_rib_const(r);
	struct lines vrfs = {0};
	struct sel_ctx c = {rib, 0, NULL, &vrfs};
	char *snap = snapshot(r), *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_rib_vrf_foreach(rib, sel_vrf, &c);
	fputs(snap, f);
	for (size_t i = 0; i < vrfs.n; i++) {
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "show ip route vrf %s", vrfs.v[i]);
		char *s = show(r, cmd);
		fprintf(f, "== %s\n%s", cmd, s ? s : "(refused)\n");
		free(s);
	}
	fclose(f);
	free(snap);
	lines_free(&vrfs);
	return buf;
}

/* ---- one seed ---- */

struct counts {
	size_t configs, accepted, refused, invalid_generated;
	size_t sequences, txns, txns_refused;
	size_t max_vrf_routes; /* the most route candidates one VRF held */
};

static bool verbose;
/* The seed being run, and whether it finished: a crash (cmocka catches the
 * signal) leaves it for main to print. */
static uint64_t current_seed;
static bool seed_running;

/* Apply text; on refusal check that every error names a line of it. */
static int apply_checked(
	struct sl_router *r, const char *text, size_t nlines, uint64_t seed, const char *what)
{
	struct sl_errors e = {0};
	int rc = sl_router_apply(r, text, &e, NULL);
	if (rc != 0) {
		if (rc != -EINVAL || e.n == 0)
			fail_msg("seed %" PRIu64 " %s: refused with %d and %zu errors", seed, what,
				rc, e.n);
		for (size_t i = 0; i < e.n; i++)
			if (e.v[i].line == 0 || e.v[i].line > nlines) {
				fprintf(stderr, "%s", text);
				fail_msg("seed %" PRIu64 " %s: an error names no line of the %zu "
					 "lines: %u: %s",
					seed, what, nlines, e.v[i].line, e.v[i].msg);
			}
		if (verbose)
			for (size_t i = 0; i < e.n; i++)
				fprintf(stderr, "  %s refused: %u: %s\n", what, e.v[i].line,
					e.v[i].msg);
	}
	sl_errors_free(&e);
	return rc;
}

static void shuffle(uint64_t *s, char **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd(s, (unsigned)i), k = i - 1;
		char *t = v[k];
		v[k] = v[j], v[j] = t;
	}
}

/* Load lines into a new router with the FIB log on; rc in *rc. */
static struct sl_router *load(
	const struct lines *l, uint64_t seed, const char *what, int *rc, struct fib_map *m)
{
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	sl_router_fib_log(r, true);
	char *text = lines_join(l);
	*rc = apply_checked(r, text, l->n, seed, what);
	free(text);
	if (*rc == 0 && m != NULL) {
		char *bad = fib_check(m, r);
		if (bad)
			fail_msg("seed %" PRIu64 " %s: FIB log replay differs from the RIB: %s",
				seed, what, bad);
	}
	return r;
}

static void words_of(const char *line, struct lines *w)
{
	char *copy = strdup(line), *save;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		lines_push(w, t);
	free(copy);
}

/* The first k words of a rendered line without its "set". */
static void path_prefix(const struct lines *w, size_t k, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 1; i <= k && i < w->n; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i > 1 ? " " : "", w->v[i]);
}

static bool is_under(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == ' ' || path[n] == '\0');
}

/*
 * The diff from rendering `from` to rendering `to` as groups of lines, each
 * group one unit a transaction holds whole:
 *  - a line of `from` absent in `to`: delete its shortest path that no line
 *    of `to` continues (a whole VRF, route, rule ... or one value);
 *  - when only a leaf's value differs (table 10 → 11, or the addresses of an
 *    interface), delete the leaf and set every value `to` has for it in one
 *    group, whatever the leaf's kind: a single value cannot be deleted once
 *    the new one replaced it;
 *  - every other line of `to` absent in `from`: set it.
 * The groups touch disjoint subtrees, so any order of them ends at `to`.
 */
static void diff_groups(const struct lines *from, const struct lines *to, struct lines *groups)
{
	struct strset prefixes = {0}, parents = {0}, in_from = {0}, in_to = {0}, seen = {0};
	struct lines leafs = {0}, dels = {0};
	char p[512];

	strset_of(&in_from, from);
	strset_of(&in_to, to);
	for (size_t i = 0; i < to->n; i++) {
		struct lines w = {0};
		words_of(to->v[i], &w);
		for (size_t k = 1; k < w.n; k++) {
			path_prefix(&w, k, p, sizeof(p));
			strset_add(&prefixes, p);
		}
		/* the path above the last word: a leaf (or node) `to` gives a value */
		path_prefix(&w, w.n - 2, p, sizeof(p));
		strset_add(&parents, p);
		lines_free(&w);
	}
	for (size_t i = 0; i < from->n; i++) {
		if (strset_has(&in_to, from->v[i]))
			continue;
		struct lines w = {0};
		words_of(from->v[i], &w);
		size_t k = 1;
		for (; k < w.n; k++) {
			path_prefix(&w, k, p, sizeof(p));
			if (!strset_has(&prefixes, p))
				break;
		}
		if (k < w.n - 1 || k == 1) {
			if (strset_add(&seen, p))
				lines_push(&dels, p);
		} else if (k == w.n - 1) {
			/* only the last word differs: when `to` gives this node one-word
			 * children too, replace them all */
			char parent[512];
			path_prefix(&w, k - 1, parent, sizeof(parent));
			if (strset_has(&parents, parent)) {
				if (strset_add(&seen, parent))
					lines_push(&leafs, parent);
			} else if (strset_add(&seen, p)) {
				lines_push(&dels, p);
			}
		} /* else a presence node that `to` continues: nothing to delete */
		lines_free(&w);
	}
	for (size_t i = 0; i < leafs.n; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		fprintf(f, "delete %s\n", leafs.v[i]);
		for (size_t j = 0; j < to->n; j++)
			if (is_under(to->v[j] + 4, leafs.v[i]))
				fprintf(f, "%s\n", to->v[j]);
		fclose(f);
		lines_push(groups, buf);
		free(buf);
	}
	for (size_t i = 0; i < dels.n; i++) {
		bool covered = false;
		for (size_t j = 0; j < leafs.n && !covered; j++)
			covered = is_under(dels.v[i], leafs.v[j]);
		if (!covered) {
			snprintf(p, sizeof(p), "delete %s\n", dels.v[i]);
			lines_push(groups, p);
		}
	}
	for (size_t i = 0; i < to->n; i++) {
		bool covered = strset_has(&in_from, to->v[i]);
		for (size_t j = 0; j < leafs.n && !covered; j++)
			covered = is_under(to->v[i] + 4, leafs.v[j]);
		if (!covered) {
			snprintf(p, sizeof(p), "%s\n", to->v[i]);
			lines_push(groups, p);
		}
	}
	strset_free(&prefixes);
	strset_free(&parents);
	strset_free(&in_from);
	strset_free(&in_to);
	strset_free(&seen);
	lines_free(&leafs);
	lines_free(&dels);
}

static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* The running configuration as canonical `set` lines. */
static char *render(const struct sl_router *r)
{
	return show(r, "show configuration");
}

/*
 * c) From the state of router `r` (a loaded start configuration) to `target`
 * (whose one-shot state is `want`) through random chunks of the diff.
 */
static void walk(struct sl_router *r, struct fib_map *m, const char *target_render,
	const char *want, uint64_t seed, uint64_t *s, struct counts *cnt)
{
	struct lines from = {0}, to = {0}, groups = {0};
	char *start = render(r);
	lines_split(&from, start);
	lines_split(&to, target_render);
	diff_groups(&from, &to, &groups);
	shuffle(s, groups.v, groups.n);

	/* groups.v[head..n) are still to do; a refused chunk goes to the back */
	unsigned max_chunk = 1 + rnd(s, groups.n > 3 ? (unsigned)groups.n / 2 : 2);
	size_t head = 0, refused_run = 0;
	char *cur = snapshot(r);
	cnt->sequences++;
	while (head < groups.n) {
		size_t left = groups.n - head;
		/* a whole pass refused: the rest at once, which is the target */
		bool all = refused_run >= left;
		size_t take = all ? left : 1 + rnd(s, max_chunk);
		if (take > left)
			take = left;
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		for (size_t k = 0; k < take; k++)
			fputs(groups.v[head + k], f);
		if (!all && one_in(s, 4)) /* objects made and removed in one transaction */
			fputs("set vrf name TMP table 4000\n"
			      "set vrf name TMP protocols bgp system-as 65000\n"
			      "set vrf name TMP protocols static route 192.0.2.0/24 blackhole\n"
			      "set protocols static route 192.0.2.0/24 blackhole\n"
			      "delete vrf name TMP\n"
			      "delete protocols static route 192.0.2.0/24\n",
				f);
		fclose(f);

		cnt->txns++;
		if (verbose)
			fprintf(stderr, "-- transaction%s:\n%s", all ? " (the rest)" : "", text);
		int rc = apply_checked(r, text, count_lines(text), seed, "transaction");
		char *now = snapshot(r);
		if (rc != 0) {
			cnt->txns_refused++;
			if (strcmp(cur, now) != 0) {
				fprintf(stderr, "start:\n%s\ntransaction:\n%s", start, text);
				fail_msg("seed %" PRIu64
					 ": a refused transaction changed the state",
					seed);
			}
			if (all) {
				char *was = render(r);
				fprintf(stderr,
					"start:\n%s\ntarget:\n%s\nstate before the last "
					"transaction:\n%s\nlast transaction:\n%s",
					start, target_render, was, text);
				free(was);
				fail_msg("seed %" PRIu64 ": the rest of the diff to an accepted "
					 "configuration was refused",
					seed);
			}
			/* move the chunk behind the rest: retried after the others */
			char **tmp = malloc(take * sizeof(*tmp));
			memcpy(tmp, groups.v + head, take * sizeof(*tmp));
			memmove(groups.v + head, groups.v + head + take,
				(left - take) * sizeof(*tmp));
			memcpy(groups.v + groups.n - take, tmp, take * sizeof(*tmp));
			free(tmp);
			refused_run += take;
			free(now);
		} else {
			char *bad = fib_check(m, r);
			if (bad) {
				fprintf(stderr, "start:\n%s\ntransaction:\n%s", start, text);
				fail_msg("seed %" PRIu64 ": FIB log replay differs after a "
					 "transaction: %s",
					seed, bad);
			}
			head += take;
			refused_run = 0;
			free(cur);
			cur = now;
		}
		free(text);
	}
	free(cur);
	char *got = full_snapshot(r);
	if (strcmp(got, want) != 0) {
		fprintf(stderr,
			"start:\n%s\ntarget:\n%s\n--- one-shot\n%s\n--- by transactions\n%s", start,
			target_render, want, got);
		fail_msg("seed %" PRIu64 ": state reached by transactions differs from the "
			 "one-shot load",
			seed);
	}
	free(got);
	free(start);
	lines_free(&from);
	lines_free(&to);
	lines_free(&groups);
}

static int vrf_size(const struct sl_vrf_info *vi, void *ctx)
{
	size_t *max = ctx, n = 0;
	for (int i = 0; i < SL_SRC__COUNT; i++)
		n += vi->n_routes[i];
	if (n > *max)
		*max = n;
	return 0;
}

static void run_seed(uint64_t seed, struct counts *cnt)
{
	struct lines cfg = {0};
	uint64_t s = seed ^ 0x5eed5eed5eedull;
	bool invalid = generate(seed, &cfg);
	int rc, rc2;
	struct fib_map m = {0}, m2 = {0};

	current_seed = seed;
	seed_running = true;

	if (verbose) {
		char *t = lines_join(&cfg);
		fprintf(stderr, "seed %" PRIu64 "%s:\n%s", seed,
			invalid ? " (with a deliberate error)" : "", t);
		free(t);
	}
	cnt->configs++;
	cnt->invalid_generated += invalid > 0;

	/* a) + d): the file as written */
	struct sl_router *r = load(&cfg, seed, "check", &rc, &m);
	/* b): the same lines shuffled */
	struct lines mixed = {0};
	for (size_t i = 0; i < cfg.n; i++)
		lines_push(&mixed, cfg.v[i]);
	shuffle(&s, mixed.v, mixed.n);
	struct sl_router *r2 = load(&mixed, seed, "shuffled check", &rc2, &m2);
	if ((rc == 0) != (rc2 == 0)) {
		char *t = lines_join(&cfg);
		fprintf(stderr, "%s", t);
		free(t);
		fail_msg("seed %" PRIu64 ": in file order %s, shuffled %s", seed,
			rc ? "refused" : "accepted", rc2 ? "refused" : "accepted");
	}
	if (rc == 0) {
		cnt->accepted++;
		if (invalid) {
			char *t = lines_join(&cfg);
			fprintf(stderr, "%s", t);
			free(t);
			fail_msg("seed %" PRIu64 ": a deliberate error was accepted", seed);
		}
		sl_rib_vrf_foreach(sl_router_rib_const(r), vrf_size, &cnt->max_vrf_routes);
		char *a = full_snapshot(r), *b = full_snapshot(r2);
		if (strcmp(a, b) != 0) {
			char *t = lines_join(&cfg);
			fprintf(stderr, "%s\n--- file order\n%s\n--- shuffled\n%s", t, a, b);
			free(t);
			fail_msg("seed %" PRIu64 ": shuffled lines give another state", seed);
		}
		free(b);

		/* c): from a start configuration (the first of a few seeds that
		 * loads, else empty) to this one, by transactions */
		struct lines start = {0};
		struct fib_map ms = {0};
		struct sl_router *rs = NULL;
		for (unsigned k = 1; k <= 3 && rs == NULL; k++) {
			int rcs;
			generate(seed * 7919 + k, &start);
			rs = load(&start, seed, "start", &rcs, &ms);
			if (rcs != 0) {
				sl_router_free(rs);
				rs = NULL;
				memset(ms.vrf_live, 0, sizeof(ms.vrf_live));
				ms.n = 0;
			}
			lines_free(&start);
		}
		if (rs == NULL) {
			rs = sl_router_new();
			sl_router_fib_log(rs, true);
		}
		char *target = render(r);
		walk(rs, &ms, target, a, seed, &s, cnt);
		free(target);
		free(a);
		sl_router_free(rs);
		free(ms.v);
	} else {
		cnt->refused++;
	}
	sl_router_free(r);
	sl_router_free(r2);
	free(m.v);
	free(m2.v);
	lines_free(&cfg);
	lines_free(&mixed);
	seed_running = false;
}

static void test_random_configs(void **state)
{
	struct counts cnt = {0};
	const char *one = getenv("SLUICE_RANDOM_SEED"), *nenv = getenv("SLUICE_RANDOM_CONFIGS");
	(void)state;
	if (one != NULL) {
		verbose = true;
		run_seed(strtoull(one, NULL, 10), &cnt);
		return;
	}
	unsigned n = nenv ? (unsigned)strtoul(nenv, NULL, 10) : DEFAULT_CONFIGS;
	verbose = getenv("SLUICE_VERBOSE") != NULL;
	for (uint64_t seed = 1; seed <= n; seed++) {
		if (verbose)
			fprintf(stderr, "== seed %" PRIu64 "\n", seed);
		run_seed(seed, &cnt);
	}
	print_message("%zu configurations: %zu accepted, %zu refused (%zu with a deliberate "
		      "error, all refused); largest VRF: %zu routes; %zu transaction "
		      "sequences, %zu transactions, %zu refused (each retried later)\n",
		cnt.configs, cnt.accepted, cnt.refused, cnt.invalid_generated, cnt.max_vrf_routes,
		cnt.sequences, cnt.txns, cnt.txns_refused);
	/* the generator must reach both outcomes, refused chunks and big tables */
	assert_true(cnt.accepted > n / 4);
	assert_true(cnt.refused > n / 20);
	assert_true(cnt.txns_refused > 0);
	assert_true(n < 100 || cnt.max_vrf_routes > 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_configs),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (failed && seed_running)
		fprintf(stderr,
			"stopped in seed %" PRIu64 ": replay with SLUICE_RANDOM_SEED=%" PRIu64 "\n",
			current_seed, current_seed);
	return failed;
}
