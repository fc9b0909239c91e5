/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_fw.c — the firewall at leak points in the daemon: build and
 * publish the rulesets after each commit, install the datapath hook while
 * some direction is guarded, expire tracked flows, answer `reject` for TCP,
 * and the commands `show firewall [NAME]`, `show firewall leak-points`,
 * `show conntrack [vrf NAME]` (each with --json).
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "sl_conf.h"
#include "sl_fw.h"
#include "sl_tele.h"
#include "sluiced.h"

_Static_assert(SL_FW_DROP == SL_DP_DENY_DROP && SL_FW_REJECT == SL_DP_DENY_REJECT,
	"lib/fw verdicts are lib/dp deny values");

#define CT_SWEEP_BUDGET 4096 /* slots examined per timer tick (10 ms) */
#define CT_SHOW_MAX 1000 /* flows listed by `show conntrack` at most */

int sd_fw_sync(struct sd *s, bool force)
{
	struct sl_errors warn = {0};
	struct sl_fw_spec *spec = NULL;
	struct sl_fw_set *set = NULL;

	if (s->fw == NULL || (!force && !sl_router_fw_changed(s->router)))
		return 0;
	int rc = sl_router_fw_spec(s->router, &spec, &warn);
	if (rc == 0 && (set = sl_fw_build(s->fw, spec, &warn)) == NULL)
		rc = -errno;
	sl_fw_spec_free(spec);
	for (size_t i = 0; i < warn.n; i++)
		SD_LOG(WARNING, "firewall: %s", warn.v[i].msg);
	sl_errors_free(&warn);
	if (rc < 0) {
		SD_LOG(ERR, "firewall: cannot compile the rulesets (%s): the previous ones stay",
			strerror(-rc));
		return rc;
	}
	sl_fw_publish(s->fw, set);
	struct sl_fw_stats st;
	sl_fw_stats_get(s->fw, &st);
	bool want = st.bindings > 0; /* no guarded direction: the workers skip the hook */
	if (want != s->fw_hooked) {
		int rc = sl_dp_set_leak_filter(
			s->dp, want ? sl_fw_leak_filter : NULL, want ? s->fw : NULL);
		if (rc < 0) {
			SD_LOG(ERR, "firewall: cannot install the leak-point hook: %s",
				strerror(-rc));
			return rc;
		}
		s->fw_hooked = want;
	}
	SD_LOG(INFO, "firewall: %u rulesets, %u rules (%u classifier rules), %u bindings",
		st.rulesets, st.rules, st.acl_rules, st.bindings);
	return 0;
}

int sd_fw_init(struct sd *s)
{
	unsigned lcore, max_id = 0;
	RTE_LCORE_FOREACH(lcore)
	{
		max_id = RTE_MAX(max_id, lcore);
	}
	struct sl_fw_config cfg = {
		.ct_max = s->ct_max,
		.n_lcores = max_id + 1, /* per-lcore counters for the lcores in use only */
		.socket_id = (int)rte_socket_id(),
		.qsbr = s->fib->qsbr,
	};
	s->fw = sl_fw_new(&cfg);
	if (s->fw == NULL)
		return -errno;
	return sd_fw_sync(s, true);
}

void sd_fw_fini(struct sd *s)
{
	sl_fw_free(s->fw);
	s->fw = NULL;
}

void sd_fw_timers(struct sd *s)
{
	if (s->fw != NULL)
		sl_fw_ct_sweep(s->fw, rte_rdtsc(), CT_SWEEP_BUDGET);
}

void sd_fw_tcp_reset(struct sd *s, const void *ip, size_t len, uint32_t vrf_id)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	if (m == NULL)
		return;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 64);
	int n = p ? sl_fw_tcp_rst(ip, len, p, 64) : -ENOSPC;
	if (n < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_trim(m, (uint16_t)(64 - n));
	sd_ip_output(s, m, vrf_id);
}

/* ---- show firewall [NAME] -------------------------------------------- */

static const char *leaf2(const struct sl_conf_node *n, const char *a, const char *b)
{
	const struct sl_conf_node *c = sl_conf_child(n, a);
	return c ? sl_conf_leaf_value(c, b) : NULL;
}

