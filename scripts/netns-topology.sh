# shellcheck shell=bash
# The shared-services topology in network namespaces around one sluiced
# (sourced by scripts/demo.sh and dts/*.sh; needs root).
#
#   port  tap     VRF         namespace(s)         host address (gw)
#   eth0  T0      MGMT        P-mgmt               10.99.0.10/24  (10.99.0.1)
#   eth1  T1      CUSTOMER-A  P-a                  10.1.0.10/24   (10.1.0.1)
#   eth2  T2      CUSTOMER-B  P-b                  10.2.0.10/24   (10.2.0.1)
#   eth3  T3      SHARED      P-sw (a bridge) ─┬── P-dns 10.100.0.10/24 (10.100.0.1)
#                                              └── P-ntp 10.100.0.20/24 (10.100.0.1)
#   eth4  T4      INTERNET    P-inet               203.0.113.1/24 (203.0.113.2),
#                                                  198.51.100.1/32 on lo ("the internet")
#
# Usage: topo_init PREFIX TAPPREFIX RUNDIR; topo_sluiced_start CONFIG [EAL ARGS…];
# topo_wait_ready; topo_hosts_up; … topo_down. Every name carries PREFIX, so the
# demo and several test runs never share a namespace, tap or DPDK file-prefix.

TOPO_HOSTS=(mgmt a b dns ntp inet)
declare -A TOPO_ADDR=([mgmt]=10.99.0.10 [a]=10.1.0.10 [b]=10.2.0.10 [dns]=10.100.0.10
	[ntp]=10.100.0.20 [inet]=198.51.100.1)
declare -A TOPO_IFADDR=([mgmt]=10.99.0.10/24 [a]=10.1.0.10/24 [b]=10.2.0.10/24
	[dns]=10.100.0.10/24 [ntp]=10.100.0.20/24 [inet]=203.0.113.1/24)
declare -A TOPO_GW=([mgmt]=10.99.0.1 [a]=10.1.0.1 [b]=10.2.0.1 [dns]=10.100.0.1
	[ntp]=10.100.0.1 [inet]=203.0.113.2)
declare -A TOPO_PORT=([mgmt]=0 [a]=1 [b]=2 [dns]=3 [ntp]=3 [inet]=4)
TOPO_NPORTS=5

topo_log() { printf '%s\n' "$*" >&2; }

# topo_init PREFIX TAPPREFIX RUNDIR
topo_init() {
	TOPO_P=$1
	TOPO_T=$2
	TOPO_RUN=$3
	TOPO_SOCK=$TOPO_RUN/sluiced.sock
	TOPO_LOG=$TOPO_RUN/sluiced.log
	TOPO_PIDFILE=$TOPO_RUN/sluiced.pid
	TOPO_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	: "${SLUICE_BUILD:=$TOPO_TOP/build}"
	: "${SLUICED:=$SLUICE_BUILD/app/sluiced/sluiced}"
	: "${SLUICECTL:=$SLUICE_BUILD/app/sluicectl/sluicectl}"
	mkdir -p "$TOPO_RUN"
}

topo_ns() { printf '%s-%s' "$TOPO_P" "$1"; }

# Run a command in a host's namespace.
topo_in() {
	local host=$1
	shift
	ip netns exec "$(topo_ns "$host")" "$@"
}

topo_ctl() { "$SLUICECTL" -s "$TOPO_SOCK" "$@"; }

# Hugepages when a hugetlbfs is mounted with 1 GiB free (six VRF tables of
# 64 MiB, mbufs), otherwise --no-huge.
topo_mem_args() {
	local free
	free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
	if mount | grep -q 'type hugetlbfs' && [ "$free" -ge 512 ]; then
		echo ""
	else
		echo "--no-huge -m 1536"
	fi
}

