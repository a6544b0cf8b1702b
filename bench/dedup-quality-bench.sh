#!/bin/bash
# The larger quality run behind docs/dedup.md: planted near-duplicate pairs with exact word-5-
# gram Jaccard spread over 0.5..1.0 among background documents; default settings must remove
# one copy of >= 90% of pairs with J >= 0.8 while <= 1% of removals lack a planted partner at
# J >= 0.65. Prints the measured candidate rate (--verify 0) and removal rate (defaults) next to
# 1 - (1 - J^8)^14. Not a timing benchmark; fails (exit 1) if the acceptance bounds fail.
set -eu
cd "$(dirname "$0")/.."
GRIST="${GRIST:-$PWD/grist}"
D="${BENCH_DIR:-/tmp/grist-bench}/dedup-quality"
mkdir -p "$D"
P=tests/fixtures/dedup/planted.py
PAIRS=${PAIRS:-5000}
BG=${BG:-20000}
[ -s "$D/corpus-$PAIRS-$BG.jsonl" ] || python3 $P gen "$PAIRS" "$BG" 42 "$D/corpus-$PAIRS-$BG.jsonl" "$D/truth-$PAIRS-$BG.tsv"
C="$D/corpus-$PAIRS-$BG.jsonl" T="$D/truth-$PAIRS-$BG.tsv"
"$GRIST" dedup -q -j 2 "$C" -o "$D/kept.jsonl" --rejects "$D/rej.jsonl"
"$GRIST" dedup -q -j 2 --verify 0 "$C" -o "$D/kept0.jsonl" --rejects "$D/rej0.jsonl"
echo "default settings (14 x 8, --verify 0.75):"
python3 $P eval "$C" "$T" "$D/kept.jsonl" "$D/rej.jsonl" --min-recall 0.9 --max-false 0.01
echo "--verify 0 (bands alone):"
python3 $P eval "$C" "$T" "$D/kept0.jsonl" "$D/rej0.jsonl" || true
python3 $P curve "$T" "$D/rej0.jsonl" "$D/rej.jsonl" --bands 14 --rows 8
