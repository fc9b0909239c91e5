/* SPDX-License-Identifier: BSD-3-Clause */
/* Value types of the schema: each checks a token, canonicalises it and orders it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define FAIL(...)                                  \
	do {                                       \
		snprintf(out, outsz, __VA_ARGS__); \
		return -EINVAL;                    \
	} while (0)

static int ok_copy(const char *s, char *out, size_t outsz)
{
	conf_strlcpy(out, s, outsz);
	return 0;
}

/* ---- comparators ---- */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a, b);
}

static int cmp_num(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* canonical numbers have no leading zeros: longer is bigger */
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int cmp_prefixish(const char *a, const char *b)
{
	struct sl_prefix pa = {0, 32}, pb = {0, 32};
	uint32_t x;

	if (strchr(a, '/')	       ? sl_prefix_parse(a, &pa, true)
		: sl_addr_parse(a, &x) ? -1
				       : (pa.addr = x, 0))
		return strcmp(a, b);
	if (strchr(b, '/')	       ? sl_prefix_parse(b, &pb, true)
		: sl_addr_parse(b, &x) ? -1
				       : (pb.addr = x, 0))
		return strcmp(a, b);
	return sl_prefix_cmp(pa, pb);
}

static int cmp_rt(const char *a, const char *b)
{
	struct sl_rt ra, rb;

	if (sl_rt_parse(a, &ra) || sl_rt_parse(b, &rb))
		return strcmp(a, b);
	return sl_rt_cmp(ra, rb);
}

/* ethN and ethN.V by number, then anything else by strcmp */
static int cmp_iface(const char *a, const char *b)
{
	unsigned na = 0, va = 0, nb = 0, vb = 0;
	int ha = sscanf(a, "eth%u.%u", &na, &va), hb = sscanf(b, "eth%u.%u", &nb, &vb);

	if (ha >= 1 && hb >= 1) {
		if (na != nb)
			return na < nb ? -1 : 1;
		if (ha != hb)
			return ha < hb ? -1 : 1;
		if (va != vb)
			return va < vb ? -1 : 1;
		return 0;
	}
	return strcmp(a, b);
}

static uint64_t key_num(const char *s)
{
	return strtoull(s, NULL, 10);
}

static uint64_t key_prefixish(const char *s)
{
	struct sl_prefix p = {0, 32};
	uint32_t a = 0;

	if (strchr(s, '/')	       ? sl_prefix_parse(s, &p, true)
		: sl_addr_parse(s, &a) ? -1
				       : (p.addr = a, 0))
		return 0;
	return ((uint64_t)p.addr << 6) | p.len;
}

/* ---- parsers ---- */

static int parse_u32(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	uint32_t v;
	int rc;

	if (s[0] == '0' && s[1] != '\0')
		FAIL("leading zero in number");
	rc = sl_u32_parse(s, t->min, t->max, &v);
	if (rc == -EINVAL)
		FAIL("not a number");
	if (rc < 0 || (t->except_hi != 0 && v >= t->except_lo && v <= t->except_hi))
		FAIL("out of range");
	return ok_copy(s, out, outsz);
}

static int parse_ipv4(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	uint32_t a;

	(void)t;
	if (sl_addr_parse(s, &a) < 0)
		FAIL("not an IPv4 address");
	return ok_copy(s, out, outsz);
}

static int parse_prefix(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	struct sl_prefix p;
	char net[SL_PREFIX_STR];
	int rc;

	(void)t;
	rc = sl_prefix_parse(s, &p, false);
	if (rc == -EDOM)
		FAIL("host bits set in %s (did you mean %s?)", s,
			sl_prefix_fmt(sl_prefix_network(p), net));
	if (rc < 0)
		FAIL("not an IPv4 prefix");
	return ok_copy(s, out, outsz);
}

static int parse_ifaddr(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	struct sl_prefix p;
	uint32_t host;

	(void)t;
	if (sl_prefix_parse(s, &p, true) < 0)
		FAIL("not an IPv4 address with prefix length");
	if (p.len == 0)
		FAIL("a /0 interface address is not allowed");
	if (p.addr == 0 || p.addr >= 0xe0000000u || (p.addr >> 24) == 127)
		FAIL("not a unicast host address");
	host = p.addr & ~sl_mask(p.len);
	if (p.len <= 30 && (host == 0 || host == ~sl_mask(p.len)))
		FAIL("%s is the %s address of its subnet", s, host == 0 ? "network" : "broadcast");
	return ok_copy(s, out, outsz);
}

static int parse_rt(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	struct sl_rt rt;
	char buf[SL_RT_STR];

	(void)t;
	if (sl_rt_parse(s, &rt) < 0)
		FAIL("not a route distinguisher/target");
	snprintf(out, outsz, "%s", sl_rt_fmt(rt, buf));
	return 0;
}

static bool name_chars_ok(const char *s, bool dot)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
			    (dot && *s == '.')))
			return false;
	return true;
}

