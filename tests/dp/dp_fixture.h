/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_fixture.h — the one setup of the datapath tests: a private --no-huge
 * EAL, a mbuf pool, a FIB and an sl_dp built from a topology written as
 * text, the test thread registered as a FIB reader (it runs bursts like a
 * worker), and helpers to craft frames and run a burst.
 *
 * Topology notation: one statement per line (or per ';'), '#' starts a
 * comment, words separated by blanks. Addresses are dotted quads.
 *
 *   iface NAME port P [vlan V] [vrf N] [mac M] [addr A/L]... [sv MODE] [down]
 *         [answer-across-leaks]
 *       add or replace (by NAME) a (sub)interface; MAC default
 *       02:00:00:00:00:10+P; up unless `down`; MODE: source validation,
 *       strict, loose or disable (the default: lib/commit's defaults are
 *       not applied here); its addresses answer packets from other VRFs
 *       only with `answer-across-leaks`
 *   vrf N                                   an empty VRF table
 *   route N A/L connected IFNAME
 *   route N A/L local IFNAME
 *   route N A/L blackhole
 *   route N A/L vrf M                       a leak: continue in VRF M
 *   route N A/L via GW IFNAME [weight W] [via GW IFNAME [weight W]]...
 *       a gateway; two or more `via`: an ECMP group (weight 1 unless given)
 *   del N A/L                               remove a route
 *   neigh IFNAME IP MAC|pending|forget      a neighbour's state
 *
 * e.g. "iface eth0 port 0 vrf 1 addr 10.1.0.1/24\n"
 *      "route 1 10.1.0.0/24 connected eth0\n"
 *      "route 1 0.0.0.0/0 vrf 2\n"
 *      "neigh eth0 10.1.0.10 02:aa:00:00:00:0a\n"
 *
 * One dpf_apply: interfaces first (the whole set the fixture holds is synced,
 * so later calls may change one), then every VRF a line names (added if
 * new), the routes in order in one sl_fib_apply, then the neighbours. A
 * line that does not parse is printed with its number and nothing of the
 * call is applied (-EINVAL).
 *
 * Functions that assert use cmocka: include <cmocka.h> before this header.
 */
#ifndef SL_DP_FIXTURE_H
#define SL_DP_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "../fib/fib_test_eal.h"
#include "sl_dp.h"

#define DPF_IFACE_MAX 64

struct dpf {
	struct rte_mempool *pool;
	struct sl_fib *fib;
	struct sl_dp *dp;
	struct sl_dp_counters cnt; /* the test thread's counters (dpf_reset zeroes them) */
	struct sl_dp_out out; /* the last burst's (dpf_run zeroes it first) */
	bool reader; /* the test thread is a registered FIB reader */
	size_t n_ifs;
	struct sl_fib_iface_conf ifs[DPF_IFACE_MAX]; /* as synced last */
};

/* The EAL on lcores (e.g. "0", "0-1") with mem_mb MiB of --no-huge memory
 * (0: 512) and a per-process file prefix from name. 0 or negative. */
int dpf_eal_init(const char *name, const char *lcores, unsigned mem_mb);

/* Pool (pool_size mbufs, 0: 1023), FIB (cfg NULL: defaults), sl_dp, the
 * topology, and the calling thread registered as a reader. 0 or -1. */
int dpf_setup(struct dpf *f, const char *name, unsigned pool_size, const struct sl_fib_config *cfg,
	const char *topology);
void dpf_teardown(struct dpf *f);

/* Apply more topology (the test thread steps out of the reader set while
 * the FIB is written). 0, -EINVAL (a bad line) or the FIB's error. */
int dpf_apply(struct dpf *f, const char *topology);
int dpf_applyf(struct dpf *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writer calls of a test's own between these two (the test thread is a
 * reader: a grace period would wait for it). */
void dpf_writer_begin(struct dpf *f);
void dpf_writer_end(struct dpf *f);

/* Zero the counters (keeping this lcore's per-VRF block) and the output. */
void dpf_reset(struct dpf *f);

/* oif of an interface; fails the test if it is unknown. */
uint16_t dpf_oif(struct dpf *f, const char *name);

/* A frame to craft: zero fields take the defaults. */
struct dpf_pkt {
	uint16_t vlan; /* 0: untagged */
	uint16_t ether_type; /* inside the tag; 0: IPv4 */
	struct rte_ether_addr dst_mac, src_mac; /* 0: 02:00:00:00:00:10, 02:aa:00:00:00:0a */
	uint32_t src, dst; /* host order */
	uint8_t ttl; /* 0: 64 */
	uint8_t version_ihl; /* 0: 0x45; more than 5 words: zeroed options */
	uint8_t proto; /* 0: UDP */
	uint16_t sport, dport; /* written at the L4 header when either is set */
	uint16_t payload; /* bytes after the IPv4 header; 0: 32 */
	uint8_t fill; /* payload byte */
	int16_t total_delta; /* added to the true total length */
	bool bad_cksum;
	uint16_t frame_len; /* 0: full; else truncate the frame to this */
};
struct rte_mbuf *dpf_craft(struct dpf *f, const struct dpf_pkt *s);

/* One burst from in_port into f->out (zeroed first); asserts that every
 * packet went exactly one way. Counters add up in f->cnt. */
void dpf_run(struct dpf *f, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);
/* Free every mbuf of f->out. */
void dpf_free_out(struct dpf *f);

/* The IPv4 header of m at offset l2. */
static inline struct rte_ipv4_hdr *dpf_ip(struct rte_mbuf *m, uint16_t l2)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
}

#endif
