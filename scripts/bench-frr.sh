#!/usr/bin/env bash
# BGP at scale, end to end (issue #13): a BGP peer (Debian's exabgp) announces
# N routes (default 100,000) to FRR's bgpd; zebra (dplane_fpm_nl) streams
# them to sluiced over FPM. Measured from the session's Established (when the
# peer starts announcing), each by polling every 0.1 s:
#   - bgpd: `show bgp summary json` counts all N received;
#   - zebra: `show ip route summary json` counts N BGP routes in its FIB;
#   - sluice: its FIB (`show dataplane`'s default-VRF table) holds them.
# Then the peer is killed (peer loss: the session drops at once) and the
# same three are timed until the routes are gone. R repetitions.
#
#   scripts/bench-frr.sh [--routes N] [--reps R] [--out FILE]
#
# JSON to FILE (default $build/frr-N.json); not a test: figures go to
# doc/benchmarks.md. Needs root, frr, exabgp and a release build
# ($SLUICE_BENCH_BUILD, default build-bench, set up here when missing). The
# BGP session runs on a veth beside sluice (as in dts-frr), so that the
# figures are FRR's and FPM's, not the punt path's.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SLUICE_BENCH_BUILD:-$top/build-bench}
routes=100000 reps=1 out=
while [ $# -gt 0 ]; do
	case $1 in
	--routes) routes=$2; shift ;;
	--reps) reps=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "bench-frr.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[[ $routes =~ ^[0-9]+$ && $routes -ge 1 && $routes -le 1000000 ]] ||
	{ echo "bench-frr.sh: --routes: '$routes' is not a number in [1, 1000000]" >&2; exit 2; }
