/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket server: non-blocking unix stream sockets multiplexed
 * with epoll, one request per connection (protocol in sl_ctl.h). Every
 * client has its own input buffer and deadline so that a slow, oversized or
 * malformed client can never stall the control thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl_request.h"
#include "ctl_session.h"
#include "sl_ctl.h"

enum client_state {
	CLIENT_READING,
	CLIENT_DEFERRED, /* a handler holds the request; waiting for finish */
	CLIENT_WRITING,
	CLIENT_DRAINING, /* reply sent; discarding input until EOF (see client_flush) */
};

struct ctl_client {
	struct ctl_client *next;
	struct sl_ctl_server *srv;
	int fd;
	enum client_state state;
	bool peer_shut; /* EOF seen on read */
	char *in;
	size_t in_len, in_cap;
	size_t in_need; /* 0, or the request's length once its header says it */
	char *reply;
	size_t reply_len, reply_off;
	uint64_t deadline_ms;
	uint64_t accepted_ms;
	struct sl_ctl_request *req; /* CLIENT_DEFERRED only */
	long uid; /* the peer's, from SO_PEERCRED; -1 unknown */
};

struct sl_ctl_request {
	struct ctl_client *client; /* NULL once the client went away */
	FILE *out, *err;
	char *out_buf, *err_buf;
	size_t out_len, err_len;
};

struct sl_ctl_server {
	int listen_fd;
	int epoll_fd;
	char *path;
	int timeout_ms;
	size_t request_max;
	int session_idle_ms;
	struct ctl_sessions sessions; /* streamed requests being received */
	struct ctl_client *clients;
	unsigned n_clients;
	int answered; /* replies produced during the current poll */
};

/* The request whose handler is running (for sl_ctl_defer). */
static __thread struct sl_ctl_request *ctl_current;
static __thread bool ctl_current_deferred;
static __thread bool ctl_current_finished;
static __thread int64_t ctl_current_uid = -1;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int set_events(struct ctl_client *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};
	return epoll_ctl(c->srv->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0 ? -errno : 0;
}

static void client_free(struct ctl_client *c)
{
	struct sl_ctl_server *srv = c->srv;
	for (struct ctl_client **p = &srv->clients; *p != NULL; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	srv->n_clients--;
	if (c->req != NULL)
		c->req->client = NULL; /* the handler still owns it; finish discards */
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->reply);
	free(c);
}

