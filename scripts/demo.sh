#!/usr/bin/env bash
# The sluice demo (needs root): installs missing Debian packages, reserves
# hugepages, builds sluiced if needed, starts it on five
# net_tap ports with config/demo-shared-services.conf, moves each tap into a
# network namespace holding a Linux host (the seed's shared-services topology,
# see scripts/netns-topology.sh), prints the reachability matrix it measured,
# and leaves the router running for sluicectl.
#
#   scripts/demo.sh          start (or restart) the demo
#   scripts/demo.sh matrix   measure the matrix again
#   scripts/demo.sh stop     stop sluiced, delete namespaces, taps, hugepage files
#
# SLUICE_BUILD=DIR selects the build directory (default ./build).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/netns-topology.sh
. "$top/scripts/netns-topology.sh"

topo_init sluice-demo dtap /run/sluice/demo
config=$top/config/demo-shared-services.conf

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: needs root (network namespaces, taps, hugepages): sudo $0 ${*:-}" >&2
	exit 1
fi

matrix() {
	local before after
	echo "Reachability measured (ping from each host to each host; ✓ replied, ✗ no reply;"
	echo "'-' same segment). Expected: customers <-> dns/ntp, a <-> inet, all else isolated."
	before=$(topo_in_echos b)
	TOPO_SURPRISES=()
	local rc=0
	topo_matrix TOPO_EXPECT_SHARED || rc=$?
	after=$(topo_in_echos b)
	echo
	echo "MGMT -> customers is one-way by design (the seed's return-path problem): host b"
	echo "received $((after - before)) echo requests in this run (from mgmt, dns and ntp), but its"
	echo "replies to mgmt (10.99.0.10) find no route in CUSTOMER-B: the router drops them and"
	echo "sends b ICMP net unreachable, so MGMT sees 100% loss. Host a's replies to mgmt are"
	echo "worse: they match CUSTOMER-A's leaked internet default and go to the upstream."
	echo "A route back (e.g. CUSTOMER-B: 10.99.0.0/24 interface eth0 vrf MGMT) makes it two-way."
	if [ $rc = 0 ]; then
		echo "All $((${#TOPO_HOSTS[@]} * (${#TOPO_HOSTS[@]} - 1) - 2)) pairs as expected (a mismatch would read e.g. ✗ want ✓!)."
	else
		echo "$rc pair(s) NOT as expected: ${TOPO_SURPRISES[*]}"
	fi
	return $rc
}

case "${1:-start}" in
stop)
	topo_down
	echo "demo stopped: sluiced, namespaces $TOPO_P-*, taps ${TOPO_T}0-4 and hugepage files removed"
	exit 0
	;;
matrix)
	matrix
	exit $?
	;;
start) ;;
*)
	echo "usage: $0 [start|matrix|stop]" >&2
	exit 2
	;;
esac

# Debian packages and hugepages (idempotent, quiet when all is there).
"$top/scripts/setup-deps.sh"
echo "== building sluice in $SLUICE_BUILD"
[ -d "$SLUICE_BUILD" ] || meson setup "$SLUICE_BUILD" "$top" >/dev/null
mkdir -p "$TOPO_RUN"
if ! ninja -C "$SLUICE_BUILD" >"$TOPO_RUN/build.log" 2>&1; then
	tail -n 30 "$TOPO_RUN/build.log" >&2
	exit 1
fi

topo_down # a previous demo, if any
echo "== checking $config"
"$SLUICECTL" --offline "$config" check
echo "== starting sluiced (log: $TOPO_LOG)"
topo_sluiced_start "$config"
if ! topo_wait_ready; then
	topo_down
	exit 1
fi
echo "== hosts: namespaces $TOPO_P-{mgmt,a,b,sw,dns,ntp,inet} on taps ${TOPO_T}0-4"
topo_hosts_up
# Let ARP settle so the first pings do not race neighbour resolution.
for h in "${TOPO_HOSTS[@]}"; do
	topo_in "$h" ping -c 1 -W 1 "${TOPO_GW[$h]}" >/dev/null 2>&1 || true
done
echo
rc=0
matrix || rc=$?
ctl="$SLUICECTL -s $TOPO_SOCK"
cat <<EOF

sluiced is running (pid $TOPO_PID). Try:
  $ctl show ip route vrf CUSTOMER-A
  $ctl show ip route vrf SHARED 10.1.0.0/24
  $ctl show interfaces
  $ctl show leak graph | dot -Tsvg >leaks.svg     # the leaks, with packets per direction
  $ctl ping 10.100.0.10 vrf CUSTOMER-A
  echo 'set vrf name CUSTOMER-B protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf INTERNET' | $ctl configure -
  ip netns exec $TOPO_P-a ping 10.100.0.10
  ip netns exec $TOPO_P-a traceroute -n 198.51.100.1
  $0 matrix      # measure again
  $0 stop        # stop and clean up
EOF
exit $rc
