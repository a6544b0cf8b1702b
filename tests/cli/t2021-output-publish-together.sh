#!/bin/bash
# Issue 11.9: a command with several outputs publishes them together, after all are complete
# (lib/atomic.h, atomic_set): when the last one (--stats, in a directory that does not exist)
# cannot be written, no other output appears under its final name, in every stage.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
python3 - <<'PY'
import json
with open("in.jsonl", "w") as f:
    for i in range(40):
        words = " ".join("word%d" % ((i * 7 + k) % 97) for k in range(60 + i))
        f.write(json.dumps({"id": "d%d" % i, "text": "The document %d says that %s. It ends here." % (i % 25, words)}) + "\n")
    f.write('{"text": 5}\n{"bad\n')
PY
mkdir w
# none WHAT: the command failed with exit 3 naming the stats file, and w/ is empty
none() {
	local what=$1 rc=$2
	expect_eq "$what: exit" 3 $rc
	expect_grep "$what: message" "nodir/s.json" err
	expect_eq "$what: nothing under a final name (or temporary)" "" "$(ls -A w)"
	rm -rf w; mkdir w
}
$GRIST ingest -q in.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats nodir/s.json 2>err
none ingest $?
$GRIST clean -q in.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats nodir/s.json 2>err
none clean $?
$GRIST dedup -q in.jsonl -o w/out.jsonl.zst --rejects w/rej.jsonl --stats nodir/s.json 2>err
none dedup $?
$GRIST tokenize -q -t "$FIX/tokenize/tiny-tokenizer.json" in.jsonl -o w/out.tok --rejects w/rej.jsonl --stats nodir/s.json 2>err
none tokenize $?
$GRIST tokenize train -q --vocab-size 300 in.jsonl -o w/tok.json --tiktoken w/tok.tiktoken --rejects w/rej.jsonl --stats nodir/s.json 2>err
none "tokenize train" $?
$GRIST dedup sign -q --task 0 -o w/p in.jsonl --stats nodir/s.json 2>err
none "dedup sign" $?
mkdir d
$GRIST dedup sign -q --task 0 -o d/p in.jsonl || fail "sign for cluster"
for b in $(seq 0 13); do $GRIST dedup match -q --band $b --tasks 1 d/p || fail "match $b"; done
cp -r d w/
$GRIST dedup cluster -q --tasks 1 w/d/p --stats nodir/s.json 2>err
expect_eq "dedup cluster: exit" 3 $?
expect_eq "dedup cluster: no removal list" "$(ls d)" "$(ls w/d)"
rm -r w/d
$GRIST tokenize -q -t "$FIX/tokenize/tiny-tokenizer.json" in.jsonl -o in.tok || fail "tokenize for shard"
$GRIST shard -q --format llmc --shard-tokens 2000 --min-shard-tokens 0 -o w/sh/p --stats nodir/s.json in.tok 2>err
none shard $?
# and the same commands with a writable --stats publish everything
$GRIST clean -q in.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats w/s.json || fail "clean with stats"
expect_eq "clean: all three" "out.jsonl rej.jsonl s.json" "$(ls w | tr '\n' ' ' | sed 's/ $//')"
rm -f w/*
$GRIST tokenize train -q --vocab-size 300 in.jsonl -o w/tok.json --tiktoken w/tok.tiktoken --stats w/s.json || fail "train with stats"
expect_eq "train: all three" "s.json tok.json tok.tiktoken" "$(ls w | tr '\n' ' ' | sed 's/ $//')"
rm -f w/*
$GRIST shard -q --format llmc --shard-tokens 2000 --min-shard-tokens 0 -o w/sh/p --stats w/s.json in.tok || fail "shard with stats"
expect_exit "shard set verifies" 0 $GRIST shard verify w/sh/p > /dev/null
[ -f w/s.json ] || fail "shard: stats"
# A rename failing part-way through publishing (the fault shim, tests/faultinject): the outputs
# already renamed are taken back and the files they replaced, last run's outputs, restored byte
# for byte; nothing else is left in the directory.
SO=$(dirname "$GRIST")/tests/faultinject/faultinject.so
if [ -f "$SO" ]; then
	rm -rf w; mkdir w
	$GRIST clean -q --lang-id off in.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats w/s.json || fail "clean, first run"
	cp -r w before
	head -n 20 in.jsonl > in2.jsonl
	for n in 1 2; do
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD="$SO" \
			FI_OP=rename FI_AFTER=$n FI_ERRNO=EIO $GRIST clean -q --lang-id off in2.jsonl \
			-o w/out.jsonl --rejects w/rej.jsonl --stats w/s.json 2>err
		expect_eq "rename $n failing: exit" 3 $?
		expect_grep "rename $n failing: says the outputs were restored" "restored" err
		for f in out.jsonl rej.jsonl s.json; do
			expect_file_eq "rename $n failing: the previous $f is back" before/$f w/$f
		done
		expect_eq "rename $n failing: nothing else in w/" "out.jsonl rej.jsonl s.json" "$(ls -A w | tr '\n' ' ' | sed 's/ $//')"
	done
else
	fail "no $SO (make build makes it)"
fi
done_testing
