#!/usr/bin/env python3
"""Hand labels of tests/html-real: the expected main text of each page (README.md, "Rules").

    label.py dump PAGE.html      the page's whole text, a numbered line per block, to label from
    label.py make [DIR]          DIR/NAME.txt (default expected/) for every page, from labels.txt

The whole text comes from Python's html.parser (not from grist, not from Readability): every
block element starts a line, <pre> keeps its lines, script/style/head are dropped. A label is
the list of line ranges a person chose as the page's main content after reading the page, with
lines inside them to drop, in labels.txt:

    == NAME                      a page (pages/NAME.html)
    keep START .. END            the lines from the first matching START to the next matching END
    keep START ..< END           the same without the END line
    skip START .. END            move past lines without keeping them (ranges are found in order,
                                 each after the end of the one before)
    drop REGEX                   drop lines matching REGEX inside the kept ranges
    text WORDS                   a line of expected text the dump cannot cut out (rare)

START, END and REGEX are Python regular expressions searched in a line (leading/trailing
whitespace stripped). A range that does not match is an error: labels never silently shrink.
"""
import html.parser
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCK = set("address article aside blockquote body br caption center dd details dialog dir div dl "
            "dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main menu nav "
            "ol p pre section summary table tbody td tfoot th thead tr ul".split())
SKIP = {"script", "style", "head", "noscript", "template", "svg", "button", "select", "textarea"}


class Dump(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.cur, self.skip, self.pre = [], [], 0, 0

    def flush(self):
        t = "".join(self.cur)
        self.cur = []
        if self.pre:
            self.lines.extend(t.split("\n"))
        else:
            t = re.sub(r"\s+", " ", t).strip()
            if t:
                self.lines.append(t)

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCK:
            self.flush()
            self.pre += tag == "pre"

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.flush()
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data):
        if not self.skip:
            self.cur.append(data)


def charset_of(raw):
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096])
    cs = m.group(1).decode().lower() if m else "utf-8"
    return "cp1252" if cs in ("iso-8859-1", "latin1", "us-ascii") else cs


def dump(path):
    raw = open(path, "rb").read()
    d = Dump()
    d.feed(raw.decode(charset_of(raw), errors="replace"))
    d.close()
    d.flush()
    return [l.rstrip() for l in d.lines if l.strip()]


def make(outdir):
    labels, name = {}, None
    for n, line in enumerate(open(os.path.join(HERE, "labels.txt"), encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("== "):
            name = line[3:].strip()
            labels[name] = []
        else:
            op, _, arg = line.strip().partition(" ")
            labels[name].append((op, arg, n))
    pages = sorted(f[:-5] for f in os.listdir(os.path.join(HERE, "pages")) if f.endswith(".html"))
    missing = set(pages) - set(labels)
    if missing:
        sys.exit("label.py: pages without a label: %s" % " ".join(sorted(missing)))
    os.makedirs(outdir, exist_ok=True)
    for name in pages:
        lines = dump(os.path.join(HERE, "pages", name + ".html"))
        keep = [False] * len(lines)
        extra = []
        cur = 0  # ranges are found in order: each starts after the end of the one before
        for op, arg, n in labels[name]:
            if op in ("keep", "skip"):
                excl = " ..< " in arg
                a, b = arg.split(" ..< " if excl else " .. ")
                s = next((i for i in range(cur, len(lines)) if re.search(a, lines[i].strip())), None)
                e = next((i for i in range(s + excl if s is not None else len(lines), len(lines))
                          if re.search(b, lines[i].strip())), None)
                if s is None or e is None:
                    sys.exit("labels.txt:%d: %s: range %r does not match" % (n, name, arg))
                e -= excl
                for i in range(s, e + 1):
                    keep[i] = keep[i] or op == "keep"
                cur = e + 1
            elif op == "drop":
                hit = [i for i, l in enumerate(lines) if keep[i] and re.search(arg, l.strip())]
                if not hit:
                    sys.exit("labels.txt:%d: %s: drop %r matches nothing" % (n, name, arg))
                for i in hit:
                    keep[i] = False
            elif op == "text":
                extra.append(arg)
            else:
                sys.exit("labels.txt:%d: unknown %r" % (n, op))
        text = "\n".join(extra + [l for i, l in enumerate(lines) if keep[i]]) + "\n"
        with open(os.path.join(outdir, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        for i, l in enumerate(dump(sys.argv[2]), 1):
            print("%4d %s" % (i, l))
    elif sys.argv[1:2] == ["make"]:
        make(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "expected"))
    else:
        sys.exit(__doc__)
