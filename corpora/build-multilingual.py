#!/usr/bin/env python3
"""Builds the multilingual acceptance corpus for `grist clean` from what Debian installs.

usage: build-multilingual.py OUT_DIR

Writes JSONL records {"id", "lang", "genre", "source", "text"} (lang = the source's language,
not a detector's guess):
  translations.jsonl  the same text in every language: 60 messages of GTK 3, GLib,
                      gdk-pixbuf and AT-SPI (/usr/share/locale/*/LC_MESSAGES/*.mo, read with
                      Python's gettext), chosen once from the English originals (at least six
                      words, no format directives, markup or line breaks, no two sharing their
                      first three words, most translated first); one document per language
                      holding its translations of them, one per line, when it has at least 45
                      (a translation two messages share is written once);
  prose.jsonl         natural prose of two genres: "man": paragraphs of the man pages under
                      /usr/share/man/<lang>/ and of the English originals of the same pages
                      (/usr/share/man/man*/), roff stripped, paragraphs of at least 12 words
                      (Chinese and Japanese: 1.5 characters a word, nwords()),
                      documents of consecutive paragraphs of 120-400 words (at most 150 per
                      language, fixed seed; English: every document of every translated page,
                      so each language can be compared with English on the same pages); "fortune": one document per fortune of the
                      fortunes, fortunes-de/-es/-it/-ru/-pl/-cs/-zh packages (as `make demo`
                      ingests them; at most 400 per language);
  junk.jsonl          junk made from each language's own words (the prose and translations
                      above), five kinds: "boilerplate" (menu and footer lines of 1-3 words and
                      a repeated copyright line), "keywords" (80 words of the language joined
                      by ", " or " | ", no sentences), "repeated" (one sentence 12 times),
                      "symbols" (runs of symbols and digits around a few words), "misencoded"
                      (the text in its legacy code page read as another: cp1251/gbk/shift_jis/
                      cp1250/... bytes decoded as cp1252, or Latin text read as cp1251).
Standard library only; deterministic.
"""
import collections
import gettext
import glob
import gzip
import json
import os
import random
import re
import sys

LOCALE = "/usr/share/locale"
MAN = "/usr/share/man"
FORTUNES = "/usr/share/games/fortunes"
DOMAINS = ["gtk30", "glib20", "gdk-pixbuf", "at-spi2-core", "gtk30-properties"]
ROFF_ESC = re.compile(r"\\f[BIRP]|\\f\(..|\\f\[[A-Z]*\]|\\\(..|\\\[[a-z]+\]|\\[-&e|^~0:]|"
                      r"\\s[-+]?\d|\\\*\(..|\\\*.|\\c")
LEGACY = {"ru": "cp1251", "uk": "cp1251", "sr": "cp1251", "bg": "cp1251", "zh": "gbk",
          "ja": "shift_jis", "ko": "euc_kr", "pl": "cp1250", "cs": "cp1250", "hu": "cp1250",
          "hr": "cp1250", "sl": "cp1250", "ro": "cp1250", "el": "cp1253", "tr": "cp1254",
          "he": "cp1255", "ar": "cp1256", "fa": "cp1256", "th": "cp874", "vi": "cp1258"}


def lang_of(locale_dir):
    base = locale_dir.split("@")[0]
    code = base.split("_")[0].lower()
    if base in ("zh_TW", "zh_HK"):
        return "zh-Hant"
    if base in ("pt_BR",):
        return "pt-BR"
    return code


def catalogs():
    langs = collections.defaultdict(dict)
    for dom in DOMAINS:
        for f in sorted(glob.glob("%s/*/LC_MESSAGES/%s.mo" % (LOCALE, dom))):
            loc = f.split("/")[4]
            if "@" in loc or loc in ("en_GB", "en_CA", "en_AU", "en@shaw"):
                continue
            try:
                cat = gettext.GNUTranslations(open(f, "rb"))._catalog
            except Exception:
                continue
            for k, v in cat.items():
                if isinstance(k, str) and isinstance(v, str) and v and v != k:
                    langs[loc].setdefault(k, v)
    return langs


