/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_core.c — hand-over of telemetry queries to the control thread, shared
 * helpers, and /sluice/info. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "tele_priv.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif

#define TELE_WAIT_S 2 /* a query the control thread has not started by then fails */

struct tele_req {
	tele_fn fn;
	char args[TELE_ARGS_MAX][TELE_ARG_LEN];
	unsigned n_args;
	struct rte_tel_data *d;
	int rc;
	bool done;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tele_req *pending; /* at most one: telemetry clients queue on cv */
	int has_pending; /* read without the lock by sl_tele_poll */
	bool running;
	bool registered;
	struct sl_tele_src src;
	struct timespec start;
	struct sl_tele_counts *base; /* counts at the last clear; NULL: none */
} T = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* Split "a,b,c" into at most TELE_ARGS_MAX arguments; -E2BIG if longer. */
static int split_args(const char *params, struct tele_req *r)
{
	r->n_args = 0;
	if (params == NULL || params[0] == '\0')
		return 0;
	const char *p = params;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (r->n_args == TELE_ARGS_MAX || len >= TELE_ARG_LEN)
			return -E2BIG;
		memcpy(r->args[r->n_args], p, len);
		r->args[r->n_args++][len] = '\0';
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static void deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += TELE_WAIT_S;
}

int tele_call(tele_fn fn, const char *params, struct rte_tel_data *d)
{
	struct tele_req req = {.fn = fn, .d = d};
	if (split_args(params, &req) < 0)
		return tele_error(d,
			"too many or too long parameters (at most %d of %d characters)",
			TELE_ARGS_MAX, TELE_ARG_LEN - 1);
	struct timespec ts;
	deadline(&ts);
	pthread_mutex_lock(&T.mu);
	while (T.running && T.pending != NULL) {
		if (pthread_cond_timedwait(&T.cv, &T.mu, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&T.mu);
			return -EBUSY;
		}
	}
	if (!T.running) {
		pthread_mutex_unlock(&T.mu);
		return -ESHUTDOWN;
	}
	T.pending = &req;
	__atomic_store_n(&T.has_pending, 1, __ATOMIC_RELEASE);
	/* the control thread answers under the lock, so after a time-out the
	 * request is either done or still untouched (and withdrawn here) */
	while (!req.done) {
		if (pthread_cond_timedwait(&T.cv, &T.mu, &ts) == ETIMEDOUT && !req.done) {
			if (T.pending == &req) {
				T.pending = NULL;
				__atomic_store_n(&T.has_pending, 0, __ATOMIC_RELEASE);
				pthread_cond_broadcast(&T.cv);
			}
			pthread_mutex_unlock(&T.mu);
			return -EBUSY;
		}
	}
	pthread_mutex_unlock(&T.mu);
	return req.rc < 0 ? req.rc : 0;
}

unsigned sl_tele_poll(void)
{
	if (!__atomic_load_n(&T.has_pending, __ATOMIC_ACQUIRE))
		return 0;
	unsigned n = 0;
	pthread_mutex_lock(&T.mu);
	struct tele_req *r = T.pending;
	if (r != NULL && T.running) {
		r->rc = r->fn(&T.src, r->args, r->n_args, r->d);
		r->done = true;
		T.pending = NULL;
		__atomic_store_n(&T.has_pending, 0, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&T.cv);
		n = 1;
	}
	pthread_mutex_unlock(&T.mu);
	return n;
}

void sl_tele_stop(void)
{
	pthread_mutex_lock(&T.mu);
	T.running = false;
	if (T.pending != NULL) {
		T.pending->rc = -ESHUTDOWN;
		T.pending->done = true;
		T.pending = NULL;
		__atomic_store_n(&T.has_pending, 0, __ATOMIC_RELEASE);
	}
	pthread_cond_broadcast(&T.cv);
	pthread_mutex_unlock(&T.mu);
}

/* ---- helpers ------------------------------------------------------------ */

