/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Malformed input: every bad line (or small bad transaction) is refused with a
 * specific error on the right line, and the transaction leaves the rendering
 * byte-identical (atomicity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf_test_util.h"

static const char base[] =
	"set vrf name CUSTOMER-A table 10\n"
	"set vrf name SHARED table 20\n"
	"set interfaces ethernet eth1 vrf CUSTOMER-A\n"
	"set interfaces ethernet eth2 vrf SHARED\n"
	"set interfaces ethernet eth1 address 10.1.0.1/24\n"
	"set interfaces ethernet eth2 address 10.100.0.1/24\n"
	"set interfaces ethernet eth3 address 192.0.2.1/24\n"
	"set interfaces ethernet eth3 vif 7 vrf SHARED\n"
	"set policy prefix-list PL rule 10 prefix 10.100.0.0/16\n"
	"set policy prefix-list PL rule 10 action permit\n"
	"set policy route-map RM rule 10 match ip address prefix-list PL\n"
	"set policy route-map RM rule 10 action permit\n"
	"set firewall ipv4 name FW default-action drop\n"
	"set vrf name SHARED protocols static route 10.1.0.0/24 interface eth1 vrf CUSTOMER-A\n"
	"set vrf name SHARED protocols static route 10.7.0.0/24 interface eth3.7\n"
	"set vrf name CUSTOMER-A leak-firewall to SHARED name FW\n"
	"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-map vpn import "
	"RM\n";

#define BGP_AF "set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast "
#define ROUTE_A "set vrf name CUSTOMER-A protocols static route "
#define FW_RULE "set firewall ipv4 name FW rule 10 "

struct bad {
	const char *text; /* one or more lines, numbered from 1 */
	unsigned line; /* the line the error must name */
	const char *want; /* substring of the error message */
};

static const struct bad bad[] = {
	/* unknown paths, with what is valid */
	{"set interfaces ethernet eth1 adress 10.1.0.1/24", 1,
		"unknown node 'adress' after 'interfaces ethernet eth1' (valid: address, "
		"description, "
		"disable, hw-id, ip, mtu, vif, vrf)"},
	{"set vlan 10", 1,
		"unknown node 'vlan' after 'set' (valid: firewall, interfaces, policy, protocols, "
		"service, system, vrf)"},
	{"set policy route-map RM rule 10 set weight 5", 1,
		"unknown node 'weight' after 'policy route-map RM rule 10 set' (valid: "
		"local-preference, "
		"metric)"},
	{BGP_AF "route-target import-export 65000:1", 1, "unknown node 'import-export'"},
	{"set vrf name CUSTOMER-A protocols bgp address-family ipv6-unicast", 1,
		"unknown node 'ipv6-unicast' after 'vrf name CUSTOMER-A protocols bgp "
		"address-family' "
		"(valid: ipv4-unicast)"},
	{"set protocols ospf area 0", 1,
		"unknown node 'ospf' after 'protocols' (valid: bgp, fpm, static)"},
	{"delete vrf name CUSTOMER-A tabel", 1, "unknown node 'tabel' after 'vrf name CUSTOMER-A'"},
	{"frobnicate vrf", 1, "unknown command 'frobnicate' (valid: set, delete"},
	{"\n\nshow vrf", 3, "unknown command 'show'"},
	/* bad values */
	{ROUTE_A "10.1.0.1/24 blackhole", 1,
		"host bits set in 10.1.0.1/24 (did you mean 10.1.0.0/24?)"},
	{"set protocols static route 10.0.0.1/8 blackhole", 1,
		"host bits set in 10.0.0.1/8 (did you mean 10.0.0.0/8?)"},
	{"set policy prefix-list PL rule 20 prefix 10.100.0.10/16", 1,
		"host bits set in 10.100.0.10/16 (did you mean 10.100.0.0/16?)"},
	{ROUTE_A "10.0.0.0/33 blackhole", 1, "10.0.0.0/33: not an IPv4 prefix"},
	{ROUTE_A "10.0.0.0 blackhole", 1, "10.0.0.0: not an IPv4 prefix"},
	{"set protocols static route 10.0.0.0/8 next-hop 256.1.1.1", 1,
		"256.1.1.1: not an IPv4 address (after 'protocols static route 10.0.0.0/8 "
		"next-hop'; "
		"valid: an IPv4 address A.B.C.D)"},
	{"set protocols static route 10.0.0.0/8 next-hop 10.01.0.1", 1,
		"10.01.0.1: not an IPv4 address"},
	{"set interfaces ethernet eth1 address 256.1.1.1/24", 1,
		"256.1.1.1/24: not an IPv4 address with prefix length"},
	{"set interfaces ethernet eth1 address 10.1.0.1", 1,
		"10.1.0.1: not an IPv4 address with prefix length"},
	{"set interfaces ethernet eth1 address 10.1.0.0/24", 1,
		"10.1.0.0/24 is the network address of its subnet"},
	{"set interfaces ethernet eth1 address 10.1.0.255/24", 1,
		"10.1.0.255/24 is the broadcast address of its subnet"},
	{"set interfaces ethernet eth1 address 10.1.0.1/0", 1,
		"a /0 interface address is not allowed"},
	{"set interfaces ethernet eth1 address 224.0.0.1/24", 1, "not a unicast host address"},
	{BGP_AF "rd 65000", 1, "65000: not a route distinguisher/target (after"},
	{BGP_AF "rd 1.2.3.4:70000", 1, "1.2.3.4:70000: not a route distinguisher/target"},
	{BGP_AF "rd vpn export 65000:", 1, "65000:: not a route distinguisher/target"},
	{BGP_AF "route-target import 65000:x", 1, "65000:x: not a route distinguisher/target"},
	{BGP_AF "route-target vpn export '65000:1 bogus'", 1,
		"bogus: not a route distinguisher/target"},
	{"set vrf name CUSTOMER-A table 0", 1,
		"0: out of range (after 'vrf name CUSTOMER-A table'; valid: 1..4294967295 except "
		"253-255)"},
	{"set vrf name CUSTOMER-A table 254", 1, "254: out of range"},
	{"set vrf name CUSTOMER-A table 4294967296", 1, "4294967296: out of range"},
	{"set vrf name CUSTOMER-A table 010", 1, "010: leading zero in number"},
	{"set vrf name CUSTOMER-A table ten", 1, "ten: not a number"},
	{"set vrf name CUSTOMER-A protocols bgp system-as 0", 1, "0: out of range"},
	{"set interfaces ethernet eth1 mtu 67", 1,
		"67: out of range (after 'interfaces ethernet eth1 mtu'; valid: 68..9000)"},
	{"set interfaces ethernet eth1 mtu 9001", 1, "9001: out of range"},
	{"set interfaces ethernet eth1 vif 4095 disable", 1,
		"4095: out of range (after 'interfaces ethernet eth1 vif'; valid: 0..4094)"},
	{"set interfaces ethernet eth1024 disable", 1, "eth1024: not an ethernet interface name"},
	{"set interfaces ethernet ens3 disable", 1,
		"ens3: not an ethernet interface name (after 'interfaces ethernet'; valid: ethN, N "
		"0..1023)"},
	{"set interfaces ethernet eth1.5 disable", 1, "eth1.5: not an ethernet interface name"},
	{"set protocols static route 10.9.0.0/16 interface eth1.4095", 1,
		"eth1.4095: not an interface name"},
	{"set protocols static route 10.9.0.0/16 next-hop 10.0.0.1 distance 0", 1,
		"0: out of range (after 'protocols static route 10.9.0.0/16 next-hop 10.0.0.1 "
		"distance'; valid: 1..255)"},
	{"set protocols static route 10.9.0.0/16 next-hop 10.0.0.1 weight 0", 1,
		"0: out of range (after 'protocols static route 10.9.0.0/16 next-hop 10.0.0.1 "
		"weight'; valid: 1..255)"},
	{"set protocols static route 10.9.0.0/16 interface eth1 weight 256", 1,
		"256: out of range"},
	{"set vrf name default table 30", 1, "default: reserved VRF name"},
	{"set vrf name THIS-NAME-IS-LONG table 30", 1, "THIS-NAME-IS-LONG: not a VRF name"},
	{"set vrf name bad!name table 30", 1, "bad!name: not a VRF name"},
	{"set policy prefix-list bad/name rule 10 action permit", 1,
		"bad/name: not a valid name (after 'policy prefix-list'; valid: 1..63 letters"},
	{"set policy prefix-list PL rule 0 action permit", 1,
		"0: out of range (after 'policy prefix-list PL rule'; valid: 1..65535)"},
	{"set policy prefix-list PL rule 10 action allow", 1,
		"allow: not one of the allowed words (after 'policy prefix-list PL rule 10 "
		"action'; valid: permit, deny)"},
	{"set policy prefix-list PL rule 10 ge 33", 1, "33: out of range"},
	{"set policy route-map RM rule 10 set local-preference -1", 1, "-1: not a number"},
	{FW_RULE "action allow", 1,
		"allow: not one of the allowed words (after 'firewall ipv4 name FW rule 10 "
		"action'; valid: accept, drop, reject)"},
	{"set firewall ipv4 name FW rule 1000000 action accept", 1, "1000000: out of range"},
	{FW_RULE "protocol 256", 1,
		"256: not a protocol (after 'firewall ipv4 name FW rule 10 protocol'; valid: tcp, "
		"udp, icmp, all or 0..255)"},
	{FW_RULE "protocol gre", 1, "gre: not a protocol"},
	{FW_RULE "destination port 0", 1, "'0' is not a port 1..65535"},
	{FW_RULE "destination port 80-20", 1, "port range 80-20 is reversed"},
	{FW_RULE "source port 65536", 1, "'65536' is not a port 1..65535"},
	{FW_RULE "source port 80,,90", 1, "not a port list"},
	{FW_RULE "state bogus", 1,
		"bogus: not one of the allowed words (after 'firewall ipv4 name FW rule 10 state'; "
		"valid: established, invalid, new, related)"},
	{FW_RULE "icmp type 300", 1, "300: out of range"},
	{"set firewall ipv4 name FW default-action permit", 1, "valid: accept, drop, reject"},
	{"set interfaces ethernet eth1 description 'a\"b'\"c'd\"", 1,
		"text with both kinds of quotes"},
	/* syntax: quotes, missing values, extra tokens */
	{"set interfaces ethernet eth1 description 'unterminated", 1, "unterminated single quote"},
	{"set interfaces ethernet eth1 description \"unterminated", 1, "unterminated double quote"},
	{"set vrf name CUSTOMER-A table", 1,
		"missing value after 'vrf name CUSTOMER-A table' (valid: 1..4294967295 except "
		"253-255)"},
	{"set vrf name", 1, "missing value after 'vrf name' (valid: 1..15 letters"},
	{"set vrf", 1, "incomplete path 'vrf' (continue with one of: name)"},
	{"set vrf name CUSTOMER-A protocols", 1,
		"incomplete path 'vrf name CUSTOMER-A protocols' (continue with one of: bgp, "
		"static)"},
	{"set", 1, "'set' needs a path (valid: firewall, interfaces"},
	{"delete", 1, "'delete' needs a path"},
	{BGP_AF "route-target import ' '", 1, "missing value after"},
	{"set vrf name CUSTOMER-A table 10 20", 1,
		"unexpected '20' after 'vrf name CUSTOMER-A table 10' (the path is complete)"},
	{"set interfaces ethernet eth1 disable now", 1,
		"unexpected 'now' after 'interfaces ethernet eth1 disable'"},
	{"commit now", 1, "unexpected 'now' after 'commit'"},
	{"delete vrf name NOPE", 1, "nothing to delete: 'vrf name NOPE' is not configured"},
	{"delete interfaces ethernet eth1 address 10.9.9.9/24", 1,
		"nothing to delete: 'interfaces ethernet eth1 address 10.9.9.9/24' is not "
		"configured"},
	{"delete interfaces ethernet eth1 mtu", 1,
		"nothing to delete: 'interfaces ethernet eth1 mtu'"},
	/* references to undefined objects */
	{"set interfaces ethernet eth3 vrf CUSTOMER-C", 1,
		"vrf 'CUSTOMER-C' is not defined (referenced by 'interfaces ethernet eth3 vrf')"},
	{"set interfaces ethernet eth1 vif 10 vrf NOPE", 1,
		"vrf 'NOPE' is not defined (referenced by 'interfaces ethernet eth1 vif 10 vrf')"},
	{"\n" ROUTE_A "10.9.0.0/16 next-hop 10.100.0.1 vrf NOPE", 2,
		"vrf 'NOPE' is not defined (referenced by 'vrf name CUSTOMER-A protocols static "
		"route "
		"10.9.0.0/16 next-hop 10.100.0.1 vrf')"},
	{ROUTE_A "10.9.0.0/16 interface eth9", 1,
		"interface 'eth9' is not defined (referenced by 'vrf name CUSTOMER-A protocols "
		"static "
		"route 10.9.0.0/16 interface')"},
	{"set protocols static route 10.9.0.0/16 interface eth1.5", 1,
		"interface 'eth1.5' is not defined"},
	{BGP_AF "import vrf NOPE", 1,
		"vrf 'NOPE' is not defined (referenced by 'vrf name CUSTOMER-A protocols bgp "
		"address-family ipv4-unicast import vrf')"},
	{BGP_AF "route-map vpn export NOPE", 1, "route-map 'NOPE' is not defined"},
	{"set policy route-map RM2 rule 10 match ip address prefix-list NOPE", 1,
		"prefix-list 'NOPE' is not defined (referenced by 'policy route-map RM2 rule 10 "
		"match ip "
		"address prefix-list')"},
	{"set vrf name SHARED leak-firewall to CUSTOMER-A name NOPE", 1,
		"firewall ruleset 'NOPE' is not defined"},
	{"set vrf name SHARED leak-firewall to GHOST name FW", 1, "vrf 'GHOST' is not defined"},
	/* `default` names the default VRF there; the other reserved names nothing */
	{"set vrf name SHARED leak-firewall to main name FW", 1,
		"main: reserved VRF name (after 'vrf name SHARED leak-firewall to'; valid: "
		"default, "
		"or a VRF name"},
	{"set vrf name SHARED leak-nat to local source translation address 100.64.0.0/24", 1,
		"local: reserved VRF name (after 'vrf name SHARED leak-nat to'; valid: default, or "
		"a "
		"VRF name"},
	/* interfaces in the wrong VRF */
	{ROUTE_A "10.9.0.0/16 interface eth2", 1,
		"interface 'eth2' is in vrf SHARED, not in vrf CUSTOMER-A"},
	{"set protocols static route 10.9.0.0/16 interface eth1", 1,
		"interface 'eth1' is in vrf CUSTOMER-A, not in vrf default"},
	{ROUTE_A "10.9.0.0/16 interface eth1 vrf SHARED", 1,
		"interface 'eth1' is in vrf CUSTOMER-A, not in vrf SHARED"},
	{"set interfaces ethernet eth1 vrf SHARED", 1,
		"interface 'eth1' is in vrf SHARED, not in vrf CUSTOMER-A (at 'vrf name SHARED "
		"protocols "
		"static route 10.1.0.0/24 interface eth1'"},
	{"delete interfaces ethernet eth3 vif 7 vrf", 1,
		"interface 'eth3.7' is in vrf default, not in vrf SHARED"},
	/* duplicates and self references */
	{"set vrf name SHARED table 10", 1,
		"table 10 of vrf SHARED is already used by vrf CUSTOMER-A"},
	{"set vrf name NEW table 20", 1, "table 20 of vrf NEW is already used by vrf SHARED"},
	{"set vrf name X table 50\nset vrf name Y table 50", 1, "is already used by vrf"},
	{BGP_AF "import vrf CUSTOMER-A", 1,
		"vrf CUSTOMER-A: 'import vrf CUSTOMER-A' imports the VRF into itself"},
	{"set vrf name SHARED leak-firewall to SHARED name FW", 1,
		"'leak-firewall to SHARED' names the VRF itself"},
	/* ge/le */
	{"set policy prefix-list P2 rule 10 prefix 10.0.0.0/16\nset policy prefix-list P2 rule 10 "
	 "ge 8",
		1,
		"prefix-list P2 rule 10: ge 8 must be greater than the prefix length 16 (valid: 16 "
		"< ge <= le <= 32)"},
	{"set policy prefix-list P2 rule 10 prefix 10.0.0.0/16\nset policy prefix-list P2 rule 10 "
	 "le 16",
		1, "le 16 must be greater than the prefix length 16"},
	{"set policy prefix-list P2 rule 10 prefix 10.0.0.0/16\nset policy prefix-list P2 rule 10 "
	 "ge 24\n"
	 "set policy prefix-list P2 rule 10 le 20",
		1, "ge 24 is greater than le 20"},
	{"set policy prefix-list P2 rule 10 ge 24", 1,
		"prefix-list P2 rule 10: ge without a prefix"},
	{"set policy prefix-list PL rule 10 le 8", 1,
		"prefix-list PL rule 10: le 8 must be greater than the prefix length 16"},
	/* deleting what is referenced */
	{"delete vrf name CUSTOMER-A", 1, "cannot delete vrf CUSTOMER-A: still referenced by '"},
	{"delete vrf", 1, "cannot delete vrf "},
	{"delete policy prefix-list PL", 1,
		"cannot delete prefix-list PL: still referenced by 'policy route-map RM rule 10 "
		"match ip "
		"address prefix-list PL'"},
	{"delete policy route-map RM", 1,
		"cannot delete route-map RM: still referenced by 'vrf name CUSTOMER-A protocols "
		"bgp address-family ipv4-unicast route-map vpn import RM'"},
	{"delete firewall ipv4 name FW", 1,
		"cannot delete firewall ruleset FW: still referenced by 'vrf name CUSTOMER-A "
		"leak-firewall to SHARED name FW'"},
	{"delete interfaces ethernet eth1", 1,
		"cannot delete interface eth1: still referenced by 'vrf name SHARED protocols "
		"static route 10.1.0.0/24 interface eth1'"},
	{"delete interfaces ethernet eth3 vif 7", 1,
		"cannot delete interface eth3.7: still referenced by"},
	{"set vrf name Z table 99\ndelete vrf name SHARED", 2, "cannot delete vrf SHARED"},
	{BGP_AF "rd 65000:1\n" BGP_AF "rd vpn export 65000:2", 1,
		"vrf CUSTOMER-A: both 'rd 65000:1' and 'rd vpn export 65000:2' are set"},
	/* incomplete objects */
	{"set vrf name NEWV protocols static route 10.0.0.0/8 blackhole", 1,
		"vrf NEWV has no table (valid: set 'vrf name NEWV table N'"},
	{"set vrf name Z description 'no table yet'", 1, "vrf Z has no table"},
	{"\ndelete vrf name SHARED table", 2, "vrf SHARED has no table"},
	{"set vrf name NEWV protocols static route 10.0.0.0/8", 1,
		"static route '10.0.0.0/8' has no next-hop, interface or blackhole"},
	{"set vrf name NEWV protocols bgp address-family ipv4-unicast rd 65000:1", 1,
		"vrf NEWV: bgp address-family needs 'protocols bgp system-as'"},
	{"delete vrf name CUSTOMER-A protocols bgp system-as", 1,
		"vrf CUSTOMER-A: bgp address-family needs"},
	{FW_RULE "destination port 53", 1,
		"firewall ipv4 name FW rule 10: a port needs 'protocol tcp' or 'protocol udp' "
		"(protocol is unset)"},
	{FW_RULE "protocol udp", 1, "firewall ipv4 name FW rule 10: no 'action'"},
	{FW_RULE "protocol tcp\n" FW_RULE "icmp type 8", 1,
		"'icmp type' needs 'protocol icmp' (protocol is tcp)"},
	/* errors name the line that makes the reference or the rule, not the
	 * first line of its object */
	{"set firewall ipv4 name F2 rule 10 action accept\n"
	 "set firewall ipv4 name F2 rule 20 protocol udp",
		2, "firewall ipv4 name F2 rule 20: no 'action'"},
	{"set firewall ipv4 name F2 rule 10 action accept\n"
	 "set firewall ipv4 name F2 rule 20 action accept\n"
	 "set firewall ipv4 name F2 rule 20 destination port 53",
		2, "firewall ipv4 name F2 rule 20: a port needs 'protocol tcp'"},
	{"set vrf name X table 60\n"
	 "set vrf name X protocols bgp system-as 65000\n"
	 "set vrf name X protocols bgp address-family ipv4-unicast route-map vpn import NOPE",
		3,
		"route-map 'NOPE' is not defined (referenced by 'vrf name X protocols bgp "
		"address-family ipv4-unicast route-map vpn import')"},
	{"set vrf name X table 60\nset vrf name X description x\n"
	 "set interfaces ethernet eth5 vrf X\nset interfaces ethernet eth5 description y\n"
	 "set vrf name X protocols static route 10.9.0.0/16 interface eth5\n"
	 "set vrf name X protocols static route 10.9.0.0/16 interface eth6",
		6, "interface 'eth6' is not defined"},
	{"set policy route-map R2 rule 10 action permit\n"
	 "set policy route-map R2 rule 20 action permit\n"
	 "set policy route-map R2 rule 20 match ip address prefix-list NOPE",
		3, "prefix-list 'NOPE' is not defined"},
	{"set vrf name X table 60\nset vrf name X protocols static route 10.9.0.0/16 "
	 "blackhole\nset vrf name X protocols static route 10.9.0.0/16 interface eth1",
		3, "interface 'eth1' is in vrf CUSTOMER-A, not in vrf X"},
	/* a prefix-list or route-map rule without action, in a policy in use */
	{"set policy prefix-list PL rule 20 prefix 10.200.0.0/16", 1,
		"prefix-list PL rule 20: no 'action' (valid: permit, deny; as on VyOS, every rule "
		"needs one, and prefix-list PL is matched by route-map RM, applied by vrf "
		"CUSTOMER-A)"},
	{"set policy route-map RM rule 5 set metric 5", 1,
		"route-map RM rule 5: no 'action' (valid: permit, deny; as on VyOS, every rule "
		"needs one, and route-map RM is applied by vrf CUSTOMER-A's 'route-map vpn "
		"import')"},
	{"delete policy prefix-list PL rule 10 action", 1, "prefix-list PL rule 10: no 'action'"},
	{"delete policy route-map RM rule 10 action", 1, "route-map RM rule 10: no 'action'"},
	{"set policy route-map R3 rule 10 set metric 1\n"
	 "set policy route-map R3 rule 20 action permit\n" BGP_AF "route-map vpn export R3",
		1, "route-map R3 rule 10: no 'action'"},
	{"set policy prefix-list P4 rule 5 prefix 10.0.0.0/8\n"
	 "set policy prefix-list P4 rule 7 action permit\n"
	 "set policy route-map R4 rule 10 match ip address prefix-list P4\n"
	 "set policy route-map R4 rule 10 action permit\n" BGP_AF "route-map vpn export R4",
		1,
		"prefix-list P4 rule 5: no 'action' (valid: permit, deny; as on VyOS, every rule "
		"needs one, and prefix-list P4 is matched by route-map R4, applied by vrf "
		"CUSTOMER-A)"},
	{"set policy route-map RM rule 10 match ip address prefix-list P5\n"
	 "set policy prefix-list P5 rule 1 ge 24\nset policy prefix-list P5 rule 1 prefix "
	 "10.0.0.0/8",
		2, "prefix-list P5 rule 1: no 'action'"},
	/* the bad line anywhere: later good lines do not hide it */
	{"set vrf name OK table 77\nset vrf name OK tabel 78\nset vrf name OK description fine", 2,
		"unknown node 'tabel' after 'vrf name OK'"},
	/* hw-id: a NIC's MAC or PCI address, one interface each */
	{"set interfaces ethernet eth1 hw-id 01:00:5e:00:00:01", 1,
		"01:00:5e:00:00:01 is a multicast MAC address, not a NIC's"},
	{"set interfaces ethernet eth1 hw-id 52:54:00:12:34", 1,
		"not a MAC address or a PCI address"},
	{"set interfaces ethernet eth1 hw-id 52:54:00:12:34:5g", 1,
		"not a MAC address or a PCI address"},
	{"set interfaces ethernet eth1 hw-id 0000:03:20.0", 1,
		"a PCI device is 00..1f and a function 0..7"},
	{"set interfaces ethernet eth1 hw-id 0000:03:00.0x", 1,
		"not a MAC address or a PCI address"},
	{"set interfaces ethernet eth1 hw-id 52:54:00:12:34:56\n"
	 "set interfaces ethernet eth3 description x\n"
	 "set interfaces ethernet eth2 hw-id 52:54:00:12:34:56",
		1, "interfaces ethernet eth1 hw-id 52:54:00:12:34:56: eth2 has the same hw-id"},
};

static void test_malformed_table(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	char *before;

	(void)state;
	assert_int_equal(conf_load(c, base, &e), 0);
	before = sl_conf_render_str(c);
	assert_non_null(before);
	print_message("%zu malformed cases\n", sizeof(bad) / sizeof(bad[0]));
	assert_true(sizeof(bad) / sizeof(bad[0]) >= 60);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *after;
		int rc;

		sl_errors_clear(&e);
		rc = conf_load(c, bad[i].text, &e);
		if (rc == 0 || !conf_errors_have(&e, bad[i].line, bad[i].want)) {
			print_error("case %zu: \"%s\"\n  want line %u: %s\n  got (rc %d):\n", i,
				bad[i].text, bad[i].line, bad[i].want, rc);
			conf_print_errors(&e);
			fail();
		}
		after = sl_conf_render_str(c);
		assert_string_equal(before, after);
		free(after);
	}
	free(before);
	sl_errors_free(&e);
	sl_conf_free(c);
}

