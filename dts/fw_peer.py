#!/usr/bin/python3
"""Tiny UDP/TCP peers for the firewall suite (run inside a host's namespace).

  serve-udp ADDR PORT COUNTFILE     answer every datagram with b"re:" + data; the
                                    number of datagrams received is kept in COUNTFILE
  serve-tcp ADDR PORT COUNTFILE     accept connections, counting them in COUNTFILE
  query ADDR PORT N [SPORT]         N queries from one socket, one at a time (1 s
                                    each); prints the replies received; 0 if all came
  flows ADDR PORT N                 N queries from N sockets (N flows); prints replies
  send ADDR PORT N SPORT            N datagrams from SPORT, no answer expected
  listen-udp ADDR PORT SECONDS      prints how many datagrams arrived in SECONDS
  expect-icmp-prohibited ADDR PORT  0 when a datagram is answered by ICMP 3/13
                                    (Linux reports it as EHOSTUNREACH)
  expect-rst ADDR PORT              0 when a TCP connect is refused (RST)
"""
import errno
import os
import socket
import time

from peer_util import expect_udp_error, main, udp_queries


def count_file(path, n):
    with open(path + ".tmp", "w") as f:
        f.write(f"{n}\n")
    os.replace(path + ".tmp", path)


def serve_udp(addr, port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # `send` may share the port
    s.bind((addr, int(port)))
    n = 0
    count_file(path, n)
    while True:
        data, peer = s.recvfrom(2048)
        n += 1
        count_file(path, n)
        s.sendto(b"re:" + data, peer)


def serve_tcp(addr, port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    n = 0
    count_file(path, n)
    while True:
        c, _ = s.accept()
        n += 1
        count_file(path, n)
        c.close()


def query(addr, port, n, sport=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(sport)))
    s.settimeout(1.0)
    got = udp_queries(s, addr, port, [f"q{i}".encode() for i in range(int(n))])
    print(got)
    return 0 if got == int(n) else 1


def flows(addr, port, n):
    socks = []
    for i in range(int(n)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        s.sendto(b"f%d" % i, (addr, int(port)))
        socks.append(s)
    got = 0
    for s in socks:
        try:
            s.recvfrom(2048)
            got += 1
        except OSError:
            pass
    print(got)
    return 0


def send(addr, port, n, sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sport)))
    for i in range(int(n)):
        s.sendto(b"unsolicited", (addr, int(port)))
        time.sleep(0.05)
    return 0


def listen_udp(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    s.settimeout(0.2)
    end = time.time() + float(seconds)
    n = 0
    while time.time() < end:
        try:
            s.recvfrom(2048)
            n += 1
        except socket.timeout:
            pass
    print(n)
    return 0


def expect_icmp_prohibited(addr, port):
    return expect_udp_error(addr, port, errno.EHOSTUNREACH)


def expect_rst(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3.0)
    try:
        s.connect((addr, int(port)))
        print("connected")
        return 1
    except ConnectionRefusedError:
        print("refused")
        return 0
    except OSError as e:
        print(e)
        return 1


CMDS = {
    "serve-udp": serve_udp,
    "serve-tcp": serve_tcp,
    "query": query,
    "flows": flows,
    "send": send,
    "listen-udp": listen_udp,
    "expect-icmp-prohibited": expect_icmp_prohibited,
    "expect-rst": expect_rst,
}

if __name__ == "__main__":
    main(CMDS, __doc__)
