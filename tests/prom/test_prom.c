/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/prom: the exposition format's rules checked on the rendering of a fake
 * snapshot (every family's # HELP and # TYPE once and before its samples,
 * names, escaping, exact integers), and the endpoint's hand-over between a
 * scrape and the control thread over a real socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sl_log.h"
#include "sl_prom.h"

/* ---- helpers ---- */

static char *render_text(const struct sl_prom_snap *s, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	*rc = sl_prom_render(s, f);
	fclose(f);
	return text;
}

/* The family a sample line belongs to: its name up to '{' or ' '. */
static void sample_name(const char *line, char *out, size_t n)
{
	size_t k = strcspn(line, "{ ");
	snprintf(out, n, "%.*s", (int)k, line);
}

#define FAM_MAX 256
struct fam {
	char name[96];
	int help, type;
	bool counter;
	int samples;
};

/* Check the format rules over the whole text; returns the number of families. */
static int check_format(const char *text)
{
	static struct fam fams[FAM_MAX];
	int n = 0, cur = -1;
	char *copy = strdup(text), *save = NULL;
	assert_non_null(copy);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[96];
		if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0) {
			sample_name(line + 7, name, sizeof(name));
			assert_true(sl_prom_name_ok(name));
			if (cur < 0 || strcmp(fams[cur].name, name) != 0) {
				for (int i = 0; i < n; i++) /* a family is never opened twice */
					assert_string_not_equal(fams[i].name, name);
				assert_true(n < FAM_MAX);
				cur = n++;
				memset(&fams[cur], 0, sizeof(fams[cur]));
				snprintf(fams[cur].name, sizeof(fams[cur].name), "%s", name);
			}
			if (line[2] == 'H') {
				fams[cur].help++;
			} else {
				fams[cur].type++;
				const char *t = line + 7 + strlen(name) + 1;
				assert_true(strcmp(t, "counter") == 0 || strcmp(t, "gauge") == 0);
				fams[cur].counter = strcmp(t, "counter") == 0;
			}
			continue;
		}
		assert_true(line[0] != '#');
		sample_name(line, name, sizeof(name));
		assert_true(cur >= 0);
		assert_string_equal(name, fams[cur].name); /* under its own HELP/TYPE */
		assert_int_equal(fams[cur].help, 1);
		assert_int_equal(fams[cur].type, 1);
		fams[cur].samples++;
		/* the value: a number after the last space */
		const char *v = strrchr(line, ' ');
		assert_non_null(v);
		char *end;
		strtod(v + 1, &end);
		assert_true(*end == '\0');
	}
	for (int i = 0; i < n; i++) {
		assert_int_equal(fams[i].help, 1);
		assert_int_equal(fams[i].type, 1);
		if (fams[i].counter) {
			size_t l = strlen(fams[i].name);
			assert_true(l > 6 && strcmp(fams[i].name + l - 6, "_total") == 0);
		}
	}
	free(copy);
	return n;
}

/* ---- names and escaping ---- */

static void test_names(void **state)
{
	(void)state;
	assert_true(sl_prom_name_ok("sluice_port_rx_packets_total"));
	assert_true(sl_prom_name_ok("a:b_C9"));
	assert_true(sl_prom_name_ok("_x"));
	assert_false(sl_prom_name_ok("9abc"));
	assert_false(sl_prom_name_ok("a-b"));
	assert_false(sl_prom_name_ok("a b"));
	assert_false(sl_prom_name_ok(""));
	assert_false(sl_prom_name_ok(NULL));
	assert_true(sl_prom_label_ok("vrf"));
	assert_false(sl_prom_label_ok("__name__")); /* reserved */
	assert_false(sl_prom_label_ok("a:b")); /* colons are for metric names only */
	assert_false(sl_prom_label_ok("1a"));
}

static void test_escaping(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sl_prom_w w = {.out = f};
	sl_prom_family(&w, "x_total", SL_PROM_COUNTER, "back\\slash and\nnewline \"kept\"");
	sl_prom_sample_u64(&w, (const char *[]){"vrf", "a\"b\\c\nd", "k", ""}, 2, UINT64_MAX);
	sl_prom_family(&w, "g", SL_PROM_GAUGE, "h");
	sl_prom_sample(&w, NULL, 0, 0.5);
	sl_prom_sample(&w, (const char *[]){"l", "v"}, 1, 1.0 / 0.0);
	fclose(f);
	assert_int_equal(w.err, 0);
	assert_string_equal(text, "# HELP x_total back\\\\slash and\\nnewline \"kept\"\n"
				  "# TYPE x_total counter\n"
				  "x_total{vrf=\"a\\\"b\\\\c\\nd\",k=\"\"} 18446744073709551615\n"
				  "# HELP g h\n# TYPE g gauge\ng 0.5\ng{l=\"v\"} +Inf\n");
	free(text);
}

