#!/bin/bash
# ingest: single compressed files (libarchive's raw format) read like the plain file, with the
# compressed file's own name in ids; the format comes from the name inside (.jsonl.gz) or
# from the content; an empty stream gives no records.
. "$(dirname "$0")/lib.sh"

printf '\xef\xbb\xbf{"text":"one"}\r\n\r\n{"text":"two","id":7}\n{"text":"three"}' > d.jsonl
printf 'Some text without a newline' > t.txt
expect_exit "plain" 0 "$GRIST" ingest -q d.jsonl t.txt > plain.out
for c in gz zst xz bz2 lz4; do
	case $c in gz) z="gzip -c";; zst) z="zstd -q -c";; xz) z="xz -c";; bz2) z="bzip2 -c";; lz4) z="lz4 -q -c";; esac
	$z d.jsonl > d.jsonl.$c
	$z t.txt > t.txt.$c
	expect_exit "$c" 0 "$GRIST" ingest -q d.jsonl.$c t.txt.$c > $c.out
	sed "s/d[.]jsonl[.]$c/d.jsonl/g; s/t[.]txt[.]$c/t.txt/g" $c.out > $c.norm
	expect_file_eq ".$c" plain.out $c.norm
	# the same, without read-ahead and with 3 workers
	"$GRIST" ingest -q --readahead off -j 3 d.jsonl.$c t.txt.$c > $c.j3
	expect_file_eq ".$c -j 3 --readahead off" $c.out $c.j3
done
# Content decides when the name does not: a JSONL file called data.gz.
gzip -c d.jsonl > data.gz
expect_exit "data.gz" 0 "$GRIST" ingest -q data.gz > data.out
expect_eq "data.gz by content" 3 "$(wc -l < data.out)"
expect_grep "data.gz ids" '"id":"data.gz:1"' data.out
# Double compression.
gzip -c d.jsonl.zst > d.jsonl.zst.gz
expect_exit "zst inside gz" 0 "$GRIST" ingest -q d.jsonl.zst.gz > dd.out
expect_eq "zst inside gz records" 3 "$(wc -l < dd.out)"
# Empty inputs: empty file, empty gzip, empty zstd stream: no records, exit 0.
: > empty.jsonl
gzip -c empty.jsonl > empty.jsonl.gz
zstd -q -c empty.jsonl > empty.jsonl.zst
expect_exit "empty inputs" 0 "$GRIST" ingest -q empty.jsonl empty.jsonl.gz empty.jsonl.zst > empty.out
expect_eq "empty inputs give nothing" "" "$(cat empty.out)"
# Multi-member gzip (cat of two gzip files) is one stream.
printf '{"text":"a"}\n' | gzip -c > mm.jsonl.gz
printf '{"text":"b"}\n' | gzip -c >> mm.jsonl.gz
expect_exit "multi-member gzip" 0 "$GRIST" ingest -q mm.jsonl.gz > mm.out
expect_eq "multi-member gzip" '{"text":"a","id":"mm.jsonl.gz:1","source":"mm.jsonl.gz"}
{"text":"b","id":"mm.jsonl.gz:2","source":"mm.jsonl.gz"}' "$(cat mm.out)"
# stdin, compressed.
expect_eq "gzip on stdin" '{"text":"a","id":"stdin:1","source":"stdin"}' "$("$GRIST" ingest -q < <(printf '{"text":"a"}\n' | gzip -c))"
done_testing
