#!/bin/bash
# Run the pipeline on the demo corpus: GRIST CORPUS_DIR OUT_DIR.
# Every stage that exists in this build runs, in pipeline order, each writing its stats file.
set -euo pipefail
GRIST=$1 CORPUS=$2 OUT=$3
rm -rf "$OUT"
mkdir -p "$OUT"
has() { "$GRIST" --help | grep -q "^  $1 "; }
inputs=$(find "$CORPUS" -type f | sort)
"$GRIST" ingest $inputs --stats "$OUT/ingest.stats.json" --rejects "$OUT/ingest.rejects.jsonl" \
	-o "$OUT/ingested.jsonl"
echo "demo: records in $OUT/ingested.jsonl ($(wc -l < "$OUT/ingested.jsonl") records)"
echo "demo: stats in $OUT/*.stats.json, rejects in $OUT/*.rejects.jsonl"
