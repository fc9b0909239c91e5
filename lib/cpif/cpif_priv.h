/* SPDX-License-Identifier: BSD-3-Clause */
/* cpif_priv.h — lib/cpif's state, shared by its files. */
#ifndef CPIF_PRIV_H
#define CPIF_PRIV_H

#include "sl_cpif.h"

/* One TAP, mirroring one sluice interface. */
struct cpif_tap {
	uint16_t oif;
	int fd, ifindex;
	bool up;
	char name[SL_CPIF_NAME_MAX];
	uint8_t mac[6];
	uint32_t mtu; /* 0: not set yet */
	char vrf[SL_NAME_MAX]; /* enslaved to this VRF's device; "" the default VRF */
	uint32_t table;
	uint32_t n_addrs;
	struct sl_prefix addrs[SL_CPIF_ADDRS];
};

/* Why an interface has no TAP (show). */
struct cpif_status {
	uint16_t oif;
	char name[SL_NAME_MAX], vrf[SL_NAME_MAX];
	char tap[SL_CPIF_NAME_MAX]; /* "" none */
	char why[128]; /* "" fine */
};

/* A kernel VRF device holding TAPs of one sluice VRF. */
struct cpif_vrf {
	char vrf[SL_NAME_MAX];
	char dev[SL_CPIF_NAME_MAX];
	uint32_t table;
	int ifindex;
	unsigned users; /* TAPs enslaved */
};

struct cpif_bucket {
	uint64_t tokens, last;
};

struct sl_cpif {
	struct sl_cpif_kernel k;
	sl_cpif_log_fn log;
	void *log_ctx;
	struct sl_cpif_conf conf; /* as last synced */
	int vrf_support; /* -1 not probed, 0 no, 1 yes (in conf.netns) */
	char error[160]; /* a whole-sync error (namespace), "" none */
	int last_rc; /* of the last sync */
	uint64_t ns_id; /* the namespace the TAPs are in */
	bool quiet; /* errors not logged (retries) */
	struct cpif_tap taps[SL_CPIF_MAX];
	unsigned n_taps;
	int16_t by_oif[SL_IFACE_MAX]; /* index in taps[], -1 none */
	struct cpif_vrf vrfs[SL_CPIF_MAX];
	unsigned n_vrfs;
	struct cpif_status status[SL_CPIF_MAX]; /* the interfaces of the last sync */
	unsigned n_status;
	struct cpif_bucket bucket[SL_CPIF__CLASSES];
	struct sl_cpif_counters cnt;
};

void cpif_log(struct sl_cpif *c, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cpif_vrf.c: t (just made) enslaved to w's VRF device, made if needed;
 * 0 or a negative errno with st->why set. */
int cpif_vrf_attach(struct sl_cpif *c, struct cpif_tap *t, const struct sl_cpif_want *w, char *why,
	size_t why_len);
/* t leaves its VRF device, deleted with its last TAP (in_ns: in the TAPs'
 * namespace now; else forgotten, as it goes with its namespace). */
void cpif_vrf_release(struct sl_cpif *c, const struct cpif_tap *t, bool in_ns);

#endif
