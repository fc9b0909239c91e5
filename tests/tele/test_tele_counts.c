/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_tele_counts.c — the telemetry counters: what the datapath counts per
 * ingress VRF and per leak direction (crafted packets through sl_dp_process),
 * and how lib/tele sums the per-lcore blocks (merged directions, every VRF
 * id its own slot up to the last one, overflow into leak_other), and the
 * Prometheus snapshot filled from them.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "../cmd_words.h"
#include "../dp/dp_fixture.h"
#include "sl_ctl.h"
#include "sl_fw.h"
#include "sl_tele.h"

/* VRF_FAR: beyond the 256 slots the counters once had; VRF_LAST: the last id */
enum { VRF_A = 1, VRF_SHARED = 2, VRF_FAR = 300, VRF_LAST = SL_VRF_MAX - 1 };

static struct dpf F;
static struct sl_dp_vrf_count *cnt_vrf; /* F.cnt's per-VRF block in test_datapath_counts */

/* eth0: VRF A (10.1.0.0/24), eth0.300: VRF 300 (10.3.0.0/24), eth1: SHARED
 * (10.100.0.0/24); A and VRF 300 reach SHARED by a redirect, SHARED reaches
 * A back; A blackholes 192.0.2.0/24; eth0.4001: VRF_LAST, no routes. MACs:
 * the fixture's per-port defaults. */
static const char topology[] = "iface eth0 port 0 vrf %u\n"
			       "iface eth0.300 port 0 vlan 300 vrf %u\n"
			       "iface eth1 port 1 vrf %u\n"
			       "iface eth0.4001 port 0 vlan 4001 vrf %u\n"
			       "route %u 10.1.0.0/24 connected eth0\n"
			       "route %u 10.100.0.0/24 vrf %u\n"
			       "route %u 192.0.2.0/24 blackhole\n"
			       "route %u 10.1.0.1/32 local eth0\n"
			       "route %u 10.100.0.0/24 vrf %u\n"
			       "route %u 10.100.0.0/24 connected eth1\n"
			       "route %u 10.1.0.0/24 vrf %u\n"
			       "neigh eth1 10.100.0.10 02:aa:00:00:00:0a\n"
			       "neigh eth0 10.1.0.10 02:aa:00:00:00:0a\n";

static int setup(void **state)
{
	(void)state;
	cnt_vrf = sl_dp_vrf_counts_new(SOCKET_ID_ANY);
	if (cnt_vrf == NULL || dpf_setup(&F, "tele", 511, NULL, NULL) < 0)
		return -1;
	return dpf_applyf(&F, topology, VRF_A, VRF_FAR, VRF_SHARED, VRF_LAST, VRF_A, VRF_A,
		       VRF_SHARED, VRF_A, VRF_A, VRF_FAR, VRF_SHARED, VRF_SHARED, VRF_SHARED,
		       VRF_A) == 0
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	rte_free(cnt_vrf);
	return 0;
}

/* An IPv4 (or, arp=true, ARP) frame to dst, tagged with vlan when non-zero. */
static struct rte_mbuf *craft(uint32_t dst, uint16_t vlan, bool arp)
{
	return dpf_craft(&F, &(struct dpf_pkt){.vlan = vlan,
				     .ether_type = arp ? RTE_ETHER_TYPE_ARP : 0,
				     .src = sl_test_ip4(10, 9, 9, 9),
				     .dst = dst});
}

/* n copies of one packet through the pipeline, as one burst, then freed. */
static void send_burst(uint16_t port, uint32_t dst, uint16_t vlan, bool arp, uint16_t n)
{
	struct rte_mbuf *pkts[SL_DP_BURST];
	assert_true(n <= SL_DP_BURST);
	for (uint16_t i = 0; i < n; i++)
		pkts[i] = craft(dst, vlan, arp);
	dpf_run(&F, port, pkts, n);
	dpf_free_out(&F);
}

