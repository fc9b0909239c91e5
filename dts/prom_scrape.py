#!/usr/bin/python3
"""Helper of dts/prometheus.sh: scrape sluiced's /metrics and check it.

  prom_scrape.py get URL OUT            GET URL into OUT (exit 1 unless 200)
  prom_scrape.py status URL [METHOD]    print the HTTP status (0: connection refused)
  prom_scrape.py lint FILE              the exposition format's rules
  prom_scrape.py many URL N DIR         N concurrent GETs, each into DIR/N.txt
  prom_scrape.py value FILE NAME [L=V ...]  print one sample's value

lint checks what promtool does not spell out: every family has one # HELP and
one # TYPE, before its samples, with nothing of another family between;
names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*;
label values are well escaped; counters end in _total; no series twice.
"""
import re
import sys
import threading
import urllib.error
import urllib.request

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*$")
SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")
PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)')


def fetch(url, method="GET", timeout=30):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), ""


def labels_of(text):
    out, pos = {}, 0
    while pos < len(text):
        m = PAIR.match(text, pos)
        if not m:
            raise ValueError("bad labels {%s} at %d" % (text, pos))
        out[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        pos = m.end()
    return out


def parse(text):
    """[(name, labels, value)], {family: (help, type)}; raises on a rule broken."""
    fams, samples, current, done = {}, [], None, set()
    seen = set()
    for n, line in enumerate(text.splitlines(), 1):
        where = "line %d: %r" % (n, line)
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name = line[2:6], line.split(" ")[2]
            if not NAME.match(name):
                raise ValueError("bad family name, " + where)
            if name != current:
                if name in done or name in fams:
                    raise ValueError("family %s again, %s" % (name, where))
                if current is not None:
                    done.add(current)
                current = name
                fams[name] = {}
            if kind in fams[name]:
                raise ValueError("second # %s, %s" % (kind, where))
            fams[name][kind] = line.split(" ", 3)[3] if line.count(" ") >= 3 else ""
            continue
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("not a sample, " + where)
        name, labels, value = m.group(1), labels_of(m.group(3) or ""), m.group(4)
        if name != current:
            raise ValueError("sample outside its family %s, %s" % (current, where))
        if set(fams[name]) != {"HELP", "TYPE"}:
            raise ValueError("sample before HELP and TYPE, " + where)
        if any(not LABEL.match(k) or k.startswith("__") for k in labels):
            raise ValueError("bad label name, " + where)
        float(value)
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            raise ValueError("series twice, " + where)
        seen.add(key)
        samples.append((name, labels, float(value)))
    for name, f in fams.items():
        if set(f) != {"HELP", "TYPE"}:
            raise ValueError("family %s lacks HELP or TYPE" % name)
        if f["TYPE"] == "counter" and not name.endswith("_total"):
            raise ValueError("counter %s does not end in _total" % name)
        if f["TYPE"] not in ("counter", "gauge"):
            raise ValueError("family %s: type %s" % (name, f["TYPE"]))
    return samples, fams


def value(samples, name, want):
    hits = [v for n, labels, v in samples if n == name and labels == want]
    if len(hits) != 1:
        raise KeyError("%s%s: %d samples" % (name, want, len(hits)))
    return hits[0]


def main(argv):
    cmd = argv[1]
    if cmd == "get":
        status, body, ctype = fetch(argv[2])
        with open(argv[3], "w") as fh:
            fh.write(body)
        if status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
            print("status %d, content type %r" % (status, ctype))
            return 1
        return 0
    if cmd == "status":
        # 0 only for a refused connection: a port left listening but not
        # served would time out instead ("timeout")
        try:
            print(fetch(argv[2], argv[3] if len(argv) > 3 else "GET", timeout=5)[0])
        except urllib.error.URLError as e:
            print(0 if isinstance(e.reason, ConnectionRefusedError) else "error: %r" % e.reason)
        except ConnectionRefusedError:
            print(0)
        except (TimeoutError, OSError) as e:
            print("error: %r" % e)
        return 0
    if cmd == "lint":
        with open(argv[2]) as fh:
            samples, fams = parse(fh.read())
        print("%d families, %d samples" % (len(fams), len(samples)))
        return 0
    if cmd == "many":
        url, n, out = argv[2], int(argv[3]), argv[4]
        bad = []

        def one(i):
            try:
                status, body, _ = fetch(url)
                parse(body)
                with open("%s/%d.txt" % (out, i), "w") as fh:
                    fh.write(body)
                if status != 200:
                    bad.append((i, status))
            except Exception as e:  # any failure is the test's to report
                bad.append((i, repr(e)))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("%d scrapes, %d failed %s" % (n, len(bad), bad[:5]))
        return 1 if bad else 0
    if cmd == "value":
        with open(argv[2]) as fh:
            samples, _ = parse(fh.read())
        want = dict(a.split("=", 1) for a in argv[4:])
        v = value(samples, argv[3], want)
        print(int(v) if v == int(v) else v)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
