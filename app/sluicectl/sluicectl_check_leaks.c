/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `sluicectl check-leaks FILE` (the running sluiced) and
 * `sluicectl --offline CONF check-leaks FILE`: compare the leaks in force
 * with the expected-leaks FILE (format in lib/audit/sl_audit.h and
 * doc/operations.md). Prints every unexpected and every missing leak; exit
 * 0 when they agree, 1 when they differ (or the state cannot be read),
 * 2 on a usage error or a bad FILE. Live, the leaks are read from the
 * daemon's `show leak --json`, so the daemon's own RIB is what is checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "sl_audit.h"
#include "sluicectl.h"

static int expectations_load(int argc, char **argv, struct sl_leak_expectations *exp)
{
	struct sl_errors errs = {0};
	char *text;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "sluicectl: usage: check-leaks FILE (one expected leak a line: "
				"IMPORTER <- ORIGIN PREFIX [orlonger])\n");
		return EXIT_USAGE;
	}
	if ((text = file_slurp(argv[1])) == NULL) {
		fprintf(stderr, "sluicectl: %s: %s\n", argv[1], strerror(errno));
		return EXIT_USAGE;
	}
	rc = sl_leak_expect_parse(text, exp, &errs);
	free(text);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s:%u: %s\n", argv[1], errs.v[i].line, errs.v[i].msg);
	sl_errors_free(&errs);
	if (rc == -ENOMEM)
		fprintf(stderr, "sluicectl: %s\n", strerror(ENOMEM));
	return rc < 0 ? EXIT_USAGE : EXIT_OK;
}

static void expect_text(const struct sl_leak_expect *e, char *buf, size_t len)
{
	char p[SL_PREFIX_STR];
	snprintf(buf, len, "%s <- %s %s%s", e->vrf, e->origin,
		e->any_prefix ? "*" : sl_prefix_fmt(e->prefix, p), e->orlonger ? " orlonger" : "");
}

static int report(const char *file, const struct sl_leak_diff *d, bool json)
{
	char p[SL_PREFIX_STR], line[3 * SL_NAME_MAX];
	bool equal = d->n_unexpected == 0 && d->n_missing == 0;

	if (json) {
		json_t *un = json_array(), *mi = json_array();
		for (size_t i = 0; i < d->n_unexpected; i++) {
			const struct sl_leak *l = &d->unexpected[i];
			json_array_append_new(
				un, json_pack("{s:s, s:s, s:s, s:s, s:s}", "vrf", l->vrf, "from",
					    l->origin, "prefix", sl_prefix_fmt(l->prefix, p),
					    "mechanism", sl_leak_mech_name(l->mech), "detail",
					    l->detail));
		}
		for (size_t i = 0; i < d->n_missing; i++) {
			expect_text(&d->missing[i].expect, line, sizeof(line));
			json_array_append_new(
				mi, json_pack("{s:s, s:i, s:s, s:b}", "file", file, "line",
					    (int)d->missing[i].expect.line, "expected", line,
					    "inactive", d->missing[i].inactive));
		}
		json_t *o = json_pack("{s:b, s:I, s:o, s:o}", "equal", equal, "leaks",
			(json_int_t)d->n_leaks, "unexpected", un, "missing", mi);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		for (size_t i = 0; i < d->n_unexpected; i++) {
			const struct sl_leak *l = &d->unexpected[i];
			printf("unexpected leak: %s <- %s %s  (%s)\n", l->vrf, l->origin,
				sl_prefix_fmt(l->prefix, p), l->detail);
		}
		for (size_t i = 0; i < d->n_missing; i++) {
			expect_text(&d->missing[i].expect, line, sizeof(line));
			printf("missing leak:    %s  (%s:%u)%s\n", line, file,
				d->missing[i].expect.line,
				d->missing[i].inactive
					? "  [present but inactive: next hop unresolved]"
					: "");
		}
		if (equal)
			printf("check-leaks: OK, the %zu leaks in force are as expected in %s\n",
				d->n_leaks, file);
		else
			printf("check-leaks: %zu unexpected, %zu missing (%zu leaks in force; "
			       "%s)\n",
				d->n_unexpected, d->n_missing, d->n_leaks, file);
	}
	if (fflush(stdout) != 0)
		return EXIT_CONFIG;
	return equal ? EXIT_OK : EXIT_CONFIG;
}

