#!/bin/bash
# Parquet <-> JSONL against DuckDB on the same FineWeb-shaped file in the same run (issue 17).
# The file has FineWeb's columns (text, id, dump, url, date, file_path, language,
# language_score, token_count), ZSTD, written by DuckDB from sampled real sentences
# (bench/gen_jsonl.py, 200 MB of JSONL; BENCH_SIZE=small: 5 MB). Reading: `grist ingest
# F.parquet` vs DuckDB's COPY (SELECT * FROM read_parquet(F)) TO ... (FORMAT json); writing:
# `grist ingest X.jsonl -o Y.parquet` vs DuckDB's COPY (SELECT * FROM read_json(X)) TO Y (FORMAT
# parquet). Outputs go to /dev/shm. DuckDB runs through node (tests/npm/parquet-peer.js): its
# start-up (node + an empty query) is measured and subtracted, and the net figures are the peer
# rows (peak memory: the whole process's). Targets: reading >= 300 MB/s of JSON out per core
# and no more CPU than DuckDB; writing >= 150 MB/s of JSONL per core. MB/s are of JSONL.
# Usage: bench/parquet-bench.sh   (env: GRIST, BENCH_DIR, BENCH_SIZE, PARQUET_BENCH_MB)
set -eu
. "$(dirname "$0")/lib.sh"
SHM=/dev/shm/grist-parquet-bench.$$
MB=${PARQUET_BENCH_MB:-$(bench_size 200 5)}
PEER=(node "$ROOT/tests/npm/parquet-peer.js")
mkdir -p "$SHM"
trap 'rm -rf "$SHM" "$BENCH_TMP"' EXIT
SRC="$BENCH_DIR/ingest-${MB}mb.jsonl"
[ -s "$SRC" ] || python3 "$ROOT/bench/gen_jsonl.py" "$SRC" "$MB" 3
PQ="$BENCH_DIR/fineweb-${MB}mb.parquet"
[ -s "$PQ" ] || "${PEER[@]}" sql "COPY (SELECT text,
	'<urn:uuid:' || md5(text)::UUID || '>' AS id,
	'CC-MAIN-2024-' || lpad((hash(text) % 50)::VARCHAR, 2, '0') AS dump,
	url, '2024-0' || (1 + hash(url) % 9) || '-1' || (hash(url) % 10) || 'T0' || (hash(text) % 10) || ':12:45Z' AS date,
	's3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/17075' || (hash(url) % 100) || '/warc/CC-MAIN.warc.gz' AS file_path,
	'en' AS language, 0.65 + (hash(text) % 3500) / 10000.0 AS language_score,
	(length(text) / 4)::BIGINT AS token_count
	FROM read_json('$SRC', columns = {text: 'VARCHAR', url: 'VARCHAR'}))
	TO '$PQ' (FORMAT parquet, COMPRESSION zstd)" > /dev/null
"$GRIST" ingest -q "$PQ" > "$SHM/grist.jsonl"
JSON=$(stat -c %s "$SHM/grist.jsonl")
ROWS=$(wc -l < "$SHM/grist.jsonl")
S=parquet
bench_section $S "Parquet <-> JSONL" \
	"$PQ: $(($(stat -c %s "$PQ") / 1000000)) MB of Parquet (ZSTD, FineWeb's columns), $ROWS rows, $((JSON / 1000000)) MB of JSONL; MB/s of JSONL" \
	"reading >= 300 MB/s per core and no more CPU than DuckDB; writing >= 150 MB/s per core"
# net SECTION NAME: the last bench_run's figures less DuckDB's start-up, as a peer row
net() {
	BENCH_SOURCE=derived bench_record "$1" peer "$2" "$JSON" "$(awk -v a="$BENCH_WALL" -v b="$W0" 'BEGIN { printf "%.4f", a - b }')" \
		"$(awk -v a="$BENCH_CPU" -v b="$C0" 'BEGIN { printf "%.2f", a - b }')" "$BENCH_RSS" "$BENCH_REPS"
}
BENCH_GROUP="DuckDB start-up"
bench_run $S variant "node + DuckDB, empty query" 0 "${PEER[@]}" sql "SELECT 1"
W0=$BENCH_WALL C0=$BENCH_CPU

BENCH_GROUP="read: Parquet -> JSONL"
bench_run $S grist "grist ingest -j1" "$JSON" "$GRIST" ingest -q "$PQ"
bench_run $S variant "grist ingest -j2" "$JSON" "$GRIST" ingest -q -j 2 "$PQ"
Q="COPY (SELECT * FROM read_parquet('$PQ')) TO '$SHM/duck.json' (FORMAT json)"
bench_run $S variant "DuckDB COPY ... (FORMAT json), with start-up" "$JSON" "${PEER[@]}" sql "$Q"
net $S "DuckDB COPY ... (FORMAT json), net of start-up"
bench_run $S variant "DuckDB, SET threads = 1, with start-up" "$JSON" "${PEER[@]}" sql "SET threads = 1; $Q"
BENCH_SOURCE=derived bench_record $S variant "DuckDB, SET threads = 1, net of start-up" "$JSON" \
	"$(awk -v a="$BENCH_WALL" -v b="$W0" 'BEGIN { printf "%.4f", a - b }')" \
	"$(awk -v a="$BENCH_CPU" -v b="$C0" 'BEGIN { printf "%.2f", a - b }')" "$BENCH_RSS" "$BENCH_REPS"
rm -f "$SHM/duck.json"

BENCH_GROUP="write: JSONL -> Parquet"
IN="$SHM/grist.jsonl"
bench_run $S grist "grist ingest -o x.parquet" "$JSON" "$GRIST" ingest -q "$IN" -o "$SHM/w.parquet"
Q="COPY (SELECT * FROM read_json('$IN')) TO '$SHM/d.parquet' (FORMAT parquet, COMPRESSION zstd)"
bench_run $S variant "DuckDB COPY ... (FORMAT parquet), with start-up" "$JSON" "${PEER[@]}" sql "$Q"
net $S "DuckDB COPY ... (FORMAT parquet), net of start-up"
bench_note $S "file sizes: grist $(($(stat -c %s "$SHM/w.parquet") / 1000)) kB, DuckDB $(($(stat -c %s "$SHM/d.parquet") / 1000)) kB"
