#!/usr/bin/python3
"""Smoke test of the forwarding benchmark: scripts/bench.sh --quick (2,000
routes, 4 VRFs, one 1-second rep) over every scenario (base, vrfs, leak,
firewall, commit) must run end to end and write well-formed JSON with every
section (and DPDK's l3fwd beside sluice when dpdk-doc is installed). No
figure is checked beyond being a positive number:
timings never decide a test. Exit 0 pass, 1 fail, 77 skip (no root, no
dpdk-testpmd, sluiced not built)."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def positive(obj, path):
    v = obj
    for k in path.split("."):
        if not isinstance(v, dict) or k not in v:
            fail("bench.json has no %s" % path)
        v = v[k]
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
        fail("bench.json %s = %r, expected a positive number" % (path, v))
    return v


def fpm_smoke(out):
    """The FPM ingest benchmark (scripts/bench-fpm.sh's driver) on 2,000
    routes, leaked into a customer VRF: it runs and every route arrives."""
    build = os.environ.get("SLUICE_BENCH_BUILD", os.path.join(TOP, "build"))
    d = os.path.join(out, "fpm")
    p = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "app/sluice-bench/bench_fpm.py"),
                        "--sluiced", os.path.join(build, "app/sluiced/sluiced"),
                        "--sluicectl", os.path.join(build, "app/sluicectl/sluicectl"),
                        "--out", d, "--routes", "2000", "--reps", "1", "--leak", "--timeout", "120"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-3000:] + p.stderr[-3000:])
        fail("bench_fpm.py exited %d" % p.returncode)
    try:
        with open(os.path.join(d, "fpm-leak-2000.json")) as f:
            r = json.load(f)
    except (OSError, ValueError) as e:
        fail("fpm-leak-2000.json unreadable: %s" % e)
    positive(r, "add_routes_per_s_median")
    positive(r, "del_routes_per_s_median")
    if r["reps"][0].get("leaked") != 2000:
        fail("not every route leaked into CUSTOMER-A: %r" % r["reps"][0])
    if r["fpm"]["results"]["installed"] < 4000:
        fail("show fpm counted %r installed, expected 2,000 adds and 2,000 withdrawals"
             % r["fpm"]["results"])
    print("PASS: bench_fpm.py: 2,000 routes added, leaked and withdrawn")


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (hugepages, DPDK)")
        return 77
    if shutil.which("dpdk-testpmd") is None:
        print("SKIP: dpdk-testpmd not installed")
        return 77
    out = tempfile.mkdtemp(prefix="sluice-bench-smoke-")
    try:
        p = subprocess.run([os.path.join(TOP, "scripts/bench.sh"), "--quick", "--out", out,
                            "--scenarios", "base,srcval,vrfs,leak,firewall,commit"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=540)
        if p.returncode == 77:
            print("SKIP: " + p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "SKIP")
            return 77
        if p.returncode != 0:
            sys.stdout.write(p.stdout[-3000:])
            sys.stdout.write(p.stderr[-3000:])
            fail("bench.sh --quick exited %d" % p.returncode)
        try:
            with open(os.path.join(out, "bench.json")) as f:
                r = json.load(f)
        except (OSError, ValueError) as e:
            fail("bench.json unreadable: %s" % e)
        positive(r, "tsc_hz")
        positive(r, "io_floor.mpps")
        positive(r, "io_floor.cycles_per_packet")
        for sc in ("base", "srcval", "vrfs", "leak", "firewall"):
            positive(r, "scenarios.%s.mpps" % sc)
            positive(r, "scenarios.%s.cycles_per_packet" % sc)
            positive(r, "scenarios.%s.lpm_bytes_per_vrf" % sc)
            positive(r, "scenarios.%s.lookup_floor.bulk_cycles_per_packet" % sc)
            e = r["scenarios"][sc]
            if not isinstance(e.get("work_cycles_per_packet"), (int, float)):
                fail("scenarios.%s.work_cycles_per_packet missing" % sc)
            if e["reps"][0]["forwarded"] <= 0:
                fail("sluiced forwarded nothing in %s: %r" % (sc, e["reps"][0]))
        # DPDK's l3fwd beside sluice (scripts/l3fwd/build.sh; its sources come with dpdk-doc)
        if os.path.isfile("/usr/share/dpdk/examples/l3fwd/main.c"):
            for key in ("base", "leak"):
                positive(r, "l3fwd.%s.cycles_per_packet" % key)
            for sc in ("base", "leak", "firewall"):
                positive(r, "scenarios.%s.l3fwd.cycles_per_packet" % sc)
                if not isinstance(r["scenarios"][sc].get("work_ratio_vs_l3fwd"), (int, float)):
                    fail("scenarios.%s.work_ratio_vs_l3fwd missing" % sc)
            if r["scenarios"]["vrfs"]["l3fwd"].get("available") is not False:
                fail("vrfs has an l3fwd reference, expected none: %r" % r["scenarios"]["vrfs"]["l3fwd"])
            if "sluice work / l3fwd work" not in p.stdout:
                fail("no l3fwd line in the summary")
        # strict source validation on and off: every random source routes
        # back out eth0, so strict forwards them all and drops none
        sv = r["scenarios"]["srcval"].get("source_validation") or {}
        positive(r, "scenarios.srcval.source_validation.disable_cycles_per_packet")
        if sv.get("src_invalid_strict") != 0:
            fail("strict source validation dropped bench packets: %r" % sv.get("src_invalid_strict"))
        if not isinstance(sv.get("strict_cost_cycles_per_packet"), (int, float)):
            fail("no strict source validation cost: %r" % sv)
        for mode, reps in (("strict", r["scenarios"]["srcval"]["reps"]), ("disable", sv["reps_disable"])):
            if reps[0]["forwarded"] <= 0:
                fail("srcval with %s validation forwarded nothing: %r" % (mode, reps[0]))
        if "(b6) strict source validation" not in p.stdout:
            fail("no source validation line in the summary")
        if r["scenarios"]["vrfs"]["vrfs"] != 4:
            fail("vrfs scenario has %r VRFs, expected 4" % r["scenarios"]["vrfs"]["vrfs"])
        if r["scenarios"]["leak"]["reps"][0]["leaked"] <= 0:
            fail("no packet was leaked in the leak scenario")
        fw = r["scenarios"]["firewall"]
        if fw.get("available") is not True:
            fail("firewall scenario not run: %r" % fw.get("available"))
        fc = fw.get("firewall_counters") or {}
        if not isinstance(fc.get("classified"), int) or fc["classified"] <= 0:
            fail("no packet went through the leak firewall: %r" % fc)
        if fc["classified"] != fc.get("accepted", 0) + fc.get("dropped", 0) + fc.get("rejected", 0):
            fail("firewall verdicts do not add up: %r" % fc)
        c = r["scenarios"].get("commit")
        if c is None or c["commits"] < 1 or not isinstance(c["lost"], int):
            fail("commit scenario incomplete: %r" % c)
        if c["commit_errors"]:
            fail("commits failed: %r" % c["commit_errors"])
        st = c.get("worker_stalls")
        if not isinstance(st, dict) or not isinstance(st.get("max_on_cpu_us"), (int, float)):
            fail("commit scenario has no worker stall counter: %r" % st)
        if "sluice forwarding benchmark" not in p.stdout:
            fail("no summary printed")
        print("PASS: bench.sh --quick wrote %s" % os.path.join(out, "bench.json"))
        fpm_smoke(out)
        return 0
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
