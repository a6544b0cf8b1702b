#!/bin/bash
# Parquet <-> JSONL against DuckDB on the same FineWeb-shaped file in the same run (issue 17).
# The file has FineWeb's columns (text, id, dump, url, date, file_path, language,
# language_score, token_count), ZSTD, written by DuckDB from sampled real sentences
# (bench/gen_jsonl.py). Reading: `grist ingest F.parquet` vs DuckDB's
# COPY (SELECT * FROM read_parquet(F)) TO ... (FORMAT json); writing: `grist ingest X.jsonl -o
# Y.parquet` vs DuckDB's COPY (SELECT * FROM read_json(X)) TO Y (FORMAT parquet). Outputs go to
# /dev/shm. CPU seconds (user+sys, all threads, median of 3) beside wall (median of 5); DuckDB's
# start-up (node + an empty query) is measured and subtracted. Targets: reading >= 300 MB/s of
# JSON out per core and no more CPU than DuckDB; writing >= 150 MB/s of JSONL per core.
# Usage: bench/parquet-bench.sh   (env: GRIST, BENCH_DIR, PARQUET_BENCH_MB default 200)
set -eu
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GRIST=${GRIST:-$ROOT/grist}
BENCH_DIR=${BENCH_DIR:-/tmp/grist-bench}
SHM=/dev/shm/grist-parquet-bench.$$
MB=${PARQUET_BENCH_MB:-200}
PEER="node $ROOT/tests/npm/parquet-peer.js"
mkdir -p "$BENCH_DIR" "$SHM"
trap 'rm -rf "$SHM"' EXIT
SRC="$BENCH_DIR/ingest-${MB}mb.jsonl"
[ -s "$SRC" ] || python3 "$(dirname "$0")/gen_jsonl.py" "$SRC" "$MB" 3
PQ="$BENCH_DIR/fineweb-${MB}mb.parquet"
[ -s "$PQ" ] || $PEER sql "COPY (SELECT text,
	'<urn:uuid:' || md5(text)::UUID || '>' AS id,
	'CC-MAIN-2024-' || lpad((hash(text) % 50)::VARCHAR, 2, '0') AS dump,
	url, '2024-0' || (1 + hash(url) % 9) || '-1' || (hash(url) % 10) || 'T0' || (hash(text) % 10) || ':12:45Z' AS date,
	's3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/17075' || (hash(url) % 100) || '/warc/CC-MAIN.warc.gz' AS file_path,
	'en' AS language, 0.65 + (hash(text) % 3500) / 10000.0 AS language_score,
	(length(text) / 4)::BIGINT AS token_count
	FROM read_json('$SRC', columns = {text: 'VARCHAR', url: 'VARCHAR'}))
	TO '$PQ' (FORMAT parquet, COMPRESSION zstd)" > /dev/null
cpu_time() {
	local ts=()
	for _ in 1 2 3; do
		/usr/bin/time -o "$SHM/.cpu" -f "%U %S" "$@" > /dev/null 2>&1
		ts+=("$(awk '{ print $1 + $2 }' "$SHM/.cpu")")
	done
	printf '%s\n' "${ts[@]}" | sort -g | sed -n 2p
}
sub() { echo "$1 - $2" | bc -l; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$GRIST" ingest -q "$PQ" > "$SHM/grist.jsonl"
JSON=$(stat -c %s "$SHM/grist.jsonl")
ROWS=$(wc -l < "$SHM/grist.jsonl")
echo "input: $PQ, $(($(stat -c %s "$PQ") / 1000000)) MB Parquet (ZSTD), $ROWS rows, $((JSON / 1000000)) MB of JSONL out"

# reading
t_g=$(median_time sh -c "'$GRIST' ingest -q '$PQ' > /dev/null")
c_g=$(cpu_time sh -c "'$GRIST' ingest -q '$PQ' > /dev/null")
t_g2=$(median_time sh -c "'$GRIST' ingest -q -j 2 '$PQ' > /dev/null")
c_g2=$(cpu_time sh -c "'$GRIST' ingest -q -j 2 '$PQ' > /dev/null")
t_d0=$(median_time $PEER sql "SELECT 1")
c_d0=$(cpu_time $PEER sql "SELECT 1")
Q="COPY (SELECT * FROM read_parquet('$PQ')) TO '$SHM/duck.json' (FORMAT json)"
t_d=$(median_time $PEER sql "$Q")
c_d=$(cpu_time $PEER sql "$Q")
Q1="SET threads = 1; $Q"
t_d1=$(median_time $PEER sql "$Q1")
c_d1=$(cpu_time $PEER sql "$Q1")
rm -f "$SHM/duck.json"
printf "%-52s %8s %8s %9s %12s\n" "Parquet -> JSONL" "wall s" "cpu s" "MB/s wall" "MB/s per cpu"
row() { printf "%-52s %8.3f %8.3f %9s %12s\n" "$1" "$2" "$3" "$(mbps "$JSON" "$2")" "$(mbps "$JSON" "$3")"; }
row "grist ingest -j1" "$t_g" "$c_g"
row "grist ingest -j2" "$t_g2" "$c_g2"
row "DuckDB COPY ... (FORMAT json), net of start-up" "$(sub "$t_d" "$t_d0")" "$(sub "$c_d" "$c_d0")"
row "DuckDB, SET threads = 1, net of start-up" "$(sub "$t_d1" "$t_d0")" "$(sub "$c_d1" "$c_d0")"
echo "DuckDB start-up (node, empty query): wall $t_d0 s, cpu $c_d0 s"
echo "CPU ratio grist -j1 / DuckDB: $(ratio "$c_g" "$(sub "$c_d" "$c_d0")")"

# writing
IN="$SHM/grist.jsonl"
BYTES=$JSON
t_w=$(median_time "$GRIST" ingest -q "$IN" -o "$SHM/w.parquet")
c_w=$(cpu_time "$GRIST" ingest -q "$IN" -o "$SHM/w.parquet")
W="COPY (SELECT * FROM read_json('$IN')) TO '$SHM/d.parquet' (FORMAT parquet, COMPRESSION zstd)"
t_dw=$(median_time $PEER sql "$W")
c_dw=$(cpu_time $PEER sql "$W")
printf "%-52s %8s %8s %9s %12s\n" "JSONL -> Parquet (ZSTD)" "wall s" "cpu s" "MB/s wall" "MB/s per cpu"
row "grist ingest -o x.parquet" "$t_w" "$c_w"
row "DuckDB COPY ... (FORMAT parquet), net of start-up" "$(sub "$t_dw" "$t_d0")" "$(sub "$c_dw" "$c_d0")"
echo "sizes: grist $(($(stat -c %s "$SHM/w.parquet") / 1000)) kB, DuckDB $(($(stat -c %s "$SHM/d.parquet") / 1000)) kB"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
