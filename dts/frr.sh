#!/usr/bin/env bash
# dts: real FRR feeds sluice. Debian's FRR (zebra with dplane_fpm_nl, bgpd)
# runs in namespace frr and peers over a veth with a real BGP speaker
# (Debian's exabgp) in namespace peer, which announces 10,001 routes with
# next hop 203.0.113.1 (the inet host behind sluice's eth4). zebra streams its
# selected routes over FPM to sluiced (a veth from namespace frr to the root
# namespace). Checked: sluice installs all 10,001 in the default VRF (table
# 254); host a reaches 198.51.100.1 only through the BGP route; the peer going
# away withdraws every route from sluice; zebra restarting replays its table
# and, since the peer came back without 198.51.100.0/24 while FRR was down,
# sluice sweeps that stale route; sluiced restarting gets the (full) table
# back when zebra reconnects; one prefix withdrawn through exabgp's API leaves sluice's FIB
# within 1 s. The default VRF's BGP routes leak into CUSTOMER-B by
# route-target (`protocols bgp address-family`), filtered by an import
# route-map, and the withdrawal withdraws the leak. The BGP session does not
# cross sluice here (dts/frr-cpif.sh runs it through sluice's port and a
# control-plane interface). Skipped without frr or exabgp.
#
# The next hop 203.0.113.1 is reachable in namespace frr only through a kernel
# route (not a connected subnet), so an eBGP single-hop session marks it
# "inaccessible" (show bgp ipv4 unicast P: invalid) and bgpd hands zebra
# nothing although PfxRcd says 10001: `neighbor ... disable-connected-check`.
. "$(dirname "$0")/dts-lib.sh"
. "$(dirname "$0")/frr-lib.sh"
dts_init fr
frr_init bgpd exabgp
pns=$(topo_ns peer)
FRR_NETNS+=("$pns")
trap 'rc=$?; frr_down; (exit $rc); dts_cleanup' EXIT

# CUSTOMER-B gets the one BGP route its import route-map admits from the
# default VRF (route-target 65000:254 exported by `protocols bgp
# address-family`), and the default VRF routes back to B's subnet (a static
# leak: a `B` route there would change the BGP counts below).
{
	frr_sluiced_conf
	cat <<CONF
set vrf name CUSTOMER-B table 20
set interfaces ethernet eth2 vrf CUSTOMER-B
set interfaces ethernet eth2 address 10.2.0.1/24
set protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B
set protocols bgp system-as 65000
set protocols bgp address-family ipv4-unicast route-target vpn export 65000:254
set policy prefix-list BGP-198 rule 10 action permit
set policy prefix-list BGP-198 rule 10 prefix 198.51.100.0/24
set policy route-map FROM-DEFAULT rule 10 action permit
set policy route-map FROM-DEFAULT rule 10 match ip address prefix-list BGP-198
set vrf name CUSTOMER-B protocols bgp system-as 65000
set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast route-target vpn import 65000:254
set vrf name CUSTOMER-B protocols bgp address-family ipv4-unicast route-map vpn import FROM-DEFAULT
CONF
} >"$TOPO_RUN/sluiced.conf"

# namespaces: root <-> frr (FPM), frr <-> peer (BGP); the BGP next hop must
# resolve in FRR's RIB: 203.0.113.0/24 is "behind" the peer's veth
frr_fpm_ns "$zns" "$fpm_addr" "10.254.$id.2"
frr_peer_ns "$pns"
frr_zebra_conf
cat >"$zdir/bgpd.conf" <<'CONF'
hostname frr
router bgp 65000
 bgp router-id 192.168.77.1
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 192.168.77.2 remote-as 65001
 neighbor 192.168.77.2 timers connect 1
 neighbor 192.168.77.2 disable-connected-check
 address-family ipv4 unicast
  neighbor 192.168.77.2 activate
 exit-address-family
CONF
# exabgp's API: lines appended to exabgp.cmd (followed by tail -f) go to the peer.
# exabgp.conf announces 10,001 routes; exabgp-less.conf the same without
# 198.51.100.0/24 (a replay that must sweep it).
: >"$zdir/exabgp.cmd"
exabgp_conf() { frr_exabgp_conf 192.168.77.2 192.168.77.1 203.0.113.1 10000 100.64.0.0 "api $zdir/exabgp.cmd" "$@"; }
exabgp_conf "route 198.51.100.0/24" >"$zdir/exabgp.conf"
exabgp_conf >"$zdir/exabgp-less.conf"
chown -R frr:frr "$zdir"

