/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_fpm.c — the FPM listener: zebra (FRR, `-M dplane_fpm_nl`) connects
 * over TCP and streams the routes it selects; lib/fpm decodes them and
 * lib/commit installs them (sl_router_dyn_apply), a read's worth at a time,
 * then the FIB follows as after a commit.
 *
 * One client at a time (zebra); a second is refused. The control thread
 * never blocks on it: the sockets are non-blocking and a poll reads at most
 * FPM_READ_MAX bytes. A bad frame header closes the connection (counted,
 * logged once per kind). On a (re)connect zebra replays its whole table:
 * the routes held before are marked stale and, once the stream has been
 * quiet for FPM_SWEEP_QUIET_MS, those not replayed are withdrawn. Routes
 * stay when zebra goes away (it comes back and replays); `delete protocols
 * fpm` withdraws them all.
 */
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

#include "sl_fpm.h"
#include "sluiced.h"

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

struct sd_fpm {
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

static void fpm_error(struct sd_fpm *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fpm_error(struct sd_fpm *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->last_error, sizeof(f->last_error), fmt, ap);
	va_end(ap);
	SD_LOG(WARNING, "fpm: %s", f->last_error);
}

/* ---- applying routes ---- */

static void flush(struct sd *s)
{
	struct sd_fpm *f = s->fpm;
	if (f->n_batch == 0)
		return;
	int rc = sl_router_dyn_apply(s->router, f->batch, f->n_batch, f->res);
	for (size_t i = 0; i < f->n_batch; i++)
		f->result[f->res[i]]++;
	if (rc < 0)
		fpm_error(f, "%zu routes refused: %s", f->n_batch,
			rc == -ENOMEM ? "out of memory" : "the FIB cannot hold them");
	else
		sd_sync(s);
	f->n_batch = 0;
}

static struct sl_dyn_route *batch_slot(struct sd *s)
{
	if (s->fpm->n_batch == FPM_BATCH)
		flush(s);
	struct sl_dyn_route *d = &s->fpm->batch[s->fpm->n_batch];
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
static void mark_fresh(struct sd_fpm *f, const struct sl_dyn_route *d)
{
	if (!f->sweep_pending || f->n_stale == 0)
		return;
	struct stale k = {.table = d->table, .prefix = d->prefix, .source = (uint8_t)d->source};
	struct stale *x = bsearch(&k, f->stale, f->n_stale, sizeof(k), stale_cmp);
	if (x != NULL)
		x->fresh = true;
}

static bool path_of(
	struct sd_fpm *f, const struct sl_fpm_path *p, struct sl_static_nh *nh, uint8_t distance)
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

static const struct sl_fpm_nh *nh_find(struct sd_fpm *f, uint32_t id)
{
	int slot = rte_hash_lookup(f->nh_ix, &id);
	return slot < 0 ? NULL : &f->nh[slot];
}

/* A route's paths from its next-hop object (single, group of singles, blackhole). */
static bool paths_of_object(struct sd_fpm *f, uint32_t id, struct sl_dyn_route *d, uint8_t dist)
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

static void on_route(struct sd *s, const struct sl_fpm_msg *m)
{
	struct sd_fpm *f = s->fpm;
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
		on_route(s, &o);
		src = SL_SRC_BGP, dist = 20;
	} else {
		f->drops[FPM_DROP_PROTOCOL]++;
		return;
	}
	struct sl_dyn_route *d = batch_slot(s);
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

static void on_nexthop(struct sd *s, const struct sl_fpm_msg *m)
{
	struct sd_fpm *f = s->fpm;
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

static void client_close(struct sd *s, const char *why)
{
	struct sd_fpm *f = s->fpm;
	if (f->cfd < 0)
		return;
	flush(s);
	close(f->cfd);
	f->cfd = -1;
	SD_LOG(NOTICE, "fpm: %s disconnected: %s (routes kept until it replays)", f->peer, why);
}

static void listener_close(struct sd_fpm *f)
{
	if (f->lfd >= 0)
		close(f->lfd);
	f->lfd = -1;
}

static int listener_open(struct sd_fpm *f)
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
	struct sd_fpm *f = ctx;
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

static void mark_all_stale(struct sd *s)
{
	struct sd_fpm *f = s->fpm;
	size_t n = 0;
	free(f->stale);
	f->stale = NULL;
	f->n_stale = 0;
	sl_rib_proto_foreach(sl_router_rib_const(s->router), count_proto, &n);
	if (n > 0 && (f->stale = calloc(n, sizeof(*f->stale))) == NULL) {
		fpm_error(f, "out of memory marking %zu routes stale: no sweep", n);
		return;
	}
	sl_rib_proto_foreach(sl_router_rib_const(s->router), collect_stale, f);
	qsort(f->stale, f->n_stale, sizeof(*f->stale), stale_cmp);
	f->sweep_pending = f->n_stale > 0;
}

static void accept_client(struct sd *s)
{
	struct sd_fpm *f = s->fpm;
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
	mark_all_stale(s);
	SD_LOG(NOTICE, "fpm: %s connected", f->peer);
}

static void log_new_bad(struct sd_fpm *f)
{
	for (unsigned k = 0; k < SL_FPM_BAD__COUNT; k++) {
		if (f->rx.st.bad[k] == 0 || (f->logged_bad & (1ull << k)))
			continue;
		f->logged_bad |= 1ull << k;
		fpm_error(f, "from %s: %s (counted in show fpm; logged once)", f->peer,
			sl_fpm_bad_names[k]);
	}
}

/* Non-zero when it read something. */
static unsigned fpm_poll(void *ctx)
{
	struct sd *s = ctx;
	struct sd_fpm *f = s->fpm;
	if (f == NULL || f->lfd < 0)
		return 0;
	accept_client(s); /* also to refuse a second client */
	if (f->cfd < 0)
		return 0;
	static uint8_t buf[65536];
	size_t got = 0;
	while (got < FPM_READ_MAX) {
		ssize_t k = recv(f->cfd, buf, sizeof(buf), 0);
		if (k == 0) {
			client_close(s, "closed by the peer");
			break;
		}
		if (k < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				client_close(s, strerror(errno));
			break;
		}
		got += (size_t)k;
		f->read_bytes += (size_t)k;
		if (sl_fpm_rx_feed(&f->rx, buf, (size_t)k, on_msg, s) < 0) {
			log_new_bad(f);
			client_close(s, "bad frame header: the stream cannot be trusted");
			break;
		}
	}
	if (got > 0) {
		f->last_rx_tsc = rte_get_tsc_cycles();
		log_new_bad(f);
		flush(s);
	}
	return got > 0;
}

/* The sweep after a replay. */
static void fpm_timers(void *ctx)
{
	struct sd *s = ctx;
	struct sd_fpm *f = s->fpm;
	if (f == NULL || !f->sweep_pending || f->cfd < 0)
		return;
	if (rte_get_tsc_cycles() - f->last_rx_tsc < s->hz / 1000 * FPM_SWEEP_QUIET_MS)
		return;
	/* the replay is over: what it did not name is gone */
	for (size_t i = 0; i < f->n_stale; i++) {
		if (f->stale[i].fresh)
			continue;
		struct sl_dyn_route *d = batch_slot(s);
		d->table = f->stale[i].table;
		d->prefix = f->stale[i].prefix;
		d->source = f->stale[i].source;
		s->fpm->n_batch++;
		f->swept++;
	}
	flush(s);
	free(f->stale);
	f->stale = NULL;
	f->n_stale = 0;
	f->sweep_pending = false;
}

/* Withdraw every route the daemon gave (`delete protocols fpm`). */
static void withdraw_all(struct sd *s)
{
	struct sd_fpm *f = s->fpm;
	mark_all_stale(s);
	for (size_t i = 0; i < f->n_stale; i++) {
		struct sl_dyn_route *d = batch_slot(s);
		d->table = f->stale[i].table;
		d->prefix = f->stale[i].prefix;
		d->source = f->stale[i].source;
		f->n_batch++;
	}
	flush(s);
	free(f->stale);
	f->stale = NULL;
	f->n_stale = 0;
	f->sweep_pending = false;
}

static int fpm_alloc(struct sd *s)
{
	struct sd_fpm *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	f->lfd = f->cfd = -1;
	sl_fpm_rx_init(&f->rx);
	struct rte_hash_parameters hp = {.name = "sl_fpm_nh",
		.entries = FPM_NH_MAX,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id()};
	f->nh_ix = rte_hash_create(&hp);
	f->nh = calloc(FPM_NH_MAX, sizeof(*f->nh));
	f->batch = calloc(FPM_BATCH, sizeof(*f->batch));
	f->res = calloc(FPM_BATCH, sizeof(*f->res));
	if (f->nh_ix == NULL || f->nh == NULL || f->batch == NULL || f->res == NULL) {
		rte_hash_free(f->nh_ix);
		free(f->nh), free(f->batch), free(f->res), free(f);
		return -ENOMEM;
	}
	s->fpm = f;
	return 0;
}

int sd_fpm_sync(struct sd *s)
{
	uint32_t addr;
	uint16_t port;
	bool on = sl_router_fpm_conf(s->router, &addr, &port);
	struct sd_fpm *f = s->fpm;
	if (!on) {
		if (f != NULL && f->enabled) {
			client_close(s, "protocols fpm deleted");
			listener_close(f);
			withdraw_all(s);
			f->enabled = false;
			SD_LOG(NOTICE, "fpm: listener closed, its routes withdrawn");
		}
		return 0;
	}
	if (f == NULL) {
		int rc = fpm_alloc(s);
		if (rc < 0) {
			SD_LOG(ERR, "fpm: cannot set up the listener: out of memory");
			return rc;
		}
		f = s->fpm;
	}
	if (f->enabled && f->addr == addr && f->port == port && f->lfd >= 0)
		return 0;
	client_close(s, "listen address changed");
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
	SD_LOG(NOTICE, "fpm: listening on %s:%u", a, port);
	return 0;
}

static void fpm_fini(void *ctx)
{
	struct sd *s = ctx;
	struct sd_fpm *f = s->fpm;
	if (f == NULL)
		return;
	if (f->cfd >= 0)
		close(f->cfd);
	listener_close(f);
	rte_hash_free(f->nh_ix);
	free(f->nh), free(f->batch), free(f->res), free(f->stale), free(f);
	s->fpm = NULL;
}

/* ---- show fpm ---- */

static int cmd_show_fpm(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)input, (void)err;
	struct sd *s = ctx;
	struct sd_fpm *f = s->fpm;
	const char *state = f == NULL || !f->enabled ? "disabled"
			    : f->lfd < 0	     ? "not listening"
			    : f->cfd < 0	     ? "listening"
						     : "connected";
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
		return SL_CTL_OK;
	}
	fprintf(out, "FPM: %s", state);
	if (f != NULL && f->enabled)
		fprintf(out, " on %s:%u", a, f->port);
	if (f != NULL && f->cfd >= 0)
		fprintf(out, ", peer %s", f->peer);
	fprintf(out, "\n");
	if (f == NULL)
		return SL_CTL_OK;
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
	return SL_CTL_OK;
}

/* A listener that cannot open says so in the log and `show fpm`: sluiced
 * starts all the same. */
static int fpm_init(void *ctx)
{
	struct sd *s = ctx;
	sd_fpm_sync(s);
	int rc = sl_ctl_register("show fpm", cmd_show_fpm, s);
	if (rc < 0) {
		fprintf(stderr, "sluiced: cannot register the control commands\n");
		fpm_fini(s);
	}
	return rc;
}

static struct sl_module fpm_module = {
	.name = "fpm",
	.deps = "fib",
	.init = fpm_init,
	.fini = fpm_fini,
	.poll = fpm_poll,
	.timers = fpm_timers,
};
SL_MODULE_REGISTER(fpm_module)