/* A large valid transaction with every kind of change, and one bad line at
 * each position in turn: the rendering stays byte-identical. */
/* A delete of several values is refused whole when one is not there: the
 * tree is unchanged by a failed line (the CLI's candidate relies on it). */
static void test_delete_values_whole(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	(void)state;
	assert_int_equal(conf_load(c,
				 "set vrf name CUSTOMER-A table 10\n"
				 "set vrf name CUSTOMER-A protocols bgp system-as 65000\n" BGP_AF
				 "route-target import '1:1 1:2'\n",
				 &e),
		0);
	char *before = sl_conf_render_str(c);
	assert_int_equal(sl_conf_begin(c), 0);
	assert_int_equal(sl_conf_exec(c,
				 "delete vrf name CUSTOMER-A protocols bgp address-family "
				 "ipv4-unicast route-target import '1:1 1:3'",
				 1, &e, NULL),
		-EINVAL);
	assert_true(conf_errors_have(&e, 1, "nothing to delete"));
	char *after = sl_conf_render_str(c);
	assert_string_equal(before, after);
	free(after);
	sl_errors_free(&e);
	assert_int_equal(sl_conf_exec(c,
				 "delete vrf name CUSTOMER-A protocols bgp address-family "
				 "ipv4-unicast route-target import '1:2 1:1'",
				 2, &e, NULL),
		0);
	after = sl_conf_render_str(c);
	assert_null(strstr(after, "route-target"));
	free(after);
	free(before);
	sl_conf_abort(c);
	sl_errors_free(&e);
	sl_conf_free(c);
}

