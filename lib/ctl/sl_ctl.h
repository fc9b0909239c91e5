/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_ctl.h — sluiced's control socket: a unix-socket server polled from the
 * control thread, and the dispatch of CLI commands to the files that
 * implement them. Plain C (jansson), no DPDK, so it is unit-testable.
 *
 * Wire protocol (one request per connection, UTF-8 JSON):
 *   client → server: one JSON object
 *       {"argv": ["show","ip","route","vrf","A"], "json": false, "input": "set ...\n"}
 *     "argv" (required, non-empty array of strings) is the command;
 *     "json" (optional bool, default false) asks for JSON output;
 *     "input" (optional string) is the command's input (e.g. `configure`'s lines).
 *     The request ends with the client's shutdown(SHUT_WR) or with a newline
 *     after the closing brace, whichever comes first.
 *   server → client: one JSON object, a newline, then the server closes:
 *       {"status": 0, "output": "...", "errors": "..."}
 *     status is the command's exit status (0 ok, 1 failed, 2 usage error).
 *
 * Streamed requests: an input larger than one request may carry is sent in
 * chunks, one request (and connection) each, with "chunk" in place of "input":
 *       {"argv": ["configure"], "chunk": "set ...\n", "more": true}
 *         → {"status": 0, "output": "", "errors": "", "session": "ID"}
 *       {"argv": ["configure"], "chunk": "...", "more": true, "session": "ID"}  (any number)
 *       {"argv": ["configure"], "chunk": "...", "session": "ID"}         (the last)
 *         → the command's reply, run once with the chunks joined as its input.
 * Nothing runs before the last chunk, so a `configure` stays one transaction;
 * the handler cannot tell a streamed input from a single one. Every chunk
 * names the same argv. A session gets no chunk for SL_CTL_SESSION_IDLE_MS, or
 * a chunk fails: it is dropped (an unknown session is a usage error). At most
 * SL_CTL_SESSIONS_MAX are open at once. An older server ignores "chunk" and
 * runs the command with no input and no "session" in its reply: clients stop
 * there. Only the request limit bounds a chunk; nothing bounds the whole.
 *
 * Raw chunks: a reply with "session" also says "raw": true; the session's
 * next chunks may then carry "chunk_bytes": N in place of "chunk", with a
 * newline right after the closing brace and then N bytes of input as they
 * are (no JSON escapes, no NUL), which the server copies without decoding:
 *       {"argv": ["configure"], "more": true, "session": "ID", "chunk_bytes": 6}\n
 *       set a\n
 * The request limit counts those bytes too. A client sends the first chunk
 * as "chunk" and switches only when offered: an older server would take a
 * raw chunk for an empty one.
 *
 * A request over the server's request limit (SL_CTL_REQUEST_MAX by default:
 * it guards memory per request; larger inputs are streamed), malformed JSON, a wrong field type, or a request that makes no progress
 * for the request timeout (default 5 s) or is not complete within
 * SL_CTL_REQUEST_TOTAL_MS gets {"status": 2, "errors": "..."} (best effort)
 * and is closed. The
 * server never blocks: sockets are non-blocking and replies that do not fit
 * in the socket buffer are flushed on later polls (dropped if the client
 * stops reading for the same timeout).
 */
#ifndef SL_CTL_H
#define SL_CTL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SL_CTL_SOCKET_DEFAULT "/run/sluice/sluiced.sock"
#define SL_CTL_SOCKET_MODE 0660
#define SL_CTL_REQUEST_MAX (256u << 20) /* bytes, default request limit */
#define SL_CTL_TIMEOUT_MS 5000 /* a request must progress within this */
#define SL_CTL_REQUEST_TOTAL_MS 120000 /* ... and be complete within this */
#define SL_CTL_CLIENTS_MAX 64 /* connections served at once; more get "busy" */
#define SL_CTL_SESSIONS_MAX 8 /* streamed requests open at once */
#define SL_CTL_SESSION_IDLE_MS 60000 /* a streamed request's next chunk comes within this */

/* Exit statuses used in replies. */
enum { SL_CTL_OK = 0, SL_CTL_FAILED = 1, SL_CTL_USAGE = 2 };

/* A library call's result (0, -EINVAL for bad usage, other -errno) as an
 * exit status. */
static inline int sl_ctl_rc(int rc)
{
	return rc == -EINVAL ? SL_CTL_USAGE : rc < 0 ? SL_CTL_FAILED : SL_CTL_OK;
}

/*
 * A command handler. argv[0..argc) is the full command (argv[0] is the first
 * word, e.g. "show"); input is "" when the request had none. Write output to
 * out and diagnostics to err. Returns the exit status (0, 1, 2; a negative
 * value is reported as 1), or SL_CTL_DEFERRED after sl_ctl_defer().
 * Handlers run on the thread that calls sl_ctl_server_poll().
 */
