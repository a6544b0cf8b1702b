#!/bin/bash
# Run every CLI test script tests/cli/t*.sh against $GRIST and print each one's wall time.
#
# A script exits 0 (pass), 77 (skipped: it printed why; counted and listed, never silent, and a
# failure unless tests/cli/SKIP-ALLOWED lists the script for this BUILD) or anything else (fail).
# Scripts that drive heavy peers (Slurm, whole-vocabulary tokenizer comparisons) check $BUILD
# and skip or shrink under BUILD=asan: they ran in full in the release build of the same
# `make test`. CLI_JOBS (default 2) scripts run at once, each in its own scratch directory;
# lines a passing script prints starting "note:" are shown. A script running longer than
# CLI_TIMEOUT seconds (default 1800: the longest script, t6011, took 1,031 s at load 25) fails. CLI_TESTS="t6* t8000*" runs a subset.
set -u
: "${GRIST:?set GRIST to the grist binary}"
export GRIST BUILD="${BUILD:-release}"
cd "$(dirname "$0")/cli" || exit 1
jobs=${CLI_JOBS:-2}
out=$(mktemp -d "${TMPDIR:-/tmp}/grist-cli.XXXXXX")
trap 'rm -rf "$out"' EXIT

# run_one SCRIPT: run it, leave its output in $out/SCRIPT.log and "rc seconds" in $out/SCRIPT.rc.
run_one() {
	local t=$1 start end rc
	start=$(date +%s.%N)
	# A hung test fails (exit 124) instead of stalling the whole suite.
	timeout -k 10 "${CLI_TIMEOUT:-1800}" bash "$t" > "$out/$t.log" 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "timed out after ${CLI_TIMEOUT:-1800}s" >> "$out/$t.log"
	end=$(date +%s.%N)
	echo "$rc $(echo "$end - $start" | bc)" > "$out/$t.rc"
	case $rc in
	0)
		printf '  ok    %6.1fs  %s\n' "$(echo "$end - $start" | bc)" "$t"
		# reduced-coverage notices of a passing script are shown, not hidden
		grep -E '^(note|full disk):' "$out/$t.log" | sed "s/^/        $t: /" ;;
	77) printf '  skip  %6.1fs  %s: %s\n' "$(echo "$end - $start" | bc)" "$t" "$(tail -n 1 "$out/$t.log")" ;;
	*) printf '  FAIL  %6.1fs  %s\n' "$(echo "$end - $start" | bc)" "$t" ;;
	esac
}
export -f run_one
export out

# shellcheck disable=SC2086
scripts=$(ls ${CLI_TESTS:-t*.sh})
[ -n "$scripts" ] || { echo "no CLI test matches ${CLI_TESTS:-t*.sh}"; exit 1; }
echo "$scripts" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {}

# Every script must have left its result: one that never ran (xargs or bash could not start
# it) is a failure, not a script that silently disappears from the count.
pass=0 fail=0 skip=0 failed=() skipped=()
for t in $scripts; do
	rcf="$out/$t.rc"
	if [ ! -s "$rcf" ]; then
		fail=$((fail + 1)); failed+=("$t"); echo "--- FAIL: $t left no result (it did not run)"
		continue
	fi
	read -r rc _ < "$rcf"
	case $rc in
	0) pass=$((pass + 1)) ;;
	77)
		skip=$((skip + 1)); skipped+=("$t")
		if ! grep -Eq "^$BUILD[[:space:]]+$t[[:space:]]" SKIP-ALLOWED; then
			fail=$((fail + 1)); failed+=("$t")
			echo "--- FAIL: $t skipped under $BUILD but is not in tests/cli/SKIP-ALLOWED:"
			tail -n 5 "$out/$t.log"
		fi ;;
	*) fail=$((fail + 1)); failed+=("$t"); echo "--- FAIL: $t (exit $rc)"; tail -n 40 "$out/$t.log" ;;
	esac
done
total=$(cat "$out"/*.rc 2>/dev/null | awk '{ s += $2 } END { printf "%.0f", s }')
echo "cli tests ($BUILD): $pass passed, $fail failed, $skip skipped (${total}s of test time, $jobs at once)"
[ $skip -eq 0 ] || echo "skipped under $BUILD (allowed in tests/cli/SKIP-ALLOWED): ${skipped[*]}"
[ $fail -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
