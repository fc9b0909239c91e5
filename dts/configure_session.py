#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dts: the configure session of sluicectl against a real sluiced (net_null
port, no hosts needed), driven through a pty as a person types it: a good
line goes into the candidate, a bad one is refused at once and left out,
`show` marks the candidate against the running configuration, `compare`
prints the difference, `exit` is refused while changes are pending, Ctrl-C
drops the line being typed only, `commit comment ...` applies the
difference (the daemon's configuration changes), a reference error of a
commit names the line's text and keeps the candidate, `discard` drops it,
`load FILE` replaces the candidate. Then the same through a script on
stdin: errors make the exit status non-zero. When the daemon keeps
revisions (`show system commit id` answers), also `commit-confirm 1`
without `confirm` is reverted and `rollback 1` goes back one commit. The
daemon runs with a commit-confirm minute of MINUTE_MS (SLUICED_CONFIRM_MINUTE_MS);
dts-commit-history waits out a real one.

Exit 0 pass, 1 fail, 77 skip."""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SLUICE_BUILD", os.path.join(TOP, "build"))
SLUICED = os.path.join(BUILD, "app", "sluiced", "sluiced")
SLUICECTL = os.path.join(BUILD, "app", "sluicectl", "sluicectl")

BASE = """set vrf name A table 10
set vrf name B table 11
set interfaces ethernet eth0 vrf A
set interfaces ethernet eth0 address 10.1.0.1/24
set vrf name A protocols static route 10.9.0.0/16 next-hop 10.1.0.9
"""

fails = 0
checks = 0


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def check(ok, what, detail=""):
    global fails, checks
    checks += 1
    if ok:
        print("PASS: " + what)
    else:
        fails += 1
        print("FAIL: " + what)
        for line in detail.splitlines()[-25:]:
            print("  | " + line)


if os.geteuid() != 0:
    skip("needs root (DPDK)")
if not os.access(SLUICED, os.X_OK) or not os.access(SLUICECTL, os.X_OK):
    skip("no sluiced/sluicectl in " + BUILD)

run = tempfile.mkdtemp(prefix="sl-cfgsess-")
sock = os.path.join(run, "s.sock")
conf = os.path.join(run, "sluiced.conf")
log = os.path.join(run, "sluiced.log")
with open(conf, "w") as f:
    f.write(BASE)
prefix = "slcs%d" % os.getpid()
MINUTE_MS = 4000
daemon = subprocess.Popen(
    [SLUICED, "-l", "0", "--no-huge", "-m", "512", "--no-pci", "--file-prefix", prefix,
     "--vdev", "net_null0", "--", "--config", conf, "--socket", sock],
    stdout=open(log, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    start_new_session=True, env=dict(os.environ, SLUICED_CONFIRM_MINUTE_MS=str(MINUTE_MS)))


def ctl(*args, stdin=None):
    p = subprocess.run([SLUICECTL, "-s", sock, *args], input=stdin, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def running():
    return ctl("show", "configuration")[1]


def cleanup():
    if daemon.poll() is None:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)


# sluicectl's prompt at the end of the screen: "sluice# " or, with changes, "sluice*# "
PROMPT = re.compile(rb"\nsluice\*?# $")


class Term:
    """sluicectl on a pty: keys in, the screen's new text out."""

    def __init__(self, *args):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(SLUICECTL, [SLUICECTL, "-s", sock, *args])
        self.screen = b""
        self.settle(1.0)

    def settle(self, quiet, mark=None):
        """Read until the screen is quiet for `quiet` seconds (30 s at most).
        With mark (a line was entered): until the next prompt shows after
        mark, then quiet for 0.1 s; `quiet` stays the bound without one."""
        deadline = time.time() + 30
        until = deadline
        while time.time() < min(until, deadline):
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if not r:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.screen += chunk
            prompted = mark is not None and PROMPT.search(self.screen[mark:])
            until = time.time() + (0.1 if prompted else quiet)

    def keys(self, text, quiet=0.6):
        mark = len(self.screen)
        os.write(self.fd, text.encode())
        self.settle(quiet, mark if text.endswith("\n") else None)
        return self.screen[mark:].decode(errors="replace").replace("\r", "")

    def close(self):
        try:
            os.write(self.fd, b"\x04")
        except OSError:
            pass
        self.settle(0.3)
        try:
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            return 0


try:
    for _ in range(120):
        if daemon.poll() is not None:
            break
        if os.path.exists(sock) and ctl("help")[0] == 0:
            break
        time.sleep(0.25)
    if daemon.poll() is not None or not os.path.exists(sock):
        print(open(log).read()[-3000:])
        skip("sluiced did not start (no DPDK memory here?)")
    history = ctl("show", "system", "commit", "id")[0] == 0
    print("---- the daemon %s revisions" % ("keeps" if history else "keeps no"))
    before = running()

    t = Term("configure")
    out = t.keys("set vrf name C table 12\n")
    check("%" not in out, "a good line is taken", out)
    out = t.keys("set vrf name C tabel 13\n")
    check("unknown node 'tabel' after 'vrf name C'" in out and "table" in out,
          "a bad line is refused at once, naming the word and the choices", out)
    out = t.keys("set interfaces ethernet eth0 vrf C\n")
    out = t.keys("delete vrf name B\n")
    out = t.keys("delete vrf name NOPE\n")
    check("nothing to delete" in out, "deleting what is not there is refused at once", out)
    out = t.keys("show\n")
    check("+ set vrf name C table 12" in out and "- set vrf name B table 11" in out and
          "- set interfaces ethernet eth0 vrf A" in out and
          "+ set interfaces ethernet eth0 vrf C" in out and
          "  set vrf name A table 10" in out and "tabel" not in out,
          "show marks the candidate against the running configuration", out)
    out = t.keys("show vrf name C\n")
    check("+ set vrf name C table 12" in out and "vrf name A" not in out,
          "show PATH shows that part only", out)
    out = t.keys("compare\n")
    check("+ set vrf name C table 12" in out and "set vrf name A table 10" not in out,
          "compare prints only the difference", out)
    check(running() == before, "nothing reached the daemon before commit")
    out = t.keys("exit\n")
    check("uncommitted changes" in out, "exit is refused with uncommitted changes", out)
    out = t.keys("set vrf name D table 77")
    out = t.keys("\x03")
    out = t.keys("compare\n")
    check("vrf name D" not in out and "+ set vrf name C table 12" in out,
          "Ctrl-C drops the line typed, the session stays", out)
    out = t.keys("set vrf name A protocols static route 10.8.0.0/16 next-hop 10.1.0.9 vrf NOPE\n")
    out = t.keys("commit comment first try\n", 1.5)
    check("'set vrf name A protocols static route 10.8.0.0/16 next-hop 10.1.0.9 vrf NOPE'" in out
          and "commit refused" in out,
          "a refused commit names the offending line's text", out)
    check(running() == before, "the refused commit changed nothing")
    out = t.keys("compare\n")
    check("vrf NOPE" in out and "+ set vrf name C table 12" in out,
          "the refused commit keeps the candidate", out)
    out = t.keys("delete vrf name A protocols static route 10.8.0.0/16\n")
    out = t.keys("commit comment add C\n", 1.5)
    now = running()
    check("set vrf name C table 12" in now and "vrf name B" not in now and
          "set interfaces ethernet eth0 vrf C" in now and "NOPE" not in now,
          "commit applies the candidate's difference", out + now)
    out = t.keys("compare\n")
    check("no changes" in out, "after commit the candidate is the running configuration", out)
    out = t.keys("set vrf name E table 20\n")
    out = t.keys("discard\n")
    out = t.keys("compare\n")
    check("no changes" in out, "discard drops the candidate's changes", out)
    loadf = os.path.join(run, "load.conf")
    with open(loadf, "w") as f:
        f.write(BASE.replace("table 11", "table 31"))
    out = t.keys("load %s\n" % loadf)
    out = t.keys("compare\n")
    check("+ set vrf name B table 31" in out and "- set vrf name C table 12" in out and
          "+ set interfaces ethernet eth0 vrf A" in out,
          "load FILE replaces the candidate", out)
    badf = os.path.join(run, "bad.conf")
    with open(badf, "w") as f:
        f.write("set vrf name Z table 5\nset vrf name Z tabel 6\n")
    out = t.keys("load %s\n" % badf)
    check("bad.conf:2:" in out and "unknown node 'tabel'" in out,
          "a bad FILE is refused with its line", out)
    out = t.keys("compare\n")
    check("+ set vrf name B table 31" in out and "vrf name Z" not in out,
          "a refused load leaves the candidate as it was", out)
    t.keys("set vrf name NEWV table 60\n")
    out = t.keys("set int eth eth0 vrf NE\t")
    check("WV" in out, "Tab completes a VRF made in the session", out)
    t.keys("\x15")
    out = t.keys("exit discard\n")
    status = t.close()
    check(os.WIFEXITED(status) and running() == now,
          "exit discard leaves; the running configuration is the committed one")

    print("---- update onto a newer running configuration; merge")
    t = Term("configure")
    t.keys("set vrf name J table 70\n")
    t.keys("set vrf name A table 16\n")
    rc, out, err = ctl("configure", stdin="set vrf name A table 17\nset vrf name K table 71\n")
    check(rc == 0 and "set vrf name K table 71" in running(), "another commit meanwhile", out + err)
    out = t.keys("update\n", 1.0)
    check("conflict" in out and "'set vrf name A table 16'" in out and "1 conflict" in out,
          "update reports the line that changed meanwhile too", out)
    out = t.keys("compare\n")
    check("+ set vrf name J table 70" in out and "+ set vrf name A table 16" in out and
          "- set vrf name A table 17" in out and "vrf name K" not in out,
          "update keeps the session's changes on the newest running configuration", out)
    mergef = os.path.join(run, "merge.conf")
    with open(mergef, "w") as f:
        f.write("set vrf name L table 72\n")
    out = t.keys("merge %s\n" % mergef)
    out = t.keys("compare\n")
    check("+ set vrf name L table 72" in out and "+ set vrf name J table 70" in out,
          "merge FILE adds to the candidate", out)
    t.keys("exit discard\n")
    t.close()

    if history:
        print("---- revisions: commit-confirm, rollback")
        t = Term("configure")
        out = t.keys("set vrf name F table 40\n")
        t_sent = time.time()
        out = t.keys("commit-confirm 1 comment try F\n", 1.5)
        check("set vrf name F table 40" in running(), "commit-confirm applies", out)
        t.keys("exit\n")
        t.close()
        deadline = time.time() + 30
        while time.time() < deadline and "vrf name F" in running():
            time.sleep(0.2)
        took = time.time() - t_sent
        check("vrf name F" not in running(), "without confirm the commit is reverted "
              "(%.1f s, a minute is %d ms)" % (took, MINUTE_MS))
        check(took >= MINUTE_MS / 1000, "... not before the minute")
        check("a commit-confirm minute is %d ms" % MINUTE_MS in open(log).read(),
              "the log says the minute is short")
        rc, out, err = ctl("configure", stdin="set vrf name G table 41\ncommit comment G\n")
        check(rc == 0 and "vrf name G" in running(), "a scripted commit", out + err)
        rc, out, err = ctl("configure", stdin="rollback 1\n")
        check(rc == 0 and "vrf name G" not in running(), "rollback 1 goes back one commit",
              out + err)
        t = Term("configure")
        t.keys("set vrf name M table 80\n")
        rc, out, err = ctl("configure", stdin="set vrf name M table 81\n")
        out = t.keys("commit comment stale\n", 1.5)
        check("update" in out and "commit refused" in out and "table 81" in running(),
              "a commit whose base is stale where it overlaps is refused, saying 'update'", out)
        out = t.keys("update\n", 1.0) + t.keys("commit comment rebased\n", 1.5)
        check("set vrf name M table 80" in running(), "after update the commit goes", out)
        out = t.keys("compare 0 1\n", 1.0)
        check("table 80" in out and "table 81" in out, "compare N M shows two revisions", out)
        out = t.keys("commit-confirm 5 comment keep\n", 1.0)
        out = t.keys("set vrf name N table 82\n") + t.keys("commit-confirm 5\n", 1.5)
        out += t.keys("confirm\n", 1.0)
        check("vrf name N" in running() and "%" not in out, "confirm answers", out)
        t.keys("exit\n")
        t.close()

    print("---- scripts on stdin")
    now = running()
    rc, out, err = ctl("configure", stdin="set vrf name H table 50\nset vrf name H tabel 51\n"
                       "show\ncommit\n")
    check(rc != 0 and "line 2:" in err and "tabel" in err and "line 4:" in err and
          running() == now, "a script with a bad line fails and commits nothing", out + err)
    rc, out, err = ctl("configure", stdin="set vrf name H table 50\ncompare\n"
                       "commit comment scripted\nexit\n")
    check(rc == 0 and "+ set vrf name H table 50" in out and "vrf name H" in running(),
          "a good script commits", out + err)
    rc, out, err = ctl("configure", stdin="set vrf name I table 51\nshow vrf name I\n")
    check(rc != 0 and "not committed" in err and "vrf name I" not in running(),
          "a script ending with changes pending fails", out + err)
finally:
    cleanup()
    if fails == 0:
        shutil.rmtree(run, ignore_errors=True)

print("%d/%d checks passed" % (checks - fails, checks))
sys.exit(1 if fails else 0)