/* "saddr 10.1.0.0/24 dport 53 state established" */
static void conditions(const struct sl_conf_node *rule, char *buf, size_t len)
{
	static const struct {
		const char *a, *b, *label;
	} keys[] = {{"source", "address", "saddr"}, {"source", "port", "sport"},
		{"destination", "address", "daddr"}, {"destination", "port", "dport"},
		{"icmp", "type", "icmp type"}};
	size_t off = 0;
	const char **states = NULL, *v;
	size_t ns = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((v = leaf2(rule, keys[i].a, keys[i].b)) != NULL)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s %s",
				off ? " " : "", keys[i].label, v);
	if (sl_conf_leaf_values(rule, "state", &states, &ns) == 0)
		for (size_t i = 0; i < ns; i++)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%sstate %s",
				off ? " " : "", states[i]);
	free(states);
}

static void bindings_of(const struct sl_conf *conf, const char *ruleset, json_t *arr)
{
	const struct sl_conf_node *vrfs = sl_conf_findv(conf, "vrf", "name", NULL), *v, *t;
	size_t cur = 0;
	while (vrfs && (v = sl_conf_child_next(vrfs, &cur)) != NULL) {
		const struct sl_conf_node *to = sl_conf_child(v, "leak-firewall");
		size_t tc = 0;
		to = to ? sl_conf_child(to, "to") : NULL;
		while (to && (t = sl_conf_child_next(to, &tc)) != NULL) {
			const char *name = sl_conf_leaf_value(t, "name");
			if (name != NULL && strcmp(name, ruleset) == 0)
				json_array_append_new(
					arr, json_pack("{s:s, s:s}", "from", sl_conf_node_name(v),
						     "to", sl_conf_node_name(t)));
		}
	}
}

static json_t *ruleset_json(struct sd *s, const struct sl_conf_node *rs)
{
	const char *name = sl_conf_node_name(rs);
	const char *dflt = sl_conf_leaf_value(rs, "default-action");
	const struct sl_conf_node *rn = sl_conf_child(rs, "rule");
	const struct sl_conf_node **rules = NULL;
	size_t n_rules = 0;
	uint64_t p = 0, b = 0;
	json_t *jr = json_array(), *jb = json_array();

	if (rn != NULL && sl_conf_children_sorted(rn, &rules, &n_rules) < 0)
		n_rules = 0;
	for (size_t k = 0; k < n_rules; k++) {
		char cond[256];
		const char *num = sl_conf_node_name(rules[k]);
		const char *act = sl_conf_leaf_value(rules[k], "action");
		const char *proto = sl_conf_leaf_value(rules[k], "protocol");
		bool disabled = sl_conf_has(rules[k], "disable");
		conditions(rules[k], cond, sizeof(cond));
		/* a disabled rule (or one without action) is not compiled: no counters */
		bool active = sl_fw_rule_counters(
				      s->fw, name, (uint32_t)strtoul(num, NULL, 10), &p, &b) == 0;
		json_array_append_new(
			jr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I}", "rule", num,
				    "action", act ? act : "-", "protocol", proto ? proto : "all",
				    "conditions", cond, "disabled", disabled, "enforced", active,
				    "packets", (json_int_t)(active ? p : 0), "bytes",
				    (json_int_t)(active ? b : 0)));
	}
	free(rules);
	p = b = 0;
	sl_fw_rule_counters(s->fw, name, 0, &p, &b);
	bindings_of(sl_router_conf_const(s->router), name, jb);
	return json_pack("{s:s, s:s, s:I, s:I, s:o, s:o}", "name", name, "defaultAction",
		dflt ? dflt : "drop", "defaultPackets", (json_int_t)p, "defaultBytes",
		(json_int_t)b, "rules", jr, "leakPoints", jb);
}

static json_t *summary_json(struct sd *s)
{
	struct sl_fw_stats st;
	sl_fw_stats_get(s->fw, &st);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "classified",
		(json_int_t)st.classified, "accepted", (json_int_t)st.accepted, "dropped",
		(json_int_t)st.dropped, "rejected", (json_int_t)st.rejected, "unguarded",
		(json_int_t)st.unguarded, "conntrackEntries", (json_int_t)st.ct_entries,
		"conntrackMax", (json_int_t)st.ct_max, "conntrackFull", (json_int_t)st.ct_full,
		"conntrackCreated", (json_int_t)st.ct_created, "conntrackExpired",
		(json_int_t)st.ct_expired, "buildMicroseconds", (json_int_t)(st.build_ns / 1000));
}