typedef int (*sl_ctl_handler_fn)(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx);

#define SL_CTL_DEFERRED (-10000)

/* Lists extra commands for `help` (the default handler's, e.g. sl_show_help). */
typedef void (*sl_ctl_help_fn)(FILE *out, void *ctx);

/*
 * Register `words` (space-separated, e.g. "show interfaces") → handler.
 * Dispatch picks the registration matching the most leading words of argv.
 * Returns 0, -EINVAL (empty words or NULL handler), -EEXIST, -ENOMEM.
 * The registry is process-wide; register before polling.
 */
int sl_ctl_register(const char *words, sl_ctl_handler_fn fn, void *ctx);
/* Remove a registration: 0 or -ENOENT. */
int sl_ctl_unregister(const char *words);
/* Remove every registration and the default handler. */
void sl_ctl_unregister_all(void);

/*
 * The handler for `show …` commands no registration matches (the daemon
 * calls sl_show_exec there); help (may be NULL) lists them for `help`.
 */
void sl_ctl_set_default(sl_ctl_handler_fn fn, sl_ctl_help_fn help, void *ctx);

/*
 * The registered commands whose first word is `first` ("show"): the rest of
 * each ("interfaces", "firewall leak-points") into out[0..max), pointing into
 * the registry (valid until it changes), sorted; out[n] = NULL when n < max.
 * Returns n. For error messages that list what is valid.
 */
size_t sl_ctl_words_after(const char *first, const char **out, size_t max);

/*
 * Run one command through the registry, as the server does for a request.
 * `help` is built in. An unknown command prints a message naming it on err
 * and returns SL_CTL_USAGE.
 */
int sl_ctl_dispatch(int argc, char **argv, bool json, const char *input, FILE *out, FILE *err);

/*
 * Deferred replies: a handler whose answer needs the control loop to keep
 * running (e.g. `ping`, whose echo replies arrive on the slow path) calls
 * sl_ctl_defer() and returns SL_CTL_DEFERRED. The connection stays open; the
 * daemon writes to sl_ctl_request_out()/_err() later and calls
 * sl_ctl_request_finish(), which sends the reply and frees the request.
 * Deferred requests are not subject to the request timeout. If the server
 * is closed first, the request is finished with status 1.
 */
struct sl_ctl_request;

/*
 * The uid of the process on the other end of the request being handled
 * (SO_PEERCRED of its connection; for a streamed request, the connection of
 * its last chunk), or -1 outside a handler or when the kernel did not say.
 */
int64_t sl_ctl_peer_uid(void);

/* Only valid inside a handler called by the server; NULL (errno=EPERM) otherwise. */
struct sl_ctl_request *sl_ctl_defer(void);
FILE *sl_ctl_request_out(struct sl_ctl_request *req);
FILE *sl_ctl_request_err(struct sl_ctl_request *req);
void sl_ctl_request_finish(struct sl_ctl_request *req, int status);

struct sl_ctl_server;

/*
 * Listen on `path` (NULL: SL_CTL_SOCKET_DEFAULT) with permissions `mode`.
 * The parent directory is created (0755) when missing; a stale socket file
 * is removed, but a socket another process still answers on is not
 * (errno=EADDRINUSE). NULL with errno on failure.
 */
struct sl_ctl_server *sl_ctl_server_open(const char *path, mode_t mode);

/* Change the request timeout (tests use a short one). */
void sl_ctl_server_set_timeout(struct sl_ctl_server *srv, int timeout_ms);
/* Change the request limit in bytes (0: SL_CTL_REQUEST_MAX). */
void sl_ctl_server_set_request_max(struct sl_ctl_server *srv, size_t bytes);
/* Change how long a streamed request waits for its next chunk (0: the default). */
void sl_ctl_server_set_session_idle(struct sl_ctl_server *srv, int idle_ms);

/*
 * A file descriptor that becomes readable when sl_ctl_server_poll() has
 * work, for daemons that multiplex it into their own loop.
 */
int sl_ctl_server_fd(const struct sl_ctl_server *srv);

/*
 * Accept connections, read requests, run complete ones, flush replies and
 * drop expired clients. Waits at most timeout_ms (0: do not wait, -1 is
 * treated as "until the next deadline or event"). Returns the number of
 * requests answered in this call, or a negative errno if polling failed.
 */
int sl_ctl_server_poll(struct sl_ctl_server *srv, int timeout_ms);

/* Close every connection (deferred requests get status 1), unlink the socket. */
void sl_ctl_server_close(struct sl_ctl_server *srv);

#endif