static void test_bad_names_refused(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sl_prom_w w = {.out = f};
	sl_prom_family(&w, "bad-name", SL_PROM_GAUGE, "h");
	sl_prom_sample_u64(&w, NULL, 0, 1); /* no family open: nothing */
	sl_prom_family(&w, "ok", SL_PROM_GAUGE, "h");
	sl_prom_sample_u64(&w, (const char *[]){"bad label", "v"}, 1, 2);
	sl_prom_sample_u64(&w, (const char *[]){"l", "v"}, 1, 3);
	fclose(f);
	assert_int_equal(w.err, -EINVAL);
	assert_string_equal(text, "# HELP ok h\n# TYPE ok gauge\nok{l=\"v\"} 3\n");
	free(text);
}

/* ---- a fake snapshot, rendered ---- */

static void fake_snapshot(struct sl_prom_snap *s, bool fw)
{
	static struct sl_prom_port ports[2] = {
		{.name = "eth0", .link_up = true, .rx_packets = 123, .tx_bytes = 4567},
		{.name = "eth1", .rx_missed = 9},
	};
	static const size_t routes_a[3] = {1, 2, 3}, routes_b[3] = {0, 0, 7};
	static struct sl_prom_vrf vrfs[2] = {
		{.name = "CUSTOMER-A",
			.rx_packets = 50,
			.forwarded = 49,
			.punted = 1,
			.routes = routes_a,
			.fib = true,
			.fib_bytes = 278528,
			.fib_prefixes = 4,
			.fib_small = true},
		{.name = "odd\"name", .routes = routes_b},
	};
	static const char *const sources[3] = {"connected", "static", "bgp"};
	static struct sl_prom_leak leaks[1] = {{"CUSTOMER-A", "SHARED", 50}};
	static struct sl_prom_rule rules[2] = {
		{"B-TO-SHARED", 0, 10, 840}, {"B-TO-SHARED", 10, 20, 1680}};
	static struct sl_prom_nat_pool pools[2] = {
		{"CUSTOMER-A", "SHARED", "100.64.1.0/24", 254 * 64512, 3},
		{"CUSTOMER-B", "SHARED", "100.64.2.1/32", 4, 0}};
	static const struct sl_prom_reason drops[2] = {{"no_route", 5}, {"leak_loop", 0}};
	static const struct sl_prom_reason punts[1] = {{"arp", 3}};
	static const struct sl_prom_reason rings[2] = {{"bgp", 7}, {"other", 9}},
					   full[2] = {{"bgp", 0}, {"other", 4}};
	*s = (struct sl_prom_snap){
		.now = 1796596846.25,
		.uptime = 8.5,
		.workers = 1,
		.ports = ports,
		.n_ports = 2,
		.rx = 150,
		.forwarded = 140,
		.drops = drops,
		.n_drops = 2,
		.punts = punts,
		.n_punts = 1,
		.punt_rings = rings,
		.punt_rings_full = full,
		.n_punt_rings = 2,
		.vrfs = vrfs,
		.n_vrfs = 2,
		.sources = sources,
		.n_sources = 3,
		.leaks = leaks,
		.n_leaks = 1,
		.fw = fw,
		.rules = rules,
		.n_rules = 2,
		.nat_pools = pools,
		.n_nat_pools = 2,
	};
	s->nat_st.out = 11, s->nat_st.in = 12, s->nat_st.created = 13;
	s->nat_st.expired = 14, s->nat_st.flushed = 15, s->nat_st.exhausted = 16;
	s->nat_st.full = 17, s->nat_st.no_flow = 18, s->nat_st.untranslatable = 19;
	s->nat_st.icmp_unmatched = 20, s->nat_st.entries = 3, s->nat_st.max = 65536;
	s->stalls.max_gap_ns = 1500000;
	s->fw_st.dropped = 10;
	s->fw_st.ct_entries = 2;
	s->commits.ok = 3;
	s->commits.refused = 1;
	s->commits.cpu_ms = 12.5;
	s->fpm.state = "listening";
	s->fpm.routes_add = 1000;
}

static void has_line(const char *text, const char *line)
{
	char *want;
	assert_true(asprintf(&want, "\n%s\n", line) > 0);
	if (strstr(text, want) == NULL)
		fail_msg("missing line: %s", line);
	free(want);
}

