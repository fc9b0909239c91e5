# shellcheck shell=bash
# FRR beside sluiced, shared by the FRR suites (dts/frr*.sh) and
# scripts/bench-frr.sh, after scripts/netns-topology.sh's topo_init: a
# namespace with a veth to the root namespace for zebra's FPM connection,
# FRR's daemons started in a namespace with a pathspace and files of their
# own, and one field of a sluicectl JSON answer.
FRR=/usr/lib/frr

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
