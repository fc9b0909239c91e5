#!/usr/bin/python3
"""Deterministic inputs for the forwarding benchmark (scripts/bench.sh).

    gen-bench.py --out DIR --scenario {base,srcval,leak,fw,vrfs,scale} [--routes N] [--vrfs V]
                 [--leak-pct P] [--packets K] [--seed S] [--fw-rules R] [--fw-stateful]
                 [--fw-nat]
                 [--internet-routes N]

writes into DIR:
  sluiced.conf  the router configuration (VyOS `set` lines) for sluiced on ONE
                port (eth0 = DPDK port 0, a net_pcap port)
  routes.txt    `VRF-INDEX PREFIX/LEN` per line, the FIB the packets are
                looked up in (read by sluice-bench-lpm, the lookup floor)
  traffic.pcap  K frames of 64 bytes (Ethernet + IPv4 + UDP; 802.1Q-tagged
                in the vrfs scenario) whose destinations all hit a route,
                preceded by one ARP request per gateway (the gateways announce
                themselves, so sluiced learns their MACs from the replayed pcap)
  info.json     what was generated (counts, prefix-length histogram, tbl8 groups)

Scenarios:
  base   1 VRF (BENCH) x N routes (default 1,000,000), BGP-like lengths
  srcval base (the same routes, the same destinations) with each packet's
         source a random host of BENCH's routes instead of 10.0.0.254: source
         validation looks up a random address of the full table (every source
         routes back out eth0, so strict validation passes them all)
  leak   base + VRF PEER on eth0 vif 100 with its own routes inside
         100.64.0.0/10, leaked into BENCH by one static interface leak;
         P % (default 30) of the packets go to PEER's routes (second lookup)
  fw     leak (the same routes and the same pcap, byte for byte) + an R-rule
         (default 100) VyOS firewall ruleset BENCH-TO-PEER bound on the leaked
         direction (`set vrf name BENCH leak-firewall to PEER name BENCH-TO-PEER`):
         R - 1 rules that the benchmark packets do not match (other protocols,
         sources, ports, ICMP types), in a random order, and the last rule
         (number 10 x R) that accepts them (UDP to 100.64.0.0/10 port 9);
         default-action drop. Every leaked packet is classified against the whole
         ruleset and forwarded. Without state rules the pair is not tracked;
         --fw-stateful prepends rule 1 `state established` + `state related`
         accept (a stateful ruleset: every leaked packet also pays conntrack);
         --fw-nat adds source NAT on the same direction
         (`set vrf name BENCH leak-nat to PEER source translation address
         198.51.100.0/24`): every leaked packet is also translated
  vrfs   V VRFs (default 64) on vifs 10.. of eth0, N routes each (default 16,000)
  scale  the provider edge (issue 10): INTERNET (untagged eth0) with
         --internet-routes routes (default 1,000,000) and a default route, and
         V tenant VRFs (--vrfs, default 1,024) of N routes each (default 1,000),
         tenant i on its own vif (VLAN 10 + i % 4000 of eth(i // 4000): past
         4,000 tenants on a second port), with INTERNET's default leaked in
         (`static route 0.0.0.0/0 interface eth0 vrf INTERNET`: a second
         lookup in the full table). Packets of random tenants, P % (default
         30) to INTERNET's routes through the leaked default, the rest to the
         tenant's own routes; 16,384 frames, or 16 per ARP frame when there
         are more than 2,048 gateways.

Only the Python standard library; the same arguments give the same bytes.
"""
import argparse
import ipaddress
import json
import os
import random
import struct
import sys

ETH_MAC_GW = "02:00:00:%02x:%02x:%02x"  # gateway MACs: vrf index (2 bytes), gateway index
ROUTER_MAC = "02:70:63:61:70:00"      # net_pcap's port 0 MAC ("\x02pcap" + 0)
SRC_IP = 0x0A0000FE                  # 10.0.0.254: every packet's source
PEER_NET = 0x64400000                # 100.64.0.0/10: PEER's address space
PEER_LEN = 10
VIF_BASE = 10                        # vrfs scenario: VLAN of VRF i = 10 + i
LEAK_VLAN = 100
GATEWAYS = 4                         # base: next hops the routes are spread over


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def excluded(addr):
    """Space kept out of the generated tables (private, CGN, loopback, ...)."""
    first = addr >> 24
    return (first in (0, 10, 127) or first >= 224 or
            (addr >> (32 - PEER_LEN)) == (PEER_NET >> (32 - PEER_LEN)))


