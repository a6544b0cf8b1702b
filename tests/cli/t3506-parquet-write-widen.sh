#!/bin/bash
# -o FILE.parquet infers the schema while it writes (nothing spooled): a field whose values
# need a wider type after row groups were written (int64 -> double, string/boolean/double ->
# JSON), a field null until late, and a field first seen late all read back equal in DuckDB,
# arrow-rs (parquet-wasm) and grist, with the widened types in the schema; the output does not
# depend on -j; and no copy of the records is written beside the output (a file-size limit
# below the JSONL's size, above the Parquet's, is enough).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/@duckdb/node-api" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

# 3,000 records, row groups of 16 KB of values (about 60 of them): n is an integer until record
# 2,500 (then 2.5: double); v a string until 2,600 (then 7: JSON), with escapes JSON can spell
# two ways; b a boolean until 2,700 (then an object: JSON); d a double spelled 1.50 / 1e5 until
# 2,800 (then a string: JSON); z null until 2,000 (then integers); late first seen at 2,900.
awk 'BEGIN {
	for (i = 1; i <= 3000; i++) {
		printf "{\"text\":\"doc %d \\u00e9t\\u00e9 \\/ \\\"q\\\"\"", i
		printf ",\"n\":%s", (i == 2500 ? "2.5" : sprintf("%d", i * 7919 - 1000000))
		printf ",\"v\":%s", (i == 2600 ? "7" : sprintf("\"caf\\u00e9 %d \\/\"", i))
		printf ",\"b\":%s", (i == 2700 ? "{\"k\":[1,2]}" : (i % 3 ? "true" : "false"))
		printf ",\"d\":%s", (i == 2800 ? "\"d-str\"" : (i % 2 ? "1.50" : "1e5"))
		printf ",\"z\":%s", (i < 2000 ? "null" : sprintf("%d", i))
		if (i >= 2900) printf ",\"late\":\"L%d\"", i
		printf "}\n"
	}
}' > in.jsonl
"$G" ingest -q in.jsonl > want.jsonl || fail "ingest to JSONL"
"$G" ingest -q in.jsonl --row-group-bytes 16K -o out.parquet || fail "ingest -o out.parquet"
[ -f out.parquet ] || fail "no out.parquet"

$PEER meta out.parquet > meta.txt || fail "DuckDB metadata"
[ "$(grep -c '^rg[0-9]* text ' meta.txt)" -ge 20 ] || fail "expected many row groups: $(grep -c '^rg[0-9]* text ' meta.txt)"
$PEER sql "SELECT name, type, converted_type FROM parquet_schema('out.parquet') WHERE name <> 'duckdb_schema'" > schema.jsonl || fail "DuckDB schema"
expect_grep "n widened to double" '"name":"n","type":"DOUBLE"' schema.jsonl
expect_grep "v widened to JSON" '"name":"v","type":"BYTE_ARRAY","converted_type":"JSON"' schema.jsonl
expect_grep "b widened to JSON" '"name":"b","type":"BYTE_ARRAY","converted_type":"JSON"' schema.jsonl
expect_grep "d widened to JSON" '"name":"d","type":"BYTE_ARRAY","converted_type":"JSON"' schema.jsonl
expect_grep "z: int64 after nulls" '"name":"z","type":"INT64"' schema.jsonl
expect_grep "late: a string column" '"name":"late","type":"BYTE_ARRAY","converted_type":"UTF8"' schema.jsonl
# every row group has every column, with the final type (DuckDB checks each chunk's type)
$PEER sql "SELECT count(*) AS c FROM parquet_metadata('out.parquet') WHERE path_in_schema = 'late'" > late.jsonl
$PEER sql "SELECT count(DISTINCT row_group_id) AS c FROM parquet_metadata('out.parquet')" > rgs.jsonl
expect_eq "a late chunk per row group" "$(cat rgs.jsonl)" "$(cat late.jsonl)"

pq_read_back want.jsonl out.parquet text,v,b,d
$PEER sql "SELECT count(n) AS n, count(z) AS z, count(late) AS l FROM 'out.parquet'" > counts.jsonl
expect_grep "DuckDB counts" '"n":"3000","z":"1001","l":"101"' counts.jsonl

