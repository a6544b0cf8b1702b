#!/bin/bash
# grist shard inspect -t TOKENIZER shows each document's text, decoded.
. "$(dirname "$0")/lib.sh"
printf '{"id":"a","text":"Hello shards, this is the first document."}\n{"id":"b","text":"Second: caf\\u00e9 \\u2603"}\n' > in.jsonl
$GRIST tokenize -q -t gpt2 in.jsonl > s.tok || fail "tokenize"
$GRIST shard -q --format llmc -o out/t < s.tok || fail "shard"
$GRIST shard inspect out/t_train_000001.bin -t gpt2 > show 2> err; expect_eq "inspect exit" 0 $?
expect_grep "first text" 'text: "Hello shards, this is the first document."' show
expect_grep "second text, UTF-8 intact" 'text: "Second: café ☃"' show
$GRIST shard inspect out/t_train_000001.bin -t /nonexistent.tiktoken > show 2> err
[ $? -ne 0 ] || fail "a missing tokenizer is an error"
done_testing
