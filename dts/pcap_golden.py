#!/usr/bin/python3
"""dts: net_pcap golden test. Crafted packets (valid, leaked, isolated, TTL 1,
bad checksum, truncated, IHL 4, non-IPv4, ARP, VLAN-tagged) go into sluiced
through five net_pcap ports (dts/configs/pcap-golden.conf); the IPv4 frames
each port sends must be exactly the expected ones (TTL - 1, checksum, MACs,
VLAN tag popped or pushed), the router's own answers (ARP, echo reply, ICMP
unreachable / time exceeded) must be there, and the drop counters must name
every dropped packet. Expected output pcaps are written beside the real
ones (expected<N>.pcap / out<N>.pcap in the run directory) for inspection.
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.environ.get("SLUICE_BUILD", os.path.join(TOP, "build"))
SLUICED = os.environ.get("SLUICED", os.path.join(BUILD, "app/sluiced/sluiced"))
SLUICECTL = os.environ.get("SLUICECTL", os.path.join(BUILD, "app/sluicectl/sluicectl"))
CONFIG = os.path.join(HERE, "configs/pcap-golden.conf")


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


if os.geteuid() != 0:
    skip("needs root (DPDK hugepages / memory)")
if not os.access(SLUICED, os.X_OK):
    skip(f"no sluiced at {SLUICED} (built only when DPDK is found)")
try:
    from scapy.all import (ARP, ICMP, IP, UDP, Dot1Q, Ether, IPv6,  # noqa: E402
                           rdpcap, wrpcap)
    from scapy.all import conf as scapy_conf
    from scapy.layers.inet import IPerror
    scapy_conf.verb = 0
except ImportError:
    skip("python3-scapy is not installed")

BCAST = "ff:ff:ff:ff:ff:ff"
# Hosts: (port, vlan, MAC, IP, router address on that segment)
HOSTS = {
    "mgmt": (0, 0, "02:00:00:00:00:0a", "10.99.0.10", "10.99.0.1"),
    "a": (1, 0, "02:00:00:00:01:0a", "10.1.0.10", "10.1.0.1"),
    "b": (2, 0, "02:00:00:00:02:0a", "10.2.0.10", "10.2.0.1"),
    "a200": (2, 200, "02:00:00:00:c8:0a", "10.1.200.10", "10.1.200.1"),
    "dns": (3, 0, "02:00:00:00:03:0a", "10.100.0.10", "10.100.0.1"),
    "ntp": (3, 0, "02:00:00:00:03:14", "10.100.0.20", "10.100.0.1"),
    "up": (4, 0, "02:00:00:00:04:01", "203.0.113.1", "203.0.113.2"),
}
NPORTS = 5
# net_pcap gives port N the MAC 02:70:63:61:70:0N ("\x02pcap" + N).
ROUTER_MAC = {p: "02:70:63:61:70:%02x" % p for p in range(NPORTS)}
ROUTER_IPS = {h[4] for h in HOSTS.values()}
# An untagged host on each port (the filler's source).
PORT_HOST = {p: next(h for h, v in HOSTS.items() if v[0] == p and not v[1])
             for p in range(NPORTS)}


def dp_burst():
    """The worker's rx burst (SL_DP_BURST in lib/dp/sl_dp.h)."""
    with open(os.path.join(TOP, "lib/dp/sl_dp.h")) as f:
        m = re.search(r"#define SL_DP_BURST (\d+)", f.read())
    if m is None:
        raise SystemExit("FAIL: no SL_DP_BURST in lib/dp/sl_dp.h")
    return int(m.group(1))


BURST = dp_burst()
DROPS = ["no_route", "ttl_expired", "leak_loop", "blackhole", "bad_checksum", "bad_header",
         "truncated", "not_ipv4", "no_iface", "iface_down", "no_headroom", "punt_full",
         "tx_full", "local_leak"]


def l2(host, dst_mac=None):
    port, vlan, mac, _, _ = HOSTS[host]
    eth = Ether(src=mac, dst=dst_mac or "00:00:00:00:00:00")
    return eth / Dot1Q(vlan=vlan) if vlan else eth


