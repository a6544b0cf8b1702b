#!/bin/bash
# tokenize train -> tokenize: `grist tokenize -t` with a trained tokenizer.json gives the ids
# of the npm `tokenizers` package (specials split out on both sides with --allow-special), for
# the gpt2 and cl100k patterns.
. "$(dirname "$0")/lib.sh"
TRAIN="${TRAIN:-$GRIST tokenize train}"
NPM="$FIX/../npm"
$GRIST tokenize --help > /dev/null 2>&1 || { fail "grist tokenize --help exits $?"; done_testing; }
[ -d "$NPM/node_modules/tokenizers" ] || { fail "npm packages missing: run make deps"; done_testing; }
IN=$FIX/train/small.jsonl
for p in gpt2 cl100k; do
	$TRAIN -q --vocab-size 1500 --pattern $p --special '<|endoftext|>' --special '<s>' -o v-$p.json "$IN" ||
		fail "train $p"
	$GRIST tokenize -q -t v-$p.json --allow-special --to jsonl "$IN" > tok-$p.jsonl || fail "tokenize $p"
	python3 -c 'import json,sys
for l in open(sys.argv[1]): print(" ".join(map(str, json.loads(l)["tokens"])))' tok-$p.jsonl > grist-$p.ids
	node "$NPM/train-eval.js" --record-ids v-$p.json "$IN" > hf-$p.ids || fail "tokenizers $p"
	expect_file_eq "ids $p" hf-$p.ids grist-$p.ids
	[ "$(wc -l < hf-$p.ids)" -eq "$(wc -l < "$IN")" ] || fail "$p: not one line per record"
done
done_testing
