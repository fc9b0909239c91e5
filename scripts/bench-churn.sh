#!/usr/bin/env bash
# Route churn through the control path (issue #10, item 5): a VRF of N routes
# (scripts/gen-bench.py base, default 1,000,000) loaded in sluiced, then a
# change of C route changes (default 100,000: 1/3 deletes, 1/3 next-hop
# changes (two lines each: delete the old next hop, set the new), 1/3 adds)
# sent with `sluicectl configure FILE` and committed; then its undo; R times.
#
#   scripts/bench-churn.sh [--routes N] [--changes C] [--reps R] [--out DIR]
#
# Reports per commit the wall time from sending to the commit's reply and
# the route changes per second, and sluiced's own commit line: CPU ms in
# parse, validate, RIB, conf commit and FIB apply. sluiced runs on one lcore
# (no worker) with a net_null port and --ctl-request-max 1, so the change is
# also streamed in chunks. Not a test: figures go to doc/benchmarks.md.
# Needs root (hugepages) and a release build ($SLUICE_BENCH_BUILD, default
# build-bench, set up here when missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SLUICE_BENCH_BUILD:-$top/build-bench}
routes=1000000 changes=100000 reps=3 out=
while [ $# -gt 0 ]; do
	case $1 in
	--routes) routes=$2; shift ;;
	--changes) changes=$2; shift ;;
	--reps) reps=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "bench-churn.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench-churn.sh: needs root (hugepages, DPDK)" >&2; exit 77; }
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dbuildtype=release -Dtests=false >/dev/null
fi
ninja -C "$build" app/sluiced/sluiced app/sluicectl/sluicectl >/dev/null
out=${out:-$build/churn-out}
mkdir -p "$out"
ctl="$build/app/sluicectl/sluicectl"

python3 "$top/scripts/gen-bench.py" --out "$out/base" --scenario base --routes "$routes" \
	--packets 64 >/dev/null
# change.txt and undo.txt: the same routes, seeded
python3 - "$out/base/sluiced.conf" "$changes" "$out" <<'PY'
import random, sys
conf, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(10)
routes = []
for line in open(conf):
    t = line.split()
    if len(t) == 10 and t[6] == "route":
        routes.append((t[3], t[7], t[9]))
have = set(r[1] for r in routes)
third = n // 3
pick = rng.sample(range(len(routes)), 2 * third)
gws = sorted(set(r[2] for r in routes))
vrf = routes[0][0]
route = "vrf name %s protocols static route %s" % (vrf, "%s")
do, undo = [], []
for i in pick[:third]:
    _, p, nh = routes[i]
    do.append("delete " + route % p)
    undo.append(("set " + route + " next-hop %s") % (p, nh))
for i in pick[third:]:
    _, p, nh = routes[i]
    new = gws[(gws.index(nh) + 1) % len(gws)]
    do += [("delete " + route + " next-hop %s") % (p, nh), ("set " + route + " next-hop %s") % (p, new)]
    undo += [("delete " + route + " next-hop %s") % (p, new), ("set " + route + " next-hop %s") % (p, nh)]
adds = n - 2 * third
while adds:
    a = rng.randrange(1 << 24)
    if a >> 16 in (0, 10, 127) or a >> 16 >= 224:
        continue
    p = "%d.%d.%d.0/24" % (a >> 16, (a >> 8) & 255, a & 255)
    if p in have:
        continue
    have.add(p)
    do.append(("set " + route + " next-hop %s") % (p, gws[0]))
    undo.append("delete " + route % p)
    adds -= 1
rng.shuffle(do)
open(out + "/change.txt", "w").write("\n".join(do) + "\n")
open(out + "/undo.txt", "w").write("\n".join(undo) + "\n")
PY

sock="$out/sluiced.sock" log="$out/sluiced.log"
rm -f "$sock"
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
setsid "$build/app/sluiced/sluiced" -l 0 --no-pci --in-memory --file-prefix "churn$$" -m 1536 \
	--vdev net_null0 -- --config "$out/base/sluiced.conf" --socket "$sock" \
	--ctl-request-max 1 >"$log" 2>&1 </dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
until "$ctl" -s "$sock" show vrf >/dev/null 2>&1; do
	kill -0 $pid 2>/dev/null || { echo "sluiced exited:" >&2; tail "$log" >&2; exit 1; }
	[ $(($(ms) - t0)) -lt 900000 ] || { echo "sluiced not ready after 900 s" >&2; exit 1; }
	sleep 0.2
done
echo "load: $routes routes ready in $(($(ms) - t0)) ms (wall; sluiced CPU $(ps -o times= -p $pid) s)"
echo "change: $changes route changes, $(wc -l <"$out/change.txt") lines, $(wc -c <"$out/change.txt") bytes"
for ((r = 1; r <= reps; r++)); do
	for f in change undo; do
		t=$(ms)
		"$ctl" -s "$sock" configure "$out/$f.txt"
		w=$(($(ms) - t))
		line=$(grep 'sluiced: commit:' "$log" | tail -n 1)
		echo "rep $r $f: $w ms wall, $((changes * 1000 / (w ? w : 1))) changes/s; ${line#*commit: }"
	done
done
