#!/usr/bin/env bash
# sluice forwarding benchmark, testpmd style (doc/benchmarks.md).
#
#   sudo scripts/bench.sh [--quick] [--scenarios LIST] [--reps N] [--seconds S] [--out DIR]
#
# Builds sluiced and sluice-bench-lpm (release build in $SLUICE_BENCH_BUILD,
# default build-bench-release), generates the seeded inputs (scripts/gen-bench.py),
# reserves hugepages, then measures on one worker lcore, interleaved rep by rep:
#   (a) dpdk-testpmd io floor, (b) sluiced scenarios base / srcval (base's routes,
#   random sources: strict source validation on and off) / vrfs / leak / firewall
#   (leak + a 100-rule ruleset on the leaked direction) / commit, (c) the raw
#   rte_lpm lookup floor, (l) DPDK's l3fwd on base's and leak's pcap and routes
#   (built from Debian's dpdk-doc by scripts/l3fwd/build.sh into BUILD/l3fwd;
#   left out with a warning when it cannot be built).
# Prints a summary and writes DIR/bench.json (default DIR: BUILD/bench-out).
# The provider-edge scale figures (1,024 and 4,096 tenant VRFs beside a 1M-route
# INTERNET) are scripts/bench-scale.sh's, written beside it as DIR/scale.json.
# --quick: tiny tables (smoke test: 2,000 routes, 4 VRFs, 1 rep of 1 s); without
#   --scenarios it runs base,srcval,vrfs,leak,commit (add firewall explicitly).
# Environment: SLUICE_BENCH_VRFS (default 64), SLUICE_BENCH_ROUTES (1000000),
#   SLUICE_BENCH_VRF_ROUTES (16000), SLUICE_BENCH_SEED (1), TESTPMD (dpdk-testpmd),
#   SLUICE_BENCH_NO_BUILD=1 (use the binaries already in $SLUICE_BENCH_BUILD),
#   SLUICE_BENCH_FW_RULES (100), SLUICE_BENCH_FW_STATEFUL=1 (the firewall
#   scenario's ruleset opens with a `state established/related` rule),
#   SLUICE_BENCH_FW_NAT=1 (the firewall scenario also source-NATs the leak),
#   SLUICE_BENCH_HUGE_MB (MiB of hugepages to have free instead of the
#   estimate below).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${SLUICE_BENCH_BUILD:-$top/build-bench-release}
out=""
scenarios=""
reps=3
seconds=3
quick=0
commit_seconds=10
vrfs=${SLUICE_BENCH_VRFS:-64}
routes=${SLUICE_BENCH_ROUTES:-1000000}
vrf_routes=${SLUICE_BENCH_VRF_ROUTES:-16000}
seed=${SLUICE_BENCH_SEED:-1}
fw_rules=${SLUICE_BENCH_FW_RULES:-100}
fw_stateful=${SLUICE_BENCH_FW_STATEFUL:-0}
fw_nat=${SLUICE_BENCH_FW_NAT:-0}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--scenarios) scenarios=$2; shift ;;
	--reps) reps=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,24p' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
out=${out:-$build/bench-out}
if [ "$quick" = 1 ]; then
	routes=2000 vrf_routes=500 vrfs=4 reps=1 seconds=1 commit_seconds=1
	scenarios=${scenarios:-base,srcval,vrfs,leak,commit}
fi
scenarios=${scenarios:-base,srcval,vrfs,leak,firewall,commit}

if [ "$(id -u)" != 0 ]; then
	echo "bench.sh: needs root (hugepages, DPDK)" >&2
	exit 77
fi
testpmd=${TESTPMD:-$(command -v dpdk-testpmd || true)}
if [ -z "$testpmd" ]; then
	echo "bench.sh: dpdk-testpmd not found (apt-get install dpdk)" >&2
	exit 77
fi

if [ "${SLUICE_BENCH_NO_BUILD:-0}" != 1 ]; then # the smoke test uses its own build
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$top" -Dbuildtype=release -Dtests=false >/dev/null
	fi
	ninja -C "$build" app/sluiced/sluiced app/sluice-bench/sluice-bench-lpm >/dev/null
fi
l3fwd=$build/l3fwd/l3fwd/build/l3fwd
if ! "$top/scripts/l3fwd/build.sh" "$build/l3fwd"; then
	echo "bench.sh: DPDK's l3fwd not built: measuring without it" >&2
	l3fwd=""
fi
for b in app/sluiced/sluiced app/sluice-bench/sluice-bench-lpm; do
	if [ ! -x "$build/$b" ]; then
		echo "bench.sh: $build/$b is not built (needs DPDK)" >&2
		exit 77
	fi
done

