#!/bin/bash
# tokenize train: bad options and bad input give clear errors and the documented exit codes,
# and leave no output file behind.
. "$(dirname "$0")/lib.sh"
TRAIN="${TRAIN:-$GRIST tokenize train}"
IN=$FIX/train/small.jsonl

expect_exit "no --vocab-size" 2 $TRAIN -q -o x.json "$IN" 2> err1
expect_grep "no --vocab-size message" "vocab-size is required" err1
expect_exit "vocab below 256" 2 $TRAIN -q --vocab-size 255 -o x.json "$IN" 2> err2
expect_grep "vocab message" "too small" err2
expect_exit "vocab below 256 + specials" 2 $TRAIN -q --vocab-size 257 --special a1 --special a2 -o x.json "$IN" 2> err3
expect_grep "vocab+specials message" "2 special" err3
expect_exit "bad pattern" 2 $TRAIN -q --vocab-size 300 --pattern '(\p{L}+' -o x.json "$IN" 2> err4
expect_grep "bad pattern message" "does not compile" err4
expect_exit "duplicate special" 2 $TRAIN -q --vocab-size 300 --special '<s>' --special '<s>' -o x.json "$IN" 2> err5
expect_grep "duplicate message" "given twice" err5
expect_exit "special spelled like a byte" 2 $TRAIN -q --vocab-size 300 --special 'Ġ' -o x.json "$IN" 2> err6
expect_grep "byte special message" "byte-level spelling" err6
# counts take k/M/G (30k = 30000, docs: README "Numbers in options"); fractions of them do not
expect_exit "bad number" 2 $TRAIN -q --vocab-size 1.5k -o x.json "$IN"
[ -e x.json ] && fail "an output file was left behind"

: > empty.jsonl
expect_exit "empty corpus" 1 $TRAIN -q --vocab-size 300 -o x.json empty.jsonl 2> err7
expect_grep "empty message" "empty corpus" err7
printf '{"text":""}\n{"id":1}\n' > blank.jsonl
expect_exit "corpus without text" 1 $TRAIN -q --vocab-size 300 -o x.json blank.jsonl
[ -e x.json ] && fail "an output file was left behind (empty corpus)"
expect_exit "missing file" 3 $TRAIN -q --vocab-size 300 -o x.json nonexistent.jsonl

# Invalid lines: skipped into --rejects by default, fatal with --on-invalid=error.
{ head -3 "$IN"; echo '{"text": broken'; head -5 "$IN" | tail -2; } > bad.jsonl
$TRAIN -q --vocab-size 300 --rejects rej.jsonl --stats st.json -o ok.json bad.jsonl || fail "skip invalid"
expect_eq "one reject" 1 "$(wc -l < rej.jsonl)"
expect_grep "reject rule" '"rule":"invalid_json"' rej.jsonl
expect_grep "stats stage" '"stage":"tokenize-train"' st.json
expect_grep "stats merges" '"merges":44,' st.json
expect_exit "--on-invalid=error" 1 $TRAIN -q --vocab-size 300 --on-invalid=error -o y.json bad.jsonl 2> err8
expect_grep "invalid message" "bad.jsonl:4" err8
[ -e y.json ] && fail "an output file was left behind (invalid JSON)"
done_testing
