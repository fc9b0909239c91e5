#!/usr/bin/python3
"""
bench_instr.py — sluiced's worker against DPDK's l3fwd in instructions per
packet (callgrind): deterministic where cycle counts on a shared VM are not.

  app/sluice-bench/bench_instr.py [--build build-rel] [--routes 50000] [--sim]

Both run on the same net_pcap port (infinite_rx) replaying scripts/gen-bench.py's
seeded `base` pcap, with the same routes (1 VRF, every route to port 0), under
valgrind's callgrind with --no-huge. Only the forwarding loop is collected
(--toggle-collect: sluiced's sl_dp_worker_main, l3fwd's lpm_main_loop), rx
and tx included. What ran before the measurement is zeroed: --warmup seconds
after start-up and, for sluiced, until it forwards 99 % of what it receives
(it learns its gateways' MACs from the pcap's ARP frames, slowly under
valgrind); then --seconds are collected. Packets = rx bursts x 32 (infinite_rx returns
full bursts): calls of sl_dp_process and of l3fwd's rx callback
lpm_cb_parse_ptype. Each row is per packet; "rx" and "tx" are net_pcap's own
functions (the same code on both sides: the io floor), "work" the rest.
--sim adds --cache-sim=yes --branch-sim=yes (D1/LL misses, mispredicts).
Needs root (DPDK), valgrind, and l3fwd built by scripts/l3fwd/build.sh.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

from bench_fwd import dataplane, die_with_parent

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BURST = 32
PMD = "librte_net_pcap"


def log(msg):
    print("bench_instr.py: " + msg, file=sys.stderr, flush=True)


def parse_callgrind(path):
    """Totals per event, and the call edges: {(caller, callee): [calls, incl...]},
    each function named 'name@object-basename'."""
    names = {"fn": {}, "ob": {}}
    events, totals, npos = [], None, 1
    edges = {}
    ob = cob = fn = cfn = None
    pending = None  # (caller, callee, calls) awaiting its cost line

    def name_of(kind, val):
        m = re.match(r"\((\d+)\)(?: (.*))?$", val)
        if not m:
            return val
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1), val)

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if pending is not None:
                costs = [int(x) for x in line.split()[npos:]]
                e = edges.setdefault(pending[:2], [0] + [0] * len(events))
                e[0] += pending[2]
                for i, c in enumerate(costs):
                    e[1 + i] += c
                pending = None
                continue
            if line.startswith("positions:"):  # line, or instr line (--dump-instr)
                npos = len(line.split()) - 1
            elif line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:") or (line.startswith("totals:") and totals is None):
                # summary: what was collected since the last zeroing
                totals = [int(x) for x in line.split()[1:]]
            elif line.startswith("ob="):
                ob = os.path.basename(name_of("ob", line[3:]))
            elif line.startswith("fn="):
                fn = name_of("fn", line[3:]) + "@" + (ob or "?")
                cob = None
            elif line.startswith("cob="):
                cob = os.path.basename(name_of("ob", line[4:]))
            elif line.startswith("cfn="):
                cfn = name_of("fn", line[4:])
            elif line.startswith("calls="):
                callee = cfn + "@" + (cob or ob or "?")
                pending = (fn, callee, int(line[6:].split()[0]))
                cob = None
    totals = totals + [0] * (len(events) - len(totals))
    return events, dict(zip(events, totals)), edges


def summarise(path, loop_fns, burst_fn):
    """Per-packet figures of one callgrind file."""
    events, tot, edges = parse_callgrind(path)
    bursts = sum(e[0] for (a, b), e in edges.items() if b.split("@")[0] == burst_fn)
    if bursts == 0:
        raise RuntimeError("%s: no calls of %s collected" % (path, burst_fn))
    pk = bursts * BURST
    rx = dict.fromkeys(events, 0)
    tx = dict.fromkeys(events, 0)
    for (a, b), e in edges.items():
        if PMD in b and PMD not in a:  # entry into the PMD from outside
            side = rx if a.split("@")[0] in loop_fns else tx
            for i, ev in enumerate(events):
                side[ev] += e[1 + i]
    out = {"packets": pk, "bursts": bursts}
    for slow in ("parse_slow", "forward_slow"):  # sluiced's cold paths: ARP frames only
        n = sum(e[0] for (a, b), e in edges.items() if b.split("@")[0] == slow)
        if n:
            out[slow] = n / pk
    for ev in events:
        out[ev] = {"total": tot[ev] / pk, "rx": rx[ev] / pk, "tx": tx[ev] / pk,
                   "work": (tot[ev] - rx[ev] - tx[ev]) / pk}
    return out


def sluiced_steady(sock, deadline):
    """Wait until sluiced forwards (nearly) every packet: its gateways are
    learnt from the pcap's ARP frames, which the slow control thread under
    valgrind takes a while to answer; until then packets are punted."""
    while time.monotonic() < deadline:
        d0 = dataplane(sock)
        time.sleep(2)
        d1 = dataplane(sock)
        rx, fwd = d1["rx"] - d0["rx"], d1["forwarded"] - d0["forwarded"]
        if rx > 0 and fwd >= 0.99 * rx:
            return
    raise RuntimeError("sluiced never forwarded 99 % of its packets")


def run(name, cmd, ready, out_file, toggles, a, steady=None):
    vg = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
          "--callgrind-out-file=" + out_file]
    vg += ["--toggle-collect=" + t for t in toggles]
    if a.sim:
        vg += ["--cache-sim=yes", "--branch-sim=yes"]
    logf = open(os.path.join(a.out, name + ".log"), "w")
    log("%s: %s" % (name, " ".join(vg + cmd)))
    p = subprocess.Popen(vg + cmd, stdin=subprocess.DEVNULL, stdout=logf,
                         stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    try:
        deadline = time.monotonic() + a.timeout
        while True:
            if p.poll() is not None:
                raise RuntimeError("%s exited (%d): see %s" % (name, p.returncode, logf.name))
            with open(logf.name, errors="replace") as f:
                if ready in f.read():
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("%s not ready after %d s" % (name, a.timeout))
            time.sleep(1)
        time.sleep(a.warmup)
        if steady:
            steady(deadline + a.timeout)
        subprocess.run(["callgrind_control", "--zero", str(p.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        time.sleep(a.seconds)
        p.send_signal(signal.SIGINT)
        p.wait(120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        logf.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build-rel"),
                    help="a release build with app/sluiced/sluiced (default build-rel)")
    ap.add_argument("--sluiced", help="default BUILD/app/sluiced/sluiced")
    ap.add_argument("--l3fwd", help="default: scripts/l3fwd/build.sh BUILD/l3fwd")
    ap.add_argument("--out", default="/tmp/sluice-bench-instr")
    ap.add_argument("--routes", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=float, default=2, help="seconds, and for sluiced until it forwards")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--timeout", type=float, default=900, help="start-up limit, seconds")
    ap.add_argument("--sim", action="store_true", help="cache and branch simulation too")
    ap.add_argument("--only", choices=["sluiced", "l3fwd"])
    a = ap.parse_args()
    sluiced = a.sluiced or os.path.join(a.build, "app/sluiced/sluiced")
    os.makedirs(a.out, exist_ok=True)
    data = os.path.join(a.out, "base")
    subprocess.run(["/usr/bin/python3", os.path.join(TOP, "scripts/gen-bench.py"), "--out", data,
                    "--scenario", "base", "--routes", str(a.routes), "--seed", str(a.seed)],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(data, "routes.txt")) as f, \
            open(os.path.join(data, "l3fwd-routes.cfg"), "w") as g:
        for line in f:
            g.write("R%s 0\n" % line.split()[1])
    l3fwd = a.l3fwd
    if l3fwd is None and a.only != "sluiced":
        subprocess.run([os.path.join(TOP, "scripts/l3fwd/build.sh"),
                        os.path.join(a.build, "l3fwd")], check=True)
        l3fwd = os.path.join(a.build, "l3fwd/l3fwd/build/l3fwd")
    pcap = os.path.join(data, "traffic.pcap")
    eal = ["--no-pci", "--no-huge", "-m", "1024", "--vdev",
           "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap]
    pid = os.getpid()
    res = {}
    if a.only != "l3fwd":
        f = os.path.join(a.out, "sluiced.cg")
        run("sluiced", [sluiced, "-l", "0,1", "--file-prefix", "instr-s-%d" % pid] + eal +
            ["--", "--config", os.path.join(data, "sluiced.conf"),
             "--socket", os.path.join(a.out, "sluiced.sock"), "--mbufs", "16384"],
            "sluiced: ready", f, ["sl_dp_worker_main"], a,
            lambda dl: sluiced_steady(os.path.join(a.out, "sluiced.sock"), dl))
        res["sluiced"] = summarise(f, {"sl_dp_worker_main"}, "sl_dp_process")
    if a.only != "sluiced":
        f = os.path.join(a.out, "l3fwd.cg")
        run("l3fwd", [l3fwd, "-l", "1", "--file-prefix", "instr-l-%d" % pid] + eal +
            ["--", "-p", "0x1", "--config=(0,0,1)", "--lookup=lpm", "--parse-ptype",
             "--rule_ipv4=" + os.path.join(data, "l3fwd-routes.cfg"),
             "--rule_ipv6=" + os.path.join(TOP, "scripts/l3fwd/routes-v6.cfg")],
            "L3FWD: entering main loop", f, ["lpm_main_loop"], a)
        res["l3fwd"] = summarise(f, {"lpm_main_loop", "lpm_main_loop.cold"}, "lpm_cb_parse_ptype")
    for d in ("instr-s-%d" % pid, "instr-l-%d" % pid):
        subprocess.run(["rm", "-rf", os.path.join("/var/run/dpdk", d)])

    who = [w for w in ("sluiced", "l3fwd") if w in res]
    print("per packet, %d routes, seed %d (%s)" % (a.routes, a.seed, ", ".join(
        "%s %d packets" % (w, res[w]["packets"]) for w in who)))
    print("%-8s %-6s %s" % ("event", "part", "".join("%12s" % w for w in who)) +
          ("  sluiced/l3fwd" if len(who) == 2 else ""))
    for w in who:
        for slow in ("parse_slow", "forward_slow"):
            if slow in res[w]:
                print("%s: %s called for %.4f of the packets" % (w, slow, res[w][slow]))
    for ev in [e for e in res[who[0]] if isinstance(res[who[0]][e], dict)]:
        if ev in ("I1mr", "ILmr") or not any(res[w][ev]["total"] for w in who):
            continue  # instruction misses: none in either loop
        for part in ("total", "rx", "tx", "work"):
            v = [res[w][ev][part] for w in who]
            ratio = "  %.2f" % (v[0] / v[1]) if len(v) == 2 and v[1] else ""
            print("%-8s %-6s %s%s" % (ev, part, "".join("%12.2f" % x for x in v), ratio))


if __name__ == "__main__":
    main()
