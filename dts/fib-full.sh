#!/usr/bin/env bash
# dts: a commit that does not fit in the forwarding tables' memory is refused
# whole, and a --config that does not fit stops sluiced at start. sluiced runs
# with 160 MiB of DPDK memory (--socket-limit with hugepages, -m without);
# a new VRF's table takes 272 KiB of it.
#   1. 300 routes in a new VRF T commit and are listed.
#   2. 600 VRFs more (≈ 160 MiB of tables) plus routes in T: refused with
#      "commit refused: the forwarding table of vrf … cannot grow", exit 1;
#      `show vrf`, `show ip route vrf T` and `show dataplane`'s FIB unchanged.
#   3. 50 VRFs commit after it.
#   4. sluiced started with a configuration of 600 VRFs exits, saying so.
. "$(dirname "$0")/dts-lib.sh"

TOPO_HOSTS=()
TOPO_NPORTS=1
MEM=160

# The suite's own memory size instead of the topology's.
topo_mem_args() {
	if mount | grep -q 'type hugetlbfs' &&
		[ "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)" -ge $((MEM / 2 + 16)) ]; then
		echo "--socket-limit $MEM"
	else
		echo "--no-huge -m $MEM"
	fi
}

# vrfs FIRST COUNT: COUNT VRFs with a blackhole route each
vrfs() {
	awk -v a="$1" -v n="$2" 'BEGIN {
		for (i = a; i < a + n; i++) {
			printf "set vrf name N%d table %d\n", i, 2000 + i
			printf "set vrf name N%d protocols static route 10.9.0.0/16 blackhole\n", i
		}
	}'
}

# troutes FIRST COUNT: /24 routes of VRF T, one per /16
troutes() {
	awk -v a="$1" -v n="$2" 'BEGIN {
		for (i = a; i < a + n; i++)
			printf "set vrf name T protocols static route %d.%d.7.0/24 blackhole\n", 20 + int(i / 256), i % 256
	}'
}

# show dataplane's FIB line: VRF tables, their MiB and groups, next hops
fib_line() { topo_ctl show dataplane | grep '^fib: '; }

dts_init ff
topo_sluiced_start "$DTS_DIR/configs/stream-base.conf"
topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }

{ echo "set vrf name T table 120"; troutes 0 300; } >"$TOPO_RUN/t.txt"
check "300 routes in a new VRF T commit" topo_ctl configure "$TOPO_RUN/t.txt"
check "show ip route vrf T lists them" \
	test "$(topo_ctl show ip route vrf T | grep -c '^S>\* ')" = 300

vrf_before=$(topo_ctl show vrf)
t_before=$(topo_ctl show ip route vrf T)
dp_before=$(fib_line)
{ troutes 300 100; vrfs 0 600; } >"$TOPO_RUN/big.txt"
topo_ctl configure "$TOPO_RUN/big.txt" >"$TOPO_RUN/big.out" 2>"$TOPO_RUN/big.err"
rc=$?
check "600 VRFs more are refused (exit 1, got $rc)" test "$rc" = 1
check "the error says which table cannot grow and why" grep -Eq \
	'commit refused: the forwarding table of vrf [^ ]+ cannot grow \([0-9]+ groups needed.*\): out of hugepage memory; nothing was changed' \
	"$TOPO_RUN/big.err"
check "show vrf is unchanged" test "$(topo_ctl show vrf)" = "$vrf_before"
check "show ip route vrf T is unchanged (none of its 100 new routes)" \
	test "$(topo_ctl show ip route vrf T)" = "$t_before"
check "the FIB holds the same tables and groups (${dp_before%%,*})" \
	test "$(fib_line)" = "$dp_before"
check "sluiced is still running" kill -0 "$TOPO_PID"

vrfs 0 50 >"$TOPO_RUN/small.txt"
check "50 VRFs commit after it" topo_ctl configure "$TOPO_RUN/small.txt"
check "they are in show vrf" topo_ctl show vrf N49

kill "$TOPO_PID"
wait "$TOPO_PID" 2>/dev/null
{ cat "$DTS_DIR/configs/stream-base.conf"; vrfs 0 600; } >"$TOPO_RUN/start.conf"
topo_sluiced_start "$TOPO_RUN/start.conf"
for ((i = 0; i < 300; i++)); do
	kill -0 "$TOPO_PID" 2>/dev/null || break
	sleep 0.1
done
check_not "sluiced with a 600-VRF --config does not run" kill -0 "$TOPO_PID"
check "it says the configuration does not fit" grep -Eq \
	'sluiced: .*start.conf does not fit: the forwarding table of vrf [^ ]+ cannot grow .*not starting half-loaded' \
	"$TOPO_LOG"
dts_finish
