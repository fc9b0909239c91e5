/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The commands that commit on the control socket (commit_ctl.c), run through
 * lib/ctl's registry as the server runs them: configure commits as the peer
 * (outside a connection, "uid unknown"), a refused commit and a bad option
 * are a failure and a usage error, confirm, rollback and save say theirs;
 * and lib/show's show commands there (show_ctl.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "commit_test_util.h"
#include "sl_ctl.h"
#include "sl_log.h"
#include "sl_show.h"

static struct sl_running run;
static struct sl_commit_steps steps = {.run = &run};
static const struct sl_committer committer = {.run = &run, .commit = sl_commit_run, .ctx = &steps};

/* words (spaces) with input through the registry; err as a string (freed) */
static int dispatch(const char *words, const char *input, char **err)
{
	char buf[128], *argv[8], *save;
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 8; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	size_t len, out_len;
	char *out;
	FILE *e = open_memstream(err, &len), *o = open_memstream(&out, &out_len);
	int rc = sl_ctl_dispatch(argc, argv, false, input, o, e);
	fclose(o);
	fclose(e);
	free(out);
	return rc;
}

static void last_commit_line(const struct sl_log_entry *e, void *ctx)
{
	if (strcmp(e->subsys, "commit") == 0)
		snprintf(ctx, SL_LOG_MSG_MAX, "%s", e->msg);
}

static void test_commands(void **state)
{
	(void)state;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0);
	assert_int_equal(sl_running_ctl_register(&committer), 0);
	assert_int_equal(sl_running_ctl_register(&committer), -EEXIST);
	uint64_t id0 = sl_running_id(&run);
	char *err;

	assert_int_equal(dispatch("configure", "set vrf name A table 100\n", &err), SL_CTL_OK);
	free(err);
	assert_int_equal(sl_running_id(&run), id0 + 1);
	assert_true(router_has_vrf(run.router, "A"));
	char line[SL_LOG_MSG_MAX] = "";
	sl_log_read(SL_LOG_RING_DEFAULT, SL_LOG_DEBUG, last_commit_line, line);
	assert_non_null(strstr(line, "by uid unknown: "));

	/* refused: failed, nothing changed */
	assert_int_equal(dispatch("configure", "set vrf name B table x\n", &err), SL_CTL_FAILED);
	assert_non_null(strstr(err, "not a number"));
	free(err);
	assert_int_equal(sl_running_id(&run), id0 + 1);
	/* a bad option: usage */
	assert_int_equal(
		dispatch("configure confirm 0", "set vrf name B table 200\n", &err), SL_CTL_USAGE);
	free(err);
	assert_false(router_has_vrf(run.router, "B"));

	assert_int_equal(dispatch("confirm", "", &err), SL_CTL_FAILED);
	assert_non_null(strstr(err, "no commit-confirm is pending"));
	free(err);
	assert_int_equal(dispatch("confirm now", "", &err), SL_CTL_USAGE);
	free(err);

	assert_int_equal(dispatch("rollback", "", &err), SL_CTL_USAGE);
	free(err);
	char words[32];
	snprintf(words, sizeof(words), "rollback %" PRIu64, id0);
	assert_int_equal(dispatch(words, "", &err), SL_CTL_OK);
	free(err);
	assert_false(router_has_vrf(run.router, "A"));

	assert_int_equal(dispatch("save relative", "", &err), SL_CTL_USAGE);
	assert_non_null(strstr(err, "not an absolute path"));
	free(err);
	assert_int_equal(dispatch("save", "", &err), SL_CTL_FAILED); /* no --config */
	free(err);

	sl_ctl_unregister_all();
	sl_running_close(&run);
}

/* lib/show's (show_ctl.c): show system commit over the record, any other
 * show over the router, an unknown word a usage error naming it. */
static void test_show(void **state)
{
	(void)state;
	assert_int_equal(sl_running_start(&run, NULL, NULL), 0);
	assert_int_equal(sl_show_ctl_register(&run), 0);
	assert_int_equal(sl_running_ctl_register(&committer), 0);
	char *err;
	assert_int_equal(dispatch("configure", "set vrf name A table 100\n", &err), SL_CTL_OK);
	free(err);
	assert_int_equal(dispatch("show system commit id", "", &err), SL_CTL_OK);
	free(err);
	assert_int_equal(dispatch("show system commit diff x", "", &err), SL_CTL_USAGE);
	free(err);
	assert_int_equal(dispatch("show vrf", "", &err), SL_CTL_OK);
	free(err);
	assert_int_equal(dispatch("show nonsense", "", &err), SL_CTL_USAGE);
	assert_non_null(strstr(err, "nonsense"));
	free(err);
	sl_ctl_unregister_all();
	sl_running_close(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_show),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
