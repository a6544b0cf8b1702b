#!/bin/bash
# grist dedup: MinHash signature throughput per core (112 values, word 5-grams) on real text,
# single-process end-to-end dedup of >= 1 GB with peak memory and bytes per document, the
# sharded pipeline on the same input (and a check that it keeps the same records), and the
# cluster step's speed on a corpus with tens of millions of duplicate pairs.
# MB/s are of decoded text; per-core throughput is MB per CPU second (the machine is shared).
# Target: signatures >= 150 MB/s per core. No peer runs the same algorithm, so no ratios.
# BENCH_SIZE=small: 5 MB, 20 MB and 30,000 short documents instead of 200 MB, 1 GB and 3M.
set -eu
. "$(dirname "$0")/lib.sh"
D="$BENCH_DIR/dedup"
mkdir -p "$D"
M1=$(bench_size 200 5)
M2=$(bench_size 1000 20)
NMANY=$(bench_size 3000000 30000)
IN200="$BENCH_DIR/records-${M1}mb.jsonl"
IN1G="$BENCH_DIR/dedup-${M2}mb.jsonl"
[ -s "$IN200" ] || python3 "$ROOT/bench/gen_jsonl.py" "$IN200" "$M1" 1
[ -s "$IN1G" ] || python3 "$ROOT/bench/gen_jsonl.py" "$IN1G" "$M2" 2
text_bytes() { # decoded text bytes of a JSONL file (cached)
	local f="$1.textbytes"
	[ -s "$f" ] || python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1])))' "$1" >"$f"
	cat "$f"
}
stats_note() { # SECTION STATS.json: documents, bytes per document, near duplicates
	bench_note "$1" "$(grep -o '"documents":[0-9]*\|"bytes_per_doc":[0-9.]*\|"near_duplicate":[0-9]*\|"stored_signatures":[0-9]*' "$2" | tr -d '"' | sed 's/:/ /' | paste -sd, | sed 's/,/, /g')"
}

# 1. signatures: `dedup sign` normalizes, shingles, hashes and writes band files; one thread
S=dedup-sign
TB=$(text_bytes "$IN200")
bench_section $S "dedup: MinHash signatures" \
	"$(($(stat -c %s "$IN200") / 1000000)) MB of JSONL ($((TB / 1000000)) MB of text, bench/gen_jsonl.py seed 1); MB/s of text" \
	">= 150 MB/s per core (MB/s per CPU second)"
BENCH_PREP="rm -f '$D'/s200_*" bench_run $S grist "dedup sign -j1" "$TB" "$GRIST" dedup sign -q --task 0 -o "$D/s200" "$IN200"
rm -f "$D"/s200_*

# 2. single process
S=dedup
TB=$(text_bytes "$IN1G")
bench_section $S "dedup: single process and sharded" \
	"$(($(stat -c %s "$IN1G") / 1000000)) MB of JSONL ($((TB / 1000000)) MB of text, bench/gen_jsonl.py seed 2); MB/s of text" \
	"<= 300 bytes of memory per document"
bench_run $S grist "dedup -j1" "$TB" "$GRIST" dedup -q -j 1 --stats "$D/st1.json" -o "$D/kept1.jsonl" "$IN1G"
bench_run $S variant "dedup -j2" "$TB" "$GRIST" dedup -q -j 2 --stats "$D/st2.json" -o "$D/kept2.jsonl" "$IN1G"
cmp -s "$D/kept1.jsonl" "$D/kept2.jsonl" || bench_note $S "MISMATCH: -j1 and -j2 outputs differ"
stats_note $S "$D/st1.json"

# 3. sharded pipeline on the same file: 4 input shards, 2 tasks at a time; one run of each step
rm -rf "$D/sh" && mkdir -p "$D/sh"
split -n l/4 -d --additional-suffix=.jsonl "$IN1G" "$D/sh/in"
export GRIST D
BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S variant "sharded: sign, 4 shards, -P 2" "$TB" sh -c \
	'for t in 0 1 2 3; do echo $t; done | xargs -P 2 -I{} "$GRIST" dedup sign -q --task {} -o "$D/sh/w" "$D/sh/in0{}.jsonl"'
BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S variant "sharded: match, 14 bands, -P 2" "$TB" sh -c \
	'seq 0 13 | xargs -P 2 -I{} "$GRIST" dedup match -q --band {} --tasks 4 "$D/sh/w"'
BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S variant "sharded: cluster" "$TB" "$GRIST" dedup cluster -q --tasks 4 "$D/sh/w"
BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S variant "sharded: filter, 4 shards, -P 2" "$TB" sh -c \
	'for t in 0 1 2 3; do echo $t; done | xargs -P 2 -I{} "$GRIST" dedup filter -q --task {} -o "$D/sh/out{}.jsonl" "$D/sh/w" "$D/sh/in0{}.jsonl"'
if cat "$D"/sh/out[0-3].jsonl | cmp -s - "$D/kept1.jsonl"; then
	bench_note $S "sharded kept set == single-process: yes"
else
	bench_note $S "MISMATCH: sharded kept set differs from single-process"
fi
rm -rf "$D/sh" "$D"/kept?.jsonl

# 4. many duplicates: short documents drawn from a third as many distinct texts -> two thirds
#    removed, ~28M band pairs into cluster at full size; bytes per document at this count
S=dedup-many
MANY="$D/many-$NMANY.jsonl"
[ -s "$MANY" ] || awk -v n="$NMANY" 'BEGIN { srand(5); for (i = 0; i < n; i++) { k = int(rand() * n / 3);
	printf "{\"id\":\"m%d\",\"text\":\"item %s number %s of the list, with words w%s and x%s\"}\n", i,
	sprintf("%c%c%c", 97 + k % 26, 97 + int(k / 26) % 26, 97 + int(k / 676) % 26),
	sprintf("%c%c", 97 + int(k / 17576) % 26, 97 + int(k / 456976) % 26), k % 7 == 0 ? "a" : "b", "q" }
	}' >"$MANY"
TB=$(text_bytes "$MANY")
bench_section $S "dedup: many duplicates (worst case)" \
	"$NMANY short template documents drawn from $((NMANY / 3)) distinct texts ($((TB / 1000000)) MB of text)" ""
BENCH_REPS=1 bench_run $S grist "dedup -j1" "$TB" "$GRIST" dedup -q --stats "$D/stm.json" "$MANY"
stats_note $S "$D/stm.json"
rm -rf "$D/mw" && mkdir -p "$D/mw"
"$GRIST" dedup sign -q --task 0 -o "$D/mw/w" "$MANY"
seq 0 13 | xargs -P 2 -I{} "$GRIST" dedup match -q --band {} --tasks 1 "$D/mw/w"
BENCH_REPS=1 BENCH_WARMUP=0 bench_run $S variant "dedup cluster (after sign and match)" 0 "$GRIST" dedup cluster --tasks 1 "$D/mw/w"
pairs=$(grep -o '[0-9]* pairs' "$BENCH_TMP/last.err" | cut -d' ' -f1)
bench_note $S "cluster: ${pairs:-?} pairs, $(awk -v p="${pairs:-0}" -v w="$BENCH_WALL" 'BEGIN { printf "%.1f", p / w / 1e6 }') M pairs/s (wall)"
rm -rf "$D/mw"
