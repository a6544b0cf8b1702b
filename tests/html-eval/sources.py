"""Real text from the Debian packages installed on this machine, for the HTML evaluation set.

man pages (English and translated: /usr/share/man/LANG/man1) are read from their roff source
with a small converter (no groff: the text must not depend on a formatter's version); package
descriptions come from /var/lib/dpkg/status; short texts (comments, forum replies, reviews)
from the fortune files in /usr/share/games/fortunes. Everything is sorted before sampling.
"""
import gzip
import os
import re

ESCAPES = {
    "aq": "'", "dq": '"', "em": "\u2014", "en": "\u2013", "hy": "-", "lq": "\u201c",
    "rq": "\u201d", "oq": "\u2018", "cq": "\u2019", "bu": "\u2022", "co": "\u00a9",
    "rg": "\u00ae", "tm": "\u2122", "mu": "\u00d7", "de": "\u00b0", "->": "\u2192",
    "<-": "\u2190", "ga": "`", "ti": "~", "ha": "^", "ba": "|", "rs": "\\", "lh": "",
    "rh": "", "Fo": "\u00ab", "Fc": "\u00bb", "fo": "\u2039", "fc": "\u203a", "pl": "+",
    "mi": "-", "eq": "=", "<=": "\u2264", ">=": "\u2265", "ss": "\u00df", "Sd": "\u00f0",
}


def unescape(s):
    s = re.sub(r"\\f(\(..|\[[^\]]*\]|.)", "", s)
    s = re.sub(r"\\s[+-]?\d", "", s)
    s = re.sub(r"\\\((..)", lambda m: ESCAPES.get(m.group(1), ""), s)
    s = re.sub(r"\\\[([^\]]*)\]", lambda m: ESCAPES.get(m.group(1), ""), s)
    s = re.sub(r"\\\*(\(..|\[[^\]]*\]|.)", "", s)
    s = re.sub(r"\\[nk](\(..|\[[^\]]*\]|.)", "", s)
    s = re.sub(r"\\[hvwlLoDNRSXZbx]'[^']*'", "", s)
    s = s.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "").replace("\\|", "")
    s = s.replace("\\^", "").replace("\\ ", " ").replace("\\~", " ").replace("\\c", "")
    s = s.replace("\\0", " ").replace("\\%", "").replace("\\:", "").replace("\\/", "")
    s = s.replace("\\,", "").replace("\\)", "").replace("\\'", "'").replace("\\`", "`")
    s = re.sub(r"\\.", "", s)
    return s


def macro_args(rest):
    args = re.findall(r'"((?:[^"]|"")*)"|(\S+)', rest)
    return " ".join((a or b).replace('""', '"') for a, b in args)


def read_man(path):
    """A man page as {'name', 'title', 'sections': [(heading, [block])]}.

    A block is ('p', text), ('pre', text) or ('dl', [(term, text)])."""
    raw = gzip.open(path, "rb").read().decode("utf-8", "replace")
    sections, cur, para, pre, term = [], None, [], None, None
    dl = []

    def flush():
        nonlocal para, term
        text = " ".join(para).strip()
        text = re.sub(r"\s+", " ", text)
        if cur is not None and text:
            if term is not None:
                dl.append((term, text))
            else:
                flush_dl()
                cur[1].append(("p", text))
        para, term = [], None

    def flush_dl():
        nonlocal dl
        if dl and cur is not None:
            cur[1].append(("dl", dl))
        dl = []

    want_term = False
    for line in raw.split("\n"):
        if pre is not None:
            if re.match(r"^\.(fi|EE)\b", line):
                if cur is not None and "".join(pre).strip():
                    cur[1].append(("pre", "\n".join(pre).rstrip()))
                pre = None
            elif not line.startswith((".", "'")):
                pre.append(unescape(line))
            continue
        if line.startswith((".", "'")):
            m = re.match(r"^[.'](\S*)\s*(.*)$", line)
            mac, rest = m.group(1), m.group(2)
            if mac in ("SH", "SS"):
                flush()
                flush_dl()
                cur = (unescape(macro_args(rest)).strip(), [])
                sections.append(cur)
            elif mac in ("PP", "LP", "P", "sp", "br", "RS", "RE", "IP", "in"):
                flush()
                if mac in ("PP", "LP", "P", "RE"):
                    flush_dl()
                if mac == "IP" and rest.strip():
                    first = re.findall(r'"((?:[^"]|"")*)"|(\S+)', rest)[0]
                    term = unescape(first[0] or first[1]).strip()
            elif mac in ("TP", "TQ"):
                flush()
                want_term = True
            elif mac in ("nf", "EX"):
                flush()
                flush_dl()
                pre = []
            elif mac in ("B", "I", "BR", "IR", "RB", "RI", "BI", "IB", "SM", "SB"):
                t = unescape(macro_args(rest) if mac in ("B", "I", "SM", "SB")
                             else "".join(a or b for a, b in re.findall(r'"([^"]*)"|(\S+)', rest)))
                if want_term:
                    want_term = False
                    term = t.strip()
                else:
                    para.append(t)
            elif mac in ("UR", "UE", "MT", "ME"):
                continue
            continue
        t = unescape(line)
        if want_term:
            want_term = False
            term = t.strip()
            continue
        if not line.strip():
            flush()
            continue
        para.append(t)
    flush()
    flush_dl()
    name = ""
    for h, blocks in sections:
        if blocks and blocks[0][0] == "p" and " - " in blocks[0][1]:
            name = blocks[0][1]
            break
    sections = [s for s in sections if s[1]]
    return {"name": name, "sections": sections, "path": path}


def man_pages(lang, limit_bytes=(3000, 60000)):
    """Sorted paths of man1 pages of a language ('' for English) within a size range."""
    d = "/usr/share/man/%s/man1" % lang if lang else "/usr/share/man/man1"
    out = []
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        if not f.endswith(".gz") or os.path.islink(p):
            continue
        if limit_bytes[0] <= os.path.getsize(p) <= limit_bytes[1]:
            out.append(p)
    return out


def fortunes(name="fortunes"):
    """The fortunes of one file (prose ones: at most 400 characters, no ASCII art)."""
    p = os.path.join("/usr/share/games/fortunes", name)
    data = open(p, "rb").read().decode("utf-8", "replace")
    out = []
    for f in data.split("\n%\n"):
        f = f.strip()
        if not f or len(f) > 400 or re.search(r"[|_\\/]{3,}|  {4,}", f):
            continue
        out.append(re.sub(r"\s+", " ", f))
    return out


def packages():
    """Installed packages from /var/lib/dpkg/status with a long description, sorted by name."""
    text = open("/var/lib/dpkg/status", encoding="utf-8", errors="replace").read()
    out = []
    for stanza in text.split("\n\n"):
        f, last = {}, None
        for line in stanza.split("\n"):
            if line.startswith((" ", "\t")) and last:
                f[last] += "\n" + line
            elif ":" in line:
                last, v = line.split(":", 1)
                f[last] = v.strip()
        if "Package" not in f or "Description" not in f:
            continue
        lines = f["Description"].split("\n")
        paras, cur = [], []
        for l in lines[1:]:
            l = l.strip()
            if l == ".":
                if cur:
                    paras.append(" ".join(cur))
                cur = []
            else:
                cur.append(l)
        if cur:
            paras.append(" ".join(cur))
        if sum(len(p) for p in paras) < 300:
            continue
        f["summary"] = lines[0]
        f["paras"] = paras
        out.append(f)
    out.sort(key=lambda f: f["Package"])
    return out
