/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The live client: one request per connection over the daemon's unix
 * socket (protocol documented in lib/ctl/sl_ctl.h); an input over 1 MiB goes
 * as a streamed request, in chunks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "sluicectl.h"

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static char *recv_all(int fd, size_t *len)
{
	size_t cap = 65536;
	char *buf = malloc(cap);
	*len = 0;
	while (buf != NULL) {
		if (cap - *len < 4096) {
			char *grown = realloc(buf, cap * 2);
			if (grown == NULL)
				break;
			buf = grown;
			cap *= 2;
		}
		ssize_t n = recv(fd, buf + *len, cap - *len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			return buf;
		*len += (size_t)n;
	}
	free(buf);
	errno = ENOMEM;
	return NULL;
}

/*
 * Requests larger than this are streamed in chunks that encode to at most
 * this: sluiced's smallest --ctl-request-max (1 MiB) takes every one of them.
 */
#define CLIENT_REQUEST_MAX (1u << 20)
#define CLIENT_CHUNK (256u << 10) /* input bytes per chunk, before JSON escapes */
#define CLIENT_RAW_CHUNK (CLIENT_REQUEST_MAX - (16u << 10)) /* raw bytes per chunk */

/* The request; input_key "input", or "chunk" with more/session for a streamed
 * one, or "chunk_bytes": the header then the input as it is (sl_ctl.h). */
static char *request_encode(int argc, char **argv, bool json, const char *input_key,
	const char *input, size_t input_len, bool more, const char *session)
{
	bool raw = strcmp(input_key, "chunk_bytes") == 0;
	json_t *req = json_object();
	json_t *words = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(words, json_string(argv[i]));
	json_object_set_new(req, "argv", words);
	json_object_set_new(req, "json", json_boolean(json));
	/* json_stringn refuses invalid UTF-8: say so rather than send no input */
	if (raw)
		json_object_set_new(req, input_key, json_integer((json_int_t)input_len));
	else if (input != NULL &&
		 json_object_set_new(req, input_key, json_stringn(input, input_len)) < 0) {
		json_decref(req);
		return NULL;
	}
	if (more)
		json_object_set_new(req, "more", json_true());
	if (session != NULL)
		json_object_set_new(req, "session", json_string(session));
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL || !raw)
		return text;
	size_t hdr = strlen(text);
	char *framed = realloc(text, hdr + 1 + input_len + 1);
	if (framed == NULL) {
		free(text);
		return NULL;
	}
	framed[hdr] = '\n';
	memcpy(framed + hdr + 1, input, input_len);
	framed[hdr + 1 + input_len] = '\0';
	return framed;
}

/* One request on its own connection; the decoded reply, or NULL (said on stderr). */
static json_t *exchange(const char *socket_path, const char *text)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, socket_path); /* length checked by the callers */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr,
			"sluicectl: cannot reach sluiced at %s: %s (is it running? "
			"-s PATH selects another socket; --offline FILE works without it)\n",
			socket_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	/* A wedged daemon must not hang scripts forever; the slowest command
	 * (traceroute: 30 hops x 3 probes x 1 s) is well inside this. */
	struct timeval reply_timeout = {.tv_sec = 300};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &reply_timeout, sizeof(reply_timeout));
	/* The server may answer early (oversized request): still read its reply. */
	send_all(fd, text, strlen(text));
	shutdown(fd, SHUT_WR);
	size_t len;
	char *reply_text = recv_all(fd, &len);
	close(fd);
	if (reply_text == NULL) {
		fprintf(stderr, "sluicectl: reading the reply from %s: %s\n", socket_path,
			strerror(errno));
		return NULL;
	}
	json_error_t jerr;
	json_t *reply = json_loadb(reply_text, len, 0, &jerr);
	free(reply_text);
	if (reply == NULL || !json_is_integer(json_object_get(reply, "status"))) {
		fprintf(stderr, "sluicectl: malformed reply from sluiced%s%s\n",
			reply == NULL ? ": " : "", reply == NULL ? jerr.text : "");
		json_decref(reply);
		return NULL;
	}
	return reply;
}

/* Print a reply's output and errors; its status as the exit status. */
static int reply_print(json_t *reply)
{
	const char *output = json_string_value(json_object_get(reply, "output"));
	const char *errors = json_string_value(json_object_get(reply, "errors"));
	if (output != NULL)
		fputs(output, stdout);
	fflush(stdout);
	if (errors != NULL)
		fputs(errors, stderr);
	int rc = (int)json_integer_value(json_object_get(reply, "status"));
	json_decref(reply);
	return rc < 0 || rc > 255 ? EXIT_CONFIG : rc;
}

