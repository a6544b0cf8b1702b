#!/bin/bash
# Bad and unsupported vocabulary files: clear errors naming the file and the entry, exit 2 for
# bad files, 5 ("unsupported: ...") for valid files using what grist does not implement.
. "$(dirname "$0")/lib.sh"
T=$FIX/tokenize/tiny-tokenizer.json
echo '{"id":"d","text":"the in then"}' > in.jsonl

$GRIST tokenize -q -t "$T" --to jsonl in.jsonl > out.jsonl || fail "tiny tokenizer: exit $?"
expect_eq "tiny ids" '{"id":"d","tokens":[116,257,260,258,110]}' "$(cat out.jsonl)"
NPM=$FIX/../npm
if [ -d "$NPM/node_modules/tokenizers" ]; then
	node "$NPM/parity.js" tokenizers "$T" in.jsonl out.jsonl > parity.txt || { fail "tiny vs tokenizers"; cat parity.txt; }
else
	fail "no tests/npm/node_modules: run make deps"
fi

# edit JSON PATH-EXPRESSION: a copy of the tiny tokenizer changed by a node expression on j
edit() { node -e "const j=require('$T'); $2; require('fs').writeFileSync('$1', JSON.stringify(j))"; }

check() { # check NAME CODE PATTERN
	$GRIST tokenize -q -t "$1" --to jsonl in.jsonl > /dev/null 2> err.txt
	local rc=$?
	[ $rc -eq "$2" ] || fail "$1: exit $rc, expected $2"
	expect_grep "$1 message" "$3" err.txt
}

edit merge-unknown.json 'j.model.merges.push("Ġzz q")'
check merge-unknown.json 2 "merge-unknown.json: model.merges\[5\]: merge names unknown token 'Ġzz'"
edit merge-pair.json 'j.model.merges = j.model.merges.map(m => m.split(" "))'
$GRIST tokenize -q -t merge-pair.json --to jsonl in.jsonl > out2.jsonl || fail "pair merges: exit $?"
expect_file_eq "merges as pairs" out.jsonl out2.jsonl
edit merge-result.json 'j.model.merges.push("Ġ q")'
check merge-result.json 2 "model.merges\[5\]: merge result 'Ġq' is not in the vocabulary"
edit no-model.json 'delete j.model'
check no-model.json 2 "no-model.json: missing model"
edit collision.json 'j.model.vocab["xyz"] = 3; j.added_tokens = []'
check collision.json 2 "collision.json: id 3 used by both"
edit added-gap.json 'j.added_tokens[0].id = 999'
check added-gap.json 5 "unsupported: added_tokens\[0\] '<|endoftext|>' has id 999"
edit charlevel.json 'j.model.type = "CharLevel"'
check charlevel.json 5 "unsupported: model.type CharLevel at model"
edit unigram.json 'j.model.type = "Unigram"; j.pre_tokenizer = null'
check unigram.json 2 "unigram.json: model.vocab: Unigram needs an array of \[piece, score\]"
edit normalizer.json 'j.normalizer = {type: "Sequence", normalizers: [{type: "NFC"}, {type: "Precompiled", precompiled_charsmap: "AA=="}]}'
check normalizer.json 2 "normalizer.json: normalizer.normalizers\[1\].precompiled_charsmap: not a SentencePiece charsmap"
# a charsmap whose root points 4096 units past its 2-unit trie (tokenizers panics on any text)
edit farmap.json 'j.normalizer = {type: "Sequence", normalizers: [{type: "NFC"}, {type: "Precompiled", precompiled_charsmap: "CAAAAAAAQAAAAAAA"}]}'
check farmap.json 5 "unsupported: normalizer Precompiled whose charsmap tokenizers cannot apply to every text (.*) at normalizer.normalizers\[1\].precompiled_charsmap"
edit pretok.json 'j.pre_tokenizer = {type: "Nope"}'
check pretok.json 5 "unsupported: pre_tokenizer Nope at pre_tokenizer"
edit dropout.json 'j.model.dropout = 0.1'
check dropout.json 5 "unsupported: BPE dropout at model.dropout"
edit suffix.json 'j.model.end_of_word_suffix = "</w>"'
check suffix.json 5 "unsupported: BPE end_of_word_suffix '</w>' with a ByteLevel pre_tokenizer at model.end_of_word_suffix"
edit after.json 'j.pre_tokenizer = {type: "Sequence", pretokenizers: [{type: "ByteLevel", use_regex: false}, {type: "Digits", individual_digits: true}]}'
check after.json 5 "unsupported: pre_tokenizer after ByteLevel: Digits at pre_tokenizer.pretokenizers\[1\]"
edit decoder.json 'j.decoder = {type: "CTC"}'
$GRIST tokenize -q -t decoder.json --to jsonl in.jsonl > out4.jsonl || fail "CTC decoder without --decode: exit $?"
$GRIST tokenize -q -t decoder.json --decode out4.jsonl > /dev/null 2> err.txt
expect_eq "CTC decoder with --decode: exit" 5 $?
expect_grep "decoder message" "unsupported: --decode with decoder CTC without pad_token, word_delimiter_token and cleanup at decoder" err.txt
edit post.json 'j.post_processor = {type: "Weird"}'
$GRIST tokenize -q -t post.json --add-special --to jsonl in.jsonl > /dev/null 2> err.txt
expect_eq "unknown post_processor with --add-special: exit" 5 $?
expect_grep "post message" "unsupported: --add-special with post_processor Weird at post_processor" err.txt
edit nobytes.json 'delete j.model.vocab["Ā"]; j.model.merges = []; j.added_tokens = []'
check nobytes.json 5 "unsupported: vocabulary lacks the single byte 0x00"
edit behavior.json 'j.pre_tokenizer = {type: "Sequence", pretokenizers: [{type: "Split", pattern: {Regex: "x"}, behavior: "Sideways", invert: false}, {type: "ByteLevel", use_regex: false}]}'
check behavior.json 5 "unsupported: Split behavior Sideways at pre_tokenizer.pretokenizers\[0\]"

