#!/bin/bash
# Issue 13.2 (dedup): a record with "messages" and no text field is a chat record; exact and
# MinHash dedup see its contents joined with role tags. Identical conversations are exact
# duplicates; conversations differing in one reply are near-duplicates; the same words from
# another speaker are not the same conversation; malformed chat records are counted rejects.
. "$(dirname "$0")/lib.sh"

python3 - <<'E'
import json
long_q = ("Please explain how the water cycle moves moisture from the oceans into the clouds "
          "and then back down onto the land as rain or snow over the course of a season.")
long_a = ("Water evaporates from the warm surface of the ocean, rises as vapour, cools at "
          "altitude and condenses into droplets that form clouds; winds carry the clouds inland "
          "where the droplets grow heavy and fall as rain or snow, which flows back to the sea.")
conv = lambda q, a, extra=None: [{"role": "system", "content": "You are helpful."},
                                 {"role": "user", "content": q},
                                 {"role": "assistant", "content": a}] + (extra or [])
recs = [
    {"id": "c1", "messages": conv(long_q, long_a)},
    {"id": "c2", "messages": conv(long_q, long_a)},                          # identical
    {"id": "c3", "messages": conv(long_q, long_a.replace("fall as rain", "come down as rain"))},
    {"id": "c4", "messages": [{"role": "user", "content": long_a},            # roles swapped
                              {"role": "assistant", "content": long_q}]},
    {"id": "t1", "text": "A plain text record that has nothing to do with any conversation at all, really."},
    {"id": "bad", "messages": [{"role": "user", "content": "hi"}]},          # no assistant turn
    {"id": "c5", "messages": conv("Short question?", "Short answer.")},
]
with open("chat.jsonl", "w") as f:
    for r in recs:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
E
kept() { grep -o '"id":"[a-z0-9]*"' "$1" | cut -d'"' -f4 | tr '\n' ' ' | sed 's/ $//'; }
$GRIST dedup -q --exact chat.jsonl -o ex.jsonl --rejects ex.rej
expect_eq "exact: identical conversation removed" "c1 c3 c4 t1 c5" "$(kept ex.jsonl)"
expect_grep "exact duplicate of c1" '"rule":"exact_duplicate","source":"chat.jsonl:2","duplicate_of":"c1"' ex.rej
expect_grep "malformed chat record rejected" '"rule":"no_assistant_turn"' ex.rej
$GRIST dedup -q chat.jsonl -o mh.jsonl --rejects mh.rej
# (c4, the same contents with the roles swapped, shares most shingles with c1: MinHash may
# remove it; only exact dedup tells speakers apart)
expect_eq "minhash: one changed reply is a near-duplicate" "c1 t1 c5" "$(kept mh.jsonl | sed 's/ c4//')"
expect_grep "near duplicate of c1" '"rule":"near_duplicate","source":"chat.jsonl:3","duplicate_of":"c1"' mh.rej
grep -v '"id":"c4"' mh.jsonl >mh-no-c4.jsonl
sed -n '1p;5p;7p' chat.jsonl >want.jsonl
expect_file_eq "kept records unchanged" want.jsonl mh-no-c4.jsonl
# chat records do not count as "missing text" under --on-missing=error; a record with neither is
grep -v '"id":"bad"' chat.jsonl >good.jsonl
$GRIST dedup -q --on-missing=error good.jsonl -o /dev/null 2>err.txt
expect_eq "chat records are not 'missing text' under --on-missing=error" 0 $?
printf '{"id":"x","other":1}\n' >>good.jsonl
$GRIST dedup -q --on-missing=error good.jsonl -o /dev/null 2>err.txt
expect_eq "no text and no messages under --on-missing=error" 1 $?
expect_grep "message names the field" 'field "text" is missing' err.txt
# sharded steps agree
split -n l/2 -d --additional-suffix=.jsonl chat.jsonl in
mkdir w
for t in 0 1; do $GRIST dedup sign -q --task $t -o w/p in0$t.jsonl || fail "sign $t"; done
for b in $(seq 0 13); do $GRIST dedup match -q --band $b --tasks 2 w/p || fail "match $b"; done
$GRIST dedup cluster -q --tasks 2 w/p || fail "cluster"
for t in 0 1; do $GRIST dedup filter -q --task $t w/p in0$t.jsonl -o o$t.jsonl || fail "filter $t"; done
cat o0.jsonl o1.jsonl >sharded.jsonl
expect_file_eq "sharded equals single" mh.jsonl sharded.jsonl
done_testing
