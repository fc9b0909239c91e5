#!/usr/bin/python3
"""Forwarding benchmark driver (run through scripts/bench.sh).

One worker lcore (lcore 1), the control side on lcore 0, one net_pcap port
replaying a 4,096-frame pcap (tx without a target: frames are dropped after
tx). Measured, interleaved rep by rep, each figure the median of the reps:

  (a) io floor   dpdk-testpmd --forward-mode=io on the base scenario's pcap
  (b) sluiced    1 base (1 VRF x 1M routes), 2 vrfs (64 VRFs on vifs), 3 leak
                 (base + 30 % of the packets through a leak), 4 firewall (leak +
                 a 100-rule ruleset bound on the leaked direction, every leaked
                 packet classified and accepted), 5 base while a commit is
                 applied every 100 ms, 6 srcval (base's routes and
                 destinations, random sources from the table) measured with
                 strict source validation and with it disabled, alternately
  (c) lookup     sluice-bench-lpm: raw rte_lpm_lookup_bulk over the same
                 destinations in tables of the same routes
  (l) l3fwd      DPDK's l3fwd example (--lookup=lpm --parse-ptype, one lcore;
                 scripts/l3fwd/) on base's and leak's pcap and routes, loaded
                 once and paused like sluiced; sluice work / l3fwd work

Rates come from the DPDK telemetry socket (/ethdev/stats,0 ipackets sampled
twice, --seconds apart) for testpmd and sluiced alike; cycles/packet =
TSC Hz / packets per second (the worker polls at 100 %). sluiced's idle
instances are SIGSTOPped while another one (or testpmd) measures, so every
instance loads its routes once and the reps still interleave.
"""
import argparse
import ctypes
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

TELEMETRY_DIR = "/var/run/dpdk"
# scenario name (--scenarios, JSON) -> gen-bench.py data directory
DATA_DIR = {"base": "base", "srcval": "srcval", "vrfs": "vrfs", "leak": "leak", "firewall": "fw"}
# scenarios with their own sluiced instance
LOADED = ("base", "srcval", "vrfs", "leak", "firewall")
# scenario -> the l3fwd instance measured beside it (firewall: leak's pcap and
# routes, byte for byte); vrfs has none: l3fwd has no VRFs and no 802.1Q
L3FWD_FOR = {"base": "base", "srcval": "base", "leak": "leak", "firewall": "leak"}


def die_with_parent():
    """Children (possibly SIGSTOPped) are killed if this driver dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def on_signal(sig, _frame):
    raise SystemExit("bench_fwd.py: signal %d" % sig)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Telemetry:
    """DPDK telemetry v2 client (one connection, SOCK_SEQPACKET)."""

    def __init__(self, prefix, timeout):
        path = os.path.join(TELEMETRY_DIR, prefix, "dpdk_telemetry.v2")
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline:
                    raise RuntimeError("no telemetry socket at %s" % path)
                time.sleep(0.2)
        json.loads(self.s.recv(16384).decode())  # greeting

    def query(self, cmd):
        self.s.send(cmd.encode())
        return json.loads(self.s.recv(65536).decode())

    def rx_packets(self):
        t = time.monotonic()
        st = self.query("/ethdev/stats,0")["/ethdev/stats"]
        return t, st["ipackets"], st

    def close(self):
        self.s.close()


def ctl(sock, argv, json_out=False, data=None, timeout=600):
    """One request on sluiced's control socket (doc/operations.md)."""
    req = {"argv": argv, "json": json_out}
    if data is not None:
        req["input"] = data
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock)
    s.sendall((json.dumps(req) + "\n").encode())
    s.shutdown(socket.SHUT_WR)
    buf = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        buf += b
    s.close()
    rep = json.loads(buf.decode())
    if rep.get("status", 1) != 0:
        raise RuntimeError("sluiced %s: %s" % (" ".join(argv), rep.get("errors", "").strip()))
    return rep.get("output", "")


def dataplane(sock):
    return json.loads(ctl(sock, ["show", "dataplane"], json_out=True))


def firewall_summary(sock):
    """`show firewall` summary (classified, accepted, dropped, conntrack...)."""
    return json.loads(ctl(sock, ["show", "firewall"], json_out=True))["summary"]


def rate(tel, seconds, task):
    """Packets per second of wall time and per second of the worker's CPU time."""
    c0 = oncpu_ns(task)
    t0, p0, _ = tel.rx_packets()
    time.sleep(seconds)
    t1, p1, st = tel.rx_packets()
    c1 = oncpu_ns(task)
    wall = (p1 - p0) / (t1 - t0)
    cpu = (p1 - p0) / ((c1 - c0) / 1e9) if task and c1 > c0 else wall
    return {"pps_wall": wall, "pps": cpu, "cpu_share": (c1 - c0) / 1e9 / (t1 - t0) if task else None}


