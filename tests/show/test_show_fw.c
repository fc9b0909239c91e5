/* SPDX-License-Identifier: BSD-3-Clause */
/* show firewall [NAME | leak-points]: the one implementation, offline and
 * with a forwarding plane's counters (a fake struct sl_show_fw_live). */
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

/* Run `show firewall ARGS...`; returns its result, output in *text (free it). */
static int run(const struct sl_router *r, const struct sl_show_fw_live *live, bool json,
	char **text, int argc, char **argv)
{
	return show_test_run(sl_show_firewall, r, live, json, text, argc, argv);
}

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

static const struct sl_show_fw_live live = {
	.rule_counters = fake_rule,
	.summary = fake_summary,
	.binding = fake_binding,
	.leak_packets = fake_leak_packets,
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
	free(t);
	assert_int_equal(run(r, &live, true, &t, 1, rs), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_live_counters),
		cmocka_unit_test(test_leak_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
