# --on-missing: text null, missing, or a number.
. ./lib.sh
printf '{"id":"1","text":null}\n{"id":"2"}\n{"id":"3","text":42}\n{"id":"4","text":"ok"}\n' > m.jsonl
$GRIST ingest -q m.jsonl > out; expect_eq "skip exit" 0 $?
expect_eq "skip keeps only the string" '{"id":"4","text":"ok","source":"m.jsonl"}' "$(cat out)"
$GRIST ingest -q --on-missing=empty m.jsonl > out; expect_eq "empty exit" 0 $?
cat > want <<'W'
{"id":"1","text":"","source":"m.jsonl"}
{"id":"2","text":"","source":"m.jsonl"}
{"id":"3","text":"","source":"m.jsonl"}
{"id":"4","text":"ok","source":"m.jsonl"}
W
expect_file_eq "empty policy" want out
$GRIST ingest -q --on-missing=error m.jsonl > out 2> err; expect_eq "error exit" 1 $?
expect_grep "error names record" 'm.jsonl:1 byte 0: field "text" is null' err
# --text-field reads another field and keeps its name.
printf '{"body":"b","text":5}\n' > tf.jsonl
$GRIST ingest -q --text-field body tf.jsonl > out
expect_eq "text-field" '{"body":"b","text":5,"id":"tf.jsonl:1","source":"tf.jsonl"}' "$(cat out)"
# --id-field: taken from the input when present.
printf '{"uid":"u1","text":"t"}\n' > idf.jsonl
$GRIST ingest -q --id-field uid idf.jsonl > out
expect_eq "id-field" '{"uid":"u1","text":"t","source":"idf.jsonl"}' "$(cat out)"
# Size limit on decoded text: "\u00e9" is 6 raw bytes but 2 decoded.
printf '{"text":"\\u00e9\\u00e9"}\n{"text":"abcde"}\n' > big.jsonl
$GRIST ingest -q --max-doc-bytes 4 --rejects r.jsonl big.jsonl > out
expect_eq "decoded length is what counts" 1 "$(wc -l < out)"
expect_grep "too big rejected with its size" '"rule":"max_doc_bytes","value":5' r.jsonl
done_testing
