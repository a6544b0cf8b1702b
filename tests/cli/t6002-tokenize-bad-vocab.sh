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
check merge-unknown.json 2 "merge-unknown.json: merges\[5\]: merge names unknown token 'Ġzz'"
edit merge-pair.json 'j.model.merges = j.model.merges.map(m => m.split(" "))'
$GRIST tokenize -q -t merge-pair.json --to jsonl in.jsonl > out2.jsonl || fail "pair merges: exit $?"
expect_file_eq "merges as pairs" out.jsonl out2.jsonl
edit merge-result.json 'j.model.merges.push("Ġ q")'
check merge-result.json 2 "merges\[5\]: merge result 'Ġq' is not in the vocabulary"
edit no-model.json 'delete j.model'
check no-model.json 2 "no-model.json: missing model"
edit collision.json 'j.model.vocab["xyz"] = 3; j.added_tokens = []'
check collision.json 2 "collision.json: id 3 used by both"
edit added-gap.json 'j.added_tokens[0].id = 999'
check added-gap.json 5 "unsupported: added_tokens\[0\] '<|endoftext|>' has id 999"
edit wordpiece.json 'j.model.type = "WordPiece"'
check wordpiece.json 5 "unsupported: model type WordPiece"
edit normalizer.json 'j.normalizer = {type: "NFC"}'
check normalizer.json 5 "unsupported: normalizer NFC"
edit pretok.json 'j.pre_tokenizer = {type: "Whitespace"}'
check pretok.json 5 "unsupported: pre_tokenizer Whitespace"
edit fallback.json 'j.model.byte_fallback = true'
check fallback.json 5 "unsupported: byte_fallback"
edit suffix.json 'j.model.end_of_word_suffix = "</w>"'
check suffix.json 5 "unsupported: end_of_word_suffix"
edit nobytes.json 'delete j.model.vocab["Ā"]; j.model.merges = []; j.added_tokens = []'
check nobytes.json 5 "unsupported: vocabulary lacks the single byte 0x00"
edit behavior.json 'j.pre_tokenizer = {type: "Sequence", pretokenizers: [{type: "Split", pattern: {Regex: "x"}, behavior: "MergedWithNext", invert: false}, {type: "ByteLevel", use_regex: false}]}'
check behavior.json 5 "unsupported: Split behavior MergedWithNext"
edit lstrip.json 'j.added_tokens[0].lstrip = true'
$GRIST tokenize -q -t lstrip.json --to jsonl in.jsonl > out3.jsonl || fail "lstrip without --allow-special: exit $?"
expect_file_eq "lstrip is irrelevant without --allow-special" out.jsonl out3.jsonl
$GRIST tokenize -q -t lstrip.json --allow-special --to jsonl in.jsonl > /dev/null 2> err.txt
expect_eq "lstrip with --allow-special: exit" 5 $?
expect_grep "lstrip message" "unsupported: --allow-special with added token '<|endoftext|>' with lstrip" err.txt
echo '{' > broken.json
check broken.json 2 "broken.json:.*invalid JSON"
check "$FIX/tokenize/bad-base64.tiktoken" 2 "bad-base64.tiktoken:3: bad base64 token"
printf 'IQ== 0\nIg== x\n' > badrank.tiktoken
check badrank.tiktoken 2 "badrank.tiktoken:2: bad rank"
check no_such_vocab 2 "no_such_vocab: no such vocabulary file or name"
done_testing