static void test_atomicity(void **state)
{
	static const char *const good[] = {
		"set vrf name CUSTOMER-A table 11",
		"delete vrf name CUSTOMER-A leak-firewall",
		"set vrf name NEW table 30",
		"set vrf name NEW protocols static route 10.0.0.0/8 blackhole",
		"delete interfaces ethernet eth3 address 192.0.2.1/24",
		"set interfaces ethernet eth3 address 192.0.2.9/24",
		"set interfaces ethernet eth3 description 'moved # here'",
		"delete vrf name SHARED protocols static route 10.1.0.0/24",
		BGP_AF "route-target import '1:1 1:2'",
		"delete policy route-map RM rule 10 match",
		"set policy prefix-list PL rule 20 action deny",
		"delete vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-map",
		"delete policy prefix-list PL",
		"set firewall ipv4 name FW rule 5 action accept",
	};
	static const char *const bad_lines[] = {
		"set vrf name NEW table 300000000000", /* exec error */
		"set interfaces ethernet eth5 vrf GHOST", /* validation error */
	};
	const size_t ngood = sizeof(good) / sizeof(good[0]);
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	char *before, *after;

	(void)state;
	assert_int_equal(conf_load(c, base, &e), 0);
	before = sl_conf_render_str(c);

	/* the good lines alone are a valid transaction that changes the rendering */
	assert_int_equal(sl_conf_begin(c), 0);
	for (size_t i = 0; i < ngood; i++)
		assert_int_equal(sl_conf_exec(c, good[i], (unsigned)i + 1, &e, NULL), 0);
	if (sl_conf_validate(c, &e) != 0)
		conf_print_errors(&e);
	assert_int_equal(e.n, 0);
	after = sl_conf_render_str(c);
	assert_string_not_equal(before, after);
	free(after);
	assert_int_equal(sl_conf_abort(c), 0);
	after = sl_conf_render_str(c);
	assert_string_equal(before, after);
	free(after);

	for (size_t b = 0; b < 2; b++) {
		for (size_t pos = 0; pos <= ngood; pos++) {
			unsigned line = 1;

			sl_errors_clear(&e);
			assert_int_equal(sl_conf_begin(c), 0);
			for (size_t i = 0; i <= ngood; i++) {
				if (i == pos)
					sl_conf_exec(c, bad_lines[b], line++, &e, NULL);
				if (i < ngood)
					sl_conf_exec(c, good[i], line++, &e, NULL);
			}
			assert_int_equal(sl_conf_commit(c, &e), -EINVAL);
			assert_true(conf_errors_have(
				&e, (unsigned)pos + 1, b ? "GHOST" : "out of range"));
			assert_int_equal(sl_conf_abort(c), 0);
			after = sl_conf_render_str(c);
			assert_string_equal(before, after);
			free(after);
		}
	}
	/* and the configuration still works after all those aborts */
	assert_int_equal(conf_load(c, "set vrf name SHARED description 'still fine'\n", &e), 0);
	free(before);
	sl_errors_free(&e);
	sl_conf_free(c);
}

