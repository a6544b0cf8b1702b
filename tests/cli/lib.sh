# Shared helpers for CLI tests (sourced). Each test runs in its own scratch directory.
set -u
FIX="$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures" 2>/dev/null && pwd)"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/grist-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}
# expect_file_eq WHAT EXPECTED_FILE ACTUAL_FILE
expect_file_eq() {
	cmp -s "$2" "$3" || { fail "$1: $2 and $3 differ"; diff "$2" "$3" | head -20; }
}
# expect_grep WHAT PATTERN FILE
expect_grep() {
	grep -q -- "$2" "$3" || { fail "$1: no '$2' in $3:"; head -c 2000 "$3"; }
}
# expect_exit WHAT CODE COMMAND...
expect_exit() {
	local what=$1 code=$2; shift 2
	"$@"; local rc=$?
	[ $rc -eq "$code" ] || fail "$what: exit $rc, expected $code"
}
done_testing() {
	[ $failures -eq 0 ] && exit 0
	echo "$failures failure(s)"; exit 1
}
