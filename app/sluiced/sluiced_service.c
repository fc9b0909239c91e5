/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_service.c — running as a service: systemd's notify protocol
 * (sluiced.service is Type=notify: systemd counts sluiced started at READY=1,
 * once the start-up configuration is in the FIB and the ports are up), and the
 * "service" module: the control socket's group, so that members of the group
 * "sluice" (scripts/install.sh creates it) may run sluicectl without root.
 */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "sluiced.h"

void sd_service_notify(const char *state)
{
	/* without $NOTIFY_SOCKET: 0, nothing sent */
	int rc = sd_notify(0, state);
	if (rc < 0)
		SD_LOG(WARNING, "cannot tell systemd %s: %s", state, strerror(-rc));
}

/* The socket is created 0660 by lib/ctl; its group becomes --socket-group
 * NAME (which must exist and be given: else no start), else "sluice" when
 * that group exists and can be given (else the process's own group stays, as
 * under the unit's Group=sluice). */
static int service_init(void *ctx)
{
	struct sd *s = ctx;
	const char *path = s->socket_path ? s->socket_path : SL_CTL_SOCKET_DEFAULT;
	const char *name = s->socket_group ? s->socket_group : "sluice";
	errno = 0;
	struct group *g = getgrnam(name);
	if (g == NULL) {
		if (s->socket_group == NULL)
			return 0;
		fprintf(stderr, "sluiced: --socket-group %s: %s\n", name,
			errno ? strerror(errno) : "no such group");
		return errno ? -errno : -ENOENT;
	}
	if (chown(path, (uid_t)-1, g->gr_gid) < 0) {
		int e = errno;
		/* the default group is a convenience: without it, root's socket */
		if (s->socket_group == NULL) {
			SD_LOG(WARNING,
				"control socket %s stays in its group: cannot give it to "
				"group %s: %s",
				path, name, strerror(e));
			return 0;
		}
		fprintf(stderr, "sluiced: cannot give the control socket %s to group %s: %s\n",
			path, name, strerror(e));
		return -e;
	}
	SD_LOG(DEBUG, "control socket %s: group %s, mode 0660", path, name);
	return 0;
}

static struct sl_module service_module = {
	.name = "service",
	.deps = "ctl",
	.init = service_init,
};
SL_MODULE_REGISTER(service_module)
