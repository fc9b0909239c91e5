/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl: real unix-socket round trips against a server polled in a thread,
 * and the dispatch rules (longest word prefix, default show handler, help).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "sl_ctl.h"

static char sock_dir[64];
static char sock_path[128];
static struct sl_ctl_server *srv;
static pthread_t srv_thread;
static volatile int srv_stop;

/* A request deferred by the "slow" handler, finished by the server thread. */
static struct sl_ctl_request *slow_req;
static int slow_polls;

static void *server_loop(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&srv_stop, __ATOMIC_ACQUIRE)) {
		sl_ctl_server_poll(srv, 10);
		if (slow_req != NULL && ++slow_polls >= 3) {
			fprintf(sl_ctl_request_out(slow_req), "finished later\n");
			sl_ctl_request_finish(slow_req, 0);
			slow_req = NULL;
		}
	}
	return NULL;
}

static int h_echo(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)err;
	fprintf(out, "%s", (const char *)ctx);
	for (int i = 0; i < argc; i++)
		fprintf(out, " %s", argv[i]);
	fprintf(out, "|%s|%s", json ? "json" : "text", input);
	return 0;
}

static int h_fail(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)out, (void)ctx;
	fprintf(err, "it failed\n");
	return -EIO; /* negative errno → status 1 */
}

static int h_slow(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)out, (void)err, (void)ctx;
	slow_polls = 0;
	slow_req = sl_ctl_defer();
	return slow_req != NULL ? SL_CTL_DEFERRED : 1;
}

/* Who asks: the peer's uid as the server read it. */
static int h_whoami(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)err, (void)ctx;
	fprintf(out, "%lld", (long long)sl_ctl_peer_uid());
	return 0;
}

/* Parks its request for test_close_with_deferred, which finishes it. */
static struct sl_ctl_request *parked_req;

static int h_park(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)out, (void)err, (void)ctx;
	parked_req = sl_ctl_defer();
	return parked_req != NULL ? SL_CTL_DEFERRED : 1;
}

/* The peer's uid as the handler sees it (SO_PEERCRED). */
static int h_default(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)json, (void)input, (void)err, (void)ctx;
	fprintf(out, "default:%d:%s", argc, argv[argc - 1]);
	return 0;
}

static void default_help(FILE *out, void *ctx)
{
	(void)ctx;
	fprintf(out, "  show ip route [vrf NAME]\n");
}

/* Smaller than the default so that the oversized test stays quick. */
#define TEST_REQUEST_MAX (1u << 20)

