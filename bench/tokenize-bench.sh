#!/bin/bash
# Tokenizer benchmark (issue 6): single-core encode speed of grist vs the npm packages tiktoken
# (OpenAI's Rust core as WASM) and tokenizers (HuggingFace, native, RAYON_NUM_THREADS=1) with
# cl100k_base, on the same English prose and code; and the time for one document without
# spaces of 1, 2 and 4 MB (a single pre-token piece: grist's merge loop is O(n log n),
# tiktoken's O(n^2), shown on 16-64 KB).
#
#   bench/tokenize-bench.sh [MB]     (default 50 MB each of prose and code)
#
# Inputs are built under $BENCH_DIR/tokenize (default /tmp/grist-bench/tokenize) by bench/tokenize-corpus.js from Debian-shipped text
# (sentences sampled into documents; code files each used once). grist is timed end to end
# (-j 1: vocabulary load, JSON parsing, token stream written to /dev/null); the peers only over
# their encode calls, on documents parsed beforehand. Both wall-clock and CPU (user+sys) rates are
# printed: on shared cores the CPU figures are the steadier ones; quote the load with them.
set -eu
cd "$(dirname "$0")/.."
MB=${1:-50}
OUT=${BENCH_DIR:-/tmp/grist-bench}/tokenize
mkdir -p "$OUT"
GRIST=${GRIST:-build/release/grist}
[ -x "$GRIST" ] || make build >/dev/null
make vocabs >/dev/null
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
[ -f "$OUT/cl100k-split/tokenizer.json" ] ||
	node tests/npm/make-hf.js vocabs/cl100k_base.tiktoken "$OUT/cl100k-split" split-cl100k
HF=$OUT/cl100k-split/tokenizer.json

textmb() { node -e 'let b=0; for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")) if (l) b+=Buffer.byteLength(JSON.parse(l).text); console.log((b/1e6).toFixed(2))' "$1"; }
# run_grist ARGS...: prints "wall cpu" seconds
run_grist() { /usr/bin/time -f "%e %U %S" "$GRIST" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1, $2 + $3}'; }
div() { echo "scale=2; $1 / $2" | bc -l; }

echo "# grist tokenize benchmark, cl100k_base, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo '{"text":"x"}' > "$OUT/one.jsonl"
read -r LW LC <<< "$(run_grist tokenize -q -t cl100k_base "$OUT/one.jsonl")"
echo "grist start-up (load cl100k_base, build tables, class table for the splitter): $LW s wall, $LC s CPU"
echo
echo "| input | MB of text | grist MB/s wall | grist MB/s CPU | grist MB/s CPU excl. start-up | tiktoken MB/s wall / CPU | tokenizers MB/s wall / CPU |"
echo "|---|---|---|---|---|---|---|"
for kind in prose code; do
	IN=$OUT/$kind-$MB.jsonl
	[ -f "$IN" ] || node bench/tokenize-corpus.js $kind "$MB" "$IN" 2>/dev/null
	mb=$(textmb "$IN")
	read -r GW GC <<< "$(run_grist tokenize -q -j 1 -t cl100k_base "$IN")"
	read -r _ _ _ _ TW _ TC <<< "$(node bench/tokenize-peer.js tiktoken cl100k_base "$IN")"
	read -r _ _ _ _ HW _ HC <<< "$(node bench/tokenize-peer.js tokenizers "$HF" "$IN")"
	echo "| $kind | $mb | $(div "$mb" "$GW") | $(div "$mb" "$GC") | $(div "$mb" "($GC - $LC)") | $TW / $TC | $HW / $HC |"
done
echo
echo "| document without spaces | grist -t cl100k_base s wall / CPU | grist -t tokenizer.json s wall / CPU | tokenizers s wall / CPU |"
echo "|---|---|---|---|"
for n in 1 2 4; do
	IN=$OUT/nospace-$n.jsonl
	[ -f "$IN" ] || node tests/npm/nospace.js $((n * 1048576)) > "$IN"
	read -r AW AC <<< "$(run_grist tokenize -q -t cl100k_base "$IN")"
	read -r BW BC <<< "$(run_grist tokenize -q -t "$HF" "$IN")"
	read -r _ _ _ HW _ HC _ <<< "$(node bench/tokenize-peer.js tokenizers "$HF" "$IN")"
	echo "| $n MB | $AW / $AC | $BW / $BC | $HW / $HC |"
done
echo
echo "tiktoken on the same kind of document (quadratic merge loop), s wall / CPU:"
for k in 16 32 64; do
	IN=$OUT/nospace-${k}k.jsonl
	[ -f "$IN" ] || node tests/npm/nospace.js $((k * 1024)) > "$IN"
	read -r _ _ _ TW _ TC _ <<< "$(node bench/tokenize-peer.js tiktoken cl100k_base "$IN")"
	echo "  ${k} KB: $TW / $TC"
done
