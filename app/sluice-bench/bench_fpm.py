#!/usr/bin/python3
"""FPM ingest: how fast routes from zebra reach sluiced's FIB (issue #13).

sluiced runs on a net_null port (no traffic) with `protocols fpm` on a local
port; this script plays zebra (dplane_fpm_nl): it connects, sends N BGP
routes for the default VRF (table 254) as FRR 8.4 writes them — one
RTM_NEWROUTE per FPM frame, inline gateway — as fast as the socket takes
them, and polls `show dataplane --json` until the default VRF's forwarding
table holds them all (the FIB, not just the RIB). Then it withdraws them all
(RTM_DELROUTE) and waits for the table to empty. With --leak, the default VRF
also exports its routes by route-target and a customer VRF imports them all
(every route is leaked once more): the cost of the leak policy on ingest.

Frames are encoded before the clock starts; the time is from the first byte
sent to the poll that sees the count (polling every 20 ms: the figure is
late by up to that). Not a test: figures go to doc/benchmarks.md.

usage: bench_fpm.py --sluiced PATH --sluicectl PATH --out DIR [--routes N] [--reps R] [--leak]
"""
import argparse
import json
import os
import socket
import struct
import subprocess
import sys
import time

RTM_NEWROUTE, RTM_DELROUTE = 24, 25
RTA_DST, RTA_OIF, RTA_GATEWAY = 1, 4, 5
RTN_UNICAST, BGP = 1, 186
TABLE = 254
GW = socket.inet_aton("203.0.113.1")


def rta(t, d):
    n = 4 + len(d)
    return struct.pack("=HH", n, t) + d + b"\0" * ((-n) % 4)


def route_frame(i, add):
    # 100.0.0.0/8 and up: /24s, i-th of them
    dst = struct.pack("!I", (100 << 24) + (i << 8))
    body = struct.pack("=BBBBBBBBI", 2, 24, 0, 0, TABLE, BGP, 0, RTN_UNICAST, 0)
    body += rta(RTA_DST, dst)
    if add:
        body += rta(RTA_GATEWAY, GW) + rta(RTA_OIF, struct.pack("=I", 7))
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWROUTE if add else RTM_DELROUTE, 0, 0, 0) + body
    return struct.pack("!BBH", 1, 1, 4 + len(msg)) + msg


def ctl(a, *args):
    out = subprocess.run([a.sluicectl, "-s", a.sock] + list(args), capture_output=True, text=True,
                         timeout=60)
    return out.stdout


def fib_routes(a, vrf):
    d = json.loads(ctl(a, "--json", "show", "dataplane"))
    for v in d["fib"]["tables"]:
        if v["vrf"] == vrf:
            return v["routes"]
    return 0