def out_of_hugepages(logname=None, text=""):
    """A sentence for a process that died of a hugepage shortage (its log
    file, or its output text, says so), else ''."""
    try:
        if logname is not None:
            with open(logname, errors="replace") as f:
                text = f.read()[-20000:]
    except OSError:
        return ""
    if not re.search(r"allocation failed|Cannot allocate memory|ENOMEM|not enough memory",
                     text, re.I):
        return ""
    nr = "/sys/kernel/mm/hugepages/hugepages-2048kB/"
    try:
        free = int(open(nr + "free_hugepages").read()) * 2
        total = int(open(nr + "nr_hugepages").read()) * 2
    except (OSError, ValueError):
        free = total = -1
    return ("; it ran out of hugepages (%d MiB free of %d MiB now): rerun with more, e.g. "
            "SLUICE_BENCH_HUGE_MB=%d scripts/bench.sh ... (bench.sh reserves what that says), "
            "or run fewer scenarios at a time" % (free, total, total + 1024))


def hugepage_bytes(prefix):
    total = 0
    for d in ("/dev/hugepages",):
        try:
            for f in os.listdir(d):
                if f.startswith(prefix + "map_"):
                    total += os.stat(os.path.join(d, f)).st_blocks * 512
        except OSError:
            pass
    return total


