/* SPDX-License-Identifier: BSD-3-Clause */
/* show_ct.c — `show conntrack [vrf NAME]` and `show nat translations [vrf
 * NAME]`: the leak points' tracked and translated flows, as the forwarding
 * plane lists them (struct sl_show_fw_live). */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include "show_priv.h"

static void emit(FILE *out, json_t *j)
{
	json_dumpf(j, out, JSON_COMPACT);
	fputc('\n', out);
	json_decref(j);
}

struct ct_show {
	const struct sl_rib *rib;
	json_t *arr;
};

static const char *proto_name(uint8_t p, char *buf)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	default:
		snprintf(buf, 8, "%u", p);
		return buf;
	}
}

static int ct_cb(const struct sl_fw_ct_flow *f, void *ctx)
{
	struct ct_show *c = ctx;
	char a0[16], a1[16], pb[8];
	const char *v0 = sl_rib_vrf_name(c->rib, f->vrf[0]);
	const char *v1 = sl_rib_vrf_name(c->rib, f->vrf[1]);
	json_array_append_new(c->arr,
		json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:b, s:i, s:i}", "protocol",
			proto_name(f->proto, pb), "source", sl_addr_fmt(f->addr[0], a0),
			"sourceVrf", v0 ? v0 : "?", "sourcePort", f->port[0], "destination",
			sl_addr_fmt(f->addr[1], a1), "destinationVrf", v1 ? v1 : "?",
			"destinationPort", f->port[1], "state", f->state, "replied", f->replied,
			"ageSeconds", (int)f->age_s, "expiresSeconds", (int)f->expires_s));
	return 0;
}

/* `[vrf NAME]`: the VRF's id in *vrf (UINT32_MAX: none given). */
static int vrf_arg(
	const struct sl_rib *rib, const char *cmd, int argc, char **argv, uint32_t *vrf, FILE *err)
{
	*vrf = UINT32_MAX;
	if (argc == 2 && strcmp(argv[0], "vrf") == 0) {
		struct sl_vrf_info vi;
		if (sl_rib_vrf_info(rib, argv[1], &vi) < 0) {
			fprintf(err, "show %s: VRF '%s' does not exist\n", cmd, argv[1]);
			return -ESRCH;
		}
		*vrf = vi.id;
	} else if (argc != 0) {
		fprintf(err, "usage: show %s [vrf NAME]\n", cmd);
		return -EINVAL;
	}
	return 0;
}

int sl_show_conntrack(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err)
{
	const struct sl_rib *rib = sl_router_rib_const(r);
	uint32_t vrf;
	if (live == NULL || live->ct_foreach == NULL || live->summary == NULL) {
		fprintf(err, "show conntrack: only a running sluiced tracks flows\n");
		return -ENOTSUP;
	}
	int rc = vrf_arg(rib, "conntrack", argc, argv, &vrf, err);
	if (rc < 0)
		return rc;
	struct ct_show c = {.rib = rib, .arr = json_array()};
	if (c.arr == NULL)
		return -ENOMEM;
	live->ct_foreach(live->ctx, vrf, SL_SHOW_CT_MAX, ct_cb, &c);
	struct sl_show_fw_summary st;
	live->summary(live->ctx, &st);
	size_t shown = json_array_size(c.arr);
	bool truncated = shown == SL_SHOW_CT_MAX && st.ct_entries > SL_SHOW_CT_MAX;
	if (json) {
		emit(out, json_pack("{s:o, s:i, s:i, s:b, s:I}", "flows", c.arr, "entries",
				  (int)st.ct_entries, "max", (int)st.ct_max, "truncated", truncated,
				  "conntrackFull", (json_int_t)st.ct_full));
		return 0;
	}
	fprintf(out, "%-5s %-36s %-36s %-12s %7s\n", "Proto", "Source (VRF)", "Destination (VRF)",
		"State", "Expires");
	size_t i;
	json_t *f;
	json_array_foreach(c.arr, i, f)
	{
		char src[64], dst[64];
		snprintf(src, sizeof(src), "%s:%d (%s)",
			json_string_value(json_object_get(f, "source")),
			(int)json_integer_value(json_object_get(f, "sourcePort")),
			json_string_value(json_object_get(f, "sourceVrf")));
		snprintf(dst, sizeof(dst), "%s:%d (%s)",
			json_string_value(json_object_get(f, "destination")),
			(int)json_integer_value(json_object_get(f, "destinationPort")),
			json_string_value(json_object_get(f, "destinationVrf")));
		fprintf(out, "%-5s %-36s %-36s %-12s %6ds\n",
			json_string_value(json_object_get(f, "protocol")), src, dst,
			json_string_value(json_object_get(f, "state")),
			(int)json_integer_value(json_object_get(f, "expiresSeconds")));
	}
	fprintf(out,
		"%zu flow(s) shown%s; %" PRIu64 " of %" PRIu64 " tracked; %" PRIu64
		" new flows dropped (conntrack_full)\n",
		shown, truncated ? " (output limited)" : "", st.ct_entries, st.ct_max, st.ct_full);
	json_decref(c.arr);
	return 0;
}

