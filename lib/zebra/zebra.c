/* SPDX-License-Identifier: BSD-3-Clause */
/* zebra.c — the FPM listener (sl_zebra.h): sockets, routes and next-hop
 * objects into the router, mark and sweep after a replay, show fpm. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_log.h>

#include "sl_zebra.h"

#define FPM_READ_MAX (256 * 1024) /* per poll, so that punts keep being served */
#define FPM_BATCH 4096 /* routes per sl_router_dyn_apply */
#define FPM_NH_MAX 65536 /* next-hop objects (RTM_NEWNEXTHOP) */
#define FPM_SWEEP_QUIET_MS 3000
#define RTPROT_BGP_ 186
#define RTPROT_OSPF_ 188

enum fpm_drop {
	FPM_DROP_PROTOCOL = 0, /* not BGP or OSPF (zebra's statics, kernel, ...) */
	FPM_DROP_NO_GATEWAY, /* a path with an interface only: sluice cannot map FRR's ifindex */
	FPM_DROP_NH_UNKNOWN, /* RTA_NH_ID naming no object */
	FPM_DROP_NH_FULL, /* the next-hop object table is full */
	FPM_DROP__COUNT
};
static const char *const drop_names[FPM_DROP__COUNT] = {
	"protocol", "interface-only-path", "unknown-next-hop-id", "next-hop-table-full"};

struct stale {
	uint32_t table;
	struct sl_prefix prefix;
	uint8_t source;
	bool fresh; /* replayed since the connect */
};

struct sl_zebra {
	struct sl_zebra_config cfg;
	bool used; /* enabled once: the tables below exist */
	bool enabled;
	uint32_t addr; /* host order */
	uint16_t port;
	int lfd, cfd;
	char peer[64];
	uint64_t connects, refused_clients, read_bytes;
	uint64_t last_rx_tsc;
	struct sl_fpm_rx rx;
	struct rte_hash *nh_ix; /* next-hop object id → slot of nh[] */
	struct sl_fpm_nh *nh;
	struct sl_dyn_route *batch;
	enum sl_dyn_result *res;
	size_t n_batch;
	uint64_t result[SL_DYN__COUNT], drops[FPM_DROP__COUNT];
	uint64_t logged_bad; /* bit per decoder error kind already logged */
	/* mark and sweep after a connect */
	struct stale *stale;
	size_t n_stale;
	bool sweep_pending;
	uint64_t swept;
	char last_error[160];
};

static void zlog(struct sl_zebra *f, uint32_t level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void zlog(struct sl_zebra *f, uint32_t level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f->cfg.log != NULL)
		f->cfg.log(level, msg, f->cfg.ctx);
}

/* Logged, and kept for show fpm. */
static void fpm_error(struct sl_zebra *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fpm_error(struct sl_zebra *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->last_error, sizeof(f->last_error), fmt, ap);
	va_end(ap);
	zlog(f, RTE_LOG_WARNING, "fpm: %s", f->last_error);
}

/* ---- applying routes ---- */

static void flush(struct sl_zebra *f)
{
	if (f->n_batch == 0)
		return;
	int rc = sl_router_dyn_apply(f->cfg.router, f->batch, f->n_batch, f->res);
	for (size_t i = 0; i < f->n_batch; i++)
		f->result[f->res[i]]++;
	if (rc < 0)
		fpm_error(f, "%zu routes refused: %s", f->n_batch,
			rc == -ENOMEM ? "out of memory" : "the FIB cannot hold them");
	else if (f->cfg.sync != NULL)
		f->cfg.sync(f->cfg.ctx);
	f->n_batch = 0;
}

static struct sl_dyn_route *batch_slot(struct sl_zebra *f)
{
	if (f->n_batch == FPM_BATCH)
		flush(f);
	struct sl_dyn_route *d = &f->batch[f->n_batch];
	memset(d, 0, sizeof(*d));
	return d;
}

static int stale_cmp(const void *a, const void *b)
{
	const struct stale *x = a, *y = b;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	return (int)x->source - (int)y->source;
}

/* A route replayed after a connect is not stale. */
static void mark_fresh(struct sl_zebra *f, const struct sl_dyn_route *d)
{
	if (!f->sweep_pending || f->n_stale == 0)
		return;
	struct stale k = {.table = d->table, .prefix = d->prefix, .source = (uint8_t)d->source};
	struct stale *x = bsearch(&k, f->stale, f->n_stale, sizeof(k), stale_cmp);
	if (x != NULL)
		x->fresh = true;
}

