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
"""
import errno
import socket
import sys


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
    got = 0
    for i in range(int(n)):
        msg = f"{token}-{i}".encode()
        s.sendto(msg, (addr, int(port)))
        try:
            data, _ = s.recvfrom(2048)
            got += data == b"re:" + msg
        except OSError:
            pass
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
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((addr, int(port)))
    s.settimeout(2.0)
    for _ in range(2):
        try:
            s.send(b"x")
            s.recv(2048)
            print("answered")
            return 1
        except socket.timeout:
            continue
        except OSError as e:
            print(errno.errorcode.get(e.errno, e.errno))
            return 0 if e.errno == errno.ECONNREFUSED else 1
    print("timeout")
    return 1


CMDS = {
    "serve-udp": serve_udp,
    "serve-tcp": serve_tcp,
    "udp": udp,
    "tcp": tcp,
    "expect-refused": expect_refused,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(CMDS[sys.argv[1]](*sys.argv[2:]) or 0)
