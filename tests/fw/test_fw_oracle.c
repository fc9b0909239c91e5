/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random rulesets and packets against a reference: verdicts and rule
 * counters of sl_fw_check_burst must be those of a linear first-match scan
 * of the rules by number, with the connection state of a small conntrack
 * model. The rulesets often start with a rule that takes any packet of some
 * states (rule 1 `state established`, or a rule with no condition), which
 * the worker decides without classifying (fw_build.c, acl_const_res); the
 * others need a walk, so bursts mix both. Bursts hold distinct flows in
 * both directions: CUST-A -> SHARED is guarded, the replies are not (but
 * tracked when the ruleset matches states); then a second ruleset replaces
 * the first over the same flows (a flow's cached result is the set's).
 * Each ruleset is classified by rte_acl, by bit vectors (fw_bv.c), or by
 * both (per context, by size).
 * SL_FW_ORACLE_SEED=n replays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fw_test_util.h"

#define FLOWS 48
#define BURST 16
#define RULES_MAX 160 /* one ruleset in 8; the others up to 40 */

static uint64_t seed = 0x0c7a11e5ull;
static uint32_t rnd(void)
{
	return (uint32_t)(fwt_xorshift(&seed) >> 16);
}

struct flow {
	uint8_t proto;
	uint32_t a, s; /* the CUST-A host and the SHARED host */
	uint16_t ap, sp; /* ports; ICMP: ap is the echo identifier */
	bool exists, opener_a, replied;
};

static struct fwt_rule rules[RULES_MAX];
static unsigned n_rules;
static int default_action;
static uint64_t default_hits;
static bool stateful;
static struct flow flows[FLOWS];

static uint32_t host_a(void)
{
	return 0x0a000000u | (rnd() % 4) << 8 | (1 + rnd() % 4);
}

static uint32_t host_s(void)
{
	return 0x0a010000u | (rnd() % 4) << 8 | (1 + rnd() % 4);
}

static const uint16_t ports[] = {53, 80, 443, 1000, 1001, 1002, 1003, 8080};

static void prefix_of(uint32_t host, uint32_t *addr, uint32_t *len)
{
	static const uint32_t lens[] = {0, 0, 0, 16, 24, 24, 32};
	*len = lens[rnd() % RTE_DIM(lens)];
	*addr = *len ? host & (~0u << (32 - *len)) : 0;
}

static void port_range(int *lo, int *hi)
{
	if (rnd() % 2) {
		*lo = *hi = -1;
		return;
	}
	*lo = ports[rnd() % RTE_DIM(ports)];
	*hi = rnd() % 3 ? *lo : *lo + (int)(rnd() % 1100);
	if (*hi > 65535)
		*hi = 65535;
}

static void rule_random(struct fwt_rule *r, uint32_t number, bool any)
{
	static const int protos[] = {-1, -1, 6, 17, 1};
	static const int actions[] = {SL_FW_ACCEPT, SL_FW_ACCEPT, SL_FW_DROP, SL_FW_REJECT};
	memset(r, 0, sizeof(*r));
	r->number = number;
	r->action = actions[rnd() % RTE_DIM(actions)];
	r->proto = any ? -1 : protos[rnd() % RTE_DIM(protos)];
	r->sp_lo = r->sp_hi = r->dp_lo = r->dp_hi = r->icmp_type = -1;
	if (!any) {
		prefix_of(host_a(), &r->src, &r->src_len);
		prefix_of(host_s(), &r->dst, &r->dst_len);
		if (r->proto == 6 || r->proto == 17) {
			port_range(&r->dp_lo, &r->dp_hi);
			if (rnd() % 4 == 0)
				port_range(&r->sp_lo, &r->sp_hi);
		} else if (r->proto == 1 && rnd() % 2) {
			r->icmp_type = rnd() % 2 ? 8 : 0;
		}
	}
	if (stateful && rnd() % 3 == 0)
		r->states = 1u + rnd() % 15;
}

/* A random ruleset OUT bound on CUST-A -> SHARED, as configuration text;
 * with state rules (the pair tracked) when stateful is set. */
