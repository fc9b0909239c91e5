/* SPDX-License-Identifier: BSD-3-Clause */
/* tele_stats.c — per-lcore counters summed on read, and /sluice/stats. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "sl_fw.h"
#include "sl_slow.h"
#include "tele_priv.h"

static void dir_add(struct sl_tele_counts *out, uint32_t from, uint32_t to, uint64_t packets)
{
	for (size_t i = 0; i < out->n_dirs; i++) {
		if (out->dirs[i].from == from && out->dirs[i].to == to) {
			out->dirs[i].packets += packets;
			return;
		}
	}
	if (out->n_dirs == SL_TELE_DIRS_MAX) {
		out->leak_other += packets;
		return;
	}
	out->dirs[out->n_dirs++] = (struct sl_tele_leak_dir){from, to, packets};
}

static int dir_cmp(const void *a, const void *b)
{
	const struct sl_tele_leak_dir *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

void sl_tele_counts_sum(
	const struct sl_dp_counters *per_lcore, size_t n, struct sl_tele_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t l = 0; l < n; l++) {
		const struct sl_dp_counters *c = &per_lcore[l];
		for (unsigned v = 0; c->vrf != NULL && v < SL_VRF_MAX; v++) {
			out->vrf[v].ipv4_rx += c->vrf[v].ipv4_rx;
			out->vrf[v].forwarded += c->vrf[v].forwarded;
			out->vrf[v].punted += c->vrf[v].punted;
		}
		out->leak_other += c->leak_other;
		for (unsigned s = 0; s < SL_DP_LEAK_SLOTS; s++) {
			/* key published after packets by the owning lcore */
			uint32_t key = __atomic_load_n(&c->leak[s].key, __ATOMIC_ACQUIRE);
			if (key != 0)
				dir_add(out, SL_DP_LEAK_FROM(key), SL_DP_LEAK_TO(key),
					c->leak[s].packets);
		}
	}
	qsort(out->dirs, out->n_dirs, sizeof(out->dirs[0]), dir_cmp);
}

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void sl_tele_counts_sub(struct sl_tele_counts *c, const struct sl_tele_counts *base)
{
	for (unsigned v = 0; v < SL_VRF_MAX; v++) {
		c->vrf[v].ipv4_rx = sub_sat(c->vrf[v].ipv4_rx, base->vrf[v].ipv4_rx);
		c->vrf[v].forwarded = sub_sat(c->vrf[v].forwarded, base->vrf[v].forwarded);
		c->vrf[v].punted = sub_sat(c->vrf[v].punted, base->vrf[v].punted);
	}
	/* both sorted by (from, to). A direction of base missing from c was
	 * pushed into leak_other by newer ones (more than SL_TELE_DIRS_MAX):
	 * its packets are taken from there. Saturating: never below zero. */
	uint64_t other = base->leak_other;
	size_t i = 0;
	for (size_t j = 0; j < base->n_dirs; j++) {
		while (i < c->n_dirs && dir_cmp(&c->dirs[i], &base->dirs[j]) < 0)
			i++;
		if (i < c->n_dirs && dir_cmp(&c->dirs[i], &base->dirs[j]) == 0)
			c->dirs[i].packets = sub_sat(c->dirs[i].packets, base->dirs[j].packets);
		else
			other += base->dirs[j].packets;
	}
	c->leak_other = sub_sat(c->leak_other, other);
}

uint64_t sl_tele_leak_packets(const struct sl_tele_counts *c, uint32_t from, uint32_t to)
{
	for (size_t i = 0; i < c->n_dirs; i++)
		if (c->dirs[i].from == from && c->dirs[i].to == to)
			return c->dirs[i].packets;
	return 0;
}

static const char *vrf_name(const struct sl_rib *rib, uint32_t id)
{
	const char *n = sl_rib_vrf_name(rib, id);
	return n ? n : "(deleted)";
}

