#!/usr/bin/env python3
"""Build the demo corpus (a few MB, several languages) from files Debian packages install.

  build-demo.py OUTDIR

- fortunes-<lang>.jsonl: quotations from the fortunes, fortunes-de/-es/-it/-ru/-zh packages,
  grouped a dozen to a record so records are page-sized; fields text, lang_hint, collection.
- copyright.jsonl: /usr/share/doc/*/copyright, one record per package (the first 250). Licence boilerplate makes
  these a natural set of exact and near duplicates for dedup to find.
- licenses/*.txt: /usr/share/common-licenses, one text record per file.
Nothing is downloaded; the output depends only on the installed packages.
"""
import glob, json, os, shutil, sys

FORTUNES = '/usr/share/games/fortunes'
LANG_DIRS = {'en': FORTUNES, 'de': FORTUNES + '/de', 'es': FORTUNES + '/es',
             'it': FORTUNES + '/it', 'ru': FORTUNES + '/ru'}
GROUP = 12
MAX_PER_LANG = 400      # records per language
MAX_COPYRIGHT = 250     # packages
MAX_COPYRIGHT_BYTES = 64 * 1024

def read_fortunes(path):
    try:
        raw = open(path, 'rb').read().decode('utf-8')
    except (OSError, UnicodeDecodeError):
        return []
    return [q.strip('\n') for q in raw.split('\n%\n') if q.strip()]

def fortune_files(d):
    out = []
    for p in sorted(glob.glob(d + '/*')):
        base = os.path.basename(p)
        if os.path.isdir(p) or '.' in base.replace('.fortunes', '') or os.path.islink(p):
            continue
        if base.endswith(('.dat', '.u8')) or 'off' in p.split('/'):
            continue
        out.append(p)
    return out

def write_jsonl(path, recs):
    with open(path, 'w', encoding='utf-8') as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')

def main():
    out = sys.argv[1]
    os.makedirs(out + '/licenses', exist_ok=True)
    total = 0
    for lang, d in LANG_DIRS.items():
        recs = []
        for p in fortune_files(d):
            qs = read_fortunes(p)
            for i in range(0, len(qs), GROUP):
                recs.append({'text': '\n\n'.join(qs[i:i + GROUP]), 'lang_hint': lang,
                             'collection': os.path.basename(p)})
        zh = FORTUNES + '/chinese'
        if lang == 'en' and os.path.exists(zh):
            qs = read_fortunes(zh)
            zrecs = [{'text': '\n\n'.join(qs[i:i + GROUP]), 'lang_hint': 'zh', 'collection': 'chinese'}
                     for i in range(0, len(qs), GROUP)]
            zrecs = zrecs[:MAX_PER_LANG]
            write_jsonl(out + '/fortunes-zh.jsonl', zrecs)
            total += len(zrecs)
        write_jsonl(out + '/fortunes-%s.jsonl' % lang, recs[:MAX_PER_LANG])
        total += min(len(recs), MAX_PER_LANG)
    recs = []
    for p in sorted(glob.glob('/usr/share/doc/*/copyright')):
        try:
            t = open(p, encoding='utf-8').read()
        except (OSError, UnicodeDecodeError):
            continue
        if len(t.encode('utf-8')) > MAX_COPYRIGHT_BYTES:
            continue
        recs.append({'text': t, 'package': p.split('/')[4]})
        if len(recs) == MAX_COPYRIGHT:
            break
    write_jsonl(out + '/copyright.jsonl', recs)
    total += len(recs)
    for p in sorted(glob.glob('/usr/share/common-licenses/*')):
        if os.path.isfile(p) and not os.path.islink(p):
            shutil.copy(p, out + '/licenses/' + os.path.basename(p) + '.txt')
            total += 1
    print('demo corpus: %d documents in %s' % (total, out))

if __name__ == '__main__':
    main()
