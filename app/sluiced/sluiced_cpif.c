/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_cpif.c — the "cpif" module: control-plane interfaces (lib/cpif)
 * wired to the daemon. The TAPs follow the FIB's interface map after each
 * commit; lib/slow's local hook writes the router's packets that sluice
 * does not answer itself to the ingress interface's TAP (rate-limited per
 * class); each control loop reads what the kernel wrote and sends it out of
 * the interface's port on the control thread's tx queue (as lib/slow sends).
 * ARP: the kernel resolves its own neighbours — its requests go out, the
 * replies reach both lib/slow's table and the TAP. `show control-plane`.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "sl_cpif.h"
#include "sluiced.h"

#define FROM_KERNEL_BURST 32 /* frames read from one TAP per control loop */
#define FRAME_MAX 9216
#define RETRY_S 2 /* namespace checked, a failed sync retried, this often */

static struct sl_cpif *cpif;
static uint64_t next_retry;
static struct sl_cpif_want wants[SL_CPIF_MAX];

static void cpif_log(void *ctx, bool error, const char *msg)
{
	(void)ctx;
	if (error)
		SD_LOG(ERR, "%s", msg);
	else
		SD_LOG(NOTICE, "%s", msg);
}

/* The FIB learns which interfaces have a TAP: their link-local multicast
 * (OSPF) is punted up instead of dropped as a martian. */
static void taps_publish(struct sd *s)
{
	static uint8_t on[SL_FIB_IFACE_MAX];
	memset(on, 0, sizeof(on));
	for (unsigned i = 0; cpif != NULL && i < sl_cpif_count(cpif); i++) {
		uint16_t oif;
		if (sl_cpif_tap_at(cpif, i, &oif) >= 0 && oif < SL_FIB_IFACE_MAX)
			on[oif] = 1;
	}
	if (sl_fib_iface_set_cp_tap(s->fib, on, SL_FIB_IFACE_MAX) < 0)
		SD_LOG(ERR, "control-plane: cannot publish the interface map: out of memory");
}

int sd_cpif_sync(struct sd *s)
{
	if (cpif == NULL)
		return 0;
	struct sl_cpif_conf conf;
	sl_cpif_conf_read(sl_router_conf(s->router), &conf);
	const struct sl_fib_ifmap *m = sl_fib_ifmap(s->fib);
	const struct sl_rib *rib = sl_router_rib_const(s->router);
	unsigned n = 0;
	for (uint16_t oif = 0; oif < m->n_ifs && n < SL_CPIF_MAX && conf.enabled; oif++) {
		const struct sl_fib_iface *f = &m->ifs[oif];
		if (!f->present || f->port >= s->n_ports)
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
	taps_publish(s);
	return rc;
}

/* lib/slow's local hook: up the ingress interface's TAP, if it has one. */
static bool to_kernel(void *ctx, struct rte_mbuf *m, const struct sl_dp_meta *meta, bool arp)
{
	struct sd *s = ctx;
	int fd = sl_cpif_fd(cpif, meta->in_oif);
	if (fd < 0 || m->data_off < meta->l2_len)
		return false;
	struct sl_cpif_counters *cnt = sl_cpif_counters(cpif);
	enum sl_cpif_class k = sl_cpif_classify(
		rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), arp);
	if (!sl_cpif_admit(cpif, k, rte_get_tsc_cycles(), s->hz)) {
		rte_pktmbuf_free(m);
		return true;
	}
	/* a plain Ethernet header (a vif's tag is sluice's business): the
	 * sender's MAC from the received one, still in the headroom */
	struct rte_ether_addr src;
	memcpy(&src, rte_pktmbuf_mtod(m, uint8_t *) - meta->l2_len + RTE_ETHER_ADDR_LEN,
		sizeof(src));
	struct rte_ether_hdr *eth =
		(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	const struct sl_fib_iface *f = &sl_fib_ifmap(s->fib)->ifs[meta->in_oif];
	if (eth == NULL) {
		cnt->write_failed++;
		rte_pktmbuf_free(m);
		return true;
	}
	/* to the interface's MAC; a multicast one (OSPF's) as received, so
	 * the kernel sees a multicast frame */
	memmove(&eth->dst_addr, rte_pktmbuf_mtod(m, uint8_t *) + sizeof(*eth) - meta->l2_len,
		sizeof(eth->dst_addr));
	if (!rte_is_multicast_ether_addr(&eth->dst_addr))
		eth->dst_addr = f->mac;
	eth->src_addr = src;
	eth->ether_type = rte_cpu_to_be_16(arp ? RTE_ETHER_TYPE_ARP : RTE_ETHER_TYPE_IPV4);
	static uint8_t frame[FRAME_MAX];
	const void *p = rte_pktmbuf_read(m, 0, RTE_MIN(m->pkt_len, (uint32_t)FRAME_MAX), frame);
	if (p != NULL && write(fd, p, RTE_MIN(m->pkt_len, (uint32_t)FRAME_MAX)) > 0)
		cnt->passed[k]++;
	else
		cnt->write_failed++;
	rte_pktmbuf_free(m);
	return true;
}

/* One frame the kernel wrote to oif's TAP: out of oif's port. */
static bool from_kernel(struct sd *s, uint16_t oif, const uint8_t *frame, size_t len, uint16_t type)
{
	const struct sl_fib_iface *f = &sl_fib_ifmap(s->fib)->ifs[oif];
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)frame;
	if (!f->up || f->port >= s->n_ports)
		return false;
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
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
	if (s->ctl_txq >= s->ports[f->port].n_txq ||
		rte_eth_tx_burst(f->port, s->ctl_txq, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

static unsigned cpif_poll(void *ctx)
{
	struct sd *s = ctx;
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
				taps_publish(s);
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
			else if (from_kernel(s, oif, frame, (size_t)n, type))
				cnt->from_kernel++;
			else
				cnt->from_kernel_dropped++;
		}
	}
	return done;
}

static void cpif_timers(void *ctx)
{
	struct sd *s = ctx;
	uint64_t now = rte_get_tsc_cycles();
	if (now < next_retry)
		return;
	next_retry = now + RETRY_S * s->hz;
	sl_cpif_check(cpif);
	if (!sl_cpif_failed(cpif))
		return;
	taps_publish(s); /* the namespace went: its TAPs with it */
	sl_cpif_quiet(cpif, true);
	if (sd_cpif_sync(s) == 0)
		SD_LOG(NOTICE, "control-plane: interfaces in place (retried)");
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
	struct sd *s = ctx;
	if (s->slow != NULL)
		sl_slow_local_hook_set(s->slow, NULL, NULL);
	sl_cpif_free(cpif);
	cpif = NULL;
	if (s->fib != NULL)
		taps_publish(s);
}

/* A TAP that cannot be made says so in the log and `show control-plane`:
 * sluiced starts all the same. */
static int cpif_init(void *ctx)
{
	struct sd *s = ctx;
	struct sl_cpif_kernel k;
	sl_cpif_kernel_linux(&k);
	cpif = sl_cpif_new(&k, cpif_log, s);
	int rc = cpif == NULL ? -ENOMEM : sl_ctl_register("show control-plane", cmd_show_cp, s);
	if (rc < 0) {
		fprintf(stderr, "sluiced: cannot set up control-plane interfaces: %s\n",
			strerror(-rc));
		cpif_fini(s);
		return rc;
	}
	sl_slow_local_hook_set(s->slow, to_kernel, s);
	sd_cpif_sync(s);
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
