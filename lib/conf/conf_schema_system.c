/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema: system — sluiced itself, not the routing.
 *
 * system syslog global facility F level L (VyOS's line): the level of
 * sluiced's log. Only facility `all` and `daemon` (sluiced logs as a daemon)
 * set it; the other facilities are kept and rendered, for configurations
 * written for VyOS. No change kind: the RIB does not read it (sluiced does,
 * after each commit).
 *
 * system control-plane interfaces {enable, prefix P, netns NAME,
 * rate-limit CLASS N}: a kernel TAP per default-VRF interface, so that
 * routing daemons (FRR's bgpd, ospfd) speak through sluice's ports
 * (lib/cpif). Off unless `enable` is set.
 */
#include "conf_priv.h"

static const struct conf_schema s_level = {"level", CONF_LEAF, &conf_t_syslog_level};
static const struct conf_schema s_facility = {
	"facility", CONF_TAG, &conf_t_syslog_facility, CONF_KIDS(&s_level)};
static const struct conf_schema s_global = {"global", CONF_CONTAINER, NULL, CONF_KIDS(&s_facility)};
static const struct conf_schema s_syslog = {"syslog", CONF_CONTAINER, NULL, CONF_KIDS(&s_global)};

static const struct conf_schema s_enable = {"enable", CONF_FLAG};
static const struct conf_schema s_prefix = {"prefix", CONF_LEAF, &conf_t_cp_prefix};
static const struct conf_schema s_netns = {"netns", CONF_LEAF, &conf_t_netns};

/* punts to the kernel a second per class, as large a burst */
static const struct conf_schema s_rl_bgp = {"bgp", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rl_ospf = {"ospf", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rl_tcp = {"tcp", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rl_udp = {"udp", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rl_icmp = {"icmp", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rl_arp = {"arp", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rl_other = {"other", CONF_LEAF, &conf_t_pps};
static const struct conf_schema s_rate_limit = {"rate-limit", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_rl_arp, &s_rl_bgp, &s_rl_icmp, &s_rl_ospf, &s_rl_other, &s_rl_tcp, &s_rl_udp)};

static const struct conf_schema s_interfaces = {"interfaces", CONF_CONTAINER, NULL,
	CONF_KIDS(&s_enable, &s_netns, &s_prefix, &s_rate_limit)};
static const struct conf_schema s_control_plane = {
	"control-plane", CONF_CONTAINER, NULL, CONF_KIDS(&s_interfaces)};
static const struct conf_schema s_system = {
	"system", CONF_CONTAINER, NULL, CONF_KIDS(&s_control_plane, &s_syslog)};

CONF_SCHEMA_REGISTER(s_system, 60)
