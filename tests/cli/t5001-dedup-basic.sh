#!/bin/bash
# grist dedup single-process: the removal rule on a small fixture, rejects with duplicate_of,
# --exact, stats, determinism across -j and batch sizes.
. "$(dirname "$0")/lib.sh"

$GRIST dedup -q --rejects rej.jsonl --stats st.json "$FIX/dedup/small.jsonl" >out.jsonl
expect_eq "exit" 0 $?
expect_file_eq "kept records" "$FIX/dedup/small.expect" out.jsonl
# c duplicates a (punctuation and case are normalized away); i is b plus one word (J = 8/9 of
# 5-grams); j equals i after normalization (digits -> 0) and names the earliest match, b
expect_grep "c removed as duplicate of a" '"rule":"near_duplicate","source":"[^"]*small.jsonl:3","duplicate_of":"a","record":{"id":"c"' rej.jsonl
expect_grep "f duplicates the empty e" '"duplicate_of":"e","record":{"id":"f"' rej.jsonl
expect_grep "h duplicates g (accents stripped)" '"duplicate_of":"g","record":{"id":"h"' rej.jsonl
expect_grep "i duplicates b" '"duplicate_of":"b","record":{"id":"i"' rej.jsonl
expect_grep "j duplicates b, the earliest" '"duplicate_of":"b","record":{"id":"j"' rej.jsonl
expect_grep "one-word m duplicates k" '"duplicate_of":"k","record":{"id":"m"' rej.jsonl
expect_grep "invalid line kept raw" '"rule":"invalid_json".*"raw":"not json at all"' rej.jsonl
expect_grep "null text" '"rule":"null_text"' rej.jsonl
expect_eq "reject count" 8 "$(wc -l <rej.jsonl)"
expect_grep "stats rules" '"near_duplicate":6' st.json
expect_grep "stats groups" '"groups":{"groups":5,"removed":6,"largest":3' st.json
expect_grep "stats bytes per doc" '"bytes_per_doc":' st.json

# --verify 1: only identical signatures count, so i (J = 0.89 with b) stays and j, identical
# to i after normalization, now names i.
$GRIST dedup -q --verify 1 --rejects rv1.jsonl "$FIX/dedup/small.jsonl" >v1.jsonl
expect_grep "verify 1 keeps i" '"id":"i"' v1.jsonl
expect_grep "verify 1: j duplicates i" '"duplicate_of":"i","record":{"id":"j"' rv1.jsonl

# --exact: only identical texts (NFC, whitespace runs); c and h differ in case and punctuation
$GRIST dedup -q --exact --rejects rejx0.jsonl "$FIX/dedup/small.jsonl" >ex0.jsonl
expect_grep "exact keeps c" '"id":"c"' ex0.jsonl
expect_grep "exact keeps h" '"id":"h"' ex0.jsonl
expect_eq "exact removes nothing from the small fixture" 0 "$(grep -c exact_duplicate rejx0.jsonl)"
# --fold all: the MinHash normalization
$GRIST dedup -q --exact --fold all --rejects rejx.jsonl "$FIX/dedup/small.jsonl" >ex.jsonl
expect_grep "exact --fold all removes c" '"duplicate_of":"a","record":{"id":"c"' rejx.jsonl
expect_grep "exact --fold all removes h" '"duplicate_of":"g","record":{"id":"h"' rejx.jsonl
expect_grep "exact keeps i (text differs from b)" '"id":"i"' ex.jsonl
expect_grep "exact rule" '"rule":"exact_duplicate"' rejx.jsonl

# determinism: -j 2 and tiny batches give identical bytes
for i in 1 2 3 4 5 6 7 8; do cat "$FIX/dedup/small.jsonl"; done >many.jsonl
$GRIST dedup -q -j 1 --rejects r1.jsonl many.jsonl >o1.jsonl
$GRIST dedup -q -j 2 --batch-bytes 1K --rejects r2.jsonl many.jsonl >o2.jsonl
expect_file_eq "-j 2 output" o1.jsonl o2.jsonl
expect_file_eq "-j 2 rejects" r1.jsonl r2.jsonl
expect_file_eq "8 copies keep one" out.jsonl o1.jsonl

# two inputs: order is file order, then line
$GRIST dedup -q "$FIX/dedup/small.jsonl" many.jsonl >two.jsonl
expect_file_eq "second file adds nothing" out.jsonl two.jsonl

# usage errors
expect_exit "bad --verify" 2 $GRIST dedup --verify 2 "$FIX/dedup/small.jsonl" 2>/dev/null
expect_exit "bad --bands" 2 $GRIST dedup --bands 0 "$FIX/dedup/small.jsonl" 2>/dev/null
$GRIST dedup --help >help.txt
expect_grep "help lists --verify default" 'default: 0.75' help.txt
done_testing
