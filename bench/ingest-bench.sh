#!/bin/bash
# ingest at decompression speed (issue 3, docs/design.md section 9): `grist ingest` of a ~200 MB
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
# cpu_time CMD...: median of 3 runs of user+sys seconds (all threads): less sensitive to other
# jobs on a shared machine than wall time.
cpu_time() {
	local ts=()
	for _ in 1 2 3; do
		/usr/bin/time -o "$BENCH_DIR/.cpu" -f "%U %S" "$@" > /dev/null 2>&1
		ts+=("$(awk '{ print $1 + $2 }' "$BENCH_DIR/.cpu")")
	done
	printf '%s\n' "${ts[@]}" | sort -g | sed -n 2p
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-50s %8s %9s %8s\n" "ingest of compressed JSONL, $((BYTES / 1000000)) MB uncompressed" "s" "MB/s" "cpu s"
row() { printf "%-50s %8.3f %9s %8s\n" "$1" "$2" "$(mbps "$BYTES" "$2")" "$3"; }
for kind in gz zst; do
	if [ $kind = gz ]; then peer=zcat; else peer=zstdcat; fi
	F="$IN.$kind"
	t_peer=$(median_time sh -c "$peer '$F' > /dev/null")
	t_g=$(median_time sh -c "'$GRIST' ingest -q '$F' > /dev/null")
	t_g_off=$(median_time sh -c "'$GRIST' ingest -q --readahead off '$F' > /dev/null")
	t_g2=$(median_time sh -c "'$GRIST' ingest -q -j 2 '$F' > /dev/null")
	c_peer=$(cpu_time sh -c "$peer '$F' > /dev/null")
	c_g=$(cpu_time sh -c "'$GRIST' ingest -q '$F' > /dev/null")
	row "$peer .jsonl.$kind > /dev/null" "$t_peer" "$c_peer"
	row "grist ingest .jsonl.$kind > /dev/null" "$t_g" "$c_g"
	row "grist ingest --readahead off .jsonl.$kind" "$t_g_off" ""
	row "grist ingest -j 2 .jsonl.$kind" "$t_g2" ""
	echo "ratio grist / $peer (.$kind): $(ratio "$t_g" "$t_peer")x the time (target <= 1.30)," \
		"$(ratio "$c_g" "$c_peer")x the CPU"
done
# Several compressed inputs: -j 2 decodes two at a time (ingest/lanes.c).
if [ ! -s "$BENCH_DIR/ingest-split/p03.jsonl.gz" ]; then
	mkdir -p "$BENCH_DIR/ingest-split"
	split -n l/4 -d "$IN" "$BENCH_DIR/ingest-split/p"
	for f in "$BENCH_DIR"/ingest-split/p0?; do gzip -6 -c "$f" > "$f.jsonl.gz"; rm -f "$f"; done
fi
t_s1=$(median_time sh -c "'$GRIST' ingest -q -j 1 '$BENCH_DIR'/ingest-split/p0*.jsonl.gz > /dev/null")
t_s2=$(median_time sh -c "'$GRIST' ingest -q -j 2 '$BENCH_DIR'/ingest-split/p0*.jsonl.gz > /dev/null")
row "grist ingest -j 1, 4 x .jsonl.gz" "$t_s1" ""
row "grist ingest -j 2, 4 x .jsonl.gz" "$t_s2" ""
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
