#!/bin/bash
# -o FILE.parquet: records written as Parquet read back equal in DuckDB and in arrow-rs
# (parquet-wasm), and in grist; the schema is inferred over all records (types widened, mixed
# and nested fields as JSON text), or given with --schema; ZSTD, dictionary pages for
# low-cardinality strings, several row groups with --row-group-bytes, statistics, page CRCs
# (a flipped byte is caught), atomic output (nothing under the name after a failure),
# --parquet-level.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/@duckdb/node-api" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

# Records: strings in many scripts with escapes and NUL, int64 extremes, doubles, booleans,
# nested values, a field mixing types, nulls and missing fields, a field first seen late.
awk 'BEGIN {
	split("grist|Ünïcödé|日本語のテキスト|русский текст|emoji 😀|tab\\there|quote \\\"x\\\"|nul\\u0000byte", w, "|")
	for (i = 1; i <= 5000; i++) {
		printf "{\"text\":\"%s doc %d %s\"", w[i % 8 + 1], i, substr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, i % 60)
		printf ",\"n\":%s", (i % 7 == 0) ? "-9223372036854775808" : (i % 11 == 0 ? "9223372036854775807" : sprintf("%d", i * 1000003))
		if (i % 3) printf ",\"score\":%s", (i % 2 ? i / 8 : i)
		printf ",\"ok\":%s", (i % 4 ? "true" : "false")
		printf ",\"lang\":\"%s\"", (i % 3 ? "en" : "de")
		if (i % 5 == 0) printf ",\"meta\":{\"a\":[%d,null,{\"b\":\"c\"}],\"d\":1.5e300}", i
		printf ",\"mixed\":%s", (i % 2 ? i : "\"s" i "\"")
		if (i % 9 == 0) printf ",\"maybe\":null"
		if (i > 4000) printf ",\"late\":\"L%d\"", i
		printf "}\n"
	}
}' > in.jsonl
"$G" ingest -q in.jsonl > want.jsonl || fail "ingest to JSONL"
"$G" ingest -q in.jsonl --row-group-bytes 256K -o out.parquet || fail "ingest -o out.parquet"
[ -f out.parquet ] || fail "no out.parquet"

# metadata: ZSTD everywhere, a dictionary for lang, several row groups, int64 statistics
$PEER meta out.parquet > meta.txt || fail "DuckDB metadata"
expect_grep "dictionary for low-cardinality strings" "^rg0 lang ZSTD PLAIN, RLE, RLE_DICTIONARY v1" meta.txt
expect_grep "several row groups" "^rg2 text ZSTD" meta.txt
[ "$(grep -vc ' ZSTD ' meta.txt)" = 0 ] || fail "a chunk not ZSTD-compressed"
$PEER sql "SELECT path_in_schema AS p, type, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls
	FROM parquet_metadata('out.parquet') WHERE row_group_id = 0 AND path_in_schema IN ('n', 'score', 'maybe', 'mixed', 'meta')
	ORDER BY p" > stats.jsonl || fail "DuckDB statistics"
expect_grep "int64 column" '"p":"n","type":"INT64","lo":"-9223372036854775808","hi":"9223372036854775807","nulls":"0"' stats.jsonl
expect_grep "double column" '"p":"score","type":"DOUBLE"' stats.jsonl
expect_grep "only nulls: a string column" '"p":"maybe","type":"BYTE_ARRAY"' stats.jsonl
expect_grep "mixed: JSON text" '"p":"mixed","type":"BYTE_ARRAY"' stats.jsonl
$PEER sql "SELECT name, converted_type, logical_type FROM parquet_schema('out.parquet')" > schema.jsonl
expect_grep "JSON annotation" '"name":"mixed","converted_type":"JSON"' schema.jsonl
expect_grep "STRING annotation" '"name":"text","converted_type":"UTF8"' schema.jsonl

# read back equal: DuckDB, arrow-rs, grist
pq_read_back want.jsonl out.parquet meta,mixed

# another record stage writes Parquet too
"$G" dedup -q --exact want.jsonl -o dd.parquet || fail "dedup -o dd.parquet"
"$G" ingest -q dd.parquet > dd.jsonl || fail "read dedup's file"
expect_eq "dedup rows" "$("$G" dedup -q --exact want.jsonl | wc -l)" "$(wc -l < dd.jsonl)"

# a page CRC mismatch is caught (a byte flipped inside row group 2's first text page)
cp out.parquet crc.parquet
o=$($PEER sql "SELECT data_page_offset AS o FROM parquet_metadata('out.parquet') WHERE row_group_id = 1 AND path_in_schema = 'text'" | sed 's/[^0-9]//g')
printf '\x55' | dd of=crc.parquet bs=1 seek=$((o + 60)) conv=notrunc status=none
"$G" ingest -q crc.parquet > crc.out 2> crc.err
expect_eq "CRC exit" 1 $?
expect_grep "CRC message" "row group 2.*column 'text'.*page CRC mismatch at byte $o" crc.err

# --schema: the given types; a record that does not fit fails, and no file is left behind
printf '{"text":"string","n":"int64","score":"double","ok":"boolean","meta":"json","mixed":"json","lang":"string","maybe":"string","late":"string","id":"string","source":"string"}' > schema.json
"$G" ingest -q in.jsonl --schema schema.json -o fixed.parquet || fail "--schema"
pq_read_back want.jsonl fixed.parquet meta,mixed grist
printf '{"text":"string","n":"boolean"}' > bad.json
"$G" ingest -q in.jsonl --schema bad.json -o bad.parquet 2> bad.err
expect_eq "schema misfit exit" 1 $?
expect_grep "schema misfit message" "record 1: field 'n' holds a int64, not the schema's boolean" bad.err
[ ! -e bad.parquet ] || fail "a failed write left bad.parquet"
[ -z "$(ls -A | grep -E 'tmp|spool')" ] || fail "temporary files left: $(ls -A | grep -E 'tmp|spool')"

# --parquet-level: a higher zstd level gives a smaller file that reads back the same; out of range is usage
"$G" ingest -q in.jsonl --row-group-bytes 256K --parquet-level 12 -o l12.parquet || fail "--parquet-level 12"
[ "$(stat -c %s l12.parquet)" -lt "$(stat -c %s out.parquet)" ] || fail "--parquet-level 12 is not smaller: $(stat -c %s l12.parquet) vs $(stat -c %s out.parquet)"
pq_read_back want.jsonl l12.parquet meta,mixed duckdb
expect_exit "--parquet-level 0" 2 "$G" ingest -q in.jsonl --parquet-level 0 -o l0.parquet 2> /dev/null

# no records: a valid empty file
: > empty.jsonl
"$G" ingest -q empty.jsonl -o empty.parquet 2> /dev/null
$PEER sql "SELECT count(*) AS n FROM 'empty.parquet'" > n.txt || fail "empty file unreadable"
expect_grep "empty file" '"n":"0"' n.txt

done_testing
