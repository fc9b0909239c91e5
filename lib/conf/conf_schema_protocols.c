/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema: static routes, shared by the default VRF (`protocols static`, registered
 * here) and every VRF (`vrf name V protocols static`, conf_schema_vrf.c), and
 * the FPM listener routes from FRR arrive on (`protocols fpm`).
 */
#include "conf_priv.h"

static const struct conf_schema s_distance = {"distance", CONF_LEAF, &conf_t_distance};
static const struct conf_schema s_vrf = {"vrf", CONF_LEAF, &conf_t_vrf_leak_ref};
/* not in VyOS (its statics have no weights): the share of an ECMP path */
static const struct conf_schema s_weight = {"weight", CONF_LEAF, &conf_t_weight};

static const struct conf_schema s_next_hop = {
	"next-hop", CONF_TAG, &conf_t_ipv4, CONF_KIDS(&s_distance, &s_vrf, &s_weight)};
static const struct conf_schema s_interface = {
	"interface", CONF_TAG, &conf_t_iface_ref, CONF_KIDS(&s_distance, &s_vrf, &s_weight)};
/* a presence node: `route P blackhole` is complete; distance optional */
static const struct conf_schema s_blackhole = {
	"blackhole", CONF_FLAG, NULL, CONF_KIDS(&s_distance)};

static const struct conf_schema s_route = {"route", CONF_TAG, &conf_t_prefix,
	CONF_KIDS(&s_blackhole, &s_interface, &s_next_hop), CONF_OBJ_ROUTE,
	.chg = SL_CHG_STATIC_ROUTE, .check = conf_check_route};

const struct conf_schema conf_s_static = {"static", CONF_CONTAINER, NULL, CONF_KIDS(&s_route)};

/* zebra's FPM connects here (FRR's `fpm address A port P` names the same):
 * the listener runs while the node exists; address default 127.0.0.1 */
static const struct conf_schema s_fpm_address = {"address", CONF_LEAF, &conf_t_ipv4};
static const struct conf_schema s_fpm_port = {"port", CONF_LEAF, &conf_t_port};
static const struct conf_schema s_fpm = {
	"fpm", CONF_CONTAINER, NULL, CONF_KIDS(&s_fpm_address, &s_fpm_port)};

/* The default VRF's BGP instance: its address-family leaks the default
 * VRF's routes (FRR's BGP routes from FPM, connected, static) by
 * route-target or `import vrf`, as in a VRF. VyOS's recipe sets `system-as`
 * here for VPN leaking between other VRFs, which sluice does without: alone,
 * it is kept, rendered and noticed. */
static const struct conf_schema s_bgp_system_as = {"system-as", CONF_LEAF, &conf_t_asn,
	.noop = "'protocols bgp system-as' alone (the default VRF's BGP instance) has no effect "
		"in sluice (accepted for VyOS compatibility): VRFs leak without it; it takes "
		"effect with 'protocols bgp address-family' (the default VRF's own leaks)",
	.noop_unless = (const char *const[]){"protocols", "bgp", "address-family", NULL}};
static const struct conf_schema s_bgp = {"bgp", CONF_CONTAINER, NULL,
	CONF_KIDS(&conf_s_bgp_af, &s_bgp_system_as), CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_BGP,
	.check = conf_check_default_bgp};

static const struct conf_schema s_protocols = {"protocols", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_bgp, &s_fpm, &conf_s_static), .chg = SL_CHG_STATICS};

CONF_SCHEMA_REGISTER(s_protocols, 40)
