#!/usr/bin/env python3
"""Inputs for the before/after byte-identity check (tests/byteident/compare.sh): the test
fixtures and fuzz corpora, the HTML evaluation pages as files, tar, tar.gz, zip, 7z, cpio, ar and
a WARC of HTTP responses (chunked, gzip, wrong encodings, 404s, other record types), WebDataset
tars, nested and truncated archives, JSON arrays (good and malformed), chat layouts, odd text
files, and the demo corpus (corpora/build-demo.sh) when DEMO exists.
make-inputs.py REPO DEMO OUTDIR. Contents come from fixed seeds; some archive timestamps follow the
clock, so compare two binaries on one generated tree, not on two."""
import gzip, io, json, os, random, shutil, subprocess, sys, tarfile, uuid, zipfile
repo, demo, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
def P(*a): return os.path.join(out, *a)
def write(name, data):
    os.makedirs(os.path.dirname(P(name)) or out, exist_ok=True)
    open(P(name), 'wb').write(data if isinstance(data, bytes) else data.encode())
rnd = random.Random(12)
for d in ('fix','fuzz','arc','warc','json','chat','text','html'): os.makedirs(P(d), exist_ok=True)
fx = os.path.join(repo, 'tests/fixtures')
# 1. fixtures and fuzz corpus, as they are
for d in ('ingest', 'records', 'chat', 'train', 'tokenize', 'clean', 'dedup'):
    for f in sorted(os.listdir(os.path.join(fx, d))):
        if f.endswith(('.py', '.expected', '.expect', '.jinja', 'README')): continue
        shutil.copy(os.path.join(fx, d, f), P('fix', d + '-' + f))
fz = os.path.join(repo, 'tests/fuzz/corpus/ingest')
for f in sorted(os.listdir(fz)):
    shutil.copy(os.path.join(fz, f), P('fuzz', 'ingest-' + f))
# 2. html-eval pages: a directory, a tar, a tar.gz, a zip, and a WARC of responses
ev = os.path.join(repo, 'tests/html-eval')
pages = sorted(f for f in os.listdir(os.path.join(ev, 'pages')) if f.endswith('.html'))
os.makedirs(P('html'), exist_ok=True)
for f in pages: shutil.copy(os.path.join(ev, 'pages', f), P('html', f))
def tar_of(path, members, mode='w'):
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000; ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
pg = [('pages/' + f, open(P('html', f), 'rb').read()) for f in pages]
tar_of(P('arc', 'pages.tar'), pg)
tar_of(P('arc', 'pages.tar.gz'), pg, 'w:gz')
with zipfile.ZipFile(P('arc', 'pages.zip'), 'w') as z:
    for n, d in pg[:40]:
        zi = zipfile.ZipInfo(n, (2024, 1, 1, 0, 0, 0)); zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, d)
cs = dict(l.split() for l in open(os.path.join(ev, 'charsets.txt')))
def warc_rec(typ, i, block, uri=None, ctype='application/http; msgtype=response', ver='1.0'):
    h = 'WARC/%s\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2026-03-01T00:00:00Z\r\n' % (ver, typ, uuid.UUID(int=i + 1))
    if uri: h += 'WARC-Target-URI: %s\r\n' % uri
    if typ == 'conversion': h += 'WARC-Identified-Content-Language: eng,deu\r\n'
    h += 'Content-Type: %s\r\nContent-Length: %d\r\n\r\n' % (ctype, len(block))
    return h.encode() + block + b'\r\n\r\n'
recs = []
for i, f in enumerate(pages):
    body = open(P('html', f), 'rb').read(); n = f[:-5]
    ct = 'text/html; charset=%s' % cs[n] if i % 2 == 0 else 'text/html'
    extra = ''
    payload = body
    if i % 5 == 3:
        chunks = [body[k:k + 1000] for k in range(0, len(body), 1000)]
        payload = b''.join(b'%x\r\n%s\r\n' % (len(c), c) for c in chunks) + b'0\r\n\r\n'
        extra = 'Transfer-Encoding: chunked\r\n'
    elif i % 7 == 2:
        payload = gzip.compress(body, mtime=0); extra = 'Content-Encoding: gzip\r\n'
    elif i % 11 == 4:
        extra = 'Content-Encoding: x-gzip\r\n'  # not gzip actually: read as is
    elif i % 13 == 5:
        extra = 'Content-Encoding: br\r\n'
    status = '404 Not Found' if i % 17 == 6 else '200 OK'
    if i % 19 == 7: ct = 'image/png'
    http = ('HTTP/1.1 %s\r\nContent-Type: %s\r\n%s\r\n' % (status, ct, extra)).encode()
    uri = 'https://example.org/%s.html' % n if i % 23 != 8 else 'metadata://example.org/%s' % n
    recs.append(warc_rec('response', i, http + payload, uri))
    if i % 9 == 0:
        recs.append(warc_rec('request', 1000 + i, b'GET / HTTP/1.1\r\n\r\n', uri, 'application/http; msgtype=request'))
    if i % 10 == 1:
        recs.append(warc_rec('conversion', 2000 + i, ('plain text of page %d\nline two \xe9\n' % i).encode(), uri, 'text/plain', '1.1'))
    if i % 10 == 2:
        recs.append(warc_rec('resource', 3000 + i, body, uri, 'text/html'))
    if i % 10 == 3:
        recs.append(warc_rec('metadata', 4000 + i, b'via: x\r\n', uri, 'application/warc-fields'))