static bool path_of(
	struct sl_zebra *f, const struct sl_fpm_path *p, struct sl_static_nh *nh, uint8_t distance)
{
	if (p->gw == 0) {
		f->drops[FPM_DROP_NO_GATEWAY]++;
		return false;
	}
	memset(nh, 0, sizeof(*nh));
	nh->type = SL_STATIC_GATEWAY;
	nh->gw = p->gw;
	nh->distance = distance;
	nh->weight = p->weight ? p->weight : 1;
	return true;
}

static const struct sl_fpm_nh *nh_find(struct sl_zebra *f, uint32_t id)
{
	int slot = rte_hash_lookup(f->nh_ix, &id);
	return slot < 0 ? NULL : &f->nh[slot];
}

/* A route's paths from its next-hop object (single, group of singles, blackhole). */
static bool paths_of_object(struct sl_zebra *f, uint32_t id, struct sl_dyn_route *d, uint8_t dist)
{
	const struct sl_fpm_nh *o = nh_find(f, id);
	if (o == NULL) {
		f->drops[FPM_DROP_NH_UNKNOWN]++;
		return false;
	}
	if (o->blackhole) {
		d->nh[0] = (struct sl_static_nh){.type = SL_STATIC_BLACKHOLE, .distance = dist};
		d->n = 1;
		return true;
	}
	if (o->n_group == 0)
		return (d->n = path_of(f, &o->path, &d->nh[0], dist)) == 1;
	for (size_t i = 0; i < o->n_group && d->n < SL_ECMP_MAX; i++) {
		const struct sl_fpm_nh *m = nh_find(f, o->group[i].id);
		struct sl_fpm_path p;
		if (m == NULL || m->n_group || m->blackhole) {
			f->drops[FPM_DROP_NH_UNKNOWN]++;
			return false;
		}
		p = m->path;
		p.weight = o->group[i].weight;
		if (!path_of(f, &p, &d->nh[d->n], dist))
			return false;
		d->n++;
	}
	return d->n > 0;
}

static void on_route(struct sl_zebra *f, const struct sl_fpm_msg *m)
{
	const struct sl_fpm_route *r = &m->route;
	enum sl_rt_source src;
	uint8_t dist;
	if (r->protocol == RTPROT_BGP_) {
		src = SL_SRC_BGP, dist = 20;
	} else if (r->protocol == RTPROT_OSPF_) {
		src = SL_SRC_OSPF, dist = 110;
	} else if (r->protocol == 0 && m->kind == SL_FPM_ROUTE_DEL) {
		/* a deletion that does not say whose: both go (absent ones cost nothing) */
		struct sl_fpm_msg o = *m;
		o.route.protocol = RTPROT_OSPF_;
		on_route(f, &o);
		src = SL_SRC_BGP, dist = 20;
	} else {
		f->drops[FPM_DROP_PROTOCOL]++;
		return;
	}
	struct sl_dyn_route *d = batch_slot(f);
	d->table = r->table;
	d->prefix = r->prefix;
	d->source = src;
	if (m->kind == SL_FPM_ROUTE_ADD) {
		bool ok = true;
		if (r->type != SL_FPM_UNICAST) {
			d->nh[0] = (struct sl_static_nh){
				.type = SL_STATIC_BLACKHOLE, .distance = dist};
			d->n = 1;
		} else if (r->nh_id != 0) {
			ok = paths_of_object(f, r->nh_id, d, dist);
		} else {
			for (size_t i = 0; i < r->n_paths && ok; i++)
				ok = path_of(f, &r->paths[i], &d->nh[d->n++], dist);
		}
		if (!ok)
			return; /* counted; the slot is reused */
		mark_fresh(f, d);
	}
	f->n_batch++;
}

static void on_nexthop(struct sl_zebra *f, const struct sl_fpm_msg *m)
{
	if (m->kind == SL_FPM_NH_DEL) {
		rte_hash_del_key(f->nh_ix, &m->nh.id);
		return;
	}
	int slot = rte_hash_add_key(f->nh_ix, &m->nh.id);
	if (slot < 0) {
		f->drops[FPM_DROP_NH_FULL]++;
		return;
	}
	f->nh[slot] = m->nh;
}

static void on_msg(const struct sl_fpm_msg *m, void *ctx)
{
	if (m->kind == SL_FPM_ROUTE_ADD || m->kind == SL_FPM_ROUTE_DEL)
		on_route(ctx, m);
	else
		on_nexthop(ctx, m);
}

