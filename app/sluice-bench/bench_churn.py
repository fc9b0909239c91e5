#!/usr/bin/env python3
"""The control path under forwarding (issue 10, item 5); scripts/bench-churn.sh runs it.

One sluiced (lcore 0: control thread and slow path, lcore 1: the worker) on a
net_pcap port replaying gen-bench.py's base pcap (1 VRF, N routes) in which
1 frame in 64 is a punt: an ARP request or an ICMP echo to the router. Phases:

  idle     counters over a few seconds, no commit (the slow path keeps up?)
  commits  K one-line commits (set / delete of 198.18.0.0/15, alternately)
           through the control socket, one every --commit-gap seconds:
           round-trip p50 / p99 / max
  churn    a seeded change of C route changes (1/3 deletes, 1/3 next-hop
           changes, 1/3 adds) sent with `sluicectl configure FILE` (streamed),
           then its undo, R times: wall time, changes per second, sluiced's
           per-phase CPU line

For every phase: the worker's counters (rx, forwarded, drops by reason,
punts by reason). None of the changed routes is a pcap destination's longest
match and no added /24 holds one, so `lost` (drops other than punt_full, plus
punts other than ARP and local) counts packets lost for destinations whose
route did not change: it should be 0. `punt_full` counts punts (ARP, ICMP)
dropped because the slow path did not take them in time.
"""
import argparse
import importlib.util
import json
import os
import random
import re
import signal
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_fwd import ctl, dataplane  # noqa: E402

ROUTE = "vrf name BENCH protocols static route %s"