frr_start() { frr_daemons "$zns" "$zdir" "$TOPO_P" zebra:-M,dplane_fpm_nl bgpd:-p,179; }
# frr_stop: zebra stops first, then bgpd. Stopped together, bgpd withdraws
# its routes from zebra on the way out and zebra may forward the withdrawals
# over FPM before it exits itself: a race this test must not run. (Killed
# hard, zebra would find its routes in the kernel on restart and replay them.)
frr_stop() {
	local d i
	for d in zebra bgpd; do
		[ -f "$zdir/$d.pid" ] && kill "$(cat "$zdir/$d.pid")" 2>/dev/null
		for ((i = 0; i < 40; i++)); do
			pgrep -f -- "$d .*-N $TOPO_P " >/dev/null || continue 2
			sleep 0.25
		done
		echo "$d did not stop"
		return 1
	done
}
# peer_start [CONF]: exabgp.conf unless told. exabgp's reactor loops once a
# second by default, so a command on its API could wait up to 1 s before
# the UPDATE leaves: 0.1 s keeps the peer's own delay out of the 1 s budget.
peer_start() {
	ip netns exec "$pns" env exabgp.daemon.user=root exabgp.log.destination=stdout exabgp.cli.enable=false \
		exabgp.reactor.speed=0.1 \
		exabgp.api.cli=false \
		exabgp "$zdir/${1:-exabgp.conf}" >>"$zdir/exabgp.out" 2>&1 &
}
b_routes() { topo_ctl show ip route | grep -c '^B>\*'; }
# wait_routes N SECONDS: sluice holds N BGP routes within SECONDS
wait_routes() {
	local i n
	for ((i = 0; i < $2 * 10; i++)); do
		n=$(b_routes)
		[ "$n" = "$1" ] && return 0
		sleep 0.1
	done
	echo "sluice holds $n BGP routes, not $1"
	topo_ctl show fpm
	ip netns exec "$zns" vtysh --vty_socket "$zdir" -c "show bgp summary" \
		-c "show ip route summary" 2>&1 | tail -n 12
	return 1
}
fpm_connects() { topo_ctl --json show fpm | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["connects"])'; }

topo_sluiced_start "$TOPO_RUN/sluiced.conf"
topo_wait_ready || exit 1
topo_hosts_up
for h in a b inet; do topo_in "$h" ping -n -c 1 -W 2 "${TOPO_GW[$h]}" >/dev/null 2>&1; done
check "FRR starts (zebra with dplane_fpm_nl, bgpd)" frr_start
check_not "without BGP, a cannot reach 198.51.100.1" topo_ping a 198.51.100.1 1
peer_start
check "zebra streams 10,001 BGP routes into the default VRF" wait_routes 10001 30
check "as FRR's format" output_matches '^B>\* 198\.51\.100\.0/24 \[20/0\] via 203\.0\.113\.1, eth4' \
	topo_ctl show ip route
check "a reaches 198.51.100.1 through the BGP route" topo_ping a 198.51.100.1 2
check "CUSTOMER-B holds the BGP route its route-map admits, leaked from default" output_matches \
	'^B>\* 198\.51\.100\.0/24 \[20/0\] via 203\.0\.113\.1, eth4 \(vrf default\)' \
	topo_ctl show ip route vrf CUSTOMER-B
check "... and none of the other 10,000" test "$(topo_ctl show ip route vrf CUSTOMER-B | grep -c '^B>\*')" = 1
check "the leak audit lists it" output_matches '198\.51\.100\.0/24 +from default +by route-target' \
	topo_ctl show leak vrf CUSTOMER-B
check "b (CUSTOMER-B) reaches 198.51.100.1 through the leaked BGP route" topo_ping b 198.51.100.1 2
check "show fpm: connected, nothing refused" output_matches \
	'results: installed [0-9]+ unknown-table 0 refused 0 out-of-memory 0 fib-full 0' topo_ctl show fpm

