# shellcheck shell=bash
# The ping-matrix checks shared by the static-leak and route-target suites
# (sourced after dts_start). Expectations: TOPO_EXPECT_SHARED.

# trace_hops HOST DST HOP1 HOP2 — traceroute's first two hops are exactly these.
trace_hops() {
	local out hop1 hop2
	out=$(topo_in "$1" traceroute -n -q 1 -w 2 -m 4 "$2" 2>&1)
	hop1=$(awk '$1 == 1 { print $2 }' <<<"$out")
	hop2=$(awk '$1 == 2 { print $2 }' <<<"$out")
	[ "$hop1" = "$3" ] && [ "$hop2" = "$4" ] && return 0
	echo "  traceroute $2 from $1: want hops $3, $4; got:"
	sed 's/^/  | /' <<<"$out"
	return 1
}

matrix_checks() {
	TOPO_SURPRISES=()
	echo "---- ping matrix"
	local surprises=0
	topo_matrix TOPO_EXPECT_SHARED || surprises=$?
	[ $surprises = 0 ] || printf '  surprise: %s\n' "${TOPO_SURPRISES[@]}"
	check "ping matrix: customers <-> shared both ways, customers isolated from each other, \
only CUSTOMER-A <-> internet, MGMT one-way ($surprises surprises)" test $surprises = 0

	echo "---- TTL: decremented exactly once per router pass"
	# Reply TTL 63: the shared host's reply (TTL 64) crossed the router once.
	check "a -> dns reply ttl=63" output_matches 'ttl=63 ' topo_in a ping -n -c 1 -W 2 10.100.0.10
	check "a -> internet reply ttl=63" output_matches 'ttl=63 ' \
		topo_in a ping -n -c 1 -W 2 198.51.100.1
	check "dns -> b reply ttl=63" output_matches 'ttl=63 ' topo_in dns ping -n -c 1 -W 2 10.2.0.10
	# Request TTL 2 arrives (decremented once, across the leak, not twice).
	check "a -> dns with TTL 2 is delivered" topo_in a ping -n -c 1 -W 2 -t 2 10.100.0.10
	check "a -> dns with TTL 1: time exceeded from 10.1.0.1" output_matches \
		'From 10\.1\.0\.1 .*Time to live exceeded' topo_in a ping -n -c 1 -W 2 -t 1 10.100.0.10

	echo "---- traceroute: hop 1 is the router's ingress address"
	check "traceroute a -> dns: 10.1.0.1 then 10.100.0.10" \
		trace_hops a 10.100.0.10 10.1.0.1 10.100.0.10
	check "traceroute a -> internet: 10.1.0.1 then 198.51.100.1" \
		trace_hops a 198.51.100.1 10.1.0.1 198.51.100.1
	check "traceroute dns -> b: 10.100.0.1 then 10.2.0.10" \
		trace_hops dns 10.2.0.10 10.100.0.1 10.2.0.10

	echo "---- ICMP unreachable for isolated destinations"
	# (CUSTOMER-A has the internet default route: its packets to B go upstream
	# instead, where they die; CUSTOMER-B has no default, so the router answers.)
	check "b -> a: net unreachable from 10.2.0.1" output_matches \
		'From 10\.2\.0\.1 .*(Unreachable|unreachable)' topo_in b ping -n -c 1 -W 2 10.1.0.10
	check "b -> internet: net unreachable from 10.2.0.1" output_matches \
		'From 10\.2\.0\.1 .*(Unreachable|unreachable)' topo_in b ping -n -c 1 -W 2 198.51.100.1

	echo "---- the router's own addresses answer in the VRF that owns them"
	check "a -> 10.1.0.1" topo_in a ping -n -c 1 -W 2 10.1.0.1
	check_not "a -> 10.2.0.1 (CUSTOMER-B's address)" topo_in a ping -n -c 1 -W 1 10.2.0.1
	# SHARED's address is reachable through the leak, but SHARED does not
	# answer across leaks (no `ip answer-across-leaks`): dropped local_leak
	check_not "a -> 10.100.0.1 (SHARED's address, through the leak)" \
		topo_in a ping -n -c 1 -W 1 10.100.0.1
	check "dns -> 10.100.0.1 (SHARED's own)" topo_in dns ping -n -c 1 -W 2 10.100.0.1

	echo "---- sluicectl, live"
	check "sluicectl ping 10.100.0.10 vrf CUSTOMER-A" topo_ctl ping 10.100.0.10 vrf CUSTOMER-A count 3
	check "sluicectl ping 198.51.100.1 vrf CUSTOMER-A" topo_ctl ping 198.51.100.1 vrf CUSTOMER-A count 2
	check_not "sluicectl ping 10.1.0.10 vrf CUSTOMER-B fails" \
		topo_ctl ping 10.1.0.10 vrf CUSTOMER-B count 2
	check "sluicectl ping 10.1.0.10 vrf SHARED" topo_ctl ping 10.1.0.10 vrf SHARED count 2
	check "sluicectl traceroute 10.100.0.10 vrf CUSTOMER-A" output_matches '10\.100\.0\.10' \
		topo_ctl traceroute 10.100.0.10 vrf CUSTOMER-A
	check "show ip route vrf CUSTOMER-A lists the SHARED leak" output_matches \
		'10\.100\.0\.0/24.*vrf SHARED' topo_ctl show ip route vrf CUSTOMER-A
	check "show interfaces lists eth0..eth4" output_matches 'eth4' topo_ctl show interfaces
	check "show arp vrf CUSTOMER-A knows 10.1.0.10" output_matches '10\.1\.0\.10' \
		topo_ctl show arp vrf CUSTOMER-A
	check_not "an unknown command fails" topo_ctl frobnicate

	echo "---- control socket under abuse (malformed, oversized, half-sent, 40 clients)"
	check "control socket abuse" /usr/bin/python3 "$DTS_DIR/ctl_abuse.py" "$TOPO_SOCK"
	check "sluiced survived it" topo_ctl show vrf
}
