#!/usr/bin/env bash
# dts: ECMP over three gateways, native and leaked. In VRF RED, 10.9.0.0/24
# is a static route with three `next-hop` lines; VRF BLUE imports RED's
# routes (`import vrf RED`), so its clients forward by RED's group. Each
# gateway namespace owns 10.9.0.1 and records the UDP flows (source address
# and port) it receives. Checked for the client in RED and the one in BLUE:
# the flows spread over all three gateways and stay on theirs when sent
# again; one gateway's interface disabled moves only its flows (the other
# two keep theirs); back up, every flow returns to its first gateway.
# About 5 s besides start-up.
#
#   port  tap  namespace  VRF   address            role
#   eth0  T0   c          RED   10.1.0.10/24       client (gw 10.1.0.1)
#   eth1  T1   g1         RED   192.0.2.2/24       gateway 1, 10.9.0.1 on lo
#   eth2  T2   g2         RED   198.51.100.2/24    gateway 2, 10.9.0.1 on lo
#   eth3  T3   g3         RED   203.0.113.2/24     gateway 3, 10.9.0.1 on lo
#   eth4  T4   l          BLUE  10.2.0.10/24       client through the leak
. "$(dirname "$0")/dts-lib.sh"
dts_init ec
TOPO_HOSTS=(c g1 g2 g3 l)
TOPO_NPORTS=5
declare -A TOPO_ADDR=([c]=10.1.0.10 [g1]=192.0.2.2 [g2]=198.51.100.2 [g3]=203.0.113.2
	[l]=10.2.0.10)
declare -A TOPO_IFADDR=([c]=10.1.0.10/24 [g1]=192.0.2.2/24 [g2]=198.51.100.2/24
	[g3]=203.0.113.2/24 [l]=10.2.0.10/24)
declare -A TOPO_GW=([c]=10.1.0.1 [g1]=192.0.2.1 [g2]=198.51.100.1 [g3]=203.0.113.1
	[l]=10.2.0.1)
declare -A TOPO_PORT=([c]=0 [g1]=1 [g2]=2 [g3]=3 [l]=4)
FLOWS=96
PY=/usr/bin/python3
[ -x "$PY" ] || dts_skip "no $PY"

cat >"$TOPO_RUN/ecmp.conf" <<'CONF'
set vrf name RED table 30
set vrf name BLUE table 40
set interfaces ethernet eth0 vrf RED
set interfaces ethernet eth0 address 10.1.0.1/24
set interfaces ethernet eth1 vrf RED
set interfaces ethernet eth1 address 192.0.2.1/24
set interfaces ethernet eth2 vrf RED
set interfaces ethernet eth2 address 198.51.100.1/24
set interfaces ethernet eth3 vrf RED
set interfaces ethernet eth3 address 203.0.113.1/24
set interfaces ethernet eth4 vrf BLUE
set interfaces ethernet eth4 address 10.2.0.1/24
set vrf name RED protocols static route 10.9.0.0/24 next-hop 192.0.2.2
set vrf name RED protocols static route 10.9.0.0/24 next-hop 198.51.100.2
set vrf name RED protocols static route 10.9.0.0/24 next-hop 203.0.113.2
set vrf name RED protocols bgp system-as 65000
set vrf name RED protocols bgp address-family ipv4-unicast rd vpn export 65000:30
set vrf name BLUE protocols bgp system-as 65000
set vrf name BLUE protocols bgp address-family ipv4-unicast import vrf RED
CONF

topo_sluiced_start "$TOPO_RUN/ecmp.conf"
topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }
for h in "${TOPO_HOSTS[@]}"; do
	topo_ns_new "$h"
	topo_tap_move "${TOPO_PORT[$h]}" "$h"
	topo_host_addr "$h" "$TOPO_T${TOPO_PORT[$h]}"
done
sinks=()
for g in g1 g2 g3; do
	topo_in "$g" ip addr add 10.9.0.1/32 dev lo
	# ip execs python: $! is the sink itself; no pipe of ours is left open
	ip netns exec "$(topo_ns "$g")" "$PY" "$DTS_DIR/ecmp_flows.py" sink 10.9.0.1 9999 \
		"$TOPO_RUN/$g.flows" </dev/null >/dev/null 2>&1 &
	sinks+=($!)
done
trap 'rc=$?; kill "${sinks[@]}" 2>/dev/null; (exit $rc); dts_cleanup' EXIT
dts_warm # the gateways' pings teach the router their MACs
# gw_resolved: show arp vrf RED has all three gateways, none INCOMPLETE (a
# flow sent to an unresolved gateway waits in its hold queue or is dropped)
gw_resolved() {
	local a out
	out=$(topo_ctl show arp vrf RED) || return 1
	for a in 192.0.2.2 198.51.100.2 203.0.113.2; do
		grep -E "(^|[^0-9.])${a//./\\.}([^0-9.]|$)" <<<"$out" | grep -qv INCOMPLETE || return 1
	done
}
for ((i = 0; i < 50; i++)); do gw_resolved && break; sleep 0.1; done
check "show arp vrf RED: the three gateways resolved" gw_resolved