static void ruleset_text(FILE *out, json_t *rs)
{
	size_t i;
	json_t *r;
	fprintf(out, "Ruleset Information\n\n---------------------------------\n");
	fprintf(out, "ipv4 Firewall \"%s\"\n\n", json_string_value(json_object_get(rs, "name")));
	fprintf(out, "%-8s %-8s %-9s %12s %14s  %s\n", "Rule", "Action", "Protocol", "Packets",
		"Bytes", "Conditions");
	fprintf(out, "%-8s %-8s %-9s %12s %14s  %s\n", "-------", "------", "--------", "-------",
		"-----", "----------");
	json_array_foreach(json_object_get(rs, "rules"), i, r)
	{
		bool enforced = json_is_true(json_object_get(r, "enforced"));
		char pk[24] = "-", by[24] = "-";
		if (enforced) {
			snprintf(pk, sizeof(pk), "%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(r, "packets")));
			snprintf(by, sizeof(by), "%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(r, "bytes")));
		}
		fprintf(out, "%-8s %-8s %-9s %12s %14s  %s%s\n",
			json_string_value(json_object_get(r, "rule")),
			json_string_value(json_object_get(r, "action")),
			json_string_value(json_object_get(r, "protocol")), pk, by,
			json_string_value(json_object_get(r, "conditions")),
			json_is_true(json_object_get(r, "disabled")) ? " (disabled)"
			: enforced				     ? ""
								     : " (not enforced)");
	}
	fprintf(out, "%-8s %-8s %-9s %12" JSON_INTEGER_FORMAT " %14" JSON_INTEGER_FORMAT "\n\n",
		"default", json_string_value(json_object_get(rs, "defaultAction")), "all",
		json_integer_value(json_object_get(rs, "defaultPackets")),
		json_integer_value(json_object_get(rs, "defaultBytes")));
	json_t *lp = json_object_get(rs, "leakPoints");
	if (json_array_size(lp) == 0)
		fprintf(out, "Leak point: not bound to any leak direction\n");
	json_array_foreach(lp, i, r) fprintf(out, "Leak point: from vrf %s to vrf %s\n",
		json_string_value(json_object_get(r, "from")),
		json_string_value(json_object_get(r, "to")));
	fputc('\n', out);
}

static void emit(FILE *out, json_t *j)
{
	json_dumpf(j, out, JSON_COMPACT);
	fputc('\n', out);
	json_decref(j);
}

static int cmd_show_firewall(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	const struct sl_conf *conf = sl_router_conf_const(s->router);
	const struct sl_conf_node *names = sl_conf_findv(conf, "firewall", "ipv4", "name", NULL);
	const struct sl_conf_node **sets = NULL;
	size_t n_sets = 0;
	const char *only = argc == 3 ? argv[2] : NULL;

	if (argc > 3) {
		fprintf(err, "usage: show firewall [NAME | leak-points]\n");
		return SL_CTL_USAGE;
	}
	if (names != NULL && sl_conf_children_sorted(names, &sets, &n_sets) < 0)
		return SL_CTL_FAILED;
	json_t *arr = json_array();
	for (size_t i = 0; i < n_sets; i++)
		if (only == NULL || strcmp(only, sl_conf_node_name(sets[i])) == 0)
			json_array_append_new(arr, ruleset_json(s, sets[i]));
	free(sets);
	if (only != NULL && json_array_size(arr) == 0) {
		fprintf(err, "show firewall: ruleset '%s' is not defined\n", only);
		json_decref(arr);
		return SL_CTL_FAILED;
	}
	if (json) {
		emit(out, json_pack("{s:o, s:o}", "rulesets", arr, "summary", summary_json(s)));
		return SL_CTL_OK;
	}
	size_t i;
	json_t *rs;
	json_array_foreach(arr, i, rs) ruleset_text(out, rs);
	if (json_array_size(arr) == 0)
		fprintf(out, "No firewall rulesets are configured.\n");
	json_decref(arr);
	if (only == NULL) {
		json_t *sm = summary_json(s);
		fprintf(out,
			"Leak-crossing packets: %" JSON_INTEGER_FORMAT
			" classified (%" JSON_INTEGER_FORMAT " accepted, %" JSON_INTEGER_FORMAT
			" dropped, %" JSON_INTEGER_FORMAT " rejected), %" JSON_INTEGER_FORMAT
			" unguarded\n"
			"Connection tracking: %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
			" flows, %" JSON_INTEGER_FORMAT " new flows dropped (conntrack_full)\n",
			json_integer_value(json_object_get(sm, "classified")),
			json_integer_value(json_object_get(sm, "accepted")),
			json_integer_value(json_object_get(sm, "dropped")),
			json_integer_value(json_object_get(sm, "rejected")),
			json_integer_value(json_object_get(sm, "unguarded")),
			json_integer_value(json_object_get(sm, "conntrackEntries")),
			json_integer_value(json_object_get(sm, "conntrackMax")),
			json_integer_value(json_object_get(sm, "conntrackFull")));
		json_decref(sm);
	}
	return SL_CTL_OK;
}

/* ---- show firewall leak-points ----------------------------------------- */

struct leak_dir {
	uint32_t from, to;
	size_t prefixes;
};

struct leak_walk {
	const struct sl_rib *rib;
	uint32_t vrf_id;
	struct leak_dir *v;
	size_t n, cap;
};

static void leak_add(struct leak_walk *w, uint32_t from, uint32_t to, size_t prefixes)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].from == from && w->v[i].to == to) {
			w->v[i].prefixes += prefixes;
			return;
		}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct leak_dir *v = realloc(w->v, cap * sizeof(*v));
		if (v == NULL)
			return;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct leak_dir){from, to, prefixes};
}

