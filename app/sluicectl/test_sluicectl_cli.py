#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""sluicectl against a fake daemon (a unix socket speaking lib/ctl's JSON:
one request per connection, {"argv": [...], "input": ...} -> {"status",
"output", "errors"}): abbreviations are expanded before they are sent, names
for completion come from `show configuration`, and the interactive prompt,
driven through a pty, completes on Tab and lists choices on '?' without
inserting it.  Usage: test_sluicectl_cli.py SLUICECTL"""
import json
import os
import pty
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

CONFIG = """set vrf name CUSTOMER-A table 10
set vrf name SHARED table 20
set interfaces ethernet eth1 vrf CUSTOMER-A
set firewall ipv4 name FW default-action drop
"""

ctl = sys.argv[1]
tmp = tempfile.mkdtemp()
sock_path = os.path.join(tmp, "ctl.sock")
requests = []
fails = 0
history = {"id": None}  # None: an older daemon; else the running revision's id


def serve(srv):
    while True:
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        req = json.loads(data)
        requests.append(req)
        argv = req.get("argv", [])
        status, errors = 0, ""
        if argv == ["show", "configuration"]:
            out = CONFIG
        elif argv == ["show", "system", "commit", "id"] and history["id"] is None:
            # an older daemon: no revisions (the session works without `base`)
            out, status, errors = "", 2, "unknown command\n"
        elif argv == ["show", "system", "commit", "id"]:
            out = "%d\n" % history["id"]
        else:
            out = "argv: " + " ".join(argv) + "\n"
        conn.sendall(json.dumps({"status": status, "output": out, "errors": errors}).encode())
        conn.close()


srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(8)
threading.Thread(target=serve, args=(srv,), daemon=True).start()


def check(ok, what, detail=""):
    global fails
    if ok:
        print("ok: " + what)
    else:
        fails += 1
        print("FAIL: " + what)
        for line in detail.splitlines()[-15:]:
            print("  | " + line)


def run(*args, stdin=None):
    p = subprocess.run([ctl, "-s", sock_path, *args], capture_output=True, text=True, timeout=20,
                       input=stdin)
    return p.returncode, p.stdout, p.stderr


def last_configure():
    sent = [r for r in requests if r.get("argv", [""])[0] == "configure"]
    return sent[-1] if sent else {}


# ---- non-interactive: the words sent are the expanded ones ----
rc, out, err = run("sh", "ip", "ro", "vrf", "CUSTOMER-A")
check(rc == 0 and out == "argv: show ip route vrf CUSTOMER-A\n", "sh ip ro vrf X is sent expanded",
      out + err)
rc, out, err = run("sh", "int")
check(rc == 0 and out == "argv: show interfaces\n", "a daemon command abbreviated", out + err)
rc, out, err = run("sh", "i")
check(rc == 2 and "ambiguous 'i' after 'show' (could be: interfaces, ip)" in err,
      "an ambiguous word lists the candidates", err)
rc, out, err = run("show", "ip", "frob")
check(rc == 2 and "unknown word 'frob' after 'show ip' (valid: route)" in err,
      "an unknown word names what is valid", err)
rc, out, err = run("cl", "c")
check(rc == 0 and out == "argv: clear counters\n", "cl c = clear counters", out + err)

# ---- configure with a script on stdin ----
plain = "configure\nset vrf name X table 9\ncommit\nsave\nexit\n"
rc, out, err = run("configure", stdin=plain)
req = last_configure()
check(rc == 0 and req.get("argv") == ["configure"] and req.get("input") == plain,
      "a plain configuration on stdin is sent whole, as before", repr(req) + err)
requests.clear()
rc, out, err = run("configure", stdin="set vrf name X table 9\nset int eth eth1 vrf X\n"
                   "compare\ncommit comment scripted\n")
req = last_configure()
check(rc == 0 and "+ set vrf name X table 9" in out and
      req.get("argv") == ["configure", "comment", "scripted"] and
      req.get("input") == "set interfaces ethernet eth1 vrf X\nset vrf name X table 9\n",
      "a session script commits the candidate's difference, expanded", repr(req) + out + err)
requests.clear()
rc, out, err = run("configure", stdin="set vrf name X tabel 9\nset vrf name Y table 8\n"
                   "commit comment no\n")
check(rc == 1 and "line 1: unknown node 'tabel'" in err and "line 3: not committed" in err and
      last_configure() == {}, "a session script with a bad line fails and sends nothing",
      out + err)

# ---- interactive, through a pty ----
pid, fd = pty.fork()
if pid == 0:
    os.execv(ctl, [ctl, "-s", sock_path])
screen = b""


def pump(t=0.5):
    """Read until the terminal has been quiet for t seconds (at most 10 s:
    a loaded machine or a sanitizer build may be slow to answer)."""
    global screen
    deadline = time.time() + 10
    quiet_until = deadline  # every key echoes: wait for the first bytes
    while time.time() < min(quiet_until, deadline):
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                return
            if not d:
                return
            screen += d
            quiet_until = time.time() + t


def typed(keys, t=0.5):
    """Send keys; return what the terminal showed meanwhile (after a Tab,
    libedit writes only what it inserts)."""
    global screen
    start = len(screen)
    os.write(fd, keys.encode())
    pump(t)
    return screen[start:].decode(errors="replace")


pump(1.0)
shown = typed("sh ip ro vrf C\t")
check("USTOMER-A " in shown, "Tab completes a VRF name from the daemon's configuration", shown)
shown = typed("\n")
check("argv: show ip route vrf CUSTOMER-A" in shown, "the completed line runs expanded", shown)
shown = typed("show ?")
check("  ip " in shown and "show ip route [vrf NAME|all]" in shown and "  interfaces " in shown,
      "'?' lists the show commands with help", shown)
shown = typed("ip fr?")
check("nothing valid starts with 'fr'" in shown and "  route " in shown,
      "'?' after a bad prefix says so and lists the choices", shown)
shown = typed("\n")
check("unknown word 'fr' after 'show ip' (valid: route)" in shown,
      "'?' was not inserted into the line", shown)
shown = typed("ping 10.0.0.1 vrf ?")
check("  CUSTOMER-A " in shown and "ping ADDR vrf NAME [count N]" in shown,
      "'?' after ping ... vrf lists the VRFs", shown)
typed("\x15")
shown = typed("show arp vrf S\t")
check("HARED " in shown, "Tab completes a VRF in a daemon command's usage", shown)
typed("\x15")
shown = typed("configure\n")
check("need a newer one" in shown, "configure tells that an older daemon keeps no history", shown)
shown = typed("set fi\t")
check("rewall " in shown, "Tab completes a configuration keyword", shown)
shown = typed("?")
check("  ipv4 " in shown, "'?' lists what follows in the schema", shown)
typed("\x15")  # kill the line
shown = typed("set interfaces ethernet eth1 vrf ?")
check("  CUSTOMER-A " in shown and "  SHARED " in shown and "  <value> " in shown,
      "'?' lists the VRFs a reference may name", shown)
typed("\x15")
typed("set vrf name NEW table 5\n")
shown = typed("set int eth eth2 vrf N\t")
check("EW " in shown, "a VRF of a candidate line completes at once", shown)
typed("\n")
shown = typed("set interfaces ethernet eth1 d ?")
check("ambiguous 'd' after 'interfaces ethernet eth1' (could be: description, disable)" in shown,
      "'?' after an ambiguous word names the candidates", shown)
typed("\x15")
typed("set int eth eth1 desc \"O'Brien's link\"\n")
typed("set int eth eth1 desc '#1'\n")
shown = typed("sh ip ro\n")
check("argv: show ip route" in shown, "show STATE in configure mode asks the daemon", shown)
shown = typed("sh vrf\n")
check("+ set vrf name NEW table 5" in shown and "  set vrf name SHARED table 20" in shown,
      "show PATH in configure mode shows the candidate, marked", shown)
typed("commit\n", 1.0)
os.write(fd, b"exit\n\x04")
pump(0.5)
try:
    os.waitpid(pid, 0)
except ChildProcessError:
    pass
commits = [r for r in requests if r.get("argv") == ["configure"]]
sent = commits[-1].get("input", "") if commits else ""
# the candidate's difference from the running configuration, in canonical
# order: the second description replaced the first
check(sent == "set interfaces ethernet eth1 description '#1'\n"
      "set interfaces ethernet eth2 vrf NEW\n"
      "set vrf name NEW table 5\n",
      "commit sends the candidate's difference, expanded, without 'base' to an older daemon",
      sent)

# ---- a daemon that keeps revisions: base, comment, confirm, rollback ----
history["id"] = 7
requests.clear()
pid, fd = pty.fork()
if pid == 0:
    os.execv(ctl, [ctl, "-s", sock_path, "configure"])
pump(1.0)
typed("set vrf name NEW table 5\n")
typed("commit comment two words\n", 1.0)
typed("set vrf name NEW2 table 6\n")
typed("commit-confirm 5\n", 1.0)
typed("confirm\n")
typed("rollback 1\n")
typed("compare 1 2\n")
typed("compare 3\n")
shown = typed("commit-confirm ?")
check("  <MINUTES> " in shown, "'?' after commit-confirm names its minutes", shown)
typed("\x15")
shown = typed("exit d\t")
check("iscard" in shown, "Tab completes 'exit discard'", shown)
typed("\x15")
shown = typed("commit-confirm soon\n")
check("usage: commit-confirm MINUTES" in shown, "commit-confirm needs its minutes", shown)
typed("exit\n")
try:
    os.waitpid(pid, 0)
except ChildProcessError:
    pass
sent = [r.get("argv") for r in requests
        if r.get("argv", [""])[0] in ("configure", "confirm", "rollback") or
        r.get("argv", [])[:3] == ["show", "system", "commit"] and
        r.get("argv", [])[3] != "id"]
check(sent == [["configure", "base", "7", "comment", "two words"],
               ["configure", "base", "7", "confirm", "5"],
               ["confirm"], ["rollback", "1"],
               ["show", "system", "commit", "compare", "1", "2"],
               ["show", "system", "commit", "diff", "3"]],
      "commit sends base ID and comment; commit-confirm, confirm, rollback, compare N M",
      repr(sent))

srv.close()
print("%d failure(s)" % fails)
sys.exit(1 if fails else 0)
