#!/usr/bin/env bash
# dts: a leak loop is shown and answered (issue 14 item 6). CUSTOMER-A's
# default is leaked from SHARED (`interface eth3 vrf SHARED`), and SHARED
# holds CUSTOMER-B's subnet as a leak too: A's packets to B's host take the
# default, then hit B's leaked subnet in SHARED — a second redirect, which
# the worker drops as leak_loop. The route alone says "via SHARED"; the show
# commands must say the packet is dropped, and A's host must get an ICMP
# net unreachable from its router instead of silence. B stays unreachable.
. "$(dirname "$0")/dts-lib.sh"
dts_init lo
dts_start "$DTS_TOP/config/demo-shared-services.conf"
trap dts_cleanup EXIT

counter() { topo_ctl show dataplane | grep -o "$1=[0-9]*" | head -n 1 | cut -d= -f2; }

check "A's default now leaks from SHARED" topo_ctl configure - <<'CONF'
delete vrf name CUSTOMER-A protocols static route 0.0.0.0/0
set vrf name CUSTOMER-A protocols static route 0.0.0.0/0 interface eth3 vrf SHARED
CONF
topo_ctl clear counters >/dev/null
check "show ip route vrf CUSTOMER-A 10.2.0.10 says the packet is dropped (leak_loop)" \
	output_matches 'Forwarding of 10.2.0.10: .*SHARED 10.2.0.0/24 static-leak from CUSTOMER-B, dropped \(leak_loop\)' \
	topo_ctl show ip route vrf CUSTOMER-A 10.2.0.10
check "... and in JSON: forwarding.result" output_matches '"result": "leak_loop"' \
	topo_ctl --json show ip route vrf CUSTOMER-A 10.2.0.10
check "show leak vrf CUSTOMER-A lists the looping range" \
	output_matches '10.2.0.0/24: CUSTOMER-A 0.0.0.0/0 static-leak from SHARED' \
	topo_ctl show leak vrf CUSTOMER-A
check "show leak matrix ends with it" output_matches 'CUSTOMER-A: Dropped as leak loops: 256 addresses' \
	topo_ctl show leak matrix

out=$(topo_in a ping -n -c 3 -i 0.3 -W 1 10.2.0.10 2>&1)
check "A's host is told: Destination Net Unreachable from its router 10.1.0.1" \
	grep -q 'From 10.1.0.1 .*Destination Net Unreachable' <<<"$out"
check_not "... and B's host never answers" grep -q 'bytes from 10.2.0.10' <<<"$out"
check "the worker counted 3 leak_loop drops ($(counter leak_loop))" test "$(counter leak_loop)" = 3
check "A's host still reaches the DNS host through the same default" \
	topo_in a ping -n -c 2 -i 0.3 -W 1 10.100.0.10
dts_finish
