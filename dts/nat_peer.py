#!/usr/bin/python3
"""Peers of the NAT suite (run inside a host's namespace): servers that log
the source each packet or connection came from, and clients that check the
answer is theirs.

  serve-udp ADDR PORT LOG      answer each datagram with b"re:" + data; append
                               "SRC:SPORT" to LOG for each
  serve-tcp ADDR PORT LOG      per connection: read a line, answer "re:" + line,
                               append "SRC:SPORT" to LOG
  udp ADDR PORT SPORT TOKEN N  N queries from SPORT carrying TOKEN; 0 when each
                               answer is b"re:" + its own query
  tcp ADDR PORT SPORT TOKEN    connect from SPORT, send TOKEN, 0 when the answer
                               is "re:" + TOKEN
  expect-refused ADDR PORT     0 when a datagram to a closed port is answered
                               by ICMP port unreachable (ECONNREFUSED)
  late-reply ADDR PORT DELAY OUT
                               take one datagram, answer it DELAY s later from
                               PORT (the client has closed its socket by then);
                               write "refused OUTER-SRC PEER:PORT" to OUT when an
                               ICMP port unreachable quoting the answer comes
                               back (OUTER-SRC: the error's source address;
                               PEER: where the datagram came from), else
                               "answered" or "timeout"; OUT.ready once bound
  send-close ADDR PORT SPORT   one datagram from SPORT, the socket closed at once
  icmp-send ADDR TYPE          one ICMP message of TYPE (code 0, id 7) to ADDR
"""
import errno
import socket
import struct
import time

from peer_util import expect_udp_error, main, udp_queries


def log(path, peer):
    with open(path, "a") as f:
        f.write(f"{peer[0]}:{peer[1]}\n")


def serve_udp(addr, port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    open(path, "a").close()
    while True:
        data, peer = s.recvfrom(2048)
        log(path, peer)
        s.sendto(b"re:" + data, peer)


def serve_tcp(addr, port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    open(path, "a").close()
    while True:
        c, peer = s.accept()
        c.settimeout(3.0)
        try:
            line = c.makefile("rb").readline()
            log(path, peer)
            c.sendall(b"re:" + line)
        except OSError:
            pass
        c.close()


def udp(addr, port, sport, token, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sport)))
    s.settimeout(1.0)
    got = udp_queries(s, addr, port, [f"{token}-{i}".encode() for i in range(int(n))])
    print(got)
    return 0 if got == int(n) else 1


def tcp(addr, port, sport, token):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sport)))
    s.settimeout(3.0)
    try:
        s.connect((addr, int(port)))
        s.sendall(token.encode() + b"\n")
        data = s.makefile("rb").readline()
    except OSError as e:
        print(e)
        return 1
    print(data.decode().strip())
    return 0 if data == b"re:" + token.encode() + b"\n" else 1


def expect_refused(addr, port):
    return expect_udp_error(addr, port, errno.ECONNREFUSED)


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def late_reply(addr, port, delay, out):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    open(out + ".ready", "w").close()
    _, peer = s.recvfrom(2048)
    time.sleep(float(delay))
    s.connect(peer)
    s.settimeout(3.0)
    result = "timeout"
    try:
        s.send(b"late")
        s.recv(2048)
        result = "answered"
    except socket.timeout:
        pass
    except OSError as e:
        if e.errno == errno.ECONNREFUSED:
            result = "refused"
    src = "?"
    raw.setblocking(False)
    while True:
        try:
            pkt, _ = raw.recvfrom(4096)
        except BlockingIOError:
            break
        ihl = (pkt[0] & 15) * 4
        icmp = pkt[ihl:]
        if len(icmp) < 36 or icmp[0] != 3 or cksum(icmp) != 0:
            continue
        inner = icmp[8:]
        iihl = (inner[0] & 15) * 4
        isrc = socket.inet_ntoa(inner[12:16])
        sport, dport = struct.unpack("!HH", inner[iihl : iihl + 4])
        if isrc == addr and sport == int(port) and dport == peer[1]:
            src = socket.inet_ntoa(pkt[12:16])
    with open(out, "w") as f:
        f.write(f"{result} {src} {peer[0]}:{peer[1]}\n")
    return 0


def send_close(addr, port, sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sport)))
    s.sendto(b"hello", (addr, int(port)))
    s.close()
    return 0


def icmp_send(addr, type_):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    body = struct.pack("!BBHHH", int(type_), 0, 0, 7, 1) + bytes(12)
    body = body[:2] + struct.pack("!H", cksum(body)) + body[4:]
    s.sendto(body, (addr, 0))
    return 0


CMDS = {
    "serve-udp": serve_udp,
    "serve-tcp": serve_tcp,
    "udp": udp,
    "tcp": tcp,
    "expect-refused": expect_refused,
    "late-reply": late_reply,
    "send-close": send_close,
    "icmp-send": icmp_send,
}

if __name__ == "__main__":
    main(CMDS, __doc__)
