/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading the received leaks back from `show leak --json` (lib/show/show_leak.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit_priv.h"

static int mech_parse(const char *s, enum sl_leak_mech *m)
{
	for (int i = SL_LEAK_STATIC; i <= SL_LEAK_IMPORT_VRF; i++) {
		if (strcmp(s, sl_leak_mech_name((enum sl_leak_mech)i)) == 0) {
			*m = (enum sl_leak_mech)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* One element of a VRF's "received" array. */
static int leak_parse(json_t *r, const char *vrf, struct sl_leak *l)
{
	const char *prefix = json_string_value(json_object_get(r, "prefix"));
	const char *from = json_string_value(json_object_get(r, "from"));
	const char *mech = json_string_value(json_object_get(r, "mechanism"));
	const char *detail = json_string_value(json_object_get(r, "detail"));

	memset(l, 0, sizeof(*l));
	if (vrf == NULL || prefix == NULL || from == NULL || mech == NULL ||
		sl_prefix_parse(prefix, &l->prefix, false) < 0 || mech_parse(mech, &l->mech) < 0)
		return -EINVAL;
	snprintf(l->vrf, sizeof(l->vrf), "%s", vrf);
	snprintf(l->origin, sizeof(l->origin), "%s", from);
	snprintf(l->detail, sizeof(l->detail), "%s", detail ? detail : "");
	l->active = json_is_true(json_object_get(r, "active"));
	l->selected = json_is_true(json_object_get(r, "selected"));
	return 0;
}

int sl_leak_received_from_json(const char *text, struct sl_leak **out, size_t *n)
{
	json_t *root = json_loads(text, 0, NULL), *vrfs = json_object_get(root, "vrfs"), *vrf, *r;
	size_t i, k, cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_array(vrfs))
		rc = -EINVAL;
	json_array_foreach(vrfs, i, vrf)
	{
		const char *name = json_string_value(json_object_get(vrf, "name"));
		json_array_foreach(json_object_get(vrf, "received"), k, r)
		{
			struct sl_leak l;
			if (rc == 0 && (rc = leak_parse(r, name, &l)) == 0 &&
				(rc = audit_grow(out, &cap, *n, sizeof(l))) == 0)
				(*out)[(*n)++] = l;
		}
	}
	json_decref(root);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
