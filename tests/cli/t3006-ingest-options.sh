#!/bin/bash
# ingest: -j N gives identical output, -o FILE.zst/.gz compress, --max-doc-bytes on members,
# HTML members, --keep-going with a missing input, per-input --stats.
. "$(dirname "$0")/lib.sh"

mkdir -p src/d
for i in 1 2 3; do
	head -c 30000 /dev/urandom | base64 -w 76 | sed 's/.*/{"text":"&"}/' > src/d/f$i.jsonl
done
head -c 3000 /dev/urandom | base64 > src/d/notes.txt
printf '<p>Hello <em>there</em></p><p>again</p>' > src/d/page.htm
(cd src && bsdtar --zstd -cf ../all.tar.zst d)
"$GRIST" ingest -q --batch-bytes 4K all.tar.zst src > j1.out
for j in 2 4; do
	"$GRIST" ingest -q --batch-bytes 4K -j $j all.tar.zst src > j$j.out
	expect_file_eq "-j $j identical to -j 1" j1.out j$j.out
done
expect_grep "html member to text" '"id":"all.tar.zst!d/page.htm:1","text":"Hello there\\n\\nagain"' j1.out

# Several inputs with -j N are decoded in parallel (ingest/lanes.c): same output, same
# rejects, same exit code as -j 1, also when an input in the middle is broken.
for i in 1 2 3; do gzip -c src/d/f$i.jsonl > g$i.jsonl.gz; done
head -c 20000 g2.jsonl.gz > broken.jsonl.gz
printf '{"text":null}\n{bad\n' > r.jsonl
set -- g1.jsonl.gz r.jsonl broken.jsonl.gz all.tar.zst g3.jsonl.gz src/d
for kg in --fail-fast --keep-going ""; do
	"$GRIST" ingest -q $kg --rejects rej1 -j 1 "$@" > k1.out 2> k1.err; rc1=$?
	for j in 2 3 5; do
		"$GRIST" ingest -q $kg --rejects rej$j -j $j "$@" > k$j.out 2> k$j.err; rcj=$?
		expect_eq "-j $j $kg: exit code" "$rc1" "$rcj"
		expect_file_eq "-j $j $kg: records" k1.out k$j.out
		expect_eq "-j $j $kg: rejects" "$(cat rej1 2>/dev/null)" "$(cat rej$j 2>/dev/null)"
		expect_file_eq "-j $j $kg: messages" k1.err k$j.err
	done
	expect_eq "broken input $kg: exit 1" 1 "$rc1"
done
expect_eq "--keep-going reads past the broken input" "$(("$(cat src/d/f*.jsonl | wc -l)" * 2 + $(wc -l < src/d/f1.jsonl) + $(wc -l < src/d/f3.jsonl) + 4 + $(zcat broken.jsonl.gz 2>/dev/null | wc -l)))" "$(wc -l < k1.out)"
set --

# Compressed output round-trips.
"$GRIST" ingest -q -o out.jsonl.zst all.tar.zst
"$GRIST" ingest -q -o out.jsonl.gz all.tar.zst
"$GRIST" ingest -q -o out.jsonl all.tar.zst
zstd -t -q out.jsonl.zst || fail "-o .zst is not valid zstd"
gzip -t out.jsonl.gz || fail "-o .gz is not valid gzip"
zstdcat out.jsonl.zst > zst.plain; zcat out.jsonl.gz > gz.plain
expect_file_eq "-o .zst content" out.jsonl zst.plain
expect_file_eq "-o .gz content" out.jsonl gz.plain
# ... and grist reads its own compressed output back (ids now name the .zst file).
expect_eq "reread .zst" "$(wc -l < out.jsonl)" "$("$GRIST" ingest -q out.jsonl.zst | wc -l)"

# --max-doc-bytes: a text member over the limit is a counted reject; the rest goes on.
expect_exit "max-doc-bytes" 0 "$GRIST" ingest -q --max-doc-bytes 1K --rejects rej --stats st.json all.tar.zst > m.out
expect_grep "notes.txt rejected" '"rule":"max_doc_bytes","value":[0-9]*,"source":"all.tar.zst!d/notes.txt:1"' rej
expect_grep "max_doc_bytes counted" '"max_doc_bytes":1' st.json

# --keep-going over a missing file: exit 3 at the end, the other inputs read.
expect_exit "missing input" 3 "$GRIST" ingest -q src/d/f1.jsonl nope.jsonl > /dev/null 2> miss.err
expect_grep "missing named" 'nope.jsonl' miss.err
expect_exit "keep-going missing" 3 "$GRIST" ingest -q --keep-going --stats kg.json nope.jsonl src/d/f1.jsonl > kg.out 2> kg.err
expect_eq "keep-going read the rest" "$(wc -l < src/d/f1.jsonl)" "$(wc -l < kg.out)"
expect_grep "keep-going: the failed input counted" '1 of 2 inputs failed' kg.err
[ -e kg.json ] && fail "--stats published although the run failed"
# Usage errors.
expect_exit "bad --format" 2 "$GRIST" ingest --format rar all.tar.zst
expect_exit "bad --html" 2 "$GRIST" ingest --html pretty all.tar.zst
done_testing