static int setup(void **state)
{
	(void)state;
	strcpy(sock_dir, "/tmp/sl-ctl-test-XXXXXX");
	if (mkdtemp(sock_dir) == NULL)
		return -1;
	/* A subdirectory that does not exist yet: open must create it. */
	snprintf(sock_path, sizeof(sock_path), "%s/run/sluice/test.sock", sock_dir);
	sl_ctl_unregister_all();
	if (sl_ctl_register("echo", h_echo, "E") < 0 || sl_ctl_register("show", h_echo, "S") < 0 ||
		sl_ctl_register("show  interfaces", h_echo, "I") < 0 ||
		sl_ctl_register("fail", h_fail, NULL) < 0 ||
		sl_ctl_register("slow", h_slow, NULL) < 0 ||
		sl_ctl_register("park", h_park, NULL) < 0 ||
		sl_ctl_register("whoami", h_whoami, NULL) < 0)
		return -1;
	srv = sl_ctl_server_open(sock_path, 0660);
	if (srv == NULL)
		return -1;
	sl_ctl_server_set_timeout(srv, 300);
	sl_ctl_server_set_request_max(srv, TEST_REQUEST_MAX);
	srv_stop = 0;
	return pthread_create(&srv_thread, NULL, server_loop, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	__atomic_store_n(&srv_stop, 1, __ATOMIC_RELEASE);
	pthread_join(srv_thread, NULL);
	sl_ctl_server_close(srv);
	sl_ctl_unregister_all();
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sock_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int client_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, sock_path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	struct timeval tv = {.tv_sec = 20};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Send everything it takes; a server that replied early may refuse the rest. */
static void client_send(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Read the reply to EOF and decode it; returns the status, output/errors copied. */
static int client_reply(int fd, char **output, char **errors)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		ssize_t n = recv(fd, buf + len, cap - len, 0);
		assert_true(n >= 0); /* a timeout here means the server never replied */
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	json_error_t jerr;
	json_t *reply = json_loadb(buf, len, 0, &jerr);
	free(buf);
	assert_non_null(reply);
	assert_true(json_is_integer(json_object_get(reply, "status")));
	int status = (int)json_integer_value(json_object_get(reply, "status"));
	const char *o = json_string_value(json_object_get(reply, "output"));
	const char *e = json_string_value(json_object_get(reply, "errors"));
	assert_non_null(o);
	assert_non_null(e);
	*output = strdup(o);
	*errors = strdup(e);
	json_decref(reply);
	return status;
}

static int request(const char *text, bool shut, char **output, char **errors)
{
	int fd = client_connect();
	client_send(fd, text, strlen(text));
	if (shut)
		shutdown(fd, SHUT_WR);
	return client_reply(fd, output, errors);
}

static void expect(
	const char *text, bool shut, int status, const char *output, const char *errors_substr)
{
	char *o, *e;
	assert_int_equal(request(text, shut, &o, &e), status);
	if (output != NULL)
		assert_string_equal(o, output);
	if (errors_substr != NULL && strstr(e, errors_substr) == NULL)
		fail_msg("errors '%s' lack '%s'", e, errors_substr);
	free(o);
	free(e);
}

static void test_socket_created(void **state)
{
	(void)state;
	struct stat st;
	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	/* A live server's socket is not taken over. */
	errno = 0;
	assert_null(sl_ctl_server_open(sock_path, 0660));
	assert_int_equal(errno, EADDRINUSE);
}

static void test_round_trip(void **state)
{
	(void)state;
	expect("{\"argv\": [\"echo\", \"a\", \"b\"], \"input\": \"set x\\n\"}", true, 0,
		"E echo a b|text|set x\n", NULL);
	expect("{\"argv\": [\"echo\"], \"json\": true}", true, 0, "E echo|json|", NULL);
	/* Newline-terminated, without shutdown(SHUT_WR). */
	expect("{\"argv\": [\"echo\", \"nl\"]}\n", false, 0, "E echo nl|text|", NULL);
	/* A pretty-printed object, raw newlines inside, ended by a final newline. */
	expect("{\n \"argv\": [\n  \"echo\"\n ]\n}\n", false, 0, "E echo|text|", NULL);
	/* UTF-8 passes through both ways. */
	expect("{\"argv\": [\"echo\", \"caf\\u00e9\"]}", true, 0, "E echo caf\xc3\xa9|text|", NULL);
}

/* The handler knows the peer's uid (SO_PEERCRED), and only during the call. */
static void test_peer_uid(void **state)
{
	(void)state;
	char want[32];
	snprintf(want, sizeof(want), "%lld", (long long)getuid());
	expect("{\"argv\": [\"whoami\"]}", true, 0, want, NULL);
	assert_int_equal(sl_ctl_peer_uid(), -1);
	/* called directly, not for a peer: unknown */
	char *o = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&o, &len);
	char *argv[] = {"whoami"};
	assert_int_equal(sl_ctl_dispatch(1, argv, false, "", out, stderr), 0);
	fclose(out);
	assert_string_equal(o, "-1");
	free(o);
}

static void test_dispatch_longest_prefix(void **state)
{
	(void)state;
	expect("{\"argv\": [\"show\", \"interfaces\", \"eth0\"]}", true, 0,
		"I show interfaces eth0|text|", NULL);
	expect("{\"argv\": [\"show\", \"interfacesX\"]}", true, 0, "S show interfacesX|text|",
		NULL);
	expect("{\"argv\": [\"show\"]}", true, 0, "S show|text|", NULL);
	expect("{\"argv\": [\"fail\"]}", true, 1, "", "it failed");
}

static void test_unknown_and_help(void **state)
{
	(void)state;
	expect("{\"argv\": [\"frobnicate\", \"now\"]}", true, 2, "",
		"unknown command 'frobnicate'");
	char *o, *e;
	assert_int_equal(request("{\"argv\": [\"help\"]}", true, &o, &e), 0);
	assert_non_null(strstr(o, "  show interfaces\n"));
	assert_non_null(strstr(o, "  echo\n"));
	assert_true(strstr(o, "  echo\n") < strstr(o, "  show\n")); /* sorted */
	free(o);
	free(e);
}

static void test_words_after(void **state)
{
	const char *w[4];
	(void)state;
	/* "show" itself has no words after it: only "show interfaces" */
	assert_int_equal(sl_ctl_words_after("show", w, 4), 1);
	assert_string_equal(w[0], "interfaces");
	assert_null(w[1]);
	assert_int_equal(sl_ctl_register("show arp vrf", h_echo, "A"), 0);
	assert_int_equal(sl_ctl_words_after("show", w, 4), 2);
	assert_string_equal(w[0], "arp vrf"); /* sorted */
	assert_string_equal(w[1], "interfaces");
	assert_int_equal(sl_ctl_words_after("show", w, 1), 1); /* bounded */
	assert_int_equal(sl_ctl_words_after("sh", w, 4), 0);
	assert_null(w[0]);
	assert_int_equal(sl_ctl_unregister("show arp vrf"), 0);
}

static void test_default_show_handler(void **state)
{
	(void)state;
	assert_int_equal(sl_ctl_unregister("show"), 0);
	assert_int_equal(sl_ctl_unregister("show"), -ENOENT);
	sl_ctl_set_default(h_default, default_help, NULL);
	expect("{\"argv\": [\"show\", \"ip\", \"route\"]}", true, 0, "default:3:route", NULL);
	/* Registered words still win over the default. */
	expect("{\"argv\": [\"show\", \"interfaces\"]}", true, 0, "I show interfaces|text|", NULL);
	/* The default only takes `show`. */
	expect("{\"argv\": [\"ping\", \"1.2.3.4\"]}", true, 2, "", "unknown command 'ping'");
	char *o, *e;
	assert_int_equal(request("{\"argv\": [\"help\"]}", true, &o, &e), 0);
	assert_non_null(strstr(o, "show ip route [vrf NAME]"));
	free(o);
	free(e);
	assert_int_equal(sl_ctl_register("show", h_echo, "S"), 0);
}

static void show_like_help(FILE *out, void *ctx)
{
	(void)ctx;
	fprintf(out, "show leak [vrf NAME]\nshow leak graph\nshow ip route [vrf NAME]\n");
}

/* The words of a help line before its usage ("show leak [vrf NAME]" -> "show leak"). */
static void help_words(const char *line, char *words, size_t len)
{
	line += strspn(line, " ");
	size_t n = 0;
	while (*line && *line != '[' && *line != '<' && !(*line >= 'A' && *line <= 'Z') &&
		n + 1 < len) {
		words[n++] = *line++;
	}
	while (n > 0 && words[n - 1] == ' ')
		n--;
	words[n] = '\0';
}

/* Every command help lists, once: a command both registered (sluiced's
 * `show leak graph`) and in the default's help (lib/show's) is not doubled. */
static void test_help_lists_once(void **state)
{
	(void)state;
	sl_ctl_set_default(h_default, show_like_help, NULL);
	assert_int_equal(sl_ctl_register("show leak graph", h_echo, "G"), 0);
	char *o, *e;
	assert_int_equal(request("{\"argv\": [\"help\"]}", true, &o, &e), 0);
	char seen[32][64];
	size_t n = 0;
	for (char *save = NULL, *l = strtok_r(o, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[strlen(l) - 1] == ':') /* a heading */
			continue;
		assert_true(n < 32);
		help_words(l, seen[n], sizeof(seen[n]));
		for (size_t i = 0; i < n; i++)
			if (strcmp(seen[i], seen[n]) == 0)
				fail_msg("help lists '%s' twice", seen[n]);
		n++;
	}
	/* each listed, the registered ones the help does not know included */
	const char *want[] = {
		"help", "echo", "show interfaces", "show leak", "show leak graph", "show ip route"};
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		size_t i = 0;
		while (i < n && strcmp(seen[i], want[w]) != 0)
			i++;
		if (i == n)
			fail_msg("help does not list '%s'", want[w]);
	}
	free(o);
	free(e);
	assert_int_equal(sl_ctl_unregister("show leak graph"), 0);
	sl_ctl_set_default(h_default, default_help, NULL);
}

