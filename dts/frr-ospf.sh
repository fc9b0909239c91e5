#!/usr/bin/env bash
# dts: OSPF through sluice's own port (control-plane interfaces). FRR's
# zebra (dplane_fpm_nl) and ospfd run in namespace frr, where sluiced makes
# its TAPs (cp-eth1, cp-eth4). A second FRR (zebra, ospfd) runs on the inet
# host behind eth4 (203.0.113.1) and redistributes its loopback's
# 192.0.2.0/24. Their hellos go to 224.0.0.5 (link-local multicast, a
# martian to forwarding): the worker punts them up cp-eth4 (punt reason
# link_mcast, punt class ospf) and the kernel's own go out of eth4, so the
# adjacency reaches Full, and zebra streams the OSPF route over FPM into
# sluice's FIB (O>*), through which host a (eth1) reaches 192.0.2.1. With
# the control-plane interfaces disabled, the hellos are martians again
# (counted) and no longer go up. Skipped without FRR's ospfd.
. "$(dirname "$0")/dts-lib.sh"
. "$(dirname "$0")/frr-lib.sh"
dts_init fo
frr_init ospfd
pns=$(topo_ns inet)
pdir=$TOPO_RUN/peer
FRR_DIRS+=("$pdir")
# sluiced first: its TAPs go with it, not with the namespace
trap 'rc=$?; topo_down; frr_down; (exit $rc); dts_cleanup' EXIT

# namespace frr: FPM to the root namespace; the TAPs arrive when sluiced starts
frr_fpm_ns "$zns" "$fpm_addr" "10.254.$id.2"

{
	frr_sluiced_conf
	cat <<CONF
set system control-plane interfaces enable
set system control-plane interfaces netns $zns
CONF
} >"$TOPO_RUN/sluiced.conf"

# point-to-point: no DR election (its wait timer is the dead interval)
ospf_if() {
	printf 'interface %s\n ip ospf network point-to-point\n' "$1"
	printf ' ip ospf hello-interval 1\n ip ospf dead-interval 4\n'
}
# LSAs re-originated at once (not 5 s after the last), SPF soon after
ospf_timers() { printf ' timers throttle lsa all 0\n timers lsa min-arrival 0\n timers throttle spf 0 50 500\n'; }
mkdir -p "$pdir"
frr_zebra_conf
{
	echo "hostname frr"
	ospf_if cp-eth4
	printf 'router ospf\n ospf router-id 203.0.113.2\n network 203.0.113.0/24 area 0\n'
	ospf_timers
} >"$zdir/ospfd.conf"
echo "hostname peer" >"$pdir/zebra.conf"
{
	echo "hostname peer"
	ospf_if "${TOPO_T}4"
	printf 'router ospf\n ospf router-id 203.0.113.1\n network 203.0.113.0/24 area 0\n'
	ospf_timers
	printf ' redistribute connected route-map LO\nroute-map LO permit 10\n match interface lo\n'
} >"$pdir/ospfd.conf"
chown -R frr:frr "$zdir" "$pdir"

vtysh_frr() { ip netns exec "$zns" vtysh --vty_socket "$zdir" "$@"; }
vtysh_peer() { ip netns exec "$pns" vtysh --vty_socket "$pdir" "$@"; }
full() {
	local i
	for ((i = 0; i < $1 * 4; i++)); do
		vtysh_frr -c "show ip ospf neighbor" 2>/dev/null | grep -q '^203\.0\.113\.1 .*Full' &&
			return 0
		sleep 0.25
	done
	vtysh_frr -c "show ip ospf neighbor"
	vtysh_frr -c "show ip ospf interface cp-eth4" | head -n 20
	topo_ctl show control-plane
	return 1
}
ospf_route() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		topo_ctl show ip route | grep -q '^O>\* 192\.0\.2\.0/24' && return 0
		sleep 0.1
	done
	topo_ctl show ip route
	topo_ctl show fpm
	vtysh_frr -c "show ip route"
	return 1
}
dpj() { ctl_json "show dataplane" "$@"; }
cpj() { ctl_json "show control-plane" "$@"; }

dts_start "$TOPO_RUN/sluiced.conf"
ip -n "$pns" addr add 192.0.2.1/24 dev lo
check "cp-eth4 in namespace frr with 203.0.113.2/24" output_matches 'inet 203\.0\.113\.2/24' \
	ip -n "$zns" -o -4 addr show dev cp-eth4
check_not "without OSPF, a cannot reach 192.0.2.1" topo_ping a 192.0.2.1 1
check "FRR starts in namespace frr (zebra with dplane_fpm_nl, ospfd)" \
	frr_daemons "$zns" "$zdir" "$TOPO_P" zebra:-M,dplane_fpm_nl ospfd
check "the peer's FRR starts on the inet host (zebra, ospfd)" \
	frr_daemons "$pns" "$pdir" "$TOPO_P-peer" zebra ospfd
t0=$(date +%s%N)
check "the OSPF adjacency over eth4 and cp-eth4 is Full" full 30
echo "Full $((($(date +%s%N) - t0) / 1000000)) ms after ospfd started"
check "the peer sees sluice's side Full too" output_matches '^203\.0\.113\.2 .*Full' \
	vtysh_peer -c "show ip ospf neighbor"
check "zebra streams the OSPF route into sluice (O>*, via eth4)" ospf_route 30
echo "O route in sluice $((($(date +%s%N) - t0) / 1000000)) ms after ospfd started"
check "as FRR's format: [110/M] via 203.0.113.1, eth4" output_matches \
	'^O>\* 192\.0\.2\.0/24 \[110/[0-9]+\] via 203\.0\.113\.1, eth4' topo_ctl show ip route
check "a reaches 192.0.2.1 through the OSPF route" topo_ping a 192.0.2.1 2
topo_ctl show dataplane | grep -E '^(punted|punt rings):'
check "hellos punted as link_mcast" test "$(dpj punted link_mcast)" -ge 4
check "... in the ospf punt class, none lost to a full ring" \
	test "$(dpj punt_classes ospf punted)" -ge 4 -a "$(dpj punt_classes ospf full)" = 0
check "OSPF packets went up the TAP, none rate-limited" \
	test "$(cpj classes ospf passed)" -ge 4 -a "$(cpj classes ospf limited)" = 0

echo "---- control-plane interfaces disabled: hellos are martians again"
m0=$(dpj dropped martian)
l0=$(dpj punted link_mcast)
check "commit: disable" topo_ctl configure <<<'delete system control-plane interfaces enable'
martians_counted() { test "$(dpj dropped martian)" -ge $((m0 + 2)); }
check "martian drops count the peer's hellos" dts_wait 10 martians_counted
l1=$(dpj punted link_mcast)
sleep 2
check "no more link_mcast punts" test "$(dpj punted link_mcast)" = "$l1"
echo "link_mcast punts: $l0 before, $l1 after disabling; martians $m0 -> $(dpj dropped martian)"
dts_finish
