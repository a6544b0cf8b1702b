#!/usr/bin/env python3
"""Extracts the per-language filter values clean uses from a FineWeb-2 checkout.

usage: extract_fineweb2.py FINEWEB2_DIR > clean/lang/fineweb2.tsv

FineWeb-2 (https://github.com/huggingface/fineweb-2, Apache-2.0; Penedo et al. 2025,
arXiv:2506.20920) tuned its filters per language and published them as
configs/<iso639-3>_<script>.yml. This keeps, for every language that has an ISO 639-1 code
(the codes `grist clean` writes in `lang`), one config: the macrolanguage's main member where
ISO 639-1 names a macrolanguage (ar -> arb, zh -> cmn, ...), and the language's own script
where FineWeb-2 also has a romanized one. Columns: code, config, min_avg_word_length,
max_avg_word_length, line_punct_thr, stopwords (a JSON array: FineWeb-2 derived them from the
most frequent words of each language's Wikipedia), ngrams (a JSON object: top_n_grams and
dup_n_grams, n -> fraction). Standard library only; the YAML subset of
those files is read by hand.
"""
import json
import os
import re
import sys

ISO = "/usr/share/iso-codes/json/iso_639-3.json"  # Debian iso-codes
# ISO 639-1 codes of macrolanguages -> the member FineWeb-2 has data for
MACRO = {"ar": "arb", "zh": "cmn", "et": "ekk", "ku": "kmr", "lv": "lvs", "ms": "zsm",
         "no": "nob", "sw": "swh", "fa": "pes", "uz": "uzn", "sq": "als", "ne": "npi",
         "az": "azj", "mn": "khk", "ps": "pbt", "or": "ory", "om": "gaz", "yi": "ydd",
         "gn": "gug", "qu": "quy", "tl": "fil", "ay": "ayr", "kr": "kau", "lah": "pnb",
         "ms_": "zsm", "zza": "diq", "oc": "oci", "ff": "fuc", "kv": "kpv", "mg": "plt",
         "bh": "bho", "ik": "esk", "iu": "ike", "cr": "crk", "oj": "ojb", "sc": "src",
         "ki": "kik", "kg": "kng", "din": "dik", "luy": "lus"}
# where FineWeb-2 has several scripts for one language, the one CLD2's language is written in
SCRIPT = {"ro": "Latn", "sr": "Cyrl", "tt": "Cyrl", "tk": "Latn", "ug": "Arab", "ks": "Arab",
          "sd": "Arab", "ur": "Arab", "pa": "Guru", "hi": "Deva", "mr": "Deva", "sa": "Deva",
          "bn": "Beng", "as": "Beng", "gu": "Gujr", "kn": "Knda", "ml": "Mlym", "ta": "Taml",
          "te": "Telu", "az": "Latn", "uz": "Latn", "ku": "Latn", "mn": "Cyrl"}


def scalar(text, key):
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return float(line.split(":", 1)[1])
    raise KeyError(key)


def ngrams(text):
    out = {}
    for key in ("top_n_grams", "dup_n_grams"):
        m = re.search(key + r":\n((?:- - \d+\n  - [0-9.]+\n)+)", text)
        if m:
            for n, v in re.findall(r"- - (\d+)\n  - ([0-9.]+)", m.group(1)):
                out[n] = float(v)
    return out


def yaml_dq(v):
    """A YAML double-quoted scalar: JSON's escapes plus \\xHH and \\UHHHHHHHH."""
    v = re.sub(r"\\x([0-9A-Fa-f]{2})", r"\\u00\1", v)
    v = re.sub(r"\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1), 16)), v)
    return json.loads(v)


def stopwords(text):
    out, on = [], False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("stopwords:"):
            on = True
            continue
        if on:
            if line.startswith("  "):
                continue  # continuation of a folded scalar, joined below
            if not line.startswith("- "):
                break
            v = line[2:].strip()
            k = i + 1
            while v.startswith('"') and k < len(lines) and lines[k].startswith("  "):
                # a folded double-quoted scalar: a line break is a space, unless escaped
                cont = lines[k].strip()
                v = v[:-1] + cont.lstrip("\\") if v.endswith("\\") else v + " " + cont
                k += 1
            if v.startswith('"'):
                v = yaml_dq(v)
            elif v.startswith("'"):
                v = v[1:-1].replace("''", "'")
            out.append(str(v))
    return out


def main():
    root = sys.argv[1]
    p1 = {}
    for e in json.load(open(ISO))["639-3"]:
        if "alpha_2" in e:
            p1[e["alpha_3"]] = e["alpha_2"]
    configs = {}
    for f in sorted(os.listdir(os.path.join(root, "configs"))):
        lang, script = f[:-4].split("_", 1)
        configs.setdefault(lang, {})[script] = f
    codes = sorted(set(p1.values()) | set(MACRO))
    inv = {v: k for k, v in p1.items()}
    print("# code\tconfig\tmin_avg_word_length\tmax_avg_word_length\tline_punct_thr\tstopwords\tngrams")
    for code in codes:
        l3 = MACRO.get(code) or inv.get(code)
        if not l3 or l3 not in configs:
            continue
        scripts = configs[l3]
        want = SCRIPT.get(code)
        if want and want in scripts:
            f = scripts[want]
        else:
            non_latin = [s for s in sorted(scripts) if s != "Latn"]
            f = scripts[non_latin[0]] if len(scripts) > 1 and non_latin else scripts[sorted(scripts)[0]]
        text = open(os.path.join(root, "configs", f), encoding="utf-8").read()
        print("\t".join([code, f[:-4], "%g" % scalar(text, "min_avg_word_length"),
                         "%g" % scalar(text, "max_avg_word_length"),
                         "%g" % scalar(text, "line_punct_thr"),
                         json.dumps(stopwords(text), ensure_ascii=False),
                         json.dumps(ngrams(text), sort_keys=True)]))


main()
