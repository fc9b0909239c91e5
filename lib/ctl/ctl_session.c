/* SPDX-License-Identifier: BSD-3-Clause */
/* Streamed requests: the chunks of each open session, joined for one run. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_session.h"
#include "sl_ctl.h"

struct ctl_session {
	struct ctl_session *next;
	uint64_t id;
	int argc;
	char **argv; /* the command the session was opened for */
	char *input; /* the chunks so far, NUL-terminated */
	size_t len, cap;
	uint64_t last_ms; /* when the last chunk arrived */
};

static void session_free(struct ctl_session *s)
{
	for (int i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->input);
	free(s);
}

static void session_unlink(struct ctl_sessions *ss, struct ctl_session *s)
{
	for (struct ctl_session **p = &ss->head; *p != NULL; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			ss->n--;
			return;
		}
}

static struct ctl_session *session_find(struct ctl_sessions *ss, uint64_t id)
{
	for (struct ctl_session *s = ss->head; s != NULL; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static bool argv_same(const struct ctl_session *s, const struct ctl_parsed *p)
{
	if (s->argc != p->argc)
		return false;
	for (int i = 0; i < s->argc; i++)
		if (strcmp(s->argv[i], p->argv[i]) != 0)
			return false;
	return true;
}

/* Append a chunk; the buffer doubles, so a long stream copies each byte O(1) times. */
static int session_append(struct ctl_session *s, const char *chunk)
{
	size_t n = strlen(chunk);
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + n + 1)
			cap *= 2;
		char *grown = realloc(s->input, cap);
		if (grown == NULL)
			return -ENOMEM;
		s->input = grown;
		s->cap = cap;
	}
	memcpy(s->input + s->len, chunk, n + 1);
	s->len += n;
	return 0;
}

static struct ctl_session *session_open(struct ctl_sessions *ss, const struct ctl_parsed *p)
{
	struct ctl_session *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->argv = calloc((size_t)p->argc, sizeof(*s->argv));
	if (s->argv == NULL) {
		free(s);
		return NULL;
	}
	for (; s->argc < p->argc; s->argc++)
		if ((s->argv[s->argc] = strdup(p->argv[s->argc])) == NULL) {
			session_free(s);
			return NULL;
		}
	/* Ids that a restarted daemon is unlikely to hand out again. */
	if (ss->next_id == 0)
		ss->next_id = ((uint64_t)time(NULL) << 20) | 1;
	s->id = ss->next_id++;
	s->next = ss->head;
	ss->head = s;
	ss->n++;
	return s;
}

int ctl_session_chunk(struct ctl_sessions *ss, struct ctl_parsed *p, uint64_t now_ms, char *id_out,
	size_t id_size, char *msg, size_t msg_size)
{
	struct ctl_session *s;
	if (p->session != NULL) {
		char *end;
		uint64_t id = strtoull(p->session, &end, 16);
		s = *end == '\0' && end != p->session ? session_find(ss, id) : NULL;
		if (s == NULL) {
			snprintf(msg, msg_size,
				"no open session '%.32s': it finished, failed, or got no chunk "
				"for too long; send the input again",
				p->session);
			return -EINVAL;
		}
		if (!argv_same(s, p)) {
			snprintf(msg, msg_size,
				"session '%.32s' was opened for '%.64s', not '%.64s'", p->session,
				s->argv[0], p->argv[0]);
			session_unlink(ss, s);
			session_free(s);
			return -EINVAL;
		}
	} else {
		if (ss->n >= SL_CTL_SESSIONS_MAX) {
			snprintf(msg, msg_size,
				"server busy: %u streamed requests are open already; try again",
				ss->n);
			return -EBUSY;
		}
		s = session_open(ss, p);
		if (s == NULL) {
			snprintf(msg, msg_size, "out of memory");
			return -ENOMEM;
		}
	}
	if (session_append(s, p->input) < 0) {
		snprintf(msg, msg_size, "out of memory after %zu bytes of streamed input", s->len);
		session_unlink(ss, s);
		session_free(s);
		return -ENOMEM;
	}
	s->last_ms = now_ms;
	if (p->more) {
		snprintf(id_out, id_size, "%016" PRIx64, s->id);
		return 1;
	}
	/* The last chunk: hand the whole input over to the run. */
	session_unlink(ss, s);
	free(p->input);
	p->input = s->input;
	s->input = NULL;
	session_free(s);
	return 0;
}

void ctl_sessions_expire(struct ctl_sessions *ss, uint64_t now_ms, uint64_t idle_ms)
{
	struct ctl_session *s = ss->head;
	while (s != NULL) {
		struct ctl_session *next = s->next;
		if (now_ms - s->last_ms >= idle_ms) {
			session_unlink(ss, s);
			session_free(s);
		}
		s = next;
	}
}

void ctl_sessions_free(struct ctl_sessions *ss)
{
	while (ss->head != NULL) {
		struct ctl_session *s = ss->head;
		ss->head = s->next;
		session_free(s);
	}
	ss->n = 0;
}