static char *ruleset_random(void)
{
	static const char *const act[] = {"accept", "drop", "reject"};
	n_rules = 1 + rnd() % (rnd() % 8 == 0 ? RULES_MAX : 40);
	default_action = (int)(rnd() % 3);
	default_hits = 0;
	uint32_t number = 0;
	for (unsigned i = 0; i < n_rules; i++) {
		number += 1 + rnd() % 20;
		/* often a first rule (or a later one) that takes any packet */
		rule_random(&rules[i], number, rnd() % (i == 0 ? 2 : 8) == 0);
	}
	if (stateful && rnd() % 2) { /* the usual: rule 1 state established */
		rules[0].proto = -1;
		rules[0].src_len = rules[0].dst_len = 0;
		rules[0].sp_lo = rules[0].sp_hi = rules[0].dp_lo = rules[0].dp_hi = -1;
		rules[0].icmp_type = -1;
		rules[0].states = SL_FW_ST_ESTABLISHED | (rnd() % 2 ? SL_FW_ST_RELATED : 0);
	}
	if (stateful) { /* some rule names a state: the pair is tracked */
		bool any = false;
		for (unsigned i = 0; i < n_rules; i++)
			any |= rules[i].states != 0;
		if (!any)
			rules[n_rules - 1].states = SL_FW_ST_NEW | SL_FW_ST_ESTABLISHED;
	}
	size_t cap = 262144, off = 0;
	char *t = malloc(cap);
	off += (size_t)snprintf(t + off, cap - off,
		"set firewall ipv4 name OUT default-action %s\n"
		"set vrf name CUST-A leak-firewall to SHARED name OUT\n",
		act[default_action]);
	for (unsigned i = 0; i < n_rules; i++)
		off += fwt_rule_text(t + off, cap - off, "OUT", &rules[i]);
	assert_true(off < cap);
	return t;
}

/* The reference: the first rule by number that matches, else the default. */
static int reference(const struct flow *f, int icmp_type, unsigned state)
{
	for (unsigned i = 0; i < n_rules; i++) {
		struct fwt_rule *r = &rules[i];
		bool l4 = f->proto == 6 || f->proto == 17;
		if ((r->proto >= 0 && r->proto != f->proto) ||
			!fwt_in_prefix(f->a, r->src, r->src_len) ||
			!fwt_in_prefix(f->s, r->dst, r->dst_len) ||
			(l4 && (!fwt_in_range(f->ap, r->sp_lo, r->sp_hi) ||
				       !fwt_in_range(f->sp, r->dp_lo, r->dp_hi))) ||
			(f->proto == 1 && r->icmp_type >= 0 && r->icmp_type != icmp_type) ||
			(r->states != 0 && !(r->states & state)))
			continue;
		r->hits++;
		return r->action;
	}
	default_hits++;
	return default_action;
}

