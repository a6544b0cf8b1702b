#!/bin/bash
# Sharded dedup (sign | match | cluster | filter) keeps exactly what the single process keeps,
# with the same rejects; damaged intermediate files are refused with a message.
. "$(dirname "$0")/lib.sh"
P="$FIX/dedup/planted.py"

python3 "$P" gen 300 300 5 corpus.jsonl truth.tsv || fail "generator"
cat "$FIX/dedup/small.jsonl" >>corpus.jsonl
split -n l/3 -d --additional-suffix=.jsonl corpus.jsonl in
$GRIST dedup -q in00.jsonl in01.jsonl in02.jsonl -o single.jsonl --rejects single.rej

mkdir w
for t in 0 1 2; do
	$GRIST dedup sign -q --task $t -o w/p in0$t.jsonl || fail "sign $t"
done
[ -f w/p_0_sigs.dd ] && [ -f w/p_2_band13.dd ] && [ -f w/p_1_ids.dd ] || fail "sign outputs named by task"
for b in $(seq 0 13); do
	$GRIST dedup match -q --band $b --tasks 3 w/p || fail "match $b"
done
$GRIST dedup cluster -q --tasks 3 --stats cluster.json w/p || fail "cluster"
for t in 0 1 2; do
	$GRIST dedup filter -q -j 2 --task $t w/p in0$t.jsonl -o out$t.jsonl --rejects rej$t.jsonl || fail "filter $t"
done
cat out0.jsonl out1.jsonl out2.jsonl >sharded.jsonl
expect_file_eq "kept set equals single-process" single.jsonl sharded.jsonl
cat rej0.jsonl rej1.jsonl rej2.jsonl | sed 's/"source":"[^"]*"//' >a
sed 's/"source":"[^"]*"//' single.rej >b
expect_file_eq "rejects equal single-process" b a
removed=$(grep -c duplicate_of single.rej)
expect_grep "cluster stats count removals" "\"removed\":$removed" cluster.json

# --exact through the same steps
cat corpus.jsonl corpus.jsonl | head -1500 >ex.jsonl
split -n l/2 -d --additional-suffix=.jsonl ex.jsonl ex
$GRIST dedup -q --exact ex00.jsonl ex01.jsonl -o ex-single.jsonl --rejects ex-single.rej
mkdir x
for t in 0 1; do $GRIST dedup sign -q --exact --task $t -o x/p ex0$t.jsonl || fail "exact sign $t"; done
[ -f x/p_0_band0.dd ] && [ ! -f x/p_0_band1.dd ] || fail "exact mode has one band"
$GRIST dedup match -q --band 0 --tasks 2 x/p || fail "exact match"
$GRIST dedup cluster -q --tasks 2 x/p || fail "exact cluster"
for t in 0 1; do $GRIST dedup filter -q --task $t x/p ex0$t.jsonl -o exo$t.jsonl --rejects exr$t.jsonl; done
cat exo0.jsonl exo1.jsonl >ex-sharded.jsonl
expect_file_eq "exact: kept set equals single-process" ex-single.jsonl ex-sharded.jsonl
cat exr0.jsonl exr1.jsonl | sed 's/"source":"[^"]*"//' >a
sed 's/"source":"[^"]*"//' ex-single.rej >b
expect_file_eq "exact: rejects equal single-process" b a
expect_grep "exact rule" '"rule":"exact_duplicate"' exr1.jsonl
cp w/p_0_sigs.dd sigs0.bak
cp x/p_0_sigs.dd w/p_0_sigs.dd
$GRIST dedup match -q --band 0 --tasks 3 w/p 2>err.txt
expect_eq "mixed exact/minhash files refused" 1 $?
expect_grep "settings message" "made with other settings" err.txt
cp sigs0.bak w/p_0_sigs.dd

# damaged files: truncated (a full disk), a flipped byte, a wrong kind, a missing task
cp w/p_1_sigs.dd sigs.bak
head -c 1000 sigs.bak >w/p_1_sigs.dd
$GRIST dedup match -q --band 0 --tasks 3 w/p 2>err.txt
expect_eq "truncated file refused" 1 $?
expect_grep "message names the file" "p_1_sigs.dd: truncated" err.txt
cp sigs.bak w/p_1_sigs.dd
printf 'X' | dd of=w/p_1_sigs.dd bs=1 seek=200 conv=notrunc 2>/dev/null
$GRIST dedup match -q --band 0 --tasks 3 w/p 2>err.txt
expect_eq "corrupt file refused" 1 $?
expect_grep "checksum message" "checksum mismatch" err.txt
cp sigs.bak w/p_1_sigs.dd
cp w/p_0_ids.dd w/p_0_remove.dd
$GRIST dedup filter -q --task 0 w/p in00.jsonl >/dev/null 2>err.txt
expect_eq "wrong kind refused" 1 $?
expect_grep "kind message" "holds ids, expected removal list" err.txt
: >w/p_0_remove.dd
$GRIST dedup filter -q --task 0 w/p in00.jsonl >/dev/null 2>err.txt
expect_eq "empty file refused" 1 $?
$GRIST dedup match -q --band 0 --tasks 4 w/p 2>err.txt
expect_eq "missing task refused (a file that cannot be opened: I/O, exit 3)" 3 $?
expect_grep "missing message" "cannot open w/p_3_band0.dd" err.txt
# filter with other record options than sign: the document count check catches it
$GRIST dedup cluster -q --tasks 3 w/p
$GRIST dedup filter -q --task 2 --text-field nope w/p in02.jsonl >/dev/null 2>err.txt
expect_eq "mismatched options refused" 1 $?
expect_grep "count message" "record options" err.txt
expect_exit "sign without -o" 2 $GRIST dedup sign --task 0 in00.jsonl 2>/dev/null
done_testing
