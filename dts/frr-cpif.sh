#!/usr/bin/env bash
# dts: FRR's BGP through sluice's own port (control-plane interfaces). zebra
# (dplane_fpm_nl) and bgpd run in namespace frr, where sluiced makes its
# control-plane TAPs (cp-eth1, cp-eth4: `system control-plane interfaces
# netns`). The BGP peer, Debian's exabgp, is the inet host behind sluice's
# eth4 (203.0.113.1): its session with bgpd on 203.0.113.2 crosses eth4, the
# worker's punt, the TAP and back out of eth4. It announces 10,001 routes
# (next hop 203.0.113.1); zebra streams them over FPM (a veth from namespace
# frr to the root namespace) into sluice's default VRF, and host a (eth1)
# reaches 198.51.100.1 through the BGP route (traceroute: sluice, then the
# peer). A second peer on the same host (203.0.113.3) announces 101 of the
# prefixes: bgpd's multipath reaches sluice as ECMP routes. Then a flood of TCP SYNs from
# the peer's namespace to a closed port is cut by the tcp class's rate limit
# (counted) while the BGP session stays Established and no BGP packet is
# rate-limited. Skipped without frr or exabgp.
. "$(dirname "$0")/dts-lib.sh"
. "$(dirname "$0")/frr-lib.sh"
dts_init fc
PY=/usr/bin/python3
frr_init bgpd exabgp
# sluiced first: its TAPs go with it, not with the namespace
trap 'rc=$?; topo_down; frr_down; (exit $rc); dts_cleanup' EXIT

# namespace frr: FPM to the root namespace; the TAPs arrive when sluiced starts
frr_fpm_ns "$zns" "$fpm_addr" "10.254.$id.2"

{
	frr_sluiced_conf
	cat <<CONF
set system control-plane interfaces enable
set system control-plane interfaces netns $zns
set system control-plane interfaces rate-limit tcp 100
CONF
} >"$TOPO_RUN/sluiced.conf"
frr_zebra_conf
cat >"$zdir/bgpd.conf" <<'CONF'
hostname frr
router bgp 65000
 bgp router-id 203.0.113.2
 no bgp ebgp-requires-policy
 neighbor 203.0.113.1 remote-as 65001
 neighbor 203.0.113.1 timers 3 9
 neighbor 203.0.113.1 timers connect 1
 neighbor 203.0.113.3 remote-as 65001
 neighbor 203.0.113.3 timers 3 9
 neighbor 203.0.113.3 timers connect 1
 address-family ipv4 unicast
  maximum-paths 2
  neighbor 203.0.113.1 activate
  neighbor 203.0.113.3 activate
 exit-address-family
CONF
frr_exabgp_conf 203.0.113.1 203.0.113.2 203.0.113.1 10000 100.64.0.0 "hold-time 9;" \
	"route 198.51.100.0/24" >"$zdir/exabgp.conf"
# the second peer, 203.0.113.3 on the same host: 198.51.100.0/24 and the
# first 100 of the 10,000 again, so bgpd has two equal paths (ECMP)
frr_exabgp_conf 203.0.113.3 203.0.113.2 203.0.113.3 100 100.64.0.0 "hold-time 9;" \
	"route 198.51.100.0/24" >"$zdir/exabgp2.conf"
chown -R frr:frr "$zdir"

vtysh_frr() { ip netns exec "$zns" vtysh --vty_socket "$zdir" "$@"; }
b_routes() { topo_ctl show ip route | grep -c '^B>\*'; }
wait_routes() {
	local i n
	for ((i = 0; i < $2 * 10; i++)); do
		n=$(b_routes)
		[ "$n" = "$1" ] && return 0
		sleep 0.1
	done
	echo "sluice holds $n BGP routes, not $1"
	topo_ctl show fpm
	topo_ctl show control-plane
	vtysh_frr -c "show bgp summary" 2>&1 | tail -n 12
	return 1
}
established() {
	local i
	for ((i = 0; i < $1 * 4; i++)); do
		vtysh_frr -c "show bgp neighbors 203.0.113.1" 2>/dev/null |
			grep -q 'BGP state = Established' && return 0
		sleep 0.25
	done
	vtysh_frr -c "show bgp summary"
	topo_ctl show control-plane
	return 1
}
dpj() { ctl_json "show dataplane" "$@"; }
cpj() { ctl_json "show control-plane" "$@"; }