static void test_malformed(void **state)
{
	(void)state;
	expect("this is not json at all", true, 2, "", "malformed request");
	expect("{\"argv\": [\"echo\"", true, 2, "", "malformed request");
	expect("[\"echo\"]", true, 2, "", "expected a JSON object");
	expect("{\"argv\": []}", true, 2, "", "non-empty array");
	expect("{\"argv\": \"echo\"}", true, 2, "", "non-empty array");
	expect("{\"argv\": [\"echo\", 7]}", true, 2, "", "\"argv\"[1] must be a string");
	expect("{\"argv\": [\"echo\"], \"json\": \"yes\"}", true, 2, "", "\"json\"");
	expect("{\"argv\": [\"echo\"], \"input\": 5}", true, 2, "", "\"input\"");
	expect("", true, 2, "", "empty request");
	/* Garbage ended by a newline is refused without waiting for EOF. */
	expect("}}}\n", false, 2, "", "malformed request");
	/* Invalid UTF-8 in a request is malformed JSON for jansson. */
	expect("{\"argv\": [\"echo\", \"\xff\"]}", true, 2, "", "malformed request");
	/* The server is still fine afterwards. */
	expect("{\"argv\": [\"echo\"]}", true, 0, "E echo|text|", NULL);
}

/* A request that keeps arriving is not cut off by the (300 ms) timeout: a
 * big configure streams for as long as it makes progress. */
