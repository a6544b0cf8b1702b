#!/usr/bin/python3
"""Build the demo fine-tuning set from installed Debian text: build-chat-demo.py DIR [MAX].

Conversations about commands, from man pages (English and the translated ones): the user asks
what a command does, the assistant answers with the page's NAME line and the first paragraph of
its DESCRIPTION; a follow-up asks for the synopsis. Plus fortunes as "tell me one" exchanges.
Written in three layouts that `grist ingest --chat` reads (docs/chat.md):
  DIR/man-openai.jsonl    OpenAI-style {"messages":[...]} (English pages, with a system prompt)
  DIR/man-sharegpt.jsonl  ShareGPT-style {"conversations":[{"from","value"}]} (translated pages)
  DIR/fortunes-alpaca.json an Alpaca-style JSON array (instruction/input/output)
Standard library only; deterministic (sorted file lists, no randomness).
"""
import gzip
import json
import os
import re
import sys

OUT = sys.argv[1]
MAX = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
QUESTION = {
    "en": ("What does the command `{}` do?", "Show me how to call it.", "You are a concise Unix assistant."),
    "de": ("Was macht der Befehl `{}`?", "Wie rufe ich ihn auf?", None),
    "fr": ("Que fait la commande `{}` ?", "Comment l'appeler ?", None),
    "es": ("¿Qué hace la orden `{}`?", "¿Cómo se invoca?", None),
    "pl": ("Co robi polecenie `{}`?", "Jak je wywołać?", None),
    "ru": ("Что делает команда `{}`?", "Как её вызвать?", None),
}


def roff_text(line):
    """Visible text of one roff line: fonts and escapes dropped, requests skipped."""
    if line.startswith(".\\\"") or line.startswith("'\\\""):
        return ""
    if line.startswith("."):
        m = re.match(r"\.(B|I|BR|BI|IR|IB|RB|RI|SM)\s+(.*)", line)
        if not m:
            return ""
        line = m.group(2).replace('"', "")
    line = re.sub(r"\\\*(\(..|\[[^]]*\]|.)", "", line)
    line = re.sub(r"\\s[+-]?\d+", "", line)
    line = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", line)
    line = re.sub(r"\\\(..|\\\[[^]]*\]", "", line)
    line = line.replace("\\-", "-").replace("\\ ", " ").replace("\\&", "").replace("\\,", "").replace("\\/", "")
    line = re.sub(r"\\.", "", line)
    return line.strip()


def sections(path):
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    secs, cur = [], None
    for line in lines:
        if line.startswith(".SH"):
            cur = []
            secs.append((line[3:].strip().strip('"'), cur))
        elif cur is not None:
            t = roff_text(line)
            if line.startswith((".PP", ".P", ".LP", ".TP", ".IP")) and cur and cur[-1] != "":
                cur.append("")
            elif t:
                cur.append(t)
    return secs


def conversation(page, lang):
    secs = sections(page)
    if not secs or len(secs) < 3:
        return None
    name = " ".join(secs[0][1]).strip()
    if " - " not in name:
        return None
    cmd = name.split(" - ")[0].split(",")[0].strip()
    synopsis = " ".join(x for x in secs[1][1] if x)[:300]
    desc = []
    for x in secs[2][1]:
        if x == "" and desc:
            break
        if x:
            desc.append(x)
    desc = " ".join(desc)[:800]
    if not cmd or not desc or not synopsis or not re.match(r"^[\w.+-]+$", cmd):
        return None
    q1, q2, system = QUESTION[lang]
    turns = [("user", q1.format(cmd)), ("assistant", f"{name}. {desc}"),
             ("user", q2), ("assistant", f"`{synopsis}`")]
    return cmd, system, turns


def man_pages(lang):
    base = "/usr/share/man/man1" if lang == "en" else f"/usr/share/man/{lang}/man1"
    try:
        return [os.path.join(base, f) for f in sorted(os.listdir(base)) if f.endswith(".gz")]
    except OSError:
        return []


def fortunes(limit):
    out = []
    base = "/usr/share/games/fortunes"
    for f in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        p = os.path.join(base, f)
        if not os.path.isfile(p) or "." in f:
            continue
        try:
            text = open(p, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError):
            continue
        for entry in text.split("\n%\n"):
            entry = entry.strip()
            if 20 <= len(entry) <= 600:
                out.append((f, entry))
            if len(out) >= limit:
                return out
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    n = 0
    with open(os.path.join(OUT, "man-openai.jsonl"), "w", encoding="utf-8") as f:
        for page in man_pages("en"):
            c = conversation(page, "en")
            if not c:
                continue
            cmd, system, turns = c
            msgs = [{"role": "system", "content": system}] + [{"role": r, "content": t} for r, t in turns]
            f.write(json.dumps({"id": f"man-en-{cmd}", "messages": msgs}, ensure_ascii=False) + "\n")
            n += 1
            if n >= MAX:
                break
    m = 0
    with open(os.path.join(OUT, "man-sharegpt.jsonl"), "w", encoding="utf-8") as f:
        for lang in ("de", "fr", "es", "pl", "ru"):
            for page in man_pages(lang):
                c = conversation(page, lang)
                if not c:
                    continue
                cmd, _, turns = c
                conv = [{"from": "human" if r == "user" else "gpt", "value": t} for r, t in turns]
                f.write(json.dumps({"id": f"man-{lang}-{cmd}", "conversations": conv}, ensure_ascii=False) + "\n")
                m += 1
    fs = fortunes(MAX)
    alpaca = [{"instruction": "Tell me a saying from the fortune file.", "input": topic, "output": text}
              for topic, text in fs]
    with open(os.path.join(OUT, "fortunes-alpaca.json"), "w", encoding="utf-8") as f:
        json.dump(alpaca, f, ensure_ascii=False, indent=1)
    print(f"chat demo: {n} English and {m} translated man-page conversations, {len(fs)} fortunes in {OUT}")


main()