echo "---- the peer withdraws one prefix"
# one route's entry, not the 10,000-line table: the poll itself stays cheap
has_198() { topo_ctl show ip route 198.51.100.0/24 | grep -q '^Routing entry for 198\.51\.100\.0/24'; }
# gone_within MS: 198.51.100.0/24 leaves sluice's FIB within MS milliseconds
gone_within() {
	local t0=$(date +%s%N) ms
	echo "withdraw route 198.51.100.0/24 next-hop 203.0.113.1" >>"$zdir/exabgp.cmd"
	while has_198; do
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ $ms -lt $1 ] || { echo "still there after $ms ms"; return 1; }
		sleep 0.05
	done
	echo $((($(date +%s%N) - t0) / 1000000)) >"$zdir/gone.ms"
}
check "198.51.100.0/24 leaves sluice's FIB within 1 s" gone_within 1000
echo "gone after $(cat "$zdir/gone.ms" 2>/dev/null) ms (polling show ip route 198.51.100.0/24 every 0.05 s)"
check "the other 10,000 stay" test "$(b_routes)" = 10000
check_not "a cannot reach 198.51.100.1 after the withdrawal" topo_ping a 198.51.100.1 1
check_not "the withdrawal withdrew the leak: not in CUSTOMER-B" output_matches '198\.51\.100\.0/24' \
	topo_ctl show ip route vrf CUSTOMER-B
check_not "b cannot reach 198.51.100.1 either" topo_ping b 198.51.100.1 1

echo "---- the peer goes away"
t0=$(date +%s%N)
pkill -f "exabgp $zdir/"
check "every BGP route leaves sluice" wait_routes 0 10
echo "withdrawn in $((($(date +%s%N) - t0) / 1000000)) ms (polling show ip route every 0.1 s)"
check_not "a cannot reach 198.51.100.1 any more" topo_ping a 198.51.100.1 1

echo "---- zebra restarts (and no longer has 198.51.100.0/24)"
peer_start
check "the peer is back" wait_routes 10001 30
check "FRR stops" frr_stop
routes_are() { local n=$(b_routes); [ "$n" = "$1" ] || { echo "sluice holds $n BGP routes"; return 1; }; }
check "routes stay while zebra is away" routes_are 10001
# while FRR is down the peer comes back without 198.51.100.0/24: zebra's
# replay lacks it, so sluice must sweep it as stale
pkill -f "exabgp $zdir/"
peer_start exabgp-less.conf
check "FRR starts again" frr_start
# swept SECONDS: sluice holds the 10,000 replayed routes and not the stale one
swept() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(b_routes)" = 10000 ] && ! has_198 && return 0
		sleep 0.1
	done
	echo "sluice holds $(b_routes) BGP routes; 198.51.100.0/24: $(has_198 && echo present || echo absent)"
	topo_ctl show fpm
	return 1
}
t0=$(date +%s%N)
check "zebra replays 10,000; the stale 198.51.100.0/24 is swept" swept 30
echo "replayed and swept $((($(date +%s%N) - t0) / 1000000)) ms after FRR started (sweep after 3 s quiet)"
sleep 1
check "nothing lost a second later: 10,000" test "$(b_routes)" = 10000
check_not "nothing stale a second later: no 198.51.100.0/24" has_198
check_not "a cannot reach 198.51.100.1 (the swept route)" topo_ping a 198.51.100.1 1
check "a second connection" test "$(fpm_connects)" -ge 2

echo "---- sluiced restarts (the peer announces 198.51.100.0/24 again meanwhile)"
topo_down
pkill -f "exabgp $zdir/"
peer_start
topo_init "$TOPO_P" "$TOPO_T" "$TOPO_RUN"
topo_sluiced_start "$TOPO_RUN/sluiced.conf"
topo_wait_ready || exit 1
topo_hosts_up
for h in a inet; do topo_in "$h" ping -n -c 1 -W 2 "${TOPO_GW[$h]}" >/dev/null 2>&1; done
check "zebra reconnects to the new sluiced and the table comes back" wait_routes 10001 40
check "a reaches 198.51.100.1 again" topo_ping a 198.51.100.1 2
dts_finish
