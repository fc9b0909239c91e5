/* SPDX-License-Identifier: BSD-3-Clause */
/* fw_test_util.h — private EAL, configurations and crafted IPv4 packets for lib/fw tests. */
#ifndef SL_FW_TEST_UTIL_H
#define SL_FW_TEST_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_icmp.h>
#include <rte_tcp.h>

#include "sl_commit.h"
#include "sl_conf.h"
#include "sl_fw.h"

#include "../fib/fib_test_eal.h"

/* The FIB tests' private EAL: --no-huge, a per-process --file-prefix. */
static inline int fwt_eal_init(const char *name, const char *lcores)
{
	return sl_test_eal_init(name, lcores);
}

/* xorshift64: the random tests' generator; seeds fixed, so runs repeat. */
static inline uint64_t fwt_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* VRF names of the tests and their ids. */
static const char *const fwt_vrfs[] = {"default", "CUST-A", "SHARED", "CUST-B", "MGMT", NULL};
enum { V_DEF = 0, V_A = 1, V_S = 2, V_B = 3, V_M = 4 };

static inline int fwt_resolve(const char *name, void *ctx)
{
	(void)ctx;
	for (int i = 0; fwt_vrfs[i]; i++)
		if (!strcmp(fwt_vrfs[i], name))
			return i;
	return -ENOENT;
}

/* A committed configuration: the test VRFs plus `text`. NULL on any error (printed). */
static inline struct sl_conf *fwt_conf(const char *text)
{
	static const char vrfs[] = "set vrf name CUST-A table 10\n"
				   "set vrf name SHARED table 20\n"
				   "set vrf name CUST-B table 30\n"
				   "set vrf name MGMT table 40\n";
	struct sl_conf *c = sl_conf_new();
	struct sl_errors errs = {0};
	if (c == NULL || sl_conf_begin(c) < 0)
		return NULL;
	if (sl_conf_exec_text(c, vrfs, 1, &errs, NULL) < 0 ||
		sl_conf_exec_text(c, text, 100, &errs, NULL) < 0 || sl_conf_commit(c, &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "conf line %u: %s\n", errs.v[i].line, errs.v[i].msg);
		sl_errors_free(&errs);
		sl_conf_free(c);
		return NULL;
	}
	sl_errors_free(&errs);
	return c;
}

/* Build and publish `text`'s firewall on fw; 0 or a negative errno. */
static inline int fwt_load(struct sl_fw *fw, const char *text)
{
	struct sl_conf *c = fwt_conf(text);
	if (c == NULL)
		return -EINVAL;
	struct sl_errors warn = {0};
	struct sl_fw_spec *spec = NULL;
	struct sl_fw_set *s = NULL;
	int rc = sl_fw_spec_read(c, fwt_resolve, NULL, &spec, &warn);
	if (rc == 0) {
		s = sl_fw_build(fw, spec, &warn);
		rc = s ? 0 : -errno;
	}
	for (size_t i = 0; i < warn.n; i++)
		fprintf(stderr, "fw warning: %s\n", warn.v[i].msg);
	sl_errors_free(&warn);
	sl_fw_spec_free(spec);
	sl_conf_free(c);
	if (s == NULL)
		return rc;
	return sl_fw_publish(fw, s);
}

static inline uint32_t fwt_ip(const char *s)
{
	uint32_t a = 0;
	sl_addr_parse(s, &a);
	return a;
}

/* A crafted IPv4 packet (no L2), at most 128 bytes. */
struct fwt_pkt {
	uint8_t b[128];
	uint16_t len;
};

static inline void fwt_w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void fwt_w32(uint8_t *p, uint32_t v)
{
	fwt_w16(p, (uint16_t)(v >> 16));
	fwt_w16(p + 2, (uint16_t)v);
}

/* IPv4 header + l4len bytes of L4 (zeroed); returns the L4 pointer. */
static inline uint8_t *fwt_ip4(
	struct fwt_pkt *p, uint8_t proto, const char *src, const char *dst, uint16_t l4len)
{
	memset(p, 0, sizeof(*p));
	p->len = (uint16_t)(20 + l4len);
	p->b[0] = 0x45;
	fwt_w16(p->b + 2, p->len);
	p->b[8] = 64;
	p->b[9] = proto;
	fwt_w32(p->b + 12, fwt_ip(src));
	fwt_w32(p->b + 16, fwt_ip(dst));
	return p->b + 20;
}

static inline struct fwt_pkt fwt_udp(const char *src, uint16_t sp, const char *dst, uint16_t dp)
{
	struct fwt_pkt p;
	uint8_t *u = fwt_ip4(&p, 17, src, dst, 8 + 12);
	fwt_w16(u, sp);
	fwt_w16(u + 2, dp);
	fwt_w16(u + 4, 8 + 12);
	return p;
}

/* Another protocol (GRE...): an IPv4 header and 8 zero bytes. */
static inline struct fwt_pkt fwt_ip4_pkt(uint8_t proto, const char *src, const char *dst)
{
	struct fwt_pkt p;
	fwt_ip4(&p, proto, src, dst, 8);
	return p;
}

#define FWT_SYN RTE_TCP_SYN_FLAG
#define FWT_ACK RTE_TCP_ACK_FLAG
#define FWT_FIN RTE_TCP_FIN_FLAG
#define FWT_RST RTE_TCP_RST_FLAG

