/* SPDX-License-Identifier: BSD-3-Clause */
/* The firewall spec (config → typed rulesets, rules, bindings by VRF id) and
 * which transactions require a firewall rebuild. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_commit.h"
#include "sl_conf.h"

static const char cfg[] = "set vrf name CUST-A table 10\n"
			  "set vrf name SHARED table 20\n"
			  "set vrf name CUST-B table 30\n"
			  "set firewall ipv4 name TO-SHARED default-action accept\n"
			  "set firewall ipv4 name TO-SHARED rule 20 action drop\n"
			  "set firewall ipv4 name TO-SHARED rule 20 protocol tcp\n"
			  "set firewall ipv4 name TO-SHARED rule 20 destination port 22,8000-8080\n"
			  "set firewall ipv4 name TO-SHARED rule 20 source address 10.1.0.0/24\n"
			  "set firewall ipv4 name TO-SHARED rule 5 action accept\n"
			  "set firewall ipv4 name TO-SHARED rule 5 protocol icmp\n"
			  "set firewall ipv4 name TO-SHARED rule 5 icmp type 8\n"
			  "set firewall ipv4 name TO-SHARED rule 5 disable\n"
			  "set firewall ipv4 name REPLIES rule 10 action reject\n"
			  "set firewall ipv4 name REPLIES rule 10 protocol 47\n"
			  "set firewall ipv4 name REPLIES rule 10 state established\n"
			  "set firewall ipv4 name REPLIES rule 10 state related\n"
			  "set vrf name CUST-B leak-firewall to SHARED name TO-SHARED\n"
			  "set vrf name CUST-A leak-firewall to SHARED name TO-SHARED\n"
			  "set vrf name SHARED leak-firewall to CUST-A name REPLIES\n";

static struct sl_router *router_with(const char *text)
{
	struct sl_router *r = sl_router_new();
	struct sl_errors e = {0};
	assert_non_null(r);
	if (sl_router_apply(r, text, &e, NULL) != 0)
		fail_msg("apply: line %u: %s", e.n ? e.v[0].line : 0, e.n ? e.v[0].msg : "?");
	sl_errors_free(&e);
	return r;
}

static uint32_t vrf_id(const struct sl_router *r, const char *name)
{
	struct sl_vrf_info vi;
	assert_int_equal(sl_rib_vrf_info(sl_router_rib_const(r), name, &vi), 0);
	return vi.id;
}

static void test_spec_from_config(void **state)
{
	(void)state;
	struct sl_router *r = router_with(cfg);
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};

	assert_int_equal(sl_router_fw_spec(r, &spec, &msgs), 0);
	assert_int_equal(msgs.n, 0);
	/* rulesets in canonical order, rules by number */
	assert_int_equal(spec->n_rulesets, 2);
	const struct sl_fw_ruleset_spec *rep = &spec->rulesets[0], *ts = &spec->rulesets[1];
	assert_string_equal(rep->name, "REPLIES");
	assert_string_equal(ts->name, "TO-SHARED");
	assert_int_equal(rep->default_action, SL_FW_SPEC_DROP); /* unset */
	assert_int_equal(ts->default_action, SL_FW_SPEC_ACCEPT);

	assert_int_equal(rep->n_rules, 1);
	assert_int_equal(rep->rules[0].action, SL_FW_SPEC_REJECT);
	assert_int_equal(rep->rules[0].proto, 47);
	assert_string_equal(rep->rules[0].protocol, "47");
	assert_int_equal(rep->rules[0].states, SL_FW_SPEC_ST_ESTABLISHED | SL_FW_SPEC_ST_RELATED);
	assert_string_equal(rep->rules[0].conditions, "state established state related");

	assert_int_equal(ts->n_rules, 2);
	const struct sl_fw_rule_spec *r5 = &ts->rules[0], *r20 = &ts->rules[1];
	assert_int_equal(r5->number, 5);
	assert_true(r5->disabled);
	assert_int_equal(r5->proto, 1);
	assert_int_equal(r5->icmp_type, 8);
	assert_int_equal(r20->number, 20);
	assert_false(r20->disabled);
	assert_true(r20->usable);
	assert_int_equal(r20->action, SL_FW_SPEC_DROP);
	assert_int_equal(r20->proto, 6);
	assert_int_equal(r20->icmp_type, -1);
	assert_int_equal(r20->src.len, 24);
	assert_int_equal(r20->dst.len, 0);
	assert_int_equal(r20->n_sport, 0);
	assert_int_equal(r20->n_dport, 2);
	assert_int_equal(r20->dport[0].lo, 22);
	assert_int_equal(r20->dport[0].hi, 22);
	assert_int_equal(r20->dport[1].lo, 8000);
	assert_int_equal(r20->dport[1].hi, 8080);
	assert_string_equal(r20->conditions, "saddr 10.1.0.0/24 dport 22,8000-8080");

	/* bindings by FROM then TO, resolved to the RIB's VRF ids */
	assert_int_equal(spec->n_bindings, 3);
	static const struct {
		const char *from, *to;
		size_t ruleset;
	} want[] = {{"CUST-A", "SHARED", 1}, {"CUST-B", "SHARED", 1}, {"SHARED", "CUST-A", 0}};
	for (size_t i = 0; i < 3; i++) {
		const struct sl_fw_binding_spec *b = &spec->bindings[i];
		assert_string_equal(b->from, want[i].from);
		assert_string_equal(b->to, want[i].to);
		assert_int_equal(b->from_vrf, vrf_id(r, want[i].from));
		assert_int_equal(b->to_vrf, vrf_id(r, want[i].to));
		assert_int_equal(b->ruleset, want[i].ruleset);
	}
	assert_int_not_equal(spec->bindings[0].from_vrf, spec->bindings[1].from_vrf);
	sl_fw_spec_free(spec);
	sl_errors_free(&msgs);
	sl_router_free(r);
}

