#!/bin/bash
# grist dedup: MinHash signature throughput per core (112 values, word 5-grams) on real text,
# single-process end-to-end dedup of >= 1 GB with peak memory and bytes per document, the
# sharded pipeline on the same input (and a check that it keeps the same records), and the
# cluster step's speed on a corpus with tens of millions of duplicate pairs.
# CPU seconds (user + sys) are reported beside wall time: the machine is shared, and per-core
# throughput is bytes / CPU seconds. Target: signatures >= 150 MB/s per core.
set -eu
. "$(dirname "$0")/lib.sh"
D="$BENCH_DIR/dedup"
mkdir -p "$D"
IN200="$BENCH_DIR/records-200mb.jsonl"
IN1G="$BENCH_DIR/dedup-1gb.jsonl"
[ -s "$IN200" ] || python3 "$(dirname "$0")/gen_jsonl.py" "$IN200" 200 1
[ -s "$IN1G" ] || python3 "$(dirname "$0")/gen_jsonl.py" "$IN1G" 1000 2

# run_timed NAME CMD...: prints "wall cpu maxrss_kb" for CMD (output discarded)
run_timed() {
	/usr/bin/time -f "%e %U %S %M" -o "$D/time.txt" "$@" >/dev/null 2>"$D/stderr.txt" ||
		{ cat "$D/stderr.txt"; return 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$D/time.txt"
}
text_bytes() { # decoded text bytes of a JSONL file (cached)
	local f="$1.textbytes"
	[ -s "$f" ] || python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1])))' "$1" >"$f"
	cat "$f"
}

printf "%-52s %7s %7s %9s %9s\n" "dedup" "wall s" "cpu s" "MB/s/cpu" "peak MB"
# 1. signatures: `dedup sign` normalizes, shingles, hashes and writes band files; one thread
TB=$(text_bytes "$IN200")
best=""
for i in 1 2 3; do
	r=$(run_timed "$GRIST" dedup sign -q --task 0 -o "$D/s200" "$IN200")
	cpu=$(echo "$r" | cut -d' ' -f2)
	if [ -z "$best" ] || [ "$(echo "$cpu < $(echo "$best" | cut -d' ' -f2)" | bc -l)" = 1 ]; then best=$r; fi
done
set -- $best
printf "%-52s %7s %7s %9s %9s\n" "sign -j1, 200 MB file ($((TB / 1000000)) MB text), best of 3" "$1" "$2" \
	"$(mbps "$TB" "$2")" "$(($3 / 1024))"
rm -f "$D"/s200_*

# 2. single process, >= 1 GB
TB=$(text_bytes "$IN1G")
for j in 1 2; do
	set -- $(run_timed "$GRIST" dedup -q -j $j --stats "$D/st$j.json" -o "$D/kept$j.jsonl" "$IN1G")
	printf "%-52s %7s %7s %9s %9s\n" "dedup -j$j, 1 GB file ($((TB / 1000000)) MB text)" "$1" "$2" \
		"$(mbps "$TB" "$2")" "$(($3 / 1024))"
done
cmp -s "$D/kept1.jsonl" "$D/kept2.jsonl" || echo "MISMATCH: -j1 and -j2 outputs differ"
grep -o '"documents":[0-9]*\|"bytes_per_doc":[0-9.]*\|"near_duplicate":[0-9]*' "$D/st1.json" | tr '\n' ' '
echo

# 3. sharded pipeline on the same file: 4 input shards, 2 tasks at a time
rm -rf "$D/sh" && mkdir -p "$D/sh"
split -n l/4 -d --additional-suffix=.jsonl "$IN1G" "$D/sh/in"
t0=$(date +%s.%N)
for t in 0 1 2 3; do echo "$t"; done | xargs -P 2 -I{} "$GRIST" dedup sign -q --task {} -o "$D/sh/w" "$D/sh/in0{}.jsonl"
t1=$(date +%s.%N)
seq 0 13 | xargs -P 2 -I{} "$GRIST" dedup match -q --band {} --tasks 4 "$D/sh/w"
t2=$(date +%s.%N)
"$GRIST" dedup cluster -q --tasks 4 "$D/sh/w"
t3=$(date +%s.%N)
for t in 0 1 2 3; do echo "$t"; done | xargs -P 2 -I{} "$GRIST" dedup filter -q --task {} -o "$D/sh/out{}.jsonl" "$D/sh/w" "$D/sh/in0{}.jsonl"
t4=$(date +%s.%N)
printf "sharded, 4 shards, -P 2: sign %.1f s, match (14 bands) %.1f s, cluster %.2f s, filter %.1f s\n" \
	"$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t4 - $t3" | bc)"
if cat "$D"/sh/out[0-3].jsonl | cmp -s - "$D/kept1.jsonl"; then
	echo "sharded kept set == single-process: yes"
else
	echo "MISMATCH: sharded kept set differs from single-process"
fi
rm -rf "$D/sh" "$D"/kept?.jsonl

# 4. many duplicates: 3M short documents drawn from 1M distinct texts -> ~2M removals, ~28M
#    band pairs into cluster; also the single-process bytes per document at this count
MANY="$D/many.jsonl"
[ -s "$MANY" ] || awk 'BEGIN { srand(5); for (i = 0; i < 3000000; i++) { k = int(rand() * 1000000);
	printf "{\"id\":\"m%d\",\"text\":\"item %s number %s of the list, with words w%s and x%s\"}\n", i,
	sprintf("%c%c%c", 97 + k % 26, 97 + int(k / 26) % 26, 97 + int(k / 676) % 26),
	sprintf("%c%c", 97 + int(k / 17576) % 26, 97 + int(k / 456976) % 26), k % 7 == 0 ? "a" : "b", "q" }
	}' >"$MANY"
set -- $(run_timed "$GRIST" dedup -q --stats "$D/stm.json" "$MANY")
printf "%-52s %7s %7s %9s %9s\n" "dedup -j1, 3M short documents" "$1" "$2" "-" "$(($3 / 1024))"
grep -o '"documents":[0-9]*\|"bytes_per_doc":[0-9.]*\|"near_duplicate":[0-9]*\|"stored_signatures":[0-9]*' "$D/stm.json" | tr '\n' ' '
echo
rm -rf "$D/mw" && mkdir -p "$D/mw"
"$GRIST" dedup sign -q --task 0 -o "$D/mw/w" "$MANY"
seq 0 13 | xargs -P 2 -I{} "$GRIST" dedup match -q --band {} --tasks 1 "$D/mw/w"
set -- $(run_timed "$GRIST" dedup cluster --tasks 1 "$D/mw/w")
pairs=$(grep -o '[0-9]* pairs' "$D/stderr.txt" | cut -d' ' -f1)
printf "cluster: %s pairs in %s s wall (%s s cpu), %.1f M pairs/s, peak %d MB\n" "$pairs" "$1" "$2" \
	"$(echo "$pairs / $1 / 1000000" | bc -l)" "$(($3 / 1024))"
rm -rf "$D/mw"