static inline struct fwt_pkt fwt_tcp(
	const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t flags)
{
	struct fwt_pkt p;
	uint8_t *t = fwt_ip4(&p, 6, src, dst, 20);
	fwt_w16(t, sp);
	fwt_w16(t + 2, dp);
	fwt_w32(t + 4, 1000);
	fwt_w32(t + 8, 2000);
	t[12] = 5 << 4;
	t[13] = flags;
	return p;
}

static inline struct fwt_pkt fwt_icmp(
	const char *src, const char *dst, uint8_t type, uint8_t code, uint16_t id)
{
	struct fwt_pkt p;
	uint8_t *ic = fwt_ip4(&p, 1, src, dst, 8 + 16);
	ic[0] = type;
	ic[1] = code;
	fwt_w16(ic + 4, id);
	return p;
}

/* An ICMP error (type/code) from src to dst quoting packet q's header and 8 bytes. */
static inline struct fwt_pkt fwt_icmp_error(
	const char *src, const char *dst, uint8_t type, uint8_t code, const struct fwt_pkt *q)
{
	struct fwt_pkt p;
	uint8_t *ic = fwt_ip4(&p, 1, src, dst, 8 + 28);
	ic[0] = type;
	ic[1] = code;
	memcpy(ic + 8, q->b, 28);
	return p;
}

/* The verdict for one packet from VRF `from` to VRF `to`. */
static inline int fwt_check(
	struct sl_fw *fw, uint64_t now, const struct fwt_pkt *p, uint32_t from, uint32_t to)
{
	const uint8_t *l3 = p->b;
	uint8_t v = 0xff;
	sl_fw_check_burst(fw, 0, now, &l3, &p->len, &from, &to, 1, &v);
	return v;
}

/* Packets p[0..n) (n <= SL_FW_BURST), all from VRF from into to, in one burst. */
static inline void fwt_check_n(struct sl_fw *fw, uint64_t now, const struct fwt_pkt *p, uint16_t n,
	uint32_t from, uint32_t to, uint8_t *v)
{
	const uint8_t *l3[SL_FW_BURST];
	uint16_t len[SL_FW_BURST];
	uint32_t f[SL_FW_BURST], t[SL_FW_BURST];
	for (uint16_t i = 0; i < n; i++) {
		l3[i] = p[i].b;
		len[i] = p[i].len;
		f[i] = from;
		t[i] = to;
	}
	sl_fw_check_burst(fw, 0, now, l3, len, f, t, n, v);
}

/* A rule of the random rulesets of the oracles (fw-oracle, fw-untracked),
 * checked by a linear scan: -1 or 0-length fields are "any". */
struct fwt_rule {
	uint32_t number;
	int action; /* SL_FW_ACCEPT, DROP, REJECT */
	int proto; /* -1 any, 6, 17, 1 */
	uint32_t src, src_len, dst, dst_len;
	int sp_lo, sp_hi, dp_lo, dp_hi; /* -1: any */
	int icmp_type; /* -1: any */
	unsigned states; /* SL_FW_ST_* bits, 0: any */
	uint64_t hits, bytes; /* the reference's counts */
};

/* Rule r of ruleset name as configuration text into t; bytes written. */
static inline size_t fwt_rule_text(char *t, size_t cap, const char *name, const struct fwt_rule *r)
{
	static const char *const st_names[] = {"new", "established", "related", "invalid"};
	static const char *const act[] = {"accept", "drop", "reject"};
	char pre[64];
	size_t off = 0;
	snprintf(pre, sizeof(pre), "set firewall ipv4 name %s rule %u", name, r->number);
	off += (size_t)snprintf(t + off, cap - off, "%s action %s\n", pre, act[r->action]);
	if (r->proto >= 0)
		off += (size_t)snprintf(t + off, cap - off, "%s protocol %s\n", pre,
			r->proto == 6	 ? "tcp"
			: r->proto == 17 ? "udp"
					 : "icmp");
	if (r->src_len)
		off += (size_t)snprintf(t + off, cap - off, "%s source address %u.%u.%u.%u/%u\n",
			pre, r->src >> 24, r->src >> 16 & 255, r->src >> 8 & 255, r->src & 255,
			r->src_len);
	if (r->dst_len)
		off += (size_t)snprintf(t + off, cap - off,
			"%s destination address %u.%u.%u.%u/%u\n", pre, r->dst >> 24,
			r->dst >> 16 & 255, r->dst >> 8 & 255, r->dst & 255, r->dst_len);
	if (r->sp_lo >= 0)
		off += (size_t)snprintf(
			t + off, cap - off, "%s source port %d-%d\n", pre, r->sp_lo, r->sp_hi);
	if (r->dp_lo >= 0)
		off += (size_t)snprintf(
			t + off, cap - off, "%s destination port %d-%d\n", pre, r->dp_lo, r->dp_hi);
	if (r->icmp_type >= 0)
		off += (size_t)snprintf(t + off, cap - off, "%s icmp type %d\n", pre, r->icmp_type);
	for (unsigned b = 0; b < 4; b++)
		if (r->states & (1u << b))
			off += (size_t)snprintf(
				t + off, cap - off, "%s state %s\n", pre, st_names[b]);
	return off;
}

static inline bool fwt_in_prefix(uint32_t a, uint32_t net, uint32_t len)
{
	return len == 0 || (a & (~0u << (32 - len))) == net;
}

static inline bool fwt_in_range(int v, int lo, int hi)
{
	return lo < 0 || (v >= lo && v <= hi);
}

#endif
