#!/bin/bash
# ingest at decompression speed (issue 3, DESIGN.md section 10): `grist ingest` of a ~200 MB
# JSONL compressed as .jsonl.gz and .jsonl.zst against `zcat` / `zstdcat` to /dev/null on the
# same files in the same run (median of 5). Target: grist within 1.3x of the decompressor.
# grist decodes on a read-ahead thread and parses on the main thread (-j 1); the row with
# --readahead off shows what the second core buys.
# Usage: bench/ingest-bench.sh   (env: GRIST, BENCH_DIR, INGEST_BENCH_MB default 200)
set -eu
. "$(dirname "$0")/lib.sh"
GRIST=${GRIST:-$(cd "$(dirname "$0")/.." && pwd)/grist}
BENCH_DIR=${BENCH_DIR:-/tmp/grist-bench}
MB=${INGEST_BENCH_MB:-200}
mkdir -p "$BENCH_DIR"
IN="$BENCH_DIR/ingest-${MB}mb.jsonl"
[ -s "$IN" ] || python3 "$(dirname "$0")/gen_jsonl.py" "$IN" "$MB" 3
[ -s "$IN.gz" ] || gzip -6 -c "$IN" > "$IN.gz"
[ -s "$IN.zst" ] || zstd -q -3 -c "$IN" > "$IN.zst"
BYTES=$(stat -c %s "$IN")
printf "%-50s %8s %9s\n" "ingest of compressed JSONL, $((BYTES / 1000000)) MB uncompressed" "s" "MB/s"
row() { printf "%-50s %8.3f %9s\n" "$1" "$2" "$(mbps "$BYTES" "$2")"; }
for kind in gz zst; do
	if [ $kind = gz ]; then peer=zcat; else peer=zstdcat; fi
	F="$IN.$kind"
	t_peer=$(median_time sh -c "$peer '$F' > /dev/null")
	t_g=$(median_time sh -c "'$GRIST' ingest -q '$F' > /dev/null")
	t_g_off=$(median_time sh -c "'$GRIST' ingest -q --readahead off '$F' > /dev/null")
	t_g2=$(median_time sh -c "'$GRIST' ingest -q -j 2 '$F' > /dev/null")
	row "$peer .jsonl.$kind > /dev/null" "$t_peer"
	row "grist ingest .jsonl.$kind > /dev/null" "$t_g"
	row "grist ingest --readahead off .jsonl.$kind" "$t_g_off"
	row "grist ingest -j 2 .jsonl.$kind" "$t_g2"
	echo "ratio grist / $peer (.$kind): $(ratio "$t_g" "$t_peer")x the time (target <= 1.30)"
done
