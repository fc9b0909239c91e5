#!/usr/bin/env bash
# dts: control-plane interfaces (lib/cpif). With `system control-plane
# interfaces enable` and `netns NS`, sluiced makes a kernel TAP in namespace
# NS for each default-VRF interface (cp-ethN: the port's MAC, the
# interface's addresses, link up) and none for a VRF's (this kernel has no
# VRF devices: said in show and the log). Checked: what the kernel in NS
# sends leaves by the port (its ping of host a, its ARP); TCP and UDP to the
# router's address from host a reach a listener in NS through the port and
# the TAP; the TAPs follow commits (address added and removed, interface
# deleted, disabled, a namespace that appears later); a flood of TCP SYNs to a closed port is cut by the tcp
# class's rate limit (counted) while other classes keep their own budget.
. "$(dirname "$0")/dts-lib.sh"
dts_init cp
PY=/usr/bin/python3
[ -x $PY ] || dts_skip "no /usr/bin/python3"
cns=$TOPO_P-cp
# sluiced first: its TAPs go with it, not with their namespace
trap 'rc=$?; topo_down; ip netns del "$cns" 2>/dev/null; ip netns del "$TOPO_P-late" 2>/dev/null; (exit $rc); dts_cleanup' EXIT
ip netns add "$cns"
ip -n "$cns" link set lo up
ip netns exec "$cns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true

cat >"$TOPO_RUN/sluiced.conf" <<CONF
set vrf name B table 100
set interfaces ethernet eth1 address 10.1.0.1/24
set interfaces ethernet eth2 address 10.2.0.1/24
set interfaces ethernet eth2 vrf B
set interfaces ethernet eth4 address 203.0.113.2/24
set system control-plane interfaces enable
set system control-plane interfaces netns $cns
set system control-plane interfaces rate-limit tcp 100
CONF
dts_start "$TOPO_RUN/sluiced.conf"
cp() { ip netns exec "$cns" "$@"; }
# cpj KEY...: a field of show control-plane --json
cpj() {
	topo_ctl --json show control-plane | $PY -c 'import json,sys
j=json.load(sys.stdin)
for k in sys.argv[1:]: j=j[k]
print(j)' "$@"
}

echo "---- the TAPs"
check "cp-eth1 in the namespace, up" output_matches ',UP' cp ip link show cp-eth1
check "with 10.1.0.1/24" output_matches 'inet 10\.1\.0\.1/24' cp ip -o -4 addr show dev cp-eth1
mac1=$(topo_ctl show interfaces | awk '$1 == "eth1" {print tolower($0)}' | grep -oE '([0-9a-f]{2}:){5}[0-9a-f]{2}' | head -n 1)
check "cp-eth1 has eth1's MAC ($mac1)" output_matches "link/ether $mac1" cp ip link show cp-eth1
check "cp-eth4 with 203.0.113.2/24" output_matches 'inet 203\.0\.113\.2/24' cp ip -o -4 addr show dev cp-eth4
check_not "no TAP for eth2 (VRF B)" cp ip link show cp-eth2
check "show control-plane says why" output_matches \
	'eth2 +B +- +- +control-plane interface needs kernel VRF support \(not available\)' \
	topo_ctl show control-plane
check "and the log" grep -q 'control-plane interface needs kernel VRF support (not available)' "$TOPO_LOG"

echo "---- through the port"
check "the kernel in the namespace pings host a (its ARP and ICMP go out)" \
	cp ping -n -c 2 -W 2 10.1.0.10
check "host a's ARP entry for 10.1.0.1 is eth1's MAC" output_matches "10\.1\.0\.1 .*$mac1" \
	topo_in a ip neigh show 10.1.0.1
cp $PY -c 'import socket
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.1.0.1", 8080)); s.listen(4)
for i in range(2):
    c, a = s.accept(); c.sendall(b"hello " + a[0].encode() + b"\n"); c.close()' &
