#!/usr/bin/env bash
# FPM ingest (issue #13): routes per second from a zebra-like FPM stream into
# sluiced's forwarding table, added and withdrawn, R repetitions; --leak also
# leaks every route into a customer VRF by the default VRF's route-target.
#
#   scripts/bench-fpm.sh [--routes N] [--reps R] [--leak] [--out DIR]
#
# Driver: app/sluice-bench/bench_fpm.py; JSON: DIR/fpm[-leak]-N.json. Not a
# test: figures go to doc/benchmarks.md. Needs root (DPDK) and a release
# build ($SLUICE_BENCH_BUILD, default build-bench, set up here when missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SLUICE_BENCH_BUILD:-$top/build-bench}
args=() out=
while [ $# -gt 0 ]; do
	case $1 in
	--routes | --reps) args+=("$1" "$2"); shift ;;
	--leak) args+=("$1") ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,10p' "$0"; exit 0 ;;
	*) echo "bench-fpm.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench-fpm.sh: needs root (DPDK)" >&2; exit 77; }
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dbuildtype=release -Dtests=false >/dev/null
fi
ninja -C "$build" app/sluiced/sluiced app/sluicectl/sluicectl >/dev/null
"$top/scripts/hugepages.sh"
exec /usr/bin/python3 "$top/app/sluice-bench/bench_fpm.py" \
	--sluiced "$build/app/sluiced/sluiced" --sluicectl "$build/app/sluicectl/sluicectl" \
	--out "${out:-$build/fpm-out}" "${args[@]}"