# send ROUND: every flow once from both clients; then, per client C and
# gateway G, the flows G got in that round: $TOPO_RUN/G.rROUND.C
send() {
	local c g
	for c in c l; do
		topo_in "$c" "$PY" "$DTS_DIR/ecmp_flows.py" send "${TOPO_ADDR[$c]}" 10.9.0.1 9999 \
			"$1" "$FLOWS"
	done
	# the sinks write a line per datagram: wait until both clients' flows
	# of this round are in (a loaded machine may take longer), at most 5 s
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(cat "$TOPO_RUN"/g?.flows 2>/dev/null | awk -v r="$1" '$1 == r' | wc -l)" -ge $((2 * FLOWS)) ] &&
			break
		sleep 0.1
	done
	sleep 0.2 # and a duplicate, if a flow was sent twice, has its chance to show
	for g in g1 g2 g3; do
		for c in c l; do
			awk -v r="$1" -v s="${TOPO_ADDR[$c]}" '$1 == r && $2 == s { print $3 }' \
				"$TOPO_RUN/$g.flows" 2>/dev/null | sort -u >"$TOPO_RUN/$g.r$1.$c"
		done
	done
}
# all_once ROUND CLIENT: every flow arrived, at exactly one gateway
all_once() {
	local n
	n=$(cat "$TOPO_RUN"/g?.r"$1.$2" | sort | uniq -c | awk '$1 == 1' | wc -l)
	[ "$n" = "$FLOWS" ] || { echo "round $1: $n of $FLOWS flows at exactly one gateway"; return 1; }
}
# spread ROUND CLIENT: each gateway got at least an eighth of the flows
spread() {
	local g n
	for g in g1 g2 g3; do
		n=$(wc -l <"$TOPO_RUN/$g.r$1.$2")
		echo "$g: $n flows"
		[ "$n" -ge $((FLOWS / 8)) ] || return 1
	done
}
same() { diff "$TOPO_RUN/$1.r$2.$4" "$TOPO_RUN/$1.r$3.$4"; }
# kept G R1 R2 CLIENT: G's flows of round R1 are all at G in round R2
kept() { [ -z "$(comm -23 "$TOPO_RUN/$1.r$2.$4" "$TOPO_RUN/$1.r$3.$4")" ]; }

check "show ip route vrf RED lists the three paths" output_matches \
	'S>\* 10\.9\.0\.0/24 \[1/0\] via 192\.0\.2\.2, eth1.*
  \* +via 198\.51\.100\.2, eth2.*
  \* +via 203\.0\.113\.2, eth3' topo_ctl show ip route vrf RED
check "show ip route vrf BLUE lists them for the leaked route" output_matches \
	'B>\* 10\.9\.0\.0/24 \[20/0\] via 192\.0\.2\.2, eth1 \(vrf RED\)
  \* +via 198\.51\.100\.2, eth2 \(vrf RED\)
  \* +via 203\.0\.113\.2, eth3 \(vrf RED\)' topo_ctl show ip route vrf BLUE
check "show dataplane counts one ECMP group" output_matches '1 ECMP next-hop groups' \
	topo_ctl show dataplane
send 0
send 1
for c in c l; do
	check "$c, round 0: every flow at exactly one gateway" all_once 0 "$c"
	check "$c, round 0: flows spread over the three gateways" spread 0 "$c"
	echo "$c, round 0: $(spread 0 "$c" | tr '\n' ' ')"
	check "$c, round 1: every flow at exactly one gateway" all_once 1 "$c"
	for g in g1 g2 g3; do
		check "$c, round 1: $g got the same flows again" same "$g" 0 1 "$c"
	done
done

check "disable eth3 (gateway 3)" topo_ctl configure - <<<"set interfaces ethernet eth3 disable"
send 2
for c in c l; do
	check "$c, eth3 down: every flow at exactly one gateway" all_once 2 "$c"
	check "$c, eth3 down: g3 got nothing" test ! -s "$TOPO_RUN/g3.r2.$c"
	check "$c, eth3 down: g1 kept its flows" kept g1 0 2 "$c"
	check "$c, eth3 down: g2 kept its flows" kept g2 0 2 "$c"
done

check "enable eth3 again" topo_ctl configure - <<<"delete interfaces ethernet eth3 disable"
topo_in g3 ping -n -c 1 -W 2 203.0.113.1 >/dev/null 2>&1 || true
send 3
for c in c l; do
	check "$c, eth3 up: every flow at exactly one gateway" all_once 3 "$c"
	for g in g1 g2 g3; do
		check "$c, eth3 up: $g has its round-0 flows back" same "$g" 0 3 "$c"
	done
done
dts_finish