static int parse_vrf_name(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	static const char *const reserved[] = {"default", "main", "local", "unspec", NULL};
	size_t len = strlen(s);

	(void)t;
	if (len < 1 || len > 15 || !name_chars_ok(s, false))
		FAIL("not a VRF name");
	for (size_t i = 0; reserved[i]; i++)
		if (strcmp(s, reserved[i]) == 0)
			FAIL("reserved VRF name");
	return ok_copy(s, out, outsz);
}

/* A leak's other end may be the default VRF (VyOS: `... vrf default`). */
static int parse_vrf_or_default(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	if (strcmp(s, "default") == 0)
		return ok_copy(s, out, outsz);
	return parse_vrf_name(t, s, out, outsz);
}

static int parse_policy_name(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	size_t len = strlen(s);

	(void)t;
	if (len < 1 || len > 63 || !name_chars_ok(s, true) || s[0] == '-' || s[0] == '.')
		FAIL("not a valid name");
	return ok_copy(s, out, outsz);
}

/* "ethN", N 0..1023, no leading zeros; with allow_vif also "ethN.V", V 0..4094 */
static int iface_check(const char *s, bool allow_vif)
{
	uint32_t v;
	char num[16];
	const char *dot;
	size_t len;

	if (strncmp(s, "eth", 3) != 0)
		return -1;
	s += 3;
	dot = strchr(s, '.');
	len = dot ? (size_t)(dot - s) : strlen(s);
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if ((num[0] == '0' && len > 1) || sl_u32_parse(num, 0, 1023, &v) < 0)
		return -1;
	if (dot == NULL)
		return 0;
	if (!allow_vif || (dot[1] == '0' && dot[2] != '\0') ||
		sl_u32_parse(dot + 1, 0, 4094, &v) < 0)
		return -1;
	return 0;
}

static int parse_ethernet(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	(void)t;
	if (iface_check(s, false) < 0)
		FAIL("not an ethernet interface name");
	return ok_copy(s, out, outsz);
}

static int parse_iface_ref(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	(void)t;
	if (iface_check(s, true) < 0)
		FAIL("not an interface name");
	return ok_copy(s, out, outsz);
}

static int parse_text(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	(void)t;
	if (strlen(s) > 255)
		FAIL("text longer than 255 characters");
	if (strchr(s, '\'') && strchr(s, '"'))
		FAIL("text with both kinds of quotes");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			FAIL("control character in text");
	return ok_copy(s, out, outsz);
}

static int parse_enum(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	for (size_t i = 0; t->words[i]; i++)
		if (strcmp(s, t->words[i]) == 0)
			return ok_copy(s, out, outsz);
	FAIL("not one of the allowed words");
}

/* A NIC: its MAC (VyOS's hw-id) or, a sluice extension, its PCI address;
 * canonical lower case, the PCI domain written out ("0000:03:00.0"). */
static int parse_hw_id(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	(void)t;
	unsigned m[6], dom = 0, bus, dev, fn;
	char end;
	if (strlen(s) == 17 && s[2] == ':' && s[5] == ':' && s[8] == ':' && s[11] == ':' &&
		s[14] == ':' && strspn(s, "0123456789abcdefABCDEF:") == 17 &&
		sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
			&end) == 6) {
		if (m[0] & 1)
			FAIL("%s is a multicast MAC address, not a NIC's", s);
		snprintf(out, outsz, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
			m[5]);
		return 0;
	}
	int n = 0;
	if ((sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) == 4 && n == 12 &&
		    strlen(s) == 12) ||
		(dom = 0, n = 0,
			sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && n == 7 &&
				strlen(s) == 7)) {
		if (dev > 0x1f || fn > 7)
			FAIL("%s: a PCI device is 00..1f and a function 0..7", s);
		if (strspn(s, "0123456789abcdefABCDEF:.") != strlen(s))
			FAIL("not a PCI address");
		snprintf(out, outsz, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
		return 0;
	}
	FAIL("not a MAC address or a PCI address");
}

static int parse_fw_protocol(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	static const struct conf_type num = {.min = 0, .max = 255};

	if (parse_enum(t, s, out, outsz) == 0)
		return 0;
	if (parse_u32(&num, s, out, outsz) == 0)
		return 0;
	FAIL("not a protocol");
}