recs.insert(0, warc_rec('warcinfo', 9999, b'software: test\r\n', None, 'application/warc-fields'))
w = b''.join(recs)
write('warc/pages.warc', w)
write('warc/pages.warc.gz', b''.join(gzip.compress(r, mtime=0) for r in recs))
write('warc/pages-lf.warc', w.replace(b'\r\nWARC-Date', b'\nWARC-Date'))
write('warc/trunc.warc', w[:len(w) * 2 // 3])
write('warc/garbage-after.warc', w[:5000] + b'not a warc record\n')
# continuation header lines, blank lines between records, no separator at the end
cont = (b'WARC/1.1\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:x:1>\r\nWARC-Target-URI: http://a.example/\r\n'
        b'X-Long: part one\r\n  part two\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n\r\n\r\n'
        b'WARC/1.1\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:x:2>\r\nContent-Length: 5\r\n\r\nworld')
write('warc/cont.warc', cont)
write('warc/nolen.warc', b'WARC/1.1\r\nWARC-Type: conversion\r\nContent-Length: -3\r\n\r\nabc\r\n\r\n')
# 3. WebDataset tars
wds = []
for k in range(60):
    key = 'shard/%03d' % k
    wds.append((key + '.txt', ('sample %d text %s\n' % (k, 'x' * rnd.randrange(0, 3000))).encode()))
    if k % 3 == 0: wds.append((key + '.json', json.dumps({'id': 'w%d' % k, 'lang': 'en', 'n': [k]}).encode()))
    if k % 4 == 1: wds.append((key + '.png', b'\x89PNG' + bytes(rnd.randrange(256) for _ in range(50))))
    if k % 7 == 2: wds.append((key + '.json', b'[not an object'))
    if k % 11 == 5: wds.append((key + '.html', b'<html><body><p>html part</p></body></html>'))
tar_of(P('arc', 'wds.tar'), wds)
tar_of(P('arc', 'wds.tar.gz'), wds, 'w:gz')
tar_of(P('arc', 'wds-html.tar'), [('a/%02d.html' % k, b'<html><title>t</title><body><p>page %d</p></body></html>' % k) for k in range(5)] + [('a/%02d.json' % k, b'{"x":1}') for k in range(3)])
tar_of(P('arc', 'single.tar'), [('one.jsonl', b'{"text":"only member"}\n')])
tar_of(P('arc', 'two.tar'), [('a.txt', b'first'), ('a.json', b'{"k":1}')])
# nested: tar containing tar.gz containing jsonl, plus text/binary/empty members, a symlink, a dir
inner = io.BytesIO()
with tarfile.open(fileobj=inner, mode='w:gz', format=tarfile.GNU_FORMAT) as t:
    for name, data in [('in/x.jsonl', open(P('fix', 'records-mixed.jsonl'), 'rb').read()), ('in/y.txt', b'inner text\n')]:
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
        t.addfile(ti, io.BytesIO(data))
with tarfile.open(P('arc', 'nested.tar'), 'w', format=tarfile.GNU_FORMAT) as t:
    for name, data in [('docs/inner.tar.gz', inner.getvalue()), ('docs/a.txt', 'text \xe9 one\r\nsecond line\n'.encode('latin-1')),
                       ('docs/bin.dat', b'\x00\x01binary\x00'), ('docs/empty.txt', b''), ('docs/arr.json', b'[{"text":"a"},\n {"text":"b"}]'),
                       ('docs/page.html', pg[0][1]), ('docs/\xff\xfebad-name.txt'.encode('latin-1').decode('utf-8', 'surrogateescape'), b'bad name\n')]:
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
        t.addfile(ti, io.BytesIO(data))
    ti = tarfile.TarInfo('docs/link'); ti.type = tarfile.SYMTYPE; ti.linkname = 'a.txt'; ti.mtime = 1700000000; t.addfile(ti)
    ti = tarfile.TarInfo('docs/dir'); ti.type = tarfile.DIRTYPE; ti.mtime = 1700000000; t.addfile(ti)
    ti = tarfile.TarInfo('docs/hard'); ti.type = tarfile.LNKTYPE; ti.linkname = 'docs/a.txt'; ti.mtime = 1700000000; t.addfile(ti)
data = open(P('arc', 'nested.tar'), 'rb').read()
write('arc/nested.tar.zst', subprocess.run(['zstd', '-q', '-c'], input=data, capture_output=True).stdout)
write('arc/nested.tar.xz', subprocess.run(['xz', '-c'], input=data, capture_output=True).stdout)
write('arc/nested-trunc.tar.gz', gzip.compress(data, mtime=0)[:len(data) // 3])
big = gzip.compress(open(P('arc', 'pages.tar'), 'rb').read(), mtime=0)
write('arc/pages-trunc.tar.gz', big[:len(big) // 2])
subprocess.run(['bsdtar', '--format', '7zip', '-cf', P('arc', 'pages.7z'), '-C', P('html'), *pages[:20]], check=True)
subprocess.run(['bsdtar', '--format', 'newc', '-cf', P('arc', 'pages.cpio'), '-C', P('html'), *pages[20:30]], check=True)
subprocess.run(['bsdtar', '--format', 'ar', '-cf', P('arc', 'pages.a'), '-C', P('html'), *pages[30:33]], check=True)
# 4. JSON arrays, text, odd inputs
arr = [{'text': 'element %d %s' % (k, 'y' * rnd.randrange(0, 500)), 'n': k, 'nested': {'a': [1, 2, {'b': 'c\\"'}]}} for k in range(300)]
write('json/arr-pretty.json', json.dumps(arr, indent=2, ensure_ascii=False))
write('json/arr-line.json', json.dumps(arr))
write('json/arr-bom.json', b'\xef\xbb\xbf' + json.dumps(arr[:5]).encode())
write('json/arr-scalars.json', '[1, "two", null, true, {"text":"ok"}, [3], -1.5e3]')
write('json/arr-bad1.json', '[{"text":"a"}, {"text":"b"} {"text":"c"}]')
write('json/arr-bad2.json', '[{"text":"a"}, ]')
write('json/arr-bad3.json', '[{"text":"a"}] trailing')
write('json/arr-bad4.json', '[{"text":"a"}, {"text": [}]')
write('json/arr-trunc.json', json.dumps(arr)[:5000])
write('json/arr-empty.json', '[]')
write('json/arr-esc.json', '[{"text":"quote \\" backslash \\\\ \\u00e9 ]}"}, {"text":"\\ud83d\\ude00"}]')
alp = [{'instruction': 'Do %d' % k, 'input': '' if k % 2 else 'ctx %d' % k, 'output': 'Done %d' % k} for k in range(50)]
write('chat/alpaca.json', json.dumps(alp, indent=1))
write('chat/sharegpt.jsonl', ''.join(json.dumps({'conversations': [{'from': 'human', 'value': 'hi %d' % k}, {'from': 'gpt', 'value': 'hello %d' % k}]}) + '\n' for k in range(30)))
shutil.copy(P('fix', 'chat-convs.jsonl'), P('chat', 'convs.jsonl'))
lines = []
for k in range(2000):
    words = ' '.join(rnd.choice(['alpha', 'beta', 'γάμμα', 'дельта', '東京', 'x' * rnd.randrange(1, 30), '\t', '']) for _ in range(rnd.randrange(0, 40)))
    lines.append(words)
write('text/lines.txt', '\n'.join(lines) + '\n')
write('text/crlf-bom.txt', '\ufeffline one\r\n\r\nline two\r\n   \r\nthree'.encode())
write('text/invalid-utf8.txt', b'ok \xff\xfe bad \xc3( more \xed\xa0\x80 surrogate\n')
write('text/empty.txt', b'')
write('text/blank.txt', b'   \n\n\t\n')
write('text/binary.bin', bytes(range(256)) * 4)
write('text/cdx.cdx', ' CDX a b m s k r M S V g\nfoo\n')
write('text/page.htm', pg[1][1])
write('text/doc.jsonl.gz', gzip.compress(open(P('fix', 'records-mixed.jsonl'), 'rb').read(), mtime=0))
write('text/doc.txt.bz2', subprocess.run(['bzip2', '-c'], input=b'bzip2 text\n' * 100, capture_output=True).stdout)
write('text/doc.txt.lz4', subprocess.run(['lz4', '-q', '-c'], input=b'lz4 text\n' * 100, capture_output=True).stdout)
write('text/longline.jsonl', '{"text":"' + 'z' * 300000 + '"}\n{"text":"after"}\n')
write('text/ws-head.txt', ' ' * 10000 + '{"text":"after a lot of space"}\n')
# 5. demo corpus (jsonl + licenses)
if os.path.isdir(demo):
    shutil.copytree(demo, P('demo'), dirs_exist_ok=True)
# 6. inputs that end their run with an input error go apart (a multi-input run with one of them
# publishes no -o file): in/bad/
os.makedirs(P('bad'), exist_ok=True)
for f in ('fix/ingest-bad-length.warc', 'fuzz/ingest-warc-bad-length', 'arc/pages-trunc.tar.gz',
          'json/arr-bad1.json', 'json/arr-bad2.json', 'json/arr-bad3.json', 'json/arr-bad4.json',
          'json/arr-trunc.json', 'warc/garbage-after.warc', 'warc/nolen.warc', 'warc/trunc.warc'):
    os.rename(P(f), P('bad', f.replace('/', '-')))
