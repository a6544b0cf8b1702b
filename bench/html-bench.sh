#!/bin/bash
# HTML to text (issue 18): `grist ingest --html main` (main-content extraction) against
# `--html text` (whole-page text) on two tars of HTML, -j 1: the evaluation pages
# (tests/html-eval/pages, copied 40 times: web-like pages, many class attributes) and the HTML
# documentation of the Debian packages on this machine (/usr/share/doc/**/*.html). MB/s is
# HTML bytes (the files, not the tar) per second of CPU (user+sys, least of 5) and per second of
# wall (median of 5). Target: >= 50 MB/s per core for --html main. The machine is shared: CPU
# seconds are the number to compare; the load average is printed.
# Usage: bench/html-bench.sh   (env: GRIST, BENCH_DIR)
set -eu
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GRIST=${GRIST:-$ROOT/grist}
BENCH_DIR=${BENCH_DIR:-/tmp/grist-bench}
mkdir -p "$BENCH_DIR"
EVAL_TAR=$BENCH_DIR/html-eval-x40.tar
if [ ! -s "$EVAL_TAR" ]; then
	rm -rf "$BENCH_DIR/html-eval-x40"
	mkdir -p "$BENCH_DIR/html-eval-x40"
	for r in $(seq 1 40); do
		for f in "$ROOT"/tests/html-eval/pages/*.html; do
			cp "$f" "$BENCH_DIR/html-eval-x40/r$r-$(basename "$f")"
		done
	done
	tar -cf "$EVAL_TAR" -C "$BENCH_DIR" html-eval-x40
fi
DOC_TAR=$BENCH_DIR/html-debian-doc.tar
[ -s "$DOC_TAR" ] || find /usr/share/doc -name '*.html' -type f -print0 | sort -z |
	tar -cf "$DOC_TAR" --null -T - 2>/dev/null
html_bytes() { tar -tvf "$1" | awk '{ s += $3 } END { print s }'; }
# cpu_time CMD...: the least user+sys seconds of 5 runs (on a loaded machine CPU time grows with
# the contention for caches and cores; the minimum is closest to an idle machine's).
cpu_time() {
	local ts=()
	for _ in 1 2 3 4 5; do
		/usr/bin/time -o "$BENCH_DIR/.cpu" -f "%U %S" "$@" > /dev/null 2>&1
		ts+=("$(awk '{ print $1 + $2 }' "$BENCH_DIR/.cpu")")
	done
	printf '%s\n' "${ts[@]}" | sort -g | sed -n 1p
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-44s %8s %9s %8s %10s\n" "grist ingest -j 1" "wall s" "MB/s" "cpu s" "MB/s/core"
for tarf in "$EVAL_TAR" "$DOC_TAR"; do
	B=$(html_bytes "$tarf")
	for mode in main text; do
		t=$(median_time sh -c "'$GRIST' ingest -q -j 1 --html $mode '$tarf' > /dev/null")
		c=$(cpu_time sh -c "'$GRIST' ingest -q -j 1 --html $mode '$tarf' > /dev/null")
		printf "%-44s %8.3f %9s %8s %10s\n" "--html $mode $(basename "$tarf") ($((B / 1000000)) MB)" \
			"$t" "$(mbps "$B" "$t")" "$c" "$(mbps "$B" "$c")"
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