/* ---- sockets ---- */

static void client_close(struct sl_zebra *f, const char *why)
{
	if (f->cfd < 0)
		return;
	flush(f);
	close(f->cfd);
	f->cfd = -1;
	zlog(f, RTE_LOG_NOTICE, "fpm: %s disconnected: %s (routes kept until it replays)", f->peer,
		why);
}

static void listener_close(struct sl_zebra *f)
{
	if (f->lfd >= 0)
		close(f->lfd);
	f->lfd = -1;
}

static int listener_open(struct sl_zebra *f)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
		.sin_port = htons(f->port),
		.sin_addr.s_addr = htonl(f->addr)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	f->lfd = fd;
	return 0;
}

/* Routes held before this connect: stale until replayed. */
static void collect_stale(uint32_t table, struct sl_prefix p, enum sl_rt_source src, void *ctx)
{
	struct sl_zebra *f = ctx;
	if (f->stale == NULL)
		return;
	f->stale[f->n_stale++] =
		(struct stale){.table = table, .prefix = p, .source = (uint8_t)src};
}

static void count_proto(uint32_t table, struct sl_prefix p, enum sl_rt_source src, void *ctx)
{
	(void)table, (void)p, (void)src;
	(*(size_t *)ctx)++;
}

static void mark_all_stale(struct sl_zebra *f)
{
	size_t n = 0;
	free(f->stale);
	f->stale = NULL;
	f->n_stale = 0;
	sl_rib_proto_foreach(sl_router_rib_const(f->cfg.router), count_proto, &n);
	f->sweep_pending = false;
	if (n == 0)
		return; /* (qsort of nothing: NULL is not a valid array) */
	if ((f->stale = calloc(n, sizeof(*f->stale))) == NULL) {
		fpm_error(f, "out of memory marking %zu routes stale: no sweep", n);
		return;
	}
	sl_rib_proto_foreach(sl_router_rib_const(f->cfg.router), collect_stale, f);
	qsort(f->stale, f->n_stale, sizeof(*f->stale), stale_cmp);
	f->sweep_pending = f->n_stale > 0;
}

static void accept_client(struct sl_zebra *f)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = accept4(f->lfd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (f->cfd >= 0) {
		f->refused_clients++;
		close(fd); /* one zebra at a time */
		return;
	}
	f->cfd = fd;
	f->connects++;
	f->last_rx_tsc = rte_get_tsc_cycles();
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
	snprintf(f->peer, sizeof(f->peer), "%s:%u", a, ntohs(sa.sin_port));
	sl_fpm_rx_reset(&f->rx);
	mark_all_stale(f);
	zlog(f, RTE_LOG_NOTICE, "fpm: %s connected", f->peer);
}

static void log_new_bad(struct sl_zebra *f)
{
	for (unsigned k = 0; k < SL_FPM_BAD__COUNT; k++) {
		if (f->rx.st.bad[k] == 0 || (f->logged_bad & (1ull << k)))
			continue;
		f->logged_bad |= 1ull << k;
		fpm_error(f, "from %s: %s (counted in show fpm; logged once)", f->peer,
			sl_fpm_bad_names[k]);
	}
}

unsigned sl_zebra_poll(struct sl_zebra *f)
{
	if (f == NULL || f->lfd < 0)
		return 0;
	accept_client(f); /* also to refuse a second client */
	if (f->cfd < 0)
		return 0;
	static uint8_t buf[65536];
	size_t got = 0;
	while (got < FPM_READ_MAX) {
		ssize_t k = recv(f->cfd, buf, sizeof(buf), 0);
		if (k == 0) {
			client_close(f, "closed by the peer");
			break;
		}
		if (k < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				client_close(f, strerror(errno));
			break;
		}
		got += (size_t)k;
		f->read_bytes += (size_t)k;
		if (sl_fpm_rx_feed(&f->rx, buf, (size_t)k, on_msg, f) < 0) {
			log_new_bad(f);
			client_close(f, "bad frame header: the stream cannot be trusted");
			break;
		}
	}
	if (got > 0) {
		f->last_rx_tsc = rte_get_tsc_cycles();
		log_new_bad(f);
		flush(f);
	}
	return got > 0;
}