/* Bytes of s (len left) for one chunk: whole lines when they fit, never a split UTF-8 character. */
static size_t chunk_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && s[n - 1] != '\n')
		n--;
	if (n > 0)
		return n;
	n = max; /* one line longer than a chunk */
	while (n > 1 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* The input in chunks of one session; the command runs on the last one.
 * Its reply (or the first refusal), NULL when said on stderr (*status).
 * The first chunk is a JSON string; when the server answers "raw", the next
 * ones are sent as they are, bigger, and it decodes nothing of them. */
static json_t *client_stream(
	const char *socket_path, int argc, char **argv, bool json, const char *input, int *status)
{
	size_t total = strlen(input), off = 0, max = CLIENT_CHUNK;
	char session[64] = "";
	bool raw = false;
	for (;;) {
		size_t n = chunk_cut(input + off, total - off, max);
		bool last = off + n == total;
		char *text = request_encode(argc, argv, json, raw ? "chunk_bytes" : "chunk",
			input + off, n, !last, session[0] ? session : NULL);
		if (text == NULL) {
			fprintf(stderr,
				"sluicectl: cannot encode the input near byte %zu (it "
				"must be UTF-8)\n",
				off);
			*status = EXIT_USAGE;
			return NULL;
		}
		if (strlen(text) > CLIENT_REQUEST_MAX && n > 1) {
			free(text); /* escapes made it too big: a smaller chunk */
			max = n / 2;
			continue;
		}
		json_t *reply = exchange(socket_path, text);
		free(text);
		if (reply == NULL || last ||
			json_integer_value(json_object_get(reply, "status")) != 0)
			return reply;
		const char *id = json_string_value(json_object_get(reply, "session"));
		if (id == NULL || strlen(id) >= sizeof(session)) {
			fprintf(stderr,
				"sluicectl: sluiced at %s does not take input in chunks (an "
				"older daemon?): nothing of the %zu bytes was applied; send at "
				"most %u bytes at a time\n",
				socket_path, total, CLIENT_REQUEST_MAX);
			json_decref(reply);
			return NULL;
		}
		snprintf(session, sizeof(session), "%s", id);
		raw = json_is_true(json_object_get(reply, "raw"));
		json_decref(reply);
		off += n;
		/* raw: the header (argv, session) fits in what is left of a request */
		max = raw ? CLIENT_RAW_CHUNK : CLIENT_CHUNK;
	}
}

/* One request, streamed when big; its reply, or NULL said on stderr (*status). */
static json_t *request(
	const char *socket_path, int argc, char **argv, bool json, const char *input, int *status)
{
	*status = EXIT_CONFIG;
	if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "sluicectl: socket path too long: %s\n", socket_path);
		*status = EXIT_USAGE;
		return NULL;
	}
	size_t input_len = input != NULL ? strlen(input) : 0;
	if (input_len > CLIENT_REQUEST_MAX)
		return client_stream(socket_path, argc, argv, json, input, status);
	char *text = request_encode(argc, argv, json, "input", input, input_len, false, NULL);
	if (text == NULL) {
		fprintf(stderr, "sluicectl: cannot encode the request (arguments and input must "
				"be UTF-8)\n");
		*status = EXIT_USAGE;
		return NULL;
	}
	if (strlen(text) > CLIENT_REQUEST_MAX) {
		free(text);
		return client_stream(socket_path, argc, argv, json, input, status);
	}
	json_t *reply = exchange(socket_path, text);
	free(text);
	return reply;
}

int client_run(const char *socket_path, int argc, char **argv, bool json, const char *input)
{
	int status;
	json_t *reply = request(socket_path, argc, argv, json, input, &status);
	return reply != NULL ? reply_print(reply) : status;
}

static char *dup_of(json_t *reply, const char *key)
{
	const char *v = json_string_value(json_object_get(reply, key));
	return v != NULL ? strdup(v) : NULL;
}

int client_call(const char *socket_path, int argc, char **argv, bool json, const char *input,
	char **out, char **errs)
{
	int status;
	json_t *reply = request(socket_path, argc, argv, json, input, &status);
	*out = *errs = NULL;
	if (reply == NULL)
		return status;
	*out = dup_of(reply, "output");
	*errs = dup_of(reply, "errors");
	int rc = (int)json_integer_value(json_object_get(reply, "status"));
	json_decref(reply);
	return rc < 0 || rc > 255 ? EXIT_CONFIG : rc;
}

char *client_capture(const char *socket_path, int argc, char **argv)
{
	if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return NULL;
	char *text = request_encode(argc, argv, false, "input", NULL, 0, false, NULL);
	if (text == NULL)
		return NULL;
	/* exchange() says why it failed on stderr: keep the prompt clean */
	FILE *saved = stderr;
	FILE *quiet = fopen("/dev/null", "w");
	if (quiet != NULL)
		stderr = quiet;
	json_t *reply = exchange(socket_path, text);
	stderr = saved;
	if (quiet != NULL)
		fclose(quiet);
	free(text);
	if (reply == NULL)
		return NULL;
	const char *output = json_string_value(json_object_get(reply, "output"));
	char *copy = json_integer_value(json_object_get(reply, "status")) == 0 && output
			     ? strdup(output)
			     : NULL;
	json_decref(reply);
	return copy;
}
