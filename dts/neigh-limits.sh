#!/usr/bin/env bash
# dts: neighbours are limited per interface (issue 12 item 3). CUSTOMER-B is
# given a /21 (config/demo-shared-services.conf with eth2 at 10.2.0.1/21) and
# its host sweeps 1,500 unknown on-link addresses (10.2.1.1 up, twice, UDP):
# each one the router must resolve. Meanwhile CUSTOMER-A pings a SHARED host
# the router has never seen (10.100.0.30, brought up now on SHARED's bridge):
# it needs a new neighbour on eth3 and must lose nothing. eth2's refusal
# counter moves (show dataplane, show arp, telemetry /sluice/stats), `show arp vrf CUSTOMER-B` holds at most its INCOMPLETE cap
# (256), and CUSTOMER-A's table shows none of B's entries.
. "$(dirname "$0")/dts-lib.sh"
dts_init nl
PY=/usr/bin/python3
sed 's|eth2 address 10.2.0.1/24|eth2 address 10.2.0.1/21|' \
	"$DTS_TOP/config/demo-shared-services.conf" >"$TOPO_RUN/neigh-limits.conf"
grep -q '10.2.0.1/21' "$TOPO_RUN/neigh-limits.conf" || { echo "FAIL: config edit"; exit 1; }
dts_start "$TOPO_RUN/neigh-limits.conf"

# The new SHARED host, after the warm-up so the router has never heard of it.
NEW=10.100.0.30
TOPO_HOSTS+=(new) # topo_down deletes its namespace
topo_ns_new new
sw=$(topo_ns sw)
ip -n "$sw" link add vnew type veth peer name eth0 netns "$(topo_ns new)"
ip -n "$sw" link set vnew master br0
ip -n "$sw" link set vnew up
ip -n "$(topo_ns new)" link set eth0 up
ip -n "$(topo_ns new)" addr add "$NEW/24" dev eth0
ip -n "$(topo_ns new)" route add default via 10.100.0.1

jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
refused() { topo_ctl --json show dataplane | jget "d['neighbours']['refused']"; }
check "before: nothing refused" test "$(refused)" = 0
check_not "before: the router has no neighbour $NEW" output_matches "^$NEW " \
	topo_ctl show arp vrf SHARED

# The sweep: 1,500 addresses in ~1 s, twice, from B's host (its /24 sends
# them to the router, which has them on-link in its /21).
ip netns exec "$(topo_ns b)" "$PY" -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(2):
    for i in range(1500):
        s.sendto(b"sweep", ("10.2.%d.%d" % (1 + i // 250, 1 + i % 250), 9))
        time.sleep(0.0006)
' &
SWEEP=$!
sleep 0.5 # the sweep is under way: B's INCOMPLETE entries are at their cap
loss=$(topo_in a ping -n -q -c 10 -i 0.2 -W 1 "$NEW" 2>&1 | grep -o '[0-9.]*% packet loss')
wait "$SWEEP"
check "during the sweep CUSTOMER-A reaches the new SHARED host at 0 % loss ($loss)" \
	test "$loss" = "0% packet loss"
n_refused=$(refused)
echo "info: $(topo_ctl show arp vrf CUSTOMER-B | grep '^eth2:')"
check "the refusal counter moved ($n_refused new neighbours refused)" test "$n_refused" -gt 0
TELEMETRY=${DPDK_TELEMETRY:-$(command -v dpdk-telemetry.py || echo /usr/bin/dpdk-telemetry.py)}
if [ -x "$TELEMETRY" ]; then
	tele_refused=$(printf '/sluice/stats\n' | "$TELEMETRY" -f "$TOPO_P" | "$PY" -c '
import json, sys
print(list(json.loads(sys.stdin.readline()).values())[0]["neighbours"]["refused"])')
	check "telemetry /sluice/stats: neighbours.refused ($tele_refused) >= $n_refused" \
		test "${tele_refused:-0}" -ge "$n_refused"
fi
check "show arp vrf CUSTOMER-B: eth2's line counts the refusals" \
	output_matches '^eth2: [0-9]+ neighbours \([0-9]+ incomplete.*refused [1-9][0-9]*' \
	topo_ctl show arp vrf CUSTOMER-B
incomplete=$(topo_ctl show arp vrf CUSTOMER-B | grep -c 'INCOMPLETE')
check "CUSTOMER-B holds at most 256 incomplete neighbours ($incomplete)" test "$incomplete" -le 256
check "show arp vrf SHARED knows $NEW" output_matches "^$NEW .*REACHABLE" \
	topo_ctl show arp vrf SHARED
check_not "show arp vrf CUSTOMER-A lists none of B's sweep" output_matches '^10\.2\.' \
	topo_ctl show arp vrf CUSTOMER-A
check "CUSTOMER-B's own host still reaches the DNS host" topo_ping b 10.100.0.10 2
dts_finish
