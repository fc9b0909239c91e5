/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_sync.c — push the running configuration's interfaces and RIB changes to the FIB. */
#include <errno.h>
#include <string.h>

#include "sluiced.h"

struct iface_ctx {
	struct sd *s;
	struct sl_fib_iface_conf *v;
	size_t n;
};

static int iface_cb(const struct sl_iface_state *ifs, void *arg)
{
	struct iface_ctx *ctx = arg;
	struct sd *s = ctx->s;
	if (ctx->n == SL_FIB_IFACE_MAX)
		return 1;
	if (ifs->port_id >= s->n_ports) {
		SD_LOG(WARNING, "%s: no such port (%u probed): interface inactive", ifs->ifname,
			s->n_ports);
		return 0;
	}
	struct sl_fib_iface_conf *c = &ctx->v[ctx->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", ifs->ifname);
	c->port = (uint16_t)ifs->port_id;
	c->vlan = ifs->vlan;
	c->vrf_id = ifs->vrf_id;
	c->mac = s->ports[ifs->port_id].mac;
	c->up = ifs->up;
	c->mtu = ifs->mtu;
	c->n_addrs = RTE_MIN(ifs->n_addrs, (size_t)SL_FIB_IFACE_ADDRS);
	memcpy(c->addrs, ifs->addrs, c->n_addrs * sizeof(c->addrs[0]));
	return 0;
}

int sd_sync(struct sd *s)
{
	struct iface_ctx ctx = {.s = s, .v = calloc(SL_FIB_IFACE_MAX, sizeof(*ctx.v))};
	if (ctx.v == NULL)
		return -ENOMEM;
	/* routes first: they may name interfaces; the map then binds them */
	const struct sl_fib_change *ch;
	size_t n = sl_router_changes(s->router, &ch);
	struct sl_fib_apply_result res;
	int rc = sl_fib_apply(s->fib, ch, n, &res);
	if (rc < 0)
		SD_LOG(ERR, "FIB: %zu of %zu changes failed (first: %s)", res.failed, n,
			strerror(-rc));
	sl_router_changes_clear(s->router);
	sl_router_iface_foreach(s->router, iface_cb, &ctx);
	int irc = sl_fib_iface_sync(s->fib, ctx.v, ctx.n);
	free(ctx.v);
	if (irc < 0) {
		SD_LOG(ERR, "interface map: %s", strerror(-irc));
		return irc;
	}
	return rc;
}