/* "N", "N-M", and comma lists of them, 1..65535, N <= M */
static int parse_ports(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	static const struct conf_type port = {.min = 1, .max = 65535};
	char buf[256], tmp[32], *save = NULL, *item;

	(void)t;
	if (strlen(s) >= sizeof(buf) || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		FAIL("not a port list");
	snprintf(buf, sizeof(buf), "%s", s);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');
		uint32_t lo, hi;

		if (dash)
			*dash = '\0';
		if (parse_u32(&port, item, tmp, sizeof(tmp)) < 0)
			FAIL("'%s' is not a port 1..65535", item);
		lo = (uint32_t)strtoul(item, NULL, 10);
		if (dash) {
			if (parse_u32(&port, dash + 1, tmp, sizeof(tmp)) < 0)
				FAIL("'%s' is not a port 1..65535", dash + 1);
			hi = (uint32_t)strtoul(dash + 1, NULL, 10);
			if (hi < lo)
				FAIL("port range %u-%u is reversed", lo, hi);
		}
	}
	return ok_copy(s, out, outsz);
}

/* ---- the types ---- */

#define NUM(var, lo, hi, what)                       \
	const struct conf_type var = {.valid = what, \
		.parse = parse_u32,                  \
		.cmp = cmp_num,                      \
		.key = key_num,                      \
		.min = lo,                           \
		.max = hi}

NUM(conf_t_u8, 0, 255, "0..255");
NUM(conf_t_ge_le, 0, 32, "0..32");
NUM(conf_t_distance, 1, 255, "1..255");
NUM(conf_t_weight, 1, SL_WEIGHT_MAX, "1..255");
NUM(conf_t_u32_any, 0, 4294967295u, "0..4294967295");
NUM(conf_t_rule_policy, 1, 65535, "1..65535");
NUM(conf_t_fw_rule, 1, 999999, "1..999999");
NUM(conf_t_vlan, 0, 4094, "0..4094");
NUM(conf_t_mtu, 68, 9000, "68..9000");
NUM(conf_t_vif_mtu, 68, 9000, "68..9000");
NUM(conf_t_asn, 1, 4294967295u, "1..4294967295");
NUM(conf_t_port, 1, 65535, "1..65535");
const struct conf_type conf_t_table = {.valid = "1..4294967295 except 253-255",
	.parse = parse_u32,
	.cmp = cmp_num,
	.key = key_num,
	.min = 1,
	.max = 4294967295u,
	.except_lo = 253,
	.except_hi = 255};

const struct conf_type conf_t_ipv4 = {.valid = "an IPv4 address A.B.C.D",
	.parse = parse_ipv4,
	.cmp = cmp_prefixish,
	.key = key_prefixish};
const struct conf_type conf_t_prefix = {.valid = "an IPv4 prefix A.B.C.D/L without host bits",
	.parse = parse_prefix,
	.cmp = cmp_prefixish,
	.key = key_prefixish};
const struct conf_type conf_t_ifaddr = {.valid = "a unicast address with length A.B.C.D/1..32",
	.parse = parse_ifaddr,
	.cmp = cmp_prefixish,
	.key = key_prefixish};
const struct conf_type conf_t_rt = {
	.valid = "ASN:NN or A.B.C.D:NN", .parse = parse_rt, .cmp = cmp_rt};

#define VRF_NAME_VALID "1..15 letters, digits, '-' or '_', not default/main/local/unspec"
const struct conf_type conf_t_vrf_name = {
	.valid = VRF_NAME_VALID, .parse = parse_vrf_name, .cmp = cmp_str};
const struct conf_type conf_t_vrf_ref = {.valid = "a VRF name (" VRF_NAME_VALID ")",
	.parse = parse_vrf_name,
	.cmp = cmp_str,
	.ref = CONF_REF_VRF};
const struct conf_type conf_t_vrf_leak_ref = {
	.valid = "default, or a VRF name (" VRF_NAME_VALID ")",
	.parse = parse_vrf_or_default,
	.cmp = cmp_str,
	.ref = CONF_REF_VRF};

#define POLICY_NAME_VALID "1..63 letters, digits, '-', '_' or '.'"
const struct conf_type conf_t_policy_name = {
	.valid = POLICY_NAME_VALID, .parse = parse_policy_name, .cmp = cmp_str};
const struct conf_type conf_t_prefix_list_ref = {
	.valid = "a prefix-list name (" POLICY_NAME_VALID ")",
	.parse = parse_policy_name,
	.cmp = cmp_str,
	.ref = CONF_REF_PREFIX_LIST};
const struct conf_type conf_t_route_map_ref = {.valid = "a route-map name (" POLICY_NAME_VALID ")",
	.parse = parse_policy_name,
	.cmp = cmp_str,
	.ref = CONF_REF_ROUTE_MAP};
const struct conf_type conf_t_ruleset_ref = {
	.valid = "a firewall ruleset name (" POLICY_NAME_VALID ")",
	.parse = parse_policy_name,
	.cmp = cmp_str,
	.ref = CONF_REF_RULESET};