def prefix_len(rng):
    """BGP-like mix: 65 % /24, 25 % /16-/23, 5 % /8-/15, 5 % longer than /24."""
    r = rng.random()
    if r < 0.65:
        return 24
    if r < 0.90:
        return rng.randint(16, 23)
    if r < 0.95:
        return rng.randint(8, 15)
    return rng.choice((25, 26, 27, 28, 29, 30, 32))


def gen_routes(rng, n, space=None):
    """n distinct (addr, len) prefixes; inside space=(net, len) when given."""
    seen = set()
    out = []
    while len(out) < n:
        ln = prefix_len(rng)
        if space is not None:
            net, sl = space
            ln = max(ln, sl + 2)
            addr = net | rng.getrandbits(32 - sl)
        else:
            addr = rng.getrandbits(32)
            if excluded(addr):
                continue
        addr &= (0xFFFFFFFF << (32 - ln)) & 0xFFFFFFFF
        if (addr, ln) in seen:
            continue
        seen.add((addr, ln))
        out.append((addr, ln))
    return out


def tbl8_groups(routes):
    """rte_lpm tbl8 groups the routes longer than /24 need (one per /24)."""
    return len({a >> 8 for a, ln in routes if ln > 24})


def contains(addr, ln, ip):
    return (ip ^ addr) >> (32 - ln) == 0 if ln else True


def ip_str(a):
    return str(ipaddress.IPv4Address(a))


def csum16(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame_udp(dst_mac, src_mac, vlan, src, dst, ident, size=64):
    l2 = dst_mac + src_mac
    if vlan:
        l2 += struct.pack("!HH", 0x8100, vlan)
    l2 += struct.pack("!H", 0x0800)
    ip_len = size - len(l2)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, ident & 0xFFFF, 0, 64, 17, 0,
                     struct.pack("!I", src), struct.pack("!I", dst))
    ip = ip[:10] + struct.pack("!H", csum16(ip)) + ip[12:]
    udp_len = ip_len - 20
    udp = struct.pack("!HHHH", 1024 + (ident & 0x3FF), 9, udp_len, 0)
    return l2 + ip + udp + bytes(udp_len - 8)


def frame_arp_request(src_mac, vlan, sip, tip, size=64):
    """Who-has tip tell sip: the router learns sip's MAC (it owns tip)."""
    l2 = b"\xff" * 6 + src_mac
    if vlan:
        l2 += struct.pack("!HH", 0x8100, vlan)
    l2 += struct.pack("!H", 0x0806)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src_mac, struct.pack("!I", sip),
                      b"\0" * 6, struct.pack("!I", tip))
    f = l2 + arp
    return f + bytes(max(0, size - len(f)))


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(fr), len(fr)))
            f.write(fr)


def host_in(rng, addr, ln):
    """A destination inside addr/ln (not the network address for short prefixes)."""
    if ln >= 31:
        return addr | rng.getrandbits(32 - ln) if ln == 31 else addr
    return addr | rng.randint(1, (1 << (32 - ln)) - 2)


class Vrf:
    def __init__(self, name, table, vlan, net, routes, n_gw, port=0):
        self.name, self.table, self.vlan, self.port = name, table, vlan, port
        self.net = net  # the interface's /24: router .1, gateways .2 ..
        self.routes = routes
        self.gws = [net + 2 + i for i in range(n_gw)]

    @property
    def ifname(self):
        return "eth%d.%d" % (self.port, self.vlan) if self.vlan else "eth%d" % self.port


