#!/bin/bash
# Issue 12.5: a token stream with no documents (qsort(NULL, 0, ...) in the writer aborted the
# ASan+UBSan build) and one whose documents are all empty: a manifest with no shards, exit 0.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen none.tok --docs 0 || fail "gen"
$PY "$HERE/shard_gen.py" gen empties.tok --docs 4 --empty 1 || fail "gen empties"
for fmt in llmc megatron nanogpt; do
	for s in none empties; do
		expect_exit "$fmt $s" 0 $GRIST shard -q --format $fmt -o $fmt-$s/p $s.tok
		expect_grep "$fmt $s: manifest without shards" '"shards": \[\]' $fmt-$s/p.manifest.json
		expect_exit "$fmt $s verifies" 0 $GRIST shard verify $fmt-$s/p >/dev/null
	done
done
expect_grep "empty documents counted" '"empty_documents_skipped": 4' llmc-empties/p.manifest.json
done_testing
