#!/bin/bash
# grist shard --format megatron: .bin/.idx read back from the spec (MMIDIDX, dtype codes,
# sequence lengths/pointers, document indices), with and without --append-eod, one pair per split
# or sharded; dtype switches to int32 at 65500 ids.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 150 --empty 11 || fail "gen"

expect_exit "megatron" 0 $GRIST shard -q --format megatron -o m/d --val-tokens 2000 in.tok
expect_eq "pair names" "d.manifest.json d_train_text_document.bin d_train_text_document.docs.jsonl d_train_text_document.idx d_val_text_document.bin d_val_text_document.docs.jsonl d_val_text_document.idx" "$(ls m | tr '\n' ' ' | sed 's/ $//')"
$PY "$HERE/shard_read.py" check --format megatron --dir m --prefix d --stream in.tok --val-tokens 2000 \
	>c1.out 2>&1 || { fail "megatron check"; cat c1.out; }
expect_exit "verify" 0 $GRIST shard verify m/d.manifest.json >/dev/null

expect_exit "megatron eod sharded" 0 $GRIST shard -q --format megatron --append-eod --shard-tokens 3000 -o e/d in.tok
$PY "$HERE/shard_read.py" check --format megatron --dir e --prefix d --stream in.tok --append-eod --shard-tokens 3000 \
	>c2.out 2>&1 || { fail "megatron eod check"; cat c2.out; }
[ -f e/d_train_000000_text_document.idx ] || fail "sharded megatron names"

# No end-of-text id in the stream: megatron without --append-eod is fine, with it an error.
$PY "$HERE/shard_gen.py" gen noeot.tok --docs 20 --eot 4294967295 --vocab 1000 || fail "gen noeot"
expect_exit "no eot needed" 0 $GRIST shard -q --format megatron -o n/d noeot.tok
expect_exit "eod needs eot" 2 $GRIST shard -q --format megatron --append-eod -o n2/d noeot.tok 2>err
expect_grep "eot message" "needs an end-of-text id" err
expect_exit "--eot-id supplies one" 0 $GRIST shard -q --format megatron --append-eod --eot-id 999 -o n3/d noeot.tok

# dtype: uint16 (code 8) below 65500 ids, int32 (code 4) from 65500.
$PY "$HERE/shard_gen.py" gen v1.tok --docs 10 --vocab 65499 --eot 65498 || fail "gen v1"
$PY "$HERE/shard_gen.py" gen v2.tok --docs 10 --vocab 65500 --eot 65499 || fail "gen v2"
$GRIST shard -q --format megatron -o v1/d v1.tok && $GRIST shard -q --format megatron -o v2/d v2.tok || fail "dtype runs"
expect_eq "dtype 65499" 8 "$(od -An -tu1 -j17 -N1 v1/d_train_text_document.idx | tr -d ' ')"
expect_eq "dtype 65500" 4 "$(od -An -tu1 -j17 -N1 v2/d_train_text_document.idx | tr -d ' ')"
$PY "$HERE/shard_read.py" check --format megatron --dir v2 --prefix d --stream v2.tok >/dev/null || fail "int32 check"
done_testing
