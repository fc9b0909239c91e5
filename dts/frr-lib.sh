# shellcheck shell=bash
# FRR beside sluiced, shared by the FRR suites (dts/frr*.sh) and
# scripts/bench-frr.sh, after scripts/netns-topology.sh's topo_init: the
# checks for FRR and exabgp, the run's FPM address and port, a namespace with
# a veth to the root namespace for zebra's FPM connection, a BGP peer's
# namespace, zebra's and exabgp's configuration, FRR's daemons started in a
# namespace with a pathspace and files of their own, the clean-up, and one
# field of a sluicectl JSON answer.
FRR=/usr/lib/frr

# frr_missing DAEMON|exabgp… — what of FRR's daemons and exabgp this host
# lacks, as a reason to skip ("" when nothing).
frr_missing() {
	local d
	for d in zebra "$@"; do
		if [ "$d" = exabgp ]; then
			command -v exabgp >/dev/null || {
				echo "no exabgp (apt-get install exabgp)"
				return
			}
		elif [ ! -x "$FRR/$d" ]; then
			echo "no FRR ($FRR/$d: apt-get install frr)"
			return
		fi
	done
}

# frr_init DAEMON|exabgp… — a dts suite's FRR: skipped unless zebra and the
# DAEMONs (and exabgp) are there; then the run's names: zns (FRR's
# namespace), zdir (its files), id, fpm_addr (10.254.ID.1, sluiced's side of
# the FPM veth) and port (FPM's). frr_down cleans up FRR_NETNS and FRR_DIRS'
# daemons (a suite adds its own).
frr_init() {
	local why
	why=$(frr_missing "$@")
	[ -z "$why" ] || dts_skip "$why"
	id=$(($$ % 250 + 1))
	port=$((20000 + $$ % 20000))
	fpm_addr=10.254.$id.1
	zns=$(topo_ns frr)
	zdir=$TOPO_RUN/frr
	FRR_NETNS=("$zns")
	FRR_DIRS=("$zdir")
}

