#!/bin/bash
# grist shard --format llmc: shards read back by an independent numpy reader (shard_read.py)
# against the input token stream; uint16 and uint32 layouts; xxhsum agrees with the manifest;
# a rerun is byte-identical; verify passes.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3

$PY "$HERE/shard_gen.py" gen in.tok --docs 300 --empty 17 --max-len 400 || fail "gen"
expect_exit "llmc shard" 0 $GRIST shard -q --format llmc -o out/fw --shard-tokens 6000 --val-tokens 5000 in.tok
$PY "$HERE/shard_read.py" check --format llmc --dir out --prefix fw --stream in.tok \
	--shard-tokens 6000 --val-tokens 5000 >check.out 2>&1 || { fail "llmc check"; cat check.out; }
expect_grep "val and train shards" "OK llmc" check.out
[ -f out/fw_val_000000.bin ] || fail "no val shard 000000"
[ -f out/fw_train_000001.bin ] || fail "train shards do not start at 000001"
expect_exit "verify" 0 $GRIST shard verify out/fw >verify.out
expect_grep "verify summary" "all .* files match" verify.out

# The manifest checksum is what xxhsum -H3 prints for the file.
if command -v xxhsum >/dev/null; then
	want=$(xxhsum -H3 out/fw_train_000001.bin | sed 's/.*= //')
	expect_grep "xxhsum agrees" "\"file\": \"fw_train_000001.bin\".*\"xxh3\": \"$want\"" out/fw.manifest.json
else
	fail "xxhsum not installed (make deps installs package xxhash)"
fi

# Same input, same options: byte-identical output, manifest included.
expect_exit "rerun" 0 $GRIST shard -q --format llmc -o again/fw --shard-tokens 6000 --val-tokens 5000 in.tok
for f in out/*; do
	cmp -s "$f" "again/$(basename "$f")" || fail "rerun differs: $f"
done
expect_eq "rerun file count" "$(ls out | wc -l)" "$(ls again | wc -l)"

# Default shard size (100M tokens) puts everything in one train shard; no val without a split.
expect_exit "default sizes" 0 $GRIST shard -q --format llmc -o one/p <in.tok
expect_eq "one shard" "p.manifest.json p_train_000001.bin p_train_000001.docs.jsonl" "$(ls one | tr '\n' ' ' | sed 's/ $//')"
$PY "$HERE/shard_read.py" check --format llmc --dir one --prefix p --stream in.tok >/dev/null || fail "one-shard check"

# A vocabulary above 65536 ids: magic 20240801 version 7, uint32 tokens.
$PY "$HERE/shard_gen.py" gen big.tok --vocab 100277 --eot 100257 --docs 80 --name cl100k_base || fail "gen big"
expect_exit "llmc uint32" 0 $GRIST shard -q --format llmc -o wide/c --shard-tokens 4000 big.tok
$PY "$HERE/shard_read.py" check --format llmc --dir wide --prefix c --stream big.tok --shard-tokens 4000 \
	>check32.out 2>&1 || { fail "uint32 check"; cat check32.out; }
expect_eq "uint32 magic" "20240801 7" "$($PY -c "import numpy as n; h=n.fromfile('wide/c_train_000001.bin',dtype='<i4',count=2); print(h[0],h[1])")"

# Two inputs are one sequence of documents; the ids in the docs index count across both.
expect_exit "two inputs" 0 $GRIST shard -q --format llmc -o two/t in.tok in.tok
$PY "$HERE/shard_read.py" check --format llmc --dir two --prefix t --stream in.tok --stream in.tok >/dev/null \
	|| fail "two-input check"
done_testing
