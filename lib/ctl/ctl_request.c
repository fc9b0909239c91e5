/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket's request/reply encoding, with jansson. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl_request.h"

/* The bytes that follow a request's JSON header, when its "chunk_bytes"
 * (a non-negative integer) announces them: their offset in buf (after the
 * header's closing brace and one newline) and count. False when there are
 * none or the field is malformed (ctl_request_parse says so). */
static bool raw_extent(const json_t *req, const json_error_t *jerr, size_t *start, size_t *n)
{
	const json_t *v = json_object_get(req, "chunk_bytes");

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	/* with JSON_DISABLE_EOF_CHECK, jansson leaves the bytes it read here */
	*start = (size_t)jerr->position + 1;
	*n = (size_t)json_integer_value(v);
	return true;
}

bool ctl_request_complete(const char *buf, size_t len, size_t *need)
{
	json_error_t jerr;
	size_t start, n;
	json_t *v = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (v != NULL) {
		bool raw = raw_extent(v, &jerr, &start, &n);
		json_decref(v);
		if (!raw)
			return true;
		*need = start + n < start ? SIZE_MAX : start + n;
		return len >= *need;
	}
	/* Anything but "more input needed" is complete enough to be refused. */
	return json_error_code(&jerr) != json_error_premature_end_of_input;
}

void ctl_parsed_free(struct ctl_parsed *p)
{
	if (p->argv != NULL)
		for (int i = 0; i < p->argc; i++)
			free(p->argv[i]);
	free(p->argv);
	free(p->input);
	free(p->session);
	memset(p, 0, sizeof(*p));
}

