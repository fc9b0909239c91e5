/* SPDX-License-Identifier: BSD-3-Clause */
/* commit_save.c — files written whole or not at all: the running
 * configuration over its file, and the commit history's revisions. */
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

#include "commit_priv.h"

/* A new file by mkostemp (O_EXCL) in target's directory, filled, fsynced,
 * renamed over target, the directory fsynced (commit_priv.h). */
int commit_write_atomic(const char *target, const struct stat *old, int (*fill)(FILE *f, void *ctx),
	void *ctx, const char *what, FILE *err)
{
	char *dir_copy = strdup(target), *base_copy = strdup(target);
	char tmp[PATH_MAX] = "";
	int rc = 0, fd = -1, dfd = -1;
	FILE *f = NULL;

	if (dir_copy == NULL || base_copy == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	const char *dir = dirname(dir_copy);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, basename(base_copy)) >=
		(int)sizeof(tmp)) {
		rc = -ENAMETOOLONG;
		tmp[0] = '\0';
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = -errno;
		fprintf(err, "%s: cannot create a file in %s: %s\n", what, dir, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	/* the old file's mode and owner; a new one is readable by its owner only */
	if (fchmod(fd, old ? (old->st_mode & 07777) : 0600) < 0 ||
		(old && fchown(fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)) {
		rc = -errno;
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = -errno;
		goto out;
	}
	fd = -1; /* f owns it */
	rc = fill(f, ctx);
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
		fprintf(err, "%s: %s: %s\n", what, target, strerror(-rc));
	free(dir_copy), free(base_copy);
	return rc;
}

static int render_fill(FILE *f, void *ctx)
{
	return sl_router_render(ctx, f);
}

/* The target is where a symlink points; the new file never goes through a
 * symlink planted beside it (mkostemp: O_EXCL). */
int sl_router_save_file(const struct sl_router *r, const char *path, FILE *err)
{
	char *real = realpath(path, NULL);
	const char *target = real ? real : path;
	struct stat st;
	bool had = stat(target, &st) == 0;
	int rc = commit_write_atomic(target, had ? &st : NULL, render_fill, (void *)r, "save", err);
	free(real);
	return rc;
}
