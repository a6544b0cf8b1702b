#!/bin/bash
# A run killed with SIGKILL midway leaves nothing under a final name (files are published
# together at the end, the manifest last); the rerun removes the dead run's temporary files,
# completes, verifies, and is byte-identical to an uninterrupted run.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 3000 --max-len 300 || fail "gen"
size=$(stat -c %s in.tok)
mkfifo feed
$GRIST shard -q --format llmc --shard-tokens 20000 --val-tokens 10000 -o out/k <feed &
pid=$!
exec 3>feed
head -c $((size / 2)) in.tok >&3
# Wait until some shards are complete (closed, under temporary names).
for i in $(seq 100); do
	[ "$(ls out 2>/dev/null | grep -c '\.bin\.tmp\.')" -ge 3 ] && break
	sleep 0.1
done
[ "$(ls out | grep -c '\.bin\.tmp\.')" -ge 3 ] || fail "no shards written before the kill"
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
expect_eq "no final names after SIGKILL" "" "$(ls out | grep -v '\.tmp\.')"
[ -f out/k.manifest.json ] && fail "manifest after SIGKILL"

expect_exit "rerun" 0 $GRIST shard -q --format llmc --shard-tokens 20000 --val-tokens 10000 -o out/k in.tok
expect_eq "temporary files cleaned" "" "$(ls out | grep '\.tmp\.')"
expect_exit "verify" 0 $GRIST shard verify out/k >/dev/null
$GRIST shard -q --format llmc --shard-tokens 20000 --val-tokens 10000 -o clean/k in.tok || fail "clean run"
expect_eq "same files" "$(ls clean)" "$(ls out)"
for f in clean/*; do cmp -s "$f" "out/$(basename "$f")" || fail "differs from an uninterrupted run: $f"; done
$PY "$HERE/shard_read.py" check --format llmc --dir out --prefix k --stream in.tok --shard-tokens 20000 \
	--val-tokens 10000 >/dev/null || fail "reader check"

# A rerun with fewer shards removes the earlier run's extra shards (a glob must not find them).
expect_exit "fewer shards" 0 $GRIST shard -q --format llmc --shard-tokens 200000 -o out/k in.tok
expect_eq "stale shards removed" "k.manifest.json k_train_000001.bin k_train_000001.docs.jsonl k_train_000002.bin k_train_000002.docs.jsonl k_train_000003.bin k_train_000003.docs.jsonl" "$(ls out | tr '\n' ' ' | sed 's/ $//')"
done_testing