/* Exactly one error, at line, with exactly this message. */
static void assert_only_error(const struct sl_errors *e, unsigned line, const char *msg)
{
	if (e->n != 1 || e->v[0].line != line || strcmp(e->v[0].msg, msg) != 0) {
		for (size_t i = 0; i < e->n; i++)
			print_error("got %u: %s\n", e->v[i].line, e->v[i].msg);
		print_error("want %u: %s\n", line, msg);
		fail();
	}
}

struct text {
	char *s;
	size_t len, cap;
};

static void addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	if (t->cap - t->len < 256) {
		t->cap = t->cap ? t->cap * 2 : 1 << 16;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	t->len += (size_t)vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
}

/* SL_VRF_CONF_MAX VRFs load; the one past the limit is refused at the line
 * that made it, naming it and the limit, whether it comes in the same
 * transaction as the others or later. */
/* A static route holds at most SL_ECMP_MAX next hops (ECMP paths). */
static void test_ecmp_limit(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	struct text t = {0};
	char msg[256];

	(void)state;
	for (int i = 0; i < SL_ECMP_MAX - 1; i++)
		addf(&t, "set protocols static route 10.9.0.0/16 next-hop 10.0.0.%d\n", 10 + i);
	addf(&t, "set protocols static route 10.9.0.0/16 next-hop 10.0.0.99 weight 255\n");
	assert_int_equal(conf_load(c, t.s, &e), 0); /* exactly at the limit */
	/* one more, by interface, in a later transaction: its line */
	assert_int_not_equal(conf_load(c,
				     "set interfaces ethernet eth1 address 10.0.0.1/24\n"
				     "set protocols static route 10.9.0.0/16 interface eth1\n",
				     &e),
		0);
	snprintf(msg, sizeof(msg),
		"static route '10.9.0.0/16' has %d next hops (next-hop and interface), more than "
		"the %d paths of an ECMP route (at 'protocols static route 10.9.0.0/16'; valid: "
		"at most %d)",
		SL_ECMP_MAX + 1, SL_ECMP_MAX, SL_ECMP_MAX);
	assert_only_error(&e, 2, msg);
	/* all in one transaction: reported at the route's lines, never applied */
	struct sl_conf *d = sl_conf_new();
	sl_errors_clear(&e);
	addf(&t, "set protocols static route 10.9.0.0/16 blackhole\n");
	addf(&t, "set protocols static route 10.9.0.0/16 next-hop 10.0.0.100\n");
	assert_int_not_equal(conf_load(d, t.s, &e), 0);
	assert_only_error(&e, 1, msg);
	free(t.s);
	sl_errors_free(&e);
	sl_conf_free(c);
	sl_conf_free(d);
}

