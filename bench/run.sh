#!/bin/bash
# make bench: the benchmark suite. Runs every bench/*-bench.sh (grist and its peers on the same
# inputs in the same run, measured through bench/lib.sh), then bench/report.py writes bench.json
# (machine, date, load average at the start and end, git describe, every row, the ratios
# grist / peer) and regenerates the tables of BENCHMARKS.md between its bench:begin/end markers.
#
# Environment:
#   GRIST       the binary (default ./grist)
#   BENCH_DIR   where inputs are built and kept for the next run (default /tmp/grist-bench);
#               the rows are collected in $BENCH_DIR/bench.jsonl, truncated here
#   BENCH_SIZE  full (default) or small: every input shrunk so the whole suite takes minutes
#               (to check the suite itself; the figures mean nothing)
#   BENCH_ONLY  run only the scripts whose name contains one of these words (space or comma
#               separated), e.g. BENCH_ONLY="records shard"
#   BENCH_REPS  timed runs per row after one warm-up (default 3)
#   BENCH_OUT   directory for bench.json (default the repository root); BENCHMARKS.md there is
#               regenerated (the repository's own when BENCH_OUT is unset; skipped when
#               $BENCH_OUT has none)
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
export GRIST="${GRIST:-$ROOT/grist}"
export BENCH_DIR="${BENCH_DIR:-/tmp/grist-bench}"
export BENCH_JSONL="$BENCH_DIR/bench.jsonl"
export BENCH_SIZE="${BENCH_SIZE:-full}"
OUT="${BENCH_OUT:-$ROOT}"
mkdir -p "$BENCH_DIR" "$OUT"
/usr/bin/python3 bench/report.py start > "$BENCH_JSONL" || exit 1
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg);" \
	"BENCH_SIZE=$BENCH_SIZE"
rc=0
only=${BENCH_ONLY:-}
only=${only//,/ }
# pipeline order, then any other script
ORDER="records ingest parquet clean clean-langid dedup dedup-quality tokenize chat train shard"
scripts=()
for n in $ORDER; do [ -f "bench/$n-bench.sh" ] && scripts+=("bench/$n-bench.sh"); done
for b in bench/*-bench.sh; do [[ " $ORDER " == *" $(basename "$b" -bench.sh) "* ]] || scripts+=("$b"); done
for b in "${scripts[@]}"; do
	if [ -n "$only" ]; then
		hit=0
		for w in $only; do [[ "$b" == *"$w"* ]] && hit=1; done
		[ $hit = 1 ] || continue
	fi
	echo "== $b"
	t0=$EPOCHREALTIME
	bash "$b"
	st=$?
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	echo "{\"type\":\"script\",\"script\":\"$b\",\"rc\":$st,\"seconds\":$secs}" >> "$BENCH_JSONL"
	[ $st = 0 ] || { echo "benchmark failed: $b (exit $st)"; rc=1; }
done
MD=
if [ -z "${BENCH_OUT:-}" ] || [ -f "$OUT/BENCHMARKS.md" ]; then MD="$OUT/BENCHMARKS.md"; fi
/usr/bin/python3 bench/report.py finish "$BENCH_JSONL" "$OUT/bench.json" $MD || exit 1
echo "wrote $OUT/bench.json${MD:+ and the tables of $MD}"
exit $rc
