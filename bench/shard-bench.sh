#!/bin/bash
# Benchmark: grist shard writing to tmpfs, in token bytes per second (target >= 1 GB/s,
# docs/design.md section 9). Input: a synthetic token stream of random ids in 1000-token documents
# (shard writing does not look at token values, so random ids are representative), built in
# /dev/shm. Peer: `cp` of the same stream (memory bandwidth plus tmpfs page allocation).
# Each row: median of BENCH_REPS after a warm-up (bench/lib.sh), the previous output removed
# before each run, untimed.
#   bench/shard-bench.sh [GRIST] [TOKENS]   (default $GRIST or ./grist; 250M tokens = 500 MB;
#                                            BENCH_SIZE=small: 2M tokens)
set -eu
[ $# -ge 1 ] && export GRIST=$1
. "$(dirname "$0")/lib.sh"
TOKENS=${2:-${SHARD_BENCH_TOKENS:-$(bench_size 250000000 2000000)}}
W=$(mktemp -d /dev/shm/grist-shard-bench.XXXXXX)
trap 'rm -rf "$W" "$BENCH_TMP"' EXIT
/usr/bin/python3 "$ROOT/tests/cli/shard_gen.py" bench "$W/in.tok" --tokens "$TOKENS"
bytes=$((TOKENS * 2))
S=shard
bench_section $S "Shard writing to tmpfs" \
	"$TOKENS uint16 tokens ($((bytes / 1000000)) MB of token bytes) in 1000-token documents, in /dev/shm; MB/s of token bytes" \
	">= 1 GB/s of token bytes"
export BENCH_PREP="rm -rf '$W/out' '$W/copy.tok'"
bench_run $S peer "cp of the stream to tmpfs" $bytes cp "$W/in.tok" "$W/copy.tok"
for args in "--format llmc" "--format megatron --append-eod" "--format nanogpt" \
	    "--format llmc --val-fraction 0.01 --seed 1" "--format llmc --shuffle --seed 1"; do
	role=variant
	[ "$args" = "--format llmc" ] && role=grist
	# shellcheck disable=SC2086
	bench_run $S $role "grist shard $args" $bytes "$GRIST" shard -q $args -o "$W/out/b" "$W/in.tok"
done
bench_run $S variant "grist shard --format llmc (stream on stdin)" $bytes sh -c "'$GRIST' shard -q --format llmc -o '$W/out/b' < '$W/in.tok'"