[[ $reps =~ ^[0-9]+$ && $reps -ge 1 ]] ||
	{ echo "bench-frr.sh: --reps: '$reps' is not a positive number" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench-frr.sh: needs root (DPDK, namespaces)" >&2; exit 77; }
PY=/usr/bin/python3
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dbuildtype=release -Dtests=false >/dev/null || exit 1
fi
ninja -C "$build" app/sluiced/sluiced app/sluicectl/sluicectl >/dev/null || exit 1
"$top/scripts/hugepages.sh" >/dev/null
out=${out:-$build/frr-$routes.json}

export SLUICE_BUILD=$build # netns-topology.sh finds sluiced there
# shellcheck source=scripts/netns-topology.sh
. "$top/scripts/netns-topology.sh"
# shellcheck source=dts/frr-lib.sh
. "$top/dts/frr-lib.sh"
why=$(frr_missing bgpd exabgp)
[ -z "$why" ] || { echo "bench-frr.sh: $why" >&2; exit 77; }
topo_init "sl-bfrr-$$" "tbf$$p" "/tmp/sluice-bench-frr-$$"
zns=$(topo_ns frr)
pns=$(topo_ns peer)
zdir=$TOPO_RUN/frr
fpm_addr=10.254.253.1
port=$((20000 + $$ % 20000))

frr_stop() {
	local p
	for p in "$zdir"/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	rm -f "$zdir"/*.pid
}
peer_stop() {
	local pid
	pid=$(cat "$zdir/exabgp.pid" 2>/dev/null) || return 0
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$zdir/exabgp.pid"
}
cleanup() {
	peer_stop
	frr_stop
	topo_down
	sleep 0.3
	ip netns del "$zns" 2>/dev/null
	ip netns del "$pns" 2>/dev/null
	ip link del "${TOPO_T}z" 2>/dev/null
	rm -rf "/run/frr/$TOPO_P" "$TOPO_RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

frr_fpm_ns "$zns" "$fpm_addr" 10.254.253.2 || exit 1
frr_peer_ns "$pns" || exit 1

cat >"$TOPO_RUN/sluiced.conf" <<CONF
set interfaces ethernet eth4 address 203.0.113.2/24
set protocols fpm address $fpm_addr
set protocols fpm port $port
CONF
frr_zebra_conf
cat >"$zdir/bgpd.conf" <<'CONF'
hostname frr
router bgp 65000
 bgp router-id 192.168.77.1
 no bgp ebgp-requires-policy
 neighbor 192.168.77.2 remote-as 65001
 neighbor 192.168.77.2 timers connect 1
 neighbor 192.168.77.2 disable-connected-check
 address-family ipv4 unicast
  neighbor 192.168.77.2 activate
 exit-address-family
CONF
frr_exabgp_conf 192.168.77.2 192.168.77.1 203.0.113.1 "$routes" 20.0.0.0 >"$zdir/exabgp.conf"
chown -R frr:frr "$zdir"

vtysh_frr() { ip netns exec "$zns" vtysh --vty_socket "$zdir" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# counts, one number each (-1 when the daemon did not answer)
bgp_rcvd() {
	vtysh_frr -c "show bgp summary json" 2>/dev/null | $PY -c 'import json,sys
try:
    p=json.load(sys.stdin)["ipv4Unicast"]["peers"]["192.168.77.2"]
    print(p.get("pfxRcd",0) if p.get("state")=="Established" else -2)
except Exception: print(-1)'
}
zebra_bgp() {
	vtysh_frr -c "show ip route summary json" 2>/dev/null | $PY -c 'import json,sys
try:
    r=json.load(sys.stdin)["routes"]
    print(sum(x.get("fib",0) for x in r if x.get("type") in ("bgp","ebgp","ibgp")))
except Exception: print(-1)'
}
sluice_fib() {
	"$SLUICECTL" -s "$TOPO_SOCK" --json show dataplane 2>/dev/null | $PY -c 'import json,sys
try:
    t=json.load(sys.stdin)["fib"]["tables"]
    print(sum(x["routes"] for x in t if x["vrf"]=="default"))
except Exception: print(-1)'
}
# wait_for NAME FUNC OP TARGET T0 TIMEOUT_S: ms from T0 until FUNC OP TARGET
# holds, into $TMP/NAME (a background poller each: they run side by side)
wait_for() {
	local name=$1 fn=$2 op=$3 target=$4 t0=$5 end=$(($(now_ms) + $6 * 1000)) v
	while [ "$(now_ms)" -lt $end ]; do
		v=$($fn)
		if [ "$v" -ge 0 ] && { [ "$op" = -ge ] && [ "$v" -ge "$target" ] ||
			[ "$op" = -le ] && [ "$v" -le "$target" ]; }; then
			echo $(($(now_ms) - t0)) >"$TOPO_RUN/$name"
			return 0
		fi
		sleep 0.1
	done
	echo null >"$TOPO_RUN/$name"
}

topo_sluiced_start "$TOPO_RUN/sluiced.conf"
topo_wait_ready || exit 1
frr_daemons "$zns" "$zdir" "$TOPO_P" zebra:-M,dplane_fpm_nl bgpd:-p,179 || { echo "bench-frr.sh: FRR did not start ($zdir/start.log)" >&2; exit 1; }
for ((i = 0; i < 100; i++)); do
	[ "$(zebra_bgp)" = 0 ] && break
	sleep 0.1
done
base=$(sluice_fib)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench-frr: $routes routes, $reps reps; sluice's FIB holds $base routes first; load $load"
runs=()
for ((r = 1; r <= reps; r++)); do
	rm -f "$TOPO_RUN"/t_*
	ip netns exec "$pns" env exabgp.daemon.user=root exabgp.log.destination=stdout \
		exabgp.cli.enable=false exabgp.api.cli=false exabgp "$zdir/exabgp.conf" \
		>>"$zdir/exabgp.out" 2>&1 &
	echo $! >"$zdir/exabgp.pid"
	t_start=$(now_ms)
	for ((i = 0; i < 1200; i++)); do # exabgp parses its configuration first
		[ "$(bgp_rcvd)" -ge 0 ] && break
		sleep 0.1
	done
	t0=$(now_ms)
	est_ms=$((t0 - t_start))
	wait_for t_bgpd bgp_rcvd -ge "$routes" "$t0" 600 &
	p1=$!
	wait_for t_zebra zebra_bgp -ge "$routes" "$t0" 600 &
	p2=$!
	wait_for t_sluice sluice_fib -ge $((base + routes)) "$t0" 600 &
	p3=$!
	wait $p1 $p2 $p3
	add_bgpd=$(cat "$TOPO_RUN/t_bgpd") add_zebra=$(cat "$TOPO_RUN/t_zebra")
	add_sluice=$(cat "$TOPO_RUN/t_sluice")
	echo "rep $r: Established ${est_ms} ms after exabgp started; then all $routes received" \
		"by bgpd ${add_bgpd} ms, in zebra's FIB ${add_zebra} ms, in sluice's FIB ${add_sluice} ms"
	sleep 2
	t0=$(now_ms)
	peer_stop
	wait_for t_zebra_w zebra_bgp -le 0 "$t0" 600 &
	p2=$!
	wait_for t_sluice_w sluice_fib -le "$base" "$t0" 600 &
	p3=$!
	wait $p2 $p3
	del_zebra=$(cat "$TOPO_RUN/t_zebra_w") del_sluice=$(cat "$TOPO_RUN/t_sluice_w")
	echo "rep $r: peer killed; routes gone from zebra's FIB ${del_zebra} ms, from sluice's" \
		"FIB ${del_sluice} ms"
	runs+=("{\"rep\":$r,\"established_ms\":$est_ms,\"add\":{\"bgpd_ms\":$add_bgpd,\"zebra_ms\":$add_zebra,\"sluice_ms\":$add_sluice},\"withdraw\":{\"zebra_ms\":$del_zebra,\"sluice_ms\":$del_sluice}}")
	sleep 2
done
fpm=$("$SLUICECTL" -s "$TOPO_SOCK" show fpm | tr '\n' ' ' | sed 's/"/\\"/g')
{
	printf '{"bench":"frr","routes":%s,"reps":%s,"date":"%s","load_before":"%s","load_after":"%s",' \
		"$routes" "$reps" "$(date -u +%FT%TZ)" "$load" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '"cpus":%s,"head":"%s","frr":"%s","poll_ms":100,"show_fpm":"%s","runs":[' \
		"$(nproc)" "$(git -C "$top" rev-parse --short HEAD 2>/dev/null)" \
		"$(dpkg-query -W -f '${Version}' frr 2>/dev/null)" "$fpm"
	(IFS=,; printf '%s' "${runs[*]}")
	printf ']}\n'
} >"$out"
$PY -m json.tool "$out" >/dev/null || { echo "bench-frr.sh: bad JSON in $out" >&2; exit 1; }
echo "bench-frr: $out"
