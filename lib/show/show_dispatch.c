/* SPDX-License-Identifier: BSD-3-Clause */
/* Command registry of lib/show: each show_*.c registers its own commands. */
#include <errno.h>
#include <string.h>

#include "show_priv.h"
#include "sl_intent.h"

static struct show_cmd *commands;

void show_register(struct show_cmd *cmd)
{
	/* keep the list sorted by words so `help` is stable */
	struct show_cmd **p = &commands;
	while (*p != NULL && strcmp((*p)->words, cmd->words) < 0)
		p = &(*p)->next;
	cmd->next = *p;
	*p = cmd;
}

const struct show_cmd *show_commands(void)
{
	return commands;
}

/* Number of argv words (after "show") that match cmd->words, or -1. */
static int match_words(const struct show_cmd *cmd, int argc, char **argv)
{
	char buf[128];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", cmd->words);
	for (char *save, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n >= argc || strcmp(argv[n], w) != 0)
			return -1;
		n++;
	}
	return n;
}

int sl_show_exec(const struct sl_router *r, int argc, char **argv, bool json, FILE *out, FILE *err)
{
	const struct show_cmd *best = NULL;
	int best_n = -1;

	if (argc < 1 || strcmp(argv[0], "show") != 0)
		return -ENOENT;
	/* longest match: "show ip route" must not be taken by a shorter "show ip" */
	for (const struct show_cmd *c = commands; c; c = c->next) {
		int n = match_words(c, argc - 1, argv + 1);
		if (n > best_n) {
			best = c;
			best_n = n;
		}
	}
	if (best == NULL)
		return -ENOENT;

	struct show_ctx ctx = {
		.r = r,
		.rib = sl_router_rib_const(r),
		.json = json,
		.out = out,
		.err = err,
	};
	int rc = best->handler(&ctx, argc - 1 - best_n, argv + 1 + best_n);
	sl_intent_maps_free(ctx.maps);
	return rc;
}

void sl_show_help(FILE *out)
{
	for (const struct show_cmd *c = commands; c; c = c->next)
		fprintf(out, "show %s%s%s\n", c->words, c->usage[0] ? " " : "", c->usage);
}

void show_json_emit(struct show_ctx *ctx, json_t *v)
{
	if (v == NULL) {
		fprintf(ctx->err, "out of memory building JSON\n");
		return;
	}
	json_dumpf(v, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', ctx->out);
	json_decref(v);
}

char show_source_code(enum sl_rt_source s)
{
	return sl_rt_source(s)->code;
}

void show_nh_text(const struct sl_rib *rib, const struct sl_nh *nh, char *buf, size_t len)
{
	char a[16];
	const char *v;

	switch (nh->type) {
	case SL_NH_CONNECTED:
	case SL_NH_LOCAL:
		snprintf(buf, len, "is directly connected, %s", nh->ifname);
		break;
	case SL_NH_GATEWAY:
		snprintf(buf, len, "via %s, %s", sl_addr_fmt(nh->gw, a), nh->ifname);
		break;
	case SL_NH_BLACKHOLE:
		snprintf(buf, len, "unreachable (blackhole)");
		break;
	case SL_NH_VRF:
		v = sl_rib_vrf_name(rib, nh->vrf_id);
		snprintf(buf, len, "lookup in vrf %s", v ? v : "?");
		break;
	default:
		snprintf(buf, len, "?");
	}
}

json_t *show_nh_json(const struct sl_rib *rib, const struct sl_nh *nh)
{
	char a[16];
	const char *v;

	switch (nh->type) {
	case SL_NH_CONNECTED:
		return json_pack("{s:s, s:s}", "type", "connected", "interface", nh->ifname);
	case SL_NH_LOCAL:
		return json_pack("{s:s, s:s}", "type", "local", "interface", nh->ifname);
	case SL_NH_GATEWAY:
		return json_pack("{s:s, s:s, s:s}", "type", "gateway", "ip", sl_addr_fmt(nh->gw, a),
			"interface", nh->ifname);
	case SL_NH_BLACKHOLE:
		return json_pack("{s:s}", "type", "blackhole");
	case SL_NH_VRF:
		v = sl_rib_vrf_name(rib, nh->vrf_id);
		return json_pack("{s:s, s:s}", "type", "vrf", "vrf", v ? v : "?");
	}
	return json_pack("{s:s}", "type", "unknown");
}
