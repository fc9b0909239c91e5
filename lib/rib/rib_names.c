/* SPDX-License-Identifier: BSD-3-Clause */
/* Interned names: routes refer to VRFs, interfaces and route-maps by a
 * 16-bit id so a candidate stays small. Names are never un-interned. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

name_id rib_name_find(const struct sl_rib *rib, const char *name)
{
	if (name == NULL || name[0] == '\0' || rib->name_index_cap == 0)
		return 0;
	size_t mask = rib->name_index_cap - 1;
	for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		name_id id = rib->name_index[i];
		if (id == 0)
			return 0;
		if (strcmp(rib->names[id], name) == 0)
			return id;
	}
}

static int index_grow(struct sl_rib *rib)
{
	size_t cap = rib->name_index_cap ? rib->name_index_cap * 2 : 64;
	name_id *idx = calloc(cap, sizeof(*idx));
	if (idx == NULL)
		return -ENOMEM;
	for (size_t id = 1; id < rib->n_names; id++) {
		size_t i = name_hash(rib->names[id]) & (cap - 1);
		while (idx[i])
			i = (i + 1) & (cap - 1);
		idx[i] = (name_id)id;
	}
	free(rib->name_index);
	rib->name_index = idx;
	rib->name_index_cap = cap;
	return 0;
}

name_id rib_name_intern(struct sl_rib *rib, const char *name)
{
	name_id id = rib_name_find(rib, name);
	if (id || name == NULL || name[0] == '\0')
		return id;
	if (rib->n_names >= 0xfffe)
		return RIB_NAME_NOMEM;
	if (rib->n_names == rib->cap_names) {
		size_t cap = rib->cap_names * 2;
		void *v = realloc(rib->names, cap * sizeof(*rib->names));
		if (v == NULL)
			return RIB_NAME_NOMEM;
		rib->names = v;
		rib->cap_names = cap;
	}
	if ((rib->n_names + 1) * 2 > rib->name_index_cap && index_grow(rib) < 0)
		return RIB_NAME_NOMEM;
	id = (name_id)rib->n_names++;
	memset(rib->names[id], 0, SL_NAME_MAX);
	strncpy(rib->names[id], name, SL_NAME_MAX - 1);
	size_t mask = rib->name_index_cap - 1;
	size_t i = name_hash(rib->names[id]) & mask;
	while (rib->name_index[i])
		i = (i + 1) & mask;
	rib->name_index[i] = id;
	return id;
}

struct rib_vrf *rib_vrf_by_name_id(const struct sl_rib *rib, name_id id)
{
	if (id == 0 || id >= rib->cap_name_vrf || rib->name_vrf[id] == 0)
		return NULL;
	return rib->vrfs[rib->name_vrf[id] - 1];
}

struct rib_vrf *rib_vrf_by_name(const struct sl_rib *rib, const char *name)
{
	if (name == NULL || name[0] == '\0')
		return rib->vrfs[0];
	return rib_vrf_by_name_id(rib, rib_name_find(rib, name));
}
