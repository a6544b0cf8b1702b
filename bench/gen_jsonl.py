#!/usr/bin/env python3
"""Write a JSONL corpus of about SIZE_MB megabytes to OUT, for benchmarks.

Documents are built by sampling real sentences (from the licences and documentation Debian
installs) at random, never by repeating whole documents, so dedup and caches see realistic
input. Records look like crawl output: id, text, url, and a nested meta object.
Usage: gen_jsonl.py OUT SIZE_MB [SEED]
"""
import glob, gzip, json, random, re, sys

def sentences():
    files = glob.glob('/usr/share/common-licenses/*') + glob.glob('/usr/share/doc/*/copyright')
    gz = glob.glob('/usr/share/doc/*/changelog*.gz') + glob.glob('/usr/share/doc/*/*.txt.gz')
    out = []
    for f in files:
        try:
            out.append(open(f, encoding='utf-8', errors='replace').read())
        except OSError:
            pass
    for f in gz[:3000]:
        try:
            out.append(gzip.open(f, 'rt', encoding='utf-8', errors='replace').read())
        except (OSError, EOFError):
            pass
    text = ' '.join(out)
    sents = [s.strip() for s in re.split(r'(?<=[.!?])\s+', text) if 20 <= len(s.strip()) <= 400]
    return [re.sub(r'\s+', ' ', s) for s in sents]

def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    pool = sentences()
    target = int(size_mb * 1e6)
    written = 0
    n = 0
    with open(out, 'w', encoding='utf-8') as f:
        while written < target:
            k = rng.randint(3, 60)
            paras = []
            for _ in range(rng.randint(1, 6)):
                paras.append(' '.join(rng.choice(pool) for _ in range(max(1, k // 3))))
            rec = {'id': 'doc-%d' % n, 'text': '\n\n'.join(paras),
                   'url': 'https://example.org/%d/%s' % (n, rng.choice(pool)[:20].replace(' ', '-')),
                   'meta': {'n': n, 'score': rng.random(), 'tags': ['a', 'b']}}
            line = json.dumps(rec, ensure_ascii=rng.random() < 0.5) + '\n'
            f.write(line)
            written += len(line.encode('utf-8'))
            n += 1

if __name__ == '__main__':
    main()
