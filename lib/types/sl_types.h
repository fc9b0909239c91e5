/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_types.h — value types shared by every sluice layer: IPv4 prefixes,
 * route distinguishers / route targets, and located error lists.
 * Plain C, no DPDK. Addresses are held in host byte order.
 */
#ifndef SL_TYPES_H
#define SL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_NAME_MAX 64 /* VRF, interface, policy and ruleset names, with the NUL */
/* At most SL_VRF_CONF_MAX configured VRFs besides the default one: lib/conf
 * refuses more, naming the line. VRF ids are in [0, SL_VRF_MAX): a commit
 * makes its new VRFs before the ones it deletes go (their interfaces and
 * routes move first), so a transaction that replaces every VRF holds twice
 * as many ids for a moment. */
#define SL_VRF_CONF_MAX 4096
#define SL_VRF_MAX (2 * SL_VRF_CONF_MAX + 1)
/* Ethernet interfaces and vifs a configuration may name, together (one vif
 * per tenant at SL_VRF_CONF_MAX tenants, with room for the ports and more
 * than one vif for some tenants). lib/conf refuses more, naming the line. */
#define SL_IFACE_MAX 8192
/* Paths of one ECMP route (a static with several next hops of one
 * distance): lib/conf refuses more next hops on a route, naming the line. */
#define SL_ECMP_MAX 16
#define SL_WEIGHT_MAX 255 /* a path's weight is 1..SL_WEIGHT_MAX */
#define SL_PREFIX_STR 19 /* "255.255.255.255/32" + NUL */
#define SL_RT_STR 32

/* Address families. Only IPv4 forwards today; lib/fib's interface names the
 * family (struct sl_addr, sl_fib_change.af) so that IPv6 tables can follow
 * behind the same calls without reshaping their callers. */
enum sl_af {
	SL_AF_IPV4 = 0, /* the zero value: every existing change is IPv4 */
	SL_AF_IPV6 = 1,
};
#define SL_AF_COUNT 2

/* Source validation of an interface (`ip source-validation`, RFC 3704):
 * strict: the source's route (leaks followed) goes out of the interface the
 * packet came in on; loose: the source has a route (not a blackhole). */
enum sl_src_valid {
	SL_SRC_VALID_DISABLE = 0, /* the zero value: no check */
	SL_SRC_VALID_LOOSE,
	SL_SRC_VALID_STRICT,
};

/* An address of either family: v4 in host order, v6 in network order. */
struct sl_addr {
	uint8_t af; /* enum sl_af */
	union {
		uint32_t v4;
		uint8_t v6[16];
	};
};

static inline struct sl_addr sl_addr_v4(uint32_t ip)
{
	struct sl_addr a = {.af = SL_AF_IPV4, .v4 = ip};
	return a;
}

/* An IPv4 address with a prefix length. addr is host order. */
struct sl_prefix {
	uint32_t addr;
	uint8_t len;
};