static void addr_str(char *b, uint32_t a)
{
	sprintf(b, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

/* The packet of flow f from CUST-A (orig) or from SHARED, and its expected
 * state (orig) in the model. */
static struct fwt_pkt packet(const struct flow *f, bool from_a, unsigned *state)
{
	char a[16], s[16];
	addr_str(a, f->a);
	addr_str(s, f->s);
	bool hit = stateful && f->exists;
	bool est = hit && (f->opener_a != from_a || f->replied);
	*state = est ? SL_FW_ST_ESTABLISHED : SL_FW_ST_NEW;
	if (f->proto == 17)
		return from_a ? fwt_udp(a, f->ap, s, f->sp) : fwt_udp(s, f->sp, a, f->ap);
	if (f->proto == 1) {
		if (!from_a) /* an echo reply: invalid without a flow */
			return fwt_icmp(s, a, RTE_IP_ICMP_ECHO_REPLY, 0, f->ap);
		return fwt_icmp(a, s, RTE_IP_ICMP_ECHO_REQUEST, 0, f->ap);
	}
	if (!from_a)
		return fwt_tcp(s, f->sp, a, f->ap, FWT_SYN | FWT_ACK);
	bool syn = !hit && rnd() % 5 != 0; /* else an ACK without a flow: invalid */
	if (!hit && !syn)
		*state = SL_FW_ST_INVALID;
	return fwt_tcp(a, f->ap, s, f->sp, syn ? FWT_SYN : FWT_ACK);
}

/* The model's conntrack after an accepted packet of f (state known, or for
 * replies: computed here). */
static void model_track(struct flow *f, bool from_a, unsigned state)
{
	if (!stateful)
		return;
	if (f->exists) {
		if (f->opener_a != from_a)
			f->replied = true;
		return;
	}
	/* no flow: created by a packet in state new (replies: only UDP is new) */
	if (from_a ? state == SL_FW_ST_NEW : f->proto == 17) {
		f->exists = true;
		f->opener_a = from_a;
		f->replied = false;
	}
}

/* Bursts of random packets of the flows, each checked against the reference. */
static void run_bursts(struct sl_fw *fw, const char *text, int n_bursts);

/* A ruleset, bursts, then another ruleset (the same statefulness) published
 * on the same firewall over the same flows: verdicts and flows' cached
 * results of the first set must not leak into the second. */
static void run_ruleset(void)
{
	/* the classifiers: rte_acl, bit vectors, or both (a context of more
	 * than 8 ACL rules in rte_acl, the others bit vectors) */
	static const int32_t bv_max[] = {-1, 0, 0, 8};
	struct sl_fw_config cfg = {.ct_max = 4096,
		.n_lcores = 1,
		.socket_id = -1,
		.bv_rules_max = bv_max[rnd() % RTE_DIM(bv_max)]};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	stateful = rnd() % 4 != 0;
	for (unsigned i = 0; i < FLOWS; i++) {
		static const uint8_t protos[] = {6, 17, 17, 1};
		flows[i] = (struct flow){.proto = protos[rnd() % 4],
			.a = host_a(),
			.s = host_s(),
			.ap = (uint16_t)(1000 + rnd() % 8),
			.sp = ports[rnd() % RTE_DIM(ports)]};
		flows[i].ap = (uint16_t)(flows[i].ap + i * 8); /* distinct flows */
	}
	for (int phase = 0; phase < 2; phase++) {
		char *text = ruleset_random();
		if (fwt_load(fw, text) < 0) {
			fprintf(stderr, "%s", text);
			fail_msg("the ruleset did not load");
		}
		sl_fw_counters_clear(fw); /* rules of the same number carry theirs */
		run_bursts(fw, text, 30);
		free(text);
	}
	sl_fw_free(fw);
}

static void run_bursts(struct sl_fw *fw, const char *text, int n_bursts)
{
	static uint64_t now = 1;
	for (int b = 0; b < n_bursts; b++) {
		struct fwt_pkt p[BURST];
		const uint8_t *l3[BURST];
		uint16_t len[BURST];
		uint32_t from[BURST], to[BURST];
		uint8_t v[BURST];
		unsigned fi[BURST], state[BURST];
		bool from_a[BURST], used[FLOWS] = {false};
		unsigned n = 1 + rnd() % BURST;
		for (unsigned k = 0; k < n; k++) {
			unsigned f;
			do
				f = rnd() % FLOWS;
			while (used[f]);
			used[f] = true;
			fi[k] = f;
			from_a[k] = rnd() % 3 != 0;
			p[k] = packet(&flows[f], from_a[k], &state[k]);
			l3[k] = p[k].b;
			len[k] = p[k].len;
			from[k] = from_a[k] ? V_A : V_S;
			to[k] = from_a[k] ? V_S : V_A;
		}
		sl_fw_check_burst(fw, 0, now++, l3, len, from, to, (uint16_t)n, v);
		for (unsigned k = 0; k < n; k++) {
			struct flow *f = &flows[fi[k]];
			int want = SL_FW_ACCEPT; /* SHARED -> CUST-A has no binding */
			if (from_a[k])
				want = reference(f, f->proto == 1 ? 8 : -1, state[k]);
			if (v[k] != want) {
				fprintf(stderr, "%s", text);
				fail_msg("burst %d packet %u (flow %u proto %u, %s, state %u): "
					 "verdict %u, reference %d",
					b, k, fi[k], f->proto, from_a[k] ? "orig" : "reply",
					state[k], v[k], want);
			}
			if (want == SL_FW_ACCEPT)
				model_track(f, from_a[k], state[k]);
		}
	}
	for (unsigned i = 0; i < n_rules; i++) {
		uint64_t pk = UINT64_MAX, by = 0;
		assert_int_equal(sl_fw_rule_counters(fw, "OUT", rules[i].number, &pk, &by), 0);
		assert_int_equal(pk, rules[i].hits);
	}
	uint64_t pk = UINT64_MAX, by = 0;
	assert_int_equal(sl_fw_rule_counters(fw, "OUT", 0, &pk, &by), 0);
	assert_int_equal(pk, default_hits);
}

static void test_oracle(void **st)
{
	(void)st;
	const char *env = getenv("SL_FW_ORACLE_SEED");
	if (env != NULL)
		seed = strtoull(env, NULL, 0);
	for (int i = 0; i < 150; i++) {
		uint64_t s = seed;
		run_ruleset();
		if (i == 0)
			printf("seed %#llx\n", (unsigned long long)s);
	}
}

int main(void)
{
	if (fwt_eal_init("fw-oracle", "0") < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