/* Withdraw the marked routes (all, or those not replayed), then forget them. */
static void withdraw_stale(struct sl_zebra *f, bool all)
{
	for (size_t i = 0; i < f->n_stale; i++) {
		if (!all && f->stale[i].fresh)
			continue;
		struct sl_dyn_route *d = batch_slot(f);
		d->table = f->stale[i].table;
		d->prefix = f->stale[i].prefix;
		d->source = f->stale[i].source;
		f->n_batch++;
		f->swept += !all;
	}
	flush(f);
	free(f->stale);
	f->stale = NULL;
	f->n_stale = 0;
	f->sweep_pending = false;
}

void sl_zebra_timers(struct sl_zebra *f)
{
	if (f == NULL || !f->sweep_pending || f->cfd < 0)
		return;
	if (rte_get_tsc_cycles() - f->last_rx_tsc < f->cfg.hz / 1000 * FPM_SWEEP_QUIET_MS)
		return;
	/* the replay is over: what it did not name is gone */
	withdraw_stale(f, false);
}

/* The next-hop objects and the batch: only once `protocols fpm` is set. */
static int tables_alloc(struct sl_zebra *f)
{
	struct rte_hash_parameters hp = {.name = "sl_fpm_nh",
		.entries = FPM_NH_MAX,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = f->cfg.socket_id};
	f->nh_ix = rte_hash_create(&hp);
	f->nh = calloc(FPM_NH_MAX, sizeof(*f->nh));
	f->batch = calloc(FPM_BATCH, sizeof(*f->batch));
	f->res = calloc(FPM_BATCH, sizeof(*f->res));
	if (f->nh_ix == NULL || f->nh == NULL || f->batch == NULL || f->res == NULL) {
		rte_hash_free(f->nh_ix);
		free(f->nh), free(f->batch), free(f->res);
		f->nh_ix = NULL, f->nh = NULL, f->batch = NULL, f->res = NULL;
		return -ENOMEM;
	}
	f->used = true;
	return 0;
}

struct sl_zebra *sl_zebra_new(const struct sl_zebra_config *cfg)
{
	struct sl_zebra *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->cfg = *cfg;
	f->lfd = f->cfd = -1;
	sl_fpm_rx_init(&f->rx);
	return f;
}

int sl_zebra_sync(struct sl_zebra *f)
{
	uint32_t addr;
	uint16_t port;
	bool on = sl_router_fpm_conf(f->cfg.router, &addr, &port);
	if (!on) {
		if (f->enabled) {
			client_close(f, "protocols fpm deleted");
			listener_close(f);
			/* withdraw every route zebra gave */
			mark_all_stale(f);
			withdraw_stale(f, true);
			f->enabled = false;
			zlog(f, RTE_LOG_NOTICE, "fpm: listener closed, its routes withdrawn");
		}
		return 0;
	}
	if (!f->used) {
		int rc = tables_alloc(f);
		if (rc < 0) {
			zlog(f, RTE_LOG_ERR, "fpm: cannot set up the listener: out of memory");
			return rc;
		}
	}
	if (f->enabled && f->addr == addr && f->port == port && f->lfd >= 0)
		return 0;
	client_close(f, "listen address changed");
	listener_close(f);
	f->enabled = true;
	f->addr = addr;
	f->port = port;
	int rc = listener_open(f);
	char a[INET_ADDRSTRLEN];
	struct in_addr ia = {.s_addr = htonl(addr)};
	inet_ntop(AF_INET, &ia, a, sizeof(a));
	if (rc < 0) {
		fpm_error(f, "cannot listen on %s:%u: %s", a, port, strerror(-rc));
		return rc;
	}
	f->last_error[0] = '\0';
	zlog(f, RTE_LOG_NOTICE, "fpm: listening on %s:%u", a, port);
	return 0;
}

void sl_zebra_free(struct sl_zebra *f)
{
	if (f == NULL)
		return;
	if (f->cfd >= 0)
		close(f->cfd);
	listener_close(f);
	rte_hash_free(f->nh_ix);
	free(f->nh), free(f->batch), free(f->res), free(f->stale), free(f);
}

/* ---- show fpm ---- */

/* never enabled: as if absent (NULL) */
static const struct sl_zebra *zebra_used(const struct sl_zebra *zebra)
{
	return zebra != NULL && zebra->used ? zebra : NULL;
}

static enum sl_zebra_state zebra_state(const struct sl_zebra *f)
{
	return f == NULL || !f->enabled ? SL_ZEBRA_DISABLED
	       : f->lfd < 0		? SL_ZEBRA_NOT_LISTENING
	       : f->cfd < 0		? SL_ZEBRA_LISTENING
					: SL_ZEBRA_CONNECTED;
}