srv=$!
cp $PY -c 'import socket
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.1.0.1", 5353))
d, a = s.recvfrom(100); s.sendto(b"echo " + d, a)' &
usrv=$!
sleep 0.5
tcp_hello() {
	topo_in a $PY -c 'import socket
s = socket.create_connection(("10.1.0.1", 8080), timeout=3)
print(s.recv(64).decode().strip())'
}
check "TCP from host a reaches a listener in the namespace" output_matches '^hello 10\.1\.0\.10$' tcp_hello
check "UDP too" output_matches "^b'echo ping'$" topo_in a $PY -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(b"ping", ("10.1.0.1", 5353)); print(s.recv(64))'
check "counted: tcp and udp passed" test "$(cpj classes tcp passed)" -ge 3 -a "$(cpj classes udp passed)" -ge 1
check "echo requests stay sluice's (the kernel does not see them)" \
	test "$(cpj classes icmp passed)" -le 2
check "the kernel's frames left by the ports" test "$(cpj from_kernel)" -ge 6

echo "---- the TAPs follow commits"
check "commit: eth1 gets 10.1.5.1/24" topo_ctl configure <<<'set interfaces ethernet eth1 address 10.1.5.1/24'
check "cp-eth1 has it" output_matches 'inet 10\.1\.5\.1/24' cp ip -o -4 addr show dev cp-eth1
check "commit: removed" topo_ctl configure <<<'delete interfaces ethernet eth1 address 10.1.5.1/24'
check_not "cp-eth1 lost it" output_matches 'inet 10\.1\.5\.1/24' cp ip -o -4 addr show dev cp-eth1
check "and kept 10.1.0.1/24" output_matches 'inet 10\.1\.0\.1/24' cp ip -o -4 addr show dev cp-eth1
check "commit: eth1 mtu 1400" topo_ctl configure <<<'set interfaces ethernet eth1 mtu 1400'
check "cp-eth1 has MTU 1400" output_matches ' mtu 1400 ' cp ip link show cp-eth1
check "commit: eth4 disabled" topo_ctl configure <<<'set interfaces ethernet eth4 disable'
check_not "cp-eth4 link down" output_matches ',UP' cp ip link show cp-eth4
check "commit: eth4 deleted" topo_ctl configure <<<'delete interfaces ethernet eth4'
check_not "cp-eth4 gone" cp ip link show cp-eth4

echo "---- a SYN flood to a closed port"
tcp0=$(cpj classes tcp passed)
sent=$(topo_in a $PY "$DTS_DIR/syn_flood.py" 10.1.0.10 10.1.0.1 9 3000)
check "3000 SYNs sent" test "$sent" = 3000
sleep 0.5
limited=$(cpj classes tcp limited)
passed=$(($(cpj classes tcp passed) - tcp0))
echo "tcp class: $passed passed, $limited rate-limited (rate 100/s)"
check "rate-limited: most SYNs counted as dropped" test "$limited" -ge 1000
check "the others reached the kernel" test "$passed" -ge 1
check "the udp class kept its budget" test "$(cpj classes udp limited)" = 0
check "TCP to the listener still works after the flood" \
	output_matches '^hello 10\.1\.0\.10$' tcp_hello

echo "---- a namespace made after the commit"
late=$TOPO_P-late
check "commit: netns $late (not there yet)" topo_ctl configure <<<"set system control-plane interfaces netns $late"
check "show control-plane says what is wrong" output_matches \
	"Error: network namespace '$late': No such file or directory" topo_ctl show control-plane
check_not "the old namespace's TAPs are gone" cp ip link show cp-eth1
ip netns add "$late"
# in_late_within S: cp-eth1 appears in the new namespace within S seconds
in_late_within() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		ip -n "$late" -o -4 addr show dev cp-eth1 2>/dev/null | grep -q 'inet 10\.1\.0\.1/24' && return 0
		sleep 0.1
	done
	topo_ctl show control-plane
	return 1
}
check "retried: cp-eth1 appears there" in_late_within 10
ip netns del "$late"
sleep 0.5
ip netns add "$late"
check "the namespace deleted and made again: cp-eth1 is back" in_late_within 10

echo "---- disabled"
check "commit: disable" topo_ctl configure <<<'delete system control-plane interfaces enable'
check_not "cp-eth1 gone" cp ip link show cp-eth1
check "show control-plane: disabled" output_matches 'disabled' topo_ctl show control-plane
kill $srv $usrv 2>/dev/null
dts_finish
