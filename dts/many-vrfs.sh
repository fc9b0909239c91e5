#!/usr/bin/env bash
# dts: many tenants (issue 10). N customer VRFs C1..CN, each on its own vif
# (VLAN 100+i) of the trunk port eth1, import the SHARED VRF (eth3: dns, ntp)
# by route target, and SHARED imports them back. Hosts on the trunk are played
# by scapy (dts/vlan_host.py, a batch of pings a run). Spot checks from the first,
# a middle and the last vif: the gateway, the shared services (leaked), and
# that two customers cannot reach each other. Also: a configuration one VRF
# past the limit is refused, naming the limit and the line.
#
# DTS_MANY_VRFS=N (default 1,000; about 34 s on the 2-core VM, 31 s at 64:
# the scapy batches dominate). A small VRF table takes 272 KiB of hugepages,
# so 1,000 fit in ~1.5 GiB; the control plane alone is measured at 4,096 VRFs
# by sluice-bench-tenants (doc/benchmarks.md).
. "$(dirname "$0")/dts-lib.sh"
N=${DTS_MANY_VRFS:-1000}
if ! [[ $N =~ ^[0-9]+$ ]] || [ "$N" -lt 3 ] || [ "$N" -gt 3993 ]; then
	echo "DTS_MANY_VRFS must be 3..3993 (VLANs 101..4094), not '$N'"
	exit 2
fi
dts_init mv

# Hugepages when they hold every table (N + 2 VRFs, the default one: a small
# table is 272 KiB, 1 MiB each leaves room to grow; mbufs), else as much plain
# memory.
need_mb=$((N + 3 + 512))
topo_mem_args() {
	local free
	free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
	if mount | grep -q 'type hugetlbfs' && [ "$((free * 2))" -ge "$need_mb" ]; then
		echo ""
	else
		echo "--no-huge -m $need_mb"
	fi
}

# Customer i: VLAN 100+i, 100.(64 + i/256).(i%256).0/24, the router at .1,
# its host at .10.
net() { echo "100.$((64 + $1 / 256)).$(($1 % 256))"; }
tenant() {
	local i=$1 c="vrf name C$1" af="protocols bgp address-family ipv4-unicast"
	echo "set $c table $((1000 + i))"
	echo "set interfaces ethernet eth1 vif $((100 + i)) vrf C$i"
	echo "set interfaces ethernet eth1 vif $((100 + i)) address $(net "$i").1/24"
	echo "set $c protocols bgp system-as 65000"
	echo "set $c $af rd 65000:$((100 + i))"
	echo "set $c $af route-target import 65000:1"
	echo "set $c $af route-target export 65000:2"
}
conf=$TOPO_RUN/many-vrfs.conf
{
	echo "set interfaces ethernet eth0 address 10.99.0.1/24"
	echo "set interfaces ethernet eth1 description 'trunk: one VLAN per customer'"
	echo "set interfaces ethernet eth2 address 10.2.0.1/24"
	echo "set interfaces ethernet eth4 address 203.0.113.2/24"
	echo "set vrf name SHARED table 20"
	echo "set interfaces ethernet eth3 vrf SHARED"
	echo "set interfaces ethernet eth3 address 10.100.0.1/24"
	echo "set vrf name SHARED protocols bgp system-as 65000"
	echo "set vrf name SHARED protocols bgp address-family ipv4-unicast rd 65000:1"
	echo "set vrf name SHARED protocols bgp address-family ipv4-unicast route-target export 65000:1"
	echo "set vrf name SHARED protocols bgp address-family ipv4-unicast route-target import 65000:2"
	for ((i = 1; i <= N; i++)); do tenant "$i"; done
} >"$conf"

