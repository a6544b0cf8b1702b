#!/bin/bash
# Parity with the npm tiktoken package (OpenAI's Rust core as WASM) for gpt2, cl100k_base and
# o200k_base on the varied corpus, with and without --allow-special, both pre-splitters, and
# decode(encode(x)) == x. The vocabularies come from `make vocabs` (converted from the same
# npm package), found by name through GRIST_VOCABS.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
export GRIST_VOCABS=$ROOT/vocabs
[ -f "$GRIST_VOCABS/cl100k_base.tiktoken" ] || { fail "no vocabs/: run make vocabs"; done_testing; }
[ -d "$NPM/node_modules/tiktoken" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }
C=$FIX/tokenize/corpus.jsonl
for v in gpt2 cl100k_base o200k_base; do
	for sp in "" --allow-special; do
		for splitter in auto pcre2; do
			$GRIST tokenize -q -t $v $sp --splitter $splitter --to jsonl "$C" > out.jsonl ||
				fail "$v $sp: grist exit $?"
			node "$NPM/parity.js" tiktoken $v "$C" out.jsonl $sp > parity.txt ||
				{ fail "$v $sp --splitter $splitter differs from tiktoken"; cat parity.txt; }
		done
	done
	$GRIST tokenize -q -t $v --to jsonl "$C" > enc.jsonl
	$GRIST tokenize -q -t $v --decode enc.jsonl > dec.jsonl || fail "$v: decode exit $?"
	node "$NPM/parity.js" tiktoken $v "$C" enc.jsonl --decoded dec.jsonl > parity.txt ||
		{ fail "$v: decode(encode(x)) != x"; cat parity.txt; }
done
done_testing
