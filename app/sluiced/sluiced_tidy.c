/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_tidy.c — leave nothing behind on exit. rte_eal_cleanup() keeps the
 * hugepage files of segments still mapped (ethdev data, memzones) and the
 * runtime directory; both would pile up over restarts of differently named
 * instances. Only called once EAL init succeeded: the prefix is ours (EAL
 * holds its lock), so no other process can be using these files.
 */
#include <dirent.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "sluiced.h"

/* Remove dir/NAME for every NAME starting with prefix (all when prefix is ""). */
static void unlink_matching(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	size_t n = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, n) != 0)
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
}

void sd_eal_cleanup(void)
{
	char run[PATH_MAX], map[PATH_MAX + 8];
	snprintf(run, sizeof(run), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	/* the runtime directory is named after the --file-prefix */
	const char *slash = strrchr(run, '/');
	const char *prefix = slash ? slash + 1 : run;
	if (prefix[0] == '\0')
		return;
	snprintf(map, sizeof(map), "%smap_", prefix);
	FILE *m = setmntent("/proc/mounts", "r");
	struct mntent *me;
	while (m != NULL && (me = getmntent(m)) != NULL)
		if (strcmp(me->mnt_type, "hugetlbfs") == 0)
			unlink_matching(me->mnt_dir, map);
	if (m != NULL)
		endmntent(m);
	unlink_matching(run, "");
	rmdir(run);
}