static void test_streamed(void **state)
{
	(void)state;
	static const char *const parts[] = {
		"{\"argv\": [\"echo\"]", ", \"input\": \"set a", " 1\\nset", " b 2\\n\"", "}"};
	int fd = client_connect();
	char *o, *e;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		client_send(fd, parts[i], strlen(parts[i]));
		usleep(150 * 1000); /* 750 ms in all, each gap half the timeout */
	}
	shutdown(fd, SHUT_WR);
	int status = client_reply(fd, &o, &e);
	if (status != 0)
		fail_msg("status %d: %s", status, e);
	assert_string_equal(o, "E echo|text|set a 1\nset b 2\n");
	free(o);
	free(e);
}

static void test_oversized(void **state)
{
	(void)state;
	size_t big = 2 * TEST_REQUEST_MAX; /* sent whole: the server drains, no reset */
	char *text = malloc(big + 64);
	assert_non_null(text);
	strcpy(text, "{\"argv\": [\"echo\"], \"input\": \"");
	size_t len = strlen(text);
	memset(text + len, 'x', big);
	strcpy(text + len + big, "\"}");
	expect(text, true, 2, "", "request larger than 1048576 bytes (sluiced --ctl-request-max)");
	/* Just under the limit is accepted. */
	size_t ok = TEST_REQUEST_MAX - 100;
	memset(text + len, 'y', ok);
	strcpy(text + len + ok, "\"}");
	char *o, *e;
	assert_int_equal(request(text, true, &o, &e), 0);
	assert_int_equal(strlen(o), strlen("E echo|text|") + ok);
	free(o);
	free(e);
	free(text);
}

static int chunk_reply(int fd, char *id, size_t id_size, bool *raw, char **output, char **errors);

/* One streamed chunk (protocol in sl_ctl.h); the reply's session id, if any, in id. */
static int chunk_send(const char *argv0, const char *chunk, bool more, const char *session,
	char *id, size_t id_size, char **output, char **errors)
{
	json_t *req = json_pack("{s:[s], s:s, s:b}", "argv", argv0, "chunk", chunk, "more", more);
	assert_non_null(req);
	if (session != NULL)
		json_object_set_new(req, "session", json_string(session));
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_non_null(text);
	int fd = client_connect();
	client_send(fd, text, strlen(text));
	free(text);
	shutdown(fd, SHUT_WR);
	return chunk_reply(fd, id, id_size, NULL, output, errors);
}

