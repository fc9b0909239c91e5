/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema: vrf name V protocols bgp — local route-target leaking. Both the short
 * (`rd RD`, `route-target import RT`) and VyOS's spellings (`rd vpn export RD`,
 * `route-target vpn import RT`) are accepted and rendered as given. VyOS's
 * recipe lines that matter only between routers (`import vpn`, `export vpn`,
 * `label vpn export`, `nexthop vpn export`) are kept and rendered but do
 * nothing: each gets a notice (.noop; doc/configuration.md, VyOS table).
 */
#include "conf_priv.h"

#define RT_MULTI(var, word)                     \
	static const struct conf_schema var = { \
		word, CONF_MULTI, &conf_t_rt, NULL, CONF_OBJ_NONE, true}

RT_MULTI(s_rt_both, "both");
RT_MULTI(s_rt_export, "export");
RT_MULTI(s_rt_import, "import");
static const struct conf_schema s_rt_vpn = {
	"vpn", CONF_CONTAINER, NULL, CONF_KIDS(&s_rt_both, &s_rt_export, &s_rt_import)};
static const struct conf_schema s_route_target = {"route-target", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_rt_both, &s_rt_export, &s_rt_import, &s_rt_vpn)};

static const struct conf_schema s_rd_export = {"export", CONF_LEAF, &conf_t_rt};
static const struct conf_schema s_rd_vpn = {"vpn", CONF_CONTAINER, NULL, CONF_KIDS(&s_rd_export)};
/* `rd RD` and `rd vpn export RD`: a leaf that also has a keyword child */
static const struct conf_schema s_rd = {"rd", CONF_LEAF, &conf_t_rt, CONF_KIDS(&s_rd_vpn)};

#define NOOP " has no effect in sluice (accepted for VyOS compatibility): "
static const struct conf_schema s_import_vpn = {"vpn", CONF_FLAG,
	.noop = "'import vpn'" NOOP "the VRF imports by its route-target import alone"};
static const struct conf_schema s_export_vpn = {"vpn", CONF_FLAG,
	.noop = "'export vpn'" NOOP "the VRF exports by its route-target export alone"};
static const struct conf_schema s_import_vrf = {"vrf", CONF_MULTI, &conf_t_vrf_leak_ref};
static const struct conf_schema s_import = {
	"import", CONF_CONTAINER, NULL, CONF_KIDS(&s_import_vrf, &s_import_vpn)};
static const struct conf_schema s_export = {
	"export", CONF_CONTAINER, NULL, CONF_KIDS(&s_export_vpn)};

/* VyOS: label vpn export auto|N, nexthop vpn export A.B.C.D (MPLS VPN only) */
static const struct conf_schema s_label_export = {"export", CONF_LEAF, &conf_t_label};
static const struct conf_schema s_label_vpn = {
	"vpn", CONF_CONTAINER, NULL, CONF_KIDS(&s_label_export)};
static const struct conf_schema s_label = {"label", CONF_CONTAINER, NULL, CONF_KIDS(&s_label_vpn),
	.noop = "'label vpn export'" NOOP "leaks stay inside the router, without MPLS labels"};
static const struct conf_schema s_nexthop_export = {"export", CONF_LEAF, &conf_t_ipv4};
static const struct conf_schema s_nexthop_vpn = {
	"vpn", CONF_CONTAINER, NULL, CONF_KIDS(&s_nexthop_export)};
static const struct conf_schema s_nexthop = {"nexthop", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_nexthop_vpn),
	.noop = "'nexthop vpn export'" NOOP
		"a leaked route keeps its next hops in the exporting VRF"};

static const struct conf_schema s_rm_export = {"export", CONF_LEAF, &conf_t_route_map_ref};
static const struct conf_schema s_rm_import = {"import", CONF_LEAF, &conf_t_route_map_ref};
static const struct conf_schema s_rm_vpn = {
	"vpn", CONF_CONTAINER, NULL, CONF_KIDS(&s_rm_export, &s_rm_import)};
static const struct conf_schema s_route_map = {
	"route-map", CONF_CONTAINER, NULL, CONF_KIDS(&s_rm_vpn)};

static const struct conf_schema s_connected = {"connected", CONF_FLAG};
static const struct conf_schema s_static = {"static", CONF_FLAG};
static const struct conf_schema s_redistribute = {
	"redistribute", CONF_CONTAINER, NULL, CONF_KIDS(&s_connected, &s_static)};

static const struct conf_schema s_ipv4_unicast = {"ipv4-unicast", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_export, &s_import, &s_label, &s_nexthop, &s_rd, &s_redistribute, &s_route_map,
		&s_route_target)};
const struct conf_schema conf_s_bgp_af = {
	"address-family", CONF_CONTAINER, NULL, CONF_KIDS(&s_ipv4_unicast)};
static const struct conf_schema s_system_as = {"system-as", CONF_LEAF, &conf_t_asn};

const struct conf_schema conf_s_bgp = {"bgp", CONF_CONTAINER, NULL,
	CONF_KIDS(&conf_s_bgp_af, &s_system_as), CONF_OBJ_VRF_PART, .chg = SL_CHG_VRF_BGP,
	.check = conf_check_vrf_bgp};