static void test_datapath_counts(void **state)
{
	(void)state;
	dpf_reset(&F);
	memset(cnt_vrf, 0, SL_VRF_MAX * sizeof(*cnt_vrf));
	F.cnt.vrf = cnt_vrf;
	send_burst(0, sl_test_ip4(10, 100, 0, 10), 0, false, 5); /* A -> SHARED, redirected */
	send_burst(1, sl_test_ip4(10, 1, 0, 10), 0, false, 3); /* SHARED -> A, redirected */
	send_burst(0, sl_test_ip4(192, 0, 2, 1), 0, false, 2); /* A: blackholed */
	send_burst(0, sl_test_ip4(10, 1, 0, 10), 0, false, 4); /* A -> A: no crossing */
	send_burst(0, sl_test_ip4(10, 1, 0, 1), 0, true, 1); /* ARP: not IPv4, not counted */
	send_burst(0, sl_test_ip4(10, 100, 0, 10), 300, false, 6); /* VRF 300 -> SHARED */
	send_burst(0, sl_test_ip4(10, 1, 0, 1), 0, false, 3); /* A: to the router, punted */
	send_burst(0, sl_test_ip4(10, 9, 0, 1), 300, false, 2); /* VRF 300: no route, punted */
	send_burst(0, sl_test_ip4(10, 9, 0, 1), 4001, false, 7); /* VRF_LAST: no route */

	assert_int_equal(F.cnt.vrf[VRF_A].ipv4_rx, 5 + 2 + 4 + 3);
	assert_int_equal(F.cnt.vrf[VRF_A].forwarded, 5 + 4);
	assert_int_equal(F.cnt.vrf[VRF_A].punted, 3); /* the ARP punt is not counted */
	assert_int_equal(F.cnt.punted[SL_DP_PUNT_ARP], 1);
	assert_int_equal(F.cnt.vrf[VRF_SHARED].ipv4_rx, 3);
	assert_int_equal(F.cnt.vrf[VRF_SHARED].forwarded, 3);
	assert_int_equal(F.cnt.vrf[VRF_SHARED].punted, 0);
	assert_int_equal(F.cnt.vrf[VRF_FAR].ipv4_rx, 6 + 2); /* its own slot */
	assert_int_equal(F.cnt.vrf[VRF_FAR].forwarded, 6);
	assert_int_equal(F.cnt.vrf[VRF_FAR].punted, 2);
	assert_int_equal(F.cnt.vrf[VRF_LAST].ipv4_rx, 7);
	assert_int_equal(F.cnt.vrf[VRF_LAST].forwarded, 0);
	assert_int_equal(F.cnt.vrf[VRF_LAST].punted, 7);
	/* every packet in its ingress VRF's slot, none anywhere else */
	uint64_t all = 0;
	for (unsigned v = 0; v < SL_VRF_MAX; v++)
		all += F.cnt.vrf[v].ipv4_rx;
	assert_int_equal(all, 14 + 3 + 8 + 7);
	assert_int_equal(F.cnt.leak_other, 0);

	struct sl_tele_counts *t = malloc(sizeof(*t));
	assert_non_null(t);
	sl_tele_counts_sum(&F.cnt, 1, t);
	assert_int_equal(t->n_dirs, 3);
	assert_int_equal(sl_tele_leak_packets(t, VRF_A, VRF_SHARED), 5);
	assert_int_equal(sl_tele_leak_packets(t, VRF_SHARED, VRF_A), 3);
	assert_int_equal(sl_tele_leak_packets(t, VRF_FAR, VRF_SHARED), 6);
	assert_int_equal(sl_tele_leak_packets(t, VRF_A, VRF_A), 0);
	assert_int_equal(t->vrf[VRF_A].ipv4_rx, 14);
	assert_int_equal(t->vrf[VRF_A].punted, 3);
	assert_int_equal(t->vrf[VRF_FAR].forwarded, 6);
	assert_int_equal(t->vrf[VRF_LAST].punted, 7);
	/* sorted by (from, to) */
	assert_int_equal(t->dirs[0].from, VRF_A);
	assert_int_equal(t->dirs[2].from, VRF_FAR);
	free(t);
}

static void put_dir(
	struct sl_dp_counters *c, unsigned slot, uint32_t from, uint32_t to, uint64_t packets)
{
	c->leak[slot].key = SL_DP_LEAK_KEY(from, to);
	c->leak[slot].packets = packets;
}

/* n counter blocks as sl_dp_new makes them: each with its per-VRF block */
static struct sl_dp_counters *lcores_new(size_t n)
{
	struct sl_dp_counters *lc = calloc(n, sizeof(*lc));
	assert_non_null(lc);
	for (size_t i = 0; i < n; i++) {
		lc[i].vrf = calloc(SL_VRF_MAX, sizeof(*lc[i].vrf));
		assert_non_null(lc[i].vrf);
	}
	return lc;
}

