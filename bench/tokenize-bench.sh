#!/bin/bash
# Tokenizer benchmark (issue 6): single-core encode speed of grist vs the npm packages tiktoken
# (OpenAI's Rust core as WASM) and tokenizers (HuggingFace, native, RAYON_NUM_THREADS=1) with
# cl100k_base, on the same English prose, code, and a mixed corpus (multilingual text in ~25
# languages interleaved with code); and the time for one document without spaces of 1, 2 and
# 4 MB (a single pre-token piece: grist's merge loop is O(n log n), tiktoken's O(n^2), shown on
# 16-64 KB).
#
#   bench/tokenize-bench.sh [MB]     (default 50 MB of each kind; BENCH_SIZE=small: 2 MB, and
#                                     documents without spaces 16 times smaller)
#
# Inputs are built under $BENCH_DIR/tokenize by bench/tokenize-corpus.js from Debian-shipped
# text. grist is timed end to end by bench/lib.sh (-j 1: vocabulary load, JSON parsing, token
# stream written to /dev/null); the peers report their own time over their encode calls only,
# on documents parsed beforehand (median of BENCH_REPS runs; their memory is not measured).
# MB/s are of text. Identical ids are checked by `make test`, not here.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
MB=${1:-$(bench_size 50 2)}
DIV=$(bench_size 1 16)
OUT=$BENCH_DIR/tokenize
mkdir -p "$OUT"
[ -x "$GRIST" ] || make build >/dev/null
make vocabs >/dev/null
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
[ -f "$OUT/cl100k-split/tokenizer.json" ] ||
	node tests/npm/make-hf.js vocabs/cl100k_base.tiktoken "$OUT/cl100k-split" split-cl100k
HF=$OUT/cl100k-split/tokenizer.json

textbytes() { node -e 'let b=0; for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")) if (l) b+=Buffer.byteLength(JSON.parse(l).text); console.log(b)' "$1"; }
# peer SECTION NAME ENGINE VOCAB IN BYTES: BENCH_REPS runs of bench/tokenize-peer.js, the median
# of the wall and CPU seconds it reports, recorded as a peer row
peer() {
	local i w=() c=() line
	for ((i = 0; i < BENCH_REPS; i++)); do
		line=$(node bench/tokenize-peer.js "$3" "$4" "$5")
		w+=("$(echo "$line" | cut -d' ' -f4)")
		c+=("$(echo "$line" | cut -d' ' -f6)")
	done
	bench_record "$1" peer "$2" "$6" "$(printf '%s\n' "${w[@]}" | bench_median)" \
		"$(printf '%s\n' "${c[@]}" | bench_median)" - "$BENCH_REPS"
}

S=tokenize
bench_section $S "Tokenize, cl100k_base, one core" \
	"$MB MB of text of each kind built by bench/tokenize-corpus.js: English prose (Debian READMEs, NEWS, changelogs, licences), code (/usr/include headers, Python modules), mixed (translated man pages and fortunes in ~25 languages interleaved with code and English); grist end to end with -j 1, peers over their encode calls only" \
	"10x tiktoken and tokenizers; >= 100 MB/s per core"
echo '{"text":"x"}' > "$OUT/one.jsonl"
BENCH_GROUP="one record"
bench_run $S variant "grist start-up: load cl100k_base, tables" 0 "$GRIST" tokenize -q -t cl100k_base "$OUT/one.jsonl"
LC=$BENCH_CPU
for kind in prose code mixed; do
	IN=$OUT/$kind-$MB.jsonl
	[ -f "$IN" ] || node bench/tokenize-corpus.js $kind "$MB" "$IN" 2>/dev/null
	B=$(textbytes "$IN")
	BENCH_GROUP=$kind
	bench_run $S grist "grist tokenize -j 1 -t cl100k_base" "$B" "$GRIST" tokenize -q -j 1 -t cl100k_base "$IN"
	bench_note $S "grist excluding its start-up: $(bench_rate "$B" "$(awk -v a="$BENCH_CPU" -v b="$LC" 'BEGIN { print a - b }')") MB per CPU second"
	peer $S "tiktoken encode_ordinary (npm)" tiktoken cl100k_base "$IN" "$B"
	peer $S "tokenizers encodeBatch (npm, RAYON_NUM_THREADS=1)" tokenizers "$HF" "$IN" "$B"
done

# The mixed corpus with each vocabulary, one and two threads (issue 15: >= 100 MB of text per
# CPU second for each, >= 10x tiktoken, -j 2 >= 1.8x -j 1 wall on an idle machine).
S=tokenize-mixed
bench_section $S "Tokenize the mixed corpus: cl100k_base, o200k_base, gpt2; -j 1 and -j 2" \
	"$MB MB of the mixed kind above (translated man pages and fortunes in ~25 languages interleaved with code and English); grist end to end, vocabulary load included; tiktoken over its encode calls" \
	">= 100 MB per CPU second and >= 10x tiktoken for each vocabulary; -j 2 >= 1.8x -j 1 (wall)"
IN=$OUT/mixed-$MB.jsonl
B=$(textbytes "$IN")
for v in cl100k_base o200k_base gpt2; do
	BENCH_GROUP=$v
	bench_run $S grist "grist tokenize -j 1 -t $v" "$B" "$GRIST" tokenize -q -j 1 -t $v "$IN"
	W1=$BENCH_WALL
	bench_run $S variant "grist tokenize -j 2 -t $v" "$B" "$GRIST" tokenize -q -j 2 -t $v "$IN"
	bench_note $S "$v: -j 2 is $(awk -v a="$W1" -v b="$BENCH_WALL" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }')x -j 1 (wall)"
	peer $S "tiktoken encode_ordinary (npm)" tiktoken $v "$IN" "$B"
done

S=tokenize-nospace
bench_section $S "Tokenize one document without spaces (a single pre-token piece)" \
	"letters from the GPL-3 words (tests/npm/nospace.js)" "grist about linear in the document's length"
for k in $((1024 / DIV)) $((2048 / DIV)) $((4096 / DIV)); do
	IN=$OUT/nospace-${k}k.jsonl
	[ -f "$IN" ] || node tests/npm/nospace.js $((k * 1024)) > "$IN"
	BENCH_GROUP="$k KB"
	bench_run $S grist "grist -t cl100k_base" $((k * 1024)) "$GRIST" tokenize -q -t cl100k_base "$IN"
	bench_run $S variant "grist -t tokenizer.json" $((k * 1024)) "$GRIST" tokenize -q -t "$HF" "$IN"
	peer $S "tokenizers" tokenizers "$HF" "$IN" $((k * 1024))
done
# tiktoken's merge loop is quadratic: on smaller documents
for k in $((16 / DIV)) $((32 / DIV)) $((64 / DIV)); do
	IN=$OUT/nospace-${k}k.jsonl
	[ -f "$IN" ] || node tests/npm/nospace.js $((k * 1024)) > "$IN"
	BENCH_GROUP="$k KB"
	bench_run $S grist "grist -t cl100k_base" $((k * 1024)) "$GRIST" tokenize -q -t cl100k_base "$IN"
	peer $S "tiktoken" tiktoken cl100k_base "$IN" $((k * 1024))
done
