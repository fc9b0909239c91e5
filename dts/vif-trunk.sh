#!/usr/bin/env bash
# dts: one customer through a vif on a trunk tap. CUSTOMER-A is VLAN 100 on
# eth1 (dts/configs/shared-services-vif.conf); the kernel here has no 802.1Q
# module, so host a is played by scapy (dts/vlan_host.py) on the trunk tap.
# It must see the same reachability as the untagged customer does.
. "$(dirname "$0")/dts-lib.sh"
dts_init vt
dts_start "$DTS_DIR/configs/shared-services-vif.conf"

# Host a: the tap carries only tagged frames now.
trunk=${TOPO_T}1
topo_in a ip addr flush dev "$trunk"
vhost() { topo_in a /usr/bin/python3 "$DTS_DIR/vlan_host.py" "$trunk" "$@"; }
vping() { vhost 100 10.1.0.10/24 10.1.0.1 ping "$@"; }

check "a (VLAN 100) -> dns, reply ttl=63" output_matches 'reply from 10\.100\.0\.10 ttl=63' \
	vping 10.100.0.10
check "a (VLAN 100) -> ntp" vping 10.100.0.20
check "a (VLAN 100) -> internet, reply ttl=63" output_matches 'ttl=63' vping 198.51.100.1
check "a (VLAN 100) -> router 10.1.0.1" vping 10.1.0.1
check_not "a (VLAN 100) -> b is isolated" vping 10.2.0.10 --count 1
check "a (VLAN 100) -> dns with TTL 1: time exceeded from 10.1.0.1" output_matches \
	'From 10\.1\.0\.1 icmp type 11' vping 10.100.0.10 --ttl 1 --count 1
check_not "a on VLAN 101 (not configured) reaches nothing" \
	vhost 101 10.1.0.10/24 10.1.0.1 ping 10.1.0.1 --count 1

# The other direction: host a answers while dns, ntp and the internet ping it
# (the router must push the VLAN 100 tag toward it).
# Wait until it listens (not a fixed sleep: scapy starts slowly under load);
# it serves long enough for every check below and is stopped after them.
ready="$TOPO_RUN/vlan-host.ready"
vhost 100 10.1.0.10/24 10.1.0.1 serve 40 --ready "$ready" &
serve_pid=$!
for _ in $(seq 1 300); do [ -e "$ready" ] && break; sleep 0.1; done
[ -e "$ready" ] || echo "note: the VLAN host did not report ready in 30 s"
check "dns -> a (VLAN 100), reply ttl=63" output_matches 'ttl=63' \
	topo_in dns ping -n -c 2 -W 2 10.1.0.10
check "internet -> a (VLAN 100)" topo_ping inet 10.1.0.10 2
check_not "b -> a (VLAN 100) is isolated" topo_ping b 10.1.0.10 1
check "sluicectl ping 10.1.0.10 vrf CUSTOMER-A" topo_ctl ping 10.1.0.10 vrf CUSTOMER-A count 2
kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null
check "show interfaces lists eth1.100" output_matches 'eth1\.100' topo_ctl show interfaces
dts_finish
