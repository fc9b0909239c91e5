/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/opts: every option of sluiced, its range's ends, and
 * each refusal naming the option and what is valid. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sl_opts.h"

/* Parse the words given (the program's name first); err into e. */
#define PARSE(o, e, ...)                                                                  \
	({                                                                                \
		char *av_[] = {"sluiced", __VA_ARGS__};                                   \
		sl_opts_parse(o, (int)(sizeof(av_) / sizeof(av_[0])), av_, e, sizeof(e)); \
	})

static void test_defaults(void **state)
{
	(void)state;
	struct sl_opts o;
	char e[256] = "";
	char *av[] = {"sluiced"};
	assert_int_equal(sl_opts_parse(&o, 1, av, e, sizeof(e)), 0);
	assert_null(o.config_path);
	assert_null(o.commit_dir);
	assert_null(o.socket_path);
	assert_null(o.socket_group);
	assert_int_equal(o.stats_period, 0);
	assert_int_equal(o.n_mbufs, 0);
	assert_int_equal(o.ct_max, 0);
	assert_int_equal(o.punt_ring, 0);
	assert_int_equal(o.ctl_request_max, 0);
	assert_int_equal(o.log_level, SL_LOG_INFO);
	assert_false(o.help);
}

static void test_every_option(void **state)
{
	(void)state;
	struct sl_opts o;
	char e[256] = "";
	assert_int_equal(
		PARSE(&o, e, "--config", "/etc/sluice.conf", "--commit-dir", "/var/c", "--socket",
			"/run/s.sock", "--socket-group", "wheel", "--stats-period", "3600",
			"--mbufs", "1024", "--conntrack-max", "16777216", "--punt-ring", "65536",
			"--ctl-request-max", "4096", "--log-level", "debug", "--lpm-rules", "16",
			"--lpm-tbl8s=16777216"),
		0);
	assert_string_equal(o.config_path, "/etc/sluice.conf");
	assert_string_equal(o.commit_dir, "/var/c");
	assert_string_equal(o.socket_path, "/run/s.sock");
	assert_string_equal(o.socket_group, "wheel");
	assert_int_equal(o.stats_period, 3600);
	assert_int_equal(o.n_mbufs, 1024);
	assert_int_equal(o.ct_max, 1u << 24);
	assert_int_equal(o.punt_ring, 65536);
	assert_int_equal(o.ctl_request_max, (size_t)4096 << 20);
	assert_int_equal(o.log_level, SL_LOG_DEBUG);
	assert_false(o.help);
	/* the low ends; a second parse starts from the defaults */
	assert_int_equal(
		PARSE(&o, e, "--stats-period=0", "--mbufs", "16777216", "--conntrack-max", "1",
			"--punt-ring", "64", "--ctl-request-max", "1", "--log-level", "err"),
		0);
	assert_null(o.config_path);
	assert_int_equal(o.stats_period, 0);
	assert_int_equal(o.n_mbufs, 1u << 24);
	assert_int_equal(o.ct_max, 1);
	assert_int_equal(o.punt_ring, 64);
	assert_int_equal(o.ctl_request_max, (size_t)1 << 20);
	assert_int_equal(o.log_level, SL_LOG_ERR);
	assert_int_equal(PARSE(&o, e, "-h"), 0);
	assert_true(o.help);
	assert_int_equal(PARSE(&o, e, "--help"), 0);
	assert_true(o.help);
}

/* Each bad value: -EINVAL and the one line that says it. */
static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *opt, *value, *msg;
	} bad[] = {
		{"--stats-period", "3601", "--stats-period: '3601' is not a number in [0, 3600]"},
		{"--stats-period", "-1", "--stats-period: '-1' is not a number in [0, 3600]"},
		{"--mbufs", "1023", "--mbufs: '1023' is not a number in [1024, 16777216]"},
		{"--mbufs", "16777217", "--mbufs: '16777217' is not a number in [1024, 16777216]"},
		{"--mbufs", "lots", "--mbufs: 'lots' is not a number in [1024, 16777216]"},
		{"--conntrack-max", "0", "--conntrack-max: '0' is not a number in [1, 16777216]"},
		{"--punt-ring", "32", "--punt-ring: '32' is not a number in [64, 65536]"},
		{"--punt-ring", "131072", "--punt-ring: '131072' is not a number in [64, 65536]"},
		{"--punt-ring", "100", "--punt-ring: 100 is not a power of 2 (64, 128, ... 65536)"},
		{"--ctl-request-max", "0", "--ctl-request-max: '0' is not a number in [1, 4096]"},
		{"--ctl-request-max", "4097",
			"--ctl-request-max: '4097' is not a number in [1, 4096]"},
		{"--lpm-rules", "15", "--lpm-rules: '15' is not a number in [16, 16777216]"},
		{"--lpm-tbl8s", "x", "--lpm-tbl8s: 'x' is not a number in [16, 16777216]"},
		{"--log-level", "loud", "--log-level: 'loud' is not one of " SL_LOG_LEVELS_VALID},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sl_opts o;
		char e[256] = "";
		char *av[] = {"sluiced", (char *)bad[i].opt, (char *)bad[i].value};
		assert_int_equal(sl_opts_parse(&o, 3, av, e, sizeof(e)), -EINVAL);
		assert_string_equal(e, bad[i].msg);
	}
}

static void test_bad_words(void **state)
{
	(void)state;
	struct sl_opts o;
	char e[256] = "";
	assert_int_equal(PARSE(&o, e, "--config"), -EINVAL);
	assert_string_equal(e, "--config: needs a value");
	assert_int_equal(PARSE(&o, e, "--mbuf-count", "2048"), -EINVAL);
	assert_string_equal(e, "unknown or ambiguous option '--mbuf-count' (--help lists them)");
	/* getopt_long takes an option's unambiguous start, as it always did */
	assert_int_equal(PARSE(&o, e, "--mbuf", "2048"), 0);
	assert_int_equal(o.n_mbufs, 2048);
	assert_int_equal(PARSE(&o, e, "--socket", "/s", "--soc", "/t"), -EINVAL);
	assert_string_equal(e, "unknown or ambiguous option '--soc' (--help lists them)");
	assert_int_equal(PARSE(&o, e, "-x"), -EINVAL);
	assert_string_equal(e, "unknown or ambiguous option '-x' (--help lists them)");
	assert_int_equal(PARSE(&o, e, "--config", "a.conf", "extra"), -EINVAL);
	assert_string_equal(e, "unexpected argument 'extra'");
	assert_int_equal(PARSE(&o, e, "--help=yes"), -EINVAL);
}

static void test_usage(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	sl_opts_usage(f, "sluiced", "/run/sluice/sluiced.sock");
	fclose(f);
	assert_non_null(strstr(text, "usage: sluiced [EAL options] --"));
	assert_non_null(strstr(text, "control socket (default /run/sluice/sluiced.sock)"));
	static const char *const every[] = {"--config", "--commit-dir", "--socket ",
		"--socket-group", "--stats-period", "--mbufs", "--conntrack-max", "--punt-ring",
		"--ctl-request-max", "--log-level"};
	for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++)
		assert_non_null(strstr(text, every[i]));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_bad_words),
		cmocka_unit_test(test_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
