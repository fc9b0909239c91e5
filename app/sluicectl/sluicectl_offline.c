/* SPDX-License-Identifier: BSD-3-Clause */
/* `sluicectl --offline FILE …`: the control plane without the daemon. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sl_commit.h"
#include "sl_intent.h"
#include "sl_show.h"
#include "sluicectl.h"

/* FILE:LINE: [warning: ]message (FILE: ... when it has no line) */
static void errors_print(const char *file, const struct sl_errors *errs, const char *kind)
{
	for (size_t i = 0; i < errs->n; i++) {
		if (errs->v[i].line > 0)
			fprintf(stderr, "%s:%u: %s%s\n", file, errs->v[i].line, kind,
				errs->v[i].msg);
		else
			fprintf(stderr, "%s: %s%s\n", file, kind, errs->v[i].msg);
	}
}

/* A require intent that does not hold loads (its way may need FRR's routes:
 * sl_intent.h) but is worth a word; a deny intent that does not hold would
 * have refused the file. */
static void intent_warnings(const struct sl_router *r, const char *file)
{
	struct sl_intent_report rep;
	if (sl_router_intent_report(r, &rep) == 0)
		for (size_t i = 0; i < rep.n; i++)
			if (!rep.v[i].holds)
				fprintf(stderr,
					"%s: warning: policy intent %s does not hold: %s "
					"(accepted at start-up: its way may need routes from "
					"FRR)\n",
					file, rep.v[i].intent.name, rep.v[i].reason);
	sl_intent_report_free(&rep);
}

int offline_run(const char *file, int argc, char **argv, bool json)
{
	bool check = strcmp(argv[0], "check") == 0;
	bool check_leaks = strcmp(argv[0], "check-leaks") == 0;
	if (check && argc > 1) {
		fprintf(stderr, "sluicectl: 'check' takes no arguments\n");
		return EXIT_USAGE;
	}
	if (!check && !check_leaks && strcmp(argv[0], "show") != 0) {
		fprintf(stderr,
			"sluicectl: offline mode answers 'check', 'check-leaks FILE' and "
			"'show ...', not '%s' (the running daemon answers the others: drop "
			"--offline)\n",
			argv[0]);
		return EXIT_USAGE;
	}
	struct sl_router *r = sl_router_new();
	if (r == NULL) {
		fprintf(stderr, "sluicectl: %s\n", strerror(errno));
		return EXIT_CONFIG;
	}
	struct sl_errors errs = {0};
	int status = EXIT_OK;
	sl_router_lint(r, check); /* advice is what `check` is for */
	int rc = sl_router_load_file(r, file, &errs);
	if (rc < 0) {
		if (errs.n > 0)
			errors_print(file, &errs, "");
		else
			fprintf(stderr, "%s: %s\n", file, strerror(-rc));
		status = EXIT_CONFIG;
	} else if (check) {
		/* warnings do not fail the check: the file loads as it is */
		const struct sl_errors *w = sl_router_warnings(r);
		errors_print(file, w, "warning: ");
		if (w->n > 0)
			printf("%s: configuration OK, %zu warning%s\n", file, w->n,
				w->n == 1 ? "" : "s");
		else
			printf("%s: configuration OK\n", file);
		intent_warnings(r, file);
	} else if (check_leaks) {
		status = check_leaks_offline(r, argc, argv, json);
	} else {
		rc = sl_show_exec(r, argc, argv, json, stdout, stderr);
		if (rc == -ENOENT) {
			fprintf(stderr, "sluicectl: ");
			sl_show_unknown(NULL, argc, argv, stderr);
			fprintf(stderr, "offline commands are:\n");
			sl_show_help(stderr);
			status = EXIT_USAGE;
		} else if (rc == -EINVAL) {
			status = EXIT_USAGE;
		} else if (rc < 0) {
			fprintf(stderr, "sluicectl: %s\n", strerror(-rc));
			status = EXIT_CONFIG;
		}
	}
	sl_errors_free(&errs);
	sl_router_free(r);
	if (fflush(stdout) != 0 && status == EXIT_OK)
		status = EXIT_CONFIG;
	return status;
}
