#!/bin/bash
# WARC from a real writer: `wget --warc-file --warc-cdx` against a local python3 -m http.server
# (127.0.0.1 only). By default only `response` records with an http(s) target and a 2xx status
# become documents (wget's metadata:// resources, its request records and the 404 pages are
# skipped by selection, counted apart from rejects), urls lose wget's <...>, and the .cdx index
# beside the WARC is skipped (counted). Plus Common Crawl's quirk: a response declaring
# Content-Encoding: gzip over a body already decoded is read as plain (noted), a real gzip body
# is decoded.
. ./lib.sh
command -v wget >/dev/null || { fail "wget is not installed (make deps installs it)"; done_testing; }
mkdir -p site/docs
cat > site/index.html <<'HTML'
<html><head><title>Home</title></head><body><h1>Welcome</h1>
<p>This is the home page of a small test site.</p><a href="docs/a.html">A</a> <a href="missing.html">gone</a></body></html>
HTML
cat > site/docs/a.html <<'HTML'
<html><head><title>A</title></head><body><p>Page A is about rivers and stones.</p></body></html>
HTML
port=
for try in 1 2 3 4 5; do
	p=$((20000 + RANDOM % 20000))
	(cd site && exec python3 -m http.server "$p" --bind 127.0.0.1 > ../server.log 2>&1) &
	server=$!
	for i in $(seq 1 50); do
		wget -q -O /dev/null "http://127.0.0.1:$p/" 2>/dev/null && { port=$p; break; }
		kill -0 $server 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] && break
	kill $server 2>/dev/null; wait $server 2>/dev/null
done
[ -n "$port" ] || { fail "could not start python3 -m http.server: $(cat server.log)"; done_testing; }
trap 'kill $server 2>/dev/null; rm -rf "$TMP"' EXIT
wget -q -r -l 2 --warc-file=crawl --warc-cdx -P mirror "http://127.0.0.1:$port/"
[ -s crawl.warc.gz ] && [ -s crawl.cdx ] || fail "wget wrote no WARC/CDX"
zcat crawl.warc.gz | grep -aq '^WARC-Target-URI: <metadata://' || fail "the wget WARC has no metadata:// records (test premise)"

$GRIST ingest --stats st.json --rejects rej.jsonl crawl.warc.gz crawl.cdx > out.jsonl 2> err; expect_eq "exit" 0 $?
/usr/bin/python3 - "$port" <<'PY' || fail "default selection"
import json, sys
port = sys.argv[1]
recs = [json.loads(l) for l in open("out.jsonl")]
urls = sorted(r["url"] for r in recs)
want = sorted([f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/docs/a.html"])
assert urls == want, urls
assert any("Welcome" in r["text"] for r in recs) and any("rivers" in r["text"] for r in recs)
assert not any("404" in r["text"] or "wget" in r["text"] for r in recs)
s = json.load(open("st.json"))
assert s["rejected"] == 0 and s["rejects"] == {}, s["rejects"]
sk = s["skipped"]
assert sk.get("warc_status_not_selected") == 2, sk     # robots.txt and missing.html: 404
assert sk.get("cdx_index") == 1, sk
# warcinfo, 4 requests, metadata, 2 resources
assert sk.get("warc_type_not_selected") == 8, sk
assert s["records_in"] == 2, s["records_in"]
assert open("rej.jsonl").read() == "", "selection skips are not rejects"
PY
expect_grep "summary reports skips apart" "2 records in, 2 out, 0 rejected; 11 skipped by selection (warc_type_not_selected 8, warc_status_not_selected 2, cdx_index 1)" err

$GRIST ingest -q --warc-status all crawl.warc.gz > all.jsonl; expect_eq "--warc-status all: 4 responses" 4 "$(wc -l < all.jsonl)"
$GRIST ingest -q --warc-status 4xx crawl.warc.gz > 4xx.jsonl; expect_eq "--warc-status 4xx" 2 "$(wc -l < 4xx.jsonl)"
$GRIST ingest -q --warc-types all --warc-status all crawl.warc.gz > every.jsonl
expect_eq "--warc-types all: every record" "$(zcat crawl.warc.gz | grep -ac '^WARC-Type: ')" "$(wc -l < every.jsonl)"
expect_exit "bad --warc-status" 2 $GRIST ingest --warc-status 2xy crawl.warc.gz 2> /dev/null

# Content-Encoding: gzip over a decoded body (Common Crawl) and over a real gzip body
/usr/bin/python3 - <<'PY'
import gzip
def rec(n, body, enc=True):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + (b"Content-Encoding: gzip\r\n" if enc else b"") + b"\r\n" + body
    h = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{n}>\r\n"
         f"WARC-Target-URI: https://example.org/{n}\r\nContent-Type: application/http; msgtype=response\r\n"
         f"Content-Length: {len(http)}\r\n\r\n").encode()
    return h + http + b"\r\n\r\n"
page = b"<html><body><p>Plain words under a gzip header.</p></body></html>"
real = b"<html><body><p>Words that really were gzipped.</p></body></html>"
open("cc.warc", "wb").write(rec("plain", page) + rec("real", gzip.compress(real)) + rec("bad", b"\x1f\x8b\x08garbage"))
PY
$GRIST ingest --stats cc.json --rejects cc.rej cc.warc > cc.jsonl 2> cc.err; expect_eq "cc exit" 0 $?
expect_grep "plain body under a gzip header is read" "Plain words under a gzip header." cc.jsonl
expect_grep "a real gzip body is decoded" "Words that really were gzipped." cc.jsonl
expect_grep "a damaged gzip body is rejected" '"rule":"http_content_encoding"' cc.rej
expect_grep "the plain body is noted" '"notes":{"http_body_not_gzip":1}' cc.json

# gzip bodies as Python's gzip.GzipFile reads them (the peer decides what is expected): two
# members are one body, zero padding after the last is ignored, other trailing bytes or a
# flipped CRC make it damaged.
/usr/bin/python3 - <<'PY'
import gzip, io
def rec(n, body):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n\r\n" + body
    h = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{n}>\r\n"
         f"WARC-Target-URI: https://example.org/{n}\r\nContent-Type: application/http; msgtype=response\r\n"
         f"Content-Length: {len(http)}\r\n\r\n").encode()
    return h + http + b"\r\n\r\n"
one = gzip.compress(b"alpha words in member one. ")
crc = bytearray(one); crc[-6] ^= 1
bodies = {"two": one + gzip.compress(b"beta words in member two."), "padded": one + b"\0\0\0",
          "trailing": one + b"junk", "crc": bytes(crc)}
with open("gz.warc", "wb") as f, open("gz.expect", "w") as e:
    for n, body in bodies.items():
        f.write(rec(n, body))
        try:
            e.write(f"{n} text {gzip.GzipFile(fileobj=io.BytesIO(body)).read().decode()}\n")
        except Exception:
            e.write(f"{n} rejected\n")
PY
$GRIST ingest -q --rejects gz.rej gz.warc > gz.jsonl; expect_eq "gz exit" 0 $?
/usr/bin/python3 - <<'PY' > gz.got
import json
out = {json.loads(l)["id"]: json.loads(l)["text"] for l in open("gz.jsonl")}
rej = [l for l in open("gz.rej") if '"rule":"http_content_encoding"' in l]
for n in ("two", "padded", "trailing", "crc"):
    i = f"<urn:uuid:{n}>"
    print(f"{n} text {out[i]}" if i in out else f"{n} rejected" if any(i in l for l in rej) else f"{n} missing")
PY
expect_file_eq "gzip bodies as Python's GzipFile reads them" gz.expect gz.got
done_testing