def load_gen(top):
    spec = importlib.util.spec_from_file_location("gen_bench", os.path.join(top, "scripts", "gen-bench.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def read_pcap(path):
    frames = []
    with open(path, "rb") as f:
        f.read(24)
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            n = struct.unpack("<IIII", h)[2]
            frames.append(f.read(n))
    return frames


def frame_echo(g, ident):
    """ICMP echo request from 10.0.0.254 to the router's 10.0.0.1 (untagged)."""
    l2 = g.mac_bytes(g.ROUTER_MAC) + g.mac_bytes("02:00:00:00:ff:fe") + struct.pack("!H", 0x0800)
    payload = bytes(64 - 14 - 20 - 8)
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x5155, ident & 0xFFFF) + payload
    icmp = icmp[:2] + struct.pack("!H", g.csum16(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), ident & 0xFFFF, 0, 64, 1, 0,
                     struct.pack("!I", g.SRC_IP), struct.pack("!I", 0x0A000001))
    ip = ip[:10] + struct.pack("!H", g.csum16(ip)) + ip[12:]
    return l2 + ip + icmp


def punt_pcap(g, base_dir, out_dir, every):
    """The base pcap with 1 frame in `every` a punt; returns (path, UDP destinations)."""
    frames = read_pcap(os.path.join(base_dir, "traffic.pcap"))
    arps = [f for f in frames if f[12:14] == b"\x08\x06"]
    udp = [f for f in frames if f[12:14] == b"\x08\x00"]
    # 10.0.0.254 announces itself too: the echo replies resolve
    arps.append(g.frame_arp_request(g.mac_bytes("02:00:00:00:ff:fe"), 0, g.SRC_IP, 0x0A000001))
    out, k = list(arps), 0
    for f in udp[1:]:  # as many frames as the base pcap
        if len(out) % every == 0:
            out.append(frame_echo(g, k))
            k += 1
        else:
            out.append(f)
    dsts = set(struct.unpack("!I", f[30:34])[0] for f in out if f[12:14] == b"\x08\x00" and f[23] == 17)
    path = os.path.join(out_dir, "punts.pcap")
    g.write_pcap(path, out)
    return path, dsts, len(out), len(arps) + k


def parse_pfx(p):
    a, ln = p.split("/")
    x = 0
    for o in a.split("."):
        x = x << 8 | int(o)
    return x, int(ln)


def gen_change(conf, n, dsts, out):
    """change.txt / undo.txt; no route a pcap destination uses is touched."""
    rng = random.Random(10)
    routes = []
    for line in open(conf):
        t = line.split()
        if len(t) == 10 and t[6] == "route":
            routes.append((t[3], t[7], t[9]))
    have = set(r[1] for r in routes)
    by_len = {}
    for _, p, _ in routes:
        a, ln = parse_pfx(p)
        by_len.setdefault(ln, set()).add(a)
    used = set()
    for d in dsts:
        for ln in range(32, 0, -1):
            a = d & ((0xFFFFFFFF << (32 - ln)) & 0xFFFFFFFF)
            if a in by_len.get(ln, ()):
                used.add((a, ln))
                break
    dst24 = set(d >> 8 for d in dsts)
    cand = [i for i, r in enumerate(routes) if parse_pfx(r[1]) not in used]
    third = n // 3
    pick = rng.sample(cand, 2 * third)
    gws = sorted(set(r[2] for r in routes))
    do, undo = [], []
    for i in pick[:third]:
        _, p, nh = routes[i]
        do.append("delete " + ROUTE % p)
        undo.append(("set " + ROUTE + " next-hop %s") % (p, nh))
    for i in pick[third:]:
        _, p, nh = routes[i]
        new = gws[(gws.index(nh) + 1) % len(gws)]
        do += [("delete " + ROUTE + " next-hop %s") % (p, nh), ("set " + ROUTE + " next-hop %s") % (p, new)]
        undo += [("delete " + ROUTE + " next-hop %s") % (p, new), ("set " + ROUTE + " next-hop %s") % (p, nh)]
    adds = n - 2 * third
    while adds:
        a = rng.randrange(1 << 24)
        if a >> 16 in (0, 10, 127) or a >> 16 >= 224 or a in dst24:
            continue
        p = "%d.%d.%d.0/24" % (a >> 16, (a >> 8) & 255, a & 255)
        if p in have:
            continue
        have.add(p)
        do.append(("set " + ROUTE + " next-hop %s") % (p, gws[0]))
        undo.append("delete " + ROUTE % p)
        adds -= 1
    rng.shuffle(do)
    open(os.path.join(out, "change.txt"), "w").write("\n".join(do) + "\n")
    open(os.path.join(out, "undo.txt"), "w").write("\n".join(undo) + "\n")
    return len(used)


def delta(d0, d1):
    drops = {k: d1["dropped"][k] - d0["dropped"][k] for k in d1["dropped"]}
    punts = {k: d1["punted"][k] - d0["punted"][k] for k in d1["punted"]}
    lost = sum(v for k, v in drops.items() if k != "punt_full") + \
        sum(v for k, v in punts.items() if k not in ("arp", "local"))
    return {"rx": d1["rx"] - d0["rx"], "forwarded": d1["forwarded"] - d0["forwarded"],
            "punted": {k: v for k, v in punts.items() if v},
            "dropped": {k: v for k, v in drops.items() if v},
            "punt_full": drops.get("punt_full", 0), "lost": lost}


PHASES = ("parse", "validate", "rib", "conf_commit", "fib")


# A refused commit is logged under "commit:" too ("by X: refused, nothing
# changed (...)"); only a successful one has a revision and its CPU ms.
COMMIT_OK = re.compile(r"sluiced: commit: by .*: \d+ bytes, .*; revision \d+.*; CPU ms: parse ")


def commit_lines(log):
    """sluiced's log lines of the successful commits, in order."""
    return [x for x in open(log) if COMMIT_OK.search(x)]


def commit_fields(line):
    """sluiced's commit log line: CPU ms per phase, punts served, punt-ring wait."""
    f = {}
    m = re.search(r"parse ([\d.]+), validate ([\d.]+), RIB ([\d.]+), conf commit ([\d.]+), FIB ([\d.]+)", line)
    if m:
        f.update(zip(PHASES, map(float, m.groups())))
    m = re.search(r"(\d+) punts served meanwhile", line)
    if m:
        f["punts_served"] = int(m.group(1))
    m = re.search(r"waited ([\d.]+) ms at most \(([\d.]+) ms of it on CPU\)", line)
    if m:
        f["punt_wait_ms"], f["punt_wait_cpu_ms"] = float(m.group(1)), float(m.group(2))
    return f


def pct(v, p):
    s = sorted(v)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", required=True)
    ap.add_argument("--sluiced", required=True)
    ap.add_argument("--sluicectl", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--routes", type=int, default=1000000)
    ap.add_argument("--changes", type=int, default=100000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--commit-gap", type=float, default=0.01)
    ap.add_argument("--punt-every", type=int, default=64)
    ap.add_argument("--idle", type=float, default=3.0)
    ap.add_argument("--label", default="")
    ap.add_argument("--file-prefix", default="", help="sluiced's EAL --file-prefix (default churnPID)")
    ap.add_argument("--load-phase", action="store_true",
                    help="start with a default route only and load the routes with configure")
    a = ap.parse_args()
    g = load_gen(a.top)
    os.makedirs(a.out, exist_ok=True)
    base = os.path.join(a.out, "base-%d" % a.routes)
    if not os.path.exists(os.path.join(base, "sluiced.conf")):
        subprocess.run([sys.executable, os.path.join(a.top, "scripts", "gen-bench.py"), "--out", base,
                        "--scenario", "base", "--routes", str(a.routes)], check=True,
                       stdout=subprocess.DEVNULL)
    pcap, dsts, n_frames, n_punts = punt_pcap(g, base, a.out, a.punt_every)
    kept = gen_change(os.path.join(base, "sluiced.conf"), a.changes, dsts, a.out)
    res = {"label": a.label, "routes": a.routes, "changes": a.changes,
           "pcap": {"frames": n_frames, "punt_frames": n_punts, "udp_destinations": len(dsts),
                    "routes_kept_unchanged": kept},
           "machine": os.uname().nodename, "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
           "loadavg_start": open("/proc/loadavg").read().split()[:3]}
    sock = os.path.join(a.out, "sluiced.sock")
    log = os.path.join(a.out, "sluiced%s.log" % ("-" + a.label if a.label else ""))
    if os.path.exists(sock):
        os.unlink(sock)
    conf = os.path.join(base, "sluiced.conf")
    if a.load_phase:
        # the routes come later, through configure; a default route via the
        # first gateway forwards the pcap meanwhile (no punt for want of a route)
        lines = open(conf).read().splitlines()
        head = [x for x in lines if " protocols static route " not in x]
        routes = [x for x in lines if " protocols static route " in x]
        gw = routes[0].split()[-1]
        conf = os.path.join(a.out, "head.conf")
        open(conf, "w").write("\n".join(head + [("set " + ROUTE + " next-hop %s") % ("0.0.0.0/0", gw)]) + "\n")
        open(os.path.join(a.out, "routes.txt"), "w").write("\n".join(routes) + "\n")
    cmd = [a.sluiced, "-l", "0,1", "--no-pci", "--in-memory", "--file-prefix", a.file_prefix or "churn%d" % os.getpid(),
           "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--",
           "--config", conf, "--socket", sock, "--ctl-request-max", "1"]
    logf = open(log, "w")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
    try:
        while True:
            if p.poll() is not None:
                sys.exit("sluiced exited: see %s" % log)
            try:
                ctl(sock, ["show", "vrf"], timeout=5)
                break
            except Exception:  # noqa: BLE001 - not ready yet
                time.sleep(0.2)
        res["load_s"] = time.monotonic() - t0
        print("load: %d routes ready in %.1f s" % (a.routes, res["load_s"]), flush=True)
        time.sleep(2)
        d0 = dataplane(sock)
        time.sleep(a.idle)
        res["idle"] = dict(delta(d0, dataplane(sock)), seconds=a.idle)
        print("idle %.0f s: %s" % (a.idle, json.dumps(res["idle"])), flush=True)
        if a.load_phase:
            d0 = dataplane(sock)
            t = time.monotonic()
            out = subprocess.run([a.sluicectl, "-s", sock, "configure", os.path.join(a.out, "routes.txt")],
                                 capture_output=True, text=True)
            w = time.monotonic() - t
            time.sleep(0.3)
            d = delta(d0, dataplane(sock))
            lines = commit_lines(log)
            fields = commit_fields(lines[-1]) if lines else {}
            d.update({"rc": out.returncode, "wall_s": w, "routes_per_s": a.routes / w,
                      "cpu_ms": {k: v for k, v in fields.items() if k in PHASES},
                      "punts_served_in_commit": fields.get("punts_served"),
                      "punt_wait_ms": fields.get("punt_wait_ms"),
                      "punt_wait_cpu_ms": fields.get("punt_wait_cpu_ms"),
                      "log": lines[-1].split("commit: ", 1)[-1].strip() if lines else None})
            res["load_configure"] = d
            print("load through configure: rc %d, %.1f s wall; punt_full %d, lost %d; %s"
                  % (out.returncode, w, d["punt_full"], d["lost"], d["log"]), flush=True)
            time.sleep(2)

        lat, errors = [], []
        n_log = len(commit_lines(log))
        d0 = dataplane(sock)
        for k in range(a.commits):
            line = ("set %s next-hop 10.0.0.2\n" % (ROUTE % "198.18.0.0/15")) if k % 2 == 0 \
                else ("delete %s\n" % (ROUTE % "198.18.0.0/15"))
            t = time.monotonic()
            try:
                ctl(sock, ["configure"], data=line, timeout=60)
            except Exception as e:  # noqa: BLE001 - recorded
                errors.append(str(e))
            lat.append((time.monotonic() - t) * 1e3)
            time.sleep(a.commit_gap)
        c = delta(d0, dataplane(sock))
        cpu = [sum(v for k, v in x.items() if k in PHASES) for x in map(commit_fields, commit_lines(log)[n_log:])]
        waits = [x["punt_wait_ms"] for x in map(commit_fields, commit_lines(log)[n_log:]) if "punt_wait_ms" in x]
        if cpu:
            c.update({"cpu_ms_p50": statistics.median(cpu), "cpu_ms_p99": pct(cpu, 99), "cpu_ms_max": max(cpu),
                      "cpu_ms_first": cpu[0], "cpu_ms_first10": [round(x, 2) for x in cpu[:10]]})
        if waits:
            c["punt_wait_ms_max"] = max(waits)
        c.update({"commits": len(lat), "errors": errors[:3], "gap_s": a.commit_gap,
                  "latency_ms_p50": statistics.median(lat), "latency_ms_p99": pct(lat, 99),
                  "latency_ms_max": max(lat), "over_10ms": sum(1 for x in lat if x > 10),
                  "latency_ms_first10": [round(x, 2) for x in lat[:10]],
                  "slowest_ms": sorted([[round(x, 2), k] for k, x in enumerate(lat)])[-8:]})
        res["commits"] = c
        print("commits: %d, p50 %.2f ms, p99 %.2f ms, max %.1f ms (%d over 10 ms); punt_full %d, lost %d;"
              " sluiced CPU per commit p50 %.2f, p99 %.2f, max %.1f ms (first %.1f)"
              % (len(lat), c["latency_ms_p50"], c["latency_ms_p99"], c["latency_ms_max"], c["over_10ms"],
                 c["punt_full"], c["lost"], c.get("cpu_ms_p50", -1), c.get("cpu_ms_p99", -1),
                 c.get("cpu_ms_max", -1), c.get("cpu_ms_first", -1)), flush=True)

        res["churn"] = []
        for r in range(a.reps):
            for f in ("change", "undo"):
                d0 = dataplane(sock)
                t = time.monotonic()
                out = subprocess.run([a.sluicectl, "-s", sock, "configure", os.path.join(a.out, f + ".txt")],
                                     capture_output=True, text=True)
                w = time.monotonic() - t
                time.sleep(0.3)  # deferred neighbour writes, the last punts
                d = delta(d0, dataplane(sock))
                lines = commit_lines(log)
                fields = commit_fields(lines[-1]) if lines else {}
                d.update({"rep": r + 1, "what": f, "rc": out.returncode, "wall_s": w,
                          "changes_per_s": a.changes / w,
                          "cpu_ms": {k: v for k, v in fields.items() if k in PHASES},
                          "cpu_ms_total": sum(v for k, v in fields.items() if k in PHASES),
                          "punts_served_in_commit": fields.get("punts_served"),
                          "punt_wait_ms": fields.get("punt_wait_ms"),
                          "punt_wait_cpu_ms": fields.get("punt_wait_cpu_ms"),
                          "log": lines[-1].split("commit: ", 1)[-1].strip() if lines else None})
                res["churn"].append(d)
                print("rep %d %s: rc %d, %.2f s wall, %.0f changes/s; punt_full %d, lost %d; %s"
                      % (r + 1, f, out.returncode, w, a.changes / w, d["punt_full"], d["lost"], d["log"]),
                      flush=True)
        res["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        logf.close()
    path = os.path.join(a.out, "churn%s.json" % ("-" + a.label if a.label else ""))
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