static void lcores_free(struct sl_dp_counters *lc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lc[i].vrf);
	free(lc);
}

static void test_sum_merges_lcores(void **state)
{
	(void)state;
	struct sl_dp_counters *lc = lcores_new(3);
	struct sl_tele_counts *t = malloc(sizeof(*t));
	assert_non_null(t);
	lc[0].vrf[7].ipv4_rx = 10;
	lc[2].vrf[7].ipv4_rx = 5;
	lc[1].vrf[VRF_LAST].forwarded = 4;
	lc[2].vrf[VRF_LAST].forwarded = 1;
	lc[0].vrf[7].punted = 2;
	lc[1].vrf[7].punted = 1;
	put_dir(&lc[0], 3, 7, 9, 100); /* the same direction on two lcores, other slots */
	put_dir(&lc[2], 40, 7, 9, 23);
	put_dir(&lc[1], 0, 1023, 0, 2); /* the largest VRF id survives the key */
	lc[1].leak_other = 6;
	sl_tele_counts_sum(lc, 3, t);
	assert_int_equal(t->vrf[7].ipv4_rx, 15);
	assert_int_equal(t->vrf[VRF_LAST].forwarded, 5);
	assert_int_equal(t->vrf[VRF_LAST - 1].forwarded, 0);
	assert_int_equal(t->vrf[7].punted, 3);
	assert_int_equal(t->n_dirs, 2);
	assert_int_equal(sl_tele_leak_packets(t, 7, 9), 123);
	assert_int_equal(sl_tele_leak_packets(t, 9, 7), 0);
	assert_int_equal(sl_tele_leak_packets(t, 1023, 0), 2);
	assert_int_equal(t->leak_other, 6);
	lcores_free(lc, 3);
	free(t);
}

/* More distinct directions than the summary holds: the rest is counted, not lost. */
static void test_sum_overflow(void **state)
{
	(void)state;
	size_t n_lcores = SL_TELE_DIRS_MAX / SL_DP_LEAK_SLOTS + 1;
	struct sl_dp_counters *lc = calloc(n_lcores, sizeof(*lc));
	struct sl_tele_counts *t = malloc(sizeof(*t));
	assert_non_null(lc);
	assert_non_null(t);
	uint64_t total = 0;
	for (size_t l = 0; l < n_lcores; l++) {
		for (unsigned s = 0; s < SL_DP_LEAK_SLOTS; s++) {
			put_dir(&lc[l], s, (uint32_t)l, s, 1 + s);
			total += 1 + s;
		}
	}
	sl_tele_counts_sum(lc, n_lcores, t);
	assert_int_equal(t->n_dirs, SL_TELE_DIRS_MAX);
	uint64_t seen = t->leak_other;
	for (size_t i = 0; i < t->n_dirs; i++)
		seen += t->dirs[i].packets;
	assert_int_equal(seen, total);
	assert_true(t->leak_other > 0);
	free(lc);
	free(t);
}

/* `clear counters`: a snapshot subtracted from later sums, counter by counter
 * and direction by direction; a direction first seen after the clear counts
 * from zero; a direction pushed into leak_other by newer ones is taken from
 * there; nothing goes below zero. */
