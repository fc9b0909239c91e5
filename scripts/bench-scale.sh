#!/usr/bin/env bash
# Provider-edge scale benchmark (issue 10; doc/benchmarks.md, "Scale").
#
#   sudo scripts/bench-scale.sh [--quick] [--tenants LIST] [--reps N] [--seconds S] [--out DIR]
#
# For each tenant count T in LIST (default 1024,4095: with INTERNET 4,096 VRFs,
# the limit), gen-bench.py --scenario scale writes INTERNET
# (SLUICE_SCALE_INTERNET_ROUTES, default 1,000,000 routes)
# and T tenant VRFs of SLUICE_SCALE_ROUTES (1,000) routes, each on its own vif,
# INTERNET's default leaked into all of them; sluiced loads it from --config
# with no sizing options. Reports time to ready, hugepages and RSS, and (for
# T <= 4,000: every tenant in the pcap) forwarding with packets spread over all
# tenants, 30 % of them through the leaked default. Writes DIR/scale.json
# (default DIR: BUILD/bench-out). Inputs are seeded and kept between runs.
# --quick: 16 tenants x 50 routes, INTERNET 20,000 (smoke test).
# Environment: SLUICE_BENCH_BUILD (default build-bench-release, as bench.sh),
#   SLUICE_BENCH_NO_BUILD=1, SLUICE_BENCH_SEED (1).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${SLUICE_BENCH_BUILD:-$top/build-bench-release}
out=""
tenants=1024,4095
reps=3
seconds=3
routes=${SLUICE_SCALE_ROUTES:-1000}
inet=${SLUICE_SCALE_INTERNET_ROUTES:-1000000}
seed=${SLUICE_BENCH_SEED:-1}
while [ $# -gt 0 ]; do
	case $1 in
	--quick) tenants=16 routes=50 inet=20000 reps=1 seconds=1 ;;
	--tenants) tenants=$2; shift ;;
	--reps) reps=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "bench-scale.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
out=${out:-$build/bench-out}
if [ "$(id -u)" != 0 ]; then
	echo "bench-scale.sh: needs root (hugepages, DPDK)" >&2
	exit 77
fi
if [ "${SLUICE_BENCH_NO_BUILD:-0}" != 1 ]; then
	[ -f "$build/build.ninja" ] ||
		meson setup "$build" "$top" -Dbuildtype=release -Dtests=false >/dev/null
	ninja -C "$build" app/sluiced/sluiced >/dev/null
fi
[ -x "$build/app/sluiced/sluiced" ] || { echo "bench-scale.sh: no sluiced in $build" >&2; exit 77; }

data=$out/data
mkdir -p "$data" "$out/run"
dirs=()
for t in ${tenants//,/ }; do
	d=$data/scale-$t
	stamp="--vrfs $t --routes $routes --internet-routes $inet --seed $seed"
	if [ ! -f "$d/info.json" ] || [ "$(cat "$d/args" 2>/dev/null)" != "$stamp" ]; then
		echo "bench-scale.sh: generating $d" >&2
		# shellcheck disable=SC2086
		/usr/bin/python3 "$top/scripts/gen-bench.py" --out "$d" --scenario scale $stamp
		echo "$stamp" >"$d/args"
	fi
	dirs+=(--data "$d")
done

# Hugepages: one instance at a time. A small table is 272 KiB plus 1 KiB per
# group (about one per route longer than /16), and DPDK's heap keeps what
# growing tables leave: 2.5 MiB a tenant of 1,000 routes measured (doc/
# benchmarks.md, "Scale"); INTERNET ~ 300 MiB at 1M; mbufs and slack 512 MiB.
max_t=0
for t in ${tenants//,/ }; do [ "$t" -gt "$max_t" ] && max_t=$t; done
need_mb=$((max_t * (1 + routes * 9 / 4000) + inet * 300 / 1000000 + 512))
nr=/sys/kernel/mm/hugepages/hugepages-2048kB
free_pages=$(cat $nr/free_hugepages)
if [ $((free_pages * 2)) -lt "$need_mb" ]; then
	want_pages=$(($(cat $nr/nr_hugepages) + need_mb / 2 - free_pages + 64))
	echo "bench-scale.sh: reserving hugepages: $want_pages x 2 MiB (need $need_mb MiB free)" >&2
	"$top/scripts/hugepages.sh" "$want_pages" || true
fi
mount | grep -q 'type hugetlbfs' || "$top/scripts/hugepages.sh" 0

exec /usr/bin/python3 "$top/app/sluice-bench/bench_scale.py" "${dirs[@]}" \
	--sluiced "$build/app/sluiced/sluiced" --run-dir "$out/run" --json "$out/scale.json" \
	--reps "$reps" --seconds "$seconds"