static int compare(const char *file, const struct sl_leak_expectations *exp,
	const struct sl_leak *leaks, size_t n, bool json)
{
	struct sl_leak_diff d;
	int status;

	if (sl_leak_check(exp, leaks, n, &d) < 0) {
		fprintf(stderr, "sluicectl: check-leaks: %s\n", strerror(ENOMEM));
		sl_leak_diff_free(&d);
		return EXIT_CONFIG;
	}
	status = report(file, &d, json);
	sl_leak_diff_free(&d);
	return status;
}

int check_leaks_offline(const struct sl_router *r, int argc, char **argv, bool json)
{
	struct sl_leak_expectations exp;
	struct sl_leak_audit a;
	int status = expectations_load(argc, argv, &exp);

	if (status != EXIT_OK) {
		sl_leak_expect_free(&exp);
		return status;
	}
	if (sl_leak_audit(r, NULL, &a) < 0) {
		fprintf(stderr, "sluicectl: check-leaks: %s\n", strerror(ENOMEM));
		status = EXIT_CONFIG;
	} else {
		status = compare(argv[1], &exp, a.received, a.n_received, json);
	}
	sl_leak_audit_free(&a);
	sl_leak_expect_free(&exp);
	return status;
}

/* The daemon's `show leak --json`, captured from client_run's stdout. */
static char *daemon_leaks_json(const char *socket, int *status)
{
	char *words[] = {"show", "leak", NULL};
	FILE *tmp = tmpfile();
	int saved = -1;
	char *text = NULL;

	*status = EXIT_CONFIG;
	if (tmp == NULL || fflush(stdout) != 0 || (saved = dup(STDOUT_FILENO)) < 0 ||
		dup2(fileno(tmp), STDOUT_FILENO) < 0) {
		fprintf(stderr, "sluicectl: check-leaks: %s\n", strerror(errno));
		goto out;
	}
	*status = client_run(socket, 2, words, true, NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	if (*status == EXIT_OK) {
		long len;
		if (fseek(tmp, 0, SEEK_END) == 0 && (len = ftell(tmp)) >= 0 &&
			fseek(tmp, 0, SEEK_SET) == 0 &&
			(text = calloc(1, (size_t)len + 1)) != NULL &&
			fread(text, 1, (size_t)len, tmp) != (size_t)len) {
			free(text);
			text = NULL;
		}
		if (text == NULL) {
			fprintf(stderr, "sluicectl: check-leaks: cannot read the reply\n");
			*status = EXIT_CONFIG;
		}
	}
out:
	if (saved >= 0)
		close(saved);
	if (tmp != NULL)
		fclose(tmp);
	return text;
}

int check_leaks_live(const char *socket, int argc, char **argv, bool json)
{
	struct sl_leak_expectations exp;
	struct sl_leak *leaks = NULL;
	size_t n = 0;
	int status = expectations_load(argc, argv, &exp);
	char *text;

	if (status != EXIT_OK) {
		sl_leak_expect_free(&exp);
		return status;
	}
	text = daemon_leaks_json(socket, &status);
	if (text != NULL && sl_leak_received_from_json(text, &leaks, &n) < 0) {
		fprintf(stderr, "sluicectl: check-leaks: the daemon's 'show leak --json' reply is "
				"not the expected JSON (is sluiced older than sluicectl?)\n");
		status = EXIT_CONFIG;
	} else if (text != NULL) {
		status = compare(argv[1], &exp, leaks, n, json);
	}
	free(text);
	free(leaks);
	sl_leak_expect_free(&exp);
	return status;
}
