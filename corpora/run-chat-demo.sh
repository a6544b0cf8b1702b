#!/bin/bash
# The fine-tuning demo: run-chat-demo.sh GRIST CHAT_DIR OUT_DIR
#   CHAT_DIR holds chat files in three layouts (corpora/build-chat-demo.py). A tokenizer with
#   ChatML's special tokens is trained on the rendered conversations, then
#   ingest --chat | clean | dedup | tokenize --chat-template chatml | shard --pack
#   writes packed rows with loss masks, as JSONL rows HuggingFace datasets/TRL load directly.
set -euo pipefail
GRIST=$1 CHAT=$2 OUT=$3
SEQ=${SEQ_LEN:-1024}
for need in "ingest --chat" "shard --pack"; do
	"$GRIST" ${need% *} -h 2>&1 | grep -q -- "${need#* }" ||
		{ echo "fine-tuning demo: NOT RUN: this grist has no '$need' yet"; exit 0; }
done
rm -rf "$OUT"
mkdir -p "$OUT/stats" "$OUT/rejects"
S=$OUT/stats R=$OUT/rejects
IN=("$CHAT/man-openai.jsonl" "$CHAT/man-sharegpt.jsonl" "$CHAT/fortunes-alpaca.json")
# 1. canonical chat records, cleaned and deduplicated
"$GRIST" ingest --chat "${IN[@]}" --stats "$S/ingest.json" --rejects "$R/ingest.jsonl" \
 | "$GRIST" clean --stats "$S/clean.json" --rejects "$R/clean.jsonl" \
 | "$GRIST" dedup --stats "$S/dedup.json" --rejects "$R/dedup.jsonl" > "$OUT/chat.jsonl"
# 2. a byte-level BPE tokenizer with the template's special tokens, trained on the renderings
"$GRIST" tokenize -q --chat-template chatml --to text "$OUT/chat.jsonl" \
 | "$GRIST" tokenize train -q --vocab-size 4096 --pattern cl100k --special "<|endoftext|>" \
	--special "<|im_start|>" --special "<|im_end|>" -o "$OUT/tokenizer.json"
# 3. render + tokenize + mask, then pack whole conversations into rows of SEQ tokens
"$GRIST" tokenize -t "$OUT/tokenizer.json" --chat-template chatml --train-on assistant \
	--stats "$S/tokenize.json" --rejects "$R/tokenize.jsonl" "$OUT/chat.jsonl" \
 | "$GRIST" shard --pack "$SEQ" --format jsonl -o "$OUT/shards/chat" --val-fraction 0.05 --seed 1 \
	--stats "$S/shard.json" --rejects "$R/shard.jsonl"
echo
echo "fine-tuning demo: $(wc -l < "$OUT/chat.jsonl") conversations in $OUT/chat.jsonl, tokenizer $OUT/tokenizer.json"
echo "fine-tuning demo: packed rows of $SEQ tokens (input_ids, labels, position_ids) in $OUT/shards/"
ls "$OUT/shards/"
echo "fine-tuning demo: per-stage stats in $S/, dropped records with reasons in $R/"
"$GRIST" report -q -o "$OUT/report.html" "$S"/*.json
echo "fine-tuning demo: run report (turns, masked tokens, packing) $OUT/report.html, its numbers in $OUT/report.json"
