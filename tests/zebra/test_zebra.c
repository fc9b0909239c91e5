/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/zebra over a real TCP connection on 127.0.0.1 (private --no-huge EAL
 * for rte_hash): `protocols fpm` opens the listener; a BGP route is
 * installed and a zebra static dropped and counted; a second client is
 * refused; after a reconnect the routes not replayed are swept once the
 * stream is quiet; `delete protocols fpm` withdraws them all and closes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_log.h>

#include "../dp/dp_fixture.h"
#include "sl_module.h"
#include "sl_zebra.h"

struct env {
	struct sl_router *r;
	struct sl_zebra *z;
	unsigned syncs;
	char last_log[256];
};

static int on_sync(void *ctx)
{
	((struct env *)ctx)->syncs++;
	return 0;
}

static void on_log(uint32_t level, const char *msg, void *ctx)
{
	(void)level;
	snprintf(((struct env *)ctx)->last_log, sizeof(((struct env *)ctx)->last_log), "%s", msg);
}

static void apply(struct sl_router *r, const char *text)
{
	struct sl_errors e = {0};
	if (sl_router_apply(r, text, &e, NULL) != 0)
		fail_msg("%s: %s", text, e.n ? e.v[0].msg : "?");
	sl_errors_free(&e);
}

/* A port nothing listens on now. */
static uint16_t free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static int client(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_route(int fd, const char *prefix, uint8_t protocol)
{
	struct sl_fpm_msg m = {.kind = SL_FPM_ROUTE_ADD};
	m.route.table = SL_FPM_TABLE_MAIN;
	assert_int_equal(sl_prefix_parse(prefix, &m.route.prefix, false), 0);
	m.route.protocol = protocol;
	m.route.n_paths = 1;
	m.route.paths[0] = (struct sl_fpm_path){.gw = 0x0a000001, .weight = 1};
	uint8_t buf[512];
	int n = sl_fpm_encode(&m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(write(fd, buf, (size_t)n), n);
}

static char *show(const struct sl_zebra *z, bool json)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	sl_zebra_show(z, json, f);
	fclose(f);
	return buf;
}

static void count_route(uint32_t table, struct sl_prefix p, enum sl_rt_source src, void *ctx)
{
	(void)table, (void)p, (void)src;
	(*(size_t *)ctx)++;
}

static size_t routes(const struct env *e)
{
	size_t n = 0;
	sl_rib_proto_foreach(sl_router_rib_const(e->r), count_route, &n);
	return n;
}

/* Poll until pred holds (2 s at most). */
static bool poll_until(struct env *e, bool (*pred)(struct env *e))
{
	for (int i = 0; i < 2000; i++) {
		sl_zebra_poll(e->z);
		sl_zebra_timers(e->z);
		if (pred(e))
			return true;
		usleep(1000);
	}
	return false;
}

static bool one_route(struct env *e)
{
	return routes(e) == 1 && strstr(show(e->z, true), "\"routesAdd\":2") != NULL;
}

static bool refused(struct env *e)
{
	return strstr(show(e->z, false), "clients refused 1") != NULL;
}

static bool swept(struct env *e)
{
	return routes(e) == 0 && strstr(show(e->z, true), "\"swept\":1") != NULL;
}

static bool connected(struct env *e)
{
	return strstr(show(e->z, true), "\"state\":\"connected\"") != NULL;
}

static bool listening(struct env *e)
{
	return strstr(show(e->z, true), "\"state\":\"listening\"") != NULL;
}

static void test_listener(void **state)
{
	(void)state;
	struct env e = {.r = sl_router_new()};
	assert_non_null(e.r);
	uint16_t port = free_port();
	char cfg[256];
	snprintf(cfg, sizeof(cfg),
		"set interfaces ethernet eth0 address 10.0.0.2/24\n"
		"set protocols fpm port %u\n",
		port);
	apply(e.r, cfg);
	/* hz of 1000: the 3 s of quiet before a sweep are 3000 TSC cycles */
	struct sl_zebra_config c = {
		.router = e.r, .hz = 1000, .sync = on_sync, .log = on_log, .ctx = &e};
	e.z = sl_zebra_new(&c);
	assert_non_null(e.z);
	assert_non_null(strstr(show(e.z, false), "FPM: disabled\n"));
	struct sl_zebra_status zs;
	sl_zebra_status_get(e.z, &zs);
	assert_int_equal(zs.state, SL_ZEBRA_DISABLED);
	assert_int_equal(sl_zebra_sync(e.z), 0);
	sl_zebra_status_get(e.z, &zs);
	assert_int_equal(zs.state, SL_ZEBRA_LISTENING);
	char want[64];
	snprintf(want, sizeof(want), "FPM: listening on 127.0.0.1:%u\n", port);
	assert_non_null(strstr(show(e.z, false), want));
	assert_non_null(strstr(e.last_log, "fpm: listening on"));

	/* a BGP route is taken, a zebra static (196) is not */
	int fd = client(port);
	send_route(fd, "203.0.113.0/24", 186);
	send_route(fd, "198.51.100.0/24", 196);
	assert_true(poll_until(&e, one_route));
	assert_true(e.syncs >= 1);
	assert_non_null(strstr(show(e.z, true), "\"protocol\":1"));
	assert_true(connected(&e));
	/* the metrics' view agrees with show fpm */
	sl_zebra_status_get(e.z, &zs);
	assert_int_equal(zs.state, SL_ZEBRA_CONNECTED);
	assert_int_equal(zs.connects, 1);
	assert_int_equal(zs.routes_add, 2);
	assert_true(zs.frames >= 2 && zs.bytes > 0);

	/* one zebra at a time */
	int fd2 = client(port);
	assert_true(poll_until(&e, refused));
	close(fd2);

	/* zebra goes (its routes stay), comes back and replays nothing: the
	 * route is swept */
	close(fd);
	assert_true(poll_until(&e, listening));
	assert_int_equal(routes(&e), 1);
	fd = client(port);
	assert_true(poll_until(&e, swept));

	/* `delete protocols fpm`: routes withdrawn, listener closed */
	send_route(fd, "203.0.113.0/24", 186);
	assert_true(poll_until(&e, connected));
	for (int i = 0; i < 2000 && routes(&e) == 0; i++, usleep(1000))
		sl_zebra_poll(e.z);
	assert_int_equal(routes(&e), 1);
	apply(e.r, "delete protocols fpm\n");
	assert_int_equal(sl_zebra_sync(e.z), 0);
	assert_int_equal(routes(&e), 0);
	assert_string_equal(e.last_log, "fpm: listener closed, its routes withdrawn");
	assert_non_null(strstr(show(e.z, false), "FPM: disabled\n"));
	sl_zebra_status_get(e.z, &zs);
	assert_int_equal(zs.state, SL_ZEBRA_DISABLED);
	sl_zebra_status_get(NULL, &zs);
	assert_int_equal(zs.state, SL_ZEBRA_DISABLED);
	assert_int_equal(zs.routes_add, 0);
	close(fd);
	sl_zebra_free(e.z);
	sl_router_free(e.r);
}

static int syncs;
static int count_sync(void *ctx)
{
	(void)ctx;
	return ++syncs, 0;
}

/* The "fpm" module as the daemon wires it: started after its "fib", the
 * listener made where the wiring says, stopped and cleared again. */
static void test_module(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_zebra *z = NULL;
	uint64_t hz = 1000000;
	sl_zebra_module_wire(&(struct sl_zebra_wiring){
		.router = &r, .hz = &hz, .sync = count_sync, .zebra = &z});
	static struct sl_module fib_stub = {.name = "fib"};
	sl_module_register(&sl_modules, &fib_stub);
	char msg[128] = "";
	assert_int_equal(sl_module_init_all(&sl_modules, NULL, msg, sizeof(msg)), 0);
	assert_non_null(z);
	struct sl_zebra_status zs;
	sl_zebra_status_get(z, &zs);
	assert_int_equal(zs.state, SL_ZEBRA_DISABLED); /* no `protocols fpm` */
	assert_int_equal(sl_zebra_module_sync(), 0);
	assert_int_equal(sl_module_poll_all(&sl_modules, NULL), 0);
	sl_module_fini_all(&sl_modules, NULL);
	assert_null(z);
	assert_int_equal(syncs, 0); /* no routes came */
	sl_router_free(r);
}

static void test_log_level(void **state)
{
	(void)state;
	/* rte_log: 1 emerg .. 4 err, 5 warning, 6 notice, 7 info, 8 debug */
	assert_int_equal(sl_zebra_log_level(1), SL_LOG_ERR);
	assert_int_equal(sl_zebra_log_level(4), SL_LOG_ERR);
	assert_int_equal(sl_zebra_log_level(5), SL_LOG_WARNING);
	assert_int_equal(sl_zebra_log_level(6), SL_LOG_NOTICE);
	assert_int_equal(sl_zebra_log_level(7), SL_LOG_INFO);
	assert_int_equal(sl_zebra_log_level(8), SL_LOG_DEBUG);
	assert_int_equal(sl_zebra_log_level(9), SL_LOG_DEBUG);
}

int main(void)
{
	if (dpf_eal_init("zebra", "0", 64) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listener),
		cmocka_unit_test(test_module),
		cmocka_unit_test(test_log_level),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
