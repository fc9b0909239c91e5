/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_egress_flip.c — the egress records (sl_fib_egress: two per next
 * hop, the writer fills the idle one and flips `sel`) read by a worker lcore
 * while the control thread rewrites them as fast as it can: the egress
 * interface moves between ports, tags, VRFs and MACs, the gateway's
 * neighbour resolves to a new MAC, goes pending or is forgotten, and new
 * next hops grow the arrays. The reader loads the live record as the
 * datapath does and checks that every field belongs to one state (a torn
 * record mixes two: the MAC in w0 and w1, the tag in w2, port, VRF and
 * length are cross-checked), and runs a packet through sl_dp_process and
 * checks its L2 header and egress port the same way. The reader reports a
 * quiescent state once per loop, as a worker does; one loop in 16 it waits
 * in the middle of reading the record, as a preempted worker would.
 *
 * Bounded by SL_EGRESS_FLIP_SECONDS (default 2; stretched until 200 writer
 * steps, up to 40 s, on a loaded machine) or 200,000 writer steps; no
 * timing is asserted.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_fixture.h"

#define STEPS_MAX 200000
#define STEPS_MIN 200 /* the records must change under the reader this often */
#define GW sl_test_ip4(10, 2, 0, 2)
#define DST sl_test_ip4(10, 9, 0, 5)

static struct dpf F;

/* The states of the egress interface eth1: each field tells them apart. */
static const struct {
	uint16_t port, vlan;
	uint32_t vrf;
} ifstate[4] = {{1, 0, 1}, {2, 101, 2}, {3, 0, 1}, {1, 4000, 2}};

static struct rte_ether_addr if_mac(unsigned k)
{
	uint8_t b = (uint8_t)(0x11 * (k + 1));
	return (struct rte_ether_addr){{(uint8_t)(0x02 | k << 4), b, b, b, b, b}};
}

/* The gateway's MAC of generation g (1..255): 02:bb:g:g:g:g. */
static struct rte_ether_addr gw_mac(uint8_t g)
{
	return (struct rte_ether_addr){{0x02, 0xbb, g, g, g, g}};
}

struct reader {
	uint32_t nh; /* the route's next hop */
	unsigned lcore;
	bool stop; /* atomic */
	/* results, read after the lcore stopped */
	char error[256];
	uint64_t loops, ready, not_ready, tx, punted, dropped;
	uint32_t states_seen; /* bit k: interface state k seen */
	uint8_t macs_seen[256]; /* gateway MAC generations seen */
};

/* The state (0..3) of the egress interface an L2 header h of length l2 was
 * built for, or -1 with *why set. */
static int header_state(const uint8_t *h, unsigned l2, const char **why)
{
	if (h[0] != 0x02 || h[1] != 0xbb || h[2] == 0 || h[3] != h[2] || h[4] != h[2] ||
		h[5] != h[2]) {
		*why = "destination MAC is no gateway MAC (torn)";
		return -1;
	}
	int k = -1;
	for (unsigned i = 0; i < 4; i++) {
		struct rte_ether_addr m = if_mac(i);
		if (memcmp(h + 6, &m, 6) == 0)
			k = (int)i;
	}
	if (k < 0) {
		*why = "source MAC is no interface MAC (torn)";
		return -1;
	}
	uint16_t vlan = ifstate[k].vlan;
	if (l2 != (vlan ? 18u : 14u)) {
		*why = "header length of another interface state";
		return -1;
	}
	uint8_t want[6] = {0x08, 0x00};
	if (vlan) {
		uint8_t tag[6] = {0x81, 0x00, (uint8_t)(vlan >> 8), (uint8_t)vlan, 0x08, 0x00};
		memcpy(want, tag, sizeof(tag));
	}
	if (memcmp(h + 12, want, vlan ? 6 : 2) != 0) {
		*why = "tag or ether type of another interface state";
		return -1;
	}
	return k;
}

