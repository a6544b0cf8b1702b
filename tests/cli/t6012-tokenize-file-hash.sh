#!/bin/bash
# The token stream's header carries the XXH3-64 (seed 0) of the tokenizer file at offset 32, and
# shard's manifest repeats it: both are checked against xxhsum (Debian's xxhash) of the file,
# for a named vocabulary and for a tokenizer.json given by path; a changed file changes both.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
export GRIST_VOCABS=$ROOT/vocabs
[ -f "$GRIST_VOCABS/gpt2.tiktoken" ] || { fail "no vocabs/: run make vocabs"; done_testing; }
printf '{"id":"a","text":"hello world"}\n' > in.jsonl

# header_hash FILE: the u64 at offset 32, little-endian, as 16 hex digits
header_hash() { od -An -tx8 -j32 -N8 --endian=little "$1" | tr -d ' \n'; }
manifest_hash() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokenizer"]["xxh3"])' "$1"; }
file_hash() { xxhsum -H3 "$1" | sed 's/.* = //'; }

check() { # WHAT TOKENIZER-ARG FILE
	$GRIST tokenize -q -t "$2" in.jsonl > "$1.tok" || fail "$1: tokenize exit $?"
	expect_eq "$1: stream header offset 32" "$(file_hash "$3")" "$(header_hash "$1.tok")"
	$GRIST shard -q --format llmc -o "$1/x" "$1.tok" || fail "$1: shard exit $?"
	expect_eq "$1: manifest tokenizer.xxh3" "$(file_hash "$3")" "$(manifest_hash "$1/x.manifest.json")"
}
check named gpt2 "$GRIST_VOCABS/gpt2.tiktoken"
node "$ROOT/tests/npm/make-hf.js" "$GRIST_VOCABS/gpt2.tiktoken" hf bytelevel > /dev/null || fail "make-hf"
check json hf/tokenizer.json hf/tokenizer.json
# one byte more in the file (a JSON-neutral trailing newline) changes the hash everywhere
echo >> hf/tokenizer.json
check changed hf/tokenizer.json hf/tokenizer.json
[ "$(header_hash json.tok)" != "$(header_hash changed.tok)" ] || fail "a changed file kept its hash"
done_testing
