# A malformed line in the middle: every valid record comes out; the bad ones are reported with
# file, line and byte offset, counted, and written to --rejects; --on-invalid=error stops.
. ./lib.sh
cp "$FIX/records/mixed.jsonl" .
$GRIST ingest mixed.jsonl --rejects rej.jsonl --stats st.json > out 2> err
expect_eq "exit" 0 $?
expect_file_eq "records" "$FIX/records/mixed.expected" out
expect_file_eq "rejects" "$FIX/records/mixed.rejects.expected" rej.jsonl
# Line 4 starts at byte 63 of the file; jansson places the error at byte 4 of the line.
expect_grep "warning names file, line, byte" "invalid JSON at mixed.jsonl:4 byte 67:" err
expect_grep "summary counts" "9 records in, 3 out, 6 rejected" err
/usr/bin/python3 - st.json <<'PY' || fail "stats file"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["stage"] == "ingest" and s["schema"] == 1
assert s["records_in"] == 9 and s["records_out"] == 3 and s["rejected"] == 6, s
assert s["rejects"] == {"invalid_json": 2, "null_text": 1, "missing_text": 2, "text_not_string": 1}, s["rejects"]
assert s["bytes_in"] == 170, s["bytes_in"]
assert s["options"]["on_invalid"] == "skip"
for k in ("elapsed_s", "text_bytes_hist", "stage_stats", "argv", "bytes_out"):
    assert k in s, k
PY
# Every rejects line is valid JSON with the documented members.
/usr/bin/python3 -c '
import json,sys
for l in open("rej.jsonl"):
    r = json.loads(l)
    assert r["stage"] == "ingest" and "rule" in r and "source" in r
    assert ("record" in r) != ("raw" in r)
' || fail "rejects shape"
$GRIST ingest --on-invalid=error mixed.jsonl > out 2> err
expect_eq "--on-invalid=error exit" 1 $?
expect_grep "error names place" "invalid JSON at mixed.jsonl:4 byte 67" err
expect_eq "records before the error still written" 2 "$(wc -l < out)"
# With -o, a stopped run leaves no output file at all.
$GRIST ingest --on-invalid=error -o res.jsonl mixed.jsonl 2> err
expect_eq "-o exit" 1 $?
[ ! -e res.jsonl ] || fail "a failed run left res.jsonl"
[ -z "$(ls | grep 'res.jsonl.tmp')" ] || fail "temporary file left behind"
# Invalid UTF-8 inside a JSON line is invalid JSON; the raw bytes are kept in base64.
printf '{"text":"ok"}\n{"text":"bad \xff byte"}\n' > utf.jsonl
$GRIST ingest -q utf.jsonl --rejects r2.jsonl > out
expect_eq "valid record kept" 1 "$(wc -l < out)"
expect_grep "invalid UTF-8 line rejected" '"rule":"invalid_json"' r2.jsonl
/usr/bin/python3 -c '
import json, base64
r = json.loads(open("r2.jsonl").readline())
assert base64.b64decode(r["raw_base64"]) == b"{\"text\":\"bad \xff byte\"}", r
' || fail "raw_base64 keeps exact bytes"
done_testing
