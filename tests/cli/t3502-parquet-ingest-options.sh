#!/bin/bash
# ingest and Parquet: recognised by content whatever the name, directories in sorted order,
# streams and archive members, --columns projection, -j N identical output, id/source columns
# kept, --text-field and --on-missing, --stats. Files are written by DuckDB.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/@duckdb/node-api" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

mkdir -p d/sub
$PEER sql "COPY (SELECT i AS n, CASE WHEN i = 3 THEN NULL ELSE 'doc ' || i END AS text, i % 2 = 0 AS even
	FROM range(20000) t(i)) TO 'big.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048);
	COPY (SELECT 'b' AS text) TO 'd/b.parquet' (FORMAT parquet);
	COPY (SELECT 'a' AS text) TO 'd/a.parquet' (FORMAT parquet);
	COPY (SELECT 'c' AS text) TO 'd/sub/c.parquet' (FORMAT parquet);
	COPY (SELECT 'my-' || i AS id, 'body ' || i AS content, 'web' AS source FROM range(3) t(i))
		TO 'ids.parquet' (FORMAT parquet)" > /dev/null || fail "DuckDB write"

# recognised by content: any name; PAR1 text without the rest stays text
cp big.parquet data.bin
"$G" ingest -q data.bin > bin.out || fail "data.bin"
expect_eq "by content" 19999 "$(wc -l < bin.out)"
printf 'PAR1 is a word here.\n' > notparquet.txt
"$G" ingest -q notparquet.txt > t.out || fail "PAR1 text"
expect_grep "PAR1 text is text" '"text":"PAR1 is a word here.\\n"' t.out

# a directory: every file, sorted by name, ids per file
"$G" ingest -q d > dir.out || fail "directory"
cat > dir.want <<'X'
{"text":"a","id":"d/a.parquet:1","source":"d/a.parquet"}
{"text":"b","id":"d/b.parquet:1","source":"d/b.parquet"}
{"text":"c","id":"d/sub/c.parquet:1","source":"d/sub/c.parquet"}
X
expect_file_eq "directory" dir.want dir.out

# stdin and a tar member (held in memory) give the same rows
"$G" ingest -q big.parquet > big.out || fail "file"
expect_eq "rows (null text skipped)" 19999 "$(wc -l < big.out)"
expect_eq "row 5" '{"n":4,"text":"doc 4","even":true,"id":"big.parquet:5","source":"big.parquet"}' "$(sed -n 4p big.out)"
"$G" ingest -q - < big.parquet | sed 's/"stdin/"big.parquet/g' > stdin.out || fail "stdin"
expect_file_eq "stdin" big.out stdin.out
tar cf t.tar big.parquet
"$G" ingest -q t.tar | sed 's/"t.tar!big.parquet/"big.parquet/g' > tar.out || fail "tar"
expect_file_eq "tar member" big.out tar.out

# -j N: the same bytes
for j in 2 4; do
	"$G" ingest -q -j $j big.parquet > j$j.out || fail "-j $j"
	expect_file_eq "-j $j" big.out j$j.out
done

# --columns: only those (and the text); an unknown column is an error
"$G" ingest -q --columns even big.parquet | head -1 > col.out
expect_eq "--columns" '{"text":"doc 0","even":true,"id":"big.parquet:1","source":"big.parquet"}' "$(cat col.out)"
"$G" ingest -q --columns nope big.parquet > /dev/null 2> col.err
expect_eq "--columns unknown exit" 2 $?
expect_grep "--columns unknown message" "no column 'nope'" col.err

# missing text: skip (counted, rejected), empty, error
"$G" ingest --rejects rej.jsonl --stats st.json big.parquet > /dev/null 2> skip.err || fail "skip"
expect_grep "reject rule" '"rule":"missing_text"' rej.jsonl
expect_grep "reject source" '"source":"big.parquet:4"' rej.jsonl
expect_grep "stats" '"missing_text":1' st.json
"$G" ingest -q --on-missing empty big.parquet | sed -n 4p > empty.out
expect_eq "empty" '{"n":3,"text":"","even":false,"id":"big.parquet:4","source":"big.parquet"}' "$(cat empty.out)"
"$G" ingest -q --on-missing error big.parquet > err.out 2> err.err
expect_eq "error exit" 1 $?
expect_grep "error message" "big.parquet: row 4 has no text" err.err
expect_eq "error keeps rows before" 3 "$(wc -l < err.out)"

# id and source columns are kept; --text-field names the text column
"$G" ingest -q --text-field content ids.parquet > ids.out || fail "ids"
expect_eq "ids" '{"id":"my-0","content":"body 0","source":"web"}' "$(head -1 ids.out)"

done_testing
