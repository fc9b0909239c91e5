#!/usr/bin/python3
"""Helper of dts/install.sh: a fake systemd notify socket.

  notify_sink.py SOCKET OUT   bind an AF_UNIX datagram socket at SOCKET and
                              append every message to OUT, one per line
                              (newlines inside a message become ';'), until
                              SIGTERM or 300 s of silence.
"""
import os
import signal
import socket
import sys


def main(path, out):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(300)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(out, "a") as fh:
        # ready: the socket exists
        fh.write("# listening\n")
        fh.flush()
        try:
            while True:
                msg = s.recv(4096).decode(errors="replace")
                fh.write(msg.strip().replace("\n", ";") + "\n")
                fh.flush()
        except socket.timeout:
            return 0
        finally:
            os.unlink(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