/* The live record of r->nh, read as the datapath reads it. */
static void read_record(struct reader *r, const char **why)
{
	const struct sl_fib_egress *e = sl_fib_egress_of(sl_fib_egress_table(F.fib), r->nh);
	/* field by field, as the datapath reads them; now and then as a slow
	 * worker (preempted in the middle): the writer must not rewrite the
	 * record before the grace period of the flip that retired it */
	const volatile struct sl_fib_egress *v = e;
	struct sl_fib_egress c = {.w0 = v->w0, .l2_len = v->l2_len};
	if ((r->loops & 15) == 5)
		rte_delay_us_block(20);
	c.w1 = v->w1;
	c.w2 = v->w2;
	c.port = v->port;
	c.vrf_id = v->vrf_id;
	if (c.l2_len == 0) {
		if (c.w0 != 0 || c.w1 != 0 || c.w2 != 0 || c.port != 0 || c.vrf_id != 0)
			*why = "a not-ready record with fields set (torn)";
		r->not_ready++;
		return;
	}
	uint8_t h[18] = {0};
	memcpy(h, &c.w0, 8);
	memcpy(h + 8, &c.w1, 8);
	/* bytes 14-15 are in both w1 and w2: 0 in an untagged record */
	if (memcmp(h + 14, &c.w2, 2) != 0) {
		*why = "w1 and w2 of different records (torn)";
		return;
	}
	memcpy(h + 14, &c.w2, 4);
	if (c.l2_len == 14 && c.w2 != 0) {
		*why = "a tag left in an untagged record (torn)";
		return;
	}
	int k = header_state(h, c.l2_len, why);
	if (k < 0)
		return;
	if (c.port != ifstate[k].port || c.vrf_id != ifstate[k].vrf) {
		*why = "port or VRF of another interface state (torn)";
		return;
	}
	r->states_seen |= 1u << k;
	r->macs_seen[h[2]] = 1;
	r->ready++;
}

/* One packet through the pipeline, as a worker forwards it. */
static void run_packet(
	struct reader *r, struct sl_dp_counters *c, struct sl_dp_out *out, const char **why)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(F.pool);
	if (m == NULL) {
		*why = "mbuf pool empty";
		return;
	}
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, 14 + 20 + 26);
	memset(d, 0, 14 + 20 + 26);
	d[12] = 0x08;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + 14);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(20 + 26);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(sl_test_ip4(10, 1, 0, 10));
	ip->dst_addr = rte_cpu_to_be_32(DST);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memset(out, 0, sizeof(*out));
	sl_dp_process(F.dp, c, 0, &m, 1, out);
	if (out->n_punt + out->n_drop == 1) {
		r->punted += out->n_punt;
		r->dropped += out->n_drop;
		rte_pktmbuf_free(m);
		return;
	}
	int port = -1;
	for (int p = 0; p < SL_FIB_PORT_MAX; p++)
		if (out->n_tx[p] == 1)
			port = p;
	const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned l2 = m->pkt_len - 46;
	int k = port < 0 ? -1 : header_state(h, l2, why);
	if (port < 0)
		*why = "the packet went nowhere";
	else if (k >= 0 && port != ifstate[k].port)
		*why = "sent out of another interface state's port";
	else if (k >= 0 && rte_raw_cksum(h + l2, 20) != 0xffff)
		*why = "bad checksum";
	r->tx++;
	rte_pktmbuf_free(m);
}

static int reader_main(void *arg)
{
	struct reader *r = arg;
	struct sl_dp_counters *c = &F.dp->counters[r->lcore];
	struct sl_dp_out *out = malloc(sizeof(*out));
	const char *why = out == NULL ? "no memory" : NULL;
	sl_fib_reader_register(F.fib, r->lcore);
	while (why == NULL && !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		read_record(r, &why);
		if (why == NULL && (r->loops & 7) == 0)
			run_packet(r, c, out, &why);
		sl_fib_reader_quiescent(F.fib, r->lcore);
		r->loops++;
	}
	if (why != NULL)
		snprintf(r->error, sizeof(r->error), "loop %" PRIu64 ": %s", r->loops, why);
	/* what the pipeline counted: gateway punts and pending drops, nothing else */
	for (unsigned i = 0; i < SL_DP_DROP__COUNT; i++)
		if (c->dropped[i] != 0 && i != SL_DP_DROP_NEIGH_PENDING && r->error[0] == '\0')
			snprintf(r->error, sizeof(r->error), "a %s drop", sl_dp_drop_names[i]);
	for (unsigned i = 0; i < SL_DP_PUNT__COUNT; i++)
		if (c->punted[i] != 0 && i != SL_DP_PUNT_UNRESOLVED && r->error[0] == '\0')
			snprintf(r->error, sizeof(r->error), "a %s punt", sl_dp_punt_names[i]);
	sl_fib_reader_unregister(F.fib, r->lcore);
	free(out);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	struct rte_ether_addr m = if_mac(0), g = gw_mac(1);
	return dpf_setup(&F, "dp_egress_flip", 0, NULL, NULL) < 0 ||
			       dpf_applyf(&F,
				       "vrf 2\n"
				       "iface eth0 port 0 vrf 1 addr 10.1.0.1/24\n"
				       "iface eth1 port 1 vrf 1 mac %02x:%02x:%02x:%02x:%02x:%02x "
				       "addr 10.2.0.1/24\n"
				       "route 1 10.9.0.0/16 via 10.2.0.2 eth1\n"
				       "neigh eth1 10.2.0.2 %02x:%02x:%02x:%02x:%02x:%02x\n",
				       m.addr_bytes[0], m.addr_bytes[1], m.addr_bytes[2],
				       m.addr_bytes[3], m.addr_bytes[4], m.addr_bytes[5],
				       g.addr_bytes[0], g.addr_bytes[1], g.addr_bytes[2],
				       g.addr_bytes[3], g.addr_bytes[4], g.addr_bytes[5]) != 0
		       ? -1
		       : 0;
}