static void test_sub_since_clear(void **state)
{
	(void)state;
	struct sl_dp_counters *lc = lcores_new(2);
	struct sl_tele_counts *base = malloc(sizeof(*base)), *t = malloc(sizeof(*t));
	assert_non_null(base);
	assert_non_null(t);
	lc[0].vrf[7].ipv4_rx = 10;
	lc[1].vrf[7].forwarded = 8;
	put_dir(&lc[0], 3, 7, 9, 100);
	put_dir(&lc[1], 5, 2, 3, 40);
	lc[0].leak_other = 1;
	sl_tele_counts_sum(lc, 2, base);
	/* traffic after the clear */
	lc[0].vrf[7].ipv4_rx += 5;
	lc[1].vrf[7].forwarded += 2;
	lc[0].leak[3].packets += 30;
	put_dir(&lc[1], 6, 1, 2, 12); /* new direction, sorts first */
	lc[0].leak_other += 4;
	sl_tele_counts_sum(lc, 2, t);
	sl_tele_counts_sub(t, base);
	assert_int_equal(t->vrf[7].ipv4_rx, 5);
	assert_int_equal(t->vrf[7].forwarded, 2);
	assert_int_equal(t->vrf[7].punted, 0);
	assert_int_equal(sl_tele_leak_packets(t, 7, 9), 30);
	assert_int_equal(sl_tele_leak_packets(t, 2, 3), 0);
	assert_int_equal(sl_tele_leak_packets(t, 1, 2), 12);
	assert_int_equal(t->leak_other, 4);
	/* a base direction no longer listed: its packets are in leak_other */
	sl_tele_counts_sum(lc, 2, t);
	t->leak_other += t->dirs[2].packets; /* (7, 9): as if pushed out */
	t->n_dirs = 2;
	sl_tele_counts_sub(t, base);
	assert_int_equal(t->leak_other, 4 + 30);
	/* never below zero (e.g. a base taken from a fuller table) */
	memset(t, 0, sizeof(*t));
	sl_tele_counts_sub(t, base);
	assert_int_equal(t->vrf[7].ipv4_rx, 0);
	assert_int_equal(t->leak_other, 0);
	lcores_free(lc, 2);
	free(base);
	free(t);
}

/* The Prometheus snapshot from a router and the fixture's FIB and datapath:
 * every RIB VRF with its routes by source, the FIB totals, the drop and punt
 * reasons by name, the commits; rendered as lib/prom's text. */
/* Source NAT in the snapshot: the firewall's NAT counters, and each
 * leak-nat direction of the running configuration with its pool's pairs and
 * the flows it translates now (one UDP flow of A's). */
static void test_prom_fill_nat(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_errors e = {0};
	assert_int_equal(
		sl_router_apply(r,
			"set vrf name A table 100\n"
			"set vrf name B table 101\n"
			"set vrf name S table 102\n"
			"set vrf name A leak-nat to S source translation address 100.64.1.0/24\n"
			"set vrf name B leak-nat to S source translation address 100.64.2.1/32\n"
			"set vrf name B leak-nat to S source translation port 20000-20003\n",
			&e, NULL),
		0);
	sl_errors_free(&e);
	struct sl_fw *fw = sl_fw_new(&(struct sl_fw_config){.nat_max = 64, .socket_id = -1});
	assert_non_null(fw);
	struct sl_fw_spec *spec = NULL;
	assert_int_equal(sl_router_fw_spec(r, &spec, &e), 0);
	struct sl_fw_set *set = sl_fw_build(fw, spec, &e);
	assert_non_null(set);
	assert_int_equal(sl_fw_publish(fw, set), 0);
	sl_fw_spec_free(spec);
	sl_errors_free(&e);

	/* A's host 10.0.0.10:5000 -> 10.100.0.10:53 leaves A into S */
	struct sl_vrf_info a, sv;
	const struct sl_rib *rib = sl_router_rib_const(r);
	assert_int_equal(sl_rib_vrf_info(rib, "A", &a), 0);
	assert_int_equal(sl_rib_vrf_info(rib, "S", &sv), 0);
	uint8_t pkt[SL_IP4_HDR_LEN + 8] = {0};
	sl_ip4_hdr_write(pkt, &(struct sl_ip4_hdr_spec){.total_len = sizeof(pkt),
				      .ttl = 64,
				      .proto = IPPROTO_UDP,
				      .src = 0x0a00000au,
				      .dst = 0x0a64000au});
	sl_wr16(pkt + 20, 5000), sl_wr16(pkt + 22, 53), sl_wr16(pkt + 24, 8);
	uint8_t *l3[1] = {pkt}, deny[1] = {0};
	uint16_t len[1] = {sizeof(pkt)};
	uint32_t from = a.id, to = sv.id;
	sl_fw_nat_out_burst(fw, 0, rte_rdtsc(), l3, len, &from, &to, 1, deny);
	assert_int_equal(deny[0], 0);

	struct sl_tele_src src = {.router = r, .dp = F.dp, .fib = F.fib, .fw = fw};
	struct sl_tele_prom p = {.snap.workers = 1};
	sl_tele_prom_fill(&src, &p);
	assert_true(p.snap.fw);
	assert_int_equal(p.snap.nat_st.out, 1);
	assert_int_equal(p.snap.nat_st.created, 1);
	assert_int_equal(p.snap.nat_st.entries, 1);
	assert_int_equal(p.snap.nat_st.max, 64);
	assert_int_equal(p.snap.n_nat_pools, 2);
	for (size_t i = 0; i < p.snap.n_nat_pools; i++) {
		const struct sl_prom_nat_pool *np = &p.snap.nat_pools[i];
		bool is_a = strcmp(np->from, "A") == 0;
		assert_string_equal(np->to, "S");
		assert_string_equal(np->pool, is_a ? "100.64.1.0/24" : "100.64.2.1/32");
		assert_int_equal(np->pairs, is_a ? 254u * 64512u : 4u);
		assert_int_equal(np->flows, is_a ? 1 : 0);
	}
	char *text = NULL;
	size_t tlen = 0;
	FILE *out = open_memstream(&text, &tlen);
	assert_int_equal(sl_prom_render(&p.snap, out), 0);
	fclose(out);
	assert_non_null(
		strstr(text, "\nsluice_nat_pool_flows{from=\"A\",to=\"S\",pool=\"100.64.1.0/"
			     "24\"} 1\n"));
	assert_non_null(
		strstr(text, "\nsluice_nat_translated_packets_total{direction=\"out\"} 1\n"));
	free(text);
	sl_tele_prom_free(&p);
	assert_null(p.snap.nat_pools);
	sl_fw_free(fw);
	sl_router_free(r);
}

