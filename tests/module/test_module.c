/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of lib/module: start order, refusals, unwinding a failed start. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_module.h"

/* What the modules did, in order: "+a" init, "-a" fini, "p" poll, "t" timers. */
struct trace {
	char log[256];
	const char *fail; /* the module whose init fails */
};

static void note(struct trace *t, char op, const char *name)
{
	size_t l = strlen(t->log);
	snprintf(t->log + l, sizeof(t->log) - l, "%s%c%s", l ? " " : "", op, name);
}

#define MOD(id, deps_)                                            \
	static int init_##id(void *ctx)                           \
	{                                                         \
		struct trace *t = ctx;                            \
		if (t->fail != NULL && strcmp(t->fail, #id) == 0) \
			return -EIO;                              \
		note(t, '+', #id);                                \
		return 0;                                         \
	}                                                         \
	static void fini_##id(void *ctx)                          \
	{                                                         \
		note(ctx, '-', #id);                              \
	}                                                         \
	static struct sl_module mod_##id = {                      \
		.name = #id, .deps = deps_, .init = init_##id, .fini = fini_##id}

MOD(config, NULL);
MOD(ports, "");
MOD(fib, "config ports");
MOD(dp, " fib\tports ");
MOD(ctl, "config fib dp");
MOD(slow, "dp ctl");
MOD(workers, "dp slow");

static unsigned poll_slow(void *ctx)
{
	note(ctx, 'p', "slow");
	return 2;
}

static void timers_slow(void *ctx)
{
	note(ctx, 't', "slow");
}

/* Registered in an order unrelated to the dependencies. */
static void add_all(struct sl_module_set *set)
{
	struct sl_module *v[] = {
		&mod_workers, &mod_slow, &mod_ctl, &mod_dp, &mod_fib, &mod_ports, &mod_config};
	*set = (struct sl_module_set){0};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		sl_module_register(set, v[i]);
}

static void test_order_and_reverse(void **state)
{
	(void)state;
	struct sl_module_set set;
	struct trace t = {0};
	char msg[128] = "";
	add_all(&set);
	mod_slow.poll = poll_slow;
	mod_slow.timers = timers_slow;
	assert_int_equal(sl_module_count(&set), 7);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), 0);
	/* dependencies first; among ready modules, by name */
	assert_string_equal(t.log, "+config +ports +fib +dp +ctl +slow +workers");
	assert_true(mod_workers.started);
	t.log[0] = '\0';
	assert_int_equal(sl_module_poll_all(&set, &t), 2);
	sl_module_timers_all(&set, &t);
	assert_string_equal(t.log, "pslow tslow");
	t.log[0] = '\0';
	sl_module_fini_all(&set, &t);
	assert_string_equal(t.log, "-workers -slow -ctl -dp -fib -ports -config");
	assert_false(mod_config.started);
	/* idempotent, and the hooks of stopped modules are not called */
	t.log[0] = '\0';
	sl_module_fini_all(&set, &t);
	assert_int_equal(sl_module_poll_all(&set, &t), 0);
	assert_string_equal(t.log, "");
	mod_slow.poll = NULL;
	mod_slow.timers = NULL;
}

static void test_failed_init_unwinds(void **state)
{
	(void)state;
	struct sl_module_set set;
	struct trace t = {.fail = "ctl"};
	char msg[128] = "";
	add_all(&set);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), -EIO);
	/* the failing module's fini is not called; the others' in reverse */
	assert_string_equal(t.log, "+config +ports +fib +dp -dp -fib -ports -config");
	assert_ptr_equal(set.failed, &mod_ctl);
	assert_string_equal(msg, ""); /* the init says what went wrong */
	assert_false(mod_dp.started);
	sl_module_fini_all(&set, &t); /* nothing more */
	assert_string_equal(t.log, "+config +ports +fib +dp -dp -fib -ports -config");

	/* the first module failing leaves nothing to undo */
	t = (struct trace){.fail = "config"};
	add_all(&set);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), -EIO);
	assert_string_equal(t.log, "");
}

static int init_null_ok(void *ctx)
{
	(void)ctx;
	return 0;
}

static void test_refusals(void **state)
{
	(void)state;
	struct sl_module_set set = {0};
	struct trace t = {0};
	char msg[128] = "";
	struct sl_module a = {.name = "a", .deps = "b", .init = init_null_ok};
	struct sl_module b = {.name = "b", .deps = "c"};
	struct sl_module c = {.name = "c", .deps = "a"};
	struct sl_module d = {.name = "d"};
	struct sl_module e = {.name = "e", .deps = "d"};
	sl_module_register(&set, &d);
	sl_module_register(&set, &e);
	sl_module_register(&set, &a);
	sl_module_register(&set, &b);
	sl_module_register(&set, &c);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), -ELOOP);
	assert_string_equal(msg, "a dependency cycle among: a b c");
	assert_null(set.failed);
	assert_false(d.started); /* nothing started */

	set = (struct sl_module_set){0};
	struct sl_module x = {.name = "x", .deps = "d nosuch"};
	sl_module_register(&set, &d);
	sl_module_register(&set, &x);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "module 'x' needs 'nosuch', which no module is");

	set = (struct sl_module_set){0};
	struct sl_module d2 = {.name = "d"};
	sl_module_register(&set, &d);
	sl_module_register(&set, &d2);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), -EEXIST);
	assert_string_equal(msg, "two modules are named 'd'");

	/* a dependency on a module named like its prefix is not a match */
	set = (struct sl_module_set){0};
	struct sl_module y = {.name = "y", .deps = "dd"};
	sl_module_register(&set, &d);
	sl_module_register(&set, &y);
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), -ENOENT);

	/* sort alone: too small an output array */
	struct sl_module *order[1];
	assert_int_equal(sl_module_sort(&set, order, 1, msg, sizeof(msg)), -ENOSPC);

	/* no modules: nothing to do */
	set = (struct sl_module_set){0};
	assert_int_equal(sl_module_init_all(&set, &t, msg, sizeof(msg)), 0);
	sl_module_fini_all(&set, &t);
	assert_string_equal(t.log, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_reverse),
		cmocka_unit_test(test_failed_init_unwinds),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