# The limit, offline (no memory needed): SHARED + 4,096 customers is one too
# many, refused at the first line of C4096.
over=$TOPO_RUN/over-limit.conf
{
	cat "$conf"
	for ((i = N + 1; i <= 4096; i++)); do
		echo "set vrf name C$i table $((1000 + i))"
	done
} >"$over"
line=$(grep -n '^set vrf name C4096 table' "$over" | cut -d: -f1)
check "4,097 VRFs: refused at line $line, naming C4096 and the limit" output_matches \
	"^$over:$line: vrf name C4096: too many VRFs \(limit 4096\)$" dts_not "$SLUICECTL" \
	--offline "$over" check

dts_start "$conf"

count_vrfs() { topo_ctl show vrf | grep -cE '^(default|SHARED|C[0-9]+) '; }
check "show vrf lists default, SHARED and the $N customers" output_matches "^$((N + 2))\$" \
	count_vrfs
check "show interfaces lists eth1.$((100 + N))" output_matches "eth1\.$((100 + N))" \
	topo_ctl show interfaces

trunk=${TOPO_T}1
topo_in a ip addr flush dev "$trunk"
# Hosts on the trunk: customer i's host (VLAN 100+i, .10) pinging through its
# gateway. Scapy takes seconds to start on a busy machine, so each phase is
# one batch (vlan_host.py batch): ping K of the batch is `result K`.
batch=()
bping() { # bping CUSTOMER DST [OPTIONS]: queue a ping, K is its position
	local i=$1
	shift
	batch+=("$((100 + i)) $(net "$i").10/24 $(net "$i").1 $*")
}
batch_run() {
	printf '%s\n' "${batch[@]}" >"$TOPO_RUN/batch"
	topo_in a /usr/bin/python3 "$DTS_DIR/vlan_host.py" "$trunk" batch "$TOPO_RUN/batch" \
		>"$TOPO_RUN/batch.out" 2>&1
	batch=()
}
result() { # result K: 0 when ping K was answered (its output shown either way)
	grep "^$1 rc=" "$TOPO_RUN/batch.out" || cat "$TOPO_RUN/batch.out"
	grep -q "^$1 rc=0 " "$TOPO_RUN/batch.out"
}

mid=$(((N + 1) / 2))
for i in 1 "$mid" "$N"; do
	bping "$i" "$(net "$i").1"
	bping "$i" 10.100.0.10
done
bping "$mid" 10.100.0.20
batch+=("$((101 + N)) $(net 1).10/24 $(net 1).1 $(net 1).1 --count 1")
batch_run
k=0
for i in 1 "$mid" "$N"; do
	check "C$i (VLAN $((100 + i))) -> its gateway $(net "$i").1" result $((k += 1))
	check "C$i (VLAN $((100 + i))) -> dns (leaked from SHARED), reply ttl=63" \
		output_matches 'reply from 10\.100\.0\.10 ttl=63' result $((k += 1))
done
check "C$mid -> ntp (leaked from SHARED)" result $((k += 1))
check_not "a host on VLAN $((101 + N)) (not configured) reaches nothing" result $((k += 1))

# Customer N's host answers while: SHARED reaches it (the way back is leaked),
# customer 1 does not (neither it nor its gateway), nor does the default VRF.
topo_in a /usr/bin/python3 "$DTS_DIR/vlan_host.py" "$trunk" "$((100 + N))" "$(net "$N").10/24" \
	"$(net "$N").1" serve 12 &
serve_pid=$!
sleep 3
check "dns -> C$N's host $(net "$N").10 (leaked into SHARED)" output_matches 'ttl=63' \
	topo_in dns ping -n -c 3 -W 2 "$(net "$N").10"
check_not "b (default VRF) -> C$N's host is isolated" topo_ping b "$(net "$N").10" 1
bping 1 "$(net "$N").10" --count 1
bping 1 "$(net "$N").1" --count 1
batch_run
check_not "C1 -> C$N's host is isolated" result 1
check_not "C1 -> C$N's gateway is isolated" result 2
wait "$serve_pid" 2>/dev/null
dts_finish
