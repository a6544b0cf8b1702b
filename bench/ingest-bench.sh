#!/bin/bash
# ingest at decompression speed (issue 3, docs/design.md section 9): `grist ingest` of a ~200 MB
# JSONL (BENCH_SIZE=small: 5 MB) compressed as .jsonl.gz and .jsonl.zst against `zcat` /
# `zstdcat` to /dev/null on the same files in the same run. Target: grist within 1.3x of the
# decompressor. grist decodes on a read-ahead thread and parses on the main thread (-j 1); the
# row with --readahead off shows what the second core buys. Then the gz data as 4 files, where
# -j 2 decodes two at a time (ingest/lanes.c).
# Usage: bench/ingest-bench.sh   (env: GRIST, BENCH_DIR, BENCH_SIZE, INGEST_BENCH_MB)
set -eu
. "$(dirname "$0")/lib.sh"
MB=${INGEST_BENCH_MB:-$(bench_size 200 5)}
IN="$BENCH_DIR/ingest-${MB}mb.jsonl"
[ -s "$IN" ] || python3 "$ROOT/bench/gen_jsonl.py" "$IN" "$MB" 3
[ -s "$IN.gz" ] || gzip -6 -c "$IN" > "$IN.gz"
[ -s "$IN.zst" ] || zstd -q -3 -c "$IN" > "$IN.zst"
BYTES=$(stat -c %s "$IN")
S=ingest
bench_section $S "Ingest of compressed JSONL" \
	"$((BYTES / 1000000)) MB of JSONL (bench/gen_jsonl.py, seed 3) as gzip -6 ($(($(stat -c %s "$IN.gz") / 1000000)) MB) and zstd -3 ($(($(stat -c %s "$IN.zst") / 1000000)) MB); MB/s of uncompressed JSONL" \
	"grist within 1.3x of the decompressor's time"
for kind in gz zst; do
	if [ $kind = gz ]; then peer=zcat; else peer=zstdcat; fi
	F="$IN.$kind"
	BENCH_GROUP=".$kind"
	bench_run $S peer "$peer > /dev/null" "$BYTES" $peer "$F"
	bench_run $S grist "grist ingest > /dev/null" "$BYTES" "$GRIST" ingest -q "$F"
	bench_run $S variant "grist ingest --readahead off" "$BYTES" "$GRIST" ingest -q --readahead off "$F"
	bench_run $S variant "grist ingest -j 2" "$BYTES" "$GRIST" ingest -q -j 2 "$F"
done
P="$BENCH_DIR/ingest-split-${MB}mb"
if [ ! -s "$P/p03.jsonl.gz" ]; then
	mkdir -p "$P"
	split -n l/4 -d "$IN" "$P/p"
	for f in "$P"/p0?; do gzip -6 -c "$f" > "$f.jsonl.gz"; rm -f "$f"; done
fi
BENCH_GROUP="4 x .gz"
bench_run $S variant "grist ingest -j 1, 4 files" "$BYTES" "$GRIST" ingest -q -j 1 "$P"/p00.jsonl.gz \
	"$P"/p01.jsonl.gz "$P"/p02.jsonl.gz "$P"/p03.jsonl.gz
bench_run $S variant "grist ingest -j 2, 4 files" "$BYTES" "$GRIST" ingest -q -j 2 "$P"/p00.jsonl.gz \
	"$P"/p01.jsonl.gz "$P"/p02.jsonl.gz "$P"/p03.jsonl.gz