/* A conf that never went through validation (lib/conf refuses these). */
static struct sl_conf *unvalidated(const char *text)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	assert_non_null(c);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec_text(c, text, 1, &e, NULL), 0);
	sl_errors_free(&e);
	return c;
}

static int two_vrfs(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "A") ? 1 : !strcmp(name, "B") ? 2 : -ENOENT;
}

static void test_bad_references_refused(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"set vrf name A leak-firewall to B name NOPE\n",
			"vrf A leak-firewall to B name NOPE: firewall ruleset 'NOPE' does not "
			"exist"},
		{"set firewall ipv4 name RS rule 1 action accept\n"
		 "set vrf name A leak-firewall to GONE name RS\n",
			"vrf A leak-firewall to GONE name RS: VRF 'GONE' does not exist"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_conf *c = unvalidated(cases[i].text);
		struct sl_fw_spec *spec = (void *)1;
		struct sl_errors msgs = {0};
		assert_int_equal(sl_fw_spec_read(c, two_vrfs, NULL, &spec, &msgs), -EINVAL);
		assert_null(spec);
		assert_int_equal(msgs.n, 1);
		assert_string_equal(msgs.v[0].msg, cases[i].msg);
		sl_errors_free(&msgs);
		sl_conf_abort(c);
		sl_conf_free(c);
	}
}

