/* SPDX-License-Identifier: BSD-3-Clause */
/* commit_save.c — the running configuration written over its file, atomically. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_commit.h"

/* A new file by mkostemp (O_EXCL), renamed over the target (sl_commit.h). */
int sl_router_save_file(const struct sl_router *r, const char *path, FILE *err)
{
	char *real = realpath(path, NULL);
	const char *target = real ? real : path;
	char *dir_copy = strdup(target), *base_copy = strdup(target);
	char tmp[PATH_MAX] = "";
	int rc = 0, fd = -1, dfd = -1;
	FILE *f = NULL;
	struct stat st;
	bool had = stat(target, &st) == 0;

	if (dir_copy == NULL || base_copy == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	const char *dir = dirname(dir_copy);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, basename(base_copy)) >=
		(int)sizeof(tmp)) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = -errno;
		fprintf(err, "save: cannot create a file in %s: %s\n", dir, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	/* the old file's mode and owner; a new one is readable by its owner only */
	if (fchmod(fd, had ? (st.st_mode & 07777) : 0600) < 0 ||
		(had && fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)) {
		rc = -errno;
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = -errno;
		goto out;
	}
	fd = -1; /* f owns it */
	rc = sl_router_render(r, f);
	if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	f = NULL;
	if (rc == 0 && rename(tmp, target) != 0)
		rc = -errno;
	if (rc == 0) {
		tmp[0] = '\0'; /* renamed: nothing to remove */
		/* the rename itself survives a power cut only once the directory is synced */
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) < 0)
			rc = -errno;
	}
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (rc < 0 && tmp[0] != '\0')
		unlink(tmp);
	if (rc < 0)
		fprintf(err, "save: %s: %s\n", target, strerror(-rc));
	free(dir_copy), free(base_copy), free(real);
	return rc;
}
