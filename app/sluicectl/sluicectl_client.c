/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The live client: one request per connection over the daemon's unix
 * socket (protocol documented in lib/ctl/sl_ctl.h).
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

static char *request_encode(int argc, char **argv, bool json, const char *input)
{
	json_t *req = json_object();
	json_t *words = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(words, json_string(argv[i]));
	json_object_set_new(req, "argv", words);
	json_object_set_new(req, "json", json_boolean(json));
	if (input != NULL)
		json_object_set_new(req, "input", json_string(input));
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	return text;
}

int client_run(const char *socket_path, int argc, char **argv, bool json, const char *input)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(socket_path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "sluicectl: socket path too long: %s\n", socket_path);
		return EXIT_USAGE;
	}
	strcpy(addr.sun_path, socket_path);
	char *text = request_encode(argc, argv, json, input);
	if (text == NULL) {
		fprintf(stderr, "sluicectl: cannot encode the request (arguments and input must "
				"be UTF-8)\n");
		return EXIT_USAGE;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr,
			"sluicectl: cannot reach sluiced at %s: %s (is it running? "
			"-s PATH selects another socket; --offline FILE works without it)\n",
			socket_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(text);
		return EXIT_CONFIG;
	}
	/* A wedged daemon must not hang scripts forever; the slowest command
	 * (traceroute: 30 hops x 3 probes x 1 s) is well inside this. */
	struct timeval reply_timeout = {.tv_sec = 300};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &reply_timeout, sizeof(reply_timeout));
	/* The server may answer early (oversized request): still read its reply. */
	send_all(fd, text, strlen(text));
	free(text);
	shutdown(fd, SHUT_WR);
	size_t len;
	char *reply_text = recv_all(fd, &len);
	close(fd);
	if (reply_text == NULL) {
		fprintf(stderr, "sluicectl: reading the reply from %s: %s\n", socket_path,
			strerror(errno));
		return EXIT_CONFIG;
	}
	json_error_t jerr;
	json_t *reply = json_loadb(reply_text, len, 0, &jerr);
	free(reply_text);
	json_t *status = json_object_get(reply, "status");
	if (reply == NULL || !json_is_integer(status)) {
		fprintf(stderr, "sluicectl: malformed reply from sluiced%s%s\n",
			reply == NULL ? ": " : "", reply == NULL ? jerr.text : "");
		json_decref(reply);
		return EXIT_CONFIG;
	}
	const char *output = json_string_value(json_object_get(reply, "output"));
	const char *errors = json_string_value(json_object_get(reply, "errors"));
	if (output != NULL)
		fputs(output, stdout);
	fflush(stdout);
	if (errors != NULL)
		fputs(errors, stderr);
	int rc = (int)json_integer_value(status);
	json_decref(reply);
	return rc < 0 || rc > 255 ? EXIT_CONFIG : rc;
}