static int route_cb(const struct sl_route *r, void *ctx)
{
	struct leak_walk *w = ctx;
	struct sl_vrf_info vi;
	if (!r->selected || r->origin_vrf[0] == '\0')
		return 0;
	if (sl_rib_vrf_info(w->rib, r->origin_vrf, &vi) == 0)
		leak_add(w, w->vrf_id, vi.id, 1);
	return 0;
}

static int vrf_cb(const struct sl_vrf_info *vi, void *ctx)
{
	struct leak_walk *w = ctx;
	w->vrf_id = vi->id;
	sl_rib_route_foreach(w->rib, vi->name, route_cb, w);
	return 0;
}

static int cmp_dir(const void *a, const void *b, void *ctx)
{
	const struct leak_dir *x = a, *y = b;
	const struct sl_rib *rib = ctx;
	int c = strcmp(sl_rib_vrf_name(rib, x->from), sl_rib_vrf_name(rib, y->from));
	return c ? c : strcmp(sl_rib_vrf_name(rib, x->to), sl_rib_vrf_name(rib, y->to));
}

/* Packets the workers forwarded from one VRF into another since the last
 * `clear counters` (lib/tele's sums of lib/dp's per-lcore leak counters;
 * directions that found no slot are not included). */
static uint64_t leak_packets(const struct sl_tele_counts *c, uint32_t from, uint32_t to)
{
	return c != NULL ? sl_tele_leak_packets(c, from, to) : 0;
}