static void test_render(void **state)
{
	(void)state;
	struct sl_prom_snap s;
	fake_snapshot(&s, true);
	int rc;
	char *text = render_text(&s, &rc);
	assert_int_equal(rc, 0);
	assert_true(check_format(text) > 50);
	has_line(text, "sluice_port_rx_packets_total{port=\"eth0\"} 123");
	has_line(text, "sluice_port_tx_bytes_total{port=\"eth0\"} 4567");
	has_line(text, "sluice_port_rx_missed_total{port=\"eth1\"} 9");
	has_line(text, "sluice_port_up{port=\"eth0\"} 1");
	has_line(text, "sluice_drops_total{reason=\"no_route\"} 5");
	has_line(text, "sluice_drops_total{reason=\"leak_loop\"} 0");
	has_line(text, "sluice_punts_total{reason=\"arp\"} 3");
	has_line(text, "sluice_punt_ring_packets_total{class=\"bgp\"} 7");
	has_line(text, "sluice_punt_ring_packets_total{class=\"other\"} 9");
	has_line(text, "sluice_punt_ring_full_total{class=\"bgp\"} 0");
	has_line(text, "sluice_punt_ring_full_total{class=\"other\"} 4");
	has_line(text, "sluice_dp_forwarded_packets_total 140");
	has_line(text, "sluice_vrf_rx_packets_total{vrf=\"CUSTOMER-A\"} 50");
	has_line(text, "sluice_vrf_rx_packets_total{vrf=\"odd\\\"name\"} 0");
	has_line(text, "sluice_vrf_routes{vrf=\"CUSTOMER-A\",source=\"static\"} 2");
	has_line(text, "sluice_vrf_routes{vrf=\"odd\\\"name\",source=\"bgp\"} 7");
	has_line(text, "sluice_vrf_fib_bytes{vrf=\"CUSTOMER-A\"} 278528");
	/* a VRF without a FIB table has no FIB samples */
	assert_null(strstr(text, "sluice_vrf_fib_bytes{vrf=\"odd"));
	has_line(text, "sluice_leak_packets_total{from=\"CUSTOMER-A\",to=\"SHARED\"} 50");
	has_line(text,
		"sluice_firewall_rule_packets_total{ruleset=\"B-TO-SHARED\",rule=\"default\"} 10");
	has_line(
		text, "sluice_firewall_rule_bytes_total{ruleset=\"B-TO-SHARED\",rule=\"10\"} 1680");
	has_line(text, "sluice_firewall_packets_total{verdict=\"drop\"} 10");
	has_line(text, "sluice_conntrack_entries 2");
	/* source NAT: every figure telemetry has, each in its own place */
	has_line(text, "sluice_nat_translated_packets_total{direction=\"out\"} 11");
	has_line(text, "sluice_nat_translated_packets_total{direction=\"in\"} 12");
	has_line(text, "sluice_nat_flows_created_total 13");
	has_line(text, "sluice_nat_flows_expired_total 14");
	has_line(text, "sluice_nat_flows_flushed_total 15");
	has_line(text, "sluice_nat_dropped_packets_total{reason=\"pool_exhausted\"} 16");
	has_line(text, "sluice_nat_dropped_packets_total{reason=\"full\"} 17");
	has_line(text, "sluice_nat_dropped_packets_total{reason=\"no_flow\"} 18");
	has_line(text, "sluice_nat_dropped_packets_total{reason=\"untranslatable\"} 19");
	has_line(text, "sluice_nat_dropped_packets_total{reason=\"icmp_unmatched\"} 20");
	has_line(text, "sluice_nat_entries 3");
	has_line(text, "sluice_nat_max 65536");
	has_line(text, "sluice_nat_pool_flows{from=\"CUSTOMER-A\",to=\"SHARED\",pool=\"100.64.1."
		       "0/24\"} 3");
	has_line(text, "sluice_nat_pool_flows{from=\"CUSTOMER-B\",to=\"SHARED\",pool=\"100.64.2."
		       "1/32\"} 0");
	has_line(text, "sluice_nat_pool_pairs{from=\"CUSTOMER-A\",to=\"SHARED\",pool=\"100.64.1."
		       "0/24\"} 16386048");
	has_line(text, "sluice_nat_pool_pairs{from=\"CUSTOMER-B\",to=\"SHARED\",pool=\"100.64.2."
		       "1/32\"} 4");
	has_line(text, "sluice_commits_total{result=\"refused\"} 1");
	has_line(text, "sluice_commit_cpu_seconds_total 0.0125");
	has_line(text, "sluice_worker_loop_gap_max_seconds 0.0015");
	has_line(text, "sluice_fpm_state{state=\"listening\"} 1");
	has_line(text, "sluice_fpm_state{state=\"connected\"} 0");
	has_line(text, "sluice_fpm_routes_added_total 1000");
	has_line(text, "sluice_metrics_render_timestamp_seconds 1796596846.25");
	free(text);
}

