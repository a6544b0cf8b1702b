#!/bin/bash
# ingest FILE.parquet: files written at test time by two independent writers, DuckDB and
# arrow-rs (parquet-wasm), covering every codec, encoding, page version and nesting grist
# claims to read. Each file's metadata is checked to say what the case claims (DuckDB's
# parquet_metadata() and the first page header's type), then the records grist reads must
# equal the writer's input: DuckDB's own JSON export of the same query, or the rows arrow-rs
# was given.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/@duckdb/node-api" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

# meta_has FILE PATTERN: some column chunk line of FILE matches PATTERN
meta_has() {
	$PEER meta "$1" > meta.txt || { fail "parquet_metadata of $1"; return; }
	grep -Eq -- "$2" meta.txt || { fail "$1: metadata has no '$2':"; cat meta.txt; }
}
# read_equal FILE EXPECT [compare options]: grist's records equal EXPECT
read_equal() {
	local f=$1 e=$2; shift 2
	"$G" ingest -q --on-missing empty "$f" > "$f.out" 2> "$f.err" || { fail "ingest $f"; cat "$f.err"; return; }
	$PEER compare "$e" "$f.out" "$@" > cmp.txt || { fail "$f: records differ from the writer's input:"; cat cmp.txt; }
}

# ---- DuckDB: every type it writes, every codec, many row groups, page v2 + delta encodings ----
Q="SELECT i::INTEGER AS i32, (i::BIGINT - 1500) * 6148914691236517 AS i64, (i % 250)::UTINYINT AS u8,
 (i % 60000)::USMALLINT AS u16, (i * 4294967)::UBIGINT AS u64, i * 1.5e-3 AS d, (i / 7)::FLOAT AS f,
 (i * 1.25 - 99)::DECIMAL(10,2) AS dec4, (i * 12345.6789)::DECIMAL(18,4) AS dec8,
 (i * 1e20)::DECIMAL(38,3) AS dec16, DATE '1969-12-25' + i::INTEGER AS dt,
 TIMESTAMP '2024-01-01 10:00:00.123456' + INTERVAL (i) MINUTE AS ts,
 TIMESTAMP_MS '1960-06-01 00:00:00.5' + INTERVAL (i) SECOND AS tsms,
 TIMESTAMPTZ '2024-03-01 10:00:00+00' + INTERVAL (i) SECOND AS tstz, TIME '10:11:12.5' AS tm,
 ('b' || i)::BLOB AS bl, i % 2 = 0 AS b, md5(i::VARCHAR)::UUID AS u,
 CASE WHEN i % 5 = 0 THEN NULL ELSE 'row ' || i || ' ' || repeat('ü日😀', i % 7) END AS text,
 CASE WHEN i % 3 = 0 THEN NULL ELSE 'cat' || (i % 4) END AS s,
 CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN [] ELSE [i, NULL, i + 1] END AS l,
 {'a': i, 'b': CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' || i END, 'c': [i::VARCHAR]} AS st,
 MAP {'k' || (i % 3): i, 'z': NULL} AS m, [[1, 2], [], NULL, [i]] AS ll,
 [{'x': i, 'y': [i, i]}] AS ls
 FROM range(3000) t(i)"
$PEER sql "COPY ($Q) TO 'expect.json' (FORMAT json)" > /dev/null || fail "DuckDB JSON export"
if [ "${BUILD:-release}" = asan ]; then
	codecs="zstd"
	echo "# asan build: DuckDB codecs reduced to zstd (the release build runs all six)"
else
	codecs="uncompressed snappy gzip zstd brotli lz4_raw"
fi
for c in $codecs; do
	$PEER sql "COPY ($Q) TO 'duck-$c.parquet' (FORMAT parquet, COMPRESSION $c, ROW_GROUP_SIZE 1024)" > /dev/null ||
		{ fail "DuckDB write $c"; continue; }
	C=$(echo $c | tr a-z A-Z)
	meta_has duck-$c.parquet "^rg1 text $C "
	read_equal duck-$c.parquet expect.json --blob bl --text-empty
done
# DuckDB PARQUET_VERSION V2: its v2 encodings (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT)
$PEER sql "COPY ($Q) TO 'duck-v2.parquet' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION zstd)" > /dev/null ||
	fail "DuckDB write v2"
meta_has duck-v2.parquet "^rg0 i32 ZSTD .*DELTA_BINARY_PACKED"
meta_has duck-v2.parquet "^rg0 text ZSTD .*DELTA_LENGTH_BYTE_ARRAY"
meta_has duck-v2.parquet "^rg0 d ZSTD .*BYTE_STREAM_SPLIT"
read_equal duck-v2.parquet expect.json --blob bl --text-empty

# ---- arrow-rs: each encoding explicitly, page v1 and v2, small pages, many row groups ----
delta="enc.i32=DELTA_BINARY_PACKED,enc.i64=DELTA_BINARY_PACKED,enc.text=DELTA_LENGTH_BYTE_ARRAY"
delta="$delta,enc.s=DELTA_BYTE_ARRAY,enc.f32=BYTE_STREAM_SPLIT,enc.f64=BYTE_STREAM_SPLIT"
cases="flat:v2-delta:codec=SNAPPY,v=2,$delta,page=4096,rg=1000
flat:v1-delta:codec=ZSTD,$delta
flat:v1-plain:codec=GZIP,dict=0
flat:v2-dict:codec=LZ4_RAW,v=2,page=2048,rg=700
flat:v1-brotli:codec=BROTLI
flat:v1-lz4hadoop:codec=LZ4
flat:v1-none:codec=UNCOMPRESSED,page=1024
nested:v1:codec=ZSTD
nested:v2:codec=SNAPPY,v=2,page=1024,rg=900
nested:v1-plain:codec=UNCOMPRESSED,dict=0,page=512"
[ "${BUILD:-release}" = asan ] && cases=$(echo "$cases" | head -4) &&
	echo "# asan build: the first 4 arrow-rs cases only (the release build runs all 10)"
for c in $cases; do
	ds=${c%%:*}; rest=${c#*:}; name=${rest%%:*}; opts=${rest#*:}
	f=arrow-$ds-$name.parquet
	$PEER arrow-write $f $ds "$opts" || { fail "arrow-rs write $f"; continue; }
	read_equal $f $f.expect.jsonl --text-empty
done
[ -f arrow-flat-v2-delta.parquet ] && {
	meta_has arrow-flat-v2-delta.parquet "^rg2 i64 SNAPPY .*DELTA_BINARY_PACKED v2$"
	meta_has arrow-flat-v2-delta.parquet "^rg0 s SNAPPY .*DELTA_BYTE_ARRAY v2$"
	meta_has arrow-flat-v2-delta.parquet "^rg0 f64 SNAPPY .*BYTE_STREAM_SPLIT v2$"
	meta_has arrow-flat-v2-delta.parquet "^rg0 text SNAPPY .*DELTA_LENGTH_BYTE_ARRAY v2$"
	meta_has arrow-flat-v2-delta.parquet "^rg0 b SNAPPY RLE v2$"
}
[ -f arrow-flat-v2-dict.parquet ] && meta_has arrow-flat-v2-dict.parquet "^rg3 s LZ4_RAW .*RLE_DICTIONARY v2$"
[ -f arrow-flat-v1-plain.parquet ] && meta_has arrow-flat-v1-plain.parquet "^rg0 i64 GZIP PLAIN, RLE v1$"
[ -f arrow-flat-v1-lz4hadoop.parquet ] && meta_has arrow-flat-v1-lz4hadoop.parquet "^rg0 text LZ4 "
[ -f arrow-nested-v2.parquet ] && meta_has arrow-nested-v2.parquet "^rg1 ll, list, item, list, item SNAPPY .* v2$"

done_testing
