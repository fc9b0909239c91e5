/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_module.c — the "fib" module: the FIB, the start-up configuration in
 * it, and the running configuration's interfaces and RIB changes pushed to
 * it after each commit or FPM batch (sl_fib_module_sync). Typed input only
 * (lib/commit's sl_fib_change and sl_iface_state): this file never reads the
 * configuration. Which port an interface is on is the daemon's to say
 * (struct sl_fib_wiring's port_of).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "sl_commit.h"
#include "sl_fib.h"
#include "sl_log.h"
#include "sl_module.h"

static struct sl_fib_wiring wire;
static struct sl_fib_config cfg;

void sl_fib_module_wire(const struct sl_fib_wiring *w)
{
	wire = *w;
}

struct iface_ctx {
	struct sl_fib_iface_conf *v;
	size_t n;
};

static int iface_cb(const struct sl_iface_state *ifs, void *arg)
{
	struct iface_ctx *ctx = arg;
	if (ctx->n == SL_FIB_IFACE_MAX)
		return 1;
	struct rte_ether_addr mac;
	int port = wire.port_of(wire.port_ctx, ifs, &mac);
	if (port < 0)
		return 0; /* inactive: port_of said so */
	struct sl_fib_iface_conf *c = &ctx->v[ctx->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", ifs->ifname);
	c->port = (uint16_t)port;
	c->vlan = ifs->vlan;
	c->vrf_id = ifs->vrf_id;
	c->mac = mac;
	c->up = ifs->up;
	c->src_valid = (uint8_t)ifs->src_valid;
	c->answer_across_leaks = ifs->answer_across_leaks;
	c->mtu = ifs->mtu;
	c->n_addrs = RTE_MIN(ifs->n_addrs, (size_t)SL_FIB_IFACE_ADDRS);
	memcpy(c->addrs, ifs->addrs, c->n_addrs * sizeof(c->addrs[0]));
	return 0;
}

static int reserve(const struct sl_fib_change *ch, size_t n, char *msg, size_t len)
{
	struct sl_fib_reserve_fail f;
	int rc = sl_fib_reserve(*wire.fib, ch, n, &f);
	if (rc == 0)
		return 0;
	const char *name = sl_rib_vrf_name(sl_router_rib_const(*wire.router), f.vrf_id);
	for (size_t i = 0; name == NULL && i < n; i++)
		if (ch[i].op == SL_FIB_VRF_ADD && ch[i].vrf_id == f.vrf_id)
			name = ch[i].vrf_name;
	return sl_fib_reserve_why(rc, &f, name, msg, len);
}

/* sl_router_prepare_fn: a commit the FIB cannot hold is refused whole. */
static int fib_prepare(
	const struct sl_fib_change *changes, size_t n, char *msg, size_t msg_len, void *ctx)
{
	(void)ctx;
	char why[200];
	int rc = reserve(changes, n, why, sizeof(why));
	if (rc < 0)
		snprintf(msg, msg_len, "commit refused: %s; nothing was changed", why);
	return rc;
}

int sl_fib_module_sync(void)
{
	struct sl_router *router = *wire.router;
	struct sl_fib *fib = *wire.fib;
	struct iface_ctx ctx = {.v = calloc(SL_FIB_IFACE_MAX, sizeof(*ctx.v))};
	if (ctx.v == NULL)
		return -ENOMEM;
	/* routes first: they may name interfaces; the map then binds them. The
	 * commit reserved their memory (fib_prepare), so only a bug fails. */
	const struct sl_fib_change *ch;
	size_t n = sl_router_changes(router, &ch);
	struct sl_fib_apply_result res;
	int rc = sl_fib_apply(fib, ch, n, &res);
	if (rc < 0 && wire.failed != NULL) { /* said by lib/tele's log module */
		*wire.failed += res.failed ? res.failed : 1;
		snprintf(wire.failed_why, wire.failed_why_len, "%s", strerror(-rc));
	}
	sl_fib_unreserve(fib); /* what the changes did not use */
	sl_router_changes_clear(router);
	sl_router_iface_foreach(router, iface_cb, &ctx);
	int irc = sl_fib_iface_sync(fib, ctx.v, ctx.n);
	free(ctx.v);
	if (irc < 0) {
		sl_log(SL_LOG_ERR, NULL, "interface map: %s", strerror(-irc));
		return irc;
	}
	return rc;
}

static void fib_fini(void *ctx)
{
	(void)ctx;
	sl_router_prepare_set(*wire.router, NULL, NULL);
	sl_fib_free(*wire.fib);
	*wire.fib = NULL;
}

static int fib_init(void *ctx)
{
	if (wire.fib == NULL || wire.port_of == NULL) {
		sl_log(SL_LOG_ERR, NULL, "fib: module not wired (sl_fib_module_wire)");
		return -EINVAL;
	}
	cfg.socket_id = (int)rte_socket_id();
	cfg.neigh_max = wire.neigh_max;
	*wire.fib = sl_fib_new(&cfg);
	if (*wire.fib == NULL) {
		sl_log(SL_LOG_ERR, NULL, "cannot create the FIB: %s", strerror(errno));
		return -ENOMEM;
	}
	/* the loaded configuration fits whole, or the daemon does not start */
	const char *what = wire.config_path != NULL && *wire.config_path != NULL
				   ? *wire.config_path
				   : "the configuration";
	char msg[256];
	const struct sl_fib_change *ch;
	size_t n = sl_router_changes(*wire.router, &ch);
	int e = reserve(ch, n, msg, sizeof(msg));
	if (e < 0) {
		sl_log(SL_LOG_ERR, NULL, "%s does not fit: %s; not starting half-loaded", what,
			msg);
		fib_fini(ctx);
		return e;
	}
	sl_router_prepare_set(*wire.router, fib_prepare, NULL);
	if (wire.ports_map != NULL)
		wire.ports_map(wire.port_ctx); /* ethN → port, for good */
	if ((e = sl_fib_module_sync()) < 0) {
		struct sl_fib_stats fs;
		sl_fib_stats_get(*wire.fib, &fs);
		sl_log(SL_LOG_ERR, NULL,
			"cannot install the configuration in the FIB: %s "
			"(VRF tables so far: %u, %zu MiB of DPDK memory; a new VRF takes %zu KiB, "
			"a VRF past %u groups %zu MiB)",
			strerror(-e), fs.vrfs, fs.bytes_total >> 20, sl_fib_vrf_bytes(&cfg) >> 10,
			SL_FIB_SMALL_GROUPS_MAX, sizeof(struct rte_lpm) >> 20);
		fib_fini(ctx);
		return e;
	}
	return 0;
}

static struct sl_module fib_module = {
	.name = "fib", .deps = "config ports", .init = fib_init, .fini = fib_fini};
SL_MODULE_REGISTER(fib_module)
