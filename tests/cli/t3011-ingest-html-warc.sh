#!/bin/bash
# ingest --html main: the pages of the evaluation set (tests/html-eval/pages) packed as WARC
# `response` records (written here with Python: HTTP/1.1 header with a Content-Type that names
# the page's charset for every other page, none for the rest; chunked transfer encoding for some)
# give exactly the texts and title/html_lang/canonical_url fields the files give, with -j 1 and -j 2.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
EV=$ROOT/tests/html-eval

python3 - "$EV" <<'PY'
import os, sys, uuid
ev = sys.argv[1]
cs = dict(l.split() for l in open(os.path.join(ev, "charsets.txt")))
names = sorted(f[:-5] for f in os.listdir(os.path.join(ev, "pages")) if f.endswith(".html"))
with open("pages.warc", "wb") as w:
    for i, n in enumerate(names):
        body = open(os.path.join(ev, "pages", n + ".html"), "rb").read()
        ct = "text/html; charset=%s" % cs[n] if i % 2 == 0 else "text/html"
        if i % 5 == 3:
            chunks = [body[k:k + 1000] for k in range(0, len(body), 1000)]
            payload = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
            http = ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n" % ct).encode()
        else:
            payload = body
            http = ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (ct, len(body))).encode()
        block = http + payload
        head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                "WARC-Date: 2026-03-01T00:00:00Z\r\nWARC-Target-URI: https://example.org/%s.html\r\n"
                "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                % (uuid.UUID(int=i + 1), n, len(block))).encode()
        w.write(head + block + b"\r\n\r\n")
PY
expect_exit "files" 0 "$GRIST" ingest -q "$EV"/pages/*.html -o files.jsonl
for j in 1 2; do
	expect_exit "warc -j $j" 0 "$GRIST" ingest -q -j $j pages.warc -o warc$j.jsonl
	python3 - files.jsonl warc$j.jsonl <<'PY' || fail "WARC records differ from files (-j $j)"
import json, os, sys
def load(path, key):
    out = {}
    for line in open(path):
        r = json.loads(line)
        out[key(r)] = {k: r.get(k) for k in ("text", "title", "html_lang", "canonical_url")}
    return out
files = load(sys.argv[1], lambda r: os.path.basename(r["source"])[:-5])
warc = load(sys.argv[2], lambda r: r["url"].rsplit("/", 1)[1][:-5])
bad = [n for n in files if files[n] != warc.get(n)]
print("%d pages, %d differ%s" % (len(files), len(bad), (": " + " ".join(bad[:10])) if bad else ""))
sys.exit(1 if bad or len(files) != len(warc) or len(files) < 90 else 0)
PY
done
done_testing