def rss_bytes(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def worker_task(pid):
    """/proc path of the EAL worker thread of lcore 1 (rte-worker-1)."""
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
                if f.read().strip().endswith("worker-1"):
                    return "/proc/%d/task/%s" % (pid, t)
    except OSError:
        pass
    return None


def oncpu_ns(task):
    """Time the thread ran on a CPU, from schedstat. The machine is shared:
    cycles/packet counts only the worker's own CPU time (TSC Hz x on-CPU
    seconds / packets), so time other threads took on its CPU is not billed."""
    if task is None:
        return 0
    try:
        with open(task + "/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class Sluiced:
    def __init__(self, a, name, sdir, tbl8s, rules, vdevs=(), mbufs=None):
        """tbl8s/rules None: no sizing options; vdevs: more ports after net_pcap0."""
        self.name = name
        self.dir = sdir
        self.prefix = "slbench-%s-%d" % (name, os.getpid())
        self.sock = os.path.join(a.run_dir, "%s.sock" % name)
        self.logf = open(os.path.join(a.run_dir, "%s.log" % name), "w")
        cmd = [a.sluiced, "-l", "0,1", "--no-pci", "--file-prefix", self.prefix,
               "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % os.path.join(sdir, "traffic.pcap")]
        for v in vdevs:
            cmd += ["--vdev", v]
        cmd += ["--", "--config", os.path.join(sdir, "sluiced.conf"), "--socket", self.sock,
                "--mbufs", str(mbufs or a.mbufs)]
        if rules is not None:
            cmd += ["--lpm-rules", str(rules), "--lpm-tbl8s", str(tbl8s)]
        self.cmd = cmd
        log("start %s: %s" % (name, " ".join(cmd)))
        self.spawn()

    def spawn(self):
        self.t_start = time.monotonic()
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=self.logf,
                                  stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        self.tel = None
        self.task = None
        self.load_s = None
        self.stopped = False

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("sluiced %s exited (%d): see %s%s" % (
                    self.name, self.p.returncode, self.logf.name,
                    out_of_hugepages(self.logf.name)))
            try:
                with open(self.logf.name) as f:
                    if "sluiced: ready" in f.read():
                        self.load_s = time.monotonic() - self.t_start
                        self.tel = Telemetry(self.prefix, 30)
                        self.task = worker_task(self.p.pid)
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("sluiced %s not ready after %d s" % (self.name, timeout))

    def pause(self):
        if not self.stopped:
            os.kill(self.p.pid, signal.SIGSTOP)
            self.stopped = True

    def resume(self):
        if self.stopped:
            os.kill(self.p.pid, signal.SIGCONT)
            self.stopped = False

    def stop(self):
        self.resume()
        if self.tel:
            self.tel.close()
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()
        for f in os.listdir("/dev/hugepages") if os.path.isdir("/dev/hugepages") else []:
            if f.startswith(self.prefix + "map_"):
                try:
                    os.unlink(os.path.join("/dev/hugepages", f))
                except OSError:
                    pass


class L3fwd(Sluiced):
    """DPDK's l3fwd (scripts/l3fwd/build.sh) on the port, pcap and routes of a
    sluiced scenario: --lookup=lpm --parse-ptype, routes from the rule file
    bench.sh writes beside routes.txt (every route to port 0, as sluiced's
    gateways all are on eth0). One lcore, lcore 1, which is then EAL's main
    thread: net_pcap has one tx queue and l3fwd wants one per lcore."""

    READY = "L3FWD: entering main loop on lcore 1"

    def __init__(self, a, name, sdir):  # pylint: disable=super-init-not-called
        self.name = "l3fwd-" + name
        self.dir = sdir
        self.prefix = "slbench-l3fwd-%s-%d" % (name, os.getpid())
        self.logf = open(os.path.join(a.run_dir, "l3fwd-%s.log" % name), "w")
        self.cmd = [a.l3fwd, "-l", "1", "--no-pci", "--file-prefix", self.prefix,
                    "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % os.path.join(
                        sdir, "traffic.pcap"),
                    "--", "-p", "0x1", "--config=(0,0,1)", "--lookup=lpm", "--parse-ptype",
                    "--rule_ipv4=" + os.path.join(sdir, "l3fwd-routes.cfg"),
                    "--rule_ipv6=" + a.l3fwd_rules_v6]
        log("start %s: %s" % (self.name, " ".join(self.cmd)))
        self.spawn()

    def wait_ready(self, timeout):
        """The log has a line per route (1M): read it as it grows."""
        deadline = time.monotonic() + timeout
        pos, tail = 0, ""
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("%s exited (%d): see %s%s" % (
                    self.name, self.p.returncode, self.logf.name,
                    out_of_hugepages(self.logf.name)))
            with open(self.logf.name, errors="replace") as f:
                f.seek(pos)
                chunk = f.read()
                pos = f.tell()
            if self.READY in tail + chunk:
                self.load_s = time.monotonic() - self.t_start
                self.tel = Telemetry(self.prefix, 30)
                self.task = "/proc/%d/task/%d" % (self.p.pid, self.p.pid)
                return
            tail = (tail + chunk)[-len(self.READY):]
            time.sleep(0.5)
        raise RuntimeError("%s not ready after %d s" % (self.name, timeout))


def l3fwd_rep(a, s):
    s.resume()
    time.sleep(a.warmup)
    r = rate(s.tel, a.seconds, s.task)
    s.pause()
    return r


def testpmd_rep(a, pcap, rep):
    prefix = "slbench-pmd-%d-%d" % (os.getpid(), rep)
    cmd = [a.testpmd, "-l", "0,1", "--no-pci", "--file-prefix", prefix,
           "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--",
           "--forward-mode=io", "--port-topology=loop", "--nb-cores=1",
           "--total-num-mbufs=%d" % a.mbufs, "--auto-start", "--stats-period=1"]
    logf = open(os.path.join(a.run_dir, "testpmd-%d.log" % rep), "w")
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                         preexec_fn=die_with_parent)
    try:
        tel = Telemetry(prefix, 60)
        time.sleep(a.warmup)
        r = rate(tel, a.seconds, worker_task(p.pid))
        tel.close()
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        logf.close()
    r["command"] = " ".join(cmd)
    return r


def sluiced_rep(a, s):
    s.resume()
    time.sleep(a.warmup)
    fw0 = firewall_summary(s.sock) if s.name == "firewall" else None
    d0 = dataplane(s.sock)
    r = rate(s.tel, a.seconds, s.task)
    d1 = dataplane(s.sock)
    fw1 = firewall_summary(s.sock) if s.name == "firewall" else None
    s.pause()
    rx = d1["rx"] - d0["rx"]
    fwd = d1["forwarded"] - d0["forwarded"]
    extra = {}
    if fw1 is not None:
        # the leaked packets must have been classified and accepted, not dropped
        extra["firewall"] = {k: fw1[k] - fw0[k] for k in (
            "classified", "accepted", "dropped", "rejected", "unguarded", "conntrackCreated")}
        extra["firewall"]["conntrackEntries"] = fw1["conntrackEntries"]
    return dict(extra, **{
        "pps": r["pps"], "pps_wall": r["pps_wall"], "cpu_share": r["cpu_share"],
        "work_cycles_per_packet": (d1["work_cycles"] - d0["work_cycles"]) / rx if rx else None,
        "rx": rx, "forwarded": fwd, "leaked": d1["leaked"] - d0["leaked"],
        "punted": sum(d1["punted"].values()) - sum(d0["punted"].values()),
        "dropped": {k: d1["dropped"][k] - d0["dropped"][k] for k in d1["dropped"]
                    if d1["dropped"][k] != d0["dropped"][k]},
    })


def srcval_reps(a, s, rep):
    """Scenario 6: one rep with eth0's source validation strict and one with
    it disabled (set through the control socket), in alternating order."""
    out = {}
    for mode in ("strict", "disable") if rep % 2 == 0 else ("disable", "strict"):
        s.resume()
        ctl(s.sock, ["configure"], timeout=60,
            data="set interfaces ethernet eth0 ip source-validation %s\n" % mode)
        out[mode] = sluiced_rep(a, s)
    return out


def srcval_result(hz, strict, off):
    """What strict validation adds per packet: the median of the reps'
    differences (each pair measured back to back on the same instance)."""
    diffs = [hz / x["pps"] - hz / y["pps"] for x, y in zip(strict, off)]
    return {
        "disable_mpps": med([r["pps"] for r in off]) / 1e6,
        "disable_cycles_per_packet": hz / med([r["pps"] for r in off]),
        "strict_cost_cycles_per_packet": med(diffs),
        "reps_strict_cost_cycles_per_packet": diffs,
        "worker_counter_strict_cost_cycles_per_packet":
            med([x["work_cycles_per_packet"] for x in strict]) -
            med([y["work_cycles_per_packet"] for y in off]),
        "src_invalid_strict": sum(x["dropped"].get("src_invalid", 0) for x in strict),
        "reps_disable": off,
    }


STALL_FIELDS = ("max_loop_us", "max_on_cpu_us", "gaps_over_1ms", "on_cpu_over_1ms")


def commit_scenario(a, s):
    """Scenario 5: a commit every 100 ms while forwarding. Loss from the
    worker's own counters; stall from telemetry rx samples every ~2 ms: the
    longest stretch in which rx advanced by less than 10 % of the median
    sample-rate (a stall in the worker stops rx, the pcap port has no ring
    that could hide it)."""
    s.resume()
    time.sleep(a.warmup)
    stop = threading.Event()
    lat = []
    errors = []
    route = "vrf name BENCH protocols static route 198.18.0.0/15"

    def committer():
        nxt = time.monotonic()
        k = 0
        while not stop.is_set():
            line = ("set %s next-hop 10.0.0.2\n" % route) if k % 2 == 0 else ("delete %s\n" % route)
            t0 = time.monotonic()
            try:
                ctl(s.sock, ["configure"], data=line, timeout=30)
            except Exception as e:  # noqa: BLE001 - recorded, reported
                errors.append(str(e))
            lat.append(time.monotonic() - t0)
            k += 1
            nxt += a.commit_interval
            time.sleep(max(0.0, nxt - time.monotonic()))

    # The worker's own stall counter (show dataplane "stalls") covers the
    # commit phase only: cleared right before it. Older sluiced: no "stalls".
    ctl(s.sock, ["clear", "counters"])
    d0 = dataplane(s.sock)
    samples = []
    th = threading.Thread(target=committer)
    th.start()
    t_end = time.monotonic() + a.commit_seconds
    delays = []
    while time.monotonic() < t_end:
        t, p, _ = s.tel.rx_packets()
        samples.append((t, p))
        delays.append(oncpu_ns(s.task))
        time.sleep(0.002)
    stop.set()
    th.join()
    time.sleep(0.2)
    d1 = dataplane(s.sock)
    s.pause()
    rates = [(p1 - p0) / (t1 - t0) for (t0, p0), (t1, p1) in zip(samples, samples[1:]) if t1 > t0]
    med = statistics.median(rates) if rates else 0
    # A stall the kernel caused (another thread ran on the worker's CPU) is
    # time the worker was off CPU (schedstat, tick resolution); sluice's own
    # stall is the on-CPU time of the worker within the stretch without rx.
    longest = cur = cur_pre = longest_pre = 0.0
    longest_own = cur_own = 0.0
    gap_max = 0.0
    for k, ((t0, p0), (t1, p1)) in enumerate(zip(samples, samples[1:])):
        gap_max = max(gap_max, t1 - t0)
        if med and (p1 - p0) < 0.1 * med * (t1 - t0):
            cur += t1 - t0
            cur_own += (delays[k + 1] - delays[k]) / 1e9
            cur_pre = max(0.0, cur - cur_own)
            if cur > longest:
                longest, longest_pre = cur, cur_pre
            longest_own = max(longest_own, min(cur, cur_own))
        else:
            cur = cur_own = 0.0
    # the worst sample window expressed as packets missing at the median rate
    missing = max(((med * (t1 - t0) - (p1 - p0)) / med for (t0, p0), (t1, p1)
                   in zip(samples, samples[1:])), default=0.0) if med else 0.0
    rx = d1["rx"] - d0["rx"]
    fwd = d1["forwarded"] - d0["forwarded"]
    arp = d1["punted"]["arp"] - d0["punted"]["arp"]
    drops = {k: d1["dropped"][k] - d0["dropped"][k] for k in d1["dropped"]}
    # Every packet the worker did not forward is counted by reason: lost =
    # drops + punts other than the pcap's own ARP frames. (rx - forwarded - arp
    # is the same up to the burst in flight while the counters were read.)
    # punt_full is kept apart: with only the pcap's ARP frames punted it counts
    # ARP frames the control thread did not take in time, not forwarded traffic.
    other_punts = sum(d1["punted"].values()) - sum(d0["punted"].values()) - arp
    lost = sum(v for k, v in drops.items() if k != "punt_full") + other_punts
    st = d1.get("stalls")
    if isinstance(st, dict):
        stalls = {k: st.get(k) for k in STALL_FIELDS}
    else:
        stalls = {"available": False,
                  "note": "sluiced's show dataplane has no stalls object (older binary)"}
    return {
        "worker_stalls": stalls,
        "commits": len(lat), "commit_errors": errors[:3], "commit_interval_s": a.commit_interval,
        "commit_latency_ms_median": statistics.median(lat) * 1e3 if lat else None,
        "commit_latency_ms_max": max(lat) * 1e3 if lat else None,
        "rx": rx, "forwarded": fwd, "arp_punted": arp,
        "lost": lost, "rx_minus_forwarded_minus_arp": rx - fwd - arp,
        "punt_ring_full": drops.get("punt_full", 0),
        "dropped": {k: v for k, v in drops.items() if v},
        "pps_median": med,
        "samples": len(samples), "sample_gap_ms_max": gap_max * 1e3,
        "stall_ms_longest_zero_rx": longest * 1e3,
        "stall_ms_longest_zero_rx_preempted": longest_pre * 1e3,
        "stall_ms_longest_on_cpu": longest_own * 1e3,
        "worker_cpu_share": (delays[-1] - delays[0]) / 1e9 / (samples[-1][0] - samples[0][0])
        if len(samples) > 1 else None,
        "stall_ms_worst_window_deficit": missing * 1e3,
    }


def lpm_floor(a, sdir, tbl8s, leak_vrf=None):
    cmd = [a.lpm, "-l", "1", "--no-pci", "--file-prefix", "slbench-lpm-%d" % os.getpid(), "--",
           "--routes", os.path.join(sdir, "routes.txt"), "--pcap", os.path.join(sdir, "traffic.pcap"),
           "--tbl8s", str(tbl8s), "--passes", str(a.lpm_passes), "--reps", str(a.reps)]
    if leak_vrf is not None:  # gen-bench.py's leak: PEER's space, redirected from BENCH
        cmd += ["--leak-vrf", str(leak_vrf), "--leak-prefix", "100.64.0.0/10"]
    log("lookup floor: " + " ".join(cmd))
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if out.returncode != 0:
        raise ValueError("sluice-bench-lpm exited (%d): %s%s" % (
            out.returncode, out.stderr.strip()[-500:], out_of_hugepages(text=out.stderr)))
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["command"] = " ".join(cmd)
    return r


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="dir with base/, leak/, vrfs/ from gen-bench.py")
    ap.add_argument("--scenarios", default="base,vrfs,leak,firewall,commit")
    ap.add_argument("--sluiced", required=True)
    ap.add_argument("--lpm", required=True)
    ap.add_argument("--testpmd", default="dpdk-testpmd")
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--mbufs", type=int, default=16384)
    ap.add_argument("--commit-seconds", type=float, default=10.0)
    ap.add_argument("--commit-interval", type=float, default=0.1)
    ap.add_argument("--lpm-passes", type=int, default=300)
    ap.add_argument("--load-timeout", type=int, default=1800)
    ap.add_argument("--l3fwd", help="DPDK's l3fwd built by scripts/l3fwd/build.sh")
    ap.add_argument("--l3fwd-rules-v6", help="l3fwd's --rule_ipv6 file (it wants both)")
    a = ap.parse_args()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    os.makedirs(a.run_dir, exist_ok=True)
    # Keep this driver (and its children's non-EAL threads) off the worker's core.
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass
    want = [x for x in a.scenarios.split(",") if x]
    info = {}
    for sc in LOADED:
        p = os.path.join(a.data, DATA_DIR[sc], "info.json")
        if os.path.exists(p) and (sc in want or sc == "base"):
            with open(p) as f:
                info[sc] = json.load(f)
    tbl8s = {sc: max(256, 1 << (int(i["tbl8_groups_max"] * 1.25) - 1).bit_length())
             for sc, i in info.items()}
    rules = {sc: max(i["routes_per_vrf"]) + 1024 for sc, i in info.items()}

    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": machine(), "reps": a.reps, "seconds": a.seconds,
              "inputs": info, "scenarios": {}}
    inst, l3 = {}, {}
    try:
        # Load one instance at a time (loading is the control plane's job and
        # would steal the worker's core from a measuring neighbour), pause it.
        for sc in LOADED:
            if sc in want or (sc == "base" and "commit" in want):
                s = Sluiced(a, sc, os.path.join(a.data, DATA_DIR[sc]), tbl8s[sc], rules[sc])
                s.wait_ready(a.load_timeout)
                log("%s ready in %.1f s" % (sc, s.load_s))
                inst[sc] = s
                s.pause()
        for key in ("base", "leak") if a.l3fwd else ():
            scs = [sc for sc in LOADED if L3FWD_FOR.get(sc) == key and sc in want]
            if scs:
                s = L3fwd(a, key, os.path.join(a.data, DATA_DIR[scs[0]]))
                s.wait_ready(a.load_timeout)
                log("%s ready in %.1f s" % (s.name, s.load_s))
                l3[key] = s
                s.pause()
        floor_runs, runs = [], {sc: [] for sc in inst}
        srcval_off = []
        l3_runs = {key: [] for key in l3}
        for rep in range(a.reps):
            log("rep %d/%d: testpmd io" % (rep + 1, a.reps))
            floor_runs.append(testpmd_rep(a, os.path.join(a.data, "base", "traffic.pcap"), rep))
            for sc, s in inst.items():
                if sc not in want:
                    continue
                log("rep %d/%d: sluiced %s" % (rep + 1, a.reps, sc))
                if sc == "srcval":
                    r2 = srcval_reps(a, s, rep)
                    runs[sc].append(r2["strict"])
                    srcval_off.append(r2["disable"])
                else:
                    runs[sc].append(sluiced_rep(a, s))
            for key, s in l3.items():
                log("rep %d/%d: l3fwd %s" % (rep + 1, a.reps, key))
                l3_runs[key].append(l3fwd_rep(a, s))
        l3_mem = {key: hugepage_bytes(s.prefix) for key, s in l3.items()}
        mem = {}
        for sc, s in inst.items():
            s.resume()  # a paused sluiced answers nothing
            mem[sc] = {"lpm_bytes_per_vrf": dataplane(s.sock)["fib"]["bytes_per_vrf"],
                       "hugepage_bytes": hugepage_bytes(s.prefix), "rss_bytes": rss_bytes(s.p.pid)}
            s.pause()
        if "commit" in want and "base" in inst:
            log("scenario 5: commits every %.0f ms for %.0f s" % (a.commit_interval * 1e3,
                                                                 a.commit_seconds))
            result["scenarios"]["commit"] = commit_scenario(a, inst["base"])
    finally:
        for s in list(inst.values()) + list(l3.values()):
            s.stop()
        cleanup_files()
    # The lookup floors last: their tables need the hugepages sluiced held.
    lookups, hz = {}, None
    for sc in inst:
        if sc == "firewall" and "leak" in inst:
            continue  # the same tables and destinations as leak: its floor applies
        if sc == "srcval" and "base" in inst:
            continue  # the same tables and destinations as base
        if sc in want:
            try:
                lookups[sc] = lpm_floor(a, os.path.join(a.data, DATA_DIR[sc]), tbl8s[sc],
                                        1 if sc in ("leak", "firewall") else None)
                hz = lookups[sc]["tsc_hz"]
            except (subprocess.CalledProcessError, ValueError, IndexError) as e:
                lookups[sc] = {"error": str(e)}
            cleanup_files()
    if hz is None:
        hz = machine()["tsc_hz"]
    floor_pps = med([r["pps"] for r in floor_runs])
    floor_cpp = hz / floor_pps
    result["tsc_hz"] = hz
    result["io_floor"] = {"mpps": floor_pps / 1e6, "cycles_per_packet": floor_cpp,
                          "mpps_wall": med([r["pps_wall"] for r in floor_runs]) / 1e6,
                          "cpu_share": med([r["cpu_share"] for r in floor_runs]),
                          "reps_mpps": [r["pps"] / 1e6 for r in floor_runs],
                          "command": floor_runs[0]["command"]}
    if "firewall" in inst and "leak" in lookups:
        lookups["firewall"] = lookups["leak"]
    if "srcval" in inst and "base" in lookups:
        lookups["srcval"] = lookups["base"]
    result["l3fwd"] = l3fwd_results(a, l3, l3_runs, l3_mem, hz, floor_runs)
    for sc, rs in runs.items():
        if not rs:
            continue
        s = inst[sc]
        pps = med([r["pps"] for r in rs])
        cpp = hz / pps
        i = info[sc]
        entry = {
            "mpps": pps / 1e6, "cycles_per_packet": cpp,
            "mpps_wall": med([r["pps_wall"] for r in rs]) / 1e6,
            "cpu_share": med([r["cpu_share"] for r in rs]),
            "work_cycles_per_packet": cpp - floor_cpp,
            "worker_counter_work_cycles_per_packet": med([r["work_cycles_per_packet"] for r in rs]),
            "reps_mpps": [r["pps"] / 1e6 for r in rs],
            "reps": rs,
            "vrfs": i["vrfs"], "routes_per_vrf": i["routes_per_vrf"][0],
            "load_seconds": s.load_s,
            "command": " ".join(s.cmd),
            "lookup_floor": lookups.get(sc),
        }
        entry.update(mem[sc])
        entry.update(beside_l3fwd(sc, rs, result["l3fwd"], hz, floor_runs))
        if sc in ("leak", "firewall"):
            entry["leaked_share"] = i["leaked_packets"] / i["packets"]
        if sc == "firewall":
            entry["available"] = True
            entry["ruleset"] = i.get("firewall")
            entry["firewall_counters"] = {k: sum(r["firewall"][k] for r in rs)
                                          for k in rs[0]["firewall"] if k != "conntrackEntries"}
            entry["firewall_counters"]["conntrackEntries"] = rs[-1]["firewall"]["conntrackEntries"]
        if sc == "srcval":
            entry["source_validation"] = srcval_result(hz, rs, srcval_off)
        result["scenarios"][sc] = entry
    if "firewall" not in result["scenarios"]:
        result["scenarios"]["firewall"] = {
            "available": False,
            "note": "not run: add firewall to --scenarios (scripts/bench.sh runs it by default)"}
    result["leak_costs"] = leak_costs(result["scenarios"])
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    summary(result)


