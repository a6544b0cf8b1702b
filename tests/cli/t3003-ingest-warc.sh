#!/bin/bash
# ingest: WARC 1.0/1.1 and Common Crawl WET (hand-written fixtures, see
# tests/fixtures/ingest/README), plain and gzipped per record, inside archives, record types,
# HTML to text, wrong Content-Length.
. "$(dirname "$0")/lib.sh"
W=$FIX/ingest
cp "$W/sample.wet" "$W/sample.warc" "$W/bad-length.warc" .

expect_exit "wet" 0 "$GRIST" ingest -q sample.wet > wet.out
expect_file_eq "WET conversion records" "$W/sample.wet.expected" wet.out
# resource records are not read by default (wget writes its log and arguments as resources):
# the fixture expects them, so they are asked for
expect_exit "warc" 0 "$GRIST" ingest -q --warc-types response,conversion,resource sample.warc > warc.out
expect_file_eq "WARC response/resource records" "$W/sample.warc.expected" warc.out

# gzip per record: each record its own gzip member (what Common Crawl ships).
/usr/bin/python3 - <<'PY'
import gzip
data = open("sample.wet", "rb").read()
parts = data.split(b"WARC/1.0\r\n")[1:]
with open("sample.warc.wet.gz", "wb") as f:
    for p in parts:
        f.write(gzip.compress(b"WARC/1.0\r\n" + p))
PY
expect_exit "wet.gz" 0 "$GRIST" ingest -q sample.warc.wet.gz > wetgz.out
sed 's/sample[.]warc[.]wet[.]gz/sample.wet/g' wetgz.out > wetgz.norm
expect_file_eq "per-record gzip WET" "$W/sample.wet.expected" wetgz.norm
# Content decides: a WARC with no telling name, zstd-compressed.
zstd -q -c sample.warc > blob.bin
expect_exit "warc by content" 0 "$GRIST" ingest -q --warc-types response,conversion,resource blob.bin > blob.out
sed 's/blob[.]bin/sample.warc/g' blob.out > blob.norm
expect_file_eq "WARC recognised by content" "$W/sample.warc.expected" blob.norm
# Inside a tar.
bsdtar -czf crawl.tar.gz sample.wet
expect_exit "wet in tar" 0 "$GRIST" ingest -q crawl.tar.gz > tar.out
expect_grep "wet in tar: source" '"source":"crawl.tar.gz!sample.wet"' tar.out
expect_eq "wet in tar: records" 3 "$(wc -l < tar.out)"

# --warc-types and --html=raw.
expect_exit "warc-types" 0 "$GRIST" ingest -q --warc-types resource sample.warc > res.out
expect_eq "only the resource record" 1 "$(wc -l < res.out)"
expect_grep "resource text keeps CRLF" '"text":"A plain resource.\\r\\nWith CRLF lines.\\r\\n"' res.out
expect_exit "warc-types all" 0 "$GRIST" ingest -q --warc-types all --rejects rej.jsonl sample.warc > all.out
expect_eq "all types: records" 6 "$(wc -l < all.out)"
expect_grep "png rejected as non-text" '"rule":"non_text_content","value":"image/png"' rej.jsonl
expect_exit "html raw" 0 "$GRIST" ingest -q --html raw --warc-types response sample.warc > raw.out
expect_grep "--html=raw keeps the markup" '<script>var x' raw.out
expect_exit "bad warc-types" 2 "$GRIST" ingest -q --warc-types bogus sample.warc

# Wrong Content-Length: the first record is kept, the error names the file and the offset.
expect_exit "bad length" 1 "$GRIST" ingest -q bad-length.warc > bad.out 2> bad.err
expect_eq "records before the damage are kept" 1 "$(wc -l < bad.out)"
expect_grep "error names file and offset" 'bad-length.warc: WARC record 2 at byte 162' bad.err
# --keep-going: the next input is read, the exit code still says 1.
expect_exit "keep-going" 1 "$GRIST" ingest -q --keep-going --stats st.json bad-length.warc sample.wet > kg.out 2> kg.err
expect_eq "keep-going reads the next input" 4 "$(wc -l < kg.out)"
expect_grep "the failed input counted" '1 of 2 inputs failed' kg.err
# Truncated WARC.
head -c 300 sample.wet > trunc.wet
expect_exit "truncated" 1 "$GRIST" ingest -q trunc.wet > /dev/null 2> trunc.err
expect_grep "truncated WARC named" 'trunc.wet: truncated WARC record' trunc.err
done_testing
