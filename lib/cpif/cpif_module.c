/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpif_module.c — the "cpif" module (DPDK): the TAPs follow the FIB's
 * interface map after each commit; lib/slow's local hook writes the router's
 * packets that sluice does not answer itself to the ingress interface's TAP
 * (rate-limited per class); each control loop reads what the kernel wrote
 * and sends it out of the interface's port through the wiring's tx (the
 * control thread's queue, as lib/slow sends). ARP: the kernel resolves its
 * own neighbours — its requests go out, the replies reach both lib/slow's
 * table and the TAP. `show control-plane`.
 *
 * The configuration comes as struct sl_cpif_conf (cpif_conf.c, plain C):
 * this file never reads the configuration tree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sl_commit.h"
#include "sl_cpif.h"
#include "sl_ctl.h"
#include "sl_dp.h"
#include "sl_fib.h"
#include "sl_log.h"
#include "sl_module.h"
#include "sl_slow.h"

#define FROM_KERNEL_BURST 32 /* frames read from one TAP per control loop */
#define FRAME_MAX 9216
#define RETRY_S 2 /* namespace checked, a failed sync retried, this often */

static struct sl_cpif_wiring wire;
static struct sl_cpif *cpif;
static uint64_t next_retry;
static struct sl_cpif_want wants[SL_CPIF_MAX];

void sl_cpif_module_wire(const struct sl_cpif_wiring *w)
{
	wire = *w;
}

static void cpif_log(void *ctx, bool error, const char *msg)
{
	(void)ctx;
	sl_log(error ? SL_LOG_ERR : SL_LOG_NOTICE, NULL, "%s", msg);
}

/* The FIB learns which interfaces have a TAP: their link-local multicast
 * (OSPF) is punted up instead of dropped as a martian. */
static void taps_publish(void)
{
	static uint8_t on[SL_FIB_IFACE_MAX];
	memset(on, 0, sizeof(on));
	for (unsigned i = 0; cpif != NULL && i < sl_cpif_count(cpif); i++) {
		uint16_t oif;
		if (sl_cpif_tap_at(cpif, i, &oif) >= 0 && oif < SL_FIB_IFACE_MAX)
			on[oif] = 1;
	}
	if (sl_fib_iface_set_cp_tap(*wire.fib, on, SL_FIB_IFACE_MAX) < 0)
		sl_log(SL_LOG_ERR, NULL,
			"control-plane: cannot publish the interface map: out of memory");
}

int sl_cpif_module_sync(void)
{
	if (cpif == NULL)
		return 0;
	struct sl_router *router = *wire.router;
	struct sl_cpif_conf conf;
	sl_cpif_conf_read(sl_router_conf(router), &conf);
	const struct sl_fib_ifmap *m = sl_fib_ifmap(*wire.fib);
	const struct sl_rib *rib = sl_router_rib_const(router);
	unsigned n = 0;
	for (uint16_t oif = 0; oif < m->n_ifs && n < SL_CPIF_MAX && conf.enabled; oif++) {
		const struct sl_fib_iface *f = &m->ifs[oif];
		if (!f->present || f->port >= *wire.n_ports)
			continue;
		struct sl_cpif_want *w = &wants[n++];
		memset(w, 0, sizeof(*w));
		w->oif = oif;
		snprintf(w->name, sizeof(w->name), "%s", f->name);
		const char *vrf = sl_rib_vrf_name(rib, f->vrf_id);
		struct sl_vrf_info vi;
		snprintf(w->vrf, sizeof(w->vrf), "%s", vrf ? vrf : "?");
		w->table = vrf != NULL && sl_rib_vrf_info(rib, vrf, &vi) == 0 ? vi.table : 0;
		w->default_vrf = f->vrf_id == 0;
		w->up = f->up;
		w->mtu = f->mtu;
		memcpy(w->mac, f->mac.addr_bytes, 6);
		w->n_addrs = RTE_MIN(f->n_addrs, (uint32_t)SL_CPIF_ADDRS);
		memcpy(w->addrs, f->addrs, w->n_addrs * sizeof(w->addrs[0]));
	}
	int rc = sl_cpif_sync(cpif, &conf, wants, n);
	taps_publish();
	return rc;
}

const void *sl_cpif_frame_up(struct rte_mbuf *m, uint16_t l2_len,
	const struct rte_ether_addr *if_mac, bool arp, void *buf, uint32_t buf_max, uint32_t *len)
{
	if (m->data_off < l2_len)
		return NULL;
	/* a plain Ethernet header (a vif's tag is sluice's business): the
	 * sender's MAC from the received one, still in the headroom */
	struct rte_ether_addr src;
	memcpy(&src, rte_pktmbuf_mtod(m, uint8_t *) - l2_len + RTE_ETHER_ADDR_LEN, sizeof(src));
	struct rte_ether_hdr *eth =
		(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	if (eth == NULL)
		return NULL;
	/* to the interface's MAC; a multicast one (OSPF's) as received, so
	 * the kernel sees a multicast frame */
	memmove(&eth->dst_addr, rte_pktmbuf_mtod(m, uint8_t *) + sizeof(*eth) - l2_len,
		sizeof(eth->dst_addr));
	if (!rte_is_multicast_ether_addr(&eth->dst_addr))
		eth->dst_addr = *if_mac;
	eth->src_addr = src;
	eth->ether_type = rte_cpu_to_be_16(arp ? RTE_ETHER_TYPE_ARP : RTE_ETHER_TYPE_IPV4);
	*len = RTE_MIN(m->pkt_len, buf_max);
	return rte_pktmbuf_read(m, 0, *len, buf);
}

/* lib/slow's local hook: up the ingress interface's TAP, if it has one. */
static bool to_kernel(void *ctx, struct rte_mbuf *m, const struct sl_dp_meta *meta, bool arp)
{
	(void)ctx;
	int fd = sl_cpif_fd(cpif, meta->in_oif);
	if (fd < 0 || m->data_off < meta->l2_len)
		return false;
	struct sl_cpif_counters *cnt = sl_cpif_counters(cpif);
	enum sl_cpif_class k = sl_cpif_classify(
		rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), arp);
	if (!sl_cpif_admit(cpif, k, rte_get_tsc_cycles(), *wire.hz)) {
		rte_pktmbuf_free(m);
		return true;
	}
	static uint8_t frame[FRAME_MAX];
	const struct sl_fib_iface *f = &sl_fib_ifmap(*wire.fib)->ifs[meta->in_oif];
	uint32_t len;
	const void *p = sl_cpif_frame_up(m, meta->l2_len, &f->mac, arp, frame, FRAME_MAX, &len);
	if (p != NULL && write(fd, p, len) > 0)
		cnt->passed[k]++;
	else
		cnt->write_failed++;
	rte_pktmbuf_free(m);
	return true;
}

/* One frame the kernel wrote to oif's TAP: out of oif's port. */
static bool from_kernel(uint16_t oif, const uint8_t *frame, size_t len, uint16_t type)
{
	const struct sl_fib_iface *f = &sl_fib_ifmap(*wire.fib)->ifs[oif];
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)frame;
	if (!f->up || f->port >= *wire.n_ports)
		return false;
	struct rte_mbuf *m = rte_pktmbuf_alloc(*wire.pool);
	if (m == NULL)
		return false;
	size_t l3 = len - RTE_ETHER_HDR_LEN;
	char *d = rte_pktmbuf_append(m, (uint16_t)RTE_MIN(l3, (size_t)UINT16_MAX));
	if (d == NULL || l3 > UINT16_MAX ||
		sl_dp_l2_write(m, 0, f, sl_fib_mac_to_l2(&eth->dst_addr), type) < 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	memcpy(d, frame + RTE_ETHER_HDR_LEN, l3);
	if (!wire.tx(wire.tx_ctx, f->port, m)) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

static unsigned cpif_poll(void *ctx)
{
	(void)ctx;
	static uint8_t frame[FRAME_MAX];
	unsigned done = 0;
	struct sl_cpif_counters *cnt = sl_cpif_counters(cpif);
	for (unsigned i = 0; i < sl_cpif_count(cpif); i++) {
		uint16_t oif;
		int fd = sl_cpif_tap_at(cpif, i, &oif);
		for (unsigned b = 0; b < FROM_KERNEL_BURST; b++) {
			ssize_t n = read(fd, frame, sizeof(frame));
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				sl_cpif_tap_lost(cpif, oif, errno); /* i is another TAP now */
				taps_publish();
				i--;
				break;
			}
			if (n <= 0)
				break;
			done++;
			uint16_t type =
				n < RTE_ETHER_HDR_LEN ? 0 : (uint16_t)(frame[12] << 8 | frame[13]);
			if (type != RTE_ETHER_TYPE_IPV4 && type != RTE_ETHER_TYPE_ARP)
				cnt->from_kernel_ignored++; /* IPv6, tagged: not sluice's */
			else if (from_kernel(oif, frame, (size_t)n, type))
				cnt->from_kernel++;
			else
				cnt->from_kernel_dropped++;
		}
	}
	return done;
}

static void cpif_timers(void *ctx)
{
	(void)ctx;
	uint64_t now = rte_get_tsc_cycles();
	if (now < next_retry)
		return;
	next_retry = now + RETRY_S * *wire.hz;
	sl_cpif_check(cpif);
	if (!sl_cpif_failed(cpif))
		return;
	taps_publish(); /* the namespace went: its TAPs with it */
	sl_cpif_quiet(cpif, true);
	if (sl_cpif_module_sync() == 0)
		sl_log(SL_LOG_NOTICE, NULL, "control-plane: interfaces in place (retried)");
	sl_cpif_quiet(cpif, false);
}

static int cmd_show_cp(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argv, (void)input, (void)ctx;
	if (argc != 2) {
		fprintf(err, "usage: show control-plane\n");
		return SL_CTL_USAGE;
	}
	sl_cpif_show(cpif, out, json);
	return SL_CTL_OK;
}

static void cpif_fini(void *ctx)
{
	(void)ctx;
	if (*wire.slow != NULL)
		sl_slow_local_hook_set(*wire.slow, NULL, NULL);
	sl_cpif_free(cpif);
	cpif = NULL;
	if (*wire.fib != NULL)
		taps_publish();
}

/* A TAP that cannot be made says so in the log and `show control-plane`:
 * sluiced starts all the same. */
static int cpif_init(void *ctx)
{
	if (wire.fib == NULL) {
		sl_log(SL_LOG_ERR, NULL, "control-plane: module not wired (sl_cpif_module_wire)");
		return -EINVAL;
	}
	struct sl_cpif_kernel k;
	sl_cpif_kernel_linux(&k);
	cpif = sl_cpif_new(&k, cpif_log, NULL);
	int rc = cpif == NULL ? -ENOMEM : sl_ctl_register("show control-plane", cmd_show_cp, NULL);
	if (rc < 0) {
		fprintf(stderr, "sluiced: cannot set up control-plane interfaces: %s\n",
			strerror(-rc));
		cpif_fini(ctx);
		return rc;
	}
	sl_slow_local_hook_set(*wire.slow, to_kernel, NULL);
	sl_cpif_module_sync();
	return 0;
}

static struct sl_module cpif_module = {
	.name = "cpif",
	.deps = "fib slow ctl",
	.init = cpif_init,
	.fini = cpif_fini,
	.poll = cpif_poll,
	.timers = cpif_timers,
};
SL_MODULE_REGISTER(cpif_module)