/* Write as much of the reply as the socket takes; free the client when done. */
static void client_flush(struct ctl_client *c)
{
	while (c->reply_off < c->reply_len) {
		ssize_t n = send(c->fd, c->reply + c->reply_off, c->reply_len - c->reply_off,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* EPOLLOUT brings us back */
		if (n <= 0) {
			client_free(c); /* peer gone: nothing more to do */
			return;
		}
		c->reply_off += (size_t)n;
		/* a big reply (a 1M-route table) keeps going while the client reads */
		c->deadline_ms = now_ms() + (uint64_t)c->srv->timeout_ms;
	}
	if (c->peer_shut) {
		client_free(c);
		return;
	}
	/* Closing with unread input makes the kernel reset the connection, and
	 * the client would lose the reply (an oversized or early-refused request):
	 * signal EOF and discard what still comes, until EOF or the timeout. */
	shutdown(c->fd, SHUT_WR);
	c->state = CLIENT_DRAINING;
	c->deadline_ms = now_ms() + (uint64_t)c->srv->timeout_ms;
	if (set_events(c, EPOLLIN | EPOLLRDHUP) < 0)
		client_free(c);
}

static void client_drain(struct ctl_client *c)
{
	char sink[16384];
	for (;;) {
		ssize_t n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		client_free(c); /* EOF or error: done */
		return;
	}
}

static void client_reply(struct ctl_client *c, char *reply, size_t len)
{
	c->state = CLIENT_WRITING;
	c->reply = reply;
	c->reply_len = len;
	c->reply_off = 0;
	c->deadline_ms = now_ms() + (uint64_t)c->srv->timeout_ms;
	c->srv->answered++;
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_cap = 0;
	if (reply == NULL || set_events(c, EPOLLOUT) < 0) {
		client_free(c);
		return;
	}
	client_flush(c);
}

static void client_error(struct ctl_client *c, const char *msg)
{
	size_t len;
	char *reply = ctl_reply_encode(SL_CTL_USAGE, "", 0, msg, strlen(msg), NULL, &len);
	client_reply(c, reply, len);
}

/* Reply once without waiting for the peer, then drop it (expiry, busy, close). */
static void client_error_final(struct ctl_client *c, int status, const char *msg)
{
	size_t len;
	char *reply = ctl_reply_encode(status, "", 0, msg, strlen(msg), NULL, &len);
	if (reply != NULL)
		send(c->fd, reply, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	free(reply);
	if (c->state != CLIENT_WRITING)
		c->srv->answered++;
	client_free(c);
}

static void request_streams_close(struct sl_ctl_request *req)
{
	if (req->out != NULL)
		fclose(req->out);
	if (req->err != NULL)
		fclose(req->err);
	req->out = req->err = NULL;
}

static void request_free(struct sl_ctl_request *req)
{
	request_streams_close(req);
	free(req->out_buf);
	free(req->err_buf);
	free(req);
}

static void client_run(struct ctl_client *c)
{
	struct ctl_parsed p;
	char msg[256];
	if (ctl_request_parse(c->in, c->in_len, &p, msg, sizeof(msg)) < 0) {
		client_error(c, msg);
		return;
	}
	if (p.streamed) {
		char id[32];
		int rc = ctl_session_chunk(
			&c->srv->sessions, &p, now_ms(), id, sizeof(id), msg, sizeof(msg));
		if (rc != 0) {
			ctl_parsed_free(&p);
			size_t len;
			int status = rc > 0	     ? SL_CTL_OK
				     : rc == -EINVAL ? SL_CTL_USAGE
						     : SL_CTL_FAILED;
			char *reply = ctl_reply_encode(status, "", 0, rc > 0 ? "" : msg,
				rc > 0 ? 0 : strlen(msg), rc > 0 ? id : NULL, &len);
			client_reply(c, reply, len);
			return;
		}
	}
	struct sl_ctl_request *req = calloc(1, sizeof(*req));
	if (req != NULL) {
		req->out = open_memstream(&req->out_buf, &req->out_len);
		req->err = open_memstream(&req->err_buf, &req->err_len);
	}
	if (req == NULL || req->out == NULL || req->err == NULL) {
		if (req != NULL)
			request_free(req);
		ctl_parsed_free(&p);
		client_error(c, "out of memory");
		return;
	}
	req->client = c;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	ctl_current_uid =
		getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 && cl == sizeof(cred)
			? (int64_t)cred.uid
			: -1;
	ctl_current = req;
	ctl_current_deferred = false;
	ctl_current_finished = false;
	ctl_current_uid = c->uid;
	int status = sl_ctl_dispatch(p.argc, p.argv, p.json, p.input, req->out, req->err);
	ctl_current_uid = -1;
	bool deferred = ctl_current_deferred && status == SL_CTL_DEFERRED;
	bool finished = ctl_current_finished;
	ctl_current = NULL;
	ctl_current_deferred = false;
	ctl_current_finished = false;
	ctl_current_uid = -1;
	ctl_parsed_free(&p);
	if (finished)
		return; /* the handler already replied (c may be gone) */
	if (deferred) {
		c->state = CLIENT_DEFERRED;
		c->req = req;
		/* Level-triggered EPOLLIN after EOF would spin: only watch for hang-up. */
		if (set_events(c, c->peer_shut ? 0 : EPOLLIN | EPOLLRDHUP) < 0)
			client_free(c);
		return;
	}
	if (status == SL_CTL_DEFERRED) {
		fprintf(req->err, "internal error: handler deferred without sl_ctl_defer()\n");
		status = SL_CTL_FAILED;
	}
	sl_ctl_request_finish(req, status);
}

int64_t sl_ctl_peer_uid(void)
{
	return ctl_current_uid;
}

struct sl_ctl_request *sl_ctl_defer(void)
{
	if (ctl_current == NULL) {
		errno = EPERM;
		return NULL;
	}
	ctl_current_deferred = true;
	return ctl_current;
}

FILE *sl_ctl_request_out(struct sl_ctl_request *req)
{
	return req->out;
}

FILE *sl_ctl_request_err(struct sl_ctl_request *req)
{
	return req->err;
}

void sl_ctl_request_finish(struct sl_ctl_request *req, int status)
{
	if (req == NULL)
		return;
	/* Finished inside its own handler: client_run must not touch it again. */
	if (req == ctl_current) {
		ctl_current = NULL;
		ctl_current_finished = true;
	}
	request_streams_close(req);
	struct ctl_client *c = req->client;
	if (c != NULL) {
		c->req = NULL;
		size_t len;
		char *reply = ctl_reply_encode(status < 0 ? SL_CTL_FAILED : status,
			req->out_buf ? req->out_buf : "", req->out_len,
			req->err_buf ? req->err_buf : "", req->err_len, NULL, &len);
		client_reply(c, reply, len);
	}
	request_free(req);
}

static void client_too_large(struct ctl_client *c)
{
	char msg[192];
	snprintf(msg, sizeof(msg),
		"request larger than %zu bytes (sluiced --ctl-request-max): send a large input "
		"in chunks (sluicectl does)",
		c->srv->request_max);
	client_error(c, msg);
}

/* A request that keeps arriving keeps its connection (a big configure is
 * streamed), up to SL_CTL_REQUEST_TOTAL_MS from the accept. */
static void client_progress(struct ctl_client *c)
{
	uint64_t now = now_ms(), last = c->accepted_ms + SL_CTL_REQUEST_TOTAL_MS;
	uint64_t next = now + (uint64_t)c->srv->timeout_ms;
	c->deadline_ms = next < last ? next : last;
}

/* Read what is available; run the request once it is complete. */
static void client_read(struct ctl_client *c)
{
	bool try_parse = false;
	for (;;) {
		if (c->in_cap - c->in_len < 4096) {
			size_t max = c->srv->request_max + 4096;
			size_t cap = c->in_cap ? c->in_cap * 2 : 8192;
			if (cap > max)
				cap = max;
			if (cap <= c->in_len) {
				client_too_large(c);
				return;
			}
			char *grown = realloc(c->in, cap);
			if (grown == NULL) {
				client_error(c, "out of memory");
				return;
			}
			c->in = grown;
			c->in_cap = cap;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			client_free(c);
			return;
		}
		if (n == 0) {
			c->peer_shut = true;
			try_parse = true;
			break;
		}
		/* a raw chunk's last bytes need not hold a newline */
		if (c->in_need != 0 || memchr(c->in + c->in_len, '\n', (size_t)n) != NULL)
			try_parse = true;
		c->in_len += (size_t)n;
		if (c->in_len > c->srv->request_max) {
			client_too_large(c);
			return;
		}
		client_progress(c);
	}
	if (!try_parse)
		return;
	if (!c->peer_shut && c->in_need != 0 && c->in_len < c->in_need)
		return; /* the rest of a raw chunk: the header is parsed already */
	if (!c->peer_shut && c->in_need == 0 &&
		!ctl_request_complete(c->in, c->in_len, &c->in_need))
		return;
	if (c->peer_shut && c->in_len == 0) {
		client_error(c, "empty request: expected a JSON object {\"argv\": [...]}");
		return;
	}
	client_run(c);
}

static void client_event(struct ctl_client *c, uint32_t events)
{
	switch (c->state) {
	case CLIENT_READING:
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
			client_read(c);
		break;
	case CLIENT_DEFERRED:
		if (events & (EPOLLHUP | EPOLLERR)) {
			client_free(c);
		} else if (events & (EPOLLIN | EPOLLRDHUP)) {
			/* Bytes after a complete request are ignored; EOF stops watching. */
			char sink[256];
			ssize_t n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);
			if (n == 0) {
				c->peer_shut = true;
				if (set_events(c, 0) < 0)
					client_free(c);
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				client_free(c);
			}
		}
		break;
	case CLIENT_WRITING:
		if (events & (EPOLLERR | EPOLLHUP))
			client_free(c);
		else if (events & EPOLLOUT)
			client_flush(c);
		break;
	case CLIENT_DRAINING:
		client_drain(c);
		break;
	}
}

static void server_accept(struct sl_ctl_server *srv)
{
	for (;;) {
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or a transient error: retried on the next event */
		struct ctl_client *c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->srv = srv;
		c->fd = fd;
		c->state = CLIENT_READING;
		c->accepted_ms = now_ms();
		c->deadline_ms = c->accepted_ms + (uint64_t)srv->timeout_ms;
		/* who asks, for the commit history: the kernel's word, not the client's */
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		c->uid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 ? (long)cred.uid
										  : -1;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
		if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = srv->clients;
		srv->clients = c;
		srv->n_clients++;
		if (srv->n_clients > SL_CTL_CLIENTS_MAX)
			client_error_final(
				c, SL_CTL_FAILED, "server busy: too many control connections");
	}
}

static void server_expire(struct sl_ctl_server *srv, uint64_t now)
{
	struct ctl_client *c = srv->clients;
	while (c != NULL) {
		struct ctl_client *next = c->next;
		if (c->state != CLIENT_DEFERRED && now >= c->deadline_ms) {
			if (c->state == CLIENT_READING) {
				char msg[128];
				snprintf(msg, sizeof(msg),
					"request not complete: nothing received for %d ms, or "
					"not whole after %d s",
					srv->timeout_ms, SL_CTL_REQUEST_TOTAL_MS / 1000);
				client_error_final(c, SL_CTL_USAGE, msg);
			} else {
				client_free(c);
			}
		}
		c = next;
	}
}

static int wait_ms(struct sl_ctl_server *srv, int timeout_ms)
{
	uint64_t now = now_ms();
	int64_t nearest = -1;
	for (struct ctl_client *c = srv->clients; c != NULL; c = c->next) {
		if (c->state == CLIENT_DEFERRED)
			continue;
		int64_t left = c->deadline_ms > now ? (int64_t)(c->deadline_ms - now) : 0;
		if (nearest < 0 || left < nearest)
			nearest = left;
	}
	if (timeout_ms < 0)
		return nearest < 0 ? -1 : (int)nearest;
	if (nearest >= 0 && nearest < timeout_ms)
		return (int)nearest;
	return timeout_ms;
}

int sl_ctl_server_poll(struct sl_ctl_server *srv, int timeout_ms)
{
	struct epoll_event events[32];
	srv->answered = 0;
	int n = epoll_wait(srv->epoll_fd, events, 32, wait_ms(srv, timeout_ms));
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		if (events[i].data.ptr == NULL) {
			server_accept(srv);
			continue;
		}
		/* A client freed earlier in this batch may reappear: look it up. */
		struct ctl_client *c = srv->clients;
		while (c != NULL && c != events[i].data.ptr)
			c = c->next;
		if (c != NULL)
			client_event(c, events[i].events);
	}
	uint64_t now = now_ms();
	server_expire(srv, now);
	ctl_sessions_expire(&srv->sessions, now, (uint64_t)srv->session_idle_ms);
	return srv->answered;
}

