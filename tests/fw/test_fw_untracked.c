/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sets that track no pair (every bound ruleset stateless) take their own
 * pass in sl_fw_check_burst (fw_check.c, check_untracked). Random rulesets
 * of hundreds of rules on three pairs (CUST-A and MGMT -> SHARED share one,
 * CUST-B -> SHARED has another; SHARED -> CUST-A is unguarded), thousands of
 * packets in bursts mixing the pairs, against a linear first-match scan:
 * verdicts, the rules' and defaults' packet and byte counters, and the
 * classified / unguarded statistics. Rules often leave the source port
 * alone (the bit vectors then skip its search) and sometimes a whole
 * ruleset does; classifiers: bit vectors (one or two words, or more),
 * rte_acl, or both. SL_FW_UNTRACKED_SEED=n replays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fw_test_util.h"

#define RULES_MAX 400
#define BURST SL_FW_BURST

static uint64_t seed = 0x5ca1ab1eull;
static uint32_t rnd(void)
{
	return (uint32_t)(fwt_xorshift(&seed) >> 16);
}

struct ruleset {
	const char *name;
	struct fwt_rule r[RULES_MAX];
	unsigned n;
	int default_action;
	uint64_t default_hits, default_bytes;
};

static struct ruleset sets[2]; /* OUT-A (CUST-A, MGMT), OUT-B (CUST-B) */

/* hosts of a few /24s, so prefixes nest and packets often match */
static uint32_t host(uint32_t net)
{
	return net | (rnd() % 4) << 8 | (1 + rnd() % 8);
}

static const uint16_t ports[] = {22, 53, 80, 443, 1000, 1001, 1024, 8080, 65535};

static void prefix_of(uint32_t h, uint32_t *addr, uint32_t *len)
{
	static const uint32_t lens[] = {0, 0, 8, 16, 22, 24, 30, 32};
	*len = lens[rnd() % RTE_DIM(lens)];
	*addr = *len ? h & (~0u << (32 - *len)) : 0;
}

static void port_range(int *lo, int *hi)
{
	*lo = ports[rnd() % RTE_DIM(ports)];
	*hi = rnd() % 3 ? *lo : *lo + (int)(rnd() % 2000);
	if (*hi > 65535)
		*hi = 65535;
}

static void rule_random(struct fwt_rule *r, uint32_t number, bool sports)
{
	static const int protos[] = {-1, 6, 6, 17, 17, 1};
	static const int actions[] = {SL_FW_ACCEPT, SL_FW_DROP, SL_FW_REJECT};
	memset(r, 0, sizeof(*r));
	r->number = number;
	r->action = actions[rnd() % RTE_DIM(actions)];
	r->proto = protos[rnd() % RTE_DIM(protos)];
	r->sp_lo = r->sp_hi = r->dp_lo = r->dp_hi = r->icmp_type = -1;
	prefix_of(host(0x0a000000u | (rnd() % 3) << 16), &r->src, &r->src_len);
	prefix_of(host(0x0a640000u), &r->dst, &r->dst_len);
	if (r->proto == 6 || r->proto == 17) {
		if (rnd() % 4)
			port_range(&r->dp_lo, &r->dp_hi);
		if (sports && rnd() % 8 == 0)
			port_range(&r->sp_lo, &r->sp_hi);
	} else if (r->proto == 1 && rnd() % 2) {
		r->icmp_type = rnd() % 2 ? 8 : 13;
	}
}

static size_t ruleset_text(char *t, size_t cap, struct ruleset *rs)
{
	static const char *const act[] = {"accept", "drop", "reject"};
	size_t off = (size_t)snprintf(t, cap, "set firewall ipv4 name %s default-action %s\n",
		rs->name, act[rs->default_action]);
	for (unsigned i = 0; i < rs->n; i++)
		off += fwt_rule_text(t + off, cap - off, rs->name, &rs->r[i]);
	return off;
}

static void ruleset_random(struct ruleset *rs, const char *name)
{
	/* sizes around the bit vectors' one / two word edges and above */
	static const unsigned sizes[] = {20, 63, 100, 127, 200, RULES_MAX};
	rs->name = name;
	rs->n = 1 + rnd() % sizes[rnd() % RTE_DIM(sizes)];
	rs->default_action = (int)(rnd() % 3);
	rs->default_hits = rs->default_bytes = 0;
	bool sports = rnd() % 2; /* else no rule names a source port */
	uint32_t number = 0;
	for (unsigned i = 0; i < rs->n; i++) {
		number += 1 + rnd() % 5;
		rule_random(&rs->r[i], number, sports);
	}
}

struct pkt {
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sp, dp; /* ICMP: sp the type */
};

/* The first rule by number that matches, else the default; counted. */
static int reference(struct ruleset *rs, const struct pkt *p, uint16_t len)
{
	bool l4 = p->proto == 6 || p->proto == 17;
	for (unsigned i = 0; i < rs->n; i++) {
		struct fwt_rule *r = &rs->r[i];
		if ((r->proto >= 0 && r->proto != p->proto) ||
			!fwt_in_prefix(p->src, r->src, r->src_len) ||
			!fwt_in_prefix(p->dst, r->dst, r->dst_len) ||
			(l4 && (!fwt_in_range(p->sp, r->sp_lo, r->sp_hi) ||
				       !fwt_in_range(p->dp, r->dp_lo, r->dp_hi))) ||
			(!l4 && (r->sp_lo >= 0 || r->dp_lo >= 0)) ||
			(r->icmp_type >= 0 && (p->proto != 1 || r->icmp_type != p->sp)))
			continue;
		r->hits++;
		r->bytes += len;
		return r->action;
	}
	rs->default_hits++;
	rs->default_bytes += len;
	return rs->default_action;
}

