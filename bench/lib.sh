# Common measurement API for the benchmark suite (sourced by every bench/*-bench.sh).
#
#   bench_section SECTION TITLE [INPUT] [TARGET]   start a table (printed, and recorded)
#   bench_run SECTION ROLE NAME BYTES CMD...       measure CMD, print a row, record it
#   bench_record SECTION ROLE NAME BYTES WALL CPU [PEAK_MB|-] [REPS]
#                                                  a row whose figures a peer reported itself
#                                                  (BENCH_SOURCE=derived: computed from rows)
#   bench_note SECTION TEXT                        a line printed and shown under the table
#   bench_size FULL SMALL                          FULL, or SMALL when BENCH_SIZE=small
#
# ROLE is grist (compared with every peer of its section and group: the ratios), peer (the
# reference: another tool, or plain tokenize for the chat section) or variant (another
# configuration shown for context, no ratio). BYTES is the input size the MB/s columns divide
# (0: no rate). bench_run runs CMD once as a warm-up, then BENCH_REPS times (default 3), CMD's
# output to /dev/null, and takes the median wall seconds, the median CPU seconds (user + sys of
# CMD and its children, /usr/bin/time: 10 ms resolution) and the peak RSS (the largest %M of the
# runs; of the largest process in CMD's tree). Wall time is taken around /usr/bin/time. It prints
# a row and appends one JSON line to $BENCH_JSONL (default $BENCH_DIR/bench.jsonl); bench/run.sh
# truncates that file, runs every script, and bench/report.py turns it into bench.json and
# BENCHMARKS.md's tables. Variables read per call (set them before the call, or as a prefix:
# `BENCH_REPS=1 BENCH_WARMUP=0 bench_run ...` for runs that take minutes):
#   BENCH_REPS, BENCH_WARMUP (1 or 0), BENCH_GROUP (rows of one input within a section: ratios
#   compare grist and peer rows of the same group), BENCH_PREP (shell command run untimed
#   before every run, e.g. removing the previous run's output).
# After bench_run: BENCH_WALL, BENCH_CPU, BENCH_RSS (MB) hold the row's figures, and
# $BENCH_TMP/last.err the last run's standard error. bench_run returns 1 if CMD fails (the row
# is recorded with "failed": true).
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
GRIST=${GRIST:-$ROOT/grist}
BENCH_DIR=${BENCH_DIR:-/tmp/grist-bench}
BENCH_JSONL=${BENCH_JSONL:-$BENCH_DIR/bench.jsonl}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_SIZE=${BENCH_SIZE:-full}
BENCH_GROUP=${BENCH_GROUP:-}
BENCH_PREP=${BENCH_PREP:-}
export GRIST BENCH_DIR BENCH_JSONL BENCH_SIZE
case $BENCH_SIZE in full | small) ;; *) echo "BENCH_SIZE must be full or small" >&2; exit 2 ;; esac
mkdir -p "$BENCH_DIR"
BENCH_TMP=$(mktemp -d "$BENCH_DIR/.run.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT

bench_size() { if [ "$BENCH_SIZE" = small ]; then echo "$2"; else echo "$1"; fi; }

# json_str TEXT: TEXT as a JSON string (ASCII control characters other than tab dropped)
json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	s=${s//$'\n'/ }
	printf '"%s"' "$s"
}
# json_num VALUE: VALUE, or null when it is empty or "-"
json_num() { if [ -z "$1" ] || [ "$1" = - ]; then printf null; else printf '%s' "$1"; fi; }

bench_emit() { printf '%s\n' "$1" >> "$BENCH_JSONL"; }

bench_section() {
	local id=$1 title=$2 input=${3:-} target=${4:-}
	bench_emit "{\"type\":\"section\",\"section\":$(json_str "$id"),\"title\":$(json_str "$title"),\"input\":$(json_str "$input"),\"target\":$(json_str "$target"),\"script\":$(json_str "bench/$(basename "$0")"),\"size\":\"$BENCH_SIZE\"}"
	echo
	echo "## $title [$id]"
	[ -n "$input" ] && echo "input: $input"
	[ -n "$target" ] && echo "target: $target"
	printf "%-66s %8s %9s %8s %10s %8s\n" "" "wall s" "MB/s" "CPU s" "MB/s/CPU" "peak MB"
	return 0
}

bench_note() {
	bench_emit "{\"type\":\"note\",\"section\":$(json_str "$1"),\"group\":$(json_str "$BENCH_GROUP"),\"text\":$(json_str "$2")}"
	echo "  $2"
}

# bench_rate BYTES SECONDS: MB per second, or "-"
bench_rate() {
	awk -v b="$1" -v s="$2" 'BEGIN { if (b > 0 && s > 0) printf "%.1f", b / s / 1e6; else printf "-" }'
}

# bench_row NAME WALL CPU PEAK BYTES [FLAG]: the printed row
bench_row() {
	local name=$1
	[ -n "$BENCH_GROUP" ] && name="[$BENCH_GROUP] $name"
	printf "%-66s %8s %9s %8s %10s %8s%s\n" "${name:0:66}" "$2" "$(bench_rate "$5" "$2")" "$3" \
		"$(bench_rate "$5" "$3")" "$4" "${6:-}"
}

bench_check_role() {
	case $1 in grist | peer | variant) ;; *) echo "bench: role must be grist, peer or variant, not '$1'" >&2; exit 2 ;; esac
}

