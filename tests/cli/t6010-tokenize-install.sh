#!/bin/bash
# Issue 11.8: after `make install PREFIX=P`, `P/bin/grist tokenize -t gpt2` finds the
# vocabularies in P/share/grist/vocabs; and the README's `tokenize train` example makes a
# tokenizer that shard accepts.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
[ -f "$ROOT/vocabs/gpt2.tiktoken" ] || { fail "no vocabs/: run make vocabs"; done_testing; }

# The install rule installs every vocabulary beside the binary's share directory ...
make -s -n -C "$ROOT" install PREFIX="$PWD/p" > plan0.txt 2>&1 || { fail "make -n install: exit $?"; cat plan0.txt; }
sed -e :a -e "/\\\\$/N; s/\\\\\n//; ta" plan0.txt > plan.txt # join continued lines
for v in gpt2 cl100k_base o200k_base; do
	expect_grep "install plan has $v" "vocabs/$v.tiktoken .*$PWD/p/share/grist/vocabs" plan.txt
	expect_grep "install plan has $v sidecar" "vocabs/$v.tiktoken.json" plan.txt
done
# ... and an installed binary finds them there (same layout, built by hand so this test does not
# rebuild the release binary under the sanitizer build).
mkdir -p p/bin p/share/grist/vocabs
cp "$GRIST" p/bin/grist
cp "$ROOT"/vocabs/*.tiktoken "$ROOT"/vocabs/*.tiktoken.json p/share/grist/vocabs/
echo '{"id":"a","text":"Hello world"}' > in.jsonl
(cd / && env -u GRIST_VOCABS "$OLDPWD/p/bin/grist" tokenize -q -t gpt2 --to jsonl "$OLDPWD/in.jsonl") > out.jsonl ||
	fail "installed grist -t gpt2: exit $?"
expect_eq "installed gpt2 ids" '{"id":"a","tokens":[15496,995]}' "$(cat out.jsonl)"
rm p/share/grist/vocabs/gpt2.tiktoken
(cd / && env -u GRIST_VOCABS "$OLDPWD/p/bin/grist" tokenize -q -t gpt2 "$OLDPWD/in.jsonl") > /dev/null 2> err.txt
expect_eq "without the installed vocabulary: exit" 2 $?
expect_grep "message names the search path" "no such vocabulary file or name (searched" err.txt

# The README's train example, verbatim but for the input, then shard.
for i in $(seq 1 300); do echo "{\"id\":\"$i\",\"text\":\"the quick brown fox $i jumps over the lazy dog number $((i * 7))\"}"; done > docs.jsonl
$GRIST tokenize train -q --vocab-size 32000 --special '<|endoftext|>' -o tok.json docs.jsonl || fail "train: exit $?"
mkdir -p out/mine
$GRIST tokenize -q -t tok.json docs.jsonl | $GRIST shard -q --format llmc -o out/mine/tok > shard.txt 2>&1 ||
	{ fail "README example: shard refused the trained tokenizer"; cat shard.txt; }
ls out/mine/tok_*.bin > /dev/null 2>&1 || fail "README example wrote no shard"
done_testing
