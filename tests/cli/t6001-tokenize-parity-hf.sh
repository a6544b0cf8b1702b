#!/bin/bash
# Parity with the npm tokenizers package (HuggingFace's native library) on tokenizer.json files:
# ByteLevel with its regex (merges as "a b"), with add_prefix_space, Sequence[Split, ByteLevel]
# with cl100k's regex and ignore_merges (merges as ["a","b"]) and with o200k's regex, Split with
# a String pattern and behavior Removed followed by a Split regex using \s; GPT-2's
# encoder.json + vocab.bpe against tiktoken's gpt2; and a 1 MB document without spaces
# (tokenizers only: tiktoken's merge loop is quadratic on it).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
V=$ROOT/vocabs
[ -f "$V/cl100k_base.tiktoken" ] || { fail "no vocabs/: run make vocabs"; done_testing; }
[ -d "$NPM/node_modules/tokenizers" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }
C=$FIX/tokenize/corpus.jsonl
node "$NPM/make-hf.js" "$V/gpt2.tiktoken" gpt2-bytelevel bytelevel
node "$NPM/make-hf.js" "$V/gpt2.tiktoken" gpt2-prefix prefix
node "$NPM/make-hf.js" "$V/cl100k_base.tiktoken" cl100k-split split-cl100k
node "$NPM/make-hf.js" "$V/o200k_base.tiktoken" o200k-split split-o200k
node "$NPM/make-hf.js" "$V/gpt2.tiktoken" gpt2-files gpt2-files
node "$NPM/make-hf.js" "$V/gpt2.tiktoken" split-removed split-removed
# Under the sanitizers one tokenizer per pipeline shape, without the --allow-special rerun; the
# release build compares every combination.
dirs="gpt2-bytelevel gpt2-prefix cl100k-split o200k-split split-removed" specials=("" --allow-special)
[ "${BUILD:-release}" = asan ] && dirs="gpt2-prefix cl100k-split split-removed" specials=("")
for d in $dirs; do
	for sp in "${specials[@]}"; do
		$GRIST tokenize -q -t $d/tokenizer.json $sp --to jsonl "$C" > out.jsonl ||
			fail "$d $sp: grist exit $?"
		node "$NPM/parity.js" tokenizers $d/tokenizer.json "$C" out.jsonl $sp > parity.txt ||
			{ fail "$d $sp differs from tokenizers"; cat parity.txt; }
	done
done
$GRIST tokenize -q -t cl100k-split/tokenizer.json --to jsonl "$C" > enc.jsonl
$GRIST tokenize -q -t cl100k-split/tokenizer.json --decode enc.jsonl > dec.jsonl
node "$NPM/parity.js" tokenizers cl100k-split/tokenizer.json "$C" enc.jsonl --decoded dec.jsonl > parity.txt ||
	{ fail "cl100k-split: decode(encode(x)) != x"; cat parity.txt; }

$GRIST tokenize -q -t gpt2-files/encoder.json --to jsonl "$C" > out.jsonl || fail "encoder.json: exit $?"
node "$NPM/parity.js" tiktoken gpt2 "$C" out.jsonl > parity.txt ||
	{ fail "encoder.json + vocab.bpe differs from tiktoken gpt2"; cat parity.txt; }

node "$NPM/nospace.js" 1048576 > nospace.jsonl
for d in cl100k-split o200k-split gpt2-bytelevel; do
	$GRIST tokenize -q -t $d/tokenizer.json --to jsonl nospace.jsonl > out.jsonl || fail "nospace $d: exit $?"
	node "$NPM/parity.js" tokenizers $d/tokenizer.json nospace.jsonl out.jsonl > parity.txt ||
		{ fail "1 MB no-space document differs from tokenizers ($d)"; cat parity.txt; }
done
$GRIST tokenize -q -t gpt2-bytelevel/tokenizer.json --decode out.jsonl > dec.jsonl
node "$NPM/parity.js" tokenizers gpt2-bytelevel/tokenizer.json nospace.jsonl out.jsonl --decoded dec.jsonl > parity.txt ||
	{ fail "nospace: decode(encode(x)) != x"; cat parity.txt; }
done_testing