static inline uint32_t sl_mask(uint8_t len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/* True when a contains b (a is shorter or equal and b's network lies in a). */
static inline bool sl_prefix_contains(struct sl_prefix a, struct sl_prefix b)
{
	return a.len <= b.len && ((a.addr ^ b.addr) & sl_mask(a.len)) == 0;
}

static inline bool sl_prefix_eq(struct sl_prefix a, struct sl_prefix b)
{
	return a.len == b.len && a.addr == b.addr;
}

/* Order: by address, then shorter first (the order `show ip route` uses). */
int sl_prefix_cmp(struct sl_prefix a, struct sl_prefix b);

/*
 * Parse dotted-quad "A.B.C.D". Returns 0 or -EINVAL (leading zeros, empty
 * octets, octets > 255, trailing garbage are all refused).
 */
int sl_addr_parse(const char *s, uint32_t *addr);

/* Format into buf (at least 16 bytes); returns buf. */
char *sl_addr_fmt(uint32_t addr, char *buf);

/*
 * Parse "A.B.C.D/L". Returns 0, -EINVAL for a malformed string or a length
 * over 32, or -EDOM when host bits are set and allow_host_bits is false
 * (the prefix is still filled in, host bits kept).
 */
int sl_prefix_parse(const char *s, struct sl_prefix *p, bool allow_host_bits);

/* Format "A.B.C.D/L" into buf (at least SL_PREFIX_STR bytes); returns buf. */
char *sl_prefix_fmt(struct sl_prefix p, char *buf);

/* The network of an interface address: host bits cleared. */
static inline struct sl_prefix sl_prefix_network(struct sl_prefix p)
{
	struct sl_prefix n = {p.addr & sl_mask(p.len), p.len};
	return n;
}

/*
 * Route distinguisher / route target, in the three RFC 4364 forms:
 *   type 0: ASN(2 bytes):NN(4 bytes)   type 1: A.B.C.D:NN(2 bytes)
 *   type 2: ASN(4 bytes):NN(2 bytes)
 * Two values are the same community when type, admin and assigned match.
 */
struct sl_rt {
	uint8_t type;
	uint32_t admin;
	uint32_t assigned;
};

/* Parse "ASN:NN" or "A.B.C.D:NN". Returns 0 or -EINVAL (or -ERANGE when a
 * field is out of range for its form). */
int sl_rt_parse(const char *s, struct sl_rt *rt);
char *sl_rt_fmt(struct sl_rt rt, char *buf); /* buf >= SL_RT_STR */
int sl_rt_cmp(struct sl_rt a, struct sl_rt b);
static inline bool sl_rt_eq(struct sl_rt a, struct sl_rt b)
{
	return sl_rt_cmp(a, b) == 0;
}

/* Parse an unsigned decimal in [min, max]; no sign, no leading garbage.
 * Returns 0, -EINVAL (not a number) or -ERANGE. */
int sl_u32_parse(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * A located error: line 0 means "not tied to one line" (e.g. a cross-VRF
 * collision found while the whole transaction is evaluated).
 */
struct sl_error {
	unsigned line;
	char msg[320];
};

struct sl_errors {
	struct sl_error *v;
	size_t n, cap;
};

/* Make room for one more element in the array *arr (n used, *cap allocated,
 * elements of size bytes): doubles it (16 at first). 0 or -ENOMEM (*arr kept). */
int sl_grow(void *arr, size_t *cap, size_t n, size_t size);

/* Append a formatted error; on allocation failure the error is counted in
 * a final "(more errors)" entry rather than lost silently. */
void sl_errors_add(struct sl_errors *e, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sl_errors_clear(struct sl_errors *e);
void sl_errors_free(struct sl_errors *e);

/*
 * The leak-point firewall as configured, typed: lib/commit reads it from the
 * configuration (sl_router_fw_spec), lib/fw compiles it, lib/show shows it;
 * only lib/commit reads the configuration tree. Rulesets and their rules are
 * in the configuration's canonical order (rules by number); bindings carry
 * the VRF ids the datapath uses.
 */
#define SL_FW_PORT_RANGES_MAX 64 /* items of one port list */

enum sl_fw_spec_action {
	SL_FW_SPEC_ACCEPT = 0,
	SL_FW_SPEC_DROP = 1,
	SL_FW_SPEC_REJECT = 2,
	SL_FW_SPEC_NO_ACTION = 3, /* unset: the rule is not enforced */
};

/* rule `state` values, one bit each (lib/fw's enum sl_fw_state) */
#define SL_FW_SPEC_ST_NEW 1u
#define SL_FW_SPEC_ST_ESTABLISHED 2u
#define SL_FW_SPEC_ST_RELATED 4u
#define SL_FW_SPEC_ST_INVALID 8u

struct sl_fw_port_range {
	uint16_t lo, hi;
};

struct sl_fw_rule_spec {
	uint32_t number;
	enum sl_fw_spec_action action;
	bool disabled;
	bool usable; /* false: cannot be enforced (a warning said why) */
	int16_t proto; /* -1: any */
	struct sl_prefix src, dst; /* length 0: any */
	uint16_t n_sport, n_dport; /* 0: any port */
	struct sl_fw_port_range sport[SL_FW_PORT_RANGES_MAX], dport[SL_FW_PORT_RANGES_MAX];
	int16_t icmp_type; /* -1: any */
	uint16_t states; /* SL_FW_SPEC_ST_* bits; 0: any state */
	/* as configured, for `show firewall` */
	char protocol[8]; /* "tcp", "17", "all" (also when unset) */
	char conditions[256]; /* "saddr 10.1.0.0/24 dport 53 state established" */
};

struct sl_fw_ruleset_spec {
	char name[SL_NAME_MAX];
	enum sl_fw_spec_action default_action; /* drop when unset */
	struct sl_fw_rule_spec *rules; /* by number */
	size_t n_rules;
};

/* `vrf name FROM leak-firewall to TO name RS` */
struct sl_fw_binding_spec {
	char from[SL_NAME_MAX], to[SL_NAME_MAX];
	uint32_t from_vrf, to_vrf; /* VRF ids */
	size_t ruleset; /* index in rulesets */
};

/* `vrf name FROM leak-nat to TO source translation address POOL` */
struct sl_fw_nat_spec {
	char from[SL_NAME_MAX], to[SL_NAME_MAX];
	uint32_t from_vrf, to_vrf; /* VRF ids */
	struct sl_prefix pool;
	uint16_t port_lo, port_hi; /* `port LO-HI`; 0, 0: lib/fw's default, 1024-65535 */
};

struct sl_fw_spec {
	struct sl_fw_ruleset_spec *rulesets;
	size_t n_rulesets;
	struct sl_fw_binding_spec *bindings; /* by FROM, then TO (canonical order) */
	size_t n_bindings;
	struct sl_fw_nat_spec *nats; /* by FROM, then TO */
	size_t n_nats;
};

void sl_fw_spec_free(struct sl_fw_spec *spec);

/* A flow lib/fw tracks at a leak point (`show conntrack`); index 0 is the
 * side that opened it. */
struct sl_fw_ct_flow {
	uint8_t proto;
	uint32_t vrf[2];
	uint32_t addr[2]; /* host order */
	uint16_t port[2]; /* ICMP queries: the identifier on both sides */
	bool replied;
	const char *state; /* "SYN_SENT", "ESTABLISHED", "CLOSING", "UNREPLIED", "REPLIED" */
	uint32_t age_s, expires_s;
};

/* A flow lib/fw translates at a NATed leak point (`show nat translations`):
 * the host's side in the customer VRF (vrf[0], addr/port[0]), the pool
 * address and port it leaves with (in TO), and the peer in TO (vrf[1],
 * addr/port[1]). */
struct sl_fw_nat_flow {
	uint8_t proto;
	uint32_t vrf[2]; /* [0] the translated VRF (FROM), [1] TO */
	uint32_t addr[2], nat_addr; /* host order: addr[0] the host, [1] the peer */
	uint16_t port[2], nat_port; /* ICMP: the echo identifier */
	bool replied;
	uint32_t age_s, expires_s;
};

/* "accept", "drop", "reject", "-" (no action) */
const char *sl_fw_spec_action_name(enum sl_fw_spec_action a);

/*
 * Progress of long control-plane work. The thread that commits also serves
 * the punt path (ARP, ICMP); a commit of 100,000 lines must not starve it.
 * Long loops (parse, validate, RIB sync, conf commit, FIB apply) call
 * sl_progress() once per item; every SL_PROGRESS_EVERY calls on a thread the
 * hook installed on that thread runs. A hook must not call back into the
 * library whose loop called it (sluiced's serves its punt ring and defers
 * its FIB writes, doc/architecture.md "Thread model").
 */
#define SL_PROGRESS_EVERY 256u
typedef void (*sl_progress_fn)(void *arg);
/* Install (fn != NULL) or remove the calling thread's hook. */
void sl_progress_hook_set(sl_progress_fn fn, void *arg);
void sl_progress_run(void);
extern _Thread_local unsigned sl_progress_left;
static inline void sl_progress(void)
{
	if (sl_progress_left-- == 0)
		sl_progress_run();
}
/* The calling thread's CPU time in ms: what a phase of control work cost,
 * waits apart (commit logs, renderings); in ns for the stall and punt-wait
 * figures (0 if the clock cannot be read). */
double sl_thread_cpu_ms(void);
uint64_t sl_thread_cpu_ns(void);

/*
 * ICMP types and codes by name (RFC 792), for those DPDK 22.11's rte_icmp.h
 * lacks: it names only the echo pair, RTE_IP_ICMP_ECHO_REQUEST and
 * RTE_IP_ICMP_ECHO_REPLY. TCP flags: rte_tcp.h's RTE_TCP_*_FLAG.
 */
#define SL_ICMP_DEST_UNREACH 3
#define SL_ICMP_SOURCE_QUENCH 4
#define SL_ICMP_REDIRECT 5
#define SL_ICMP_TIME_EXCEEDED 11
#define SL_ICMP_PARAM_PROBLEM 12
#define SL_ICMP_TIMESTAMP 13
#define SL_ICMP_TIMESTAMP_REPLY 14
#define SL_ICMP_INFO_REQUEST 15
#define SL_ICMP_INFO_REPLY 16
#define SL_ICMP_MASK_REQUEST 17
#define SL_ICMP_MASK_REPLY 18
/* destination-unreachable codes */
#define SL_ICMP_NET_UNREACH 0
#define SL_ICMP_HOST_UNREACH 1
#define SL_ICMP_PORT_UNREACH 3
#define SL_ICMP_ADMIN_PROHIBITED 13
/* time-exceeded code */
#define SL_ICMP_TTL_EXCEEDED 0

/*
 * IPv4 output helpers shared by every packet the router originates (the slow
 * path's ARP-less IP output, ICMP, the firewall's TCP RST): one Internet
 * checksum and one header builder. Byte buffers, no DPDK types.
 */
#define SL_IP4_HDR_LEN 20
/* Add len bytes as big-endian 16-bit words to sum (RFC 1071, not folded). */
uint32_t sl_inet_sum(const void *p, size_t len, uint32_t sum);
/* The checksum of len bytes plus sum (a pseudo header's): fold and
 * complement. Host order: store it big-endian (sl_wr16). */
uint16_t sl_inet_cksum(const void *p, size_t len, uint32_t sum);
/* Write a 20-byte IPv4 header with its checksum (addresses host order). */
struct sl_ip4_hdr_spec {
	uint16_t total_len, id;
	uint8_t ttl, proto;
	bool df;
	uint32_t src, dst;
};
void sl_ip4_hdr_write(void *out, const struct sl_ip4_hdr_spec *h);
static inline void sl_wr16(void *p, uint16_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}
static inline uint32_t sl_rd32(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline void sl_wr32(void *p, uint32_t v)
{
	sl_wr16(p, (uint16_t)(v >> 16));
	sl_wr16((uint8_t *)p + 2, (uint16_t)v);
}

#endif
