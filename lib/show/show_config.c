/* SPDX-License-Identifier: BSD-3-Clause */
/* show configuration */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conf.h"
#include "show_priv.h"

static int cmd_configuration(struct show_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		fprintf(ctx->err, "usage: show configuration\n");
		return -EINVAL;
	}
	if (ctx->json) {
		char *text = sl_conf_render_str(sl_router_conf_const(ctx->r));
		json_t *lines = json_array();
		for (char *save, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
			l = strtok_r(NULL, "\n", &save))
			json_array_append_new(lines, json_string(l));
		free(text);
		show_json_emit(ctx, json_pack("{s:o}", "lines", lines));
		return 0;
	}
	return sl_router_render(ctx->r, ctx->out);
}

static struct show_cmd show_configuration = {
	.words = "configuration",
	.usage = "",
	.handler = cmd_configuration,
};
SHOW_REGISTER(show_configuration)