static void test_vrf_limit(void **state)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	struct text t = {0};
	char *before, msg[128];

	(void)state;
	for (int i = 1; i <= SL_VRF_CONF_MAX; i++) {
		addf(&t, "set vrf name C%d table %d\n", i, 1000 + i);
		addf(&t, "set vrf name C%d description 'tenant %d'\n", i, i);
	}
	assert_int_equal(conf_load(c, t.s, &e), 0); /* exactly at the limit */
	before = sl_conf_render_str(c);

	/* one more in a later transaction: line 2 of it */
	assert_int_not_equal(conf_load(c,
				     "set vrf name C1 description x\n"
				     "set vrf name ONE-TOO-MANY table 99999\n"
				     "set vrf name ONE-TOO-MANY description y\n",
				     &e),
		0);
	snprintf(msg, sizeof(msg), "vrf name ONE-TOO-MANY: too many VRFs (limit %d)",
		SL_VRF_CONF_MAX);
	assert_only_error(&e, 2, msg);
	char *after = sl_conf_render_str(c);
	assert_string_equal(before, after);
	free(after);

	/* one deleted and one added in one transaction: still at the limit */
	sl_errors_clear(&e);
	assert_int_equal(conf_load(c,
				 "delete vrf name C7\n"
				 "set vrf name NEW table 99999\n",
				 &e),
		0);

	/* all in one transaction: the first line of the VRF past the limit */
	struct sl_conf *d = sl_conf_new();
	sl_errors_clear(&e);
	addf(&t, "set vrf name C%d table %d\n", SL_VRF_CONF_MAX + 1, 99999);
	addf(&t, "set vrf name C1 description again\n");
	assert_int_not_equal(conf_load(d, t.s, &e), 0);
	snprintf(msg, sizeof(msg), "vrf name C%d: too many VRFs (limit %d)", SL_VRF_CONF_MAX + 1,
		SL_VRF_CONF_MAX);
	assert_only_error(&e, 2 * SL_VRF_CONF_MAX + 1, msg);

	free(before);
	free(t.s);
	sl_errors_free(&e);
	sl_conf_free(c);
	sl_conf_free(d);
}

