/* SPDX-License-Identifier: BSD-3-Clause */
/* slow_cmds.c — the slow path's control-socket commands: `show arp [vrf
 * NAME]`, `ping ADDR vrf NAME [count N]` and `traceroute ADDR vrf NAME`
 * (answered when the session ends: a deferred request). */
#include <errno.h>
#include <string.h>

#include "sl_commit.h"
#include "sl_ctl.h"
#include "sl_slow.h"

static struct {
	struct sl_slow *slow;
	const struct sl_router *router; /* VRF names */
} C;

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
	(void)input, (void)ctx;
	const struct sl_rib *rib = sl_router_rib_const(C.router);
	uint32_t vrf_id = SL_SLOW_ALL_VRFS;
	if (argc == 4 && strcmp(argv[2], "vrf") == 0) {
		struct sl_vrf_info vi;
		if (sl_rib_vrf_info(rib, argv[3], &vi) < 0) {
			fprintf(err, "show arp: no VRF named '%s'\n", argv[3]);
			return SL_CTL_FAILED;
		}
		vrf_id = vi.id;
	} else if (argc != 2) {
		return usage(err, "show arp [vrf NAME]");
	}
	sl_slow_arp_show(C.slow, out, vrf_id, json, vrf_name, (void *)rib);
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
	(void)json, (void)input, (void)out, (void)ctx;
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
	if (sl_rib_vrf_info(sl_router_rib_const(C.router), argv[3], &vi) < 0) {
		fprintf(err, "%s: no VRF named '%s'\n", argv[0], argv[3]);
		return SL_CTL_FAILED;
	}
	uint32_t src;
	int rc = sl_slow_route_src(C.slow, vi.id, dst, &src);
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
	rc = sl_slow_ping_start(C.slow, &(struct sl_slow_ping_req){.vrf_id = vi.id,
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

int sl_slow_cmds_register(struct sl_slow *sl, const struct sl_router *r)
{
	C.slow = sl;
	C.router = r;
	int rc = sl_ctl_register("show arp", cmd_show_arp, NULL);
	if (rc == 0)
		rc = sl_ctl_register("ping", cmd_ping, NULL);
	if (rc == 0)
		rc = sl_ctl_register("traceroute", cmd_ping, NULL);
	return rc;
}