# a small main punt ring (64): the flood below fills it, BGP's ring stays free
dts_start "$TOPO_RUN/sluiced.conf" --punt-ring 64
check "cp-eth4 in namespace frr with 203.0.113.2/24" output_matches 'inet 203\.0\.113\.2/24' \
	ip -n "$zns" -o -4 addr show dev cp-eth4
check "FRR starts (zebra with dplane_fpm_nl, bgpd) in namespace frr" \
	frr_daemons "$zns" "$zdir" "$TOPO_P" zebra:-M,dplane_fpm_nl bgpd:-p,179
check_not "without BGP, a cannot reach 198.51.100.1" topo_ping a 198.51.100.1 1
topo_in inet env exabgp.daemon.user=root exabgp.log.destination=stdout exabgp.cli.enable=false \
	exabgp.api.cli=false exabgp "$zdir/exabgp.conf" >>"$zdir/exabgp.out" 2>&1 &
t0=$(date +%s%N)
check "the BGP session over eth4 and the TAP is Established" established 30
echo "Established $((($(date +%s%N) - t0) / 1000000)) ms after exabgp started"
check "zebra streams the 10,001 BGP routes into sluice" wait_routes 10001 60
echo "10,001 routes in sluice $((($(date +%s%N) - t0) / 1000000)) ms after exabgp started"
vtysh_frr -c "show bgp summary" | sed -n '/^Neighbor/,$p'
check "show bgp summary: 203.0.113.1 up with 10001 prefixes" output_matches \
	'^203\.0\.113\.1 +4 +65001 .* 10001 ' vtysh_frr -c "show bgp summary"
check "as FRR's format, via eth4" output_matches \
	'^B>\* 198\.51\.100\.0/24 \[20/0\] via 203\.0\.113\.1, eth4' topo_ctl show ip route
check "a reaches 198.51.100.1 through the BGP route" topo_ping a 198.51.100.1 2
# trace_peer: traceroute's hop 1 is sluice (a's gateway), hop 2 the peer
trace_peer() {
	local out
	out=$(topo_in a traceroute -n -m 3 -q 1 -w 2 198.51.100.1 2>&1)
	grep -Eq '^ *1 +10\.1\.0\.1 ' <<<"$out" && grep -Eq '^ *2 +198\.51\.100\.1 ' <<<"$out" &&
		return 0
	echo "$out"
	return 1
}
check "traceroute from a: sluice, then the peer's 198.51.100.1" trace_peer

echo "---- a second peer (203.0.113.3) announces 101 of the prefixes: ECMP"
ip -n "$(topo_ns inet)" addr add 203.0.113.3/24 dev "${TOPO_T}4"
topo_in inet env exabgp.daemon.user=root exabgp.log.destination=stdout exabgp.cli.enable=false \
	exabgp.api.cli=false exabgp "$zdir/exabgp2.conf" >>"$zdir/exabgp2.out" 2>&1 &