/* Interfaces and vifs count together against SL_IFACE_MAX: eth0 and eth1
 * with 4094 vifs each, eth2 with the rest. */
static size_t ifaces_to_limit(struct text *t)
{
	size_t n = 0, lines = 0;
	for (int p = 0; n < SL_IFACE_MAX; p++) {
		addf(t, "set interfaces ethernet eth%d address 10.%d.0.1/24\n", p, p);
		n++, lines++;
		for (int v = 1; v <= 4094 && n < SL_IFACE_MAX; v++, n++, lines++)
			addf(t, "set interfaces ethernet eth%d vif %d description t%d\n", p, v, v);
	}
	return lines;
}

static void test_iface_limit(void **state)
{
	struct sl_conf *c = sl_conf_new(), *d = sl_conf_new();
	struct sl_errors e = {0};
	struct text t = {0};
	char msg[160];

	(void)state;
	size_t lines = ifaces_to_limit(&t);
	assert_int_equal(conf_load(c, t.s, &e), 0); /* exactly at the limit */
	char *before = sl_conf_render_str(c);

	/* a vif past it, later */
	assert_int_not_equal(conf_load(c,
				     "set interfaces ethernet eth0 description x\n"
				     "set interfaces ethernet eth2 vif 4000 description over\n",
				     &e),
		0);
	snprintf(msg, sizeof(msg),
		"interfaces ethernet eth2 vif 4000: too many interfaces (limit %d, interfaces "
		"and vifs together)",
		SL_IFACE_MAX);
	assert_only_error(&e, 2, msg);
	char *after = sl_conf_render_str(c);
	assert_string_equal(before, after);
	free(after);

	/* an interface past it, made by the line of its first vif */
	sl_errors_clear(&e);
	assert_int_not_equal(
		conf_load(c, "set interfaces ethernet eth9 vif 5 description over\n", &e), 0);
	snprintf(msg, sizeof(msg),
		"interfaces ethernet eth9: too many interfaces (limit %d, interfaces and vifs "
		"together)",
		SL_IFACE_MAX);
	assert_only_error(&e, 1, msg);

	/* at the limit less one, that line's interface fits and its vif does not */
	sl_errors_clear(&e);
	assert_int_equal(conf_load(c, "delete interfaces ethernet eth0 vif 1\n", &e), 0);
	assert_int_not_equal(
		conf_load(c, "set interfaces ethernet eth9 vif 5 description over\n", &e), 0);
	snprintf(msg, sizeof(msg),
		"interfaces ethernet eth9 vif 5: too many interfaces (limit %d, interfaces and "
		"vifs together)",
		SL_IFACE_MAX);
	assert_only_error(&e, 1, msg);

	/* all in one transaction */
	sl_errors_clear(&e);
	addf(&t, "set interfaces ethernet eth0 mtu 1500\n");
	addf(&t, "set interfaces ethernet eth2 vif 4000 description over\n");
	assert_int_not_equal(conf_load(d, t.s, &e), 0);
	snprintf(msg, sizeof(msg),
		"interfaces ethernet eth2 vif 4000: too many interfaces (limit %d, interfaces "
		"and vifs together)",
		SL_IFACE_MAX);
	assert_only_error(&e, (unsigned)lines + 2, msg);

	free(before);
	free(t.s);
	sl_errors_free(&e);
	sl_conf_free(c);
	sl_conf_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_atomicity),
		cmocka_unit_test(test_delete_values_whole),
		cmocka_unit_test(test_ecmp_limit),
		cmocka_unit_test(test_vrf_limit),
		cmocka_unit_test(test_iface_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
