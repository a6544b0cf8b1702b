#!/bin/bash
# Quality acceptance on a generated corpus with planted near-duplicate pairs (exact word-5-gram
# Jaccard spread over 0.5..1.0), default settings: >= 90% of pairs with J >= 0.8 lose one copy,
# and <= 1% of removals have no planted partner at J >= 0.65. Without verification the 14 x 8
# bands alone remove too much near J = 0.6: check that this corpus shows it, so the test can
# tell the two apart. The larger run is bench/dedup-quality-bench.sh.
. "$(dirname "$0")/lib.sh"
P="$FIX/dedup/planted.py"

python3 "$P" gen 600 1000 11 corpus.jsonl truth.tsv || fail "generator"
$GRIST dedup -q -j 2 corpus.jsonl -o kept.jsonl --rejects rej.jsonl
expect_eq "exit" 0 $?
python3 "$P" eval corpus.jsonl truth.tsv kept.jsonl rej.jsonl --min-recall 0.9 --max-false 0.01 >eval.txt
expect_eq "acceptance (default settings)" 0 $?
cat eval.txt

$GRIST dedup -q --verify 0 corpus.jsonl -o kept0.jsonl --rejects rej0.jsonl
python3 "$P" eval corpus.jsonl truth.tsv kept0.jsonl rej0.jsonl --max-false 0.01 >eval0.txt
expect_eq "without --verify the false-removal bound fails" 1 $?

# the measured candidate rate follows 1 - (1 - J^8)^14 within noise
python3 "$P" curve truth.tsv rej0.jsonl rej.jsonl --bands 14 --rows 8 >curve.txt
cat curve.txt
awk -F'|' 'NR > 2 { d = $4 - $5; if (d < 0) d = -d; if (d > 0.2) bad++ } END { exit bad > 0 }' curve.txt ||
	fail "candidate rate far from theory"
done_testing
