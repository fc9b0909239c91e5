/* SPDX-License-Identifier: BSD-3-Clause */
/* port_map.c — ethN → DPDK port from the hw-ids (plain computation). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sl_port.h"

void sl_port_map_reset(struct sl_port_map *m)
{
	for (uint32_t n = 0; n < SL_PORT_ETH_MAX; n++) {
		m->eth_port[n] = -1;
		m->hw_id[n][0] = m->warned[n][0] = '\0';
	}
}

int sl_port_by_hw_id(const struct sl_port_id *ids, uint16_t n_ports, const char *hw_id)
{
	for (uint16_t p = 0; p < n_ports; p++)
		if (strcasecmp(ids[p].mac, hw_id) == 0 || strcasecmp(ids[p].name, hw_id) == 0)
			return p;
	return -1;
}

int sl_port_map_pin(struct sl_port_map *m, uint32_t eth, const char *hw_id,
	const struct sl_port_id *ids, uint16_t n_ports, uint32_t *other)
{
	if (eth >= SL_PORT_ETH_MAX || hw_id[0] == '\0')
		return -EINVAL;
	snprintf(m->hw_id[eth], sizeof(m->hw_id[eth]), "%s", hw_id);
	int p = sl_port_by_hw_id(ids, n_ports, hw_id);
	if (p < 0)
		return -ENOENT;
	/* its MAC and its device name, on two ethN */
	for (uint32_t o = 0; o < SL_PORT_ETH_MAX; o++)
		if (m->eth_port[o] == p) {
			*other = o;
			return -EEXIST;
		}
	m->eth_port[eth] = (int16_t)p;
	return p;
}

void sl_port_map_rest(struct sl_port_map *m, uint16_t n_ports)
{
	bool taken[SL_PORT_ETH_MAX] = {false};
	for (uint32_t n = 0; n < SL_PORT_ETH_MAX; n++)
		if (m->eth_port[n] >= 0 && m->eth_port[n] < SL_PORT_ETH_MAX)
			taken[m->eth_port[n]] = true;
	/* in probe order, around the pinned ones */
	for (uint32_t n = 0; n < n_ports && n < SL_PORT_ETH_MAX; n++)
		if (m->hw_id[n][0] == '\0' && !taken[n])
			m->eth_port[n] = (int16_t)n;
}

int sl_port_map_get(struct sl_port_map *m, uint32_t eth, const char *hw_id, bool *changed)
{
	*changed = false;
	if (eth >= SL_PORT_ETH_MAX)
		return -1;
	if (strcmp(hw_id, m->hw_id[eth]) != 0 && strcmp(hw_id, m->warned[eth]) != 0) {
		snprintf(m->warned[eth], sizeof(m->warned[eth]), "%s", hw_id);
		*changed = true;
	}
	return m->eth_port[eth];
}
