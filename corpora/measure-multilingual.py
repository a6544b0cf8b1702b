#!/usr/bin/env python3
"""Survival of prose and removal of junk per language and script: `grist clean` with its
defaults on the corpus of build-multilingual.py, for one or two grist binaries.

usage: measure-multilingual.py [--check] CORPUS_DIR GRIST [GRIST_BEFORE]
Prints markdown tables (the ones in docs/clean.md). Documents are matched by id. --check (the
acceptance of issue 14, run by tests/cli/t4009) then exits 1 unless: at least 90% of the UI
translations are kept; every language's prose of a genre (30 documents or more) survives within
15 points of English's; every kind of junk of every script is removed as English's is (all of
it), except the gaps in GAPS. For man
pages, "after - English" compares with the English originals of the same pages, each page
weighted by the number of this language's documents from it (man pages differ a lot: perlfunc
is mostly code, smb.conf mostly settings).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile
import unicodedata


def kept_ids(grist, path, tmp):
    out = os.path.join(tmp, "out.jsonl")
    rej = os.path.join(tmp, "rej.jsonl")
    subprocess.run([grist, "clean", "-q", "-j", "2", "--rejects", rej, "-o", out, path], check=True)
    kept = {json.loads(l)["id"] for l in open(out, encoding="utf-8")}
    rules = {}
    for l in open(rej, encoding="utf-8"):
        r = json.loads(l)
        rules[r["record"]["id"]] = r["rule"]
    return kept, rules


def script(text):
    c = collections.Counter()
    for ch in text:
        if unicodedata.category(ch).startswith("L"):
            name = unicodedata.name(ch, "?").split()[0]
            c["Han" if name == "CJK" else "Kana" if name in ("HIRAGANA", "KATAKANA") else name.title()] += 1
    if c["Kana"]:
        return "Japanese"
    return c.most_common(1)[0][0] if c else "?"


# Junk that is not all removed yet, with the share that must be: Latin-script text in a legacy
# code page read as cp1252 becomes other valid Latin-1 letters ("svìtla" for "světla"); the
# language's alphabet (mojibake.max_foreign_letters) removes Czech, Croatian, Slovenian and
# Turkish, not Hungarian (only ő and ű change, 9% of its accented letters) nor Welsh (all but
# untouched): 31 of 33; Big5 read as cp1252 (one document).
GAPS = {("misencoded", "Latin"): 0.93, ("misencoded", "Han"): 0.0}
problems = []


def pct(k, n):
    return "%.0f%%" % (100.0 * k / n) if n else "-"


def main():
    args = sys.argv[1:]
    check = args[:1] == ["--check"]
    args = args[1:] if check else args
    corpus, grist = args[0], args[1]
    before = args[2] if len(args) > 2 else None
    tmp = tempfile.mkdtemp()
    runs = [("after", grist)] + ([("before", before)] if before else [])
    for name in ("translations", "prose", "junk"):
        path = os.path.join(corpus, name + ".jsonl")
        docs = [json.loads(l) for l in open(path, encoding="utf-8")]
        res = {label: kept_ids(g, path, tmp) for label, g in runs}
        if name == "translations":
            for label, _ in runs:
                kept, rules = res[label]
                k = sum(d["id"] in kept for d in docs)
                print("translations (%s): %d of %d languages kept (%s)" % (label, k, len(docs), pct(k, len(docs))))
                if label == "after" and k < 0.9 * len(docs):
                    problems.append("translations: %d of %d kept" % (k, len(docs)))
                miss = collections.Counter(rules.get(d["id"], "?") for d in docs if d["id"] not in kept)
                print("  rejected by: %s" % dict(miss.most_common()))
            print()
        elif name == "prose":
            groups = collections.defaultdict(list)
            src_of = {d["id"]: d["source"] for d in docs}
            for d in docs:
                groups[(d["genre"], d["lang"])].append(d["id"])
            print("| genre | lang | docs | kept before | kept after | after - English | top reject after |")
            print("|---|---|---|---|---|---|---|")
            for (genre, lang), ids in sorted(groups.items()):
                row = []
                for label, _ in runs:
                    kept, _r = res[label]
                    row.append(sum(i in kept for i in ids) / len(ids))
                en = groups.get((genre, "en"), [])
                en_after = sum(i in res["after"][0] for i in en) / len(en) if en else 0
                if genre == "man" and lang != "en":
                    # English on the same pages, weighted as this language's documents are:
                    # sources man:<lang>/manN/x.gz against man:manN/x.gz
                    per_page = collections.defaultdict(list)
                    for i in en:
                        per_page[src_of[i][4:]].append(i in res["after"][0])
                    pages = [src_of[i].split("/", 1)[1] for i in ids]
                    w = [sum(per_page[pg]) / len(per_page[pg]) for pg in pages if per_page.get(pg)]
                    en_after = sum(w) / len(w) if w else en_after
                if lang != "en" and len(ids) >= 30 and row[0] - en_after < -0.15:
                    problems.append("%s %s: %.0f%% kept, %.0f points below English" % (
                        genre, lang, 100 * row[0], 100 * (en_after - row[0])))
                top = collections.Counter(res["after"][1].get(i) for i in ids if i not in res["after"][0])
                b = "%.0f%%" % (100 * row[1]) if before else "-"
                print("| %s | %s | %d | %s | %.0f%% | %+.0f | %s |" % (
                    genre, lang, len(ids), b, 100 * row[0], 100 * (row[0] - en_after),
                    ", ".join("%s %d" % kv for kv in top.most_common(2))))
            print()
        else:
            groups = collections.defaultdict(list)
            for d in docs:
                groups[(d["genre"][5:], "English" if d["lang"] == "en" else d.get("script") or script(d["text"]))].append(d["id"])
            print("| junk | script (of the language) | docs | removed before | removed after |")
            print("|---|---|---|---|---|")
            for (kind, sc), ids in sorted(groups.items()):
                cells = []
                for label, _ in runs:
                    kept, _r = res[label]
                    cells.append(pct(sum(i not in kept for i in ids), len(ids)))
                print("| %s | %s | %d | %s | %s |" % (kind, sc, len(ids), cells[1] if before else "-", cells[0]))
                removed = sum(i not in res["after"][0] for i in ids) / len(ids)
                if removed < GAPS.get((kind, sc), 1.0):
                    problems.append("junk %s %s: %s removed" % (kind, sc, cells[0]))
            print()
    if check:
        for p in problems:
            print("check failed: " + p)
        print("check: %d problem(s)" % len(problems))
        sys.exit(1 if problems else 0)


main()
