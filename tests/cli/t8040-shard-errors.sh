#!/bin/bash
# Bad input streams and bad options: the right exit code, a message naming what and where, and no
# file under a final name.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen good.tok --docs 50 || fail "gen"
$PY "$HERE/shard_gen.py" gen trunc.tok --docs 50 --no-end || fail "gen trunc"

expect_exit "no end marker" 1 $GRIST shard -q --format llmc -o t/x trunc.tok 2>err
expect_grep "truncated message" "trunc.tok at byte [0-9]*: truncated token stream: no end marker after 50 documents" err
expect_eq "truncated: no files" "" "$(ls t)"
size=$(stat -c %s good.tok)
head -c $((size / 2)) good.tok >half.tok
expect_exit "cut mid-document" 1 $GRIST shard -q --format megatron -o h/x half.tok 2>err
expect_grep "cut message" "at byte $((size / 2)): truncated token stream: document" err
expect_eq "cut: no files" "" "$(ls h)"
printf '{"id":"a","text":"b"}\n' >records.jsonl
expect_exit "JSONL is not a stream" 1 $GRIST shard -q --format llmc -o j/x records.jsonl 2>err
expect_grep "bad magic" "records.jsonl at byte 0: bad magic" err
expect_exit "stdin truncated" 1 $GRIST shard -q --format llmc -o s/x <half.tok 2>err
expect_grep "stdin name" "standard input at byte" err

# Streams from different tokenizers cannot be mixed.
$PY "$HERE/shard_gen.py" gen other.tok --docs 5 --name cl100k_base || fail "gen other"
expect_exit "mixed tokenizers" 1 $GRIST shard -q --format llmc -o m/x good.tok other.tok 2>err
expect_grep "mixed message" "differs from" err
expect_eq "mixed: no files" "" "$(ls m)"

# Usage errors.
expect_exit "no format" 2 $GRIST shard -o u/x good.tok 2>/dev/null
expect_exit "bad format" 2 $GRIST shard --format parquet -o u/x good.tok 2>/dev/null
expect_exit "no -o" 2 $GRIST shard --format llmc good.tok 2>/dev/null
expect_exit "no prefix" 2 $GRIST shard --format llmc -o u/ good.tok 2>/dev/null
expect_exit "both splits" 2 $GRIST shard --format llmc -o u/x --val-tokens 5 --val-fraction 0.1 good.tok 2>/dev/null
expect_exit "bad fraction" 2 $GRIST shard --format llmc -o u/x --val-fraction 1.5 good.tok 2>/dev/null
expect_exit "2 GiB llm.c shard" 2 $GRIST shard --format llmc -o u/x --shard-tokens 1100M good.tok 2>err
expect_grep "2 GiB message" "2 GiB" err
expect_exit "append-eod llmc" 2 $GRIST shard --format llmc --append-eod -o u/x good.tok 2>/dev/null
expect_exit "help" 0 $GRIST shard --help >help.out
expect_grep "help lists defaults" "default 100M for llmc" help.out
expect_exit "missing input" 3 $GRIST shard -q --format llmc -o u/x nosuch.tok 2>/dev/null
done_testing