int tele_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[RTE_TEL_MAX_STRING_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

bool tele_offset(const char *s, uint32_t *offset)
{
	*offset = 0;
	return s == NULL || s[0] == '\0' || sl_u32_parse(s, 0, UINT32_MAX, offset) == 0;
}

struct rte_tel_data *tele_dict(void)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	if (d != NULL)
		rte_tel_data_start_dict(d);
	return d;
}

int tele_add_indexed(struct rte_tel_data *parent, size_t i, struct rte_tel_data *child)
{
	char key[24];
	snprintf(key, sizeof(key), "%zu", i);
	int rc = rte_tel_data_add_dict_container(parent, key, child, 0);
	if (rc < 0)
		rte_tel_data_free(child);
	return rc;
}

void tele_page_info(struct rte_tel_data *d, size_t total, size_t offset, size_t count)
{
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_u64(d, "offset", offset);
	rte_tel_data_add_dict_u64(d, "count", count);
	if (offset + count < total)
		rte_tel_data_add_dict_u64(d, "next_offset", offset + count);
}

void tele_nh_text(const struct sl_rib *rib, const struct sl_nh *nh, char *buf, size_t len)
{
	char a[16];
	const char *vrf;
	switch (nh->type) {
	case SL_NH_CONNECTED:
		snprintf(buf, len, "connected %s", nh->ifname);
		break;
	case SL_NH_GATEWAY:
		snprintf(buf, len, "via %s %s", sl_addr_fmt(nh->gw, a), nh->ifname);
		break;
	case SL_NH_LOCAL:
		snprintf(buf, len, "local %s", nh->ifname);
		break;
	case SL_NH_BLACKHOLE:
		snprintf(buf, len, "blackhole");
		break;
	case SL_NH_VRF:
		vrf = sl_rib_vrf_name(rib, nh->vrf_id);
		snprintf(buf, len, "vrf %s", vrf ? vrf : "?");
		break;
	default:
		snprintf(buf, len, "?");
	}
}

struct sl_tele_counts *tele_counts(const struct sl_dp *dp)
{
	struct sl_tele_counts *c = malloc(sizeof(*c));
	if (c != NULL) {
		sl_tele_counts_sum(dp->counters, RTE_MAX_LCORE, c);
		if (T.base != NULL)
			sl_tele_counts_sub(c, T.base);
	}
	return c;
}

struct sl_tele_counts *sl_tele_counts_now(void)
{
	return T.src.dp != NULL ? tele_counts(T.src.dp) : NULL;
}

int sl_tele_clear(void)
{
	if (T.src.dp == NULL)
		return 0; /* not initialised: nothing counted yet */
	struct sl_tele_counts *now = malloc(sizeof(*now));
	if (now == NULL)
		return -ENOMEM;
	sl_tele_counts_sum(T.src.dp->counters, RTE_MAX_LCORE, now);
	free(T.base);
	T.base = now;
	return 0;
}

/* ---- /sluice/info ------------------------------------------------------- */

struct iface_walk {
	struct rte_tel_data *ifs;
	uint32_t port;
	size_t n;
};

static int port_iface(const struct sl_iface_state *is, void *ctx)
{
	struct iface_walk *w = ctx;
	if (is->port_id != w->port)
		return 0;
	struct rte_tel_data *e = tele_dict();
	if (e == NULL)
		return -ENOMEM;
	rte_tel_data_add_dict_string(e, "name", is->ifname);
	rte_tel_data_add_dict_string(e, "vrf", is->vrf);
	rte_tel_data_add_dict_int(e, "vlan", is->vlan);
	rte_tel_data_add_dict_int(e, "enabled", is->up);
	return tele_add_indexed(w->ifs, w->n++, e) < 0 ? -ENOSPC : 0;
}

