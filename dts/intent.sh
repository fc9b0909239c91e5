#!/usr/bin/env bash
# dts: isolation intents on the live demo topology. The shared-services
# policy (the customers never reach each other, CUSTOMER-A reaches the DNS
# server with a way back) commits through `sluicectl configure`; a commit
# that would let CUSTOMER-A reach CUSTOMER-B is refused naming the intent and
# its line, the running configuration is unchanged and a's packets still do
# not reach b; `show policy intent` (text and --json) shows the evidence.
. "$(dirname "$0")/dts-lib.sh"
dts_init in
dts_start "$DTS_TOP/config/demo-shared-services.conf"

intents='set policy intent A-NOT-B deny from CUSTOMER-A to CUSTOMER-B
set policy intent B-NOT-A deny from CUSTOMER-B to CUSTOMER-A
set policy intent A-DNS require from CUSTOMER-A to SHARED address 10.100.0.10'
check "the intents commit" topo_ctl configure - <<<"$intents"
check "show policy intent: A-NOT-B holds" output_matches \
	'^policy intent A-NOT-B: deny from CUSTOMER-A to CUSTOMER-B: holds$' \
	topo_ctl show policy intent
check "show policy intent: A-DNS's way out of eth3" output_matches \
	'forward: CUSTOMER-A 10\.100\.0\.0/24 static-leak from SHARED -> SHARED 10\.100\.0\.0/24 connected, out of eth3 \(vrf SHARED\)' \
	topo_ctl show policy intent A-DNS
check "show policy intent --json: three, all holding" bash -c \
	"'$SLUICECTL' -s '$TOPO_SOCK' --json show policy intent |
	python3 -c 'import json,sys; v=json.load(sys.stdin); assert len(v) == 3 and all(i[\"state\"] == \"holds\" for i in v), v'"
check "a reaches the DNS server" topo_ping a 10.100.0.10 3

before=$(topo_ctl show configuration)
bad='set vrf name MGMT description unchanged
set vrf name CUSTOMER-A protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B'
out=$(topo_ctl configure - <<<"$bad" 2>&1)
rc=$?
sed 's/^/  | /' <<<"$out"
check "the violating commit fails" test "$rc" != 0
check "its error names the intent at line 2" grep -q \
	'2: policy intent A-NOT-B (deny from CUSTOMER-A to CUSTOMER-B) would be broken' <<<"$out"
check "its error names the configuration line" grep -q \
	"made by 'set vrf name CUSTOMER-A protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B'" \
	<<<"$out"
after=$(topo_ctl show configuration)
check "the running configuration is unchanged" test "$before" = "$after"
check_not "CUSTOMER-A has no route into CUSTOMER-B" output_matches '10\.2\.0\.0/24' \
	topo_ctl show ip route vrf CUSTOMER-A
check_not "a does not reach b" topo_ping a 10.2.0.10 2

# Without the intent the same change commits; the intent cannot come back.
check "without A-NOT-B the change commits" topo_ctl configure - \
	<<<"delete policy intent A-NOT-B
$bad"
check "A-NOT-B is refused now" output_matches \
	'1: policy intent A-NOT-B \(deny from CUSTOMER-A to CUSTOMER-B\) would be broken' \
	topo_ctl configure - <<<"set policy intent A-NOT-B deny from CUSTOMER-A to CUSTOMER-B"
check "sluiced is still running" kill -0 "$TOPO_PID"
dts_finish
