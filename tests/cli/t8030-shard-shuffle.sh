#!/bin/bash
# --shuffle: the order is recomputed by shard_read.py from the documented method (bucket by
# SplitMix64 hash, Fisher-Yates per bucket); spilling to disk (tiny --shuffle-memory) gives the
# same bytes as the in-memory path; another seed gives another order. Loss masks land beside the
# shards with 0 on the inserted end-of-text tokens.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 500 --max-len 120 --empty 50 || fail "gen"

expect_exit "shuffle" 0 $GRIST shard -q --format llmc --shuffle --seed 5 --shard-tokens 8000 --val-tokens 3000 -o a/s in.tok
$PY "$HERE/shard_read.py" check --format llmc --dir a --prefix s --stream in.tok --shuffle --seed 5 \
	--shard-tokens 8000 --val-tokens 3000 >c.out 2>&1 || { fail "shuffle check"; cat c.out; }
expect_exit "shuffle spilling" 0 $GRIST shard -q --format llmc --shuffle --seed 5 --shard-tokens 8000 \
	--val-tokens 3000 --shuffle-memory 4k --stats st.json -o b/s in.tok
for f in a/*; do cmp -s "$f" "b/$(basename "$f")" || fail "spilled shuffle differs: $f"; done
peak=$($PY -c "import json; print(json.load(open('st.json'))['stage_stats']['shuffle_peak_bytes'])")
[ "$peak" -lt 100000 ] || fail "spilling did not bound memory: peak $peak"
ls -a b | grep -q grist-shuffle && fail "spill files left behind"
$GRIST shard -q --format llmc --shuffle --seed 6 --shard-tokens 8000 -o c/s in.tok || fail "seed 6"
cmp -s a/s_train_000001.bin c/s_train_000001.bin && fail "seed does not change the order"
expect_exit "buckets 3" 0 $GRIST shard -q --format nanogpt --shuffle --seed 9 --shuffle-buckets 3 -o d/s in.tok
$PY "$HERE/shard_read.py" check --format nanogpt --dir d --prefix s --stream in.tok --shuffle --seed 9 --buckets 3 \
	>/dev/null || fail "3-bucket check"

# Loss masks: one byte per token beside each shard.
$PY "$HERE/shard_gen.py" gen mask.tok --docs 60 --mask || fail "gen mask"
for fmt in llmc megatron nanogpt; do
	extra=; [ $fmt = megatron ] && extra=--append-eod
	expect_exit "mask $fmt" 0 $GRIST shard -q --format $fmt $extra --shuffle --seed 2 -o m$fmt/k mask.tok
	$PY "$HERE/shard_read.py" check --format $fmt $extra --shuffle --seed 2 --dir m$fmt --prefix k --stream mask.tok \
		>cm.out 2>&1 || { fail "mask $fmt check"; cat cm.out; }
done
[ -f mllmc/k_train_000001.mask.bin ] || fail "llmc mask name"
[ -f mnanogpt/train.mask.bin ] || fail "nanogpt mask name"
done_testing