# topo_sluiced_start CONFIG [EXTRA SLUICED ARGS after --] — starts sluiced with
# TOPO_NPORTS net_tap ports in the background (pid in TOPO_PID and the pidfile).
# SLUICE_EAL overrides the lcore list (default -l 0,1). The commit history goes
# to $TOPO_RUN/commits, never beside a config file of the source tree.
topo_sluiced_start() {
	local config=$1
	shift
	local vdevs=() i
	for ((i = 0; i < TOPO_NPORTS; i++)); do
		vdevs+=(--vdev "net_tap$i,iface=$TOPO_T$i")
	done
	rm -f "$TOPO_SOCK"
	# shellcheck disable=SC2046
	setsid "$SLUICED" ${SLUICE_EAL:--l 0,1} $(topo_mem_args) --no-pci --file-prefix "$TOPO_P" \
		"${vdevs[@]}" -- --config "$config" --socket "$TOPO_SOCK" \
		--commit-dir "$TOPO_RUN/commits" "$@" \
		>"$TOPO_LOG" 2>&1 </dev/null &
	TOPO_PID=$!
	echo "$TOPO_PID" >"$TOPO_PIDFILE"
}

# Wait until sluiced answers on its socket and its taps exist (30 s).
topo_wait_ready() {
	local i t ok
	for ((i = 0; i < 120; i++)); do
		if ! kill -0 "$TOPO_PID" 2>/dev/null; then
			topo_log "sluiced exited during start-up; its log ($TOPO_LOG):"
			tail -n 30 "$TOPO_LOG" >&2
			return 1
		fi
		ok=1
		for ((t = 0; t < TOPO_NPORTS; t++)); do
			ip link show "$TOPO_T$t" >/dev/null 2>&1 || ok=0
		done
		if [ $ok = 1 ] && [ -S "$TOPO_SOCK" ] && topo_ctl help >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.25
	done
	topo_log "sluiced not ready after 30 s; its log ($TOPO_LOG):"
	tail -n 30 "$TOPO_LOG" >&2
	return 1
}

topo_ns_new() {
	local ns
	ns=$(topo_ns "$1")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	# No IPv6 chatter (router solicitations, MLD) on the router's ports.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
}

# Address a host's interface and point its default route at the router.
topo_host_addr() {
	local host=$1 dev=$2 ns
	ns=$(topo_ns "$host")
	ip -n "$ns" link set "$dev" up
	ip -n "$ns" addr add "${TOPO_IFADDR[$host]}" dev "$dev"
	ip -n "$ns" route add default via "${TOPO_GW[$host]}"
}

# Move a tap into a namespace (the kernel takes the link down on the move).
topo_tap_move() {
	local port=$1 host=$2
	ip link set "$TOPO_T$port" netns "$(topo_ns "$host")"
}

# The hosts on ports 0, 1, 2, 4 sit directly on their tap; port 3 is a bridge
# with the DNS and NTP hosts on veths (two real hosts on one segment).
topo_hosts_up() {
	local h
	for h in mgmt a b inet; do
		topo_ns_new "$h"
		topo_tap_move "${TOPO_PORT[$h]}" "$h"
		topo_host_addr "$h" "$TOPO_T${TOPO_PORT[$h]}"
	done
	ip -n "$(topo_ns inet)" addr add 198.51.100.1/32 dev lo
	topo_ns_new sw
	topo_tap_move 3 sw
	local sw
	sw=$(topo_ns sw)
	# net_tap gives the kernel side the DPDK port's own MAC: a bridge holding
	# it would take frames for the router as its own. Give both other MACs.
	ip -n "$sw" link set "${TOPO_T}3" address 02:00:00:00:03:fe
	ip -n "$sw" link add br0 address 02:00:00:00:03:fd type bridge
	ip -n "$sw" link set "${TOPO_T}3" master br0
	for h in dns ntp; do
		topo_ns_new "$h"
		ip -n "$sw" link add "v$h" type veth peer name eth0 netns "$(topo_ns "$h")"
		ip -n "$sw" link set "v$h" master br0
		ip -n "$sw" link set "v$h" up
		topo_host_addr "$h" eth0
	done
	ip -n "$sw" link set "${TOPO_T}3" up
	ip -n "$sw" link set br0 up
}

