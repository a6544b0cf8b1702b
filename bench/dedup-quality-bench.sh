#!/bin/bash
# The larger quality run behind docs/dedup.md: planted near-duplicate pairs with exact word-5-
# gram Jaccard spread over 0.5..1.0 among background documents (5,000 pairs and 20,000
# documents; BENCH_SIZE=small: 300 and 1,500); default settings must remove one copy of >= 90%
# of pairs with J >= 0.8 while <= 1% of removals lack a planted partner at J >= 0.65. Records
# (as notes of section dedup-quality) the measured candidate rate (--verify 0) and removal rate
# (defaults) next to 1 - (1 - J^8)^14, and the time of the default run. Fails (exit 1) if the
# acceptance bounds fail.
set -eu
. "$(dirname "$0")/lib.sh"
D="$BENCH_DIR/dedup-quality"
mkdir -p "$D"
P="$ROOT/tests/fixtures/dedup/planted.py"
PAIRS=${PAIRS:-$(bench_size 5000 300)}
BG=${BG:-$(bench_size 20000 1500)}
C="$D/corpus-$PAIRS-$BG.jsonl" T="$D/truth-$PAIRS-$BG.tsv"
[ -s "$C" ] || python3 "$P" gen "$PAIRS" "$BG" 42 "$C" "$T"
S=dedup-quality
bench_section $S "dedup: quality on planted near-duplicates" \
	"$PAIRS planted pairs (word 5-gram Jaccard 0.5..1.0) among $BG background documents (tests/fixtures/dedup/planted.py)" \
	"remove one copy of >= 90% of pairs with J >= 0.8; <= 1% of removals without a partner at J >= 0.65"
BENCH_REPS=1 bench_run $S grist "dedup -j 2 (defaults: 14 x 8, --verify 0.75)" "$(stat -c %s "$C")" \
	"$GRIST" dedup -q -j 2 "$C" -o "$D/kept.jsonl" --rejects "$D/rej.jsonl"
"$GRIST" dedup -q -j 2 --verify 0 "$C" -o "$D/kept0.jsonl" --rejects "$D/rej0.jsonl"
rc=0
python3 "$P" eval "$C" "$T" "$D/kept.jsonl" "$D/rej.jsonl" --min-recall 0.9 --max-false 0.01 > "$D/eval.txt" || rc=1
while IFS= read -r l; do bench_note $S "default settings: $l"; done < "$D/eval.txt"
python3 "$P" eval "$C" "$T" "$D/kept0.jsonl" "$D/rej0.jsonl" > "$D/eval0.txt" || true
while IFS= read -r l; do bench_note $S "--verify 0 (bands alone): $l"; done < "$D/eval0.txt"
python3 "$P" curve "$T" "$D/rej0.jsonl" "$D/rej.jsonl" --bands 14 --rows 8 > "$D/curve.txt"
bench_note $S "by J (pairs; theory 1-(1-J^8)^14; candidates with --verify 0; removed with defaults): $(
	awk -F'|' 'NR > 2 && NF > 5 { gsub(/ /, ""); printf "%s%s: %s; %s; %s; %s", sep, $2, $3, $4, $5, $6; sep = " / " }' "$D/curve.txt")"
exit $rc
