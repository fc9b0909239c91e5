#!/usr/bin/python3
"""dts/fpm.sh's FPM client: plays zebra (dplane_fpm_nl) against sluiced.

Usage: fpm_peer.py PORT SLUICECTL SOCKET NETNS_A NETNS_INET [SHOW_FPM_OUT]

Frames are built as FRR 8.4 writes them: a 4-byte FPM header, then netlink
RTM_NEWROUTE/RTM_DELROUTE (inline gateway, RTA_MULTIPATH, RTA_NH_ID) and
RTM_NEWNEXTHOP messages. Prints PASS/FAIL per check; exits 1 on a failure.
"""
import json
import socket
import struct
import subprocess
import sys
import time

PORT, SLUICECTL, SOCK, NS_A, NS_INET = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], \
    sys.argv[5]
RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWNEXTHOP, RTM_NEWLINK = 24, 25, 104, 16
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_MULTIPATH, RTA_TABLE, RTA_NH_ID = 1, 4, 5, 9, 15, 30
NHA_ID, NHA_GROUP, NHA_GATEWAY = 1, 2, 6
RTN_UNICAST, RTN_BLACKHOLE = 1, 6
BGP, ZSTATIC = 186, 196
INTERNET, MGMT = 30, 99  # demo-shared-services tables
N = 10000
fails = 0


def check(what, ok, detail=""):
    global fails
    print(("PASS: " if ok else "FAIL: ") + what + ("" if ok else "  | " + str(detail)[:300]))
    if not ok:
        fails += 1


def rta(t, d):
    n = 4 + len(d)
    return struct.pack("=HH", n, t) + d + b"\0" * ((-n) % 4)


def nlmsg(t, body):
    return struct.pack("=IHHII", 16 + len(body), t, 0, 0, 0) + body


def frame(*msgs):
    p = b"".join(msgs)
    return struct.pack("!BBH", 1, 1, 4 + len(p)) + p


def ip(s):
    return socket.inet_aton(s)


def route(table, prefix, gws=(), rtype=RTN_UNICAST, proto=BGP, nh_id=0, add=True):
    addr, plen = prefix.split("/")
    body = struct.pack("=BBBBBBBBI", 2, int(plen), 0, 0, table if table < 256 else 0, proto,
                       0, rtype, 0)
    if table >= 256:
        body += rta(RTA_TABLE, struct.pack("=I", table))
    body += rta(RTA_DST, ip(addr))
    if nh_id:
        body += rta(RTA_NH_ID, struct.pack("=I", nh_id))
    elif len(gws) == 1:
        body += rta(RTA_GATEWAY, ip(gws[0])) + rta(RTA_OIF, struct.pack("=I", 7))
    elif len(gws) > 1:
        hops = b""
        for g in gws:
            a = rta(RTA_GATEWAY, ip(g))
            hops += struct.pack("=HBBi", 8 + len(a), 0, 0, 7) + a
        body += rta(RTA_MULTIPATH, hops)
    return nlmsg(RTM_NEWROUTE if add else RTM_DELROUTE, body)


def nexthop(nh_id, gw=None, group=()):
    body = struct.pack("=BBBBI", 0 if group else 2, 0, 0, 0, 0) + rta(NHA_ID, struct.pack("=I", nh_id))
    if group:
        body += rta(NHA_GROUP, b"".join(struct.pack("=IBBH", g, 0, 0, 0) for g in group))
    else:
        body += rta(NHA_GATEWAY, ip(gw))
    return nlmsg(RTM_NEWNEXTHOP, body)