const struct conf_type conf_t_ethernet = {
	.valid = "ethN, N 0..1023", .parse = parse_ethernet, .cmp = cmp_iface};
const struct conf_type conf_t_iface_ref = {.valid = "ethN or ethN.VLAN (N 0..1023, VLAN 0..4094)",
	.parse = parse_iface_ref,
	.cmp = cmp_iface,
	.ref = CONF_REF_IFACE};
const struct conf_type conf_t_hw_id = {
	.valid = "a MAC address XX:XX:XX:XX:XX:XX or a PCI address DDDD:BB:DD.F",
	.parse = parse_hw_id,
	.cmp = cmp_str};
static const char *const w_syslog_facility[] = {"all", "auth", "authpriv", "cron", "daemon", "kern",
	"lpr", "mail", "mark", "news", "protocols", "security", "syslog", "user", "uucp", "local0",
	"local1", "local2", "local3", "local4", "local5", "local6", "local7", NULL};
const struct conf_type conf_t_syslog_facility = {.valid = "all, daemon, or another of syslog's "
							  "facilities (auth, kern, local0..7, ...)",
	.parse = parse_enum,
	.cmp = cmp_str,
	.words = w_syslog_facility};
static const char *const w_syslog_level[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "all", NULL};
const struct conf_type conf_t_syslog_level = {
	.valid = "emerg, alert, crit, err, warning, notice, info, debug, all",
	.parse = parse_enum,
	.cmp = cmp_str,
	.words = w_syslog_level};
const struct conf_type conf_t_text = {
	.valid = "printable text up to 255 characters", .parse = parse_text, .cmp = cmp_str};
const struct conf_type conf_t_ports = {
	.valid = "ports 1..65535: N, N-M or a comma list", .parse = parse_ports, .cmp = cmp_str};

static const char *const w_fw_protocol[] = {"all", "icmp", "tcp", "udp", NULL};
const struct conf_type conf_t_fw_protocol = {.valid = "tcp, udp, icmp, all or 0..255",
	.parse = parse_fw_protocol,
	.cmp = cmp_str,
	.words = w_fw_protocol};
static const char *const w_permit_deny[] = {"permit", "deny", NULL};
const struct conf_type conf_t_permit_deny = {
	.valid = "permit, deny", .parse = parse_enum, .cmp = cmp_str, .words = w_permit_deny};
static const char *const w_fw_action[] = {"accept", "drop", "reject", NULL};
const struct conf_type conf_t_fw_action = {
	.valid = "accept, drop, reject", .parse = parse_enum, .cmp = cmp_str, .words = w_fw_action};
static const char *const w_src_valid[] = {"disable", "loose", "strict", NULL};
const struct conf_type conf_t_src_valid = {.valid = "strict, loose, disable",
	.parse = parse_enum,
	.cmp = cmp_str,
	.words = w_src_valid};
static const char *const w_fw_state[] = {"established", "invalid", "new", "related", NULL};
const struct conf_type conf_t_fw_state = {.valid = "established, invalid, new, related",
	.parse = parse_enum,
	.cmp = cmp_str,
	.words = w_fw_state};

NUM(conf_t_pps, 1, 1000000, "1..1000000 packets a second");

/* A control-plane TAP's name is the prefix and the interface's name
 * (ethN.VLAN up to 12 characters) within the kernel's 15. */
static int parse_cp_prefix(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	(void)t;
	if (strlen(s) < 1 || strlen(s) > 3 || !name_chars_ok(s, false))
		FAIL("not a name prefix");
	return ok_copy(s, out, outsz);
}
const struct conf_type conf_t_cp_prefix = {
	.valid = "1..3 letters, digits, '-' or '_'", .parse = parse_cp_prefix, .cmp = cmp_str};

/* ip-netns(8) names: a file under /run/netns */
static int parse_netns(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	size_t len = strlen(s);

	(void)t;
	if (len < 1 || len > 63 || !name_chars_ok(s, true) || s[0] == '.')
		FAIL("not a namespace name");
	return ok_copy(s, out, outsz);
}
const struct conf_type conf_t_netns = {
	.valid = "a network namespace name (1..63 letters, digits, '-', '_' or '.')",
	.parse = parse_netns,
	.cmp = cmp_str};

/* VyOS's `label vpn export auto|0..1048575` (an MPLS label: a no-op here) */
static int parse_label(const struct conf_type *t, const char *s, char *out, size_t outsz)
{
	if (strcmp(s, "auto") == 0)
		return ok_copy(s, out, outsz);
	return parse_u32(t, s, out, outsz);
}
const struct conf_type conf_t_label = {.valid = "auto or 0..1048575",
	.parse = parse_label,
	.cmp = cmp_str,
	.min = 0,
	.max = 1048575};
