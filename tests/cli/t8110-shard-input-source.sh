#!/bin/bash
# Issue 11: shard reads its token streams through the byte source every stage reads with
# (lib/decode.c): a stream compressed with gzip, zstd, xz, bzip2 or lz4, as a file or on stdin,
# gives the same shard set as the stream itself (the compressed files are made, and read back,
# by the real tools). A damaged compressed stream is bad data (exit 1); a read error of the input,
# compressed or not, is an I/O error (exit 3, the README's exit-code table), with the system's
# message. Either way
# no file is left. `shard inspect` reads a compressed stream too. And `shard inspect` on a shard that shrinks while it is mapped reports a read
# error naming the file and the byte (exit 3), not a bare SIGBUS.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
SO=$(dirname "$GRIST")/tests/faultinject/faultinject.so
[ -f "$SO" ] || { fail "no $SO (make build makes it)"; done_testing; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
$PY "$HERE/shard_gen.py" gen s.tok --docs 400 --max-len 600 || fail "gen"
shard() { $GRIST shard -q --format llmc --shard-tokens 20000 --min-shard-tokens 0 --val-tokens 3000 "$@"; }
shard -o ref/p s.tok || fail "plain stream"
[ "$(ls ref | grep -c '\.bin$')" -ge 3 ] || fail "premise: several shards ($(ls ref))"

for codec in gzip zstd xz bzip2 lz4; do
	command -v $codec >/dev/null || { fail "$codec is not installed (make deps installs it)"; continue; }
	$codec -q -c s.tok >s.tok.c
	$codec -q -d -c <s.tok.c | cmp -s - s.tok || fail "$codec: premise: the tool reads back the stream"
	cmp -s s.tok.c s.tok && fail "$codec: premise: compressed"
	shard -o $codec/p s.tok.c 2>err; expect_eq "$codec file: exit" 0 $?
	diff -r ref $codec >/dev/null || { fail "$codec file: shards differ from the plain stream's"; diff -r ref $codec | head -5; }
	$codec -q -c s.tok | shard -o $codec-stdin/p 2>err; expect_eq "$codec stdin: exit" 0 $?
	diff -r ref $codec-stdin >/dev/null || fail "$codec stdin: shards differ from the plain stream's"
done
$GRIST shard verify ref/p >/dev/null || fail "verify"
# shard inspect reads a compressed stream too: the same report as for the stream itself.
$GRIST shard inspect s.tok -n 3 >plain.txt || fail "inspect s.tok"
xz -q -c s.tok >s.tok.xz
$GRIST shard inspect s.tok.xz -n 3 >xz.txt 2>err; expect_eq "inspect s.tok.xz: exit" 0 $?
expect_file_eq "inspect of the xz stream" plain.txt xz.txt
expect_grep "inspect: documents" "^documents: 400," xz.txt

# Damage inside a compressed stream: exit 1, the codec's complaint, nothing left.
zstd -q -c s.tok >s.tok.zst
head -c $(( $(stat -c %s s.tok.zst) / 2 )) s.tok.zst >cut.zst
shard -o cutz/p cut.zst 2>err; expect_eq "cut zstd: exit" 1 $?
expect_grep "cut zstd: message names the file" "cut.zst" err
[ -z "$(ls -A cutz 2>/dev/null)" ] || fail "cut zstd: files left: $(ls -A cutz)"
# Two streams, the second compressed: one sequence of documents, as with two plain files.
shard -o two/p s.tok s.tok.zst || fail "plain + zstd"
shard -o two-plain/p s.tok s.tok || fail "plain + plain"
diff -r two two-plain >/dev/null || fail "plain + zstd differs from plain + plain"

# Read errors (EIO) of the input, first and later reads: exit 3, the message, no file.
for n in 0 1 2; do
	rm -rf w
	LD_PRELOAD="$SO" FI_OP=read FI_AFTER=$n FI_ERRNO=EIO $GRIST shard -q --format llmc --shard-tokens 20000 \
		--min-shard-tokens 0 -o w/p s.tok 2>err
	expect_eq "read failing after $n: exit" 3 $?
	expect_grep "read failing after $n: message" "s.tok.*Input/output error" err
	[ -z "$(ls -A w 2>/dev/null)" ] || fail "read failing after $n: files left: $(ls -A w)"
done
# The same under a decoder: reading the file failed, so I/O (exit 3), not damage (exit 1).
for n in 1 2; do
	rm -rf w
	LD_PRELOAD="$SO" FI_OP=read FI_AFTER=$n FI_ERRNO=EIO $GRIST shard -q --format llmc --shard-tokens 20000 \
		--min-shard-tokens 0 -o w/p s.tok.zst 2>err
	expect_eq "zstd input, read failing after $n: exit" 3 $?
	expect_grep "zstd input, read failing after $n: message" "s.tok.zst.*Input/output error" err
	[ -z "$(ls -A w 2>/dev/null)" ] || fail "zstd input, read failing after $n: files left: $(ls -A w)"
done

# shard inspect on a shard cut to 4096 bytes right after it is mapped (the shim truncates it, as
# another process rewriting it would), beside its manifest and index (so inspect reads every
# document): a read error naming the file and a byte past the cut, exit 3.
cp -r ref cut
[ "$(stat -c %s cut/p_train_000001.bin)" -gt 8192 ] || fail "premise: the shard is over 8 KiB"
LD_PRELOAD="$SO" FI_OP=mmap FI_MATCH=cut/p_train_000001.bin FI_TRUNCATE=4096 $GRIST shard inspect \
	cut/p_train_000001.bin -n 1000000 >out 2>err
expect_eq "inspect of a shrinking shard: exit" 3 $?
expect_grep "inspect: message" "read error on cut/p_train_000001.bin at byte [0-9]*: the file shrank while it was being read" err
byte=$(sed -n 's/.* at byte \([0-9]*\): the file shrank.*/\1/p' err)
[ -n "$byte" ] && [ "$byte" -ge 4096 ] || fail "inspect: the byte ($byte) is past the cut"
[ "$(stat -c %s cut/p_train_000001.bin)" = 4096 ] || fail "premise: the shim cut the file"
grep -q "Bus error\|AddressSanitizer" err && fail "inspect: died of the signal"
$GRIST shard inspect ref/p_train_000001.bin -n 1000000 >out 2>err || fail "inspect undisturbed"
done_testing