# Stop sluiced (TERM, then KILL after 10 s), delete namespaces and taps, remove
# the hugepage files of its file-prefix. Safe to call twice or half set up.
topo_down() {
	local pid="${TOPO_PID:-}" i h
	[ -z "$pid" ] && [ -f "$TOPO_PIDFILE" ] && pid=$(cat "$TOPO_PIDFILE")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 40; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.25
		done
		if kill -0 "$pid" 2>/dev/null; then
			topo_log "sluiced ($pid) ignored SIGTERM for 10 s: killing it"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 0.2
		fi
	fi
	for h in "${TOPO_HOSTS[@]}" sw; do
		ip netns del "$(topo_ns "$h")" 2>/dev/null || true
	done
	for ((i = 0; i < TOPO_NPORTS; i++)); do
		ip link del "$TOPO_T$i" 2>/dev/null || true
	done
	rm -f /dev/hugepages/"$TOPO_P"map_* "$TOPO_PIDFILE" "$TOPO_SOCK"
	rm -rf "/var/run/dpdk/$TOPO_P"
	TOPO_PID=
}

# topo_ping SRC_HOST DST_ADDR [COUNT] — 0 when at least one reply came back.
topo_ping() {
	local src=$1 dst=$2 count=${3:-2}
	topo_in "$src" ping -n -q -c "$count" -i 0.2 -W 1 -I "${TOPO_ADDR[$src]}" "$dst" \
		>/dev/null 2>&1
}

# ICMP echo requests a host's kernel has received (to show one-way reach).
topo_in_echos() {
	topo_in "$1" awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
		else print $c["InEchos"] }' /proc/net/snmp
}

# topo_matrix EXPECTED_ARRAY_NAME — pings every host pair (same-segment pairs
# excepted) in parallel, prints a matrix, returns the number of surprises.
# EXPECTED maps "src>dst" to 1 (reachable) or 0; missing keys mean 0.
topo_matrix() {
	local -n expected=$1
	local tmp src dst key got want mark bad=0 pids=()
	tmp=$(mktemp -d)
	for src in "${TOPO_HOSTS[@]}"; do
		for dst in "${TOPO_HOSTS[@]}"; do
			topo_matrix_skip "$src" "$dst" && continue
			(topo_ping "$src" "${TOPO_ADDR[$dst]}" 3 && echo 1 >"$tmp/$src-$dst" ||
				echo 0 >"$tmp/$src-$dst") &
			pids+=($!)
		done
	done
	wait "${pids[@]}" # not a bare wait: sluiced is a child too
	printf '%-6s' 'from\to'
	for dst in "${TOPO_HOSTS[@]}"; do printf ' %-14s' "$dst ${TOPO_ADDR[$dst]}"; done
	printf '\n'
	for src in "${TOPO_HOSTS[@]}"; do
		printf '%-7s' "$src"
		for dst in "${TOPO_HOSTS[@]}"; do
			if topo_matrix_skip "$src" "$dst"; then
				printf ' %-14s' '  -'
				continue
			fi
			key="$src>$dst"
			got=$(cat "$tmp/$src-$dst")
			want=${expected[$key]:-0}
			mark=$([ "$got" = 1 ] && echo '✓' || echo '✗')
			if [ "$got" != "$want" ]; then
				mark="$mark want $([ "$want" = 1 ] && echo '✓' || echo '✗')!"
				bad=$((bad + 1))
				TOPO_SURPRISES+=("$key got $got want $want")
			fi
			printf ' %-16s' "  $mark"
		done
		printf '\n'
	done
	rm -rf "$tmp"
	return $bad
}

topo_matrix_skip() {
	[ "$1" = "$2" ] && return 0
	[ "$1$2" = dnsntp ] || [ "$1$2" = ntpdns ]
}

# Expected reachability of config/demo-shared-services.conf (and its
# route-target twin): customers <-> shared both ways, A <-> internet, the rest
# isolated; MGMT -> customers is one-way, so its pings fail.
declare -A TOPO_EXPECT_SHARED=(
	[a>dns]=1 [a>ntp]=1 [a>inet]=1
	[b>dns]=1 [b>ntp]=1
	[dns>a]=1 [dns>b]=1 [ntp>a]=1 [ntp>b]=1
	[inet>a]=1
)