int ctl_request_parse(const char *buf, size_t len, struct ctl_parsed *p, char *msg, size_t msg_size)
{
	memset(p, 0, sizeof(*p));
	json_error_t jerr;
	json_t *req = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (req == NULL) {
		snprintf(msg, msg_size, "malformed request at byte %d: %s", jerr.position,
			jerr.text);
		return -EINVAL;
	}
	int rc = -EINVAL;
	json_t *argv = json_object_get(req, "argv");
	json_t *json = json_object_get(req, "json");
	json_t *input = json_object_get(req, "input");
	json_t *chunk = json_object_get(req, "chunk");
	json_t *chunk_bytes = json_object_get(req, "chunk_bytes");
	size_t raw_start = 0, raw_n = 0;
	json_t *more = json_object_get(req, "more");
	json_t *session = json_object_get(req, "session");
	if (!json_is_object(req)) {
		snprintf(msg, msg_size,
			"malformed request: expected a JSON object {\"argv\": [...]}");
		goto out;
	}
	if (!json_is_array(argv) || json_array_size(argv) == 0) {
		snprintf(msg, msg_size,
			"malformed request: \"argv\" must be a non-empty array of strings");
		goto out;
	}
	if (json != NULL && !json_is_boolean(json)) {
		snprintf(msg, msg_size, "malformed request: \"json\" must be true or false");
		goto out;
	}
	if (input != NULL && !json_is_string(input)) {
		snprintf(msg, msg_size, "malformed request: \"input\" must be a string");
		goto out;
	}
	if (chunk != NULL && !json_is_string(chunk)) {
		snprintf(msg, msg_size, "malformed request: \"chunk\" must be a string");
		goto out;
	}
	if (chunk_bytes != NULL && !raw_extent(req, &jerr, &raw_start, &raw_n)) {
		snprintf(msg, msg_size,
			"malformed request: \"chunk_bytes\" must be a non-negative integer");
		goto out;
	}
	if (chunk != NULL && chunk_bytes != NULL) {
		snprintf(msg, msg_size,
			"malformed request: a chunk is \"chunk\" or \"chunk_bytes\", not both");
		goto out;
	}
	if (chunk_bytes != NULL && (raw_start > len || buf[raw_start - 1] != '\n')) {
		snprintf(msg, msg_size,
			"malformed request: \"chunk_bytes\" needs a newline right after the "
			"request's closing brace, then the bytes");
		goto out;
	}
	if (chunk_bytes != NULL && len - raw_start < raw_n) {
		snprintf(msg, msg_size,
			"truncated request: \"chunk_bytes\" announced %zu bytes, %zu came", raw_n,
			len - raw_start);
		goto out;
	}
	if (chunk_bytes != NULL && memchr(buf + raw_start, '\0', raw_n) != NULL) {
		snprintf(msg, msg_size,
			"malformed request: a NUL byte at byte %zu of the chunk (text only)",
			(size_t)((const char *)memchr(buf + raw_start, '\0', raw_n) -
				 (buf + raw_start)));
		goto out;
	}
	if (more != NULL && !json_is_boolean(more)) {
		snprintf(msg, msg_size, "malformed request: \"more\" must be true or false");
		goto out;
	}
	if (session != NULL && !json_is_string(session)) {
		snprintf(msg, msg_size, "malformed request: \"session\" must be a string");
		goto out;
	}
	p->streamed = chunk != NULL || chunk_bytes != NULL || more != NULL || session != NULL;
	if (p->streamed && input != NULL) {
		snprintf(msg, msg_size,
			"malformed request: a streamed request sends \"chunk\", not \"input\"");
		goto out;
	}
	if (p->streamed && !json_is_true(more) && session == NULL) {
		snprintf(msg, msg_size,
			"malformed request: \"chunk\" needs \"more\": true or a \"session\"");
		goto out;
	}
	p->argv = calloc(json_array_size(argv) + 1, sizeof(*p->argv));
	if (p->argv == NULL)
		goto nomem;
	size_t i;
	json_t *word;
	json_array_foreach(argv, i, word)
	{
		if (!json_is_string(word)) {
			snprintf(msg, msg_size, "malformed request: \"argv\"[%zu] must be a string",
				i);
			goto out;
		}
		p->argv[i] = strdup(json_string_value(word));
		if (p->argv[i] == NULL)
			goto nomem;
		p->argc++;
	}
	p->json = json_is_true(json);
	p->more = json_is_true(more);
	if (chunk != NULL)
		input = chunk;
	if (chunk_bytes != NULL) {
		/* taken as they came: no JSON string to decode */
		if ((p->input = malloc(raw_n + 1)) == NULL)
			goto nomem;
		memcpy(p->input, buf + raw_start, raw_n);
		p->input[raw_n] = '\0';
	} else if ((p->input = strdup(input != NULL ? json_string_value(input) : "")) == NULL) {
		goto nomem;
	}
	if (session != NULL && (p->session = strdup(json_string_value(session))) == NULL)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	snprintf(msg, msg_size, "out of memory");
out:
	if (rc < 0)
		ctl_parsed_free(p);
	json_decref(req);
	return rc;
}

/* json_stringn refuses invalid UTF-8: make a copy with such bytes replaced. */
static json_t *string_utf8(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);
	if (v != NULL)
		return v;
	char *copy = malloc(len + 1);
	if (copy == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		copy[i] = (unsigned char)s[i] < 0x80 && s[i] != '\0' ? s[i] : '?';
	v = json_stringn(copy, len);
	free(copy);
	return v;
}

char *ctl_reply_encode(int status, const char *out, size_t out_len, const char *err, size_t err_len,
	const char *session, size_t *len)
{
	json_t *reply = json_object();
	if (reply == NULL)
		return NULL;
	json_object_set_new(reply, "status", json_integer(status));
	json_object_set_new(reply, "output", string_utf8(out, out_len));
	json_object_set_new(reply, "errors", string_utf8(err, err_len));
	if (session != NULL) {
		json_object_set_new(reply, "session", json_string(session));
		/* the next chunks may come as "chunk_bytes" (sl_ctl.h) */
		json_object_set_new(reply, "raw", json_true());
	}
	char *text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (text == NULL)
		return NULL;
	size_t n = strlen(text);
	char *framed = realloc(text, n + 2);
	if (framed == NULL) {
		free(text);
		return NULL;
	}
	framed[n] = '\n';
	framed[n + 1] = '\0';
	*len = n + 1;
	return framed;
}
