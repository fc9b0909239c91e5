/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prom_http.c — GET /metrics over libmicrohttpd, one thread per connection
 * (sl_prom.h says why the threads never touch sluiced's state). A scrape asks
 * the control thread for a fresh rendering and waits for it, at most
 * SL_PROM_WAIT_MS; the text is copied out under the mutex (a memcpy), so the
 * control thread's publish never waits on a slow client.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sl_prom.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct sl_prom_server {
	struct MHD_Daemon *mhd;
	pthread_mutex_t mu; /* text, len, gen, stopping, stats: control and HTTP threads only */
	pthread_cond_t cv; /* gen moved or stopping */
	char *text;
	size_t len;
	uint64_t gen; /* texts published */
	bool stopping;
	atomic_bool wanted; /* a scrape waits: read by the control thread without the mutex */
	struct sl_prom_server_stats st;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body,
	size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		status == MHD_HTTP_OK ? CONTENT_TYPE : "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result error(
	struct sl_prom_server *s, struct MHD_Connection *c, unsigned status, const char *msg)
{
	pthread_mutex_lock(&s->mu);
	s->st.errors++;
	pthread_mutex_unlock(&s->mu);
	return reply(c, status, msg, strlen(msg), MHD_RESPMEM_PERSISTENT);
}

/* Wait (mutex held) until the control thread publishes past gen, the server
 * stops or SL_PROM_WAIT_MS pass; true when a fresh text came. */
static bool wait_fresh(struct sl_prom_server *s, uint64_t gen)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SL_PROM_WAIT_MS / 1000;
	until.tv_nsec += (long)(SL_PROM_WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	while (s->gen == gen && !s->stopping)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
			break;
	return s->gen != gen;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
	const char *method, const char *version, const char *upload, size_t *upload_len,
	void **con_cls)
{
	(void)version, (void)upload, (void)con_cls;
	struct sl_prom_server *s = cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return error(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET /metrics\n");
	if (*upload_len != 0)
		return error(s, c, MHD_HTTP_BAD_REQUEST, "a GET has no body\n");
	if (strcmp(url, "/metrics") != 0)
		return error(s, c, MHD_HTTP_NOT_FOUND, "sluiced serves GET /metrics\n");

	pthread_mutex_lock(&s->mu);
	atomic_store(&s->wanted, true);
	bool fresh = wait_fresh(s, s->gen);
	if (s->text == NULL) {
		s->st.errors++;
		pthread_mutex_unlock(&s->mu);
		static const char busy[] = "sluiced has not rendered its metrics yet\n";
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, busy, sizeof(busy) - 1,
			MHD_RESPMEM_PERSISTENT);
	}
	s->st.scrapes++;
	s->st.stale += !fresh;
	/* copied under the mutex: the next publish frees the old text */
	struct MHD_Response *r =
		MHD_create_response_from_buffer(s->len, s->text, MHD_RESPMEM_MUST_COPY);
	pthread_mutex_unlock(&s->mu);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* The listening socket, opened here so that its errno (address in use, not
 * an address of this host) is the caller's to report. */
static int listen_socket(uint32_t addr, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr)};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

struct sl_prom_server *sl_prom_server_start(uint32_t addr, uint16_t port, int *err)
{
	struct sl_prom_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	int fd = listen_socket(addr, port);
	if (fd < 0) {
		*err = fd;
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	atomic_init(&s->wanted, false);
	s->mhd = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, 0,
		NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)SL_PROM_CONN_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (s->mhd == NULL) {
		close(fd);
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		free(s);
		*err = -ENOMEM;
		return NULL;
	}
	*err = 0;
	return s;
}

void sl_prom_server_stop(struct sl_prom_server *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	/* joins the connection threads (none waits any more) and closes the
	 * listening socket */
	MHD_stop_daemon(s->mhd);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->text);
	free(s);
}

bool sl_prom_server_wanted(struct sl_prom_server *s)
{
	return s != NULL && atomic_load(&s->wanted);
}

void sl_prom_server_publish(struct sl_prom_server *s, char *text, size_t len)
{
	pthread_mutex_lock(&s->mu);
	/* cleared under the mutex: a scrape that raises it again after this
	 * waits for the next publish */
	atomic_store(&s->wanted, false);
	char *old = s->text;
	s->text = text;
	s->len = len;
	s->gen++;
	s->st.renders++;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	free(old);
}

void sl_prom_server_stats_get(struct sl_prom_server *s, struct sl_prom_server_stats *st)
{
	pthread_mutex_lock(&s->mu);
	*st = s->st;
	pthread_mutex_unlock(&s->mu);
}