static void test_prom_fill(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_errors e = {0};
	assert_int_equal(sl_router_apply(r,
				 "set vrf name A table 100\n"
				 "set vrf name A protocols static route 10.9.0.0/24 blackhole\n"
				 "set vrf name A protocols static route 10.9.1.0/24 blackhole\n"
				 "set vrf name B table 101\n",
				 &e, NULL),
		0);
	sl_errors_free(&e);
	struct sl_tele_src src = {.router = r, .dp = F.dp, .fib = F.fib};
	struct sl_tele_prom p = {.snap.workers = 1};
	sl_tele_prom_fill(&src, &p);

	size_t n_vrfs = 0;
	const struct sl_prom_vrf *a = NULL;
	for (size_t i = 0; i < p.snap.n_vrfs; i++) {
		if (strcmp(p.snap.vrfs[i].name, "A") == 0)
			a = &p.snap.vrfs[i];
		n_vrfs += strcmp(p.snap.vrfs[i].name, "B") == 0;
	}
	assert_int_equal(n_vrfs, 1);
	assert_non_null(a);
	assert_int_equal(p.snap.n_sources, SL_SRC__COUNT);
	assert_int_equal(a->routes[SL_SRC_STATIC], 2);
	assert_string_equal(p.snap.sources[SL_SRC_STATIC], sl_rt_source_name(SL_SRC_STATIC));

	struct sl_fib_stats fs;
	sl_fib_stats_get(F.fib, &fs);
	assert_int_equal(p.snap.fib.vrfs, fs.vrfs);
	assert_true(p.snap.fib.vrfs >= 4); /* the topology's four */
	assert_int_equal(p.snap.n_drops, SL_DP_DROP__COUNT);
	assert_int_equal(p.snap.n_punts, SL_DP_PUNT__COUNT);
	assert_string_equal(p.snap.drops[0].name, sl_dp_drop_names[0]);
	assert_false(p.snap.fw); /* no firewall: no rule counters */
	assert_int_equal(p.snap.n_rules, 0);
	assert_int_equal(p.snap.commits.ok, 1);
	assert_int_equal(p.snap.n_leaks, 0); /* no telemetry started: no counts */

	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_int_equal(sl_prom_render(&p.snap, out), 0);
	fclose(out);
	char line[128];
	snprintf(line, sizeof(line), "\nsluice_vrf_routes{vrf=\"A\",source=\"%s\"} 2\n",
		sl_rt_source_name(SL_SRC_STATIC));
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, "\nsluice_commits_total{result=\"ok\"} 1\n"));
	free(text);
	sl_tele_prom_free(&p);
	assert_null(p.vrfs);
	sl_router_free(r);
}

