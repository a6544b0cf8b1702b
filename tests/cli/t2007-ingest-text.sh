# Plain text inputs, BOM, CRLF, blank lines, invalid UTF-8, stdin and format sniffing.
. ./lib.sh
printf '\xef\xbb\xbfline one\r\n\r\n  \nline two\n' > t.txt
$GRIST ingest -q t.txt > out
expect_eq "whole file, BOM skipped" '{"id":"t.txt:1","text":"line one\r\n\r\n  \nline two\n","source":"t.txt"}' "$(cat out)"
$GRIST ingest -q --split-lines t.txt > out
cat > want <<'W'
{"id":"t.txt:1","text":"line one","source":"t.txt"}
{"id":"t.txt:4","text":"line two","source":"t.txt"}
W
expect_file_eq "split lines: CRLF stripped, blank lines skipped, physical line numbers" want out
printf 'caf\xe9 \xe2\x82 ok\n' > bad.txt
$GRIST ingest bad.txt > out 2> err
expect_eq "invalid UTF-8 repaired" $'{"id":"bad.txt:1","text":"caf\xef\xbf\xbd \xef\xbf\xbd ok\\n","source":"bad.txt"}' "$(cat out)"
expect_grep "repair warned" "invalid UTF-8" err
# JSONL with a BOM and CRLF.
printf '\xef\xbb\xbf{"text":"a"}\r\n{"text":"b"}\r\n' > bom.jsonl
$GRIST ingest -q bom.jsonl > out
cat > want <<'W'
{"text":"a","id":"bom.jsonl:1","source":"bom.jsonl"}
{"text":"b","id":"bom.jsonl:2","source":"bom.jsonl"}
W
expect_file_eq "BOM + CRLF JSONL" want out
# stdin, sniffed: JSON lines vs text.
printf '{"text":"s"}\n' | $GRIST ingest -q > out
expect_eq "stdin jsonl" '{"text":"s","id":"stdin:1","source":"stdin"}' "$(cat out)"
printf 'just text\n' | $GRIST ingest -q - > out
expect_eq "stdin text" '{"id":"stdin:1","text":"just text\n","source":"stdin"}' "$(cat out)"
# Unknown extension: sniffed.
printf '{"text":"q"}\n' > data.dat
$GRIST ingest -q data.dat > out
expect_eq "sniffed jsonl" '{"text":"q","id":"data.dat:1","source":"data.dat"}' "$(cat out)"
$GRIST ingest -q --format text data.dat > out
expect_eq "--format text" '{"id":"data.dat:1","text":"{\"text\":\"q\"}\n","source":"data.dat"}' "$(cat out)"
# Empty text file: a counted reject, not a silent loss.
: > empty.txt
$GRIST ingest empty.txt --rejects r.jsonl > out 2> err
expect_eq "empty file: no record" 0 "$(wc -l < out)"
expect_grep "empty file counted" "empty_file" r.jsonl
# Several inputs in order.
$GRIST ingest -q bom.jsonl t.txt > out
expect_eq "inputs in order" 3 "$(wc -l < out)"
done_testing
