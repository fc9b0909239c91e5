/* SPDX-License-Identifier: BSD-3-Clause */
/* Schema: interfaces ethernet ethN {address, vrf, description, disable, hw-id,
 * mtu, ip source-validation, vif V {...}} */
#include "conf_priv.h"

static const struct conf_schema s_address = {"address", CONF_MULTI, &conf_t_ifaddr};
static const struct conf_schema s_vrf = {"vrf", CONF_LEAF, &conf_t_vrf_ref};
static const struct conf_schema s_description = {"description", CONF_LEAF, &conf_t_text};
static const struct conf_schema s_disable = {"disable", CONF_FLAG};
static const struct conf_schema s_mtu = {"mtu", CONF_LEAF, &conf_t_mtu};
/* VyOS: the NIC (its MAC) that is ethN; sluice also takes a PCI address.
 * sluiced reads it at start-up only (the ports are probed once). */
static const struct conf_schema s_hw_id = {"hw-id", CONF_LEAF, &conf_t_hw_id};
/* VyOS: ip source-validation strict|loose|disable (lib/commit resolves the default) */
static const struct conf_schema s_source_validation = {
	"source-validation", CONF_LEAF, &conf_t_src_valid};
static const struct conf_schema s_ip = {
	"ip", CONF_CONTAINER, NULL, CONF_KIDS(&s_source_validation)};

static const struct conf_schema s_vif = {"vif", CONF_TAG, &conf_t_vlan,
	CONF_KIDS(&s_address, &s_description, &s_disable, &s_ip, &s_mtu, &s_vrf), CONF_OBJ_VIF,
	.chg = SL_CHG_VIF, .check = conf_check_iface};

static const struct conf_schema s_ethernet = {"ethernet", CONF_TAG, &conf_t_ethernet,
	CONF_KIDS(&s_address, &s_description, &s_disable, &s_hw_id, &s_ip, &s_mtu, &s_vif, &s_vrf),
	CONF_OBJ_ETHERNET, .chg = SL_CHG_INTERFACE, .chg_all = SL_CHG_INTERFACES,
	.check = conf_check_iface};

static const struct conf_schema s_interfaces = {
	"interfaces", CONF_CONTAINER, NULL, CONF_KIDS(&s_ethernet), .chg = SL_CHG_INTERFACES};

CONF_SCHEMA_REGISTER(s_interfaces, 20)