/* mkdir -p of path's parent directory. */
static int parent_dir_make(const char *path)
{
	char *dir = strdup(path);
	if (dir == NULL)
		return -ENOMEM;
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			int rc = -errno;
			free(dir);
			return rc;
		}
		*p = '/';
	}
	int rc = mkdir(dir, 0755) < 0 && errno != EEXIST ? -errno : 0;
	free(dir);
	return rc;
}

/* Remove a socket file nobody answers on; refuse to touch anything else. */
static int stale_socket_remove(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int alive = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	if (alive)
		return -EADDRINUSE;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

struct sl_ctl_server *sl_ctl_server_open(const char *path, mode_t mode)
{
	if (path == NULL)
		path = SL_CTL_SOCKET_DEFAULT;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (path[0] == '\0' || strlen(path) >= sizeof(addr.sun_path)) {
		errno = path[0] == '\0' ? EINVAL : ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, path);
	int rc = parent_dir_make(path);
	if (rc == 0)
		rc = stale_socket_remove(path, &addr);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	struct sl_ctl_server *srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return NULL;
	srv->listen_fd = srv->epoll_fd = -1;
	srv->timeout_ms = SL_CTL_TIMEOUT_MS;
	srv->request_max = SL_CTL_REQUEST_MAX;
	srv->session_idle_ms = SL_CTL_SESSION_IDLE_MS;
	srv->path = strdup(path);
	if (srv->path == NULL)
		goto fail;
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		goto fail;
	if (bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail;
	if (chmod(path, mode) < 0 || listen(srv->listen_fd, 64) < 0)
		goto fail_unlink;
	srv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epoll_fd < 0)
		goto fail_unlink;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->listen_fd, &ev) < 0)
		goto fail_unlink;
	return srv;
