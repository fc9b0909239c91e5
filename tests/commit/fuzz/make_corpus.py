#!/usr/bin/env python3
"""Seed corpus and dictionary for fuzz_commit, assembled from the repository.

Usage: make_corpus.py OUT_DIR
Writes OUT_DIR/seeds/* and OUT_DIR/commit.dict. Seeds:
  - every config/*.conf as it is (its `commit` line ends the transaction);
  - each configuration text in the C tests of tests/commit and tests/conf
    (adjacent string literals joined, kept when they hold set/delete lines);
  - per config/*.conf, a second transaction deleting every line it set, in
    reverse order (the delete paths, down to an empty configuration);
  - per config/*.conf with VRFs, the same at size: 40, 60, 80, ... more
    static routes in its first, second, third, ... VRF (`repeat N ...` after
    the VRFs are defined, overlapping ranges) so that tables grow and leaks
    bring prefixes the importer has and prefixes it lacks. Once as one
    transaction and, when it leaks, committed line by line (the incremental
    paths of the leak engine).
The dictionary is tests/conf/fuzz/conf.dict, the harness's own syntax and
every word of those configurations.
"""
import glob
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../.."))
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# between two literals of one initialiser: blanks, line continuations, comments
GLUE = re.compile(r'(?:\s|\\\n|/\*.*?\*/)*', re.S)
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "0": "\0"}


def c_unescape(s):
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), s)


def c_config_texts(path):
    """Joined runs of adjacent string literals that contain set/delete lines."""
    src = open(path, encoding="utf-8").read()
    texts, run, end = [], [], None
    for m in LITERAL.finditer(src):
        if run and GLUE.fullmatch(src, end, m.start()) is None:
            texts.append("".join(run))
            run = []
        run.append(c_unescape(m.group(1)))
        end = m.end()
    if run:
        texts.append("".join(run))
    return [t for t in texts if re.search(r"(^|\n)(set|delete) ", t) and "\n" in t]


def teardown(conf):
    """The config, then one transaction deleting each set line, last first."""
    sets = [l.strip() for l in conf.splitlines() if l.strip().startswith("set ")]
    body = "".join("delete " + l[4:] + "\n" for l in reversed(sets))
    return conf.rstrip("\n") + "\ncommit\n" + body


def at_size(conf):
    """The config with 40 + 20 i static routes more in VRF i, after the VRFs."""
    vrfs = re.findall(r"^set vrf name (\S+) table ", conf, re.M)
    if not vrfs:
        return None
    extra = "".join("repeat %d set vrf name %s protocols static route 10.200.@.0/24 blackhole\n"
                    % (40 + 20 * i, v) for i, v in enumerate(vrfs))
    lines = conf.splitlines(keepends=True)
    at = max(i for i, l in enumerate(lines) if re.match(r"set vrf name \S+ table ", l)) + 1
    return "".join(lines[:at]) + extra + "".join(lines[at:])


def line_by_line(conf):
    """Each set/delete/repeat line as its own transaction."""
    keep = [l for l in conf.splitlines() if l.startswith(("set ", "delete ", "repeat "))]
    return "".join(l + "\ncommit\n" for l in keep)


def main():
    out = sys.argv[1]
    seeds = os.path.join(out, "seeds")
    os.makedirs(seeds, exist_ok=True)
    texts = {}
    for path in sorted(glob.glob(os.path.join(TOP, "config", "*.conf"))):
        name = os.path.splitext(os.path.basename(path))[0]
        conf = open(path, encoding="utf-8").read()
        texts["conf-" + name] = conf
        texts["teardown-" + name] = teardown(conf)
        if at_size(conf):
            texts["size-" + name] = at_size(conf)
            if re.search(r"route-target|import vrf", conf):
                texts["steps-" + name] = line_by_line(at_size(conf))
    for mod in ("commit", "conf"):
        for path in sorted(glob.glob(os.path.join(TOP, "tests", mod, "*.c"))):
            stem = os.path.splitext(os.path.basename(path))[0]
            for i, t in enumerate(c_config_texts(path)):
                texts["%s-%d" % (stem, i)] = t
    for name, t in texts.items():
        with open(os.path.join(seeds, name), "w", encoding="utf-8") as f:
            f.write(t)

    words = set()
    for t in texts.values():
        for line in t.splitlines():
            if line.startswith(("set ", "delete ")):
                words.update(w for w in line.split() if not set(w) & set("\"'\\"))
    with open(os.path.join(TOP, "tests", "conf", "fuzz", "conf.dict"), encoding="utf-8") as f:
        base = f.read()
    with open(os.path.join(out, "commit.dict"), "w", encoding="utf-8") as f:
        f.write(base)
        f.write("# fuzz_commit: transaction separator and repetition (see fuzz_commit.c)\n")
        f.write('"\\x0Acommit\\x0A"\n"repeat 40 "\n"repeat 200 "\n"@"\n".@.0/24"\n')
        f.write("# words of the seed configurations\n")
        for w in sorted(words):
            f.write('"%s "\n' % w)
    print("%d seeds, %d words in %s" % (len(texts), len(words), out))


if __name__ == "__main__":
    main()