def bulk(n):
    """n /24s in 100.64.0.0/10 via the upstream, one route per frame (as zebra does)."""
    return b"".join(frame(route(INTERNET, "100.%d.%d.0/24" % (64 + i // 256, i % 256),
                                ["203.0.113.1"])) for i in range(n))


def ctl(*args):
    return subprocess.run([SLUICECTL, "-s", SOCK] + list(args), capture_output=True, text=True)


def fpm():
    return json.loads(ctl("--json", "show", "fpm").stdout)


def b_routes(vrf="INTERNET"):
    out = ctl("show", "ip", "route", "vrf", vrf).stdout
    return sum(1 for line in out.splitlines() if line.startswith("B>*"))


def wait_for(pred, secs=10.0):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def ping_a(dst, ns=None):
    return subprocess.run(["ip", "netns", "exec", ns or NS_A, "ping", "-n", "-q", "-c", "2", "-i", "0.2",
                           "-W", "1", dst], capture_output=True).returncode == 0


def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    s.setblocking(True)
    return s


# ---- zebra connects and streams its table
z = connect()
check("connected", wait_for(lambda: fpm()["state"] == "connected"), fpm())
check("a reaches the internet host through INTERNET's static default", ping_a("198.51.100.1"))
t0 = time.time()
z.sendall(bulk(N))
ok = wait_for(lambda: b_routes() >= N, 30)
check("%d BGP routes installed in INTERNET (%.1f s)" % (N, time.time() - t0), ok, b_routes())
# INTERNET forwards by the BGP route: a blackhole more specific than the
# static leak 10.1.0.0/24 -> CUSTOMER-A stops the internet host's ping to a
check("the internet host reaches CUSTOMER-A's host", ping_a("10.1.0.10", NS_INET))
z.sendall(frame(route(INTERNET, "10.1.0.0/25", rtype=RTN_BLACKHOLE)))
check("a BGP blackhole for 10.1.0.0/25 is installed",
      wait_for(lambda: "B>* 10.1.0.0/25" in ctl("show", "ip", "route", "vrf", "INTERNET").stdout))
check("the internet host cannot reach 10.1.0.10 through the blackhole",
      not ping_a("10.1.0.10", NS_INET))
z.sendall(frame(route(INTERNET, "10.1.0.0/25", rtype=RTN_BLACKHOLE, add=False)))
check("withdrawn: it reaches 10.1.0.10 again", wait_for(lambda: ping_a("10.1.0.10", NS_INET), 5))

# multipath inline, and next-hop objects with a group
z.sendall(frame(route(INTERNET, "192.0.2.0/24", ["203.0.113.1", "203.0.113.3"])) +
          frame(nexthop(7, "203.0.113.1")) + frame(nexthop(8, "203.0.113.4")) +
          frame(nexthop(9, group=(7, 8))) + frame(route(INTERNET, "198.18.0.0/15", nh_id=9)) +
          frame(route(INTERNET, "198.20.0.0/16", nh_id=4242)))
show = ""


def has_paths():
    global show
    show = ctl("show", "ip", "route", "vrf", "INTERNET").stdout
    return "198.18.0.0/15" in show and "192.0.2.0/24" in show


check("multipath and next-hop-group routes installed", wait_for(has_paths), show)
lines = [line for line in show.splitlines() if "192.0.2.0/24" in line or "198.18.0.0/15" in line]
check("each lists its two paths", len(lines) == 2 and all(
    "203.0.113.1" in show.split(p)[1][:200] for p in ("192.0.2.0/24", "198.18.0.0/15")), show[:600])
st = fpm()
check("a route naming an unknown next-hop id is dropped and counted",
      st["dropped"]["unknown-next-hop-id"] == 1, st["dropped"])

# tables: MGMT's (99) is accepted, an unknown one refused; other protocols ignored
z.sendall(frame(route(MGMT, "172.16.0.0/12", ["10.99.0.5"])) +
          frame(route(12345, "172.16.0.0/12", ["10.99.0.5"])) +
          frame(route(INTERNET, "172.31.0.0/16", ["203.0.113.1"], proto=ZSTATIC)))
check("unknown table refused per route",
      wait_for(lambda: fpm()["results"]["unknown-table"] == 1), fpm()["results"])
check("a zebra static (protocol 196) is not taken", fpm()["dropped"]["protocol"] == 1, fpm()["dropped"])

# hostile clients: a second client is refused; garbage closes only its own connection
x = connect()
time.sleep(0.3)
check("a second client is refused while zebra is connected",
      wait_for(lambda: fpm()["state"] == "connected") and
      json.loads(ctl("--json", "show", "fpm").stdout)["connects"] == 1)
x.close()
z.sendall(frame(route(INTERNET, "203.0.113.0/25", ["203.0.113.1"])[:-6]) +  # lying length
          struct.pack("!BBH", 1, 1, 8) + b"\xff\xff\xff\xff")
check("malformed messages are counted, the connection stays",
      wait_for(lambda: fpm()["malformed"]["message-length"] >= 1) and fpm()["state"] == "connected",
      fpm()["malformed"])
z.sendall(b"\x07\x01\x00\x08garbage!" * 1000)
check("a bad frame header closes the connection",
      wait_for(lambda: fpm()["state"] == "listening"), fpm())
check("malformed frame header counted", fpm()["malformed"]["frame-header"] >= 1)
check("routes stay while zebra is away", b_routes() >= N)
check("a still reaches dns", ping_a("10.100.0.10"))
z.close()

# zebra comes back and replays half its table: the other half is swept
z = connect()
wait_for(lambda: fpm()["state"] == "connected")
z.sendall(bulk(N // 2))
ok = wait_for(lambda: b_routes() == N // 2, 20)
check("after a replay of %d routes and 3 s of quiet, the %d not replayed are swept"
      % (N // 2, N - N // 2), ok, (b_routes(), fpm()["swept"]))
z.close()

if len(sys.argv) > 6:  # where the suite shows it from
    with open(sys.argv[6], "w") as f:
        f.write(ctl("show", "fpm").stdout)
# deleting protocols fpm closes the listener and withdraws everything
r = subprocess.run([SLUICECTL, "-s", SOCK, "configure", "-"], input="delete protocols fpm\n",
                   capture_output=True, text=True)
check("delete protocols fpm", r.returncode == 0, r.stderr)
check("every FPM route withdrawn", wait_for(lambda: b_routes() == 0 and b_routes("MGMT") == 0),
      b_routes())
check("state disabled", fpm()["state"] == "disabled", fpm())
sys.exit(1 if fails else 0)