def arp_pair(host):
    """Who-has the router + an unsolicited is-at: the router learns the host."""
    _, _, mac, ip, gw = HOSTS[host]
    req = l2(host, BCAST) / ARP(op=1, hwsrc=mac, psrc=ip, pdst=gw)
    rep = l2(host, BCAST) / ARP(op=2, hwsrc=mac, psrc=ip, hwdst=BCAST, pdst=gw)
    return [req, rep]


class Case:
    """One crafted packet and what must become of it."""

    def __init__(self, name, src_host, ip_pkt, to_host=None, drop=None, answer=None,
                 raw_ip=None):
        self.name, self.src_host, self.ip_pkt = name, src_host, ip_pkt
        self.to_host, self.drop, self.answer, self.raw_ip = to_host, drop, answer, raw_ip


def cases():
    def icmp(src, dst, ttl=64, ident=1):
        return IP(src=src, dst=dst, ttl=ttl, id=ident) / ICMP(id=ident, seq=1) / (b"sluice" * 4)

    c = [
        Case("leaked a -> dns", "a", icmp("10.1.0.10", "10.100.0.10", ident=11), to_host="dns"),
        Case("leaked a -> internet (default via INTERNET)", "a",
             IP(src="10.1.0.10", dst="198.51.100.1", id=12) / UDP(sport=5353, dport=53) /
             (b"q" * 20), to_host="up"),
        Case("a -> b follows a's internet default", "a",
             icmp("10.1.0.10", "10.2.0.10", ident=13), to_host="up"),
        Case("leaked b -> ntp", "b", icmp("10.2.0.10", "10.100.0.20", ident=14), to_host="ntp"),
        Case("leaked dns -> a", "dns", icmp("10.100.0.10", "10.1.0.10", ident=15), to_host="a"),
        Case("leaked dns -> b", "dns", icmp("10.100.0.10", "10.2.0.10", ident=16), to_host="b"),
        Case("VLAN 200 site -> dns (tag popped)", "a200",
             icmp("10.1.200.10", "10.100.0.10", ident=17), to_host="dns"),
        Case("dns -> VLAN 200 site (tag pushed)", "dns",
             icmp("10.100.0.10", "10.1.200.10", ident=18), to_host="a200"),
        Case("internet -> a", "up", icmp("198.51.100.1", "10.1.0.10", ident=19), to_host="a"),
        Case("mgmt -> b (one-way leak)", "mgmt", icmp("10.99.0.10", "10.2.0.10", ident=20),
             to_host="b"),
        Case("isolated b -> internet", "b", icmp("10.2.0.10", "198.51.100.1", ident=21),
             drop="no_route", answer=(3, "10.2.0.1")),
        # INTERNET's own default route sends this back upstream (hairpin).
        Case("internet -> b goes back upstream", "up",
             icmp("198.51.100.1", "10.2.0.10", ident=22), to_host="up"),
        Case("isolated mgmt -> dns", "mgmt", icmp("10.99.0.10", "10.100.0.10", ident=28),
             drop="no_route", answer=(3, "10.99.0.1")),
        Case("TTL 1", "a", icmp("10.1.0.10", "10.100.0.10", ttl=1, ident=23),
             drop="ttl_expired", answer=(11, "10.1.0.1")),
        Case("echo to the router", "a", icmp("10.1.0.10", "10.1.0.1", ident=24),
             answer=(0, "10.1.0.1")),
        # Another VRF's router address through a leak: no VRF here answers
        # across leaks (`ip answer-across-leaks`), so no reply (issue 12).
        Case("echo to SHARED's router address through the leak", "a",
             icmp("10.1.0.10", "10.100.0.1", ident=29), drop="local_leak"),
        Case("echo from the internet to CUSTOMER-A's router address", "up",
             icmp("198.51.100.1", "10.1.0.1", ident=30), drop="local_leak"),
    ]
    bad_sum = IP(src="10.1.0.10", dst="10.100.0.10", id=25, chksum=0x1234) / ICMP() / (b"x" * 8)
    c.append(Case("bad checksum", "a", None, drop="bad_checksum", raw_ip=bytes(bad_sum)))
    trunc = bytearray(bytes(IP(src="10.1.0.10", dst="10.100.0.10", id=26, len=200) / ICMP()))
    c.append(Case("truncated (total length 200, 28 bytes sent)", "a", None, drop="truncated",
                  raw_ip=bytes(trunc)))
    ihl4 = bytearray(bytes(IP(src="10.1.0.10", dst="10.100.0.10", id=27) / ICMP() / (b"y" * 8)))
    ihl4[0] = 0x44
    ihl4[10:12] = b"\0\0"
    csum = sum((ihl4[i] << 8) + ihl4[i + 1] for i in range(0, 16, 2))  # 16 bytes: IHL 4
    csum = (csum & 0xFFFF) + (csum >> 16)
    csum = ~((csum & 0xFFFF) + (csum >> 16)) & 0xFFFF
    ihl4[10:12] = csum.to_bytes(2, "big")
    c.append(Case("IHL 4", "a", None, drop="bad_header", raw_ip=bytes(ihl4)))
    return c


