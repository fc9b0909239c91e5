/* SPDX-License-Identifier: BSD-3-Clause */
/* Schema: vrf name V {table, description, protocols {static, bgp}, leak-firewall to VRF name RS,
 *   leak-nat to VRF source translation address P [port LO-HI],
 *   ip answer-across-leaks} */
#include "conf_priv.h"

static const struct conf_schema s_description = {"description", CONF_LEAF, &conf_t_text, NULL,
	CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_DESCRIPTION};
static const struct conf_schema s_table = {"table", CONF_LEAF, &conf_t_table, NULL,
	CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_TABLE, .check = conf_check_vrf_table};

/* binding of a firewall ruleset to the leak point towards VRF `to` (issue 5) */
static const struct conf_schema s_lf_name = {"name", CONF_LEAF, &conf_t_ruleset_ref};
static const struct conf_schema s_lf_to = {
	"to", CONF_TAG, &conf_t_vrf_leak_ref, CONF_KIDS(&s_lf_name)};
static const struct conf_schema s_leak_firewall = {"leak-firewall", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_lf_to), CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_LEAK_FIREWALL,
	.check = conf_check_leak_firewall};

/* source NAT at the leak point towards VRF `to` (issue 15): packets
 * leaving V into `to` take a source from the pool */
static const struct conf_schema s_ln_address = {"address", CONF_LEAF, &conf_t_prefix};
static const struct conf_schema s_ln_port = {"port", CONF_LEAF, &conf_t_ports};
static const struct conf_schema s_ln_translation = {
	"translation", CONF_CONTAINER, NULL, CONF_KIDS(&s_ln_address, &s_ln_port)};
static const struct conf_schema s_ln_source = {
	"source", CONF_CONTAINER, NULL, CONF_KIDS(&s_ln_translation)};
static const struct conf_schema s_ln_to = {
	"to", CONF_TAG, &conf_t_vrf_leak_ref, CONF_KIDS(&s_ln_source)};
static const struct conf_schema s_leak_nat = {"leak-nat", CONF_CONTAINER, NULL, CONF_KIDS(&s_ln_to),
	CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_LEAK_NAT, .check = conf_check_leak_nat};

/* whether the VRF's own addresses answer packets that reach them through a
 * leak from another VRF (issue 12; default: they do not, dropped local_leak) */
static const struct conf_schema s_answer_across_leaks = {"answer-across-leaks", CONF_FLAG};
static const struct conf_schema s_ip = {"ip", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_answer_across_leaks), CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_IP};

static const struct conf_schema s_protocols = {
	"protocols", CONF_CONTAINER, NULL, CONF_KIDS(&conf_s_bgp, &conf_s_static)};

static const struct conf_schema s_name = {"name", CONF_TAG, &conf_t_vrf_name,
	CONF_KIDS(&s_description, &s_ip, &s_leak_firewall, &s_leak_nat, &s_protocols, &s_table),
	CONF_OBJ_VRF, .chg = SL_CHG_VRF, .chg_all = SL_CHG_VRFS, .check = conf_check_vrf};

static const struct conf_schema s_vrf = {
	"vrf", CONF_CONTAINER, NULL, CONF_KIDS(&s_name), .chg = SL_CHG_VRFS};

CONF_SCHEMA_REGISTER(s_vrf, 50)
