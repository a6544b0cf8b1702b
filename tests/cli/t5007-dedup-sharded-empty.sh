#!/bin/bash
# Issue 12.5: the sharded steps on an empty input shard and on a band with no candidate pairs
# (each was qsort(NULL, 0, ...), which the ASan+UBSan build aborts on), and the single process
# on an empty input: all succeed with the right (empty) results.
. "$(dirname "$0")/lib.sh"

: >empty.jsonl
printf '{"id":"a","text":"one two three four five six"}\n{"id":"b","text":"seven eight nine ten eleven twelve"}\n' >two.jsonl
mkdir w
expect_exit "sign an empty shard" 0 $GRIST dedup sign -q --task 0 -o w/p empty.jsonl
expect_exit "sign a shard of distinct documents" 0 $GRIST dedup sign -q --task 1 -o w/p two.jsonl
for b in $(seq 0 13); do
	expect_exit "match band $b (no pairs)" 0 $GRIST dedup match -q --band $b --tasks 2 w/p
done
expect_exit "cluster with no pairs" 0 $GRIST dedup cluster -q --tasks 2 --stats cl.json w/p
expect_grep "no removals" '"removed":0' cl.json
expect_exit "filter the empty shard" 0 $GRIST dedup filter -q --task 0 w/p empty.jsonl -o f0.jsonl
expect_exit "filter the other" 0 $GRIST dedup filter -q --task 1 w/p two.jsonl -o f1.jsonl
expect_eq "empty shard: nothing out" 0 "$(wc -c <f0.jsonl)"
expect_file_eq "distinct documents all kept" two.jsonl f1.jsonl
# --exact through the same steps
mkdir x
expect_exit "exact sign empty" 0 $GRIST dedup sign -q --exact --task 0 -o x/p empty.jsonl
expect_exit "exact sign two" 0 $GRIST dedup sign -q --exact --task 1 -o x/p two.jsonl
expect_exit "exact match" 0 $GRIST dedup match -q --band 0 --tasks 2 x/p
expect_exit "exact cluster" 0 $GRIST dedup cluster -q --tasks 2 x/p
# single process
$GRIST dedup -q empty.jsonl -o s.jsonl 2>err
expect_eq "single process on empty input" 0 $?
expect_eq "single: nothing out" 0 "$(wc -c <s.jsonl)"
done_testing
