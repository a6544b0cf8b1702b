#!/bin/bash
# One rule for empty texts in every stage (docs/design.md, "Empty texts"):
# - a record whose text is missing, null or not a string, kept with "" under --on-missing
#   empty, is counted in "notes" under the rule --on-missing skip rejects it by (missing_text,
#   null_text, text_not_string) by ingest (JSONL and Parquet), clean, dedup, tokenize and
#   tokenize train, never under "rejects" (it is not dropped);
# - a text the stage's processing leaves empty (clean's repair, --drop-lines or redaction;
#   ingest's HTML to text) is dropped and rejected as emptied_text, value 0;
# - so in every stats file the rejects by rule add up to "rejected".
. "$(dirname "$0")/lib.sh"
TOK="$FIX/tokenize/tiny-tokenizer.json"

printf '%s\n' '{"id":"a","text":"some words for a document"}' '{"id":"b"}' '{"id":"c","text":null}' \
	'{"id":"d","text":42}' '{"id":"e","text":""}' > m.jsonl
# Parquet with a null text column: written with --text-field body, read with the default
printf '%s\n' '{"body":"x","text":null}' '{"body":"y","text":"kept"}' '{"body":"z"}' > pq.jsonl
"$GRIST" ingest -q --text-field body pq.jsonl -o nulls.parquet || fail "writing nulls.parquet"

# counts FILE: "rejected=N rejects={...} notes={...} sum_ok=0|1"
counts() {
	python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("rejected=%d rejects=%s notes=%s sum_ok=%d" % (
    s["rejected"], json.dumps(s["rejects"], sort_keys=True), json.dumps(s["notes"], sort_keys=True),
    sum(s["rejects"].values()) == s["rejected"]))
PY
}
want_notes='{"missing_text": 1, "null_text": 1, "text_not_string": 1}'
run() { # run WHAT OUT ARGS...: grist ARGS --stats WHAT.json -o OUT, exit 0 expected
	local what=$1 out=$2; shift 2
	"$GRIST" "$@" -q --stats "$what.json" -o "$out" 2> "$what.err" || { fail "$what: exit $?"; cat "$what.err"; }
}
run ingest i.jsonl ingest --on-missing empty m.jsonl
expect_eq "ingest --on-missing empty" "rejected=0 rejects={} notes=$want_notes sum_ok=1" "$(counts ingest.json)"
expect_eq "ingest keeps all five" 5 "$(wc -l < i.jsonl)"
run clean c.jsonl clean --filters none --lang-id off --on-missing empty m.jsonl
expect_eq "clean --on-missing empty" "rejected=0 rejects={} notes=$want_notes sum_ok=1" "$(counts clean.json)"
run dedup d.jsonl dedup --exact --on-missing empty m.jsonl
# the four empty texts are exact duplicates of each other: three rejected as such
expect_eq "dedup --on-missing empty" "rejected=3 rejects={\"exact_duplicate\": 3} notes=$want_notes sum_ok=1" "$(counts dedup.json)"
run tokenize t.tok tokenize -t "$TOK" --on-missing empty m.jsonl
expect_eq "tokenize --on-missing empty" "rejected=0 rejects={} notes=$want_notes sum_ok=1" "$(counts tokenize.json)"
run train tok.json tokenize train --vocab-size 300 --on-missing empty m.jsonl
expect_eq "tokenize train --on-missing empty" "rejected=0 rejects={} notes=$want_notes sum_ok=1" "$(counts train.json)"
run parquet p.jsonl ingest --on-missing empty nulls.parquet
expect_eq "Parquet --on-missing empty" 'rejected=0 rejects={} notes={"missing_text": 2} sum_ok=1' "$(counts parquet.json)"
expect_eq "Parquet: null and absent texts written as \"\"" 2 "$(grep -c '"text":""' p.jsonl)"
# --on-missing skip: the same rules, as rejects
run skip s.jsonl ingest m.jsonl
expect_eq "ingest --on-missing skip" "rejected=3 rejects=$want_notes notes={} sum_ok=1" "$(counts skip.json)"

# Processing that leaves no text: dropped as emptied_text in ingest (HTML) and clean.
printf '<html><body><nav><a href="/">Home</a></nav></body></html>' > nav.html
printf '<html><body>\n  </body></html>' > blank.html
printf '<html><body><p>A page with a paragraph of text in it.</p></body></html>' > page.html
# --html main leaves nothing of the menu-only page, --html text keeps its link text
for mode in main:1 text:2; do
	kept=${mode#*:} mode=${mode%:*}
	"$GRIST" ingest -q --html $mode --stats h.json --rejects h.rej nav.html blank.html page.html > h.out ||
		fail "--html $mode: exit $?"
	expect_eq "--html $mode: pages with text kept" "$kept" "$(wc -l < h.out)"
	expect_eq "--html $mode: counts" "rejected=$((3 - kept)) rejects={\"emptied_text\": $((3 - kept))} notes={} sum_ok=1" "$(counts h.json)"
	expect_grep "--html $mode: rejects line" '"rule":"emptied_text","value":0,"source":"blank.html:1"' h.rej
done
"$GRIST" ingest -q --html raw nav.html blank.html page.html > raw.out || fail "--html raw"
expect_eq "--html raw: markup is text, nothing emptied" 3 "$(wc -l < raw.out)"
# ... and inside a WARC (the documents' path)
python3 - <<'PY'
def rec(uri, html):
    body = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html).encode()
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
            "WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/http; msgtype=response\r\n"
            "Content-Length: %d\r\n\r\n" % (uri, uri[-1] * 8, len(body))).encode()
    return head + body + b"\r\n\r\n"
open("e.warc", "wb").write(rec("http://x/a", "<html><body>\n </body></html>") +
                           rec("http://x/b", "<html><body><p>Text of a page that is kept.</p></body></html>"))
PY
"$GRIST" ingest -q --stats w.json e.warc > w.out || fail "WARC: exit $?"
expect_eq "WARC: one page kept" 1 "$(wc -l < w.out)"
expect_eq "WARC: the empty page rejected" 'rejected=1 rejects={"emptied_text": 1} notes={} sum_ok=1' "$(counts w.json)"
# clean: --drop-lines empties the first text (t4004 checks the repair and redaction cases)
printf '%s\n' '{"text":"drop me"}' '{"text":"keep me"}' > dl.jsonl
"$GRIST" clean -q --filters none --lang-id off --drop-lines '^drop' --stats dl.json dl.jsonl > dl.out || fail "clean --drop-lines"
expect_eq "clean: emptied text rejected" 'rejected=1 rejects={"emptied_text": 1} notes={} sum_ok=1' "$(counts dl.json)"
done_testing