def l3fwd_results(a, l3, l3_runs, l3_mem, hz, floor_runs):
    """l3fwd's figures per instance, in the same units as sluiced's."""
    if not l3:
        return {"available": False,
                "note": "not run: no l3fwd binary (scripts/l3fwd/build.sh needs dpdk-doc)"
                if not a.l3fwd else "not run: no scenario with an l3fwd reference"}
    out = {"available": True}
    floor_cpp = hz / med([r["pps"] for r in floor_runs])
    for key, s in l3.items():
        rs = l3_runs[key]
        cpp = hz / med([r["pps"] for r in rs])
        out[key] = {
            "mpps": hz / cpp / 1e6, "cycles_per_packet": cpp,
            "work_cycles_per_packet": cpp - floor_cpp,
            "mpps_wall": med([r["pps_wall"] for r in rs]) / 1e6,
            "cpu_share": med([r["cpu_share"] for r in rs]),
            "reps_mpps": [r["pps"] / 1e6 for r in rs], "reps": rs,
            "load_seconds": s.load_s, "hugepage_bytes": l3_mem.get(key),
            "command": " ".join(s.cmd),
        }
    return out


def beside_l3fwd(sc, rs, l3res, hz, floor_runs):
    """sluice's work / l3fwd's work (work = cycles/packet - io floor), from
    the medians and rep by rep (each rep's figures with that rep's floor)."""
    key = L3FWD_FOR.get(sc)
    if key is None or key not in l3res:
        return {"l3fwd": {"available": False,
                          "note": "l3fwd has no VRFs and does not parse 802.1Q"
                          if sc == "vrfs" else "l3fwd not run"}}
    e = l3res[key]
    floor_cpp = hz / med([r["pps"] for r in floor_runs])
    work = hz / med([r["pps"] for r in rs]) - floor_cpp
    reps = [(hz / r["pps"] - hz / f["pps"]) / (hz / l["pps"] - hz / f["pps"])
            for r, l, f in zip(rs, e["reps"], floor_runs)]
    return {"l3fwd": {"available": True, "instance": key,
                      "cycles_per_packet": e["cycles_per_packet"],
                      "work_cycles_per_packet": e["work_cycles_per_packet"]},
            "work_ratio_vs_l3fwd": work / e["work_cycles_per_packet"],
            "reps_work_ratio_vs_l3fwd": reps}


