/* SPDX-License-Identifier: BSD-3-Clause */
/* Private: the control socket's request/reply encoding (protocol in sl_ctl.h). */
#ifndef CTL_REQUEST_H
#define CTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_parsed {
	int argc;
	char **argv; /* argc strings + NULL, owned */
	bool json;
	char *input; /* "" when absent, owned; a streamed request's "chunk" or raw chunk */
	bool streamed; /* "chunk", "chunk_bytes", "more" or "session" was given (sl_ctl.h) */
	bool more; /* more chunks follow */
	char *session; /* NULL when absent, owned */
};

/* True when buf holds one complete JSON value (a newline-terminated request)
 * and the raw chunk its "chunk_bytes" announces; once the header is read,
 * *need is the whole request's length (left alone before and without one). */
bool ctl_request_complete(const char *buf, size_t len, size_t *need);

/* Parse a request. 0, or -EINVAL with a message for the client in msg. */
int ctl_request_parse(
	const char *buf, size_t len, struct ctl_parsed *p, char *msg, size_t msg_size);
void ctl_parsed_free(struct ctl_parsed *p);

/* Encode {"status","output","errors"[,"session","raw"]} + "\n" (invalid UTF-8
 * bytes become '?'; session NULL: none). Returns a malloc'ed string and its length, or NULL. */
char *ctl_reply_encode(int status, const char *out, size_t out_len, const char *err, size_t err_len,
	const char *session, size_t *len);

#endif
