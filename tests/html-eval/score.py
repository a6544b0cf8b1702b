#!/usr/bin/env python3
"""Word-level precision, recall and F1 of extracted texts against the expected main texts.

    score.py EXPECTED_DIR NAME=RESULTS.jsonl ... [--json OUT]

Each RESULTS.jsonl holds {"name": PAGE, "text": ...} records (PAGE as in EXPECTED_DIR/PAGE.txt;
a page without a record scores 0). Words are runs of letters and digits (Unicode \\w), and every
Han, kana and Hangul character is a word of its own (those scripts do not separate words).
Per page: precision and recall of the word multisets (bag of words, as in the article-extraction
benchmarks), F1 their harmonic mean; printed as means per site type (the name up to its first
'-') and over all pages.
"""
import collections
import json
import os
import re
import sys

WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W\u3040-\u30ff"
                  r"\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def words(text):
    return collections.Counter(w.lower() for w in WORD.findall(text))


def prf(expected, got):
    e, g = words(expected), words(got)
    common = sum((e & g).values())
    p = common / sum(g.values()) if g else (1.0 if not e else 0.0)
    r = common / sum(e.values()) if e else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    args = sys.argv[1:]
    out_json = None
    if "--json" in args:
        k = args.index("--json")
        out_json = args[k + 1]
        del args[k:k + 2]
    exp_dir, systems = args[0], [a.split("=", 1) for a in args[1:]]
    names = sorted(f[:-4] for f in os.listdir(exp_dir) if f.endswith(".txt"))
    expected = {n: open(os.path.join(exp_dir, n + ".txt"), encoding="utf-8").read() for n in names}
    types = sorted({n.split("-")[0] for n in names}, key=lambda t: [x.split("-")[0] for x in names].index(t))
    table = {}
    for sysname, path in systems:
        got = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                got[r["name"]] = r["text"]
        per = {n: prf(expected[n], got.get(n, "")) for n in names}
        table[sysname] = {"pages": per}
    summary = {}
    head = "%-10s" % "type" + "".join("  %-20s" % s for s, _ in systems)
    print(head)
    print("%-10s" % "" + "".join("  %-20s" % "P     R     F1" for _ in systems))
    for t in types + ["all"]:
        row = "%-10s" % t
        for sysname, _ in systems:
            per = table[sysname]["pages"]
            sel = [per[n] for n in names if t == "all" or n.split("-")[0] == t]
            m = [sum(x[i] for x in sel) / len(sel) for i in range(3)]
            summary.setdefault(sysname, {})[t] = m
            row += "  %.3f %.3f %.3f   " % tuple(m)
        print(row)
    if out_json:
        with open(out_json, "w") as f:
            json.dump({"summary": summary,
                       "pages": {s: table[s]["pages"] for s in table}}, f, indent=1)


if __name__ == "__main__":
    main()