def translations(out, rng):
    langs = catalogs()
    count = collections.Counter(k for c in langs.values() for k in c)
    ok = [k for k in count if len(k.split()) >= 6 and not re.search(r"%|\n|_|<|\{|\\", k)]
    ok.sort(key=lambda k: (-count[k], not k.endswith("."), k))
    chosen, prefixes = [], set()
    for k in ok:
        p = " ".join(k.lower().split()[:3])
        if p in prefixes:
            continue
        prefixes.add(p)
        chosen.append(k)
        if len(chosen) == 60:
            break
    docs = [("en", "en", "\n".join(chosen))]
    for loc in sorted(langs):
        # a translation that two messages share is given once: the English original has no
        # repeated line, and FineWeb's duplicate-line rule must not see one the corpus made
        lines = list(dict.fromkeys(langs[loc][k].replace("\n", " ") for k in chosen if k in langs[loc]))
        if len(lines) >= 45:
            docs.append((loc, lang_of(loc), "\n".join(lines)))
    with open(out, "w", encoding="utf-8") as f:
        for loc, lang, text in docs:
            f.write(json.dumps({"id": "ui:" + loc, "lang": lang, "genre": "ui-translations",
                                "source": "locale:" + loc, "text": text}, ensure_ascii=False) + "\n")
    return docs


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def nwords(text):
    """Words for sizing paragraphs and documents: white-space words, and in Chinese and
    Japanese (written without spaces) one word per 1.5 characters, the mean word length of
    Chinese. Counting only white-space words kept a Chinese paragraph of prose (a few "words")
    out of the corpus while its paragraphs of code and option lists got in: 27% of the zh man
    documents held a '{' against 12% of English ones on the same pages."""
    cjk = len(CJK.findall(text))
    return len([w for w in text.split() if not CJK.search(w)]) + int(cjk / 1.5)


def man_paragraphs(path):
    try:
        raw = gzip.open(path, "rt", encoding="utf-8", errors="strict").read()
    except (UnicodeDecodeError, OSError, EOFError):
        return []
    paras, cur = [], []
    for line in raw.split("\n"):
        if line.startswith((".", "'")):
            m = re.match(r"^\.(?:B|I|BR|IR|RB|BI|IB)\s+(.*)", line)
            if m:
                cur.append(m.group(1).replace('"', ""))
                continue
            if re.match(r"^\.(?:PP|P|LP|TP|IP|SH|SS|sp|br|HP|RS|RE)\b", line) and cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        cur.append(line)
    if cur:
        paras.append(" ".join(cur))
    out = []
    for p in paras:
        p = re.sub(r"\s+", " ", ROFF_ESC.sub("", p)).strip()
        if nwords(p) >= 12:
            out.append(p)
    return out


def man_docs(rng):
    by_lang = collections.defaultdict(list)
    translated = set()
    for d in sorted(glob.glob(MAN + "/*/")):
        loc = os.path.basename(d.rstrip("/"))
        if loc.startswith("man") or "." in loc:
            continue
        for p in sorted(glob.glob(d + "man*/*.gz")):
            translated.add(os.path.relpath(p, d))
            by_lang[lang_of(loc)].append(p)
    by_lang["en"] = [MAN + "/" + r for r in sorted(translated) if os.path.exists(MAN + "/" + r)]
    docs = []
    for lang in sorted(by_lang):
        pool = []
        for p in by_lang[lang]:
            paras = man_paragraphs(p)
            i = 0
            while i < len(paras):
                want, words, cur = rng.randint(120, 400), 0, []
                while i < len(paras) and words < want:
                    cur.append(paras[i])
                    words += nwords(paras[i])
                    i += 1
                if words >= 120:
                    pool.append((os.path.relpath(p, MAN), "\n".join(cur)))
        rng.shuffle(pool)
        for src, text in pool if lang == "en" else pool[:150]:
            docs.append((lang, "man", "man:" + src, text))
    return docs