static int stats(const struct sl_tele_src *src, char args[][TELE_ARG_LEN], unsigned n_args,
	struct rte_tel_data *d)
{
	(void)args;
	if (n_args != 0)
		return tele_error(d, "/sluice/stats takes no parameter");
	const struct sl_rib *rib = sl_router_rib_const(src->router);
	struct sl_tele_counts *c = tele_counts(src->dp);
	struct sl_dp_counters sum;
	struct rte_tel_data *vrfs = tele_dict(), *leaks = tele_dict(), *drops = tele_dict(),
			    *punts = tele_dict(), *nb;
	if (c == NULL || vrfs == NULL || leaks == NULL || drops == NULL || punts == NULL) {
		free(c);
		rte_tel_data_free(vrfs);
		rte_tel_data_free(leaks);
		rte_tel_data_free(drops);
		rte_tel_data_free(punts);
		return -ENOMEM;
	}
	sl_dp_counters_sum(src->dp, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", sum.rx);
	rte_tel_data_add_dict_u64(d, "tx", sum.tx);
	rte_tel_data_add_dict_u64(d, "forwarded", sum.forwarded);
	rte_tel_data_add_dict_u64(d, "leaked", sum.leaked);
	/* bursts the leak stage scanned: native traffic should leave it at 0 */
	rte_tel_data_add_dict_u64(d, "leak_scans", sum.leak_scans);
	for (int i = 0; i < SL_DP_DROP__COUNT; i++)
		rte_tel_data_add_dict_u64(drops, sl_dp_drop_names[i], sum.dropped[i]);
	for (int i = 0; i < SL_DP_PUNT__COUNT; i++)
		rte_tel_data_add_dict_u64(punts, sl_dp_punt_names[i], sum.punted[i]);
	rte_tel_data_add_dict_container(d, "drops", drops, 0);
	rte_tel_data_add_dict_container(d, "punts", punts, 0);
	if (src->slow != NULL && (nb = tele_dict()) != NULL) {
		struct sl_slow_stats ss;
		sl_slow_stats_get(src->slow, &ss);
		rte_tel_data_add_dict_u64(nb, "entries", ss.neighbours);
		rte_tel_data_add_dict_u64(nb, "incomplete", ss.incomplete);
		rte_tel_data_add_dict_u64(nb, "refused", ss.neigh_refused);
		rte_tel_data_add_dict_u64(nb, "arp_rate_limited", ss.arp_limited);
		rte_tel_data_add_dict_u64(nb, "icmp_rate_limited", ss.icmp_limited);
		rte_tel_data_add_dict_container(d, "neighbours", nb, 0);
	}

	/* VRFs that saw packets, in id order (bounded: the rest are counted) */
	size_t n = 0, omitted = 0;
	for (uint32_t id = 0; id < SL_VRF_MAX; id++) {
		if (c->vrf[id].ipv4_rx == 0 && c->vrf[id].forwarded == 0)
			continue;
		if (n == SL_TELE_STATS_MAX) {
			omitted++;
			continue;
		}
		struct rte_tel_data *e = tele_dict();
		if (e == NULL)
			break;
		rte_tel_data_add_dict_string(e, "vrf", vrf_name(rib, id));
		rte_tel_data_add_dict_u64(e, "id", id);
		tele_vrf_packets(e, c, id);
		tele_add_indexed(vrfs, n++, e);
	}
	rte_tel_data_add_dict_container(d, "vrfs", vrfs, 0);
	rte_tel_data_add_dict_u64(d, "vrfs_omitted", omitted);

	n = 0;
	omitted = 0;
	for (size_t i = 0; i < c->n_dirs; i++) {
		if (n == SL_TELE_STATS_MAX) {
			omitted++;
			continue;
		}
		struct rte_tel_data *e = tele_dict();
		if (e == NULL)
			break;
		rte_tel_data_add_dict_string(e, "from", vrf_name(rib, c->dirs[i].from));
		rte_tel_data_add_dict_string(e, "to", vrf_name(rib, c->dirs[i].to));
		rte_tel_data_add_dict_u64(e, "packets", c->dirs[i].packets);
		tele_add_indexed(leaks, n++, e);
	}
	rte_tel_data_add_dict_container(d, "leaks", leaks, 0);
	rte_tel_data_add_dict_u64(d, "leaks_omitted", omitted);
	rte_tel_data_add_dict_u64(d, "leak_other", c->leak_other);
	free(c);
	return 0;
}

TELE_COMMAND(stats, "/sluice/stats",
	"Packets per VRF and per leak direction, drops and punts by reason. No parameters")

/* `clear counters`: the workers', the per-VRF base, the firewall's, the slow
 * path's and the ports'. */
static int cmd_clear_counters(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argc, (void)argv, (void)json, (void)input, (void)out, (void)ctx;
	const struct sl_tele_src *src = tele_ctl_src(err);
	if (src == NULL)
		return SL_CTL_FAILED;
	sl_dp_counters_clear(src->dp);
	if (sl_tele_clear() < 0) {
		fprintf(err, "clear counters: out of memory (per-VRF counters not cleared)\n");
		return SL_CTL_FAILED;
	}
	if (src->fw != NULL)
		sl_fw_counters_clear(src->fw);
	if (src->slow != NULL)
		sl_slow_counters_clear(src->slow);
	for (uint16_t p = 0; p < rte_eth_dev_count_avail(); p++)
		rte_eth_stats_reset(p);
	return SL_CTL_OK;
}
TELE_CTL_COMMAND(cmd_clear_counters, "clear counters")
