#!/bin/bash
# grist tokenize options: --to jsonl with --eot before/after, the default token stream (header
# fields, decode back to the text), -j N identical to -j 1, --eot-token, missing text policy.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
export GRIST_VOCABS=$ROOT/vocabs
[ -f "$GRIST_VOCABS/gpt2.tiktoken" ] || { fail "no vocabs/: run make vocabs"; done_testing; }
printf '%s\n' '{"id":"a","text":"Hello world"}' '{"text":"no id here"}' '{"id":"c","other":1}' \
	'{"id":"d","text":""}' > in.jsonl

$GRIST tokenize -q -t gpt2 --to jsonl in.jsonl > out.jsonl || fail "jsonl: exit $?"
expect_eq "jsonl" '{"id":"a","tokens":[15496,995]}
{"id":"in.jsonl:2","tokens":[3919,4686,994]}
{"id":"d","tokens":[]}' "$(cat out.jsonl)"
$GRIST tokenize -q -t gpt2 --to jsonl --eot before in.jsonl > before.jsonl
expect_eq "eot before" '{"id":"a","tokens":[50256,15496,995]}' "$(head -1 before.jsonl)"
expect_eq "eot before, empty" '{"id":"d","tokens":[50256]}' "$(tail -1 before.jsonl)"
$GRIST tokenize -q -t gpt2 --to jsonl --eot after in.jsonl > after.jsonl
expect_eq "eot after" '{"id":"a","tokens":[15496,995,50256]}' "$(head -1 after.jsonl)"
$GRIST tokenize -q -t gpt2 --to jsonl --eot after --eot-token '!' in.jsonl > bang.jsonl
expect_eq "eot-token" '{"id":"a","tokens":[15496,995,0]}' "$(head -1 bang.jsonl)"
expect_exit "unknown eot-token" 2 $GRIST tokenize -q -t gpt2 --to jsonl --eot-token '<|nope|>' in.jsonl
expect_exit "--eot with stream" 2 $GRIST tokenize -q -t gpt2 --eot after in.jsonl
expect_exit "missing text is an error on request" 1 $GRIST tokenize -q -t gpt2 --on-missing=error in.jsonl -o x.tok
[ -e x.tok ] && fail "a failed run left its output file"

# The token stream: header, documents in order, decodes to the same records.
$GRIST tokenize -q -t gpt2 in.jsonl -o out.tok --stats stats.json || fail "stream: exit $?"
expect_eq "magic" "GRISTTOK" "$(head -c 8 out.tok)"
expect_eq "width 2 for gpt2" "2" "$(od -An -tu4 -j16 -N4 out.tok | tr -d ' ')"
expect_eq "vocab size" "50257" "$(od -An -tu4 -j20 -N4 out.tok | tr -d ' ')"
expect_eq "eot id" "50256" "$(od -An -tu4 -j24 -N4 out.tok | tr -d ' ')"
expect_eq "name" "gpt2" "$(dd if=out.tok bs=1 skip=40 count=4 2>/dev/null)"
$GRIST tokenize -q -t gpt2 --decode out.tok > dec-stream.jsonl || fail "decode stream: exit $?"
$GRIST tokenize -q -t gpt2 --decode out.jsonl > dec-jsonl.jsonl || fail "decode jsonl: exit $?"
expect_file_eq "stream and jsonl decode alike" dec-jsonl.jsonl dec-stream.jsonl
expect_eq "decoded" '{"id":"a","text":"Hello world"}' "$(head -1 dec-stream.jsonl)"
expect_grep "stats tokens" '"tokens":5' stats.json
$GRIST tokenize -q -t cl100k_base in.jsonl -o cl.tok
expect_eq "width 4 for cl100k" "4" "$(od -An -tu4 -j16 -N4 cl.tok | tr -d ' ')"
head -c 60 out.tok > trunc.tok
expect_exit "truncated stream" 1 $GRIST tokenize -q -t gpt2 --decode trunc.tok

# -j N: byte-identical output with many batches.
for i in 1 2 3 4 5 6; do sed "s/\"id\":\"/\"id\":\"$i-/" "$FIX/tokenize/corpus.jsonl"; done > big.jsonl
$GRIST tokenize -q -t cl100k_base -j 1 --batch-bytes 16K big.jsonl -o j1.tok
$GRIST tokenize -q -t cl100k_base -j 3 --batch-bytes 16K big.jsonl -o j3.tok
expect_file_eq "-j 3 vs -j 1 (stream)" j1.tok j3.tok
$GRIST tokenize -q -t o200k_base -j 1 --to jsonl --batch-bytes 16K big.jsonl -o j1.jsonl
$GRIST tokenize -q -t o200k_base -j 2 --to jsonl --batch-bytes 16K big.jsonl -o j2.jsonl
expect_file_eq "-j 2 vs -j 1 (jsonl)" j1.jsonl j2.jsonl
# The binary token stream is not written into a Parquet file (records only); --to jsonl is.
printf '{"id":"p","text":"hello parquet"}\n' > pq.jsonl
expect_exit "stream to .parquet refused" 2 $GRIST tokenize -q -t gpt2 pq.jsonl -o tok.parquet 2> pq.err
[ -e tok.parquet ] && fail "a .parquet file was written for a token stream"
expect_grep "says why" "Parquet holds records" pq.err
expect_exit "--to jsonl to .parquet" 0 $GRIST tokenize -q -t gpt2 --to jsonl pq.jsonl -o rows.parquet
done_testing