def config_lines(vrfs, leak):
    out = ["# generated by scripts/gen-bench.py: do not edit"]
    for v in vrfs:
        out.append("set vrf name %s table %d" % (v.name, v.table))
    for v in vrfs:
        base = ("set interfaces ethernet eth%d vif %d" % (v.port, v.vlan) if v.vlan
                else "set interfaces ethernet eth%d" % v.port)
        out.append("%s vrf %s" % (base, v.name))
        out.append("%s address %s/24" % (base, ip_str(v.net + 1)))
        # a named VRF validates sources strictly by default; the benchmark
        # turns it off everywhere, as l3fwd has no such check: scenario
        # srcval measures its cost by turning it on (bench_fwd.py)
        out.append("%s ip source-validation disable" % base)
    for v in vrfs:
        pre = "set vrf name %s protocols static route" % v.name
        for i, (a, ln) in enumerate(v.routes):
            out.append("%s %s/%d next-hop %s" % (pre, ip_str(a), ln, ip_str(v.gws[i % len(v.gws)])))
    if leak == "scale":  # INTERNET's default, leaked into every tenant
        inet = vrfs[0]
        out.append("set vrf name %s protocols static route 0.0.0.0/0 next-hop %s" % (
            inet.name, ip_str(inet.gws[0])))
        for v in vrfs[1:]:
            out.append("set vrf name %s protocols static route 0.0.0.0/0 interface %s vrf %s" % (
                v.name, inet.ifname, inet.name))
    elif leak is not None:
        frm, to = leak
        out.append("set vrf name %s protocols static route %s/%d interface %s vrf %s" % (
            frm.name, ip_str(PEER_NET), PEER_LEN, to.ifname, to.name))
    return out


FW_RULESET = "BENCH-TO-PEER"
FW_MATCH_PORT = 9  # the benchmark packets' UDP destination port (frame_udp)
FW_NAT_POOL = "198.51.100.0/24"  # --fw-nat's leak-nat pool


