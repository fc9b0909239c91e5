/* SPDX-License-Identifier: BSD-3-Clause */
/* sluiced_slow.c — the "slow" module: lib/slow wired to the ports (it
 * transmits on the control thread's own tx queue of each port), and its
 * commands: show arp, ping, traceroute. */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "sluiced.h"

static bool tx_ctl(void *ctx, uint16_t port, struct rte_mbuf *m)
{
	struct sd *s = ctx;
	return port < s->n_ports && s->ctl_txq < s->ports[port].n_txq &&
	       rte_eth_tx_burst(port, s->ctl_txq, &m, 1) == 1;
}

static int usage(FILE *err, const char *u)
{
	fprintf(err, "usage: %s\n", u);
	return SL_CTL_USAGE;
}

static const char *vrf_name(void *rib, uint32_t vrf_id)
{
	return sl_rib_vrf_name(rib, vrf_id);
}

static int cmd_show_arp(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	uint32_t vrf_id = SL_SLOW_ALL_VRFS;
	if (argc == 4 && strcmp(argv[2], "vrf") == 0) {
		struct sl_vrf_info vi;
		if (sl_rib_vrf_info(sl_router_rib_const(s->router), argv[3], &vi) < 0) {
			fprintf(err, "show arp: no VRF named '%s'\n", argv[3]);
			return SL_CTL_FAILED;
		}
		vrf_id = vi.id;
	} else if (argc != 2) {
		return usage(err, "show arp [vrf NAME]");
	}
	sl_slow_arp_show(
		s->slow, out, vrf_id, json, vrf_name, (void *)sl_router_rib_const(s->router));
	return SL_CTL_OK;
}

static void ping_done(void *req, int status)
{
	sl_ctl_request_finish(req, status);
}

/* ping ADDR vrf NAME [count N] / traceroute ADDR vrf NAME */
static int cmd_ping(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input, (void)out;
	struct sd *s = ctx;
	bool trace = strcmp(argv[0], "traceroute") == 0;
	const char *u = trace ? "traceroute ADDR vrf NAME" : "ping ADDR vrf NAME [count N]";
	uint32_t dst, count = 3;
	if (argc < 4 || strcmp(argv[2], "vrf") != 0)
		return usage(err, u);
	if (sl_addr_parse(argv[1], &dst) < 0) {
		fprintf(err, "%s: '%s' is not an IPv4 address\n", argv[0], argv[1]);
		return SL_CTL_USAGE;
	}
	if (!trace && argc == 6 && strcmp(argv[4], "count") == 0) {
		if (sl_u32_parse(argv[5], 1, 100, &count) < 0) {
			fprintf(err, "ping: count '%s' is not a number in [1, 100]\n", argv[5]);
			return SL_CTL_USAGE;
		}
	} else if (argc != 4) {
		return usage(err, u);
	}
	struct sl_vrf_info vi;
	if (sl_rib_vrf_info(sl_router_rib_const(s->router), argv[3], &vi) < 0) {
		fprintf(err, "%s: no VRF named '%s'\n", argv[0], argv[3]);
		return SL_CTL_FAILED;
	}
	uint32_t src;
	int rc = sl_slow_route_src(s->slow, vi.id, dst, &src);
	if (rc < 0) {
		fprintf(err, "%s: %s: %s in vrf %s\n", argv[0], argv[1],
			rc == -EADDRNOTAVAIL ? "no source address on the egress interface"
					     : "no route",
			argv[3]);
		return SL_CTL_FAILED;
	}
	struct sl_ctl_request *req = sl_ctl_defer();
	if (req == NULL)
		return SL_CTL_FAILED;
	rc = sl_slow_ping_start(s->slow, &(struct sl_slow_ping_req){.vrf_id = vi.id,
						 .dst = dst,
						 .count = count,
						 .traceroute = trace,
						 .out = sl_ctl_request_out(req),
						 .done = ping_done,
						 .ctx = req});
	if (rc < 0) {
		fprintf(sl_ctl_request_err(req), "%s: %s\n", argv[0],
			rc == -EBUSY ? "too many sessions running, try again" : strerror(-rc));
		sl_ctl_request_finish(req, SL_CTL_FAILED);
	}
	return SL_CTL_DEFERRED;
}

static int slow_init(void *ctx)
{
	struct sd *s = ctx;
	struct sl_slow_config c = {
		.fib = s->fib,
		.punt = s->dp->punt,
		.pool = s->pool,
		.tx = tx_ctl,
		.tx_ctx = s,
		.hz = s->hz,
	};
	memcpy(c.punt_ctl, s->dp->punt_ctl, sizeof(c.punt_ctl));
	s->slow = sl_slow_new(&c);
	if (s->slow == NULL) {
		SD_LOG(ERR, "cannot create the neighbour table: out of memory");
		return -ENOMEM;
	}
	int rc = sl_ctl_register("show arp", cmd_show_arp, s);
	if (rc == 0)
		rc = sl_ctl_register("ping", cmd_ping, s);
	if (rc == 0)
		rc = sl_ctl_register("traceroute", cmd_ping, s);
	if (rc < 0) {
		SD_LOG(ERR, "cannot register the control commands");
		sl_slow_free(s->slow);
		s->slow = NULL;
		return rc;
	}
	/* a long commit serves the punt ring as it goes */
	sl_progress_hook_set(sl_slow_progress, s->slow);
	return 0;
}

/* Ping sessions end (their control requests are finished) before the
 * control socket closes: "slow" needs "ctl". */
static void slow_fini(void *ctx)
{
	struct sd *s = ctx;
	sl_progress_hook_set(NULL, NULL);
	sl_slow_free(s->slow);
	s->slow = NULL;
}

static unsigned slow_poll(void *ctx)
{
	return sl_slow_poll(((struct sd *)ctx)->slow);
}

static void slow_timers(void *ctx)
{
	sl_slow_timers(((struct sd *)ctx)->slow);
}

static struct sl_module slow_module = {
	.name = "slow",
	.deps = "dp ctl",
	.init = slow_init,
	.fini = slow_fini,
	.poll = slow_poll,
	.timers = slow_timers,
};
SL_MODULE_REGISTER(slow_module)
