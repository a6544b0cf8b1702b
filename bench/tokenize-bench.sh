#!/bin/bash
# Tokenizer benchmark (issue 6): single-core encode speed of grist vs the npm packages tiktoken
# (OpenAI's Rust core as WASM) and tokenizers (HuggingFace, native) with cl100k_base, on the
# same English prose and code; and the time for one document without spaces of 1, 2 and 4 MB
# (a single pre-token piece: grist's merge loop is O(n log n), tiktoken's O(n^2)).
#
#   bench/tokenize-bench.sh [MB]     (default 50 MB each of prose and code; state the machine
#                                     load with the numbers: they are noisy on shared cores)
# Inputs are built under bench/out/ by bench/tokenize-corpus.js from Debian-shipped text.
# grist is timed end to end (-j 1: vocabulary load, JSON parsing, token stream written to
# /dev/null); the peers only for their encode calls, on documents parsed beforehand.
set -eu
cd "$(dirname "$0")/.."
MB=${1:-50}
OUT=bench/out
mkdir -p "$OUT"
GRIST=${GRIST:-./grist}
[ -x "$GRIST" ] || make grist >/dev/null
make vocabs >/dev/null
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
[ -f "$OUT/cl100k-split/tokenizer.json" ] ||
	node tests/npm/make-hf.js vocabs/cl100k_base.tiktoken "$OUT/cl100k-split" split-cl100k
HF=$OUT/cl100k-split/tokenizer.json

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
textmb() { node -e 'let b=0; for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")) if (l) b+=Buffer.byteLength(JSON.parse(l).text); console.log((b/1e6).toFixed(2))' "$1"; }

echo "# grist tokenize benchmark, cl100k_base, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo '{"text":"x"}' > "$OUT/one.jsonl"
t0=$(now); "$GRIST" tokenize -q -t cl100k_base "$OUT/one.jsonl" > /dev/null; t1=$(now)
LOAD=$(secs "$t0" "$t1")
printf 'grist start-up (load cl100k_base, build tables): %.3f s\n\n' "$LOAD"
echo "| input | MB of text | grist s | grist MB/s | grist MB/s excl. start-up | tiktoken MB/s | tokenizers MB/s |"
echo "|---|---|---|---|---|---|---|"
for kind in prose code; do
	IN=$OUT/$kind-$MB.jsonl
	[ -f "$IN" ] || node bench/tokenize-corpus.js $kind "$MB" "$IN" 2>/dev/null
	mb=$(textmb "$IN")
	t0=$(now); "$GRIST" tokenize -q -j 1 -t cl100k_base "$IN" > /dev/null; t1=$(now)
	g=$(secs "$t0" "$t1")
	tt=$(node bench/tokenize-peer.js tiktoken cl100k_base "$IN" | awk '{print $5}')
	hf=$(node bench/tokenize-peer.js tokenizers "$HF" "$IN" | awk '{print $5}')
	printf '| %s | %s | %.2f | %.1f | %.1f | %s | %s |\n' "$kind" "$mb" "$g" \
		"$(echo "$mb / $g" | bc -l)" "$(echo "$mb / ($g - $LOAD)" | bc -l)" "$tt" "$hf"
done
echo
echo "| document without spaces | grist -t cl100k_base s | grist -t tokenizer.json s | tokenizers s |"
echo "|---|---|---|---|"
for n in 1 2 4; do
	IN=$OUT/nospace-$n.jsonl
	[ -f "$IN" ] || node tests/npm/nospace.js $((n * 1048576)) > "$IN"
	t0=$(now); "$GRIST" tokenize -q -t cl100k_base "$IN" > /dev/null; t1=$(now)
	t2=$(now); "$GRIST" tokenize -q -t "$HF" "$IN" > /dev/null; t3=$(now)
	hf=$(node bench/tokenize-peer.js tokenizers "$HF" "$IN" | awk '{print $4}')
	printf '| %d MB | %.2f | %.2f | %s |\n' $n "$(secs "$t0" "$t1")" "$(secs "$t2" "$t3")" "$hf"
done
echo
echo "tiktoken on the same kind of document (quadratic merge loop):"
for k in 16 32 64; do
	IN=$OUT/nospace-${k}k.jsonl
	[ -f "$IN" ] || node tests/npm/nospace.js $((k * 1024)) > "$IN"
	echo "  ${k} KB: $(node bench/tokenize-peer.js tiktoken cl100k_base "$IN" | awk '{print $4}') s"
done
