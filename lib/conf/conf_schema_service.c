/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schema: daemon services (`service ...`). Today one: sluiced's Prometheus
 * endpoint (`service monitoring prometheus`; VyOS's own node exporter sits
 * under the same `service monitoring`). A presence node: `set service
 * monitoring prometheus` alone turns it on; listen-address default 127.0.0.1
 * (metrics are not for the world), port default 9111.
 */
#include "conf_priv.h"

static const struct conf_schema s_prom_address = {"listen-address", CONF_LEAF, &conf_t_ipv4};
static const struct conf_schema s_prom_port = {"port", CONF_LEAF, &conf_t_port};
static const struct conf_schema s_prometheus = {
	"prometheus", CONF_FLAG, NULL, CONF_KIDS(&s_prom_address, &s_prom_port)};
static const struct conf_schema s_monitoring = {
	"monitoring", CONF_CONTAINER, NULL, CONF_KIDS(&s_prometheus)};
static const struct conf_schema s_service = {
	"service", CONF_CONTAINER, NULL, CONF_KIDS(&s_monitoring)};

CONF_SCHEMA_REGISTER(s_service, 45)