# bench_median: the median of the numbers on standard input (the lower middle for even counts)
bench_median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

bench_run() {
	local section=$1 role=$2 name=$3 bytes=$4
	shift 4
	bench_check_role "$role"
	local reps=$BENCH_REPS i t0 t1 failed=0 walls=() cpus=() rss=0 e u s m
	if [ "$BENCH_WARMUP" != 0 ]; then
		[ -n "$BENCH_PREP" ] && sh -c "$BENCH_PREP"
		"$@" > /dev/null 2> "$BENCH_TMP/last.err" || failed=1
	fi
	for ((i = 0; i < reps && !failed; i++)); do
		[ -n "$BENCH_PREP" ] && sh -c "$BENCH_PREP"
		t0=$EPOCHREALTIME
		/usr/bin/time -o "$BENCH_TMP/time" -f "%e %U %S %M" "$@" > /dev/null 2> "$BENCH_TMP/last.err" ||
			{ failed=1; break; }
		t1=$EPOCHREALTIME
		read -r e u s m < <(tail -n 1 "$BENCH_TMP/time")
		walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	local js="{\"type\":\"row\",\"section\":$(json_str "$section"),\"group\":$(json_str "$BENCH_GROUP"),\"role\":\"$role\",\"name\":$(json_str "$name"),\"bytes\":$bytes,\"source\":\"measured\""
	if [ $failed = 1 ]; then
		BENCH_WALL=- BENCH_CPU=- BENCH_RSS=-
		bench_emit "$js,\"failed\":true,\"reps\":0,\"wall_s\":null,\"cpu_s\":null,\"peak_rss_mb\":null}"
		bench_row "$name" - - - 0 "   FAILED: $(tail -n 1 "$BENCH_TMP/last.err" | cut -c1-100)"
		return 1
	fi
	BENCH_WALL=$(printf '%s\n' "${walls[@]}" | bench_median)
	BENCH_CPU=$(printf '%s\n' "${cpus[@]}" | bench_median)
	BENCH_RSS=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
	local wl cl
	wl=$(IFS=,; echo "${walls[*]}")
	cl=$(IFS=,; echo "${cpus[*]}")
	bench_emit "$js,\"reps\":$reps,\"warmup\":$BENCH_WARMUP,\"wall_s\":$BENCH_WALL,\"cpu_s\":$BENCH_CPU,\"peak_rss_mb\":$BENCH_RSS,\"walls\":[$wl],\"cpus\":[$cl]}"
	bench_row "$name" "$BENCH_WALL" "$BENCH_CPU" "$BENCH_RSS" "$bytes"
}

bench_record() {
	local section=$1 role=$2 name=$3 bytes=$4 wall=$5 cpu=$6 peak=${7:--} reps=${8:-1}
	bench_check_role "$role"
	bench_emit "{\"type\":\"row\",\"section\":$(json_str "$section"),\"group\":$(json_str "$BENCH_GROUP"),\"role\":\"$role\",\"name\":$(json_str "$name"),\"bytes\":$bytes,\"source\":\"${BENCH_SOURCE:-reported}\",\"reps\":$reps,\"wall_s\":$(json_num "$wall"),\"cpu_s\":$(json_num "$cpu"),\"peak_rss_mb\":$(json_num "$peak")}"
	bench_row "$name" "$wall" "$cpu" "$peak" "$bytes" "   (${BENCH_SOURCE:-reported})"
}

# Legacy helpers still used by scripts outside the suite (bench/jsonlib).
mbps() { echo "scale=1; $1 / $2 / 1000000" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
