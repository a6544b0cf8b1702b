#!/bin/bash
# tokenize train: the merges and tokens equal those of the plain reference trainer
# (tests/train_ref.py, which recounts every pair after every merge) on a small corpus, for the
# default options, --min-frequency, --max-token-length, special tokens and a custom regex.
. "$(dirname "$0")/lib.sh"
TRAIN="${TRAIN:-$GRIST tokenize train}"
REF="python3 $FIX/../train_ref.py"
IN=$FIX/train/small.jsonl

merges_of() { python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["model"]["merges"]))' "$1"; }

check() { # NAME OPTIONS...
	local name=$1; shift
	$TRAIN -q "$@" -o "$name.json" --tiktoken "$name.tiktoken" "$IN" || fail "$name: train failed"
	$REF train "$@" --tiktoken "$name.ref.tiktoken" "$IN" > "$name.ref" || fail "$name: reference failed"
	merges_of "$name.json" > "$name.merges"
	expect_file_eq "$name: merges" "$name.ref" "$name.merges"
	expect_file_eq "$name: tiktoken" "$name.ref.tiktoken" "$name.tiktoken"
	[ -s "$name.ref" ] || fail "$name: no merges learned"
}

check default --vocab-size 900
check minfreq --vocab-size 5000 --min-frequency 3
check maxlen --vocab-size 700 --max-token-length 3
check specials --vocab-size 600 --special '<|endoftext|>' --special '<s>' --special 'the'
check regex --vocab-size 700 --pattern '[a-z]+|[A-Z][a-z]*|[0-9]| ?[^a-zA-Z0-9 ]+'

# Exhausting the corpus: every pair with count >= 1 merged, the vocabulary smaller than asked.
$TRAIN -q --vocab-size 100000 -o all.json "$IN" 2>/dev/null || fail "exhaust: train failed"
$REF train --vocab-size 100000 "$IN" > all.ref
merges_of all.json > all.merges
expect_file_eq "exhaust: merges" all.ref all.merges

# Specials: listed under added_tokens with the ids after the learned tokens, not in the vocab.
python3 - specials.json <<'PY' || fail "specials layout"
import json, sys
t = json.load(open(sys.argv[1]))
v = t["model"]["vocab"]
assert len(v) == 597, len(v)
assert sorted(v.values()) == list(range(597))
assert [(a["id"], a["content"]) for a in t["added_tokens"]] == [(597, "<|endoftext|>"), (598, "<s>"), (599, "the")]
assert "the" not in v and "<s>" not in v
assert all(a["special"] for a in t["added_tokens"])
PY
done_testing