# frr_down: FRR's daemons (pid files in FRR_DIRS) and exabgp (by its
# configuration's path: a pid file may be a subshell's) stopped, the
# namespaces in FRR_NETNS and the FPM veth deleted, FRR's pathspace
# directories removed (FRR makes one per -N in its state directory).
frr_down() {
	local d p
	for d in "${FRR_DIRS[@]}"; do
		for p in "$d"/*.pid; do
			[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
		done
	done
	pkill -f "exabgp $zdir/" 2>/dev/null
	pkill -f "tail -n 0 -f $zdir/" 2>/dev/null
	sleep 0.3
	for p in "${FRR_NETNS[@]}"; do
		ip netns del "$p" 2>/dev/null
	done
	ip link del "${TOPO_T}z" 2>/dev/null
	[ -n "$TOPO_P" ] && rm -rf "/run/frr/$TOPO_P" "/var/run/frr/$TOPO_P" \
		"/run/frr/$TOPO_P-peer" "/var/run/frr/$TOPO_P-peer"
	true
}

# frr_sluiced_conf: the lines every FRR run's sluiced.conf starts with (eth1,
# eth4 towards the BGP next hop 203.0.113.1, the FPM listener).
frr_sluiced_conf() {
	printf '%s\n' "set interfaces ethernet eth1 address 10.1.0.1/24" \
		"set interfaces ethernet eth4 address 203.0.113.2/24" \
		"set protocols fpm address $fpm_addr" "set protocols fpm port $port"
}

# frr_zebra_conf: $zdir/zebra.conf, zebra streaming its routes to sluiced's
# FPM listener (routes with their next hops, no groups).
frr_zebra_conf() {
	mkdir -p "$zdir"
	printf '%s\n' "hostname frr" "fpm address $fpm_addr port $port" \
		"no fpm use-next-hop-groups" >"$zdir/zebra.conf"
}

# frr_peer_ns PEER_NS: namespace PEER_NS joined to FRR's ($zns) by bgp0
# (192.168.77.1/30 in FRR's, .2 in the peer's); FRR reaches the BGP next
# hops' 203.0.113.0/24 through it.
frr_peer_ns() {
	ip netns add "$1" || return 1
	ip -n "$zns" link add bgp0 type veth peer name bgp0 netns "$1" || return 1
	ip -n "$zns" addr add 192.168.77.1/30 dev bgp0
	ip -n "$zns" link set bgp0 up
	ip -n "$1" addr add 192.168.77.2/30 dev bgp0
	ip -n "$1" link set bgp0 up
	ip -n "$1" link set lo up
	ip -n "$zns" route add 203.0.113.0/24 dev bgp0
}

# frr_exabgp_conf LOCAL PEER NEXT_HOP N BASE [ITEM…] — exabgp's configuration
# on stdout: LOCAL (AS 65001) peering with PEER (AS 65000), announcing N
# consecutive /24s from BASE (A.B.C.0) with NEXT_HOP. An ITEM "api FILE" adds
# a process feeding exabgp's API the lines appended to FILE; "route P" one
# more route (before the N); any other ITEM is a line of the neighbor block
# ("hold-time 9;").
frr_exabgp_conf() {
	local local_addr=$1 peer=$2 nh=$3 n=$4 base item i a b c
	local opts=() routes=()
	IFS=. read -r a b c _ <<<"$5"
	base=$((a << 16 | b << 8 | c))
	shift 5
	for item in "$@"; do
		case $item in
		"api "*)
			echo "process ctl {"
			echo "  run /usr/bin/tail -n 0 -f ${item#api };"
			echo "  encoder text;"
			echo "}"
			opts+=("api { processes [ ctl ]; }")
			;;
		"route "*) routes+=("${item#route }") ;;
		*) opts+=("$item") ;;
		esac
	done
	echo "neighbor $peer {"
	printf '  %s\n' "router-id $local_addr;" "local-address $local_addr;" "local-as 65001;" \
		"peer-as 65000;" "${opts[@]}"
	echo "  static {"
	for i in "${routes[@]}"; do
		echo "    route $i next-hop $nh;"
	done
	for ((i = base; i < base + n; i++)); do
		echo "    route $((i >> 16)).$((i >> 8 & 255)).$((i & 255)).0/24 next-hop $nh;"
	done
	echo "  }"
	echo "}"
}

# frr_fpm_ns NS ROOT_ADDR NS_ADDR: namespace NS (lo up, IPv6 off) joined to
# the root namespace by the veth ${TOPO_T}z (ROOT_ADDR/30) and fpm0 (NS_ADDR/30).
frr_fpm_ns() {
	local ns=$1
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
	ip link add "${TOPO_T}z" type veth peer name fpm0 netns "$ns" || return 1
	ip addr add "$2/30" dev "${TOPO_T}z"
	ip link set "${TOPO_T}z" up
	ip -n "$ns" addr add "$3/30" dev fpm0
	ip -n "$ns" link set fpm0 up
}

# frr_daemons NS DIR PATHSPACE DAEMON[:ARG,ARG…]… — each daemon in NS, in the
# background, with DIR's DAEMON.conf, pid file and log, zserv and vty sockets.
frr_daemons() {
	local ns=$1 dir=$2 pathspace=$3 spec d
	shift 3
	for spec in "$@"; do
		d=${spec%%:*}
		local extra=()
		[ "$spec" != "$d" ] && IFS=, read -ra extra <<<"${spec#*:}"
		ip netns exec "$ns" "$FRR/$d" -d -u frr -g frr -N "$pathspace" -f "$dir/$d.conf" \
			-i "$dir/$d.pid" -z "$dir/zserv.api" --vty_socket "$dir" "${extra[@]}" \
			--log "file:$dir/$d.log" >>"$dir/start.log" 2>&1 || return 1
		sleep 0.5
	done
}

# ctl_json "COMMAND WORDS" KEY… — one field of `sluicectl --json COMMAND`.
ctl_json() {
	local cmd=$1
	shift
	# shellcheck disable=SC2086
	"$SLUICECTL" -s "$TOPO_SOCK" --json $cmd | /usr/bin/python3 -c 'import json,sys
j=json.load(sys.stdin)
for k in sys.argv[1:]: j=j[k]
print(j)' "$@"
}
