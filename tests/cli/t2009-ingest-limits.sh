# Hostile input: deep nesting is an invalid line, not a stack overflow; -o writes atomically.
. ./lib.sh
/usr/bin/python3 -c '
print("{\"text\":\"ok\",\"d\":" + "[" * 999 + "]" * 999 + "}")
print("{\"text\":\"deep\",\"d\":" + "[" * 1000 + "]" * 1000 + "}")
print("{\"text\":\"deeper\",\"d\":" + "[" * 100000 + "]" * 100000 + "}")
print("{\"text\":\"unterminated\",\"d\":" + "[" * 100000)
' > deep.jsonl
$GRIST ingest -q deep.jsonl --rejects r.jsonl > out; expect_eq "exit" 0 $?
expect_eq "only the 1000-level record (999 arrays + object) passes" 1 "$(wc -l < out)"
expect_eq "three rejects" 3 "$(grep -c invalid_json r.jsonl)"
expect_grep "depth reason" "nesting deeper than 1000" r.jsonl
$GRIST ingest -q deep.jsonl -o res.jsonl; expect_eq "-o exit" 0 $?
expect_file_eq "-o content equals stdout" out res.jsonl
[ -z "$(ls | grep tmp)" ] || fail "temporary left"
done_testing