static int info(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	(void)args;
	if (n_args != 0)
		return tele_error(d, "/sluice/info takes no parameter");
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", SLUICE_VERSION);
	rte_tel_data_add_dict_u64(d, "pid", (uint64_t)getpid());
	rte_tel_data_add_dict_u64(d, "uptime_s", (uint64_t)(now.tv_sec - T.start.tv_sec));
	rte_tel_data_add_dict_int(d, "main_lcore", (int)rte_get_main_lcore());
	if (src->history != NULL) {
		const struct sl_rev *r = sl_history_at(src->history, 0);
		rte_tel_data_add_dict_u64(d, "revision", r ? r->id : 0);
	}
	if (src->fallback_id != NULL)
		rte_tel_data_add_dict_u64(d, "fallback_revision", *src->fallback_id);
	struct rte_tel_data *workers = rte_tel_data_alloc();
	if (workers == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(workers, RTE_TEL_INT_VAL);
	unsigned lcore;
	RTE_LCORE_FOREACH_WORKER(lcore)
	rte_tel_data_add_array_int(workers, (int)lcore);
	rte_tel_data_add_dict_container(d, "worker_lcores", workers, 0);

	struct rte_tel_data *ports = tele_dict();
	if (ports == NULL)
		return -ENOMEM;
	uint16_t pid;
	RTE_ETH_FOREACH_DEV(pid)
	{
		struct rte_tel_data *p = tele_dict();
		if (p == NULL)
			break;
		char name[16], mac[RTE_ETHER_ADDR_FMT_SIZE];
		struct rte_eth_dev_info di;
		struct rte_eth_link link;
		struct rte_ether_addr ea;
		snprintf(name, sizeof(name), "eth%u", pid);
		if (rte_eth_dev_info_get(pid, &di) == 0)
			rte_tel_data_add_dict_string(p, "driver", di.driver_name);
		if (rte_eth_link_get_nowait(pid, &link) == 0)
			rte_tel_data_add_dict_string(p, "link", link.link_status ? "up" : "down");
		if (rte_eth_macaddr_get(pid, &ea) == 0) {
			rte_ether_format_addr(mac, sizeof(mac), &ea);
			rte_tel_data_add_dict_string(p, "mac", mac);
		}
		struct iface_walk w = {.ifs = tele_dict(), .port = pid};
		if (w.ifs != NULL) {
			sl_router_iface_foreach(src->router, port_iface, &w);
			rte_tel_data_add_dict_container(p, "interfaces", w.ifs, 0);
		}
		rte_tel_data_add_dict_container(ports, name, p, 0);
	}
	rte_tel_data_add_dict_container(d, "ports", ports, 0);
	return 0;
}

TELE_COMMAND(info, "/sluice/info",
	"sluiced version, uptime, lcores, running revision, start-up fallback, ports and their "
	"interfaces' VRFs. No parameters")

const struct sl_tele_src *tele_src(void)
{
	return &T.src;
}

/* In the order the files were linked (tele_core.c first). */
static struct tele_cmd *cmds, **cmds_tail = &cmds;

void tele_cmd_add(struct tele_cmd *c)
{
	c->next = NULL;
	*cmds_tail = c;
	cmds_tail = &c->next;
}

int sl_tele_init(const struct sl_tele_src *src)
{
	if (src == NULL || src->router == NULL || src->dp == NULL || src->fib == NULL)
		return -EINVAL;
	pthread_mutex_lock(&T.mu);
	T.src = *src;
	T.running = true;
	clock_gettime(CLOCK_MONOTONIC, &T.start);
	bool again = T.registered;
	T.registered = true;
	pthread_mutex_unlock(&T.mu);
	if (again)
		return 0; /* DPDK keeps commands for the life of the process */
	int rc = 0;
	for (const struct tele_cmd *c = cmds; rc == 0 && c != NULL; c = c->next)
		rc = rte_telemetry_register_cmd(c->path, c->cb, c->help);
	return rc < 0 ? rc : 0;
}