data=$out/data
mkdir -p "$data" "$out/run"
gen() { # scenario args...: regenerate only when the arguments changed
	local sc=$1; shift
	local stamp="$*"
	if [ ! -f "$data/$sc/info.json" ] || [ "$(cat "$data/$sc/args" 2>/dev/null)" != "$stamp" ]; then
		/usr/bin/python3 "$top/scripts/gen-bench.py" --out "$data/$sc" --scenario "$sc" "$@"
		echo "$stamp" >"$data/$sc/args"
	fi
	if [ "$sc" != vrfs ] && [ ! "$data/$sc/l3fwd-routes.cfg" -nt "$data/$sc/routes.txt" ]; then
		# l3fwd's rule file: the same routes, every one to port 0 (eth0)
		awk '{ print "R" $2 " 0" }' "$data/$sc/routes.txt" >"$data/$sc/l3fwd-routes.cfg"
	fi
}
gen base --routes "$routes" --seed "$seed"
case ,$scenarios, in *,srcval,*) gen srcval --routes "$routes" --seed "$seed" ;; esac
case ,$scenarios, in *,vrfs,*) gen vrfs --routes "$vrf_routes" --vrfs "$vrfs" --seed "$seed" ;; esac
case ,$scenarios, in *,leak,*) gen leak --routes "$routes" --seed "$seed" ;; esac
case ,$scenarios, in *,firewall,*)
	gen fw --routes "$routes" --seed "$seed" --fw-rules "$fw_rules" \
		$([ "$fw_stateful" = 1 ] && echo --fw-stateful) $([ "$fw_nat" = 1 ] && echo --fw-nat)
	;;
esac

# Hugepages: 64 MiB tbl24 + tbl8s per VRF table, for every loaded instance
# (they stay loaded, paused, between reps), the default VRF's table, mbufs,
# the largest table's group pool once more (growing one copies it: old and
# new live together for a grace period), the firewall's conntrack and NAT
# tables and their per-lcore flow lines (firewall: up to 64 MiB of lines per
# table, sized by the flows), and slack.
# l3fwd (base, and leak or firewall): one table of all the scenario's routes,
# a tbl8 group per route longer than /24, its IPv6 table (128 MiB), mbufs.
need_mb=$(/usr/bin/python3 - "$data" "$scenarios" "$l3fwd" <<'EOF'
import json, os, sys
data, want, l3fwd = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
mb = 256  # testpmd, lookup floor, slack
l3 = set()
for sc, d in (("base", "base"), ("srcval", "srcval"), ("vrfs", "vrfs"), ("leak", "leak"), ("firewall", "fw")):
    if sc not in want and not (sc == "base" and "commit" in want):
        continue
    i = json.load(open(os.path.join(data, d, "info.json")))
    t8 = max(256, 1 << (int(i["tbl8_groups_max"] * 1.25) - 1).bit_length())
    mb += i["vrfs"] * (64 + t8 // 1024 + max(i["routes_per_vrf"]) * 8 // 2**20 + 1) + 64
    mb += 64 + t8 // 1024 + (192 if sc == "firewall" else 0)
    key = "base" if sc in ("base", "srcval") else "leak"
    if l3fwd and sc in want and sc != "vrfs" and key not in l3:
        l3.add(key)
        deep = sum(n for ln, n in i["prefix_lengths"].items() if int(ln) > 24)
        mb += 64 + deep // 1024 + i["routes_total"] * 8 // 2**20 + 128 + 32
print(mb)
EOF
)
need_mb=${SLUICE_BENCH_HUGE_MB:-$need_mb}
nr=/sys/kernel/mm/hugepages/hugepages-2048kB
free_pages=$(cat $nr/free_hugepages)
if [ $((free_pages * 2)) -lt "$need_mb" ]; then
	want_pages=$(($(cat $nr/nr_hugepages) + need_mb / 2 - free_pages + 64))
	echo "bench.sh: reserving hugepages: $want_pages x 2 MiB (need $need_mb MiB free)" >&2
	"$top/scripts/hugepages.sh" "$want_pages" || true
fi
mount | grep -q 'type hugetlbfs' || "$top/scripts/hugepages.sh" 0
free_pages=$(cat $nr/free_hugepages)
if [ $((free_pages * 2)) -lt "$need_mb" ]; then
	echo "bench.sh: only $((free_pages * 2)) MiB of hugepages free, $need_mb MiB wanted: expect" \
		"failures (free memory, or fewer scenarios; SLUICE_BENCH_HUGE_MB sets the need)" >&2
fi

exec /usr/bin/python3 "$top/app/sluice-bench/bench_fwd.py" --data "$data" \
	--scenarios "$scenarios" --sluiced "$build/app/sluiced/sluiced" \
	--lpm "$build/app/sluice-bench/sluice-bench-lpm" --testpmd "$testpmd" \
	--run-dir "$out/run" --json "$out/bench.json" --reps "$reps" --seconds "$seconds" \
	--commit-seconds "$commit_seconds" $([ "$quick" = 1 ] && echo --lpm-passes 10 --warmup 0.5) \
	${l3fwd:+--l3fwd "$l3fwd" --l3fwd-rules-v6 "$top/scripts/l3fwd/routes-v6.cfg"}
