#!/usr/bin/env bash
# dts: configuration changes that once crashed sluiced, applied live.
#
# Issue 18: W already holds static routes for two prefixes E exports, and
# importing E's routes doubles W's table while the leak engine marks them.
# sluiced must survive the commit, W must keep its own statics and import the
# rest, and a W host's ping must follow the imported route into E (to the host
# at 10.1.0.9 behind eth0) while W's own static for 10.10.2.0/24 wins.
. "$(dirname "$0")/dts-lib.sh"

# Two hosts: e (10.1.0.9, also answering for 10.10.3.1) on eth0 in E, and w
# (10.2.0.10) on eth1 in W.
TOPO_HOSTS=(e w)
declare -A TOPO_ADDR=([e]=10.1.0.9 [w]=10.2.0.10)
declare -A TOPO_IFADDR=([e]=10.1.0.9/24 [w]=10.2.0.10/24)
declare -A TOPO_GW=([e]=10.1.0.1 [w]=10.2.0.1)
declare -A TOPO_PORT=([e]=0 [w]=1)
TOPO_NPORTS=2

dts_init cr
topo_sluiced_start "$DTS_DIR/configs/import-grow-base.conf"
topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }
for h in e w; do
	topo_ns_new "$h"
	topo_tap_move "${TOPO_PORT[$h]}" "$h"
	topo_host_addr "$h" "$TOPO_T${TOPO_PORT[$h]}"
done
topo_in e ip addr add 10.10.3.1/32 dev lo
topo_in e ip addr add 10.10.2.1/32 dev lo
dts_warm

change=$(
	for i in 1 2 3 4 5 6; do
		echo "set vrf name E protocols static route 10.10.$i.0/24 next-hop 10.1.0.9"
	done
	cat <<'EOT'
set vrf name W protocols static route 10.10.2.0/24 next-hop 10.2.0.9
set vrf name W protocols static route 10.10.6.0/24 next-hop 10.2.0.9
set vrf name E protocols bgp system-as 65000
set vrf name E protocols bgp address-family ipv4-unicast route-target export 65000:1
set vrf name W protocols bgp system-as 65000
set vrf name W protocols bgp address-family ipv4-unicast route-target import 65000:1
EOT
)

check "the issue-18 change commits live" topo_ctl configure - <<<"$change"
sleep 0.5 # a crash takes a moment to be seen
check "sluiced is still running" kill -0 "$TOPO_PID"
# The return path for the pings below, in a commit of its own: in the same
# commit it changes the order the leak engine marks prefixes in, and the
# unfixed engine survived it.
check "E's return route into W commits" topo_ctl configure - \
	<<<"set vrf name E protocols static route 10.2.0.0/24 interface eth1 vrf W"
routes=$(topo_ctl show ip route vrf W 2>&1)
echo "$routes" | sed 's/^/  | /'
for want in \
	'^S>\* 10\.10\.2\.0/24 \[1/0\] via 10\.2\.0\.9, eth1$' \
	'^S>\* 10\.10\.6\.0/24 \[1/0\] via 10\.2\.0\.9, eth1$' \
	'^B>\* 10\.10\.1\.0/24 \[20/0\] via 10\.1\.0\.9, eth0 \(vrf E\)$' \
	'^B>\* 10\.10\.3\.0/24 \[20/0\] via 10\.1\.0\.9, eth0 \(vrf E\)$' \
	'^B>\* 10\.10\.4\.0/24 \[20/0\] via 10\.1\.0\.9, eth0 \(vrf E\)$' \
	'^B>\* 10\.10\.5\.0/24 \[20/0\] via 10\.1\.0\.9, eth0 \(vrf E\)$' \
	'^B>\* 10\.1\.0\.0/24 \[20/0\] is directly connected, eth0 \(vrf E\)$'; do
	check "W: $want" grep -Eq -- "$want" <<<"$routes"
done
check "W has no selected import of 10.10.2.0/24 or 10.10.6.0/24" \
	dts_not grep -Eq '^B>.* 10\.10\.[26]\.0/24' <<<"$routes"
check "w reaches 10.10.3.1 through the import into E" topo_ping w 10.10.3.1 3
check_not "w does not reach 10.10.2.1: W's own static wins" topo_ping w 10.10.2.1 2

# Undo and redo the whole leak a few times: the table shrinks and grows again.
undo='delete vrf name W protocols bgp address-family ipv4-unicast route-target import 65000:1'
redo='set vrf name W protocols bgp address-family ipv4-unicast route-target import 65000:1'
ok=0
for i in 1 2 3 4 5; do
	topo_ctl configure - <<<"$undo" >/dev/null && topo_ctl configure - <<<"$redo" >/dev/null &&
		ok=$((ok + 1))
done
check "5 undo/redo cycles of the import committed ($ok)" test "$ok" = 5
check "sluiced is still running after them" kill -0 "$TOPO_PID"
check "w still reaches 10.10.3.1" topo_ping w 10.10.3.1 3

# Issue 14 item 7, live: VyOS's recipe lines that sluice does not need commit
# with one warning each and change no route; errors name the input line.
before=$(topo_ctl show ip route vrf W 2>&1)
vyos='set protocols bgp system-as 65000
set vrf name W protocols bgp address-family ipv4-unicast import vpn
set vrf name E protocols bgp address-family ipv4-unicast export vpn
set vrf name E protocols bgp address-family ipv4-unicast label vpn export auto
set vrf name W protocols bgp address-family ipv4-unicast label vpn export auto'
topo_ctl configure - <<<"$vyos" >"$TOPO_RUN/vyos.out" 2>"$TOPO_RUN/vyos.err"
check "VyOS's no-op lines commit" test $? = 0
sed 's/^/  | /' "$TOPO_RUN/vyos.err"
check "a warning for 'protocols bgp system-as', at line 1" \
	grep -q "^1: warning: 'protocols bgp system-as' .* has no effect" "$TOPO_RUN/vyos.err"
check "one warning for two 'label vpn export' lines, at line 4" \
	grep -q "^4: warning: 'label vpn export' has no effect.*(and 1 more line)" "$TOPO_RUN/vyos.err"
check "four warnings in all" test "$(grep -c 'warning:' "$TOPO_RUN/vyos.err")" = 4
check "W's routes did not change" test "$(topo_ctl show ip route vrf W 2>&1)" = "$before"
topo_ctl configure - >/dev/null 2>"$TOPO_RUN/ref.err" <<'EOT'
set policy route-map OK rule 10 action permit
set vrf name W protocols bgp address-family ipv4-unicast route-map vpn import NOPE
EOT
check "an undefined route-map is refused" test $? = 1
check "... at the line that names it (2), not at W's first line" \
	grep -q "^2: route-map 'NOPE' is not defined" "$TOPO_RUN/ref.err"
# the raw control protocol (doc/operations.md): one request, then EOF
check "nc -NU speaks the control protocol" grep -q '"status": *0' \
	< <(printf '{"argv":["show","vrf"]}' | nc -NU "$TOPO_SOCK")
dts_finish
