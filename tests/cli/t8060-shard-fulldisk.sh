#!/bin/bash
# Writing to a full disk: non-zero exit (3), a message naming the file, and no file left under a
# final name (nor a temporary one). Uses a 64 KiB tmpfs when mount works (root); otherwise the
# same failure is produced with a file-size limit (ulimit -f: writes fail with EFBIG), and the
# test says which it used.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 400 --max-len 400 || fail "gen"
mkdir full
trap 'umount "$TMP/full" 2>/dev/null; rm -rf "$TMP"' EXIT
if mount -t tmpfs -o size=64k tmpfs full 2>/dev/null; then
	echo "full disk: 64 KiB tmpfs"
	for fmt in llmc megatron nanogpt; do
		opt=--shard-tokens=20000; [ $fmt = nanogpt ] && opt=
		expect_exit "full disk $fmt" 3 $GRIST shard -q --format $fmt -o full/x $opt in.tok 2>err
		expect_grep "ENOSPC message" "No space left on device" err
		expect_eq "nothing left ($fmt)" "" "$(ls -A full)"
	done
	# A run that fits still works on the same file system.
	$PY "$HERE/shard_gen.py" gen small.tok --docs 20 --max-len 50 || fail "gen small"
	expect_exit "fits" 0 $GRIST shard -q --format llmc -o full/x small.tok
	expect_exit "verify" 0 $GRIST shard verify full/x >/dev/null
else
	echo "full disk: mount not permitted here, using ulimit -f (EFBIG) instead"
	(
		trap '' XFSZ
		ulimit -f 64
		$GRIST shard -q --format llmc -o full/x in.tok
	) 2>err
	rc=$?
	expect_eq "size limit exit" 3 $rc
	expect_grep "EFBIG message" "too large" err
	expect_eq "nothing left" "" "$(ls -A full)"
fi
done_testing
