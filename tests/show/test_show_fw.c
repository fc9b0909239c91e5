/* SPDX-License-Identifier: BSD-3-Clause */
/* show firewall [NAME | leak-points], show conntrack: the one implementation,
 * offline and with a forwarding plane's counters and flows (a fake struct
 * sl_show_fw_live). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "show_test.h"
#include "sl_show.h"

static const char cfg[] = "set vrf name A table 10\n"
			  "set vrf name B table 20\n"
			  "set interfaces ethernet eth1 vrf A\n"
			  "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			  "set interfaces ethernet eth2 vrf B\n"
			  "set interfaces ethernet eth2 address 10.2.0.1/24\n"
			  "set vrf name A protocols static route 10.2.0.0/24 interface eth2 vrf B\n"
			  "set firewall ipv4 name RS default-action accept\n"
			  "set firewall ipv4 name RS rule 10 action drop\n"
			  "set firewall ipv4 name RS rule 10 protocol udp\n"
			  "set firewall ipv4 name RS rule 10 destination port 53\n"
			  "set firewall ipv4 name RS rule 20 action reject\n"
			  "set firewall ipv4 name RS rule 20 disable\n"
			  "set vrf name A leak-firewall to B name RS\n";

static struct sl_router *router(void)
{
	return show_test_router(cfg);
}

typedef int show_fn(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err);

/* Run `show firewall ARGS...` (or fn's); its result, output in *text (free it). */
static int run_fn(show_fn *fn, const struct sl_router *r, const struct sl_show_fw_live *live,
	bool json, char **text, int argc, char **argv)
{
	return show_test_run(fn, r, live, json, text, argc, argv);
}
#define run(...) run_fn(sl_show_firewall, __VA_ARGS__)
#define run_ct(...) run_fn(sl_show_conntrack, __VA_ARGS__)

/* the fake forwarding plane: rule 10 counted, the default action, one direction */
static int fake_rule(void *ctx, const char *rs, uint32_t number, uint64_t *p, uint64_t *b)
{
	(void)ctx;
	if (strcmp(rs, "RS") != 0 || (number != 10 && number != 0))
		return -ENOENT;
	*p = number == 10 ? 7 : 3;
	*b = number == 10 ? 700 : 300;
	return 0;
}

static void fake_summary(void *ctx, struct sl_show_fw_summary *out)
{
	(void)ctx;
	*out = (struct sl_show_fw_summary){.classified = 10,
		.accepted = 3,
		.dropped = 7,
		.ct_entries = 2,
		.ct_max = 64,
		.ct_full = 5};
}

static const char *fake_binding(void *ctx, uint32_t from, uint32_t to)
{
	(void)ctx, (void)to;
	return from == 1 ? "RS" : NULL;
}

static uint64_t fake_leak_packets(void *ctx, uint32_t from, uint32_t to)
{
	(void)ctx, (void)from, (void)to;
	return 42;
}

/* two flows: A (id 1) → B (id 2) over TCP, and GRE in B alone */
static void fake_ct_foreach(void *ctx, uint32_t vrf_id, size_t max,
	int (*cb)(const struct sl_fw_ct_flow *flow, void *cb_ctx), void *cb_ctx)
{
	(void)ctx;
	const struct sl_fw_ct_flow flows[] = {
		{.proto = 6,
			.vrf = {1, 2},
			.addr = {0x0a010005, 0x0a020007},
			.port = {40000, 443},
			.replied = true,
			.state = "ESTABLISHED",
			.age_s = 9,
			.expires_s = 7191},
		{.proto = 47,
			.vrf = {2, 2},
			.addr = {0x0a020007, 0x0a020008},
			.state = "UNREPLIED",
			.expires_s = 30},
	};
	for (size_t i = 0, n = 0; i < 2 && n < max; i++) {
		if (vrf_id != UINT32_MAX && flows[i].vrf[0] != vrf_id && flows[i].vrf[1] != vrf_id)
			continue;
		n++;
		if (cb(&flows[i], cb_ctx) != 0)
			break;
	}
}

static int fake_classifiers(void *ctx, const char *ruleset)
{
	(void)ctx;
	return strcmp(ruleset, "RS") == 0 ? SL_SHOW_FW_CLS_BV : -ENOENT;
}

static const struct sl_show_fw_live live = {
	.rule_counters = fake_rule,
	.summary = fake_summary,
	.classifiers = fake_classifiers,
	.binding = fake_binding,
	.leak_packets = fake_leak_packets,
	.ct_foreach = fake_ct_foreach,
};