def leak_costs(scs):
    """Per leaked packet: what a leak, and a leak through the firewall, add to
    a native packet ((bX - b1) / leaked share), and the firewall alone
    ((b4 - b3) / leaked share); a leaked packet's work = b1 + that."""
    b1 = scs.get("base")
    out = {}
    for sc, tag in (("leak", "b3"), ("firewall", "b4")):
        e = scs.get(sc)
        if not b1 or "work_cycles_per_packet" not in b1 or not e or not e.get("available", True) or "work_cycles_per_packet" not in e:
            continue
        share = e["leaked_share"]
        if share <= 0:  # nothing leaked: no per-leaked-packet cost to derive
            continue
        extra = (e["work_cycles_per_packet"] - b1["work_cycles_per_packet"]) / share
        out["%s_minus_b1_per_leaked_packet" % tag] = extra
        out["%s_leaked_packet_work" % tag] = b1["work_cycles_per_packet"] + extra
    l3, l4 = scs.get("leak"), scs.get("firewall")
    if l3 and l4 and l4.get("available") and "work_cycles_per_packet" in l3:
        out["b4_minus_b3_per_leaked_packet"] = (
            (l4["work_cycles_per_packet"] - l3["work_cycles_per_packet"]) / l4["leaked_share"])
    return out


