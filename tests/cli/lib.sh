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
# html_score PAGES EXPECTED CHARSETS: the main-content scorer setup of t3010 and t3013. grist
# --html main and --html text on PAGES/*.html and, outside BUILD=asan (jsdom is heavy; the
# release build of the same `make test` runs it), Readability (@mozilla/readability on jsdom,
# tests/npm); tests/html-eval/score.py scores them against EXPECTED into score.json, systems
# "grist", "whole-page" and (release) "readability".
html_score() {
	local pages=$1 expected=$2 charsets=$3 root ev npm systems
	root=$(cd "$FIX/../.." && pwd) ev=$root/tests/html-eval npm=$root/tests/npm
	"$ev/run-grist.sh" "$GRIST" "$pages" main main.jsonl || fail "grist --html main on $pages"
	"$ev/run-grist.sh" "$GRIST" "$pages" text text.jsonl || fail "grist --html text on $pages"
	systems="grist=main.jsonl whole-page=text.jsonl"
	if [ "$BUILD" != asan ]; then
		[ -d "$npm/node_modules/@mozilla/readability" ] ||
			{ fail "no tests/npm/node_modules: run make deps"; done_testing; }
		node "$npm/readability-eval.js" "$pages" "$charsets" read.jsonl || fail "readability"
		systems="grist=main.jsonl readability=read.jsonl whole-page=text.jsonl"
	else
		echo "BUILD=asan: Readability not run here (the release build compares with it)"
	fi
	# shellcheck disable=SC2086
	python3 "$ev/score.py" "$expected" $systems --json score.json || fail "score"
}
# pq_read_back WANT FILE.parquet JSONCOLS [READERS]: FILE read back by each of READERS
# ("duckdb arrow grist" by default: DuckDB, arrow-rs in parquet-wasm, grist ingest) equals WANT
# (JSONL) as tests/npm/parquet-peer.js compares them (ids kept; JSONCOLS, comma-separated,
# maybe empty: columns compared as JSON values). Each reader's rows are left in FILE.READER.
pq_read_back() {
	local want=$1 pq=$2 json=$3 readers=${4:-duckdb arrow grist} r out peer
	peer="$(cd "$FIX/../.." && pwd)/tests/npm/parquet-peer.js"
	for r in $readers; do
		out=${pq%.parquet}.$r
		case $r in
		duckdb) node "$peer" sql "COPY (SELECT * FROM '$pq') TO '$out' (FORMAT json)" > /dev/null ;;
		arrow) node "$peer" arrow-read "$pq" > "$out" ;;
		grist) "$GRIST" ingest -q "$pq" > "$out" ;;
		esac || { fail "$pq: $r read"; continue; }
		node "$peer" compare "$want" "$out" --keep-id ${json:+--json "$json"} > cmp.txt ||
			{ fail "$pq: $r read-back"; cat cmp.txt; }
	done
}
