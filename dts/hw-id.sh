#!/usr/bin/env bash
# dts: `interfaces ethernet ethN hw-id MAC` pins ethN to the NIC with that MAC
# instead of probe order. Four net_tap ports with known MACs (net_tap's mac=
# devarg): eth0 and eth1 are swapped by hw-id, eth2 has none and keeps port
# 2, eth5 takes port 3 by its hw-id so eth3 (none) is left without a port,
# eth7's hw-id matches no port (both inactive, said in the log). Checked by
# `show interfaces` (port and device per ethN) and by traffic: a host on the
# tap of port 1 reaches eth0's address, a host on port 0's reaches eth1's. Two
# interfaces with one hw-id are a commit error; a hw-id changed at runtime is
# accepted with a warning and applies at the next start.
. "$(dirname "$0")/dts-lib.sh"
dts_init hw
PY=/usr/bin/python3
MAC0=02:00:5e:10:00:a0
MAC1=02:00:5e:10:00:a1
MAC2=02:00:5e:10:00:a2
MAC3=02:00:5e:10:00:a3
cat >"$TOPO_RUN/hw.conf" <<EOF
set interfaces ethernet eth0 hw-id $MAC1
set interfaces ethernet eth0 address 10.0.0.1/24
set interfaces ethernet eth1 hw-id $(tr a-f A-F <<<"$MAC0")
set interfaces ethernet eth1 address 10.0.1.1/24
set interfaces ethernet eth2 address 10.0.2.1/24
set interfaces ethernet eth3 address 10.0.3.1/24
set interfaces ethernet eth5 hw-id $MAC3
set interfaces ethernet eth5 address 10.0.5.1/24
set interfaces ethernet eth7 hw-id 02:00:5e:10:00:ff
set interfaces ethernet eth7 address 10.0.7.1/24
EOF

TOPO_NPORTS=4
macs=("$MAC0" "$MAC1" "$MAC2" "$MAC3")
vdevs=()
for ((i = 0; i < TOPO_NPORTS; i++)); do
	vdevs+=(--vdev "net_tap$i,iface=$TOPO_T$i,mac=${macs[$i]}")
done
# shellcheck disable=SC2046
setsid "$SLUICED" -l 0,1 $(topo_mem_args) --no-pci --file-prefix "$TOPO_P" "${vdevs[@]}" -- \
	--config "$TOPO_RUN/hw.conf" --socket "$TOPO_SOCK" >"$TOPO_LOG" 2>&1 </dev/null &
TOPO_PID=$!
echo "$TOPO_PID" >"$TOPO_PIDFILE"
topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }

jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
# iface NAME → "port device mac" from show interfaces --json ("" when absent)
iface() {
	topo_ctl --json show interfaces |
		jget "' '.join('%s %s %s' % (i['port'], i['device'], i['mac']) for i in d if i['name'] == '$1')"
}

echo "---- the map"
check "eth0 is port 1 (net_tap1, $MAC1)" test "$(iface eth0)" = "1 net_tap1 ${MAC1^^}"
check "eth1 is port 0 (net_tap0, $MAC0; hw-id in upper case)" test "$(iface eth1)" = "0 net_tap0 ${MAC0^^}"
check "eth2 (no hw-id) keeps port 2" test "$(iface eth2)" = "2 net_tap2 ${MAC2^^}"
check "eth5 is port 3 (net_tap3, by hw-id)" test "$(iface eth5)" = "3 net_tap3 ${MAC3^^}"
check "eth3 (no hw-id, its port taken by eth5's) is absent" test "$(iface eth3)" = ""
check "the log says why eth3 is inactive" output_matches \
	'ports: eth3: port 3 is another interface.s \(by its hw-id\): interface inactive; give eth3 a hw-id' \
	topo_ctl show log
check "eth7 (no such NIC) is absent" test "$(iface eth7)" = ""
check "the log says why eth7 is inactive" output_matches \
	'ports: eth7: hw-id 02:00:5e:10:00:ff matches no port .*interface inactive' topo_ctl show log
check "the log names eth0's port" output_matches "ports: eth0: hw-id $MAC1 is port 1 \(net_tap1\)" \
	topo_ctl show log

echo "---- traffic"
# a host on each of the swapped ports: it answers only on its own subnet
host_on() { # PORT NAME ADDR/LEN
	ip netns add "$TOPO_P-$2"
	ip link set "$TOPO_T$1" netns "$TOPO_P-$2"
	ip -n "$TOPO_P-$2" link set "$TOPO_T$1" up
	ip -n "$TOPO_P-$2" addr add "$3" dev "$TOPO_T$1"
}
hw_cleanup() {
	local rc=$?
	ip netns del "$TOPO_P-p0" 2>/dev/null
	ip netns del "$TOPO_P-p1" 2>/dev/null
	(exit $rc)
	dts_cleanup
}
trap hw_cleanup EXIT
host_on 1 p1 10.0.0.10/24
host_on 0 p0 10.0.1.10/24
check "a host on port 1's tap reaches eth0 (10.0.0.1)" \
	ip netns exec "$TOPO_P-p1" ping -n -c 2 -W 2 10.0.0.1
check "a host on port 0's tap reaches eth1 (10.0.1.1)" \
	ip netns exec "$TOPO_P-p0" ping -n -c 2 -W 2 10.0.1.1

echo "---- commits"
check_not "two interfaces with one hw-id: refused" \
	topo_ctl configure <<<"set interfaces ethernet eth2 hw-id $MAC1"
check "... naming both" output_matches "eth2 hw-id $MAC1: eth0 has the same hw-id" \
	topo_ctl configure <<<"set interfaces ethernet eth2 hw-id $MAC1"
check_not "a hw-id that is neither a MAC nor a PCI address: refused" \
	topo_ctl configure <<<'set interfaces ethernet eth2 hw-id net_tap2'
check "a PCI address is accepted (canonical form)" \
	topo_ctl configure <<<'set interfaces ethernet eth7 hw-id 03:00.0'
check "... rendered with its domain" output_matches \
	'^set interfaces ethernet eth7 hw-id 0000:03:00.0$' topo_ctl show configuration
check "a runtime change is accepted with a warning: applies at restart" output_matches \
	'warning: eth2 hw-id 02:00:5e:10:00:a2: takes effect when sluiced restarts .*eth2 stays port 2' \
	topo_ctl configure <<<"set interfaces ethernet eth2 hw-id $MAC2"
check "... and the map is unchanged" test "$(iface eth2)" = "2 net_tap2 ${MAC2^^}"
check "... eth0 still answers on port 1" ip netns exec "$TOPO_P-p1" ping -n -c 1 -W 2 10.0.0.1
check "an inactive interface is said once, not at every commit" \
	test "$(topo_ctl show log | grep -c 'eth3: port 3 is another')" = 1

dts_finish
