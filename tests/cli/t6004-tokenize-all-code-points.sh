#!/bin/bash
# Every code point through gpt2, cl100k_base and o200k_base against npm tiktoken (both
# splitters for cl100k), and through a Sequence[Split, ByteLevel] tokenizer.json against npm
# tokenizers: character classes must be the reference engines' Unicode 16 ones, not PCRE2's
# Unicode 14 (see tokenize/tok_unicode16.c).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
export GRIST_VOCABS=$ROOT/vocabs
[ -f "$GRIST_VOCABS/cl100k_base.tiktoken" ] || { fail "no vocabs/: run make vocabs"; done_testing; }
node "$NPM/allcp.js" > allcp.jsonl
# Under the sanitizers one vocabulary exercises the same code; the release build checks all three.
vocabs="gpt2 cl100k_base o200k_base"
[ "${BUILD:-release}" = asan ] && vocabs=cl100k_base
for v in $vocabs; do
	$GRIST tokenize -q -t $v --to jsonl allcp.jsonl > out.jsonl || fail "$v: exit $?"
	node "$NPM/parity.js" tiktoken $v allcp.jsonl out.jsonl > parity.txt ||
		{ fail "$v: all code points differ from tiktoken"; head -c 3000 parity.txt; }
done
$GRIST tokenize -q -t cl100k_base --splitter pcre2 --to jsonl allcp.jsonl > out.jsonl
node "$NPM/parity.js" tiktoken cl100k_base allcp.jsonl out.jsonl > parity.txt ||
	{ fail "cl100k --splitter pcre2: all code points differ from tiktoken"; head -c 3000 parity.txt; }
node "$NPM/make-hf.js" "$ROOT/vocabs/o200k_base.tiktoken" o200k-split split-o200k
$GRIST tokenize -q -t o200k-split/tokenizer.json --to jsonl allcp.jsonl > out.jsonl
node "$NPM/parity.js" tokenizers o200k-split/tokenizer.json allcp.jsonl out.jsonl > parity.txt ||
	{ fail "o200k tokenizer.json: all code points differ from tokenizers"; head -c 3000 parity.txt; }
done_testing
