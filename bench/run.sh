#!/bin/bash
# make bench: run every bench/*-bench.sh (each prints its own table), then print the machine.
# Benchmarks build their inputs under $BENCH_DIR (default /tmp/grist-bench) and reuse them.
set -u
cd "$(dirname "$0")/.."
export GRIST="${GRIST:-$PWD/grist}"
export BENCH_DIR="${BENCH_DIR:-/tmp/grist-bench}"
mkdir -p "$BENCH_DIR"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
rc=0
for b in bench/*-bench.sh; do
	[ -n "${BENCH_ONLY:-}" ] && [[ "$b" != *"$BENCH_ONLY"* ]] && continue
	echo "== $b"
	bash "$b" || { echo "benchmark failed: $b"; rc=1; }
done
exit $rc
