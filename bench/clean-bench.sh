#!/bin/bash
# grist clean throughput with the default filters (repair, NFC, length, Gopher repetition and
# quality, C4, FineWeb) on 100 MB of sampled English (bench/gen_jsonl.py: real sentences from
# Debian's licences and documentation, never whole repeated documents), one thread, median of
# 5. Target (docs/design.md section 9): >= 100 MB/s per core. Also shown: the stages on their own,
# and the kept/rejected split (rejected documents stop at the first failing rule).
set -eu
. "$(dirname "$0")/lib.sh"
IN="$BENCH_DIR/clean-en-100mb.jsonl"
[ -s "$IN" ] || /usr/bin/python3 "$(dirname "$0")/gen_jsonl.py" "$IN" 100 7
BYTES=$(stat -L -c %s "$IN")
run() { median_time sh -c "'$GRIST' clean -q -j 1 $1 '$IN' > /dev/null"; }
# median CPU seconds (user + sys) of 5 runs: the per-core figure on a shared machine
cpu() {
	for _ in 1 2 3 4 5; do
		/usr/bin/time -f "%U %S" sh -c "'$GRIST' clean -q -j 1 $1 '$IN' > /dev/null" 2>&1 |
			tail -1 | awk '{ print $1 + $2 }'
	done | sort -g | sed -n 3p
}
t_cat=$(median_time sh -c "cat '$IN' > /dev/null")
t_pass=$(run "--repair off --normalize none --filters none")
t_norm=$(run "--filters none")
t_def=$(run "")
t_j2=$(median_time sh -c "'$GRIST' clean -q -j 2 '$IN' > /dev/null")
c_norm=$(cpu "--filters none")
c_def=$(cpu "")
"$GRIST" clean -q -j 1 --stats "$BENCH_DIR/clean-bench.stats.json" "$IN" > /dev/null
printf "%-52s %8s %9s\n" "grist clean, $((BYTES / 1000000)) MB of sampled English" "s" "MB/s"
printf "%-52s %8.3f %9s\n" "cat > /dev/null" "$t_cat" "$(mbps $BYTES $t_cat)"
printf "%-52s %8.3f %9s\n" "clean --repair off --normalize none --filters none" "$t_pass" "$(mbps $BYTES $t_pass)"
printf "%-52s %8.3f %9s\n" "clean --filters none (repair + NFC)" "$t_norm" "$(mbps $BYTES $t_norm)"
printf "%-52s %8.3f %9s\n" "clean (defaults) -j1" "$t_def" "$(mbps $BYTES $t_def)"
printf "%-52s %8.3f %9s\n" "clean (defaults) -j2" "$t_j2" "$(mbps $BYTES $t_j2)"
printf "%-52s %8.3f %9s\n" "CPU time (user+sys): clean --filters none -j1" "$c_norm" "$(mbps $BYTES $c_norm)"
printf "%-52s %8.3f %9s\n" "CPU time (user+sys): clean (defaults) -j1" "$c_def" "$(mbps $BYTES $c_def)"
/usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("records in %d, kept %d, rejected %d; top rules: %s" % (s["records_in"], s["records_out"],
      s["rejected"], ", ".join("%s %d" % kv for kv in sorted(s["rejects"].items(), key=lambda kv: -kv[1])[:5])))
' "$BENCH_DIR/clean-bench.stats.json"
echo "target: >= 100 MB/s per core with the default filters; on a shared machine the CPU-time"
echo "rows are the per-core figure, wall times include waiting for the CPU (load: $(cut -d' ' -f1-3 /proc/loadavg))"
