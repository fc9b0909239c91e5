#!/usr/bin/python3
"""scripts/bench-plot.py draws the measured bench.json kept in doc/ as an SVG
that parses, names every scenario with figures and prints the work ratios the
JSON holds. Exit 0 pass, 1 fail, 77 skip (no gnuplot)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.dom.minidom

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(TOP, "doc", "bench-2026-12-06-srcval.json")

if shutil.which("gnuplot") is None:
    print("SKIP: gnuplot not installed (apt-get install gnuplot-nox)")
    sys.exit(77)
with tempfile.TemporaryDirectory() as t:
    out = os.path.join(t, "plot.svg")
    p = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "scripts", "bench-plot.py"), BENCH, out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("FAIL: bench-plot.py exited %d: %s" % (p.returncode, p.stderr))
        sys.exit(1)
    svg = open(out).read()
    xml.dom.minidom.parseString(svg)  # raises on a broken file
    d = json.load(open(BENCH))
    for sc, label in (("base", "b1 one VRF"), ("srcval", "b6 strict"), ("leak", "b3 leaked")):
        want = "%.2fx" % d["scenarios"][sc]["work_ratio_vs_l3fwd"]
        if label not in svg or want not in svg:
            print("FAIL: %s or its ratio %s is not in the plot" % (label, want))
            sys.exit(1)
    # the firewall scenario of that run has no figures: left out, not drawn as zero
    if "b4 firewall" in svg:
        print("FAIL: a scenario without figures was drawn")
        sys.exit(1)
    bad = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "scripts", "bench-plot.py"),
                          os.path.join(t, "missing.json"), out], capture_output=True, text=True)
    if bad.returncode == 0 or "missing.json" not in bad.stderr:
        print("FAIL: a missing input is not an error naming it: %r" % bad.stderr)
        sys.exit(1)
print("PASS: bench-plot.py drew %s" % os.path.basename(BENCH))
