/* SPDX-License-Identifier: BSD-3-Clause */
/* types_fwspec.c — the typed firewall description shared by lib/commit, lib/fw and lib/show. */
#include <stdlib.h>

#include "sl_types.h"

void sl_fw_spec_free(struct sl_fw_spec *spec)
{
	if (spec == NULL)
		return;
	for (size_t i = 0; i < spec->n_rulesets; i++)
		free(spec->rulesets[i].rules);
	free(spec->rulesets);
	free(spec->bindings);
	free(spec->nats);
	free(spec);
}

const char *sl_fw_spec_action_name(enum sl_fw_spec_action a)
{
	static const char *const names[] = {
		[SL_FW_SPEC_ACCEPT] = "accept",
		[SL_FW_SPEC_DROP] = "drop",
		[SL_FW_SPEC_REJECT] = "reject",
		[SL_FW_SPEC_NO_ACTION] = "-",
	};
	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "-";
}