def frame(case):
    eth = l2(case.src_host, ROUTER_MAC[HOSTS[case.src_host][0]])
    return eth / (IP(case.raw_ip) if case.raw_ip else case.ip_pkt)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def counters(sock):
    """The datapath's drop counters (`show dataplane`, summed over lcores)."""
    r = run([SLUICECTL, "-s", sock, "--json", "show", "dataplane"])
    try:
        return Counter(json.loads(r.stdout).get("dropped", {})), r.stdout
    except ValueError:
        return Counter(), r.stdout + r.stderr


def main():
    # meson's timeout sends SIGTERM: unwind through the finally that stops sluiced.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    work = tempfile.mkdtemp(prefix="sluice-dts-pcap-")
    prefix = f"sl-dts-pcap-{os.getpid()}"
    sock = os.path.join(work, "sluiced.sock")
    all_cases = cases()
    inputs = {p: [] for p in range(NPORTS)}
    for host in HOSTS:
        inputs[HOSTS[host][0]] += arp_pair(host)
    # The worker polls each port once per round, a burst at a time, and the
    # pcaps are read at once. Fill every port's first burst with its ARP
    # frames and non-IPv4 filler (dropped, counted), so that every host is
    # announced before any data frame is read: a data frame to a host whose
    # ARP was still unread would be punted unresolved, the host marked
    # pending, and a second frame to it dropped as neigh_pending (by design).
    fillers = 0
    for p in range(NPORTS):
        while len(inputs[p]) < BURST:
            inputs[p].append(Ether(src=HOSTS[PORT_HOST[p]][2], dst="33:33:00:00:00:01") /
                             IPv6(src="fe80::1", dst="ff02::1") / UDP() / b"fill")
            fillers += 1
    for case in all_cases:
        inputs[HOSTS[case.src_host][0]].append(frame(case))
    # Non-IPv4 and an unconfigured VLAN, on CUSTOMER-A's port.
    inputs[1].append(Ether(src=HOSTS["a"][2], dst="33:33:00:00:00:01") /
                     IPv6(src="fe80::1", dst="ff02::1") / UDP() / b"v6")
    inputs[1].append(Ether(src=HOSTS["a"][2], dst=BCAST) / Dot1Q(vlan=999) /
                     IP(src="10.1.0.10", dst="10.100.0.10") / ICMP())
    expect_drops = Counter(c.drop for c in all_cases if c.drop)
    expect_drops.update({"not_ipv4": 1 + fillers, "no_iface": 1})

    vdevs = []
    for p in range(NPORTS):
        wrpcap(os.path.join(work, f"in{p}.pcap"), inputs[p])
        # Two tx queues (one per tx_pcap): the worker's and the slow path's.
        vdevs += ["--vdev", f"net_pcap{p},rx_pcap={work}/in{p}.pcap,tx_pcap={work}/out{p}.pcap,"
                  f"tx_pcap={work}/out{p}-slow.pcap"]
    mem = ["--no-huge", "-m", "1536", "--no-pci"]
    log = open(os.path.join(work, "sluiced.log"), "w")
    proc = subprocess.Popen([SLUICED, "-l", "0,1", *mem, "--file-prefix", prefix, *vdevs, "--",
                             "--config", CONFIG, "--socket", sock,
                             "--commit-dir", os.path.join(work, "commits")],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    failures = []

    def fail(msg):
        failures.append(msg)
        print("FAIL:", msg)

    def ok(msg):
        print("PASS:", msg)

    try:
        for _ in range(120):
            if proc.poll() is not None or os.path.exists(sock):
                break
            time.sleep(0.25)
        if proc.poll() is not None or not os.path.exists(sock):
            fail("sluiced did not start")
            return 1
        time.sleep(4)  # the pcaps are read at once; leave time for ARP and punts
        drops, shown = counters(sock)
        for name in sorted(set(expect_drops) | set(k for k, v in drops.items() if v)):
            want, got = expect_drops.get(name, 0), drops.get(name, 0)
            (ok if want == got else fail)(f"drop counter {name} = {got} (want {want})")
        if not drops:
            print("  no drop counters in `show dataplane`:\n" + shown[:2000])
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            fail("sluiced ignored SIGTERM for 15 s")
        log.close()
        for f in os.listdir("/dev/hugepages") if os.path.isdir("/dev/hugepages") else []:
            if f.startswith(prefix):
                os.unlink(os.path.join("/dev/hugepages", f))

    outs = {}
    for p in range(NPORTS):
        outs[p] = []
        for name in (f"out{p}.pcap", f"out{p}-slow.pcap"):
            path = os.path.join(work, name)
            if os.path.exists(path) and os.path.getsize(path) > 24:
                outs[p] += list(rdpcap(path))

    for host, (port, vlan, mac, ip, gw) in HOSTS.items():
        answered = any(ARP in f and f[ARP].op == 2 and f[ARP].psrc == gw and f[ARP].pdst == ip
                       and f[ARP].hwsrc == ROUTER_MAC[port] and (Dot1Q in f) == bool(vlan)
                       for f in outs[port])
        (ok if answered else fail)(f"ARP reply for {gw} to {host} on port {port}"
                                   + (f" VLAN {vlan}" if vlan else ""))

    def ip_bytes(f):
        ip = f[IP]
        return bytes(ip)[: ip.len]

    def key(f):
        tag = f[Dot1Q].vlan if Dot1Q in f else 0
        return (f[Ether].src, f[Ether].dst, tag, ip_bytes(f))

    for p in range(NPORTS):
        expected = []
        for case in all_cases:
            if case.to_host is None or HOSTS[case.to_host][0] != p:
                continue
            ip = IP(bytes(case.ip_pkt))
            ip.ttl -= 1
            del ip.chksum
            eth = l2(case.to_host, HOSTS[case.to_host][2])
            eth.src = ROUTER_MAC[p]
            expected.append((case.name, eth / IP(bytes(ip))))
        if expected:
            wrpcap(os.path.join(work, f"expected{p}.pcap"), [f for _, f in expected])
        # Forwarded = every IPv4 frame the router did not originate.
        got = Counter(key(f) for f in outs[p] if IP in f and f[IP].src not in ROUTER_IPS)
        want = Counter(key(f) for _, f in expected)
        for name, f in expected:
            (ok if got[key(f)] > 0 else fail)(f"port {p}: forwarded '{name}' exactly")
        extra = got - want
        if extra:
            fail(f"port {p}: {sum(extra.values())} unexpected forwarded IPv4 frame(s)")
            for k in extra:
                print("   ", IP(k[3]).summary(), "vlan", k[2])

    # The router's own answers: type, source, sent back toward the sender.
    for case in all_cases:
        if case.answer is None:
            continue
        icmp_type, src = case.answer
        port = HOSTS[case.src_host][0]
        hit = [f for f in outs[port] if IP in f and ICMP in f and f[ICMP].type == icmp_type
               and f[IP].src == src and f[IP].dst == case.ip_pkt[IP].src]
        (ok if hit else fail)(f"'{case.name}': ICMP type {icmp_type} from {src} on port {port}")
        if hit and icmp_type in (3, 11):
            good = IPerror in hit[0] and hit[0][IPerror].id == case.ip_pkt[IP].id
            (ok if good else fail)(f"'{case.name}': the ICMP error quotes the dropped header")

    print(f"run directory: {work}")
    print(f"{len(failures)} failure(s)")
    if not failures:
        subprocess.run(["rm", "-rf", work])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