def cleanup_files():
    """Hugepage files and runtime dirs of every DPDK process this run started."""
    tag = "-%d" % os.getpid()
    for d in ("/dev/hugepages", TELEMETRY_DIR):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for f in names:
            if f.startswith("slbench-") and tag in f:
                path = os.path.join(d, f)
                try:
                    if os.path.isdir(path):
                        for g in os.listdir(path):
                            os.unlink(os.path.join(path, g))
                        os.rmdir(path)
                    else:
                        os.unlink(path)
                except OSError:
                    pass


def machine():
    hz = None
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and not model:
                model = line.split(":", 1)[1].strip()
            if line.startswith("cpu MHz") and hz is None:
                hz = float(line.split(":", 1)[1]) * 1e6
    return {"cpu": model, "cpus": os.cpu_count(), "tsc_hz": hz,
            "virtual": "hypervisor" in open("/proc/cpuinfo").read(),
            "kernel": os.uname().release}


def summary(r):
    p = print
    m = r["machine"]
    p("\n  ---------------------- sluice forwarding benchmark ----------------------")
    p("  %s, %d cpus%s, TSC %.3f GHz, %s; median of %d reps x %.0f s" % (
        m["cpu"], m["cpus"], " (VM)" if m["virtual"] else "", r["tsc_hz"] / 1e9, r["date"],
        r["reps"], r["seconds"]))
    f = r["io_floor"]
    p("  cycles = TSC Hz x the worker thread's on-CPU time / packets (the machine is shared)")
    p("  %-34s %8s %10s %10s %12s" % ("", "Mpps", "cyc/pkt", "work", "MiB/VRF"))
    p("  %-34s %8.2f %10.1f %10s %12s" % ("(a) testpmd io floor", f["mpps"], f["cycles_per_packet"],
                                          "-", "-"))
    names = {"base": "(b1) 1 VRF x %s routes", "srcval": "(b6) b1, random src, strict",
             "vrfs": "(b2) %s VRFs x %s routes",
             "leak": "(b3) b1 + %s %% leaked", "firewall": "(b4) b3 + %d-rule leak firewall"}
    for sc in LOADED:
        e = r["scenarios"].get(sc)
        if e is None:
            continue
        if sc == "base":
            label = names[sc] % format(e["routes_per_vrf"], ",")
        elif sc == "srcval":
            label = names[sc]
        elif sc == "vrfs":
            label = names[sc] % (e["vrfs"], format(e["routes_per_vrf"], ","))
        elif sc == "leak":
            label = names[sc] % round(e["leaked_share"] * 100)
        elif not e.get("available"):
            continue  # not asked for (--scenarios): nothing to say
        else:
            rs = e.get("ruleset") or {}
            label = names[sc] % (rs.get("rules") or 0) + (" + SNAT" if rs.get("nat_pool") else "")
        p("  %-34s %8.2f %10.1f %10.1f %12.1f" % (label, e["mpps"], e["cycles_per_packet"],
                                                e["work_cycles_per_packet"],
                                                e["lpm_bytes_per_vrf"] / 2**20))
    l3 = r.get("l3fwd") or {}
    for key, label in (("base", "(l) l3fwd, b1's pcap and routes"),
                       ("leak", "(l) l3fwd, b3's pcap, one table")):
        e = l3.get(key)
        if e:
            p("  %-34s %8.2f %10.1f %10.1f %12s" % (label, e["mpps"], e["cycles_per_packet"],
                                                  e["work_cycles_per_packet"], "-"))
    ratios = ["%s %.2f" % (tag, r["scenarios"][sc]["work_ratio_vs_l3fwd"])
              for sc, tag in (("base", "b1"), ("leak", "b3"), ("firewall", "b4"))
              if "work_ratio_vs_l3fwd" in r["scenarios"].get(sc, {})]
    if ratios:
        p("  %-34s %s (target <= 1.0 native)" % ("sluice work / l3fwd work", ", ".join(ratios)))
    elif not l3.get("available", True):
        p("  %-34s %s" % ("(l) l3fwd", l3.get("note")))
    lc = r.get("leak_costs") or {}
    for tag, what in (("b3", "leak"), ("b4", "leak + firewall")):
        if "%s_minus_b1_per_leaked_packet" % tag in lc:
            p("  %-34s +%.1f cycles over a native packet; a leaked packet's work %.1f" % (
                "(%s) per leaked packet (%s)" % (tag, what),
                lc["%s_minus_b1_per_leaked_packet" % tag], lc["%s_leaked_packet_work" % tag]))
    if "b4_minus_b3_per_leaked_packet" in lc:
        fc = r["scenarios"]["firewall"]["firewall_counters"]
        p("  %-34s +%.1f cycles per leaked packet (classified %d, accepted %d, dropped %d)" % (
            "(b4 - b3) the firewall alone", lc["b4_minus_b3_per_leaked_packet"],
            fc["classified"], fc["accepted"], fc["dropped"]))
    sv = (r["scenarios"].get("srcval") or {}).get("source_validation")
    if sv:
        p("  %-34s %+.1f cycles/packet (worker counter %+.1f; disabled %.1f cyc/pkt),"
          " %d src_invalid" % ("(b6) strict source validation", sv["strict_cost_cycles_per_packet"],
                               sv["worker_counter_strict_cost_cycles_per_packet"],
                               sv["disable_cycles_per_packet"], sv["src_invalid_strict"]))
    c = r["scenarios"].get("commit")
    if c:
        p("  %-34s %d commits (max %.0f ms), lost %d of %d packets, %d punts dropped"
          " (punt ring full)" % ("(b5) b1 + commit every 100 ms", c["commits"],
                                 c["commit_latency_ms_max"] or 0, c["lost"], c["rx"],
                                 c["punt_ring_full"]))
        p("  %-34s longest rx stall %.2f ms, of which the worker was preempted %.2f ms;"
          " longest on CPU %.2f ms" % ("", c["stall_ms_longest_zero_rx"],
                                         c["stall_ms_longest_zero_rx_preempted"],
                                         c["stall_ms_longest_on_cpu"]))
        ws = c.get("worker_stalls") or {}
        if ws.get("available", True) and ws.get("max_loop_us") is not None:
            p("  %-34s worker counter: longest loop gap %.0f us (on CPU %.0f us),"
              " gaps > 1 ms: %s (on CPU: %s)" % ("", ws["max_loop_us"], ws["max_on_cpu_us"] or 0,
                                                 ws["gaps_over_1ms"], ws["on_cpu_over_1ms"]))
        else:
            p("  %-34s worker stall counter: not available in this sluiced" % "")
    for sc in LOADED:
        if (sc == "firewall" and "leak" in r["scenarios"]) or (sc == "srcval" and "base" in r["scenarios"]):
            continue  # the same floor as leak (base)
        e = r["scenarios"].get(sc)
        if e and e.get("lookup_floor") and "error" not in e["lookup_floor"]:
            lf = e["lookup_floor"]
            p("  (c) lookup floor %-16s bulk %.1f cyc/pkt, single %.1f cyc/pkt%s" % (
                sc, lf["bulk_cycles_per_packet"], lf["single_cycles_per_packet"],
                " (+ 2nd lookup of %d/%d)" % (lf["second_lookups_per_pass"], lf["lookups_per_pass"])
                if lf["second_lookups_per_pass"] else ""))
    p("  Mpps = packets per second of the worker's CPU time; work = cycles/packet - io floor")
    p("  ------------------------------------------------------------------------\n")


if __name__ == "__main__":
    main()
