"""What the dts peers (fw_peer.py, nat_peer.py) share: UDP query loops, a
wait for the ICMP error a datagram draws, and the command dispatch."""
import errno
import socket
import sys


def udp_queries(s, addr, port, msgs):
    """Send each message from socket s (1 s timeout each), one at a time;
    how many were answered with b"re:" + the message."""
    got = 0
    for msg in msgs:
        s.sendto(msg, (addr, int(port)))
        try:
            data, _ = s.recvfrom(2048)
            got += data == b"re:" + msg
        except OSError:
            pass
    return got


def expect_udp_error(addr, port, want):
    """0 when a datagram to addr:port is answered by the ICMP error that
    Linux reports as errno `want` (two tries, 2 s each); prints what came."""
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
            return 0 if e.errno == want else 1
    print("timeout")
    return 1


def main(cmds, doc):
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(doc)
        sys.exit(2)
    sys.exit(cmds[sys.argv[1]](*sys.argv[2:]) or 0)
