/* SPDX-License-Identifier: BSD-3-Clause */
/* cpif_conf.c — `system control-plane interfaces` read from the configuration. */
#include <stdlib.h>
#include <string.h>

#include "sl_conf.h"
#include "sl_cpif.h"

const char *const sl_cpif_class_names[SL_CPIF__CLASSES] = {
#define X(e, s, r) s,
	SL_CPIF_CLASSES(X)
#undef X
};
const uint32_t sl_cpif_rate_default[SL_CPIF__CLASSES] = {
#define X(e, s, r) r,
	SL_CPIF_CLASSES(X)
#undef X
};

void sl_cpif_conf_read(const struct sl_conf *c, struct sl_cpif_conf *out)
{
	const struct sl_conf_node *n =
		sl_conf_findv(c, "system", "control-plane", "interfaces", NULL);
	const char *v;
	memset(out, 0, sizeof(*out));
	out->enabled = n != NULL && sl_conf_has(n, "enable");
	v = n != NULL ? sl_conf_leaf_value(n, "prefix") : NULL;
	snprintf(out->prefix, sizeof(out->prefix), "%s", v != NULL ? v : "cp-");
	v = n != NULL ? sl_conf_leaf_value(n, "netns") : NULL;
	snprintf(out->netns, sizeof(out->netns), "%s", v != NULL ? v : "");
	const struct sl_conf_node *rl = n != NULL ? sl_conf_child(n, "rate-limit") : NULL;
	for (unsigned k = 0; k < SL_CPIF__CLASSES; k++) {
		v = rl != NULL ? sl_conf_leaf_value(rl, sl_cpif_class_names[k]) : NULL;
		out->rate[k] = v != NULL ? (uint32_t)strtoul(v, NULL, 10) : sl_cpif_rate_default[k];
	}
}