static char *dataplane(const struct sl_tele_src *src, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	sl_tele_show_dataplane(src, 2, json, out);
	fclose(out);
	return text;
}

/* `show dataplane`: the summed counters by reason and the FIB's tables. */
static void test_show_dataplane(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_tele_src src = {.router = r, .dp = F.dp, .fib = F.fib};
	struct sl_dp_counters c;
	sl_dp_counters_sum(F.dp, &c);
	char *t = dataplane(&src, false);
	char want[160];
	snprintf(want, sizeof(want),
		"workers: 2\nrx %" PRIu64 "  tx %" PRIu64 "  forwarded %" PRIu64, c.rx, c.tx,
		c.forwarded);
	assert_memory_equal(t, want, strlen(want));
	snprintf(want, sizeof(want), " %s=%" PRIu64, sl_dp_drop_names[0], c.dropped[0]);
	assert_non_null(strstr(t, want));
	assert_non_null(strstr(t, "\nslow path drops: 0\n"));
	struct sl_fib_stats fs;
	sl_fib_stats_get(F.fib, &fs);
	snprintf(want, sizeof(want), "\nfib: %u VRF tables (", fs.vrfs);
	assert_non_null(strstr(t, want));
	free(t);
	/* JSON: a table per VRF; ids the RIB does not name are "default" */
	t = dataplane(&src, true);
	assert_int_equal(t[0], '{');
	assert_non_null(strstr(t, "\"punted\":{"));
	assert_non_null(strstr(t, "\"tables\":[{\"vrf\":\"default\",\"layout\":\""));
	assert_memory_equal(t + strlen(t) - 4, "]}}\n", 4);
	free(t);
	sl_router_free(r);
}

static int dispatch_fn(int argc, char **argv, void *ctx, FILE *out, FILE *err)
{
	(void)ctx;
	return sl_ctl_dispatch(argc, argv, false, NULL, out, err);
}

static const char *device(void *ctx, uint16_t port)
{
	(void)ctx;
	return port == 0 ? "net_test0" : "net_test1";
}

/* `show interfaces`: every interface of the FIB's map, its VRF by the
 * router's names, its port's device; the same as JSON. */
static void test_show_interfaces(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_tele_src src = {.router = r, .dp = F.dp, .fib = F.fib};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	sl_tele_show_interfaces(&src, device, NULL, false, out);
	fclose(out);
	assert_memory_equal(text, "Interface    State  MAC ", 24);
	/* the topology's four, VRFs the RIB does not name shown as "?" */
	assert_non_null(strstr(text, "\neth0         up     "));
	assert_non_null(strstr(text, "\neth0.300     up     "));
	assert_non_null(strstr(text, "\neth1         up     "));
	assert_non_null(strstr(text, "\neth0.4001    up     "));
	assert_non_null(strstr(text, "(counters are per port; a port's vifs share them)\n"));
	free(text);
	out = open_memstream(&text, &len);
	sl_tele_show_interfaces(&src, device, NULL, true, out);
	fclose(out);
	assert_int_equal(text[0], '[');
	assert_non_null(strstr(text, "{\"name\":\"eth1\",\"port\":1,\"device\":\"net_test1\""));
	assert_non_null(strstr(text, "\"name\":\"eth0.300\",\"port\":0,\"device\":"
				     "\"net_test0\",\"vlan\":300"));
	free(text);
	sl_router_free(r);
}

/* One control-socket command: its status, output and errors. */
static int dispatch(const char *words, char **out, char **err)
{
	return cmd_words_run(words, dispatch_fn, NULL, out, err);
}

/* The live show commands lib/tele registers: lib/show's, with lib/fw's
 * rulesets, counters and flows. */