static int nat_cb(const struct sl_fw_nat_flow *f, void *ctx)
{
	struct ct_show *c = ctx;
	char a0[16], a1[16], an[16], pb[8];
	const char *v0 = sl_rib_vrf_name(c->rib, f->vrf[0]);
	const char *v1 = sl_rib_vrf_name(c->rib, f->vrf[1]);
	json_array_append_new(c->arr,
		json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:s, s:i, s:b, s:i, s:i}",
			"protocol", proto_name(f->proto, pb), "inside", sl_addr_fmt(f->addr[0], a0),
			"insideVrf", v0 ? v0 : "?", "insidePort", f->port[0], "translated",
			sl_addr_fmt(f->nat_addr, an), "translatedPort", f->nat_port, "peer",
			sl_addr_fmt(f->addr[1], a1), "peerVrf", v1 ? v1 : "?", "peerPort",
			f->port[1], "replied", f->replied, "ageSeconds", (int)f->age_s,
			"expiresSeconds", (int)f->expires_s));
	return 0;
}

int sl_show_nat(const struct sl_router *r, const struct sl_show_fw_live *live, int argc,
	char **argv, bool json, FILE *out, FILE *err)
{
	const struct sl_rib *rib = sl_router_rib_const(r);
	uint32_t vrf;
	if (argc < 1 || strcmp(argv[0], "translations") != 0) {
		fprintf(err, "usage: show nat translations [vrf NAME]\n");
		return -EINVAL;
	}
	if (live == NULL || live->nat_foreach == NULL || live->summary == NULL) {
		fprintf(err, "show nat translations: only a running sluiced translates flows\n");
		return -ENOTSUP;
	}
	int rc = vrf_arg(rib, "nat translations", argc - 1, argv + 1, &vrf, err);
	if (rc < 0)
		return rc;
	struct ct_show c = {.rib = rib, .arr = json_array()};
	if (c.arr == NULL)
		return -ENOMEM;
	live->nat_foreach(live->ctx, vrf, SL_SHOW_CT_MAX, nat_cb, &c);
	struct sl_show_fw_summary st;
	live->summary(live->ctx, &st);
	size_t shown = json_array_size(c.arr);
	bool truncated = shown == SL_SHOW_CT_MAX && st.nat_entries > SL_SHOW_CT_MAX;
	if (json) {
		emit(out, json_pack("{s:o, s:i, s:i, s:b, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
				    "s:I, s:I, "
				    "s:I}}",
				  "translations", c.arr, "entries", (int)st.nat_entries, "max",
				  (int)st.nat_max, "truncated", truncated, "counters",
				  "translatedOut", (json_int_t)st.nat_out, "translatedIn",
				  (json_int_t)st.nat_in, "created", (json_int_t)st.nat_created,
				  "expired", (json_int_t)st.nat_expired, "flushed",
				  (json_int_t)st.nat_flushed, "natPoolExhausted",
				  (json_int_t)st.nat_exhausted, "natFull", (json_int_t)st.nat_full,
				  "natNoFlow", (json_int_t)st.nat_no_flow, "natUntranslatable",
				  (json_int_t)st.nat_untranslatable, "natIcmpUnmatched",
				  (json_int_t)st.nat_icmp_unmatched));
		return 0;
	}
	fprintf(out, "%-5s %-34s %-22s %-34s %7s\n", "Proto", "Inside (VRF)", "Translated",
		"Peer (VRF)", "Expires");
	size_t i;
	json_t *f;
	json_array_foreach(c.arr, i, f)
	{
		char in[64], tr[32], peer[64];
		snprintf(in, sizeof(in), "%s:%d (%s)",
			json_string_value(json_object_get(f, "inside")),
			(int)json_integer_value(json_object_get(f, "insidePort")),
			json_string_value(json_object_get(f, "insideVrf")));
		snprintf(tr, sizeof(tr), "%s:%d",
			json_string_value(json_object_get(f, "translated")),
			(int)json_integer_value(json_object_get(f, "translatedPort")));
		snprintf(peer, sizeof(peer), "%s:%d (%s)",
			json_string_value(json_object_get(f, "peer")),
			(int)json_integer_value(json_object_get(f, "peerPort")),
			json_string_value(json_object_get(f, "peerVrf")));
		fprintf(out, "%-5s %-34s %-22s %-34s %6ds\n",
			json_string_value(json_object_get(f, "protocol")), in, tr, peer,
			(int)json_integer_value(json_object_get(f, "expiresSeconds")));
	}
	fprintf(out,
		"%zu translation(s) shown%s; %" PRIu64 " of %" PRIu64 " in use; packets translated "
		"%" PRIu64 " out, %" PRIu64 " back; dropped: %" PRIu64
		" nat_pool_exhausted, %" PRIu64 " nat_full, %" PRIu64 " nat_no_flow, %" PRIu64
		" nat_untranslatable, %" PRIu64 " nat_icmp_unmatched\n"
		"flows: %" PRIu64 " created, %" PRIu64 " expired, %" PRIu64
		" flushed (their leak-nat changed)\n",
		shown, truncated ? " (output limited)" : "", st.nat_entries, st.nat_max, st.nat_out,
		st.nat_in, st.nat_exhausted, st.nat_full, st.nat_no_flow, st.nat_untranslatable,
		st.nat_icmp_unmatched, st.nat_created, st.nat_expired, st.nat_flushed);
	json_decref(c.arr);
	return 0;
}
