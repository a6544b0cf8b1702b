#!/bin/bash
# Run the whole pipeline on the demo corpus: run-demo.sh GRIST CORPUS_DIR OUT_DIR [TOKENIZER]
#   ingest | clean | dedup | tokenize | shard (llm.c format), one process per stage, as in a
#   Unix pipe; every stage writes its stats and rejects beside the shards.
set -euo pipefail
GRIST=$1 CORPUS=$2 OUT=$3 TOK=${4:-gpt2}
rm -rf "$OUT"
mkdir -p "$OUT"
S="$OUT/stats" R="$OUT/rejects"
mkdir -p "$S" "$R"
"$GRIST" ingest "$CORPUS" --stats "$S/ingest.json" --rejects "$R/ingest.jsonl" \
 | "$GRIST" clean -j 2 --redact email,ip --stats "$S/clean.json" --rejects "$R/clean.jsonl" \
 | "$GRIST" dedup --stats "$S/dedup.json" --rejects "$R/dedup.jsonl" \
 | "$GRIST" tokenize -j 2 -t "$TOK" --stats "$S/tokenize.json" \
 | "$GRIST" shard --format llmc -o "$OUT/shards/demo" --val-fraction 0.05 --seed 1 \
	--shard-tokens 1M --stats "$S/shard.json"
"$GRIST" shard verify "$OUT/shards/demo"
echo
echo "demo: shards in $OUT/shards/ (manifest $OUT/shards/demo.manifest.json)"
"$GRIST" shard inspect "$OUT/shards/demo.manifest.json"
echo "demo: per-stage stats in $S/, dropped records with reasons in $R/"
echo "demo: clean, per language (documents in, kept, top reject rules):"
python3 "$(dirname "$0")/lang-table.py" "$S/clean.json"
"$GRIST" report -q -o "$OUT/report.html" "$S"/*.json
echo "demo: run report (open in a browser) $OUT/report.html, its numbers in $OUT/report.json"
