#!/bin/bash
# tokenize train: identical output files across runs, -j 1 / -j 2 and batch sizes, also when
# --max-pieces prunes the piece table (pruning happens in input order on one thread).
. "$(dirname "$0")/lib.sh"
TRAIN="${TRAIN:-$GRIST tokenize train}"
IN=$FIX/train/small.jsonl
cat "$IN" "$IN" "$IN" > in.jsonl

$TRAIN -q --vocab-size 800 -j 1 -o a.json --tiktoken a.tt in.jsonl || fail "j1"
$TRAIN -q --vocab-size 800 -j 1 -o b.json --tiktoken b.tt in.jsonl || fail "j1 again"
$TRAIN -q --vocab-size 800 -j 2 --batch-bytes 4K -o c.json --tiktoken c.tt in.jsonl || fail "j2"
$TRAIN -q --vocab-size 800 -j 3 --batch-bytes 1K -o d.json --tiktoken d.tt - < in.jsonl || fail "j3 stdin"
for x in b c d; do
	expect_file_eq "tokenizer.json $x" a.json $x.json
	expect_file_eq "tiktoken $x" a.tt $x.tt
done

# Pruned: the same across -j, and different from the exact run (so pruning did happen).
$TRAIN -q --vocab-size 800 --max-pieces 300 --batch-bytes 2K -j 1 -o p1.json in.jsonl || fail "prune j1"
$TRAIN -q --vocab-size 800 --max-pieces 300 --batch-bytes 2K -j 2 -o p2.json in.jsonl || fail "prune j2"
expect_file_eq "pruned -j1/-j2" p1.json p2.json
cmp -s a.json p1.json && fail "--max-pieces 300 changed nothing"
$TRAIN --vocab-size 800 --max-pieces 300 --batch-bytes 2K -o p3.json in.jsonl 2> err.txt
expect_grep "prune warning" "dropping the rarest" err.txt
done_testing
