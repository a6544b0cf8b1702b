#!/bin/bash
# Benchmark: grist shard writing to tmpfs, in token bytes per second (target >= 1 GB/s,
# docs/design.md section 9). Input: a synthetic token stream of random ids in 1000-token documents
# (shard writing does not look at token values, so random ids are representative), built in
# /dev/shm. Peer: `cp` of the same stream (memory bandwidth plus tmpfs page allocation).
# Each figure is the best of 3 runs (wall and CPU separately).
#   bench/shard-bench.sh [GRIST] [TOKENS]   (default $GRIST or ./grist; 250M tokens = 500 MB)
set -eu
GRIST=${1:-${GRIST:-./grist}}
TOKENS=${2:-${SHARD_BENCH_TOKENS:-250000000}}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /dev/shm/grist-shard-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
/usr/bin/python3 "$HERE/../tests/cli/shard_gen.py" bench "$W/in.tok" --tokens "$TOKENS"
bytes=$((TOKENS * 2))
echo "input: $TOKENS tokens (uint16, $((bytes / 1000000)) MB of token bytes) in 1000-token documents"

# Wall-clock and CPU (user + system) rates: on a shared machine the CPU rate is the steadier one.
run() {
	: >"$W/times"
	for _ in 1 2 3; do
		rm -rf "$W/out" "$W/copy.tok"
		/usr/bin/time -f "%e %U %S" -o "$W/time" "$@" || exit 1
		cat "$W/time" >>"$W/times"
	done
	awk -v b="$bytes" 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
		END { printf "%5.2f s wall %6.0f MB/s | %5.2f s cpu %6.0f MB/s of token bytes", w, b / w / 1e6, c, b / (c + 1e-9) / 1e6 }' "$W/times"
}
printf "%-52s %s\n" "peer: cp stream to tmpfs" "$(run cp "$W/in.tok" "$W/copy.tok")"
for args in "--format llmc" "--format megatron --append-eod" "--format nanogpt" \
	    "--format llmc --val-fraction 0.01 --seed 1" "--format llmc --shuffle --seed 1"; do
	printf "%-52s %s\n" "grist shard $args" "$(run $GRIST shard -q $args -o "$W/out/b" "$W/in.tok")"
done
printf "%-52s %s\n" "grist shard --format llmc (stream on stdin)" "$(run sh -c "$GRIST shard -q --format llmc -o $W/out/b < $W/in.tok")"
rm -rf "$W/out"
