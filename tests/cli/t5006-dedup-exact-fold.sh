#!/bin/bash
# --exact is exact (issue 11.5): the same text after NFC and whitespace normalization, nothing
# else. 300 templated Q&A records that differ only in their numbers all stay; whitespace and
# composed/decomposed forms still match; --fold chooses what is ignored; --help says what each
# mode normalizes; the sharded steps agree with the single process.
. "$(dirname "$0")/lib.sh"

python3 - <<'E'
import json, random
rng = random.Random(5)
seen = set()
with open("qa.jsonl", "w") as f:
    n = 0
    while n < 300:
        a, b = rng.randrange(1, 100), rng.randrange(1, 100)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        n += 1
        f.write(json.dumps({"id": "q%d" % n, "text": "Question: what is %d + %d? Answer: %d." % (a, b, a + b)}) + "\n")
E
$GRIST dedup -q --exact qa.jsonl -o qa-exact.jsonl --rejects qa-exact.rej
expect_eq "exact exit" 0 $?
expect_eq "exact keeps all 300 distinct Q&A records" 300 "$(wc -l <qa-exact.jsonl)"
expect_eq "exact removes none" 0 "$(wc -l <qa-exact.rej)"
# MinHash folds every digit to 0 by default: only the digit-length patterns stay apart there ...
$GRIST dedup -q qa.jsonl -o qa-mh.jsonl
n=$(wc -l <qa-mh.jsonl)
[ "$n" -le 8 ] || fail "minhash folds digits: $n records left, expected at most 8"
# ... unless --fold leaves digits alone
$GRIST dedup -q --fold case,punct,accents qa.jsonl -o qa-nodigits.jsonl
expect_eq "--fold without digits keeps them" 300 "$(wc -l <qa-nodigits.jsonl)"

# What --exact does and does not ignore
python3 - <<'E'
import json
recs = [
    ("a", "Caf\u00e9 au lait,  served hot.\n"),
    ("b", "  Caf\u0065\u0301 au\tlait, served hot."),  # decomposed e + acute, other whitespace
    ("c", "caf\u00e9 au lait, served hot."),           # case differs
    ("d", "Caf\u00e9 au lait; served hot."),           # punctuation differs
    ("e", "Cafe au lait, served hot."),                # accent differs
    ("f", "Caf\u00e9\u00a0au lait,\u2003served hot."), # no-break and em spaces are whitespace
    ("g", "Caf\u00e9 au lait, served hot.\u00ad"),      # a soft hyphen is not whitespace
]
with open("ws.jsonl", "w") as f:
    for i, t in recs:
        f.write(json.dumps({"id": i, "text": t}, separators=(",", ":")) + "\n")
E
kept() { grep -o '"id":"[a-z0-9]*"' "$1" | cut -d'"' -f4 | tr '\n' ' ' | sed 's/ $//'; }
$GRIST dedup -q --exact ws.jsonl -o ws1.jsonl --rejects ws1.rej
expect_eq "exact: NFC + whitespace only" "a c d e g" "$(kept ws1.jsonl)"
expect_grep "decomposed copy names a" '"rule":"exact_duplicate","source":"ws.jsonl:2","duplicate_of":"a"' ws1.rej
$GRIST dedup -q --exact --fold case ws.jsonl -o ws2.jsonl
expect_eq "exact --fold case" "a d e g" "$(kept ws2.jsonl)"
$GRIST dedup -q --exact --fold all ws.jsonl -o ws3.jsonl
expect_eq "exact --fold all" "a" "$(kept ws3.jsonl)"
$GRIST dedup -q --exact --fold accents,punct ws.jsonl -o ws4.jsonl
expect_eq "exact --fold accents,punct" "a c" "$(kept ws4.jsonl)"
$GRIST dedup -q --exact --fold none ws.jsonl -o ws5.jsonl
expect_file_eq "--fold none is --exact's default" ws1.jsonl ws5.jsonl

expect_exit "unknown fold" 2 $GRIST dedup -q --fold case,colour ws.jsonl -o /dev/null 2>err.txt
expect_grep "names the bad fold" "unknown fold 'colour'" err.txt

$GRIST dedup --help >help.txt
expect_grep "help: exact normalization" "same text after NFC and whitespace" help.txt
expect_grep "help: fold list" "case,digits,punct,accents" help.txt
expect_grep "help: minhash default" "digits to 0" help.txt

# The sharded steps agree, and files made with other folds are refused
cat qa.jsonl ws.jsonl qa.jsonl >all.jsonl
split -n l/2 -d --additional-suffix=.jsonl all.jsonl in
for fold in "" "--fold case"; do
	rm -rf w && mkdir w
	$GRIST dedup -q --exact $fold in00.jsonl in01.jsonl -o single.jsonl --rejects single.rej
	for t in 0 1; do $GRIST dedup sign -q --exact $fold --task $t -o w/p in0$t.jsonl || fail "sign $t"; done
	$GRIST dedup match -q --band 0 --tasks 2 w/p || fail "match"
	$GRIST dedup cluster -q --tasks 2 w/p || fail "cluster"
	for t in 0 1; do $GRIST dedup filter -q --task $t w/p in0$t.jsonl -o o$t.jsonl --rejects r$t.jsonl; done
	cat o0.jsonl o1.jsonl >sharded.jsonl
	expect_file_eq "sharded exact ($fold) equals single" single.jsonl sharded.jsonl
	cat r0.jsonl r1.jsonl | sed 's/"source":"[^"]*"//' >a
	sed 's/"source":"[^"]*"//' single.rej >b
	expect_file_eq "sharded exact ($fold) rejects equal single" b a
done
expect_eq "sharded exact --fold case: 300 + 4 kept of 607" 304 "$(wc -l <sharded.jsonl)"
$GRIST dedup sign -q --exact --task 1 -o w/p in01.jsonl
$GRIST dedup match -q --band 0 --tasks 2 w/p 2>err.txt
expect_eq "mixed folds refused" 1 $?
expect_grep "mixed folds message" "made with other settings" err.txt
done_testing