static void test_render_without_firewall(void **state)
{
	(void)state;
	struct sl_prom_snap s;
	fake_snapshot(&s, false);
	int rc;
	char *text = render_text(&s, &rc);
	assert_int_equal(rc, 0);
	check_format(text);
	assert_null(strstr(text, "sluice_firewall"));
	assert_null(strstr(text, "sluice_conntrack"));
	assert_null(strstr(text, "sluice_nat"));
	free(text);

	struct sl_prom_snap empty = {0}; /* nothing at all: still well-formed */
	text = render_text(&empty, &rc);
	assert_int_equal(rc, 0);
	check_format(text);
	has_line(text, "sluice_fpm_state{state=\"disabled\"} 0");
	free(text);
}

/* ---- the endpoint ---- */

static uint16_t free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	socklen_t l = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &l), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

struct get {
	uint16_t port;
	const char *request;
	char reply[4096];
};

/* One HTTP/1.0 exchange: the whole reply (the server closes). */
static void *http_get(void *arg)
{
	struct get *g = arg;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
		.sin_port = htons(g->port),
		.sin_addr.s_addr = htonl(0x7f000001)};
	g->reply[0] = '\0';
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		write(fd, g->request, strlen(g->request)) == (ssize_t)strlen(g->request)) {
		size_t have = 0;
		ssize_t n;
		while (have < sizeof(g->reply) - 1 &&
			(n = read(fd, g->reply + have, sizeof(g->reply) - 1 - have)) > 0)
			have += (size_t)n;
		g->reply[have] = '\0';
	}
	close(fd);
	return NULL;
}

static void test_server(void **state)
{
	(void)state;
	uint16_t port = free_port();
	int err = 1;
	struct sl_prom_server *s = sl_prom_server_start(0x7f000001, port, &err);
	assert_non_null(s);
	assert_int_equal(err, 0);

	/* a second endpoint on the same port: the bind's error */
	assert_null(sl_prom_server_start(0x7f000001, port, &err));
	assert_int_equal(err, -EADDRINUSE);
	/* an address that is not this host's */
	assert_null(sl_prom_server_start(0xc0000263 /* 192.0.2.99 */, port, &err));
	assert_int_equal(err, -EADDRNOTAVAIL);

	/* the scrape waits for the control thread, which renders on demand */
	assert_false(sl_prom_server_wanted(s));
	struct get g = {.port = port, .request = "GET /metrics HTTP/1.0\r\n\r\n"};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, http_get, &g), 0);
	while (!sl_prom_server_wanted(s))
		usleep(1000);
	char *text = strdup("# HELP a_total h\n# TYPE a_total counter\na_total 42\n");
	sl_prom_server_publish(s, text, strlen(text));
	assert_false(sl_prom_server_wanted(s));
	pthread_join(t, NULL);
	assert_non_null(strstr(g.reply, "HTTP/1.0 200") ? g.reply : strstr(g.reply, "200 OK"));
	assert_non_null(strstr(g.reply, "text/plain; version=0.0.4"));
	assert_non_null(
		strstr(g.reply, "\r\n\r\n# HELP a_total h\n# TYPE a_total counter\na_total 42\n"));

	struct get nf = {.port = port, .request = "GET /other HTTP/1.0\r\n\r\n"};
	http_get(&nf);
	assert_non_null(strstr(nf.reply, " 404 "));
	struct get post = {
		.port = port, .request = "POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n"};
	http_get(&post);
	assert_non_null(strstr(post.reply, " 405 "));

	struct sl_prom_server_stats st;
	sl_prom_server_stats_get(s, &st);
	assert_int_equal(st.scrapes, 1);
	assert_int_equal(st.renders, 1);
	assert_int_equal(st.errors, 2);
	assert_int_equal(st.stale, 0);

	sl_prom_server_stop(s);
	/* the port is free again */
	s = sl_prom_server_start(0x7f000001, port, &err);
	assert_non_null(s);
	sl_prom_server_stop(s);
	sl_prom_server_stop(NULL);
}

/* A control thread that does not answer: 503 after the wait when nothing
 * was ever rendered, else the previous rendering (stale) — never a hang. */
