#!/usr/bin/env bash
# Build DPDK's l3fwd example, the reference router of the forwarding benchmark
# (doc/benchmarks.md), from Debian's dpdk-doc sources:
#
#   scripts/l3fwd/build.sh OUTDIR      -> OUTDIR/l3fwd/build/l3fwd
#
# Copies /usr/share/dpdk/examples/{l3fwd,common} (L3FWD_EXAMPLES overrides the
# directory) into OUTDIR, applies l3fwd-bench.patch (table sized for the rule
# file; rx offloads masked with what the port offers, for net_pcap) and builds
# with the example's own Makefile against pkg-config libdpdk. Rebuilds only
# when the patch, the sources or the DPDK version changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${L3FWD_EXAMPLES:-/usr/share/dpdk/examples}
out=${1:?usage: build.sh OUTDIR}

if [ ! -f "$src/l3fwd/main.c" ]; then
	echo "l3fwd/build.sh: no l3fwd sources in $src (apt-get install dpdk-doc)" >&2
	exit 77
fi
stamp=$( (cat "$here/l3fwd-bench.patch"; pkg-config --modversion libdpdk;
	cat "$src/l3fwd/"*.[ch] "$src/l3fwd/Makefile") | sha256sum | cut -d' ' -f1)
if [ -x "$out/l3fwd/build/l3fwd" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
cp -r "$src/l3fwd" "$src/common" "$out/"
patch -d "$out" -p1 --quiet <"$here/l3fwd-bench.patch"
make -C "$out/l3fwd" -s >"$out/make.log" 2>&1 || {
	cat "$out/make.log" >&2
	echo "l3fwd/build.sh: make failed (log: $out/make.log)" >&2
	exit 1
}
echo "$stamp" >"$out/stamp"