def fortune_docs(rng):
    sets = {"en": [FORTUNES + "/" + n for n in ("wisdom", "literature", "people", "politics",
                                                "science", "work", "education", "humorists",
                                                "miscellaneous", "platitudes", "love", "law")]}
    for lang in ("de", "es", "it", "ru", "pl", "cs"):
        sets[lang] = sorted(p for p in glob.glob(FORTUNES + "/%s/*" % lang)
                            if not p.endswith((".dat", ".u8")) and not os.path.islink(p)
                            and not os.path.isdir(p))
    sets["zh"] = [FORTUNES + "/chinese", FORTUNES + "/tang300", FORTUNES + "/song100"]
    docs = []
    for lang in sorted(sets):
        pool = []
        for p in sets[lang]:
            path = p + ".u8" if os.path.exists(p + ".u8") else p
            try:
                data = open(path, encoding="utf-8").read()
            except (OSError, UnicodeDecodeError):
                continue
            for k, q in enumerate(data.split("\n%\n")):
                if q.strip():
                    pool.append(("fortune:%s:%d" % (os.path.relpath(p, FORTUNES), k + 1), q.strip()))
        rng.shuffle(pool)
        for src, text in pool[:400]:
            docs.append((lang, "fortune", src, text))
    return docs


def junk_docs(texts, rng):
    """texts: lang -> list of natural texts in that language."""
    docs = []
    for lang in sorted(texts):
        words = [w.strip(".,;:!?()[]\"'«»“”„‘’。、，！？：；（）「」") for t in texts[lang]
                 for w in t.split()]
        words = [w for w in words if any(c.isalpha() for c in w)]
        sents = [s for t in texts[lang] for s in re.split(r"(?<=[.!?。！？])\s*", t)
                 if 20 <= len(s) <= 200]
        if len(words) < 100 or not sents:
            continue
        big = max(texts[lang], key=len)
        # boilerplate: navigation, footer
        menu = ["%s %s" % (rng.choice(words), rng.choice(words)) for _ in range(20)]
        boiler = "\n".join(menu + ["© 2024 %s %s" % (rng.choice(words), rng.choice(words))] * 6 +
                           [rng.choice(words) for _ in range(15)])
        keywords = (", " if rng.random() < 0.5 else " | ").join(rng.choice(words) for _ in range(80))
        repeated = "\n".join([rng.choice(sents)] * 12)
        sym = "".join(rng.choice("#$%&*+=<>|~^@/\\[]{}()0123456789") for _ in range(400))
        symbols = "\n".join(sym[i:i + 40] + " " + rng.choice(words) for i in range(0, 400, 40))
        codec = LEGACY.get(lang.split("-")[0])
        try:
            if codec:
                mis = big.encode(codec, "replace").decode("cp1252", "replace")
            else:
                mis = big.encode("cp1252", "replace").decode("cp1251", "replace")
        except LookupError:
            mis = None
        kinds = [("boilerplate", boiler), ("keywords", keywords), ("repeated", repeated),
                 ("symbols", symbols)]
        if mis and mis != big:
            kinds.append(("misencoded", mis))
        for kind, text in kinds:
            docs.append((lang, "junk-" + kind, "junk:%s:%s" % (lang, kind), text))
    return docs


def script(text):
    """The script most of the letters are in (Unicode character names' first word)."""
    import unicodedata
    c = collections.Counter()
    for ch in text:
        if unicodedata.category(ch).startswith("L"):
            name = unicodedata.name(ch, "?").split()[0]
            c["Han" if name == "CJK" else "Kana" if name in ("HIRAGANA", "KATAKANA") else name.title()] += 1
    if c["Kana"]:
        return "Japanese"
    return c.most_common(1)[0][0] if c else "?"


def write(path, docs, scripts=None):
    with open(path, "w", encoding="utf-8") as f:
        for i, (lang, genre, src, text) in enumerate(docs):
            r = {"id": "%s:%d" % (genre, i), "lang": lang, "genre": genre, "source": src, "text": text}
            if scripts is not None:
                r["script"] = scripts.get(lang, "?")  # of the language's real text
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(14)
    ui = translations(out + "/translations.jsonl", rng)
    prose = man_docs(rng) + fortune_docs(rng)
    write(out + "/prose.jsonl", prose)
    texts = collections.defaultdict(list)
    for lang, genre, src, text in prose:
        texts[lang].append(text)
    for loc, lang, text in ui:
        texts.setdefault(lang, []).append(text)
    scripts = {lang: script(" ".join(t[:3])) for lang, t in texts.items()}
    write(out + "/junk.jsonl", junk_docs(texts, rng), scripts)


main()