static int show_leak_points(struct sd *s, bool json, FILE *out)
{
	const struct sl_rib *rib = sl_router_rib_const(s->router);
	struct leak_walk w = {.rib = rib};
	const struct sl_conf *conf = sl_router_conf_const(s->router);
	const struct sl_conf_node *vrfs = sl_conf_findv(conf, "vrf", "name", NULL), *v, *t;
	size_t cur = 0;

	/* leaked routes installed in X that lead into Y: traffic crosses X → Y */
	sl_rib_vrf_foreach(rib, vrf_cb, &w);
	/* bindings without a leak (yet) are listed too */
	while (vrfs && (v = sl_conf_child_next(vrfs, &cur)) != NULL) {
		const struct sl_conf_node *to = sl_conf_child(v, "leak-firewall");
		size_t tc = 0;
		to = to ? sl_conf_child(to, "to") : NULL;
		while (to && (t = sl_conf_child_next(to, &tc)) != NULL) {
			struct sl_vrf_info a, b;
			if (sl_rib_vrf_info(rib, sl_conf_node_name(v), &a) == 0 &&
				sl_rib_vrf_info(rib, sl_conf_node_name(t), &b) == 0)
				leak_add(&w, a.id, b.id, 0);
		}
	}
	if (w.n > 1)
		qsort_r(w.v, w.n, sizeof(*w.v), cmp_dir, (void *)rib);
	json_t *arr = json_array();
	size_t unguarded = 0;
	struct sl_tele_counts *counts = sl_tele_counts_now();
	for (size_t i = 0; i < w.n; i++) {
		const char *rs = sl_fw_binding(s->fw, w.v[i].from, w.v[i].to);
		unguarded += rs == NULL && w.v[i].prefixes > 0;
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:I, s:s?, s:b, s:I}", "from",
				     sl_rib_vrf_name(rib, w.v[i].from), "to",
				     sl_rib_vrf_name(rib, w.v[i].to), "prefixes",
				     (json_int_t)w.v[i].prefixes, "ruleset", rs, "guarded",
				     rs != NULL, "packets",
				     (json_int_t)leak_packets(counts, w.v[i].from, w.v[i].to)));
	}
	free(counts);
	free(w.v);
	if (json) {
		emit(out, json_pack("{s:o, s:I}", "leakPoints", arr, "unguarded",
				  (json_int_t)unguarded));
		return SL_CTL_OK;
	}
	fprintf(out, "%-16s %-16s %9s %12s  %-24s %s\n", "From VRF", "To VRF", "Prefixes",
		"Packets", "Ruleset", "State");
	size_t i;
	json_t *d;
	json_array_foreach(arr, i, d)
	{
		const char *rs = json_string_value(json_object_get(d, "ruleset"));
		json_int_t np = json_integer_value(json_object_get(d, "prefixes"));
		fprintf(out,
			"%-16s %-16s %9" JSON_INTEGER_FORMAT " %12" JSON_INTEGER_FORMAT
			"  %-24s %s\n",
			json_string_value(json_object_get(d, "from")),
			json_string_value(json_object_get(d, "to")), np,
			json_integer_value(json_object_get(d, "packets")), rs ? rs : "-",
			rs ? (np ? "guarded" : "guarded (no leaked route)") : "UNGUARDED");
	}
	if (json_array_size(arr) == 0)
		fprintf(out, "No leak directions: every VRF is isolated.\n");
	else
		fprintf(out, "%zu leak direction(s), %zu unguarded\n", json_array_size(arr),
			unguarded);
	json_decref(arr);
	return SL_CTL_OK;
}

static int cmd_show_leak_points(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)argv, (void)input;
	if (argc != 3) {
		fprintf(err, "usage: show firewall leak-points\n");
		return SL_CTL_USAGE;
	}
	return show_leak_points(ctx, json, out);
}

/* ---- show conntrack [vrf NAME] ------------------------------------------ */

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

static int cmd_show_conntrack(
	int argc, char **argv, bool json, const char *input, FILE *out, FILE *err, void *ctx)
{
	(void)input;
	struct sd *s = ctx;
	const struct sl_rib *rib = sl_router_rib_const(s->router);
	uint32_t vrf = UINT32_MAX;
	if (argc == 4 && strcmp(argv[2], "vrf") == 0) {
		struct sl_vrf_info vi;
		if (sl_rib_vrf_info(rib, argv[3], &vi) < 0) {
			fprintf(err, "show conntrack: VRF '%s' does not exist\n", argv[3]);
			return SL_CTL_FAILED;
		}
		vrf = vi.id;
	} else if (argc != 2) {
		fprintf(err, "usage: show conntrack [vrf NAME]\n");
		return SL_CTL_USAGE;
	}
	struct ct_show c = {.rib = rib, .arr = json_array()};
	sl_fw_ct_foreach(s->fw, rte_rdtsc(), vrf, CT_SHOW_MAX, ct_cb, &c);
	struct sl_fw_stats st;
	sl_fw_stats_get(s->fw, &st);
	size_t shown = json_array_size(c.arr);
	bool truncated = shown == CT_SHOW_MAX && st.ct_entries > CT_SHOW_MAX;
	if (json) {
		emit(out, json_pack("{s:o, s:i, s:i, s:b, s:I}", "flows", c.arr, "entries",
				  (int)st.ct_entries, "max", (int)st.ct_max, "truncated", truncated,
				  "conntrackFull", (json_int_t)st.ct_full));
		return SL_CTL_OK;
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
		"%zu flow(s) shown%s; %u of %u tracked; %" PRIu64
		" new flows dropped (conntrack_full)\n",
		shown, truncated ? " (output limited)" : "", st.ct_entries, st.ct_max, st.ct_full);
	json_decref(c.arr);
	return SL_CTL_OK;
}

int sd_fw_cmds_register(struct sd *s)
{
	int rc = sl_ctl_register("show firewall", cmd_show_firewall, s);
	if (rc == 0)
		rc = sl_ctl_register("show firewall leak-points", cmd_show_leak_points, s);
	if (rc == 0)
		rc = sl_ctl_register("show conntrack", cmd_show_conntrack, s);
	return rc;
}
