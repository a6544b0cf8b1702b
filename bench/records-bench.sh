#!/bin/bash
# JSONL pass-through: `grist ingest` (validate every line, find the text field, add id/source)
# against `cat` on the same 200 MB file (BENCH_SIZE=small: 5 MB), same run. Target >= 500 MB/s
# per core. Measured through bench/lib.sh (median of BENCH_REPS after a warm-up).
set -eu
. "$(dirname "$0")/lib.sh"
MB=$(bench_size 200 5)
IN="$BENCH_DIR/records-${MB}mb.jsonl"
[ -s "$IN" ] || python3 "$ROOT/bench/gen_jsonl.py" "$IN" "$MB" 1
BYTES=$(stat -c %s "$IN")
S=records
bench_section $S "JSONL pass-through" \
	"$((BYTES / 1000000)) MB of JSONL from bench/gen_jsonl.py (seed 1), in the page cache" \
	">= 500 MB/s per core"
bench_run $S peer "cat > /dev/null" "$BYTES" cat "$IN"
bench_run $S variant "cat | cat > /dev/null" "$BYTES" sh -c "cat '$IN' | cat"
bench_run $S grist "grist ingest -j1 > /dev/null" "$BYTES" "$GRIST" ingest -q "$IN"
bench_run $S variant "grist ingest -j1 | cat > /dev/null" "$BYTES" sh -c "'$GRIST' ingest -q '$IN' | cat"
bench_run $S variant "grist ingest -j2 > /dev/null" "$BYTES" "$GRIST" ingest -q -j 2 "$IN"
