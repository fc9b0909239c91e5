#!/usr/bin/python3
"""Abuse a running sluiced's control socket: malformed, oversized and
half-sent requests get an error reply (not a crash, not a stuck control
thread) and many clients at once are all answered. Exit 0 when all hold.

  ctl_abuse.py SOCKET
"""
import json
import socket
import sys
import threading
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    return s


def reply(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return json.loads(data)


def request(path, payload, shut=True):
    s = connect(path)
    try:
        s.sendall(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered early (oversized): read its reply
    if shut:
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    return reply(s)


def main(path):
    fails = []

    def check(what, cond):
        print(("PASS: " if cond else "FAIL: ") + what)
        if not cond:
            fails.append(what)

    r = request(path, b"this is not json")
    check("garbage gets status 2 'malformed'", r["status"] == 2 and "malformed" in r["errors"])
    r = request(path, b'{"argv": "show"}')
    check("argv not an array gets status 2", r["status"] == 2)
    # sluiced runs with --ctl-request-max 1 (MiB) in the matrix suites
    big = b'{"argv": ["show", "vrf"], "input": "' + b"x" * (2 << 20) + b'"}'
    r = request(path, big)
    check("a 2 MiB request gets status 2 'larger than 1048576 bytes'",
          r["status"] == 2 and "larger than 1048576 bytes" in r["errors"])
    t0 = time.time()
    r = request(path, b'{"argv": ["sho', shut=False)
    waited = time.time() - t0
    check(f"a half-sent request is refused after the timeout ({waited:.1f} s)",
          r["status"] == 2 and "not complete" in r["errors"] and waited < 15)

    results = []

    def client(i):
        try:
            out = request(path, json.dumps({"argv": ["show", "vrf"]}).encode())
            results.append(out["status"] == 0 and "SHARED" in out["output"])
        except Exception as e:  # noqa: BLE001 - any failure is a failed client
            print(f"  client {i}: {e}")
            results.append(False)

    # A stalled client must not delay the others.
    stalled = connect(path)
    stalled.sendall(b'{"argv": ')
    threads = [threading.Thread(target=client, args=(i,)) for i in range(40)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(f"40 clients at once, one stalled: all answered in {time.time() - t0:.1f} s",
          len(results) == 40 and all(results) and time.time() - t0 < 4)
    stalled.close()
    r = request(path, b'{"argv": ["show", "vrf"], "json": true}\n', shut=False)
    check("the daemon still answers (newline-terminated, JSON)",
          r["status"] == 0 and isinstance(json.loads(r["output"]), (list, dict)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
