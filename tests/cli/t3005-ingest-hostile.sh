#!/bin/bash
# ingest: hostile inputs give the stated behaviour, never a crash, hang or unbounded memory:
# truncated .tar.gz, corrupt gzip CRC, empty files, zip with non-UTF-8 names, 1 GB of zeros
# in a gzip, a tar with "..", absolute and symlink members.
. "$(dirname "$0")/lib.sh"

mkdir src
for i in 1 2 3 4 5 6; do
	head -c 200000 /dev/urandom | base64 -w 100 | sed 's/.*/{"text":"&"}/' > src/part$i.jsonl
done
(cd src && bsdtar -czf ../t.tar.gz part1.jsonl part2.jsonl part3.jsonl part4.jsonl part5.jsonl part6.jsonl)
n=$(stat -c %s t.tar.gz)
head -c $((n / 2)) t.tar.gz > trunc.tar.gz
expect_exit "truncated tar.gz" 1 "$GRIST" ingest -q trunc.tar.gz > trunc.out 2> trunc.err
expect_grep "truncated: names the file" 'trunc.tar.gz' trunc.err
expect_grep "truncated: names the member" 'trunc.tar.gz!part[0-9].jsonl' trunc.err
expect_grep "truncated: says truncated" 'truncated' trunc.err
lines=$(wc -l < trunc.out)
[ "$lines" -gt 100 ] || fail "truncated: the records before the damage are kept (got $lines)"
# every record written is whole and from the right place
"$GRIST" ingest -q src | head -n "$lines" | sed 's/"src\//"trunc.tar.gz!/g' > trunc.expect
expect_file_eq "truncated: records kept are exact" trunc.expect trunc.out
# With -o FILE nothing is committed under the final name.
expect_exit "truncated -o" 1 "$GRIST" ingest -q -o out.jsonl trunc.tar.gz 2> /dev/null
[ ! -e out.jsonl ] || fail "truncated: -o file must not be committed"

# Truncated .jsonl.gz: exactly the whole lines zcat can decode are kept, for every -j.
cat src/part1.jsonl src/part2.jsonl | gzip -c > big.jsonl.gz
n=$(stat -c %s big.jsonl.gz)
head -c $((n * 2 / 3)) big.jsonl.gz > tr.jsonl.gz
want=$(zcat tr.jsonl.gz 2>/dev/null | wc -l)
for j in 1 3; do
	expect_exit "truncated jsonl.gz -j $j" 1 "$GRIST" ingest -q -j $j tr.jsonl.gz > tr$j.out 2> tr.err
	expect_eq "truncated jsonl.gz -j $j: whole lines kept" "$want" "$(wc -l < tr$j.out)"
done
expect_grep "truncated jsonl.gz: message" 'tr.jsonl.gz: truncated gzip stream' tr.err