static void addr_str(char *b, uint32_t a)
{
	sprintf(b, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

static struct fwt_pkt packet(const struct pkt *p)
{
	char s[16], d[16];
	addr_str(s, p->src);
	addr_str(d, p->dst);
	if (p->proto == 17)
		return fwt_udp(s, p->sp, d, p->dp);
	if (p->proto == 6)
		return fwt_tcp(s, p->sp, d, p->dp, FWT_SYN);
	if (p->proto == 1)
		return fwt_icmp(s, d, (uint8_t)p->sp, 0, 7);
	return fwt_ip4_pkt(p->proto, s, d);
}

static uint16_t port(void)
{
	return rnd() % 2 ? ports[rnd() % RTE_DIM(ports)] : (uint16_t)(rnd() % 3000);
}

static void check_counters(struct sl_fw *fw, const struct ruleset *rs)
{
	for (unsigned i = 0; i < rs->n; i++) {
		uint64_t pk = UINT64_MAX, by = UINT64_MAX;
		assert_int_equal(sl_fw_rule_counters(fw, rs->name, rs->r[i].number, &pk, &by), 0);
		assert_int_equal(pk, rs->r[i].hits);
		assert_int_equal(by, rs->r[i].bytes);
	}
	uint64_t pk = UINT64_MAX, by = UINT64_MAX;
	assert_int_equal(sl_fw_rule_counters(fw, rs->name, 0, &pk, &by), 0);
	assert_int_equal(pk, rs->default_hits);
	assert_int_equal(by, rs->default_bytes);
}

/* One pair of random rulesets, n_bursts bursts of random packets. */
static void run_sets(int n_bursts)
{
	static const int32_t bv_max[] = {0, 0, -1, 100};
	struct sl_fw_config cfg = {.ct_max = 1024,
		.n_lcores = 1,
		.socket_id = -1,
		.bv_rules_max = bv_max[rnd() % RTE_DIM(bv_max)]};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	ruleset_random(&sets[0], "OUT-A");
	ruleset_random(&sets[1], "OUT-B");
	size_t cap = 2 * RULES_MAX * 400 + 1024, off = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	off += ruleset_text(t + off, cap - off, &sets[0]);
	off += ruleset_text(t + off, cap - off, &sets[1]);
	off += (size_t)snprintf(t + off, cap - off,
		"set vrf name CUST-A leak-firewall to SHARED name OUT-A\n"
		"set vrf name MGMT leak-firewall to SHARED name OUT-A\n"
		"set vrf name CUST-B leak-firewall to SHARED name OUT-B\n");
	assert_true(off < cap);
	if (fwt_load(fw, t) < 0) {
		fprintf(stderr, "%s", t);
		fail_msg("the rulesets did not load");
	}
	struct sl_fw_stats st0, st1;
	sl_fw_stats_get(fw, &st0);
	assert_int_equal(st0.bindings, 3);
	uint64_t classified = 0, unguarded = 0;
	static const uint32_t froms[] = {V_A, V_A, V_M, V_B, V_S};
	for (int b = 0; b < n_bursts; b++) {
		struct fwt_pkt fp[BURST];
		struct pkt p[BURST];
		const uint8_t *l3[BURST];
		uint16_t len[BURST];
		uint32_t from[BURST], to[BURST];
		uint8_t v[BURST];
		uint16_t n = (uint16_t)(1 + rnd() % BURST);
		/* often a burst of one pair, as a port's bursts are */
		uint32_t one = rnd() % 2 ? froms[rnd() % RTE_DIM(froms)] : 0;
		for (uint16_t k = 0; k < n; k++) {
			static const uint8_t protos[] = {6, 17, 17, 1, 47};
			from[k] = one ? one : froms[rnd() % RTE_DIM(froms)];
			to[k] = from[k] == V_S ? V_A : V_S;
			p[k].proto = protos[rnd() % RTE_DIM(protos)];
			p[k].src = host(0x0a000000u | (rnd() % 3) << 16);
			p[k].dst = host(0x0a640000u);
			p[k].sp = p[k].proto == 1 ? (rnd() % 2 ? 8 : 13) : port();
			p[k].dp = port();
			fp[k] = packet(&p[k]);
			l3[k] = fp[k].b;
			len[k] = fp[k].len;
		}
		sl_fw_check_burst(fw, 0, (uint64_t)b + 1, l3, len, from, to, n, v);
		for (uint16_t k = 0; k < n; k++) {
			int want = SL_FW_ACCEPT;
			if (from[k] == V_S)
				unguarded++;
			else
				want = reference(&sets[from[k] == V_B], &p[k], len[k]),
				classified++;
			if (v[k] != want)
				fail_msg(
					"burst %d packet %u (from %u, proto %u, %#x:%u -> %#x:%u): "
					"verdict %u, reference %d",
					b, k, from[k], p[k].proto, p[k].src, p[k].sp, p[k].dst,
					p[k].dp, v[k], want);
		}
	}
	check_counters(fw, &sets[0]);
	check_counters(fw, &sets[1]);
	sl_fw_stats_get(fw, &st1);
	assert_int_equal(st1.classified - st0.classified, classified);
	assert_int_equal(st1.unguarded - st0.unguarded, unguarded);
	assert_int_equal(st1.ct_entries, 0); /* nothing tracked */
	free(t);
	sl_fw_free(fw);
}

static void test_untracked_oracle(void **st)
{
	(void)st;
	const char *env = getenv("SL_FW_UNTRACKED_SEED");
	if (env != NULL)
		seed = strtoull(env, NULL, 0);
	printf("seed %#llx\n", (unsigned long long)seed);
	for (int i = 0; i < 40; i++)
		run_sets(150);
}

int main(void)
{
	if (fwt_eal_init("fw-untracked", "0") < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untracked_oracle),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
