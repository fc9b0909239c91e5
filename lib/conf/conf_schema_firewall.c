/* SPDX-License-Identifier: BSD-3-Clause */
/* Schema: firewall ipv4 name NAME {default-action, description, rule N {...}} (issue 5 enforces) */
#include "conf_priv.h"

static const struct conf_schema s_action = {"action", CONF_LEAF, &conf_t_fw_action};
static const struct conf_schema s_default_action = {"default-action", CONF_LEAF, &conf_t_fw_action};
static const struct conf_schema s_description = {"description", CONF_LEAF, &conf_t_text};
static const struct conf_schema s_disable = {"disable", CONF_FLAG};
static const struct conf_schema s_address = {"address", CONF_LEAF, &conf_t_prefix};
static const struct conf_schema s_port = {"port", CONF_LEAF, &conf_t_ports};
static const struct conf_schema s_source = {
	"source", CONF_CONTAINER, NULL, CONF_KIDS(&s_address, &s_port)};
static const struct conf_schema s_destination = {
	"destination", CONF_CONTAINER, NULL, CONF_KIDS(&s_address, &s_port)};
static const struct conf_schema s_icmp_type = {"type", CONF_LEAF, &conf_t_u8};
static const struct conf_schema s_icmp = {"icmp", CONF_CONTAINER, NULL, CONF_KIDS(&s_icmp_type)};
static const struct conf_schema s_protocol = {"protocol", CONF_LEAF, &conf_t_fw_protocol};
static const struct conf_schema s_state = {"state", CONF_MULTI, &conf_t_fw_state};

static const struct conf_schema s_rule = {"rule", CONF_TAG, &conf_t_fw_rule,
	CONF_KIDS(&s_action, &s_description, &s_destination, &s_disable, &s_icmp, &s_protocol,
		&s_source, &s_state)};
static const struct conf_schema s_name = {"name", CONF_TAG, &conf_t_policy_name,
	CONF_KIDS(&s_default_action, &s_description, &s_rule), CONF_OBJ_RULESET,
	.chg = SL_CHG_RULESET, .chg_all = SL_CHG_FIREWALL, .check = conf_check_ruleset};
static const struct conf_schema s_ipv4 = {"ipv4", CONF_CONTAINER, NULL, CONF_KIDS(&s_name)};
static const struct conf_schema s_firewall = {
	"firewall", CONF_CONTAINER, NULL, CONF_KIDS(&s_ipv4), .chg = SL_CHG_FIREWALL};

CONF_SCHEMA_REGISTER(s_firewall, 10)