def fw_rules(rng, n_rules, stateful):
    """A realistic leak-point ruleset: n_rules - 1 rules that do not match the
    benchmark packets (UDP from 10.0.0.254, ports 1024-2047 -> 100.64.0.0/10
    port 9), then the one that accepts them. Returns `set` lines."""
    pre = "set firewall ipv4 name %s" % FW_RULESET
    out = ["%s default-action drop" % pre]
    if stateful:
        out += ["%s rule 1 action accept" % pre, "%s rule 1 state established" % pre,
                "%s rule 1 state related" % pre]
    services_tcp = (22, 25, 80, 110, 143, 443, 465, 587, 993, 995, 3306, 5432, 6379, 8080, 8443)
    services_udp = (53, 67, 69, 123, 161, 162, 500, 514, 1812, 4500, 5060)
    # sources that never hold 10.0.0.254: other customers, bogons, documentation space
    other_src = ("192.168.%d.0/24", "172.16.%d.0/24", "198.51.100.%d/32", "203.0.113.%d/32",
                 "10.%d.0.0/16")
    for k in range(1, n_rules):
        num = 10 * k
        r = "%s rule %d" % (pre, num)
        kind = rng.choice(("tcp", "tcp", "tcp", "udp", "udp", "icmp", "proto", "src"))
        dst = "100.%d.%d.0/24" % (rng.randint(64, 127), rng.randrange(256))
        if kind == "tcp":
            out += ["%s action %s" % (r, rng.choice(("accept", "accept", "drop", "reject"))),
                    "%s protocol tcp" % r, "%s destination address %s" % (r, dst)]
            if rng.random() < 0.3:
                out.append("%s destination port %s" % (r, ",".join(
                    str(p) for p in rng.sample(services_tcp, rng.randint(2, 4)))))
            else:
                out.append("%s destination port %d" % (r, rng.choice(services_tcp)))
        elif kind == "udp":
            # UDP, but never towards port 9, or from a source port outside 1024-2047
            out += ["%s action %s" % (r, rng.choice(("accept", "drop"))), "%s protocol udp" % r]
            if rng.random() < 0.5:
                out.append("%s destination port %d" % (r, rng.choice(services_udp)))
                out.append("%s destination address %s" % (r, dst))
            else:
                lo = rng.randint(10, 60000)
                out.append("%s destination port %d-%d" % (r, lo, lo + rng.randint(0, 500)))
                out.append("%s source port %d" % (r, rng.choice((53, 123, 500, 4500))))
        elif kind == "icmp":
            out += ["%s action %s" % (r, rng.choice(("accept", "drop"))),
                    "%s protocol icmp" % r,
                    "%s icmp type %d" % (r, rng.choice((0, 3, 8, 11, 13)))]
            if rng.random() < 0.5:
                out.append("%s destination address %s" % (r, dst))
        elif kind == "proto":
            out += ["%s action drop" % r,
                    "%s protocol %d" % (r, rng.choice((2, 41, 47, 50, 51, 89, 132)))]
        else:  # any protocol from somewhere else
            out += ["%s action %s" % (r, rng.choice(("drop", "reject"))),
                    "%s source address %s" % (r, rng.choice(other_src) % rng.randint(1, 254))]
    r = "%s rule %d" % (pre, 10 * n_rules)
    out += ["%s action accept" % r, "%s protocol udp" % r,
            "%s destination address %s/%d" % (r, ip_str(PEER_NET), PEER_LEN),
            "%s destination port %d" % (r, FW_MATCH_PORT),
            "set vrf name BENCH leak-firewall to PEER name %s" % FW_RULESET]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", choices=("base", "srcval", "leak", "fw", "vrfs", "scale"), required=True)
    ap.add_argument("--routes", type=int)
    ap.add_argument("--vrfs", type=int)
    ap.add_argument("--internet-routes", type=int, default=1000000)
    ap.add_argument("--leak-pct", type=float, default=30.0)
    ap.add_argument("--peer-routes", type=int, default=16000)
    ap.add_argument("--packets", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fw-rules", type=int, default=100)
    ap.add_argument("--fw-stateful", action="store_true")
    ap.add_argument("--fw-nat", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    vrfs, leak = [], None
    leaky = a.scenario in ("leak", "fw")
    if a.scenario in ("base", "srcval", "leak", "fw"):
        n = a.routes if a.routes is not None else 1000000
        vrfs.append(Vrf("BENCH", 100, 0, 0x0A000000, gen_routes(rng, n), GATEWAYS))
        if leaky:
            peer = Vrf("PEER", 101, LEAK_VLAN, 0x0A010000,
                       gen_routes(rng, a.peer_routes, (PEER_NET, PEER_LEN)), 1)
            vrfs.append(peer)
            leak = (vrfs[0], peer)
    elif a.scenario == "scale":
        n = a.routes if a.routes is not None else 1000
        a.vrfs = a.vrfs if a.vrfs is not None else 1024
        if not 1 <= a.vrfs <= 8000:
            sys.exit("gen-bench.py: --vrfs must be in [1, 8000] for scale")
        vrfs.append(Vrf("INTERNET", 100, 0, 0x0A000000, gen_routes(rng, a.internet_routes),
                        GATEWAYS))
        for i in range(a.vrfs):
            # tenant i's vif network: 10.2.0.0/24 + i (up to 10.33.63.0 at 8,000)
            vrfs.append(Vrf("C%04d" % (i + 1), 1000 + i, VIF_BASE + i % 4000,
                            0x0A020000 + (i << 8), gen_routes(rng, n), 1, port=i // 4000))
        leak = "scale"
    else:
        n = a.routes if a.routes is not None else 16000
        a.vrfs = a.vrfs if a.vrfs is not None else 64
        if not 1 <= a.vrfs <= 200:
            sys.exit("gen-bench.py: --vrfs must be in [1, 200]")
        for i in range(a.vrfs):
            vrfs.append(Vrf("V%03d" % i, 1000 + i, VIF_BASE + i, 0x0A020000 + (i << 8),
                            gen_routes(rng, n), 1))

    with open(os.path.join(a.out, "sluiced.conf"), "w") as f:
        lines = config_lines(vrfs, leak)
        if a.scenario == "fw":
            if a.fw_rules < 1:
                sys.exit("gen-bench.py: --fw-rules must be at least 1")
            # its own generator: the routes and the pcap stay identical to leak's
            lines += fw_rules(random.Random(a.seed * 1000003 + 4), a.fw_rules, a.fw_stateful)
            if a.fw_nat:  # TEST-NET-2: outside BENCH's leak and PEER's space
                lines.append("set vrf name BENCH leak-nat to PEER source translation address %s"
                             % FW_NAT_POOL)
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(a.out, "routes.txt"), "w") as f:
        for vi, v in enumerate(vrfs):
            for addr, ln in v.routes:
                f.write("%d %s/%d\n" % (vi, ip_str(addr), ln))

    router = mac_bytes(ROUTER_MAC)
    frames = []
    for vi, v in enumerate(vrfs):
        if v.port != 0:  # the pcap is replayed on port 0 only
            continue
        for gi, gw in enumerate(v.gws):
            mac = mac_bytes(ETH_MAC_GW % (vi >> 8, vi & 0xFF, gi))
            frames.append(frame_arp_request(mac, v.vlan, gw, v.net + 1))
    n_arp = len(frames)
    if a.packets is None:  # scale: ARPs at most 1/8 of the frames (the slow path answers them)
        a.packets = (16384 if n_arp * 8 <= 16384 else 16 * n_arp) if a.scenario == "scale" else 4096
    if a.packets <= n_arp:
        sys.exit("gen-bench.py: --packets must exceed the %d ARP frames" % n_arp)
    leaked = 0
    # srcval: base's destinations (the same rng draws), each packet from a
    # random host of BENCH's routes (its own generator), so that source
    # validation looks up a random address of the full table, as it would
    # for real traffic; every source routes back out eth0: strict passes
    srng = random.Random(a.seed * 1000003 + 7)
    for i in range(a.packets - n_arp):
        if leaky and rng.random() * 100 < a.leak_pct:
            v, ingress = vrfs[1], vrfs[0]
            leaked += 1
        elif a.scenario == "scale":
            ingress = vrfs[1 + rng.randrange(min(len(vrfs) - 1, 4000))]
            v = ingress
            if rng.random() * 100 < a.leak_pct:
                v = vrfs[0]  # through the leaked default: looked up again in INTERNET
                leaked += 1
        elif a.scenario == "vrfs":
            v = ingress = vrfs[rng.randrange(len(vrfs))]
        else:
            v = ingress = vrfs[0]
        addr, ln = v.routes[rng.randrange(len(v.routes))]
        dst = host_in(rng, addr, ln)
        # scale: a tenant's own routes may hold the INTERNET address (the leak
        # is only its default); the other scenarios leak by a longer prefix
        if (a.scenario == "scale" and v is not ingress
                and any(contains(ta, tl, dst) for ta, tl in ingress.routes)):
            dst = None  # the tenant's own routes would catch it: not a leaked packet
        if dst is None:
            leaked -= 1
            addr, ln = ingress.routes[rng.randrange(len(ingress.routes))]
            dst = host_in(rng, addr, ln)
        src = SRC_IP
        if a.scenario == "srcval":
            src = host_in(srng, *vrfs[0].routes[srng.randrange(len(vrfs[0].routes))])
        frames.append(frame_udp(router, mac_bytes("02:00:00:00:ff:fe"), ingress.vlan, src,
                                dst, i))
    write_pcap(os.path.join(a.out, "traffic.pcap"), frames)

    hist = {}
    for v in vrfs:
        for _, ln in v.routes:
            hist[ln] = hist.get(ln, 0) + 1
    info = {
        "scenario": a.scenario, "seed": a.seed, "vrfs": len(vrfs),
        "ports": 1 + max(v.port for v in vrfs),
        "routes_per_vrf": [len(v.routes) for v in vrfs],
        "routes_total": sum(len(v.routes) for v in vrfs),
        "tbl8_groups_max": max(tbl8_groups(v.routes) for v in vrfs),
        "prefix_lengths": {str(k): hist[k] for k in sorted(hist)},
        "packets": len(frames), "arp_frames": n_arp, "leaked_packets": leaked,
        "frame_bytes": 64,
    }
    if a.scenario == "fw":
        info["firewall"] = {"ruleset": FW_RULESET, "rules": a.fw_rules + (1 if a.fw_stateful else 0),
                            "matching_rule": 10 * a.fw_rules, "stateful": a.fw_stateful,
                            "binding": "BENCH -> PEER",
                            "nat_pool": FW_NAT_POOL if a.fw_nat else None}
    with open(os.path.join(a.out, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
