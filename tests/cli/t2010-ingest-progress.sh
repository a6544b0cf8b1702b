# --progress draws on stderr only; -q silences the summary; stdout is unaffected.
. ./lib.sh
for i in $(seq 1 2000); do echo "{\"text\":\"r$i\"}"; done > p.jsonl
$GRIST ingest --progress p.jsonl > out 2> err
expect_eq "records" 2000 "$(wc -l < out)"
expect_grep "progress line" "records/s" err
expect_grep "percentage of a known size" "100%" err
$GRIST ingest -q p.jsonl > out2 2> err2
expect_file_eq "same output" out out2
[ ! -s err2 ] || fail "-q still printed: $(cat err2)"
$GRIST ingest p.jsonl > out3 2> err3
expect_grep "summary line" "grist ingest: 2000 records in, 2000 out, 0 rejected" err3
grep -q "records/s" err3 && fail "progress drawn although stderr is not a terminal"
done_testing
