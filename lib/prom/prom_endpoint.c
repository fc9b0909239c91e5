/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prom_endpoint.c — the endpoint as `service monitoring prometheus` says:
 * opened, moved or closed when the configuration changes; one that cannot
 * open (address in use, not an address of this host) is logged and shown
 * down with the reason, and tried again at the next change. Renders a
 * snapshot when a scrape asks, and `show service monitoring`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "sl_log.h"
#include "sl_prom.h"
#include "sl_types.h"

static void addr_fmt(uint32_t addr, char *buf, size_t len)
{
	struct in_addr ia = {.s_addr = htonl(addr)};
	inet_ntop(AF_INET, &ia, buf, (socklen_t)len);
}

void sl_prom_endpoint_sync(struct sl_prom_endpoint *ep, bool on, uint32_t addr, uint16_t port)
{
	char a[INET_ADDRSTRLEN];
	addr_fmt(addr, a, sizeof(a));
	if (on && ep->srv != NULL && ep->addr == addr && ep->port == port)
		return;
	if (ep->srv != NULL) {
		sl_prom_server_stop(ep->srv);
		ep->srv = NULL;
		if (!on)
			sl_log(SL_LOG_NOTICE, NULL, "prometheus: endpoint closed");
	}
	ep->enabled = on, ep->addr = addr, ep->port = port;
	ep->error[0] = '\0';
	if (!on)
		return;
	int rc;
	ep->srv = sl_prom_server_start(addr, port, &rc);
	if (ep->srv == NULL) {
		snprintf(ep->error, sizeof(ep->error), "cannot listen on %s:%u: %s", a, port,
			strerror(-rc));
		sl_log(SL_LOG_ERR, NULL,
			"prometheus: %s: the endpoint stays down (tried again at the next "
			"commit)",
			ep->error);
		return;
	}
	sl_log(SL_LOG_NOTICE, NULL, "prometheus: serving http://%s:%u/metrics", a, port);
}

void sl_prom_endpoint_stop(struct sl_prom_endpoint *ep)
{
	sl_prom_server_stop(ep->srv);
	ep->srv = NULL;
	ep->enabled = false;
}

bool sl_prom_endpoint_wanted(const struct sl_prom_endpoint *ep)
{
	return sl_prom_server_wanted(ep->srv);
}

void sl_prom_endpoint_publish(
	struct sl_prom_endpoint *ep, const struct sl_prom_snap *snap, double started_ms)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (out != NULL) {
		if (sl_prom_render(snap, out) < 0)
			sl_log(SL_LOG_ERR, NULL, "prometheus: a metric name is invalid (left out)");
		if (fclose(out) == 0)
			sl_prom_server_publish(ep->srv, text, len);
		else
			free(text);
	}
	ep->last_render_ms = sl_thread_cpu_ms() - started_ms;
}

void sl_prom_endpoint_show(const struct sl_prom_endpoint *ep, bool json, FILE *out)
{
	char a[INET_ADDRSTRLEN];
	addr_fmt(ep->addr, a, sizeof(a));
	const char *state = !ep->enabled ? "disabled" : ep->srv != NULL ? "up" : "down";
	struct sl_prom_server_stats st = {0};
	if (ep->srv != NULL)
		sl_prom_server_stats_get(ep->srv, &st);
	if (json) {
		fprintf(out,
			"{\"prometheus\":{\"state\":\"%s\",\"address\":\"%s\",\"port\":%u,"
			"\"error\":\"%s\",\"scrapes\":%" PRIu64 ",\"stale\":%" PRIu64
			",\"renders\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"render_ms\":%.3f}}\n",
			state, ep->enabled ? a : "", ep->enabled ? ep->port : 0, ep->error,
			st.scrapes, st.stale, st.renders, st.errors, ep->last_render_ms);
		return;
	}
	fprintf(out, "Prometheus endpoint: %s", state);
	if (ep->enabled)
		fprintf(out, " (http://%s:%u/metrics)", a, ep->port);
	fprintf(out, "\n");
	if (ep->error[0] != '\0')
		fprintf(out, "  error: %s\n", ep->error);
	if (ep->srv != NULL)
		fprintf(out,
			"  scrapes %" PRIu64 " (%" PRIu64 " served the previous rendering), "
			"renderings %" PRIu64 " (last %.1f ms CPU), refused requests %" PRIu64 "\n",
			st.scrapes, st.stale, st.renders, ep->last_render_ms, st.errors);
}
