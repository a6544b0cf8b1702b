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
# tok_parity NAME TOKENIZER CORPUS: grist tokenize against npm tokenizers ($NPM/parity.js) on
# CORPUS, three ways: the ids (encode_ordinary semantics), the ids with --allow-special
# --add-special (tokenizers' defaults), and --decode of the latter against tokenizers' decode.
# Leaves NAME.jsonl, NAME.as.jsonl and NAME.dec.jsonl; NPM is the tests/npm directory.
tok_parity() {
	local m=$1 f=$2 c=$3
	$GRIST tokenize -q -t "$f" --to jsonl "$c" > "$m.jsonl" || { fail "$m: grist exit $?"; return; }
	node "${NPM:?}/parity.js" tokenizers "$f" "$c" "$m.jsonl" > parity.txt ||
		{ fail "$m differs from tokenizers"; cat parity.txt; }
	$GRIST tokenize -q -t "$f" --allow-special --add-special --to jsonl "$c" > "$m.as.jsonl" ||
		{ fail "$m --allow-special --add-special: grist exit $?"; return; }
	$GRIST tokenize -q -t "$f" --decode "$m.as.jsonl" > "$m.dec.jsonl" 2> dec.err ||
		{ fail "$m --decode: exit $?"; cat dec.err; }
	node "$NPM/parity.js" tokenizers "$f" "$c" "$m.as.jsonl" --allow-special --add-special \
		--hf-decoded "$m.dec.jsonl" > parity.txt ||
		{ fail "$m --allow-special --add-special / --decode differs from tokenizers"; cat parity.txt; }
}
