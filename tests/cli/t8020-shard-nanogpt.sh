#!/bin/bash
# grist shard --format nanogpt: train.bin/val.bin raw uint16 with end-of-text after each document;
# --val-fraction is deterministic for a seed; an id >= 65536 is an error naming the document and
# leaves no file under a final name.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 400 --max-len 50 || fail "gen"

expect_exit "nanogpt" 0 $GRIST shard -q --format nanogpt -o n/x --val-fraction 0.2 --seed 11 in.tok
$PY "$HERE/shard_read.py" check --format nanogpt --dir n --prefix x --stream in.tok --val-fraction 0.2 --seed 11 \
	>c.out 2>&1 || { fail "nanogpt check"; cat c.out; }
[ -f n/train.bin ] && [ -f n/val.bin ] || fail "train.bin/val.bin"
# Another seed picks other documents.
$GRIST shard -q --format nanogpt -o n2/x --val-fraction 0.2 --seed 12 in.tok || fail "seed 12"
cmp -s n/val.docs.jsonl n2/val.docs.jsonl && fail "seed does not change the split"
expect_exit "shard-tokens refused" 2 $GRIST shard -q --format nanogpt --shard-tokens 10 -o n3/x in.tok 2>/dev/null

# cl100k-sized vocabulary: fine while ids fit, an error naming the document when one does not.
$PY "$HERE/shard_gen.py" gen wide.tok --vocab 100277 --eot 60000 --docs 30 --big-id 17 || fail "gen wide"
expect_exit "id over 65535" 1 $GRIST shard -q --format nanogpt -o w/x wide.tok 2>err
expect_grep "names the document" "document 17 (id src.jsonl:18): token id 70000 does not fit" err
expect_eq "nothing under a final name" "" "$(ls w)"
# uint32 stream whose ids all fit: narrowed to uint16.
$PY "$HERE/shard_gen.py" gen fits.tok --vocab 100277 --eot 60000 --docs 40 --big-id 999 || fail "gen fits"
expect_exit "narrowing" 0 $GRIST shard -q --format nanogpt --val-tokens 500 -o f/x fits.tok
$PY "$HERE/shard_read.py" check --format nanogpt --dir f --prefix x --stream fits.tok --val-tokens 500 \
	>cf.out 2>&1 || { fail "narrowed check"; cat cf.out; }
$PY "$HERE/shard_gen.py" gen wide2.tok --vocab 100277 --eot 100257 --docs 30 || fail "gen wide2"
expect_exit "eot 100257 does not fit uint16" 2 $GRIST shard -q --format nanogpt -o w2/x wide2.tok 2>err2
expect_grep "eot message" "does not fit the uint16" err2
done_testing
