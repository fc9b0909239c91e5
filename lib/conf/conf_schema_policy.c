/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema: policy prefix-list NAME rule N {...}, policy route-map NAME rule N {...},
 * policy intent NAME deny from VRF to VRF,
 * policy intent NAME require from VRF to VRF address A.B.C.D (lib/commit's
 * commit_intent.c checks them at every commit).
 */
#include "conf_priv.h"

static const struct conf_schema s_action = {"action", CONF_LEAF, &conf_t_permit_deny};
static const struct conf_schema s_description = {"description", CONF_LEAF, &conf_t_text};

static const struct conf_schema s_ge = {"ge", CONF_LEAF, &conf_t_ge_le};
static const struct conf_schema s_le = {"le", CONF_LEAF, &conf_t_ge_le};
static const struct conf_schema s_prefix = {"prefix", CONF_LEAF, &conf_t_prefix};
static const struct conf_schema s_pl_rule = {"rule", CONF_TAG, &conf_t_rule_policy,
	CONF_KIDS(&s_action, &s_description, &s_ge, &s_le, &s_prefix)};
static const struct conf_schema s_prefix_list = {"prefix-list", CONF_TAG, &conf_t_policy_name,
	CONF_KIDS(&s_description, &s_pl_rule), CONF_OBJ_PREFIX_LIST, .chg = SL_CHG_PREFIX_LIST,
	.chg_all = SL_CHG_PREFIX_LISTS, .check = conf_check_prefix_list};

static const struct conf_schema s_match_pl = {"prefix-list", CONF_LEAF, &conf_t_prefix_list_ref};
static const struct conf_schema s_match_addr = {
	"address", CONF_CONTAINER, NULL, CONF_KIDS(&s_match_pl)};
static const struct conf_schema s_match_ip = {"ip", CONF_CONTAINER, NULL, CONF_KIDS(&s_match_addr)};
static const struct conf_schema s_match = {"match", CONF_CONTAINER, NULL, CONF_KIDS(&s_match_ip)};
static const struct conf_schema s_local_pref = {"local-preference", CONF_LEAF, &conf_t_u32_any};
static const struct conf_schema s_metric = {"metric", CONF_LEAF, &conf_t_u32_any};
static const struct conf_schema s_set = {
	"set", CONF_CONTAINER, NULL, CONF_KIDS(&s_local_pref, &s_metric)};
static const struct conf_schema s_rm_rule = {"rule", CONF_TAG, &conf_t_rule_policy,
	CONF_KIDS(&s_action, &s_description, &s_match, &s_set)};
static const struct conf_schema s_route_map = {"route-map", CONF_TAG, &conf_t_policy_name,
	CONF_KIDS(&s_description, &s_rm_rule), CONF_OBJ_ROUTE_MAP, .chg = SL_CHG_ROUTE_MAP,
	.chg_all = SL_CHG_ROUTE_MAPS, .check = conf_check_route_map};

/* one rule per intent: deny|require, one `from`, one `to` (conf_check_intent) */
static const struct conf_schema s_intent_addr = {"address", CONF_LEAF, &conf_t_ipv4};
static const struct conf_schema s_intent_to_deny = {"to", CONF_TAG, &conf_t_vrf_leak_ref};
static const struct conf_schema s_intent_to_require = {
	"to", CONF_TAG, &conf_t_vrf_leak_ref, CONF_KIDS(&s_intent_addr)};
static const struct conf_schema s_intent_from_deny = {
	"from", CONF_TAG, &conf_t_vrf_leak_ref, CONF_KIDS(&s_intent_to_deny)};
static const struct conf_schema s_intent_from_require = {
	"from", CONF_TAG, &conf_t_vrf_leak_ref, CONF_KIDS(&s_intent_to_require)};
static const struct conf_schema s_intent_deny = {
	"deny", CONF_CONTAINER, NULL, CONF_KIDS(&s_intent_from_deny)};
static const struct conf_schema s_intent_require = {
	"require", CONF_CONTAINER, NULL, CONF_KIDS(&s_intent_from_require)};
static const struct conf_schema s_intent = {"intent", CONF_TAG, &conf_t_policy_name,
	CONF_KIDS(&s_description, &s_intent_deny, &s_intent_require), CONF_OBJ_INTENT,
	.chg = SL_CHG_INTENT, .chg_all = SL_CHG_INTENTS, .check = conf_check_intent};

static const struct conf_schema s_policy = {"policy", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_prefix_list, &s_route_map, &s_intent), .chg = SL_CHG_POLICIES};

CONF_SCHEMA_REGISTER(s_policy, 30)
