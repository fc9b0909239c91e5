/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private: streamed requests (protocol in sl_ctl.h). A request too big for
 * one connection arrives as chunks, one per connection; the server keeps the
 * chunks of each open session and runs the command once, on the last chunk,
 * with the whole input. Nothing runs before that: a session that is dropped
 * (idle, closed server) leaves no trace.
 */
#ifndef CTL_SESSION_H
#define CTL_SESSION_H

#include <stdint.h>

#include "ctl_request.h"

struct ctl_session;

struct ctl_sessions {
	struct ctl_session *head;
	unsigned n;
	uint64_t next_id;
};

/*
 * Take one streamed request (p->streamed). Returns
 *   1  the chunk is kept: reply with status 0 and the session id (id_out);
 *   0  the last chunk: p->input is now the session's whole input, run p;
 *   <0 an error for the client in msg: -EINVAL (unknown session, another
 *      command) is a usage error, -EBUSY and -ENOMEM are failures.
 * A failed chunk drops its session: the client starts again.
 */
int ctl_session_chunk(struct ctl_sessions *ss, struct ctl_parsed *p, uint64_t now_ms, char *id_out,
	size_t id_size, char *msg, size_t msg_size);

/* Drop sessions whose last chunk is older than idle_ms. */
void ctl_sessions_expire(struct ctl_sessions *ss, uint64_t now_ms, uint64_t idle_ms);
void ctl_sessions_free(struct ctl_sessions *ss);

#endif