void sl_zebra_status_get(const struct sl_zebra *zebra, struct sl_zebra_status *out)
{
	const struct sl_zebra *f = zebra_used(zebra);
	*out = (struct sl_zebra_status){.state = zebra_state(f)};
	if (f == NULL)
		return;
	out->connects = f->connects;
	out->frames = f->rx.st.frames;
	out->bytes = f->rx.st.bytes;
	out->routes_add = f->rx.st.routes_add;
	out->routes_del = f->rx.st.routes_del;
}

void sl_zebra_show(const struct sl_zebra *zebra, bool json, FILE *out)
{
	static const char *const state_names[] = {
		"disabled", "not listening", "listening", "connected"};
	const struct sl_zebra *f = zebra_used(zebra);
	const char *state = state_names[zebra_state(f)];
	char a[INET_ADDRSTRLEN] = "-";
	if (f != NULL) {
		struct in_addr ia = {.s_addr = htonl(f->addr)};
		inet_ntop(AF_INET, &ia, a, sizeof(a));
	}
	struct sl_fpm_stats z = {0};
	const struct sl_fpm_stats *st = f ? &f->rx.st : &z;
	if (json) {
		fprintf(out, "{\"state\":\"%s\",\"address\":\"%s\",\"port\":%u,\"peer\":\"%s\"",
			state, a, f ? f->port : 0, f && f->cfd >= 0 ? f->peer : "");
		fprintf(out,
			",\"connects\":%" PRIu64 ",\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64
			",\"routesAdd\":%" PRIu64 ",\"routesDel\":%" PRIu64
			",\"nexthopsAdd\":%" PRIu64 ",\"nexthopsDel\":%" PRIu64
			",\"swept\":%" PRIu64,
			f ? f->connects : 0, st->frames, st->bytes, st->routes_add, st->routes_del,
			st->nh_add, st->nh_del, f ? f->swept : 0);
		fprintf(out, ",\"results\":{");
		for (int i = 0; i < SL_DYN__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_dyn_result_names[i],
				f ? f->result[i] : 0);
		fprintf(out, "},\"dropped\":{");
		for (int i = 0; i < FPM_DROP__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", drop_names[i],
				f ? f->drops[i] : 0);
		fprintf(out, "},\"malformed\":{");
		for (int i = 0; i < SL_FPM_BAD__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_fpm_bad_names[i],
				st->bad[i]);
		fprintf(out, "},\"ignored\":{");
		for (int i = 0; i < SL_FPM_IGN__COUNT; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", sl_fpm_ignored_names[i],
				st->ignored[i]);
		fprintf(out, "},\"lastError\":\"%s\"}\n", f ? f->last_error : "");
		return;
	}
	fprintf(out, "FPM: %s", state);
	if (f != NULL && f->enabled)
		fprintf(out, " on %s:%u", a, f->port);
	if (f != NULL && f->cfd >= 0)
		fprintf(out, ", peer %s", f->peer);
	fprintf(out, "\n");
	if (f == NULL)
		return;
	fprintf(out,
		"  connects %" PRIu64 ", frames %" PRIu64 ", bytes %" PRIu64
		", clients refused %" PRIu64 "\n",
		f->connects, st->frames, st->bytes, f->refused_clients);
	fprintf(out,
		"  routes: %" PRIu64 " add, %" PRIu64 " delete; next-hop objects: %" PRIu64
		" add, %" PRIu64 " delete; stale routes swept %" PRIu64 "\n",
		st->routes_add, st->routes_del, st->nh_add, st->nh_del, f->swept);
	fprintf(out, "  results:");
	for (int i = 0; i < SL_DYN__COUNT; i++)
		fprintf(out, " %s %" PRIu64, sl_dyn_result_names[i], f->result[i]);
	fprintf(out, "\n  dropped:");
	for (int i = 0; i < FPM_DROP__COUNT; i++)
		fprintf(out, " %s %" PRIu64, drop_names[i], f->drops[i]);
	fprintf(out, "\n  malformed:");
	for (int i = 0; i < SL_FPM_BAD__COUNT; i++)
		fprintf(out, " %s %" PRIu64, sl_fpm_bad_names[i], st->bad[i]);
	fprintf(out, "\n  ignored:");
	for (int i = 0; i < SL_FPM_IGN__COUNT; i++)
		fprintf(out, " %s %" PRIu64, sl_fpm_ignored_names[i], st->ignored[i]);
	fprintf(out, "\n  last error: %s\n", f->last_error[0] ? f->last_error : "-");
	return;
}