def wait_count(a, vrf, pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        n = fib_routes(a, vrf)
        if pred(n):
            return time.monotonic(), n
        time.sleep(0.02)
    return None, fib_routes(a, vrf)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sluiced", required=True)
    ap.add_argument("--sluicectl", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--routes", type=int, default=100000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--leak", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    port = 20000 + os.getpid() % 20000
    a.sock = os.path.join(a.out, "sluiced.sock")
    conf = os.path.join(a.out, "fpm.conf")
    lines = ["set interfaces ethernet eth0 address 203.0.113.2/24",
             "set protocols fpm address 127.0.0.1", "set protocols fpm port %d" % port]
    if a.leak:
        lines += ["set vrf name CUSTOMER-A table 10",
                  "set protocols bgp system-as 65000",
                  "set protocols bgp address-family ipv4-unicast route-target vpn export 65000:254",
                  "set vrf name CUSTOMER-A protocols bgp system-as 65000",
                  "set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target vpn "
                  "import 65000:254"]
    open(conf, "w").write("\n".join(lines) + "\n")
    t = time.monotonic()
    adds = b"".join(route_frame(i, True) for i in range(a.routes))
    dels = b"".join(route_frame(i, False) for i in range(a.routes))
    enc_s = time.monotonic() - t
    res = {"routes": a.routes, "leak": a.leak, "frame_bytes_add": len(adds), "encode_s": enc_s,
           "machine": os.uname().nodename, "cpu": cpu_name(),
           "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
           "loadavg_start": open("/proc/loadavg").read().split()[:3], "reps": []}
    if os.path.exists(a.sock):
        os.unlink(a.sock)
    log = open(os.path.join(a.out, "sluiced.log"), "w")
    cmd = [a.sluiced, "-l", "0,1", "--no-pci", "--in-memory", "--file-prefix", "fpmb%d" % os.getpid(),
           "--vdev", "net_null0", "--", "--config", conf, "--socket", a.sock]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            if p.poll() is not None:
                sys.exit("sluiced exited: see %s" % log.name)
            try:
                ctl(a, "show", "vrf")
                if os.path.exists(a.sock):
                    break
            except Exception:  # noqa: BLE001 - not ready yet
                pass
            time.sleep(0.2)
        base = fib_routes(a, "default")
        base_c = fib_routes(a, "CUSTOMER-A") if a.leak else 0
        z = socket.create_connection(("127.0.0.1", port), timeout=10)
        for _ in range(100):
            if json.loads(ctl(a, "--json", "show", "fpm"))["state"] == "connected":
                break
            time.sleep(0.05)
        for rep in range(a.reps):
            r = {}
            t0 = time.monotonic()
            z.sendall(adds)
            r["send_add_s"] = time.monotonic() - t0
            t1, n = wait_count(a, "default", lambda k: k >= base + a.routes, a.timeout)
            if t1 is None:
                sys.exit("rep %d: the FIB holds %d of %d routes after %.0f s" % (rep, n - base, a.routes,
                                                                                a.timeout))
            r["add_s"] = t1 - t0
            r["add_routes_per_s"] = a.routes / r["add_s"]
            if a.leak:
                t2, n = wait_count(a, "CUSTOMER-A", lambda k: k >= base_c + a.routes, a.timeout)
                r["leaked_s"] = (t2 or time.monotonic()) - t0
                r["leaked"] = n - base_c
            t0 = time.monotonic()
            z.sendall(dels)
            t1, n = wait_count(a, "default", lambda k: k <= base, a.timeout)
            if t1 is None:
                sys.exit("rep %d: %d routes left after the withdrawal" % (rep, n - base))
            r["del_s"] = t1 - t0
            r["del_routes_per_s"] = a.routes / r["del_s"]
            if a.leak:
                t2, n = wait_count(a, "CUSTOMER-A", lambda k: k <= base_c, a.timeout)
                r["unleaked_s"] = (t2 or time.monotonic()) - t0
            print("rep %d: %d routes in %.2f s (%.0f routes/s)%s; withdrawn in %.2f s (%.0f routes/s)"
                  % (rep, a.routes, r["add_s"], r["add_routes_per_s"],
                     ", leaked into CUSTOMER-A after %.2f s" % r["leaked_s"] if a.leak else "",
                     r["del_s"], r["del_routes_per_s"]), flush=True)
            res["reps"].append(r)
        z.close()
        res["fpm"] = json.loads(ctl(a, "--json", "show", "fpm"))
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    adds_ps = sorted(x["add_routes_per_s"] for x in res["reps"])
    res["add_routes_per_s_median"] = adds_ps[len(adds_ps) // 2]
    dels_ps = sorted(x["del_routes_per_s"] for x in res["reps"])
    res["del_routes_per_s_median"] = dels_ps[len(dels_ps) // 2]
    res["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    path = os.path.join(a.out, "fpm%s-%d.json" % ("-leak" if a.leak else "", a.routes))
    json.dump(res, open(path, "w"), indent=1)
    print("median: add %.0f routes/s, withdraw %.0f routes/s (%s)" % (
        res["add_routes_per_s_median"], res["del_routes_per_s_median"], path))


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


if __name__ == "__main__":
    main()