static void test_show_registered(void **state)
{
	(void)state;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	struct sl_errors e = {0};
	assert_int_equal(sl_router_apply(r,
				 "set vrf name CUST-A table 100\n"
				 "set vrf name SHARED table 101\n"
				 "set firewall ipv4 name OUT default-action drop\n"
				 "set firewall ipv4 name OUT rule 10 action accept\n"
				 "set firewall ipv4 name OUT rule 10 protocol udp\n"
				 "set vrf name CUST-A leak-firewall to SHARED name OUT\n",
				 &e, NULL),
		0);
	struct sl_fw_config cfg = {.ct_max = 64,
		.n_lcores = RTE_MAX_LCORE,
		.socket_id = SOCKET_ID_ANY,
		.qsbr = F.fib->qsbr};
	struct sl_fw *fw = sl_fw_new(&cfg);
	assert_non_null(fw);
	struct sl_fw_spec *spec = NULL;
	assert_int_equal(sl_router_fw_spec(r, &spec, &e), 0);
	struct sl_fw_set *set = sl_fw_build(fw, spec, &e);
	assert_non_null(set);
	sl_fw_spec_free(spec);
	sl_errors_free(&e);
	dpf_writer_begin(&F); /* publishing waits for a grace period */
	assert_int_equal(sl_fw_publish(fw, set), 0);
	dpf_writer_end(&F);
	assert_int_equal(sl_tele_show_register(r, fw), 0);

	char *out, *err;
	assert_int_equal(dispatch("show firewall OUT", &out, &err), SL_CTL_OK);
	assert_non_null(strstr(out, "OUT"));
	assert_non_null(strstr(out, "CUST-A"));
	assert_non_null(strstr(out, "Classifier: bit vectors\n")); /* lib/fw's, a small set */
	free(out), free(err);
	assert_int_equal(dispatch("show firewall leak-points", &out, &err), SL_CTL_OK);
	assert_non_null(strstr(out, "SHARED"));
	free(out), free(err);
	assert_int_equal(dispatch("show firewall NOPE", &out, &err), SL_CTL_FAILED);
	assert_non_null(strstr(err, "NOPE"));
	free(out), free(err);
	assert_int_equal(dispatch("show conntrack", &out, &err), SL_CTL_OK);
	free(out), free(err);
	assert_int_equal(dispatch("show conntrack vrf NOPE", &out, &err), SL_CTL_FAILED);
	assert_non_null(strstr(err, "NOPE"));
	free(out), free(err);
	assert_int_equal(dispatch("show nat translations", &out, &err), SL_CTL_OK);
	free(out), free(err);
	/* the graph names the ruleset lib/fw enforces on the direction */
	assert_int_equal(dispatch("show leak graph", &out, &err), SL_CTL_OK);
	assert_non_null(strstr(out, "digraph"));
	assert_non_null(strstr(out, "OUT"));
	free(out), free(err);

	/* the commands over sl_tele_init's sources: refused before it */
	static const char *const over_src[] = {
		"show interfaces", "show dataplane", "clear counters"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(dispatch(over_src[i], &out, &err), SL_CTL_FAILED);
		assert_non_null(strstr(err, "telemetry sources are not set up"));
		free(out), free(err);
	}
	struct sl_tele_src src = {.router = r, .dp = F.dp, .fib = F.fib, .fw = fw};
	(void)sl_tele_init(&src); /* the sources, whether DPDK telemetry runs or not */
	assert_int_equal(dispatch("show dataplane", &out, &err), SL_CTL_OK);
	assert_memory_equal(out, "workers: 0\n", 11); /* one lcore: the main one polls */
	free(out), free(err);
	assert_int_equal(dispatch("show interfaces", &out, &err), SL_CTL_OK);
	assert_memory_equal(out, "Interface", 9);
	free(out), free(err);
	F.dp->counters[0].rx = 7; /* as a worker counts */
	struct sl_dp_counters c;
	sl_dp_counters_sum(F.dp, &c);
	assert_int_equal(c.rx, 7);
	assert_int_equal(dispatch("clear counters", &out, &err), SL_CTL_OK);
	sl_dp_counters_sum(F.dp, &c);
	assert_int_equal(c.rx, 0);
	free(out), free(err);
	sl_tele_stop();

	sl_ctl_unregister_all();
	dpf_writer_begin(&F);
	sl_fw_free(fw);
	dpf_writer_end(&F);
	sl_router_free(r);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (dpf_eal_init("tele", "0", 0) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datapath_counts),
		cmocka_unit_test(test_sum_merges_lcores),
		cmocka_unit_test(test_sum_overflow),
		cmocka_unit_test(test_sub_since_clear),
		cmocka_unit_test(test_prom_fill),
		cmocka_unit_test(test_prom_fill_nat),
		cmocka_unit_test(test_show_dataplane),
		cmocka_unit_test(test_show_interfaces),
		cmocka_unit_test(test_show_registered),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
