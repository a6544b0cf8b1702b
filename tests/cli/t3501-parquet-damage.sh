#!/bin/bash
# ingest FILE.parquet on damaged files (made from a DuckDB-written file): a truncated footer,
# bad Thrift in the footer and in a page header, a decompression error, a chunk pointing
# outside the file. Each is an error naming the file (and the row group, column and byte
# offset where there is one), exit 1, with the rows before the damage written; never a crash.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/@duckdb/node-api" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

$PEER sql "COPY (SELECT i AS n, 'row ' || i || ' ' || repeat('text ', i % 40) AS text FROM range(5000) t(i))
	TO 'ok.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048);
	SELECT row_group_id AS rg, path_in_schema AS col, data_page_offset AS off, row_group_num_rows AS rows
	FROM parquet_metadata('ok.parquet')" > meta.jsonl || fail "DuckDB write"
# off RG COL: data page offset of that chunk
off() { grep "\"rg\":\"$1\",\"col\":\"$2\"" meta.jsonl | sed 's/.*"off":"\([0-9]*\)".*/\1/'; }
size=$(stat -c %s ok.parquet)
"$G" ingest -q ok.parquet > ok.jsonl || fail "intact file"
expect_eq "intact rows" 5000 "$(wc -l < ok.jsonl)"

# patch FILE OFFSET HEXBYTES: overwrite bytes in place
patch() { printf "$(echo "$3" | sed 's/\(..\)/\\x\1/g')" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# damaged NAME EXPECT_ROWS PATTERN...: exit 1, EXPECT_ROWS records, message has each PATTERN
damaged() {
	local f=$1 rows=$2; shift 2
	"$G" ingest -q "$f" > "$f.out" 2> "$f.err"
	local rc=$?
	[ $rc -eq 1 ] || fail "$f: exit $rc, expected 1 ($(cat "$f.err"))"
	expect_eq "$f: rows kept" "$rows" "$(wc -l < "$f.out")"
	for p in "$@"; do expect_grep "$f: message" "$p" "$f.err"; done
	# the rows kept are the intact file's first rows
	head -n "$rows" ok.jsonl | sed 's/"ok.parquet/"'"$f"'/g' > "$f.want"
	expect_file_eq "$f: rows before the damage" "$f.want" "$f.out"
}

# 1. truncated: the footer is cut off
head -c $((size - 100)) ok.parquet > trunc.parquet
damaged trunc.parquet 0 "trunc.parquet" "no PAR1 footer magic"
head -c 4 ok.parquet > tiny.parquet
damaged tiny.parquet 0 "tiny.parquet" "only 4 bytes"

# 2. bad Thrift in the footer: an invalid field type where the footer starts
flen=$(od -An -tu4 -j $((size - 8)) -N4 ok.parquet | tr -d ' ')
cp ok.parquet badfooter.parquet
patch badfooter.parquet $((size - 8 - flen)) ff
damaged badfooter.parquet 0 "badfooter.parquet" "bad footer" "Thrift"
# a footer length larger than the file
cp ok.parquet badlen.parquet
patch badlen.parquet $((size - 8)) ffffff7f
damaged badlen.parquet 0 "badlen.parquet" "footer length"

# 3. bad Thrift in the page header of row group 2's text column: rows of row group 1 kept
o=$(off 1 text)
cp ok.parquet badpage.parquet
patch badpage.parquet "$o" ff
damaged badpage.parquet 2048 "badpage.parquet" "row group 2" "column 'text'" "at byte $o"

# 4. decompression error: the zstd frame of row group 3's first n page is broken
o=$(off 2 n)
pos=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' ok.parquet | cut -d: -f1 | awk -v o="$o" '$1 > o { print; exit }')
cp ok.parquet badzstd.parquet
patch badzstd.parquet "$pos" 00000000
damaged badzstd.parquet 4096 "badzstd.parquet" "row group 3" "column 'n'" "at byte $o"

# 5. a whole byte range of junk over row group 2 (any message, no crash, rows of rg 1 kept)
cp ok.parquet junk.parquet
o=$(off 1 n)
head -c 3000 /dev/urandom | dd of=junk.parquet bs=1 seek="$o" conv=notrunc status=none
damaged junk.parquet 2048 "junk.parquet" "row group 2"

# 6. --keep-going: the damaged row group is reported and skipped, the intact row groups of
# the file (1 and 3) and the next file are still read, the exit code says 1
"$G" ingest --keep-going badpage.parquet ok.parquet > kg.out 2> kg.err
expect_eq "keep-going exit" 1 $?
expect_eq "keep-going rows" $((5000 - 2048 + 5000)) "$(wc -l < kg.out)"
expect_grep "keep-going warning" "row group 2" kg.err

done_testing
