/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/show: command self-registration and shared formatting. */
#ifndef SHOW_PRIV_H
#define SHOW_PRIV_H

#include <jansson.h>
#include <stdio.h>

#include "sl_show.h"

struct sl_intent_maps;

struct show_ctx {
	const struct sl_router *r;
	const struct sl_rib *rib;
	bool json;
	FILE *out;
	FILE *err;
	/* the forwarding maps, built once per command when first needed
	 * (show_leak.c, show_route.c's forwarding of an address); freed after
	 * the handler */
	struct sl_intent_maps *maps;
};

/*
 * A show command: `words` are the fixed words after "show" ("ip route");
 * handler gets the remaining arguments. Returns 0, or -EINVAL after printing
 * a usage message to ctx->err.
 */
struct show_cmd {
	const char *words;
	const char *usage;
	int (*handler)(struct show_ctx *ctx, int argc, char **argv);
	struct show_cmd *next;
};

void show_register(struct show_cmd *cmd);
/* The registered commands, sorted by words. */
const struct show_cmd *show_commands(void);

#define SHOW_REGISTER(cmd)                                                 \
	static void __attribute__((constructor)) show_register_##cmd(void) \
	{                                                                  \
		show_register(&cmd);                                       \
	}

/* Print a JSON value to ctx->out (indented) and release it. */
void show_json_emit(struct show_ctx *ctx, json_t *v);

/* "is directly connected, eth2", "via 10.100.0.1, eth3", "unreachable (blackhole)" ... */
void show_nh_text(const struct sl_rib *rib, const struct sl_nh *nh, char *buf, size_t len);
json_t *show_nh_json(const struct sl_rib *rib, const struct sl_nh *nh);

char show_source_code(enum sl_rt_source s); /* 'C', 'L', 'S', 'B' */

/*
 * Records grouped by VRF id (show_group.c): the records of VRF v, in their
 * input order, are order[first[v] .. first[v + 1]). Ids >= SL_VRF_MAX share
 * the bucket SL_VRF_MAX. Build is O(records + SL_VRF_MAX).
 */
#define SHOW_BY_VRF_BUCKETS (SL_VRF_MAX + 1)
struct show_by_vrf {
	size_t *first; /* SHOW_BY_VRF_BUCKETS + 1 offsets into order */
	size_t *order; /* record indexes */
};
/* 0 or -ENOMEM (g left empty) */
int show_by_vrf_build(struct show_by_vrf *g, const uint32_t *vrf_ids, size_t n);
void show_by_vrf_free(struct show_by_vrf *g);

#endif
