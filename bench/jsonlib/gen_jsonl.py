#!/usr/bin/env python3
"""Generate a JSONL benchmark corpus by sampling sentences from Debian-shipped text.

Usage: gen_jsonl.py OUT [MB] [SEED]
Text comes from /usr/share/common-licenses/* and /usr/share/doc/**/*.gz (zcat'ed);
each record's text is 1-8 KB assembled from randomly sampled sentences (never whole
documents). Mix of escapes: \\n, \\", \\t, \\\\, \\u00e9-style (ensure_ascii records)
and raw UTF-8 (other records), and an occasional \\u0000.
"""
import glob, gzip, json, os, random, re, sys

out = sys.argv[1]
target = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 200_000_000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 12345)

sents = set()
def add_text(t):
    for s in re.split(r'(?<=[.!?])\s+|\n\s*\n', t):
        s = ' '.join(s.split())
        if 20 <= len(s) <= 400:
            sents.add(s)

for p in sorted(glob.glob('/usr/share/common-licenses/*')):
    if os.path.isfile(p):
        with open(p, encoding='utf-8', errors='replace') as f:
            add_text(f.read())
for p in sorted(glob.glob('/usr/share/doc/**/*.gz', recursive=True)):
    try:
        with gzip.open(p, 'rt', encoding='utf-8', errors='replace') as f:
            add_text(f.read(2_000_000))
    except Exception:
        pass
sents = sorted(sents)
# a few non-ASCII / quote-heavy sentences so escapes are common
extra = ['Le café « déjà vu » coûte 3 €.', 'Ein "Zitat" mit Ümläuten: Größe.',
         'Путь к файлу: C:\\Program Files\\grist', '日本語のテキストも含まれます。',
         'Tabs\there\tand a path C:\\tmp\\x.', 'He said "fine" and left; naïve résumé.']
sents += extra * max(1, len(sents) // 200)
sys.stderr.write(f'{len(sents)} distinct sentences\n')

words = ' '.join(rng.sample(sents, min(2000, len(sents)))).split()
tags = ['license', 'changelog', 'docs', 'en', 'de', 'fr', 'code', 'legal', 'news', 'misc']
n = 0
written = 0
with open(out, 'w', encoding='utf-8') as f:
    while written < target:
        want = rng.randint(1000, 8000)
        parts, size = [], 0
        while size < want:
            s = rng.choice(sents)
            parts.append(s)
            size += len(s) + 1
            r = rng.random()
            parts.append('\n\n' if r < 0.15 else '\n' if r < 0.25 else ' ')
        text = ''.join(parts).strip()
        if rng.random() < 0.01:
            i = rng.randrange(len(text))
            text = text[:i] + '\x00' + text[i:]
        rec = {'id': f'doc-{n:08d}',
               'text': text,
               'url': 'https://example.org/' + '/'.join(rng.choice(words).strip('.,;:()"\'<>') or 'x' for _ in range(3)),
               'meta': {'n': rng.randint(0, 10**6), 'score': round(rng.random(), 4),
                        'tags': rng.sample(tags, rng.randint(0, 3)), 'ok': rng.random() < 0.9, 'lang': None}}
        line = json.dumps(rec, ensure_ascii=(n % 2 == 0), separators=(',', ':') if n % 3 else (', ', ': '))
        f.write(line + '\n')
        written += len(line.encode('utf-8')) + 1
        n += 1
sys.stderr.write(f'{n} records, {written} bytes -> {out}\n')