/* The reply to a chunk on fd (then closed): its status; session id in id
 * (when not NULL), whether it offers raw chunks in *raw (when not NULL). */
static int chunk_reply(int fd, char *id, size_t id_size, bool *raw, char **output, char **errors)
{
	/* client_reply drops "session": read the reply here */
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (ssize_t n; (n = recv(fd, buf + len, cap - len, 0)) > 0;) {
		len += (size_t)n;
		if (cap - len < 1024) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	close(fd);
	json_error_t jerr;
	json_t *reply = json_loadb(buf, len, 0, &jerr);
	if (reply == NULL)
		fail_msg("reply of %zu bytes: %s: %.80s", len, jerr.text, buf);
	free(buf);
	const char *sid = json_string_value(json_object_get(reply, "session"));
	if (id != NULL)
		snprintf(id, id_size, "%s", sid != NULL ? sid : "");
	if (raw != NULL)
		*raw = json_is_true(json_object_get(reply, "raw"));
	*output = strdup(json_string_value(json_object_get(reply, "output")));
	*errors = strdup(json_string_value(json_object_get(reply, "errors")));
	int status = (int)json_integer_value(json_object_get(reply, "status"));
	json_decref(reply);
	return status;
}

/* test_chunked_input's 10 MB of chunks and echo make a client starved under
 * load stall longer than the suite's 300 ms timeout; what it tests is the
 * joining, not the timeout (test_half_sent_times_out is). */
static int timeout_long(void **state)
{
	(void)state;
	sl_ctl_server_set_timeout(srv, 10000);
	return 0;
}

static int timeout_short(void **state)
{
	(void)state;
	sl_ctl_server_set_timeout(srv, 300);
	return 0;
}

/* An input ten times the request limit, in chunks under it: the handler runs
 * once, on the last chunk, with the chunks joined in order. */
static void test_chunked_input(void **state)
{
	(void)state;
	enum { CHUNKS = 10 };
	size_t piece = TEST_REQUEST_MAX - 4096, total = CHUNKS * piece;
	char *want = malloc(total + 1), *chunk = malloc(piece + 1);
	assert_non_null(want);
	assert_non_null(chunk);
	for (size_t i = 0; i < total; i++)
		want[i] = (char)('a' + (i * 7 + i / 65536) % 26);
	want[total] = '\0';
	char id[64] = "", first[64] = "", *o, *e;
	for (int c = 0; c < CHUNKS; c++) {
		memcpy(chunk, want + (size_t)c * piece, piece);
		chunk[piece] = '\0';
		bool more = c < CHUNKS - 1;
		int status = chunk_send("echo", chunk, more, c ? id : NULL, id, sizeof(id), &o, &e);
		if (status != 0)
			fail_msg("chunk %d: status %d: %s", c, status, e);
		if (more) {
			/* nothing ran yet; every chunk names the same session */
			assert_string_equal(o, "");
			assert_true(id[0] != '\0');
			if (c == 0)
				snprintf(first, sizeof(first), "%s", id);
			assert_string_equal(id, first);
		} else {
			assert_int_equal(strlen(o), strlen("E echo|text|") + total);
			assert_memory_equal(o, "E echo|text|", 12);
			assert_true(memcmp(o + 12, want, total) == 0);
			assert_string_equal(id, ""); /* the final reply is the command's */
		}
		free(o);
		free(e);
	}
	/* The session is gone once it ran. */
	assert_int_equal(chunk_send("echo", "x", false, first, NULL, 0, &o, &e), 2);
	assert_non_null(strstr(e, "no open session"));
	free(o);
	free(e);
	free(want);
	free(chunk);
}

/* A raw chunk ("chunk_bytes"): the header, a newline, the bytes as they are.
 * head: the header's JSON without its closing brace. */
static int raw_send(const char *head, const char *bytes, size_t n, bool pause, bool shut, char *id,
	size_t id_size, char **output, char **errors)
{
	char hdr[512];
	int len = snprintf(hdr, sizeof(hdr), "%s, \"chunk_bytes\": %zu}\n", head, n);
	int fd = client_connect();
	client_send(fd, hdr, (size_t)len);
	if (pause) {
		/* the rest comes later, without a newline nor EOF to end it */
		client_send(fd, bytes, n / 2);
		usleep(100 * 1000);
		bytes += n / 2;
		n -= n / 2;
	}
	client_send(fd, bytes, n);
	if (shut)
		shutdown(fd, SHUT_WR);
	return chunk_reply(fd, id, id_size, NULL, output, errors);
}

/* Chunks after the first may come raw: the server takes their bytes as they
 * are (quotes, backslashes, no final newline) and joins them in order. */
static void test_chunked_raw(void **state)
{
	(void)state;
	char id[64], head[256], *o, *e;
	bool raw = false;
	json_t *req = json_pack("{s:[s], s:s, s:b}", "argv", "echo", "chunk", "a\n", "more", 1);
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	int fd = client_connect();
	client_send(fd, text, strlen(text));
	free(text);
	shutdown(fd, SHUT_WR);
	assert_int_equal(chunk_reply(fd, id, sizeof(id), &raw, &o, &e), 0);
	assert_true(raw); /* the server offers raw chunks */
	free(o);
	free(e);
	snprintf(head, sizeof(head), "{\"argv\": [\"echo\"], \"more\": true, \"session\": \"%s\"",
		id);
	static const char mid[] = "b \"q\" \\n\n";
	assert_int_equal(raw_send(head, mid, strlen(mid), true, false, NULL, 0, &o, &e), 0);
	assert_string_equal(o, "");
	free(o);
	free(e);
	snprintf(head, sizeof(head), "{\"argv\": [\"echo\"], \"session\": \"%s\"", id);
	assert_int_equal(raw_send(head, "c", 1, false, false, NULL, 0, &o, &e), 0);
	assert_string_equal(o, "E echo|text|a\nb \"q\" \\n\nc");
	free(o);
	free(e);

	/* Malformed raw chunks. */
	static const char *const bad[][2] = {
		{"{\"argv\": [\"echo\"], \"more\": true, \"chunk_bytes\": -1}\n", "non-negative"},
		{"{\"argv\": [\"echo\"], \"more\": true, \"chunk_bytes\": \"1\"}\nx",
			"non-negative"},
		{"{\"argv\": [\"echo\"], \"more\": true, \"chunk\": \"a\", \"chunk_bytes\": 1}\nx",
			"not both"},
		{"{\"argv\": [\"echo\"], \"more\": true, \"chunk_bytes\": 1}x", "needs a newline"},
		{"{\"argv\": [\"echo\"], \"more\": true, \"chunk_bytes\": 10}\nabc", "truncated"},
		{"{\"argv\": [\"echo\"], \"chunk_bytes\": 1}\nx", "needs \"more\": true"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i][0], true, 2, "", bad[i][1]);
	static const char nul[] =
		"{\"argv\": [\"echo\"], \"more\": true, \"chunk_bytes\": 3}\na\0b";
	fd = client_connect();
	client_send(fd, nul, sizeof(nul) - 1);
	shutdown(fd, SHUT_WR);
	assert_int_equal(chunk_reply(fd, NULL, 0, NULL, &o, &e), 2);
	assert_non_null(strstr(e, "NUL byte at byte 1"));
	free(o);
	free(e);
	/* The request limit counts a raw chunk's bytes. */
	size_t big = TEST_REQUEST_MAX + 10;
	char *bytes = malloc(big);
	assert_non_null(bytes);
	memset(bytes, 'z', big);
	assert_int_equal(raw_send("{\"argv\": [\"echo\"], \"more\": true", bytes, big, false, true,
				 NULL, 0, &o, &e),
		2);
	assert_non_null(strstr(e, "request larger than 1048576 bytes"));
	free(o);
	free(e);
	free(bytes);
}

static void test_chunked_errors(void **state)
{
	(void)state;
	char id[64], *o, *e;
	/* A chunk for another command drops the session: nothing runs. */
	assert_int_equal(chunk_send("echo", "a\n", true, NULL, id, sizeof(id), &o, &e), 0);
	free(o);
	free(e);
	assert_int_equal(chunk_send("show", "b\n", false, id, NULL, 0, &o, &e), 2);
	assert_non_null(strstr(e, "was opened for 'echo', not 'show'"));
	assert_string_equal(o, "");
	free(o);
	free(e);
	assert_int_equal(chunk_send("echo", "b\n", false, id, NULL, 0, &o, &e), 2);
	assert_non_null(strstr(e, "no open session"));
	free(o);
	free(e);
	/* Malformed mixes. */
	expect("{\"argv\": [\"echo\"], \"input\": \"a\", \"chunk\": \"b\", \"more\": true}", true,
		2, "", "not \"input\"");
	expect("{\"argv\": [\"echo\"], \"chunk\": \"b\"}", true, 2, "", "needs \"more\": true");
	expect("{\"argv\": [\"echo\"], \"chunk\": 1, \"more\": true}", true, 2, "", "\"chunk\"");
	expect("{\"argv\": [\"echo\"], \"more\": 1}", true, 2, "", "\"more\"");
	expect("{\"argv\": [\"echo\"], \"session\": 1}", true, 2, "", "\"session\"");
	/* A chunk over the limit is refused like any request; the limit is per request. */
	size_t big = TEST_REQUEST_MAX + 10;
	char *text = malloc(big + 100);
	assert_non_null(text);
	int n = snprintf(text, 100, "{\"argv\": [\"echo\"], \"more\": true, \"chunk\": \"");
	memset(text + n, 'z', big);
	strcpy(text + n + big, "\"}");
	expect(text, true, 2, "", "request larger than 1048576 bytes");
	free(text);
	/* At most SL_CTL_SESSIONS_MAX open; an idle one is dropped, freeing a place. */
	sl_ctl_server_set_session_idle(srv, 400);
	char ids[SL_CTL_SESSIONS_MAX][64];
	for (int i = 0; i < SL_CTL_SESSIONS_MAX; i++) {
		assert_int_equal(chunk_send("echo", "s", true, NULL, ids[i], 64, &o, &e), 0);
		free(o);
		free(e);
	}
	assert_int_equal(chunk_send("echo", "s", true, NULL, id, sizeof(id), &o, &e), 1);
	assert_non_null(strstr(e, "server busy"));
	free(o);
	free(e);
	usleep(800 * 1000);
	assert_int_equal(chunk_send("echo", "late", false, ids[0], NULL, 0, &o, &e), 2);
	assert_non_null(strstr(e, "no open session"));
	free(o);
	free(e);
	assert_int_equal(chunk_send("echo", "new ", true, NULL, id, sizeof(id), &o, &e), 0);
	free(o);
	free(e);
	assert_int_equal(chunk_send("echo", "one", false, id, NULL, 0, &o, &e), 0);
	assert_string_equal(o, "E echo|text|new one");
	free(o);
	free(e);
	sl_ctl_server_set_session_idle(srv, 0);
}

static void test_half_sent_times_out(void **state)
{
	(void)state;
	/* Another client keeps being served while one stalls. */
	int stalled = client_connect();
	client_send(stalled, "{\"argv\": [\"ec", 13);
	expect("{\"argv\": [\"echo\"]}", true, 0, "E echo|text|", NULL);
	char *o, *e;
	assert_int_equal(client_reply(stalled, &o, &e), 2);
	assert_non_null(strstr(e, "request not complete: nothing received for 300 ms"));
	free(o);
	free(e);
	/* A client that connects and sends nothing is dropped the same way. */
	int silent = client_connect();
	assert_int_equal(client_reply(silent, &o, &e), 2);
	free(o);
	free(e);
}

static void test_several_clients(void **state)
{
	(void)state;
	enum { N = 12 };
	int fds[N];
	char text[N][64];
	for (int i = 0; i < N; i++) {
		fds[i] = client_connect();
		snprintf(text[i], sizeof(text[i]), "{\"argv\": [\"echo\", \"c%d\"]}", i);
		client_send(fds[i], text[i], 10); /* half of each request first */
	}
	for (int i = N - 1; i >= 0; i--) {
		client_send(fds[i], text[i] + 10, strlen(text[i]) - 10);
		shutdown(fds[i], SHUT_WR);
	}
	for (int i = 0; i < N; i++) {
		char *o, *e, want[64];
		assert_int_equal(client_reply(fds[i], &o, &e), 0);
		snprintf(want, sizeof(want), "E echo c%d|text|", i);
		assert_string_equal(o, want);
		free(o);
		free(e);
	}
}

static void test_deferred_reply(void **state)
{
	(void)state;
	expect("{\"argv\": [\"slow\"]}", true, 0, "finished later\n", NULL);
	/* A client that leaves before its deferred reply: the finish is discarded. */
	int fd = client_connect();
	client_send(fd, "{\"argv\": [\"slow\"]}\n", 19);
	close(fd);
	for (int i = 0; i < 200 && __atomic_load_n(&slow_req, __ATOMIC_ACQUIRE) == NULL; i++)
		usleep(1000);
	expect("{\"argv\": [\"echo\"]}", true, 0, "E echo|text|", NULL);
	/* Outside a handler there is nothing to defer. */
	errno = 0;
	assert_null(sl_ctl_defer());
	assert_int_equal(errno, EPERM);
}

static void test_register_errors(void **state)
{
	(void)state;
	assert_int_equal(sl_ctl_register("echo", h_echo, NULL), -EEXIST);
	assert_int_equal(sl_ctl_register("  ", h_echo, NULL), -EINVAL);
	assert_int_equal(sl_ctl_register("x", NULL, NULL), -EINVAL);
	char *argv[] = {"echo", "direct", NULL};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(sl_ctl_dispatch(2, argv, false, NULL, out, stderr), 0);
	fclose(out);
	assert_string_equal(buf, "E echo direct|text|");
	free(buf);
}

static void test_stale_socket_removed(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/stale.sock", sock_dir);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd); /* the file stays: a crashed daemon's socket */
	struct sl_ctl_server *s = sl_ctl_server_open(path, 0600);
	assert_non_null(s);
	sl_ctl_server_close(s);
	assert_int_equal(access(path, F_OK), -1);
	/* A regular file in the way is not deleted. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	errno = 0;
	assert_null(sl_ctl_server_open(path, 0600));
	assert_int_equal(errno, EEXIST);
	unlink(path);
}

/* A server closed while a request is deferred: the client hears about it,
 * and the handler's later finish is harmless (ASan watches). */
static void test_close_with_deferred(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/second.sock", sock_dir);
	struct sl_ctl_server *s = sl_ctl_server_open(path, 0600);
	assert_non_null(s);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	const char *req = "{\"argv\": [\"park\"]}";
	client_send(fd, req, strlen(req));
	shutdown(fd, SHUT_WR);
	parked_req = NULL;
	for (int i = 0; i < 100 && parked_req == NULL; i++)
		sl_ctl_server_poll(s, 10);
	assert_non_null(parked_req);
	sl_ctl_server_close(s);
	char *o, *e;
	assert_int_equal(client_reply(fd, &o, &e), 1);
	assert_non_null(strstr(e, "server shutting down"));
	free(o);
	free(e);
	fprintf(sl_ctl_request_out(parked_req), "too late\n");
	sl_ctl_request_finish(parked_req, 0);
	parked_req = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_created),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_peer_uid),
		cmocka_unit_test(test_dispatch_longest_prefix),
		cmocka_unit_test(test_unknown_and_help),
		cmocka_unit_test(test_words_after),
		cmocka_unit_test(test_default_show_handler),
		cmocka_unit_test(test_help_lists_once),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_streamed),
		cmocka_unit_test_setup_teardown(test_chunked_input, timeout_long, timeout_short),
		cmocka_unit_test(test_chunked_errors),
		cmocka_unit_test(test_chunked_raw),
		cmocka_unit_test(test_half_sent_times_out),
		cmocka_unit_test(test_several_clients),
		cmocka_unit_test(test_deferred_reply),
		cmocka_unit_test(test_register_errors),
		cmocka_unit_test(test_stale_socket_removed),
		cmocka_unit_test(test_close_with_deferred),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
