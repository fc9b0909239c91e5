/* SPDX-License-Identifier: BSD-3-Clause */
/* Built without libedit: no interactive prompt. */
#include <stdio.h>

#include "sluicectl.h"

int interactive_run(const char *socket, bool json, bool configure)
{
	(void)socket, (void)json, (void)configure;
	fprintf(stderr, "sluicectl: built without libedit: give a COMMAND (see --help)\n");
	return EXIT_USAGE;
}
