#!/bin/bash
# BPE training: grist tokenize train vs HuggingFace `tokenizers` (npm, native; the default
# BpeTrainer behind the ByteLevel pre-tokenizer, i.e. GPT-2's regex) vs `spm_train
# --model_type=bpe` (Debian sentencepiece), vocabulary 30000, the same >= 100 MB of text, the
# same thread count (TRAIN_JOBS, default 2). One run each (training takes minutes in the peers):
# wall seconds and peak RSS (/usr/bin/time %M). Then the vocabularies' bytes per token on
# held-out text (both encoded by `tokenizers`), and grist alone on 1 GB at vocabulary 32000.
# Targets (issue 7): >= 3x faster than tokenizers with <= 1/2 its peak memory; bytes/token
# within 1% of tokenizers'; 1 GB at 32k in <= 2 minutes on this 2-core machine.
#
# Peers read text files: tokenizers and spm_train one line at a time, so each document is
# written as its text plus "\n" (paragraph breaks stay line breaks; grist sees the same text
# as JSONL records and splits it into the same pieces, except at document ends).
# Environment: TRAIN_JOBS, TRAIN_MB (default 130), TRAIN_SKIP_SPM=1, TRAIN_SKIP_1GB=1,
# SPM_TIMEOUT seconds (default 1800).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
# The command (the lead switches this to `tokenize train` when routing the subcommand).
TRAIN=("$GRIST" tokenize train)
J=${TRAIN_JOBS:-2}
MB=${TRAIN_MB:-130}
IN="$BENCH_DIR/train-${MB}mb.jsonl"
TXT="$BENCH_DIR/train-${MB}mb.txt"
HELD="$BENCH_DIR/train-heldout.jsonl"
OUT="$BENCH_DIR/train-out"
mkdir -p "$OUT"
[ -s "$IN" ] || python3 bench/gen_jsonl.py "$IN" "$MB" 1
[ -s "$HELD" ] || python3 bench/gen_jsonl.py "$HELD" 5 99
[ -s "$TXT" ] || python3 -c '
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for l in f:
        o.write(json.loads(l)["text"] + "\n")' "$IN" "$TXT"
[ -d tests/npm/node_modules/tokenizers ] || (cd tests/npm && npm ci --no-audit --no-fund --loglevel=error)
TEXT_MB=$(( $(stat -c %s "$TXT") / 1000000 ))

# run NAME CMD...: one timed run; sets T (wall s), C (CPU s, user + sys) and M (peak MB) and
# prints a row. CPU seconds are printed too: on a shared machine the wall time includes waiting.
run() {
	local name=$1; shift
	if /usr/bin/time -o "$OUT/$name.time" -f "%e %U %S %M" "$@" > "$OUT/$name.log" 2>&1; then
		local u s
		read -r T u s M < "$OUT/$name.time"
		C=$(echo "$u + $s" | bc -l)
		M=$((M / 1024))
		printf "%-40s %9.1f %9.1f %9d\n" "$name" "$T" "$C" "$M"
	else
		T=0 C=0 M=0
		printf "%-40s %9s %9s %9s   (failed or timed out: %s)\n" "$name" "-" "-" "-" "$OUT/$name.log"
	fi
}

echo "BPE training, vocab 30000, $TEXT_MB MB of text ($(basename "$IN")), $J threads; load $(cut -d' ' -f1 /proc/loadavg)"
printf "%-40s %9s %9s %9s\n" "trainer" "wall s" "CPU s" "peak MB"
run "grist tokenize train -j $J" "${TRAIN[@]}" -q -j "$J" --vocab-size 30000 --pattern gpt2 \
	-o "$OUT/grist.json" "$IN"
TG=$T CG=$C MG=$M
RAYON_NUM_THREADS=$J run "tokenizers BpeTrainer (npm)" node tests/npm/train-hf.js "$OUT/hf.json" "$TXT"
TH=$T CH=$C MH=$M
if [ -z "${TRAIN_SKIP_SPM:-}" ]; then
	run "spm_train --model_type=bpe" timeout "${SPM_TIMEOUT:-1800}" spm_train --input="$TXT" \
		--model_prefix="$OUT/spm" --model_type=bpe --vocab_size=30000 --num_threads="$J" \
		--max_sentence_length=1000000 --minloglevel=1
fi
if [ "$TG" != 0 ] && [ "$TH" != 0 ]; then
	echo "grist vs tokenizers: $(ratio "$TH" "$TG")x faster (wall), $(ratio "$CH" "$CG")x less CPU," \
		"$(ratio "$MG" "$MH")x the peak memory (target >= 3x faster, <= 0.5x memory)"
	node tests/npm/train-eval.js "$HELD" "$OUT/grist.json" "$OUT/hf.json" > "$OUT/eval.txt"
	read -r _ _ _ BG < <(sed -n 1p "$OUT/eval.txt")
	read -r _ _ _ BH < <(sed -n 2p "$OUT/eval.txt")
	echo "held-out bytes/token (encoded by tokenizers): grist $BG, tokenizers $BH," \
		"difference $(echo "scale=3; 100 * ($BG - $BH) / $BH" | bc -l)% (target within 1%)"
fi

if [ -z "${TRAIN_SKIP_1GB:-}" ]; then
	BIG="$BENCH_DIR/train-1000mb.jsonl"
	[ -s "$BIG" ] || python3 bench/gen_jsonl.py "$BIG" 1000 2
	run "grist, 1 GB JSONL, vocab 32000, -j $J" "${TRAIN[@]}" -q -j "$J" \
		--vocab-size 32000 -o "$OUT/grist-1g.json" "$BIG"
	echo "1 GB at 32k: $T s (target <= 120 s)"
fi