# two_paths: sluice lists 198.51.100.0/24 over both peers (FRR's format: the
# second path on its own line)
two_paths() {
	local i
	for ((i = 0; i < 300; i++)); do
		topo_ctl show ip route 198.51.100.0/24 | grep -q '203\.0\.113\.3' &&
			topo_ctl show ip route 198.51.100.0/24 | grep -q '203\.0\.113\.1' && return 0
		sleep 0.1
	done
	topo_ctl show ip route 198.51.100.0/24
	vtysh_frr -c "show bgp summary" | sed -n '/^Neighbor/,$p'
	return 1
}
check "198.51.100.0/24 over both peers in sluice (ECMP from FPM's multipath)" two_paths
topo_ctl show ip route 198.51.100.0/24 | sed -n '1,/^$/p'
# second_path: FRR's format, the route's line and then "  *   via …" under it
second_path() {
	local out
	out=$(topo_ctl show ip route | grep -A1 '^B>\* 100\.64\.0\.0/24 ')
	grep -Eq '^B>\* 100\.64\.0\.0/24 \[20/0\] via 203\.0\.113\.[13], eth4' <<<"$out" &&
		sed -n 2p <<<"$out" | grep -Eq '^ +\* +via 203\.0\.113\.[13], eth4' && return 0
	echo "$out"
	return 1
}
check "show ip route: the second path as FRR lists it" second_path
check "still 10,001 BGP routes (101 of them with two paths)" test "$(b_routes)" = 10001
check "a still reaches 198.51.100.1 over the ECMP route" topo_ping a 198.51.100.1 2
pkill -f "exabgp $zdir/exabgp2.conf"
one_path() {
	local i
	for ((i = 0; i < 300; i++)); do
		topo_ctl show ip route 198.51.100.0/24 | grep -q '203\.0\.113\.3' || return 0
		sleep 0.1
	done
	topo_ctl show ip route 198.51.100.0/24
	return 1
}
check "the second peer goes: its path leaves, the route stays on the first" one_path
check "... and 10,001 BGP routes stay" test "$(b_routes)" = 10001
check "a reaches 198.51.100.1 on the one path" topo_ping a 198.51.100.1 2

check "BGP packets went up the TAP, none rate-limited" \
	test "$(cpj classes bgp passed)" -ge 10 -a "$(cpj classes bgp limited)" = 0
topo_ctl show control-plane

echo "---- a SYN flood from the peer's namespace to a closed port"
sent=$(topo_in inet $PY "$DTS_DIR/syn_flood.py" 203.0.113.1 203.0.113.2 9 5000)
check "5000 SYNs sent" test "$sent" = 5000
sleep 1
limited=$(cpj classes tcp limited)
ringfull=$(dpj punt_classes other full)
echo "tcp class: $(cpj classes tcp passed) passed, $limited rate-limited (rate 100/s);" \
	"$ringfull dropped at the worker, the main punt ring full"
check "the flood is rate-limited (counted)" test "$limited" -gt 0
check "... what the ring took and what it could not: >= 2500 counted" \
	test $((limited + ringfull)) -ge 2500
check "no BGP packet was rate-limited" test "$(cpj classes bgp limited)" = 0
sleep 10 # past the 9 s hold time: a starved session would be down now
check "the session is still Established" established 1
check "the same session (no reset): connections established once" output_matches \
	'Connections established 1; dropped 0' vtysh_frr -c "show bgp neighbors 203.0.113.1"
check "sluice still holds the 10,001 routes" test "$(b_routes)" = 10001
check "a still reaches 198.51.100.1" topo_ping a 198.51.100.1 2

echo "---- a flood that fills the main punt ring (64 slots): four senders at once"
full0=$(dpj punt_classes other full)
arp0=$(dpj punt_classes arp punted)
pids=()
for i in 1 2 3 4; do
	topo_in inet $PY "$DTS_DIR/syn_flood.py" 203.0.113.1 203.0.113.2 9 30000 >/dev/null &
	pids+=($!)
done
sleep 1
# the inet host forgets sluice's MAC: its next packets need an ARP answer now
ip -n "$(topo_ns inet)" neigh flush dev "${TOPO_T}4"
sleep 1
arp_ok() { ip -n "$(topo_ns inet)" neigh show 203.0.113.2 | grep -q lladdr; }
check "during the flood, sluice answers the peer's ARP request" arp_ok
wait "${pids[@]}"
topo_ctl show dataplane | grep -E '^(punted|punt rings):'
full=$(($(dpj punt_classes other full) - full0))
echo "main ring: $full punts dropped full; bgp ring: $(dpj punt_classes bgp punted) punted"
check "the flood filled the main ring (class other: full counted)" test "$full" -gt 0
check "no BGP packet lost to a full ring" test "$(dpj punt_classes bgp full)" = 0
check "nor an ARP packet" test "$(dpj punt_classes arp full)" = 0 -a \
	"$(dpj punt_classes arp punted)" -gt "$arp0"
check "BGP still Established, the same session" output_matches \
	'Connections established 1; dropped 0' vtysh_frr -c "show bgp neighbors 203.0.113.1"
check "sluice still holds the 10,001 routes after the flood" test "$(b_routes)" = 10001
topo_ctl show control-plane
dts_finish
