#!/bin/bash
# BPE training: grist tokenize train vs HuggingFace `tokenizers` (npm, native; the default
# BpeTrainer behind the ByteLevel pre-tokenizer, i.e. GPT-2's regex) vs `spm_train
# --model_type=bpe` (Debian sentencepiece), vocabulary 30000, the same >= 100 MB of text, the
# same thread count (TRAIN_JOBS, default 2). grist: median of BENCH_REPS after a warm-up; the
# peers take minutes, so one run each. Then the vocabularies' bytes per token on held-out text
# (both encoded by `tokenizers`), and grist alone on 1 GB at vocabulary 32000 (one run).
# Targets (issue 7): >= 3x faster than tokenizers with <= 1/2 its peak memory; bytes/token
# within 1% of tokenizers'; 1 GB at 32k in <= 2 minutes on this 2-core machine.
#
# Peers read text files: tokenizers and spm_train one line at a time, so each document is
# written as its text plus "\n" (paragraph breaks stay line breaks; grist sees the same text
# as JSONL records and splits it into the same pieces, except at document ends).
# Environment: TRAIN_JOBS, TRAIN_MB (default 130; BENCH_SIZE=small: 3, and 10 MB instead of
# 1 GB), TRAIN_SKIP_SPM=1, TRAIN_SKIP_1GB=1, SPM_TIMEOUT seconds (default 1800).
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
TRAIN=("$GRIST" tokenize train)
J=${TRAIN_JOBS:-2}
MB=${TRAIN_MB:-$(bench_size 130 3)}
BIGMB=$(bench_size 1000 10)
IN="$BENCH_DIR/train-${MB}mb.jsonl"
TXT="$BENCH_DIR/train-${MB}mb.txt"
HELD="$BENCH_DIR/train-heldout-$(bench_size 5 1).jsonl"
OUT="$BENCH_DIR/train-out"
mkdir -p "$OUT"
[ -s "$IN" ] || python3 bench/gen_jsonl.py "$IN" "$MB" 1
[ -s "$HELD" ] || python3 bench/gen_jsonl.py "$HELD" "$(bench_size 5 1)" 99
[ -s "$TXT" ] || python3 -c '
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for l in f:
        o.write(json.loads(l)["text"] + "\n")' "$IN" "$TXT"
[ -d tests/npm/node_modules/tokenizers ] || (cd tests/npm && npm ci --no-audit --no-fund --loglevel=error)
TB=$(stat -c %s "$TXT")

S=train
bench_section $S "BPE training, vocabulary 30000, $J threads" \
	"$((TB / 1000000)) MB of text ($(basename "$IN"), bench/gen_jsonl.py seed 1); the peers read it as a text file, one document per line" \
	">= 3x faster than tokenizers with <= 0.5x its peak memory; held-out bytes/token within 1%"
rc=0
bench_run $S grist "grist tokenize train -j $J --pattern gpt2" "$TB" "${TRAIN[@]}" -q -j "$J" \
	--vocab-size 30000 --pattern gpt2 -o "$OUT/grist.json" "$IN" || rc=1
RAYON_NUM_THREADS=$J BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S peer "tokenizers BpeTrainer, ByteLevel (npm)" "$TB" \
	node tests/npm/train-hf.js "$OUT/hf.json" "$TXT" || rc=1
if [ -z "${TRAIN_SKIP_SPM:-}" ]; then
	BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S peer "spm_train --model_type=bpe" "$TB" \
		timeout "${SPM_TIMEOUT:-1800}" spm_train --input="$TXT" --model_prefix="$OUT/spm" \
		--model_type=bpe --vocab_size=30000 --hard_vocab_limit=false --num_threads="$J" \
		--max_sentence_length=1000000 --minloglevel=1 || bench_note $S "spm_train failed or timed out (SPM_TIMEOUT ${SPM_TIMEOUT:-1800} s)"
fi
if [ -s "$OUT/grist.json" ] && [ -s "$OUT/hf.json" ]; then
	node tests/npm/train-eval.js "$HELD" "$OUT/grist.json" "$OUT/hf.json" > "$OUT/eval.txt"
	read -r _ _ _ BG < <(sed -n 1p "$OUT/eval.txt")
	read -r _ _ _ BH < <(sed -n 2p "$OUT/eval.txt")
	bench_note $S "held-out bytes/token ($(basename "$HELD"), both encoded by tokenizers): grist $BG, tokenizers $BH, difference $(awk -v g="$BG" -v h="$BH" 'BEGIN { printf "%.3f", 100 * (g - h) / h }')% (target within 1%)"
fi

if [ -z "${TRAIN_SKIP_1GB:-}" ]; then
	BIG="$BENCH_DIR/train-${BIGMB}mb.jsonl"
	[ -s "$BIG" ] || python3 bench/gen_jsonl.py "$BIG" "$BIGMB" 2
	BENCH_GROUP="$BIGMB MB JSONL, vocab 32000" BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S grist \
		"grist tokenize train -j $J" "$(stat -c %s "$BIG")" "${TRAIN[@]}" -q -j "$J" \
		--vocab-size 32000 -o "$OUT/grist-1g.json" "$BIG" || rc=1
	BENCH_GROUP="$BIGMB MB JSONL, vocab 32000" bench_note $S "target for 1 GB: <= 120 s"
fi
exit $rc
