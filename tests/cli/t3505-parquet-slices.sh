#!/bin/bash
# ingest FILE.parquet cuts a big row group into slices of rows at page boundaries
# (parquet/pq_slice.c) so that -j N decodes it in parallel: the records are the writer's input
# and the same bytes for every -j and --batch-bytes (which sizes the slices: 4 x N of
# uncompressed bytes), with dictionary pages, nulls, --columns, a text column whose pages do
# not line up with the others', and a nested (repeated) file that is never cut; and memory:
# a 40 MB row group read in slices peaks well below the same read whole (--keep-going reads a
# row group whole). Files are written by arrow-rs (parquet-wasm) with small pages and one row
# group.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/parquet-wasm" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

$PEER arrow-write flat.parquet flat "codec=ZSTD,page=4096,rg=30000,n=30000" || fail "arrow-rs write flat"
$PEER arrow-write plain.parquet flat "codec=SNAPPY,dict=0,page=1500,rg=30000,n=30000" || fail "arrow-rs write plain"
$PEER arrow-write nested.parquet nested "codec=ZSTD,page=512,rg=20000,n=20000" || fail "arrow-rs write nested"
$PEER meta flat.parquet > flat.meta
expect_grep "one row group" "^rg0 text ZSTD" flat.meta
expect_eq "only one row group" 0 "$(grep -c '^rg1 ' flat.meta)"

for f in flat plain nested; do
	"$G" ingest -q --on-missing empty $f.parquet > $f.j1 || fail "$f: -j1"
	$PEER compare $f.parquet.expect.jsonl $f.j1 --text-empty > cmp.txt || { fail "$f: records differ from the writer's input"; cat cmp.txt; }
	for opts in "-j 1 --batch-bytes 1K" "-j 3 --batch-bytes 1K" "-j 2 --batch-bytes 8K" "-j 4"; do
		"$G" ingest -q --on-missing empty $opts $f.parquet > $f.out || fail "$f: $opts"
		expect_file_eq "$f: $opts gives the same bytes" $f.j1 $f.out
	done
done

# projection over slices: the columns asked for, the same rows
"$G" ingest -q --columns i64,s flat.parquet > p1.out || fail "--columns"
"$G" ingest -q -j 3 --batch-bytes 1K --columns i64,s flat.parquet > p3.out || fail "--columns -j3"
expect_file_eq "--columns over slices" p1.out p3.out
texts=$(grep -c '"text"' flat.parquet.expect.jsonl)
expect_eq "--columns rows" "$texts" "$(wc -l < p3.out)"

# --rejects and --stats over slices: the null texts, counted once each
"$G" ingest -q --stats s1.json --rejects r1.jsonl flat.parquet > /dev/null || fail "stats -j1"
"$G" ingest -q -j 3 --batch-bytes 1K --stats s3.json --rejects r3.jsonl flat.parquet > /dev/null || fail "stats -j3"
expect_file_eq "rejects over slices" r1.jsonl r3.jsonl
expect_eq "rejected rows" $((30000 - texts)) "$(grep -c '"rule":"missing_text"' r3.jsonl)"
expect_eq "records_out over slices" "$(grep -o '"records_out": *[0-9]*' s1.json)" "$(grep -o '"records_out": *[0-9]*' s3.json)"

# memory: slices of a row group of 40,000 texts of 1 KB (dictionary page, then PLAIN pages when
# the dictionary is full) are held one at a time
$PEER arrow-write long.parquet long "codec=ZSTD,rg=40000,n=40000" || fail "arrow-rs write long"
command -v /usr/bin/time > /dev/null || fail "no /usr/bin/time to measure peak memory"
/usr/bin/time -f %M -o whole.rss "$G" ingest -q --keep-going long.parquet > whole.out || fail "long whole"
/usr/bin/time -f %M -o sliced.rss "$G" ingest -q long.parquet > sliced.out || fail "long sliced"
expect_file_eq "long: slices give the same bytes" whole.out sliced.out
$PEER compare long.parquet.expect.jsonl sliced.out > cmp.txt || { fail "long: records differ from the writer's input"; cat cmp.txt; }
w=$(tail -1 whole.rss) s=$(tail -1 sliced.rss)
if [ "${BUILD:-release}" = asan ]; then
	echo "# asan build: peak memory not compared (ASan's quarantine keeps freed slices; release checks it)"
else
	[ "$s" -lt $((w * 2 / 3)) ] || fail "long: peak memory in slices $s kB, whole $w kB (want < 2/3)"
fi

done_testing
