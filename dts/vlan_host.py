#!/usr/bin/python3
"""A Linux host on an 802.1Q VLAN, played by scapy (the kernel here has no
8021q module): answers ARP and ICMP echo for its address on its VLAN and
pings through the router. Runs inside the namespace that holds the trunk tap.

  vlan_host.py IFACE VLAN IP/LEN GW ping DST [--ttl N] [--count N]
      exit 0 when DST answered (prints "reply from DST ttl=T"), 1 otherwise
      (prints an ICMP error if one came back)
  vlan_host.py IFACE VLAN IP/LEN GW serve SECONDS [--ready FILE]
      answer ARP and echo requests for SECONDS; FILE is created once the
      socket is open (scapy starts slowly on a loaded machine)
  vlan_host.py IFACE batch FILE
      one ping a line of FILE ("VLAN IP/LEN GW DST [--ttl N] [--count N]"),
      one after the other in this one process (scapy starts slowly); prints
      "K rc=R OUTPUT" for line K (from 1), exit 0
"""
import argparse
import sys
import time

from scapy.all import ARP, ICMP, IP, Dot1Q, Ether, conf, get_if_hwaddr  # noqa: E402

conf.verb = 0


class VlanHost:
    def __init__(self, iface, vlan, ip, gw):
        self.iface, self.vlan, self.ip, self.gw = iface, vlan, ip.split("/")[0], gw
        self.mac = get_if_hwaddr(iface)
        self.sock = conf.L2socket(iface=iface)
        self.gw_mac = None
        self.events = []

    def frame(self, dst_mac, payload):
        return Ether(src=self.mac, dst=dst_mac) / Dot1Q(vlan=self.vlan) / payload

    def handle(self, pkt):
        """Answer ARP/echo for us; return the packet when it is for us."""
        if Dot1Q not in pkt or pkt[Dot1Q].vlan != self.vlan:
            return None
        if ARP in pkt:
            a = pkt[ARP]
            if a.op == 1 and a.pdst == self.ip:
                self.sock.send(self.frame(a.hwsrc, ARP(op=2, hwsrc=self.mac, psrc=self.ip,
                                                       hwdst=a.hwsrc, pdst=a.psrc)))
            if a.psrc == self.gw:
                self.gw_mac = a.hwsrc
            return None
        if IP in pkt and pkt[IP].dst == self.ip:
            if ICMP in pkt and pkt[ICMP].type == 8:
                ip = pkt[IP]
                reply = IP(src=self.ip, dst=ip.src, ttl=64) / ICMP(
                    type=0, id=ip[ICMP].id, seq=ip[ICMP].seq) / bytes(ip[ICMP].payload)
                self.sock.send(self.frame(pkt[Ether].src, reply))
            return pkt
        return None

    def poll(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            pkt = self.sock.recv() if self.sock.select([self.sock], 0.05) else None
            if pkt is not None:
                got = self.handle(pkt)
                if got is not None:
                    yield got

    def resolve_gw(self):
        for _ in range(5):
            self.sock.send(self.frame("ff:ff:ff:ff:ff:ff", ARP(
                op=1, hwsrc=self.mac, psrc=self.ip, pdst=self.gw)))
            for _ in self.poll(0.5):
                pass
            if self.gw_mac:
                return True
        return False

    def ping(self, dst, ttl, count):
        if not self.resolve_gw():
            print(f"no ARP reply from the gateway {self.gw} on VLAN {self.vlan}")
            return 1
        for seq in range(1, count + 1):
            self.sock.send(self.frame(self.gw_mac, IP(src=self.ip, dst=dst, ttl=ttl) /
                                      ICMP(type=8, id=0x5117, seq=seq) / (b"sluice" * 8)))
            for pkt in self.poll(1.0):
                icmp = pkt[ICMP] if ICMP in pkt else None
                if icmp is None:
                    continue
                if icmp.type == 0 and icmp.id == 0x5117 and pkt[IP].src == dst:
                    print(f"reply from {dst} ttl={pkt[IP].ttl}")
                    return 0
                if icmp.type in (3, 11):
                    print(f"From {pkt[IP].src} icmp type {icmp.type} code {icmp.code}")
        return 1


def ping_args(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("vlan", type=int)
    ap.add_argument("ip")
    ap.add_argument("gw")
    ap.add_argument("dst")
    ap.add_argument("--ttl", type=int, default=64)
    ap.add_argument("--count", type=int, default=2)
    return ap.parse_args(argv)


def batch(iface, path):
    import contextlib
    import io
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    for k, words in enumerate(lines, 1):
        a = ping_args(words)
        out = io.StringIO()
        host = VlanHost(iface, a.vlan, a.ip, a.gw)
        with contextlib.redirect_stdout(out):
            rc = host.ping(a.dst, a.ttl, a.count)
        host.sock.close()
        print(f"{k} rc={rc} {out.getvalue().strip()}", flush=True)
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[2] == "batch":
        return batch(sys.argv[1], sys.argv[3])
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("vlan", type=int)
    ap.add_argument("ip")
    ap.add_argument("gw")
    ap.add_argument("mode", choices=["ping", "serve"])
    ap.add_argument("arg")
    ap.add_argument("--ttl", type=int, default=64)
    ap.add_argument("--count", type=int, default=2)
    ap.add_argument("--ready", help="serve: create this file once listening")
    a = ap.parse_args()
    host = VlanHost(a.iface, a.vlan, a.ip, a.gw)
    if a.mode == "ping":
        return host.ping(a.arg, a.ttl, a.count)
    if a.ready:
        open(a.ready, "w").close()
    for _ in host.poll(float(a.arg)):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