static int teardown(void **state)
{
	(void)state;
	dpf_teardown(&F);
	return 0;
}

static void test_reader_never_sees_a_torn_record(void **state)
{
	(void)state;
	static struct reader r;
	struct sl_addr dst = sl_addr_v4(DST);
	uint32_t vrf;
	assert_int_equal(sl_fib_lookup(F.fib, 1, &dst, &r.nh, &vrf), 0);
	r.lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	assert_true(r.lcore < RTE_MAX_LCORE);
	assert_int_equal(rte_eal_remote_launch(reader_main, &r, r.lcore), 0);

	const char *s = getenv("SL_EGRESS_FLIP_SECONDS");
	uint64_t hz = rte_get_timer_hz(),
		 end = rte_get_timer_cycles() + (s && *s ? strtoull(s, NULL, 0) : 2) * hz;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned steps = 0, if_moves = 0, mac_moves = 0, routes = 0;
	uint8_t gen = 1;
	uint16_t oif = dpf_oif(&F, "eth1");
	/* on a loaded machine (ASan, other jobs) the time bound alone may leave
	 * too few steps to test anything: it is stretched until STEPS_MIN, up
	 * to 40 s (the test times out at 60) */
	uint64_t hard_end = rte_get_timer_cycles() + 40 * hz;
	while (steps < STEPS_MAX && (rte_get_timer_cycles() < end || steps < STEPS_MIN) &&
		rte_get_timer_cycles() < hard_end && rte_eal_get_lcore_state(r.lcore) == RUNNING) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsigned what = (unsigned)(x >> 32) % 16;
		int rc;
		if (what < 4) { /* the interface moves: every field of the record changes */
			unsigned k = (unsigned)(x >> 40) % 4;
			struct rte_ether_addr m = if_mac(k);
			rc = dpf_applyf(&F,
				"iface eth1 port %u vlan %u vrf %u "
				"mac %02x:%02x:%02x:%02x:%02x:%02x addr 10.2.0.1/24",
				ifstate[k].port, ifstate[k].vlan, ifstate[k].vrf, m.addr_bytes[0],
				m.addr_bytes[1], m.addr_bytes[2], m.addr_bytes[3], m.addr_bytes[4],
				m.addr_bytes[5]);
			if_moves++;
		} else if (what < 14) {
			/* a run of neighbour changes, back to back: a new MAC mostly,
			 * pending or forgotten at times (each one a flip) */
			unsigned n = 1 + (unsigned)(x >> 40) % 8;
			dpf_writer_begin(&F);
			for (unsigned i = 0, how = (unsigned)(x >> 48); i < n; i++, how /= 8) {
				gen = gen == 255 ? 1 : gen + 1;
				struct rte_ether_addr g = gw_mac(gen);
				rc = how % 8 == 0 ? sl_fib_neigh_pending(F.fib, oif, GW)
						  : sl_fib_neigh_set(F.fib, oif, GW,
							    how % 8 == 1 ? NULL : &g);
				if (rc != 0)
					break;
			}
			dpf_writer_end(&F);
			mac_moves += n;
		} else { /* another next hop: the arrays grow under the reader */
			rc = dpf_applyf(&F, "route 1 10.%u.%u.0/24 via 10.2.%u.%u eth1",
				100 + routes / 256, routes % 256, 1 + routes / 250,
				1 + routes % 250);
			routes++;
		}
		assert_int_equal(rc, 0);
		steps++;
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(r.lcore);
	unsigned macs = 0;
	for (unsigned i = 0; i < 256; i++)
		macs += r.macs_seen[i];
	print_message("%u writer steps (%u interface moves, %u neighbour changes, %u next hops "
		      "added); reader: %" PRIu64 " loops, %" PRIu64 " ready and %" PRIu64
		      " empty records, %u interface states and %u MACs seen; packets: %" PRIu64
		      " sent, %" PRIu64 " punted, %" PRIu64 " dropped\n",
		steps, if_moves, mac_moves, routes, r.loops, r.ready, r.not_ready,
		__builtin_popcount(r.states_seen), macs, r.tx, r.punted, r.dropped);
	if (r.error[0] != '\0')
		fail_msg("reader: %s", r.error);
	/* the records did change under the reader, in every way */
	assert_true(steps >= STEPS_MIN);
	assert_true(__builtin_popcount(r.states_seen) >= 2 && macs >= 2);
	assert_true(r.tx > 0 && r.not_ready > 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (dpf_eal_init("dp-egress-flip", "0-1", 0) < 0) {
		fprintf(stderr, "%s: cannot start the EAL\n", argv[0]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_never_sees_a_torn_record),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