fail_unlink:
	unlink(path);
fail:;
	int saved = errno;
	if (srv->epoll_fd >= 0)
		close(srv->epoll_fd);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	free(srv->path);
	free(srv);
	errno = saved;
	return NULL;
}

void sl_ctl_server_set_timeout(struct sl_ctl_server *srv, int timeout_ms)
{
	srv->timeout_ms = timeout_ms > 0 ? timeout_ms : SL_CTL_TIMEOUT_MS;
}

void sl_ctl_server_set_request_max(struct sl_ctl_server *srv, size_t bytes)
{
	srv->request_max = bytes ? bytes : SL_CTL_REQUEST_MAX;
}

void sl_ctl_server_set_session_idle(struct sl_ctl_server *srv, int idle_ms)
{
	srv->session_idle_ms = idle_ms > 0 ? idle_ms : SL_CTL_SESSION_IDLE_MS;
}

int sl_ctl_server_fd(const struct sl_ctl_server *srv)
{
	return srv->epoll_fd;
}

void sl_ctl_server_close(struct sl_ctl_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->clients != NULL) {
		struct ctl_client *c = srv->clients;
		if (c->req != NULL) {
			/* Tell the client; the handler's later finish discards the request. */
			struct sl_ctl_request *req = c->req;
			fprintf(req->err, "server shutting down\n");
			fflush(req->out);
			fflush(req->err);
			client_error_final(c, SL_CTL_FAILED, req->err_buf ? req->err_buf : "");
			continue;
		}
		client_free(c);
	}
	ctl_sessions_free(&srv->sessions);
	close(srv->epoll_fd);
	close(srv->listen_fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}
