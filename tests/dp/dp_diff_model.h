/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_diff_model.h — the model test_dp_diff.c checks sl_dp_process against:
 * a random topology (interfaces, neighbours, thousands of routes in seven
 * VRFs) kept twice, as dp_fixture topology text for the FIB and as plain
 * data here (a longest-prefix match per VRF from tests/fib/lpm_oracle.h,
 * the interfaces with their source validation and the neighbours' states),
 * and what must happen to an IPv4 packet, following the order of checks
 * sl_dp.h documents.
 */
#ifndef SL_DP_DIFF_MODEL_H
#define SL_DP_DIFF_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "../fib/lpm_oracle.h"
#include "sl_types.h"

#define DM_VRF 7 /* 0 (default) .. 6 */
#define DM_PORT 4 /* ports with tagged interfaces; port DM_PORT has eth4 alone */
#define DM_ROUTES_BIG 6000 /* VRF 1: past DM_SMALL_GROUPS, in the rte_lpm layout */
#define DM_ROUTES 1500 /* every other VRF */
#define DM_SMALL_GROUPS 3000 /* the FIB's small_groups_max */
#define DM_MEMBERS 4 /* ECMP members at most */
#define DM_HOT 4 /* ECMP prefixes per VRF that flows return to */

struct dm_if {
	char name[16];
	uint16_t port, vlan, oif; /* oif: the FIB's, set by the test */
	uint32_t vrf;
	uint32_t net; /* its /24; the router is .1 */
	bool up;
	uint8_t sv; /* enum sl_src_valid: the check of its packets' sources */
	struct rte_ether_addr mac;
};

enum { NB_UNKNOWN, NB_RESOLVED, NB_PENDING };
struct dm_nb {
	uint16_t ifx; /* index in dm.ifs */
	uint32_t ip;
	uint8_t state;
	struct rte_ether_addr mac;
};

/* What a route does. */
enum { A_GW, A_CONN, A_LOCAL, A_BH, A_LEAK, A_ECMP };
struct dm_act {
	uint8_t type, n; /* n: ECMP members */
	uint16_t ifx[DM_MEMBERS]; /* GW, CONN, LOCAL: [0] */
	uint32_t gw[DM_MEMBERS];
	uint32_t to; /* LEAK */
};

struct dm_model {
	struct dm_if ifs[32];
	unsigned n_ifs;
	struct dm_nb nbs[32 * 14];
	unsigned n_nbs;
	struct dm_act *acts; /* never changed once made: a route re-pointed gets another */
	size_t n_acts, cap_acts;
	struct lpm_oracle lpm[DM_VRF]; /* value: action index */
	int dflt[DM_VRF]; /* the default route's action, -1: none */
	struct sl_prefix hot[DM_VRF][DM_HOT];
	unsigned n_hot[DM_VRF];
};
extern struct dm_model dm;

/* One thing that may happen to a packet. */
enum { K_TX, K_PUNT, K_DROP };
struct dm_fate {
	uint8_t kind;
	uint8_t why; /* enum sl_dp_punt or sl_dp_drop */
	int8_t also_dropped; /* a punt counted as a drop too (no route, TTL): its reason, else -1 */
	uint16_t ifx; /* TX, UNRESOLVED: the egress interface */
	uint32_t nh_ip; /* UNRESOLVED */
	struct rte_ether_addr dmac; /* TX */
};

/* What may happen to a packet: one fate, or one per ECMP member that can take it. */
struct dm_pred {
	bool leaked; /* the first lookup was a redirect */
	int act; /* the action that decided, -1: none */
	unsigned n_fates;
	struct dm_fate fate[DM_MEMBERS + 1];
};

/* Seed the model's generator; empty model. */
void dm_init(uint64_t seed);
void dm_fini(void);
uint32_t dm_rnd(void);

/* The whole topology as dp_fixture text (malloc'd), the model alongside. */
char *dm_build(void);
/* Routes deleted, re-pointed and added, neighbours changed, an interface's
 * source validation now and then: the text of it. */
char *dm_churn(void);

const struct dm_nb *dm_nb_find(unsigned ifx, uint32_t ip);
uint8_t dm_nb_state(unsigned ifx, uint32_t ip);

/* A destination for a packet into vrf; *flow: one of 8 flows to a hot ECMP
 * prefix (the test fixes its source and ports by the flow), else UINT32_MAX. */
uint32_t dm_pick_dst(uint32_t vrf, uint32_t *flow);

/* A source for a packet into interface ifx: its subnet's hosts, the
 * router, a route's or another VRF's address, or anywhere (no martian). */
uint32_t dm_pick_src(unsigned ifx);
/* Does source src pass the source validation of interface ifx? */
bool dm_src_ok(unsigned ifx, uint32_t src);

/* What must happen to an IPv4 packet (header valid, source validated)
 * entering vrf for dst. */
void dm_predict(struct dm_pred *p, uint32_t vrf, uint32_t dst, uint8_t ttl, bool icmp_answer);
struct dm_fate dm_fate_drop(uint8_t why);
struct dm_fate dm_fate_punt(uint8_t why, int8_t also);

void dm_ip_str(uint32_t ip, char *s); /* s: 16 bytes */

#endif
