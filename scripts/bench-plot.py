#!/usr/bin/python3
"""Plot a scripts/bench.sh result (bench.json) as an SVG bar chart.

For each scenario the work cycles per packet (above the io floor: testpmd's
io forwarding, the cost of just moving packets) of sluice's worker and of
DPDK's l3fwd measured in the same run, with the work ratio over sluice's
bar: the figure sluice is judged by.
Drawn with Debian's gnuplot (gnuplot-nox), so the plot is made where the
benchmark ran and kept in doc/ beside its table.

usage: bench-plot.py BENCH.json OUT.svg [--title TEXT]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ORDER = ["base", "srcval", "vrfs", "leak", "firewall"]
LABEL = {"base": "b1 one VRF", "srcval": "b6 strict", "vrfs": "b2 64 VRFs",
         "leak": "b3 leaked", "firewall": "b4 firewall"}


def rows(d):
    floor = d["io_floor"]["cycles_per_packet"]
    out = []
    for sc in ORDER:
        s = d["scenarios"].get(sc)
        if not isinstance(s, dict) or not s.get("cycles_per_packet"):
            continue
        l3 = s.get("l3fwd") if isinstance(s.get("l3fwd"), dict) else {}
        l3_work = l3.get("work_cycles_per_packet")
        out.append((LABEL.get(sc, sc), floor, s["work_cycles_per_packet"],
                    l3_work if isinstance(l3_work, (int, float)) else float("nan"),
                    s.get("work_ratio_vs_l3fwd")))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench")
    ap.add_argument("out")
    ap.add_argument("--title", default=None)
    a = ap.parse_args()
    try:
        d = json.load(open(a.bench))
    except (OSError, ValueError) as e:
        sys.exit("bench-plot: %s: %s" % (a.bench, e))
    r = rows(d)
    if not r:
        sys.exit("bench-plot: %s has no scenario with figures" % a.bench)
    m = d.get("machine", {})
    title = a.title or "sluice vs DPDK l3fwd: work per packet (%s, %s vCPUs, %s)" % (
        m.get("cpu", "?"), m.get("cpus", "?"), str(d.get("date", "?"))[:10])
    with tempfile.TemporaryDirectory() as t:
        dat = os.path.join(t, "bench.dat")
        with open(dat, "w") as f:
            f.write("# scenario floor sluice_work l3fwd_work ratio\n")
            for label, floor, sw, lw, ratio in r:
                f.write('"%s" %.2f %.2f %.2f "%s"\n' % (
                    label, floor, sw, lw, "%.2fx" % ratio if isinstance(ratio, (int, float)) else ""))
        floor = r[0][1]
        gp = """set terminal svg size 760,420 dynamic font 'sans,11'
set output '%s'
set title '%s'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel 'work cycles per packet (above the io floor)'
set yrange [0:*]
set offsets 0, 0, 8, 0
set key outside top center horizontal
set grid ytics
set xtics nomirror
set label 1 sprintf('io floor (testpmd io forwarding): %%.1f cycles/packet, not drawn', %.2f) at graph 0.01, graph 0.97
plot '%s' using 3:xtic(1) title 'sluice' lc rgb '#1f77b4', \\
     '' using 4 title 'DPDK l3fwd (same run)' lc rgb '#ff7f0e', \\
     '' using ($0):($3):5 with labels offset -1.6,0.8 notitle
""" % (a.out, title.replace("'", ""), floor, dat)
        try:
            p = subprocess.run(["gnuplot"], input=gp, text=True, capture_output=True)
        except FileNotFoundError:
            sys.exit("bench-plot: gnuplot not found (apt-get install gnuplot-nox)")
        if p.returncode != 0:
            sys.exit("bench-plot: gnuplot failed: %s" % p.stderr.strip())
    for label, floor, sw, lw, ratio in r:
        print("%-18s io floor %.1f, sluice work %.1f, l3fwd work %.1f%s" % (
            label, floor, sw, lw, ", ratio %.2f" % ratio if isinstance(ratio, (int, float)) else ""))
    print("wrote %s" % a.out)


if __name__ == "__main__":
    main()