# Corrupt gzip CRC (libarchive would not notice; our gzip reader does).
printf '{"text":"a"}\n{"text":"b"}\n' | gzip -c > ok.jsonl.gz
/usr/bin/python3 -c "
d = bytearray(open('ok.jsonl.gz', 'rb').read()); d[-8] ^= 0xff
open('crc.jsonl.gz', 'wb').write(d)"
expect_exit "bad crc" 1 "$GRIST" ingest -q crc.jsonl.gz > /dev/null 2> crc.err
expect_grep "bad crc named" 'crc.jsonl.gz: corrupt gzip data.*incorrect data check' crc.err
# Corrupt deflate data in the middle.
/usr/bin/python3 -c "
d = bytearray(open('t.tar.gz', 'rb').read()); d[len(d)//2] ^= 0x55; d[len(d)//2+1] ^= 0xaa
open('mid.tar.gz', 'wb').write(d)"
expect_exit "corrupt middle" 1 "$GRIST" ingest -q mid.tar.gz > /dev/null 2> mid.err
expect_grep "corrupt middle named" 'mid.tar.gz' mid.err

# Empty files: .txt (a reject, counted), unknown extension (nothing), .jsonl (nothing).
: > e.txt; : > e.bin; : > e.jsonl
expect_exit "empty" 0 "$GRIST" ingest -q --rejects rej.jsonl e.txt e.bin e.jsonl > e.out
expect_eq "empty: no records" "" "$(cat e.out)"
expect_grep "empty .txt rejected" '"rule":"empty_file","source":"e.txt:1"' rej.jsonl

# zip with a non-UTF-8 (Latin-1) member name: escaped in the id, with a warning.
printf 'caf\n' > cafX.txt
bsdtar --format zip -cf l1.zip cafX.txt
/usr/bin/python3 -c "
d = open('l1.zip', 'rb').read().replace(b'cafX.txt', b'caf\xe9.txt')
open('l1.zip', 'wb').write(d)"
expect_exit "latin-1 zip" 0 "$GRIST" ingest l1.zip > l1.out 2> l1.err
expect_grep "non-UTF-8 name escaped" '"id":"l1.zip!caf\\\\xE9.txt:1"' l1.out
expect_grep "non-UTF-8 name warned" 'not UTF-8' l1.err

# 1 GB of zeros as gzip (16 members of 64 MiB): rejected as binary after a peek, or bounded by
# --max-doc-bytes as text and as JSONL; peak memory stays far below the 1 GB (measured with
# /usr/bin/time, since ulimit -v and AddressSanitizer do not mix).
head -c 64M /dev/zero | gzip -1 > z1.gz
for i in $(seq 16); do cat z1.gz; done > zeros.gz
cp zeros.gz zeros.txt.gz; cp zeros.gz zeros.jsonl.gz
peak() { # peak RSS in kB of the last /usr/bin/time run must be under 400 MB
	local kb; kb=$(tail -1 rss)
	[ "$kb" -lt 400000 ] || fail "$1: peak RSS ${kb} kB"
}
# Binary content is all there is: exit 1 with the reason (the exit rule, docs/design.md 5).
expect_exit "zeros" 1 /usr/bin/time -o rss -f %M "$GRIST" ingest -q zeros.gz 2> zr.err
peak "zeros as binary"
expect_grep "zeros: says why" 'all 1 records were dropped (binary_content 1): the input is binary' zr.err
expect_exit "zeros as text" 0 /usr/bin/time -o rss -f %M "$GRIST" ingest -q --max-doc-bytes 1M --rejects zt.jsonl zeros.txt.gz
peak "zeros as text"
expect_grep "zeros as text: too big" '"rule":"max_doc_bytes"' zt.jsonl
expect_exit "zeros as jsonl" 1 /usr/bin/time -o rss -f %M "$GRIST" ingest -q --max-doc-bytes 1M zeros.jsonl.gz 2> zj.err
peak "zeros as jsonl"
expect_grep "zeros as jsonl: line too long" 'zeros.jsonl.gz: a line longer than' zj.err

# A tar with "..", absolute and symlink members: names only; nothing is written or followed.
mkdir ev && cd ev && printf 'hello\n' > f.txt && printf 'abs\n' > g.txt && ln -s /etc/passwd link && \
	bsdtar -cPf ../evil.tar -s ',^f.txt,../../escape.txt,' -s ',^g.txt,/tmp/abs.txt,' f.txt g.txt link && cd ..
before=$(find . / -maxdepth 2 -name 'escape.txt' 2>/dev/null | wc -l)
expect_exit "evil tar" 0 "$GRIST" ingest -q --stats ev.json evil.tar > ev.out
expect_grep "dot-dot member is a name" '"id":"evil.tar!../../escape.txt:1","text":"hello\\n"' ev.out
expect_grep "absolute member is a name" '"id":"evil.tar!/tmp/abs.txt:1"' ev.out
expect_eq "symlink not followed" 0 "$(grep -c root: ev.out)"
expect_grep "symlink counted" '"non_regular_member":1' ev.json
after=$(find . / -maxdepth 2 -name 'escape.txt' 2>/dev/null | wc -l)
expect_eq "nothing extracted" "$before" "$after"
done_testing