# Issue 11.9: one huge id must not allocate gigabytes; an id >= 2 x entries + 1024 is refused.
edit hugeid.json 'j.model.vocab["xyz"] = 2147483648; j.added_tokens = []'
check hugeid.json 2 "hugeid.json: token 'xyz' has id 2147483648, beyond 2 x"
edit hugeadded.json 'j.added_tokens[0].id = 4000000000'
check hugeadded.json 2 "hugeadded.json: added_tokens\[0\]"
printf 'IQ== 0\nIg== 2147483648\n' > huge.tiktoken
check huge.tiktoken 2 "huge.tiktoken: token '\"' has id 2147483648, beyond 2 x 2 entries + 1024"
printf 'IQ== 0\nIg== 1025\n' > gap.tiktoken
$GRIST tokenize -q -t gap.tiktoken --pattern gpt2 --to jsonl in.jsonl > /dev/null 2> err.txt
expect_eq "gap within 2 x entries + 1024 is accepted: exit" 5 $?   # lacks the 256 bytes, but loads
expect_grep "gap message" "unsupported: vocabulary lacks the single byte" err.txt

# Issue 11.8: a model directory holding tokenizer.json; anything else is "not a tokenizer file".
mkdir -p model_dir && cp "$T" model_dir/tokenizer.json
$GRIST tokenize -q -t model_dir/ --to jsonl in.jsonl > out5.jsonl || fail "model_dir/: exit $?"
expect_file_eq "model_dir/ = its tokenizer.json" out.jsonl out5.jsonl
$GRIST tokenize -q -t model_dir --to jsonl in.jsonl > out5.jsonl || fail "model_dir: exit $?"
expect_file_eq "model_dir = its tokenizer.json" out.jsonl out5.jsonl
mkdir -p empty_dir
check empty_dir 2 "empty_dir: a directory without tokenizer.json (not a tokenizer file (expected"
check in.jsonl 2 "in.jsonl: not a tokenizer file (expected NAME.tiktoken, a HuggingFace tokenizer.json"
echo '{"id": 1, "text": "x"}' > records.json
check records.json 2 "records.json: missing model: not a tokenizer file"
echo '{' > broken.json
check broken.json 2 "broken.json:.*invalid JSON"
check "$FIX/tokenize/bad-base64.tiktoken" 2 "bad-base64.tiktoken:3: bad base64 token"
printf 'IQ== 0\nIg== x\n' > badrank.tiktoken
check badrank.tiktoken 2 "badrank.tiktoken:2: bad rank"
# ranks: empty, 2^32 - 1 (no id), past 64 bits, a trailing byte, after a CRLF line
n=0
for r in '' 4294967295 99999999999999999999 12x '1\r\nIw== 2x\r'; do
	n=$((n + 1))
	printf "IQ== 0\r\nIg== $r\n" > rank$n.tiktoken
	check rank$n.tiktoken 2 "rank$n.tiktoken:$((n == 5 ? 3 : 2)): bad rank"
done
check no_such_vocab 2 "no_such_vocab: no such vocabulary file or name"
done_testing
