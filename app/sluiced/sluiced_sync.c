/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_sync.c — the "config" module (the router and --config FILE), the
 * "fib" module, and pushing the running configuration's interfaces and RIB
 * changes to the FIB. */
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
	int port = sd_port_of(s, ifs);
	if (port < 0) {
		/* once per ethN, not at every commit or FPM batch */
		if (ifs->port_id < SD_ETH_MAX && !s->eth_inactive_said[ifs->port_id]) {
			s->eth_inactive_said[ifs->port_id] = true;
			if (ifs->hw_id[0] == '\0' && ifs->port_id < s->n_ports)
				sl_log(SL_LOG_WARNING, "ports",
					"%s: port %u is another interface's (by its hw-id): "
					"interface inactive; give %s a hw-id",
					ifs->port, ifs->port_id, ifs->port);
			else
				SD_LOG(WARNING,
					"%s: no such port (%u probed%s): interface inactive",
					ifs->port, s->n_ports,
					ifs->hw_id[0] ? ", none with its hw-id" : "");
		}
		return 0;
	}
	struct sl_fib_iface_conf *c = &ctx->v[ctx->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", ifs->ifname);
	c->port = (uint16_t)port;
	c->vlan = ifs->vlan;
	c->vrf_id = ifs->vrf_id;
	c->mac = s->ports[port].mac;
	c->up = ifs->up;
	c->src_valid = (uint8_t)ifs->src_valid;
	c->answer_across_leaks = ifs->answer_across_leaks;
	c->mtu = ifs->mtu;
	c->n_addrs = RTE_MIN(ifs->n_addrs, (size_t)SL_FIB_IFACE_ADDRS);
	memcpy(c->addrs, ifs->addrs, c->n_addrs * sizeof(c->addrs[0]));
	return 0;
}

static int reserve(struct sd *s, const struct sl_fib_change *ch, size_t n, char *msg, size_t len)
{
	struct sl_fib_reserve_fail f;
	int rc = sl_fib_reserve(s->fib, ch, n, &f);
	if (rc == 0)
		return 0;
	const char *name = sl_rib_vrf_name(sl_router_rib_const(s->router), f.vrf_id);
	for (size_t i = 0; name == NULL && i < n; i++)
		if (ch[i].op == SL_FIB_VRF_ADD && ch[i].vrf_id == f.vrf_id)
			name = ch[i].vrf_name;
	return sl_fib_reserve_why(rc, &f, name, msg, len);
}

static int fib_reserve(struct sd *s, char *msg, size_t msg_len)
{
	const struct sl_fib_change *ch;
	size_t n = sl_router_changes(s->router, &ch);
	return reserve(s, ch, n, msg, msg_len);
}

/* sl_router_prepare_fn: a commit the FIB cannot hold is refused whole. */
static int fib_prepare(
	const struct sl_fib_change *changes, size_t n, char *msg, size_t msg_len, void *ctx)
{
	char why[200];
	int rc = reserve(ctx, changes, n, why, sizeof(why));
	if (rc < 0)
		snprintf(msg, msg_len, "commit refused: %s; nothing was changed", why);
	return rc;
}

int sd_sync(struct sd *s)
{
	struct iface_ctx ctx = {.s = s, .v = calloc(SL_FIB_IFACE_MAX, sizeof(*ctx.v))};
	if (ctx.v == NULL)
		return -ENOMEM;
	/* routes first: they may name interfaces; the map then binds them. The
	 * commit reserved their memory (fib_prepare), so only a bug fails. */
	const struct sl_fib_change *ch;
	size_t n = sl_router_changes(s->router, &ch);
	struct sl_fib_apply_result res;
	int rc = sl_fib_apply(s->fib, ch, n, &res);
	if (rc < 0) { /* only a bug; said by the log module, at most every 10 s */
		s->fib_failed += res.failed ? res.failed : 1;
		snprintf(s->fib_failed_why, sizeof(s->fib_failed_why), "%s", strerror(-rc));
	}
	sl_fib_unreserve(s->fib); /* what the changes did not use */
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

void sd_log_sync(struct sd *s)
{
	sl_log_level_follow(s->router ? sl_router_syslog_level(s->router) : -1, s->log_level);
}

static void config_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_running_close(&s->run);
	s->router = NULL;
}

/* The router, the commit history and the start-up configuration (lib/commit's
 * sl_running: a missing or broken --config keeps the router up). */
static int config_init(void *ctx)
{
	struct sd *s = ctx;
	int rc = sl_running_start(&s->run, s->config_path, s->commit_dir);
	if (rc < 0)
		return rc;
	s->router = s->run.router;
	sd_log_sync(s); /* system syslog: the level from here on */
	return 0;
}

static struct sl_module config_module = {
	.name = "config", .init = config_init, .fini = config_fini};
SL_MODULE_REGISTER(config_module)

static void fib_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_router_prepare_set(s->router, NULL, NULL);
	sl_fib_free(s->fib);
	s->fib = NULL;
}

static int fib_init(void *ctx)
{
	struct sd *s = ctx;
	s->fib_cfg.socket_id = (int)rte_socket_id();
	/* the FIB's copy of the neighbours, at half load so cuckoo inserts succeed */
	s->fib_cfg.neigh_max = 2 * SL_SLOW_NEIGH_MAX;
	s->fib = sl_fib_new(&s->fib_cfg);
	if (s->fib == NULL) {
		SD_LOG(ERR, "cannot create the FIB: %s", strerror(errno));
		return -ENOMEM;
	}
	/* the loaded configuration fits whole, or sluiced does not start */
	char msg[256];
	int e = fib_reserve(s, msg, sizeof(msg));
	if (e < 0) {
		SD_LOG(ERR, "%s does not fit: %s; not starting half-loaded",
			s->config_path ? s->config_path : "the configuration", msg);
		fib_fini(s);
		return e;
	}
	sl_router_prepare_set(s->router, fib_prepare, s);
	sd_ports_map(s); /* ethN → port, from the hw-ids, for good */
	if ((e = sd_sync(s)) < 0) {
		struct sl_fib_stats fs;
		sl_fib_stats_get(s->fib, &fs);
		SD_LOG(ERR,
			"cannot install the configuration in the FIB: %s "
			"(VRF tables so far: %u, %zu MiB of DPDK memory; a new VRF takes %zu KiB, "
			"a VRF past %u groups %zu MiB)",
			strerror(-e), fs.vrfs, fs.bytes_total >> 20,
			sl_fib_vrf_bytes(&s->fib_cfg) >> 10, SL_FIB_SMALL_GROUPS_MAX,
			sizeof(struct rte_lpm) >> 20);
		fib_fini(s);
		return e;
	}
	return 0;
}

static struct sl_module fib_module = {
	.name = "fib", .deps = "config ports", .init = fib_init, .fini = fib_fini};
SL_MODULE_REGISTER(fib_module)
