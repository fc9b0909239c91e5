#!/usr/bin/env bash
# The control path under forwarding (issue #10, item 5): a VRF of N routes
# (scripts/gen-bench.py base, default 1,000,000) loaded in sluiced (lcore 0:
# control thread and slow path, lcore 1: a worker forwarding the base pcap
# from net_pcap, 1 frame in 64 an ARP request or an ICMP echo to the router).
# Then: K one-line commits (default 1,000: p50/p99/max round trip), and a
# change of C route changes (default 100,000: 1/3 deletes, 1/3 next-hop
# changes (two lines each: delete the old next hop, set the new), 1/3 adds)
# sent with `sluicectl configure FILE` (streamed: --ctl-request-max 1) and
# committed, then its undo, R times. None of the changed routes carries pcap
# traffic: every packet lost counts. Each phase reports the worker's
# counters: punts dropped at the full punt ring (`punt_full`) and `lost`.
#
#   scripts/bench-churn.sh [--routes N] [--changes C] [--reps R] [--commits K]
#                          [--load-phase] [--punt-every F] [--sluiced PATH] [--label L]
#                          [--out DIR] [--file-prefix P]
#
# --punt-every F: 1 frame in F is a punt (default 64: a punt storm, ~1.5 %).
# --file-prefix P: sluiced's EAL --file-prefix (default churnPID).
# --load-phase: start with a default route only and load the N routes with
# `sluicectl configure` while forwarding (the punts during a 1M-line commit).
# Driver: app/sluice-bench/bench_churn.py; JSON: DIR/churn[-L].json. Not a
# test: figures go to doc/benchmarks.md. Needs root (hugepages) and a release
# build ($SLUICE_BENCH_BUILD, default build-bench, set up here when missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SLUICE_BENCH_BUILD:-$top/build-bench}
args=() out= sluiced=
while [ $# -gt 0 ]; do
	case $1 in
	--routes | --changes | --reps | --commits | --label | --punt-every | --file-prefix) args+=("$1" "$2"); shift ;;
	--load-phase) args+=("$1") ;;
	--sluiced) sluiced=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,25p' "$0"; exit 0 ;;
	*) echo "bench-churn.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench-churn.sh: needs root (hugepages, DPDK)" >&2; exit 77; }
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dbuildtype=release -Dtests=false >/dev/null
fi
ninja -C "$build" app/sluiced/sluiced app/sluicectl/sluicectl >/dev/null
"$top/scripts/hugepages.sh"
exec python3 "$top/app/sluice-bench/bench_churn.py" --top "$top" \
	--sluiced "${sluiced:-$build/app/sluiced/sluiced}" \
	--sluicectl "$build/app/sluicectl/sluicectl" --out "${out:-$build/churn-out}" "${args[@]}"