static void test_server_unanswered(void **state)
{
	(void)state;
	uint16_t port = free_port();
	int err;
	struct sl_prom_server *s = sl_prom_server_start(0x7f000001, port, &err);
	assert_non_null(s);
	struct get g = {.port = port, .request = "GET /metrics HTTP/1.0\r\n\r\n"};
	http_get(&g);
	assert_non_null(strstr(g.reply, " 503 "));
	char *text = strdup("old 1\n");
	sl_prom_server_publish(s, text, strlen(text));
	http_get(&g);
	assert_non_null(strstr(g.reply, " 200 "));
	assert_non_null(strstr(g.reply, "\r\n\r\nold 1\n"));
	struct sl_prom_server_stats st;
	sl_prom_server_stats_get(s, &st);
	assert_int_equal(st.scrapes, 1);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.errors, 1);
	sl_prom_server_stop(s);
}

static char *endpoint_show(const struct sl_prom_endpoint *ep, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_prom_endpoint_show(ep, json, f);
	fclose(f);
	return buf;
}

/* The endpoint follows the configuration: up, moved, down with the reason
 * (and tried again at the next sync), disabled; a scrape gets the snapshot
 * rendered by sl_prom_endpoint_publish. */
static void test_endpoint_follows_configuration(void **state)
{
	(void)state;
	sl_log_open("test", SL_LOG_OUT_NONE);
	struct sl_prom_endpoint ep = {0};
	char *t = endpoint_show(&ep, false);
	assert_string_equal(t, "Prometheus endpoint: disabled\n");
	free(t);

	uint16_t port = free_port();
	sl_prom_endpoint_sync(&ep, true, 0x7f000001, port);
	assert_non_null(ep.srv);
	struct sl_prom_server *first = ep.srv;
	sl_prom_endpoint_sync(&ep, true, 0x7f000001, port); /* unchanged: kept */
	assert_ptr_equal(ep.srv, first);
	t = endpoint_show(&ep, false);
	char want[128];
	snprintf(want, sizeof(want), "Prometheus endpoint: up (http://127.0.0.1:%u/metrics)\n",
		port);
	assert_memory_equal(t, want, strlen(want));
	assert_non_null(strstr(t, "  scrapes 0 (0 served the previous rendering), renderings 0"));
	free(t);

	/* a scrape waits for the control thread, which fills and publishes */
	struct get g = {.port = port, .request = "GET /metrics HTTP/1.0\r\n\r\n"};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, http_get, &g), 0);
	while (!sl_prom_endpoint_wanted(&ep))
		usleep(1000);
	struct sl_prom_snap snap = {.workers = 3, .rx = 12345};
	sl_prom_endpoint_publish(&ep, &snap, sl_thread_cpu_ms());
	assert_false(sl_prom_endpoint_wanted(&ep));
	pthread_join(th, NULL);
	assert_non_null(strstr(g.reply, "\nsluice_workers 3\n"));
	assert_non_null(strstr(g.reply, "\nsluice_dp_rx_packets_total 12345\n"));
	assert_true(ep.last_render_ms >= 0);

	/* another endpoint holds the port it moves to: down, with the reason */
	int err;
	uint16_t taken = free_port();
	struct sl_prom_server *other = sl_prom_server_start(0x7f000001, taken, &err);
	assert_non_null(other);
	sl_prom_endpoint_sync(&ep, true, 0x7f000001, taken);
	assert_null(ep.srv);
	t = endpoint_show(&ep, true);
	char jwant[256];
	snprintf(jwant, sizeof(jwant),
		"{\"prometheus\":{\"state\":\"down\",\"address\":\"127.0.0.1\",\"port\":%u,"
		"\"error\":\"cannot listen on 127.0.0.1:%u: Address already in use\"",
		taken, taken);
	assert_memory_equal(t, jwant, strlen(jwant));
	free(t);
	/* tried again at the next sync: up once the port is free */
	sl_prom_server_stop(other);
	sl_prom_endpoint_sync(&ep, true, 0x7f000001, taken);
	assert_non_null(ep.srv);
	assert_string_equal(ep.error, "");

	sl_prom_endpoint_sync(&ep, false, 0, 0);
	assert_null(ep.srv);
	t = endpoint_show(&ep, false);
	assert_string_equal(t, "Prometheus endpoint: disabled\n");
	free(t);
	sl_prom_endpoint_stop(&ep); /* idempotent */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_bad_names_refused),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_without_firewall),
		cmocka_unit_test(test_server),
		cmocka_unit_test(test_server_unanswered),
		cmocka_unit_test(test_endpoint_follows_configuration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
