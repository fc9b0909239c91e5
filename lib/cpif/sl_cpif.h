/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_cpif.h — control-plane interfaces: a kernel TAP for each interface of
 * the default VRF (same name with a prefix, same MAC, MTU and IPv4 addresses,
 * link up while the interface is), so that a routing daemon beside sluiced
 * (FRR's bgpd, ospfd) speaks through sluice's own ports. Where the kernel
 * has VRF devices, a VRF's interfaces get TAPs too, enslaved to a VRF
 * device (PREFIX + the VRF's name, the VRF's table id; cpif_vrf.c);
 * without them (probed once per namespace) they get none, and say so.
 *
 * - Sync (plain C, cpif_sync.c): after every commit the TAPs follow the
 *   interfaces (created, addresses added and removed, deleted). Kernel
 *   calls go through struct sl_cpif_kernel (cpif_kernel.c is Linux's;
 *   tests give a fake).
 * - Punt (cpif_punt.c, plain C on bytes): lib/slow hands up what it does
 *   not answer itself (TCP, UDP, OSPF, ICMP other than echo requests, ARP
 *   replies); each class passes a token bucket of its own, so a flood of
 *   one class cannot starve BGP.
 * - The "cpif" module (cpif_module.c, DPDK, library sl_cpif_module): moves
 *   the mbufs — to the TAP, and what the kernel writes to a TAP out of the
 *   interface's port on the control thread's tx queue; registers `show
 *   control-plane`. It sees the configuration only as struct sl_cpif_conf.
 *
 * A plain TUN/TAP fd read by the control thread (not DPDK's net_tap): the
 * workers never see it, no DPDK port appears or disappears with the
 * configuration, and the punt path already runs on that thread.
 * One thread calls every function.
 */
#ifndef SL_CPIF_H
#define SL_CPIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_types.h"

struct sl_conf; /* lib/conf: read by cpif_conf.c only */

#define SL_CPIF_MAX 256 /* TAPs at most (default-VRF interfaces) */
#define SL_CPIF_ADDRS 8 /* addresses per interface (SL_FIB_IFACE_ADDRS) */
#define SL_CPIF_NAME_MAX 16 /* IFNAMSIZ */

/* Punt classes, each with its own rate limit. */
#define SL_CPIF_CLASSES(X)                                                 \
	X(BGP, "bgp", 10000) /* TCP to or from port 179 */                 \
	X(OSPF, "ospf", 1000) /* IP protocol 89 */                         \
	X(TCP, "tcp", 1000) /* any other TCP */                            \
	X(UDP, "udp", 1000)                                                \
	X(ICMP, "icmp", 100) /* echo replies, errors: not echo requests */ \
	X(ARP, "arp", 100) /* replies to the kernel's requests */          \
	X(OTHER, "other", 100) /* any other IP protocol */
enum sl_cpif_class {
#define X(e, s, r) SL_CPIF_##e,
	SL_CPIF_CLASSES(X)
#undef X
		SL_CPIF__CLASSES
};
extern const char *const sl_cpif_class_names[SL_CPIF__CLASSES];
extern const uint32_t sl_cpif_rate_default[SL_CPIF__CLASSES];

/* `system control-plane interfaces`. */
struct sl_cpif_conf {
	bool enabled;
	char prefix[8]; /* default "cp-" */
	char netns[64]; /* "": sluiced's own namespace */
	uint32_t rate[SL_CPIF__CLASSES]; /* packets a second, as large a burst */
};
void sl_cpif_conf_read(const struct sl_conf *c, struct sl_cpif_conf *out);

/* One sluice interface as the TAPs should mirror it. */
struct sl_cpif_want {
	uint16_t oif;
	char name[SL_NAME_MAX]; /* ethN, ethN.VLAN */
	char vrf[SL_NAME_MAX]; /* "default" or the VRF's name */
	bool default_vrf;
	uint32_t table; /* the VRF's kernel table id */
	bool up;
	uint8_t mac[6];
	uint32_t mtu; /* 0: leave the kernel's */
	uint32_t n_addrs;
	struct sl_prefix addrs[SL_CPIF_ADDRS]; /* host order, host bits set */
};

/* The kernel: 0 or a negative errno each. */
struct sl_cpif_kernel {
	/* enter netns ("" none) for the calls up to leave */
	int (*enter)(void *ctx, const char *netns);
	void (*leave)(void *ctx);
	/* which namespace netns names now (an inode; "" 0): one deleted and
	 * made again under the same name is another */
	int (*ns_id)(void *ctx, const char *netns, uint64_t *id);
	/* 1: VRF devices can be made, 0: not (a probe, once per namespace) */
	int (*vrf_probe)(void *ctx);
	int (*tap_create)(void *ctx, const char *name, int *fd, int *ifindex);
	void (*tap_destroy)(void *ctx, int fd, int ifindex);
	int (*set_mac)(void *ctx, int ifindex, const uint8_t mac[6]);
	int (*set_up)(void *ctx, int ifindex, bool up);
	int (*set_mtu)(void *ctx, int ifindex, uint32_t mtu);
	int (*addr)(void *ctx, int ifindex, bool add, struct sl_prefix p);
	/* where VRF devices exist: one made (link up), deleted, a master set */
	int (*vrf_create)(void *ctx, const char *name, uint32_t table, int *ifindex);
	void (*link_destroy)(void *ctx, int ifindex);
	int (*set_master)(void *ctx, int ifindex, int master);
	void *ctx;
};
/* Linux's (cpif_kernel.c); ctx is set by sl_cpif_kernel_linux. */
void sl_cpif_kernel_linux(struct sl_cpif_kernel *k);

typedef void (*sl_cpif_log_fn)(void *ctx, bool error, const char *msg);

struct sl_cpif;

/* NULL on out of memory. k is copied. */
struct sl_cpif *sl_cpif_new(const struct sl_cpif_kernel *k, sl_cpif_log_fn log, void *log_ctx);
/* Destroys every TAP. */
void sl_cpif_free(struct sl_cpif *c);

/* Make the TAPs mirror want[0..n) under conf: 0, or the first error (each
 * interface's is kept for show; the others are still synced). */
int sl_cpif_sync(struct sl_cpif *c, const struct sl_cpif_conf *conf,
	const struct sl_cpif_want *want, unsigned n);

/* The last sync failed somewhere (a namespace not there yet, a name
 * taken): the caller retries now and then with quiet set (errors already
 * logged once stay in show only). */
bool sl_cpif_failed(const struct sl_cpif *c);
void sl_cpif_quiet(struct sl_cpif *c, bool quiet);

/* The namespace's name now names another namespace, or none (`ip netns
 * del`; the TAPs keep the old one alive): the TAPs are removed and the sync
 * counts as failed, so that a retry makes them in the new one. Call now and
 * then. */
void sl_cpif_check(struct sl_cpif *c);

/* oif's TAP stopped working (read failed: its namespace was deleted):
 * closed and forgotten, and the sync counts as failed (so it is retried). */
void sl_cpif_tap_lost(struct sl_cpif *c, uint16_t oif, int err);

/* The TAP of interface oif: its fd, or -1 when it has none. */
int sl_cpif_fd(const struct sl_cpif *c, uint16_t oif);
/* The oif of the i-th TAP (i < sl_cpif_count) and its fd. */
unsigned sl_cpif_count(const struct sl_cpif *c);
int sl_cpif_tap_at(const struct sl_cpif *c, unsigned i, uint16_t *oif);

/* The class of a packet for the router: l3 at its IPv4 header (len bytes),
 * or an ARP packet when arp. */
enum sl_cpif_class sl_cpif_classify(const uint8_t *l3, size_t len, bool arp);
/* One packet of class k may go up at TSC now (hz a second): its bucket
 * had a token; else it is counted in limited[k]. */
bool sl_cpif_admit(struct sl_cpif *c, enum sl_cpif_class k, uint64_t now, uint64_t hz);

/* Counters (the punt path counts, show prints). */
struct sl_cpif_counters {
	uint64_t passed[SL_CPIF__CLASSES]; /* written to a TAP */
	uint64_t limited[SL_CPIF__CLASSES]; /* dropped by the class's rate limit */
	uint64_t write_failed; /* the TAP did not take it (queue full) */
	uint64_t from_kernel; /* frames the kernel wrote, sent on a port */
	uint64_t from_kernel_ignored; /* not IPv4 or ARP (the kernel's IPv6) */
	uint64_t from_kernel_dropped; /* no mbuf, interface down, port refused */
};
struct sl_cpif_counters *sl_cpif_counters(struct sl_cpif *c);
const struct sl_cpif_conf *sl_cpif_conf(const struct sl_cpif *c);

/* `show control-plane` (text or JSON). */
void sl_cpif_show(const struct sl_cpif *c, FILE *out, bool json);

/*
 * The "cpif" module (cpif_module.c; DPDK). The daemon wires it once, before
 * sl_module_init_all, with where its sources will be (they are made by the
 * modules it needs: fib slow ctl). One thread calls everything.
 */
struct rte_ether_addr;
struct rte_mbuf;
struct rte_mempool;
struct sl_fib;
struct sl_router;
struct sl_slow;
struct sl_cpif_wiring {
	struct sl_router *const *router;
	struct sl_fib *const *fib;
	struct sl_slow *const *slow;
	struct rte_mempool *const *pool; /* frames from the kernel */
	const uint16_t *n_ports; /* ports probed */
	const uint64_t *hz; /* TSC ticks a second */
	/* send m out of port on the control thread's queue: true when sent
	 * (m is the driver's), false when not (m is still the caller's) */
	bool (*tx)(void *ctx, uint16_t port, struct rte_mbuf *m);
	void *tx_ctx;
};
void sl_cpif_module_wire(const struct sl_cpif_wiring *w);
/* The TAPs follow the configuration and the FIB's interfaces (after each
 * commit): 0, or the first error (logged). */
int sl_cpif_module_sync(void);
/* m (l3 at its data, l2_len bytes of the received L2 header before it)
 * with a plain Ethernet header as the kernel's TAP wants it: to if_mac (a
 * multicast destination as received), from the received source, type ARP
 * or IPv4. The frame (at most buf_max bytes, *len) at the result (in m or
 * copied to buf), or NULL: no room for the header. */
const void *sl_cpif_frame_up(struct rte_mbuf *m, uint16_t l2_len,
	const struct rte_ether_addr *if_mac, bool arp, void *buf, uint32_t buf_max, uint32_t *len);

#define SL_CPIF_NO_VRF_MSG "control-plane interface needs kernel VRF support (not available)"

#endif
