#!/bin/bash
# JSONL pass-through: `grist ingest` (validate every line, find the text field, add id/source)
# against `cat` on the same >= 200 MB file, same run, median of 5. Target >= 500 MB/s per core.
set -eu
. "$(dirname "$0")/lib.sh"
IN="$BENCH_DIR/records-200mb.jsonl"
[ -s "$IN" ] || python3 "$(dirname "$0")/gen_jsonl.py" "$IN" 200 1
BYTES=$(stat -c %s "$IN")
t_cat=$(median_time sh -c "cat '$IN' > /dev/null")
t_cat_pipe=$(median_time sh -c "cat '$IN' | cat > /dev/null")
t_g1=$(median_time sh -c "'$GRIST' ingest -q '$IN' > /dev/null")
t_g1_pipe=$(median_time sh -c "'$GRIST' ingest -q '$IN' | cat > /dev/null")
t_g2=$(median_time sh -c "'$GRIST' ingest -q -j 2 '$IN' > /dev/null")
printf "%-44s %8s %9s\n" "JSONL pass-through, $((BYTES / 1000000)) MB" "s" "MB/s"
printf "%-44s %8.3f %9s\n" "cat > /dev/null" "$t_cat" "$(mbps $BYTES $t_cat)"
printf "%-44s %8.3f %9s\n" "cat | cat > /dev/null" "$t_cat_pipe" "$(mbps $BYTES $t_cat_pipe)"
printf "%-44s %8.3f %9s\n" "grist ingest -j1 > /dev/null" "$t_g1" "$(mbps $BYTES $t_g1)"
printf "%-44s %8.3f %9s\n" "grist ingest -j1 | cat > /dev/null" "$t_g1_pipe" "$(mbps $BYTES $t_g1_pipe)"
printf "%-44s %8.3f %9s\n" "grist ingest -j2 > /dev/null" "$t_g2" "$(mbps $BYTES $t_g2)"
echo "ratio grist -j1 / cat: $(ratio $t_g1 $t_cat)x the time (target: >= 500 MB/s per core)"
