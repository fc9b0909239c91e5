#!/usr/bin/env python3
"""UDP flows for dts/ecmp.sh (plain sockets, no scapy needed).

  ecmp_flows.py sink ADDR PORT OUT     write "ROUND SRC SPORT" per datagram to OUT
  ecmp_flows.py send SRC DST PORT ROUND N
                                       one datagram per flow: source ports
                                       20000 .. 20000+N-1, payload ROUND
"""
import socket
import sys
import time


def sink(addr, port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    with open(out, "a", buffering=1) as f:
        while True:
            data, (src, sport) = s.recvfrom(2048)
            f.write(f"{data.decode(errors='replace')} {src} {sport}\n")


def send(src, dst, port, rnd, n):
    for i in range(int(n)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, 20000 + i))
        s.sendto(rnd.encode(), (dst, int(port)))
        s.close()
        if i % 16 == 15:
            time.sleep(0.002)  # the taps' queues are short


if __name__ == "__main__":
    if sys.argv[1] == "sink":
        sink(*sys.argv[2:5])
    elif sys.argv[1] == "send":
        send(*sys.argv[2:7])
    else:
        sys.exit(__doc__)
