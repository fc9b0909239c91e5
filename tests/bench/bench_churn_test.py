#!/usr/bin/python3
"""app/sluice-bench/bench_churn.py counts sluiced's successful commits only:
a refused commit is logged under "sluiced: commit:" too. Exit 0 pass, 1 fail."""
import importlib.util
import os
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    "bench_churn", os.path.join(TOP, "app", "sluice-bench", "bench_churn.py"))
churn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(churn)

# the two lines as app/sluiced/sluiced_cmds.c writes them
OK = ("sluiced: commit: by root (pid 12): 52 bytes, 1 changed paths, 1 FIB changes; revision 7"
      "%s, +1 -0 lines; CPU ms: parse 0.1, validate 0.2, RIB 0.3, conf commit 0.4, FIB 0.5, "
      "history 0.6; 3 punts served meanwhile, the punt ring waited 1.5 ms at most (0.7 ms of it on CPU)\n")
REFUSED = ("sluiced: commit: by root (pid 12): refused, nothing changed (1 errors; first: "
           "line 1: revision 3, +1 -0 lines; CPU ms: parse 9)\n")
with tempfile.TemporaryDirectory() as t:
    log = os.path.join(t, "sluiced.log")
    with open(log, "w") as f:
        f.write(OK % "")
        f.write(REFUSED)
        f.write("sluiced: commit-confirm: confirmed by root: revision 7 stays\n")
        f.write(OK % ' ("a comment")')
    lines = churn.commit_lines(log)
    if len(lines) != 2 or any("refused" in x for x in lines):
        print("FAIL: want the 2 successful commits, got %r" % lines)
        sys.exit(1)
    f = churn.commit_fields(lines[1])
    want = {"parse": 0.1, "validate": 0.2, "rib": 0.3, "conf_commit": 0.4, "fib": 0.5,
            "punts_served": 3, "punt_wait_ms": 1.5, "punt_wait_cpu_ms": 0.7}
    if f != want:
        print("FAIL: fields %r, want %r" % (f, want))
        sys.exit(1)
print("PASS: 2 of 3 commit lines counted (the refused one left out), fields parsed")