static void test_offline(void **state)
{
	(void)state;
	struct sl_router *r = router();
	char *t = NULL;
	assert_int_equal(run(r, NULL, false, &t, 0, NULL), 0);
	assert_non_null(strstr(t, "Rule     Action   Protocol  Conditions\n"));
	assert_non_null(strstr(t, "10       drop     udp       dport 53\n"));
	assert_non_null(strstr(t, "20       reject   all       (disabled)\n"));
	assert_non_null(strstr(t, "default  accept   all      \n"));
	assert_non_null(strstr(t, "Leak point: from vrf A to vrf B\n"));
	assert_null(strstr(t, "Classifier")); /* the forwarding plane's to say */
	assert_null(strstr(t, "Packets")); /* offline: no counters, no summary */
	assert_null(strstr(t, "Leak-crossing packets"));
	free(t);

	char *nope[] = {"NOPE"}, *two[] = {"a", "b"};
	assert_int_equal(run(r, NULL, false, &t, 1, nope), -ESRCH);
	assert_non_null(strstr(t, "ruleset 'NOPE' is not defined"));
	free(t);
	assert_int_equal(run(r, NULL, false, &t, 2, two), -EINVAL);
	assert_non_null(strstr(t, "usage: show firewall"));
	free(t);
	sl_router_free(r);
}

static void test_live_counters(void **state)
{
	(void)state;
	struct sl_router *r = router();
	char *t = NULL, *rs[] = {"RS"};
	assert_int_equal(run(r, &live, false, &t, 0, NULL), 0);
	assert_non_null(
		strstr(t, "10       drop     udp                  7            700  dport 53\n"));
	assert_non_null(strstr(
		t, "20       reject   all                  -              -   (disabled)\n"));
	assert_non_null(strstr(t, "default  accept   all                  3            300\n"));
	assert_non_null(strstr(t, "10 classified (3 accepted, 7 dropped, 0 rejected)"));
	assert_non_null(strstr(t, "2 of 64 flows, 5 new flows dropped (conntrack_full)"));
	assert_non_null(strstr(t, "Classifier: bit vectors\nLeak point: from vrf A to vrf B\n"));
	free(t);
	assert_int_equal(run(r, &live, true, &t, 1, rs), 0);
	assert_non_null(strstr(t, "\"classifier\": \"bit vectors\""));
	assert_non_null(strstr(t, "\"defaultPackets\": 3"));
	assert_non_null(strstr(t, "\"enforced\": false"));
	assert_non_null(strstr(t, "\"conntrackFull\": 5"));
	free(t);
	sl_router_free(r);
}

static void test_leak_points(void **state)
{
	(void)state;
	struct sl_router *r = router();
	char *t = NULL, *lp[] = {"leak-points"};
	/* offline: the configured binding guards A → B, packets unknown */
	assert_int_equal(run(r, NULL, false, &t, 1, lp), 0);
	assert_non_null(strstr(t, "A                B                        1            -  RS"));
	assert_non_null(strstr(t, "1 leak direction(s), 0 unguarded"));
	free(t);
	/* live: the forwarding plane's binding and packets */
	assert_int_equal(run(r, &live, true, &t, 1, lp), 0);
	assert_non_null(strstr(t, "\"packets\": 42"));
	assert_non_null(strstr(t, "\"guarded\": true"));
	free(t);
	sl_router_free(r);
}

static void test_conntrack(void **state)
{
	(void)state;
	struct sl_router *r = router();
	char *t = NULL, *vb[] = {"vrf", "A"}, *nope[] = {"vrf", "NOPE"}, *bad[] = {"x"};
	assert_int_equal(run_ct(r, &live, false, &t, 0, NULL), 0);
	assert_non_null(strstr(t, "Proto Source (VRF)"));
	assert_non_null(strstr(t, "tcp   10.1.0.5:40000 (A)"));
	assert_non_null(strstr(t, "10.2.0.7:443 (B)"));
	assert_non_null(strstr(t, "ESTABLISHED    7191s\n"));
	assert_non_null(strstr(t, "47    10.2.0.7:0 (B)"));
	assert_non_null(strstr(t, "2 flow(s) shown; 2 of 64 tracked; 5 new flows dropped"));
	free(t);
	/* one VRF: the GRE flow of B alone is not listed; JSON on one line */
	assert_int_equal(run_ct(r, &live, true, &t, 2, vb), 0);
	assert_non_null(strstr(t, "\"sourceVrf\":\"A\""));
	assert_null(strstr(t, "UNREPLIED"));
	assert_non_null(strstr(t, "\"entries\":2,\"max\":64,\"truncated\":false"));
	assert_ptr_equal(strchr(t, '\n'), t + strlen(t) - 1);
	free(t);
	assert_int_equal(run_ct(r, &live, false, &t, 2, nope), -ESRCH);
	assert_non_null(strstr(t, "VRF 'NOPE' does not exist"));
	free(t);
	assert_int_equal(run_ct(r, &live, false, &t, 1, bad), -EINVAL);
	assert_non_null(strstr(t, "usage: show conntrack [vrf NAME]"));
	free(t);
	assert_int_equal(run_ct(r, NULL, false, &t, 0, NULL), -ENOTSUP);
	free(t);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_live_counters),
		cmocka_unit_test(test_leak_points),
		cmocka_unit_test(test_conntrack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