# random type changes (fixed seed): six fields, each taking three kinds in turn (integers,
# doubles, booleans, strings, objects, arrays, nulls, or absent) at random switch points, in row
# groups of 8 KB; the file read back by DuckDB and grist must equal the input
awk 'BEGIN {
	srand(17)
	split("int dbl bool str obj arr null none", K, " ")
	for (f = 0; f < 6; f++)
		for (p = 0; p < 3; p++) { kind[f, p] = K[int(rand() * 8) + 1]; cut[f, p] = int(rand() * 2000) }
	for (i = 1; i <= 2000; i++) {
		printf "{\"text\":\"r%d\"", i
		for (f = 0; f < 6; f++) {
			p = (i > cut[f, 1]) + (i > cut[f, 2])
			k = rand() < 0.1 ? "null" : kind[f, p]
			if (k == "none") continue
			printf ",\"f%d\":", f
			if (k == "int") printf "%.0f", int(rand() * 2e12) - 1e12
			else if (k == "dbl") printf "%.2f", rand() * 1000 - 500
			else if (k == "bool") printf "%s", rand() < 0.5 ? "true" : "false"
			else if (k == "str") printf "\"s%d \\u00e9\\n\\\"\"", int(rand() * 50)
			else if (k == "obj") printf "{\"a\":%d,\"b\":[true,null]}", i
			else if (k == "arr") printf "[%d,\"x\"]", i
			else printf "null"
		}
		printf "}\n"
	}
}' > rnd.jsonl
"$G" ingest -q rnd.jsonl > rnd.want || fail "random: ingest to JSONL"
"$G" ingest -q rnd.jsonl --row-group-bytes 8K -o rnd.parquet || fail "random: -o rnd.parquet"
$PEER sql "SELECT name FROM parquet_schema('rnd.parquet') WHERE converted_type = 'JSON'" > rnd.json.txt
J=$(sed 's/.*"name":"\([^"]*\)".*/\1/' rnd.json.txt | paste -sd,)
pq_read_back rnd.want rnd.parquet "$J" "duckdb grist"

# the same bytes for every -j and run
"$G" ingest -q -j 2 --batch-bytes 4K in.jsonl --row-group-bytes 16K -o j2.parquet || fail "-j 2"
expect_file_eq "-j 2 writes the same file" out.parquet j2.parquet

# nothing spooled: the records (1.3 MB of JSONL here) are never written beside the output
awk '{ for (k = 0; k < 4; k++) print }' want.jsonl > big.jsonl
jsonl_kb=$(($(stat -c %s big.jsonl) / 1024))
"$G" ingest -q big.jsonl -o big.parquet || fail "big.parquet"
pq_kb=$(($(stat -c %s big.parquet) / 1024))
[ $((pq_kb * 2)) -lt "$jsonl_kb" ] || fail "the Parquet file ($pq_kb kB) is not much smaller than the JSONL ($jsonl_kb kB)"
limit=$(((pq_kb + jsonl_kb) / 2))
rm big.parquet
(ulimit -f "$limit"; "$G" ingest -q big.jsonl -o big.parquet) 2> limit.err || fail "with files limited to $limit kB: $(head -3 limit.err)"
[ -f big.parquet ] || fail "no big.parquet under the file-size limit"
[ -z "$(ls -A | grep -E 'tmp|spool')" ] || fail "temporary files left: $(ls -A | grep -E 'tmp|spool')"

# a column past 4 MiB gets room for its row group at once, but never a huge row group's worth
awk 'BEGIN { s = sprintf("%0500d", 0); for (i = 1; i <= 12000; i++) printf "{\"text\":\"%d %s\"}\n", i, s }' > wide.jsonl
"$G" ingest -q wide.jsonl --row-group-bytes 1T -o wide.parquet || fail "--row-group-bytes 1T with a 6 MB column"
expect_eq "1T row group rows" 12000 "$("$G" ingest -q wide.parquet | wc -l)"

done_testing