/* Not refused but not enforced: warned, left out or marked unusable. */
static void test_unenforceable_warned(void **state)
{
	(void)state;
	char ports[400] = "";
	for (int p = 1; p <= 65; p++)
		snprintf(ports + strlen(ports), sizeof(ports) - strlen(ports), "%s%d",
			p > 1 ? "," : "", p);
	char text[800];
	snprintf(text, sizeof(text),
		"set firewall ipv4 name RS rule 1 protocol tcp\n"
		"set firewall ipv4 name RS rule 2 action accept\n"
		"set firewall ipv4 name RS rule 2 protocol tcp\n"
		"set firewall ipv4 name RS rule 2 destination port %s\n"
		"set vrf name A leak-firewall to B\n",
		ports);
	struct sl_conf *c = unvalidated(text);
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	assert_int_equal(sl_fw_spec_read(c, two_vrfs, NULL, &spec, &msgs), 0);
	assert_int_equal(msgs.n, 3);
	assert_non_null(strstr(msgs.v[0].msg, "rule 1: no action"));
	assert_non_null(strstr(msgs.v[1].msg, "rule 2: port list"));
	assert_non_null(strstr(msgs.v[1].msg, "too many items (at most 64)"));
	assert_non_null(strstr(msgs.v[2].msg, "vrf A leak-firewall to B: no ruleset"));
	assert_false(spec->rulesets[0].rules[0].usable);
	assert_false(spec->rulesets[0].rules[1].usable);
	assert_int_equal(spec->n_bindings, 0);
	sl_fw_spec_free(spec);
	sl_errors_free(&msgs);
	sl_conf_abort(c);
	sl_conf_free(c);
}

/* `leak-firewall to default`: the direction into the default VRF (id 0),
 * like a static's `vrf default`; deleting it unbinds. */
static void test_binding_to_default(void **state)
{
	(void)state;
	struct sl_router *r = router_with(
		"set vrf name CUST-A table 10\n"
		"set interfaces ethernet eth1 vrf CUST-A\n"
		"set interfaces ethernet eth1 address 10.1.0.1/24\n"
		"set interfaces ethernet eth4 address 203.0.113.2/24\n"
		"set vrf name CUST-A protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf "
		"default\n"
		"set firewall ipv4 name OUT rule 10 action accept\n"
		"set vrf name CUST-A leak-firewall to default name OUT\n");
	struct sl_fw_spec *spec = NULL;
	struct sl_errors msgs = {0};
	assert_int_equal(sl_router_fw_spec(r, &spec, &msgs), 0);
	assert_int_equal(msgs.n, 0);
	assert_int_equal(spec->n_bindings, 1);
	assert_string_equal(spec->bindings[0].from, "CUST-A");
	assert_string_equal(spec->bindings[0].to, "default");
	assert_int_equal(spec->bindings[0].from_vrf, vrf_id(r, "CUST-A"));
	assert_int_equal(spec->bindings[0].to_vrf, 0);
	assert_string_equal(spec->rulesets[spec->bindings[0].ruleset].name, "OUT");
	sl_fw_spec_free(spec);
	assert_int_equal(
		sl_router_apply(r, "delete vrf name CUST-A leak-firewall\n", &msgs, NULL), 0);
	assert_true(sl_router_fw_changed(r));
	assert_int_equal(sl_router_fw_spec(r, &spec, &msgs), 0);
	assert_int_equal(spec->n_bindings, 0);
	sl_fw_spec_free(spec);
	sl_errors_free(&msgs);
	sl_router_free(r);
}

/* Which transactions require a firewall rebuild. */
static void test_fw_changed(void **state)
{
	(void)state;
	struct sl_router *r = router_with(cfg);
	static const struct {
		const char *line;
		bool changed;
	} cases[] = {
		{"set firewall ipv4 name TO-SHARED rule 1 action accept", true},
		{"delete vrf name CUST-B leak-firewall", true},
		{"set vrf name NEW table 99", true},
		{"delete firewall ipv4 name REPLIES rule 10 state related", true},
		{"set interfaces ethernet eth1 description x", false},
		{"set policy prefix-list P rule 10 action permit", false},
		{"set vrf name CUST-A description hello", false},
		{"set vrf name CUST-A table 11", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_errors e = {0};
		if (sl_router_apply(r, cases[i].line, &e, NULL) != 0)
			fail_msg("%s: %s", cases[i].line, e.n ? e.v[0].msg : "?");
		if (sl_router_fw_changed(r) != cases[i].changed)
			fail_msg("%s: changed should be %d", cases[i].line, cases[i].changed);
		sl_errors_free(&e);
	}
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_from_config),
		cmocka_unit_test(test_bad_references_refused),
		cmocka_unit_test(test_unenforceable_warned),
		cmocka_unit_test(test_fw_changed),
		cmocka_unit_test(test_binding_to_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
