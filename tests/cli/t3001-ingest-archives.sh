#!/bin/bash
# ingest: every container and filter libarchive gives us (built here with Debian's bsdtar,
# ar, gzip, zstd, xz, bzip2, lz4) yields the same records as the directory they were made from.
. "$(dirname "$0")/lib.sh"

mkdir -p src/sub
printf '{"text":"first","n":1}\n\n{"id":"keep-me","text":"second","meta":{"a":[1,2]}}\n' > src/a.jsonl
printf 'A text file.\nTwo lines.\n' > src/sub/b.txt
printf '<html><body><p>Para one.</p><p>Para <b>two</b>.</p><script>x()</script></body></html>\n' > src/page.html
printf '{"text":"ndjson record"}\n' > src/z.ndjson
files="a.jsonl page.html sub/b.txt z.ndjson"

# The directory itself, against a golden file written by hand.
cat > expect-dir <<'X'
{"text":"first","n":1,"id":"src/a.jsonl:1","source":"src/a.jsonl"}
{"id":"keep-me","text":"second","meta":{"a":[1,2]},"source":"src/a.jsonl"}
{"id":"src/page.html:1","text":"Para one.\n\nPara two.","source":"src/page.html"}
{"id":"src/sub/b.txt:1","text":"A text file.\nTwo lines.\n","source":"src/sub/b.txt"}
{"text":"ndjson record","id":"src/z.ndjson:1","source":"src/z.ndjson"}
X
expect_exit "directory" 0 "$GRIST" ingest -q src > dir.jsonl
expect_file_eq "directory walk" expect-dir dir.jsonl
sed 's/"src\//"ARCH!/g' dir.jsonl > expect-arch

check() { # check ARCHIVE_FILE
	local f=$1
	expect_exit "$f" 0 "$GRIST" ingest -q "$f" > "$f.out"
	sed "s/\"$(printf %s "$f" | sed 's/[.]/[.]/g')!/\"ARCH!/g" "$f.out" > "$f.norm"
	expect_file_eq "$f" expect-arch "$f.norm"
}
(cd src && bsdtar -cf ../t.tar $files)
for c in gz zst xz bz2 lz4; do
	case $c in gz) z="gzip -c";; zst) z="zstd -q -c";; xz) z="xz -c";; bz2) z="bzip2 -c";; lz4) z="lz4 -q -c";; esac
	$z t.tar > t.tar.$c
	check t.tar.$c
done
check t.tar
(cd src && bsdtar --format zip -cf ../t.zip $files) && check t.zip
(cd src && bsdtar --format 7zip -cf ../t.7z $files) && check t.7z
(cd src && bsdtar --format newc -cf ../t.cpio $files) && check t.cpio
(cd src && bsdtar --format odc -cf ../t.odc.cpio $files) && check t.odc.cpio
# ar keeps only base names: compare on a flat set.
(cd src && ar rc ../t.a a.jsonl page.html z.ndjson)
expect_exit "ar" 0 "$GRIST" ingest -q t.a > ar.out
expect_eq "ar records" 4 "$(wc -l < ar.out)"
expect_grep "ar ids" '"id":"t.a!page.html:1"' ar.out

# Archives read from stdin (no seeking): tar.zst and zip.
"$GRIST" ingest -q - < t.tar.zst | sed 's/"stdin!/"ARCH!/g' > stdin.norm
expect_file_eq "tar.zst on stdin" expect-arch stdin.norm
"$GRIST" ingest -q < t.zip | sed 's/"stdin!/"ARCH!/g' > stdinzip.norm
expect_file_eq "zip on stdin" expect-arch stdinzip.norm

# 7z needs seeking: from stdin or inside another archive it is held in memory.
"$GRIST" ingest -q < t.7z | sed 's/"stdin!/"ARCH!/g' > stdin7z.norm
expect_file_eq "7z on stdin" expect-arch stdin7z.norm
bsdtar -cf in7.tar t.7z
"$GRIST" ingest -q in7.tar | sed 's/"in7[.]tar!t[.]7z!/"ARCH!/g' > in7.norm
expect_file_eq "7z inside a tar" expect-arch in7.norm
expect_exit "7z stream over the limit" 1 "$GRIST" ingest -q --max-doc-bytes 100 - < t.7z 2> big7.err
expect_grep "7z limit says why" 'held in memory' big7.err

# --format forces the container: a tar named .dat.
cp t.tar t.dat
expect_exit "--format tar" 0 "$GRIST" ingest -q --format tar t.dat > dat.out
expect_eq "--format tar records" 5 "$(wc -l < dat.out)"
expect_exit "--format zip on a tar" 1 "$GRIST" ingest -q --format zip t.dat > /dev/null 2> zip.err
expect_grep "--format zip on a tar says why" "t.dat" zip.err

# Nested: a tar.zst holding a .jsonl.gz, a .tar and a .txt.xz member.
mkdir nest && gzip -c src/a.jsonl > nest/inner.jsonl.gz && cp t.tar nest/inner.tar && xz -c src/sub/b.txt > nest/b.txt.xz
(cd nest && bsdtar --zstd -cf ../nest.tar.zst inner.jsonl.gz inner.tar b.txt.xz)
expect_exit "nested" 0 "$GRIST" ingest -q nest.tar.zst > nest.out
expect_eq "nested record count" 8 "$(wc -l < nest.out)"
expect_grep "nested gz member id" '"id":"nest.tar.zst!inner.jsonl.gz:1"' nest.out
expect_grep "nested tar member id" '"id":"nest.tar.zst!inner.tar!sub/b.txt:1"' nest.out
expect_grep "nested xz member" '"id":"nest.tar.zst!b.txt.xz:1","text":"A text file.\\nTwo lines.\\n"' nest.out

# --files-from, and a directory given twice is walked twice, in order.
printf 'src/z.ndjson\n\nt.tar.gz\n' > list
expect_exit "--files-from" 0 "$GRIST" ingest -q --files-from list > ff.out
expect_eq "--files-from records" 6 "$(wc -l < ff.out)"
expect_eq "--files-from order" '{"text":"ndjson record","id":"src/z.ndjson:1","source":"src/z.ndjson"}' "$(head -1 ff.out)"

# --split-lines inside an archive.
expect_exit "--split-lines" 0 "$GRIST" ingest -q --split-lines t.tar.gz > split.out
expect_grep "--split-lines member line ids" '"id":"t.tar.gz!sub/b.txt:2","text":"Two lines."' split.out
done_testing
