#!/usr/bin/env python3
"""Build a labelled multilingual set for `grist clean --lang` from installed Debian packages.

Sources (label = the package's language):
  - fortune files: fortunes (en), fortunes-de, fortunes-es, fortunes-it, fortunes-ru,
    fortunes-zh (zh): one document per fortune of at least MIN chars;
  - translated man pages under /usr/share/man/<lang>/ (manpages-* and packages' own
    translations): roff markup stripped, text cut into documents of about 300-600 chars.
At most PER documents per language, chosen with a fixed seed. Writes JSONL records
{"id", "label", "source", "text"} to OUT.
Usage: clean_langid_set.py OUT [PER] [MIN]
"""
import glob, gzip, json, os, random, re, sys

FORTUNES = "/usr/share/games/fortunes"
MAN = "/usr/share/man"

def fortunes(paths):
    for p in paths:
        if p.endswith((".dat", ".u8")) or os.path.isdir(p):
            continue
        u8 = p + ".u8"
        path = u8 if os.path.exists(u8) else p
        try:
            data = open(path, encoding="utf-8", errors="strict").read()
        except (UnicodeDecodeError, OSError):
            continue
        for f in data.split("\n%\n"):
            yield path, f.strip()

ROFF_ESC = re.compile(r"\\f[BIRP]|\\f\(..|\\\(..|\\[-&e|^]|\\s[-+]?\d|\\\*\(..|\\\*.")

def man_text(path):
    try:
        raw = gzip.open(path, "rt", encoding="utf-8", errors="strict").read()
    except (UnicodeDecodeError, OSError, EOFError):
        return ""
    out = []
    for line in raw.split("\n"):
        if line.startswith((".", "'")):
            m = re.match(r"^\.(?:B|I|BR|IR|RB|BI|IB|SH|SS)\s+(.*)", line)
            if not m:
                continue
            line = m.group(1).replace('"', "")
        out.append(ROFF_ESC.sub("", line))
    return re.sub(r"\s+", " ", " ".join(out)).strip()

def chunks(text, rng):
    words = text.split(" ")
    i = 0
    while i < len(words):
        n = rng.randint(50, 100)
        yield " ".join(words[i:i + n])
        i += n

def main():
    out, per = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200
    minlen = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    rng = random.Random(42)
    docs = {}
    def add(label, src, text):
        if len(text) >= minlen:
            docs.setdefault(label, []).append((src, text))
    en = [p for p in glob.glob(FORTUNES + "/*") if os.path.basename(p) in
          ("wisdom", "literature", "people", "politics", "science", "work", "education",
           "humorists", "miscellaneous", "platitudes", "love", "pets", "law")]
    for label, paths in (("en", en), ("de", glob.glob(FORTUNES + "/de/*")),
                         ("es", glob.glob(FORTUNES + "/es/*")), ("it", glob.glob(FORTUNES + "/it/*")),
                         ("ru", glob.glob(FORTUNES + "/ru/*")),
                         ("zh", [FORTUNES + "/chinese", FORTUNES + "/tang300", FORTUNES + "/song100"])):
        for src, f in fortunes(paths):
            add(label, "fortune:" + os.path.relpath(src, FORTUNES), f)
    for d in sorted(glob.glob(MAN + "/*/")):
        lang = os.path.basename(d.rstrip("/"))
        if lang.startswith("man") or "." in lang:
            continue
        label = lang.split("_")[0]
        for p in sorted(glob.glob(d + "man*/*.gz")):
            for c in chunks(man_text(p), rng):
                add(label, "man:" + os.path.relpath(p, MAN), c)
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for label in sorted(docs):
            pool = docs[label]
            rng.shuffle(pool)
            for src, text in pool[:per]:
                f.write(json.dumps({"id": n, "label": label, "source": src, "text": text},
                                   ensure_ascii=False) + "\n")
                n += 1

if __name__ == "__main__":
    main()
