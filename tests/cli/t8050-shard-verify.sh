#!/bin/bash
# grist shard verify finds a flipped byte, a missing file, a truncated shard and a wrong header;
# it accepts MANIFEST, DIR/PREFIX and DIR. grist shard inspect prints headers and documents.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 60 || fail "gen"
$GRIST shard -q --format llmc --shard-tokens 3000 -o o/p in.tok || fail "shard"
$GRIST shard -q --format megatron --shard-tokens 3000 -o m/p in.tok || fail "shard megatron"

expect_exit "verify manifest" 0 $GRIST shard verify o/p.manifest.json >/dev/null
expect_exit "verify prefix" 0 $GRIST shard verify o/p >/dev/null
expect_exit "verify dir" 0 $GRIST shard verify o >/dev/null
expect_exit "verify megatron" 0 $GRIST shard verify m >/dev/null

cp -r o flip
printf '\x01' | dd of=flip/p_train_000002.bin bs=1 seek=2000 conv=notrunc 2>/dev/null
expect_exit "flipped byte" 1 $GRIST shard verify flip >out 2>err
expect_grep "names the file" "FAIL p_train_000002.bin: XXH3-64" out
expect_grep "others still ok" "ok   p_train_000001.bin" out

cp -r o miss; rm miss/p_train_000001.docs.jsonl
expect_exit "missing docs index" 1 $GRIST shard verify miss >out 2>/dev/null
expect_grep "missing message" "FAIL p_train_000001.docs.jsonl: cannot open" out

cp -r m idx; printf '\x07' | dd of=idx/p_train_000000_text_document.idx bs=1 seek=40 conv=notrunc 2>/dev/null
expect_exit "corrupt idx" 1 $GRIST shard verify idx >out 2>/dev/null
expect_grep "idx named" "FAIL p_train_000000_text_document.idx" out

mkdir none
expect_exit "no manifest" 1 $GRIST shard verify none 2>err
expect_grep "no manifest message" "no \*.manifest.json in none" err

# inspect: llm.c shard with its docs index, Megatron pair, token stream, raw uint16.
$GRIST shard inspect o/p_train_000001.bin -n 2 >i1 || fail "inspect llmc"
expect_grep "llmc header" "format: llmc (magic 20240520, version 1, uint16 tokens)" i1
expect_grep "record id shown" "doc 0: id q\"uote:1, token offset 1" i1
expect_grep "doc count" "documents: [0-9]* (from o/p_train_000001.docs.jsonl)" i1
$GRIST shard inspect m/p_train_000000_text_document.idx >i2 || fail "inspect megatron"
expect_grep "megatron header" "MMIDIDX version 1, dtype code 8" i2
$GRIST shard inspect in.tok -n 1 >i3 || fail "inspect stream"
expect_grep "stream header" "tokenizer: gpt2 (xxh3 0123456789abcdef)" i3
expect_grep "stream counts" "documents: 60" i3
$GRIST shard -q --format nanogpt -o n/p in.tok || fail "nanogpt"
rm n/train.docs.jsonl
$GRIST shard inspect n/train.bin -n 1 >i4 || fail "inspect nanogpt"
expect_grep "eot from manifest" "documents: 60 (counted by end-of-text id 50256)" i4
$GRIST shard inspect o >i5 || fail "inspect manifest"
expect_grep "manifest summary" "^train 4 shard(s), 60 documents, 9774 tokens" i5
$GRIST shard inspect o/p >i6 || fail "inspect DIR/PREFIX"
cmp -s i5 i6 || fail "inspect DIR and DIR/PREFIX differ"
done_testing
