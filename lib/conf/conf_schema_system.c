/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema: system syslog global facility F level L (VyOS's line): the level of
 * sluiced's log. Only facility `all` and `daemon` (sluiced logs as a daemon)
 * set it; the other facilities are kept and rendered, for configurations
 * written for VyOS. No change kind: the RIB does not read it (sluiced does,
 * after each commit).
 */
#include "conf_priv.h"

static const struct conf_schema s_level = {"level", CONF_LEAF, &conf_t_syslog_level};
static const struct conf_schema s_facility = {
	"facility", CONF_TAG, &conf_t_syslog_facility, CONF_KIDS(&s_level)};
static const struct conf_schema s_global = {"global", CONF_CONTAINER, NULL, CONF_KIDS(&s_facility)};
static const struct conf_schema s_syslog = {"syslog", CONF_CONTAINER, NULL, CONF_KIDS(&s_global)};
static const struct conf_schema s_system = {"system", CONF_CONTAINER, NULL, CONF_KIDS(&s_syslog)};

CONF_SCHEMA_REGISTER(s_system, 60)
